//! The words of the reports, in English and Japanese: the [`Title`] of every value a report
//! names (a level, a score component, a role, a KPI, a status), the one vocabulary for a figure
//! that is not shown ([`Missing`]), and the sentences for scopes, reasons and cadences.
//!
//! Every report of this crate, the command line's and the Python binding's, takes its words from
//! here, so a word means the same in each.
//!
//! ```
//! use teichaku::metrics::Level;
//! use teichaku::model::{Kpi, Lang, Role};
//! use teichaku_report::words::{Missing, Title};
//! assert_eq!(Level::Spreading.title(Lang::Ja), "拡大中");
//! assert_eq!(Role::Executive.title(Lang::Ja), "経営層");
//! assert_eq!(Kpi::HabitRate.title(Lang::En), "Habit rate");
//! assert_eq!(Missing::Withheld.title(Lang::Ja), "非表示");
//! ```

use teichaku::metrics::{Level, Scope, TargetState};
use teichaku::model::{
    CompareOp, Comparison, Condition, CriterionId, Kpi, Lang, OutcomeMeasure, Recurrence, Role, ScoreComponentKind,
    ValidSnapshot,
};
use teichaku::rollout::{Reason, Status};

use crate::format::{days, fixed, kpi_gap, kpi_value};
use crate::text::clean;

/// The English or the Japanese text, by `lang`.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}

/// What a report calls a value, in English or Japanese.
///
/// ```
/// use teichaku::model::{Lang, ScoreComponentKind};
/// use teichaku_report::words::Title;
/// assert_eq!(ScoreComponentKind::RuleHygiene.title(Lang::En), "Rules kept fresh");
/// assert_eq!(ScoreComponentKind::RuleHygiene.title(Lang::Ja), "ルールの見直し");
/// ```
pub trait Title {
    /// The value's name in `lang`.
    fn title(&self, lang: Lang) -> &'static str;
}

/// A figure a report does not show as a number, and why: the one vocabulary of every report.
///
/// ```
/// use teichaku::model::Lang;
/// use teichaku_report::words::{Missing, Title};
/// assert_eq!(Missing::NoData.title(Lang::En), "no data");
/// assert_eq!(Missing::NotMeasurable.title(Lang::Ja), "データ不足");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Missing {
    /// Withheld to protect a group smaller than the minimum group size.
    Withheld,
    /// Nothing to measure: an empty group, no record yet.
    NoData,
    /// Too few data to estimate it (an effect without enough units to compare).
    NotMeasurable,
    /// A figure someone must supply (an outcome not recorded yet).
    NotSupplied,
    /// A "days since" KPI whose event never happened.
    Never,
}

impl Title for Missing {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            Missing::Withheld => t(lang, "withheld", "非表示"),
            Missing::NoData => t(lang, "no data", "データなし"),
            Missing::NotMeasurable => t(lang, "not enough data", "データ不足"),
            Missing::NotSupplied => t(lang, "not supplied", "未入力"),
            Missing::Never => t(lang, "never", "未実施"),
        }
    }
}

impl Title for Role {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            Role::Executive => t(lang, "executive", "経営層"),
            Role::PromotionLead => t(lang, "promotion lead", "AI推進担当"),
            Role::Ambassador => t(lang, "ambassador", "アンバサダー"),
            Role::Manager => t(lang, "manager", "管理職"),
            _ => t(lang, "staff", "現場"),
        }
    }
}

impl Title for Level {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            Level::Installed => t(lang, "installed", "導入のみ"),
            Level::Trial => t(lang, "trial", "試行"),
            Level::Spreading => t(lang, "spreading", "拡大中"),
            Level::Retained => t(lang, "retained", "定着"),
            _ => t(lang, "self-driving", "自走"),
        }
    }
}

impl Title for ScoreComponentKind {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            ScoreComponentKind::HabitRate => t(lang, "Daily habit", "習慣化率"),
            ScoreComponentKind::WeeklyActiveRate => t(lang, "Weekly use", "週次利用率"),
            ScoreComponentKind::ReturningRate => t(lang, "Returning users", "継続利用率"),
            ScoreComponentKind::ExecutiveCommitment => t(lang, "Executive commitment", "経営層のコミットメント"),
            ScoreComponentKind::ConsultationEnvironment => t(lang, "A place to ask", "相談できる環境"),
            ScoreComponentKind::KnowledgeSharing => t(lang, "Success cases shared", "成功事例の共有"),
            // The list of components may grow.
            _ => t(lang, "Rules kept fresh", "ルールの見直し"),
        }
    }
}

impl Title for Kpi {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            Kpi::WeeklyActiveRate => t(lang, "Weekly-active rate", "週次利用率"),
            Kpi::MonthlyActiveRate => t(lang, "Monthly-active rate", "月次利用率"),
            Kpi::HabitRate => t(lang, "Habit rate", "習慣化率"),
            Kpi::ReturningRate => t(lang, "Returning rate", "継続利用率"),
            Kpi::LapsedShare => t(lang, "Lapsed share", "離脱者の割合"),
            Kpi::NeverShare => t(lang, "Never-used share", "未利用者の割合"),
            Kpi::MinutesPerActiveMember => t(lang, "Minutes per active member", "利用者1人あたりの利用時間"),
            Kpi::ExecutiveActiveShare => t(lang, "Executives active", "AIを使う経営層の割合"),
            Kpi::DaysSinceExecutiveUse => t(lang, "Days since an executive used AI", "経営層の最終利用からの日数"),
            Kpi::SatisfactionMean => t(lang, "Mean satisfaction", "満足度の平均"),
            Kpi::QualityMean => t(lang, "Mean quality", "品質評価の平均"),
            Kpi::NonUserShareAnxious => t(lang, "Non-users who are anxious", "不安を感じる未利用者の割合"),
            Kpi::NonUserShareSkeptical => t(lang, "Non-users who are skeptical", "懐疑的な未利用者の割合"),
            Kpi::NonUserShareUninterested => t(lang, "Non-users who are uninterested", "関心のない未利用者の割合"),
            Kpi::ProposalsSubmitted => t(lang, "Proposals submitted", "提案数"),
            Kpi::ProposalsImplemented => t(lang, "Proposals implemented", "実装された提案数"),
            Kpi::ImplementationRate => t(lang, "Implementation rate", "提案の実装率"),
            Kpi::ConsultationsOpened => t(lang, "Consultations opened", "相談件数"),
            Kpi::ConsultationsUnresolved => t(lang, "Consultations unresolved", "未解決の相談件数"),
            Kpi::MedianDaysToResolve => t(lang, "Median days to resolve", "相談の解決日数（中央値）"),
            Kpi::IncidentsLast28Days => t(lang, "Incidents in the last 28 days", "直近28日のインシデント件数"),
            Kpi::DaysSinceRuleReview => t(lang, "Days since the rules were reviewed", "ルール見直しからの日数"),
            Kpi::SuccessCasesShared => t(lang, "Success cases shared", "共有された成功事例数"),
            Kpi::SuccessCasesComplete => t(lang, "Complete success cases", "4項目がそろった成功事例数"),
            Kpi::DaysSinceSuccessCase => t(lang, "Days since a success case was shared", "成功事例の共有からの日数"),
            Kpi::TimeSavedHours => t(lang, "Hours saved", "削減時間"),
            Kpi::TrainedShare => t(lang, "Trained share", "研修受講率"),
            Kpi::UntrainedSeniorBeginners => t(lang, "Untrained beginners aged 60+", "研修未受講の60代以上の初心者"),
            Kpi::DaysSinceLaunch => t(lang, "Days since launch", "導入からの日数"),
            // The list of KPIs may grow.
            _ => t(lang, "Retention score", "定着スコア"),
        }
    }
}

impl Title for Status {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            Status::Done => t(lang, "done", "完了"),
            Status::Overdue => t(lang, "overdue", "期限超過"),
            Status::Ready => t(lang, "ready", "着手可能"),
            _ => t(lang, "blocked", "待ち"),
        }
    }
}

impl Title for TargetState {
    fn title(&self, lang: Lang) -> &'static str {
        match self {
            TargetState::Met => t(lang, "met", "達成"),
            TargetState::Missed => t(lang, "missed", "未達"),
            TargetState::NotYetDue => t(lang, "not yet due", "期日前"),
            TargetState::Withheld => Missing::Withheld.title(lang),
            _ => Missing::NoData.title(lang),
        }
    }
}

/// The one word for a figure withheld to protect a small group.
pub(crate) fn withheld(lang: Lang) -> &'static str {
    Missing::Withheld.title(lang)
}

/// The one word for a figure the usage data is too coarse to give.
pub(crate) fn not_measurable(lang: Lang) -> &'static str {
    t(lang, "not measurable", "測定不可")
}

/// The one word for a figure with nothing to measure (an empty group, no record yet).
pub(crate) fn undefined(lang: Lang) -> &'static str {
    Missing::NoData.title(lang)
}

/// A role's name.
pub(crate) fn role(r: Role, lang: Lang) -> &'static str {
    r.title(lang)
}

/// A level's name.
pub(crate) fn level(l: Level, lang: Lang) -> &'static str {
    l.title(lang)
}

/// A score component's name.
pub(crate) fn component(c: ScoreComponentKind, lang: Lang) -> String {
    c.title(lang).to_owned()
}

/// A wave's name, numbered from 1 (the pilot is wave 1), as every report numbers them.
///
/// ```
/// use teichaku::model::Lang;
/// assert_eq!(teichaku_report::words::wave(0, Lang::En), "wave 1");
/// assert_eq!(teichaku_report::words::wave(2, Lang::Ja), "第3波");
/// ```
#[must_use]
pub fn wave(index: usize, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("第{}波", index + 1),
        _ => format!("wave {}", index + 1),
    }
}

/// A scope's name: the organisation, a unit by its name (control characters escaped), or a role.
///
/// ```
/// use teichaku::metrics::Scope;
/// use teichaku::model::{Lang, Role};
/// let snapshot = teichaku::demo::snapshot();
/// let name = |s| teichaku_report::words::scope(&snapshot, &s, Lang::Ja);
/// assert_eq!(name(Scope::Organisation), "全社");
/// assert_eq!(name(Scope::Role(Role::Executive)), "役割：経営層");
/// ```
#[must_use]
pub fn scope(snapshot: &ValidSnapshot, scope: &Scope, lang: Lang) -> String {
    match scope {
        Scope::Unit(u) => unit(snapshot, *u),
        Scope::Role(r) => format!("{}{}", t(lang, "role: ", "役割："), r.title(lang)),
        _ => t(lang, "Organisation", "全社").to_owned(),
    }
}

/// A unit's name, control characters escaped; its id when the snapshot does not hold it.
pub(crate) fn unit(snapshot: &ValidSnapshot, u: teichaku::model::UnitId) -> String {
    snapshot.unit(u).map_or_else(|| u.to_string(), |u| clean(&u.name).into_owned())
}

/// How often a recurring activity comes back: `every 7 days (14 once retained)`.
///
/// ```
/// use teichaku::model::Lang;
/// let pb = teichaku::Catalog::builtin();
/// let pb = pb.iter().find(|p| p.id.as_str() == "sme-five-step").unwrap();
/// let r = pb.activities.iter().find_map(|a| a.recurrence.as_ref()).unwrap();
/// let text = teichaku_report::words::cadence(r, Lang::Ja);
/// assert!(text.ends_with("日ごと") || text.ends_with("日ごと）"), "{text}");
/// ```
#[must_use]
pub fn cadence(r: &Recurrence, lang: Lang) -> String {
    match (lang, r.once_retained_every_days) {
        (Lang::Ja, Some(later)) => format!("{}日ごと（定着後は{later}日ごと）", r.every_days),
        (Lang::Ja, None) => format!("{}日ごと", r.every_days),
        (_, Some(later)) => format!("every {} ({later} once retained)", days(f64::from(r.every_days), lang)),
        (_, None) => format!("every {}", days(f64::from(r.every_days), lang)),
    }
}

/// A gate criterion's title, by its id in any phase of the snapshot's playbook; the id when no
/// phase has it.
pub(crate) fn criterion(snapshot: &ValidSnapshot, id: &CriterionId, lang: Lang) -> String {
    snapshot
        .playbook()
        .phases
        .iter()
        .flat_map(|p| &p.gate.criteria)
        .find(|c| &c.id == id)
        .map_or_else(|| id.to_string(), |c| clean(c.title.get(lang)).into_owned())
}

/// A gate criterion that is not met yet, read as an aim: `not met yet: TITLE`, `TITLE（未達）`.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let b = a.readiness.barrier.as_ref().unwrap();
/// let text = teichaku_report::words::unmet(&snapshot, &b.criterion, Lang::Ja);
/// assert!(text.ends_with("（未達）"), "{text}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn unmet(snapshot: &ValidSnapshot, id: &CriterionId, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("{}（未達）", criterion(snapshot, id, lang)),
        _ => format!("not met yet: {}", criterion(snapshot, id, lang)),
    }
}

/// Why an action is proposed, as a sentence: an intervention by its title, a criterion by its
/// title, a KPI by its name, numbers with their units. An empty string for a reason this build
/// does not know.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// for action in &a.actions.actions {
///     for r in &action.reasons {
///         let text = teichaku_report::words::reason(&snapshot, r, Lang::Ja);
///         assert!(!text.is_empty() && !text.contains("Reason"), "{text}");
///     }
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn reason(snapshot: &ValidSnapshot, r: &Reason, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match r {
        Reason::Overdue { days_late, .. } => {
            let late = days(*days_late as f64, lang);
            if ja { format!("期限を{late}超過") } else { format!("overdue by {late}") }
        }
        Reason::ActivityReady { .. } => t(lang, "ready: its prerequisites are done", "着手可能：前提が完了").to_owned(),
        Reason::RecurrenceDue { last_done, every_days, .. } => {
            let every = days(f64::from(*every_days), lang);
            if ja {
                format!("前回 {last_done}、{every}ごと")
            } else {
                format!("last done {last_done}, every {every}")
            }
        }
        Reason::InterventionFired { intervention, .. } => {
            let title = snapshot
                .playbook()
                .interventions
                .iter()
                .find(|i| &i.id == intervention)
                .map_or_else(|| intervention.to_string(), |i| clean(i.title.get(lang)).into_owned());
            format!("{}{title}", t(lang, "rule fired: ", "介入ルール："))
        }
        Reason::BarrierPoint { criterion, .. } => {
            format!("{}{}", t(lang, "barrier point, ", "ボトルネック："), unmet(snapshot, criterion, lang))
        }
        Reason::RoleMissing { role: r, wave: Some(w), .. } => {
            if ja {
                format!("{}が不在（{}）", r.title(lang), wave(*w, lang))
            } else {
                format!("nobody holds: {} ({})", r.title(lang), wave(*w, lang))
            }
        }
        Reason::RoleMissing { role: r, needed_by, .. } => {
            let by = needed_by.iter().map(|s| clean(s).into_owned()).collect::<Vec<_>>();
            if ja {
                format!("{}が不在（{}）", r.title(lang), by.join("、"))
            } else {
                format!("nobody holds: {} ({})", r.title(lang), by.join(", "))
            }
        }
        Reason::WaveBlocked { wave: w, criterion: c } => {
            if ja {
                format!("{}が待っている：{}", wave(*w, lang), unmet(snapshot, c, lang))
            } else {
                format!("the next wave waits for it ({}): {}", wave(*w, lang), unmet(snapshot, c, lang))
            }
        }
        Reason::TargetMissed { kpi, due, days_missed, shortfall, .. } => {
            let when = match (*days_missed, lang) {
                (0, Lang::Ja) => format!("期日 {due}（本日）"),
                (n, Lang::Ja) => format!("期日 {due}（{}経過）", days(n as f64, lang)),
                (0, _) => format!("due {due} (today)"),
                (n, _) => format!("due {due} ({} ago)", days(n as f64, lang)),
            };
            let short = shortfall.map(|s| kpi_gap(*kpi, s, lang));
            match (lang, short) {
                (Lang::Ja, Some(s)) => format!("{}の目標未達、{when}、不足 {s}", kpi.title(lang)),
                (Lang::Ja, None) => format!("{}の目標未達、{when}", kpi.title(lang)),
                (_, Some(s)) => format!("{} target missed, {when}, short by {s}", kpi.title(lang)),
                (_, None) => format!("{} target missed, {when}", kpi.title(lang)),
            }
        }
        Reason::OutcomeTargetMissed { outcome, due, days_missed, shortfall, .. } => {
            let when = match (*days_missed, lang) {
                (0, Lang::Ja) => format!("期日 {due}（本日）"),
                (n, Lang::Ja) => format!("期日 {due}（{}経過）", days(n as f64, lang)),
                (0, _) => format!("due {due} (today)"),
                (n, _) => format!("due {due} ({} ago)", days(n as f64, lang)),
            };
            let name = snapshot
                .outcome(outcome)
                .map_or_else(|| outcome.to_string(), |o| clean(o.title.get(lang)).into_owned());
            let short = shortfall.map(|s| fixed(s, 2));
            match (lang, short) {
                (Lang::Ja, Some(s)) => format!("{name}の目標未達、{when}、不足 {s}"),
                (Lang::Ja, None) => format!("{name}の目標未達、{when}"),
                (_, Some(s)) => format!("{name} target missed, {when}, short by {s}"),
                (_, None) => format!("{name} target missed, {when}"),
            }
        }
        Reason::NewMembers { held, members, waiting_days, .. } => {
            let waiting = days(*waiting_days as f64, lang);
            let n = members.len();
            if ja {
                format!("実施日 {held}：新メンバー{n}人が未受講、{waiting}待機中")
            } else {
                let people = if n == 1 { "new member" } else { "new members" };
                format!("held on {held}: {n} {people} untrained, waiting {waiting}")
            }
        }
        Reason::NewTool { tool, available_from, held, members, waiting_days, .. } => {
            let waiting = days(*waiting_days as f64, lang);
            let n = members.len();
            if ja {
                format!(
                    "新しいツール `{tool}`（{available_from}から）：前回の実施日 {held}、{n}人が未受講、{waiting}経過"
                )
            } else {
                let people = if n == 1 { "member" } else { "members" };
                format!(
                    "new tool `{tool}` since {available_from}: last held on {held}, {n} {people} not trained since, {waiting} ago"
                )
            }
        }
        _ => String::new(),
    }
}

/// An action's title: the playbook's, or for a missed KPI target the KPI by its name with its
/// threshold in its unit and its due day (`目標未達：習慣化率 ≥ 40.0%（期日 2026-11-01）`),
/// control characters escaped.
///
/// ```
/// use teichaku::model::Lang;
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let missed = a.actions.actions.iter().find(|x| x.code.starts_with("target:")).unwrap();
/// let title = teichaku_report::words::action_title(missed, Lang::Ja);
/// assert!(title.starts_with("目標未達：習慣化率 ≥ 40.0%"), "{title}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn action_title(action: &teichaku::rollout::Action, lang: Lang) -> String {
    let missed = action.reasons.iter().find_map(|r| match r {
        Reason::TargetMissed { kpi, op, threshold, due, .. } => Some((kpi, op, threshold, due)),
        _ => None,
    });
    match (missed, action.code.starts_with("target:")) {
        (Some((kpi, op, threshold, due)), true) => {
            let target = format!("{} {} {}", kpi.title(lang), comparison(*op), kpi_value(*kpi, *threshold, lang));
            match lang {
                Lang::Ja => format!("目標未達：{target}（期日 {due}）"),
                _ => format!("Target missed: {target} (due {due})"),
            }
        }
        _ => clean(action.title.get(lang)).into_owned(),
    }
}

/// `≥` or `≤`, for a comparison.
pub(crate) fn comparison(op: Comparison) -> &'static str {
    match op {
        Comparison::AtMost => "≤",
        _ => "≥",
    }
}

/// A rule's condition as a sentence: KPIs by their names with units, roles by theirs.
///
/// ```
/// use teichaku::model::Lang;
/// let catalog = teichaku::Catalog::builtin();
/// for p in catalog.iter() {
///     for i in &p.interventions {
///         let text = teichaku_report::words::condition(&i.when, Lang::Ja);
///         assert!(!text.contains("count("), "{text}");
///     }
/// }
/// ```
#[must_use]
pub fn condition(c: &Condition, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let op = |op: &CompareOp| match op {
        CompareOp::Lt => "<",
        CompareOp::Le => "≤",
        CompareOp::Gt => ">",
        CompareOp::Ge => "≥",
        _ => "?",
    };
    let join = |of: &[Condition], en: &str, ja_word: &str| {
        of.iter().map(|c| condition(c, lang)).collect::<Vec<_>>().join(if ja { ja_word } else { en })
    };
    match c {
        Condition::All { of } if of.is_empty() => t(lang, "always", "常に").to_owned(),
        Condition::Any { of } if of.is_empty() => t(lang, "never", "なし").to_owned(),
        Condition::All { of } => join(of, " and ", "、かつ"),
        Condition::Any { of } => {
            let inner = join(of, " or ", "、または");
            if ja { format!("（{inner}）") } else { format!("({inner})") }
        }
        Condition::Not { condition: inner } => {
            let inner = condition(inner, lang);
            if ja { format!("（{inner}）ではない") } else { format!("not ({inner})") }
        }
        Condition::Compare { kpi, op: o, value } => {
            format!("{} {} {}", kpi.title(lang), op(o), kpi_value(*kpi, *value, lang))
        }
        Condition::RoleCount { role: r, op: o, value } => {
            if ja {
                format!("{}の人数 {} {value}", r.title(lang), op(o))
            } else {
                format!("{} count {} {value}", r.title(lang), op(o))
            }
        }
        Condition::ActivityDone { activity } => {
            if ja {
                format!("{activity}が完了")
            } else {
                format!("{activity} done")
            }
        }
        Condition::ActivityRecent { activity, within_days } => {
            let within = days(f64::from(*within_days), lang);
            if ja {
                format!("{activity}を直近{within}以内に実施")
            } else {
                format!("{activity} done within {within}")
            }
        }
        Condition::Outcome { outcome, op: o, value, measure } => {
            format!("{} {} {value}", outcome_measure(outcome.as_str(), *measure, lang), op(o))
        }
        _ => "?".to_owned(),
    }
}

/// What a gate or condition reads from an outcome KPI.
pub(crate) fn outcome_measure(outcome: &str, measure: OutcomeMeasure, lang: Lang) -> String {
    match (measure, lang) {
        (OutcomeMeasure::ChangeFromBaseline, Lang::Ja) => format!("{outcome}の基準値からの変化"),
        (OutcomeMeasure::ChangeFromBaseline, _) => format!("{outcome} change from baseline"),
        (_, _) => outcome.to_owned(),
    }
}
