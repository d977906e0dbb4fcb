//! `assess` and its parts: on the demo organisation, and on the standard synthetic set (100,000
//! members in 50 units, 10 million events, `sme-five-step`).
//!
//! `cargo bench -p teichaku-benches --bench assess`

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use teichaku::metrics::{KpiOptions, kpis_with_store};
use teichaku::rollout::{next_actions, plan, readiness};
use teichaku_benches::{date, snapshot, store, synthetic};

fn assess(c: &mut Criterion) {
    let demo = teichaku::demo::snapshot();
    c.bench_function("assess/demo", |b| b.iter(|| black_box(teichaku::assess(&demo, teichaku::demo::AS_OF))));

    let data = synthetic::standard();
    let Some(snapshot) = snapshot(&data) else { return };
    let store = store(&data);
    let as_of = date(data.as_of);
    let kpis = kpis_with_store(&snapshot, &store, as_of, &KpiOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let ready = readiness(&snapshot, &kpis);
    let rollout = plan(&snapshot, as_of);
    let mut group = c.benchmark_group("standard");
    group.sample_size(10);
    group.bench_function("readiness", |b| b.iter(|| black_box(readiness(&snapshot, &kpis))));
    group.bench_function("plan", |b| b.iter(|| black_box(plan(&snapshot, as_of))));
    group.bench_function("next_actions", |b| {
        b.iter(|| black_box(next_actions(&snapshot, &kpis, &rollout, &ready, None)))
    });
    group.bench_function("assess", |b| {
        b.iter(|| black_box(teichaku::assess_with_store(&snapshot, &store, as_of, &Default::default())))
    });
    group.finish();
}

criterion_group!(benches, assess);
criterion_main!(benches);
