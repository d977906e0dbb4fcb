//! `--events`, `--usage-days` and `--usage-periods` with Parquet files: the same rows give the
//! same report, byte for byte, as their CSV; a bad row is named by its number.

#![cfg(feature = "parquet")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::sync::Arc;

use arrow_array::{
    ArrayRef, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, types::Int32Type,
};
use assert_cmd::Command;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

const SMALL: &str = include_str!("../../../tests/data/small.json");

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

/// A folder holding small.json and the files given.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn folder(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.json"), SMALL).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// `teichaku kpis doc.json --format json` with `args`: the exit code, stdout and stderr.
fn kpis(dir: &tempfile::TempDir, args: &[&str]) -> (i32, String, String) {
    let output = teichaku()
        .current_dir(dir.path())
        .args(["kpis", "doc.json", "--as-of", "2026-04-20", "--format", "json", "--min-group-size", "1"])
        .args(args)
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (output.status.code().unwrap(), text(output.stdout), text(output.stderr))
}

/// `batch` as a Parquet file, compressed with `compression`, in row groups of 50 rows.
fn parquet(batch: &RecordBatch, compression: Compression) -> Vec<u8> {
    let properties =
        WriterProperties::builder().set_compression(compression).set_max_row_group_row_count(Some(50)).build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties)).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
    bytes
}

/// The member with the small document's number `n` (101 to 108).
fn member(n: u64) -> String {
    format!("00000000-0000-0000-0000-{n:012}")
}

/// An event: member, milliseconds since 1970 (UTC), minutes, task, tool.
type Row = (String, i64, Option<f64>, Option<&'static str>, Option<&'static str>);

/// 240 events of the eight members over March and April 2026, with minutes, tasks and tools
/// that vary, as rows: member, milliseconds since 1970 (UTC), minutes, task, tool.
fn rows() -> Vec<Row> {
    // 2026-03-01T00:00:00Z
    let start = 1_772_323_200_000_i64;
    (0..240u64)
        .map(|i| {
            let at = start + (i as i64 * 5) * 3_600_000 + (i as i64 % 7) * 61_000;
            let minutes = (i % 5 != 0).then_some((i % 13) as f64 * 1.25);
            let task = [Some("minutes"), None, Some("mail"), Some("research")][(i % 4) as usize];
            let tool = [Some("chatgpt"), Some("copilot"), None][(i % 3) as usize];
            (member(101 + i * 7 % 8), at, minutes, task, tool)
        })
        .collect()
}

fn at_text(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis).unwrap().format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

#[test]
fn parquet_events_give_the_report_of_their_csv_byte_for_byte() {
    let rows = rows();
    let mut csv = String::from("member,at,minutes,task,tool\n");
    for (member, at, minutes, task, tool) in &rows {
        let minutes = minutes.map(|m| m.to_string()).unwrap_or_default();
        csv.push_str(&format!("{member},{},{minutes},{},{}\n", at_text(*at), task.unwrap_or(""), tool.unwrap_or("")));
    }
    // As pandas writes it: a NaN for a missing number, categorical (dictionary) tasks,
    // timestamps in milliseconds with a time zone.
    let task: DictionaryArray<Int32Type> = rows.iter().map(|r| r.3).collect();
    let batch = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))) as ArrayRef),
        ("at", Arc::new(TimestampMillisecondArray::from_iter_values(rows.iter().map(|r| r.1)).with_timezone("UTC"))),
        ("minutes", Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.2.unwrap_or(f64::NAN))))),
        ("task", Arc::new(task)),
        ("tool", Arc::new(StringArray::from_iter(rows.iter().map(|r| r.4)))),
    ])
    .unwrap();
    let dir = folder(&[
        ("events.csv", csv.into_bytes()),
        ("events.parquet", parquet(&batch, Compression::SNAPPY)),
        ("zstd.parquet", parquet(&batch, Compression::ZSTD(ZstdLevel::default()))),
    ]);
    let (code, from_csv, _) = kpis(&dir, &["--events", "events.csv"]);
    assert_eq!(code, 0);
    assert!(from_csv.contains("\"events\": 240"), "{from_csv}");
    for file in ["events.parquet", "zstd.parquet"] {
        let (code, from_parquet, err) = kpis(&dir, &["--events", file]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(from_parquet.replace(file, "events.csv"), from_csv);
    }
}

#[test]
fn parquet_day_and_period_records_give_the_report_of_their_csv() {
    // 2026-04-01 is day 20_544 since 1970.
    let members: Vec<String> = (0..30u64).map(|i| member(101 + i % 7)).collect();
    let days: Vec<i32> = (0..30).map(|i| 20_544 + i / 2).collect();
    let counts: Vec<Option<i64>> = (0..30).map(|i| (i % 4 != 0).then_some(i64::from(i % 3 + 1))).collect();
    let mut csv = String::from("member,date,count\n");
    for ((member, day), count) in members.iter().zip(&days).zip(&counts) {
        let day = chrono::NaiveDate::from_num_days_from_ce_opt(719_163 + day).unwrap();
        csv.push_str(&format!("{member},{day},{}\n", count.map(|c| c.to_string()).unwrap_or_default()));
    }
    let batch = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from(members.clone())) as ArrayRef),
        ("date", Arc::new(Date32Array::from(days))),
        ("count", Arc::new(Int64Array::from(counts))),
    ])
    .unwrap();
    let periods_csv = format!("member,start,end,active_days\n{},2026-04-01,2026-04-30,9\n", member(108));
    let periods = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from(vec![member(108)])) as ArrayRef),
        ("start", Arc::new(Date32Array::from(vec![20_544]))),
        ("end", Arc::new(StringArray::from(vec!["2026-04-30"]))),
        ("active_days", Arc::new(Int64Array::from(vec![9]))),
    ])
    .unwrap();
    let dir = folder(&[
        ("days.csv", csv.into_bytes()),
        ("days.parquet", parquet(&batch, Compression::SNAPPY)),
        ("periods.csv", periods_csv.into_bytes()),
        ("periods.parquet", parquet(&periods, Compression::UNCOMPRESSED)),
    ]);
    let (code, from_csv, err) = kpis(&dir, &["--usage-days", "days.csv", "--usage-periods", "periods.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(from_csv.contains("\"day_records\": 30"), "{from_csv}");
    let (code, from_parquet, err) = kpis(&dir, &["--usage-days", "days.parquet", "--usage-periods", "periods.parquet"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_parquet.replace("days.parquet", "days.csv").replace("periods.parquet", "periods.csv"), from_csv);
}

#[test]
fn a_bad_parquet_row_is_named_by_its_number_and_a_bad_column_by_its_name() {
    let batch = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from(vec![member(108), "E999".into(), member(108)])) as ArrayRef),
        ("at", Arc::new(StringArray::from(vec![Some("2026-04-16T10:00:00Z"), Some("2026-04-16T10:00:00Z"), None]))),
    ])
    .unwrap();
    let wrong = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from(vec![member(108)])) as ArrayRef),
        ("at", Arc::new(Float64Array::from(vec![1.5]))),
    ])
    .unwrap();
    let dir = folder(&[
        ("bad.parquet", parquet(&batch, Compression::SNAPPY)),
        ("wrong.parquet", parquet(&wrong, Compression::SNAPPY)),
        ("broken.parquet", b"PAR1 this is not Parquet".to_vec()),
    ]);
    let (code, _, err) = kpis(&dir, &["--events", "bad.parquet"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "bad.parquet:2: `member`: `E999` is not a member key of this organisation nor a uuid");
    assert_eq!(lines[1], "bad.parquet:3: no timestamp");
    let (code, out, _) = kpis(&dir, &["--events", "bad.parquet", "--skip-bad-lines"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"bad_line_count\": 2"), "{out}");

    let (code, _, err) = kpis(&dir, &["--events", "wrong.parquet"]);
    assert_eq!(code, 1);
    assert!(err.contains("column `at` holds Float64 values: expected timestamps or text"), "{err}");
    let (code, _, err) = kpis(&dir, &["--events", "broken.parquet"]);
    assert_eq!(code, 1);
    assert!(err.contains("broken.parquet"), "{err}");
}

#[test]
fn row_groups_read_on_several_threads_give_the_report_and_bad_rows_of_one() {
    // 240 events in row groups of 50, every 37th with an unknown member and every 53rd without
    // a timestamp, so bad rows fall in several row groups.
    let rows = rows();
    let members: Vec<String> =
        rows.iter().enumerate().map(|(i, r)| if i % 37 == 5 { "E999".into() } else { r.0.clone() }).collect();
    let at: Vec<Option<i64>> = rows.iter().enumerate().map(|(i, r)| (i % 53 != 8).then_some(r.1)).collect();
    let task: DictionaryArray<Int32Type> = rows.iter().map(|r| r.3).collect();
    let batch = RecordBatch::try_from_iter([
        ("member", Arc::new(StringArray::from_iter_values(members.iter())) as ArrayRef),
        ("at", Arc::new(TimestampMillisecondArray::from(at).with_timezone("UTC"))),
        ("minutes", Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.2.unwrap_or(f64::NAN))))),
        ("task", Arc::new(task)),
        ("tool", Arc::new(StringArray::from_iter(rows.iter().map(|r| r.4)))),
    ])
    .unwrap();
    let dir = folder(&[("events.parquet", parquet(&batch, Compression::SNAPPY))]);
    let run = |threads: &str| {
        let output = teichaku()
            .current_dir(dir.path())
            .env("TEICHAKU_THREADS", threads)
            .args(["kpis", "doc.json", "--as-of", "2026-04-20", "--min-group-size", "1"])
            .args(["--events", "events.parquet", "--skip-bad-lines"])
            .output()
            .unwrap();
        (output.status.code(), String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
    };
    let one = run("1");
    assert_eq!(one.0, Some(0), "{}", one.2);
    assert!(one.1.contains("events.parquet:6:"), "{}", one.1);
    assert!(one.1.contains("events.parquet:9:"), "{}", one.1);
    for threads in ["2", "3", "8"] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
}
