//! The evaluation batch as a serialised, versioned partial for roll-ups: each subject's standing
//! (total and band, or why not evaluated) and the groups of the rows repeating it, computed per
//! shard of a population, merged exactly, and rolled up as if the whole population had been one
//! batch.
//!
//! The JSON form is canonical (subjects sorted by id, repeats sorted), so equal partials are
//! equal bytes. `docs/scale.md` describes the form and the merge laws.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::batch::{BatchReport, Outcome};
use crate::compile::CompiledRubric;
use crate::error::ReportError;
use crate::id::RubricId;
use crate::rollup::{RollupReport, RowKind, Standing, check_rubric, tally_rollup, with_repeats};

/// The value of the `format` field of a serialised [`BatchPartial`].
///
/// ```
/// assert_eq!(teichaku_rules::BATCH_PARTIAL_FORMAT, "teichaku-batch-partial");
/// ```
pub const BATCH_PARTIAL_FORMAT: &str = "teichaku-batch-partial";

/// The version of the serialised [`BatchPartial`] this engine writes and reads.
///
/// ```
/// assert_eq!(teichaku_rules::BATCH_PARTIAL_VERSION, 1);
/// ```
pub const BATCH_PARTIAL_VERSION: u32 = 1;

/// The longest serialised batch partial [`BatchPartial::from_json`] reads: 1 GiB.
///
/// ```
/// assert_eq!(teichaku_rules::MAX_BATCH_PARTIAL_BYTES, 1 << 30);
/// ```
pub const MAX_BATCH_PARTIAL_BYTES: usize = 1 << 30;

/// What a roll-up needs of a batch, by subject: mergeable across shards of a population.
///
/// [`BatchPartial::of`] takes it from a [`BatchReport`]; [`BatchPartial::merge`] adds another
/// shard's (associative and commutative); [`rollup_partial`] rolls it up into the same
/// [`RollupReport`] as [`rollup`](crate::rollup) over one batch of every shard's rows.
///
/// A subject repeated within a shard counts once, as in a batch. A subject in two shards has no
/// first row (shards have no order): the merge takes it when both shards give it the same group
/// and standing, since either order then gives the same roll-up, and refuses it otherwise
/// ([`BatchPartialError::SubjectInTwoShards`]): shard by subject so a person's rows stay together.
///
/// A partial holds each subject's total and band: it is input, as sensitive as the facts, not a
/// report to show; the roll-up withholds small groups.
///
/// ```
/// use teichaku_rules::{evaluate_batch, rollup, rollup_partial, BatchPartial, FactValue, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let subjects: Vec<Subject> = (0..6)
///     .map(|i| Ok(Subject::new(format!("e-{i}"), rubric.facts([("usage_days_28", FactValue::Number(3.0 * i as f64))])?).in_group("sales")))
///     .collect::<Result<_, teichaku_rules::EvaluationError>>()?;
/// let (first, second) = subjects.split_at(2);
/// let mut merged = BatchPartial::of(&rubric, &evaluate_batch(&rubric, second))?;
/// let other = BatchPartial::of(&rubric, &evaluate_batch(&rubric, first))?;
/// merged.merge(&BatchPartial::from_json(&other.to_json())?)?;
/// let whole = rollup(&rubric, &evaluate_batch(&rubric, &subjects), 5)?;
/// assert_eq!(rollup_partial(&rubric, &merged, 5)?, whole);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct BatchPartial {
    rubric_id: RubricId,
    rubric_revision: u32,
    rubric_hash: String,
    subjects: BTreeMap<String, SubjectEntry>,
}

/// Why a batch partial cannot be read or merged.
///
/// ```
/// let e = teichaku_rules::BatchPartial::from_json("[]").unwrap_err();
/// assert!(e.to_string().starts_with("not a batch partial"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchPartialError {
    /// The text is longer than [`MAX_BATCH_PARTIAL_BYTES`].
    #[error("a batch partial of {bytes} bytes is longer than the limit of {limit}")]
    TooLong {
        /// The text's length.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The text is not a batch partial's JSON (the parser's words).
    #[error("not a batch partial: {0}")]
    Json(String),
    /// The `format` field names something else.
    #[error("not a batch partial: the format is `{0}`, expected `teichaku-batch-partial`")]
    Format(String),
    /// A version this engine does not read.
    #[error("batch partial version {found} is not read by this engine (it reads version {supported})")]
    Version {
        /// The partial's version.
        found: u32,
        /// The version read.
        supported: u32,
    },
    /// A subject's entry is wrong.
    #[error("batch partial: subject `{subject}`: {problem}")]
    Invalid {
        /// The subject.
        subject: String,
        /// What is wrong.
        problem: String,
    },
    /// The two partials were evaluated with different rubrics (id, revision or content).
    #[error("batch partials of rubric `{left}` and `{right}` cannot be merged")]
    RubricMismatch {
        /// One side's rubric, as `id@revision#hash`.
        left: String,
        /// The other's.
        right: String,
    },
    /// The same subject in two partials with different groups or standings: which came first
    /// (and so counts) is not known.
    #[error(
        "subject `{subject}` is in two shards with different groups or results: shard by subject so a person's rows stay together"
    )]
    SubjectInTwoShards {
        /// The subject.
        subject: String,
    },
}

/// One subject: the group and standing of its first row, and the groups of its later rows.
#[derive(Clone, PartialEq, Debug)]
struct SubjectEntry {
    group: Option<String>,
    standing: Standing,
    repeats: Vec<Option<String>>,
}

impl SubjectEntry {
    /// Whether the first rows agree, so either may count: bit for bit for the total.
    fn same_first(&self, other: &Self) -> bool {
        self.group == other.group
            && match (&self.standing, &other.standing) {
                (Standing::Evaluated { total: a, band: x }, Standing::Evaluated { total: b, band: y }) => {
                    a.to_bits() == b.to_bits() && x == y
                }
                (a, b) => a == b,
            }
    }
}

impl BatchPartial {
    /// The partial of `batch`, evaluated with `rubric`: each subject's first result, and the
    /// groups of the results repeating it.
    ///
    /// # Errors
    ///
    /// [`ReportError::RubricMismatch`] or [`ReportError::RubricContentMismatch`] when `batch`
    /// was evaluated with another rubric; [`ReportError::UnknownBand`] when an evaluation names a
    /// band the rubric does not have.
    ///
    /// ```
    /// use teichaku_rules::{evaluate_batch, BatchPartial, Facts, Subject};
    /// let rubric = teichaku_rules::ai_use_in_appraisal();
    /// let partial = BatchPartial::of(&rubric, &evaluate_batch(&rubric, &[Subject::new("e-1", Facts::default())]))?;
    /// assert_eq!(partial.subject_count(), 1);
    /// # Ok::<(), teichaku_rules::ReportError>(())
    /// ```
    pub fn of(rubric: &CompiledRubric, batch: &BatchReport) -> Result<Self, ReportError> {
        check_rubric(rubric, batch)?;
        let mut subjects: BTreeMap<String, SubjectEntry> = BTreeMap::new();
        for (result, repeat) in with_repeats(batch) {
            if repeat {
                if let Some(entry) = subjects.get_mut(&result.subject) {
                    entry.repeats.push(result.group.clone());
                }
                continue;
            }
            let standing = match &result.outcome {
                Outcome::Evaluated { evaluation } => {
                    if !rubric.rubric().bands.iter().any(|b| b.name == evaluation.band) {
                        return Err(ReportError::UnknownBand {
                            subject: result.subject.clone(),
                            band: evaluation.band.clone(),
                        });
                    }
                    Standing::Evaluated { total: evaluation.total, band: evaluation.band.clone() }
                }
                Outcome::NotApplicable { .. } => Standing::NotApplicable,
                Outcome::Failed { .. } => Standing::Failed,
                Outcome::DuplicateSubject { .. } => Standing::Duplicate,
            };
            subjects.insert(
                result.subject.clone(),
                SubjectEntry { group: result.group.clone(), standing, repeats: Vec::new() },
            );
        }
        for entry in subjects.values_mut() {
            entry.repeats.sort();
        }
        Ok(Self {
            rubric_id: batch.rubric_id.clone(),
            rubric_revision: batch.rubric_revision,
            rubric_hash: batch.rubric_hash.clone(),
            subjects,
        })
    }

    /// Distinct subjects in the partial.
    ///
    /// ```
    /// # fn partial() -> teichaku_rules::BatchPartial { unimplemented!() }
    /// # if false {
    /// println!("{} people", partial().subject_count());
    /// # }
    /// ```
    pub fn subject_count(&self) -> usize {
        self.subjects.len()
    }

    /// Adds `other` in: subjects by union, the repeats of a subject in both by union of their
    /// rows. Associative and commutative; on an error `self` is left as it was.
    ///
    /// # Errors
    ///
    /// [`BatchPartialError::RubricMismatch`] when the two were evaluated with different rubrics;
    /// [`BatchPartialError::SubjectInTwoShards`] when a subject is in both with different groups
    /// or standings.
    ///
    /// ```
    /// # fn partials() -> (teichaku_rules::BatchPartial, teichaku_rules::BatchPartial) { unimplemented!() }
    /// # if false {
    /// let (mut a, b) = partials();
    /// a.merge(&b)?;
    /// # }
    /// # Ok::<(), teichaku_rules::BatchPartialError>(())
    /// ```
    pub fn merge(&mut self, other: &Self) -> Result<(), BatchPartialError> {
        if (&self.rubric_id, self.rubric_revision, &self.rubric_hash)
            != (&other.rubric_id, other.rubric_revision, &other.rubric_hash)
        {
            return Err(BatchPartialError::RubricMismatch { left: self.rubric_name(), right: other.rubric_name() });
        }
        for (subject, theirs) in &other.subjects {
            if let Some(mine) = self.subjects.get(subject) {
                if !mine.same_first(theirs) {
                    return Err(BatchPartialError::SubjectInTwoShards { subject: subject.clone() });
                }
            }
        }
        for (subject, theirs) in &other.subjects {
            match self.subjects.get_mut(subject) {
                Some(mine) => {
                    // Both first rows are the same; whichever counts, the other is a repeat.
                    mine.repeats.extend(theirs.repeats.iter().cloned());
                    mine.repeats.push(theirs.group.clone());
                    mine.repeats.sort();
                }
                None => {
                    self.subjects.insert(subject.clone(), theirs.clone());
                }
            }
        }
        Ok(())
    }

    fn rubric_name(&self) -> String {
        format!("{}@{}#{}", self.rubric_id, self.rubric_revision, self.rubric_hash)
    }

    /// The partial's canonical JSON: equal partials give equal bytes.
    ///
    /// ```
    /// # fn partial() -> teichaku_rules::BatchPartial { unimplemented!() }
    /// # if false {
    /// assert!(partial().to_json().starts_with(r#"{"format":"teichaku-batch-partial","version":1,"#));
    /// # }
    /// ```
    pub fn to_json(&self) -> String {
        let raw = RawPartial {
            format: BATCH_PARTIAL_FORMAT.to_owned(),
            version: BATCH_PARTIAL_VERSION,
            rubric_id: self.rubric_id.clone(),
            rubric_revision: self.rubric_revision,
            rubric_hash: self.rubric_hash.clone(),
            subjects: self
                .subjects
                .iter()
                .map(|(subject, e)| {
                    let (status, total, band) = match &e.standing {
                        Standing::Evaluated { total, band } => (Status::Evaluated, Some(*total), Some(band.clone())),
                        Standing::NotApplicable => (Status::NotApplicable, None, None),
                        Standing::Failed => (Status::Failed, None, None),
                        Standing::Duplicate => (Status::DuplicateSubject, None, None),
                    };
                    RawSubject {
                        subject: subject.clone(),
                        group: e.group.clone(),
                        status,
                        total,
                        band,
                        repeats: e.repeats.clone(),
                    }
                })
                .collect(),
        };
        // INVARIANT: the raw form holds strings and finite numbers only, which serialise.
        serde_json::to_string(&raw).unwrap_or_default()
    }

    /// Reads a partial written by [`to_json`](Self::to_json), checking every entry.
    ///
    /// # Errors
    ///
    /// [`BatchPartialError`] naming what is wrong: too long, not JSON of this form, another
    /// format or version, or a subject's entry out of range (listed twice, a total that is not a
    /// finite number, a band on a subject not evaluated).
    ///
    /// ```
    /// use teichaku_rules::{BatchPartial, BatchPartialError};
    /// let text = r#"{"format":"teichaku-batch-partial","version":7}"#;
    /// assert!(matches!(BatchPartial::from_json(text), Err(BatchPartialError::Version { found: 7, .. })));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, BatchPartialError> {
        if text.len() > MAX_BATCH_PARTIAL_BYTES {
            return Err(BatchPartialError::TooLong { bytes: text.len(), limit: MAX_BATCH_PARTIAL_BYTES });
        }
        let head: RawHead = serde_json::from_str(text).map_err(|e| BatchPartialError::Json(e.to_string()))?;
        match head.format.as_deref() {
            Some(BATCH_PARTIAL_FORMAT) => {}
            Some(other) => return Err(BatchPartialError::Format(other.to_owned())),
            None => return Err(BatchPartialError::Json("no `format` field".to_owned())),
        }
        if head.version != Some(BATCH_PARTIAL_VERSION) {
            return Err(BatchPartialError::Version {
                found: head.version.unwrap_or(0),
                supported: BATCH_PARTIAL_VERSION,
            });
        }
        let raw: RawPartial = serde_json::from_str(text).map_err(|e| BatchPartialError::Json(e.to_string()))?;
        let mut subjects = BTreeMap::new();
        for s in raw.subjects {
            let bad =
                |problem: &str| BatchPartialError::Invalid { subject: s.subject.clone(), problem: problem.into() };
            if s.subject.is_empty() {
                return Err(bad("an empty subject id"));
            }
            if subjects.contains_key(&s.subject) {
                return Err(bad("listed twice"));
            }
            let standing = match (s.status, s.total, &s.band) {
                (Status::Evaluated, Some(total), Some(band)) if total.is_finite() => {
                    Standing::Evaluated { total, band: band.clone() }
                }
                (Status::Evaluated, _, _) => return Err(bad("an evaluated subject needs a finite total and a band")),
                (_, None, None) => match s.status {
                    Status::NotApplicable => Standing::NotApplicable,
                    Status::Failed => Standing::Failed,
                    _ => Standing::Duplicate,
                },
                _ => return Err(bad("a total or band on a subject not evaluated")),
            };
            let mut repeats = s.repeats;
            repeats.sort();
            subjects.insert(s.subject, SubjectEntry { group: s.group, standing, repeats });
        }
        Ok(Self {
            rubric_id: raw.rubric_id,
            rubric_revision: raw.rubric_revision,
            rubric_hash: raw.rubric_hash,
            subjects,
        })
    }
}

/// Rolls a [`BatchPartial`] up per group: the same report as [`rollup`](crate::rollup) over one
/// batch holding every shard's rows, with the same withholding of small groups.
///
/// # Errors
///
/// [`ReportError::RubricMismatch`] or [`ReportError::RubricContentMismatch`] when the partial
/// was evaluated with another rubric; [`ReportError::UnknownBand`] when it names a band the
/// rubric does not have.
///
/// ```
/// use teichaku_rules::{evaluate_batch, rollup_partial, BatchPartial, Facts, GroupFigures, Subject};
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// let partial = BatchPartial::of(&rubric, &evaluate_batch(&rubric, &[Subject::new("e-1", Facts::default())]))?;
/// let report = rollup_partial(&rubric, &partial, 5)?;
/// assert_eq!((report.overall.failed, report.overall.figures.clone()), (1, GroupFigures::NoneEvaluated));
/// # Ok::<(), teichaku_rules::ReportError>(())
/// ```
pub fn rollup_partial(
    rubric: &CompiledRubric,
    partial: &BatchPartial,
    min_group_size: usize,
) -> Result<RollupReport, ReportError> {
    let mut batch = BatchReport::empty(rubric);
    batch.rubric_id = partial.rubric_id.clone();
    batch.rubric_revision = partial.rubric_revision;
    batch.rubric_hash = partial.rubric_hash.clone();
    check_rubric(rubric, &batch)?;
    let rows = partial.subjects.iter().flat_map(|(subject, e)| {
        let first = (subject.as_str(), e.group.as_deref(), e.standing.row_kind());
        std::iter::once(first).chain(e.repeats.iter().map(move |g| (subject.as_str(), g.as_deref(), RowKind::Repeat)))
    });
    tally_rollup(rubric, &partial.rubric_id, partial.rubric_revision, rows, min_group_size)
}

#[derive(Deserialize)]
struct RawHead {
    format: Option<String>,
    version: Option<u32>,
}

/// The serialised form (`docs/scale.md` describes each field).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartial {
    format: String,
    version: u32,
    rubric_id: RubricId,
    rubric_revision: u32,
    rubric_hash: String,
    #[serde(default)]
    subjects: Vec<RawSubject>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Evaluated,
    NotApplicable,
    Failed,
    DuplicateSubject,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSubject {
    subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    total: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    band: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    repeats: Vec<Option<String>>,
}
