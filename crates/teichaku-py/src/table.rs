//! Data frames in, Arrow tables out: `evaluate_batch` reads its subjects from any table that
//! speaks the Arrow C stream interface (a pyarrow Table or RecordBatch, a Polars DataFrame, a
//! pandas DataFrame from pandas 2.2), and returns its results as a pyarrow Table when asked.
//!
//! A table of subjects has the columns of the command line's facts CSV: `subject` (text or
//! integers), optionally `group` (text) and `roles` (text of names split by `;`, or a list of
//! text), and one column per fact. A null, a float NaN and an empty text are a missing value,
//! as an empty CSV cell is; a boolean is a boolean fact's value, a number a number fact's, a
//! text an enumeration's (and a value of the wrong kind fails its subject as in a dict).

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use serde_json::{Map, json};
use teichaku::model::Role;
use teichaku::rules::{CompiledRubric, FactValue};

use crate::calls::{FactInput, SubjectInput};
use crate::problems::{Failure, Kind};
use crate::results::Row;

/// Whether `object` offers an Arrow C stream (`__arrow_c_stream__`), or is an Arrow array of
/// records (`__arrow_c_array__`).
pub(crate) fn is_table(object: &Bound<'_, PyAny>) -> bool {
    object.hasattr("__arrow_c_stream__").unwrap_or(false) || object.hasattr("__arrow_c_array__").unwrap_or(false)
}

/// The record batches of a table, read from its Arrow C stream while holding the interpreter
/// (a stream may call back into Python); the arrays are shared, not copied.
///
/// # Errors
///
/// `TypeError` when the object is not an Arrow table, `ValueError` when its stream fails.
pub(crate) fn batches(object: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    let input: AnyRecordBatch = object.extract()?;
    let reader = input.into_reader()?;
    reader.map(|batch| batch.map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))).collect()
}

/// The subjects of a table, one a row, each value copied out: the reading that names every
/// problem (`read_rows` reads the same rows faster, and leaves problems to this).
///
/// # Errors
///
/// The binding's `EvaluationError` for a table without a `subject` column, a column of a type
/// no value has, or a row without a subject (named by its row, from 1).
pub(crate) fn subject_inputs(batches: &[RecordBatch]) -> Result<Vec<SubjectInput>, Failure> {
    let mut subjects = Vec::new();
    for batch in batches {
        read_batch(batch, &mut subjects)?;
    }
    Ok(subjects)
}

/// Hands every row of `batches` to `each`, in order, reading the values straight from the
/// arrays (a subject's text is borrowed, its facts one reused row).
///
/// # Errors
///
/// [`Unread`] at the first column or value that [`subject_inputs`] and the shape checks of
/// `calls::subjects` would refuse (no `subject` column, a column no fact of `rubric` has or of
/// a type no value has, a row without a subject, a list as a fact, an unknown role): the rows
/// handed over so far are then to be dropped and the table read by those, which name the
/// problem.
pub(crate) fn read_rows(
    rubric: &CompiledRubric,
    batches: &[RecordBatch],
    mut each: impl FnMut(&Row<'_>),
) -> Result<(), Unread> {
    let table = rubric.fact_table();
    // The roles of each text of a roles column, parsed once.
    let mut known_roles: HashMap<String, Vec<Role>> = HashMap::new();
    let mut listed_roles: Vec<Role>;
    let mut id_text = String::new();
    let mut group_text = String::new();
    for batch in batches {
        let mut ids = None;
        let mut groups = None;
        let mut roles = None;
        let mut columns = Vec::new();
        for (field, array) in batch.schema().fields().iter().zip(batch.columns()) {
            let name = field.name().as_str();
            if name.starts_with("__index_level_") {
                continue;
            }
            let source = Source::of(array.as_ref()).ok_or(Unread)?;
            match name {
                "subject" | "id" if ids.is_none() => ids = Some(source),
                "group" => groups = Some(source),
                "roles" => roles = Some(source),
                _ => columns.push((table.index(name).ok_or(Unread)?, source)),
            }
        }
        let ids = ids.ok_or(Unread)?;
        // One row, reused: every fact column sets or clears its fact on every row.
        let mut facts = rubric.empty_facts();
        for row in 0..batch.num_rows() {
            let id = match ids.at(row) {
                CellRef::Text(t) if !t.is_empty() => t,
                CellRef::Integer(i) => {
                    id_text.clear();
                    id_text.push_str(&i.to_string());
                    &id_text
                }
                _ => return Err(Unread),
            };
            let group = match groups.as_ref().map(|g| g.at(row)) {
                Some(CellRef::Text(t)) if !t.is_empty() => Some(t),
                Some(CellRef::Integer(i)) => {
                    group_text.clear();
                    group_text.push_str(&i.to_string());
                    Some(group_text.as_str())
                }
                _ => None,
            };
            let no_roles: &[Role] = &[];
            let row_roles = match roles.as_ref().map(|r| r.at(row)) {
                Some(CellRef::Text(text)) if !text.is_empty() => {
                    if !known_roles.contains_key(text) {
                        let names = split_roles(text);
                        known_roles.insert(text.to_owned(), crate::calls::known_roles(&names).ok_or(Unread)?);
                    }
                    known_roles.get(text).map_or(no_roles, Vec::as_slice)
                }
                Some(CellRef::Names(names)) => {
                    listed_roles = crate::calls::known_roles(names).ok_or(Unread)?;
                    &listed_roles
                }
                Some(CellRef::Integer(_)) => return Err(Unread),
                _ => no_roles,
            };
            for (index, source) in &columns {
                match source.at(row) {
                    CellRef::Missing => facts.clear(*index),
                    CellRef::Text("") => facts.clear(*index),
                    CellRef::Boolean(b) => facts.set(*index, FactValue::Boolean(b)),
                    CellRef::Number(x) => facts.set(*index, FactValue::Number(x)),
                    CellRef::Integer(i) => facts.set(*index, FactValue::Number(i as f64)),
                    CellRef::Text(t) => facts.set(*index, FactValue::Enumeration(t.to_owned())),
                    CellRef::Names(_) => return Err(Unread),
                }
            }
            each(&Row { id, group, roles: row_roles, facts: &facts });
        }
    }
    Ok(())
}

/// A table [`read_rows`] leaves to [`subject_inputs`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Unread;

/// Where a column's values come from: the array itself, or (dictionaries and lists) every
/// value read out once.
enum Source<'a> {
    Array(&'a dyn Array),
    Cells(Vec<Cell>),
}

/// One value of a table, borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CellRef<'a> {
    Missing,
    Boolean(bool),
    Number(f64),
    Integer(i128),
    Text(&'a str),
    Names(&'a [String]),
}

impl<'a> Source<'a> {
    /// `None` for a type no value has.
    fn of(array: &'a dyn Array) -> Option<Self> {
        match array.data_type() {
            DataType::Dictionary(..) | DataType::List(_) | DataType::LargeList(_) => cells(array).map(Source::Cells),
            DataType::Null
            | DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View => Some(Source::Array(array)),
            _ => None,
        }
    }

    /// The value in `row`, as [`cells`] reads it.
    fn at(&self, row: usize) -> CellRef<'_> {
        let array = match self {
            Source::Cells(cells) => {
                return match cells.get(row) {
                    None | Some(Cell::Missing) => CellRef::Missing,
                    Some(Cell::Boolean(b)) => CellRef::Boolean(*b),
                    Some(Cell::Number(x)) => CellRef::Number(*x),
                    Some(Cell::Integer(i)) => CellRef::Integer(*i),
                    Some(Cell::Text(t)) => CellRef::Text(t),
                    Some(Cell::List(names)) => CellRef::Names(names),
                };
            }
            Source::Array(array) => *array,
        };
        macro_rules! at {
            ($values:expr, $cell:expr) => {{
                let values = $values;
                if values.is_valid(row) { $cell(values.value(row)) } else { CellRef::Missing }
            }};
        }
        let float = |x: f64| if x.is_nan() { CellRef::Missing } else { CellRef::Number(x) };
        match array.data_type() {
            DataType::Boolean => at!(array.as_boolean(), CellRef::Boolean),
            DataType::Int8 => at!(array.as_primitive::<Int8Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::Int16 => at!(array.as_primitive::<Int16Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::Int32 => at!(array.as_primitive::<Int32Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::Int64 => at!(array.as_primitive::<Int64Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::UInt8 => at!(array.as_primitive::<UInt8Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::UInt16 => at!(array.as_primitive::<UInt16Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::UInt32 => at!(array.as_primitive::<UInt32Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::UInt64 => at!(array.as_primitive::<UInt64Type>(), |v| CellRef::Integer(i128::from(v))),
            DataType::Float32 => at!(array.as_primitive::<Float32Type>(), |v| float(f64::from(v))),
            DataType::Float64 => at!(array.as_primitive::<Float64Type>(), float),
            DataType::Utf8 => at!(array.as_string::<i32>(), CellRef::Text),
            DataType::LargeUtf8 => at!(array.as_string::<i64>(), CellRef::Text),
            DataType::Utf8View => at!(array.as_string_view(), CellRef::Text),
            _ => CellRef::Missing,
        }
    }
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
