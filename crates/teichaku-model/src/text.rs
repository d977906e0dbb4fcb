//! Text in the two languages teichaku speaks.

use serde::{Deserialize, Serialize};

/// A language of output.
///
/// ```
/// use teichaku_model::Lang;
/// assert_eq!("ja".parse::<Lang>(), Ok(Lang::Ja));
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Self::En),
            "ja" => Ok(Self::Ja),
            other => Err(format!("unknown language `{other}`: expected `en` or `ja`")),
        }
    }
}

/// A short text given in English and Japanese.
///
/// ```
/// use teichaku_model::{Lang, Localized};
/// let title = Localized::new("Kick-off", "キックオフ");
/// assert_eq!(title.get(Lang::Ja), "キックオフ");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// The English text.
    pub en: String,
    /// The Japanese text.
    pub ja: String,
}

impl Localized {
    /// Builds a text from its English and Japanese forms.
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Self {
        Self { en: en.into(), ja: ja.into() }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}
