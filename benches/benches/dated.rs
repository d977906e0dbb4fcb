//! The organisation as of a date (`ValidSnapshot::on`) with dated people facts: `n` units of one
//! member each, every member transferred once to the next unit and every tenth appointed
//! ambassador, the changes spread over a year; resolved on the year's middle day.

#![allow(missing_docs, reason = "criterion generates the entry point")]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use teichaku_benches::dated_snapshot;

fn on(c: &mut Criterion) {
    let mut group = c.benchmark_group("dated/on");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let Some(snapshot) = dated_snapshot(n) else { continue };
        let day = teichaku_benches::date(20_454 + 182);
        group.bench_with_input(BenchmarkId::from_parameter(n), &snapshot, |b, s| {
            b.iter(|| std::hint::black_box(s.on(std::hint::black_box(day))).organisation().members.len());
        });
    }
    group.finish();
}

criterion_group!(benches, on);
criterion_main!(benches);
