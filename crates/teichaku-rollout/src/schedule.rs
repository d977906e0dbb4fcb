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
//!   wait for the first phase's per-unit instances in every unit of wave k − 1.
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
    /// The critical path, first to last.
    pub critical_path: Vec<InstanceKey>,
    /// The day the last instance is projected to finish.
    pub projected_finish: NaiveDate,
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
    for a in &pb.activities {
        let before = keys.len();
        match a.scope {
            ActivityScope::PerUnit => {
                keys.extend(units.iter().map(|&u| InstanceKey { activity: a.id.clone(), unit: Some(u) }))
            }
            _ => keys.push(InstanceKey { activity: a.id.clone(), unit: None }),
        }
        phases.extend(std::iter::repeat_n(a.phase.clone(), keys.len() - before));
    }
    let index: BTreeMap<&InstanceKey, usize> = keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let per_unit = |id: &ActivityId| snapshot.activity(id).is_some_and(|a| a.scope == ActivityScope::PerUnit);

    // Edges: prerequisites (dependencies and anchors), then wave order.
    let mut graph = DiGraph::<(), ()>::with_capacity(keys.len(), keys.len() * 2);
    let nodes: Vec<NodeIndex> = keys.iter().map(|_| graph.add_node(())).collect();
    let mut has_unit_prerequisite = vec![false; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        let Some(a) = snapshot.activity(&key.activity) else { continue };
        for dep in a.prerequisites() {
            let from: Vec<InstanceKey> = match (key.unit, per_unit(dep)) {
                (_, false) => vec![InstanceKey { activity: dep.clone(), unit: None }],
                (Some(u), true) => {
                    has_unit_prerequisite[i] = true;
                    vec![InstanceKey { activity: dep.clone(), unit: Some(u) }]
                }
                (None, true) => waves
                    .first()
                    .map(|pilot| pilot.iter().map(|&u| InstanceKey { activity: dep.clone(), unit: Some(u) }).collect())
                    .unwrap_or_default(),
            };
            for f in from {
                if let Some(&j) = index.get(&f) {
                    graph.add_edge(nodes[j], nodes[i], ());
                }
            }
        }
    }
    let first_unit_phase = pb
        .phases
        .iter()
        .find(|p| pb.activities.iter().any(|a| a.phase == p.id && a.scope == ActivityScope::PerUnit))
        .map(|p| p.id.clone());
    // The first phase's per-unit instances of each wave.
    let mut first_phase_of_wave: Vec<Vec<usize>> = vec![Vec::new(); waves.len()];
    for (j, key) in keys.iter().enumerate() {
        if let Some(&w) = key.unit.as_ref().and_then(|u| wave_of.get(u)) {
            if Some(&phases[j]) == first_unit_phase.as_ref() {
                first_phase_of_wave[w].push(j);
            }
        }
    }
    for (i, key) in keys.iter().enumerate() {
        let Some(wave) = key.unit.and_then(|u| wave_of.get(&u).copied()) else { continue };
        if wave == 0 || has_unit_prerequisite[i] {
            continue;
        }
        for &j in &first_phase_of_wave[wave - 1] {
            graph.add_edge(nodes[j], nodes[i], ());
        }
    }

    // Topological order, ties by instance order; validation guarantees no cycle.
    let order = topological(&graph, keys.len());

    let done: Vec<Option<NaiveDate>> = keys
        .iter()
        .map(|k| {
            snapshot
                .observations()
                .completions
                .iter()
                .filter(|c| c.activity == k.activity && c.unit == k.unit && c.date <= as_of)
                .map(|c| c.date)
                .min()
        })
        .collect();
    let day_after = |d: NaiveDate| d.checked_add_days(Days::new(1)).unwrap_or(d);
    let plus = |d: NaiveDate, n: u32| d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d);
    let launch = snapshot.organisation().launch_date;
    let mut start = vec![as_of; keys.len()];
    let mut finish = vec![as_of; keys.len()];
    let mut decided_by: Vec<Option<usize>> = vec![None; keys.len()];
    let mut due: Vec<Option<NaiveDate>> = vec![None; keys.len()];
    for &i in &order {
        let Some(a) = snapshot.activity(&keys[i].activity) else { continue };
        let duration = a.duration_days.max(1);
        let anchor_day = a.timing.as_ref().map(|t| match &t.after {
            // An organisation-wide activity anchored on a per-unit one counts from the pilot
            // units' latest finish, as its dependency does.
            Anchor::Activity(id) if per_unit(id) && keys[i].unit.is_none() => waves
                .first()
                .into_iter()
                .flatten()
                .filter_map(|&u| index.get(&InstanceKey { activity: id.clone(), unit: Some(u) }))
                .map(|&j| finish[j])
                .max()
                .unwrap_or(launch),
            Anchor::Activity(id) => {
                let k = InstanceKey { activity: id.clone(), unit: if per_unit(id) { keys[i].unit } else { None } };
                index.get(&k).map_or(launch, |&j| finish[j])
            }
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
        for p in graph.neighbors_directed(nodes[i], petgraph::Direction::Incoming) {
            let j = p.index();
            let candidate = day_after(finish[j]);
            if candidate > s || (candidate == s && decided_by[i].is_none_or(|d| j < d)) {
                s = candidate;
                decided_by[i] = Some(j);
            }
        }
        start[i] = s;
        finish[i] = plus(s, duration - 1);
    }

    // Open instances downstream of each instance: a bitset of open descendants per instance,
    // built in reverse dependency order (exact, and linear in edges times words).
    let blocking = open_descendants(&graph, &order, &done);

    // The critical path: back from the latest finish (the first such instance in order).
    let mut critical = vec![false; keys.len()];
    let mut path = Vec::new();
    let last = order.iter().copied().max_by(|&a, &b| finish[a].cmp(&finish[b]).then(b.cmp(&a)));
    let mut at = last;
    while let Some(i) = at {
        critical[i] = true;
        path.push(keys[i].clone());
        at = decided_by[i];
    }
    path.reverse();

    let instances = order
        .iter()
        .map(|&i| {
            let after: Vec<InstanceKey> = {
                let mut a: Vec<InstanceKey> = graph
                    .neighbors_directed(nodes[i], petgraph::Direction::Incoming)
                    .map(|n| keys[n.index()].clone())
                    .collect();
                a.sort();
                a.dedup();
                a
            };
            let waiting_on: Vec<InstanceKey> = {
                let mut w: Vec<InstanceKey> = graph
                    .neighbors_directed(nodes[i], petgraph::Direction::Incoming)
                    .map(|n| n.index())
                    .filter(|&j| done[j].is_none())
                    .map(|j| keys[j].clone())
                    .collect();
                w.sort();
                w.dedup();
                w
            };
            let status = match (done[i], due[i]) {
                (Some(_), _) => Status::Done,
                (None, Some(d)) if d < as_of => Status::Overdue,
                _ if waiting_on.is_empty() => Status::Ready,
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
                blocking: blocking[i],
                critical: critical[i],
            }
        })
        .collect();
    RolloutPlan { as_of, instances, critical_path: path, projected_finish: last.map_or(as_of, |i| finish[i]) }
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

/// How many open instances lie downstream of each instance, counted exactly with one bitset of
/// open descendants per instance (`n²/8` bytes; 50 MB for 20,000 instances). Past
/// [`EXACT_BLOCKING_LIMIT`] instances the count is the sum over direct successors, which may
/// count an instance reached twice.
fn open_descendants(graph: &DiGraph<(), ()>, order: &[usize], done: &[Option<NaiveDate>]) -> Vec<usize> {
    let n = done.len();
    if n > EXACT_BLOCKING_LIMIT {
        let mut count = vec![0usize; n];
        for &i in order.iter().rev() {
            count[i] = graph
                .neighbors_directed(NodeIndex::new(i), petgraph::Direction::Outgoing)
                .map(|j| count[j.index()] + usize::from(done[j.index()].is_none()))
                .sum();
        }
        return count;
    }
    let words = n.div_ceil(64);
    let mut below = vec![0u64; n * words];
    for &i in order.iter().rev() {
        let mut mine = vec![0u64; words];
        for j in graph.neighbors_directed(NodeIndex::new(i), petgraph::Direction::Outgoing) {
            let j = j.index();
            if done[j].is_none() {
                mine[j / 64] |= 1 << (j % 64);
            }
            for (m, b) in mine.iter_mut().zip(&below[j * words..(j + 1) * words]) {
                *m |= b;
            }
        }
        below[i * words..(i + 1) * words].copy_from_slice(&mine);
    }
    (0..n).map(|i| below[i * words..(i + 1) * words].iter().map(|w| w.count_ones() as usize).sum()).collect()
}

/// The most instances whose blocking counts are computed exactly.
pub const EXACT_BLOCKING_LIMIT: usize = 40_000;
