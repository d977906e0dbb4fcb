//! The `teichaku` command as a caller sees it: exit codes, output formats and languages.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use assert_cmd::Command;

const SMALL: &str = include_str!("../../../tests/data/small.json");

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn a_valid_document_exits_zero() {
    let out = stdout(teichaku().args(["validate", "-"]).write_stdin(SMALL));
    assert_eq!(out, "valid assessment document\n");
}

#[test]
fn an_invalid_document_exits_one_with_every_problem_on_its_own_line() {
    let broken = SMALL
        .replace(r#""minutes": 7.5"#, r#""minutes": -7.5"#)
        .replace(r#""at": "2026-04-15 10:00:00""#, r#""at": "last Tuesday""#)
        .replace(
            r#""unit": "00000000-0000-0000-0000-000000000002", "roles": ["staff"], "joined": "2026-05-07""#,
            r#""unit": "00000000-0000-0000-0000-000000000009", "roles": ["staff"], "joined": "2026-05-07""#,
        );
    let output = teichaku().args(["validate", "-"]).write_stdin(broken).assert().code(1).get_output().stdout.clone();
    let text = String::from_utf8(output).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "member #4 `00000000-0000-0000-0000-000000000105` names unknown unit `00000000-0000-0000-0000-000000000009`",
            "usage event #1 of member `00000000-0000-0000-0000-000000000104`: `minutes` = -7.5 is negative",
            "usage event #3 of member `00000000-0000-0000-0000-000000000103`: unreadable timestamp \"last Tuesday\": expected RFC 3339 such as 2026-04-01T09:30:00+09:00",
        ]
    );
}

#[test]
fn validation_problems_as_json_name_their_records() {
    let broken = SMALL.replace(r#""minutes": 7.5"#, r#""minutes": -7.5"#);
    let output = teichaku()
        .args(["validate", "-", "--format", "json"])
        .write_stdin(broken)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["problems"][0]["error"], "invalid_number");
    assert_eq!(report["problems"][0]["record"]["record"], "usage_event");
    assert_eq!(report["problems"][0]["record"]["index"], 1);
}

#[test]
fn an_unreadable_document_exits_one() {
    let output =
        teichaku().args(["validate", "-"]).write_stdin("{\"version\": 1,").assert().code(1).get_output().stdout.clone();
    assert!(String::from_utf8(output).unwrap().starts_with("line 1, column"));
}

#[test]
fn a_byte_order_mark_is_accepted() {
    let out = stdout(teichaku().args(["validate", "-"]).write_stdin(format!("\u{feff}{SMALL}")));
    assert_eq!(out, "valid assessment document\n");
}

#[test]
fn the_demo_document_validates() {
    let document = stdout(teichaku().args(["demo", "--document"]));
    let out = stdout(teichaku().args(["validate", "-"]).write_stdin(document));
    assert_eq!(out, "valid assessment document\n");
}

#[test]
fn the_demo_report_reads_in_english_and_japanese() {
    let en = stdout(teichaku().arg("demo"));
    assert!(en.starts_with("Demo Manufacturing Co. — assessment as of 2026-11-01 (day 90 after launch)\n"), "{en}");
    // Phase 3: the spreading gate asks for an ambassador in the units reached (waves 1 and 2), not in wave 3.
    for part in ["Phase: 3.", "Barrier point (fix first):", "Retention score:", "Next actions (top 10):", "Rollout:"] {
        assert!(en.contains(part), "{part}");
    }
    for unit in ["Sales", "General affairs", "Development", "Customer support", "Management"] {
        assert!(en.contains(unit), "{unit}");
    }
    let ja = stdout(teichaku().args(["demo", "--lang", "ja"]));
    assert!(ja.contains("定着スコア") && ja.contains("次のアクション"), "{ja}");
    insta::assert_snapshot!("demo-report-en", en);
}

#[test]
fn the_demo_summary_as_json_is_the_same_every_time() {
    let a = stdout(teichaku().args(["demo", "--format", "json"]));
    let b = stdout(teichaku().args(["demo", "--format", "json"]));
    assert_eq!(a, b);
    let report: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(report["as_of"], "2026-11-01");
    assert_eq!(report["playbook"], "sme-five-step");
    assert!(report["actions"]["actions"].as_array().is_some_and(|a| !a.is_empty()));
}

#[test]
fn playbooks_are_listed_in_text_and_json() {
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(teichaku().args(["playbooks", "--format", "json"]))).unwrap();
    let ids: Vec<&str> = listed.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["exec-led-design", "five-step-self-driving", "seven-step-motivation", "sme-five-step", "three-phase-cycle"]
    );
    let ja = stdout(teichaku().args(["playbooks", "--lang", "ja"]));
    assert!(ja.contains("フェーズ"));
}

#[test]
fn a_playbook_is_shown_and_drawn() {
    let shown = stdout(teichaku().args(["show", "sme-five-step"]));
    assert!(shown.contains("kick-off"));
    let dot = stdout(teichaku().args(["graph", "sme-five-step", "--format", "dot"]));
    assert!(dot.starts_with("digraph \"sme-five-step\" {"));
    let mermaid = stdout(teichaku().args(["graph", "three-phase-cycle", "--lang", "ja"]));
    // A title in the front matter, then the flowchart.
    assert!(mermaid.starts_with("---\ntitle: '"), "{mermaid}");
    assert!(mermaid.contains("\n---\nflowchart TD\n"), "{mermaid}");
}

#[test]
fn an_unknown_playbook_is_an_error_naming_the_known_ones() {
    let err = teichaku().args(["show", "nope"]).assert().code(1).get_output().stderr.clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.starts_with("unknown playbook `nope`: known playbooks are exec-led-design,"), "{err}");
}

#[test]
fn schemas_describe_each_document() {
    let all: serde_json::Value = serde_json::from_str(&stdout(teichaku().arg("schema"))).unwrap();
    assert!(all["assessment"]["properties"]["organisation"].is_object());
    assert!(all["playbook"]["properties"]["phases"].is_object());
    assert_eq!(all["playbook"]["additionalProperties"], false, "unknown fields are rejected");
    assert!(all["rubric"]["properties"]["criteria"].is_object());
    let rubric: serde_json::Value = serde_json::from_str(&stdout(teichaku().args(["schema", "rubric"]))).unwrap();
    assert_eq!(rubric, all["rubric"]);
}

#[test]
fn a_playbook_document_validates_on_its_own() {
    let json = stdout(teichaku().args(["show", "seven-step-motivation", "--format", "json"]));
    assert_eq!(stdout(teichaku().args(["validate", "-"]).write_stdin(json.clone())), "valid playbook document\n");
    let broken = json.replacen("\"weight\": 1.0", "\"weight\": -1.0", 1);
    assert_ne!(broken, json, "the playbook has a criterion of weight 1");
    teichaku().args(["validate", "-"]).write_stdin(broken).assert().code(1);
}

/// A folder holding small.json (naming `extra.csv` among its usage files when `named`) and files.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn folder(files: &[(&str, &str)], named: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(SMALL).unwrap();
    if named {
        doc["observations"]["usage_files"] = serde_json::json!(["extra.csv"]);
    }
    std::fs::write(dir.path().join("doc.json"), doc.to_string()).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn kpis_json(dir: &tempfile::TempDir, extra: &[&str]) -> serde_json::Value {
    let mut cmd = teichaku();
    cmd.current_dir(dir.path()).args([
        "kpis",
        "doc.json",
        "--as-of",
        "2026-04-20",
        "--format",
        "json",
        "--min-group-size",
        "1",
    ]);
    cmd.args(extra);
    serde_json::from_str(&stdout(&mut cmd)).unwrap()
}

const CSV: &str = "\u{feff}member,at,minutes,task,tool,saved_minutes\n\
00000000-0000-0000-0000-000000000105,2026-05-08T09:00:00+09:00,4,minutes,chatgpt,\n\
00000000-0000-0000-0000-000000000108,2026-04-16T10:00:00,2.5,,,10\n";

#[test]
fn kpis_from_the_document_alone() {
    let dir = folder(&[], false);
    let report = kpis_json(&dir, &[]);
    assert_eq!(report["events"]["counted"], 4);
    assert_eq!(report["scopes"][0]["headcount"], 7);
    assert_eq!(report["playbook"], "small");
    assert!(report["engine_version"].is_string());
}

#[test]
fn kpis_stream_csv_events_with_a_byte_order_mark() {
    let dir = folder(&[("events.csv", CSV)], false);
    let report = kpis_json(&dir, &["--events", "events.csv"]);
    // 105's event (05-08) is after as_of; 108's (04-16, local time) counts with the document's four.
    assert_eq!(report["events"]["stored"], 6);
    assert_eq!(report["events"]["counted"], 5);
    assert_eq!(report["events"]["after_as_of"], 1);
    assert_eq!(report["event_files"]["events"], 2);
}

#[test]
fn kpis_read_day_and_period_records_given_by_flag() {
    // 102 on two days (one row twice: an exact duplicate), and 108 over a month without detail.
    let days = "member,date,count,minutes\n\
        00000000-0000-0000-0000-000000000102,2026-04-15,3,12\n\
        00000000-0000-0000-0000-000000000102,2026-04-16,1,2\n\
        00000000-0000-0000-0000-000000000102,2026-04-16,1,2\n";
    let periods = "member,start,end,active_days\n00000000-0000-0000-0000-000000000108,2026-04-01,2026-04-30,9\n";
    let dir = folder(&[("days.csv", days)], false);
    let report = kpis_json(&dir, &["--usage-days", "days.csv"]);
    assert_eq!(report["events"]["day_records"], 2);
    assert_eq!(report["events"]["day_duplicates_dropped"], 1);
    assert_eq!(report["event_files"]["day_records"], 3);
    assert_eq!(report["event_files"]["files"][0]["granularity"], "day");

    let dir = folder(&[("periods.csv", periods)], false);
    let report = kpis_json(&dir, &["--usage-periods", "periods.csv"]);
    assert_eq!(report["events"]["period_records"], 1);
    // Nine days of thirty, seven of them after 04-20: the week before as_of may hold none.
    assert_eq!(report["scopes"][0]["figures"]["value"]["weekly_active"], "not_measurable");
    let text = stdout(teichaku().current_dir(dir.path()).args([
        "kpis",
        "doc.json",
        "--as-of",
        "2026-04-20",
        "--min-group-size",
        "1",
        "--usage-periods",
        "periods.csv",
    ]));
    assert!(text.contains("not measurable"), "{text}");
}

#[test]
fn kpis_read_the_event_files_the_document_names() {
    let dir = folder(&[("extra.csv", CSV)], true);
    let report = kpis_json(&dir, &[]);
    assert_eq!(report["events"]["stored"], 6);
}

#[test]
fn a_malformed_event_line_is_reported_with_its_number() {
    let bad =
        format!("{CSV}00000000-0000-0000-0000-000000000108,yesterday,1,,,\nnot-a-uuid,2026-04-16T10:00:00Z,1,,,\n");
    let dir = folder(&[("events.csv", &bad)], false);
    let err = teichaku()
        .current_dir(dir.path())
        .args(["kpis", "doc.json", "--as-of", "2026-04-20", "--events", "events.csv"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("events.csv:4: unreadable timestamp \"yesterday\""), "{err}");
    assert_eq!(lines[1], "events.csv:5: `member`: `not-a-uuid` is not a member key of this organisation nor a uuid");
    assert_eq!(lines[2], "2 malformed lines; fix them or pass --skip-bad-lines");

    let report = kpis_json(&dir, &["--events", "events.csv", "--skip-bad-lines"]);
    assert_eq!(report["event_files"]["bad_line_count"], 2);
    assert_eq!(report["event_files"]["events"], 2);
}

#[test]
fn json_lines_events_stream_and_report_bad_lines() {
    let lines = "{\"member\": \"00000000-0000-0000-0000-000000000108\", \"at\": \"2026-04-16T10:00:00+09:00\", \"minutes\": 3}\n\
\n\
{\"member\": \"00000000-0000-0000-0000-000000000108\", \"at\": \"2026-04-17T10:00:00+09:00\", \"colour\": \"blue\"}\n";
    let dir = folder(&[("events.jsonl", lines)], false);
    let err = teichaku()
        .current_dir(dir.path())
        .args(["kpis", "doc.json", "--as-of", "2026-04-20", "--events", "events.jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().starts_with("events.jsonl:3: unknown field `colour`"));
    let report = kpis_json(&dir, &["--events", "events.jsonl", "--skip-bad-lines"]);
    assert_eq!(report["event_files"]["events"], 1);
}

#[test]
fn kpis_as_text_in_both_languages() {
    let dir = folder(&[], false);
    let en = stdout(teichaku().current_dir(dir.path()).args(["kpis", "doc.json", "--as-of", "2026-04-20"]));
    assert!(
        en.contains("Organisation") && en.contains("(suppressed: fewer members than the minimum group size)"),
        "{en}"
    );
    let ja =
        stdout(teichaku().current_dir(dir.path()).args(["kpis", "doc.json", "--as-of", "2026-04-20", "--lang", "ja"]));
    assert!(ja.contains("全社"), "{ja}");
}

#[test]
fn assess_reads_a_document_and_draws_its_rollout() {
    let dir = folder(&[], false);
    let text = stdout(teichaku().current_dir(dir.path()).args(["assess", "doc.json", "--as-of", "2026-04-20"]));
    assert!(
        text.contains("Barrier point (fix first): not met yet: An ambassador in every unit [ambassadors]"),
        "{text}"
    );
    let mermaid = stdout(teichaku().current_dir(dir.path()).args([
        "assess",
        "doc.json",
        "--as-of",
        "2026-04-20",
        "--format",
        "mermaid",
    ]));
    assert!(mermaid.contains("\n---\nflowchart TD\n"), "{mermaid}");
    assert!(mermaid.contains(":::overdue"), "Sales' practice task is overdue");
    let args = |format| ["assess", "doc.json", "--as-of", "2026-04-20", "--format", format];
    let gantt = stdout(teichaku().current_dir(dir.path()).args(args("gantt")));
    assert!(gantt.contains("\n---\ngantt\n  dateFormat YYYY-MM-DD\n"), "{gantt}");
    assert!(gantt.contains(" :crit, "), "Sales' practice task is overdue:\n{gantt}");
    let html = stdout(teichaku().current_dir(dir.path()).args(args("html")));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<svg id=\"chart-gantt\""));
    assert!(html.contains("<rect class=\"bar overdue\""), "Sales' practice task is overdue");
}

/// A folder holding small.json with `changes` as its organisation's dated changes.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn folder_with_changes(changes: serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(SMALL).unwrap();
    doc["organisation"]["changes"] = changes;
    std::fs::write(dir.path().join("doc.json"), doc.to_string()).unwrap();
    dir
}

#[test]
fn dated_changes_give_each_date_its_units_and_bad_ones_are_named_by_number() {
    // 104 moves from Sales to Support on 1 May.
    let dir = folder_with_changes(serde_json::json!([
        { "member": "00000000-0000-0000-0000-000000000104", "on": "2026-05-01", "unit": "00000000-0000-0000-0000-000000000003" }
    ]));
    let headcounts = |as_of: &str| {
        let mut cmd = teichaku();
        cmd.current_dir(dir.path()).args(["kpis", "doc.json", "--as-of", as_of, "--format", "json"]);
        let out: serde_json::Value = serde_json::from_str(&stdout(&mut cmd)).unwrap();
        let of = |unit: &str| {
            let scopes = out["scopes"].as_array().unwrap();
            scopes.iter().find(|s| s["scope"]["id"] == unit).unwrap()["headcount"].as_u64().unwrap()
        };
        (of("00000000-0000-0000-0000-000000000002"), of("00000000-0000-0000-0000-000000000003"))
    };
    // Sales: 103 and 104, then 103 and 105 (who joins on 7 May); Support: 106 to 108, then 104 too.
    assert_eq!(headcounts("2026-04-30"), (2, 3));
    assert_eq!(headcounts("2026-05-20"), (2, 4));

    let bad = folder_with_changes(serde_json::json!([
        { "member": "00000000-0000-0000-0000-000000000103", "on": "2026-05-01", "remove_roles": ["ambassador"] }
    ]));
    let output =
        teichaku().current_dir(bad.path()).args(["validate", "doc.json"]).assert().code(1).get_output().stdout.clone();
    assert_eq!(
        String::from_utf8(output).unwrap(),
        "change #1 of member `00000000-0000-0000-0000-000000000103` removes role `ambassador`, which the member does not hold before 2026-05-01\n"
    );
}

/// Runs `teichaku evaluate` on a facts file written to a temporary folder; the exit code, standard
/// output and standard error.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn evaluate(name: &str, facts: &str, extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, facts).unwrap();
    let output = teichaku()
        .args(["evaluate", "--rubric", "builtin:ai-use-in-appraisal@1", "--facts"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const FACTS_HEADER: &str =
    "subject,group,roles,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents\n";

#[test]
fn evaluate_reads_a_csv_with_a_byte_order_mark() {
    let csv = format!("\u{feff}{FACTS_HEADER}e-1,sales,staff,true,3,2,20,0\ne-2,sales,staff,true,1,0,16,1\n");
    let (code, out, err) = evaluate("facts.csv", &csv, &[]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out, @r"
    rubric ai-use-in-appraisal revision 1 sha256:c25202482c1fabadf0ffa0b13c157523b965916560c5712f9d759f361da61a4b (document version 1, teichaku 0.1.0)
    line 2 e-1 [sales]: S 100.00
    line 3 e-2 [sales]: B 74.99; caps: incident (uncapped 75.00)
    ");
    assert_eq!(err, "2 lines: 2 evaluated, 0 not applicable, 0 with errors, 0 blank\n");
}

#[test]
fn evaluate_reports_a_bad_row_in_the_middle_and_goes_on() {
    let csv = format!(
        "{FACTS_HEADER}e-1,sales,staff,true,3,2,20,0\ne-2,sales,staff,true,many,0,16,0\ne-3,sales,staff,true,1,1,8,\n"
    );
    let (code, out, err) = evaluate("facts.csv", &csv, &["--format", "csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            r#"line 3: subject `e-2`: `proposals_implemented`: "many" is not a number"#,
            "3 lines: 2 evaluated, 0 not applicable, 1 with errors, 0 blank",
        ]
    );
    insta::assert_snapshot!(out, @r#"
    line,subject,group,status,rubric,revision,rubric_hash,document_version,engine_version,total,shown_total,uncapped_total,band,weight_counted,points:goal-sheet-ai-entry,points:proposals-implemented,points:success-cases-shared,points:usage-days,caps_applied,missing,error
    2,e-1,sales,evaluated,ai-use-in-appraisal,1,sha256:c25202482c1fabadf0ffa0b13c157523b965916560c5712f9d759f361da61a4b,1,0.1.0,100,100,100,S,100,20,25,15,40,,,
    3,e-2,sales,error,ai-use-in-appraisal,1,sha256:c25202482c1fabadf0ffa0b13c157523b965916560c5712f9d759f361da61a4b,1,0.1.0,,,,,,,,,,,,"subject `e-2`: `proposals_implemented`: ""many"" is not a number"
    4,e-3,sales,evaluated,ai-use-in-appraisal,1,sha256:c25202482c1fabadf0ffa0b13c157523b965916560c5712f9d759f361da61a4b,1,0.1.0,65.5,65.5,65.5,B,100,20,15,10.5,20,,incidents,
    "#);
}

#[test]
fn evaluate_reads_json_lines_and_writes_the_whole_explanation() {
    let jsonl = concat!(
        r#"{"subject": "e-1", "group": "sales", "roles": ["staff"], "facts": {"usage_days_28": 8, "goal_sheet_ai_entry": true}}"#,
        "\n\n",
        r#"{"subject": "e-2", "facts": {"usage_days_28": "often"}}"#,
        "\n",
        r#"{"subject": "e-3", "facts": {"usage_days_28": 4, "incidents": null}}"#,
        "\n",
    );
    let (code, out, err) = evaluate("facts.jsonl", jsonl, &["--format", "json"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "line 3: subject `e-2`: fact `usage_days_28` is declared a number, but the value given is an enumeration\n"
        ),
        "{err}"
    );
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["status"].as_str()), (Some(1), Some("evaluated")));
    let evaluation = &lines[0]["evaluation"];
    // 20 points for the entry and 40 × 8/16 for usage, out of the 60 counted.
    assert_eq!(evaluation["total"], 100.0 * (40.0 / 60.0));
    assert_eq!(evaluation["criteria"].as_array().map(Vec::len), Some(4));
    assert_eq!(evaluation["missing"][0]["fact"], "proposals_implemented");
    assert_eq!((lines[1]["line"].as_u64(), lines[1]["status"].as_str()), (Some(3), Some("error")));
    assert_eq!(lines[1]["error"]["kind"], "wrong_value_kind");
    assert_eq!(lines[2]["evaluation"]["total"], 25.0);
}

#[test]
fn evaluate_refuses_an_unknown_column_naming_it() {
    let (code, out, err) = evaluate("facts.csv", "subject,usage_days_28,colour\ne-1,3,red\n", &[]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.starts_with("CSV header: unknown column `colour`"), "{err}");
}

#[test]
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn evaluate_reports_subjects_out_of_the_rubrics_scope() {
    let dir = tempfile::tempdir().unwrap();
    let mut rubric: serde_json::Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_1_JSON).unwrap();
    rubric["applies_to"] = serde_json::json!(["staff"]);
    let rubric_path = dir.path().join("rubric.json");
    std::fs::write(&rubric_path, rubric.to_string()).unwrap();
    let facts_path = dir.path().join("facts");
    std::fs::write(&facts_path, "subject,roles,usage_days_28\ne-1,staff,8\ne-2,executive;manager,8\n").unwrap();
    let output = teichaku()
        .args(["evaluate", "--facts-format", "csv", "--rubric"])
        .arg(&rubric_path)
        .arg("--facts")
        .arg(&facts_path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let hash = teichaku::rules::compile(serde_json::from_value(rubric).unwrap()).unwrap().content_hash().to_owned();
    let out = String::from_utf8(output.stdout).unwrap().replace(&hash, "sha256:HASH");
    insta::assert_snapshot!(out, @r"
    rubric ai-use-in-appraisal revision 1 sha256:HASH (document version 1, teichaku 0.1.0)
    line 2 e-1: C 50.00; missing: goal_sheet_ai_entry (left out), proposals_implemented (left out), success_cases_shared (left out), incidents (left out)
    line 3 e-2: not applicable (no role the rubric applies to)
    ");
}

#[test]
fn evaluate_with_an_unusable_rubric_exits_two() {
    let (code, _, err) = evaluate("facts.csv", FACTS_HEADER, &[]);
    assert_eq!((code, err.as_str()), (0, "0 lines: 0 evaluated, 0 not applicable, 0 with errors, 0 blank\n"));
    let output =
        teichaku().args(["evaluate", "--rubric", "builtin:no-such-rubric", "--facts", "facts.csv"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn evaluate_rolls_up_and_calibrates_after_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.json");
    std::fs::write(&target, r#"{ "shares": { "S": 0.2, "A": 0.2, "B": 0.2, "C": 0.2, "D": 0.2 } }"#).unwrap();
    // Usage days 16, 12, 8, 8, 4 in sales (totals 100, 75, 50, 50, 25) and one in legal.
    let csv = "subject,group,usage_days_28\ns-1,sales,16\ns-2,sales,12\ns-3,sales,8\ns-4,sales,8\ns-5,sales,4\nl-1,legal,16\n";
    let facts = dir.path().join("facts.csv");
    std::fs::write(&facts, csv).unwrap();
    let output = teichaku()
        .args(["evaluate", "--rubric", "builtin:ai-use-in-appraisal@1", "--format", "json", "--rollup", "--facts"])
        .arg(&facts)
        .arg("--calibrate")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 8);
    let rollup = &lines[6]["rollup"];
    assert_eq!(rollup["groups"][0]["group"], "legal");
    assert_eq!(rollup["groups"][0]["figures"]["status"], "suppressed");
    assert_eq!(rollup["groups"][1]["figures"]["mean"], 60.0);
    assert_eq!(rollup["groups"][1]["figures"]["median"], 50.0);
    // Ranks: l-1 and s-1 tie at 100 (l-1 first by id), s-2 75, s-3 and s-4 50, s-5 25.
    // A fifth each of six is 1.2 people: S holds rank 1, A 2, B 3-4, C 5 and D 6.
    let calibration = &lines[7]["calibration"];
    let moves: Vec<(&str, &str, &str)> = calibration["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["subject"].as_str().unwrap(), m["from"].as_str().unwrap(), m["to"].as_str().unwrap()))
        .collect();
    assert_eq!(moves, [("s-1", "S", "A"), ("s-2", "A", "B"), ("s-3", "C", "B")]);
}

#[test]
fn evaluate_counts_lines_in_a_crlf_file() {
    let csv = "subject,usage_days_28\r\ne-1,8\r\ne-2,x\r\n\"e-3\",4\r\n";
    let (code, out, err) = evaluate("facts.csv", csv, &["--format", "csv"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("line 3: subject `e-2`: `usage_days_28`: \"x\" is not a number\n"), "{err}");
    let lines: Vec<&str> = out.lines().map(|l| l.split(',').next().unwrap_or("")).collect();
    assert_eq!(lines, ["line", "2", "3", "4"]);
}
