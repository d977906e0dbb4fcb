//! The Python binding of teichaku: `validate`, `evaluate`, `evaluate_batch` and `assess` over
//! plain dicts and lists, built by maturin as the extension module `teichaku._teichaku` and
//! re-exported by the Python package `teichaku` (python/teichaku/__init__.py).
//!
//! Arguments are converted from Python objects to JSON values in Rust (src/convert.rs), handed
//! to the engine as JSON text, and results come back as dicts built from the engine's serde
//! forms: the same shapes as the command line's `--format json`. Every failure on input is a
//! Python exception, a subclass of `teichaku.TeichakuError` (itself a `ValueError`) carrying
//! `.problems`, a list of dicts that each name the record, rubric item, fact or subject at fault
//! (src/problems.rs); a Python argument of the wrong type is a `TypeError`. Nothing panics on
//! input.
//!
//! The Rust unit tests exercise the conversion-free part (src/calls.rs, src/problems.rs); the
//! binding as Python sees it is tested by pytest (tests/*.py).

#![forbid(unsafe_code)]

mod batch;
mod calls;
mod convert;
mod dicts;
mod more;
mod objects;
mod problems;
mod results;
mod table;

use chrono::NaiveDate;
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use serde_json::Map;

use crate::calls::{Input, RubricSource};
use crate::problems::{Failure, Kind};

create_exception!(
    teichaku,
    TeichakuError,
    PyValueError,
    "Bad input to teichaku; `problems` lists each problem as a dict with `error` and `message`."
);
create_exception!(
    teichaku,
    DocumentError,
    TeichakuError,
    "A document that cannot be read: not the expected shape, an unknown field, an unsupported version."
);
create_exception!(
    teichaku,
    ValidationError,
    TeichakuError,
    "A document that was read and is invalid; each problem names its `record`."
);
create_exception!(
    teichaku,
    RubricError,
    TeichakuError,
    "A rubric that cannot be read or compiled; each problem names its place `at` in the rubric."
);
create_exception!(
    teichaku,
    EvaluationError,
    TeichakuError,
    "Facts that cannot be evaluated against a rubric; each problem names its `fact` (and `subject` in a batch)."
);
create_exception!(teichaku, AssessmentError, TeichakuError, "A valid document that cannot be assessed.");

/// The extension module: the functions and exceptions that `teichaku` re-exports.
#[pymodule]
mod _teichaku {
    use pyo3::prelude::*;
    use pyo3::types::PyTuple;

    #[pymodule_export]
    use super::{
        AssessmentError, DocumentError, EvaluationError, RubricError, TeichakuError, ValidationError, assess,
        builtin_rubric, demo_document, evaluate, evaluate_batch, import_members, read_vendor, validate,
    };
    #[pymodule_export]
    use crate::more::{assessment_text, calibrate, html_report, rollup, what_if};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = m.py();
        m.add("ENGINE_VERSION", teichaku::ENGINE_VERSION)?;
        m.add("BUILTIN_RUBRICS", PyTuple::new(py, crate::calls::BUILTIN_RUBRICS)?)?;
        // An exception raised from Python code without problems still has the attribute.
        py.get_type::<super::TeichakuError>().setattr("problems", PyTuple::empty(py))?;
        Ok(())
    }
}

/// Reads and validates an assessment document (a dict, or its JSON text) against the built-in
/// playbooks; returns None when it is valid.
///
/// Raises ValidationError listing every problem, each naming its `record`, or DocumentError
/// when the document cannot be read at all.
///
/// `usage` opens the usage event files the document names (`observations.usage_files`): called
/// with each name, it returns the file's bytes (or text), or a binary file object read in
/// pieces. Without it, a document that names files raises DocumentError
/// `usage_files_need_a_source`; with it, the files are read and checked as `assess` reads them.
/// Either way the usage events are stored as `assess` stores them, so events `assess` would
/// refuse (spanning over 65,535 days, over 65,535 kinds of task and tool) fail here too.
#[pyfunction]
#[pyo3(signature = (document, /, usage = None))]
fn validate(py: Python<'_>, document: &Bound<'_, PyAny>, usage: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    let input = document_input(document)?;
    match usage {
        None => py.detach(|| calls::load_with(&input, None).map(drop)).map_err(|f| raise(py, f)),
        // The opener is Python code: the files are read holding the interpreter.
        Some(opener) => calls::load_with(&input, Some(&Opener::new(opener))).map(drop).map_err(|f| raise(py, f)),
    }
}

/// Usage event files opened by a Python callable: `opener(name)` returns bytes, str, a binary
/// file object, or a table with `__arrow_c_stream__` (a pandas, Polars or pyarrow table, read
/// as Arrow record batches). What it returned for a name asked as batches, and was not a table,
/// is kept for the text reading that follows, so the opener is called once a file.
struct Opener<'a, 'py>(&'a Bound<'py, PyAny>, std::cell::RefCell<Option<(String, Bound<'py, PyAny>)>>);

impl<'a, 'py> Opener<'a, 'py> {
    fn new(opener: &'a Bound<'py, PyAny>) -> Self {
        Self(opener, std::cell::RefCell::new(None))
    }
}

impl teichaku::UsageSource for Opener<'_, '_> {
    fn open_batches(&self, name: &str, _: teichaku::NamedBy) -> Option<std::io::Result<teichaku::RecordBatches<'_>>> {
        let opened = self.0.call1((name,)).ok()?;
        if !table::is_table(&opened) {
            *self.1.borrow_mut() = Some((name.to_owned(), opened));
            return None;
        }
        let reader = opened
            .extract::<pyo3_arrow::input::AnyRecordBatch>()
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|input| input.into_reader().map_err(|e| std::io::Error::other(e.to_string())));
        Some(reader.map(|reader| Box::new(reader) as teichaku::RecordBatches<'_>))
    }

    fn open(&self, name: &str, _: teichaku::NamedBy) -> std::io::Result<Box<dyn std::io::BufRead + '_>> {
        let held = self.1.borrow_mut().take().filter(|(held, _)| held == name).map(|(_, opened)| opened);
        let opened = match held {
            Some(opened) => opened,
            None => self.0.call1((name,)).map_err(|e| std::io::Error::other(e.to_string()))?,
        };
        if let Ok(bytes) = opened.cast::<PyBytes>() {
            return Ok(Box::new(std::io::Cursor::new(bytes.as_bytes().to_vec())));
        }
        if let Ok(text) = opened.cast::<PyString>() {
            let text = text.to_cow().map_err(|e| std::io::Error::other(e.to_string()))?.into_owned();
            return Ok(Box::new(std::io::Cursor::new(text.into_bytes())));
        }
        if opened.hasattr("read").unwrap_or(false) {
            return Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, PyFile(opened))));
        }
        Err(std::io::Error::other(format!(
            "the opener returned {}, not bytes, str or a binary file",
            convert::type_name(&opened)
        )))
    }
}

/// A Python binary file object, read in pieces of at most the buffer's size.
struct PyFile<'py>(Bound<'py, PyAny>);

impl std::io::Read for PyFile<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let chunk = self.0.call_method1("read", (buf.len(),)).map_err(|e| std::io::Error::other(e.to_string()))?;
        let bytes = chunk
            .cast::<PyBytes>()
            .map_err(|_| std::io::Error::other(format!("read() returned {}, not bytes", convert::type_name(&chunk))))?;
        let bytes = bytes.as_bytes();
        let n = bytes.len().min(buf.len());
        buf.get_mut(..n).unwrap_or_default().copy_from_slice(bytes.get(..n).unwrap_or_default());
        Ok(n)
    }
}

/// Scores one person's facts against a rubric: a built-in rubric's id such as
/// "ai-use-in-appraisal", a rubric dict, or its JSON text. `facts` maps fact names to a number,
/// a bool, a str (an enumeration value) or None (missing). Returns the evaluation as a dict:
/// total, band, each criterion's contribution, the caps applied and the missing facts.
///
/// Raises RubricError for a rubric that cannot be compiled and EvaluationError for facts that
/// cannot be evaluated (an unknown name, a value of the wrong kind), naming each fact.
#[pyfunction]
#[pyo3(signature = (rubric, facts, /))]
fn evaluate<'py>(
    py: Python<'py>,
    rubric: &Bound<'py, PyAny>,
    facts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let source = rubric_source(rubric)?;
    let inputs = convert::to_facts(facts, &mut convert::FactNames::default(), || "facts".to_owned())?;
    let evaluation = py
        .detach(|| calls::compile_rubric(&source).and_then(|compiled| calls::evaluate(&compiled, &inputs)))
        .map_err(|f| raise(py, f))?;
    to_python(py, &evaluation)
}

/// Scores a population against one rubric, compiled once. `subjects` is a list (or any
/// iterable) of dicts {"id": str, "facts": dict, "group": str (optional), "roles": [str]
/// (optional)}. Returns the batch report as a dict: "results" holds one entry per subject, in
/// order, with "subject" (the id), "group" and "outcome", whose "status" is "evaluated" (with
/// "evaluation", as `evaluate` returns it), "not_applicable" (the rubric's applies_to shares no
/// role with the subject), "failed" (with "error": its "kind", "fact" and "message") or
/// "duplicate_subject" (an earlier subject had the id); then the counts "evaluated",
/// "not_applicable", "failed" and "duplicates".
///
/// A subject whose values do not fit the rubric fails alone. The batch's shape is checked
/// before anything is evaluated: a fact name the rubric does not declare, a value of a type no
/// fact has (a list, a dict) or an unknown role raises EvaluationError listing every such
/// problem with its subject's position ("subject") and "id"; a subject that is not such a dict
/// raises TypeError.
///
/// `subjects` may also be a table (a pandas or Polars DataFrame, a pyarrow Table: anything with
/// `__arrow_c_stream__`) with the columns of the command line's facts CSV: `subject`, `group`,
/// `roles` and one per fact; a null, NaN or empty cell is a missing fact.
///
/// The results come in one of three forms: the report above, each evaluation explained (the
/// default); with `arrow=True` a pyarrow Table, one row per subject: `subject`, `group`,
/// `status`, `total`, `shown_total`, `uncapped_total`, `band`, `weight_counted`, a
/// `points:CRITERION` column per criterion, `caps_applied`, `missing` and `error`; with
/// `columns=True` the same columns as a dict of lists, under "columns" beside the report's
/// provenance and counts. The subjects are scored without holding the interpreter, so other
/// Python threads run meanwhile.
#[pyfunction]
#[pyo3(signature = (rubric, subjects, /, *, arrow = false, columns = false))]
fn evaluate_batch<'py>(
    py: Python<'py>,
    rubric: &Bound<'py, PyAny>,
    subjects: &Bound<'py, PyAny>,
    arrow: bool,
    columns: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if arrow && columns {
        return Err(PyValueError::new_err(
            "evaluate_batch returns a table (arrow=True) or columns (columns=True), not both",
        ));
    }
    if !table::is_table(subjects) {
        let source = rubric_source(rubric)?;
        let compiled = match py.detach(|| calls::compile_rubric(&source)) {
            Ok(compiled) => compiled,
            Err(failure) => {
                // The subjects' types are checked before the rubric is reported, as for a table.
                batch::BatchInput::of(subjects)?;
                return Err(raise(py, failure));
            }
        };
        if !(arrow || columns) {
            let subjects = dicts::read(&compiled, subjects, Vec::new())?;
            let report = py.detach(|| teichaku::rules::evaluate_batch(&compiled, &subjects));
            return convert::batch_to_python(py, report);
        }
        let capacity = subjects.cast_exact::<pyo3::types::PyList>().map_or(0, |list| list.len());
        let read = dicts::read(&compiled, subjects, results::ResultColumns::new(&compiled, capacity))?;
        let table = py.detach(|| batch::finished(read)).map_err(|f| raise(py, f))?;
        return if arrow { table.into_pyarrow(py) } else { table.into_columns(py) };
    }
    let (source, input) = more::batch_args(rubric, subjects)?;
    let compiled = py.detach(|| calls::compile_rubric(&source)).map_err(|f| raise(py, f))?;
    if !(arrow || columns) {
        let report = py.detach(|| input.report(&compiled)).map_err(|f| raise(py, f))?;
        return convert::batch_to_python(py, report);
    }
    let table = py.detach(|| input.table(&compiled)).map_err(|f| raise(py, f))?;
    if arrow { table.into_pyarrow(py) } else { table.into_columns(py) }
}

/// Assesses an organisation on `as_of` (a datetime.date or "YYYY-MM-DD", the last day that
/// counts): KPIs and retention score, readiness with the barrier point, the schedule and the
/// ranked next actions, as a dict (the command line's `assess --format json`).
///
/// Raises what `validate` raises for the document, and AssessmentError when a valid document
/// cannot be assessed.
///
/// `usage` opens the usage event files the document names, as for `validate`.
#[pyfunction]
#[pyo3(signature = (document, as_of, /, usage = None))]
fn assess<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    usage: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let input = document_input(document)?;
    let as_of = day(as_of)?;
    let assessment = match usage {
        None => py.detach(|| calls::assess(&input, as_of, None)),
        Some(opener) => calls::assess(&input, as_of, Some(&Opener::new(opener))),
    }
    .map_err(|f| raise(py, f))?;
    to_python(py, &assessment)
}

/// The JSON document of a built-in rubric, as a dict: a starting point for a rubric of your own.
///
/// Raises RubricError for an id that is not built in.
#[pyfunction]
#[pyo3(signature = (id = "ai-use-in-appraisal", /))]
fn builtin_rubric<'py>(py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
    let rubric = calls::builtin_rubric(id).map_err(|f| raise(py, f))?;
    convert::to_python(py, &rubric)
}

/// Reads an HR member list (CSV in UTF-8, UTF-8 with BOM or Shift-JIS, or XLSX bytes) into an
/// assessment document, as `teichaku init --members` does; returns the document as a dict,
/// naming members by employee number and units by department path.
///
/// `as_of` is the day ages are reckoned on from a birth year (a `datetime.date` or
/// `YYYY-MM-DD`), `launch_date` defaults to it. `encoding` is `"utf-8"` or `"shift_jis"`
/// (detected when None); `filename_hint` tells CSV from XLSX by its extension (else by the
/// bytes). `roles` is the text of a position table CSV, searched before the default table.
///
/// Raises DocumentError; when rows cannot be read, its `problems` list each with `error`
/// `bad_row`, `line` (the header is line 1), `key`, `name` and `message`.
#[pyfunction]
#[pyo3(signature = (data, /, *, as_of, encoding = None, filename_hint = None, playbook = "sme-five-step", name = "Organisation", utc_offset = "+09:00", launch_date = None, roles = None))]
#[expect(clippy::too_many_arguments, reason = "keyword arguments of the Python function, each with a default")]
fn import_members<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyBytes>,
    as_of: &Bound<'py, PyAny>,
    encoding: Option<&str>,
    filename_hint: Option<&str>,
    playbook: &str,
    name: &str,
    utc_offset: &str,
    launch_date: Option<&Bound<'py, PyAny>>,
    roles: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    use teichaku_import::{ImportError, ImportOptions, RoleTable, SourceFormat};
    let document_error =
        |error: &str, message: String| raise(py, Failure::one(Kind::Document, error, message, Map::new()));
    let mut options = ImportOptions::new(day(as_of)?);
    options.launch_date = match launch_date {
        Some(d) => day(d)?,
        None => options.as_of,
    };
    options.playbook = teichaku::model::PlaybookId::new(playbook)
        .map_err(|e| PyValueError::new_err(format!("playbook {playbook:?}: {e}")))?;
    options.name = name.to_owned();
    options.utc_offset = serde_json::from_value(serde_json::Value::String(utc_offset.to_owned()))
        .map_err(|e| PyValueError::new_err(format!("utc_offset {utc_offset:?}: {e}")))?;
    options.encoding = encoding.map(str::parse).transpose().map_err(PyValueError::new_err)?;
    options.format = filename_hint.and_then(SourceFormat::from_file_name);
    if let Some(text) = roles {
        options.roles = RoleTable::with_csv(text).map_err(|e| document_error("bad_role_table", e.to_string()))?;
    }
    let bytes = data.as_bytes();
    let imported = py.detach(|| teichaku_import::import_members(bytes, &options));
    let imported = imported.map_err(|e| match &e {
        ImportError::BadRows { rows, .. } => {
            let problems = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "error": "bad_row", "line": r.line, "key": r.key, "name": r.name, "message": r.to_string(),
                    })
                })
                .collect();
            raise(py, Failure { kind: Kind::Document, message: e.to_string(), problems })
        }
        _ => document_error("unreadable_member_list", e.to_string()),
    })?;
    let value: serde_json::Value = serde_json::from_str(&imported.json)
        .map_err(|e| PyValueError::new_err(format!("the document made cannot be read: {e}")))?;
    convert::to_python(py, &value)
}

/// Reads a vendor's usage export (`vendor` is `"github-copilot"` for GitHub Copilot's
/// user-level NDJSON metrics, `"m365-copilot"` for Microsoft 365 Copilot's usage user detail
/// CSV) into member-day records, as `--usage-vendor` does; `github_logins` is the text of a
/// `login,member` CSV naming GitHub users' members.
///
/// Returns a dict: `day_records_csv` (a member-day record file to name in the document's
/// `usage_day_files` and hand to `assess` in `usage_files`), `unknown_days_csv` (the days the
/// export does not tell of, a member-period record file with `active_days` `unknown`, to name
/// in `usage_period_files`; empty of records for GitHub), `known` (the days each row knows),
/// `days` (each record with the
/// vendor `line` it comes from: the file's line `n` is `days[n - 2]`), `rows`,
/// `rows_without_use`, `bad_lines` (each with `line`, `message` and `message_ja`, the same in
/// Japanese) and `bad_line_count`.
///
/// Raises ValueError for an unknown vendor, DocumentError when the export or the login list
/// cannot be read at all.
#[pyfunction]
#[pyo3(signature = (data, vendor, /, *, github_logins = None))]
fn read_vendor<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyBytes>,
    vendor: &str,
    github_logins: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    use teichaku_import::{GithubLogins, Vendor};
    use teichaku_report::Message;
    let vendor: Vendor =
        vendor.parse().map_err(|e: teichaku_import::VendorError| PyValueError::new_err(e.to_string()))?;
    // Every message in English and, as `message_ja`, in Japanese, as the binding's other problems.
    let unreadable = |e: teichaku_import::VendorError| {
        let failure = Failure::one(Kind::Document, "unreadable_vendor_export", e.to_string(), Map::new());
        raise(py, failure.with_ja(&e.message(teichaku::model::Lang::Ja)))
    };
    let logins = match github_logins {
        Some(text) => GithubLogins::from_csv(text.as_bytes()).map_err(unreadable)?,
        None => GithubLogins::default(),
    };
    let bytes = data.as_bytes();
    let read = py.detach(|| teichaku_import::read_vendor(vendor, bytes, &logins)).map_err(unreadable)?;
    let bad_lines: Vec<serde_json::Value> = read
        .bad_lines
        .iter()
        .map(|b| {
            serde_json::json!({
                "line": b.line,
                "message": b.to_string(),
                "message_ja": b.message(teichaku::model::Lang::Ja),
            })
        })
        .collect();
    let value = serde_json::json!({
        "vendor": read.vendor,
        "day_records_csv": read.day_records_csv(),
        "unknown_days_csv": teichaku_import::unknown_days_csv(&teichaku_import::unknown_days(&[&read])),
        "known": read.known,
        "days": read.days,
        "rows": read.rows,
        "rows_without_use": read.rows_without_use,
        "bad_lines": bad_lines,
        "bad_line_count": read.bad_line_count,
    });
    convert::to_python(py, &value)
}

/// The built-in demo organisation's assessment document, as a dict (what
/// `teichaku demo --document` prints): 120 members, 5 units, 13 weeks of usage.
#[pyfunction]
fn demo_document(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_python(py, &teichaku::demo::document())
}

/// A document argument: a dict, or JSON text as str or bytes.
/// A Python string as UTF-8; one holding a lone surrogate (which UTF-8 cannot encode) is the same
/// typed `not_utf8` failure as bytes that are not UTF-8, not a bare `UnicodeEncodeError`.
fn unicode_text(text: &Bound<'_, PyString>, kind: Kind, what: &str) -> PyResult<String> {
    text.to_cow().map(std::borrow::Cow::into_owned).map_err(|e| {
        let message = format!("the {what} is not UTF-8: {}", e.value(text.py()));
        raise(text.py(), Failure::one(kind, "not_utf8", message, Map::new()))
    })
}

fn document_input(document: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(text) = document.cast::<PyString>() {
        return unicode_text(text, Kind::Document, "document").map(Input::Text);
    }
    if let Ok(bytes) = document.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec()).map(Input::Text).map_err(|e| {
            let failure =
                Failure::one(Kind::Document, "not_utf8", format!("the document is not UTF-8: {e}"), Map::new());
            raise(document.py(), failure)
        });
    }
    if document.is_instance_of::<PyDict>() {
        return convert::to_json(document).map(Input::Value).map_err(|e| {
            let failure =
                Failure::one(Kind::Document, "unconvertible", join_path(&e.path, &e.message), path_field(&e.path));
            raise(document.py(), failure)
        });
    }
    Err(PyTypeError::new_err(format!("a document is a dict or its JSON text, not {}", convert::type_name(document))))
}

/// A rubric argument: a built-in id, a dict, or JSON text.
fn rubric_source(rubric: &Bound<'_, PyAny>) -> PyResult<RubricSource> {
    if let Ok(text) = rubric.cast::<PyString>() {
        let text = unicode_text(text, Kind::Rubric, "rubric")?;
        return Ok(if text.trim_start().starts_with('{') {
            RubricSource::Document(Input::Text(text))
        } else {
            RubricSource::Builtin(text)
        });
    }
    if rubric.is_instance_of::<PyDict>() {
        return convert::to_json(rubric).map(|v| RubricSource::Document(Input::Value(v))).map_err(|e| {
            let message = format!("the rubric cannot be read: {}", join_path(&e.path, &e.message));
            raise(rubric.py(), Failure::one(Kind::Rubric, "unconvertible", message, path_field(&e.path)))
        });
    }
    Err(PyTypeError::new_err(format!(
        "a rubric is a built-in rubric's id, a dict or its JSON text, not {}",
        convert::type_name(rubric)
    )))
}

/// One subject of a batch: `{"id": str, "facts": dict, "group": str, "roles": [str]}`.
fn subject_input<'py>(
    subject: &Bound<'py, PyAny>,
    index: usize,
    names: &mut convert::FactNames<'py>,
) -> PyResult<calls::SubjectInput> {
    let shape = "a subject is a dict with \"id\" (a str), \"facts\" (a dict), and optionally \"group\" (a str) and \"roles\" (a list of str)";
    let wrong = |what: String| PyTypeError::new_err(format!("subject #{index} {what}: {shape}"));
    let dict = subject.cast::<PyDict>().map_err(|_| wrong(format!("is a {}", convert::type_name(subject))))?;
    let mut input = calls::SubjectInput { id: String::new(), group: None, roles: Vec::new(), facts: Vec::new() };
    let mut has_id = false;
    let mut has_facts = false;
    // From a snapshot of its items: reading the facts may run Python code (a numpy scalar's
    // `item()`, an `int` subclass's `__float__`) that changes the subject dict.
    let size = dict.len();
    for item in dict.items().iter() {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
        let key = names.name(&key).ok_or_else(|| wrong("has a key that is not a str".to_owned()))?;
        match key.as_str() {
            "id" => {
                input.id = value
                    .extract()
                    .map_err(|_| wrong(format!("has an id that is a {}", convert::type_name(&value))))?;
                has_id = true;
            }
            "group" if value.is_none() => {}
            "group" => {
                input.group = Some(
                    value
                        .extract()
                        .map_err(|_| wrong(format!("has a group that is a {}", convert::type_name(&value))))?,
                );
            }
            "roles" => {
                if value.is_instance_of::<PyString>() {
                    return Err(wrong("has roles that are a str, not a list".to_owned()));
                }
                input.roles = value.extract().map_err(|_| wrong("has roles that are not a list of str".to_owned()))?;
            }
            "facts" => {
                input.facts = convert::to_facts(&value, names, || format!("the facts of subject #{index}"))?;
                has_facts = true;
            }
            other => return Err(wrong(format!("has unknown key {other:?}"))),
        }
        if dict.len() != size {
            let message =
                format!("subject #{index} changed while its {key:?} was read: pass a dict that stays as it is");
            let fields = Map::from_iter([("subject".to_owned(), index.into()), ("key".to_owned(), key.into())]);
            return Err(raise(subject.py(), Failure::one(Kind::Evaluation, "changed_while_read", message, fields)));
        }
    }
    match (has_id, has_facts) {
        (true, true) => Ok(input),
        (false, _) => Err(wrong("has no \"id\"".to_owned())),
        (true, false) => Err(wrong("has no \"facts\"".to_owned())),
    }
}

/// `as_of`: a `datetime.date` (not a `datetime.datetime`) or `YYYY-MM-DD`.
fn day(as_of: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let py = as_of.py();
    let datetime = py.import("datetime")?;
    let text = if let Ok(text) = as_of.cast::<PyString>() {
        text.to_cow()?.into_owned()
    } else if as_of.is_instance(&datetime.getattr("datetime")?)? {
        return Err(PyTypeError::new_err(
            "as_of is a day: pass a datetime.date or \"YYYY-MM-DD\", not a datetime.datetime",
        ));
    } else if as_of.is_instance(&datetime.getattr("date")?)? {
        as_of.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "as_of is a datetime.date or \"YYYY-MM-DD\", not {}",
            convert::type_name(as_of)
        )));
    };
    text.parse().map_err(|_| PyValueError::new_err(format!("as_of {text:?} is not a day: expected \"YYYY-MM-DD\"")))
}

/// The Python form of an engine result.
fn to_python<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value)
        .map_err(|e| PyValueError::new_err(format!("the result cannot be written as JSON: {e}")))?;
    convert::to_python(py, &value)
}

/// The exception for `failure`, with its problems as `.problems` and its message in Japanese as
/// `.message_ja`.
fn raise(py: Python<'_>, failure: Failure) -> PyErr {
    let message_ja = failure.message_ja();
    let error = match failure.kind {
        Kind::Document => DocumentError::new_err(failure.message),
        Kind::Validation => ValidationError::new_err(failure.message),
        Kind::Rubric => RubricError::new_err(failure.message),
        Kind::Evaluation => EvaluationError::new_err(failure.message),
        Kind::Assessment => AssessmentError::new_err(failure.message),
    };
    let problems = serde_json::Value::Array(failure.problems);
    let attached = convert::to_python(py, &problems)
        .and_then(|problems| error.value(py).setattr("problems", problems))
        .and_then(|()| error.value(py).setattr("message_ja", message_ja));
    match attached {
        Ok(()) => error,
        Err(other) => other,
    }
}

fn join_path(path: &str, message: &str) -> String {
    if path.is_empty() { message.to_owned() } else { format!("{path} {message}") }
}

fn path_field(path: &str) -> Map<String, serde_json::Value> {
    let mut fields = Map::new();
    if !path.is_empty() {
        fields.insert("path".into(), path.into());
    }
    fields
}
