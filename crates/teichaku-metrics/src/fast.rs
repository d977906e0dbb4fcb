//! Fast paths for the fixed-width forms of usage event fields: canonical UUIDs, RFC 3339
//! timestamps with `Z` or an offset, and minutes with at most two decimals.
//!
//! Each returns `None` for anything outside its narrow form, and the caller then reads the field
//! with the general parser: a fast path never rejects what the general one accepts, and what it
//! accepts it reads to exactly the same value (the reader's tests compare the two).

use crate::store::MAX_EVENT_MINUTES;

/// A byte of ones in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of a word.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The value of 8 ASCII hex digits (either case) packed little-endian in `x`, the first digit
/// most significant; `None` if any byte is not a hex digit. Each byte is checked and converted
/// at once with word arithmetic (no byte carries into the next, as every byte is below 0x80
/// when checked).
#[inline]
fn hex8(x: u64) -> Option<u32> {
    if x & HIGH != 0 {
        return None;
    }
    // The high bit of each byte set where the byte is at least the constant.
    let at_least = |x: u64, c: u64| (x + (0x80 - c) * ONES) & HIGH;
    let digit = at_least(x, 0x30) & !at_least(x, 0x3a);
    let lower = x | (0x20 * ONES);
    let letter = at_least(lower, 0x61) & !at_least(lower, 0x67);
    if digit | letter != HIGH {
        return None;
    }
    // '0'..'9' are 0x30..0x39 and 'a'..'f' / 'A'..'F' 0x61.. / 0x41..: the low nibble, plus 9
    // for letters (bit 6).
    let v = (x & (0x0f * ONES)) + ((x >> 6) & ONES) * 9;
    // Pairs of digits into bytes (even bytes), then the four bytes in reading order.
    let p = ((v << 4) | (v >> 8)) & 0x00ff_00ff_00ff_00ff;
    Some((((p & 0xff) << 24) | ((p >> 16 & 0xff) << 16) | ((p >> 32 & 0xff) << 8) | (p >> 48 & 0xff)) as u32)
}

/// Four bytes as the low half of a little-endian word.
#[inline]
fn word4(b: [u8; 4]) -> u64 {
    u64::from(u32::from_le_bytes(b))
}

/// A UUID in its canonical hyphenated form (`8-4-4-4-12` hex digits, either case), as a number.
#[inline]
pub(crate) fn uuid(text: &[u8]) -> Option<u128> {
    let [
        a0,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        b'-',
        b0,
        b1,
        b2,
        b3,
        b'-',
        c0,
        c1,
        c2,
        c3,
        b'-',
        d0,
        d1,
        d2,
        d3,
        b'-',
        e0,
        e1,
        e2,
        e3,
        e4,
        e5,
        e6,
        e7,
        e8,
        e9,
        e10,
        e11,
    ] = *text
    else {
        return None;
    };
    let groups = [
        hex8(u64::from_le_bytes([a0, a1, a2, a3, a4, a5, a6, a7]))?,
        hex8(word4([b0, b1, b2, b3]) | (word4([c0, c1, c2, c3]) << 32))?,
        hex8(word4([d0, d1, d2, d3]) | (word4([e0, e1, e2, e3]) << 32))?,
        hex8(u64::from_le_bytes([e4, e5, e6, e7, e8, e9, e10, e11]))?,
    ];
    Some(groups.iter().fold(0u128, |value, &group| (value << 32) | u128::from(group)))
}

/// The value of `n` ASCII digits at the start of `text`.
#[inline]
fn digits(text: &[u8]) -> Option<u32> {
    let mut value = 0u32;
    for &b in text {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Some(value)
}

/// A timestamp `YYYY-MM-DDTHH:MM:SS[.fraction]` ending in `Z` or `±HH:MM`, read in an
/// organisation `offset_seconds` east of UTC: its local day number (days since 1970-01-01) and
/// milliseconds into that day. `None` for any other form (a space or lower-case separator, a leap
/// second, no offset, more than nine fraction digits), which the general parser reads.
#[inline]
pub(crate) fn timestamp(text: &[u8], offset_seconds: i64) -> Option<(i32, u32)> {
    let (head, rest) = text.split_at_checked(19)?;
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1] = *head else {
        return None;
    };
    let year = digits(&[y0, y1, y2, y3])?;
    let month = digits(&[m0, m1])?;
    let day = digits(&[d0, d1])?;
    let (hour, minute, second) = (digits(&[h0, h1])?, digits(&[i0, i1])?, digits(&[s0, s1])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let (nanos, zone) = match rest.first() {
        Some(b'.') => {
            let fraction = rest.get(1..)?;
            let n = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if !(1..=9).contains(&n) {
                return None;
            }
            let (fraction, zone) = fraction.split_at_checked(n)?;
            let mut nanos = digits(fraction)?;
            for _ in n..9 {
                nanos *= 10;
            }
            (nanos, zone)
        }
        _ => (0, rest),
    };
    let zone_seconds = match *zone {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), oh0, oh1, b':', om0, om1] => {
            let (oh, om) = (digits(&[oh0, oh1])?, digits(&[om0, om1])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let seconds = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let days = days_since_epoch(year, month, day)?;
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - zone_seconds + offset_seconds;
    let local_day = i32::try_from(local.div_euclid(86_400)).ok()?;
    let millis = u32::try_from(local.rem_euclid(86_400)).ok()? * 1000 + nanos / 1_000_000;
    Some((local_day, millis.min(86_399_999)))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year 0 to 9999), `None`
/// when there is no such day (a month past 12, a day past the month's end); the civil-from-days
/// inverse of Howard Hinnant's `days_from_civil`.
#[inline]
fn days_since_epoch(year: u32, month: u32, day: u32) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > length {
        return None;
    }
    // Years start in March, so the leap day ends the year.
    let (year, month) = if month <= 2 { (i64::from(year) - 1, month + 9) } else { (i64::from(year), month - 3) };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * i64::from(month) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

/// Minutes written as up to seven digits with at most two decimals, in hundredths, when within
/// [`MAX_EVENT_MINUTES`]; `None` for any other form (a sign, an exponent, blanks, more decimals).
#[inline]
pub(crate) fn centi(text: &[u8]) -> Option<u32> {
    // A byte loop rather than `memchr`: the text is a few bytes, shorter than the call.
    let (whole, fraction) = match text.iter().position(|&b| b == b'.') {
        Some(dot) => (text.get(..dot)?, text.get(dot + 1..)?),
        None => (text, &[][..]),
    };
    if whole.is_empty() || whole.len() > 7 || fraction.len() > 2 || (fraction.is_empty() && whole.len() < text.len()) {
        return None;
    }
    let mut value = digits(whole)? * 100;
    match *fraction {
        [] => {}
        [a] => value += digits(&[a])? * 10,
        [a, b] => value += digits(&[a, b])?,
        _ => return None,
    }
    (f64::from(value) <= MAX_EVENT_MINUTES * 100.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};
    use teichaku_model::{MemberId, Timestamp, UtcOffset};

    /// What the general path makes of a timestamp: the local day and milliseconds.
    fn general(text: &str, offset: UtcOffset) -> Option<(i32, u32)> {
        let at = Timestamp::from(text).resolve(offset).ok()?;
        let local = at.with_timezone(&offset.to_fixed_offset()).naive_local();
        let millis = local.time().num_seconds_from_midnight() * 1000 + local.time().nanosecond() / 1_000_000;
        Some((local.date().num_days_from_ce() - EPOCH_FROM_CE, millis.min(86_399_999)))
    }

    #[test]
    fn timestamps_read_as_the_general_parser_reads_them() {
        let texts = [
            "2026-08-03T09:00:00Z",
            "2026-08-03T23:59:59.999Z",
            "2026-08-03T00:00:00.1+09:00",
            "2026-08-03T00:30:00.123456789-05:30",
            "2024-02-29T12:00:00+14:00",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00+23:59",
        ];
        for offset in [0, 540, -600, 840, -840] {
            let offset = UtcOffset::from_minutes(offset).unwrap();
            for text in texts {
                assert_eq!(
                    timestamp(text.as_bytes(), i64::from(offset.minutes()) * 60),
                    general(text, offset),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn other_forms_are_left_to_the_general_parser() {
        for text in [
            "2026-08-03 09:00:00Z",
            "2026-08-03t09:00:00Z",
            "2026-08-03T09:00:00z",
            "2026-08-03T09:00:00",
            "2026-08-03T09:00:60Z",
            "2026-02-30T09:00:00Z",
            "2026-08-03T24:00:00Z",
            "2026-08-03T09:00:00.Z",
            "2026-08-03T09:00:00.1234567891Z",
            "2026-08-03T09:00:00+0900",
            " 2026-08-03T09:00:00Z",
            "2026-08-03T09:00:00Z ",
            "yesterday",
        ] {
            assert_eq!(timestamp(text.as_bytes(), 0), None, "{text}");
        }
    }

    /// The day number of 1970-01-01 in chrono's count from the common era.
    const EPOCH_FROM_CE: i32 = 719_163;

    #[test]
    fn every_day_from_year_0_to_9999_is_counted_as_chrono_counts_it() {
        let mut date = chrono::NaiveDate::from_ymd_opt(0, 1, 1).unwrap();
        let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        while date <= last {
            let (y, m, d) = (date.year() as u32, date.month(), date.day());
            let expected = i64::from(date.num_days_from_ce() - EPOCH_FROM_CE);
            assert_eq!(days_since_epoch(y, m, d), Some(expected), "{date}");
            // The day after the month's last is no day.
            if date.succ_opt().is_none_or(|next| next.month() != m) {
                assert_eq!(days_since_epoch(y, m, d + 1), None, "{date} + 1");
            }
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [(2026, 0, 1), (2026, 13, 1), (2026, 1, 0), (2026, 2, 29), (1900, 2, 29), (2026, 4, 31)] {
            assert_eq!(days_since_epoch(y, m, d), None, "{y}-{m}-{d}");
        }
        assert!(days_since_epoch(2000, 2, 29).is_some() && days_since_epoch(2024, 2, 29).is_some());
    }

    #[test]
    fn every_byte_is_a_hex_digit_or_refused_in_every_position() {
        for position in 0..8 {
            for byte in 0..=255u8 {
                let mut digits = *b"01234567";
                digits[position] = byte;
                let expected = std::str::from_utf8(&digits).ok().and_then(|t| {
                    t.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(t, 16).ok()).flatten()
                });
                assert_eq!(hex8(u64::from_le_bytes(digits)), expected, "{digits:?}");
            }
        }
        assert_eq!(hex8(u64::from_le_bytes(*b"deadBEEF")), Some(0xdead_beef));
        assert_eq!(hex8(u64::from_le_bytes(*b"ffffffff")), Some(u32::MAX));
    }

    #[test]
    fn uuids_in_canonical_form_only() {
        let id = "0190a6f2-7c3e-4b1a-9d2e-5f6a7b8c9d0e";
        let parsed: MemberId = id.parse().unwrap();
        assert_eq!(uuid(id.as_bytes()).map(MemberId::from_u128), Some(parsed));
        assert_eq!(uuid(id.to_uppercase().as_bytes()).map(MemberId::from_u128), Some(parsed));
        for other in [
            "0190a6f27c3e4b1a9d2e5f6a7b8c9d0e",
            "{0190a6f2-7c3e-4b1a-9d2e-5f6a7b8c9d0e}",
            "0190a6f2-7c3e-4b1a-9d2e-5f6a7b8c9d0g",
            "0190a6f2+7c3e-4b1a-9d2e-5f6a7b8c9d0e",
            "E123",
        ] {
            assert_eq!(uuid(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn minutes_read_as_the_general_parser_reads_them() {
        let general = |text: &str| {
            text.parse::<f64>()
                .ok()
                .filter(|m| (0.0..=MAX_EVENT_MINUTES).contains(m))
                .map(|m| (m * 100.0).round() as u32)
        };
        for text in ["0", "12", "12.5", "12.34", "0.01", "0.15", "0.29", "43200", "007", "9999.99"] {
            assert_eq!(centi(text.as_bytes()), general(text), "{text}");
            assert!(centi(text.as_bytes()).is_some(), "{text} takes the fast path");
        }
        for text in ["1.005", "43200.01", "1e3", "-1", "+1", "1.", ".5", " 1", "", "12345678", "1.2.3"] {
            assert_eq!(centi(text.as_bytes()), None, "{text} is left to the general parser");
        }
        // Every value in hundredths up to 100 minutes, both ways.
        for v in 0..10_000u32 {
            let text = format!("{}.{:02}", v / 100, v % 100);
            assert_eq!(centi(text.as_bytes()), Some(v));
            assert_eq!(general(&text), Some(v), "{text}");
        }
    }
}
