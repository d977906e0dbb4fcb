//! The figures of some scopes on one day after another (review packs, each on its own days),
//! sharing what the days have in common, so a day of some units costs what those units read.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use teichaku_model::{IdBuildHasher, Role, ValidSnapshot};

use crate::aggregate::{AggregateSpec, DailyAggregate, UsageAggregate};
use crate::kpis::{Ctx, Given, Read, RecordIndex, first_trained, rule_reviews, tenure};
use crate::scope::{Group, LiveRule, UnitTree, role_bits};
use crate::{EventStore, KpiError, KpiOptions, Scope, ScopeKpis, kpis_from_aggregate};

/// The figures of some scopes on many days, as [`crate::kpis_with_store`] reports them on each:
/// what the days share is worked out once, so a day asked for units alone costs what those units
/// read (their members' usage, and the executives', whose commitment every scope shows), not a
/// pass over the whole organisation.
///
/// The privacy rule (which scopes show their figures) is the one the whole report decides from
/// every unit's headcount, but it is decided once and then kept up to date: the headcounts change
/// only on the days members join, leave or move (or change roles), so the days between two such
/// days share one rule, and from one day to the next the members who joined or left in between
/// are counted in or out along their units' paths to the top (a move or a change of roles, or
/// many members at once, decides it afresh). The state of each member's usage is made once and
/// only the members a day reads are reset and filled in again.
///
/// A day asking for the organisation or a role reads every member's usage, as
/// [`crate::kpis_with_store`] does. [`crate::scope_kpis_with_store`] is one day of it.
///
/// ```
/// use teichaku_metrics::{EventStore, KpiDays, KpiOptions, Scope, kpis_with_store};
/// # fn setup() -> (teichaku_model::ValidSnapshot, EventStore, Vec<teichaku_model::UnitId>) { unimplemented!() }
/// # if false {
/// let (snapshot, store, units) = setup();
/// let mut days = KpiDays::new(&snapshot, &store, &KpiOptions::default());
/// for (i, unit) in units.iter().enumerate() {
///     // Each unit on a day of its own: one privacy rule for them all while nobody joins or leaves.
///     let day = "2026-10-01".parse::<chrono::NaiveDate>()? + chrono::Days::new(i as u64);
///     let figures = days.scope_kpis(day, &[Scope::Unit(*unit)])?;
///     let mut options = KpiOptions::default();
///     options.scopes = vec![Scope::Unit(*unit)];
///     assert_eq!(figures, kpis_with_store(&snapshot, &store, day, &options)?.scopes);
/// }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct KpiDays<'a> {
    snapshot: &'a ValidSnapshot,
    store: &'a EventStore,
    options: KpiOptions,
    /// Made on the first day asked for units alone.
    shared: Option<Shared<'a>>,
}

/// What the days asked for units alone share, and the state kept from the last such day.
#[derive(Debug)]
struct Shared<'a> {
    tree: Arc<UnitTree>,
    tenure: Vec<(i32, i32)>,
    first_trained: Vec<i32>,
    rule_reviews: Vec<NaiveDate>,
    records: RecordIndex,
    kind_numbers: (Vec<Option<u32>>, Vec<Option<u32>>),
    /// The days of the dated changes, ascending: two days with none after the first and on or
    /// before the second see one organisation (the members' units and roles).
    change_days: Vec<NaiveDate>,
    /// The days members join or leave and the days of the changes, ascending: two days with none
    /// of them after the first and on or before the second have the same groups, so one rule.
    group_days: Vec<NaiveDate>,
    /// Members by the day they join, and by the day they leave: `(day, position)`, ascending.
    joins: Vec<(NaiveDate, usize)>,
    leaves: Vec<(NaiveDate, usize)>,
    /// The organisation of the last day asked, with the number of change days up to it.
    organisation: Option<(usize, Organisation<'a>)>,
    /// The privacy rule of the last day asked.
    rule: Option<KeptRule>,
    usage: DailyAggregate,
}

/// The privacy rule of a day, kept up to date from day to day as members join and leave.
#[derive(Debug)]
struct KeptRule {
    /// The day it is the rule of, with the numbers of group days and change days up to it.
    day: NaiveDate,
    groups: usize,
    changes: usize,
    live: LiveRule,
}

/// The organisation as it is on some day, with its members by unit.
#[derive(Debug)]
struct Organisation<'a> {
    snapshot: Cow<'a, ValidSnapshot>,
    /// The members of unit `u` (positions, ascending) are `members[start[u]..start[u + 1]]`.
    start: Vec<usize>,
    members: Vec<usize>,
    /// The positions of the executives, ascending.
    executives: Vec<usize>,
}

impl<'a> KpiDays<'a> {
    /// No day yet: the figures of `snapshot` over the events of `store`, with `options` (its
    /// `scopes` are not read: each day names its own).
    pub fn new(snapshot: &'a ValidSnapshot, store: &'a EventStore, options: &KpiOptions) -> Self {
        Self { snapshot, store, options: options.clone(), shared: None }
    }

    /// The figures of `scopes` on `as_of` (every scope when empty), as the report of
    /// [`crate::kpis_with_store`] with these scopes holds them. Days may come in any order;
    /// in date order, each state of the membership is reached from the one before.
    ///
    /// # Errors
    ///
    /// [`KpiError::UnknownUnit`] when a scope names a unit the organisation does not have.
    pub fn scope_kpis(&mut self, as_of: NaiveDate, scopes: &[Scope]) -> Result<Vec<ScopeKpis>, KpiError> {
        let (snapshot, store) = (self.snapshot, self.store);
        let mut asked = Vec::with_capacity(scopes.len());
        for scope in scopes {
            match scope {
                Scope::Unit(u) => asked.push(*u),
                _ => break,
            }
        }
        if asked.is_empty() || asked.len() < scopes.len() {
            // The organisation, a role or every scope: every member's usage is read.
            let mut options = self.options.clone();
            options.scopes = scopes.to_vec();
            let spec = AggregateSpec::new(snapshot, store, as_of, options.series_weeks);
            let agg = UsageAggregate::compute_parallel(store, &spec, options.threads);
            return Ok(kpis_from_aggregate(snapshot, store, &agg, &options)?.scopes);
        }
        if let Some(&unknown) = asked.iter().find(|&&u| snapshot.unit(u).is_none()) {
            return Err(KpiError::UnknownUnit(unknown));
        }
        let options = &self.options;
        let shared = self.shared.get_or_insert_with(|| Shared::new(snapshot, store, options));
        // The organisation of the day, and its rule: kept from the day before unless a member
        // joined, left or changed in between.
        let changes = shared.change_days.partition_point(|&d| d <= as_of);
        if shared.organisation.as_ref().is_none_or(|(n, _)| *n != changes) {
            shared.organisation = Some((changes, Organisation::on(snapshot, as_of)));
        }
        let Some((_, organisation)) = &shared.organisation else { return Ok(Vec::new()) };
        let day = &*organisation.snapshot;
        let groups = shared.group_days.partition_point(|&d| d <= as_of);
        let min_group = options.min_group_size.unwrap_or(snapshot.playbook().metrics.min_group_size).max(1);
        shared.rule = Some(match shared.rule.take() {
            Some(kept) if kept.groups == groups => kept,
            // Nobody moved or changed roles in between: only those who joined or left between
            // the two days count in or out.
            Some(kept) if kept.changes == changes => shared.follow(kept, day, as_of, groups),
            _ => KeptRule {
                day: as_of,
                groups,
                changes,
                live: LiveRule::on(Arc::clone(&shared.tree), day, as_of, min_group),
            },
        });
        let Some(KeptRule { live, .. }) = &shared.rule else { return Ok(Vec::new()) };
        let rule = live.rule();
        let tree = &*shared.tree;
        // The asked units with every unit under them (each walked once, however the asked units
        // nest), their members and the executives.
        let mut seen: HashSet<usize, IdBuildHasher> = HashSet::default();
        let mut under: Vec<usize> =
            asked.iter().filter_map(|&u| tree.position(u)).filter(|&u| seen.insert(u)).collect();
        let mut next = 0;
        while let Some(&u) = under.get(next) {
            under.extend(tree.children(Some(u)).iter().copied().filter(|&c| seen.insert(c)));
            next += 1;
        }
        under.sort_unstable();
        let mut members: Vec<usize> = organisation.executives.clone();
        for &u in &under {
            if let (Some(&a), Some(&b)) = (organisation.start.get(u), organisation.start.get(u + 1)) {
                members.extend_from_slice(organisation.members.get(a..b).unwrap_or_default());
            }
        }
        members.sort_unstable();
        members.dedup();
        // The units totals are kept for: those, the members' own, and every unit above them,
        // numbered parents first.
        let mut kept: HashMap<usize, usize, IdBuildHasher> = HashMap::default();
        let mut units = Vec::new();
        let own = members.iter().filter_map(|&m| day.member_unit_position(m));
        for start in under.iter().copied().chain(own) {
            let mut at = Some(start);
            while let Some(u) = at {
                if kept.insert(u, 0).is_some() {
                    break;
                }
                units.push(u);
                at = tree.parent(u);
            }
        }
        units.sort_unstable_by_key(|&u| tree.rank(u));
        for (number, &u) in units.iter().enumerate() {
            kept.insert(u, number);
        }
        let parents = units.iter().map(|&u| tree.parent(u).and_then(|p| kept.get(&p).copied())).collect();
        let agg = shared.usage.on(store, as_of, &members);
        let given = Given {
            disclosure: Cow::Borrowed(rule),
            tenure: Cow::Borrowed(&shared.tenure),
            first_trained: Cow::Borrowed(&shared.first_trained),
            rule_reviews: Cow::Borrowed(&shared.rule_reviews),
            read: Some(Read { members: &members, units, numbers: kept, parents, records: &shared.records }),
        };
        let ctx = Ctx::new(day, shared.kind_numbers.clone(), agg, options, given);
        Ok(scopes.iter().map(|scope| ctx.scope_kpis(scope.clone())).collect())
    }
}

impl<'a> Shared<'a> {
    fn new(snapshot: &'a ValidSnapshot, store: &EventStore, options: &KpiOptions) -> Self {
        let org = snapshot.organisation();
        let change_days: Vec<NaiveDate> = {
            let mut days: Vec<NaiveDate> = org.changes.iter().map(|c| c.on).collect();
            days.sort_unstable();
            days
        };
        let mut group_days: Vec<NaiveDate> = org
            .members
            .iter()
            .flat_map(|m| [Some(m.joined), m.left])
            .flatten()
            .chain(change_days.iter().copied())
            .collect();
        group_days.sort_unstable();
        group_days.dedup();
        let mut joins: Vec<(NaiveDate, usize)> = org.members.iter().enumerate().map(|(i, m)| (m.joined, i)).collect();
        let mut leaves: Vec<(NaiveDate, usize)> =
            org.members.iter().enumerate().filter_map(|(i, m)| Some((m.left?, i))).collect();
        joins.sort_unstable();
        leaves.sort_unstable();
        Self {
            tree: Arc::new(UnitTree::new(snapshot)),
            tenure: tenure(snapshot),
            first_trained: first_trained(snapshot),
            rule_reviews: rule_reviews(snapshot),
            records: RecordIndex::new(snapshot),
            kind_numbers: store.kind_numbers(),
            change_days,
            group_days,
            joins,
            leaves,
            organisation: None,
            rule: None,
            usage: DailyAggregate::new(snapshot, store, options.series_weeks),
        }
    }
}

impl Shared<'_> {
    /// The rule of `kept` moved to `as_of`, a day of the same organisation (`day`): each member
    /// who joined or left between the two days is counted in or out of the groups where that
    /// changed, and the parents on their paths decide again. When they are many, the rule is
    /// decided afresh, which costs a pass over every member and unit.
    fn follow(&self, kept: KeptRule, day: &ValidSnapshot, as_of: NaiveDate, groups: usize) -> KeptRule {
        let KeptRule { day: was, changes, mut live, .. } = kept;
        let (from, to) = if was <= as_of { (was, as_of) } else { (as_of, was) };
        // The members whose joining or leaving day is after `from` and on or before `to`.
        let mut members: Vec<usize> = Vec::new();
        for days in [&self.joins, &self.leaves] {
            let start = days.partition_point(|&(d, _)| d <= from);
            let end = days.partition_point(|&(d, _)| d <= to);
            members.extend(days.get(start..end).unwrap_or_default().iter().map(|&(_, m)| m));
        }
        let everyone = &day.organisation().members;
        if members.len() > everyone.len() / 4 + day.organisation().units.len() / 4 {
            let min = u32::try_from(live.min()).unwrap_or(u32::MAX);
            return KeptRule {
                day: as_of,
                groups,
                changes,
                live: LiveRule::on(Arc::clone(&self.tree), day, as_of, min),
            };
        }
        members.sort_unstable();
        members.dedup();
        for m in members {
            let Some(member) = everyone.get(m) else { continue };
            let (unit, roles) = (day.member_unit_position(m), role_bits(member));
            let (present, now) = (member.is_present_on(was), member.is_present_on(as_of));
            if present != now {
                live.count(Group::Present, unit, roles, now);
            }
            let (ever, now) = (member.joined <= was, member.joined <= as_of);
            if ever != now {
                live.count(Group::Ever, unit, roles, now);
            }
        }
        live.settle();
        KeptRule { day: as_of, groups, changes, live }
    }
}

impl<'a> Organisation<'a> {
    /// The organisation of `snapshot` on `day`.
    fn on(snapshot: &'a ValidSnapshot, day: NaiveDate) -> Self {
        let snapshot = snapshot.on(day);
        let count = snapshot.organisation().units.len();
        let mut start = vec![0usize; count + 1];
        let members = &snapshot.organisation().members;
        for m in 0..members.len() {
            if let Some(slot) = snapshot.member_unit_position(m).and_then(|u| start.get_mut(u + 1)) {
                *slot += 1;
            }
        }
        for u in 0..count {
            let before = start.get(u).copied().unwrap_or(0);
            if let Some(slot) = start.get_mut(u + 1) {
                *slot += before;
            }
        }
        let mut next = start.clone();
        let mut by_unit = vec![0usize; next.last().copied().unwrap_or(0)];
        for m in 0..members.len() {
            let Some(u) = snapshot.member_unit_position(m) else { continue };
            if let Some(at) = next.get_mut(u) {
                if let Some(slot) = by_unit.get_mut(*at) {
                    *slot = m;
                }
                *at += 1;
            }
        }
        let executives =
            members.iter().enumerate().filter(|(_, m)| m.has_role(Role::Executive)).map(|(i, _)| i).collect();
        Self { snapshot, start, members: by_unit, executives }
    }
}
