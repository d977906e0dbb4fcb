//! Times teichaku on the peer job over the synthetic set and writes its results in the peer
//! script's canonical form, so `benches/peer/compare.sh` can check that all engines agree and
//! report the ratios.
//!
//! ```text
//! weekly-job [--small] [--runs N] --out results.json --timings timings.json
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a benchmark driver reports on its terminal")]

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use teichaku::metrics::{
    AggregateSpec, KpiOptions, UnitActivity, UsageAggregate, kpis_with_store, unit_weekly_activity,
};
use teichaku::model::HabitRule;
use teichaku_benches::{date, sequential_scan, snapshot, store, synthetic};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let small = args.iter().any(|a| a == "--small");
    let runs: usize = value("--runs").and_then(|r| r.parse().ok()).unwrap_or(7).max(1);
    let (Some(out), Some(timings_path)) = (value("--out"), value("--timings")) else {
        eprintln!("usage: weekly-job [--small] [--runs N] --out results.json --timings timings.json");
        return ExitCode::from(2);
    };

    let data = if small { synthetic::small() } else { synthetic::standard() };
    let store = store(&data);
    let as_of = date(data.as_of);
    let unit_of: Vec<u32> = data.members.iter().map(|m| u32::from(m.unit)).collect();
    let units = data.units as usize;
    let habit = HabitRule::DaysInWindow { days: 4, window: 7 };
    let weeks = ((data.as_of - data.first_day) / 7 + 1) as u32;
    let spec = AggregateSpec::core(as_of, data.members.len(), weeks);
    let job = |threads| {
        let agg = UsageAggregate::compute_parallel(&store, &spec, threads);
        unit_weekly_activity(&agg, &unit_of, units, habit)
    };

    let result = job(1);
    if job(2) != result {
        eprintln!("the result depends on the number of threads");
        return ExitCode::from(1);
    }
    let mut timings = String::from("{\n");
    let mut entry = |name: &str, threads: usize, samples: Vec<Duration>| {
        let (best, median) = best_and_median(samples);
        println!("{name:<18} {threads} thread(s): best {best:>9.2} ms, median {median:>9.2} ms");
        let _ = writeln!(timings, "  \"{name}/{threads}\": {{\"best_ms\": {best:.3}, \"median_ms\": {median:.3}}},");
    };
    for threads in [1, 2] {
        entry("teichaku", threads, time(runs, || black_box(job(threads))));
    }
    entry("sequential-scan", 1, time(runs, || black_box(sequential_scan(&store))));
    entry("aggregate-only", 1, time(runs, || black_box(UsageAggregate::compute_parallel(&store, &spec, 1))));
    let agg = UsageAggregate::compute_parallel(&store, &spec, 1);
    entry("per-unit-only", 1, time(runs, || black_box(unit_weekly_activity(&agg, &unit_of, units, habit))));
    entry("empty-state", 1, time(runs, || black_box(UsageAggregate::empty(&spec))));
    if let Some(snapshot) = snapshot(&data).filter(|_| !args.iter().any(|a| a == "--skip-kpis")) {
        for threads in [1, 2] {
            let mut options = KpiOptions::default();
            options.threads = threads;
            entry(
                "kpis-full",
                threads,
                time(runs.min(3), || black_box(kpis_with_store(&snapshot, &store, as_of, &options).is_ok())),
            );
        }
    }
    let _ = writeln!(
        timings,
        "  \"store\": {{\"events\": {}, \"bytes_per_event\": {:.3}}}\n}}",
        store.len(),
        store.bytes_per_event()
    );
    println!("event store: {} events, {:.2} bytes per event", store.len(), store.bytes_per_event());

    let canonical = canonical(&result, data.first_day, data.as_of);
    #[expect(clippy::disallowed_methods, reason = "the benchmark driver writes its results for the comparison")]
    let written = std::fs::write(&out, canonical).and_then(|()| std::fs::write(&timings_path, timings));
    if let Err(e) = written {
        eprintln!("cannot write results: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            #[expect(clippy::disallowed_methods, reason = "a benchmark driver measures time")]
            let start = std::time::Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect()
}

fn best_and_median(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (samples.first().map_or(0.0, |d| ms(*d)), samples.get(samples.len() / 2).map_or(0.0, |d| ms(*d)))
}

/// The peer script's canonical result document (`teichaku-peer-results/1`), byte for byte.
fn canonical(units: &[UnitActivity], first_day: i32, as_of: i32) -> String {
    let day = |d: chrono::NaiveDate| d.signed_duration_since(date(0)).num_days();
    let mut habit = Vec::new();
    let mut weekly = Vec::new();
    for u in units {
        habit.push(format!(
            "{{\"habit_rate\":{{\"den\":{},\"num\":{}}},\"habitual\":{},\"members\":{},\"unit\":{}}}",
            u.headcount, u.habitual, u.habitual, u.headcount, u.unit
        ));
        for w in &u.weeks {
            weekly.push(format!(
                "{{\"active\":{},\"members\":{},\"minutes_centi\":{},\"unit\":{},\"week\":{},\"weekly_active_rate\":{{\"den\":{},\"num\":{}}}}}",
                w.active,
                u.headcount,
                w.minutes_centi,
                u.unit,
                day(w.week_start),
                u.headcount,
                w.active
            ));
        }
    }
    format!(
        "{{\n\"as_of\":{as_of},\n\"first_day\":{first_day},\n\"habit\":[\n{}\n],\n\"habit_window\":{{\"from\":{},\"min_days\":4,\"to\":{as_of}}},\n\"schema\":\"teichaku-peer-results/1\",\n\"weekly\":[\n{}\n]\n}}\n",
        habit.join(",\n"),
        as_of - 6,
        weekly.join(",\n")
    )
}
