//! Structured assessments: an organisation, a playbook and observations built from `arbitrary`
//! over small id spaces (a handful of units in a tree, members with roles, waves, phases with
//! gates, activities with dependencies and timings, interventions, a scoring model, usage events,
//! completions and trainings, an `as_of` date), written as a JSON document and loaded.
//!
//! References mostly point at an earlier element (so unit trees and dependency graphs hold; the
//! `edges` target fuzzes cycles) and rarely past the list, numbers are rarely zero, negative or
//! too large: those documents must be refused with typed errors. Every document that loads is assessed
//! twice, from two separate loads and the second with its observations shuffled, and the two
//! serialised reports must be byte-identical. Inline invariants on every assessment:
//! - every proposed `activity:` action is an instance of the plan whose prerequisites are all done;
//! - the schedule respects every edge (prerequisites and wave gates come earlier in the order and
//!   an open instance starts after they finish), as `tests/it/schedule.rs` checks;
//! - every gate's readiness is a percentage in `0..=100`, every credit in `[0, 1]`, and a passed
//!   gate has its mandatory criteria met and its readiness at `pass_at`;
//! - every retention score lies in `[0, 100]`, under its cap, and every component's achievement
//!   in `[0, 1]` with points `weight × achievement` in `[0, weight]`.

#![no_main]

mod common;

use chrono::{Days, NaiveDate};
use common::{catalog, day, stat, title};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use teichaku::metrics::Figure;
use teichaku::rollout::{ActionScope, RolloutPlan};

const MAX_UNITS: usize = 6;
const MAX_MEMBERS: usize = 12;
const MAX_PHASES: u8 = 4;
const MAX_ACTIVITIES: usize = 8;

const ROLES: [&str; 5] = ["executive", "promotion_lead", "ambassador", "manager", "staff"];
const KPIS: [&str; 12] = [
    "weekly_active_rate",
    "monthly_active_rate",
    "habit_rate",
    "returning_rate",
    "lapsed_share",
    "never_share",
    "minutes_per_active_member",
    "executive_active_share",
    "days_since_executive_use",
    "time_saved_hours",
    "trained_share",
    "retention_score",
];
const COMPONENTS: [&str; 7] = [
    "habit_rate",
    "weekly_active_rate",
    "returning_rate",
    "executive_commitment",
    "consultation_environment",
    "knowledge_sharing",
    "rule_hygiene",
];
const COMPARE_OPS: [&str; 4] = ["lt", "le", "gt", "ge"];
const TRACKS: [&str; 5] = ["basics", "practice", "advanced", "manager", "rules"];

#[derive(Arbitrary, Debug)]
struct Input {
    launch_day: u16,
    as_of_days: i16,
    pattern: u8,
    units: Vec<UnitIn>,
    members: Vec<MemberIn>,
    waves: Vec<Vec<u8>>,
    phases: u8,
    pass_at: Option<u8>,
    activities: Vec<ActivityIn>,
    criteria: Vec<CriterionIn>,
    interventions: Vec<InterventionIn>,
    scoring: Option<ScoringIn>,
    min_group_size: Option<u8>,
    usage: Vec<UsageIn>,
    completions: Vec<CompletionIn>,
    trainings: Vec<TrainingIn>,
    shuffle: u64,
}

#[derive(Arbitrary, Debug)]
struct UnitIn {
    /// An earlier unit (see [`refer`]); the root's is ignored unless it dangles.
    parent: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct MemberIn {
    unit: u8,
    /// A bit set over [`ROLES`].
    roles: u8,
    age_band: Option<u8>,
    literacy: Option<u8>,
    joined: i16,
    /// Days after joining.
    left: Option<u16>,
}

#[derive(Arbitrary, Debug)]
struct ActivityIn {
    phase: u8,
    per_unit: bool,
    owner: u8,
    depends_on: Vec<u8>,
    timing: Option<TimingIn>,
    recurrence: Option<(u8, Option<u8>)>,
    duration_days: u8,
    /// A bit set of literacy tiers (and two of age bands) for an audience.
    audience: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct TimingIn {
    /// `None` for the launch, otherwise an activity.
    after: Option<u8>,
    not_before_days: u8,
    due_within_days: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct CriterionIn {
    phase: u8,
    weight: u8,
    mandatory: bool,
    check: CheckIn,
}

#[derive(Arbitrary, Debug)]
enum CheckIn {
    ActivityDone(u8),
    Kpi { kpi: u8, at_most: bool, threshold: u8 },
    RolePresent { role: u8, min_count: u8, per_unit: bool },
}

#[derive(Arbitrary, Debug)]
struct InterventionIn {
    per_unit: bool,
    when: ConditionIn,
    owner: u8,
    activity: Option<u8>,
    severity: u8,
    due_within_days: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum ConditionIn {
    All(Vec<ConditionIn>),
    Any(Vec<ConditionIn>),
    Not(Box<ConditionIn>),
    Compare { kpi: u8, op: u8, value: i16 },
    RoleCount { role: u8, op: u8, value: u8 },
    ActivityDone(u8),
}

#[derive(Arbitrary, Debug)]
struct ScoringIn {
    components: Vec<(u8, u8, bool, u8, u8)>,
    absolute_conditions: Vec<ConditionIn>,
    cap_without_absolute: u8,
    failing_below: u8,
    failing_after_days: u8,
}

#[derive(Arbitrary, Debug)]
struct UsageIn {
    member: u8,
    day: i16,
    minute_of_day: u16,
    /// How the timestamp is written: with `Z`, with `+09:00`, without an offset, with a space.
    form: u8,
    minutes: MinutesIn,
    saved_minutes: Option<u8>,
    task: Option<u8>,
    tool: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum MinutesIn {
    Whole(u8),
    Quarter(u16),
    Absent,
    /// A seventh of a minute; 255 is negative and 254 too many minutes, both refused.
    Odd(u8),
}

#[derive(Arbitrary, Debug)]
struct CompletionIn {
    activity: u8,
    unit: Option<u8>,
    day: i16,
    by: Option<u8>,
}

#[derive(Arbitrary, Debug)]
struct TrainingIn {
    member: u8,
    day: i16,
    track: u8,
    activity: Option<u8>,
}

fn pick<T: Copy>(list: &[T], i: u8) -> T {
    list[usize::from(i) % list.len()]
}

/// A reference into a list of `n`: mostly one of its elements (`b % n`), and for `b >= 248` (or
/// an empty list) an index past the list, whose id dangles.
fn refer(b: u8, n: usize) -> usize {
    if n == 0 || b >= 248 { n + usize::from(b % 8) } else { usize::from(b) % n }
}

fn unit_id(i: usize) -> String {
    format!("00000000-0000-0000-0000-{:012x}", 0x100 + i)
}

fn member_id(i: usize) -> String {
    format!("00000000-0000-0000-0000-{:012x}", 0x1000 + i)
}

fn activity_id(i: usize) -> String {
    format!("a{i}")
}

/// A positive weight, rarely zero or negative.
fn weight(w: u8) -> i32 {
    match w {
        255 => -1,
        254 => 0,
        w => 1 + i32::from(w % 5),
    }
}

fn condition(c: &ConditionIn, activities: usize, depth: usize) -> Value {
    // Past the engine's depth limit (16) by a little, so that limit is exercised too.
    if depth > 18 {
        return json!({ "kind": "all", "of": [] });
    }
    let list =
        |of: &Vec<ConditionIn>| of.iter().take(4).map(|c| condition(c, activities, depth + 1)).collect::<Vec<_>>();
    match c {
        ConditionIn::All(of) => json!({ "kind": "all", "of": list(of) }),
        ConditionIn::Any(of) => json!({ "kind": "any", "of": list(of) }),
        ConditionIn::Not(c) => json!({ "kind": "not", "condition": condition(c, activities, depth + 1) }),
        ConditionIn::Compare { kpi, op, value } => json!({
            "kind": "compare", "kpi": pick(&KPIS, *kpi), "op": pick(&COMPARE_OPS, *op), "value": f64::from(*value) / 100.0
        }),
        ConditionIn::RoleCount { role, op, value } => json!({
            "kind": "role_count", "role": pick(&ROLES, *role), "op": pick(&COMPARE_OPS, *op), "value": value
        }),
        ConditionIn::ActivityDone(a) => {
            json!({ "kind": "activity_done", "activity": activity_id(refer(*a, activities)) })
        }
    }
}

fn document(input: &Input) -> (Value, NaiveDate) {
    let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    let launch = base.checked_add_days(Days::new(u64::from(input.launch_day % 1000))).unwrap_or(base);
    let as_of_offset = i64::from(input.as_of_days % 500);
    let as_of = NaiveDate::parse_from_str(&day(launch, as_of_offset), "%Y-%m-%d").unwrap_or(launch);

    let n_units = input.units.len().min(MAX_UNITS);
    let n_members = input.members.len().min(MAX_MEMBERS);
    let n_activities = input.activities.len().min(MAX_ACTIVITIES);
    // No phase at all is refused; mostly one to four.
    let phases_n = if input.phases == 255 { 0 } else { 1 + input.phases % MAX_PHASES };

    // A tree: each unit's parent comes earlier in the list (the first is the root), or dangles.
    let units: Vec<Value> = input.units[..n_units]
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let mut unit = json!({ "id": unit_id(i), "name": format!("unit {i}") });
            match u.parent {
                Some(p) if i > 0 || p >= 248 => unit["parent"] = json!(unit_id(refer(p, i))),
                _ => {}
            }
            unit
        })
        .collect();
    let members: Vec<Value> = input.members[..n_members]
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let roles: Vec<&str> =
                ROLES.iter().enumerate().filter(|(r, _)| m.roles & (1 << r) != 0).map(|(_, r)| *r).collect();
            let joined = i64::from(m.joined % 400);
            let mut member = json!({
                "id": member_id(i), "unit": unit_id(refer(m.unit, n_units)), "roles": roles,
                "joined": day(launch, joined),
            });
            if let Some(a) = m.age_band {
                member["age_band"] = json!(pick(&["20s_30s", "40s_50s", "60_plus"], a));
            }
            if let Some(l) = m.literacy {
                member["literacy"] = json!(pick(&["beginner", "intermediate", "advanced"], l));
            }
            if let Some(left) = m.left {
                member["left"] = json!(day(launch, joined + i64::from(left % 400)));
            }
            member
        })
        .collect();
    // Each unit in one wave at most.
    let mut waved = std::collections::BTreeSet::new();
    let waves: Vec<Value> = input
        .waves
        .iter()
        .take(3)
        .map(|w| {
            let units: Vec<String> = w
                .iter()
                .take(MAX_UNITS)
                .map(|&u| refer(u, n_units))
                .filter(|&u| waved.insert(u))
                .map(unit_id)
                .collect();
            json!({ "units": units })
        })
        .collect();

    let phases: Vec<Value> = (0..phases_n)
        .map(|p| {
            let criteria: Vec<Value> = input
                .criteria
                .iter()
                .take(12)
                .enumerate()
                .filter(|(_, c)| c.phase % phases_n == p)
                .map(|(i, c)| {
                    let check = match &c.check {
                        CheckIn::ActivityDone(a) => {
                            json!({ "kind": "activity_done", "activity": activity_id(refer(*a, n_activities)) })
                        }
                        CheckIn::Kpi { kpi, at_most, threshold } => json!({
                            "kind": "kpi", "kpi": pick(&KPIS, *kpi),
                            "op": if *at_most { "at_most" } else { "at_least" },
                            "threshold": f64::from(*threshold) / 100.0,
                        }),
                        CheckIn::RolePresent { role, min_count, per_unit } => json!({
                            "kind": "role_present", "role": pick(&ROLES, *role),
                            "min_count": min_count % 4, "per_unit": per_unit,
                        }),
                    };
                    json!({
                        "id": format!("c{i}"), "title": title("criterion"), "weight": weight(c.weight),
                        "mandatory": c.mandatory, "check": check,
                    })
                })
                .collect();
            let mut gate = json!({ "criteria": criteria });
            if let Some(pass_at) = input.pass_at {
                gate["pass_at"] = json!(f64::from(pass_at.min(201)) / 200.0);
            }
            json!({ "id": format!("p{p}"), "title": title("phase"), "summary": title(""), "gate": gate })
        })
        .collect();
    // Activities in phase order, so a dependency on an earlier activity is never on a later phase.
    let mut order: Vec<(usize, &ActivityIn)> =
        input.activities[..n_activities].iter().map(|a| (usize::from(a.phase % phases_n.max(1)), a)).collect();
    order.sort_by_key(|(phase, _)| *phase);
    let per_unit: Vec<bool> = order.iter().map(|(_, a)| a.per_unit).collect();
    let activities: Vec<Value> = order
        .iter()
        .enumerate()
        .map(|(i, (phase, a))| {
            let phase = if a.phase == 255 { format!("p{}", phases_n) } else { format!("p{phase}") };
            let mut activity = json!({
                "id": activity_id(i), "phase": phase, "title": title("activity"),
                "owner": pick(&ROLES, a.owner), "scope": if a.per_unit { "per_unit" } else { "organisation" },
                "duration_days": if a.duration_days == 255 { 0 } else { 1 + a.duration_days % 29 },
                "depends_on": a.depends_on.iter().take(4).map(|&d| activity_id(refer(d, i))).collect::<Vec<_>>(),
            });
            if let Some(t) = &a.timing {
                let after = match t.after {
                    None => json!("launch"),
                    Some(x) => json!({ "activity": activity_id(refer(x, i)) }),
                };
                let not_before = u32::from(t.not_before_days % 60);
                let mut timing = json!({ "after": after, "not_before_days": not_before });
                if let Some(due) = t.due_within_days {
                    timing["due_within_days"] = json!(not_before + u32::from(due % 90));
                }
                activity["timing"] = timing;
            }
            if let Some((every, retained)) = a.recurrence {
                let mut r = json!({ "every_days": 1 + every % 40 });
                if let Some(x) = retained {
                    r["once_retained_every_days"] = json!(1 + x % 60);
                }
                activity["recurrence"] = r;
            }
            if let Some(bits) = a.audience {
                let literacy: Vec<&str> = ["beginner", "intermediate", "advanced"]
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| bits & (1 << b) != 0)
                    .map(|(_, l)| *l)
                    .collect();
                let ages: Vec<&str> = ["20s_30s", "60_plus"]
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| bits & (8 << b) != 0)
                    .map(|(_, l)| *l)
                    .collect();
                activity["audience"] = json!({ "literacy": literacy, "age_bands": ages });
            }
            activity
        })
        .collect();
    let interventions: Vec<Value> = input
        .interventions
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, x)| {
            let mut intervention = json!({
                "id": format!("i{i}"), "title": title("intervention"),
                "scope": if x.per_unit { "per_unit" } else { "organisation" },
                "when": condition(&x.when, n_activities, 1), "owner": pick(&ROLES, x.owner),
                "severity": f64::from(x.severity.min(200)) / 200.0,
            });
            if let Some(a) = x.activity {
                intervention["activity"] = json!(activity_id(refer(a, n_activities)));
            }
            if let Some(d) = x.due_within_days {
                intervention["due_within_days"] = json!(d % 60);
            }
            intervention
        })
        .collect();
    let mut playbook = json!({
        "version": 1, "id": "fuzzed", "revision": 1, "title": title("fuzzed"), "summary": title(""),
        "phases": phases, "activities": activities, "interventions": interventions,
    });
    if let Some(s) = &input.scoring {
        let components: Vec<Value> = s
            .components
            .iter()
            .take(8)
            .map(|&(component, kpi, at_most, target, w)| {
                json!({
                    "component": pick(&COMPONENTS, component), "kpi": pick(&KPIS, kpi),
                    "op": if at_most { "at_most" } else { "at_least" },
                    "target": f64::from(target) / 50.0 + if at_most { 0.0 } else { 0.02 }, "weight": weight(w),
                })
            })
            .collect();
        let absolute: Vec<Value> = s
            .absolute_conditions
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, c)| {
                json!({ "id": format!("abs{i}"), "title": title("condition"), "when": condition(c, n_activities, 1) })
            })
            .collect();
        playbook["scoring"] = json!({
            "components": components, "absolute_conditions": absolute,
            "cap_without_absolute": s.cap_without_absolute % 101,
            "failing": { "below": f64::from(s.failing_below) / 255.0, "after_days": s.failing_after_days },
        });
    }
    if let Some(m) = input.min_group_size {
        playbook["metrics"] = json!({ "min_group_size": 1 + m % 5 });
    }

    let usage: Vec<Value> = input
        .usage
        .iter()
        .take(64)
        .map(|u| {
            let date = day(launch, i64::from(u.day % 400));
            let (h, m) = ((u.minute_of_day / 60) % 24, u.minute_of_day % 60);
            let at = match u.form % 4 {
                0 => format!("{date}T{h:02}:{m:02}:00Z"),
                1 => format!("{date}T{h:02}:{m:02}:00+09:00"),
                2 => format!("{date}T{h:02}:{m:02}:00"),
                _ => format!("{date} {h:02}:{m:02}:00"),
            };
            let mut event = json!({ "member": member_id(refer(u.member, n_members)), "at": at });
            match u.minutes {
                MinutesIn::Whole(m) => event["minutes"] = json!(m),
                MinutesIn::Quarter(q) => event["minutes"] = json!(f64::from(q % 2000) / 4.0),
                MinutesIn::Absent => {}
                // Refused, rarely.
                MinutesIn::Odd(255) => event["minutes"] = json!(-1.0),
                MinutesIn::Odd(254) => event["minutes"] = json!(50_000),
                MinutesIn::Odd(m) => event["minutes"] = json!(f64::from(m) / 7.0),
            }
            if let Some(s) = u.saved_minutes {
                event["saved_minutes"] = json!(s);
            }
            if let Some(t) = u.task {
                event["task"] = json!(pick(&["minutes", "mail", "research"], t));
            }
            if let Some(t) = u.tool {
                event["tool"] = json!(pick(&["chatgpt", "copilot"], t));
            }
            event
        })
        .collect();
    // At most one completion an instance; a unit only for a per-unit activity (or a rare stray one).
    let mut done = std::collections::BTreeSet::new();
    let completions: Vec<Value> = input
        .completions
        .iter()
        .take(16)
        .filter_map(|c| {
            let activity = refer(c.activity, n_activities);
            let unit = match c.unit {
                Some(u) if per_unit.get(activity).copied().unwrap_or(false) || u >= 248 => Some(refer(u, n_units)),
                None if per_unit.get(activity).copied().unwrap_or(false) => Some(0),
                _ => None,
            };
            if !done.insert((activity, unit)) {
                return None;
            }
            let mut completion =
                json!({ "activity": activity_id(activity), "date": day(launch, i64::from(c.day % 400)) });
            if let Some(u) = unit {
                completion["unit"] = json!(unit_id(u));
            }
            if let Some(b) = c.by {
                completion["by"] = json!(member_id(refer(b, n_members)));
            }
            Some(completion)
        })
        .collect();
    let trainings: Vec<Value> = input
        .trainings
        .iter()
        .take(16)
        .map(|t| {
            let mut training = json!({
                "member": member_id(refer(t.member, n_members)), "date": day(launch, i64::from(t.day % 400)),
                "track": pick(&TRACKS, t.track),
            });
            if let Some(a) = t.activity {
                training["activity"] = json!(activity_id(refer(a, n_activities)));
            }
            training
        })
        .collect();

    let document = json!({
        "version": 1,
        "organisation": {
            "name": "Fuzz K.K.", "utc_offset": "+09:00", "launch_date": launch.to_string(),
            "deployment_pattern": pick(&["top_down", "bottom_up", "hybrid"], input.pattern),
            "units": units, "members": members, "waves": waves,
        },
        "playbook": { "inline": playbook },
        "observations": { "usage": usage, "completions": completions, "trainings": trainings },
    });
    (document, as_of)
}

/// Shuffles every observation list with a small LCG seeded by `seed`.
fn shuffled(document: &Value, seed: u64) -> Value {
    let mut doc = document.clone();
    let mut state = seed;
    for list in ["usage", "completions", "trainings"] {
        if let Some(items) = doc["observations"][list].as_array_mut() {
            for i in (1..items.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                items.swap(i, (state >> 33) as usize % (i + 1));
            }
        }
    }
    doc
}

/// The plan checks out against its own edges (`RolloutPlan::inconsistencies`).
fn assert_respects_every_edge(p: &RolloutPlan) {
    let found = p.inconsistencies();
    assert!(found.is_empty(), "the plan breaks its edges: {found:#?}");
}

fn check_invariants(a: &teichaku::Assessment) {
    // The schedule.
    assert_respects_every_edge(&a.plan);

    // Every proposed activity has every prerequisite done.
    for action in &a.actions.actions {
        assert!(!action.reasons.is_empty(), "{} has no reason", action.code);
        assert!(action.urgency.is_finite(), "{} urgency {}", action.code, action.urgency);
        let Some(activity) = action.code.strip_prefix("activity:") else { continue };
        // Each unit of a grouped action, or its scope.
        let places: Vec<Option<teichaku::model::UnitId>> = match action.scope {
            _ if !action.units.is_empty() => action.units.iter().copied().map(Some).collect(),
            ActionScope::Unit(u) => vec![Some(u)],
            _ => vec![None],
        };
        for unit in places {
            let instance = a
                .plan
                .instances
                .iter()
                .find(|i| i.key.activity.as_str() == activity && i.key.unit == unit)
                .unwrap_or_else(|| panic!("{} in {:?} is not an instance of the plan", action.code, unit));
            for p in &instance.after {
                let prerequisite = a.plan.instances.iter().find(|i| &i.key == p);
                assert!(
                    prerequisite.is_some_and(|p| p.done.is_some()),
                    "{:?} proposed before {:?} is done",
                    instance.key,
                    p
                );
            }
        }
    }

    // Readiness: percentages and credits in range, passing consistent.
    let gates = a.readiness.phases.iter().chain(a.readiness.units.iter().filter_map(|u| u.gate.as_ref()));
    for g in gates {
        let percent = g.readiness * 100.0;
        assert!((0.0..=100.0).contains(&percent), "gate {} readiness {percent}%", g.phase);
        if g.passed {
            assert!(g.mandatory_met && g.readiness >= g.pass_at, "gate {} passed at {}", g.phase, g.readiness);
        }
        for c in &g.criteria {
            assert!((0.0..=1.0).contains(&c.credit), "criterion {} credit {}", c.criterion, c.credit);
            if c.met {
                assert!(c.credit == 1.0, "criterion {} met with credit {}", c.criterion, c.credit);
            }
        }
    }
    if let Some(current) = &a.readiness.current_phase {
        let first_failing = a.readiness.phases.iter().find(|g| !g.passed).map(|g| &g.phase);
        assert_eq!(Some(current), first_failing);
    }

    // Retention scores and their components.
    for scope in &a.kpis.scopes {
        let Figure::Value(s) = &scope.score else { continue };
        assert!((0.0..=100.0).contains(&s.score), "{:?} score {}", scope.scope, s.score);
        assert!((0.0..=100.0).contains(&s.uncapped), "{:?} uncapped {}", scope.scope, s.uncapped);
        assert!(s.score <= s.uncapped, "{:?} score {} over uncapped {}", scope.scope, s.score, s.uncapped);
        if let Some(cap) = s.cap {
            assert!(s.score <= cap, "{:?} score {} over cap {cap}", scope.scope, s.score);
        }
        // The level is the score's, or the ceiling the scope's use sets when it is lower (no use
        // at all is "installed" whatever the other components earn).
        let by_score = teichaku::metrics::Level::of(s.score);
        if let Some(ceiling) = s.ceiling {
            assert!(ceiling < by_score, "{:?} ceiling {ceiling:?} not under {by_score:?}", scope.scope);
        }
        assert_eq!(s.level, s.ceiling.unwrap_or(by_score));
        for c in &s.components {
            assert!((0.0..=1.0).contains(&c.achievement), "{:?} achievement {}", c.component, c.achievement);
            assert!(c.points >= 0.0 && c.points <= c.weight, "{:?} points {} of {}", c.component, c.points, c.weight);
            assert!(
                (c.points - c.weight * c.achievement).abs() <= 1e-9 * c.weight.max(1.0),
                "{:?} points",
                c.component
            );
        }
    }
}

fuzz_target!(|input: Input| {
    let (doc, as_of) = document(&input);
    let text = doc.to_string();
    if std::env::var_os("FUZZ_DUMP").is_some() {
        // The document and date, to turn a crash into a test.
        eprintln!("FUZZ_DUMP as_of {as_of}\n{text}");
    }
    let snapshot = match teichaku::load(&text, catalog()) {
        Ok(s) => s,
        Err(e) => {
            // A typed error that can be shown.
            let _ = e.to_string();
            stat("refused");
            return;
        }
    };
    let Ok(first) = teichaku::assess(&snapshot, as_of) else {
        stat("not assessed");
        return;
    };
    stat(if first.actions.actions.iter().any(|a| a.code.starts_with("activity:")) {
        "assessed, an activity proposed"
    } else {
        "assessed"
    });
    check_invariants(&first);
    let first_json = match serde_json::to_string(&first) {
        Ok(j) => j,
        Err(e) => panic!("the report serialises: {e}"),
    };

    // Again, from a second load of the document with its observations in another order.
    let again = shuffled(&doc, input.shuffle).to_string();
    let snapshot = match teichaku::load(&again, catalog()) {
        Ok(s) => s,
        Err(e) => panic!("the shuffled document loads too: {e}"),
    };
    let second = match teichaku::assess(&snapshot, as_of) {
        Ok(a) => a,
        Err(e) => panic!("the shuffled document assesses too: {e}"),
    };
    let second_json = serde_json::to_string(&second).unwrap_or_default();
    if first_json != second_json {
        // Tell a plain nondeterminism from an order dependence.
        let repeat = teichaku::assess(&snapshot, as_of).ok().and_then(|a| serde_json::to_string(&a).ok());
        let what = if repeat.as_deref() == Some(second_json.as_str()) {
            "the shuffled observations give another report"
        } else {
            "two assessments of one snapshot differ"
        };
        panic!("{what}:\n{first_json}\n{second_json}");
    }
});
