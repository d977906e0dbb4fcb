//! Typed identifiers: uuid newtypes for organisation records, slug newtypes for playbook items.
//!
//! Organisation records (units, members, proposals, ...) are identified by uuids inside the
//! engine. Members and units may instead be named by the organisation's own keys (an employee
//! number, an e-mail address, a department code): a key is turned into a uuid deterministically
//! ([`MemberId::from_key`], [`UnitId::from_key`]), so a document may give only keys.
//! Playbook items (phases, activities, criteria, interventions) are written by people and read in
//! graphs and reports, so their ids are short slugs such as `kick-off`.
//! Both kinds are distinct types, so a member id can never be passed where a unit id belongs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The longest slug accepted, in bytes.
pub const MAX_SLUG_LEN: usize = 64;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        uuid_id!(@common $(#[$meta])* $name);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Uuid::deserialize(deserializer).map(Self)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "format": "uuid" })
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, keyed $kind:literal) => {
        uuid_id!(@common $(#[$meta])* $name);

        impl $name {
            /// The id derived from the organisation's own key for the record: the UUID v5 of
            /// the text
            #[doc = concat!("`", $kind, ":` followed by the key, in [`KEY_NAMESPACE`].")]
            /// A key holding `@` (an e-mail address or a UPN) is ASCII lower-cased first, so
            /// e-mail addresses match whatever their case; every other key is taken exactly.
            pub fn from_key(key: &str) -> Self {
                Self(derive_uuid($kind, key))
            }

            /// Reads a reference: a UUID, or else the organisation's own key ([`Self::from_key`]).
            ///
            /// # Errors
            ///
            /// [`KeyError`] for an empty text or one longer than [`MAX_KEY_BYTES`].
            pub fn from_ref(text: &str) -> Result<Self, KeyError> {
                check_key(text)?;
                Ok(Uuid::parse_str(text).map_or_else(|_| Self::from_key(text), Self))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::from_ref(&text).map_err(|e| <D::Error as serde::de::Error>::custom(format!(concat!($kind, ": {}"), e)))
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": MAX_KEY_BYTES,
                    "description": concat!("A UUID, or the organisation's own key of the ", $kind, " (see docs/format.md)")
                })
            }
        }
    };
    (@common $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps a uuid minted by the caller.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// Wraps the uuid whose 128 bits are `n`: handy for tests and generated data.
            pub const fn from_u128(n: u128) -> Self {
                Self(Uuid::from_u128(n))
            }

            /// The underlying uuid.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

/// The namespace of the UUIDs derived from an organisation's own keys (UUID v5, RFC 9562):
/// `070108ed-e583-48ee-995e-5cc73593151d`, fixed for good, so a key gives the same id in every
/// document, run and version.
///
/// ```
/// use teichaku_model::{MemberId, UnitId, KEY_NAMESPACE};
/// assert_eq!(KEY_NAMESPACE.to_string(), "070108ed-e583-48ee-995e-5cc73593151d");
/// // The member keyed `E001`: the UUID v5 of `member:E001`.
/// assert_eq!(MemberId::from_key("E001").to_string(), "ba5b0234-a5c2-5568-8401-9ad3de42f0ec");
/// // E-mail addresses are compared without regard to ASCII case.
/// assert_eq!(MemberId::from_key("Sato@Example.JP"), MemberId::from_key("sato@example.jp"));
/// assert_ne!(MemberId::from_key("e001"), MemberId::from_key("E001"));
/// assert_eq!(UnitId::from_key("本社/営業部"), UnitId::from_ref("本社/営業部")?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const KEY_NAMESPACE: Uuid = Uuid::from_u128(0x0701_08ed_e583_48ee_995e_5cc7_3593_151d);

/// The longest key of a member or unit, in bytes.
pub const MAX_KEY_BYTES: usize = 256;

/// Why a text is not a key of a member or unit.
///
/// ```
/// use teichaku_model::{KeyError, MemberId};
/// assert_eq!(MemberId::from_ref(""), Err(KeyError::Empty));
/// assert_eq!(KeyError::Empty.to_string(), "a key cannot be empty");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is empty.
    #[error("a key cannot be empty")]
    Empty,
    /// The text is longer than [`MAX_KEY_BYTES`].
    #[error("a key is at most {MAX_KEY_BYTES} bytes, this one has {len}")]
    TooLong {
        /// Its length, in bytes.
        len: usize,
    },
}

/// Checks `text` may be a key: not empty, at most [`MAX_KEY_BYTES`].
pub(crate) fn check_key(text: &str) -> Result<(), KeyError> {
    if text.is_empty() {
        Err(KeyError::Empty)
    } else if text.len() > MAX_KEY_BYTES {
        Err(KeyError::TooLong { len: text.len() })
    } else {
        Ok(())
    }
}

/// The text a key is compared by: ASCII lower-case when it holds `@` (an e-mail address or UPN),
/// else the key exactly.
///
/// ```
/// use teichaku_model::normalise_key;
/// assert_eq!(normalise_key("Sato@Example.JP"), "sato@example.jp");
/// assert_eq!(normalise_key("E001"), "E001");
/// ```
pub fn normalise_key(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains('@') && key.bytes().any(|b| b.is_ascii_uppercase()) {
        key.to_ascii_lowercase().into()
    } else {
        key.into()
    }
}

/// The UUID v5 of `kind:key` (the key normalised) in [`KEY_NAMESPACE`]. The name is written on
/// the stack when it fits (keys are at most [`MAX_KEY_BYTES`]; documents derive an id for each of
/// their members), else on the heap.
fn derive_uuid(kind: &str, key: &str) -> Uuid {
    let key = normalise_key(key);
    let mut buffer = [0u8; 320];
    let length = kind.len() + 1 + key.len();
    match buffer.get_mut(..length) {
        Some(name) => {
            let (head, tail) = name.split_at_mut(kind.len());
            head.copy_from_slice(kind.as_bytes());
            if let Some((colon, rest)) = tail.split_first_mut() {
                *colon = b':';
                rest.copy_from_slice(key.as_bytes());
            }
            Uuid::new_v5(&KEY_NAMESPACE, name)
        }
        None => Uuid::new_v5(&KEY_NAMESPACE, format!("{kind}:{key}").as_bytes()),
    }
}

/// Defines a slug newtype id: `a-z0-9._-`, 1 to 64 bytes, with `Display`, `FromStr`,
/// `Borrow<str>`, serde as a string and a JSON Schema. The text is shared (`Arc<str>`), so
/// copying an id into a result (an instance key, an explanation) allocates nothing, and comparing
/// two copies of one id compares pointers first. Shared by the crates that name things
/// with slugs (the playbook items here, the rubric items in `teichaku-rules`).
#[doc(hidden)]
#[macro_export]
macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(::std::sync::Arc<str>);

        impl $name {
            /// Checks `s` is a slug and wraps it.
            ///
            /// # Errors
            ///
            /// Returns a `SlugError` when `s` is empty, longer than 64 bytes or holds a
            /// character other than `a-z`, `0-9`, `-`, `_` and `.`.
            pub fn new(s: &str) -> ::std::result::Result<Self, $crate::SlugError> {
                $crate::__private::check_slug(s).map(|()| Self(s.into()))
            }

            /// The slug as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::SlugError;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                $crate::__private::check_slug(&s)
                    .map(|()| Self($crate::__private::shared_slug(&s)))
                    .map_err(<D::Error as $crate::__private::serde::de::Error>::custom)
            }
        }

        impl $crate::__private::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut $crate::__private::schemars::SchemaGenerator) -> $crate::__private::schemars::Schema {
                $crate::__private::schemars::json_schema!({
                    "type": "string",
                    "pattern": "^[a-z0-9._-]{1,64}$"
                })
            }
        }
    };
}

uuid_id! {
    /// Identifies a [`Unit`](crate::Unit) (a department or team) within one organisation.
    ///
    /// ```
    /// use teichaku_model::UnitId;
    /// let id: UnitId = "00000000-0000-0000-0000-000000000001".parse()?;
    /// assert_eq!(id, UnitId::from_u128(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    UnitId, keyed "unit"
}

uuid_id! {
    /// Identifies a [`Member`](crate::Member) of an organisation.
    ///
    /// ```
    /// use teichaku_model::MemberId;
    /// let id = MemberId::from_u128(7);
    /// assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000007");
    /// ```
    MemberId, keyed "member"
}

uuid_id! {
    /// Identifies one survey response.
    ///
    /// ```
    /// use teichaku_model::SurveyId;
    /// assert_eq!(SurveyId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    SurveyId
}

uuid_id! {
    /// Identifies one improvement proposal.
    ///
    /// ```
    /// use teichaku_model::ProposalId;
    /// assert_eq!(ProposalId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    ProposalId
}

uuid_id! {
    /// Identifies one consultation (a question asked to the desk or an ambassador).
    ///
    /// ```
    /// use teichaku_model::ConsultationId;
    /// assert_eq!(ConsultationId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    ConsultationId
}

uuid_id! {
    /// Identifies one breach of the usage rules.
    ///
    /// ```
    /// use teichaku_model::IncidentId;
    /// assert_eq!(IncidentId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    IncidentId
}

uuid_id! {
    /// Identifies one review of the usage rules.
    ///
    /// ```
    /// use teichaku_model::RuleReviewId;
    /// assert_eq!(RuleReviewId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    RuleReviewId
}

uuid_id! {
    /// Identifies one shared success case.
    ///
    /// ```
    /// use teichaku_model::SuccessCaseId;
    /// assert_eq!(SuccessCaseId::from_u128(3).as_uuid().as_u128(), 3);
    /// ```
    SuccessCaseId
}

slug_id! {
    /// Names a playbook, such as `sme-five-step`.
    ///
    /// ```
    /// use teichaku_model::PlaybookId;
    /// let id = PlaybookId::new("sme-five-step")?;
    /// assert_eq!(id.as_str(), "sme-five-step");
    /// assert!(PlaybookId::new("Not a slug").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    PlaybookId
}

slug_id! {
    /// Names a [`Phase`](crate::Phase) within a playbook.
    ///
    /// ```
    /// use teichaku_model::PhaseId;
    /// assert_eq!(PhaseId::new("trial")?.to_string(), "trial");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    PhaseId
}

slug_id! {
    /// Names an [`Activity`](crate::Activity) within a playbook.
    ///
    /// ```
    /// use teichaku_model::ActivityId;
    /// assert_eq!(ActivityId::new("kick-off")?.as_str(), "kick-off");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ActivityId
}

slug_id! {
    /// Names a [`GateCriterion`](crate::GateCriterion) within a phase's gate.
    ///
    /// ```
    /// use teichaku_model::CriterionId;
    /// assert_eq!(CriterionId::new("habit-30")?.as_str(), "habit-30");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CriterionId
}

slug_id! {
    /// Names an [`Intervention`](crate::Intervention) within a playbook.
    ///
    /// ```
    /// use teichaku_model::InterventionId;
    /// assert_eq!(InterventionId::new("executive-silent")?.as_str(), "executive-silent");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    InterventionId
}

slug_id! {
    /// Names one of the absolute conditions of retention in a [`ScoringModel`](crate::ScoringModel).
    ///
    /// ```
    /// use teichaku_model::ConditionId;
    /// assert_eq!(ConditionId::new("daily-habit")?.as_str(), "daily-habit");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ConditionId
}

slug_id! {
    /// A task category of usage events, such as `email` or `minutes`; organisations pick their own.
    ///
    /// ```
    /// use teichaku_model::TaskCategory;
    /// assert_eq!(TaskCategory::new("meeting-minutes")?.as_str(), "meeting-minutes");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    TaskCategory
}

slug_id! {
    /// The AI tool a usage event was made with, such as `chatgpt` or `copilot`.
    ///
    /// ```
    /// use teichaku_model::ToolId;
    /// assert_eq!(ToolId::new("copilot")?.as_str(), "copilot");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ToolId
}

/// Why a text is not a slug.
///
/// ```
/// use teichaku_model::{PhaseId, SlugError};
/// assert_eq!(PhaseId::new(""), Err(SlugError::Empty));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SlugError {
    /// The text is empty.
    #[error("a slug cannot be empty")]
    Empty,
    /// The text is longer than [`MAX_SLUG_LEN`] bytes.
    #[error("a slug is at most {MAX_SLUG_LEN} bytes, this one has {len}")]
    TooLong {
        /// The length found, in bytes.
        len: usize,
    },
    /// The text holds a character outside `a-z0-9-_.`.
    #[error("a slug holds only a-z, 0-9, `-`, `_` and `.`, found {found:?} at byte {at}")]
    BadCharacter {
        /// The offending character.
        found: char,
        /// Its byte offset.
        at: usize,
    },
}

/// The text of a slug read from a document, shared with the last slugs read on this thread
/// when it equals one of them: a document of millions of usage events naming a few kinds of
/// task and tools then holds each name once, not once per event (an `Arc<str>` of a short name
/// is a 32-byte allocation beside the event's 104 bytes). Only which copy is shared depends on
/// what came before; the text, and so every comparison and output, does not.
pub fn shared_slug(s: &str) -> std::sync::Arc<str> {
    /// How many recent slugs are kept: more than the kinds of task and tools an export usually
    /// names, few enough to compare in a moment.
    const RECENT: usize = 16;
    thread_local! {
        static LAST: std::cell::RefCell<Vec<std::sync::Arc<str>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some(found) = last.iter().find(|x| &***x == s) {
            return found.clone();
        }
        let new: std::sync::Arc<str> = s.into();
        if last.len() >= RECENT {
            last.remove(0);
        }
        last.push(new.clone());
        new
    })
}

/// Whether `s` is a slug: 1 to [`MAX_SLUG_LEN`] bytes of `a-z0-9._-`.
pub fn check_slug(s: &str) -> Result<(), SlugError> {
    if s.is_empty() {
        return Err(SlugError::Empty);
    }
    if s.len() > MAX_SLUG_LEN {
        return Err(SlugError::TooLong { len: s.len() });
    }
    match s.char_indices().find(|&(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '-' | '_' | '.')) {
        Some((at, found)) => Err(SlugError::BadCharacter { found, at }),
        None => Ok(()),
    }
}

/// A fixed, fast hasher for maps keyed by uuid ids ([`UnitId`], [`MemberId`]) that are looked up
/// but never iterated: no randomness (the same hash on every run and machine), and a folded
/// 64 × 64 → 128-bit multiply per 8 bytes written with a finaliser, so a uuid costs a handful of
/// multiplications where SipHash takes a few dozen operations. Ids that differ only in their last bytes (numbered
/// ones) spread over the whole table: every bit written reaches the high and low bits of the hash.
///
/// ```
/// use std::collections::HashMap;
/// use teichaku_model::{IdBuildHasher, UnitId};
///
/// let mut positions: HashMap<UnitId, usize, IdBuildHasher> = HashMap::default();
/// positions.insert(UnitId::from_u128(7), 0);
/// assert_eq!(positions.get(&UnitId::from_u128(7)), Some(&0));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

/// Builds [`IdHasher`]s: the hasher parameter of a map keyed by ids.
///
/// ```
/// use std::hash::BuildHasher;
/// let a = teichaku_model::IdBuildHasher::default().hash_one(teichaku_model::MemberId::from_u128(1));
/// let b = teichaku_model::IdBuildHasher::default().hash_one(teichaku_model::MemberId::from_u128(1));
/// assert_eq!(a, b);
/// ```
pub type IdBuildHasher = std::hash::BuildHasherDefault<IdHasher>;

impl IdHasher {
    /// An odd constant with well spread bits (the fractional part of π).
    const K: u64 = 0x243f_6a88_85a3_08d3;

    fn mix(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word).wrapping_add(1) * u128::from(Self::K);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.mix(u64::from_le_bytes(word) ^ (rest.len() as u64) << 56);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser: every bit of the state reaches every bit of the hash.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod id_hasher_tests {
    use std::collections::{BTreeSet, HashMap};
    use std::hash::BuildHasher;

    use super::{IdBuildHasher, MemberId, UnitId};

    #[test]
    fn numbered_ids_spread_over_the_low_and_high_bits() {
        // 100,000 ids differing in their last bytes, as numbered keys and generated documents
        // give: the low 17 bits (a table's bucket) and the top 7 (its tag) take many values.
        let hashes: Vec<u64> =
            (0..100_000u128).map(|i| IdBuildHasher::default().hash_one(UnitId::from_u128((1 << 32) + i))).collect();
        let low: BTreeSet<u64> = hashes.iter().map(|h| h & 0x1_ffff).collect();
        let top: BTreeSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(low.len() > 60_000, "{} distinct buckets", low.len());
        assert_eq!(top.len(), 128);
        let all: BTreeSet<u64> = hashes.iter().copied().collect();
        assert_eq!(all.len(), hashes.len());
    }

    #[test]
    fn a_map_keyed_by_ids_finds_every_id_and_no_other() {
        let ids: Vec<MemberId> = (0..5_000u128).map(|i| MemberId::from_u128(i * 7919)).collect();
        let map: HashMap<MemberId, usize, IdBuildHasher> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(id), Some(&i));
        }
        assert_eq!(map.get(&MemberId::from_u128(1)), None);
    }

    #[test]
    fn the_hash_is_fixed() {
        // The same on every run and machine: no random keys.
        let h = IdBuildHasher::default().hash_one(UnitId::from_u128(42));
        assert_eq!(h, IdBuildHasher::default().hash_one(UnitId::from_u128(42)));
        assert_ne!(h, IdBuildHasher::default().hash_one(UnitId::from_u128(43)));
    }
}

#[cfg(test)]
mod derive_tests {
    use super::{KEY_NAMESPACE, Uuid, derive_uuid, normalise_key};

    #[test]
    fn names_on_the_stack_and_on_the_heap_derive_as_the_written_name() {
        // Keys up to past the stack buffer (kinds and keys of any length, e-mail case folded).
        for n in [0, 1, 15, 16, 255, 256, 300, 313, 314, 315, 316, 400, 1000] {
            for key in ["e".repeat(n), format!("{}@X.JP", "a".repeat(n)), "社".repeat(n / 3)] {
                for kind in ["member", "unit"] {
                    let written = format!("{kind}:{}", normalise_key(&key));
                    assert_eq!(derive_uuid(kind, &key), Uuid::new_v5(&KEY_NAMESPACE, written.as_bytes()), "{kind} {n}");
                }
            }
        }
    }
}
