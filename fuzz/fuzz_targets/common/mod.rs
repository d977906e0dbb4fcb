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
