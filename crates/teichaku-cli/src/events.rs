//! Streaming usage events from CSV and JSON Lines files into the event store, row by row, so a
//! ten-million-event export never becomes one giant document.
//!
//! CSV files need a header naming the columns `member` and `at`, and optionally `minutes`,
//! `task`, `tool` and `saved_minutes`, in any order; a UTF-8 byte-order mark is accepted.
//! JSON Lines files hold one usage event object per line, as in the document; blank lines are
//! skipped. A malformed line is reported with its line number.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use teichaku::metrics::{EventError, EventStoreBuilder};
use teichaku::model::{MemberId, TaskCategory, Timestamp, ToolId, UsageEvent};

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

/// Streams the events of `path` into `builder`.
pub(crate) fn stream_file(
    path: &Path,
    members: &BTreeMap<MemberId, u32>,
    builder: &mut EventStoreBuilder,
    report: &mut StreamReport,
) -> Result<(), Failure> {
    let name = path.display().to_string();
    #[expect(clippy::disallowed_methods, reason = "the command line streams the event files it is given")]
    let file = File::open(path).map_err(|e| Failure::input(format!("{name}: cannot read: {e}")))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => stream_csv(reader, &name, members, builder, report),
        Some("jsonl" | "ndjson") => stream_jsonl(reader, &name, members, builder, report),
        _ => Err(Failure::input(format!("{name}: usage event files end in .csv, .jsonl or .ndjson"))),
    }
}

fn stream_csv(
    reader: impl Read,
    name: &str,
    members: &BTreeMap<MemberId, u32>,
    builder: &mut EventStoreBuilder,
    report: &mut StreamReport,
) -> Result<(), Failure> {
    let mut csv = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(reader);
    let headers = csv.headers().map_err(|e| Failure::input(format!("{name}:1: unreadable header: {e}")))?.clone();
    let column = |wanted: &str| headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == wanted);
    let (Some(member_col), Some(at_col)) = (column("member"), column("at")) else {
        return Err(Failure::input(format!("{name}:1: the header must name the columns `member` and `at`")));
    };
    let known = ["member", "at", "minutes", "task", "tool", "saved_minutes"];
    if let Some(unknown) = headers.iter().map(|h| h.trim_start_matches('\u{feff}').trim()).find(|h| !known.contains(h))
    {
        return Err(Failure::input(format!(
            "{name}:1: unknown column `{unknown}`: expected member, at, minutes, task, tool, saved_minutes"
        )));
    }
    let (minutes_col, task_col, tool_col, saved_col) =
        (column("minutes"), column("task"), column("tool"), column("saved_minutes"));
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                report.bad(name, line, format!("unreadable CSV: {e}"));
                continue;
            }
        }
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
        let row = (|| -> Result<(), String> {
            let member: MemberId =
                field(Some(member_col)).ok_or("no member")?.parse().map_err(|e| format!("member: {e}"))?;
            let index = *members.get(&member).ok_or_else(|| EventError::UnknownMember(member).to_string())?;
            let at = Timestamp::from(field(Some(at_col)).ok_or("no timestamp")?);
            let number = |col, what: &str| -> Result<Option<f64>, String> {
                field(col).map(|s| s.parse::<f64>().map_err(|_| format!("{what}: not a number: {s:?}"))).transpose()
            };
            let minutes = number(minutes_col, "minutes")?.unwrap_or(0.0);
            let saved = number(saved_col, "saved_minutes")?;
            let task = field(task_col).map(TaskCategory::new).transpose().map_err(|e| format!("task: {e}"))?;
            let tool = field(tool_col).map(ToolId::new).transpose().map_err(|e| format!("tool: {e}"))?;
            builder.push_parts(index, &at, minutes, saved, task.as_ref(), tool.as_ref()).map_err(|e| e.to_string())
        })();
        match row {
            Ok(()) => report.events += 1,
            Err(problem) => report.bad(name, line, problem),
        }
    }
    Ok(())
}

fn stream_jsonl(
    reader: impl BufRead,
    name: &str,
    members: &BTreeMap<MemberId, u32>,
    builder: &mut EventStoreBuilder,
    report: &mut StreamReport,
) -> Result<(), Failure> {
    for (i, line) in reader.lines().enumerate() {
        let number = i as u64 + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                report.bad(name, number, format!("unreadable line: {e}"));
                continue;
            }
        };
        let text = if i == 0 { line.trim_start_matches('\u{feff}') } else { line.as_str() };
        if text.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str::<UsageEvent>(text).map_err(|e| e.to_string()).and_then(|event| {
            let index =
                *members.get(&event.member).ok_or_else(|| EventError::UnknownMember(event.member).to_string())?;
            builder
                .push_parts(
                    index,
                    &event.at,
                    event.minutes,
                    event.saved_minutes,
                    event.task.as_ref(),
                    event.tool.as_ref(),
                )
                .map_err(|e| e.to_string())
        });
        match row {
            Ok(()) => report.events += 1,
            Err(problem) => report.bad(name, number, problem),
        }
    }
    Ok(())
}
