//! The instantiated rollout of small.json on 2026-04-20, worked out by hand.
//!
//! Instances: `declare-aim` (done 04-03), `training` in Sales (done 04-10) and Support,
//! `practice-task` in Sales and Support (due 7 days after the unit's training), `weekly-meeting`.
//! Support is the second wave: its `training` also waits for the pilot's first-phase instances
//! (`training` in Sales). Open work starts on 04-21 at the earliest.

use teichaku::rollout::{InstanceKey, InstancePlan, RolloutPlan, Status, plan};

use crate::support::{load, small, unit};

fn find<'a>(p: &'a RolloutPlan, activity: &str, unit_n: Option<u128>) -> &'a InstancePlan {
    p.instances
        .iter()
        .find(|i| i.key.activity.as_str() == activity && i.key.unit == unit_n.map(unit))
        .unwrap_or_else(|| panic!("no instance {activity} {unit_n:?}"))
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn the_schedule_of_small_json() {
    let snapshot = load(&small()).unwrap();
    let p = plan(&snapshot, day("2026-04-20"));
    assert_eq!(p.instances.len(), 6);

    let aim = find(&p, "declare-aim", None);
    assert_eq!(
        (aim.status, aim.done, aim.earliest_start, aim.due),
        (Status::Done, Some(day("2026-04-03")), day("2026-04-03"), Some(day("2026-04-15")))
    );
    // Everything else waits on it; four of those are still open.
    assert_eq!(aim.blocking, 4);

    let training_sales = find(&p, "training", Some(2));
    assert_eq!((training_sales.status, training_sales.earliest_start), (Status::Done, day("2026-04-09")));

    // Support's training: its prerequisites are done, so it is ready from 04-21 and takes 2 days.
    let training_support = find(&p, "training", Some(3));
    assert_eq!(training_support.status, Status::Ready);
    assert_eq!(
        (training_support.earliest_start, training_support.earliest_finish),
        (day("2026-04-21"), day("2026-04-22"))
    );
    assert_eq!(training_support.wave, Some(1));

    // Sales trained on 04-10, so its practice task was due on 04-17: overdue on 04-20.
    let practice_sales = find(&p, "practice-task", Some(2));
    assert_eq!((practice_sales.status, practice_sales.due), (Status::Overdue, Some(day("2026-04-17"))));
    assert_eq!(practice_sales.earliest_finish, day("2026-04-25"));

    // Support's practice task waits for its training: 04-23 to 04-27, due 04-29.
    let practice_support = find(&p, "practice-task", Some(3));
    assert_eq!(practice_support.status, Status::Blocked);
    assert_eq!(practice_support.waiting_on, vec![InstanceKey::clone(&training_support.key)]);
    assert_eq!(
        (practice_support.earliest_start, practice_support.earliest_finish, practice_support.due),
        (day("2026-04-23"), day("2026-04-27"), Some(day("2026-04-29")))
    );

    // The rollout is projected to finish with Support's practice task; the critical path runs
    // through Support's training.
    assert_eq!(p.projected_finish, day("2026-04-27"));
    let path: Vec<(&str, Option<_>)> = p.critical_path.iter().map(|k| (k.activity.as_str(), k.unit)).collect();
    assert_eq!(path, [("training", Some(unit(3))), ("practice-task", Some(unit(3)))]);
    assert!(practice_support.critical && training_support.critical && !practice_sales.critical);
}

/// The schedule respects every edge on `as_of` ([`RolloutPlan::inconsistencies`] states how).
fn assert_respects_every_edge(p: &RolloutPlan) {
    assert_eq!(p.inconsistencies(), [], "on {}", p.as_of);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    #[test]
    fn the_schedule_respects_every_edge_on_any_date(offset in 0u64..200) {
        let demo = teichaku::demo::snapshot();
        assert_respects_every_edge(&plan(&demo, day("2026-07-20") + chrono::Days::new(offset)));
        let small = load(&small()).unwrap();
        assert_respects_every_edge(&plan(&small, day("2026-03-25") + chrono::Days::new(offset)));
    }
}

#[test]
fn the_demo_is_instantiated_in_every_unit() {
    let snapshot = teichaku::demo::snapshot();
    let p = plan(&snapshot, teichaku::demo::AS_OF);
    assert_respects_every_edge(&p);
    // Every per-unit activity of sme-five-step is instantiated once in each of the five units.
    let per_unit =
        snapshot.playbook().activities.iter().filter(|a| a.scope == teichaku::model::ActivityScope::PerUnit).count();
    let org_wide = snapshot.playbook().activities.len() - per_unit;
    assert_eq!(p.instances.len(), org_wide + 5 * per_unit);
}
