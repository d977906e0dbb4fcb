//! Usage events streamed from CSV or JSON Lines text into an [`EventStoreBuilder`], row by row,
//! so a ten-million-event export never becomes one giant document.
//!
//! CSV text needs a header naming the columns `member` (a member's uuid, key or e-mail
//! address) and `at`, and optionally `minutes`,
//! `task`, `tool` and `saved_minutes`, in any order; any other column is an error. JSON Lines
//! text holds one usage event object per line, as in a document; blank lines are skipped. A
//! leading UTF-8 byte-order mark is accepted in both.
//!
//! A row that cannot be read or stored is a [`BadLine`], handed to the caller with its line
//! number, and the stream goes on: the caller decides whether bad lines are fatal. What stops the
//! stream is a [`StreamError`]: an unusable CSV header, or the reader failing. The reader is the
//! caller's: this module opens nothing.
//!
//! A CSV record is one line: no column's value can hold a line break, so a quote left open is an
//! error of its own line ([`LineError::UnterminatedQuote`]) and never swallows the lines after
//! it. Every line after the CSV header is stored, handed over as a [`BadLine`], or blank:
//! stored + bad + blank = lines read.
//!
//! Memory is bounded by [`MAX_LINE_BYTES`] in both formats: a longer line is a bad line, read
//! through and dropped without being held, and the stream goes on with the next line. CSV is
//! split into fields by `csv-core` in buffers of that size.

use std::fmt;
use std::io::BufRead;

use teichaku_model::{MemberId, TaskCategory, Timestamp, ToolId, UsageEvent};

use crate::store::{EventError, EventStoreBuilder};

/// The longest line read, in bytes, in either format (a usage event takes about 150). A longer
/// line is a [`LineError::TooLong`] and the rest of it is skipped, not held in memory; a longer
/// CSV header is a [`StreamError::UnreadableHeader`].
///
/// ```
/// use teichaku_metrics::{EventFormat, EventStoreBuilder, LineError, MAX_LINE_BYTES, stream_events};
/// let mut builder = EventStoreBuilder::with_members(Default::default(), 0, teichaku_model::UtcOffset::UTC);
/// let line = format!("{{\"member\": \"{}\"}}\n", "x".repeat(MAX_LINE_BYTES));
/// let mut bad = Vec::new();
/// stream_events(line.as_bytes(), EventFormat::JsonLines, &mut builder, |b| bad.push(b.error))?;
/// assert_eq!(bad, [LineError::TooLong { limit: MAX_LINE_BYTES }]);
/// # Ok::<(), teichaku_metrics::StreamError>(())
/// ```
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The columns a CSV header may name, in the order documentation lists them.
///
/// ```
/// assert_eq!(teichaku_metrics::CSV_COLUMNS[..2], ["member", "at"]);
/// ```
pub const CSV_COLUMNS: [&str; 6] = ["member", "at", "minutes", "task", "tool", "saved_minutes"];

/// How usage event text is laid out.
///
/// ```
/// use teichaku_metrics::EventFormat;
/// assert_eq!(EventFormat::from_extension("csv"), Some(EventFormat::Csv));
/// assert_eq!(EventFormat::from_extension("ndjson"), Some(EventFormat::JsonLines));
/// assert_eq!(EventFormat::from_extension("json"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON usage event object per line.
    JsonLines,
}

impl EventFormat {
    /// The format a file extension (without its dot) names: `csv`, or `jsonl` and `ndjson`.
    ///
    /// ```
    /// use teichaku_metrics::EventFormat;
    /// assert_eq!(EventFormat::from_extension("jsonl"), Some(EventFormat::JsonLines));
    /// ```
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::JsonLines),
            _ => None,
        }
    }
}

/// One row that could not be read or stored, by its line number (from 1; for CSV, the line the
/// record starts on).
///
/// ```
/// use teichaku_metrics::{BadLine, LineError};
/// let bad = BadLine { line: 4, error: LineError::MissingTimestamp };
/// assert_eq!(bad.to_string(), "line 4: no timestamp");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BadLine {
    /// The line number, from 1.
    pub line: u64,
    /// What is wrong with it.
    pub error: LineError,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// Why one row was not stored.
///
/// ```
/// use teichaku_metrics::LineError;
/// let e = LineError::NotANumber { column: "minutes", text: "ten".into() };
/// assert_eq!(e.to_string(), "minutes: not a number: \"ten\"");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// A CSV line opens a quote it never closes. A record is one line (no column's value holds a
    /// line break), so only this line is lost: the next line is read afresh.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::UnterminatedQuote.to_string(), "unreadable CSV: a quote is opened and not closed on this line");
    /// ```
    #[error("unreadable CSV: a quote is opened and not closed on this line")]
    UnterminatedQuote,
    /// A CSV line has another number of fields than the header has columns.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::FieldCount { expected: 3, found: 2 };
    /// assert_eq!(e.to_string(), "unreadable CSV: 2 fields, the header has 3 columns");
    /// ```
    #[error("unreadable CSV: {found} fields, the header has {expected} columns")]
    FieldCount {
        /// The header's column count.
        expected: usize,
        /// The fields found.
        found: usize,
    },
    /// The JSON line is not a usage event (syntax, an unknown field, a wrong type).
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::Json("EOF while parsing".into()).to_string(), "EOF while parsing");
    /// ```
    #[error("{0}")]
    Json(String),
    /// The line is not UTF-8.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::NotUtf8.to_string(), "unreadable line: not UTF-8");
    /// ```
    #[error("unreadable line: not UTF-8")]
    NotUtf8,
    /// The line is longer than [`MAX_LINE_BYTES`].
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::TooLong { limit: 65_536 };
    /// assert_eq!(e.to_string(), "the line is longer than 65536 bytes");
    /// ```
    #[error("the line is longer than {limit} bytes")]
    TooLong {
        /// [`MAX_LINE_BYTES`].
        limit: usize,
    },
    /// The CSV row leaves `member` empty.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::MissingMember.to_string(), "no member");
    /// ```
    #[error("no member")]
    MissingMember,
    /// The CSV row's `member` cannot be a member's uuid or key (it is too long).
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::Member("a key is at most 256 bytes, this one has 300".into());
    /// assert_eq!(e.to_string(), "member: a key is at most 256 bytes, this one has 300");
    /// ```
    #[error("member: {0}")]
    Member(String),
    /// The CSV row's `member` is neither a uuid nor a key (employee number, e-mail address) of
    /// a member of the organisation.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::UnknownMemberKey { text: "E999".into() };
    /// assert_eq!(e.to_string(), "`member`: `E999` is not a member key of this organisation nor a uuid");
    /// ```
    #[error("`member`: `{text}` is not a member key of this organisation nor a uuid")]
    UnknownMemberKey {
        /// The text found (its first 64 characters).
        text: String,
    },
    /// The CSV row leaves `at` empty.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::MissingTimestamp.to_string(), "no timestamp");
    /// ```
    #[error("no timestamp")]
    MissingTimestamp,
    /// A CSV number column holds something else.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::NotANumber { column: "saved_minutes", text: "-".into() };
    /// assert_eq!(e.to_string(), "saved_minutes: not a number: \"-\"");
    /// ```
    #[error("{column}: not a number: {text:?}")]
    NotANumber {
        /// `minutes` or `saved_minutes`.
        column: &'static str,
        /// The text found.
        text: String,
    },
    /// A CSV `task` or `tool` is not a slug.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::Slug { column: "task", problem: "is empty".into() };
    /// assert_eq!(e.to_string(), "task: is empty");
    /// ```
    #[error("{column}: {problem}")]
    Slug {
        /// `task` or `tool`.
        column: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The event was read but the builder refused it (an unknown member, an unreadable
    /// timestamp, minutes out of range).
    ///
    /// ```
    /// use teichaku_metrics::{EventError, LineError};
    /// let e = LineError::Event(EventError::BadMinutes { field: "minutes", value: -1.0 });
    /// assert_eq!(e.to_string(), "`minutes` = -1 must be a finite number from 0 to 43200");
    /// ```
    #[error(transparent)]
    Event(#[from] EventError),
}

/// Why a stream stopped.
///
/// ```
/// use teichaku_metrics::StreamError;
/// let e = StreamError::UnknownColumn { column: "colour".into() };
/// assert_eq!(e.to_string(), "line 1: unknown column `colour`: expected member, at, minutes, task, tool, saved_minutes");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StreamError {
    /// The CSV header cannot be read.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// let e = StreamError::UnreadableHeader("invalid UTF-8".into());
    /// assert_eq!(e.to_string(), "line 1: unreadable header: invalid UTF-8");
    /// ```
    #[error("line 1: unreadable header: {0}")]
    UnreadableHeader(String),
    /// The CSV header lacks `member` or `at`.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// assert_eq!(StreamError::MissingColumns.to_string(), "line 1: the header must name the columns `member` and `at`");
    /// ```
    #[error("line 1: the header must name the columns `member` and `at`")]
    MissingColumns,
    /// The CSV header names a column not in [`CSV_COLUMNS`].
    ///
    /// ```
    /// use teichaku_metrics::{EventFormat, EventStoreBuilder, StreamError, stream_events};
    /// let mut builder = EventStoreBuilder::with_members(Default::default(), 0, teichaku_model::UtcOffset::UTC);
    /// let csv = "member,at,colour\n";
    /// let e = stream_events(csv.as_bytes(), EventFormat::Csv, &mut builder, |_| {});
    /// assert_eq!(e, Err(StreamError::UnknownColumn { column: "colour".into() }));
    /// ```
    #[error("line 1: unknown column `{column}`: expected member, at, minutes, task, tool, saved_minutes")]
    UnknownColumn {
        /// The column, trimmed.
        column: String,
    },
    /// The CSV header names a column twice: which of the two holds the value is not knowable.
    ///
    /// ```
    /// use teichaku_metrics::{EventFormat, EventStoreBuilder, StreamError, stream_events};
    /// let mut builder = EventStoreBuilder::with_members(Default::default(), 0, teichaku_model::UtcOffset::UTC);
    /// let e = stream_events("member,at,minutes, minutes\n".as_bytes(), EventFormat::Csv, &mut builder, |_| {});
    /// assert_eq!(e, Err(StreamError::RepeatedColumn { column: "minutes".into() }));
    /// assert_eq!(e.unwrap_err().to_string(), "line 1: the header names the column `minutes` twice");
    /// ```
    #[error("line 1: the header names the column `{column}` twice")]
    RepeatedColumn {
        /// The column, trimmed.
        column: String,
    },
    /// The reader failed; the stream cannot go on.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// let e = StreamError::Read { line: 9, problem: "device gone".into() };
    /// assert_eq!(e.to_string(), "line 9: cannot read: device gone");
    /// ```
    #[error("line {line}: cannot read: {problem}")]
    Read {
        /// The line being read.
        line: u64,
        /// The reader's error.
        problem: String,
    },
}

/// Streams usage events from `reader` into `builder`, handing each row that cannot be stored to
/// `on_bad_line`; returns how many events were stored.
///
/// # Errors
///
/// [`StreamError`] when a CSV header is unusable or the reader fails. The events stored before
/// stay in the builder.
///
/// ```
/// use teichaku_metrics::{EventFormat, EventStoreBuilder, LineError, stream_events};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let member = MemberId::from_u128(7);
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let csv = "member,at,minutes\n\
///            00000000-0000-0000-0000-000000000007,2026-08-03T09:00:00Z,12\n\
///            00000000-0000-0000-0000-000000000007,yesterday,3\n";
/// let mut bad = Vec::new();
/// let stored = stream_events(csv.as_bytes(), EventFormat::Csv, &mut builder, |line| bad.push(line))?;
/// assert_eq!(stored, 1);
/// assert_eq!(bad.len(), 1);
/// assert_eq!(bad[0].line, 3);
/// assert!(matches!(bad[0].error, LineError::Event(_)));
/// assert_eq!(builder.finish()?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_events(
    reader: impl BufRead,
    format: EventFormat,
    builder: &mut EventStoreBuilder,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    match format {
        EventFormat::Csv => stream_csv(reader, builder, on_bad_line),
        EventFormat::JsonLines => stream_jsonl(reader, builder, on_bad_line),
    }
}

fn header_name(h: &str) -> &str {
    h.trim_start_matches('\u{feff}').trim()
}

/// Where each known column sits in the header.
struct Columns {
    count: usize,
    member: usize,
    at: usize,
    minutes: Option<usize>,
    task: Option<usize>,
    tool: Option<usize>,
    saved: Option<usize>,
}

impl Columns {
    fn of(headers: &[&str]) -> Result<Self, StreamError> {
        let names: Vec<&str> = headers.iter().map(|h| header_name(h)).collect();
        let column = |wanted: &str| names.iter().position(|h| *h == wanted);
        let (Some(member), Some(at)) = (column("member"), column("at")) else {
            return Err(StreamError::MissingColumns);
        };
        if let Some(unknown) = names.iter().find(|h| !CSV_COLUMNS.contains(h)) {
            return Err(StreamError::UnknownColumn { column: (*unknown).to_owned() });
        }
        for (i, name) in names.iter().enumerate() {
            if names.get(..i).is_some_and(|before| before.contains(name)) {
                return Err(StreamError::RepeatedColumn { column: (*name).to_owned() });
            }
        }
        Ok(Self {
            count: names.len(),
            member,
            at,
            minutes: column("minutes"),
            task: column("task"),
            tool: column("tool"),
            saved: column("saved_minutes"),
        })
    }

    /// Stores one record's event.
    fn push(&self, record: &[&str], builder: &mut EventStoreBuilder) -> Result<(), LineError> {
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).map(|s| s.trim()).filter(|s| !s.is_empty());
        let number = |col, column| {
            field(col)
                .map(|s| {
                    s.parse::<f64>().map_err(|_| LineError::NotANumber { column, text: s.chars().take(64).collect() })
                })
                .transpose()
        };
        let text = field(Some(self.member)).ok_or(LineError::MissingMember)?;
        let member = MemberId::from_ref(text).map_err(|e| LineError::Member(e.to_string()))?;
        let index = match builder.member_number(&member) {
            Ok(index) => index,
            Err(_) if text.parse::<MemberId>().is_err() => {
                return Err(LineError::UnknownMemberKey { text: text.chars().take(64).collect() });
            }
            Err(e) => return Err(e.into()),
        };
        let at = Timestamp::from(field(Some(self.at)).ok_or(LineError::MissingTimestamp)?);
        let minutes = number(self.minutes, "minutes")?.unwrap_or(0.0);
        let saved = number(self.saved, "saved_minutes")?;
        let slug = |column| move |e: teichaku_model::SlugError| LineError::Slug { column, problem: e.to_string() };
        let task = field(self.task).map(TaskCategory::new).transpose().map_err(slug("task"))?;
        let tool = field(self.tool).map(ToolId::new).transpose().map_err(slug("tool"))?;
        builder.push_parts(index, &at, minutes, saved, task.as_ref(), tool.as_ref())?;
        Ok(())
    }
}

/// Splits CSV lines into fields with `csv-core`, one line at a time, in buffers that never grow
/// past [`MAX_LINE_BYTES`] (the line itself is read by [`read_line`], which holds no more).
///
/// A record is one line: no column's value can hold a line break, so a quote left open at the
/// end of a line is an error of that line alone, and the next line starts a new record.
struct Splitter {
    reader: csv_core::Reader,
    /// The unquoted bytes of the fields.
    output: Vec<u8>,
    /// Where each field ends in `output`.
    ends: Vec<usize>,
    /// The line with its `\n` put back, which is what ends a record for `csv-core`.
    input: Vec<u8>,
}

impl Splitter {
    fn new() -> Self {
        Self {
            reader: csv_core::ReaderBuilder::new().terminator(csv_core::Terminator::Any(b'\n')).build(),
            output: vec![0; MAX_LINE_BYTES + 1],
            ends: Vec::new(),
            input: Vec::with_capacity(MAX_LINE_BYTES + 1),
        }
    }

    /// The fields of `line` (at most [`MAX_LINE_BYTES`], without its line end), up to `max`
    /// fields: more is [`LineError::FieldCount`] with the number found, as is fewer than `min`.
    fn split(&mut self, line: &[u8], min: usize, max: usize) -> Result<Vec<&str>, LineError> {
        self.input.clear();
        self.input.extend_from_slice(line);
        self.input.push(b'\n');
        self.ends.clear();
        self.ends.resize(max, 0);
        let (mut read, mut written, mut fields, mut extra) = (0, 0, 0, 0);
        let record = loop {
            let (Some(input), Some(output), Some(ends)) =
                (self.input.get(read..), self.output.get_mut(written..), self.ends.get_mut(fields..))
            else {
                break false;
            };
            let (result, r, w, e) = self.reader.read_record(input, output, ends);
            read += r;
            written += w;
            fields += e;
            match result {
                csv_core::ReadRecordResult::Record => break true,
                csv_core::ReadRecordResult::OutputEndsFull => {
                    // More fields than wanted: count the rest without keeping them.
                    extra += fields;
                    fields = 0;
                    written = 0;
                }
                // The output holds the whole line, so it cannot fill; and `End` needs no input.
                csv_core::ReadRecordResult::OutputFull | csv_core::ReadRecordResult::End => break false,
                csv_core::ReadRecordResult::InputEmpty if read >= self.input.len() => break false,
                csv_core::ReadRecordResult::InputEmpty => {}
            }
        };
        if !record {
            // The `\n` was taken into a quoted field: the quote is never closed.
            self.reader.reset();
            return Err(LineError::UnterminatedQuote);
        }
        if extra > 0 || fields < min {
            return Err(LineError::FieldCount { expected: min, found: extra + fields });
        }
        let output = self.output.get(..written).unwrap_or_default();
        let mut start = 0;
        let mut texts = Vec::with_capacity(fields);
        for &end in self.ends.get(..fields).unwrap_or_default() {
            let field = output.get(start..end).unwrap_or_default();
            texts.push(std::str::from_utf8(field).map_err(|_| LineError::NotUtf8)?);
            start = end;
        }
        Ok(texts)
    }
}

/// Whether a line holds nothing but blanks: it is skipped, in both formats.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn stream_csv(
    mut reader: impl BufRead,
    builder: &mut EventStoreBuilder,
    mut on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let mut buffer = Vec::new();
    let mut splitter = Splitter::new();
    let mut line = 0u64;
    // The header: the first line that is not blank.
    let columns = loop {
        line += 1;
        buffer.clear();
        match read_line(&mut reader, &mut buffer).map_err(|e| StreamError::Read { line, problem: e.to_string() })? {
            Line::End => return Err(StreamError::MissingColumns),
            Line::TooLong => {
                return Err(StreamError::UnreadableHeader(format!("longer than {MAX_LINE_BYTES} bytes")));
            }
            Line::Read if is_blank(&buffer) => {}
            Line::Read => {
                let names = splitter
                    .split(&buffer, 1, MAX_LINE_BYTES + 1)
                    .map_err(|e| StreamError::UnreadableHeader(e.to_string()))?;
                break Columns::of(&names)?;
            }
        }
    };
    let mut stored = 0;
    loop {
        line += 1;
        buffer.clear();
        let read =
            read_line(&mut reader, &mut buffer).map_err(|e| StreamError::Read { line, problem: e.to_string() })?;
        let outcome = match read {
            Line::End => break,
            Line::TooLong => Err(LineError::TooLong { limit: MAX_LINE_BYTES }),
            Line::Read if is_blank(&buffer) => continue,
            Line::Read => match splitter.split(&buffer, columns.count, columns.count) {
                Ok(fields) => columns.push(&fields, builder),
                Err(e) => Err(e),
            },
        };
        match outcome {
            Ok(()) => stored += 1,
            Err(error) => on_bad_line(BadLine { line, error }),
        }
    }
    Ok(stored)
}

fn stream_jsonl(
    mut reader: impl BufRead,
    builder: &mut EventStoreBuilder,
    mut on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let mut buffer = Vec::new();
    let mut stored = 0;
    let mut line = 0u64;
    loop {
        line += 1;
        buffer.clear();
        let read =
            read_line(&mut reader, &mut buffer).map_err(|e| StreamError::Read { line, problem: e.to_string() })?;
        let outcome = match read {
            Line::End => break,
            Line::TooLong => Err(LineError::TooLong { limit: MAX_LINE_BYTES }),
            Line::Read => match std::str::from_utf8(&buffer) {
                Err(_) => Err(LineError::NotUtf8),
                Ok(text) => {
                    let text = if line == 1 { text.trim_start_matches('\u{feff}') } else { text };
                    if text.trim().is_empty() {
                        continue;
                    }
                    push_json(text, builder)
                }
            },
        };
        match outcome {
            Ok(()) => stored += 1,
            Err(error) => on_bad_line(BadLine { line, error }),
        }
    }
    Ok(stored)
}

fn push_json(text: &str, builder: &mut EventStoreBuilder) -> Result<(), LineError> {
    let event = serde_json::from_str::<UsageEvent>(text).map_err(|e| LineError::Json(e.to_string()))?;
    builder.push(&event)?;
    Ok(())
}

/// What [`read_line`] found.
enum Line {
    /// A line, without its end, is in the buffer.
    Read,
    /// A line longer than [`MAX_LINE_BYTES`] was skipped to its end.
    TooLong,
    /// The text has ended.
    End,
}

/// Reads one line into `buffer` (without `\n` or `\r\n`), holding at most [`MAX_LINE_BYTES`] of
/// it: the rest of a longer line is read through and dropped.
fn read_line(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Line> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, used, ended) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (available.get(..end).unwrap_or_default(), end + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long {
            if buffer.len() + chunk.len() > MAX_LINE_BYTES {
                too_long = true;
                buffer.clear();
            } else {
                buffer.extend_from_slice(chunk);
            }
        }
        reader.consume(used);
        if ended {
            break;
        }
    }
    if buffer.last() == Some(&b'\r') {
        buffer.pop();
    }
    Ok(match (any, too_long) {
        (false, _) => Line::End,
        (true, true) => Line::TooLong,
        (true, false) => Line::Read,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use teichaku_model::UtcOffset;

    fn member(n: u128) -> MemberId {
        MemberId::from_u128(n)
    }

    fn builder() -> EventStoreBuilder {
        EventStoreBuilder::with_members([(member(1), 0), (member(2), 1)].into(), 2, UtcOffset::UTC)
    }

    fn run(text: &[u8], format: EventFormat) -> (Result<u64, StreamError>, Vec<BadLine>, EventStoreBuilder) {
        let mut b = builder();
        let mut bad = Vec::new();
        let result = stream_events(text, format, &mut b, |l| bad.push(l));
        (result, bad, b)
    }

    const M1: &str = "00000000-0000-0000-0000-000000000001";

    #[test]
    fn csv_columns_in_any_order_with_a_byte_order_mark() {
        let text =
            format!("\u{feff}at, minutes ,member,task,tool,saved_minutes\n2026-08-03T09:00:00Z,5,{M1},mail,chat,7\n");
        let (result, bad, b) = run(text.as_bytes(), EventFormat::Csv);
        assert_eq!(result, Ok(1));
        assert!(bad.is_empty());
        assert_eq!(b.finish().unwrap().len(), 1);
    }

    #[test]
    fn csv_header_problems_stop_the_stream() {
        let (result, ..) = run(b"member,at,when\n", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::UnknownColumn { column: "when".into() }));
        let (result, ..) = run(b"member,when\n", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::MissingColumns));
        let (result, ..) = run(b"", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::MissingColumns));
        let (result, ..) = run(b"member,\xff\n", EventFormat::Csv);
        assert!(matches!(result, Err(StreamError::UnreadableHeader(_))), "{result:?}");
        let (result, ..) = run(b"member,at,at\n", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::RepeatedColumn { column: "at".into() }));
        let (result, ..) = run(b"member,at,\"minutes\",minutes \n", EventFormat::Csv);
        assert_eq!(result, Err(StreamError::RepeatedColumn { column: "minutes".into() }));
        let long = format!("member,at,{}\n", "x".repeat(MAX_LINE_BYTES));
        let (result, ..) = run(long.as_bytes(), EventFormat::Csv);
        assert!(matches!(result, Err(StreamError::UnreadableHeader(_))), "{result:?}");
    }

    #[test]
    fn an_unterminated_quote_loses_its_own_line_only() {
        let mut text = String::from("member,at,minutes\n");
        text.push_str(&format!("{M1},\"2026-08-03T09:00:00Z,1\n"));
        for _ in 0..998 {
            text.push_str(&format!("{M1},2026-08-03T09:00:00Z,1\n"));
        }
        text.push_str(&format!("\"{M1}\",\"2026-08-04T09:00:00Z\",\"2\"\n\n{M1},2026-08-04T09:00:00Z,\"3"));
        let (result, bad, _) = run(text.as_bytes(), EventFormat::Csv);
        assert_eq!(result, Ok(999));
        assert_eq!(
            bad,
            [
                BadLine { line: 2, error: LineError::UnterminatedQuote },
                BadLine { line: 1003, error: LineError::UnterminatedQuote }
            ]
        );
    }

    #[test]
    fn too_many_fields_are_counted() {
        let text = format!("member,at\n{M1},2026-08-03T09:00:00Z,{}\n", ",".repeat(40));
        let (result, bad, _) = run(text.as_bytes(), EventFormat::Csv);
        assert_eq!(result, Ok(0));
        assert_eq!(bad, [BadLine { line: 2, error: LineError::FieldCount { expected: 2, found: 43 } }]);
    }

    #[test]
    fn each_bad_csv_row_is_handed_over_with_its_line() {
        let text = format!(
            "member,at,minutes,task\n\
             ,2026-08-03T09:00:00Z,1,\n\
             nobody,2026-08-03T09:00:00Z,1,\n\
             00000000-0000-0000-0000-000000000009,2026-08-03T09:00:00Z,1,\n\
             {M1},,1,\n\
             {M1},2026-08-03T09:00:00Z,ten,\n\
             {M1},2026-08-03T09:00:00Z,1,Not A Slug\n\
             {M1},2026-08-03T09:00:00Z,-1,\n\
             {M1},2026-08-03T09:00:00Z\n\
             {M1},2026-08-03T09:00:00Z,\\xff,\n\
             {M1},2026-08-03T09:00:00Z,1,\n"
        );
        let mut bytes = text.into_bytes();
        // The `\xff` above is text; put a real invalid byte in its place.
        let at = bytes.windows(4).position(|w| w == b"\\xff").unwrap();
        bytes.splice(at..at + 4, [0xff]);
        let (result, bad, _) = run(&bytes, EventFormat::Csv);
        assert_eq!(result, Ok(1));
        let lines: Vec<(u64, String)> = bad.iter().map(|b| (b.line, b.error.to_string())).collect();
        assert_eq!(lines.len(), 9, "{lines:#?}");
        assert_eq!(bad[0].error, LineError::MissingMember);
        assert!(matches!(bad[1].error, LineError::UnknownMemberKey { .. }));
        assert_eq!(bad[2].error, LineError::Event(EventError::UnknownMember(member(9))));
        assert_eq!(bad[3].error, LineError::MissingTimestamp);
        assert_eq!(bad[4].error, LineError::NotANumber { column: "minutes", text: "ten".into() });
        assert!(matches!(bad[5].error, LineError::Slug { column: "task", .. }));
        assert_eq!(bad[6].error, LineError::Event(EventError::BadMinutes { field: "minutes", value: -1.0 }));
        assert_eq!(bad[7].error, LineError::FieldCount { expected: 4, found: 2 });
        assert_eq!(bad[8].error, LineError::NotUtf8);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), (2..=10).collect::<Vec<_>>());
    }

    #[test]
    fn json_lines_skip_blank_lines_and_report_bad_ones() {
        let text = format!(
            "\u{feff}{{\"member\": \"{M1}\", \"at\": \"2026-08-03T09:00:00Z\", \"minutes\": 3}}\r\n\
             \n   \n\
             {{\"member\": \"{M1}\", \"at\": \"2026-08-03T09:00:00Z\", \"colour\": 1}}\n\
             [\n\
             \\xff\n\
             {{\"member\": \"{M1}\", \"at\": \"2026-08-04T09:00:00Z\"}}"
        );
        let mut bytes = text.into_bytes();
        let at = bytes.windows(4).position(|w| w == b"\\xff").unwrap();
        bytes.splice(at..at + 4, [0xff]);
        let (result, bad, _) = run(&bytes, EventFormat::JsonLines);
        assert_eq!(result, Ok(2));
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [4, 5, 6]);
        assert!(bad[0].error.to_string().starts_with("unknown field `colour`"), "{}", bad[0].error);
        assert!(matches!(bad[1].error, LineError::Json(_)));
        assert_eq!(bad[2].error, LineError::NotUtf8);
    }

    #[test]
    fn an_overlong_line_is_skipped_without_being_held() {
        let long = format!("{{\"member\": \"{M1}\", \"at\": \"{}\"}}", "9".repeat(MAX_LINE_BYTES));
        let text = format!("{long}\n{{\"member\": \"{M1}\", \"at\": \"2026-08-03T09:00:00Z\"}}\n");
        // A tiny buffer makes the line arrive in many pieces.
        let reader = std::io::BufReader::with_capacity(7, text.as_bytes());
        let mut b = builder();
        let mut bad = Vec::new();
        assert_eq!(stream_events(reader, EventFormat::JsonLines, &mut b, |l| bad.push(l)), Ok(1));
        assert_eq!(bad, [BadLine { line: 1, error: LineError::TooLong { limit: MAX_LINE_BYTES } }]);

        let csv = format!("member,at,task\n{M1},2026-08-03T09:00:00Z,{}\n", "a".repeat(MAX_LINE_BYTES));
        let (result, bad, _) = run(csv.as_bytes(), EventFormat::Csv);
        assert_eq!(result, Ok(0));
        assert_eq!(bad, [BadLine { line: 2, error: LineError::TooLong { limit: MAX_LINE_BYTES } }]);
    }

    #[test]
    fn a_failing_reader_stops_the_stream_with_the_line() {
        struct Failing(usize);
        impl std::io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let line = format!("{{\"member\": \"{M1}\", \"at\": \"2026-08-03T09:00:00Z\"}}\n");
                if self.0 == 0 {
                    return Err(std::io::Error::other("device gone"));
                }
                self.0 -= 1;
                let n = line.len().min(buf.len());
                buf[..n].copy_from_slice(&line.as_bytes()[..n]);
                Ok(n)
            }
        }
        let mut b = builder();
        let reader = std::io::BufReader::new(Failing(2));
        let result = stream_events(reader, EventFormat::JsonLines, &mut b, |_| {});
        assert_eq!(result, Err(StreamError::Read { line: 3, problem: "device gone".into() }));
        let reader = std::io::BufReader::new(Failing(0));
        let result = stream_events(reader, EventFormat::Csv, &mut b, |_| {});
        assert_eq!(result, Err(StreamError::Read { line: 1, problem: "device gone".into() }));
    }
}
