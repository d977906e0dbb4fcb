//! The what-if, the HTML report, the roll-up and the calibration from Python: `what_if`,
//! `html_report`, `rollup` and `calibrate`, the library calls behind `teichaku whatif` and `teichaku evaluate --rollup` /
//! `--calibrate`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde_json::{Map, Value};
use teichaku::model::{Completion, Lang, Observations};
use teichaku::rules::{BatchReport, CalibrationTarget, CompiledRubric, ReportError};
use teichaku::{Changes, Unblocking};

use crate::batch::BatchInput;
use crate::calls::{self, Input};
use crate::problems::{Failure, Kind, variant_name};
use crate::{Opener, convert, day, document_input, raise, rubric_source, to_python};

/// What `what_if` returns: `teichaku whatif --format json`, with the text report when a
/// language is asked for.
#[derive(Serialize)]
struct WhatIfOutput {
    engine_version: &'static str,
    as_of: chrono::NaiveDate,
    completed: Vec<Completion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Changes>,
    best_single_actions: Vec<Unblocking>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

/// What completing activities on `as_of` would change, and the single ready action that would
/// unblock the most work and people, as a dict (`teichaku whatif --format json`): `completed`,
/// `changes` (only when `complete` names something) and `best_single_actions`, best first.
///
/// `complete` lists activities as the command line's `--complete` takes them: `"ACTIVITY"` (an
/// organisation-wide activity, or each ready or overdue instance of a per-unit one) or
/// `"ACTIVITY@UNIT"` (a unit id, code or name). With `lang` ("en" or "ja") the dict also holds
/// `text`, the report `teichaku whatif --lang` prints, listing the first `top` actions.
///
/// Raises what `assess` raises for the document, and AssessmentError naming an activity or unit
/// that cannot be completed (`error` `unknown_activity`, `unknown_unit`, `organisation_wide`,
/// `nothing_ready`, with `name`).
#[pyfunction]
#[pyo3(signature = (document, as_of, /, complete = Vec::new(), lang = None, top = 5, usage = None))]
pub(crate) fn what_if<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    complete: Vec<String>,
    lang: Option<&str>,
    top: usize,
    usage: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let input = document_input(document)?;
    let as_of = day(as_of)?;
    let lang = lang.map(parse_lang).transpose()?;
    let output = match usage {
        None => py.detach(|| what_if_of(&input, as_of, &complete, lang, top, None)),
        Some(opener) => what_if_of(&input, as_of, &complete, lang, top, Some(&Opener::new(opener))),
    }
    .map_err(|f| raise(py, f))?;
    to_python(py, &output)
}

fn what_if_of(
    input: &Input,
    as_of: chrono::NaiveDate,
    complete: &[String],
    lang: Option<Lang>,
    top: usize,
    usage: Option<&dyn teichaku::UsageSource>,
) -> Result<WhatIfOutput, Failure> {
    let loaded = calls::load_with(input, usage)?;
    // The organisation on `as_of`: units and roles after the dated changes up to it.
    let snapshot = &*loaded.snapshot.on(as_of);
    let options = teichaku::AssessOptions::default();
    let before =
        teichaku::assess_with_store(snapshot, &loaded.store, as_of, &options).map_err(|e| assessment_failure(&e))?;
    let mut completed = Vec::new();
    for name in complete {
        let named = teichaku::completions_named(snapshot, &before, name).map_err(|e| {
            let mut fields = Map::new();
            fields.insert("name".into(), Value::String(name.clone()));
            Failure::one(Kind::Assessment, &variant_name(&e), format!("complete {name:?}: {e}"), fields)
        })?;
        completed.extend(named);
    }
    let changes = if completed.is_empty() {
        None
    } else {
        let mut extra = Observations::new();
        extra.completions = completed.clone();
        let what_if = teichaku::simulate_with_store(snapshot, &loaded.store, as_of, extra, &options)
            .map_err(|e| assessment_failure(&e))?;
        Some(what_if.changes)
    };
    let best = teichaku::best_single_action(snapshot, &before).map_err(|e| assessment_failure(&e))?;
    let text = lang
        .map(|lang| teichaku_report::whatif_text(snapshot, &before, &completed, changes.as_ref(), &best, top, lang));
    Ok(WhatIfOutput {
        engine_version: teichaku::ENGINE_VERSION,
        as_of,
        completed,
        changes,
        best_single_actions: best,
        text,
    })
}

/// The assessment on `as_of` as the self-contained HTML report `teichaku assess --format html
/// --lang` writes (charts drawn in SVG, no script, no network), in `lang` ("en" or "ja"), with
/// the first `top` next actions. Raises what `assess` raises.
#[pyfunction]
#[pyo3(signature = (document, as_of, /, lang = "en", top = 10, usage = None))]
pub(crate) fn html_report<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    lang: &str,
    top: usize,
    usage: Option<&Bound<'py, PyAny>>,
) -> PyResult<String> {
    let lang = parse_lang(lang)?;
    report(py, document, as_of, usage, |snapshot, a| teichaku_report::html(snapshot, a, lang, top))
}

/// The assessment on `as_of` as the text report `teichaku assess --lang` prints, in `lang`
/// ("en" or "ja"), with the first `top` next actions. Raises what `assess` raises.
#[pyfunction]
#[pyo3(signature = (document, as_of, /, lang = "en", top = 10, usage = None))]
pub(crate) fn assessment_text<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    lang: &str,
    top: usize,
    usage: Option<&Bound<'py, PyAny>>,
) -> PyResult<String> {
    let lang = parse_lang(lang)?;
    report(py, document, as_of, usage, |snapshot, a| teichaku_report::assessment_text(snapshot, a, top, lang))
}

/// Loads `document`, assesses it on `as_of` and renders the assessment with `render`, given the
/// organisation as it was on `as_of` (units and roles after the dated changes up to it, as the
/// assessment counts them); the GIL is released unless usage comes from a Python opener.
fn report<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
    as_of: &Bound<'py, PyAny>,
    usage: Option<&Bound<'py, PyAny>>,
    render: impl Fn(&teichaku::model::ValidSnapshot, &teichaku::Assessment) -> String + Send + Sync,
) -> PyResult<String> {
    let input = document_input(document)?;
    let as_of = day(as_of)?;
    let made = |usage: Option<&dyn teichaku::UsageSource>| -> Result<String, Failure> {
        let loaded = calls::load_with(&input, usage)?;
        let a = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &Default::default())
            .map_err(|e| assessment_failure(&e))?;
        Ok(render(&loaded.snapshot.on(as_of), &a))
    };
    match usage {
        None => py.detach(|| made(None)),
        Some(opener) => made(Some(&Opener::new(opener))),
    }
    .map_err(|f| raise(py, f))
}

/// Rolls a population's results up per group (`teichaku evaluate --rollup`): `subjects` as for
/// `evaluate_batch`, each subject's "group" naming its group. Returns the roll-up as a dict:
/// the overall figures and each group's (count, mean total, band counts, caps applied), with
/// the figures of a group of fewer evaluated people than `min_group_size` withheld.
///
/// Raises what `evaluate_batch` raises.
#[pyfunction]
#[pyo3(signature = (rubric, subjects, /, min_group_size = teichaku::rules::DEFAULT_MIN_GROUP_SIZE))]
pub(crate) fn rollup<'py>(
    py: Python<'py>,
    rubric: &Bound<'py, PyAny>,
    subjects: &Bound<'py, PyAny>,
    min_group_size: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (source, input) = batch_args(rubric, subjects)?;
    let report = py
        .detach(|| {
            let (compiled, batch) = evaluated(&source, &input)?;
            teichaku::rules::rollup(&compiled, &batch, min_group_size).map_err(|e| report_failure(&e))
        })
        .map_err(|f| raise(py, f))?;
    to_python(py, &report)
}

/// Who would change band under a target band distribution (`teichaku evaluate --calibrate`):
/// `subjects` as for `evaluate_batch`; `target` maps each band of the rubric to its share (0 to
/// 1, adding up to 1), as a dict of shares or `{"shares": {...}}`. Returns the calibration as a
/// dict: the target cuts and every subject who would move, with its band before and after.
///
/// Raises what `evaluate_batch` raises, and EvaluationError for a target that does not fit the
/// rubric (a band missing or unknown, a share out of range, shares not adding up to 1).
#[pyfunction]
#[pyo3(signature = (rubric, subjects, target, /))]
pub(crate) fn calibrate<'py>(
    py: Python<'py>,
    rubric: &Bound<'py, PyAny>,
    subjects: &Bound<'py, PyAny>,
    target: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let target = calibration_target(target)?;
    let (source, input) = batch_args(rubric, subjects)?;
    let report = py
        .detach(|| {
            let (compiled, batch) = evaluated(&source, &input)?;
            teichaku::rules::calibrate(&compiled, &batch, &target).map_err(|e| report_failure(&e))
        })
        .map_err(|f| raise(py, f))?;
    to_python(py, &report)
}

/// The rubric and the subjects of a batch, taken from Python once for `evaluate_batch`, `rollup`
/// and `calibrate`.
pub(crate) fn batch_args(
    rubric: &Bound<'_, PyAny>,
    subjects: &Bound<'_, PyAny>,
) -> PyResult<(calls::RubricSource, BatchInput)> {
    let source = rubric_source(rubric)?;
    Ok((source, BatchInput::of(subjects)?))
}

fn evaluated(source: &calls::RubricSource, input: &BatchInput) -> Result<(CompiledRubric, BatchReport), Failure> {
    let compiled = calls::compile_rubric(source)?;
    let batch = input.report(&compiled)?;
    Ok((compiled, batch))
}

/// An engine error of a valid document, as `assess` raises it.
fn assessment_failure<E: std::fmt::Debug + std::fmt::Display>(error: &E) -> Failure {
    Failure::one(Kind::Assessment, &variant_name(error), error.to_string(), Map::new())
}

fn report_failure(error: &ReportError) -> Failure {
    Failure::one(Kind::Evaluation, &variant_name(error), error.to_string(), Map::new())
}

/// A target band distribution: a dict of shares, or `{"shares": {...}}`.
fn calibration_target(target: &Bound<'_, PyAny>) -> PyResult<CalibrationTarget> {
    let value = if target.is_instance_of::<PyDict>() {
        convert::to_json(target).map_err(|e| PyValueError::new_err(format!("target: {} {}", e.path, e.message)))?
    } else {
        return Err(PyTypeError::new_err(format!(
            "target is a dict of band shares, not {}",
            convert::type_name(target)
        )));
    };
    let value = match value {
        Value::Object(map) if map.contains_key("shares") => Value::Object(map),
        other => serde_json::json!({ "shares": other }),
    };
    serde_json::from_value(value).map_err(|e| {
        raise(
            target.py(),
            Failure::one(Kind::Evaluation, "bad_target", format!("the target cannot be read: {e}"), Map::new()),
        )
    })
}

fn parse_lang(lang: &str) -> PyResult<Lang> {
    match lang {
        "en" => Ok(Lang::En),
        "ja" => Ok(Lang::Ja),
        other => Err(PyValueError::new_err(format!("lang {other:?} is not \"en\" or \"ja\""))),
    }
}
