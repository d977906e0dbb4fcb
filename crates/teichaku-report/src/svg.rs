//! The charts, each a small function writing one SVG element (or a few) as text.
//!
//! Every chart has an `id` and an `aria-label`, a `viewBox` no wider than [`WIDTH`] (the printed
//! page's width at 96 dpi less its margins), and scales down with the page. Text from documents
//! goes through [`esc`]; a withheld figure is never written, not even as a coordinate.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use teichaku::metrics::{Figure, Rate, WeekFigures};
use teichaku::model::Lang;

use crate::format::{coord, esc, truncate};
use crate::schedule::{BarStatus, Row};
use crate::words::{t, wave, withheld};

/// The width of every chart, in SVG units (pixels at 96 dpi): A4's 210 mm less 2 × 12 mm margins.
pub(crate) const WIDTH: f64 = 700.0;

/// Opens an `<svg>` of `height` with an id and an accessible name.
pub(crate) fn open(out: &mut String, id: Option<&str>, class: &str, width: f64, height: f64, label: &str) {
    let id = id.map(|id| format!(" id=\"{id}\"")).unwrap_or_default();
    let _ = writeln!(
        out,
        "<svg{id} class=\"{class}\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
        coord(width),
        coord(height),
        coord(width),
        coord(height),
        esc(label)
    );
}

/// One row of a horizontal bar chart: a label, a track of `track` units, and a fill of
/// `share` of it (none when withheld), with a note after it.
#[derive(Clone, Debug)]
pub(crate) struct BarRow {
    /// The label on the left.
    pub(crate) label: String,
    /// The full label, as the row's tooltip.
    pub(crate) tooltip: String,
    /// The track's length as a share of the longest, in `[0, 1]`.
    pub(crate) track: f64,
    /// The filled share of the track, in `[0, 1]`; `None` draws no fill (a withheld figure).
    pub(crate) share: Option<f64>,
    /// A mark on the track (the bar a gate passes at), as a share of it.
    pub(crate) mark: Option<f64>,
    /// The text after the track.
    pub(crate) note: String,
    /// The class of the row: its fill colour and emphasis.
    pub(crate) class: &'static str,
}

/// A horizontal bar chart of `rows`: labels in the first `label_width` units, tracks after.
pub(crate) fn bars(out: &mut String, id: &str, label: &str, rows: &[BarRow], label_width: f64) {
    let row_height = 22.0;
    let track_x = label_width + 8.0;
    let track_max = (WIDTH - track_x - 250.0).max(80.0);
    let height = row_height * rows.len() as f64 + 6.0;
    open(out, Some(id), "chart bars", WIDTH, height, label);
    for (i, r) in rows.iter().enumerate() {
        let y = 3.0 + row_height * i as f64;
        let track = track_max * r.track.clamp(0.0, 1.0);
        let _ = writeln!(out, "<g class=\"row {}\"><title>{}</title>", r.class, esc(&r.tooltip));
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            coord(label_width),
            coord(y + 14.0),
            esc(&truncate(&r.label, (label_width / 6.5) as usize))
        );
        let _ = writeln!(
            out,
            "<rect class=\"track\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\"/>",
            coord(track_x),
            coord(y + 3.0),
            coord(track)
        );
        if let Some(share) = r.share {
            let _ = writeln!(
                out,
                "<rect class=\"fill\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\"/>",
                coord(track_x),
                coord(y + 3.0),
                coord(track * share.clamp(0.0, 1.0))
            );
        }
        if let Some(mark) = r.mark {
            let x = track_x + track * mark.clamp(0.0, 1.0);
            let _ = writeln!(
                out,
                "<line class=\"mark\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                coord(x),
                coord(y),
                coord(x),
                coord(y + 20.0)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text></g>",
            coord(track_x + track + 8.0),
            coord(y + 14.0),
            esc(&r.note)
        );
    }
    out.push_str("</svg>\n");
}

/// A horizontal line across a trend chart: a target.
#[derive(Clone, Debug)]
pub(crate) struct TargetLine {
    /// The rate it stands at.
    pub(crate) rate: f64,
    /// Its class (its colour and dash).
    pub(crate) class: &'static str,
    /// Its tooltip.
    pub(crate) tooltip: String,
}

/// One small trend chart: a scope's weekly-active and habit rates over the weeks of `weeks`
/// (newest first, as the KPI report gives them), on 0–100%, with the target lines. A withheld or
/// undefined week is a gap; a scope with no week shown says why in the middle.
pub(crate) fn trend(out: &mut String, title: &str, weeks: Option<&[WeekFigures]>, targets: &[TargetLine], lang: Lang) {
    let (width, height) = (226.0, 150.0);
    let (left, right, top, bottom) = (32.0, 8.0, 20.0, 20.0);
    let (plot_w, plot_h) = (width - left - right, height - top - bottom);
    open(out, None, "trend", width, height, title);
    let _ = writeln!(out, "<text class=\"title\" x=\"{}\" y=\"13\">{}</text>", coord(left), esc(&truncate(title, 30)));
    for tick in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - tick);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.0}%</text>",
            coord(left),
            coord(y),
            coord(left + plot_w),
            coord(y),
            coord(left - 3.0),
            coord(y + 3.0),
            tick * 100.0
        );
    }
    for target in targets {
        let y = top + plot_h * (1.0 - target.rate.clamp(0.0, 1.0));
        let _ = writeln!(
            out,
            "<line class=\"target {}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{}</title></line>",
            target.class,
            coord(left),
            coord(y),
            coord(left + plot_w),
            coord(y),
            esc(&target.tooltip)
        );
    }
    let weeks: Vec<&WeekFigures> = weeks.map(|w| w.iter().rev().collect()).unwrap_or_default();
    let shown = weeks.iter().any(|w| w.weekly_active.value().is_some() || w.habit.value().is_some());
    if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
        for (anchor, x, day) in [("start", left, first.until), ("end", left + plot_w, last.until)] {
            let _ = writeln!(
                out,
                "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                coord(x),
                coord(height - 6.0),
                day.format("%m-%d")
            );
        }
    }
    if !shown {
        let word = if weeks.is_empty() {
            withheld(lang)
        } else {
            t(lang, "withheld or no data", "非表示またはデータなし")
        };
        let _ = writeln!(
            out,
            "<text class=\"withheld\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            coord(left + plot_w / 2.0),
            coord(top + plot_h / 2.0),
            esc(word)
        );
    }
    let step = if weeks.len() > 1 { plot_w / (weeks.len() - 1) as f64 } else { 0.0 };
    let point = |i: usize, r: &Rate| (left + step * i as f64, top + plot_h * (1.0 - r.rate.clamp(0.0, 1.0)));
    for (class, word, pick) in [
        (
            "weekly",
            t(lang, "weekly-active", "週次利用率"),
            (|w: &WeekFigures| w.weekly_active) as fn(&WeekFigures) -> Figure<Rate>,
        ),
        ("habit", t(lang, "habit", "習慣化率"), |w: &WeekFigures| w.habit),
    ] {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, w) in weeks.iter().enumerate() {
            match pick(w) {
                Figure::Value(r) => {
                    let (x, y) = point(i, &r);
                    let _ = write!(path, "{}{},{} ", if pen_down { "L" } else { "M" }, coord(x), coord(y));
                    pen_down = true;
                }
                _ => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = writeln!(out, "<path class=\"line {class}\" d=\"{}\"/>", path.trim_end());
        }
        for (i, w) in weeks.iter().enumerate() {
            if let Figure::Value(r) = pick(w) {
                let (x, y) = point(i, &r);
                let _ = writeln!(
                    out,
                    "<circle class=\"dot {class}\" cx=\"{}\" cy=\"{}\" r=\"1.8\"><title>{} – {}: {word} {} ({}/{})</title></circle>",
                    coord(x),
                    coord(y),
                    w.week_start,
                    w.until,
                    crate::format::pct(r.rate),
                    r.numerator,
                    r.denominator
                );
            }
        }
    }
    out.push_str("</svg>\n");
}

/// The Gantt chart of the schedule: one row per activity and wave, grouped by phase, on a time
/// axis with a tick at each month's first day and a line at `as_of`.
pub(crate) fn gantt(out: &mut String, rows: &[Row<'_>], phases: &[String], as_of: NaiveDate, lang: Lang) {
    let label_width = 250.0;
    let (x0, x1) = (label_width + 8.0, WIDTH - 10.0);
    let row_height = 15.0;
    let Some(start) = rows.iter().map(|r| r.start).min() else {
        open(out, Some("chart-gantt"), "chart gantt", WIDTH, 30.0, t(lang, "Rollout schedule", "展開スケジュール"));
        let _ =
            writeln!(out, "<text x=\"10\" y=\"20\">{}</text></svg>", t(lang, "No activities.", "施策はありません。"));
        return;
    };
    let end = rows.iter().map(|r| r.finish).max().unwrap_or(start).max(as_of);
    let span = ((end - start).num_days() + 1).max(1) as f64;
    let x = |d: NaiveDate| x0 + (x1 - x0) * ((d - start).num_days() as f64 / span);
    let phase_rows = {
        let mut seen: Vec<usize> = rows.iter().map(|r| r.phase).collect();
        seen.dedup();
        seen.len()
    };
    let top = 34.0;
    let height = top + row_height * (rows.len() + phase_rows) as f64 + 8.0;
    open(
        out,
        Some("chart-gantt"),
        "chart gantt",
        WIDTH,
        height,
        t(lang, "Rollout schedule (Gantt chart)", "展開スケジュール（ガントチャート）"),
    );
    // The legend.
    let mut lx = 0.0;
    for s in BarStatus::ALL {
        let _ = writeln!(
            out,
            "<rect class=\"bar {}\" x=\"{}\" y=\"4\" width=\"12\" height=\"10\"/><text x=\"{}\" y=\"13\">{}</text>",
            s.class(),
            coord(lx),
            coord(lx + 16.0),
            esc(s.word(lang))
        );
        lx += 22.0 + 7.0 * s.word(lang).chars().map(crate::format::columns).sum::<usize>() as f64;
    }
    // Month ticks.
    let mut month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
    if month < start {
        month = month.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
    }
    while month <= end {
        let mx = x(month);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>",
            coord(mx),
            coord(top - 4.0),
            coord(mx),
            coord(height - 4.0),
            coord(mx + 2.0),
            coord(top - 6.0),
            month.format("%Y-%m")
        );
        let Some(next) = month.checked_add_months(chrono::Months::new(1)) else { break };
        month = next;
    }
    let mut y = top;
    let mut current = None;
    for r in rows {
        if current != Some(r.phase) {
            current = Some(r.phase);
            let name = phases.get(r.phase).map_or("", String::as_str);
            let _ = writeln!(
                out,
                "<text class=\"phase\" x=\"0\" y=\"{}\">{}</text>",
                coord(y + 11.0),
                esc(&truncate(&format!("{}. {name}", r.phase + 1), 90))
            );
            y += row_height;
        }
        let name = match r.wave {
            Some(w) => format!("{} · {}", r.title, wave(w, lang)),
            None => r.title.to_owned(),
        };
        let wave_label = r.wave.map(|w| wave(w, lang)).unwrap_or_default();
        let (bx, bw) = (x(r.start), (x(r.finish) - x(r.start)).max(0.0) + (x1 - x0) / span);
        let _ = writeln!(
            out,
            "<g class=\"task\"><title>{}: {} – {}, {} ({}/{} {})</title><text class=\"wave\" x=\"8\" y=\"{}\">{}</text><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\"/></g>",
            esc(&name),
            r.start,
            r.finish,
            esc(r.status.word(lang)),
            r.done,
            r.total,
            BarStatus::Done.word(lang),
            coord(y + 11.0),
            esc(&wave_label),
            coord(label_width),
            coord(y + 11.0),
            esc(&truncate(r.title, 40)),
            r.status.class(),
            coord(bx),
            coord(y + 2.0),
            coord(bw)
        );
        y += row_height;
    }
    let ax = x(as_of);
    let _ = writeln!(
        out,
        "<line class=\"today\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"><title>{} {as_of}</title></line>",
        coord(ax),
        coord(top - 4.0),
        coord(ax),
        coord(height - 4.0),
        t(lang, "as of", "基準日")
    );
    out.push_str("</svg>\n");
}

/// One wave of the wave map: its number, whether it may start, and its units with their own phase.
#[derive(Clone, Debug)]
pub(crate) struct WaveColumn {
    /// The wave's position, 0 for the pilot.
    pub(crate) wave: usize,
    /// What it is: pilot, may start, blocked.
    pub(crate) state: String,
    /// Its class.
    pub(crate) class: &'static str,
    /// Each unit's name and what to show beside it.
    pub(crate) units: Vec<(String, String)>,
    /// The wave's units not shown, counted on a last line.
    pub(crate) more: usize,
}

/// The wave map: one column per wave (four to a band), each unit a box in it.
pub(crate) fn waves(out: &mut String, columns: &[WaveColumn], lang: Lang) {
    let per_band = 4;
    let col_w = WIDTH / per_band as f64;
    let unit_h = 20.0;
    let bands: Vec<&[WaveColumn]> = columns.chunks(per_band).collect();
    let band_heights: Vec<f64> = bands
        .iter()
        .map(|b| {
            40.0 + unit_h * b.iter().map(|c| c.units.len() + usize::from(c.more > 0)).max().unwrap_or(0) as f64 + 10.0
        })
        .collect();
    let height = band_heights.iter().sum::<f64>().max(20.0);
    open(
        out,
        Some("chart-waves"),
        "chart waves",
        WIDTH,
        height,
        t(lang, "Wave map: units by wave", "ウェーブ図：展開ウェーブごとの部署"),
    );
    let mut y0 = 0.0;
    for (band, h) in bands.iter().zip(&band_heights) {
        for (i, c) in band.iter().enumerate() {
            let x = col_w * i as f64 + 3.0;
            let _ = writeln!(
                out,
                "<g class=\"wave {}\"><rect class=\"column\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/><text class=\"head\" x=\"{}\" y=\"{}\">{}</text><text class=\"state\" x=\"{}\" y=\"{}\">{}</text>",
                c.class,
                coord(x),
                coord(y0 + 2.0),
                coord(col_w - 6.0),
                coord(h - 6.0),
                coord(x + 6.0),
                coord(y0 + 17.0),
                esc(&capitalise(&wave(c.wave, lang))),
                coord(x + 6.0),
                coord(y0 + 32.0),
                esc(&c.state)
            );
            for (k, (name, note)) in c.units.iter().enumerate() {
                let uy = y0 + 40.0 + unit_h * k as f64;
                let _ = writeln!(
                    out,
                    "<g class=\"unit\"><title>{}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/><text x=\"{}\" y=\"{}\">{}</text><text class=\"note\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text></g>",
                    esc(name),
                    esc(note),
                    coord(x + 4.0),
                    coord(uy),
                    coord(col_w - 14.0),
                    coord(unit_h - 3.0),
                    coord(x + 8.0),
                    coord(uy + 12.0),
                    esc(&truncate(name, 18)),
                    coord(x + col_w - 14.0),
                    coord(uy + 12.0),
                    esc(note)
                );
            }
            if c.more > 0 {
                let uy = y0 + 40.0 + unit_h * c.units.len() as f64;
                let more = match lang {
                    Lang::Ja => format!("ほか{}部署", c.more),
                    _ => format!("… and {} more", c.more),
                };
                let _ = writeln!(
                    out,
                    "<text class=\"more\" x=\"{}\" y=\"{}\">{}</text>",
                    coord(x + 8.0),
                    coord(uy + 12.0),
                    esc(&more)
                );
            }
            out.push_str("</g>\n");
        }
        y0 += h;
    }
    out.push_str("</svg>\n");
}

/// `s` with its first letter upper-case.
pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
