//! Per-member questions over an aggregate: was the member active, habitual, on a streak.

use teichaku_model::HabitRule;

use crate::aggregate::{HORIZON_DAYS, UsageAggregate, WORDS};
use crate::calendar::{is_working_day, week_start, weekday_index};

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

/// The working days of the horizon ending on `as_of`, bit `back` for `as_of - back`, and the
/// Fridays among them: built once per computation and shared by every member's [`streaks`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct WorkingDays {
    working: [u64; WORDS],
    fridays: [u64; WORDS],
}

impl WorkingDays {
    /// The working days of the horizon ending on day number `as_of`.
    pub(crate) fn new(as_of: i32) -> Self {
        let (mut working, mut fridays) = ([0u64; WORDS], [0u64; WORDS]);
        for back in 0..HORIZON_DAYS {
            let (word, bit) = ((back / 64) as usize, 1 << (back % 64));
            let day = as_of - back;
            if let (Some(w), Some(f)) = (working.get_mut(word), fridays.get_mut(word)) {
                if is_working_day(day) {
                    *w |= bit;
                }
                if weekday_index(day) == 4 {
                    *f |= bit;
                }
            }
        }
        Self { working, fridays }
    }
}

/// The current and longest run of consecutive working days with use, within the horizon.
///
/// The current run ends on the last working day on or before `as_of`; weekends neither break nor
/// extend a run. Word by word: a day *continues* a run when it is a used working day, or a
/// weekend day after a used Friday; a run is a maximal stretch of continuing days and its length
/// is the number of used working days inside it. Giving a weekend the Friday's state (rather
/// than always continuing) joins the unused working days on both sides of it into one break, so
/// a long idle stretch is skipped in one step; and once no used working day is left in the
/// horizon, the rest is not read at all.
pub(crate) fn streaks(agg: &UsageAggregate, m: usize, working: &WorkingDays) -> (u32, u32) {
    let used = agg.days.get(m).copied().unwrap_or_default();
    let counted = word_by_word(used, working.working, |u, w| u & w);
    // The used Fridays, and each word with the used Fridays of the next (older) word's first two
    // days: a Saturday is one day newer than its Friday (bit one lower), a Sunday two.
    let fridays = word_by_word(counted, working.fridays, |c, f| c & f);
    let mut older_fridays = [0u64; WORDS];
    older_fridays.iter_mut().zip(fridays.iter().skip(1)).for_each(|(older, &f)| *older = f);
    let weekend =
        word_by_word(fridays, older_fridays, |this, older| (this >> 1 | older << 63) | (this >> 2 | older << 62));
    let weekend_off = word_by_word(weekend, working.working, |weekend, work| weekend & !work);
    let continues = word_by_word(counted, weekend_off, |c, w| c | w);
    // Words past the last one holding a used working day add nothing.
    let last = counted.iter().rposition(|&c| c != 0).map_or(0, |w| w + 1);
    let (mut current, mut current_open) = (0, true);
    let (mut run, mut longest) = (0u32, 0u32);
    for (&word_cont, &word_count) in continues.iter().zip(&counted).take(last) {
        let (mut cont, mut count) = (word_cont, word_count);
        let mut left = 64u32;
        while left > 0 {
            // The stretch that continues the run, then the breaking days after it.
            let ones = cont.trailing_ones().min(left);
            let mask = if ones == 64 { u64::MAX } else { (1u64 << ones) - 1 };
            run += (count & mask).count_ones();
            if current_open {
                current = run;
            }
            longest = longest.max(run);
            if ones == left {
                break;
            }
            let zeros = (cont >> ones).trailing_zeros().min(left - ones);
            run = 0;
            current_open = false;
            let shift = ones + zeros;
            (cont, count) = if shift >= 64 { (0, 0) } else { (cont >> shift, count >> shift) };
            left -= shift;
            if count == 0 {
                // The run was just broken and nothing in the rest of the word is used: the rest
                // cannot add to any run.
                break;
            }
        }
    }
    (current, longest)
}

/// `f` of the words of `a` and `b` at each position.
#[inline(always)]
fn word_by_word(a: [u64; WORDS], b: [u64; WORDS], f: impl Fn(u64, u64) -> u64) -> [u64; WORDS] {
    let mut out = a;
    out.iter_mut().zip(b).for_each(|(x, y)| *x = f(*x, y));
    out
}

/// The same as [`streaks`], day by day: the definition the word-wise version is tested against.
#[cfg(test)]
pub(crate) fn streaks_by_day(agg: &UsageAggregate, m: usize) -> (u32, u32) {
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::aggregate::AggregateSpec;

    /// Usage patterns that stress word boundaries, weekends and long runs.
    fn patterns() -> Vec<[u64; WORDS]> {
        let mut out = vec![[0; WORDS], [u64::MAX; WORDS], [0x5555_5555_5555_5555; WORDS]];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for density in [1u32, 2, 3, 5, 8] {
            for _ in 0..40 {
                out.push(std::array::from_fn(|_| {
                    (0..density).fold(u64::MAX, |acc, _| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        acc & x
                    })
                }));
            }
        }
        // Recent use only, the rest of the horizon idle (the common case after a launch), with
        // the boundary at every word.
        for k in 0..WORDS {
            let mut recent = out[3 + k];
            recent.iter_mut().skip(k + 1).for_each(|w| *w = 0);
            out.push(recent);
        }
        // Use every day but one weekday, at each position in the week (the other days' weekend
        // use must neither break nor extend a run).
        for skip in 0..7u64 {
            out.push(std::array::from_fn(|w| {
                (0..64u64).filter(|b| (w as u64 * 64 + b) % 7 != skip).fold(0, |a, b| a | 1 << b)
            }));
        }
        // A run crossing a word boundary, and one ending exactly on it.
        out.push([u64::MAX << 60, 0xff, 0, 0, 0, 0]);
        out.push([0, u64::MAX, 1, 0, 0, 0]);
        out
    }

    #[test]
    fn word_wise_streaks_agree_with_the_day_by_day_definition() {
        let pats = patterns();
        // Every weekday for as_of, so weekends fall on every bit offset.
        for offset in 0..7 {
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap_or_default() + chrono::Days::new(offset);
            let spec = AggregateSpec::core(as_of, pats.len(), 4);
            let mut agg = UsageAggregate::empty(&spec);
            agg.days.clone_from(&pats);
            let working = WorkingDays::new(agg.as_of_day());
            for m in 0..pats.len() {
                assert_eq!(streaks(&agg, m, &working), streaks_by_day(&agg, m), "pattern {m}, as_of {as_of}");
            }
        }
    }
}
