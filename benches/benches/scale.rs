//! `assess` as organisations grow: 1,000, 10,000 and 100,000 units (one member each, flat and
//! deep), and 10,000 units with 1,000, 10,000 and 100,000 per-unit completions, all following
//! `sme-five-step` (ten per-unit activities: 10 instances a unit), on one thread, the document
//! read and validated beforehand (`teichaku_benches::scale`). Time per unit and per completion
//! should stay flat from one size to the next.
//!
//! `cargo bench -p teichaku-benches --bench scale`, or one group: `-- scale/units`,
//! `-- scale/completions`, `-- scale/shown` (five members a unit, every unit scored),
//! `-- scale/records` (five members a unit, with survey answers, proposals, consultations,
//! incidents and success cases), `-- scale/packs`, `-- scale/review_days` (a review pack a unit,
//! each on a day of its own; `-joining`: each unit's member joining on that day), `-- scale/playbooks` (every built-in playbook),
//! `-- scale/report` (the HTML report of units in two waves), `-- scale/whatif` (the best single
//! action of units in two waves), `-- scale/waves` (`assess` of flat and deep units in two waves).

#![allow(missing_docs, reason = "criterion generates the entry point")]

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use teichaku::metrics::EventStore;
use teichaku_benches::scale::{
    AS_OF, Shape, builtin, snapshot, staffed, with_joining_spread, with_records, with_reviews_spread,
};

fn assess_once(snapshot: &teichaku::model::ValidSnapshot, store: &EventStore) -> teichaku::Assessment {
    let as_of = AS_OF.parse().unwrap_or_default();
    teichaku::assess_with_store(snapshot, store, as_of, &Default::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// A group of few samples (each iteration takes up to seconds).
fn slow_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group
}

/// Benches `assess_with_store` of `snapshot` as `id` at size `n` (its throughput).
fn bench_assess(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    n: usize,
    snapshot: &teichaku::model::ValidSnapshot,
) {
    let store = EventStore::from_snapshot(snapshot).unwrap_or_else(|e| panic!("{e}"));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_with_input(BenchmarkId::new(id, n), &n, |b, _| b.iter(|| black_box(assess_once(snapshot, &store))));
}

fn units(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/units");
    for n in [1_000, 10_000, 100_000] {
        for (shape, name) in [(Shape::Flat, "flat"), (Shape::Deep, "deep")] {
            let snapshot = snapshot(n, shape, &builtin("sme-five-step"), 0).unwrap_or_else(|e| panic!("{e}"));
            bench_assess(&mut group, name, n, &snapshot);
        }
    }
    group.finish();
}

fn completions(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/completions");
    for n in [1_000, 10_000, 100_000] {
        let snapshot = snapshot(10_000, Shape::Flat, &builtin("sme-five-step"), n).unwrap_or_else(|e| panic!("{e}"));
        bench_assess(&mut group, "flat-10000-units", n, &snapshot);
    }
    group.finish();
}

/// 10,000 units of five members each (every unit shown and scored) with 1,000, 10,000 and
/// 100,000 per-unit completions: each unit's score reads `sme-five-step`'s absolute conditions
/// (`activity_done`, `activity_recent`), which once searched every completion for each unit
/// (20,000 units and a million completions: 141 s of CPU; now an index look-up).
fn shown(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/shown");
    for n in [1_000, 10_000, 100_000] {
        let text = staffed(10_000, 5, Shape::Flat, &builtin("sme-five-step"), n, 0);
        let snapshot = teichaku::load(&text, &teichaku::Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"));
        bench_assess(&mut group, "flat-10000-units-of-5", n, &snapshot);
    }
    group.finish();
}

/// 10,000 units of five members each (every unit shown) with 1,000, 10,000 and 100,000 records
/// (survey answers, proposals, consultations, incidents, success cases): each shown scope's
/// record figures once searched every record (20,000 units and 100,000 members with a record of
/// each kind each: 748 s; now sums gathered once and carried up the tree).
fn records(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/records");
    for n in [1_000, 10_000, 100_000] {
        let text = with_records(&staffed(10_000, 5, Shape::Flat, &builtin("sme-five-step"), 0, 0), n);
        let snapshot = teichaku::load(&text, &teichaku::Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"));
        bench_assess(&mut group, "flat-10000-units-of-5", n, &snapshot);
    }
    group.finish();
}

/// The review packs' extra KPI pass against the whole `assess` it is part of, at 100,000 flat
/// units: `assess_with_store`, then `review_packs` alone over that assessment's KPIs and plan
/// (computing the KPIs on each review's own days, as `assess` does).
fn packs(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/packs");
    let as_of = AS_OF.parse().unwrap_or_default();
    for n in [10_000, 100_000] {
        let snapshot = snapshot(n, Shape::Flat, &builtin("sme-five-step"), 0).unwrap_or_else(|e| panic!("{e}"));
        let store = EventStore::from_snapshot(&snapshot).unwrap_or_else(|e| panic!("{e}"));
        group.bench_with_input(BenchmarkId::new("assess", n), &n, |b, _| {
            b.iter(|| black_box(assess_once(&snapshot, &store)))
        });
        let a = assess_once(&snapshot, &store);
        let on = snapshot.on(as_of);
        group.bench_with_input(BenchmarkId::new("review-packs", n), &n, |b, _| {
            b.iter(|| black_box(teichaku::review_packs_with_store(&on, &store, &a.kpis, &a.plan, &Default::default())))
        });
    }
    group.finish();
}

/// `assess` of every built-in playbook at 1,000 and 10,000 flat units: four of the five have
/// per-unit reviews (a review pack a unit) and per-unit actions grouped over every unit, which
/// once cost the square of the units (each pack searched every scope of the report, each grouped
/// action every reason before it); time per unit should stay flat.
fn playbooks(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/playbooks");
    for id in
        ["sme-five-step", "three-phase-cycle", "five-step-self-driving", "exec-led-design", "seven-step-motivation"]
    {
        for n in [1_000, 10_000] {
            let snapshot = snapshot(n, Shape::Flat, &builtin(id), 0).unwrap_or_else(|e| panic!("{e}"));
            let store = EventStore::from_snapshot(&snapshot).unwrap_or_else(|e| panic!("{e}"));
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(id, n), &n, |b, _| {
                b.iter(|| black_box(assess_once(&snapshot, &store)))
            });
        }
    }
    group.finish();
}

/// `assess` of 1,000 and 10,000 flat units following `exec-led-design`, each unit's weekly PDCA
/// review done on a day of its own (unit `i` on the `i`-th day after launch), on 2053-12-01 when
/// every one is past: the review packs ask for the figures of about two days a unit, each day of
/// its own unit alone. Each day once cost a pass over the whole organisation (its privacy rule,
/// a usage state for every member, totals for every unit), so the whole cost the square of the
/// units (10,000 units: 16 s of CPU for the whole command, now 0.5 s); time per unit should stay
/// flat. The `-joining` cases have each unit's member join on its review day, so every day has
/// groups of its own: each decided the privacy rule afresh over every unit (10,000 units: 4.7 s
/// of CPU for the command), which is now kept up to date along the joining members' paths.
fn review_days(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/review_days");
    let as_of = "2053-12-01".parse().unwrap_or_default();
    for (name, joining, n) in [
        ("flat-exec-led-design", false, 1_000),
        ("flat-exec-led-design", false, 10_000),
        ("flat-exec-led-design-joining", true, 1_000),
        ("flat-exec-led-design-joining", true, 10_000),
    ] {
        let text = staffed(n, 1, Shape::Flat, &builtin("exec-led-design"), 0, 0);
        let text = with_reviews_spread(&text, "weekly-pdca-review");
        let text = if joining { with_joining_spread(&text) } else { text };
        let snapshot = teichaku::load(&text, &teichaku::Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"));
        let store = EventStore::from_snapshot(&snapshot).unwrap_or_else(|e| panic!("{e}"));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
            b.iter(|| {
                black_box(
                    teichaku::assess_with_store(&snapshot, &store, as_of, &Default::default())
                        .unwrap_or_else(|e| panic!("{e}")),
                )
            })
        });
    }
    group.finish();
}

/// `n` flat units of one member in two waves: a pilot of a tenth, then the rest.
fn two_waves(n: usize) -> teichaku::model::ValidSnapshot {
    two_waves_shaped(n, Shape::Flat)
}

/// `n` units of one member of `shape` in two waves: a pilot of a tenth, then the rest.
fn two_waves_shaped(n: usize, shape: Shape) -> teichaku::model::ValidSnapshot {
    let mut doc: serde_json::Value =
        serde_json::from_str(&staffed(n, 1, shape, &builtin("sme-five-step"), 0, 0)).unwrap_or_default();
    let units: Vec<serde_json::Value> = doc["organisation"]["units"]
        .as_array()
        .map(|list| list.iter().map(|u| u["id"].clone()).collect())
        .unwrap_or_default();
    let (pilot, rest) = units.split_at(n / 10);
    doc["organisation"]["waves"] = serde_json::json!([
        { "name": "pilot", "units": pilot.get(1..).unwrap_or_default() },
        { "name": "all", "units": rest },
    ]);
    teichaku::load(&doc.to_string(), &teichaku::Catalog::builtin()).unwrap_or_else(|e| panic!("{e}"))
}

/// The best single action (`teichaku whatif`) of 10,000 and 100,000 flat units in two waves, from
/// an assessment made beforehand: appointing an ambassador in each of the units without one once
/// searched every member for each unit, and each appointment again in the copy (100,000 units:
/// 61 s for the whole command, now 6 s).
fn whatif(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/whatif");
    for n in [10_000, 100_000] {
        let snapshot = two_waves(n);
        let store = EventStore::from_snapshot(&snapshot).unwrap_or_else(|e| panic!("{e}"));
        let a = assess_once(&snapshot, &store);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("best-single-action-two-waves", n), &n, |b, _| {
            b.iter(|| black_box(teichaku::best_single_action(&snapshot, &a).unwrap_or_else(|e| panic!("{e}"))))
        });
    }
    group.finish();
}

/// `assess` of 10,000 and 100,000 units in two waves, flat and as one chain: the rollout effect's
/// panels once gave each wave unit every unit below it one by one, so a chain cost the square of
/// its length (20,000 units: 16 s for the whole command, now 0.7 s).
fn waves(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/waves");
    for n in [10_000, 100_000] {
        for (shape, name) in [(Shape::Flat, "flat"), (Shape::Deep, "deep")] {
            bench_assess(&mut group, name, n, &two_waves_shaped(n, shape));
        }
    }
    group.finish();
}

/// The HTML report of 10,000 and 100,000 flat units in two waves (a pilot of a tenth, then the
/// rest), rendered from an assessment made beforehand: its wave map once searched every unit's
/// readiness for each unit of a wave (100,000 units: 26 s for the whole command, now 5.5 s).
fn report(c: &mut Criterion) {
    let mut group = slow_group(c, "scale/report");
    for n in [10_000, 100_000] {
        let snapshot = two_waves(n);
        let store = EventStore::from_snapshot(&snapshot).unwrap_or_else(|e| panic!("{e}"));
        let a = assess_once(&snapshot, &store);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("html-two-waves", n), &n, |b, _| {
            b.iter(|| black_box(teichaku_report::html(&snapshot, &a, teichaku::model::Lang::En, 10)))
        });
    }
    group.finish();
}

criterion_group!(benches, units, completions, shown, records, packs, review_days, playbooks, waves, report, whatif);
criterion_main!(benches);
