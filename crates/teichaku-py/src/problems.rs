//! Failures as Python will see them: an exception class, a one-line message, and a list of
//! problems, each a JSON object naming the record, rubric item, fact or subject at fault.
//!
//! Every problem has `error` (a `snake_case` kind), `message` (the engine's own one-line
//! text) and `message_ja` (the same in Japanese, rows and positions counted from 1); the other
//! keys depend on where the problem sits:
//! - a validation problem is the serde form of the model's `ValidationError`, with its `record`;
//! - a rubric problem has `at` (`{"list": "criterion", "index": 2, "id": "usage"}`) and, where the
//!   problem is about one, `fact` or `band`;
//! - an evaluation problem has `fact` (or `facts`), and `subject` in a batch;
//! - a document problem read from a dict has `path` (`organisation.members[3].role`), one read
//!   from JSON text has `line` and `column`.

use serde_json::{Map, Value, json};
use teichaku::model::{DocumentError, Lang, ValidationError, ValidationErrors};
use teichaku::rules::{EvaluationError, RubricError, RubricErrors};
use teichaku_report::Message;

/// Which exception a failure raises.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// `teichaku.DocumentError`: the document or rubric text cannot be read as one.
    Document,
    /// `teichaku.ValidationError`: the document was read and is invalid.
    Validation,
    /// `teichaku.RubricError`: the rubric cannot be read or compiled.
    Rubric,
    /// `teichaku.EvaluationError`: facts that cannot be evaluated against the rubric.
    Evaluation,
    /// `teichaku.AssessmentError`: a valid document the engine cannot assess.
    Assessment,
}

/// A failure on its way to becoming a Python exception.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Failure {
    /// The exception class.
    pub(crate) kind: Kind,
    /// The exception's message.
    pub(crate) message: String,
    /// Every problem found, each a JSON object.
    pub(crate) problems: Vec<Value>,
}

impl Failure {
    /// A failure with one problem of kind `error` and `message`, plus `fields`.
    pub(crate) fn one(kind: Kind, error: &str, message: String, fields: Map<String, Value>) -> Self {
        let mut problem = fields;
        problem.insert("error".into(), error.into());
        problem.insert("message".into(), message.clone().into());
        Failure { kind, message, problems: vec![Value::Object(problem)] }
    }

    /// Every validation problem, each naming its record.
    pub(crate) fn validation(errors: &ValidationErrors) -> Self {
        let problems = errors.iter().map(validation_problem).collect();
        Failure { kind: Kind::Validation, message: errors.to_string(), problems }
    }

    /// Every problem of a rubric.
    pub(crate) fn rubric(errors: &RubricErrors) -> Self {
        let problems = errors.iter().map(rubric_problem).collect();
        Failure { kind: Kind::Rubric, message: errors.to_string(), problems }
    }

    /// Why one set of facts could not be evaluated.
    pub(crate) fn evaluation(error: &EvaluationError) -> Self {
        Failure { kind: Kind::Evaluation, message: error.to_string(), problems: vec![evaluation_problem(error)] }
    }

    /// A document that cannot be read; `path` is where in a dict the problem sits, when known.
    pub(crate) fn document(error: &DocumentError, path: Option<String>) -> Self {
        let mut problem = Map::new();
        let mut message = error.to_string();
        let message_ja = match (error, &path) {
            (DocumentError::Syntax { message: what, .. }, Some(path)) => {
                format!("{path}: {}", teichaku_report::json_problem(what, Lang::Ja))
            }
            _ => error.message(Lang::Ja),
        };
        match (error, path) {
            (DocumentError::Syntax { message: what, .. }, Some(path)) => {
                message = format!("{path}: {what}");
                problem.insert("path".into(), path.into());
            }
            (DocumentError::Syntax { line, column, .. }, None) => {
                problem.insert("line".into(), (*line).into());
                problem.insert("column".into(), (*column).into());
            }
            _ => {}
        }
        Failure::one(Kind::Document, &variant_name(error), message, problem).with_ja(&message_ja)
    }

    /// Gives every problem that has no Japanese message yet `text` as its `message_ja`.
    pub(crate) fn with_ja(mut self, text: &str) -> Self {
        for problem in &mut self.problems {
            if let Value::Object(fields) = problem {
                fields.entry("message_ja").or_insert_with(|| text.into());
            }
        }
        self
    }

    /// The Japanese message: the problems' `message_ja`, one a line, or the English message
    /// when a problem has none.
    pub(crate) fn message_ja(&self) -> String {
        let texts: Option<Vec<&str>> =
            self.problems.iter().map(|p| p.get("message_ja").and_then(Value::as_str)).collect();
        match texts {
            Some(texts) if !texts.is_empty() => texts.join("\n"),
            _ => self.message.clone(),
        }
    }

    /// Adds `key: value` to every problem, such as the subject's position in a batch.
    pub(crate) fn tag(mut self, key: &str, value: Value) -> Self {
        for problem in &mut self.problems {
            if let Value::Object(fields) = problem {
                fields.insert(key.into(), value.clone());
            }
        }
        self
    }
}

/// The serde form of a validation problem, with its message.
fn validation_problem(error: &ValidationError) -> Value {
    let mut problem = match serde_json::to_value(error) {
        Ok(Value::Object(fields)) => fields,
        // A problem whose serde form is not an object still gets its kind and message.
        _ => Map::from_iter([("error".to_owned(), variant_name(error).into())]),
    };
    problem.insert("message".into(), error.to_string().into());
    problem.insert("message_ja".into(), error.message(Lang::Ja).into());
    Value::Object(problem)
}

fn rubric_problem(error: &RubricError) -> Value {
    let mut problem = Map::new();
    problem.insert("error".into(), variant_name(error).into());
    problem.insert("message".into(), error.to_string().into());
    problem.insert("message_ja".into(), error.message(Lang::Ja).into());
    match error {
        RubricError::UnknownFact { at, fact }
        | RubricError::WrongFactKind { at, fact, .. }
        | RubricError::UnknownValue { at, fact, .. } => {
            problem.insert("at".into(), json!(at));
            problem.insert("fact".into(), json!(fact));
        }
        RubricError::UnknownBand { at, band } => {
            problem.insert("at".into(), json!(at));
            problem.insert("band".into(), json!(band));
        }
        RubricError::DuplicateFact { at }
        | RubricError::BadEnumeration { at }
        | RubricError::DuplicateBand { at }
        | RubricError::BandsUnsorted { at, .. }
        | RubricError::BandOutOfRange { at, .. }
        | RubricError::DuplicateCriterion { at }
        | RubricError::DuplicateCap { at }
        | RubricError::BadWeight { at, .. }
        | RubricError::BadNumber { at, .. }
        | RubricError::FlatLinear { at, .. }
        | RubricError::StepsUnsorted { at, .. }
        | RubricError::ConditionTooDeep { at, .. }
        | RubricError::CapWithoutLimit { at }
        | RubricError::BadRange { at, .. } => {
            problem.insert("at".into(), json!(at));
        }
        // The document as a whole (version, dates, no bands, no criteria), or a kind added later:
        // its kind and message say it.
        _ => {}
    }
    Value::Object(problem)
}

fn evaluation_problem(error: &EvaluationError) -> Value {
    let mut problem = Map::new();
    problem.insert("error".into(), variant_name(error).into());
    problem.insert("message".into(), error.to_string().into());
    problem.insert("message_ja".into(), error.message(Lang::Ja).into());
    match error {
        EvaluationError::MissingFacts { facts } | EvaluationError::RequiredFactsMissing { facts } => {
            problem.insert("facts".into(), json!(facts));
        }
        EvaluationError::OutOfRange { fact, value, min, max } => {
            problem.insert("fact".into(), json!(fact));
            problem.insert("value".into(), json!(value));
            problem.insert("min".into(), json!(min));
            problem.insert("max".into(), json!(max));
        }
        EvaluationError::UnknownFact { fact } | EvaluationError::DuplicateFact { fact } => {
            problem.insert("fact".into(), json!(fact));
        }
        EvaluationError::WrongValueKind { fact, expected, found } => {
            problem.insert("fact".into(), json!(fact));
            problem.insert("expected".into(), json!(expected));
            problem.insert("found".into(), json!(found));
        }
        EvaluationError::NonFiniteValue { fact } => {
            problem.insert("fact".into(), json!(fact));
        }
        EvaluationError::UnknownValue { fact, value } => {
            problem.insert("fact".into(), json!(fact));
            problem.insert("value".into(), json!(value));
        }
        _ => {}
    }
    Value::Object(problem)
}

/// The `snake_case` name of an enum value's variant, read off its `Debug` form: `BadWeight { .. }`
/// gives `bad_weight`. Used for the engine's error enums, whose variants name the problem.
pub(crate) fn variant_name(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    let mut name = String::new();
    for (i, c) in debug.chars().take_while(|c| c.is_ascii_alphanumeric()).enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    if name.is_empty() { "error".to_owned() } else { name }
}

#[cfg(test)]
mod tests;
