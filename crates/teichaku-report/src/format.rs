//! Text and numbers as the report writes them: escaped for HTML and SVG, rates as percentages
//! with one decimal, dates as `YYYY-MM-DD` in every language.

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

/// A rate (a fraction) as a percentage with one decimal: `0.2457` is `24.6%`.
pub(crate) fn pct(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// A number with at most one decimal, without a trailing `.0`: `3`, `2.5`.
pub(crate) fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

/// Whether a KPI is a share of a group, shown as a percentage.
pub(crate) fn is_rate(kpi: Kpi) -> bool {
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

/// A KPI's value with its unit: a percentage for a rate, days for a day count, else the number.
pub(crate) fn kpi_value(kpi: Kpi, value: f64, lang: Lang) -> String {
    if is_rate(kpi) {
        pct(value)
    } else if is_days(kpi) {
        days(value, lang)
    } else {
        num(value)
    }
}

/// A number of days: `1 day`, `21 days`, `21日`.
pub(crate) fn days(value: f64, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}日", num(value)),
        _ if num(value) == "1" => "1 day".to_owned(),
        _ => format!("{} days", num(value)),
    }
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
