//! Text output for people, in English or Japanese.

use std::fmt::Write as _;

use serde::Serialize;
use teichaku::model::{
    Activity, ActivityScope, Anchor, Check, CompareOp, Comparison, Condition, Lang, Playbook, Role, ValidSnapshot,
};
use teichaku::{ActiveFigure, Catalog, OverviewReport};

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

/// The English or the Japanese text, by `lang`.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}

fn role(r: Role, lang: Lang) -> &'static str {
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
            p.title.get(lang),
            p.phases.len(),
            t(lang, "phases", "フェーズ"),
            p.activities.len(),
            t(lang, "activities", "施策"),
        );
    }
}

pub(crate) fn show_text(p: &Playbook, lang: Lang, out: &mut String) {
    let _ = writeln!(out, "{} (rev {}): {}", p.id, p.revision, p.title.get(lang));
    let _ = writeln!(out, "{}", p.summary.get(lang));
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
        let _ = writeln!(out, "\n{}. {} [{}]", i + 1, phase.title.get(lang), phase.id);
        if !phase.summary.get(lang).is_empty() {
            let _ = writeln!(out, "   {}", phase.summary.get(lang));
        }
        let _ = writeln!(out, "   {}:", t(lang, "Activities", "施策"));
        for a in p.activities.iter().filter(|a| a.phase == phase.id) {
            let _ = writeln!(out, "   - {} [{}] ({})", a.title.get(lang), a.id, activity_facts(a, lang));
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
                c.title.get(lang),
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
            i.title.get(lang),
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
        _ => "?".to_owned(),
    }
}

fn kpi_name(kpi: teichaku::model::Kpi) -> String {
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
        _ => "?".to_owned(),
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
        let _ = writeln!(out, "{e}");
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{problem}");
    }
}

fn figure(f: &ActiveFigure, lang: Lang) -> (String, String) {
    match (f.active, f.rate) {
        (Some(a), Some(r)) => (a.to_string(), format!("{:.1}%", r * 100.0)),
        (Some(a), None) => (a.to_string(), "–".to_owned()),
        _ => ("–".to_owned(), t(lang, "suppressed", "非表示").to_owned()),
    }
}

pub(crate) fn overview_text(snapshot: &ValidSnapshot, r: &OverviewReport, lang: Lang, out: &mut String) {
    let pb = snapshot.playbook();
    let _ = writeln!(
        out,
        "{} — {} {} ({} {} {})",
        r.organisation,
        t(lang, "as of", "基準日"),
        r.as_of,
        t(lang, "day", "導入から"),
        r.days_since_launch,
        t(lang, "after launch", "日目"),
    );
    let _ = writeln!(
        out,
        "{}: {} (rev {}) {}",
        t(lang, "Playbook", "プレイブック"),
        pb.id,
        pb.revision,
        pb.title.get(lang)
    );
    let (active, rate) = figure(&r.total, lang);
    let _ = writeln!(
        out,
        "{}: {active} / {} ({rate})\n",
        t(lang, "Weekly active (trailing 7 days)", "週次アクティブ（直近7日）"),
        r.total.headcount
    );

    let _ = writeln!(
        out,
        "{:<20} {:>5} {:>9} {:>7} {:>10}",
        t(lang, "Unit", "部署"),
        t(lang, "wave", "波"),
        t(lang, "headcount", "人数"),
        t(lang, "active", "利用者"),
        t(lang, "rate", "利用率")
    );
    for u in &r.units {
        let (active, rate) = figure(&u.weekly_active, lang);
        let wave = u.wave.map(|w| (w + 1).to_string()).unwrap_or_else(|| "–".to_owned());
        let _ = writeln!(out, "{:<20} {:>5} {:>9} {:>7} {:>10}", u.name, wave, u.weekly_active.headcount, active, rate);
    }

    let _ = writeln!(out, "\n{}:", t(lang, "Weekly-active trend (7-day windows)", "週次アクティブ率の推移（7日ごと）"));
    for w in &r.weeks {
        let rate = w.weekly_active.rate.unwrap_or(0.0);
        let bar = "█".repeat((rate * 40.0).round() as usize);
        let (_, shown) = figure(&w.weekly_active, lang);
        let _ = writeln!(out, "  {}  {:>7}  {bar}", w.ending, shown);
    }

    let _ = writeln!(out, "\n{}:", t(lang, "Progress by phase", "フェーズ別の進捗"));
    for (i, p) in r.phases.iter().enumerate() {
        let title = pb.phase(&p.phase).map(|ph| ph.title.get(lang)).unwrap_or_default();
        let _ = writeln!(out, "  {}. {title}: {}/{} {}", i + 1, p.done.len(), p.activities, t(lang, "done", "完了"));
    }
    let o = &r.observed;
    let _ = writeln!(
        out,
        "\n{}: {} {}, {} {}, {} {}, {} {}, {} {}, {} {}, {} {}",
        t(lang, "Observed", "観測"),
        o.usage_events,
        t(lang, "usage events", "件の利用"),
        o.surveys,
        t(lang, "survey answers", "件のアンケート回答"),
        o.proposals,
        t(lang, "proposals", "件の改善提案"),
        o.consultations,
        t(lang, "consultations", "件の相談"),
        o.success_cases,
        t(lang, "success cases", "件の成功事例"),
        o.incidents,
        t(lang, "incidents", "件のルール違反"),
        o.completions,
        t(lang, "completions", "件の施策完了"),
    );
}
