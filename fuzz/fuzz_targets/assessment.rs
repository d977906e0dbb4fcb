//! An assessment document from raw bytes: parse, validate against the built-in playbooks and
//! assess at a fixed date. Any panic, hang or unbounded allocation is a bug; errors are fine.

#![no_main]

mod common;

use chrono::NaiveDate;
use common::catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(snapshot) = teichaku::load(text, catalog()) else { return };
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    if let Ok(assessment) = teichaku::assess(&snapshot, as_of) {
        // The report must serialise: it is what callers store.
        let _ = serde_json::to_string(&assessment);
    }
});
