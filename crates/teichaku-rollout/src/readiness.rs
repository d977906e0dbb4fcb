//! Readiness: which phase the rollout is in, how far each gate is from passing, the barrier
//! point, and which units and waves are ready to spread to.
//!
//! Definitions (also in `docs/rollout.md`):
//! - *Rollout units* are the units of the waves, in wave order; units in no wave and without
//!   sub-units form one more wave at the end. Without waves, every such unit is in the pilot.
//! - At organisation scope, a per-unit criterion asks of the units its `units` names: the pilot
//!   (the default for an activity), the units of every wave that may start (`reached`), or every
//!   rollout unit (`every`, the default for a role).
//! - In a unit's scope, a per-unit activity must be done in that unit and an organisation-wide
//!   one once; KPIs and roles are the unit's (with its sub-units).
//! - A criterion earns credit 1 when met; a KPI criterion short of its threshold earns partial
//!   credit (value ÷ threshold, or threshold ÷ value for at-most criteria, clipped to `[0, 1]`),
//!   except where the metrics withhold the KPI (a scope, or the KPI's group, under the minimum
//!   group size): it is then not met, earns no credit and is left out of the gate (its weight
//!   is not counted, and if mandatory it does not hold the gate shut), so nothing about the
//!   value shows and a unit under the minimum is judged on what it shows.
//! - A role asked of the organisation as a whole (not per unit) is counted in the organisation,
//!   in every scope.
//!   Readiness is earned weight ÷ total weight; a gate passes when every mandatory criterion is
//!   met and readiness reaches the gate's `pass_at`.
//! - The current phase is the first whose gate does not pass; the barrier point is the first
//!   unmet criterion of the current phase in criterion order (an unmet criterion of a phase
//!   whose gate passed without it holds nothing back), or, with every gate passed, the first
//!   unmet criterion in phase and criterion order.
//! - Wave k (k ≥ 1) may start when wave k − 1 (the pilot wave, when the organisation's
//!   `deployment_pattern` is top-down) may start, every unit of it has passed the first phase's
//!   gate in its own scope, and every unit of wave k has the roles the playbook asks of every
//!   unit (per-unit role criteria not limited to the pilot).
//! - Bottom-up (`deployment_pattern` `bottom_up`), the rollout also reaches, ahead of its wave,
//!   a unit of a wave that may not start where use already rises: once every pilot unit has
//!   passed the first phase's gate in its own scope, a unit whose weekly-active rate, as the KPI
//!   report shows it, is at least [`RISING_WEEKLY_ACTIVE`], or which has already done work of
//!   the playbook in its own scope, goes first ([`WaveReadiness::ahead`]). A unit whose figures
//!   are withheld is judged on the work it did alone, so the rule shows nothing withheld.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{KpiReport, Scope, ScopeKpis};

use crate::done::DoneIndex;
use crate::roles::RoleIndex;
use teichaku_model::{
    ActivityId, ActivityScope, Check, Comparison, CriterionId, DeploymentPattern, Gate, Kpi, OutcomeId, OutcomeMeasure,
    PhaseId, PlaybookId, Role, UnitCoverage, UnitId, ValidSnapshot,
};

/// Where the rollout stands on `as_of`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReadinessReport {
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// The playbook followed.
    pub playbook: PlaybookId,
    /// Its revision.
    pub playbook_revision: u32,
    /// The first phase whose gate does not pass; `None` when every gate passes.
    pub current_phase: Option<PhaseId>,
    /// Every phase's gate at organisation scope, in order.
    pub phases: Vec<GateReadiness>,
    /// The first unmet criterion, in phase and criterion order: what to fix first.
    pub barrier: Option<Barrier>,
    /// The rollout waves, the pilot first.
    pub waves: Vec<WaveReadiness>,
    /// Each rollout unit's own phase and what it lacks.
    pub units: Vec<UnitReadiness>,
}

/// One gate evaluated in one scope.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GateReadiness {
    /// The phase the gate closes.
    pub phase: PhaseId,
    /// Earned weight over total weight, in `[0, 1]` (1 for a gate without criteria).
    pub readiness: f64,
    /// The readiness at which the gate passes.
    pub pass_at: f64,
    /// Whether every mandatory criterion is met.
    pub mandatory_met: bool,
    /// Whether the gate passes.
    pub passed: bool,
    /// Each criterion, in order.
    pub criteria: Vec<CriterionReadiness>,
}

/// One gate criterion: what was observed against what is required.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CriterionReadiness {
    /// The criterion.
    pub criterion: CriterionId,
    /// Its weight.
    pub weight: f64,
    /// Whether it must be met for the gate to pass.
    pub mandatory: bool,
    /// Whether it is met.
    pub met: bool,
    /// The credit earned, in `[0, 1]`.
    pub credit: f64,
    /// What was observed.
    pub observed: Observed,
}

impl CriterionReadiness {
    /// Whether the criterion reads a KPI the metrics withhold: it then decides nothing (it is
    /// left out of its gate, and is neither a barrier point nor something a unit lacks).
    pub fn is_withheld(&self) -> bool {
        matches!(self.observed, Observed::Kpi { withheld: true, .. } | Observed::Outcome { withheld: true, .. })
    }
}

/// What a criterion observed.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Observed {
    /// An activity: the units it is done in, of those it is asked of (1 of 1 for an
    /// organisation-wide activity), and the units still lacking it.
    Activity {
        /// The activity.
        activity: ActivityId,
        /// Units (or 1 for organisation-wide) where it is done.
        done: u64,
        /// Units (or 1) where it is asked.
        of: u64,
        /// Units where it is not done yet.
        lacking: Vec<UnitId>,
    },
    /// An organisation-wide activity that must have been done recently: its last counted
    /// completion on or before `as_of`, if any, and how many days old it may be.
    Recent {
        /// The activity.
        activity: ActivityId,
        /// Its last counted completion.
        last: Option<NaiveDate>,
        /// How many days old the last completion may be.
        within_days: u32,
    },
    /// A KPI against its threshold; `value` is `None` when the KPI has no value or it is
    /// withheld.
    Kpi {
        /// The KPI.
        kpi: Kpi,
        /// Its value in the scope.
        value: Option<f64>,
        /// Whether the value is withheld because the scope, or the KPI's group, is smaller than
        /// the minimum group size (the criterion is then left out of its gate).
        withheld: bool,
        /// Which side passes.
        op: Comparison,
        /// The threshold.
        threshold: f64,
    },
    /// A role: members holding it, and the units lacking enough of them.
    Role {
        /// The role.
        role: Role,
        /// Members present holding it in the scope (the fewest in any unit, for a per-unit criterion).
        count: u64,
        /// How many are asked for.
        min_count: u32,
        /// Units lacking enough of them.
        lacking: Vec<UnitId>,
    },
    /// An outcome KPI against its threshold; `value` is `None` when the scope has no record of
    /// it on or before `as_of`, or it is withheld.
    Outcome {
        /// The outcome KPI.
        outcome: OutcomeId,
        /// What was read from its latest record.
        measure: OutcomeMeasure,
        /// The value read.
        value: Option<f64>,
        /// Whether the scope is withheld (smaller than the minimum group size); the criterion
        /// is then left out of its gate, as a withheld KPI criterion is.
        withheld: bool,
        /// Which side passes.
        op: Comparison,
        /// The threshold.
        threshold: f64,
    },
}

/// The barrier point.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Barrier {
    /// Its phase.
    pub phase: PhaseId,
    /// The criterion.
    pub criterion: CriterionId,
}

/// One rollout wave.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaveReadiness {
    /// Its position, 0 for the pilot.
    pub wave: usize,
    /// Its units.
    pub units: Vec<UnitId>,
    /// Whether it may start: the pilot always may.
    pub may_start: bool,
    /// Why it may not: units of the previous wave short of the first gate, and units of this
    /// wave lacking a role asked of every unit.
    pub blocked_by: Vec<WaveBlock>,
    /// Bottom-up, the units of a wave that may not start which the rollout reached ahead of it
    /// (use already rises there), sorted by id; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ahead: Vec<UnitId>,
}

/// The weekly-active rate at which use already rises in a unit the rollout has not reached:
/// bottom-up, such a unit goes ahead of its wave once the pilot has passed the first gate. Half
/// the unit using AI in a week before any of the method reached it is where enthusiasts started
/// on their own; the seed articles' bar of 20 % (weekly use under it at three months is failing)
/// would be met by an ambassador and one colleague in a unit of eight.
///
/// ```
/// assert_eq!(teichaku_rollout::RISING_WEEKLY_ACTIVE, 0.5);
/// ```
pub const RISING_WEEKLY_ACTIVE: f64 = 0.5;

impl ReadinessReport {
    /// Whether the rollout has reached `unit` of `wave` (`None` for either: the organisation,
    /// which it always has): the wave may start, or the unit went ahead of it.
    ///
    /// ```
    /// # fn report() -> teichaku_rollout::ReadinessReport { unimplemented!() }
    /// # if false {
    /// let ready = report();
    /// let reached = ready.units.iter().filter(|u| ready.reaches(Some(u.wave), Some(u.unit))).count();
    /// println!("{reached} units reached");
    /// # }
    /// ```
    pub fn reaches(&self, wave: Option<usize>, unit: Option<UnitId>) -> bool {
        let Some(w) = wave.and_then(|w| self.waves.get(w)) else { return true };
        w.may_start || unit.is_some_and(|u| w.ahead.binary_search(&u).is_ok())
    }

    /// The units the rollout has reached: those of every wave that may start, and those gone
    /// ahead of theirs, wave by wave.
    ///
    /// ```
    /// # fn report() -> teichaku_rollout::ReadinessReport { unimplemented!() }
    /// # if false {
    /// let ready = report();
    /// assert!(ready.reached().all(|u| ready.units.iter().any(|x| x.unit == u && ready.reaches(Some(x.wave), Some(u)))));
    /// # }
    /// ```
    pub fn reached(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.waves.iter().flat_map(|w| if w.may_start { &w.units } else { &w.ahead }).copied()
    }

    /// The units reached ahead of their wave, wave by wave.
    ///
    /// ```
    /// # fn report() -> teichaku_rollout::ReadinessReport { unimplemented!() }
    /// # if false {
    /// for unit in report().ahead() {
    ///     println!("{unit} goes ahead of its wave: use already rises there");
    /// }
    /// # }
    /// ```
    pub fn ahead(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.waves.iter().flat_map(|w| w.ahead.iter().copied())
    }
}

/// A reason a wave may not start yet.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaveBlock {
    /// A unit of the previous wave has not passed the first phase's gate.
    PreviousWaveGate {
        /// The unit.
        unit: UnitId,
        /// Its first unmet criterion.
        criterion: Option<CriterionId>,
    },
    /// The wave it follows (the one before; the pilot, top-down) may not start yet.
    PreviousWave {
        /// That wave.
        wave: usize,
    },
    /// A unit of this wave lacks a role the playbook asks of every unit.
    RoleMissing {
        /// The unit.
        unit: UnitId,
        /// The role.
        role: Role,
        /// The criterion asking for it.
        criterion: CriterionId,
    },
}

/// One rollout unit's own standing.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitReadiness {
    /// The unit.
    pub unit: UnitId,
    /// Its wave.
    pub wave: usize,
    /// The first phase whose gate does not pass in the unit's scope; `None` when all pass.
    pub phase: Option<PhaseId>,
    /// That gate in the unit's scope.
    pub gate: Option<GateReadiness>,
    /// The unmet criteria of that gate.
    pub lacks: Vec<CriterionId>,
}

/// Readiness of `snapshot` on the date of `kpis` (computed with every unit scope).
///
/// ```
/// # fn inputs() -> (teichaku_model::ValidSnapshot, teichaku_metrics::KpiReport) { unimplemented!() }
/// # if false {
/// let (snapshot, kpis) = inputs();
/// let ready = teichaku_rollout::readiness(&snapshot, &kpis);
/// if let Some(b) = &ready.barrier {
///     println!("fix first: {} in phase {}", b.criterion, b.phase);
/// }
/// # }
/// ```
pub fn readiness(snapshot: &ValidSnapshot, kpis: &KpiReport) -> ReadinessReport {
    let as_of = kpis.as_of;
    let snapshot = &*snapshot.on(as_of);
    let pb = snapshot.playbook();
    let (waves, positions) = rollout_waves_and_positions(snapshot);
    let pilot: Vec<UnitId> = waves.first().cloned().unwrap_or_default();
    let all_units: Vec<UnitId> = waves.iter().flatten().copied().collect();
    let roles = RoleIndex::new(snapshot, as_of);
    let done = DoneIndex::new(snapshot, as_of, &pilot, &all_units, &positions);
    // Each scope's figures, found by position (a search per unit would make readiness quadratic
    // in units).
    let figures = Figures::new(kpis);
    let units: Vec<UnitReadiness> = waves
        .iter()
        .enumerate()
        .flat_map(|(w, units)| units.iter().map(move |&u| (w, u)))
        .zip(&positions)
        .map(|((wave, unit), &position)| {
            let one = [unit];
            let ctx = Ctx {
                snapshot,
                figures: figures.unit(unit, Some(position)),
                done: &done,
                pilot: &one,
                reached: &one,
                every: &one,
                every_positions: std::slice::from_ref(&position),
                roles: &roles,
                as_of,
            };
            let gate = pb.phases.iter().map(|p| ctx.gate(&p.id, &p.gate)).find(|g| !g.passed);
            let lacks = gate
                .iter()
                .flat_map(|g| g.criteria.iter().filter(|c| !c.met && !c.is_withheld()).map(|c| c.criterion.clone()))
                .collect();
            UnitReadiness { unit, wave, phase: gate.as_ref().map(|g| g.phase.clone()), gate, lacks }
        })
        .collect();

    let first_phase = pb.phases.first().map(|p| p.id.clone());
    // Where each wave's units start in `units` (which lists the waves' units in order).
    let wave_start: Vec<usize> = waves
        .iter()
        .scan(0, |start, w| {
            let here = *start;
            *start += w.len();
            Some(here)
        })
        .collect();
    // Roles asked of every unit the rollout reaches (not of the pilot alone): a wave starts with them.
    let per_unit_roles: Vec<(Role, u32, CriterionId)> = pb
        .phases
        .iter()
        .flat_map(|p| &p.gate.criteria)
        .filter(|c| c.units != Some(UnitCoverage::Pilot))
        .filter_map(|c| match &c.check {
            Check::RolePresent { role, min_count, per_unit: true } => Some((*role, *min_count, c.id.clone())),
            _ => None,
        })
        .collect();
    let top_down = snapshot.organisation().deployment_pattern == DeploymentPattern::TopDown;
    // Bottom-up: after the pilot's first gate, units where use already rises go ahead of their
    // wave (see the module's definitions).
    let bottom_up = snapshot.organisation().deployment_pattern == DeploymentPattern::BottomUp;
    let pilot_units = waves.first().map_or(0, Vec::len);
    let pilot_passed = units.iter().take(pilot_units).all(|r| r.phase.is_none() || r.phase != first_phase);
    let worked = if bottom_up { done.units_with_work() } else { Default::default() };
    let rising = |unit: UnitId, position: usize| {
        worked.contains(&unit)
            || figures
                .unit(unit, Some(position))
                .and_then(|s| s.value(Kpi::WeeklyActiveRate))
                .is_some_and(|v| v >= RISING_WEEKLY_ACTIVE)
    };
    let mut out: Vec<WaveReadiness> = Vec::with_capacity(waves.len());
    for (wave, members) in waves.iter().enumerate() {
        let mut blocked_by = Vec::new();
        // The wave it follows: the one before, or the pilot, top-down. A wave never starts
        // before the wave it follows, even where that wave's units passed the first gate in
        // their own scope (a first phase of organisation-wide work passes in every unit).
        let follows = if top_down { wave.min(1).checked_sub(1) } else { wave.checked_sub(1) };
        if let Some(w) = follows.filter(|&w| out.get(w).is_some_and(|x| !x.may_start)) {
            blocked_by.push(WaveBlock::PreviousWave { wave: w });
        }
        let previous = follows.and_then(|w| Some((waves.get(w)?, *wave_start.get(w)?)));
        for (j, &unit) in
            previous.into_iter().flat_map(|(w, start)| w.iter().enumerate().map(move |(j, u)| (start + j, u)))
        {
            let u = units.get(j).filter(|r| r.unit == unit);
            let short = u.is_some_and(|r| r.phase.is_some() && r.phase == first_phase);
            if short {
                blocked_by
                    .push(WaveBlock::PreviousWaveGate { unit, criterion: u.and_then(|r| r.lacks.first().cloned()) });
            }
        }
        // Each (unit, role) named once: a unit is in one wave, so the roles named are kept for
        // the unit at hand (a search of `blocked_by` per unit would make a wide wave quadratic).
        let start = wave_start.get(wave).copied().unwrap_or(0);
        for (j, &unit) in members.iter().enumerate() {
            let position = positions.get(start + j).copied();
            let mut named: Vec<Role> = Vec::new();
            for (role, min_count, criterion) in &per_unit_roles {
                if !named.contains(role) && roles.count_unit(unit, position, *role) < u64::from(*min_count) {
                    named.push(*role);
                    blocked_by.push(WaveBlock::RoleMissing { unit, role: *role, criterion: criterion.clone() });
                }
            }
        }
        let may_start = wave == 0 || blocked_by.is_empty();
        let ahead = if may_start || !bottom_up || !pilot_passed {
            Vec::new()
        } else {
            let mut ahead: Vec<UnitId> = members
                .iter()
                .zip(positions.iter().skip(start))
                .filter(|&(&u, &p)| rising(u, p))
                .map(|(&u, _)| u)
                .collect();
            // Sorted, so `reaches` finds a unit by binary search.
            ahead.sort_unstable();
            ahead
        };
        out.push(WaveReadiness { wave, units: members.clone(), may_start, blocked_by, ahead });
    }
    let waves = out;

    // The organisation's gates, each per-unit criterion over the units its coverage names.
    let reached: Vec<UnitId> =
        waves.iter().flat_map(|w| if w.may_start { &w.units } else { &w.ahead }).copied().collect();
    let org = Ctx {
        snapshot,
        figures: figures.organisation(),
        done: &done,
        pilot: &pilot,
        reached: &reached,
        every: &all_units,
        every_positions: &positions,
        roles: &roles,
        as_of,
    };
    let phases: Vec<GateReadiness> = pb.phases.iter().map(|p| org.gate(&p.id, &p.gate)).collect();
    let current_phase = phases.iter().find(|g| !g.passed).map(|g| g.phase.clone());
    // What holds the rollout back is in the phase it is in: an unmet criterion of a phase already
    // passed (its gate passed without it) stops nothing. With every phase passed, the first unmet
    // criterion left is still the point to fix first.
    let first_unmet = |g: &GateReadiness| {
        g.criteria
            .iter()
            .find(|c| !c.met && !c.is_withheld())
            .map(|c| Barrier { phase: g.phase.clone(), criterion: c.criterion.clone() })
    };
    let barrier =
        phases.iter().find(|g| !g.passed).and_then(first_unmet).or_else(|| phases.iter().find_map(first_unmet));

    ReadinessReport {
        as_of,
        playbook: pb.id.clone(),
        playbook_revision: pb.revision,
        current_phase,
        phases,
        barrier,
        waves,
        units,
    }
}

/// The rollout waves: the organisation's, then units in no wave and without sub-units.
pub fn rollout_waves(snapshot: &ValidSnapshot) -> Vec<Vec<UnitId>> {
    let units = &snapshot.organisation().units;
    rollout_positions(snapshot)
        .into_iter()
        .map(|wave| wave.into_iter().filter_map(|p| units.get(p).map(|u| u.id)).collect())
        .collect()
}

/// [`rollout_waves`] by the units' positions in the organisation's unit list, found without a
/// lookup by id for the units in no wave.
pub(crate) fn rollout_positions(snapshot: &ValidSnapshot) -> Vec<Vec<usize>> {
    let org = snapshot.organisation();
    let n = org.units.len();
    let mut waves: Vec<Vec<usize>> = org
        .waves
        .iter()
        .map(|w| w.units.iter().filter_map(|&u| snapshot.unit_position(u)).collect::<Vec<usize>>())
        .filter(|w| !w.is_empty())
        .collect();
    let mut placed = vec![false; n];
    for &p in waves.iter().flatten() {
        if let Some(mark) = placed.get_mut(p) {
            *mark = true;
        }
    }
    for parent in (0..n).filter_map(|u| snapshot.parent_position(u)) {
        if let Some(mark) = placed.get_mut(parent) {
            *mark = true;
        }
    }
    let rest: Vec<usize> = (0..n).filter(|&u| placed.get(u) == Some(&false)).collect();
    if !rest.is_empty() {
        waves.push(rest);
    }
    waves
}

/// The rollout waves by id and, aligned with their units in wave order, each unit's position.
pub(crate) fn rollout_waves_and_positions(snapshot: &ValidSnapshot) -> (Vec<Vec<UnitId>>, Vec<usize>) {
    let units = &snapshot.organisation().units;
    let positions = rollout_positions(snapshot);
    let waves =
        positions.iter().map(|wave| wave.iter().filter_map(|&p| units.get(p).map(|u| u.id)).collect()).collect();
    (waves, positions.into_iter().flatten().collect())
}

struct Ctx<'a> {
    snapshot: &'a ValidSnapshot,
    /// The scope's own figures, when the KPI report has them.
    figures: Option<&'a ScopeKpis>,
    done: &'a DoneIndex,
    /// The units a per-unit criterion asks of, by coverage (each the scope's one unit in a unit's scope).
    pilot: &'a [UnitId],
    reached: &'a [UnitId],
    every: &'a [UnitId],
    /// The positions of the units of `every` in the organisation's unit list.
    every_positions: &'a [usize],
    roles: &'a RoleIndex<'a>,
    as_of: NaiveDate,
}

impl Ctx<'_> {
    fn gate(&self, phase: &PhaseId, gate: &Gate) -> GateReadiness {
        let criteria: Vec<CriterionReadiness> = gate
            .criteria
            .iter()
            .map(|c| {
                let (met, credit, observed) = self.check(&c.check, c.units);
                CriterionReadiness {
                    criterion: c.id.clone(),
                    weight: c.weight,
                    mandatory: c.mandatory,
                    met,
                    credit,
                    observed,
                }
            })
            .collect();
        // A criterion on a withheld KPI decides nothing, either way: it is left out of the
        // weights and cannot hold the gate shut (as a withheld score component is left out).
        let withheld = |c: &&CriterionReadiness| c.is_withheld();
        let total: f64 = criteria.iter().filter(|c| !withheld(c)).map(|c| c.weight).sum();
        let earned: f64 = criteria.iter().filter(|c| !withheld(c)).map(|c| c.weight * c.credit).sum();
        let readiness = if total > 0.0 { (earned / total).clamp(0.0, 1.0) } else { 1.0 };
        let mandatory_met = criteria.iter().all(|c| c.met || !c.mandatory || withheld(&c));
        GateReadiness {
            phase: phase.clone(),
            readiness,
            pass_at: gate.pass_at,
            mandatory_met,
            passed: mandatory_met && readiness >= gate.pass_at,
            criteria,
        }
    }

    /// The units `coverage` names, or `default` when the criterion names none.
    fn units(&self, coverage: Option<UnitCoverage>, default: UnitCoverage) -> &[UnitId] {
        match coverage.unwrap_or(default) {
            UnitCoverage::Pilot => self.pilot,
            UnitCoverage::Reached => self.reached,
            _ => self.every,
        }
    }

    fn check(&self, check: &Check, coverage: Option<UnitCoverage>) -> (bool, f64, Observed) {
        match check {
            Check::ActivityDone { activity } => {
                let per_unit = self.snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
                let position = self.done.position(activity);
                let done_in = |unit: Option<UnitId>| position.and_then(|p| self.done.first_at(p, unit)).is_some();
                let (done, of, lacking) = if per_unit {
                    let lacking: Vec<UnitId> = self
                        .units(coverage, UnitCoverage::Pilot)
                        .iter()
                        .copied()
                        .filter(|&u| !done_in(Some(u)))
                        .collect();
                    let of = self.units(coverage, UnitCoverage::Pilot).len() as u64;
                    (of - lacking.len() as u64, of, lacking)
                } else {
                    (u64::from(done_in(None)), 1, Vec::new())
                };
                let met = of > 0 && done == of;
                (met, if met { 1.0 } else { 0.0 }, Observed::Activity { activity: activity.clone(), done, of, lacking })
            }
            Check::ActivityRecent { activity, within_days } => {
                let last = self.done.position(activity).and_then(|p| self.done.last_at(p, None));
                let met = self.done.recent(activity, self.as_of, *within_days);
                (
                    met,
                    if met { 1.0 } else { 0.0 },
                    Observed::Recent { activity: activity.clone(), last, within_days: *within_days },
                )
            }
            Check::Kpi { kpi, op, threshold } => {
                let scope = self.figures;
                let value = scope.and_then(|s| s.value(*kpi));
                // The metrics crate withholds a KPI of a group under the minimum group size (and
                // every KPI of a withheld scope): no value, no partial credit, never met.
                let withheld = scope.is_some_and(|s| s.kpi(*kpi) == teichaku_metrics::Figure::Suppressed);
                let met = value.is_some_and(|v| op.holds(v, *threshold));
                let credit = match (value, op) {
                    (_, _) if met => 1.0,
                    _ if withheld => 0.0,
                    (Some(v), Comparison::AtMost) if v > 0.0 => (threshold / v).clamp(0.0, 1.0),
                    (Some(v), _) if *threshold > 0.0 => (v / threshold).clamp(0.0, 1.0),
                    _ => 0.0,
                };
                // "Never" (a "days since" KPI whose event never happened) is infinitely many days: no number to show.
                let value = if withheld { None } else { value.filter(|v| v.is_finite()) };
                (met, credit, Observed::Kpi { kpi: *kpi, value, withheld, op: *op, threshold: *threshold })
            }
            Check::RolePresent { role, min_count, per_unit } => {
                let need = u64::from(*min_count);
                let (count, lacking) = if *per_unit {
                    let units = self.units(coverage, UnitCoverage::Every);
                    // The units' positions, where known: those of every rollout unit.
                    let positions = Some(self.every_positions)
                        .filter(|p| std::ptr::eq(units, self.every) && p.len() == units.len());
                    let counts: Vec<(UnitId, u64)> = units
                        .iter()
                        .enumerate()
                        .map(|(i, &u)| (u, self.roles.count_unit(u, positions.and_then(|p| p.get(i).copied()), *role)))
                        .collect();
                    let lacking = counts.iter().filter(|(_, c)| *c < need).map(|(u, _)| *u).collect();
                    (counts.iter().map(|(_, c)| *c).min().unwrap_or(0), lacking)
                } else {
                    // A role asked of the organisation as a whole is counted there, in every scope.
                    (self.roles.count(&Scope::Organisation, *role), Vec::new())
                };
                let met = count >= need && lacking.is_empty();
                (
                    met,
                    if met { 1.0 } else { 0.0 },
                    Observed::Role { role: *role, count, min_count: *min_count, lacking },
                )
            }
            Check::Outcome { outcome, op, threshold, measure } => crate::review_pack::outcome_check(
                self.snapshot,
                self.figures,
                outcome,
                *op,
                *threshold,
                *measure,
                self.as_of,
            ),
            _ => (false, 0.0, Observed::Role { role: Role::Staff, count: 0, min_count: 0, lacking: Vec::new() }),
        }
    }
}

/// The figures of each scope of a KPI report, found by position: a report of every scope lists
/// the organisation, then each unit in the organisation's order, then the roles, so unit `p`'s
/// figures are checked at place `p + 1` first; a report in another order is searched through a
/// map made on first need.
pub(crate) struct Figures<'a> {
    kpis: &'a KpiReport,
    map: std::cell::OnceCell<BTreeMap<&'a Scope, &'a ScopeKpis>>,
}

impl<'a> Figures<'a> {
    pub(crate) fn new(kpis: &'a KpiReport) -> Self {
        Self { kpis, map: std::cell::OnceCell::new() }
    }

    fn search(&self, scope: &Scope) -> Option<&'a ScopeKpis> {
        self.map.get_or_init(|| self.kpis.scopes.iter().map(|s| (&s.scope, s)).collect()).get(scope).copied()
    }

    /// The organisation's figures.
    pub(crate) fn organisation(&self) -> Option<&'a ScopeKpis> {
        match self.kpis.scopes.first() {
            Some(s) if s.scope == Scope::Organisation => Some(s),
            _ => self.search(&Scope::Organisation),
        }
    }

    /// The figures of unit `unit`, at `position` in the organisation's unit list when known.
    pub(crate) fn unit(&self, unit: UnitId, position: Option<usize>) -> Option<&'a ScopeKpis> {
        let scope = Scope::Unit(unit);
        match position.and_then(|p| self.kpis.scopes.get(p + 1)) {
            Some(s) if s.scope == scope => Some(s),
            _ => self.search(&scope),
        }
    }

    /// The figures of `scope`.
    pub(crate) fn of(&self, scope: &Scope, snapshot: &ValidSnapshot) -> Option<&'a ScopeKpis> {
        match scope {
            Scope::Organisation => self.organisation(),
            Scope::Unit(u) => self.unit(*u, snapshot.unit_position(*u)),
            other => self.search(other),
        }
    }
}
