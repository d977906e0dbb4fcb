//! `assess` and its parts: on the demo organisation, on the standard synthetic set (100,000
//! members in 50 units, 10 million events, `sme-five-step`), and on the rollout set of issue 4's
//! bar (100,000 members in 500 units, 10 million events, 20,026 instances; see
//! `teichaku_benches::rollout_set`), all on one thread with the snapshot validated beforehand.
//!
//! `cargo bench -p teichaku-benches --bench assess`

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use teichaku::metrics::{KpiOptions, kpis_with_store};
use teichaku::rollout::{next_actions, plan, readiness};
use teichaku_benches::{date, rollout_set, snapshot, store, synthetic};

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

fn rollout(c: &mut Criterion) {
    let data = rollout_set::data();
    let Some(snapshot) = rollout_set::snapshot(&data) else { panic!("the rollout set does not validate") };
    let store = store(&data);
    let as_of = date(data.as_of);
    let kpis = kpis_with_store(&snapshot, &store, as_of, &KpiOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let ready = readiness(&snapshot, &kpis);
    let rollout = plan(&snapshot, as_of);
    assert_eq!(rollout.instances.len(), 20_026);
    let mut group = c.benchmark_group("rollout-set");
    group.sample_size(10);
    group.bench_function("kpis", |b| {
        b.iter(|| black_box(kpis_with_store(&snapshot, &store, as_of, &KpiOptions::default())))
    });
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

criterion_group!(benches, assess, rollout);
criterion_main!(benches);
