//! Inputs found by the fuzz targets (`fuzz/`, docs/reliability.md "Found and fixed"), minimised,
//! one row each. Every row is loaded, assessed twice and checked against the invariants the
//! `assess_structured` target asserts inline; the raw fuzz input is kept in
//! `fuzz/seeds/<target>/` too, so the smoke run replays it.

use serde_json::json;
use teichaku::model::ActivityId;
use teichaku::rollout::ActionScope;

use crate::support::load;

struct Row {
    /// What the fuzzer found.
    name: &'static str,
    /// The fuzz input, under `fuzz/seeds/`.
    seed: &'static str,
    document: serde_json::Value,
    as_of: &'static str,
}

fn rows() -> Vec<Row> {
    let title = json!({ "en": "t", "ja": "t" });
    let phase = |id: &str| json!({ "id": id, "title": title, "summary": title, "gate": { "criteria": [] } });
    vec![Row {
        name: "a recurring activity done before its prerequisite is proposed again when its cadence comes round",
        seed: "assess_structured/regression-recurrence-before-prerequisite",
        document: json!({
            "version": 1,
            "organisation": {
                "name": "Fuzz K.K.", "utc_offset": "+09:00", "launch_date": "2025-01-01",
                "deployment_pattern": "bottom_up", "units": [], "members": [], "waves": []
            },
            "playbook": { "inline": {
                "version": 1, "id": "fuzzed", "revision": 1, "title": title, "summary": title,
                "phases": [phase("p0"), phase("p1")],
                "activities": [
                    { "id": "a0", "phase": "p1", "title": title, "owner": "promotion_lead",
                      "scope": "organisation", "duration_days": 1 },
                    { "id": "a1", "phase": "p1", "title": title, "owner": "manager", "scope": "organisation",
                      "duration_days": 2, "depends_on": ["a0"], "recurrence": { "every_days": 8 } }
                ]
            } },
            "observations": { "completions": [{ "activity": "a1", "date": "2025-01-01" }] }
        }),
        as_of: "2026-04-01",
    }]
}

#[test]
fn fuzz_inputs_keep_the_invariants() {
    for row in rows() {
        let snapshot = load(&row.document).unwrap_or_else(|e| panic!("{}: {e}", row.name));
        let as_of = row.as_of.parse().unwrap();
        let a = teichaku::assess(&snapshot, as_of).unwrap();
        let again = teichaku::assess(&snapshot, as_of).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&again).unwrap(),
            "{}: two assessments differ",
            row.name
        );

        // Every proposed activity, whatever the reason, has every prerequisite done.
        for action in &a.actions.actions {
            let Some(activity) = action.code.strip_prefix("activity:") else { continue };
            let activity: ActivityId = activity.parse().unwrap();
            let unit = match action.scope {
                ActionScope::Unit(u) => Some(u),
                _ => None,
            };
            let instance = a.plan.instances.iter().find(|i| i.key.activity == activity && i.key.unit == unit).unwrap();
            for p in &instance.after {
                let prerequisite = a.plan.instances.iter().find(|i| &i.key == p).unwrap();
                assert!(
                    prerequisite.done.is_some(),
                    "{} (fuzz/seeds/{}): {:?} proposed ({:?}) before its prerequisite {:?} is done",
                    row.name,
                    row.seed,
                    instance.key,
                    action.reasons,
                    p
                );
            }
        }
    }
}
