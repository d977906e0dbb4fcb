//! Per-member questions over an aggregate: was the member active, habitual, on a streak.

use teichaku_model::HabitRule;

use crate::aggregate::{HORIZON_DAYS, UsageAggregate};
use crate::calendar::{is_working_day, week_start};

/// Whether member `m` meets the habit rule on the day `back` days before `as_of`.
pub(crate) fn is_habitual(agg: &UsageAggregate, m: usize, back: i32, rule: HabitRule) -> bool {
    match rule {
        HabitRule::DaysInWindow { days, window } => agg.days_in(m, back, window as i32) >= days,
        HabitRule::WeeksInWindow { weeks, window } => {
            let end = agg.as_of_day() - back;
            let this_week = week_start(end);
            let active_weeks = (0..window as i32)
                .filter(|j| {
                    let start = this_week - 7 * j;
                    let last = (start + 6).min(end);
                    agg.days_in(m, agg.as_of_day() - last, last - start + 1) > 0
                })
                .count();
            active_weeks as u32 >= weeks
        }
        _ => false,
    }
}

/// The current and longest run of consecutive working days with use, within the horizon.
///
/// The current run ends on the last working day on or before `as_of`; weekends neither break nor
/// extend a run.
pub(crate) fn streaks(agg: &UsageAggregate, m: usize) -> (u32, u32) {
    let as_of = agg.as_of_day();
    let mut current = 0;
    let mut current_open = true;
    let mut run = 0;
    let mut longest = 0;
    for back in 0..HORIZON_DAYS {
        let day = as_of - back;
        if !is_working_day(day) {
            continue;
        }
        if agg.used(m, back) {
            run += 1;
            longest = longest.max(run);
            if current_open {
                current += 1;
            }
        } else {
            run = 0;
            current_open = false;
        }
    }
    (current, longest)
}
