//! Japanese text through the `teichaku` command: names and titles with full- and half-width
//! katakana, combining marks (か + U+3099) and emoji sequences come out byte for byte, in JSON and
//! in text; a facts CSV with Japanese enumeration values, groups and subjects is evaluated with
//! its values compared byte for byte; text that is not UTF-8 (such as a Shift_JIS export) is a
//! typed input error, never mojibake.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]
#![expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]

use assert_cmd::Command;
use serde_json::{Value, json};

/// `tests/data/small.json` with Japanese names (see `tests/it/japanese.rs`).
const JAPANESE: &str = include_str!("../../../tests/data/japanese.json");

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

/// Runs the command; its exit code, standard output and standard error.
fn run(cmd: &mut Command) -> (i32, String, String) {
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Runs the command with `args` in `dir`.
fn run_in(dir: &tempfile::TempDir, args: &[&str]) -> (i32, String, String) {
    run(teichaku().current_dir(dir.path()).args(args))
}

/// `assess` of `doc.json` as JSON, the arguments the tests below share.
const ASSESS_JSON: [&str; 6] = ["assess", "doc.json", "--as-of", "2026-06-30", "--format", "json"];

/// A temporary folder holding `files`.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

fn fixture() -> Value {
    serde_json::from_str(JAPANESE).unwrap()
}

#[test]
fn a_document_with_japanese_names_validates_from_a_file_and_from_standard_input() {
    let dir = folder(&[("文書.json", JAPANESE.as_bytes())]);
    let (code, out, err) = run_in(&dir, &["validate", "文書.json"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "valid assessment document\n", ""));
    let (code, out, _) = run(teichaku().args(["validate", "-"]).write_stdin(JAPANESE));
    assert_eq!((code, out.as_str()), (0, "valid assessment document\n"));
}

#[test]
fn assess_as_json_keeps_japanese_titles_byte_for_byte() {
    let dir = folder(&[("doc.json", JAPANESE.as_bytes())]);
    let (code, out, err) = run_in(&dir, &ASSESS_JSON);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let doc = fixture();
    let pb = &doc["playbook"]["inline"];
    let actions = report["actions"]["actions"].as_array().unwrap();
    assert!(!actions.is_empty());
    // Appointments (`appoint:ROLE`) and missed targets (`target:…`) are titled by the engine, not
    // the playbook.
    let by_engine = |code: &str| code.starts_with("appoint:") || code.starts_with("target:");
    for action in actions.iter().filter(|a| !by_engine(a["code"].as_str().unwrap())) {
        let code = action["code"].as_str().unwrap();
        let (kind, id) = code.split_once(':').unwrap();
        let source = match kind {
            "activity" => pb["activities"].as_array().unwrap().iter().find(|a| a["id"] == id),
            "intervention" => pb["interventions"].as_array().unwrap().iter().find(|a| a["id"] == id),
            _ => pb["phases"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["gate"]["criteria"].as_array().unwrap())
                .find(|c| c["id"] == id),
        };
        let title = source.unwrap()["title"]["ja"].as_str().unwrap();
        assert_eq!(action["title"]["ja"].as_str().unwrap().as_bytes(), title.as_bytes(), "{code}");
        // Printed as UTF-8, not as \u escapes.
        assert!(out.contains(title), "{code}: {title} is not in the output as written");
    }

    // The same bytes on every run.
    let (_, again, _) = run_in(&dir, &ASSESS_JSON);
    assert_eq!(again, out);
}

#[test]
fn assess_in_japanese_prints_the_titles_as_written() {
    let dir = folder(&[("doc.json", JAPANESE.as_bytes())]);
    let (code, json, _) = run_in(&dir, &ASSESS_JSON);
    assert_eq!(code, 0);
    let (code, text, err) = run_in(&dir, &["assess", "doc.json", "--as-of", "2026-06-30", "--lang", "ja"]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&json).unwrap();
    for action in report["actions"]["actions"].as_array().unwrap() {
        // A missed target's action is titled by the report: the KPI by its name, with its unit.
        if action["code"].as_str().unwrap().starts_with("target:") {
            assert!(text.contains("目標未達："), "{text}");
            continue;
        }
        let title = action["title"]["ja"].as_str().unwrap();
        assert!(text.contains(title), "{title:?} is not in the Japanese report:\n{text}");
    }
}

/// The built-in rubric with Japanese band names and a `grade` enumeration fact whose values are
/// Japanese; a cap lowers the band of the grade written with a combining mark.
fn japanese_rubric() -> Value {
    let mut rubric: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_1_JSON).unwrap();
    for (band, name) in rubric["bands"].as_array_mut().unwrap().iter_mut().zip(BANDS) {
        band["name"] = json!(name);
    }
    rubric["caps"][0]["max_band"] = json!(BANDS[2]);
    rubric["caps"][1]["max_band"] = json!(BANDS[3]);
    rubric["facts"].as_array_mut().unwrap().push(json!({ "name": "grade", "kind": { "enumeration": GRADES } }));
    rubric["caps"].as_array_mut().unwrap().push(json!({
        "id": "grade", "when": { "one_of": { "fact": "grade", "values": [GRADES[2]] } }, "max_band": BANDS[1]
    }));
    rubric
}

const BANDS: [&str; 5] = ["秀 ✨", "優（ﾕｳ）", "良か\u{3099}", "可👍🏽", "不可"];
const GRADES: [&str; 3] = ["一般職", "ﾏﾈｰｼﾞｬｰ", "か\u{3099}ちょう👩\u{200d}💼"];

#[test]
fn evaluate_reads_japanese_enumeration_values_from_csv_byte_for_byte() {
    let header =
        "subject,group,grade,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents\n";
    let rows = [
        // A full score; the grade as declared (half-width katakana).
        format!("社員-001,営業部カ\u{3099}ループ,{},true,3,2,16,0", GRADES[1]),
        // The grade with a combining mark matches only as written: capped to the second band.
        format!("社員-002,営業部カ\u{3099}ループ,{},true,3,2,16,0", GRADES[2]),
        // The same grade with a precomposed が is another value: undeclared, an error row.
        "社員-003,サポート❤\u{fe0f}課,がちょう👩\u{200d}💼,true,3,2,16,0".to_owned(),
        // Full-width katakana for a half-width value: undeclared too.
        "社員-004,サポート❤\u{fe0f}課,マネージャー,true,3,2,16,0".to_owned(),
    ];
    let csv = format!("{header}{}\n", rows.join("\n"));
    let dir = folder(&[("rubric.json", japanese_rubric().to_string().as_bytes()), ("facts.csv", csv.as_bytes())]);
    let (code, out, err) =
        run_in(&dir, &["evaluate", "--rubric", "rubric.json", "--facts", "facts.csv", "--format", "json"]);
    assert_eq!(code, 1, "two rows have undeclared grades: {err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4, "{out}");

    let e1 = &lines[0]["evaluation"];
    assert_eq!(lines[0]["status"], "evaluated");
    assert_eq!(lines[0]["subject"], "社員-001");
    assert_eq!(lines[0]["group"].as_str().unwrap().as_bytes(), "営業部カ\u{3099}ループ".as_bytes());
    assert_eq!(e1["band"].as_str().unwrap().as_bytes(), BANDS[0].as_bytes());

    let e2 = &lines[1]["evaluation"];
    assert_eq!(e2["band"].as_str().unwrap().as_bytes(), BANDS[1].as_bytes());
    assert_eq!(e2["caps_applied"][0]["cap"], "grade");

    for (line, value) in [(&lines[2], "がちょう👩\u{200d}💼"), (&lines[3], "マネージャー")] {
        assert_eq!(line["status"], "error");
        assert_eq!(line["error"]["kind"], "unknown_value");
        assert_eq!(line["error"]["value"].as_str().unwrap().as_bytes(), value.as_bytes());
    }
    // The message quotes the value with invisible characters escaped (here the ZWJ, as `\u{200d}`),
    // so values that differ only by a combining mark or a joiner look different on a terminal;
    // the JSON above carries the exact bytes.
    assert!(
        err.contains(r#"line 4: subject `社員-003`: fact `grade` has undeclared value "がちょう👩\u{200d}💼""#),
        "{err}"
    );

    // As CSV, the band names and groups come out as written too.
    let (_, csv_out, _) =
        run_in(&dir, &["evaluate", "--rubric", "rubric.json", "--facts", "facts.csv", "--format", "csv"]);
    let second = csv_out.lines().nth(2).unwrap();
    assert!(second.starts_with("3,社員-002,営業部カ\u{3099}ループ,evaluated,"), "{second}");
    assert!(second.contains(&format!(",{},", BANDS[1])), "{second}");
}

#[test]
fn evaluate_keeps_an_ideographic_space_inside_a_value() {
    // The reader trims ASCII blanks around cells; an ideographic space (U+3000) is text, kept.
    let mut rubric = japanese_rubric();
    rubric["facts"].as_array_mut().unwrap().last_mut().unwrap()["kind"]["enumeration"] =
        json!(["部長\u{3000}代理", "部長代理"]);
    rubric["caps"].as_array_mut().unwrap().pop();
    let csv = "subject,grade,usage_days_28\ne-1, 部長\u{3000}代理 ,8\ne-2,部長代理,8\n";
    let dir = folder(&[("rubric.json", rubric.to_string().as_bytes()), ("facts.csv", csv.as_bytes())]);
    let (code, out, err) =
        run_in(&dir, &["evaluate", "--rubric", "rubric.json", "--facts", "facts.csv", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().all(|l| l["status"] == "evaluated"), "{out}");
}

#[test]
fn a_document_that_is_not_utf8_is_an_input_error_naming_the_offset() {
    // "営業" in Shift_JIS (0x89 0x63 0x8B 0xC6), as spreadsheet exports in Japan often are.
    let shift_jis: Vec<u8> =
        [&br#"{"version": 1, "organisation": {"name": ""#[..], &[0x89, 0x63, 0x8B, 0xC6], b"\"}}"].concat();
    // The fixture cut in the middle of its first multi-byte character.
    let cut = JAPANESE.char_indices().find(|(_, c)| !c.is_ascii()).unwrap().0 + 1;
    for bytes in [shift_jis, b"\xff\xfe{}".to_vec(), JAPANESE.as_bytes()[..cut].to_vec()] {
        let utf8 = std::str::from_utf8(&bytes).unwrap_err();
        let dir = folder(&[("doc.json", &bytes)]);
        let (code, out, err) = run_in(&dir, &["validate", "doc.json"]);
        assert_eq!(code, 1);
        assert_eq!(out, "");
        assert_eq!(err, format!("doc.json: not UTF-8: invalid byte at offset {}\n", utf8.valid_up_to()));
    }
}

#[test]
fn a_facts_csv_in_shift_jis_is_an_error_row_not_mojibake() {
    let mut csv = b"subject,grade,usage_days_28\ne-1,".to_vec();
    csv.extend_from_slice(&[0x95, 0x94, 0x92, 0xB7]); // 部長 in Shift_JIS
    csv.extend_from_slice(b",8\n");
    let dir = folder(&[("rubric.json", japanese_rubric().to_string().as_bytes()), ("facts.csv", &csv)]);
    let (code, _, err) = run_in(&dir, &["evaluate", "--rubric", "rubric.json", "--facts", "facts.csv"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("line 2: subject `e-1`: `grade`: not UTF-8\n"), "{err}");
}
