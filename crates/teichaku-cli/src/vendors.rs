//! Vendors' usage exports on the command line (`--usage-vendor VENDOR=FILE`, `--github-logins`):
//! each is read by `teichaku_import::read_vendor` into a member-day record file held in memory,
//! loaded as a `--usage-days` file is, and every line the engine reports is named back by the
//! vendor file and its own line. The days no export tells of (before a Microsoft 365 user's
//! last day of use, and around the reports) are loaded as unknown days, a member-period record
//! file held in memory.

use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use teichaku::model::Lang;
use teichaku::{LoadError, Loaded, NamedBy, UsageBadLine, UsageReport, UsageSource};
use teichaku_import::{
    GithubLogins, MAX_VENDOR_BYTES, Vendor, VendorRead, VendorUnknown, read_vendor, unknown_days, unknown_days_csv,
};
use teichaku_report::Message;

use crate::events::{Files, UsageFiles};
use crate::input::cannot_read;
use crate::render::clean;
use crate::{Failure, lang};

/// Reads `VENDOR=FILE` (clap's parser of `--usage-vendor`).
pub(crate) fn vendor_file(text: &str) -> Result<(Vendor, PathBuf), String> {
    let (vendor, file) = text
        .split_once('=')
        .ok_or_else(|| format!("expected VENDOR=FILE, VENDOR one of {}", Vendor::ALL.map(Vendor::as_str).join(", ")))?;
    let vendor = vendor.parse::<Vendor>().map_err(|e| e.to_string())?;
    if file.is_empty() {
        return Err("no FILE after `=`".into());
    }
    Ok((vendor, PathBuf::from(file)))
}

/// The vendor exports read, as member-day record files held in memory under names of their own.
#[derive(Default)]
pub(crate) struct VendorFiles {
    /// The member-day record CSV of each export, by its name in memory.
    texts: BTreeMap<String, Vec<u8>>,
    /// What each name in memory was read from: the file as given, and what it gave.
    reads: BTreeMap<String, (String, VendorRead)>,
    /// The unknown days' name in memory, and the records it holds by line.
    unknown: Option<(String, Vec<VendorUnknown>)>,
}

/// The name in memory of the unknown days (`.csv`, so the engine reads a period record CSV).
const UNKNOWN_DAYS: &str = "vendor-exports#unknown-days.csv";

impl VendorFiles {
    /// Reads the vendor exports of `usage`, and the GitHub login list when given.
    pub(crate) fn read(usage: &UsageFiles) -> Result<Self, Failure> {
        let mut files = Self::default();
        if usage.vendors.is_empty() {
            return Ok(files);
        }
        let logins = match &usage.github_logins {
            Some(path) => GithubLogins::from_csv(&read_bytes(path)?)
                .map_err(|e| Failure::input(format!("{}: {}", path.display(), clean(&e.message(lang())))))?,
            None => GithubLogins::default(),
        };
        for (vendor, path) in &usage.vendors {
            let shown = path.to_string_lossy().into_owned();
            let read = read_vendor(*vendor, &read_bytes(path)?, &logins)
                .map_err(|e| Failure::input(format!("{shown}: {}", clean(&e.message(lang())))))?;
            // The name in memory ends in `.csv`, so the engine reads it as a day record CSV.
            let name = format!("{shown}#{vendor}-days.csv");
            files.texts.insert(name.clone(), read.day_records_csv().into_bytes());
            files.reads.insert(name, (shown, read));
        }
        let reads: Vec<&VendorRead> = files.reads.values().map(|(_, r)| r).collect();
        let unknown = unknown_days(&reads);
        if !unknown.is_empty() {
            files.texts.insert(UNKNOWN_DAYS.to_owned(), unknown_days_csv(&unknown).into_bytes());
            files.unknown = Some((UNKNOWN_DAYS.to_owned(), unknown));
        }
        Ok(files)
    }

    /// The name in memory of the unknown days, to load as a member-period record file.
    pub(crate) fn period_names(&self) -> Vec<String> {
        self.unknown.iter().map(|(name, _)| name.clone()).collect()
    }

    /// The vendor file and line behind line `line` of the file `name` in memory.
    fn vendor_line(&self, name: &str, line: u64) -> Option<(&str, u64)> {
        if let Some((file, read)) = self.reads.get(name) {
            return Some((file.as_str(), read.vendor_line(line).unwrap_or(line)));
        }
        let (own, unknown) = self.unknown.as_ref()?;
        if own != name {
            return None;
        }
        let u = unknown.get(usize::try_from(line.checked_sub(2)?).ok()?)?;
        let (file, _) = self.reads.values().nth(u.read)?;
        Some((file.as_str(), u.line))
    }

    /// The names in memory, to load as member-day record files.
    pub(crate) fn names(&self) -> Vec<String> {
        self.reads.keys().cloned().collect()
    }

    /// The lines of the exports that could not be read, by file and line.
    fn bad_lines(&self) -> (Vec<UsageBadLine>, u64) {
        let mut lines = Vec::new();
        let mut count = 0;
        for (file, read) in self.reads.values() {
            count += read.bad_line_count;
            lines.extend(read.bad_lines.iter().map(|b| UsageBadLine::from_text(file, b.line, b.error.message(lang()))));
        }
        (lines, count)
    }

    /// Names each line of `lines` by its vendor file and line, when it comes from an export;
    /// returns how many lines were the same line again (a vendor row giving several records
    /// refused for one reason, such as an unknown user, its days and its unknown days), which
    /// are reported once, by the name in memory they came from.
    fn rename(&self, lines: &mut Vec<UsageBadLine>) -> BTreeMap<String, u64> {
        let mut again: BTreeMap<String, u64> = BTreeMap::new();
        let mut kept: Vec<UsageBadLine> = Vec::with_capacity(lines.len());
        for mut line in lines.drain(..) {
            let from = line.file.clone();
            if let Some((file, number)) = self.vendor_line(&from, line.line) {
                line.line = number;
                file.clone_into(&mut line.file);
            }
            // At most `MAX_BAD_LINES_KEPT` lines are kept, so this search stays short.
            if kept.contains(&line) {
                *again.entry(from).or_default() += 1;
            } else {
                kept.push(line);
            }
        }
        *lines = kept;
        again
    }

    /// The load's outcome with the exports' own bad lines added and every line named by its
    /// vendor file: bad lines fail the load unless `skip_bad_lines`.
    pub(crate) fn finish(&self, loaded: Result<Loaded, LoadError>, skip_bad_lines: bool) -> Result<Loaded, LoadError> {
        let (mut own, own_count) = self.bad_lines();
        match loaded {
            Err(LoadError::BadLines { count, mut lines }) => {
                let again: u64 = self.rename(&mut lines).values().sum();
                lines.append(&mut own);
                lines.truncate(teichaku::MAX_BAD_LINES_KEPT);
                Err(LoadError::BadLines { count: count - again + own_count, lines })
            }
            Ok(_) if own_count > 0 && !skip_bad_lines => Err(LoadError::BadLines { count: own_count, lines: own }),
            Ok(mut loaded) => {
                self.add(&mut loaded.usage, own, own_count);
                Ok(loaded)
            }
            Err(other) => Err(other),
        }
    }

    fn add(&self, usage: &mut UsageReport, mut own: Vec<UsageBadLine>, own_count: u64) {
        let again = self.rename(&mut usage.bad_lines);
        for report in &mut usage.files {
            let same = again.get(&report.file).copied().unwrap_or(0);
            if let Some((file, read)) = self.reads.get(&report.file) {
                report.file.clone_from(file);
                report.bad_lines = report.bad_lines - same + read.bad_line_count;
            } else if self.unknown.as_ref().is_some_and(|(name, _)| *name == report.file) {
                report.bad_lines -= same;
            }
        }
        // Each line reported again was counted.
        usage.bad_line_count -= again.values().sum::<u64>();
        usage.bad_lines.append(&mut own);
        usage.bad_lines.truncate(teichaku::MAX_BAD_LINES_KEPT);
        usage.bad_line_count += own_count;
    }

    /// A source that serves the exports' record files, and opens every other file as `files` does.
    pub(crate) fn source(self: &VendorFiles, files: Files) -> Source<'_> {
        Source { vendors: self, files }
    }
}

/// Opens the exports' record files from memory and every other usage file from disk.
pub(crate) struct Source<'a> {
    vendors: &'a VendorFiles,
    files: Files,
}

impl UsageSource for Source<'_> {
    fn open(&self, name: &str, named_by: NamedBy) -> std::io::Result<Box<dyn BufRead + '_>> {
        match (named_by, self.vendors.texts.get(name)) {
            (NamedBy::Caller, Some(text)) => Ok(Box::new(text.as_slice())),
            _ => self.files.open(name, named_by),
        }
    }

    /// The files' Parquet batches: a vendor export is text, never batches.
    #[cfg(feature = "parquet")]
    fn open_batches(&self, name: &str, named_by: NamedBy) -> Option<std::io::Result<teichaku::RecordBatches<'_>>> {
        match (named_by, self.vendors.texts.get(name)) {
            (NamedBy::Caller, Some(_)) => None,
            _ => self.files.open_batches(name, named_by),
        }
    }
}

/// The bytes of `path`, up to the vendor import's limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    let limit = MAX_VENDOR_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    #[expect(clippy::disallowed_methods, reason = "the command line reads the vendor exports it is given")]
    let file = std::fs::File::open(path);
    file.and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .map_err(|e| Failure::input(format!("{}: {}", path.display(), cannot_read(&e))))?;
    if bytes.len() > MAX_VENDOR_BYTES {
        return Err(Failure::input(match lang() {
            Lang::Ja => format!("{}: 上限の {MAX_VENDOR_BYTES} バイトより大きいファイルです", path.display()),
            _ => format!("{}: larger than the limit of {MAX_VENDOR_BYTES} bytes", path.display()),
        }));
    }
    Ok(bytes)
}
