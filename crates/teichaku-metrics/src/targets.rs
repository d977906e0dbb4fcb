//! The KPI and outcome targets of the playbook and of the organisation judged on `as_of`: met,
//! missed (by how much), or not yet due.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_model::{ActivityId, ActivityScope, Comparison, Kpi, OutcomeId, OutcomeMeasure, ValidSnapshot};

use crate::{Figure, Scope, ScopeKpis, outcome_figure};

/// One KPI target of the playbook in one scope on `as_of`.
///
/// A target is due from its due day on: `launch + by_day`, or, with `after`, the first completion
/// of that activity (in the unit, for a per-unit activity judged per unit) plus `by_day`; a target
/// without `by_day` is due from launch (or from the completion). A due target is `met` when the
/// scope's value is on the target's side of the threshold, `missed` when not (with the shortfall,
/// how far the value is from the threshold), `withheld` when the scope withholds the KPI (a group
/// under the minimum group size: neither its value nor whether it is met is shown), and
/// `undefined` when the KPI has no value. A "days since" KPI whose event never happened misses
/// an `at_most` target with no value and no shortfall.
///
/// ```
/// use teichaku_metrics::TargetState;
/// assert_eq!(serde_json::to_string(&TargetState::NotYetDue)?, r#""not_yet_due""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TargetStatus {
    /// The KPI.
    pub kpi: Kpi,
    /// Which side of the threshold is on target.
    pub op: Comparison,
    /// The threshold: the target line a chart of the KPI draws from `due` on.
    pub threshold: f64,
    /// Days after launch (or after `after`) it is due by, as the playbook gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_day: Option<u32>,
    /// The activity whose first completion it counts from, as the playbook gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ActivityId>,
    /// The scope judged.
    pub scope: Scope,
    /// The day from which the target should hold; `None` while its `after` activity is not done.
    pub due: Option<NaiveDate>,
    /// Met, missed, not yet due, withheld or undefined.
    pub state: TargetState,
    /// The scope's value on `as_of`, when shown and finite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// For a missed target, how far the value is from the threshold (a positive number in the
    /// KPI's unit), when it has a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<f64>,
    /// For a missed target, days since it fell due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_missed: Option<i64>,
}

/// Where a target stands.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetState {
    /// Due, and the value is on target.
    Met,
    /// Due, and the value is not on target.
    Missed,
    /// Its due day has not come (or its `after` activity is not done).
    NotYetDue,
    /// The scope withholds the KPI: nothing is shown.
    Withheld,
    /// The KPI has no value in the scope.
    Undefined,
    /// The usage data is too coarse for the KPI in the scope ([`crate::Figure::NotMeasurable`]).
    NotMeasurable,
}

/// One outcome target (the playbook's or the organisation's) in one scope on `as_of`: judged as
/// a [`TargetStatus`] is, on the figure the target's `measure` reads from the latest record of
/// the outcome in the scope dated on or before `as_of` (the organisation's own records, or the
/// unit's). No record is `undefined`; a withheld scope is `withheld` and shows nothing.
///
/// ```
/// use teichaku_metrics::{OutcomeTargetStatus, TargetState};
/// let t: OutcomeTargetStatus = serde_json::from_str(r#"{
///   "outcome": "ai-cost", "op": "at_most", "threshold": 500000, "by_day": 90,
///   "scope": { "kind": "organisation" }, "due": "2026-06-30", "state": "missed",
///   "value": 620000, "shortfall": 120000, "days_missed": 3
/// }"#)?;
/// assert_eq!((t.state, t.shortfall), (TargetState::Missed, Some(120000.0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OutcomeTargetStatus {
    /// The outcome KPI.
    pub outcome: OutcomeId,
    /// What is read from its latest record.
    #[serde(default, skip_serializing_if = "OutcomeMeasure::is_value")]
    pub measure: OutcomeMeasure,
    /// Which side of the threshold is on target.
    pub op: Comparison,
    /// The threshold.
    pub threshold: f64,
    /// Days after launch (or after `after`) it is due by, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_day: Option<u32>,
    /// The activity whose first completion it counts from, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ActivityId>,
    /// The scope judged.
    pub scope: Scope,
    /// The day from which the target should hold; `None` while its `after` activity is not done.
    pub due: Option<NaiveDate>,
    /// Met, missed, not yet due, withheld or undefined.
    pub state: TargetState,
    /// The figure on `as_of`, when shown and finite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// For a missed target, how far the figure is from the threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall: Option<f64>,
    /// For a missed target, days since it fell due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_missed: Option<i64>,
}

/// A target's verdict: its state, value, shortfall and days missed.
struct Verdict {
    state: TargetState,
    value: Option<f64>,
    shortfall: Option<f64>,
    days_missed: Option<i64>,
}

/// Judges a figure against a threshold from `due` on: shared by KPI and outcome targets.
fn judge(figure: Figure<f64>, op: Comparison, threshold: f64, due: Option<NaiveDate>, as_of: NaiveDate) -> Verdict {
    let mut v = Verdict { state: TargetState::NotYetDue, value: None, shortfall: None, days_missed: None };
    let Some(due) = due.filter(|&d| d <= as_of) else { return v };
    v.state = match figure {
        Figure::Suppressed => TargetState::Withheld,
        Figure::NotMeasurable => TargetState::NotMeasurable,
        Figure::Value(x) if op.holds(x, threshold) => TargetState::Met,
        Figure::Value(x) => {
            v.shortfall = x.is_finite().then(|| (x - threshold).abs());
            v.days_missed = Some((as_of - due).num_days());
            TargetState::Missed
        }
        _ => TargetState::Undefined,
    };
    if v.state != TargetState::Withheld {
        v.value = figure.value().copied().filter(|x| x.is_finite());
    }
    v
}

/// The scopes of `scopes` a target of `scope` is judged in.
fn judged_in(scope: ActivityScope, scopes: &[ScopeKpis]) -> impl Iterator<Item = &ScopeKpis> {
    scopes.iter().filter(move |s| match scope {
        ActivityScope::PerUnit => matches!(s.scope, Scope::Unit(_)),
        _ => s.scope == Scope::Organisation,
    })
}

/// The day a target falls due in `scope`: `by_day` days after launch or after `after`'s first
/// completion; `None` while that activity is not done.
fn due_day(
    snapshot: &ValidSnapshot,
    by_day: Option<u32>,
    after: Option<&ActivityId>,
    scope: &Scope,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let from = match after {
        None => Some(snapshot.organisation().launch_date),
        Some(activity) => first_done(snapshot, activity, scope, as_of),
    };
    from.and_then(|d| d.checked_add_days(Days::new(u64::from(by_day.unwrap_or(0)))))
}

/// Every KPI target of the playbook and of the organisation in every scope it names that
/// `scopes` holds, sorted by KPI (in the order of [`Kpi::ALL`]), due day, anchor, direction and
/// threshold, then in the scopes' order: the order the documents list their targets in does not
/// matter.
pub(crate) fn evaluate(snapshot: &ValidSnapshot, scopes: &[ScopeKpis], as_of: NaiveDate) -> Vec<TargetStatus> {
    let mut out = Vec::new();
    let mut sorted: Vec<&teichaku_model::KpiTarget> = snapshot.kpi_targets().collect();
    sorted.sort_by(|a, b| {
        (a.kpi.index(), a.by_day, &a.after, a.op == Comparison::AtMost, a.scope)
            .cmp(&(b.kpi.index(), b.by_day, &b.after, b.op == Comparison::AtMost, b.scope))
            .then(a.value.total_cmp(&b.value))
    });
    for t in sorted {
        for s in judged_in(t.scope, scopes) {
            let due = due_day(snapshot, t.by_day, t.after.as_ref(), &s.scope, as_of);
            let v = judge(s.kpi(t.kpi), t.op, t.value, due, as_of);
            out.push(TargetStatus {
                kpi: t.kpi,
                op: t.op,
                threshold: t.value,
                by_day: t.by_day,
                after: t.after.clone(),
                scope: s.scope.clone(),
                due,
                state: v.state,
                value: v.value,
                shortfall: v.shortfall,
                days_missed: v.days_missed,
            });
        }
    }
    out
}

/// Every outcome target of the playbook and of the organisation in every scope it names that
/// `scopes` holds, sorted by outcome, measure, due day, anchor, direction and threshold, then in
/// the scopes' order. A scope whose figures are withheld withholds its outcomes too.
pub(crate) fn evaluate_outcomes(
    snapshot: &ValidSnapshot,
    scopes: &[ScopeKpis],
    as_of: NaiveDate,
) -> Vec<OutcomeTargetStatus> {
    let mut out = Vec::new();
    let mut sorted: Vec<&teichaku_model::OutcomeTarget> = snapshot.outcome_targets().collect();
    sorted.sort_by(|a, b| {
        (&a.outcome, a.measure, a.by_day, &a.after, a.op == Comparison::AtMost, a.scope)
            .cmp(&(&b.outcome, b.measure, b.by_day, &b.after, b.op == Comparison::AtMost, b.scope))
            .then(a.value.total_cmp(&b.value))
    });
    for t in sorted {
        for s in judged_in(t.scope, scopes) {
            let due = due_day(snapshot, t.by_day, t.after.as_ref(), &s.scope, as_of);
            let shown = !matches!(s.figures, Figure::Suppressed);
            let figure = outcome_figure(snapshot, &s.scope, shown, &t.outcome, t.measure, as_of);
            let v = judge(figure, t.op, t.value, due, as_of);
            out.push(OutcomeTargetStatus {
                outcome: t.outcome.clone(),
                measure: t.measure,
                op: t.op,
                threshold: t.value,
                by_day: t.by_day,
                after: t.after.clone(),
                scope: s.scope.clone(),
                due,
                state: v.state,
                value: v.value,
                shortfall: v.shortfall,
                days_missed: v.days_missed,
            });
        }
    }
    out
}

/// The first completion of `activity` on or before `as_of`: in the unit, for a per-unit activity
/// judged in a unit; anywhere otherwise. A look-up in the snapshot's index of completions, not a
/// search of every completion for each scope judged.
fn first_done(snapshot: &ValidSnapshot, activity: &ActivityId, scope: &Scope, as_of: NaiveDate) -> Option<NaiveDate> {
    let per_unit = snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
    let days = match (scope, per_unit) {
        (Scope::Unit(u), true) => snapshot.completion_days(activity, Some(*u)),
        _ => snapshot.all_completion_days(activity),
    };
    days.first().copied().filter(|&d| d <= as_of)
}
