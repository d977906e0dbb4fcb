//! Next actions: what each role should do next, ranked by urgency, each with its reasons.
//!
//! Sources: activity instances that are ready or overdue (in units whose wave may start, once their
//! window opens); recurring activities whose cadence has come round (the slower cadence once the
//! organisation's score reaches "retained"); what the next wave waits for (the appointment of a
//! role its units lack, the previous wave's first-phase work); the playbook's interventions whose
//! condition holds, for the organisation or in a unit the rollout has reached; the barrier point;
//! and the appointment of an owner nobody holds. Proposals of the same action in the same scope
//! become one action that keeps every reason; an activity, intervention or appointment proposed in
//! several units becomes one action listing them (an activity's reasons each name their unit).
//!
//! The urgency is the sum of six terms (coefficients from the playbook, or the caller's): the
//! method's own `sequence` (the largest of `barrier_point`, `overdue_base`, `recurrence_due`,
//! `barrier_work` and `wave_unblocking` that applies), `overdue_per_day × days late`,
//! `blocking_per_instance × open instances waiting on it` (at most `blocking_cap`), `gate_weight × weight of current-phase criteria it serves`,
//! `kpi_severity × severity`, and `−phase_distance × phases ahead of the current one`.
//! Ties are broken by code, then scope, so the order is deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_metrics::{KpiReport, Level, Scope, TargetState};
use teichaku_model::{
    Activity, ActivityId, ActivityScope, Audience, Check, Comparison, Condition, CriterionId, InterventionId, Kpi,
    KpiTarget, Localized, MemberId, NewTool, OutcomeId, OutcomeMeasure, OutcomeTarget, PhaseId, Role, ToolId,
    TrainingTrack, UnitId, UrgencyCoefficients, ValidSnapshot,
};

use crate::done::DoneIndex;
use crate::readiness::ReadinessReport;
use crate::roles::RoleIndex;
use crate::schedule::{RolloutPlan, Status};

/// The ranked next actions.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActionPlan {
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// The coefficients the urgency was computed with.
    pub coefficients: UrgencyCoefficients,
    /// The actions, most urgent first.
    pub actions: Vec<Action>,
}

/// One next action.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Action {
    /// A stable code: `activity:ID`, `intervention:ID`, `barrier:CRITERION` or `appoint:ROLE`.
    pub code: String,
    /// The title, in English and Japanese.
    pub title: Localized,
    /// The role that owns it.
    pub owner: Role,
    /// Present members of the scope holding that role, by id; when there are none, the unit's
    /// managers or the organisation's holders (see `docs/rollout.md`, "Who acts").
    pub members: Vec<MemberId>,
    /// Where it applies: for an action grouped over several units, the organisation, with the
    /// units in `units`.
    pub scope: ActionScope,
    /// The units of an activity, intervention or appointment proposed in several units at once,
    /// which is one action listing them rather than one action per unit; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitId>,
    /// For an activity with an audience, the present members of the scope it is for (its units,
    /// for a grouped action), sorted by id; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<MemberId>,
    /// When it is due, if anything sets a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Why it is proposed; several sources may propose one action.
    pub reasons: Vec<Reason>,
    /// The urgency, the sum of its terms.
    pub urgency: f64,
    /// Each term of the urgency.
    pub urgency_terms: UrgencyTerms,
}

impl Action {
    /// Whether the action applies in `unit` (the organisation for `None`): its scope, or one of
    /// the units of a grouped action (which applies in those units only, although its scope is
    /// the organisation).
    ///
    /// ```
    /// use teichaku_rollout::Action;
    /// let (sales, support) = ("8f0c6f1e-0000-4000-8000-000000000001", "8f0c6f1e-0000-4000-8000-000000000002");
    /// let action: Action = serde_json::from_value(serde_json::json!({
    ///     "code": "activity:practice-task", "title": { "en": "Practice task", "ja": "実践課題" },
    ///     "owner": "manager", "members": [], "scope": { "kind": "organisation" },
    ///     "units": [sales], "reasons": [], "urgency": 100.0,
    ///     "urgency_terms": { "overdue": 0.0, "blocking": 0.0, "gate": 0.0, "severity": 0.0, "phase_distance": 0.0 }
    /// }))?;
    /// assert!(action.covers(Some(sales.parse()?)));
    /// assert!(!action.covers(Some(support.parse()?)));
    /// assert!(!action.covers(None)); // a grouped action applies in its units
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn covers(&self, unit: Option<UnitId>) -> bool {
        match (self.scope, unit) {
            (ActionScope::Unit(here), Some(u)) => here == u,
            (ActionScope::Organisation, None) => self.units.is_empty(),
            (ActionScope::Organisation, Some(u)) => self.units.contains(&u),
            (ActionScope::Unit(_), None) => false,
        }
    }
}

/// Where an action applies.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "unit", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActionScope {
    /// The whole organisation.
    Organisation,
    /// One unit.
    Unit(UnitId),
}

/// Why an action is proposed.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Every prerequisite of the activity is done.
    ActivityReady {
        /// The activity.
        activity: ActivityId,
        /// The unit of the instance, for a per-unit activity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<UnitId>,
    },
    /// The activity's due date has passed.
    Overdue {
        /// The activity.
        activity: ActivityId,
        /// When it was due.
        due: NaiveDate,
        /// Days since.
        days_late: i64,
        /// The unit of the instance, for a per-unit activity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<UnitId>,
    },
    /// A recurring activity's cadence has come round.
    RecurrenceDue {
        /// The activity.
        activity: ActivityId,
        /// When it was last done.
        last_done: NaiveDate,
        /// Its cadence now, in days.
        every_days: u32,
        /// The unit where it came round, for a per-unit activity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<UnitId>,
    },
    /// An intervention's condition holds.
    InterventionFired {
        /// The intervention.
        intervention: InterventionId,
        /// How serious the situation is, 0 to 1.
        severity: f64,
    },
    /// Nobody in the scope holds a role the rollout needs there: a wave may not start without it,
    /// or an action's owner is missing.
    RoleMissing {
        /// The role.
        role: Role,
        /// The wave that may not start without it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wave: Option<usize>,
        /// The gate criterion asking for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        criterion: Option<CriterionId>,
        /// The actions whose owner it is, by code.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        needed_by: Vec<String>,
    },
    /// A wave may not start until this work, in a unit of the wave before it, is done.
    WaveBlocked {
        /// The wave waiting.
        wave: usize,
        /// The gate criterion the unit of the previous wave lacks.
        criterion: CriterionId,
    },
    /// A KPI target of the playbook is missed on or after its due day: an early warning.
    TargetMissed {
        /// The KPI.
        kpi: Kpi,
        /// Which side of the threshold is on target.
        op: Comparison,
        /// The threshold.
        threshold: f64,
        /// The day it fell due.
        due: NaiveDate,
        /// Days since.
        days_missed: i64,
        /// How far the value is from the threshold, when the scope shows a value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shortfall: Option<f64>,
    },
    /// An outcome target (the playbook's or the organisation's) is missed on or after its due
    /// day: an early warning, as for a KPI target.
    OutcomeTargetMissed {
        /// The outcome KPI.
        outcome: OutcomeId,
        /// What is read from its latest record.
        #[serde(default, skip_serializing_if = "OutcomeMeasure::is_value")]
        measure: OutcomeMeasure,
        /// Which side of the threshold is on target.
        op: Comparison,
        /// The threshold.
        threshold: f64,
        /// The day it fell due.
        due: NaiveDate,
        /// Days since.
        days_missed: i64,
        /// How far the figure is from the threshold, when the scope shows one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shortfall: Option<f64>,
    },
    /// The barrier point: the first unmet gate criterion.
    BarrierPoint {
        /// Its phase.
        phase: PhaseId,
        /// The criterion.
        criterion: CriterionId,
    },
    /// A training held before members of its audience joined: the cycle's training again, as a
    /// catch-up session for the new members, who have no training record.
    NewMembers {
        /// The training activity.
        activity: ActivityId,
        /// Its unit, for a per-unit activity.
        unit: Option<UnitId>,
        /// The day it was held.
        held: NaiveDate,
        /// The untrained members who joined after it was held, by id.
        members: Vec<MemberId>,
        /// Days since the first of them joined.
        waiting_days: i64,
    },
    /// A training held before a new AI tool came: the cycle's training again, for the members
    /// who get the tool and have no record of that track since it came.
    NewTool {
        /// The training activity.
        activity: ActivityId,
        /// Its unit, for a per-unit activity.
        unit: Option<UnitId>,
        /// The new tool.
        tool: ToolId,
        /// The day the tool came.
        available_from: NaiveDate,
        /// The day the training was last held before it.
        held: NaiveDate,
        /// The members to train again, by id.
        members: Vec<MemberId>,
        /// Days since the tool came.
        waiting_days: i64,
    },
}

/// The terms of an urgency.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UrgencyTerms {
    /// The method's own sequence: `barrier_point` for the barrier point, `overdue_base` for work
    /// past its due date, `recurrence_due` for a late recurrence, `barrier_work` for the open work
    /// of a KPI barrier's phase, `wave_unblocking` for what the next wave waits for; the largest
    /// that applies.
    #[serde(default)]
    pub sequence: f64,
    /// `overdue_per_day × days late`.
    pub overdue: f64,
    /// `blocking_per_instance × open instances waiting on it` (at most `blocking_cap` of them).
    pub blocking: f64,
    /// `gate_weight × weight of current-phase criteria it serves`.
    pub gate: f64,
    /// `kpi_severity × the highest severity of its interventions`.
    pub severity: f64,
    /// `− phase_distance × phases ahead of the current one`.
    pub phase_distance: f64,
    /// `target_missed` for a missed KPI target.
    #[serde(default)]
    pub target: f64,
}

impl UrgencyTerms {
    fn total(&self) -> f64 {
        self.sequence + self.overdue + self.blocking + self.gate + self.severity + self.phase_distance + self.target
    }
}

/// The ranked next actions on the date of `kpis`.
///
/// ```
/// # fn inputs() -> (teichaku_model::ValidSnapshot, teichaku_metrics::KpiReport) { unimplemented!() }
/// # if false {
/// let (snapshot, kpis) = inputs();
/// let ready = teichaku_rollout::readiness(&snapshot, &kpis);
/// let plan = teichaku_rollout::plan(&snapshot, kpis.as_of);
/// let actions = teichaku_rollout::next_actions(&snapshot, &kpis, &plan, &ready, None);
/// for a in actions.actions.iter().take(10) {
///     println!("{:>6.1} {} ({:?})", a.urgency, a.title.en, a.owner);
/// }
/// # }
/// ```
pub fn next_actions(
    snapshot: &ValidSnapshot,
    kpis: &KpiReport,
    plan: &RolloutPlan,
    readiness: &ReadinessReport,
    coefficients: Option<UrgencyCoefficients>,
) -> ActionPlan {
    let as_of = kpis.as_of;
    let snapshot = &*snapshot.on(as_of);
    let pb = snapshot.playbook();
    let k = coefficients.unwrap_or(pb.urgency);
    let phase_index = |p: &PhaseId| pb.phases.iter().position(|x| &x.id == p).unwrap_or(0);
    let current = readiness.current_phase.as_ref().map_or(pb.phases.len(), phase_index);
    let current_gate = readiness.current_phase.as_ref().and_then(|p| pb.phase(p)).map(|p| &p.gate);
    let gate_weight_of = |activity: &ActivityId| -> f64 {
        current_gate.map_or(0.0, |g| {
            g.criteria
                .iter()
                .filter(|c| match &c.check {
                    Check::ActivityDone { activity: a } | Check::ActivityRecent { activity: a, .. } => a == activity,
                    _ => false,
                })
                .map(|c| c.weight)
                .sum()
        })
    };
    let cap = k.blocking_cap as usize;
    let roles = RoleIndex::new(snapshot, as_of);
    let look = Lookups::new(snapshot, kpis, &roles);
    let mut out = Proposals::new(&roles);

    // Ready and overdue activity instances whose prerequisites are all done (an overdue instance
    // still waiting is reached through what it waits for).
    // Work in a unit whose wave may not start yet waits until readiness says it may.
    // (or, bottom-up, the unit went ahead of it).
    let wave_may_start = |i: &crate::InstancePlan| readiness.reaches(i.wave, i.key.unit);
    for i in plan
        .instances
        .iter()
        .filter(|i| matches!(i.status, Status::Ready | Status::Overdue) && i.can_start() && wave_may_start(i))
    {
        let Some((position, a)) = look.activity(&i.key.activity) else { continue };
        let scope = i.key.unit.map_or(ActionScope::Organisation, ActionScope::Unit);
        let ahead = phase_index(&i.phase).saturating_sub(current) as f64;
        let mut terms = UrgencyTerms {
            blocking: k.blocking_per_instance * i.blocking.min(cap) as f64,
            gate: k.gate_weight * gate_weight_of(&a.id),
            phase_distance: -k.phase_distance * ahead,
            ..UrgencyTerms::default()
        };
        let reason = match i.due.filter(|_| i.status == Status::Overdue) {
            Some(due) => {
                let days_late = (as_of - due).num_days();
                terms.overdue = k.overdue_per_day * days_late as f64;
                terms.sequence = k.overdue_base;
                // Late is late in any phase: the method's clock (a review 90 days after launch)
                // does not wait for the gates, so a phase ahead takes nothing off.
                terms.phase_distance = 0.0;
                Reason::Overdue { activity: a.id.clone(), due, days_late, unit: i.key.unit }
            }
            None => Reason::ActivityReady { activity: a.id.clone(), unit: i.key.unit },
        };
        out.add(Item::Activity(position), a.id.as_str(), &a.title, a.owner, scope, i.due, reason, terms);
    }

    // Recurring activities whose cadence has come round.
    let retained = kpis.scopes.first().is_some_and(|s| held_retained(s, retention_habit_bar(pb)));
    // A recurring activity comes round only where it may start: done once before its
    // prerequisites, or in a wave not yet open, it waits like any other work (the instances of
    // recurring activities, looked up once; ids compare by pointer first, so the scan is cheap).
    // The instances, listed by activity once, and found by activity and unit position.
    let by_key = Locator::new(snapshot, plan);
    let held_back = |position: usize, unit: Option<UnitId>| {
        by_key.at(position, unit).is_some_and(|i| !i.waiting_on.is_empty() || i.wave_blocked || !wave_may_start(i))
    };
    // The activities an `activity_recent` criterion keeps, with the shortest window that reads
    // them: of the current phase and those before it (every phase, once all have passed); a
    // later gate's window is not kept before the rollout reaches it.
    let mut kept_recent: BTreeMap<&ActivityId, u32> = BTreeMap::new();
    for c in pb.phases.iter().take(current.saturating_add(1)).flat_map(|p| &p.gate.criteria) {
        if let Check::ActivityRecent { activity, within_days } = &c.check {
            let window = kept_recent.entry(activity).or_insert(*within_days);
            *window = (*window).min(*within_days);
        }
    }
    for (position, a) in pb.activities.iter().enumerate() {
        let Some(r) = a.recurrence else { continue };
        let every = if retained { r.once_retained_every_days.unwrap_or(r.every_days) } else { r.every_days };
        let per_unit = a.scope == ActivityScope::PerUnit;
        let organisation = (!per_unit).then_some(None);
        for unit in organisation.into_iter().chain(look.rollout_units.iter().filter(|_| per_unit).copied()) {
            let last = look.done.last_at(position, unit);
            let Some(last) = last else { continue };
            if held_back(position, unit) {
                continue;
            }
            let next = last.checked_add_days(Days::new(u64::from(every.max(1)))).unwrap_or(last);
            if next <= as_of {
                // Past its due day, a recurrence is late work: `recurrence_due`, just under one-off
                // overdue work, and the points per day late, at most one cadence's worth: a missed
                // round is made up by the next, so a routine left for weeks does not climb over
                // the rest of the method.
                // One that keeps an `activity_recent` criterion is due work from its due day on,
                // and `lapsing` once the criterion would lapse within 7 days without it: a
                // condition that holds now is not to be lost next week behind later routines.
                let days_late = (as_of - next).num_days();
                let kept = kept_recent.get(&a.id);
                let lapses_soon = kept.is_some_and(|&within| (as_of - last).num_days() + 7 >= i64::from(within));
                // A monthly or slower round (a review, a check-in) is not made up by the next
                // within the month: late, it is overdue work as a one-off is. The days late count
                // at most a week's worth (and never more than one cadence).
                let late_base = if every >= LONG_CADENCE_DAYS { k.late_round } else { k.recurrence_due };
                let sequence = if lapses_soon {
                    k.lapsing
                } else if days_late > 0 || kept.is_some() {
                    late_base
                } else {
                    0.0
                };
                let counted = days_late.min(i64::from(every.clamp(1, 7)));
                let terms =
                    UrgencyTerms { sequence, overdue: k.overdue_per_day * counted as f64, ..UrgencyTerms::default() };
                let reason = Reason::RecurrenceDue { activity: a.id.clone(), last_done: last, every_days: every, unit };
                out.activity((position, a), unit, Some(next), reason, terms);
            }
        }
    }

    // The present members by unit and those with a training record, found once for the
    // catch-up sessions, the work that moves a KPI and the audiences the actions name.
    let audiences = crate::done::AudienceIndex::new(snapshot, as_of);
    let trained_once = std::cell::OnceCell::new();
    let trained = || trained_once.get_or_init(|| trained_members(snapshot, as_of));

    // The next cycle for new members: a training held before members of its audience joined is
    // held again for them (new hires each cycle), where they have no training record. It grows
    // more urgent each day the first of them waits: `catch_up` plus the points per day. Only a
    // training (`trains`) is held again; its audience is everyone in its scope when it names none.
    let everyone = Audience::default();
    let audience_of = |a| training_audience(a, &everyone);
    if pb.activities.iter().any(|a| a.trains.is_some()) {
        let trained = trained();
        for i in plan.instances.iter().filter(|i| i.waiting_on.is_empty() && !i.wave_blocked && wave_may_start(i)) {
            let Some(held) = i.done else { continue };
            let Some((position, a)) = look.activity(&i.key.activity) else { continue };
            let Some(audience) = audience_of(a) else { continue };
            let joiners: Vec<(MemberId, NaiveDate)> = audiences
                .members(snapshot, audience, i.key.unit)
                .into_iter()
                .filter(|m| !trained.contains(m))
                .filter_map(|m| Some((m, snapshot.member(m)?.joined)))
                .filter(|&(_, joined)| joined > held)
                .collect();
            let Some(first) = joiners.iter().map(|&(_, j)| j).min() else { continue };
            let waiting_days = (as_of - first).num_days().max(0);
            let reason = Reason::NewMembers {
                activity: a.id.clone(),
                unit: i.key.unit,
                held,
                members: joiners.iter().map(|&(m, _)| m).collect(),
                waiting_days,
            };
            let terms = UrgencyTerms {
                sequence: k.catch_up,
                overdue: k.overdue_per_day * waiting_days as f64,
                ..UrgencyTerms::default()
            };
            out.activity((position, a), i.key.unit, None, reason, terms);
        }
    }

    // The next cycle for a new tool: a training held before a tool came is held again for the
    // members of its audience who get the tool and have no record of the training's track from
    // the tool's day on. Each member is held to the latest tool they got (a record after it
    // covers the tools before), so the plan is read once whatever the number of tools. Urgent as
    // a catch-up session, plus a point a day since the tool came for at most 14 days: it ranks
    // under the barrier's work (`barrier_work`), which the rollout's own progress waits for, and
    // over the routines that are merely due.
    let tools = NewTools::new(snapshot, as_of);
    if !tools.is_empty() {
        let last_trained = last_trained(snapshot, as_of);
        for i in plan.instances.iter().filter(|i| i.waiting_on.is_empty() && !i.wave_blocked && wave_may_start(i)) {
            let Some(held) = i.done else { continue };
            let Some((position, a)) = look.activity(&i.key.activity) else { continue };
            let (Some(audience), Some(track)) = (audience_of(a), a.trains) else { continue };
            // The members to train again, by the tool they wait for (its position in the list).
            let mut waiting: BTreeMap<usize, Vec<MemberId>> = BTreeMap::new();
            for m in audiences.members(snapshot, audience, i.key.unit) {
                let Some((t, tool)) = snapshot.member(m).and_then(|x| tools.latest_for(x.unit)) else { continue };
                let since = last_trained.get(&(m, track)).is_some_and(|&d| d >= tool.available_from);
                if tool.available_from > held && !since {
                    waiting.entry(t).or_default().push(m);
                }
            }
            for (t, members) in waiting {
                let Some(tool) = snapshot.organisation().tools.get(t) else { continue };
                let waiting_days = (as_of - tool.available_from).num_days().max(0);
                let reason = Reason::NewTool {
                    activity: a.id.clone(),
                    unit: i.key.unit,
                    tool: tool.tool.clone(),
                    available_from: tool.available_from,
                    held,
                    members,
                    waiting_days,
                };
                let terms = UrgencyTerms {
                    sequence: k.catch_up,
                    overdue: k.overdue_per_day * waiting_days.min(14) as f64,
                    ..UrgencyTerms::default()
                };
                out.activity((position, a), i.key.unit, None, reason, terms);
            }
        }
    }

    // Waves that may not start: the appointments and the previous wave's work that unblock the
    // next one (a wave whose previous wave may start), so no wave waits with nothing proposed.
    let waves_open: Vec<bool> = readiness.waves.iter().map(|w| w.may_start).collect();
    let top_down = snapshot.organisation().deployment_pattern == teichaku_model::DeploymentPattern::TopDown;
    let mut open_in_wave: Vec<usize> = vec![0; readiness.waves.len()];
    for i in plan.instances.iter().filter(|i| i.done.is_none()) {
        if let Some(count) = i.wave.and_then(|w| open_in_wave.get_mut(w)) {
            *count += 1;
        }
    }
    // Roles to appoint: (role, unit or the organisation, why, urgency terms).
    let mut appointments: Vec<(Role, Option<UnitId>, Reason, UrgencyTerms)> = Vec::new();
    for w in readiness.waves.iter().filter(|w| !w.may_start) {
        // The wave it follows: the one before, or the pilot, top-down.
        let follows = if top_down { w.wave.min(1).checked_sub(1) } else { w.wave.checked_sub(1) };
        let previous_open = follows.and_then(|p| waves_open.get(p)).copied().unwrap_or(true);
        if !previous_open {
            continue;
        }
        let waiting = open_in_wave.get(w.wave).copied().unwrap_or(0);
        let terms = UrgencyTerms {
            sequence: k.wave_unblocking,
            blocking: k.blocking_per_instance * waiting.min(cap) as f64,
            ..UrgencyTerms::default()
        };
        for block in &w.blocked_by {
            match block {
                crate::WaveBlock::RoleMissing { unit, role, criterion } => {
                    let reason = Reason::RoleMissing {
                        role: *role,
                        wave: Some(w.wave),
                        criterion: Some(criterion.clone()),
                        needed_by: Vec::new(),
                    };
                    appointments.push((*role, Some(*unit), reason, terms));
                }
                crate::WaveBlock::PreviousWaveGate { unit, criterion: Some(criterion) } => {
                    let first = pb.phases.first().and_then(|p| p.gate.criteria.iter().find(|c| &c.id == criterion));
                    let Some(Check::ActivityDone { activity }) = first.map(|c| &c.check) else { continue };
                    let reason = Reason::WaveBlocked { wave: w.wave, criterion: criterion.clone() };
                    let per_unit = look.activity(activity).is_some_and(|(_, a)| a.scope == ActivityScope::PerUnit);
                    for key in startable_for(plan, &by_key, activity, readiness, per_unit.then_some(*unit)) {
                        let Some(x) = look.activity(&key.activity) else { continue };
                        let due = by_key.get(&key).and_then(|i| i.due);
                        out.activity(x, key.unit, due, reason.clone(), terms);
                    }
                }
                _ => {}
            }
        }
    }

    // Interventions whose condition holds.
    // Each scope with its KPIs, looked up once for all the interventions.
    let here = |scope: ActionScope| Here { scope, kpis: look.kpis.of(&metrics_scope(scope), snapshot) };
    let organisation_here = [here(ActionScope::Organisation)];
    // Per-unit interventions fire only in units the rollout has reached (their wave may start).
    let unit_heres: Vec<Here<'_>> = readiness
        .units
        .iter()
        .filter(|u| readiness.reaches(Some(u.wave), Some(u.unit)))
        .map(|u| here(ActionScope::Unit(u.unit)))
        .collect();
    // Where each intervention fired, for the barrier point below.
    let mut fired: Vec<(usize, ActionScope)> = Vec::new();
    for (position, iv) in pb.interventions.iter().enumerate() {
        let heres: &[Here<'_>] = if iv.scope == ActivityScope::PerUnit { &unit_heres } else { &organisation_here };
        // Its activity's place in the playbook, to see when it was last run.
        let run_by = iv.activity.as_ref().and_then(|a| pb.activities.iter().position(|x| &x.id == a));
        for here in heres {
            let scope = here.scope;
            // Just run (its activity completed in the scope within `INTERVENTION_REST_DAYS`), an
            // intervention rests: the 7-day KPIs it reads need a week after it to show its effect,
            // and proposing it again meanwhile only crowds out the rest of the method.
            let at = match scope {
                ActionScope::Unit(u) => Some(u),
                _ => None,
            };
            let resting = run_by
                .and_then(|p| look.done.last_at(p, at))
                .is_some_and(|last| last <= as_of && (as_of - last).num_days() < INTERVENTION_REST_DAYS);
            if !resting && holds(&iv.when, &look, here) {
                fired.push((position, scope));
                let terms = UrgencyTerms { severity: k.kpi_severity * iv.severity, ..UrgencyTerms::default() };
                let due = iv.due_within_days.and_then(|d| as_of.checked_add_days(Days::new(u64::from(d))));
                let reason = Reason::InterventionFired { intervention: iv.id.clone(), severity: iv.severity };
                out.add(Item::Intervention(position), iv.id.as_str(), &iv.title, iv.owner, scope, due, reason, terms);
            }
        }
    }

    // The work that moves a KPI (`None`: a criterion of another kind) in a unit, or anywhere for
    // `None`, proposed with `open_work` or, for recurring work done before, `repeated`; whether any
    // was proposed.
    // - The open instances of the phase at `phase` that can start (in units the rollout reached).
    // - Its recurring work, once done, comes round again now: a KPI of habit or freshness moves by
    //   doing it again, not by waiting for its cadence.
    // - A KPI of coverage (the share trained) is not moved by repetition: the open trainings
    //   (activities with an audience) of the phases up to `phase` are its work, and a training
    //   already held is held again where members of its audience are still untrained (absent that
    //   day, or joined since): a catch-up session. A KPI of use (active, habitual, returning,
    //   lapsed, never) moves with the people trained too: the same trainings are its work.
    // - With `interventions`, the playbook's own answer to the KPI: the interventions that fired on
    //   it (their condition reads it). A missed target leaves them out: they are proposed already,
    //   ranked by their own severity.
    // - `DaysSinceLaunch` moves with the calendar alone: no work.
    // Each instance's phase (its position in the playbook) and whether its activity is a
    // training, worked out once when the work that moves a KPI is first looked for: each KPI
    // then reads this list rather than comparing every instance's phase and activity by name.
    // An instance whose activity is not in the playbook is never proposed: it gets no phase.
    let instance_phases_once = std::cell::OnceCell::new();
    let instance_phases = || {
        instance_phases_once.get_or_init(|| {
            let mut phases = vec![(u32::MAX, false); plan.instances.len()];
            for (position, a) in pb.activities.iter().enumerate() {
                let facts = (u32::try_from(phase_index(&a.phase)).unwrap_or(u32::MAX), a.trains.is_some());
                for &k in by_key.of_activity(position) {
                    if let Some(slot) = phases.get_mut(k as usize) {
                        *slot = facts;
                    }
                }
            }
            phases
        })
    };
    let kpi_work = |out: &mut Proposals<'_>,
                    kpi: Option<Kpi>,
                    interventions: bool,
                    phase: usize,
                    unit: Option<UnitId>,
                    reason: &Reason,
                    open_work: UrgencyTerms,
                    repeated: UrgencyTerms|
     -> bool {
        if kpi == Some(Kpi::DaysSinceLaunch) {
            return false;
        }
        let coverage_kpi = matches!(kpi, Some(Kpi::TrainedShare | Kpi::UntrainedSeniorBeginners));
        // Use itself (members active, habitual, returning) grows with the people trained as well.
        let use_kpi = matches!(
            kpi,
            Some(
                Kpi::WeeklyActiveRate
                    | Kpi::MonthlyActiveRate
                    | Kpi::HabitRate
                    | Kpi::ReturningRate
                    | Kpi::LapsedShare
                    | Kpi::NeverShare
            )
        );
        // A routine's next round is brought forward only once half its cadence has passed since
        // the last: a weekly round a few days early, never a quarterly review a week after it.
        let again = |i: &crate::InstancePlan| {
            if coverage_kpi || i.done.is_none() || !i.waiting_on.is_empty() || i.wave_blocked {
                return false;
            }
            let Some((position, a)) = look.activity(&i.key.activity) else { return false };
            let Some(r) = a.recurrence else { return false };
            let every = if retained { r.once_retained_every_days.unwrap_or(r.every_days) } else { r.every_days };
            look.done
                .last_at(position, i.key.unit)
                .is_some_and(|last| 2 * (as_of - last).num_days() >= i64::from(every))
        };
        // Whether an instance, of the phase at `at` and of a training activity or not, is a
        // training of the phases up to `phase` that moves this KPI.
        let trains = |at: usize, training: bool| (coverage_kpi || use_kpi) && at <= phase && training;
        let untrained_left = |i: &crate::InstancePlan| {
            if !(coverage_kpi || use_kpi) || i.done.is_none() || !i.waiting_on.is_empty() || i.wave_blocked {
                return false;
            }
            let audience = look.activity(&i.key.activity).and_then(|(_, a)| audience_of(a));
            audience.is_some_and(|audience| {
                let trained = trained();
                audiences.members(snapshot, audience, i.key.unit).iter().any(|m| !trained.contains(m))
            })
        };
        let mut proposed = false;
        let in_scope = |i: &crate::InstancePlan| unit.is_none_or(|u| i.key.unit.is_none_or(|x| x == u));
        for (i, &(at, training)) in plan.instances.iter().zip(instance_phases()) {
            let trains = trains(at as usize, training);
            if !((at as usize == phase || trains) && in_scope(i)) {
                continue;
            }
            let open = matches!(i.status, Status::Ready | Status::Overdue) && i.can_start();
            let catch_up = trains && untrained_left(i);
            if !(open || catch_up || again(i)) || !wave_may_start(i) {
                continue;
            }
            let Some(x) = look.activity(&i.key.activity) else { continue };
            let work = if open || catch_up { open_work } else { repeated };
            out.activity(x, i.key.unit, i.due, reason.clone(), work);
            proposed = true;
        }
        if let Some(kpi) = kpi.filter(|_| interventions) {
            for &(p, scope) in &fired {
                if unit.is_some_and(|u| scope != ActionScope::Unit(u)) {
                    continue;
                }
                let Some(iv) = pb.interventions.get(p).filter(|iv| reads_kpi(&iv.when, kpi)) else { continue };
                let due = iv.due_within_days.and_then(|d| as_of.checked_add_days(Days::new(u64::from(d))));
                out.add(
                    Item::Intervention(p),
                    iv.id.as_str(),
                    &iv.title,
                    iv.owner,
                    scope,
                    due,
                    reason.clone(),
                    open_work,
                );
                proposed = true;
            }
        }
        proposed
    };

    // KPI targets missed on or after their due day (those with a due day: a standing target is
    // what the interventions watch), in the organisation or in the units the rollout has reached.
    // One warning per KPI and scope: the target fallen due last (the list is sorted by KPI, then
    // due day).
    let missed: Vec<&teichaku_metrics::TargetStatus> = kpis
        .targets
        .iter()
        .filter(|t| t.state == TargetState::Missed && (t.by_day.is_some() || t.after.is_some()))
        .collect();
    let latest = |t: &teichaku_metrics::TargetStatus| {
        !missed.iter().any(|o| o.kpi == t.kpi && o.scope == t.scope && o.due > t.due)
    };
    for t in missed.iter().copied().filter(|t| latest(t)) {
        let Some((position, target)) = snapshot.kpi_targets().enumerate().find(|(_, x)| {
            x.kpi == t.kpi && x.op == t.op && x.value == t.threshold && x.by_day == t.by_day && x.after == t.after
        }) else {
            continue;
        };
        let scope = match t.scope {
            Scope::Unit(u) if unit_heres.iter().any(|h| h.scope == ActionScope::Unit(u)) => ActionScope::Unit(u),
            Scope::Organisation => ActionScope::Organisation,
            _ => continue,
        };
        let Some(due) = t.due else { continue };
        let reason = Reason::TargetMissed {
            kpi: t.kpi,
            op: t.op,
            threshold: t.threshold,
            due,
            days_missed: t.days_missed.unwrap_or(0),
            shortfall: t.shortfall,
        };
        let terms = UrgencyTerms { target: k.target_missed, ..UrgencyTerms::default() };
        let id = target_code(target);
        let title = target_title(target);
        out.add(Item::Target(position), &id, &title, Role::PromotionLead, scope, None, reason.clone(), terms);
        // The warning comes with the work that moves its KPI, in the current phase (the last,
        // once every gate passed).
        let unit = match scope {
            ActionScope::Unit(u) => Some(u),
            _ => None,
        };
        // Its weight is a sequence term, so work that is the barrier's too is not counted twice.
        let phase = current.min(pb.phases.len().saturating_sub(1));
        let work = UrgencyTerms { sequence: k.target_missed, ..UrgencyTerms::default() };
        kpi_work(&mut out, Some(t.kpi), false, phase, unit, &reason, work, work);
    }

    // Outcome targets missed on or after their due day, likewise: one warning per outcome,
    // measure and scope, the target fallen due last. No work comes with it: the engine knows no
    // activity that moves a business figure.
    let missed: Vec<&teichaku_metrics::OutcomeTargetStatus> = kpis
        .outcome_targets
        .iter()
        .filter(|t| t.state == TargetState::Missed && (t.by_day.is_some() || t.after.is_some()))
        .collect();
    let latest = |t: &teichaku_metrics::OutcomeTargetStatus| {
        !missed.iter().any(|o| o.outcome == t.outcome && o.measure == t.measure && o.scope == t.scope && o.due > t.due)
    };
    for t in missed.iter().copied().filter(|t| latest(t)) {
        let Some((position, target)) = snapshot.outcome_targets().enumerate().find(|(_, x)| {
            x.outcome == t.outcome
                && x.measure == t.measure
                && x.op == t.op
                && x.value == t.threshold
                && x.by_day == t.by_day
                && x.after == t.after
        }) else {
            continue;
        };
        let scope = match t.scope {
            Scope::Unit(u) if unit_heres.iter().any(|h| h.scope == ActionScope::Unit(u)) => ActionScope::Unit(u),
            Scope::Organisation => ActionScope::Organisation,
            _ => continue,
        };
        let Some(due) = t.due else { continue };
        let reason = Reason::OutcomeTargetMissed {
            outcome: t.outcome.clone(),
            measure: t.measure,
            op: t.op,
            threshold: t.threshold,
            due,
            days_missed: t.days_missed.unwrap_or(0),
            shortfall: t.shortfall,
        };
        let terms = UrgencyTerms { target: k.target_missed, ..UrgencyTerms::default() };
        let id = outcome_target_code(target);
        let title = outcome_target_title(target);
        out.add(Item::OutcomeTarget(position), &id, &title, Role::PromotionLead, scope, None, reason, terms);
    }

    // The barrier point.
    if let Some(b) = &readiness.barrier {
        let criterion =
            pb.phase(&b.phase).and_then(|p| p.gate.criteria.iter().enumerate().find(|(_, c)| c.id == b.criterion));
        if let Some((position, c)) = criterion {
            let reason = Reason::BarrierPoint { phase: b.phase.clone(), criterion: c.id.clone() };
            let terms =
                UrgencyTerms { sequence: k.barrier_point, gate: k.gate_weight * c.weight, ..UrgencyTerms::default() };
            match &c.check {
                Check::ActivityDone { activity } | Check::ActivityRecent { activity, .. } => {
                    // Propose the barrier activity itself when it can start, otherwise the open
                    // prerequisites that can, so no action is proposed before its prerequisites;
                    // an activity done before but not lately (`activity_recent`, organisation-wide)
                    // again, now; when nothing can start yet (its window has not opened), the
                    // criterion itself.
                    let keys = startable_for(plan, &by_key, activity, readiness, None);
                    let recurring = matches!(c.check, Check::ActivityRecent { .. });
                    let again = recurring && keys.is_empty() && look.done(activity, None);
                    if let Some(x) = look.activity(activity).filter(|_| again) {
                        out.activity(x, None, Some(as_of), reason.clone(), terms);
                    } else if keys.is_empty() {
                        let scope = ActionScope::Organisation;
                        let item = Item::Barrier(position);
                        out.add(item, c.id.as_str(), &c.title, Role::PromotionLead, scope, None, reason.clone(), terms);
                    }
                    // The barrier's own term goes to the activities of at most `BARRIER_ACTIVITIES`
                    // (those most work waits on, then by id): where units stand at different steps
                    // of the barrier's chain, the rest keeps the reason and the gate term and is
                    // otherwise ranked as the ready work it is, so the chain does not crowd overdue
                    // time-critical work out of the top five.
                    let mut weight: BTreeMap<&ActivityId, usize> = BTreeMap::new();
                    for key in &keys {
                        *weight.entry(&key.activity).or_default() += by_key.get(key).map_or(0, |i| i.blocking) + 1;
                    }
                    let mut ranked: Vec<(&ActivityId, usize)> = weight.into_iter().collect();
                    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
                    let lead: BTreeSet<ActivityId> =
                        ranked.iter().take(BARRIER_ACTIVITIES).map(|(a, _)| (*a).clone()).collect();
                    let rest = UrgencyTerms { sequence: 0.0, ..terms };
                    for key in &keys {
                        if let Some(x) = look.activity(&key.activity) {
                            let due = by_key.get(key).and_then(|i| i.due);
                            let terms = if lead.contains(&key.activity) { terms } else { rest };
                            out.activity(x, key.unit, due, reason.clone(), terms);
                        }
                    }
                }
                Check::RolePresent { role, per_unit, .. } => {
                    // Appoint where the role is lacking: in each unit lacking it, or in the organisation.
                    let lacking = readiness
                        .phases
                        .iter()
                        .find(|g| g.phase == b.phase)
                        .and_then(|g| g.criteria.iter().find(|x| x.criterion == c.id))
                        .map(|x| match &x.observed {
                            crate::Observed::Role { lacking, .. } => lacking.clone(),
                            _ => Vec::new(),
                        })
                        .unwrap_or_default();
                    if *per_unit && !lacking.is_empty() {
                        appointments.extend(lacking.into_iter().map(|u| (*role, Some(u), reason.clone(), terms)));
                    } else {
                        appointments.push((*role, None, reason, terms));
                    }
                }
                _ => {
                    // A KPI moves through the phase's own work, just under overdue work, with the
                    // barrier criterion's weight as the gate it serves (see `kpi_work`).
                    let open_work = UrgencyTerms {
                        sequence: k.barrier_work,
                        gate: k.gate_weight * c.weight,
                        ..UrgencyTerms::default()
                    };
                    let repeated = UrgencyTerms { sequence: k.barrier_work, ..UrgencyTerms::default() };
                    let kpi = match &c.check {
                        Check::Kpi { kpi, .. } => Some(*kpi),
                        _ => None,
                    };
                    let phase = phase_index(&b.phase);
                    let proposed = kpi_work(&mut out, kpi, true, phase, None, &reason, open_work, repeated);
                    // The criterion itself only when no work of the playbook moves it now: it is
                    // then what the promotion lead must find an answer to.
                    if !proposed {
                        out.add(
                            Item::Barrier(position),
                            c.id.as_str(),
                            &c.title,
                            Role::PromotionLead,
                            ActionScope::Organisation,
                            None,
                            reason,
                            terms,
                        );
                    }
                }
            }
        }
    }

    // Owners nobody holds where the action applies: the appointment comes with the action.
    for a in &out.actions {
        let holders_scope = match (a.owner, a.scope) {
            (Role::Executive | Role::PromotionLead, _) => Scope::Organisation,
            (_, scope) => metrics_scope(scope),
        };
        if a.owner != Role::Staff && roles.count(&holders_scope, a.owner) == 0 {
            let unit = match (holders_scope, a.scope) {
                (Scope::Unit(_), ActionScope::Unit(u)) => Some(u),
                _ => None,
            };
            let reason =
                Reason::RoleMissing { role: a.owner, wave: None, criterion: None, needed_by: vec![a.code.clone()] };
            appointments.push((a.owner, unit, reason, a.urgency_terms));
        }
    }
    // Each appointment is the playbook's appointing activity, or its open prerequisites, where they
    // can start in a wave that may start; failing those (and always in a wave that may not start
    // yet), a bare `appoint:ROLE`.
    let appointing: Vec<&Activity> = pb.activities.iter().filter(|a| a.appoints.is_some()).collect();
    for (role, unit, reason, terms) in appointments {
        let mut proposed = false;
        let fits = |a: &&&Activity| a.appoints == Some(role) && (a.scope == ActivityScope::PerUnit) == unit.is_some();
        for a in appointing.iter().filter(fits) {
            let key = crate::InstanceKey { activity: a.id.clone(), unit };
            let Some(instance) = by_key.get(&key).filter(|i| i.done.is_none()) else { continue };
            // In a unit whose wave may not start, nothing of the playbook goes ahead of the wave:
            // the bare appointment stands for it.
            let keys = if wave_may_start(instance) {
                startable_for(plan, &by_key, &a.id, readiness, unit)
            } else {
                Vec::new()
            };
            for key in keys {
                let Some(x) = look.activity(&key.activity) else { continue };
                let due = by_key.get(&key).and_then(|i| i.due);
                out.activity(x, key.unit, due, reason.clone(), terms);
                proposed = true;
            }
        }
        if !proposed {
            let scope = unit.map_or(ActionScope::Organisation, ActionScope::Unit);
            let owner = if unit.is_some() { Role::Manager } else { Role::Executive };
            let item = Item::Appoint(role_position(role));
            out.add(item, role.as_str(), &appointment_title(role), owner, scope, None, reason, terms);
        }
    }

    // Each activity with an audience names the members it is for.
    let with_audience: BTreeMap<&str, &teichaku_model::Audience> =
        pb.activities.iter().filter_map(|a| Some((a.id.as_str(), a.audience.as_ref()?))).collect();
    let mut actions = group(out.actions);
    for action in &mut actions {
        let Some(&audience) = action.code.strip_prefix("activity:").and_then(|id| with_audience.get(id)) else {
            continue;
        };
        action.audience = match action.scope {
            ActionScope::Unit(u) => audiences.members(snapshot, audience, Some(u)),
            // A grouped action is for the audience of each of its units.
            _ if !action.units.is_empty() => {
                let mut members: Vec<MemberId> =
                    action.units.iter().flat_map(|&u| audiences.members(snapshot, audience, Some(u))).collect();
                members.sort_unstable();
                members.dedup();
                members
            }
            _ => audiences.members(snapshot, audience, None),
        };
    }
    // Code and scope are unique, so the sort below fixes the order whatever the proposal order.
    let mut actions: Vec<Action> = actions
        .into_iter()
        .map(|mut a| {
            a.urgency = a.urgency_terms.total();
            a
        })
        .collect();
    actions
        .sort_by(|a, b| b.urgency.total_cmp(&a.urgency).then_with(|| a.code.cmp(&b.code)).then(a.scope.cmp(&b.scope)));
    ActionPlan { as_of, coefficients: k, actions }
}

/// The actions proposed so far: one per item and scope, each keeping every reason.
struct Proposals<'r> {
    roles: &'r RoleIndex<'r>,
    /// The members who act, by scope and owner role, looked up once each.
    acting: BTreeMap<(ActionScope, Role), Vec<MemberId>>,
    /// One entry per proposed item and scope; the map holds positions, so inserting moves no action.
    positions: BTreeMap<(Item, ActionScope), usize>,
    actions: Vec<Action>,
}

impl<'r> Proposals<'r> {
    fn new(roles: &'r RoleIndex<'r>) -> Self {
        Self { roles, acting: BTreeMap::new(), positions: BTreeMap::new(), actions: Vec::new() }
    }

    /// The activity at `position` in the playbook, proposed in `unit` (the organisation for `None`).
    fn activity(
        &mut self,
        (position, a): (usize, &Activity),
        unit: Option<UnitId>,
        due: Option<NaiveDate>,
        reason: Reason,
        terms: UrgencyTerms,
    ) {
        let scope = unit.map_or(ActionScope::Organisation, ActionScope::Unit);
        self.add(Item::Activity(position), a.id.as_str(), &a.title, a.owner, scope, due, reason, terms);
    }

    /// Proposes `item` in `scope` for `reason`; a second proposal of the same item in the same scope
    /// adds its reason, keeps the larger of each term (the smaller phase distance) and the earlier due date.
    #[expect(clippy::too_many_arguments, reason = "an action's fields, each given once")]
    fn add(
        &mut self,
        item: Item,
        id: &str,
        title: &Localized,
        owner: Role,
        scope: ActionScope,
        due: Option<NaiveDate>,
        reason: Reason,
        terms: UrgencyTerms,
    ) {
        let Self { roles, acting, positions, actions } = self;
        let at = *positions.entry((item, scope)).or_insert_with(|| {
            // An action's code is `kind:id`, such as `activity:kick-off`; it is written out once.
            let kind = item.kind();
            let mut code = String::with_capacity(kind.len() + 1 + id.len());
            code.push_str(kind);
            code.push(':');
            code.push_str(id);
            actions.push(Action {
                code,
                title: title.clone(),
                owner,
                members: acting.entry((scope, owner)).or_insert_with(|| who_acts(roles, scope, owner)).clone(),
                scope,
                units: Vec::new(),
                audience: Vec::new(),
                due,
                reasons: Vec::new(),
                urgency: 0.0,
                urgency_terms: UrgencyTerms::default(),
            });
            actions.len() - 1
        });
        let Some(entry) = actions.get_mut(at) else { return };
        // The same reason from two sources (two units of a wave waiting on one instance) is kept once.
        if !entry.reasons.contains(&reason) {
            entry.reasons.push(reason);
        }
        let t = &mut entry.urgency_terms;
        t.sequence = t.sequence.max(terms.sequence);
        t.overdue = t.overdue.max(terms.overdue);
        t.blocking = t.blocking.max(terms.blocking);
        t.gate = t.gate.max(terms.gate);
        t.severity = t.severity.max(terms.severity);
        t.phase_distance = t.phase_distance.max(terms.phase_distance);
        t.target = t.target.max(terms.target);
        entry.due = match (entry.due, due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// The members with a training on record on or before `as_of`.
/// The cadence, in days, from which a late round of a routine counts as overdue work
/// (`overdue_base`) rather than a late routine (`recurrence_due`): monthly and slower.
const LONG_CADENCE_DAYS: u32 = 30;

/// The audience a training is held for: its own, or `everyone` when it names none; `None` for an
/// activity that is not a training.
fn training_audience<'a>(a: &'a Activity, everyone: &'a Audience) -> Option<&'a Audience> {
    a.trains.map(|_| a.audience.as_ref().unwrap_or(everyone))
}

/// The new tools that have come by a day: the latest for everyone, and the latest for each unit
/// that a tool for some units reaches (the units named and those under them).
struct NewTools<'a> {
    everyone: Option<(usize, &'a NewTool)>,
    by_unit: BTreeMap<UnitId, (usize, &'a NewTool)>,
}

impl<'a> NewTools<'a> {
    fn new(snapshot: &'a ValidSnapshot, as_of: NaiveDate) -> Self {
        let mut out = Self { everyone: None, by_unit: BTreeMap::new() };
        let later = |held: Option<&(usize, &NewTool)>, tool: &NewTool| {
            held.is_none_or(|(_, h)| tool.available_from > h.available_from)
        };
        for (t, tool) in snapshot.organisation().tools.iter().enumerate().filter(|(_, t)| t.available_from <= as_of) {
            if tool.units.is_empty() {
                if later(out.everyone.as_ref(), tool) {
                    out.everyone = Some((t, tool));
                }
                continue;
            }
            for unit in tool.units.iter().flat_map(|&u| snapshot.units_under(u)) {
                if later(out.by_unit.get(&unit), tool) {
                    out.by_unit.insert(unit, (t, tool));
                }
            }
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.everyone.is_none() && self.by_unit.is_empty()
    }

    /// The latest tool a member of `unit` got, with its position in the organisation's list.
    fn latest_for(&self, unit: UnitId) -> Option<(usize, &'a NewTool)> {
        match (self.everyone, self.by_unit.get(&unit).copied()) {
            (Some(e), Some(u)) => Some(if u.1.available_from > e.1.available_from { u } else { e }),
            (e, u) => e.or(u),
        }
    }
}

/// Each member's last training record of each track on or before `as_of`.
fn last_trained(snapshot: &ValidSnapshot, as_of: NaiveDate) -> BTreeMap<(MemberId, TrainingTrack), NaiveDate> {
    let mut last = BTreeMap::new();
    for t in snapshot.observations().trainings.iter().filter(|t| t.date <= as_of) {
        let day = last.entry((t.member, t.track)).or_insert(t.date);
        *day = (*day).max(t.date);
    }
    last
}

fn trained_members(snapshot: &ValidSnapshot, as_of: NaiveDate) -> BTreeSet<MemberId> {
    snapshot.observations().trainings.iter().filter(|t| t.date <= as_of).map(|t| t.member).collect()
}

/// The code of a missed target's action, after `target:`: the KPI, then `-by-N` for its due day
/// and `-after-ACTIVITY` for its anchor, such as `habit_rate-by-30`.
fn target_code(t: &KpiTarget) -> String {
    let mut code = t.kpi.name().to_owned();
    code.push_str(&due_code(t.by_day, t.after.as_ref()));
    code
}

/// A target's due day and anchor in its action's code: `-by-N`, then `-after-ACTIVITY`.
fn due_code(by_day: Option<u32>, after: Option<&ActivityId>) -> String {
    let mut code = by_day.map(|day| format!("-by-{day}")).unwrap_or_default();
    if let Some(a) = after {
        code.push_str("-after-");
        code.push_str(a.as_str());
    }
    code
}

/// A target's due day and anchor in its action's title, in English and Japanese.
fn due_words(by_day: Option<u32>, after: Option<&ActivityId>) -> (String, String) {
    match (after, by_day) {
        (Some(a), day) => {
            (format!(" by day {} after {a}", day.unwrap_or(0)), format!("（{a}から{}日以内）", day.unwrap_or(0)))
        }
        (None, Some(day)) => (format!(" by day {day}"), format!("（導入{day}日目まで）")),
        (None, None) => (String::new(), String::new()),
    }
}

/// The title of a missed target's action, such as "Target missed: habit_rate ≥ 0.2 by day 30".
fn target_title(t: &KpiTarget) -> Localized {
    let op = if t.op == Comparison::AtMost { "≤" } else { "≥" };
    let (en_when, ja_when) = due_words(t.by_day, t.after.as_ref());
    let target = format!("{} {op} {}", t.kpi.name(), t.value);
    Localized::new(format!("Target missed: {target}{en_when}"), format!("目標未達: {target}{ja_when}"))
}

/// The code of a missed outcome target's action, after `target:`: the outcome (with
/// `-change` for a change from baseline), then `-by-N` and `-after-ACTIVITY` as for a KPI target,
/// such as `ai-cost-by-90`.
fn outcome_target_code(t: &OutcomeTarget) -> String {
    let mut code = t.outcome.as_str().to_owned();
    if !t.measure.is_value() {
        code.push_str("-change");
    }
    code.push_str(&due_code(t.by_day, t.after.as_ref()));
    code
}

/// The title of a missed outcome target's action, such as "Target missed: ai-cost ≤ 500000 by
/// day 90".
fn outcome_target_title(t: &OutcomeTarget) -> Localized {
    let op = if t.op == Comparison::AtMost { "≤" } else { "≥" };
    let (en_when, ja_when) = due_words(t.by_day, t.after.as_ref());
    let (en_change, ja_change) =
        if t.measure.is_value() { ("", "") } else { (" change from baseline", "の基準比") };
    let target = format!("{op} {}", t.value);
    Localized::new(
        format!("Target missed: {}{en_change} {target}{en_when}", t.outcome),
        format!("目標未達: {}{ja_change} {target}{ja_when}", t.outcome),
    )
}

/// Consecutive weeks the organisation must have held retention before a recurring activity
/// switches to its `once_retained_every_days` cadence.
pub const RETAINED_FOR_WEEKS: usize = 4;

/// The habit rate the playbook's last phase asks for (its highest mandatory habit criterion), the
/// retention bar a slower cadence waits for; 0 when it asks for none.
fn retention_habit_bar(pb: &teichaku_model::Playbook) -> f64 {
    pb.phases
        .last()
        .into_iter()
        .flat_map(|p| &p.gate.criteria)
        .filter(|c| c.mandatory)
        .filter_map(|c| match &c.check {
            Check::Kpi { kpi: Kpi::HabitRate, op: teichaku_model::Comparison::AtLeast, threshold } => Some(*threshold),
            _ => None,
        })
        .fold(0.0, f64::max)
}

/// Whether the organisation has held retention: its score is "retained" or better now, and its habit
/// rate has been at or above `bar` in each of the last [`RETAINED_FOR_WEEKS`] weeks of the weekly
/// series (the current week included). Computed afresh on each date, so the slower cadence starts
/// only after the weeks have held and stops as soon as the level drops.
fn held_retained(organisation: &teichaku_metrics::ScopeKpis, bar: f64) -> bool {
    let score = organisation.value(Kpi::RetentionScore).is_some_and(|score| Level::of(score) >= Level::Retained);
    let weeks = match &organisation.figures {
        teichaku_metrics::Figure::Value(f) => f.weekly.as_slice(),
        _ => &[],
    };
    score
        && weeks.len() >= RETAINED_FOR_WEEKS
        && weeks.iter().take(RETAINED_FOR_WEEKS).all(|w| w.habit.value().is_some_and(|h| h.rate >= bar))
}

/// Activities, interventions and appointments proposed in several units become one action listing
/// them: its scope the organisation, its members and reasons those of every unit (each once; an
/// activity's reasons name their unit), each term the largest (the smallest phase distance) and
/// the earliest due date. An action proposed in one scope only passes unchanged (proposals are
/// already one per code and scope, and a code names work of one scope kind, an appointment aside:
/// one in the organisation and others in units become one action).
fn group(actions: Vec<Action>) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::with_capacity(actions.len());
    let mut by_code: BTreeMap<String, usize> = BTreeMap::new();
    // Each grouped action's reasons by their text, so a reason is checked against the few of the
    // same text rather than every reason of the group (an action grouped over thousands of units
    // can carry one reason a unit).
    let mut seen: Vec<HashMap<String, Vec<usize>>> = Vec::new();
    for a in actions {
        let Some(at) = by_code.get(&a.code).copied() else {
            by_code.insert(a.code.clone(), out.len());
            let mut texts: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, r) in a.reasons.iter().enumerate() {
                texts.entry(reason_text(r)).or_default().push(i);
            }
            seen.push(texts);
            out.push(a);
            continue;
        };
        let (Some(first), Some(texts)) = (out.get_mut(at), seen.get_mut(at)) else { continue };
        if let ActionScope::Unit(u) = first.scope {
            first.units.push(u);
            first.scope = ActionScope::Organisation;
        }
        if let ActionScope::Unit(u) = a.scope {
            first.units.push(u);
        }
        first.members.extend(a.members);
        for r in a.reasons {
            let same_text = texts.entry(reason_text(&r)).or_default();
            if !same_text.iter().any(|&i| first.reasons.get(i) == Some(&r)) {
                same_text.push(first.reasons.len());
                first.reasons.push(r);
            }
        }
        let (t, n) = (&mut first.urgency_terms, a.urgency_terms);
        t.sequence = t.sequence.max(n.sequence);
        t.overdue = t.overdue.max(n.overdue);
        t.blocking = t.blocking.max(n.blocking);
        t.gate = t.gate.max(n.gate);
        t.severity = t.severity.max(n.severity);
        t.phase_distance = t.phase_distance.max(n.phase_distance);
        first.due = match (first.due, a.due) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
    }
    for a in &mut out {
        a.units.sort_unstable();
        a.units.dedup();
        a.members.sort_unstable();
        a.members.dedup();
    }
    out
}

/// A reason's text for [`group`]'s look-up: equal reasons have equal texts (a zero's sign, which
/// equality ignores, is left out), and reasons of one text are then compared as values.
fn reason_text(r: &Reason) -> String {
    format!("{r:?}").replace("-0.0", "0.0")
}

/// What an action proposes, by its position in the playbook: an activity, an intervention, or
/// a gate criterion of the barrier point's phase.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Item {
    Activity(usize),
    Intervention(usize),
    Barrier(usize),
    /// An appointment of the role at this position of [`Role::ALL`].
    Appoint(usize),
    /// The KPI target at this position of the playbook's `kpi_targets` followed by the
    /// organisation's.
    Target(usize),
    /// The outcome target at this position of the playbook's `outcome_targets` followed by the
    /// organisation's.
    OutcomeTarget(usize),
}

impl Item {
    /// The first part of the action's code.
    fn kind(self) -> &'static str {
        match self {
            Item::Activity(_) => "activity",
            Item::Intervention(_) => "intervention",
            Item::Barrier(_) => "barrier",
            Item::Appoint(_) => "appoint",
            Item::Target(_) | Item::OutcomeTarget(_) => "target",
        }
    }
}

/// Who should act: present members of the scope holding `role`, sorted by id. When there are
/// none, those who answer for the scope instead:
/// - for the organisation-level roles (executive, promotion lead), the organisation's holders, as
///   a promotion lead acting in a unit usually sits elsewhere;
/// - for the unit-level roles (ambassador, manager, staff) in a unit, the unit's managers, who can
///   name someone or step in;
/// - failing those, the organisation's promotion leads, who own the rollout.
fn who_acts(roles: &RoleIndex<'_>, scope: ActionScope, role: Role) -> Vec<MemberId> {
    let here = metrics_scope(scope);
    let candidates = [
        Some((here.clone(), role)),
        matches!(role, Role::Executive | Role::PromotionLead).then_some((Scope::Organisation, role)),
        matches!(scope, ActionScope::Unit(_)).then_some((here, Role::Manager)),
        Some((Scope::Organisation, Role::PromotionLead)),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|(scope, role)| roles.holders(&scope, role))
        .find(|m| !m.is_empty())
        .unwrap_or_default()
}

fn metrics_scope(scope: ActionScope) -> Scope {
    match scope {
        ActionScope::Unit(u) => Scope::Unit(u),
        _ => Scope::Organisation,
    }
}

/// What conditions and recurrences look up, indexed once per call.
struct Lookups<'a> {
    snapshot: &'a ValidSnapshot,
    roles: &'a RoleIndex<'a>,
    kpis: crate::readiness::Figures<'a>,
    /// Each activity's position in the playbook.
    activity_position: BTreeMap<&'a ActivityId, usize>,
    /// The completions that count, by activity and unit.
    done: DoneIndex,
    /// The rollout units in wave order: every per-unit activity has an instance in each.
    rollout_units: Vec<Option<UnitId>>,
    /// The day assessed.
    as_of: NaiveDate,
}

impl<'a> Lookups<'a> {
    fn new(snapshot: &'a ValidSnapshot, kpis: &'a KpiReport, roles: &'a RoleIndex<'a>) -> Self {
        let as_of = kpis.as_of;
        let activity_position: BTreeMap<&ActivityId, usize> =
            snapshot.playbook().activities.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
        let (waves, positions) = crate::readiness::rollout_waves_and_positions(snapshot);
        let units: Vec<UnitId> = waves.iter().flatten().copied().collect();
        let done = DoneIndex::new(snapshot, as_of, waves.first().map_or(&[], Vec::as_slice), &units, &positions);
        let rollout_units = units.into_iter().map(Some).collect();
        let kpis = crate::readiness::Figures::new(kpis);
        Self { snapshot, roles, kpis, activity_position, done, rollout_units, as_of }
    }

    /// The activity `id` with its position in the playbook.
    fn activity(&self, id: &ActivityId) -> Option<(usize, &'a Activity)> {
        let &at = self.activity_position.get(id)?;
        Some((at, self.snapshot.playbook().activities.get(at)?))
    }

    /// Whether the organisation-wide `activity` was last done within the last `within_days` days.
    fn recent(&self, activity: &ActivityId, within_days: u32) -> bool {
        self.done.recent(activity, self.as_of, within_days)
    }

    /// Whether `activity` was done on or before `as_of` in unit `unit`, or anywhere for `None`.
    fn done(&self, activity: &ActivityId, unit: Option<UnitId>) -> bool {
        match unit {
            Some(_) => self.done.first_done(activity, unit).is_some(),
            None => self.done.done_anywhere(activity),
        }
    }
}

/// The scope a condition is checked in, with its KPIs looked up once.
struct Here<'a> {
    scope: ActionScope,
    kpis: Option<&'a teichaku_metrics::ScopeKpis>,
}

/// Whether `condition` holds in `here`; a KPI without a value makes a comparison false.
fn holds(condition: &Condition, look: &Lookups<'_>, here: &Here<'_>) -> bool {
    match condition {
        Condition::All { of } => of.iter().all(|c| holds(c, look, here)),
        Condition::Any { of } => of.iter().any(|c| holds(c, look, here)),
        Condition::Not { condition } => !holds(condition, look, here),
        Condition::Compare { kpi, op, value } => {
            here.kpis.and_then(|s| s.value(*kpi)).is_some_and(|v| op.holds(v, *value))
        }
        Condition::RoleCount { role, op, value } => {
            op.holds(look.roles.count(&metrics_scope(here.scope), *role) as f64, *value)
        }
        Condition::ActivityDone { activity } => {
            let per_unit = look.snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
            match (here.scope, per_unit) {
                (ActionScope::Unit(u), true) => look.done(activity, Some(u)),
                _ => look.done(activity, None),
            }
        }
        Condition::ActivityRecent { activity, within_days } => look.recent(activity, *within_days),
        Condition::Outcome { outcome, op, value, measure } => {
            crate::review_pack::outcome_value(look.snapshot, here.kpis, outcome, *measure, look.as_of)
                .is_some_and(|v| op.holds(v, *value))
        }
        _ => false,
    }
}

/// The most activities the barrier point's own term (`barrier_point`) goes to: the barrier
/// activity and the prerequisites most work waits on. Where the rollout's units stand at
/// different steps of the barrier's chain, the other activities of the chain keep the reason and
/// the gate term but no `sequence`, ranked as the ready work they are, so the barrier leads the
/// list without crowding overdue time-critical work (a one-month check, say) out of the top five.
///
/// ```
/// assert_eq!(teichaku_rollout::BARRIER_ACTIVITIES, 2);
/// ```
pub const BARRIER_ACTIVITIES: usize = 2;

/// Days an intervention rests after its activity was run in a scope: a week for its effect and
/// a week to measure it.
const INTERVENTION_REST_DAYS: i64 = 14;

/// Whether `condition` reads `kpi` anywhere (negated or not).
fn reads_kpi(condition: &Condition, kpi: Kpi) -> bool {
    match condition {
        Condition::All { of } | Condition::Any { of } => of.iter().any(|c| reads_kpi(c, kpi)),
        Condition::Not { condition } => reads_kpi(condition, kpi),
        Condition::Compare { kpi: k, .. } => *k == kpi,
        _ => false,
    }
}

/// The name of the appointment of `role`.
fn appointment_title(role: Role) -> Localized {
    match role {
        Role::Executive => Localized::new("Name an executive sponsor", "推進を担う経営層を決める"),
        Role::PromotionLead => Localized::new("Appoint an AI promotion lead", "AI推進担当を任命する"),
        Role::Ambassador => Localized::new("Appoint an AI ambassador", "AIアンバサダーを任命する"),
        Role::Manager => Localized::new("Name the responsible manager", "責任者となる管理職を決める"),
        _ => Localized::new("Name the members who take part", "参加するメンバーを決める"),
    }
}

/// The position of `role` in [`Role::ALL`].
fn role_position(role: Role) -> usize {
    Role::ALL.iter().position(|&r| r == role).unwrap_or(Role::ALL.len())
}

/// The open instances of `activity` (in `unit` only, when given) that can start, or, for those
/// still waiting, the open prerequisites further up that can; sorted, once each.
fn startable_for(
    plan: &RolloutPlan,
    by_key: &Locator<'_>,
    activity: &ActivityId,
    readiness: &ReadinessReport,
    unit: Option<UnitId>,
) -> Vec<crate::InstanceKey> {
    let mut stack: Vec<&crate::InstancePlan> = match unit {
        // One unit's instance, looked up: a blocked wave asks this of each of its units.
        Some(u) => by_key
            .get(&crate::InstanceKey { activity: activity.clone(), unit: Some(u) })
            .filter(|i| i.done.is_none())
            .into_iter()
            .collect(),
        None => by_key
            .activity_position
            .get(activity)
            .map_or(&[][..], |&position| by_key.of_activity(position))
            .iter()
            .filter_map(|&k| plan.instances.get(k as usize))
            .filter(|i| &i.key.activity == activity && i.done.is_none())
            .collect(),
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut out = std::collections::BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !seen.insert(&i.key) {
            continue;
        }
        if i.can_start() {
            if readiness.reaches(i.wave, i.key.unit) {
                out.insert(i.key.clone());
            }
        } else {
            stack.extend(i.waiting_on.iter().filter_map(|k| by_key.get(k)));
            if i.wave_blocked {
                let gate = i.wave_gate.and_then(|w| plan.wave_gates.iter().find(|g| g.wave == w));
                stack.extend(gate.into_iter().flat_map(|g| &g.waiting_on).filter_map(|k| by_key.get(k)));
            }
        }
    }
    out.into_iter().collect()
}

/// The plan's instances found by key, through positions rather than a map over every key: the
/// instances of each activity are listed in one pass (no lookup by unit), and an activity's
/// instances are placed by unit position only when one of them is first asked for, so a call
/// that asks about a few activities pays for those alone.
struct Locator<'p> {
    snapshot: &'p ValidSnapshot,
    plan: &'p RolloutPlan,
    activity_position: BTreeMap<&'p ActivityId, usize>,
    /// By activity position: the places in the plan of its instances.
    by_activity: Vec<Vec<u32>>,
    /// By activity position, made on first use: the place in the plan of its instance in each
    /// unit (by unit position), or of its one instance.
    tables: Vec<std::cell::OnceCell<Vec<u32>>>,
}

impl<'p> Locator<'p> {
    const NONE: u32 = u32::MAX;

    fn new(snapshot: &'p ValidSnapshot, plan: &'p RolloutPlan) -> Self {
        let pb = snapshot.playbook();
        let activity_position: BTreeMap<&ActivityId, usize> =
            pb.activities.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
        let mut by_activity = vec![Vec::new(); pb.activities.len()];
        // Instances of one activity mostly come together: the last activity found is tried first,
        // by pointer (ids share their text).
        let mut last: Option<(&ActivityId, usize)> = None;
        for (k, i) in plan.instances.iter().enumerate() {
            let position = match last {
                Some((id, p)) if id.as_str().as_ptr() == i.key.activity.as_str().as_ptr() => Some(p),
                _ => activity_position.get(&i.key.activity).copied(),
            };
            let Some(position) = position else { continue };
            last = Some((&i.key.activity, position));
            if let Some(list) = by_activity.get_mut(position) {
                list.push(k as u32);
            }
        }
        let tables = (0..pb.activities.len()).map(|_| std::cell::OnceCell::new()).collect();
        Self { snapshot, plan, activity_position, by_activity, tables }
    }

    /// The places in the plan of the instances of the activity at `position`, by unit position.
    fn table(&self, position: usize) -> &[u32] {
        let Some(cell) = self.tables.get(position) else { return &[] };
        cell.get_or_init(|| {
            let per_unit =
                self.snapshot.playbook().activities.get(position).is_some_and(|a| a.scope == ActivityScope::PerUnit);
            let mut table = vec![Self::NONE; if per_unit { self.snapshot.organisation().units.len() } else { 1 }];
            for &k in self.by_activity.get(position).map_or(&[][..], Vec::as_slice) {
                let slot = match self.plan.instances.get(k as usize).map(|i| i.key.unit) {
                    Some(Some(u)) if per_unit => self.snapshot.unit_position(u),
                    Some(None) if !per_unit => Some(0),
                    _ => None,
                };
                if let Some(place) = slot.and_then(|s| table.get_mut(s)) {
                    *place = k;
                }
            }
            table
        })
    }

    /// The places in the plan of the instances of the activity at `position`, in plan order.
    fn of_activity(&self, position: usize) -> &[u32] {
        self.by_activity.get(position).map_or(&[][..], Vec::as_slice)
    }

    /// The instance of the activity at `position` in `unit`, or its one instance for `None`.
    fn at(&self, position: usize, unit: Option<UnitId>) -> Option<&'p crate::InstancePlan> {
        let slot = match unit {
            Some(u) => self.snapshot.unit_position(u)?,
            None => 0,
        };
        let at = *self.table(position).get(slot)?;
        self.plan.instances.get(at as usize).filter(|i| i.key.unit == unit)
    }

    /// The instance with key `key`.
    fn get(&self, key: &crate::InstanceKey) -> Option<&'p crate::InstancePlan> {
        let position = *self.activity_position.get(&key.activity)?;
        let slot = match key.unit {
            Some(u) => self.snapshot.unit_position(u)?,
            None => 0,
        };
        let at = *self.table(position).get(slot)?;
        self.plan.instances.get(at as usize).filter(|i| &i.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missed(unit: u128, shortfall: f64) -> Action {
        let due = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        Action {
            code: "target:habit_rate-by-30".to_owned(),
            title: Localized { en: "Target missed".to_owned(), ja: "目標未達".to_owned() },
            owner: Role::PromotionLead,
            members: Vec::new(),
            scope: ActionScope::Unit(UnitId::from_u128(unit)),
            units: Vec::new(),
            audience: Vec::new(),
            due: Some(due),
            reasons: vec![Reason::TargetMissed {
                kpi: Kpi::HabitRate,
                op: Comparison::AtLeast,
                threshold: 0.2,
                due,
                days_missed: 3,
                shortfall: Some(shortfall),
            }],
            urgency: 0.0,
            urgency_terms: UrgencyTerms::default(),
        }
    }

    /// Grouping keeps one of each reason as equality sees it: 0 and −0 are one shortfall, 0.05 and
    /// −0.05 two, and a reason met in a thousand units once.
    #[test]
    fn grouped_actions_keep_each_reason_once_as_equality_sees_it() {
        let grouped = group(vec![missed(1, 0.0), missed(2, -0.0), missed(3, 0.05), missed(4, -0.05)]);
        assert_eq!(grouped.len(), 1);
        let shortfalls: Vec<Option<f64>> = grouped[0]
            .reasons
            .iter()
            .map(|r| match r {
                Reason::TargetMissed { shortfall, .. } => *shortfall,
                _ => None,
            })
            .collect();
        assert_eq!(shortfalls, [Some(0.0), Some(0.05), Some(-0.05)]);
        assert_eq!(grouped[0].units.len(), 4);
        assert_eq!(grouped[0].scope, ActionScope::Organisation);

        let many = group((0..1000).map(|u| missed(u, 0.1)).collect());
        assert_eq!(many[0].reasons.len(), 1);
        assert_eq!(many[0].units.len(), 1000);
    }
}
