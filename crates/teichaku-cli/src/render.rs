//! Text output for people, in English or Japanese.

use std::fmt::Write as _;

use serde::Serialize;
use teichaku::Catalog;
use teichaku::model::{Activity, ActivityScope, Anchor, Check, CompareOp, Comparison, Condition, Lang, Playbook, Role};

use crate::input::ValidationReport;

/// One line of `teichaku playbooks --format json`.
#[derive(Serialize)]
pub(crate) struct PlaybookSummary<'a> {
    id: &'a str,
    revision: u32,
    title: &'a teichaku::model::Localized,
    phases: usize,
    activities: usize,
    interventions: usize,
}

pub(crate) fn playbook_list(catalog: &Catalog) -> Vec<PlaybookSummary<'_>> {
    catalog
        .iter()
        .map(|p| PlaybookSummary {
            id: p.id.as_str(),
            revision: p.revision,
            title: &p.title,
            phases: p.phases.len(),
            activities: p.activities.len(),
            interventions: p.interventions.len(),
        })
        .collect()
}

/// `text` safe to print on one line of a text report: control characters (a line break, a
/// carriage return, an escape sequence's ESC), the Unicode line and paragraph separators and the
/// bidirectional overrides are written as `\u{..}` escapes, so a name from a
/// document can neither forge lines nor reorder what a terminal shows. Every other character,
/// Japanese text and joiners included, is kept as it is. JSON output carries the exact text.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if unsafe_char(c) => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// [`clean`] for a text of several lines: each line is cleaned, the line breaks between them kept.
pub(crate) fn clean_lines(text: &str) -> String {
    text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

/// The English or the Japanese text, by `lang`.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}

/// The last line of a text report: what produced it, so a printed or pasted report can be
/// reproduced (the engine, the document's format version, the playbook and its revision).
pub(crate) fn provenance_line(
    out: &mut String,
    lang: Lang,
    document_version: u32,
    playbook: &teichaku::model::PlaybookId,
    revision: u32,
) {
    let _ = writeln!(
        out,
        "\nteichaku {} · {} {document_version} · {} {playbook} rev {revision}",
        teichaku::ENGINE_VERSION,
        t(lang, "document format", "文書形式"),
        t(lang, "playbook", "プレイブック"),
    );
}

/// A role's name in `lang`.
pub(crate) fn role(r: Role, lang: Lang) -> &'static str {
    match (r, lang) {
        (Role::Executive, Lang::Ja) => "経営層",
        (Role::PromotionLead, Lang::Ja) => "AI推進担当",
        (Role::Ambassador, Lang::Ja) => "アンバサダー",
        (Role::Manager, Lang::Ja) => "管理職",
        (Role::Staff, Lang::Ja) => "現場",
        (Role::Executive, _) => "executive",
        (Role::PromotionLead, _) => "promotion lead",
        (Role::Ambassador, _) => "ambassador",
        (Role::Manager, _) => "manager",
        (_, _) => "staff",
    }
}

pub(crate) fn playbooks_text(catalog: &Catalog, lang: Lang, out: &mut String) {
    let width = catalog.iter().map(|p| p.id.as_str().len()).max().unwrap_or(0);
    for p in catalog.iter() {
        let _ = writeln!(
            out,
            "{:width$}  {}  ({} {}, {} {})",
            p.id.as_str(),
            clean(p.title.get(lang)),
            p.phases.len(),
            t(lang, "phases", "フェーズ"),
            p.activities.len(),
            t(lang, "activities", "施策"),
        );
    }
}

pub(crate) fn show_text(p: &Playbook, lang: Lang, out: &mut String) {
    let _ = writeln!(out, "{} (rev {}): {}", p.id, p.revision, clean(p.title.get(lang)));
    let _ = writeln!(out, "{}", clean_lines(p.summary.get(lang)));
    if let Some(c) = &p.cycle {
        let _ = writeln!(
            out,
            "{}: {}–{} {}",
            t(lang, "Cycle", "サイクル"),
            c.min_months,
            c.max_months,
            t(lang, "months", "か月")
        );
    }
    for (i, phase) in p.phases.iter().enumerate() {
        let _ = writeln!(out, "\n{}. {} [{}]", i + 1, clean(phase.title.get(lang)), phase.id);
        if !phase.summary.get(lang).is_empty() {
            let _ = writeln!(out, "   {}", clean_lines(phase.summary.get(lang)));
        }
        let _ = writeln!(out, "   {}:", t(lang, "Activities", "施策"));
        for a in p.activities.iter().filter(|a| a.phase == phase.id) {
            let _ = writeln!(out, "   - {} [{}] ({})", clean(a.title.get(lang)), a.id, activity_facts(a, lang));
            let deps: Vec<String> = a.prerequisites().into_iter().map(|d| d.to_string()).collect();
            if !deps.is_empty() {
                let _ = writeln!(out, "       {}: {}", t(lang, "after", "前提"), deps.join(", "));
            }
        }
        let _ = writeln!(out, "   {}:", t(lang, "Exit gate", "移行条件"));
        for c in &phase.gate.criteria {
            let mark = if c.mandatory { t(lang, " (mandatory)", "（必須）") } else { "" };
            let _ = writeln!(
                out,
                "   - {} [{}] {} {}{}: {}",
                clean(c.title.get(lang)),
                c.id,
                t(lang, "weight", "重み"),
                c.weight,
                mark,
                check_text(&c.check)
            );
        }
    }
    let _ = writeln!(out, "\n{}:", t(lang, "Interventions", "介入ルール"));
    for i in &p.interventions {
        let _ = writeln!(
            out,
            "- {} [{}] ({}, {} {}): {} {}",
            clean(i.title.get(lang)),
            i.id,
            role(i.owner, lang),
            t(lang, "severity", "深刻度"),
            i.severity,
            t(lang, "when", "条件"),
            condition_text(&i.when)
        );
    }
}

fn activity_facts(a: &Activity, lang: Lang) -> String {
    let mut facts = vec![
        role(a.owner, lang).to_owned(),
        match a.scope {
            ActivityScope::PerUnit => t(lang, "per unit", "部署ごと"),
            _ => t(lang, "organisation-wide", "全社"),
        }
        .to_owned(),
        format!("{}{}", a.duration_days, t(lang, "d", "日")),
    ];
    if let Some(timing) = &a.timing {
        let anchor = match &timing.after {
            Anchor::Activity(id) => id.to_string(),
            _ => t(lang, "launch", "導入日").to_owned(),
        };
        let window = match (timing.not_before_days, timing.due_within_days) {
            (0, Some(due)) => format!("≤{due}d"),
            (from, Some(due)) => format!("{from}–{due}d"),
            (from, None) => format!("≥{from}d"),
        };
        facts.push(format!("{anchor} +{window}"));
    }
    if let Some(r) = &a.recurrence {
        let mut every = format!("{} {}d", t(lang, "every", "周期"), r.every_days);
        if let Some(later) = r.once_retained_every_days {
            let _ = write!(every, " → {later}d {}", t(lang, "once retained", "（定着後）"));
        }
        facts.push(every);
    }
    facts.join(", ")
}

fn check_text(check: &Check) -> String {
    match check {
        Check::ActivityDone { activity } => format!("done({activity})"),
        Check::ActivityRecent { activity, within_days } => format!("days_since({activity}) < {within_days}"),
        Check::Kpi { kpi, op, threshold } => {
            let op = match op {
                Comparison::AtMost => "≤",
                _ => "≥",
            };
            format!("{} {op} {threshold}", kpi_name(*kpi))
        }
        Check::RolePresent { role, min_count, per_unit } => {
            format!("{} ≥ {min_count}{}", role.as_str(), if *per_unit { " in every unit" } else { "" })
        }
        Check::Outcome { outcome, op, threshold, measure } => {
            let op = match op {
                Comparison::AtMost => "≤",
                _ => "≥",
            };
            format!("{}({outcome}) {op} {threshold}", measure_name(*measure))
        }
        _ => "?".to_owned(),
    }
}

pub(crate) fn kpi_name(kpi: teichaku::model::Kpi) -> String {
    serde_json::to_value(kpi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn condition_text(c: &Condition) -> String {
    let op = |op: &CompareOp| match op {
        CompareOp::Lt => "<",
        CompareOp::Le => "≤",
        CompareOp::Gt => ">",
        CompareOp::Ge => "≥",
        _ => "?",
    };
    match c {
        Condition::All { of } if of.is_empty() => "always".to_owned(),
        Condition::Any { of } if of.is_empty() => "never".to_owned(),
        Condition::All { of } => of.iter().map(condition_text).collect::<Vec<_>>().join(" and "),
        Condition::Any { of } => format!("({})", of.iter().map(condition_text).collect::<Vec<_>>().join(" or ")),
        Condition::Not { condition } => format!("not ({})", condition_text(condition)),
        Condition::Compare { kpi, op: o, value } => format!("{} {} {value}", kpi_name(*kpi), op(o)),
        Condition::RoleCount { role, op: o, value } => format!("count({}) {} {value}", role.as_str(), op(o)),
        Condition::ActivityDone { activity } => format!("done({activity})"),
        Condition::ActivityRecent { activity, within_days } => format!("days_since({activity}) < {within_days}"),
        Condition::Outcome { outcome, op: o, value, measure } => {
            format!("{}({outcome}) {} {value}", measure_name(*measure), op(o))
        }
        _ => "?".to_owned(),
    }
}

/// How a gate or condition names what it reads from an outcome KPI.
fn measure_name(measure: teichaku::model::OutcomeMeasure) -> &'static str {
    match measure {
        teichaku::model::OutcomeMeasure::ChangeFromBaseline => "change_from_baseline",
        _ => "outcome",
    }
}

pub(crate) fn validation_text(report: &ValidationReport, lang: Lang, out: &mut String) {
    if report.valid {
        let _ = writeln!(
            out,
            "{}",
            match (report.document, lang) {
                ("playbook", Lang::Ja) => "有効なプレイブック文書です",
                ("playbook", _) => "valid playbook document",
                (_, Lang::Ja) => "有効なアセスメント文書です",
                _ => "valid assessment document",
            }
        );
        return;
    }
    if let Some(e) = &report.unreadable {
        let _ = writeln!(out, "{}", clean(e));
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", clean(&problem.to_string()));
    }
    for problem in &report.usage_problems {
        let _ = writeln!(out, "{}", clean(problem));
    }
}
