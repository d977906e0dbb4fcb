//! Under `--lang ja` every message about bad input is Japanese: a bad document, bad usage event
//! lines, a bad facts file, a bad HR member list, an unknown playbook, a missing file. Each case
//! runs the command and fails when its standard output or standard error holds an English word.
//!
//! The rule (also in `docs/reliability.md`): after taking out what is quoted from the input or
//! names a thing, no ASCII word of two letters or more is left. Taken out are text in backticks
//! (ids, keys, field and column names as written), text in double quotes (a value as found), file
//! names and paths, uuids, numbers, dates and times, command-line options (`--skip-bad-lines`),
//! and a short list of names and units that Japanese writes in Latin letters: UTF-8, JSON,
//! CSV, XLSX, RFC, KPI, ID, UUID, teichaku, sha256.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]
#![expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// Names and units a Japanese message may write in Latin letters.
const ALLOWED: [&str; 10] = ["UTF", "JSON", "CSV", "XLSX", "RFC", "KPI", "ID", "UUID", "teichaku", "sha256"];

/// The English words left in `text` once quotations, names, numbers and allowed words are
/// taken out (see the module's documentation).
fn english_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '`' | '"') => quote = Some(c),
            (Some(q), c) if c == q => {
                quote = None;
                plain.push(' ');
            }
            (Some(_), _) => {}
            (None, c) => plain.push(c),
        }
    }
    let mut words = Vec::new();
    for token in plain.split(|c: char| !(c.is_ascii_alphanumeric() || "-_./+@".contains(c))) {
        let token = token.trim_matches('.');
        let is_name = token.contains(['/', '.'])
            || token.starts_with("--")
            || token.starts_with(|c: char| c.is_ascii_digit())
            || ALLOWED.iter().any(|a| token.split('-').next() == Some(*a));
        if is_name {
            continue;
        }
        if token.chars().filter(char::is_ascii_alphabetic).count() >= 2 {
            words.push(token.to_owned());
        }
    }
    words
}

#[test]
fn the_rule_finds_english_and_lets_names_through() {
    assert_eq!(english_words("member #1 names unknown unit"), ["member", "names", "unknown", "unit"]);
    assert!(
        english_words(
            "a.csv:3: 日時 \"yesterday\" を読めません。2026-04-01T09:30:00+09:00 のように RFC 3339 の形式で書いてください"
        )
        .is_empty()
    );
    assert!(english_words("2件目のメンバー `E002`（佐藤）が存在しない部署 `sales` を指しています").is_empty());
    assert!(english_words("読めない行が 5 行あります。直すか --skip-bad-lines を付けてください").is_empty());
    assert!(english_words("tests/fixtures/import/bad.csv: UTF-8 ではありません").is_empty());
}

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

/// A temporary folder holding `files`.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// Runs `teichaku --lang ja ARGS` in `dir`; asserts it fails with `code`, says something, and
/// says it in Japanese. Standard output and standard error, joined.
fn japanese(dir: &tempfile::TempDir, args: &[&str], code: i32) -> String {
    let output = teichaku().current_dir(dir.path()).arg("--lang").arg("ja").args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    assert_eq!(output.status.code(), Some(code), "{args:?}: {text}");
    assert!(!text.trim().is_empty(), "{args:?} says nothing");
    let words = english_words(&text);
    assert!(words.is_empty(), "{args:?} prints English words {words:?}:\n{text}");
    text
}

/// The demo's document, changed by `edit`.
fn demo(edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut doc = serde_json::to_value(teichaku::demo::document()).unwrap();
    edit(&mut doc);
    serde_json::to_vec_pretty(&doc).unwrap()
}

#[test]
fn a_bad_document_is_described_in_japanese_by_validate_and_assess() {
    let bad = demo(|d| {
        d["organisation"]["members"][1]["unit"] = "00000000-0000-0000-0000-0000000000ff".into();
        d["organisation"]["members"][2]["left"] = "2000-01-01".into();
    });
    let playbook = demo(|d| d["playbook"]["builtin"] = "no-such-playbook".into());
    let syntax = br#"{ "version": 1, "organisation": { "nme": "x" } }"#;
    let dir = folder(&[("bad.json", &bad), ("playbook.json", &playbook), ("syntax.json", syntax), ("empty.json", b"")]);
    let text = japanese(&dir, &["validate", "bad.json"], 1);
    assert!(text.contains("2件目のメンバー"), "{text}");
    japanese(&dir, &["assess", "bad.json", "--as-of", "2026-06-30"], 1);
    japanese(&dir, &["kpis", "bad.json", "--as-of", "2026-06-30"], 1);
    japanese(&dir, &["validate", "playbook.json"], 1);
    let text = japanese(&dir, &["validate", "syntax.json"], 1);
    assert!(text.contains("未知の項目 `nme`"), "{text}");
    japanese(&dir, &["assess", "syntax.json", "--as-of", "2026-06-30"], 1);
    japanese(&dir, &["validate", "empty.json"], 1);
    japanese(&dir, &["validate", "missing.json"], 1);
}

#[test]
fn bad_usage_event_lines_are_described_in_japanese() {
    let member = teichaku::demo::document().organisation.members[0].id;
    let events = format!(
        "member,at,minutes\n{member},2026-06-01T09:00:00+09:00,5\n{member},yesterday,5\nE999,2026-06-01T09:00:00+09:00,5\n,2026-06-01T09:00:00+09:00,1\n{member},2026-06-01T09:00:00+09:00,ten\n\"open,1\n{member},2026-06-01T09:00:00+09:00,-3\n"
    );
    let doc = demo(|d| d["observations"]["usage_files"] = serde_json::json!(["events.csv"]));
    let header = demo(|d| d["observations"]["usage_files"] = serde_json::json!(["header.csv"]));
    let dir = folder(&[
        ("doc.json", &doc),
        ("events.csv", events.as_bytes()),
        ("header.json", &header),
        ("header.csv", b"member,at,colour\n"),
    ]);
    let text = japanese(&dir, &["validate", "doc.json"], 1);
    assert!(text.contains("events.csv:3: 日時"), "{text}");
    japanese(&dir, &["assess", "doc.json", "--as-of", "2026-06-30"], 1);
    let out = teichaku()
        .current_dir(dir.path())
        .args(["--lang", "ja", "assess", "doc.json", "--as-of", "2026-06-30", "--skip-bad-lines"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8(out.stdout).unwrap();
    let skipped: String = report.lines().filter(|l| l.contains("events.csv:")).collect::<Vec<_>>().join("\n");
    assert!(skipped.contains("events.csv:4:"), "{report}");
    assert_eq!(english_words(&skipped), Vec::<String>::new(), "{skipped}");
    japanese(&dir, &["validate", "header.json"], 1);
    japanese(&dir, &["kpis", "header.json", "--as-of", "2026-06-30"], 1);
}

#[test]
fn a_bad_facts_file_is_described_in_japanese_and_the_rows_read_in_japanese() {
    let header =
        "subject,group,roles,goal_sheet_ai_entry,proposals_implemented,success_cases_shared,usage_days_28,incidents\n";
    let facts = format!(
        "{header}A,営業,staff,true,2,1,20,0\nB,営業,boss,true,2,1,20,0\nC,営業,staff,maybe,x,1,20,0\nD,営業,staff,true,2\n,営業,staff,true,2,1,20,0\nE,営業,staff,,,,,\nF,営業,staff,true,2,1,20,\n"
    );
    let jsonl = "{\"subject\":\"A\",\"facts\":{\"colour\":1}}\n{\"subject\":\"B\",\"facts\":{\"incidents\":1,\"incidents\":2}}\n{\"subjct\":\"C\"}\nnot json\n";
    let dir = folder(&[
        ("facts.csv", facts.as_bytes()),
        ("facts.jsonl", jsonl.as_bytes()),
        ("header.csv", b"subject,colour\n"),
        ("facts.txt", b""),
    ]);
    let rubric = ["evaluate", "--rubric", "builtin:ai-use-in-appraisal", "--facts"];
    let text = japanese(&dir, &[&rubric[..], &["facts.csv"]].concat(), 1);
    assert!(text.contains("2行目 A [営業]: "), "{text}");
    japanese(&dir, &[&rubric[..], &["facts.csv", "--rollup", "--min-group-size", "1"]].concat(), 1);
    japanese(&dir, &[&rubric[..], &["facts.jsonl"]].concat(), 1);
    japanese(&dir, &[&rubric[..], &["header.csv"]].concat(), 2);
    japanese(&dir, &[&rubric[..], &["facts.txt"]].concat(), 2);
    japanese(&dir, &[&rubric[..], &["missing.csv"]].concat(), 2);
    japanese(&dir, &["evaluate", "--rubric", "builtin:ai-use-in-appraisal@9", "--facts", "facts.csv"], 2);
    japanese(&dir, &["evaluate", "--rubric", "builtin:nothing", "--facts", "facts.csv"], 2);
}

#[test]
fn a_bad_hr_member_list_and_init_refusals_are_described_in_japanese() {
    // Names are data and are printed as given: a Japanese list has Japanese names.
    let bad = "社員番号,氏名,メール,部署,役職,アンバサダー,入社日,退職日\nE001,山田,yamada@example.co.jp,本社,代表取締役社長,,2001-04-01,\nE002,佐藤,sato-at-example,本社/営業部,,maybe,2005-04-01,\nE003,鈴木,suzuki@example.co.jp,,,,2016-04-31,\nE001,高橋,takahashi@example.co.jp,本社/総務部,,,2012-04-01,2011-03-31\n";
    let dir = folder(&[
        ("bad.csv", bad.as_bytes()),
        ("columns.csv", "氏名,部署\n山田,本社\n".as_bytes()),
        ("empty.csv", b""),
        ("sjis.csv", b"\xff\xfe\xfd"),
        ("roles.csv", "役職,ロール\n部長,boss\n".as_bytes()),
    ]);
    let text = japanese(&dir, &["init", "--members", "bad.csv"], 1);
    assert!(text.contains("5行目（`E001` 高橋）"), "{text}");
    japanese(&dir, &["init", "--members", "columns.csv"], 1);
    japanese(&dir, &["init", "--members", "empty.csv"], 1);
    japanese(&dir, &["init", "--members", "sjis.csv", "--encoding", "utf-8"], 1);
    japanese(&dir, &["init", "--members", "bad.csv", "--playbook", "no-such"], 1);
    japanese(&dir, &["init", "--members", "bad.csv", "--roles", "roles.csv"], 1);
    japanese(&dir, &["init", "--members", "bad.csv", "--utc-offset", "nine"], 1);
    japanese(&dir, &["init", "--members", "missing.csv"], 1);
    japanese(&dir, &["show", "no-such-playbook"], 1);
    japanese(&dir, &["graph", "no-such-playbook"], 1);
}

/// The commands of `teichaku`, whose names the command list of the help shows as they are.
const COMMANDS: [&str; 11] =
    ["playbooks", "show", "graph", "validate", "kpis", "assess", "evaluate", "whatif", "init", "schema", "demo"];

/// Names the help writes in Latin letters besides [`ALLOWED`]: formats (Parquet among them), encodings, standards,
/// the vendors' products whose exports are read, and `builtin`, the prefix of a built-in rubric
/// as it is typed (in `--rubric`'s value name).
const HELP_NAMES: [&str; 13] = [
    "AI",
    "ISO",
    "UTC",
    "HTML",
    "BOM",
    "Shift_JIS",
    "Mermaid",
    "DOT",
    "Parquet",
    "GitHub",
    "Copilot",
    "Microsoft",
    "builtin",
];

/// The English words of a help text: [`english_words`] less the command names and [`HELP_NAMES`].
fn help_english(text: &str) -> Vec<String> {
    english_words(text)
        .into_iter()
        .filter(|w| !COMMANDS.contains(&w.as_str()) && !HELP_NAMES.contains(&w.as_str()))
        .collect()
}

#[test]
fn the_help_of_every_command_is_japanese_under_lang_ja() {
    let mut runs: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"]];
    runs.extend(COMMANDS.iter().map(|c| vec![*c, "--help"]));
    for args in runs {
        let output = teichaku().arg("--lang").arg("ja").args(&args).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("使い方: teichaku") && text.contains("オプション:"), "{args:?}:\n{text}");
        let words = help_english(&text);
        assert!(words.is_empty(), "the help of {args:?} holds English words {words:?}:\n{text}");
    }
}

#[test]
fn the_language_of_the_help_follows_the_environment_and_help_as_a_command() {
    let by_env = teichaku().env("TEICHAKU_LANG", "ja").args(["help", "assess"]).output().unwrap();
    let text = String::from_utf8(by_env.stdout).unwrap();
    assert!(text.contains("使い方: teichaku assess [オプション] <ファイル>"), "{text}");
    assert!(text.contains("--as-of <日付>"), "{text}");
    // The command line's own `--lang` wins over the environment, either way.
    let english = teichaku().env("TEICHAKU_LANG", "ja").args(["--lang", "en", "assess", "--help"]).output().unwrap();
    let text = String::from_utf8(english.stdout).unwrap();
    assert!(text.contains("Usage: teichaku assess [OPTIONS] <FILE>"), "{text}");
    let plain = teichaku().env_remove("TEICHAKU_LANG").arg("--help").output().unwrap();
    assert!(String::from_utf8(plain.stdout).unwrap().contains("Usage: teichaku [OPTIONS] <COMMAND>"));
}

#[test]
fn a_command_line_clap_cannot_read_is_told_in_japanese_with_exit_status_2() {
    let dir = folder(&[]);
    let cases: [(&[&str], &str); 8] = [
        (
            &["assess", "doc.json", "--format", "pdf"],
            "`--format <形式>` に \"pdf\" は使えません（使えるのは `text`、`html`",
        ),
        (&["asess"], "`asess` というコマンドはありません。`assess` のことですか"),
        (&["assess", "doc.json", "--bogus"], "`--bogus` という引数はありません"),
        (&["assess"], "必要な引数がありません：`<ファイル>`"),
        (&["evaluate"], "必要な引数がありません：`--rubric <ファイル|builtin:識別子[@版]>`、`--facts <ファイル>`"),
        (&["kpis", "doc.json", "--as-of", "2026-13-01"], "`--as-of <日付>` の値 \"2026-13-01\" を読めません"),
        (&["assess", "doc.json", "--top", "many"], "`--top <数>` の値 \"many\" を読めません"),
        (&["schema", "report"], "`[文書]` に \"report\" は使えません（使えるのは `assessment`、`playbook`、`rubric`）"),
    ];
    for (args, says) in cases {
        let text = japanese(&dir, args, 2);
        assert!(text.starts_with("エラー："), "{args:?}: {text}");
        assert!(text.contains(says), "{args:?} should say {says:?}:\n{text}");
    }
}

#[test]
fn bad_lines_of_a_vendor_export_are_described_in_japanese() {
    let org = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/vendors/org.json")).unwrap();
    let export = "{\"user_login\": \"E001\", \"day\": \"10/01/2025\"}\n{\"day\": \"2026-08-03\"}\n\
                  {\"user_login\": \"E001\", \"day\": \"2026-08-03\", \"user_initiated_interaction_count\": -1}\n";
    let dir =
        folder(&[("org.json", &org), ("copilot.ndjson", export.as_bytes()), ("m365.csv", b"Report Refresh Date\n")]);
    let args = ["kpis", "org.json", "--as-of", "2026-08-09", "--usage-vendor", "github-copilot=copilot.ndjson"];
    let text = japanese(&dir, &args, 1);
    assert!(text.contains("copilot.ndjson:1: `day`: \"10/01/2025\"は 2025-10-01 のような日付ではありません"), "{text}");
    assert!(text.contains("copilot.ndjson:2: `user_login`がありません"), "{text}");
    assert!(text.contains("copilot.ndjson:3: `user_initiated_interaction_count`: `-1`は整数ではありません"), "{text}");
    let header = ["kpis", "org.json", "--as-of", "2026-08-09", "--usage-vendor", "m365-copilot=m365.csv"];
    assert!(japanese(&dir, &header, 1).contains("の列がありません"));
}
