//! From the HR member list to an assessment in two commands (`teichaku init`, then
//! `teichaku assess`), with the member list in UTF-8, UTF-8 with a byte-order mark, Shift-JIS
//! and XLSX, and an e-mail-keyed usage export (README.md, docs/format.md).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const HR: &str = include_str!("../../../tests/fixtures/import/hr.csv");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import").join(name)
}

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

#[expect(clippy::disallowed_methods, reason = "the test writes its inputs")]
fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

#[expect(clippy::disallowed_methods, reason = "the test reads what the command wrote")]
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The HR list as an XLSX workbook: the same cells, dates as Excel dates, the ambassador
/// column as booleans.
fn xlsx(path: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy/mm/dd");
    for (row, line) in HR.lines().enumerate() {
        for (col, cell) in line.split(',').enumerate() {
            let (r, c) = (row as u32, col as u16);
            let parsed = (row > 0 && (col == 7 || col == 8) && !cell.is_empty())
                .then(|| rust_xlsxwriter::ExcelDateTime::parse_from_str(&cell.replace('/', "-")).ok())
                .flatten();
            match (parsed, cell) {
                (Some(d), _) => sheet.write_datetime_with_format(r, c, &d, &date).map(|_| ()),
                (None, "TRUE") => sheet.write_boolean(r, c, true).map(|_| ()),
                (None, "FALSE") => sheet.write_boolean(r, c, false).map(|_| ()),
                (None, "") => Ok(()),
                (None, text) if row > 0 && col == 6 => {
                    sheet.write_number(r, c, text.parse::<f64>().unwrap()).map(|_| ())
                }
                (None, text) => sheet.write_string(r, c, text).map(|_| ()),
            }
            .unwrap();
        }
    }
    workbook.save(path).unwrap();
}

/// `init` then `assess` in a fresh folder; returns the document and the assessment (JSON).
fn two_commands(dir: &Path, members: &Path) -> (String, Value) {
    let org = dir.join("org.json");
    teichaku()
        .args(["init", "--members"])
        .arg(members)
        .args(["--playbook", "sme-five-step", "--launch-date", "2026-10-01", "--as-of", "2026-11-04", "--out"])
        .arg(&org)
        .assert()
        .success();
    let output = teichaku()
        .arg("assess")
        .arg(&org)
        .arg("--events")
        .arg(fixture("usage.csv"))
        .args(["--as-of", "2026-11-04", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    (read(&org), serde_json::from_slice(&output).unwrap())
}

#[test]
fn the_hr_list_in_every_encoding_and_as_xlsx_gives_one_document_and_one_assessment() {
    let dir = tempfile::tempdir().unwrap();
    let (document, assessment) = two_commands(dir.path(), &fixture("hr.csv"));
    let files = &assessment["event_files"];
    // Four events by e-mail address (in another case) and employee number: none refused.
    assert_eq!(files["events"], 4, "{files}");
    assert_eq!(files["bad_line_count"], 0);

    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(HR);
    assert!(!unmappable);
    let sjis_path = dir.path().join("hr-sjis.csv");
    write(&sjis_path, &sjis);
    let bom_path = dir.path().join("hr-bom.csv");
    write(&bom_path, &[b"\xef\xbb\xbf".as_slice(), HR.as_bytes()].concat());
    let xlsx_path = dir.path().join("hr.xlsx");
    xlsx(&xlsx_path);
    for path in [sjis_path, bom_path, xlsx_path] {
        let other = tempfile::tempdir().unwrap();
        let (doc, a) = two_commands(other.path(), &path);
        assert_eq!(doc, document, "{}", path.display());
        assert_eq!(a, assessment, "{}", path.display());
    }
}

#[test]
fn e_mail_keyed_events_count_for_the_right_members() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    teichaku()
        .args(["init", "--members"])
        .arg(fixture("hr.csv"))
        .args(["--launch-date", "2026-10-01", "--out"])
        .arg(&org)
        .assert()
        .success();
    let output = teichaku()
        .arg("kpis")
        .arg(&org)
        .arg("--events")
        .arg(fixture("usage.csv"))
        .args(["--as-of", "2026-11-04", "--per-member", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&output).unwrap();
    let days = |key: &str| {
        let id = teichaku::model::MemberId::from_key(key).to_string();
        let member = report["members"].as_array().unwrap().iter().find(|m| m["member"] == id.as_str());
        member.map(|m| m["days_7"].as_u64().unwrap())
    };
    // SATO.HANAKO@ on 11-02; suzuki@ and Suzuki@ on 11-02 and 11-03; E005 on 11-03.
    assert_eq!(
        [days("E001"), days("E002"), days("E003"), days("E004"), days("E005")],
        [Some(0), Some(1), Some(2), Some(0), Some(1)]
    );
    // E006 left on 2026-09-30: listed with no use, and not in the headcount below.
    assert_eq!(days("E006"), Some(0));
    // Weekly active: E002, E003 and E005 of the five present.
    let organisation = &report["scopes"][0]["figures"]["value"]["weekly_active"]["value"];
    assert_eq!((organisation["numerator"].as_u64(), organisation["denominator"].as_u64()), (Some(3), Some(5)));
}

#[test]
fn bad_rows_are_all_reported_by_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    let output = teichaku().args(["init", "--members"]).arg(fixture("bad.csv")).arg("--out").arg(&org).assert().code(1);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("3 rows of the member list cannot be read"), "{stderr}");
    for line in ["line 3 (`E002` Sato)", "line 4 (`E003` Suzuki)", "line 5 (`E001` Takahashi)"] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    assert!(!org.exists());
}

#[test]
fn as_of_defaults_to_today_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    teichaku()
        .args(["init", "--members"])
        .arg(fixture("hr.csv"))
        .args(["--launch-date", "2026-10-01", "--out"])
        .arg(&org)
        .assert()
        .success();
    let output = teichaku().arg("assess").arg(&org).assert().success().get_output().stdout.clone();
    let text = String::from_utf8(output).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.contains(" (today) "), "{first}");
    let given = teichaku().arg("assess").arg(&org).args(["--as-of", "2026-11-04"]).assert().success();
    let text = String::from_utf8(given.get_output().stdout.clone()).unwrap();
    assert!(text.lines().next().unwrap().contains("as of 2026-11-04 (day 34 after launch)"), "{text}");
}

#[test]
fn a_member_column_naming_nobody_is_reported_with_its_line_and_the_expected_form() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org.json");
    teichaku()
        .args(["init", "--members"])
        .arg(fixture("hr.csv"))
        .args(["--launch-date", "2026-10-01", "--out"])
        .arg(&org)
        .assert()
        .success();
    let events = dir.path().join("u.csv");
    write(&events, b"member,at\nE001,2026-11-02T09:00:00+09:00\nE999,2026-11-02T09:00:00+09:00\n");
    let output = teichaku()
        .arg("assess")
        .arg(&org)
        .arg("--events")
        .arg(&events)
        .args(["--as-of", "2026-11-04"])
        .assert()
        .code(1);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("u.csv:3: `member`: `E999` is not a member key of this organisation nor a uuid"),
        "{stderr}"
    );
}
