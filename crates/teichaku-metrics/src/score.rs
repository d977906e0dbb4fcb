//! The retention score (定着スコア), its level and its explanation.

use serde::{Deserialize, Serialize};
use teichaku_model::{
    ActivityScope, Comparison, Condition, ConditionId, Kpi, Localized, ScoreComponentKind, ValidSnapshot,
};

use crate::Scope;
use crate::kpis::{Ctx, ScopeFigures};

/// A scope's retention score with everything that decided it.
///
/// `score = 100 × Σ points ÷ Σ weights`, where a component's points are its weight times its
/// achievement (the value over the target, or the target over the value for lower-is-better
/// KPIs, clipped to `[0, 1]`; a KPI without a value earns nothing). When an absolute condition of
/// retention does not hold, the score is capped. Scores are not rounded; the level comes from
/// the unrounded score.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ScoreReport {
    /// The score, 0 to 100, after caps.
    pub score: f64,
    /// The score before caps.
    pub uncapped: f64,
    /// The level the score falls in.
    pub level: Level,
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
    /// The KPI's value; `None` when it has none (it then earns no points) or when it is withheld.
    pub value: Option<f64>,
    /// Whether the value is withheld because its group is under the minimum group size; its
    /// points still count.
    pub withheld: bool,
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
    /// Whether it holds.
    pub holds: bool,
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

pub(crate) fn retention_score(
    snapshot: &ValidSnapshot,
    raw: &ScopeFigures,
    scope: &Scope,
    ctx: &Ctx<'_>,
) -> ScoreReport {
    let model = &snapshot.playbook().scoring;
    let components: Vec<ComponentPoints> = model
        .components
        .iter()
        .map(|c| {
            let value = ctx.kpi_value(raw, c.kpi, false);
            let achievement = value.map_or(0.0, |v| achievement(v, c.target, c.op));
            ComponentPoints {
                component: c.component,
                kpi: c.kpi,
                op: c.op,
                value,
                withheld: false,
                target: c.target,
                weight: c.weight,
                achievement,
                points: c.weight * achievement,
            }
        })
        .collect();
    let total_weight: f64 = components.iter().map(|c| c.weight).sum();
    let points: f64 = components.iter().map(|c| c.points).sum();
    let uncapped = if total_weight > 0.0 { 100.0 * points / total_weight } else { 0.0 };
    let absolute_conditions: Vec<AbsoluteCheck> = model
        .absolute_conditions
        .iter()
        .map(|a| AbsoluteCheck { id: a.id.clone(), title: a.title.clone(), holds: holds(&a.when, raw, scope, ctx) })
        .collect();
    let cap = absolute_conditions.iter().any(|a| !a.holds).then_some(model.cap_without_absolute);
    let score = cap.map_or(uncapped, |c| uncapped.min(c));
    let weekly_active = ctx.kpi_value(raw, Kpi::WeeklyActiveRate, false);
    let failing = raw.days_since_launch >= i64::from(model.failing.after_days)
        && weekly_active.is_some_and(|w| w < model.failing.below);
    ScoreReport { score, uncapped, level: Level::of(score), failing, components, absolute_conditions, cap }
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

/// Whether `condition` holds in `scope`; a KPI without a value makes a comparison false.
pub(crate) fn holds(condition: &Condition, raw: &ScopeFigures, scope: &Scope, ctx: &Ctx<'_>) -> bool {
    match condition {
        Condition::All { of } => of.iter().all(|c| holds(c, raw, scope, ctx)),
        Condition::Any { of } => of.iter().any(|c| holds(c, raw, scope, ctx)),
        Condition::Not { condition } => !holds(condition, raw, scope, ctx),
        Condition::Compare { kpi, op, value } => ctx.kpi_value(raw, *kpi, false).is_some_and(|v| op.holds(v, *value)),
        Condition::RoleCount { role, op, value } => op.holds(ctx.role_count(scope, *role) as f64, *value),
        Condition::ActivityDone { activity } => {
            let per_unit = ctx.snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
            ctx.snapshot.observations().completions.iter().any(|c| {
                &c.activity == activity
                    && c.date <= ctx.as_of_date
                    && match (scope, per_unit) {
                        (Scope::Unit(u), true) => c.unit == Some(*u),
                        _ => true,
                    }
            })
        }
        _ => false,
    }
}
