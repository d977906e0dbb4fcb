//! The validated snapshot: references resolved, lookups built once.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::error::{Record, ValidationError};
use crate::validate::Snapshot;
use crate::{
    Activity, ActivityId, KpiTarget, Member, MemberChange, MemberId, Observations, Organisation, OutcomeId, OutcomeKpi,
    OutcomeRecord, OutcomeTarget, Playbook, Role, Unit, UnitId,
};

/// A snapshot that passed [`crate::validate`]: every id is unique, every reference resolves, the
/// unit tree and the activity dependencies have no cycle, and every timestamp is readable.
///
/// Queries over it need not return `Result` for references.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// for unit in snapshot.organisation().units.iter() {
///     println!("{} has {} units under it", unit.name, snapshot.units_under(unit.id).len());
/// }
/// # }
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct ValidSnapshot {
    organisation: Organisation,
    /// What the organisation on another day ([`ValidSnapshot::on`]) shares with this one.
    shared: Arc<Shared>,
    /// By member position: their unit's position.
    member_units: Vec<Option<usize>>,
    /// By role (in [`Role::ALL`] order) and unit position: the unit's own members holding the
    /// role, sorted by member id.
    holders: Vec<Vec<Vec<Holder>>>,
}

/// The parts of a snapshot that dated changes to members' facts leave as they are.
#[derive(Clone, PartialEq, Debug)]
struct Shared {
    playbook: Playbook,
    observations: Observations,
    units: Positions<UnitId>,
    members: Positions<MemberId>,
    children: Vec<Vec<usize>>,
    /// By unit position: its parent's position.
    parents: Vec<Option<usize>>,
    activities: BTreeMap<ActivityId, usize>,
    activity_order: Vec<usize>,
    usage_local: Vec<NaiveDateTime>,
    /// Completion days and outcome records grouped for look-ups, built on first use.
    records: crate::records::Lazy<crate::records::RecordIndex>,
}

/// Positions in a list by id, for lookups only (never iterated, so the map's order shows
/// nowhere). A hash map with a fixed hasher ([`crate::IdHasher`]: no randomness, the same on
/// every run) answers in one or two memory reads where a tree of 100,000 ids takes seventeen;
/// the rollout asks a unit's position once per instance.
type Positions<K> = HashMap<K, usize, crate::IdBuildHasher>;

/// A member in the role-holder index: what "who holds this role here today" needs, stored in the
/// list itself, so answering it reads one short list rather than member records all over memory.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Holder {
    position: usize,
    id: MemberId,
    joined: NaiveDate,
    left: Option<NaiveDate>,
}

impl Holder {
    /// As [`Member::is_present_on`].
    fn is_present_on(&self, day: NaiveDate) -> bool {
        self.joined <= day && self.left.is_none_or(|left| day < left)
    }
}

impl ValidSnapshot {
    pub(crate) fn build(snapshot: Snapshot) -> Result<Self, Vec<ValidationError>> {
        let org = &snapshot.organisation;
        let units: Positions<UnitId> = org.units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let members = org.members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
        // Units taken in id order fill each parent's list already sorted by id.
        let mut by_id: Vec<(usize, &Unit)> = org.units.iter().enumerate().collect();
        by_id.sort_by_key(|&(_, u)| u.id);
        let mut children = vec![Vec::new(); org.units.len()];
        let mut parents = vec![None; org.units.len()];
        for (i, u) in by_id {
            let parent = u.parent.as_ref().and_then(|p| units.get(p)).copied();
            if let Some(slot) = parents.get_mut(i) {
                *slot = parent;
            }
            if let Some(list) = parent.and_then(|p| children.get_mut(p)) {
                list.push(i);
            }
        }
        let pb = &snapshot.playbook;
        let activities: BTreeMap<ActivityId, usize> =
            pb.activities.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let activity_order = topological_order(pb, &activities);
        let offset = org.utc_offset.to_fixed_offset();
        let mut usage_local = Vec::with_capacity(snapshot.observations.usage.len());
        let mut errors = Vec::new();
        for (index, e) in snapshot.observations.usage.iter().enumerate() {
            match e.at.resolve(org.utc_offset) {
                Ok(at) => usage_local.push(at.with_timezone(&offset).naive_local()),
                Err(err) => errors.push(ValidationError::UnreadableTimestamp {
                    record: Record::UsageEvent { index, member: e.member },
                    text: err.text,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let member_units: Vec<Option<usize>> = org.members.iter().map(|m| units.get(&m.unit).copied()).collect();
        let holders = role_holders(org, &member_units);
        let Snapshot { organisation, playbook, observations } = snapshot;
        Ok(Self {
            organisation,
            shared: Arc::new(Shared {
                playbook,
                observations,
                units,
                members,
                children,
                parents,
                activities,
                activity_order,
                usage_local,
                records: crate::records::Lazy::default(),
            }),
            member_units,
            holders,
        })
    }

    /// The organisation as it was on `day`: each member's facts (unit, roles, literacy, age
    /// band) with every one of [`Organisation::changes`] dated on or before `day` applied in
    /// date order, and no changes left. Every query on a date sees the organisation of that day
    /// through it; the facade's `assess` and `overview` call it with their `as_of`.
    ///
    /// Without changes it is the snapshot itself, borrowed: nothing is copied. With changes it
    /// costs one pass over the members and the changes; the playbook and the observations are
    /// shared, not copied.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Role, ValidSnapshot};
    /// # fn valid() -> ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid(); // member E001 appointed ambassador on 2026-10-01
    /// let september = snapshot.on("2026-09-30".parse()?);
    /// let october = snapshot.on("2026-10-01".parse()?);
    /// let id = MemberId::from_key("E001");
    /// assert!(!september.member(id).is_some_and(|m| m.has_role(Role::Ambassador)));
    /// assert!(october.member(id).is_some_and(|m| m.has_role(Role::Ambassador)));
    /// assert!(october.organisation().changes.is_empty());
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on(&self, day: NaiveDate) -> Cow<'_, ValidSnapshot> {
        if self.organisation.changes.is_empty() {
            return Cow::Borrowed(self);
        }
        let o = &self.organisation;
        let mut organisation = Organisation {
            name: o.name.clone(),
            utc_offset: o.utc_offset,
            launch_date: o.launch_date,
            deployment_pattern: o.deployment_pattern,
            units: o.units.clone(),
            members: o.members.clone(),
            waves: o.waves.clone(),
            task_baselines: o.task_baselines.clone(),
            hourly_rate: o.hourly_rate.clone(),
            changes: Vec::new(),
            tools: o.tools.clone(),
            outcomes: o.outcomes.clone(),
            kpi_targets: o.kpi_targets.clone(),
            outcome_targets: o.outcome_targets.clone(),
            keys: o.keys.clone(),
        };
        // Validation checked that every change names a member; ties on one day change
        // different facts, so the order among them does not matter.
        let mut due: Vec<&MemberChange> = o.changes.iter().filter(|c| c.on <= day).collect();
        due.sort_by_key(|c| c.on);
        // Each member's unit position as before the changes, updated by the transfers alone:
        // one lookup a change, not one a member.
        let mut member_units = self.member_units.clone();
        for change in due {
            let position = self.shared.members.get(&change.member).copied();
            if let Some(member) = position.and_then(|i| organisation.members.get_mut(i)) {
                change.apply_to(member);
            }
            if let (Some(unit), Some(slot)) = (change.unit, position.and_then(|i| member_units.get_mut(i))) {
                *slot = self.shared.units.get(&unit).copied();
            }
        }
        let holders = role_holders(&organisation, &member_units);
        Cow::Owned(Self { organisation, shared: Arc::clone(&self.shared), member_units, holders })
    }

    /// The organisation.
    pub fn organisation(&self) -> &Organisation {
        &self.organisation
    }

    /// The playbook it follows.
    pub fn playbook(&self) -> &Playbook {
        &self.shared.playbook
    }

    /// The outcome KPI with id `id`, declared by the playbook or by the organisation (validation
    /// refuses an id both declare).
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let cost = snapshot.outcome(&teichaku_model::OutcomeId::new("ai-cost")?);
    /// println!("{:?}", cost.map(|o| &o.measured_in));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn outcome(&self, id: &OutcomeId) -> Option<&OutcomeKpi> {
        self.playbook().outcome(id).or_else(|| self.organisation.outcomes.iter().find(|o| &o.id == id))
    }

    /// Every KPI target judged: the playbook's, then the organisation's own; a target's position
    /// in this sequence names it in an action.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// assert_eq!(snapshot.kpi_targets().count(), snapshot.playbook().kpi_targets.len() + snapshot.organisation().kpi_targets.len());
    /// # }
    /// ```
    pub fn kpi_targets(&self) -> impl Iterator<Item = &KpiTarget> {
        self.playbook().kpi_targets.iter().chain(&self.organisation.kpi_targets)
    }

    /// Every outcome target judged: the playbook's, then the organisation's own.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// for t in snapshot.outcome_targets() {
    ///     println!("{} {:?} {}", t.outcome, t.op, t.value);
    /// }
    /// # }
    /// ```
    pub fn outcome_targets(&self) -> impl Iterator<Item = &OutcomeTarget> {
        self.playbook().outcome_targets.iter().chain(&self.organisation.outcome_targets)
    }

    /// What was observed.
    pub fn observations(&self) -> &Observations {
        &self.shared.observations
    }

    fn records(&self) -> &crate::records::RecordIndex {
        let shared = &*self.shared;
        shared.records.get_or_init(|| {
            crate::records::RecordIndex::new(
                &shared.observations.completions,
                |id| shared.activities.get(id).copied(),
                &shared.observations.outcomes,
            )
        })
    }

    /// The days `activity` was completed in `unit` (`None`: completions that name no unit), in
    /// order, from an index built on first use: a hash look-up however many completions there
    /// are. An unknown activity has none.
    ///
    /// ```
    /// use teichaku_model::{ActivityId, UnitId, ValidSnapshot};
    /// # fn valid() -> ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let kickoff = ActivityId::new("kickoff")?;
    /// let first = snapshot.completion_days(&kickoff, None).first();
    /// println!("kick-off first held on {first:?}");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn completion_days(&self, activity: &ActivityId, unit: Option<UnitId>) -> &[NaiveDate] {
        match self.shared.activities.get(activity) {
            Some(&a) => self.records().completion_days(a, unit),
            None => &[],
        }
    }

    /// The days `activity` was completed, in any unit or none, in order (as
    /// [`ValidSnapshot::completion_days`], over every unit).
    ///
    /// ```
    /// use teichaku_model::{ActivityId, ValidSnapshot};
    /// # fn valid() -> ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let as_of = "2026-12-01".parse()?;
    /// let days = snapshot.all_completion_days(&ActivityId::new("weekly-review")?);
    /// let latest = days.get(..days.partition_point(|&d| d <= as_of)).and_then(<[_]>::last);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_completion_days(&self, activity: &ActivityId) -> &[NaiveDate] {
        match self.shared.activities.get(activity) {
            Some(&a) => self.records().all_completion_days(a),
            None => &[],
        }
    }

    /// The latest record of `outcome` for `unit` (`None`: the organisation's) dated on or before
    /// `as_of`: the record [`crate::latest_outcome`] finds in the observations, found by a
    /// binary search in an index built on first use.
    ///
    /// ```
    /// use teichaku_model::{OutcomeId, ValidSnapshot};
    /// # fn valid() -> ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let overtime = OutcomeId::new("overtime-hours")?;
    /// let as_of = "2026-12-01".parse()?;
    /// let latest = snapshot.latest_outcome(&overtime, None, as_of);
    /// assert_eq!(latest, teichaku_model::latest_outcome(&snapshot.observations().outcomes, &overtime, None, as_of));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn latest_outcome(
        &self,
        outcome: &OutcomeId,
        unit: Option<UnitId>,
        as_of: NaiveDate,
    ) -> Option<&OutcomeRecord> {
        let records = &self.shared.observations.outcomes;
        self.records().latest_outcome(records, outcome, unit, as_of).and_then(|i| records.get(i))
    }

    /// The unit with id `id`.
    pub fn unit(&self, id: UnitId) -> Option<&Unit> {
        self.shared.units.get(&id).and_then(|&i| self.organisation.units.get(i))
    }

    /// The position of the unit with id `id` in the organisation's unit list.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let first = snapshot.organisation().units[0].id;
    /// assert_eq!(snapshot.unit_position(first), Some(0));
    /// # }
    /// ```
    pub fn unit_position(&self, id: UnitId) -> Option<usize> {
        self.shared.units.get(&id).copied()
    }

    /// The position of the parent of the unit at position `unit` in the organisation's unit list:
    /// the tree by positions, without a lookup by id.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let top = snapshot.organisation().units.iter().position(|u| u.parent.is_none());
    /// assert_eq!(top.and_then(|p| snapshot.parent_position(p)), None);
    /// # }
    /// ```
    pub fn parent_position(&self, unit: usize) -> Option<usize> {
        self.shared.parents.get(unit).copied().flatten()
    }

    /// The position of the unit of the member at position `member` in the organisation's
    /// member list, without a lookup by id.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let unit = snapshot.organisation().members[0].unit;
    /// assert_eq!(snapshot.member_unit_position(0), snapshot.unit_position(unit));
    /// # }
    /// ```
    pub fn member_unit_position(&self, member: usize) -> Option<usize> {
        self.member_units.get(member).copied().flatten()
    }

    /// The position of the member with id `id` in the organisation's member list.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let first = snapshot.organisation().members[0].id;
    /// assert_eq!(snapshot.member_position(first), Some(0));
    /// # }
    /// ```
    pub fn member_position(&self, id: MemberId) -> Option<usize> {
        self.shared.members.get(&id).copied()
    }

    /// The member with id `id`.
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.shared.members.get(&id).and_then(|&i| self.organisation.members.get(i))
    }

    /// The activity with id `id`.
    pub fn activity(&self, id: &ActivityId) -> Option<&Activity> {
        self.shared.activities.get(id).and_then(|&i| self.shared.playbook.activities.get(i))
    }

    /// Every member who holds `role`, present or not, unit by unit (in the organisation's unit
    /// order), sorted by id within each unit.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let executives = valid().members_holding(teichaku_model::Role::Executive).count();
    /// # }
    /// ```
    pub fn members_holding(&self, role: Role) -> impl Iterator<Item = &Member> + '_ {
        let position = Role::ALL.iter().position(|&r| r == role);
        let lists = position.and_then(|r| self.holders.get(r));
        lists.into_iter().flatten().flatten().filter_map(|h| self.organisation.members.get(h.position))
    }

    /// The ids of the members holding `role` and present on `day`, unit by unit (in the
    /// organisation's unit order), sorted by id within each unit: [`Self::members_holding`]
    /// filtered by [`Member::is_present_on`], read from the snapshot's index alone.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let day = snapshot.organisation().launch_date;
    /// let present = snapshot.present_holding(teichaku_model::Role::Ambassador, day).count();
    /// let slow = snapshot.members_holding(teichaku_model::Role::Ambassador).filter(|m| m.is_present_on(day)).count();
    /// assert_eq!(present, slow);
    /// # }
    /// ```
    pub fn present_holding(&self, role: Role, day: NaiveDate) -> impl Iterator<Item = MemberId> + '_ {
        let position = Role::ALL.iter().position(|&r| r == role);
        let lists = position.and_then(|r| self.holders.get(r));
        lists.into_iter().flatten().flatten().filter(move |h| h.is_present_on(day)).map(|h| h.id)
    }

    /// The ids of the members of unit `unit` itself (not of the units below it) holding `role` and
    /// present on `day`, sorted by id: [`Self::unit_members_holding`] filtered by
    /// [`Member::is_present_on`], read from the snapshot's index alone; empty for an unknown unit.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let (unit, day) = (snapshot.organisation().units[0].id, snapshot.organisation().launch_date);
    /// let managers: Vec<_> = snapshot.unit_present_holding(unit, teichaku_model::Role::Manager, day).collect();
    /// # }
    /// ```
    pub fn unit_present_holding(
        &self,
        unit: UnitId,
        role: Role,
        day: NaiveDate,
    ) -> impl Iterator<Item = MemberId> + '_ {
        self.unit_holders(unit, role).iter().filter(move |h| h.is_present_on(day)).map(|h| h.id)
    }

    /// [`Self::unit_present_holding`] for the unit at `position` in the organisation's unit
    /// list, without a lookup by id; empty past the last unit.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let (unit, day) = (snapshot.organisation().units[0].id, snapshot.organisation().launch_date);
    /// let role = teichaku_model::Role::Manager;
    /// assert!(snapshot.unit_present_holding_at(0, role, day).eq(snapshot.unit_present_holding(unit, role, day)));
    /// # }
    /// ```
    pub fn unit_present_holding_at(
        &self,
        position: usize,
        role: Role,
        day: NaiveDate,
    ) -> impl Iterator<Item = MemberId> + '_ {
        let by_role = Role::ALL.iter().position(|&r| r == role).and_then(|r| self.holders.get(r));
        let list = by_role.and_then(|l| l.get(position)).map_or(&[][..], Vec::as_slice);
        list.iter().filter(move |h| h.is_present_on(day)).map(|h| h.id)
    }

    /// [`Self::has_units_under`] for the unit at `position` in the organisation's unit list.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// assert_eq!(snapshot.has_units_under_at(0), snapshot.has_units_under(snapshot.organisation().units[0].id));
    /// # }
    /// ```
    pub fn has_units_under_at(&self, position: usize) -> bool {
        self.shared.children.get(position).is_some_and(|c| !c.is_empty())
    }

    fn unit_holders(&self, unit: UnitId, role: Role) -> &[Holder] {
        let position = Role::ALL.iter().position(|&r| r == role);
        let list =
            position.and_then(|r| self.holders.get(r)).zip(self.shared.units.get(&unit)).and_then(|(l, &u)| l.get(u));
        list.map_or(&[], Vec::as_slice)
    }

    /// The members of unit `unit` itself (not of the units below it) who hold `role`, present or
    /// not, sorted by id; empty for an unknown unit.
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let unit = snapshot.organisation().units[0].id;
    /// let ambassadors = snapshot.unit_members_holding(unit, teichaku_model::Role::Ambassador).count();
    /// # }
    /// ```
    pub fn unit_members_holding(&self, unit: UnitId, role: Role) -> impl Iterator<Item = &Member> + '_ {
        self.unit_holders(unit, role).iter().filter_map(|h| self.organisation.members.get(h.position))
    }

    /// Whether unit `id` has units below it (`false` for an unknown unit).
    ///
    /// ```
    /// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
    /// # if false {
    /// let snapshot = valid();
    /// let leaves = snapshot.organisation().units.iter().filter(|u| !snapshot.has_units_under(u.id)).count();
    /// # }
    /// ```
    pub fn has_units_under(&self, id: UnitId) -> bool {
        self.shared.units.get(&id).and_then(|&i| self.shared.children.get(i)).is_some_and(|c| !c.is_empty())
    }

    /// The unit `id` and every unit below it, in depth-first order, children sorted by id.
    pub fn units_under(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let Some(&root) = self.shared.units.get(&id) else { return out };
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            // Positions come from the unit list these lookups were built from.
            if let Some(unit) = self.organisation.units.get(i) {
                out.push(unit.id);
            }
            stack.extend(self.shared.children.get(i).into_iter().flatten().rev());
        }
        out
    }

    /// The activities in an order where each comes after everything it waits for; ties keep the
    /// playbook's order.
    pub fn activities_in_order(&self) -> impl Iterator<Item = &Activity> {
        self.shared.activity_order.iter().filter_map(|&i| self.shared.playbook.activities.get(i))
    }

    /// The local date and time of `observations().usage[index]`, in the organisation's offset.
    pub fn usage_local_time(&self, index: usize) -> Option<NaiveDateTime> {
        self.shared.usage_local.get(index).copied()
    }

    /// Gives the snapshot back.
    pub fn into_snapshot(self) -> Snapshot {
        let Shared { playbook, observations, .. } =
            Arc::try_unwrap(self.shared).unwrap_or_else(|shared| (*shared).clone());
        Snapshot { organisation: self.organisation, playbook, observations }
    }
}

/// By member position, their unit's position; by role and unit position, the unit's own members
/// holding the role, sorted by id.
#[allow(clippy::type_complexity, reason = "two private lookups built together")]
/// The members holding each role, unit by unit (by position), sorted by id: member `i` is in
/// the unit at position `member_units[i]`.
fn role_holders(org: &Organisation, member_units: &[Option<usize>]) -> Vec<Vec<Vec<Holder>>> {
    let mut holders = vec![vec![Vec::new(); org.units.len()]; Role::ALL.len()];
    for (i, m) in org.members.iter().enumerate() {
        let Some(unit) = member_units.get(i).copied().flatten() else { continue };
        for role in &m.roles {
            let by_role = Role::ALL.iter().position(|r| r == role).and_then(|r| holders.get_mut(r));
            if let Some(list) = by_role.and_then(|lists| lists.get_mut(unit)) {
                list.push(Holder { position: i, id: m.id, joined: m.joined, left: m.left });
            }
        }
    }
    for list in holders.iter_mut().flatten() {
        list.sort_by_key(|h| h.id);
    }
    holders
}

/// Kahn's algorithm, always taking the ready activity that comes first in the playbook.
fn topological_order(pb: &Playbook, index: &BTreeMap<ActivityId, usize>) -> Vec<usize> {
    let n = pb.activities.len();
    let mut waiting = vec![0usize; n];
    let mut dependents = vec![Vec::new(); n];
    for ((i, a), waits) in pb.activities.iter().enumerate().zip(&mut waiting) {
        for dep in a.prerequisites() {
            if let Some(list) = index.get(dep).and_then(|&d| dependents.get_mut(d)) {
                *waits += 1;
                list.push(i);
            }
        }
    }
    let mut ready: std::collections::BTreeSet<usize> =
        waiting.iter().enumerate().filter(|&(_, &w)| w == 0).map(|(i, _)| i).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        // Every dependent was counted once for each edge to it, so each count reaches zero once.
        for &d in dependents.get(i).into_iter().flatten() {
            if let Some(w) = waiting.get_mut(d) {
                *w -= 1;
                if *w == 0 {
                    ready.insert(d);
                }
            }
        }
    }
    order
}
