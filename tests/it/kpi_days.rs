//! `KpiDays`: the figures of some scopes on one day after another, keeping the privacy rule while
//! nobody joins, leaves, moves or changes roles and resetting the usage state member by member,
//! are each day the whole report's of that day. The organisations are those of
//! `scope_kpis::organisations` (nested units whose members join, leave, move and change roles on
//! many days) with records, trainings and rule reviews; the days come in date order (as review
//! packs ask for them) or in any order, some asking for the organisation or every scope between
//! days of units alone. A rule kept past a day its groups changed on, or a member's usage left
//! from an earlier day, changes some day's figures.

use proptest::prelude::*;
use serde_json::json;
use teichaku::metrics::{EventStore, KpiDays, KpiOptions, Scope, kpis_with_store};

use crate::record_figures::{RecordSpec, names, with_records};
use crate::scope_kpis::{date, document, organisations, uuid};
use crate::support::load;

/// A day asked: the day, the units asked (by index), and what else (0: the organisation instead,
/// 1: every scope instead, else the units alone).
type DaySpec = (u32, Vec<usize>, u8);

fn records() -> impl Strategy<Value = Vec<RecordSpec>> {
    proptest::collection::vec((0u8..5, names(), 0u32..260, proptest::option::of(0u32..60), any::<[u8; 5]>()), 0..24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn one_kpi_days_over_many_days_gives_each_day_the_whole_report_s_figures(
        (parents, members, changes) in organisations(12),
        records in records(),
        trainings in proptest::collection::vec((0usize..40, 0u32..260), 0..8),
        reviews in proptest::collection::vec(0u32..260, 0..3),
        asked in proptest::collection::vec((40u32..260, proptest::collection::vec(0usize..9, 1..4), 0u8..10), 2..16),
        in_order in any::<bool>(),
        min_group in 1u32..6,
        weeks in prop_oneof![Just(0u32), Just(3u32)],
    ) {
        let mut doc = with_records(document(&parents, &members, &changes), &records);
        let ids: Vec<serde_json::Value> =
            doc["organisation"]["members"].as_array().unwrap().iter().map(|m| m["id"].clone()).collect();
        doc["observations"]["trainings"] = json!(trainings
            .iter()
            .map(|&(m, day)| json!({ "member": ids[m % ids.len()], "date": date(day), "track": "practice", "activity": "training" }))
            .collect::<Vec<_>>());
        doc["observations"]["rule_reviews"] = json!(reviews
            .iter()
            .enumerate()
            .map(|(i, &day)| json!({ "id": uuid(0x20000 + i as u128), "date": date(day) }))
            .collect::<Vec<_>>());
        let snapshot = load(&doc).unwrap();
        let store = EventStore::from_snapshot(&snapshot).unwrap();
        let units = &snapshot.organisation().units;
        let mut options = KpiOptions::default();
        options.min_group_size = Some(min_group);
        options.series_weeks = weeks;
        let mut days = KpiDays::new(&snapshot, &store, &options);
        let mut asked: Vec<DaySpec> = asked;
        if in_order {
            asked.sort_by_key(|a| a.0);
        }
        for (day, which, what) in asked {
            let scopes: Vec<Scope> = match what {
                0 => vec![Scope::Organisation],
                1 => Vec::new(),
                _ => which.iter().map(|&u| Scope::Unit(units[u % units.len()].id)).collect(),
            };
            let day: chrono::NaiveDate = date(day).parse().unwrap();
            let mut one = options.clone();
            one.scopes = scopes.clone();
            let whole = kpis_with_store(&snapshot, &store, day, &one).unwrap().scopes;
            prop_assert_eq!(days.scope_kpis(day, &scopes).unwrap(), whole, "on {}, {:?}", day, scopes);
        }
    }
}
