//! `activity_recent`: an organisation-wide activity done within the last N days, as a gate check
//! and as a condition. It is how a small organisation, whose executives' own figures are withheld
//! (fewer than the minimum group size), evidences executive commitment: by the recorded, public
//! activity "the executive showed their own use of AI to staff".
//!
//! small.json gets a weekly `show-use` activity (owner executive, organisation-wide, after
//! `declare-aim`), done on 2026-04-07, and the first phase's gate a mandatory criterion
//! `use-shown`: `show-use` done within the last 14 days. small.json has one executive, so
//! `days_since_executive_use` is withheld at the default minimum group size of 5.

use serde_json::json;
use teichaku::assess;
use teichaku::model::{ScoringModel, ValidationError};
use teichaku::rollout::{Observed, Reason};

use crate::support::{errors, load, push, set, small};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// small.json with `show-use`, the `use-shown` criterion, and `show-use` done on `done`.
fn with_show_use(done: &[&str]) -> serde_json::Value {
    let mut doc = small();
    push(
        &mut doc,
        "/playbook/inline/activities",
        json!({ "id": "show-use", "phase": "prepare", "title": { "en": "Show own AI use", "ja": "自らの活用を見せる" },
                "owner": "executive", "scope": "organisation", "duration_days": 1, "depends_on": ["declare-aim"],
                "recurrence": { "every_days": 7 } }),
    );
    push(
        &mut doc,
        "/playbook/inline/phases/0/gate/criteria",
        json!({ "id": "use-shown", "title": { "en": "Use shown", "ja": "活用を示した" }, "weight": 1, "mandatory": true,
                "check": { "kind": "activity_recent", "activity": "show-use", "within_days": 14 } }),
    );
    for date in done {
        push(&mut doc, "/observations/completions", json!({ "activity": "show-use", "date": date }));
    }
    doc
}

fn criterion<'a>(a: &'a teichaku::Assessment, id: &str) -> &'a teichaku::rollout::CriterionReadiness {
    a.readiness.phases.iter().flat_map(|g| &g.criteria).find(|c| c.criterion.as_str() == id).unwrap()
}

#[test]
fn the_criterion_holds_for_14_days_from_the_last_completion_that_day_included() {
    let snapshot = load(&with_show_use(&["2026-04-05", "2026-04-07"])).unwrap();
    // 2026-04-20 is 13 days after the last completion: within the last 14 days.
    let a = assess(&snapshot, day("2026-04-20")).unwrap();
    let c = criterion(&a, "use-shown");
    assert!(c.met);
    assert_eq!(c.credit, 1.0);
    assert_eq!(
        c.observed,
        Observed::Recent { activity: "show-use".parse().unwrap(), last: Some(day("2026-04-07")), within_days: 14 }
    );
    // 2026-04-21 is 14 days after it: lapsed, no partial credit, and the mandatory criterion holds
    // the gate shut.
    let a = assess(&snapshot, day("2026-04-21")).unwrap();
    let c = criterion(&a, "use-shown");
    assert!(!c.met);
    assert_eq!(c.credit, 0.0);
    let gate = a.readiness.phases.iter().find(|g| g.phase.as_str() == "prepare").unwrap();
    assert!(!gate.mandatory_met && !gate.passed);
}

#[test]
fn never_done_it_is_unmet_and_a_lapsed_one_is_proposed_again_as_overdue_work() {
    let a = assess(&load(&with_show_use(&[])).unwrap(), day("2026-04-20")).unwrap();
    let c = criterion(&a, "use-shown");
    assert!(!c.met);
    assert_eq!(c.observed, Observed::Recent { activity: "show-use".parse().unwrap(), last: None, within_days: 14 });

    // Done on 04-07, due again on 04-14 (weekly): on 04-15 it is a day late, so it earns the
    // late-recurrence base (`recurrence_due`, 90) plus a point, whether or not it is the barrier point.
    let a = assess(&load(&with_show_use(&["2026-04-07"])).unwrap(), day("2026-04-15")).unwrap();
    let action = a.actions.actions.iter().find(|x| x.code == "activity:show-use").unwrap();
    assert!(action.reasons.iter().any(|r| matches!(r, Reason::RecurrenceDue { .. })));
    let k = a.actions.coefficients;
    assert!(action.urgency >= k.recurrence_due + k.overdue_per_day, "{}", action.urgency);
    // On its due day it already comes first among the recurrences: it keeps `use-shown` from lapsing.
    let a = assess(&load(&with_show_use(&["2026-04-07"])).unwrap(), day("2026-04-14")).unwrap();
    let action = a.actions.actions.iter().find(|x| x.code == "activity:show-use").unwrap();
    assert!(action.urgency >= k.recurrence_due, "{}", action.urgency);
    let meeting = a.actions.actions.iter().find(|x| x.code == "activity:weekly-meeting");
    assert!(meeting.is_none_or(|m| m.urgency < action.urgency));
}

#[test]
fn as_a_condition_it_evidences_executive_commitment_when_the_executive_figures_are_withheld() {
    // The default scoring model, its executive-commitment condition widened to "the executives
    // used AI in the last 14 days, or showed it to staff in the last 14 days".
    let mut scoring = serde_json::to_value(ScoringModel::default()).unwrap();
    scoring["absolute_conditions"][1]["when"] = json!({ "kind": "any", "of": [
        { "kind": "compare", "kpi": "days_since_executive_use", "op": "lt", "value": 14 },
        { "kind": "activity_recent", "activity": "show-use", "within_days": 14 } ] });
    let condition = |done: &[&str], on: &str| {
        let mut doc = with_show_use(done);
        set(&mut doc, "/playbook/inline/scoring", scoring.clone());
        let a = assess(&load(&doc).unwrap(), day(on)).unwrap();
        let org = a.kpis.scopes.first().unwrap();
        let score = match &org.score {
            teichaku::metrics::Figure::Value(s) => s.clone(),
            other => panic!("the organisation's score is shown, got {other:?}"),
        };
        let c = score.absolute_conditions.iter().find(|c| c.id.as_str() == "executive-commitment").unwrap().clone();
        (c.holds, c.withheld)
    };
    // Shown to staff 13 days ago: the condition holds, whatever the withheld figure says.
    assert_eq!(condition(&["2026-04-07"], "2026-04-20"), (true, false));
    // Not shown lately: the condition turns on the withheld figure alone, so it is withheld and
    // decides nothing (it neither holds nor caps the score).
    assert_eq!(condition(&["2026-04-07"], "2026-04-21"), (false, true));
    assert_eq!(condition(&[], "2026-04-20"), (false, true));
}

#[test]
fn only_a_known_organisation_wide_activity_and_at_least_a_day_are_accepted() {
    let check = |activity: &str, within_days: u32| {
        let mut doc = with_show_use(&[]);
        set(
            &mut doc,
            "/playbook/inline/phases/0/gate/criteria/2/check",
            json!({ "kind": "activity_recent", "activity": activity, "within_days": within_days }),
        );
        errors(&doc)
    };
    let e = check("training", 14);
    assert!(matches!(e.as_slice(), [ValidationError::RecentPerUnit { .. }]), "{e:?}");
    assert_eq!(
        e[0].to_string(),
        "criterion #2 `use-shown` of phase `prepare`: `activity_recent` needs an organisation-wide activity, but `training` is per unit"
    );
    let e = check("nowhere", 14);
    assert!(matches!(e.as_slice(), [ValidationError::UnknownActivity { .. }]), "{e:?}");
    let e = check("show-use", 0);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].to_string().contains("within_days"), "{}", e[0]);
}
