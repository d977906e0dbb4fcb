//! Fixed UTC offsets and the timestamps of usage events.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A fixed offset from UTC, written `+09:00`, `-05:30` or `Z`; within ±14:00.
///
/// The organisation's offset turns event timestamps into local days; teichaku never consults a
/// time-zone database, so the same document gives the same days on every machine.
///
/// ```
/// use teichaku_model::UtcOffset;
/// let tokyo: UtcOffset = "+09:00".parse()?;
/// assert_eq!(tokyo.minutes(), 540);
/// assert_eq!(tokyo.to_string(), "+09:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct UtcOffset(i16);

/// The largest offset accepted, in minutes (14 hours, as on Kiritimati).
pub const MAX_OFFSET_MINUTES: i16 = 14 * 60;

impl UtcOffset {
    /// UTC itself.
    pub const UTC: Self = Self(0);

    /// An offset of `minutes` east of UTC.
    ///
    /// # Errors
    ///
    /// Returns [`OffsetError::OutOfRange`] beyond ±14 hours.
    pub fn from_minutes(minutes: i16) -> Result<Self, OffsetError> {
        if minutes.abs() > MAX_OFFSET_MINUTES { Err(OffsetError::OutOfRange { minutes }) } else { Ok(Self(minutes)) }
    }

    /// Minutes east of UTC.
    pub const fn minutes(self) -> i16 {
        self.0
    }

    /// The same offset as a chrono [`FixedOffset`].
    pub fn to_fixed_offset(self) -> FixedOffset {
        // INVARIANT: |minutes| <= 14 h, well inside chrono's ±24 h range, so the fallback is never taken.
        FixedOffset::east_opt(i32::from(self.0) * 60).unwrap_or_else(|| Utc.fix())
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { '-' } else { '+' };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
    }
}

impl FromStr for UtcOffset {
    type Err = OffsetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "Z" {
            return Ok(Self::UTC);
        }
        let bad = || OffsetError::Unreadable { text: s.chars().take(32).collect() };
        let &[sign, h1, h2, b':', m1, m2] = s.as_bytes() else {
            return Err(bad());
        };
        let sign: i16 = match sign {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(bad()),
        };
        let digit = |c: u8| -> Result<i16, OffsetError> {
            if c.is_ascii_digit() { Ok(i16::from(c - b'0')) } else { Err(bad()) }
        };
        let hours = digit(h1)? * 10 + digit(h2)?;
        let minutes = digit(m1)? * 10 + digit(m2)?;
        if minutes >= 60 {
            return Err(bad());
        }
        Self::from_minutes(sign * (hours * 60 + minutes))
    }
}

impl Serialize for UtcOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for UtcOffset {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UtcOffset".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(Z|[+-][0-9]{2}:[0-9]{2})$",
            "description": "A fixed offset from UTC such as +09:00, within ±14:00."
        })
    }
}

/// Why a text is not a UTC offset.
///
/// ```
/// use teichaku_model::{OffsetError, UtcOffset};
/// assert!(matches!("+15:00".parse::<UtcOffset>(), Err(OffsetError::OutOfRange { .. })));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OffsetError {
    /// Not of the form `+HH:MM`, `-HH:MM` or `Z`.
    #[error("expected a UTC offset such as `+09:00`, found {text:?}")]
    Unreadable {
        /// The text (at most 32 characters of it).
        text: String,
    },
    /// Beyond ±14 hours.
    #[error("a UTC offset lies within ±14:00, found {minutes} minutes")]
    OutOfRange {
        /// The offset found, in minutes.
        minutes: i16,
    },
}

/// The moment a usage event happened, as the exporting tool wrote it.
///
/// Accepted forms are RFC 3339 with an offset (`2026-04-01T09:30:00+09:00`, `...Z`) and a local
/// date-time without one (`2026-04-01T09:30:00`), which is read in the organisation's offset.
/// The text is kept as given and parsed during validation, so an unreadable timestamp is
/// reported with the record that holds it instead of failing the whole document.
///
/// ```
/// use teichaku_model::{Timestamp, UtcOffset};
/// let ts = Timestamp::from("2026-04-01T09:30:00");
/// let at = ts.resolve(UtcOffset::from_minutes(540)?)?;
/// assert_eq!(at.to_rfc3339(), "2026-04-01T09:30:00+09:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Timestamp(
    /// RFC 3339 with or without an offset.
    Text,
);

/// The longest timestamp text kept inline: RFC 3339 with an offset is 25 bytes, 29 with
/// milliseconds; with `Z`, 20, and 27 with microseconds.
const INLINE: usize = 30;

/// A timestamp's text, kept inline when it is at most [`INLINE`] bytes (the usual forms), so a
/// document of millions of usage events does not allocate once per event: 32 bytes an event
/// instead of a `String` (24) and its allocation (about 48); a longer text is allocated.
/// Compared, ordered, hashed, shown and written as the text itself.
#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    fn new(s: &str) -> Self {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= INLINE => {
                let mut bytes = [0; INLINE];
                if let Some(place) = bytes.get_mut(..s.len()) {
                    place.copy_from_slice(s.as_bytes());
                }
                Self::Inline { len, bytes }
            }
            _ => Self::Heap(s.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Made from a `str` cut at its end, so always UTF-8.
            Self::Inline { len, bytes } => {
                bytes.get(..usize::from(*len)).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default()
            }
            Self::Heap(s) => s,
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::new(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(if v.len() <= INLINE { Text::new(&v) } else { Text::Heap(v.into_boxed_str()) })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl schemars::JsonSchema for Text {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

impl Timestamp {
    /// The text as given.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Reads the timestamp, taking `local` as the offset when the text carries none.
    ///
    /// # Errors
    ///
    /// Returns [`TimestampError`] when the text is neither RFC 3339 nor a local date-time.
    pub fn resolve(&self, local: UtcOffset) -> Result<DateTime<FixedOffset>, TimestampError> {
        let text = self.as_str();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(at);
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                if let Some(at) = naive.and_local_timezone(local.to_fixed_offset()).single() {
                    return Ok(at);
                }
            }
        }
        Err(TimestampError { text: text.chars().take(64).collect() })
    }
}

impl From<&str> for Timestamp {
    fn from(s: &str) -> Self {
        Self(Text::new(s))
    }
}

impl From<String> for Timestamp {
    fn from(s: String) -> Self {
        Self(if s.len() <= INLINE { Text::new(&s) } else { Text::Heap(s.into_boxed_str()) })
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(at: DateTime<FixedOffset>) -> Self {
        Self::from(at.to_rfc3339())
    }
}

/// A timestamp that is neither RFC 3339 nor a local date-time.
///
/// ```
/// use teichaku_model::{Timestamp, UtcOffset};
/// let err = Timestamp::from("yesterday").resolve(UtcOffset::UTC).unwrap_err();
/// assert_eq!(err.text, "yesterday");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable timestamp {text:?}: expected RFC 3339 such as 2026-04-01T09:30:00+09:00")]
pub struct TimestampError {
    /// The text (at most 64 characters of it).
    pub text: String,
}

/// Days as documents write them, `YYYY-MM-DD` with a four-digit year, read with a message that
/// names the value and the form expected (the field's path is added by the document parser).
pub(crate) mod day {
    use std::borrow::Cow;

    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    /// Reads a day.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        parse(&text).map_err(D::Error::custom)
    }

    /// Reads a day that may be `null`.
    pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        let text = Option::<Cow<'de, str>>::deserialize(deserializer)?;
        text.map(|t| parse(&t).map_err(D::Error::custom)).transpose()
    }

    /// `YYYY-MM-DD`, or a message naming the text and the form.
    pub(crate) fn parse(text: &str) -> Result<NaiveDate, String> {
        // The text as a message shows it, made only for a message.
        let shown = || text.chars().take(32).collect::<String>();
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let form = b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
        match (form, digits(0..4), digits(5..7), digits(8..10)) {
            (true, Some(y @ 1..=9999), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d)
                .ok_or_else(|| format!("{:?} is not a day: there is no such date; expected YYYY-MM-DD", shown())),
            _ => Err(format!("{:?} is not a date: expected YYYY-MM-DD, a year from 0001 to 9999", shown())),
        }
    }
}
