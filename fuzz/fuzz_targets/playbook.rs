//! A playbook document from raw bytes: parse and validate. Any panic, hang or unbounded
//! allocation is a bug; errors are fine.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(playbook) = teichaku::model::parse_playbook(text) else { return };
    let _ = teichaku::model::validate_playbook(&playbook);
});
