//! The metrics engine on the standard synthetic set: 10 million events, 100,000 members, 50 units,
//! 13 ISO weeks.
//!
//! - `weekly-units/{1,2}-threads`: per unit per ISO week, distinct active members and minutes,
//!   and per unit the habit rate (4 of the trailing 7 days): the job compared with Polars and DuckDB;
//! - `scan/sequential`: a plain pass over the same event columns, summing them (the floor);
//! - `kpis/full`: every KPI of every scope.
//!
//! `cargo bench -p teichaku-benches --bench metrics`

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use teichaku::metrics::{AggregateSpec, KpiOptions, UsageAggregate, kpis_with_store, unit_weekly_activity};
use teichaku::model::HabitRule;
use teichaku_benches::{date, snapshot, store, synthetic};

fn metrics(c: &mut Criterion) {
    let data = synthetic::standard();
    let store = store(&data);
    let as_of = date(data.as_of);
    let unit_of: Vec<u32> = data.members.iter().map(|m| u32::from(m.unit)).collect();
    let units = data.units as usize;
    let habit = HabitRule::DaysInWindow { days: 4, window: 7 };
    let spec = AggregateSpec::core(as_of, data.members.len(), 13);

    let mut group = c.benchmark_group("weekly-units");
    group.sample_size(20);
    for threads in [1, 2] {
        group.bench_function(format!("{threads}-threads"), |b| {
            b.iter(|| {
                let agg = UsageAggregate::compute_parallel(&store, &spec, threads);
                black_box(unit_weekly_activity(&agg, &unit_of, units, habit))
            });
        });
    }
    group.finish();

    c.bench_function("scan/sequential", |b| b.iter(|| black_box(teichaku_benches::sequential_scan(&store))));

    if let Some(snapshot) = snapshot(&data) {
        let mut group = c.benchmark_group("kpis");
        group.sample_size(10);
        let mut options = KpiOptions::default();
        options.threads = 2;
        group.bench_function("full", |b| b.iter(|| black_box(kpis_with_store(&snapshot, &store, as_of, &options))));
        group.finish();
    }
}

criterion_group!(benches, metrics);
criterion_main!(benches);
