//! teichaku (定着, "taking root") makes generative-AI use stick in an organisation.
//!
//! Give it an organisation, the playbook it follows, what was observed (usage events, completed
//! activities, surveys, proposals, incidents) and a date `as_of`; it answers with pure functions:
//! the same input always gives the same output, and nothing reads a clock, a file or the
//! environment.
//!
//! This crate is the one most users add: it re-exports the model, the built-in playbooks, the
//! metrics and the rollout engine, and offers [`load`] and [`overview`].
//!
//! ```
//! use teichaku::{Catalog, load, overview};
//! let json = serde_json::to_string(&teichaku::demo::document())?;
//! let snapshot = load(&json, &Catalog::builtin())?;
//! let report = overview(&snapshot, teichaku::demo::AS_OF);
//! println!("{} of {} members used AI this week", report.total.active.unwrap_or(0), report.total.headcount);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! An organisation built in code rather than read from a document is assembled with the
//! constructors of [`model`] (`Organisation::new`, `Unit::new`, `Member::new`,
//! `Observations::new`, ...) and validated once with [`model::Snapshot::new`] and
//! [`model::Snapshot::validate`]; [`Catalog::get`] gives a built-in playbook. The README's Rust
//! example, a doc test, does so.
//!
//! The crates behind it, each usable alone:
//! - [`model`]: organisations, playbooks, observations, documents and validation;
//! - [`playbooks`]: the five built-in playbooks and the [`Catalog`];
//! - [`metrics`]: KPIs per scope;
//! - [`rollout`]: the playbook graph;
//! - [`rules`]: evaluation rubrics for HR systems.

#![forbid(unsafe_code)]
// Engine code returns typed errors or documented fallbacks on untrusted input, never panics
// (issue 6); `#[cfg(test)]` code may, through clippy.toml's `allow-*-in-tests`.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod access;
mod assess;
mod complete;
pub mod demo;
pub mod facts;
mod load;
mod outcomes;
mod overview;
mod simulate;

pub use assess::{AssessOptions, Assessment, assess, assess_with_store, review_packs_with_store};
pub use complete::{CompletionNameError, completions_named};
#[cfg(feature = "arrow")]
pub use load::RecordBatches;
pub use load::{
    LoadError, LoadOptions, Loaded, MAX_BAD_LINES_KEPT, NamedBy, UsageBadLine, UsageFileReport, UsageReport,
    UsageSource, load, load_with,
};
pub use outcomes::{MAX_OUTCOME_ROWS, OUTCOME_COLUMNS, OutcomeFileError, read_outcomes_csv};
pub use overview::{ActiveFigure, ObservedCounts, OverviewReport, PhaseProgress, UnitOverview, WeekPoint, overview};
pub use simulate::{
    ActionRef, Change, Changes, InstanceChange, SimulateError, Unblocking, WhatIf, best_single_action, simulate,
    simulate_with_store, snapshot_events,
};
pub use teichaku_metrics as metrics;
pub use teichaku_metrics::{KpiOptions, KpiReport, kpis};
pub use teichaku_model as model;
pub use teichaku_playbooks as playbooks;
pub use teichaku_playbooks::Catalog;
pub use teichaku_rollout as rollout;
pub use teichaku_rules as rules;

/// The README's examples, compiled and run as doc tests so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// The version of the teichaku engine, recorded in every report.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
