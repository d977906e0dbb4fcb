//! The instantiated rollout: every activity once for the organisation or once per rollout unit,
//! their dependencies and wave order, and the schedule that follows from completions, durations
//! and timings.
//!
//! Definitions (also in `docs/rollout.md`):
//! - An organisation-wide activity is one instance; a per-unit activity is one instance in each
//!   rollout unit (see [`crate::rollout_waves`]).
//! - Dependencies and timing anchors become edges: organisation → organisation, organisation →
//!   each unit's instance, a unit's instance → the same unit's instance, and a per-unit
//!   prerequisite of an organisation-wide activity → from each unit of the pilot wave.
//! - Wave order: in a unit of wave k ≥ 1, the per-unit instances with no per-unit prerequisite
//!   wait for the gate of wave k: the first phase's per-unit instances in every unit of wave
//!   k − 1; with the organisation's `deployment_pattern` top-down, of the pilot wave, so every
//!   wave after the pilot follows the pilot's gate. The gate is one node of the graph, not an edge from each of those instances to each
//!   waiting one, so a wave of 55 units costs edges in proportion to its instances, not to their
//!   square; it is reported once, in [`RolloutPlan::wave_gates`].
//! - An instance is done on the day of its first completion on or before `as_of`. An open
//!   instance starts no earlier than the day after `as_of`, the day after each prerequisite
//!   finishes, and its timing's `not_before_days` after its anchor; it finishes `duration_days − 1`
//!   days after it starts. It is due `due_within_days` after its anchor.
//! - An instance is done on the day of its first completion on or after its window opens;
//!   completions before are listed in `before_window` and do not count.
//! - Status: done; overdue (open and due before `as_of`); ready (every prerequisite done, the
//!   wave's gate passed and the window open on `as_of`); blocked.
//! - The critical path ends at the latest finish and walks back through the prerequisite that
//!   decided each start; the projected finish is that latest finish.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_model::{ActivityId, ActivityScope, Anchor, DeploymentPattern, PhaseId, UnitId, ValidSnapshot};

use crate::done::DoneIndex;
use crate::readiness::rollout_waves_and_positions;

/// Names one instance: an activity, and the unit for a per-unit one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstanceKey {
    /// The activity.
    pub activity: ActivityId,
    /// The unit, for a per-unit activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
}

/// Where an instance stands on `as_of`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Done.
    Done,
    /// Open, and its due date has passed.
    Overdue,
    /// Open, and every prerequisite is done.
    Ready,
    /// Open, waiting for a prerequisite.
    Blocked,
}

/// One instance with its schedule.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InstancePlan {
    /// The instance.
    pub key: InstanceKey,
    /// The activity's phase.
    pub phase: PhaseId,
    /// The unit's wave, for a per-unit instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave: Option<usize>,
    /// Where it stands.
    pub status: Status,
    /// The day it was done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<NaiveDate>,
    /// The earliest day it can start (for a done instance, the day it finished less its duration).
    pub earliest_start: NaiveDate,
    /// The earliest day it can finish (the day it was done, when done).
    pub earliest_finish: NaiveDate,
    /// The day it is due, when its timing sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// Every prerequisite, done or not.
    pub after: Vec<InstanceKey>,
    /// Its prerequisites not yet done.
    pub waiting_on: Vec<InstanceKey>,
    /// The wave whose gate it waits for (its own wave), when it waits for one: see
    /// [`RolloutPlan::wave_gates`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wave_gate: Option<usize>,
    /// Whether that gate is still closed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub wave_blocked: bool,
    /// The day its window opens (its timing's `not_before_days` after its anchor), while that is
    /// after `as_of`: until then it cannot start, whatever else is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<NaiveDate>,
    /// Completions recorded before its window opened, which do not count: the instance is done on
    /// its first completion on or after that day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub before_window: Vec<NaiveDate>,
    /// Whether it is done only because nobody present in its scope belongs to the activity's
    /// audience (training for staff aged 60 and over in a unit without any, say): it counts as done
    /// on the day its prerequisites were, and is never proposed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_audience: bool,
    /// Open instances that wait on it, directly or further down.
    pub blocking: usize,
    /// Whether it lies on the critical path.
    pub critical: bool,
}

/// The instantiated rollout and its schedule.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RolloutPlan {
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// Every instance, in dependency order (ties in playbook, then unit, order).
    pub instances: Vec<InstancePlan>,
    /// The gate of each wave after the first, in wave order.
    pub wave_gates: Vec<WaveGate>,
    /// The critical path, first to last.
    pub critical_path: Vec<InstanceKey>,
    /// The day the last instance is projected to finish.
    pub projected_finish: NaiveDate,
}

impl InstancePlan {
    /// Whether it is open and can start now: every prerequisite done, its wave's gate open and its
    /// window open.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let plan = teichaku_rollout::plan(&valid(), "2026-11-01".parse()?);
    /// let startable = plan.instances.iter().filter(|i| i.can_start()).count();
    /// # }
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn can_start(&self) -> bool {
        self.done.is_none() && self.waiting_on.is_empty() && !self.wave_blocked && self.opens.is_none()
    }
}

/// What a wave waits for before its units start: the first phase's per-unit instances in every
/// unit of the wave before it.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let plan = teichaku_rollout::plan(&valid(), "2026-11-01".parse()?);
/// for gate in &plan.wave_gates {
///     println!("wave {} waits for {} open instances", gate.wave, gate.waiting_on.len());
/// }
/// # }
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaveGate {
    /// The wave that waits (1 for the first wave after the pilot).
    pub wave: usize,
    /// The instances it waits for, sorted.
    pub after: Vec<InstanceKey>,
    /// Those not yet done, sorted.
    pub waiting_on: Vec<InstanceKey>,
    /// The day the last of them was done, once all are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<NaiveDate>,
    /// The day the last of them is projected to finish; the wave starts the day after.
    pub projected: NaiveDate,
}

/// Instantiates the playbook over the organisation's rollout units and schedules it.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let plan = teichaku_rollout::plan(&valid(), "2026-11-01".parse()?);
/// for step in plan.instances.iter().filter(|i| i.status == teichaku_rollout::Status::Overdue) {
///     println!("{} is overdue since {:?}", step.key.activity, step.due);
/// }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan(snapshot: &ValidSnapshot, as_of: NaiveDate) -> RolloutPlan {
    plan_reaching(snapshot, as_of, &[])
}

/// [`plan`], given the units the rollout has reached: readiness's
/// ([`ReadinessReport::reached`](crate::ReadinessReport::reached): the units of every wave that
/// may start, and those gone ahead of theirs). Their work waits for no wave gate: readiness, which
/// reads the gates, decides when a wave starts, and the plan's wave gates (the first phase's work
/// in every unit of the wave before) only project when the waves not reached yet will.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # fn kpis() -> teichaku_metrics::KpiReport { unimplemented!() }
/// # if false {
/// let (snapshot, kpis) = (valid(), kpis());
/// let ready = teichaku_rollout::readiness(&snapshot, &kpis);
/// let reached: Vec<_> = ready.reached().collect();
/// let plan = teichaku_rollout::plan_reaching(&snapshot, kpis.as_of, &reached);
/// assert!(plan.instances.iter().filter(|i| i.key.unit.is_some_and(|u| reached.contains(&u))).all(|i| !i.wave_blocked));
/// # }
/// ```
pub fn plan_reaching(snapshot: &ValidSnapshot, as_of: NaiveDate, reached: &[UnitId]) -> RolloutPlan {
    let snapshot = &*snapshot.on(as_of);
    let pb = snapshot.playbook();
    let (waves, positions) = rollout_waves_and_positions(snapshot);
    let units: Vec<UnitId> = waves.iter().flatten().copied().collect();
    // Each rollout unit's wave, by its position in `units`; the pilot's units come first.
    let unit_wave: Vec<usize> = waves.iter().enumerate().flat_map(|(w, us)| std::iter::repeat_n(w, us.len())).collect();
    let pilot_len = waves.first().map_or(0, Vec::len);
    let done_index = DoneIndex::new(snapshot, as_of, waves.first().map_or(&[], Vec::as_slice), &units, &positions);
    let per_unit_at = |a: usize| pb.activities.get(a).is_some_and(|a| a.scope == ActivityScope::PerUnit);
    let activity_position: BTreeMap<&ActivityId, usize> =
        pb.activities.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
    // Each activity's prerequisites and timing anchor, by position, worked out once.
    let prerequisites: Vec<Vec<usize>> = pb
        .activities
        .iter()
        .map(|a| a.prerequisites().into_iter().filter_map(|d| activity_position.get(d).copied()).collect())
        .collect();
    let anchors: Vec<Option<usize>> = pb
        .activities
        .iter()
        .map(|a| match a.timing.as_ref().map(|t| &t.after) {
            Some(Anchor::Activity(id)) => activity_position.get(id).copied(),
            _ => None,
        })
        .collect();

    // Instances, in playbook order then unit (wave) order: node `i` of the graph below is
    // `instances[i]`, and an instance is found by arithmetic, never by searching keys.
    let count: usize =
        pb.activities.iter().map(|a| if a.scope == ActivityScope::PerUnit { units.len() } else { 1 }).sum();
    let mut instances: Vec<Instance> = Vec::with_capacity(count);
    // Each activity's first instance: a per-unit activity's instances follow in `units` order.
    let mut first_instance: Vec<usize> = Vec::with_capacity(pb.activities.len());
    for (position, a) in pb.activities.iter().enumerate() {
        first_instance.push(instances.len());
        let instance = |unit: u32| Instance {
            position: position as u32,
            unit,
            done: done_index.first_at(position, units.get(unit as usize).copied()),
            has_unit_prerequisite: false,
        };
        if a.scope == ActivityScope::PerUnit {
            instances.extend((0..units.len()).map(|u| instance(u as u32)));
        } else {
            instances.push(instance(NO_UNIT));
        }
    }
    let n = instances.len();
    // The instance of the activity at `a` in the unit at `unit` of `units`, or its one instance
    // when it is organisation-wide.
    let instance_of = |a: usize, unit: Option<usize>| -> Option<usize> {
        let base = *first_instance.get(a)?;
        if per_unit_at(a) { unit.filter(|&u| u < units.len()).map(|u| base + u) } else { Some(base) }
    };
    let unit_of = |x: &Instance| (x.unit != NO_UNIT).then_some(x.unit as usize);
    let wave_of = |x: &Instance| unit_of(x).and_then(|u| unit_wave.get(u).copied());

    // Nodes: the instances, then one gate per wave (the pilot's gate, node `n`, has no edges).
    let gate_node = |wave: usize| n + wave;
    let is_gate = |i: usize| i >= n;

    // Edges: prerequisites (dependencies and anchors), then wave order through the gates.
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(n * 2);
    let edge = |from: usize, to: usize| (from as u32, to as u32);
    for (i, instance) in instances.iter_mut().enumerate() {
        let Some(deps) = prerequisites.get(instance.position as usize) else { continue };
        let unit = (instance.unit != NO_UNIT).then_some(instance.unit as usize);
        for &dep in deps {
            match (unit, per_unit_at(dep)) {
                (_, false) => edges.extend(instance_of(dep, None).map(|j| edge(j, i))),
                (Some(u), true) => {
                    instance.has_unit_prerequisite = true;
                    edges.extend(instance_of(dep, Some(u)).map(|j| edge(j, i)));
                }
                (None, true) => {
                    edges.extend((0..pilot_len).filter_map(|u| instance_of(dep, Some(u))).map(|j| edge(j, i)))
                }
            }
        }
    }
    let first_unit_phase = pb
        .phases
        .iter()
        .find(|p| pb.activities.iter().any(|a| a.phase == p.id && a.scope == ActivityScope::PerUnit))
        .map(|p| &p.id);
    // Whether each activity belongs to that phase.
    let in_first_unit_phase: Vec<bool> = pb.activities.iter().map(|a| Some(&a.phase) == first_unit_phase).collect();
    // The wave whose gate each instance waits for: in a unit of wave w ≥ 1, when no per-unit
    // prerequisite orders it within its unit.
    // The work of a unit the rollout has reached waits for no wave gate.
    let reached: BTreeSet<UnitId> = reached.iter().copied().collect();
    let is_reached: Vec<bool> = units.iter().map(|u| reached.contains(u)).collect();
    let wave_gate_of = |x: &Instance| {
        let w = wave_of(x).filter(|&w| w > 0 && !x.has_unit_prerequisite)?;
        (!unit_of(x).and_then(|u| is_reached.get(u)).copied().unwrap_or(false)).then_some(w)
    };
    // Top-down, every wave after the pilot follows the pilot's gate: the gate of wave 1 opens
    // the others. Bottom-up and hybrid, each wave follows the one before.
    let top_down = snapshot.organisation().deployment_pattern == DeploymentPattern::TopDown;
    if top_down {
        edges.extend((2..waves.len()).map(|w| edge(gate_node(1), gate_node(w))));
    }
    for (j, instance) in instances.iter().enumerate() {
        let Some(w) = wave_of(instance) else { continue };
        // The first phase's instances of wave w open the gate of wave w + 1 (of the pilot only,
        // top-down) ...
        if in_first_unit_phase.get(instance.position as usize).copied().unwrap_or(false)
            && w + 1 < waves.len()
            && (w == 0 || !top_down)
        {
            edges.push(edge(j, gate_node(w + 1)));
        }
        // ... and a unit's instances with no per-unit prerequisite wait for their wave's gate.
        if let Some(w) = wave_gate_of(instance) {
            edges.push(edge(gate_node(w), j));
        }
    }
    let nodes = n + waves.len();
    let outgoing = Adjacency::new(nodes, edges.iter().copied());
    let incoming = Adjacency::new(nodes, edges.iter().map(|&(from, to)| (to, from)));
    drop(edges);

    // Topological order, ties by node order; validation guarantees no cycle.
    let order = topological(&incoming, &outgoing);

    // Every node's schedule, instances then gates. The graph holds exactly these nodes, so the
    // `get`s below always find the node an edge names.
    let mut slots: Vec<Slot> = instances
        .iter()
        .map(|instance| Slot::open(as_of, instance.done))
        .chain(std::iter::repeat_n(Slot::open(as_of, None), waves.len()))
        .collect();
    let day_after = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    let plus = |d: NaiveDate, n: u32| d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d);
    let launch = snapshot.organisation().launch_date;
    for &i in &order {
        let Some(instance) = instances.get(i) else {
            // A gate finishes with the last instance it waits for, and is passed once all are done.
            let (mut last, mut all_done, mut by) = (NaiveDate::MIN, true, NONE);
            for (j, before) in incoming.of(i).iter().filter_map(|&j| Some((j, slots.get(j as usize)?))) {
                if before.finish > last || (before.finish == last && (by == NONE || j < by)) {
                    (last, by) = (before.finish, j);
                }
                all_done &= before.done.is_some();
            }
            if let Some(gate) = slots.get_mut(i) {
                (gate.start, gate.finish, gate.decided_by) = (last, last, by);
                gate.done = (all_done && by != NONE).then_some(last);
            }
            continue;
        };
        let Some(a) = pb.activities.get(instance.position as usize) else { continue };
        let duration = a.duration_days.max(1);
        let finish_of = |j: usize| slots.get(j).map(|s| s.finish);
        let anchor = anchors.get(instance.position as usize).copied().flatten();
        let anchor_day = a.timing.as_ref().map(|_| match anchor {
            // An organisation-wide activity anchored on a per-unit one counts from the pilot
            // units' latest finish, as its dependency does.
            Some(id) if per_unit_at(id) && instance.unit == NO_UNIT => {
                (0..pilot_len).filter_map(|u| instance_of(id, Some(u))).filter_map(finish_of).max().unwrap_or(launch)
            }
            Some(id) => instance_of(id, unit_of(instance)).and_then(finish_of).unwrap_or(launch),
            None => launch,
        });
        let due = a.timing.as_ref().and_then(|t| Some(plus(anchor_day?, t.due_within_days?)));
        let slot = if let Some(d) = instance.done {
            let start = d.checked_sub_days(Days::new(u64::from(duration - 1))).unwrap_or(d);
            Slot { start, finish: d, done: Some(d), due, decided_by: NONE, critical: false, opens: None }
        } else {
            let (mut s, mut by) = (day_after(as_of), NONE);
            let mut opens = None;
            if let (Some(t), Some(anchor)) = (&a.timing, anchor_day) {
                let window = plus(anchor, t.not_before_days);
                s = s.max(window);
                opens = Some(window).filter(|&w| w > as_of);
            }
            for (j, before) in incoming.of(i).iter().filter_map(|&j| Some((j, slots.get(j as usize)?))) {
                // A gate with nothing to wait for sets no start.
                if is_gate(j as usize) && before.decided_by == NONE {
                    continue;
                }
                let candidate = day_after(before.finish);
                if candidate > s || (candidate == s && (by == NONE || j < by)) {
                    (s, by) = (candidate, j);
                }
            }
            Slot { start: s, finish: plus(s, duration - 1), done: None, due, decided_by: by, critical: false, opens }
        };
        if let Some(place) = slots.get_mut(i) {
            *place = slot;
        }
    }

    // Open instances downstream of each instance, aligned with `order`. Gates count as done, so
    // they pass their descendants on without being counted.
    let counted_open: Vec<bool> = slots.iter().enumerate().map(|(i, s)| !is_gate(i) && s.done.is_none()).collect();
    let blocking = open_descendants(&outgoing, &order, &counted_open);

    // Instance keys, and their order, made from positions: a key is sorted by activity id, then
    // unit (none first), so each key's rank is arithmetic on the activity's rank among the ids
    // and the unit's among the rollout units.
    let keys = Keys::new(pb, &units);
    let key_of = |i: usize| instances.get(i).and_then(|x| keys.key(x));
    let rank_of = |i: usize| instances.get(i).map(|x| keys.rank(x));
    let mut scratch: Vec<(u64, usize)> = Vec::new();
    let mut sorted_keys = |nodes: &mut dyn Iterator<Item = usize>| -> Vec<InstanceKey> {
        scratch.clear();
        scratch.extend(nodes.filter_map(|j| Some((rank_of(j)?, j))));
        scratch.sort_unstable();
        scratch.dedup_by_key(|(rank, _)| *rank);
        let mut out = Vec::with_capacity(scratch.len());
        out.extend(scratch.iter().filter_map(|&(_, j)| key_of(j)));
        out
    };

    // The critical path: back from the latest finish (the first such instance in order), through
    // gates without listing them.
    let mut path = Vec::new();
    let last = order
        .iter()
        .filter(|&&i| !is_gate(i))
        .filter_map(|&i| Some((i, slots.get(i)?.finish)))
        .max_by(|&(a, fa), &(b, fb)| fa.cmp(&fb).then(b.cmp(&a)));
    let mut at = last.map(|(i, _)| i);
    while let Some(slot) = at.and_then(|i| slots.get_mut(i)) {
        if let Some(key) = at.and_then(key_of) {
            slot.critical = true;
            path.push(key);
        }
        at = (slot.decided_by != NONE).then_some(slot.decided_by as usize);
    }
    path.reverse();

    let done_of = |j: usize| slots.get(j).and_then(|s| s.done);
    let open = |j: &usize| done_of(*j).is_none();
    let mut wave_gates: Vec<WaveGate> = Vec::with_capacity(waves.len().saturating_sub(1));
    for (g, gate) in slots.iter().enumerate().skip(gate_node(1)) {
        let before = || incoming.of(g).iter().map(|&j| j as usize);
        wave_gates.push(WaveGate {
            wave: g - n,
            after: sorted_keys(&mut before()),
            waiting_on: sorted_keys(&mut before().filter(open)),
            passed: gate.done,
            projected: if gate.decided_by != NONE { gate.finish } else { as_of },
        });
    }
    let mut planned: Vec<InstancePlan> = Vec::with_capacity(n);
    for (&i, blocking) in order.iter().zip(blocking) {
        // Gates have no instance.
        let (Some(instance), Some(slot), Some(key)) = (instances.get(i), slots.get(i), key_of(i)) else { continue };
        let Some(a) = pb.activities.get(instance.position as usize) else { continue };
        let before = || incoming.of(i).iter().map(|&j| j as usize);
        let after = sorted_keys(&mut before());
        let waiting_on = if before().all(|j| !open(&j)) { Vec::new() } else { sorted_keys(&mut before().filter(open)) };
        let wave_gate = wave_gate_of(instance);
        let wave_blocked = wave_gate.is_some_and(|w| done_of(gate_node(w)).is_none());
        let status = match (slot.done, slot.due) {
            (Some(_), _) => Status::Done,
            (None, Some(d)) if d < as_of => Status::Overdue,
            _ if waiting_on.is_empty() && !wave_blocked && slot.opens.is_none() => Status::Ready,
            _ => Status::Blocked,
        };
        let position = instance.position as usize;
        planned.push(InstancePlan {
            phase: a.phase.clone(),
            wave: wave_of(instance),
            status,
            done: slot.done,
            earliest_start: slot.start,
            earliest_finish: slot.finish,
            due: slot.due,
            after,
            waiting_on,
            wave_gate,
            wave_blocked,
            opens: slot.opens,
            before_window: done_index.before_window(position, key.unit),
            no_audience: done_index.no_audience(position, key.unit),
            blocking,
            critical: slot.critical,
            key,
        });
    }
    RolloutPlan {
        as_of,
        instances: planned,
        wave_gates,
        critical_path: path,
        projected_finish: last.map_or(as_of, |(_, finish)| finish),
    }
}

/// The unit of an organisation-wide instance.
const NO_UNIT: u32 = u32::MAX;
/// No node.
const NONE: u32 = u32::MAX;

/// One instance while the plan is worked out: an activity, by position in the playbook, and a
/// unit, by position among the rollout units; its key is made only for the plan's output.
#[derive(Clone, Copy)]
struct Instance {
    /// The activity's position in the playbook.
    position: u32,
    /// The unit's position among the rollout units, or [`NO_UNIT`].
    unit: u32,
    /// The day of its first completion on or before `as_of`.
    done: Option<NaiveDate>,
    /// Whether a per-unit prerequisite orders it within its unit (then it waits for no gate).
    has_unit_prerequisite: bool,
}

/// Instance keys made from positions, and their sort order as a number.
struct Keys<'a> {
    ids: Vec<&'a ActivityId>,
    units: &'a [UnitId],
    /// Each activity's rank among the activity ids, by position.
    activity_rank: Vec<u64>,
    /// Each rollout unit's rank among the rollout units' ids, by position.
    unit_rank: Vec<u64>,
}

impl<'a> Keys<'a> {
    fn new(pb: &'a teichaku_model::Playbook, units: &'a [UnitId]) -> Self {
        let ids: Vec<&ActivityId> = pb.activities.iter().map(|a| &a.id).collect();
        Self { activity_rank: ranks(&ids), unit_rank: ranks(units), ids, units }
    }

    fn key(&self, x: &Instance) -> Option<InstanceKey> {
        let activity = (*self.ids.get(x.position as usize)?).clone();
        let unit = if x.unit == NO_UNIT { None } else { Some(*self.units.get(x.unit as usize)?) };
        Some(InstanceKey { activity, unit })
    }

    /// A number that sorts as the instance's key does: no unit before any unit.
    fn rank(&self, x: &Instance) -> u64 {
        let activity = self.activity_rank.get(x.position as usize).copied().unwrap_or(u64::MAX >> 1);
        let unit = if x.unit == NO_UNIT { 0 } else { 1 + self.unit_rank.get(x.unit as usize).copied().unwrap_or(0) };
        activity * (self.units.len() as u64 + 1) + unit
    }
}

/// Each item's rank in the sorted order of `items` (equal items share the lower rank).
fn ranks<T: Ord>(items: &[T]) -> Vec<u64> {
    let mut by_value: Vec<usize> = (0..items.len()).collect();
    by_value.sort_by(|&a, &b| items.get(a).cmp(&items.get(b)));
    let mut rank = vec![0u64; items.len()];
    let mut previous: Option<(&T, u64)> = None;
    for (r, &i) in by_value.iter().enumerate() {
        let Some(item) = items.get(i) else { continue };
        let value = match previous {
            Some((p, pr)) if p == item => pr,
            _ => r as u64,
        };
        previous = Some((item, value));
        if let Some(place) = rank.get_mut(i) {
            *place = value;
        }
    }
    rank
}

/// The edges of the graph from each node, as one list (compressed sparse rows): the rows of
/// node `i` are `to[start[i]..start[i + 1]]`, kept in the order the edges were given, parallel
/// edges included.
struct Adjacency {
    start: Vec<u32>,
    to: Vec<u32>,
}

impl Adjacency {
    fn new(nodes: usize, edges: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut start = vec![0u32; nodes + 1];
        for (from, _) in edges.clone() {
            if let Some(c) = start.get_mut(from as usize + 1) {
                *c += 1;
            }
        }
        for i in 1..start.len() {
            let before = start.get(i - 1).copied().unwrap_or(0);
            if let Some(c) = start.get_mut(i) {
                *c += before;
            }
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; start.last().copied().unwrap_or(0) as usize];
        for (from, target) in edges {
            if let Some(at) = fill.get_mut(from as usize) {
                if let Some(place) = to.get_mut(*at as usize) {
                    *place = target;
                }
                *at += 1;
            }
        }
        Self { start, to }
    }

    /// The nodes at the other end of node `i`'s edges.
    fn of(&self, i: usize) -> &[u32] {
        let (Some(&from), Some(&until)) = (self.start.get(i), self.start.get(i + 1)) else { return &[] };
        self.to.get(from as usize..until as usize).unwrap_or(&[])
    }

    fn nodes(&self) -> usize {
        self.start.len().saturating_sub(1)
    }
}

/// The schedule of one node, instance or gate, as the walk in dependency order works it out.
#[derive(Clone, Copy)]
struct Slot {
    start: NaiveDate,
    finish: NaiveDate,
    done: Option<NaiveDate>,
    due: Option<NaiveDate>,
    /// The node whose finish decided its start, or [`NONE`].
    decided_by: u32,
    critical: bool,
    /// The day its window opens, while that is after `as_of`.
    opens: Option<NaiveDate>,
}

impl Slot {
    fn open(as_of: NaiveDate, done: Option<NaiveDate>) -> Self {
        Self { start: as_of, finish: as_of, done, due: None, decided_by: NONE, critical: false, opens: None }
    }
}

/// Kahn's algorithm taking the earliest ready node first. When every edge goes from a node to
/// a later one (the usual playbook, without waves), that order is the nodes' own order: each
/// node's prerequisites all come before it, and no later node is ready before it.
fn topological(incoming: &Adjacency, outgoing: &Adjacency) -> Vec<usize> {
    let nodes = incoming.nodes();
    if (0..nodes).all(|i| outgoing.of(i).iter().all(|&j| j as usize > i)) {
        return (0..nodes).collect();
    }
    let mut waiting: Vec<usize> = (0..nodes).map(|i| incoming.of(i).len()).collect();
    let mut ready: BinaryHeap<Reverse<usize>> =
        waiting.iter().enumerate().filter(|&(_, &w)| w == 0).map(|(i, _)| Reverse(i)).collect();
    let mut order = Vec::with_capacity(nodes);
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        for &j in outgoing.of(i) {
            // Every node has its count of incoming edges, and each edge is taken once.
            if let Some(w) = waiting.get_mut(j as usize) {
                *w -= 1;
                if *w == 0 {
                    ready.push(Reverse(j as usize));
                }
            }
        }
    }
    order
}

/// How many open nodes lie downstream of each node of `order`, in that order, each counted once,
/// exactly: a bitset of open descendants per node, built in reverse dependency order. The open
/// nodes are taken 256 at a time (four words a node, a few hundred kilobytes for 20,000 nodes, so
/// each pass stays in cache), and each pass adds to every node's count. Past
/// [`EXACT_BLOCKING_LIMIT`] nodes the count is the sum over direct successors, which may count a
/// node reached twice.
fn open_descendants(outgoing: &Adjacency, order: &[usize], open: &[bool]) -> Vec<usize> {
    if open.len() > EXACT_BLOCKING_LIMIT {
        // By node: the sum over its direct successors of theirs and whether they are open.
        let mut below = vec![0usize; open.len()];
        for &i in order.iter().rev() {
            let sum = outgoing
                .of(i)
                .iter()
                .map(|&j| {
                    below.get(j as usize).copied().unwrap_or(0) + usize::from(open.get(j as usize) == Some(&true))
                })
                .sum();
            if let Some(place) = below.get_mut(i) {
                *place = sum;
            }
        }
        return order.iter().map(|&i| below.get(i).copied().unwrap_or(0)).collect();
    }
    const WORDS: usize = 4;
    const COLUMNS: usize = 64 * WORDS;
    /// The column of a node that is not open.
    const NONE: usize = usize::MAX;
    /// A successor: the step it is worked out at, and its column.
    #[derive(Clone, Copy)]
    struct Successor {
        step: usize,
        column: usize,
    }
    // The nodes are worked out in steps, `order` backwards, so a node's successors all come at
    // earlier steps: each step reads only what the steps before it pushed. An open node's column
    // is its rank among the open nodes in step order.
    let mut place: Vec<Option<Successor>> = vec![None; open.len()];
    let mut columns = 0;
    for (step, &i) in order.iter().rev().enumerate() {
        let column = if open.get(i).copied().unwrap_or(false) {
            columns += 1;
            columns - 1
        } else {
            NONE
        };
        if let Some(p) = place.get_mut(i) {
            *p = Some(Successor { step, column });
        }
    }
    // Successors as one list, step by step, with how many each step has: the passes below read
    // them many times.
    let mut successors: Vec<Successor> = Vec::new();
    let mut lens: Vec<usize> = Vec::with_capacity(order.len());
    for &i in order.iter().rev() {
        let before = successors.len();
        successors.extend(outgoing.of(i).iter().filter_map(|&j| place.get(j as usize).copied().flatten()));
        lens.push(successors.len() - before);
    }
    let mut count = vec![0usize; order.len()];
    let mut below: Vec<[u64; WORDS]> = Vec::with_capacity(order.len());
    for first in (0..columns).step_by(COLUMNS) {
        below.clear();
        let mut next = successors.iter();
        for (&len, total) in lens.iter().zip(&mut count) {
            let mut mine = [0u64; WORDS];
            for s in next.by_ref().take(len) {
                // Columns outside this pass fall past the last word.
                let k = s.column.wrapping_sub(first);
                if let Some(word) = mine.get_mut(k / 64) {
                    *word |= 1 << (k % 64);
                }
                if let Some(theirs) = below.get(s.step) {
                    for (m, b) in mine.iter_mut().zip(theirs) {
                        *m |= b;
                    }
                }
            }
            *total += mine.iter().map(|w| w.count_ones() as usize).sum::<usize>();
            below.push(mine);
        }
    }
    count.reverse();
    count
}

/// The most instances whose blocking counts are computed exactly.
pub const EXACT_BLOCKING_LIMIT: usize = 40_000;
