//! The retention score's calibration: hand-built organisations whose level, and score where it is
//! practical, are computed by hand in `docs/metrics.md` ("Calibration"), under the default
//! scoring model (habit ≥ 0.8 × 50, weekly-active ≥ 0.9 × 20, returning ≥ 0.9 × 10, executive
//! commitment, consultation, knowledge sharing and rule hygiene 5 each; a cap of 59 while half
//! the members lack a daily habit, executives have not used AI in 14 days, or nobody is an
//! ambassador).
//!
//! Ten members of `tests/data/small.json` (launch 2026-04-01, a Wednesday = day 0): A, the
//! executive, in Head office; B, an ambassador, and C to J, staff, in Sales. The minimum group
//! size is 1 unless a test says otherwise, so every figure is shown.

use chrono::{Days, NaiveDate};
use serde_json::{Value, json};
use teichaku::metrics::{Level, Scope, ScoreReport};
use teichaku::{KpiOptions, kpis};

use crate::support::{load, push, set, small};

const A: u128 = 0x101;
const B: u128 = 0x102;
const STAFF: [u128; 8] = [0x103, 0x104, 0x105, 0x106, 0x107, 0x108, 0x109, 0x10a];
const HEAD_OFFICE: u128 = 1;
const SALES: u128 = 2;

fn id(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// Day `n` after launch.
fn day(n: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap().checked_add_days(Days::new(n)).unwrap()
}

/// The ten members and no observations.
fn organisation() -> Value {
    let mut d = small();
    let mut members = vec![
        json!({ "id": id(A), "unit": id(HEAD_OFFICE), "roles": ["executive"], "joined": "2020-01-01" }),
        json!({ "id": id(B), "unit": id(SALES), "roles": ["ambassador", "staff"], "joined": "2020-01-01" }),
    ];
    members.extend(
        STAFF.iter().map(|&n| json!({ "id": id(n), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01" })),
    );
    set(&mut d, "/organisation/members", Value::Array(members));
    let lists = ["completions", "usage", "trainings", "surveys", "proposals", "consultations", "incidents"];
    let lists = lists.into_iter().chain(["rule_reviews", "success_cases"]);
    set(&mut d, "/observations", lists.map(|k| (k.to_owned(), json!([]))).collect::<serde_json::Map<_, _>>().into());
    d
}

/// Member `n` uses AI for ten minutes on each of `days`.
fn uses(d: &mut Value, n: u128, days: impl IntoIterator<Item = u64>) {
    for k in days {
        push(
            d,
            "/observations/usage",
            json!({ "member": id(n), "at": format!("{}T10:00:00+09:00", day(k)), "minutes": 10 }),
        );
    }
}

/// Everything that keeps use going, relative to `as_of` (day `t`): a consultation resolved in a
/// day (opened 5 days earlier), a complete success case 7 days earlier and a rule review 30
/// days earlier.
fn mechanisms(d: &mut Value, t: u64) {
    push(
        d,
        "/observations/consultations",
        json!({ "id": id(0x401), "member": id(STAFF[0]), "opened": day(t - 5), "resolved": day(t - 4) }),
    );
    push(
        d,
        "/observations/success_cases",
        json!({ "id": id(0x701), "member": id(B), "date": day(t - 7), "problem": "an hour of minutes",
                "measure": "summaries", "effect": "15 minutes", "how": "template 3" }),
    );
    push(d, "/observations/rule_reviews", json!({ "id": id(0x601), "date": day(t - 30) }));
}

fn score_on(d: &Value, t: u64, min_group: u32) -> ScoreReport {
    let snapshot = load(d).unwrap_or_else(|e| panic!("the test document is invalid: {e}"));
    let mut o = KpiOptions::default();
    o.min_group_size = Some(min_group);
    let report = kpis(&snapshot, day(t), &o).unwrap();
    let org = report.scopes.iter().find(|s| s.scope == Scope::Organisation).unwrap();
    org.score.value().cloned().expect("the organisation is shown")
}

fn holds(s: &ScoreReport, condition: &str) -> bool {
    s.absolute_conditions.iter().find(|a| a.id.as_str() == condition).unwrap().holds
}

fn close(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-9, "score {actual}, expected {expected}");
}

#[test]
fn no_use_is_installed_and_no_condition_holds_by_default() {
    let d = organisation();
    let s = score_on(&d, 30, 1);
    // Nothing earns: no use, returning and consultation undefined, no case, no review, and an
    // executive who never used AI is the worst value, not 30 days.
    close(s.score, 0.0);
    assert_eq!(s.level, Level::Installed);
    assert!(!holds(&s, "executive-commitment"), "no executive ever used AI");
    assert!(!holds(&s, "daily-habit"));
    assert_eq!(s.cap, Some(59.0));
    let never: Vec<_> = s.components.iter().filter(|c| c.kpi.is_days_since()).map(|c| (c.value, c.points)).collect();
    assert_eq!(never, [(None, 0.0), (None, 0.0)], "never shared, never reviewed: null and no points");
}

#[test]
fn kick_off_only_is_installed() {
    // Everyone tried AI at the kick-off on day 7, and the rules were reviewed there; on day 21
    // nobody has used it for two weeks.
    let mut d = organisation();
    for n in [A, B].into_iter().chain(STAFF) {
        uses(&mut d, n, [7]);
    }
    push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x601), "date": day(7) }));
    let s = score_on(&d, 21, 1);
    // Rule hygiene alone: 14 days ≤ 90, 5 of 100 points.
    close(s.score, 5.0);
    assert_eq!(s.level, Level::Installed);
    assert!(!holds(&s, "executive-commitment"), "the executive last used AI 14 days ago");
}

#[test]
fn a_pilot_at_60_percent_weekly_and_20_percent_habit_is_spreading() {
    // Day 45 (Saturday 2026-05-16): A and B use AI every day, C to F once a week (on the same
    // weekday, so they are active in this week and the last); the mechanisms are in place.
    let t = 45;
    let mut d = organisation();
    uses(&mut d, A, 0..=t);
    uses(&mut d, B, 0..=t);
    for (i, &n) in STAFF.iter().take(4).enumerate() {
        uses(&mut d, n, (i as u64..=t).step_by(7));
    }
    mechanisms(&mut d, t);
    let s = score_on(&d, t, 1);
    // habit 0.2 ÷ 0.8 × 50 = 12.5; weekly 0.6 ÷ 0.9 × 20 = 13.333; returning 6 of 6 = 10;
    // executive 5, consultation 5, knowledge 5, rules 5: 55.833. Under half habitual: cap 59.
    close(s.score, 12.5 + 0.6 / 0.9 * 20.0 + 10.0 + 20.0);
    assert_eq!(s.cap, Some(59.0));
    assert!(!holds(&s, "daily-habit") && holds(&s, "executive-commitment") && holds(&s, "place-to-ask"));
    assert_eq!(s.level, Level::Spreading);
}

#[test]
fn everyone_daily_for_eight_weeks_is_self_driving() {
    let t = 55;
    let mut d = organisation();
    for n in [A, B].into_iter().chain(STAFF) {
        uses(&mut d, n, 0..=t);
    }
    mechanisms(&mut d, t);
    let s = score_on(&d, t, 1);
    close(s.score, 100.0);
    assert_eq!((s.cap, s.ceiling), (None, None));
    assert_eq!(s.level, Level::SelfDriving);
}

#[test]
fn a_collapse_after_day_30_falls_to_trial() {
    // Everyone daily to day 30, with the mechanisms then; after it only C, once a week.
    let t = 60;
    let mut d = organisation();
    for n in [A, B].into_iter().chain(STAFF) {
        uses(&mut d, n, 0..=30);
    }
    uses(&mut d, STAFF[0], [37, 44, 51, 58]);
    mechanisms(&mut d, 30);
    let s = score_on(&d, t, 1);
    // habit 0; weekly 0.1 ÷ 0.9 × 20 = 2.222; returning 1 of 1 = 10; executive 0 (30 days);
    // consultation 1 day: 5; knowledge 37 days: 14 ÷ 37 × 5 = 1.892; rules 60 days: 5.
    close(s.score, 0.1 / 0.9 * 20.0 + 10.0 + 14.0 / 37.0 * 5.0 + 10.0);
    assert_eq!(s.level, Level::Trial);
    assert!(!holds(&s, "executive-commitment") && !holds(&s, "daily-habit"));
    // Eight weeks earlier the same organisation was self-driving.
    let before = score_on(&d, 28, 1);
    assert_eq!(before.level, Level::SelfDriving, "{before:?}");
}

#[test]
fn silent_executives_cap_an_otherwise_self_driving_organisation() {
    // Everyone but the executive daily for eight weeks; the executive never uses AI.
    let t = 55;
    let mut d = organisation();
    for n in std::iter::once(B).chain(STAFF) {
        uses(&mut d, n, 0..=t);
    }
    mechanisms(&mut d, t);
    let s = score_on(&d, t, 1);
    // habit 0.9 and weekly 0.9: 70; returning 10; executive 0; the mechanisms 15: 95, capped.
    close(s.uncapped, 95.0);
    assert!(!holds(&s, "executive-commitment"));
    close(s.score, 59.0);
    assert_eq!(s.level, Level::Spreading);
}

#[test]
fn a_withheld_executive_neither_scores_nor_caps_nor_shows() {
    // The same organisation under the default minimum group size of 5: the lone executive's
    // figures are withheld, so "never used AI" cannot be read off the score.
    let t = 55;
    let mut d = organisation();
    for n in std::iter::once(B).chain(STAFF) {
        uses(&mut d, n, 0..=t);
    }
    mechanisms(&mut d, t);
    let s = score_on(&d, t, 5);
    let exec = s.components.iter().find(|c| c.kpi == teichaku::model::Kpi::ExecutiveActiveShare).unwrap();
    assert!(exec.withheld && exec.value.is_none() && exec.points == 0.0);
    let condition = s.absolute_conditions.iter().find(|a| a.id.as_str() == "executive-commitment").unwrap();
    assert!(condition.withheld && !condition.holds);
    // 95 points of the 95 counted weights: 100, not capped.
    close(s.score, 100.0);
    assert_eq!((s.cap, s.level), (None, Level::SelfDriving));
}

#[test]
fn use_sets_a_ceiling_on_the_level() {
    // A model of one component, weekly-active at least 0.1: one member of ten active scores 100,
    // but weekly-active under the failing threshold (0.2) allows at most `trial`.
    let mut d = organisation();
    set(
        &mut d,
        "/playbook/inline/scoring",
        json!({ "components": [
            { "component": "weekly_active_rate", "kpi": "weekly_active_rate", "op": "at_least", "target": 0.1, "weight": 1 }
        ], "absolute_conditions": [], "cap_without_absolute": 59, "failing": { "below": 0.2, "after_days": 90 } }),
    );
    uses(&mut d, B, [20]);
    let s = score_on(&d, 21, 1);
    close(s.score, 100.0);
    assert_eq!((s.level, s.ceiling), (Level::Trial, Some(Level::Trial)));
    // A model scoring only the rule review: reviewed yesterday, nobody using AI: `installed`.
    set(
        &mut d,
        "/playbook/inline/scoring/components",
        json!([{ "component": "rule_hygiene", "kpi": "days_since_rule_review", "op": "at_most", "target": 90, "weight": 1 }]),
    );
    push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x601), "date": day(40) }));
    let s = score_on(&d, 41, 1);
    close(s.score, 100.0);
    assert_eq!((s.level, s.ceiling), (Level::Installed, Some(Level::Installed)));
}
