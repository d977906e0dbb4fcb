//! Outcome KPI records from a CSV file (`teichaku assess --outcomes FILE`): each row read as the
//! document's `observations.outcomes` would hold it, and validated with the document.
//!
//! The header names the columns, in any order: `outcome` and `date` and `value` are required;
//! `unit` (a unit's uuid or code), `from` (the first day of a period), `measured_in` and
//! `baseline` may be left out or left empty. A column of another name is refused.
//!
//! ```
//! let csv = "outcome,date,value,baseline\nnew-orders,2026-06-30,42,35\n";
//! let records = teichaku::read_outcomes_csv(csv)?;
//! assert_eq!(records[0].change_from_baseline(), Some(0.2));
//! let err = teichaku::read_outcomes_csv("outcome,date,value\ncost,2026-06-31,1\n").unwrap_err();
//! assert!(err.to_string().starts_with("outcomes file row 1:"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use teichaku_model::{OutcomeRecord, ValidationError, ValidationErrors};

/// The columns of an outcomes file.
pub const OUTCOME_COLUMNS: [&str; 7] = ["outcome", "unit", "from", "date", "value", "measured_in", "baseline"];

/// The most rows an outcomes file may hold.
pub const MAX_OUTCOME_ROWS: usize = 1_000_000;

/// Why an outcomes file cannot be read; rows are counted from 1, the header not counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutcomeFileError {
    /// The header is missing a required column, repeats one or names an unknown one.
    #[error("outcomes file header: {problem}")]
    Header {
        /// What is wrong.
        problem: String,
    },
    /// A row cannot be read as an outcome record.
    #[error("outcomes file row {row}: {problem}")]
    Row {
        /// The row, from 1 (the first row after the header).
        row: u64,
        /// What is wrong.
        problem: String,
    },
    /// More rows than [`MAX_OUTCOME_ROWS`].
    #[error("outcomes file has more than {limit} rows")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
}

/// Reads every row of an outcomes CSV file (see the module documentation for the columns).
///
/// # Errors
///
/// [`OutcomeFileError`] for a bad header, the first unreadable row (by its number from 1), or too
/// many rows. References (the outcome declared, the unit known) are checked when the records are
/// validated with the document, as [`crate::load_with`] does with [`crate::LoadOptions::outcomes`].
pub fn read_outcomes_csv(text: &str) -> Result<Vec<OutcomeRecord>, OutcomeFileError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| OutcomeFileError::Header { problem: e.to_string() })?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    for (i, name) in header.iter().enumerate() {
        if !OUTCOME_COLUMNS.contains(&name.as_str()) {
            let problem = format!("unknown column `{name}`; the columns are {}", OUTCOME_COLUMNS.join(", "));
            return Err(OutcomeFileError::Header { problem });
        }
        if header.iter().take(i).any(|h| h == name) {
            return Err(OutcomeFileError::Header { problem: format!("column `{name}` is given twice") });
        }
    }
    for required in ["outcome", "date", "value"] {
        if !header.iter().any(|h| h == required) {
            return Err(OutcomeFileError::Header { problem: format!("column `{required}` is missing") });
        }
    }
    let mut records = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let number = i as u64 + 1;
        let bad = |problem: String| OutcomeFileError::Row { row: number, problem };
        if i >= MAX_OUTCOME_ROWS {
            return Err(OutcomeFileError::TooManyRows { limit: MAX_OUTCOME_ROWS });
        }
        let row = row.map_err(|e| bad(e.to_string()))?;
        let mut object = serde_json::Map::new();
        for (name, cell) in header.iter().zip(row.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let value = if matches!(name.as_str(), "value" | "baseline") {
                let number: f64 = cell.parse().map_err(|_| bad(format!("`{name}` = {cell:?} is not a number")))?;
                let number = serde_json::Number::from_f64(number)
                    .ok_or_else(|| bad(format!("`{name}` = {cell:?} is not a finite number")))?;
                serde_json::Value::Number(number)
            } else {
                serde_json::Value::String(cell.to_owned())
            };
            object.insert(name.clone(), value);
        }
        let record: OutcomeRecord =
            serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| bad(e.to_string()))?;
        records.push(record);
    }
    Ok(records)
}

/// `errors` with every record of `observations.outcomes` at position `first` or later renamed
/// to the row of the caller's outcomes file it came from (`first` is the number of the
/// document's own records).
pub(crate) fn name_file_rows(errors: ValidationErrors, first: usize) -> ValidationErrors {
    use ValidationError as E;
    use teichaku_model::Record;
    let mut errors = errors.into_vec();
    for error in &mut errors {
        let record = match error {
            E::UnknownOutcome { record, .. }
            | E::OutcomeUnitMismatch { record, .. }
            | E::UnknownUnit { record, .. }
            | E::DatesOutOfOrder { record, .. }
            | E::InvalidNumber { record, .. } => record,
            _ => continue,
        };
        if let Record::Outcome { index, outcome } = record {
            if *index >= first {
                *record = Record::OutcomeRow { row: (*index - first) as u64 + 1, outcome: outcome.clone() };
            }
        }
    }
    errors.into()
}
