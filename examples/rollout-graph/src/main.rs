//! Reads an assessment document and writes its instantiated rollout as a Mermaid graph, each
//! activity instance styled by its status on the given date.
//!
//! ```text
//! cargo run -p teichaku-cli -- demo --document > demo.json
//! cargo run -p example-rollout-graph -- demo.json 2026-11-01 rollout.mmd
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "an example program talks to its terminal")]

use std::process::ExitCode;

use teichaku::model::Lang;
use teichaku::{Catalog, load};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, as_of, out] = args.as_slice() else {
        eprintln!("usage: example-rollout-graph DOCUMENT AS_OF OUT.mmd");
        return ExitCode::from(2);
    };
    let Ok(as_of) = as_of.parse::<chrono::NaiveDate>() else {
        eprintln!("AS_OF must be a date such as 2026-11-01");
        return ExitCode::from(2);
    };
    #[expect(clippy::disallowed_methods, reason = "an example program reads the document it is given")]
    let text = std::fs::read_to_string(path);
    let snapshot =
        match text.map_err(|e| e.to_string()).and_then(|t| load(&t, &Catalog::builtin()).map_err(|e| e.to_string())) {
            Ok(snapshot) => snapshot,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::from(1);
            }
        };
    let plan = teichaku::rollout::plan(&snapshot, as_of);
    let graph = teichaku::rollout::plan_mermaid(&snapshot, &plan, Lang::En);
    #[expect(clippy::disallowed_methods, reason = "an example program writes the graph it was asked for")]
    let written = std::fs::write(out, graph);
    match written {
        Ok(()) => {
            println!("{} instances, projected finish {}: wrote {out}", plan.instances.len(), plan.projected_finish);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{out}: {e}");
            ExitCode::from(1)
        }
    }
}
