//! The teichaku rollout engine: the playbook drawn as a graph, and readiness (the current phase,
//! each gate's criteria, the barrier point, and which waves may start); the instantiated activity
//! graph, schedule and next actions build on them.
//!
//! ```
//! # fn playbook() -> teichaku_model::Playbook { unimplemented!() }
//! # if false {
//! let mermaid = teichaku_rollout::playbook_mermaid(&playbook(), teichaku_model::Lang::En);
//! assert!(mermaid.starts_with("flowchart TD"));
//! # }
//! ```

#![forbid(unsafe_code)]
// Engine code returns typed errors or documented fallbacks on untrusted input, never panics
// (issue 6); `#[cfg(test)]` code may, through clippy.toml's `allow-*-in-tests`.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod actions;
mod check;
mod done;
mod graph;
mod readiness;
mod review_pack;
mod roles;
mod schedule;

pub use actions::{
    Action, ActionPlan, ActionScope, BARRIER_ACTIVITIES, RETAINED_FOR_WEEKS, Reason, UrgencyTerms, next_actions,
};
pub use check::{Edge, Inconsistency};
pub use graph::plan_dot;
pub use graph::{plan_mermaid, playbook_dot, playbook_mermaid};
pub use readiness::{
    Barrier, CriterionReadiness, GateReadiness, Observed, RISING_WEEKLY_ACTIVE, ReadinessReport, UnitReadiness,
    WaveBlock, WaveReadiness, readiness, rollout_waves,
};
pub use review_pack::{Measure, PackMeasure, Period, ReviewPack, ReviewPacks, Source, review_packs};
pub use schedule::{
    EXACT_BLOCKING_LIMIT, InstanceKey, InstancePlan, RolloutPlan, Status, WaveGate, plan, plan_reaching,
};
