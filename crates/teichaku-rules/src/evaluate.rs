//! Scoring one person's facts against a compiled rubric, with the explanation as data.

use serde::{Deserialize, Serialize};

use crate::compile::{Compiled, CompiledRubric, FactValue, Facts};
use crate::error::EvaluationError;
use crate::id::{CapId, CriterionId, FactName, RubricId};
use crate::rubric::{FactKind, MissingPolicy};

/// The result of [`evaluate`]: the total, the band, and what decided them.
///
/// No number is rounded: `uncapped_total` is `100 × (Σ points ÷ weight_counted)`, summed over the
/// counted criteria in rubric order, so the explanation re-adds to exactly the same number;
/// `total` is the lower of that and every applied cap's limit; `band` is the band of `total`.
/// Round only for display.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(8.0))])?;
/// let e = evaluate(&rubric, &facts)?;
/// // Only the usage criterion is counted (the default policy renormalises): half of 16 days.
/// assert_eq!(e.total, 50.0);
/// assert_eq!(e.missing.len(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evaluation {
    /// The rubric's id.
    pub rubric_id: RubricId,
    /// The rubric's revision.
    pub rubric_revision: u32,
    /// The score in `[0, 100]` after caps, unrounded.
    pub total: f64,
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
}

/// What one criterion contributed.
///
/// ```
/// use teichaku_rules::{evaluate, FactValue};
/// let rubric = teichaku_rules::ai_use_in_appraisal();
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
/// let rubric = teichaku_rules::ai_use_in_appraisal();
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
/// let rubric = teichaku_rules::ai_use_in_appraisal();
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
/// Allocates only the result. The rubric was validated by [`compile`](crate::compile), so only
/// the facts can be at fault.
///
/// # Errors
///
/// - [`EvaluationError::FactCountMismatch`] when `facts` was made for another rubric;
/// - [`EvaluationError::WrongValueKind`], [`EvaluationError::NonFiniteValue`] and
///   [`EvaluationError::UnknownValue`] for a value that does not fit its fact;
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
    let table = rubric.fact_table();
    if facts.len() != table.len() {
        return Err(EvaluationError::FactCountMismatch { expected: table.len(), found: facts.len() });
    }
    let mut missing_count = 0;
    for (index, value) in facts.values().iter().enumerate() {
        let (Some(name), Some(kind)) = (table.name(index), table.kind(index)) else { continue };
        match value {
            None if rubric.read[index] => missing_count += 1,
            None => {}
            Some(value) => check_value(name, kind, value)?,
        }
    }
    let policy = rubric.missing_policy();
    let missing_names = || {
        facts
            .values()
            .iter()
            .enumerate()
            .filter(|&(i, v)| v.is_none() && rubric.read[i])
            .filter_map(|(i, _)| table.name(i).cloned())
    };
    if policy == MissingPolicy::Error && missing_count > 0 {
        return Err(EvaluationError::MissingFacts { facts: missing_names().collect() });
    }
    let zero = policy == MissingPolicy::Zero;

    let source = rubric.rubric();
    let mut criteria = Vec::with_capacity(rubric.criteria.len());
    let mut weight_counted = 0.0;
    let mut points_counted = 0.0;
    for (compiled, criterion) in rubric.criteria.iter().zip(&source.criteria) {
        let value = facts.get(compiled.fact);
        let achievement = match value {
            Some(FactValue::Number(x)) => criterion.scoring.achievement_of_number(*x),
            Some(FactValue::Boolean(b)) => criterion.scoring.achievement_of_boolean(*b),
            Some(FactValue::Enumeration(_)) => None,
            None if zero => {
                criterion.scoring.achievement_of_number(0.0).or(criterion.scoring.achievement_of_boolean(false))
            }
            None => None,
        };
        let counted = achievement.is_some();
        let achievement = achievement.unwrap_or(0.0);
        let points = achievement * criterion.weight;
        if counted {
            weight_counted += criterion.weight;
            points_counted += points;
        }
        criteria.push(Contribution {
            criterion: criterion.id.clone(),
            fact: criterion.fact.clone(),
            fact_value: value.cloned(),
            achievement,
            weight: criterion.weight,
            points,
            counted,
        });
    }
    if weight_counted <= 0.0 {
        return Err(EvaluationError::NothingToScore);
    }
    // Divide first: the ratio is at most 1, so the total is at most 100 after rounding.
    let uncapped_total = 100.0 * (points_counted / weight_counted);

    let mut total = uncapped_total;
    let mut caps_applied = Vec::new();
    for (compiled, cap) in rubric.caps.iter().zip(&source.caps) {
        if holds(&compiled.when, facts, zero) == Some(true) {
            total = total.min(compiled.limit);
            caps_applied.push(CapApplied { cap: cap.id.clone(), limit: compiled.limit });
        }
    }

    let treatment_of = |name: &FactName| match table.index(name.as_str()).and_then(|i| table.kind(i)) {
        Some(FactKind::Number | FactKind::Boolean) if zero => Treatment::ReadAsZero,
        _ => Treatment::LeftOut,
    };
    let mut missing = Vec::with_capacity(missing_count);
    missing.extend(missing_names().map(|fact| MissingFact { treatment: treatment_of(&fact), fact }));

    Ok(Evaluation {
        rubric_id: source.id.clone(),
        rubric_revision: source.revision,
        total,
        uncapped_total,
        band: rubric.band_of(total).to_owned(),
        criteria,
        weight_counted,
        caps_applied,
        missing,
    })
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
