//! KPI targets over time: met, missed (by how much) or not yet due on `as_of`, and a missed
//! target as an early-warning action ranked between the barrier point and generic interventions.
//!
//! Ten members of `tests/data/small.json` (launch 2026-04-01 = day 0): A, the executive, in Head
//! office; B, an ambassador, and C to J, staff, in Sales. Everyone uses AI daily to day 35, then
//! nobody does (a collapse between day 30 and 60).

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use teichaku::metrics::{Scope, TargetState, TargetStatus};
use teichaku::rollout::{Action, ActionScope, Reason};
use teichaku::{Assessment, assess};

use crate::support::{load, push, set, small};

const A: u128 = 0x101;
const B: u128 = 0x102;
const STAFF: [u128; 8] = [0x103, 0x104, 0x105, 0x106, 0x107, 0x108, 0x109, 0x10a];
const HEAD_OFFICE: u128 = 1;
const SALES: u128 = 2;
const SUPPORT: u128 = 3;

fn id(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().checked_add_days(Days::new(n)).unwrap()
}

/// The collapse, with `targets` as the playbook's `kpi_targets`.
fn collapse(targets: Value) -> Value {
    let mut d = small();
    let mut members = vec![
        json!({ "id": id(A), "unit": id(HEAD_OFFICE), "roles": ["executive"], "joined": "2020-01-01" }),
        json!({ "id": id(B), "unit": id(SALES), "roles": ["ambassador", "staff"], "joined": "2020-01-01" }),
    ];
    members.extend(
        STAFF.iter().map(|&n| json!({ "id": id(n), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01" })),
    );
    set(&mut d, "/organisation/members", Value::Array(members));
    set(&mut d, "/observations/usage", json!([]));
    set(&mut d, "/observations/success_cases", json!([]));
    for n in [A, B].into_iter().chain(STAFF) {
        for k in 0..=35 {
            push(
                &mut d,
                "/observations/usage",
                json!({ "member": id(n), "at": format!("{}T10:00:00+09:00", day(k)), "minutes": 10 }),
            );
        }
    }
    set(&mut d, "/playbook/inline/kpi_targets", targets);
    d
}

fn on(d: &Value, t: u64) -> Assessment {
    assess(&load(d).unwrap_or_else(|e| panic!("the test document is invalid: {e}")), day(t)).unwrap()
}

fn target_action<'a>(a: &'a Assessment, code: &str) -> Option<&'a Action> {
    a.actions.actions.iter().find(|x| x.code == code)
}

/// The organisation's status of the target on `kpi` (each test has one per KPI).
fn status<'a>(a: &'a Assessment, kpi: &str) -> &'a TargetStatus {
    a.kpis.targets.iter().find(|t| t.kpi.name() == kpi && t.scope == Scope::Organisation).unwrap()
}

#[test]
fn targets_are_not_yet_due_then_met_or_missed_by_how_much() {
    let d = collapse(json!([
        { "kpi": "habit_rate", "op": "at_least", "value": 0.2, "by_day": 30 },
        { "kpi": "weekly_active_rate", "op": "at_least", "value": 0.4, "by_day": 60 },
        { "kpi": "days_since_success_case", "op": "at_most", "value": 14 }
    ]));
    let a = on(&d, 29);
    assert_eq!(status(&a, "habit_rate").state, TargetState::NotYetDue);
    assert_eq!(status(&a, "habit_rate").due, Some(day(30)));
    assert_eq!(status(&a, "weekly_active_rate").state, TargetState::NotYetDue);
    let a = on(&d, 30);
    assert_eq!((status(&a, "habit_rate").state, status(&a, "habit_rate").value), (TargetState::Met, Some(1.0)));
    // No case was ever shared: a standing "days since" target is missed with no number.
    let never = status(&a, "days_since_success_case");
    assert_eq!((never.state, never.value, never.shortfall), (TargetState::Missed, None, None));
    assert_eq!(never.due, Some(day(0)));
    // Day 60: nobody has used AI since day 35: weekly-active 0, short of 0.4 by 0.4.
    let a = on(&d, 60);
    let weekly = status(&a, "weekly_active_rate");
    assert_eq!((weekly.state, weekly.value, weekly.days_missed), (TargetState::Missed, Some(0.0), Some(0)));
    assert!((weekly.shortfall.unwrap() - 0.4).abs() < 1e-12);
    assert_eq!(status(&a, "habit_rate").state, TargetState::Missed);
}

#[test]
fn a_collapse_between_day_30_and_60_raises_a_missed_target_action_within_7_days_of_its_due_day() {
    let d = collapse(json!([
        { "kpi": "habit_rate", "op": "at_least", "value": 0.2, "by_day": 30 },
        { "kpi": "weekly_active_rate", "op": "at_least", "value": 0.4, "by_day": 60 }
    ]));
    // The habit target fell due on day 30, met; the habit fails on day 39 (no use since 35:
    // at most 3 of the trailing 7 days), and the warning comes that day.
    let first = (30..=67).find(|&t| target_action(&on(&d, t), "target:habit_rate-by-30").is_some());
    assert_eq!(first, Some(39));
    // The weekly-active target is missed from its due day, day 60, on.
    for t in 53..=67 {
        let a = on(&d, t);
        let action = target_action(&a, "target:weekly_active_rate-by-60");
        assert_eq!(action.is_some(), t >= 60, "day {t}");
        if let Some(action) = action {
            assert!(
                action
                    .reasons
                    .iter()
                    .any(|r| matches!(r, Reason::TargetMissed { days_missed, .. } if *days_missed == t as i64 - 60))
            );
            assert_eq!(action.urgency, 85.0, "the default target_missed term alone");
        }
    }
}

#[test]
fn a_missed_target_ranks_below_the_barrier_point_and_above_generic_interventions() {
    let mut d = collapse(json!([{ "kpi": "weekly_active_rate", "op": "at_least", "value": 0.4, "by_day": 60 }]));
    // A minimum group of 1, so the lone executive's figures are shown.
    set(&mut d, "/playbook/inline/metrics", json!({ "min_group_size": 1 }));
    // Day 60: the executive last used AI on day 35, so `executive-silent` (severity 0.7) fires;
    // weekly-active 0 fails the `weekly-40` criterion of the first phase: the barrier point.
    let a = on(&d, 60);
    let rank =
        |code: &str| a.actions.actions.iter().position(|x| x.code == code).unwrap_or_else(|| panic!("no {code}"));
    let target = rank("target:weekly_active_rate-by-60");
    // The barrier is a KPI: the work that moves it stands for it, and ranks first.
    let barrier = a
        .actions
        .actions
        .iter()
        .position(|x| {
            x.reasons
                .iter()
                .any(|r| matches!(r, Reason::BarrierPoint { criterion, .. } if criterion.as_str() == "weekly-40"))
        })
        .expect("the barrier's work");
    assert!(barrier < target, "{:#?}", a.actions.actions);
    assert!(target < rank("intervention:executive-silent"));
}

#[test]
fn a_per_unit_target_is_due_from_the_unit_s_first_completion_up_to_as_of_and_an_organisation_one_from_any() {
    // Training in Sales on days 9 (small.json) and 20, in Support on day 5 (listed first), in
    // Head office on day 50: per unit, each unit's own first; for the organisation, the first
    // anywhere.
    let per_unit = json!([{ "kpi": "weekly_active_rate", "op": "at_least", "value": 0.4, "by_day": 30,
                            "after": "training", "scope": "per_unit" }]);
    let mut d = collapse(per_unit);
    set(&mut d, "/playbook/inline/metrics", json!({ "min_group_size": 1 }));
    let training =
        |unit: u128, on: u64| json!({ "activity": "training", "unit": id(unit), "date": day(on).to_string() });
    let mut completions = vec![training(SUPPORT, 5)];
    completions.extend(d["observations"]["completions"].as_array().unwrap().iter().cloned());
    completions.extend([training(SALES, 20), training(HEAD_OFFICE, 50)]);
    set(&mut d, "/observations/completions", Value::Array(completions));
    let due = |a: &Assessment, scope: Scope| a.kpis.targets.iter().find(|t| t.scope == scope).and_then(|t| t.due);
    let unit = |u: u128| Scope::Unit(crate::support::unit(u));
    let a = on(&d, 45);
    assert_eq!(due(&a, unit(SALES)), Some(day(39)), "Sales' first training, not its latest");
    assert_eq!(due(&a, unit(SUPPORT)), Some(day(35)));
    // Head office trains after `as_of`: not yet.
    assert_eq!(due(&a, unit(HEAD_OFFICE)), None);
    assert_eq!(due(&on(&d, 50), unit(HEAD_OFFICE)), Some(day(80)));
    // The same target for the organisation: from the first training anywhere (Support, day 5).
    set(&mut d, "/playbook/inline/kpi_targets/0/scope", json!("organisation"));
    assert_eq!(due(&on(&d, 45), Scope::Organisation), Some(day(35)));
}

#[test]
fn a_target_after_an_activity_per_unit_is_due_from_the_unit_s_completion_and_never_shows_a_withheld_unit() {
    // Training is done in Sales on 2026-04-10 (small.json, day 9): 30 days on, day 39.
    let target = json!([{ "kpi": "weekly_active_rate", "op": "at_least", "value": 0.4, "by_day": 30,
                          "after": "training", "scope": "per_unit" }]);
    let mut d = collapse(target);
    // A minimum group of 1: under 5, Head office less Sales is A alone, so Sales would be withheld.
    set(&mut d, "/playbook/inline/metrics", json!({ "min_group_size": 1 }));
    let in_unit = |a: &Assessment, u: u128| {
        a.kpis.targets.iter().find(|t| t.scope == Scope::Unit(crate::support::unit(u))).cloned().unwrap()
    };
    let a = on(&d, 38);
    assert_eq!((in_unit(&a, SALES).due, in_unit(&a, SALES).state), (Some(day(39)), TargetState::NotYetDue));
    // Support has not trained: not yet due there.
    assert_eq!((in_unit(&a, SUPPORT).due, in_unit(&a, SUPPORT).state), (None, TargetState::NotYetDue));
    // Day 45: Sales (nine members) has not used AI since day 35.
    let a = on(&d, 45);
    let sales = in_unit(&a, SALES);
    assert_eq!((sales.state, sales.value, sales.days_missed), (TargetState::Missed, Some(0.0), Some(6)));
    let action = target_action(&a, "target:weekly_active_rate-by-30-after-training").unwrap();
    assert_eq!(action.scope, ActionScope::Unit(crate::support::unit(SALES)));
    // Under a minimum group of 20 Sales is withheld: the target shows no value, no shortfall,
    // and raises no action.
    set(&mut d, "/playbook/inline/metrics", json!({ "min_group_size": 20 }));
    let a = on(&d, 45);
    let sales = in_unit(&a, SALES);
    assert_eq!((sales.state, sales.value, sales.shortfall), (TargetState::Withheld, None, None));
    assert!(a.actions.actions.iter().all(|x| !x.code.starts_with("target:")));
}

#[test]
fn a_target_after_an_unknown_activity_is_refused_naming_the_target() {
    let d = collapse(
        json!([{ "kpi": "habit_rate", "op": "at_least", "value": 0.2, "by_day": 30, "after": "no-such-thing" }]),
    );
    let errors = crate::support::errors(&d);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|e| e.contains("KPI target #0") && e.contains("no-such-thing")), "{text:?}");
}
