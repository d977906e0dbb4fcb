//! Reading documents from files or standard input, and telling which kind of document they are.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use teichaku::metrics::StreamOptions;
use teichaku::model::{Lang, ValidationError, parse_playbook, validate_playbook};
use teichaku::{Catalog, LoadError, LoadOptions, Loaded, UsageReport};
use teichaku_report::Message;

use crate::events::{Files, bad_lines_text};
use crate::render::{clean, clean_lines};
use crate::{Failure, lang, say};

/// The largest document read, in bytes.
pub(crate) const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads `path`, or standard input for `-`, as UTF-8 (a leading byte-order mark is dropped).
pub(crate) fn read(path: &Path) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let name = path.display();
    let result = if path.as_os_str() == "-" {
        #[expect(clippy::disallowed_methods, reason = "the command line reads documents from standard input")]
        let stdin = std::io::stdin();
        stdin.lock().take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes)
    } else {
        #[expect(clippy::disallowed_methods, reason = "the command line reads the documents it is given")]
        let file = std::fs::File::open(path);
        file.and_then(|f| {
            // Room for the whole file at once: no doubling of the buffer as it is read.
            let size = f.metadata().map_or(0, |m| m.len()).min(MAX_DOCUMENT_BYTES + 1);
            bytes.reserve_exact(usize::try_from(size).unwrap_or(0).saturating_add(1));
            f.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes)
        })
    };
    result.map_err(|e| Failure::input(format!("{name}: {}", cannot_read(&e))))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Failure::input(match lang() {
            Lang::Ja => format!("{name}: 上限の {MAX_DOCUMENT_BYTES} バイトより大きいファイルです"),
            _ => format!("{name}: larger than the limit of {MAX_DOCUMENT_BYTES} bytes"),
        }));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Failure::input(match lang() {
            Lang::Ja => format!("{name}: UTF-8 ではありません（{at} バイト目の後に読めないバイトがあります）"),
            _ => format!("{name}: not UTF-8: invalid byte at offset {at}"),
        })
    })?;
    // A byte-order mark is removed in place, not by copying the text.
    let mut text = text;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// `cannot read: ERROR`, or in Japanese what kind of failure it was (the system's own text is
/// English).
pub(crate) fn cannot_read(e: &std::io::Error) -> String {
    match lang() {
        Lang::Ja => match e.kind() {
            std::io::ErrorKind::NotFound => "ファイルがありません".to_owned(),
            std::io::ErrorKind::PermissionDenied => "読む権限がありません".to_owned(),
            std::io::ErrorKind::IsADirectory => "ファイルではなくフォルダーです".to_owned(),
            _ => "読めません".to_owned(),
        },
        _ => format!("cannot read: {e}"),
    }
}

/// The folder a document's usage event files are named relative to: its own, or the current
/// one for standard input.
pub(crate) fn folder_of(file: &Path) -> PathBuf {
    file.parent().filter(|_| file.as_os_str() != "-").unwrap_or(Path::new(".")).to_path_buf()
}

/// The outcome of `teichaku validate`.
#[derive(Debug, Serialize)]
pub(crate) struct ValidationReport {
    /// The version of teichaku that checked it.
    pub(crate) engine_version: &'static str,
    /// Which kind of document it was taken for.
    pub(crate) document: &'static str,
    /// Whether it is valid.
    pub(crate) valid: bool,
    /// A document that could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unreadable: Option<String>,
    /// Every problem found in a readable document.
    pub(crate) problems: Vec<ValidationError>,
    /// What is wrong with the usage events of a document otherwise valid, as `assess` would
    /// find it: a usage event file that cannot be read, each malformed line (the first
    /// [`teichaku::MAX_BAD_LINES_KEPT`], then how many more), events that cannot be stored
    /// together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) usage_problems: Vec<String>,
    /// What the usage event files gave, when they were all read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) event_files: Option<UsageReport>,
    /// Why the document could not be loaded, as the error it is: the text output speaks the
    /// reader's language from it.
    #[serde(skip)]
    pub(crate) error: Option<ReportedError>,
}

/// The error behind [`ValidationReport::unreadable`] or [`ValidationReport::usage_problems`].
#[derive(Debug)]
pub(crate) enum ReportedError {
    /// A playbook document that cannot be read.
    Playbook(teichaku::model::DocumentError),
    /// An assessment document that cannot be loaded.
    Load(LoadError),
}

/// Which kind of document a text is, from its top-level keys alone (nothing else is kept).
#[derive(Deserialize)]
struct Kind {
    phases: Option<IgnoredAny>,
    organisation: Option<IgnoredAny>,
}

/// Validates `text` as an assessment document, or as a playbook document when its top level has
/// `phases` but no `organisation`. An assessment document is loaded as `assess` loads it, usage
/// event files (in `folder`) included.
pub(crate) fn validate(text: String, folder: &Path, catalog: &Catalog) -> ValidationReport {
    let is_playbook =
        serde_json::from_str::<Kind>(&text).map(|k| k.phases.is_some() && k.organisation.is_none()).unwrap_or(false);
    let report = |document| ValidationReport {
        engine_version: teichaku::ENGINE_VERSION,
        document,
        valid: false,
        unreadable: None,
        problems: Vec::new(),
        usage_problems: Vec::new(),
        event_files: None,
        error: None,
    };
    if is_playbook {
        let mut r = report("playbook");
        match parse_playbook(&text).map(|p| validate_playbook(&p)) {
            Ok(Ok(())) => r.valid = true,
            Ok(Err(e)) => r.problems = e.into_vec(),
            Err(e) => {
                r.unreadable = Some(e.to_string());
                r.error = Some(ReportedError::Playbook(e));
            }
        }
        return r;
    }
    let mut r = report("assessment");
    // The text is given away, so it is freed once parsed.
    match teichaku::load_with(text, catalog, &Files { base: folder.to_path_buf() }, &LoadOptions::default()) {
        Ok(loaded) => {
            r.valid = true;
            r.event_files = Some(loaded.usage);
        }
        Err(LoadError::Invalid(e)) => r.problems = e.into_vec(),
        Err(e) => {
            match &e {
                LoadError::Document(e) => r.unreadable = Some(e.to_string()),
                LoadError::BadLines { count, lines } => r.usage_problems = bad_lines_text(lines, *count, Lang::En),
                other => r.usage_problems = vec![other.to_string()],
            }
            r.error = Some(ReportedError::Load(e));
        }
    }
    r
}

/// The text of `teichaku validate --lang ja`: what [`crate::render::validation_text`] writes in
/// English, one problem a line, in Japanese.
pub(crate) fn validation_text_ja(report: &ValidationReport, out: &mut String) {
    if report.valid {
        let kind = if report.document == "playbook" { "プレイブック" } else { "アセスメント" };
        let _ = writeln!(out, "有効な{kind}文書です");
        return;
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", clean(&problem.message(Lang::Ja)));
    }
    let lines = match &report.error {
        Some(ReportedError::Playbook(e)) => vec![e.message(Lang::Ja)],
        Some(ReportedError::Load(LoadError::BadLines { count, lines })) => bad_lines_text(lines, *count, Lang::Ja),
        Some(ReportedError::Load(e)) => vec![e.message(Lang::Ja)],
        None => Vec::new(),
    };
    for line in lines {
        let _ = writeln!(out, "{}", clean(&line));
    }
}

/// Reads and validates the document, then builds the event store from its usage events, the
/// files it names (in its folder) and `events`, streamed row by row: the library's
/// [`teichaku::load_with`], the one loading path.
pub(crate) fn load_with_events(
    file: &Path,
    usage: &crate::events::UsageFiles,
    outcomes: Option<&Path>,
    skip_bad_lines: bool,
    catalog: &Catalog,
) -> Result<Loaded, Failure> {
    let text = read(file)?;
    // An outcomes file is read whole and checked row by row before the document is validated.
    let outcomes = match outcomes {
        Some(path) => teichaku::read_outcomes_csv(&read(path)?)
            .map_err(|e| Failure::input(format!("{}: {}", path.display(), clean(&e.message(lang())))))?,
        None => Vec::new(),
    };
    let names = |paths: &[PathBuf]| -> Result<Vec<String>, Failure> {
        paths
            .iter()
            .map(|path| {
                path.to_str().map(str::to_owned).ok_or_else(|| {
                    Failure::input(format!(
                        "{}: {}",
                        path.display(),
                        say("not a UTF-8 file name", "ファイル名が UTF-8 ではありません")
                    ))
                })
            })
            .collect()
    };
    let vendors = crate::vendors::VendorFiles::read(usage)?;
    let mut day_files = names(&usage.days)?;
    day_files.extend(vendors.names());
    let mut period_files = names(&usage.periods)?;
    period_files.extend(vendors.period_names());
    let stream = StreamOptions { threads: crate::events::threads(), ..StreamOptions::default() };
    let options = LoadOptions {
        skip_bad_lines,
        extra_files: names(&usage.events)?,
        extra_day_files: day_files,
        extra_period_files: period_files,
        stream,
        outcomes,
        ..LoadOptions::default()
    };
    // The text is given away, so it is freed once parsed.
    let loaded = teichaku::load_with(text, catalog, &vendors.source(Files { base: folder_of(file) }), &options);
    vendors.finish(loaded, skip_bad_lines).map_err(|e| load_failure(file, &e))
}

/// The message of a document that cannot be loaded: malformed event lines one per line.
pub(crate) fn load_failure(file: &Path, e: &LoadError) -> Failure {
    let lang = lang();
    match e {
        LoadError::Document(e) => Failure::input(format!("{}: {}", file.display(), clean(&e.message(lang)))),
        LoadError::BadLines { count, lines } => {
            let mut message = bad_lines_text(lines, *count, lang);
            message.push(match lang {
                Lang::Ja => format!("読めない行が {count} 行あります。直すか --skip-bad-lines を付けてください"),
                _ => format!("{count} malformed lines; fix them or pass --skip-bad-lines"),
            });
            Failure::input(clean_lines(&message.join("\n")))
        }
        other => Failure::input(clean_lines(&other.message(lang))),
    }
}

/// The message of an assessment that cannot be computed.
pub(crate) fn assess_failure(e: &teichaku::metrics::KpiError) -> String {
    e.message(lang())
}
