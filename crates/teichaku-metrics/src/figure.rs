//! Figures as reports show them: a value, undefined, or withheld to protect small groups.

use serde::{Deserialize, Serialize};

/// A figure in a report.
///
/// A group smaller than the minimum group size is `Suppressed`, never shown as a number or a zero;
/// a figure without a meaning (a rate over nobody) is `Undefined`, never 0.
///
/// ```
/// use teichaku_metrics::Figure;
/// assert_eq!(serde_json::to_string(&Figure::Value(0.5))?, r#"{"value":0.5}"#);
/// assert_eq!(serde_json::to_string(&Figure::<f64>::Suppressed)?, r#""suppressed""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Figure<T> {
    /// The figure.
    Value(T),
    /// It has no meaning here, such as a rate whose denominator is zero.
    Undefined,
    /// Withheld: the group is smaller than the minimum group size.
    Suppressed,
}

impl<T> Figure<T> {
    /// The value, if shown.
    pub fn value(&self) -> Option<&T> {
        match self {
            Figure::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Applies `f` to the value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Figure<U> {
        match self {
            Figure::Value(v) => Figure::Value(f(v)),
            Figure::Undefined => Figure::Undefined,
            Figure::Suppressed => Figure::Suppressed,
        }
    }

    /// `value` for a group of `group` members: undefined for an empty group (nothing to hide),
    /// withheld under `min_group`.
    pub(crate) fn of_group(value: Option<T>, group: u64, min_group: u32) -> Self {
        if group == 0 {
            Figure::Undefined
        } else if group < u64::from(min_group) {
            Figure::Suppressed
        } else {
            value.map_or(Figure::Undefined, Figure::Value)
        }
    }
}

/// A rate with its parts: `rate = numerator ÷ denominator`.
///
/// ```
/// use teichaku_metrics::Rate;
/// let r = Rate::new(3, 4).expect("a denominator");
/// assert_eq!(r.rate, 0.75);
/// assert!(Rate::new(0, 0).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rate {
    /// Members (or records) counted.
    pub numerator: u64,
    /// Members (or records) they are counted among.
    pub denominator: u64,
    /// `numerator ÷ denominator`.
    pub rate: f64,
}

impl Rate {
    /// The rate of `numerator` over `denominator`, or `None` when the denominator is zero.
    pub fn new(numerator: u64, denominator: u64) -> Option<Self> {
        (denominator > 0).then(|| Self { numerator, denominator, rate: numerator as f64 / denominator as f64 })
    }
}

/// The rate figure of `numerator` over a group of `denominator` members.
pub(crate) fn rate_figure(numerator: u64, denominator: u64, min_group: u32) -> Figure<Rate> {
    Figure::of_group(Rate::new(numerator, denominator), denominator, min_group)
}
