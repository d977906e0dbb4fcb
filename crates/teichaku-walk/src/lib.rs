//! Walks an organisation through a playbook day by day from launch, doing what teichaku proposes,
//! and checks on every step that the advice holds over time (issue 12: advice that holds when
//! followed).
//!
//! A walk ([`run`]) lives a generated organisation ([`Shape`]) through 365 days, assesses it every
//! 7 days with the facade's public API (`assess_with_store`, and `best_single_action` where an
//! instance could be ranked before its window), does the top k actions, and lets usage respond
//! through a small deterministic model. Every step is checked against the [`Invariant`]s; the
//! [`Walk`] keeps each step's milestones and every [`Violation`], naming the walk, the day, the
//! invariant and the top 10 actions with their urgency. [`markdown`] writes the timelines of
//! `docs/walks.md`. Everything is pure: no clock, file or randomness (the usage draws are
//! SplitMix64 over the walk's name), so a walk gives the same answer every time.
//!
//! ```
//! use teichaku::model::DeploymentPattern;
//! use teichaku_walk::{Invariant, Shape, WalkSpec, run};
//! let spec = WalkSpec::new("sme-five-step", DeploymentPattern::Hybrid, Shape::FiveUnits, 3);
//! let walk = run(&spec, &teichaku::Catalog::builtin())?;
//! assert_eq!(walk.steps.len(), 53);
//! for v in walk.violations.iter().filter(|v| v.invariant == Invariant::NoStall).take(1) {
//!     println!("{v}"); // the walk, the day, what stalled and the top 10 actions
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The page below is the opening of `docs/walks.md`, which this crate writes: the organisations,
//! the action mapping, the usage model and the invariants.
//!
//! What the invariants derive rather than read from the engine: an instance's window and due
//! date (from the playbook's timing and the plan's completions, not the plan's status); whether a
//! wave has started (`ReadinessReport::waves[..].may_start`); whether a unit passed the first gate
//! (`ReadinessReport::units[..].phase`); the habit bar and the minimum time (from the playbook's
//! gates, KPI targets and timings).
//!
#![doc = include_str!("intro.md")]
#![forbid(unsafe_code)]

mod invariants;
mod model;
mod shape;
mod timeline;
mod walk;

pub use invariants::{Invariant, Violation};
pub use model::{ENTHUSIAST_PROPENSITY, Effect, Outcome};
pub use shape::{HIRED_ON_DAY, LAUNCH, NEW_TOOL, NEW_TOOL_ON_DAY, Shape};
pub use timeline::{Milestone, markdown};
pub use walk::{ActionLine, DAYS, EVERY, KS, PATTERNS, Step, Walk, WalkError, WalkSpec, pattern_name, run, run_all};

#[cfg(test)]
mod tests;
