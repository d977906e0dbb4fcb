//! Streaming usage event files (CSV, JSON Lines) into the event store, row by row, through the
//! engine's reader ([`teichaku::metrics::stream_events`], which says what each format holds).
//! Here the files are opened and their malformed lines gathered with the file's name.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use teichaku::metrics::{EventFormat, EventStoreBuilder, stream_events};

use crate::Failure;

/// One line that could not be read.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct BadLine {
    pub(crate) file: String,
    pub(crate) line: u64,
    pub(crate) problem: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.problem)
    }
}

/// How many events each file gave and which lines were bad.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct StreamReport {
    pub(crate) events: u64,
    pub(crate) bad_lines: Vec<BadLine>,
    pub(crate) bad_line_count: u64,
}

/// The most bad lines kept for the report; the rest are counted.
const MAX_BAD_LINES_KEPT: usize = 1000;

impl StreamReport {
    fn bad(&mut self, file: &str, line: u64, problem: impl Into<String>) {
        self.bad_line_count += 1;
        if self.bad_lines.len() < MAX_BAD_LINES_KEPT {
            self.bad_lines.push(BadLine { file: file.to_owned(), line, problem: problem.into() });
        }
    }
}

/// Streams the events of `path` into `builder`, by the engine's reader
/// ([`teichaku::metrics::stream_events`]), the format chosen by the file's extension.
pub(crate) fn stream_file(
    path: &Path,
    builder: &mut EventStoreBuilder,
    report: &mut StreamReport,
) -> Result<(), Failure> {
    let name = path.display().to_string();
    let Some(format) = path.extension().and_then(|e| e.to_str()).and_then(EventFormat::from_extension) else {
        return Err(Failure::input(format!("{name}: usage event files end in .csv, .jsonl or .ndjson")));
    };
    #[expect(clippy::disallowed_methods, reason = "the command line streams the event files it is given")]
    let file = File::open(path).map_err(|e| Failure::input(format!("{name}: cannot read: {e}")))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    let stored = stream_events(reader, format, builder, |bad| report.bad(&name, bad.line, bad.error.to_string()))
        .map_err(|e| Failure::input(format!("{name}: {e}")))?;
    report.events += stored;
    Ok(())
}
