//! Per-unit weekly activity: the lean job behind dashboards, and the benchmark against peers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::HabitRule;

use crate::activity::is_habitual;
use crate::aggregate::{UsageAggregate, WindowMask};
use crate::calendar::{date_of, week_start};

/// One unit's activity: each ISO week of the series, and its habit rate on `as_of`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitActivity {
    /// The unit's number, as the caller gave it.
    pub unit: u32,
    /// Members of the unit.
    pub headcount: u64,
    /// Members meeting the habit rule on `as_of`.
    pub habitual: u64,
    /// The weeks, oldest first.
    pub weeks: Vec<UnitWeek>,
    /// Members of the unit whose usage is known only by period records on some day: the weeks
    /// and the habit count the days events and day records give, so they may fall short for
    /// these members (the KPI report marks such figures not measurable).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub partial_members: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One unit in one ISO week.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitWeek {
    /// The week's Monday.
    pub week_start: NaiveDate,
    /// Distinct members with a usage day in the week.
    pub active: u64,
    /// Minutes in the week, in hundredths.
    pub minutes_centi: u64,
}

/// Per unit: distinct active members and minutes in each ISO week of the aggregate's series, and
/// members meeting `habit` on `as_of`. Member `m` belongs to unit `unit_of[m]`, one of `0..units`;
/// members beyond `unit_of` are left out.
///
/// ```
/// use teichaku_metrics::{AggregateSpec, EventStoreBuilder, UsageAggregate, unit_weekly_activity};
/// use teichaku_model::{HabitRule, UtcOffset};
/// let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 8, d).expect("a date");
/// let mut b = EventStoreBuilder::with_members(Default::default(), 2, UtcOffset::UTC);
/// for d in [3, 4, 5, 6] {
///     b.push_local(0, day(d), 9 * 3_600_000, 500)?; // member 0: four days, 5 minutes each
/// }
/// b.push_local(1, day(4), 0, 100)?;
/// let store = b.finish()?;
/// let spec = AggregateSpec::core(day(9), 2, 1);
/// let agg = UsageAggregate::compute(&store, &spec, 0..store.len());
/// let units = unit_weekly_activity(&agg, &[0, 0], 1, HabitRule::DaysInWindow { days: 4, window: 7 });
/// assert_eq!(units[0].weeks[0].active, 2);
/// assert_eq!(units[0].weeks[0].minutes_centi, 2_100);
/// assert_eq!(units[0].habitual, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn unit_weekly_activity(
    agg: &UsageAggregate,
    unit_of: &[u32],
    units: usize,
    habit: HabitRule,
) -> Vec<UnitActivity> {
    let weeks = agg.series_weeks() as usize;
    let as_of = agg.as_of_day();
    let this_week = week_start(as_of);
    let mut active = vec![0u64; units * weeks];
    let mut minutes = vec![0u64; units * weeks];
    let mut headcount = vec![0u64; units];
    let mut habitual = vec![0u64; units];
    let mut partial = vec![0u64; units];
    // Each week as masks over the horizon words, built once for every member.
    let bounds: Vec<WindowMask> = (0..weeks as i32)
        .map(|w| {
            let start = this_week - 7 * w;
            let end = (start + 6).min(as_of);
            WindowMask::new(as_of - end, end - start + 1)
        })
        .collect();
    let habit_window = match habit {
        HabitRule::DaysInWindow { days, window } => Some((days, WindowMask::new(0, window as i32))),
        _ => None,
    };
    // When every window lies in the last 128 days (a 13-week series does), each member's days
    // are one `u128` and each window one mask over it.
    let recent_masks: Option<RecentMasks> = (|| {
        let mut weeks_masks = Vec::with_capacity(weeks);
        for w in 0..weeks as i32 {
            let start = this_week - 7 * w;
            let end = (start + 6).min(as_of);
            weeks_masks.push(recent_mask(as_of - end, as_of - start + 1)?);
        }
        let habit = match habit {
            HabitRule::DaysInWindow { days, window } => Some((days, recent_mask(0, window as i32)?)),
            _ => None,
        };
        Some(RecentMasks { weeks: weeks_masks, habit })
    })();
    for (m, &u) in unit_of.iter().enumerate().take(agg.member_count()) {
        let u = u as usize;
        if u >= units {
            continue;
        }
        let unit = u * weeks..(u + 1) * weeks;
        let (Some(unit_headcount), Some(unit_habitual), Some(unit_active), Some(unit_minutes), Some(member_minutes)) = (
            headcount.get_mut(u),
            habitual.get_mut(u),
            active.get_mut(unit.clone()),
            minutes.get_mut(unit),
            agg.week_minutes.get(m * weeks..(m + 1) * weeks),
        ) else {
            continue;
        };
        *unit_headcount += 1;
        if agg.periods.get(m).is_some_and(|p| p.iter().any(|p| p.active > 0)) {
            if let Some(slot) = partial.get_mut(u) {
                *slot += 1;
            }
        }
        let unit_weeks = unit_active.iter_mut().zip(unit_minutes.iter_mut()).zip(member_minutes);
        if let Some(RecentMasks { weeks: week_masks, habit: Some((days, habit_mask)) }) = &recent_masks {
            let recent = agg.recent_days(m);
            *unit_habitual += u64::from((recent & habit_mask).count_ones() >= *days);
            for (((active, minutes), &member), mask) in unit_weeks.zip(week_masks) {
                *active += u64::from(recent & mask != 0);
                *minutes += member;
            }
            continue;
        }
        let is = match &habit_window {
            Some((days, window)) => agg.count_in(m, window) >= *days,
            None => is_habitual(agg, m, 0, habit),
        };
        *unit_habitual += u64::from(is);
        for (((active, minutes), &member), window) in unit_weeks.zip(&bounds) {
            *active += u64::from(agg.any_in(m, window));
            *minutes += member;
        }
    }
    headcount
        .iter()
        .zip(&habitual)
        .enumerate()
        .map(|(u, (&headcount, &habitual))| {
            let unit = u * weeks..(u + 1) * weeks;
            let unit_active = active.get(unit.clone()).unwrap_or_default();
            let unit_minutes = minutes.get(unit).unwrap_or_default();
            UnitActivity {
                unit: u as u32,
                headcount,
                habitual,
                partial_members: partial.get(u).copied().unwrap_or(0),
                weeks: unit_active
                    .iter()
                    .zip(unit_minutes)
                    .enumerate()
                    .rev()
                    .map(|(w, (&active, &minutes_centi))| UnitWeek {
                        week_start: date_of(this_week - 7 * w as i32).unwrap_or_default(),
                        active,
                        minutes_centi,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The days `back` in `[lo, hi)` as a mask over the last 128 days; `None` past them.
fn recent_mask(lo: i32, hi: i32) -> Option<u128> {
    if lo < 0 || hi > 128 || lo > hi {
        return None;
    }
    let ones = |n: i32| if n >= 128 { u128::MAX } else { (1u128 << n) - 1 };
    Some(ones(hi) & !ones(lo))
}

/// The week windows and the habit window as masks over the last 128 days.
struct RecentMasks {
    weeks: Vec<u128>,
    habit: Option<(u32, u128)>,
}
