//! Review packs per unit and as of their own day: a per-unit review gets one pack per unit, with
//! the unit's figures on the day it was done (or fell due), compared with the unit's figures on
//! the first day of its period, withheld when the unit is under the minimum group size.
//!
//! `tests/data/small.json` (launch 2026-04-01) with the practice task (per unit) reporting the
//! weekly-active rate. Sales: members 103 and 104 (105 joins in May); Support: 106, 107, 108. The kick-off was
//! on 04-03, Sales trained on 04-10 and did its practice task on 04-12; Support trained on 04-05,
//! so its practice task fell due on 04-12 and is not done by `as_of`, 04-25.

use chrono::NaiveDate;
use serde_json::{Value, json};
use teichaku::metrics::{Figure, Scope};
use teichaku::rollout::{ReviewPack, Status};

use crate::support::{load, set, small, unit};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn id(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

fn use_on(member: u128, date: &str) -> Value {
    json!({ "member": id(member), "at": format!("{date}T10:00:00+09:00"), "minutes": 10 })
}

/// The document with a minimum group size of `min_group` (2 shows every unit: Head office keeps
/// two members of its own, so no figure of a smaller group follows from the others).
fn document(min_group: u32) -> Value {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/activities/2/reports", json!(["weekly_active_rate"]));
    set(&mut doc, "/playbook/inline/metrics", json!({ "min_group_size": min_group }));
    set(
        &mut doc,
        "/observations/completions",
        json!([
            { "activity": "declare-aim", "date": "2026-04-03" },
            { "activity": "training", "unit": id(2), "date": "2026-04-10" },
            { "activity": "training", "unit": id(3), "date": "2026-04-05" },
            { "activity": "practice-task", "unit": id(2), "date": "2026-04-12" },
            { "activity": "weekly-meeting", "date": "2026-04-14" },
            { "activity": "weekly-meeting", "date": "2026-04-21" }
        ]),
    );
    // Sales: 103 on 04-10 and 104 on 04-11 (both active in the week to 04-12), 103 again on
    // 04-22 (alone in the week to 04-25). Support: 106 on 04-09 only.
    set(
        &mut doc,
        "/observations/usage",
        json!([
            use_on(0x103, "2026-04-10"),
            use_on(0x104, "2026-04-11"),
            use_on(0x103, "2026-04-22"),
            use_on(0x106, "2026-04-09")
        ]),
    );
    doc
}

fn pack<'a>(a: &'a teichaku::Assessment, activity: &str, scope: Scope) -> &'a ReviewPack {
    a.reviews
        .packs
        .iter()
        .find(|p| p.activity.as_str() == activity && p.scope == scope)
        .unwrap_or_else(|| panic!("no pack of {activity} in {scope:?}: {:#?}", a.reviews.packs))
}

#[test]
fn a_unit_review_shows_the_units_figures_on_its_own_day() {
    let snapshot = load(&document(2)).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-04-25")).unwrap();
    let sales_now = a.kpis.scope(&Scope::Unit(unit(2))).unwrap().kpi(teichaku::model::Kpi::WeeklyActiveRate);
    assert_eq!(sales_now, Figure::Value(0.5), "on as_of, 103 of two");

    // Sales did its practice task on 04-12: its pack is as of that day, from the launch.
    let sales = pack(&a, "practice-task", Scope::Unit(unit(2)));
    assert_eq!(sales.status, Status::Done);
    assert_eq!((sales.period.from, sales.period.to), (day("2026-04-01"), day("2026-04-12")));
    let m = &sales.measures[0];
    assert_eq!(m.value, Figure::Value(1.0), "in the week to 04-12 both used AI");
    assert_eq!(m.comparison, Some(Figure::Value(0.0)), "nobody on the launch day");
    assert_eq!(sales.compared_with, Some(day("2026-04-01")));
    assert!(!m.missing);

    // Support's fell due on 04-12 (trained 04-05, due within 7 days) and is not done: as of
    // 04-12, when 106 of three had used AI in the seven days (nobody has since).
    let support = pack(&a, "practice-task", Scope::Unit(unit(3)));
    assert_ne!(support.status, Status::Done);
    assert_eq!(support.due, Some(day("2026-04-12")));
    assert_eq!(support.period.to, day("2026-04-12"));
    assert_eq!(support.measures[0].value, Figure::Value(1.0 / 3.0));
    assert_eq!(
        a.kpis.scope(&Scope::Unit(unit(3))).unwrap().kpi(teichaku::model::Kpi::WeeklyActiveRate),
        Figure::Value(0.0)
    );

    // The organisation's weekly meeting, held on 04-14 and 04-21 (its next round not yet due):
    // its pack is the meeting of 04-21, over the week since the one before; its comparison is the
    // organisation's figure on 04-15, as an assessment on that day gives it.
    let meeting = pack(&a, "weekly-meeting", Scope::Organisation);
    assert_eq!((meeting.period.from, meeting.period.to), (day("2026-04-15"), day("2026-04-21")));
    let on_the_day = teichaku::assess(&snapshot, day("2026-04-21")).unwrap();
    assert_eq!(
        meeting.measures[0].value,
        on_the_day.kpis.scope(&Scope::Organisation).unwrap().kpi(teichaku::model::Kpi::WeeklyActiveRate)
    );
    let then = teichaku::assess(&snapshot, day("2026-04-15")).unwrap();
    assert_eq!(
        meeting.measures[0].comparison,
        Some(then.kpis.scope(&Scope::Organisation).unwrap().kpi(teichaku::model::Kpi::WeeklyActiveRate))
    );
    // One pack per unit instance of the per-unit review, one for the organisation's.
    assert_eq!(a.reviews.packs.iter().filter(|p| p.activity.as_str() == "practice-task").count(), 2);
}

#[test]
fn a_unit_under_the_minimum_shows_nothing_in_its_pack() {
    let snapshot = load(&document(5)).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-04-25")).unwrap();
    for u in [2, 3] {
        let p = pack(&a, "practice-task", Scope::Unit(unit(u)));
        let m = &p.measures[0];
        assert_eq!((m.value, m.comparison), (Figure::Suppressed, Some(Figure::Suppressed)));
        assert!(!m.missing, "withheld is not missing: there is nothing to supply");
        assert_eq!(p.missing, 0);
    }
}

#[test]
fn the_page_and_the_text_report_name_the_unit_of_the_next_review() {
    let snapshot = load(&document(2)).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-04-25")).unwrap();
    // Support's practice task, due on 04-12 and not done, is the review due next.
    let next = a.reviews.next_due.and_then(|i| a.reviews.packs.get(i)).unwrap();
    assert_eq!((next.activity.as_str(), &next.scope), ("practice-task", &Scope::Unit(unit(3))));
    let page = teichaku_report::html(&snapshot, &a, teichaku::model::Lang::En, 10);
    let heading = page.lines().find(|l| l.starts_with("<h2>Next review:")).unwrap();
    assert!(heading.contains(" — Support ("), "{heading}");
    let page = teichaku_report::html(&snapshot, &a, teichaku::model::Lang::Ja, 10);
    let heading = page.lines().find(|l| l.starts_with("<h2>次の振り返り:")).unwrap();
    assert!(heading.contains("：Support ("), "{heading}");
    let text = teichaku_report::assessment_text(&snapshot, &a, 10, teichaku::model::Lang::En);
    assert!(text.lines().any(|l| l.starts_with("Next review: ") && l.contains(" — Support")), "{text}");
}
