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
    DayRecord, MemberId, PeriodRecord, TaskCategory, Timestamp, ToolId, UsageEvent, UtcOffset, ValidSnapshot,
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
    day: Vec<u16>,
    kind: Vec<u16>,
    minutes: Vec<u32>,
    saved: Vec<u32>,
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
        self.day.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.day.is_empty()
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
        let bytes = self.day.capacity() * 2
            + self.kind.capacity() * 2
            + self.minutes.capacity() * 4
            + self.saved.capacity() * 4
            + self.starts.capacity() * 4
            + self.rollup_starts.capacity() * 4
            + self.rollup_day.capacity() * 2
            + self.rollup_events.capacity() * 4
            + self.rollup_minutes.capacity() * 8;
        bytes as f64 / self.len().max(1) as f64
    }

    /// The first and last local day holding an event.
    pub fn day_range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let first = self.day.iter().min()?;
        let last = self.day.iter().max()?;
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
        for (((&d, &k), &mins), &saved) in self.day.iter().zip(&self.kind).zip(&self.minutes).zip(&self.saved) {
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
        let (a, b) = match (self.starts.get(m), self.starts.get(m + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        MemberEvents {
            base_day: self.base_day,
            day: self.day.get(a..b).unwrap_or_default(),
            kind: self.kind.get(a..b).unwrap_or_default(),
            minutes: self.minutes.get(a..b).unwrap_or_default(),
            saved: self.saved.get(a..b).unwrap_or_default(),
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
    rows: Vec<Row>,
    /// Rows gathered elsewhere (a reader's blocks, partial builders), each chunk sized to its
    /// rows, with kinds already in this builder's numbering: never copied into `rows`, so no
    /// growing vector doubles their memory.
    chunks: Vec<Vec<Row>>,
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

/// One event as the builder holds it until [`EventStoreBuilder::finish`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Default)]
pub(crate) struct Row {
    pub(crate) member: u32,
    pub(crate) day: i32,
    pub(crate) millis: u32,
    pub(crate) minutes: u32,
    pub(crate) saved: u32,
    pub(crate) kind: u32,
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
        let keys = &snapshot.organisation().keys;
        builder.labels =
            Arc::new(list.iter().map(|m| keys.label(m.id).map_or_else(|| m.id.to_string(), str::to_owned)).collect());
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
            rows: Vec::new(),
            chunks: Vec::new(),
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
            rows: Vec::new(),
            chunks: Vec::new(),
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

    /// Adds rows already checked (members below the member count, minutes in range, kinds of this
    /// builder), kept as a chunk of their own.
    pub(crate) fn push_chunk(&mut self, chunk: Vec<Row>) {
        if !chunk.is_empty() {
            self.chunks.push(chunk);
        }
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
        let mut rows = other.rows;
        rows.shrink_to_fit();
        for mut chunk in std::iter::once(rows).chain(other.chunks) {
            for r in &mut chunk {
                r.kind = renumber.get(r.kind as usize).copied().unwrap_or(r.kind);
            }
            self.push_chunk(chunk);
        }
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

    /// Reserves room for `n` more events.
    pub fn reserve(&mut self, n: usize) {
        self.rows.reserve(n);
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
        self.rows.push(Row {
            member,
            day: day_number(local.date()),
            millis: millis.min(86_399_999),
            minutes,
            saved,
            kind,
        });
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
        self.rows.push(Row {
            member,
            day: day_number(day),
            millis: millis_of_day.min(86_399_999),
            minutes: minutes_centi.min(NO_SAVED - 1),
            saved: NO_SAVED,
            kind,
        });
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
            self.period_rows.push(PeriodRow {
                member,
                first,
                last,
                active: NO_COUNT,
                count: NO_COUNT,
                minutes: NO_COUNT,
            });
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
        let mut sources = self.chunks;
        sources.push(self.rows);
        let mut rows = sorted_rows(sources, &renumber);
        let before = rows.len();
        rows.dedup();
        let duplicates_dropped = (before - rows.len()) as u64;

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
        let mut superseded_events = 0;
        if !day_rows.is_empty() {
            // Both are sorted by member and day: walk them together.
            let mut covered = day_rows.iter().map(|d| (d.member, d.day)).peekable();
            rows.retain(|r| {
                while covered.next_if(|&c| c < (r.member, r.day)).is_some() {}
                let keep = covered.peek() != Some(&(r.member, r.day));
                superseded_events += u64::from(!keep);
                keep
            });
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
        if !period_rows.is_empty() {
            // A day with events or a day record inside a period of the same member would be
            // counted twice, or not knowably once.
            let days = rows.iter().map(|r| (r.member, r.day)).chain(day_rows.iter().map(|d| (d.member, d.day)));
            for (member, day) in days {
                let at = period_rows.partition_point(|p| (p.member, p.last) < (member, day));
                if let Some(p) = period_rows.get(at).filter(|p| p.member == member && p.first <= day) {
                    return Err(StoreError::MixedGranularity {
                        member: label(member),
                        date: date_of(day).unwrap_or_default(),
                        period: (date_of(p.first).unwrap_or_default(), date_of(p.last).unwrap_or_default()),
                    });
                }
            }
        }

        if !unknown_rows.is_empty() {
            period_rows = with_unknown_days(period_rows, &unknown_rows, &rows, &day_rows);
        }

        let days = rows.iter().map(|r| r.day).chain(day_rows.iter().map(|d| d.day));
        let (base_day, last_day) = days.fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
        let (base_day, last_day) = if base_day > last_day { (0, 0) } else { (base_day, last_day) };
        let period_span = period_rows.iter().fold(None, |span: Option<(i32, i32)>, p| {
            Some(span.map_or((p.first, p.last), |(lo, hi)| (lo.min(p.first), hi.max(p.last))))
        });
        let (span_lo, span_hi) = match period_span {
            Some((lo, hi)) if rows.is_empty() && day_rows.is_empty() => (lo, hi),
            Some((lo, hi)) => (lo.min(base_day), hi.max(last_day)),
            None => (base_day, last_day),
        };
        if i64::from(span_hi) - i64::from(span_lo) > i64::from(MAX_DAY_SPAN) {
            return Err(StoreError::DaySpan {
                first: date_of(span_lo).unwrap_or_default(),
                last: date_of(span_hi).unwrap_or_default(),
            });
        }
        let n = rows.len();
        let mut store = EventStore {
            base_day,
            day: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            minutes: Vec::with_capacity(n),
            saved: Vec::with_capacity(n),
            kinds,
            duplicates_dropped,
            starts: Vec::new(),
            rollup_starts: Vec::new(),
            rollup_day: Vec::new(),
            rollup_events: Vec::new(),
            rollup_minutes: Vec::new(),
            days: DayColumns::default(),
            periods: PeriodColumns::default(),
            day_duplicates_dropped,
            period_duplicates_dropped,
            superseded_events,
        };
        // Every member number was checked against the member count, so this is bounded by it.
        let members = [
            rows.last().map_or(0, |r| r.member as usize + 1),
            day_rows.last().map_or(0, |r| r.member as usize + 1),
            period_rows.last().map_or(0, |r| r.member as usize + 1),
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        // Events per member, shifted by one (`counts[m + 1]` for member `m`), then their running
        // total: where each member's run starts.
        store.starts = vec![0; members + 1];
        for r in &rows {
            if let Some(count) = store.starts.get_mut(r.member as usize + 1) {
                *count += 1;
            }
        }
        running_total(&mut store.starts);
        let mut rollup = Rollup { starts: vec![0; members + 1], ..Rollup::default() };
        if day_rows.is_empty() {
            for r in &rows {
                rollup.add(r.member, (r.day - base_day) as u16, 1, u64::from(r.minutes));
            }
        } else {
            // Events and day records never share a member-day (the events were superseded):
            // merge the two sorted runs.
            let mut events = rows.iter().peekable();
            let mut records = day_rows.iter().peekable();
            loop {
                let take_event = match (events.peek(), records.peek()) {
                    (Some(e), Some(d)) => (e.member, e.day) < (d.member, d.day),
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                if take_event {
                    if let Some(r) = events.next() {
                        rollup.add(r.member, (r.day - base_day) as u16, 1, u64::from(r.minutes));
                    }
                } else if let Some(d) = records.next() {
                    let uses = if d.count == NO_COUNT { 0 } else { d.count };
                    let minutes = if d.minutes == NO_COUNT { 0 } else { u64::from(d.minutes) };
                    rollup.add(d.member, (d.day - base_day) as u16, uses, minutes);
                }
            }
        }
        running_total(&mut rollup.starts);
        store.rollup_starts = rollup.starts;
        store.rollup_day = rollup.day;
        store.rollup_events = rollup.events;
        store.rollup_minutes = rollup.minutes;
        store.rollup_day.shrink_to_fit();
        store.rollup_events.shrink_to_fit();
        store.rollup_minutes.shrink_to_fit();
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
        for r in rows {
            store.day.push((r.day - base_day) as u16);
            store.kind.push(r.kind as u16);
            store.minutes.push(r.minutes);
            store.saved.push(r.saved);
        }
        Ok(store)
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

/// Every row of `sources`, kinds renumbered, sorted: grouped by member with a counting pass (each
/// source is freed once placed), then each member's run sorted on its own, which is much faster
/// than sorting all rows at once.
fn sorted_rows(sources: Vec<Vec<Row>>, renumber: &[u16]) -> Vec<Row> {
    let total: usize = sources.iter().map(Vec::len).sum();
    let members = sources.iter().flatten().map(|r| r.member as usize + 1).max().unwrap_or(0);
    // Where each member's run starts, then (while placing) where its next row goes.
    let mut next = vec![0usize; members + 1];
    for r in sources.iter().flatten() {
        if let Some(count) = next.get_mut(r.member as usize + 1) {
            *count += 1;
        }
    }
    let mut total_before = 0;
    for count in &mut next {
        total_before += *count;
        *count = total_before;
    }
    let starts = next.clone();
    let mut rows = vec![Row::default(); total];
    for source in sources {
        for mut r in source {
            r.kind = renumber.get(r.kind as usize).map_or(r.kind, |&k| u32::from(k));
            if let Some(at) = next.get_mut(r.member as usize) {
                if let Some(slot) = rows.get_mut(*at) {
                    *slot = r;
                }
                *at += 1;
            }
        }
    }
    for pair in starts.windows(2) {
        if let [a, b] = *pair {
            if let Some(run) = rows.get_mut(a..b) {
                run.sort_unstable();
            }
        }
    }
    rows
}

/// Replaces each count by the sum of it and those before it.
/// The known periods `periods` with the unknown days of `unknown` beside them: each member's
/// unknown-days records merged into spans, less every day the member's events, day records and
/// known periods settle (those days are known: a record says what happened on them).
fn with_unknown_days(
    mut periods: Vec<PeriodRow>,
    unknown: &[PeriodRow],
    rows: &[Row],
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
        let r = own(rows.partition_point(|r| r.member < member), rows.partition_point(|r| r.member <= member));
        settled.extend(rows.get(r).unwrap_or_default().iter().map(|r| (r.day, r.day)));
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
        let piece = |first: i32, last: i32| PeriodRow {
            member,
            first,
            last,
            active: NO_COUNT,
            count: NO_COUNT,
            minutes: NO_COUNT,
        };
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
    fn a_builder_for_no_members_refuses_every_number() {
        let mut builder = EventStoreBuilder::with_members(BTreeMap::new(), 0, UtcOffset::UTC);
        let day = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap_or_default();
        assert_eq!(builder.push_local(0, day, 0, 1), Err(EventError::MemberOutOfRange { member: 0, members: 0 }));
        assert_eq!(builder.finish().map(|store| store.len()), Ok(0));
    }
}
