//! What coarse usage records settle: bounds on a member's usage days in a window from their
//! period records, and which of a member's figures the data cannot give.
//!
//! A period record says on how many of its days a member used AI, not on which. Over a window of
//! days, a period with `a` active days, `o` of its days inside the window and `r` outside, gives
//! at least `max(0, a - r)` and at most `min(a, o)` usage days in the window. A question about
//! the window ("any day?", "at least 4 days?") is settled when both bounds give the same answer,
//! and not measurable otherwise: never guessed.
//!
//! Unknown days (a period whose active days are [`NO_COUNT`], from an unknown-days record) are
//! a period of which any number of days, from none to all, may have had use: at least 0 and at
//! most `o` usage days in the window.

use crate::aggregate::PeriodSpan;
use crate::store::NO_COUNT;

/// The member's usage in the trailing 7 days is not settled.
pub(crate) const ACTIVE_7: u16 = 1;
/// ... in the trailing 28 days.
pub(crate) const ACTIVE_28: u16 = 1 << 1;
/// ... in the 7 days before the trailing 7.
pub(crate) const PREVIOUS_7: u16 = 1 << 2;
/// Whether the member meets the habit rule.
pub(crate) const HABIT: u16 = 1 << 3;
/// The member's segment.
pub(crate) const SEGMENT: u16 = 1 << 4;
/// The member's working-day streaks.
pub(crate) const STREAK: u16 = 1 << 5;
/// The member's uses in the trailing 7 days, or their usage days there.
pub(crate) const INTENSITY: u16 = 1 << 6;
/// The member's minutes in the trailing 7 days.
pub(crate) const MINUTES: u16 = 1 << 7;
/// The tasks and tools the member used in the trailing 28 days.
pub(crate) const BREADTH: u16 = 1 << 8;
/// The member's first and last day of use.
pub(crate) const FIRST_LAST_USE: u16 = 1 << 9;
/// The member's cohort transition.
pub(crate) const COHORT: u16 = 1 << 10;

/// How many flags there are.
pub(crate) const FLAGS: usize = 11;

/// The least and most usage days the periods give in the days `from..=to`.
pub(crate) fn bounds(periods: &[PeriodSpan], from: i32, to: i32) -> (u32, u32) {
    let (mut lo, mut hi) = (0u32, 0u32);
    for p in periods {
        let inside = (i64::from(p.last.min(to)) - i64::from(p.first.max(from)) + 1).max(0);
        let outside = i64::from(p.last) - i64::from(p.first) + 1 - inside;
        if p.active == NO_COUNT {
            hi += inside as u32;
            continue;
        }
        let active = i64::from(p.active);
        lo += (active - outside).max(0) as u32;
        hi += active.min(inside) as u32;
    }
    (lo, hi)
}

/// Whether some day had use, given the least and most usage days: `None` when not settled.
pub(crate) fn any((lo, hi): (u32, u32)) -> Option<bool> {
    if lo >= 1 {
        Some(true)
    } else if hi == 0 {
        Some(false)
    } else {
        None
    }
}

/// Whether at least `k` days had use: `None` when not settled.
pub(crate) fn at_least((lo, hi): (u32, u32), k: u32) -> Option<bool> {
    if lo >= k {
        Some(true)
    } else if hi < k {
        Some(false)
    } else {
        None
    }
}

/// Whether some period with use shares a day with `from..=to`.
pub(crate) fn touches(periods: &[PeriodSpan], from: i32, to: i32) -> bool {
    periods.iter().any(|p| p.active > 0 && p.first <= to && p.last >= from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(first: i32, last: i32, active: u32) -> PeriodSpan {
        PeriodSpan { first, last, active, count: 0, minutes: 0 }
    }

    #[test]
    fn a_period_inside_the_window_gives_its_active_days_exactly() {
        assert_eq!(bounds(&[span(10, 16, 4)], 10, 16), (4, 4));
        assert_eq!(bounds(&[span(10, 16, 4)], 0, 100), (4, 4));
    }

    #[test]
    fn a_period_straddling_the_window_gives_bounds() {
        // A 30-day month with 12 active days, 7 of its days in the window: 0 to 7.
        assert_eq!(bounds(&[span(0, 29, 12)], 23, 29), (0, 7));
        // 25 active days of 30: at least 2 in any 7 of its days.
        assert_eq!(bounds(&[span(0, 29, 25)], 23, 29), (2, 7));
        assert_eq!(any((0, 7)), None);
        assert_eq!(any((2, 7)), Some(true));
        assert_eq!(any(bounds(&[span(0, 29, 0)], 23, 29)), Some(false));
        assert_eq!(at_least((2, 7), 4), None);
        assert_eq!(at_least((2, 3), 4), Some(false));
        assert_eq!(bounds(&[span(0, 29, 12)], 40, 50), (0, 0));
    }

    #[test]
    fn unknown_days_give_from_none_to_all_of_their_days_in_the_window() {
        // Unknown days 0..=9: a window of 7 holding 3 of them may have had 0 to 3 usage days.
        assert_eq!(bounds(&[span(0, 9, NO_COUNT)], 7, 13), (0, 3));
        assert_eq!(any(bounds(&[span(0, 9, NO_COUNT)], 7, 13)), None);
        assert_eq!(bounds(&[span(0, 9, NO_COUNT)], 10, 16), (0, 0));
        assert!(touches(&[span(0, 9, NO_COUNT)], 9, 9));
    }
}
