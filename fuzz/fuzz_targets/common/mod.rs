//! What several targets share: the built-in catalogue, loaded once, and the `FUZZ_STATS` tally.

#![allow(dead_code, reason = "each target uses the part it needs")]

use std::sync::OnceLock;

use teichaku::Catalog;

/// The built-in catalogue, built on first use.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// With `FUZZ_STATS` set, prints how far each input got (`refused`, `accepted`, ...) to stderr,
/// to see what share of the inputs reaches the deep checks.
pub fn stat(what: &str) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("FUZZ_STATS").is_some()) {
        eprintln!("FUZZ_STATS {what}");
    }
}

/// A title in both languages, the same text.
pub fn title(s: &str) -> serde_json::Value {
    serde_json::json!({ "en": s, "ja": s })
}

/// `base` moved by `offset` days (either way), as `YYYY-MM-DD`; `base` itself past chrono's range.
pub fn day(base: chrono::NaiveDate, offset: i64) -> String {
    let d = if offset >= 0 {
        base.checked_add_days(chrono::Days::new(offset.unsigned_abs()))
    } else {
        base.checked_sub_days(chrono::Days::new(offset.unsigned_abs()))
    };
    d.unwrap_or(base).to_string()
}
