//! Evaluation rubrics for HR systems: weighted criteria over a fact table, caps and bands, with
//! every score explained.
//!
//! A [`Rubric`] is a versioned JSON document; [`compile`] validates it once and resolves fact
//! names to positions; [`evaluate`] scores one person's [`Facts`] into an [`Evaluation`] that
//! records the rubric id, revision and content hash and the engine's version, each criterion's
//! contribution, the caps applied, every fact read and every missing fact with how it was
//! treated, and a total for display that never shows a number of another band; [`evaluate_into`] does the same into a reused result,
//! allocating nothing per person. [`evaluate_batch`] evaluates a population, [`rollup`] sums it
//! up per team (withholding small teams), also from [`BatchPartial`]s computed over shards of a
//! population and merged, and [`calibrate`] shows who would move under a target
//! band distribution. The format is described in `docs/rubrics.md`.
//!
//! ```
//! use teichaku_rules::{evaluate, FactValue};
//! let rubric = teichaku_rules::ai_use_in_appraisal();
//! let facts = rubric.facts([
//!     ("goal_sheet_ai_entry", FactValue::Boolean(true)),
//!     ("proposals_implemented", FactValue::Number(2.0)),
//!     ("success_cases_shared", FactValue::Number(1.0)),
//!     ("usage_days_28", FactValue::Number(16.0)),
//!     ("incidents", FactValue::Number(1.0)),
//! ])?;
//! let evaluation = evaluate(&rubric, &facts)?;
//! assert_eq!(evaluation.band, "B"); // the incident caps the band at B
//! assert_eq!(evaluation.caps_applied.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// Engine code returns typed errors or documented fallbacks on untrusted input, never panics
// (issue 6); `#[cfg(test)]` code may, through clippy.toml's `allow-*-in-tests`.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod batch;
mod builtin;
mod calibrate;
mod compile;
mod error;
mod evaluate;
mod id;
mod partial;
mod rollup;
mod rubric;

pub use batch::{BatchReport, Outcome, Subject, SubjectResult, evaluate_batch};
pub use builtin::{
    AI_USE_IN_APPRAISAL_1_JSON, AI_USE_IN_APPRAISAL_JSON, BUILTIN_RUBRICS, ai_use_in_appraisal, builtin, builtin_json,
};
pub use calibrate::{
    BandCut, CalibrationReport, CalibrationTarget, Direction, Move, RankRange, SHARE_SUM_TOLERANCE, calibrate,
};
pub use compile::{CompiledRubric, FactTable, FactValue, Facts, canonical_json, compile, compile_with_limits};
pub use error::{BuiltinError, EvaluationError, Location, ReportError, RubricError, RubricErrors};
pub use evaluate::{CapApplied, Contribution, Evaluation, FactRead, MissingFact, Treatment, evaluate, evaluate_into};
pub use id::{CapId, CriterionId, FactName, RubricId};
pub use partial::{
    BATCH_PARTIAL_FORMAT, BATCH_PARTIAL_VERSION, BatchPartial, BatchPartialError, MAX_BATCH_PARTIAL_BYTES,
    rollup_partial,
};
pub use rollup::{BandCount, DEFAULT_MIN_GROUP_SIZE, GroupFigures, GroupRollup, RollupReport, rollup};
pub use rubric::{
    Band, Cap, Condition, Criterion, FORMAT_VERSION, FactDecl, FactKind, FactRange, MAX_MAGNITUDE, MAX_WEIGHT,
    MissingPolicy, NumberOp, Rubric, Scoring, Step, ValueKind, parse_rubric, parse_rubric_with_limits,
};

/// The version of the engine, recorded in every [`Evaluation`] and [`BatchReport`]: the
/// workspace's version, the same as `teichaku::ENGINE_VERSION`.
///
/// ```
/// assert!(!teichaku_rules::ENGINE_VERSION.is_empty());
/// ```
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// How many decimals [`Evaluation::shown_total`] keeps: totals are shown to two decimals.
///
/// ```
/// assert_eq!(teichaku_rules::DISPLAY_DECIMALS, 2);
/// ```
pub const DISPLAY_DECIMALS: u32 = 2;

/// The deepest nesting of rubric conditions accepted (a leaf has depth 1): the same limit as
/// playbook conditions.
///
/// ```
/// assert_eq!(teichaku_rules::MAX_CONDITION_DEPTH, 16);
/// ```
pub const MAX_CONDITION_DEPTH: usize = teichaku_model::MAX_CONDITION_DEPTH;
