//! Trust in what the command line loads and writes: output that cannot be written fails loudly,
//! skipped event lines are reported, `validate` checks what `assess` checks, the command line
//! and the library score a document alike, and names cannot forge lines of a text report.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

const SMALL: &str = include_str!("../../../tests/data/small.json");
const M1: &str = "00000000-0000-0000-0000-000000000101";

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

/// A folder holding `doc.json` (the small document changed by `edit`) and `files`.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn folder(edit: impl FnOnce(&mut Value), files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value = serde_json::from_str(SMALL).unwrap();
    edit(&mut doc);
    std::fs::write(dir.path().join("doc.json"), doc.to_string()).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = teichaku().current_dir(dir).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A CSV of `good` events of member 101 and `bad` lines with an unreadable timestamp, mixed.
fn events_csv(good: usize, bad: usize) -> String {
    let mut text = String::from("member,at,minutes\n");
    for i in 0..good.max(bad) {
        if i < good {
            text.push_str(&format!("{M1},2026-04-{:02}T09:00:00+09:00,5\n", 1 + i % 28));
        }
        if i < bad {
            text.push_str(&format!("{M1},someday {i},5\n"));
        }
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Output that cannot be written (item 1)

/// Every command, with the arguments that make it write to standard output.
const COMMANDS: &[&[&str]] = &[
    &["playbooks"],
    &["show", "sme-five-step"],
    &["graph", "sme-five-step"],
    &["validate", "doc.json"],
    &["kpis", "doc.json", "--as-of", "2026-04-20"],
    &["assess", "doc.json", "--as-of", "2026-04-20"],
    &["assess", "doc.json", "--as-of", "2026-04-20", "--format", "json"],
    &["schema"],
    &["demo"],
    &["demo", "--document"],
    &["evaluate", "--rubric", "builtin:ai-use-in-appraisal", "--facts", "facts.csv"],
];

/// Runs `teichaku ARGS` with its standard output redirected by the shell as `redirect`.
fn with_stdout(dir: &Path, args: &[&str], redirect: &str) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("teichaku");
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let script = format!("exec '{}' {} {redirect}", bin.display(), quoted.join(" "));
    let output = std::process::Command::new("sh").current_dir(dir).args(["-c", &script]).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn every_command_fails_with_a_message_when_its_output_cannot_be_written() {
    let facts = "subject,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents\n\
                 a,true,3,2,20,0\n";
    let dir = folder(|_| {}, &[("facts.csv", facts.to_owned())]);
    for args in COMMANDS {
        let (code, _, _) = run(dir.path(), args);
        assert!(code == 0 || (args[0] == "evaluate" && code <= 1), "`teichaku {}` runs: {code}", args.join(" "));
        for redirect in [">&-", ">/dev/full"] {
            if redirect == ">/dev/full" && !Path::new("/dev/full").exists() {
                continue;
            }
            let (code, err) = with_stdout(dir.path(), args, redirect);
            assert_eq!(code, 3, "`teichaku {} {redirect}` exit code; stderr: {err}", args.join(" "));
            assert!(err.contains("cannot write"), "`teichaku {} {redirect}` says why: {err}", args.join(" "));
        }
        // Output thrown away on purpose is written.
        let (code, err) = with_stdout(dir.path(), args, ">/dev/null");
        assert!(
            code == 0 || (args[0] == "evaluate" && code == 1),
            "`teichaku {} >/dev/null`: {code} {err}",
            args.join(" ")
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Skipped event lines are reported (item 5)

#[test]
fn skipped_event_lines_are_listed_in_text_and_json() {
    let dir = folder(|_| {}, &[("events.csv", events_csv(30, 25))]);
    let base = ["doc.json", "--as-of", "2026-04-20", "--events", "events.csv", "--skip-bad-lines"];
    for command in ["assess", "kpis"] {
        let mut args = vec![command];
        args.extend(base);
        let (code, text, _) = run(dir.path(), &args);
        assert_eq!(code, 0, "{command}");
        assert!(text.contains("Malformed event lines skipped: 25\n"), "{command}: {text}");
        assert!(text.contains("  events.csv:3: unreadable timestamp \"someday 0\""), "{command}: {text}");
        assert!(text.contains("  … and 5 more malformed lines\n"), "{command}: {text}");

        args.extend(["--format", "json"]);
        let (code, json, _) = run(dir.path(), &args);
        assert_eq!(code, 0);
        let report: Value = serde_json::from_str(&json).unwrap();
        let files = &report["event_files"];
        assert_eq!(files["bad_line_count"], 25, "{command}");
        assert_eq!(files["bad_lines"].as_array().unwrap().len(), 25, "{command}");
        assert_eq!(files["bad_lines"][1]["line"], 5, "{command}");
        assert_eq!(files["files"][0], json!({ "file": "events.csv", "events": 30, "bad_lines": 25 }), "{command}");
    }
}

// ---------------------------------------------------------------------------------------------
// `validate` checks what `assess` checks (item 7)

#[test]
fn validate_reads_the_usage_files_as_assess_does() {
    let named = |d: &mut Value| d["observations"]["usage_files"] = json!(["extra.csv"]);
    let assess = ["assess", "doc.json", "--as-of", "2026-04-20"];

    // A missing file.
    let dir = folder(named, &[]);
    let (code, out, _) = run(dir.path(), &["validate", "doc.json"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("usage event file `extra.csv`: cannot read:"), "{out}");
    assert_eq!(run(dir.path(), &assess).0, 1);

    // Malformed lines.
    let dir = folder(named, &[("extra.csv", events_csv(2, 2))]);
    let (code, out, _) = run(dir.path(), &["validate", "doc.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().next(),
        Some("extra.csv:3: unreadable timestamp \"someday 0\": expected RFC 3339 such as 2026-04-01T09:30:00+09:00")
    );
    let (code, json, _) = run(dir.path(), &["validate", "doc.json", "--format", "json"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["usage_problems"].as_array().unwrap().len(), 2);
    assert_eq!(run(dir.path(), &assess).0, 1);

    // Events that span more days than a store holds.
    let far = format!("member,at\n{M1},2026-04-02T09:00:00Z\n{M1},2300-01-01T09:00:00Z\n");
    let dir = folder(named, &[("extra.csv", far)]);
    let (code, out, _) = run(dir.path(), &["validate", "doc.json"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("usage events span 2026-04-"), "{out}");
    assert_eq!(run(dir.path(), &assess).0, 1);

    // A repeated column.
    let dir = folder(named, &[("extra.csv", format!("member,at,at\n{M1},2026-04-02T09:00:00Z,x\n"))]);
    let (code, out, _) = run(dir.path(), &["validate", "doc.json"]);
    assert_eq!(code, 1);
    assert_eq!(out, "usage event file `extra.csv`: line 1: the header names the column `at` twice\n");

    // Sound files: valid, and what they gave is in the JSON report.
    let dir = folder(named, &[("extra.csv", events_csv(3, 0))]);
    let (code, json, _) = run(dir.path(), &["validate", "doc.json", "--format", "json"]);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["event_files"]["events"], 3);
}

// ---------------------------------------------------------------------------------------------
// One loading path (item 8)

#[test]
#[expect(clippy::disallowed_methods, reason = "the test reads the files it gave the command")]
fn the_command_line_and_the_library_score_a_document_with_usage_files_alike() {
    let named = |d: &mut Value| d["observations"]["usage_files"] = json!(["extra.csv"]);
    let dir = folder(named, &[("extra.csv", events_csv(28, 0))]);
    let (code, json, _) = run(dir.path(), &["assess", "doc.json", "--as-of", "2026-04-20", "--format", "json"]);
    assert_eq!(code, 0);
    let cli: Value = serde_json::from_str(&json).unwrap();

    let text = std::fs::read_to_string(dir.path().join("doc.json")).unwrap();
    let files = std::collections::BTreeMap::from([(
        "extra.csv".to_owned(),
        std::fs::read(dir.path().join("extra.csv")).unwrap(),
    )]);
    let catalog = teichaku::Catalog::builtin();
    let loaded = teichaku::load_with(&text, &catalog, &files, &Default::default()).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 4, 20).unwrap();
    let library = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &Default::default()).unwrap();
    // Through text, as the command line's output is read: serde_json's float reading can be a
    // unit in the last place off, the same way on both sides.
    let library: Value = serde_json::from_str(&serde_json::to_string(&library).unwrap()).unwrap();
    assert_eq!(cli["kpis"], library["kpis"]);
    assert_eq!(cli["readiness"], library["readiness"]);
    assert_eq!(cli["actions"], library["actions"]);

    // Without the files the score differs: the files count.
    let alone = teichaku::assess(&teichaku::load(SMALL, &catalog).unwrap(), as_of).unwrap();
    assert_ne!(alone.kpis.events.unwrap().stored, cli["kpis"]["events"]["stored"].as_u64().unwrap());
    assert_eq!(
        teichaku::load(&text, &catalog).unwrap_err(),
        teichaku::LoadError::UsageFilesNeedASource { files: vec!["extra.csv".into()] }
    );
}

// ---------------------------------------------------------------------------------------------
// Names cannot forge report lines (item 10)

#[test]
fn control_characters_in_names_are_escaped_in_text_reports() {
    let forged = "Sales\nRetention score: 99.9 (Embedded)\u{1b}[2J\u{202e}";
    let dir = folder(
        |d| {
            d["organisation"]["name"] = json!(forged);
            d["organisation"]["units"][0]["name"] = json!(forged);
            d["playbook"]["inline"]["title"]["en"] = json!(forged);
        },
        &[],
    );
    for command in ["assess", "kpis"] {
        let (code, text, _) = run(
            dir.path(),
            &[command, "doc.json", "--as-of", "2026-04-20", "--min-group-size", "1"]
                [..if command == "kpis" { 6 } else { 4 }],
        );
        assert_eq!(code, 0, "{command}");
        assert!(!text.lines().any(|l| l.starts_with("Retention score: 99.9")), "{command}: {text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{command}: {text}");
        assert!(text.contains("Sales\\u{a}Retention score: 99.9 (Embedded)\\u{1b}[2J\\u{202e}"), "{command}: {text}");
    }
}
