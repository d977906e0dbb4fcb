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

    /// A `.parquet` file, through the `parquet` crate's Arrow reader.
    #[cfg(feature = "parquet")]
    fn open_batches(&self, name: &str, named_by: NamedBy) -> Option<std::io::Result<teichaku::RecordBatches<'_>>> {
        let path = self.path(name, named_by);
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
            return None;
        }
        let open = || -> std::io::Result<teichaku::RecordBatches<'_>> {
            #[expect(clippy::disallowed_methods, reason = "the command line reads the Parquet files it is given")]
            let file = File::open(&path)?;
            let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|b| b.with_batch_size(PARQUET_BATCH_ROWS).build())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
            Ok(Box::new(reader))
        };
        Some(open())
    }
}

/// The rows of a Parquet file read into one Arrow batch at a time.
#[cfg(feature = "parquet")]
const PARQUET_BATCH_ROWS: usize = 64 * 1024;

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
