//! Writes a scale document (see `teichaku_benches::scale`) for the command line to read.
//!
//! ```text
//! scale-docs FILE --units N [--members-per-unit M] [--deep] [--playbook ID | --doubled] [--completions C] [--events E] [--records R] [--reviews-spread] [--joining-spread]
//! ```
//!
//! `--playbook` names a built-in playbook (default `sme-five-step`); `--doubled` puts
//! `sme-five-step` inline with each per-unit activity twice (20 instances per unit);
//! `--members-per-unit` (default 1) staffs each unit (five: every unit shown and scored);
//! `--records` adds survey answers, proposals, consultations, incidents and success cases
//! (`teichaku_benches::scale::with_records`); `--reviews-spread` adds one `weekly-pdca-review`
//! completion a unit, unit `i` on the `i`-th day after launch (a review pack a unit, each on a
//! day of its own: `teichaku_benches::scale::with_reviews_spread`, for `exec-led-design`);
//! `--joining-spread` has every member but the first two join on their unit's review day
//! (`teichaku_benches::scale::with_joining_spread`).

#![allow(clippy::print_stderr, reason = "a benchmark driver reports on its terminal")]

use std::process::ExitCode;

use teichaku_benches::scale::{
    Shape, builtin, sme_doubled, staffed, with_joining_spread, with_records, with_reviews_spread,
};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let number = |name: &str| value(name).and_then(|v| v.replace('_', "").parse::<usize>().ok());
    let (Some(file), Some(units)) = (args.first(), number("--units")) else {
        eprintln!(
            "usage: scale-docs FILE --units N [--members-per-unit M] [--deep] [--playbook ID | --doubled] [--completions C] [--events E] [--records R] [--reviews-spread] [--joining-spread]"
        );
        return ExitCode::FAILURE;
    };
    let shape = if args.iter().any(|a| a == "--deep") { Shape::Deep } else { Shape::Flat };
    let playbook = if args.iter().any(|a| a == "--doubled") {
        sme_doubled()
    } else {
        builtin(&value("--playbook").unwrap_or_else(|| "sme-five-step".to_owned()))
    };
    let per_unit = number("--members-per-unit").unwrap_or(1);
    let (completions, events) = (number("--completions").unwrap_or(0), number("--events").unwrap_or(0));
    let mut text = staffed(units, per_unit, shape, &playbook, completions, events);
    if let Some(records) = number("--records").filter(|&r| r > 0) {
        text = with_records(&text, records);
    }
    if args.iter().any(|a| a == "--reviews-spread") {
        text = with_reviews_spread(&text, "weekly-pdca-review");
    }
    if args.iter().any(|a| a == "--joining-spread") {
        text = with_joining_spread(&text);
    }
    #[expect(clippy::disallowed_methods, reason = "a benchmark driver writes the document it makes")]
    let written = std::fs::write(file, text);
    if let Err(e) = written {
        eprintln!("cannot write {file}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
