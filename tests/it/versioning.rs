//! Versioning: documents of format version 1, saved when version 1 was current, keep loading in
//! every later build and give what that build computes today.
//!
//! The inputs under `tests/golden/v1/` are frozen: never edited, never re-saved (their bytes are
//! pinned below). What the current build makes of them is pinned under `tests/golden/from-v1/`
//! and may be re-blessed with `TEICHAKU_BLESS=1` when an output changes on purpose
//! (docs/format.md, "Versions"; docs/reliability.md, "Reproducibility").

use std::path::{Path, PathBuf};

use teichaku::model::{FORMAT_VERSION, parse_document, parse_playbook, validate_playbook};
use teichaku::rules::{compile, evaluate_batch, parse_rubric};

use crate::support::catalog;

/// The frozen version-1 documents: file, size in bytes and FNV-1a hash of the bytes.
const FROZEN: [(&str, usize, u64); 3] = [
    ("v1/demo-document.json", 881_704, 0x8211_4d50_5ec2_554b),
    ("v1/playbook-sme-five-step.json", 74_216, 0x9fca_04c8_761d_2ddf),
    ("v1/rubric-ai-use-in-appraisal.json", 2_381, 0x7ba1_ddb6_c5b2_2e53),
];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

#[expect(clippy::disallowed_methods, reason = "the tests read their fixtures")]
fn read(name: &str) -> String {
    let path = golden_dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Compares `actual` byte for byte with the golden file `name`, or rewrites it when
/// `TEICHAKU_BLESS=1`.
#[expect(clippy::disallowed_methods, reason = "golden files are files, and the bless switch is the environment's")]
pub(crate) fn golden(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("TEICHAKU_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with TEICHAKU_BLESS=1 to create it", path.display()));
    if expected != actual {
        let at =
            expected.bytes().zip(actual.bytes()).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
        let line = 1 + actual.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        panic!(
            "{name} differs from the golden file at byte {at} (line {line}); if the change is intended, rerun with \
             TEICHAKU_BLESS=1 and review the diff"
        );
    }
}

/// JSON as the command line writes it: pretty, with a final newline.
macro_rules! pretty {
    ($value:expr) => {
        serde_json::to_string_pretty($value).unwrap() + "\n"
    };
}

#[test]
fn the_frozen_documents_are_untouched_and_of_version_1() {
    for (name, len, hash) in FROZEN {
        let text = read(name);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["version"], 1, "{name}");
        assert_eq!(
            (text.len(), fnv1a(text.as_bytes())),
            (len, hash),
            "{name} changed: frozen fixtures are never edited; add a new one instead (docs/format.md, \"Versions\")"
        );
    }
}

#[test]
fn the_v1_demo_document_assesses_as_today() {
    let text = read("v1/demo-document.json");
    let document = parse_document(&text).unwrap();
    assert_eq!(document.version, FORMAT_VERSION, "read documents are upgraded to the current version");
    let snapshot = teichaku::load(&text, catalog()).unwrap();
    let assessment = teichaku::assess(&snapshot, teichaku::demo::AS_OF).unwrap();
    assert_eq!(assessment.document_version, FORMAT_VERSION);
    // Byte for byte what `teichaku assess v1/demo-document.json --as-of 2026-11-01 --format json`
    // prints, pinned by the command line's golden test too.
    golden("from-v1/demo-assessment.json", &pretty!(&assessment));
}

#[test]
fn the_v1_playbook_reads_validates_and_writes_as_today() {
    let playbook = parse_playbook(&read("v1/playbook-sme-five-step.json")).unwrap();
    validate_playbook(&playbook).unwrap();
    golden("from-v1/playbook-sme-five-step.json", &pretty!(&playbook));
}

#[test]
fn the_v1_rubric_evaluates_the_v1_demo_as_today() {
    let rubric = compile(parse_rubric(&read("v1/rubric-ai-use-in-appraisal.json")).unwrap()).unwrap();
    let snapshot = teichaku::load(&read("v1/demo-document.json"), catalog()).unwrap();
    let launch = snapshot.organisation().launch_date;
    let facts = teichaku::facts::engine_facts(&snapshot, launch, teichaku::demo::AS_OF).unwrap();
    let merged = teichaku::facts::merge_facts(&rubric, &facts, &[]).unwrap();
    let batch = evaluate_batch(&rubric, &merged.subjects);
    assert_eq!(batch.evaluated, facts.members.len());
    golden("from-v1/demo-evaluation.json", &pretty!(&batch));
}
