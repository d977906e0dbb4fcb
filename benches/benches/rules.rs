//! Evaluation rubrics on the standard subject set: 100,000 people's facts for the builtin
//! `ai-use-in-appraisal` rubric (`teichaku_benches::subjects::standard()`, the same subjects the
//! zen-engine peer comparison in `benches/zen-peer` evaluates).
//!
//! - `rules/evaluate-into-100k`: every subject scored with the full explanation (`Evaluation`:
//!   contributions, caps applied, missing facts), one result buffer reused;
//! - `rules/evaluate-100k`: the same with `evaluate`, a new `Evaluation` per subject;
//! - `rubric/compile`: compiling the parsed builtin rubric (validation, fact resolution, cap
//!   limits);
//! - `rubric/parse-and-compile`: the same from its JSON text.
//!
//! `cargo bench -p teichaku-benches --bench rules`

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use teichaku::rules::{AI_USE_IN_APPRAISAL_JSON, Evaluation, Facts, compile, evaluate, evaluate_into, parse_rubric};
use teichaku_benches::subjects;

fn rules(c: &mut Criterion) {
    let rubric = teichaku::rules::builtin("ai-use-in-appraisal@1").unwrap_or_else(|e| panic!("{e}"));
    let facts: Vec<Facts> = subjects::standard().iter().map(|s| s.facts(&rubric)).collect();

    let mut group = c.benchmark_group("rules");
    group.sample_size(20);
    group.throughput(Throughput::Elements(facts.len() as u64));
    group.bench_function("evaluate-into-100k", |b| {
        let mut out = Evaluation::buffer_for(&rubric);
        b.iter(|| {
            for f in &facts {
                evaluate_into(&rubric, f, &mut out).unwrap_or_else(|e| panic!("{e}"));
                black_box(&out);
            }
        });
    });
    group.bench_function("evaluate-100k", |b| {
        b.iter(|| {
            for f in &facts {
                black_box(evaluate(&rubric, f).unwrap_or_else(|e| panic!("{e}")));
            }
        });
    });
    group.finish();

    let parsed = parse_rubric(AI_USE_IN_APPRAISAL_JSON).unwrap_or_else(|e| panic!("{e}"));
    let mut group = c.benchmark_group("rubric");
    group.bench_function("compile", |b| {
        b.iter_batched(
            || parsed.clone(),
            |rubric| black_box(compile(rubric).unwrap_or_else(|e| panic!("{e}"))),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("parse-and-compile", |b| {
        b.iter(|| {
            let rubric = parse_rubric(black_box(AI_USE_IN_APPRAISAL_JSON)).unwrap_or_else(|e| panic!("{e}"));
            black_box(compile(rubric).unwrap_or_else(|e| panic!("{e}")))
        });
    });
    group.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
