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
//! - Status: done; overdue (open and due before `as_of`); ready (every prerequisite done);
//!   blocked.
//! - The critical path ends at the latest finish and walks back through the prerequisite that
//!   decided each start; the projected finish is that latest finish.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use teichaku_model::{ActivityId, ActivityScope, Anchor, PhaseId, UnitId, ValidSnapshot};

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
    /// Whether it is open and can start now: every prerequisite done and its wave's gate open.
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
        self.done.is_none() && self.waiting_on.is_empty() && !self.wave_blocked
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

    // Instances, in playbook order then unit (wave) order.
    let mut keys: Vec<InstanceKey> = Vec::new();
    let mut phases: Vec<PhaseId> = Vec::new();
    // Each activity's first instance: a per-unit activity's instances follow in `units` order.
    let mut first_instance: Vec<usize> = Vec::with_capacity(pb.activities.len());
    for a in &pb.activities {
        let before = keys.len();
        first_instance.push(before);
        match a.scope {
            ActivityScope::PerUnit => {
                keys.extend(units.iter().map(|&u| InstanceKey { activity: a.id.clone(), unit: Some(u) }))
            }
            _ => keys.push(InstanceKey { activity: a.id.clone(), unit: None }),
        }
        phases.extend(std::iter::repeat_n(a.phase.clone(), keys.len() - before));
    }
    let n = keys.len();
    let activity_position: BTreeMap<&ActivityId, usize> =
        pb.activities.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
    let unit_position: BTreeMap<UnitId, usize> = units.iter().enumerate().map(|(p, &u)| (u, p)).collect();
    let is_per_unit = |a: usize| pb.activities.get(a).is_some_and(|a| a.scope == ActivityScope::PerUnit);
    let per_unit = |id: &ActivityId| activity_position.get(id).is_some_and(|&a| is_per_unit(a));
    // The instance of activity `a` (by position) in `unit`, or its one instance when it is
    // organisation-wide; found by arithmetic, not by searching the keys.
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
    let instance_activity: Vec<usize> = (0..pb.activities.len())
        .flat_map(|a| std::iter::repeat_n(a, if is_per_unit(a) { units.len() } else { 1 }))
        .collect();

    // Nodes: the instances, then one gate per wave (the pilot's gate, node `n`, has no edges).
    let mut graph = DiGraph::<(), ()>::with_capacity(n + waves.len(), n * 2);
    let nodes: Vec<NodeIndex> = (0..n + waves.len()).map(|_| graph.add_node(())).collect();
    let gate_node = |wave: usize| n + wave;

    // Edges: prerequisites (dependencies and anchors), then wave order through the gates.
    let mut has_unit_prerequisite = vec![false; n];
    let pilot: &[UnitId] = waves.first().map_or(&[], Vec::as_slice);
    for (i, key) in keys.iter().enumerate() {
        let Some(deps) = instance_activity.get(i).and_then(|&a| prerequisites.get(a)) else { continue };
        for &dep in deps {
            let from: Vec<usize> = match (key.unit, is_per_unit(dep)) {
                (_, false) => instance_of(dep, None).into_iter().collect(),
                (Some(u), true) => {
                    has_unit_prerequisite[i] = true;
                    instance_of(dep, Some(u)).into_iter().collect()
                }
                (None, true) => pilot.iter().filter_map(|&u| instance_of(dep, Some(u))).collect(),
            };
            for j in from {
                graph.add_edge(nodes[j], nodes[i], ());
            }
        }
    }
    let first_unit_phase = pb
        .phases
        .iter()
        .find(|p| pb.activities.iter().any(|a| a.phase == p.id && a.scope == ActivityScope::PerUnit))
        .map(|p| p.id.clone());
    let mut wave_gate: Vec<Option<usize>> = vec![None; n];
    for (j, key) in keys.iter().enumerate() {
        let Some(w) = key.unit.as_ref().and_then(|u| wave_of.get(u).copied()) else { continue };
        // The first phase's instances of wave w open the gate of wave w + 1 ...
        if Some(&phases[j]) == first_unit_phase.as_ref() && w + 1 < waves.len() {
            graph.add_edge(nodes[j], nodes[gate_node(w + 1)], ());
        }
        // ... and a unit's instances with no per-unit prerequisite wait for their wave's gate.
        if w > 0 && !has_unit_prerequisite[j] {
            graph.add_edge(nodes[gate_node(w)], nodes[j], ());
            wave_gate[j] = Some(w);
        }
    }
    let is_gate = |i: usize| i >= n;

    // Topological order, ties by node order; validation guarantees no cycle.
    let order = topological(&graph, graph.node_count());

    let mut first_done: BTreeMap<(&ActivityId, Option<UnitId>), NaiveDate> = BTreeMap::new();
    for c in snapshot.observations().completions.iter().filter(|c| c.date <= as_of) {
        first_done.entry((&c.activity, c.unit)).and_modify(|d| *d = (*d).min(c.date)).or_insert(c.date);
    }
    let mut done: Vec<Option<NaiveDate>> =
        keys.iter().map(|k| first_done.get(&(&k.activity, k.unit)).copied()).collect();
    done.resize(graph.node_count(), None);
    let day_after = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    let plus = |d: NaiveDate, n: u32| d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d);
    let launch = snapshot.organisation().launch_date;
    let nodes_n = graph.node_count();
    let mut start = vec![as_of; nodes_n];
    let mut finish = vec![as_of; nodes_n];
    let mut decided_by: Vec<Option<usize>> = vec![None; nodes_n];
    let mut due: Vec<Option<NaiveDate>> = vec![None; nodes_n];
    let incoming = |i: usize| graph.neighbors_directed(nodes[i], petgraph::Direction::Incoming).map(|p| p.index());
    for &i in &order {
        if is_gate(i) {
            // A gate finishes with the last instance it waits for, and is passed once all are done.
            let (mut last, mut all_done, mut by) = (NaiveDate::MIN, true, None);
            for j in incoming(i) {
                if finish[j] > last || (finish[j] == last && by.is_none_or(|b| j < b)) {
                    (last, by) = (finish[j], Some(j));
                }
                all_done &= done[j].is_some();
            }
            (start[i], finish[i], decided_by[i]) = (last, last, by);
            done[i] = (all_done && by.is_some()).then_some(last);
            continue;
        }
        let Some(a) = instance_activity.get(i).and_then(|&a| pb.activities.get(a)) else { continue };
        let duration = a.duration_days.max(1);
        let anchor_day = a.timing.as_ref().map(|t| match &t.after {
            // An organisation-wide activity anchored on a per-unit one counts from the pilot
            // units' latest finish, as its dependency does.
            Anchor::Activity(id) if per_unit(id) && keys[i].unit.is_none() => {
                pilot.iter().filter_map(|&u| instance_by_id(id, Some(u))).map(|j| finish[j]).max().unwrap_or(launch)
            }
            Anchor::Activity(id) => instance_by_id(id, keys[i].unit).map_or(launch, |j| finish[j]),
            _ => launch,
        });
        due[i] = a.timing.as_ref().and_then(|t| Some(plus(anchor_day?, t.due_within_days?)));
        if let Some(d) = done[i] {
            finish[i] = d;
            start[i] = d.checked_sub_days(Days::new(u64::from(duration - 1))).unwrap_or(d);
            continue;
        }
        let mut s = day_after(as_of);
        if let (Some(t), Some(anchor)) = (&a.timing, anchor_day) {
            s = s.max(plus(anchor, t.not_before_days));
        }
        for j in incoming(i) {
            // A gate with nothing to wait for sets no start.
            if is_gate(j) && decided_by[j].is_none() {
                continue;
            }
            let candidate = day_after(finish[j]);
            if candidate > s || (candidate == s && decided_by[i].is_none_or(|d| j < d)) {
                s = candidate;
                decided_by[i] = Some(j);
            }
        }
        start[i] = s;
        finish[i] = plus(s, duration - 1);
    }

    // Open instances downstream of each instance: a bitset of open descendants per node, built in
    // reverse dependency order (exact, and linear in edges times words). Gates count as done, so
    // they pass their descendants on without being counted.
    let counted_open: Vec<bool> = (0..nodes_n).map(|i| !is_gate(i) && done[i].is_none()).collect();
    let blocking = open_descendants(&graph, &order, &counted_open);

    // The critical path: back from the latest finish (the first such instance in order), through
    // gates without listing them.
    let mut critical = vec![false; nodes_n];
    let mut path = Vec::new();
    let last =
        order.iter().copied().filter(|&i| !is_gate(i)).max_by(|&a, &b| finish[a].cmp(&finish[b]).then(b.cmp(&a)));
    let mut at = last;
    while let Some(i) = at {
        if let Some(key) = keys.get(i) {
            critical[i] = true;
            path.push(key.clone());
        }
        at = decided_by[i];
    }
    path.reverse();

    let sorted_keys = |it: &mut dyn Iterator<Item = usize>| -> Vec<InstanceKey> {
        let mut v: Vec<InstanceKey> = it.filter_map(|j| keys.get(j).cloned()).collect();
        v.sort();
        v.dedup();
        v
    };
    let wave_gates: Vec<WaveGate> = (1..waves.len())
        .map(|w| {
            let g = gate_node(w);
            WaveGate {
                wave: w,
                after: sorted_keys(&mut incoming(g)),
                waiting_on: sorted_keys(&mut incoming(g).filter(|&j| done[j].is_none())),
                passed: done[g],
                projected: if decided_by[g].is_some() { finish[g] } else { as_of },
            }
        })
        .collect();
    let instances = order
        .iter()
        .copied()
        .filter(|&i| !is_gate(i))
        .map(|i| {
            let after = sorted_keys(&mut incoming(i));
            let waiting_on = sorted_keys(&mut incoming(i).filter(|&j| done[j].is_none()));
            let wave_blocked = wave_gate[i].is_some_and(|w| done[gate_node(w)].is_none());
            let status = match (done[i], due[i]) {
                (Some(_), _) => Status::Done,
                (None, Some(d)) if d < as_of => Status::Overdue,
                _ if waiting_on.is_empty() && !wave_blocked => Status::Ready,
                _ => Status::Blocked,
            };
            InstancePlan {
                key: keys[i].clone(),
                phase: phases[i].clone(),
                wave: keys[i].unit.and_then(|u| wave_of.get(&u).copied()),
                status,
                done: done[i],
                earliest_start: start[i],
                earliest_finish: finish[i],
                due: due[i],
                after,
                waiting_on,
                wave_gate: wave_gate[i],
                wave_blocked,
                blocking: blocking[i],
                critical: critical[i],
            }
        })
        .collect();
    RolloutPlan {
        as_of,
        instances,
        wave_gates,
        critical_path: path,
        projected_finish: last.map_or(as_of, |i| finish[i]),
    }
}

/// Kahn's algorithm taking the earliest ready node first.
fn topological(graph: &DiGraph<(), ()>, n: usize) -> Vec<usize> {
    let mut waiting: Vec<usize> =
        (0..n).map(|i| graph.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Incoming).count()).collect();
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for j in graph.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Outgoing) {
            let j = j.index();
            waiting[j] -= 1;
            if waiting[j] == 0 {
                ready.insert(j);
            }
        }
    }
    order
}

/// How many open instances lie downstream of each node, each counted once, exactly: a bitset of
/// open descendants per node, built in reverse dependency order. The open instances are taken 256
/// at a time (four words a node, a few hundred kilobytes for 20,000 nodes, so each pass stays in
/// cache), and each pass adds to every node's count. Past [`EXACT_BLOCKING_LIMIT`] instances the
/// count is the sum over direct successors, which may count an instance reached twice.
fn open_descendants(graph: &DiGraph<(), ()>, order: &[usize], open: &[bool]) -> Vec<usize> {
    const WORDS: usize = 4;
    const COLUMNS: usize = 64 * WORDS;
    let n = open.len();
    // Successors as one array with offsets: the passes below read them many times.
    let mut starts = Vec::with_capacity(n + 1);
    let mut successors: Vec<usize> = Vec::new();
    for i in 0..n {
        starts.push(successors.len());
        successors
            .extend(graph.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Outgoing).map(|j| j.index()));
    }
    starts.push(successors.len());
    let successors_of = |i: usize| &successors[starts[i]..starts[i + 1]];
    let mut count = vec![0usize; n];
    if n > EXACT_BLOCKING_LIMIT {
        for &i in order.iter().rev() {
            count[i] = successors_of(i).iter().map(|&j| count[j] + usize::from(open[j])).sum();
        }
        return count;
    }
    // Each open node's column: its rank among the open nodes.
    let mut column = vec![usize::MAX; n];
    let mut columns = 0;
    for (i, slot) in column.iter_mut().enumerate() {
        if open[i] {
            *slot = columns;
            columns += 1;
        }
    }
    let mut below = vec![[0u64; WORDS]; n];
    for first in (0..columns).step_by(COLUMNS) {
        for &i in order.iter().rev() {
            let mut mine = [0u64; WORDS];
            for &j in successors_of(i) {
                let k = column[j].wrapping_sub(first);
                if k < COLUMNS {
                    mine[k / 64] |= 1 << (k % 64);
                }
                for (m, b) in mine.iter_mut().zip(&below[j]) {
                    *m |= b;
                }
            }
            below[i] = mine;
            count[i] += mine.iter().map(|w| w.count_ones() as usize).sum::<usize>();
        }
    }
    count
}

/// The most instances whose blocking counts are computed exactly.
pub const EXACT_BLOCKING_LIMIT: usize = 40_000;
