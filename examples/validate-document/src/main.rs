//! Reads an assessment document, reports every problem in it, or prints the weekly-active figure
//! of each unit.
//!
//! ```text
//! cargo run -p teichaku-cli -- demo --document > demo.json
//! cargo run -p example-validate-document -- demo.json 2026-11-01
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example program talks to its terminal")]

use std::process::ExitCode;

use teichaku::{Catalog, LoadError, load, overview};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(as_of)) = (args.next(), args.next()) else {
        eprintln!("usage: example-validate-document FILE AS_OF");
        return ExitCode::from(2);
    };
    let Ok(as_of) = as_of.parse::<chrono::NaiveDate>() else {
        eprintln!("AS_OF must be a date such as 2026-11-01");
        return ExitCode::from(2);
    };
    #[expect(clippy::disallowed_methods, reason = "an example program reads the file it is given")]
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(1);
        }
    };
    match load(&text, &Catalog::builtin()) {
        Ok(snapshot) => {
            let report = overview(&snapshot, as_of);
            for unit in &report.units {
                match unit.weekly_active.rate {
                    Some(rate) => println!("{:<24} {:>5.1}%", unit.name, rate * 100.0),
                    None => println!("{:<24} (fewer members than the minimum group size)", unit.name),
                }
            }
            ExitCode::SUCCESS
        }
        Err(LoadError::Invalid(errors)) => {
            for e in &errors {
                println!("{e}");
            }
            ExitCode::from(1)
        }
        Err(e) => {
            println!("{e}");
            ExitCode::from(1)
        }
    }
}
