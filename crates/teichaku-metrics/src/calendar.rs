//! Day numbers: local calendar days as `i32` counted from 1970-01-01, and ISO weeks over them.

use chrono::{Datelike, NaiveDate};

/// The day number of 1970-01-01 in chrono's count from the common era.
const EPOCH_FROM_CE: i32 = 719_163;

/// The day number of `date`: days since 1970-01-01.
pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - EPOCH_FROM_CE
}

/// The date of day number `day`; `None` beyond chrono's range.
pub(crate) fn date_of(day: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(day.checked_add(EPOCH_FROM_CE)?)
}

/// Days since the Monday of the ISO week holding `day` (0 for Monday, 6 for Sunday).
pub(crate) fn weekday_index(day: i32) -> i32 {
    // 1970-01-01 was a Thursday, index 3.
    (day + 3).rem_euclid(7)
}

/// The Monday of the ISO week holding `day`.
pub(crate) fn week_start(day: i32) -> i32 {
    day - weekday_index(day)
}

/// Whether `day` is a working day (Monday to Friday; no holiday calendar).
pub(crate) fn is_working_day(day: i32) -> bool {
    weekday_index(day) < 5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_weeks_start_on_monday() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap_or_default();
        assert_eq!(day_number(d), 20_668);
        assert_eq!(date_of(20_668), Some(d));
        assert_eq!(weekday_index(20_668), 0, "2026-08-03 is a Monday");
        assert_eq!(week_start(20_668 + 6), 20_668);
        assert_eq!(week_start(20_668 + 7), 20_675);
        assert!(is_working_day(20_668 + 4) && !is_working_day(20_668 + 5));
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1969, 12, 31).unwrap_or_default()), -1);
        assert_eq!(week_start(-1), -3, "1969-12-29 was a Monday");
    }
}
