//! Reading documents from files or standard input, and telling which kind of document they are.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use teichaku::model::{ValidationError, parse_playbook, validate_playbook};
use teichaku::{Catalog, LoadError, LoadOptions, UsageReport};

use crate::Failure;
use crate::events::{Files, bad_lines_text};

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
    result.map_err(|e| Failure::input(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Failure::input(format!("{name}: larger than the limit of {MAX_DOCUMENT_BYTES} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::input(format!("{name}: not UTF-8: invalid byte at offset {}", e.utf8_error().valid_up_to()))
    })?;
    // A byte-order mark is removed in place, not by copying the text.
    let mut text = text;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
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
    };
    if is_playbook {
        let mut r = report("playbook");
        match parse_playbook(&text).map(|p| validate_playbook(&p)) {
            Ok(Ok(())) => r.valid = true,
            Ok(Err(e)) => r.problems = e.into_vec(),
            Err(e) => r.unreadable = Some(e.to_string()),
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
        Err(LoadError::Document(e)) => r.unreadable = Some(e.to_string()),
        Err(LoadError::Invalid(e)) => r.problems = e.into_vec(),
        Err(LoadError::BadLines { count, lines }) => r.usage_problems = bad_lines_text(&lines, count),
        Err(other) => r.usage_problems = vec![other.to_string()],
    }
    r
}
