//! Outcome KPIs as a scope shows them: the latest recorded value, withheld with the scope.

use chrono::NaiveDate;
use teichaku_model::{OutcomeId, OutcomeMeasure, ValidSnapshot};

use crate::{Figure, Scope};

/// The figure `measure` reads from the latest record of `outcome` in `scope` dated on or before
/// `as_of`: the organisation's own records for [`Scope::Organisation`], the unit's own records
/// (not its sub-units') for [`Scope::Unit`].
///
/// [`Figure::Suppressed`] when the scope is withheld (`shown` is false: its headcount is under
/// the minimum group size, as [`crate::Disclosure`] decides), so a unit's business figure is
/// never shown where its usage figures are not; [`Figure::Undefined`] for a role, for no record,
/// and for a change from baseline without a (non-zero) baseline.
///
/// ```
/// use teichaku_metrics::{outcome_figure, Figure, Scope};
/// use teichaku_model::{OutcomeId, OutcomeMeasure};
/// # fn snapshot() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let cost = OutcomeId::new("cost")?;
/// let f = outcome_figure(&snapshot(), &Scope::Organisation, true, &cost, OutcomeMeasure::Value, "2026-07-01".parse()?);
/// assert!(matches!(f, Figure::Value(_) | Figure::Undefined));
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn outcome_figure(
    snapshot: &ValidSnapshot,
    scope: &Scope,
    shown: bool,
    outcome: &OutcomeId,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> Figure<f64> {
    if !shown {
        return Figure::Suppressed;
    }
    let unit = match scope {
        Scope::Organisation => None,
        Scope::Unit(u) => Some(*u),
        Scope::Role(_) => return Figure::Undefined,
    };
    snapshot
        .latest_outcome(outcome, unit, as_of)
        .and_then(|r| r.measure(measure))
        .map_or(Figure::Undefined, Figure::Value)
}
