//! `teichaku whatif`: the assessment again with activities completed on `as_of` and what changed
//! ([`teichaku::simulate`]), and the single ready action that would unblock the most work and
//! people ([`teichaku::best_single_action`]).

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use teichaku::model::{ActivityId, Completion, Lang, Observations, UnitId, ValidSnapshot};
use teichaku::rollout::{ActionScope, InstanceKey, Status};
use teichaku::{Assessment, Catalog, Changes, Unblocking};

use crate::kpis::load_with_events;
use crate::render::{clean, provenance_line, role, t};
use crate::{Failure, Format, json};

/// The arguments of `teichaku whatif`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The assessment document, or `-` for standard input.
    file: PathBuf,
    /// The last day that counts, such as 2026-11-01; today in the organisation's offset when
    /// left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// An activity to take as completed on the as-of day: `ACTIVITY` (an organisation-wide
    /// activity, or each ready or overdue instance of a per-unit one) or `ACTIVITY@UNIT` (a unit
    /// id, code or name); may be given several times.
    #[arg(long = "complete", value_name = "ACTIVITY")]
    complete: Vec<String>,
    /// A CSV or JSON Lines file of further usage events; may be given several times.
    #[arg(long = "events", value_name = "FILE")]
    events: Vec<PathBuf>,
    /// Compute even when some event lines are malformed (they are counted as `assess` counts them).
    #[arg(long)]
    skip_bad_lines: bool,
    /// How many single actions the text output ranks (JSON lists them all).
    #[arg(long, default_value_t = 5, value_name = "N")]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What `teichaku whatif --format json` prints.
#[derive(Serialize)]
struct Output<'a> {
    engine_version: &'static str,
    as_of: NaiveDate,
    /// The completions taken as done, one per instance.
    completed: &'a [Completion],
    /// What differs once they are done; absent without `--complete`.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a Changes>,
    /// Every candidate single action of the assessment as it is, best first.
    best_single_actions: &'a [Unblocking],
}

pub(crate) fn run(req: &Request, catalog: &Catalog, lang: Lang, out: &mut String) -> Result<u8, Failure> {
    let loaded = load_with_events(&req.file, &req.events, req.skip_bad_lines, catalog)?;
    let snapshot = &loaded.snapshot;
    let as_of = req.as_of.unwrap_or_else(|| crate::today(snapshot.organisation().utc_offset));
    let options = teichaku::AssessOptions::default();
    let before = teichaku::assess_with_store(snapshot, &loaded.store, as_of, &options)
        .map_err(|e| Failure::input(e.to_string()))?;
    let mut completed = Vec::new();
    for text in &req.complete {
        completed.extend(completions(snapshot, &before, text, as_of)?);
    }
    let changes = if completed.is_empty() {
        None
    } else {
        let extra = Observations { completions: completed.clone(), ..Observations::default() };
        // The document's events and the streamed ones count as in `assess`, before and after.
        let what_if = teichaku::simulate_with_store(snapshot, &loaded.store, as_of, extra, &options)
            .map_err(|e| Failure::input(e.to_string()))?;
        Some(what_if.changes)
    };
    let best = teichaku::best_single_action(snapshot, &before).map_err(|e| Failure::input(e.to_string()))?;
    match req.format {
        Format::Json => {
            *out = json(&Output {
                engine_version: teichaku::ENGINE_VERSION,
                as_of,
                completed: &completed,
                changes: changes.as_ref(),
                best_single_actions: &best,
            })?;
        }
        Format::Text => {
            render(snapshot, &before, &completed, changes.as_ref(), &best, req.top, lang, out);
            if req.as_of.is_none() {
                crate::mark_today(out, as_of, lang);
            }
        }
    }
    Ok(0)
}

/// The completions on `as_of` that `--complete TEXT` stands for: `ACTIVITY` is the activity
/// organisation-wide, or each ready or overdue instance of a per-unit activity; `ACTIVITY@UNIT` is
/// its instance in one unit, named by id, code or name.
fn completions(
    snapshot: &ValidSnapshot,
    before: &Assessment,
    text: &str,
    as_of: NaiveDate,
) -> Result<Vec<Completion>, Failure> {
    let (activity, unit) = match text.split_once('@') {
        Some((a, u)) => (a, Some(u)),
        None => (text, None),
    };
    let known = || snapshot.activities_in_order().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ");
    let id = ActivityId::new(activity).ok().filter(|id| snapshot.activity(id).is_some()).ok_or_else(|| {
        Failure::input(format!(
            "--complete {text}: unknown activity `{activity}`: the playbook's activities are {}",
            known()
        ))
    })?;
    let per_unit = snapshot.activity(&id).is_some_and(|a| !a.scope.is_organisation());
    match (per_unit, unit) {
        (false, None) => Ok(vec![Completion::new(id, as_of)]),
        (false, Some(_)) => Err(Failure::input(format!(
            "--complete {text}: `{activity}` is done once for the whole organisation; leave out `@UNIT`"
        ))),
        (true, Some(unit)) => {
            let unit = find_unit(snapshot, unit).ok_or_else(|| {
                Failure::input(format!("--complete {text}: unknown unit `{unit}`: expected a unit id, code or name"))
            })?;
            Ok(vec![Completion::new(id, as_of).in_unit(unit)])
        }
        (true, None) => {
            let open: Vec<Completion> = before
                .plan
                .instances
                .iter()
                .filter(|i| i.key.activity == id && matches!(i.status, Status::Ready | Status::Overdue))
                .filter_map(|i| i.key.unit)
                .map(|u| Completion::new(id.clone(), as_of).in_unit(u))
                .collect();
            if open.is_empty() {
                return Err(Failure::input(format!(
                    "--complete {text}: no instance of `{activity}` is ready or overdue; name a unit with `{activity}@UNIT`"
                )));
            }
            Ok(open)
        }
    }
}

/// A unit by its id, its own code or its name.
fn find_unit(snapshot: &ValidSnapshot, text: &str) -> Option<UnitId> {
    let org = snapshot.organisation();
    text.parse::<UnitId>()
        .ok()
        .filter(|u| snapshot.unit(*u).is_some())
        .or_else(|| org.keys.units.iter().find(|k| k.code == text).map(|k| k.unit))
        .or_else(|| org.units.iter().find(|u| u.name == text).map(|u| u.id))
}

/// The text report: what changed with the completions, then the best single actions.
#[expect(clippy::too_many_arguments, reason = "the report's parts and where it goes")]
fn render(
    snapshot: &ValidSnapshot,
    before: &Assessment,
    completed: &[Completion],
    changes: Option<&Changes>,
    best: &[Unblocking],
    top: usize,
    lang: Lang,
    out: &mut String,
) {
    let _ = writeln!(
        out,
        "{} — {} {}",
        clean(&snapshot.organisation().name),
        t(lang, "what-if as of", "仮定の試算 基準日"),
        before.as_of
    );
    if let Some(changes) = changes {
        let done: Vec<String> = completed.iter().map(|c| instance(snapshot, &c.activity, c.unit, lang)).collect();
        let _ = writeln!(out, "\n{}: {}", t(lang, "If completed today", "本日完了した場合"), done.join("; "));
        changes_text(snapshot, changes, lang, out);
    }
    if top == 0 {
        provenance_line(out, lang, before.document_version, &before.playbook, before.playbook_revision);
        return;
    }
    let _ = writeln!(
        out,
        "\n{} ({} {}):",
        t(lang, "Best single action today", "今日の一手（単独で最も効く行動）"),
        t(lang, "top", "上位"),
        top.min(best.len())
    );
    if best.is_empty() {
        let _ = writeln!(out, "  {}", t(lang, "no action is ready to start", "着手可能な行動はありません"));
    }
    for (n, b) in best.iter().take(top).enumerate() {
        let title = before
            .actions
            .actions
            .iter()
            .find(|a| a.code == b.code && a.scope == b.scope)
            .map_or_else(|| b.code.clone(), |a| clean(a.title.get(lang)).into_owned());
        let _ = writeln!(
            out,
            "{:>2}. {title} — {}: {} {} {}, {} {}",
            n + 1,
            action_scope(snapshot, b.scope, lang),
            t(lang, "unblocks", "解除"),
            b.instances_unblocked,
            if b.instances_unblocked == 1 { t(lang, "instance", "件") } else { t(lang, "instances", "件") },
            b.members_unblocked,
            if b.members_unblocked == 1 { t(lang, "person", "人") } else { t(lang, "people", "人") }
        );
        if !b.instances.is_empty() {
            let _ = writeln!(out, "      {}: {}", t(lang, "completes", "完了"), keys(snapshot, &b.instances, lang));
        }
        for (member, r) in &b.appointed {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                t(lang, "appoints", "任命"),
                clean(&member_label(snapshot, *member)),
                role(*r, lang)
            );
        }
        if !b.unblocked.is_empty() {
            let _ = writeln!(
                out,
                "      {}: {}",
                t(lang, "then startable", "着手可能になる"),
                keys(snapshot, &b.unblocked, lang)
            );
        }
    }
    provenance_line(out, lang, before.document_version, &before.playbook, before.playbook_revision);
}

/// The changes, one line each; "nothing changes" when there are none.
fn changes_text(snapshot: &ValidSnapshot, c: &Changes, lang: Lang, out: &mut String) {
    if c.is_empty() {
        let _ = writeln!(out, "  {}", t(lang, "nothing changes", "変化なし"));
        return;
    }
    let pb = snapshot.playbook();
    let phase = |p: &Option<teichaku::model::PhaseId>| match p {
        Some(id) => {
            let n = pb.phases.iter().position(|x| &x.id == id).map_or(0, |n| n + 1);
            format!("{n}. {}", clean(pb.phase(id).map_or(id.as_str(), |x| x.title.get(lang))))
        }
        None => t(lang, "every gate passed", "全フェーズ完了").to_owned(),
    };
    let arrow = |changed: bool| if changed { "→" } else { "=" };
    let _ = writeln!(
        out,
        "  {}: {} {} {}",
        t(lang, "Phase", "フェーズ"),
        phase(&c.phase.before),
        arrow(c.phase.changed()),
        phase(&c.phase.after)
    );
    let _ = writeln!(
        out,
        "  {}: {:.0}% {} {:.0}%",
        t(lang, "Readiness", "移行準備度"),
        c.readiness_percent.before,
        arrow(c.readiness_percent.changed()),
        c.readiness_percent.after
    );
    let score = |s: Option<f64>| s.map_or_else(|| t(lang, "not shown", "非表示").to_owned(), |s| format!("{s:.1}"));
    let _ = writeln!(
        out,
        "  {}: {} {} {}",
        t(lang, "Retention score", "定着スコア"),
        score(c.score.before),
        arrow(c.score.changed()),
        score(c.score.after)
    );
    let barrier = |b: &Option<teichaku::rollout::Barrier>| match b {
        Some(b) => {
            let title = pb
                .phase(&b.phase)
                .and_then(|p| p.gate.criteria.iter().find(|x| x.id == b.criterion))
                .map_or(b.criterion.as_str(), |x| x.title.get(lang));
            format!("{} [{}]", clean(title), b.criterion)
        }
        None => t(lang, "none", "なし").to_owned(),
    };
    let _ = writeln!(
        out,
        "  {}: {} {} {}",
        t(lang, "Barrier point", "ボトルネック"),
        barrier(&c.barrier.before),
        arrow(c.barrier.changed()),
        barrier(&c.barrier.after)
    );
    if !c.instances.is_empty() {
        let _ = writeln!(out, "  {} ({}):", t(lang, "Instances changed", "状態が変わる作業"), c.instances.len());
        for i in &c.instances {
            let _ = writeln!(
                out,
                "    {}: {} → {}",
                instance(snapshot, &i.key.activity, i.key.unit, lang),
                status(i.from, lang),
                status(i.to, lang)
            );
        }
    }
    for (title, refs) in [
        (t(lang, "Actions added", "新たに出る行動"), &c.actions_added),
        (t(lang, "Actions removed", "不要になる行動"), &c.actions_removed),
    ] {
        if refs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {title} ({}):", refs.len());
        for r in refs {
            let _ = writeln!(out, "    {} — {}", clean(&r.code), action_scope(snapshot, r.scope, lang));
        }
    }
}

fn status(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Done => t(lang, "done", "完了"),
        Status::Overdue => t(lang, "overdue", "期限超過"),
        Status::Ready => t(lang, "ready", "着手可能"),
        Status::Blocked => t(lang, "blocked", "待ち"),
        _ => "?",
    }
}

/// An instance as `activity title (unit)`, the activity's id in brackets.
fn instance(snapshot: &ValidSnapshot, activity: &ActivityId, unit: Option<UnitId>, lang: Lang) -> String {
    let title = snapshot.activity(activity).map_or(activity.as_str(), |a| a.title.get(lang));
    let place = match unit {
        Some(u) => unit_name(snapshot, u),
        None => t(lang, "organisation", "全社").to_owned(),
    };
    format!("{} [{activity}] ({place})", clean(title))
}

fn keys(snapshot: &ValidSnapshot, keys: &[InstanceKey], lang: Lang) -> String {
    keys.iter().map(|k| instance(snapshot, &k.activity, k.unit, lang)).collect::<Vec<_>>().join("; ")
}

fn unit_name(snapshot: &ValidSnapshot, u: UnitId) -> String {
    snapshot.unit(u).map_or_else(|| u.to_string(), |u| clean(&u.name).into_owned())
}

fn action_scope(snapshot: &ValidSnapshot, scope: ActionScope, lang: Lang) -> String {
    match scope {
        ActionScope::Unit(u) => unit_name(snapshot, u),
        _ => t(lang, "organisation", "全社").to_owned(),
    }
}

/// A member as the organisation names them: their key or e-mail, else their name, else their id.
fn member_label(snapshot: &ValidSnapshot, member: teichaku::model::MemberId) -> String {
    let org = snapshot.organisation();
    let name = snapshot.member(member).and_then(|m| m.name.clone());
    match (org.keys.label(member), name) {
        (Some(key), Some(name)) => format!("{key} {name}"),
        (Some(key), None) => key.to_owned(),
        (None, Some(name)) => name,
        (None, None) => member.to_string(),
    }
}
