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
//!   k − 1. The gate is one node of the graph, not an edge from each of those instances to each
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

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use teichaku_model::{Activity, ActivityId, ActivityScope, Anchor, PhaseId, UnitId, ValidSnapshot};

use crate::done::DoneIndex;
use crate::readiness::rollout_waves;

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
    let pb = snapshot.playbook();
    let waves = rollout_waves(snapshot);
    let wave_of: BTreeMap<UnitId, usize> =
        waves.iter().enumerate().flat_map(|(w, units)| units.iter().map(move |&u| (u, w))).collect();
    let units: Vec<UnitId> = waves.iter().flatten().copied().collect();
    let done_index = DoneIndex::new(snapshot, as_of, waves.first().map_or(&[], Vec::as_slice), &units);

    // Instances, in playbook order then unit (wave) order: node `i` of the graph below is
    // `instances[i]`.
    let mut instances: Vec<Instance<'_>> = Vec::new();
    // Each activity's first instance: a per-unit activity's instances follow in `units` order.
    let mut first_instance: Vec<usize> = Vec::with_capacity(pb.activities.len());
    for (position, a) in pb.activities.iter().enumerate() {
        first_instance.push(instances.len());
        let instance = |unit: Option<UnitId>| Instance {
            key: InstanceKey { activity: a.id.clone(), unit },
            activity: a,
            position,
            wave: unit.and_then(|u| wave_of.get(&u).copied()),
            done: done_index.first_at(position, unit),
            has_unit_prerequisite: false,
            wave_gate: None,
        };
        match a.scope {
            ActivityScope::PerUnit => instances.extend(units.iter().map(|&u| instance(Some(u)))),
            _ => instances.push(instance(None)),
        }
    }
    let n = instances.len();
    let activity_position: BTreeMap<&ActivityId, usize> =
        pb.activities.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
    let unit_position: BTreeMap<UnitId, usize> = units.iter().enumerate().map(|(p, &u)| (u, p)).collect();
    let is_per_unit = |a: usize| pb.activities.get(a).is_some_and(|a| a.scope == ActivityScope::PerUnit);
    let per_unit = |id: &ActivityId| activity_position.get(id).is_some_and(|&a| is_per_unit(a));
    // The instance of activity `a` (by position) in `unit`, or its one instance when it is
    // organisation-wide; found by arithmetic, not by searching the instances.
    let instance_of = |a: usize, unit: Option<UnitId>| -> Option<usize> {
        let base = *first_instance.get(a)?;
        if is_per_unit(a) { Some(base + *unit_position.get(&unit?)?) } else { Some(base) }
    };
    let instance_by_id = |id: &ActivityId, unit: Option<UnitId>| instance_of(*activity_position.get(id)?, unit);
    // Each activity's prerequisites, by position, worked out once.
    let prerequisites: Vec<Vec<usize>> = pb
        .activities
        .iter()
        .map(|a| a.prerequisites().into_iter().filter_map(|d| activity_position.get(d).copied()).collect())
        .collect();

    // Nodes: the instances, then one gate per wave (the pilot's gate, node `n`, has no edges).
    let gate_node = |wave: usize| n + wave;
    let is_gate = |i: usize| i >= n;

    // Edges: prerequisites (dependencies and anchors), then wave order through the gates.
    let mut edges: Vec<(usize, usize)> = Vec::with_capacity(n * 2);
    let pilot: &[UnitId] = waves.first().map_or(&[], Vec::as_slice);
    for (i, instance) in instances.iter_mut().enumerate() {
        let Some(deps) = prerequisites.get(instance.position) else { continue };
        for &dep in deps {
            match (instance.key.unit, is_per_unit(dep)) {
                (_, false) => edges.extend(instance_of(dep, None).map(|j| (j, i))),
                (Some(u), true) => {
                    instance.has_unit_prerequisite = true;
                    edges.extend(instance_of(dep, Some(u)).map(|j| (j, i)));
                }
                (None, true) => edges.extend(pilot.iter().filter_map(|&u| instance_of(dep, Some(u))).map(|j| (j, i))),
            }
        }
    }
    let first_unit_phase = pb
        .phases
        .iter()
        .find(|p| pb.activities.iter().any(|a| a.phase == p.id && a.scope == ActivityScope::PerUnit))
        .map(|p| &p.id);
    for (j, instance) in instances.iter_mut().enumerate() {
        let Some(w) = instance.wave else { continue };
        // The first phase's instances of wave w open the gate of wave w + 1 ...
        if Some(&instance.activity.phase) == first_unit_phase && w + 1 < waves.len() {
            edges.push((j, gate_node(w + 1)));
        }
        // ... and a unit's instances with no per-unit prerequisite wait for their wave's gate.
        if w > 0 && !instance.has_unit_prerequisite {
            edges.push((gate_node(w), j));
            instance.wave_gate = Some(w);
        }
    }
    let mut graph = DiGraph::<(), ()>::with_capacity(n + waves.len(), edges.len());
    for _ in 0..n + waves.len() {
        graph.add_node(());
    }
    graph.extend_with_edges(edges.iter().map(|&(from, to)| (NodeIndex::new(from), NodeIndex::new(to))));

    // Topological order, ties by node order; validation guarantees no cycle.
    let order = topological(&graph);

    // Every node's schedule, instances then gates. The graph holds exactly these nodes, so the
    // `get`s below always find the node a graph edge names.
    let mut slots: Vec<Slot> = instances
        .iter()
        .map(|instance| Slot::open(as_of, instance.done))
        .chain(std::iter::repeat_n(Slot::open(as_of, None), waves.len()))
        .collect();
    let day_after = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    let plus = |d: NaiveDate, n: u32| d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d);
    let launch = snapshot.organisation().launch_date;
    let incoming = |i: usize| graph.neighbors_directed(NodeIndex::new(i), Direction::Incoming).map(|p| p.index());
    for &i in &order {
        let Some(instance) = instances.get(i) else {
            // A gate finishes with the last instance it waits for, and is passed once all are done.
            let (mut last, mut all_done, mut by) = (NaiveDate::MIN, true, None);
            for (j, before) in incoming(i).filter_map(|j| Some((j, slots.get(j)?))) {
                if before.finish > last || (before.finish == last && by.is_none_or(|b| j < b)) {
                    (last, by) = (before.finish, Some(j));
                }
                all_done &= before.done.is_some();
            }
            if let Some(gate) = slots.get_mut(i) {
                (gate.start, gate.finish, gate.decided_by) = (last, last, by);
                gate.done = (all_done && by.is_some()).then_some(last);
            }
            continue;
        };
        let a = instance.activity;
        let duration = a.duration_days.max(1);
        let finish_of = |j: usize| slots.get(j).map(|s| s.finish);
        let anchor_day = a.timing.as_ref().map(|t| match &t.after {
            // An organisation-wide activity anchored on a per-unit one counts from the pilot
            // units' latest finish, as its dependency does.
            Anchor::Activity(id) if per_unit(id) && instance.key.unit.is_none() => {
                pilot.iter().filter_map(|&u| instance_by_id(id, Some(u))).filter_map(finish_of).max().unwrap_or(launch)
            }
            Anchor::Activity(id) => instance_by_id(id, instance.key.unit).and_then(finish_of).unwrap_or(launch),
            _ => launch,
        });
        let due = a.timing.as_ref().and_then(|t| Some(plus(anchor_day?, t.due_within_days?)));
        let slot = if let Some(d) = instance.done {
            let start = d.checked_sub_days(Days::new(u64::from(duration - 1))).unwrap_or(d);
            Slot { start, finish: d, done: Some(d), due, decided_by: None, critical: false, opens: None }
        } else {
            let (mut s, mut by) = (day_after(as_of), None);
            let mut opens = None;
            if let (Some(t), Some(anchor)) = (&a.timing, anchor_day) {
                let window = plus(anchor, t.not_before_days);
                s = s.max(window);
                opens = Some(window).filter(|&w| w > as_of);
            }
            for (j, before) in incoming(i).filter_map(|j| Some((j, slots.get(j)?))) {
                // A gate with nothing to wait for sets no start.
                if is_gate(j) && before.decided_by.is_none() {
                    continue;
                }
                let candidate = day_after(before.finish);
                if candidate > s || (candidate == s && by.is_none_or(|d| j < d)) {
                    (s, by) = (candidate, Some(j));
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
    let blocking = open_descendants(&graph, &order, &counted_open);

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
        if let Some(instance) = at.and_then(|i| instances.get(i)) {
            slot.critical = true;
            path.push(instance.key.clone());
        }
        at = slot.decided_by;
    }
    path.reverse();

    let done_of = |j: usize| slots.get(j).and_then(|s| s.done);
    let wave_gates: Vec<WaveGate> = slots
        .iter()
        .enumerate()
        .skip(gate_node(1))
        .map(|(g, gate)| WaveGate {
            wave: g - n,
            after: sorted_keys(&instances, incoming(g)),
            waiting_on: sorted_keys(&instances, incoming(g).filter(|&j| done_of(j).is_none())),
            passed: gate.done,
            projected: if gate.decided_by.is_some() { gate.finish } else { as_of },
        })
        .collect();
    let planned = order
        .iter()
        .zip(blocking)
        .filter_map(|(&i, blocking)| {
            // Gates have no instance.
            let (instance, slot) = (instances.get(i)?, slots.get(i)?);
            let after = sorted_keys(&instances, incoming(i));
            let waiting_on = sorted_keys(&instances, incoming(i).filter(|&j| done_of(j).is_none()));
            let wave_blocked = instance.wave_gate.is_some_and(|w| done_of(gate_node(w)).is_none());
            let status = match (slot.done, slot.due) {
                (Some(_), _) => Status::Done,
                (None, Some(d)) if d < as_of => Status::Overdue,
                _ if waiting_on.is_empty() && !wave_blocked && slot.opens.is_none() => Status::Ready,
                _ => Status::Blocked,
            };
            Some(InstancePlan {
                key: instance.key.clone(),
                phase: instance.activity.phase.clone(),
                wave: instance.wave,
                status,
                done: slot.done,
                earliest_start: slot.start,
                earliest_finish: slot.finish,
                due: slot.due,
                after,
                waiting_on,
                wave_gate: instance.wave_gate,
                wave_blocked,
                opens: slot.opens,
                before_window: done_index.before_window(instance.position, instance.key.unit),
                no_audience: done_index.no_audience(instance.position, instance.key.unit),
                blocking,
                critical: slot.critical,
            })
        })
        .collect();
    RolloutPlan {
        as_of,
        instances: planned,
        wave_gates,
        critical_path: path,
        projected_finish: last.map_or(as_of, |(_, finish)| finish),
    }
}

/// One instance while the plan is worked out.
struct Instance<'a> {
    key: InstanceKey,
    activity: &'a Activity,
    /// The activity's position in the playbook.
    position: usize,
    /// The unit's wave, for a per-unit instance.
    wave: Option<usize>,
    /// The day of its first completion on or before `as_of`.
    done: Option<NaiveDate>,
    /// Whether a per-unit prerequisite orders it within its unit (then it waits for no gate).
    has_unit_prerequisite: bool,
    /// The wave whose gate it waits for.
    wave_gate: Option<usize>,
}

/// The schedule of one node, instance or gate, as the walk in dependency order works it out.
#[derive(Clone, Copy)]
struct Slot {
    start: NaiveDate,
    finish: NaiveDate,
    done: Option<NaiveDate>,
    due: Option<NaiveDate>,
    /// The node whose finish decided its start.
    decided_by: Option<usize>,
    critical: bool,
    /// The day its window opens, while that is after `as_of`.
    opens: Option<NaiveDate>,
}

impl Slot {
    fn open(as_of: NaiveDate, done: Option<NaiveDate>) -> Self {
        Self { start: as_of, finish: as_of, done, due: None, decided_by: None, critical: false, opens: None }
    }
}

/// The keys of the instances among `nodes` (gates have none), sorted, each once.
fn sorted_keys(instances: &[Instance<'_>], nodes: impl Iterator<Item = usize>) -> Vec<InstanceKey> {
    let mut keys: Vec<InstanceKey> = nodes.filter_map(|j| instances.get(j).map(|i| i.key.clone())).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Kahn's algorithm taking the earliest ready node first.
fn topological(graph: &DiGraph<(), ()>) -> Vec<usize> {
    let mut waiting: Vec<usize> =
        graph.node_indices().map(|i| graph.neighbors_directed(i, Direction::Incoming).count()).collect();
    let mut ready: BTreeSet<usize> = waiting.iter().enumerate().filter(|&(_, &w)| w == 0).map(|(i, _)| i).collect();
    let mut order = Vec::with_capacity(waiting.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for j in graph.neighbors_directed(NodeIndex::new(i), Direction::Outgoing) {
            // Every node has its count of incoming edges, and each edge is taken once.
            if let Some(w) = waiting.get_mut(j.index()) {
                *w -= 1;
                if *w == 0 {
                    ready.insert(j.index());
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
fn open_descendants(graph: &DiGraph<(), ()>, order: &[usize], open: &[bool]) -> Vec<usize> {
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
        successors.extend(
            graph
                .neighbors_directed(NodeIndex::new(i), Direction::Outgoing)
                .filter_map(|j| place.get(j.index()).copied().flatten()),
        );
        lens.push(successors.len() - before);
    }
    if open.len() > EXACT_BLOCKING_LIMIT {
        let mut count: Vec<usize> = Vec::with_capacity(order.len());
        let mut next = successors.iter();
        for &len in &lens {
            let sum = next
                .by_ref()
                .take(len)
                .map(|s| count.get(s.step).copied().unwrap_or(0) + usize::from(s.column != NONE))
                .sum();
            count.push(sum);
        }
        count.reverse();
        return count;
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
