//! The usage event files of the command line: the [`UsageSource`] that opens them (a document's
//! files in its folder, `--events` files as given), and the text lines of malformed ones.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use teichaku::model::Lang;
use teichaku::{NamedBy, UsageBadLine, UsageReport, UsageSource};
use teichaku_report::Message;

/// The usage files given on the command line, by granularity (`docs/format.md` describes each).
#[derive(clap::Args, Debug, Default)]
pub(crate) struct UsageFiles {
    /// A CSV, JSON Lines or Parquet file of further usage events (one row per use); may be
    /// given several times.
    #[arg(long = "events", value_name = "FILE")]
    pub(crate) events: Vec<PathBuf>,
    /// A CSV, JSON Lines or Parquet file of member-day usage records (one row per member and day:
    /// member, date, count, minutes, task, tool); may be given several times.
    #[arg(long = "usage-days", value_name = "FILE")]
    pub(crate) days: Vec<PathBuf>,
    /// A CSV, JSON Lines or Parquet file of member-period usage records (one row per member and period:
    /// member, start, end, active_days, count, minutes); may be given several times.
    #[arg(long = "usage-periods", value_name = "FILE")]
    pub(crate) periods: Vec<PathBuf>,
    /// A vendor's usage export, read into member-day records: `github-copilot=FILE` (GitHub
    /// Copilot's user-level NDJSON metrics) or `m365-copilot=FILE` (Microsoft 365 Copilot's
    /// usage user detail CSV); may be given several times.
    #[arg(long = "usage-vendor", value_name = "VENDOR=FILE", value_parser = crate::vendors::vendor_file)]
    pub(crate) vendors: Vec<(teichaku_import::Vendor, PathBuf)>,
    /// A CSV of `login,member` naming the member (key or e-mail) of each GitHub login in a
    /// `github-copilot` export; a login not listed is taken as a member key.
    #[arg(long = "github-logins", value_name = "FILE")]
    pub(crate) github_logins: Option<PathBuf>,
}

/// Opens a document's usage event files relative to `base` (the document's folder) and the
/// command line's own as given.
pub(crate) struct Files {
    pub(crate) base: PathBuf,
}

impl Files {
    fn path(&self, name: &str, named_by: NamedBy) -> PathBuf {
        match named_by {
            NamedBy::Document => self.base.join(name),
            _ => Path::new(name).to_path_buf(),
        }
    }
}

impl UsageSource for Files {
    fn open(&self, name: &str, named_by: NamedBy) -> std::io::Result<Box<dyn BufRead + '_>> {
        #[expect(clippy::disallowed_methods, reason = "the command line streams the event files it is given")]
        let file = File::open(self.path(name, named_by))?;
        Ok(Box::new(BufReader::with_capacity(1 << 20, file)))
    }

    /// A `.parquet` file, through the `parquet` crate's Arrow reader: its row groups decoded on
    /// [`threads`] threads at once, handed over in the file's order.
    #[cfg(feature = "parquet")]
    fn open_batches(&self, name: &str, named_by: NamedBy) -> Option<std::io::Result<teichaku::RecordBatches<'_>>> {
        let path = self.path(name, named_by);
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
            return None;
        }
        Some(parquet_batches(&path, threads()))
    }
}

/// The rows of a Parquet file read into one Arrow batch at a time.
#[cfg(feature = "parquet")]
const PARQUET_BATCH_ROWS: usize = 64 * 1024;

/// The batches of the Parquet file at `path`: on one thread, or, with more threads and row
/// groups, each row group decoded by one of `threads` threads of its own (row group `g` by
/// thread `g % threads`, each with its own handle on the file), a few batches ahead of the
/// reader, and handed over in the file's order.
#[cfg(feature = "parquet")]
fn parquet_batches(path: &Path, threads: usize) -> std::io::Result<teichaku::RecordBatches<'static>> {
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
    let invalid =
        |e: parquet::errors::ParquetError| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string());
    #[expect(clippy::disallowed_methods, reason = "the command line reads the Parquet files it is given")]
    let file = File::open(path)?;
    let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()).map_err(invalid)?;
    let metadata = with_dictionaries(metadata).map_err(invalid)?;
    let groups = metadata.metadata().num_row_groups();
    if threads <= 1 || groups <= 1 {
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata)
            .with_batch_size(PARQUET_BATCH_ROWS)
            .build()
            .map_err(invalid)?;
        return Ok(Box::new(reader));
    }
    let threads = threads.min(groups);
    let mut receivers = Vec::with_capacity(threads);
    let mut handles = Vec::with_capacity(threads);
    for first in 0..threads {
        let (send, receive) = std::sync::mpsc::sync_channel::<Decoded>(2);
        let (path, metadata) = (path.to_path_buf(), metadata.clone());
        let decode = move || {
            for group in (first..groups).step_by(threads) {
                let reader = (|| {
                    #[expect(
                        clippy::disallowed_methods,
                        reason = "each decoding thread reads the file on its own handle"
                    )]
                    let file = File::open(&path)?;
                    ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata.clone())
                        .with_row_groups(vec![group])
                        .with_batch_size(PARQUET_BATCH_ROWS)
                        .build()
                        .map_err(invalid)
                })();
                let reader = match reader {
                    Ok(reader) => reader,
                    Err(e) => {
                        let _ = send.send(Some(batch_error(e.to_string())));
                        return;
                    }
                };
                for batch in reader {
                    let failed = batch.is_err();
                    if send.send(Some(batch)).is_err() || failed {
                        return;
                    }
                }
                if send.send(None).is_err() {
                    return;
                }
            }
        };
        handles.push(std::thread::spawn(decode));
        receivers.push(receive);
    }
    Ok(Box::new(RowGroups { receivers, handles, group: 0, groups, done: false }))
}

/// `metadata` reading the text columns of members, tasks and tools as dictionaries: the
/// Parquet file's own dictionary pages are kept rather than each row's text copied out, and the
/// reader looks each distinct value up once.
#[cfg(feature = "parquet")]
fn with_dictionaries(
    metadata: parquet::arrow::arrow_reader::ArrowReaderMetadata,
) -> parquet::errors::Result<parquet::arrow::arrow_reader::ArrowReaderMetadata> {
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
    let schema = metadata.schema();
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match (f.name().as_str(), f.data_type()) {
            ("task" | "tool", DataType::Utf8 | DataType::LargeUtf8) => {
                let text = f.data_type().clone();
                f.as_ref().clone().with_data_type(DataType::Dictionary(Box::new(DataType::Int32), Box::new(text)))
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    if fields.iter().zip(schema.fields()).all(|(a, b)| a.data_type() == b.data_type()) {
        return Ok(metadata);
    }
    let schema = Schema::new_with_metadata(fields, schema.metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(std::sync::Arc::new(schema));
    ArrowReaderMetadata::try_new(std::sync::Arc::clone(metadata.metadata()), options)
}

/// A batch of a Parquet file, or why it could not be read.
#[cfg(feature = "parquet")]
type Batch = <parquet::arrow::arrow_reader::ParquetRecordBatchReader as Iterator>::Item;

/// A batch of a row group, `None` when the row group has ended.
#[cfg(feature = "parquet")]
type Decoded = Option<Batch>;

/// A problem as the error a batch reader hands over.
#[cfg(feature = "parquet")]
fn batch_error(problem: String) -> Batch {
    Err(parquet::errors::ParquetError::General(problem).into())
}

/// The batches of a Parquet file's row groups decoded on threads of their own, in the file's
/// order.
#[cfg(feature = "parquet")]
struct RowGroups {
    /// The batches of the row groups decoded by each thread.
    receivers: Vec<std::sync::mpsc::Receiver<Decoded>>,
    handles: Vec<std::thread::JoinHandle<()>>,
    /// The row group being handed over.
    group: usize,
    groups: usize,
    /// A batch failed: nothing more is handed over.
    done: bool,
}

#[cfg(feature = "parquet")]
impl Iterator for RowGroups {
    type Item = Batch;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done && self.group < self.groups {
            let receiver = self.receivers.get(self.group % self.receivers.len().max(1))?;
            match receiver.recv() {
                Ok(Some(Ok(batch))) => return Some(Ok(batch)),
                Ok(None) => self.group += 1,
                Ok(Some(Err(e))) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Err(_) => {
                    self.done = true;
                    return Some(batch_error("a Parquet decoding thread stopped".to_owned()));
                }
            }
        }
        None
    }
}

#[cfg(feature = "parquet")]
impl Drop for RowGroups {
    /// Stops the decoding threads (a send to a dropped receiver fails) and waits for them.
    fn drop(&mut self) {
        self.receivers.clear();
        for handle in self.handles.drain(..) {
            let _ = handle.join();
        }
    }
}

/// The threads that read usage event files: the machine's, or `TEICHAKU_THREADS` when set to a
/// number from 1 (the output is the same for any count).
pub(crate) fn threads() -> usize {
    #[expect(clippy::disallowed_methods, reason = "the command line takes its thread count from its environment")]
    let set = std::env::var("TEICHAKU_THREADS").ok().and_then(|t| t.trim().parse::<usize>().ok()).filter(|&t| t >= 1);
    set.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// The malformed lines kept, each as `FILE:LINE: PROBLEM` in `lang`, then how many more there are.
pub(crate) fn bad_lines_text(lines: &[UsageBadLine], count: u64, lang: Lang) -> Vec<String> {
    let mut text: Vec<String> = lines.iter().map(|l| l.message(lang)).collect();
    let more = count.saturating_sub(lines.len() as u64);
    if more > 0 {
        text.push(match lang {
            Lang::Ja => format!("…ほかに読めない行が {more} 行"),
            _ => format!("… and {more} more malformed lines"),
        });
    }
    text
}

/// The lines of a text report that says which event lines were skipped: the count, then at
/// most `shown` of them, then how many more.
pub(crate) fn skipped_text(report: &UsageReport, shown: usize, title: &str) -> Vec<String> {
    if report.bad_line_count == 0 {
        return Vec::new();
    }
    let mut text = vec![format!("{title}: {}", report.bad_line_count)];
    let kept = report.bad_lines.get(..shown.min(report.bad_lines.len())).unwrap_or_default();
    let lines = bad_lines_text(kept, report.bad_line_count, crate::lang());
    text.extend(lines.into_iter().map(|l| format!("  {l}")));
    text
}
