//! Which activity instances are done, read once from the completions: each completion indexed by
//! activity and unit in one pass, and a completion counted only once the instance's window has
//! opened (its timing's `not_before_days` after its anchor).
//!
//! The plan, readiness and next actions all ask this index, so they agree on what is done, and a
//! question about one unit is a lookup rather than a scan of every completion.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use teichaku_model::{ActivityId, ActivityScope, Anchor, UnitId, ValidSnapshot};

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
}

impl DoneIndex {
    /// Indexes the completions of `snapshot` on or before `as_of`; `pilot` is the first wave, whose
    /// units an organisation-wide activity anchored on a per-unit one counts from.
    pub(crate) fn new(snapshot: &ValidSnapshot, as_of: NaiveDate, pilot: &[UnitId]) -> Self {
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
        let mut index = Self { position, dates, first: BTreeMap::new(), opens: BTreeMap::new() };
        let launch = snapshot.organisation().launch_date;
        // Anchors before what they anchor: anchors are prerequisites, and validation rejects cycles.
        for a in index.anchor_order(snapshot) {
            let Some(activity) = pb.activities.get(a) else { continue };
            let keys: Vec<Option<UnitId>> =
                index.dates.range((a, None)..).take_while(|(k, _)| k.0 == a).map(|(k, _)| k.1).collect();
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
        }
        index
    }

    /// The activity positions with anchors first.
    fn anchor_order(&self, snapshot: &ValidSnapshot) -> Vec<usize> {
        let pb = snapshot.playbook();
        let anchor = |a: usize| match pb.activities.get(a).and_then(|x| x.timing.as_ref()).map(|t| &t.after) {
            Some(Anchor::Activity(id)) => self.position.get(id).copied(),
            _ => None,
        };
        let mut placed = vec![false; pb.activities.len()];
        let mut order = Vec::with_capacity(pb.activities.len());
        for start in 0..pb.activities.len() {
            // Follow the anchor chain up to the first placed (or unanchored) activity, then place
            // the chain from the top down; the chain is bounded by the number of activities.
            let mut chain = Vec::new();
            let mut at = Some(start);
            while let Some(a) = at {
                if placed.get(a).copied().unwrap_or(true) || chain.contains(&a) || chain.len() > placed.len() {
                    break;
                }
                chain.push(a);
                at = anchor(a);
            }
            for &a in chain.iter().rev() {
                if let Some(p) = placed.get_mut(a) {
                    *p = true;
                }
                order.push(a);
            }
        }
        order
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
