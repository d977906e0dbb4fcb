//! Reading and validating documents: the built-in demo (about 120 members and 4,000 usage events)
//! and each built-in playbook.

#![allow(missing_docs, reason = "criterion generates the entry point")]

use criterion::{Criterion, criterion_group, criterion_main};
use teichaku::Catalog;

fn load(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let demo = serde_json::to_string(&teichaku::demo::document()).unwrap_or_default();
    c.bench_function("load/demo-document", |b| b.iter(|| teichaku::load(std::hint::black_box(&demo), &catalog)));
    c.bench_function("playbooks/builtin-catalog", |b| b.iter(Catalog::builtin));
}

criterion_group!(benches, load);
criterion_main!(benches);
