//! A playbook described in Markdown, in English or Japanese: the text of `docs/playbooks.md` and
//! of `teichaku show --format markdown`.

use std::fmt::Write as _;

use teichaku::model::{
    Activity, ActivityId, ActivityScope, Anchor, Check, Comparison, GateCriterion, Lang, Playbook, UnitCoverage,
};

use crate::format::{days, kpi_value};
use crate::text::timing_window_ja;
use crate::words::{Title, cadence, outcome_measure, t};

/// Describes `playbook` in Markdown, every word in `lang`: its summary and cycle, its phases, each
/// with a table of its activities (id, title, owner, scope, prerequisites, timing and cadence)
/// and its exit gate (each criterion with its id, weight and what it checks), then its
/// interventions with their owners and severities.
///
/// Ids (the playbook's, phases', activities', criteria's, interventions', KPI and outcome names)
/// are written in backticks as the playbook spells them, in both languages. In English a gate's
/// threshold is the number the playbook holds (a rate as a fraction, `0.4`); in Japanese the KPI
/// is named too and the threshold carries its unit (`40.0%`, `14日`).
///
/// ```
/// use teichaku::model::Lang;
/// let catalog = teichaku::Catalog::builtin();
/// let sme = catalog.iter().find(|p| p.id.as_str() == "sme-five-step").expect("built in");
/// let en = teichaku_report::playbook_markdown(sme, Lang::En);
/// assert!(en.starts_with("## `sme-five-step`: "));
/// assert!(en.contains("| activity | title | owner | scope | after | timing |"));
/// let ja = teichaku_report::playbook_markdown(sme, Lang::Ja);
/// assert!(ja.contains("| 施策 | 内容 | 担当 | 範囲 | 前提 | 時期 |"));
/// assert!(ja.contains("移行条件：") && !ja.contains("Exit gate"));
/// ```
#[must_use]
pub fn playbook_markdown(playbook: &Playbook, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut out = String::new();
    let _ = writeln!(out, "## `{}`{}{}\n", playbook.id, t(lang, ": ", "："), playbook.title.get(lang));
    let _ = writeln!(out, "{}\n", playbook.summary.get(lang).trim());
    if let Some(c) = &playbook.cycle {
        let _ = if ja {
            writeln!(out, "1サイクルは{}〜{}か月で、終われば繰り返す。\n", c.min_months, c.max_months)
        } else {
            writeln!(out, "One cycle lasts {} to {} months, then repeats.\n", c.min_months, c.max_months)
        };
    }
    for (i, phase) in playbook.phases.iter().enumerate() {
        let _ = if ja {
            writeln!(out, "### {}. {}（`{}`）\n", i + 1, phase.title.get(lang), phase.id)
        } else {
            writeln!(out, "### {}. {} (`{}`)\n", i + 1, phase.title.get(lang), phase.id)
        };
        out.push_str(t(
            lang,
            "| activity | title | owner | scope | after | timing |\n",
            "| 施策 | 内容 | 担当 | 範囲 | 前提 | 時期 |\n",
        ));
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for a in playbook.activities.iter().filter(|a| a.phase == phase.id) {
            let after: Vec<String> = a.prerequisites().into_iter().map(|d| format!("`{d}`")).collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                a.id,
                a.title.get(lang),
                a.owner.title(lang),
                match a.scope {
                    ActivityScope::PerUnit => t(lang, "per unit", "部署ごと"),
                    _ => t(lang, "organisation", "全社"),
                },
                after.join(t(lang, ", ", "、")),
                timing(a, lang),
            );
        }
        let _ = writeln!(out, "\n{}\n", t(lang, "Exit gate:", "移行条件："));
        for c in &phase.gate.criteria {
            let check = check(playbook, c, lang);
            let _ = if ja {
                let mandatory = if c.mandatory { "、必須" } else { "" };
                writeln!(out, "- {}（`{}`、重み {}{mandatory}）：{check}", c.title.get(lang), c.id, c.weight)
            } else {
                let mandatory = if c.mandatory { ", mandatory" } else { "" };
                writeln!(out, "- {} (`{}`, weight {}{mandatory}): {check}", c.title.get(lang), c.id, c.weight)
            };
        }
        out.push('\n');
    }
    let _ = writeln!(out, "### {}\n", t(lang, "Interventions", "介入ルール"));
    for i in &playbook.interventions {
        let _ = if ja {
            writeln!(out, "- `{}`：{}（{}、深刻度 {}）", i.id, i.title.get(lang), i.owner.title(lang), i.severity)
        } else {
            writeln!(out, "- `{}`: {} ({}, severity {})", i.id, i.title.get(lang), i.owner.title(lang), i.severity)
        };
    }
    out
}

/// When an activity is due and how often it recurs: `within 14 days of launch; every 7 days`,
/// `導入日から14日以内／7日ごと`.
fn timing(a: &Activity, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut parts = Vec::new();
    if let Some(timing) = &a.timing {
        let anchor = match &timing.after {
            Anchor::Activity(id) => format!("`{id}`"),
            _ => t(lang, "launch", "導入日").to_owned(),
        };
        parts.push(match (timing.not_before_days, timing.due_within_days) {
            _ if ja => format!("{anchor}から{}", timing_window_ja(timing.not_before_days, timing.due_within_days)),
            (0, Some(due)) => format!("within {due} days of {anchor}"),
            (from, Some(due)) => format!("{from}–{due} days after {anchor}"),
            (from, None) => format!("from {from} days after {anchor}"),
        });
    }
    if let Some(r) = &a.recurrence {
        parts.push(cadence(r, lang));
    }
    parts.join(t(lang, "; ", "／"))
}

/// What a gate criterion checks, ids in backticks.
fn check(playbook: &Playbook, c: &GateCriterion, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let per_unit_activity = |a: &ActivityId| playbook.activity(a).is_some_and(|x| x.scope == ActivityScope::PerUnit);
    let op = |op: &Comparison| if *op == Comparison::AtMost { "≤" } else { "≥" };
    match &c.check {
        Check::ActivityDone { activity } if per_unit_activity(activity) => {
            let units = coverage(c.units.unwrap_or(UnitCoverage::Pilot), lang);
            if ja { format!("{units}で`{activity}`が完了") } else { format!("`{activity}` done {units}") }
        }
        Check::ActivityDone { activity } if ja => format!("`{activity}`が完了"),
        Check::ActivityDone { activity } => format!("`{activity}` done"),
        Check::ActivityRecent { activity, within_days } => {
            let within = days(f64::from(*within_days), lang);
            if ja {
                format!("`{activity}`を直近{within}以内に実施")
            } else {
                format!("`{activity}` done within the last {within}")
            }
        }
        Check::Kpi { kpi, op: o, threshold } if ja => {
            format!("{}（`{}`）{} {}", kpi.title(lang), kpi_name(kpi), op(o), kpi_value(*kpi, *threshold, lang))
        }
        Check::Kpi { kpi, op: o, threshold } => format!("`{}` {} {threshold}", kpi_name(kpi), op(o)),
        Check::Outcome { outcome, op: o, threshold, measure } if ja => {
            format!("成果指標 {} {} {threshold}", outcome_measure(&format!("`{outcome}`"), *measure, lang), op(o))
        }
        Check::Outcome { outcome, op: o, threshold, measure } => {
            let what = if measure.is_value() { "" } else { " (change from baseline)" };
            format!("outcome `{outcome}`{what} {} {threshold}", op(o))
        }
        Check::RolePresent { role, min_count, per_unit } => {
            let units = coverage(c.units.unwrap_or(UnitCoverage::Every), lang);
            match (ja, *per_unit) {
                (true, true) => format!("{units}で{}が{min_count}人以上", role.title(lang)),
                (true, false) => format!("{}が{min_count}人以上", role.title(lang)),
                (false, true) => format!("{min_count} {} {units}", role.title(lang)),
                (false, false) => format!("{min_count} {}", role.title(lang)),
            }
        }
        _ => String::new(),
    }
}

/// A KPI's name as documents spell it (`habit_rate`).
fn kpi_name(kpi: &teichaku::model::Kpi) -> String {
    serde_json::to_value(kpi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Which units a per-unit criterion asks about, in words.
fn coverage(units: UnitCoverage, lang: Lang) -> &'static str {
    match units {
        UnitCoverage::Pilot => t(lang, "in every pilot unit", "すべてのパイロット部署"),
        UnitCoverage::Reached => t(lang, "in every unit reached", "展開済みのすべての部署"),
        _ => t(lang, "in every unit", "すべての部署"),
    }
}
