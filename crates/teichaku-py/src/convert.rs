//! Python objects to JSON values and back, without a detour through JSON text.
//!
//! Facts: as below, and also numpy scalars (as the value they hold), with `None`, a float NaN,
//! `pd.NA` and `pd.NaT` a missing fact.
//!
//! In: `None`, `bool`, `int`, `float`, `str`, `dict` with `str` keys, `list` and `tuple`, and
//! `datetime.date`/`datetime.datetime` as their ISO 8601 text. Anything else, a non-finite float
//! or nesting deeper than [`MAX_DEPTH`] is reported with the path where it sits.
//! Out: objects become `dict`, arrays `list`, whole numbers `int` and other numbers `float`; a
//! text or a float met again in one conversion is the same Python object again.
//!
//! A `dict` is read from a snapshot of its items, so Python code run while it is read (a
//! `date` subclass's `isoformat`, an `int` subclass's `__float__`) cannot break the iteration;
//! if that code changes the dict's size, the conversion fails naming the key (the fact) rather
//! than converting a dict that no longer exists.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyModule, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use teichaku::rules::{BatchReport, FactValue, Outcome};

use crate::calls::{FactInput, FactInputs};
use crate::objects::Objects;

/// The deepest nesting read, as serde_json's own limit when it reads text.
pub(crate) const MAX_DEPTH: usize = 128;

/// Why a Python object has no JSON form.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Unconvertible {
    /// Where: `organisation.members[3].joined`, or `""` for the object itself.
    pub(crate) path: String,
    /// What is wrong.
    pub(crate) message: String,
}

/// The JSON form of `object`.
pub(crate) fn to_json(object: &Bound<'_, PyAny>) -> Result<Value, Unconvertible> {
    let dates = Dates::new(object.py());
    let mut path = Vec::new();
    convert(object, &dates, &mut path)
}

/// One subject's facts from a `dict` of fact names to values.
///
/// # Errors
///
/// `TypeError` when `facts` is not a `dict` or a key is not a `str`; the binding's
/// `EvaluationError` (`changed_while_read`, naming the fact) when reading a value changed the
/// dict's size.
pub(crate) fn to_facts<'py>(
    facts: &Bound<'py, PyAny>,
    names: &mut FactNames<'py>,
    what: impl Fn() -> String,
) -> PyResult<FactInputs> {
    let dict = facts.cast::<PyDict>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!(
            "{} must be a dict of fact names to values, not {}",
            what(),
            type_name(facts)
        ))
    })?;
    let size = dict.len();
    let mut inputs = Vec::with_capacity(size);
    for item in dict.items().iter() {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let name = names.name(&key).ok_or_else(|| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "{} has a key that is not a str: {}",
                what(),
                type_name(&key)
            ))
        })?;
        let input = match exact(&value) {
            Some(input) => input,
            None => numpy_or_pandas(value)?,
        };
        if dict.len() != size {
            let message = format!("{} changed while fact `{name}` was read: pass a dict that stays as it is", what());
            let fields = serde_json::Map::from_iter([("fact".to_owned(), Value::String(name))]);
            let failure =
                crate::problems::Failure::one(crate::problems::Kind::Evaluation, "changed_while_read", message, fields);
            return Err(crate::raise(facts.py(), failure));
        }
        inputs.push((name, input));
    }
    Ok(inputs)
}

/// The keys of a batch's dicts (fact names, and `id`, `facts`, ...), each read once: the dicts of
/// a batch share their keys (the same str objects), so a key is found again by its identity.
#[derive(Default)]
pub(crate) struct FactNames<'py>(Vec<(Bound<'py, PyString>, String)>);

impl<'py> FactNames<'py> {
    /// The most names kept; a batch of dicts whose keys are all different str objects reads
    /// each as it comes.
    const KEPT: usize = 256;

    /// The name `key` holds; `None` when it is not a str.
    pub(crate) fn name(&mut self, key: &Bound<'py, PyAny>) -> Option<String> {
        if let Some((_, name)) = self.0.iter().find(|(known, _)| known.is(key)) {
            return Some(name.clone());
        }
        let text = key.cast_exact::<PyString>().ok();
        let name: String = match text {
            Some(text) => text.to_cow().ok()?.into_owned(),
            None => return key.extract().ok(),
        };
        if let (Some(text), true) = (text, self.0.len() < Self::KEPT) {
            self.0.push((text.clone(), name.clone()));
        }
        Some(name)
    }
}

/// A fact's value of a built-in type (`None`, `bool`, `int`, `float`, `str`, exactly), read
/// without looking further; `None` for any other object.
fn exact(value: &Bound<'_, PyAny>) -> Option<FactInput> {
    if value.is_none() {
        return Some(FactInput::Missing);
    }
    if let Ok(b) = value.cast_exact::<PyBool>() {
        return Some(FactInput::Value(FactValue::Boolean(b.is_true())));
    }
    if value.is_exact_instance_of::<PyFloat>() || value.is_exact_instance_of::<PyInt>() {
        return Some(number(value));
    }
    let s = value.cast_exact::<PyString>().ok()?;
    s.to_cow().ok().map(|s| FactInput::Value(FactValue::Enumeration(s.into_owned())))
}

/// A fact's value of any other type: a numpy scalar as the value it holds, pandas' missing
/// values, subclasses of the built-in types.
fn numpy_or_pandas(value: Bound<'_, PyAny>) -> PyResult<FactInput> {
    let value = native(value)?;
    Ok(if value.is_none() || is_missing(&value) {
        FactInput::Missing
    } else if let Ok(b) = value.cast::<PyBool>() {
        FactInput::Value(FactValue::Boolean(b.is_true()))
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        number(&value)
    } else if let Ok(s) = value.cast::<PyString>() {
        FactInput::Value(FactValue::Enumeration(s.to_cow()?.into_owned()))
    } else {
        FactInput::Unsupported(type_name(&value))
    })
}

/// A number fact's value: an `int` or `float` as a float, NaN as a missing fact.
pub(crate) fn number(value: &Bound<'_, PyAny>) -> FactInput {
    match value.extract::<f64>() {
        Ok(x) if x.is_nan() => FactInput::Missing,
        Ok(x) => FactInput::Value(FactValue::Number(x)),
        Err(_) => FactInput::Unsupported("int too large for a float".to_owned()),
    }
}

/// A numpy scalar (`np.int64`, `np.bool_`, `np.float32`, ...) as the Python value it holds
/// (its `item()`); any other object as it is.
fn native<'py>(value: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let numpy = value.get_type().module().is_ok_and(|m| m.to_cow().is_ok_and(|m| m == "numpy"));
    if numpy && !value.is_instance_of::<PyString>() && value.hasattr("item")? {
        return value.call_method0("item");
    }
    Ok(value)
}

/// Whether `value` is pandas' missing value (`pd.NA`, `pd.NaT`).
fn is_missing(value: &Bound<'_, PyAny>) -> bool {
    let ty = value.get_type();
    let pandas = ty.module().is_ok_and(|m| m.to_cow().is_ok_and(|m| m.starts_with("pandas")));
    pandas && ty.name().is_ok_and(|n| n.to_cow().is_ok_and(|n| n == "NAType" || n == "NaTType"))
}

/// The Python form of `value`.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Objects::new(py).of(value)
}

/// The batch report as a dict (its results as the engine's JSON forms, each failed subject's
/// error with its `message`), made a result at a time with the cyclic garbage collector
/// paused: a result holds no cycle, and a collection run every few hundred new dicts would
/// walk every dict made before, again and again.
pub(crate) fn batch_to_python(py: Python<'_>, mut report: BatchReport) -> PyResult<Bound<'_, PyAny>> {
    let _paused = GcPause::new(py)?;
    let results = std::mem::take(&mut report.results);
    let mut objects = Objects::new(py);
    let out = objects.of(&report)?;
    let list = PyList::empty(py);
    for result in &results {
        let made = objects.of(result)?;
        if let Outcome::Failed { error } = &result.outcome {
            let fields = made
                .get_item("outcome")
                .and_then(|outcome| outcome.get_item("error"))
                .and_then(|error| error.cast_into::<PyDict>().map_err(PyErr::from))?;
            fields.set_item("message", error.to_string())?;
        }
        list.append(made)?;
    }
    out.set_item("results", list)?;
    Ok(out)
}

/// The cyclic garbage collector, disabled while this lives if it was enabled.
pub(crate) struct GcPause<'py>(Option<Bound<'py, PyModule>>);

impl<'py> GcPause<'py> {
    /// Disables the collector until the pause is dropped.
    pub(crate) fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = py.import("gc")?;
        if gc.call_method0("isenabled")?.is_truthy()? {
            gc.call_method0("disable")?;
            return Ok(Self(Some(gc)));
        }
        Ok(Self(None))
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            // Enabling the collector cannot fail; were it to, the interpreter runs on without it.
            let _ = gc.call_method0("enable");
        }
    }
}

/// The name of an object's type, for messages.
pub(crate) fn type_name(object: &Bound<'_, PyAny>) -> String {
    object.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".to_owned())
}

/// `datetime.date`, looked up once per conversion; `None` when the module cannot be imported.
struct Dates<'py> {
    date: Option<Bound<'py, PyAny>>,
}

impl<'py> Dates<'py> {
    fn new(py: Python<'py>) -> Self {
        let date = py.import("datetime").and_then(|m| m.getattr("date")).ok();
        Dates { date }
    }

    fn is_date(&self, object: &Bound<'py, PyAny>) -> bool {
        self.date.as_ref().is_some_and(|date| object.is_instance(date).unwrap_or(false))
    }
}

enum Step {
    Key(String),
    Index(usize),
}

fn convert<'py>(object: &Bound<'py, PyAny>, dates: &Dates<'py>, path: &mut Vec<Step>) -> Result<Value, Unconvertible> {
    if path.len() >= MAX_DEPTH {
        return Err(fail(path, format!("nests deeper than {MAX_DEPTH} levels")));
    }
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = object.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        if let Ok(i) = object.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = object.extract::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return Err(fail(path, "is an int too large for JSON".to_owned()));
    }
    if object.is_instance_of::<PyFloat>() {
        let x: f64 = object.extract().map_err(|e: PyErr| fail(path, e.to_string()))?;
        return Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| fail(path, format!("is {x}, not a finite number")));
    }
    if let Ok(s) = object.cast::<PyString>() {
        return s.to_cow().map(|s| Value::String(s.into_owned())).map_err(|e| fail(path, e.to_string()));
    }
    if let Ok(dict) = object.cast::<PyDict>() {
        let mut fields = Map::new();
        let size = dict.len();
        for pair in dict.items().iter() {
            let (key, item): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
                pair.extract().map_err(|e: PyErr| fail(path, e.to_string()))?;
            let Ok(key) = key.cast::<PyString>() else {
                return Err(fail(path, format!("has a key that is not a str: {}", type_name(&key))));
            };
            let key = key.to_cow().map_err(|e| fail(path, e.to_string()))?.into_owned();
            path.push(Step::Key(key.clone()));
            let value = convert(&item, dates, path)?;
            if dict.len() != size {
                return Err(fail(path, "changed its dict's size while it was read".to_owned()));
            }
            path.pop();
            fields.insert(key, value);
        }
        return Ok(Value::Object(fields));
    }
    if object.is_instance_of::<PyList>() || object.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (index, item) in object.try_iter().map_err(|e| fail(path, e.to_string()))?.enumerate() {
            let item = item.map_err(|e| fail(path, e.to_string()))?;
            path.push(Step::Index(index));
            items.push(convert(&item, dates, path)?);
            path.pop();
        }
        return Ok(Value::Array(items));
    }
    if dates.is_date(object) {
        let text = object.call_method0("isoformat").and_then(|t| t.extract::<String>());
        return text.map(Value::String).map_err(|e| fail(path, e.to_string()));
    }
    Err(fail(
        path,
        format!("is a {}: a document holds dicts, lists, str, int, float, bool, None and dates", type_name(object)),
    ))
}

fn fail(path: &[Step], message: String) -> Unconvertible {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    Unconvertible { path: text, message }
}
