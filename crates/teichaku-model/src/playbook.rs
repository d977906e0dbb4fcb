//! Playbooks: a rollout method as data.
//!
//! A playbook has ordered [`Phase`]s, each closed by a [`Gate`]; [`Activity`]s that belong to a
//! phase, with owners, dependencies, timing and recurrence; KPI targets; [`Intervention`]s that
//! fire when a [`Condition`] holds; the [`ScoringModel`] of the retention score; and the
//! [`UrgencyCoefficients`] that rank next actions.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    ActivityId, AgeBand, ConditionId, CriterionId, InterventionId, LiteracyTier, Localized, OutcomeId, OutcomeKpi,
    OutcomeMeasure, OutcomeTarget, PhaseId, PlaybookId, Role, TaskBaseline,
};

/// A rollout method as data.
///
/// Read one from JSON with [`crate::parse_playbook`]; built-in ones come from the
/// `teichaku-playbooks` crate.
///
/// ```
/// let json = r#"{
///   "version": 1, "id": "tiny", "revision": 1,
///   "title": { "en": "Tiny", "ja": "小さな手順" },
///   "summary": { "en": "One phase.", "ja": "一段階。" },
///   "phases": [{ "id": "start", "title": { "en": "Start", "ja": "開始" },
///                "summary": { "en": "", "ja": "" }, "gate": { "criteria": [] } }],
///   "activities": [{ "id": "kick-off", "phase": "start",
///                    "title": { "en": "Kick-off", "ja": "キックオフ" },
///                    "owner": "promotion_lead", "scope": "organisation", "duration_days": 1 }]
/// }"#;
/// let playbook = teichaku_model::parse_playbook(json)?;
/// assert_eq!(playbook.activities[0].id.as_str(), "kick-off");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// The document format version; this build reads version 1.
    pub version: u32,
    /// The playbook's name, such as `sme-five-step`.
    pub id: PlaybookId,
    /// The revision of this playbook's content; bump it whenever the content changes.
    pub revision: u32,
    /// The playbook's title.
    pub title: Localized,
    /// What the method is and when to choose it.
    pub summary: Localized,
    /// How long one cycle of the method lasts before it repeats (new hires, new tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<CycleLength>,
    /// The phases, in the order they are passed.
    pub phases: Vec<Phase>,
    /// The activities of every phase.
    pub activities: Vec<Activity>,
    /// Targets the method sets for its KPIs.
    #[serde(default)]
    pub kpi_targets: Vec<KpiTarget>,
    /// The business measures (outcome KPIs) the method asks the organisation to record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeKpi>,
    /// Targets the method sets for its outcome KPIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_targets: Vec<OutcomeTarget>,
    /// Rules that propose an action when a condition holds.
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    /// How usage is turned into habit figures.
    #[serde(default)]
    pub metrics: MetricSettings,
    /// How the retention score is computed.
    #[serde(default)]
    pub scoring: ScoringModel,
    /// How next actions are ranked.
    #[serde(default)]
    pub urgency: UrgencyCoefficients,
    /// Minutes tasks took before AI, used when the organisation gives no baseline of its own.
    #[serde(default)]
    pub task_baselines: Vec<TaskBaseline>,
}

impl Playbook {
    /// The phase with id `id`.
    pub fn phase(&self, id: &PhaseId) -> Option<&Phase> {
        self.phases.iter().find(|p| &p.id == id)
    }

    /// The activity with id `id`.
    pub fn activity(&self, id: &ActivityId) -> Option<&Activity> {
        self.activities.iter().find(|a| &a.id == id)
    }

    /// The outcome KPI with id `id`.
    pub fn outcome(&self, id: &OutcomeId) -> Option<&OutcomeKpi> {
        self.outcomes.iter().find(|o| &o.id == id)
    }
}

/// How long one cycle of a method lasts, in months.
///
/// ```
/// use teichaku_model::CycleLength;
/// let c = CycleLength { min_months: 3, max_months: 6 };
/// assert!(c.min_months <= c.max_months);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleLength {
    /// The shortest cycle.
    pub min_months: u32,
    /// The longest cycle.
    pub max_months: u32,
}

/// An ordered stage of a rollout, left when its gate holds.
///
/// ```
/// use teichaku_model::{Gate, Localized, Phase, PhaseId};
/// let p = Phase::new(PhaseId::new("trial")?, Localized::new("Trial", "試行"), Gate::default());
/// assert!(p.gate.criteria.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Phase {
    /// The phase's id.
    pub id: PhaseId,
    /// The phase's title.
    pub title: Localized,
    /// What the phase achieves.
    pub summary: Localized,
    /// The exit gate: what must hold to leave the phase.
    pub gate: Gate,
}

/// Weighted criteria that must hold to leave a phase.
///
/// Readiness is the met weight over the total weight; every mandatory criterion must hold.
///
/// ```
/// use teichaku_model::Gate;
/// let gate: Gate = serde_json::from_str(r#"{ "criteria": [{
///   "id": "kick-off-held", "title": { "en": "Kick-off held", "ja": "キックオフ実施" },
///   "weight": 1.0, "mandatory": true,
///   "check": { "kind": "activity_done", "activity": "kick-off" } }] }"#)?;
/// assert!(gate.criteria[0].mandatory);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Gate {
    /// The criteria, in the order they are examined for the barrier point.
    pub criteria: Vec<GateCriterion>,
    /// The readiness (earned weight over total weight, KPI criteria earning partial credit) at
    /// which the gate passes, once every mandatory criterion holds; 1 means every criterion.
    #[serde(default = "default_pass_at")]
    pub pass_at: f64,
}

impl Default for Gate {
    fn default() -> Self {
        Self { criteria: Vec::new(), pass_at: default_pass_at() }
    }
}

const fn default_pass_at() -> f64 {
    0.8
}

/// One weighted criterion of a gate.
///
/// ```
/// use teichaku_model::{Check, Comparison, CriterionId, GateCriterion, Kpi, Localized};
/// let c = GateCriterion::new(
///     CriterionId::new("weekly-active-40")?,
///     Localized::new("Weekly-active 40%", "週次利用率40%"),
///     2.0,
///     Check::Kpi { kpi: Kpi::WeeklyActiveRate, op: Comparison::AtLeast, threshold: 0.4 },
/// );
/// assert_eq!(c.weight, 2.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct GateCriterion {
    /// The criterion's id, unique within its gate.
    pub id: CriterionId,
    /// What the criterion asks for.
    pub title: Localized,
    /// Its weight in the gate's readiness; finite and positive.
    pub weight: f64,
    /// Whether it must hold for the phase to be left, whatever the readiness.
    #[serde(default)]
    pub mandatory: bool,
    /// What is checked.
    pub check: Check,
    /// At organisation scope, which rollout units a per-unit criterion (a per-unit activity done,
    /// a role present per unit) asks of. Absent: the pilot for an activity, every rollout unit for
    /// a role, as before this field existed. Ignored by other criteria and in a unit's own scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<UnitCoverage>,
}

/// Which rollout units a per-unit gate criterion asks of at organisation scope.
///
/// ```
/// use teichaku_model::UnitCoverage;
/// assert_eq!(serde_json::from_str::<UnitCoverage>("\"reached\"")?, UnitCoverage::Reached);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnitCoverage {
    /// The units of the pilot wave: what the pilot proves before the rollout spreads.
    Pilot,
    /// The units of every wave that may start: what each unit does as the rollout reaches it.
    Reached,
    /// Every rollout unit, reached or not: the criterion holds only once the rollout covers them all.
    Every,
}

/// What a gate criterion checks.
///
/// ```
/// use teichaku_model::{Check, Role};
/// let c: Check = serde_json::from_str(r#"{ "kind": "role_present", "role": "ambassador", "per_unit": true }"#)?;
/// assert_eq!(c, Check::RolePresent { role: Role::Ambassador, min_count: 1, per_unit: true });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Check {
    /// The activity is done: once for an organisation-wide activity, in every unit in scope for a
    /// per-unit one.
    ActivityDone {
        /// The activity.
        activity: ActivityId,
    },
    /// A KPI reaches a threshold; short of it, the criterion earns partial credit.
    Kpi {
        /// The KPI.
        kpi: Kpi,
        /// Which side of the threshold passes.
        op: Comparison,
        /// The threshold, in the KPI's own unit (rates are fractions: 0.4 is 40%).
        threshold: f64,
    },
    /// An organisation-wide activity was last done within the `within_days` days up to `as_of`,
    /// that day included (so `14` means at most 13 days before, as `days_since_executive_use ≤ 13`):
    /// a recurring activity kept up, not done once. Met or not, never partial credit.
    ///
    /// It is the public evidence of a habit a KPI cannot show in a small organisation: with fewer
    /// executives than the minimum group size their usage figures are withheld, but "the
    /// executive shared one use of AI at the morning meeting" is a recorded completion.
    ///
    /// ```
    /// use teichaku_model::Check;
    /// let c: Check = serde_json::from_str(
    ///     r#"{ "kind": "activity_recent", "activity": "executive-visible-use", "within_days": 14 }"#,
    /// )?;
    /// assert!(matches!(c, Check::ActivityRecent { within_days: 14, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ActivityRecent {
        /// The activity: organisation-wide, usually recurring.
        activity: ActivityId,
        /// How many days, `as_of` included, its last completion may lie in (at least 1).
        within_days: u32,
    },
    /// Enough members hold a role, in the scope or in every unit of it.
    RolePresent {
        /// The role.
        role: Role,
        /// How many members must hold it.
        #[serde(default = "one")]
        min_count: u32,
        /// Whether every unit in scope needs them, rather than the scope as a whole.
        #[serde(default)]
        per_unit: bool,
    },
    /// An outcome KPI's latest value (or its change from baseline) on or before `as_of`, in the
    /// scope, reaches a threshold. Met or not, never partial credit; no record means not met.
    ///
    /// ```
    /// use teichaku_model::{Check, OutcomeMeasure};
    /// let c: Check = serde_json::from_str(r#"{ "kind": "outcome", "outcome": "cost",
    ///   "op": "at_most", "threshold": -0.1, "measure": "change_from_baseline" }"#)?;
    /// assert!(matches!(c, Check::Outcome { measure: OutcomeMeasure::ChangeFromBaseline, .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Outcome {
        /// The outcome KPI, declared by the playbook.
        outcome: OutcomeId,
        /// Which side of the threshold passes.
        op: Comparison,
        /// The threshold: in the declared unit, or a fraction for a change from baseline.
        threshold: f64,
        /// What is read from the latest record.
        #[serde(default, skip_serializing_if = "OutcomeMeasure::is_value")]
        measure: OutcomeMeasure,
    },
}

const fn one() -> u32 {
    1
}

/// Which side of a threshold passes.
///
/// ```
/// use teichaku_model::Comparison;
/// assert!(Comparison::AtLeast.holds(0.5, 0.4));
/// assert!(!Comparison::AtMost.holds(0.5, 0.4));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Comparison {
    /// The value must be at least the threshold.
    AtLeast,
    /// The value must be at most the threshold.
    AtMost,
}

impl Comparison {
    /// Whether `value` passes `threshold`.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= threshold,
            Comparison::AtMost => value <= threshold,
        }
    }
}

/// An operator of a [`Condition::Compare`].
///
/// ```
/// use teichaku_model::CompareOp;
/// assert!(CompareOp::Lt.holds(0.1, 0.2));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CompareOp {
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
}

impl CompareOp {
    /// Whether `left op right` holds.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CompareOp::Lt => left < right,
            CompareOp::Le => left <= right,
            CompareOp::Gt => left > right,
            CompareOp::Ge => left >= right,
        }
    }
}

/// The KPIs a playbook can name in gates, targets, conditions and the scoring model.
///
/// Rates and shares are fractions in `[0, 1]`; counts are cumulative from launch to `as_of`
/// unless the name gives a window; `days_since_*` count from the last such event, or from launch
/// when there was none.
///
/// ```
/// use teichaku_model::Kpi;
/// assert_eq!(serde_json::to_string(&Kpi::WeeklyActiveRate)?, "\"weekly_active_rate\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kpi {
    /// Members with a usage day in the trailing 7 days over headcount.
    WeeklyActiveRate,
    /// Members with a usage day in the trailing 28 days over headcount.
    MonthlyActiveRate,
    /// Members meeting the playbook's habit definition over headcount.
    HabitRate,
    /// Members active in both the previous and the trailing 7 days over those active in the previous 7.
    ReturningRate,
    /// Members who used AI before but not in the trailing `lapsed_after_days` (28 by default), over headcount.
    LapsedShare,
    /// Members who never used AI, over headcount.
    NeverShare,
    /// Usage minutes per active member in the trailing 7 days.
    MinutesPerActiveMember,
    /// Executives with a usage day in the trailing 7 days over executives.
    ExecutiveActiveShare,
    /// Days since an executive last used AI.
    DaysSinceExecutiveUse,
    /// Mean satisfaction (1 to 5) of survey answers in the trailing 28 days.
    SatisfactionMean,
    /// Mean self-rated output quality (1 to 5) of survey answers in the trailing 28 days.
    QualityMean,
    /// Share of non-users giving "anxious" as their reason, in the trailing 28 days of surveys.
    NonUserShareAnxious,
    /// Share of non-users giving "skeptical" as their reason.
    NonUserShareSkeptical,
    /// Share of non-users giving "uninterested" as their reason.
    NonUserShareUninterested,
    /// Improvement proposals submitted.
    ProposalsSubmitted,
    /// Improvement proposals implemented.
    ProposalsImplemented,
    /// Implemented over submitted proposals.
    ImplementationRate,
    /// Consultations opened.
    ConsultationsOpened,
    /// Consultations not yet resolved on `as_of`.
    ConsultationsUnresolved,
    /// Median days from opening to resolving a consultation.
    MedianDaysToResolve,
    /// Rule incidents in the trailing 28 days.
    #[serde(rename = "incidents_last_28_days")]
    IncidentsLast28Days,
    /// Days since the usage rules were last reviewed.
    DaysSinceRuleReview,
    /// Success cases shared.
    SuccessCasesShared,
    /// Success cases shared with all four fields (problem, measure, effect, how).
    SuccessCasesComplete,
    /// Days since a success case was last shared.
    DaysSinceSuccessCase,
    /// Hours saved, from events that measured it or a task baseline.
    TimeSavedHours,
    /// Members who completed at least one training, over headcount.
    TrainedShare,
    /// Beginners aged 60 or over who have completed no training.
    UntrainedSeniorBeginners,
    /// Days from launch to `as_of`.
    DaysSinceLaunch,
    /// The retention score, 0 to 100.
    RetentionScore,
}

impl Kpi {
    /// Every KPI, in declaration order.
    pub const ALL: [Kpi; 30] = [
        Kpi::WeeklyActiveRate,
        Kpi::MonthlyActiveRate,
        Kpi::HabitRate,
        Kpi::ReturningRate,
        Kpi::LapsedShare,
        Kpi::NeverShare,
        Kpi::MinutesPerActiveMember,
        Kpi::ExecutiveActiveShare,
        Kpi::DaysSinceExecutiveUse,
        Kpi::SatisfactionMean,
        Kpi::QualityMean,
        Kpi::NonUserShareAnxious,
        Kpi::NonUserShareSkeptical,
        Kpi::NonUserShareUninterested,
        Kpi::ProposalsSubmitted,
        Kpi::ProposalsImplemented,
        Kpi::ImplementationRate,
        Kpi::ConsultationsOpened,
        Kpi::ConsultationsUnresolved,
        Kpi::MedianDaysToResolve,
        Kpi::IncidentsLast28Days,
        Kpi::DaysSinceRuleReview,
        Kpi::SuccessCasesShared,
        Kpi::SuccessCasesComplete,
        Kpi::DaysSinceSuccessCase,
        Kpi::TimeSavedHours,
        Kpi::TrainedShare,
        Kpi::UntrainedSeniorBeginners,
        Kpi::DaysSinceLaunch,
        Kpi::RetentionScore,
    ];

    /// The KPI's position in [`Kpi::ALL`], for tables with a slot per KPI.
    ///
    /// ```
    /// use teichaku_model::Kpi;
    /// assert!(Kpi::ALL.iter().enumerate().all(|(i, k)| k.index() == i));
    /// ```
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The KPI's name as documents spell it.
    ///
    /// ```
    /// use teichaku_model::Kpi;
    /// assert_eq!(Kpi::HabitRate.name(), "habit_rate");
    /// assert!(Kpi::ALL.iter().all(|k| serde_json::to_string(k).ok() == Some(format!("\"{}\"", k.name()))));
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Kpi::WeeklyActiveRate => "weekly_active_rate",
            Kpi::MonthlyActiveRate => "monthly_active_rate",
            Kpi::HabitRate => "habit_rate",
            Kpi::ReturningRate => "returning_rate",
            Kpi::LapsedShare => "lapsed_share",
            Kpi::NeverShare => "never_share",
            Kpi::MinutesPerActiveMember => "minutes_per_active_member",
            Kpi::ExecutiveActiveShare => "executive_active_share",
            Kpi::DaysSinceExecutiveUse => "days_since_executive_use",
            Kpi::SatisfactionMean => "satisfaction_mean",
            Kpi::QualityMean => "quality_mean",
            Kpi::NonUserShareAnxious => "non_user_share_anxious",
            Kpi::NonUserShareSkeptical => "non_user_share_skeptical",
            Kpi::NonUserShareUninterested => "non_user_share_uninterested",
            Kpi::ProposalsSubmitted => "proposals_submitted",
            Kpi::ProposalsImplemented => "proposals_implemented",
            Kpi::ImplementationRate => "implementation_rate",
            Kpi::ConsultationsOpened => "consultations_opened",
            Kpi::ConsultationsUnresolved => "consultations_unresolved",
            Kpi::MedianDaysToResolve => "median_days_to_resolve",
            Kpi::IncidentsLast28Days => "incidents_last_28_days",
            Kpi::DaysSinceRuleReview => "days_since_rule_review",
            Kpi::SuccessCasesShared => "success_cases_shared",
            Kpi::SuccessCasesComplete => "success_cases_complete",
            Kpi::DaysSinceSuccessCase => "days_since_success_case",
            Kpi::TimeSavedHours => "time_saved_hours",
            Kpi::TrainedShare => "trained_share",
            Kpi::UntrainedSeniorBeginners => "untrained_senior_beginners",
            Kpi::DaysSinceLaunch => "days_since_launch",
            Kpi::RetentionScore => "retention_score",
        }
    }

    /// Whether the KPI counts the days since something last happened. When it never happened,
    /// the metrics read it as infinitely many days, the worst value, and reports show no number.
    ///
    /// ```
    /// use teichaku_model::Kpi;
    /// assert!(Kpi::DaysSinceSuccessCase.is_days_since());
    /// assert!(!Kpi::DaysSinceLaunch.is_days_since());
    /// ```
    pub const fn is_days_since(self) -> bool {
        matches!(self, Kpi::DaysSinceExecutiveUse | Kpi::DaysSinceRuleReview | Kpi::DaysSinceSuccessCase)
    }
}
/// A target the method sets for a KPI: a threshold, by a number of days after launch (or after
/// an activity was first done), in the organisation or in each unit.
///
/// ```
/// use teichaku_model::{ActivityScope, Comparison, Kpi, KpiTarget};
/// let t: KpiTarget = serde_json::from_str(r#"{
///   "kpi": "habit_rate", "op": "at_least", "value": 0.2, "by_day": 30
/// }"#)?;
/// assert_eq!((t.by_day, t.after, t.scope), (Some(30), None, ActivityScope::Organisation));
/// let t: KpiTarget = serde_json::from_str(r#"{
///   "kpi": "weekly_active_rate", "op": "at_least", "value": 0.5, "by_day": 30,
///   "after": "kick-off", "scope": "per_unit"
/// }"#)?;
/// assert_eq!(t.after.as_ref().map(|a| a.as_str()), Some("kick-off"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiTarget {
    /// The KPI.
    pub kpi: Kpi,
    /// Which side of the value is on target.
    pub op: Comparison,
    /// The target value.
    pub value: f64,
    /// Days after launch (or after `after`) by which the target should hold; `None` means at
    /// all times (from launch, or from `after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_day: Option<u32>,
    /// Counts `by_day` from the first completion of this activity (in the unit, for a per-unit
    /// activity and a per-unit target) instead of from launch; not yet due until it is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ActivityId>,
    /// Where the target is judged: the organisation (the default) or each unit.
    #[serde(default, skip_serializing_if = "ActivityScope::is_organisation")]
    pub scope: ActivityScope,
}

/// A unit of rollout work.
///
/// ```
/// use teichaku_model::{Activity, ActivityScope, Role};
/// let a: Activity = serde_json::from_str(r#"{
///   "id": "practice-task", "phase": "education",
///   "title": { "en": "Practice task", "ja": "実務課題" },
///   "owner": "manager", "scope": "per_unit", "duration_days": 5,
///   "depends_on": ["training"],
///   "timing": { "after": { "activity": "training" }, "due_within_days": 7 }
/// }"#)?;
/// assert_eq!(a.scope, ActivityScope::PerUnit);
/// assert_eq!(a.owner, Role::Manager);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Activity {
    /// The activity's id.
    pub id: ActivityId,
    /// The phase it belongs to.
    pub phase: PhaseId,
    /// What is done.
    pub title: Localized,
    /// How to do it well.
    #[serde(default)]
    pub summary: Localized,
    /// The role that owns it.
    pub owner: Role,
    /// Whether it is done once for the organisation or once in every unit.
    pub scope: ActivityScope,
    /// Activities that must be done first.
    #[serde(default)]
    pub depends_on: Vec<ActivityId>,
    /// A window relative to launch or to another activity's completion; an anchor activity is also
    /// a dependency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Whether and how often it repeats once first done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// The estimated working time from start to finish, in days.
    pub duration_days: u32,
    /// Who the activity is for, when not everyone (a training track, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// KPIs the activity reports on, such as the measures of a proof-of-concept review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<Kpi>,
    /// Outcome KPIs the activity reports on, such as the cost and revenue contribution of a
    /// three-month review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reports_outcomes: Vec<OutcomeId>,
    /// The role the activity appoints in its scope (an ambassador in each unit, say), if any.
    /// Where a wave may not start because a unit lacks that role, the activity is proposed in
    /// that unit although the wave has not started; absent, the engine proposes a bare
    /// appointment (`appoint:ROLE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appoints: Option<Role>,
    /// The training track completing the activity gives its audience (everyone in its scope
    /// when it has none), if it is a training. Only a training is held again for members of its
    /// audience with no training record (catch-up sessions, new joiners); a briefing or a meeting
    /// for an audience is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trains: Option<crate::TrainingTrack>,
}

impl Activity {
    /// Every activity this one waits for: its dependencies and its timing anchor, sorted, once each.
    ///
    /// ```
    /// # use teichaku_model::Activity;
    /// let a: Activity = serde_json::from_str(r#"{
    ///   "id": "check-30", "phase": "p", "title": { "en": "", "ja": "" },
    ///   "owner": "promotion_lead", "scope": "organisation", "duration_days": 1,
    ///   "depends_on": ["training"],
    ///   "timing": { "after": { "activity": "training" }, "not_before_days": 30 }
    /// }"#)?;
    /// assert_eq!(a.prerequisites().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prerequisites(&self) -> BTreeSet<&ActivityId> {
        let mut all: BTreeSet<&ActivityId> = self.depends_on.iter().collect();
        if let Some(Timing { after: Anchor::Activity(anchor), .. }) = &self.timing {
            all.insert(anchor);
        }
        all
    }
}

/// Whether an activity is done once or once per unit.
///
/// ```
/// use teichaku_model::ActivityScope;
/// assert_eq!(serde_json::to_string(&ActivityScope::PerUnit)?, "\"per_unit\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActivityScope {
    /// Once, for the whole organisation.
    #[default]
    Organisation,
    /// Once in every unit, as the unit's wave reaches it.
    PerUnit,
}

impl ActivityScope {
    /// Whether it is [`ActivityScope::Organisation`], the default.
    ///
    /// ```
    /// assert!(teichaku_model::ActivityScope::default().is_organisation());
    /// ```
    pub fn is_organisation(&self) -> bool {
        *self == ActivityScope::Organisation
    }
}

/// When an activity may start and when it is due, relative to an anchor.
///
/// ```
/// use teichaku_model::{Anchor, Timing};
/// let t: Timing = serde_json::from_str(r#"{ "after": "launch", "not_before_days": 85, "due_within_days": 95 }"#)?;
/// assert_eq!(t.after, Anchor::Launch);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Timing {
    /// What the days count from.
    pub after: Anchor,
    /// The activity should not start before this many days after the anchor.
    #[serde(default)]
    pub not_before_days: u32,
    /// The activity is overdue once this many days after the anchor have passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_within_days: Option<u32>,
}

/// What a [`Timing`] counts from.
///
/// ```
/// use teichaku_model::{ActivityId, Anchor};
/// let a: Anchor = serde_json::from_str(r#"{ "activity": "training" }"#)?;
/// assert_eq!(a, Anchor::Activity(ActivityId::new("training")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Anchor {
    /// The organisation's launch date.
    Launch,
    /// The completion of another activity (in the same unit, for per-unit activities).
    Activity(ActivityId),
}

/// How often an activity repeats once first done.
///
/// ```
/// use teichaku_model::Recurrence;
/// let weekly_then_monthly = Recurrence::every(7).once_retained_every(30);
/// assert_eq!(weekly_then_monthly.every_days, 7);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Recurrence {
    /// Days between occurrences; at least 1.
    pub every_days: u32,
    /// Days between occurrences once the retention score reaches "retained".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub once_retained_every_days: Option<u32>,
}

/// Who an activity is for; an empty set means everyone.
///
/// ```
/// use teichaku_model::{AgeBand, Audience, LiteracyTier};
/// let basics = Audience::everyone().with_age_band(AgeBand::Age60Plus).with_literacy(LiteracyTier::Beginner);
/// assert!(basics.roles.is_empty());
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Audience {
    /// Roles the activity is for.
    #[serde(default)]
    pub roles: BTreeSet<Role>,
    /// Generations the activity is for.
    #[serde(default)]
    pub age_bands: BTreeSet<AgeBand>,
    /// Literacy tiers the activity is for.
    #[serde(default)]
    pub literacy: BTreeSet<LiteracyTier>,
}

/// A structured condition over KPIs, roles and activities, evaluated in a scope.
///
/// ```
/// use teichaku_model::Condition;
/// let failing: Condition = serde_json::from_str(r#"{ "kind": "all", "of": [
///   { "kind": "compare", "kpi": "weekly_active_rate", "op": "lt", "value": 0.2 },
///   { "kind": "compare", "kpi": "days_since_launch", "op": "ge", "value": 90 }
/// ] }"#)?;
/// assert_eq!(failing.depth(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Condition {
    /// Every condition holds (true when empty).
    All {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// At least one condition holds (false when empty).
    Any {
        /// The conditions.
        of: Vec<Condition>,
    },
    /// The condition does not hold.
    Not {
        /// The condition.
        condition: Box<Condition>,
    },
    /// A KPI compared with a value; an undefined KPI makes the comparison false.
    Compare {
        /// The KPI.
        kpi: Kpi,
        /// The operator.
        op: CompareOp,
        /// The value, in the KPI's own unit.
        value: f64,
    },
    /// The number of members holding a role in the scope compared with a value.
    RoleCount {
        /// The role.
        role: Role,
        /// The operator.
        op: CompareOp,
        /// The value.
        value: f64,
    },
    /// The activity is done in the scope.
    ActivityDone {
        /// The activity.
        activity: ActivityId,
    },
    /// The organisation-wide activity was last done within the `within_days` days up to `as_of`
    /// (see [`Check::ActivityRecent`]); it holds in every scope alike.
    ActivityRecent {
        /// The activity: organisation-wide.
        activity: ActivityId,
        /// How many days, `as_of` included, its last completion may lie in (at least 1).
        within_days: u32,
    },
    /// An outcome KPI's latest value (or change from baseline) in the scope compared with a
    /// value; no record, or a withheld scope, makes the comparison false.
    Outcome {
        /// The outcome KPI, declared by the playbook.
        outcome: OutcomeId,
        /// The operator.
        op: CompareOp,
        /// The value: in the declared unit, or a fraction for a change from baseline.
        value: f64,
        /// What is read from the latest record.
        #[serde(default, skip_serializing_if = "OutcomeMeasure::is_value")]
        measure: OutcomeMeasure,
    },
}

/// The deepest nesting of conditions accepted.
pub const MAX_CONDITION_DEPTH: usize = 16;

impl Condition {
    /// How deeply the condition nests: 1 for a leaf.
    ///
    /// Measured with an explicit stack, so a condition built in Rust as deep as memory allows
    /// is measured (and refused by validation) without recursion.
    ///
    /// ```
    /// use teichaku_model::{CompareOp, Condition, Kpi};
    /// let leaf = Condition::Compare { kpi: Kpi::HabitRate, op: CompareOp::Ge, value: 0.2 };
    /// let not = Condition::Not { condition: Box::new(leaf.clone()) };
    /// assert_eq!(leaf.depth(), 1);
    /// assert_eq!(Condition::Any { of: vec![leaf, not] }.depth(), 3);
    /// ```
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((condition, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            match condition {
                Condition::All { of } | Condition::Any { of } => stack.extend(of.iter().map(|c| (c, depth + 1))),
                Condition::Not { condition } => stack.push((condition, depth + 1)),
                Condition::Compare { .. }
                | Condition::RoleCount { .. }
                | Condition::ActivityDone { .. }
                | Condition::ActivityRecent { .. }
                | Condition::Outcome { .. } => {}
            }
        }
        deepest
    }

    /// Calls `f` on every leaf and inner node, parents first, in document order; with an
    /// explicit stack, not recursion.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Condition)) {
        let mut stack = vec![self];
        while let Some(condition) = stack.pop() {
            f(condition);
            match condition {
                Condition::All { of } | Condition::Any { of } => stack.extend(of.iter().rev()),
                Condition::Not { condition } => stack.push(condition),
                Condition::Compare { .. }
                | Condition::RoleCount { .. }
                | Condition::ActivityDone { .. }
                | Condition::ActivityRecent { .. }
                | Condition::Outcome { .. } => {}
            }
        }
    }
}

/// A rule that proposes an action when its condition holds in a scope.
///
/// ```
/// use teichaku_model::Intervention;
/// let i: Intervention = serde_json::from_str(r#"{
///   "id": "executive-silent",
///   "title": { "en": "Executives: use AI where staff can see it", "ja": "経営層が率先して使う" },
///   "scope": "organisation", "owner": "executive", "severity": 0.8,
///   "when": { "kind": "compare", "kpi": "days_since_executive_use", "op": "ge", "value": 14 }
/// }"#)?;
/// assert_eq!(i.severity, 0.8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Intervention {
    /// The intervention's id; also the stable code of the action it proposes.
    pub id: InterventionId,
    /// The action proposed.
    pub title: Localized,
    /// Why and how to do it.
    #[serde(default)]
    pub summary: Localized,
    /// Whether the condition is evaluated for the organisation or in every unit.
    pub scope: ActivityScope,
    /// When the intervention fires.
    pub when: Condition,
    /// The role that should act.
    pub owner: Role,
    /// An activity the action (re)runs, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityId>,
    /// How serious the situation is, from 0 (cosmetic) to 1 (the rollout is failing).
    pub severity: f64,
    /// Days from firing within which the action is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_within_days: Option<u32>,
}

/// How usage becomes habit figures.
///
/// ```
/// use teichaku_model::{HabitRule, MetricSettings};
/// let m = MetricSettings::default();
/// assert_eq!(m.habit, HabitRule::DaysInWindow { days: 4, window: 7 });
/// assert_eq!(m.min_group_size, 5);
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricSettings {
    /// What counts as a habit.
    #[serde(default = "default_habit")]
    pub habit: HabitRule,
    /// Aggregates over fewer members than this are suppressed.
    #[serde(default = "default_min_group_size")]
    pub min_group_size: u32,
    /// Days without use after which a former user counts as lapsed.
    #[serde(default = "default_lapsed_after_days")]
    pub lapsed_after_days: u32,
}

impl Default for MetricSettings {
    fn default() -> Self {
        Self {
            habit: default_habit(),
            min_group_size: default_min_group_size(),
            lapsed_after_days: default_lapsed_after_days(),
        }
    }
}

const fn default_habit() -> HabitRule {
    HabitRule::DaysInWindow { days: 4, window: 7 }
}

const fn default_min_group_size() -> u32 {
    5
}

const fn default_lapsed_after_days() -> u32 {
    28
}

/// What counts as a usage habit.
///
/// ```
/// use teichaku_model::HabitRule;
/// let r: HabitRule = serde_json::from_str(r#"{ "kind": "weeks_in_window", "weeks": 9, "window": 12 }"#)?;
/// assert_eq!(r, HabitRule::WeeksInWindow { weeks: 9, window: 12 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum HabitRule {
    /// At least `days` distinct usage days in the trailing `window` days.
    DaysInWindow {
        /// Usage days needed.
        days: u32,
        /// The window, in days.
        window: u32,
    },
    /// Active in at least `weeks` of the trailing `window` ISO weeks.
    WeeksInWindow {
        /// Active weeks needed.
        weeks: u32,
        /// The window, in weeks.
        window: u32,
    },
}

/// How the retention score is computed.
///
/// The defaults follow the seeds: seven components, a cap of 59 when an absolute condition of
/// retention is absent, and a failing flag under 20% weekly-active at 90 days.
///
/// ```
/// use teichaku_model::ScoringModel;
/// let m = ScoringModel::default();
/// assert_eq!(m.components.len(), 7);
/// assert_eq!(m.absolute_conditions.len(), 3);
/// assert_eq!(m.cap_without_absolute, 59.0);
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringModel {
    /// The weighted components.
    pub components: Vec<ScoreComponent>,
    /// Conditions without which use has not taken root; any absent caps the score.
    pub absolute_conditions: Vec<AbsoluteCondition>,
    /// The highest score allowed while an absolute condition is absent.
    pub cap_without_absolute: f64,
    /// When the rollout is flagged as failing.
    pub failing: FailingRule,
}

/// One weighted component of the retention score.
///
/// ```
/// use teichaku_model::{Kpi, ScoreComponent, ScoreComponentKind, Comparison};
/// let c = ScoreComponent {
///     component: ScoreComponentKind::HabitRate, kpi: Kpi::HabitRate,
///     op: Comparison::AtLeast, target: 0.5, weight: 25.0,
/// };
/// assert_eq!(c.weight, 25.0);
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreComponent {
    /// Which component this is.
    pub component: ScoreComponentKind,
    /// The KPI that measures it.
    pub kpi: Kpi,
    /// Whether higher (`at_least`) or lower (`at_most`) values are better.
    pub op: Comparison,
    /// The value that earns full points.
    pub target: f64,
    /// The points at full achievement; weights need not sum to 100, the score is normalised.
    pub weight: f64,
}

/// The components of the retention score.
///
/// ```
/// use teichaku_model::ScoreComponentKind;
/// assert_eq!(serde_json::to_string(&ScoreComponentKind::RuleHygiene)?, "\"rule_hygiene\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ScoreComponentKind {
    /// Daily use has become a habit.
    HabitRate,
    /// People use AI at least weekly.
    WeeklyActiveRate,
    /// Users come back week after week.
    ReturningRate,
    /// Executives use AI themselves.
    ExecutiveCommitment,
    /// There is a place to ask, and questions get answers.
    ConsultationEnvironment,
    /// Success cases are shared.
    KnowledgeSharing,
    /// The rules are reviewed and kept.
    RuleHygiene,
}

/// An absolute condition of retention: while it does not hold, the score is capped.
///
/// ```
/// use teichaku_model::AbsoluteCondition;
/// let c: AbsoluteCondition = serde_json::from_str(r#"{
///   "id": "place-to-ask", "title": { "en": "A place to ask", "ja": "相談できる場" },
///   "when": { "kind": "role_count", "role": "ambassador", "op": "ge", "value": 1 }
/// }"#)?;
/// assert_eq!(c.id.as_str(), "place-to-ask");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsoluteCondition {
    /// The condition's id.
    pub id: ConditionId,
    /// What it asks for.
    pub title: Localized,
    /// When it is present.
    pub when: Condition,
}

/// When a rollout is flagged as failing: weekly-active under `below` at `after_days` or more
/// after launch.
///
/// ```
/// use teichaku_model::FailingRule;
/// assert_eq!(FailingRule::default(), FailingRule { below: 0.2, after_days: 90 });
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailingRule {
    /// The weekly-active rate under which the rollout is failing.
    pub below: f64,
    /// Days after launch from which the rule applies.
    pub after_days: u32,
}

impl Default for FailingRule {
    fn default() -> Self {
        Self { below: 0.2, after_days: 90 }
    }
}

impl Default for ScoringModel {
    fn default() -> Self {
        use ScoreComponentKind as C;
        let component = |component, kpi, op, target, weight| ScoreComponent { component, kpi, op, target, weight };
        Self {
            components: vec![
                // Retention is everyone using AI daily (seed 004): use earns 80 of the 100 points,
                // the daily habit 50 of them; the mechanisms that keep it going earn 5 each.
                component(C::HabitRate, Kpi::HabitRate, Comparison::AtLeast, 0.8, 50.0),
                component(C::WeeklyActiveRate, Kpi::WeeklyActiveRate, Comparison::AtLeast, 0.9, 20.0),
                component(C::ReturningRate, Kpi::ReturningRate, Comparison::AtLeast, 0.9, 10.0),
                component(C::ExecutiveCommitment, Kpi::ExecutiveActiveShare, Comparison::AtLeast, 1.0, 5.0),
                component(C::ConsultationEnvironment, Kpi::MedianDaysToResolve, Comparison::AtMost, 2.0, 5.0),
                component(C::KnowledgeSharing, Kpi::DaysSinceSuccessCase, Comparison::AtMost, 14.0, 5.0),
                component(C::RuleHygiene, Kpi::DaysSinceRuleReview, Comparison::AtMost, 90.0, 5.0),
            ],
            // Literal slugs, all valid: the example on `ScoringModel` counts the three.
            absolute_conditions: [
                (
                    "daily-habit",
                    Localized::new("A daily-use habit for at least half the members", "半数以上に毎日使う習慣"),
                    Condition::Compare { kpi: Kpi::HabitRate, op: CompareOp::Ge, value: 0.5 },
                ),
                (
                    "executive-commitment",
                    Localized::new("Executives use AI themselves", "経営層のコミットメント"),
                    Condition::Compare { kpi: Kpi::DaysSinceExecutiveUse, op: CompareOp::Lt, value: 14.0 },
                ),
                (
                    "place-to-ask",
                    Localized::new("A place to ask questions", "相談できる場"),
                    Condition::RoleCount { role: Role::Ambassador, op: CompareOp::Ge, value: 1.0 },
                ),
            ]
            .into_iter()
            .filter_map(|(id, title, when)| Some(AbsoluteCondition { id: ConditionId::new(id).ok()?, title, when }))
            .collect(),
            cap_without_absolute: 59.0,
            failing: FailingRule::default(),
        }
    }
}

/// The coefficients of the urgency sum that ranks next actions.
///
/// The defaults put the method's own sequence first: the barrier point (200 points), then overdue
/// work with a due date (150, plus 1 a day late: above every other kind of work, so a missed
/// practice task or 1-month check reaches the top five within a week whatever else waits), a
/// late round of a monthly routine (130), the barrier phase's work (90), then the work that lets
/// the next wave start (80); an intervention earns up to 100 by its severity (a failing rollout),
/// so none outranks overdue work, and no generic intervention outranks the barrier point. Blocking
/// counts are capped (50 instances), so a large organisation's early work does not drown the rest.
///
/// `urgency = sequence + overdue_per_day × days late + blocking_per_instance × min(instances
/// waiting downstream, blocking_cap) + gate_weight × the gate weight it serves + kpi_severity ×
/// severity − phase_distance × phases ahead`, where `sequence` is the largest of
/// `barrier_point` (the barrier point), `overdue_base` (overdue), `late_round` (a late round of
/// a monthly or slower routine), `recurrence_due` (a recurrence past its day), `barrier_work` (the open work of the phase of a KPI barrier), `target_missed`
/// (a missed target, and the work that moves its KPI), `catch_up` (a training held again for new
/// members) and `wave_unblocking` (a wave waits for it) that apply.
///
/// ```
/// use teichaku_model::UrgencyCoefficients;
/// let u = UrgencyCoefficients::default();
/// assert!(u.barrier_point > u.overdue_base && u.overdue_base >= u.kpi_severity);
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgencyCoefficients {
    /// Points per day an action is late.
    pub overdue_per_day: f64,
    /// Points per activity instance waiting on it downstream.
    pub blocking_per_instance: f64,
    /// Points per unit of gate weight the action serves in the current phase.
    pub gate_weight: f64,
    /// Points per unit of severity of a fired intervention.
    pub kpi_severity: f64,
    /// Points taken off per phase between the action's phase and the current one.
    pub phase_distance: f64,
    /// Points for the barrier point, the first unmet criterion: what to fix first.
    #[serde(default = "default_barrier_point")]
    pub barrier_point: f64,
    /// Points for work past its due date (a practice task, a 1- or 3-month check, a review), before
    /// the points per day late: under the barrier point and above everything else, so such work
    /// reaches the top five within a week of its due date.
    #[serde(default = "default_overdue_base")]
    pub overdue_base: f64,
    /// Points for a late round of a monthly or slower routine (a monthly review, a quarterly
    /// check-in), which the next round does not make up within the month, before the points per
    /// day late (a week's worth at most).
    #[serde(default = "default_late_round")]
    pub late_round: f64,
    /// Points for what the next wave waits for: an appointment it lacks, or the previous wave's work.
    #[serde(default = "default_wave_unblocking")]
    pub wave_unblocking: f64,
    /// The most instances waiting downstream that count towards the blocking term.
    #[serde(default = "default_blocking_cap")]
    pub blocking_cap: u32,
    /// Points for the open work of the barrier's phase when the barrier is a KPI criterion (the
    /// phase's work is what moves it), just under overdue work.
    #[serde(default = "default_barrier_work")]
    pub barrier_work: f64,
    /// Points for a recurring activity past the day its cadence came round (a late routine, or
    /// one that keeps an `activity_recent` criterion from lapsing), under one-off overdue work and
    /// the barrier's work: the next occurrence makes up a missed beat, while a missed practice
    /// task or check does not come back.
    #[serde(default = "default_recurrence_due")]
    pub recurrence_due: f64,
    /// Points for a KPI target missed on its due day or since (an early warning): above every
    /// generic intervention and what the next wave waits for, below the barrier point, overdue
    /// work and the barrier phase's work (the work that moves the KPI).
    #[serde(default = "default_target_missed")]
    pub target_missed: f64,
    /// Points for a training held again for members who joined after it (the next cycle for new
    /// hires), before the points per day the first of them has waited.
    #[serde(default = "default_catch_up")]
    pub catch_up: f64,
    /// Points for a routine that keeps a gate's `activity_recent` criterion (the executives'
    /// visible use, say) when that criterion lapses within 7 days unless the routine is done:
    /// under the barrier point, level with overdue work before its days late, so a condition
    /// that holds now is not lost next week to later routines.
    #[serde(default = "default_lapsing")]
    pub lapsing: f64,
}

const fn default_lapsing() -> f64 {
    150.0
}

const fn default_catch_up() -> f64 {
    80.0
}

const fn default_target_missed() -> f64 {
    85.0
}

const fn default_recurrence_due() -> f64 {
    80.0
}

const fn default_barrier_work() -> f64 {
    90.0
}

const fn default_barrier_point() -> f64 {
    200.0
}

const fn default_overdue_base() -> f64 {
    150.0
}

const fn default_late_round() -> f64 {
    130.0
}

const fn default_wave_unblocking() -> f64 {
    80.0
}

const fn default_blocking_cap() -> u32 {
    50
}

impl Default for UrgencyCoefficients {
    fn default() -> Self {
        Self {
            overdue_per_day: 1.0,
            blocking_per_instance: 1.0,
            gate_weight: 5.0,
            kpi_severity: 100.0,
            phase_distance: 3.0,
            barrier_point: default_barrier_point(),
            overdue_base: default_overdue_base(),
            late_round: default_late_round(),
            wave_unblocking: default_wave_unblocking(),
            blocking_cap: default_blocking_cap(),
            barrier_work: default_barrier_work(),
            recurrence_due: default_recurrence_due(),
            target_missed: default_target_missed(),
            catch_up: default_catch_up(),
            lapsing: default_lapsing(),
        }
    }
}
