//! Documents shaped for scale (see `scale/mod.rs`): deep chains, wide fans, k-ary and random unit
//! trees of up to a few thousand units, members with roles over them, a built-in or generated
//! playbook with long dependency chains over many phases and waves, and many per-unit
//! completions and usage events. Each document goes through the public API:
//! `teichaku::load` (parse, resolve, validate) → `teichaku::kpis` → `teichaku::assess`, and, for
//! plans small enough, `teichaku::best_single_action` and a what-if (`teichaku::simulate`) of
//! doing the first proposed action.
//!
//! Invariants:
//! - no panic; a document refused is refused with a typed error (a broken edit always is);
//! - `RolloutPlan::inconsistencies()` is empty;
//! - deterministic: a copy with its members and observations shuffled, loaded and assessed
//!   again, gives the same bytes; a copy with its units and each
//!   wave's units shuffled (their order means something: the order of the reports' scopes, the
//!   tie-break of complementary suppression) counts the same members in each scope and has the
//!   same instances, in a plan that respects its edges;
//! - the KPI report's scopes are the assessment's (`kpis` and `assess` agree);
//!
//! The checks that load the document once more (units reordered) and `kpis` alone run on
//! documents of up to 300 units and instances; `best_single_action` and the what-if on plans of
//! up to 80 instances.
//! - privacy: no scope under the minimum group size shows a figure or a score, and no shown unit
//!   minus its shown child units leaves a group of 1 to (minimum − 1).

#![no_main]

mod common;
mod scale;

use common::stat;
use libfuzzer_sys::fuzz_target;
use scale::{Caps, Input};
use teichaku::metrics::{Figure, Scope};
use teichaku::model::{Completion, Observations};

/// A deep chain or a wide fan of 1,500 to 3,000 units for one input in 256 (tens of
/// milliseconds), up to 120 units for the others (a fraction of a millisecond), a plan of up to
/// 600 instances.
const CAPS: Caps =
    Caps { units: 3000, common_units: 120, members_per_unit: 4, usage: 1000, instances: 600, activities: 60 };

/// Plans up to this many instances also get `best_single_action` and a what-if.
const SIMULATE_UP_TO: usize = 80;

/// Documents up to this many units and instances also get the checks that load them again
/// (units reordered) and `kpis` alone.
const RECHECK_UP_TO: usize = 300;

fn check_privacy(kpis: &teichaku::KpiReport, built: &scale::Built) {
    let min = u64::from(kpis.settings.min_group_size);
    let mut shown_units = std::collections::BTreeMap::new();
    for s in &kpis.scopes {
        let shown = matches!(s.figures, Figure::Value(_));
        if s.headcount < min {
            assert!(!shown, "{:?}: {} members under {min}, figures shown", s.scope, s.headcount);
        }
        if !shown {
            assert!(!matches!(s.score, Figure::Value(_)), "{:?}: a score without figures", s.scope);
        }
        if let Scope::Unit(u) = s.scope {
            let index = usize::from_str_radix(&u.to_string()[24..], 16).unwrap_or(usize::MAX);
            shown_units.insert(index, (shown, s.headcount));
        }
    }
    // A shown unit minus its shown children: no group of 1 to (min − 1) left.
    let mut children: std::collections::BTreeMap<usize, u64> = std::collections::BTreeMap::new();
    for (i, p) in built.parents.iter().enumerate() {
        if let (Some(p), Some(&(true, h))) = (p, shown_units.get(&i)) {
            *children.entry(*p).or_default() += h;
        }
    }
    for (p, sum) in children {
        if let Some(&(true, h)) = shown_units.get(&p) {
            let rest = h.saturating_sub(sum);
            assert!(
                rest == 0 || rest >= min,
                "unit {p} shows {h} members and its shown children {sum}: {rest} left, under {min}"
            );
        }
    }
}

type Run = (String, teichaku::Assessment, teichaku::model::ValidSnapshot);

/// Loads and assesses `text`: the serialised assessment, or the typed error's message.
fn run(text: &str, as_of: chrono::NaiveDate) -> Result<Run, String> {
    let snapshot = teichaku::load(text, common::catalog()).map_err(|e| e.to_string())?;
    let assessment = teichaku::assess(&snapshot, as_of).map_err(|e| e.to_string())?;
    let json = match serde_json::to_string(&assessment) {
        Ok(j) => j,
        Err(e) => panic!("the assessment serialises: {e}"),
    };
    Ok((json, assessment, snapshot))
}

fuzz_target!(|input: Input| {
    let built = scale::build(&input, &CAPS);
    let text = built.document.to_string();
    if std::env::var_os("FUZZ_DUMP").is_some() {
        eprintln!("FUZZ_DUMP as_of {}\n{text}", built.as_of);
    }
    if std::env::var_os("FUZZ_STATS").is_some() {
        stat(&format!("{:?}", scale::sizes(&built.document)));
    }
    let (first, a, snapshot) = match run(&text, built.as_of) {
        Ok(r) => r,
        Err(e) => {
            stat(&format!("refused: {e}"));
            return;
        }
    };
    assert!(!built.broken, "a broken document was accepted");
    stat(&format!("assessed: {} instances, {} actions", a.plan.instances.len(), a.actions.actions.len()));

    let found = a.plan.inconsistencies();
    assert!(found.is_empty(), "the plan breaks its edges: {found:#?}");
    check_privacy(&a.kpis, &built);

    // The document shuffled: a second load, the same bytes out.
    let shuffled = scale::shuffled(&built.document, input.shuffle, &scale::UNORDERED, false).to_string();
    match run(&shuffled, built.as_of) {
        Ok((second, ..)) => {
            if second != first {
                panic!(
                    "the document with its members and observations shuffled gives another assessment:\n{first}\n{second}"
                );
            }
        }
        Err(e) => panic!("the shuffled document is refused: {e}"),
    }
    if built.parents.len() > RECHECK_UP_TO || a.plan.instances.len() > RECHECK_UP_TO {
        return;
    }
    // `kpis` alone gives the assessment's figures.
    match teichaku::kpis(&snapshot, built.as_of, &Default::default()) {
        Ok(k) => assert!(k == a.kpis, "kpis and assess disagree"),
        Err(e) => panic!("kpis fails where assess did not: {e}"),
    }
    // Units and waves in another order: the order of the reports' lists and some tie-breaks
    // follow the unit list, but who is counted where and which instances exist do not.
    let reordered = scale::shuffled(&built.document, input.shuffle ^ 1, &scale::ORDERED, true).to_string();
    match run(&reordered, built.as_of) {
        Ok((_, b, _)) => {
            let heads = |a: &teichaku::Assessment| {
                let mut h: Vec<String> =
                    a.kpis.scopes.iter().map(|s| format!("{:?} {}", s.scope, s.headcount)).collect();
                h.sort_unstable();
                h
            };
            assert!(heads(&a) == heads(&b), "the units reordered count other members");
            let keys = |a: &teichaku::Assessment| {
                let mut k: Vec<String> = a.plan.instances.iter().map(|i| format!("{:?}", i.key)).collect();
                k.sort_unstable();
                k
            };
            assert!(keys(&a) == keys(&b), "the units reordered give other instances");
            let found = b.plan.inconsistencies();
            assert!(found.is_empty(), "the reordered plan breaks its edges: {found:#?}");
        }
        Err(e) => panic!("the document with its units reordered is refused: {e}"),
    }

    // What-if and the best single action, on small plans.
    if a.plan.instances.len() <= SIMULATE_UP_TO {
        let ranked = match teichaku::best_single_action(&snapshot, &a) {
            Ok(r) => r,
            Err(e) => panic!("best_single_action of its own assessment: {e}"),
        };
        assert!(ranked.windows(2).all(|w| w[0].instances_unblocked >= w[1].instances_unblocked));
        assert!(ranked.iter().all(|u| u.instances_unblocked == u.unblocked.len()));
        if let Some(ready) = a
            .plan
            .instances
            .iter()
            .find(|i| matches!(i.status, teichaku::rollout::Status::Ready | teichaku::rollout::Status::Overdue))
        {
            let done = Completion::new(ready.key.activity.clone(), built.as_of).in_unit(ready.key.unit);
            let extra = Observations::new().with_completion(done);
            let events = match teichaku::snapshot_events(&snapshot) {
                Ok(e) => e,
                Err(e) => panic!("the events of a loaded snapshot: {e}"),
            };
            match teichaku::simulate(&snapshot, &events, built.as_of, extra, &Default::default()) {
                Ok(w) => {
                    assert!(w.before == a, "the what-if's before is not the assessment");
                    let found = w.after.plan.inconsistencies();
                    assert!(found.is_empty(), "the what-if's plan breaks its edges: {found:#?}");
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
        }
    }
});
