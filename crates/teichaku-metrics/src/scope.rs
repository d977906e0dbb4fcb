//! Scopes (the organisation, a unit with its descendants, a role) and the members they hold.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{Member, MemberId, Role, UnitId, ValidSnapshot};

mod live;

pub(crate) use live::{Group, LiveRule};

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
/// present or not, in list order. Units and roles are the snapshot's as given: for those of a
/// day under dated changes, pass [`ValidSnapshot::on`] of that day.
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

/// The members a scope holds, whether present or not, sorted by id. Units and roles are the
/// snapshot's as given: for those of a day under dated changes, pass [`ValidSnapshot::on`] of
/// that day.
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

/// Members of the scope counted in headcount on `day`: joined on or before it and not yet left,
/// with the units and roles of that day.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let n = teichaku_metrics::headcount(&valid(), &teichaku_metrics::Scope::Organisation, "2026-06-30".parse()?);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn headcount(snapshot: &ValidSnapshot, scope: &Scope, day: NaiveDate) -> usize {
    let snapshot = &*snapshot.on(day);
    members_in_scope(snapshot, scope).into_iter().filter(|m| m.is_present_on(day)).count()
}

/// Members of the scope (with the units and roles of `to`), present on `to`, with at least one
/// usage event on a local day in `[from, to]` while they were members (events before joining do
/// not count).
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
    let snapshot = &*snapshot.on(to);
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

/// The unit tree as arrays over unit positions (in the organisation's unit list), built once with
/// explicit stacks: parents before children, however deep the tree.
#[derive(Clone, Debug, Default)]
pub(crate) struct UnitTree {
    /// Position of each unit id: looked up, never walked, so a hash map with a fixed hasher (no
    /// randomness) serves, in one or two memory reads rather than a tree's seventeen.
    index: std::collections::HashMap<UnitId, usize, teichaku_model::IdBuildHasher>,
    /// By position: the parent's position.
    parent: Vec<Option<usize>>,
    /// Positions in depth-first preorder (parents before children; roots and children in list order).
    order: Vec<usize>,
    /// By position: the unit's place in `order`.
    rank: Vec<usize>,
    /// The children of each unit, in list order, one run after another: unit `u`'s are
    /// `children[child_start[u]..child_start[u + 1]]`; the roots, in list order, are `roots`.
    child_start: Vec<usize>,
    children: Vec<usize>,
    roots: Vec<usize>,
}

impl UnitTree {
    pub(crate) fn new(snapshot: &ValidSnapshot) -> Self {
        let units = &snapshot.organisation().units;
        let index: std::collections::HashMap<UnitId, usize, _> =
            units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let parent: Vec<Option<usize>> = (0..units.len()).map(|i| snapshot.parent_position(i)).collect();
        Self::with_parents(index, parent)
    }

    /// The tree of units whose parents' positions are `parent` (each parent before its children
    /// in no particular order; validation ruled out cycles), with no ids.
    #[cfg(test)]
    pub(crate) fn from_parents(parent: Vec<Option<usize>>) -> Self {
        Self::with_parents(std::collections::HashMap::default(), parent)
    }

    fn with_parents(
        index: std::collections::HashMap<UnitId, usize, teichaku_model::IdBuildHasher>,
        parent: Vec<Option<usize>>,
    ) -> Self {
        let units = &parent;
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p.and_then(|p| children.get_mut(p)) {
                Some(list) => list.push(i),
                None => roots.push(i),
            }
        }
        let mut order = Vec::with_capacity(units.len());
        let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
        while let Some(u) = stack.pop() {
            order.push(u);
            stack.extend(children.get(u).into_iter().flatten().rev());
        }
        let mut rank = vec![0; units.len()];
        for (i, &u) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(u) {
                *slot = i;
            }
        }
        let mut child_start = Vec::with_capacity(units.len() + 1);
        child_start.push(0);
        for list in &children {
            child_start.push(child_start.last().copied().unwrap_or(0) + list.len());
        }
        let children = children.concat();
        Self { index, parent, order, rank, child_start, children, roots }
    }

    /// The position of unit `id`.
    pub(crate) fn position(&self, id: UnitId) -> Option<usize> {
        self.index.get(&id).copied()
    }

    /// The parent's position of the unit at `unit`.
    pub(crate) fn parent(&self, unit: usize) -> Option<usize> {
        self.parent.get(unit).copied().flatten()
    }

    /// Unit positions, each after its parent.
    pub(crate) fn parents_first(&self) -> &[usize] {
        &self.order
    }

    /// How many units there are.
    pub(crate) fn len(&self) -> usize {
        self.parent.len()
    }

    /// The place of the unit at `unit` in [`UnitTree::parents_first`].
    pub(crate) fn rank(&self, unit: usize) -> usize {
        self.rank.get(unit).copied().unwrap_or(usize::MAX)
    }

    /// The positions of the units directly under the unit at `unit` (the roots for `None`), in
    /// list order.
    pub(crate) fn children(&self, unit: Option<usize>) -> &[usize] {
        let Some(u) = unit else { return &self.roots };
        match (self.child_start.get(u), self.child_start.get(u + 1)) {
            (Some(&a), Some(&b)) => self.children.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// A value for each of `units` unit positions, settled from the top of the tree down: `settle`
/// makes a unit's value from its position and its parent's value (`None` for a root). Each unit
/// is walked up only to the first unit already settled, so each is walked once however deep the
/// tree, in any order of the unit list (validation ruled out cycles), without recursion.
///
/// ```
/// // Each unit's depth: unit 2 under unit 0, unit 1 under unit 2, unit 3 at the top.
/// let parents = [None, Some(2), Some(0), None];
/// let depth = teichaku_metrics::from_the_top(4, |u| parents[u], |_, above: Option<usize>| above.map_or(0, |d| d + 1));
/// assert_eq!(depth, vec![0, 2, 1, 0]);
/// ```
pub fn from_the_top<T: Copy>(
    units: usize,
    parent: impl Fn(usize) -> Option<usize>,
    settle: impl Fn(usize, Option<T>) -> T,
) -> Vec<T> {
    let mut settled: Vec<Option<T>> = vec![None; units];
    let mut path = Vec::new();
    for start in 0..units {
        let mut at = Some(start);
        let mut above = None;
        while let Some(u) = at {
            match settled.get(u).copied().flatten() {
                Some(value) => {
                    above = Some(value);
                    break;
                }
                None => {
                    path.push(u);
                    at = parent(u);
                }
            }
        }
        for u in path.drain(..).rev() {
            let value = settle(u, above);
            if let Some(slot) = settled.get_mut(u) {
                *slot = Some(value);
            }
            above = Some(value);
        }
    }
    settled.into_iter().flatten().collect()
}

/// Which scopes may show their figures: the privacy rule, decided once for a computation and
/// applied before anything else sees a figure (`docs/metrics.md`, "Privacy").
///
/// 1. *Primary suppression*: a scope whose headcount is 1 to the minimum group size − 1 is withheld.
/// 2. *Below a withheld unit*, every unit is withheld too (its members are a part of a group
///    that is withheld, and could otherwise be subtracted from it).
/// 3. *Complementary suppression*: for each shown parent (the organisation over its top units,
///    each shown unit over its child units), the members of the parent outside its shown
///    children (its own members and those of withheld children) are counted; when they are 1
///    to the minimum − 1, a parent's figure minus its shown children's would give their figures
///    away, so the smallest shown child (fewest members, then first in the unit list) is withheld
///    too, and the next, until they number at least the minimum or no child is left shown.
///    Role scopes are treated the same way as children of the organisation: present members
///    holding none of the shown roles must be none or at least the minimum.
///
/// Headcounts are shown for every scope; an empty scope (headcount 0) has nothing to withhold.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// let rule = teichaku_metrics::Disclosure::new(&snapshot, "2026-04-20".parse()?, 5);
/// let shown = rule.shows(&teichaku_metrics::Scope::Organisation);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Disclosure {
    /// Shared with the rules of the weeks decided from this one ([`Disclosure::on`]).
    tree: std::sync::Arc<UnitTree>,
    /// The minimum group size, at least 1.
    min: u64,
    /// By unit position: headcount of the unit with its descendants on `as_of` (on each of the
    /// dates of a rule made by [`Disclosure::on`]).
    unit_headcount: Vec<u64>,
    /// By unit position: whether its figures are shown.
    unit_shown: Vec<bool>,
    organisation_shown: bool,
    /// In [`Role::ALL`] order.
    role_shown: [bool; 5],
}

/// The members a rule counts: by unit position (the unit's own members), and by the set of
/// roles they hold (bit `i` for `Role::ALL[i]`).
#[derive(Clone, PartialEq, Eq, Debug)]
struct GroupCounts {
    own: Vec<u64>,
    by_roles: [u64; 32],
}

impl GroupCounts {
    /// The counts of the members `member_of` takes, over `units` unit positions.
    fn of(units: usize, snapshot: &ValidSnapshot, member_of: impl Fn(&Member) -> bool) -> Self {
        let mut own = vec![0u64; units];
        let mut by_roles = [0u64; 32];
        // Each member's unit by position, not looked up by id: this runs once a week of the series.
        for (i, member) in snapshot.organisation().members.iter().enumerate().filter(|(_, m)| member_of(m)) {
            if let Some(count) = snapshot.member_unit_position(i).and_then(|u| own.get_mut(u)) {
                *count += 1;
            }
            if let Some(count) = by_roles.get_mut(role_bits(member)) {
                *count += 1;
            }
        }
        Self { own, by_roles }
    }
}

/// The roles `member` holds as the bits [`GroupCounts`] counts members by (bit `i` for
/// `Role::ALL[i]`), read from the member's own (short) set.
pub(crate) fn role_bits(member: &Member) -> usize {
    member.roles.iter().fold(0usize, |b, role| b | Role::ALL.iter().position(|r| r == role).map_or(0, |i| 1 << i))
}

/// Which roles a rule shows, in [`Role::ALL`] order, from the members counted by the roles they
/// hold: primary suppression, then complementary suppression with the roles as children of the
/// organisation (present members holding none of the shown roles must be none or at least the
/// minimum). No role is shown when the organisation is not; `started` is the rule a role must
/// also pass.
fn roles_shown(by_roles: &[u64; 32], organisation_shown: bool, min: u64, started: impl Fn(Role) -> bool) -> [bool; 5] {
    let small = |n: u64| n > 0 && n < min;
    let role_count =
        |i: usize| by_roles.iter().enumerate().filter(|(bits, _)| bits >> i & 1 == 1).map(|(_, n)| n).sum::<u64>();
    let mut role_shown = [false; 5];
    for (i, shown) in role_shown.iter_mut().enumerate() {
        *shown = organisation_shown && !small(role_count(i)) && Role::ALL.get(i).is_none_or(|&r| started(r));
    }
    if organisation_shown {
        let outside = |shown: &[bool; 5]| {
            let mask = shown.iter().enumerate().filter(|(_, s)| **s).fold(0usize, |b, (i, _)| b | 1 << i);
            by_roles.iter().enumerate().filter(|(bits, _)| bits & mask == 0).map(|(_, n)| n).sum::<u64>()
        };
        let mut candidates: Vec<usize> =
            (0..5).filter(|&i| role_shown.get(i) == Some(&true) && role_count(i) > 0).collect();
        candidates.sort_by_key(|&i| (role_count(i), i));
        for i in candidates {
            if !small(outside(&role_shown)) {
                break;
            }
            if let Some(s) = role_shown.get_mut(i) {
                *s = false;
            }
        }
    }
    role_shown
}

impl Disclosure {
    /// The rule for `snapshot` on `as_of` with groups under `min_group` withheld (0 is read as 1).
    pub fn new(snapshot: &ValidSnapshot, as_of: NaiveDate, min_group: u32) -> Self {
        // The groups of `as_of`: units and roles after the dated changes up to it.
        let snapshot = &*snapshot.on(as_of);
        Self::with_tree(std::sync::Arc::new(UnitTree::new(snapshot)), snapshot, as_of, min_group)
    }

    /// [`Disclosure::new`] with the unit tree of `snapshot` made beforehand, for `snapshot` as it
    /// is on `as_of` (after the dated changes up to it).
    pub(crate) fn with_tree(
        tree: std::sync::Arc<UnitTree>,
        snapshot: &ValidSnapshot,
        as_of: NaiveDate,
        min_group: u32,
    ) -> Self {
        let min = u64::from(min_group.max(1));
        let present = Self::decide(std::sync::Arc::clone(&tree), snapshot, |m| m.is_present_on(as_of), min, None);
        // Time saved covers every member who was one on some day up to `as_of`, those who have
        // left too: their groups must pass the same rule, or a parent's time saved minus its
        // shown children's would give a leaver's away.
        let ever = Self::decide(tree, snapshot, |m| m.joined <= as_of, min, None);
        present.and(&ever)
    }

    /// The rule for the groups of members who were members on at least one day from `from` to
    /// `to` (those who joined or left in between too: the members whose events a week's minutes
    /// cover), starting from what this rule withholds, as [`Disclosure::on`] does.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let rule = teichaku_metrics::Disclosure::new(&snapshot, "2026-04-20".parse()?, 5);
    /// let week = rule.during(&snapshot, "2026-04-13".parse()?, "2026-04-19".parse()?);
    /// let org = teichaku_metrics::Scope::Organisation;
    /// assert!(!week.shows(&org) || rule.shows(&org));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn during(&self, snapshot: &ValidSnapshot, from: NaiveDate, to: NaiveDate) -> Self {
        let member = |m: &Member| m.joined <= to && m.left.is_none_or(|left| from < left);
        Self::decide(std::sync::Arc::clone(&self.tree), snapshot, member, self.min, Some(self))
    }

    /// A scope shown by both rules, with this rule's headcounts. Each rule leaves no group of 1
    /// to (minimum − 1) behind a shown parent; withholding a child the other rule withheld adds
    /// to a parent's rest a group of 0 or at least the minimum, so the combination leaves none
    /// either.
    #[must_use]
    pub fn and(mut self, other: &Self) -> Self {
        for (shown, also) in self.unit_shown.iter_mut().zip(&other.unit_shown) {
            *shown &= *also;
        }
        self.organisation_shown &= other.organisation_shown;
        for (shown, also) in self.role_shown.iter_mut().zip(&other.role_shown) {
            *shown &= *also;
        }
        self
    }

    /// The rule for the groups of members present on every one of `dates` (the last day of a
    /// week of a series; both dates of a cohort), starting from what this rule withholds: a scope
    /// is shown when this rule shows it and its group is not under the minimum, and
    /// complementary suppression is then applied to those groups. Members join and leave, so a
    /// week's groups are not those of `as_of`: without this, a unit withheld in a week (three
    /// members then) could be recovered as its parent's week minus its siblings'.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let rule = teichaku_metrics::Disclosure::new(&snapshot, "2026-04-20".parse()?, 5);
    /// let week = rule.on(&snapshot, &["2026-03-01".parse()?]);
    /// let org = teichaku_metrics::Scope::Organisation;
    /// assert!(!week.shows(&org) || rule.shows(&org));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on(&self, snapshot: &ValidSnapshot, dates: &[NaiveDate]) -> Self {
        Self::decide(
            std::sync::Arc::clone(&self.tree),
            snapshot,
            |m| dates.iter().all(|&d| m.is_present_on(d)),
            self.min,
            Some(self),
        )
    }

    /// The rule for the groups of the members `member_of` counts; a scope `start` withholds stays withheld.
    fn decide(
        tree: std::sync::Arc<UnitTree>,
        snapshot: &ValidSnapshot,
        member_of: impl Fn(&Member) -> bool,
        min: u64,
        start: Option<&Disclosure>,
    ) -> Self {
        let counts = GroupCounts::of(tree.len(), snapshot, member_of);
        Self::decide_counted(tree, &counts, min, start)
    }

    /// [`Disclosure::on`] and [`Disclosure::during`] for many weeks at once, `(from, to)` each:
    /// for each, the rule of the members present on `to` combined with the rule of those who were
    /// members on some day of it. Weeks whose groups are those of a week decided before (nobody
    /// joined or left in between, the usual case) reuse its rule rather than deciding again.
    pub(crate) fn weeks(&self, snapshot: &ValidSnapshot, weeks: &[(NaiveDate, NaiveDate)]) -> Vec<Self> {
        if weeks.is_empty() {
            return Vec::new();
        }
        // The groups and rule of the last few distinct groupings seen, of either kind.
        let mut seen: Vec<(GroupCounts, Self)> = Vec::new();
        let mut rule = |counts: GroupCounts| -> Self {
            if let Some((_, rule)) = seen.iter().find(|(c, _)| *c == counts) {
                return rule.clone();
            }
            let rule = Self::decide_counted(std::sync::Arc::clone(&self.tree), &counts, self.min, Some(self));
            if seen.len() == 4 {
                seen.remove(0);
            }
            seen.push((counts, rule.clone()));
            rule
        };
        // The days members joined and left, sorted: a week's groups are those of the week
        // before when nobody joined or left between their days, and are then not counted again.
        let members = &snapshot.organisation().members;
        let mut joined: Vec<NaiveDate> = members.iter().map(|m| m.joined).collect();
        let mut left: Vec<NaiveDate> = members.iter().filter_map(|m| m.left).collect();
        joined.sort_unstable();
        left.sort_unstable();
        // Whether some day of `days` lies after `a` and on or before `b` (either order).
        let any_between = |days: &[NaiveDate], a: NaiveDate, b: NaiveDate| {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            days.partition_point(|&d| d <= lo) != days.partition_point(|&d| d <= hi)
        };
        let mut previous: Option<(NaiveDate, NaiveDate, Self, Self)> = None;
        let mut out = Vec::with_capacity(weeks.len());
        for &(from, to) in weeks {
            // Members present on `to`: joined on or before it and not yet left. Members on some
            // day from `from` to `to`: joined on or before `to`, left after `from`.
            let (present, during) = match previous.take() {
                Some((f, t, present, during)) => {
                    let present = if any_between(&joined, t, to) || any_between(&left, t, to) {
                        rule(GroupCounts::of(self.tree.len(), snapshot, |m| m.is_present_on(to)))
                    } else {
                        present
                    };
                    let during = if any_between(&joined, t, to) || any_between(&left, f, from) {
                        rule(GroupCounts::of(self.tree.len(), snapshot, |m| {
                            m.joined <= to && m.left.is_none_or(|l| from < l)
                        }))
                    } else {
                        during
                    };
                    (present, during)
                }
                None => (
                    rule(GroupCounts::of(self.tree.len(), snapshot, |m| m.is_present_on(to))),
                    rule(GroupCounts::of(self.tree.len(), snapshot, |m| {
                        m.joined <= to && m.left.is_none_or(|l| from < l)
                    })),
                ),
            };
            out.push(present.clone().and(&during));
            previous = Some((from, to, present, during));
        }
        out
    }

    /// The rule for the groups `counts` holds; a scope `start` withholds stays withheld.
    fn decide_counted(
        tree: std::sync::Arc<UnitTree>,
        counts: &GroupCounts,
        min: u64,
        start: Option<&Disclosure>,
    ) -> Self {
        let started = |scope: &Scope| start.is_none_or(|d| d.shows(scope));
        let own = &counts.own;
        let by_roles = &counts.by_roles;
        let mut unit_headcount = own.clone();
        for &u in tree.parents_first().iter().rev() {
            let n = unit_headcount.get(u).copied().unwrap_or(0);
            if let Some(total) = tree.parent(u).and_then(|p| unit_headcount.get_mut(p)) {
                *total += n;
            }
        }
        let small = |n: u64| n > 0 && n < min;
        let org_headcount: u64 = own.iter().sum();
        let organisation_shown = !small(org_headcount) && started(&Scope::Organisation);
        let mut unit_shown: Vec<bool> = unit_headcount.iter().map(|&n| !small(n)).collect();
        if let Some(start) = start {
            for (shown, started) in unit_shown.iter_mut().zip(&start.unit_shown) {
                *shown &= *started;
            }
        }
        let headcount = |u: usize| unit_headcount.get(u).copied().unwrap_or(0);
        let complement = |kids: &[usize], whole: u64, shown: &mut Vec<bool>| {
            let mut rest = whole
                - kids.iter().filter(|&&k| shown.get(k).copied().unwrap_or(false)).map(|&k| headcount(k)).sum::<u64>();
            if !small(rest) {
                return;
            }
            // Smallest first (ties by position): usually a few are withheld out of many, so the
            // candidates are a heap taken from until the rest is large enough, not sorted whole.
            let mut candidates: std::collections::BinaryHeap<std::cmp::Reverse<(u64, usize)>> = kids
                .iter()
                .copied()
                .filter(|&k| shown.get(k).copied().unwrap_or(false) && headcount(k) > 0)
                .map(|k| std::cmp::Reverse((headcount(k), k)))
                .collect();
            while let Some(std::cmp::Reverse((_, k))) = candidates.pop() {
                if !small(rest) {
                    break;
                }
                if let Some(s) = shown.get_mut(k) {
                    *s = false;
                }
                rest += headcount(k);
            }
        };
        // Children of each parent (None: the organisation), in list order.
        if organisation_shown {
            complement(tree.children(None), org_headcount, &mut unit_shown);
        }
        for &u in tree.parents_first() {
            let parent_shown =
                tree.parent(u).map_or(organisation_shown, |p| unit_shown.get(p).copied().unwrap_or(false));
            if !parent_shown {
                if let Some(s) = unit_shown.get_mut(u) {
                    *s = false;
                }
                continue;
            }
            if unit_shown.get(u).copied().unwrap_or(false) {
                complement(tree.children(Some(u)), headcount(u), &mut unit_shown);
            }
        }
        let role_shown = roles_shown(by_roles, organisation_shown, min, |r| started(&Scope::Role(r)));
        Self { tree, min, unit_headcount, unit_shown, organisation_shown, role_shown }
    }

    /// Whether `scope`'s figures may be shown (`true` for an unknown unit and for an empty scope,
    /// which have nothing to withhold).
    pub fn shows(&self, scope: &Scope) -> bool {
        match scope {
            Scope::Organisation => self.organisation_shown,
            Scope::Unit(u) => self.tree.position(*u).and_then(|u| self.unit_shown.get(u)).copied().unwrap_or(true),
            Scope::Role(r) => {
                Role::ALL.iter().position(|x| x == r).and_then(|i| self.role_shown.get(i)).copied().unwrap_or(true)
            }
        }
    }

    /// The headcount on `as_of` of a unit with its descendants (0 for an unknown unit); for a
    /// rule made by [`Disclosure::on`], the members present on each of its dates.
    pub fn unit_headcount(&self, unit: UnitId) -> u64 {
        self.tree.position(unit).and_then(|u| self.unit_headcount.get(u)).copied().unwrap_or(0)
    }

    /// Sums `own`, a count for each unit's own members by position in the organisation's unit
    /// list, over each unit with its descendants: one pass up the tree, however deep.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let rule = teichaku_metrics::Disclosure::new(&snapshot, "2026-04-20".parse()?, 5);
    /// let units = snapshot.organisation().units.len();
    /// assert_eq!(rule.subtree_sums(vec![1; units]).len(), units);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subtree_sums(&self, mut own: Vec<u64>) -> Vec<u64> {
        own.resize(self.tree.len(), 0);
        for &u in self.tree.parents_first().iter().rev() {
            let n = own.get(u).copied().unwrap_or(0);
            if let Some(total) = self.tree.parent(u).and_then(|p| own.get_mut(p)) {
                *total += n;
            }
        }
        own
    }

    /// Whether the figures of the unit at `position` in the organisation's list are shown
    /// (`true` past the list, as [`Disclosure::shows`] answers for an unknown unit).
    pub(crate) fn shows_unit_at(&self, position: usize) -> bool {
        self.unit_shown.get(position).copied().unwrap_or(true)
    }

    pub(crate) fn tree(&self) -> &UnitTree {
        &self.tree
    }
}
