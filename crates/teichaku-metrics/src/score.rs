//! The retention score (定着スコア), its level and its explanation.

use serde::{Deserialize, Serialize};
use teichaku_model::{
    ActivityScope, Comparison, Condition, ConditionId, Kpi, Localized, ScoreComponentKind, ValidSnapshot,
};

use crate::kpis::{Ctx, KpiValues};
use crate::{Figure, Scope};

/// A scope's retention score with everything that decided it.
///
/// `score = 100 × Σ points ÷ Σ weights`, where a component's points are its weight times its
/// achievement (the value over the target, or the target over the value for lower-is-better
/// KPIs, clipped to `[0, 1]`; a KPI without a value earns nothing), over the components whose
/// KPI the scope shows: a withheld one is left out. When an absolute condition of retention is
/// known not to hold, the score is capped. Scores are not rounded; the level comes from
/// the unrounded score, and is at most what the scope's use allows ([`ScoreReport::ceiling`]).
/// A "days since" KPI whose event never happened (no success case, no rule review, no
/// executive use) is the worst value: an `at_most` component earns nothing from it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScoreReport {
    /// The score, 0 to 100, after caps.
    pub score: f64,
    /// The score before caps.
    pub uncapped: f64,
    /// The level: the one the score falls in, lowered to `ceiling` when that is lower.
    pub level: Level,
    /// The highest level the scope's use allows, when it limits anything: `installed` when no
    /// member used AI in the trailing 7 days (zero use is installed, whatever else is in place),
    /// `trial` when weekly-active is under the failing threshold (`failing.below`, 20 % by
    /// default: the seeds call that a failing rollout). `None` when weekly-active is at or over
    /// the threshold, undefined or withheld (a withheld figure never limits the level).
    #[serde(default)]
    pub ceiling: Option<Level>,
    /// Weekly-active under the failing threshold at or after the failing day.
    pub failing: bool,
    /// Each component's part.
    pub components: Vec<ComponentPoints>,
    /// Each absolute condition and whether it holds.
    pub absolute_conditions: Vec<AbsoluteCheck>,
    /// The cap applied, if any absolute condition does not hold.
    pub cap: Option<f64>,
}

/// One component's part in the score.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ComponentPoints {
    /// The component.
    pub component: ScoreComponentKind,
    /// The KPI measuring it.
    pub kpi: Kpi,
    /// Whether higher or lower is better.
    pub op: Comparison,
    /// The KPI's value; `None` when it has none (it then earns no points), when it is withheld,
    /// or for a "days since" KPI whose event never happened (the worst value: no points).
    pub value: Option<f64>,
    /// Whether the value is withheld because its group is under the minimum group size: the
    /// component then earns no points and its weight is left out of the score, which is taken
    /// over the other components.
    pub withheld: bool,
    /// Whether the usage data is too coarse for the KPI ([`crate::Figure::NotMeasurable`]):
    /// the component is then left out and the others renormalised, as a withheld one is,
    /// rather than counted as zero.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_measurable: bool,
    /// The value earning full points.
    pub target: f64,
    /// The component's weight.
    pub weight: f64,
    /// `value` against `target`, clipped to `[0, 1]`.
    pub achievement: f64,
    /// `weight × achievement`.
    pub points: f64,
}

/// Whether one absolute condition of retention holds.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AbsoluteCheck {
    /// The condition.
    pub id: ConditionId,
    /// What it asks for.
    pub title: Localized,
    /// Whether it is known to hold (`false` when it does not, or when it is withheld).
    pub holds: bool,
    /// Whether it turns on a KPI withheld in this scope (a group under the minimum group size):
    /// then it is neither shown to hold nor to fail, and does not cap the score.
    #[serde(default)]
    pub withheld: bool,
}

/// Where a retention score stands.
///
/// ```
/// use teichaku_metrics::Level;
/// assert_eq!(Level::of(59.9), Level::Spreading);
/// assert_eq!(Level::of(60.0), Level::Retained);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// 0 to under 20: installed only (導入のみ).
    Installed,
    /// 20 to under 40: trial (試行).
    Trial,
    /// 40 to under 60: spreading (拡大中).
    Spreading,
    /// 60 to under 80: retained (定着).
    Retained,
    /// 80 to 100: self-driving (自走).
    SelfDriving,
}

impl Level {
    /// The level of an unrounded score.
    pub fn of(score: f64) -> Self {
        match score {
            s if s >= 80.0 => Level::SelfDriving,
            s if s >= 60.0 => Level::Retained,
            s if s >= 40.0 => Level::Spreading,
            s if s >= 20.0 => Level::Trial,
            _ => Level::Installed,
        }
    }
}

/// The score of a shown scope from the KPIs as it shows them (`values`): nothing withheld
/// reaches the score, its explanation or its cap.
pub(crate) fn retention_score(
    snapshot: &ValidSnapshot,
    values: &KpiValues,
    scope: &Scope,
    ctx: &Ctx<'_>,
) -> ScoreReport {
    let model = &snapshot.playbook().scoring;
    let components: Vec<ComponentPoints> = model
        .components
        .iter()
        .map(|c| {
            let figure = values.figure(c.kpi);
            let value = figure.value().copied();
            let achievement = value.map_or(0.0, |v| achievement(v, c.target, c.op));
            ComponentPoints {
                component: c.component,
                kpi: c.kpi,
                op: c.op,
                // "Never" is infinitely many days: no number to show.
                value: value.filter(|v| v.is_finite()),
                withheld: figure == Figure::Suppressed,
                not_measurable: figure == Figure::NotMeasurable,
                target: c.target,
                weight: c.weight,
                achievement,
                points: c.weight * achievement,
            }
        })
        .collect();
    // A withheld component is left out and the others renormalised: its points would give its
    // value away, and counting it as zero would mark every small group down.
    let counted = || components.iter().filter(|c| !c.withheld && !c.not_measurable);
    let total_weight: f64 = counted().map(|c| c.weight).sum();
    let points: f64 = counted().map(|c| c.points).sum();
    let uncapped = if total_weight > 0.0 { 100.0 * points / total_weight } else { 0.0 };
    let absolute_conditions: Vec<AbsoluteCheck> = model
        .absolute_conditions
        .iter()
        .map(|a| {
            let verdict = holds(&a.when, values, scope, ctx);
            AbsoluteCheck {
                id: a.id.clone(),
                title: a.title.clone(),
                holds: verdict == Some(true),
                withheld: verdict.is_none(),
            }
        })
        .collect();
    // Only a condition known not to hold caps the score: a withheld one decides nothing.
    let cap = absolute_conditions.iter().any(|a| !a.holds && !a.withheld).then_some(model.cap_without_absolute);
    let score = cap.map_or(uncapped, |c| uncapped.min(c));
    let days_since_launch = values.get(Kpi::DaysSinceLaunch).unwrap_or(0.0);
    let weekly_active = values.get(Kpi::WeeklyActiveRate);
    let failing = days_since_launch >= f64::from(model.failing.after_days)
        && weekly_active.is_some_and(|w| w < model.failing.below);
    let ceiling = match weekly_active {
        Some(w) if w <= 0.0 => Some(Level::Installed),
        Some(w) if w < model.failing.below => Some(Level::Trial),
        _ => None,
    };
    // Reported only when it lowers the level.
    let ceiling = ceiling.filter(|&c| c < Level::of(score));
    let level = ceiling.unwrap_or(Level::of(score));
    ScoreReport { score, uncapped, level, failing, components, absolute_conditions, cap, ceiling }
}

/// How far `value` gets towards `target`, in `[0, 1]`.
fn achievement(value: f64, target: f64, op: Comparison) -> f64 {
    let a = match op {
        Comparison::AtMost if value <= target => 1.0,
        Comparison::AtMost if value > 0.0 => target / value,
        Comparison::AtMost => 1.0,
        _ if target <= 0.0 => 1.0,
        _ => value / target,
    };
    if a.is_finite() { a.clamp(0.0, 1.0) } else { 0.0 }
}

/// Whether `condition` holds in `scope` as the scope shows its KPIs: `Some(true)` or
/// `Some(false)`, or `None` when it turns on a withheld KPI (three-valued: `all` is false as
/// soon as one part is false, `any` true as soon as one is true). A KPI without a value makes a
/// comparison false. Conditions are at most [`teichaku_model::MAX_CONDITION_DEPTH`] deep
/// (validation refuses deeper ones before anything evaluates them).
pub(crate) fn holds(condition: &Condition, values: &KpiValues, scope: &Scope, ctx: &Ctx<'_>) -> Option<bool> {
    match condition {
        Condition::All { of } => of
            .iter()
            .try_fold(Some(true), |acc, c| match holds(c, values, scope, ctx) {
                Some(false) => Err(()),
                Some(true) => Ok(acc),
                None => Ok(None),
            })
            .unwrap_or(Some(false)),
        Condition::Any { of } => of
            .iter()
            .try_fold(Some(false), |acc, c| match holds(c, values, scope, ctx) {
                Some(true) => Err(()),
                Some(false) => Ok(acc),
                None => Ok(None),
            })
            .unwrap_or(Some(true)),
        Condition::Not { condition } => holds(condition, values, scope, ctx).map(|h| !h),
        Condition::Compare { kpi, op, value } => match values.figure(*kpi) {
            Figure::Value(v) => Some(op.holds(v, *value)),
            // Unknown, as a withheld figure is: the data cannot say whether it holds.
            Figure::Suppressed | Figure::NotMeasurable => None,
            _ => Some(false),
        },
        Condition::RoleCount { role, op, value } => Some(op.holds(ctx.role_count(scope, *role) as f64, *value)),
        Condition::ActivityDone { activity } => {
            let per_unit = ctx.snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
            // A unit's own completions for a per-unit activity; any completion else.
            let days = match (scope, per_unit) {
                (Scope::Unit(u), true) => ctx.snapshot.completion_days(activity, Some(*u)),
                _ => ctx.snapshot.all_completion_days(activity),
            };
            Some(days.first().is_some_and(|&d| d <= ctx.as_of_date))
        }
        Condition::ActivityRecent { activity, within_days } => {
            // Organisation-wide (validated): the newest completion on or before `as_of` counts.
            let days = ctx.snapshot.all_completion_days(activity);
            let last = days.get(..days.partition_point(|&d| d <= ctx.as_of_date)).and_then(<[_]>::last);
            Some(last.is_some_and(|&d| (ctx.as_of_date - d).num_days() < i64::from(*within_days)))
        }
        Condition::Outcome { outcome, op, value, measure } => {
            match crate::outcome_figure(ctx.snapshot, scope, true, outcome, *measure, ctx.as_of_date) {
                Figure::Value(v) => Some(op.holds(v, *value)),
                Figure::Suppressed | Figure::NotMeasurable => None,
                Figure::Undefined => Some(false),
            }
        }
        _ => Some(false),
    }
}
