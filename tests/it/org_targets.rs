//! Outcome KPIs and targets the organisation declares itself, beside the playbook's: validated
//! with typed errors naming the record, merged with the playbook's (an outcome id both declare is
//! refused, as is a target repeating another), judged on `as_of` as met, missed (by how much) or
//! not yet due, withheld with small groups, and a missed one raising the early warning a
//! playbook target raises.
//!
//! `tests/data/small.json`: launch 2026-04-01 (day 0), eight members, Head office (8 with the
//! units below it), Sales and Support (3 each, under the minimum group size of 5).

use chrono::NaiveDate;
use serde_json::{Value, json};
use teichaku::metrics::{Scope, TargetState};
use teichaku::model::{OutcomeId, Record, ValidationError};
use teichaku::rollout::{ActionScope, Reason};

use crate::support::{errors, load, set, small, unit};

const HEAD_OFFICE: &str = "00000000-0000-0000-0000-000000000001";
const SALES: &str = "00000000-0000-0000-0000-000000000002";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn claims() -> OutcomeId {
    OutcomeId::new("claims-handled").unwrap()
}

/// The small document whose organisation declares `claims-handled` (claims, higher is better,
/// supplied by managers), the target "claims ≥ 100 by day 30" for the organisation and for each
/// unit, and "habit ≥ 0.5 by day 20"; with `records` as the outcome records.
fn declaring(records: Value) -> Value {
    let mut doc = small();
    set(
        &mut doc,
        "/organisation/outcomes",
        json!([{ "id": "claims-handled", "title": { "en": "Claims handled", "ja": "処理件数" },
                 "measured_in": "claims", "direction": "higher_is_better", "supplied_by": "manager" }]),
    );
    set(
        &mut doc,
        "/organisation/outcome_targets",
        json!([
            { "outcome": "claims-handled", "op": "at_least", "value": 100, "by_day": 30 },
            { "outcome": "claims-handled", "op": "at_least", "value": 100, "by_day": 30, "scope": "per_unit" }
        ]),
    );
    set(
        &mut doc,
        "/organisation/kpi_targets",
        json!([{ "kpi": "habit_rate", "op": "at_least", "value": 0.5, "by_day": 20 }]),
    );
    set(&mut doc, "/observations/outcomes", records);
    doc
}

fn records() -> Value {
    json!([
        { "outcome": "claims-handled", "date": "2026-04-25", "value": 80, "measured_in": "claims" },
        { "outcome": "claims-handled", "unit": HEAD_OFFICE, "date": "2026-04-25", "value": 120 },
        { "outcome": "claims-handled", "unit": SALES, "date": "2026-04-25", "value": 50 }
    ])
}

#[test]
fn an_outcome_target_of_the_organisation_is_judged_and_warns_when_missed() {
    let snapshot = load(&declaring(records())).unwrap();
    let status = |a: &teichaku::Assessment, scope: Scope| {
        a.kpis.outcome_targets.iter().find(|t| t.outcome == claims() && t.scope == scope).cloned().unwrap()
    };

    // Day 19: not yet due anywhere, nothing shown, no warning.
    let early = teichaku::assess(&snapshot, day("2026-04-20")).unwrap();
    let org = status(&early, Scope::Organisation);
    assert_eq!((org.state, org.due, org.value), (TargetState::NotYetDue, Some(day("2026-05-01")), None));
    assert!(!early.actions.actions.iter().any(|x| x.code.starts_with("target:claims")));

    // Day 34: the organisation's 80 claims miss 100 by 20, four days after the due day.
    let late = teichaku::assess(&snapshot, day("2026-05-05")).unwrap();
    let org = status(&late, Scope::Organisation);
    assert_eq!(org.state, TargetState::Missed);
    assert_eq!((org.value, org.shortfall, org.days_missed), (Some(80.0), Some(20.0), Some(4)));
    // Head office (eight members with the units below it) meets it with 120.
    let head = status(&late, Scope::Unit(unit(1)));
    assert_eq!((head.state, head.value), (TargetState::Met, Some(120.0)));
    // Sales has three members: whether its 50 claims meet the target is not shown.
    let sales = status(&late, Scope::Unit(unit(2)));
    assert_eq!((sales.state, sales.value, sales.shortfall), (TargetState::Withheld, None, None));

    // The missed organisation target is an early warning as a playbook target is: 85, the
    // promotion lead, in the organisation; the withheld unit raises nothing.
    let warnings: Vec<_> = late.actions.actions.iter().filter(|x| x.code.starts_with("target:claims")).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = warnings[0];
    assert_eq!(w.code, "target:claims-handled-by-30");
    assert_eq!(w.scope, ActionScope::Organisation);
    assert_eq!(w.urgency, 85.0);
    assert!(w.reasons.iter().any(|r| matches!(r,
        Reason::OutcomeTargetMissed { outcome, threshold, days_missed: 4, shortfall: Some(s), .. }
            if *outcome == claims() && *threshold == 100.0 && *s == 20.0)));

    // The organisation's own KPI target is judged beside the playbook's and warns likewise.
    let habit = late.kpis.targets.iter().find(|t| t.threshold == 0.5 && t.by_day == Some(20)).unwrap();
    assert_eq!(habit.state, TargetState::Missed);
    assert!(late.actions.actions.iter().any(|x| x.code == "target:habit_rate-by-20"));
    assert!(late.kpis.targets.iter().any(|t| t.threshold == 0.6 && t.by_day == Some(90)), "the playbook's stays");

    // A record of 110 on day 35 meets it: the warning goes.
    let mut more = records();
    more.as_array_mut().unwrap().push(json!({ "outcome": "claims-handled", "date": "2026-05-06", "value": 110 }));
    let met = teichaku::assess(&load(&declaring(more)).unwrap(), day("2026-05-06")).unwrap();
    assert_eq!(status(&met, Scope::Organisation).state, TargetState::Met);
    assert!(!met.actions.actions.iter().any(|x| x.code.starts_with("target:claims")));
}

#[test]
fn the_organisations_measures_are_validated_naming_the_record() {
    // An outcome id the playbook declares too is refused, not merged.
    let mut doc = declaring(records());
    set(
        &mut doc,
        "/playbook/inline/outcomes",
        json!([{ "id": "claims-handled", "title": { "en": "Claims", "ja": "件数" }, "measured_in": "claims",
                 "direction": "higher_is_better" }]),
    );
    assert!(errors(&doc).contains(&ValidationError::OutcomeDeclaredTwice {
        record: Record::OrganisationOutcomeKpi { index: 0, id: claims() },
        outcome: claims(),
    }));

    // A target repeating the playbook's (weekly-active ≥ by day 90) with another threshold.
    let mut doc = declaring(records());
    set(
        &mut doc,
        "/organisation/kpi_targets",
        json!([{ "kpi": "weekly_active_rate", "op": "at_least", "value": 0.8, "by_day": 90 },
               { "kpi": "habit_rate", "op": "at_least", "value": 0.3, "by_day": 60, "after": "no-such" },
               { "kpi": "habit_rate", "op": "at_least", "value": 1e300 }]),
    );
    let found = errors(&doc);
    assert!(found.contains(&ValidationError::TargetDeclaredTwice {
        record: Record::OrganisationKpiTarget { index: 0 },
        other: Record::KpiTarget { index: 0 },
    }));
    assert!(found.iter().any(|e| matches!(
        e,
        ValidationError::UnknownActivity { record: Record::OrganisationKpiTarget { index: 1 }, .. }
    )));
    assert!(
        found.iter().any(|e| matches!(
            e,
            ValidationError::InvalidNumber { record: Record::OrganisationKpiTarget { index: 2 }, .. }
        )),
        "{found:?}"
    );

    // An outcome target naming an outcome nobody declares, one repeating another of the
    // organisation's, and a record of the organisation's outcome in another unit of measure.
    let mut doc =
        declaring(json!([{ "outcome": "claims-handled", "date": "2026-04-25", "value": 1, "measured_in": "JPY" }]));
    set(
        &mut doc,
        "/organisation/outcome_targets",
        json!([{ "outcome": "unknown-thing", "op": "at_most", "value": 1 },
               { "outcome": "claims-handled", "op": "at_least", "value": 100, "by_day": 30 },
               { "outcome": "claims-handled", "op": "at_least", "value": 90, "by_day": 30 }]),
    );
    let found = errors(&doc);
    let unknown = OutcomeId::new("unknown-thing").unwrap();
    assert!(found.contains(&ValidationError::UnknownOutcome {
        record: Record::OrganisationOutcomeTarget { index: 0, outcome: unknown.clone() },
        outcome: unknown,
    }));
    assert!(found.contains(&ValidationError::TargetDeclaredTwice {
        record: Record::OrganisationOutcomeTarget { index: 2, outcome: claims() },
        other: Record::OrganisationOutcomeTarget { index: 1, outcome: claims() },
    }));
    assert!(found.iter().any(|e| matches!(e, ValidationError::OutcomeUnitMismatch { record: Record::Outcome { index: 0, .. }, declared, .. } if declared == "claims")));
    // The messages name the organisation's record.
    let text = found.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(
        text.contains(
            "the organisation's outcome target #2 of `claims-handled` repeats the organisation's outcome target #1"
        ),
        "{text}"
    );
}

#[test]
fn the_organisations_measures_appear_in_the_document_schema_and_round_trip() {
    let schema = teichaku::model::__private::schemars::schema_for!(teichaku::model::AssessmentDocument);
    let text = serde_json::to_string(&schema).unwrap();
    for word in ["OutcomeTarget", "outcome_targets", "kpi_targets"] {
        assert!(text.contains(word), "the schema lacks {word}");
    }
    let snapshot = load(&declaring(records())).unwrap();
    let org = snapshot.organisation();
    assert_eq!((org.outcomes.len(), org.outcome_targets.len(), org.kpi_targets.len()), (1, 2, 1));
    assert_eq!(snapshot.outcome(&claims()).map(|o| o.measured_in.as_str()), Some("claims"));
}
