//! The rollout's schedule as a Mermaid Gantt chart.

use std::fmt::Write as _;

use chrono::Days;
use teichaku::model::{Lang, ValidSnapshot};
use teichaku::rollout::RolloutPlan;

use crate::schedule::{BarStatus, rows};
use crate::words::{t, wave};

/// The schedule of `plan` as a Mermaid `gantt` chart: a title naming the organisation and the
/// date, a legend (as comments, which Mermaid does not draw, and in the tags), one section per
/// phase, and one task per activity and wave from its earliest start to its earliest finish.
///
/// Tags carry the status: `done`, `active` for ready, `crit` for overdue; a blocked task or
/// one whose window has not opened has none. `as_of` is a milestone. Waves are numbered from 1
/// (the pilot is wave 1), as in the text report. Task names cannot hold `:`, `;` or `#` in Mermaid,
/// so those are written as their full-width forms (`：`, `；`, `＃`), and line breaks as spaces.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let text = teichaku_report::gantt_mermaid(&snapshot, &a.plan, Lang::En);
/// assert!(text.contains("\ngantt\n"));
/// assert!(text.contains("dateFormat YYYY-MM-DD"));
/// assert!(text.contains(":done, "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn gantt_mermaid(snapshot: &ValidSnapshot, plan: &RolloutPlan, lang: Lang) -> String {
    let snapshot = &*snapshot.on(plan.as_of);
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let title =
        format!("{} — {} {}", org.name, t(lang, "rollout schedule as of", "展開スケジュール 基準日"), plan.as_of);
    let mut out = format!("---\ntitle: {}\n---\ngantt\n", yaml_text(&title));
    out.push_str("  dateFormat YYYY-MM-DD\n  axisFormat %m-%d\n  todayMarker off\n");
    let _ = writeln!(
        out,
        "  %% {}: done = {}, active = {}, crit = {}, {} = {}",
        t(lang, "legend", "凡例"),
        BarStatus::Done.word(lang),
        BarStatus::Ready.word(lang),
        BarStatus::Overdue.word(lang),
        t(lang, "no tag", "タグなし"),
        t(lang, "blocked or not yet open", "待ち・開始時期前"),
    );
    let _ = writeln!(
        out,
        "  %% {}",
        t(lang, "waves are numbered from 1: the pilot is wave 1", "展開ウェーブは1から数える（パイロットが第1波）")
    );
    let mut current = None;
    for (n, row) in rows(snapshot, plan, lang).iter().enumerate() {
        if current != Some(row.phase) {
            current = Some(row.phase);
            let phase = pb.phases.get(row.phase).map_or("", |p| p.title.get(lang));
            let _ = writeln!(out, "  section {}", task_text(&format!("{}. {phase}", row.phase + 1)));
        }
        let name = match row.wave {
            Some(w) => format!("{} · {}", row.title, wave(w, lang)),
            None => row.title.to_owned(),
        };
        let tag = match row.status {
            BarStatus::Done => "done, ",
            BarStatus::Ready => "active, ",
            BarStatus::Overdue => "crit, ",
            BarStatus::NotYetOpen | BarStatus::Blocked => "",
        };
        let end = row.finish.checked_add_days(Days::new(1)).unwrap_or(row.finish);
        let _ = writeln!(out, "  {} :{tag}t{n}, {}, {end}", task_text(&name), row.start);
    }
    let _ = writeln!(out, "  section {}", task_text(t(lang, "Today", "基準日")));
    let _ = writeln!(out, "  {} {} :milestone, asof, {}, 0d", t(lang, "as of", "基準日"), plan.as_of, plan.as_of);
    out
}

/// `s` as a Mermaid Gantt task or section name: `:`, `;` and `#` in their full-width forms,
/// line breaks and other hidden characters as spaces.
fn task_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ':' => '：',
            ';' => '；',
            '#' => '＃',
            c if crate::format::hidden(c) => ' ',
            c => c,
        })
        .collect()
}

/// `s` as a single-quoted YAML scalar: the quote doubled, hidden characters as spaces.
fn yaml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            c if crate::format::hidden(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}
