//! Usage partials: any split of the usage records into shards, each gathered on its own (its own
//! store, its own kinds), serialised, read back and merged in any order, gives the bytes of one
//! pass, and the KPI report from the merged partial is the one-pass report, byte for byte.
//! Hostile partials are refused with the field named, never a panic.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{
    EventStore, EventStoreBuilder, KpiOptions, PartialError, UsagePartial, kpis, kpis_from_partial, kpis_with_store,
};
use teichaku::model::{DayRecord, MemberId, PeriodRecord, TaskCategory, UsageEvent};

use crate::metrics::{RawEvent, event_json, event_strategy, property_doc};
use crate::support::{load, push, set};

const AS_OF: &str = "2026-05-10";

/// The property document with a baseline for one task, so time saved is estimated too, and
/// `events` as its usage.
fn document(events: &[RawEvent]) -> Value {
    let mut d = property_doc();
    set(&mut d, "/organisation/task_baselines", json!([{ "task": "email", "minutes": 30.0 }]));
    for e in events {
        push(&mut d, "/observations/usage", event_json(*e));
    }
    d
}

fn partial_of(events: &[RawEvent], weeks: u32) -> UsagePartial {
    let snapshot = load(&document(events)).unwrap();
    let store = EventStore::from_snapshot(&snapshot).unwrap();
    UsagePartial::compute(&snapshot, &store, AS_OF.parse().unwrap(), weeks)
}

fn options(weeks: u32) -> KpiOptions {
    let mut o = KpiOptions::default();
    o.series_weeks = weeks;
    o.min_group_size = Some(1);
    o.per_member = true;
    o
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn shards_merged_in_any_order_are_one_pass_byte_for_byte(
        events in prop::collection::vec((event_strategy(), 0usize..4), 0..70),
        repeats in prop::collection::vec(any::<usize>(), 0..6),
        order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle(),
        weeks in 1u32..14,
    ) {
        // An exact repeat of an event lands in the shard of its original: each shard removes
        // its own duplicates, as one pass does.
        let mut all: Vec<(RawEvent, usize)> = events.clone();
        for &i in &repeats {
            if !events.is_empty() {
                all.push(events[i % events.len()]);
            }
        }
        let whole: Vec<RawEvent> = all.iter().map(|(e, _)| *e).collect();
        let one_pass = partial_of(&whole, weeks);
        let shards: Vec<UsagePartial> = (0..4)
            .map(|s| {
                let mine: Vec<RawEvent> = all.iter().filter(|(_, t)| *t == s).map(|(e, _)| *e).collect();
                // Each shard goes through its serialised form, as between processes.
                UsagePartial::from_json(&partial_of(&mine, weeks).to_json()).unwrap()
            })
            .collect();
        let mut merged = shards[order[0]].clone();
        for &s in &order[1..] {
            merged.merge(&shards[s]).unwrap();
        }
        prop_assert_eq!(merged.to_json(), one_pass.to_json());
        // Merging as a tree, (0 + 1) + (2 + 3), gives the same.
        let (mut left, mut right) = (shards[0].clone(), shards[2].clone());
        left.merge(&shards[1]).unwrap();
        right.merge(&shards[3]).unwrap();
        left.merge(&right).unwrap();
        prop_assert_eq!(left.to_json(), one_pass.to_json());
        // The report from the merged partial is the one-pass report.
        let snapshot = load(&document(&whole)).unwrap();
        let expected = serde_json::to_string(&kpis(&snapshot, AS_OF.parse().unwrap(), &options(weeks)).unwrap()).unwrap();
        let from_shards = kpis_from_partial(&snapshot, &merged, AS_OF.parse().unwrap(), &options(weeks)).unwrap();
        prop_assert_eq!(serde_json::to_string(&from_shards).unwrap(), expected);
    }

    #[test]
    fn any_edit_of_a_partial_is_read_or_refused_never_a_panic(
        events in prop::collection::vec(event_strategy(), 1..30),
        at in any::<usize>(),
        byte in any::<u8>(),
    ) {
        let text = partial_of(&events, 4).to_json();
        let mut bytes = text.into_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        if let Ok(edited) = String::from_utf8(bytes) {
            // Whatever comes back, reading its own output again gives the same partial.
            if let Ok(partial) = UsagePartial::from_json(&edited) {
                prop_assert_eq!(UsagePartial::from_json(&partial.to_json()).unwrap(), partial);
            }
        }
    }
}

#[test]
fn partials_of_other_dates_weeks_or_organisations_refuse_to_merge() {
    let events = [(0, 50, 36_000, 40, 1, false)];
    let mut a = partial_of(&events, 4);
    let err = a.clone().merge(&partial_of(&events, 5)).unwrap_err();
    assert!(matches!(err, PartialError::Mismatch { what: "series_weeks", .. }), "{err}");
    let mut other = document(&events);
    set(&mut other, "/organisation/members/0/joined", json!("2021-01-01"));
    let snapshot = load(&other).unwrap();
    let store = EventStore::from_snapshot(&snapshot).unwrap();
    let b = UsagePartial::compute(&snapshot, &store, AS_OF.parse().unwrap(), 4);
    let err = a.merge(&b).unwrap_err();
    assert!(matches!(err, PartialError::Mismatch { what: "organisation", .. }), "{err}");
    // The failed merges left `a` as it was.
    assert_eq!(a, partial_of(&events, 4));
    // A partial used with another document, date or number of weeks is refused too.
    let err = kpis_from_partial(&snapshot, &a, AS_OF.parse().unwrap(), &options(4)).unwrap_err();
    assert!(err.to_string().contains("organisation"), "{err}");
    let same = load(&document(&events)).unwrap();
    let err = kpis_from_partial(&same, &a, "2026-05-11".parse().unwrap(), &options(4)).unwrap_err();
    assert!(err.to_string().contains("as_of"), "{err}");
    let err = kpis_from_partial(&same, &a, AS_OF.parse().unwrap(), &options(13)).unwrap_err();
    assert!(err.to_string().contains("series_weeks"), "{err}");
}

#[test]
fn the_serialised_form_is_the_documented_one() {
    // Member 0x101 used the `email` task with ChatGPT on 2026-05-09 for 11 minutes, reporting
    // 1 minute saved; member 0x102 used no task on 2026-05-04 for 2.5 minutes.
    let events = [(0, 55, 36_001, 44, 2, true), (1, 50, 36_001, 10, 0, false)];
    let text = partial_of(&events, 2).to_json();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], "teichaku-usage-partial");
    assert_eq!(value["version"], 1);
    assert_eq!(value["as_of"], AS_OF);
    assert_eq!(value["series_weeks"], 2);
    assert_eq!(value["counts"]["stored"], 2);
    assert_eq!(value["counts"]["counted"], 2);
    // Kinds by name, sorted: no task and no tool first.
    assert_eq!(value["kinds"], json!([{}, { "task": "email", "tool": "chatgpt" }]));
    let first = &value["members"][0];
    assert_eq!(first["member"], "00000000-0000-0000-0000-000000000101");
    assert_eq!(first["days"], json!([1]), "2026-05-09 is one day before as_of");
    assert_eq!(first["first_use"], "2026-05-09");
    assert_eq!(first["week_minutes_centi"], json!([1_100]), "the week of as_of (Monday 05-04)");
    assert_eq!(first["events_7"], 1);
    assert_eq!(first["minutes_7_centi"], 1_100);
    assert_eq!(first["saved_measured_centi"], 100);
    assert_eq!(first["kinds_28"], json!([1]));
    let second = &value["members"][1];
    assert_eq!(second["days"], json!([6]));
    assert_eq!(second["week_minutes_centi"], json!([250]));
    assert_eq!(second["unmeasured"], 1, "no task, so no baseline, and no saving reported");
    assert_eq!(second["kinds_28"], json!([0]));
    assert!(second.get("saved_measured_centi").is_none(), "empty fields are left out");
}

#[test]
fn hostile_partials_are_refused_with_the_field_named() {
    let good: Value = serde_json::from_str(&partial_of(&[(0, 55, 36_001, 40, 2, true)], 2).to_json()).unwrap();
    let refused = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v);
        UsagePartial::from_json(&v.to_string()).unwrap_err().to_string()
    };
    assert!(refused(&|v| v["version"] = json!(9)).contains("version 9"));
    assert!(refused(&|v| v["format"] = json!("x")).contains("format is `x`"));
    assert!(refused(&|v| v["members"][0]["days"] = json!([400])).contains("days: 400 is past the horizon"));
    assert!(refused(&|v| v["members"][0]["days"] = json!([3, 3])).contains("not ascending"));
    assert!(refused(&|v| v["members"][0]["kinds_28"] = json!([5])).contains("kinds_28: kind 5"));
    assert!(refused(&|v| v["members"] = json!([v["members"][0], v["members"][0]])).contains("listed twice"));
    assert!(refused(&|v| v["members"][0]["surprise"] = json!(1)).contains("unknown field `surprise`"));
    assert!(refused(&|v| v["series_weeks"] = json!(54)).contains("series_weeks: 54"));
    assert!(refused(&|v| v["members"][0]["last_use"] = json!("2026-05-11")).contains("after as_of"));
    let err = refused(&|v| v["members"][0]["week_minutes_centi"] = json!([1, 2, 3]));
    assert!(err.contains("member `00000000-0000-0000-0000-000000000101`: week_minutes_centi"), "{err}");
}

/// Events, member-day and member-period records of the property document's 8 members, split by
/// member: members 0 to 3 have events and day records (a day record replacing the events of its
/// day), 4 and 5 period records, 6 and 7 events only.
fn mixed_store(
    snapshot: &teichaku::model::ValidSnapshot,
    events: &[RawEvent],
    days: &BTreeMap<(u128, u32), (u32, u32, u8)>,
    periods: &[(u128, u32, u32)],
    keep: impl Fn(u128) -> bool,
) -> Option<EventStore> {
    let mut b = EventStoreBuilder::new(snapshot);
    let who = |m: u128| MemberId::from_u128(0x101 + m);
    for e in events.iter().filter(|e| keep(e.0) && !(4..6).contains(&e.0)) {
        let event: UsageEvent = serde_json::from_value(event_json(*e)).ok()?;
        b.push(&event).ok()?;
    }
    for (&(m, day), &(count, quarters, task)) in days.iter().filter(|((m, _), _)| keep(*m)) {
        let mut r = DayRecord::new(who(m), crate::metrics::day_text(day).parse().ok()?).with_count(count);
        if quarters > 0 {
            r = r.with_minutes(f64::from(quarters) / 4.0);
        }
        if task > 0 {
            r = r.with_task(TaskCategory::new(["email", "report"][usize::from(task) % 2]).ok()?);
        }
        b.push_day(&r).ok()?;
    }
    for &(m, month, active) in periods.iter().filter(|p| keep(p.0)) {
        let start = crate::metrics::day_text(month * 30);
        let end = crate::metrics::day_text(month * 30 + 29);
        b.push_period(
            &PeriodRecord::new(who(m), start.parse().ok()?, end.parse().ok()?, active).with_count(active * 2),
        )
        .ok()?;
    }
    b.finish().ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn day_and_period_records_split_by_member_merge_to_one_pass(
        events in prop::collection::vec(event_strategy(), 0..50),
        days in prop::collection::btree_map((0u128..4, 0u32..60), (1u32..9, 0u32..200, 0u8..3), 0..25),
        periods in prop::collection::btree_map((4u128..6, 0u32..2), 0u32..20, 0..4),
        order in Just((0..4usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let periods: Vec<(u128, u32, u32)> = periods.into_iter().map(|((m, month), a)| (m, month, a.min(30))).collect();
        let snapshot = load(&document(&[])).unwrap();
        let as_of: chrono::NaiveDate = AS_OF.parse().unwrap();
        let whole = mixed_store(&snapshot, &events, &days, &periods, |_| true);
        prop_assume!(whole.is_some());
        let whole = whole.unwrap();
        let mut merged: Option<UsagePartial> = None;
        for &s in &order {
            let store = mixed_store(&snapshot, &events, &days, &periods, |m| m % 4 == s as u128).unwrap();
            let part = UsagePartial::from_json(&UsagePartial::compute(&snapshot, &store, as_of, 6).to_json()).unwrap();
            match &mut merged {
                Some(m) => m.merge(&part).unwrap(),
                None => merged = Some(part),
            }
        }
        let merged = merged.unwrap();
        prop_assert_eq!(merged.to_json(), UsagePartial::compute(&snapshot, &whole, as_of, 6).to_json());
        let expected = kpis_with_store(&snapshot, &whole, as_of, &options(6)).unwrap();
        let from_shards = kpis_from_partial(&snapshot, &merged, as_of, &options(6)).unwrap();
        prop_assert_eq!(serde_json::to_string(&from_shards).unwrap(), serde_json::to_string(&expected).unwrap());
    }
}
