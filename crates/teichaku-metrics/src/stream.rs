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

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use teichaku_model::{MemberId, TaskCategory, Timestamp, ToolId, UsageEvent};

use crate::fast;
use crate::lookup::{KeyedMembers, KindCache, MemberTable, MemberText};
use crate::store::{EventError, EventStoreBuilder, NO_SAVED, Row};

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
    /// A day or period record's CSV row leaves a required column empty.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// assert_eq!(LineError::MissingField { column: "date" }.to_string(), "no date");
    /// ```
    #[error("no {column}")]
    MissingField {
        /// The column.
        column: &'static str,
    },
    /// A day or period record's CSV date is not `YYYY-MM-DD`.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::BadDate { column: "date", problem: "not a day".into() };
    /// assert_eq!(e.to_string(), "date: not a day");
    /// ```
    #[error("{column}: {problem}")]
    BadDate {
        /// The column.
        column: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A day or period record's CSV count is not a whole number from 0.
    ///
    /// ```
    /// use teichaku_metrics::LineError;
    /// let e = LineError::NotACount { column: "count", text: "2.5".into() };
    /// assert_eq!(e.to_string(), "count: not a whole number from 0: \"2.5\"");
    /// ```
    #[error("{column}: not a whole number from 0: {text:?}")]
    NotACount {
        /// The column.
        column: &'static str,
        /// The text found.
        text: String,
    },
    /// A day or period record was read but the builder refused it, naming the member by the
    /// text the row gives (its key, e-mail address or uuid).
    ///
    /// ```
    /// use teichaku_metrics::{EventError, LineError};
    /// let e = LineError::Record { member: "E001".into(), error: EventError::ZeroCount };
    /// assert!(e.to_string().starts_with("member `E001`: `count` = 0"));
    /// ```
    #[error("member `{member}`: {error}")]
    Record {
        /// The member as the row names it (its first 64 characters).
        member: String,
        /// What the builder refused.
        error: EventError,
    },
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
    /// The CSV header of day or period records lacks a required column, or names one they do
    /// not have.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// let e = StreamError::RecordColumns { problem: "no column `date`".into(), expected: "member, date".into() };
    /// assert_eq!(e.to_string(), "line 1: no column `date`: expected member, date");
    /// ```
    #[error("line 1: {problem}: expected {expected}")]
    RecordColumns {
        /// What is wrong.
        problem: String,
        /// The columns the records may have, required first.
        expected: String,
    },
    /// Arrow record batches (a Parquet file, a data frame) lack a required column, or name one
    /// the rows do not have, or one twice.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// let e = StreamError::BatchColumns { problem: "no column `at`".into(), expected: "member, at".into() };
    /// assert_eq!(e.to_string(), "no column `at`: expected member, at");
    /// ```
    #[error("{problem}: expected {expected}")]
    BatchColumns {
        /// What is wrong.
        problem: String,
        /// The columns the rows may have, required first.
        expected: String,
    },
    /// A column of Arrow record batches holds values of a type it cannot hold.
    ///
    /// ```
    /// use teichaku_metrics::StreamError;
    /// let e = StreamError::ColumnType { column: "minutes".into(), found: "Boolean".into(), expected: "numbers" };
    /// assert_eq!(e.to_string(), "column `minutes` holds Boolean values: expected numbers");
    /// ```
    #[error("column `{column}` holds {found} values: expected {expected}")]
    ColumnType {
        /// The column.
        column: String,
        /// The Arrow type found.
        found: String,
        /// What the column may hold.
        expected: &'static str,
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
    stream_events_with(reader, format, builder, &StreamOptions::default(), on_bad_line)
}

/// How [`stream_events_with`] reads: on how many threads, in blocks of how many bytes.
///
/// ```
/// let options = teichaku_metrics::StreamOptions { threads: 2, ..Default::default() };
/// assert_eq!(options.block_bytes, 4 << 20);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamOptions {
    /// Threads that parse blocks (at most 256) while the caller's thread reads the next. The
    /// store built and the bad lines handed over, in order and numbered, are the same whatever
    /// the count.
    pub threads: usize,
    /// The bytes read into a block (at least 1): the reader holds at most `2 × threads + 1`
    /// blocks at once (one being parsed by each thread, one read ahead, and the parsed ones not
    /// yet taken back), plus at most one line of [`MAX_LINE_BYTES`]. A text's first blocks are smaller (64 KiB, doubled
    /// after each until they reach this), so a short text allocates what it needs.
    pub block_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self { threads: 1, block_bytes: 4 << 20 }
    }
}

/// [`stream_events`] on `options.threads` threads: the text is read in blocks of whole lines,
/// each parsed into a partial builder of its own thread, and the partials are merged into
/// `builder`. Everything [`stream_events`] promises holds: every bad line handed over with its
/// exact number, in order; the events stored, and so the store built, the same for any thread
/// count and block size.
///
/// Lines in the plain forms (no quote, canonical member uuids, RFC 3339 timestamps with `Z` or an
/// offset, plain minutes) are read on a fast path; any other line is read by the general CSV
/// (`csv-core`) or JSON (`serde_json`) path, which reads it, or says what is wrong, as
/// [`stream_events`] always has.
///
/// # Errors
///
/// As [`stream_events`].
///
/// ```
/// use teichaku_metrics::{EventFormat, EventStoreBuilder, StreamOptions, stream_events_with};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let member = MemberId::from_u128(7);
/// let mut csv = String::from("member,at,minutes\n");
/// for day in 1..=28 {
///     csv.push_str(&format!("{member},2026-08-{day:02}T09:00:00Z,12\n"));
/// }
/// csv.push_str(&format!("{member},someday,3\n"));
/// let options = StreamOptions { threads: 2, block_bytes: 256 };
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let mut bad = Vec::new();
/// let stored = stream_events_with(csv.as_bytes(), EventFormat::Csv, &mut builder, &options, |line| bad.push(line.line))?;
/// assert_eq!((stored, bad), (28, vec![30]));
/// # Ok::<(), teichaku_metrics::StreamError>(())
/// ```
pub fn stream_events_with(
    reader: impl BufRead,
    format: EventFormat,
    builder: &mut EventStoreBuilder,
    options: &StreamOptions,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    match format {
        EventFormat::Csv => stream_csv(reader, builder, options, on_bad_line),
        EventFormat::JsonLines => stream_jsonl(reader, builder, options, on_bad_line),
    }
}

pub(crate) fn header_name(h: &str) -> &str {
    h.trim_start_matches('\u{feff}').trim()
}

/// Where each known column sits in the header.
pub(crate) struct Columns {
    count: usize,
    member: usize,
    at: usize,
    minutes: Option<usize>,
    task: Option<usize>,
    tool: Option<usize>,
    saved: Option<usize>,
    /// The width each column's field has in its usual plain form, by position: a canonical uuid
    /// member (36 bytes) and a timestamp to the second in UTC (`2026-08-20T13:09:00Z`, 20
    /// bytes); 0 for the others, whose end [`split_plain`] searches for.
    widths: [usize; CSV_COLUMNS.len()],
}

/// The width of a canonical uuid's text.
const UUID_WIDTH: usize = 36;

/// The width of an RFC 3339 timestamp to the second ending in `Z`.
const UTC_SECONDS_WIDTH: usize = 20;

impl Columns {
    pub(crate) fn of(headers: &[&str]) -> Result<Self, StreamError> {
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
        let mut widths = [0; CSV_COLUMNS.len()];
        for (column, width) in [(member, UUID_WIDTH), (at, UTC_SECONDS_WIDTH)] {
            if let Some(w) = widths.get_mut(column) {
                *w = width;
            }
        }
        Ok(Self {
            count: names.len(),
            member,
            at,
            widths,
            minutes: column("minutes"),
            task: column("task"),
            tool: column("tool"),
            saved: column("saved_minutes"),
        })
    }

    /// Stores one record's event.
    pub(crate) fn push(&self, record: &[&str], builder: &mut EventStoreBuilder) -> Result<(), LineError> {
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
pub(crate) struct Splitter {
    reader: csv_core::Reader,
    /// The unquoted bytes of the fields.
    output: Vec<u8>,
    /// Where each field ends in `output`.
    ends: Vec<usize>,
    /// The line with its `\n` put back, which is what ends a record for `csv-core`.
    input: Vec<u8>,
}

impl Splitter {
    pub(crate) fn new() -> Self {
        Self {
            reader: csv_core::ReaderBuilder::new().terminator(csv_core::Terminator::Any(b'\n')).build(),
            // Taken on the first line split: a text whose lines all take the fast paths never
            // needs them.
            output: Vec::new(),
            ends: Vec::new(),
            input: Vec::new(),
        }
    }

    /// The fields of `line` (at most [`MAX_LINE_BYTES`], without its line end), up to `max`
    /// fields: more is [`LineError::FieldCount`] with the number found, as is fewer than `min`.
    pub(crate) fn split(&mut self, line: &[u8], min: usize, max: usize) -> Result<Vec<&str>, LineError> {
        if self.output.len() <= MAX_LINE_BYTES {
            self.output.resize(MAX_LINE_BYTES + 1, 0);
        }
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

/// Splits a line without quotes (and without its line end) into its fields: pushes where each
/// of the `widths.len()` fields ends (`offset` plus its position in the line) onto `ends`, or
/// returns `false`, leaving `ends` as it was, when the line has another number of fields.
///
/// A field whose column has a usual width (see [`Columns::widths`]) is taken at that width when
/// a comma (or, for the last field, the line's end) follows it there, without reading its bytes;
/// any other field ends at the first comma after its start. The fields taken by width are the
/// member and the timestamp, whose fast parsers accept no comma: if such a field held one, the
/// line's fields would differ from the general split, but its fast parse fails and the line goes
/// to the general path, so a line is never read from fields other than its own.
#[inline]
fn split_plain(line: &[u8], offset: usize, widths: &[usize], ends: &mut Vec<usize>) -> bool {
    let mark = ends.len();
    let last = widths.len().saturating_sub(1);
    let mut start = 0;
    for (column, &width) in widths.iter().enumerate() {
        let at_width = start + width;
        let by_width =
            width > 0 && if column == last { at_width == line.len() } else { line.get(at_width) == Some(&b',') };
        let end = if by_width {
            at_width
        } else {
            let rest = line.get(start..).unwrap_or_default();
            match (rest.iter().position(|&b| b == b','), column == last) {
                (Some(comma), false) => start + comma,
                (None, true) => line.len(),
                _ => {
                    ends.truncate(mark);
                    return false;
                }
            }
        };
        ends.push(offset + end);
        start = end + 1;
    }
    true
}

/// Whether a line holds nothing but blanks: it is skipped, in both formats.
pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Reads the CSV header, then the rest in blocks.
fn stream_csv(
    mut reader: impl BufRead,
    builder: &mut EventStoreBuilder,
    options: &StreamOptions,
    on_bad_line: impl FnMut(BadLine),
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
    let shared = Shared::new(builder, Some(columns));
    stream_blocks(reader, builder, &shared, options, line, on_bad_line)
}

/// Skips a leading byte-order mark, then reads JSON Lines in blocks.
fn stream_jsonl(
    mut reader: impl BufRead,
    builder: &mut EventStoreBuilder,
    options: &StreamOptions,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    loop {
        let start = match reader.fill_buf() {
            Ok(available) => available.starts_with(BOM),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StreamError::Read { line: 1, problem: e.to_string() }),
        };
        if !start {
            break;
        }
        reader.consume(BOM.len());
    }
    let shared = Shared::new(builder, None);
    stream_blocks(reader, builder, &shared, options, 0, on_bad_line)
}

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = "\u{feff}".as_bytes();

/// Reads `reader` in blocks of whole lines on this thread while `options.threads` threads parse
/// them, each block into the partial builder of the thread that takes it, and hands the bad lines
/// over in order, numbered from `lines_before` on. The partial builders are absorbed into
/// `builder` at the end, also when the stream stops.
///
/// This thread reads the next block while the threads parse and hands it to the first that is
/// free, so no thread waits for another to finish its block, and no more than `2 × threads + 1`
/// blocks are held at once (one parsed by each thread, one read ahead, the parsed ones not yet
/// taken back; a queue of blocks read ahead was measured: a few per cent faster and about one
/// block a thread more memory). A block parsed ahead of its turn waits for the
/// ones before it, so lines are numbered as they come in the text.
fn stream_blocks(
    reader: impl BufRead,
    builder: &mut EventStoreBuilder,
    shared: &Shared,
    options: &StreamOptions,
    lines_before: u64,
    on_bad_line: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let threads = options.threads.clamp(1, MAX_THREADS);
    let mut workers: Vec<Worker> = (0..threads).map(|_| Worker::new(builder.partial())).collect();
    let mut blocks = Blocks::new(reader, options.block_bytes.max(1));
    let mut order =
        InOrder { next: 0, early: BTreeMap::new(), line: lines_before, stored: 0, lost: false, on_bad_line };
    let first_text = lines_before == 0;
    // A hand-over, no queue: the next block waits in this thread for a free one.
    let (to_parse, pieces) = std::sync::mpsc::sync_channel::<(usize, Piece)>(0);
    let pieces = std::sync::Mutex::new(pieces);
    let (to_order, parsed) = std::sync::mpsc::channel::<(usize, Option<Parsed>, Piece)>();
    let failure = std::thread::scope(|scope| {
        let handles: Vec<_> = workers
            .iter_mut()
            .map(|worker| {
                let (pieces, to_order) = (&pieces, to_order.clone());
                scope.spawn(move || {
                    // A thread whose parse panicked hands its next pieces back unparsed, so the
                    // reading never waits for it, and the stream ends with an error.
                    let mut failed = false;
                    loop {
                        let next = pieces.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                        let Ok((i, piece)) = next else { break };
                        let result = (!failed)
                            .then(|| {
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    worker.parse(shared, &piece, first_text && i == 0)
                                }))
                                .ok()
                            })
                            .flatten();
                        failed |= result.is_none();
                        if to_order.send((i, result, piece)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(to_order);
        let mut index = 0;
        let failure = loop {
            for done in parsed.try_iter() {
                order.take(done, &mut blocks);
            }
            match blocks.next() {
                Ok(Some(piece)) => {
                    if to_parse.send((index, piece)).is_err() {
                        break None;
                    }
                    index += 1;
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        drop(to_parse);
        for done in parsed {
            order.take(done, &mut blocks);
        }
        for handle in handles {
            // A panic was caught in the thread; joining only waits for it.
            let _ = handle.join();
        }
        failure
    });
    for worker in workers {
        builder.absorb(worker.builder);
    }
    if order.lost {
        return Err(StreamError::Read { line: order.line + 1, problem: "a reading thread stopped".into() });
    }
    match failure {
        Some(e) => Err(StreamError::Read { line: order.line + 1, problem: e.to_string() }),
        None => Ok(order.stored),
    }
}

/// The parsed pieces of a text taken in the text's order: bad lines handed over, numbered, and
/// lines and stored events counted.
struct InOrder<F> {
    /// The index of the next piece in the text.
    next: usize,
    /// Pieces parsed ahead of their turn.
    early: BTreeMap<usize, (Option<Parsed>, Piece)>,
    /// Lines before the next piece.
    line: u64,
    stored: u64,
    /// A piece was not parsed (its thread failed): nothing after it is counted.
    lost: bool,
    on_bad_line: F,
}

impl<F: FnMut(BadLine)> InOrder<F> {
    /// Takes piece `i` (its blocks go back to be read into) and every piece it was holding up.
    fn take<R: BufRead>(&mut self, (i, parsed, piece): (usize, Option<Parsed>, Piece), blocks: &mut Blocks<R>) {
        self.early.insert(i, (parsed, piece));
        while let Some((parsed, piece)) = self.early.remove(&self.next) {
            self.next += 1;
            blocks.recycle(vec![piece]);
            match parsed {
                Some(parsed) if !self.lost => {
                    for (at, error) in parsed.bad {
                        (self.on_bad_line)(BadLine { line: self.line + at, error });
                    }
                    self.line += parsed.lines;
                    self.stored += parsed.stored;
                }
                _ => self.lost = true,
            }
        }
    }
}

/// The most threads a stream is parsed on.
const MAX_THREADS: usize = 256;

/// The first piece of a text is read into a block of this many bytes at most; the next ones
/// double up to [`StreamOptions::block_bytes`].
const FIRST_BLOCK_BYTES: usize = 64 << 10;

/// A stretch of the text: whole lines, or one line too long to hold.
enum Piece {
    /// Lines, each ending in `\n` but perhaps the last one of the text.
    Lines(Vec<u8>),
    /// One line longer than [`MAX_LINE_BYTES`], read through and dropped.
    TooLong,
}

/// What one piece gave.
#[derive(Default)]
struct Parsed {
    /// Lines in the piece.
    lines: u64,
    /// Events stored.
    stored: u64,
    /// The bad lines, by their number within the piece (from 1).
    bad: Vec<(u64, LineError)>,
}

/// Cuts a reader into pieces of about `size` bytes of whole lines, never holding more than
/// `size` plus one line of [`MAX_LINE_BYTES`].
struct Blocks<R> {
    reader: R,
    size: usize,
    /// The size of the next piece: [`FIRST_BLOCK_BYTES`] (or `size` if smaller), doubled after
    /// every piece that filled it, up to `size`, so a short text never allocates a whole block.
    next_size: usize,
    /// The start of a line not yet ended, read with the previous piece.
    carry: Vec<u8>,
    /// The next piece is a too-long line: read through it.
    skipping: bool,
    /// The reader failed: the error, handed over once the lines before it are.
    failed: Option<std::io::Error>,
    /// Blocks parsed, their memory kept for the next ones.
    spare: Vec<Vec<u8>>,
}

impl<R: BufRead> Blocks<R> {
    fn new(reader: R, size: usize) -> Self {
        let next_size = size.min(FIRST_BLOCK_BYTES);
        Self { reader, size, next_size, carry: Vec::new(), skipping: false, failed: None, spare: Vec::new() }
    }

    /// Takes back the blocks of parsed pieces, to read the next ones into.
    fn recycle(&mut self, pieces: Vec<Piece>) {
        for piece in pieces {
            if let Piece::Lines(block) = piece {
                self.spare.push(block);
            }
        }
    }

    /// The next piece, `None` at the end of the text.
    fn next(&mut self) -> std::io::Result<Option<Piece>> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.skipping {
            self.skipping = false;
            self.skip_line()?;
            return Ok(Some(Piece::TooLong));
        }
        // A spare block keeps the length it had, so only bytes it never held are zeroed before
        // it is read into; `filled` says how much of it holds text.
        let mut block = self.spare.pop().unwrap_or_default();
        let mut filled = self.carry.len();
        if block.len() < filled {
            block.resize(filled, 0);
        }
        if let Some(start) = block.get_mut(..filled) {
            start.copy_from_slice(&self.carry);
        }
        self.carry.clear();
        let mut target = self.next_size;
        // Bytes of `block` known to hold no line end.
        let mut searched = 0;
        loop {
            let ended = match self.fill(&mut block, &mut filled, target) {
                Ok(ended) => ended,
                Err(e) => {
                    // The lines read whole go on; the one being read is lost with the reader.
                    let text = block.get(..filled).unwrap_or_default();
                    let whole = memchr::memrchr(b'\n', text).map_or(0, |p| p + 1);
                    block.truncate(whole);
                    if block.is_empty() {
                        return Err(e);
                    }
                    self.failed = Some(e);
                    return Ok(Some(Piece::Lines(block)));
                }
            };
            let text = block.get(..filled).unwrap_or_default();
            match memchr::memrchr(b'\n', text.get(searched..).unwrap_or_default()).map(|p| p + searched) {
                Some(last) => {
                    if !ended {
                        self.next_size = self.next_size.saturating_mul(2).min(self.size);
                    }
                    let rest = text.get(last + 1..).unwrap_or_default();
                    if rest.len() > MAX_LINE_BYTES {
                        self.skipping = true;
                    } else {
                        self.carry.extend_from_slice(rest);
                    }
                    block.truncate(last + 1);
                    return Ok(Some(Piece::Lines(block)));
                }
                None if filled > MAX_LINE_BYTES => {
                    if !ended {
                        self.skip_line()?;
                    }
                    return Ok(Some(Piece::TooLong));
                }
                None if ended => {
                    block.truncate(filled);
                    return Ok((!block.is_empty()).then_some(Piece::Lines(block)));
                }
                None => {
                    // A long line: read on, twice as much each time, so a line costs its length.
                    searched = filled;
                    target = filled + self.next_size.max(filled);
                }
            }
        }
    }

    /// Reads into `block` after its first `filled` bytes until it holds `target` bytes or the
    /// text ends; whether it ended.
    ///
    /// It reads straight into the block, so a buffered reader with nothing buffered hands its
    /// large reads to the file without copying them through its own buffer.
    fn fill(&mut self, block: &mut Vec<u8>, filled: &mut usize, target: usize) -> std::io::Result<bool> {
        if block.len() < target {
            block.resize(target, 0);
        }
        loop {
            let Some(room) = block.get_mut(*filled..target).filter(|room| !room.is_empty()) else {
                return Ok(false);
            };
            match self.reader.read(room) {
                Ok(0) => return Ok(true),
                Ok(n) => *filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads through the end of the current line, holding none of it.
    fn skip_line(&mut self) -> std::io::Result<()> {
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(());
            }
            match memchr::memchr(b'\n', available) {
                Some(end) => {
                    self.reader.consume(end + 1);
                    return Ok(());
                }
                None => {
                    let n = available.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

/// What every thread reads with: the CSV columns (none for JSON Lines), members by uuid, the
/// organisation's offset.
struct Shared {
    columns: Option<Columns>,
    members: MemberTable,
    offset_seconds: i64,
    /// Finds `"member"` in a JSON line, built once rather than a line.
    member_key: memchr::memmem::Finder<'static>,
}

impl Shared {
    fn new(builder: &EventStoreBuilder, columns: Option<Columns>) -> Self {
        let count = builder.member_count();
        let members = MemberTable::new(
            builder.member_ids().filter(|&(_, n)| n < count).map(|(id, n)| (id.as_uuid().as_u128(), n)),
        );
        let member_key = memchr::memmem::Finder::new(b"\"member\"");
        Self { columns, members, offset_seconds: builder.offset_seconds(), member_key }
    }
}

/// One thread's reading state: its partial builder, CSV splitter and task-and-tool cache.
struct Worker {
    builder: EventStoreBuilder,
    splitter: Splitter,
    kinds: KindCache,
    /// Members by the text of their key, for member fields that are not canonical uuids.
    keyed: KeyedMembers,
    /// Where each line of the block ends.
    ends: Vec<usize>,
    /// Each line's member, if its member field is a known canonical uuid, with where the uuid's
    /// text starts in the line.
    members: Vec<Option<(u32, (usize, usize))>>,
    /// Where the fields of each plain line of a CSV block end (its commas and its end).
    seps: Vec<usize>,
    /// The lines of a CSV block.
    lines: Vec<LineSpan>,
    /// What the member field of each line of a block holds.
    ids: Vec<MemberText>,
    /// Where each JSON line's member text lies.
    places: Vec<(usize, usize)>,
}

/// A line of a CSV block: where it starts and ends (its `\n`, or the block's end), where its
/// fields' ends are in [`Worker::seps`] (`first_sep..first_sep + count`; [`NO_FIELDS`] when the
/// line has a quote or not one field for each column), and its member ([`NO_MEMBER`] when it
/// has no fields or its member field is not a known canonical uuid).
struct LineSpan {
    start: usize,
    end: usize,
    first_sep: usize,
    member: u32,
}

/// What a plain CSV line's member field holds, as the look-ups take it: [`MemberText::Unread`]
/// when it holds a comma (a field taken at the width of a uuid might: it is then no field of the
/// line's own, and the line goes to the general path).
#[inline]
fn csv_member_text(text: &[u8]) -> MemberText {
    match MemberText::of(text) {
        MemberText::Short(_) | MemberText::Long if memchr::memchr(b',', text).is_some() => MemberText::Unread,
        found => found,
    }
}

/// The text of a split line's member field, when it holds no comma: a field taken at the width
/// of a uuid might (see [`split_plain`]), and is then no field of the line's own.
fn member_field<'b>(block: &'b [u8], span: &LineSpan, seps: &[usize], columns: &Columns) -> Option<&'b [u8]> {
    let ends = seps.get(span.first_sep..)?;
    let end = *ends.get(columns.member)?;
    let start = match columns.member {
        0 => span.start,
        c => ends.get(c - 1)? + 1,
    };
    let text = block.get(start..end)?;
    memchr::memchr(b',', text).is_none().then_some(text)
}

/// Marks a [`LineSpan`] that was not split into fields.
const NO_FIELDS: usize = usize::MAX;

/// Marks a [`LineSpan`] without a known member.
const NO_MEMBER: u32 = u32::MAX;

impl Worker {
    fn new(builder: EventStoreBuilder) -> Self {
        Self {
            builder,
            splitter: Splitter::new(),
            kinds: KindCache::default(),
            keyed: KeyedMembers::default(),
            ends: Vec::new(),
            members: Vec::new(),
            seps: Vec::new(),
            lines: Vec::new(),
            ids: Vec::new(),
            places: Vec::new(),
        }
    }

    /// Parses one piece; `first_line` says it starts the text (a JSON byte-order mark may
    /// follow).
    fn parse(&mut self, shared: &Shared, piece: &Piece, first_line: bool) -> Parsed {
        let block = match piece {
            Piece::TooLong => {
                return Parsed { lines: 1, stored: 0, bad: vec![(1, LineError::TooLong { limit: MAX_LINE_BYTES })] };
            }
            Piece::Lines(block) => block,
        };
        if let Some(columns) = &shared.columns {
            return self.parse_csv(shared, columns, block);
        }
        let mut parsed = Parsed::default();
        self.ends.clear();
        self.ends.extend(memchr::memchr_iter(b'\n', block));
        if block.last() != Some(&b'\n') {
            self.ends.push(block.len());
        }
        // The members first, in a tight loop of their own: each look-up is likely a cache miss,
        // and so many misses are waited for at once rather than one a line. Each is kept with
        // where its text lies, so the row's own reading can check it read the same bytes
        // (`"member"` might also be found inside another value).
        self.ids.clear();
        self.places.clear();
        let mut start = 0;
        for &end in &self.ends {
            let line = block.get(start..end).unwrap_or_default();
            start = end + 1;
            let text = json_member_hint(&shared.member_key, without_cr(line));
            self.ids.push(text.map_or(MemberText::Unread, MemberText::of));
            self.places.push(text.map_or((0, 0), place));
        }
        self.members.clear();
        let keyed = &self.keyed;
        self.members
            .extend(self.ids.iter().zip(&self.places).map(|(id, &at)| Some((keyed.find(&shared.members, *id)?, at))));
        self.ids.clear();
        let (ends, members) = (std::mem::take(&mut self.ends), std::mem::take(&mut self.members));
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let raw = block.get(start..end).unwrap_or_default();
            start = end + 1;
            parsed.lines += 1;
            if raw.len() > MAX_LINE_BYTES {
                parsed.bad.push((parsed.lines, LineError::TooLong { limit: MAX_LINE_BYTES }));
                continue;
            }
            let mut line = without_cr(raw);
            if first_line && parsed.lines == 1 {
                while let Some(rest) = line.strip_prefix(BOM) {
                    line = rest;
                }
            }
            // A line the fast path reads is ASCII throughout (every byte it accepts is), so it
            // needs no UTF-8 check of its own.
            let member = members.get(i).copied().flatten();
            let outcome = match self.fast_json(shared, line, member) {
                Some((member, row)) => {
                    self.builder.push_row(member, row);
                    Ok(())
                }
                None => match std::str::from_utf8(line) {
                    Err(_) => Err(LineError::NotUtf8),
                    Ok(text) if text.trim().is_empty() => continue,
                    Ok(text) => push_json(text, &mut self.builder),
                },
            };
            match outcome {
                Ok(()) => parsed.stored += 1,
                Err(error) => parsed.bad.push((parsed.lines, error)),
            }
        }
        (self.ends, self.members) = (ends, members);
        parsed
    }

    /// Parses a block of CSV lines. The block is scanned once for its line ends (`memchr`) and
    /// once for a quote; each line without a quote is split into its fields ([`split_plain`]),
    /// and the members of all lines are then looked up in a loop of their own (each look-up is
    /// likely a cache miss, and so many misses are waited for at once rather than one a line).
    /// Each line in the plain forms is read from its fields straight into a row. Any other line
    /// goes through the general path, which reads it or says what is wrong.
    fn parse_csv(&mut self, shared: &Shared, columns: &Columns, block: &[u8]) -> Parsed {
        let mut parsed = Parsed::default();
        let quoted = memchr::memchr(b'"', block).is_some();
        let widths = columns.widths.get(..columns.count).unwrap_or_default();
        // Each line: where it starts and ends, where its fields' ends start in `seps`, its member.
        self.lines.clear();
        self.seps.clear();
        let unterminated = (block.last() != Some(&b'\n')).then_some(block.len());
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', block).chain(unterminated) {
            let raw = block.get(start..end).unwrap_or_default();
            let line = without_cr(raw);
            let first_sep = self.seps.len();
            let plain = raw.len() <= MAX_LINE_BYTES
                && !(quoted && memchr::memchr(b'"', line).is_some())
                && split_plain(line, start, widths, &mut self.seps);
            let id = plain
                .then(|| {
                    let ends = self.seps.get(first_sep..)?;
                    let field_end = *ends.get(columns.member)?;
                    let field_start = match columns.member {
                        0 => start,
                        c => ends.get(c - 1)? + 1,
                    };
                    Some(csv_member_text(block.get(field_start..field_end)?))
                })
                .flatten();
            self.ids.push(id.unwrap_or(MemberText::Unread));
            let first_sep = if plain { first_sep } else { NO_FIELDS };
            self.lines.push(LineSpan { start, end, first_sep, member: NO_MEMBER });
            start = end + 1;
        }
        // The look-ups in a loop of their own, with nothing else between them: uuids in the
        // member table, short keys (employee numbers) in the keys this thread has met.
        let mut unmet = false;
        for (span, id) in self.lines.iter_mut().zip(&self.ids) {
            if matches!(id, MemberText::Unread) {
                continue;
            }
            let found = self.keyed.find(&shared.members, *id);
            match found {
                Some(member) => span.member = member,
                None => unmet |= !matches!(id, MemberText::Uuid(_)),
            }
        }
        // A key not met before (or a long one) is found as the general path finds it, once a
        // distinct text.
        if unmet {
            for (span, id) in self.lines.iter_mut().zip(&self.ids) {
                if span.member == NO_MEMBER && matches!(id, MemberText::Short(_) | MemberText::Long) {
                    let text = member_field(block, span, &self.seps, columns);
                    if let Some(member) = text.and_then(|text| self.keyed.get(text, &self.builder)) {
                        span.member = member;
                    }
                }
            }
        }
        self.ids.clear();
        let (lines, seps) = (std::mem::take(&mut self.lines), std::mem::take(&mut self.seps));
        for span in &lines {
            parsed.lines += 1;
            let raw = block.get(span.start..span.end).unwrap_or_default();
            if raw.len() > MAX_LINE_BYTES {
                parsed.bad.push((parsed.lines, LineError::TooLong { limit: MAX_LINE_BYTES }));
                continue;
            }
            let line = without_cr(raw);
            let fast = (span.member != NO_MEMBER)
                .then(|| {
                    let seps = seps.get(span.first_sep..span.first_sep + columns.count)?;
                    self.plain_csv(shared, columns, line, span.start, seps)
                })
                .flatten();
            let outcome = match fast {
                Some(row) => {
                    self.builder.push_row(span.member, row);
                    Ok(())
                }
                None if is_blank(line) => continue,
                None => match self.splitter.split(line, columns.count, columns.count) {
                    Ok(fields) => columns.push(&fields, &mut self.builder),
                    Err(e) => Err(e),
                },
            };
            match outcome {
                Ok(()) => parsed.stored += 1,
                Err(error) => parsed.bad.push((parsed.lines, error)),
            }
        }
        (self.lines, self.seps) = (lines, seps);
        parsed
    }

    /// The row of a plain CSV line (no quote, a known member, a field for each column) from its
    /// fields, which end at `seps` (positions in the block; the line starts at `start`); `None`
    /// sends the line to the general path.
    #[inline]
    fn plain_csv(
        &mut self,
        shared: &Shared,
        columns: &Columns,
        line: &[u8],
        start: usize,
        seps: &[usize],
    ) -> Option<Row> {
        let field = |column: Option<usize>| -> Option<&[u8]> {
            let Some(c) = column else { return Some(&[]) };
            let begin = match c {
                0 => 0,
                c => seps.get(c - 1)? + 1 - start,
            };
            let end = (seps.get(c)? - start).min(line.len());
            line.get(begin..end)
        };
        let (day, millis) = fast::timestamp(field(Some(columns.at))?, shared.offset_seconds)?;
        let minutes = match field(columns.minutes)? {
            [] => 0,
            text => fast::centi(text)?,
        };
        let saved = match field(columns.saved)? {
            [] => NO_SAVED,
            text => fast::centi(text)?,
        };
        let kind = self.kinds.kind(field(columns.task)?, field(columns.tool)?, &mut self.builder)?;
        Some(Row { day, millis, minutes, saved, kind: kind.min(u32::from(u16::MAX)) as u16, member: 0 })
    }

    /// The row of a JSON line in the plain form: one flat object of the event's fields, strings
    /// without escapes, numbers plain, each field once, read as [`Worker::fast_csv`] reads its
    /// fields; `None` sends the line to `serde_json`.
    #[inline]
    fn fast_json(&mut self, shared: &Shared, text: &[u8], hint: Option<(u32, (usize, usize))>) -> Option<(u32, Row)> {
        let fields = flat_json(text)?;
        let member_text = fields.member?;
        let member = match hint {
            Some((member, at)) if at == place(member_text) => member,
            _ => match fast::uuid(member_text) {
                Some(id) => shared.members.get(id)?,
                // `serde` reads a member as written, the key finder trims it: a key with blanks
                // about it is left to `serde`, which says what is wrong with it.
                None if std::str::from_utf8(member_text).is_ok_and(|t| t.trim().len() == t.len()) => {
                    self.keyed.get(member_text, &self.builder)?
                }
                None => return None,
            },
        };
        let (day, millis) = fast::timestamp(fields.at?, shared.offset_seconds)?;
        let minutes = fields.minutes.map_or(Some(0), fast::centi)?;
        let saved = fields.saved.map_or(Some(NO_SAVED), fast::centi)?;
        let task = fields.task.unwrap_or_default();
        let tool = fields.tool.unwrap_or_default();
        // A JSON slug is taken as written: an empty one, or one with blanks (which the kind
        // cache would trim), is an error for serde to word.
        let plain = |slug: Option<&[u8]>| {
            slug.is_none_or(|s| {
                !s.is_empty() && s.iter().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.'))
            })
        };
        if !plain(fields.task) || !plain(fields.tool) {
            return None;
        }
        let kind = self.kinds.kind(task, tool, &mut self.builder)?;
        Some((member, Row { day, millis, minutes, saved, kind: kind.min(u32::from(u16::MAX)) as u16, member: 0 }))
    }
}

/// The fields of a flat JSON usage event, as raw text: string values without their quotes.
#[derive(Default)]
struct FlatEvent<'a> {
    member: Option<&'a [u8]>,
    at: Option<&'a [u8]>,
    minutes: Option<&'a [u8]>,
    task: Option<&'a [u8]>,
    tool: Option<&'a [u8]>,
    saved: Option<&'a [u8]>,
}

/// Reads `{"member": "…", "at": "…", "minutes": 12.5, …}`: each known field at most once,
/// strings without a backslash, numbers of digits and one dot; `None` for anything else.
fn flat_json(text: &[u8]) -> Option<FlatEvent<'_>> {
    let mut event = FlatEvent::default();
    let mut rest = skip_blanks(text).strip_prefix(b"{")?;
    loop {
        rest = skip_blanks(rest);
        let (key, after) = json_string(rest)?;
        rest = skip_blanks(after).strip_prefix(b":")?;
        rest = skip_blanks(rest);
        let (value, after) = match key {
            b"member" | b"at" | b"task" | b"tool" => json_string(rest)?,
            b"minutes" | b"saved_minutes" => {
                let n = rest.iter().take_while(|b| b.is_ascii_digit() || **b == b'.').count();
                let (number, after) = rest.split_at_checked(n)?;
                if let [b'0', b'0'..=b'9', ..] = number {
                    // A leading zero is not JSON: serde says so.
                    return None;
                }
                (number, after)
            }
            _ => return None,
        };
        let slot = match key {
            b"member" => &mut event.member,
            b"at" => &mut event.at,
            b"task" => &mut event.task,
            b"tool" => &mut event.tool,
            b"minutes" => &mut event.minutes,
            _ => &mut event.saved,
        };
        if slot.replace(value).is_some() {
            return None;
        }
        rest = skip_blanks(after);
        match rest.split_first()? {
            (b',', after) => rest = after,
            (b'}', after) if skip_blanks(after).is_empty() => return Some(event),
            _ => return None,
        }
    }
}

/// Where `text` is in memory: its address and length, to tell whether two readings of a line
/// found the same bytes.
fn place(text: &[u8]) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

/// The text of the first string after `"member":` in a JSON line: the member's uuid if the line
/// is a flat event (which [`flat_json`] then confirms).
fn json_member_hint<'a>(key: &memchr::memmem::Finder<'static>, line: &'a [u8]) -> Option<&'a [u8]> {
    let at = key.find(line)?;
    let rest = skip_blanks(line.get(at + 8..)?).strip_prefix(b":")?;
    json_string(skip_blanks(rest)).map(|(text, _)| text)
}

/// `text` without its leading JSON blanks.
fn skip_blanks(text: &[u8]) -> &[u8] {
    let n = text.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
    text.get(n..).unwrap_or_default()
}

/// A JSON string at the start of `text` holding no backslash nor control character: its content
/// and what follows.
///
/// The strings of a usage event are short (a key, a uuid, a timestamp, a slug), so the closing
/// quote, a backslash and a control character are looked for together, eight bytes at a time.
fn json_string(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let body = text.strip_prefix(b"\"")?;
    let end = json_string_end(body)?;
    let (content, after) = body.split_at_checked(end)?;
    Some((content, after.get(1..)?))
}

/// Where the first `"` of `body` is, if no backslash nor control character comes before it.
#[inline]
fn json_string_end(body: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` that is zero sets its high bit here (and perhaps bytes above a zero byte,
    // never one below, so the lowest flag is exact).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    while let Some(chunk) = body.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().ok()?);
        // Bytes under 0x20: under 0x20 once 0x20 is taken away, and not from over 0x80.
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let found = zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\'))) | control;
        if found != 0 {
            let i = at + (found.trailing_zeros() / 8) as usize;
            return (body.get(i) == Some(&b'"')).then_some(i);
        }
        at += 8;
    }
    let rest = body.get(at..)?;
    let i = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (rest.get(i) == Some(&b'"')).then_some(at + i)
}

/// `line` without a carriage return at its end (a byte compared, not a call to `memcmp`).
#[inline]
fn without_cr(line: &[u8]) -> &[u8] {
    match line.split_last() {
        Some((b'\r', rest)) => rest,
        _ => line,
    }
}

fn push_json(text: &str, builder: &mut EventStoreBuilder) -> Result<(), LineError> {
    let event = serde_json::from_str::<UsageEvent>(text).map_err(|e| LineError::Json(e.to_string()))?;
    builder.push(&event)?;
    Ok(())
}

/// What [`read_line`] found.
pub(crate) enum Line {
    /// A line, without its end, is in the buffer.
    Read,
    /// A line longer than [`MAX_LINE_BYTES`] was skipped to its end.
    TooLong,
    /// The text has ended.
    End,
}

/// Reads one line into `buffer` (without `\n` or `\r\n`), holding at most [`MAX_LINE_BYTES`] of
/// it: the rest of a longer line is read through and dropped.
pub(crate) fn read_line(reader: &mut impl BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Line> {
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

    /// The word-at-a-time search finds what a byte-by-byte one finds: for every length up to 24,
    /// every position and every byte near the edges of what it looks for, alone and with a second
    /// such byte after it.
    #[test]
    fn a_json_string_ends_where_a_byte_by_byte_search_says() {
        fn reference(body: &[u8]) -> Option<usize> {
            let i = body.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            (body.get(i) == Some(&b'"')).then_some(i)
        }
        let bytes = [b'"', b'\\', 0x00, 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0x9f, 0xa2, 0xdc, 0xff, b'a'];
        let mut checked = 0;
        for len in 0..24 {
            for at in 0..len {
                for &b in &bytes {
                    for later in [None, Some(b'"'), Some(b'\\'), Some(0x01)] {
                        let mut body = vec![b'x'; len];
                        body[at] = b;
                        if let (Some(l), Some(slot)) = (later, body.get_mut(at + 3)) {
                            *slot = l;
                        }
                        assert_eq!(json_string_end(&body), reference(&body), "{body:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
        assert_eq!(json_string(br#""abc" rest"#), Some((&b"abc"[..], &b" rest"[..])));
        assert_eq!(json_string(br#""a\"bc""#), None);
    }

    fn run(text: &[u8], format: EventFormat) -> (Result<u64, StreamError>, Vec<BadLine>, EventStoreBuilder) {
        let mut b = builder();
        let mut bad = Vec::new();
        let result = stream_events(text, format, &mut b, |l| bad.push(l));
        (result, bad, b)
    }

    const M1: &str = "00000000-0000-0000-0000-000000000001";

    /// Every CSV line reads as the general path reads it, whatever the columns' order and
    /// wherever the commas fall: in particular a comma just where a member or a timestamp
    /// usually ends, a comma inside a field of that width, and a field short or over.
    #[test]
    fn every_csv_line_reads_as_the_general_path_reads_it() {
        // Each column's usual values, and odd pieces put anywhere.
        let usual = |column: &str| -> &[&str] {
            match column {
                "member" => &[M1, "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-00000000000A"],
                "at" => &[
                    "2026-08-03T09:00:00Z",
                    "2026-08-04T23:59:59Z",
                    "2026-08-03T09:00:00+09:00",
                    "2026-08-03T09:00:00.5Z",
                ],
                "minutes" | "saved_minutes" => &["5", "1.25", ""],
                _ => &["mail", "code", ""],
            }
        };
        let odd = [
            "00000000-0000-0000-0000-00000000000,",
            "00000000-0000,0000-0000-000000000001",
            "00000000-0000-0000-0000-0000000000012",
            "2026-08-03T09:00,00Z",
            "2026-08-03T09:00:00Z,",
            "2026-08-03T09:00:0Z",
            "",
            " ",
            "x,y",
            ",",
        ];
        let headers: [&[&str]; 5] = [
            &["member", "at", "minutes", "task"],
            &["at", "member"],
            &["task", "at", "minutes", "member"],
            &["member", "at", "minutes", "task", "tool", "saved_minutes"],
            &["minutes", "member", "at"],
        ];
        // A fixed linear congruential sequence: the same lines every run.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound
        };
        for header in headers {
            let columns = Columns::of(header).unwrap();
            let mut text = header.join(",");
            let mut lines = Vec::new();
            for _ in 0..4000 {
                let count = if next(5) == 0 { header.len() - 1 + next(3) } else { header.len() };
                let line: Vec<&str> = (0..count)
                    .map(|c| match header.get(c) {
                        Some(column) if next(6) != 0 => usual(column)[next(usual(column).len())],
                        _ => odd[next(odd.len())],
                    })
                    .collect();
                lines.push(line.join(","));
            }
            for line in &lines {
                text.push('\n');
                text.push_str(line);
            }
            let (result, bad, fast) = run(text.as_bytes(), EventFormat::Csv);
            let mut reference = builder();
            let mut splitter = Splitter::new();
            let (mut stored, mut expected_bad) = (0, Vec::new());
            for (i, line) in lines.iter().enumerate() {
                if is_blank(line.as_bytes()) {
                    continue;
                }
                let outcome = splitter
                    .split(line.as_bytes(), columns.count, columns.count)
                    .and_then(|fields| columns.push(&fields, &mut reference));
                match outcome {
                    Ok(()) => stored += 1,
                    Err(error) => expected_bad.push((i as u64 + 2, error.to_string())),
                }
            }
            assert!(
                stored > 500 && expected_bad.len() > 500,
                "{header:?}: {stored} stored, {} bad",
                expected_bad.len()
            );
            assert_eq!(result, Ok(stored), "{header:?}");
            let bad: Vec<(u64, String)> = bad.iter().map(|b| (b.line, b.error.to_string())).collect();
            assert_eq!(bad, expected_bad, "{header:?}");
            assert_eq!(fast.finish().unwrap(), reference.finish().unwrap(), "{header:?}");
        }
    }

    /// A builder whose members are named by the organisation's keys as well: an employee number,
    /// an e-mail address, keys of 15 and 16 bytes (the longest kept in the flat table, and the
    /// shortest beyond it), one as long as a uuid, and one of that length with a comma.
    fn keyed_builder() -> EventStoreBuilder {
        let mut members: std::collections::BTreeMap<MemberId, u32> = [(member(1), 0), (member(2), 1)].into();
        for (key, number) in [
            ("E001", 0),
            ("ito@example.jp", 1),
            ("E0123456789ABCD", 0),
            ("E0123456789ABCDE", 1),
            ("employee-number-0000000000000000001", 0),
            ("社員0001", 1),
            // As long as a uuid, with a comma: a plain line cannot hold it as one field.
            ("K,0000000000000000000000000000000001", 0),
        ] {
            members.insert(MemberId::from_key(key), number);
        }
        EventStoreBuilder::with_members(members, 2, UtcOffset::UTC)
    }

    /// Every member field, however it names its member (a canonical uuid, another form of one,
    /// an employee number, an e-mail address in any case, blanks about it, a key that is no
    /// member's, one with a comma or a quote, bytes that are not UTF-8), reads as the general
    /// path reads it, in CSV and in JSON Lines, on one thread and in small blocks on three.
    #[test]
    fn every_keyed_member_reads_as_the_general_path_reads_it() {
        let names: &[&[u8]] = &[
            b"E001",
            b"E001",
            b"ito@example.jp",
            b"ITO@Example.JP",
            b"E0123456789ABCD",
            b"E0123456789ABCDE",
            b"employee-number-0000000000000000001",
            "社員0001".as_bytes(),
            b" E001",
            b"E001 ",
            "E001\u{3000}".as_bytes(),
            b"e001",
            b"E002",
            b"E0123456789ABCDX",
            b"00000000-0000-0000-0000-000000000001",
            b"00000000000000000000000000000002",
            b"{00000000-0000-0000-0000-000000000001}",
            b"00000000-0000-0000-0000-000000000009",
            b"E0,01",
            b"K,0000000000000000000000000000000001",
            b"\"E001\"",
            b"\xffE001",
            b"",
        ];
        let times = ["2026-08-03T09:00:00Z", "2026-08-04T12:30:00+09:00"];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |bound: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound
        };
        let (mut csv, mut json) = (b"at,member,minutes,task".to_vec(), Vec::new());
        let mut rows = Vec::new();
        for i in 0..3000 {
            let name = names[next(names.len())];
            let at = times[next(times.len())];
            // Each row's own minutes, so that no two are the same event.
            let minutes = format!("{}.{:02}", i / 100, i % 100);
            csv.extend_from_slice(format!("\n{at},").as_bytes());
            csv.extend_from_slice(name);
            csv.extend_from_slice(format!(",{minutes},mail").as_bytes());
            json.extend_from_slice(b"{\"member\":\"");
            json.extend_from_slice(name);
            json.extend_from_slice(
                format!("\",\"at\":\"{at}\",\"minutes\":{minutes},\"task\":\"mail\"}}\n").as_bytes(),
            );
            rows.push((name, at, minutes));
        }
        // The general path of each format, a line at a time.
        let columns = Columns::of(&["at", "member", "minutes", "task"]).unwrap();
        let (mut csv_reference, mut json_reference) = (keyed_builder(), keyed_builder());
        let (mut csv_bad, mut json_bad) = (Vec::new(), Vec::new());
        let mut splitter = Splitter::new();
        let csv_lines: Vec<&[u8]> = csv.split(|&b| b == b'\n').skip(1).collect();
        for (i, line) in csv_lines.iter().enumerate() {
            let outcome =
                splitter.split(line, columns.count, columns.count).and_then(|f| columns.push(&f, &mut csv_reference));
            if let Err(e) = outcome {
                csv_bad.push((i as u64 + 2, e.to_string()));
            }
        }
        for (i, line) in json.split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
            let outcome = match std::str::from_utf8(line) {
                Ok(text) => push_json(text, &mut json_reference),
                Err(_) => Err(LineError::NotUtf8),
            };
            if let Err(e) = outcome {
                json_bad.push((i as u64 + 1, e.to_string()));
            }
        }
        assert!(csv_bad.len() > 300 && csv_bad.len() < 2000, "{} bad CSV lines", csv_bad.len());
        assert!(json_bad.len() > 300 && json_bad.len() < 2000, "{} bad JSON lines", json_bad.len());
        let csv_store = csv_reference.finish().unwrap();
        let json_store = json_reference.finish().unwrap();
        for options in [StreamOptions::default(), StreamOptions { threads: 3, block_bytes: 512 }] {
            for (format, text, bad, store) in [
                (EventFormat::Csv, &csv, &csv_bad, &csv_store),
                (EventFormat::JsonLines, &json, &json_bad, &json_store),
            ] {
                let mut b = keyed_builder();
                let mut found = Vec::new();
                let result = stream_events_with(&text[..], format, &mut b, &options, |l| found.push(l));
                let found: Vec<(u64, String)> = found.iter().map(|l| (l.line, l.error.to_string())).collect();
                assert_eq!(result, Ok(3000 - bad.len() as u64), "{format:?} {options:?}");
                assert_eq!(&found, bad, "{format:?} {options:?}");
                assert_eq!(&b.finish().unwrap(), store, "{format:?} {options:?}");
            }
        }
        // The keys found their members: each member's events, and nothing else, were stored (in
        // CSV, a quoted key is the key).
        let expected = |m: &[&[u8]]| rows.iter().filter(|(n, ..)| m.contains(n)).count();
        assert_eq!(
            csv_store.member_events(0).day.len(),
            expected(&[
                b"E001",
                b"\"E001\"",
                b" E001",
                b"E001 ",
                "E001\u{3000}".as_bytes(),
                b"E0123456789ABCD",
                b"employee-number-0000000000000000001",
                b"00000000-0000-0000-0000-000000000001",
                b"{00000000-0000-0000-0000-000000000001}",
            ])
        );
        assert_eq!(
            csv_store.member_events(1).day.len(),
            expected(&[
                b"ito@example.jp",
                b"ITO@Example.JP",
                b"E0123456789ABCDE",
                "社員0001".as_bytes(),
                b"00000000000000000000000000000002",
            ])
        );
    }

    /// Members whose uuids were made to share one slot of the member table are read past the
    /// table's longest probe by the general path: every event is stored as the general path
    /// stores it.
    #[test]
    fn members_made_to_collide_in_the_member_table_are_all_read() {
        let colliding = |i: u64| (u128::from(i) << 64) | u128::from((i ^ 0x5eed).rotate_right(32));
        let ids: Vec<MemberId> = (0..300).map(|i| MemberId::from_u128(colliding(i))).collect();
        let builder = || {
            let members = ids.iter().zip(0..).map(|(&id, n)| (id, n)).collect();
            EventStoreBuilder::with_members(members, 300, UtcOffset::UTC)
        };
        let mut text = String::from("member,at,minutes,task\n");
        for (j, (i, id)) in ids.iter().enumerate().cycle().take(3_000).enumerate() {
            let at = format!("2026-08-{:02}T{:02}:{:02}:00Z", 3 + j / 1440, j / 60 % 24, j % 60);
            text.push_str(&format!("{id},{at},{}.5,mail\n", i % 40));
        }
        let mut reference = builder();
        let columns = Columns::of(&["member", "at", "minutes", "task"]).unwrap();
        let mut splitter = Splitter::new();
        for line in text.lines().skip(1) {
            let fields = splitter.split(line.as_bytes(), 4, 4).unwrap();
            columns.push(&fields, &mut reference).unwrap();
        }
        let expected = reference.finish().unwrap();
        for options in [StreamOptions::default(), StreamOptions { threads: 2, block_bytes: 4096 }] {
            let mut b = builder();
            let result = stream_events_with(text.as_bytes(), EventFormat::Csv, &mut b, &options, |l| panic!("{l}"));
            assert_eq!(result, Ok(3_000));
            let store = b.finish().unwrap();
            assert_eq!(store, expected, "{options:?}");
            assert!((0..300).all(|m| store.member_events(m).day.len() == 10), "each member's ten events");
        }
    }

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
