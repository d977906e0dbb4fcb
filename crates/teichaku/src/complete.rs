//! Completions named as people write them: `ACTIVITY` or `ACTIVITY@UNIT`, as the command line's
//! `whatif --complete` and Python's `what_if(complete=...)` take them.

use chrono::NaiveDate;
use teichaku_model::{ActivityId, Completion, UnitId, ValidSnapshot};
use teichaku_rollout::Status;

use crate::Assessment;

/// Why a named completion cannot be made.
///
/// ```
/// let e = teichaku::CompletionNameError::UnknownUnit { unit: "Nowhere".into() };
/// assert_eq!(e.to_string(), "unknown unit `Nowhere`: expected a unit id, code or name");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CompletionNameError {
    /// The playbook has no such activity.
    #[error("unknown activity `{activity}`: the playbook's activities are {}", known.join(", "))]
    UnknownActivity {
        /// The activity named.
        activity: String,
        /// The playbook's activities, in the playbook's order.
        known: Vec<String>,
    },
    /// The organisation has no unit of that id, code or name.
    #[error("unknown unit `{unit}`: expected a unit id, code or name")]
    UnknownUnit {
        /// The unit named.
        unit: String,
    },
    /// A unit was named for an organisation-wide activity.
    #[error("`{activity}` is done once for the whole organisation; leave out `@UNIT`")]
    OrganisationWide {
        /// The activity.
        activity: String,
    },
    /// No instance of a per-unit activity is ready or overdue, and no unit was named.
    #[error("no instance of `{activity}` is ready or overdue; name a unit with `{activity}@UNIT`")]
    NothingReady {
        /// The activity.
        activity: String,
    },
}

/// The completions dated `as_of` that `name` stands for, in the plan of `assessment`:
/// `ACTIVITY` is an organisation-wide activity, or each ready or overdue instance of a per-unit
/// one (in the plan's order); `ACTIVITY@UNIT` is its instance in one unit, named by id, by the
/// organisation's own code or by name (a blocked instance too).
///
/// # Errors
///
/// [`CompletionNameError`] naming the unknown activity or unit, a unit given for an
/// organisation-wide activity, or a per-unit activity with nothing ready or overdue.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
/// let done = teichaku::completions_named(&snapshot, &a, "plan-staged-rollout")?;
/// assert_eq!(done.len(), 1);
/// assert!(done[0].unit.is_none() && done[0].date == teichaku::demo::AS_OF);
/// assert!(teichaku::completions_named(&snapshot, &a, "no-such-activity").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn completions_named(
    snapshot: &ValidSnapshot,
    assessment: &Assessment,
    name: &str,
) -> Result<Vec<Completion>, CompletionNameError> {
    let as_of: NaiveDate = assessment.as_of;
    let (activity, unit) = match name.split_once('@') {
        Some((a, u)) => (a, Some(u)),
        None => (name, None),
    };
    let Some(found) = ActivityId::new(activity).ok().and_then(|id| snapshot.activity(&id)) else {
        return Err(CompletionNameError::UnknownActivity {
            activity: activity.to_owned(),
            known: snapshot.activities_in_order().map(|a| a.id.to_string()).collect(),
        });
    };
    let id = found.id.clone();
    match (found.scope.is_organisation(), unit) {
        (true, None) => Ok(vec![Completion::new(id, as_of)]),
        (true, Some(_)) => Err(CompletionNameError::OrganisationWide { activity: activity.to_owned() }),
        (false, Some(unit)) => {
            let unit =
                find_unit(snapshot, unit).ok_or_else(|| CompletionNameError::UnknownUnit { unit: unit.to_owned() })?;
            Ok(vec![Completion::new(id, as_of).in_unit(unit)])
        }
        (false, None) => {
            let open: Vec<Completion> = assessment
                .plan
                .instances
                .iter()
                .filter(|i| i.key.activity == id && matches!(i.status, Status::Ready | Status::Overdue))
                .filter_map(|i| i.key.unit)
                .map(|u| Completion::new(id.clone(), as_of).in_unit(u))
                .collect();
            if open.is_empty() {
                return Err(CompletionNameError::NothingReady { activity: activity.to_owned() });
            }
            Ok(open)
        }
    }
}

/// A unit by its id, its own code or its name.
fn find_unit(snapshot: &ValidSnapshot, text: &str) -> Option<UnitId> {
    let org = snapshot.organisation();
    text.parse::<UnitId>()
        .ok()
        .filter(|u| snapshot.unit(*u).is_some())
        .or_else(|| org.keys.units.iter().find(|k| k.code == text).map(|k| k.unit))
        .or_else(|| org.units.iter().find(|u| u.name == text).map(|u| u.id))
}
