//! Typed identifiers: uuid newtypes for organisation records, slug newtypes for playbook items.
//!
//! Organisation records (units, members, proposals, ...) come from HR and ticketing systems that
//! already mint uuids, so their ids are uuids.
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
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
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

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "format": "uuid" })
            }
        }
    };
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
    UnitId
}

uuid_id! {
    /// Identifies a [`Member`](crate::Member) of an organisation.
    ///
    /// ```
    /// use teichaku_model::MemberId;
    /// let id = MemberId::from_u128(7);
    /// assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000007");
    /// ```
    MemberId
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
