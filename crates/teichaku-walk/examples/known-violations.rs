//! Writes the walks' violated (walk, invariant) pairs in the format of
//! `tests/data/walks-known-violations.txt`, each with the FIXME naming what the engine lacks:
//!
//! ```text
//! cargo run -p teichaku-walk --example known-violations > tests/data/walks-known-violations.txt
//! ```
//!
//! With `-- --first`, writes instead the first violation of each pair, with its day, what was seen
//! and the top actions of that step: what to read when fixing one.
//!
//! Read the difference before committing it: a pair that disappears is a fix, one that appears is
//! a regression unless the walk itself changed.

use std::collections::BTreeSet;
use std::io::Write;

use teichaku_walk::Invariant;

fn why(i: Invariant) -> &'static str {
    match i {
        Invariant::NoStall => {
            "habit stays under the last gate's bar with the playbook's work done: the model's ceiling, or a one-unit walk's weekly swing (issue 12, item 2)"
        }
        Invariant::StagedSpreadEveryUnit => "waves wait for appointments nobody proposes (issue 12, item 2)",
        Invariant::StagedSpreadOrder => "deployment_pattern does not shape the waves (issue 12, item 2)",
        Invariant::StagedSpreadGate => "a wave opens on roles, not on the previous wave's gate (issue 12, item 2)",
        Invariant::StagedSpreadAhead => "work is proposed in units whose wave has not started (issue 12, item 2)",
        Invariant::WindowsProposed => "next actions ignore not_before (issue 12, item 2)",
        Invariant::WindowsReady => "the plan's status ignores not_before (issue 12, item 2)",
        Invariant::WindowsDone => "work proposed before its window is counted done (issue 12, item 2)",
        Invariant::WindowsWhatIf => "what-if ignores not_before (issue 12, item 2)",
        Invariant::HonestGatesBar => "gates pass on partial credit below the seed's retention bar (issue 12, item 2)",
        Invariant::HonestGatesMinimumTime => "gates pass before the method's own reviews are due (issue 12, item 2)",
        Invariant::HonestGatesWaves => "per-unit criteria pass on the pilot alone (issue 12, item 2)",
        Invariant::RankingBarrier => {
            "a KPI barrier answered only by repeating routines ranks under late recurrences (issue 12, item 2)"
        }
        Invariant::RankingOverdue => {
            "a late check competes for the top 5 with the barrier's chain and a wave's appointments, which outrank overdue work for its first weeks (issue 12, item 2)"
        }
        Invariant::RankingReach => {
            "per-unit interventions fire in units the rollout has not reached (issue 12, item 2)"
        }
        Invariant::RankingRoles => {
            "actions name roles nobody holds without proposing the appointment (issue 12, item 2)"
        }
        Invariant::NextCycleTrained => "a new hire waits for a catch-up training (issue 12, item 3)",
        Invariant::NextCycleNewTool => "the trained wait to be trained again for a new tool (issue 12, item 3)",
        _ => "see issue 12",
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let catalog = teichaku::Catalog::builtin();
    let specs = teichaku_walk::WalkSpec::all(&catalog);
    let walks = teichaku_walk::run_all(&specs, &catalog)?;
    if std::env::args().any(|a| a == "--first") {
        let mut seen = BTreeSet::new();
        let mut out = std::io::stdout().lock();
        for v in walks.iter().flat_map(|w| &w.violations) {
            if seen.insert((v.walk.clone(), v.invariant)) {
                write!(out, "{v}")?;
            }
        }
        return Ok(());
    }
    let pairs: BTreeSet<(String, Invariant)> =
        walks.iter().flat_map(|w| w.violations.iter().map(|v| (v.walk.clone(), v.invariant))).collect();
    let mut lines: Vec<String> = pairs.iter().map(|(w, i)| format!("{w} {i}  # FIXME: {}", why(*i))).collect();
    lines.sort();
    let mut out = std::io::stdout().lock();
    writeln!(out, "# The (walk, invariant) pairs the walks break today, each with what the engine lacks.")?;
    writeln!(out, "# tests/it/walks.rs fails when the walks break a pair not listed or keep a listed one;")?;
    writeln!(
        out,
        "# regenerate: cargo run -p teichaku-walk --example known-violations > tests/data/walks-known-violations.txt"
    )?;
    for line in lines {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
