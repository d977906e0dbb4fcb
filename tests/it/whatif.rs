//! What-if on small.json, worked out by hand (see schedule.rs, readiness.rs and actions.rs for the
//! schedule, gates and actions these start from), and the instantiated rollout as DOT.
//!
//! - 2026-04-05: `declare-aim` is done (04-03) and Sales has not trained yet (it does on 04-10).
//!   Sales' training and the weekly meeting are ready; everything else waits. Completing Sales'
//!   training readies Sales' practice task; Support's training could then start in the schedule
//!   too (its wave's gate opens), but by readiness Support's wave may not start (Sales is under
//!   the first gate in its own scope, and Support has no ambassador), so it is not unblocked.
//!   Present in Sales: 103 and 104 (105 joins on 05-07).
//! - 2026-04-20 with 108 made Support's ambassador: Support's wave may start, and its training is
//!   proposed. Completing it readies Support's practice task; present in Support: 106, 107 (who
//!   leaves on 06-01) and 108.
//! - 2026-04-12: nobody has used AI yet, so `prepare` stands at 2 of 3 (66.7%) with barrier
//!   `weekly-40`. Three uses that day (101, 103, 104) make weekly-active 3 of 7 ≥ 0.4: `prepare`
//!   passes, the current phase is `spread` (0%: Support has no ambassador), and the barrier moves to
//!   `ambassadors`.

use proptest::prelude::*;
use serde_json::json;
use teichaku::model::{ActivityId, Completion, Lang, Observations, Record, UsageEvent, ValidSnapshot, ValidationError};
use teichaku::rollout::{ActionScope, InstanceKey, Status, plan, plan_dot};
use teichaku::{ActionRef, Change, SimulateError, WhatIf, assess, best_single_action, simulate, snapshot_events};

use crate::support::{load, member, set, small, unit};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn key(activity: &str, unit_n: Option<u128>) -> InstanceKey {
    serde_json::from_value(json!({ "activity": activity, "unit": unit_n.map(unit) })).unwrap()
}

/// small.json with member 108 made Support's ambassador.
fn with_support_ambassador() -> ValidSnapshot {
    let mut doc = small();
    set(&mut doc, "/organisation/members/7/roles", json!(["ambassador", "staff"]));
    load(&doc).unwrap()
}

fn completion(activity: &str, unit_n: Option<u128>, date: &str) -> Completion {
    Completion::new(ActivityId::new(activity).unwrap(), day(date)).in_unit(unit_n.map(unit))
}

fn what_if(snapshot: &ValidSnapshot, as_of: &str, extra: Observations) -> Result<WhatIf, SimulateError> {
    let events = snapshot_events(snapshot).unwrap();
    simulate(snapshot, &events, day(as_of), extra, &Default::default())
}

fn action(code: &str, scope: ActionScope) -> ActionRef {
    ActionRef::new(code, scope)
}

#[test]
fn appointing_supports_ambassador_opens_its_wave_and_sales_training_its_practice_task() {
    let snapshot = load(&small()).unwrap();
    let a = assess(&snapshot, day("2026-04-05")).unwrap();
    let ranked = best_single_action(&snapshot, &a).unwrap();
    let summary: Vec<(&str, ActionScope, usize, usize)> =
        ranked.iter().map(|u| (u.code.as_str(), u.scope, u.instances_unblocked, u.members_unblocked)).collect();
    assert_eq!(
        summary,
        [
            // Sales passed the first gate in its own scope (the aim declared; its weekly-active
            // is withheld), so Support's wave waits only for its ambassador: appointing one opens
            // Support's training to its three members. Readiness decides when a wave starts; the
            // plan no longer holds the wave's work until Sales' training is done.
            ("appoint:ambassador", ActionScope::Unit(unit(3)), 1, 3),
            ("activity:training", ActionScope::Unit(unit(2)), 1, 2), // Sales' practice task; 103 and 104
            ("activity:weekly-meeting", ActionScope::Organisation, 0, 0),
        ]
    );
    assert_eq!(ranked[0].unblocked, [key("training", Some(3))]);
    assert_eq!(ranked[1].instances, [key("training", Some(2))]);
    assert_eq!(ranked[1].unblocked, [key("practice-task", Some(2))]);
    assert!(ranked[2].unblocked.is_empty());
}

#[test]
fn with_an_ambassador_in_support_its_training_unblocks_the_most() {
    let snapshot = with_support_ambassador();
    let a = assess(&snapshot, day("2026-04-20")).unwrap();
    // The actions, most urgent first: Sales' overdue practice task (3), Support's training
    // (blocking 1), the weekly meeting (0).
    let codes: Vec<&str> = a.actions.actions.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["activity:practice-task", "activity:training", "activity:weekly-meeting"]);

    let ranked = best_single_action(&snapshot, &a).unwrap();
    let summary: Vec<(&str, ActionScope, usize, usize)> =
        ranked.iter().map(|u| (u.code.as_str(), u.scope, u.instances_unblocked, u.members_unblocked)).collect();
    assert_eq!(
        summary,
        [
            ("activity:training", ActionScope::Unit(unit(3)), 1, 3), // 106, 107 and 108
            // Unblocking nothing, in the actions' order.
            ("activity:practice-task", ActionScope::Unit(unit(2)), 0, 0),
            ("activity:weekly-meeting", ActionScope::Organisation, 0, 0),
        ]
    );
    assert_eq!(ranked[0].unblocked, [key("practice-task", Some(3))]);
}

#[test]
fn simulating_support_training_readies_its_practice_task_and_replaces_the_action() {
    let snapshot = with_support_ambassador();
    let extra = Observations::new().with_completion(completion("training", Some(3), "2026-04-20"));
    let w = what_if(&snapshot, "2026-04-20", extra).unwrap();
    let c = &w.changes;
    let statuses: Vec<(&InstanceKey, Status, Status)> = c.instances.iter().map(|i| (&i.key, i.from, i.to)).collect();
    assert_eq!(
        statuses,
        [
            (&key("training", Some(3)), Status::Ready, Status::Done),
            (&key("practice-task", Some(3)), Status::Blocked, Status::Ready),
        ]
    );
    assert_eq!(c.actions_added, [action("activity:practice-task", ActionScope::Unit(unit(3)))]);
    assert_eq!(c.actions_removed, [action("activity:training", ActionScope::Unit(unit(3)))]);
    // Every gate passed before and still does.
    assert_eq!(c.phase, Change::new(None, None));
    assert_eq!(c.barrier, Change::new(None, None));
    assert_eq!(c.readiness_percent, Change::new(100.0, 100.0));
    // The practice task is due 7 days after the training: 04-27.
    let practice = w.after.plan.instances.iter().find(|i| i.key == key("practice-task", Some(3))).unwrap();
    assert_eq!(practice.due, Some(day("2026-04-27")));
}

#[test]
fn without_the_ambassador_the_same_completion_changes_no_action() {
    // Support's wave may not start, so neither its training nor its practice task is proposed,
    // before or after; the schedule still changes.
    let snapshot = load(&small()).unwrap();
    let extra = Observations::new().with_completion(completion("training", Some(3), "2026-04-20"));
    let c = what_if(&snapshot, "2026-04-20", extra).unwrap().changes;
    assert_eq!(c.instances.len(), 2);
    assert!(c.actions_added.is_empty() && c.actions_removed.is_empty(), "{c:?}");
    assert_eq!(c.phase, Change::new(Some(phase("spread")), Some(phase("spread"))));
}

fn phase(id: &str) -> teichaku::model::PhaseId {
    teichaku::model::PhaseId::new(id).unwrap()
}

#[test]
fn extra_usage_is_counted_and_moves_the_rollout_into_spread() {
    let snapshot = load(&small()).unwrap();
    let used = |n: u128| -> UsageEvent {
        serde_json::from_value(json!({ "member": member(n), "at": "2026-04-12T10:00:00+09:00", "minutes": 5 })).unwrap()
    };
    let extra = Observations::new().with_usage(used(0x101)).with_usage(used(0x103)).with_usage(used(0x104));
    let w = what_if(&snapshot, "2026-04-12", extra).unwrap();
    let c = &w.changes;
    assert_eq!(c.phase, Change::new(Some(phase("prepare")), Some(phase("spread"))));
    let barrier = |b: &Option<teichaku::rollout::Barrier>| b.as_ref().map(|b| b.criterion.as_str().to_owned());
    assert_eq!(
        (barrier(&c.barrier.before), barrier(&c.barrier.after)),
        (Some("weekly-40".to_owned()), Some("ambassadors".to_owned()))
    );
    assert!((c.readiness_percent.before - 200.0 / 3.0).abs() < 1e-9, "{:?}", c.readiness_percent);
    assert_eq!(c.readiness_percent.after, 0.0);
    // The ambassador barrier is Support's appointment, proposed before too (Support's wave may not
    // start without one), so it is no new action.
    assert_eq!(c.actions_added, []);
    assert!(w.after.actions.actions.iter().any(|a| a.code == "appoint:ambassador"
        && a.reasons.iter().any(|r| matches!(r, teichaku::rollout::Reason::BarrierPoint { .. }))));
    // Before, the weekly-active barrier's work: Sales' training again, where its audience has
    // members without a training record; with the barrier on `ambassadors`, it goes.
    assert_eq!(c.actions_removed, [action("activity:training", ActionScope::Unit(crate::support::unit(2)))]);
    assert!(c.instances.is_empty(), "no completion, so no status changes");
    // The snapshot's store had no use on 04-12; the simulation's has three.
    let weekly = |w: &teichaku::Assessment| w.kpis.scopes[0].value(teichaku::model::Kpi::WeeklyActiveRate);
    assert_eq!((weekly(&w.before), weekly(&w.after)), (Some(0.0), Some(3.0 / 7.0)));
}

#[test]
fn extra_records_naming_unknown_units_activities_or_members_are_named_in_the_error() {
    let snapshot = load(&small()).unwrap();
    let stranger: UsageEvent =
        serde_json::from_value(json!({ "member": member(0x999), "at": "2026-04-12T10:00:00+09:00" })).unwrap();
    let extra = Observations::new()
        .with_completion(completion("training", Some(9), "2026-04-20"))
        .with_completion(completion("no-such", None, "2026-04-20"))
        .with_usage(stranger);
    let Err(SimulateError::InvalidObservations { problems }) = what_if(&snapshot, "2026-04-20", extra) else {
        panic!("expected invalid observations")
    };
    let training = ActivityId::new("training").unwrap();
    let no_such = ActivityId::new("no-such").unwrap();
    assert_eq!(
        problems.into_vec(),
        [
            // Numbered within the extra observations, not after the snapshot's two completions.
            ValidationError::UnknownUnit { record: Record::Completion { index: 0, activity: training }, unit: unit(9) },
            ValidationError::UnknownActivity {
                record: Record::Completion { index: 1, activity: no_such.clone() },
                activity: no_such,
            },
            ValidationError::UnknownMember {
                record: Record::UsageEvent { index: 0, member: member(0x999) },
                member: member(0x999),
            },
        ]
    );
}

#[test]
fn the_error_message_names_the_extra_record() {
    let snapshot = load(&small()).unwrap();
    let extra = Observations::new().with_completion(completion("no-such", None, "2026-04-20"));
    let e = what_if(&snapshot, "2026-04-20", extra).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the extra observations do not validate: completion #0 of `no-such` names unknown activity `no-such`"
    );
    let files = Observations::new().with_usage_file("more.csv");
    assert_eq!(
        what_if(&snapshot, "2026-04-20", files).unwrap_err(),
        SimulateError::UsageFiles { files: vec!["more.csv".to_owned()] }
    );
}

#[test]
fn nothing_extra_changes_nothing_in_the_demo() {
    let snapshot = teichaku::demo::snapshot();
    let w = what_if(&snapshot, &teichaku::demo::AS_OF.to_string(), Observations::default()).unwrap();
    assert_eq!(w.before, w.after);
    assert!(w.changes.is_empty(), "{:?}", w.changes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// On any date, simulating nothing gives the same assessment and no changes.
    #[test]
    fn nothing_extra_changes_nothing(offset in 0u64..200) {
        let snapshot = load(&small()).unwrap();
        let as_of = day("2026-03-25") + chrono::Days::new(offset);
        let w = what_if(&snapshot, &as_of.to_string(), Observations::default()).unwrap();
        prop_assert_eq!(&w.before, &w.after);
        prop_assert!(w.changes.is_empty(), "{:?}", w.changes);
    }
}

#[test]
fn the_rollout_as_dot_shows_every_instance_by_status() {
    let snapshot = load(&small()).unwrap();
    let p = plan(&snapshot, day("2026-04-20"));
    let dot = plan_dot(&snapshot, &p, Lang::En);
    let nodes: Vec<&str> = dot.lines().filter(|l| l.starts_with("  i") && !l.contains("->")).collect();
    assert_eq!(nodes.len(), p.instances.len());
    let count = |class: &str| nodes.iter().filter(|l| l.contains(&format!("class=\"{class}\""))).count();
    // As in the schedule: aim and Sales' training done, Support's training and the meeting ready,
    // Sales' practice task overdue, Support's blocked.
    assert_eq!((count("done"), count("ready"), count("overdue"), count("blocked")), (2, 2, 1, 1));
    // One edge per prerequisite, one from each instance a wave's gate waits for, and one from the
    // gate to each instance waiting for it: Sales' training opens the second wave (`g1`, wave 1 in
    // the data, "wave 2" for people as in the text report), where Support's training waits.
    let edges = p.instances.iter().map(|i| i.after.len()).sum::<usize>();
    let into_gates = p.wave_gates.iter().map(|g| g.after.len()).sum::<usize>();
    assert_eq!(dot.lines().filter(|l| l.starts_with("  i") && l.contains(" -> ")).count(), edges + into_gates);
    assert_eq!(into_gates, 1);
    let from_gates = p.instances.iter().filter(|i| i.wave_gate.is_some()).count();
    assert_eq!(dot.lines().filter(|l| l.starts_with("  g1 -> i")).count(), from_gates);
    assert!(dot.contains("g1 [label=\"wave 2 may start\", shape=hexagon, class=\"done\""), "{dot}");
    assert!(dot.contains("legend_overdue [label=\"overdue\""));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("dot-small-2026-04-20", dot);
    });

    let ja = plan_dot(&snapshot, &p, Lang::Ja);
    assert!(ja.contains("label=\"研修\\nSupport\""), "{ja}");
    assert!(ja.contains("legend_blocked [label=\"待ち\""));
}

#[test]
fn an_appointment_names_the_first_present_member_by_id_without_the_role_in_each_unit() {
    // Support (106, 107 who leaves on 06-01, and 108) has no ambassador: appointing one names
    // its first present member by id.
    let appointed = |doc: &serde_json::Value, on: &str| {
        let snapshot = load(doc).unwrap();
        let a = assess(&snapshot, day(on)).unwrap();
        best_single_action(&snapshot, &a)
            .unwrap()
            .into_iter()
            .filter(|u| u.code == "appoint:ambassador")
            .flat_map(|u| u.appointed)
            .collect::<Vec<_>>()
    };
    let ambassador = teichaku::model::Role::Ambassador;
    let mut doc = small();
    assert_eq!(appointed(&doc, "2026-04-05"), [(member(0x106), ambassador)]);
    // 106 has left by 04-05: the next by id, 107, though 108 joined earlier.
    set(&mut doc, "/organisation/members/5/left", json!("2026-04-02"));
    assert_eq!(appointed(&doc, "2026-04-05"), [(member(0x107), ambassador)]);
    // And after 107 leaves too, 108.
    assert_eq!(appointed(&doc, "2026-06-02"), [(member(0x108), ambassador)]);
    // A desk under Support, with a member whose id comes before Support's own: Support's
    // appointment may name anyone in Support or under it.
    let mut desk = doc.clone();
    crate::support::push(
        &mut desk,
        "/organisation/units",
        json!({ "id": unit(4), "name": "Support desk", "parent": unit(3) }),
    );
    crate::support::push(
        &mut desk,
        "/organisation/members",
        json!({ "id": member(0xf1), "unit": unit(4), "roles": ["staff"], "joined": "2020-04-01" }),
    );
    assert_eq!(appointed(&desk, "2026-04-05"), [(member(0xf1), ambassador)]);
    // Once 108 is Support's ambassador, nobody is to be appointed.
    set(&mut doc, "/organisation/members/7/roles", json!(["ambassador", "staff"]));
    assert_eq!(appointed(&doc, "2026-06-02"), []);
}
