//! Usage events and member-day and member-period records from Arrow record batches (a Parquet
//! file read by the caller, a pandas, Polars or PyArrow table), into an [`EventStoreBuilder`],
//! with the guarantees of the text readers: every row is stored or handed over as a [`BadLine`]
//! whose `line` is the row's number (from 1, counted across the batches), never dropped.
//!
//! The columns are named as in CSV ([`CSV_COLUMNS`], [`DAY_CSV_COLUMNS`],
//! [`PERIOD_CSV_COLUMNS`]), in any order; a column of another name is a
//! [`StreamError::BatchColumns`] (but pandas' index columns, `__index_level_0__` and the like,
//! which are ignored), and a column of a type it cannot hold a [`StreamError::ColumnType`]. Each
//! value is read as the CSV reader reads its text, so the same rows give the same store:
//!
//! | column | Arrow types |
//! | --- | --- |
//! | `member` | text (`Utf8`, `LargeUtf8`, `Utf8View`, or a dictionary of them), integers |
//! | `at` | text (RFC 3339), `Timestamp` of any unit: with a time zone an instant, without one a wall-clock time in the organisation's offset |
//! | `minutes`, `saved_minutes`, `count`, `active_days` | integers, floats, text |
//! | `date`, `start`, `end` | `Date32`, `Date64`, text (`YYYY-MM-DD`) |
//! | `task`, `tool` | text |
//!
//! A null is a missing value, as an empty CSV field is (and so is an empty text, and a float
//! NaN, which is how pandas writes a missing number). A count is a whole number from 0 whatever
//! the column's type: `2.5` is refused as in CSV, `3.0` is 3.

use std::borrow::Cow;
use std::fmt;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use chrono::DateTime;
use teichaku_model::{DayRecord, PeriodRecord};

use crate::records::{self, DAY_CSV_COLUMNS, Fields, PERIOD_CSV_COLUMNS};
use crate::store::EventStoreBuilder;
use crate::stream::{BadLine, CSV_COLUMNS, Columns, LineError, StreamError, StreamOptions};

/// Streams usage events (the columns of [`CSV_COLUMNS`], `member` and `at` required) from Arrow
/// record batches into `builder`, handing each row that cannot be stored to `on_bad_row` with
/// its number (from 1); returns how many events were stored.
///
/// # Errors
///
/// [`StreamError::BatchColumns`] or [`StreamError::ColumnType`] when a batch's columns are
/// unusable, [`StreamError::Read`] when the batches fail (with the row after the last read);
/// the events stored before stay in the builder.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampSecondArray};
/// use teichaku_metrics::{EventStoreBuilder, LineError, stream_event_batches};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let member = MemberId::from_key("E001");
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let at = TimestampSecondArray::from(vec![1_785_747_600, 1_785_751_200, 1_785_754_800]).with_timezone("UTC");
/// let batch = RecordBatch::try_from_iter([
///     ("member", Arc::new(StringArray::from(vec!["E001", "E001", "E002"])) as ArrayRef),
///     ("at", Arc::new(at) as ArrayRef),
///     ("minutes", Arc::new(Float64Array::from(vec![Some(12.0), None, Some(f64::NAN)])) as ArrayRef),
/// ])?;
/// let mut bad = Vec::new();
/// let stored = stream_event_batches([Ok::<_, arrow_schema::ArrowError>(batch)], &mut builder, |b| bad.push(b))?;
/// assert_eq!(stored, 2);
/// assert_eq!(bad[0].line, 3);
/// assert_eq!(bad[0].error, LineError::UnknownMemberKey { text: "E002".into() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_event_batches<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    on_bad_row: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    stream_event_batches_with(batches, builder, &StreamOptions::default(), on_bad_row)
}

/// [`stream_event_batches`] on `options.threads` threads: up to that many batches are read at
/// once, each into a partial builder of its own thread, while the caller's thread takes the
/// next ones from `batches` (`options.block_bytes` is not used). The rows handed over as bad,
/// in order and numbered, and the store built are the same whatever the count.
///
/// Typed columns are read on a fast path: timestamps as instants, numbers as numbers, a member
/// found by its canonical uuid or once per distinct key or dictionary value, kinds once per
/// distinct text. A row it cannot settle (a missing or out-of-range value, an unknown member, a
/// column of text in another form) is read as [`stream_event_batches`] reads every row, which
/// stores it or says what is wrong.
///
/// # Errors
///
/// As [`stream_event_batches`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
/// use teichaku_metrics::{EventStoreBuilder, StreamOptions, stream_event_batches_with};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let member = MemberId::from_u128(7);
/// let mut builder = EventStoreBuilder::with_members([(member, 0)].into(), 1, UtcOffset::UTC);
/// let batches = (0..4_i64).map(|day| {
///     let at = TimestampMicrosecondArray::from(vec![(1_785_747_600 + day * 86_400) * 1_000_000; 2]).with_timezone("UTC");
///     RecordBatch::try_from_iter([
///         ("member", Arc::new(StringArray::from(vec![member.to_string(), "E404".into()])) as ArrayRef),
///         ("at", Arc::new(at) as ArrayRef),
///         ("minutes", Arc::new(Float64Array::from(vec![12.5, 3.0])) as ArrayRef),
///     ])
/// });
/// let options = StreamOptions { threads: 2, ..StreamOptions::default() };
/// let mut bad = Vec::new();
/// let stored = stream_event_batches_with(batches, &mut builder, &options, |b| bad.push(b.line))?;
/// assert_eq!((stored, bad), (4, vec![2, 4, 6, 8]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_event_batches_with<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    options: &StreamOptions,
    mut on_bad_row: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let columns = Columns::of(&CSV_COLUMNS)?;
    typed::stream_events(batches, builder, &columns, options.threads, &mut on_bad_row)
}

/// What each of the event columns ([`CSV_COLUMNS`]) holds.
const EVENT_ROLES: [Role; 6] = [Role::Key, Role::Instant, Role::Number, Role::Text, Role::Text, Role::Number];

/// Every row of `batches` read on the general path alone (the fast path's tests compare the
/// two).
#[cfg(test)]
fn stream_event_batches_general<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    mut on_bad_row: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    // The fields of a row are laid out as `CSV_COLUMNS`, an absent column as an empty field.
    let columns = Columns::of(&CSV_COLUMNS)?;
    stream_batches(batches, (&CSV_COLUMNS, 2, &EVENT_ROLES), builder, &mut on_bad_row, &|fields, builder| {
        let record: Vec<&str> = fields.iter().map(|f| f.unwrap_or_default()).collect();
        columns.push(&record, builder)
    })
}

/// Streams member-day records (the columns of [`DAY_CSV_COLUMNS`], `member` and `date`
/// required) from Arrow record batches into `builder`, as [`stream_event_batches`] streams
/// events; exact duplicates and conflicts are dealt with when the builder finishes.
///
/// # Errors
///
/// As [`stream_event_batches`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Date32Array, Int64Array, RecordBatch, StringArray};
/// use teichaku_metrics::{EventStoreBuilder, stream_day_batches};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let mut builder = EventStoreBuilder::with_members([(MemberId::from_key("E001"), 0)].into(), 1, UtcOffset::UTC);
/// let batch = RecordBatch::try_from_iter([
///     ("member", Arc::new(StringArray::from(vec!["E001", "E001"])) as ArrayRef),
///     ("date", Arc::new(Date32Array::from(vec![20_668, 20_669])) as ArrayRef),
///     ("count", Arc::new(Int64Array::from(vec![Some(3), Some(-1)])) as ArrayRef),
/// ])?;
/// let mut bad = Vec::new();
/// let stored = stream_day_batches([Ok::<_, arrow_schema::ArrowError>(batch)], &mut builder, |b| bad.push(b))?;
/// assert_eq!(stored, 1);
/// assert_eq!(bad[0].to_string(), "line 2: count: not a whole number from 0: \"-1\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_day_batches<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    mut on_bad_row: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let roles = [Role::Key, Role::Day, Role::Number, Role::Number, Role::Text, Role::Text, Role::Number];
    let push = |b: &mut EventStoreBuilder, m: u32, r: &DayRecord| b.push_day_parts(m, r);
    stream_batches(batches, (&DAY_CSV_COLUMNS, 2, &roles), builder, &mut on_bad_row, &|fields, builder| {
        records::push_row(builder, fields, records::day_from_csv, &push)
    })
}

/// Streams member-period records (the columns of [`PERIOD_CSV_COLUMNS`], `member`, `start`,
/// `end` and `active_days` required) from Arrow record batches into `builder`, as
/// [`stream_event_batches`] streams events.
///
/// # Errors
///
/// As [`stream_event_batches`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt32Array};
/// use teichaku_metrics::{EventStoreBuilder, StreamError, stream_period_batches};
/// use teichaku_model::{MemberId, UtcOffset};
///
/// let mut builder = EventStoreBuilder::with_members([(MemberId::from_key("E001"), 0)].into(), 1, UtcOffset::UTC);
/// let batch = RecordBatch::try_from_iter([
///     ("member", Arc::new(StringArray::from(vec!["E001"])) as ArrayRef),
///     ("start", Arc::new(StringArray::from(vec!["2026-08-01"])) as ArrayRef),
///     ("end", Arc::new(StringArray::from(vec!["2026-08-31"])) as ArrayRef),
/// ])?;
/// let e = stream_period_batches([Ok::<_, arrow_schema::ArrowError>(batch)], &mut builder, |_| {});
/// assert_eq!(e.unwrap_err().to_string(), "no column `active_days`: expected member, start, end, active_days, count, minutes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream_period_batches<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    builder: &mut EventStoreBuilder,
    mut on_bad_row: impl FnMut(BadLine),
) -> Result<u64, StreamError> {
    let roles = [Role::Key, Role::Day, Role::Day, Role::Number, Role::Number, Role::Number];
    let push = |b: &mut EventStoreBuilder, m: u32, r: &PeriodRecord| b.push_period_parts(m, r);
    stream_batches(batches, (&PERIOD_CSV_COLUMNS, 4, &roles), builder, &mut on_bad_row, &|fields, builder| {
        records::push_row(builder, fields, records::period_from_csv, &push)
    })
}

/// What a column may hold, which decides the Arrow types it accepts and how a value is written
/// as the CSV reader's text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A member: text or an integer.
    Key,
    /// A slug: text.
    Text,
    /// A timestamp: text or an Arrow timestamp.
    Instant,
    /// A number: integers, floats or text.
    Number,
    /// A day: an Arrow date or text.
    Day,
}

impl Role {
    fn expected(self) -> &'static str {
        match self {
            Role::Key => "text or integers",
            Role::Text => "text",
            Role::Instant => "timestamps or text",
            Role::Number => "numbers or text",
            Role::Day => "dates or text",
        }
    }
}

/// One column's values as the CSV reader's text, by row; `None` for a missing value.
type Cells<'a> = Box<dyn Fn(usize) -> Option<Cow<'a, str>> + 'a>;

/// The driver shared by the three kinds: checks each batch's columns against `columns` (the
/// first `required` of them needed), reads each row's fields laid out as `columns` and hands
/// them to `push`.
fn stream_batches<E: fmt::Display>(
    batches: impl IntoIterator<Item = Result<RecordBatch, E>>,
    (columns, required, roles): (&'static [&'static str], usize, &[Role]),
    builder: &mut EventStoreBuilder,
    on_bad_row: &mut dyn FnMut(BadLine),
    push: &dyn Fn(&Fields<'_>, &mut EventStoreBuilder) -> Result<(), LineError>,
) -> Result<u64, StreamError> {
    let mut rows = 0u64;
    let mut stored = 0u64;
    for batch in batches {
        let batch = batch.map_err(|e| StreamError::Read { line: rows + 1, problem: e.to_string() })?;
        let cells = batch_cells(&batch, columns, required, roles)?;
        let mut texts: Vec<Option<Cow<'_, str>>> = Vec::with_capacity(columns.len());
        for row in 0..batch.num_rows() {
            rows += 1;
            texts.clear();
            texts.extend(cells.iter().map(|c| c.as_ref().and_then(|c| c(row))));
            let fields: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
            match push(&fields, builder) {
                Ok(()) => stored += 1,
                Err(error) => on_bad_row(BadLine { line: rows, error }),
            }
        }
    }
    Ok(stored)
}

/// Each of `columns`' values in `batch` (`None` where the batch lacks the column), after
/// checking the batch names no other column, none twice, and every required one.
fn batch_cells<'a>(
    batch: &'a RecordBatch,
    columns: &'static [&'static str],
    required: usize,
    roles: &[Role],
) -> Result<Vec<Option<Cells<'a>>>, StreamError> {
    let schema = batch.schema_ref();
    let expected = || columns.join(", ");
    let mut cells: Vec<Option<Cells<'a>>> = columns.iter().map(|_| None).collect();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name().as_str();
        if is_pandas_index(name) {
            continue;
        }
        let Some(at) = columns.iter().position(|c| *c == name) else {
            return Err(StreamError::BatchColumns {
                problem: format!("unknown column `{name}`"),
                expected: expected(),
            });
        };
        let slot = cells.get_mut(at).ok_or_else(|| StreamError::BatchColumns {
            problem: format!("unknown column `{name}`"),
            expected: expected(),
        })?;
        if slot.is_some() {
            return Err(StreamError::RepeatedColumn { column: name.to_owned() });
        }
        let role = roles.get(at).copied().unwrap_or(Role::Text);
        *slot = Some(cells_of(array.as_ref(), role).ok_or_else(|| StreamError::ColumnType {
            column: name.to_owned(),
            found: array.data_type().to_string(),
            expected: role.expected(),
        })?);
    }
    if let Some(missing) = columns.iter().zip(&cells).take(required).find(|(_, c)| c.is_none()) {
        return Err(StreamError::BatchColumns { problem: format!("no column `{}`", missing.0), expected: expected() });
    }
    Ok(cells)
}

/// Whether `name` is a column pandas writes for a data frame's index (`__index_level_0__`).
fn is_pandas_index(name: &str) -> bool {
    name.strip_prefix("__index_level_").and_then(|n| n.strip_suffix("__")).is_some_and(|n| n.parse::<u32>().is_ok())
}

/// The values of `array` as text for a column of `role`; `None` when the role takes no value of
/// its type.
fn cells_of(array: &dyn Array, role: Role) -> Option<Cells<'_>> {
    /// Integers and floats, written as Rust writes them (which reads back to the same number).
    macro_rules! numbers {
        ($type:ty) => {{
            let values = array.as_primitive::<$type>();
            Box::new(move |row| values.is_valid(row).then(|| Cow::Owned(values.value(row).to_string())))
        }};
    }
    /// Floats, NaN as missing.
    macro_rules! floats {
        ($type:ty) => {{
            let values = array.as_primitive::<$type>();
            Box::new(move |row| {
                let value = values.is_valid(row).then(|| values.value(row)).filter(|v| !v.is_nan())?;
                Some(Cow::Owned(value.to_string()))
            })
        }};
    }
    /// Timestamps as RFC 3339 text: with a time zone in UTC, without one as a local time.
    macro_rules! instants {
        ($type:ty, $per_second:expr, $zoned:expr) => {{
            let values = array.as_primitive::<$type>();
            let zoned = $zoned;
            Box::new(move |row| {
                let value: i64 = values.is_valid(row).then(|| values.value(row))?;
                let per_second: i64 = $per_second;
                let nanos = value.rem_euclid(per_second) * (1_000_000_000 / per_second);
                let text = match DateTime::from_timestamp(value.div_euclid(per_second), nanos as u32) {
                    Some(at) if zoned => at.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
                    Some(at) => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
                    None => format!("{value} {}", if per_second == 1 { "seconds" } else { "units" }),
                };
                Some(Cow::Owned(text))
            })
        }};
    }
    let number = matches!(role, Role::Number);
    let integer = matches!(role, Role::Number | Role::Key);
    let cells: Cells<'_> = match array.data_type() {
        DataType::Utf8 => {
            let values = array.as_string::<i32>();
            Box::new(move |row| values.is_valid(row).then(|| Cow::Borrowed(values.value(row))))
        }
        DataType::LargeUtf8 => {
            let values = array.as_string::<i64>();
            Box::new(move |row| values.is_valid(row).then(|| Cow::Borrowed(values.value(row))))
        }
        DataType::Utf8View => {
            let values = array.as_string_view();
            Box::new(move |row| values.is_valid(row).then(|| Cow::Borrowed(values.value(row))))
        }
        DataType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary_opt()?;
            let values = cells_of(dictionary.values().as_ref(), role)?;
            if dictionary.values().is_empty() {
                // No values, so every key is null (and `normalized_keys` would panic).
                return Some(Box::new(|_| None));
            }
            let keys = dictionary.normalized_keys();
            let valid = dictionary.keys();
            Box::new(move |row| if valid.is_valid(row) { values(*keys.get(row)?) } else { None })
        }
        DataType::Int8 if integer => numbers!(Int8Type),
        DataType::Int16 if integer => numbers!(Int16Type),
        DataType::Int32 if integer => numbers!(Int32Type),
        DataType::Int64 if integer => numbers!(Int64Type),
        DataType::UInt8 if integer => numbers!(UInt8Type),
        DataType::UInt16 if integer => numbers!(UInt16Type),
        DataType::UInt32 if integer => numbers!(UInt32Type),
        DataType::UInt64 if integer => numbers!(UInt64Type),
        DataType::Float32 if number => floats!(Float32Type),
        DataType::Float64 if number => floats!(Float64Type),
        DataType::Date32 if role == Role::Day => {
            let values = array.as_primitive::<Date32Type>();
            Box::new(move |row| {
                let value = values.is_valid(row).then(|| values.value(row))?;
                Some(Cow::Owned(match values.value_as_date(row) {
                    Some(day) => day.format("%Y-%m-%d").to_string(),
                    None => format!("day {value}"),
                }))
            })
        }
        DataType::Date64 if role == Role::Day => {
            let values = array.as_primitive::<Date64Type>();
            Box::new(move |row| {
                let value = values.is_valid(row).then(|| values.value(row))?;
                Some(Cow::Owned(match values.value_as_date(row) {
                    Some(day) => day.format("%Y-%m-%d").to_string(),
                    None => format!("{value} milliseconds"),
                }))
            })
        }
        DataType::Timestamp(unit, zone) if role == Role::Instant => {
            let zoned = zone.is_some();
            match unit {
                TimeUnit::Second => instants!(TimestampSecondType, 1, zoned),
                TimeUnit::Millisecond => instants!(TimestampMillisecondType, 1_000, zoned),
                TimeUnit::Microsecond => instants!(TimestampMicrosecondType, 1_000_000, zoned),
                TimeUnit::Nanosecond => instants!(TimestampNanosecondType, 1_000_000_000, zoned),
            }
        }
        _ => return None,
    };
    Some(cells)
}

mod typed;

#[cfg(test)]
mod tests;
