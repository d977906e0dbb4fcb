//! Adoption KPIs over a validated snapshot at a date `as_of`.
//!
//! The first figures are headcount and active members per scope; the full KPI set, the retention
//! score and the mergeable aggregation build on the same [`Scope`] and day rules.
//!
//! ```
//! # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
//! # if false {
//! use teichaku_metrics::{active_members, headcount, Scope};
//! let snapshot = valid();
//! let as_of = "2026-06-30".parse()?;
//! let from = as_of - chrono::Days::new(6);
//! let rate = active_members(&snapshot, &Scope::Organisation, from, as_of) as f64
//!     / headcount(&snapshot, &Scope::Organisation, as_of) as f64;
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod scope;

pub use scope::{Scope, active_members, headcount, members_in_scope};
