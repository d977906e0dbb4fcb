//! `teichaku assess` and the demo's report: phase and readiness, the retention score and its
//! components, the top next actions with owners, due dates and reasons, and the KPIs by unit.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;
use serde::Serialize;
use teichaku::model::{Lang, ValidSnapshot};
use teichaku::rollout::{ActionScope, Reason, Status, WaveBlock};
use teichaku::{Assessment, Catalog, UsageReport, metrics::Figure};

use crate::Failure;
use crate::events::skipped_text;
use crate::kpis::{SKIPPED_SHOWN, load_with_events, scope_header, scope_line};
use crate::render::{clean, provenance_line, role, t};

/// The arguments of `teichaku assess`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The assessment document, or `-` for standard input.
    file: PathBuf,
    /// The last day that counts, such as 2026-11-01; today in the organisation's offset when
    /// left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Usage files besides the document's: events, member-day or member-period records.
    #[command(flatten)]
    usage: crate::events::UsageFiles,
    /// A CSV file of outcome KPI records (columns outcome, unit, from, date, value,
    /// measured_in, baseline), validated with the document's own.
    #[arg(long = "outcomes", value_name = "FILE")]
    outcomes: Option<PathBuf>,
    /// Assess even when some event lines are malformed (they are reported).
    #[arg(long)]
    skip_bad_lines: bool,
    /// How many next actions the text and HTML reports list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Output format: a text report, a self-contained HTML report with charts, the whole
    /// assessment as JSON, the rollout graph as Mermaid or DOT, or its schedule as a Mermaid
    /// Gantt chart.
    #[arg(long, value_enum, default_value_t = AssessFormat::Text)]
    format: AssessFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AssessFormat {
    Text,
    Html,
    Json,
    Mermaid,
    Dot,
    Gantt,
}

pub(crate) fn run(
    req: &Request,
    catalog: &Catalog,
    lang: Lang,
    stdout: &crate::output::Stdout,
    out: &mut String,
) -> Result<u8, Failure> {
    let loaded = load_with_events(&req.file, &req.usage, req.outcomes.as_deref(), req.skip_bad_lines, catalog)?;
    let options = teichaku::AssessOptions::default();
    let as_of = req.as_of.unwrap_or_else(|| crate::today(loaded.snapshot.organisation().utc_offset));
    let assessment = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &options)
        .map_err(|e| Failure::input(e.to_string()))?;
    // Usage event files read are reported: how many events each gave and every line skipped.
    let usage = (!loaded.usage.files.is_empty()).then_some(&loaded.usage);
    let code = emit(&loaded.snapshot, &assessment, usage, req.format, req.top, lang, stdout, out);
    if req.as_of.is_none() && req.format == AssessFormat::Text {
        crate::mark_today(out, as_of, lang);
    }
    // The process ends once the report is written: the assessment and the document (millions
    // of allocations at 100,000 units) go back to the system with it, not one by one.
    std::mem::forget(assessment);
    std::mem::forget(loaded);
    code
}

/// An assessment with what its usage event files gave, as `assess --format json` prints it
/// when files were read.
#[derive(Serialize)]
struct WithFiles<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    event_files: &'a UsageReport,
}

#[expect(clippy::too_many_arguments, reason = "the report's inputs, its options, and the two places it goes")]
pub(crate) fn emit(
    snapshot: &ValidSnapshot,
    a: &Assessment,
    usage: Option<&UsageReport>,
    format: AssessFormat,
    top: usize,
    lang: Lang,
    stdout: &crate::output::Stdout,
    out: &mut String,
) -> Result<u8, Failure> {
    // The JSON report goes to standard output as it is serialised, not built whole first.
    let written = |e: std::io::Error| Failure {
        message: format!("cannot write the output: {e}"),
        code: crate::output::CANNOT_WRITE,
    };
    match (format, usage) {
        (AssessFormat::Json, None) => stdout.write_json(a).map_err(written)?,
        (AssessFormat::Json, Some(files)) => {
            stdout.write_json(&WithFiles { assessment: a, event_files: files }).map_err(written)?
        }
        (AssessFormat::Mermaid, _) => *out = teichaku::rollout::plan_mermaid(snapshot, &a.plan, lang),
        (AssessFormat::Dot, _) => *out = teichaku::rollout::plan_dot(snapshot, &a.plan, lang),
        (AssessFormat::Gantt, _) => *out = teichaku_report::gantt_mermaid(snapshot, &a.plan, lang),
        (AssessFormat::Html, _) => *out = teichaku_report::html(snapshot, a, lang, top),
        (AssessFormat::Text, _) => {
            render(snapshot, a, top, lang, out);
            if let Some(files) = usage {
                skipped(files, lang, out);
            }
        }
    }
    Ok(0)
}

/// The skipped event lines at the end of the text report: how many, and which.
fn skipped(files: &UsageReport, lang: Lang, out: &mut String) {
    let lines = skipped_text(files, SKIPPED_SHOWN, t(lang, "Malformed event lines skipped", "読めなかった行（除外）"));
    if !lines.is_empty() {
        out.push('\n');
    }
    for line in lines {
        let _ = writeln!(out, "{}", clean(&line));
    }
}

/// The report a promotion lead reads.
pub(crate) fn render(snapshot: &ValidSnapshot, a: &Assessment, top: usize, lang: Lang, out: &mut String) {
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let days = (a.as_of - org.launch_date).num_days();
    let _ = writeln!(
        out,
        "{} — {} {} ({} {days} {})",
        clean(&org.name),
        t(lang, "assessment as of", "アセスメント 基準日"),
        a.as_of,
        t(lang, "day", "導入から"),
        t(lang, "after launch", "日目")
    );
    let _ = writeln!(
        out,
        "{}: {} (rev {}) {}\n",
        t(lang, "Playbook", "プレイブック"),
        pb.id,
        pb.revision,
        clean(pb.title.get(lang))
    );

    // Phase and readiness.
    match &a.readiness.current_phase {
        Some(current) => {
            let index = pb.phases.iter().position(|p| &p.id == current).unwrap_or(0);
            let title = clean(pb.phase(current).map_or("", |p| p.title.get(lang)));
            let gate = a.readiness.phases.iter().find(|g| &g.phase == current);
            let _ = writeln!(
                out,
                "{}: {}. {title} — {} {:.0}% ({} {:.0}%)",
                t(lang, "Phase", "フェーズ"),
                index + 1,
                t(lang, "readiness", "移行準備度"),
                gate.map_or(0.0, |g| g.readiness * 100.0),
                t(lang, "passes at", "移行条件"),
                gate.map_or(0.0, |g| g.pass_at * 100.0),
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{}",
                t(lang, "Every phase's gate has passed.", "すべてのフェーズの移行条件を満たしています。")
            );
        }
    }
    if let Some(b) = &a.readiness.barrier {
        let title = pb
            .phase(&b.phase)
            .and_then(|p| p.gate.criteria.iter().find(|c| c.id == b.criterion))
            .map_or(b.criterion.as_str(), |c| c.title.get(lang));
        let title = clean(title);
        let _ = writeln!(
            out,
            "{}: {title} [{}]",
            t(lang, "Barrier point (fix first)", "ボトルネック（最優先）"),
            b.criterion
        );
    }
    for w in a.readiness.waves.iter().skip(1) {
        let state = if w.may_start { t(lang, "may start", "開始可能") } else { t(lang, "blocked", "保留") };
        let names: Vec<String> =
            w.units.iter().filter_map(|u| snapshot.unit(*u)).map(|u| clean(&u.name).into_owned()).collect();
        let _ = write!(out, "{} {} ({}): {state}", t(lang, "Wave", "展開ウェーブ"), w.wave + 1, names.join(", "));
        let reasons: Vec<String> = w
            .blocked_by
            .iter()
            .map(|b| match b {
                WaveBlock::RoleMissing { unit, role: r, .. } => format!(
                    "{} {} {}",
                    clean(snapshot.unit(*unit).map_or("?", |u| u.name.as_str())),
                    t(lang, "has no", "に不在:"),
                    role(*r, lang)
                ),
                WaveBlock::PreviousWaveGate { unit, .. } => format!(
                    "{} {}",
                    clean(snapshot.unit(*unit).map_or("?", |u| u.name.as_str())),
                    t(lang, "has not passed the first gate", "が最初の移行条件を未達")
                ),
                _ => String::new(),
            })
            .collect();
        if !reasons.is_empty() {
            let _ = write!(out, " — {}", reasons.join("; "));
        }
        out.push('\n');
    }

    // The retention score.
    if let Some(org_kpis) = a.kpis.scopes.first() {
        if let Figure::Value(score) = &org_kpis.score {
            let _ = writeln!(
                out,
                "\n{}: {:.1} ({:?}){}{}",
                t(lang, "Retention score", "定着スコア"),
                score.score,
                score.level,
                score.cap.map(|c| format!(", {} {c}", t(lang, "capped at", "上限"))).unwrap_or_default(),
                if score.failing {
                    t(
                        lang,
                        " — FAILING: weekly-active under 20% three months after launch",
                        " — 要注意: 導入3か月後も週次利用率20%未満",
                    )
                } else {
                    ""
                }
            );
            for c in &score.components {
                let value = match (c.value, c.withheld) {
                    (Some(v), _) => format!("{v:.2}"),
                    (None, true) => t(lang, "withheld", "非表示").to_owned(),
                    // A "days since" KPI without a value: the event never happened.
                    (None, false) if c.kpi.is_days_since() => t(lang, "never", "なし").to_owned(),
                    (None, false) => "n/a".to_owned(),
                };
                // A withheld component is left out of the score: no points to show.
                let points = if c.withheld { "—".to_owned() } else { format!("{:.1}", c.points) };
                let _ = writeln!(
                    out,
                    "  {:<26} {:>9} / {:<5} → {:>5} / {:.0}",
                    format!("{:?}", c.component),
                    value,
                    c.target,
                    points,
                    c.weight
                );
            }
            for ac in score.absolute_conditions.iter().filter(|ac| !ac.holds && !ac.withheld) {
                let _ = writeln!(out, "  ✗ {}", clean(ac.title.get(lang)));
            }
            if let Some(line) = ceiling_line(score, lang) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }

    targets_text(snapshot, a, lang, out);
    review_text(snapshot, a, lang, out);
    effects_text(a, lang, out);

    // The next actions.
    let _ = writeln!(
        out,
        "\n{} ({} {}):",
        t(lang, "Next actions", "次のアクション"),
        t(lang, "top", "上位"),
        top.min(a.actions.actions.len())
    );
    for (n, action) in a.actions.actions.iter().take(top).enumerate() {
        let unit_name = |u: teichaku::model::UnitId| {
            snapshot.unit(u).map_or_else(|| u.to_string(), |u| clean(&u.name).into_owned())
        };
        let scope = match action.scope {
            ActionScope::Unit(u) => unit_name(u),
            _ if !action.units.is_empty() => action.units.iter().map(|&u| unit_name(u)).collect::<Vec<_>>().join(", "),
            _ => t(lang, "organisation", "全社").to_owned(),
        };
        let due = action.due.map(|d| format!(", {} {d}", t(lang, "due", "期限"))).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>2}. {} — {} ×{}, {scope}{due} [{:.1}]",
            n + 1,
            clean(action.title.get(lang)),
            role(action.owner, lang),
            action.members.len(),
            action.urgency
        );
        let reasons: Vec<(String, Option<teichaku::model::UnitId>)> = action
            .reasons
            .iter()
            .map(|r| match r {
                Reason::Overdue { days_late, .. } => {
                    format!("{} {days_late} {}", t(lang, "overdue by", "期限超過"), t(lang, "days", "日"))
                }
                Reason::ActivityReady { .. } => {
                    t(lang, "ready: its prerequisites are done", "着手可能: 前提が完了").to_owned()
                }
                Reason::RecurrenceDue { last_done, every_days, .. } => {
                    format!(
                        "{} {last_done}, {} {every_days} {}",
                        t(lang, "last done", "前回"),
                        t(lang, "every", "周期"),
                        t(lang, "days", "日")
                    )
                }
                Reason::InterventionFired { intervention, .. } => {
                    format!("{}: {intervention}", t(lang, "rule fired", "介入ルール"))
                }
                Reason::BarrierPoint { criterion, .. } => {
                    format!("{}: {criterion}", t(lang, "barrier point", "ボトルネック"))
                }
                // Waves are numbered from 1 in the report, as in its wave lines.
                Reason::RoleMissing { role: r, wave: Some(w), .. } => {
                    let wave = if lang == Lang::Ja { format!("第{}波", w + 1) } else { format!("wave {}", w + 1) };
                    format!("{}: {} ({wave})", t(lang, "nobody holds", "不在"), role(*r, lang))
                }
                Reason::RoleMissing { role: r, needed_by, .. } => {
                    format!("{}: {} ({})", t(lang, "nobody holds", "不在"), role(*r, lang), needed_by.join(", "))
                }
                Reason::WaveBlocked { wave, criterion } => {
                    let wave =
                        if lang == Lang::Ja { format!("第{}波", wave + 1) } else { format!("wave {}", wave + 1) };
                    format!("{} ({wave}): {criterion}", t(lang, "the next wave waits for it", "次の波が待つ"))
                }
                Reason::TargetMissed { kpi, due, days_missed, shortfall, .. } => {
                    let short =
                        shortfall.map(|s| format!(", {} {s:.2}", t(lang, "short by", "不足"))).unwrap_or_default();
                    format!(
                        "{} {} {due} ({days_missed} {}){short}",
                        crate::render::kpi_name(*kpi),
                        t(lang, "target missed, due", "目標未達、期日"),
                        t(lang, "days ago", "日前")
                    )
                }
                Reason::NewMembers { held, members, waiting_days, .. } => {
                    format!(
                        "{} {held}: {} {}, {} {waiting_days} {}",
                        t(lang, "held on", "実施日"),
                        members.len(),
                        t(lang, "new members untrained", "名の新メンバーが未受講"),
                        t(lang, "waiting", "待機"),
                        t(lang, "days", "日")
                    )
                }
                _ => String::new(),
            })
            .zip(action.reasons.iter().map(reason_unit))
            .collect();
        // A grouped action's reasons name their units: the same reason in several units once,
        // with the units after it.
        let mut merged: Vec<(String, Vec<String>)> = Vec::new();
        for (text, unit) in reasons {
            let at = match merged.iter().position(|(t, _)| *t == text) {
                Some(at) => at,
                None => {
                    merged.push((text, Vec::new()));
                    merged.len() - 1
                }
            };
            if let (Some(u), false, Some((_, units))) = (unit, action.units.is_empty(), merged.get_mut(at)) {
                units.push(unit_name(u));
            }
        }
        let reasons: Vec<String> = merged
            .into_iter()
            .map(|(text, units)| if units.is_empty() { text } else { format!("{text} ({})", units.join(", ")) })
            .collect();
        let _ = writeln!(out, "      {}", reasons.join("; "));
    }

    // The schedule in one line.
    let count = |s: Status| a.plan.instances.iter().filter(|i| i.status == s).count();
    let _ = writeln!(
        out,
        "\n{}: {} {}, {} {}, {} {}, {} {}; {} {}",
        t(lang, "Rollout", "展開計画"),
        count(Status::Done),
        t(lang, "done", "完了"),
        count(Status::Overdue),
        t(lang, "overdue", "期限超過"),
        count(Status::Ready),
        t(lang, "ready", "着手可能"),
        count(Status::Blocked),
        t(lang, "blocked", "待ち"),
        t(lang, "projected finish", "完了見込み"),
        a.plan.projected_finish
    );

    // KPIs by unit.
    out.push('\n');
    scope_header(lang, out);
    for s in a.kpis.scopes.iter().filter(|s| !matches!(s.scope, teichaku::metrics::Scope::Role(_))) {
        let _ = writeln!(out, "{}", scope_line(snapshot, s, lang));
    }
    provenance_line(out, lang, a.document_version, &a.playbook, a.playbook_revision);
}

/// The unit a reason names: the instance's, for an activity's readiness, lateness or recurrence.
fn reason_unit(reason: &Reason) -> Option<teichaku::model::UnitId> {
    match reason {
        Reason::ActivityReady { unit, .. }
        | Reason::Overdue { unit, .. }
        | Reason::RecurrenceDue { unit, .. }
        | Reason::NewMembers { unit, .. } => *unit,
        _ => None,
    }
}
/// Why the level is lower than the score says, when the scope's use limits it.
pub(crate) fn ceiling_line(score: &teichaku::metrics::ScoreReport, lang: Lang) -> Option<&'static str> {
    match score.ceiling? {
        teichaku::metrics::Level::Installed => Some(t(
            lang,
            "level at most Installed: nobody used AI in the last 7 days",
            "レベルは最大で導入のみ: 直近7日間にAIを使った人がいない",
        )),
        teichaku::metrics::Level::Trial => Some(t(
            lang,
            "level at most Trial: weekly-active under the failing threshold",
            "レベルは最大で試行: 週次利用率が失敗の基準未満",
        )),
        _ => None,
    }
}

/// The playbook's KPI targets: each organisation-wide one with its state, and the per-unit ones
/// that are missed. A withheld target shows nothing but that it is withheld.
fn targets_text(snapshot: &ValidSnapshot, a: &Assessment, lang: Lang, out: &mut String) {
    use teichaku::metrics::{Scope, TargetState};
    let targets = &a.kpis.targets;
    if targets.is_empty() {
        return;
    }
    let count = |s: TargetState| targets.iter().filter(|x| x.state == s).count();
    let _ = writeln!(
        out,
        "\n{} ({} {}, {} {}, {} {}):",
        t(lang, "Targets", "KPI目標"),
        count(TargetState::Met),
        t(lang, "met", "達成"),
        count(TargetState::Missed),
        t(lang, "missed", "未達"),
        count(TargetState::NotYetDue),
        t(lang, "not yet due", "期日前"),
    );
    for x in targets.iter().filter(|x| x.scope == Scope::Organisation || x.state == TargetState::Missed) {
        let op = if x.op == teichaku::model::Comparison::AtMost { "≤" } else { "≥" };
        let scope = match x.scope {
            Scope::Unit(u) => snapshot.unit(u).map_or_else(|| u.to_string(), |u| clean(&u.name).into_owned()),
            _ => t(lang, "organisation", "全社").to_owned(),
        };
        let due = x.due.map_or_else(|| t(lang, "after its activity", "起点の活動の後").to_owned(), |d| d.to_string());
        let value = x.value.map(|v| format!(": {v:.2}")).unwrap_or_default();
        let state = match x.state {
            TargetState::Met => format!("✓{value}"),
            TargetState::Missed => {
                let short =
                    x.shortfall.map(|s| format!(", {} {s:.2}", t(lang, "short by", "不足"))).unwrap_or_default();
                let never =
                    if x.value.is_none() && x.kpi.is_days_since() { t(lang, ": never", ": なし") } else { "" };
                format!("✗{value}{never}{short}")
            }
            TargetState::NotYetDue => t(lang, "not yet due", "期日前").to_owned(),
            TargetState::Withheld => t(lang, "withheld", "非表示").to_owned(),
            _ => "n/a".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} {op} {} ({scope}, {} {due}) {state}",
            x.kpi.name(),
            x.threshold,
            t(lang, "from", "期日")
        );
    }
}

/// The pack of the next review due: each measure with its value, what it is compared with, and
/// who must supply what is missing.
fn review_text(snapshot: &ValidSnapshot, a: &Assessment, lang: Lang, out: &mut String) {
    use teichaku::rollout::Measure;
    let Some(pack) = a.reviews.next_due.and_then(|i| a.reviews.packs.get(i)) else { return };
    let title = snapshot
        .playbook()
        .activity(&pack.activity)
        .map_or_else(|| pack.activity.to_string(), |x| clean(x.title.get(lang)).into_owned());
    let due = pack.due.map(|d| format!(", {} {d}", t(lang, "due", "期日"))).unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{}: {title} ({} {} – {}{due}):",
        t(lang, "Next review", "次の振り返り"),
        t(lang, "period", "期間"),
        pack.period.from,
        pack.period.to
    );
    let figure = |f: &Figure<f64>| match f {
        Figure::Value(v) => format!("{v:.2}"),
        Figure::Suppressed => t(lang, "withheld", "非表示").to_owned(),
        _ => t(lang, "missing", "未入力").to_owned(),
    };
    for m in &pack.measures {
        let name = match &m.measure {
            Measure::Kpi { kpi } => kpi.name().to_owned(),
            Measure::Outcome { outcome } => {
                let declared = snapshot.playbook().outcome(outcome);
                declared.map_or_else(
                    || outcome.to_string(),
                    |o| format!("{} [{}]", clean(o.title.get(lang)), clean(&o.measured_in)),
                )
            }
            _ => String::new(),
        };
        let compared = m
            .comparison
            .as_ref()
            .filter(|c| !matches!(c, Figure::Undefined))
            .map(|c| format!(" ({} {})", t(lang, "was", "比較"), figure(c)))
            .unwrap_or_default();
        let who = m
            .supplied_by
            .map(|r| format!(" ← {}: {}", t(lang, "to supply", "提供"), role(r, lang)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {name}: {}{compared}{who}", figure(&m.value));
    }
}

/// The measured effect of each wave that has started: the change in the weekly-active and
/// habit rates against the units not reached yet, with its 95% interval.
fn effects_text(a: &Assessment, lang: Lang, out: &mut String) {
    use teichaku::metrics::Estimate;
    let started: Vec<_> = a.effects.waves.iter().filter(|w| w.start.is_some()).collect();
    if started.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}:",
        t(lang, "Effect of the rollout (vs units not yet reached)", "展開の効果（未展開の部署との比較）")
    );
    let estimate = |e: &Estimate| match e {
        Estimate::Estimated { effect, low, high, .. } => {
            format!("{:+.1} pt [{:+.1}, {:+.1}]", effect * 100.0, low * 100.0, high * 100.0)
        }
        _ => t(lang, "not enough data", "データ不足").to_owned(),
    };
    for w in started {
        let _ = writeln!(
            out,
            "  {} {} ({} {}, {} {}/{} {}): {} {}, {} {}",
            t(lang, "wave", "ウェーブ"),
            w.wave + 1,
            w.treated.units,
            t(lang, "units", "部署"),
            t(lang, "vs", "対"),
            w.control.units,
            w.control.members,
            t(lang, "people", "人"),
            t(lang, "weekly", "週次利用"),
            estimate(&w.weekly_active),
            t(lang, "habit", "習慣"),
            estimate(&w.habit),
        );
    }
}
