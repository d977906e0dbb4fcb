//! Limits on untrusted input, in one place: how large a document may be, how many records of each
//! kind it may hold, how long a string and how deep its nesting may be (see [`Limits`]).

use std::fmt;

use serde::Serialize;

use crate::DocumentError;

/// The limits applied to untrusted input.
///
/// teichaku reads exports from other tools. Without limits, a hostile or broken export could make
/// the engine allocate without bound or run for a very long time; with them, such an input is a
/// [`DocumentError::LimitExceeded`](crate::DocumentError::LimitExceeded) or a
/// [`ValidationError::LimitExceeded`](crate::ValidationError::LimitExceeded) that names the limit
/// and the value found, before any heavy work starts.
///
/// The defaults ([`Limits::DEFAULT`]) sit well above the largest organisation teichaku is
/// benchmarked on (100,000 members and 10 million usage events): they stop abuse, not real data.
/// A caller with other needs passes its own [`Limits`] to [`parse_document_with_limits`](crate::parse_document_with_limits),
/// [`parse_playbook_with_limits`](crate::parse_playbook_with_limits) and
/// [`validate_with_limits`](crate::validate_with_limits); the functions without `_with_limits`
/// use the defaults.
///
/// | limit | default | checked by | error |
/// |---|---|---|---|
/// | document size | 2 GiB | `parse_*` | [`Limit::DocumentBytes`] |
/// | one JSON string (escapes included) | 64 KiB | `parse_*` | [`Limit::StringBytes`] |
/// | JSON nesting (arrays and objects) | 127 levels | `parse_*` | [`Limit::Nesting`] |
/// | units | 100,000 | `validate*` | [`Limit::Units`] |
/// | members | 1,000,000 | `validate*` | [`Limit::Members`] |
/// | rollout waves | 10,000 | `validate*` | [`Limit::Waves`] |
/// | task baselines (organisation, playbook) | 10,000 each | `validate*` | [`Limit::TaskBaselines`] |
/// | dated changes to members' facts | 10,000,000 | `validate*` | [`Limit::Changes`] |
/// | new tools | 100 | `validate*` | [`Limit::Tools`] |
/// | phases | 1,000 | `validate*` | [`Limit::Phases`] |
/// | criteria of one gate | 1,000 | `validate*` | [`Limit::GateCriteria`] |
/// | activities | 10,000 | `validate*` | [`Limit::Activities`] |
/// | activity instances (per-unit activities × units + the others) | 2,000,000 | `validate*` | [`Limit::ActivityInstances`] |
/// | interventions, KPI targets | 10,000 each | `validate*` | [`Limit::Interventions`], [`Limit::KpiTargets`] |
/// | score components, absolute conditions | 1,000 each | `validate*` | [`Limit::ScoreComponents`], [`Limit::AbsoluteConditions`] |
/// | usage events in a document | 25,000,000 | `validate*` | [`Limit::UsageEvents`] |
/// | observations of each other kind | 10,000,000 each | `validate*` | [`Limit::Completions`], [`Limit::Surveys`], ... |
/// | usage event files named | 10,000 | `validate*` | [`Limit::UsageFiles`] |
/// | rubric facts, criteria, caps | 1,000 each | `teichaku_rules::compile` | [`Limit::RubricFacts`], [`Limit::RubricCriteria`], [`Limit::RubricCaps`] |
/// | rubric bands | 100 | `teichaku_rules::compile` | [`Limit::RubricBands`] |
/// | values of one enumeration fact, steps of one scoring | 1,000 each | `teichaku_rules::compile` | [`Limit::EnumerationValues`], [`Limit::ScoringSteps`] |
///
/// Fixed limits elsewhere, not configurable: conditions nest at most
/// [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH) (16) deep
/// ([`ValidationError::ConditionTooDeep`](crate::ValidationError::ConditionTooDeep)); slugs are at
/// most [`MAX_SLUG_LEN`](crate::MAX_SLUG_LEN) (64) bytes; serde_json itself refuses a 128th level of
/// nesting (its default recursion limit of 128, which teichaku never disables with the
/// `unbounded_depth` feature), so [`Limits::max_nesting`] is 127 and can be lowered, not raised.
///
/// The activity instance limit follows from the unit limit: every built-in playbook must be
/// accepted at 100,000 units, and the one with the most per-unit activities has 18 of them
/// (1,800,017 instances), so the limit is 100,000 × 20. Its memory is measured and bounded
/// (docs/reliability.md, "Scale: 100,000 units"): a document at the limit (1,999,986
/// instances) peaks at 1.2 GB for `teichaku assess` and 3.0 GB for `teichaku assess --format
/// json`, which writes 1.9 GB. A document past it is refused by validation, before any instance
/// is made.
///
/// 2 GiB holds a document with 10 million inline usage events (about 125 bytes each written
/// out); larger exports belong in `usage_files`, which the command line streams row by row.
/// Memory while parsing stays proportional to the document's size, so the size limit bounds it;
/// the count limits bound the work validation and the queries after it do.
///
/// ```
/// use teichaku_model::{Limit, Limits, DocumentError, parse_document_with_limits};
/// let tight = Limits { max_document_bytes: 16, ..Limits::DEFAULT };
/// assert_eq!(
///     parse_document_with_limits(r#"{ "version": 1, "organisation": {} }"#, &tight),
///     Err(DocumentError::LimitExceeded { what: Limit::DocumentBytes, limit: 16, found: 36 }),
/// );
/// ```
///
/// Build other limits from the defaults, `Limits { max_members: 5_000, ..Limits::DEFAULT }`, so
/// limits added later keep their defaults.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Limits {
    /// The largest document, in bytes.
    pub max_document_bytes: usize,
    /// The longest JSON string (object keys included), in bytes as written, escapes included.
    pub max_string_bytes: usize,
    /// The deepest nesting of JSON arrays and objects; at most 127, what serde_json's own limit lets
    /// through.
    pub max_nesting: usize,
    /// The most units.
    pub max_units: usize,
    /// The most members.
    pub max_members: usize,
    /// The most rollout waves.
    pub max_waves: usize,
    /// The most task baselines, in the organisation and in the playbook each.
    pub max_task_baselines: usize,
    /// The most dated changes to members' facts (`organisation.changes`).
    pub max_changes: usize,
    /// The most new tools (`organisation.tools`).
    pub max_tools: usize,
    /// The most phases in a playbook.
    pub max_phases: usize,
    /// The most criteria in one phase gate.
    pub max_gate_criteria: usize,
    /// The most activities in a playbook.
    pub max_activities: usize,
    /// The most activity instances a rollout can hold: each per-unit activity once per unit, each
    /// other activity once.
    pub max_activity_instances: usize,
    /// The most interventions in a playbook.
    pub max_interventions: usize,
    /// The most KPI targets in a playbook.
    pub max_kpi_targets: usize,
    /// The most components in a scoring model.
    pub max_score_components: usize,
    /// The most absolute conditions in a scoring model.
    pub max_absolute_conditions: usize,
    /// The most usage events written in one document.
    pub max_usage_events: usize,
    /// The most observations of each other kind (completions, trainings, surveys, ...).
    pub max_observations: usize,
    /// The most usage event files one document names.
    pub max_usage_files: usize,
    /// The most facts a rubric declares.
    pub max_rubric_facts: usize,
    /// The most criteria in a rubric.
    pub max_rubric_criteria: usize,
    /// The most bands in a rubric.
    pub max_rubric_bands: usize,
    /// The most caps in a rubric.
    pub max_rubric_caps: usize,
    /// The most values one enumeration fact declares, or one `one_of` condition lists.
    pub max_enumeration_values: usize,
    /// The most steps in one steps scoring.
    pub max_scoring_steps: usize,
}

impl Limits {
    /// The defaults: well above the benchmark scale of 100,000 members and 10 million usage
    /// events.
    pub const DEFAULT: Limits = Limits {
        max_document_bytes: 2 << 30,
        max_string_bytes: 64 << 10,
        max_nesting: SERDE_JSON_NESTING,
        max_units: 100_000,
        max_members: 1_000_000,
        max_waves: 10_000,
        max_task_baselines: 10_000,
        max_changes: 10_000_000,
        max_tools: 100,
        max_phases: 1_000,
        max_gate_criteria: 1_000,
        max_activities: 10_000,
        max_activity_instances: 2_000_000,
        max_interventions: 10_000,
        max_kpi_targets: 10_000,
        max_score_components: 1_000,
        max_absolute_conditions: 1_000,
        max_usage_events: 25_000_000,
        max_observations: 10_000_000,
        max_usage_files: 10_000,
        max_rubric_facts: 1_000,
        max_rubric_criteria: 1_000,
        max_rubric_bands: 100,
        max_rubric_caps: 1_000,
        max_enumeration_values: 1_000,
        max_scoring_steps: 1_000,
    };

    /// `Err(LimitError)` when `found` is above `limit`.
    ///
    /// ```
    /// use teichaku_model::{Limit, Limits};
    /// assert!(Limits::check(Limit::Units, 10, 10).is_ok());
    /// assert_eq!(Limits::check(Limit::Units, 10, 11).unwrap_err().found, 11);
    /// ```
    pub fn check(what: Limit, limit: usize, found: usize) -> Result<(), LimitError> {
        if found > limit { Err(LimitError { what, limit, found }) } else { Ok(()) }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The largest weight of a gate criterion or a score component: a thousand of them still add up
/// to a finite total, so readiness and the score are never `NaN`.
///
/// ```
/// assert_eq!(teichaku_model::MAX_WEIGHT, 1e6);
/// ```
pub const MAX_WEIGHT: f64 = 1e6;

/// The largest magnitude of a KPI threshold, a KPI target, a score component's target and a
/// value compared in a condition: far past any rate, count, minutes or hours a KPI takes.
///
/// ```
/// assert_eq!(teichaku_model::MAX_MAGNITUDE, 1e12);
/// ```
pub const MAX_MAGNITUDE: f64 = 1e12;

/// The largest hourly rate (in the organisation's currency): times the hours saved of every
/// event a store holds, still finite.
///
/// ```
/// assert_eq!(teichaku_model::MAX_HOURLY_RATE, 1e9);
/// ```
pub const MAX_HOURLY_RATE: f64 = 1e9;

/// The most minutes one usage event may take or save, and a task baseline may state: 30 days.
/// The event store refuses the same (`teichaku_metrics::MAX_EVENT_MINUTES`).
///
/// ```
/// assert_eq!(teichaku_model::MAX_EVENT_MINUTES, 43_200.0);
/// ```
pub const MAX_EVENT_MINUTES: f64 = 30.0 * 24.0 * 60.0;

/// The largest urgency coefficient of a playbook.
///
/// ```
/// assert_eq!(teichaku_model::MAX_URGENCY_COEFFICIENT, 1e6);
/// ```
pub const MAX_URGENCY_COEFFICIENT: f64 = 1e6;

/// The deepest nesting serde_json parses: its recursion limit of 128 refuses the 128th level.
const SERDE_JSON_NESTING: usize = 127;

/// Which limit an input went past.
///
/// ```
/// use teichaku_model::Limit;
/// assert_eq!(Limit::UsageEvents.to_string(), "usage events");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "each variant is named after the field of `Limits` it stands for")]
pub enum Limit {
    DocumentBytes,
    StringBytes,
    Nesting,
    Units,
    Members,
    Waves,
    TaskBaselines,
    Phases,
    GateCriteria,
    Activities,
    ActivityInstances,
    Interventions,
    KpiTargets,
    ScoreComponents,
    AbsoluteConditions,
    UsageEvents,
    Completions,
    Trainings,
    Surveys,
    Proposals,
    Consultations,
    Incidents,
    RuleReviews,
    SuccessCases,
    UsageFiles,
    RubricFacts,
    RubricCriteria,
    RubricBands,
    RubricCaps,
    EnumerationValues,
    ScoringSteps,
    OutcomeKpis,
    Outcomes,
    Changes,
    Tools,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::DocumentBytes => "bytes in the document",
            Limit::StringBytes => "bytes in one string",
            Limit::Nesting => "levels of nesting",
            Limit::Units => "units",
            Limit::Members => "members",
            Limit::Waves => "waves",
            Limit::TaskBaselines => "task baselines",
            Limit::Phases => "phases",
            Limit::GateCriteria => "gate criteria",
            Limit::Activities => "activities",
            Limit::ActivityInstances => "activity instances",
            Limit::Interventions => "interventions",
            Limit::KpiTargets => "KPI targets",
            Limit::ScoreComponents => "score components",
            Limit::AbsoluteConditions => "absolute conditions",
            Limit::UsageEvents => "usage events",
            Limit::Completions => "completions",
            Limit::Trainings => "training records",
            Limit::Surveys => "survey responses",
            Limit::Proposals => "proposals",
            Limit::Consultations => "consultations",
            Limit::Incidents => "incidents",
            Limit::RuleReviews => "rule reviews",
            Limit::SuccessCases => "success cases",
            Limit::UsageFiles => "usage event files",
            Limit::RubricFacts => "facts",
            Limit::RubricCriteria => "criteria",
            Limit::RubricBands => "bands",
            Limit::RubricCaps => "caps",
            Limit::EnumerationValues => "enumeration values",
            Limit::ScoringSteps => "scoring steps",
            Limit::OutcomeKpis => "outcome KPIs",
            Limit::Outcomes => "outcome records",
            Limit::Changes => "changes to members' facts",
            Limit::Tools => "new tools",
        })
    }
}

/// An input past one of its [`Limits`]: which, the limit and the value found.
///
/// ```
/// use teichaku_model::{Limit, LimitError};
/// let e = LimitError { what: Limit::Members, limit: 10, found: 12 };
/// assert_eq!(e.to_string(), "12 members, more than the limit of 10");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, thiserror::Error)]
#[error("{found} {what}, more than the limit of {limit}")]
pub struct LimitError {
    /// Which limit.
    pub what: Limit,
    /// The limit.
    pub limit: usize,
    /// The value found.
    pub found: usize,
}

impl From<LimitError> for DocumentError {
    fn from(e: LimitError) -> Self {
        DocumentError::LimitExceeded { what: e.what, limit: e.limit, found: e.found }
    }
}

/// Checks the size, the string lengths and the nesting of a JSON text before it is parsed, in one
/// pass over its bytes that allocates nothing.
///
/// Strings are measured as written, between their quotes; nesting counts arrays and objects. The
/// text need not be valid JSON: the parser reports what else is wrong.
pub(crate) fn check_json(json: &str, limits: &Limits) -> Result<(), LimitError> {
    Limits::check(Limit::DocumentBytes, limits.max_document_bytes, json.len())?;
    let max_nesting = limits.max_nesting.min(SERDE_JSON_NESTING);
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut string_start = 0usize;
    let mut longest_over: Option<usize> = None;
    for (at, &b) in json.as_bytes().iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                let len = at - string_start;
                if len > limits.max_string_bytes && longest_over.is_none() {
                    longest_over = Some(len);
                }
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_start = at + 1;
            }
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if in_string {
        let len = json.len() - string_start;
        if len > limits.max_string_bytes && longest_over.is_none() {
            longest_over = Some(len);
        }
    }
    if let Some(found) = longest_over {
        return Err(LimitError { what: Limit::StringBytes, limit: limits.max_string_bytes, found });
    }
    Limits::check(Limit::Nesting, max_nesting, deepest)
}

#[cfg(test)]
mod tests;
