//! The mergeable aggregation state: what each member did, gathered in one pass over the events.
//!
//! A [`UsageAggregate`] holds, per member, the days they used AI in a horizon of
//! [`HORIZON_DAYS`] days ending on `as_of`, their first and last day of use, minutes per ISO week,
//! and (in full detail) events, minutes, time saved and the kinds of task in the trailing windows.
//! Every field combines by a bitwise or, a minimum, a maximum, a sum or a set union, so
//! [`UsageAggregate::merge`] is associative and commutative and exact: aggregating any split of
//! the events and merging gives the same state, bit for bit, as aggregating them all at once.

use std::ops::Range;

use chrono::NaiveDate;
use teichaku_model::ValidSnapshot;

use crate::calendar::{day_number, week_start};
use crate::store::{EventStore, NO_COUNT, NO_SAVED};

/// Words of 64 days in the horizon.
pub(crate) const WORDS: usize = 6;

/// Days of usage history kept per member, ending on `as_of`: 384 (enough for a 53-week habit).
pub const HORIZON_DAYS: i32 = (WORDS * 64) as i32;

/// A `back` past the horizon: its word (7) is a spare one that is dropped.
const OUTSIDE_HORIZON: i32 = (WORDS as i32 + 1) * 64;

/// The most ISO weeks a weekly series holds.
pub const MAX_SERIES_WEEKS: u32 = 53;

/// What to aggregate: the day that counts last, who counts when, and how much detail.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// let store = teichaku_metrics::EventStore::from_snapshot(&snapshot)?;
/// let spec = teichaku_metrics::AggregateSpec::new(&snapshot, &store, "2026-11-01".parse()?, 13);
/// let whole = teichaku_metrics::UsageAggregate::compute(&store, &spec, 0..store.len());
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct AggregateSpec {
    as_of: i32,
    series_weeks: u32,
    detail: bool,
    joined: Vec<i32>,
    left: Vec<i32>,
    baseline_centi: Vec<Option<u32>>,
    /// By member position: whether the member's usage is read (`None`: every member's). The
    /// others' state stays empty, their events uncounted.
    keep: Option<Vec<bool>>,
}

impl AggregateSpec {
    /// A fingerprint of everything besides the events that the state depends on, so aggregates
    /// made under different memberships or baselines refuse to merge (FNV-1a, stable everywhere).
    fn fingerprint(&self) -> u64 {
        let kept = self.keep.as_ref().map(|keep| keep.iter().enumerate().filter(|(_, k)| **k).map(|(m, _)| m));
        fingerprint_kept(self.base_fingerprint(), kept.into_iter().flatten())
    }

    /// The fingerprint of everything but the members kept: what [`Self::fingerprint`] goes on
    /// from with the positions of the members kept, in order.
    fn base_fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        eat(&mut h, u64::from(self.detail));
        self.joined.iter().chain(&self.left).for_each(|&d| eat(&mut h, d as u64));
        self.baseline_centi.iter().for_each(|b| eat(&mut h, b.map_or(u64::MAX, u64::from)));
        h
    }

    /// This spec reading only the members whose position `keep` marks (the rest as if they had
    /// no usage, their events uncounted): for the figures of some scopes alone.
    pub(crate) fn keeping(mut self, keep: Vec<bool>) -> Self {
        self.keep = Some(keep);
        self
    }

    /// Whether the member at position `m` is read.
    fn keeps(&self, m: usize) -> bool {
        kept(self.keep.as_deref(), m)
    }

    /// Everything the KPIs need, for the snapshot's members, with a weekly series of
    /// `series_weeks` ISO weeks (at most [`MAX_SERIES_WEEKS`]).
    pub fn new(snapshot: &ValidSnapshot, store: &EventStore, as_of: NaiveDate, series_weeks: u32) -> Self {
        let members = &snapshot.organisation().members;
        let org_baselines = &snapshot.organisation().task_baselines;
        let pb_baselines = &snapshot.playbook().task_baselines;
        let baseline_centi = (0..store.kind_count())
            .map(|k| {
                let task = store.kind(k as u16).and_then(|(task, _)| task.as_ref())?;
                let minutes = org_baselines.iter().chain(pb_baselines).find(|b| &b.task == task).map(|b| b.minutes)?;
                Some((minutes * 100.0).round().clamp(0.0, f64::from(u32::MAX - 1)) as u32)
            })
            .collect();
        Self {
            as_of: day_number(as_of),
            series_weeks: series_weeks.min(MAX_SERIES_WEEKS),
            detail: true,
            joined: members.iter().map(|m| day_number(m.joined)).collect(),
            left: members.iter().map(|m| m.left.map_or(i32::MAX, day_number)).collect(),
            baseline_centi,
            keep: None,
        }
    }

    /// Only usage days, first and last use and weekly minutes, for `members` members present
    /// throughout: the lean pass behind per-unit weekly activity.
    pub fn core(as_of: NaiveDate, members: usize, series_weeks: u32) -> Self {
        Self {
            as_of: day_number(as_of),
            series_weeks: series_weeks.min(MAX_SERIES_WEEKS),
            detail: false,
            joined: vec![i32::MIN; members],
            left: vec![i32::MAX; members],
            baseline_centi: Vec::new(),
            keep: None,
        }
    }
}

/// The aggregation state over some of the events: mergeable, exact, in integers.
///
/// ```
/// # fn setup() -> (teichaku_metrics::EventStore, teichaku_metrics::AggregateSpec) { unimplemented!() }
/// # if false {
/// use teichaku_metrics::UsageAggregate;
/// let (store, spec) = setup();
/// let half = store.len() / 2;
/// let mut left = UsageAggregate::compute(&store, &spec, 0..half);
/// left.merge(&UsageAggregate::compute(&store, &spec, half..store.len()))?;
/// assert_eq!(left, UsageAggregate::compute(&store, &spec, 0..store.len()));
/// # }
/// # Ok::<(), teichaku_metrics::MergeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UsageAggregate {
    fingerprint: u64,
    as_of: i32,
    series_weeks: u32,
    detail: bool,
    pub(crate) days: Vec<[u64; WORDS]>,
    pub(crate) first_day: Vec<i32>,
    pub(crate) last_day: Vec<i32>,
    pub(crate) week_minutes: Vec<u64>,
    pub(crate) events_7: Vec<u32>,
    pub(crate) minutes_7: Vec<u64>,
    pub(crate) saved_measured: Vec<u64>,
    pub(crate) saved_estimated: Vec<u64>,
    pub(crate) unmeasured: Vec<u32>,
    pub(crate) kinds_28: Vec<Vec<u16>>,
    /// Day records in the trailing 7 days without a number of uses, per member.
    pub(crate) uncounted_7: Vec<u32>,
    /// Day records in the trailing 7 days without minutes, per member.
    pub(crate) untimed_7: Vec<u32>,
    /// Each member's period records that touch their membership, sorted.
    pub(crate) periods: Vec<Vec<PeriodSpan>>,
    pub(crate) counted: u64,
    pub(crate) after_as_of: u64,
    pub(crate) outside_membership: u64,
    /// By member position: whether the member's usage was read (`None`: every member's), as the
    /// spec said ([`AggregateSpec::keeping`]).
    keep: Option<Vec<bool>>,
}

/// Two aggregates of different shapes cannot be merged.
///
/// ```
/// let e = teichaku_metrics::MergeError;
/// assert_eq!(e.to_string(), "aggregates over different dates, members, baselines or detail cannot be merged");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("aggregates over different dates, members, baselines or detail cannot be merged")]
pub struct MergeError;

impl UsageAggregate {
    /// The state before any event.
    pub fn empty(spec: &AggregateSpec) -> Self {
        let n = spec.joined.len();
        let detail = |len: usize| if spec.detail { len } else { 0 };
        Self {
            fingerprint: spec.fingerprint(),
            as_of: spec.as_of,
            series_weeks: spec.series_weeks,
            detail: spec.detail,
            days: vec![[0; WORDS]; n],
            first_day: vec![i32::MAX; n],
            last_day: vec![i32::MIN; n],
            week_minutes: vec![0; n * spec.series_weeks as usize],
            events_7: vec![0; detail(n)],
            minutes_7: vec![0; detail(n)],
            saved_measured: vec![0; detail(n)],
            saved_estimated: vec![0; detail(n)],
            unmeasured: vec![0; detail(n)],
            kinds_28: vec![Vec::new(); detail(n)],
            uncounted_7: vec![0; detail(n)],
            untimed_7: vec![0; detail(n)],
            periods: vec![Vec::new(); n],
            counted: 0,
            after_as_of: 0,
            outside_membership: 0,
            keep: spec.keep.clone(),
        }
    }

    /// The state before any event, in full detail, for `members` members: the shape a
    /// [`UsagePartial`](crate::UsagePartial) is read into (its fingerprint is never compared, as
    /// such an aggregate is not merged).
    pub(crate) fn empty_detailed(as_of: i32, series_weeks: u32, members: usize) -> Self {
        let spec = AggregateSpec {
            as_of,
            series_weeks: series_weeks.min(MAX_SERIES_WEEKS),
            detail: true,
            joined: vec![i32::MIN; members],
            left: vec![i32::MAX; members],
            baseline_centi: Vec::new(),
            keep: None,
        };
        Self::empty(&spec)
    }

    /// Aggregates the events at positions `range` of `store` (clamped to the store).
    pub fn compute(store: &EventStore, spec: &AggregateSpec, range: Range<usize>) -> Self {
        let mut state = Self::empty(spec);
        let range = range.start.min(store.len())..range.end.min(store.len());
        if spec.detail {
            state.add_detailed(store, spec, range);
        } else {
            state.add_core(store, spec, range);
        }
        state
    }

    /// Aggregates every event of `store` on up to `threads` threads, each over a contiguous slice,
    /// merged in order; the result is identical whatever the number of threads.
    pub fn compute_parallel(store: &EventStore, spec: &AggregateSpec, threads: usize) -> Self {
        let threads = threads.clamp(1, 64);
        let n = store.len();
        if threads == 1 || n < 100_000 {
            return Self::compute(store, spec, 0..n);
        }
        let chunk = n.div_ceil(threads);
        let parts: Vec<Self> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| scope.spawn(move || Self::compute(store, spec, t * chunk..((t + 1) * chunk).min(n))))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Self::empty(spec))).collect()
        });
        let mut parts = parts.into_iter();
        let mut whole = parts.next().unwrap_or_else(|| Self::empty(spec));
        for part in parts {
            // INVARIANT: every part was made from the same spec, so the shapes agree.
            let _ = whole.merge(&part);
        }
        whole
    }

    /// Adds `other` into `self`.
    ///
    /// # Errors
    ///
    /// [`MergeError`] when the two were made for different dates, members (or their joining and
    /// leaving dates), baselines, series or detail.
    pub fn merge(&mut self, other: &Self) -> Result<(), MergeError> {
        if self.fingerprint != other.fingerprint
            || self.as_of != other.as_of
            || self.series_weeks != other.series_weeks
            || self.detail != other.detail
            || self.days.len() != other.days.len()
        {
            return Err(MergeError);
        }
        for (a, b) in self.days.iter_mut().zip(&other.days) {
            for (x, y) in a.iter_mut().zip(b) {
                *x |= y;
            }
        }
        self.first_day.iter_mut().zip(&other.first_day).for_each(|(a, b)| *a = (*a).min(*b));
        self.last_day.iter_mut().zip(&other.last_day).for_each(|(a, b)| *a = (*a).max(*b));
        add_all(&mut self.week_minutes, &other.week_minutes);
        add_all(&mut self.events_7, &other.events_7);
        add_all(&mut self.minutes_7, &other.minutes_7);
        add_all(&mut self.saved_measured, &other.saved_measured);
        add_all(&mut self.saved_estimated, &other.saved_estimated);
        add_all(&mut self.unmeasured, &other.unmeasured);
        add_all(&mut self.uncounted_7, &other.uncounted_7);
        add_all(&mut self.untimed_7, &other.untimed_7);
        for (a, b) in self.periods.iter_mut().zip(&other.periods) {
            if !b.is_empty() {
                a.extend_from_slice(b);
                a.sort_unstable();
                a.dedup();
            }
        }
        for (a, b) in self.kinds_28.iter_mut().zip(&other.kinds_28) {
            if !b.is_empty() {
                a.extend_from_slice(b);
                a.sort_unstable();
                a.dedup();
            }
        }
        self.counted += other.counted;
        self.after_as_of += other.after_as_of;
        self.outside_membership += other.outside_membership;
        Ok(())
    }

    /// Events that counted: on or before `as_of`, within the member's membership.
    pub fn events_counted(&self) -> u64 {
        self.counted
    }

    /// Events after `as_of`, left out.
    pub fn events_after_as_of(&self) -> u64 {
        self.after_as_of
    }

    /// Events before the member joined or from the day they left, left out.
    pub fn events_outside_membership(&self) -> u64 {
        self.outside_membership
    }

    /// The lean pass: usage days, first and last use, weekly minutes, from the store's rollup
    /// per member and day.
    ///
    /// It works member by member: a member belongs to the range that holds their first event,
    /// so any split of `0..len` into consecutive ranges still visits every member exactly once.
    fn add_core(&mut self, store: &EventStore, spec: &AggregateSpec, range: Range<usize>) {
        let members = member_range(store, &range);
        let mut cumulative = [0u64; 64];
        for m in members.filter(|&m| spec.keeps(m)) {
            self.add_core_member(store, spec, m, &mut cumulative);
        }
    }

    /// [`Self::add_core`] for member `m`: `cumulative` is scratch space of the running minutes.
    fn add_core_member(&mut self, store: &EventStore, spec: &AggregateSpec, m: usize, cumulative: &mut [u64; 64]) {
        let as_of = spec.as_of;
        let as_of_week = week_start(as_of);
        let weeks = spec.series_weeks as usize;
        self.add_periods(store, spec, m);
        let rollup = store.rollup(m);
        let base = rollup.base_day;
        let days = rollup.day;
        let (Some(&first_stored), Some(&last_stored)) = (days.first(), days.last()) else { return };
        let events: u64 = rollup.events.iter().map(|&e| u64::from(e)).sum();
        let (Some(&joined), Some(&left)) = (spec.joined.get(m), spec.left.get(m)) else {
            self.outside_membership += events;
            return;
        };
        // Days ascend: find the ones that count by binary search (unless all of them do),
        // so the loop below has no branch on membership or `as_of`.
        let (first_run, last_run) = (base + i32::from(first_stored), base + i32::from(last_stored));
        let (lo, hi, counted) = if joined <= first_run && last_run < left && last_run <= as_of {
            (0, days.len(), events)
        } else {
            let hi_as_of = days.partition_point(|&d| base + i32::from(d) <= as_of);
            let lo = days.partition_point(|&d| base + i32::from(d) < joined).min(hi_as_of);
            let hi = days.partition_point(|&d| base + i32::from(d) < left).min(hi_as_of).max(lo);
            let count =
                |r: Range<usize>| rollup.events.get(r).unwrap_or_default().iter().map(|&e| u64::from(e)).sum::<u64>();
            let counted = count(lo..hi);
            let after = count(hi_as_of..days.len());
            self.after_as_of += after;
            self.outside_membership += events - counted - after;
            (lo, hi, counted)
        };
        let (Some(counted_days), Some(counted_minutes)) = (days.get(lo..hi), rollup.minutes.get(lo..hi)) else {
            return;
        };
        let (Some(&first_counted), Some(&last_counted)) = (counted_days.first(), counted_days.last()) else {
            return;
        };
        let (Some(first_day), Some(last_day), Some(used)) =
            (self.first_day.get_mut(m), self.last_day.get_mut(m), self.days.get_mut(m))
        else {
            return;
        };
        self.counted += counted;
        *first_day = (*first_day).min(base + i32::from(first_counted));
        *last_day = (*last_day).max(base + i32::from(last_counted));
        // Two spare words past the horizon: a `back` beyond it lands in one, dropped below.
        let mut words = [0u64; WORDS + 2];
        words.iter_mut().zip(used.iter()).for_each(|(w, &u)| *w = u);
        // Minutes go into a running total stored (not added) under the day's week; a week's
        // minutes are the difference of the running totals afterwards. Only weeks marked in
        // `seen` are read, and those were written for this member.
        let (mut seen, mut total) = (0u64, 0u64);
        for (&d, &mins) in counted_days.iter().zip(counted_minutes) {
            let day = base + i32::from(d);
            let back = (as_of - day).min(OUTSIDE_HORIZON) as u32;
            // `& 7` keeps the word within the eight, so this never fails.
            if let Some(word) = words.get_mut((back >> 6) as usize & 7) {
                *word |= 1u64 << (back & 63);
            }
            // Counted days are on or before `as_of`, so on or before the Sunday ending its week:
            // the difference is not negative and, unsigned, the division is cheaper and the
            // compiler sees `week` below 64.
            let week = (((as_of_week + 6 - day) as u32) / 7).min(63) as usize;
            total += mins;
            if let Some(running) = cumulative.get_mut(week) {
                *running = total;
            }
            seen |= 1u64 << week;
        }
        used.iter_mut().zip(&words).for_each(|(u, &w)| *u = w);
        let Some(week_minutes) = self.week_minutes.get_mut(m * weeks..(m + 1) * weeks) else { return };
        let mut before = 0u64;
        while seen != 0 {
            let wk = 63 - seen.leading_zeros() as usize;
            seen &= !(1u64 << wk);
            let running = cumulative.get(wk).copied().unwrap_or(before);
            if let Some(slot) = week_minutes.get_mut(wk) {
                *slot += running - before;
            }
            before = running;
        }
    }

    /// The full pass: the core (from the rollup), then each member's events that count for the
    /// trailing-window counts, time saved and kinds of task.
    ///
    /// Members are split between ranges as in [`Self::add_core`], so any split still visits every
    /// member once. A member's events are sorted by day, so the ones that count (within
    /// membership, on or before `as_of`) and those of the trailing windows are found by binary
    /// search, and each loop below reads only the columns it needs.
    fn add_detailed(&mut self, store: &EventStore, spec: &AggregateSpec, range: Range<usize>) {
        self.add_core(store, spec, range.clone());
        let with_days = store.day_records() > 0;
        // The kinds a member used in the trailing 28 days, one bit per kind, cleared after each
        // member: a kind already seen costs one test, not a search.
        let mut seen = vec![0u64; store.kind_count().div_ceil(64)];
        for m in member_range(store, &range).filter(|&m| spec.keeps(m)) {
            self.add_detailed_member(store, spec, m, with_days, &mut seen);
        }
    }

    /// [`Self::add_detailed`] for member `m` (after the core): `seen` is scratch space, one bit
    /// per kind, all clear.
    fn add_detailed_member(
        &mut self,
        store: &EventStore,
        spec: &AggregateSpec,
        m: usize,
        with_days: bool,
        seen: &mut [u64],
    ) {
        let as_of = spec.as_of;
        let (Some(&joined), Some(&left)) = (spec.joined.get(m), spec.left.get(m)) else { return };
        if with_days {
            self.add_day_records(store, spec, m, joined, left);
        }
        let events = store.member_events(m);
        let end = events.first_on_or_after(left.min(as_of.saturating_add(1)));
        let start = events.first_on_or_after(joined).min(end);
        if start == end {
            return;
        }
        let from_7 = events.first_on_or_after(as_of - 6).clamp(start, end);
        if let (Some(count), Some(minutes)) = (self.events_7.get_mut(m), self.minutes_7.get_mut(m)) {
            *count += (end - from_7) as u32;
            *minutes += events.minutes.get(from_7..end).unwrap_or_default().iter().map(|&x| u64::from(x)).sum::<u64>();
        }
        let from_28 = events.first_on_or_after(as_of - 27).clamp(start, end);
        if let Some(kinds) = self.kinds_28.get_mut(m) {
            let fresh = kinds.len();
            for &kind in events.kind.get(from_28..end).unwrap_or_default() {
                let (word, bit) = (usize::from(kind) / 64, 1u64 << (kind % 64));
                match seen.get_mut(word) {
                    Some(w) if *w & bit != 0 => {}
                    Some(w) => {
                        *w |= bit;
                        kinds.push(kind);
                    }
                    // A kind past the store's count cannot occur; kept as a search to stay exact.
                    None => {
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                }
            }
            for &kind in kinds.get(fresh..).unwrap_or_default() {
                if let Some(w) = seen.get_mut(usize::from(kind) / 64) {
                    *w &= !(1u64 << (kind % 64));
                }
            }
            kinds.sort_unstable();
            kinds.dedup();
        }
        let (Some(saved), Some(kind), Some(minutes)) =
            (events.saved.get(start..end), events.kind.get(start..end), events.minutes.get(start..end))
        else {
            return;
        };
        let (measured, estimated, unmeasured) = time_saved(saved, kind, minutes, &spec.baseline_centi);
        if let Some(slot) = self.saved_measured.get_mut(m) {
            *slot += measured;
        }
        if let Some(slot) = self.saved_estimated.get_mut(m) {
            *slot += estimated;
        }
        if let Some(slot) = self.unmeasured.get_mut(m) {
            *slot += unmeasured;
        }
    }

    /// Member `m`'s period records that touch their membership and start on or before `as_of`.
    fn add_periods(&mut self, store: &EventStore, spec: &AggregateSpec, m: usize) {
        let p = store.member_periods(m);
        if p.first.is_empty() {
            return;
        }
        let (Some(&joined), Some(&left), Some(slot)) = (spec.joined.get(m), spec.left.get(m), self.periods.get_mut(m))
        else {
            return;
        };
        for i in 0..p.first.len() {
            let (Some(&first), Some(&last), Some(&active), Some(&count), Some(&minutes)) =
                (p.first.get(i), p.last.get(i), p.active.get(i), p.count.get(i), p.minutes.get(i))
            else {
                continue;
            };
            if last < joined || first >= left || first > spec.as_of {
                continue;
            }
            slot.push(PeriodSpan { first, last, active, count, minutes });
        }
    }

    /// Member `m`'s day records that count, for the trailing-window counts, time saved and
    /// kinds of task: a record's uses and minutes as an event's, its kind as an event's.
    fn add_day_records(&mut self, store: &EventStore, spec: &AggregateSpec, m: usize, joined: i32, left: i32) {
        let as_of = spec.as_of;
        let days = store.member_days(m);
        let end = days.first_on_or_after(left.min(as_of.saturating_add(1)));
        let start = days.first_on_or_after(joined).min(end);
        if start == end {
            return;
        }
        let from_7 = days.first_on_or_after(as_of - 6).clamp(start, end);
        let from_28 = days.first_on_or_after(as_of - 27).clamp(start, end);
        let (mut uses_7, mut minutes_7, mut uncounted, mut untimed) = (0u64, 0u64, 0u32, 0u32);
        for i in from_7..end {
            let count = days.count.get(i).copied().unwrap_or(NO_COUNT);
            let minutes = days.minutes.get(i).copied().unwrap_or(NO_COUNT);
            if count == NO_COUNT {
                uncounted += 1;
            } else {
                uses_7 += u64::from(count);
            }
            if minutes == NO_COUNT {
                untimed += 1;
            } else {
                minutes_7 += u64::from(minutes);
            }
        }
        if let (Some(c), Some(mins), Some(u), Some(t)) = (
            self.events_7.get_mut(m),
            self.minutes_7.get_mut(m),
            self.uncounted_7.get_mut(m),
            self.untimed_7.get_mut(m),
        ) {
            *c = c.saturating_add(u32::try_from(uses_7).unwrap_or(u32::MAX));
            *mins += minutes_7;
            *u += uncounted;
            *t += untimed;
        }
        if let Some(kinds) = self.kinds_28.get_mut(m) {
            kinds.extend_from_slice(days.kind.get(from_28..end).unwrap_or_default());
            kinds.sort_unstable();
            kinds.dedup();
        }
        // Time saved: what the record reports, else the task baseline less the minutes for a
        // record of a single use with its minutes (exactly an event's estimate); else its uses
        // are unmeasured (a day's minutes over several uses do not give each use's).
        let (mut measured, mut estimated, mut unmeasured) = (0u64, 0u64, 0u32);
        for i in start..end {
            let (Some(&saved), Some(&kind), Some(&count), Some(&minutes)) =
                (days.saved.get(i), days.kind.get(i), days.count.get(i), days.minutes.get(i))
            else {
                continue;
            };
            let baseline = spec.baseline_centi.get(usize::from(kind)).copied().flatten();
            if saved != NO_SAVED {
                measured += u64::from(saved);
            } else if let (Some(b), 1, true) = (baseline, count, minutes != NO_COUNT) {
                estimated += u64::from(b.saturating_sub(minutes));
            } else {
                unmeasured = unmeasured.saturating_add(if count == NO_COUNT { 1 } else { count });
            }
        }
        if let (Some(a), Some(b), Some(c)) =
            (self.saved_measured.get_mut(m), self.saved_estimated.get_mut(m), self.unmeasured.get_mut(m))
        {
            *a += measured;
            *b += estimated;
            *c = c.saturating_add(unmeasured);
        }
    }

    /// Member `m`'s state back to before any event (`weeks` in the series).
    fn reset(&mut self, m: usize, weeks: usize) {
        let zero = |slot: Option<&mut u64>| slot.into_iter().for_each(|x| *x = 0);
        if let Some(days) = self.days.get_mut(m) {
            *days = [0; WORDS];
        }
        if let Some(first) = self.first_day.get_mut(m) {
            *first = i32::MAX;
        }
        if let Some(last) = self.last_day.get_mut(m) {
            *last = i32::MIN;
        }
        if let Some(week_minutes) = self.week_minutes.get_mut(m * weeks..(m + 1) * weeks) {
            week_minutes.fill(0);
        }
        zero(self.minutes_7.get_mut(m));
        zero(self.saved_measured.get_mut(m));
        zero(self.saved_estimated.get_mut(m));
        for slot in [self.events_7.get_mut(m), self.unmeasured.get_mut(m)] {
            slot.into_iter().for_each(|x| *x = 0);
        }
        for slot in [self.uncounted_7.get_mut(m), self.untimed_7.get_mut(m)] {
            slot.into_iter().for_each(|x| *x = 0);
        }
        if let Some(kinds) = self.kinds_28.get_mut(m) {
            kinds.clear();
        }
        if let Some(periods) = self.periods.get_mut(m) {
            periods.clear();
        }
    }

    /// Whether member `m` used AI on the day `back` days before `as_of`.
    #[inline]
    #[cfg(test)]
    pub(crate) fn used(&self, m: usize, back: i32) -> bool {
        (0..HORIZON_DAYS).contains(&back) && self.days[m][(back / 64) as usize] >> (back % 64) & 1 == 1
    }

    /// Usage days of member `m` in `[as_of - from_back - len + 1, as_of - from_back]`.
    pub(crate) fn days_in(&self, m: usize, from_back: i32, len: i32) -> u32 {
        let from = from_back.max(0);
        let to = (from_back + len).min(HORIZON_DAYS);
        if from >= to {
            return 0;
        }
        let Some(words) = self.days.get(m) else { return 0 };
        let mut count = 0;
        for (w, word) in words.iter().enumerate() {
            let lo = (w as i32) * 64;
            let hi = lo + 64;
            let a = from.max(lo);
            let b = to.min(hi);
            if a < b {
                let width = (b - a) as u32;
                let mask = if width == 64 { u64::MAX } else { ((1u64 << width) - 1) << (a - lo) };
                count += (word & mask).count_ones();
            }
        }
        count
    }

    /// The usage days of member `m` in `[as_of - from_back - len + 1, as_of - from_back]`
    /// under a precomputed [`WindowMask`].
    #[inline]
    pub(crate) fn count_in(&self, m: usize, window: &WindowMask) -> u32 {
        let Some(d) = self.days.get(m) else { return 0 };
        let words = d.get(window.first..).unwrap_or_default();
        words.iter().zip(&window.masks).map(|(&word, &mask)| (word & mask).count_ones()).sum()
    }

    /// Whether member `m` used AI on any day of a precomputed [`WindowMask`]: `count_in(..) > 0`
    /// without counting.
    #[inline]
    pub(crate) fn any_in(&self, m: usize, window: &WindowMask) -> bool {
        let Some(d) = self.days.get(m) else { return false };
        let words = d.get(window.first..).unwrap_or_default();
        words.iter().zip(&window.masks).any(|(&word, &mask)| word & mask != 0)
    }

    /// Member `m`'s usage in the last 128 days, bit `back` for `as_of - back`.
    #[inline]
    pub(crate) fn recent_days(&self, m: usize) -> u128 {
        let Some(&[newest, older, ..]) = self.days.get(m) else { return 0 };
        u128::from(newest) | u128::from(older) << 64
    }

    /// The as-of day number.
    /// Whether member `m`'s usage was read: figures of a member not read are not to be used.
    pub(crate) fn reads(&self, m: usize) -> bool {
        kept(self.keep.as_deref(), m)
    }

    pub(crate) fn as_of_day(&self) -> i32 {
        self.as_of
    }

    /// Members covered.
    pub(crate) fn member_count(&self) -> usize {
        self.days.len()
    }

    /// Whether the detailed fields were gathered.
    pub(crate) fn is_detailed(&self) -> bool {
        self.detail
    }

    /// Weeks in the series.
    pub(crate) fn series_weeks(&self) -> u32 {
        self.series_weeks
    }
}

/// The usage of some members on one day after another (the figures of a few units on many days,
/// as review packs ask for them): the state is made once, for every member, and each day resets
/// only the members the day before read and fills in only its own, so a day costs what its
/// members used, not a state for every member of the organisation. Each day's state equals
/// [`UsageAggregate::compute`] over the whole store of a spec keeping those members.
#[derive(Debug)]
pub(crate) struct DailyAggregate {
    spec: AggregateSpec,
    /// [`AggregateSpec::base_fingerprint`] of `spec`, which no day changes.
    base: u64,
    state: UsageAggregate,
    /// The members the last day read, ascending.
    members: Vec<usize>,
    /// One bit per kind of event, all clear between members ([`UsageAggregate::add_detailed`]).
    seen: Vec<u64>,
}

impl DailyAggregate {
    /// No day yet, for the members of `snapshot` and the events of `store`, with a weekly
    /// series of `series_weeks` weeks.
    pub(crate) fn new(snapshot: &ValidSnapshot, store: &EventStore, series_weeks: u32) -> Self {
        let launch = snapshot.organisation().launch_date;
        let spec = AggregateSpec::new(snapshot, store, launch, series_weeks);
        let spec = spec.keeping(vec![false; snapshot.organisation().members.len()]);
        let base = spec.base_fingerprint();
        let state = UsageAggregate::empty(&spec);
        let seen = vec![0u64; store.kind_count().div_ceil(64)];
        Self { spec, base, state, members: Vec::new(), seen }
    }

    /// The state on `as_of` of the members at positions `members` (ascending, each once) alone.
    pub(crate) fn on(&mut self, store: &EventStore, as_of: NaiveDate, members: &[usize]) -> &UsageAggregate {
        let weeks = self.spec.series_weeks as usize;
        for m in std::mem::take(&mut self.members) {
            self.state.reset(m, weeks);
            for keep in [&mut self.spec.keep, &mut self.state.keep].into_iter().flatten() {
                if let Some(slot) = keep.get_mut(m) {
                    *slot = false;
                }
            }
        }
        let count = self.spec.joined.len();
        self.members.extend(members.iter().copied().filter(|&m| m < count));
        for &m in &self.members {
            for keep in [&mut self.spec.keep, &mut self.state.keep].into_iter().flatten() {
                if let Some(slot) = keep.get_mut(m) {
                    *slot = true;
                }
            }
        }
        self.spec.as_of = day_number(as_of);
        let state = &mut self.state;
        state.as_of = self.spec.as_of;
        state.fingerprint = fingerprint_kept(self.base, self.members.iter().copied());
        state.counted = 0;
        state.after_as_of = 0;
        state.outside_membership = 0;
        // As a pass over the whole store visits them: the members up to the store's bound.
        let with_days = store.day_records() > 0;
        let mut cumulative = [0u64; 64];
        for &m in self.members.iter().filter(|&&m| m < store.member_bound()) {
            state.add_core_member(store, &self.spec, m, &mut cumulative);
            if self.spec.detail {
                state.add_detailed_member(store, &self.spec, m, with_days, &mut self.seen);
            }
        }
        &self.state
    }
}

/// The time saved by events with the columns `saved`, `kind` and `minutes`: reported (in
/// hundredths of a minute), estimated from the kinds' baselines where none was reported, and the
/// number of events with neither.
///
/// Kept out of line: in its own function the loop keeps every value in a register, where inlined
/// into the member loop it reloads some from the stack on every event.
#[inline(never)]
fn time_saved(saved: &[u32], kind: &[u16], minutes: &[u32], baseline_centi: &[Option<u32>]) -> (u64, u64, u32) {
    let (mut measured, mut estimated, mut unmeasured) = (0u64, 0u64, 0u32);
    // Without branches: whether an event reported its saving, and whether its kind has a
    // baseline, follow no pattern, so branching on them would mostly guess wrong.
    for ((&saved, &kind), &minutes) in saved.iter().zip(kind).zip(minutes) {
        let reported = saved != NO_SAVED;
        let baseline = baseline_centi.get(usize::from(kind)).copied().flatten();
        let from_baseline = baseline.map_or(0, |b| u64::from(b.saturating_sub(minutes)));
        measured += if reported { u64::from(saved) } else { 0 };
        estimated += if reported { 0 } else { from_baseline };
        unmeasured += u32::from(!reported && baseline.is_none());
    }
    (measured, estimated, unmeasured)
}

/// One period record as an aggregate keeps it: first and last day numbers, active days, uses
/// and minutes in hundredths ([`NO_COUNT`] when unknown).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) struct PeriodSpan {
    pub(crate) first: i32,
    pub(crate) last: i32,
    pub(crate) active: u32,
    pub(crate) count: u32,
    pub(crate) minutes: u32,
}

/// The members whose usage a range of event positions covers: a member belongs to the range
/// holding their first event, and the members after the last event (with day or period records
/// only) to the range that ends the store (`0..0` for a store without events). So any split of
/// `0..len` into consecutive ranges visits every member exactly once.
fn member_range(store: &EventStore, range: &Range<usize>) -> Range<usize> {
    let starts = store.member_starts();
    let len = store.len();
    let first = starts.partition_point(|&s| (s as usize) < range.start);
    let ends_store = range.end >= len && (range.start < len || range.start == 0);
    let end = if ends_store { store.member_bound() } else { starts.partition_point(|&s| (s as usize) < range.end) };
    first..end.min(store.member_bound())
}

/// Feeds `x` to the FNV-1a hash `h`.
fn eat(h: &mut u64, x: u64) {
    for b in x.to_le_bytes() {
        *h = (*h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
}

/// The fingerprint `base` ([`AggregateSpec::base_fingerprint`]) goes on to with the positions of
/// the members kept, in order.
fn fingerprint_kept(mut base: u64, kept: impl Iterator<Item = usize>) -> u64 {
    kept.for_each(|m| eat(&mut base, m as u64));
    base
}

/// Whether member `m` is read under `keep` (`None`: every member).
fn kept(keep: Option<&[bool]>, m: usize) -> bool {
    keep.is_none_or(|k| k.get(m).copied().unwrap_or(false))
}

fn add_all<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x += *y);
}

/// A window of days as masks over the horizon words, built once and applied to every member.
#[derive(Clone, Debug)]
pub(crate) struct WindowMask {
    /// The first horizon word the window touches ...
    first: usize,
    /// ... and the masks over it and the words after it (a window is one stretch of days).
    masks: Vec<u64>,
}

impl WindowMask {
    /// The days `[as_of - from_back - len + 1, as_of - from_back]`, clipped to the horizon.
    pub(crate) fn new(from_back: i32, len: i32) -> Self {
        let from = from_back.max(0);
        let to = (from_back + len).min(HORIZON_DAYS);
        let (mut first, mut masks) = (0, Vec::new());
        for w in 0..WORDS {
            let lo = (w as i32) * 64;
            let (a, b) = (from.max(lo), to.min(lo + 64));
            if a < b {
                let width = (b - a) as u32;
                let mask = if width == 64 { u64::MAX } else { ((1u64 << width) - 1) << (a - lo) };
                if masks.is_empty() {
                    first = w;
                }
                masks.push(mask);
            }
        }
        Self { first, masks }
    }
}
