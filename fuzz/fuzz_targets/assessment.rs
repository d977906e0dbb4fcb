//! An assessment document from raw bytes: parse, validate against the built-in playbooks and
//! assess at a fixed date. Any panic, hang or unbounded allocation is a bug; errors are fine.

#![no_main]

use std::sync::OnceLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use teichaku::Catalog;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(snapshot) = teichaku::load(text, catalog()) else { return };
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default();
    if let Ok(assessment) = teichaku::assess(&snapshot, as_of) {
        // The report must serialise: it is what callers store.
        let _ = serde_json::to_string(&assessment);
    }
});
