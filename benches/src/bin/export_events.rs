//! Writes the benchmark's synthetic data set as CSV files for the peer comparison (`benches/peer/`).
//!
//! ```text
//! export-events [--small] DIR
//! ```
//!
//! Writes into `DIR` (created if missing):
//! - `members.csv`: `member,unit`, one row per member, in member order;
//! - `events.csv`: `member,day,minutes_centi`, one row per usage event, in the generator's
//!   (shuffled) order; `day` is local days since 1970-01-01;
//! - `meta.json`: the generator's arguments, `first_day` (a Monday) and `as_of` (the last day, a
//!   Sunday).
//!
//! Without `--small` the data set is the standard one, `synthetic::standard()`: 100,000 members,
//! 50 units, 13 weeks, 10,000,000 events. With `--small` it is `synthetic::small()`: 2,000 members
//! and 50,000 events.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line tool reports to its terminal")]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use teichaku_benches::synthetic::{self, Dataset};

const USAGE: &str = "usage: export-events [--small] DIR";

fn main() -> ExitCode {
    let mut small = false;
    let mut dir: Option<PathBuf> = None;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--small") => small = true,
            Some("-h" | "--help") => {
                println!("{USAGE}\n\nWrites members.csv, events.csv and meta.json of the benchmark data set into DIR.");
                return ExitCode::SUCCESS;
            }
            Some(flag) if flag.starts_with('-') => {
                eprintln!("export-events: unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("export-events: one output directory only\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };

    let (name, members, events) = if small {
        ("small", synthetic::SMALL_MEMBERS, synthetic::SMALL_EVENTS)
    } else {
        ("standard", synthetic::STANDARD_MEMBERS, synthetic::STANDARD_EVENTS)
    };
    let data = synthetic::generate(
        synthetic::STANDARD_SEED,
        members,
        synthetic::STANDARD_UNITS,
        synthetic::STANDARD_WEEKS,
        events,
    );
    match export(&dir, name, &data) {
        Ok(()) => {
            eprintln!(
                "export-events: wrote the {name} set ({} members, {} units, {} events, days {}..={}) to {}",
                data.members.len(),
                data.units,
                data.events.len(),
                data.first_day,
                data.as_of,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("export-events: {}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn export(dir: &Path, name: &str, data: &Dataset) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;

    let mut line = Vec::with_capacity(32);
    let mut out = create(&dir.join("members.csv"))?;
    out.write_all(b"member,unit\n")?;
    for (member, m) in data.members.iter().enumerate() {
        line.clear();
        push_int(&mut line, member as u64);
        line.push(b',');
        push_int(&mut line, u64::from(m.unit));
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;

    let mut out = create(&dir.join("events.csv"))?;
    out.write_all(b"member,day,minutes_centi\n")?;
    for e in &data.events {
        line.clear();
        push_int(&mut line, u64::from(e.member));
        line.push(b',');
        // Generated days are never negative.
        push_int(&mut line, u64::from(e.day.unsigned_abs()));
        line.push(b',');
        push_int(&mut line, u64::from(e.minutes_centi));
        line.push(b'\n');
        out.write_all(&line)?;
    }
    out.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;

    let meta = format!(
        concat!(
            "{{\"set\":\"{}\",\"seed\":{},\"members\":{},\"units\":{},\"weeks\":{},\"events\":{},",
            "\"first_day\":{},\"as_of\":{}}}\n"
        ),
        name,
        synthetic::STANDARD_SEED,
        data.members.len(),
        data.units,
        (data.as_of - data.first_day + 1) / 7,
        data.events.len(),
        data.first_day,
        data.as_of
    );
    let mut out = create(&dir.join("meta.json"))?;
    out.write_all(meta.as_bytes())?;
    out.flush()
}

#[expect(clippy::disallowed_methods, reason = "the export tool writes the data set for the peer script")]
fn create(path: &Path) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

/// Appends the decimal digits of `value`.
fn push_int(buf: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0_u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}
