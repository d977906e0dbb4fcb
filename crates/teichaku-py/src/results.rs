//! The compact results of a batch: one column per field, built in Rust while the interpreter
//! runs other threads, then handed to Python as a pyarrow Table or as a dict of lists.
//!
//! Each subject is scored into one reused [`Evaluation`] and its figures appended to Arrow
//! builders, so no explanation is kept per subject: about 120 bytes a subject in the table,
//! against several kilobytes for the explained report.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, Float64Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use foldhash::fast::RandomState;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use pyo3_arrow::PyTable;
use teichaku::model::Role;
use teichaku::rules::{CompiledRubric, Evaluation, Facts, evaluate_into};

/// One subject of a batch as the engine reads it, borrowed.
pub(crate) struct Row<'a> {
    /// The caller's id.
    pub(crate) id: &'a str,
    /// The group it is rolled up in.
    pub(crate) group: Option<&'a str>,
    /// Its roles, for the rubric's `applies_to`.
    pub(crate) roles: &'a [Role],
    /// Its facts row.
    pub(crate) facts: &'a Facts,
}

/// The results of a batch being built, a subject at a time, in input order.
pub(crate) struct ResultColumns<'r> {
    rubric: &'r CompiledRubric,
    evaluation: Evaluation,
    /// Each id seen.
    seen: Seen,
    subject: StringBuilder,
    group: StringBuilder,
    status: StringBuilder,
    total: Float64Builder,
    shown_total: Float64Builder,
    uncapped_total: Float64Builder,
    band: StringBuilder,
    weight_counted: Float64Builder,
    points: Vec<Float64Builder>,
    caps_applied: StringBuilder,
    missing: StringBuilder,
    error: StringBuilder,
    joined: String,
    counts: Counts,
}

/// How many subjects had each outcome.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(crate) struct Counts {
    pub(crate) evaluated: usize,
    pub(crate) not_applicable: usize,
    pub(crate) failed: usize,
    pub(crate) duplicates: usize,
}

/// A finished batch: its columns, with the rubric's id, revision and hash and the engine's
/// version as the schema's metadata, and the counts.
pub(crate) struct ResultTable {
    pub(crate) batch: RecordBatch,
    pub(crate) counts: Counts,
}

impl<'r> ResultColumns<'r> {
    /// No results yet, with room for `capacity` subjects.
    pub(crate) fn new(rubric: &'r CompiledRubric, capacity: usize) -> Self {
        let texts = || StringBuilder::with_capacity(capacity, capacity * 8);
        let numbers = || Float64Builder::with_capacity(capacity);
        Self {
            rubric,
            evaluation: Evaluation::buffer_for(rubric),
            seen: Seen::with_capacity(capacity),
            subject: texts(),
            group: texts(),
            status: texts(),
            total: numbers(),
            shown_total: numbers(),
            uncapped_total: numbers(),
            band: texts(),
            weight_counted: numbers(),
            points: rubric.rubric().criteria.iter().map(|_| numbers()).collect(),
            caps_applied: texts(),
            missing: texts(),
            error: texts(),
            joined: String::new(),
            counts: Counts::default(),
        }
    }

    /// Scores one subject and appends its result: as the engine's `evaluate_batch` would, a
    /// repeated id is `duplicate_subject`, a subject outside the rubric's `applies_to`
    /// `not_applicable`, facts that cannot be scored `failed` with the error's message.
    pub(crate) fn push(&mut self, row: &Row<'_>) {
        self.subject.append_value(row.id);
        self.group.append_option(row.group);
        if !self.seen.insert(row.id, &self.subject) {
            self.counts.duplicates += 1;
            return self.no_evaluation("duplicate_subject", None);
        }
        if !self.rubric.applies_to(row.roles) {
            self.counts.not_applicable += 1;
            return self.no_evaluation("not_applicable", None);
        }
        match evaluate_into(self.rubric, row.facts, &mut self.evaluation) {
            Ok(()) => {
                self.counts.evaluated += 1;
                self.evaluated();
            }
            Err(error) => {
                self.counts.failed += 1;
                self.no_evaluation("failed", Some(&error.to_string()));
            }
        }
    }

    fn evaluated(&mut self) {
        let e = &self.evaluation;
        self.status.append_value("evaluated");
        self.total.append_value(e.total);
        self.shown_total.append_value(e.shown_total);
        self.uncapped_total.append_value(e.uncapped_total);
        self.band.append_value(&e.band);
        self.weight_counted.append_value(e.weight_counted);
        for (k, points) in self.points.iter_mut().enumerate() {
            points.append_option(e.criteria.get(k).map(|c| c.points));
        }
        self.joined.clear();
        join(&mut self.joined, e.caps_applied.iter().map(|c| c.cap.as_str()));
        self.caps_applied.append_value(&self.joined);
        self.joined.clear();
        join(&mut self.joined, e.missing.iter().map(|m| m.fact.as_str()));
        self.missing.append_value(&self.joined);
        self.error.append_null();
    }

    fn no_evaluation(&mut self, status: &str, error: Option<&str>) {
        self.status.append_value(status);
        for numbers in [&mut self.total, &mut self.shown_total, &mut self.uncapped_total, &mut self.weight_counted] {
            numbers.append_null();
        }
        self.band.append_null();
        for points in &mut self.points {
            points.append_null();
        }
        self.caps_applied.append_null();
        self.missing.append_null();
        self.error.append_option(error);
    }

    /// The table: `subject`, `group`, `status`, `total`, `shown_total`, `uncapped_total`,
    /// `band`, `weight_counted`, a `points:CRITERION` column per criterion, `caps_applied`,
    /// `missing` and `error`.
    pub(crate) fn finish(mut self) -> Result<ResultTable, arrow_schema::ArrowError> {
        let text = |b: &mut StringBuilder| -> ArrayRef { Arc::new(b.finish()) };
        let number = |b: &mut Float64Builder| -> ArrayRef { Arc::new(b.finish()) };
        let mut columns: Vec<(String, ArrayRef)> = vec![
            ("subject".into(), text(&mut self.subject)),
            ("group".into(), text(&mut self.group)),
            ("status".into(), text(&mut self.status)),
            ("total".into(), number(&mut self.total)),
            ("shown_total".into(), number(&mut self.shown_total)),
            ("uncapped_total".into(), number(&mut self.uncapped_total)),
            ("band".into(), text(&mut self.band)),
            ("weight_counted".into(), number(&mut self.weight_counted)),
        ];
        for (criterion, points) in self.rubric.rubric().criteria.iter().zip(&mut self.points) {
            columns.push((format!("points:{}", criterion.id), number(points)));
        }
        columns.push(("caps_applied".into(), text(&mut self.caps_applied)));
        columns.push(("missing".into(), text(&mut self.missing)));
        columns.push(("error".into(), text(&mut self.error)));
        let source = self.rubric.rubric();
        let metadata = [
            ("rubric_id".to_owned(), source.id.to_string()),
            ("rubric_revision".to_owned(), source.revision.to_string()),
            ("rubric_hash".to_owned(), self.rubric.content_hash().to_owned()),
            ("engine_version".to_owned(), teichaku::ENGINE_VERSION.to_owned()),
        ];
        let fields: Vec<Field> =
            columns.iter().map(|(name, array)| Field::new(name, array.data_type().clone(), true)).collect();
        let schema = Arc::new(Schema::new(fields).with_metadata(metadata.into_iter().collect()));
        let batch = RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect())?;
        Ok(ResultTable { batch, counts: self.counts })
    }
}

/// The keys of a results table's schema metadata, in the order a pyarrow table lists them.
const METADATA_KEYS: [&str; 4] = ["rubric_id", "rubric_revision", "rubric_hash", "engine_version"];

impl ResultTable {
    /// The table as a pyarrow Table, read through its Arrow C stream by
    /// `pyarrow.RecordBatchReader.from_stream` (pyarrow 15 and later; `pyarrow.table` before,
    /// which imports pandas when it is installed, a third of a second).
    ///
    /// The schema's metadata lists its keys in the order [`METADATA_KEYS`] gives: Arrow keeps
    /// them in a hash map, whose order changes from one map to the next, so the same results
    /// would otherwise serialise (`pyarrow.ipc`, Parquet) to different bytes.
    pub(crate) fn into_pyarrow(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let schema = self.batch.schema();
        let ordered = PyDict::new(py);
        for key in METADATA_KEYS {
            if let Some(value) = schema.metadata().get(key) {
                ordered.set_item(key, value)?;
            }
        }
        let table = PyTable::try_new(vec![self.batch], schema)?;
        let reader = py.import("pyarrow")?.getattr("RecordBatchReader")?;
        let table = if reader.hasattr("from_stream")? {
            reader.call_method1("from_stream", (table,))?.call_method0("read_all")?
        } else {
            table.into_pyarrow(py)?
        };
        table.call_method1("replace_schema_metadata", (ordered,))
    }

    /// The table as a dict: the rubric's `rubric_id`, `rubric_revision` and `rubric_hash`, the
    /// `engine_version`, `columns` (each column's name to a list of its values, `None` for a
    /// null) and the counts `evaluated`, `not_applicable`, `failed` and `duplicates`.
    ///
    /// A text repeated down a column (a status, a band, a group) is one str object; so is a
    /// number repeated, one float object.
    pub(crate) fn into_columns(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let out = PyDict::new(py);
        let schema = self.batch.schema();
        let metadata = schema.metadata();
        for key in METADATA_KEYS {
            let value = metadata.get(key).map(String::as_str).unwrap_or_default();
            match value.parse::<u32>() {
                Ok(revision) if key == "rubric_revision" => out.set_item(key, revision)?,
                _ => out.set_item(key, value)?,
            }
        }
        let columns = PyDict::new(py);
        for (field, array) in schema.fields().iter().zip(self.batch.columns()) {
            let unique = field.name() == "subject";
            columns.set_item(field.name(), list(py, array.as_ref(), unique)?)?;
        }
        out.set_item("columns", columns)?;
        let c = self.counts;
        for (key, count) in [
            ("evaluated", c.evaluated),
            ("not_applicable", c.not_applicable),
            ("failed", c.failed),
            ("duplicates", c.duplicates),
        ] {
            out.set_item(key, count)?;
        }
        Ok(out.into_any())
    }
}

/// The ids of a batch seen so far, without a copy of each: an id's hash to the row of the first
/// id with that hash (its text read back from the `subject` column), and by their text the rare
/// ids whose hash an earlier, different id had.
struct Seen {
    rows: HashMap<u64, usize, BuildHasherDefault<Hashed>>,
    collided: HashSet<String>,
    hasher: RandomState,
}

impl Seen {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            rows: HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
            collided: HashSet::new(),
            hasher: RandomState::default(),
        }
    }

    /// Whether `id`, just appended to `subjects`, is new.
    fn insert(&mut self, id: &str, subjects: &StringBuilder) -> bool {
        let row = subjects.len().saturating_sub(1);
        match self.rows.entry(self.hasher.hash_one(id)) {
            Entry::Vacant(vacant) => {
                vacant.insert(row);
                true
            }
            Entry::Occupied(first) if text_at(subjects, *first.get()) == Some(id.as_bytes()) => false,
            Entry::Occupied(_) => self.collided.insert(id.to_owned()),
        }
    }
}

/// The text of `row` of a column being built.
fn text_at(column: &StringBuilder, row: usize) -> Option<&[u8]> {
    let offsets = column.offsets_slice();
    let (start, end) = (*offsets.get(row)?, *offsets.get(row + 1)?);
    column.values_slice().get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }
}

/// A column as a Python list; `unique` when its values are not worth sharing (the subjects).
fn list<'py>(py: Python<'py>, array: &dyn Array, unique: bool) -> PyResult<Bound<'py, PyList>> {
    let none = py.None().into_bound(py);
    let mut items: Vec<Bound<'py, PyAny>> = Vec::with_capacity(array.len());
    match array.data_type() {
        DataType::Float64 => {
            let values = array.as_primitive::<Float64Type>();
            let mut shared: HashMap<u64, Bound<'py, PyFloat>, RandomState> = HashMap::default();
            for value in values.iter() {
                items.push(match value {
                    None => none.clone(),
                    Some(x) => shared.entry(x.to_bits()).or_insert_with(|| PyFloat::new(py, x)).clone().into_any(),
                });
            }
        }
        _ => {
            let values = array.as_string::<i32>();
            let mut shared: HashMap<&str, Bound<'py, PyString>, RandomState> = HashMap::default();
            for value in values.iter() {
                items.push(match value {
                    None => none.clone(),
                    Some(text) if unique => PyString::new(py, text).into_any(),
                    Some(text) => shared.entry(text).or_insert_with(|| PyString::new(py, text)).clone().into_any(),
                });
            }
        }
    }
    PyList::new(py, items)
}

fn join<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
}
