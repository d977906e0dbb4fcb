//! Who holds which role where, on `as_of`: read from the snapshot's index of each unit's role
//! holders (built once at validation), so a call touches only the units and roles it asks about,
//! never the whole membership.

use std::cell::OnceCell;

use chrono::NaiveDate;
use teichaku_metrics::Scope;
use teichaku_model::{MemberId, Role, UnitId, ValidSnapshot};

/// Present members by scope (the organisation, and each unit with the units below it) and role,
/// sorted by id. Organisation-wide lists are gathered on first use and kept.
pub(crate) struct RoleIndex<'a> {
    snapshot: &'a ValidSnapshot,
    as_of: NaiveDate,
    organisation: [OnceCell<Vec<MemberId>>; 5],
    /// By role, the present holders of each unit with the units below it, by unit position;
    /// summed up the tree once, on first use, so a deep tree costs what a flat one does.
    subtree: [OnceCell<Vec<u64>>; 5],
}

impl<'a> RoleIndex<'a> {
    pub(crate) fn new(snapshot: &'a ValidSnapshot, as_of: NaiveDate) -> Self {
        Self { snapshot, as_of, organisation: Default::default(), subtree: Default::default() }
    }

    /// Present members of the units `units` holding `role`, sorted by id.
    fn gather(&self, units: impl Iterator<Item = teichaku_model::UnitId>, role: Role) -> Vec<MemberId> {
        let mut out = Vec::new();
        let mut lists = 0;
        for unit in units {
            lists += 1;
            out.extend(self.snapshot.unit_present_holding(unit, role, self.as_of));
        }
        // Each unit's list is sorted already; lists from several units are sorted together.
        if lists > 1 {
            out.sort_unstable();
        }
        out
    }

    /// Present members of `scope` holding `role`.
    pub(crate) fn holders(&self, scope: &Scope, role: Role) -> Vec<MemberId> {
        match scope {
            Scope::Unit(u) if !self.snapshot.has_units_under(*u) => self.gather(std::iter::once(*u), role),
            Scope::Unit(u) => self.gather(self.snapshot.units_under(*u).into_iter(), role),
            _ => self.organisation_holders(role).to_vec(),
        }
    }

    fn organisation_holders(&self, role: Role) -> &[MemberId] {
        let Some(cell) = Role::ALL.iter().position(|&r| r == role).and_then(|r| self.organisation.get(r)) else {
            return &[];
        };
        cell.get_or_init(|| {
            let mut all: Vec<MemberId> = self.snapshot.present_holding(role, self.as_of).collect();
            all.sort_unstable();
            all
        })
    }

    /// How many present members of unit `unit` (with the units below it) hold `role`, the unit
    /// found by its `position` in the organisation's unit list when given.
    pub(crate) fn count_unit(&self, unit: UnitId, position: Option<usize>, role: Role) -> u64 {
        match position {
            Some(p) if !self.snapshot.has_units_under_at(p) => {
                self.snapshot.unit_present_holding_at(p, role, self.as_of).count() as u64
            }
            _ => self.count(&Scope::Unit(unit), role),
        }
    }

    /// How many present members of `scope` hold `role`.
    pub(crate) fn count(&self, scope: &Scope, role: Role) -> u64 {
        match scope {
            Scope::Unit(u) if !self.snapshot.has_units_under(*u) => {
                self.snapshot.unit_present_holding(*u, role, self.as_of).count() as u64
            }
            Scope::Unit(u) => {
                self.snapshot.unit_position(*u).and_then(|p| self.subtree_counts(role).get(p).copied()).unwrap_or(0)
            }
            _ => self.organisation_holders(role).len() as u64,
        }
    }

    /// Each unit's count of present holders of `role`, its sub-units included, by position:
    /// every unit's own holders counted once, then added into its parent's, children first (an
    /// explicit stack over the tree, which validation keeps free of cycles).
    fn subtree_counts(&self, role: Role) -> &[u64] {
        let Some(cell) = Role::ALL.iter().position(|&r| r == role).and_then(|r| self.subtree.get(r)) else {
            return &[];
        };
        cell.get_or_init(|| {
            let n = self.snapshot.organisation().units.len();
            let mut counts: Vec<u64> =
                (0..n).map(|p| self.snapshot.unit_present_holding_at(p, role, self.as_of).count() as u64).collect();
            let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
            let mut roots = Vec::new();
            for p in 0..n {
                match self.snapshot.parent_position(p) {
                    Some(parent) => children.get_mut(parent).into_iter().for_each(|c| c.push(p)),
                    None => roots.push(p),
                }
            }
            // Parents before children; summed in the reverse order, children before parents.
            let mut order = Vec::with_capacity(n);
            let mut stack = roots;
            while let Some(p) = stack.pop() {
                order.push(p);
                stack.extend(children.get(p).into_iter().flatten().copied());
            }
            for &p in order.iter().rev() {
                let own = counts.get(p).copied().unwrap_or(0);
                if let Some(parent) = self.snapshot.parent_position(p).and_then(|q| counts.get_mut(q)) {
                    *parent += own;
                }
            }
            counts
        })
    }
}
