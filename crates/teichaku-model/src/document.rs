//! Versioned JSON documents: the assessment document and the playbook document.

use serde::{Deserialize, Serialize};

use crate::limits::check_json;
use crate::{Limit, Limits, Observations, Organisation, Playbook, PlaybookId};

/// The document format version this build writes; it reads this one and every older one.
pub const FORMAT_VERSION: u32 = 1;

/// The input of an assessment: an organisation, the playbook it follows and what was observed.
///
/// ```
/// use teichaku_model::{parse_document, PlaybookSource};
/// let doc = parse_document(r#"{
///   "version": 1,
///   "organisation": { "name": "Example Ltd", "utc_offset": "+09:00", "launch_date": "2026-04-01",
///                     "deployment_pattern": "hybrid", "units": [], "members": [] },
///   "playbook": { "builtin": "sme-five-step" }
/// }"#)?;
/// assert!(matches!(doc.playbook, PlaybookSource::Builtin(_)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentDocument {
    /// The format version; [`FORMAT_VERSION`] for documents written by this build.
    pub version: u32,
    /// The organisation.
    pub organisation: Organisation,
    /// The playbook it follows.
    pub playbook: PlaybookSource,
    /// What was observed.
    #[serde(default)]
    pub observations: Observations,
}

/// Which playbook an assessment follows: a built-in (or caller-registered) one by name, or one
/// written inline.
///
/// ```
/// use teichaku_model::PlaybookSource;
/// let s: PlaybookSource = serde_json::from_str(r#"{ "builtin": "three-phase-cycle" }"#)?;
/// assert!(matches!(s, PlaybookSource::Builtin(id) if id.as_str() == "three-phase-cycle"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PlaybookSource {
    /// A playbook looked up by id in a [`PlaybookCatalog`].
    Builtin(PlaybookId),
    /// A playbook given in full.
    Inline(Box<Playbook>),
}

/// Somewhere to look playbooks up by id; `teichaku-playbooks` provides one holding the built-in
/// playbooks and any the caller adds.
///
/// ```
/// use teichaku_model::{Playbook, PlaybookCatalog, PlaybookId};
/// struct Empty;
/// impl PlaybookCatalog for Empty {
///     fn playbook(&self, _: &PlaybookId) -> Option<&Playbook> { None }
/// }
/// assert!(Empty.playbook(&PlaybookId::new("x")?).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait PlaybookCatalog {
    /// The playbook named `id`, if the catalog has one.
    fn playbook(&self, id: &PlaybookId) -> Option<&Playbook>;
}

/// A document that could not be read at all.
///
/// Problems inside a readable document are [`crate::ValidationError`]s instead, all reported at
/// once.
///
/// ```
/// use teichaku_model::{parse_document, DocumentError};
/// assert!(matches!(parse_document(r#"{ "version": 99 }"#), Err(DocumentError::UnsupportedVersion { found: 99, .. })));
/// assert!(matches!(parse_document("{"), Err(DocumentError::Syntax { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// Not JSON, not the expected shape, or an unknown field.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        /// The line of the problem, from 1 (0 when it is at the end).
        line: usize,
        /// The column of the problem, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The top-level `version` field is absent or not a whole number.
    #[error("the document has no readable `version`: expected `\"version\": {FORMAT_VERSION}`")]
    MissingVersion,
    /// A version this build cannot read.
    #[error("document version {found} is not supported: this build reads versions 1 to {supported}")]
    UnsupportedVersion {
        /// The version found.
        found: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The text is larger, holds a longer string or nests deeper than its [`Limits`] allow;
    /// found before parsing.
    #[error("the document has {found} {what}, more than the limit of {limit}")]
    LimitExceeded {
        /// Which limit.
        what: Limit,
        /// The limit.
        limit: usize,
        /// The value found (for a string, the first one past the limit).
        found: usize,
    },
}

impl From<serde_json::Error> for DocumentError {
    fn from(e: serde_json::Error) -> Self {
        DocumentError::Syntax { line: e.line(), column: e.column(), message: strip_position(&e.to_string()) }
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// Reads an assessment document, upgrading an older version to the current one.
///
/// # Errors
///
/// Returns [`DocumentError`] when the text is not JSON, has an unknown field or a value of the
/// wrong shape, or carries a version this build cannot read.
///
/// ```
/// let err = teichaku_model::parse_document(r#"{ "version": 1, "organisation": {}, "playbook": {}, "extra": 1 }"#);
/// assert!(err.is_err());
/// ```
pub fn parse_document(json: &str) -> Result<AssessmentDocument, DocumentError> {
    parse_document_with_limits(json, &Limits::DEFAULT)
}

/// Reads an assessment document within `limits`: its size, string lengths and nesting are
/// checked before it is parsed.
///
/// # Errors
///
/// As [`parse_document`], and [`DocumentError::LimitExceeded`] for a text past `limits`.
///
/// ```
/// use teichaku_model::{parse_document_with_limits, DocumentError, Limit, Limits};
/// let limits = Limits { max_nesting: 3, ..Limits::DEFAULT };
/// assert_eq!(
///     parse_document_with_limits(r#"{ "version": 1, "a": [[[1]]] }"#, &limits),
///     Err(DocumentError::LimitExceeded { what: Limit::Nesting, limit: 3, found: 4 }),
/// );
/// ```
pub fn parse_document_with_limits(json: &str, limits: &Limits) -> Result<AssessmentDocument, DocumentError> {
    check_json(json, limits)?;
    check_version(json)?;
    Ok(serde_json::from_str(json)?)
}

/// Reads a playbook document, upgrading an older version to the current one.
///
/// # Errors
///
/// As [`parse_document`].
///
/// ```
/// assert!(teichaku_model::parse_playbook(r#"{ "version": 2 }"#).is_err());
/// ```
pub fn parse_playbook(json: &str) -> Result<Playbook, DocumentError> {
    parse_playbook_with_limits(json, &Limits::DEFAULT)
}

/// Reads a playbook document within `limits`, as [`parse_document_with_limits`] does.
///
/// # Errors
///
/// As [`parse_playbook`], and [`DocumentError::LimitExceeded`] for a text past `limits`.
///
/// ```
/// use teichaku_model::{parse_playbook_with_limits, DocumentError, Limit, Limits};
/// let limits = Limits { max_string_bytes: 4, ..Limits::DEFAULT };
/// assert!(matches!(
///     parse_playbook_with_limits(r#"{ "version": 1, "id": "too-long" }"#, &limits),
///     Err(DocumentError::LimitExceeded { what: Limit::StringBytes, limit: 4, found: 7 }),
/// ));
/// ```
pub fn parse_playbook_with_limits(json: &str, limits: &Limits) -> Result<Playbook, DocumentError> {
    check_json(json, limits)?;
    check_version(json)?;
    Ok(serde_json::from_str(json)?)
}

/// Checks a JSON text against `limits` before it is parsed, for documents teichaku does not parse
/// itself (a rubric, a facts file): its size, its longest string and its nesting.
///
/// # Errors
///
/// [`DocumentError::LimitExceeded`] for the first limit the text is past.
///
/// ```
/// use teichaku_model::{check_json_limits, Limits};
/// assert!(check_json_limits(&"[".repeat(500), &Limits::DEFAULT).is_err());
/// ```
pub fn check_json_limits(json: &str, limits: &Limits) -> Result<(), DocumentError> {
    Ok(check_json(json, limits)?)
}

/// Reads only the top-level `version` of a document, so an unknown version is reported as such
/// rather than as whatever field changed shape.
fn check_version(json: &str) -> Result<u32, DocumentError> {
    #[derive(Deserialize)]
    struct Probe {
        version: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_str(json)?;
    let found = probe.version.as_ref().and_then(serde_json::Value::as_u64).ok_or(DocumentError::MissingVersion)?;
    match u32::try_from(found) {
        Ok(v) if (1..=FORMAT_VERSION).contains(&v) => Ok(v),
        _ => Err(DocumentError::UnsupportedVersion { found, supported: FORMAT_VERSION }),
    }
}
