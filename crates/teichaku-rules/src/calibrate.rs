//! Calibration to a target band distribution: who would move, from which band to which, and why.
//!
//! Calibration is advice for a calibration meeting, not a rewrite: it reads a batch and returns
//! a separate report, leaving every evaluation as it was.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::batch::BatchReport;
use crate::compile::CompiledRubric;
use crate::error::ReportError;
use crate::evaluate::Evaluation;
use crate::id::{CapId, RubricId};
use crate::rollup::{band_index, check_rubric, with_repeats};

/// How far the target shares may add up away from 1 and still count as 1, for rounding in
/// decimal shares such as 0.1 + 0.2 + 0.7.
///
/// ```
/// assert_eq!(teichaku_rules::SHARE_SUM_TOLERANCE, 1e-9);
/// ```
pub const SHARE_SUM_TOLERANCE: f64 = 1e-9;

/// A target band distribution: the share of the ranked subjects each band should hold.
///
/// In JSON: `{ "shares": { "S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1 } }`. Every band of
/// the rubric needs a share (0 included), each within `[0, 1]`, adding up to 1 (within
/// [`SHARE_SUM_TOLERANCE`]); [`calibrate`] checks this against the rubric.
///
/// ```
/// let target: teichaku_rules::CalibrationTarget =
///     serde_json::from_str(r#"{ "shares": { "S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1 } }"#)?;
/// assert_eq!(target.shares["B"], 0.4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibrationTarget {
    /// The share of each band, by band name.
    pub shares: BTreeMap<String, f64>,
}

/// The result of [`calibrate`]: the target cuts and every subject who would move.
///
/// ```
/// use teichaku_rules::{calibrate, evaluate_batch, CalibrationTarget, FactValue, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(16.0))])?;
/// let batch = evaluate_batch(&rubric, &[Subject::new("e-1", facts)]);
/// let target = CalibrationTarget { shares: [("S", 0.0), ("A", 1.0), ("B", 0.0), ("C", 0.0), ("D", 0.0)]
///     .into_iter().map(|(b, s)| (b.to_owned(), s)).collect() };
/// let report = calibrate(&rubric, &batch, &target)?;
/// assert_eq!((report.moves[0].from.as_str(), report.moves[0].to.as_str()), ("S", "A"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalibrationReport {
    /// The rubric's id.
    pub rubric_id: RubricId,
    /// The rubric's revision.
    pub rubric_revision: u32,
    /// How many subjects were ranked: those evaluated.
    pub ranked: usize,
    /// Every band of the rubric, in rubric order, with its target share and rank range.
    pub cuts: Vec<BandCut>,
    /// Every subject whose band would change, in rank order.
    pub moves: Vec<Move>,
    /// How many ranked subjects would keep their band.
    pub unchanged: usize,
    /// The subjects not ranked because they have no evaluation (out of scope, failed or
    /// repeated), in batch order.
    pub not_ranked: Vec<String>,
}

/// One band's place in the target distribution.
///
/// ```
/// use teichaku_rules::{calibrate, evaluate_batch, CalibrationTarget, FactValue, RankRange, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let subjects = (0..10)
///     .map(|i| Ok(Subject::new(format!("e-{i}"), rubric.facts([("usage_days_28", FactValue::Number(i as f64))])?)))
///     .collect::<Result<Vec<_>, teichaku_rules::EvaluationError>>()?;
/// let target: CalibrationTarget =
///     serde_json::from_str(r#"{ "shares": { "S": 0.1, "A": 0.2, "B": 0.4, "C": 0.2, "D": 0.1 } }"#)?;
/// let report = calibrate(&rubric, &evaluate_batch(&rubric, &subjects), &target)?;
/// let a = &report.cuts[1];
/// assert_eq!((a.band.as_str(), a.target, a.ranks), ("A", 2, Some(RankRange { first: 2, last: 3 })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BandCut {
    /// The band.
    pub band: String,
    /// Its target share.
    pub share: f64,
    /// The share of this band and every band above it.
    pub cumulative_share: f64,
    /// How many ranked subjects are in the band now.
    pub current: usize,
    /// How many would be in it under the target.
    pub target: usize,
    /// The ranks, from 1, that the band would hold; `None` when it would hold nobody.
    pub ranks: Option<RankRange>,
}

/// A range of ranks, from 1, both ends included.
///
/// ```
/// let range = teichaku_rules::RankRange { first: 3, last: 5 };
/// assert!(range.contains(4));
/// assert_eq!(range.len(), 3);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct RankRange {
    /// The first rank.
    pub first: usize,
    /// The last rank.
    pub last: usize,
}

impl RankRange {
    /// Whether `rank` is in the range.
    pub fn contains(&self, rank: usize) -> bool {
        (self.first..=self.last).contains(&rank)
    }

    /// How many ranks the range holds.
    pub fn len(&self) -> usize {
        (self.last + 1).saturating_sub(self.first)
    }

    /// Whether the range holds no rank (never, for a range in a report).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A subject whose band would change under the target distribution, and why.
///
/// ```
/// use teichaku_rules::Direction;
/// assert_eq!(serde_json::to_string(&Direction::Down)?, "\"down\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Move {
    /// The subject.
    pub subject: String,
    /// The subject's group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The subject's rank, from 1: by total, highest first, ties by subject id.
    pub rank: usize,
    /// The subject's total, unrounded.
    pub total: f64,
    /// The band the subject has now.
    pub from: String,
    /// The band the subject would have under the target.
    pub to: String,
    /// Up or down.
    pub direction: Direction,
    /// The ranks the target band holds, which include `rank`.
    pub target_ranks: RankRange,
    /// The caps applied to the subject that do not allow the target band: a move up past a cap
    /// is for people to decide, not a rule.
    pub above_caps: Vec<CapId>,
}

/// Which way a subject would move.
///
/// ```
/// assert_ne!(teichaku_rules::Direction::Up, teichaku_rules::Direction::Down);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Direction {
    /// To a higher band.
    Up,
    /// To a lower band.
    Down,
}

/// Computes the band each evaluated subject would get under a target band distribution, and
/// reports exactly who would move.
///
/// Evaluated subjects are ranked by total, highest first, ties broken by subject id (byte
/// order), so the ranking does not depend on input order. With `n` ranked subjects and `c` the
/// cumulative share of a band and every band above it, the band's lowest rank is
/// `round(c × n)`, halves rounded up; the last band ends at `n`. A band holds the ranks between
/// the one above it and its own lowest rank. A subject moves when its rank falls in another
/// band than the one it has. The batch is not changed: the report is separate.
///
/// # Errors
///
/// - [`ReportError::RubricMismatch`] and [`ReportError::UnknownBand`] as for
///   [`rollup`](crate::rollup);
/// - [`ReportError::TargetUnknownBand`], [`ReportError::TargetMissingBand`],
///   [`ReportError::TargetBadShare`] and [`ReportError::TargetSum`] for a target that does not
///   fit the rubric's bands, in that order of checking, bands in rubric order.
///
/// # Example
///
/// ```
/// use teichaku_rules::{calibrate, evaluate_batch, CalibrationTarget, FactValue, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let mut subjects = Vec::new();
/// for (id, days) in [("a", 16.0), ("b", 16.0), ("c", 12.0), ("d", 8.0)] {
///     subjects.push(Subject::new(id, rubric.facts([("usage_days_28", FactValue::Number(days))])?));
/// }
/// let batch = evaluate_batch(&rubric, &subjects); // S S A C
/// let target: CalibrationTarget =
///     serde_json::from_str(r#"{ "shares": { "S": 0.25, "A": 0.25, "B": 0.5, "C": 0, "D": 0 } }"#)?;
/// let report = calibrate(&rubric, &batch, &target)?;
/// let moves: Vec<_> = report.moves.iter().map(|m| (m.subject.as_str(), m.rank, m.from.as_str(), m.to.as_str())).collect();
/// // "b" ties with "a" but comes second by id.
/// assert_eq!(moves, [("b", 2, "S", "A"), ("c", 3, "A", "B"), ("d", 4, "C", "B")]);
/// assert_eq!(batch.results[1].evaluation().map(|e| e.band.as_str()), Some("S")); // unchanged
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn calibrate(
    rubric: &CompiledRubric,
    batch: &BatchReport,
    target: &CalibrationTarget,
) -> Result<CalibrationReport, ReportError> {
    check_rubric(rubric, batch)?;
    let shares = target_shares(rubric, target)?;

    let mut ranked: Vec<Ranked<'_>> = Vec::new();
    let mut not_ranked = Vec::new();
    let mut current = vec![0; shares.len()];
    for (result, repeat) in with_repeats(batch) {
        if repeat {
            not_ranked.push(result.subject.clone());
            continue;
        }
        match (result.evaluation(), band_index(rubric, result)?) {
            (Some(evaluation), Some(band)) => {
                if let Some(count) = current.get_mut(band) {
                    *count += 1;
                }
                ranked.push(Ranked { subject: &result.subject, group: result.group.as_deref(), evaluation, band });
            }
            _ => not_ranked.push(result.subject.clone()),
        }
    }
    ranked.sort_by(|a, b| b.evaluation.total.total_cmp(&a.evaluation.total).then_with(|| a.subject.cmp(b.subject)));

    let cuts = cuts(rubric, &shares, &current, ranked.len());
    let mut moves = Vec::new();
    for (rank, subject) in (1..).zip(&ranked) {
        let Some((to, cut)) = cuts.iter().enumerate().find(|(_, c)| c.ranks.is_some_and(|r| r.contains(rank))) else {
            continue;
        };
        if to == subject.band {
            continue;
        }
        let (Some(from_band), Some(target_ranks)) = (rubric.rubric().bands.get(subject.band), cut.ranks) else {
            continue;
        };
        moves.push(Move {
            subject: subject.subject.to_owned(),
            group: subject.group.map(str::to_owned),
            rank,
            total: subject.evaluation.total,
            from: from_band.name.clone(),
            to: cut.band.clone(),
            direction: if to < subject.band { Direction::Up } else { Direction::Down },
            target_ranks,
            above_caps: caps_below(rubric, subject.evaluation, to),
        });
    }
    Ok(CalibrationReport {
        rubric_id: batch.rubric_id.clone(),
        rubric_revision: batch.rubric_revision,
        ranked: ranked.len(),
        unchanged: ranked.len() - moves.len(),
        cuts,
        moves,
        not_ranked,
    })
}

/// An evaluated subject of the batch, with its current band's position.
struct Ranked<'a> {
    subject: &'a str,
    group: Option<&'a str>,
    evaluation: &'a Evaluation,
    band: usize,
}

/// The target's shares in rubric order, checked.
fn target_shares(rubric: &CompiledRubric, target: &CalibrationTarget) -> Result<Vec<f64>, ReportError> {
    let bands = &rubric.rubric().bands;
    if let Some(band) = target.shares.keys().find(|name| !bands.iter().any(|b| &b.name == *name)) {
        return Err(ReportError::TargetUnknownBand { band: band.clone() });
    }
    let mut shares = Vec::with_capacity(bands.len());
    for band in bands {
        let Some(&share) = target.shares.get(&band.name) else {
            return Err(ReportError::TargetMissingBand { band: band.name.clone() });
        };
        if !(0.0..=1.0).contains(&share) {
            return Err(ReportError::TargetBadShare { band: band.name.clone(), share });
        }
        shares.push(share);
    }
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
        return Err(ReportError::TargetSum { sum });
    }
    Ok(shares)
}

/// The rank range of every band under the target shares.
fn cuts(rubric: &CompiledRubric, shares: &[f64], current: &[usize], n: usize) -> Vec<BandCut> {
    let mut cumulative = 0.0;
    let mut end = 0;
    let last = shares.len().saturating_sub(1);
    let bands = rubric.rubric().bands.iter().zip(shares).zip(current).enumerate();
    bands
        .map(|(index, ((band, &share), &current))| {
            cumulative += share;
            let start = end;
            end = if index == last { n } else { cut_rank(cumulative, n).clamp(start, n) };
            let ranks = (end > start).then_some(RankRange { first: start + 1, last: end });
            BandCut {
                band: band.name.clone(),
                share,
                cumulative_share: cumulative,
                current,
                target: end - start,
                ranks,
            }
        })
        .collect()
}

/// `round(cumulative × n)`, halves up, forgiving the rounding error of decimal shares.
fn cut_rank(cumulative: f64, n: usize) -> usize {
    // Ranks are counts of people: far below 2^52, so the conversions are exact.
    let exact = cumulative * n as f64;
    let rounded = (exact + 0.5 + SHARE_SUM_TOLERANCE).floor();
    if rounded <= 0.0 { 0 } else { (rounded as usize).min(n) }
}

/// The caps applied to `evaluation` whose limit falls in a band below `to`.
fn caps_below(rubric: &CompiledRubric, evaluation: &Evaluation, to: usize) -> Vec<CapId> {
    let bands = &rubric.rubric().bands;
    evaluation
        .caps_applied
        .iter()
        .filter(|cap| {
            let limit_band = rubric.band_of(cap.limit);
            bands.iter().position(|b| b.name == limit_band).is_some_and(|allowed| to < allowed)
        })
        .map(|cap| cap.cap.clone())
        .collect()
}
