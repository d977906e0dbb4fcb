//! Every KPI of a scope on `as_of`, from the aggregate and the other observations.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{
    AdkarElement, AgeBand, HabitRule, HourlyRate, IdBuildHasher, Kpi, LiteracyTier, NonUserReason, PlaybookId, Role,
    TaskBaseline, UnitId, ValidSnapshot,
};

use crate::Scope;
use crate::activity::{WorkingDays, is_habitual, streaks};
use crate::aggregate::{AggregateSpec, UsageAggregate, WindowMask};
use crate::calendar::{date_of, day_number, week_start};
use crate::coarse;
use crate::figure::{Figure, Rate, rate_figure};
use crate::scope::{Disclosure, UnitTree};
use crate::score::{ScoreReport, retention_score};
use crate::store::{EventStore, StoreError};

/// Knobs of a KPI computation that are not in the playbook.
///
/// ```
/// let options = teichaku_metrics::KpiOptions::default();
/// assert_eq!(options.series_weeks, 13);
/// assert_eq!(options.threads, 1);
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct KpiOptions {
    /// ISO weeks in the weekly series, ending with the week holding `as_of` (at most 53).
    pub series_weeks: u32,
    /// Threads to aggregate events on; the result does not depend on it.
    pub threads: usize,
    /// Overrides the playbook's minimum group size.
    pub min_group_size: Option<u32>,
    /// Overrides the playbook's habit rule.
    pub habit: Option<HabitRule>,
    /// Only these scopes; every scope when empty.
    pub scopes: Vec<Scope>,
    /// Adds per-person figures to the report; off unless the caller asks.
    pub per_member: bool,
    /// Adds cohort transitions from this earlier date to `as_of`.
    pub compare_with: Option<NaiveDate>,
}

impl Default for KpiOptions {
    fn default() -> Self {
        Self {
            series_weeks: 13,
            threads: 1,
            min_group_size: None,
            habit: None,
            scopes: Vec::new(),
            per_member: false,
            compare_with: None,
        }
    }
}

/// The KPIs of every scope on `as_of`.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// let report = teichaku_metrics::kpis(&snapshot, "2026-11-01".parse()?, &Default::default())?;
/// let org = &report.scopes[0];
/// if let teichaku_metrics::Figure::Value(f) = &org.figures {
///     println!("{:?}", f.weekly_active);
/// }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KpiReport {
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// The playbook whose settings were used.
    pub playbook: PlaybookId,
    /// Its revision.
    pub playbook_revision: u32,
    /// The settings the figures depend on, shown beside them.
    pub settings: KpiSettings,
    /// What happened to the usage events; `None` when the organisation's figures are withheld
    /// (its headcount is under the minimum group size): every count of its events is a figure of
    /// that small group.
    pub events: Option<EventCounts>,
    /// Each scope's figures: the organisation, each unit in document order, each role.
    pub scopes: Vec<ScopeKpis>,
    /// Per-person figures, only when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberKpis>>,
    /// The KPI targets of the playbook and of the organisation on `as_of`: each in the organisation, or in each unit for a
    /// per-unit target, among the scopes of the report.
    #[serde(default)]
    pub targets: Vec<crate::TargetStatus>,
    /// The outcome targets of the playbook and of the organisation on `as_of`, as `targets`
    /// (left out of the JSON when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_targets: Vec<crate::OutcomeTargetStatus>,
}

/// The settings behind the figures.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KpiSettings {
    /// What counts as a habit.
    pub habit: HabitRule,
    /// Groups smaller than this are suppressed.
    pub min_group_size: u32,
    /// Days without use after which a former user is lapsed.
    pub lapsed_after_days: u32,
    /// Weeks in the weekly series.
    pub series_weeks: u32,
    /// Task baselines used to estimate time saved, sorted by task: the organisation's, and the
    /// playbook's for the tasks the organisation gives none.
    pub task_baselines: Vec<TaskBaseline>,
    /// The hourly rate that values time saved.
    pub hourly_rate: Option<HourlyRate>,
}

/// What happened to the usage events.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventCounts {
    /// Events in the store, after exact duplicates were dropped.
    pub stored: u64,
    /// Exact duplicates dropped.
    pub duplicates_dropped: u64,
    /// Events that counted.
    pub counted: u64,
    /// Events after `as_of`, left out.
    pub after_as_of: u64,
    /// Events before the member joined or from the day they left, left out.
    pub outside_membership: u64,
    /// Member-day records in the store, after exact duplicates were dropped.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub day_records: u64,
    /// Exact duplicate day records dropped.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub day_duplicates_dropped: u64,
    /// Events left out because a day record covers their member and day.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub superseded_events: u64,
    /// Member-period records in the store, after exact duplicates were dropped.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub period_records: u64,
    /// Exact duplicate period records dropped.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub period_duplicates_dropped: u64,
}

/// One scope's figures.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopeKpis {
    /// The scope.
    pub scope: Scope,
    /// Members present on `as_of`.
    pub headcount: u64,
    /// The figures; suppressed when the headcount is under the minimum group size.
    pub figures: Figure<ScopeFigures>,
    /// The retention score; suppressed with the figures.
    pub score: Figure<ScoreReport>,
    /// Every KPI as the scope shows it, including the retention score, for gates and conditions:
    /// withheld wherever the figures withhold it. Private and never serialised: the raw figure
    /// of a withheld group is not kept anywhere a caller can reach.
    #[serde(skip)]
    values: KpiValues,
}

/// Every KPI of one scope as the scope shows it, a slot per KPI: a value, undefined, or
/// withheld. It is what gates and conditions look up, many times per scope; a withheld KPI is a
/// typed [`Figure::Suppressed`], not a number.
///
/// ```
/// use teichaku_metrics::{Figure, KpiValues};
/// use teichaku_model::Kpi;
/// let mut values: KpiValues = [(Kpi::HabitRate, 0.25)].into_iter().collect();
/// values.insert(Kpi::WeeklyActiveRate, 0.5);
/// values.withhold(Kpi::ReturningRate);
/// assert_eq!(values.get(Kpi::WeeklyActiveRate), Some(0.5));
/// assert_eq!(values.get(Kpi::ReturningRate), None);
/// assert_eq!(values.figure(Kpi::ReturningRate), Figure::Suppressed);
/// assert_eq!(values.figure(Kpi::RetentionScore), Figure::Undefined);
/// // In the order of `Kpi::ALL`, whatever the order of insertion.
/// let listed: Vec<(Kpi, f64)> = values.iter().collect();
/// assert_eq!(listed, [(Kpi::WeeklyActiveRate, 0.5), (Kpi::HabitRate, 0.25)]);
/// assert_eq!(values.len(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct KpiValues([Figure<f64>; Kpi::ALL.len()]);

impl Default for KpiValues {
    fn default() -> Self {
        Self([Figure::Undefined; Kpi::ALL.len()])
    }
}

impl KpiValues {
    /// The value of `kpi`, `None` when it has none or it is withheld.
    ///
    /// ```
    /// # use teichaku_model::Kpi;
    /// assert_eq!(teichaku_metrics::KpiValues::default().get(Kpi::HabitRate), None);
    /// ```
    pub fn get(&self, kpi: Kpi) -> Option<f64> {
        self.figure(kpi).value().copied()
    }

    /// `kpi` as a figure: its value, undefined, or withheld.
    ///
    /// ```
    /// # use teichaku_model::Kpi;
    /// let values = teichaku_metrics::KpiValues::default();
    /// assert_eq!(values.figure(Kpi::HabitRate), teichaku_metrics::Figure::Undefined);
    /// ```
    pub fn figure(&self, kpi: Kpi) -> Figure<f64> {
        self.0.get(kpi.index()).copied().unwrap_or(Figure::Undefined)
    }

    /// Sets the value of `kpi`, returning the one it replaces.
    ///
    /// ```
    /// # use teichaku_model::Kpi;
    /// let mut values = teichaku_metrics::KpiValues::default();
    /// assert_eq!(values.insert(Kpi::HabitRate, 0.1), None);
    /// assert_eq!(values.insert(Kpi::HabitRate, 0.2), Some(0.1));
    /// ```
    pub fn insert(&mut self, kpi: Kpi, value: f64) -> Option<f64> {
        self.set(kpi, Figure::Value(value)).value().copied()
    }

    /// Marks `kpi` withheld, dropping any value it had.
    ///
    /// ```
    /// # use teichaku_model::Kpi;
    /// let mut values = teichaku_metrics::KpiValues::default();
    /// values.insert(Kpi::HabitRate, 0.1);
    /// values.withhold(Kpi::HabitRate);
    /// assert_eq!(values.get(Kpi::HabitRate), None);
    /// ```
    pub fn withhold(&mut self, kpi: Kpi) {
        self.set(kpi, Figure::Suppressed);
    }

    /// Sets `kpi` to `figure`, returning what it replaces.
    fn set(&mut self, kpi: Kpi, figure: Figure<f64>) -> Figure<f64> {
        self.0.get_mut(kpi.index()).map_or(Figure::Undefined, |slot| std::mem::replace(slot, figure))
    }

    /// The KPIs with a value shown, in the order of [`Kpi::ALL`].
    ///
    /// ```
    /// assert_eq!(teichaku_metrics::KpiValues::default().iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Kpi, f64)> + '_ {
        Kpi::ALL.iter().zip(&self.0).filter_map(|(&k, v)| Some((k, *v.value()?)))
    }

    /// How many KPIs have a value shown.
    ///
    /// ```
    /// assert_eq!(teichaku_metrics::KpiValues::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.0.iter().filter(|v| v.value().is_some()).count()
    }

    /// Whether no KPI has a value shown.
    ///
    /// ```
    /// assert!(teichaku_metrics::KpiValues::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl FromIterator<(Kpi, f64)> for KpiValues {
    fn from_iter<I: IntoIterator<Item = (Kpi, f64)>>(iter: I) -> Self {
        let mut values = Self::default();
        for (kpi, value) in iter {
            values.insert(kpi, value);
        }
        values
    }
}

impl ScopeKpis {
    /// The value of `kpi` as this scope shows it, for gates and conditions; `None` when it has
    /// none or when it is withheld (every KPI of a withheld scope, and a KPI over a group under
    /// the minimum group size in a shown one). Use [`ScopeKpis::kpi`] to tell the two apart.
    ///
    /// ```
    /// # fn report() -> teichaku_metrics::KpiReport { unimplemented!() }
    /// # if false {
    /// let org = &report().scopes[0];
    /// let weekly = org.value(teichaku_model::Kpi::WeeklyActiveRate);
    /// # }
    /// ```
    pub fn value(&self, kpi: Kpi) -> Option<f64> {
        self.values.get(kpi)
    }

    /// `kpi` as this scope shows it: its value, undefined, or withheld ([`Figure::Suppressed`]).
    ///
    /// ```
    /// # fn report() -> teichaku_metrics::KpiReport { unimplemented!() }
    /// # if false {
    /// let org = &report().scopes[0];
    /// let withheld = org.kpi(teichaku_model::Kpi::ReturningRate) == teichaku_metrics::Figure::Suppressed;
    /// # }
    /// ```
    pub fn kpi(&self, kpi: Kpi) -> Figure<f64> {
        self.values.figure(kpi)
    }

    /// Every KPI as this scope shows it.
    ///
    /// ```
    /// # fn report() -> teichaku_metrics::KpiReport { unimplemented!() }
    /// # if false {
    /// let shown = report().scopes[0].values().len();
    /// # }
    /// ```
    pub fn values(&self) -> &KpiValues {
        &self.values
    }
}

/// The figures of a scope large enough to show.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScopeFigures {
    /// Members with a usage day in the trailing 7 days over headcount.
    pub weekly_active: Figure<Rate>,
    /// Members with a usage day in the trailing 28 days over headcount.
    pub monthly_active: Figure<Rate>,
    /// Members meeting the habit rule over headcount.
    pub habit: Figure<Rate>,
    /// Members active in both the previous 7 days and the trailing 7, over those active in the previous 7.
    pub returning: Figure<Rate>,
    /// Where members stand.
    pub segments: Segments,
    /// How much and how broadly AI is used.
    pub usage: Usage,
    /// Time from joining (or launch) to first use.
    pub first_use: FirstUse,
    /// What the scope's executives do.
    pub executives: Executives,
    /// Survey answers.
    pub surveys: Surveys,
    /// Improvement proposals.
    pub proposals: Proposals,
    /// Consultations.
    pub consultations: Consultations,
    /// Rule incidents.
    pub incidents: Incidents,
    /// Success cases.
    pub success_cases: SuccessCases,
    /// Days since the usage rules were last reviewed; `None` when they never were (the worst
    /// value: conditions and the score read it as infinitely many days).
    pub days_since_rule_review: Option<i64>,
    /// Training coverage.
    pub training: Training,
    /// Time saved and its value.
    pub time_saved: TimeSaved,
    /// The weekly series, newest week first.
    pub weekly: Vec<WeekFigures>,
    /// Days from launch to `as_of`.
    pub days_since_launch: i64,
    /// How members moved between an earlier date and `as_of`, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<Figure<Cohort>>,
}

/// How members present on both dates moved between being active (a usage day in the 7 days
/// ending on the date) on an earlier date and on `as_of`; the five add up to the group.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Cohort {
    /// The earlier date.
    pub from: NaiveDate,
    /// Members present on both dates.
    pub members: u64,
    /// Active on both dates.
    pub retained: u64,
    /// Active on the earlier date, not on `as_of`.
    pub lapsed: u64,
    /// Not active on the earlier date though they had used AI by then; active on `as_of`.
    pub reactivated: u64,
    /// First used AI after the earlier date; active on `as_of`.
    pub newly_activated: u64,
    /// Active on neither date.
    pub inactive: u64,
}

/// Members present on `as_of` by segment; the five, with `not_measurable`, add up to the
/// headcount.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Segments {
    /// Meet the habit rule.
    pub habitual: u64,
    /// Active in the trailing 7 days, not habitual.
    pub regular: u64,
    /// Active within the lapse window, not in the trailing 7 days.
    pub occasional: u64,
    /// Used AI before, not within the lapse window.
    pub lapsed: u64,
    /// Never used AI.
    pub never: u64,
    /// Members whose segment the usage data cannot settle (period records that do not say
    /// whether the days of use fall in the trailing windows); counted, never guessed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_measurable: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How much and how broadly AI is used in the trailing windows.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Minutes in the trailing 7 days.
    pub minutes_7: f64,
    /// Minutes per active member in the trailing 7 days.
    pub minutes_per_active_member: Figure<f64>,
    /// Events per active member per active day in the trailing 7 days.
    pub intensity: Figure<f64>,
    /// Distinct task categories per member active in the trailing 28 days.
    pub breadth_tasks: Figure<f64>,
    /// Distinct tools per member active in the trailing 28 days.
    pub breadth_tools: Figure<f64>,
    /// Mean current streak of working days with use, over headcount.
    pub mean_current_streak: Figure<f64>,
    /// Mean longest streak of working days with use in the horizon, over headcount.
    pub mean_longest_streak: Figure<f64>,
}

/// Time from joining (or launch, if later) to first use.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FirstUse {
    /// Present members who have used AI.
    pub used: u64,
    /// Present members who have not.
    pub not_yet: u64,
    /// The median days to first use among those who have.
    pub median_days: Figure<f64>,
}

/// The scope's executives.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Executives {
    /// Executives present.
    pub present: u64,
    /// Executives with a usage day in the trailing 7 days, over executives.
    pub active_7: Figure<Rate>,
    /// Executives with a usage day in the trailing 28 days, over executives.
    pub active_28: Figure<Rate>,
    /// Days since an executive last used AI; undefined without executives or when none has ever
    /// used AI (conditions and the score then read it as infinitely many days, the worst value),
    /// withheld under the minimum group size.
    pub days_since_use: Figure<i64>,
}

/// Survey answers in the trailing 28 days (the latest per member).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Surveys {
    /// Answers counted.
    pub respondents: u64,
    /// Mean satisfaction, 1 to 5.
    pub satisfaction_mean: Figure<f64>,
    /// Mean output quality, 1 to 5.
    pub quality_mean: Figure<f64>,
    /// Answers from non-users.
    pub non_users: u64,
    /// Share of non-users giving each reason.
    pub non_user_reasons: Figure<BTreeMap<NonUserReason, f64>>,
    /// Members stuck at each ADKAR element (latest answer per member, any date), `none` past all.
    pub adkar_barriers: Figure<BTreeMap<String, u64>>,
}

/// Improvement proposals up to `as_of`.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Proposals {
    /// Submitted.
    pub submitted: u64,
    /// Implemented.
    pub implemented: u64,
    /// Implemented over submitted.
    pub implementation_rate: Figure<Rate>,
}

/// Consultations up to `as_of`.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Consultations {
    /// Opened.
    pub opened: u64,
    /// Resolved.
    pub resolved: u64,
    /// Open on `as_of`.
    pub unresolved: u64,
    /// Median days from opening to resolving.
    pub median_days_to_resolve: Figure<f64>,
}

/// Rule incidents.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Incidents {
    /// In the trailing 28 days.
    pub last_28_days: u64,
    /// Up to `as_of`.
    pub total: u64,
}

/// Success cases shared up to `as_of`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuccessCases {
    /// Shared.
    pub shared: u64,
    /// With all four fields.
    pub complete: u64,
    /// Days since the last one; `None` when none was ever shared (the worst value: conditions
    /// and the score read it as infinitely many days).
    pub days_since_last: Option<i64>,
}

/// Training coverage.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Training {
    /// Present members with a training record, over headcount.
    pub trained: Figure<Rate>,
    /// Present beginners aged 60 or over without one.
    pub untrained_senior_beginners: u64,
}

/// Time saved up to `as_of`: a model whose inputs are shown beside it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimeSaved {
    /// Minutes saved as the events recorded them.
    pub measured_minutes: f64,
    /// Minutes estimated as the task baseline minus the minutes spent (never below zero).
    pub estimated_minutes: f64,
    /// Events with neither, counted and not guessed.
    pub unmeasured_events: u64,
    /// Measured and estimated, in hours.
    pub hours: f64,
    /// The hours at the hourly rate, when one is given.
    pub value: Option<f64>,
    /// The rate's currency.
    pub currency: Option<String>,
}

/// One ISO week of the weekly series.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WeekFigures {
    /// The week's Monday.
    pub week_start: NaiveDate,
    /// The last day counted: the Sunday, or `as_of` for the current week.
    pub until: NaiveDate,
    /// Members present on `until` with a usage day in the week, over those present.
    pub weekly_active: Figure<Rate>,
    /// Members present on `until` meeting the habit rule on `until`, over those present.
    pub habit: Figure<Rate>,
    /// Minutes in the week; `None` when the week's figures are withheld.
    pub minutes: Option<f64>,
}

/// One person's figures, for callers who ask for them.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberKpis {
    /// The member.
    pub member: teichaku_model::MemberId,
    /// Usage days in the trailing 7 days.
    pub days_7: u32,
    /// Usage days in the trailing 28 days.
    pub days_28: u32,
    /// The member's segment.
    pub segment: Segment,
    /// Current working-day streak.
    pub current_streak: u32,
    /// Longest working-day streak in the horizon.
    pub longest_streak: u32,
    /// The first day of use.
    pub first_use: Option<NaiveDate>,
    /// The member's ADKAR barrier in their latest answer on or before `as_of`: the first element
    /// scored 3 or lower (`None` without an answer or past every element).
    pub adkar_barrier: Option<AdkarElement>,
    /// Some of the member's usage is known only by period records: `days_7` is the fewest usage
    /// days the periods allow, and `days_28`, the streaks and `first_use` count only the days
    /// events and day records give, so each may fall short (`segment` says `not_measurable`
    /// where the periods do not settle it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub days_partial: bool,
}

/// Where a member stands.
///
/// ```
/// assert_eq!(serde_json::to_string(&teichaku_metrics::Segment::Habitual)?, "\"habitual\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Segment {
    /// Meets the habit rule.
    Habitual,
    /// Active in the trailing 7 days.
    Regular,
    /// Active within the lapse window.
    Occasional,
    /// Used before, not within the lapse window.
    Lapsed,
    /// Never used.
    Never,
    /// The usage data cannot settle where the member stands (period records that do not say
    /// whether the days of use fall in the trailing windows).
    NotMeasurable,
}

/// Why the KPIs cannot be computed.
///
/// ```
/// let e = teichaku_metrics::KpiError::UnknownUnit(teichaku_model::UnitId::from_u128(9));
/// assert!(e.to_string().starts_with("unknown unit"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KpiError {
    /// The usage events cannot be stored.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A scope names a unit the organisation does not have.
    #[error("unknown unit `{0}`")]
    UnknownUnit(UnitId),
    /// A usage partial does not fit the document, the date or the weeks asked for.
    #[error(transparent)]
    Partial(#[from] crate::partial::PartialError),
}

/// The KPIs of `snapshot` on `as_of`, over the usage events in the snapshot.
///
/// # Errors
///
/// [`KpiError`] when the events cannot be stored or a requested scope names an unknown unit.
pub fn kpis(snapshot: &ValidSnapshot, as_of: NaiveDate, options: &KpiOptions) -> Result<KpiReport, KpiError> {
    let store = EventStore::from_snapshot(snapshot)?;
    kpis_with_store(snapshot, &store, as_of, options)
}

/// The KPIs of `snapshot` on `as_of`, over the events of `store` (built from the snapshot's
/// events, streamed files, or both).
///
/// # Errors
///
/// [`KpiError::UnknownUnit`] when a requested scope names an unknown unit.
pub fn kpis_with_store(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    as_of: NaiveDate,
    options: &KpiOptions,
) -> Result<KpiReport, KpiError> {
    let spec = AggregateSpec::new(snapshot, store, as_of, options.series_weeks);
    let agg = UsageAggregate::compute_parallel(store, &spec, options.threads);
    kpis_from_aggregate(snapshot, store, &agg, options)
}

/// The figures of `options.scopes` on `as_of`, as [`kpis_with_store`] reports them, reading only
/// the usage they depend on: when every scope asked is a unit, the events of the members of those
/// units and the units under them, and of the organisation's executives (whose commitment every
/// scope shows); every member's otherwise. Whether a scope shows its figures is decided as for the
/// whole report, from the headcounts of every unit. For figures of a few units on many days (a
/// review pack a unit, each on its own day), [`crate::KpiDays`] shares what the days have in
/// common, so each day costs what its units read; this is one day of it.
///
/// # Errors
///
/// [`KpiError::UnknownUnit`] when a requested scope names an unknown unit.
///
/// ```
/// use teichaku_metrics::{EventStore, KpiOptions, Scope, kpis_with_store, scope_kpis_with_store};
/// # fn setup() -> (teichaku_model::ValidSnapshot, EventStore, teichaku_model::UnitId) { unimplemented!() }
/// # if false {
/// let (snapshot, store, unit) = setup();
/// let mut options = KpiOptions::default();
/// options.scopes = vec![Scope::Unit(unit)];
/// let as_of = "2026-10-01".parse()?;
/// let alone = scope_kpis_with_store(&snapshot, &store, as_of, &options)?;
/// assert_eq!(alone, kpis_with_store(&snapshot, &store, as_of, &options)?.scopes);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scope_kpis_with_store(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    as_of: NaiveDate,
    options: &KpiOptions,
) -> Result<Vec<ScopeKpis>, KpiError> {
    crate::KpiDays::new(snapshot, store, options).scope_kpis(as_of, &options.scopes)
}

/// The KPIs from an aggregate already computed (and possibly merged from shards).
///
/// # Errors
///
/// [`KpiError::UnknownUnit`] when a requested scope names an unknown unit.
pub fn kpis_from_aggregate(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    agg: &UsageAggregate,
    options: &KpiOptions,
) -> Result<KpiReport, KpiError> {
    let counts = StoreCounts {
        stored: store.len() as u64,
        duplicates_dropped: store.duplicates_dropped(),
        day_records: store.day_records() as u64,
        day_duplicates_dropped: store.day_duplicates_dropped(),
        superseded_events: store.superseded_events(),
        period_records: store.period_records() as u64,
        period_duplicates_dropped: store.period_duplicates_dropped(),
    };
    report(snapshot, &counts, store.kind_numbers(), agg, options)
}

/// The KPIs from a [`UsagePartial`](crate::UsagePartial), typically merged from shards computed
/// elsewhere: the same report, byte for byte, as [`kpis_with_store`] over every shard's records
/// at once (when no record is repeated across shards).
///
/// The weekly series has the partial's weeks: `options.series_weeks` must agree, as `as_of` must.
///
/// # Errors
///
/// [`KpiError::Partial`] when the partial was made for another organisation (members, their
/// dates, task baselines), date or number of weeks, or names a member the document does not
/// have; [`KpiError::UnknownUnit`] when a requested scope names an unknown unit.
///
/// ```
/// # fn setup() -> (teichaku_model::ValidSnapshot, teichaku_metrics::UsagePartial) { unimplemented!() }
/// # if false {
/// let (snapshot, merged) = setup();
/// let report = teichaku_metrics::kpis_from_partial(&snapshot, &merged, merged.as_of(), &Default::default())?;
/// # }
/// # Ok::<(), teichaku_metrics::KpiError>(())
/// ```
pub fn kpis_from_partial(
    snapshot: &ValidSnapshot,
    partial: &crate::UsagePartial,
    as_of: NaiveDate,
    options: &KpiOptions,
) -> Result<KpiReport, KpiError> {
    use crate::partial::PartialError;
    if partial.as_of() != as_of {
        let (left, right) = (partial.as_of().to_string(), as_of.to_string());
        return Err(PartialError::Mismatch { what: "as_of", left, right }.into());
    }
    let weeks = options.series_weeks.min(crate::MAX_SERIES_WEEKS);
    if partial.series_weeks() != weeks {
        let (left, right) = (partial.series_weeks().to_string(), weeks.to_string());
        return Err(PartialError::Mismatch { what: "series_weeks", left, right }.into());
    }
    let (agg, kinds) = partial.to_aggregate(snapshot)?;
    report(snapshot, &partial.event_counts(), kinds, &agg, options)
}

/// What the report says of the stored records, besides the aggregate's counts.
pub(crate) struct StoreCounts {
    pub(crate) stored: u64,
    pub(crate) duplicates_dropped: u64,
    pub(crate) day_records: u64,
    pub(crate) day_duplicates_dropped: u64,
    pub(crate) superseded_events: u64,
    pub(crate) period_records: u64,
    pub(crate) period_duplicates_dropped: u64,
}

/// The report from an aggregate, the store's counts and each kind's task and tool numbers.
fn report(
    snapshot: &ValidSnapshot,
    store: &StoreCounts,
    kind_numbers: (Vec<Option<u32>>, Vec<Option<u32>>),
    agg: &UsageAggregate,
    options: &KpiOptions,
) -> Result<KpiReport, KpiError> {
    // The organisation on `as_of`: units, roles and literacy after the dated changes up to it.
    let resolved = date_of(agg.as_of_day()).map(|day| snapshot.on(day));
    let snapshot = resolved.as_deref().unwrap_or(snapshot);
    let pb = snapshot.playbook();
    let org = snapshot.organisation();
    let given = Given::of(snapshot, date_of(agg.as_of_day()).unwrap_or_default(), options);
    let ctx = Ctx::new(snapshot, kind_numbers, agg, options, given);
    let scopes = if options.scopes.is_empty() {
        let mut all = vec![Scope::Organisation];
        all.extend(org.units.iter().map(|u| Scope::Unit(u.id)));
        all.extend(Role::ALL.iter().map(|r| Scope::Role(*r)));
        all
    } else {
        for s in &options.scopes {
            if let Scope::Unit(u) = s {
                if snapshot.unit(*u).is_none() {
                    return Err(KpiError::UnknownUnit(*u));
                }
            }
        }
        options.scopes.clone()
    };
    let scopes: Vec<ScopeKpis> = scopes.into_iter().map(|scope| ctx.scope_kpis(scope)).collect();
    let targets = crate::targets::evaluate(snapshot, &scopes, ctx.as_of_date);
    let outcome_targets = crate::targets::evaluate_outcomes(snapshot, &scopes, ctx.as_of_date);
    let members = options.per_member.then(|| ctx.member_kpis());
    let mut task_baselines = org.task_baselines.clone();
    task_baselines
        .extend(pb.task_baselines.iter().filter(|b| !org.task_baselines.iter().any(|o| o.task == b.task)).cloned());
    // By task, so the report does not depend on the order the documents list them in.
    task_baselines.sort_by(|a, b| a.task.cmp(&b.task));
    Ok(KpiReport {
        as_of: ctx.as_of_date,
        playbook: pb.id.clone(),
        playbook_revision: pb.revision,
        settings: KpiSettings {
            habit: ctx.habit,
            min_group_size: ctx.min_group,
            lapsed_after_days: pb.metrics.lapsed_after_days,
            series_weeks: agg.series_weeks(),
            task_baselines,
            hourly_rate: org.hourly_rate.clone(),
        },
        events: ctx.disclosure.shows(&Scope::Organisation).then(|| EventCounts {
            stored: store.stored,
            duplicates_dropped: store.duplicates_dropped,
            counted: agg.events_counted(),
            after_as_of: agg.events_after_as_of(),
            outside_membership: agg.events_outside_membership(),
            day_records: store.day_records,
            day_duplicates_dropped: store.day_duplicates_dropped,
            superseded_events: store.superseded_events,
            period_records: store.period_records,
            period_duplicates_dropped: store.period_duplicates_dropped,
        }),
        scopes,
        members,
        targets,
        outcome_targets,
    })
}

/// Everything shared by the scopes of one computation.
pub(crate) struct Ctx<'a> {
    pub(crate) snapshot: &'a ValidSnapshot,
    /// Each kind's task and tool as small numbers (equal names, equal numbers), by kind.
    kind_numbers: (Vec<Option<u32>>, Vec<Option<u32>>),
    pub(crate) agg: &'a UsageAggregate,
    pub(crate) as_of: i32,
    pub(crate) as_of_date: NaiveDate,
    pub(crate) habit: HabitRule,
    pub(crate) min_group: u32,
    lapsed_after: i32,
    launch: i32,
    /// By member position: the day number of the member's first training (`i32::MAX`: none).
    first_trained: Cow<'a, [i32]>,
    /// The earlier date of cohort transitions.
    compare_with: Option<NaiveDate>,
    /// The organisation's executives, withheld under the minimum group size: executive
    /// commitment is judged organisation-wide, whatever the scope.
    org_executives_shown: Option<Executives>,
    /// Which scopes show their figures.
    disclosure: Cow<'a, Disclosure>,
    /// Which scopes show each week of the series (0 is the week holding `as_of`): the rule on
    /// the week's last counted day, starting from `disclosure`.
    week_disclosure: Vec<Disclosure>,
    /// Which scopes show their cohort: the rule for members present on both dates.
    cohort_disclosure: Option<Disclosure>,
    /// Days since the rules were last reviewed (`None`: never), the same in every scope.
    days_since_rule_review: Option<i64>,
    /// What each member read did, worked out once for every scope: by member position, or by
    /// place in `read`'s members.
    facts: Vec<MemberFacts>,
    /// The totals of each unit with its descendants (by unit position, or by number in `read`'s
    /// units), of the organisation and of each role.
    totals: TotalsIndex,
    /// By member position: the day numbers of joining and of leaving (`i32::MAX` for members who
    /// have not left), so presence is two integer comparisons.
    tenure: Cow<'a, [(i32, i32)]>,
    /// The members read and the units totals are kept for, when not every one (the figures of
    /// some units alone).
    read: Option<Read<'a>>,
}

/// What a computation is given besides the aggregate and the options: made for the one call, or
/// kept by [`crate::KpiDays`] for every day it is asked about.
pub(crate) struct Given<'a> {
    /// The privacy rule of `as_of`.
    pub(crate) disclosure: Cow<'a, Disclosure>,
    /// By member position: the day numbers of joining and leaving.
    pub(crate) tenure: Cow<'a, [(i32, i32)]>,
    /// By member position: the day number of the first training (`i32::MAX`: none).
    pub(crate) first_trained: Cow<'a, [i32]>,
    /// The dates the rules were reviewed on, ascending.
    pub(crate) rule_reviews: Cow<'a, [NaiveDate]>,
    /// The members read and the units kept, when not every one.
    pub(crate) read: Option<Read<'a>>,
}

impl Given<'_> {
    /// Everything for one computation on `as_of` of `snapshot` (as it is on `as_of`).
    fn of(snapshot: &ValidSnapshot, as_of: NaiveDate, options: &KpiOptions) -> Self {
        let min_group = options.min_group_size.unwrap_or(snapshot.playbook().metrics.min_group_size).max(1);
        Given {
            disclosure: Cow::Owned(Disclosure::new(snapshot, as_of, min_group)),
            tenure: Cow::Owned(tenure(snapshot)),
            first_trained: Cow::Owned(first_trained(snapshot)),
            rule_reviews: Cow::Owned(rule_reviews(snapshot)),
            read: None,
        }
    }
}

/// By member position: the day numbers of joining and of leaving (`i32::MAX` for members who
/// have not left).
pub(crate) fn tenure(snapshot: &ValidSnapshot) -> Vec<(i32, i32)> {
    let members = &snapshot.organisation().members;
    members.iter().map(|m| (day_number(m.joined), m.left.map_or(i32::MAX, day_number))).collect()
}

/// By member position: the day number of the member's first training (`i32::MAX`: none), so
/// whether a member was trained by a day is one comparison.
pub(crate) fn first_trained(snapshot: &ValidSnapshot) -> Vec<i32> {
    let mut first = vec![i32::MAX; snapshot.organisation().members.len()];
    for t in &snapshot.observations().trainings {
        if let Some(slot) = snapshot.member_position(t.member).and_then(|i| first.get_mut(i)) {
            *slot = (*slot).min(day_number(t.date));
        }
    }
    first
}

/// The dates the rules were reviewed on, ascending.
pub(crate) fn rule_reviews(snapshot: &ValidSnapshot) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = snapshot.observations().rule_reviews.iter().map(|r| r.date).collect();
    dates.sort_unstable();
    dates
}

/// The members whose usage a computation reads and the units it keeps totals for, when not every
/// one: the members of some units with those under them and the executives, and the units of
/// all of them with every unit above, numbered parents first.
pub(crate) struct Read<'a> {
    /// Positions of the members read, ascending.
    pub(crate) members: &'a [usize],
    /// By number: the unit's position, parents before children.
    pub(crate) units: Vec<usize>,
    /// By position: the unit's number, for the units kept.
    pub(crate) numbers: HashMap<usize, usize, IdBuildHasher>,
    /// By number: the parent's number.
    pub(crate) parents: Vec<Option<usize>>,
    /// The records of each member and unit.
    pub(crate) records: &'a RecordIndex,
}

/// The records of each member (survey answers, proposals, consultations, incidents and success
/// cases naming them) and of each unit (those naming a unit and no member), by position, as
/// `(kind, index in its list)`: kind 0 to 4 in that order. Records naming neither, or a member or
/// unit the organisation does not have, are in no list.
#[derive(Debug)]
pub(crate) struct RecordIndex {
    /// The member at `m` has `by_member[member_start[m]..member_start[m + 1]]`.
    member_start: Vec<usize>,
    by_member: Vec<(u8, u32)>,
    /// The unit at `u` has `by_unit[unit_start[u]..unit_start[u + 1]]`.
    unit_start: Vec<usize>,
    by_unit: Vec<(u8, u32)>,
}

impl RecordIndex {
    pub(crate) fn new(snapshot: &ValidSnapshot) -> Self {
        let obs = snapshot.observations();
        let mut member: Vec<(usize, (u8, u32))> = Vec::new();
        let mut unit: Vec<(usize, (u8, u32))> = Vec::new();
        let mut add = |kind: u8, i: usize, m: Option<teichaku_model::MemberId>, u: Option<UnitId>| {
            let entry = (kind, i as u32);
            match (m, u) {
                (Some(m), _) => member.extend(snapshot.member_position(m).map(|m| (m, entry))),
                (None, Some(u)) => unit.extend(snapshot.unit_position(u).map(|u| (u, entry))),
                (None, None) => {}
            }
        };
        obs.surveys.iter().enumerate().for_each(|(i, r)| add(0, i, r.member, r.unit));
        obs.proposals.iter().enumerate().for_each(|(i, r)| add(1, i, Some(r.member), None));
        obs.consultations.iter().enumerate().for_each(|(i, r)| add(2, i, Some(r.member), None));
        obs.incidents.iter().enumerate().for_each(|(i, r)| add(3, i, r.member, r.unit));
        obs.success_cases.iter().enumerate().for_each(|(i, r)| add(4, i, Some(r.member), None));
        let (member_start, by_member) = runs(member, snapshot.organisation().members.len());
        let (unit_start, by_unit) = runs(unit, snapshot.organisation().units.len());
        Self { member_start, by_member, unit_start, by_unit }
    }

    /// The records naming the member at position `m`.
    fn of_member(&self, m: usize) -> &[(u8, u32)] {
        run(&self.member_start, &self.by_member, m)
    }

    /// The records naming the unit at position `u` and no member.
    fn of_unit(&self, u: usize) -> &[(u8, u32)] {
        run(&self.unit_start, &self.by_unit, u)
    }
}

/// `entries` (each under a key below `keys`) grouped by key, in the order given within a key:
/// key `k`'s are `list[start[k]..start[k + 1]]`.
fn runs<T: Copy>(mut entries: Vec<(usize, T)>, keys: usize) -> (Vec<usize>, Vec<T>) {
    entries.sort_by_key(|&(k, _)| k);
    let mut start = Vec::with_capacity(keys + 1);
    let mut at = 0;
    for k in 0..=keys {
        at += entries.get(at..).unwrap_or_default().iter().take_while(|&&(key, _)| key < k).count();
        start.push(at);
    }
    (start, entries.into_iter().map(|(_, t)| t).collect())
}

/// Run `k` of a list grouped by [`runs`].
fn run<'l, T>(start: &[usize], list: &'l [T], k: usize) -> &'l [T] {
    match (start.get(k), start.get(k + 1)) {
        (Some(&a), Some(&b)) => list.get(a..b).unwrap_or_default(),
        _ => &[],
    }
}

/// Records of each kind picked from a [`RecordIndex`].
#[derive(Default)]
struct Selected<'o> {
    surveys: Vec<&'o teichaku_model::SurveyResponse>,
    proposals: Vec<&'o teichaku_model::Proposal>,
    consultations: Vec<&'o teichaku_model::Consultation>,
    incidents: Vec<&'o teichaku_model::RuleIncident>,
    success_cases: Vec<&'o teichaku_model::SuccessCase>,
}

impl<'o> Selected<'o> {
    /// Adds record `i` of `kind` (as a [`RecordIndex`] numbers them) of `obs`.
    fn add(&mut self, obs: &'o teichaku_model::Observations, kind: u8, i: u32) {
        let i = i as usize;
        match kind {
            0 => self.surveys.extend(obs.surveys.get(i)),
            1 => self.proposals.extend(obs.proposals.get(i)),
            2 => self.consultations.extend(obs.consultations.get(i)),
            3 => self.incidents.extend(obs.incidents.get(i)),
            _ => self.success_cases.extend(obs.success_cases.get(i)),
        }
    }
}

/// The units a computation keeps totals for, as [`Ctx::with_totals`] walks them: every unit
/// (numbered by position) or the units of a [`Read`].
struct Units<'c> {
    tree: &'c UnitTree,
    read: Option<&'c Read<'c>>,
}

impl Units<'_> {
    fn len(&self) -> usize {
        self.read.map_or(self.tree.len(), |r| r.units.len())
    }

    /// The number of the unit at `position` (`None`: not kept).
    fn number(&self, position: usize) -> Option<usize> {
        match self.read {
            None => (position < self.tree.len()).then_some(position),
            Some(r) => r.numbers.get(&position).copied(),
        }
    }

    /// The position of the unit numbered `number`.
    fn position(&self, number: usize) -> usize {
        self.read.map_or(number, |r| r.units.get(number).copied().unwrap_or(usize::MAX))
    }

    /// The number of the parent of the unit numbered `number`.
    fn parent(&self, number: usize) -> Option<usize> {
        match self.read {
            None => self.tree.parent(number),
            Some(r) => r.parents.get(number).copied().flatten(),
        }
    }

    /// Every number, each after its parent's.
    fn parents_first(&self) -> Cow<'_, [usize]> {
        match self.read {
            None => Cow::Borrowed(self.tree.parents_first()),
            Some(r) => Cow::Owned((0..r.units.len()).collect()),
        }
    }
}

/// A week of the series as each member is read through it: how far back it ends, its days, and
/// the habit window ending on its last counted day with the days that window needs (for a habit
/// rule counted in days; `None` for one counted in weeks).
type WeekWindow = (i32, WindowMask, Option<(WindowMask, u32)>);

/// What the member-based figures of a scope add up: gathered member by member in one pass over
/// the organisation, once for each unit's own members and once for each role, then summed over
/// a unit's subtree or over every unit for the organisation. Only these sums are read afterwards,
/// so a scope costs in proportion to its units, not to its members.
#[derive(Clone, Debug, Default)]
struct Totals {
    /// Members present on `as_of`.
    present: u64,
    /// Of those, by role (in [`Role::ALL`] order).
    present_by_role: [u64; 5],
    active_7: u64,
    active_28: u64,
    habitual: u64,
    /// Active in the 7 days before the trailing 7.
    earlier: u64,
    /// Of those, active again in the trailing 7.
    returned: u64,
    segments: Segments,
    minutes_7: u64,
    events_7: u64,
    active_days_7: u64,
    /// Kinds of task and tools, summed over members active in the trailing 28 days.
    tasks_28: u64,
    tools_28: u64,
    current_streaks: u64,
    longest_streaks: u64,
    /// Days from joining (or launch) to first use, of each member who has used AI; gathered for
    /// a unit's own members and a role, then folded into `first_used` and `first_median`.
    to_first: Vec<i32>,
    /// Members who have used AI.
    first_used: u64,
    /// The median of their days to first use.
    first_median: Option<f64>,
    executives: u64,
    executives_active_7: u64,
    executives_active_28: u64,
    executive_last_use: Option<i32>,
    trained: u64,
    untrained_senior_beginners: u64,
    /// Time saved, of every member of the scope, present or not.
    saved_measured: u64,
    saved_estimated: u64,
    unmeasured: u64,
    weeks: Vec<WeekCounts>,
    /// Cohort transitions: members, retained, lapsed, reactivated, newly activated, inactive.
    cohort: [u64; 6],
    /// Present members whose figure of each [`coarse`] flag the data does not settle.
    unknown: [u64; coarse::FLAGS],
    /// Present executives whose activity in the trailing 7 and 28 days, and whose last use, the
    /// data does not settle.
    executives_unknown: [u64; 3],
    /// Members of the cohort whose transition the data does not settle.
    cohort_unknown: u64,
    /// What the scope's survey answers, proposals, consultations, incidents and success cases add
    /// up (`None` while none is counted, so a unit without records costs no more than before).
    records: Option<Box<RecordTotals>>,
}

/// The record-based figures of a scope as sums: gathered in one pass over each kind of record,
/// each record added to the unit and the roles it belongs to, then summed up the tree with the
/// member-based totals. Each figure is a count, a sum, a latest date or a median of days, so a
/// scope reads its own sums rather than searching every record of the document.
#[derive(Clone, Debug, Default)]
struct RecordTotals {
    /// Survey answers counted: each present member's latest in the trailing 28 days, and every
    /// anonymous one in them.
    respondents: u64,
    /// Sum and number of the satisfaction scores given, and of the quality scores.
    satisfaction: (u64, u64),
    quality: (u64, u64),
    /// Answers from non-users, and of them, by reason in [`NON_USER_REASONS`] order.
    non_users: u64,
    reasons: [u64; 3],
    /// Present members with an ADKAR answer up to `as_of`, and their latest answers' barriers in
    /// [`BARRIERS`] order.
    adkar_members: u64,
    barriers: [u64; 6],
    proposals_submitted: u64,
    proposals_implemented: u64,
    consultations_opened: u64,
    consultations_resolved: u64,
    /// Days to resolve each consultation resolved by `as_of`: a running median.
    resolve_days: MedianSet,
    /// Its median, settled once the scope's sums are complete.
    resolve_median: Option<f64>,
    incidents: u64,
    incidents_28: u64,
    cases_shared: u64,
    cases_complete: u64,
    last_case: Option<NaiveDate>,
}

/// The reasons a non-user gives, in the order [`RecordTotals::reasons`] counts them.
const NON_USER_REASONS: [NonUserReason; 3] =
    [NonUserReason::Anxious, NonUserReason::Skeptical, NonUserReason::Uninterested];

/// The barrier keys of the ADKAR figure, in the order [`RecordTotals::barriers`] counts them.
const BARRIERS: [&str; 6] = ["awareness", "desire", "knowledge", "ability", "reinforcement", "none"];

impl RecordTotals {
    /// Adds `other`'s sums in; its days to resolve stay with it ([`RecordTotals::settle_days`]
    /// hands them over).
    fn add(&mut self, other: &RecordTotals) {
        let sum = |a: &mut u64, b: u64| *a += b;
        sum(&mut self.respondents, other.respondents);
        sum(&mut self.satisfaction.0, other.satisfaction.0);
        sum(&mut self.satisfaction.1, other.satisfaction.1);
        sum(&mut self.quality.0, other.quality.0);
        sum(&mut self.quality.1, other.quality.1);
        sum(&mut self.non_users, other.non_users);
        for (a, b) in self.reasons.iter_mut().zip(other.reasons) {
            *a += b;
        }
        sum(&mut self.adkar_members, other.adkar_members);
        for (a, b) in self.barriers.iter_mut().zip(other.barriers) {
            *a += b;
        }
        sum(&mut self.proposals_submitted, other.proposals_submitted);
        sum(&mut self.proposals_implemented, other.proposals_implemented);
        sum(&mut self.consultations_opened, other.consultations_opened);
        sum(&mut self.consultations_resolved, other.consultations_resolved);
        sum(&mut self.incidents, other.incidents);
        sum(&mut self.incidents_28, other.incidents_28);
        sum(&mut self.cases_shared, other.cases_shared);
        sum(&mut self.cases_complete, other.cases_complete);
        self.last_case = self.last_case.max(other.last_case);
    }

    /// Settles this scope's median days to resolve and hands its days over (to be absorbed by
    /// the scope above it).
    fn settle_days(&mut self) -> MedianSet {
        self.resolve_median = self.resolve_days.median();
        std::mem::take(&mut self.resolve_days)
    }
}

impl Totals {
    fn empty(weeks: usize) -> Self {
        Self { weeks: vec![WeekCounts::default(); weeks], ..Self::default() }
    }

    /// Adds `other` in.
    fn add(&mut self, other: &Totals) {
        let sum = |a: &mut u64, b: u64| *a += b;
        sum(&mut self.present, other.present);
        for (a, b) in self.present_by_role.iter_mut().zip(other.present_by_role) {
            *a += b;
        }
        for (a, b) in [
            (&mut self.active_7, other.active_7),
            (&mut self.active_28, other.active_28),
            (&mut self.habitual, other.habitual),
            (&mut self.earlier, other.earlier),
            (&mut self.returned, other.returned),
            (&mut self.segments.habitual, other.segments.habitual),
            (&mut self.segments.regular, other.segments.regular),
            (&mut self.segments.occasional, other.segments.occasional),
            (&mut self.segments.lapsed, other.segments.lapsed),
            (&mut self.segments.never, other.segments.never),
            (&mut self.minutes_7, other.minutes_7),
            (&mut self.events_7, other.events_7),
            (&mut self.active_days_7, other.active_days_7),
            (&mut self.tasks_28, other.tasks_28),
            (&mut self.tools_28, other.tools_28),
            (&mut self.current_streaks, other.current_streaks),
            (&mut self.longest_streaks, other.longest_streaks),
            (&mut self.executives, other.executives),
            (&mut self.executives_active_7, other.executives_active_7),
            (&mut self.executives_active_28, other.executives_active_28),
            (&mut self.trained, other.trained),
            (&mut self.untrained_senior_beginners, other.untrained_senior_beginners),
            (&mut self.saved_measured, other.saved_measured),
            (&mut self.saved_estimated, other.saved_estimated),
            (&mut self.unmeasured, other.unmeasured),
        ] {
            sum(a, b);
        }
        self.first_used += other.first_used;
        self.executive_last_use = self.executive_last_use.max(other.executive_last_use);
        if self.weeks.len() < other.weeks.len() {
            self.weeks.resize(other.weeks.len(), WeekCounts::default());
        }
        for (a, b) in self.weeks.iter_mut().zip(&other.weeks) {
            a.present += b.present;
            a.active += b.active;
            a.habitual += b.habitual;
            a.minutes += b.minutes;
            a.unknown_active += b.unknown_active;
            a.unknown_habit += b.unknown_habit;
        }
        for (a, b) in self.cohort.iter_mut().zip(other.cohort) {
            *a += b;
        }
        for (a, b) in self.unknown.iter_mut().zip(other.unknown) {
            *a += b;
        }
        for (a, b) in self.executives_unknown.iter_mut().zip(other.executives_unknown) {
            *a += b;
        }
        self.cohort_unknown += other.cohort_unknown;
        self.segments.not_measurable += other.segments.not_measurable;
        if let Some(records) = &other.records {
            self.records_mut().add(records);
        }
    }

    /// The record sums, made on first use.
    fn records_mut(&mut self) -> &mut RecordTotals {
        self.records.get_or_insert_default()
    }

    /// Whether some present member's figure of `flag` is not settled.
    fn unknown(&self, flag: u16) -> bool {
        self.unknown.get(flag.trailing_zeros() as usize).is_some_and(|&n| n > 0)
    }
}

/// Where a record is counted: in a unit's own totals (by position; summed up the tree into every
/// unit above it and the organisation), else the organisation's own; and in the totals of each role set in
/// `roles` (bit `i` for `Role::ALL[i]`).
#[derive(Clone, Copy, Debug)]
struct Home {
    unit: Option<usize>,
    roles: u8,
}

/// The totals records are added to, before they are summed up the tree.
struct RecordSink<'b> {
    /// The units kept: `by_unit` and `touched` are by their numbers.
    units: &'b Units<'b>,
    by_unit: &'b mut [Totals],
    organisation: &'b mut Totals,
    by_role: &'b mut BTreeMap<Role, Totals>,
    /// By unit position: whether something was added (so the unit is summed up the tree).
    touched: &'b mut [bool],
}

impl RecordSink<'_> {
    /// Adds a record at `home` (nowhere for `None`) with `add`.
    fn add(&mut self, home: Option<Home>, add: impl Fn(&mut RecordTotals)) {
        let Some(home) = home else { return };
        // A unit not kept (figures of some units alone) is in no scope asked.
        let number = match home.unit {
            Some(u) => match self.units.number(u) {
                Some(number) => Some(number),
                None => return,
            },
            None => None,
        };
        match number.and_then(|u| Some((u, self.by_unit.get_mut(u)?))) {
            Some((u, totals)) => {
                add(totals.records_mut());
                if let Some(slot) = self.touched.get_mut(u) {
                    *slot = true;
                }
            }
            None => add(self.organisation.records_mut()),
        }
        for (i, role) in Role::ALL.iter().enumerate() {
            if home.roles >> i & 1 == 1 {
                if let Some(totals) = self.by_role.get_mut(role) {
                    add(totals.records_mut());
                }
            }
        }
    }
}

/// Adds one survey answer to `r`.
fn answer(r: &mut RecordTotals, s: &teichaku_model::SurveyResponse) {
    r.respondents += 1;
    if let Some(v) = s.satisfaction {
        r.satisfaction.0 += u64::from(v);
        r.satisfaction.1 += 1;
    }
    if let Some(v) = s.quality {
        r.quality.0 += u64::from(v);
        r.quality.1 += 1;
    }
    if s.uses_ai == Some(false) || s.non_user_reason.is_some() {
        r.non_users += 1;
        if let Some(i) = s.non_user_reason.and_then(|reason| NON_USER_REASONS.iter().position(|&x| x == reason)) {
            if let Some(n) = r.reasons.get_mut(i) {
                *n += 1;
            }
        }
    }
}

/// The [`Totals`] of every unit with its descendants (by unit position), of the organisation
/// and of every role: one pass over the members, then one pass up the unit tree.
#[derive(Clone, Debug, Default)]
struct TotalsIndex {
    by_unit: Vec<Totals>,
    organisation: Totals,
    by_role: BTreeMap<Role, Totals>,
}

/// One week's counts over a scope's members.
#[derive(Clone, Copy, Debug, Default)]
struct WeekCounts {
    /// Members present on the week's last counted day.
    present: u64,
    /// Those of them with a usage day in the week.
    active: u64,
    /// Those of them meeting the habit rule on that day.
    habitual: u64,
    /// Minutes of every member of the scope, in hundredths.
    minutes: u64,
    /// Present members whose use in the week the data does not settle.
    unknown_active: u64,
    /// Present members whose habit on the week's last day the data does not settle.
    unknown_habit: u64,
}

/// One member's standing on `as_of`, shared by every scope the member is in.
#[derive(Clone, Copy, Debug, Default)]
struct MemberFacts {
    days_7: u32,
    active_28: bool,
    active_previous_7: bool,
    habitual: bool,
    segment: Option<Segment>,
    current_streak: u32,
    longest_streak: u32,
    tasks_28: u32,
    tools_28: u32,
    /// Bit `w`: a usage day in week `w` of the series (0 is the week holding `as_of`).
    week_active: u64,
    /// Bit `w`: habitual on the last counted day of week `w`.
    week_habitual: u64,
    /// The [`coarse`] flags of the figures the data does not settle for this member.
    unknown: u16,
    /// Bit `w`: use in week `w` not settled.
    week_unknown_active: u64,
    /// Bit `w`: habit on the last counted day of week `w` not settled.
    week_unknown_habit: u64,
    /// Uses and minutes (hundredths) of period records lying in the trailing 7 days.
    period_uses_7: u64,
    period_minutes_7: u64,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        snapshot: &'a ValidSnapshot,
        kind_numbers: (Vec<Option<u32>>, Vec<Option<u32>>),
        agg: &'a UsageAggregate,
        options: &KpiOptions,
        given: Given<'a>,
    ) -> Self {
        let pb = snapshot.playbook();
        let as_of = agg.as_of_day();
        let as_of_date = date_of(as_of).unwrap_or_default();
        let Given { disclosure, tenure, first_trained, rule_reviews, read } = given;
        Self {
            snapshot,
            kind_numbers,
            agg,
            as_of,
            as_of_date,
            habit: options.habit.unwrap_or(pb.metrics.habit),
            min_group: options.min_group_size.unwrap_or(pb.metrics.min_group_size).max(1),
            lapsed_after: pb.metrics.lapsed_after_days.max(1) as i32,
            launch: day_number(snapshot.organisation().launch_date),
            first_trained,
            compare_with: options.compare_with,
            org_executives_shown: None,
            disclosure,
            days_since_rule_review: {
                let last = rule_reviews.get(..rule_reviews.partition_point(|&d| d <= as_of_date)).and_then(<[_]>::last);
                last.map(|&d| (as_of_date - d).num_days().max(0))
            },
            week_disclosure: Vec::new(),
            cohort_disclosure: None,
            facts: Vec::new(),
            totals: TotalsIndex::default(),
            tenure,
            read,
        }
        .with_week_disclosure()
        .with_facts()
        .with_totals()
        .with_org_executives()
    }

    fn with_facts(mut self) -> Self {
        let agg = self.agg;
        let weeks = agg.series_weeks().min(64) as i32;
        let this_week = week_start(self.as_of);
        // The windows every member is read through, built once: each week of the series, and the
        // habit window ending on each week's last counted day.
        let habit_window = |back: i32| match self.habit {
            HabitRule::DaysInWindow { days, window } => Some((WindowMask::new(back, window as i32), days)),
            _ => None,
        };
        let week_windows: Vec<WeekWindow> = (0..weeks)
            .map(|w| {
                let start = this_week - 7 * w;
                let until = (start + 6).min(self.as_of);
                let back = self.as_of - until;
                (back, WindowMask::new(back, until - start + 1), habit_window(back))
            })
            .collect();
        let working = WorkingDays::new(self.as_of);
        // Each kind of event's task and tool as a number, so a member's distinct tasks are counted
        // without building sets of names.
        let (kind_task, kind_tool) = std::mem::take(&mut self.kind_numbers);
        let (last_7, last_28, previous_7) = (WindowMask::new(0, 7), WindowMask::new(0, 28), WindowMask::new(7, 7));
        let every: Vec<usize>;
        let members: &[usize] = match &self.read {
            Some(read) => read.members,
            None => {
                every = (0..agg.member_count()).collect();
                &every
            }
        };
        self.facts = members
            .iter()
            .map(|&m| {
                let segment = self.segment(m);
                let coarse_member = agg.periods.get(m).is_some_and(|p| !p.is_empty());
                if segment == Segment::Never && !coarse_member {
                    return MemberFacts { segment: Some(segment), ..MemberFacts::default() };
                }
                let (current_streak, longest_streak) = streaks(agg, m, &working);
                let (mut tasks_28, mut tools_28) = (0, 0);
                if let Some(kinds) = agg.kinds_28.get(m) {
                    tasks_28 = distinct(kinds.iter().filter_map(|&k| kind_task.get(usize::from(k)).copied().flatten()));
                    tools_28 = distinct(kinds.iter().filter_map(|&k| kind_tool.get(usize::from(k)).copied().flatten()));
                }
                let (mut week_active, mut week_habitual) = (0u64, 0u64);
                for (w, (back, week, habit)) in week_windows.iter().enumerate() {
                    if agg.any_in(m, week) {
                        week_active |= 1 << w;
                    }
                    let habitual = match habit {
                        Some((window, days)) => agg.count_in(m, window) >= *days,
                        None => is_habitual(agg, m, *back, self.habit),
                    };
                    if habitual {
                        week_habitual |= 1 << w;
                    }
                }
                let mut facts = MemberFacts {
                    days_7: agg.count_in(m, &last_7),
                    active_28: agg.any_in(m, &last_28),
                    active_previous_7: agg.any_in(m, &previous_7),
                    habitual: is_habitual(agg, m, 0, self.habit),
                    segment: Some(segment),
                    current_streak,
                    longest_streak,
                    tasks_28,
                    tools_28,
                    week_active,
                    week_habitual,
                    ..MemberFacts::default()
                };
                if agg.is_detailed() {
                    if agg.uncounted_7.get(m).is_some_and(|&n| n > 0) {
                        facts.unknown |= coarse::INTENSITY;
                    }
                    if agg.untimed_7.get(m).is_some_and(|&n| n > 0) {
                        facts.unknown |= coarse::MINUTES;
                    }
                }
                if coarse_member {
                    self.coarse_facts(m, &mut facts, &week_windows);
                }
                facts
            })
            .collect();
        self
    }

    /// Member `m`'s facts where period records hold some of their usage: each question settled
    /// by the bounds the periods give, or marked not settled ([`coarse`]).
    fn coarse_facts(&self, m: usize, facts: &mut MemberFacts, week_windows: &[WeekWindow]) {
        let agg = self.agg;
        let Some(periods) = agg.periods.get(m).map(Vec::as_slice) else { return };
        let as_of = self.as_of;
        // The least and most usage days in the `len` days ending `back` days before `as_of`:
        // the member's own days (events and day records never share a day with a period) plus
        // the periods' bounds.
        let days = |back: i32, len: i32| {
            let own = agg.days_in(m, back, len);
            let (lo, hi) = coarse::bounds(periods, as_of - back - len + 1, as_of - back);
            (own + lo, own + hi)
        };
        let habit_at = |back: i32| match self.habit {
            HabitRule::DaysInWindow { days: k, window } => coarse::at_least(days(back, window as i32), k),
            HabitRule::WeeksInWindow { weeks: k, window } => {
                let end = as_of - back;
                let this_week = week_start(end);
                let (mut sure, mut maybe) = (0u32, 0u32);
                for j in 0..window as i32 {
                    let start = this_week - 7 * j;
                    let last = (start + 6).min(end);
                    match coarse::any(days(as_of - last, last - start + 1)) {
                        Some(true) => sure += 1,
                        None => maybe += 1,
                        Some(false) => {}
                    }
                }
                if sure >= k {
                    Some(true)
                } else if sure + maybe < k {
                    Some(false)
                } else {
                    None
                }
            }
            _ => Some(false),
        };
        let mut unknown = facts.unknown;
        let mut settle = |answer: Option<bool>, flag: u16| {
            if answer.is_none() {
                unknown |= flag;
            }
            answer.unwrap_or(false)
        };
        let d7 = days(0, 7);
        let active_7 = coarse::any(d7);
        facts.days_7 = d7.0;
        if d7.0 != d7.1 {
            settle(None, coarse::INTENSITY);
        }
        settle(active_7, coarse::ACTIVE_7);
        let active_28 = coarse::any(days(0, 28));
        facts.active_28 = settle(active_28, coarse::ACTIVE_28);
        facts.active_previous_7 = settle(coarse::any(days(7, 7)), coarse::PREVIOUS_7);
        let habitual = habit_at(0);
        facts.habitual = settle(habitual, coarse::HABIT);
        let used_by_then = agg.first_day.get(m).is_some_and(|&f| f <= as_of);
        let ever = if used_by_then { Some(true) } else { coarse::any(coarse::bounds(periods, i32::MIN / 2, as_of)) };
        let lapse = coarse::any(days(0, self.lapsed_after));
        facts.segment = match (ever, lapse, habitual, active_7) {
            (Some(false), ..) => Some(Segment::Never),
            (Some(true), Some(false), ..) => Some(Segment::Lapsed),
            (Some(true), Some(true), Some(true), _) => Some(Segment::Habitual),
            (Some(true), Some(true), Some(false), Some(true)) => Some(Segment::Regular),
            (Some(true), Some(true), Some(false), Some(false)) => Some(Segment::Occasional),
            _ => None,
        }
        .or_else(|| {
            settle(None, coarse::SEGMENT);
            Some(Segment::NotMeasurable)
        });
        if coarse::touches(periods, as_of - crate::HORIZON_DAYS + 1, as_of) {
            settle(None, coarse::STREAK);
        }
        if coarse::touches(periods, as_of - 27, as_of) {
            settle(None, coarse::BREADTH);
        }
        if periods.iter().any(|p| p.active > 0 && p.first <= as_of) {
            settle(None, coarse::FIRST_LAST_USE | coarse::COHORT);
        }
        // Uses and minutes of the trailing 7 days: exact for a period inside them, unknown for
        // one with use that reaches past them.
        for p in periods.iter().filter(|p| p.active > 0 && p.first <= as_of && p.last >= as_of - 6) {
            if p.first < as_of - 6 || p.last > as_of {
                settle(None, coarse::INTENSITY | coarse::MINUTES);
                continue;
            }
            match p.count {
                crate::store::NO_COUNT => {
                    settle(None, coarse::INTENSITY);
                }
                n => facts.period_uses_7 += u64::from(n),
            }
            match p.minutes {
                crate::store::NO_COUNT => {
                    settle(None, coarse::MINUTES);
                }
                n => facts.period_minutes_7 += u64::from(n),
            }
        }
        facts.unknown = unknown;
        for (w, (back, _, _)) in week_windows.iter().enumerate().take(64) {
            let bit = 1u64 << w;
            let until = as_of - back;
            let own_len = until - week_start(until) + 1;
            facts.week_active &= !bit;
            facts.week_habitual &= !bit;
            match coarse::any(days(*back, own_len)) {
                Some(true) => facts.week_active |= bit,
                Some(false) => {}
                None => facts.week_unknown_active |= bit,
            }
            match habit_at(*back) {
                Some(true) => facts.week_habitual |= bit,
                Some(false) => {}
                None => facts.week_unknown_habit |= bit,
            }
        }
    }

    /// The disclosure rule of each week of the series, on the week's last counted day, and of
    /// the cohort.
    fn with_week_disclosure(mut self) -> Self {
        let this_week = week_start(self.as_of);
        let weeks: Vec<(NaiveDate, NaiveDate)> = (0..self.agg.series_weeks() as i32)
            .map(|w| {
                let until = date_of((this_week - 7 * w + 6).min(self.as_of)).unwrap_or(self.as_of_date);
                let monday = date_of(this_week - 7 * w).unwrap_or(until);
                (monday, until)
            })
            .collect();
        // The rates count the members present on `until`; the minutes, every member on some day
        // of the week (one who left in it too): both groups must pass.
        self.week_disclosure = self.disclosure.weeks(self.snapshot, &weeks);
        self.cohort_disclosure =
            self.compare_with.map(|from| self.disclosure.on(self.snapshot, &[from, self.as_of_date]));
        self
    }

    fn with_org_executives(mut self) -> Self {
        let org = &self.totals.organisation;
        self.org_executives_shown = Some(executives_of(org, self.as_of, self.min_group));
        self
    }

    /// One pass over the members: each adds to the totals of its unit and of each of its roles.
    fn with_totals(mut self) -> Self {
        let agg = self.agg;
        let org = self.snapshot.organisation();
        let weeks = agg.series_weeks() as usize;
        let this_week = week_start(self.as_of);
        let until: Vec<i32> = (0..weeks as i32).map(|w| (this_week - 7 * w + 6).min(self.as_of)).collect();
        let cohort_back = self.compare_with.map(|from| i64::from(self.as_of) - i64::from(day_number(from)));
        let cohort_back = cohort_back.filter(|&b| b > 0 && b + 7 <= i64::from(crate::HORIZON_DAYS)).map(|b| b as i32);
        let cohort_windows = cohort_back.map(|b| (WindowMask::new(b, 7), self.as_of - b));
        let tree = self.disclosure.tree();
        // The units kept (every unit, or those of the members read with every unit above), by
        // number: positions for every unit.
        let units = Units { tree, read: self.read.as_ref() };
        // A unit's weekly counts are read only when its figures are shown, or to sum them into its
        // parent's. A withheld unit without units under it (most units of a wide organisation,
        // each under the minimum) keeps none: its members' weeks are counted in its parent's (or
        // the organisation's) own, which its subtree's sum then holds just the same.
        let keeps_weeks: Vec<bool> = (0..units.len())
            .map(|u| {
                let position = units.position(u);
                !tree.children(Some(position)).is_empty() || self.disclosure.shows_unit_at(position)
            })
            .collect();
        let mut by_unit: Vec<Totals> =
            keeps_weeks.iter().map(|&keeps| if keeps { Totals::empty(weeks) } else { Totals::default() }).collect();
        let mut by_role: BTreeMap<Role, Totals> = Role::ALL.iter().map(|&r| (r, Totals::empty(weeks))).collect();
        let mut organisation = Totals::empty(weeks);
        // Units something was added to (a member, or a withheld child's weeks), and after the pass
        // up the tree, every unit above one: the others' totals stay as made, all zero, and are
        // not carried up the tree (a wide organisation of units under the minimum, or the figures
        // of some units alone, where most units hold no member read).
        let mut touched = vec![false; by_unit.len()];
        // A member whose usage was not read (figures of some units alone) counts in no scope
        // asked: only their own unit's totals, which nothing reads, would hold them.
        let read: Box<dyn Iterator<Item = usize>> = match &self.read {
            Some(read) => Box::new(read.members.iter().copied()),
            None => Box::new((0..org.members.len()).filter(|&m| agg.reads(m))),
        };
        for (i, m) in read.enumerate() {
            let Some(member) = org.members.get(m) else { continue };
            // Its facts, by position or by place among the members read.
            let facts = self.facts.get(if self.read.is_some() { i } else { m }).copied().unwrap_or_default();
            // The member's roles as bits in the order of `Role::ALL`, read once.
            let roles = member
                .roles
                .iter()
                .fold(0u8, |bits, &role| bits | Role::ALL.iter().position(|&r| r == role).map_or(0, |i| 1 << i));
            if let Some(u) = self.snapshot.member_unit_position(m).and_then(|u| units.number(u)) {
                if let Some(t) = by_unit.get_mut(u) {
                    self.add_member(t, m, member, roles, &facts, &until, cohort_windows.as_ref());
                }
                if let Some(slot) = touched.get_mut(u) {
                    *slot = true;
                }
                if !keeps_weeks.get(u).copied().unwrap_or(true) {
                    if let Some(slot) = units.parent(u).and_then(|p| touched.get_mut(p)) {
                        *slot = true;
                    }
                    let into = match units.parent(u) {
                        Some(p) => by_unit.get_mut(p).map(|t| &mut t.weeks),
                        None => Some(&mut organisation.weeks),
                    };
                    if let Some(weeks) = into {
                        self.add_member_weeks(weeks, m, &facts, &until);
                    }
                }
            }
            for role in &member.roles {
                if let Some(t) = by_role.get_mut(role) {
                    self.add_member(t, m, member, roles, &facts, &until, cohort_windows.as_ref());
                }
            }
        }
        self.add_records(&mut RecordSink {
            units: &units,
            by_unit: &mut by_unit,
            organisation: &mut organisation,
            by_role: &mut by_role,
            touched: &mut touched,
        });
        // Up the tree once, children before parents: each unit's totals become those of its
        // subtree, and the days to first use are merged into one running median per subtree, the
        // smaller set into the larger, so a deep tree costs no more than a flat one.
        let mut medians: Vec<MedianSet> = by_unit
            .iter_mut()
            .zip(&touched)
            .map(
                |(t, &touched)| {
                    if touched { MedianSet::of(std::mem::take(&mut t.to_first)) } else { MedianSet::default() }
                },
            )
            .collect();
        let mut org_median = MedianSet::default();
        for &u in units.parents_first().iter().rev() {
            // Nothing under it was added to: its totals are zero, as made, and add nothing above.
            if !touched.get(u).copied().unwrap_or(true) {
                continue;
            }
            if let Some(slot) = units.parent(u).and_then(|p| touched.get_mut(p)) {
                *slot = true;
            }
            let set = medians.get_mut(u).map(std::mem::take).unwrap_or_default();
            // Taken out while it is added to its parent (a unit is never its own parent), and put
            // back: no copy of its weeks.
            let Some(mut child) = by_unit.get_mut(u).map(std::mem::take) else { continue };
            child.first_used = set.len() as u64;
            child.first_median = set.median();
            let parent = units.parent(u);
            match parent.and_then(|p| medians.get_mut(p)) {
                Some(parent_set) => parent_set.absorb(set),
                None => org_median.absorb(set),
            }
            // The subtree's days to resolve are complete: its median settled, the days handed up.
            let days = child.records.as_mut().map(|r| r.settle_days());
            let above = match parent.and_then(|p| by_unit.get_mut(p)) {
                Some(parent) => parent,
                None => &mut organisation,
            };
            above.add(&child);
            if let Some(days) = days {
                above.records_mut().resolve_days.absorb(days);
            }
            if let Some(slot) = by_unit.get_mut(u) {
                *slot = child;
            }
        }
        organisation.first_used = org_median.len() as u64;
        organisation.first_median = org_median.median();
        for t in by_role.values_mut().chain([&mut organisation]) {
            if let Some(records) = t.records.as_mut() {
                records.settle_days();
            }
        }
        for t in by_role.values_mut() {
            t.first_used = t.to_first.len() as u64;
            t.first_median = median(&mut t.to_first);
        }
        self.totals = TotalsIndex { by_unit, organisation, by_role };
        self
    }

    /// One pass over each kind of record: each is added to the totals of the unit it belongs
    /// to (its member's unit, or its own unit when it names no member), of each role its member
    /// holds, or of the organisation alone (a record naming neither). The figures the records
    /// give are then sums up the tree ([`RecordTotals`]), as the members' are.
    fn add_records(&self, sink: &mut RecordSink<'_>) {
        let obs = self.snapshot.observations();
        let Some(read) = &self.read else {
            let (s, p, c) = (obs.surveys.iter(), obs.proposals.iter(), obs.consultations.iter());
            return self.add_these(sink, s, p, c, obs.incidents.iter(), obs.success_cases.iter());
        };
        // The figures of some units alone: the records of the members read and of the units
        // kept, found in the index rather than by a pass over every record. A record of neither
        // (the organisation's alone, or another unit's) is in no scope asked.
        let mut lists = Selected::default();
        let members = read.members.iter().map(|&m| read.records.of_member(m));
        for &(kind, i) in members.chain(read.units.iter().map(|&u| read.records.of_unit(u))).flatten() {
            lists.add(obs, kind, i);
        }
        let Selected { surveys, proposals, consultations, incidents, success_cases } = lists;
        self.add_these(
            sink,
            surveys.into_iter(),
            proposals.into_iter(),
            consultations.into_iter(),
            incidents.into_iter(),
            success_cases.into_iter(),
        );
    }

    /// [`Ctx::add_records`] over these records of each kind.
    fn add_these<'r>(
        &self,
        sink: &mut RecordSink<'_>,
        surveys: impl Iterator<Item = &'r teichaku_model::SurveyResponse>,
        proposals: impl Iterator<Item = &'r teichaku_model::Proposal>,
        consultations: impl Iterator<Item = &'r teichaku_model::Consultation>,
        incidents: impl Iterator<Item = &'r teichaku_model::RuleIncident>,
        success_cases: impl Iterator<Item = &'r teichaku_model::SuccessCase>,
    ) {
        let as_of = self.as_of_date;
        let window_start = as_of.checked_sub_days(chrono::Days::new(27)).unwrap_or(NaiveDate::MIN);
        // Survey answers: each present member's latest in the trailing 28 days, and their latest
        // ADKAR answer up to `as_of`, by member position; every anonymous answer in the window.
        let mut latest: BTreeMap<usize, &teichaku_model::SurveyResponse> = BTreeMap::new();
        let mut adkar: BTreeMap<usize, &teichaku_model::SurveyResponse> = BTreeMap::new();
        let later = |old: Option<&&teichaku_model::SurveyResponse>, s: &teichaku_model::SurveyResponse| {
            old.is_none_or(|old| (old.date, old.id) < (s.date, s.id))
        };
        for s in surveys.filter(|s| s.date <= as_of) {
            let in_window = s.date >= window_start;
            match s.member {
                Some(id) => {
                    let Some(m) = self.snapshot.member_position(id) else { continue };
                    let present = self.snapshot.member(id).is_some_and(|member| member.is_present_on(as_of));
                    if !present || !self.agg.reads(m) {
                        continue;
                    }
                    if in_window && later(latest.get(&m), s) {
                        latest.insert(m, s);
                    }
                    if s.adkar.is_some() && later(adkar.get(&m), s) {
                        adkar.insert(m, s);
                    }
                }
                None if in_window => sink.add(self.home(None, s.unit), |r| answer(r, s)),
                None => {}
            }
        }
        for s in latest.values() {
            sink.add(self.home(s.member, s.unit), |r| answer(r, s));
        }
        for s in adkar.values() {
            let barrier = match s.adkar.and_then(|a| a.barrier()) {
                Some(AdkarElement::Awareness) => 0,
                Some(AdkarElement::Desire) => 1,
                Some(AdkarElement::Knowledge) => 2,
                Some(AdkarElement::Ability) => 3,
                Some(_) => 4,
                None => 5,
            };
            sink.add(self.home(s.member, None), |r| {
                r.adkar_members += 1;
                if let Some(n) = r.barriers.get_mut(barrier) {
                    *n += 1;
                }
            });
        }
        for p in proposals.filter(|p| p.submitted <= as_of) {
            let implemented = p.implemented.is_some_and(|d| d <= as_of);
            sink.add(self.home(Some(p.member), None), |r| {
                r.proposals_submitted += 1;
                r.proposals_implemented += u64::from(implemented);
            });
        }
        for c in consultations.filter(|c| c.opened <= as_of) {
            let days = c.resolved.filter(|&d| d <= as_of).map(|d| (d - c.opened).num_days() as i32);
            sink.add(self.home(Some(c.member), None), |r| {
                r.consultations_opened += 1;
                if let Some(days) = days {
                    r.consultations_resolved += 1;
                    r.resolve_days.insert(days);
                }
            });
        }
        for i in incidents.filter(|i| i.date <= as_of) {
            let recent = i.date >= window_start;
            sink.add(self.home(i.member, i.unit), |r| {
                r.incidents += 1;
                r.incidents_28 += u64::from(recent);
            });
        }
        for c in success_cases.filter(|c| c.date <= as_of) {
            let complete = c.is_complete();
            sink.add(self.home(Some(c.member), None), |r| {
                r.cases_shared += 1;
                r.cases_complete += u64::from(complete);
                r.last_case = r.last_case.max(Some(c.date));
            });
        }
    }

    /// Where a record naming `member` (else `unit`) is counted: its member's unit and roles, its
    /// own unit, the organisation alone when it names neither; `None` when it names a member or
    /// a unit the organisation does not have, or a member whose usage was not read (figures of
    /// some units alone: no scope asked holds them).
    fn home(&self, member: Option<teichaku_model::MemberId>, unit: Option<UnitId>) -> Option<Home> {
        let tree = self.disclosure.tree();
        match (member, unit) {
            (Some(id), _) => {
                self.snapshot.member_position(id).filter(|&m| self.agg.reads(m))?;
                let member = self.snapshot.member(id)?;
                let roles = Role::ALL
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| member.has_role(**r))
                    .fold(0u8, |bits, (i, _)| bits | 1 << i);
                Some(Home { unit: tree.position(member.unit), roles })
            }
            (None, Some(u)) => Some(Home { unit: Some(tree.position(u)?), roles: 0 }),
            (None, None) => Some(Home { unit: None, roles: 0 }),
        }
    }

    /// Adds member `m`'s weekly counts alone to `weeks`, as [`Ctx::add_member`] does to a
    /// scope's: for a unit that keeps no weeks of its own, into its parent's.
    fn add_member_weeks(&self, weeks: &mut [WeekCounts], m: usize, facts: &MemberFacts, until: &[i32]) {
        let agg = self.agg;
        let (joined, left) = self.tenure.get(m).copied().unwrap_or((i32::MAX, i32::MIN));
        if agg.first_day.get(m).is_none() || agg.last_day.get(m).is_none() {
            return;
        }
        self.member_weeks(weeks, m, joined, left, facts, until);
    }

    /// Adds member `m` (who joined on day `joined` and left on `left`, with `facts`) to the
    /// counts of each week ending on the days `until`.
    fn member_weeks(
        &self,
        weeks: &mut [WeekCounts],
        m: usize,
        joined: i32,
        left: i32,
        facts: &MemberFacts,
        until: &[i32],
    ) {
        let minutes = self.agg.week_minutes.get(m * until.len()..(m + 1) * until.len()).unwrap_or_default();
        for (w, (count, &until)) in weeks.iter_mut().zip(until).enumerate() {
            count.minutes += minutes.get(w).copied().unwrap_or(0);
            if joined <= until && until < left {
                count.present += 1;
                if w < 64 {
                    count.active += facts.week_active >> w & 1;
                    count.habitual += facts.week_habitual >> w & 1;
                    count.unknown_active += facts.week_unknown_active >> w & 1;
                    count.unknown_habit += facts.week_unknown_habit >> w & 1;
                }
            }
        }
    }

    /// Adds member `m` (with `facts`) to `t`.
    #[allow(clippy::too_many_arguments, reason = "the member's parts, each read once per member")]
    fn add_member(
        &self,
        t: &mut Totals,
        m: usize,
        member: &teichaku_model::Member,
        roles: u8,
        facts: &MemberFacts,
        until: &[i32],
        cohort: Option<&(WindowMask, i32)>,
    ) {
        let agg = self.agg;
        let (joined, left) = self.tenure.get(m).copied().unwrap_or((i32::MAX, i32::MIN));
        let present = joined <= self.as_of && self.as_of < left;
        if present {
            t.present += 1;
            for (i, slot) in t.present_by_role.iter_mut().enumerate() {
                *slot += u64::from(roles >> i & 1);
            }
            let trained = self.first_trained.get(m).is_some_and(|&first| first <= self.as_of);
            t.trained += u64::from(trained);
            t.untrained_senior_beginners += u64::from(
                member.age_band == Some(AgeBand::Age60Plus)
                    && member.literacy == Some(LiteracyTier::Beginner)
                    && !trained,
            );
        }
        let (Some(&first), Some(&last)) = (agg.first_day.get(m), agg.last_day.get(m)) else { return };
        if agg.is_detailed() {
            t.saved_measured += agg.saved_measured.get(m).copied().unwrap_or(0);
            t.saved_estimated += agg.saved_estimated.get(m).copied().unwrap_or(0);
            t.unmeasured += agg.unmeasured.get(m).map_or(0, |&u| u64::from(u));
        }
        let facts = *facts;
        self.member_weeks(&mut t.weeks, m, joined, left, &facts, until);
        if !present {
            return;
        }
        for (i, slot) in t.unknown.iter_mut().enumerate() {
            *slot += u64::from(facts.unknown >> i & 1);
        }
        let active_7 = facts.days_7 > 0;
        t.active_7 += u64::from(active_7);
        t.active_28 += u64::from(facts.active_28);
        t.habitual += u64::from(facts.habitual);
        t.earlier += u64::from(facts.active_previous_7);
        t.returned += u64::from(facts.active_previous_7 && active_7);
        match facts.segment {
            Some(Segment::Habitual) => t.segments.habitual += 1,
            Some(Segment::Regular) => t.segments.regular += 1,
            Some(Segment::Occasional) => t.segments.occasional += 1,
            Some(Segment::Lapsed) => t.segments.lapsed += 1,
            Some(Segment::NotMeasurable) => t.segments.not_measurable += 1,
            _ => t.segments.never += 1,
        }
        if agg.is_detailed() {
            t.minutes_7 += agg.minutes_7.get(m).copied().unwrap_or(0) + facts.period_minutes_7;
            t.events_7 += agg.events_7.get(m).map_or(0, |&e| u64::from(e)) + facts.period_uses_7;
            t.active_days_7 += u64::from(facts.days_7);
            if facts.active_28 {
                t.tasks_28 += u64::from(facts.tasks_28);
                t.tools_28 += u64::from(facts.tools_28);
            }
            t.current_streaks += u64::from(facts.current_streak);
            t.longest_streaks += u64::from(facts.longest_streak);
        }
        let first_last_unknown = facts.unknown & coarse::FIRST_LAST_USE != 0;
        if first <= self.as_of && !first_last_unknown {
            t.to_first.push((first - joined.max(self.launch)).max(0));
        }
        if member.has_role(Role::Executive) {
            t.executives += 1;
            t.executives_unknown[0] += u64::from(facts.unknown & coarse::ACTIVE_7 != 0);
            t.executives_unknown[1] += u64::from(facts.unknown & coarse::ACTIVE_28 != 0);
            t.executives_unknown[2] += u64::from(first_last_unknown);
            t.executives_active_7 += u64::from(active_7);
            t.executives_active_28 += u64::from(facts.active_28);
            // `i32::MIN` is the aggregate's "never used".
            if last <= self.as_of && last != i32::MIN {
                t.executive_last_use = t.executive_last_use.max(Some(last));
            }
        }
        if let Some((window, from_day)) = cohort {
            if joined <= *from_day && *from_day < left && facts.unknown & (coarse::COHORT | coarse::ACTIVE_7) != 0 {
                t.cohort[0] += 1;
                t.cohort_unknown += 1;
            } else if joined <= *from_day && *from_day < left {
                let before = agg.any_in(m, window);
                let used_by_then = first <= *from_day;
                let slot = match (before, active_7) {
                    (true, true) => 1,
                    (true, false) => 2,
                    (false, true) if used_by_then => 3,
                    (false, true) => 4,
                    (false, false) => 5,
                };
                t.cohort[0] += 1;
                if let Some(count) = t.cohort.get_mut(slot) {
                    *count += 1;
                }
            }
        }
    }

    /// The totals of a scope: the unit's with those below it, the organisation's, or a role's.
    fn totals_of(&self, scope: &Scope) -> Option<&Totals> {
        match scope {
            Scope::Organisation => Some(&self.totals.organisation),
            Scope::Unit(u) => {
                let units = Units { tree: self.disclosure.tree(), read: self.read.as_ref() };
                units.tree.position(*u).and_then(|u| units.number(u)).and_then(|u| self.totals.by_unit.get(u))
            }
            Scope::Role(r) => self.totals.by_role.get(r),
        }
    }

    pub(crate) fn scope_kpis(&self, scope: Scope) -> ScopeKpis {
        let empty = Totals::empty(0);
        let totals = self.totals_of(&scope).unwrap_or(&empty);
        let headcount = totals.present;
        if headcount == 0 {
            return ScopeKpis {
                scope,
                headcount,
                figures: Figure::Undefined,
                score: Figure::Undefined,
                values: KpiValues::default(),
            };
        }
        if !self.disclosure.shows(&scope) {
            // Nothing of the scope's own is seen, by reports or by conditions: every KPI is
            // withheld except those the same in every scope, shown by the organisation.
            let mut values = KpiValues::default();
            for kpi in Kpi::ALL {
                let figure = match kpi {
                    Kpi::DaysSinceRuleReview => days_since_figure(self.days_since_rule_review),
                    Kpi::DaysSinceLaunch => Figure::Value(f64::from(self.as_of - self.launch)),
                    Kpi::ExecutiveActiveShare | Kpi::DaysSinceExecutiveUse => self.org_executive_kpi(kpi),
                    _ => Figure::Suppressed,
                };
                values.set(kpi, figure);
            }
            return ScopeKpis { scope, headcount, figures: Figure::Suppressed, score: Figure::Suppressed, values };
        }
        let shown = self.figures(&scope, totals, self.min_group);
        let mut values = KpiValues::default();
        for kpi in Kpi::ALL {
            values.set(kpi, self.kpi_figure(&shown, kpi));
        }
        let score = retention_score(self.snapshot, &values, &scope, self);
        values.insert(Kpi::RetentionScore, score.score);
        ScopeKpis { scope, headcount, figures: Figure::Value(shown), score: Figure::Value(score), values }
    }

    /// The figures of a scope from its totals and the observations, withholding groups under
    /// `min_group` (0 for the raw values the score and conditions use).
    fn figures(&self, scope: &Scope, totals: &Totals, min_group: u32) -> ScopeFigures {
        let agg = self.agg;
        let t = totals;
        let n = t.present;
        let active7 = t.active_7;
        let usage = if agg.is_detailed() {
            let per =
                |x: u64, d: u64, group: u64| Figure::of_group((d > 0).then(|| x as f64 / d as f64), group, min_group);
            let unknown = |flags: &[u16]| flags.iter().any(|&f| t.unknown(f));
            Usage {
                minutes_7: t.minutes_7 as f64 / 100.0,
                minutes_per_active_member: per(t.minutes_7, active7 * 100, active7)
                    .unless_measurable(unknown(&[coarse::MINUTES, coarse::ACTIVE_7])),
                intensity: per(t.events_7, t.active_days_7, active7)
                    .unless_measurable(unknown(&[coarse::INTENSITY, coarse::ACTIVE_7])),
                breadth_tasks: per(t.tasks_28, t.active_28, t.active_28)
                    .unless_measurable(unknown(&[coarse::BREADTH, coarse::ACTIVE_28])),
                breadth_tools: per(t.tools_28, t.active_28, t.active_28)
                    .unless_measurable(unknown(&[coarse::BREADTH, coarse::ACTIVE_28])),
                mean_current_streak: per(t.current_streaks, n, n).unless_measurable(unknown(&[coarse::STREAK])),
                mean_longest_streak: per(t.longest_streaks, n, n).unless_measurable(unknown(&[coarse::STREAK])),
            }
        } else {
            Usage {
                minutes_7: 0.0,
                minutes_per_active_member: Figure::Undefined,
                intensity: Figure::Undefined,
                breadth_tasks: Figure::Undefined,
                breadth_tools: Figure::Undefined,
                mean_current_streak: Figure::Undefined,
                mean_longest_streak: Figure::Undefined,
            }
        };

        let first_use = FirstUse {
            used: t.first_used,
            not_yet: n.saturating_sub(t.first_used),
            median_days: Figure::of_group(t.first_median, t.first_used, min_group)
                .unless_measurable(t.unknown(coarse::FIRST_LAST_USE)),
        };

        let executives = executives_of(t, self.as_of, min_group);

        // The records' figures, from the sums gathered once for every scope (`RecordTotals`).
        let none = RecordTotals::default();
        let r = t.records.as_deref().unwrap_or(&none);
        let mean = |(sum, k): (u64, u64)| Figure::of_group((k > 0).then(|| sum as f64 / k as f64), k, min_group);
        let nu = r.non_users;
        let reasons = (nu > 0).then(|| {
            NON_USER_REASONS.iter().zip(r.reasons).map(|(&reason, n)| (reason, n as f64 / nu as f64)).collect()
        });
        let barriers: BTreeMap<String, u64> =
            BARRIERS.iter().zip(r.barriers).map(|(&key, n)| (key.to_owned(), n)).collect();
        let surveys = Surveys {
            respondents: r.respondents,
            satisfaction_mean: mean(r.satisfaction),
            quality_mean: mean(r.quality),
            non_users: nu,
            non_user_reasons: Figure::of_group(reasons, nu, min_group),
            adkar_barriers: Figure::of_group(Some(barriers), r.adkar_members, min_group),
        };
        let consultations = Consultations {
            opened: r.consultations_opened,
            resolved: r.consultations_resolved,
            unresolved: r.consultations_opened - r.consultations_resolved,
            median_days_to_resolve: Figure::of_group(r.resolve_median, u64::MAX, 0),
        };
        let days_since = |last: Option<NaiveDate>| last.map(|d| (self.as_of_date - d).num_days().max(0));

        let (measured, estimated, unmeasured) = (t.saved_measured, t.saved_estimated, t.unmeasured);
        let hours = (measured + estimated) as f64 / 6000.0;
        let rate = self.snapshot.organisation().hourly_rate.as_ref();

        ScopeFigures {
            weekly_active: rate_figure(active7, n, min_group).unless_measurable(t.unknown(coarse::ACTIVE_7)),
            monthly_active: rate_figure(t.active_28, n, min_group).unless_measurable(t.unknown(coarse::ACTIVE_28)),
            habit: rate_figure(t.habitual, n, min_group).unless_measurable(t.unknown(coarse::HABIT)),
            returning: if t.earlier == 0 { Figure::Undefined } else { rate_figure(t.returned, t.earlier, min_group) }
                .unless_measurable(t.unknown(coarse::PREVIOUS_7) || t.unknown(coarse::ACTIVE_7)),
            segments: t.segments,
            usage,
            first_use,
            executives,
            surveys,
            proposals: Proposals {
                submitted: r.proposals_submitted,
                implemented: r.proposals_implemented,
                implementation_rate: Figure::of_group(
                    Rate::new(r.proposals_implemented, r.proposals_submitted),
                    u64::MAX,
                    0,
                ),
            },
            consultations,
            incidents: Incidents { last_28_days: r.incidents_28, total: r.incidents },
            success_cases: SuccessCases {
                shared: r.cases_shared,
                complete: r.cases_complete,
                days_since_last: days_since(r.last_case),
            },
            days_since_rule_review: self.days_since_rule_review,
            training: Training {
                trained: rate_figure(t.trained, n, min_group),
                untrained_senior_beginners: t.untrained_senior_beginners,
            },
            time_saved: TimeSaved {
                measured_minutes: measured as f64 / 100.0,
                estimated_minutes: estimated as f64 / 100.0,
                unmeasured_events: unmeasured,
                hours,
                value: rate.map(|r| hours * r.amount),
                currency: rate.map(|r| r.currency.clone()),
            },
            weekly: self.weekly(scope, &t.weeks, min_group),
            days_since_launch: i64::from(self.as_of - self.launch),
            cohort: self.compare_with.map(|from| {
                // The cohort is the members present on both dates: a group of its own, under
                // the same rule (a unit's cohort must not be its parent's minus its siblings').
                if self.cohort_disclosure.as_ref().is_none_or(|rule| rule.shows(scope)) {
                    cohort_of(t, from, self.as_of, min_group).unless_measurable(t.cohort_unknown > 0)
                } else {
                    Figure::Suppressed
                }
            }),
        }
    }

    /// The segment of member `m` on `as_of`.
    fn segment(&self, m: usize) -> Segment {
        let agg = self.agg;
        if agg.first_day.get(m).is_none_or(|&first| first > self.as_of) {
            Segment::Never
        } else if agg.days_in(m, 0, self.lapsed_after) == 0 {
            Segment::Lapsed
        } else if is_habitual(agg, m, 0, self.habit) {
            Segment::Habitual
        } else if agg.days_in(m, 0, 7) > 0 {
            Segment::Regular
        } else {
            Segment::Occasional
        }
    }

    /// The weekly series of a scope from its counts: a week whose rule withholds the scope (its
    /// group that week under `min_group`, or withheld so that no sibling's week can be recovered
    /// from the parent's) shows none of its figures.
    fn weekly(&self, scope: &Scope, counts: &[WeekCounts], min_group: u32) -> Vec<WeekFigures> {
        let this_week = week_start(self.as_of);
        (0..)
            .zip(counts)
            .map(|(w, count)| {
                let start = this_week - 7 * w;
                let until = (start + 6).min(self.as_of);
                let shown = self.week_disclosure.get(w as usize).is_none_or(|rule| rule.shows(scope));
                let rate = |n: u64, unknown: u64| {
                    if shown { rate_figure(n, count.present, min_group) } else { Figure::Suppressed }
                        .unless_measurable(unknown > 0)
                };
                WeekFigures {
                    week_start: date_of(start).unwrap_or_default(),
                    until: date_of(until).unwrap_or_default(),
                    weekly_active: rate(count.active, count.unknown_active),
                    habit: rate(count.habitual, count.unknown_habit),
                    minutes: (shown && count.present >= u64::from(min_group)).then(|| count.minutes as f64 / 100.0),
                }
            })
            .collect()
    }

    fn member_kpis(&self) -> Vec<MemberKpis> {
        let agg = self.agg;
        let mut latest: BTreeMap<teichaku_model::MemberId, &teichaku_model::SurveyResponse> = BTreeMap::new();
        for s in self.snapshot.observations().surveys.iter().filter(|s| s.date <= self.as_of_date && s.adkar.is_some())
        {
            if let Some(m) = s.member {
                if latest.get(&m).is_none_or(|old| (old.date, old.id) < (s.date, s.id)) {
                    latest.insert(m, s);
                }
            }
        }
        let mut out: Vec<MemberKpis> = self
            .snapshot
            .organisation()
            .members
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < agg.member_count())
            .map(|(m, member)| {
                let place = match &self.read {
                    Some(read) => read.members.binary_search(&m).ok(),
                    None => Some(m),
                };
                let facts = place.and_then(|i| self.facts.get(i)).copied().unwrap_or_default();
                MemberKpis {
                    member: member.id,
                    days_7: facts.days_7,
                    days_28: agg.days_in(m, 0, 28),
                    segment: facts.segment.unwrap_or(Segment::Never),
                    current_streak: facts.current_streak,
                    longest_streak: facts.longest_streak,
                    first_use: agg
                        .first_day
                        .get(m)
                        .filter(|&&first| first <= self.as_of)
                        .and_then(|&first| date_of(first)),
                    adkar_barrier: latest.get(&member.id).and_then(|s| s.adkar).and_then(|a| a.barrier()),
                    days_partial: agg.periods.get(m).is_some_and(|p| p.iter().any(|p| p.active > 0)),
                }
            })
            .collect();
        out.sort_by_key(|k| k.member);
        out
    }

    /// An organisation-wide executive KPI as the organisation shows it.
    fn org_executive_kpi(&self, kpi: Kpi) -> Figure<f64> {
        let Some(e) = &self.org_executives_shown else { return Figure::Undefined };
        match kpi {
            Kpi::ExecutiveActiveShare => e.active_7.map(|r| r.rate),
            // Executives present and shown who never used AI: the worst value.
            _ => match e.days_since_use {
                Figure::Undefined if e.present > 0 => days_since_figure(None),
                other => other.map(|d| d as f64),
            },
        }
    }

    /// `kpi` in a shown scope's `shown` figures: its value, undefined, or withheld where the
    /// figures withhold it.
    fn kpi_figure(&self, shown: &ScopeFigures, kpi: Kpi) -> Figure<f64> {
        let rate = |f: &Figure<Rate>| f.map(|r| r.rate);
        let count = |n: u64| Figure::Value(n as f64);
        let share = |r: NonUserReason| match &shown.surveys.non_user_reasons {
            Figure::Value(m) => m.get(&r).copied().map_or(Figure::Undefined, Figure::Value),
            Figure::Suppressed => Figure::Suppressed,
            _ => Figure::Undefined,
        };
        let seg = &shown.segments;
        let n = seg.habitual + seg.regular + seg.occasional + seg.lapsed + seg.never + seg.not_measurable;
        let of_headcount = |k: u64| match (n, seg.not_measurable) {
            (0, _) => Figure::Undefined,
            (_, 0) => Figure::Value(k as f64 / n as f64),
            _ => Figure::NotMeasurable,
        };
        match kpi {
            Kpi::WeeklyActiveRate => rate(&shown.weekly_active),
            Kpi::MonthlyActiveRate => rate(&shown.monthly_active),
            Kpi::HabitRate => rate(&shown.habit),
            Kpi::ReturningRate => rate(&shown.returning),
            Kpi::LapsedShare => of_headcount(seg.lapsed),
            Kpi::NeverShare => of_headcount(seg.never),
            Kpi::MinutesPerActiveMember => shown.usage.minutes_per_active_member,
            Kpi::ExecutiveActiveShare | Kpi::DaysSinceExecutiveUse => self.org_executive_kpi(kpi),
            Kpi::SatisfactionMean => shown.surveys.satisfaction_mean,
            Kpi::QualityMean => shown.surveys.quality_mean,
            Kpi::NonUserShareAnxious => share(NonUserReason::Anxious),
            Kpi::NonUserShareSkeptical => share(NonUserReason::Skeptical),
            Kpi::NonUserShareUninterested => share(NonUserReason::Uninterested),
            Kpi::ProposalsSubmitted => count(shown.proposals.submitted),
            Kpi::ProposalsImplemented => count(shown.proposals.implemented),
            Kpi::ImplementationRate => rate(&shown.proposals.implementation_rate),
            Kpi::ConsultationsOpened => count(shown.consultations.opened),
            Kpi::ConsultationsUnresolved => count(shown.consultations.unresolved),
            Kpi::MedianDaysToResolve => shown.consultations.median_days_to_resolve,
            Kpi::IncidentsLast28Days => count(shown.incidents.last_28_days),
            Kpi::DaysSinceRuleReview => days_since_figure(shown.days_since_rule_review),
            Kpi::SuccessCasesShared => count(shown.success_cases.shared),
            Kpi::SuccessCasesComplete => count(shown.success_cases.complete),
            Kpi::DaysSinceSuccessCase => days_since_figure(shown.success_cases.days_since_last),
            Kpi::TimeSavedHours => Figure::Value(shown.time_saved.hours),
            Kpi::TrainedShare => rate(&shown.training.trained),
            Kpi::UntrainedSeniorBeginners => count(shown.training.untrained_senior_beginners),
            Kpi::DaysSinceLaunch => Figure::Value(shown.days_since_launch as f64),
            _ => Figure::Undefined,
        }
    }

    /// Members of the scope holding `role`, present on `as_of`.
    pub(crate) fn role_count(&self, scope: &Scope, role: Role) -> u64 {
        let Some(i) = Role::ALL.iter().position(|&r| r == role) else { return 0 };
        self.totals_of(scope).and_then(|t| t.present_by_role.get(i)).copied().unwrap_or(0)
    }
}

/// The executives among a scope's present members, from its totals.
fn executives_of(t: &Totals, as_of: i32, min_group: u32) -> Executives {
    let n = t.executives;
    let [unknown_7, unknown_28, unknown_last] = t.executives_unknown.map(|k| k > 0);
    Executives {
        present: n,
        active_7: rate_figure(t.executives_active_7, n, min_group).unless_measurable(unknown_7),
        active_28: rate_figure(t.executives_active_28, n, min_group).unless_measurable(unknown_28),
        days_since_use: Figure::of_group(
            t.executive_last_use.map(|last| (i64::from(as_of) - i64::from(last)).max(0)),
            n,
            min_group,
        )
        .unless_measurable(unknown_last),
    }
}

/// A "days since" KPI: the days, or, when the thing never happened, infinitely many, the worst
/// value (a `≥` condition holds, a `≤` one does not, an `at_most` score component earns nothing).
/// Only conditions and the score read it; reports show `null` for "never".
fn days_since_figure(days: Option<i64>) -> Figure<f64> {
    Figure::Value(days.map_or(f64::INFINITY, |d| d as f64))
}

/// Cohort transitions from `from` to `as_of` among a scope's members present on both days.
fn cohort_of(t: &Totals, from: NaiveDate, as_of: i32, min_group: u32) -> Figure<Cohort> {
    let back = i64::from(as_of) - i64::from(day_number(from));
    if back <= 0 || back + 7 > i64::from(crate::HORIZON_DAYS) {
        return Figure::Undefined;
    }
    let [members, retained, lapsed, reactivated, newly_activated, inactive] = t.cohort;
    let c = Cohort { from, members, retained, lapsed, reactivated, newly_activated, inactive };
    Figure::of_group(Some(c), members, min_group)
}

/// How many distinct values `values` holds (a handful: a member's kinds of task in 28 days).
fn distinct(values: impl Iterator<Item = u32>) -> u32 {
    let mut seen: Vec<u32> = values.collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len() as u32
}

/// The median of `values` (the mean of the middle two for an even count), `None` when empty.
fn median(values: &mut [i32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // Selection, not a sort: the middle value in linear time, then the largest of those below it.
    let (len, mid) = (values.len(), values.len() / 2);
    let (below, &mut middle, _) = values.select_nth_unstable(mid);
    Some(if len % 2 == 0 {
        let lower = below.iter().copied().max().unwrap_or(middle);
        (f64::from(lower) + f64::from(middle)) / 2.0
    } else {
        f64::from(middle)
    })
}

/// Days to first use as a running median: the lower half in a max-heap, the upper half in a
/// min-heap, the lower half never smaller than the upper nor larger by more than one.
#[derive(Clone, Debug, Default)]
struct MedianSet {
    lower: std::collections::BinaryHeap<i32>,
    upper: std::collections::BinaryHeap<std::cmp::Reverse<i32>>,
}

impl MedianSet {
    fn of(values: Vec<i32>) -> Self {
        let mut set = Self::default();
        values.into_iter().for_each(|v| set.insert(v));
        set
    }

    fn len(&self) -> usize {
        self.lower.len() + self.upper.len()
    }

    fn insert(&mut self, value: i32) {
        if self.lower.peek().is_none_or(|&top| value <= top) {
            self.lower.push(value);
        } else {
            self.upper.push(std::cmp::Reverse(value));
        }
        if self.lower.len() > self.upper.len() + 1 {
            if let Some(v) = self.lower.pop() {
                self.upper.push(std::cmp::Reverse(v));
            }
        } else if self.upper.len() > self.lower.len() {
            if let Some(std::cmp::Reverse(v)) = self.upper.pop() {
                self.lower.push(v);
            }
        }
    }

    /// Adds every value of `other`, inserting the smaller set's values into the larger.
    fn absorb(&mut self, mut other: Self) {
        if other.len() > self.len() {
            std::mem::swap(self, &mut other);
        }
        let Self { lower, upper } = other;
        for v in lower.into_vec().into_iter().chain(upper.into_vec().into_iter().map(|r| r.0)) {
            self.insert(v);
        }
    }

    /// The median (the mean of the middle two for an even count), as [`median`] gives it.
    fn median(&self) -> Option<f64> {
        let low = f64::from(*self.lower.peek()?);
        Some(match self.upper.peek() {
            Some(&std::cmp::Reverse(high)) if self.upper.len() == self.lower.len() => (low + f64::from(high)) / 2.0,
            _ => low,
        })
    }
}

#[cfg(test)]
mod median_tests {
    #![allow(clippy::indexing_slicing, reason = "tests")]
    use super::{MedianSet, median};

    #[test]
    fn a_running_median_merged_in_any_split_equals_the_median_of_all() {
        let values: Vec<i32> = (0..200).map(|i| (i * 7919 % 101) - 30).collect();
        for split in [0, 1, 2, 57, 100, 199, 200] {
            let (a, b) = values.split_at(split);
            let mut left = MedianSet::of(a.to_vec());
            left.absorb(MedianSet::of(b.to_vec()));
            let mut prefix = values[..split.max(1)].to_vec();
            assert_eq!(MedianSet::of(values[..split.max(1)].to_vec()).median(), median(&mut prefix));
            assert_eq!(left.median(), median(&mut values.clone()));
            assert_eq!(left.len(), values.len());
        }
        assert_eq!(MedianSet::default().median(), None);
    }
}
