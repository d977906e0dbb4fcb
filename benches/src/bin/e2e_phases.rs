//! Times each phase of the end-to-end job (`teichaku kpis DOC --events FILE`) on a data set
//! written by `export-e2e`: reading and validating the document, streaming the event file into a
//! builder, `finish`, and the KPI report; a quick view of where the whole process's time goes.
//!
//! ```text
//! e2e-phases DATA_DIR [THREADS] [csv|jsonl]
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a benchmark driver reports on its terminal")]

use std::io::BufReader;
use std::process::ExitCode;
use std::time::Instant;

use teichaku::metrics::{
    EventFormat, EventStoreBuilder, KpiOptions, StreamOptions, kpis_with_store, stream_events_with,
};
use teichaku::model::{Limits, parse_document_with_limits, validate_document_with_limits};

/// The process's time on a CPU so far, every thread's, user and system (Linux `/proc/self/stat`,
/// in clock ticks of 10 ms); 0 elsewhere.
/// The process's resident and peak resident memory in MiB (Linux `/proc/self/status`).
#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads the kernel's statistics")]
fn memory_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads the scheduler's statistics")]
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: e2e-phases DATA_DIR [THREADS] [csv|jsonl]");
        return ExitCode::from(2);
    };
    match run(dir, &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e-phases: {e}");
            ExitCode::FAILURE
        }
    }
}

#[expect(clippy::disallowed_methods, reason = "a benchmark driver reads files and the clock")]
fn run(dir: &str, args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let threads = args.get(1).and_then(|t| t.parse().ok()).unwrap_or(2);
    let format = args.get(2).map_or("csv", String::as_str);
    let start = Instant::now();
    let cpu_at_start = cpu_seconds();
    let mut cpu_before = cpu_at_start;
    let mut lap = |what: &str, since: &mut Instant| {
        let cpu = cpu_seconds();
        let (rss, peak) = memory_mib();
        println!(
            "{what:<28} {:>8.3} s wall {:>8.3} s CPU {rss:>7.1} MiB resident {peak:>7.1} MiB peak",
            since.elapsed().as_secs_f64(),
            cpu - cpu_before
        );
        cpu_before = cpu;
        *since = Instant::now();
    };
    let mut since = Instant::now();
    let text = std::fs::read_to_string(format!("{dir}/doc.json"))?;
    let limits = Limits::default();
    let document = parse_document_with_limits(&text, &limits)?;
    drop(text);
    lap("parse the document", &mut since);
    let snapshot = validate_document_with_limits(document, &teichaku::Catalog::builtin(), &limits)
        .map_err(|errors| format!("{} validation errors", errors.len()))?;
    lap("validate", &mut since);
    let mut builder = EventStoreBuilder::new(&snapshot);
    lap("builder", &mut since);
    let file = std::fs::File::open(format!("{dir}/events.{format}"))?;
    let format = if format == "csv" { EventFormat::Csv } else { EventFormat::JsonLines };
    let options = StreamOptions { threads, ..StreamOptions::default() };
    let stored = stream_events_with(BufReader::new(file), format, &mut builder, &options, |_| {})?;
    lap("stream the events", &mut since);
    let store = builder.finish_on(threads)?;
    lap("finish", &mut since);
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).ok_or("a date")?;
    let report = kpis_with_store(&snapshot, &store, as_of, &KpiOptions::default())?;
    lap("kpis", &mut since);
    let json = serde_json::to_string(&report)?;
    lap("serialise", &mut since);
    println!(
        "{stored} events, {} bytes of JSON, {:.3} s wall and {:.3} s CPU in all",
        json.len(),
        start.elapsed().as_secs_f64(),
        cpu_seconds() - cpu_at_start
    );
    Ok(())
}
