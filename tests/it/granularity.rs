//! Usage at three granularities: events, member-day records and member-period records, with
//! hand-computed KPIs for each, the KPIs the data cannot give reported as not measurable, and
//! the same usage given as events and as day records giving the same figures (docs/format.md,
//! "Usage at three granularities"; docs/metrics.md, "Granularity").

use std::collections::BTreeMap;

use serde_json::{Value, json};
use teichaku::metrics::{
    EventStore, Figure, KpiOptions, KpiReport, Rate, ScopeFigures, Segment, StoreError, kpis_with_store,
};
use teichaku::model::HabitRule;
use teichaku::{LoadError, LoadOptions, Loaded};

use crate::support::catalog;

/// Sunday: the trailing 7 days are the ISO week 2026-08-03..09.
const AS_OF: &str = "2026-08-09";

/// Five staff members keyed E001..E005, present throughout.
fn document(usage: Value) -> String {
    let members: Vec<Value> = (1..=5)
        .map(|i| json!({ "key": format!("E00{i}"), "name": format!("M{i}"), "unit": "HQ", "roles": ["staff"], "joined": "2020-04-01" }))
        .collect();
    json!({
        "version": 1,
        "organisation": {
            "name": "Grain", "utc_offset": "+09:00", "launch_date": "2026-06-01", "deployment_pattern": "hybrid",
            "units": [{ "code": "HQ", "name": "Head office" }],
            "members": members,
            "waves": [{ "units": ["HQ"] }]
        },
        "playbook": { "builtin": "sme-five-step" },
        "observations": { "usage": usage }
    })
    .to_string()
}

/// Loads the document with the given files, by granularity.
fn load(usage: Value, events: &str, days: &str, periods: &str) -> Result<Loaded, LoadError> {
    let mut files = BTreeMap::new();
    let mut options = LoadOptions::default();
    for (name, text, list) in [
        ("events.csv", events, &mut options.extra_files),
        ("days.csv", days, &mut options.extra_day_files),
        ("periods.csv", periods, &mut options.extra_period_files),
    ] {
        if !text.is_empty() {
            files.insert(name.to_owned(), text.as_bytes().to_vec());
            list.push(name.to_owned());
        }
    }
    teichaku::load_with(document(usage), catalog(), &files, &options)
}

fn options() -> KpiOptions {
    let mut options = KpiOptions::default();
    options.min_group_size = Some(1);
    options.habit = Some(HabitRule::DaysInWindow { days: 4, window: 7 });
    options.series_weeks = 2;
    options
}

fn report(loaded: &Loaded) -> KpiReport {
    kpis_with_store(&loaded.snapshot, &loaded.store, AS_OF.parse().unwrap(), &options()).unwrap()
}

fn org(report: &KpiReport) -> &ScopeFigures {
    match &report.scopes[0].figures {
        Figure::Value(f) => f,
        other => panic!("the organisation's figures are {other:?}"),
    }
}

fn rate(figure: &Figure<Rate>) -> (u64, u64) {
    match figure {
        Figure::Value(r) => (r.numerator, r.denominator),
        other => panic!("expected a rate, got {other:?}"),
    }
}

const DAYS: &str = "member,date,count,minutes,task\n\
    E001,2026-08-03,10,20,\n\
    E001,2026-08-04,10,20,\n\
    E001,2026-08-05,10,20,\n\
    E001,2026-08-06,10,20,\n\
    E002,2026-07-30,1,5,\n\
    E002,2026-08-08,2,10,\n\
    E002,2026-08-08,1,4,mail\n\
    E003,2026-07-20,1,1,\n\
    E005,2026-08-09,1,5,\n\
    E005,2026-08-09,1,5,\n";

#[test]
fn day_records_give_the_day_figures_hand_computed() {
    let loaded = load(json!([]), "", DAYS, "").unwrap();
    assert_eq!((loaded.usage.day_records, loaded.usage.bad_line_count), (10, 0));
    let report = report(&loaded);
    let counts = report.events.unwrap();
    // Ten rows, one an exact duplicate (E005 on 08-09): nine stored, one dropped and counted.
    assert_eq!((counts.day_records, counts.day_duplicates_dropped, counts.stored), (9, 1, 0));
    let f = org(&report);
    // Active in 08-03..09: E001, E002, E005.
    assert_eq!(rate(&f.weekly_active), (3, 5));
    // Active in 07-13..08-09: and E003 (07-20).
    assert_eq!(rate(&f.monthly_active), (4, 5));
    // Four days of seven: E001 only.
    assert_eq!(rate(&f.habit), (1, 5));
    // Active in 07-27..08-02: E002 (07-30), active again.
    assert_eq!(rate(&f.returning), (1, 1));
    let s = f.segments;
    assert_eq!((s.habitual, s.regular, s.occasional, s.lapsed, s.never, s.not_measurable), (1, 2, 1, 0, 1, 0));
    // Minutes in the week: 80 (E001) + 14 (E002, two tasks) + 5 (E005) = 99 over 3 active.
    assert_eq!(f.usage.minutes_7, 99.0);
    assert_eq!(f.usage.minutes_per_active_member, Figure::Value(33.0));
    // Uses over active member-days: (40 + 3 + 1) / (4 + 1 + 1).
    assert_eq!(f.usage.intensity, Figure::Value(44.0 / 6.0));
    // Without baselines or saved minutes, every use is unmeasured: 40 + 1 + 3 + 1 + 1.
    assert_eq!(f.time_saved.unmeasured_events, 46);
    assert_eq!(rate(&f.weekly[0].weekly_active), (3, 5));
    assert_eq!(rate(&f.weekly[1].weekly_active), (1, 5));
}

#[test]
fn day_records_without_count_or_minutes_make_those_figures_not_measurable() {
    let days = "member,date,count,minutes\nE001,2026-08-03,,20\nE002,2026-08-04,3,\nE003,2026-07-01,2,2\n";
    let report = report(&load(json!([]), "", days, "").unwrap());
    let f = org(&report);
    assert_eq!(rate(&f.weekly_active), (2, 5));
    assert_eq!(f.usage.intensity, Figure::NotMeasurable);
    assert_eq!(f.usage.minutes_per_active_member, Figure::NotMeasurable);
    // What is recorded is still shown, and the day-based figures are whole.
    assert_eq!(f.usage.minutes_7, 20.0);
    assert_eq!(report.scopes[0].kpi(teichaku::model::Kpi::MinutesPerActiveMember), Figure::NotMeasurable);
    // The score leaves the component out rather than count it as zero.
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["scopes"][0]["figures"]["value"]["usage"]["intensity"], json!("not_measurable"));
    // Suppression comes first: a group under the minimum shows nothing else.
    let mut small = options();
    small.min_group_size = Some(6);
    let loaded = load(json!([]), "", days, "").unwrap();
    let withheld = kpis_with_store(&loaded.snapshot, &loaded.store, AS_OF.parse().unwrap(), &small).unwrap();
    assert_eq!(withheld.scopes[0].figures, Figure::Suppressed);
}

#[test]
fn a_day_record_supersedes_the_events_of_its_member_and_day() {
    // An event of E001 on 08-03 (09:00 in +09:00) and one on 08-07, beside the day records.
    let usage = json!([
        { "member": "E001", "at": "2026-08-03T09:00:00+09:00", "minutes": 500 },
        { "member": "E001", "at": "2026-08-07T09:00:00+09:00", "minutes": 1 }
    ]);
    let report = report(&load(usage, "", DAYS, "").unwrap());
    let counts = report.events.unwrap();
    assert_eq!((counts.stored, counts.superseded_events), (1, 1));
    let f = org(&report);
    // 08-07 is a fifth day for E001; 08-03 counts once, with the day record's 20 minutes.
    assert_eq!(f.usage.minutes_7, 100.0);
    assert_eq!(f.usage.intensity, Figure::Value(45.0 / 7.0));
}

#[test]
fn conflicting_day_records_are_refused_naming_the_member() {
    let days = "member,date,count\nE001,2026-08-03,2\nE001,2026-08-03,3\n";
    match load(json!([]), "", days, "") {
        Err(LoadError::Store(StoreError::DayConflict { member, date, .. })) => {
            assert_eq!((member.as_str(), date.to_string().as_str()), ("E001", "2026-08-03"));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

const WEEKS: &str = "member,start,end,active_days,count\n\
    E001,2026-08-03,2026-08-09,4,20\n\
    E002,2026-08-03,2026-08-09,1,3\n\
    E003,2026-08-03,2026-08-09,0,0\n\
    E001,2026-07-27,2026-08-02,5,9\n\
    E002,2026-07-27,2026-08-02,2,2\n";

#[test]
fn weekly_period_records_give_the_weekly_figures_and_nothing_finer() {
    let loaded = load(json!([]), "", "", WEEKS).unwrap();
    assert_eq!(loaded.usage.period_records, 5);
    let report = report(&loaded);
    let f = org(&report);
    // The trailing 7 days are exactly the week 08-03..09: each period gives its active days.
    assert_eq!(rate(&f.weekly_active), (2, 5));
    assert_eq!(rate(&f.habit), (1, 5));
    assert_eq!(rate(&f.monthly_active), (2, 5));
    assert_eq!(rate(&f.returning), (2, 2));
    let s = f.segments;
    assert_eq!((s.habitual, s.regular, s.occasional, s.lapsed, s.never, s.not_measurable), (1, 1, 0, 0, 3, 0));
    // Uses over usage days in the week: (20 + 3) / (4 + 1).
    assert_eq!(f.usage.intensity, Figure::Value(23.0 / 5.0));
    // No minutes, no tasks, no days: not measurable, never zero.
    assert_eq!(f.usage.minutes_per_active_member, Figure::NotMeasurable);
    assert_eq!(f.usage.breadth_tasks, Figure::NotMeasurable);
    assert_eq!(f.usage.mean_current_streak, Figure::NotMeasurable);
    assert_eq!(f.first_use.median_days, Figure::NotMeasurable);
    // The previous week, 07-27..08-02, habit on its Sunday: E001's 5 days.
    assert_eq!(rate(&f.weekly[1].weekly_active), (2, 5));
    assert_eq!(rate(&f.weekly[1].habit), (1, 5));

    // The lean per-unit job reads days only, and says how many members it cannot see fully.
    let spec = teichaku::metrics::AggregateSpec::core(AS_OF.parse().unwrap(), 5, 2);
    let agg = teichaku::metrics::UsageAggregate::compute(&loaded.store, &spec, 0..loaded.store.len());
    let units =
        teichaku::metrics::unit_weekly_activity(&agg, &[0; 5], 1, HabitRule::DaysInWindow { days: 4, window: 7 });
    assert_eq!((units[0].headcount, units[0].partial_members), (5, 2));
}

#[test]
fn monthly_period_records_leave_the_weekly_figures_not_measurable() {
    // 30 days 07-11..08-09. E001: 12 active days, which the week may hold none or seven of;
    // E002: every day; E003: none.
    let months = "member,start,end,active_days\n\
        E001,2026-07-11,2026-08-09,12\n\
        E002,2026-07-11,2026-08-09,30\n\
        E003,2026-07-11,2026-08-09,0\n";
    let report = report(&load(json!([]), "", "", months).unwrap());
    let f = org(&report);
    assert_eq!(f.weekly_active, Figure::NotMeasurable);
    assert_eq!(f.habit, Figure::NotMeasurable);
    assert_eq!(f.returning, Figure::NotMeasurable);
    // The 28 days 07-13..08-09 leave out 2 of the period's days: E001 used at least 10 of them.
    assert_eq!(rate(&f.monthly_active), (2, 5));
    let s = f.segments;
    // E002 is habitual whatever the days (at least 7 of the last 7); E001 cannot be placed.
    assert_eq!((s.habitual, s.never, s.not_measurable), (1, 3, 1));
    let org = &report.scopes[0];
    assert_eq!(org.kpi(teichaku::model::Kpi::HabitRate), Figure::NotMeasurable);
    assert_eq!(org.kpi(teichaku::model::Kpi::NeverShare), Figure::NotMeasurable);
    assert_eq!(org.kpi(teichaku::model::Kpi::MonthlyActiveRate), Figure::Value(0.4));
    let score = match &org.score {
        Figure::Value(score) => score,
        other => panic!("{other:?}"),
    };
    let habit = score.components.iter().find(|c| c.kpi == teichaku::model::Kpi::HabitRate).unwrap();
    assert!(habit.not_measurable && habit.points == 0.0);

    // Per person: E001's segment cannot be placed, and its day counts are marked partial.
    let loaded = load(json!([]), "", "", months).unwrap();
    let mut per_member = options();
    per_member.per_member = true;
    let report = kpis_with_store(&loaded.snapshot, &loaded.store, AS_OF.parse().unwrap(), &per_member).unwrap();
    let members = report.members.unwrap();
    let person = |key: &str| members.iter().find(|m| m.member == teichaku::model::MemberId::from_key(key)).unwrap();
    assert_eq!((person("E001").segment, person("E001").days_partial), (Segment::NotMeasurable, true));
    assert_eq!((person("E002").segment, person("E002").days_7), (Segment::Habitual, 7));
    assert_eq!((person("E003").segment, person("E003").days_partial), (Segment::Never, false));
}

#[test]
fn periods_and_finer_records_of_one_member_and_day_are_refused() {
    let days = "member,date,count\nE001,2026-08-04,2\n";
    match load(json!([]), "", days, WEEKS) {
        Err(LoadError::Store(StoreError::MixedGranularity { member, .. })) => assert_eq!(member, "E001"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let overlapping = "member,start,end,active_days\nE001,2026-08-01,2026-08-31,3\nE001,2026-08-03,2026-08-09,1\n";
    assert!(matches!(load(json!([]), "", "", overlapping), Err(LoadError::Store(StoreError::PeriodOverlap { .. }))));
    let twice = "member,start,end,active_days\nE001,2026-08-03,2026-08-09,1\nE001,2026-08-03,2026-08-09,1\n";
    let report = report(&load(json!([]), "", "", twice).unwrap());
    assert_eq!(report.events.unwrap().period_duplicates_dropped, 1);
}

mod same_usage {
    use super::*;
    use proptest::prelude::*;

    /// The report with what differs by construction (how the rows were counted) left out.
    fn figures(loaded: &Loaded) -> Value {
        let mut json = serde_json::to_value(report(loaded)).unwrap();
        json.as_object_mut().unwrap().remove("events");
        json
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Events, and the member-day records that sum them, give the same figures: every
        /// day-based KPI, minutes, intensity, streaks, the weekly series and the score.
        #[test]
        fn events_and_their_day_records_give_the_same_figures(
            uses in proptest::collection::vec((1u8..=5, 0i64..60, 0u32..600, 0u32..30), 0..80),
        ) {
            let start: chrono::NaiveDate = "2026-06-12".parse().unwrap();
            let mut events = String::from("member,at,minutes\n");
            let mut days: BTreeMap<(u8, chrono::NaiveDate), (u32, u32)> = BTreeMap::new();
            for (i, (member, day, minute, minutes)) in uses.iter().enumerate() {
                let date = start + chrono::Days::new(*day as u64);
                // Distinct times, so no two events are exact duplicates.
                let at = format!("{date}T{:02}:{:02}:{:02}+09:00", minute / 60, minute % 60, i % 60);
                events.push_str(&format!("E00{member},{at},{minutes}\n"));
                let entry = days.entry((*member, date)).or_default();
                entry.0 += 1;
                entry.1 += minutes;
            }
            let mut records = String::from("member,date,count,minutes\n");
            for ((member, date), (count, minutes)) in &days {
                records.push_str(&format!("E00{member},{date},{count},{minutes}\n"));
            }
            let from_events = load(json!([]), &events, "", "").unwrap();
            let from_days = load(json!([]), "", &records, "").unwrap();
            prop_assert_eq!(figures(&from_events), figures(&from_days));
            let (e, d): (&EventStore, &EventStore) = (&from_events.store, &from_days.store);
            prop_assert_eq!((e.len(), e.day_records()), (uses.len(), 0));
            prop_assert_eq!((d.len(), d.day_records()), (0, days.len()));
        }
    }
}
