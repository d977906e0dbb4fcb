//! The what-if as text for people, in English or Japanese: what completing activities today
//! changes ([`teichaku::simulate`]) and the best single actions ([`teichaku::best_single_action`]),
//! as `teichaku whatif` prints it.

use std::fmt::Write as _;

use teichaku::model::{ActivityId, Completion, Lang, MemberId, UnitId, ValidSnapshot};
use teichaku::rollout::{ActionScope, InstanceKey};
use teichaku::{Assessment, Changes, Unblocking};

use crate::format::{count, fixed};
use crate::text::clean;
use crate::words::{Missing, Title, role, t, unmet};

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
        let _ = writeln!(
            out,
            "\n{}{}",
            t(lang, "If completed today: ", "本日完了した場合："),
            done.join(t(lang, "; ", "／"))
        );
        changes_text(snapshot, changes, lang, out);
    }
    if top == 0 {
        provenance(out, lang, before);
        return;
    }
    let _ = match lang {
        Lang::Ja => writeln!(out, "\n今日の一手（単独で最も効く行動、上位 {}）：", top.min(best.len())),
        _ => writeln!(out, "\nBest single action today (top {}):", top.min(best.len())),
    };
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
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "{:>2}. {title} — {}：作業{}件・{}人の待ちを解除",
                n + 1,
                action_scope(snapshot, b.scope, lang),
                b.instances_unblocked,
                b.members_unblocked,
            ),
            _ => writeln!(
                out,
                "{:>2}. {title} — {}: unblocks {}, {}",
                n + 1,
                action_scope(snapshot, b.scope, lang),
                count(b.instances_unblocked as u64, "instance", "instances", "件", lang),
                count(b.members_unblocked as u64, "person", "people", "人", lang),
            ),
        };
        if !b.instances.is_empty() {
            let _ = writeln!(out, "      {}{}", t(lang, "completes: ", "完了："), keys(snapshot, &b.instances, lang));
        }
        for (member, r) in &b.appointed {
            let _ = writeln!(
                out,
                "      {}{} → {}",
                t(lang, "appoints: ", "任命："),
                clean(&member_label(snapshot, *member)),
                role(*r, lang)
            );
        }
        if !b.unblocked.is_empty() {
            let _ = writeln!(
                out,
                "      {}{}",
                t(lang, "then startable: ", "着手可能になる："),
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
        "  {}{} {} {}",
        t(lang, "Phase: ", "フェーズ："),
        phase(&c.phase.before),
        arrow(c.phase.changed()),
        phase(&c.phase.after)
    );
    let _ = writeln!(
        out,
        "  {}{}% {} {}%",
        t(lang, "Readiness: ", "移行準備度："),
        fixed(c.readiness_percent.before, 1),
        arrow(c.readiness_percent.changed()),
        fixed(c.readiness_percent.after, 1)
    );
    let score = |s: Option<f64>| s.map_or_else(|| Missing::Withheld.title(lang).to_owned(), |s| fixed(s, 1));
    let _ = writeln!(
        out,
        "  {}{} {} {}",
        t(lang, "Retention score: ", "定着スコア："),
        score(c.score.before),
        arrow(c.score.changed()),
        score(c.score.after)
    );
    let barrier = |b: &Option<teichaku::rollout::Barrier>| match b {
        Some(b) => format!(
            "{}{}{}{}",
            unmet(snapshot, &b.criterion, lang),
            t(lang, " [", "［"),
            b.criterion,
            t(lang, "]", "］")
        ),
        None => t(lang, "none", "なし").to_owned(),
    };
    let _ = writeln!(
        out,
        "  {}{} {} {}",
        t(lang, "Barrier point: ", "ボトルネック："),
        barrier(&c.barrier.before),
        arrow(c.barrier.changed()),
        barrier(&c.barrier.after)
    );
    if !c.instances.is_empty() {
        let _ = match lang {
            Lang::Ja => writeln!(out, "  状態が変わる作業（{}件）：", c.instances.len()),
            _ => writeln!(out, "  Instances changed ({}):", c.instances.len()),
        };
        for i in &c.instances {
            let _ = writeln!(
                out,
                "    {}{}{} → {}",
                instance(snapshot, &i.key.activity, i.key.unit, lang),
                t(lang, ": ", "："),
                i.from.title(lang),
                i.to.title(lang)
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
        let _ = match lang {
            Lang::Ja => writeln!(out, "  {title}（{}件）：", refs.len()),
            _ => writeln!(out, "  {title} ({}):", refs.len()),
        };
        for r in refs {
            let _ = writeln!(
                out,
                "    {} — {}",
                action_name(snapshot, &r.code, lang),
                action_scope(snapshot, r.scope, lang)
            );
        }
    }
}

/// An instance as `activity title (unit)`, the activity's id in brackets.
fn instance(snapshot: &ValidSnapshot, activity: &ActivityId, unit: Option<UnitId>, lang: Lang) -> String {
    let title = snapshot.activity(activity).map_or(activity.as_str(), |a| a.title.get(lang));
    let place = match unit {
        Some(u) => unit_name(snapshot, u),
        None => t(lang, "organisation", "全社").to_owned(),
    };
    match lang {
        Lang::Ja => format!("{}［{activity}］（{place}）", clean(title)),
        _ => format!("{} [{activity}] ({place})", clean(title)),
    }
}

/// An action by its code: an activity's or intervention's title with its id, else the code.
fn action_name(snapshot: &ValidSnapshot, code: &str, lang: Lang) -> String {
    let pb = snapshot.playbook();
    let title = match code.split_once(':') {
        Some(("activity", id)) => pb.activities.iter().find(|a| a.id.as_str() == id).map(|a| (a.title.get(lang), id)),
        Some(("intervention", id)) => {
            pb.interventions.iter().find(|i| i.id.as_str() == id).map(|i| (i.title.get(lang), id))
        }
        _ => None,
    };
    match (title, lang) {
        (Some((title, id)), Lang::Ja) => format!("{}［{}］", clean(title), clean(id)),
        (Some((title, id)), _) => format!("{} [{}]", clean(title), clean(id)),
        (None, _) => clean(code).into_owned(),
    }
}

fn keys(snapshot: &ValidSnapshot, keys: &[InstanceKey], lang: Lang) -> String {
    keys.iter().map(|k| instance(snapshot, &k.activity, k.unit, lang)).collect::<Vec<_>>().join(t(lang, "; ", "／"))
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
    let _ = writeln!(out, "\n{}", crate::text::provenance(a.document_version, &a.playbook, a.playbook_revision, lang));
}
