//! What can stop rubric work: problems in a rubric, and facts that cannot be evaluated.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{CapId, CriterionId, FactName, RubricId};
use crate::rubric::ValueKind;

/// Where in a rubric a problem sits: a list, a position in it and the item's id.
///
/// ```
/// use teichaku_rules::{CriterionId, Location};
/// let at = Location::Criterion { index: 2, id: CriterionId::new("usage")? };
/// assert_eq!(at.to_string(), "criterion #2 `usage`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(tag = "list", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Location {
    /// An entry of `facts`.
    Fact {
        /// Its position, from 0.
        index: usize,
        /// Its name.
        name: FactName,
    },
    /// An entry of `bands`.
    Band {
        /// Its position, from 0.
        index: usize,
        /// Its name.
        name: String,
    },
    /// An entry of `criteria`.
    Criterion {
        /// Its position, from 0.
        index: usize,
        /// Its id.
        id: CriterionId,
    },
    /// An entry of `caps`.
    Cap {
        /// Its position, from 0.
        index: usize,
        /// Its id.
        id: CapId,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Fact { index, name } => write!(f, "fact #{index} `{name}`"),
            Location::Band { index, name } => write!(f, "band #{index} `{name}`"),
            Location::Criterion { index, id } => write!(f, "criterion #{index} `{id}`"),
            Location::Cap { index, id } => write!(f, "cap #{index} `{id}`"),
        }
    }
}

/// A problem in a rubric, found by [`compile`](crate::compile).
///
/// ```
/// use teichaku_rules::{CriterionId, Location, RubricError};
/// let e = RubricError::BadWeight { at: Location::Criterion { index: 0, id: CriterionId::new("usage")? }, weight: 0.0 };
/// assert_eq!(e.to_string(), "criterion #0 `usage` has weight 0: weights are positive and at most 1000000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RubricError {
    /// The document's format version is not one this crate reads.
    #[error("rubric format version {found} is not supported: expected 1")]
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// `effective_until` comes before `effective_from`.
    #[error("the rubric ends on {until} before it starts on {from}")]
    EffectiveRange {
        /// The first day.
        from: chrono::NaiveDate,
        /// The last day.
        until: chrono::NaiveDate,
    },
    /// Two facts share a name.
    #[error("{at} repeats a fact name declared before")]
    DuplicateFact {
        /// The second declaration.
        at: Location,
    },
    /// An enumeration fact declares no values, or one value twice.
    #[error("{at} needs distinct enumeration values")]
    BadEnumeration {
        /// The declaration.
        at: Location,
    },
    /// The rubric has no bands.
    #[error("the rubric has no bands")]
    NoBands,
    /// Two bands share a name.
    #[error("{at} repeats a band name used before")]
    DuplicateBand {
        /// The second band.
        at: Location,
    },
    /// A band's `min_score` is not below the one before it (bands go highest first).
    #[error("{at} starts at {min_score}, not below the band before it: bands go highest first without overlap")]
    BandsUnsorted {
        /// The band out of order.
        at: Location,
        /// Its lower bound.
        min_score: f64,
    },
    /// A band's `min_score` is outside `[0, 100]`, or the last band does not start at 0.
    #[error("{at} starts at {min_score}: bands start within [0, 100] and the last starts at 0")]
    BandOutOfRange {
        /// The band.
        at: Location,
        /// Its lower bound.
        min_score: f64,
    },
    /// The rubric has no criteria.
    #[error("the rubric has no criteria")]
    NoCriteria,
    /// Two criteria share an id.
    #[error("{at} repeats a criterion id used before")]
    DuplicateCriterion {
        /// The second criterion.
        at: Location,
    },
    /// Two caps share an id.
    #[error("{at} repeats a cap id used before")]
    DuplicateCap {
        /// The second cap.
        at: Location,
    },
    /// A criterion or condition names a fact the rubric does not declare.
    #[error("{at} reads unknown fact `{fact}`")]
    UnknownFact {
        /// The criterion or cap.
        at: Location,
        /// The fact named.
        fact: FactName,
    },
    /// A criterion or condition reads a fact of the wrong kind for its use.
    #[error("{at} reads fact `{fact}` as {}, but it is declared {}", with_article(*.expected), with_article(*.found))]
    WrongFactKind {
        /// The criterion or cap.
        at: Location,
        /// The fact named.
        fact: FactName,
        /// The kind its use needs.
        expected: ValueKind,
        /// The kind declared.
        found: ValueKind,
    },
    /// A `one_of` condition names a value not declared for its fact.
    #[error("{at} tests fact `{fact}` for undeclared value {value:?}")]
    UnknownValue {
        /// The cap.
        at: Location,
        /// The fact.
        fact: FactName,
        /// The value.
        value: String,
    },
    /// A criterion's weight is not finite, positive and at most [`MAX_WEIGHT`](crate::MAX_WEIGHT).
    #[error("{at} has weight {weight}: weights are positive and at most 1000000")]
    BadWeight {
        /// The criterion.
        at: Location,
        /// The weight found.
        weight: f64,
    },
    /// A number in a scoring, condition or cap is not finite, or outside its range: a score
    /// outside `[0, 1]`, a cap's `max_score` outside `[0, 100]`, a bound or compared value past
    /// ±[`MAX_MAGNITUDE`](crate::MAX_MAGNITUDE).
    #[error("{at} has {field} = {value}, outside its range")]
    BadNumber {
        /// The criterion or cap.
        at: Location,
        /// The field, such as `when_true` or `steps[1].score`.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A linear scoring has `from == to`.
    #[error("{at} scores linearly from {value} to the same value")]
    FlatLinear {
        /// The criterion.
        at: Location,
        /// Both ends.
        value: f64,
    },
    /// A steps scoring has no steps, or steps not strictly ascending in `at_least`.
    #[error("{at} has steps that are empty or not strictly ascending (at step {step})")]
    StepsUnsorted {
        /// The criterion.
        at: Location,
        /// The first step out of order (0 when there are none).
        step: usize,
    },
    /// A cap's condition nests deeper than [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH).
    #[error("{at} nests its condition deeper than {max} levels")]
    ConditionTooDeep {
        /// The cap.
        at: Location,
        /// The limit.
        max: usize,
    },
    /// A cap names a band the rubric does not have.
    #[error("{at} caps at unknown band `{band}`")]
    UnknownBand {
        /// The cap.
        at: Location,
        /// The band named.
        band: String,
    },
    /// A list longer than its [`Limits`](teichaku_model::Limits) allow: the rubric's facts,
    /// criteria, bands or caps (`at` is `None`), or the values of one enumeration fact or
    /// `one_of` condition, or the steps of one scoring (`at` names the fact, cap or criterion).
    /// Reported before any other check of a rubric-wide list, which are skipped.
    #[error("{} has {found} {what}, more than the limit of {limit}", .at.as_ref().map_or_else(|| "the rubric".to_owned(), ToString::to_string))]
    LimitExceeded {
        /// The fact, criterion or cap holding the list, or `None` for the rubric itself.
        at: Option<Location>,
        /// Which limit.
        what: teichaku_model::Limit,
        /// The limit.
        limit: usize,
        /// How many were found.
        found: usize,
    },
    /// A fact's `range` is not a sound range of a number fact: declared on a boolean or
    /// enumeration fact, an end not finite or past ±[`MAX_MAGNITUDE`](crate::MAX_MAGNITUDE), or
    /// `min > max`.
    #[error("{at} has range [{min}, {max}]: a range belongs to a number fact, with min <= max within ±1e12")]
    BadRange {
        /// The fact.
        at: Location,
        /// The range's lower end.
        min: f64,
        /// The range's upper end.
        max: f64,
    },
    /// A cap gives neither `max_band` nor `max_score`.
    #[error("{at} limits nothing: give `max_band`, `max_score` or both")]
    CapWithoutLimit {
        /// The cap.
        at: Location,
    },
}

/// Every problem found in a rubric, in document order; never empty when returned as an error.
///
/// ```
/// use teichaku_rules::{RubricError, RubricErrors};
/// let errors = RubricErrors::from(vec![RubricError::NoCriteria, RubricError::NoBands]);
/// assert_eq!(errors.len(), 2);
/// assert_eq!(errors.to_string(), "2 problems in the rubric: the rubric has no criteria; the rubric has no bands");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RubricErrors(Vec<RubricError>);

impl RubricErrors {
    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never, for a value returned by `compile`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, RubricError> {
        self.0.iter()
    }

    /// The problems, owned.
    pub fn into_vec(self) -> Vec<RubricError> {
        self.0
    }
}

impl From<Vec<RubricError>> for RubricErrors {
    fn from(errors: Vec<RubricError>) -> Self {
        Self(errors)
    }
}

impl<'a> IntoIterator for &'a RubricErrors {
    type Item = &'a RubricError;
    type IntoIter = std::slice::Iter<'a, RubricError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for RubricErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems in the rubric: ", many.len())?;
                for (i, e) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RubricErrors {}

/// Why facts could not be evaluated against a compiled rubric.
///
/// In JSON (as in a batch result) it is tagged by `kind`.
///
/// ```
/// use teichaku_rules::{EvaluationError, FactName};
/// let e = EvaluationError::MissingFacts { facts: vec![FactName::new("incidents")?] };
/// assert_eq!(e.to_string(), "facts missing under the `error` policy: `incidents`");
/// assert_eq!(serde_json::to_string(&e)?, r#"{"kind":"missing_facts","facts":["incidents"]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EvaluationError {
    /// Facts the rubric reads are missing and its policy is `error`.
    #[error("facts missing under the `error` policy: {}", display_names(.facts))]
    MissingFacts {
        /// Every missing fact the rubric reads, in declaration order.
        facts: Vec<FactName>,
    },
    /// A name given for a fact is not declared by the rubric.
    #[error("the rubric declares no fact `{fact}`")]
    UnknownFact {
        /// The name given.
        fact: String,
    },
    /// A value is of a different kind than its fact.
    #[error("fact `{fact}` is declared {}, but the value given is {}", with_article(*.expected), with_article(*.found))]
    WrongValueKind {
        /// The fact.
        fact: FactName,
        /// Its declared kind.
        expected: ValueKind,
        /// The kind of the value given.
        found: ValueKind,
    },
    /// A number value is NaN or infinite.
    #[error("fact `{fact}` has a number that is not finite")]
    NonFiniteValue {
        /// The fact.
        fact: FactName,
    },
    /// An enumeration value is not declared for its fact.
    #[error("fact `{fact}` has undeclared value {value:?}")]
    UnknownValue {
        /// The fact.
        fact: FactName,
        /// The value given.
        value: String,
    },
    /// The facts row was made for a rubric with a different number of facts.
    #[error("the facts hold {found} values but the rubric declares {expected} facts")]
    FactCountMismatch {
        /// The rubric's fact count.
        expected: usize,
        /// The row's length.
        found: usize,
    },
    /// A fact was given twice for one subject (in one call, or one line of a facts file).
    #[error("fact `{fact}` is given twice")]
    DuplicateFact {
        /// The fact's name as given.
        fact: String,
    },
    /// A number fact lies outside the range its declaration allows.
    #[error("fact `{fact}` is {value}, outside its range [{min}, {max}]")]
    OutOfRange {
        /// The fact.
        fact: FactName,
        /// The value given.
        value: f64,
        /// The lowest value allowed.
        min: f64,
        /// The highest value allowed.
        max: f64,
    },
    /// Facts declared `required` are missing, whatever the rubric's missing-fact policy.
    #[error("required facts missing: {}", display_names(.facts))]
    RequiredFactsMissing {
        /// Every missing required fact, in declaration order.
        facts: Vec<FactName>,
    },
    /// Every criterion was left out for missing facts, so there is no total.
    #[error("every criterion reads a missing fact: there is nothing to score")]
    NothingToScore,
}

/// "a number", "a boolean", "an enumeration".
fn with_article(kind: ValueKind) -> String {
    match kind {
        ValueKind::Enumeration => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

fn display_names(names: &[FactName]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Why a batch cannot be rolled up or calibrated.
///
/// ```
/// use teichaku_rules::ReportError;
/// let e = ReportError::TargetSum { sum: 0.9 };
/// assert_eq!(e.to_string(), "the target shares add up to 0.9, not 1");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReportError {
    /// The batch was evaluated with another rubric, another revision of it, or a rubric of the
    /// same id and revision whose content differs (see
    /// [`CompiledRubric::content_hash`](crate::CompiledRubric::content_hash)).
    #[error(
        "the batch was evaluated with rubric `{found}` revision {found_revision}, not `{expected}` revision {expected_revision}"
    )]
    RubricMismatch {
        /// The rubric given.
        expected: RubricId,
        /// Its revision.
        expected_revision: u32,
        /// The rubric the batch records.
        found: RubricId,
        /// Its revision.
        found_revision: u32,
    },
    /// The batch was evaluated with a rubric of the same id and revision as the one given, but
    /// other content: their content hashes differ.
    #[error(
        "the batch was evaluated with a rubric of the same id and revision but other content: hash {found}, not {expected}"
    )]
    RubricContentMismatch {
        /// The content hash of the rubric given.
        expected: String,
        /// The content hash the batch records.
        found: String,
    },
    /// An evaluation names a band the rubric does not have (a batch report edited by hand).
    #[error("subject `{subject}` is in band `{band}`, which the rubric does not have")]
    UnknownBand {
        /// The subject.
        subject: String,
        /// The band named.
        band: String,
    },
    /// The calibration target names a band the rubric does not have.
    #[error("the target gives a share for band `{band}`, which the rubric does not have")]
    TargetUnknownBand {
        /// The band named.
        band: String,
    },
    /// The calibration target gives no share for one of the rubric's bands.
    #[error("the target gives no share for band `{band}`: give every band a share, 0 included")]
    TargetMissingBand {
        /// The band left out.
        band: String,
    },
    /// A share of the calibration target is not a number in `[0, 1]`.
    #[error("the target share of band `{band}` is {share}: shares are within [0, 1]")]
    TargetBadShare {
        /// The band.
        band: String,
        /// The share given.
        share: f64,
    },
    /// The shares of the calibration target do not add up to 1.
    #[error("the target shares add up to {sum}, not 1")]
    TargetSum {
        /// Their sum.
        sum: f64,
    },
}

/// Why a built-in rubric cannot be had.
///
/// ```
/// use teichaku_rules::BuiltinError;
/// let e = teichaku_rules::builtin("ai-use-in-appraisal@9").unwrap_err();
/// assert_eq!(e, BuiltinError::UnknownRevision { id: "ai-use-in-appraisal".into(), revision: 9, known: vec![1, 2] });
/// assert_eq!(e.to_string(), "built-in rubric `ai-use-in-appraisal` has no revision 9: its revisions are 1, 2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BuiltinError {
    /// No built-in rubric has this id.
    #[error("there is no built-in rubric `{id}`: the built-in rubrics are {}", .known.join(", "))]
    UnknownRubric {
        /// The id asked for.
        id: String,
        /// The ids of the built-in rubrics.
        known: Vec<String>,
    },
    /// The built-in rubric has no such revision.
    #[error("built-in rubric `{id}` has no revision {revision}: its revisions are {}", .known.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
    UnknownRevision {
        /// The rubric.
        id: String,
        /// The revision asked for.
        revision: u32,
        /// Its revisions.
        known: Vec<u32>,
    },
    /// The text after `@` is not a revision number.
    #[error("`{spec}` names no revision: write `ID` or `ID@REVISION`, such as `ai-use-in-appraisal@1`")]
    BadSpec {
        /// The text given.
        spec: String,
    },
}
