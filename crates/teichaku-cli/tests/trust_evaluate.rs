//! `teichaku evaluate` under hostile input and hostile output: a failing standard error or a
//! closed standard output, over-long lines, open quotes, repeated keys and subjects, oversized
//! rubric files, control characters in subjects, built-in rubrics by revision. Each test is the
//! regression test of one item of docs/reliability.md's section "Trust: evaluation and appraisal
//! audit".

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]
#![expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const HEADER: &str =
    "subject,group,roles,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents\n";

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("teichaku")
}

/// Writes `facts` to `name` in a new folder; the folder and the path.
fn facts_file(name: &str, facts: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, facts).unwrap();
    (dir, path)
}

fn evaluate(rubric: &str, facts: &Path, extra: &[&str]) -> Output {
    Command::new(binary()).args(["evaluate", "--rubric", rubric, "--facts"]).arg(facts).args(extra).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The summary line: lines read and how each ended.
fn summary(stderr: &[u8]) -> String {
    text(stderr).lines().last().unwrap_or_default().to_owned()
}

/// Item 1: a bad row reported while standard error cannot be written: exit 1 (some rows bad),
/// never a panic (101); and a closed standard output is exit 3, not 0 having written nothing.
#[test]
fn a_failing_stderr_or_a_closed_stdout_is_a_documented_exit_code() {
    let (_dir, facts) =
        facts_file("facts.csv", format!("{HEADER}e-1,,,true,3,2,20,0\ne-2,,,true,many,2,20,0\n").as_bytes());
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = Command::new(binary())
        .args(["evaluate", "--rubric", "builtin:ai-use-in-appraisal", "--facts"])
        .arg(&facts)
        .stderr(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("line 3 e-2: error: subject `e-2`"), "the bad row is in the output");

    // Standard output closed by the shell (`>&-`): the runtime reopens it on /dev/null.
    let output = Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" evaluate --rubric builtin:ai-use-in-appraisal --facts "$1" >&-"#)
        .arg(binary())
        .arg(&facts)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(text(&output.stderr).starts_with("cannot write the output: standard output is closed"));
    // Redirected to /dev/null on purpose, it runs: only the exit code was wanted.
    let output = Command::new(binary())
        .args(["evaluate", "--rubric", "builtin:ai-use-in-appraisal", "--facts"])
        .arg(&facts)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

/// Item 2: a line past 64 KiB is a bad row naming its line, read through without being held;
/// the next line is read as the next row (CSV and JSON lines).
#[test]
fn an_over_long_line_is_a_bad_row_and_the_next_is_read() {
    let long = "x".repeat(100 * 1024);
    let csv = format!("{HEADER}e-1,{long},,true,3,2,20,0\ne-2,,,true,3,2,20,0\n");
    let (_dir, facts) = facts_file("facts.csv", csv.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        text(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["status"].as_str()), (Some(2), Some("error")));
    assert_eq!(lines[0]["error"], serde_json::json!({ "kind": "too_long", "limit": 65536 }));
    assert_eq!((lines[1]["line"].as_u64(), lines[1]["status"].as_str()), (Some(3), Some("evaluated")));
    assert_eq!(summary(&output.stderr), "2 lines: 1 evaluated, 0 not applicable, 1 with errors, 0 blank");

    let jsonl = format!(
        "{{\"subject\": \"e-1\", \"group\": \"{long}\", \"facts\": {{}}}}\n{{\"subject\": \"e-2\", \"facts\": {{\"goal_sheet_ai_entry\": true, \"proposals_implemented\": 3, \"success_cases_shared\": 2, \"usage_days_28\": 20, \"incidents\": 0}}}}\n"
    );
    let (_dir, facts) = facts_file("facts.jsonl", jsonl.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &[]);
    assert_eq!(output.status.code(), Some(1));
    let out = text(&output.stdout);
    assert!(out.contains("line 1: error: longer than the limit of 65536 bytes"), "{out}");
    assert!(out.contains("line 2 e-2: S 100.00"), "{out}");
}

/// Item 3: an open quote no longer swallows the rest of the file: the record ends with its line,
/// and the 999 rows after it are evaluated; lines read = evaluated + bad.
#[test]
fn an_open_quote_swallows_nothing() {
    let mut csv = format!("{HEADER}\"e-0,,,true,3,2,20,0\n");
    for i in 1..1000 {
        csv.push_str(&format!("e-{i},,,true,3,2,20,0\n"));
    }
    let (_dir, facts) = facts_file("facts.csv", csv.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &["--format", "csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(summary(&output.stderr), "1000 lines: 999 evaluated, 0 not applicable, 1 with errors, 0 blank");
    assert!(text(&output.stderr).starts_with(
        "line 2: a quote is still open at the end of the line: a record ends with its line (1 line consumed)\n"
    ));
    let json = text(&evaluate("builtin:ai-use-in-appraisal", &facts, &["--format", "json"]).stdout);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(first["error"], serde_json::json!({ "kind": "unterminated_quote", "lines": 1 }));
    let out = text(&output.stdout);
    assert_eq!(out.lines().count(), 1001, "the header and one record per line");
    assert_eq!(out.lines().filter(|l| l.contains(",evaluated,")).count(), 999);
    // A quoted field that closes on its line is read as before, quotes and commas included.
    let (_dir, facts) = facts_file("facts.csv", format!("{HEADER}\"e,1\",\"a \"\"b\"\"\",,true,3,2,20,0\n").as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("line 2 e,1 [a \"b\"]: S 100.00"), "{}", text(&output.stdout));
}

/// Item 4: a JSON line giving a fact twice is a bad row naming the line and the key, whatever
/// the order of the values.
#[test]
fn a_key_given_twice_in_a_json_line_is_a_typed_error() {
    let jsonl = concat!(
        r#"{"subject": "e-1", "facts": {"goal_sheet_ai_entry": true, "proposals_implemented": 3, "success_cases_shared": 2, "usage_days_28": 20, "incidents": 0, "incidents": 1}}"#,
        "\n",
        r#"{"subject": "e-2", "facts": {"goal_sheet_ai_entry": true, "proposals_implemented": 3, "success_cases_shared": 2, "usage_days_28": 20, "incidents": 1, "incidents": 0}}"#,
        "\n",
    );
    let (_dir, facts) = facts_file("facts.jsonl", jsonl.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    for (i, line) in text(&output.stdout).lines().enumerate() {
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(line["line"], i + 1);
        assert_eq!(line["status"], "error");
        assert_eq!(line["error"], serde_json::json!({ "kind": "duplicate_key", "key": "incidents" }));
    }
    assert!(text(&output.stderr).starts_with("line 1: subject `e-1`: fact `incidents` is given twice\n"));
}

/// Item 5: with --rollup, a row repeating an earlier row's subject is a bad row, and each person
/// counts once: two people written five times do not reach the minimum group size of 5.
#[test]
fn a_rollup_counts_each_person_once() {
    let mut csv = String::from(HEADER);
    for who in ["a", "b", "a", "b", "a"] {
        csv.push_str(&format!("{who},sales,,true,3,2,20,0\n"));
    }
    let (_dir, facts) = facts_file("facts.csv", csv.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &["--format", "json", "--rollup"]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        text(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[2]["error"], serde_json::json!({ "kind": "repeated_subject", "first_line": 2 }));
    let sales = &lines[5]["rollup"]["groups"][0];
    assert_eq!(
        (sales["subjects"].as_u64(), sales["evaluated"].as_u64(), sales["duplicates"].as_u64()),
        (Some(5), Some(2), Some(3))
    );
    assert_eq!(sales["figures"]["status"], "suppressed");
    assert_eq!(lines[5]["rollup"]["overall"]["figures"]["status"], "suppressed");
}

/// Item 10: a rubric file is read within the document limits: a 1 MB title is refused (exit 2)
/// naming the limit.
#[test]
fn a_rubric_file_past_the_document_limits_is_unusable() {
    let mut rubric: serde_json::Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_JSON).unwrap();
    rubric["title"]["en"] = serde_json::json!("x".repeat(1024 * 1024));
    let (dir, facts) = facts_file("facts.csv", HEADER.as_bytes());
    let path = dir.path().join("rubric.json");
    std::fs::write(&path, rubric.to_string()).unwrap();
    let output = evaluate(path.to_str().unwrap(), &facts, &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = text(&output.stderr);
    assert!(err.contains("rubric.json: ") && err.contains("65536"), "{err}");
    assert_eq!(output.stdout, b"");
}

/// Item 12: a line end or an escape sequence in a subject or group cannot forge a line or
/// restyle the terminal in the text report: control characters are written as escapes.
#[test]
fn control_characters_cannot_forge_text_output() {
    let jsonl = concat!(
        r#"{"subject": "e-1\nline 9 boss: S 100.00", "group": "\u001b[2J", "facts": {"goal_sheet_ai_entry": false, "proposals_implemented": 0, "success_cases_shared": 0, "usage_days_28": 0, "incidents": 0}}"#,
        "\n",
    );
    let (_dir, facts) = facts_file("facts.jsonl", jsonl.as_bytes());
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &[]);
    assert_eq!(output.status.code(), Some(0));
    let out = text(&output.stdout);
    assert_eq!(out.lines().count(), 2, "the heading and one row: {out}");
    assert!(out.contains(r"line 1 e-1\nline 9 boss: S 100.00 [\u{1b}[2J]: D 0.00"), "{out}");
    assert!(!out.contains('\u{1b}'));
    // A carriage return in a CSV cell is escaped too.
    let (_dir, facts) = facts_file("facts.csv", format!("{HEADER}\"e\r2\",,,true,3,2,20,0\n").as_bytes());
    let out = text(&evaluate("builtin:ai-use-in-appraisal", &facts, &[]).stdout);
    assert!(out.contains(r"line 2 e\r2: S 100.00"), "{out}");
}

/// Item 8: `builtin:ai-use-in-appraisal@1` addresses revision 1; an unknown revision is unusable
/// input naming the revisions; every output format names the rubric's content hash.
#[test]
fn built_in_rubrics_by_revision_and_the_hash_in_every_format() {
    let (_dir, facts) = facts_file("facts.csv", format!("{HEADER}e-1,,,,,,8,\n").as_bytes());
    let v1 = teichaku::rules::builtin("ai-use-in-appraisal@1").unwrap();
    let hash = v1.content_hash();
    let output = evaluate("builtin:ai-use-in-appraisal@1", &facts, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).starts_with(&format!("rubric ai-use-in-appraisal revision 1 {hash} (")));
    let json = text(&evaluate("builtin:ai-use-in-appraisal@1", &facts, &["--format", "json"]).stdout);
    let line: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!((&line["rubric_hash"], &line["evaluation"]["rubric_hash"]), (&hash.into(), &hash.into()));
    let csv = text(&evaluate("builtin:ai-use-in-appraisal@1", &facts, &["--format", "csv"]).stdout);
    assert!(csv.lines().nth(1).unwrap().contains(&format!(",{hash},")), "{csv}");

    let output = evaluate("builtin:ai-use-in-appraisal@9", &facts, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr),
        "built-in rubric `ai-use-in-appraisal` has no revision 9: its revisions are 1, 2\n"
    );
    // The latest revision requires every fact: the same row is a bad row naming them.
    let output = evaluate("builtin:ai-use-in-appraisal", &facts, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).starts_with("line 2: subject `e-1`: required facts missing: `goal_sheet_ai_entry`"));
}
