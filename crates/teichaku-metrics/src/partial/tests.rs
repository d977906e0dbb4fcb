//! The serialised partial's reader on text that is not a partial.

use super::*;

#[test]
fn text_that_is_not_a_partial_is_refused_by_kind() {
    assert!(matches!(UsagePartial::from_json("[]"), Err(PartialError::Json(_))));
    assert!(matches!(UsagePartial::from_json("{}"), Err(PartialError::Json(_))));
    let other = r#"{"format":"teichaku-batch-partial","version":1}"#;
    assert_eq!(UsagePartial::from_json(other), Err(PartialError::Format("teichaku-batch-partial".into())));
    let old = r#"{"format":"teichaku-usage-partial"}"#;
    assert_eq!(UsagePartial::from_json(old), Err(PartialError::Version { found: 0, supported: 1 }));
}

#[test]
fn an_empty_partial_round_trips_and_unused_kinds_are_dropped() {
    let text = r#"{"format":"teichaku-usage-partial","version":1,"as_of":"2026-05-10","series_weeks":2,
        "organisation":"00000000000000AB","counts":{"stored":0,"duplicates_dropped":0,"day_records":0,
        "day_duplicates_dropped":0,"superseded_events":0,"period_records":0,"period_duplicates_dropped":0,
        "counted":0,"after_as_of":0,"outside_membership":0},"kinds":[{"task":"email"}],
        "members":[{"member":"00000000-0000-0000-0000-000000000001","week_minutes_centi":[0,0]}]}"#;
    let partial = UsagePartial::from_json(text).unwrap();
    assert_eq!(partial.member_count(), 0, "an entry holding nothing is left out");
    let again = partial.to_json();
    assert!(again.contains(r#""organisation":"00000000000000ab","#), "{again}");
    assert!(again.ends_with(r#""kinds":[],"members":[]}"#), "{again}");
    assert_eq!(UsagePartial::from_json(&again).unwrap(), partial);
}
