//! Versioned JSON documents: the assessment document and the playbook document.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::limits::check_json;
use crate::migrate;
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
    let end = message.rfind(" at line ").unwrap_or(message.len());
    message.get(..end).unwrap_or(message).to_owned()
}

/// Reads an assessment document, upgrading an older version to the current one.
///
/// A leading UTF-8 byte-order mark is ignored (RFC 8259 §8.1 allows a parser to), as the
/// command line's CSV reader ignores one.
///
/// # Errors
///
/// Returns [`DocumentError`] when the text is not JSON, has an unknown field or a value of the
/// wrong shape, or carries a version this build cannot read.
///
/// The `version` must be written as a whole number without sign, fraction or exponent:
///
/// ```
/// use teichaku_model::{parse_document, DocumentError};
/// let with = |v: &str| parse_document(&format!(r#"{{ "version": {v}, "organisation": {{}} }}"#));
/// // 0 is a version, just not one that exists.
/// assert_eq!(with("0"), Err(DocumentError::UnsupportedVersion { found: 0, supported: 1 }));
/// assert_eq!(with("2"), Err(DocumentError::UnsupportedVersion { found: 2, supported: 1 }));
/// // `-0`, `1e0` and `1.0` are floats to the JSON reader, and `-1` is no version at all.
/// for v in ["-0", "-1", "1e0", "1.0", "\"1\"", "null"] {
///     assert_eq!(with(v), Err(DocumentError::MissingVersion), "{v}");
/// }
/// let err = parse_document(r#"{ "version": 1, "organisation": {}, "playbook": {}, "extra": 1 }"#);
/// assert!(err.is_err());
/// ```
///
/// A byte-order mark in front changes nothing:
///
/// ```
/// let json = r#"{ "version": 1,
///   "organisation": { "name": "Example Ltd", "utc_offset": "+09:00", "launch_date": "2026-04-01",
///                     "deployment_pattern": "hybrid", "units": [], "members": [] },
///   "playbook": { "builtin": "sme-five-step" } }"#;
/// let plain = teichaku_model::parse_document(json)?;
/// assert_eq!(teichaku_model::parse_document(&format!("\u{feff}{json}"))?, plain);
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
    let json = strip_bom(json);
    check_json(json, limits)?;
    let (found, inline) = check_version::<AssessmentProbe>(json)?;
    // An inline playbook has its own `version`, checked during validation; one this build reads
    // but older than the current is upgraded with the playbook chain.
    let inline_older = inline.filter(|v| (1..FORMAT_VERSION).contains(v));
    read_upgraded(json, found < FORMAT_VERSION || inline_older.is_some(), |doc| {
        let mut doc = migrate::upgrade_assessment(doc, found)?;
        if let (Some(v), Some(playbook)) = (inline_older, doc.pointer_mut("/playbook/inline")) {
            *playbook = migrate::upgrade_playbook(playbook.take(), v)?;
        }
        Ok(doc)
    })
}

/// Reads a playbook document, upgrading an older version to the current one.
///
/// # Errors
///
/// As [`parse_document`].
///
/// ```
/// use teichaku_model::{parse_playbook, DocumentError};
/// assert_eq!(parse_playbook(r#"{ "version": 2 }"#), Err(DocumentError::UnsupportedVersion { found: 2, supported: 1 }));
/// assert_eq!(parse_playbook(r#"{ "version": -0 }"#), Err(DocumentError::MissingVersion));
/// // A byte-order mark is ignored: the error is about the content, not the first byte.
/// assert!(matches!(parse_playbook("\u{feff}{ \"version\": 1 }"), Err(DocumentError::Syntax { message, .. }) if message.starts_with("missing field")));
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
    let json = strip_bom(json);
    check_json(json, limits)?;
    let (found, _) = check_version::<PlaybookProbe>(json)?;
    read_upgraded(json, found < FORMAT_VERSION, |doc| migrate::upgrade_playbook(doc, found))
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

/// `json` without a leading UTF-8 byte-order mark (only one, and only in front).
fn strip_bom(json: &str) -> &str {
    json.strip_prefix('\u{feff}').unwrap_or(json)
}

/// Reads `json` into `T`: straight from the text when it has the current shape, through
/// `upgrade` (the chain of [`migrate`] steps) and a [`Value`] when `older`.
///
/// The straight path keeps the line and column of a problem and rejects duplicate keys; an
/// upgraded document is read from a [`Value`], whose problems have no position (line 0) and
/// where a repeated key keeps its last value.
pub(crate) fn read_upgraded<T: DeserializeOwned>(
    json: &str,
    older: bool,
    upgrade: impl FnOnce(Value) -> Result<Value, DocumentError>,
) -> Result<T, DocumentError> {
    if !older {
        return serde_json::from_str(json).map_err(|e| with_path::<T>(json, e));
    }
    let doc: Value = serde_json::from_str(json)?;
    Ok(serde_json::from_value(upgrade(doc)?)?)
}

/// The error `e` of reading `json` as `T`, with the path of the field at fault (such as
/// `organisation.members[3].joined`) after the message: the text is read again, tracking the
/// path, only once it is known to be wrong.
fn with_path<T: DeserializeOwned>(json: &str, e: serde_json::Error) -> DocumentError {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let Err(tracked) = serde_path_to_error::deserialize::<_, T>(&mut deserializer) else {
        return e.into();
    };
    let path = tracked.path().to_string();
    let mut error = DocumentError::from(tracked.into_inner());
    if let DocumentError::Syntax { message, .. } = &mut error {
        if path != "." && !path.is_empty() {
            message.push_str(&format!(" (at `{path}`)"));
        }
    }
    error
}

/// The top level of a document as [`check_version`] reads it: its `version`, and the version of
/// an inline playbook if it has one. Nothing else of the text is kept while it is read: the
/// probes hold a number each, whatever the document holds.
trait VersionProbe: DeserializeOwned {
    fn version(&self) -> Option<u64>;
    fn inline_version(&self) -> Option<u32>;
}

#[derive(Deserialize)]
struct PlaybookProbe {
    version: Option<WholeNumber>,
}

impl VersionProbe for PlaybookProbe {
    fn version(&self) -> Option<u64> {
        self.version.as_ref().and_then(|v| v.0)
    }
    fn inline_version(&self) -> Option<u32> {
        None
    }
}

#[derive(Deserialize)]
struct AssessmentProbe {
    version: Option<WholeNumber>,
    playbook: Option<Field<Field<WholeNumber>>>,
}

impl VersionProbe for AssessmentProbe {
    fn version(&self) -> Option<u64> {
        self.version.as_ref().and_then(|v| v.0)
    }
    fn inline_version(&self) -> Option<u32> {
        let v = self.playbook.as_ref()?.0.as_ref()?.0.as_ref()?.0?;
        u32::try_from(v).ok()
    }
}

/// A JSON value read for the whole number (without sign, fraction or exponent) it may be; any
/// other value is read through and dropped.
struct WholeNumber(Option<u64>);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Lenient { key: "", keep: Some }).map(WholeNumber)
    }
}

/// A JSON value read for one field of an object (`inline` of the playbook, `version` of an
/// inline playbook, by the type it is read as); any other value is read through and dropped.
struct Field<T>(Option<T>);

impl<'de> Deserialize<'de> for Field<Field<WholeNumber>> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Lenient { key: "inline", keep: |_| None }).map(Field)
    }
}

impl<'de> Deserialize<'de> for Field<WholeNumber> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Lenient { key: "version", keep: |_| None }).map(Field)
    }
}

/// Visits any JSON value: an object's field `key` is read as `T`, a whole number is kept by
/// `keep`, everything else is read through without being kept.
struct Lenient<T> {
    key: &'static str,
    keep: fn(u64) -> Option<T>,
}

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Lenient<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok((self.keep)(v))
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.key && found.is_none() && !self.key.is_empty() {
                found = map.next_value::<Option<T>>()?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Reads only the top-level `version` of a document, so an unknown version is reported as such
/// rather than as whatever field changed shape; with it, the version of an inline playbook.
///
/// A version is a JSON integer without sign, fraction or exponent (serde_json reads `-0`,
/// `1.0` and `1e0` as floats and `-1` as a negative integer): anything else is
/// [`DocumentError::MissingVersion`]; a whole number this build does not read, 0 included, is
/// [`DocumentError::UnsupportedVersion`].
fn check_version<P: VersionProbe>(json: &str) -> Result<(u32, Option<u32>), DocumentError> {
    let probe: P = serde_json::from_str(json)?;
    let found = probe.version().ok_or(DocumentError::MissingVersion)?;
    match u32::try_from(found) {
        Ok(v) if (1..=FORMAT_VERSION).contains(&v) => Ok((v, probe.inline_version())),
        _ => Err(DocumentError::UnsupportedVersion { found, supported: FORMAT_VERSION }),
    }
}
