//! Reading and validating an assessment document in one step, with the usage event files it
//! names: the one loading path of the library, the command line and the Python binding.
//!
//! A document's `observations.usage_files` are read through a [`UsageSource`] the caller
//! supplies (this crate opens nothing), or refused with
//! [`LoadError::UsageFilesNeedASource`]: never skipped.

use std::collections::BTreeMap;
use std::io::BufRead;

use serde::Serialize;
use teichaku_metrics::{
    EventFormat, EventStore, EventStoreBuilder, LineError, StoreError, StreamError, StreamOptions, stream_day_records,
    stream_events_with, stream_period_records,
};
use teichaku_model::{
    DocumentError, Granularity, Limits, ValidSnapshot, ValidationErrors, parse_document_with_limits,
    validate_document_with_limits,
};
use teichaku_playbooks::Catalog;

/// The most malformed usage event lines whose place and problem a [`UsageReport`] (and
/// [`LoadError::BadLines`]) keeps; past it they are counted only.
pub const MAX_BAD_LINES_KEPT: usize = 1000;

/// The longest problem text kept for one malformed line, in characters.
const MAX_PROBLEM_CHARS: usize = 200;

/// Why a document could not be loaded.
///
/// ```
/// let err = teichaku::load("{", &teichaku::Catalog::builtin()).unwrap_err();
/// assert!(matches!(err, teichaku::LoadError::Document(_)));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text could not be read as a document.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The document was read, and these problems were found in it.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The document names usage event files, and no [`UsageSource`] was given to read them
    /// ([`load`] has none: use [`load_with`]).
    ///
    /// ```
    /// let e = teichaku::LoadError::UsageFilesNeedASource { files: vec!["events.csv".into()] };
    /// assert_eq!(e.to_string(), "the document names usage event files (`events.csv`): load it with a source that reads them");
    /// ```
    #[error("the document names usage event files ({}): load it with a source that reads them", quoted(.files))]
    UsageFilesNeedASource {
        /// The files, as the document names them.
        files: Vec<String>,
    },
    /// A usage event file could not be opened, or its name says no format.
    ///
    /// ```
    /// let e = teichaku::LoadError::UsageFileUnreadable { file: "a.csv".into(), problem: "no such file".into() };
    /// assert_eq!(e.to_string(), "usage event file `a.csv`: cannot read: no such file");
    /// ```
    #[error("usage event file `{file}`: cannot read: {problem}")]
    UsageFileUnreadable {
        /// The file, as named.
        file: String,
        /// Why.
        problem: String,
    },
    /// A usage event file stopped being read: an unusable CSV header, or its reader failed.
    #[error("usage event file `{file}`: {error}")]
    UsageFile {
        /// The file, as named.
        file: String,
        /// Why it stopped.
        error: StreamError,
    },
    /// Some lines of the usage event files are malformed, and [`LoadOptions::skip_bad_lines`]
    /// is off.
    ///
    /// ```
    /// use teichaku::{LoadError, UsageBadLine};
    /// let line = UsageBadLine::from_text("a.csv", 4, "no member");
    /// let e = LoadError::BadLines { count: 3, lines: vec![line] };
    /// assert_eq!(e.to_string(), "3 malformed usage event lines, the first `a.csv` line 4: no member");
    /// ```
    #[error("{count} malformed usage event lines, the first {}", .lines.first().map(ToString::to_string).unwrap_or_default())]
    BadLines {
        /// How many lines are malformed.
        count: u64,
        /// The first of them, at most [`MAX_BAD_LINES_KEPT`].
        lines: Vec<UsageBadLine>,
    },
    /// The usage events cannot be stored together: they span too many days or too many kinds.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who named a usage event file, which tells a [`UsageSource`] where to look for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NamedBy {
    /// The document's `observations.usage_files`: a path relative to the document's folder.
    Document,
    /// The caller, through [`LoadOptions::extra_files`].
    Caller,
}

/// Where usage event files are read from; the command line and the Python binding open files,
/// a program may hand over contents it holds (a `BTreeMap` of names to bytes is a source).
///
/// ```
/// use std::collections::BTreeMap;
/// use teichaku::{NamedBy, UsageSource};
/// let files = BTreeMap::from([("a.csv".to_owned(), b"member,at\n".to_vec())]);
/// assert!(files.open("a.csv", NamedBy::Document).is_ok());
/// assert!(files.open("b.csv", NamedBy::Document).is_err());
/// ```
pub trait UsageSource {
    /// Opens the usage event file `name`, as written in the document or given by the caller.
    ///
    /// # Errors
    ///
    /// Whatever keeps the file from being read; loading stops with
    /// [`LoadError::UsageFileUnreadable`].
    fn open(&self, name: &str, named_by: NamedBy) -> std::io::Result<Box<dyn BufRead + '_>>;

    /// The usage file `name` as Arrow record batches, when this source holds it so (a Parquet
    /// file, a data frame); `None`, the default, to have it opened as text by
    /// [`UsageSource::open`]. Its columns are those of the text formats
    /// ([`teichaku_metrics::stream_event_batches`] says which Arrow types each takes).
    ///
    /// # Errors
    ///
    /// Whatever keeps the file from being read; loading stops with
    /// [`LoadError::UsageFileUnreadable`].
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use teichaku::{NamedBy, UsageSource};
    /// assert!(BTreeMap::<String, Vec<u8>>::new().open_batches("a.parquet", NamedBy::Caller).is_none());
    /// ```
    #[cfg(feature = "arrow")]
    fn open_batches(&self, name: &str, named_by: NamedBy) -> Option<std::io::Result<RecordBatches<'_>>> {
        let _ = (name, named_by);
        None
    }
}

/// Arrow record batches of one usage file, as a [`UsageSource`] hands them over.
#[cfg(feature = "arrow")]
pub type RecordBatches<'a> = Box<dyn Iterator<Item = Result<arrow_array::RecordBatch, arrow_schema::ArrowError>> + 'a>;

impl UsageSource for BTreeMap<String, Vec<u8>> {
    fn open(&self, name: &str, _: NamedBy) -> std::io::Result<Box<dyn BufRead + '_>> {
        match self.get(name) {
            Some(bytes) => Ok(Box::new(bytes.as_slice())),
            None => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")),
        }
    }
}

/// How [`load_with`] loads.
///
/// ```
/// let options = teichaku::LoadOptions { skip_bad_lines: true, ..Default::default() };
/// assert!(options.extra_files.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadOptions {
    /// Load even when some usage event lines are malformed: they are counted and listed in the
    /// [`UsageReport`] instead of failing with [`LoadError::BadLines`].
    pub skip_bad_lines: bool,
    /// Usage event files to read besides the document's own, opened with [`NamedBy::Caller`].
    pub extra_files: Vec<String>,
    /// Member-day record files to read besides the document's `usage_day_files`, opened with
    /// [`NamedBy::Caller`] ([`teichaku_metrics::stream_day_records`] says what they hold).
    pub extra_day_files: Vec<String>,
    /// Member-period record files to read besides the document's `usage_period_files`, opened
    /// with [`NamedBy::Caller`] ([`teichaku_metrics::stream_period_records`]).
    pub extra_period_files: Vec<String>,
    /// The limits on the document.
    pub limits: Limits,
    /// How the usage event files are read: on how many threads, in blocks of how many bytes
    /// (one thread by default). The store and the report are the same whatever the choice.
    pub stream: StreamOptions,
    /// Outcome KPI records the caller read beside the document (an outcomes file, through
    /// [`crate::read_outcomes_csv`]), appended to the document's `observations.outcomes` and
    /// validated with them; a problem with one names it by its row in the file
    /// ([`teichaku_model::Record::OutcomeRow`], from 1).
    pub outcomes: Vec<teichaku_model::OutcomeRecord>,
}

/// A loaded document: the validated snapshot and every usage event, from the document and its
/// files, in one store.
#[derive(Debug)]
#[non_exhaustive]
pub struct Loaded {
    /// The validated snapshot.
    pub snapshot: ValidSnapshot,
    /// Every usage event.
    pub store: EventStore,
    /// What the files gave, and every malformed line skipped.
    pub usage: UsageReport,
}

/// How many events each usage event file gave, and which lines were malformed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UsageReport {
    /// The events stored from the files, in all.
    pub events: u64,
    /// The member-day records stored from the files, in all.
    #[serde(skip_serializing_if = "is_zero")]
    pub day_records: u64,
    /// The member-period records stored from the files, in all.
    #[serde(skip_serializing_if = "is_zero")]
    pub period_records: u64,
    /// Each file read, in order.
    pub files: Vec<UsageFileReport>,
    /// The first [`MAX_BAD_LINES_KEPT`] malformed lines.
    pub bad_lines: Vec<UsageBadLine>,
    /// How many lines were malformed in all.
    pub bad_line_count: u64,
}

/// One usage event file read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UsageFileReport {
    /// The file, as named.
    pub file: String,
    /// What its rows are: events (left out of the JSON form), day or period records.
    #[serde(skip_serializing_if = "is_event")]
    pub granularity: Granularity,
    /// The rows stored from it: events, or day or period records.
    pub events: u64,
    /// Its malformed lines.
    pub bad_lines: u64,
}

/// One malformed usage event line.
///
/// ```
/// use teichaku::metrics::LineError;
/// let line = teichaku::UsageBadLine::new("a.csv", 4, LineError::MissingMember);
/// assert_eq!(line.to_string(), "`a.csv` line 4: no member");
/// assert_eq!(line.error(), Some(&LineError::MissingMember));
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct UsageBadLine {
    /// The file, as named.
    pub file: String,
    /// The line, from 1.
    pub line: u64,
    /// What is wrong with it (at most 200 characters).
    pub problem: String,
    /// What is wrong with it, as the error it is (for a message in another language); absent
    /// for a line made from text alone.
    #[serde(skip)]
    error: Option<LineError>,
}

impl UsageBadLine {
    /// A malformed line of `file` (line `line`, from 1) and what is wrong with it.
    ///
    /// ```
    /// use teichaku::metrics::LineError;
    /// let line = teichaku::UsageBadLine::new("a.csv", 2, LineError::NotUtf8);
    /// assert_eq!(line.problem, "unreadable line: not UTF-8");
    /// ```
    pub fn new(file: impl Into<String>, line: u64, error: LineError) -> Self {
        let problem = error.to_string().chars().take(MAX_PROBLEM_CHARS).collect();
        Self { file: file.into(), line, problem, error: Some(error) }
    }

    /// A malformed line known by the text of its problem only.
    ///
    /// ```
    /// let line = teichaku::UsageBadLine::from_text("a.csv", 4, "no member");
    /// assert_eq!(line.to_string(), "`a.csv` line 4: no member");
    /// assert_eq!(line.error(), None);
    /// ```
    pub fn from_text(file: impl Into<String>, line: u64, problem: impl Into<String>) -> Self {
        Self { file: file.into(), line, problem: problem.into(), error: None }
    }

    /// What is wrong with the line, as an error, when it was made from one.
    ///
    /// ```
    /// use teichaku::metrics::LineError;
    /// let line = teichaku::UsageBadLine::new("a.csv", 2, LineError::NotUtf8);
    /// assert_eq!(line.error(), Some(&LineError::NotUtf8));
    /// ```
    pub fn error(&self) -> Option<&LineError> {
        self.error.as_ref()
    }
}

/// Lines are equal when their file, line and problem text are: the error the text was made from
/// adds nothing to compare.
impl PartialEq for UsageBadLine {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file && self.line == other.line && self.problem == other.problem
    }
}

impl Eq for UsageBadLine {}

impl std::fmt::Display for UsageBadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` line {}: {}", self.file, self.line, self.problem)
    }
}

impl UsageReport {
    /// Counts what `file` gave: `stored` rows of `granularity`, and the bad lines since `before`.
    fn stored(&mut self, file: &str, granularity: Granularity, stored: u64, before: u64) {
        let bad_lines = self.bad_line_count - before;
        match granularity {
            Granularity::Day => self.day_records += stored,
            Granularity::Period => self.period_records += stored,
            _ => self.events += stored,
        }
        self.files.push(UsageFileReport { file: file.to_owned(), granularity, events: stored, bad_lines });
    }

    fn bad(&mut self, file: &str, line: u64, error: &LineError) {
        self.bad_line_count += 1;
        if self.bad_lines.len() < MAX_BAD_LINES_KEPT {
            self.bad_lines.push(UsageBadLine::new(file, line, error.clone()));
        }
    }
}

/// Reads an assessment document, resolves its playbook in `catalog` and validates it.
///
/// A document that names usage event files is refused: [`load_with`] reads them.
///
/// # Errors
///
/// [`LoadError::Document`] when the text cannot be read, [`LoadError::Invalid`] with every problem
/// found otherwise, [`LoadError::UsageFilesNeedASource`] when it names usage event files.
///
/// ```
/// let json = serde_json::to_string(&teichaku::demo::document())?;
/// let snapshot = teichaku::load(&json, &teichaku::Catalog::builtin())?;
/// assert_eq!(snapshot.organisation().units.len(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load(json: &str, catalog: &Catalog) -> Result<ValidSnapshot, LoadError> {
    let snapshot = validated(json, catalog, &Limits::DEFAULT)?;
    let obs = snapshot.observations();
    let files: Vec<String> =
        obs.usage_files.iter().chain(&obs.usage_day_files).chain(&obs.usage_period_files).cloned().collect();
    if !files.is_empty() {
        return Err(LoadError::UsageFilesNeedASource { files });
    }
    Ok(snapshot)
}

/// Reads an assessment document as [`load`] does, then stores its usage events with those of
/// every file it names (read through `usage`) and of [`LoadOptions::extra_files`]: what
/// [`crate::assess_with_store`] and [`crate::metrics::kpis_with_store`] take.
///
/// A file's format is told by its extension: `.csv`, `.jsonl` or `.ndjson`
/// ([`teichaku_metrics::stream_events`] says what each holds), on
/// [`LoadOptions::stream`]'s threads.
///
/// # Errors
///
/// As [`load`], less [`LoadError::UsageFilesNeedASource`]; then [`LoadError::UsageFileUnreadable`]
/// and [`LoadError::UsageFile`] for a file that cannot be read, [`LoadError::BadLines`] for
/// malformed lines unless [`LoadOptions::skip_bad_lines`], [`LoadError::Store`] for events that
/// cannot be stored together.
///
/// The text may be borrowed (`&str`, `&String`) or given (`String`): a text given is freed as
/// soon as it is parsed, before the snapshot is validated and the events stored, so a document
/// whose bulk is usage events is never held as text, as records and as stored events at once.
///
/// ```
/// use std::collections::BTreeMap;
/// use teichaku::{Catalog, LoadOptions, load_with};
/// let mut doc = teichaku::demo::document();
/// doc.observations.usage_files = vec!["more.csv".into()];
/// let member = doc.organisation.members[0].id;
/// let files = BTreeMap::from([(
///     "more.csv".to_owned(),
///     format!("member,at\n{member},2026-06-01T09:00:00+09:00\n{member},yesterday\n").into_bytes(),
/// )]);
/// let json = serde_json::to_string(&doc)?;
/// let options = LoadOptions { skip_bad_lines: true, ..Default::default() };
/// let loaded = load_with(&json, &Catalog::builtin(), &files, &options)?;
/// assert_eq!(loaded.usage.files[0].events, 1);
/// assert_eq!(loaded.usage.bad_lines[0].line, 3);
/// let a = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, teichaku::demo::AS_OF, &Default::default())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_with<'t>(
    json: impl Into<std::borrow::Cow<'t, str>>,
    catalog: &Catalog,
    usage: &dyn UsageSource,
    options: &LoadOptions,
) -> Result<Loaded, LoadError> {
    let mut document = {
        let json = json.into();
        parse_document_with_limits(&json, &options.limits)?
    };
    let own_outcomes = document.observations.outcomes.len();
    document.observations.outcomes.extend(options.outcomes.iter().cloned());
    let snapshot = validate_document_with_limits(document, catalog, &options.limits)
        .map_err(|errors| crate::outcomes::name_file_rows(errors, own_outcomes))?;
    let mut builder = EventStoreBuilder::new(&snapshot);
    for (index, event) in snapshot.observations().usage.iter().enumerate() {
        builder.push(event).map_err(|error| StoreError::Event { index, error })?;
    }
    let mut report = UsageReport::default();
    let obs = snapshot.observations();
    // Events first, then day records, then period records: each file by who named it.
    let lists = [
        (&obs.usage_files, NamedBy::Document, Granularity::Event),
        (&options.extra_files, NamedBy::Caller, Granularity::Event),
        (&obs.usage_day_files, NamedBy::Document, Granularity::Day),
        (&options.extra_day_files, NamedBy::Caller, Granularity::Day),
        (&obs.usage_period_files, NamedBy::Document, Granularity::Period),
        (&options.extra_period_files, NamedBy::Caller, Granularity::Period),
    ];
    let all = lists
        .into_iter()
        .flat_map(|(files, named_by, granularity)| files.iter().map(move |f| (f, named_by, granularity)));
    for (file, named_by, granularity) in all {
        #[cfg(feature = "arrow")]
        if let Some(batches) = usage.open_batches(file, named_by) {
            let batches =
                batches.map_err(|e| LoadError::UsageFileUnreadable { file: file.clone(), problem: e.to_string() })?;
            let before = report.bad_line_count;
            let on_bad = |bad: teichaku_metrics::BadLine| report.bad(file, bad.line, &bad.error);
            let stored = match granularity {
                Granularity::Day => teichaku_metrics::stream_day_batches(batches, &mut builder, on_bad),
                Granularity::Period => teichaku_metrics::stream_period_batches(batches, &mut builder, on_bad),
                _ => teichaku_metrics::stream_event_batches_with(batches, &mut builder, &options.stream, on_bad),
            }
            .map_err(|error| LoadError::UsageFile { file: file.clone(), error })?;
            report.stored(file, granularity, stored, before);
            continue;
        }
        let format = std::path::Path::new(file)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(EventFormat::from_extension)
            .ok_or_else(|| LoadError::UsageFileUnreadable {
                file: file.clone(),
                problem: "usage event files end in .csv, .jsonl or .ndjson".into(),
            })?;
        let reader = usage
            .open(file, named_by)
            .map_err(|e| LoadError::UsageFileUnreadable { file: file.clone(), problem: e.to_string() })?;
        let before = report.bad_line_count;
        let on_bad = |bad: teichaku_metrics::BadLine| report.bad(file, bad.line, &bad.error);
        let stored = match granularity {
            Granularity::Day => stream_day_records(reader, format, &mut builder, on_bad),
            Granularity::Period => stream_period_records(reader, format, &mut builder, on_bad),
            _ => stream_events_with(reader, format, &mut builder, &options.stream, on_bad),
        }
        .map_err(|error| LoadError::UsageFile { file: file.clone(), error })?;
        report.stored(file, granularity, stored, before);
    }
    if report.bad_line_count > 0 && !options.skip_bad_lines {
        return Err(LoadError::BadLines { count: report.bad_line_count, lines: report.bad_lines });
    }
    let store = builder.finish_on(options.stream.threads)?;
    Ok(Loaded { snapshot, store, usage: report })
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_event(granularity: &Granularity) -> bool {
    *granularity == Granularity::Event
}

fn validated(json: &str, catalog: &Catalog, limits: &Limits) -> Result<ValidSnapshot, LoadError> {
    let document = parse_document_with_limits(json, limits)?;
    Ok(validate_document_with_limits(document, catalog, limits)?)
}

/// The first few files, quoted, and how many more.
fn quoted(files: &[String]) -> String {
    let mut text = files.iter().take(5).map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
    if files.len() > 5 {
        text.push_str(&format!(" and {} more", files.len() - 5));
    }
    text
}
