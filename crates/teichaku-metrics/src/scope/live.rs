//! The privacy rule of [`Disclosure::with_tree`] kept up to date as members join and leave: a
//! day whose groups differ from the day before by a few members costs those members' paths to
//! the top of the tree, not a pass over every unit.
//!
//! The rule of one kind of group (members present on the day, or members who had joined by it)
//! shows a unit when, for the unit and every unit above it, primary suppression leaves it shown
//! (its headcount is 0 or at least the minimum) and complementary suppression at its parent does
//! not withhold it; and when the organisation is shown. Complementary suppression withholds at
//! most one child of a parent: every candidate holds at least the minimum, so withholding the
//! smallest leaves a rest of at least the minimum. So each parent keeps the headcount of its
//! children that primary suppression shows (to find its rest) and its children of at least the
//! minimum ordered by headcount and position (the first is the one withheld), and a member joining
//! or leaving changes these along one path.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use teichaku_model::ValidSnapshot;

use super::{Disclosure, GroupCounts, UnitTree, roles_shown};

/// Which groups a member is counted in or out of: both kinds are decided, and a scope is shown
/// when both rules show it ([`Disclosure::and`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Group {
    /// The members present on the day.
    Present,
    /// The members who had joined by the day, those who left since included (time saved covers
    /// them).
    Ever,
}

/// A [`Disclosure`] of the rule [`Disclosure::with_tree`] decides, with what it takes to keep it
/// up to date as members are counted in and out.
#[derive(Clone, Debug)]
pub(crate) struct LiveRule {
    rule: Disclosure,
    /// [`Group::Present`], then [`Group::Ever`].
    groups: [Groups; 2],
    /// By unit position: whether the unit passes both rules at its own level (primary
    /// suppression and its parent's complementary suppression); it is shown when it and every unit
    /// above it pass and the organisation is shown.
    passes: Vec<bool>,
    /// Units whose own level may have changed, and parent slots whose withheld child may have,
    /// since the rule was last settled.
    touched: Vec<usize>,
    slots: Vec<usize>,
}

/// The groups of one kind, with what complementary suppression needs of each parent. A parent
/// slot is a unit position, or the organisation at `tree.len()`.
#[derive(Clone, Debug)]
struct Groups {
    /// By unit position: the headcount of the unit with its descendants.
    head: Vec<u64>,
    /// Members in some unit.
    organisation: u64,
    by_roles: [u64; 32],
    /// By parent slot: the headcount of its children that primary suppression shows.
    kept: Vec<u64>,
    /// By parent slot: its children of at least the minimum, by headcount, then position.
    large: Vec<BTreeSet<(u64, usize)>>,
    /// By parent slot: the child complementary suppression withholds.
    withheld: Vec<Option<usize>>,
}

impl LiveRule {
    /// The rule for `snapshot` (as it is on `as_of`, after its dated changes) on `as_of`, as
    /// [`Disclosure::with_tree`] decides it.
    pub(crate) fn on(tree: Arc<UnitTree>, snapshot: &ValidSnapshot, as_of: NaiveDate, min_group: u32) -> Self {
        let present = GroupCounts::of(tree.len(), snapshot, |m| m.is_present_on(as_of));
        let ever = GroupCounts::of(tree.len(), snapshot, |m| m.joined <= as_of);
        Self::new(tree, &present, &ever, u64::from(min_group.max(1)))
    }

    /// The rule for the groups `present` and `ever` count, `min` at least 1.
    fn new(tree: Arc<UnitTree>, present: &GroupCounts, ever: &GroupCounts, min: u64) -> Self {
        let groups = [Groups::new(&tree, present, min), Groups::new(&tree, ever, min)];
        let units = tree.len();
        let [p, e] = &groups;
        let passes: Vec<bool> = (0..units).map(|u| p.passes(&tree, u, min) && e.passes(&tree, u, min)).collect();
        let rule = Disclosure {
            tree,
            min,
            unit_headcount: p.head.clone(),
            unit_shown: vec![false; units],
            organisation_shown: false,
            role_shown: [false; 5],
        };
        let mut live = Self { rule, groups, passes, touched: Vec::new(), slots: Vec::new() };
        live.settle_organisation();
        live.show_all();
        live
    }

    /// The rule as it stands (call [`LiveRule::settle`] after counting members in or out).
    pub(crate) fn rule(&self) -> &Disclosure {
        &self.rule
    }

    /// The minimum group size the rule was made with.
    pub(crate) fn min(&self) -> u64 {
        self.rule.min
    }

    /// Counts a member in (`joins`) or out of `group`, in the unit at `unit` (none: counted in the
    /// roles alone, as [`GroupCounts::of`] counts a member without a unit) holding the roles of
    /// `roles` (bit `i` for `Role::ALL[i]`). The rule changes on [`LiveRule::settle`].
    pub(crate) fn count(&mut self, group: Group, unit: Option<usize>, roles: usize, joins: bool) {
        let tree = Arc::clone(&self.rule.tree);
        let min = self.rule.min;
        let Some(groups) = self.groups.get_mut(group as usize) else { return };
        let step = |n: u64| if joins { n.saturating_add(1) } else { n.saturating_sub(1) };
        if let Some(n) = groups.by_roles.get_mut(roles) {
            *n = step(*n);
        }
        let Some(mut at) = unit else { return };
        groups.organisation = step(groups.organisation);
        self.slots.push(tree.len());
        loop {
            let slot = tree.parent(at).unwrap_or(tree.len());
            let old = groups.head.get(at).copied().unwrap_or(0);
            let new = step(old);
            groups.leave(slot, at, old, min);
            groups.enter(slot, at, new, min);
            if let Some(h) = groups.head.get_mut(at) {
                *h = new;
            }
            if group == Group::Present {
                if let Some(h) = self.rule.unit_headcount.get_mut(at) {
                    *h = new;
                }
            }
            // The unit's own level (primary suppression) and its rest as a parent, and its
            // parent's rest, may have changed.
            self.touched.push(at);
            self.slots.push(at);
            self.slots.push(slot);
            match tree.parent(at) {
                Some(parent) => at = parent,
                None => break,
            }
        }
    }

    /// Brings the rule up to date with the members counted in and out since it was last settled:
    /// the parents they touched decide again which child they withhold, and the units whose own
    /// level changed are shown or withheld with everything under them.
    pub(crate) fn settle(&mut self) {
        let tree = Arc::clone(&self.rule.tree);
        let min = self.rule.min;
        self.slots.sort_unstable();
        self.slots.dedup();
        for groups in &mut self.groups {
            for &slot in &self.slots {
                let now = groups.withholds(&tree, slot, min);
                let Some(was) = groups.withheld.get_mut(slot) else { continue };
                if *was != now {
                    self.touched.extend(was.iter().chain(now.iter()));
                    *was = now;
                }
            }
        }
        self.slots.clear();
        let [p, e] = &self.groups;
        for &u in &self.touched {
            if let Some(pass) = self.passes.get_mut(u) {
                *pass = p.passes(&tree, u, min) && e.passes(&tree, u, min);
            }
        }
        if self.settle_organisation() {
            self.touched.clear();
            self.show_all();
            return;
        }
        // Parents first, so a unit shown again under a parent shown again is walked once.
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable_by_key(|&u| tree.rank(u));
        touched.dedup();
        let mut stack = Vec::new();
        for u in touched.drain(..) {
            let shown = self.parent_shown(u) && self.passes.get(u).copied().unwrap_or(false);
            if self.rule.unit_shown.get(u).copied() == Some(shown) {
                continue;
            }
            if let Some(s) = self.rule.unit_shown.get_mut(u) {
                *s = shown;
            }
            // Below it, every unit that passes follows it.
            stack.push(u);
            while let Some(at) = stack.pop() {
                for &child in tree.children(Some(at)) {
                    let shown = shown && self.passes.get(child).copied().unwrap_or(false);
                    if let Some(s) = self.rule.unit_shown.get_mut(child) {
                        if *s != shown {
                            *s = shown;
                            stack.push(child);
                        }
                    }
                }
            }
        }
        self.touched = touched;
    }

    /// Decides the organisation and the roles again; whether the organisation's changed.
    fn settle_organisation(&mut self) -> bool {
        let min = self.rule.min;
        let small = |n: u64| n > 0 && n < min;
        let mut organisation_shown = true;
        let mut role_shown = [true; 5];
        for groups in &self.groups {
            let shown = !small(groups.organisation);
            organisation_shown &= shown;
            for (all, one) in role_shown.iter_mut().zip(roles_shown(&groups.by_roles, shown, min, |_| true)) {
                *all &= one;
            }
        }
        self.rule.role_shown = role_shown;
        std::mem::replace(&mut self.rule.organisation_shown, organisation_shown) != organisation_shown
    }

    /// Every unit decided from the top down, from what passes.
    fn show_all(&mut self) {
        let tree = Arc::clone(&self.rule.tree);
        for &u in tree.parents_first() {
            let shown = self.parent_shown(u) && self.passes.get(u).copied().unwrap_or(false);
            if let Some(s) = self.rule.unit_shown.get_mut(u) {
                *s = shown;
            }
        }
    }

    fn parent_shown(&self, u: usize) -> bool {
        match self.rule.tree.parent(u) {
            Some(p) => self.rule.unit_shown.get(p).copied().unwrap_or(false),
            None => self.rule.organisation_shown,
        }
    }
}

impl Groups {
    fn new(tree: &UnitTree, counts: &GroupCounts, min: u64) -> Self {
        let units = tree.len();
        let mut head = counts.own.clone();
        head.resize(units, 0);
        for &u in tree.parents_first().iter().rev() {
            let n = head.get(u).copied().unwrap_or(0);
            if let Some(total) = tree.parent(u).and_then(|p| head.get_mut(p)) {
                *total += n;
            }
        }
        let mut groups = Self {
            organisation: counts.own.iter().sum(),
            head,
            by_roles: counts.by_roles,
            kept: vec![0; units + 1],
            large: vec![BTreeSet::new(); units + 1],
            withheld: vec![None; units + 1],
        };
        for u in 0..units {
            let n = groups.head.get(u).copied().unwrap_or(0);
            groups.enter(tree.parent(u).unwrap_or(units), u, n, min);
        }
        for slot in 0..=units {
            let withheld = groups.withholds(tree, slot, min);
            if let Some(w) = groups.withheld.get_mut(slot) {
                *w = withheld;
            }
        }
        groups
    }

    /// Child `u` of `slot`, of headcount `n`, counted into its parent's figures.
    fn enter(&mut self, slot: usize, u: usize, n: u64, min: u64) {
        if n == 0 || n >= min {
            if let Some(kept) = self.kept.get_mut(slot) {
                *kept += n;
            }
        }
        if n >= min {
            if let Some(large) = self.large.get_mut(slot) {
                large.insert((n, u));
            }
        }
    }

    /// Child `u` of `slot`, of headcount `n`, counted out of its parent's figures.
    fn leave(&mut self, slot: usize, u: usize, n: u64, min: u64) {
        if n == 0 || n >= min {
            if let Some(kept) = self.kept.get_mut(slot) {
                *kept = kept.saturating_sub(n);
            }
        }
        if n >= min {
            if let Some(large) = self.large.get_mut(slot) {
                large.remove(&(n, u));
            }
        }
    }

    /// The child complementary suppression withholds at `slot`: the smallest of at least the
    /// minimum when the members outside the children primary suppression shows are 1 to the
    /// minimum − 1.
    fn withholds(&self, tree: &UnitTree, slot: usize, min: u64) -> Option<usize> {
        let whole = if slot == tree.len() { self.organisation } else { self.head.get(slot).copied().unwrap_or(0) };
        let rest = whole.saturating_sub(self.kept.get(slot).copied().unwrap_or(0));
        if rest > 0 && rest < min { self.large.get(slot).and_then(|l| l.first()).map(|&(_, k)| k) } else { None }
    }

    /// Whether unit `u` passes this rule at its own level.
    fn passes(&self, tree: &UnitTree, u: usize, min: u64) -> bool {
        let n = self.head.get(u).copied().unwrap_or(0);
        let slot = tree.parent(u).unwrap_or(tree.len());
        (n == 0 || n >= min) && self.withheld.get(slot).copied().flatten() != Some(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A member as the test moves them: unit, roles, and whether counted in each group.
    #[derive(Clone, Debug)]
    struct Person {
        unit: Option<usize>,
        roles: usize,
        present: bool,
        ever: bool,
    }

    fn counts(units: usize, people: &[Person], group: Group) -> GroupCounts {
        let mut own = vec![0u64; units];
        let mut by_roles = [0u64; 32];
        for p in people.iter().filter(|p| if group == Group::Present { p.present } else { p.ever }) {
            if let Some(n) = p.unit.and_then(|u| own.get_mut(u)) {
                *n += 1;
            }
            if let Some(n) = by_roles.get_mut(p.roles) {
                *n += 1;
            }
        }
        GroupCounts { own, by_roles }
    }

    fn decided(tree: &Arc<UnitTree>, people: &[Person], min: u64) -> Disclosure {
        let units = tree.len();
        let present = Disclosure::decide_counted(Arc::clone(tree), &counts(units, people, Group::Present), min, None);
        let ever = Disclosure::decide_counted(Arc::clone(tree), &counts(units, people, Group::Ever), min, None);
        present.and(&ever)
    }

    fn assert_same(live: &Disclosure, fresh: &Disclosure) {
        assert_eq!(live.unit_shown, fresh.unit_shown, "units shown");
        assert_eq!(live.unit_headcount, fresh.unit_headcount, "headcounts");
        assert_eq!(live.organisation_shown, fresh.organisation_shown, "organisation");
        assert_eq!(live.role_shown, fresh.role_shown, "roles");
    }

    /// A tree (each unit under an earlier one or at the top, wide and deep ones alike), people
    /// in it, a minimum, and steps: each moves one person in or out of a group, some steps
    /// settling the rule.
    /// Parents, people, the minimum, and steps (whom, which group, whether to settle after).
    type Case = (Vec<Option<usize>>, Vec<Person>, u64, Vec<(usize, bool, bool)>);

    fn case() -> impl Strategy<Value = Case> {
        (1usize..30, 1u64..7).prop_flat_map(|(units, min)| {
            let parents = (0..units)
                .map(|u| if u == 0 { Just(None).boxed() } else { proptest::option::weighted(0.85, 0..u).boxed() })
                .collect::<Vec<_>>();
            let person = (proptest::option::weighted(0.95, 0..units), 0usize..32, any::<bool>(), any::<bool>())
                .prop_map(|(unit, roles, present, ever)| Person { unit, roles, present, ever: ever || present });
            let people = proptest::collection::vec(person, 0..60);
            let steps = proptest::collection::vec((any::<usize>(), any::<bool>(), any::<bool>()), 0..40);
            (parents, people, Just(min), steps)
        })
    }

    proptest! {
        #[test]
        fn a_kept_rule_is_the_rule_decided_afresh((parents, mut people, min, steps) in case()) {
            let tree = Arc::new(UnitTree::from_parents(parents));
            let units = tree.len();
            let mut live = LiveRule::new(
                Arc::clone(&tree),
                &counts(units, &people, Group::Present),
                &counts(units, &people, Group::Ever),
                min,
            );
            assert_same(live.rule(), &decided(&tree, &people, min));
            for (pick, flip_present, settle) in steps {
                if people.is_empty() {
                    break;
                }
                let i = pick % people.len();
                let Some(p) = people.get_mut(i) else { continue };
                // Present implies ever: flipping one may flip the other with it.
                let (was_present, was_ever) = (p.present, p.ever);
                if flip_present {
                    p.present = !p.present;
                    p.ever |= p.present;
                } else {
                    p.ever = !p.ever;
                    p.present &= p.ever;
                }
                if p.present != was_present {
                    live.count(Group::Present, p.unit, p.roles, p.present);
                }
                if p.ever != was_ever {
                    live.count(Group::Ever, p.unit, p.roles, p.ever);
                }
                if settle {
                    live.settle();
                    assert_same(live.rule(), &decided(&tree, &people, min));
                }
            }
            live.settle();
            assert_same(live.rule(), &decided(&tree, &people, min));
        }
    }

    #[test]
    fn a_member_joining_a_small_sibling_moves_the_withheld_child() {
        // The organisation over three units of 5, 5 and 2 members, minimum 5: the unit of 2 is
        // withheld, and the smallest other (the first of 5) with it, as the organisation minus
        // the two shown would give the 2 away. Three more join the unit of 2: it shows, nobody
        // else is withheld.
        let tree = Arc::new(UnitTree::from_parents(vec![None, None, None]));
        let person = |unit| Person { unit: Some(unit), roles: 0, present: true, ever: true };
        let mut people: Vec<Person> = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2].into_iter().map(person).collect();
        let mut live =
            LiveRule::new(Arc::clone(&tree), &counts(3, &people, Group::Present), &counts(3, &people, Group::Ever), 5);
        assert_eq!(live.rule().unit_shown, vec![false, true, false]);
        for _ in 0..3 {
            people.push(person(2));
            live.count(Group::Present, Some(2), 0, true);
            live.count(Group::Ever, Some(2), 0, true);
        }
        live.settle();
        assert_eq!(live.rule().unit_shown, vec![true, true, true]);
        assert_same(live.rule(), &decided(&tree, &people, 5));
    }
}
