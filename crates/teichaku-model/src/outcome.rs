//! Outcome KPIs: business measures the organisation records itself (lead acquisition
//! efficiency, cost, revenue contribution, new orders), declared by the playbook and observed
//! as dated values.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ActivityId, ActivityScope, Comparison, Localized, Role, UnitId};

crate::slug_id! {
    /// Names an outcome KPI, such as `lead-acquisition-efficiency`.
    ///
    /// ```
    /// use teichaku_model::OutcomeId;
    /// assert_eq!(OutcomeId::new("revenue-contribution")?.as_str(), "revenue-contribution");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    OutcomeId
}

/// An outcome KPI the playbook declares: what it measures, in which unit, which way is better
/// and who supplies it.
///
/// ```
/// use teichaku_model::{Direction, OutcomeKpi, Role};
/// let o: OutcomeKpi = serde_json::from_str(r#"{
///   "id": "cost", "title": { "en": "Cost of the rollout", "ja": "コスト" },
///   "measured_in": "JPY", "direction": "lower_is_better"
/// }"#)?;
/// assert_eq!((o.direction, o.supplied_by), (Direction::LowerIsBetter, Role::PromotionLead));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeKpi {
    /// The outcome's id, unique within the playbook.
    pub id: OutcomeId,
    /// What is measured.
    pub title: Localized,
    /// How it is measured and where the figure comes from.
    #[serde(default)]
    pub summary: Localized,
    /// The unit of its values, such as `JPY`, `hours` or `orders` (free text, compared exactly).
    pub measured_in: String,
    /// Which way is better.
    pub direction: Direction,
    /// The role that supplies the figure (a review pack names it when the figure is missing).
    #[serde(default = "promotion_lead")]
    pub supplied_by: Role,
}

const fn promotion_lead() -> Role {
    Role::PromotionLead
}

/// A target for an outcome KPI: a threshold its latest record (or change from baseline) should
/// be on the right side of, by a number of days after launch (or after an activity was first
/// done), in the organisation or in each unit. Judged as a [`crate::KpiTarget`] is, on the
/// latest record on or before `as_of` in the scope.
///
/// ```
/// use teichaku_model::{ActivityScope, Comparison, OutcomeMeasure, OutcomeTarget};
/// let t: OutcomeTarget = serde_json::from_str(r#"{
///   "outcome": "new-orders", "measure": "change_from_baseline", "op": "at_least", "value": 0.1,
///   "by_day": 180
/// }"#)?;
/// assert_eq!((t.measure, t.op, t.by_day, t.scope), (OutcomeMeasure::ChangeFromBaseline, Comparison::AtLeast, Some(180), ActivityScope::Organisation));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeTarget {
    /// The outcome KPI, declared by the playbook or the organisation.
    pub outcome: OutcomeId,
    /// What is read from its latest record: the value (the default) or the change from baseline.
    #[serde(default, skip_serializing_if = "OutcomeMeasure::is_value")]
    pub measure: OutcomeMeasure,
    /// Which side of the value is on target.
    pub op: Comparison,
    /// The target value, in the outcome's unit (or as a fraction, for a change from baseline).
    pub value: f64,
    /// Days after launch (or after `after`) by which the target should hold; `None` means at
    /// all times (from launch, or from `after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_day: Option<u32>,
    /// Counts `by_day` from the first completion of this activity instead of from launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ActivityId>,
    /// Where the target is judged: the organisation (the default, on the organisation's own
    /// records) or each unit (on the unit's records).
    #[serde(default, skip_serializing_if = "ActivityScope::is_organisation")]
    pub scope: ActivityScope,
}

/// Which way an outcome KPI is better.
///
/// ```
/// use teichaku_model::Direction;
/// assert!(Direction::HigherIsBetter.improves(1.0, 2.0));
/// assert!(Direction::LowerIsBetter.improves(2.0, 1.0));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Direction {
    /// More is better (revenue contribution, new orders).
    HigherIsBetter,
    /// Less is better (cost, hours spent).
    LowerIsBetter,
}

impl Direction {
    /// Whether going from `before` to `after` is an improvement.
    pub fn improves(self, before: f64, after: f64) -> bool {
        match self {
            Direction::HigherIsBetter => after > before,
            Direction::LowerIsBetter => after < before,
        }
    }
}

/// One recorded value of an outcome KPI: for the organisation or one unit, on a day or over a
/// period ending on `date`, optionally beside the baseline it is compared with.
///
/// ```
/// use teichaku_model::OutcomeRecord;
/// let r: OutcomeRecord = serde_json::from_str(r#"{
///   "outcome": "new-orders", "from": "2026-06-01", "date": "2026-06-30",
///   "value": 42, "measured_in": "orders", "baseline": 35
/// }"#)?;
/// assert_eq!(r.change_from_baseline(), Some(0.2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OutcomeRecord {
    /// The outcome KPI, declared by the playbook.
    pub outcome: OutcomeId,
    /// The unit the value is about; absent for the whole organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// The first day of the period measured, for a value over a period; absent for a value on one day.
    #[serde(
        default,
        deserialize_with = "crate::time::day::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub from: Option<NaiveDate>,
    /// The day measured, or the last day of the period.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// The value, in the declared unit; finite.
    pub value: f64,
    /// The unit of the value; when given it must be the declared one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_in: Option<String>,
    /// The value before the rollout (or in the period compared with), in the same unit; finite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<f64>,
}

impl OutcomeRecord {
    /// The change from the baseline as a fraction of the baseline's size (`0.2` is 20% more);
    /// `None` without a baseline or with a baseline of 0.
    pub fn change_from_baseline(&self) -> Option<f64> {
        let baseline = self.baseline.filter(|b| *b != 0.0)?;
        let change = (self.value - baseline) / baseline.abs();
        change.is_finite().then_some(change)
    }

    /// The figure `measure` reads from this record.
    pub fn measure(&self, measure: OutcomeMeasure) -> Option<f64> {
        match measure {
            OutcomeMeasure::Value => Some(self.value),
            OutcomeMeasure::ChangeFromBaseline => self.change_from_baseline(),
        }
    }
}

/// What a gate criterion or a condition reads from an outcome's latest record.
///
/// ```
/// use teichaku_model::OutcomeMeasure;
/// assert_eq!(serde_json::to_string(&OutcomeMeasure::ChangeFromBaseline)?, "\"change_from_baseline\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OutcomeMeasure {
    /// The value itself, in the declared unit.
    #[default]
    Value,
    /// The change from the record's baseline, as a fraction of the baseline (0.1 is 10% more).
    ChangeFromBaseline,
}

impl OutcomeMeasure {
    /// Whether it is [`OutcomeMeasure::Value`], the default.
    pub fn is_value(&self) -> bool {
        *self == OutcomeMeasure::Value
    }
}

/// The latest record of `outcome` for `unit` (the organisation for `None`) dated on or before
/// `as_of`; among records of one date, the last in the list.
///
/// ```
/// use teichaku_model::{latest_outcome, OutcomeId, OutcomeRecord};
/// let at = |date: &str, value: f64| OutcomeRecord::new(OutcomeId::new("cost").unwrap(), date.parse().unwrap(), value);
/// let records = [at("2026-05-31", 3.0), at("2026-06-30", 2.0), at("2026-07-31", 1.0)];
/// let cost = OutcomeId::new("cost")?;
/// let latest = latest_outcome(&records, &cost, None, "2026-07-01".parse()?);
/// assert_eq!(latest.map(|r| r.value), Some(2.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn latest_outcome<'a>(
    records: &'a [OutcomeRecord],
    outcome: &OutcomeId,
    unit: Option<UnitId>,
    as_of: NaiveDate,
) -> Option<&'a OutcomeRecord> {
    records.iter().filter(|r| &r.outcome == outcome && r.unit == unit && r.date <= as_of).fold(
        None,
        |best: Option<&OutcomeRecord>, r| match best {
            Some(b) if b.date > r.date => Some(b),
            _ => Some(r),
        },
    )
}
