//! Team roll-ups of a batch: per group, counts, mean and median total and the band distribution,
//! withheld for groups too small to stay anonymous.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::batch::{BatchReport, Outcome, SubjectResult};
use crate::compile::CompiledRubric;
use crate::error::ReportError;
use crate::id::RubricId;

/// The minimum group size used when the caller has no policy of its own: 5, the same as the
/// privacy threshold of the metrics (`min_group_size` in a playbook's metric settings).
///
/// ```
/// assert_eq!(teichaku_rules::DEFAULT_MIN_GROUP_SIZE, 5);
/// ```
pub const DEFAULT_MIN_GROUP_SIZE: usize = 5;

/// The result of [`rollup`]: one roll-up per group, ordered by group key, and one for everyone.
///
/// ```
/// use teichaku_rules::{evaluate_batch, rollup, FactValue, GroupFigures, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let subjects: Vec<Subject> = (0..5)
///     .map(|i| Ok(Subject::new(format!("e-{i}"), rubric.facts([("usage_days_28", FactValue::Number(4.0 * i as f64))])?).in_group("sales")))
///     .collect::<Result<_, teichaku_rules::EvaluationError>>()?;
/// let report = rollup(&rubric, &evaluate_batch(&rubric, &subjects), 5)?;
/// let GroupFigures::Shown { median, .. } = &report.groups[0].figures else { panic!("shown") };
/// assert_eq!(*median, 50.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RollupReport {
    /// The rubric's id.
    pub rubric_id: RubricId,
    /// The rubric's revision.
    pub rubric_revision: u32,
    /// The minimum group size applied (at least 1).
    pub min_group_size: usize,
    /// One roll-up per group key, ordered by key; subjects without a group come first, under no
    /// key.
    pub groups: Vec<GroupRollup>,
    /// Everyone in the batch, under no key.
    pub overall: GroupRollup,
}

/// The roll-up of one group.
///
/// The counts are always shown; the figures are withheld when fewer than the minimum group
/// size were evaluated.
///
/// ```
/// use teichaku_rules::{evaluate_batch, rollup, FactValue, GroupFigures, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(4.0))])?;
/// let report = rollup(&rubric, &evaluate_batch(&rubric, &[Subject::new("e-1", facts).in_group("hr")]), 5)?;
/// assert_eq!(report.groups[0].evaluated, 1);
/// assert_eq!(report.groups[0].figures, GroupFigures::Suppressed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupRollup {
    /// The group key; `None` for subjects without a group, and for the overall roll-up.
    pub group: Option<String>,
    /// How many subjects the group has in the batch, whatever their outcome.
    pub subjects: usize,
    /// How many were evaluated.
    pub evaluated: usize,
    /// How many the rubric does not apply to.
    pub not_applicable: usize,
    /// How many failed to evaluate.
    pub failed: usize,
    /// How many repeated an id used before in the batch (whatever their recorded outcome: each
    /// person counts once).
    pub duplicates: usize,
    /// The figures over the evaluated subjects, or why they are not shown.
    pub figures: GroupFigures,
}

/// The figures of a group, or why they are not shown.
///
/// In JSON it is tagged by `status`.
///
/// ```
/// use teichaku_rules::GroupFigures;
/// assert_eq!(serde_json::to_string(&GroupFigures::Suppressed)?, r#"{"status":"suppressed"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupFigures {
    /// The figures over the evaluated subjects, all unrounded.
    Shown {
        /// The mean total.
        mean: f64,
        /// The median total: the middle one, or the mean of the two middle ones.
        median: f64,
        /// How many evaluated subjects are in each band: every band of the rubric, in rubric
        /// order (highest first), zero included.
        bands: Vec<BandCount>,
    },
    /// Withheld: fewer subjects were evaluated than the minimum group size (or, for the overall
    /// roll-up, the withheld groups together hold fewer than it).
    Suppressed,
    /// Nobody in the group was evaluated, so there is nothing to show or to withhold.
    NoneEvaluated,
}

/// How many subjects are in one band.
///
/// ```
/// let count = teichaku_rules::BandCount { band: "A".into(), count: 3 };
/// assert_eq!(serde_json::to_string(&count)?, r#"{"band":"A","count":3}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct BandCount {
    /// The band.
    pub band: String,
    /// How many subjects.
    pub count: usize,
}

/// Rolls a batch up per group: counts, mean and median total, and the band distribution.
///
/// Each subject id counts once: a result whose id came earlier in the batch counts as a
/// duplicate (never in the figures), whatever outcome it records, so a batch repeating two
/// people cannot reach a minimum group size of 5.
///
/// Groups (and the overall roll-up) with fewer than `min_group_size` evaluated subjects have
/// their figures [`GroupFigures::Suppressed`], so no one's result can be read off a small
/// team's figures; their counts are still shown. The overall figures are withheld too when
/// the withheld groups hold 1 to `min_group_size − 1` evaluated subjects between them, since
/// the overall minus the shown groups would be theirs (complementary suppression). A
/// `min_group_size` of 0 counts as 1. Use [`DEFAULT_MIN_GROUP_SIZE`] when there is no policy of
/// your own.
///
/// # Errors
///
/// - [`ReportError::RubricMismatch`] when `batch` was evaluated with another rubric or revision;
/// - [`ReportError::RubricContentMismatch`] when its rubric had the same id and revision but
///   other content;
/// - [`ReportError::UnknownBand`] when an evaluation names a band the rubric does not have
///   (only possible for a batch report edited by hand).
///
/// # Example
///
/// ```
/// use teichaku_rules::{evaluate_batch, rollup, FactValue, GroupFigures, Subject, DEFAULT_MIN_GROUP_SIZE};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let mut subjects = Vec::new();
/// for (i, days) in [16.0, 12.0, 8.0, 8.0, 4.0, 16.0].into_iter().enumerate() {
///     let group = if i < 5 { "sales" } else { "legal" };
///     let facts = rubric.facts([("usage_days_28", FactValue::Number(days))])?;
///     subjects.push(Subject::new(format!("e-{i}"), facts).in_group(group));
/// }
/// let report = rollup(&rubric, &evaluate_batch(&rubric, &subjects), DEFAULT_MIN_GROUP_SIZE)?;
/// // Groups come in key order: "legal" (one person: withheld), then "sales".
/// assert_eq!(report.groups[0].figures, GroupFigures::Suppressed);
/// // Everyone minus sales would be the one person in legal: the overall figures are withheld.
/// assert_eq!(report.overall.figures, GroupFigures::Suppressed);
/// let GroupFigures::Shown { mean, median, bands } = &report.groups[1].figures else { panic!("shown") };
/// assert_eq!((*mean, *median), (60.0, 50.0));
/// let counts: Vec<usize> = bands.iter().map(|b| b.count).collect();
/// assert_eq!(counts, [1, 1, 0, 2, 1]); // S A B C D
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rollup(
    rubric: &CompiledRubric,
    batch: &BatchReport,
    min_group_size: usize,
) -> Result<RollupReport, ReportError> {
    check_rubric(rubric, batch)?;
    let rows = with_repeats(batch).map(|(result, repeat)| {
        let kind = match &result.outcome {
            _ if repeat => RowKind::Repeat,
            Outcome::Evaluated { evaluation } => RowKind::Evaluated { total: evaluation.total, band: &evaluation.band },
            Outcome::NotApplicable { .. } => RowKind::NotApplicable,
            Outcome::Failed { .. } => RowKind::Failed,
            Outcome::DuplicateSubject { .. } => RowKind::Duplicate,
        };
        (result.subject.as_str(), result.group.as_deref(), kind)
    });
    tally_rollup(rubric, &batch.rubric_id, batch.rubric_revision, rows, min_group_size)
}

/// What a subject's first row gave, as a [`BatchPartial`](crate::BatchPartial) keeps it.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Standing {
    Evaluated { total: f64, band: String },
    NotApplicable,
    Failed,
    Duplicate,
}

impl Standing {
    pub(crate) fn row_kind(&self) -> RowKind<'_> {
        match self {
            Standing::Evaluated { total, band } => RowKind::Evaluated { total: *total, band },
            Standing::NotApplicable => RowKind::NotApplicable,
            Standing::Failed => RowKind::Failed,
            Standing::Duplicate => RowKind::Duplicate,
        }
    }
}

/// One row as a roll-up counts it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RowKind<'a> {
    /// A later row of a subject counted before.
    Repeat,
    Evaluated {
        total: f64,
        band: &'a str,
    },
    NotApplicable,
    Failed,
    /// A first row recorded as a duplicate (a batch built by hand).
    Duplicate,
}

/// The roll-up of `rows` (subject, group, what the row gave), in any order: every figure is a
/// count, or taken over the group's totals sorted, so the order of the rows does not matter.
pub(crate) fn tally_rollup<'a>(
    rubric: &CompiledRubric,
    rubric_id: &RubricId,
    rubric_revision: u32,
    rows: impl Iterator<Item = (&'a str, Option<&'a str>, RowKind<'a>)>,
    min_group_size: usize,
) -> Result<RollupReport, ReportError> {
    let min_group_size = min_group_size.max(1);
    let band_count = rubric.rubric().bands.len();
    let mut groups: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    let mut overall = Tally::new(band_count);
    for (subject, group, kind) in rows {
        let band =
            match kind {
                RowKind::Evaluated { band, .. } => {
                    Some(rubric.rubric().bands.iter().position(|b| b.name == band).ok_or_else(|| {
                        ReportError::UnknownBand { subject: subject.to_owned(), band: band.to_owned() }
                    })?)
                }
                _ => None,
            };
        overall.add(kind, band);
        groups.entry(group).or_insert_with(|| Tally::new(band_count)).add(kind, band);
    }
    let groups: Vec<GroupRollup> = groups
        .into_iter()
        .map(|(group, tally)| tally.finish(group.map(str::to_owned), rubric, min_group_size))
        .collect();
    let mut overall = overall.finish(None, rubric, min_group_size);
    // Complementary suppression: the groups split the overall roll-up, so its figures minus the
    // shown groups' would be those of the withheld ones; when these are 1 to (minimum − 1)
    // evaluated subjects, the overall figures are withheld (one figure, where withholding a
    // shown group would take away what the roll-up is for).
    let shown: usize =
        groups.iter().filter(|g| matches!(g.figures, GroupFigures::Shown { .. })).map(|g| g.evaluated).sum();
    let rest = overall.evaluated.saturating_sub(shown);
    if matches!(overall.figures, GroupFigures::Shown { .. }) && rest > 0 && rest < min_group_size {
        overall.figures = GroupFigures::Suppressed;
    }
    Ok(RollupReport { rubric_id: rubric_id.clone(), rubric_revision, min_group_size, groups, overall })
}

/// Every result of `batch`, in order, each with whether its subject id was seen before: people
/// are counted once, whatever a batch built by hand (or with
/// [`BatchReport::record`](crate::BatchReport::record)) records.
pub(crate) fn with_repeats(batch: &BatchReport) -> impl Iterator<Item = (&SubjectResult, bool)> {
    let mut seen = BTreeSet::new();
    batch.results.iter().map(move |result| (result, !seen.insert(result.subject.as_str())))
}

/// Checks that `batch` was evaluated with `rubric`.
pub(crate) fn check_rubric(rubric: &CompiledRubric, batch: &BatchReport) -> Result<(), ReportError> {
    let source = rubric.rubric();
    if batch.rubric_id == source.id && batch.rubric_revision == source.revision {
        if batch.rubric_hash != rubric.content_hash() {
            return Err(ReportError::RubricContentMismatch {
                expected: rubric.content_hash().to_owned(),
                found: batch.rubric_hash.clone(),
            });
        }
        Ok(())
    } else {
        Err(ReportError::RubricMismatch {
            expected: source.id.clone(),
            expected_revision: source.revision,
            found: batch.rubric_id.clone(),
            found_revision: batch.rubric_revision,
        })
    }
}

/// The position in the rubric of the band of an evaluated subject; `None` when not evaluated.
pub(crate) fn band_index(rubric: &CompiledRubric, result: &SubjectResult) -> Result<Option<usize>, ReportError> {
    let Some(evaluation) = result.evaluation() else { return Ok(None) };
    rubric
        .rubric()
        .bands
        .iter()
        .position(|b| b.name == evaluation.band)
        .map(Some)
        .ok_or_else(|| ReportError::UnknownBand { subject: result.subject.clone(), band: evaluation.band.clone() })
}

/// The median of `values`, sorted in place; `None` when empty.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => values.get(mid).copied(),
        _ => Some((values.get(mid.checked_sub(1)?)? + values.get(mid)?) / 2.0),
    }
}

/// The counts and totals of one group, as the batch is read.
struct Tally {
    subjects: usize,
    not_applicable: usize,
    failed: usize,
    duplicates: usize,
    totals: Vec<f64>,
    bands: Vec<usize>,
}

impl Tally {
    fn new(band_count: usize) -> Self {
        Self {
            subjects: 0,
            not_applicable: 0,
            failed: 0,
            duplicates: 0,
            totals: Vec::new(),
            bands: vec![0; band_count],
        }
    }

    /// Counts a row; a repeat of a subject counted before counts as a duplicate only.
    fn add(&mut self, kind: RowKind<'_>, band: Option<usize>) {
        self.subjects += 1;
        match kind {
            RowKind::Repeat | RowKind::Duplicate => self.duplicates += 1,
            RowKind::Evaluated { total, .. } => {
                self.totals.push(total);
                if let Some(count) = band.and_then(|b| self.bands.get_mut(b)) {
                    *count += 1;
                }
            }
            RowKind::NotApplicable => self.not_applicable += 1,
            RowKind::Failed => self.failed += 1,
        }
    }

    fn finish(mut self, group: Option<String>, rubric: &CompiledRubric, min_group_size: usize) -> GroupRollup {
        let evaluated = self.totals.len();
        let figures = if evaluated == 0 {
            GroupFigures::NoneEvaluated
        } else if evaluated < min_group_size {
            GroupFigures::Suppressed
        } else {
            // The totals sorted first, so the sum (and the mean) does not depend on the order the
            // rows came in: shards merged in any order give the same bits. Counts fit in f64
            // exactly far beyond any organisation's size.
            let median = median(&mut self.totals).unwrap_or_default();
            let mean = self.totals.iter().sum::<f64>() / evaluated as f64;
            let bands = rubric
                .rubric()
                .bands
                .iter()
                .zip(&self.bands)
                .map(|(band, &count)| BandCount { band: band.name.clone(), count })
                .collect();
            GroupFigures::Shown { mean, median, bands }
        };
        GroupRollup {
            group,
            subjects: self.subjects,
            evaluated,
            not_applicable: self.not_applicable,
            failed: self.failed,
            duplicates: self.duplicates,
            figures,
        }
    }
}
