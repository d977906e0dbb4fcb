//! Which activity instances are done, read once from the completions: each completion indexed by
//! activity and unit in one pass, and a completion counted only once the instance's window has
//! opened (its timing's `not_before_days` after its anchor).
//!
//! An instance of an activity with an `audience` that no present member of its scope belongs to
//! has nothing to do: it counts as done, without a completion, on the day its prerequisites were
//! all done (and its window open), so nothing waits for it and it is never proposed.
//!
//! The plan, readiness and next actions all ask this index, so they agree on what is done, and a
//! question about one unit is a lookup rather than a scan of every completion.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use teichaku_model::{ActivityId, ActivityScope, Anchor, Audience, Member, MemberId, UnitId, ValidSnapshot};

/// The completions on or before `as_of`, by activity position and unit (`None` for an
/// organisation-wide activity), with the day each instance's window opened.
pub(crate) struct DoneIndex {
    /// Each activity's position in the playbook.
    position: BTreeMap<ActivityId, usize>,
    /// Every completion date on or before `as_of`, sorted, by (activity position, unit).
    dates: BTreeMap<(usize, Option<UnitId>), Vec<NaiveDate>>,
    /// The first completion that counts (on or after the window opened).
    first: BTreeMap<(usize, Option<UnitId>), NaiveDate>,
    /// The day the window opened, for instances with completions and a timing.
    opens: BTreeMap<(usize, Option<UnitId>), NaiveDate>,
    /// Instances whose audience has no present member in their scope.
    no_audience: BTreeSet<(usize, Option<UnitId>)>,
}

impl DoneIndex {
    /// Indexes the completions of `snapshot` on or before `as_of`; `pilot` is the first wave, whose
    /// units an organisation-wide activity anchored on a per-unit one counts from, and `units` the
    /// rollout units, where per-unit activities have instances, with `positions` their positions
    /// in the organisation's unit list.
    pub(crate) fn new(
        snapshot: &ValidSnapshot,
        as_of: NaiveDate,
        pilot: &[UnitId],
        units: &[UnitId],
        positions: &[usize],
    ) -> Self {
        let pb = snapshot.playbook();
        let position: BTreeMap<ActivityId, usize> =
            pb.activities.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        let mut dates: BTreeMap<(usize, Option<UnitId>), Vec<NaiveDate>> = BTreeMap::new();
        for c in snapshot.observations().completions.iter().filter(|c| c.date <= as_of) {
            if let Some(&a) = position.get(&c.activity) {
                dates.entry((a, c.unit)).or_default().push(c.date);
            }
        }
        for d in dates.values_mut() {
            d.sort_unstable();
        }
        let mut index =
            Self { position, dates, first: BTreeMap::new(), opens: BTreeMap::new(), no_audience: BTreeSet::new() };
        let audiences = AudienceIndex::new(snapshot, as_of);
        let launch = snapshot.organisation().launch_date;
        // Prerequisites (anchors among them) before what waits for them; validation rejects cycles.
        for a in index.prerequisite_order(snapshot) {
            let Some(activity) = pb.activities.get(a) else { continue };
            let keys: Vec<Option<UnitId>> =
                index.dates.range((a, None)..).take_while(|(k, _)| k.0 == a).map(|(k, _)| k.1).collect();
            // Where the activity's audience has nobody, the instance has nothing to do.
            // Which units hold a member of the audience is worked out once per activity, not by
            // gathering each unit's members (that made a wide organisation pay per unit).
            let mut empty: Vec<Option<UnitId>> = Vec::new();
            if let Some(audience) = &activity.audience {
                let covered = audiences.covered(audience);
                empty = match activity.scope {
                    ActivityScope::PerUnit => units
                        .iter()
                        .zip(positions)
                        .filter(|&(_, &p)| !covered.get(p).is_some_and(|&c| c))
                        .map(|(&u, _)| Some(u))
                        .collect(),
                    _ if covered.iter().any(|&c| c) => Vec::new(),
                    _ => vec![None],
                };
            }
            for unit in keys {
                let opens = match &activity.timing {
                    None => None,
                    Some(t) => {
                        let anchor_day = match &t.after {
                            Anchor::Activity(id) => {
                                let anchor_per_unit = index
                                    .position
                                    .get(id)
                                    .and_then(|&p| pb.activities.get(p))
                                    .is_some_and(|x| x.scope == ActivityScope::PerUnit);
                                if anchor_per_unit && unit.is_none() {
                                    let days: Option<Vec<NaiveDate>> =
                                        pilot.iter().map(|&u| index.first_done(id, Some(u))).collect();
                                    days.and_then(|d| d.into_iter().max())
                                } else if anchor_per_unit {
                                    index.first_done(id, unit)
                                } else {
                                    index.first_done(id, None)
                                }
                            }
                            _ => Some(launch),
                        };
                        // An anchor not done leaves no window to wait for only when there is none.
                        match anchor_day {
                            Some(d) => Some(d.checked_add_days(Days::new(u64::from(t.not_before_days))).unwrap_or(d)),
                            None if t.not_before_days == 0 => None,
                            None => Some(NaiveDate::MAX),
                        }
                    }
                };
                let first = index.dates.get(&(a, unit)).and_then(|d| d.iter().find(|&&x| opens.is_none_or(|o| x >= o)));
                if let Some(&first) = first {
                    index.first.insert((a, unit), first);
                }
                if let Some(o) = opens {
                    index.opens.insert((a, unit), o);
                }
            }
            // A recorded completion counts as usual; without one, nothing to do is done.
            for unit in empty {
                if index.first.contains_key(&(a, unit)) {
                    continue;
                }
                if let Some(day) = index.possible_from(snapshot, a, unit, pilot, as_of) {
                    index.first.insert((a, unit), day);
                    index.no_audience.insert((a, unit));
                }
            }
        }
        index
    }

    /// The activity positions with every prerequisite first (Kahn's algorithm, ties by position).
    fn prerequisite_order(&self, snapshot: &ValidSnapshot) -> Vec<usize> {
        let pb = snapshot.playbook();
        let n = pb.activities.len();
        let mut waiting = vec![0usize; n];
        let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, a) in pb.activities.iter().enumerate() {
            for p in a.prerequisites().into_iter().filter_map(|d| self.position.get(d).copied()) {
                if let (Some(w), Some(list)) = (waiting.get_mut(i), after.get_mut(p)) {
                    *w += 1;
                    list.push(i);
                }
            }
        }
        let mut ready: BTreeSet<usize> = (0..n).filter(|&i| waiting.get(i) == Some(&0)).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = ready.pop_first() {
            order.push(i);
            for &j in after.get(i).map_or(&[][..], Vec::as_slice) {
                if let Some(w) = waiting.get_mut(j) {
                    *w -= 1;
                    if *w == 0 {
                        ready.insert(j);
                    }
                }
            }
        }
        order
    }

    /// The day the instance of the activity at `a` in `unit` could have been done with nothing to
    /// do: the last day its prerequisites were done, or launch, and no earlier than its window
    /// opened; `None` while a prerequisite is open or that day is after `as_of`.
    fn possible_from(
        &self,
        snapshot: &ValidSnapshot,
        a: usize,
        unit: Option<UnitId>,
        pilot: &[UnitId],
        as_of: NaiveDate,
    ) -> Option<NaiveDate> {
        let pb = snapshot.playbook();
        let activity = pb.activities.get(a)?;
        let per_unit = |id: &ActivityId| {
            self.position.get(id).and_then(|&p| pb.activities.get(p)).is_some_and(|x| x.scope == ActivityScope::PerUnit)
        };
        let done = |id: &ActivityId| -> Option<NaiveDate> {
            match (per_unit(id), unit) {
                (true, Some(_)) => self.first_done(id, unit),
                (true, None) => {
                    let days: Option<Vec<NaiveDate>> = pilot.iter().map(|&u| self.first_done(id, Some(u))).collect();
                    days.and_then(|d| d.into_iter().max())
                }
                _ => self.first_done(id, None),
            }
        };
        let mut day = snapshot.organisation().launch_date;
        for p in activity.prerequisites() {
            day = day.max(done(p)?);
        }
        if let Some(t) = &activity.timing {
            let anchor = match &t.after {
                Anchor::Activity(id) => done(id)?,
                _ => snapshot.organisation().launch_date,
            };
            day = day.max(anchor.checked_add_days(Days::new(u64::from(t.not_before_days))).unwrap_or(anchor));
        }
        (day <= as_of).then_some(day)
    }

    /// Whether the instance of the activity at `position` in `unit` counts as done only because
    /// its audience has nobody there.
    pub(crate) fn no_audience(&self, position: usize, unit: Option<UnitId>) -> bool {
        self.no_audience.contains(&(position, unit))
    }

    /// The units where some per-unit activity has a counted completion (not one counted done
    /// only because nobody there belongs to its audience): work of the playbook done there.
    pub(crate) fn units_with_work(&self) -> BTreeSet<UnitId> {
        self.first.keys().filter(|k| self.dates.contains_key(k)).filter_map(|k| k.1).collect()
    }

    /// The position of `activity` in the playbook.
    pub(crate) fn position(&self, activity: &ActivityId) -> Option<usize> {
        self.position.get(activity).copied()
    }

    /// The first counted completion of `activity` in `unit` (`None`: organisation-wide).
    pub(crate) fn first_done(&self, activity: &ActivityId, unit: Option<UnitId>) -> Option<NaiveDate> {
        self.first_at(self.position(activity)?, unit)
    }

    /// The first counted completion of the activity at `position` in `unit`.
    pub(crate) fn first_at(&self, position: usize, unit: Option<UnitId>) -> Option<NaiveDate> {
        self.first.get(&(position, unit)).copied()
    }

    /// The last completion of the activity at `position` in `unit`, once one counts.
    pub(crate) fn last_at(&self, position: usize, unit: Option<UnitId>) -> Option<NaiveDate> {
        self.first_at(position, unit)?;
        self.dates.get(&(position, unit)).and_then(|d| d.last().copied())
    }

    /// Whether the organisation-wide `activity` counts as done and was last done within the
    /// `within_days` days up to `as_of`, that day included (fewer than `within_days` days before it).
    pub(crate) fn recent(&self, activity: &ActivityId, as_of: NaiveDate, within_days: u32) -> bool {
        self.position(activity)
            .and_then(|p| self.last_at(p, None))
            .is_some_and(|d| (as_of - d).num_days() < i64::from(within_days))
    }

    /// Whether `activity` counts as done anywhere (any unit, or the organisation).
    pub(crate) fn done_anywhere(&self, activity: &ActivityId) -> bool {
        let Some(a) = self.position(activity) else { return false };
        self.first.range((a, None)..).next().is_some_and(|((b, _), _)| *b == a)
    }

    /// The completions of the activity at `position` in `unit` recorded before its window opened,
    /// which do not count.
    pub(crate) fn before_window(&self, position: usize, unit: Option<UnitId>) -> Vec<NaiveDate> {
        let Some(&opens) = self.opens.get(&(position, unit)) else { return Vec::new() };
        self.dates
            .get(&(position, unit))
            .map(|d| d.iter().copied().filter(|&x| x < opens).collect())
            .unwrap_or_default()
    }
}

/// Present members by unit, to find an activity's audience in a scope.
pub(crate) struct AudienceIndex<'a> {
    /// The present members, unit by unit (in unit position order): unit `u`'s are
    /// `members[start[u]..start[u + 1]]`.
    members: Vec<&'a Member>,
    start: Vec<usize>,
    /// By unit position: its parent's position.
    parent: Vec<Option<usize>>,
}

impl<'a> AudienceIndex<'a> {
    /// The members of `snapshot` present on `as_of`, grouped by unit once.
    pub(crate) fn new(snapshot: &'a ValidSnapshot, as_of: NaiveDate) -> Self {
        let units = snapshot.organisation().units.len();
        let mut present: Vec<(usize, &Member)> = snapshot
            .organisation()
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_present_on(as_of))
            .filter_map(|(i, m)| Some((snapshot.member_unit_position(i)?, m)))
            .collect();
        // Stable: each unit's members stay in the organisation's order.
        present.sort_by_key(|&(u, _)| u);
        let mut start = vec![0usize; units + 1];
        for &(u, _) in &present {
            if let Some(count) = start.get_mut(u + 1) {
                *count += 1;
            }
        }
        for u in 1..start.len() {
            let before = start.get(u - 1).copied().unwrap_or(0);
            if let Some(count) = start.get_mut(u) {
                *count += before;
            }
        }
        let members = present.into_iter().map(|(_, m)| m).collect();
        let parent = (0..units).map(|u| snapshot.parent_position(u)).collect();
        Self { members, start, parent }
    }

    /// The present members of the unit at position `unit` itself.
    fn of(&self, unit: usize) -> &[&'a Member] {
        let (Some(&from), Some(&until)) = (self.start.get(unit), self.start.get(unit + 1)) else { return &[] };
        self.members.get(from..until).unwrap_or(&[])
    }

    /// By unit position: whether the unit, or a unit below it, has a present member who belongs
    /// to `audience` (as [`Self::members`] would find one). Each unit with such a member marks
    /// itself and its parents, stopping at a unit already marked, so the whole tree costs one
    /// pass over the members and the units.
    pub(crate) fn covered(&self, audience: &Audience) -> Vec<bool> {
        let mut covered = vec![false; self.parent.len()];
        for unit in 0..self.parent.len() {
            if !self.of(unit).iter().any(|m| fits(audience, m)) {
                continue;
            }
            let mut at = Some(unit);
            while let Some(p) = at {
                match covered.get_mut(p) {
                    Some(mark) if !*mark => *mark = true,
                    _ => break,
                }
                at = self.parent.get(p).copied().flatten();
            }
        }
        covered
    }

    /// The present members of `unit` (with the units below it), or of the organisation for `None`,
    /// who belong to `audience`: one of its roles, age bands and literacy tiers each, where it names
    /// any (a member whose age band or literacy is not recorded is not known to be outside it, and
    /// counts); sorted by id.
    pub(crate) fn members(&self, snapshot: &ValidSnapshot, audience: &Audience, unit: Option<UnitId>) -> Vec<MemberId> {
        let fits = |m: &&&Member| fits(audience, m);
        let mut out: Vec<MemberId> = match unit {
            Some(u) => snapshot
                .units_under(u)
                .into_iter()
                .filter_map(|x| snapshot.unit_position(x))
                .flat_map(|x| self.of(x))
                .filter(fits)
                .map(|m| m.id)
                .collect(),
            None => self.members.iter().filter(fits).map(|m| m.id).collect(),
        };
        out.sort_unstable();
        out
    }
}

/// Whether `m` belongs to `audience`: one of its roles, age bands and literacy tiers each, where
/// it names any (a member whose age band or literacy is not recorded is not known to be outside
/// it, and counts).
fn fits(audience: &Audience, m: &Member) -> bool {
    (audience.roles.is_empty() || m.roles.iter().any(|r| audience.roles.contains(r)))
        && (audience.age_bands.is_empty() || m.age_band.is_none_or(|b| audience.age_bands.contains(&b)))
        && (audience.literacy.is_empty() || m.literacy.is_none_or(|l| audience.literacy.contains(&l)))
}
