//! Checking a [`RolloutPlan`] against its own edges: the invariants [`crate::plan`] guarantees,
//! stated once, for callers that store, edit or receive plans and for the tests and fuzz targets
//! that hold the scheduler to them.

use std::collections::BTreeMap;

use crate::schedule::{InstanceKey, RolloutPlan, Status};

/// What an instance waits for: a prerequisite of its own, or an instance of its wave's gate.
///
/// ```
/// use teichaku_rollout::Edge;
/// assert_eq!(Edge::Gate { wave: 1 }.to_string(), "the gate of wave 1");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Edge {
    /// One of the instance's `after`.
    ///
    /// ```
    /// assert_eq!(teichaku_rollout::Edge::Prerequisite.to_string(), "a prerequisite");
    /// ```
    Prerequisite,
    /// One of the `after` of the gate of the instance's wave.
    Gate {
        /// The wave.
        wave: usize,
    },
}

impl std::fmt::Display for Edge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Prerequisite => f.write_str("a prerequisite"),
            Self::Gate { wave } => write!(f, "the gate of wave {wave}"),
        }
    }
}

/// One way a plan breaks its own edges.
///
/// ```
/// use teichaku_rollout::{Edge, Inconsistency};
/// let e = Inconsistency::InstanceMissing { instance: "b".into(), waits_for: "a".into(), via: Edge::Prerequisite };
/// assert_eq!(e.to_string(), "b waits for a (a prerequisite), which is not in the plan");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    /// Two instances have the same key.
    ///
    /// ```
    /// let e = teichaku_rollout::Inconsistency::Duplicate { instance: "aim".into() };
    /// assert_eq!(e.to_string(), "aim appears more than once");
    /// ```
    #[error("{instance} appears more than once")]
    Duplicate {
        /// The instance, as `activity` or `activity@unit`.
        instance: String,
    },
    /// It finishes before it starts.
    ///
    /// ```
    /// let e = teichaku_rollout::Inconsistency::FinishesBeforeStart { instance: "aim".into() };
    /// assert_eq!(e.to_string(), "aim finishes before it starts");
    /// ```
    #[error("{instance} finishes before it starts")]
    FinishesBeforeStart {
        /// The instance.
        instance: String,
    },
    /// It waits for an instance the plan does not hold.
    #[error("{instance} waits for {waits_for} ({via}), which is not in the plan")]
    InstanceMissing {
        /// The instance.
        instance: String,
        /// What it waits for.
        waits_for: String,
        /// Through which edge.
        via: Edge,
    },
    /// It comes before, in the plan's order, an instance it waits for.
    ///
    /// ```
    /// use teichaku_rollout::{Edge, Inconsistency};
    /// let e = Inconsistency::OutOfOrder { instance: "b".into(), waits_for: "a".into(), via: Edge::Prerequisite };
    /// assert_eq!(e.to_string(), "b comes before a (a prerequisite) in the order");
    /// ```
    #[error("{instance} comes before {waits_for} ({via}) in the order")]
    OutOfOrder {
        /// The instance.
        instance: String,
        /// What it waits for.
        waits_for: String,
        /// Through which edge.
        via: Edge,
    },
    /// It is open and starts on or before the day an instance it waits for finishes.
    ///
    /// ```
    /// use teichaku_rollout::{Edge, Inconsistency};
    /// let e = Inconsistency::StartsTooEarly { instance: "b".into(), waits_for: "a".into(), via: Edge::Gate { wave: 1 } };
    /// assert_eq!(e.to_string(), "b starts before a (the gate of wave 1) finishes");
    /// ```
    #[error("{instance} starts before {waits_for} ({via}) finishes")]
    StartsTooEarly {
        /// The instance.
        instance: String,
        /// What it waits for.
        waits_for: String,
        /// Through which edge.
        via: Edge,
    },
    /// Its `waiting_on` names something not in its `after`, or something done.
    ///
    /// ```
    /// let e = teichaku_rollout::Inconsistency::WaitingOnWrong { instance: "b".into(), waits_for: "a".into() };
    /// assert_eq!(e.to_string(), "b is waiting on a, which is not an open prerequisite");
    /// ```
    #[error("{instance} is waiting on {waits_for}, which is not an open prerequisite")]
    WaitingOnWrong {
        /// The instance.
        instance: String,
        /// What it claims to wait on.
        waits_for: String,
    },
    /// Its `wave_blocked` disagrees with whether its wave's gate has passed.
    ///
    /// ```
    /// let e = teichaku_rollout::Inconsistency::GateState { instance: "b".into(), wave: 2, blocked: false };
    /// assert_eq!(e.to_string(), "b says the gate of wave 2 is open, but the gate says otherwise");
    /// ```
    #[error("{instance} says the gate of wave {wave} is {}, but the gate says otherwise", if *.blocked { "closed" } else { "open" })]
    GateState {
        /// The instance.
        instance: String,
        /// Its wave.
        wave: usize,
        /// What the instance says.
        blocked: bool,
    },
    /// Its status disagrees with its own fields: done without a day (or a day without being
    /// done), or ready when it cannot start.
    ///
    /// ```
    /// use teichaku_rollout::{Inconsistency, Status};
    /// let e = Inconsistency::Status { instance: "b".into(), status: Status::Ready };
    /// assert!(e.to_string().starts_with("b has status Ready"));
    /// ```
    #[error("{instance} has status {status:?}, which its completion, prerequisites and gate contradict")]
    Status {
        /// The instance.
        instance: String,
        /// The status it has.
        status: Status,
    },
}

fn name(key: &InstanceKey) -> String {
    match key.unit {
        Some(unit) => format!("{}@{unit}", key.activity),
        None => key.activity.to_string(),
    }
}

impl RolloutPlan {
    /// Every way the plan breaks its own edges, in the plan's order; empty for any plan
    /// [`crate::plan`] makes. Each prerequisite and each instance of its wave's gate comes
    /// earlier in the order; an open instance starts after each of them finishes; `waiting_on`
    /// is the open part of `after`; `wave_blocked` matches its gate; the status matches the
    /// completion and what the instance waits for.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let plan = teichaku_rollout::plan(&valid(), "2026-11-01".parse()?);
    /// assert_eq!(plan.inconsistencies(), []);
    /// # }
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn inconsistencies(&self) -> Vec<Inconsistency> {
        let mut found = Vec::new();
        let mut position: BTreeMap<&InstanceKey, usize> = BTreeMap::new();
        for (i, x) in self.instances.iter().enumerate() {
            if *position.entry(&x.key).or_insert(i) != i {
                found.push(Inconsistency::Duplicate { instance: name(&x.key) });
            }
        }
        let gates: BTreeMap<usize, _> = self.wave_gates.iter().map(|g| (g.wave, g)).collect();
        for (i, x) in self.instances.iter().enumerate() {
            let instance = || name(&x.key);
            if x.earliest_finish < x.earliest_start {
                found.push(Inconsistency::FinishesBeforeStart { instance: instance() });
            }
            let gate = x.wave_gate.and_then(|w| gates.get(&w));
            let prerequisites = x.after.iter().map(|w| (w, Edge::Prerequisite));
            let gated = gate.into_iter().flat_map(|g| g.after.iter().map(|w| (w, Edge::Gate { wave: g.wave })));
            for (w, via) in prerequisites.chain(gated) {
                let waits_for = || name(w);
                let Some(other) = position.get(w).and_then(|&j| Some(j).zip(self.instances.get(j))) else {
                    found.push(Inconsistency::InstanceMissing { instance: instance(), waits_for: waits_for(), via });
                    continue;
                };
                if other.0 >= i {
                    found.push(Inconsistency::OutOfOrder { instance: instance(), waits_for: waits_for(), via });
                }
                if x.done.is_none() && other.1.earliest_finish >= x.earliest_start {
                    found.push(Inconsistency::StartsTooEarly { instance: instance(), waits_for: waits_for(), via });
                }
            }
            for w in &x.waiting_on {
                let open = position.get(w).and_then(|&j| self.instances.get(j)).is_some_and(|o| o.done.is_none());
                if !open || !x.after.contains(w) {
                    found.push(Inconsistency::WaitingOnWrong { instance: instance(), waits_for: name(w) });
                }
            }
            if let Some(g) = gate.filter(|g| x.wave_blocked != g.passed.is_none()) {
                found.push(Inconsistency::GateState { instance: instance(), wave: g.wave, blocked: x.wave_blocked });
            }
            let status_holds = match x.status {
                Status::Done => x.done.is_some(),
                Status::Ready => x.can_start(),
                Status::Overdue | Status::Blocked => x.done.is_none(),
            };
            if !status_holds {
                found.push(Inconsistency::Status { instance: instance(), status: x.status });
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use teichaku_model::{ActivityId, PhaseId, UnitId};

    use super::*;
    use crate::schedule::{InstancePlan, WaveGate};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 4, d).unwrap()
    }

    fn key(activity: &str, unit: Option<u128>) -> InstanceKey {
        InstanceKey { activity: ActivityId::new(activity).unwrap(), unit: unit.map(UnitId::from_u128) }
    }

    fn instance(k: InstanceKey, start: u32, finish: u32) -> InstancePlan {
        InstancePlan {
            key: k,
            phase: PhaseId::new("p").unwrap(),
            wave: None,
            status: Status::Blocked,
            done: None,
            earliest_start: day(start),
            earliest_finish: day(finish),
            due: None,
            after: Vec::new(),
            waiting_on: Vec::new(),
            wave_gate: None,
            wave_blocked: false,
            opens: None,
            before_window: Vec::new(),
            no_audience: false,
            blocking: 0,
            critical: false,
        }
    }

    /// `aim` (done 04-02) → `train@1` (open, 04-03..04-04) → `use@1` (04-05..04-06); `train@2`
    /// waits for the gate of wave 1, which waits for `train@1`.
    fn good() -> RolloutPlan {
        let mut aim = instance(key("aim", None), 2, 2);
        (aim.status, aim.done) = (Status::Done, Some(day(2)));
        let mut train1 = instance(key("train", Some(1)), 3, 4);
        train1.after = vec![aim.key.clone()];
        train1.status = Status::Ready;
        let mut use1 = instance(key("use", Some(1)), 5, 6);
        use1.after = vec![train1.key.clone()];
        use1.waiting_on = vec![train1.key.clone()];
        let mut train2 = instance(key("train", Some(2)), 5, 6);
        (train2.after, train2.wave, train2.wave_gate, train2.wave_blocked) =
            (vec![aim.key.clone()], Some(1), Some(1), true);
        let gate = WaveGate {
            wave: 1,
            after: vec![train1.key.clone()],
            waiting_on: vec![train1.key.clone()],
            passed: None,
            projected: day(4),
        };
        RolloutPlan {
            as_of: day(2),
            instances: vec![aim, train1, use1, train2],
            wave_gates: vec![gate],
            critical_path: Vec::new(),
            projected_finish: day(6),
        }
    }

    #[test]
    fn a_consistent_plan_has_none() {
        assert_eq!(good().inconsistencies(), []);
    }

    #[test]
    fn each_broken_edge_is_named() {
        let mut p = good();
        p.instances.swap(1, 2);
        assert_eq!(
            p.inconsistencies(),
            [Inconsistency::OutOfOrder {
                instance: "use@00000000-0000-0000-0000-000000000001".into(),
                waits_for: "train@00000000-0000-0000-0000-000000000001".into(),
                via: Edge::Prerequisite,
            }]
        );

        let mut p = good();
        p.instances[3].earliest_start = day(4);
        assert_eq!(
            p.inconsistencies(),
            [Inconsistency::StartsTooEarly {
                instance: "train@00000000-0000-0000-0000-000000000002".into(),
                waits_for: "train@00000000-0000-0000-0000-000000000001".into(),
                via: Edge::Gate { wave: 1 },
            }]
        );

        let mut p = good();
        p.instances[2].after.push(key("ghost", None));
        assert!(matches!(p.inconsistencies()[..], [Inconsistency::InstanceMissing { via: Edge::Prerequisite, .. }]));
    }

    #[test]
    fn each_field_that_contradicts_the_rest_is_named() {
        let mut p = good();
        p.instances[1].earliest_finish = day(1);
        // Finishing on 04-01 it also no longer holds `use@1` back: only the reversal is wrong.
        assert!(matches!(p.inconsistencies()[..], [Inconsistency::FinishesBeforeStart { .. }]));

        let mut p = good();
        p.instances[2].waiting_on.push(key("aim", None));
        assert!(
            matches!(&p.inconsistencies()[..], [Inconsistency::WaitingOnWrong { waits_for, .. }] if waits_for == "aim")
        );
        let mut p = good();
        p.instances[1].waiting_on.push(key("aim", None));
        assert_eq!(p.inconsistencies().len(), 2, "waiting on a done instance, and ready while waiting");

        let mut p = good();
        p.instances[3].wave_blocked = false;
        assert!(matches!(p.inconsistencies()[..], [Inconsistency::GateState { wave: 1, blocked: false, .. }]));

        let mut p = good();
        p.instances[0].done = None;
        assert!(matches!(p.inconsistencies()[..], [Inconsistency::Status { status: Status::Done, .. }]));

        let mut p = good();
        p.instances.push(p.instances[0].clone());
        assert!(matches!(p.inconsistencies()[..], [Inconsistency::Duplicate { .. }]));
    }
}
