//! Usage events as a streamed export: CSV with a header or, when the input starts with `{`, JSON
//! Lines, read by `teichaku::metrics::stream_events`, the reader the command line streams event
//! files with. The store is built and, when it holds an event, the small test organisation is
//! assessed over it at a fixed date. Any panic, hang or unbounded allocation is a bug; errors
//! are fine. No more rows may be stored or reported bad than the input has lines.

#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use teichaku::metrics::{EventFormat, EventStoreBuilder, stream_events};
use teichaku::model::ValidSnapshot;

const SMALL: &str = include_str!("../../tests/data/small.json");

fn snapshot() -> &'static ValidSnapshot {
    static SNAPSHOT: OnceLock<ValidSnapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| match teichaku::load(SMALL, &teichaku::Catalog::builtin()) {
        Ok(s) => s,
        Err(e) => panic!("the small test document loads: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let snapshot = snapshot();
    let mut builder = EventStoreBuilder::new(snapshot);
    let format = if data.first() == Some(&b'{') { EventFormat::JsonLines } else { EventFormat::Csv };
    let mut bad_lines = 0u64;
    let stored = stream_events(data, format, &mut builder, |bad| {
        assert!(bad.line >= 1, "line numbers start at 1: {bad:?}");
        bad_lines += 1;
    });
    if let Ok(stored) = stored {
        // Every row is stored or handed over, so there are no more of either than lines (CSV also
        // ends records at a lone `\r`).
        let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
        assert!(stored + bad_lines <= lines, "{stored} stored and {bad_lines} bad of {lines} lines");
    }
    let Ok(store) = builder.finish() else { return };
    // Assessing takes about a millisecond; do it only when some event made it into the store.
    if store.is_empty() {
        return;
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    if let Ok(assessment) = teichaku::assess_with_store(snapshot, &store, as_of, &Default::default()) {
        let _ = serde_json::to_string(&assessment);
    }
});
