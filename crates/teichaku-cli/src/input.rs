//! Reading documents from files or standard input, and telling which kind of document they are.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use teichaku::Catalog;
use teichaku::model::{
    DocumentError, ValidationError, parse_document, parse_playbook, validate_document, validate_playbook,
};

use crate::Failure;

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
        file.and_then(|f| f.take(MAX_DOCUMENT_BYTES + 1).read_to_end(&mut bytes))
    };
    result.map_err(|e| Failure::input(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Failure::input(format!("{name}: larger than the limit of {MAX_DOCUMENT_BYTES} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        Failure::input(format!("{name}: not UTF-8: invalid byte at offset {}", e.utf8_error().valid_up_to()))
    })?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text))
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
}

/// Validates `text` as an assessment document, or as a playbook document when its top level has
/// `phases` but no `organisation`.
pub(crate) fn validate(text: &str, catalog: &Catalog) -> ValidationReport {
    let is_playbook = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .map(|m| m.contains_key("phases") && !m.contains_key("organisation"))
        .unwrap_or(false);
    let unreadable = |document, e: DocumentError| ValidationReport {
        engine_version: teichaku::ENGINE_VERSION,
        document,
        valid: false,
        unreadable: Some(e.to_string()),
        problems: Vec::new(),
    };
    let found = |document, result: Result<(), teichaku::model::ValidationErrors>| {
        let problems = result.err().map(|e| e.into_vec()).unwrap_or_default();
        ValidationReport {
            engine_version: teichaku::ENGINE_VERSION,
            document,
            valid: problems.is_empty(),
            unreadable: None,
            problems,
        }
    };
    if is_playbook {
        match parse_playbook(text) {
            Ok(p) => found("playbook", validate_playbook(&p)),
            Err(e) => unreadable("playbook", e),
        }
    } else {
        match parse_document(text) {
            Ok(d) => found("assessment", validate_document(d, catalog).map(|_| ())),
            Err(e) => unreadable("assessment", e),
        }
    }
}
