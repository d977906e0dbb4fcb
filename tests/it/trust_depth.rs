//! Depth is data: a unit tree as deep as the limit allows, and dependency chains as long as the
//! limits allow, go through `validate`, `kpis`, `overview` and `assess` on a thread with a
//! 256 KiB stack.
//! The limits, not the stack, bound what is accepted: every walk over units, activities and
//! waves is iterative, so none of these can overflow the stack of a small thread (a Python
//! thread, a worker pool's thread).

use serde_json::{Value, json};
use teichaku::model::{ValidSnapshot, parse_document, validate_document};

use crate::support::{catalog, small};

/// The stack of the threads the depth tests run on.
const SMALL_STACK: usize = 256 * 1024;

/// The deepest unit tree the default limits accept: every unit the child of the one before.
const DEEPEST_UNITS: usize = 100_000;

/// The longest dependency chain the default limits accept (the activity limit).
const LONGEST_CHAIN: usize = 10_000;

/// Runs `f` on a new thread with a 256 KiB stack and returns what it returns.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).unwrap().join().unwrap()
}

fn uuid(n: usize) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// The small document with its units replaced by one parent chain `depth` deep, one member in
/// each unit (the last one an ambassador), and a week of use by every tenth member.
pub(crate) fn unit_chain(depth: usize) -> Value {
    let mut doc = small();
    let units: Vec<Value> = (0..depth)
        .map(|i| {
            let mut unit = json!({ "id": uuid(0x1_0000_0000 + i), "name": format!("U{i}") });
            if i > 0 {
                unit["parent"] = json!(uuid(0x1_0000_0000 + i - 1));
            }
            unit
        })
        .collect();
    let members: Vec<Value> = (0..depth)
        .map(|i| {
            let roles = match i {
                0 => json!(["executive"]),
                1 => json!(["promotion_lead"]),
                _ if i + 1 == depth => json!(["ambassador", "staff"]),
                _ => json!(["staff"]),
            };
            json!({ "id": uuid(0x2_0000_0000 + i), "unit": uuid(0x1_0000_0000 + i), "roles": roles, "joined": "2020-04-01" })
        })
        .collect();
    let usage: Vec<Value> = (0..depth)
        .step_by(10)
        .flat_map(|i| {
            (13..=19).map(move |day| {
                json!({ "member": uuid(0x2_0000_0000 + i), "at": format!("2026-04-{day}T09:00:00+09:00"), "minutes": 5 })
            })
        })
        .collect();
    doc["organisation"]["units"] = json!(units);
    doc["organisation"]["members"] = json!(members);
    doc["organisation"]["waves"] = json!([]);
    let obs = doc["observations"].as_object_mut().unwrap();
    for list in obs.values_mut() {
        *list = json!([]);
    }
    obs.insert("usage".into(), json!(usage));
    doc
}

/// The small document with `length` more organisation-wide activities, each waiting for the one
/// before, the first waiting for the playbook's first activity.
pub(crate) fn activity_chain(length: usize) -> Value {
    let mut doc = small();
    let activities = doc["playbook"]["inline"]["activities"].as_array_mut().unwrap();
    let first = activities[0]["id"].as_str().unwrap().to_owned();
    let room = length - activities.len();
    for i in 0..room {
        let before = if i == 0 { first.clone() } else { format!("chain-{}", i - 1) };
        activities.push(json!({
            "id": format!("chain-{i}"),
            "phase": "prepare",
            "title": { "en": format!("Step {i}"), "ja": format!("手順 {i}") },
            "owner": "promotion_lead",
            "scope": "organisation",
            "duration_days": 1,
            "depends_on": [before],
        }));
    }
    doc
}

/// Parses `doc` here (the JSON reader bounds its own nesting) and validates it on a small stack.
fn validate_on_small_stack(doc: &Value) -> ValidSnapshot {
    let document = parse_document(&doc.to_string()).unwrap();
    on_small_stack(move || validate_document(document, catalog()).unwrap())
}

/// Runs `kpis`, `overview` and `assess` on a small stack and returns the organisation's headcount
/// (from the KPIs), the number of unit rows of the overview, and the number of plan instances.
fn everything_on_small_stack(snapshot: ValidSnapshot) -> (u64, usize, usize) {
    on_small_stack(move || {
        let as_of = "2026-04-20".parse().unwrap();
        let kpis = teichaku::kpis(&snapshot, as_of, &Default::default()).unwrap();
        let overview = teichaku::overview(&snapshot, as_of);
        let assessment = teichaku::assess(&snapshot, as_of).unwrap();
        assert_eq!(assessment.kpis, kpis);
        (kpis.scopes[0].headcount, overview.units.len(), assessment.plan.instances.len())
    })
}

#[test]
fn a_unit_chain_as_deep_as_the_limit_runs_on_a_small_stack() {
    let snapshot = validate_on_small_stack(&unit_chain(DEEPEST_UNITS));
    assert_eq!(snapshot.organisation().units.len(), DEEPEST_UNITS);
    let (headcount, unit_rows, _) = everything_on_small_stack(snapshot);
    assert_eq!(headcount, DEEPEST_UNITS as u64);
    assert_eq!(unit_rows, DEEPEST_UNITS);
}

#[test]
fn a_unit_cycle_as_long_as_the_limit_is_reported_from_a_small_stack() {
    let mut doc = unit_chain(DEEPEST_UNITS);
    doc["organisation"]["units"][0]["parent"] = json!(uuid(0x1_0000_0000 + DEEPEST_UNITS - 1));
    let document = parse_document(&doc.to_string()).unwrap();
    let errors = on_small_stack(move || validate_document(document, catalog()).unwrap_err().into_vec());
    assert_eq!(errors.len(), 1, "{:?}", errors.first());
    assert!(errors[0].to_string().contains("cycle"), "{}", errors[0]);
}

#[test]
fn an_activity_chain_as_long_as_the_limit_runs_on_a_small_stack() {
    let snapshot = validate_on_small_stack(&activity_chain(LONGEST_CHAIN));
    assert_eq!(snapshot.playbook().activities.len(), LONGEST_CHAIN);
    let (_, _, instances) = everything_on_small_stack(snapshot);
    assert!(instances >= LONGEST_CHAIN, "{instances} instances");
}

#[test]
fn an_activity_cycle_as_long_as_the_limit_is_reported_from_a_small_stack() {
    let mut doc = activity_chain(LONGEST_CHAIN);
    let activities = doc["playbook"]["inline"]["activities"].as_array_mut().unwrap();
    let last = activities.last().unwrap()["id"].clone();
    activities[0]["depends_on"] = json!([last]);
    let document = parse_document(&doc.to_string()).unwrap();
    let errors = on_small_stack(move || validate_document(document, catalog()).unwrap_err().into_vec());
    assert!(errors.iter().any(|e| e.to_string().contains("cycle")), "{:?}", errors.first());
}
