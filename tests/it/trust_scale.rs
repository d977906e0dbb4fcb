//! Scale: a built-in playbook at the unit limit is accepted, and documents of many usage events
//! cost at most twice their size to read (docs/reliability.md, "Scale: 100,000 units").
//! Timings are criterion benchmarks (`cargo bench -p teichaku-benches --bench scale`), not tests.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;
use teichaku::model::{ActivityScope, Limits, PlaybookCatalog, PlaybookId, Timestamp, UsageEvent};
use teichaku::{LoadOptions, load_with};

use crate::support::{alone, catalog, peak_memory};

fn uuid(n: usize) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// `units` units with one member each, flat under a head unit, following the built-in `playbook`.
fn flat(units: usize, playbook: &str) -> String {
    let units_json: Vec<_> = (0..units)
        .map(|i| {
            let mut u = json!({ "id": uuid(0x1_0000_0000 + i), "name": format!("U{i}") });
            if i > 0 {
                u["parent"] = json!(uuid(0x1_0000_0000));
            }
            u
        })
        .collect();
    let members: Vec<_> = (0..units)
        .map(|i| {
            let roles = match i {
                0 => json!(["executive"]),
                1 => json!(["promotion_lead"]),
                _ => json!(["staff"]),
            };
            json!({ "id": uuid(0x2_0000_0000 + i), "unit": uuid(0x1_0000_0000 + i), "roles": roles, "joined": "2020-04-01" })
        })
        .collect();
    json!({
        "version": 1,
        "organisation": { "name": "Scale", "utc_offset": "+09:00", "launch_date": "2026-04-01",
            "deployment_pattern": "hybrid", "units": units_json, "members": members },
        "playbook": { "builtin": playbook },
        "observations": {}
    })
    .to_string()
}

/// Every built-in playbook fits the activity-instance limit with as many units as the unit limit
/// allows: the organisation limit, not the instance limit, is what a built-in playbook meets.
#[test]
fn every_builtin_playbook_fits_the_instance_limit_at_the_unit_limit() {
    let limits = Limits::DEFAULT;
    for id in
        ["sme-five-step", "five-step-self-driving", "seven-step-motivation", "three-phase-cycle", "exec-led-design"]
    {
        let playbook = catalog().playbook(&PlaybookId::new(id).unwrap()).unwrap();
        let per_unit = playbook.activities.iter().filter(|a| a.scope == ActivityScope::PerUnit).count();
        let instances = per_unit * limits.max_units + (playbook.activities.len() - per_unit);
        assert!(
            instances <= limits.max_activity_instances,
            "{id}: {instances} instances at {} units, over the limit of {}",
            limits.max_units,
            limits.max_activity_instances
        );
    }
}

/// 100,000 units following the built-in playbook with the most per-unit activities (18) load,
/// and are planned instance by instance: 1,799,999 instances, as the head unit over the others
/// is not a rollout unit.
#[test]
fn the_largest_builtin_playbook_at_the_unit_limit_is_accepted_and_planned() {
    let text = flat(100_000, "five-step-self-driving");
    let snapshot = teichaku::load(&text, catalog()).unwrap();
    let plan = teichaku::rollout::plan(&snapshot, "2026-11-01".parse().unwrap());
    assert_eq!(plan.instances.len(), 1_799_999);
    // Each per-unit activity once in each of the 99,999 leaf units, each other activity once.
    let per_unit = plan.instances.iter().filter(|i| i.key.unit.is_some()).count();
    assert_eq!(per_unit, 18 * 99_999);
}

/// The text of a timestamp is kept as given, short or long, and compares, orders and writes as
/// that text.
#[test]
fn a_timestamp_is_its_text_however_it_is_kept() {
    assert!(std::mem::size_of::<Timestamp>() <= 32, "{} bytes", std::mem::size_of::<Timestamp>());
    // A usage event as a record is no larger than as text (about 95 to 130 bytes).
    assert!(std::mem::size_of::<UsageEvent>() <= 104, "{} bytes", std::mem::size_of::<UsageEvent>());
    let short = Timestamp::from("2026-04-01T09:30:00+09:00");
    let long = Timestamp::from("2026-04-01T09:30:00.123456789+09:00".to_owned());
    assert_eq!(short.as_str(), "2026-04-01T09:30:00+09:00");
    assert_eq!(long.as_str(), "2026-04-01T09:30:00.123456789+09:00");
    assert_eq!(serde_json::to_string(&long).unwrap(), r#""2026-04-01T09:30:00.123456789+09:00""#);
    assert_eq!(format!("{short:?}"), r#"Timestamp("2026-04-01T09:30:00+09:00")"#);
    assert!(short < long);
    let err = serde_json::from_str::<Timestamp>("5").unwrap_err().to_string();
    assert_eq!(err, "invalid type: integer `5`, expected a string at line 1 column 1");
}

proptest! {
    /// Any text, kept inline or not, reads back, orders and equals as the `String` it was.
    #[test]
    fn timestamps_order_and_read_back_as_their_text(a in ".{0,40}", b in ".{0,40}") {
        let (x, y) = (Timestamp::from(a.as_str()), Timestamp::from(b.clone()));
        prop_assert_eq!(x.as_str(), a.as_str());
        prop_assert_eq!(y.as_str(), b.as_str());
        prop_assert_eq!(x.cmp(&y), a.cmp(&b));
        prop_assert_eq!(x == y, a == b);
        let back: Timestamp = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        prop_assert_eq!(back, x);
    }
}

/// A document whose bulk is 400,000 usage events (about 46 MB of text) is loaded, given as a
/// `String`, within twice its size: the peak memory grows by less than the text while it is
/// parsed (the events as records are smaller than as text), and the text is freed before the
/// snapshot is validated and the events stored.
#[test]
fn loading_a_document_of_usage_events_stays_within_twice_its_size() {
    alone("trust_scale::loading_a_document_of_usage_events_stays_within_twice_its_size", || {
        let members = 1_000;
        let mut doc: serde_json::Value = serde_json::from_str(&flat(members, "sme-five-step")).unwrap();
        let usage: Vec<UsageEvent> = Vec::new();
        doc["observations"]["usage"] = json!(usage);
        let head = doc.to_string();
        let cut = head.rfind(r#""usage":[]"#).unwrap() + r#""usage":["#.len();
        let mut text = String::with_capacity(48 << 20);
        text.push_str(&head[..cut]);
        let tasks = ["writing", "summarising", "translation", "coding"];
        for k in 0..400_000 {
            if k > 0 {
                text.push(',');
            }
            // Each member's events at distinct moments, so none is a duplicate.
            let (day, minute) = (1 + k / members % 28, k / members / 28);
            text.push_str(&format!(
                r#"{{"member":"{}","at":"2026-05-{day:02}T09:{minute:02}:00+09:00","minutes":{},"task":"{}"}}"#,
                uuid(0x2_0000_0000 + k % members),
                5 + k % 30,
                tasks[k % 4]
            ));
        }
        text.push_str(&head[cut..]);
        let size = text.len() as u64;
        let Some(before) = peak_memory() else { return };
        let loaded = load_with(text, catalog(), &BTreeMap::<String, Vec<u8>>::new(), &LoadOptions::default()).unwrap();
        assert_eq!(loaded.store.len(), 400_000);
        let grown = peak_memory().unwrap().saturating_sub(before);
        assert!(grown < size, "loading a {size}-byte document grew the peak memory by {grown} bytes");
    });
}

/// A line of the text report lists at most eight units (or their reasons) and then says how many
/// more there are, in English and in Japanese: with thousands of units, a grouped action or a
/// wave would otherwise print every unit's name on one line. The JSON report keeps them all.
#[test]
fn a_report_line_lists_eight_units_and_counts_the_rest() {
    use teichaku::model::Lang;
    // A pilot of three units, then the other 36 in one wave, which waits for an ambassador in each.
    let mut doc: serde_json::Value = serde_json::from_str(&flat(40, "sme-five-step")).unwrap();
    let units: Vec<String> = (1..40).map(|i| uuid(0x1_0000_0000 + i)).collect();
    doc["organisation"]["waves"] =
        json!([{ "name": "pilot", "units": units[..3] }, { "name": "all", "units": units[3..] }]);
    let snapshot = teichaku::load(&doc.to_string(), catalog()).unwrap();
    let a = teichaku::assess(&snapshot, "2026-11-01".parse().unwrap()).unwrap();
    let wave = a.readiness.waves.get(1).unwrap();
    assert_eq!(wave.units.len(), 36);
    let reasons_more = wave.blocked_by.len() - 8;
    assert!(reasons_more > 20, "each unit of the wave waits for its ambassador: {:?}", wave.blocked_by.len());
    assert!(
        a.actions.actions.iter().take(10).any(|x| x.units.len() > 8),
        "an action grouped over more than eight units"
    );
    for lang in [Lang::En, Lang::Ja] {
        let report = teichaku_report::assessment_text(&snapshot, &a, 10, lang);
        let wave_line = report.lines().find(|l| l.contains("U4")).unwrap();
        let said = match lang {
            Lang::Ja => ["ほか28件）".to_owned(), format!("不在／ほか{reasons_more}件")],
            _ => [" and 28 more)".to_owned(), format!("ambassador; {reasons_more} more")],
        };
        assert!(said.iter().all(|s| wave_line.contains(s.as_str())), "{said:?}: {wave_line}");
        for line in report.lines() {
            let names =
                (1..40).filter(|i| line.contains(&format!("U{i},")) || line.contains(&format!("U{i}、"))).count();
            assert!(names <= 8, "{names} units on one line: {line}");
        }
        for action in a.actions.actions.iter().take(10).filter(|x| x.units.len() > 8) {
            let more = action.units.len() - 8;
            let said = match lang {
                Lang::Ja => format!("ほか{more}件"),
                _ => format!(" and {more} more"),
            };
            assert!(report.contains(&said), "{said:?} in\n{report}");
        }
    }
}
