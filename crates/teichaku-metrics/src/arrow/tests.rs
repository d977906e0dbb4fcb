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

/// A reproducible stream of numbers (a 64-bit linear congruential generator, its high bits), for
/// the seeded equivalence tests.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 29
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

/// One event row as the equivalence tests write it in every column type.
#[derive(Clone)]
struct EventRow {
    member: Option<String>,
    /// Nanoseconds since 1970-01-01 (UTC for a zoned column, wall-clock for a naive one).
    at: Option<i64>,
    minutes: Option<f64>,
    saved: Option<f64>,
    task: Option<&'static str>,
    tool: Option<&'static str>,
}

/// Members by uuid (numbers 0 to 4), by key, and one numbered past the member count.
fn mixed_builder() -> EventStoreBuilder {
    let mut members: std::collections::BTreeMap<MemberId, u32> =
        (0..5).map(|n| (MemberId::from_u128(n + 1), n as u32)).collect();
    members.insert(MemberId::from_key("E001"), 5);
    members.insert(MemberId::from_key("e002@example.com"), 6);
    members.insert(MemberId::from_key("4711"), 7);
    members.insert(MemberId::from_u128(99), 9);
    EventStoreBuilder::with_members(members, 9, UtcOffset::from_minutes(540).unwrap())
}

/// `n` rows, some of them bad; the instants past the fast path's years are before them for an
/// even `seed`, after them for an odd one (both would span more days than a store holds).
fn random_rows(draw: &mut Draw, n: usize, seed: u64) -> Vec<EventRow> {
    let members: Vec<Option<String>> = vec![
        Some(MemberId::from_u128(1).to_string()),
        Some(MemberId::from_u128(2).to_string()),
        Some(MemberId::from_u128(3).to_string().to_uppercase()),
        Some(MemberId::from_u128(4).to_string()),
        Some(MemberId::from_u128(5).to_string()),
        Some(MemberId::from_u128(77).to_string()),
        Some(MemberId::from_u128(99).to_string()),
        Some("E001".into()),
        Some(" E001 ".into()),
        Some("E002@example.com".into()),
        Some("4711".into()),
        Some("nobody".into()),
        Some(String::new()),
        None,
    ];
    let tasks = [Some("mail"), Some("chat"), Some(" mail "), Some("Not A Slug"), Some(""), None];
    let tools = [Some("copilot"), Some("Bad Tool"), None, None];
    // 2026-08-03T00:00:00Z in nanoseconds.
    let base = 1_785_715_200_000_000_000_i64;
    let second = 1_000_000_000_i64;
    (0..n)
        .map(|_| {
            let at = match draw.below(40) {
                0 => None,
                // Before or after the years the fast path reads.
                1 | 2 if seed % 2 == 0 => {
                    Some(-2_208_988_800 * second - draw.below(40 * 86_400 * second as u64) as i64)
                }
                1 | 2 => {
                    Some(7_258_118_400 * second + draw.below(40 * 86_400 * second as u64) as i64 - 86_400 * second)
                }
                3 if seed % 2 == 0 => Some(-second),
                _ => Some(base + draw.below(91 * 86_400 * second as u64) as i64),
            };
            let number = |draw: &mut Draw| match draw.below(30) {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(-1.5),
                3 => Some(50_000.0),
                4 => Some(f64::INFINITY),
                5 => Some(43_200.0),
                6 => Some(-0.0),
                7 => Some((draw.below(1_000_000) as f64) / 1_000.0),
                _ => Some((draw.below(10_000) as f64) / 100.0),
            };
            EventRow {
                member: draw.pick(&members),
                at,
                minutes: number(draw),
                saved: if draw.below(3) == 0 { number(draw) } else { None },
                task: draw.pick(&tasks),
                tool: draw.pick(&tools),
            }
        })
        .collect()
}

/// The text column of `values` in one of Arrow's layouts (`layout` 0 to 4).
fn text_column(values: &[Option<String>], layout: u64) -> ArrayRef {
    let refs: Vec<Option<&str>> = values.iter().map(|v| v.as_deref()).collect();
    match layout {
        0 => Arc::new(StringArray::from(refs)),
        1 => Arc::new(LargeStringArray::from(refs)),
        2 => Arc::new(StringViewArray::from(refs)),
        3 => Arc::new(refs.into_iter().collect::<DictionaryArray<Int8Type>>()),
        _ => Arc::new(refs.into_iter().collect::<DictionaryArray<arrow_array::types::Int32Type>>()),
    }
}

/// The minutes of `values` in one of the column types (`kind` 0 to 4).
fn number_column(values: &[Option<f64>], kind: u64) -> ArrayRef {
    match kind {
        0 => Arc::new(Float64Array::from(values.to_vec())),
        1 => Arc::new(Float32Array::from(values.iter().map(|v| v.map(|v| v as f32)).collect::<Vec<_>>())),
        2 => Arc::new(Int64Array::from(
            values.iter().map(|v| v.filter(|v| v.is_finite()).map(|v| v as i64)).collect::<Vec<_>>(),
        )),
        3 => Arc::new(UInt32Array::from(
            values.iter().map(|v| v.filter(|v| v.is_finite()).map(|v| v as u32)).collect::<Vec<_>>(),
        )),
        _ => Arc::new(StringArray::from(values.iter().map(|v| v.map(|v| format!("{v}"))).collect::<Vec<_>>())),
    }
}

/// The timestamps of `values` (nanoseconds) in one of the column types: a unit, zoned or not,
/// or RFC 3339 text.
fn instant_column(values: &[Option<i64>], kind: u64) -> ArrayRef {
    let zone = match kind % 3 {
        0 => Some("UTC"),
        1 => Some("Asia/Tokyo"),
        _ => None,
    };
    let scaled = |per: i64| values.iter().map(|v| v.map(|v| v.div_euclid(per))).collect::<Vec<_>>();
    match kind / 3 {
        0 => Arc::new(arrow_array::TimestampSecondArray::from(scaled(1_000_000_000)).with_timezone_opt(zone)),
        1 => Arc::new(TimestampMillisecondArray::from(scaled(1_000_000)).with_timezone_opt(zone)),
        2 => Arc::new(arrow_array::TimestampMicrosecondArray::from(scaled(1_000)).with_timezone_opt(zone)),
        3 => Arc::new(TimestampNanosecondArray::from(scaled(1)).with_timezone_opt(zone)),
        _ => {
            let text = |v: i64| {
                let at =
                    chrono::DateTime::from_timestamp(v.div_euclid(1_000_000_000), v.rem_euclid(1_000_000_000) as u32)?;
                Some(match zone {
                    Some("UTC") => at.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
                    Some(_) => at.format("%Y-%m-%dT%H:%M:%S%.f+00:00").to_string(),
                    None => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
                })
            };
            Arc::new(StringArray::from(values.iter().map(|v| v.and_then(text)).collect::<Vec<_>>()))
        }
    }
}

/// `rows` as batches of random sizes, each with its own column types and order, some columns
/// left out.
fn random_batches(draw: &mut Draw, rows: &[EventRow]) -> Vec<RecordBatch> {
    let mut batches = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let end = (start + 1 + draw.below(60) as usize).min(rows.len());
        let part = &rows[start..end];
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("member", text_column(&part.iter().map(|r| r.member.clone()).collect::<Vec<_>>(), draw.below(5))),
            ("at", instant_column(&part.iter().map(|r| r.at).collect::<Vec<_>>(), draw.below(15))),
            ("minutes", number_column(&part.iter().map(|r| r.minutes).collect::<Vec<_>>(), draw.below(5))),
        ];
        let texts = |pick: fn(&EventRow) -> Option<&'static str>| {
            part.iter().map(|r| pick(r).map(str::to_owned)).collect::<Vec<_>>()
        };
        if draw.below(4) > 0 {
            columns.push(("task", text_column(&texts(|r| r.task), draw.below(5))));
        }
        if draw.below(3) == 0 {
            columns.push(("tool", text_column(&texts(|r| r.tool), draw.below(5))));
        }
        if draw.below(3) == 0 {
            columns.push((
                "saved_minutes",
                number_column(&part.iter().map(|r| r.saved).collect::<Vec<_>>(), draw.below(5)),
            ));
        }
        for i in (1..columns.len()).rev() {
            columns.swap(i, draw.below(i as u64 + 1) as usize);
        }
        batches.push(batch(columns));
        start = end;
    }
    batches
}

/// What a reading gave: the count stored (or the error), the bad rows, the store.
fn outcome(
    read: impl FnOnce(&mut EventStoreBuilder, &mut Vec<BadLine>) -> Result<u64, StreamError>,
) -> (Result<u64, StreamError>, Vec<BadLine>, Result<crate::EventStore, crate::StoreError>) {
    let mut b = mixed_builder();
    let mut bad = Vec::new();
    let stored = read(&mut b, &mut bad);
    (stored, bad, b.finish())
}

#[test]
fn the_typed_path_gives_the_general_paths_store_and_bad_rows_for_every_column_type() {
    for seed in 0..40 {
        let mut draw = Draw(seed);
        let rows = random_rows(&mut draw, 400, seed);
        let batches = random_batches(&mut draw, &rows);
        let general = outcome(|b, bad| stream_event_batches_general(ok(batches.clone()), b, |l| bad.push(l)));
        assert!(general.0.as_ref().is_ok_and(|&n| n > 0), "seed {seed}: {:?}", general.0);
        assert!(!general.1.is_empty(), "seed {seed}");
        assert!(general.2.as_ref().is_ok_and(|s| !s.is_empty()), "seed {seed}: {:?}", general.2.as_ref().err());
        for threads in [1, 3] {
            let options = StreamOptions { threads, ..StreamOptions::default() };
            let typed = outcome(|b, bad| stream_event_batches_with(ok(batches.clone()), b, &options, |l| bad.push(l)));
            assert_eq!(typed.0, general.0, "seed {seed}, {threads} threads");
            // Compared as text, as a NaN in an error is not equal to itself.
            assert_eq!(format!("{:?}", typed.1), format!("{:?}", general.1), "seed {seed}, {threads} threads");
            assert!(typed.2 == general.2, "seed {seed}, {threads} threads: the stores differ");
        }
    }
}

#[test]
fn the_typed_path_stops_where_the_general_one_does() {
    let mut draw = Draw(7);
    let rows = random_rows(&mut draw, 300, 7);
    let batches: Vec<Result<RecordBatch, String>> = random_batches(&mut draw, &rows).into_iter().map(Ok).collect();
    let odd = batch(vec![("member", text_column(&[Some("E001".into())], 0)), ("colour", text_column(&[None], 0))]);
    let failed = Err("page gone".to_owned());
    for (at, stop) in [(3, Ok(odd)), (6, failed.clone()), (0, failed)] {
        let mut these = batches.clone();
        these.insert(at, stop);
        let general = outcome(|b, bad| stream_event_batches_general(these.clone(), b, |l| bad.push(l)));
        assert!(general.0.is_err());
        for threads in [1, 2, 3, 8] {
            let options = StreamOptions { threads, ..StreamOptions::default() };
            let typed = outcome(|b, bad| stream_event_batches_with(these.clone(), b, &options, |l| bad.push(l)));
            assert_eq!(typed.0, general.0, "{threads} threads");
            assert_eq!(format!("{:?}", typed.1), format!("{:?}", general.1), "{threads} threads");
            assert!(typed.2 == general.2, "{threads} threads: the stores differ");
        }
    }
}

#[test]
fn the_fast_paths_years_are_those_of_its_constant() {
    let first = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let last = chrono::NaiveDate::from_ymd_opt(2199, 12, 31).unwrap().and_hms_opt(23, 59, 59).unwrap().and_utc();
    assert_eq!(typed::INSTANT_SECONDS, first.timestamp()..=last.timestamp());
}

#[test]
fn timestamps_past_what_a_text_can_say_are_bad_rows_on_both_paths() {
    let n = 6;
    let seconds = arrow_array::TimestampSecondArray::from(vec![
        i64::MAX,
        i64::MIN,
        300_000_000_000,
        -70_000_000_000,
        1_785_747_600,
        -2_208_988_801,
    ]);
    for zoned in [true, false] {
        let at = if zoned { seconds.clone().with_timezone("UTC") } else { seconds.clone() };
        let rows = batch(vec![
            ("member", text_column(&vec![Some("E001".to_owned()); n], 0)),
            ("at", Arc::new(at) as ArrayRef),
        ]);
        let general = outcome(|b, bad| stream_event_batches_general(ok(vec![rows.clone()]), b, |l| bad.push(l)));
        let typed = outcome(|b, bad| stream_event_batches(ok(vec![rows]), b, |l| bad.push(l)));
        assert!(general.1.len() >= 2, "zoned {zoned}: {:?}", general.1);
        assert_eq!((typed.0, typed.1), (general.0, general.1));
        assert!(typed.2 == general.2);
    }
}
