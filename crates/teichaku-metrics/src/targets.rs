//! The playbook's KPI targets judged on `as_of`: met, missed (by how much), or not yet due.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_model::{ActivityId, ActivityScope, Comparison, Kpi, ValidSnapshot};

use crate::{Figure, Scope, ScopeKpis};

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

/// Every target of the playbook in every scope it names that `scopes` holds, sorted by KPI (in the
/// order of [`Kpi::ALL`]), due day, anchor, direction and threshold, then in the scopes' order:
/// the order the playbook lists its targets in does not matter.
pub(crate) fn evaluate(snapshot: &ValidSnapshot, scopes: &[ScopeKpis], as_of: NaiveDate) -> Vec<TargetStatus> {
    let pb = snapshot.playbook();
    let launch = snapshot.organisation().launch_date;
    let mut out = Vec::new();
    let mut sorted: Vec<&teichaku_model::KpiTarget> = pb.kpi_targets.iter().collect();
    sorted.sort_by(|a, b| {
        (a.kpi.index(), a.by_day, &a.after, a.op == Comparison::AtMost, a.scope)
            .cmp(&(b.kpi.index(), b.by_day, &b.after, b.op == Comparison::AtMost, b.scope))
            .then(a.value.total_cmp(&b.value))
    });
    for t in sorted {
        let judged = scopes.iter().filter(|s| match t.scope {
            ActivityScope::PerUnit => matches!(s.scope, Scope::Unit(_)),
            _ => s.scope == Scope::Organisation,
        });
        for s in judged {
            let from = match &t.after {
                None => Some(launch),
                Some(activity) => first_done(snapshot, activity, &s.scope, as_of),
            };
            let due = from.and_then(|d| d.checked_add_days(Days::new(u64::from(t.by_day.unwrap_or(0)))));
            let figure = s.kpi(t.kpi);
            let mut status = TargetStatus {
                kpi: t.kpi,
                op: t.op,
                threshold: t.value,
                by_day: t.by_day,
                after: t.after.clone(),
                scope: s.scope.clone(),
                due,
                state: TargetState::NotYetDue,
                value: None,
                shortfall: None,
                days_missed: None,
            };
            let Some(due) = due.filter(|&d| d <= as_of) else {
                out.push(status);
                continue;
            };
            status.state = match figure {
                Figure::Suppressed => TargetState::Withheld,
                Figure::NotMeasurable => TargetState::NotMeasurable,
                Figure::Value(v) if t.op.holds(v, t.value) => TargetState::Met,
                Figure::Value(v) => {
                    status.shortfall = v.is_finite().then(|| (v - t.value).abs());
                    status.days_missed = Some((as_of - due).num_days());
                    TargetState::Missed
                }
                _ => TargetState::Undefined,
            };
            if status.state != TargetState::Withheld {
                status.value = figure.value().copied().filter(|v| v.is_finite());
            }
            out.push(status);
        }
    }
    out
}

/// The first completion of `activity` on or before `as_of`: in the unit, for a per-unit activity
/// judged in a unit; anywhere otherwise.
fn first_done(snapshot: &ValidSnapshot, activity: &ActivityId, scope: &Scope, as_of: NaiveDate) -> Option<NaiveDate> {
    let per_unit = snapshot.activity(activity).is_some_and(|a| a.scope == ActivityScope::PerUnit);
    snapshot
        .observations()
        .completions
        .iter()
        .filter(|c| &c.activity == activity && c.date <= as_of)
        .filter(|c| match (scope, per_unit) {
            (Scope::Unit(u), true) => c.unit == Some(*u),
            _ => true,
        })
        .map(|c| c.date)
        .min()
}
