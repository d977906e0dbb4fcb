//! Evaluation rubrics for HR systems: weighted criteria over a fact table, caps and bands, with
//! every score explained.
//!
//! This crate is wired into the workspace and grows with the evaluation work; today it holds the
//! vocabulary shared with the rest of teichaku.
//!
//! ```
//! assert_eq!(teichaku_rules::MAX_CONDITION_DEPTH, teichaku_model::MAX_CONDITION_DEPTH);
//! ```

#![forbid(unsafe_code)]

/// The deepest nesting of rubric conditions accepted: the same limit as playbook conditions.
pub const MAX_CONDITION_DEPTH: usize = teichaku_model::MAX_CONDITION_DEPTH;
