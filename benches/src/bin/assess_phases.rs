//! Times each part of `assess` on the rollout set (100,000 members, 500 units, 10 million events,
//! 20,026 instances), one thread, and prints the sizes it ran on: a quick view of where the time
//! goes, beside the criterion bench `assess`.
//!
//! ```text
//! assess-phases [--runs N] [--only kpis|readiness|plan|next_actions|assess]
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a benchmark driver reports on its terminal")]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use teichaku::metrics::{AggregateSpec, KpiOptions, UsageAggregate, kpis_from_aggregate, kpis_with_store};
use teichaku::rollout::{next_actions, plan, readiness};
use teichaku_benches::{date, rollout_set, store};

/// This thread's time on a CPU in nanoseconds (Linux `schedstat`), which, unlike the wall
/// clock, does not count time spent waiting for a core on a busy machine; `None` elsewhere.
#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads the scheduler's statistics")]
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Best and median of `runs` runs of `f`: wall-clock time, and time on a CPU when available.
#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads the clock")]
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> [(Duration, Duration, Duration); 2] {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (start, cpu_start) = (Instant::now(), cpu_ns());
        black_box(f());
        wall.push(start.elapsed());
        cpu.push(cpu_ns().zip(cpu_start).map_or(Duration::ZERO, |(b, a)| Duration::from_nanos(b.saturating_sub(a))));
    }
    let mean = |d: &[Duration]| d.iter().sum::<Duration>() / runs as u32;
    let (wall_mean, cpu_mean) = (mean(&wall), mean(&cpu));
    wall.sort();
    cpu.sort();
    [(wall[0], wall[runs / 2], wall_mean), (cpu[0], cpu[runs / 2], cpu_mean)]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    let data = rollout_set::data();
    let Some(snapshot) = rollout_set::snapshot(&data) else {
        eprintln!("the rollout set does not validate");
        return ExitCode::FAILURE;
    };
    let store = store(&data);
    let as_of = date(data.as_of);
    let options = KpiOptions::default(); // one thread
    let Ok(kpis) = kpis_with_store(&snapshot, &store, as_of, &options) else {
        eprintln!("kpis failed");
        return ExitCode::FAILURE;
    };
    let ready = readiness(&snapshot, &kpis);
    let rollout = plan(&snapshot, as_of);
    let actions = next_actions(&snapshot, &kpis, &rollout, &ready, None);
    println!(
        "members {}, units {}, events {}, instances {}, actions {}",
        snapshot.organisation().members.len(),
        snapshot.organisation().units.len(),
        store.len(),
        rollout.instances.len(),
        actions.actions.len()
    );
    println!(
        "actions naming over 50 members: {}, members named in all: {}",
        actions.actions.iter().filter(|a| a.members.len() > 50).count(),
        actions.actions.iter().map(|a| a.members.len()).sum::<usize>()
    );
    let assess_options = teichaku::AssessOptions::default();
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let rows = [
        ("kpis", wanted("kpis").then(|| time(runs, || kpis_with_store(&snapshot, &store, as_of, &options)))),
        (
            "aggregate",
            wanted("aggregate").then(|| {
                time(runs, || {
                    let spec = AggregateSpec::new(&snapshot, &store, as_of, options.series_weeks);
                    UsageAggregate::compute_parallel(&store, &spec, 1)
                })
            }),
        ),
        (
            "from_aggregate",
            wanted("from_aggregate").then(|| {
                let spec = AggregateSpec::new(&snapshot, &store, as_of, options.series_weeks);
                let agg = UsageAggregate::compute_parallel(&store, &spec, 1);
                time(runs, || kpis_from_aggregate(&snapshot, &store, &agg, &options))
            }),
        ),
        ("readiness", wanted("readiness").then(|| time(runs, || readiness(&snapshot, &kpis)))),
        ("plan", wanted("plan").then(|| time(runs, || plan(&snapshot, as_of)))),
        (
            "next_actions",
            wanted("next_actions").then(|| time(runs, || next_actions(&snapshot, &kpis, &rollout, &ready, None))),
        ),
        (
            "assess",
            wanted("assess")
                .then(|| time(runs, || teichaku::assess_with_store(&snapshot, &store, as_of, &assess_options))),
        ),
    ];
    println!(
        "{:<14} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "part", "best ms", "median", "mean", "cpu best", "median", "mean"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for (name, [(best, median, mean), (cpu_best, cpu_median, cpu_mean)]) in
        rows.into_iter().filter_map(|(name, t)| Some((name, t?)))
    {
        println!(
            "{name:<14} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            ms(best),
            ms(median),
            ms(mean),
            ms(cpu_best),
            ms(cpu_median),
            ms(cpu_mean)
        );
    }
    ExitCode::SUCCESS
}
