//! What-if: the assessment again with extra observations and what changed ([`simulate`]), and
//! which single ready action would unblock the most work and people ([`best_single_action`]).
//!
//! Definitions (also in `docs/rollout.md`):
//! - Extra observations are appended to the snapshot's lists and the whole is validated again;
//!   problems name the extra records by their position in `extra`.
//! - An instance is *startable* when it is ready or overdue, can start in the schedule (every
//!   prerequisite done and its wave's gate open), and its unit's wave may start by readiness
//!   (organisation-wide instances always may): what next actions may propose.
//! - A candidate is an action of the assessment with at least one startable instance of its
//!   activity in its scope. Completing it means a completion of each of those instances dated
//!   `as_of`; the rollout is planned again and readiness evaluated again over the assessment's
//!   KPIs (completions are not usage, so the KPIs are not recomputed).
//! - An instance is *unblocked* by a candidate when it is startable after the completions and was
//!   not before. The members it concerns are the members present on `as_of` in the unblocked
//!   instances' scopes: a per-unit instance's unit with the units below it, the whole
//!   organisation for an organisation-wide instance; each member is counted once.
//! - Candidates are ranked by instances unblocked, then members, then their order in the
//!   assessment's actions.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{EventError, EventStore, EventStoreBuilder, KpiError, KpiReport, Scope, StoreError};
use teichaku_model::{
    Completion, MemberId, Observations, PhaseId, Record, Role, Snapshot, UnitId, ValidSnapshot, ValidationError,
    ValidationErrors, validate,
};
use teichaku_rollout::{
    Action, ActionScope, Barrier, InstanceKey, ReadinessReport, Reason, RolloutPlan, Status, plan_reaching, readiness,
};

use crate::{AssessOptions, Assessment, assess_with_store};

/// The assessment before and after extra observations, and what changed.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let events = teichaku::snapshot_events(&snapshot)?;
/// let what_if = teichaku::simulate(&snapshot, &events, teichaku::demo::AS_OF, Default::default(), &Default::default())?;
/// assert_eq!(what_if.before, what_if.after);
/// assert!(what_if.changes.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WhatIf {
    /// The assessment of the snapshot as it is.
    pub before: Assessment,
    /// The assessment with the extra observations.
    pub after: Assessment,
    /// What differs between the two.
    pub changes: Changes,
}

/// What differs between two assessments of one organisation on one date.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let changes = teichaku::Changes::between(&a, &a);
/// assert!(changes.is_empty());
/// assert_eq!(changes.phase.before, a.readiness.current_phase);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Changes {
    /// The current phase (`None` once every gate has passed).
    pub phase: Change<Option<PhaseId>>,
    /// The readiness of the current phase's gate, in percent (100 once every gate has passed).
    pub readiness_percent: Change<f64>,
    /// The organisation's retention score, 0 to 100, when it is shown (not suppressed or
    /// undefined).
    pub score: Change<Option<f64>>,
    /// The barrier point.
    pub barrier: Change<Option<Barrier>>,
    /// The instances whose status changed, in the order of the plan after.
    pub instances: Vec<InstanceChange>,
    /// Actions proposed after but not before, by code, then scope; a grouped action counts once
    /// in each of its units (see [`ActionRef::each`]).
    pub actions_added: Vec<ActionRef>,
    /// Actions proposed before but not after, by code, then scope, grouped ones by unit too.
    pub actions_removed: Vec<ActionRef>,
}

/// A value before and after.
///
/// ```
/// let c = teichaku::Change { before: 1, after: 2 };
/// assert!(c.changed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Change<T> {
    /// Before the extra observations.
    pub before: T,
    /// After them.
    pub after: T,
}

/// An instance whose status changed.
///
/// ```
/// # use teichaku::rollout::Status;
/// # let snapshot = teichaku::demo::snapshot();
/// # let events = teichaku::snapshot_events(&snapshot)?;
/// # let what_if = teichaku::simulate(&snapshot, &events, teichaku::demo::AS_OF, Default::default(), &Default::default())?;
/// for c in &what_if.changes.instances {
///     println!("{}: {:?} → {:?}", c.key.activity, c.from, c.to);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceChange {
    /// The instance.
    pub key: InstanceKey,
    /// Its status before.
    pub from: Status,
    /// Its status after.
    pub to: Status,
}

/// An action named by its code and scope, as next actions merge them.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let first = teichaku::ActionRef::of(&a.actions.actions[0]);
/// assert_eq!(first.code, a.actions.actions[0].code);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionRef {
    /// The action's code.
    pub code: String,
    /// Where it applies.
    pub scope: ActionScope,
}

/// What completing one ready action today would unblock.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// if let Some(best) = teichaku::best_single_action(&snapshot, &a)?.first() {
///     println!("{}: {} instances, {} members", best.code, best.instances_unblocked, best.members_unblocked);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unblocking {
    /// The action's code.
    pub code: String,
    /// Where it applies.
    pub scope: ActionScope,
    /// The instances completed: its startable instances.
    pub instances: Vec<InstanceKey>,
    /// The members given the role an appointment names (`appoint:ROLE`, or an appointing activity
    /// proposed because a role is missing): in its scope, or in each of its units, the first
    /// present member by id who does not hold it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appointed: Vec<(MemberId, Role)>,
    /// How many instances become startable.
    pub instances_unblocked: usize,
    /// How many members present on `as_of` those instances concern.
    pub members_unblocked: usize,
    /// The instances that become startable, sorted.
    pub unblocked: Vec<InstanceKey>,
}

/// Why a what-if cannot be computed.
///
/// ```
/// let e = teichaku::SimulateError::UsageFiles { files: vec!["more.csv".into()] };
/// assert_eq!(e.to_string(), "the extra observations name usage files (`more.csv`); stream their events into `events` instead");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    /// The extra observations do not validate against the snapshot. Each problem names its
    /// record by its position in `extra` (a repeated id's `first_index` counts in the snapshot's
    /// records followed by the extra ones).
    #[error("the extra observations do not validate: {problems}")]
    InvalidObservations {
        /// Every problem found.
        problems: ValidationErrors,
    },
    /// The extra observations name usage files, which the engine does not read.
    #[error("the extra observations name usage files ({}); stream their events into `events` instead", quoted(.files))]
    UsageFiles {
        /// The files named.
        files: Vec<String>,
    },
    /// An extra usage event cannot be stored.
    #[error("extra usage event #{index}: {error}")]
    UsageEvent {
        /// Its position in `extra.usage`.
        index: usize,
        /// What is wrong.
        error: EventError,
    },
    /// The KPIs cannot be computed, before or after.
    #[error(transparent)]
    Kpi(#[from] KpiError),
    /// Extra usage events were given to [`simulate_with_store`], whose store is finished.
    #[error("{events} extra usage events cannot be added to a finished event store; pass them to `simulate` instead")]
    UsageWithStore {
        /// How many extra usage events were given.
        events: usize,
    },
}

/// A builder holding the usage events of `snapshot`, to pass to [`simulate`]; push the events of
/// streamed files into it as well.
///
/// # Errors
///
/// [`StoreError::Event`] naming the first usage event that cannot be stored.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let events = teichaku::snapshot_events(&snapshot)?;
/// let store = events.finish()?;
/// assert_eq!(store, teichaku::metrics::EventStore::from_snapshot(&snapshot)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn snapshot_events(snapshot: &ValidSnapshot) -> Result<EventStoreBuilder, StoreError> {
    let mut builder = EventStoreBuilder::new(snapshot);
    for (index, event) in snapshot.observations().usage.iter().enumerate() {
        builder.push(event).map_err(|error| StoreError::Event { index, error })?;
    }
    Ok(builder)
}

/// Assesses `snapshot` on `as_of` as it is and with `extra` observations, and says what changed.
///
/// `events` holds the usage events the assessment counts (the snapshot's, from
/// [`snapshot_events`], and any streamed); the assessment after counts them and `extra.usage`.
/// Nothing is read or changed: `snapshot` and `events` are copied.
///
/// # Errors
///
/// [`SimulateError::InvalidObservations`] naming each extra record that does not validate (an
/// unknown activity, unit or member, a duplicate id, ...); [`SimulateError::UsageFiles`] when
/// `extra` names usage files; [`SimulateError::UsageEvent`] when an extra usage event cannot be
/// stored; [`SimulateError::Kpi`] when the KPIs cannot be computed.
///
/// ```
/// use teichaku::model::{Completion, Observations};
/// use teichaku::rollout::Status;
/// let snapshot = teichaku::demo::snapshot();
/// let events = teichaku::snapshot_events(&snapshot)?;
/// let as_of = teichaku::demo::AS_OF;
/// // What if the first ready instance were done today?
/// let now = teichaku::assess(&snapshot, as_of)?;
/// let ready = now.plan.instances.iter().find(|i| i.status == Status::Ready).ok_or("nothing ready")?;
/// let done = Completion::new(ready.key.activity.clone(), as_of).in_unit(ready.key.unit);
/// let extra = Observations::new().with_completion(done);
/// let what_if = teichaku::simulate(&snapshot, &events, as_of, extra, &Default::default())?;
/// assert!(what_if.changes.instances.iter().any(|c| c.key == ready.key && c.to == Status::Done));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate(
    snapshot: &ValidSnapshot,
    events: &EventStoreBuilder,
    as_of: NaiveDate,
    extra: Observations,
    options: &AssessOptions,
) -> Result<WhatIf, SimulateError> {
    if !extra.usage_files.is_empty() || !extra.usage_day_files.is_empty() || !extra.usage_period_files.is_empty() {
        return Err(SimulateError::UsageFiles { files: all_usage_files(extra) });
    }
    let snapshot = &*snapshot.on(as_of);
    let base_usage = snapshot.observations().usage.len();
    let merged = with_extra(snapshot.clone().into_snapshot(), extra)?;

    let before_store = events.clone().finish().map_err(KpiError::from)?;
    let before = assess_with_store(snapshot, &before_store, as_of, options)?;
    let extra_usage = merged.observations().usage.get(base_usage..).unwrap_or_default();
    let after = if extra_usage.is_empty() {
        assess_with_store(&merged, &before_store, as_of, options)?
    } else {
        let mut builder = events.clone();
        for (index, event) in extra_usage.iter().enumerate() {
            builder.push(event).map_err(|error| SimulateError::UsageEvent { index, error })?;
        }
        let after_store = builder.finish().map_err(KpiError::from)?;
        assess_with_store(&merged, &after_store, as_of, options)?
    };
    let changes = Changes::between(&before, &after);
    Ok(WhatIf { before, after, changes })
}

/// [`simulate`] over a finished event store, such as [`crate::load_with`] gives with the usage
/// files it streamed: the extra observations are anything but usage events, which a finished
/// store cannot take (pass them to [`simulate`] with an [`EventStoreBuilder`]).
///
/// `store` holds the usage events the assessment counts, before and after; it must be built for
/// `snapshot`'s members.
///
/// # Errors
///
/// What [`simulate`] returns, and [`SimulateError::UsageWithStore`] when `extra` holds usage
/// events.
///
/// ```
/// use teichaku::model::{Completion, Observations};
/// let snapshot = teichaku::demo::snapshot();
/// let store = teichaku::metrics::EventStore::from_snapshot(&snapshot)?;
/// let as_of = teichaku::demo::AS_OF;
/// let now = teichaku::assess(&snapshot, as_of)?;
/// let open = now.plan.instances.iter().find(|i| i.status != teichaku::rollout::Status::Done).ok_or("all done")?;
/// let done = Completion::new(open.key.activity.clone(), as_of).in_unit(open.key.unit);
/// let what_if = teichaku::simulate_with_store(&snapshot, &store, as_of, Observations::new().with_completion(done), &Default::default())?;
/// assert_eq!(what_if.before, now);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn simulate_with_store(
    snapshot: &ValidSnapshot,
    store: &EventStore,
    as_of: NaiveDate,
    extra: Observations,
    options: &AssessOptions,
) -> Result<WhatIf, SimulateError> {
    if !extra.usage_files.is_empty() || !extra.usage_day_files.is_empty() || !extra.usage_period_files.is_empty() {
        return Err(SimulateError::UsageFiles { files: all_usage_files(extra) });
    }
    let snapshot = &*snapshot.on(as_of);
    if !extra.usage.is_empty() {
        return Err(SimulateError::UsageWithStore { events: extra.usage.len() });
    }
    let merged = with_extra(snapshot.clone().into_snapshot(), extra)?;
    let before = assess_with_store(snapshot, store, as_of, options)?;
    let after = assess_with_store(&merged, store, as_of, options)?;
    let changes = Changes::between(&before, &after);
    Ok(WhatIf { before, after, changes })
}

/// Ranks the assessment's ready actions by what completing each on `as_of` would unblock:
/// instances that become startable, then the members they concern, then the action order.
///
/// Candidates are the actions with a startable instance of their activity in their scope
/// (ready or overdue, able to start in the schedule, in a wave that may start), and appointments:
/// an action proposed because a role is missing (`appoint:ROLE`, or the playbook's appointing
/// activity) gives the role to the first present member of its scope by id who does not hold it
/// (`appointed`), so the wave it unblocks counts. Interventions, barrier
/// criteria and recurrences of done activities are not. Each is completed alone: the rollout is
/// planned again and readiness evaluated again over the assessment's KPIs. An unblocked
/// instance is startable after and was not before; the members are those present on `as_of` in
/// the scopes of the unblocked instances (a unit with the units below it, or the whole
/// organisation for an organisation-wide instance), each counted once. Every candidate is
/// listed, those unblocking nothing last.
///
/// # Errors
///
/// [`SimulateError::InvalidObservations`] when the assessment names an instance the snapshot does
/// not have (an assessment of another snapshot); the completions are numbered in the order of
/// the candidate's instances.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let ranked = teichaku::best_single_action(&snapshot, &a)?;
/// assert!(ranked.windows(2).all(|w| w[0].instances_unblocked >= w[1].instances_unblocked));
/// assert!(ranked.iter().all(|u| u.instances_unblocked == u.unblocked.len()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn best_single_action(snapshot: &ValidSnapshot, assessment: &Assessment) -> Result<Vec<Unblocking>, SimulateError> {
    let as_of = assessment.plan.as_of;
    let snapshot = &*snapshot.on(as_of);
    let before = startable(&assessment.plan, &assessment.readiness);
    let base = planning_copy(snapshot);
    let mut ranked = Vec::new();
    for action in &assessment.actions.actions {
        let instances: Vec<InstanceKey> = assessment
            .plan
            .instances
            .iter()
            .filter(|i| before.contains(&i.key) && proposes(action, &i.key))
            .map(|i| i.key.clone())
            .collect();
        let appointed = appointment(snapshot, action, as_of);
        if instances.is_empty() && appointed.is_empty() {
            continue;
        }
        let mut copy = base.clone();
        // The copy lists the members in the snapshot's order: each found by the snapshot's index,
        // not by a search of every member for each appointment.
        for &(member, role) in &appointed {
            if let Some(m) = snapshot.member_position(member).and_then(|i| copy.organisation.members.get_mut(i)) {
                m.roles.insert(role);
            }
        }
        let unblocked = unblocked_by(&copy, &instances, as_of, &assessment.kpis, &before)?;
        ranked.push(Unblocking {
            code: action.code.clone(),
            scope: action.scope,
            instances,
            appointed,
            instances_unblocked: unblocked.len(),
            members_unblocked: members_concerned(snapshot, &unblocked, as_of).len(),
            unblocked,
        });
    }
    // A stable sort keeps the action order among equals.
    ranked.sort_by(|a, b| {
        b.instances_unblocked.cmp(&a.instances_unblocked).then(b.members_unblocked.cmp(&a.members_unblocked))
    });
    Ok(ranked)
}

impl Changes {
    /// What differs from `before` to `after`.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// assert!(teichaku::Changes::between(&a, &a).instances.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn between(before: &Assessment, after: &Assessment) -> Self {
        let (added, removed) = action_difference(before, after);
        Self {
            phase: Change::new(before.readiness.current_phase.clone(), after.readiness.current_phase.clone()),
            readiness_percent: Change::new(readiness_percent(&before.readiness), readiness_percent(&after.readiness)),
            score: Change::new(organisation_score(&before.kpis), organisation_score(&after.kpis)),
            barrier: Change::new(before.readiness.barrier.clone(), after.readiness.barrier.clone()),
            instances: instance_changes(&before.plan, &after.plan),
            actions_added: added,
            actions_removed: removed,
        }
    }

    /// Whether nothing changed.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// assert!(teichaku::Changes::between(&a, &a).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        !self.phase.changed()
            && !self.readiness_percent.changed()
            && !self.score.changed()
            && !self.barrier.changed()
            && self.instances.is_empty()
            && self.actions_added.is_empty()
            && self.actions_removed.is_empty()
    }
}

impl<T> Change<T> {
    /// A value before and after.
    ///
    /// ```
    /// let c = teichaku::Change::new("prepare", "spread");
    /// assert_eq!((c.before, c.after), ("prepare", "spread"));
    /// ```
    pub fn new(before: T, after: T) -> Self {
        Self { before, after }
    }
}

impl<T: PartialEq> Change<T> {
    /// Whether the value after differs from the value before.
    ///
    /// ```
    /// assert!(!teichaku::Change::new(0.5, 0.5).changed());
    /// ```
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

impl ActionRef {
    /// The action with `code` in `scope`.
    ///
    /// ```
    /// use teichaku::rollout::ActionScope;
    /// let r = teichaku::ActionRef::new("activity:kick-off", ActionScope::Organisation);
    /// assert_eq!(r.code, "activity:kick-off");
    /// ```
    pub fn new(code: impl Into<String>, scope: ActionScope) -> Self {
        Self { code: code.into(), scope }
    }

    /// The code and scope of `action`.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// let refs: Vec<_> = a.actions.actions.iter().map(teichaku::ActionRef::of).collect();
    /// assert_eq!(refs.len(), a.actions.actions.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(action: &Action) -> Self {
        Self { code: action.code.clone(), scope: action.scope }
    }

    /// The code in each scope `action` applies in: each of its units for an action grouped over
    /// several, its scope otherwise. What-if compares actions this way, so a practice task that
    /// joins a grouped action in one more unit is one action added, in that unit.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// for action in &a.actions.actions {
    ///     let refs = teichaku::ActionRef::each(action);
    ///     assert_eq!(refs.len(), action.units.len().max(1));
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn each(action: &Action) -> Vec<Self> {
        if action.units.is_empty() {
            return vec![Self::of(action)];
        }
        action.units.iter().map(|&u| Self { code: action.code.clone(), scope: ActionScope::Unit(u) }).collect()
    }
}

/// How long each observation list of the snapshot was before the extra records were appended.
#[derive(Clone, Copy, Default)]
struct Lengths {
    completions: usize,
    usage: usize,
    trainings: usize,
    surveys: usize,
    proposals: usize,
    consultations: usize,
    incidents: usize,
    rule_reviews: usize,
    success_cases: usize,
    outcomes: usize,
}

impl Lengths {
    fn of(o: &Observations) -> Self {
        Self {
            completions: o.completions.len(),
            usage: o.usage.len(),
            trainings: o.trainings.len(),
            surveys: o.surveys.len(),
            proposals: o.proposals.len(),
            consultations: o.consultations.len(),
            incidents: o.incidents.len(),
            rule_reviews: o.rule_reviews.len(),
            success_cases: o.success_cases.len(),
            outcomes: o.outcomes.len(),
        }
    }
}

/// `snapshot` with `extra` appended to its observations, validated; problems name the extra
/// records by their position in `extra`.
fn with_extra(mut snapshot: Snapshot, mut extra: Observations) -> Result<ValidSnapshot, SimulateError> {
    let lengths = Lengths::of(&snapshot.observations);
    snapshot.observations.append(&mut extra);
    validate(snapshot).map_err(|errors| SimulateError::InvalidObservations {
        problems: errors.into_vec().into_iter().map(|e| in_extra(e, &lengths)).collect::<Vec<_>>().into(),
    })
}

/// `error` with its record renumbered from the snapshot's list to `extra`'s.
fn in_extra(mut error: ValidationError, lengths: &Lengths) -> ValidationError {
    use ValidationError as E;
    let record = match &mut error {
        E::UnsupportedVersion { record, .. }
        | E::DuplicateId { record, .. }
        | E::UnknownUnit { record, .. }
        | E::UnknownMember { record, .. }
        | E::UnknownActivity { record, .. }
        | E::UnknownOutcome { record, .. }
        | E::OutcomeUnitMismatch { record, .. }
        | E::UnknownPhase { record, .. }
        | E::DependsOnLaterPhase { record, .. }
        | E::DatesOutOfOrder { record, .. }
        | E::InvalidNumber { record, .. }
        | E::SurveyAnswerOutOfRange { record, .. }
        | E::UnreadableTimestamp { record, .. }
        | E::CompletionScope { record, .. }
        | E::ConditionTooDeep { record, .. }
        | E::CircularScore { record, .. }
        | E::Empty { record, .. } => record,
        _ => return error,
    };
    let (index, base) = match record {
        Record::Completion { index, .. } => (index, lengths.completions),
        Record::UsageEvent { index, .. } => (index, lengths.usage),
        Record::Training { index, .. } => (index, lengths.trainings),
        Record::Survey { index, .. } => (index, lengths.surveys),
        Record::Proposal { index, .. } => (index, lengths.proposals),
        Record::Consultation { index, .. } => (index, lengths.consultations),
        Record::Incident { index, .. } => (index, lengths.incidents),
        Record::RuleReview { index, .. } => (index, lengths.rule_reviews),
        Record::SuccessCase { index, .. } => (index, lengths.success_cases),
        Record::Outcome { index, .. } => (index, lengths.outcomes),
        _ => return error,
    };
    *index = index.saturating_sub(base);
    error
}

/// The current phase's gate readiness in percent; 100 once every gate has passed.
fn readiness_percent(r: &ReadinessReport) -> f64 {
    match &r.current_phase {
        Some(current) => r.phases.iter().find(|g| &g.phase == current).map_or(0.0, |g| g.readiness * 100.0),
        None => 100.0,
    }
}

/// The organisation's retention score, when shown.
fn organisation_score(kpis: &KpiReport) -> Option<f64> {
    kpis.scopes.iter().find(|s| s.scope == Scope::Organisation).and_then(|s| s.score.value()).map(|s| s.score)
}

/// The instances whose status differs, in the order of `after`.
fn instance_changes(before: &RolloutPlan, after: &RolloutPlan) -> Vec<InstanceChange> {
    let was: BTreeMap<&InstanceKey, Status> = before.instances.iter().map(|i| (&i.key, i.status)).collect();
    after
        .instances
        .iter()
        .filter_map(|i| {
            let from = *was.get(&i.key)?;
            (from != i.status).then(|| InstanceChange { key: i.key.clone(), from, to: i.status })
        })
        .collect()
}

/// The actions proposed only after, and only before, each sorted by code, then scope.
fn action_difference(before: &Assessment, after: &Assessment) -> (Vec<ActionRef>, Vec<ActionRef>) {
    let refs = |a: &Assessment| -> BTreeSet<ActionRef> { a.actions.actions.iter().flat_map(ActionRef::each).collect() };
    let (was, is) = (refs(before), refs(after));
    (is.difference(&was).cloned().collect(), was.difference(&is).cloned().collect())
}

/// The instances next actions may propose: ready or overdue, able to start in the schedule
/// (every prerequisite done, its wave's gate open), in a wave that may start by readiness.
fn startable(plan: &RolloutPlan, readiness: &ReadinessReport) -> BTreeSet<InstanceKey> {
    plan.instances
        .iter()
        .filter(|i| {
            matches!(i.status, Status::Ready | Status::Overdue)
                && i.can_start()
                && readiness.reaches(i.wave, i.key.unit)
        })
        .map(|i| i.key.clone())
        .collect()
}

/// The members an appointment in `action` would name, with the role: in its scope (a unit with the
/// units below it, or the organisation), or in each of its units for a grouped action, the first
/// present member by id who does not hold it.
fn appointment(snapshot: &ValidSnapshot, action: &Action, as_of: NaiveDate) -> Vec<(MemberId, Role)> {
    let Some(role) = action.reasons.iter().find_map(|r| match r {
        Reason::RoleMissing { role, .. } => Some(*role),
        _ => None,
    }) else {
        return Vec::new();
    };
    let scopes: Vec<Option<BTreeSet<_>>> = match action.scope {
        ActionScope::Unit(u) => vec![Some(snapshot.units_under(u).into_iter().collect())],
        _ if !action.units.is_empty() => {
            action.units.iter().map(|&u| Some(snapshot.units_under(u).into_iter().collect())).collect()
        }
        _ => vec![None],
    };
    // The first present member by id without the role, in each unit and in the organisation:
    // gathered once, so a grouped action over many units looks up each of its units rather than
    // searching every member for each.
    let mut first_in: BTreeMap<UnitId, MemberId> = BTreeMap::new();
    let mut first = None;
    for m in snapshot.organisation().members.iter().filter(|m| m.is_present_on(as_of) && !m.roles.contains(&role)) {
        first_in.entry(m.unit).and_modify(|id| *id = (*id).min(m.id)).or_insert(m.id);
        first = Some(first.map_or(m.id, |id: MemberId| id.min(m.id)));
    }
    scopes
        .into_iter()
        .filter_map(|units| {
            let member = match units {
                Some(units) => units.iter().filter_map(|u| first_in.get(u)).min().copied(),
                None => first,
            }?;
            Some((member, role))
        })
        .collect()
}

/// Whether `action` is the one next actions make of work on `key`: `activity:ID` in its scope, or
/// in one of its units for a grouped action.
fn proposes(action: &Action, key: &InstanceKey) -> bool {
    action.code.strip_prefix("activity:") == Some(key.activity.as_str()) && action.covers(key.unit)
}

/// The snapshot with what planning and readiness read: everything but the usage events, which
/// they see only through the KPIs.
fn planning_copy(snapshot: &ValidSnapshot) -> Snapshot {
    Snapshot {
        organisation: snapshot.organisation().clone(),
        playbook: snapshot.playbook().clone(),
        observations: snapshot.observations().without_usage(),
    }
}

/// The instances startable once `instances` are completed on `as_of` and not in `before`, sorted.
fn unblocked_by(
    base: &Snapshot,
    instances: &[InstanceKey],
    as_of: NaiveDate,
    kpis: &KpiReport,
    before: &BTreeSet<InstanceKey>,
) -> Result<Vec<InstanceKey>, SimulateError> {
    let mut extra = Observations::new();
    extra.completions = instances.iter().map(|k| Completion::new(k.activity.clone(), as_of).in_unit(k.unit)).collect();
    let valid = with_extra(base.clone(), extra)?;
    let ready = readiness(&valid, kpis);
    let reached: Vec<_> = ready.reached().collect();
    let after = startable(&plan_reaching(&valid, as_of, &reached), &ready);
    Ok(after.difference(before).cloned().collect())
}

/// The members present on `as_of` in the scopes of `instances`: a unit with the units below it,
/// or the whole organisation; sorted, each once.
fn members_concerned(snapshot: &ValidSnapshot, instances: &[InstanceKey], as_of: NaiveDate) -> BTreeSet<MemberId> {
    let present = snapshot.organisation().members.iter().filter(|m| m.is_present_on(as_of));
    if instances.iter().any(|k| k.unit.is_none()) {
        return present.map(|m| m.id).collect();
    }
    let units: BTreeSet<_> = instances.iter().filter_map(|k| k.unit).flat_map(|u| snapshot.units_under(u)).collect();
    present.filter(|m| units.contains(&m.unit)).map(|m| m.id).collect()
}

fn quoted(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

/// Every usage file `extra` names: events, day records and period records.
fn all_usage_files(extra: Observations) -> Vec<String> {
    let mut files = extra.usage_files;
    files.extend(extra.usage_day_files);
    files.extend(extra.usage_period_files);
    files
}
