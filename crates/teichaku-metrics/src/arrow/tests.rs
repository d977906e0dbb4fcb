//! Arrow rows read as their CSV text is read: the same store, the same bad rows.

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float32Array, Float64Array, Int32Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, StringViewArray, TimestampMillisecondArray, TimestampNanosecondArray,
    UInt32Array, types::Int8Type,
};
use arrow_schema::ArrowError;
use teichaku_model::{MemberId, UtcOffset};

use super::*;
use crate::{EventFormat, stream_day_records, stream_events, stream_period_records};

fn builder() -> EventStoreBuilder {
    let members = [(MemberId::from_key("E001"), 0), (MemberId::from_key("e002@example.com"), 1)].into();
    EventStoreBuilder::with_members(members, 2, UtcOffset::from_minutes(540).unwrap())
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn ok(batches: Vec<RecordBatch>) -> Vec<Result<RecordBatch, ArrowError>> {
    batches.into_iter().map(Ok).collect()
}

/// A reader of batches into a builder, keeping the bad rows.
type ReadBatches =
    fn(Vec<Result<RecordBatch, ArrowError>>, &mut EventStoreBuilder, &mut Vec<BadLine>) -> Result<u64, StreamError>;

/// A reader of CSV text into a builder, keeping the bad lines.
type ReadText = fn(&[u8], &mut EventStoreBuilder, &mut Vec<BadLine>) -> Result<u64, StreamError>;

/// Reads batches with `read`, and the CSV with `text`: the counts, the bad rows (by row) and
/// the stores must match, the CSV's line numbers being one more for its header.
fn same_as_csv(batches: Vec<RecordBatch>, csv: &str, read: ReadBatches, text: ReadText) -> Vec<BadLine> {
    let (mut from_arrow, mut from_csv) = (builder(), builder());
    let (mut bad_arrow, mut bad_csv) = (Vec::new(), Vec::new());
    let stored = read(ok(batches), &mut from_arrow, &mut bad_arrow).unwrap();
    assert_eq!(stored, text(csv.as_bytes(), &mut from_csv, &mut bad_csv).unwrap());
    let csv_rows: Vec<BadLine> = bad_csv.into_iter().map(|b| BadLine { line: b.line - 1, error: b.error }).collect();
    assert_eq!(bad_arrow, csv_rows);
    assert_eq!(from_arrow.finish().unwrap(), from_csv.finish().unwrap());
    bad_arrow
}

fn events(
    b: Vec<Result<RecordBatch, ArrowError>>,
    builder: &mut EventStoreBuilder,
    bad: &mut Vec<BadLine>,
) -> Result<u64, StreamError> {
    stream_event_batches(b, builder, |l| bad.push(l))
}

fn events_csv(t: &[u8], builder: &mut EventStoreBuilder, bad: &mut Vec<BadLine>) -> Result<u64, StreamError> {
    stream_events(t, EventFormat::Csv, builder, |l| bad.push(l))
}

fn days(
    b: Vec<Result<RecordBatch, ArrowError>>,
    builder: &mut EventStoreBuilder,
    bad: &mut Vec<BadLine>,
) -> Result<u64, StreamError> {
    stream_day_batches(b, builder, |l| bad.push(l))
}

fn days_csv(t: &[u8], builder: &mut EventStoreBuilder, bad: &mut Vec<BadLine>) -> Result<u64, StreamError> {
    stream_day_records(t, EventFormat::Csv, builder, |l| bad.push(l))
}

fn periods(
    b: Vec<Result<RecordBatch, ArrowError>>,
    builder: &mut EventStoreBuilder,
    bad: &mut Vec<BadLine>,
) -> Result<u64, StreamError> {
    stream_period_batches(b, builder, |l| bad.push(l))
}

fn periods_csv(t: &[u8], builder: &mut EventStoreBuilder, bad: &mut Vec<BadLine>) -> Result<u64, StreamError> {
    stream_period_records(t, EventFormat::Csv, builder, |l| bad.push(l))
}

#[test]
fn events_of_every_column_type_read_as_their_csv_text() {
    // 2026-08-03T00:00:00Z in milliseconds, then 09:30:00.250 on the same day.
    let midnight = 1_785_715_200_000_i64;
    let at = TimestampMillisecondArray::from(vec![
        Some(midnight),
        Some(midnight + 34_200_250),
        None,
        Some(midnight + 86_400_000),
        Some(midnight),
    ])
    .with_timezone("Asia/Tokyo");
    let task: DictionaryArray<Int8Type> =
        vec![Some("mail"), None, Some("mail"), Some("Not A Slug"), Some("")].into_iter().collect();
    let first = batch(vec![
        ("task", Arc::new(task) as ArrayRef),
        ("member", Arc::new(StringArray::from(vec!["E001", "E002@example.com", "E001", "E001", "nobody"]))),
        ("at", Arc::new(at)),
        ("minutes", Arc::new(Float64Array::from(vec![Some(1.5), Some(f64::NAN), None, Some(2.0), Some(3.0)]))),
        ("__index_level_0__", Arc::new(Int64Array::from(vec![7, 8, 9, 10, 11]))),
    ]);
    // A second batch with other types for the same columns: wall-clock times in the
    // organisation's offset (+09:00), text minutes, a large-string member.
    let local = TimestampNanosecondArray::from(vec![Some(1_785_747_600_000_000_000), Some(1_785_747_600_000_000_000)]);
    let second = batch(vec![
        ("member", Arc::new(LargeStringArray::from(vec![" E001 ", "E001"])) as ArrayRef),
        ("at", Arc::new(local)),
        ("minutes", Arc::new(StringArray::from(vec![Some("ten"), Some("-1")]))),
        ("task", Arc::new(StringArray::from(vec![None::<&str>, Some("chat")]))),
    ]);
    let csv = "task,member,at,minutes\n\
               mail,E001,2026-08-03T00:00:00Z,1.5\n\
               ,E002@example.com,2026-08-03T09:30:00.250Z,\n\
               mail,E001,,\n\
               Not A Slug,E001,2026-08-04T00:00:00Z,2\n\
               ,nobody,2026-08-03T00:00:00Z,3\n\
               , E001 ,2026-08-03T09:00:00,ten\n\
               chat,E001,2026-08-03T09:00:00,-1\n";
    let bad = same_as_csv(vec![first, second], csv, events, events_csv);
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3, 4, 5, 6, 7]);
    assert_eq!(bad[0].error, LineError::MissingTimestamp);
    assert_eq!(bad[3].error, LineError::NotANumber { column: "minutes", text: "ten".into() });
}

#[test]
fn integer_members_and_view_strings() {
    let members = [(MemberId::from_key("1001"), 0)].into();
    let mut b = EventStoreBuilder::with_members(members, 1, UtcOffset::UTC);
    let rows = batch(vec![
        ("member", Arc::new(UInt32Array::from(vec![1001, 1002])) as ArrayRef),
        ("at", Arc::new(StringViewArray::from(vec!["2026-08-03T09:00:00Z", "2026-08-03T09:00:00Z"]))),
        ("saved_minutes", Arc::new(Float32Array::from(vec![0.1, 0.2]))),
    ]);
    let mut bad = Vec::new();
    assert_eq!(stream_event_batches(ok(vec![rows]), &mut b, |l| bad.push(l)), Ok(1));
    assert_eq!(bad, [BadLine { line: 2, error: LineError::UnknownMemberKey { text: "1002".into() } }]);
}

#[test]
fn unusable_columns_stop_the_stream_naming_the_column() {
    let member = || Arc::new(StringArray::from(vec!["E001"])) as ArrayRef;
    let at = || Arc::new(StringArray::from(vec!["2026-08-03T09:00:00Z"])) as ArrayRef;
    let run = |columns: Vec<(&str, ArrayRef)>| stream_event_batches(ok(vec![batch(columns)]), &mut builder(), |_| {});
    assert_eq!(
        run(vec![
            ("member", member()),
            ("minutes", Arc::new(BooleanArray::from(vec![true])) as ArrayRef),
            ("at", at())
        ]),
        Err(StreamError::ColumnType { column: "minutes".into(), found: "Boolean".into(), expected: "numbers or text" })
    );
    assert_eq!(
        run(vec![("member", member()), ("at", Arc::new(Date32Array::from(vec![1])) as ArrayRef)]),
        Err(StreamError::ColumnType { column: "at".into(), found: "Date32".into(), expected: "timestamps or text" })
    );
    assert_eq!(
        run(vec![("member", member())]),
        Err(StreamError::BatchColumns { problem: "no column `at`".into(), expected: CSV_COLUMNS.join(", ") })
    );
    assert_eq!(
        run(vec![("member", member()), ("at", at()), ("colour", member())]),
        Err(StreamError::BatchColumns { problem: "unknown column `colour`".into(), expected: CSV_COLUMNS.join(", ") })
    );
    let repeated = RecordBatch::try_new(
        Arc::new(arrow_schema::Schema::new(vec![
            arrow_schema::Field::new("member", DataType::Utf8, false),
            arrow_schema::Field::new("at", DataType::Utf8, false),
            arrow_schema::Field::new("at", DataType::Utf8, false),
        ])),
        vec![member(), at(), at()],
    )
    .unwrap();
    assert_eq!(
        stream_event_batches(ok(vec![repeated]), &mut builder(), |_| {}),
        Err(StreamError::RepeatedColumn { column: "at".into() })
    );
}

#[test]
fn a_failing_batch_stops_the_stream_after_the_rows_read() {
    let rows = batch(vec![
        ("member", Arc::new(StringArray::from(vec!["E001", "E001"])) as ArrayRef),
        ("at", Arc::new(StringArray::from(vec!["2026-08-03T09:00:00Z", "2026-08-04T09:00:00Z"]))),
    ]);
    let batches = vec![Ok(rows), Err(ArrowError::ParquetError("page gone".into()))];
    let mut b = builder();
    let result = stream_event_batches(batches, &mut b, |_| {});
    assert_eq!(result, Err(StreamError::Read { line: 3, problem: "Parquet argument error: page gone".into() }));
    assert_eq!(b.finish().unwrap().len(), 2);
}

#[test]
fn day_records_read_as_their_csv_text() {
    let rows = batch(vec![
        (
            "member",
            Arc::new(StringArray::from(vec![Some("E001"), Some("E001"), None, Some("E001"), Some("E001")])) as ArrayRef,
        ),
        ("date", Arc::new(Date32Array::from(vec![Some(20_668), Some(20_669), Some(20_669), None, Some(20_670)]))),
        ("count", Arc::new(Float64Array::from(vec![Some(3.0), Some(2.5), Some(1.0), Some(1.0), Some(f64::NAN)]))),
        ("minutes", Arc::new(Int32Array::from(vec![Some(10), None, None, None, Some(4)]))),
        ("tool", Arc::new(StringArray::from(vec![Some("chat"), None, None, None, None]))),
    ]);
    let csv = "member,date,count,minutes,tool\n\
               E001,2026-08-03,3,10,chat\n\
               E001,2026-08-04,2.5,,\n\
               ,2026-08-04,1,,\n\
               E001,,1,,\n\
               E001,2026-08-05,,4,\n";
    let bad = same_as_csv(vec![rows], csv, days, days_csv);
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(bad[0].error, LineError::NotACount { column: "count", text: "2.5".into() });
    assert_eq!(bad[2].error, LineError::MissingField { column: "date" });
}

#[test]
fn period_records_read_as_their_csv_text() {
    let rows = batch(vec![
        ("member", Arc::new(StringArray::from(vec!["E001", "e002@example.com", "E001"])) as ArrayRef),
        ("start", Arc::new(Date32Array::from(vec![20_666, 20_666, 20_700]))),
        ("end", Arc::new(StringArray::from(vec!["2026-08-31", "2026-08-31", "2026-08-01"]))),
        ("active_days", Arc::new(Int64Array::from(vec![Some(12), None, Some(1)]))),
        ("count", Arc::new(Int64Array::from(vec![Some(40), Some(1), None]))),
    ]);
    let csv = "member,start,end,active_days,count\n\
               E001,2026-08-01,2026-08-31,12,40\n\
               e002@example.com,2026-08-01,2026-08-31,,1\n\
               E001,2026-09-04,2026-08-01,1,\n";
    let bad = same_as_csv(vec![rows], csv, periods, periods_csv);
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(bad[0].error, LineError::MissingField { column: "active_days" });
}
