//! Reading usage event files in blocks on several threads, with fast paths for the plain forms:
//! the same store and the same bad lines, numbered exactly, whatever the threads, the block size,
//! the split into files or the form a value is written in.

use std::collections::BTreeMap;

use proptest::prelude::*;
use teichaku::metrics::{
    BadLine, EventFormat, EventStore, EventStoreBuilder, LineError, MAX_LINE_BYTES, StreamError, StreamOptions,
    stream_events, stream_events_with,
};
use teichaku::model::{MemberId, UtcOffset};

const MEMBERS: u128 = 6;

fn member(n: u128) -> MemberId {
    MemberId::from_u128(0x0190_a6f2_7c3e_4b1a_9d2e_5f6a_0000_0000 + n)
}

/// A builder for members 0..6 of an organisation at +09:00; member 5 also answers to the key
/// derived from `E5`.
fn builder() -> EventStoreBuilder {
    let mut members: BTreeMap<MemberId, u32> = (0..MEMBERS).map(|n| (member(n), n as u32)).collect();
    members.insert(MemberId::from_key("E5"), 5);
    EventStoreBuilder::with_members(members, MEMBERS as u32, UtcOffset::from_minutes(540).unwrap())
}

/// What one stream gave: the events stored, the bad lines, the store (or why it could not be
/// built).
#[derive(Debug, PartialEq)]
struct Outcome {
    result: Result<u64, StreamError>,
    bad: Vec<BadLine>,
    store: EventStore,
}

fn read(text: &[u8], format: EventFormat, threads: usize, block_bytes: usize) -> Outcome {
    let mut b = builder();
    let mut bad = Vec::new();
    let options = StreamOptions { threads, block_bytes };
    let result = stream_events_with(text, format, &mut b, &options, |l| bad.push(l));
    Outcome { result, bad, store: b.finish().unwrap() }
}

/// Every way of reading `text` gives what one thread with one block gives.
fn same_every_way(text: &[u8], format: EventFormat) -> Outcome {
    let reference = read(text, format, 1, 1 << 30);
    for threads in [1, 2, 3, 8] {
        for block_bytes in [1, 7, 64, 333, 4096] {
            let other = read(text, format, threads, block_bytes);
            assert_eq!(other, reference, "{threads} threads, blocks of {block_bytes} bytes");
        }
    }
    reference
}

/// One CSV line per kind of row, good and bad, the plain form and others.
fn mixed_csv() -> String {
    let m = |n| member(n).to_string();
    let mut lines = vec!["member,at,minutes,task".to_owned()];
    for i in 0..40u128 {
        let n = i % MEMBERS;
        lines.push(match i % 20 {
            0 => format!("{},2026-08-03T09:{:02}:00Z,{}.5,mail", m(n), i % 60, i),
            1 => format!("{},2026-08-0{}T23:30:00-05:00,12,summary", m(n).to_uppercase(), 3 + i % 5),
            2 => format!("\"{}\",\"2026-08-04T09:00:00+09:00\",\"3\",\"code\"", m(n)),
            3 => format!("{},2026-08-04 09:00:00,1,", m(n)),
            4 => "E5,2026-08-05T10:00:00.250Z,2.25,mail".to_owned(),
            5 => format!("{},2026-08-05T10:00:00Z,1e1, mail ", m(n)),
            6 => String::new(),
            7 => format!("{},2026-08-05T10:00:00Z,ten,mail", m(n)),
            8 => format!("{},2026-08-05T10:00:00Z,1,Not A Slug", m(n)),
            9 => format!("{},someday,1,mail", m(n)),
            10 => format!("{},2026-08-06T10:00:00Z,1,mail,extra", m(n)),
            11 => format!("{},\"2026-08-06T10:00:00Z,1,mail", m(n)),
            12 => format!("{},2026-08-06T10:00:00Z,1,{}", m(n), "x".repeat(MAX_LINE_BYTES)),
            13 => format!("{},2026-08-07T10:00:00Z,-1,mail", m(n)),
            14 => format!("{},2026-08-07T10:00:00Z,1,mail", member(99)),
            15 => "nobody,2026-08-07T10:00:00Z,1,mail".to_owned(),
            16 => format!("{},2026-08-07T10:00:00Z,1,mail\r", m(n)),
            17 => format!("{},2026-08-07T10:00:00Z,1,\"tea,break\"", m(n)),
            18 => format!("{},2026-08-08T08:00:00Z,1,mail", m(n)),
            _ => format!("{},2026-08-08T08:00:00Z,1,mail", m((i - 1) % MEMBERS)), // the line before again
        });
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

#[test]
fn csv_reads_the_same_on_any_threads_and_blocks_with_every_bad_line_numbered() {
    let text = mixed_csv();
    let outcome = same_every_way(text.as_bytes(), EventFormat::Csv);
    let bad: Vec<(u64, &LineError)> = outcome.bad.iter().map(|b| (b.line, &b.error)).collect();
    // The bad rows are 7..=15 and 17 of every 20, on lines 2 + i (row 5 is good: `1e1` is a
    // number and ` mail ` is trimmed).
    let expected: Vec<u64> = (0..40u64).filter(|i| matches!(i % 20, 7..=15 | 17)).map(|i| i + 2).collect();
    assert_eq!(bad.iter().map(|(l, _)| *l).collect::<Vec<_>>(), expected, "{bad:#?}");
    assert_eq!(*bad[0].1, LineError::NotANumber { column: "minutes", text: "ten".into() });
    assert!(matches!(bad[1].1, LineError::Slug { column: "task", .. }), "{:?}", bad[1]);
    assert!(matches!(bad[2].1, LineError::Event(_)), "an unreadable timestamp: {:?}", bad[2]);
    assert_eq!(*bad[3].1, LineError::FieldCount { expected: 4, found: 5 });
    assert_eq!(*bad[4].1, LineError::UnterminatedQuote);
    assert_eq!(*bad[5].1, LineError::TooLong { limit: MAX_LINE_BYTES });
    assert!(matches!(bad[6].1, LineError::Event(_)), "negative minutes: {:?}", bad[6]);
    assert!(matches!(bad[7].1, LineError::Event(_)), "member 99 is unknown: {:?}", bad[7]);
    assert!(matches!(bad[8].1, LineError::UnknownMemberKey { .. }), "{:?}", bad[8]);
    assert!(matches!(bad[9].1, LineError::Slug { column: "task", .. }), "a quoted comma: {:?}", bad[9]);
    // Stored: rows 0-5, 16, 18, 19 of every 20 (row 6 is blank): 2 × 9; the store drops the
    // exact duplicates, rows 19 and 39 (each its row before again) and row 24 (row 4 again).
    assert_eq!(outcome.result, Ok(18));
    assert_eq!(outcome.store.len(), 15);
    assert_eq!(outcome.store.duplicates_dropped(), 3);
}

#[test]
fn a_too_long_line_spanning_many_blocks_is_one_bad_line() {
    let m = member(1);
    let text = format!(
        "member,at\n{m},2026-08-03T09:00:00Z\n{m},{}\n{m},2026-08-04T09:00:00Z\n{m},{}",
        "9".repeat(3 * MAX_LINE_BYTES),
        "9".repeat(MAX_LINE_BYTES + 1)
    );
    let outcome = same_every_way(text.as_bytes(), EventFormat::Csv);
    assert_eq!(outcome.result, Ok(2));
    let too_long = LineError::TooLong { limit: MAX_LINE_BYTES };
    assert_eq!(outcome.bad, [BadLine { line: 3, error: too_long.clone() }, BadLine { line: 5, error: too_long }]);
}

#[test]
fn json_lines_read_the_same_on_any_threads_and_blocks() {
    let m = |n| member(n).to_string();
    let mut text = String::from("\u{feff}");
    for i in 0..30u128 {
        let n = i % MEMBERS;
        text.push_str(&match i % 10 {
            0 => {
                format!(r#"{{"member":"{}","at":"2026-08-03T09:{:02}:00Z","minutes":{}.5,"task":"mail"}}"#, m(n), i, i)
            }
            1 => format!(r#"{{ "at" : "2026-08-03T09:00:00+09:00" , "member" : "{}" , "saved_minutes" : 2 }}"#, m(n)),
            2 => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00Z","task":"m\u0061il"}}"#, m(n)),
            3 => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00Z","minutes":012}}"#, m(n)),
            4 => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00Z","task":" mail"}}"#, m(n)),
            5 => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00Z","colour":1}}"#, m(n)),
            6 => "   ".to_owned(),
            7 => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00Z","member":"{}"}}"#, m(n), m(n)),
            8 => r#"{"member":"E5","at":"2026-08-03T09:00:00Z","minutes":1e1,"tool":"chat"}"#.to_owned(),
            _ => format!(r#"{{"member":"{}","at":"2026-08-03T09:00:00","minutes":1}}"#, m(n)),
        });
        text.push('\n');
    }
    let outcome = same_every_way(text.as_bytes(), EventFormat::JsonLines);
    let lines: Vec<u64> = outcome.bad.iter().map(|b| b.line).collect();
    let expected: Vec<u64> = (0..30u64).filter(|i| matches!(i % 10, 3 | 4 | 5 | 7)).map(|i| i + 1).collect();
    assert_eq!(lines, expected, "{:#?}", outcome.bad);
    // Rows 0, 1, 2, 8 and 9 of every 10 are stored: escapes, blanks and key order are JSON's,
    // `1e1` is a number, `E5` a member's key, a timestamp without offset is local.
    assert_eq!(outcome.result, Ok(15));
}

#[test]
fn a_split_into_files_gives_the_same_store_as_one_pass() {
    let text = mixed_csv();
    let whole = read(text.as_bytes(), EventFormat::Csv, 2, 100);
    let lines: Vec<&str> = text.lines().collect();
    let (header, rows) = lines.split_first().unwrap();
    for parts in [2, 3, 7] {
        let mut b = builder();
        let mut stored = 0;
        for part in rows.chunks(rows.len().div_ceil(parts)) {
            let file = format!("{header}\n{}\n", part.join("\n"));
            let options = StreamOptions { threads: parts, block_bytes: 64 };
            stored += stream_events_with(file.as_bytes(), EventFormat::Csv, &mut b, &options, |_| {}).unwrap();
        }
        assert_eq!(Ok(stored), whole.result);
        assert_eq!(b.finish().unwrap(), whole.store, "{parts} files");
    }
}

/// One event in its parts.
#[derive(Clone, Debug)]
struct Event {
    member: u128,
    day: u32,
    seconds: u32,
    millis: Option<u32>,
    zone: i32,
    centi: u32,
    task: Option<usize>,
}

const TASKS: [&str; 3] = ["mail", "code", "meeting-notes"];

fn event() -> impl Strategy<Value = Event> {
    (
        0..MEMBERS,
        1..28u32,
        0..86_400u32,
        proptest::option::of(0..1000u32),
        -14 * 4..=14 * 4i32,
        0..100_000u32,
        proptest::option::of(0..3usize),
    )
        .prop_map(|(member, day, seconds, millis, zone, centi, task)| Event {
            member,
            day,
            seconds,
            millis,
            zone: zone * 15,
            centi,
            task,
        })
}

impl Event {
    fn at(&self) -> String {
        let (h, m, s) = (self.seconds / 3600, self.seconds / 60 % 60, self.seconds % 60);
        let fraction = self.millis.map(|ms| format!(".{ms:03}")).unwrap_or_default();
        let zone = match self.zone {
            0 => "Z".to_owned(),
            z => format!("{}{:02}:{:02}", if z < 0 { '-' } else { '+' }, z.abs() / 60, z.abs() % 60),
        };
        format!("2026-02-{:02}T{h:02}:{m:02}:{s:02}{fraction}{zone}", self.day)
    }

    fn minutes(&self) -> String {
        format!("{}.{:02}", self.centi / 100, self.centi % 100)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The fast paths read a value exactly as the general parsers do: quoting every field sends
    /// every CSV line to `csv-core`, a `\u` escape every JSON line to `serde_json`.
    #[test]
    fn the_fast_paths_read_what_the_general_paths_read(events in proptest::collection::vec(event(), 1..60), threads in 1..4usize) {
        let mut plain = String::from("member,at,minutes,task\n");
        let mut quoted = plain.clone();
        let mut json = String::new();
        let mut escaped = String::new();
        for e in &events {
            let task = e.task.map_or("", |t| TASKS[t]);
            let (m, at, minutes) = (member(e.member), e.at(), e.minutes());
            plain.push_str(&format!("{m},{at},{minutes},{task}\n"));
            quoted.push_str(&format!("\"{m}\",\"{at}\",\"{minutes}\",\"{task}\"\n"));
            let task_field = e.task.map(|t| format!(r#","task":"{}""#, TASKS[t])).unwrap_or_default();
            json.push_str(&format!(r#"{{"member":"{m}","at":"{at}","minutes":{minutes}{task_field}}}"#));
            json.push('\n');
            escaped.push_str(&format!(r#"{{"member":"{m}","at":"{}","minutes":{minutes}{task_field}}}"#, at.replacen('2', "\\u0032", 1)));
            escaped.push('\n');
        }
        let fast = read(plain.as_bytes(), EventFormat::Csv, threads, 512);
        prop_assert!(fast.bad.is_empty(), "{:?}", fast.bad);
        prop_assert_eq!(fast.result.clone(), Ok(events.len() as u64));
        prop_assert_eq!(&read(quoted.as_bytes(), EventFormat::Csv, threads, 512), &fast);
        prop_assert_eq!(&read(json.as_bytes(), EventFormat::JsonLines, threads, 512), &fast);
        prop_assert_eq!(&read(escaped.as_bytes(), EventFormat::JsonLines, threads, 512), &fast);
    }
}

#[test]
fn stream_events_is_one_thread_of_stream_events_with() {
    let text = mixed_csv();
    let mut b = builder();
    let mut bad = Vec::new();
    let result = stream_events(text.as_bytes(), EventFormat::Csv, &mut b, |l| bad.push(l));
    let outcome = Outcome { result, bad, store: b.finish().unwrap() };
    assert_eq!(outcome, read(text.as_bytes(), EventFormat::Csv, 1, StreamOptions::default().block_bytes));
}

/// A text of several hundred kilobytes is read in blocks that start small and double (64 KiB,
/// 128 KiB, ...) up to `block_bytes`: the same store and bad lines as small fixed blocks, with a
/// too-long line and bad lines on either side of every growth.
#[test]
fn a_long_text_read_in_growing_blocks_is_read_as_in_small_ones() {
    let one = mixed_csv();
    let body = one.split_once('\n').map_or("", |(_, rest)| rest);
    let mut text = one.clone();
    for _ in 0..3 {
        text.push_str(body);
    }
    assert!(text.len() > 300 << 10, "{} bytes: past the first two blocks", text.len());
    let small = read(text.as_bytes(), EventFormat::Csv, 1, 4096);
    assert!(!small.bad.is_empty() && small.result.as_ref().is_ok_and(|&n| n > 0), "{small:?}");
    for threads in [1, 3] {
        for block_bytes in [StreamOptions::default().block_bytes, 1 << 30, 100_000] {
            assert_eq!(
                read(text.as_bytes(), EventFormat::Csv, threads, block_bytes),
                small,
                "{threads} threads, {block_bytes}"
            );
        }
    }
}
