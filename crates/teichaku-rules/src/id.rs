//! Slug identifiers for rubrics and the items inside them.
//!
//! Rubrics are written by people and read in appraisal records, so their ids are short slugs
//! such as `ai-use-in-appraisal`, checked by the same rule as the model's playbook slugs.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use teichaku_model::SlugError;

macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(Box<str>);

        impl $name {
            /// Checks `s` is a slug (see [`SlugError`]) and wraps it.
            ///
            /// # Errors
            ///
            /// Returns [`SlugError`] when `s` is empty, longer than
            /// [`MAX_SLUG_LEN`](teichaku_model::MAX_SLUG_LEN) bytes or holds a character other
            /// than `a-z`, `0-9`, `-`, `_` and `.`.
            pub fn new(s: &str) -> Result<Self, SlugError> {
                // The model owns the slug rule; borrow it through one of its slug types.
                teichaku_model::ConditionId::new(s).map(|_| Self(s.into()))
            }

            /// The slug as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = SlugError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": "^[a-z0-9._-]{1,64}$"
                })
            }
        }
    };
}

slug_id! {
    /// Identifies a [`Rubric`](crate::Rubric), such as `ai-use-in-appraisal`.
    ///
    /// ```
    /// use teichaku_rules::RubricId;
    /// let id: RubricId = "ai-use-in-appraisal".parse()?;
    /// assert_eq!(id.as_str(), "ai-use-in-appraisal");
    /// assert!(RubricId::new("AI Use").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    RubricId
}

slug_id! {
    /// Identifies a [`Criterion`](crate::Criterion) within one rubric.
    ///
    /// ```
    /// use teichaku_rules::CriterionId;
    /// assert_eq!(CriterionId::new("usage-days")?.to_string(), "usage-days");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CriterionId
}

slug_id! {
    /// Identifies a [`Cap`](crate::Cap) within one rubric.
    ///
    /// ```
    /// use teichaku_rules::CapId;
    /// assert_eq!(CapId::new("incident")?.as_str(), "incident");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CapId
}

slug_id! {
    /// Names a fact a rubric reads, such as `usage_days_28`.
    ///
    /// ```
    /// use teichaku_rules::FactName;
    /// assert_eq!(FactName::new("incidents")?.as_str(), "incidents");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    FactName
}
