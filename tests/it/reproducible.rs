//! Reproducibility: the same document with its lists in another order gives byte-identical
//! output, shuffled with several seeds.
//!
//! Lists whose order means something are left alone:
//! - the phases (the order they are passed) and each gate's criteria (the order the barrier
//!   point is looked for);
//! - the waves and the units of each wave (the rollout order: the schedule and readiness list
//!   units in it, docs/rollout.md);
//! - the units: reports list units in document order (docs/format.md, `OverviewReport::units`,
//!   `KpiReport::scopes`);
//! - the playbook's activities: the schedule lists instances in dependency order with ties in
//!   playbook order (docs/rollout.md), and the overview lists each phase's activities in it;
//! - the organisation's `task_baselines`: the KPI report echoes them in `settings` in document
//!   order (a known gap, reported to the metrics crate: the order carries no meaning, so the
//!   echo should be sorted by task).
//!
//! Everything else is shuffled: members and their roles, every kind of observation, the playbook's interventions, KPI targets and task baselines, and each
//! activity's `depends_on`.

use serde_json::Value;
use teichaku::facts::{engine_facts, merge_facts};
use teichaku::rules::{ai_use_in_appraisal, evaluate_batch};

use crate::support::catalog;

/// SplitMix64: a small, seeded, portable generator, so a failing seed replays anywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Fisher–Yates over the array at `pointer`, when there is one.
    fn shuffle(&mut self, doc: &mut Value, pointer: &str) {
        let Some(items) = doc.pointer_mut(pointer).and_then(Value::as_array_mut) else { return };
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Seeds: a few fixed ones are enough to catch an order dependence, and replay exactly.
const SEEDS: [u64; 4] = [1, 42, 0x7E1C_4A4C, u64::MAX];

/// The demo document with the built-in playbook written inline, so its lists can be shuffled too.
fn demo_inline() -> Value {
    let mut doc = serde_json::to_value(teichaku::demo::document()).unwrap();
    let id = doc["playbook"]["builtin"].as_str().unwrap().to_owned();
    let playbook = catalog().iter().find(|p| p.id.as_str() == id).unwrap();
    doc["playbook"] = serde_json::json!({ "inline": playbook });
    doc
}

/// Every list of `doc` whose order carries no meaning, shuffled.
fn shuffled(doc: &Value, seed: u64) -> Value {
    let mut doc = doc.clone();
    let mut rng = SplitMix64(seed);
    rng.shuffle(&mut doc, "/organisation/members");
    let members = doc["organisation"]["members"].as_array().map_or(0, Vec::len);
    for i in 0..members {
        rng.shuffle(&mut doc, &format!("/organisation/members/{i}/roles"));
    }
    let kinds: Vec<String> = doc["observations"].as_object().unwrap().keys().cloned().collect();
    for kind in kinds {
        rng.shuffle(&mut doc, &format!("/observations/{kind}"));
    }
    for list in ["interventions", "kpi_targets", "task_baselines"] {
        rng.shuffle(&mut doc, &format!("/playbook/inline/{list}"));
    }
    let activities = doc["playbook"]["inline"]["activities"].as_array().map_or(0, Vec::len);
    for i in 0..activities {
        rng.shuffle(&mut doc, &format!("/playbook/inline/activities/{i}/depends_on"));
    }
    doc
}

/// The assessment and the evaluation of every member against the built-in rubric, as the JSON
/// a caller would store.
fn outputs(doc: &Value) -> (String, String) {
    let snapshot = teichaku::load(&doc.to_string(), catalog()).unwrap();
    let as_of = teichaku::demo::AS_OF;
    let assessment = teichaku::assess(&snapshot, as_of).unwrap();
    let rubric = ai_use_in_appraisal();
    let facts = engine_facts(&snapshot, teichaku::demo::document().organisation.launch_date, as_of).unwrap();
    let merged = merge_facts(&rubric, &facts, &[]).unwrap();
    let batch = evaluate_batch(&rubric, &merged.subjects);
    (serde_json::to_string_pretty(&assessment).unwrap(), serde_json::to_string_pretty(&batch).unwrap())
}

#[test]
fn the_shuffle_moves_every_list_it_names() {
    // Guards the test below: a shuffle that left the document as it was would prove nothing.
    let doc = demo_inline();
    for seed in SEEDS {
        let other = shuffled(&doc, seed);
        for pointer in [
            "/organisation/members",
            "/observations/usage",
            "/observations/completions",
            "/observations/trainings",
            "/observations/surveys",
            "/observations/proposals",
            "/observations/consultations",
            "/observations/success_cases",
            "/playbook/inline/interventions",
            "/playbook/inline/kpi_targets",
        ] {
            let items = |d: &Value| d.pointer(pointer).and_then(Value::as_array).cloned().unwrap();
            let (before, after) = (items(&doc), items(&other));
            assert!(before != after, "seed {seed}: {pointer} kept its order");
            assert_eq!(before.len(), after.len(), "seed {seed}: {pointer} lost or gained items");
        }
        // Observations are moved, not changed.
        let sorted = |d: &Value| {
            let mut v: Vec<String> =
                d["observations"]["usage"].as_array().unwrap().iter().map(Value::to_string).collect();
            v.sort();
            v
        };
        assert!(sorted(&doc) == sorted(&other), "seed {seed}: usage events changed");
    }
}

#[test]
fn shuffled_lists_give_byte_identical_assessment_and_evaluation_json() {
    let doc = demo_inline();
    let (assessment, evaluation) = outputs(&doc);
    // The inline copy assesses exactly as the built-in playbook named by id.
    let builtin = serde_json::to_value(teichaku::demo::document()).unwrap();
    assert_eq!(outputs(&builtin), (assessment.clone(), evaluation.clone()));
    for seed in SEEDS {
        let (a, e) = outputs(&shuffled(&doc, seed));
        assert!(a == assessment, "seed {seed}: the assessment changed with the input order");
        assert!(e == evaluation, "seed {seed}: the evaluation changed with the input order");
    }
}
