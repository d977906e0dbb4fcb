//! The walks of issue 12: every built-in playbook × deployment pattern × organisation shape × k,
//! walked a year from launch doing the top k actions of a weekly assessment
//! (crates/teichaku-walk documents the walk, the usage model and the action mapping).
//!
//! Today's engine breaks many of the invariants: the (walk, invariant) pairs it breaks are listed,
//! each with a FIXME, in tests/data/walks-known-violations.txt. The test fails when a walk breaks
//! a pair not listed (printing the walk, the day and the action list) or no longer breaks a listed
//! one (remove it from the list).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use teichaku::Catalog;
use teichaku_walk::{Invariant, Walk, WalkSpec, markdown, run};

const KNOWN: &str = include_str!("../data/walks-known-violations.txt");
const PAGE: &str = include_str!("../../docs/walks.md");

/// Every walk, run once for all the tests of this module, on two threads.
fn walks() -> &'static [Walk] {
    static WALKS: OnceLock<Vec<Walk>> = OnceLock::new();
    WALKS.get_or_init(|| {
        let catalog = Catalog::builtin();
        let specs = WalkSpec::all(&catalog);
        let threads = 2;
        let mut out: Vec<Option<Walk>> = vec![None; specs.len()];
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (specs, catalog) = (&specs, &catalog);
                    s.spawn(move || {
                        specs
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| i % threads == t)
                            .map(|(i, spec)| (i, run(spec, catalog).unwrap_or_else(|e| panic!("{e}"))))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (i, w) in h.join().unwrap() {
                    out[i] = Some(w);
                }
            }
        });
        out.into_iter().map(Option::unwrap).collect()
    })
}

/// The listed pairs, after checking the file's form: comment lines first, then one sorted
/// `walk invariant  # FIXME: why` per line.
fn known() -> BTreeSet<(String, String)> {
    let entries: Vec<&str> = KNOWN.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
    let mut sorted = entries.clone();
    sorted.sort();
    assert_eq!(entries, sorted, "tests/data/walks-known-violations.txt is not sorted");
    let names: BTreeSet<&str> = Invariant::ALL.iter().map(|i| i.as_str()).collect();
    entries
        .iter()
        .map(|line| {
            let (pair, why) =
                line.split_once("  # FIXME: ").unwrap_or_else(|| panic!("no `  # FIXME: why` in `{line}`"));
            assert!(!why.trim().is_empty(), "an empty FIXME in `{line}`");
            let (walk, invariant) = pair.split_once(' ').unwrap_or_else(|| panic!("not `walk invariant`: `{line}`"));
            assert!(names.contains(invariant), "unknown invariant `{invariant}` in `{line}`");
            (walk.to_owned(), invariant.to_owned())
        })
        .collect()
}

#[test]
fn every_walk_keeps_every_invariant_but_the_known_violations() {
    let walks = walks();
    assert_eq!(walks.len(), 5 * 3 * 3 * 2);
    assert!(walks.iter().all(|w| w.steps.len() == 53), "53 weekly assessments, day 0 to day 364");
    let known = known();
    let mut first: BTreeMap<(String, String), u64> = BTreeMap::new();
    for v in walks.iter().flat_map(|w| &w.violations) {
        first.entry((v.walk.clone(), v.invariant.as_str().to_owned())).or_insert(v.day);
    }
    let actual: BTreeSet<(String, String)> = first.keys().cloned().collect();
    let new: Vec<&(String, String)> = actual.difference(&known).collect();
    let fixed: Vec<&(String, String)> = known.difference(&actual).collect();
    if new.is_empty() && fixed.is_empty() {
        return;
    }
    let mut report = String::new();
    for (walk, invariant) in &new {
        let all: Vec<_> = walks
            .iter()
            .flat_map(|w| &w.violations)
            .filter(|v| &v.walk == walk && v.invariant.as_str() == invariant)
            .collect();
        report.push_str(&format!("NEW {walk} {invariant}: {} steps; the first three:\n", all.len()));
        for v in all.iter().take(3) {
            report.push_str(&v.to_string());
        }
    }
    for (walk, invariant) in &fixed {
        report.push_str(&format!("FIXED {walk} {invariant}: it holds now; remove it from the known list\n"));
    }
    report.push_str("\nSummary: the first violating day of each invariant, per walk\n");
    let mut by_walk: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ((walk, invariant), day) in &first {
        by_walk.entry(walk).or_default().push(format!("{invariant}@{day}"));
    }
    for (walk, list) in by_walk {
        report.push_str(&format!("  {walk}: {}\n", list.join(" ")));
    }
    panic!(
        "{} new violations, {} fixed (tests/data/walks-known-violations.txt; regenerate it with \
         `cargo run -p teichaku-walk --example known-violations` once the change is judged right)\n{report}",
        new.len(),
        fixed.len()
    );
}

#[test]
fn docs_walks_md_is_what_the_command_writes() {
    let page = markdown(walks());
    if page != PAGE {
        let at = page
            .lines()
            .zip(PAGE.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(page.lines().count().min(PAGE.lines().count()));
        panic!(
            "docs/walks.md differs from the walks from line {}: regenerate it with \
             `cargo run -p teichaku-walk --example walks > docs/walks.md`\n  generated: {:?}\n  on disk:   {:?}",
            at + 1,
            page.lines().nth(at),
            PAGE.lines().nth(at)
        );
    }
}
