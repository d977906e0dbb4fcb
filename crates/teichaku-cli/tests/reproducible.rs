//! Reproducibility of the command line: the same input gives the same bytes whatever the time
//! zone of the machine, and the bytes are pinned by golden files under `tests/golden/`.
//!
//! `TEICHAKU_BLESS=1 cargo test -p teichaku-cli --test reproducible` rewrites the golden files
//! from the current build (docs/reliability.md, "Reproducibility"); review the diff before
//! committing it. The frozen version-1 documents under `tests/golden/v1/` are inputs, never
//! rewritten; what the current build makes of them is pinned under `tests/golden/from-v1/`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// Time zones far apart, on both sides of UTC, one with daylight saving time.
const TIME_ZONES: [&str; 3] = ["UTC", "Asia/Tokyo", "America/Los_Angeles"];

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// Whether golden files are to be rewritten instead of compared.
fn blessing() -> bool {
    #[expect(clippy::disallowed_methods, reason = "the bless switch is read by tests, not by the engine")]
    let bless = std::env::var_os("TEICHAKU_BLESS");
    bless.is_some_and(|v| v == "1")
}

/// Compares `actual` byte for byte with the golden file `name`, or rewrites it when blessing.
#[expect(clippy::disallowed_methods, reason = "golden files are files")]
fn golden(name: &str, actual: &[u8]) {
    let path = golden_dir().join(name);
    if blessing() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with TEICHAKU_BLESS=1 to create it", path.display()));
    if expected != actual {
        let at = expected.iter().zip(actual).position(|(a, b)| a != b).unwrap_or(expected.len().min(actual.len()));
        let line = 1 + actual[..at].iter().filter(|&&b| b == b'\n').count();
        panic!(
            "{name} differs from the golden file at byte {at} (line {line}; {} bytes expected, {} found); \
             if the change is intended, rerun with TEICHAKU_BLESS=1 and review the diff",
            expected.len(),
            actual.len()
        );
    }
}

/// Runs `teichaku args` from the golden folder under each time zone, checks every run gives the
/// same exit code and standard output, and returns them.
fn in_every_time_zone(args: &[&str]) -> (i32, Vec<u8>) {
    let runs: Vec<(i32, Vec<u8>)> = TIME_ZONES
        .iter()
        .map(|tz| {
            let output = Command::cargo_bin("teichaku")
                .unwrap()
                .current_dir(golden_dir())
                .env("TZ", tz)
                .args(args)
                .output()
                .unwrap();
            (output.status.code().unwrap(), output.stdout)
        })
        .collect();
    for (tz, run) in TIME_ZONES.iter().zip(&runs).skip(1) {
        assert!(run == &runs[0], "`teichaku {}` under TZ={tz} differs from TZ={}", args.join(" "), TIME_ZONES[0]);
    }
    runs.into_iter().next().unwrap()
}

/// Each command, the golden file of its output and its exit code.
const CASES: &[(&[&str], &str, i32)] = &[
    (&["demo"], "demo-report.txt", 0),
    (&["demo", "--lang", "ja"], "demo-report-ja.txt", 0),
    (&["kpis", "v1/demo-document.json", "--as-of", "2026-11-01"], "demo-kpis.txt", 0),
    (&["kpis", "v1/demo-document.json", "--as-of", "2026-11-01", "--lang", "ja"], "demo-kpis-ja.txt", 0),
    (&["show", "sme-five-step", "--lang", "ja"], "sme-five-step-ja.txt", 0),
    (&["show", "sme-five-step", "--format", "markdown"], "sme-five-step.md", 0),
    (&["show", "sme-five-step", "--format", "markdown", "--lang", "ja"], "sme-five-step-ja.md", 0),
    (&["demo", "--format", "json"], "demo-assessment.json", 0),
    (
        &["assess", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "json"],
        "from-v1/demo-assessment.json",
        0,
    ),
    (&["assess", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "mermaid"], "demo-rollout.mmd", 0),
    (&["assess", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "gantt"], "demo-rollout-gantt.mmd", 0),
    (&["assess", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "dot"], "demo-rollout.dot", 0),
    (&["kpis", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "json"], "demo-kpis.json", 0),
    (&["graph", "sme-five-step"], "sme-five-step.mmd", 0),
    (
        &["evaluate", "--rubric", "v1/rubric-ai-use-in-appraisal.json", "--facts", "facts.csv", "--format", "json"],
        "evaluation.jsonl",
        1,
    ),
    (
        // Revision 1 of the built-in rubric is the rubric of the JSON case above: the same rows,
        // the same content hash.
        &["evaluate", "--rubric", "builtin:ai-use-in-appraisal@1", "--facts", "facts.csv", "--format", "csv"],
        "evaluation.csv",
        1,
    ),
    (
        &["--with-playbook", "v1/playbook-sme-five-step.json", "show", "sme-five-step", "--format", "json"],
        "from-v1/playbook-sme-five-step.json",
        0,
    ),
];

#[test]
fn every_report_is_the_same_in_every_time_zone_and_matches_its_golden_file() {
    for (args, name, code) in CASES {
        let (got, stdout) = in_every_time_zone(args);
        assert_eq!(got, *code, "`teichaku {}` exit code", args.join(" "));
        golden(name, &stdout);
    }
}

#[test]
fn every_json_report_names_the_engine_the_document_version_and_the_playbook_or_rubric() {
    let version = env!("CARGO_PKG_VERSION");
    for args in [
        &["demo", "--format", "json"][..],
        &["assess", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "json"],
        &["kpis", "v1/demo-document.json", "--as-of", "2026-11-01", "--format", "json"],
    ] {
        let (_, stdout) = in_every_time_zone(args);
        let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
        assert_eq!(report["engine_version"], version, "{args:?}");
        assert_eq!(report["document_version"], 1, "{args:?}");
        assert_eq!(report["playbook"], "sme-five-step", "{args:?}");
        assert_eq!(report["playbook_revision"], 5, "{args:?}");
    }
    let (_, stdout) = in_every_time_zone(&[
        "evaluate",
        "--rubric",
        "builtin:ai-use-in-appraisal",
        "--facts",
        "facts.csv",
        "--format",
        "json",
        "--rollup",
    ]);
    let lines: Vec<serde_json::Value> =
        String::from_utf8(stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 6, "five rows and the roll-up");
    let hash = teichaku::rules::ai_use_in_appraisal().content_hash().to_owned();
    for line in &lines[..5] {
        assert_eq!(line["engine_version"], version, "{line}");
        assert_eq!(line["document_version"], 1, "{line}");
        assert_eq!(line["rubric_id"], "ai-use-in-appraisal", "{line}");
        assert_eq!(line["rubric_revision"], 2, "{line}");
        assert_eq!(line["rubric_hash"], hash, "{line}");
    }
    assert_eq!(lines[0]["evaluation"]["rubric_hash"], hash);
    assert_eq!(lines[0]["evaluation"]["engine_version"], version);
    assert_eq!(lines[5]["engine_version"], version);
    assert_eq!(lines[5]["document_version"], 1);
    assert_eq!(lines[5]["rollup"]["rubric_id"], "ai-use-in-appraisal");
    let (_, text) = in_every_time_zone(&["demo"]);
    let last = String::from_utf8(text).unwrap().lines().last().unwrap().to_owned();
    assert_eq!(last, format!("teichaku {version} · document format 1 · playbook sme-five-step rev 5"));
}
