//! The measured effect of the rollout: a staggered difference-in-differences per wave against
//! the units not reached yet, checked on generated data with a known effect and with none.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{Estimate, PanelUnit, ShortOf, estimate_effects, rollout_effects};
use teichaku::model::UnitId;

const WEEKS: usize = 20;

fn weeks() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2026, 4, 6).unwrap();
    (0..WEEKS as u64).map(|w| first + Days::new(7 * w)).collect()
}

/// A fixed sequence of small integers in `-spread..=spread` (a linear congruential generator
/// with a fixed seed: the data are the same on every run).
struct Noise(u64);

impl Noise {
    fn next(&mut self, spread: i64) -> i64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % (2 * spread as u64 + 1)) as i64 - spread
    }
}

/// Three waves of `per_wave` units of 40 members: wave 0 reached in week 8, wave 1 in week 13,
/// wave 2 never. Each unit has its own level, every week a common trend, and a reached unit
/// gains `lift` (active) and `habit_lift` (habit) members of 40; plus noise of up to 3 members.
fn panel(per_wave: usize, lift: i64, habit_lift: i64, seed: u64) -> Vec<PanelUnit> {
    let mut noise = Noise(seed);
    let starts = [Some(8), Some(13), None];
    let mut units = Vec::new();
    for (wave, start) in starts.into_iter().enumerate() {
        for i in 0..per_wave {
            let n = (wave * per_wave + i) as u128 + 1;
            let level = 6 + (n as i64 * 5) % 9;
            let mut unit = PanelUnit::new(UnitId::from_u128(n), wave, start, 40);
            for w in 0..WEEKS {
                let trend = w as i64 / 2;
                let reached = start.is_some_and(|s| w >= s);
                let active = level + trend + if reached { lift } else { 0 } + noise.next(3);
                let habit = level / 2 + trend / 2 + if reached { habit_lift } else { 0 } + noise.next(2);
                unit = unit.with_week(40, active.clamp(0, 40) as u64, habit.clamp(0, 40) as u64);
            }
            units.push(unit);
        }
    }
    units
}

#[test]
fn a_known_lift_is_recovered_within_its_interval() {
    // 8 of 40 members is 0.2 on the weekly-active rate, 4 of 40 is 0.1 on habit.
    let report = estimate_effects(&weeks(), &panel(6, 8, 4, 7), 5);
    let first = &report.waves[0];
    assert_eq!((first.pre_weeks, first.post_weeks), (4, 5), "post weeks stop before wave 1 is reached in week 13");
    assert_eq!((first.treated.units, first.control.units), (6, 12), "later waves are the controls");
    assert_eq!((first.treated.members, first.control.members), (240, 480));
    let (active, habit) = (first.weekly_active, first.habit);
    assert!(active.covers(0.2), "{active:?}");
    assert!(habit.covers(0.1), "{habit:?}");
    assert!((active.effect().unwrap() - 0.2).abs() < 0.05, "{active:?}");
    assert!(!active.covers(0.0), "a lift of 20 points is told apart from none: {active:?}");
    // Wave 1 is compared with wave 2 only, from week 13 to the end of the series.
    let second = &report.waves[1];
    assert_eq!((second.pre_weeks, second.post_weeks, second.control.units), (4, 7, 6));
    assert!(second.weekly_active.covers(0.2), "{:?}", second.weekly_active);
}

#[test]
fn no_lift_gives_an_interval_around_zero() {
    let report = estimate_effects(&weeks(), &panel(6, 0, 0, 1), 5);
    for wave in &report.waves[..2] {
        assert!(wave.weekly_active.covers(0.0), "{:?}", wave.weekly_active);
        assert!(wave.habit.covers(0.0), "{:?}", wave.habit);
    }
}

/// Over 200 generated organisations the 95% intervals hold the true effect (none, or the lift)
/// about 95% of the time, and the estimates average out on it: the interval is honest, not
/// merely wide.
#[test]
fn intervals_hold_the_true_effect_about_95_percent_of_the_time() {
    for (lift, truth) in [(0, 0.0), (8, 0.2)] {
        let (mut covered, mut total, mut sum) = (0, 0, 0.0);
        for seed in 0..200 {
            let report = estimate_effects(&weeks(), &panel(6, lift, 0, seed), 5);
            for wave in &report.waves[..2] {
                total += 1;
                covered += usize::from(wave.weekly_active.covers(truth));
                sum += wave.weekly_active.effect().unwrap();
            }
        }
        let share = covered as f64 / total as f64;
        assert!((0.9..=0.99).contains(&share), "lift {lift}: {covered} of {total} intervals hold {truth}");
        assert!((sum / total as f64 - truth).abs() < 0.005, "lift {lift}: mean estimate {}", sum / total as f64);
    }
}

#[test]
fn the_last_wave_and_thin_sides_have_not_enough_data() {
    let report = estimate_effects(&weeks(), &panel(6, 8, 4, 7), 5);
    assert_eq!(report.waves[2].weekly_active, Estimate::NotEnoughData { short_of: ShortOf::NotStarted });
    let one_each = estimate_effects(&weeks(), &panel(1, 8, 4, 7), 5);
    assert_eq!(one_each.waves[0].weekly_active, Estimate::NotEnoughData { short_of: ShortOf::TreatedUnits });
    // A wave reached before the series begins has no week before it to compare with.
    let mut early = panel(3, 8, 4, 7);
    early.iter_mut().filter(|u| u.wave == 0).for_each(|u| u.start_week = Some(0));
    assert_eq!(
        estimate_effects(&weeks(), &early, 5).waves[0].weekly_active,
        Estimate::NotEnoughData { short_of: ShortOf::PreWeeks }
    );
    // The wave after the last reached one has no controls left.
    let mut all = panel(3, 8, 4, 7);
    all.iter_mut().filter(|u| u.wave == 2).for_each(|u| u.start_week = Some(16));
    let report = estimate_effects(&weeks(), &all, 5);
    assert_eq!(report.waves[2].weekly_active, Estimate::NotEnoughData { short_of: ShortOf::ControlUnits });
    assert_eq!(report.waves[1].post_weeks, 3, "wave 1 is compared until wave 2 is reached");
}

#[test]
fn small_units_are_left_out() {
    let mut units = panel(3, 8, 4, 7);
    // One treated unit is smaller than the minimum group size: it counts on neither side.
    units[0].members = 4;
    let report = estimate_effects(&weeks(), &units, 5);
    assert_eq!((report.waves[0].units_left_out, report.waves[0].treated.units), (1, 2));
    assert_eq!(report.waves[0].treated.members, 80);
    // With a minimum of 41 every unit of 40 is left out, and nothing is estimated.
    let report = estimate_effects(&weeks(), &panel(2, 8, 4, 7), 41);
    assert_eq!(report.waves[0].units_left_out, 6);
    assert_eq!(report.waves[0].weekly_active, Estimate::NotEnoughData { short_of: ShortOf::TreatedUnits });
    assert_eq!((report.waves[0].treated, report.waves[0].control), Default::default());
}

#[test]
fn the_estimate_is_deterministic() {
    let a = serde_json::to_string(&estimate_effects(&weeks(), &panel(5, 8, 4, 11), 5)).unwrap();
    let b = serde_json::to_string(&estimate_effects(&weeks(), &panel(5, 8, 4, 11), 5)).unwrap();
    assert_eq!(a, b);
}

proptest! {
    /// Differences in differences remove what every unit shares in a week and what a unit keeps
    /// every week: adding either leaves the estimate where it was. Unit order does not matter.
    #[test]
    fn common_shocks_and_unit_levels_cancel(
        seed in 0u64..1_000,
        shocks in proptest::collection::vec(0u64..5, WEEKS),
        level in 0u64..5,
        rotate in 0usize..18,
    ) {
        let base = panel(6, 8, 4, seed);
        let mut shifted = base.clone();
        for (i, unit) in shifted.iter_mut().enumerate() {
            for (w, active) in unit.active.iter_mut().enumerate() {
                *active += shocks[w] + if i == 0 { level } else { 0 };
            }
        }
        shifted.rotate_left(rotate);
        let a = estimate_effects(&weeks(), &base, 5);
        let b = estimate_effects(&weeks(), &shifted, 5);
        for (x, y) in a.waves.iter().zip(&b.waves) {
            match (x.weekly_active.effect(), y.weekly_active.effect()) {
                (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "{x} vs {y}"),
                (x, y) => prop_assert_eq!(x, y),
            }
        }
    }
}

/// A document of twelve units of eight members in three waves, with the usage of each week
/// generated: member `j` of a unit at level `l` uses AI on `days` days of the week when
/// `j < l`, plus `lift` members more once the unit's training is done.
fn document(lift: usize) -> Value {
    let unit = |u: usize| format!("00000000-0000-0000-0000-{:012}", u);
    let member = |u: usize, j: usize| format!("00000000-0000-0000-0000-{:012}", 1000 + u * 10 + j);
    let first = NaiveDate::from_ymd_opt(2026, 4, 6).unwrap();
    let reached = |u: usize| match u {
        1..=4 => Some(8u64),
        5..=8 => Some(13),
        _ => None,
    };
    let mut usage = Vec::new();
    let mut completions = Vec::new();
    let mut noise = Noise(5);
    for u in 1..=12 {
        if let Some(week) = reached(u) {
            completions.push(
                json!({ "activity": "training", "unit": unit(u), "date": (first + Days::new(7 * week)).to_string() }),
            );
        }
        for w in 0..WEEKS as u64 {
            let level = (1 + u % 3) as i64 + noise.next(1);
            let extra = if reached(u).is_some_and(|s| w >= s) { lift as i64 } else { 0 };
            let users = (level + extra).clamp(0, 8) as usize;
            for j in 0..users {
                let days = if j % 2 == 0 { 5 } else { 1 };
                for d in 0..days {
                    let at = first + Days::new(7 * w + d);
                    usage.push(json!({ "member": member(u, j), "at": format!("{at}T10:00:00+09:00"), "minutes": 5 }));
                }
            }
        }
    }
    let mut doc = crate::support::small();
    crate::support::set(
        &mut doc,
        "/organisation/units",
        (1..=12).map(|u| json!({ "id": unit(u), "name": format!("Unit {u}") })).collect(),
    );
    let members: Vec<Value> = (1..=12)
        .flat_map(|u| (0..8).map(move |j| (u, j)))
        .map(|(u, j)| json!({ "id": member(u, j), "unit": unit(u), "roles": ["staff"], "joined": "2020-04-01" }))
        .collect();
    crate::support::set(&mut doc, "/organisation/members", members.into());
    crate::support::set(
        &mut doc,
        "/organisation/waves",
        json!([
            { "name": "pilot", "units": [unit(1), unit(2), unit(3), unit(4)] },
            { "units": [unit(5), unit(6), unit(7), unit(8)] },
            { "units": [unit(9), unit(10), unit(11), unit(12)] }
        ]),
    );
    crate::support::set(&mut doc, "/observations", json!({ "completions": completions, "usage": usage }));
    doc
}

#[test]
fn the_rollout_effect_is_read_from_a_document() {
    let as_of = NaiveDate::from_ymd_opt(2026, 4, 6).unwrap() + Days::new(7 * WEEKS as u64 - 1);
    let with = crate::support::load(&document(4)).unwrap();
    let store = teichaku::metrics::EventStore::from_snapshot(&with).unwrap();
    let report = rollout_effects(&with, &store, as_of);
    assert_eq!(report.waves.len(), 3);
    let pilot = &report.waves[0];
    assert_eq!(pilot.start, Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()), "week 8 of the series");
    assert_eq!((pilot.treated.units, pilot.control.units, pilot.treated.members), (4, 8, 32));
    // Four more of eight members active each week: a lift of 0.5.
    assert!(pilot.weekly_active.covers(0.5), "{:?}", pilot.weekly_active);
    assert!(!pilot.weekly_active.covers(0.0), "{:?}", pilot.weekly_active);
    let without = crate::support::load(&document(0)).unwrap();
    let store = teichaku::metrics::EventStore::from_snapshot(&without).unwrap();
    let report = rollout_effects(&without, &store, as_of);
    assert!(report.waves[0].weekly_active.covers(0.0), "{:?}", report.waves[0].weekly_active);
    assert!(report.waves[0].habit.covers(0.0), "{:?}", report.waves[0].habit);
}

/// Four units of eight members: wave 0 (units 1, 2) reached on the Monday of week 20 of the 26
/// weeks, wave 1 (units 3, 4) never. Members 0 and 1 of every unit use AI each Monday; from
/// week 20, members 2 to 5 of the reached units too. Member 7 of unit 1 has a period record over
/// weeks 18 to 21 with 20 active days of 28, member 7 of unit 2 one with 28 of 28.
fn straddling_periods() -> (teichaku::model::ValidSnapshot, teichaku::metrics::EventStore, NaiveDate) {
    let unit = |u: usize| format!("00000000-0000-0000-0000-{:012}", u);
    let member = |u: usize, j: usize| format!("00000000-0000-0000-0000-{:012}", 1000 + u * 10 + j);
    let monday = |w: u64| NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Days::new(7 * w);
    let mut usage = Vec::new();
    for u in 1..=4 {
        for w in 0..26 {
            let users = if u <= 2 && w >= 20 { 6 } else { 2 };
            for j in 0..users {
                usage.push(
                    json!({ "member": member(u, j), "at": format!("{}T10:00:00+09:00", monday(w)), "minutes": 5 }),
                );
            }
        }
    }
    let completions: Vec<Value> =
        (1..=2).map(|u| json!({ "activity": "training", "unit": unit(u), "date": monday(20).to_string() })).collect();
    let mut doc = crate::support::small();
    crate::support::set(
        &mut doc,
        "/organisation/units",
        (1..=4).map(|u| json!({ "id": unit(u), "name": format!("Unit {u}") })).collect(),
    );
    let members: Vec<Value> = (1..=4)
        .flat_map(|u| (0..8).map(move |j| (u, j)))
        .map(|(u, j)| json!({ "id": member(u, j), "unit": unit(u), "roles": ["staff"], "joined": "2020-04-01" }))
        .collect();
    crate::support::set(&mut doc, "/organisation/members", members.into());
    crate::support::set(
        &mut doc,
        "/organisation/waves",
        json!([{ "name": "pilot", "units": [unit(1), unit(2)] }, { "units": [unit(3), unit(4)] }]),
    );
    crate::support::set(&mut doc, "/observations", json!({ "completions": completions, "usage": usage }));
    let snapshot = crate::support::load(&doc).unwrap();
    let mut builder = teichaku::metrics::EventStoreBuilder::new(&snapshot);
    for event in &snapshot.observations().usage {
        builder.push(event).unwrap();
    }
    for (u, active) in [(1, 20), (2, 28)] {
        let who: teichaku::model::MemberId = member(u, 7).parse().unwrap();
        let period = teichaku::model::PeriodRecord::new(who, monday(18), monday(21) + Days::new(6), active);
        builder.push_period(&period).unwrap();
    }
    (snapshot, builder.finish().unwrap(), monday(25) + Days::new(6))
}

#[test]
fn a_period_record_straddling_a_wave_start_is_not_attributed_to_a_week() {
    let (snapshot, store, as_of) = straddling_periods();
    let report = rollout_effects(&snapshot, &store, as_of);
    let pilot = &report.waves[0];
    assert_eq!((pilot.pre_weeks, pilot.post_weeks), (4, 6));
    assert_eq!((pilot.treated.units, pilot.control.units), (2, 2));
    // Unit 1's member 7: 20 active days in 28 leave each week of 18..21 open (0 to 7 days):
    // left out of those four weeks. Pre weeks 16..19: 2/8, 2/8, 2/7, 2/7 (mean 15/56); post
    // weeks 20..25: 6/7, 6/7, then 6/8 four times (mean 11/14): a change of 29/56.
    // Unit 2's member 7: 28 of 28 days settle each of those weeks as active and habitual.
    // Pre: 2/8, 2/8, 3/8, 3/8 (mean 5/16); post: 7/8, 7/8, 6/8 × 4 (mean 19/24): 23/48.
    // The controls do not change: the effect is the mean of the two.
    assert_eq!(pilot.member_weeks_not_measurable, 4);
    let expected = (29.0 / 56.0 + 23.0 / 48.0) / 2.0;
    let effect = pilot.weekly_active.effect().unwrap();
    assert!((effect - expected).abs() < 1e-12, "{effect} against {expected}");
    // Habit: only unit 2's member 7 in weeks 18..21: pre mean 1/16, post 2/48, a change of
    // -1/48; unit 1's none (its member 7 left out).
    let habit = pilot.habit.effect().unwrap();
    assert!((habit - (-1.0 / 48.0) / 2.0).abs() < 1e-12, "{habit}");
}

/// Four units of ten members in one wave; the per-unit intervention `low-use` (carried out by
/// the practice task) was done in units 1 and 2 on the Monday of week 4 of seven. Unit 1 has 2
/// members active a week before and 6 after, unit 2 3 and then 6; units 3 and 4 stay at 2 and 3.
/// Every active member uses AI on one day a week, so nobody is habitual.
fn intervention_document() -> (Value, NaiveDate) {
    let unit = |u: usize| format!("00000000-0000-0000-0000-{:012}", u);
    let member = |u: usize, j: usize| format!("00000000-0000-0000-0000-{:012}", 1000 + u * 10 + j);
    let first = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(); // a Monday
    let active = |u: usize, w: u64| match (u, w >= 4) {
        (1, false) | (3, _) => 2,
        (2, false) | (4, _) => 3,
        (_, true) => 6,
        _ => unreachable!(),
    };
    let mut usage = Vec::new();
    for u in 1..=4 {
        for w in 0..7u64 {
            for j in 0..active(u, w) {
                let at = first + Days::new(7 * w + 1);
                usage.push(json!({ "member": member(u, j), "at": format!("{at}T10:00:00+09:00"), "minutes": 5 }));
            }
        }
    }
    let treated = (first + Days::new(28)).to_string();
    let completions: Vec<Value> =
        [1, 2].iter().map(|&u| json!({ "activity": "practice-task", "unit": unit(u), "date": treated })).collect();
    let mut doc = crate::support::small();
    crate::support::set(
        &mut doc,
        "/organisation/units",
        (1..=4).map(|u| json!({ "id": unit(u), "name": format!("Unit {u}") })).collect(),
    );
    let members: Vec<Value> = (1..=4)
        .flat_map(|u| (0..10).map(move |j| (u, j)))
        .map(|(u, j)| json!({ "id": member(u, j), "unit": unit(u), "roles": ["staff"], "joined": "2020-04-01" }))
        .collect();
    crate::support::set(&mut doc, "/organisation/members", members.into());
    crate::support::set(&mut doc, "/organisation/waves", json!([{ "units": [unit(1), unit(2), unit(3), unit(4)] }]));
    crate::support::push(
        &mut doc,
        "/playbook/inline/interventions",
        json!({ "id": "low-use", "title": { "en": "Practice with the unit", "ja": "部署で実務課題" },
                "scope": "per_unit", "owner": "manager", "severity": 0.5, "activity": "practice-task",
                "when": { "kind": "compare", "kpi": "weekly_active_rate", "op": "lt", "value": 0.3 } }),
    );
    crate::support::set(&mut doc, "/observations", json!({ "completions": completions, "usage": usage }));
    (doc, first + Days::new(7 * 7 - 1))
}

#[test]
fn a_completed_intervention_has_its_effect_measured_against_the_units_without_it() {
    let (doc, as_of) = intervention_document();
    let snapshot = crate::support::load(&doc).unwrap();
    let store = teichaku::metrics::EventStore::from_snapshot(&snapshot).unwrap();
    let report = rollout_effects(&snapshot, &store, as_of);
    let [e] = report.interventions.as_slice() else { panic!("{:#?}", report.interventions) };
    assert_eq!((e.intervention.as_str(), e.activity.as_str()), ("low-use", "practice-task"));
    assert_eq!(e.start, Some(NaiveDate::from_ymd_opt(2026, 6, 29).unwrap()), "week 4");
    assert_eq!((e.pre_weeks, e.post_weeks), (4, 3));
    assert_eq!((e.treated.units, e.treated.members, e.control.units, e.control.members), (2, 20, 2, 20));
    // Unit 1: 0.6 − 0.2 = 0.4; unit 2: 0.6 − 0.3 = 0.3; the controls 0 and 0. The effect is
    // 0.35; the treated variance 0.005 gives se = √(0.005 / 2) = 0.05 with df 1, t = 12.706.
    let Estimate::Estimated { effect, low, high, std_error, df } = e.weekly_active else { panic!("{e:?}") };
    assert!((effect - 0.35).abs() < 1e-9, "{effect}");
    assert!((std_error - 0.05).abs() < 1e-9, "{std_error}");
    assert_eq!(df, 1);
    assert!((low - (0.35 - 12.706 * 0.05)).abs() < 1e-9 && (high - (0.35 + 12.706 * 0.05)).abs() < 1e-9);
    // Nobody is habitual on either side: no effect, no spread (df = 2 + 2 − 2).
    assert_eq!(e.habit, Estimate::Estimated { effect: 0.0, low: 0.0, high: 0.0, std_error: 0.0, df: 2 });
    // The same in the assessment.
    let a = teichaku::assess(&snapshot, as_of).unwrap();
    assert_eq!(a.effects.interventions, report.interventions);
}
