//! A batch's subjects as the caller gave them, taken from Python while holding the interpreter
//! (dicts converted, a table's record batches shared), then scored without it: into the
//! explained report, or into the compact columns of [`ResultTable`].

use std::borrow::Cow;

use arrow_array::RecordBatch;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Map;
use teichaku::rules::{BatchReport, CompiledRubric, Subject};

use crate::calls::{self, SubjectInput};
use crate::problems::{Failure, Kind};
use crate::results::{ResultColumns, ResultTable, Row};
use crate::{convert, subject_input, table};

/// The subjects of a batch.
pub(crate) enum BatchInput {
    /// Subject dicts, converted.
    Dicts(Vec<SubjectInput>),
    /// A table's record batches, read from its Arrow C stream.
    Table(Vec<RecordBatch>),
}

impl BatchInput {
    /// Takes the subjects from Python: a table (anything with `__arrow_c_stream__`), or an
    /// iterable of subject dicts.
    ///
    /// # Errors
    ///
    /// `TypeError` for a str, a dict or a subject that is not a subject dict; what reading a
    /// table's stream raises.
    pub(crate) fn of(subjects: &Bound<'_, PyAny>) -> PyResult<Self> {
        if table::is_table(subjects) {
            return table::batches(subjects).map(BatchInput::Table);
        }
        check_iterable(subjects)?;
        let mut rows = Vec::new();
        let mut names = convert::FactNames::default();
        for (index, subject) in subjects.try_iter()?.enumerate() {
            rows.push(subject_input(&subject?, index, &mut names)?);
        }
        Ok(BatchInput::Dicts(rows))
    }

    /// The subjects, each value copied out.
    ///
    /// # Errors
    ///
    /// What [`table::subject_inputs`] finds wrong with a table.
    pub(crate) fn subject_inputs(&self) -> Result<Cow<'_, [SubjectInput]>, Failure> {
        match self {
            BatchInput::Dicts(rows) => Ok(Cow::Borrowed(rows)),
            BatchInput::Table(batches) => table::subject_inputs(batches).map(Cow::Owned),
        }
    }

    /// The batch report, every subject's evaluation explained.
    ///
    /// # Errors
    ///
    /// A batch of the wrong shape, as [`calls::subjects`] and [`table::subject_inputs`] name it.
    pub(crate) fn report(&self, rubric: &CompiledRubric) -> Result<BatchReport, Failure> {
        if let BatchInput::Table(batches) = self {
            let mut subjects = Vec::new();
            let read = table::read_rows(rubric, batches, |row| {
                let mut subject = Subject::new(row.id, row.facts.clone()).with_roles(row.roles.iter().copied());
                subject.group = row.group.map(str::to_owned);
                subjects.push(subject);
            });
            if read.is_ok() {
                return Ok(teichaku::rules::evaluate_batch(rubric, &subjects));
            }
        }
        calls::evaluate_batch(rubric, &self.subject_inputs()?)
    }

    /// The results as columns, one row per subject, without their explanations.
    ///
    /// # Errors
    ///
    /// As [`report`](Self::report).
    pub(crate) fn table(&self, rubric: &CompiledRubric) -> Result<ResultTable, Failure> {
        if let BatchInput::Table(batches) = self {
            let rows = batches.iter().map(RecordBatch::num_rows).sum();
            let mut columns = ResultColumns::new(rubric, rows);
            if table::read_rows(rubric, batches, |row| columns.push(row)).is_ok() {
                return finished(columns);
            }
        }
        let subjects = calls::subjects(rubric, &self.subject_inputs()?)?;
        let mut columns = ResultColumns::new(rubric, subjects.len());
        for s in &subjects {
            columns.push(&Row { id: &s.id, group: s.group.as_deref(), roles: &s.roles, facts: &s.facts });
        }
        finished(columns)
    }
}

/// Refuses a str or a dict given as the subjects (each is iterable, but not of subject dicts).
///
/// # Errors
///
/// `TypeError` naming the type given.
pub(crate) fn check_iterable(subjects: &Bound<'_, PyAny>) -> PyResult<()> {
    if subjects.is_instance_of::<PyString>() || subjects.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "subjects must be a list of subject dicts, not {}",
            convert::type_name(subjects)
        )));
    }
    Ok(())
}

/// The finished table of `columns`.
///
/// # Errors
///
/// `unwritable_results` when Arrow cannot make the columns into a table.
pub(crate) fn finished(columns: ResultColumns<'_>) -> Result<ResultTable, Failure> {
    columns.finish().map_err(|e| {
        let message = format!("the results cannot be made into a table: {e}");
        Failure::one(Kind::Evaluation, "unwritable_results", message, Map::new())
    })
}
