//! Unit tests of the small pure helpers: escaping, numbers, truncation, and the charts' handling
//! of withheld figures.

use chrono::NaiveDate;
use teichaku::metrics::{Figure, Rate, WeekFigures};
use teichaku::model::{Kpi, Lang};

use crate::format::{esc, kpi_value, num, pct, truncate};
use crate::svg::{BarRow, bars, trend};

#[test]
fn text_is_escaped_for_html_and_svg() {
    assert_eq!(esc(r#"<a href="x">'R&D'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;R&amp;D&#39;&lt;/a&gt;");
    assert_eq!(esc("a\nb\u{202e}c"), "a\\u{a}b\\u{202e}c");
    assert_eq!(esc("営業部"), "営業部");
}

#[test]
fn numbers_read_the_same_everywhere() {
    assert_eq!(pct(0.245_762_7), "24.6%");
    assert_eq!(pct(1.0), "100.0%");
    assert_eq!(num(10.0), "10");
    assert_eq!(num(12.288), "12.3");
    assert_eq!(kpi_value(Kpi::HabitRate, 0.5, Lang::En), "50.0%");
    assert_eq!(kpi_value(Kpi::DaysSinceRuleReview, 1.0, Lang::En), "1 day");
    assert_eq!(kpi_value(Kpi::DaysSinceRuleReview, 88.0, Lang::En), "88 days");
    assert_eq!(kpi_value(Kpi::DaysSinceRuleReview, 88.0, Lang::Ja), "88日");
}

#[test]
fn truncation_counts_wide_characters_twice() {
    assert_eq!(truncate("Sales", 10), "Sales");
    assert_eq!(truncate("Customer support", 10), "Customer…");
    assert_eq!(truncate("カスタマーサポート部", 10), "カスタマ…");
}

#[test]
fn a_withheld_bar_has_a_track_and_no_fill() {
    let row = |share| BarRow {
        label: "x".into(),
        tooltip: "x".into(),
        track: 0.5,
        share,
        mark: None,
        note: "n".into(),
        class: "c",
    };
    let mut out = String::new();
    bars(&mut out, "id", "label", &[row(None)], 100.0);
    assert_eq!(out.matches("class=\"track\"").count(), 1);
    assert_eq!(out.matches("class=\"fill\"").count(), 0);
    let mut out = String::new();
    bars(&mut out, "id", "label", &[row(Some(0.5))], 100.0);
    // The track is half of the longest (700 − 108 − 250 = 342), the fill half of that.
    assert!(out.contains("<rect class=\"track\" x=\"108\" y=\"6\" width=\"171\" height=\"14\"/>"), "{out}");
    assert!(out.contains("<rect class=\"fill\" x=\"108\" y=\"6\" width=\"85.5\" height=\"14\"/>"), "{out}");
}

fn week(day: u32, weekly: Figure<Rate>, habit: Figure<Rate>) -> WeekFigures {
    let until = NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
    serde_json::from_value(serde_json::json!({
        "week_start": until - chrono::Days::new(6),
        "until": until,
        "weekly_active": weekly,
        "habit": habit,
        "minutes": null,
    }))
    .unwrap()
}

#[test]
fn a_withheld_week_is_a_gap_and_writes_no_coordinate() {
    let rate = |n, d| Figure::Value(Rate::new(n, d).unwrap());
    // Newest first, as the KPI report gives them: the middle week is withheld.
    let weeks = [
        week(25, rate(3, 10), rate(1, 10)),
        week(18, Figure::Suppressed, Figure::Suppressed),
        week(11, rate(5, 10), rate(2, 10)),
    ];
    let mut out = String::new();
    trend(&mut out, "Unit", Some(&weeks), &[], Lang::En);
    // Two points per line, each line broken into two moves.
    assert_eq!(out.matches("<circle").count(), 4, "{out}");
    assert_eq!(out.matches("<path class=\"line weekly\" d=\"M").count(), 1);
    let weekly = out.split("<path class=\"line weekly\" d=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(weekly.matches('M').count(), 2, "{weekly}");
    assert!(!weekly.contains('L'), "{weekly}");
    assert!(!out.contains("10-18"), "the withheld week's dates appear in no tooltip");
    let mut out = String::new();
    trend(&mut out, "Unit", None, &[], Lang::Ja);
    assert!(out.contains(">非表示<"));
    assert!(!out.contains("<circle"));
}
