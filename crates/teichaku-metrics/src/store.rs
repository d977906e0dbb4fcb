//! The event store: usage events in 12 bytes each, sorted, with exact duplicates removed, and a
//! rollup per member and day.
//!
//! Events arrive from the document, from streamed CSV or JSON Lines files, or from generated data;
//! an [`EventStoreBuilder`] checks each one, and [`EventStoreBuilder::finish`] sorts them by member
//! and time, drops exact duplicates and lays them out column by column:
//! local day (`u16` from the store's first day), task-and-tool kind (`u16`), minutes and saved
//! minutes (`u32` hundredths of a minute); which member each event belongs to is an index of where
//! each member's run starts.
//! Beside the events, the store keeps a rollup per member and day (the day, the events and the
//! minutes), which is what most figures need: usage days, weeks and minutes.
//! The events take 12 bytes each and the rollup 14 bytes a member-day: 14.16 bytes an event in all
//! on the benchmark data set, where members average about 6.7 events on a day they use AI.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, Timelike};
use teichaku_model::{
    DayRecord, Member, MemberId, OrganisationKeys, PeriodRecord, TaskCategory, Timestamp, ToolId, UsageEvent,
    UtcOffset, ValidSnapshot,
};

use crate::calendar::{date_of, day_number};

/// Marks an event without saved minutes.
pub(crate) const NO_SAVED: u32 = u32::MAX;

/// Marks a day or period record without a number of uses (or minutes, in its minutes column).
pub(crate) const NO_COUNT: u32 = u32::MAX;

/// The longest period a [`PeriodRecord`] may span, in days.
pub const MAX_PERIOD_DAYS: i32 = 366;

/// The largest span of days a store holds (about 179 years).
pub const MAX_DAY_SPAN: i32 = u16::MAX as i32;

/// The most distinct (task, tool) pairs a store holds.
pub const MAX_KINDS: usize = u16::MAX as usize;

/// The largest minutes (or saved minutes) one event may carry: 30 days.
pub const MAX_EVENT_MINUTES: f64 = 30.0 * 24.0 * 60.0;

/// Usage events, compact and sorted by member, day and time; exact duplicates removed.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// let store = teichaku_metrics::EventStore::from_snapshot(&snapshot)?;
/// println!("{:.2} bytes an event", store.bytes_per_event());
/// # }
/// # Ok::<(), teichaku_metrics::StoreError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct EventStore {
    base_day: i32,
    /// The events of each bucket of [`1 << BUCKET_BITS`](BUCKET_BITS) members, in columns: a
    /// bucket's columns are laid out as it is settled, in memory its own rows were freed from.
    segments: Vec<Segment>,
    kinds: Vec<(Option<TaskCategory>, Option<ToolId>)>,
    duplicates_dropped: u64,
    /// Where each member's run of events starts: member `m`'s events are at
    /// `starts[m]..starts[m + 1]` (4 bytes a member, not an event).
    starts: Vec<u32>,
    /// Where each member's rollup rows start, as `starts` does for events.
    rollup_starts: Vec<u32>,
    /// One row per member and day with events: the day (offset from `base_day`)...
    rollup_day: Vec<u16>,
    /// ... the events that day ...
    rollup_events: Vec<u32>,
    /// ... and their minutes, in hundredths.
    rollup_minutes: Vec<u64>,
    /// The member-day records, by member and day.
    days: DayColumns,
    /// The member-period records, by member and start.
    periods: PeriodColumns,
    /// Exact duplicate day records dropped.
    day_duplicates_dropped: u64,
    /// Exact duplicate period records dropped.
    period_duplicates_dropped: u64,
    /// Events on a member-day that a day record covers, left out (the day record counts).
    superseded_events: u64,
}

/// A segment without events.
static EMPTY_SEGMENT: Segment =
    Segment { first: 0, day: Vec::new(), kind: Vec::new(), minutes: Vec::new(), saved: Vec::new() };

/// The events of one bucket of members in columns of equal length, by member and time.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
struct Segment {
    /// The store's position of the segment's first event.
    first: usize,
    day: Vec<u16>,
    kind: Vec<u16>,
    minutes: Vec<u32>,
    /// Saved minutes in hundredths, [`NO_SAVED`] where none was reported.
    saved: Vec<u32>,
}

/// Member-day records in columns, `starts` indexing each member's run as for events.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct DayColumns {
    pub(crate) starts: Vec<u32>,
    /// The day, offset from the store's base day.
    pub(crate) day: Vec<u16>,
    pub(crate) kind: Vec<u16>,
    /// Uses, [`NO_COUNT`] when unknown.
    pub(crate) count: Vec<u32>,
    /// Minutes in hundredths, [`NO_COUNT`] when unknown.
    pub(crate) minutes: Vec<u32>,
    /// Saved minutes in hundredths, [`NO_SAVED`] when none was reported.
    pub(crate) saved: Vec<u32>,
}

/// Member-period records in columns, `starts` indexing each member's run.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub(crate) struct PeriodColumns {
    pub(crate) starts: Vec<u32>,
    /// The first and last day (day numbers).
    pub(crate) first: Vec<i32>,
    pub(crate) last: Vec<i32>,
    pub(crate) active: Vec<u32>,
    /// Uses, [`NO_COUNT`] when unknown.
    pub(crate) count: Vec<u32>,
    /// Minutes in hundredths, [`NO_COUNT`] when unknown.
    pub(crate) minutes: Vec<u32>,
}

/// One member's period records.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct MemberPeriods<'a> {
    pub(crate) first: &'a [i32],
    pub(crate) last: &'a [i32],
    pub(crate) active: &'a [u32],
    pub(crate) count: &'a [u32],
    pub(crate) minutes: &'a [u32],
}

/// One member's day records, sorted by day.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct MemberDays<'a> {
    pub(crate) base_day: i32,
    pub(crate) day: &'a [u16],
    pub(crate) kind: &'a [u16],
    pub(crate) count: &'a [u32],
    pub(crate) minutes: &'a [u32],
    pub(crate) saved: &'a [u32],
}

impl MemberDays<'_> {
    /// The position of the first record on or after day number `day`.
    #[inline]
    pub(crate) fn first_on_or_after(&self, day: i32) -> usize {
        self.day.partition_point(|&d| self.base_day + i32::from(d) < day)
    }
}

/// `run` of `starts` as a range: `starts[m]..starts[m + 1]`, empty past the end.
fn run(starts: &[u32], m: usize) -> std::ops::Range<usize> {
    match (starts.get(m), starts.get(m + 1)) {
        (Some(&a), Some(&b)) => a as usize..b as usize,
        _ => 0..0,
    }
}

/// One member's usage on one day, as the store's rollup holds it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct DayRollup<'a> {
    pub(crate) base_day: i32,
    pub(crate) day: &'a [u16],
    pub(crate) events: &'a [u32],
    pub(crate) minutes: &'a [u64],
}

/// One member's events as the store holds them: columns of equal length, sorted by day.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct MemberEvents<'a> {
    pub(crate) base_day: i32,
    pub(crate) day: &'a [u16],
    pub(crate) kind: &'a [u16],
    pub(crate) minutes: &'a [u32],
    /// Saved minutes in hundredths, [`NO_SAVED`] where none was reported.
    pub(crate) saved: &'a [u32],
}

impl MemberEvents<'_> {
    /// The position of the first event on or after day number `day`.
    #[inline]
    pub(crate) fn first_on_or_after(&self, day: i32) -> usize {
        self.day.partition_point(|&d| self.base_day + i32::from(d) < day)
    }
}

impl EventStore {
    /// The usage events of a validated snapshot.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when the events span more than [`MAX_DAY_SPAN`] days, use more than
    /// [`MAX_KINDS`] task-and-tool pairs, or carry more than [`MAX_EVENT_MINUTES`].
    pub fn from_snapshot(snapshot: &ValidSnapshot) -> Result<Self, StoreError> {
        let mut builder = EventStoreBuilder::new(snapshot);
        for (index, event) in snapshot.observations().usage.iter().enumerate() {
            builder.push(event).map_err(|error| StoreError::Event { index, error })?;
        }
        builder.finish()
    }

    /// How many events the store holds.
    pub fn len(&self) -> usize {
        self.segments.iter().map(|s| s.day.len()).sum()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| s.day.is_empty())
    }

    /// Exact duplicates dropped while building.
    pub fn duplicates_dropped(&self) -> u64 {
        self.duplicates_dropped
    }

    /// How many member-day records the store holds.
    ///
    /// ```
    /// assert_eq!(teichaku_metrics::EventStore::default().day_records(), 0);
    /// ```
    pub fn day_records(&self) -> usize {
        self.days.day.len()
    }

    /// How many member-period records the store holds.
    ///
    /// ```
    /// assert_eq!(teichaku_metrics::EventStore::default().period_records(), 0);
    /// ```
    pub fn period_records(&self) -> usize {
        self.periods.first.len()
    }

    /// Exact duplicate day records dropped while building.
    pub fn day_duplicates_dropped(&self) -> u64 {
        self.day_duplicates_dropped
    }

    /// Exact duplicate period records dropped while building.
    pub fn period_duplicates_dropped(&self) -> u64 {
        self.period_duplicates_dropped
    }

    /// Events left out because a day record covers their member and day: the day record
    /// counts, so nothing is counted twice.
    pub fn superseded_events(&self) -> u64 {
        self.superseded_events
    }

    /// Member `m`'s day records.
    #[inline]
    pub(crate) fn member_days(&self, m: usize) -> MemberDays<'_> {
        let r = run(&self.days.starts, m);
        MemberDays {
            base_day: self.base_day,
            day: self.days.day.get(r.clone()).unwrap_or_default(),
            kind: self.days.kind.get(r.clone()).unwrap_or_default(),
            count: self.days.count.get(r.clone()).unwrap_or_default(),
            minutes: self.days.minutes.get(r.clone()).unwrap_or_default(),
            saved: self.days.saved.get(r).unwrap_or_default(),
        }
    }

    /// Member `m`'s period records, by start.
    #[inline]
    pub(crate) fn member_periods(&self, m: usize) -> MemberPeriods<'_> {
        let r = run(&self.periods.starts, m);
        MemberPeriods {
            first: self.periods.first.get(r.clone()).unwrap_or_default(),
            last: self.periods.last.get(r.clone()).unwrap_or_default(),
            active: self.periods.active.get(r.clone()).unwrap_or_default(),
            count: self.periods.count.get(r.clone()).unwrap_or_default(),
            minutes: self.periods.minutes.get(r).unwrap_or_default(),
        }
    }

    /// Heap bytes per event of the event columns, the member index and the rollup.
    pub fn bytes_per_event(&self) -> f64 {
        let events: usize = self
            .segments
            .iter()
            .map(|s| s.day.capacity() * 2 + s.kind.capacity() * 2 + s.minutes.capacity() * 4 + s.saved.capacity() * 4)
            .sum();
        let bytes = events
            + self.starts.capacity() * 4
            + self.rollup_starts.capacity() * 4
            + self.rollup_day.capacity() * 2
            + self.rollup_events.capacity() * 4
            + self.rollup_minutes.capacity() * 8;
        bytes as f64 / self.len().max(1) as f64
    }

    /// The first and last local day holding an event.
    pub fn day_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.segments.iter().filter_map(|s| s.day.iter().min()).min()?;
        let last = self.segments.iter().filter_map(|s| s.day.iter().max()).max()?;
        Some((date_of(self.base_day + i32::from(*first))?, date_of(self.base_day + i32::from(*last))?))
    }

    /// The task and tool of kind `kind`.
    pub(crate) fn kind(&self, kind: u16) -> Option<&(Option<TaskCategory>, Option<ToolId>)> {
        self.kinds.get(usize::from(kind))
    }

    /// Each kind's task and tool as small numbers (equal names, equal numbers), by kind.
    pub(crate) fn kind_numbers(&self) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
        let mut tasks: BTreeMap<&TaskCategory, u32> = BTreeMap::new();
        let mut tools: BTreeMap<&ToolId, u32> = BTreeMap::new();
        let task_numbers = self
            .kinds
            .iter()
            .map(|(task, _)| {
                let next = tasks.len() as u32;
                task.as_ref().map(|t| *tasks.entry(t).or_insert(next))
            })
            .collect();
        let tool_numbers = self
            .kinds
            .iter()
            .map(|(_, tool)| {
                let next = tools.len() as u32;
                tool.as_ref().map(|t| *tools.entry(t).or_insert(next))
            })
            .collect();
        (task_numbers, tool_numbers)
    }

    /// How many kinds there are.
    pub(crate) fn kind_count(&self) -> usize {
        self.kinds.len()
    }

    /// A plain sequential pass over every event column (day, kind, minutes, saved minutes),
    /// summing them: the floor any per-event computation is measured against.
    ///
    /// ```
    /// let store = teichaku_metrics::EventStore::default();
    /// assert_eq!(store.column_checksum(), 0);
    /// ```
    pub fn column_checksum(&self) -> u64 {
        let mut sum = 0u64;
        let events = self.segments.iter().flat_map(|s| s.day.iter().zip(&s.kind).zip(&s.minutes).zip(&s.saved));
        for (((&d, &k), &mins), &saved) in events {
            sum = sum
                .wrapping_add(u64::from(d))
                .wrapping_add(u64::from(k))
                .wrapping_add(u64::from(mins))
                .wrapping_add(u64::from(saved));
        }
        sum
    }

    /// Member `m`'s events as column slices, sorted by day.
    #[inline]
    pub(crate) fn member_events(&self, m: usize) -> MemberEvents<'_> {
        let segment = self.segments.get(m >> BUCKET_BITS);
        let (a, b) = match (self.starts.get(m), self.starts.get(m + 1), segment) {
            (Some(&a), Some(&b), Some(segment)) => (a as usize - segment.first, b as usize - segment.first),
            _ => (0, 0),
        };
        let segment = segment.map_or(&EMPTY_SEGMENT, |s| s);
        MemberEvents {
            base_day: self.base_day,
            day: segment.day.get(a..b).unwrap_or_default(),
            kind: segment.kind.get(a..b).unwrap_or_default(),
            minutes: segment.minutes.get(a..b).unwrap_or_default(),
            saved: segment.saved.get(a..b).unwrap_or_default(),
        }
    }

    /// Where each member's run starts, plus the end: `starts[m]..starts[m + 1]`.
    #[inline]
    pub(crate) fn member_starts(&self) -> &[u32] {
        &self.starts
    }

    /// Members with at least one stored event, day record or period record have numbers below
    /// this.
    pub(crate) fn member_bound(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Member `m`'s rollup rows, sorted by day.
    #[inline]
    pub(crate) fn rollup(&self, m: usize) -> DayRollup<'_> {
        let (a, b) = match (self.rollup_starts.get(m), self.rollup_starts.get(m + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        DayRollup {
            base_day: self.base_day,
            day: self.rollup_day.get(a..b).unwrap_or_default(),
            events: self.rollup_events.get(a..b).unwrap_or_default(),
            minutes: self.rollup_minutes.get(a..b).unwrap_or_default(),
        }
    }
}

/// Collects usage events, checking each, then builds an [`EventStore`].
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// use teichaku_metrics::EventStoreBuilder;
/// let snapshot = valid();
/// let mut builder = EventStoreBuilder::new(&snapshot);
/// for event in &snapshot.observations().usage {
///     builder.push(event)?;
/// }
/// let store = builder.finish()?;
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct EventStoreBuilder {
    /// Shared, so the partial builders of a parallel reader cost nothing to make.
    members: Arc<BTreeMap<MemberId, u32>>,
    /// Member numbers are below this: [`EventStoreBuilder::finish`] sizes its per-member index
    /// by the largest number stored, so an unchecked number could make it allocate gigabytes.
    member_count: u32,
    offset: UtcOffset,
    /// The events, by bucket of members.
    rows: Rows,
    kinds: BTreeMap<(Option<TaskCategory>, Option<ToolId>), u32>,
    /// Member-day records, in the same kind numbering.
    day_rows: Vec<DayRow>,
    /// Member-period records.
    period_rows: Vec<PeriodRow>,
    /// How messages name each member, by number: its key, else its e-mail address, else its
    /// uuid (empty when the builder was given bare numbers).
    labels: Arc<Vec<String>>,
}

/// One member-day record as the builder holds it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
pub(crate) struct DayRow {
    member: u32,
    day: i32,
    kind: u32,
    count: u32,
    minutes: u32,
    saved: u32,
}

/// One member-period record as the builder holds it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
pub(crate) struct PeriodRow {
    member: u32,
    first: i32,
    last: i32,
    active: u32,
    count: u32,
    minutes: u32,
}

/// Members per bucket of the builder's events, as a power of two: a bucket's events are
/// sorted on their own, so buckets are settled on several threads at once, and a member is
/// numbered within its bucket in 16 bits.
const BUCKET_BITS: u32 = 12;

/// Events in a bucket's first chunk, at most: it grows as it fills, so a bucket of a few events
/// takes little room.
const FIRST_CHUNK_ROWS: usize = 4096;

/// Events in each further chunk of a bucket (40 MiB of address space, of which only the rows
/// written are ever touched). Events are kept in chunks so no growing vector doubles their
/// memory and chunks move between builders without being copied; a chunk this large is one the
/// allocator maps on its own and gives back to the system when it is freed (glibc maps every
/// block over 32 MiB that way, whatever its adaptive threshold has grown to), so the memory of a
/// bucket's rows is returned as `finish` settles it, while the store's columns are laid out.
const CHUNK_ROWS: usize = 1 << 21;

impl PeriodRow {
    /// Unknown days of `member` from day `first` to `last`: no active days, uses or minutes known.
    fn unknown(member: u32, first: i32, last: i32) -> Self {
        Self { member, first, last, active: NO_COUNT, count: NO_COUNT, minutes: NO_COUNT }
    }
}

/// One event as the builder holds it until [`EventStoreBuilder::finish`]: 20 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct Row {
    /// The local day (day number).
    pub(crate) day: i32,
    /// Milliseconds into the local day.
    pub(crate) millis: u32,
    /// Minutes in hundredths.
    pub(crate) minutes: u32,
    /// Saved minutes in hundredths, [`NO_SAVED`] when none was reported.
    pub(crate) saved: u32,
    /// The (task, tool) kind, in the builder's numbering.
    pub(crate) kind: u16,
    /// The member's number within its bucket (set by [`Rows::push`]).
    pub(crate) member: u16,
}

/// A builder's events, by bucket of [`1 << BUCKET_BITS`](BUCKET_BITS) members, each bucket in
/// chunks: the first of at most [`FIRST_CHUNK_ROWS`] events, the others of [`CHUNK_ROWS`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Rows {
    buckets: Vec<Vec<Vec<Row>>>,
    len: usize,
    /// The first and last day of an event.
    days: Option<(i32, i32)>,
}

impl Rows {
    /// Adds `row` of member `member`.
    #[inline]
    pub(crate) fn push(&mut self, member: u32, mut row: Row) {
        let bucket = (member >> BUCKET_BITS) as usize;
        row.member = (member & ((1 << BUCKET_BITS) - 1)) as u16;
        self.days = Some(self.days.map_or((row.day, row.day), |(lo, hi)| (lo.min(row.day), hi.max(row.day))));
        if self.buckets.len() <= bucket {
            self.buckets.resize_with(bucket + 1, Vec::new);
        }
        let Some(chunks) = self.buckets.get_mut(bucket) else { return };
        match chunks.last_mut() {
            // The first chunk of a bucket grows as it fills, up to `FIRST_CHUNK_ROWS`, so a few
            // events take little room; the next ones are taken whole.
            Some(chunk) if chunk.len() < chunk.capacity() || chunk.len() < FIRST_CHUNK_ROWS => chunk.push(row),
            last => {
                let mut chunk = Vec::with_capacity(if last.is_some() { CHUNK_ROWS } else { 16 });
                chunk.push(row);
                chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    /// Takes in `other`'s events, their kinds renumbered by `renumber` (`other`'s kind `k` is
    /// `renumber[k]` here).
    fn absorb(&mut self, other: Self, renumber: &[u32]) {
        if self.buckets.len() < other.buckets.len() {
            self.buckets.resize_with(other.buckets.len(), Vec::new);
        }
        for (mine, theirs) in self.buckets.iter_mut().zip(other.buckets) {
            for mut chunk in theirs {
                for r in &mut chunk {
                    r.kind = renumber.get(usize::from(r.kind)).map_or(r.kind, |&k| k.min(u32::from(u16::MAX)) as u16);
                }
                mine.push(chunk);
            }
        }
        self.len += other.len;
        self.days = match (self.days, other.days) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (mine, theirs) => mine.or(theirs),
        };
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// How messages name each of `members`: its key, else its e-mail address, else its uuid. When
/// `keys` has one entry a member, in the members' order (as a document whose members all have
/// keys gives them), each member's entry is read in place; otherwise through an index (the keys'
/// own look-up reads their list through for each member).
fn member_labels(members: &[Member], keys: &OrganisationKeys) -> Vec<String> {
    let label = |m: &Member, k: Option<&str>| k.map_or_else(|| m.id.to_string(), str::to_owned);
    let aligned =
        keys.members.len() == members.len() && keys.members.iter().zip(members).all(|(k, m)| k.member == m.id);
    if aligned {
        return members.iter().zip(&keys.members).map(|(m, k)| label(m, k.label())).collect();
    }
    let index = keys.index();
    members.iter().map(|m| label(m, index.label(m.id))).collect()
}

impl EventStoreBuilder {
    /// A builder for events of the snapshot's members, read in its organisation's offset; member
    /// `i` is the `i`-th of the organisation's member list. A member is found by its id and by
    /// the ids derived from its own keys (its key and e-mail address), so events may name it by
    /// either.
    pub fn new(snapshot: &ValidSnapshot) -> Self {
        let list = &snapshot.organisation().members;
        let mut members: BTreeMap<MemberId, u32> = list.iter().enumerate().map(|(i, m)| (m.id, i as u32)).collect();
        for (alias, real) in snapshot.organisation().keys.member_aliases() {
            if let Some(&index) = members.get(&real) {
                members.entry(alias).or_insert(index);
            }
        }
        let mut builder = Self::with_members(
            members,
            u32::try_from(list.len()).unwrap_or(u32::MAX),
            snapshot.organisation().utc_offset,
        );
        builder.labels = Arc::new(member_labels(list, &snapshot.organisation().keys));
        builder
    }

    /// A builder for `member_count` members numbered `0..member_count` by the caller (`members`
    /// maps the ids [`EventStoreBuilder::push`] reads to those numbers), read in `offset`.
    ///
    /// ```
    /// use teichaku_metrics::{EventError, EventStoreBuilder};
    /// use teichaku_model::UtcOffset;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 3).expect("a date");
    /// let mut builder = EventStoreBuilder::with_members(Default::default(), 2, UtcOffset::UTC);
    /// builder.push_local(1, day, 0, 500)?;
    /// assert_eq!(
    ///     builder.push_local(4_000_000_000, day, 0, 500),
    ///     Err(EventError::MemberOutOfRange { member: 4_000_000_000, members: 2 }),
    /// );
    /// assert_eq!(builder.finish()?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_members(members: BTreeMap<MemberId, u32>, member_count: u32, offset: UtcOffset) -> Self {
        Self {
            members: Arc::new(members),
            member_count,
            offset,
            rows: Rows::default(),
            kinds: BTreeMap::new(),
            day_rows: Vec::new(),
            period_rows: Vec::new(),
            labels: Arc::new(Vec::new()),
        }
    }

    /// An empty builder for the same members and offset: a parallel reader fills one per thread
    /// and [`EventStoreBuilder::absorb`]s them.
    pub(crate) fn partial(&self) -> Self {
        Self {
            members: Arc::clone(&self.members),
            member_count: self.member_count,
            offset: self.offset,
            rows: Rows::default(),
            kinds: BTreeMap::new(),
            day_rows: Vec::new(),
            period_rows: Vec::new(),
            labels: Arc::clone(&self.labels),
        }
    }

    /// Every member id the builder reads, with its number.
    pub(crate) fn member_ids(&self) -> impl Iterator<Item = (&MemberId, u32)> {
        self.members.iter().map(|(id, &n)| (id, n))
    }

    /// The member count: numbers are below it.
    pub(crate) fn member_count(&self) -> u32 {
        self.member_count
    }

    /// The offset events are read in, in seconds east of UTC.
    pub(crate) fn offset_seconds(&self) -> i64 {
        i64::from(self.offset.minutes()) * 60
    }

    /// The number of a (task, tool) kind, given one if new.
    pub(crate) fn kind_number(&mut self, task: Option<&TaskCategory>, tool: Option<&ToolId>) -> u32 {
        let next = self.kinds.len() as u32;
        *self.kinds.entry((task.cloned(), tool.cloned())).or_insert(next)
    }

    /// Adds a row already checked (the member below the member count, minutes in range, the kind
    /// of this builder).
    #[inline]
    pub(crate) fn push_row(&mut self, member: u32, row: Row) {
        self.rows.push(member, row);
    }

    /// Takes in every event of `other`, a builder for the same members (from
    /// [`EventStoreBuilder::partial`]): the store built is the same as if its events had been
    /// pushed here, whatever the order of the absorbing.
    pub(crate) fn absorb(&mut self, other: Self) {
        let mut renumber = vec![0u32; other.kinds.len()];
        for (key, id) in other.kinds {
            let next = self.kinds.len() as u32;
            let mine = *self.kinds.entry(key).or_insert(next);
            if let Some(slot) = renumber.get_mut(id as usize) {
                *slot = mine;
            }
        }
        for mut r in other.day_rows {
            r.kind = renumber.get(r.kind as usize).copied().unwrap_or(r.kind);
            self.day_rows.push(r);
        }
        self.period_rows.extend(other.period_rows);
        self.rows.absorb(other.rows, &renumber);
    }

    /// The number of the member with id `member`, as [`EventStoreBuilder::push`] reads it.
    ///
    /// # Errors
    ///
    /// [`EventError::UnknownMember`] when the builder was not given that id.
    ///
    /// ```
    /// use teichaku_metrics::{EventError, EventStoreBuilder};
    /// use teichaku_model::{MemberId, UtcOffset};
    /// let (a, b) = (MemberId::from_u128(1), MemberId::from_u128(2));
    /// let builder = EventStoreBuilder::with_members([(a, 0)].into(), 1, UtcOffset::UTC);
    /// assert_eq!(builder.member_number(&a), Ok(0));
    /// assert_eq!(builder.member_number(&b), Err(EventError::UnknownMember(b)));
    /// ```
    pub fn member_number(&self, member: &MemberId) -> Result<u32, EventError> {
        self.members.get(member).copied().ok_or(EventError::UnknownMember(*member))
    }

    /// `member` if it is below the member count.
    fn checked_member(&self, member: u32) -> Result<u32, EventError> {
        if member < self.member_count {
            Ok(member)
        } else {
            Err(EventError::MemberOutOfRange { member, members: self.member_count })
        }
    }

    /// Adds one event.
    ///
    /// # Errors
    ///
    /// [`EventError`] when the member is unknown or numbered at or past the builder's member
    /// count, the timestamp unreadable, or a number negative,
    /// not finite or larger than [`MAX_EVENT_MINUTES`]; the builder is unchanged.
    pub fn push(&mut self, event: &UsageEvent) -> Result<(), EventError> {
        let member = self.member_number(&event.member)?;
        self.push_parts(member, &event.at, event.minutes, event.saved_minutes, event.task.as_ref(), event.tool.as_ref())
    }

    /// Adds one event from its parts, as a streaming reader has them.
    ///
    /// # Errors
    ///
    /// As [`EventStoreBuilder::push`], except that the member is given by number.
    pub fn push_parts(
        &mut self,
        member: u32,
        at: &Timestamp,
        minutes: f64,
        saved_minutes: Option<f64>,
        task: Option<&TaskCategory>,
        tool: Option<&ToolId>,
    ) -> Result<(), EventError> {
        let member = self.checked_member(member)?;
        let at = at.resolve(self.offset).map_err(|e| EventError::UnreadableTimestamp(e.text))?;
        let local = at.with_timezone(&self.offset.to_fixed_offset()).naive_local();
        let millis = local.time().num_seconds_from_midnight() * 1000 + local.time().nanosecond() / 1_000_000;
        let minutes = centi("minutes", minutes)?;
        let saved = match saved_minutes {
            Some(s) => centi("saved_minutes", s)?,
            None => NO_SAVED,
        };
        let key = (task.cloned(), tool.cloned());
        let next = self.kinds.len() as u32;
        let kind = *self.kinds.entry(key).or_insert(next);
        let row = Row {
            day: day_number(local.date()),
            millis: millis.min(86_399_999),
            minutes,
            saved,
            kind: kind.min(u32::from(u16::MAX)) as u16,
            member: 0,
        };
        self.rows.push(member, row);
        Ok(())
    }

    /// Adds one event already in local days and hundredths of a minute (generated data).
    ///
    /// # Errors
    ///
    /// [`EventError::MemberOutOfRange`] when `member` is at or past the builder's member count;
    /// the builder is unchanged.
    pub fn push_local(
        &mut self,
        member: u32,
        day: NaiveDate,
        millis_of_day: u32,
        minutes_centi: u32,
    ) -> Result<(), EventError> {
        let member = self.checked_member(member)?;
        let next = self.kinds.len() as u32;
        let kind = *self.kinds.entry((None, None)).or_insert(next);
        let row = Row {
            day: day_number(day),
            millis: millis_of_day.min(86_399_999),
            minutes: minutes_centi.min(NO_SAVED - 1),
            saved: NO_SAVED,
            kind: kind.min(u32::from(u16::MAX)) as u16,
            member: 0,
        };
        self.rows.push(member, row);
        Ok(())
    }

    /// Adds one member-day record.
    ///
    /// # Errors
    ///
    /// [`EventError`] when the member is unknown, the count is 0, or minutes are negative, not
    /// finite or larger than [`MAX_EVENT_MINUTES`]; the builder is unchanged.
    ///
    /// ```
    /// use teichaku_metrics::{EventError, EventStoreBuilder};
    /// use teichaku_model::{DayRecord, MemberId, UtcOffset};
    /// let a = MemberId::from_u128(1);
    /// let mut builder = EventStoreBuilder::with_members([(a, 0)].into(), 1, UtcOffset::UTC);
    /// let day = "2026-08-03".parse()?;
    /// builder.push_day(&DayRecord::new(a, day).with_count(10).with_minutes(20.0))?;
    /// assert_eq!(builder.push_day(&DayRecord::new(a, day).with_count(0)), Err(EventError::ZeroCount));
    /// let store = builder.finish()?;
    /// assert_eq!((store.len(), store.day_records()), (0, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_day(&mut self, record: &DayRecord) -> Result<(), EventError> {
        let member = self.member_number(&record.member)?;
        self.push_day_parts(member, record)
    }

    /// Adds one member-day record of member number `member` (the record's own member is not
    /// read), as a streaming reader has it.
    ///
    /// # Errors
    ///
    /// As [`EventStoreBuilder::push_day`], and [`EventError::MemberOutOfRange`].
    pub fn push_day_parts(&mut self, member: u32, record: &DayRecord) -> Result<(), EventError> {
        let member = self.checked_member(member)?;
        let count = match record.count {
            Some(0) => return Err(EventError::ZeroCount),
            Some(n) => n.min(NO_COUNT - 1),
            None => NO_COUNT,
        };
        let minutes = record.minutes.map(|m| centi("minutes", m)).transpose()?.unwrap_or(NO_COUNT);
        let saved = record.saved_minutes.map(|m| centi("saved_minutes", m)).transpose()?.unwrap_or(NO_SAVED);
        let kind = self.kind_number(record.task.as_ref(), record.tool.as_ref());
        self.day_rows.push(DayRow { member, day: day_number(record.date), kind, count, minutes, saved });
        Ok(())
    }

    /// Adds one member-period record.
    ///
    /// # Errors
    ///
    /// [`EventError`] when the member is unknown, the period ends before it starts or spans
    /// more than [`MAX_PERIOD_DAYS`] days, its active days outnumber its days or its uses, or
    /// its minutes are out of range; the builder is unchanged.
    ///
    /// ```
    /// use teichaku_metrics::{EventError, EventStoreBuilder};
    /// use teichaku_model::{MemberId, PeriodRecord, UtcOffset};
    /// let a = MemberId::from_u128(1);
    /// let mut builder = EventStoreBuilder::with_members([(a, 0)].into(), 1, UtcOffset::UTC);
    /// let (start, end) = ("2026-08-03".parse()?, "2026-08-09".parse()?);
    /// builder.push_period(&PeriodRecord::new(a, start, end, 4))?;
    /// let refused = builder.push_period(&PeriodRecord::new(a, start, end, 8));
    /// assert_eq!(refused, Err(EventError::ActiveDays { active_days: 8, days: 7 }));
    /// assert_eq!(builder.finish()?.period_records(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn push_period(&mut self, record: &PeriodRecord) -> Result<(), EventError> {
        let member = self.member_number(&record.member)?;
        self.push_period_parts(member, record)
    }

    /// Adds one member-period record of member number `member` (the record's own member is not
    /// read), as a streaming reader has it.
    ///
    /// # Errors
    ///
    /// As [`EventStoreBuilder::push_period`], and [`EventError::MemberOutOfRange`].
    pub fn push_period_parts(&mut self, member: u32, record: &PeriodRecord) -> Result<(), EventError> {
        let member = self.checked_member(member)?;
        let (first, last) = (day_number(record.start), day_number(record.end));
        let days = i64::from(last) - i64::from(first) + 1;
        if days < 1 || days > i64::from(MAX_PERIOD_DAYS) {
            return Err(EventError::BadPeriod { start: record.start, end: record.end });
        }
        let Some(active_days) = record.active_days else {
            // Unknown days say nothing of uses or minutes.
            if record.count.is_some() || record.minutes.is_some() {
                return Err(EventError::UnknownDaysWithUses);
            }
            self.period_rows.push(PeriodRow::unknown(member, first, last));
            return Ok(());
        };
        if i64::from(active_days) > days {
            return Err(EventError::ActiveDays { active_days, days: days as u32 });
        }
        let count = match record.count {
            Some(n) if n < active_days => {
                return Err(EventError::CountBelowActiveDays { count: n, active_days });
            }
            Some(n) => n.min(NO_COUNT - 1),
            None => NO_COUNT,
        };
        let minutes = record.minutes.map(|m| centi("minutes", m)).transpose()?.unwrap_or(NO_COUNT);
        self.period_rows.push(PeriodRow { member, first, last, active: active_days, count, minutes });
        Ok(())
    }

    /// Sorts, removes exact duplicates and lays the events out in columns, with the day and
    /// period records beside them.
    ///
    /// Exact duplicate events, day records and period records are dropped and counted. Events on
    /// a member-day a day record covers are left out and counted
    /// ([`EventStore::superseded_events`]): the day record counts for that day.
    ///
    /// # Errors
    ///
    /// [`StoreError::DaySpan`] or [`StoreError::TooManyKinds`]; [`StoreError::DayConflict`] for
    /// two different day records of one member, day, task and tool;
    /// [`StoreError::PeriodOverlap`] for two different period records of one member that share
    /// a day; [`StoreError::MixedGranularity`] for an event or day record on a day a period
    /// record of the same member covers.
    pub fn finish(self) -> Result<EventStore, StoreError> {
        self.finish_on(1)
    }

    /// As [`EventStoreBuilder::finish`], sorting the events of up to `threads` buckets of members
    /// at once, each on its own thread: the store is the same whatever the number of threads.
    ///
    /// # Errors
    ///
    /// As [`EventStoreBuilder::finish`].
    ///
    /// ```
    /// use teichaku_metrics::EventStoreBuilder;
    /// use teichaku_model::UtcOffset;
    /// let day = chrono::NaiveDate::from_ymd_opt(2026, 8, 3).expect("a date");
    /// let build = |threads| -> Result<_, Box<dyn std::error::Error>> {
    ///     let mut builder = EventStoreBuilder::with_members(Default::default(), 10_000, UtcOffset::UTC);
    ///     for member in (0..10_000).rev() {
    ///         builder.push_local(member, day, member * 7, 500)?;
    ///     }
    ///     Ok(builder.finish_on(threads)?)
    /// };
    /// assert_eq!(build(1)?, build(4)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn finish_on(self, threads: usize) -> Result<EventStore, StoreError> {
        if self.kinds.len() > MAX_KINDS {
            return Err(StoreError::TooManyKinds { kinds: self.kinds.len() });
        }
        // Kinds are numbered in sorted order, so the store does not depend on the input order.
        let mut kinds = Vec::with_capacity(self.kinds.len());
        let mut renumber = vec![0u16; self.kinds.len()];
        for (sorted, (key, first_seen)) in self.kinds.into_iter().enumerate() {
            // Kinds are numbered `0..len` as first seen, so every slot is there.
            if let Some(slot) = renumber.get_mut(first_seen as usize) {
                *slot = sorted as u16;
            }
            kinds.push(key);
        }
        let labels = self.labels;
        let label = |m: u32| labels.get(m as usize).cloned().unwrap_or_else(|| format!("#{m}"));

        let mut day_rows = self.day_rows;
        for r in &mut day_rows {
            r.kind = renumber.get(r.kind as usize).map_or(r.kind, |&k| u32::from(k));
        }
        day_rows.sort_unstable();
        let before = day_rows.len();
        day_rows.dedup();
        let day_duplicates_dropped = (before - day_rows.len()) as u64;
        for pair in day_rows.windows(2) {
            if let [a, b] = pair {
                if (a.member, a.day, a.kind) == (b.member, b.day, b.kind) {
                    let (task, tool) = kinds.get(a.kind as usize).cloned().unwrap_or_default();
                    return Err(StoreError::DayConflict {
                        member: label(a.member),
                        date: date_of(a.day).unwrap_or_default(),
                        task,
                        tool,
                    });
                }
            }
        }

        let mut period_rows = self.period_rows;
        period_rows.sort_unstable();
        let before = period_rows.len();
        period_rows.dedup();
        let period_duplicates_dropped = (before - period_rows.len()) as u64;
        // Unknown days are the days of an unknown-days record that no other record of the
        // member settles: set apart here, and laid back beside the periods once checked.
        let unknown_rows: Vec<PeriodRow> = period_rows.iter().filter(|p| p.active == NO_COUNT).copied().collect();
        period_rows.retain(|p| p.active != NO_COUNT);
        for pair in period_rows.windows(2) {
            if let [a, b] = pair {
                if a.member == b.member && b.first <= a.last {
                    let span =
                        |p: &PeriodRow| (date_of(p.first).unwrap_or_default(), date_of(p.last).unwrap_or_default());
                    return Err(StoreError::PeriodOverlap { member: label(a.member), first: span(a), second: span(b) });
                }
            }
        }

        // The first day is that of the earliest event or day record (an event superseded by a
        // day record has its day, and a duplicate that of the event it repeats).
        let event_days = self.rows.days;
        let days = event_days.into_iter().flat_map(|(lo, hi)| [lo, hi]).chain(day_rows.iter().map(|d| d.day));
        let (base_day, last_day) = days.fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
        let (base_day, last_day) = if base_day > last_day { (0, 0) } else { (base_day, last_day) };

        let has_events = !self.rows.is_empty();
        // Checked first: events are sorted by their day from the first day, in 16 bits.
        check_span(&period_rows, has_events || !day_rows.is_empty(), (base_day, last_day))?;
        // Every bucket with events or day records (whose rollup rows are laid out with the
        // events').
        let mut buckets = self.rows.buckets;
        if let Some(last) = day_rows.last() {
            let needed = (last.member >> BUCKET_BITS) as usize + 1;
            if buckets.len() < needed {
                buckets.resize_with(needed, Vec::new);
            }
        }
        // The columns take each bucket's as it is settled, in bucket order, so a bucket's rows
        // are freed before the whole store is laid out. Their capacity is a bound (events
        // before duplicates are dropped), of which only what is written is ever touched.
        let rollups = self.rows.len + day_rows.len();
        let mut segments = Vec::new();
        let mut columns = EventStore {
            rollup_day: Vec::with_capacity(rollups),
            rollup_events: Vec::with_capacity(rollups),
            rollup_minutes: Vec::with_capacity(rollups),
            ..EventStore::default()
        };
        let mut settled = Vec::new();
        settle_buckets(buckets, threads, &renumber, base_day, &day_rows, &period_rows, |mut s| {
            let first = segments.last().map_or(0, |last: &Segment| last.first + last.day.len());
            let mut segment = Segment {
                first,
                day: std::mem::take(&mut s.day),
                kind: std::mem::take(&mut s.kind),
                minutes: std::mem::take(&mut s.minutes),
                saved: std::mem::take(&mut s.saved),
            };
            segment.day.shrink_to_fit();
            segment.kind.shrink_to_fit();
            segment.minutes.shrink_to_fit();
            segment.saved.shrink_to_fit();
            segments.push(segment);
            columns.rollup_day.extend_from_slice(&std::mem::take(&mut s.rollup_day));
            columns.rollup_events.extend_from_slice(&std::mem::take(&mut s.rollup_events));
            columns.rollup_minutes.extend_from_slice(&std::mem::take(&mut s.rollup_minutes));
            settled.push(s);
        });

        // A day with events or a day record inside a period of the same member would be counted
        // twice, or not knowably once: the first such event, else the first such day record.
        let covering = |member: u32, day: i32| {
            let at = period_rows.partition_point(|p| (p.member, p.last) < (member, day));
            period_rows.get(at).filter(|p| p.member == member && p.first <= day)
        };
        let mixed = settled
            .iter()
            .find_map(|s| s.mixed)
            .or_else(|| day_rows.iter().map(|d| (d.member, d.day)).find(|&(m, d)| covering(m, d).is_some()));
        if let Some((member, day)) = mixed {
            if let Some(p) = covering(member, day) {
                return Err(StoreError::MixedGranularity {
                    member: label(member),
                    date: date_of(day).unwrap_or_default(),
                    period: (date_of(p.first).unwrap_or_default(), date_of(p.last).unwrap_or_default()),
                });
            }
        }

        // Every member number was checked against the member count, so this is bounded by it.
        let members = [
            settled.iter().filter_map(|s| s.last_member).max().map_or(0, |m| m as usize + 1),
            day_rows.last().map_or(0, |r| r.member as usize + 1),
            period_rows.last().map_or(0, |r| r.member as usize + 1),
            // A member's unknown days are either left (a piece of them) or settled by its other
            // records, which count it already.
            unknown_rows.iter().map(|r| r.member as usize + 1).max().unwrap_or(0),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let mut store = EventStore {
            base_day,
            kinds,
            duplicates_dropped: settled.iter().map(|s| s.duplicates).sum(),
            starts: vec![0; members + 1],
            rollup_starts: vec![0; members + 1],
            days: DayColumns::default(),
            periods: PeriodColumns::default(),
            day_duplicates_dropped,
            period_duplicates_dropped,
            superseded_events: settled.iter().map(|s| s.superseded).sum(),
            segments,
            ..columns
        };
        store.rollup_day.shrink_to_fit();
        store.rollup_events.shrink_to_fit();
        store.rollup_minutes.shrink_to_fit();
        // Each bucket's counts, shifted by one (`starts[m + 1]` for member `m`), then their
        // running total: where each member's run starts.
        for s in settled {
            let first = s.bucket << BUCKET_BITS;
            for (starts, counts) in [(&mut store.starts, &s.counts), (&mut store.rollup_starts, &s.rollup_counts)] {
                if let Some(slots) = starts.get_mut(first + 1..) {
                    for (slot, &count) in slots.iter_mut().zip(counts) {
                        *slot = count;
                    }
                }
            }
        }
        running_total(&mut store.starts);
        running_total(&mut store.rollup_starts);
        if !unknown_rows.is_empty() {
            let event_days = |member: u32| {
                let events = store.member_events(member as usize);
                events.day.iter().map(|&d| events.base_day + i32::from(d)).collect::<Vec<_>>()
            };
            period_rows = with_unknown_days(period_rows, &unknown_rows, event_days, &day_rows);
            check_span(&period_rows, has_events || !day_rows.is_empty(), (base_day, last_day))?;
        }
        if !day_rows.is_empty() {
            let d = &mut store.days;
            d.starts = vec![0; members + 1];
            for r in &day_rows {
                if let Some(count) = d.starts.get_mut(r.member as usize + 1) {
                    *count += 1;
                }
                d.day.push((r.day - base_day) as u16);
                d.kind.push(r.kind as u16);
                d.count.push(r.count);
                d.minutes.push(r.minutes);
                d.saved.push(r.saved);
            }
            running_total(&mut d.starts);
        }
        if !period_rows.is_empty() {
            let p = &mut store.periods;
            p.starts = vec![0; members + 1];
            for r in &period_rows {
                if let Some(count) = p.starts.get_mut(r.member as usize + 1) {
                    *count += 1;
                }
                p.first.push(r.first);
                p.last.push(r.last);
                p.active.push(r.active);
                p.count.push(r.count);
                p.minutes.push(r.minutes);
            }
            running_total(&mut p.starts);
        }
        Ok(store)
    }
}

/// One bucket of members' events, sorted and laid out in columns (its part of the store).
#[derive(Default)]
struct Settled {
    /// The bucket's number: its members are numbered from `bucket << BUCKET_BITS`.
    bucket: usize,
    /// Events kept per member of the bucket.
    counts: Vec<u32>,
    day: Vec<u16>,
    kind: Vec<u16>,
    minutes: Vec<u32>,
    saved: Vec<u32>,
    /// Rollup rows per member of the bucket.
    rollup_counts: Vec<u32>,
    rollup_day: Vec<u16>,
    rollup_events: Vec<u32>,
    rollup_minutes: Vec<u64>,
    duplicates: u64,
    superseded: u64,
    /// The first kept event (member, day) on a day a period record of its member covers.
    mixed: Option<(u32, i32)>,
    /// The largest member number with a kept event.
    last_member: Option<u32>,
}

/// Settles every bucket and hands each to `sink` in bucket order. `threads` threads take the
/// buckets in order from a queue, each as soon as it is done with the last, so a slow bucket
/// holds up no other thread; a bucket settled ahead of its turn waits for the ones before it
/// (its columns are the store's either way, and its rows are freed).
fn settle_buckets(
    buckets: Vec<Vec<Vec<Row>>>,
    threads: usize,
    renumber: &[u16],
    base_day: i32,
    day_rows: &[DayRow],
    period_rows: &[PeriodRow],
    mut sink: impl FnMut(Settled),
) {
    let threads = threads.clamp(1, buckets.len().max(1));
    let settle_one = |bucket: usize, chunks: Vec<Vec<Row>>, scratch: &mut Vec<u128>| {
        let first = (bucket << BUCKET_BITS) as u32;
        let end = first.saturating_add(1 << BUCKET_BITS);
        let within = |m: u32| m >= first && m < end;
        let days = day_rows.get(day_rows.partition_point(|d| d.member < first)..).unwrap_or_default();
        let days = days.get(..days.partition_point(|d| within(d.member))).unwrap_or_default();
        let periods = period_rows.get(period_rows.partition_point(|p| p.member < first)..).unwrap_or_default();
        let periods = periods.get(..periods.partition_point(|p| within(p.member))).unwrap_or_default();
        settle(bucket, chunks, renumber, base_day, days, periods, scratch)
    };
    if threads == 1 {
        // Working memory, kept from bucket to bucket.
        let mut scratch = Vec::new();
        for (b, chunks) in buckets.into_iter().enumerate() {
            sink(settle_one(b, chunks, &mut scratch));
        }
        return;
    }
    let queue = std::sync::Mutex::new(buckets.into_iter().enumerate());
    let (sender, receiver) = std::sync::mpsc::channel::<Settled>();
    // A settling thread only sorts and copies; should one panic all the same, the scope passes
    // the panic on once the others are joined, rather than a store built without its bucket.
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (sender, queue, settle_one) = (sender.clone(), &queue, &settle_one);
            scope.spawn(move || {
                let mut scratch = Vec::new();
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.next());
                    let Some((b, chunks)) = next else { break };
                    if sender.send(settle_one(b, chunks, &mut scratch)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut early = BTreeMap::new();
        let mut next = 0;
        for settled in receiver {
            early.insert(settled.bucket, settled);
            while let Some(s) = early.remove(&next) {
                sink(s);
                next += 1;
            }
        }
    });
}

/// An event of one member as a sortable number, most significant first: the day from the
/// store's first day (16 bits), milliseconds into the day (27), minutes in hundredths (32),
/// saved minutes in hundredths (24, all ones when none was reported) and the kind (16). Numbers
/// sort as the store orders a member's events (day, time, minutes, saved minutes, kind), and two
/// are equal exactly when the events are.
#[inline]
fn packed(r: &Row, base_day: i32, renumber: &[u16]) -> u128 {
    let day = u128::from((r.day - base_day) as u16);
    let saved = if r.saved == NO_SAVED { SAVED_NONE } else { r.saved.min(SAVED_NONE - 1) };
    let kind = renumber.get(usize::from(r.kind)).copied().unwrap_or(r.kind);
    (day << 99)
        | (u128::from(r.millis) << 72)
        | (u128::from(r.minutes) << 40)
        | (u128::from(saved) << 16)
        | u128::from(kind)
}

/// Saved minutes of a [`packed`] event that reported none.
const SAVED_NONE: u32 = (1 << 24) - 1;

/// The columns of a [`packed`] event: day, kind, minutes, saved minutes.
#[inline]
fn unpacked(p: u128) -> (u16, u16, u32, u32) {
    let saved = ((p >> 16) as u32) & SAVED_NONE;
    ((p >> 99) as u16, p as u16, (p >> 40) as u32, if saved == SAVED_NONE { NO_SAVED } else { saved })
}

/// Sorts one bucket's events by member and time, drops exact duplicates and the events a day
/// record supersedes, and lays the rest out in columns with their rollup (merged with the
/// bucket's day records, `days`); `periods` are the bucket's period records. `scratch` is
/// working memory, kept from bucket to bucket.
fn settle(
    bucket: usize,
    chunks: Vec<Vec<Row>>,
    renumber: &[u16],
    base_day: i32,
    days: &[DayRow],
    periods: &[PeriodRow],
    scratch: &mut Vec<u128>,
) -> Settled {
    let first = (bucket << BUCKET_BITS) as u32;
    let mut settled = Settled { bucket, ..Settled::default() };
    // Events per member (shifted by one), then where each member's run starts.
    let mut next = vec![0usize; (1 << BUCKET_BITS) + 1];
    for r in chunks.iter().flatten() {
        if let Some(count) = next.get_mut(usize::from(r.member) + 1) {
            *count += 1;
        }
    }
    let mut total = 0;
    for count in &mut next {
        total += *count;
        *count = total;
    }
    let runs = next.clone();
    scratch.clear();
    scratch.resize(total, 0);
    for chunk in chunks {
        for r in &chunk {
            if let Some(at) = next.get_mut(usize::from(r.member)) {
                if let Some(slot) = scratch.get_mut(*at) {
                    *slot = packed(r, base_day, renumber);
                }
                *at += 1;
            }
        }
    }
    settled.counts = vec![0; 1 << BUCKET_BITS];
    settled.day = Vec::with_capacity(total);
    settled.kind = Vec::with_capacity(total);
    settled.minutes = Vec::with_capacity(total);
    settled.saved = Vec::with_capacity(total);
    let mut rollup = Rollup { starts: vec![0; (1 << BUCKET_BITS) + 1], ..Rollup::default() };
    let mut records = days.iter().peekable();
    let mut mixed = None;
    for (m, pair) in runs.windows(2).enumerate() {
        let (Some(&a), Some(&b)) = (pair.first(), pair.get(1)) else { continue };
        let member = first + m as u32;
        let Some(run) = scratch.get_mut(a..b) else { continue };
        run.sort_unstable();
        let mut previous = None;
        for &p in run.iter() {
            if previous == Some(p) {
                settled.duplicates += 1;
                continue;
            }
            previous = Some(p);
            let (day, kind, minutes, saved) = unpacked(p);
            let at = (member, base_day + i32::from(day));
            // Day records before this event's member-day go to the rollup first (events and
            // day records never share a member-day); an event on a day a record covers is
            // superseded.
            while let Some(d) = records.next_if(|d| (d.member, d.day) < at) {
                settled.add_record(&mut rollup, d, first, base_day);
            }
            if records.peek().is_some_and(|d| (d.member, d.day) == at) {
                settled.superseded += 1;
                continue;
            }
            if mixed.is_none() && !periods.is_empty() {
                let covering = periods.partition_point(|p| (p.member, p.last) < at);
                if periods.get(covering).is_some_and(|p| p.member == member && p.first <= at.1) {
                    mixed = Some(at);
                }
            }
            rollup.add(m as u32, day, 1, u64::from(minutes));
            if let Some(count) = settled.counts.get_mut(m) {
                *count += 1;
            }
            settled.last_member = Some(member);
            settled.day.push(day);
            settled.kind.push(kind);
            settled.minutes.push(minutes);
            settled.saved.push(saved);
        }
    }
    for d in records {
        settled.add_record(&mut rollup, d, first, base_day);
    }
    settled.mixed = mixed;
    // The rollup's counts are shifted by one; the bucket's are not.
    rollup.starts.remove(0);
    settled.rollup_counts = rollup.starts;
    settled.rollup_day = rollup.day;
    settled.rollup_events = rollup.events;
    settled.rollup_minutes = rollup.minutes;
    settled
}

impl Settled {
    /// Adds day record `d` of this bucket (whose members start at `first`) to `rollup`.
    fn add_record(&self, rollup: &mut Rollup, d: &DayRow, first: u32, base_day: i32) {
        let uses = if d.count == NO_COUNT { 0 } else { d.count };
        let minutes = if d.minutes == NO_COUNT { 0 } else { u64::from(d.minutes) };
        rollup.add(d.member - first, (d.day - base_day) as u16, uses, minutes);
    }
}

/// The rollup per member and day as it is built: rows arrive sorted by member and day.
#[derive(Default)]
struct Rollup {
    /// Rows per member, shifted by one, until their running total is taken.
    starts: Vec<u32>,
    day: Vec<u16>,
    events: Vec<u32>,
    minutes: Vec<u64>,
    previous: Option<(u32, u16)>,
}

impl Rollup {
    /// Adds `events` uses and `minutes` (hundredths) of member `member` on day `day`.
    #[inline]
    fn add(&mut self, member: u32, day: u16, events: u32, minutes: u64) {
        if self.previous == Some((member, day)) {
            if let (Some(e), Some(mins)) = (self.events.last_mut(), self.minutes.last_mut()) {
                *e = e.saturating_add(events);
                *mins += minutes;
            }
        } else {
            if let Some(count) = self.starts.get_mut(member as usize + 1) {
                *count += 1;
            }
            self.day.push(day);
            self.events.push(events);
            self.minutes.push(minutes);
            self.previous = Some((member, day));
        }
    }
}

/// The known periods `periods` with the unknown days of `unknown` beside them: each member's
/// unknown-days records merged into spans, less every day the member's events, day records and
/// known periods settle (those days are known: a record says what happened on them).
fn with_unknown_days(
    mut periods: Vec<PeriodRow>,
    unknown: &[PeriodRow],
    event_days: impl Fn(u32) -> Vec<i32>,
    day_rows: &[DayRow],
) -> Vec<PeriodRow> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while let Some(member) = unknown.get(at).map(|p| p.member) {
        let run = unknown.get(at..).unwrap_or_default();
        let end = at + run.partition_point(|p| p.member == member);
        // The days the member's other records settle, as spans by start.
        let mut settled: Vec<(i32, i32)> = Vec::new();
        let own = |lo: usize, hi: usize| lo..hi.max(lo);
        settled.extend(event_days(member).into_iter().map(|d| (d, d)));
        let d = own(day_rows.partition_point(|d| d.member < member), day_rows.partition_point(|d| d.member <= member));
        settled.extend(day_rows.get(d).unwrap_or_default().iter().map(|d| (d.day, d.day)));
        let p = own(periods.partition_point(|p| p.member < member), periods.partition_point(|p| p.member <= member));
        settled.extend(periods.get(p).unwrap_or_default().iter().map(|p| (p.first, p.last)));
        settled.sort_unstable();
        // The unknown-days records are sorted by start: merge those that meet.
        let mut spans: Vec<(i32, i32)> = Vec::new();
        for p in unknown.get(at..end).unwrap_or_default() {
            match spans.last_mut() {
                Some(last) if p.first <= last.1.saturating_add(1) => last.1 = last.1.max(p.last),
                _ => spans.push((p.first, p.last)),
            }
        }
        let piece = |first: i32, last: i32| PeriodRow::unknown(member, first, last);
        let mut next = 0;
        for (mut from, to) in spans {
            while settled.get(next).is_some_and(|s| s.1 < from) {
                next += 1;
            }
            let mut s = next;
            while from <= to {
                match settled.get(s) {
                    Some(&(a, b)) if a <= to => {
                        if a > from {
                            pieces.push(piece(from, a - 1));
                        }
                        from = from.max(b.saturating_add(1));
                        s += 1;
                    }
                    _ => {
                        pieces.push(piece(from, to));
                        break;
                    }
                }
            }
        }
        at = end;
    }
    periods.extend(pieces);
    periods.sort_unstable();
    periods
}

/// [`StoreError::DaySpan`] when the days of the events and day records (`days`, when
/// `dated`) and of the period records span more than [`MAX_DAY_SPAN`] days.
fn check_span(period_rows: &[PeriodRow], dated: bool, days: (i32, i32)) -> Result<(), StoreError> {
    let period_span = period_rows.iter().fold(None, |span: Option<(i32, i32)>, p| {
        Some(span.map_or((p.first, p.last), |(lo, hi)| (lo.min(p.first), hi.max(p.last))))
    });
    let (lo, hi) = match period_span {
        Some(span) if !dated => span,
        Some((lo, hi)) => (lo.min(days.0), hi.max(days.1)),
        None => days,
    };
    if i64::from(hi) - i64::from(lo) > i64::from(MAX_DAY_SPAN) {
        return Err(StoreError::DaySpan {
            first: date_of(lo).unwrap_or_default(),
            last: date_of(hi).unwrap_or_default(),
        });
    }
    Ok(())
}

/// Replaces each count by the sum of it and those before it.
fn running_total(counts: &mut [u32]) {
    let mut total = 0u32;
    for count in counts {
        total += *count;
        *count = total;
    }
}

fn centi(field: &'static str, minutes: f64) -> Result<u32, EventError> {
    if !(0.0..=MAX_EVENT_MINUTES).contains(&minutes) {
        return Err(EventError::BadMinutes { field, value: minutes });
    }
    Ok((minutes * 100.0).round() as u32)
}

/// Why one event cannot be stored.
///
/// ```
/// use teichaku_metrics::EventError;
/// let e = EventError::BadMinutes { field: "minutes", value: -1.0 };
/// assert_eq!(e.to_string(), "`minutes` = -1 must be a finite number from 0 to 43200");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The member is not in the organisation.
    #[error("unknown member `{0}`")]
    UnknownMember(MemberId),
    /// A member number at or past the member count the builder was made for.
    ///
    /// ```
    /// use teichaku_metrics::EventError;
    /// let e = EventError::MemberOutOfRange { member: 4_000_000_000, members: 120 };
    /// assert_eq!(e.to_string(), "member number 4000000000 is out of range: there are 120 members, numbered from 0");
    /// ```
    #[error("member number {member} is out of range: there are {members} members, numbered from 0")]
    MemberOutOfRange {
        /// The number given.
        member: u32,
        /// How many members the builder was made for: numbers must be below it.
        members: u32,
    },
    /// The timestamp cannot be read.
    #[error("unreadable timestamp {0:?}: expected RFC 3339 such as 2026-04-01T09:30:00+09:00")]
    UnreadableTimestamp(String),
    /// Minutes negative, not finite or too large.
    #[error("`{field}` = {value} must be a finite number from 0 to {MAX_EVENT_MINUTES}")]
    BadMinutes {
        /// `minutes` or `saved_minutes`.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A day record's `count` is 0: a row says the member used AI that day.
    ///
    /// ```
    /// let e = teichaku_metrics::EventError::ZeroCount;
    /// assert_eq!(e.to_string(), "`count` = 0: a day record is a day with use, so at least 1 (leave it out when unknown)");
    /// ```
    #[error("`count` = 0: a day record is a day with use, so at least 1 (leave it out when unknown)")]
    ZeroCount,
    /// A period ends before it starts, or spans more than [`MAX_PERIOD_DAYS`] days.
    ///
    /// ```
    /// use teichaku_metrics::EventError;
    /// let e = EventError::BadPeriod { start: "2026-08-09".parse()?, end: "2026-08-03".parse()? };
    /// assert_eq!(e.to_string(), "period 2026-08-09 to 2026-08-03: the end must be on or after the start, at most 366 days on");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("period {start} to {end}: the end must be on or after the start, at most {MAX_PERIOD_DAYS} days on")]
    BadPeriod {
        /// The first day.
        start: NaiveDate,
        /// The last day.
        end: NaiveDate,
    },
    /// A period has more active days than days.
    ///
    /// ```
    /// let e = teichaku_metrics::EventError::ActiveDays { active_days: 8, days: 7 };
    /// assert_eq!(e.to_string(), "`active_days` = 8 is more than the period's 7 days");
    /// ```
    #[error("`active_days` = {active_days} is more than the period's {days} days")]
    ActiveDays {
        /// The active days given.
        active_days: u32,
        /// The days of the period.
        days: u32,
    },
    /// An unknown-days record ([`PeriodRecord::unknown`]) gives uses or minutes.
    ///
    /// ```
    /// let e = teichaku_metrics::EventError::UnknownDaysWithUses;
    /// assert_eq!(e.to_string(), "`active_days` is unknown, so `count` and `minutes` must be empty");
    /// ```
    #[error("`active_days` is unknown, so `count` and `minutes` must be empty")]
    UnknownDaysWithUses,
    /// A period has fewer uses than active days.
    ///
    /// ```
    /// let e = teichaku_metrics::EventError::CountBelowActiveDays { count: 2, active_days: 3 };
    /// assert_eq!(e.to_string(), "`count` = 2 is less than `active_days` = 3: each active day has a use");
    /// ```
    #[error("`count` = {count} is less than `active_days` = {active_days}: each active day has a use")]
    CountBelowActiveDays {
        /// The uses given.
        count: u32,
        /// The active days given.
        active_days: u32,
    },
}

/// Why a store cannot be built.
///
/// ```
/// use teichaku_metrics::StoreError;
/// let e = StoreError::TooManyKinds { kinds: 70_000 };
/// assert!(e.to_string().contains("70000"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Usage event `index` of the document is unusable.
    #[error("usage event #{index}: {error}")]
    Event {
        /// Its position in `observations.usage`.
        index: usize,
        /// What is wrong.
        error: EventError,
    },
    /// The events span more days than a store holds.
    #[error("usage events span {first} to {last}, more than {MAX_DAY_SPAN} days")]
    DaySpan {
        /// The first day.
        first: NaiveDate,
        /// The last day.
        last: NaiveDate,
    },
    /// More distinct (task, tool) pairs than a store holds.
    #[error("usage events use {kinds} distinct task-and-tool pairs, more than {MAX_KINDS}")]
    TooManyKinds {
        /// How many were found.
        kinds: usize,
    },
    /// Two different day records for one member, day, task and tool: which one holds is not
    /// knowable, and adding them could count the same uses twice.
    ///
    /// ```
    /// let e = teichaku_metrics::StoreError::DayConflict {
    ///     member: "E001".into(), date: "2026-08-03".parse()?, task: None, tool: None,
    /// };
    /// assert_eq!(e.to_string(), "member `E001` has two different day records for 2026-08-03 (task -, tool -): keep one");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error(
        "member `{member}` has two different day records for {date} (task {}, tool {}): keep one",
        .task.as_ref().map_or("-", |t| t.as_str()),
        .tool.as_ref().map_or("-", |t| t.as_str())
    )]
    DayConflict {
        /// The member's key, e-mail address or uuid.
        member: String,
        /// The day.
        date: NaiveDate,
        /// The records' task.
        task: Option<TaskCategory>,
        /// The records' tool.
        tool: Option<ToolId>,
    },
    /// Two different period records of one member share a day.
    ///
    /// ```
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>();
    /// let e = teichaku_metrics::StoreError::PeriodOverlap {
    ///     member: "E001".into(), first: (d("2026-08-01")?, d("2026-08-31")?), second: (d("2026-08-03")?, d("2026-08-09")?),
    /// };
    /// assert_eq!(e.to_string(), "member `E001` has period records that overlap: 2026-08-01 to 2026-08-31 and 2026-08-03 to 2026-08-09");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("member `{member}` has period records that overlap: {} to {} and {} to {}", .first.0, .first.1, .second.0, .second.1)]
    PeriodOverlap {
        /// The member's key, e-mail address or uuid.
        member: String,
        /// The first period, start and end.
        first: (NaiveDate, NaiveDate),
        /// The second.
        second: (NaiveDate, NaiveDate),
    },
    /// An event or day record falls in a period record of the same member: the period's active
    /// days may or may not include it, so the day cannot be counted once.
    ///
    /// ```
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>();
    /// let e = teichaku_metrics::StoreError::MixedGranularity {
    ///     member: "E001".into(), date: d("2026-08-04")?, period: (d("2026-08-01")?, d("2026-08-31")?),
    /// };
    /// assert_eq!(e.to_string(), "member `E001` has usage on 2026-08-04 inside its period record 2026-08-01 to 2026-08-31: give one granularity per member and day");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("member `{member}` has usage on {date} inside its period record {} to {}: give one granularity per member and day", .period.0, .period.1)]
    MixedGranularity {
        /// The member's key, e-mail address or uuid.
        member: String,
        /// The day of the event or day record.
        date: NaiveDate,
        /// The period, start and end.
        period: (NaiveDate, NaiveDate),
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_numbers_at_or_past_the_member_count_are_refused_before_anything_is_allocated() {
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap_or_default();
        let at = Timestamp::from("2026-08-03T09:30:00Z");
        let mut builder = EventStoreBuilder::with_members(BTreeMap::new(), 3, UtcOffset::UTC);
        for member in [3, 4, 4_000_000_000, u32::MAX] {
            let refused = Err(EventError::MemberOutOfRange { member, members: 3 });
            assert_eq!(builder.push_parts(member, &at, 5.0, None, None, None), refused);
            assert_eq!(builder.push_local(member, day, 0, 500), refused);
        }
        assert!(builder.rows.is_empty() && builder.kinds.is_empty(), "a refused event leaves the builder unchanged");
        assert_eq!(builder.push_parts(2, &at, 5.0, Some(2.0), None, None), Ok(()));
        assert_eq!(builder.push_local(0, day, 0, 500), Ok(()));
        let store = builder.finish().unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(store.member_bound(), 3);
        assert_eq!(store.member_events(2).minutes, &[500]);
        assert_eq!(store.member_events(3).minutes, &[] as &[u32]);
    }

    #[test]
    fn members_are_labelled_as_the_keys_own_look_up_labels_them() {
        use teichaku_model::{MemberKeys, UnitId};
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap_or_default();
        let member = |n: u128| Member::new(MemberId::from_u128(n), UnitId::from_u128(1), day);
        let keys = |n: u128, key: Option<&str>, email: Option<&str>| MemberKeys {
            member: MemberId::from_u128(n),
            key: key.map(str::to_owned),
            email: email.map(str::to_owned),
        };
        let members: Vec<Member> = (0..5).map(member).collect();
        let aligned: Vec<MemberKeys> = vec![
            keys(0, Some("E0"), None),
            keys(1, None, Some("one@example.jp")),
            keys(2, Some("E2"), Some("two@example.jp")),
            keys(3, None, None),
            keys(4, Some("E4"), None),
        ];
        let mut shuffled = aligned.clone();
        shuffled.swap(0, 4);
        let mut repeated = aligned.clone();
        repeated.insert(0, keys(4, Some("first"), None));
        repeated.pop();
        let mut missing = aligned.clone();
        missing.remove(2);
        for list in [aligned, shuffled, repeated, missing, vec![]] {
            let keys = OrganisationKeys { members: list, units: vec![] };
            let expected: Vec<String> =
                members.iter().map(|m| keys.label(m.id).map_or_else(|| m.id.to_string(), str::to_owned)).collect();
            assert_eq!(member_labels(&members, &keys), expected, "{:?}", keys.members);
        }
    }

    /// A small deterministic generator (xorshift), so the test below draws many stores.
    struct Draw(u64);

    impl Draw {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    #[test]
    fn the_store_is_every_event_sorted_once_whatever_the_threads_and_partial_builders() {
        let tasks = ["email", "report", "minutes"].map(|t| TaskCategory::new(t).unwrap());
        for seed in 1..40u64 {
            let mut draw = Draw(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            // Members across several buckets, and events often repeated exactly; one seed in
            // five puts 15,000 events on a few members, so each partial builder's bucket fills
            // its first chunk and goes on in a large one.
            let crowded = seed % 5 == 0;
            let members = 1 + draw.below(if crowded { 50 } else { 3 * (1 << BUCKET_BITS) }) as u32;
            let mut whole = EventStoreBuilder::with_members(BTreeMap::new(), members, UtcOffset::UTC);
            let mut partials = vec![whole.partial(), whole.partial(), whole.partial()];
            // (member, day, millis, minutes, saved, task) of every event pushed.
            let mut pushed = Vec::new();
            let events = if crowded { 15_000 } else { draw.below(3_000) };
            assert!(!crowded || events / 3 > FIRST_CHUNK_ROWS as u64);
            for _ in 0..events {
                let member = draw.below(u64::from(members)) as u32;
                let (day, second) = (1 + draw.below(20), draw.below(3) * 7);
                let at = Timestamp::from(format!("2026-08-{day:02}T09:00:{second:02}Z"));
                let minutes = draw.below(4) as f64;
                let saved = (draw.below(3) == 0).then_some(1.5);
                let task = draw.below(4) as usize;
                let builder = partials.get_mut(draw.below(3) as usize).unwrap();
                builder.push_parts(member, &at, minutes, saved, tasks.get(task), None).unwrap();
                pushed.push((
                    member,
                    day as i32,
                    second as u32 * 1000,
                    minutes as u32 * 100,
                    saved.map_or(NO_SAVED, |_| 150),
                    task,
                ));
            }
            // Day records on some member-days with events (which they supersede) and others.
            let mut records = Vec::new();
            for _ in 0..draw.below(20) {
                let (member, day) = (draw.below(u64::from(members)) as u32, 1 + draw.below(20));
                let date = NaiveDate::from_ymd_opt(2026, 8, day as u32).unwrap();
                if records.contains(&(member, day as i32)) {
                    continue;
                }
                records.push((member, day as i32));
                let record = DayRecord::new(MemberId::from_u128(1), date).with_count(3).with_minutes(4.0);
                whole.push_day_parts(member, &record).unwrap();
            }
            for partial in partials {
                whole.absorb(partial);
            }
            let one = whole.clone().finish_on(1).unwrap();
            let three = whole.finish_on(3).unwrap();
            assert_eq!(one, three, "seed {seed}");

            // The reference: sort everything at once. Kinds are numbered in sorted order:
            // (None, None) < email < minutes < report, and task 3 is none.
            let kind = |task: usize| [1u16, 3, 2, 0].get(task).copied().unwrap();
            let mut expected: Vec<_> =
                pushed.iter().map(|&(m, d, ms, min, saved, task)| (m, d, ms, min, saved, kind(task))).collect();
            expected.sort_unstable();
            let before = expected.len();
            expected.dedup();
            let duplicates = (before - expected.len()) as u64;
            let day_of = |d: i32| day_number(NaiveDate::from_ymd_opt(2026, 8, d as u32).unwrap());
            expected.retain(|&(m, d, ..)| !records.contains(&(m, d)));
            assert_eq!(one.duplicates_dropped(), duplicates, "seed {seed}");
            assert_eq!(one.len(), expected.len(), "seed {seed}");
            assert_eq!(one.day_records(), records.len(), "seed {seed}");
            for m in 0..members {
                let events = one.member_events(m as usize);
                let mine: Vec<_> = (0..events.day.len())
                    .map(|i| {
                        let day = events.base_day + i32::from(events.day[i]);
                        (day, events.kind[i], events.minutes[i], events.saved[i])
                    })
                    .collect();
                let theirs: Vec<_> = expected
                    .iter()
                    .filter(|e| e.0 == m)
                    .map(|&(_, d, _, min, saved, kind)| (day_of(d), kind, min, saved))
                    .collect();
                assert_eq!(mine, theirs, "seed {seed}, member {m}");
                // The rollup: a row per day with events or a record, records counting 3 uses.
                let rollup = one.rollup(m as usize);
                let mut days: Vec<i32> = theirs.iter().map(|e| e.0).collect();
                days.extend(records.iter().filter(|r| r.0 == m).map(|r| day_of(r.1)));
                days.sort_unstable();
                days.dedup();
                let rolled: Vec<i32> = rollup.day.iter().map(|&d| rollup.base_day + i32::from(d)).collect();
                assert_eq!(rolled, days, "seed {seed}, member {m}");
                for (i, &day) in days.iter().enumerate() {
                    let uses = if records.iter().any(|r| r.0 == m && day_of(r.1) == day) {
                        3
                    } else {
                        theirs.iter().filter(|e| e.0 == day).count() as u32
                    };
                    assert_eq!(rollup.events[i], uses, "seed {seed}, member {m}, day {day}");
                }
            }
        }
    }

    #[test]
    fn a_builder_for_no_members_refuses_every_number() {
        let mut builder = EventStoreBuilder::with_members(BTreeMap::new(), 0, UtcOffset::UTC);
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap_or_default();
        assert_eq!(builder.push_local(0, day, 0, 1), Err(EventError::MemberOutOfRange { member: 0, members: 0 }));
        assert_eq!(builder.finish().map(|store| store.len()), Ok(0));
    }
}
