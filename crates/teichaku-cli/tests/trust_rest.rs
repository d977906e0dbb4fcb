//! The command line's JSON report, written to standard output as it is serialised, is the
//! library's assessment byte for byte: the cross-process half of the `differential` fuzz target,
//! which runs the command line's code path in process (fuzz/fuzz_targets/differential.rs).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use assert_cmd::Command;
use serde_json::{Value, json};

const SMALL: &str = include_str!("../../../tests/data/small.json");

/// `teichaku assess FILE --as-of D --format json` on `doc` (written to a file), and the library's
/// assessment of the same text written as the command line promises (pretty JSON, a line break).
#[expect(clippy::disallowed_methods, reason = "the test gives the command a file to read")]
fn both(doc: &Value, as_of: &str) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let text = serde_json::to_string_pretty(doc).unwrap();
    std::fs::write(dir.path().join("doc.json"), &text).unwrap();
    let output = Command::cargo_bin("teichaku")
        .unwrap()
        .current_dir(dir.path())
        .args(["assess", "doc.json", "--as-of", as_of, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let catalog = teichaku::Catalog::builtin();
    let snapshot = teichaku::load(&text, &catalog).unwrap();
    let assessment = teichaku::assess(&snapshot, as_of.parse().unwrap()).unwrap();
    let mut library = serde_json::to_string_pretty(&assessment).unwrap();
    library.push('\n');
    (output.stdout, library.into_bytes())
}

#[test]
fn the_streamed_json_report_is_the_librarys_assessment_byte_for_byte() {
    let doc: Value = serde_json::from_str(SMALL).unwrap();
    for as_of in ["2026-04-20", "2026-06-15", "2026-11-01"] {
        let (cli, library) = both(&doc, as_of);
        assert!(cli == library, "on {as_of} the command line's JSON differs from the library's");
    }
}

/// A document with a member who has left and used AI before leaving: the same bytes too, and the
/// leaver's events from after leaving are reported in the JSON (`outside_membership`).
#[test]
fn a_leavers_report_is_the_same_through_the_command_line() {
    let mut doc: Value = serde_json::from_str(SMALL).unwrap();
    doc["observations"]["usage"].as_array_mut().unwrap().extend([
        json!({ "member": "00000000-0000-0000-0000-000000000107", "at": "2026-05-20T09:00:00+09:00", "minutes": 5 }),
        json!({ "member": "00000000-0000-0000-0000-000000000107", "at": "2026-06-02T09:00:00+09:00", "minutes": 5 }),
    ]);
    let (cli, library) = both(&doc, "2026-06-15");
    assert!(cli == library);
    let report: Value = serde_json::from_slice(&cli).unwrap();
    assert_eq!(report["kpis"]["events"]["outside_membership"], 1);
}
