//! The usage event reader alone: 200,000 events of 10,000 members in the end-to-end file shape
//! (`member,at,minutes,task`, canonical uuids, UTC timestamps), read from memory as CSV and as
//! JSON Lines into a builder, on 1 and 2 threads, and the builder's `finish` (grouping, sorting,
//! columns). `benches/peer/compare-e2e.sh` times the whole command instead.

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use teichaku::metrics::{EventFormat, EventStoreBuilder, StreamOptions, stream_events_with};
use teichaku::model::{MemberId, UtcOffset};

const MEMBERS: u32 = 10_000;
const EVENTS: u32 = 200_000;
const TASKS: [&str; 4] = ["mail", "summary", "code", "search"];

fn member(i: u32) -> MemberId {
    let mixed = u128::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
    MemberId::from_u128(mixed)
}

/// The CSV and JSON Lines texts of the same events, in a shuffled member order.
fn texts() -> (String, String) {
    let mut csv = String::from("member,at,minutes,task\n");
    let mut jsonl = String::new();
    for e in 0..EVENTS {
        let m = member(e.wrapping_mul(7_919) % MEMBERS);
        let (day, minute) = (3 + e % 28, e % 1440);
        let at = format!("2026-08-{day:02}T{:02}:{:02}:00Z", minute / 60, minute % 60);
        let (minutes, task) = (format!("{}.{:02}", 1 + e % 30, e % 100), TASKS[(e % 4) as usize]);
        let _ = writeln!(csv, "{m},{at},{minutes},{task}");
        let _ = writeln!(jsonl, r#"{{"member":"{m}","at":"{at}","minutes":{minutes},"task":"{task}"}}"#);
    }
    (csv, jsonl)
}

fn builder() -> EventStoreBuilder {
    let members: BTreeMap<MemberId, u32> = (0..MEMBERS).map(|i| (member(i), i)).collect();
    EventStoreBuilder::with_members(members, MEMBERS, UtcOffset::UTC)
}

fn read(text: &str, format: EventFormat, threads: usize) -> EventStoreBuilder {
    let mut b = builder();
    let options = StreamOptions { threads, ..StreamOptions::default() };
    let stored = stream_events_with(text.as_bytes(), format, &mut b, &options, |_| {});
    debug_assert_eq!(stored, Ok(u64::from(EVENTS)));
    b
}

fn reader(c: &mut Criterion) {
    let (csv, jsonl) = texts();
    let mut group = c.benchmark_group("reader");
    for (name, text, format) in [("csv", &csv, EventFormat::Csv), ("jsonl", &jsonl, EventFormat::JsonLines)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for threads in [1, 2] {
            group.bench_function(format!("{name}/{threads}-threads"), |b| {
                b.iter(|| black_box(read(black_box(text), format, threads)))
            });
        }
    }
    group.throughput(Throughput::Elements(u64::from(EVENTS)));
    group.bench_function("finish", |b| {
        b.iter_batched(|| read(&csv, EventFormat::Csv, 1), |builder| black_box(builder.finish()), BatchSize::LargeInput)
    });
    group.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
