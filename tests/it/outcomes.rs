//! Outcome KPIs (business measures the organisation records) and review packs: loaded from the
//! document and from a CSV file, validated with typed errors naming the record, read by gates
//! and conditions, withheld with small groups, and assembled into each review's pack.

use chrono::NaiveDate;
use serde_json::{Value, json};
use teichaku::metrics::{Disclosure, Figure, Scope, outcome_figure};
use teichaku::model::{OutcomeId, OutcomeMeasure, Record, Role, ValidationError};
use teichaku::rollout::{Measure, Observed, Source};
use teichaku::{LoadError, LoadOptions, OutcomeFileError, read_outcomes_csv};

use crate::support::{errors, load, push, set, small, unit};

const HEAD_OFFICE: &str = "00000000-0000-0000-0000-000000000001";
const SALES: &str = "00000000-0000-0000-0000-000000000002";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn orders() -> OutcomeId {
    OutcomeId::new("new-orders").unwrap()
}

/// The small document with two outcome KPIs declared, a gate criterion and an intervention on
/// new orders, and the weekly meeting reporting both.
fn with_outcomes() -> Value {
    let mut doc = small();
    set(
        &mut doc,
        "/playbook/inline/outcomes",
        json!([
            { "id": "new-orders", "title": { "en": "New orders", "ja": "新規受注" }, "measured_in": "orders",
              "direction": "higher_is_better", "supplied_by": "manager" },
            { "id": "ai-cost", "title": { "en": "Cost", "ja": "コスト" }, "measured_in": "JPY",
              "direction": "lower_is_better" }
        ]),
    );
    push(
        &mut doc,
        "/playbook/inline/phases/0/gate/criteria",
        json!({ "id": "orders-up", "title": { "en": "Orders up 10%", "ja": "受注10%増" }, "weight": 1,
                "check": { "kind": "outcome", "outcome": "new-orders", "op": "at_least", "threshold": 0.1,
                           "measure": "change_from_baseline" } }),
    );
    push(
        &mut doc,
        "/playbook/inline/interventions",
        json!({ "id": "orders-high", "title": { "en": "Tell the others how", "ja": "他部署に共有" },
                "scope": "organisation", "owner": "promotion_lead", "severity": 0.3,
                "when": { "kind": "outcome", "outcome": "new-orders", "op": "ge", "value": 40 } }),
    );
    set(&mut doc, "/playbook/inline/activities/3/reports_outcomes", json!(["new-orders", "ai-cost"]));
    set(
        &mut doc,
        "/observations/outcomes",
        json!([
            { "outcome": "new-orders", "from": "2026-04-01", "date": "2026-04-30", "value": 42,
              "measured_in": "orders", "baseline": 35 },
            { "outcome": "new-orders", "unit": SALES, "date": "2026-04-30", "value": 20 },
            { "outcome": "new-orders", "unit": HEAD_OFFICE, "date": "2026-04-30", "value": 42 }
        ]),
    );
    doc
}

fn criterion(a: &teichaku::Assessment) -> &teichaku::rollout::CriterionReadiness {
    a.readiness.phases[0].criteria.iter().find(|c| c.criterion.as_str() == "orders-up").unwrap()
}

#[test]
fn a_gate_reads_the_latest_record_and_its_change_from_baseline() {
    let snapshot = load(&with_outcomes()).unwrap();
    assert_eq!(snapshot.observations().outcomes.len(), 3);
    let after = teichaku::assess(&snapshot, day("2026-05-15")).unwrap();
    let c = criterion(&after);
    assert!(c.met);
    let Observed::Outcome { value, withheld, measure, .. } = &c.observed else { panic!("{:?}", c.observed) };
    // 42 orders against a baseline of 35: 20% more.
    assert_eq!(
        (value.map(|v| (v * 1e9).round() / 1e9), *withheld, *measure),
        (Some(0.2), false, OutcomeMeasure::ChangeFromBaseline)
    );
    // Before the record is dated there is nothing to read: not met, and nothing shown.
    let before = teichaku::assess(&snapshot, day("2026-04-29")).unwrap();
    assert!(!criterion(&before).met);
    assert!(matches!(criterion(&before).observed, Observed::Outcome { value: None, withheld: false, .. }));
}

#[test]
fn an_intervention_fires_on_an_outcome() {
    let snapshot = load(&with_outcomes()).unwrap();
    let fired = |as_of: &str| {
        let a = teichaku::assess(&snapshot, day(as_of)).unwrap();
        a.actions.actions.iter().any(|x| x.code == "intervention:orders-high")
    };
    assert!(fired("2026-05-15"), "42 orders ≥ 40");
    assert!(!fired("2026-04-29"), "no record yet");
}

#[test]
fn a_small_unit_shows_no_outcome() {
    let snapshot = load(&with_outcomes()).unwrap();
    let as_of = day("2026-05-15");
    let disclosure = Disclosure::new(&snapshot, as_of, 5);
    let figure = |u: u128| {
        let scope = Scope::Unit(unit(u));
        outcome_figure(&snapshot, &scope, disclosure.shows(&scope), &orders(), OutcomeMeasure::Value, as_of)
    };
    // Sales has three members: its 20 orders are withheld, as its usage figures are.
    assert_eq!(figure(2), Figure::Suppressed);
    assert_eq!(figure(1), Figure::Value(42.0));
    assert_eq!(figure(3), Figure::Suppressed, "Support is as small: not even its silence shows");
    assert_eq!(
        outcome_figure(&snapshot, &Scope::Organisation, true, &orders(), OutcomeMeasure::Value, day("2026-04-29")),
        Figure::Undefined,
        "nothing recorded yet"
    );
}

#[test]
fn outcome_records_are_validated_naming_the_record() {
    let mut doc = with_outcomes();
    push(&mut doc, "/observations/outcomes", json!({ "outcome": "no-such", "date": "2026-04-30", "value": 1 }));
    push(
        &mut doc,
        "/observations/outcomes",
        json!({ "outcome": "ai-cost", "date": "2026-04-30", "value": 1, "measured_in": "USD" }),
    );
    push(
        &mut doc,
        "/observations/outcomes",
        json!({ "outcome": "ai-cost", "from": "2026-05-02", "date": "2026-05-01", "value": 2e12 }),
    );
    push(
        &mut doc,
        "/observations/outcomes",
        json!({ "outcome": "ai-cost", "unit": "00000000-0000-0000-0000-000000000099", "date": "2026-05-01", "value": 1 }),
    );
    push(
        &mut doc,
        "/playbook/inline/outcomes",
        json!({ "id": "ai-cost", "title": { "en": "", "ja": "" }, "measured_in": "JPY", "direction": "lower_is_better" }),
    );
    set(&mut doc, "/playbook/inline/activities/0/reports_outcomes", json!(["revenue"]));
    let found = errors(&doc);
    let record = |index: usize, outcome: &str| Record::Outcome { index, outcome: OutcomeId::new(outcome).unwrap() };
    let expected = [
        ValidationError::UnknownOutcome { record: record(3, "no-such"), outcome: OutcomeId::new("no-such").unwrap() },
        ValidationError::OutcomeUnitMismatch {
            record: record(4, "ai-cost"),
            outcome: OutcomeId::new("ai-cost").unwrap(),
            declared: "JPY".into(),
            found: "USD".into(),
        },
        ValidationError::DatesOutOfOrder {
            record: record(5, "ai-cost"),
            field: "date",
            date: day("2026-05-01"),
            earlier_field: "from",
            earlier: day("2026-05-02"),
        },
        ValidationError::UnknownUnit { record: record(6, "ai-cost"), unit: unit(0x99) },
        ValidationError::DuplicateId {
            record: Record::OutcomeKpi { index: 2, id: OutcomeId::new("ai-cost").unwrap() },
            first_index: 1,
        },
    ];
    for e in &expected {
        assert!(found.contains(e), "missing {e}\nfound: {found:#?}");
    }
    assert!(found.iter().any(
        |e| matches!(e, ValidationError::InvalidNumber { record: r, field: "value", .. } if *r == record(5, "ai-cost"))
    ));
    assert!(
        found
            .iter()
            .any(|e| matches!(e, ValidationError::UnknownOutcome { record: Record::Activity { index: 0, .. }, .. }))
    );
    assert_eq!(found.len(), expected.len() + 2, "{found:#?}");
    assert!(expected[0].to_string().contains("outcome record #3 of `no-such` names unknown outcome KPI `no-such`"));
}

#[test]
fn gates_and_conditions_must_name_a_declared_outcome() {
    let mut doc = small();
    push(
        &mut doc,
        "/playbook/inline/phases/0/gate/criteria",
        json!({ "id": "o", "title": { "en": "", "ja": "" }, "weight": 1,
                "check": { "kind": "outcome", "outcome": "revenue", "op": "at_least", "threshold": 1 } }),
    );
    set(
        &mut doc,
        "/playbook/inline/interventions/0/when",
        json!({ "kind": "outcome", "outcome": "cost", "op": "lt", "value": 1 }),
    );
    let found = errors(&doc);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|e| matches!(e, ValidationError::UnknownOutcome { .. })));
}

#[test]
fn outcome_rows_are_read_from_csv() {
    let csv = "outcome,unit,from,date,value,measured_in,baseline\n\
               new-orders,,2026-05-01,2026-05-31,50,orders,35\n\
               ai-cost, 00000000-0000-0000-0000-000000000002 ,,2026-05-31,120000,,\n";
    let rows = read_outcomes_csv(csv).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].from, rows[0].baseline, rows[0].unit), (Some(day("2026-05-01")), Some(35.0), None));
    assert_eq!((rows[1].unit, rows[1].measured_in.as_deref(), rows[1].value), (Some(unit(2)), None, 120_000.0));
    // Columns in another order, the optional ones left out.
    assert_eq!(read_outcomes_csv("value,date,outcome\n3,2026-05-31,cost\n").unwrap()[0].value, 3.0);
}

#[test]
fn a_bad_csv_names_its_row_from_one() {
    let bad = |text: &str| read_outcomes_csv(text).unwrap_err();
    assert_eq!(
        bad("outcome,date,value\ncost,2026-05-31,1\ncost,2026-05-31,lots\n"),
        OutcomeFileError::Row { row: 2, problem: "`value` = \"lots\" is not a number".into() }
    );
    assert!(matches!(bad("outcome,date,value\ncost,2026-02-30,1\n"), OutcomeFileError::Row { row: 1, .. }));
    assert!(matches!(bad("outcome,date,value\nNot A Slug,2026-05-31,1\n"), OutcomeFileError::Row { row: 1, .. }));
    assert!(matches!(bad("outcome,date,value\ncost,2026-05-31,inf\n"), OutcomeFileError::Row { row: 1, .. }));
    assert!(matches!(bad("outcome,date,value\ncost,2026-05-31\n"), OutcomeFileError::Row { row: 1, .. }));
    assert!(matches!(bad("outcome,date\ncost,2026-05-31\n"), OutcomeFileError::Header { .. }));
    assert!(matches!(bad("outcome,date,value,colour\n"), OutcomeFileError::Header { .. }));
    assert!(matches!(bad("outcome,date,value,date\n"), OutcomeFileError::Header { .. }));
    assert!(bad("outcome,date,value\ncost,2026-05-31,lots\n").to_string().starts_with("outcomes file row 1: "));
}

#[test]
fn file_rows_are_validated_with_the_document_and_named_by_row() {
    let rows = read_outcomes_csv(
        "outcome,unit,date,value\nnew-orders,,2026-05-31,50\nrevenue,,2026-05-31,1\nai-cost,nowhere,2026-05-31,1\n",
    )
    .unwrap();
    let options = LoadOptions { outcomes: rows.clone(), ..Default::default() };
    let files = std::collections::BTreeMap::<String, Vec<u8>>::new();
    let result = teichaku::load_with(with_outcomes().to_string(), crate::support::catalog(), &files, &options);
    let Err(LoadError::Invalid(found)) = result else { panic!("expected validation errors") };
    let found = found.into_vec();
    let row = |row: u64, outcome: &str| Record::OutcomeRow { row, outcome: OutcomeId::new(outcome).unwrap() };
    assert_eq!(
        found,
        [
            ValidationError::UnknownOutcome { record: row(2, "revenue"), outcome: OutcomeId::new("revenue").unwrap() },
            ValidationError::UnknownUnit {
                record: row(3, "ai-cost"),
                unit: teichaku::model::UnitId::from_key("nowhere")
            },
        ]
    );
    assert_eq!(found[0].to_string(), "outcomes file row 2 (`revenue`) names unknown outcome KPI `revenue`");
    // The good row alone loads, after the document's own records.
    let options = LoadOptions { outcomes: rows[..1].to_vec(), ..Default::default() };
    let loaded = teichaku::load_with(with_outcomes().to_string(), crate::support::catalog(), &files, &options).unwrap();
    assert_eq!(loaded.snapshot.observations().outcomes.len(), 4);
}

#[test]
fn the_review_pack_assembles_the_reported_measures() {
    let snapshot = load(&with_outcomes()).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-05-15")).unwrap();
    let pack = a.reviews.packs.iter().find(|p| p.activity.as_str() == "weekly-meeting").unwrap();
    assert_eq!(pack.owner, Role::PromotionLead);
    let kinds: Vec<&Measure> = pack.measures.iter().map(|m| &m.measure).collect();
    assert_eq!(
        kinds,
        [
            &Measure::Kpi { kpi: teichaku::model::Kpi::WeeklyActiveRate },
            &Measure::Outcome { outcome: orders() },
            &Measure::Outcome { outcome: OutcomeId::new("ai-cost").unwrap() },
        ]
    );
    let [usage, orders, cost] = &pack.measures[..] else { panic!() };
    assert_eq!(usage.source, Source::UsageLog);
    assert_eq!(usage.value, a.kpis.scopes[0].kpi(teichaku::model::Kpi::WeeklyActiveRate));
    // The organisation's orders in the period, compared with the record's baseline.
    assert_eq!((orders.value, orders.comparison), (Figure::Value(42.0), Some(Figure::Value(35.0))));
    assert!(!orders.missing);
    // Nobody recorded the cost: it is missing, and the declared role must supply it.
    assert_eq!((cost.value, cost.missing, cost.supplied_by), (Figure::Undefined, true, Some(Role::PromotionLead)));
    assert_eq!(pack.missing, 1);
}

#[test]
fn the_next_review_is_compared_with_the_start_of_its_period() {
    let snapshot = load(&with_outcomes()).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-05-15")).unwrap();
    let next = &a.reviews.packs[a.reviews.next_due.expect("the weekly meeting is open")];
    assert_eq!(next.activity.as_str(), "weekly-meeting");
    assert_eq!(next.period.to, day("2026-05-15"));
    assert_eq!(next.compared_with, Some(next.period.from));
    let then = teichaku::assess(&snapshot, next.period.from).unwrap();
    let usage = &next.measures[0];
    assert_eq!(usage.comparison, Some(then.kpis.scopes[0].kpi(teichaku::model::Kpi::WeeklyActiveRate)));
}

#[test]
fn outcomes_appear_in_the_document_schema() {
    let schema = teichaku::model::__private::schemars::schema_for!(teichaku::model::AssessmentDocument);
    let text = serde_json::to_string(&schema).unwrap();
    for word in ["OutcomeRecord", "OutcomeKpi", "reports_outcomes", "change_from_baseline", "lower_is_better"] {
        assert!(text.contains(word), "the schema lacks {word}");
    }
}
