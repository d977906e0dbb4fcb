//! Who holds which role where: built once per call, so criteria and actions look roles up
//! instead of scanning the organisation each time.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use teichaku_metrics::Scope;
use teichaku_model::{MemberId, Role, UnitId, ValidSnapshot};

/// Present members by scope (the organisation, and each unit with the units below it) and role,
/// sorted by id.
pub(crate) struct RoleIndex {
    holders: BTreeMap<(Scope, Role), Vec<MemberId>>,
}

impl RoleIndex {
    pub(crate) fn new(snapshot: &ValidSnapshot, as_of: NaiveDate) -> Self {
        let org = snapshot.organisation();
        let parent: BTreeMap<UnitId, UnitId> = org.units.iter().filter_map(|u| Some((u.id, u.parent?))).collect();
        let mut holders: BTreeMap<(Scope, Role), Vec<MemberId>> = BTreeMap::new();
        for m in org.members.iter().filter(|m| m.is_present_on(as_of)) {
            for &role in &m.roles {
                holders.entry((Scope::Organisation, role)).or_default().push(m.id);
                // The member's unit and every unit above it (validation rules out cycles; the
                // bound guards against them all the same).
                let mut unit = Some(m.unit);
                for _ in 0..=org.units.len() {
                    let Some(u) = unit else { break };
                    holders.entry((Scope::Unit(u), role)).or_default().push(m.id);
                    unit = parent.get(&u).copied();
                }
            }
        }
        for list in holders.values_mut() {
            list.sort();
        }
        Self { holders }
    }

    /// Present members of `scope` holding `role`.
    pub(crate) fn holders(&self, scope: &Scope, role: Role) -> &[MemberId] {
        self.holders.get(&(scope.clone(), role)).map_or(&[], Vec::as_slice)
    }

    /// How many present members of `scope` hold `role`.
    pub(crate) fn count(&self, scope: &Scope, role: Role) -> u64 {
        self.holders(scope, role).len() as u64
    }
}
