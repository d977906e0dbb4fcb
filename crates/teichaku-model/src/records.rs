//! Look-ups over the observations that scoring, targets and review packs ask once per scope:
//! the days an activity was completed and the latest record of an outcome. Built on first use
//! and shared by every day's view of a snapshot, so a question costs a hash look-up and a binary
//! search instead of a pass over every record (100,000 scopes over 100,000 completions were ten
//! billion comparisons).

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::{Completion, OutcomeId, OutcomeRecord, UnitId};

/// The completion days and outcome records, grouped and sorted.
#[derive(Debug, Default)]
pub(crate) struct RecordIndex {
    /// By activity (its position in the playbook) and the unit the completion names (`None`:
    /// none), the days, sorted.
    completed_in: HashMap<(usize, Option<UnitId>), Vec<NaiveDate>>,
    /// By activity position: every completion's day, whatever its unit, sorted.
    completed: HashMap<usize, Vec<NaiveDate>>,
    /// By outcome and unit: the records' positions, by date and then by position.
    outcomes: HashMap<(OutcomeId, Option<UnitId>), Vec<usize>>,
}

impl RecordIndex {
    /// The index of `completions` (each activity by `position`) and `outcomes`.
    pub(crate) fn new(
        completions: &[Completion],
        position: impl Fn(&crate::ActivityId) -> Option<usize>,
        outcomes: &[OutcomeRecord],
    ) -> Self {
        let mut index = Self::default();
        for c in completions {
            // Validation resolved every completion's activity; one that did not resolve would be
            // no activity's, as a search by id finds it in no list.
            let Some(a) = position(&c.activity) else { continue };
            index.completed_in.entry((a, c.unit)).or_default().push(c.date);
            index.completed.entry(a).or_default().push(c.date);
        }
        for days in index.completed_in.values_mut().chain(index.completed.values_mut()) {
            days.sort_unstable();
        }
        for (i, r) in outcomes.iter().enumerate() {
            index.outcomes.entry((r.outcome.clone(), r.unit)).or_default().push(i);
        }
        for list in index.outcomes.values_mut() {
            // Stable on positions already in order: equal dates keep the list's order.
            list.sort_by_key(|&i| outcomes.get(i).map(|r| r.date));
        }
        index
    }

    pub(crate) fn completion_days(&self, activity: usize, unit: Option<UnitId>) -> &[NaiveDate] {
        self.completed_in.get(&(activity, unit)).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn all_completion_days(&self, activity: usize) -> &[NaiveDate] {
        self.completed.get(&activity).map_or(&[], Vec::as_slice)
    }

    /// The position of the latest record of `outcome` for `unit` dated on or before `as_of`;
    /// of several on that date, the last listed (as [`crate::latest_outcome`] picks).
    pub(crate) fn latest_outcome(
        &self,
        outcomes: &[OutcomeRecord],
        outcome: &OutcomeId,
        unit: Option<UnitId>,
        as_of: NaiveDate,
    ) -> Option<usize> {
        let list = self.outcomes.get(&(outcome.clone(), unit))?;
        let upto = list.partition_point(|&i| outcomes.get(i).is_some_and(|r| r.date <= as_of));
        upto.checked_sub(1).and_then(|k| list.get(k)).copied()
    }
}

/// A value computed on first use and kept, that takes no part in comparing or printing what
/// holds it: two snapshots are equal whether or not either has built its index.
#[derive(Default)]
pub(crate) struct Lazy<T>(OnceLock<T>);

impl<T> Lazy<T> {
    pub(crate) fn get_or_init(&self, make: impl FnOnce() -> T) -> &T {
        self.0.get_or_init(make)
    }
}

impl<T> Clone for Lazy<T> {
    /// A clone starts without the value: what it indexes may be changed before it is used.
    fn clone(&self) -> Self {
        Self(OnceLock::new())
    }
}

impl<T> PartialEq for Lazy<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lazy")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActivityId, latest_outcome};

    /// A small deterministic draw (a linear congruential generator), enough to vary records.
    struct Draw(u64);

    impl Draw {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
    }

    fn day(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default() + chrono::Days::new(n)
    }

    fn unit(n: u64) -> Option<UnitId> {
        (n > 0).then(|| UnitId::from_u128(u128::from(n)))
    }

    #[test]
    fn the_index_answers_as_a_pass_over_every_record_does() -> Result<(), crate::SlugError> {
        let activities = [ActivityId::new("kickoff")?, ActivityId::new("review")?, ActivityId::new("unknown")?];
        let outcome_ids = [OutcomeId::new("overtime")?, OutcomeId::new("sales")?];
        for seed in 0..20 {
            let mut draw = Draw(seed);
            let completions: Vec<Completion> = (0..draw.below(60))
                .filter_map(|_| {
                    Some(Completion {
                        activity: activities.get(draw.below(3) as usize).cloned()?,
                        unit: unit(draw.below(4)),
                        date: day(draw.below(30)),
                        by: None,
                    })
                })
                .collect();
            // Few days, so several records of one outcome and unit share a date.
            let outcomes: Vec<OutcomeRecord> = (0..draw.below(60))
                .filter_map(|i| {
                    Some(OutcomeRecord {
                        outcome: outcome_ids.get(draw.below(2) as usize).cloned()?,
                        unit: unit(draw.below(3)),
                        from: None,
                        date: day(draw.below(8)),
                        value: i as f64,
                        measured_in: None,
                        baseline: None,
                    })
                })
                .collect();
            // "unknown" is no activity of the playbook: it has no position.
            let position = |id: &ActivityId| activities.iter().take(2).position(|a| a == id);
            let index = RecordIndex::new(&completions, position, &outcomes);
            for (a, activity) in activities.iter().enumerate().take(2) {
                let mut every: Vec<NaiveDate> =
                    completions.iter().filter(|c| &c.activity == activity).map(|c| c.date).collect();
                every.sort_unstable();
                assert_eq!(index.all_completion_days(a), every.as_slice(), "seed {seed}, {activity}");
                for u in 0..5 {
                    let mut own: Vec<NaiveDate> = completions
                        .iter()
                        .filter(|c| &c.activity == activity && c.unit == unit(u))
                        .map(|c| c.date)
                        .collect();
                    own.sort_unstable();
                    assert_eq!(index.completion_days(a, unit(u)), own.as_slice(), "seed {seed}, {activity}, unit {u}");
                }
            }
            assert!(index.all_completion_days(2).is_empty());
            for outcome in &outcome_ids {
                for u in 0..4 {
                    for d in 0..10 {
                        let expected = latest_outcome(&outcomes, outcome, unit(u), day(d)).map(|r| r as *const _);
                        let found = index
                            .latest_outcome(&outcomes, outcome, unit(u), day(d))
                            .and_then(|i| outcomes.get(i))
                            .map(|r| r as *const _);
                        assert_eq!(found, expected, "seed {seed}, {outcome}, unit {u}, day {d}");
                    }
                }
            }
        }
        Ok(())
    }

    #[test]
    fn a_lazy_value_is_no_part_of_equality_and_is_not_cloned() {
        let built = Lazy::default();
        assert_eq!(*built.get_or_init(|| 1), 1);
        let fresh: Lazy<i32> = Lazy::default();
        assert_eq!(built, fresh);
        assert_eq!(*built.clone().get_or_init(|| 2), 2);
        assert_eq!(*built.get_or_init(|| 3), 1);
        assert_eq!(format!("{built:?}"), "Lazy");
    }
}
