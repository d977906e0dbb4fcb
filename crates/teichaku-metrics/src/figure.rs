//! Figures as reports show them: a value, undefined, withheld to protect small groups, or not
//! measurable from the usage data's granularity.

use serde::{Deserialize, Serialize};

/// A figure in a report.
///
/// A group smaller than the minimum group size is `Suppressed`, never shown as a number or a zero;
/// a figure without a meaning (a rate over nobody) is `Undefined`, never 0; a figure the usage
/// data is too coarse to give (a 4-of-7-day habit from monthly records) is `NotMeasurable`, never
/// guessed. Withholding comes first: a small group's figure is `Suppressed` whatever the data.
///
/// ```
/// use teichaku_metrics::Figure;
/// assert_eq!(serde_json::to_string(&Figure::Value(0.5))?, r#"{"value":0.5}"#);
/// assert_eq!(serde_json::to_string(&Figure::<f64>::Suppressed)?, r#""suppressed""#);
/// assert_eq!(serde_json::to_string(&Figure::<f64>::NotMeasurable)?, r#""not_measurable""#);
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
    /// The usage data is too coarse for it: some member's usage is known only as period
    /// records (or day records without the number of uses or the minutes) that do not settle
    /// the figure. `docs/metrics.md` lists the granularity each figure needs.
    NotMeasurable,
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
            Figure::NotMeasurable => Figure::NotMeasurable,
        }
    }

    /// `self`, or [`Figure::NotMeasurable`] when it would show a value or be undefined and
    /// `unknown` holds: withholding a small group comes first.
    ///
    /// ```
    /// use teichaku_metrics::Figure;
    /// assert_eq!(Figure::Value(1).unless_measurable(true), Figure::NotMeasurable);
    /// assert_eq!(Figure::<u8>::Suppressed.unless_measurable(true), Figure::Suppressed);
    /// assert_eq!(Figure::Value(1).unless_measurable(false), Figure::Value(1));
    /// ```
    #[must_use]
    pub fn unless_measurable(self, unknown: bool) -> Self {
        match self {
            Figure::Suppressed => Figure::Suppressed,
            _ if unknown => Figure::NotMeasurable,
            other => other,
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
