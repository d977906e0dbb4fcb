//! The binding's operations in plain Rust, over JSON values: what each Python function does once
//! its arguments are converted, and before its result or failure is.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};
use teichaku::metrics::{EventStore, KpiError};
use teichaku::model::{AssessmentDocument, DocumentError, Role, ValidSnapshot};
use teichaku::model::{Lang, Limits};
use teichaku::rules::{
    BatchReport, BuiltinError, CompiledRubric, Evaluation, EvaluationError, FactValue, Facts, Rubric, Subject,
    compile_with_limits, parse_rubric,
};
use teichaku::{Assessment, Catalog, LoadError, LoadOptions, UsageSource};

use teichaku_report::Message;

use crate::problems::{Failure, Kind, variant_name};

/// A document or rubric as the caller gave it.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Input {
    /// A dict, converted.
    Value(Value),
    /// JSON text.
    Text(String),
}

/// Where a rubric comes from.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum RubricSource {
    /// A rubric document.
    Document(Input),
    /// A built-in rubric, by id.
    Builtin(String),
}

/// The value given for one fact.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum FactInput {
    /// A value the engine reads.
    Value(FactValue),
    /// `None`: the fact is missing.
    Missing,
    /// A value of a type no fact has, named by its Python type.
    Unsupported(String),
}

/// One subject's facts: names and values, in the caller's order.
pub(crate) type FactInputs = Vec<(String, FactInput)>;

/// The ids of the built-in rubrics.
pub(crate) const BUILTIN_RUBRICS: &[&str] = &teichaku::rules::BUILTIN_RUBRICS;

/// The built-in playbooks, read on first use and kept: every call resolves documents against
/// the same catalogue, which does not change while the module is loaded.
fn builtin_catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// Reads and validates a document against the built-in playbooks; a document that names usage
/// event files is refused (`usage_files_need_a_source`): [`load_with`] reads them.
pub(crate) fn load(input: &Input) -> Result<ValidSnapshot, Failure> {
    let text = text_of(input, Kind::Document)?;
    teichaku::load(&text, builtin_catalog()).map_err(|e| load_failure(input, e))
}

/// Reads and validates a document, then stores its usage events with those of the files it
/// names, read through `usage` (none: a document naming files is refused).
pub(crate) fn load_with(input: &Input, usage: Option<&dyn UsageSource>) -> Result<Loaded, Failure> {
    let Some(usage) = usage else {
        let snapshot = load(input)?;
        let store = EventStore::from_snapshot(&snapshot).map_err(|e| load_failure(input, LoadError::Store(e)))?;
        return Ok(Loaded { snapshot, store });
    };
    // `KpiError::Store` is how `assess` names a store problem; the same here.
    let text = text_of(input, Kind::Document)?;
    let loaded = teichaku::load_with(&text, builtin_catalog(), usage, &LoadOptions::default())
        .map_err(|e| load_failure(input, e))?;
    Ok(Loaded { snapshot: loaded.snapshot, store: loaded.store })
}

/// A loaded document: the snapshot and every usage event.
pub(crate) struct Loaded {
    pub(crate) snapshot: ValidSnapshot,
    pub(crate) store: EventStore,
}

/// The failure of loading `input`: a document problem names its place, a usage event file
/// problem its file (and a malformed line its line).
fn load_failure(input: &Input, error: LoadError) -> Failure {
    match error {
        LoadError::Invalid(errors) => Failure::validation(&errors),
        LoadError::Document(error) => {
            let path = match (&error, input) {
                (DocumentError::Syntax { .. }, Input::Value(value)) => path_of_error::<AssessmentDocument>(value),
                _ => None,
            };
            Failure::document(&error, path)
        }
        LoadError::Store(error) => {
            // As `assess` reports it when it builds the store itself.
            let error = KpiError::Store(error);
            Failure::one(Kind::Assessment, &variant_name(&error), error.to_string(), Map::new())
                .with_ja(&error.message(Lang::Ja))
        }
        other => {
            let mut fields = Map::new();
            match &other {
                LoadError::UsageFilesNeedASource { files } => {
                    fields.insert("files".into(), json!(files));
                }
                LoadError::UsageFileUnreadable { file, .. } | LoadError::UsageFile { file, .. } => {
                    fields.insert("file".into(), json!(file));
                }
                LoadError::BadLines { count, lines } => {
                    fields.insert("count".into(), json!(count));
                    fields.insert("lines".into(), json!(lines));
                }
                _ => {}
            }
            Failure::one(Kind::Document, &variant_name(&other), other.to_string(), fields)
                .with_ja(&other.message(Lang::Ja))
        }
    }
}

/// Assesses a document on `as_of`, reading its usage event files through `usage`.
pub(crate) fn assess(input: &Input, as_of: NaiveDate, usage: Option<&dyn UsageSource>) -> Result<Assessment, Failure> {
    let loaded = load_with(input, usage)?;
    teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &Default::default()).map_err(|error| {
        Failure::one(Kind::Assessment, &variant_name(&error), error.to_string(), Map::new())
            .with_ja(&error.message(Lang::Ja))
    })
}

/// Reads and compiles a rubric within the document limits, or fetches a built-in one (`ID` for
/// its latest revision, `ID@REVISION` for another).
pub(crate) fn compile_rubric(source: &RubricSource) -> Result<CompiledRubric, Failure> {
    let rubric = match source {
        RubricSource::Builtin(spec) => return teichaku::rules::builtin(spec).map_err(|e| builtin_failure(spec, &e)),
        RubricSource::Document(input) => parse(input)?,
    };
    compile_with_limits(rubric, &Limits::DEFAULT).map_err(|errors| Failure::rubric(&errors))
}

/// The JSON of a built-in rubric (`ID` or `ID@REVISION`).
pub(crate) fn builtin_rubric(spec: &str) -> Result<Value, Failure> {
    let json = teichaku::rules::builtin_json(spec).map_err(|e| builtin_failure(spec, &e))?;
    serde_json::from_str(json).map_err(|e| {
        Failure::one(Kind::Rubric, "syntax", format!("the built-in rubric `{spec}` cannot be read: {e}"), Map::new())
    })
}

/// The failure for a built-in rubric that cannot be had: `unknown_builtin` (an unknown id or a
/// spec that is not `ID@REVISION`) or `unknown_revision`.
fn builtin_failure(spec: &str, error: &BuiltinError) -> Failure {
    let (kind, mut fields) = match error {
        BuiltinError::UnknownRevision { revision, known, .. } => (
            "unknown_revision",
            Map::from_iter([("revision".into(), json!(revision)), ("revisions".into(), json!(known))]),
        ),
        _ => ("unknown_builtin", Map::new()),
    };
    fields.insert("id".into(), json!(spec));
    Failure::one(Kind::Rubric, kind, error.to_string(), fields).with_ja(&error.message(Lang::Ja))
}

/// Builds one subject's facts row: every unknown name and unusable value is reported at once.
pub(crate) fn facts(rubric: &CompiledRubric, inputs: &[(String, FactInput)]) -> Result<Facts, Failure> {
    let table = rubric.fact_table();
    let mut facts = rubric.empty_facts();
    let mut problems = Vec::new();
    for (name, input) in inputs {
        let Some(index) = table.index(name) else {
            problems.push(Failure::evaluation(&EvaluationError::UnknownFact { fact: name.clone() }));
            continue;
        };
        match input {
            FactInput::Value(value) => facts.set(index, value.clone()),
            FactInput::Missing => facts.clear(index),
            FactInput::Unsupported(type_name) => problems.push(Failure::one(
                Kind::Evaluation,
                "unsupported_value",
                format!(
                    "fact `{name}` is given a {type_name}: a fact is a number, a bool, a str, or None when missing"
                ),
                Map::from_iter([("fact".into(), json!(name)), ("type".into(), json!(type_name))]),
            )),
        }
    }
    match problems.len() {
        0 => Ok(facts),
        1 => Err(problems.remove(0)),
        n => {
            let message = format!(
                "{n} problems in the facts: {}",
                problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; ")
            );
            let problems = problems.into_iter().flat_map(|p| p.problems).collect();
            Err(Failure { kind: Kind::Evaluation, message, problems })
        }
    }
}

/// Scores one subject.
pub(crate) fn evaluate(rubric: &CompiledRubric, inputs: &[(String, FactInput)]) -> Result<Evaluation, Failure> {
    let facts = facts(rubric, inputs)?;
    teichaku::rules::evaluate(rubric, &facts).map_err(|error| Failure::evaluation(&error))
}

/// One subject of a batch as the caller gave it.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct SubjectInput {
    /// The caller's id.
    pub(crate) id: String,
    /// The group it is rolled up in.
    pub(crate) group: Option<String>,
    /// Its roles, by their document names (`staff`, `manager`, ...).
    pub(crate) roles: Vec<String>,
    /// Its facts.
    pub(crate) facts: FactInputs,
}

/// Scores a population with the engine's batch evaluation: one result per subject, a subject
/// whose values do not fit the rubric is a `failed` result rather than an error.
///
/// The subjects' shape is checked first, all at once (see [`subjects`]).
pub(crate) fn evaluate_batch(rubric: &CompiledRubric, subjects: &[SubjectInput]) -> Result<BatchReport, Failure> {
    Ok(teichaku::rules::evaluate_batch(rubric, &self::subjects(rubric, subjects)?))
}

/// The subjects of a batch as the engine reads them, their shape checked all at once: a fact
/// name the rubric does not declare, a value of a type no fact has, or an unknown role fails
/// the whole batch, each problem tagged with the subject's position and id.
pub(crate) fn subjects(rubric: &CompiledRubric, subjects: &[SubjectInput]) -> Result<Vec<Subject>, Failure> {
    let mut rows = Vec::with_capacity(subjects.len());
    let mut failed = Misshapen::default();
    for (index, subject) in subjects.iter().enumerate() {
        match self::subject(rubric, subject) {
            Ok(row) => rows.push(row),
            Err(problems) => failed.add(index, &subject.id, problems),
        }
    }
    failed.into_failure().map_or(Ok(rows), Err)
}

/// One subject as the engine reads it, or what is wrong with its shape: its facts' problems,
/// then its roles'.
pub(crate) fn subject(rubric: &CompiledRubric, subject: &SubjectInput) -> Result<Subject, Vec<Failure>> {
    match (facts(rubric, &subject.facts), roles(&subject.roles)) {
        (Ok(facts), Ok(roles)) => {
            let mut row = Subject::new(subject.id.clone(), facts).with_roles(roles);
            row.group = subject.group.clone();
            Ok(row)
        }
        (facts, roles) => Err([facts.err(), roles.err()].into_iter().flatten().collect()),
    }
}

/// The subjects of a batch whose shape is wrong, gathered in order: one failure for them all.
#[derive(Default)]
pub(crate) struct Misshapen(Vec<(usize, String, Failure)>);

impl Misshapen {
    /// Notes the problems of the subject at `index`.
    pub(crate) fn add(&mut self, index: usize, id: &str, problems: Vec<Failure>) {
        self.0.extend(problems.into_iter().map(|failure| (index, id.to_owned(), failure)));
    }

    /// Whether no subject has been noted.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The failure of the batch, every problem tagged with its subject's position and id;
    /// `None` when no subject was noted.
    pub(crate) fn into_failure(self) -> Option<Failure> {
        let failed = self.0;
        if failed.is_empty() {
            return None;
        }
        let message = format!(
            "{} subjects cannot be evaluated: {}",
            failed.iter().map(|(i, ..)| i).collect::<std::collections::BTreeSet<_>>().len(),
            failed
                .iter()
                .map(|(i, id, f)| format!("subject #{i} `{id}`: {}", f.message))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let problems = failed
            .into_iter()
            .flat_map(|(i, id, f)| f.tag("subject", json!(i)).tag("id", json!(id)).problems)
            .collect();
        Some(Failure { kind: Kind::Evaluation, message, problems })
    }
}

/// The roles named, or `None` when a name is not a role.
pub(crate) fn known_roles(names: &[String]) -> Option<Vec<Role>> {
    names.iter().map(|name| role(name)).collect()
}

fn roles(names: &[String]) -> Result<Vec<Role>, Failure> {
    let mut roles = Vec::with_capacity(names.len());
    let mut unknown = Vec::new();
    for name in names {
        match role(name) {
            Some(role) => roles.push(role),
            None => unknown.push(name.as_str()),
        }
    }
    match unknown.as_slice() {
        [] => Ok(roles),
        names => {
            let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            let message = format!("unknown role {list}");
            Err(Failure::one(
                Kind::Evaluation,
                "unknown_role",
                message,
                Map::from_iter([("roles".into(), json!(names))]),
            ))
        }
    }
}

/// The role a document names `name` (`staff`, `manager`, ...).
fn role(name: &str) -> Option<Role> {
    use serde::Deserialize;
    use serde::de::value::{Error, StrDeserializer};
    Role::deserialize(StrDeserializer::<Error>::new(name)).ok()
}

fn parse(input: &Input) -> Result<Rubric, Failure> {
    let text = text_of(input, Kind::Rubric)?;
    let limits = Limits::DEFAULT;
    // The document limits (its size, each text's length, the nesting) before anything is parsed.
    teichaku::model::check_json_limits(&text, &limits).map_err(|error| {
        Failure::one(Kind::Rubric, "limit_exceeded", format!("the rubric cannot be read: {error}"), Map::new())
    })?;
    parse_rubric(&text).map_err(|error| {
        let mut fields = Map::new();
        let what = strip_position(&error.to_string());
        let message = match input {
            Input::Value(value) => match path_of_error::<Rubric>(value) {
                Some(path) => {
                    fields.insert("path".into(), json!(path));
                    format!("{path}: {what}")
                }
                None => what,
            },
            Input::Text(_) => {
                fields.insert("line".into(), json!(error.line()));
                fields.insert("column".into(), json!(error.column()));
                what
            }
        };
        Failure::one(Kind::Rubric, "syntax", format!("the rubric cannot be read: {message}"), fields)
    })
}

fn text_of(input: &Input, kind: Kind) -> Result<String, Failure> {
    match input {
        Input::Text(text) => Ok(text.clone()),
        Input::Value(value) => serde_json::to_string(value)
            .map_err(|e| Failure::one(kind, "syntax", format!("cannot be written as JSON: {e}"), Map::new())),
    }
}

/// Where in `value` reading it as a `T` fails, as `organisation.members[3].role`; `None` at the
/// top level or when it reads.
fn path_of_error<T: serde::de::DeserializeOwned>(value: &Value) -> Option<String> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(error) => Some(error.path().to_string()).filter(|path| path != "." && !path.is_empty()),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests;
