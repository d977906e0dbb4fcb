//! Arbitrary dependency edges over up to 16 activities: a playbook document whose activities
//! depend on each other through `depends_on` and through `timing.after`, in one to three phases,
//! some organisation-wide and some per unit; edges may dangle (an id past the list).
//!
//! `validate_playbook` must report exactly the cycles the edges hold: each
//! `ValidationError::DependencyCycle` names activities that really form a cycle (following the
//! edges, each reaches every other; a single one has an edge to itself), every cycle of the
//! edges is named by one, and an accepted playbook has none. An accepted playbook is then
//! instantiated over a small organisation of two waves, with some activities done, and planned:
//! the plan must respect every edge (each instance comes after the instances of its
//! prerequisites, and an open one starts after they finish).

#![no_main]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{catalog, stat};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use teichaku::model::{ValidationError, parse_playbook, validate_playbook};
use teichaku::rollout::{RolloutPlan, plan};

const MAX_ACTIVITIES: u8 = 16;

#[derive(Arbitrary, Debug)]
struct Input {
    /// How many activities, 1 to 16.
    activities: u8,
    /// `(from, to)`: activity `to` waits for `from`; ids past the list dangle.
    edges: Vec<(u8, u8)>,
    /// `to` waits through `timing.after` rather than `depends_on` (one anchor an activity).
    anchors: Vec<(u8, u8)>,
    /// Each activity's phase (of up to three), per-unit flag and duration.
    shape: Vec<(u8, bool, u8)>,
    phases: u8,
    /// Orient every edge from the smaller index to the larger, keep ids in the list and phases in
    /// order: a playbook that must be accepted, so planning is fuzzed too.
    acyclic: bool,
    /// Activities done, with a day offset, for the plan.
    done: Vec<(u8, Option<u8>, u8)>,
    as_of: u8,
}

fn id(i: usize) -> String {
    format!("x{i}")
}

/// Tarjan-free reachability: every node set of a cycle (SCCs of two or more, or a self-loop).
fn cycles(n: usize, edges: &BTreeSet<(usize, usize)>) -> BTreeSet<BTreeSet<usize>> {
    // reach[a] holds every node reachable from a in one or more steps.
    let mut reach: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for &(a, b) in edges {
        reach[a].insert(b);
    }
    loop {
        let mut changed = false;
        for a in 0..n {
            let next: BTreeSet<usize> = reach[a].iter().flat_map(|&b| reach[b].iter().copied()).collect();
            for b in next {
                changed |= reach[a].insert(b);
            }
        }
        if !changed {
            break;
        }
    }
    (0..n)
        .filter(|&a| reach[a].contains(&a))
        .map(|a| (0..n).filter(|&b| reach[a].contains(&b) && reach[b].contains(&a)).collect())
        .collect()
}

/// Whether `nodes` form a cycle following `edges` inside the set: from each, every other (and
/// itself, through at least one edge) is reachable.
fn is_cycle(nodes: &BTreeSet<usize>, edges: &BTreeSet<(usize, usize)>) -> bool {
    nodes.iter().all(|&start| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(a) = stack.pop() {
            for &(x, y) in edges {
                if x == a && nodes.contains(&y) && seen.insert(y) {
                    stack.push(y);
                }
            }
        }
        seen == *nodes
    })
}

fn title() -> Value {
    json!({ "en": "t", "ja": "t" })
}

fn unit(i: u32) -> String {
    format!("00000000-0000-0000-0000-{:012x}", 0x100 + i)
}

fuzz_target!(|input: Input| {
    let n = usize::from(input.activities % MAX_ACTIVITIES) + 1;
    let phases = usize::from(input.phases % 3) + 1;
    // The id space is one larger than the list: `n` dangles.
    let space = if input.acyclic { n } else { n + 1 };
    let edge = |(from, to): (u8, u8)| {
        let (from, to) = (usize::from(from) % space, usize::from(to) % space);
        if !input.acyclic {
            Some((from, to))
        } else if from == to {
            None
        } else {
            Some((from.min(to), from.max(to)))
        }
    };
    let mut depends_on: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut anchor: Vec<Option<usize>> = vec![None; n];
    for (from, to) in input.edges.iter().take(64).filter_map(|&e| edge(e)) {
        if to < n {
            depends_on[to].insert(from);
        }
    }
    for (from, to) in input.anchors.iter().take(16).filter_map(|&e| edge(e)) {
        if to < n {
            anchor[to] = Some(from);
        }
    }
    let shape = |i: usize| input.shape.get(i).copied().unwrap_or((0, false, 1));
    // In acyclic mode phases never decrease along the list.
    let mut phase_of: Vec<usize> = (0..n).map(|i| usize::from(shape(i).0) % phases).collect();
    if input.acyclic {
        phase_of.sort_unstable();
    }
    let phase = |i: usize| phase_of[i];

    let activities: Vec<Value> = (0..n)
        .map(|i| {
            let (_, per_unit, duration) = shape(i);
            let mut a = json!({
                "id": id(i), "phase": format!("p{}", phase(i)), "title": title(), "owner": "promotion_lead",
                "scope": if per_unit { "per_unit" } else { "organisation" }, "duration_days": 1 + duration % 9,
                "depends_on": depends_on[i].iter().map(|&d| id(d)).collect::<Vec<_>>(),
            });
            if let Some(x) = anchor[i] {
                a["timing"] = json!({ "after": { "activity": id(x) }, "due_within_days": 30 });
            }
            a
        })
        .collect();
    let phase_list: Vec<Value> = (0..phases)
        .map(|p| json!({ "id": format!("p{p}"), "title": title(), "summary": title(), "gate": { "criteria": [] } }))
        .collect();
    let playbook = json!({
        "version": 1, "id": "edges", "revision": 1, "title": title(), "summary": title(),
        "phases": phase_list, "activities": activities,
    });
    let text = playbook.to_string();
    if std::env::var_os("FUZZ_DUMP").is_some() {
        // The playbook, to turn a crash into a test.
        eprintln!("FUZZ_DUMP\n{text}");
    }
    let parsed = match parse_playbook(&text) {
        Ok(p) => p,
        Err(e) => panic!("the generated playbook parses: {e}\n{text}"),
    };

    // The edges the validator sees: prerequisite -> dependent, between listed activities.
    let edges: BTreeSet<(usize, usize)> = (0..n)
        .flat_map(|i| depends_on[i].iter().copied().chain(anchor[i]).map(move |d| (d, i)))
        .filter(|&(d, _)| d < n)
        .collect();
    let dangling = (0..n).any(|i| depends_on[i].iter().copied().chain(anchor[i]).any(|d| d >= n));
    let later_phase = edges.iter().any(|&(d, i)| phase(d) > phase(i));
    let expected = cycles(n, &edges);

    let index: BTreeMap<String, usize> = (0..n).map(|i| (id(i), i)).collect();
    match validate_playbook(&parsed) {
        Ok(()) => {
            assert!(expected.is_empty(), "accepted with cycles {expected:?} in {edges:?}");
            assert!(!dangling, "accepted with a dangling prerequisite");
            assert!(!later_phase, "accepted with a dependency on a later phase");
        }
        Err(errors) => {
            let _ = errors.to_string();
            stat(if expected.is_empty() { "refused" } else { "refused, cycles" });
            let mut named = BTreeSet::new();
            for e in &errors {
                if let ValidationError::DependencyCycle { activities } = e {
                    let nodes: BTreeSet<usize> = activities
                        .iter()
                        .map(|a| *index.get(a.as_str()).unwrap_or_else(|| panic!("cycle names unknown {a}")))
                        .collect();
                    assert_eq!(nodes.len(), activities.len(), "a cycle names an activity twice: {activities:?}");
                    assert!(is_cycle(&nodes, &edges), "{activities:?} is not a cycle of {edges:?}");
                    assert!(named.insert(nodes), "a cycle named twice: {activities:?}");
                }
            }
            assert_eq!(named, expected, "cycles named and cycles in {edges:?}");
            assert!(!input.acyclic, "an acyclic playbook is refused: {errors}");
            if expected.is_empty() && !dangling && !later_phase {
                panic!("refused without a cycle, dangling id or later phase: {errors}");
            }
            return;
        }
    }

    // Accepted: instantiate over three units in two waves and plan.
    let launch = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
    let as_of = launch + chrono::Days::new(u64::from(input.as_of));
    // At most one completion an instance.
    let mut seen = BTreeSet::new();
    let completions: Vec<Value> = input
        .done
        .iter()
        .take(16)
        .filter(|(a, _, _)| usize::from(*a) < n)
        .filter_map(|&(a, u, d)| {
            let a = usize::from(a);
            let unit = shape(a).1.then(|| unit(1 + u32::from(u.unwrap_or(0) % 2)));
            if !seen.insert((a, unit.clone())) {
                return None;
            }
            let mut c = json!({ "activity": id(a), "date": (launch + chrono::Days::new(u64::from(d))).to_string() });
            if let Some(unit) = unit {
                c["unit"] = json!(unit);
            }
            Some(c)
        })
        .collect();
    let document = json!({
        "version": 1,
        "organisation": {
            "name": "Edges", "utc_offset": "+09:00", "launch_date": launch.to_string(), "deployment_pattern": "hybrid",
            "units": [
                { "id": unit(0), "name": "head" },
                { "id": unit(1), "name": "one", "parent": unit(0) },
                { "id": unit(2), "name": "two", "parent": unit(0) },
            ],
            "members": [
                { "id": unit(0x1000), "unit": unit(1), "roles": ["promotion_lead"], "joined": "2020-01-01" },
                { "id": unit(0x1001), "unit": unit(2), "roles": ["staff"], "joined": "2020-01-01" },
            ],
            "waves": [{ "units": [unit(1)] }, { "units": [unit(2)] }],
        },
        "playbook": { "inline": playbook },
        "observations": { "completions": completions },
    });
    let snapshot = match teichaku::load(&document.to_string(), catalog()) {
        Ok(s) => s,
        Err(e) => panic!("an accepted playbook does not load: {e}"),
    };
    stat("accepted and planned");
    let p = plan(&snapshot, as_of);
    assert_respects_every_edge(&p, &edges, n);
});

/// The plan checks out against its own edges (`RolloutPlan::inconsistencies`), and its edges are
/// the playbook's: each edge into an activity is a prerequisite of each of its instances.
fn assert_respects_every_edge(p: &RolloutPlan, edges: &BTreeSet<(usize, usize)>, n: usize) {
    let found = p.inconsistencies();
    assert!(found.is_empty(), "the plan breaks its edges: {found:#?}");
    for x in &p.instances {
        // Every edge into this activity shows up as a prerequisite instance.
        let me = (0..n).find(|&k| id(k) == x.key.activity.as_str());
        let Some(me) = me else { panic!("{:?} is not an activity of the playbook", x.key) };
        for &(d, _) in edges.iter().filter(|&&(_, t)| t == me) {
            assert!(
                x.after.iter().any(|w| w.activity.as_str() == id(d)),
                "{:?} does not wait for {} (edges {edges:?})",
                x.key,
                id(d)
            );
        }
    }
    // Every activity is instantiated.
    for k in 0..n {
        assert!(p.instances.iter().any(|x| x.key.activity.as_str() == id(k)), "{} has no instance", id(k));
    }
}
