//! Numbers as every report writes them: rates as percentages with one decimal, days, hours and
//! minutes with their units (`1 day`, `2 days`, `2日`), rounded the one way (half away from
//! zero, so 22.625 is `22.63` everywhere); text escaped for HTML and SVG, padded by display
//! width for text tables. Dates are `YYYY-MM-DD` in every language.
//!
//! ```
//! use teichaku::model::{Kpi, Lang};
//! use teichaku_report::format::{fixed, kpi_value, percent};
//! assert_eq!(percent(0.2457), "24.6%");
//! assert_eq!(fixed(22.625, 2), "22.63");
//! assert_eq!(kpi_value(Kpi::DaysSinceRuleReview, 1.0, Lang::En), "1 day");
//! assert_eq!(kpi_value(Kpi::DaysSinceRuleReview, 88.0, Lang::Ja), "88日");
//! ```

use std::fmt::Write as _;

use teichaku::model::{Kpi, Lang};

/// `s` as HTML or SVG text or attribute value: `&`, `<`, `>`, `"` and `'` as character
/// references; control characters, the Unicode line and paragraph separators and the
/// bidirectional overrides shown as `\u{..}`, so a name from a document can neither end an
/// element or an attribute nor reorder what is shown.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` must not be written as it is: a control character, a Unicode line or paragraph
/// separator, or a bidirectional override.
pub(crate) fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `value` with `places` decimals, rounded half away from zero (`22.625` is `22.63`, where
/// Rust's own formatting would give `22.62`), and never `-0.0`.
///
/// ```
/// assert_eq!(teichaku_report::format::fixed(22.625, 2), "22.63");
/// assert_eq!(teichaku_report::format::fixed(-0.04, 1), "0.0");
/// ```
#[must_use]
pub fn fixed(value: f64, places: usize) -> String {
    let scale = 10f64.powi(i32::try_from(places).unwrap_or(0));
    // The decimal the value is written as, then rounded: 22.625 × 100 is 2262.5 exactly, while
    // 1.005 × 100 is 100.49999…, so the scaled value is first taken to 9 significant decimals.
    let scaled = format!("{:.9}", value * scale).parse::<f64>().unwrap_or(value * scale).round();
    let rounded = scaled / scale;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    format!("{rounded:.places$}")
}

/// A rate (a fraction) as a percentage with one decimal: `0.2457` is `24.6%`.
///
/// ```
/// assert_eq!(teichaku_report::format::percent(0.5), "50.0%");
/// ```
#[must_use]
pub fn percent(rate: f64) -> String {
    format!("{}%", fixed(rate * 100.0, 1))
}

pub(crate) fn pct(rate: f64) -> String {
    percent(rate)
}

/// A number with at most one decimal, without a trailing `.0`: `3`, `2.5`.
///
/// ```
/// assert_eq!(teichaku_report::format::num(3.0), "3");
/// assert_eq!(teichaku_report::format::num(2.46), "2.5");
/// ```
#[must_use]
pub fn num(value: f64) -> String {
    let one = fixed(value, 1);
    one.strip_suffix(".0").map_or_else(|| one.clone(), str::to_owned)
}

/// Whether a KPI is a share of a group, shown as a percentage.
///
/// ```
/// use teichaku::model::Kpi;
/// assert!(teichaku_report::format::is_rate(Kpi::HabitRate));
/// assert!(!teichaku_report::format::is_rate(Kpi::TimeSavedHours));
/// ```
#[must_use]
pub fn is_rate(kpi: Kpi) -> bool {
    matches!(
        kpi,
        Kpi::WeeklyActiveRate
            | Kpi::MonthlyActiveRate
            | Kpi::HabitRate
            | Kpi::ReturningRate
            | Kpi::LapsedShare
            | Kpi::NeverShare
            | Kpi::ExecutiveActiveShare
            | Kpi::NonUserShareAnxious
            | Kpi::NonUserShareSkeptical
            | Kpi::NonUserShareUninterested
            | Kpi::ImplementationRate
            | Kpi::TrainedShare
    )
}

/// Whether a KPI counts days.
fn is_days(kpi: Kpi) -> bool {
    matches!(
        kpi,
        Kpi::DaysSinceExecutiveUse
            | Kpi::MedianDaysToResolve
            | Kpi::DaysSinceRuleReview
            | Kpi::DaysSinceSuccessCase
            | Kpi::DaysSinceLaunch
    )
}

/// A KPI's value with its unit: a percentage for a rate, days for a day count, hours and
/// minutes for time, else the number with at most one decimal.
///
/// ```
/// use teichaku::model::{Kpi, Lang};
/// use teichaku_report::format::kpi_value;
/// assert_eq!(kpi_value(Kpi::HabitRate, 0.25, Lang::Ja), "25.0%");
/// assert_eq!(kpi_value(Kpi::TimeSavedHours, 1030.42, Lang::Ja), "1030.4時間");
/// assert_eq!(kpi_value(Kpi::MinutesPerActiveMember, 12.0, Lang::En), "12 min");
/// assert_eq!(kpi_value(Kpi::SuccessCasesComplete, 4.0, Lang::En), "4");
/// ```
#[must_use]
pub fn kpi_value(kpi: Kpi, value: f64, lang: Lang) -> String {
    if is_rate(kpi) {
        pct(value)
    } else if is_days(kpi) {
        days(value, lang)
    } else if kpi == Kpi::TimeSavedHours {
        hours(value, lang)
    } else if kpi == Kpi::MinutesPerActiveMember {
        minutes(value, lang)
    } else {
        num(value)
    }
}

/// How far a KPI is from its target, with its unit: percentage points for a rate (`15.0 pt`,
/// `15.0ポイント`), else as [`kpi_value`] writes it.
///
/// ```
/// use teichaku::model::{Kpi, Lang};
/// assert_eq!(teichaku_report::format::kpi_gap(Kpi::HabitRate, 0.15, Lang::En), "15.0 pt");
/// assert_eq!(teichaku_report::format::kpi_gap(Kpi::DaysSinceSuccessCase, 7.0, Lang::Ja), "7日");
/// ```
#[must_use]
pub fn kpi_gap(kpi: Kpi, gap: f64, lang: Lang) -> String {
    if is_rate(kpi) { points(gap * 100.0, lang) } else { kpi_value(kpi, gap, lang) }
}

/// Percentage points with one decimal: `15.0 pt`, `15.0ポイント`.
///
/// ```
/// use teichaku::model::Lang;
/// assert_eq!(teichaku_report::format::points(-3.25, Lang::Ja), "-3.3ポイント");
/// ```
#[must_use]
pub fn points(value: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}ポイント", fixed(value, 1)),
        _ => format!("{} pt", fixed(value, 1)),
    }
}

/// A number of days: `1 day`, `21 days`, `21日`.
///
/// ```
/// use teichaku::model::Lang;
/// use teichaku_report::format::days;
/// assert_eq!((days(1.0, Lang::En), days(2.0, Lang::En), days(2.0, Lang::Ja)), ("1 day".into(), "2 days".into(), "2日".into()));
/// ```
#[must_use]
pub fn days(value: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}日", num(value)),
        _ if num(value) == "1" => "1 day".to_owned(),
        _ => format!("{} days", num(value)),
    }
}

/// Hours with one decimal: `3.5 h`, `3.5時間`.
///
/// ```
/// use teichaku::model::Lang;
/// assert_eq!(teichaku_report::format::hours(1030.42, Lang::En), "1030.4 h");
/// ```
#[must_use]
pub fn hours(value: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}時間", fixed(value, 1)),
        _ => format!("{} h", fixed(value, 1)),
    }
}

/// Whole minutes: `45 min`, `45分`.
///
/// ```
/// use teichaku::model::Lang;
/// assert_eq!(teichaku_report::format::minutes(44.6, Lang::Ja), "45分");
/// ```
#[must_use]
pub fn minutes(value: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}分", fixed(value, 0)),
        _ => format!("{} min", fixed(value, 0)),
    }
}

/// A count with its noun, singular or plural in English: `1 unit`, `4 units`; Japanese counts
/// take the counter given (`4部署`).
///
/// ```
/// use teichaku::model::Lang;
/// use teichaku_report::format::count;
/// assert_eq!(count(1, "event", "events", "件", Lang::En), "1 event");
/// assert_eq!(count(2, "event", "events", "件", Lang::En), "2 events");
/// assert_eq!(count(2, "event", "events", "件", Lang::Ja), "2件");
/// ```
#[must_use]
pub fn count(n: u64, one: &str, many: &str, counter: &str, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{n}{counter}"),
        _ if n == 1 => format!("1 {one}"),
        _ => format!("{n} {many}"),
    }
}

/// The columns `s` takes in a terminal: two for each wide (East Asian) character.
///
/// ```
/// assert_eq!(teichaku_report::format::width("全社 ab"), 7);
/// ```
#[must_use]
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` padded with spaces after it to `columns` display columns (left-aligned).
///
/// ```
/// assert_eq!(teichaku_report::format::pad_right("全社", 6), "全社  ");
/// ```
#[must_use]
pub fn pad_right(s: &str, columns: usize) -> String {
    format!("{s}{}", " ".repeat(columns.saturating_sub(width(s))))
}

/// `s` padded with spaces before it to `columns` display columns (right-aligned).
///
/// ```
/// assert_eq!(teichaku_report::format::pad_left("非表示", 8), "  非表示");
/// ```
#[must_use]
pub fn pad_left(s: &str, columns: usize) -> String {
    format!("{}{s}", " ".repeat(columns.saturating_sub(width(s))))
}

/// `s` cut to at most `columns` display columns, whole characters only.
pub(crate) fn cut(s: &str, columns: usize) -> String {
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            used <= columns
        })
        .collect()
}

/// `s` cut to about `width` columns (a wide character counts two) with `…` when cut.
pub(crate) fn truncate(s: &str, width: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    let total: usize = s.chars().map(columns).sum();
    if total <= width {
        return s.to_owned();
    }
    for c in s.chars() {
        let w = columns(c);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// The columns a character takes: two for East Asian wide and full-width characters.
pub(crate) fn columns(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0x33ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f | 0xff00..=0xff60
        | 0xffe0..=0xffe6 | 0x20000..=0x3fffd);
    if wide { 2 } else { 1 }
}

/// A coordinate with at most one decimal, as the charts write them.
pub(crate) fn coord(v: f64) -> String {
    num(v)
}
