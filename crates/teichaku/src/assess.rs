//! `assess`: KPIs, retention score, readiness, schedule and next actions in one call.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{
    EffectReport, EventStore, KpiDays, KpiError, KpiOptions, KpiReport, kpis_with_store, rollout_effects,
};
use teichaku_model::{PlaybookId, UrgencyCoefficients, ValidSnapshot};
use teichaku_rollout::{
    ActionPlan, ReadinessReport, ReviewPacks, RolloutPlan, next_actions, plan_reaching, readiness, review_packs,
};

/// Everything teichaku knows about an organisation on `as_of`.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// assert_eq!(a.playbook.as_str(), "sme-five-step");
/// assert!(!a.actions.actions.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assessment {
    /// The version of teichaku that computed it.
    pub engine_version: String,
    /// The document format version.
    pub document_version: u32,
    /// The playbook followed.
    pub playbook: PlaybookId,
    /// Its revision.
    pub playbook_revision: u32,
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// Every KPI and the retention score of every scope.
    pub kpis: KpiReport,
    /// The current phase, each gate, the barrier point, waves and units.
    pub readiness: ReadinessReport,
    /// The instantiated rollout and its schedule.
    pub plan: RolloutPlan,
    /// The ranked next actions.
    pub actions: ActionPlan,
    /// Every review's pack: the measures it reports, what is missing and who supplies it.
    #[serde(default)]
    pub reviews: ReviewPacks,
    /// The measured effect of each wave on weekly use and habit.
    #[serde(default)]
    pub effects: EffectReport,
}

/// What an assessment may be asked besides the snapshot and the date.
///
/// ```
/// let options = teichaku::AssessOptions::default();
/// assert!(options.urgency.is_none());
/// ```
#[derive(Clone, PartialEq, Debug, Default)]
#[non_exhaustive]
pub struct AssessOptions {
    /// How the KPIs are computed.
    pub kpis: KpiOptions,
    /// Urgency coefficients overriding the playbook's.
    pub urgency: Option<UrgencyCoefficients>,
}

/// Assesses `snapshot` on `as_of` over the usage events in the snapshot.
///
/// # Errors
///
/// [`KpiError`] when the usage events cannot be stored.
pub fn assess(snapshot: &ValidSnapshot, as_of: NaiveDate) -> Result<Assessment, KpiError> {
    let store = EventStore::from_snapshot(snapshot)?;
    assess_with_store(snapshot, &store, as_of, &AssessOptions::default())
}

/// Assesses `snapshot` on `as_of` over the events of `store` (from the snapshot, streamed
/// files, or both).
///
/// # Errors
///
/// [`KpiError`] when a requested scope names an unknown unit.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let store = teichaku::metrics::EventStore::from_snapshot(&snapshot)?;
/// let a = teichaku::assess_with_store(&snapshot, &store, teichaku::demo::AS_OF, &Default::default())?;
/// assert_eq!(a.as_of, teichaku::demo::AS_OF);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn assess_with_store(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    as_of: NaiveDate,
    options: &AssessOptions,
) -> Result<Assessment, KpiError> {
    // The organisation on `as_of`, once: every figure below sees its units, roles and literacy.
    let snapshot = &*snapshot.on(as_of);
    // Readiness and interventions need every scope: the caller's scope list narrows the report,
    // not what the rollout engine sees.
    let mut kpi_options = options.kpis.clone();
    kpi_options.scopes.clear();
    let kpis = kpis_with_store(snapshot, store, as_of, &kpi_options)?;
    let ready = readiness(snapshot, &kpis);
    // The plan holds back no work of a unit readiness says the rollout has reached.
    let reached: Vec<_> = ready.reached().collect();
    let plan = plan_reaching(snapshot, as_of, &reached);
    let actions = next_actions(snapshot, &kpis, &plan, &ready, options.urgency);
    let reviews = review_packs_with_store(snapshot, store, &kpis, &plan, &kpi_options);
    let effects = rollout_effects(snapshot, store, as_of);
    let pb = snapshot.playbook();
    Ok(Assessment {
        engine_version: crate::ENGINE_VERSION.to_owned(),
        document_version: teichaku_model::FORMAT_VERSION,
        playbook: pb.id.clone(),
        playbook_revision: pb.revision,
        as_of,
        kpis,
        readiness: ready,
        plan,
        actions,
        reviews,
        effects,
    })
}

/// The review packs of an assessment: [`review_packs`] over `kpis` and `plan`, with the KPIs of
/// the reviews' own days other than `as_of` computed from `store` with `options`, once a day for
/// the scopes asked, through one [`KpiDays`] (`assess` calls it; a benchmark times it alone).
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let store = teichaku::metrics::EventStore::from_snapshot(&snapshot)?;
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let packs = teichaku::review_packs_with_store(&snapshot, &store, &a.kpis, &a.plan, &Default::default());
/// assert_eq!(packs, a.reviews);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn review_packs_with_store(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    kpis: &KpiReport,
    plan: &RolloutPlan,
    options: &KpiOptions,
) -> ReviewPacks {
    // The reviews' own days: the KPIs of the scopes they are held in, without the per-member
    // figures or a comparison of their own.
    let mut then_options = options.clone();
    then_options.per_member = false;
    then_options.compare_with = None;
    // A pack reads each scope's KPI values and whether it is shown, never the weekly series.
    then_options.series_weeks = 0;
    // One computation a day, sharing what the days have in common (the privacy rule while
    // nobody joins, leaves or moves, and the usage state of every member).
    let mut days = KpiDays::new(snapshot, store, &then_options);
    review_packs(snapshot, kpis, plan, |day, scopes| days.scope_kpis(day, scopes).ok())
}
