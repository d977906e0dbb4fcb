//! Outcome KPIs in gates and conditions, and the review packs: what each review activity
//! reports, assembled for its period and scope.

use chrono::NaiveDate;
use teichaku_metrics::{Figure, ScopeKpis, outcome_figure};
use teichaku_model::{Comparison, OutcomeId, OutcomeMeasure, ValidSnapshot};

use crate::Observed;

/// The outcome's figure in the scope of `figures` (undefined without them): withheld where the
/// scope's figures are.
fn figure_in(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> Figure<f64> {
    match figures {
        Some(s) => {
            let shown = !matches!(s.figures, Figure::Suppressed);
            outcome_figure(snapshot, &s.scope, shown, outcome, measure, as_of)
        }
        None => Figure::Undefined,
    }
}

/// The outcome's value in the scope of `figures`, when there is one and it is shown.
pub(crate) fn outcome_value(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> Option<f64> {
    figure_in(snapshot, figures, outcome, measure, as_of).value().copied()
}

/// A gate's outcome criterion: met or not (never partial credit), and what it observed.
pub(crate) fn outcome_check(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    op: Comparison,
    threshold: f64,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> (bool, f64, Observed) {
    let figure = figure_in(snapshot, figures, outcome, measure, as_of);
    let withheld = figure == Figure::Suppressed;
    let value = figure.value().copied();
    let met = value.is_some_and(|v| op.holds(v, threshold));
    let observed = Observed::Outcome { outcome: outcome.clone(), measure, value, withheld, op, threshold };
    (met, if met { 1.0 } else { 0.0 }, observed)
}
