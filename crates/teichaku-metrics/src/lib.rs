//! Adoption KPIs and the retention score, over a validated snapshot at a date `as_of`.
//!
//! Usage events go into a compact [`EventStore`] (12 bytes an event plus a rollup per member and
//! day, sorted, exact duplicates
//! removed), beside member-day and member-period records ([`stream_day_records`],
//! [`stream_period_records`]) for sources that export usage per person per day or per period
//! (and, with the `arrow` feature, all three from Arrow record batches: `stream_event_batches`,
//! `stream_day_batches`, `stream_period_batches`);
//! one pass gathers a [`UsageAggregate`] per member, which merges exactly, so the work
//! splits across threads or shards, and, serialised as a [`UsagePartial`], across processes and
//! machines ([`kpis_from_partial`]); [`kpis`] turns it into a [`KpiReport`] for every scope (the
//! organisation, each unit with its descendants, each role), each with its retention score and
//! explanation. A figure the usage data is too coarse to give (a 4-of-7-day habit from monthly
//! period records) is [`Figure::NotMeasurable`], never guessed.
//! Groups smaller than the minimum group size are [`Figure::Suppressed`], never
//! shown as a number: [`Disclosure`] decides once which scopes are withheld (complementary
//! suppression included), before the score, gates, conditions or reports see a figure, and
//! [`ScopeKpis`] keeps no raw figure of a withheld group. `docs/metrics.md` defines every figure.
//!
//! ```
//! # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
//! # if false {
//! let snapshot = valid();
//! let report = teichaku_metrics::kpis(&snapshot, "2026-11-01".parse()?, &Default::default())?;
//! for scope in &report.scopes {
//!     if let teichaku_metrics::Figure::Value(score) = &scope.score {
//!         println!("{:?}: {:.1} ({:?})", scope.scope, score.score, score.level);
//!     }
//! }
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// The metrics run on untrusted documents inside the engine: no input may make them panic.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod access;
mod activity;
mod aggregate;
#[cfg(feature = "arrow")]
mod arrow;
mod calendar;
mod coarse;
mod days;
mod effect;
mod fast;
mod figure;
mod kpis;
mod lookup;
mod outcomes;
mod partial;
mod records;
mod scope;
mod score;
mod store;
mod stream;
mod targets;
mod weekly;

pub use aggregate::{AggregateSpec, HORIZON_DAYS, MAX_SERIES_WEEKS, MergeError, UsageAggregate};
#[cfg(feature = "arrow")]
pub use arrow::{stream_day_batches, stream_event_batches, stream_event_batches_with, stream_period_batches};
pub use days::KpiDays;
pub use effect::{
    EFFECT_SERIES_WEEKS, EffectReport, Estimate, InterventionEffect, MIN_UNITS_PER_SIDE, POST_WEEKS, PRE_WEEKS,
    PanelUnit, ShortOf, Side, WaveEffect, estimate_effects, rollout_effects,
};
pub use figure::{Figure, Rate};
pub use kpis::{
    Cohort, Consultations, EventCounts, Executives, FirstUse, Incidents, KpiError, KpiOptions, KpiReport, KpiSettings,
    KpiValues, MemberKpis, Proposals, ScopeFigures, ScopeKpis, Segment, Segments, SuccessCases, Surveys, TimeSaved,
    Training, Usage, WeekFigures, kpis, kpis_from_aggregate, kpis_from_partial, kpis_with_store, scope_kpis_with_store,
};
pub use outcomes::outcome_figure;
pub use partial::{
    MAX_PARTIAL_BYTES, MAX_PARTIAL_PERIODS, PARTIAL_FORMAT_VERSION, PartialError, USAGE_PARTIAL_FORMAT, UsagePartial,
};
pub use records::{DAY_CSV_COLUMNS, PERIOD_CSV_COLUMNS, stream_day_records, stream_period_records};
pub use scope::{Disclosure, Scope, active_members, from_the_top, headcount, member_positions, members_in_scope};
pub use score::{AbsoluteCheck, ComponentPoints, Level, ScoreReport};
pub use store::{
    EventError, EventStore, EventStoreBuilder, MAX_DAY_SPAN, MAX_EVENT_MINUTES, MAX_KINDS, MAX_PERIOD_DAYS, StoreError,
};
pub use stream::{
    BadLine, CSV_COLUMNS, EventFormat, LineError, MAX_LINE_BYTES, StreamError, StreamOptions, stream_events,
    stream_events_with,
};
pub use targets::{OutcomeTargetStatus, TargetState, TargetStatus};
pub use weekly::{UnitActivity, UnitWeek, unit_weekly_activity};
