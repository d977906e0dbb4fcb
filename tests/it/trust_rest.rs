//! Members who have left: their events from before the day they left count where the figure
//! covers the periods they were members in (time saved, a week's minutes), their events from that
//! day on are left out and reported (`outside_membership`), and the groups those figures cover,
//! leavers included, pass the privacy rule: a parent's figure minus its shown children's never
//! gives a leaver's away.

use serde_json::{Value, json};
use teichaku::metrics::{Figure, KpiReport, Scope, ScopeKpis};
use teichaku::model::UnitId;

use crate::support::load;

fn uuid(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn unit(n: u128) -> UnitId {
    crate::support::unit(n)
}

fn scope(report: &KpiReport, unit_number: u128) -> &ScopeKpis {
    report.scopes.iter().find(|s| s.scope == Scope::Unit(unit(unit_number))).unwrap()
}

fn event(member: u128, day: &str, minutes: u32) -> Value {
    json!({ "member": uuid(member), "at": format!("{day}T10:00:00+09:00"), "minutes": minutes, "task": "minutes" })
}

/// Head (unit 1) over A (unit 2) and B (unit 3), five members each in A and B, all staff; L
/// (member 101) was Head's own member and left on 2026-04-15. The organisation's baseline for
/// the task `minutes` is 60, so an event of `m` minutes saves an estimated 60 − m.
///
/// Events: L on 04-08 (10 minutes) and 04-14 (6) while a member, and 04-16 (5) after leaving;
/// 201 (in A) on 04-09 (10) and 04-20 (4); 301 (in B) on 04-14 (10). Assessed on Monday 2026-04-20.
fn leaver_document() -> Value {
    let mut members = vec![json!({
        "id": uuid(101), "unit": uuid(1), "roles": ["staff"], "joined": "2020-04-01", "left": "2026-04-15"
    })];
    for (u, first) in [(2, 201), (3, 301)] {
        for m in first..first + 5 {
            members.push(json!({ "id": uuid(m), "unit": uuid(u), "roles": ["staff"], "joined": "2020-04-01" }));
        }
    }
    json!({
        "version": 1,
        "organisation": {
            "name": "Leavers",
            "utc_offset": "+09:00",
            "launch_date": "2026-04-01",
            "deployment_pattern": "hybrid",
            "task_baselines": [{ "task": "minutes", "minutes": 60 }],
            "units": [
                { "id": uuid(1), "name": "Head" },
                { "id": uuid(2), "name": "A", "parent": uuid(1) },
                { "id": uuid(3), "name": "B", "parent": uuid(1) }
            ],
            "members": members
        },
        "playbook": { "builtin": "sme-five-step" },
        "observations": {
            "usage": [
                event(101, "2026-04-08", 10),
                event(101, "2026-04-14", 6),
                event(101, "2026-04-16", 5),
                event(201, "2026-04-09", 10),
                event(201, "2026-04-20", 4),
                event(301, "2026-04-14", 10)
            ]
        }
    })
}

fn report(doc: &Value) -> KpiReport {
    let snapshot = load(doc).unwrap();
    teichaku::kpis(&snapshot, "2026-04-20".parse().unwrap(), &Default::default()).unwrap()
}

/// Hand-computed: Head counts 10 present members (L has left), A and B 5 each, so by headcount
/// nothing is left over. But Head's time saved covers L's events from before 04-15: (60 − 10) +
/// (60 − 6) for L, (60 − 10) + (60 − 4) for 201 and (60 − 10) for 301, 260 minutes; B's is 50,
/// A's 106. Showing all three would give L's 104 minutes away as Head − A − B. The groups the
/// time saved covers are Head 11, A 5 and B 5: a rest of 1, so the smaller shown child (A, by
/// list order on a tie) is withheld, and Head − B covers six people. L's event of 04-16 is
/// after leaving: left out of every figure and reported.
#[test]
fn a_leavers_time_saved_counts_and_cannot_be_recovered_by_subtraction() {
    let report = report(&leaver_document());
    assert_eq!(report.events.as_ref().unwrap().outside_membership, 1, "L's event after leaving is reported");
    assert_eq!(report.events.as_ref().unwrap().counted, 5);

    let head = scope(&report, 1);
    assert_eq!(head.headcount, 10);
    let Figure::Value(figures) = &head.figures else { panic!("Head is shown: {:?}", head.figures) };
    assert_eq!(figures.time_saved.estimated_minutes, 260.0);
    assert!((figures.time_saved.hours - 260.0 / 60.0).abs() < 1e-9);

    let a = scope(&report, 2);
    assert_eq!(a.headcount, 5);
    assert!(matches!(a.figures, Figure::Suppressed), "A is withheld to protect L: {:?}", a.figures);

    let b = scope(&report, 3);
    let Figure::Value(figures) = &b.figures else { panic!("B is shown: {:?}", b.figures) };
    assert_eq!(figures.time_saved.estimated_minutes, 50.0);
}

/// The weekly minutes of the same document. Week 04-20 (Monday only): nobody left in it, the
/// groups are Head 10, A 5, B 5 and every scope shows its week: Head 4 minutes, A 4, B 0.
/// Week 04-13 to 04-19: present on the 19th Head 10, A 5, B 5, but L was a member on 04-13 and
/// 04-14 and their 6 minutes count in Head's 16 (with 301's 10): the week's groups are Head 11, A
/// 5, B 5, so A's week is withheld and B's 10 minutes shown. Week 04-06 to 04-12: L present on
/// the 12th, Head 20 minutes (L 10, 201 10), A withheld, B 0.
#[test]
fn a_leavers_minutes_count_in_the_weeks_they_were_a_member_and_are_protected() {
    let report = report(&leaver_document());
    let minutes = |s: &ScopeKpis| -> Vec<Option<f64>> {
        let Figure::Value(f) = &s.figures else { return Vec::new() };
        f.weekly.iter().take(3).map(|w| w.minutes).collect()
    };
    assert_eq!(minutes(scope(&report, 1)), [Some(4.0), Some(16.0), Some(20.0)]);
    assert_eq!(minutes(scope(&report, 3)), [Some(0.0), Some(10.0), Some(0.0)]);
    // A is withheld on `as_of` (its time saved would give L's away), so no week of it is shown.
    assert!(minutes(scope(&report, 2)).is_empty());
}

/// Without the leaver's events the groups are those of the headcounts and nothing needs to be
/// withheld: the rule withholds A only because of L, not because of its size.
#[test]
fn without_the_leaver_every_unit_is_shown() {
    let mut doc = leaver_document();
    doc["organisation"]["members"].as_array_mut().unwrap().remove(0);
    doc["observations"]["usage"].as_array_mut().unwrap().retain(|e| e["member"] != json!(uuid(101)));
    let report = report(&doc);
    for u in 1..=3 {
        assert!(matches!(scope(&report, u).figures, Figure::Value(_)), "unit {u} is shown");
    }
    let Figure::Value(a) = &scope(&report, 2).figures else { unreachable!() };
    assert_eq!(a.time_saved.estimated_minutes, 106.0);
}

/// A unit whose only member has left shows no figures (headcount 0), and its leaver's time saved,
/// which still counts in its parent's, cannot be read as the parent minus the unit's siblings:
/// the group of 1 that time saved covers is withheld, and so is the smallest sibling.
#[test]
fn a_unit_of_leavers_only_cannot_be_recovered_from_its_parent() {
    let mut doc = leaver_document();
    // L moves to a unit C of its own under Head.
    doc["organisation"]["units"].as_array_mut().unwrap().push(json!({ "id": uuid(4), "name": "C", "parent": uuid(1) }));
    doc["organisation"]["members"][0]["unit"] = json!(uuid(4));
    let report = report(&doc);
    let c = scope(&report, 4);
    assert_eq!(c.headcount, 0);
    assert!(!matches!(c.figures, Figure::Value(_)), "C shows nothing: {:?}", c.figures);
    assert!(matches!(scope(&report, 2).figures, Figure::Suppressed));
    assert!(matches!(scope(&report, 3).figures, Figure::Value(_)));
    let Figure::Value(head) = &scope(&report, 1).figures else { panic!("Head is shown") };
    assert_eq!(head.time_saved.estimated_minutes, 260.0);
}
