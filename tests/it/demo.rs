//! The built-in demo organisation is valid, deterministic and realistic in size.

use std::collections::BTreeSet;

use teichaku::demo;

#[test]
fn the_demo_is_valid_and_the_same_every_time() {
    let snapshot = demo::snapshot();
    assert_eq!(demo::document(), demo::document());
    let org = snapshot.organisation();
    assert_eq!(org.units.len(), 5);
    assert!((110..=130).contains(&org.members.len()), "{} members", org.members.len());
    assert!(!snapshot.observations().completions.is_empty(), "a few activities are done");
}

#[test]
fn the_demo_has_thirteen_weeks_of_usage() {
    let snapshot = demo::snapshot();
    let days: BTreeSet<_> = (0..snapshot.observations().usage.len())
        .filter_map(|i| snapshot.usage_local_time(i))
        .map(|t| t.date())
        .collect();
    let first = *days.first().unwrap();
    let last = *days.last().unwrap();
    assert!(first >= demo::LAUNCH && last <= demo::AS_OF);
    assert!((last - first).num_days() >= 85, "usage spans {first}..{last}");
}

#[test]
fn the_demo_document_round_trips_through_json() {
    let doc = demo::document();
    let text = serde_json::to_string(&doc).unwrap();
    assert_eq!(teichaku::model::parse_document(&text).unwrap(), doc);
}

#[test]
fn the_demo_overview_matches_a_direct_count() {
    let snapshot = demo::snapshot();
    let report = teichaku::overview(&snapshot, demo::AS_OF);
    // Count the org's weekly-active members by hand: present on `as_of`, a usage day in the last 7.
    let from = demo::AS_OF - chrono::Days::new(6);
    let present: BTreeSet<_> =
        snapshot.organisation().members.iter().filter(|m| m.is_present_on(demo::AS_OF)).map(|m| m.id).collect();
    let active: BTreeSet<_> = snapshot
        .observations()
        .usage
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            present.contains(&e.member)
                && snapshot.usage_local_time(*i).is_some_and(|t| t.date() >= from && t.date() <= demo::AS_OF)
        })
        .map(|(_, e)| e.member)
        .collect();
    assert_eq!(report.total.headcount, present.len());
    assert_eq!(report.total.active, Some(active.len()));
    let by_unit: usize = report.units.iter().map(|u| u.weekly_active.headcount).sum();
    assert_eq!(by_unit, present.len(), "the five flat units partition the organisation");
}
