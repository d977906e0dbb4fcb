//! KPIs and the retention score on small hand-built documents, each figure computed by hand in a
//! comment beside it; and two properties: input order does not matter, and aggregates merge exactly.
//!
//! The documents start from `tests/data/small.json` (Tokyo, `+09:00`, launch 2026-04-01, units
//! Head office > Sales and Support) with the members and observations replaced.
//! April 2026 calendar: Monday 6, 13, 20 and 27; so 2026-04-23 is a Thursday.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{
    AggregateSpec, EventStore, Figure, KpiReport, Level, MemberKpis, Rate, Scope, ScopeFigures, ScopeKpis, ScoreReport,
    Segment, Segments, UsageAggregate,
};
use teichaku::model::{HabitRule, NonUserReason, Role, ScoreComponentKind};
use teichaku::{KpiOptions, kpis};

use crate::support::{load, member, push, set, small, unit};

// Members and units of the hand-built documents.
const A: u128 = 0x101;
const B: u128 = 0x102;
const C: u128 = 0x103;
const D: u128 = 0x104;
const E: u128 = 0x105;
const F: u128 = 0x106;
const G: u128 = 0x107;
const H: u128 = 0x108;
const HEAD_OFFICE: u128 = 1;
const SALES: u128 = 2;
const SUPPORT: u128 = 3;

/// The text of id `n`, as `support::member(n)` and `support::unit(n)` spell it.
fn id(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// A member of Sales with `roles`, joined long ago.
fn person(n: u128, roles: &[&str]) -> Value {
    json!({ "id": id(n), "unit": id(SALES), "roles": roles, "joined": "2020-01-01" })
}

/// A member of Sales with the staff role, joined long ago.
fn staff(n: u128) -> Value {
    person(n, &["staff"])
}

/// `small.json` with these members and no observations.
fn doc(members: Vec<Value>) -> Value {
    let mut d = small();
    set(&mut d, "/organisation/members", Value::Array(members));
    let lists = ["completions", "usage", "trainings", "surveys", "proposals", "consultations", "incidents"];
    let lists = lists.into_iter().chain(["rule_reviews", "success_cases"]);
    set(&mut d, "/observations", lists.map(|k| (k.to_owned(), json!([]))).collect::<serde_json::Map<_, _>>().into());
    d
}

/// `small.json` with staff members `ns` of Sales and no observations.
fn doc_of(ns: &[u128]) -> Value {
    doc(ns.iter().map(|&n| staff(n)).collect())
}

/// A timestamp: a bare date means 10:00 Tokyo time that day.
fn stamp(at: &str) -> String {
    if at.len() == 10 { format!("{at}T10:00:00+09:00") } else { at.to_owned() }
}

/// Adds a usage event of `minutes` for member `n`.
fn use_ai(d: &mut Value, n: u128, at: &str, minutes: f64) {
    push(d, "/observations/usage", json!({ "member": id(n), "at": stamp(at), "minutes": minutes }));
}

/// Adds a usage event with further fields (task, tool, saved_minutes).
fn use_ai_with(d: &mut Value, n: u128, at: &str, minutes: f64, extra: Value) {
    let mut event = json!({ "member": id(n), "at": stamp(at), "minutes": minutes });
    for (k, v) in extra.as_object().unwrap() {
        event[k] = v.clone();
    }
    push(d, "/observations/usage", event);
}

/// Adds one usage event per date, one minute each.
fn use_on(d: &mut Value, n: u128, dates: &[&str]) {
    for date in dates {
        use_ai(d, n, date, 1.0);
    }
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn options(min_group: Option<u32>) -> KpiOptions {
    let mut o = KpiOptions::default();
    o.min_group_size = min_group;
    o.per_member = true;
    o
}

fn report_with(d: &Value, as_of: &str, o: &KpiOptions) -> KpiReport {
    let snapshot = load(d).unwrap_or_else(|e| panic!("the test document is invalid: {e}"));
    kpis(&snapshot, date(as_of), o).unwrap()
}

/// The report on `as_of`; `min_group` overrides the playbook's minimum group size (5).
fn report(d: &Value, as_of: &str, min_group: Option<u32>) -> KpiReport {
    report_with(d, as_of, &options(min_group))
}

fn scope<'a>(r: &'a KpiReport, s: &Scope) -> &'a ScopeKpis {
    r.scopes.iter().find(|k| &k.scope == s).unwrap_or_else(|| panic!("no scope {s:?}"))
}

fn figures<'a>(r: &'a KpiReport, s: &Scope) -> &'a ScopeFigures {
    scope(r, s).figures.value().unwrap_or_else(|| panic!("{s:?} is not shown"))
}

fn org(r: &KpiReport) -> &ScopeFigures {
    figures(r, &Scope::Organisation)
}

fn score(r: &KpiReport, s: &Scope) -> ScoreReport {
    scope(r, s).score.value().cloned().unwrap_or_else(|| panic!("{s:?} has no score"))
}

fn person_kpis(r: &KpiReport, n: u128) -> MemberKpis {
    r.members.as_ref().unwrap().iter().find(|m| m.member == member(n)).cloned().unwrap()
}

fn rate(numerator: u64, denominator: u64) -> Figure<Rate> {
    Figure::Value(Rate::new(numerator, denominator).unwrap())
}

/// Habitual, regular, occasional, lapsed, never.
fn segments(s: &Segments) -> [u64; 5] {
    [s.habitual, s.regular, s.occasional, s.lapsed, s.never]
}

fn points(s: &ScoreReport, c: ScoreComponentKind) -> (Option<f64>, f64) {
    let p = s.components.iter().find(|p| p.component == c).unwrap();
    (p.value, p.points)
}

#[test]
fn weekly_active_and_a_four_of_seven_days_habit() {
    // as_of Thursday 2026-04-23: the trailing 7 days are 04-17 to 04-23.
    let mut d = doc_of(&[A, B, C, D, E, F]);
    // A: 4 days; 04-24 is after as_of.
    use_on(&mut d, A, &["2026-04-17", "2026-04-18", "2026-04-19", "2026-04-20", "2026-04-24"]);
    use_on(&mut d, B, &["2026-04-20", "2026-04-21", "2026-04-22", "2026-04-22T15:00:00+09:00"]); // 3 days, 4 events
    use_on(&mut d, C, &["2026-04-16"]); // as_of - 7: just outside the 7 days, inside the 28
    use_on(&mut d, D, &["2026-04-23T23:59:59+09:00"]); // the last second of as_of
    use_on(&mut d, E, &["2026-04-17", "2026-04-19", "2026-04-21", "2026-04-23"]); // 4 days, not consecutive
    // F never uses AI.
    let r = report(&d, "2026-04-23", None);
    let f = org(&r);
    assert_eq!(scope(&r, &Scope::Organisation).headcount, 6);
    // Active in the 7 days: A, B, D, E.
    assert_eq!(f.weekly_active, rate(4, 6));
    // Active in the 28 days (04-26 back to 03-27): A, B, C, D, E.
    assert_eq!(f.monthly_active, rate(5, 6));
    // At least 4 distinct days of the 7: A (17, 18, 19, 20) and E (17, 19, 21, 23); B has 3 days.
    assert_eq!(f.habit, rate(2, 6));
    assert_eq!(r.settings.habit, HabitRule::DaysInWindow { days: 4, window: 7 });
    // Habitual A, E; regular B, D; occasional C; never F.
    assert_eq!(segments(&f.segments), [2, 2, 1, 0, 1]);
    assert_eq!((person_kpis(&r, A).days_7, person_kpis(&r, B).days_7, person_kpis(&r, C).days_28), (4, 3, 1));
    // 15 events: A's 04-24 is after as_of, the other 14 count.
    assert_eq!((r.events.unwrap().stored, r.events.unwrap().counted, r.events.unwrap().after_as_of), (15, 14, 1));
    assert_eq!((r.events.unwrap().duplicates_dropped, r.events.unwrap().outside_membership), (0, 0));
}

#[test]
fn a_two_of_three_weeks_habit_from_the_playbook() {
    // as_of Wednesday 2026-04-22; the three ISO weeks are 04-20..04-22 (partial), 04-13..04-19, 04-06..04-12.
    let mut d = doc_of(&[A, B, C, D, E, F]);
    set(&mut d, "/playbook/inline/metrics", json!({ "habit": { "kind": "weeks_in_window", "weeks": 2, "window": 3 } }));
    use_on(&mut d, A, &["2026-04-21", "2026-04-07"]); // weeks 0 and 2: habitual
    use_on(&mut d, B, &["2026-04-13", "2026-04-19"]); // both in week 1: one week
    use_on(&mut d, C, &["2026-04-05", "2026-04-14"]); // 04-05 is the Sunday of the week before the window
    use_on(&mut d, D, &["2026-04-23", "2026-04-12"]); // 04-23 is after as_of: only week 2
    use_on(&mut d, E, &["2026-04-06", "2026-04-19"]); // Monday of week 2, Sunday of week 1: habitual
    use_on(&mut d, F, &["2026-04-20", "2026-04-22"]); // both in the current week: one week
    let r = report(&d, "2026-04-22", None);
    assert_eq!(r.settings.habit, HabitRule::WeeksInWindow { weeks: 2, window: 3 });
    let f = org(&r);
    assert_eq!(f.habit, rate(2, 6));
    // Trailing 7 days 04-16..04-22: A (21), B (19), E (19), F (20, 22).
    assert_eq!(f.weekly_active, rate(4, 6));
    // Habitual A, E; regular B, F; occasional C (04-14), D (04-12).
    assert_eq!(segments(&f.segments), [2, 2, 2, 0, 0]);

    // The options override the playbook: 2 of 7 days makes only F (20, 22) habitual.
    let mut o = options(None);
    o.habit = Some(HabitRule::DaysInWindow { days: 2, window: 7 });
    let r = report_with(&d, "2026-04-22", &o);
    assert_eq!(org(&r).habit, rate(1, 6));
}

#[test]
fn returning_rate_and_its_undefined_case() {
    // as_of 2026-04-23: earlier window 04-10..04-16, trailing window 04-17..04-23.
    let mut d = doc_of(&[A, B, C, D, E, F]);
    use_on(&mut d, A, &["2026-04-10", "2026-04-23"]); // both windows: returned
    use_on(&mut d, B, &["2026-04-16"]); // earlier only
    use_on(&mut d, C, &["2026-04-17"]); // trailing only: not in the denominator
    use_on(&mut d, D, &["2026-04-09", "2026-04-17"]); // 04-09 = as_of - 14 is before the earlier window
    use_on(&mut d, E, &["2026-04-12", "2026-04-13"]); // earlier only
    let r = report(&d, "2026-04-23", Some(1));
    // Earlier: A, B, E; of those, active now: A.
    assert_eq!(org(&r).returning, rate(1, 3));
    assert_eq!(org(&r).weekly_active, rate(3, 6));

    // With the default minimum group of 5, three earlier-active members are too few to show,
    // though the scope (6) is shown; the score reads only what the scope shows, so the
    // component is withheld, earns nothing and is left out of the score.
    let r = report(&d, "2026-04-23", None);
    assert_eq!(org(&r).returning, Figure::Suppressed);
    assert_eq!(org(&r).weekly_active, rate(3, 6));
    let s = score(&r, &Scope::Organisation);
    assert_eq!(points(&s, ScoreComponentKind::ReturningRate), (None, 0.0));
    assert!(s.components.iter().any(|c| c.component == ScoreComponentKind::ReturningRate && c.withheld));

    // On 2026-04-09 the earlier window is 03-27..04-02: nobody, so undefined (not 0, not suppressed),
    // while D is active in the trailing window 04-03..04-09.
    for min_group in [None, Some(1)] {
        let r = report(&d, "2026-04-09", min_group);
        assert_eq!(org(&r).returning, Figure::Undefined);
        assert_eq!(org(&r).weekly_active, rate(1, 6));
        let s = score(&r, &Scope::Organisation);
        assert_eq!(points(&s, ScoreComponentKind::ReturningRate), (None, 0.0));
    }
}

#[test]
fn segments_add_up_to_the_headcount() {
    // as_of 2026-04-23; lapsed after 28 days: the lapse window is 03-27..04-23.
    let mut members: Vec<Value> = [A, B, C, D, E].iter().map(|&n| staff(n)).collect();
    members.push(json!({ "id": id(F), "unit": id(SALES), "roles": ["staff"], "joined": "2026-04-01" }));
    members.push(
        json!({ "id": id(G), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01", "left": "2026-04-01" }),
    );
    members.push(json!({ "id": id(H), "unit": id(SALES), "roles": ["staff"], "joined": "2026-05-01" }));
    let mut d = doc(members);
    use_on(&mut d, A, &["2026-04-17", "2026-04-18", "2026-04-20", "2026-04-21"]); // habitual
    use_on(&mut d, B, &["2026-04-22"]); // regular
    use_on(&mut d, C, &["2026-03-27"]); // occasional: the first day of the lapse window
    use_on(&mut d, D, &["2026-03-26", "2026-01-05"]); // lapsed: the day before it
    // E never used AI; F used it only before joining (03-30 < 04-01), so F has never used it as a member.
    use_on(&mut d, F, &["2026-03-30"]);
    // G left on 04-01 and used AI after; H joins after as_of. Neither is in the headcount.
    use_on(&mut d, G, &["2026-04-20"]);
    let r = report(&d, "2026-04-23", None);
    assert_eq!(scope(&r, &Scope::Organisation).headcount, 6);
    let s = org(&r).segments;
    assert_eq!(segments(&s), [1, 1, 1, 1, 2]);
    assert_eq!(segments(&s).iter().sum::<u64>(), 6);
    let each: Vec<Segment> = [A, B, C, D, E, F].iter().map(|&n| person_kpis(&r, n).segment).collect();
    assert_eq!(
        each,
        [Segment::Habitual, Segment::Regular, Segment::Occasional, Segment::Lapsed, Segment::Never, Segment::Never]
    );
    // F's and G's events fall outside their membership.
    assert_eq!(r.events.unwrap().outside_membership, 2);
    assert_eq!(person_kpis(&r, F).first_use, None);
}

#[test]
fn small_groups_and_zero_headcount_are_suppressed() {
    // small.json on 2026-04-20: present are 101, 102, 103, 104, 106, 107, 108 (105 joins 05-07).
    // Head office holds all 7; Sales 103, 104; Support 106, 107, 108.
    let mut d = small();
    push(&mut d, "/organisation/units", json!({ "id": id(4), "name": "Archive", "parent": id(HEAD_OFFICE) }));
    push(
        &mut d,
        "/organisation/members",
        json!({ "id": id(0x109), "unit": id(4), "roles": ["staff"], "joined": "2020-01-01", "left": "2026-03-01" }),
    );
    let r = report(&d, "2026-04-20", None);
    let headcounts: Vec<(Scope, u64, bool)> =
        r.scopes.iter().map(|s| (s.scope.clone(), s.headcount, s.figures.value().is_some())).collect();
    assert_eq!(
        headcounts,
        [
            (Scope::Organisation, 7, true),
            (Scope::Unit(unit(HEAD_OFFICE)), 7, true),
            (Scope::Unit(unit(SALES)), 2, false),
            (Scope::Unit(unit(SUPPORT)), 3, false),
            (Scope::Unit(unit(4)), 0, false),
            (Scope::Role(Role::Executive), 1, false),
            (Scope::Role(Role::PromotionLead), 1, false),
            (Scope::Role(Role::Ambassador), 1, false),
            (Scope::Role(Role::Manager), 2, false),
            (Scope::Role(Role::Staff), 4, false),
        ]
    );
    let sales = scope(&r, &Scope::Unit(unit(SALES)));
    assert_eq!((&sales.figures, &sales.score), (&Figure::Suppressed, &Figure::Suppressed));

    // With a minimum group of 1 every scope with someone in it is shown; Sales: 103 (04-15) and
    // 104 (04-14) used AI in 04-14..04-20.
    let r = report(&d, "2026-04-20", Some(1));
    assert_eq!(figures(&r, &Scope::Unit(unit(SALES))).weekly_active, rate(2, 2));
    assert_eq!(figures(&r, &Scope::Role(Role::Executive)).weekly_active, rate(1, 1));
    // Zero headcount has nothing to hide and nothing to show: undefined, whatever the minimum
    // group (0 through the options counts as 1).
    for min_group in [Some(1), Some(0), None] {
        let r = report(&d, "2026-04-20", min_group);
        let empty = scope(&r, &Scope::Unit(unit(4)));
        assert_eq!((&empty.figures, &empty.score, empty.headcount), (&Figure::Undefined, &Figure::Undefined, 0));
    }
}

#[test]
fn empty_groups_inside_a_shown_scope() {
    // small.json on 2026-04-20 with a minimum group of 1: Sales (103, 104) has no executive and no
    // survey answer in 03-24..04-20.
    let r = report(&small(), "2026-04-20", Some(1));
    let sales = figures(&r, &Scope::Unit(unit(SALES)));
    assert_eq!(sales.executives.present, 0);
    assert_eq!(sales.executives.days_since_use, Figure::Undefined);
    // A rate over nobody is undefined, not suppressed: an empty group has nothing to hide.
    assert_eq!(sales.executives.active_7, Figure::Undefined);
    assert_eq!(sales.surveys.respondents, 0);
    assert_eq!(sales.surveys.satisfaction_mean, Figure::Undefined);
    // Record-based figures are never suppressed: no consultation resolved is undefined.
    assert_eq!(sales.consultations.median_days_to_resolve, Figure::Undefined);
}

#[test]
fn joining_leaving_after_as_of_and_duplicates() {
    // as_of 2026-04-23. J = E joins 04-20; L = G leaves 04-21 (its last day as a member is 04-20).
    let mut members: Vec<Value> = [A, B, C, D].iter().map(|&n| staff(n)).collect();
    members.push(json!({ "id": id(E), "unit": id(SALES), "roles": ["staff"], "joined": "2026-04-20" }));
    members.push(staff(F));
    members.push(
        json!({ "id": id(G), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01", "left": "2026-04-21" }),
    );
    let mut d = doc(members);
    use_ai(&mut d, E, "2026-04-19", 1.0); // before joining: outside membership
    use_ai(&mut d, E, "2026-04-21", 1.0); // counted
    // Counted, though G is not present on as_of.
    use_ai_with(&mut d, G, "2026-04-20", 3.0, json!({ "saved_minutes": 10 }));
    use_ai(&mut d, G, "2026-04-21", 3.0); // the day G left: outside membership
    use_ai(&mut d, G, "2026-04-22", 3.0); // outside membership
    use_ai(&mut d, F, "2026-04-22T09:00:00+09:00", 5.0);
    use_ai(&mut d, F, "2026-04-22T09:00:00+09:00", 5.0); // an exact duplicate: dropped
    use_ai(&mut d, F, "2026-04-22T09:00:00+09:00", 6.0); // other minutes: not a duplicate
    use_ai(&mut d, F, "2026-04-24", 5.0); // after as_of
    use_ai(&mut d, A, "2026-04-23", 2.0);
    let r = report(&d, "2026-04-23", Some(1));
    // 10 events, 1 duplicate: 9 stored; 1 after as_of; 3 outside membership; 5 counted.
    assert_eq!(r.events.unwrap().stored, 9);
    assert_eq!(r.events.unwrap().duplicates_dropped, 1);
    assert_eq!(r.events.unwrap().after_as_of, 1);
    assert_eq!(r.events.unwrap().outside_membership, 3);
    assert_eq!(r.events.unwrap().counted, 5);
    let f = org(&r);
    // Present: A, B, C, D, E (joined 04-20 ≤ as_of), F; not G.
    assert_eq!(scope(&r, &Scope::Organisation).headcount, 6);
    // Active: E (04-21), F, A.
    assert_eq!(f.weekly_active, rate(3, 6));
    // Minutes of present members in the 7 days: E 1 + F 5 + 6 (the duplicate not doubled) + A 2 = 14.
    assert_eq!(f.usage.minutes_7, 14.0);
    assert_eq!(f.usage.minutes_per_active_member, Figure::Value(14.0 / 3.0));
    // Time saved counts every member of the scope, present or not: G's 10 measured minutes;
    // E 1, F 2 and A 1 events carry no saving and no task: 4 unmeasured.
    assert_eq!((f.time_saved.measured_minutes, f.time_saved.unmeasured_events), (10.0, 4));
    // E's first use as a member is 04-21, one day after joining; F: 04-22 - launch 04-01 = 21; A: 22.
    assert_eq!(person_kpis(&r, E).first_use, Some(date("2026-04-21")));
    assert_eq!((f.first_use.used, f.first_use.not_yet), (3, 3));
    assert_eq!(f.first_use.median_days, Figure::Value(21.0));

    // The same instant written in UTC is also an exact duplicate: 09:00 Tokyo is 00:00Z.
    use_ai(&mut d, F, "2026-04-22T00:00:00Z", 5.0);
    let r = report(&d, "2026-04-23", Some(1));
    assert_eq!((r.events.unwrap().duplicates_dropped, org(&r).usage.minutes_7), (2, 14.0));
}

#[test]
fn the_active_members_helper_and_events_before_joining() {
    // E joins 2026-04-20 and has one event, on 04-18, before joining.
    let mut members: Vec<Value> = [A, B, C, D].iter().map(|&n| staff(n)).collect();
    members.push(json!({ "id": id(E), "unit": id(SALES), "roles": ["staff"], "joined": "2026-04-20" }));
    let mut d = doc(members);
    use_ai(&mut d, A, "2026-04-21", 1.0);
    use_ai(&mut d, E, "2026-04-18", 1.0);
    let r = report(&d, "2026-04-23", None);
    assert_eq!(org(&r).weekly_active, rate(1, 5));
    let snapshot = load(&d).unwrap();
    let active =
        teichaku::metrics::active_members(&snapshot, &Scope::Organisation, date("2026-04-17"), date("2026-04-23"));
    // E's event before joining does not make E active, as in the KPI report's weekly_active.
    assert_eq!(active, 1);
}

#[test]
fn timestamps_at_local_midnight_across_the_offset() {
    let mut d = doc_of(&[A, B, C, D, E]);
    use_ai(&mut d, A, "2026-04-13T15:00:00Z", 1.0); // 2026-04-14 00:00:00 in Tokyo
    use_ai(&mut d, B, "2026-04-13T14:59:59Z", 2.0); // 2026-04-13 23:59:59 in Tokyo
    use_ai(&mut d, C, "2026-04-12T15:00:00Z", 4.0); // Monday 2026-04-13 00:00 in Tokyo, a Sunday in UTC
    use_ai(&mut d, D, "2026-04-12T14:59:59Z", 8.0); // Sunday 2026-04-12 23:59:59 in Tokyo
    let r = report(&d, "2026-04-13", Some(1));
    // On 04-13 A's event is a day late: after as_of.
    assert_eq!(r.events.unwrap().after_as_of, 1);
    assert_eq!(org(&r).weekly_active, rate(3, 5));
    assert_eq!(person_kpis(&r, A).first_use, None);
    assert_eq!(person_kpis(&r, B).first_use, Some(date("2026-04-13")));
    // ISO weeks of local days: the week of Monday 04-13 holds B and C; the week before holds D.
    let weekly = &org(&r).weekly;
    assert_eq!((weekly[0].week_start, weekly[0].minutes), (date("2026-04-13"), Some(6.0)));
    assert_eq!((weekly[1].week_start, weekly[1].minutes), (date("2026-04-06"), Some(8.0)));

    let r = report(&d, "2026-04-14", Some(1));
    assert_eq!(r.events.unwrap().after_as_of, 0);
    assert_eq!(org(&r).weekly_active, rate(4, 5));
    assert_eq!(person_kpis(&r, A).first_use, Some(date("2026-04-14")));
    // A used AI on 04-14 only, B on 04-13 only: one day each.
    assert_eq!((person_kpis(&r, A).days_7, person_kpis(&r, B).days_7), (1, 1));
}

#[test]
fn time_saved_measured_estimated_unmeasured_and_its_value() {
    // Baselines: the organisation's `minutes` 60 (small.json) beats the playbook's `minutes` 30;
    // the playbook adds `email` 10. Hourly rate 4000 JPY.
    let mut d = doc_of(&[A, B, C, D, E]);
    set(
        &mut d,
        "/playbook/inline/task_baselines",
        json!([{ "task": "email", "minutes": 10 }, { "task": "minutes", "minutes": 30 }]),
    );
    // Measured: 20, whatever the baseline.
    use_ai_with(&mut d, A, "2026-04-20T09:00:00+09:00", 15.0, json!({ "task": "minutes", "saved_minutes": 20 }));
    use_ai_with(&mut d, A, "2026-04-20T10:00:00+09:00", 15.0, json!({ "task": "minutes" })); // 60 - 15 = 45
    use_ai_with(&mut d, B, "2026-04-20T09:00:00+09:00", 12.5, json!({ "task": "email" })); // 10 - 12.5 floored at 0
    use_ai_with(&mut d, B, "2026-04-20T10:00:00+09:00", 4.25, json!({ "task": "email" })); // 10 - 4.25 = 5.75
    use_ai(&mut d, C, "2026-04-20T09:00:00+09:00", 3.0); // no task: unmeasured
    use_ai_with(&mut d, C, "2026-04-20T10:00:00+09:00", 3.0, json!({ "task": "report" })); // no baseline: unmeasured
    use_ai_with(&mut d, D, "2026-03-02", 2.0, json!({ "task": "email" })); // long ago, still counts: 8
    use_ai_with(&mut d, E, "2026-04-24", 1.0, json!({ "saved_minutes": 100 })); // after as_of: left out
    let r = report(&d, "2026-04-23", None);
    let t = &org(&r).time_saved;
    assert_eq!(t.measured_minutes, 20.0);
    // 45 + 0 + 5.75 + 8 = 58.75.
    assert_eq!(t.estimated_minutes, 58.75);
    assert_eq!(t.unmeasured_events, 2);
    // (20 + 58.75) / 60 = 1.3125 hours; × 4000 = 5250.
    assert_eq!(t.hours, 1.3125);
    assert_eq!((t.value, t.currency.as_deref()), (Some(5250.0), Some("JPY")));
    // The baselines used, sorted by task whichever document gave them.
    assert_eq!(
        serde_json::to_value(&r.settings.task_baselines).unwrap(),
        json!([{ "task": "email", "minutes": 10.0 }, { "task": "minutes", "minutes": 60.0 }])
    );

    // Without an hourly rate there is no money value.
    set(&mut d, "/organisation/hourly_rate", Value::Null);
    let r = report(&d, "2026-04-23", None);
    let t = &org(&r).time_saved;
    assert_eq!((t.hours, t.value, t.currency.clone()), (1.3125, None, None));
}

#[test]
fn usage_minutes_intensity_and_breadth() {
    // as_of 2026-04-23: 7 days 04-17..04-23, 28 days 03-27..04-23.
    let mut d = doc_of(&[A, B, C, D, E]);
    use_ai_with(&mut d, A, "2026-04-20T09:00:00+09:00", 3.0, json!({ "task": "email", "tool": "chatgpt" }));
    use_ai_with(&mut d, A, "2026-04-20T10:00:00+09:00", 4.5, json!({ "task": "minutes", "tool": "copilot" }));
    use_ai_with(&mut d, A, "2026-04-21", 2.25, json!({ "task": "email", "tool": "chatgpt" }));
    use_ai_with(&mut d, B, "2026-04-22", 10.0, json!({ "tool": "chatgpt" }));
    use_ai_with(&mut d, C, "2026-04-10", 5.0, json!({ "task": "report", "tool": "claude" }));
    let r = report(&d, "2026-04-23", Some(1));
    let u = org(&r).usage;
    // A 3 + 4.5 + 2.25 and B 10: 19.75 minutes over 2 active members.
    assert_eq!(u.minutes_7, 19.75);
    assert_eq!(u.minutes_per_active_member, Figure::Value(9.875));
    // 4 events over 3 member-days (A: 2 days, B: 1 day).
    assert_eq!(u.intensity, Figure::Value(4.0 / 3.0));
    // Over A, B, C (active in 28 days): tasks A {email, minutes}, B {}, C {report} = 3 / 3;
    // tools A {chatgpt, copilot}, B {chatgpt}, C {claude} = 4 / 3.
    assert_eq!((u.breadth_tasks, u.breadth_tools), (Figure::Value(1.0), Figure::Value(4.0 / 3.0)));

    // With the default minimum group of 5 the scope (5) is shown but 2 active members are too few.
    let u = org(&report(&d, "2026-04-23", None)).usage;
    assert_eq!(
        (u.minutes_7, u.minutes_per_active_member, u.intensity),
        (19.75, Figure::Suppressed, Figure::Suppressed)
    );
    assert_eq!(u.breadth_tasks, Figure::Suppressed);
}

#[test]
fn streaks_count_working_days_and_skip_weekends() {
    // as_of Tuesday 2026-04-21; 04-18 and 04-19 are a weekend.
    let mut d = doc_of(&[A, B, C, D, E]);
    use_on(&mut d, A, &["2026-04-16", "2026-04-17", "2026-04-20", "2026-04-21"]); // Thu Fri | Mon Tue
    use_on(
        &mut d,
        B,
        &[
            "2026-04-08",
            "2026-04-09",
            "2026-04-10",
            "2026-04-13",
            "2026-04-14", // Wed Thu Fri | Mon Tue: 5
            "2026-04-16",
            "2026-04-17",
            "2026-04-18",
            "2026-04-20", // Thu Fri Sat | Mon: 3; nothing on as_of
        ],
    );
    use_on(&mut d, C, &["2026-04-18", "2026-04-19", "2026-04-20", "2026-04-21"]); // Sat Sun Mon Tue
    use_on(&mut d, D, &["2026-04-18"]); // a Saturday only
    let r = report(&d, "2026-04-21", None);
    let streak = |n| {
        let p = person_kpis(&r, n);
        (p.current_streak, p.longest_streak)
    };
    assert_eq!(streak(A), (4, 4));
    assert_eq!(streak(B), (0, 5));
    assert_eq!(streak(C), (2, 2));
    assert_eq!(streak(D), (0, 0));
    assert_eq!(streak(E), (0, 0));
    // Means over the headcount: current (4 + 0 + 2) / 5, longest (4 + 5 + 2) / 5.
    let u = org(&r).usage;
    assert_eq!((u.mean_current_streak, u.mean_longest_streak), (Figure::Value(1.2), Figure::Value(2.2)));

    // On Sunday 04-19 the current run ends on Friday 04-17: A has Thu, Fri.
    let r = report(&d, "2026-04-19", None);
    assert_eq!(person_kpis(&r, A).current_streak, 2);
}

#[test]
fn the_weekly_series_follows_iso_weeks_up_to_as_of() {
    // as_of Wednesday 2026-04-22, three weeks. J = E joins 04-15; L = G leaves 04-16.
    let mut members: Vec<Value> = [A, B, C, D, F].iter().map(|&n| staff(n)).collect();
    members.push(json!({ "id": id(E), "unit": id(SALES), "roles": ["staff"], "joined": "2026-04-15" }));
    members.push(
        json!({ "id": id(G), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01", "left": "2026-04-16" }),
    );
    let mut d = doc(members);
    use_ai(&mut d, A, "2026-04-20", 10.0);
    use_ai(&mut d, A, "2026-04-23", 7.0); // after as_of
    use_on(&mut d, A, &["2026-04-14", "2026-04-15", "2026-04-16", "2026-04-17"]);
    use_ai(&mut d, B, "2026-04-19", 2.5);
    use_ai(&mut d, B, "2026-04-13", 1.0);
    use_ai(&mut d, C, "2026-04-06", 4.0);
    use_ai(&mut d, C, "2026-04-05", 8.0); // the week before the series
    use_ai(&mut d, G, "2026-04-14", 2.0); // G was a member then
    let mut o = options(Some(1));
    o.series_weeks = 3;
    let r = report_with(&d, "2026-04-22", &o);
    let weekly = &org(&r).weekly;
    assert_eq!(weekly.len(), 3);
    let w: Vec<(NaiveDate, NaiveDate)> = weekly.iter().map(|w| (w.week_start, w.until)).collect();
    assert_eq!(
        w,
        [
            (date("2026-04-20"), date("2026-04-22")), // the current week ends at as_of
            (date("2026-04-13"), date("2026-04-19")),
            (date("2026-04-06"), date("2026-04-12")),
        ]
    );
    // Week 0: present on 04-22 are A, B, C, D, F, E (6); active A. Habit on 04-22 (04-16..04-22):
    // A has 16, 17, 20: 3 days, not habitual.
    assert_eq!((weekly[0].weekly_active, weekly[0].habit, weekly[0].minutes), (rate(1, 6), rate(0, 6), Some(10.0)));
    // Week 1: present on 04-19: the same 6 (G left 04-16); active A, B (G's use is not counted
    // as G is not present on 04-19). Habit on 04-19 (04-13..04-19): A has 14, 15, 16, 17.
    assert_eq!((weekly[1].weekly_active, weekly[1].habit), (rate(2, 6), rate(1, 6)));
    // Minutes sum every member of the scope, present or not: A 4 + B 3.5 + G 2 = 9.5.
    assert_eq!(weekly[1].minutes, Some(9.5));
    // Week 2: present on 04-12: A, B, C, D, F, G (E has not joined); active C.
    assert_eq!((weekly[2].weekly_active, weekly[2].minutes), (rate(1, 6), Some(4.0)));

    // The default series holds 13 weeks.
    let r = report(&d, "2026-04-22", Some(1));
    assert_eq!((r.settings.series_weeks, org(&r).weekly.len()), (13, 13));
}

/// Consultations, proposals, success cases, incidents and rule reviews for the next two tests:
/// A to F in Sales, G in Support.
fn records_doc() -> Value {
    let mut members: Vec<Value> = [A, B, C, D, E, F].iter().map(|&n| staff(n)).collect();
    members.push(json!({ "id": id(G), "unit": id(SUPPORT), "roles": ["staff"], "joined": "2020-01-01" }));
    let mut d = doc(members);
    let consultation = |n: u128, who: u128, opened: &str, resolved: Option<&str>| {
        let mut c = json!({ "id": id(0x400 + n), "member": id(who), "opened": opened });
        if let Some(r) = resolved {
            c["resolved"] = json!(r);
        }
        c
    };
    for c in [
        consultation(1, A, "2026-05-01", Some("2026-05-02")), // 1 day
        consultation(2, B, "2026-05-03", Some("2026-05-08")), // 5 days
        consultation(3, C, "2026-05-10", Some("2026-05-10")), // 0 days
        consultation(4, D, "2026-05-11", Some("2026-05-25")), // resolved after as_of: unresolved
        consultation(5, E, "2026-05-12", None),               // unresolved
        consultation(6, A, "2026-05-21", None),               // opened after as_of: left out
        consultation(7, B, "2026-04-20", Some("2026-04-24")), // 4 days
        consultation(8, G, "2026-05-01", Some("2026-05-11")), // 10 days, Support
    ] {
        push(&mut d, "/observations/consultations", c);
    }
    let proposal = |n: u128, submitted: &str, implemented: Option<&str>| {
        let mut p = json!({ "id": id(0x300 + n), "member": id(A), "submitted": submitted });
        if let Some(i) = implemented {
            p["implemented"] = json!(i);
        }
        p
    };
    for p in [
        proposal(1, "2026-04-20", Some("2026-05-01")),
        proposal(2, "2026-05-01", Some("2026-05-30")), // implemented after as_of
        proposal(3, "2026-05-05", None),
        proposal(4, "2026-05-25", None), // submitted after as_of
    ] {
        push(&mut d, "/observations/proposals", p);
    }
    let case = |n: u128, day: &str, how: Option<&str>| {
        let mut c = json!({ "id": id(0x700 + n), "member": id(B), "date": day,
                            "problem": "an hour of minutes", "measure": "summaries", "effect": "15 minutes" });
        if let Some(h) = how {
            c["how"] = json!(h);
        }
        c
    };
    for c in [
        case(1, "2026-04-21", Some("template 3")),
        case(2, "2026-05-06", None),       // incomplete
        case(3, "2026-05-10", Some("  ")), // blank: incomplete
        case(4, "2026-05-12", Some("template 4")),
        case(5, "2026-05-25", Some("template 5")), // after as_of
    ] {
        push(&mut d, "/observations/success_cases", c);
    }
    for (n, day, who) in [
        (1, "2026-04-22", json!({ "member": id(A) })), // as_of - 28: outside the 28 days
        (2, "2026-04-23", json!({ "member": id(A) })), // as_of - 27: inside
        (3, "2026-05-20", json!({ "unit": id(SUPPORT) })),
        (4, "2026-05-21", json!({})), // after as_of
    ] {
        let mut i = json!({ "id": id(0x500 + n), "date": day, "severity": "low" });
        for (k, v) in who.as_object().unwrap() {
            i[k] = v.clone();
        }
        push(&mut d, "/observations/incidents", i);
    }
    push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x601), "date": "2026-04-02" }));
    push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x602), "date": "2026-05-25" }));
    d
}

#[test]
fn consultations_proposals_success_cases_incidents_and_rule_reviews() {
    let d = records_doc();
    let r = report(&d, "2026-05-20", Some(1));
    let all = org(&r);
    let sales = figures(&r, &Scope::Unit(unit(SALES)));
    // Organisation: opened 1, 2, 3, 4, 5, 7, 8 = 7; resolved by as_of 1, 2, 3, 7, 8 = 5 with days
    // [1, 5, 0, 4, 10]: sorted [0, 1, 4, 5, 10], median 4.
    let c = all.consultations;
    assert_eq!((c.opened, c.resolved, c.unresolved), (7, 5, 2));
    assert_eq!(c.median_days_to_resolve, Figure::Value(4.0));
    // Sales lacks G's: [0, 1, 4, 5], median (1 + 4) / 2 = 2.5.
    let c = sales.consultations;
    assert_eq!((c.opened, c.resolved, c.unresolved), (6, 4, 2));
    assert_eq!(c.median_days_to_resolve, Figure::Value(2.5));
    // Proposals by as_of: 1, 2, 3; implemented by as_of: 1.
    let p = all.proposals;
    assert_eq!((p.submitted, p.implemented, p.implementation_rate), (3, 1, rate(1, 3)));
    // Success cases by as_of: 1 to 4; complete: 1 and 4; last on 05-12, 8 days before as_of.
    let s = all.success_cases;
    assert_eq!((s.shared, s.complete, s.days_since_last), (4, 2, Some(8)));
    // Support has none: days since launch (04-01), 49.
    assert_eq!(
        figures(&r, &Scope::Unit(unit(SUPPORT))).success_cases.days_since_last,
        None,
        "never: not the days since launch"
    );
    // Incidents: in the 28 days 04-23..05-20: 2 and 3; by as_of: 1, 2, 3. The unit-only incident
    // 3 belongs to Support (and Head office, and the organisation), not to Sales nor any role.
    assert_eq!((all.incidents.last_28_days, all.incidents.total), (2, 3));
    assert_eq!((sales.incidents.last_28_days, sales.incidents.total), (1, 2));
    assert_eq!(figures(&r, &Scope::Role(Role::Staff)).incidents.total, 2);
    // Rules last reviewed 04-02 (the 05-25 review is after as_of): 48 days, the same in every scope.
    assert_eq!((all.days_since_rule_review, sales.days_since_rule_review), (Some(48), Some(48)));
    // The consultation component of the score: the median 4 against a target of at most 2.
    let s = score(&r, &Scope::Organisation);
    assert_eq!(points(&s, ScoreComponentKind::ConsultationEnvironment), (Some(4.0), 5.0 * 2.0 / 4.0));
}

#[test]
fn surveys_latest_answer_per_member_in_28_days() {
    // as_of 2026-05-20: the 28 days are 04-23..05-20.
    let mut d = records_doc();
    let mut n = 0x200;
    let mut survey = |d: &mut Value, day: &str, fields: Value| {
        n += 1;
        let mut s = json!({ "id": id(n), "date": day });
        for (k, v) in fields.as_object().unwrap() {
            s[k] = v.clone();
        }
        push(d, "/observations/surveys", s);
    };
    let adkar = |a: u8, d: u8, k: u8, ab: u8, r: u8| {
        let keys = ["awareness", "desire", "knowledge", "ability", "reinforcement"];
        Value::Object(keys.iter().zip([a, d, k, ab, r]).map(|(k, v)| ((*k).to_owned(), json!(v))).collect())
    };
    survey(&mut d, "2026-04-01", json!({ "member": id(A), "adkar": adkar(5, 5, 2, 1, 1) })); // knowledge
    survey(&mut d, "2026-04-22", json!({ "member": id(A), "satisfaction": 1 })); // before the 28 days
    survey(&mut d, "2026-05-01", json!({ "member": id(A), "satisfaction": 4, "quality": 3 }));
    survey(&mut d, "2026-05-10", json!({ "member": id(A), "satisfaction": 5, "quality": 5 })); // A's latest
    survey(
        &mut d,
        "2026-05-02",
        json!({ "member": id(B), "uses_ai": false, "non_user_reason": "anxious", "adkar": adkar(4, 3, 5, 5, 5) }),
    );
    survey(
        &mut d,
        "2026-05-03",
        json!({ "member": id(C), "uses_ai": false, "non_user_reason": "skeptical", "adkar": adkar(2, 5, 5, 5, 5) }),
    );
    // C's latest answer.
    survey(&mut d, "2026-05-15", json!({ "member": id(C), "uses_ai": false, "non_user_reason": "anxious" }));
    survey(&mut d, "2026-05-04", json!({ "member": id(D), "uses_ai": false })); // a non-user without a reason
    survey(
        &mut d,
        "2026-05-05",
        json!({ "member": id(E), "uses_ai": true, "satisfaction": 3, "quality": 2, "adkar": adkar(5, 5, 5, 5, 5) }),
    );
    survey(&mut d, "2026-05-06", json!({ "unit": id(SALES), "satisfaction": 2 })); // anonymous: each counts
    survey(&mut d, "2026-05-07", json!({ "unit": id(SALES), "satisfaction": 4 }));
    survey(&mut d, "2026-05-21", json!({ "member": id(F), "satisfaction": 1 })); // after as_of
    // G is in Support.
    survey(&mut d, "2026-05-08", json!({ "member": id(G), "uses_ai": false, "non_user_reason": "uninterested" }));
    survey(&mut d, "2026-05-09", json!({ "satisfaction": 1 })); // anonymous, no unit: organisation only
    let r = report(&d, "2026-05-20", Some(1));

    // Organisation: A (05-10), B, C (05-15), D, E, G and three anonymous answers.
    let s = &org(&r).surveys;
    assert_eq!(s.respondents, 9);
    // Satisfaction: A 5, E 3, anonymous 2, 4, 1: 15 / 5. Quality: A 5, E 2.
    assert_eq!((s.satisfaction_mean, s.quality_mean), (Figure::Value(3.0), Figure::Value(3.5)));
    // Non-users B, C, D, G: anxious B, C; uninterested G; D gave no reason.
    assert_eq!(s.non_users, 4);
    let shares = |a: f64, s: f64, u: f64| {
        Figure::Value(BTreeMap::from([
            (NonUserReason::Anxious, a),
            (NonUserReason::Skeptical, s),
            (NonUserReason::Uninterested, u),
        ]))
    };
    assert_eq!(s.non_user_reasons, shares(0.5, 0.0, 0.25));
    // ADKAR, latest answer carrying one at any date: A knowledge (04-01), B desire, C awareness
    // (05-03, as C's latest answer has none), E past every element.
    let barriers = |counts: [u64; 6]| {
        let keys = ["awareness", "desire", "knowledge", "ability", "reinforcement", "none"];
        Figure::Value(keys.iter().zip(counts).map(|(k, c)| ((*k).to_owned(), c)).collect::<BTreeMap<_, _>>())
    };
    assert_eq!(s.adkar_barriers, barriers([1, 1, 1, 0, 0, 1]));

    // Sales: A, B, C, D, E and the two anonymous answers naming Sales.
    let s = &figures(&r, &Scope::Unit(unit(SALES))).surveys;
    assert_eq!(s.respondents, 7);
    assert_eq!(s.satisfaction_mean, Figure::Value(3.5)); // (5 + 3 + 2 + 4) / 4
    assert_eq!(s.non_users, 3);
    assert_eq!(s.non_user_reasons, shares(2.0 / 3.0, 0.0, 0.0));

    // With the default minimum group of 5: satisfaction has 5 answers, quality 2, non-users 4, ADKAR 4.
    let r = report(&d, "2026-05-20", None);
    let s = &org(&r).surveys;
    assert_eq!((s.satisfaction_mean, s.quality_mean), (Figure::Value(3.0), Figure::Suppressed));
    assert_eq!((&s.non_user_reasons, &s.adkar_barriers), (&Figure::Suppressed, &Figure::Suppressed));
}

#[test]
fn members_who_left_still_count_in_surveys() {
    // G leaves on 2026-05-15; the survey answer of 05-10 is in the 28 days before 05-20.
    let mut members: Vec<Value> = [A, B, C, D, E].iter().map(|&n| staff(n)).collect();
    members.push(
        json!({ "id": id(G), "unit": id(SALES), "roles": ["staff"], "joined": "2020-01-01", "left": "2026-05-15" }),
    );
    let mut d = doc(members);
    push(
        &mut d,
        "/observations/surveys",
        json!({ "id": id(0x201), "date": "2026-05-10", "member": id(G),
                "uses_ai": false, "non_user_reason": "skeptical",
                "adkar": { "awareness": 1, "desire": 1, "knowledge": 1, "ability": 1, "reinforcement": 1 } }),
    );
    let r = report(&d, "2026-05-20", Some(1));
    let s = &org(&r).surveys;
    assert_eq!(scope(&r, &Scope::Organisation).headcount, 5);
    // G is no longer a member on as_of: G's answer counts nowhere ("how many members are stuck").
    assert_eq!((s.respondents, s.non_users), (0, 0));
    assert_eq!(s.adkar_barriers, Figure::Undefined);
}

/// Five members of Sales, A an executive in Head office, each using AI on 04-10 (the earlier
/// window) and on four days of the trailing 7 before as_of 2026-04-23; a consultation taking 4
/// days, a complete success case on 04-16 and a rule review on 04-02.
fn score_doc(ambassador: bool) -> Value {
    let mut a = person(A, &["executive"]);
    a["unit"] = json!(id(HEAD_OFFICE));
    let b = person(B, if ambassador { &["ambassador", "staff"] } else { &["staff"] });
    let mut d = doc(vec![a, b, staff(C), staff(D), staff(E)]);
    for n in [A, B, C, D, E] {
        use_on(&mut d, n, &["2026-04-10", "2026-04-17", "2026-04-20", "2026-04-21", "2026-04-22"]);
    }
    push(
        &mut d,
        "/observations/consultations",
        json!({ "id": id(0x401), "member": id(B), "opened": "2026-04-10", "resolved": "2026-04-14" }),
    );
    push(
        &mut d,
        "/observations/success_cases",
        json!({ "id": id(0x701), "member": id(C), "date": "2026-04-16",
                "problem": "p", "measure": "m", "effect": "e", "how": "h" }),
    );
    push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x601), "date": "2026-04-02" }));
    d
}

#[test]
fn the_score_is_capped_at_59_without_an_absolute_condition() {
    // With a minimum group of 1, every figure is shown.
    let r = report(&score_doc(false), "2026-04-23", Some(1));
    let s = score(&r, &Scope::Organisation);
    // habit 5/5 ≥ 0.8: 50; weekly 5/5 ≥ 0.9: 20; returning 5/5 ≥ 0.9: 10; executives 1/1: 5;
    // median 4 days against at most 2: 5 × 2/4 = 2.5; success case 7 days ≤ 14: 5; rule review
    // 21 days ≤ 90: 5. 97.5 of 100.
    let each: Vec<f64> = s.components.iter().map(|c| c.points).collect();
    assert_eq!(each, [50.0, 20.0, 10.0, 5.0, 2.5, 5.0, 5.0]);
    assert_eq!(s.uncapped, 97.5);
    // No ambassador: "a place to ask" is absent, so the score is capped at 59.
    let holds: Vec<(&str, bool)> = s.absolute_conditions.iter().map(|a| (a.id.as_str(), a.holds)).collect();
    assert_eq!(holds, [("daily-habit", true), ("executive-commitment", true), ("place-to-ask", false)]);
    assert_eq!((s.score, s.cap, s.level, s.failing), (59.0, Some(59.0), Level::Spreading, false));

    // With the default minimum of 5, the single executive's use is withheld: executive
    // commitment earns nothing and is left out (92.5 points of 95 weight), and its absolute
    // condition is withheld, so it decides nothing; "a place to ask" still caps the score.
    let r = report(&score_doc(false), "2026-04-23", None);
    let s = score(&r, &Scope::Organisation);
    let each: Vec<(f64, bool)> = s.components.iter().map(|c| (c.points, c.withheld)).collect();
    assert_eq!(
        each,
        [(50.0, false), (20.0, false), (10.0, false), (0.0, true), (2.5, false), (5.0, false), (5.0, false)]
    );
    assert!((s.uncapped - 100.0 * 92.5 / 95.0).abs() < 1e-9, "{}", s.uncapped);
    let holds: Vec<(&str, bool, bool)> =
        s.absolute_conditions.iter().map(|a| (a.id.as_str(), a.holds, a.withheld)).collect();
    assert_eq!(
        holds,
        [("daily-habit", true, false), ("executive-commitment", false, true), ("place-to-ask", false, false)]
    );
    assert_eq!((s.score, s.cap, s.level, s.failing), (59.0, Some(59.0), Level::Spreading, false));

    // With B an ambassador nothing caps it: 97.37 by the default minimum, 97.5 with every figure shown.
    let r = report(&score_doc(true), "2026-04-23", None);
    let s = score(&r, &Scope::Organisation);
    assert!((s.score - 100.0 * 92.5 / 95.0).abs() < 1e-9 && s.cap.is_none() && s.level == Level::SelfDriving);
    let r = report(&score_doc(true), "2026-04-23", Some(1));
    let s = score(&r, &Scope::Organisation);
    assert_eq!((s.score, s.cap, s.level), (97.5, None, Level::SelfDriving));

    // Executive commitment is judged organisation-wide: Sales (B to E) has no executive, yet its
    // component and condition see A's use.
    let r = report(&score_doc(true), "2026-04-23", Some(1));
    let sales = figures(&r, &Scope::Unit(unit(SALES)));
    assert_eq!(sales.executives.present, 0);
    let s = score(&r, &Scope::Unit(unit(SALES)));
    assert_eq!(points(&s, ScoreComponentKind::ExecutiveCommitment), (Some(1.0), 5.0));
    assert!(s.absolute_conditions.iter().all(|a| a.holds));
}

#[test]
fn score_levels_and_a_cap_that_does_not_bite() {
    // One component, weekly-active at least 1.0, weight 1: the score is 100 × the weekly-active rate.
    let mut d = doc_of(&[A, B, C, D, E]);
    let model = |conditions: Value| {
        json!({
            "components": [{ "component": "weekly_active_rate", "kpi": "weekly_active_rate",
                             "op": "at_least", "target": 1.0, "weight": 1 }],
            "absolute_conditions": conditions,
            "cap_without_absolute": 59,
            "failing": { "below": 0.2, "after_days": 90 }
        })
    };
    set(&mut d, "/playbook/inline/scoring", model(json!([])));
    let mut levels = Vec::new();
    for n in [None, Some(A), Some(B), Some(C), Some(D), Some(E)] {
        if let Some(n) = n {
            use_ai(&mut d, n, "2026-04-20", 1.0);
        }
        let s = score(&report(&d, "2026-04-23", None), &Scope::Organisation);
        levels.push((s.score, s.level));
    }
    assert_eq!(
        levels,
        [
            (0.0, Level::Installed),
            (20.0, Level::Trial),
            (40.0, Level::Spreading),
            (60.0, Level::Retained),
            (80.0, Level::SelfDriving),
            (100.0, Level::SelfDriving),
        ]
    );
    // Scores are not rounded before the level is taken.
    let bounds = [19.999, 20.0, 39.999, 40.0, 59.999, 60.0, 79.999, 80.0];
    let of: Vec<Level> = bounds.iter().map(|&s| Level::of(s)).collect();
    use Level::*;
    assert_eq!(of, [Installed, Trial, Trial, Spreading, Spreading, Retained, Retained, SelfDriving]);

    // An absolute condition that fails caps at 59; the cap is reported even where it does not bite.
    let no_manager = json!([{ "id": "a-manager", "title": { "en": "A manager", "ja": "管理職" },
                              "when": { "kind": "role_count", "role": "manager", "op": "ge", "value": 1 } }]);
    set(&mut d, "/playbook/inline/scoring", model(no_manager));
    let s = score(&report(&d, "2026-04-23", None), &Scope::Organisation);
    assert_eq!((s.uncapped, s.score, s.cap, s.level), (100.0, 59.0, Some(59.0), Level::Spreading));
    let s = score(&report(&d, "2026-04-26", None), &Scope::Organisation); // 04-20..04-26: all still active
    assert_eq!(s.score, 59.0);
    let s = score(&report(&d, "2026-04-27", None), &Scope::Organisation); // 04-21..04-27: nobody
    assert_eq!((s.uncapped, s.score, s.cap, s.level), (0.0, 0.0, Some(59.0), Level::Installed));
}

#[test]
fn the_failing_flag_at_90_days() {
    // Launch 2026-04-01; day 90 is 2026-06-30. Everyone used AI once, on 04-02.
    let mut d = doc_of(&[A, B, C, D, E]);
    for n in [A, B, C, D, E] {
        use_ai(&mut d, n, "2026-04-02", 1.0);
    }
    let failing = |d: &Value, as_of: &str| {
        let r = report(d, as_of, None);
        (org(&r).days_since_launch, score(&r, &Scope::Organisation).failing)
    };
    // Weekly-active 0 / 5 < 20%: not yet failing at 89 days, failing from 90.
    assert_eq!(failing(&d, "2026-06-29"), (89, false));
    assert_eq!(failing(&d, "2026-06-30"), (90, true));
    // One of five active is exactly 20%: not under it.
    use_ai(&mut d, A, "2026-06-30", 1.0);
    assert_eq!(failing(&d, "2026-06-30"), (90, false));
}

#[test]
fn the_scoring_model_cannot_use_the_retention_score() {
    // A score component or absolute condition naming `retention_score` would compute the score
    // from itself: validation rejects both.
    let mut d = doc_of(&[A, B, C, D, E]);
    set(
        &mut d,
        "/playbook/inline/scoring",
        json!({
            "components": [{ "component": "habit_rate", "kpi": "retention_score",
                             "op": "at_least", "target": 50, "weight": 1 }],
            "absolute_conditions": [{ "id": "self", "title": { "en": "", "ja": "" },
                "when": { "kind": "compare", "kpi": "retention_score", "op": "ge", "value": 60 } }],
            "cap_without_absolute": 59, "failing": { "below": 0.2, "after_days": 90 }
        }),
    );
    let errors = crate::support::errors(&d);
    assert!(
        matches!(
            &errors[..],
            [
                teichaku::model::ValidationError::CircularScore {
                    record: teichaku::model::Record::ScoreComponent { index: 0 }
                },
                teichaku::model::ValidationError::CircularScore {
                    record: teichaku::model::Record::AbsoluteCondition { index: 0, .. }
                },
            ]
        ),
        "{errors:?}"
    );
}

#[test]
fn the_score_explanation_shows_no_value_or_points_the_figures_suppress() {
    // small.json on 2026-04-20 with the default minimum group of 5: the organisation (7) is shown.
    let r = report(&small(), "2026-04-20", None);
    let f = org(&r);
    // One executive (101) and one member active in 04-07..04-13 (104): both groups are under 5.
    assert_eq!((f.executives.present, f.executives.active_7), (1, Figure::Suppressed));
    assert_eq!(f.returning, Figure::Suppressed);
    // The lone executive's last use cannot be read off `days_since_use` either.
    assert_eq!(f.executives.days_since_use, Figure::Suppressed);
    // The explanation withholds the same values (executive commitment 1/1, returning 1/1), and
    // their points, which would give the values away: both earn nothing and are left out.
    let s = score(&r, &Scope::Organisation);
    assert_eq!(points(&s, ScoreComponentKind::ExecutiveCommitment), (None, 0.0));
    assert_eq!(points(&s, ScoreComponentKind::ReturningRate), (None, 0.0));
    assert!(s.components.iter().filter(|c| c.withheld).count() == 2);
}

#[test]
fn a_unit_scope_includes_its_descendant_units() {
    // small.json on 2026-04-20, 7 days 04-14..04-20: 104 (04-14 00:30Z = 09:30 Tokyo),
    // 101 (04-14 23:59:59 local) and 103 (04-15) used AI; 104's 04-13 use is before the window.
    let r = report(&small(), "2026-04-20", Some(1));
    let head = scope(&r, &Scope::Unit(unit(HEAD_OFFICE)));
    let sales = scope(&r, &Scope::Unit(unit(SALES)));
    let support = scope(&r, &Scope::Unit(unit(SUPPORT)));
    // Head office has 101, 102 and its two child units: Sales 103, 104 (105 joins 05-07) and
    // Support 106, 107, 108.
    assert_eq!((head.headcount, sales.headcount, support.headcount), (7, 2, 3));
    assert_eq!(figures(&r, &Scope::Unit(unit(HEAD_OFFICE))).weekly_active, rate(3, 7));
    assert_eq!(figures(&r, &Scope::Unit(unit(SALES))).weekly_active, rate(2, 2));
    assert_eq!(figures(&r, &Scope::Unit(unit(SUPPORT))).weekly_active, rate(0, 3));
    // Head office gives the same figures as the organisation.
    assert_eq!(head.figures, scope(&r, &Scope::Organisation).figures);
    // The Support incident (a unit, no member) counts in Support and Head office; on 04-20 it has
    // not happened yet (05-10), so check on 2026-05-20.
    let r = report(&small(), "2026-05-20", Some(1));
    let total = |u| figures(&r, &Scope::Unit(unit(u))).incidents.total;
    assert_eq!((total(HEAD_OFFICE), total(SALES), total(SUPPORT)), (1, 0, 1));
}

// Properties.

/// A small organisation for the properties: 8 members over Sales and Support, one executive,
/// one ambassador, one who joins late and one who leaves.
pub(crate) fn property_doc() -> Value {
    let mut members = Vec::new();
    for i in 0..8u128 {
        let mut m = json!({ "id": id(0x101 + i), "unit": id(if i % 2 == 0 { SALES } else { SUPPORT }),
                            "roles": [match i { 0 => "executive", 1 => "ambassador", _ => "staff" }],
                            "joined": "2020-01-01" });
        if i == 6 {
            m["joined"] = json!("2026-04-20");
        }
        if i == 7 {
            m["left"] = json!("2026-04-25");
        }
        members.push(m);
    }
    doc(members)
}

/// 60 days from 2026-03-15 (as_of is 2026-05-10, so some events fall after it).
pub(crate) fn day_text(day: u32) -> String {
    (date("2026-03-15") + chrono::Days::new(u64::from(day))).to_string()
}

pub(crate) type RawEvent = (u128, u32, u32, u32, u8, bool);

pub(crate) fn event_strategy() -> impl Strategy<Value = RawEvent> {
    // member, day, second of the day, quarter minutes, task (0 none, 1..3), saved minutes given.
    (0u128..8, 0u32..60, 0u32..86_400, 0u32..400, 0u8..4, any::<bool>())
}

pub(crate) fn event_json((m, day, second, quarters, task, saved): RawEvent) -> Value {
    let (h, mi, s) = (second / 3600, second / 60 % 60, second % 60);
    let at = if second % 3 == 0 {
        // Written in UTC now and then, so local days and UTC days differ.
        let local = chrono::NaiveDateTime::parse_from_str(
            &format!("{} {h:02}:{mi:02}:{s:02}", day_text(day)),
            "%Y-%m-%d %H:%M:%S",
        )
        .unwrap();
        format!("{}Z", (local - chrono::Duration::hours(9)).format("%Y-%m-%dT%H:%M:%S"))
    } else {
        format!("{}T{h:02}:{mi:02}:{s:02}+09:00", day_text(day))
    };
    let mut e = json!({ "member": id(0x101 + m), "at": at, "minutes": f64::from(quarters) / 4.0 });
    if task > 0 {
        let (task, tool) =
            (["minutes", "email", "report"][usize::from(task) - 1], ["chatgpt", "copilot"][usize::from(task) % 2]);
        e["task"] = json!(task);
        e["tool"] = json!(tool);
    }
    if saved {
        e["saved_minutes"] = json!(f64::from(quarters % 40) / 4.0);
    }
    e
}

/// A document with these events (and a copy of some, as exact duplicates) and other records.
fn property_document(events: &[RawEvent], duplicates: &[usize], records: &[(u128, u32, u32, u8)]) -> Value {
    let mut d = property_doc();
    for e in events {
        push(&mut d, "/observations/usage", event_json(*e));
    }
    for &i in duplicates {
        if !events.is_empty() {
            push(&mut d, "/observations/usage", event_json(events[i % events.len()]));
        }
    }
    for (k, &(m, day, span, pick)) in records.iter().enumerate() {
        let who = id(0x101 + m);
        let n = k as u128;
        let (start, end) = (day_text(day), day_text(day + span));
        let later = (pick % 2 == 0).then(|| end.clone());
        let reason = ["anxious", "skeptical", "uninterested"][usize::from(pick % 3)];
        push(
            &mut d,
            "/observations/surveys",
            json!({ "id": id(0x1000 + n), "date": start, "member": if pick % 3 == 0 { Value::Null } else { json!(who) },
                    "unit": id(SALES), "satisfaction": 1 + pick % 5, "quality": 1 + (pick / 2) % 5,
                    "uses_ai": pick % 4 != 0, "non_user_reason": reason,
                    "adkar": { "awareness": 1 + pick % 5, "desire": 1 + (pick / 5) % 5,
                               "knowledge": 3, "ability": 4, "reinforcement": 5 } }),
        );
        push(
            &mut d,
            "/observations/proposals",
            json!({ "id": id(0x2000 + n), "member": who, "submitted": start, "implemented": later }),
        );
        push(
            &mut d,
            "/observations/consultations",
            json!({ "id": id(0x3000 + n), "member": who, "opened": start, "resolved": later }),
        );
        push(
            &mut d,
            "/observations/incidents",
            json!({ "id": id(0x4000 + n), "date": start, "member": who, "severity": "low" }),
        );
        push(&mut d, "/observations/rule_reviews", json!({ "id": id(0x5000 + n), "date": end }));
        push(
            &mut d,
            "/observations/success_cases",
            json!({ "id": id(0x6000 + n), "member": who, "date": start, "problem": "p", "measure": "m", "effect": "e",
                    "how": if pick % 2 == 0 { json!("h") } else { Value::Null } }),
        );
        push(&mut d, "/observations/trainings", json!({ "member": who, "date": start, "track": "basics" }));
    }
    d
}

/// Shuffles every observation list of `d` with a permutation drawn from `seed` (splitmix64).
fn shuffle_observations(d: &mut Value, mut seed: u64) {
    let mut next = move || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for list in d["observations"].as_object_mut().unwrap().values_mut() {
        if let Some(items) = list.as_array_mut() {
            for i in (1..items.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                items.swap(i, j);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shuffling_the_observations_gives_identical_json(
        events in prop::collection::vec(event_strategy(), 0..60),
        duplicates in prop::collection::vec(any::<usize>(), 0..6),
        records in prop::collection::vec((0u128..8, 0u32..50, 0u32..10, any::<u8>()), 0..6),
        seed in any::<u64>(),
    ) {
        let d = property_document(&events, &duplicates, &records);
        let mut shuffled = d.clone();
        shuffle_observations(&mut shuffled, seed);
        let o = options(Some(1));
        let one = serde_json::to_string(&report_with(&d, "2026-05-10", &o)).unwrap();
        let other = serde_json::to_string(&report_with(&shuffled, "2026-05-10", &o)).unwrap();
        prop_assert_eq!(one, other);
    }

    #[test]
    fn aggregates_over_a_split_merge_into_the_whole(
        events in prop::collection::vec(event_strategy(), 0..80),
        duplicates in prop::collection::vec(any::<usize>(), 0..6),
        split in any::<usize>(),
        weeks in 1u32..14,
    ) {
        let d = property_document(&events, &duplicates, &[]);
        let snapshot = load(&d).unwrap();
        let store = EventStore::from_snapshot(&snapshot).unwrap();
        let spec = AggregateSpec::new(&snapshot, &store, date("2026-05-10"), weeks);
        let n = store.len();
        let k = split % (n + 1);
        let whole = UsageAggregate::compute(&store, &spec, 0..n);
        let left = UsageAggregate::compute(&store, &spec, 0..k);
        let right = UsageAggregate::compute(&store, &spec, k..n);
        let mut left_right = left.clone();
        left_right.merge(&right).unwrap();
        let mut right_left = right.clone();
        right_left.merge(&left).unwrap();
        prop_assert_eq!(&left_right, &whole);
        prop_assert_eq!(&right_left, &whole);
        // The lean pass (`AggregateSpec::core`, every member present throughout) merges exactly too.
        let core = AggregateSpec::core(date("2026-05-10"), 8, weeks);
        let whole = UsageAggregate::compute(&store, &core, 0..n);
        let mut left_right = UsageAggregate::compute(&store, &core, 0..k);
        left_right.merge(&UsageAggregate::compute(&store, &core, k..n)).unwrap();
        prop_assert_eq!(&left_right, &whole);
        prop_assert_eq!(
            left.events_counted() + left.events_after_as_of() + left.events_outside_membership()
                + right.events_counted() + right.events_after_as_of() + right.events_outside_membership(),
            n as u64
        );
    }
}

#[test]
fn cohort_transitions_between_two_dates() {
    // Earlier date 04-09 (window 04-03..04-09), as_of 04-23 (window 04-17..04-23).
    let mut d = doc_of(&[A, B, C, D, E, F]);
    use_on(&mut d, A, &["2026-04-08", "2026-04-20"]); // active on both: retained
    use_on(&mut d, B, &["2026-04-05"]); // active earlier only: lapsed
    use_on(&mut d, C, &["2026-04-01", "2026-04-22"]); // used before 04-03, idle in the window, back: reactivated
    use_on(&mut d, D, &["2026-04-12", "2026-04-21"]); // first use after 04-09: newly activated
    use_on(&mut d, E, &["2026-04-12"]); // first use after 04-09, idle now: inactive on both dates
    // F never uses AI: inactive.
    let mut o = options(Some(1));
    o.compare_with = Some(date("2026-04-09"));
    let r = report_with(&d, "2026-04-23", &o);
    let Some(Figure::Value(c)) = org(&r).cohort else { panic!("a cohort") };
    assert_eq!((c.members, c.retained, c.lapsed, c.reactivated, c.newly_activated, c.inactive), (6, 1, 1, 1, 1, 2));
    // An earlier date beyond the 384-day horizon, or not before as_of, has no cohort.
    for from in ["2025-01-01", "2026-04-23"] {
        o.compare_with = Some(date(from));
        assert_eq!(org(&report_with(&d, "2026-04-23", &o)).cohort, Some(Figure::Undefined));
    }
}

#[test]
fn per_member_figures_carry_the_adkar_barrier() {
    // A answered twice: the later answer (04-20) decides. B answered past every element.
    let mut d = doc_of(&[A, B, C, D, E]);
    let adkar = |n: u128, id_n: u128, date: &str, scores: [u8; 5]| {
        json!({ "id": id(id_n), "date": date, "member": id(n),
                "adkar": { "awareness": scores[0], "desire": scores[1], "knowledge": scores[2],
                           "ability": scores[3], "reinforcement": scores[4] } })
    };
    push(&mut d, "/observations/surveys", adkar(A, 0x301, "2026-04-10", [2, 2, 2, 2, 2]));
    push(&mut d, "/observations/surveys", adkar(A, 0x302, "2026-04-20", [5, 4, 3, 2, 1]));
    push(&mut d, "/observations/surveys", adkar(B, 0x303, "2026-04-20", [5, 5, 4, 4, 4]));
    push(&mut d, "/observations/surveys", adkar(C, 0x304, "2026-04-30", [1, 1, 1, 1, 1])); // after as_of
    let mut o = options(Some(1));
    o.per_member = true;
    let r = report_with(&d, "2026-04-23", &o);
    assert_eq!(person_kpis(&r, A).adkar_barrier, Some(teichaku::model::AdkarElement::Knowledge));
    assert_eq!(person_kpis(&r, B).adkar_barrier, None);
    assert_eq!(person_kpis(&r, C).adkar_barrier, None);
}

#[test]
fn gates_and_conditions_see_only_what_the_report_shows() {
    // small.json on 2026-04-20 with the default minimum group of 5: Sales (2 present: 103, 104,
    // both active in 04-14..04-20) is suppressed in the report, and gates and conditions see
    // its KPIs withheld too; with a minimum of 1 they see the value.
    let r = report(&small(), "2026-04-20", None);
    let sales = scope(&r, &Scope::Unit(unit(SALES)));
    assert_eq!(sales.figures, Figure::Suppressed);
    assert_eq!(sales.value(teichaku::model::Kpi::WeeklyActiveRate), None);
    assert_eq!(sales.kpi(teichaku::model::Kpi::WeeklyActiveRate), Figure::Suppressed);
    assert_eq!(sales.kpi(teichaku::model::Kpi::RetentionScore), Figure::Suppressed);
    let r = report(&small(), "2026-04-20", Some(1));
    let sales = scope(&r, &Scope::Unit(unit(SALES)));
    assert_eq!(sales.value(teichaku::model::Kpi::WeeklyActiveRate), Some(1.0));
    assert!(sales.value(teichaku::model::Kpi::RetentionScore).is_some());
    // The raw values never reach the serialised report.
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("\"values\""));
}
