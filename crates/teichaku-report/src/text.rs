//! The text reports for people, in English or Japanese, as `teichaku assess`, `kpis`,
//! `playbooks` and `show` print them: plain lines, tables aligned by display width, every name
//! from a document on one line with its control characters escaped ([`clean`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use teichaku::metrics::{Estimate, Figure, KpiReport, Rate, Scope, ScopeKpis, ScoreReport, TargetState};
use teichaku::model::{Activity, ActivityScope, Anchor, Check, Lang, Playbook, PlaybookId, UnitId, ValidSnapshot};
use teichaku::rollout::{ActionScope, Reason, Status, WaveBlock};
use teichaku::{Assessment, Catalog};

use crate::format::{count, cut, days, fixed, hours, kpi_gap, kpi_value, minutes, pad_left, pad_right, percent};
use crate::words::{
    Missing, Title, action_title, cadence, comparison, condition, outcome_measure, reason, t, unit, unmet,
};

/// The punctuation of a language: Japanese takes full-width brackets and colons, with no space
/// around them.
struct Punct {
    colon: &'static str,
    open: &'static str,
    close: &'static str,
    id_open: &'static str,
    id_close: &'static str,
    comma: &'static str,
    semi: &'static str,
}

fn punct(lang: Lang) -> Punct {
    match lang {
        Lang::Ja => {
            Punct {
                colon: "：", open: "（", close: "）", id_open: "［", id_close: "］", comma: "、", semi: "／"
            }
        }
        _ => Punct { colon: ": ", open: " (", close: ")", id_open: " [", id_close: "]", comma: ", ", semi: "; " },
    }
}

/// The most items a list of units (or of their reasons) shows on one line of the text report;
/// past it, the line says how many more there are. An organisation of thousands of units would
/// otherwise print every unit's name on one line; the JSON report keeps every one.
pub(crate) const LISTED: usize = 8;

/// The first [`LISTED`] of `count` names joined by `separator`, then how many more there are
/// ("A, B and 3 more", 「A、Bほか3件」). `names` is read no further than it is shown.
fn listed(names: impl Iterator<Item = String>, count: usize, separator: &str, lang: Lang) -> String {
    let shown = names.take(LISTED).collect::<Vec<_>>().join(separator);
    match (count.saturating_sub(LISTED), lang) {
        (0, _) => shown,
        (more, Lang::Ja) => format!("{shown}ほか{more}件"),
        (more, _) => format!("{shown} and {more} more"),
    }
}

/// The first [`LISTED`] of `count` sentences joined by `separator`, and how many more there are
/// as one more sentence ("A; B; 3 more", 「A／B／ほか3件」).
fn listed_sentences(sentences: impl Iterator<Item = String>, count: usize, separator: &str, lang: Lang) -> String {
    let mut shown: Vec<String> = sentences.take(LISTED).collect();
    match (count.saturating_sub(LISTED), lang) {
        (0, _) => {}
        (more, Lang::Ja) => shown.push(format!("ほか{more}件")),
        (more, _) => shown.push(format!("{more} more")),
    }
    shown.join(separator)
}

/// `text` safe to print on one line of a text report: control characters (a line break, a
/// carriage return, an escape sequence's ESC), the Unicode line and paragraph separators and the
/// bidirectional overrides are written as `\u{..}` escapes, so a name from a document can
/// neither forge lines nor reorder what a terminal shows. Every other character, Japanese text
/// and joiners included, is kept as it is.
///
/// ```
/// assert_eq!(teichaku_report::clean("営業部\n2行目"), r"営業部\u{a}2行目");
/// assert_eq!(teichaku_report::clean("a\u{202e}b"), r"a\u{202e}b");
/// assert_eq!(teichaku_report::clean("カ\u{3099}"), "カ\u{3099}");
/// ```
#[must_use]
pub fn clean(text: &str) -> Cow<'_, str> {
    let hidden = crate::format::hidden;
    if !text.contains(hidden) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// [`clean`] for a text of several lines: each line is cleaned, the line breaks between them kept.
///
/// ```
/// assert_eq!(teichaku_report::clean_lines("a\nb\u{1b}"), "a\nb\\u{1b}");
/// ```
#[must_use]
pub fn clean_lines(text: &str) -> String {
    text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

/// The last line of a text report: what produced it, so a printed or pasted report can be
/// reproduced (the engine, the document's format version, the playbook and its revision).
///
/// ```
/// use teichaku::model::{Lang, PlaybookId};
/// let id = PlaybookId::new("sme-five-step")?;
/// let line = teichaku_report::provenance(1, &id, 4, Lang::Ja);
/// assert!(line.starts_with("teichaku ") && line.ends_with("プレイブック sme-five-step 第4版"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn provenance(document_version: u32, playbook: &PlaybookId, revision: u32, lang: Lang) -> String {
    let engine = teichaku::ENGINE_VERSION;
    match lang {
        Lang::Ja => format!("teichaku {engine} · 文書形式 {document_version} · プレイブック {playbook} 第{revision}版"),
        _ => format!("teichaku {engine} · document format {document_version} · playbook {playbook} rev {revision}"),
    }
}

/// A playbook's revision: `rev 4`, `第4版`.
fn revision(r: u32, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("第{r}版"),
        _ => format!("rev {r}"),
    }
}

/// The assessment a promotion lead reads: phase and readiness, the barrier point, the waves,
/// the retention score and its components, the KPI targets, the next review, the rollout's
/// measured effect, the `top` next actions with owners, due dates and reasons, the rollout in
/// one line, the KPIs by unit, and the line naming the engine, format and playbook.
///
/// Rates are percentages with one decimal, day counts in days; a figure the metrics withhold is
/// the word "withheld" (非表示) and nothing else.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let text = teichaku_report::assessment_text(&snapshot, &a, 10, Lang::Ja);
/// assert!(text.contains("定着スコア：") && text.contains("拡大中"));
/// assert!(!text.contains("Spreading") && !text.contains("HabitRate"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn assessment_text(snapshot: &ValidSnapshot, a: &Assessment, top: usize, lang: Lang) -> String {
    let mut out = String::new();
    let p = punct(lang);
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let since = (a.as_of - org.launch_date).num_days();
    let _ = match lang {
        Lang::Ja => writeln!(out, "{} — アセスメント 基準日 {}（導入から{since}日目）", clean(&org.name), a.as_of),
        _ => writeln!(out, "{} — assessment as of {} (day {since} after launch)", clean(&org.name), a.as_of),
    };
    let _ = writeln!(
        out,
        "{}{}{}{}{}{}{}{}\n",
        t(lang, "Playbook", "プレイブック"),
        p.colon,
        pb.id,
        p.open,
        revision(pb.revision, lang),
        p.close,
        t(lang, " ", ""),
        clean(pb.title.get(lang))
    );

    // Phase and readiness.
    match &a.readiness.current_phase {
        Some(current) => {
            let index = pb.phases.iter().position(|x| &x.id == current).unwrap_or(0);
            let title = clean(pb.phase(current).map_or("", |x| x.title.get(lang)));
            let gate = a.readiness.phases.iter().find(|g| &g.phase == current);
            let _ = writeln!(
                out,
                "{}{}{}. {title} — {} {}{}{} {}{}",
                t(lang, "Phase", "フェーズ"),
                p.colon,
                index + 1,
                t(lang, "readiness", "移行準備度"),
                percent(gate.map_or(0.0, |g| g.readiness)),
                p.open,
                t(lang, "passes at", "通過ライン"),
                percent(gate.map_or(0.0, |g| g.pass_at)),
                p.close,
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
        let _ = writeln!(
            out,
            "{}{}{}{}{}{}",
            t(lang, "Barrier point (fix first)", "ボトルネック（最優先）"),
            p.colon,
            unmet(snapshot, &b.criterion, lang),
            p.id_open,
            b.criterion,
            p.id_close
        );
    }
    for w in a.readiness.waves.iter().skip(1) {
        let state = if w.may_start { t(lang, "may start", "開始可能") } else { t(lang, "blocked", "保留") };
        let names = listed(w.units.iter().map(|u| unit(snapshot, *u)), w.units.len(), p.comma, lang);
        let name = match lang {
            Lang::Ja => crate::words::wave(w.wave, lang),
            _ => format!("Wave {}", w.wave + 1),
        };
        let _ = write!(out, "{name}{}{names}{}{}{state}", p.open, p.close, p.colon);
        let reasons = w.blocked_by.iter().map(|b| match (b, lang) {
            (WaveBlock::RoleMissing { unit: u, role, .. }, Lang::Ja) => {
                format!("{}に{}が不在", unit(snapshot, *u), role.title(lang))
            }
            (WaveBlock::RoleMissing { unit: u, role, .. }, _) => {
                format!("{} has no {}", unit(snapshot, *u), role.title(lang))
            }
            (WaveBlock::PreviousWave { wave }, Lang::Ja) => {
                format!("{}がまだ開始できない", crate::words::wave(*wave, lang))
            }
            (WaveBlock::PreviousWave { wave }, _) => format!("wave {} may not start yet", wave + 1),
            (WaveBlock::PreviousWaveGate { unit: u, .. }, Lang::Ja) => {
                format!("{}が最初の移行条件を満たしていない", unit(snapshot, *u))
            }
            (WaveBlock::PreviousWaveGate { unit: u, .. }, _) => {
                format!("{} has not passed the first gate", unit(snapshot, *u))
            }
            _ => String::new(),
        });
        if !w.blocked_by.is_empty() {
            let reasons = listed_sentences(reasons, w.blocked_by.len(), p.semi, lang);
            let _ = write!(out, " — {reasons}");
        }
        if !w.ahead.is_empty() {
            let names = listed(w.ahead.iter().map(|u| unit(snapshot, *u)), w.ahead.len(), p.comma, lang);
            let _ = match lang {
                Lang::Ja => write!(out, "（利用が広がっている{names}は先行して開始）"),
                _ => write!(out, " (ahead, use already rises: {names})"),
            };
        }
        out.push('\n');
    }

    // The retention score.
    if let Some(Figure::Value(score)) = a.kpis.scopes.first().map(|s| &s.score) {
        score_text(score, lang, &mut out);
    }

    targets_text(snapshot, a, lang, &mut out);
    review_text(snapshot, a, lang, &mut out);
    effects_text(a, lang, &mut out);
    actions_text(snapshot, a, top, lang, &mut out);

    // The schedule in one line.
    let n = |s: Status| a.plan.instances.iter().filter(|i| i.status == s).count();
    let _ = match lang {
        Lang::Ja => writeln!(
            out,
            "\n展開計画：完了 {}、期限超過 {}、着手可能 {}、待ち {}／完了見込み {}",
            n(Status::Done),
            n(Status::Overdue),
            n(Status::Ready),
            n(Status::Blocked),
            a.plan.projected_finish
        ),
        _ => writeln!(
            out,
            "\nRollout: {} done, {} overdue, {} ready, {} blocked; projected finish {}",
            n(Status::Done),
            n(Status::Overdue),
            n(Status::Ready),
            n(Status::Blocked),
            a.plan.projected_finish
        ),
    };

    // KPIs by unit.
    out.push('\n');
    out.push_str(&scope_table(snapshot, a.kpis.scopes.iter().filter(|s| !matches!(s.scope, Scope::Role(_))), lang));
    let _ = writeln!(out, "\n{}", provenance(a.document_version, &a.playbook, a.playbook_revision, lang));
    out
}

/// The score, its level and cap, then each component: its value against the value earning full
/// points, and its points against its weight.
fn score_text(score: &ScoreReport, lang: Lang, out: &mut String) {
    let p = punct(lang);
    let cap = score
        .cap
        .map(|c| format!("{}{} {}", t(lang, ", ", "、"), t(lang, "capped at", "上限"), fixed(c, 0)))
        .unwrap_or_default();
    let failing = if score.failing {
        t(
            lang,
            " — FAILING: weekly-active under 20% three months after launch",
            " — 要注意：導入3か月後も週次利用率が20%未満",
        )
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "\n{}{}{}{}{}{}{cap}{failing}",
        t(lang, "Retention score", "定着スコア"),
        p.colon,
        fixed(score.score, 1),
        p.open,
        score.level.title(lang),
        p.close,
    );
    let pts = t(lang, " pts", "点");
    let rows: Vec<[String; 4]> = score
        .components
        .iter()
        .map(|c| {
            [
                c.component.title(lang).to_owned(),
                component_value(c.value, c.withheld, c.not_measurable, c.kpi, lang),
                kpi_value(c.kpi, c.target, lang),
                // A withheld or not measurable component is left out of the score: no points.
                if c.withheld || c.not_measurable { "—".to_owned() } else { fixed(c.points, 1) },
            ]
        })
        .collect();
    let [w_name, w_value, w_target, w_earned] = column_widths(&rows);
    for (row, c) in rows.iter().zip(&score.components) {
        let [name, value, target, earned] = row;
        let _ = writeln!(
            out,
            "  {} {} / {} → {} / {}{pts}",
            pad_right(name, w_name),
            pad_left(value, w_value),
            pad_right(target, w_target),
            pad_left(earned, w_earned.max(5)),
            fixed(c.weight, 0)
        );
    }
    for ac in score.absolute_conditions.iter().filter(|ac| !ac.holds && !ac.withheld) {
        let _ = writeln!(out, "  ✗ {}", clean(ac.title.get(lang)));
    }
    if let Some(line) = ceiling_line(score, lang) {
        let _ = writeln!(out, "  {line}");
    }
}

/// The display width of each column of `rows`: its widest cell.
fn column_widths<const N: usize>(rows: &[[String; N]]) -> [usize; N] {
    let mut widths = [0; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(crate::format::width(cell));
        }
    }
    widths
}

/// A score component's value with its unit, or why there is none.
fn component_value(
    value: Option<f64>,
    withheld: bool,
    not_measurable: bool,
    kpi: teichaku::model::Kpi,
    lang: Lang,
) -> String {
    match (value, withheld) {
        (Some(v), _) => kpi_value(kpi, v, lang),
        (None, true) => Missing::Withheld.title(lang).to_owned(),
        // The usage data is too coarse for it (a daily habit from monthly records).
        (None, false) if not_measurable => crate::words::not_measurable(lang).to_owned(),
        // A "days since" KPI without a value: the event never happened.
        (None, false) if kpi.is_days_since() => Missing::Never.title(lang).to_owned(),
        (None, false) => Missing::NoData.title(lang).to_owned(),
    }
}

/// Why the level is lower than the score says, when the scope's use limits it.
fn ceiling_line(score: &ScoreReport, lang: Lang) -> Option<&'static str> {
    match score.ceiling? {
        teichaku::metrics::Level::Installed => Some(t(
            lang,
            "level at most installed: nobody used AI in the last 7 days",
            "段階は最大で導入のみ：直近7日間にAIを使った人がいない",
        )),
        teichaku::metrics::Level::Trial => Some(t(
            lang,
            "level at most trial: weekly-active under the failing threshold",
            "段階は最大で試行：週次利用率が要注意の基準未満",
        )),
        _ => None,
    }
}

/// The playbook's KPI targets: each organisation-wide one with its state, and the per-unit ones
/// that are missed. A withheld target shows nothing but that it is withheld.
fn targets_text(snapshot: &ValidSnapshot, a: &Assessment, lang: Lang, out: &mut String) {
    let p = punct(lang);
    let targets = &a.kpis.targets;
    if targets.is_empty() {
        return;
    }
    let n = |s: TargetState| targets.iter().filter(|x| x.state == s).count();
    let _ = match lang {
        Lang::Ja => writeln!(
            out,
            "\nKPI目標（達成 {}、未達 {}、期日前 {}）：",
            n(TargetState::Met),
            n(TargetState::Missed),
            n(TargetState::NotYetDue)
        ),
        _ => writeln!(
            out,
            "\nTargets ({} met, {} missed, {} not yet due):",
            n(TargetState::Met),
            n(TargetState::Missed),
            n(TargetState::NotYetDue)
        ),
    };
    for x in targets.iter().filter(|x| x.scope == Scope::Organisation || x.state == TargetState::Missed) {
        let scope = match x.scope {
            Scope::Unit(u) => unit(snapshot, u),
            _ => t(lang, "organisation", "全社").to_owned(),
        };
        let due = x.due.map_or_else(
            || t(lang, "after its activity", "起点の活動の後").to_owned(),
            |d| format!("{} {d}", t(lang, "due", "期日")),
        );
        let value = x.value.map(|v| format!("{}{}", p.colon, kpi_value(x.kpi, v, lang))).unwrap_or_default();
        let state = match x.state {
            TargetState::Met => format!("✓{value}"),
            TargetState::Missed => {
                let short = x
                    .shortfall
                    .map(|s| format!("{}{} {}", p.comma, t(lang, "short by", "不足"), kpi_gap(x.kpi, s, lang)))
                    .unwrap_or_default();
                let never = if x.value.is_none() && x.kpi.is_days_since() {
                    format!("{}{}", p.colon, Missing::Never.title(lang))
                } else {
                    String::new()
                };
                format!("✗{value}{never}{short}")
            }
            other => other.title(lang).to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} {} {}{}{scope}{}{due}{} {state}",
            x.kpi.title(lang),
            comparison(x.op),
            kpi_value(x.kpi, x.threshold, lang),
            p.open,
            p.comma,
            p.close,
        );
    }
}

/// The pack of the next review due: each measure with its value, what it is compared with, and
/// who must supply what is missing.
fn review_text(snapshot: &ValidSnapshot, a: &Assessment, lang: Lang, out: &mut String) {
    use teichaku::rollout::Measure;
    let p = punct(lang);
    let Some(pack) = a.reviews.next_due.and_then(|i| a.reviews.packs.get(i)) else { return };
    let title = snapshot
        .playbook()
        .activity(&pack.activity)
        .map_or_else(|| pack.activity.to_string(), |x| clean(x.title.get(lang)).into_owned());
    // A unit's review names its unit.
    let title = match pack.scope {
        teichaku::metrics::Scope::Unit(u) => {
            let unit = snapshot.unit(u).map_or_else(|| u.to_string(), |x| clean(&x.name).into_owned());
            format!("{title}{}{unit}", t(lang, " — ", "："))
        }
        _ => title,
    };
    let due = pack.due.map(|d| format!("{}{} {d}", p.comma, t(lang, "due", "期日"))).unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{}{}{title}{}{} {}{}{}{due}{}{}",
        t(lang, "Next review", "次の振り返り"),
        p.colon,
        p.open,
        t(lang, "period", "期間"),
        pack.period.from,
        t(lang, " – ", "〜"),
        pack.period.to,
        p.close,
        t(lang, ":", "：")
    );
    for m in &pack.measures {
        let kpi = match &m.measure {
            Measure::Kpi { kpi } => Some(*kpi),
            _ => None,
        };
        let figure = |f: &Figure<f64>| match (f, kpi) {
            (Figure::Value(v), Some(k)) => kpi_value(k, *v, lang),
            (Figure::Value(v), None) => fixed(*v, 2),
            (Figure::Suppressed, _) => Missing::Withheld.title(lang).to_owned(),
            _ => Missing::NotSupplied.title(lang).to_owned(),
        };
        let name = match &m.measure {
            Measure::Kpi { kpi } => kpi.title(lang).to_owned(),
            Measure::Outcome { outcome } => snapshot.outcome(outcome).map_or_else(
                || outcome.to_string(),
                |o| format!("{}{}{}{}", clean(o.title.get(lang)), p.id_open, clean(&o.measured_in), p.id_close),
            ),
            _ => String::new(),
        };
        let compared = m
            .comparison
            .as_ref()
            .filter(|c| !matches!(c, Figure::Undefined))
            .map(|c| format!("{}{} {}{}", p.open, t(lang, "was", "比較"), figure(c), p.close))
            .unwrap_or_default();
        let who = m
            .supplied_by
            .map(|r| format!(" ← {}{}{}", t(lang, "to supply", "提供"), p.colon, r.title(lang)))
            .unwrap_or_default();
        let _ = writeln!(out, "  {name}{}{}{compared}{who}", p.colon, figure(&m.value));
    }
}

/// The measured effect of each wave that has started: the change in the weekly-active and
/// habit rates against the units not reached yet, with its 95% interval.
fn effects_text(a: &Assessment, lang: Lang, out: &mut String) {
    let p = punct(lang);
    let started: Vec<_> = a.effects.waves.iter().filter(|w| w.start.is_some()).collect();
    if started.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        t(lang, "Effect of the rollout (vs units not yet reached):", "展開の効果（未展開の部署との比較）：")
    );
    let signed = |v: f64| {
        let s = fixed(v * 100.0, 1);
        if s.starts_with('-') { s } else { format!("+{s}") }
    };
    let estimate = |e: &Estimate| match e {
        Estimate::Estimated { effect, low, high, .. } => {
            let unit = t(lang, " pt", "ポイント");
            format!("{}{unit}{}{}{}{}{}", signed(*effect), p.id_open, signed(*low), p.comma, signed(*high), p.id_close)
        }
        _ => Missing::NotMeasurable.title(lang).to_owned(),
    };
    for w in started {
        let units = |n: u32| count(u64::from(n), "unit", "units", "部署", lang);
        let people = count(w.control.members, "person", "people", "人", lang);
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "  {}（{}、比較対象 {}・{people}）：週次利用 {}、習慣 {}",
                crate::words::wave(w.wave, lang),
                units(w.treated.units),
                units(w.control.units),
                estimate(&w.weekly_active),
                estimate(&w.habit),
            ),
            _ => writeln!(
                out,
                "  wave {} ({} vs {}, {people}): weekly {}, habit {}",
                w.wave + 1,
                units(w.treated.units),
                units(w.control.units),
                estimate(&w.weekly_active),
                estimate(&w.habit),
            ),
        };
    }
}

/// The `top` next actions: title, owner, people, scope, due day and urgency, then the reasons.
fn actions_text(snapshot: &ValidSnapshot, a: &Assessment, top: usize, lang: Lang, out: &mut String) {
    let p = punct(lang);
    let _ = writeln!(
        out,
        "\n{}{}{} {}{}{}",
        t(lang, "Next actions", "次のアクション"),
        p.open,
        t(lang, "top", "上位"),
        top.min(a.actions.actions.len()),
        p.close,
        t(lang, ":", "：")
    );
    for (n, action) in a.actions.actions.iter().take(top).enumerate() {
        let scope = match action.scope {
            ActionScope::Unit(u) => unit(snapshot, u),
            _ if !action.units.is_empty() => {
                listed(action.units.iter().map(|&u| unit(snapshot, u)), action.units.len(), p.comma, lang)
            }
            _ => t(lang, "organisation", "全社").to_owned(),
        };
        let due = action.due.map(|d| format!("{}{} {d}", p.comma, t(lang, "due", "期限"))).unwrap_or_default();
        // The urgency ranks the actions; below zero it is shown as zero (nothing pressing).
        let urgency = fixed(action.urgency.max(0.0), 1);
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "{:>2}. {} — {}（{}人）、{scope}{due}［緊急度 {urgency}］",
                n + 1,
                action_title(action, lang),
                action.owner.title(lang),
                action.members.len(),
            ),
            _ => writeln!(
                out,
                "{:>2}. {} — {} ×{}, {scope}{due} [urgency {urgency}]",
                n + 1,
                action_title(action, lang),
                action.owner.title(lang),
                action.members.len(),
            ),
        };
        // A grouped action's reasons name their units: the same reason in several units once,
        // with the units after it.
        let mut merged: Vec<(String, Vec<String>)> = Vec::new();
        for r in &action.reasons {
            let text = reason(snapshot, r, lang);
            let at = match merged.iter().position(|(t, _)| *t == text) {
                Some(at) => at,
                None => {
                    merged.push((text, Vec::new()));
                    merged.len() - 1
                }
            };
            if let (Some(u), false, Some((_, units))) = (reason_unit(r), action.units.is_empty(), merged.get_mut(at)) {
                units.push(unit(snapshot, u));
            }
        }
        let reasons: Vec<String> = merged
            .into_iter()
            .map(|(text, units)| {
                if units.is_empty() {
                    text
                } else {
                    let count = units.len();
                    format!("{text}{}{}{}", p.open, listed(units.into_iter(), count, p.comma, lang), p.close)
                }
            })
            .collect();
        let _ = writeln!(out, "      {}", reasons.join(p.semi));
    }
}

/// The unit a reason names: the instance's, for an activity's readiness, lateness or recurrence.
fn reason_unit(reason: &Reason) -> Option<UnitId> {
    match reason {
        Reason::ActivityReady { unit, .. }
        | Reason::Overdue { unit, .. }
        | Reason::RecurrenceDue { unit, .. }
        | Reason::NewMembers { unit, .. }
        | Reason::NewTool { unit, .. } => *unit,
        _ => None,
    }
}

/// The columns of the scope names in the table of scopes, in display columns.
const NAME_COLUMNS: usize = 28;

/// A rate for a table: a percentage, or why there is none.
fn rate(f: &Figure<Rate>, lang: Lang) -> String {
    match f {
        Figure::Value(r) => percent(r.rate),
        Figure::Suppressed => Missing::Withheld.title(lang).to_owned(),
        Figure::NotMeasurable => crate::words::not_measurable(lang).to_owned(),
        _ => Missing::NoData.title(lang).to_owned(),
    }
}

/// The table of scopes: name, people, weekly-active, habit and returning rates, score and
/// level, one row per scope, each column as wide as its widest cell (a rate column at least 8
/// display columns). A scope under the minimum group size shows its headcount and that its
/// figures are withheld.
fn scope_table<'a>(snapshot: &ValidSnapshot, scopes: impl Iterator<Item = &'a ScopeKpis>, lang: Lang) -> String {
    let mut rows: Vec<(String, u64, Option<[String; 5]>)> = Vec::new();
    for s in scopes {
        let name = cut(&crate::words::scope(snapshot, &s.scope, lang), NAME_COLUMNS);
        let cells = match (&s.figures, &s.score) {
            (Figure::Value(f), Figure::Value(score)) => Some([
                rate(&f.weekly_active, lang),
                rate(&f.habit, lang),
                rate(&f.returning, lang),
                fixed(score.score, 1),
                format!("{}{}", score.level.title(lang), if score.failing { " !" } else { "" }),
            ]),
            _ => None,
        };
        rows.push((name, s.headcount, cells));
    }
    let header = [t(lang, "weekly", "週次"), t(lang, "habit", "習慣"), t(lang, "return", "継続")];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            let cells = rows.iter().filter_map(|r| r.2.as_ref()).filter_map(|c| c.get(i));
            let head = header.get(i).map_or(0, |h| crate::format::width(h));
            cells.map(|c| crate::format::width(c)).chain([8, head]).max().unwrap_or(8)
        })
        .collect();
    let w = |i: usize| widths.get(i).copied().unwrap_or(8);
    let [weekly_head, habit_head, return_head] = header;
    let mut out = format!(
        "{} {} {} {} {} {}  {}\n",
        pad_right(t(lang, "Scope", "範囲"), NAME_COLUMNS),
        pad_left(t(lang, "people", "人数"), 6),
        pad_left(weekly_head, w(0)),
        pad_left(habit_head, w(1)),
        pad_left(return_head, w(2)),
        pad_left(t(lang, "score", "スコア"), 6),
        t(lang, "level", "段階")
    );
    for (name, headcount, cells) in rows {
        let _ = match cells {
            Some([weekly, habit, returning, score, level]) => writeln!(
                out,
                "{} {headcount:>6} {} {} {} {}  {level}",
                pad_right(&name, NAME_COLUMNS),
                pad_left(&weekly, w(0)),
                pad_left(&habit, w(1)),
                pad_left(&returning, w(2)),
                pad_left(&score, 6),
            ),
            None => writeln!(
                out,
                "{} {headcount:>6} {}",
                pad_right(&name, NAME_COLUMNS),
                t(
                    lang,
                    "(suppressed: fewer members than the minimum group size)",
                    "（人数が最小グループ未満のため非表示）"
                )
            ),
        };
    }
    out
}

/// The KPI report: the event counts, the lines the caller adds under them (such as the event
/// lines it skipped; none for most callers), the table of scopes, the organisation's score
/// explained, its segments, time saved and weekly series, and the line naming the engine,
/// format and playbook.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let report = teichaku::metrics::kpis(&snapshot, teichaku::demo::AS_OF, &Default::default())?;
/// let text = teichaku_report::kpis_text(&snapshot, &report, &[], Lang::Ja);
/// assert!(text.contains("スコアの内訳") && text.contains("削減時間："));
/// assert!(!text.contains("n/a") && !text.contains(" min"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn kpis_text(snapshot: &ValidSnapshot, report: &KpiReport, notes: &[String], lang: Lang) -> String {
    let mut out = String::new();
    let p = punct(lang);
    let org = snapshot.organisation();
    let _ = writeln!(
        out,
        "{} — {} {}{}{} {} {}{}",
        clean(&org.name),
        t(lang, "KPIs as of", "KPI 基準日"),
        report.as_of,
        p.open,
        t(lang, "playbook", "プレイブック"),
        report.playbook,
        revision(report.playbook_revision, lang),
        p.close
    );
    let _ = match (&report.events, lang) {
        (Some(e), Lang::Ja) => writeln!(
            out,
            "利用イベント：{}件を集計、基準日後 {}件、在籍期間外 {}件、重複除外 {}件",
            e.counted, e.after_as_of, e.outside_membership, e.duplicates_dropped
        ),
        (Some(e), _) => writeln!(
            out,
            "Events: {} counted, {} after as-of, {} outside membership, {} duplicates dropped",
            e.counted, e.after_as_of, e.outside_membership, e.duplicates_dropped
        ),
        // The organisation is under the minimum group size: its event counts are its figures.
        (None, _) => writeln!(out, "{}{}{}", t(lang, "Events", "利用イベント"), p.colon, Missing::Withheld.title(lang)),
    };
    for line in notes {
        let _ = writeln!(out, "{}", clean(line));
    }
    out.push('\n');
    out.push_str(&scope_table(snapshot, report.scopes.iter(), lang));
    if let Some(org) = report.scopes.first() {
        if let (Figure::Value(f), Figure::Value(score)) = (&org.figures, &org.score) {
            let _ = writeln!(
                out,
                "\n{}{}{}{}{}",
                t(lang, "Score explained", "スコアの内訳"),
                p.open,
                crate::words::scope(snapshot, &org.scope, lang),
                p.close,
                t(lang, ":", "：")
            );
            let rows: Vec<[String; 6]> = score
                .components
                .iter()
                .map(|c| {
                    [
                        c.component.title(lang).to_owned(),
                        component_value(c.value, c.withheld, c.not_measurable, c.kpi, lang),
                        kpi_value(c.kpi, c.target, lang),
                        fixed(c.weight, 0),
                        percent(c.achievement),
                        fixed(c.points, 1),
                    ]
                })
                .collect();
            let [w_name, w_value, w_target, w_weight, w_achievement, w_earned] = column_widths(&rows);
            for [name, value, target, weight, achievement, earned] in &rows {
                let _ = writeln!(
                    out,
                    "  {} {} / {} {} {} × {} = {}",
                    pad_right(name, w_name),
                    pad_left(value, w_value),
                    pad_right(target, w_target),
                    t(lang, "weight", "重み"),
                    pad_left(weight, w_weight),
                    pad_left(achievement, w_achievement),
                    pad_left(earned, w_earned),
                );
            }
            for a in &score.absolute_conditions {
                // A condition on a withheld figure is neither shown to hold nor to fail.
                let mark = match (a.holds, a.withheld) {
                    (true, _) => "✓".to_owned(),
                    (false, true) => format!("–{}{}{}", p.open, Missing::Withheld.title(lang), p.close),
                    (false, false) => "✗".to_owned(),
                };
                let _ = writeln!(out, "  {mark} {}", clean(a.title.get(lang)));
            }
            if let Some(cap) = score.cap {
                let _ = writeln!(
                    out,
                    "  {} {}{}{} {}{}",
                    t(lang, "capped at", "上限"),
                    fixed(cap, 0),
                    p.open,
                    t(lang, "uncapped", "上限前"),
                    fixed(score.uncapped, 1),
                    p.close
                );
            }
            if score.failing {
                let _ = writeln!(
                    out,
                    "  {}",
                    t(
                        lang,
                        "FAILING: weekly-active under 20% three months after launch",
                        "要注意：導入3か月後も週次利用率が20%未満"
                    )
                );
            }
            let s = &f.segments;
            let _ = match lang {
                Lang::Ja => writeln!(
                    out,
                    "\n利用区分：習慣 {}人／定期 {}人／時々 {}人／離脱 {}人／未利用 {}人",
                    s.habitual, s.regular, s.occasional, s.lapsed, s.never
                ),
                _ => writeln!(
                    out,
                    "\nSegments: {} habitual / {} regular / {} occasional / {} lapsed / {} never",
                    s.habitual, s.regular, s.occasional, s.lapsed, s.never
                ),
            };
            let ts = &f.time_saved;
            let _ = match lang {
                Lang::Ja => writeln!(
                    out,
                    "削減時間：{}（実測 {}、推計 {}、未計測 {}件）",
                    hours(ts.hours, lang),
                    minutes(ts.measured_minutes, lang),
                    minutes(ts.estimated_minutes, lang),
                    ts.unmeasured_events
                ),
                _ => writeln!(
                    out,
                    "Time saved: {} (measured {}, estimated {}, {} unmeasured)",
                    hours(ts.hours, lang),
                    minutes(ts.measured_minutes, lang),
                    minutes(ts.estimated_minutes, lang),
                    count(ts.unmeasured_events, "event", "events", "件", lang)
                ),
            };
            let _ = writeln!(
                out,
                "\n{}",
                t(lang, "Weekly-active and habit by ISO week:", "ISO週ごとの週次利用率と習慣化率：")
            );
            for w in f.weekly.iter().rev() {
                let _ = writeln!(
                    out,
                    "  {}  {}  {}",
                    w.week_start,
                    pad_left(&rate(&w.weekly_active, lang), 10),
                    pad_left(&rate(&w.habit, lang), 10)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        provenance(teichaku::model::FORMAT_VERSION, &report.playbook, report.playbook_revision, lang)
    );
    out
}

/// The list of playbooks: one line each with its id, title, and how many phases and activities
/// it has.
///
/// ```
/// use teichaku::model::Lang;
/// let text = teichaku_report::playbooks_text(&teichaku::Catalog::builtin(), Lang::Ja);
/// assert!(text.lines().any(|l| l.starts_with("sme-five-step")));
/// ```
#[must_use]
pub fn playbooks_text(catalog: &Catalog, lang: Lang) -> String {
    let mut out = String::new();
    let width = catalog.iter().map(|p| p.id.as_str().len()).max().unwrap_or(0);
    for p in catalog.iter() {
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "{:width$}  {}（{}フェーズ、{}施策）",
                p.id.as_str(),
                clean(p.title.get(lang)),
                p.phases.len(),
                p.activities.len()
            ),
            _ => writeln!(
                out,
                "{:width$}  {}  ({} phases, {} activities)",
                p.id.as_str(),
                clean(p.title.get(lang)),
                p.phases.len(),
                p.activities.len()
            ),
        };
    }
    out
}

/// One playbook: its phases, each with its activities (owner, scope, duration, timing,
/// cadence, prerequisites) and exit gate (each criterion with its weight and what it checks),
/// then its interventions with the condition that fires them.
///
/// ```
/// use teichaku::model::Lang;
/// let catalog = teichaku::Catalog::builtin();
/// let p = catalog.iter().find(|p| p.id.as_str() == "sme-five-step").unwrap();
/// let text = teichaku_report::playbook_text(p, Lang::Ja);
/// assert!(text.contains("移行条件：") && !text.contains("done("));
/// ```
#[must_use]
pub fn playbook_text(pb: &Playbook, lang: Lang) -> String {
    let mut out = String::new();
    let p = punct(lang);
    let _ = writeln!(
        out,
        "{}{}{}{}{}{}",
        pb.id,
        p.open,
        revision(pb.revision, lang),
        p.close,
        p.colon,
        clean(pb.title.get(lang))
    );
    let _ = writeln!(out, "{}", clean_lines(pb.summary.get(lang)));
    if let Some(c) = &pb.cycle {
        let _ = match lang {
            Lang::Ja => writeln!(out, "サイクル：{}〜{}か月", c.min_months, c.max_months),
            _ => writeln!(out, "Cycle: {}–{} months", c.min_months, c.max_months),
        };
    }
    for (i, phase) in pb.phases.iter().enumerate() {
        let _ = writeln!(out, "\n{}. {}{}{}{}", i + 1, clean(phase.title.get(lang)), p.id_open, phase.id, p.id_close);
        if !phase.summary.get(lang).is_empty() {
            let _ = writeln!(out, "   {}", clean_lines(phase.summary.get(lang)));
        }
        let _ = writeln!(out, "   {}", t(lang, "Activities:", "施策："));
        for a in pb.activities.iter().filter(|a| a.phase == phase.id) {
            let _ = writeln!(
                out,
                "   - {}{}{}{}{}{}{}",
                clean(a.title.get(lang)),
                p.id_open,
                a.id,
                p.id_close,
                p.open,
                activity_facts(a, lang),
                p.close
            );
            let deps: Vec<String> = a.prerequisites().into_iter().map(|d| d.to_string()).collect();
            if !deps.is_empty() {
                let _ = writeln!(out, "       {}{}{}", t(lang, "after", "前提"), p.colon, deps.join(p.comma));
            }
        }
        let _ = writeln!(out, "   {}", t(lang, "Exit gate:", "移行条件："));
        for c in &phase.gate.criteria {
            let mark = if c.mandatory { t(lang, " (mandatory)", "（必須）") } else { "" };
            let _ = writeln!(
                out,
                "   - {}{}{}{} {} {}{}{}{}",
                clean(c.title.get(lang)),
                p.id_open,
                c.id,
                p.id_close,
                t(lang, "weight", "重み"),
                c.weight,
                mark,
                p.colon,
                check_text(&c.check, lang)
            );
        }
    }
    let _ = writeln!(out, "\n{}", t(lang, "Interventions:", "介入ルール："));
    for i in &pb.interventions {
        let _ = match lang {
            Lang::Ja => writeln!(
                out,
                "- {}［{}］（{}、深刻度 {}）：条件 {}",
                clean(i.title.get(lang)),
                i.id,
                i.owner.title(lang),
                i.severity,
                condition(&i.when, lang)
            ),
            _ => writeln!(
                out,
                "- {} [{}] ({}, severity {}): when {}",
                clean(i.title.get(lang)),
                i.id,
                i.owner.title(lang),
                i.severity,
                condition(&i.when, lang)
            ),
        };
    }
    out
}

fn activity_facts(a: &Activity, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let mut facts = vec![
        a.owner.title(lang).to_owned(),
        match a.scope {
            ActivityScope::PerUnit => t(lang, "per unit", "部署ごと"),
            _ => t(lang, "organisation-wide", "全社"),
        }
        .to_owned(),
        if ja { format!("{}日間", a.duration_days) } else { format!("{}d", a.duration_days) },
    ];
    if let Some(timing) = &a.timing {
        let anchor = match &timing.after {
            Anchor::Activity(id) => id.to_string(),
            _ => t(lang, "launch", "導入日").to_owned(),
        };
        let window = match (timing.not_before_days, timing.due_within_days) {
            _ if ja => timing_window_ja(timing.not_before_days, timing.due_within_days),
            (0, Some(due)) => format!("≤{due}d"),
            (from, Some(due)) => format!("{from}–{due}d"),
            (from, None) => format!("≥{from}d"),
        };
        facts.push(if ja { format!("{anchor}から{window}") } else { format!("{anchor} +{window}") });
    }
    if let Some(r) = &a.recurrence {
        if ja {
            facts.push(cadence(r, lang));
        } else {
            let mut every = format!("every {}d", r.every_days);
            if let Some(later) = r.once_retained_every_days {
                let _ = write!(every, " → {later}d once retained");
            }
            facts.push(every);
        }
    }
    facts.join(if ja { "、" } else { ", " })
}

/// An activity's window after its anchor, in Japanese: `14日以内`, `30〜37日`, `30日以降`.
pub(crate) fn timing_window_ja(not_before_days: u32, due_within_days: Option<u32>) -> String {
    match (not_before_days, due_within_days) {
        (0, Some(due)) => format!("{due}日以内"),
        (from, Some(due)) => format!("{from}〜{due}日"),
        (from, None) => format!("{from}日以降"),
    }
}

/// What a gate criterion checks, as a sentence: KPIs by their names with units, roles by theirs.
fn check_text(check: &Check, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match check {
        Check::ActivityDone { activity } if ja => format!("{activity}が完了"),
        Check::ActivityDone { activity } => format!("{activity} done"),
        Check::ActivityRecent { activity, within_days } => {
            let within = days(f64::from(*within_days), lang);
            if ja {
                format!("{activity}を直近{within}以内に実施")
            } else {
                format!("{activity} done within {within}")
            }
        }
        Check::Kpi { kpi, op, threshold } => {
            format!("{} {} {}", kpi.title(lang), comparison(*op), kpi_value(*kpi, *threshold, lang))
        }
        Check::RolePresent { role, min_count, per_unit } if ja => {
            format!("{} {min_count}人以上{}", role.title(lang), if *per_unit { "（全部署）" } else { "" })
        }
        Check::RolePresent { role, min_count, per_unit } => {
            format!("{} ≥ {min_count}{}", role.title(lang), if *per_unit { " in every unit" } else { "" })
        }
        Check::Outcome { outcome, op, threshold, measure } => {
            format!("{} {} {threshold}", outcome_measure(outcome.as_str(), *measure, lang), comparison(*op))
        }
        _ => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::points;

    #[test]
    fn a_rate_target_is_short_by_percentage_points_and_the_same_tie_rounds_up_everywhere() {
        use teichaku::model::Kpi;
        assert_eq!(kpi_gap(Kpi::HabitRate, 0.15, Lang::Ja), "15.0ポイント");
        assert_eq!(fixed(22.625, 2), "22.63");
        assert_eq!(percent(0.22625), "22.6%");
        assert_eq!(points(2.25, Lang::En), "2.3 pt");
        assert_eq!(days(1.0, Lang::En), "1 day");
    }
}
