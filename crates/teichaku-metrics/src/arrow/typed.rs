//! The typed fast path of the Arrow event reader: timestamps read as instants, numbers as
//! numbers, members found by uuid or once per distinct key, kinds cached, on several threads.
//!
//! A row the fast path cannot settle (a null where a value is required, a value out of range, an
//! unknown member, a type it does not read) goes to the general path of [`super`], which reads
//! its values as the CSV reader reads their text: it stores the row or says what is wrong, so the
//! store and the bad rows are those of the general path alone.

use std::collections::HashMap;
use std::fmt;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{Array, GenericStringArray, RecordBatch, StringViewArray};
use arrow_schema::{DataType, TimeUnit};

use super::{Cells, EVENT_ROLES, batch_cells};
use crate::fast;
use crate::lookup::{Fnv, KeyedMembers, KindCache, MemberTable, MemberText, member_of_key};
use crate::store::{EventStoreBuilder, MAX_EVENT_MINUTES, NO_SAVED, Row};
use crate::stream::{BadLine, CSV_COLUMNS, Columns, LineError, StreamError};

/// Streams event batches on `threads` threads: up to `threads` batches are parsed at once, each
/// into the partial builder of its thread, while the caller's thread takes the next ones from
/// `batches`; the bad rows are handed over in order and numbered across the batches, and the
/// partial builders absorbed into `builder` at the end, also when the stream stops.
pub(super) fn stream_events<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    columns: &Columns,
    threads: usize,
    on_bad_row: &mut dyn FnMut(BadLine),
) -> Result<u64, StreamError> {
    let threads = threads.clamp(1, MAX_THREADS);
    let shared = Shared::new(builder, columns);
    let mut workers: Vec<Worker> = (0..threads).map(|_| Worker::new(builder.partial())).collect();
    let mut batches = batches.into_iter();
    let mut rows = 0u64;
    let mut stored = 0u64;
    let mut group = Group::read(&mut batches, threads, rows);
    let result = loop {
        let more = group.stop.is_none() && !group.ended;
        let after = rows + group.rows;
        let (parsed, next) = if threads == 1 {
            let parsed = group.batches.iter().map(|b| workers.first_mut().map(|w| w.parse(&shared, b))).collect();
            (parsed, more.then(|| Group::read(&mut batches, threads, after)))
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = workers
                    .iter_mut()
                    .zip(&group.batches)
                    .map(|(worker, batch)| {
                        let shared = &shared;
                        scope.spawn(move || worker.parse(shared, batch))
                    })
                    .collect();
                let next = more.then(|| Group::read(&mut batches, threads, after));
                let parsed: Vec<Option<Parsed>> = handles.into_iter().map(|h| h.join().ok()).collect();
                (parsed, next)
            })
        };
        let mut failed = None;
        for p in parsed {
            let Some(p) = p else {
                failed = Some(StreamError::Read { line: rows + 1, problem: "a reading thread stopped".into() });
                break;
            };
            for (at, error) in p.bad {
                on_bad_row(BadLine { line: rows + at, error });
            }
            rows += p.rows;
            stored += p.stored;
        }
        if let Some(e) = failed.or(group.stop) {
            break Err(e);
        }
        if group.ended {
            break Ok(stored);
        }
        group = next.unwrap_or_default();
    };
    for worker in workers {
        builder.absorb(worker.builder);
    }
    result
}

/// The most threads a stream is parsed on.
const MAX_THREADS: usize = 256;

/// Batches taken to be parsed at once, one per thread, with why the taking stopped.
#[derive(Default)]
struct Group {
    batches: Vec<RecordBatch>,
    /// Their rows.
    rows: u64,
    /// The batch after them failed or has unusable columns.
    stop: Option<StreamError>,
    /// The batches ended with these.
    ended: bool,
}

impl Group {
    /// Up to `threads` batches, the first after `rows_before` rows; a batch whose columns are
    /// unusable ends the group with its error, as the general path stops on it.
    fn read<E: fmt::Display>(
        batches: &mut impl Iterator<Item = Result<RecordBatch, E>>,
        threads: usize,
        rows_before: u64,
    ) -> Self {
        let mut group = Self { batches: Vec::with_capacity(threads), ..Self::default() };
        while group.batches.len() < threads {
            let line = rows_before + group.rows + 1;
            match batches.next() {
                None => {
                    group.ended = true;
                    break;
                }
                Some(Err(e)) => {
                    group.stop = Some(StreamError::Read { line, problem: e.to_string() });
                    break;
                }
                Some(Ok(batch)) => {
                    if let Err(e) = batch_cells(&batch, &CSV_COLUMNS, 2, &EVENT_ROLES) {
                        group.stop = Some(e);
                        break;
                    }
                    group.rows += batch.num_rows() as u64;
                    group.batches.push(batch);
                }
            }
        }
        group
    }
}

/// What one batch gave.
#[derive(Default)]
struct Parsed {
    rows: u64,
    stored: u64,
    /// The bad rows, by their number within the batch (from 1).
    bad: Vec<(u64, LineError)>,
}

/// What every thread reads with: the CSV columns, members by uuid, the organisation's offset.
struct Shared<'a> {
    columns: &'a Columns,
    members: MemberTable,
    offset_seconds: i64,
    member_count: u32,
}

impl<'a> Shared<'a> {
    fn new(builder: &EventStoreBuilder, columns: &'a Columns) -> Self {
        let count = builder.member_count();
        let members = MemberTable::new(
            builder.member_ids().filter(|&(_, n)| n < count).map(|(id, n)| (id.as_uuid().as_u128(), n)),
        );
        Self { columns, members, offset_seconds: builder.offset_seconds(), member_count: count }
    }
}

/// A member not found by the fast path.
const NO_MEMBER: u32 = u32::MAX;

/// A dictionary value not yet looked up.
const UNSEEN: u32 = u32::MAX - 1;

/// The most member keys and kinds a worker remembers by their text.
const MAX_CACHED: usize = 1 << 20;

/// One thread's reading state: its partial builder, members by key text and kinds by text.
struct Worker {
    builder: EventStoreBuilder,
    keyed: KeyedMembers,
    numbers: HashMap<i128, u32, Fnv>,
    kinds: KindCache,
    /// Each row's member in the batch, [`NO_MEMBER`] when the fast path did not find it.
    members: Vec<u32>,
}

impl Worker {
    fn new(builder: EventStoreBuilder) -> Self {
        Self {
            builder,
            keyed: KeyedMembers::default(),
            numbers: HashMap::default(),
            kinds: KindCache::default(),
            members: Vec::new(),
        }
    }

    /// Parses one batch: each row on the fast path, or the general path when the fast one
    /// cannot settle it.
    fn parse(&mut self, shared: &Shared<'_>, batch: &RecordBatch) -> Parsed {
        let n = batch.num_rows();
        let mut parsed = Parsed { rows: n as u64, ..Parsed::default() };
        let column = |name: &str| batch.column_by_name(name).map(|a| a.as_ref());
        self.find_members(shared, column("member"), n);
        let at = Instants::of(column("at"));
        let minutes = Numbers::of(column("minutes"));
        let saved = Numbers::of(column("saved_minutes"));
        let task = Texts::of_column(column("task"));
        let tool = Texts::of_column(column("tool"));
        let mut kinds = DictKinds::of(&task, &tool);
        let mut general: Option<Vec<Option<Cells<'_>>>> = None;
        let members = std::mem::take(&mut self.members);
        for (row, &member) in members.iter().enumerate() {
            let fast = (member != NO_MEMBER)
                .then(|| {
                    let (day, millis) = at.local(row, shared.offset_seconds)?;
                    let minutes = minutes.centi(row, 0)?;
                    let saved = saved.centi(row, NO_SAVED)?;
                    let kind = kinds.kind(row, &task, &tool, &mut self.kinds, &mut self.builder)?;
                    Some(Row { day, millis, minutes, saved, kind: kind.min(u32::from(u16::MAX)) as u16, member: 0 })
                })
                .flatten();
            let outcome = match fast {
                Some(r) => {
                    self.builder.push_row(member, r);
                    Ok(())
                }
                None => self.general(shared, batch, &mut general, row),
            };
            match outcome {
                Ok(()) => parsed.stored += 1,
                Err(error) => parsed.bad.push((row as u64 + 1, error)),
            }
        }
        self.members = members;
        parsed
    }

    /// Reads row `row` on the general path, as the CSV reader reads its values' text.
    fn general<'b>(
        &mut self,
        shared: &Shared<'_>,
        batch: &'b RecordBatch,
        cells: &mut Option<Vec<Option<Cells<'b>>>>,
        row: usize,
    ) -> Result<(), LineError> {
        let cells = match cells {
            Some(cells) => cells,
            // The columns were checked before the batch was handed over, so this does not fail.
            None => cells.insert(batch_cells(batch, &CSV_COLUMNS, 2, &EVENT_ROLES).unwrap_or_default()),
        };
        let texts: Vec<Option<std::borrow::Cow<'_, str>>> =
            cells.iter().map(|c| c.as_ref().and_then(|c| c(row))).collect();
        let record: Vec<&str> = texts.iter().map(|t| t.as_deref().unwrap_or_default()).collect();
        shared.columns.push(&record, &mut self.builder)
    }

    /// Fills [`Worker::members`] with each row's member number: canonical uuids looked up in
    /// the table (parsed first, then looked up in a loop of their own, so that the cache misses
    /// overlap), other keys once per distinct text or dictionary value.
    fn find_members(&mut self, shared: &Shared<'_>, array: Option<&dyn Array>, n: usize) {
        self.members.clear();
        self.members.resize(n, NO_MEMBER);
        let Some(array) = array else { return };
        if let Some(texts) = Strings::of(array) {
            // What each row's text is first, then the look-ups of uuids and of keys met before in
            // a loop of their own (so that their cache misses overlap), then the keys not met.
            let found: Vec<MemberText> =
                (0..n).map(|row| texts.get(row).map_or(MemberText::Unread, |t| MemberText::of(t.as_bytes()))).collect();
            let mut unmet = false;
            for (slot, &text) in self.members.iter_mut().zip(&found) {
                *slot = self.keyed.find(&shared.members, text).unwrap_or(NO_MEMBER);
                unmet |= *slot == NO_MEMBER && matches!(text, MemberText::Short(_) | MemberText::Long);
            }
            if unmet {
                for ((slot, text), row) in self.members.iter_mut().zip(&found).zip(0..) {
                    if *slot == NO_MEMBER && matches!(text, MemberText::Short(_) | MemberText::Long) {
                        let text = texts.get(row).unwrap_or_default();
                        *slot = self.keyed.get(text.as_bytes(), &self.builder).unwrap_or(NO_MEMBER);
                    }
                }
            }
            return;
        }
        let count = shared.member_count;
        let builder = &self.builder;
        let keyed = &mut self.keyed;
        let mut by_text = |text: &str| -> u32 { keyed.get(text.as_bytes(), builder).unwrap_or(NO_MEMBER) };
        let mut by_uuid_or_text = |text: &str| match fast::uuid(text.as_bytes()) {
            Some(id) => shared.members.get(id).unwrap_or(NO_MEMBER),
            None => by_text(text),
        };
        if let Some(dictionary) = array.as_any_dictionary_opt() {
            // Without values every key is null (and `normalized_keys` would panic).
            let Some(values) = Strings::of(dictionary.values().as_ref()).filter(|v| v.len() > 0) else { return };
            let valid = dictionary.keys();
            let mut found = vec![UNSEEN; values.len()];
            for ((slot, key), row) in self.members.iter_mut().zip(dictionary.normalized_keys()).zip(0..) {
                if !valid.is_valid(row) {
                    continue;
                }
                let Some(m) = found.get_mut(key) else { continue };
                if *m == UNSEEN {
                    *m = values.get(key).map_or(NO_MEMBER, &mut by_uuid_or_text);
                }
                *slot = *m;
            }
        } else {
            let numbers = &mut self.numbers;
            let Some(integers) = Integers::of(array) else { return };
            for (row, slot) in self.members.iter_mut().enumerate() {
                let Some(value) = integers.get(row) else { continue };
                *slot = match numbers.get(&value) {
                    Some(&m) => m,
                    None => {
                        let m = member_of_key(&value.to_string(), builder, count).unwrap_or(NO_MEMBER);
                        if m != NO_MEMBER && numbers.len() < MAX_CACHED {
                            numbers.insert(value, m);
                        }
                        m
                    }
                };
            }
        }
    }
}

/// A text column of any of Arrow's three layouts.
enum Strings<'a> {
    Small(&'a GenericStringArray<i32>),
    Large(&'a GenericStringArray<i64>),
    View(&'a StringViewArray),
}

impl<'a> Strings<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        Some(match array.data_type() {
            DataType::Utf8 => Self::Small(array.as_string::<i32>()),
            DataType::LargeUtf8 => Self::Large(array.as_string::<i64>()),
            DataType::Utf8View => Self::View(array.as_string_view()),
            _ => return None,
        })
    }

    /// The text of row `row`, `None` if null.
    #[inline(always)]
    fn get(&self, row: usize) -> Option<&'a str> {
        match self {
            Self::Small(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            Self::Large(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
            Self::View(a) => (row < a.len() && a.is_valid(row)).then(|| a.value(row)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Small(a) => a.len(),
            Self::Large(a) => a.len(),
            Self::View(a) => a.len(),
        }
    }
}

/// An integer column of any width, as wide integers.
struct Integers<'a> {
    array: &'a dyn Array,
}

impl<'a> Integers<'a> {
    fn of(array: &'a dyn Array) -> Option<Self> {
        array.data_type().is_integer().then_some(Self { array })
    }

    /// The value of row `row`, `None` if null.
    fn get(&self, row: usize) -> Option<i128> {
        let a = self.array;
        if row >= a.len() || !a.is_valid(row) {
            return None;
        }
        Some(match a.data_type() {
            DataType::Int8 => i128::from(a.as_primitive::<Int8Type>().value(row)),
            DataType::Int16 => i128::from(a.as_primitive::<Int16Type>().value(row)),
            DataType::Int32 => i128::from(a.as_primitive::<Int32Type>().value(row)),
            DataType::Int64 => i128::from(a.as_primitive::<Int64Type>().value(row)),
            DataType::UInt8 => i128::from(a.as_primitive::<UInt8Type>().value(row)),
            DataType::UInt16 => i128::from(a.as_primitive::<UInt16Type>().value(row)),
            DataType::UInt32 => i128::from(a.as_primitive::<UInt32Type>().value(row)),
            DataType::UInt64 => i128::from(a.as_primitive::<UInt64Type>().value(row)),
            _ => return None,
        })
    }
}

/// The first and last seconds (1900-01-01T00:00:00 and 2199-12-31T23:59:59) of the instants
/// the fast path reads; the general path reads the others.
pub(super) const INSTANT_SECONDS: std::ops::RangeInclusive<i64> = -2_208_988_800..=7_258_118_399;

/// The `at` column as the fast path reads it.
enum Instants<'a> {
    /// Arrow timestamps: the values, in `unit`; with a time zone
    /// instants, without one wall-clock times in the organisation's offset.
    Stamps { values: &'a [i64], array: &'a dyn Array, unit: TimeUnit, zoned: bool },
    /// RFC 3339 text.
    Text(Strings<'a>),
    /// Anything else, read by the general path.
    Other,
}

impl<'a> Instants<'a> {
    fn of(array: Option<&'a dyn Array>) -> Self {
        let Some(array) = array else { return Self::Other };
        match array.data_type() {
            DataType::Timestamp(unit, zone) => {
                let values: &[i64] = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().values(),
                    TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().values(),
                    TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().values(),
                    TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().values(),
                };
                Self::Stamps { values, array, unit: *unit, zoned: zone.is_some() }
            }
            _ => Strings::of(array).map_or(Self::Other, Self::Text),
        }
    }

    /// Row `row`'s local day number and milliseconds into it, in an organisation
    /// `offset_seconds` east of UTC.
    #[inline]
    fn local(&self, row: usize, offset_seconds: i64) -> Option<(i32, u32)> {
        match self {
            Self::Stamps { values, array, unit, zoned } => {
                let value = *values.get(row)?;
                if !array.is_valid(row) {
                    return None;
                }
                let offset = if *zoned { offset_seconds } else { 0 };
                // Each unit on its own, so that every division is by a constant (a
                // multiplication) rather than by a number read at run time, a row.
                match unit {
                    TimeUnit::Second => stamp_local::<1>(value, offset),
                    TimeUnit::Millisecond => stamp_local::<1_000>(value, offset),
                    TimeUnit::Microsecond => stamp_local::<1_000_000>(value, offset),
                    TimeUnit::Nanosecond => stamp_local::<1_000_000_000>(value, offset),
                }
            }
            Self::Text(texts) => fast::timestamp(texts.get(row)?.as_bytes(), offset_seconds),
            Self::Other => None,
        }
    }
}

/// The local day number and milliseconds into it of a timestamp `value` in units of
/// `1 / PER_SECOND` seconds (1, 1,000, 1,000,000 or 1,000,000,000), `offset_seconds` east of
/// UTC; `None` outside [`INSTANT_SECONDS`].
#[inline(always)]
fn stamp_local<const PER_SECOND: i64>(value: i64, offset_seconds: i64) -> Option<(i32, u32)> {
    let seconds = value.div_euclid(PER_SECOND);
    if !INSTANT_SECONDS.contains(&seconds) {
        return None;
    }
    let nanos = value.rem_euclid(PER_SECOND) * (1_000_000_000 / PER_SECOND);
    let local = seconds + offset_seconds;
    let day = i32::try_from(local.div_euclid(86_400)).ok()?;
    let millis = local.rem_euclid(86_400) * 1_000 + nanos / 1_000_000;
    Some((day, u32::try_from(millis).ok()?.min(86_399_999)))
}

/// A minutes column as the fast path reads it.
enum Numbers<'a> {
    /// No such column: every value missing.
    Absent,
    Float64 {
        values: &'a [f64],
        array: &'a dyn Array,
    },
    /// Floats of 32 bits, integers: read one value at a time.
    Other(&'a dyn Array),
    /// Text with at most two decimals.
    Text(Strings<'a>),
    /// A type read by the general path.
    Unread,
}

impl<'a> Numbers<'a> {
    fn of(array: Option<&'a dyn Array>) -> Self {
        let Some(array) = array else { return Self::Absent };
        match array.data_type() {
            DataType::Float64 => Self::Float64 { values: array.as_primitive::<Float64Type>().values(), array },
            DataType::Float32 => Self::Other(array),
            t if t.is_integer() => Self::Other(array),
            _ => Strings::of(array).map_or(Self::Unread, Self::Text),
        }
    }

    /// Row `row`'s minutes in hundredths, `missing` for a missing value; `None` when the
    /// general path must read it.
    #[inline]
    fn centi(&self, row: usize, missing: u32) -> Option<u32> {
        let value = match self {
            Self::Absent => return Some(missing),
            Self::Float64 { values, array } => {
                let value = *values.get(row)?;
                if !array.is_valid(row) || value.is_nan() {
                    return Some(missing);
                }
                value
            }
            Self::Other(array) => {
                if row >= array.len() {
                    return None;
                }
                if !array.is_valid(row) {
                    return Some(missing);
                }
                match array.data_type() {
                    // As the general path writes it, then reads the text.
                    DataType::Float32 => {
                        let value = array.as_primitive::<Float32Type>().value(row);
                        if value.is_nan() {
                            return Some(missing);
                        }
                        value.to_string().parse::<f64>().ok()?
                    }
                    // Rust's conversion rounds to the nearest float as reading the digits does.
                    _ => Integers::of(*array)?.get(row)? as f64,
                }
            }
            Self::Text(texts) => match texts.get(row) {
                None | Some("") => return Some(missing),
                Some(text) => return fast::centi(text.as_bytes()),
            },
            Self::Unread => return None,
        };
        // As `EventStoreBuilder::push_parts` reads it.
        (0.0..=MAX_EVENT_MINUTES).contains(&value).then(|| (value * 100.0).round() as u32)
    }
}

/// A task or tool column as the fast path reads it.
enum Texts<'a> {
    Absent,
    Plain(Strings<'a>),
    /// Dictionary-encoded text: each row's key, the values.
    Dictionary {
        keys: Vec<usize>,
        array: &'a dyn Array,
        values: Strings<'a>,
    },
    /// A type read by the general path.
    Unread,
}

impl<'a> Texts<'a> {
    fn of_column(array: Option<&'a dyn Array>) -> Self {
        let Some(array) = array else { return Self::Absent };
        if let Some(strings) = Strings::of(array) {
            return Self::Plain(strings);
        }
        let Some(dictionary) = array.as_any_dictionary_opt() else { return Self::Unread };
        match Strings::of(dictionary.values().as_ref()) {
            // Without values every key is null: every value missing.
            Some(values) if values.len() == 0 => Self::Absent,
            Some(values) => Self::Dictionary { keys: dictionary.normalized_keys(), array, values },
            None => Self::Unread,
        }
    }

    /// Row `row`'s text, empty when missing; `None` when the general path must read it.
    #[inline(always)]
    fn get(&self, row: usize) -> Option<&'a [u8]> {
        match self {
            Self::Absent => Some(&[]),
            Self::Plain(strings) => Some(strings.get(row).map_or(&[][..], str::as_bytes)),
            Self::Dictionary { keys, array, values } => {
                if !array.is_valid(row) {
                    return Some(&[]);
                }
                Some(values.get(*keys.get(row)?).map_or(&[][..], str::as_bytes))
            }
            Self::Unread => None,
        }
    }

    /// Row `row`'s place among the column's distinct values (0 for a missing value, then
    /// 1 + the dictionary key), with their number; `None` unless the column is absent or a
    /// dictionary.
    #[inline]
    fn place(&self, row: usize) -> Option<usize> {
        match self {
            Self::Absent => Some(0),
            Self::Dictionary { keys, array, .. } => Some(if array.is_valid(row) { keys.get(row)? + 1 } else { 0 }),
            _ => None,
        }
    }

    fn places(&self) -> Option<usize> {
        match self {
            Self::Absent => Some(1),
            Self::Dictionary { values, .. } => Some(values.len() + 1),
            _ => None,
        }
    }
}

/// Kinds by the places of a batch's task and tool values, when both columns are absent or
/// dictionaries (then a row's kind is one look-up); otherwise kinds by text.
struct DictKinds {
    /// By task place times the tool places plus tool place: [`UNSEEN`], [`NO_MEMBER`] for a
    /// pair the general path must read, or the kind.
    kinds: Option<(Vec<u32>, usize)>,
}

/// The most (task, tool) pairs of dictionary values a batch's kinds are kept for.
const MAX_DICT_KINDS: usize = 1 << 16;

impl DictKinds {
    fn of(task: &Texts<'_>, tool: &Texts<'_>) -> Self {
        let kinds = match (task.places(), tool.places()) {
            (Some(a), Some(b)) if a.saturating_mul(b) <= MAX_DICT_KINDS => Some((vec![UNSEEN; a * b], b)),
            _ => None,
        };
        Self { kinds }
    }

    /// Row `row`'s kind in `builder`, `None` when its task or tool is not a slug.
    #[inline]
    fn kind(
        &mut self,
        row: usize,
        task: &Texts<'_>,
        tool: &Texts<'_>,
        cache: &mut KindCache,
        builder: &mut EventStoreBuilder,
    ) -> Option<u32> {
        let Some((kinds, width)) = &mut self.kinds else {
            return cache.kind(task.get(row)?, tool.get(row)?, builder);
        };
        let slot = kinds.get_mut(task.place(row)? * *width + tool.place(row)?)?;
        if *slot == UNSEEN {
            *slot = cache.kind(task.get(row)?, tool.get(row)?, builder).unwrap_or(NO_MEMBER);
        }
        (*slot != NO_MEMBER).then_some(*slot)
    }
}
