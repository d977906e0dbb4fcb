//! Scopes (the organisation, a unit with its descendants, a role) and the members they hold.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{Member, MemberId, Role, UnitId, ValidSnapshot};

/// Whom a figure is about.
///
/// ```
/// use teichaku_metrics::Scope;
/// use teichaku_model::{Role, UnitId};
/// let scopes = [Scope::Organisation, Scope::Unit(UnitId::from_u128(1)), Scope::Role(Role::Manager)];
/// assert_eq!(scopes.len(), 3);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// Everyone.
    Organisation,
    /// A unit together with every unit below it.
    Unit(UnitId),
    /// Everyone holding a role.
    Role(Role),
}

/// The positions (in the organisation's member list) of the members a scope holds, whether
/// present or not, in list order.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let all = teichaku_metrics::member_positions(&valid(), &teichaku_metrics::Scope::Organisation);
/// # }
/// ```
pub fn member_positions(snapshot: &ValidSnapshot, scope: &Scope) -> Vec<usize> {
    let members = &snapshot.organisation().members;
    match scope {
        Scope::Organisation => (0..members.len()).collect(),
        Scope::Unit(unit) => {
            let units: BTreeSet<UnitId> = snapshot.units_under(*unit).into_iter().collect();
            members.iter().enumerate().filter(|(_, m)| units.contains(&m.unit)).map(|(i, _)| i).collect()
        }
        Scope::Role(role) => members.iter().enumerate().filter(|(_, m)| m.has_role(*role)).map(|(i, _)| i).collect(),
    }
}

/// The members a scope holds, whether present or not, sorted by id.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let all = teichaku_metrics::members_in_scope(&valid(), &teichaku_metrics::Scope::Organisation);
/// # }
/// ```
pub fn members_in_scope<'a>(snapshot: &'a ValidSnapshot, scope: &Scope) -> Vec<&'a Member> {
    let members = &snapshot.organisation().members;
    let mut out: Vec<&Member> = match scope {
        Scope::Organisation => members.iter().collect(),
        Scope::Unit(unit) => {
            let units: BTreeSet<UnitId> = snapshot.units_under(*unit).into_iter().collect();
            members.iter().filter(|m| units.contains(&m.unit)).collect()
        }
        Scope::Role(role) => members.iter().filter(|m| m.has_role(*role)).collect(),
    };
    out.sort_by_key(|m| m.id);
    out
}

/// Members of the scope counted in headcount on `day`: joined on or before it and not yet left.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let n = teichaku_metrics::headcount(&valid(), &teichaku_metrics::Scope::Organisation, "2026-06-30".parse()?);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn headcount(snapshot: &ValidSnapshot, scope: &Scope, day: NaiveDate) -> usize {
    members_in_scope(snapshot, scope).into_iter().filter(|m| m.is_present_on(day)).count()
}

/// Members of the scope, present on `to`, with at least one usage event on a local day in
/// `[from, to]` while they were members (events before joining do not count).
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let day = "2026-06-30".parse()?;
/// let n = teichaku_metrics::active_members(&valid(), &teichaku_metrics::Scope::Organisation, day, day);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn active_members(snapshot: &ValidSnapshot, scope: &Scope, from: NaiveDate, to: NaiveDate) -> usize {
    let present: BTreeSet<MemberId> =
        members_in_scope(snapshot, scope).into_iter().filter(|m| m.is_present_on(to)).map(|m| m.id).collect();
    let active: BTreeSet<MemberId> = snapshot
        .observations()
        .usage
        .iter()
        .enumerate()
        .filter(|(_, e)| present.contains(&e.member))
        .filter_map(|(i, e)| {
            let day = snapshot.usage_local_time(i)?.date();
            let member = snapshot.member(e.member)?;
            ((from..=to).contains(&day) && member.is_present_on(day)).then_some(e.member)
        })
        .collect();
    active.len()
}
