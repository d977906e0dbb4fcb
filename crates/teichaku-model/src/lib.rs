//! The teichaku domain model: organisations, playbooks and observations, the versioned JSON
//! documents that carry them, and their validation.
//!
//! Everything else in teichaku starts from a [`ValidSnapshot`]: an organisation, the playbook it
//! follows and what was observed, with every reference checked.
//!
//! ```
//! use teichaku_model::{parse_document, validate, Snapshot, PlaybookSource};
//! let doc = parse_document(r#"{
//!   "version": 1,
//!   "organisation": {
//!     "name": "Example Ltd", "utc_offset": "+09:00", "launch_date": "2026-04-01",
//!     "deployment_pattern": "hybrid",
//!     "units": [{ "id": "00000000-0000-0000-0000-000000000001", "name": "Sales" }],
//!     "members": [{ "id": "00000000-0000-0000-0000-000000000007",
//!                   "unit": "00000000-0000-0000-0000-000000000009",
//!                   "roles": ["staff"], "joined": "2020-04-01" }]
//!   },
//!   "playbook": { "inline": {
//!     "version": 1, "id": "tiny", "revision": 1,
//!     "title": { "en": "Tiny", "ja": "小" }, "summary": { "en": "", "ja": "" },
//!     "phases": [{ "id": "start", "title": { "en": "Start", "ja": "開始" },
//!                  "summary": { "en": "", "ja": "" }, "gate": { "criteria": [] } }],
//!     "activities": [] } }
//! }"#)?;
//! let PlaybookSource::Inline(playbook) = doc.playbook else { unreachable!() };
//! let errors = validate(Snapshot {
//!     organisation: doc.organisation, playbook: *playbook, observations: doc.observations,
//! }).unwrap_err();
//! assert_eq!(errors.len(), 1);
//! assert!(errors.to_string().contains("unknown unit"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
// Engine code returns typed errors or documented fallbacks on untrusted input, never panics
// (issue 6); `#[cfg(test)]` code may, through clippy.toml's `allow-*-in-tests`.
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

mod build;
mod document;
mod error;
mod id;
mod limits;
mod migrate;
mod observation;
mod organisation;
mod outcome;
mod playbook;
mod records;
mod snapshot;
mod text;
mod time;
mod validate;

pub use document::{
    AssessmentDocument, DocumentError, FORMAT_VERSION, PlaybookCatalog, PlaybookSource, check_json_limits,
    parse_document, parse_document_with_limits, parse_playbook, parse_playbook_with_limits,
};
pub use error::{KeyHolder, NumberProblem, Record, ValidationError, ValidationErrors};
pub use id::{
    ActivityId, ConditionId, ConsultationId, CriterionId, IdBuildHasher, IdHasher, IncidentId, InterventionId,
    KEY_NAMESPACE, KeyError, MAX_KEY_BYTES, MAX_SLUG_LEN, MemberId, PhaseId, PlaybookId, ProposalId, RuleReviewId,
    SlugError, SuccessCaseId, SurveyId, TaskCategory, ToolId, UnitId, normalise_key,
};
pub use limits::{
    Limit, LimitError, Limits, MAX_EVENT_MINUTES, MAX_HOURLY_RATE, MAX_MAGNITUDE, MAX_URGENCY_COEFFICIENT, MAX_WEIGHT,
};
pub use observation::{
    Adkar, AdkarElement, Completion, Consultation, DayRecord, Granularity, NonUserReason, Observations, PeriodRecord,
    Proposal, RuleIncident, RuleReview, Severity, SuccessCase, SurveyResponse, TrainingRecord, TrainingTrack,
    UsageEvent,
};
pub use organisation::{
    AgeBand, DeploymentPattern, HourlyRate, KeysIndex, LiteracyTier, Member, MemberChange, MemberKeys, NewTool,
    Organisation, OrganisationKeys, Role, TaskBaseline, Unit, UnitKeys, Wave,
};
pub use outcome::{Direction, OutcomeId, OutcomeKpi, OutcomeMeasure, OutcomeRecord, OutcomeTarget, latest_outcome};
pub use playbook::{
    AbsoluteCondition, Activity, ActivityScope, Anchor, Audience, Check, CompareOp, Comparison, Condition, CycleLength,
    FailingRule, Gate, GateCriterion, HabitRule, Intervention, Kpi, KpiTarget, MAX_CONDITION_DEPTH, MetricSettings,
    Phase, Playbook, Recurrence, ScoreComponent, ScoreComponentKind, ScoringModel, Timing, UnitCoverage,
    UrgencyCoefficients,
};
pub use snapshot::ValidSnapshot;
pub use text::{Lang, Localized};
pub use time::{MAX_OFFSET_MINUTES, OffsetError, Timestamp, TimestampError, UtcOffset};
pub use validate::{
    Snapshot, validate, validate_document, validate_document_with_limits, validate_playbook, validate_with_limits,
};

/// What the exported `slug_id!` macro needs from this crate; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::id::{check_slug, shared_slug};
    pub use schemars;
    pub use serde;
}
