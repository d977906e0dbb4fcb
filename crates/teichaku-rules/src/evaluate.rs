//! Scoring one person's facts against a compiled rubric, with the explanation as data.

use serde::{Deserialize, Serialize};

use crate::compile::{Compiled, CompiledRubric, FactValue, Facts};
use crate::error::EvaluationError;
use crate::id::{CapId, CriterionId, FactName, RubricId};
use crate::rubric::{Criterion, FactKind, MissingPolicy};

/// The result of [`evaluate`]: the total, the band, what decided them, and what produced them.
///
/// No number but `shown_total` is rounded: `uncapped_total` is `100 × (Σ points ÷
/// weight_counted)`, summed over the counted criteria in rubric order, so the explanation
/// re-adds to exactly the same number; `total` is the lower of that and every applied cap's
/// limit; `band` is the band of `total`. For display use `shown_total`, which never shows a
/// number of another band (see [`CompiledRubric::shown_total`]).
///
/// Provenance, so that a result stored on its own can be audited years later: the rubric's id,
/// revision and [content hash](CompiledRubric::content_hash), and the engine's version.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(8.0))])?;
/// let e = evaluate(&rubric, &facts)?;
/// // Revision 1 renormalises: only the usage criterion is counted, half of 16 days.
/// assert_eq!(e.total, 50.0);
/// assert_eq!(e.missing.len(), 4);
/// assert_eq!(e.rubric_hash, rubric.content_hash());
/// assert_eq!(e.engine_version, teichaku_rules::ENGINE_VERSION);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evaluation {
    /// The rubric's id.
    pub rubric_id: RubricId,
    /// The rubric's revision.
    pub rubric_revision: u32,
    /// The rubric's content hash, `sha256:` and 64 hex digits (see
    /// [`CompiledRubric::content_hash`]).
    pub rubric_hash: String,
    /// The version of the engine that evaluated ([`ENGINE_VERSION`](crate::ENGINE_VERSION)).
    pub engine_version: String,
    /// The score in `[0, 100]` after caps, unrounded.
    pub total: f64,
    /// `total` for display, at [`DISPLAY_DECIMALS`](crate::DISPLAY_DECIMALS) decimals: rounded,
    /// or cut when rounding would carry it into another band (a total a cap left just below a
    /// band's bound shows as `74.99`, never `75.00`). Always in `band`.
    pub shown_total: f64,
    /// The score in `[0, 100]` before caps, unrounded.
    pub uncapped_total: f64,
    /// The band `total` falls in.
    pub band: String,
    /// Every criterion, in rubric order, with what it contributed.
    pub criteria: Vec<Contribution>,
    /// The sum of the weights of the counted criteria, in rubric order.
    pub weight_counted: f64,
    /// The caps whose condition held, in rubric order, whether or not they lowered the total.
    pub caps_applied: Vec<CapApplied>,
    /// Every fact the rubric reads that had no value, in declaration order, with its treatment.
    pub missing: Vec<MissingFact>,
    /// Every fact the rubric reads, in criteria or in caps' conditions, in declaration order,
    /// with the value evaluated (`None` when missing).
    pub facts_read: Vec<FactRead>,
}

/// A fact the rubric reads, with the value it had.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(8.0))])?;
/// let e = evaluate(&rubric, &facts)?;
/// // The incident cap reads `incidents`: echoed, missing, beside the criteria's facts.
/// let incidents = e.facts_read.iter().find(|f| f.fact.as_str() == "incidents").unwrap();
/// assert_eq!(incidents.value, None);
/// assert_eq!(e.facts_read.len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FactRead {
    /// The fact.
    pub fact: FactName,
    /// Its value, or `None` when it was missing.
    pub value: Option<FactValue>,
}

/// What one criterion contributed.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(4.0))])?;
/// let usage = evaluate(&rubric, &facts)?.criteria.into_iter().find(|c| c.criterion.as_str() == "usage-days").unwrap();
/// assert_eq!((usage.achievement, usage.points), (0.25, 0.25 * usage.weight));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Contribution {
    /// The criterion.
    pub criterion: CriterionId,
    /// The fact it reads.
    pub fact: FactName,
    /// The fact's value, or `None` when it was missing.
    pub fact_value: Option<FactValue>,
    /// The achievement in `[0, 1]` (0 for a criterion left out).
    pub achievement: f64,
    /// The criterion's weight.
    pub weight: f64,
    /// `achievement × weight`, in weight units (0 for a criterion left out).
    pub points: f64,
    /// Whether the criterion counts towards the total: false when it was left out for a missing
    /// fact under the `renormalise` policy.
    pub counted: bool,
}

/// A cap whose condition held.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(28.0)), ("incidents", FactValue::Number(2.0))])?;
/// let e = evaluate(&rubric, &facts)?;
/// assert_eq!(e.caps_applied[0].cap.as_str(), "incident");
/// assert!(e.total <= e.caps_applied[0].limit);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CapApplied {
    /// The cap.
    pub cap: CapId,
    /// The highest total it allows: its `max_score`, or the highest total inside its `max_band`
    /// (just below the next band up), whichever is lower.
    pub limit: f64,
}

/// A fact the rubric reads that had no value.
///
/// ```
/// use teichaku_rules::{evaluate, Treatment};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let mut facts = rubric.empty_facts();
/// facts.set(rubric.fact_table().index("usage_days_28").unwrap(), teichaku_rules::FactValue::Number(1.0));
/// let e = evaluate(&rubric, &facts)?;
/// assert!(e.missing.iter().all(|m| m.treatment == Treatment::LeftOut));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MissingFact {
    /// The fact.
    pub fact: FactName,
    /// How it was treated.
    pub treatment: Treatment,
}

/// How a missing fact was treated.
///
/// ```
/// use teichaku_rules::Treatment;
/// assert_eq!(serde_json::to_string(&Treatment::ReadAsZero)?, "\"read_as_zero\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Treatment {
    /// Read as 0 (a number) or false (a boolean), in criteria and conditions alike.
    ReadAsZero,
    /// Criteria reading it were left out and the other weights renormalised; conditions reading
    /// it were unknown, so a cap depending on it did not apply.
    LeftOut,
}

/// Scores one person's facts against a rubric.
///
/// Allocates the result; to score many people, [`evaluate_into`] reuses one result's buffers
/// instead and gives the same answer. The rubric was validated by [`compile`](crate::compile), so
/// only the facts can be at fault.
///
/// # Errors
///
/// - [`EvaluationError::FactCountMismatch`] when `facts` was made for another rubric;
/// - [`EvaluationError::WrongValueKind`], [`EvaluationError::NonFiniteValue`],
///   [`EvaluationError::OutOfRange`] and [`EvaluationError::UnknownValue`] for a value that does
///   not fit its fact;
/// - [`EvaluationError::RequiredFactsMissing`] when facts declared `required` are missing;
/// - [`EvaluationError::MissingFacts`] when facts the rubric reads are missing under the `error`
///   policy;
/// - [`EvaluationError::NothingToScore`] when every criterion was left out.
///
/// # Example
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// let facts = rubric.facts([
///     ("goal_sheet_ai_entry", FactValue::Boolean(true)),
///     ("proposals_implemented", FactValue::Number(3.0)),
///     ("success_cases_shared", FactValue::Number(2.0)),
///     ("usage_days_28", FactValue::Number(20.0)),
///     ("incidents", FactValue::Number(0.0)),
/// ])?;
/// let e = evaluate(&rubric, &facts)?;
/// assert_eq!((e.total, e.band.as_str()), (100.0, "S"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate(rubric: &CompiledRubric, facts: &Facts) -> Result<Evaluation, EvaluationError> {
    let mut out = Evaluation::buffer_for(rubric);
    evaluate_into(rubric, facts, &mut out)?;
    Ok(out)
}

/// Scores one person's facts against a rubric into `out`, reusing its buffers: the same result
/// as [`evaluate`], without allocating once `out` has held an evaluation by the same rubric.
///
/// `out` may hold anything before the call, such as [`Evaluation::buffer_for`] or the previous
/// person's evaluation, even by another rubric; every field is overwritten. Lists are updated in
/// place and ids are copied only when they differ from the ones already there, so scoring a
/// population with one buffer allocates nothing per person after the first, except to copy an
/// enumeration value longer than any before it. On error, `out` is left unchanged.
///
/// # Errors
///
/// The same as [`evaluate`].
///
/// # Example
///
/// ```
/// use teichaku_rules::{evaluate, evaluate_into, Evaluation, FactValue};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let mut out = Evaluation::buffer_for(&rubric);
/// let mut totals = Vec::new();
/// for days in [4.0, 8.0, 16.0] {
///     let facts = rubric.facts([("usage_days_28", FactValue::Number(days))])?;
///     evaluate_into(&rubric, &facts, &mut out)?;
///     assert_eq!(out, evaluate(&rubric, &facts)?);
///     totals.push(out.total);
/// }
/// assert_eq!(totals, [25.0, 50.0, 100.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_into(rubric: &CompiledRubric, facts: &Facts, out: &mut Evaluation) -> Result<(), EvaluationError> {
    let missing_count = check_facts(rubric, facts)?;
    if missing_facts(rubric, facts).any(|(index, _)| rubric.is_required(index)) {
        return Err(EvaluationError::RequiredFactsMissing {
            facts: missing_facts(rubric, facts)
                .filter(|(index, _)| rubric.is_required(*index))
                .map(|(_, name)| name.clone())
                .collect(),
        });
    }
    let policy = rubric.missing_policy();
    if policy == MissingPolicy::Error && missing_count > 0 {
        return Err(EvaluationError::MissingFacts {
            facts: missing_facts(rubric, facts).map(|(_, name)| name.clone()).collect(),
        });
    }
    let zero = policy == MissingPolicy::Zero;
    let source = rubric.rubric();
    let counted_any = rubric
        .criteria
        .iter()
        .zip(&source.criteria)
        .any(|(compiled, criterion)| achievement(criterion, facts.get(compiled.fact), zero).is_some());
    if !counted_any {
        return Err(EvaluationError::NothingToScore);
    }

    // Nothing can fail from here on: fill `out` in place.
    assign_id(&mut out.rubric_id, &source.id);
    out.rubric_revision = source.revision;
    if out.rubric_hash != rubric.content_hash() {
        out.rubric_hash.clear();
        out.rubric_hash.push_str(rubric.content_hash());
    }
    if out.engine_version != crate::ENGINE_VERSION {
        out.engine_version.clear();
        out.engine_version.push_str(crate::ENGINE_VERSION);
    }
    let mut weight_counted = 0.0;
    let mut points_counted = 0.0;
    out.criteria.truncate(source.criteria.len());
    for (index, (compiled, criterion)) in rubric.criteria.iter().zip(&source.criteria).enumerate() {
        let value = facts.get(compiled.fact);
        let achievement = achievement(criterion, value, zero);
        let counted = achievement.is_some();
        let achievement = achievement.unwrap_or(0.0);
        let points = achievement * criterion.weight;
        if counted {
            weight_counted += criterion.weight;
            points_counted += points;
        }
        match out.criteria.get_mut(index) {
            Some(slot) => {
                assign_id(&mut slot.criterion, &criterion.id);
                assign_id(&mut slot.fact, &criterion.fact);
                assign_value(&mut slot.fact_value, value);
                slot.achievement = achievement;
                slot.weight = criterion.weight;
                slot.points = points;
                slot.counted = counted;
            }
            None => out.criteria.push(Contribution {
                criterion: criterion.id.clone(),
                fact: criterion.fact.clone(),
                fact_value: value.cloned(),
                achievement,
                weight: criterion.weight,
                points,
                counted,
            }),
        }
    }
    // Divide first: the ratio is at most 1, so the total is at most 100 after rounding.
    let uncapped_total = 100.0 * (points_counted / weight_counted);

    let mut total = uncapped_total;
    let mut applied = 0;
    for (compiled, cap) in rubric.caps.iter().zip(&source.caps) {
        if holds(&compiled.when, facts, zero) == Some(true) {
            total = total.min(compiled.limit);
            set_at(
                &mut out.caps_applied,
                applied,
                &cap.id,
                |slot| slot.limit = compiled.limit,
                || CapApplied { cap: cap.id.clone(), limit: compiled.limit },
            );
            applied += 1;
        }
    }
    out.caps_applied.truncate(applied);

    let mut listed = 0;
    for ((fact, name), index) in missing_facts(rubric, facts).zip(0..) {
        let treatment = treatment_of(rubric, fact, zero);
        set_at(
            &mut out.missing,
            index,
            name,
            |slot| slot.treatment = treatment,
            || MissingFact { fact: name.clone(), treatment },
        );
        listed = index + 1;
    }
    out.missing.truncate(listed);

    let table = rubric.fact_table();
    let mut echoed = 0;
    for (index, _) in rubric.read.iter().enumerate().filter(|(_, read)| **read) {
        let (Some(name), value) = (table.name(index), facts.get(index)) else { continue };
        match out.facts_read.get_mut(echoed) {
            Some(slot) => {
                assign_id(&mut slot.fact, name);
                assign_value(&mut slot.value, value);
            }
            None => out.facts_read.push(FactRead { fact: name.clone(), value: value.cloned() }),
        }
        echoed += 1;
    }
    out.facts_read.truncate(echoed);

    out.total = total;
    out.shown_total = rubric.shown_total(total);
    out.uncapped_total = uncapped_total;
    out.weight_counted = weight_counted;
    out.band.clear();
    out.band.push_str(rubric.band_of(total));
    Ok(())
}

impl Evaluation {
    /// An evaluation to fill with [`evaluate_into`], with room for everything `rubric` can
    /// report: its criteria listed with nothing counted, no caps, no missing facts, a total of 0
    /// and the lowest band. It is a buffer, not a score.
    ///
    /// ```
    /// use teichaku_rules::Evaluation;
    /// let rubric = teichaku_rules::ai_use_in_appraisal();
    /// let buffer = Evaluation::buffer_for(&rubric);
    /// assert_eq!(buffer.rubric_hash, rubric.content_hash());
    /// assert_eq!(buffer.rubric_id, rubric.rubric().id);
    /// assert_eq!(buffer.criteria.len(), 4);
    /// assert!(buffer.criteria.iter().all(|c| !c.counted));
    /// ```
    pub fn buffer_for(rubric: &CompiledRubric) -> Self {
        let source = rubric.rubric();
        let mut criteria = Vec::with_capacity(source.criteria.len());
        criteria.extend(source.criteria.iter().map(|c| Contribution {
            criterion: c.id.clone(),
            fact: c.fact.clone(),
            fact_value: None,
            achievement: 0.0,
            weight: c.weight,
            points: 0.0,
            counted: false,
        }));
        let longest_band = source.bands.iter().map(|b| b.name.len()).max().unwrap_or(0);
        let mut band = String::with_capacity(longest_band);
        band.push_str(rubric.band_of(0.0));
        Self {
            rubric_id: source.id.clone(),
            rubric_revision: source.revision,
            rubric_hash: rubric.content_hash().to_owned(),
            engine_version: crate::ENGINE_VERSION.to_owned(),
            total: 0.0,
            shown_total: 0.0,
            uncapped_total: 0.0,
            band,
            criteria,
            weight_counted: 0.0,
            caps_applied: Vec::with_capacity(source.caps.len()),
            missing: Vec::with_capacity(rubric.fact_table().len()),
            facts_read: Vec::with_capacity(rubric.fact_table().len()),
        }
    }
}

/// Checks every value against its fact and counts the missing facts the rubric reads.
fn check_facts(rubric: &CompiledRubric, facts: &Facts) -> Result<usize, EvaluationError> {
    let table = rubric.fact_table();
    if facts.len() != table.len() {
        return Err(EvaluationError::FactCountMismatch { expected: table.len(), found: facts.len() });
    }
    let mut missing_count = 0;
    for (index, value) in facts.values().iter().enumerate() {
        let (Some(name), Some(kind)) = (table.name(index), table.kind(index)) else { continue };
        match value {
            None if rubric.read.get(index).copied().unwrap_or(false) => missing_count += 1,
            None => {}
            Some(value) => {
                check_value(name, kind, value)?;
                if let (FactValue::Number(x), Some(range)) = (value, rubric.range(index))
                    && !range.contains(*x)
                {
                    return Err(EvaluationError::OutOfRange {
                        fact: name.clone(),
                        value: *x,
                        min: range.min,
                        max: range.max,
                    });
                }
            }
        }
    }
    Ok(missing_count)
}

/// The missing facts the rubric reads, with their positions, in declaration order.
fn missing_facts<'a>(rubric: &'a CompiledRubric, facts: &'a Facts) -> impl Iterator<Item = (usize, &'a FactName)> + 'a {
    let table = rubric.fact_table();
    facts
        .values()
        .iter()
        .zip(&rubric.read)
        .enumerate()
        .filter(|&(_, (value, read))| value.is_none() && *read)
        .filter_map(move |(index, _)| Some((index, table.name(index)?)))
}

/// A criterion's achievement, or `None` when it is left out.
fn achievement(criterion: &Criterion, value: Option<&FactValue>, zero: bool) -> Option<f64> {
    match value {
        Some(FactValue::Number(x)) => criterion.scoring.achievement_of_number(*x),
        Some(FactValue::Boolean(b)) => criterion.scoring.achievement_of_boolean(*b),
        Some(FactValue::Enumeration(_)) => None,
        None if zero => {
            criterion.scoring.achievement_of_number(0.0).or(criterion.scoring.achievement_of_boolean(false))
        }
        None => None,
    }
}

/// How the missing fact at position `fact` is treated.
fn treatment_of(rubric: &CompiledRubric, fact: usize, zero: bool) -> Treatment {
    match rubric.fact_table().kind(fact) {
        Some(FactKind::Number | FactKind::Boolean) if zero => Treatment::ReadAsZero,
        _ => Treatment::LeftOut,
    }
}

/// Copies an id into `slot` only when it differs, so an unchanged id costs no allocation.
fn assign_id<T: PartialEq + Clone>(slot: &mut T, id: &T) {
    if slot != id {
        slot.clone_from(id);
    }
}

/// Copies a fact value into `slot`, reusing the text buffer of an enumeration already there.
fn assign_value(slot: &mut Option<FactValue>, value: Option<&FactValue>) {
    match (slot.as_mut(), value) {
        (Some(FactValue::Enumeration(to)), Some(FactValue::Enumeration(from))) => to.clone_from(from),
        (_, value) => *slot = value.cloned(),
    }
}

/// Updates the item at `index` of a list keyed by id, or pushes a new one there.
fn set_at<T, K: PartialEq + Clone>(
    list: &mut Vec<T>,
    index: usize,
    id: &K,
    update: impl FnOnce(&mut T),
    make: impl FnOnce() -> T,
) where
    T: Keyed<K>,
{
    match list.get_mut(index) {
        Some(slot) => {
            assign_id(slot.key_mut(), id);
            update(slot);
        }
        None => list.push(make()),
    }
}

/// A list item identified by an id, for [`set_at`].
trait Keyed<K> {
    fn key_mut(&mut self) -> &mut K;
}

impl Keyed<CapId> for CapApplied {
    fn key_mut(&mut self) -> &mut CapId {
        &mut self.cap
    }
}

impl Keyed<FactName> for MissingFact {
    fn key_mut(&mut self) -> &mut FactName {
        &mut self.fact
    }
}

fn check_value(name: &FactName, kind: &FactKind, value: &FactValue) -> Result<(), EvaluationError> {
    match (kind, value) {
        (FactKind::Number, FactValue::Number(x)) if !x.is_finite() => {
            Err(EvaluationError::NonFiniteValue { fact: name.clone() })
        }
        (FactKind::Enumeration(values), FactValue::Enumeration(v)) if !values.contains(v) => {
            Err(EvaluationError::UnknownValue { fact: name.clone(), value: v.clone() })
        }
        (FactKind::Number, FactValue::Number(_))
        | (FactKind::Boolean, FactValue::Boolean(_))
        | (FactKind::Enumeration(_), FactValue::Enumeration(_)) => Ok(()),
        (kind, value) => Err(EvaluationError::WrongValueKind {
            fact: name.clone(),
            expected: kind.value_kind(),
            found: value.kind(),
        }),
    }
}

/// Three-valued: `None` when the answer depends on a missing fact.
fn holds(condition: &Compiled, facts: &Facts, zero: bool) -> Option<bool> {
    match condition {
        Compiled::All(parts) => {
            let mut result = Some(true);
            for part in parts {
                match holds(part, facts, zero) {
                    Some(false) => return Some(false),
                    None => result = None,
                    Some(true) => {}
                }
            }
            result
        }
        Compiled::Any(parts) => {
            let mut result = Some(false);
            for part in parts {
                match holds(part, facts, zero) {
                    Some(true) => return Some(true),
                    None => result = None,
                    Some(false) => {}
                }
            }
            result
        }
        Compiled::Not(part) => holds(part, facts, zero).map(|b| !b),
        Compiled::Compare { fact, op, value } => match facts.get(*fact) {
            Some(FactValue::Number(x)) => Some(op.holds(*x, *value)),
            None if zero => Some(op.holds(0.0, *value)),
            _ => None,
        },
        Compiled::Is { fact, value } => match facts.get(*fact) {
            Some(FactValue::Boolean(b)) => Some(b == value),
            None if zero => Some(!*value),
            _ => None,
        },
        Compiled::OneOf { fact, values } => match facts.get(*fact) {
            Some(FactValue::Enumeration(v)) => Some(values.contains(v)),
            _ => None,
        },
    }
}
