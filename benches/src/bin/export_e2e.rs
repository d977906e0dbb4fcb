//! Writes the end-to-end data set of the peer comparison (`benches/peer/e2e.py`,
//! `benches/peer/compare-e2e.sh`): the organisation as an assessment document, its members as CSV
//! for the peers, and the usage events as one CSV file (`member,at,minutes,task`) and one JSON
//! Lines file of the same events.
//!
//! ```text
//! export-e2e [--events N] [--members M] [--member-keys] DIR
//! ```
//!
//! Writes into `DIR` (created if missing):
//! - `doc.json`: the organisation (M members in 50 units, `Unit 0` to `Unit 49`), the built-in
//!   playbook `sme-five-step`, no usage events;
//! - `members.csv`: `member,unit`, the member's uuid and its unit's number;
//! - `events.csv`: `member,at,minutes,task`: member uuids, UTC timestamps
//!   (`2026-08-03T09:14:00Z`), minutes with up to two decimals, a task slug; in the generator's
//!   (shuffled) order;
//! - `events.jsonl`: the same events, one JSON object a line;
//! - `meta.json`: `as_of` (the last day, a Sunday), `first_day` (a Monday), both as dates and as
//!   day numbers, the counts.
//!
//! The events are those of `synthetic::generate` with the standard seed, units and weeks:
//! 10,000,000 events of 100,000 members by default.
//!
//! With `--member-keys`, members are named as most companies' files name them, by an employee
//! number (`E000000`, `E000001`, …): the document gives each member a `key` and no uuid, and
//! `members.csv`, `events.csv` and `events.jsonl` hold the numbers where they held uuids
//! (`meta.json` says `"member_keys":true`). The events and figures are otherwise the same.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line tool reports to its terminal")]

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use teichaku_benches::{date, synthetic};

const USAGE: &str = "usage: export-e2e [--events N] [--members M] [--member-keys] DIR";

/// The task slugs of the events, picked by event.
const TASKS: [&str; 8] = ["mail", "summary", "code", "search", "translation", "meeting", "analysis", "writing"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let keys = args.iter().any(|a| a == "--member-keys");
    let args: Vec<String> = args.into_iter().filter(|a| a != "--member-keys").collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let number = |flag: &str, default: u64| value(flag).map_or(Some(default), |v| v.replace('_', "").parse().ok());
    let (Some(events), Some(members)) = (number("--events", 10_000_000), number("--members", 100_000)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Some(dir) = args.last().filter(|a| !a.starts_with('-') && args.len() % 2 == 1).map(PathBuf::from) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let members = u32::try_from(members).unwrap_or(u32::MAX);
    let data = synthetic::generate(
        synthetic::STANDARD_SEED,
        members,
        synthetic::STANDARD_UNITS,
        synthetic::STANDARD_WEEKS,
        events,
    );
    match export(&dir, &data, keys) {
        Ok(()) => {
            eprintln!(
                "export-e2e: wrote {} members and {} events to {}",
                data.members.len(),
                data.events.len(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("export-e2e: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A member's uuid: version 4 in form, its bits a hash of its number (the same every run).
fn member_uuid(i: u32) -> String {
    let mix = |x: u64| {
        let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let hi = (mix(u64::from(i)) & !0xf000) | 0x4000;
    let lo = (mix(u64::from(i) ^ 0x5555_5555_0000_0000) & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let n = (u128::from(hi) << 64) | u128::from(lo);
    let h = format!("{n:032x}");
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

fn unit_uuid(u: u32) -> String {
    format!("00000000-0000-4000-8000-{:012x}", 0x1_0000_0000_u64 + u64::from(u))
}

/// Minutes from hundredths, with as few decimals as they need.
fn minutes_text(centi: u32) -> String {
    match centi % 100 {
        0 => format!("{}", centi / 100),
        c if c % 10 == 0 => format!("{}.{}", centi / 100, c / 10),
        c => format!("{}.{c:02}", centi / 100),
    }
}

#[expect(clippy::disallowed_methods, reason = "the export tool writes the data set for the peer comparison")]
fn export(dir: &Path, data: &synthetic::Dataset, keys: bool) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name: fn(u32) -> String = if keys { |i| format!("E{i:06}") } else { member_uuid };
    let ids: Vec<String> = (0..data.members.len() as u32).map(name).collect();
    let field = if keys { "key" } else { "id" };

    let mut doc = String::with_capacity(ids.len() * 120);
    doc.push_str(r#"{"version":1,"organisation":{"name":"End to end","utc_offset":"+00:00","#);
    let _ = write!(doc, r#""launch_date":"{}","deployment_pattern":"hybrid","units":["#, date(data.first_day));
    for u in 0..data.units {
        let sep = if u == 0 { "" } else { "," };
        let _ = write!(doc, r#"{sep}{{"id":"{}","name":"Unit {u}"}}"#, unit_uuid(u));
    }
    doc.push_str(r#"],"members":["#);
    for (i, (m, id)) in data.members.iter().zip(&ids).enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(
            doc,
            r#"{sep}{{"{field}":"{id}","unit":"{}","roles":["staff"],"joined":"{}"}}"#,
            unit_uuid(u32::from(m.unit)),
            date(data.first_day - 365)
        );
    }
    doc.push_str(r#"]},"playbook":{"builtin":"sme-five-step"},"observations":{}}"#);
    std::fs::write(dir.join("doc.json"), doc)?;

    let mut out = BufWriter::new(File::create(dir.join("members.csv"))?);
    writeln!(out, "member,unit")?;
    for (m, id) in data.members.iter().zip(&ids) {
        writeln!(out, "{id},{}", m.unit)?;
    }
    out.flush()?;

    let days: Vec<String> = (data.first_day..=data.as_of).map(|d| date(d).to_string()).collect();
    let mut csv = BufWriter::with_capacity(1 << 20, File::create(dir.join("events.csv"))?);
    let mut jsonl = BufWriter::with_capacity(1 << 20, File::create(dir.join("events.jsonl"))?);
    writeln!(csv, "member,at,minutes,task")?;
    for (n, e) in data.events.iter().enumerate() {
        let id = &ids[e.member as usize];
        let day = &days[(e.day - data.first_day) as usize];
        let (hour, minute) = (e.minute_of_day / 60, e.minute_of_day % 60);
        let minutes = minutes_text(e.minutes_centi);
        let task = TASKS[(n * 7 + e.member as usize) % TASKS.len()];
        writeln!(csv, "{id},{day}T{hour:02}:{minute:02}:00Z,{minutes},{task}")?;
        writeln!(
            jsonl,
            r#"{{"member":"{id}","at":"{day}T{hour:02}:{minute:02}:00Z","minutes":{minutes},"task":"{task}"}}"#
        )?;
    }
    csv.flush()?;
    jsonl.flush()?;

    let meta = format!(
        "{{\"members\":{},\"units\":{},\"events\":{},\"first_day\":{},\"as_of\":{},\"first_date\":\"{}\",\"as_of_date\":\"{}\",\"member_keys\":{keys}}}\n",
        data.members.len(),
        data.units,
        data.events.len(),
        data.first_day,
        data.as_of,
        date(data.first_day),
        date(data.as_of)
    );
    std::fs::write(dir.join("meta.json"), meta)
}
