//! Trust in loading and reading: usage event files are read or refused, never skipped; the
//! event reader holds no line past its limit and loses no line to another's quote; dates and
//! numbers that cannot be computed with are refused naming the record; the document probes keep
//! nothing of a large text.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{
    BadLine, EventFormat, EventStoreBuilder, LineError, MAX_LINE_BYTES, StoreError, StreamError, stream_events,
};
use teichaku::model::{DocumentError, NumberProblem, Record, ValidationError};
use teichaku::{LoadError, LoadOptions, NamedBy, UsageSource};

use crate::support::{SMALL, alone, catalog, errors, member, peak_memory, set, small};

const M1: &str = "00000000-0000-0000-0000-000000000101";
const AS_OF: (i32, u32, u32) = (2026, 6, 30);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

fn small_builder() -> EventStoreBuilder {
    EventStoreBuilder::new(&teichaku::load(SMALL, catalog()).unwrap())
}

/// Streams `text` into the small organisation's store: what was stored and every bad line.
fn stream(text: &[u8], format: EventFormat) -> (Result<u64, StreamError>, Vec<BadLine>) {
    let mut builder = small_builder();
    let mut bad = Vec::new();
    let stored = stream_events(text, format, &mut builder, |b| bad.push(b));
    (stored, bad)
}

/// A CSV line of one good event, on day `day` of April 2026.
fn good_row(day: u32) -> String {
    format!("{M1},2026-04-{:02}T09:00:00+09:00,5\n", 1 + day % 28)
}

fn files(entries: &[(&str, String)]) -> BTreeMap<String, Vec<u8>> {
    entries.iter().map(|(name, text)| ((*name).to_owned(), text.clone().into_bytes())).collect()
}

/// The small document naming `names` as its usage event files.
fn with_usage_files(names: &[&str]) -> String {
    let mut doc = small();
    doc["observations"]["usage_files"] = json!(names);
    doc.to_string()
}

fn score(a: &teichaku::Assessment) -> f64 {
    match &a.kpis.scopes[0].score {
        teichaku::metrics::Figure::Value(s) => s.score,
        other => panic!("no organisation score: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Usage files: one loading path, read or refused (item 8)

#[test]
fn a_document_naming_usage_files_is_refused_by_load_and_read_by_load_with() {
    let text = with_usage_files(&["more.csv"]);
    assert_eq!(
        teichaku::load(&text, catalog()).unwrap_err(),
        LoadError::UsageFilesNeedASource { files: vec!["more.csv".into()] }
    );
    let rows: String = (0..40).map(good_row).collect();
    let source = files(&[("more.csv", format!("member,at,minutes\n{rows}"))]);
    let loaded = teichaku::load_with(&text, catalog(), &source, &LoadOptions::default()).unwrap();
    let inline = loaded.snapshot.observations().usage.len();
    assert_eq!(loaded.store.len(), inline + 40 - 12, "forty rows, twelve repeating an earlier one");
    assert_eq!(loaded.usage.events, 40);
    assert_eq!(loaded.usage.files[0].file, "more.csv");

    // The files change the assessment: they are not skipped.
    let with = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of(), &Default::default()).unwrap();
    let without = teichaku::assess(&teichaku::load(SMALL, catalog()).unwrap(), as_of()).unwrap();
    assert_ne!(with.kpis.scopes[0].figures, without.kpis.scopes[0].figures);
    assert!(score(&with).is_finite());
}

#[test]
fn a_missing_or_unnamed_format_usage_file_is_an_error_naming_it() {
    let text = with_usage_files(&["gone.csv"]);
    let none: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    assert_eq!(
        teichaku::load_with(&text, catalog(), &none, &LoadOptions::default()).unwrap_err(),
        LoadError::UsageFileUnreadable { file: "gone.csv".into(), problem: "no such file".into() }
    );
    let text = with_usage_files(&["events.txt"]);
    let source = files(&[("events.txt", "member,at\n".into())]);
    let err = teichaku::load_with(&text, catalog(), &source, &LoadOptions::default()).unwrap_err();
    assert!(matches!(&err, LoadError::UsageFileUnreadable { file, .. } if file == "events.txt"), "{err}");
}

/// A source that records who named each file it opened.
struct Recording(std::cell::RefCell<Vec<(String, NamedBy)>>);

impl UsageSource for Recording {
    fn open(&self, name: &str, named_by: NamedBy) -> std::io::Result<Box<dyn std::io::BufRead + '_>> {
        self.0.borrow_mut().push((name.to_owned(), named_by));
        Ok(Box::new(if name.ends_with(".csv") { &b"member,at\n"[..] } else { &b""[..] }))
    }
}

#[test]
fn document_files_and_caller_files_are_told_apart() {
    let text = with_usage_files(&["a.csv"]);
    let source = Recording(Default::default());
    let options = LoadOptions { extra_files: vec!["b.jsonl".into()], ..Default::default() };
    teichaku::load_with(&text, catalog(), &source, &options).unwrap();
    assert_eq!(
        source.0.into_inner(),
        [("a.csv".to_owned(), NamedBy::Document), ("b.jsonl".to_owned(), NamedBy::Caller)]
    );
}

#[test]
fn malformed_lines_fail_the_load_unless_skipped_and_are_then_listed() {
    let text = with_usage_files(&["more.csv"]);
    let source = files(&[("more.csv", format!("member,at\n{M1},yesterday\n{M1},2026-04-02T09:00:00Z\n,x\n"))]);
    let err = teichaku::load_with(&text, catalog(), &source, &LoadOptions::default()).unwrap_err();
    let LoadError::BadLines { count, lines } = &err else { panic!("{err}") };
    assert_eq!(*count, 2);
    assert_eq!(lines.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 4]);
    assert!(
        err.to_string().starts_with("2 malformed usage event lines, the first `more.csv` line 2: unreadable timestamp")
    );

    let options = LoadOptions { skip_bad_lines: true, ..Default::default() };
    let loaded = teichaku::load_with(&text, catalog(), &source, &options).unwrap();
    assert_eq!((loaded.usage.events, loaded.usage.bad_line_count), (1, 2));
    assert_eq!(loaded.usage.files[0].bad_lines, 2);
}

#[test]
fn the_bad_lines_kept_are_bounded_and_all_are_counted() {
    let text = with_usage_files(&["more.csv"]);
    let bad: String = (0..teichaku::MAX_BAD_LINES_KEPT + 10).map(|_| format!("{M1},never\n")).collect();
    let source = files(&[("more.csv", format!("member,at\n{bad}"))]);
    let options = LoadOptions { skip_bad_lines: true, ..Default::default() };
    let loaded = teichaku::load_with(&text, catalog(), &source, &options).unwrap();
    assert_eq!(loaded.usage.bad_lines.len(), teichaku::MAX_BAD_LINES_KEPT);
    assert_eq!(loaded.usage.bad_line_count, teichaku::MAX_BAD_LINES_KEPT as u64 + 10);
}

// ---------------------------------------------------------------------------------------------
// What `assess` refuses, loading refuses (item 7)

#[test]
fn event_minutes_past_the_store_limit_are_a_validation_error() {
    let mut doc = small();
    set(&mut doc, "/observations/usage/0/minutes", json!(43_200.5));
    set(&mut doc, "/observations/usage/1/saved_minutes", json!(1e9));
    let max = teichaku::metrics::MAX_EVENT_MINUTES;
    assert_eq!(max, teichaku::model::MAX_EVENT_MINUTES, "the model and the store agree");
    let out_of_range = NumberProblem::OutOfRange { min: 0.0, max };
    assert_eq!(
        errors(&doc),
        [
            ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                field: "minutes",
                value: 43_200.5,
                problem: out_of_range,
            },
            ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 1, member: member(0x104) },
                field: "saved_minutes",
                value: 1e9,
                problem: out_of_range,
            },
        ]
    );
}

#[test]
fn a_usage_file_spanning_too_many_days_or_kinds_fails_the_load() {
    let text = with_usage_files(&["far.csv"]);
    let source = files(&[("far.csv", format!("member,at\n{M1},2026-04-02T09:00:00Z\n{M1},2300-01-01T09:00:00Z\n"))]);
    let err = teichaku::load_with(&text, catalog(), &source, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::Store(StoreError::DaySpan { .. })), "{err}");

    let kinds: String =
        (0..=teichaku::metrics::MAX_KINDS).map(|k| format!("{M1},2026-04-02T09:00:00Z,k{k}\n")).collect();
    let source = files(&[("far.csv", format!("member,at,task\n{kinds}"))]);
    let err = teichaku::load_with(&text, catalog(), &source, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, LoadError::Store(StoreError::TooManyKinds { .. })), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The event reader (items 2, 3, 4)

#[test]
fn an_unterminated_quote_loses_one_line_not_the_rest_of_the_file() {
    let mut text = String::from("member,at,minutes\n");
    text.push_str(&format!("{M1},\"2026-04-02T09:00:00Z,5\n"));
    for day in 0..998 {
        text.push_str(&good_row(day));
    }
    let (stored, bad) = stream(text.as_bytes(), EventFormat::Csv);
    assert_eq!(stored, Ok(998));
    assert_eq!(bad, [BadLine { line: 2, error: LineError::UnterminatedQuote }]);
}

#[test]
fn a_repeated_csv_column_is_refused_by_name() {
    let text = format!("member,at,minutes,task,minutes\n{M1},2026-04-02T09:00:00Z,5,mail,50\n");
    let (stored, _) = stream(text.as_bytes(), EventFormat::Csv);
    assert_eq!(stored, Err(StreamError::RepeatedColumn { column: "minutes".into() }));
}

#[test]
fn an_over_long_csv_record_is_reported_by_line_and_the_next_is_read() {
    let text = format!("member,at,task\n{M1},2026-04-02T09:00:00Z,{}\n{}", "a".repeat(3 * MAX_LINE_BYTES), good_row(1));
    let text = text.replace(",5\n", ",mail\n");
    let (stored, bad) = stream(text.as_bytes(), EventFormat::Csv);
    assert_eq!(stored, Ok(1));
    assert_eq!(bad, [BadLine { line: 2, error: LineError::TooLong { limit: MAX_LINE_BYTES } }]);
}

/// A reader of one endless-looking record: `len` bytes of `a` made as they are read, then a
/// line end and one good row; it allocates nothing itself.
struct LongRecord {
    head: Vec<u8>,
    len: u64,
    sent: u64,
    tail: Vec<u8>,
}

impl Read for LongRecord {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let total = self.head.len() as u64 + self.len;
        if self.sent < self.head.len() as u64 {
            let from = &self.head[self.sent as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            self.sent += n as u64;
            return Ok(n);
        }
        if self.sent < total {
            let n = ((total - self.sent) as usize).min(buf.len());
            buf[..n].fill(b'a');
            self.sent += n as u64;
            return Ok(n);
        }
        let at = (self.sent - total) as usize;
        let from = self.tail.get(at..).unwrap_or_default();
        let n = from.len().min(buf.len());
        buf[..n].copy_from_slice(&from[..n]);
        self.sent += n as u64;
        Ok(n)
    }
}

/// A 200 MiB record is read through in buffers of [`MAX_LINE_BYTES`]: the process's peak
/// memory grows by far less than the record.
#[test]
fn a_huge_csv_record_is_never_held() {
    alone("trust_io::a_huge_csv_record_is_never_held", || {
        let Some(before) = peak_memory() else { return };
        let len = 200u64 << 20;
        let reader = std::io::BufReader::new(LongRecord {
            head: format!("member,at,task\n{M1},2026-04-02T09:00:00Z,").into_bytes(),
            len,
            sent: 0,
            tail: format!("\n{M1},2026-04-03T09:00:00Z,mail\n").into_bytes(),
        });
        let mut builder = small_builder();
        let mut bad = Vec::new();
        let stored = stream_events(reader, EventFormat::Csv, &mut builder, |b| bad.push(b));
        assert_eq!(stored, Ok(1));
        assert_eq!(bad, [BadLine { line: 2, error: LineError::TooLong { limit: MAX_LINE_BYTES } }]);
        let grown = peak_memory().unwrap().saturating_sub(before);
        assert!(grown < 32 << 20, "reading a {len}-byte record grew the peak memory by {grown} bytes");
    });
}

/// Reading the version of a 48 MiB document whose playbook is junk keeps none of the junk: the
/// peak memory grows by less than the text itself.
#[test]
fn the_version_probe_keeps_nothing_of_the_text() {
    alone("trust_io::the_version_probe_keeps_nothing_of_the_text", || {
        let junk = "[0,1,2,3,4,5,6,7],".repeat(48 << 20 >> 4 >> 1);
        let text = format!(r#"{{"version":1,"playbook":{{"inline":[{junk}0]}}}}"#);
        let Some(before) = peak_memory() else { return };
        let err = teichaku::model::parse_document(&text).unwrap_err();
        assert!(matches!(err, DocumentError::Syntax { .. }), "{err}");
        let grown = peak_memory().unwrap().saturating_sub(before);
        assert!(grown < text.len() as u64, "a {}-byte document grew the peak memory by {grown} bytes", text.len());
    });
}

/// One line of a generated CSV file, and whether it is good.
fn csv_line() -> impl Strategy<Value = (String, bool)> {
    prop_oneof![
        (0u32..28).prop_map(|d| (good_row(d).trim_end().to_owned(), true)),
        (0u32..28).prop_map(|d| (format!("{M1},\"2026-04-{:02}T09:00:00Z,5", d + 1), false)),
        (0u32..28).prop_map(|d| (format!("\"{M1}\",\"2026-04-{:02}T09:00:00Z\",\"5\"", d + 1), true)),
        Just((format!("{M1},\"2026-04-02T09:00:00Z\"\"x\",5"), false)),
        Just(("\"".to_owned(), false)),
        Just(("\"\"\"".to_owned(), false)),
        Just((format!("{M1},2026-04-02T09:00:00Z"), false)),
        Just((format!("{M1},2026-04-02T09:00:00Z,5,6"), false)),
        Just((String::new(), true)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the quotes do, every line after the header is stored, reported or blank, and
    /// only the lines written bad are reported.
    #[test]
    fn stored_and_reported_add_up_to_the_lines_read(lines in prop::collection::vec(csv_line(), 0..60), crlf: bool) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("member,at,minutes{end}");
        for (line, _) in &lines {
            text.push_str(line);
            text.push_str(end);
        }
        let (stored, bad) = stream(text.as_bytes(), EventFormat::Csv);
        let blank = lines.iter().filter(|(l, _)| l.is_empty()).count() as u64;
        prop_assert_eq!(stored.unwrap() + bad.len() as u64 + blank, lines.len() as u64);
        let expected_bad: Vec<u64> =
            lines.iter().enumerate().filter(|(_, (_, good))| !good).map(|(i, _)| i as u64 + 2).collect();
        prop_assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), expected_bad);
    }
}

// ---------------------------------------------------------------------------------------------
// Dates and numbers (items 9, 11)

#[test]
fn an_impossible_date_names_its_field_its_value_and_the_form() {
    for (value, message) in [
        ("2026-02-30", "\"2026-02-30\" is not a day: there is no such date; expected YYYY-MM-DD"),
        ("10000-01-01", "\"10000-01-01\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999"),
        ("0000-12-31", "\"0000-12-31\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999"),
        ("2026-4-1", "\"2026-4-1\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999"),
    ] {
        let mut doc = small();
        doc["organisation"]["launch_date"] = json!(value);
        let Err(LoadError::Document(DocumentError::Syntax { message: got, .. })) =
            teichaku::load(&doc.to_string(), catalog())
        else {
            panic!("{value} loads")
        };
        assert_eq!(got, format!("{message} (at `organisation.launch_date`)"));
    }
    let mut doc = small();
    doc["observations"]["proposals"] = json!([{ "id": "00000000-0000-0000-0000-000000000301",
        "member": M1, "submitted": "2026-04-01", "implemented": "2026-13-01" }]);
    let err = teichaku::load(&doc.to_string(), catalog()).unwrap_err();
    assert!(err.to_string().ends_with("(at `observations.proposals[0].implemented`)"), "{err}");
}

/// Every number past its documented range, each naming its record.
#[test]
fn numbers_that_would_overflow_are_refused_naming_the_record() {
    let mut doc = small();
    let pb = "/playbook/inline";
    set(&mut doc, &format!("{pb}/phases/0/gate/criteria/0/weight"), json!(1e308));
    set(&mut doc, &format!("{pb}/phases/0/gate/criteria/1/check/threshold"), json!(-1e300));
    set(&mut doc, "/organisation/hourly_rate/amount", json!(1e308));
    set(&mut doc, "/organisation/task_baselines/0/minutes", json!(1e7));
    set(&mut doc, &format!("{pb}/kpi_targets/0/value"), json!(1e13));
    set(&mut doc, &format!("{pb}/interventions/0/when/value"), json!(1e200));
    let errors = errors(&doc);
    let fields: Vec<(String, &str, f64)> = errors
        .iter()
        .map(|e| match e {
            ValidationError::InvalidNumber { record, field, value, problem: NumberProblem::OutOfRange { .. } } => {
                (format!("{record}"), *field, *value)
            }
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        fields.iter().map(|(_, f, v)| (*f, *v)).collect::<Vec<_>>(),
        [
            ("minutes", 1e7),
            ("amount", 1e308),
            ("weight", 1e308),
            ("threshold", -1e300),
            ("value", 1e13),
            ("value", 1e200)
        ]
    );
    assert!(errors.iter().all(|e| !e.to_string().is_empty()));
}

/// At the top of every range, readiness, the score and the money saved stay finite.
#[test]
fn the_largest_numbers_allowed_compute_finite_figures() {
    let mut doc = small();
    let pb = "/playbook/inline";
    set(&mut doc, &format!("{pb}/phases/0/gate/criteria/0/weight"), json!(teichaku::model::MAX_WEIGHT));
    set(&mut doc, &format!("{pb}/phases/0/gate/criteria/1/weight"), json!(teichaku::model::MAX_WEIGHT));
    set(&mut doc, "/organisation/hourly_rate/amount", json!(teichaku::model::MAX_HOURLY_RATE));
    set(&mut doc, "/observations/usage/1/saved_minutes", json!(teichaku::model::MAX_EVENT_MINUTES));
    let snapshot = teichaku::load(&doc.to_string(), catalog()).unwrap();
    let a = teichaku::assess(&snapshot, as_of()).unwrap();
    assert!(a.readiness.phases.iter().all(|p| p.readiness.is_finite()), "{:?}", a.readiness.phases);
    let json = serde_json::to_value(&a).unwrap();
    let mut money = Vec::new();
    find(&json, "time_saved", &mut money);
    assert!(!money.is_empty());
    for saved in money {
        let value = &saved["value"];
        assert!(value.as_f64().is_some_and(f64::is_finite), "money saved: {saved}");
    }
}

/// Every value under `key` anywhere in `v`.
fn find<'a>(v: &'a Value, key: &str, found: &mut Vec<&'a Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == key {
                    found.push(child);
                }
                find(child, key, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| find(i, key, found)),
        _ => {}
    }
}
