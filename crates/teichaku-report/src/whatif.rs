//! The what-if as text for people, in English or Japanese: what completing activities today
//! changes ([`teichaku::simulate`]) and the best single actions ([`teichaku::best_single_action`]),
//! as `teichaku whatif` prints it.

use std::fmt::Write as _;

use teichaku::model::{ActivityId, Completion, Lang, MemberId, UnitId, ValidSnapshot};
use teichaku::rollout::{ActionScope, InstanceKey, Status};
use teichaku::{Assessment, Changes, Unblocking};

use crate::words::{role, t};

/// The what-if report: the completions and what they change (when `changes` is given), then the
/// first `top` of the best single actions (none when `top` is 0), then the line naming the
/// engine, format and playbook. Names from the document are written on one line each, their
/// control characters escaped.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let before = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let best = teichaku::best_single_action(&snapshot, &before)?;
/// let text = teichaku_report::whatif_text(&snapshot, &before, &[], None, &best, 3, Lang::Ja);
/// assert!(text.contains("今日の一手"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn whatif_text(
    snapshot: &ValidSnapshot,
    before: &Assessment,
    completed: &[Completion],
    changes: Option<&Changes>,
    best: &[Unblocking],
    top: usize,
    lang: Lang,
) -> String {
    let mut out = String::new();
    // Units and roles as they were on `as_of`, as the assessment counts them.
    let snapshot = &*snapshot.on(before.as_of);
    render(snapshot, before, completed, changes, best, top, lang, &mut out);
    out
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
        provenance(out, lang, before);
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
    provenance(out, lang, before);
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
fn member_label(snapshot: &ValidSnapshot, member: MemberId) -> String {
    let org = snapshot.organisation();
    let name = snapshot.member(member).and_then(|m| m.name.clone());
    match (org.keys.label(member), name) {
        (Some(key), Some(name)) => format!("{key} {name}"),
        (Some(key), None) => key.to_owned(),
        (None, Some(name)) => name,
        (None, None) => member.to_string(),
    }
}

/// The last line: the engine, the document format and the playbook, so the report can be
/// reproduced.
fn provenance(out: &mut String, lang: Lang, a: &Assessment) {
    let _ = writeln!(
        out,
        "\nteichaku {} · {} {} · {} {} rev {}",
        teichaku::ENGINE_VERSION,
        t(lang, "document format", "文書形式"),
        a.document_version,
        t(lang, "playbook", "プレイブック"),
        a.playbook,
        a.playbook_revision
    );
}

/// `text` safe on one line: control characters, line and paragraph separators and
/// bidirectional overrides written as `\u{..}` escapes, every other character kept.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    std::borrow::Cow::Owned(escaped)
}
