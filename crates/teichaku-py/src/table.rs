//! Data frames in, Arrow tables out: `evaluate_batch` reads its subjects from any table that
//! speaks the Arrow C stream interface (a pyarrow Table or RecordBatch, a Polars DataFrame, a
//! pandas DataFrame from pandas 2.2), and returns its results as a pyarrow Table when asked.
//!
//! A table of subjects has the columns of the command line's facts CSV: `subject` (text or
//! integers), optionally `group` (text) and `roles` (text of names split by `;`, or a list of
//! text), and one column per fact. A null, a float NaN and an empty text are a missing value,
//! as an empty CSV cell is; a boolean is a boolean fact's value, a number a number fact's, a
//! text an enumeration's (and a value of the wrong kind fails its subject as in a dict).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;
use serde_json::{Map, json};
use teichaku::rules::{BatchReport, FactValue, Outcome};

use crate::calls::{FactInput, SubjectInput};
use crate::problems::{Failure, Kind};

/// Whether `object` offers an Arrow C stream (`__arrow_c_stream__`), or is an Arrow array of
/// records (`__arrow_c_array__`).
pub(crate) fn is_table(object: &Bound<'_, PyAny>) -> bool {
    object.hasattr("__arrow_c_stream__").unwrap_or(false) || object.hasattr("__arrow_c_array__").unwrap_or(false)
}

/// The subjects of a table, one a row.
///
/// # Errors
///
/// `TypeError` when the object is not an Arrow table; the binding's `EvaluationError` for a
/// table without a `subject` column, a column of a type no value has, or a row without a
/// subject (named by its row, from 1).
pub(crate) fn subjects(object: &Bound<'_, PyAny>) -> PyResult<Vec<SubjectInput>> {
    let py = object.py();
    let input: AnyRecordBatch = object.extract()?;
    let reader = input.into_reader()?;
    let mut subjects = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        read_batch(&batch, &mut subjects).map_err(|f| crate::raise(py, f))?;
    }
    Ok(subjects)
}

fn read_batch(batch: &RecordBatch, subjects: &mut Vec<SubjectInput>) -> Result<(), Failure> {
    let schema = batch.schema();
    let mut ids = None;
    let mut groups = None;
    let mut roles = None;
    let mut facts = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name().as_str();
        if name.starts_with("__index_level_") {
            continue;
        }
        let cells = cells(array.as_ref()).ok_or_else(|| {
            Failure::one(
                Kind::Evaluation,
                "unsupported_column",
                format!("column `{name}` holds {} values: a column holds numbers, booleans or text", array.data_type()),
                Map::from_iter([("column".into(), json!(name)), ("type".into(), json!(array.data_type().to_string()))]),
            )
        })?;
        match name {
            "subject" | "id" if ids.is_none() => ids = Some(cells),
            "group" => groups = Some(cells),
            "roles" => roles = Some(cells),
            _ => facts.push((name.to_owned(), cells)),
        }
    }
    let Some(ids) = ids else {
        return Err(Failure::one(
            Kind::Evaluation,
            "no_subject_column",
            "the table has no `subject` column".to_owned(),
            Map::new(),
        ));
    };
    for row in 0..batch.num_rows() {
        let text = |cells: Option<&Vec<Cell>>| cells.and_then(|c| c.get(row)).and_then(Cell::text);
        let Some(id) = text(Some(&ids)) else {
            let at = subjects.len() + 1;
            return Err(Failure::one(
                Kind::Evaluation,
                "no_subject",
                format!("row {at}: no subject"),
                Map::from_iter([("row".into(), json!(at))]),
            ));
        };
        let roles = match roles.as_ref().and_then(|c| c.get(row)) {
            Some(Cell::List(names)) => names.clone(),
            Some(cell) => cell.text().map(|t| split_roles(&t)).unwrap_or_default(),
            None => Vec::new(),
        };
        let facts = facts
            .iter()
            .map(|(name, cells)| (name.clone(), cells.get(row).map_or(FactInput::Missing, Cell::fact)))
            .collect();
        subjects.push(SubjectInput { id, group: text(groups.as_ref()), roles, facts });
    }
    Ok(())
}

fn split_roles(text: &str) -> Vec<String> {
    text.split(';').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
}

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Missing,
    Boolean(bool),
    Number(f64),
    /// An integer, kept exact for a subject's id.
    Integer(i128),
    Text(String),
    List(Vec<String>),
}

impl Cell {
    fn text(&self) -> Option<String> {
        match self {
            Cell::Text(t) if !t.is_empty() => Some(t.clone()),
            Cell::Integer(i) => Some(i.to_string()),
            _ => None,
        }
    }

    fn fact(&self) -> FactInput {
        match self {
            Cell::Missing => FactInput::Missing,
            Cell::Text(t) if t.is_empty() => FactInput::Missing,
            Cell::Boolean(b) => FactInput::Value(FactValue::Boolean(*b)),
            Cell::Number(x) => FactInput::Value(FactValue::Number(*x)),
            Cell::Integer(i) => FactInput::Value(FactValue::Number(*i as f64)),
            Cell::Text(t) => FactInput::Value(FactValue::Enumeration(t.clone())),
            Cell::List(_) => FactInput::Unsupported("list".to_owned()),
        }
    }
}

/// Every value of `array`; `None` for a type no value has.
fn cells(array: &dyn Array) -> Option<Vec<Cell>> {
    macro_rules! each {
        ($values:expr, $cell:expr) => {{
            let values = $values;
            (0..values.len()).map(|i| if values.is_valid(i) { $cell(values.value(i)) } else { Cell::Missing }).collect()
        }};
    }
    let integer = |i: i128| Cell::Integer(i);
    let float = |x: f64| if x.is_nan() { Cell::Missing } else { Cell::Number(x) };
    let text = |t: &str| Cell::Text(t.to_owned());
    Some(match array.data_type() {
        DataType::Null => vec![Cell::Missing; array.len()],
        DataType::Boolean => each!(array.as_boolean(), Cell::Boolean),
        DataType::Int8 => each!(array.as_primitive::<Int8Type>(), |v| integer(i128::from(v))),
        DataType::Int16 => each!(array.as_primitive::<Int16Type>(), |v| integer(i128::from(v))),
        DataType::Int32 => each!(array.as_primitive::<Int32Type>(), |v| integer(i128::from(v))),
        DataType::Int64 => each!(array.as_primitive::<Int64Type>(), |v| integer(i128::from(v))),
        DataType::UInt8 => each!(array.as_primitive::<UInt8Type>(), |v| integer(i128::from(v))),
        DataType::UInt16 => each!(array.as_primitive::<UInt16Type>(), |v| integer(i128::from(v))),
        DataType::UInt32 => each!(array.as_primitive::<UInt32Type>(), |v| integer(i128::from(v))),
        DataType::UInt64 => each!(array.as_primitive::<UInt64Type>(), |v| integer(i128::from(v))),
        DataType::Float32 => each!(array.as_primitive::<Float32Type>(), |v| float(f64::from(v))),
        DataType::Float64 => each!(array.as_primitive::<Float64Type>(), float),
        DataType::Utf8 => each!(array.as_string::<i32>(), text),
        DataType::LargeUtf8 => each!(array.as_string::<i64>(), text),
        DataType::Utf8View => each!(array.as_string_view(), text),
        DataType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary_opt()?;
            let values = cells(dictionary.values().as_ref())?;
            let keys = dictionary.normalized_keys();
            let valid = dictionary.keys();
            (0..array.len())
                .map(|i| match keys.get(i) {
                    Some(&k) if valid.is_valid(i) => values.get(k).cloned().unwrap_or(Cell::Missing),
                    _ => Cell::Missing,
                })
                .collect()
        }
        DataType::List(_) | DataType::LargeList(_) => {
            let lists: Vec<Option<ArrayRef>> = match array.data_type() {
                DataType::List(_) => array.as_list::<i32>().iter().collect(),
                _ => array.as_list::<i64>().iter().collect(),
            };
            let mut out = Vec::with_capacity(lists.len());
            for list in lists {
                out.push(match list {
                    None => Cell::Missing,
                    Some(items) => Cell::List(cells(items.as_ref())?.iter().filter_map(Cell::text).collect()),
                });
            }
            out
        }
        _ => return None,
    })
}

/// The batch report as a pyarrow Table, one row per subject: `subject`, `group`, `status`,
/// `total`, `shown_total`, `uncapped_total`, `band`, `weight_counted`, a `points:CRITERION`
/// column per criterion, `caps_applied` and `missing` (names joined by `;`), and `error` (a
/// failed subject's message); the rubric's id, revision and hash and the engine's version are
/// the schema's metadata.
pub(crate) fn report_table<'py>(py: Python<'py>, report: &BatchReport) -> PyResult<Bound<'py, PyAny>> {
    let results = &report.results;
    let evaluation = |i: usize| results.get(i).and_then(|r| r.evaluation());
    let numbers = |f: &dyn Fn(&teichaku::rules::Evaluation) -> f64| -> ArrayRef {
        Arc::new((0..results.len()).map(|i| evaluation(i).map(f)).collect::<Float64Array>())
    };
    let texts = |f: &dyn Fn(usize) -> Option<String>| -> ArrayRef {
        Arc::new((0..results.len()).map(f).collect::<StringArray>())
    };
    let mut columns: Vec<(String, ArrayRef)> = vec![
        ("subject".into(), texts(&|i| results.get(i).map(|r| r.subject.clone()))),
        ("group".into(), texts(&|i| results.get(i).and_then(|r| r.group.clone()))),
        ("status".into(), texts(&|i| results.get(i).map(|r| status(&r.outcome).to_owned()))),
        ("total".into(), numbers(&|e| e.total)),
        ("shown_total".into(), numbers(&|e| e.shown_total)),
        ("uncapped_total".into(), numbers(&|e| e.uncapped_total)),
        ("band".into(), texts(&|i| evaluation(i).map(|e| e.band.clone()))),
        ("weight_counted".into(), numbers(&|e| e.weight_counted)),
    ];
    let criteria: Vec<String> = results
        .iter()
        .find_map(|r| r.evaluation())
        .map(|e| e.criteria.iter().map(|c| c.criterion.to_string()).collect())
        .unwrap_or_default();
    for (k, criterion) in criteria.iter().enumerate() {
        let points = numbers(&|e| e.criteria.get(k).map_or(f64::NAN, |c| c.points));
        columns.push((format!("points:{criterion}"), points));
    }
    columns.push((
        "caps_applied".into(),
        texts(&|i| {
            evaluation(i).map(|e| e.caps_applied.iter().map(|c| c.cap.to_string()).collect::<Vec<_>>().join(";"))
        }),
    ));
    columns.push((
        "missing".into(),
        texts(&|i| evaluation(i).map(|e| e.missing.iter().map(|m| m.fact.to_string()).collect::<Vec<_>>().join(";"))),
    ));
    columns.push((
        "error".into(),
        texts(&|i| match results.get(i).map(|r| &r.outcome) {
            Some(Outcome::Failed { error }) => Some(error.to_string()),
            _ => None,
        }),
    ));
    let metadata = [
        ("rubric_id".to_owned(), report.rubric_id.to_string()),
        ("rubric_revision".to_owned(), report.rubric_revision.to_string()),
        ("rubric_hash".to_owned(), report.rubric_hash.clone()),
        ("engine_version".to_owned(), report.engine_version.clone()),
    ];
    let fields: Vec<Field> =
        columns.iter().map(|(name, array)| Field::new(name, array.data_type().clone(), true)).collect();
    let schema = Arc::new(Schema::new(fields).with_metadata(metadata.into_iter().collect()));
    let batch = RecordBatch::try_new(schema.clone(), columns.into_iter().map(|(_, a)| a).collect())
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    PyTable::try_new(vec![batch], schema)?.into_pyarrow(py)
}

fn status(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Evaluated { .. } => "evaluated",
        Outcome::NotApplicable { .. } => "not_applicable",
        Outcome::Failed { .. } => "failed",
        Outcome::DuplicateSubject { .. } => "duplicate_subject",
        _ => "other",
    }
}
