//! Evaluating a population: one result per subject, whether evaluated, out of scope or failed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use teichaku_model::Role;

use crate::compile::{CompiledRubric, Facts};
use crate::error::EvaluationError;
use crate::evaluate::{Evaluation, evaluate};
use crate::id::RubricId;

/// One person to evaluate in a batch: an id, an optional group for roll-ups, roles for the
/// rubric's `applies_to`, and a facts row for the rubric.
///
/// The id is the caller's (a member id, an employee number, …): it is only compared and echoed.
///
/// ```
/// use teichaku_model::Role;
/// use teichaku_rules::{FactValue, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let facts = rubric.facts([("usage_days_28", FactValue::Number(12.0))])?;
/// let subject = Subject::new("e-001", facts).in_group("sales").with_roles([Role::Staff]);
/// assert_eq!(subject.group.as_deref(), Some("sales"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// The subject's id, unique in the batch.
    pub id: String,
    /// The group (team, unit, …) the subject is rolled up in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The subject's roles, matched against the rubric's `applies_to`.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// The subject's facts, a row for the rubric.
    pub facts: Facts,
}

impl Subject {
    /// A subject without group or roles.
    ///
    /// ```
    /// let subject = teichaku_rules::Subject::new("e-001", teichaku_rules::Facts::default());
    /// assert!(subject.group.is_none() && subject.roles.is_empty());
    /// ```
    pub fn new(id: impl Into<String>, facts: Facts) -> Self {
        Self { id: id.into(), group: None, roles: Vec::new(), facts }
    }

    /// The same subject in `group`.
    ///
    /// ```
    /// let subject = teichaku_rules::Subject::new("e-001", Default::default()).in_group("sales");
    /// assert_eq!(subject.group.as_deref(), Some("sales"));
    /// ```
    #[must_use]
    pub fn in_group(mut self, group: impl Into<String>) -> Self {
        self.group = Some(group.into());
        self
    }

    /// The same subject holding `roles`.
    ///
    /// ```
    /// use teichaku_model::Role;
    /// let subject = teichaku_rules::Subject::new("e-001", Default::default()).with_roles([Role::Manager]);
    /// assert_eq!(subject.roles, [Role::Manager]);
    /// ```
    #[must_use]
    pub fn with_roles(mut self, roles: impl IntoIterator<Item = Role>) -> Self {
        self.roles = roles.into_iter().collect();
        self
    }
}

/// The result of [`evaluate_batch`]: one result per subject, in input order, and the counts.
///
/// ```
/// use teichaku_rules::{evaluate_batch, FactValue, Subject};
/// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
/// let subjects = [Subject::new("e-1", rubric.facts([("usage_days_28", FactValue::Number(16.0))])?)];
/// let report = evaluate_batch(&rubric, &subjects);
/// assert_eq!((report.evaluated, report.failed), (1, 0));
/// assert_eq!(report.results[0].evaluation().map(|e| e.total), Some(100.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BatchReport {
    /// The rubric's id.
    pub rubric_id: RubricId,
    /// The rubric's revision.
    pub rubric_revision: u32,
    /// The rubric's content hash (see [`CompiledRubric::content_hash`]).
    pub rubric_hash: String,
    /// The version of the engine that evaluated ([`ENGINE_VERSION`](crate::ENGINE_VERSION)).
    pub engine_version: String,
    /// One result per subject, in input order.
    pub results: Vec<SubjectResult>,
    /// How many subjects were evaluated.
    pub evaluated: usize,
    /// How many subjects the rubric does not apply to.
    pub not_applicable: usize,
    /// How many subjects had facts that could not be evaluated.
    pub failed: usize,
    /// How many subjects repeated an id used before in the batch.
    pub duplicates: usize,
}

impl BatchReport {
    /// An empty report for `rubric`, for callers that evaluate subjects themselves (say, while
    /// streaming a file with [`evaluate_into`](crate::evaluate_into)) and [`record`](Self::record)
    /// the results, to [`rollup`](crate::rollup) or [`calibrate`](crate::calibrate) them.
    ///
    /// ```
    /// let rubric = teichaku_rules::ai_use_in_appraisal();
    /// let report = teichaku_rules::BatchReport::empty(&rubric);
    /// assert!(report.results.is_empty());
    /// ```
    pub fn empty(rubric: &CompiledRubric) -> Self {
        let source = rubric.rubric();
        Self {
            rubric_id: source.id.clone(),
            rubric_revision: source.revision,
            rubric_hash: rubric.content_hash().to_owned(),
            engine_version: crate::ENGINE_VERSION.to_owned(),
            results: Vec::new(),
            evaluated: 0,
            not_applicable: 0,
            failed: 0,
            duplicates: 0,
        }
    }

    /// Adds one subject's result at the end and counts it. Unlike [`evaluate_batch`], it does
    /// not check that the id is new: that is the caller's to do or to leave. Whatever is
    /// recorded, [`rollup`](crate::rollup) and [`calibrate`](crate::calibrate) count each
    /// subject id once: a later result for an id already seen counts as a duplicate.
    ///
    /// An evaluation kept only for roll-ups and calibration may have its `criteria` and
    /// `missing` cleared to save memory: they read only its total, band and caps.
    ///
    /// ```
    /// use teichaku_rules::{evaluate, BatchReport, FactValue, Outcome};
    /// let rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?;
    /// let facts = rubric.facts([("usage_days_28", FactValue::Number(8.0))])?;
    /// let mut report = BatchReport::empty(&rubric);
    /// let evaluation = Box::new(evaluate(&rubric, &facts)?);
    /// report.record("e-1".into(), Some("sales".into()), Outcome::Evaluated { evaluation });
    /// assert_eq!((report.results.len(), report.evaluated), (1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record(&mut self, subject: String, group: Option<String>, outcome: Outcome) {
        match outcome {
            Outcome::Evaluated { .. } => self.evaluated += 1,
            Outcome::NotApplicable { .. } => self.not_applicable += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::DuplicateSubject { .. } => self.duplicates += 1,
        }
        self.results.push(SubjectResult { subject, group, outcome });
    }
}

/// What happened to one subject of a batch.
///
/// ```
/// use teichaku_rules::{evaluate_batch, Facts, Outcome, Subject};
/// let rubric = teichaku_rules::ai_use_in_appraisal();
/// let report = evaluate_batch(&rubric, &[Subject::new("e-1", Facts::default())]);
/// assert!(matches!(report.results[0].outcome, Outcome::Failed { .. }));
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubjectResult {
    /// The subject's id.
    pub subject: String,
    /// The subject's group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
}

impl SubjectResult {
    /// The evaluation, when the subject was evaluated.
    ///
    /// ```
    /// use teichaku_rules::{evaluate_batch, Facts, Subject};
    /// let rubric = teichaku_rules::ai_use_in_appraisal();
    /// let report = evaluate_batch(&rubric, &[Subject::new("e-1", Facts::default())]);
    /// assert!(report.results[0].evaluation().is_none());
    /// ```
    pub fn evaluation(&self) -> Option<&Evaluation> {
        match &self.outcome {
            Outcome::Evaluated { evaluation } => Some(evaluation),
            Outcome::NotApplicable { .. } | Outcome::Failed { .. } | Outcome::DuplicateSubject { .. } => None,
        }
    }
}

/// What happened to one subject: evaluated, out of the rubric's scope, failed, or a repeat.
///
/// In JSON it is tagged by `status`.
///
/// ```
/// use teichaku_model::Role;
/// use teichaku_rules::Outcome;
/// let outcome = Outcome::NotApplicable { roles: vec![Role::Staff] };
/// assert_eq!(serde_json::to_string(&outcome)?, r#"{"status":"not_applicable","roles":["staff"]}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The subject was evaluated.
    Evaluated {
        /// The evaluation, with its explanation.
        evaluation: Box<Evaluation>,
    },
    /// The rubric's `applies_to` shares no role with the subject, so it was not evaluated.
    NotApplicable {
        /// The subject's roles.
        roles: Vec<Role>,
    },
    /// The subject's facts could not be evaluated.
    Failed {
        /// Why.
        error: EvaluationError,
    },
    /// The subject's id was used by an earlier subject of the batch, so it was not evaluated.
    DuplicateSubject {
        /// The position, from 0, of the first subject with that id.
        first_index: usize,
    },
}

/// Evaluates every subject against `rubric`, keeping going past subjects that fail.
///
/// Each subject gets one result, in input order: its evaluation; `not_applicable` when the
/// rubric's `applies_to` shares no role with it; `failed` with the [`EvaluationError`] when its
/// facts are bad; or `duplicate_subject` when an earlier subject had the same id. Nothing is
/// dropped: the counts add up to the number of subjects.
///
/// # Example
///
/// ```
/// use teichaku_model::Role;
/// use teichaku_rules::{evaluate_batch, Facts, FactValue, Subject};
/// let mut rubric = teichaku_rules::builtin("ai-use-in-appraisal@1")?.rubric().clone();
/// rubric.applies_to = vec![Role::Staff];
/// let rubric = teichaku_rules::compile(rubric)?;
/// let good = rubric.facts([("usage_days_28", FactValue::Number(8.0))])?;
/// let subjects = [
///     Subject::new("e-1", good.clone()).with_roles([Role::Staff]),
///     Subject::new("e-2", good.clone()).with_roles([Role::Executive]),
///     Subject::new("e-3", Facts::default()).with_roles([Role::Staff]),
///     Subject::new("e-1", good).with_roles([Role::Staff]),
/// ];
/// let report = evaluate_batch(&rubric, &subjects);
/// assert_eq!((report.evaluated, report.not_applicable, report.failed, report.duplicates), (1, 1, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_batch<'a>(rubric: &CompiledRubric, subjects: impl IntoIterator<Item = &'a Subject>) -> BatchReport {
    let mut report = BatchReport::empty(rubric);
    let mut seen: BTreeMap<&'a str, usize> = BTreeMap::new();
    for (index, subject) in subjects.into_iter().enumerate() {
        let outcome = match seen.get(subject.id.as_str()) {
            Some(&first_index) => Outcome::DuplicateSubject { first_index },
            None => {
                seen.insert(subject.id.as_str(), index);
                outcome_of(rubric, subject)
            }
        };
        report.record(subject.id.clone(), subject.group.clone(), outcome);
    }
    report
}

/// The outcome for one subject, ignoring duplicates.
fn outcome_of(rubric: &CompiledRubric, subject: &Subject) -> Outcome {
    if !rubric.applies_to(&subject.roles) {
        return Outcome::NotApplicable { roles: subject.roles.clone() };
    }
    match evaluate(rubric, &subject.facts) {
        Ok(evaluation) => Outcome::Evaluated { evaluation: Box::new(evaluation) },
        Err(error) => Outcome::Failed { error },
    }
}
