//! A playbook described in Markdown: the text of `docs/playbooks.md` and `teichaku show --format markdown`.

use std::fmt::Write as _;

use teichaku_model::{ActivityScope, Anchor, Check, Comparison, Lang, Playbook, Role, UnitCoverage};

/// Describes `playbook` in Markdown: its phases with their activities and gate criteria, and its
/// interventions.
///
/// ```
/// let catalog = teichaku_playbooks::Catalog::builtin();
/// let sme = catalog.iter().find(|p| p.id.as_str() == "sme-five-step").expect("built in");
/// let text = teichaku_playbooks::describe_markdown(sme, teichaku_model::Lang::En);
/// assert!(text.starts_with("## `sme-five-step`"));
/// ```
pub fn describe_markdown(playbook: &Playbook, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## `{}`: {}\n", playbook.id, playbook.title.get(lang));
    let _ = writeln!(out, "{}\n", playbook.summary.get(lang).trim());
    if let Some(c) = &playbook.cycle {
        let _ = writeln!(out, "One cycle lasts {} to {} months, then repeats.\n", c.min_months, c.max_months);
    }
    for (i, phase) in playbook.phases.iter().enumerate() {
        let _ = writeln!(out, "### {}. {} (`{}`)\n", i + 1, phase.title.get(lang), phase.id);
        out.push_str("| activity | title | owner | scope | after | timing |\n| --- | --- | --- | --- | --- | --- |\n");
        for a in playbook.activities.iter().filter(|a| a.phase == phase.id) {
            let after: Vec<String> = a.prerequisites().into_iter().map(|d| format!("`{d}`")).collect();
            let mut timing = Vec::new();
            if let Some(t) = &a.timing {
                let anchor = match &t.after {
                    Anchor::Activity(id) => format!("`{id}`"),
                    _ => "launch".to_owned(),
                };
                timing.push(match (t.not_before_days, t.due_within_days) {
                    (0, Some(due)) => format!("within {due} days of {anchor}"),
                    (from, Some(due)) => format!("{from}–{due} days after {anchor}"),
                    (from, None) => format!("from {from} days after {anchor}"),
                });
            }
            if let Some(r) = &a.recurrence {
                timing.push(match r.once_retained_every_days {
                    Some(later) => format!("every {} days ({later} once retained)", r.every_days),
                    None => format!("every {} days", r.every_days),
                });
            }
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                a.id,
                a.title.get(lang),
                role(a.owner),
                if a.scope == ActivityScope::PerUnit { "per unit" } else { "organisation" },
                after.join(", "),
                timing.join("; "),
            );
        }
        out.push_str("\nExit gate:\n\n");
        for c in &phase.gate.criteria {
            let per_unit_activity = |a: &teichaku_model::ActivityId| {
                playbook.activity(a).is_some_and(|x| x.scope == ActivityScope::PerUnit)
            };
            let check = match &c.check {
                Check::ActivityDone { activity } if per_unit_activity(activity) => {
                    format!("`{activity}` done {}", coverage(c.units.unwrap_or(UnitCoverage::Pilot)))
                }
                Check::ActivityDone { activity } => format!("`{activity}` done"),
                Check::ActivityRecent { activity, within_days } => {
                    format!("`{activity}` done within the last {within_days} days")
                }
                Check::Kpi { kpi, op, threshold } => {
                    let op = if *op == Comparison::AtMost { "≤" } else { "≥" };
                    format!("`{}` {op} {threshold}", kpi_name(kpi))
                }
                Check::Outcome { outcome, op, threshold, measure } => {
                    let op = if *op == Comparison::AtMost { "≤" } else { "≥" };
                    let what = if measure.is_value() { "" } else { " (change from baseline)" };
                    format!("outcome `{outcome}`{what} {op} {threshold}")
                }
                Check::RolePresent { role: r, min_count, per_unit } => {
                    let units = c.units.unwrap_or(UnitCoverage::Every);
                    format!(
                        "{min_count} {}{}",
                        role(*r),
                        if *per_unit { format!(" {}", coverage(units)) } else { String::new() }
                    )
                }
                _ => String::new(),
            };
            let mandatory = if c.mandatory { ", mandatory" } else { "" };
            let _ = writeln!(out, "- {} (`{}`, weight {}{mandatory}): {check}", c.title.get(lang), c.id, c.weight);
        }
        out.push('\n');
    }
    out.push_str("### Interventions\n\n");
    for i in &playbook.interventions {
        let _ = writeln!(out, "- `{}`: {} ({}, severity {})", i.id, i.title.get(lang), role(i.owner), i.severity);
    }
    out
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Executive => "executive",
        Role::PromotionLead => "promotion lead",
        Role::Ambassador => "ambassador",
        Role::Manager => "manager",
        _ => "staff",
    }
}

fn kpi_name(kpi: &teichaku_model::Kpi) -> String {
    serde_json::to_value(kpi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Where a per-unit criterion asks, in words.
fn coverage(units: UnitCoverage) -> &'static str {
    match units {
        UnitCoverage::Pilot => "in every pilot unit",
        UnitCoverage::Reached => "in every unit reached",
        _ => "in every unit",
    }
}
