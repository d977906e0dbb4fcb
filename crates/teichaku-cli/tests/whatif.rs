//! `teichaku whatif` as a caller sees it: activities completed today and what changes, and the
//! best single action, over the small test document (tests/data/small.json) whose answers are
//! worked out by hand below, in English, Japanese and JSON.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use assert_cmd::Command;
use serde_json::{Value, json};

const SMALL: &str = include_str!("../../../tests/data/small.json");
const SUPPORT: &str = "00000000-0000-0000-0000-000000000003";
const SALES: &str = "00000000-0000-0000-0000-000000000002";

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

fn whatif(args: &[&str]) -> String {
    let output = teichaku()
        .args(["whatif", "-", "--as-of", "2026-05-20"])
        .args(args)
        .write_stdin(SMALL)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

fn whatif_json(args: &[&str]) -> Value {
    serde_json::from_str(&whatif(&[args, &["--format", "json"]].concat())).unwrap()
}

fn fails(args: &[&str]) -> String {
    let output = teichaku()
        .args(["whatif", "-", "--as-of", "2026-05-20"])
        .args(args)
        .write_stdin(SMALL)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(output.stdout.is_empty());
    String::from_utf8(output.stderr).unwrap()
}

// On 2026-05-20 the small organisation has `declare-aim` done and `training` done in Sales. Its
// second wave (Support) is blocked: nobody there is an ambassador. Support has three members
// present (106, a manager; 107, who leaves on 2026-06-01; 108), none an ambassador.

#[test]
fn the_best_single_action_appoints_the_missing_ambassador() {
    let report = whatif_json(&[]);
    let best = &report["best_single_actions"];
    // Appointing the first present member of Support by id (106) lets the wave start, so its
    // training becomes startable; the three members present there are concerned.
    assert_eq!(best[0]["code"], "appoint:ambassador");
    assert_eq!(best[0]["scope"], json!({"kind": "unit", "unit": SUPPORT}));
    assert_eq!(best[0]["appointed"], json!([["00000000-0000-0000-0000-000000000106", "ambassador"]]));
    assert_eq!(best[0]["unblocked"], json!([{"activity": "training", "unit": SUPPORT}]));
    assert_eq!(best[0]["instances_unblocked"], 1);
    assert_eq!(best[0]["members_unblocked"], 3);
    // The overdue practice task in Sales and the weekly meeting unblock nothing.
    let rest: Vec<(&str, u64)> = best
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .map(|b| (b["code"].as_str().unwrap(), b["instances_unblocked"].as_u64().unwrap()))
        .collect();
    assert_eq!(rest, [("activity:practice-task", 0), ("activity:weekly-meeting", 0)]);
    // Without `--complete` nothing is completed and there are no changes.
    assert_eq!(report["completed"], json!([]));
    assert!(report.get("changes").is_none());
    assert_eq!(report["as_of"], "2026-05-20");
}

#[test]
fn completing_the_overdue_practice_task_removes_its_action_and_changes_nothing_else() {
    let report = whatif_json(&["--complete", "practice-task@Sales"]);
    assert_eq!(report["completed"], json!([{"activity": "practice-task", "unit": SALES, "date": "2026-05-20"}]));
    let changes = &report["changes"];
    assert_eq!(
        changes["instances"],
        json!([{"key": {"activity": "practice-task", "unit": SALES}, "from": "overdue", "to": "done"}])
    );
    assert_eq!(
        changes["actions_removed"],
        json!([{"code": "activity:practice-task", "scope": {"kind": "unit", "unit": SALES}}])
    );
    assert_eq!(changes["actions_added"], json!([]));
    // The gate still waits for 40% weekly use: phase, readiness and barrier stay.
    assert_eq!(changes["phase"], json!({"before": "prepare", "after": "prepare"}));
    assert_eq!(changes["barrier"]["after"]["criterion"], "weekly-40");
    assert_eq!(changes["readiness_percent"]["before"], changes["readiness_percent"]["after"]);
}

#[test]
fn a_per_unit_activity_alone_completes_each_ready_instance() {
    // Training is done in Sales already; in Support it is ready (its wave may not start, which
    // blocks proposing it, not completing it). Completing it there readies Support's practice task.
    let by_name = whatif_json(&["--complete", "training"]);
    assert_eq!(by_name["completed"], json!([{"activity": "training", "unit": SUPPORT, "date": "2026-05-20"}]));
    assert_eq!(
        by_name["changes"]["instances"],
        json!([
            {"key": {"activity": "training", "unit": SUPPORT}, "from": "ready", "to": "done"},
            {"key": {"activity": "practice-task", "unit": SUPPORT}, "from": "blocked", "to": "ready"},
        ])
    );
    // The same instance named by unit id and by unit name gives the same answer.
    assert_eq!(whatif_json(&["--complete", &format!("training@{SUPPORT}")]), by_name);
    assert_eq!(whatif_json(&["--complete", "training@Support"]), by_name);
}

#[test]
fn completing_the_best_action_changes_what_it_said_it_would_unblock() {
    // The engine's ranking and its what-if agree: the unblocked instances of an activity
    // candidate are exactly the instances that turn startable once it is completed.
    let demo = teichaku().args(["demo", "--document"]).assert().success().get_output().stdout.clone();
    let run = |args: &[&str]| -> Value {
        let out = teichaku()
            .args(["whatif", "-", "--as-of", "2026-11-01", "--format", "json"])
            .args(args)
            .write_stdin(demo.clone())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    // The best action that is an activity (an appointment is not completed with --complete).
    let best = run(&[])["best_single_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"].as_str().is_some_and(|c| c.starts_with("activity:")))
        .cloned()
        .unwrap();
    let activity = best["code"].as_str().unwrap().strip_prefix("activity:").unwrap().to_owned();
    assert!(best["instances_unblocked"].as_u64().unwrap() > 0, "{best}");
    let after = run(&["--complete", &activity]);
    let turned_ready: Vec<Value> = after["changes"]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["from"] == "blocked" && c["to"] == "ready")
        .map(|c| c["key"].clone())
        .collect();
    let mut expected = best["unblocked"].as_array().unwrap().clone();
    let key = |v: &Value| v.to_string();
    expected.sort_by_key(key);
    let mut turned_ready = turned_ready;
    turned_ready.sort_by_key(key);
    assert_eq!(turned_ready, expected);
}

#[test]
fn the_text_report_in_english() {
    let text = whatif(&["--complete", "practice-task@Sales", "--top", "1"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "Small Example K.K. — what-if as of 2026-05-20",
            "",
            "If completed today: Practice task [practice-task] (Sales)",
            "  Phase: 1. Prepare = 1. Prepare",
            "  Readiness: 66.7% = 66.7%",
            "  Retention score: 13.1 = 13.1",
            "  Barrier point: not met yet: 40% weekly active [weekly-40] = not met yet: 40% weekly active [weekly-40]",
            "  Instances changed (1):",
            "    Practice task [practice-task] (Sales): overdue → done",
            "  Actions removed (1):",
            "    Practice task [practice-task] — Sales",
            "",
            "Best single action today (top 1):",
            " 1. Appoint an AI ambassador — Support: unblocks 1 instance, 3 people",
            "      appoints: 00000000-0000-0000-0000-000000000106 → ambassador",
            "      then startable: Training [training] (Support)",
            "",
            &format!("teichaku {} · document format 1 · playbook small rev 3", env!("CARGO_PKG_VERSION")),
        ]
    );
}

#[test]
fn the_text_report_in_japanese() {
    let out = teichaku()
        .args(["--lang", "ja", "whatif", "-", "--as-of", "2026-05-20", "--complete", "training", "--top", "1"])
        .write_stdin(SMALL)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for expected in [
        "仮定の試算 基準日 2026-05-20",
        "本日完了した場合：研修［training］（Support）",
        "    研修［training］（Support）：着手可能 → 完了",
        "    実務課題［practice-task］（Support）：待ち → 着手可能",
        "今日の一手（単独で最も効く行動、上位 1）：",
        "Support：作業1件・3人の待ちを解除",
        "→ アンバサダー",
        "  ボトルネック：週次利用40%（未達）［weekly-40］",
        "プレイブック small 第3版",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    assert!(!text.contains("Best single action"), "{text}");
}

#[test]
fn nothing_ready_and_unknown_names_are_refused_with_the_reason() {
    let unknown = fails(&["--complete", "no-such-activity"]);
    assert!(unknown.starts_with("--complete no-such-activity: unknown activity `no-such-activity`: the playbook's activities are declare-aim, training, practice-task, weekly-meeting"), "{unknown}");
    let unit = fails(&["--complete", "training@Nowhere"]);
    assert_eq!(unit, "--complete training@Nowhere: unknown unit `Nowhere`: expected a unit id, code or name\n");
    let organisation_wide = fails(&["--complete", "declare-aim@Sales"]);
    assert_eq!(
        organisation_wide,
        "--complete declare-aim@Sales: `declare-aim` is done once for the whole organisation; leave out `@UNIT`\n"
    );
    // Practice task is overdue in Sales and blocked in Support: by name alone it stands for its
    // one instance that is ready or overdue, the one in Sales.
    let sales_only = whatif_json(&["--complete", "practice-task"]);
    assert_eq!(sales_only["completed"][0]["unit"], SALES);
    assert_eq!(sales_only["completed"].as_array().unwrap().len(), 1);
}

#[test]
fn an_invalid_document_is_refused_like_assess_refuses_it() {
    let broken = SMALL.replace(r#""minutes": 7.5"#, r#""minutes": -7.5"#);
    let output = teichaku()
        .args(["whatif", "-", "--as-of", "2026-05-20"])
        .write_stdin(broken)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("`minutes` = -7.5 is negative"), "{stderr}");
}
