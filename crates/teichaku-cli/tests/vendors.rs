//! `--usage-vendor` and `--github-logins` (docs/vendors.md): vendor exports on the command line,
//! every refused line named by the vendor file and its own line, a user the organisation does
//! not know reported once.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/vendors")
}

fn teichaku() -> Command {
    let mut cmd = Command::cargo_bin("teichaku").unwrap();
    cmd.current_dir(data());
    cmd
}

const KPIS: [&str; 6] = ["kpis", "org.json", "--as-of", "2026-08-09", "--min-group-size", "1"];
const GITHUB: [&str; 4] =
    ["--usage-vendor", "github-copilot=github-copilot.ndjson", "--github-logins", "github-logins.csv"];

fn json(cmd: &mut Command) -> Value {
    serde_json::from_slice(&cmd.assert().success().get_output().stdout).unwrap()
}

#[test]
fn github_copilot_lines_are_loaded_and_bad_ones_named_by_their_own_line() {
    let report = json(teichaku().args(KPIS).args(GITHUB).args(["--skip-bad-lines", "--format", "json"]));
    let figures = &report["scopes"][0]["figures"]["value"];
    assert_eq!(figures["weekly_active"]["value"]["numerator"], 3);
    assert_eq!(figures["habit"]["value"]["numerator"], 1);
    assert_eq!(figures["usage"]["minutes_per_active_member"], "not_measurable");
    let files = &report["event_files"];
    assert_eq!(files["files"][0]["file"], "github-copilot.ndjson");
    assert_eq!(files["files"][0]["granularity"], "day");
    assert_eq!((files["files"][0]["events"].as_u64(), files["files"][0]["bad_lines"].as_u64()), (Some(7), Some(2)));
    let lines: Vec<(u64, &str)> = files["bad_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_u64().unwrap(), l["file"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(9, "github-copilot.ndjson"), (11, "github-copilot.ndjson")]);
    assert_eq!(files["bad_line_count"], 2);

    // Without --skip-bad-lines the load stops and names them.
    let out = teichaku().args(KPIS).args(GITHUB).assert().code(1).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("github-copilot.ndjson:9: `member`: `stranger` is not a member key"), "{err}");
    assert!(err.contains("github-copilot.ndjson:11: `day`: \"2026-08-32\""), "{err}");
    assert!(err.contains("2 malformed lines"), "{err}");
}

#[test]
fn microsoft_365_rows_of_an_unknown_user_are_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    let header = include_str!("../../../tests/data/vendors/m365-copilot.csv").lines().next().unwrap();
    let csv = format!(
        "{header}\n2026-08-09,7,ghost@example.jp,Ghost,2026-08-09,2026-08-09,2026-08-02,,,,,,2026-08-01\n\
         2026-08-09,7,ONE@example.jp,M1,2026-08-08,,2026-08-08,,,,,,\n"
    );
    let file = dir.path().join("m365.csv");
    #[expect(clippy::disallowed_methods, reason = "the test writes its input")]
    std::fs::write(&file, csv).unwrap();
    let vendor = format!("m365-copilot={}", file.display());
    let report = json(teichaku().args(KPIS).args(["--usage-vendor", &vendor, "--skip-bad-lines", "--format", "json"]));
    let files = &report["event_files"];
    // The ghost's three days are one row, reported once.
    assert_eq!(files["bad_line_count"], 1);
    assert_eq!(files["bad_lines"][0]["line"], 2);
    assert_eq!(files["files"][0]["bad_lines"], 1);
    assert_eq!(report["scopes"][0]["figures"]["value"]["weekly_active"]["value"]["numerator"], 1);
    assert_eq!(report["scopes"][0]["figures"]["value"]["usage"]["intensity"], "not_measurable");
    // The days before each user's last day of use are unknown days, loaded from memory: the
    // ghost's are the same line again, so that file reports no bad line; M1's days in
    // 08-03..07 are unknown, so the habit rate is not measurable.
    assert_eq!(files["files"][1]["file"], "vendor-exports#unknown-days.csv");
    assert_eq!(files["files"][1]["granularity"], "period");
    assert_eq!((files["files"][1]["events"].as_u64(), files["files"][1]["bad_lines"].as_u64()), (Some(2), Some(0)));
    assert_eq!(report["scopes"][0]["figures"]["value"]["habit"], "not_measurable");

    // assess reads them the same way.
    let assessed = json(teichaku().args(["assess", "org.json", "--as-of", "2026-08-09", "--format", "json"]).args([
        "--usage-vendor",
        &vendor,
        "--skip-bad-lines",
    ]));
    assert_eq!(assessed["event_files"]["bad_line_count"], 1);
}

#[test]
fn an_unknown_vendor_or_login_list_is_refused() {
    let out = teichaku().args(KPIS).args(["--usage-vendor", "chatgpt=a.csv"]).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("unknown vendor export `chatgpt`"), "{err}");
    let out = teichaku()
        .args(KPIS)
        .args(["--usage-vendor", "github-copilot=github-copilot.ndjson", "--github-logins", "org.json"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("org.json: GitHub login list, line 1:"), "{err}");
}
