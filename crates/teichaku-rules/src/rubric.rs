//! The rubric document: facts, bands, weighted criteria and caps, as written in JSON.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{DocumentError, Limits, Localized, Role};

use crate::id::{CapId, CriterionId, FactName, RubricId};

/// The rubric format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// An evaluation rubric: weighted criteria over named facts, a scale of bands and caps.
///
/// A rubric is plain data; [`compile`](crate::compile) validates it once and resolves fact names,
/// after which [`evaluate`](crate::evaluate) cannot fail on the rubric itself.
///
/// # Example
///
/// ```
/// let rubric = teichaku_rules::parse_rubric(r#"{
///   "version": 1, "id": "tiny", "revision": 1,
///   "title": { "en": "Tiny", "ja": "小" },
///   "effective_from": "2026-04-01",
///   "facts": [{ "name": "used", "kind": "boolean" }],
///   "bands": [{ "name": "A", "min_score": 50 }, { "name": "B", "min_score": 0 }],
///   "criteria": [{ "id": "used", "title": { "en": "Used", "ja": "利用" }, "fact": "used",
///                  "weight": 1, "scoring": { "boolean": { "when_true": 1 } } }]
/// }"#)?;
/// assert_eq!(rubric.missing, teichaku_rules::MissingPolicy::Renormalise);
/// assert!(rubric.applies_to.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// The format version; [`FORMAT_VERSION`] today.
    pub version: u32,
    /// The rubric's id, recorded in every evaluation.
    pub id: RubricId,
    /// The revision of this rubric, raised on every change and recorded in every evaluation.
    pub revision: u32,
    /// The rubric's title.
    pub title: Localized,
    /// The first day on which the rubric applies.
    pub effective_from: NaiveDate,
    /// The last day on which the rubric applies, if it has been retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<NaiveDate>,
    /// The facts the rubric reads, each with its kind.
    pub facts: Vec<FactDecl>,
    /// The bands, highest first, each with a strictly lower `min_score` than the one before; the
    /// last starts at 0.
    pub bands: Vec<Band>,
    /// The weighted criteria that make up the score; at least one.
    pub criteria: Vec<Criterion>,
    /// Limits on the score or band that apply when their condition holds.
    #[serde(default)]
    pub caps: Vec<Cap>,
    /// The roles the rubric is meant for; empty means everyone.
    #[serde(default)]
    pub applies_to: Vec<Role>,
    /// What to do when a fact the rubric reads is missing.
    #[serde(default)]
    pub missing: MissingPolicy,
}

/// Declares a fact the rubric reads.
///
/// ```
/// use teichaku_rules::{FactDecl, FactKind};
/// let fact: FactDecl = serde_json::from_str(r#"{ "name": "grade", "kind": { "enumeration": ["g1", "g2"] } }"#)?;
/// assert_eq!(fact.kind, FactKind::Enumeration(vec!["g1".into(), "g2".into()]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDecl {
    /// The fact's name, unique in the rubric.
    pub name: FactName,
    /// What values the fact takes.
    pub kind: FactKind,
    /// For a number fact, the values it may take, both ends included: a value outside is
    /// [`EvaluationError::OutOfRange`](crate::EvaluationError::OutOfRange), not a score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<FactRange>,
    /// Whether evaluation needs the fact whatever the rubric's `missing` policy: a missing
    /// required fact is [`EvaluationError::RequiredFactsMissing`](crate::EvaluationError::RequiredFactsMissing),
    /// never left out or read as zero.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
}

/// The values a number fact may take, both ends included.
///
/// Both ends are finite and within ±[`MAX_MAGNITUDE`], and `min <= max`.
///
/// ```
/// use teichaku_rules::FactRange;
/// let range: FactRange = serde_json::from_str(r#"{ "min": 0, "max": 28 }"#)?;
/// assert!(range.contains(28.0) && !range.contains(29.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactRange {
    /// The lowest value allowed.
    pub min: f64,
    /// The highest value allowed.
    pub max: f64,
}

impl FactRange {
    /// Whether `value` lies within the range, both ends included.
    pub fn contains(&self, value: f64) -> bool {
        (self.min..=self.max).contains(&value)
    }
}

/// The largest weight a criterion may have: weights lie in `(0, MAX_WEIGHT]`, so the sum of the
/// weights of every criterion a rubric may have stays finite and exact enough.
///
/// ```
/// assert_eq!(teichaku_rules::MAX_WEIGHT, 1e6);
/// ```
pub const MAX_WEIGHT: f64 = 1e6;

/// The largest magnitude of a number written in a rubric's scorings, conditions and fact ranges
/// (`linear.from`, `linear.to`, `steps.at_least`, `compare.value`, `range.min`, `range.max`):
/// within ±`MAX_MAGNITUDE`, no difference of two of them, nor of one of them and a finite fact,
/// can overflow.
///
/// ```
/// assert_eq!(teichaku_rules::MAX_MAGNITUDE, 1e12);
/// ```
pub const MAX_MAGNITUDE: f64 = 1e12;

fn is_false(b: &bool) -> bool {
    !*b
}

/// What values a fact takes.
///
/// ```
/// use teichaku_rules::FactKind;
/// assert_eq!(serde_json::to_string(&FactKind::Number)?, "\"number\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FactKind {
    /// A finite number, such as a count of days.
    Number,
    /// True or false, such as "the goal sheet has its AI entry".
    Boolean,
    /// One of a fixed list of texts, such as a grade.
    Enumeration(Vec<String>),
}

impl FactKind {
    /// The kind without its values, for messages.
    ///
    /// ```
    /// use teichaku_rules::{FactKind, ValueKind};
    /// assert_eq!(FactKind::Enumeration(vec![]).value_kind(), ValueKind::Enumeration);
    /// ```
    pub fn value_kind(&self) -> ValueKind {
        match self {
            FactKind::Number => ValueKind::Number,
            FactKind::Boolean => ValueKind::Boolean,
            FactKind::Enumeration(_) => ValueKind::Enumeration,
        }
    }
}

/// The kind of a fact or value, without enumeration values.
///
/// ```
/// use teichaku_rules::ValueKind;
/// assert_eq!(ValueKind::Number.to_string(), "number");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValueKind {
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// An enumeration value.
    Enumeration,
}

impl std::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueKind::Number => "number",
            ValueKind::Boolean => "boolean",
            ValueKind::Enumeration => "enumeration",
        })
    }
}

/// A band of the scale, such as `A` from 75 points.
///
/// A total belongs to the first band (highest first) whose `min_score` it reaches.
///
/// ```
/// use teichaku_rules::Band;
/// let band: Band = serde_json::from_str(r#"{ "name": "A", "min_score": 75 }"#)?;
/// assert_eq!(band.min_score, 75.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band's name, unique in the rubric.
    pub name: String,
    /// The lowest total, in `[0, 100]`, that reaches this band.
    pub min_score: f64,
}

/// One weighted criterion: a fact scored into an achievement between 0 and 1.
///
/// ```
/// use teichaku_rules::{Criterion, Scoring};
/// let c: Criterion = serde_json::from_str(r#"{
///   "id": "usage", "title": { "en": "Usage", "ja": "利用" }, "fact": "usage_days_28",
///   "weight": 2, "scoring": { "linear": { "from": 0, "to": 16 } } }"#)?;
/// assert_eq!(c.scoring, Scoring::Linear { from: 0.0, to: 16.0 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The criterion's id, unique in the rubric.
    pub id: CriterionId,
    /// The criterion's title.
    pub title: Localized,
    /// The fact it scores.
    pub fact: FactName,
    /// Its weight: finite and positive; only ratios between weights matter.
    pub weight: f64,
    /// How the fact becomes an achievement in `[0, 1]`.
    pub scoring: Scoring,
}

/// How a fact becomes an achievement in `[0, 1]`.
///
/// ```
/// use teichaku_rules::Scoring;
/// let s = Scoring::Linear { from: 10.0, to: 0.0 };
/// assert_eq!(s.achievement_of_number(5.0), Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Scoring {
    /// A number fact: 0 at `from`, 1 at `to`, straight in between and clipped outside.
    /// `from > to` means lower is better.
    Linear {
        /// The value worth nothing.
        from: f64,
        /// The value worth the full weight.
        to: f64,
    },
    /// A number fact: the score of the last step whose `at_least` the value reaches, or 0
    /// below the first step. Steps are strictly ascending in `at_least`.
    Steps(Vec<Step>),
    /// A boolean fact: `when_true` when true, `1 - when_true` when false.
    Boolean {
        /// The achievement, in `[0, 1]`, when the fact is true.
        when_true: f64,
    },
}

impl Scoring {
    /// The achievement of a number value, or `None` for a boolean scoring.
    ///
    /// ```
    /// use teichaku_rules::{Scoring, Step};
    /// let s = Scoring::Steps(vec![Step { at_least: 1.0, score: 0.5 }, Step { at_least: 3.0, score: 1.0 }]);
    /// assert_eq!(s.achievement_of_number(0.0), Some(0.0));
    /// assert_eq!(s.achievement_of_number(2.0), Some(0.5));
    /// ```
    pub fn achievement_of_number(&self, value: f64) -> Option<f64> {
        match self {
            Scoring::Linear { from, to } => Some(((value - from) / (to - from)).clamp(0.0, 1.0)),
            Scoring::Steps(steps) => {
                Some(steps.iter().take_while(|step| value >= step.at_least).last().map_or(0.0, |step| step.score))
            }
            Scoring::Boolean { .. } => None,
        }
    }

    /// The achievement of a boolean value, or `None` for a number scoring.
    ///
    /// ```
    /// use teichaku_rules::Scoring;
    /// assert_eq!(Scoring::Boolean { when_true: 1.0 }.achievement_of_boolean(false), Some(0.0));
    /// ```
    pub fn achievement_of_boolean(&self, value: bool) -> Option<f64> {
        match self {
            Scoring::Boolean { when_true } => Some(if value { *when_true } else { 1.0 - when_true }),
            Scoring::Linear { .. } | Scoring::Steps(_) => None,
        }
    }

    /// The kind of fact this scoring reads.
    ///
    /// ```
    /// use teichaku_rules::{Scoring, ValueKind};
    /// assert_eq!(Scoring::Boolean { when_true: 1.0 }.reads(), ValueKind::Boolean);
    /// ```
    pub fn reads(&self) -> ValueKind {
        match self {
            Scoring::Linear { .. } | Scoring::Steps(_) => ValueKind::Number,
            Scoring::Boolean { .. } => ValueKind::Boolean,
        }
    }
}

/// One step of a [`Scoring::Steps`].
///
/// ```
/// use teichaku_rules::Step;
/// let step: Step = serde_json::from_str(r#"{ "at_least": 2, "score": 0.8 }"#)?;
/// assert_eq!(step.score, 0.8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The lowest value that earns this step.
    pub at_least: f64,
    /// The achievement, in `[0, 1]`, of this step.
    pub score: f64,
}

/// A limit on the total that applies when its condition holds.
///
/// `max_band` lowers the total to the highest total still in that band; `max_score` lowers it to
/// that number; with both, the lower limit wins. At least one must be given.
///
/// ```
/// use teichaku_rules::Cap;
/// let cap: Cap = serde_json::from_str(r#"{ "id": "incident", "max_band": "B",
///   "when": { "compare": { "fact": "incidents", "op": "gt", "value": 0 } } }"#)?;
/// assert_eq!(cap.max_band.as_deref(), Some("B"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cap {
    /// The cap's id, unique in the rubric.
    pub id: CapId,
    /// When the cap applies.
    pub when: Condition,
    /// The highest band reachable while the cap applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_band: Option<String>,
    /// The highest total, in `[0, 100]`, reachable while the cap applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_score: Option<f64>,
}

/// A condition over facts: a tree at most [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH)
/// deep, where a leaf has depth 1.
///
/// A condition is true, false or unknown (when a fact it reads is missing and not read as zero);
/// `all`, `any` and `not` follow three-valued logic, and a cap applies only when its condition is
/// true.
///
/// ```
/// use teichaku_rules::Condition;
/// let c: Condition = serde_json::from_str(r#"{ "all": [
///   { "compare": { "fact": "proposals_implemented", "op": "eq", "value": 0 } },
///   { "not": { "is": { "fact": "goal_sheet_ai_entry", "value": true } } },
///   { "one_of": { "fact": "grade", "values": ["g1"] } } ] }"#)?;
/// assert_eq!(c.depth(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Condition {
    /// True when every part is true (and when there are none).
    All(Vec<Condition>),
    /// True when some part is true (false when there are none).
    Any(Vec<Condition>),
    /// True when the part is false.
    Not(Box<Condition>),
    /// A number fact compared with a number.
    Compare {
        /// The fact, of kind number.
        fact: FactName,
        /// The operator, with the fact on the left.
        op: NumberOp,
        /// The number on the right.
        value: f64,
    },
    /// A boolean fact equal to a value.
    Is {
        /// The fact, of kind boolean.
        fact: FactName,
        /// The value it must have.
        value: bool,
    },
    /// An enumeration fact equal to one of some values.
    OneOf {
        /// The fact, of kind enumeration.
        fact: FactName,
        /// The values that make the condition true; each declared for the fact.
        values: Vec<String>,
    },
}

impl Condition {
    /// How deep the tree is: 1 for a leaf. Stops counting one past
    /// [`MAX_CONDITION_DEPTH`](crate::MAX_CONDITION_DEPTH), so it cannot overflow the stack
    /// on a tree built in code.
    ///
    /// ```
    /// use teichaku_rules::Condition;
    /// assert_eq!(Condition::All(vec![]).depth(), 1);
    /// ```
    pub fn depth(&self) -> usize {
        self.depth_within(crate::MAX_CONDITION_DEPTH + 1)
    }

    fn depth_within(&self, budget: usize) -> usize {
        if budget <= 1 {
            return 1;
        }
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                1 + parts.iter().map(|p| p.depth_within(budget - 1)).max().unwrap_or(0)
            }
            Condition::Not(part) => 1 + part.depth_within(budget - 1),
            Condition::Compare { .. } | Condition::Is { .. } | Condition::OneOf { .. } => 1,
        }
    }
}

/// A comparison operator for number facts.
///
/// ```
/// use teichaku_rules::NumberOp;
/// assert!(NumberOp::Ne.holds(1.0, 2.0));
/// assert_eq!(serde_json::to_string(&NumberOp::Ge)?, "\"ge\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumberOp {
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
}

impl NumberOp {
    /// Whether `left op right` holds.
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            NumberOp::Lt => left < right,
            NumberOp::Le => left <= right,
            NumberOp::Gt => left > right,
            NumberOp::Ge => left >= right,
            NumberOp::Eq => left == right,
            NumberOp::Ne => left != right,
        }
    }
}

/// What evaluation does when a fact the rubric reads has no value.
///
/// Whatever the policy, the evaluation lists each missing fact and how it was treated.
///
/// ```
/// use teichaku_rules::MissingPolicy;
/// assert_eq!(MissingPolicy::default(), MissingPolicy::Renormalise);
/// assert_eq!(serde_json::to_string(&MissingPolicy::Zero)?, "\"zero\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingPolicy {
    /// Evaluation fails, naming every missing fact.
    Error,
    /// A missing number reads as 0 and a missing boolean as false, in criteria and conditions
    /// alike; a missing enumeration leaves the conditions reading it unknown.
    Zero,
    /// Criteria reading a missing fact are left out and the other weights renormalised;
    /// conditions reading it are unknown.
    #[default]
    Renormalise,
}

/// Reads a rubric from JSON, without validating it (see [`compile`](crate::compile)).
///
/// A leading UTF-8 byte-order mark is ignored, as in assessment and playbook documents.
///
/// # Errors
///
/// Returns the JSON error when the text is not a rubric document, including on unknown fields.
///
/// # Example
///
/// ```
/// assert!(teichaku_rules::parse_rubric(r#"{ "version": 1 }"#).is_err());
/// let json = teichaku_rules::AI_USE_IN_APPRAISAL_JSON;
/// assert_eq!(teichaku_rules::parse_rubric(&format!("\u{feff}{json}"))?, teichaku_rules::parse_rubric(json)?);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn parse_rubric(json: &str) -> Result<Rubric, serde_json::Error> {
    serde_json::from_str(strip_bom(json))
}

/// Reads a rubric from JSON within `limits`, without validating it (see
/// [`compile_with_limits`](crate::compile_with_limits)): the text's size, longest string and
/// nesting are checked before it is parsed.
///
/// # Errors
///
/// [`DocumentError::LimitExceeded`] for a text past `limits`, [`DocumentError::Syntax`] when it
/// is not a rubric document.
///
/// # Example
///
/// ```
/// use teichaku_model::{DocumentError, Limit, Limits};
/// let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
/// assert!(matches!(
///     teichaku_rules::parse_rubric_with_limits(&deep, &Limits::DEFAULT),
///     Err(DocumentError::LimitExceeded { what: Limit::Nesting, found: 200, .. })
/// ));
/// ```
pub fn parse_rubric_with_limits(json: &str, limits: &Limits) -> Result<Rubric, DocumentError> {
    let json = strip_bom(json);
    teichaku_model::check_json_limits(json, limits)?;
    Ok(serde_json::from_str(json)?)
}

/// `json` without a leading UTF-8 byte-order mark (RFC 8259 §8.1 lets a parser ignore one).
fn strip_bom(json: &str) -> &str {
    json.strip_prefix('\u{feff}').unwrap_or(json)
}
