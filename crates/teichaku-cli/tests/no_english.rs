//! The text reports under `--lang ja` hold no English: `demo`, `assess`, `kpis`, `whatif`,
//! `playbooks` and `show` of every built-in playbook (as text and as Markdown), on the demo organisation and on a document
//! with Japanese names.
//!
//! The rule: the output is cut into ASCII words (runs of ASCII letters, digits, `-`, `_` and
//! `.`, and `@` for e-mail addresses); a word with no letter (a number, a date, a version) is
//! allowed, and so is a word that is
//! - an id or name as the document or the playbook spells it: every string of the assessment
//!   document (the organisation's own names, codes, keys and ids, quoted as they are), and every
//!   id of a built-in playbook (playbooks, phases, activities, criteria, interventions, outcomes,
//!   KPI names, units of outcomes);
//! - a uuid;
//! - one of the acronyms Japanese text writes in Latin letters, or the engine's name: [`ALLOWED`].
//!
//! Units are written in Japanese (`日`, `時間`, `分`, `ポイント`, `%`), so no Latin unit is
//! allowed. The built-in playbooks' own Japanese text is held to the same rule: the only Latin
//! words in it are the acronyms of [`ALLOWED`].

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]
#![expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Latin words Japanese text writes as they are: the acronyms of the method (the playbooks'
/// Japanese text uses AI, KPI, PDCA, FAQ, PoC and 1on1; the weekly series names ISO weeks) and
/// the engine's own name (in the line naming what produced a report).
const ALLOWED: [&str; 8] = ["AI", "KPI", "ISO", "PDCA", "FAQ", "PoC", "1on1", "teichaku"];

/// The keys of a playbook document whose strings are ids or names of units of measure.
const ID_KEYS: [&str; 11] = [
    "id",
    "activity",
    "after",
    "depends_on",
    "phase",
    "criterion",
    "outcome",
    "reports_outcomes",
    "measured_in",
    "kpi",
    "appoints",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn teichaku(args: &[&str]) -> String {
    let output = Command::cargo_bin("teichaku").unwrap().current_dir(root()).args(args).output().unwrap();
    assert!(output.status.success(), "teichaku {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The ASCII words of `text`.
fn words(text: &str) -> Vec<&str> {
    let part = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@');
    text.split(|c: char| !part(c))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .collect()
}

fn is_uuid(w: &str) -> bool {
    w.len() == 36 && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && w.matches('-').count() == 4
}

/// Every word of every string in `value`.
fn all_words(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => into.extend(words(s).into_iter().map(str::to_owned)),
        Value::Array(a) => a.iter().for_each(|v| all_words(v, into)),
        Value::Object(o) => o.values().for_each(|v| all_words(v, into)),
        _ => {}
    }
}

/// The words of a playbook's ids (into `ids`) and of its Japanese text (into `ja`).
fn playbook_words(value: &Value, key: Option<&str>, ids: &mut BTreeSet<String>, ja: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if key.is_some_and(|k| ID_KEYS.contains(&k)) => {
            ids.extend(words(s).into_iter().map(str::to_owned));
        }
        Value::String(s) if key == Some("ja") => ja.extend(words(s).into_iter().map(str::to_owned)),
        Value::Array(a) => a.iter().for_each(|v| playbook_words(v, key, ids, ja)),
        Value::Object(o) => o.iter().for_each(|(k, v)| playbook_words(v, Some(k), ids, ja)),
        _ => {}
    }
}

/// The words each output may hold besides numbers: ids, the document's strings, the acronyms.
struct Allowed {
    words: BTreeSet<String>,
    /// The Latin words of the built-in playbooks' Japanese text, by playbook.
    playbook_ja: Vec<(String, BTreeSet<String>)>,
}

fn allowed(documents: &[&str]) -> Allowed {
    let mut words: BTreeSet<String> = ALLOWED.iter().map(|w| (*w).to_owned()).collect();
    for doc in documents {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        all_words(&serde_json::from_str(&text).unwrap(), &mut words);
    }
    all_words(&serde_json::from_str(&teichaku(&["demo", "--document"])).unwrap(), &mut words);
    let mut playbook_ja = Vec::new();
    for id in playbook_ids() {
        let playbook: Value = serde_json::from_str(&teichaku(&["show", &id, "--format", "json"])).unwrap();
        let mut ja = BTreeSet::new();
        playbook_words(&playbook, None, &mut words, &mut ja);
        playbook_ja.push((id, ja));
    }
    Allowed { words, playbook_ja }
}

fn playbook_ids() -> Vec<String> {
    let list: Value = serde_json::from_str(&teichaku(&["playbooks", "--format", "json"])).unwrap();
    list.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect()
}

/// The words of `output` that are neither numbers, ids, uuids nor allowed, with their lines.
fn english<'a>(output: &'a str, allowed: &BTreeSet<String>) -> Vec<(&'a str, &'a str)> {
    output
        .lines()
        .flat_map(|line| words(line).into_iter().map(move |w| (w, line)))
        .filter(|(w, _)| !allowed.contains(*w) && !is_uuid(w))
        .collect()
}

#[test]
fn the_japanese_reports_hold_no_english_word_but_ids_numbers_and_names() {
    let docs = ["tests/golden/v1/demo-document.json", "tests/data/japanese.json"];
    let allowed = allowed(&docs);
    let mut runs: Vec<Vec<String>> = vec![vec!["demo".into()], vec!["playbooks".into()]];
    for (doc, as_of) in [(docs[0], "2026-11-01"), (docs[1], "2026-06-30")] {
        for command in ["assess", "kpis", "whatif"] {
            runs.push(vec![command.into(), doc.into(), "--as-of".into(), as_of.into()]);
        }
    }
    // A what-if that completes something: the changes are listed too.
    runs.push(
        ["whatif", docs[0], "--as-of", "2026-11-01", "--complete", "write-task-manual"].map(str::to_owned).to_vec(),
    );
    for id in playbook_ids() {
        runs.push(vec!["show".into(), id.clone()]);
        runs.push(vec!["show".into(), id, "--format".into(), "markdown".into()]);
    }
    // The playbooks' own Japanese text holds no English word either.
    for (id, ja) in &allowed.playbook_ja {
        let english: Vec<&String> = ja.iter().filter(|w| !ALLOWED.contains(&w.as_str())).collect();
        assert!(english.is_empty(), "Latin words in the Japanese text of playbook {id}: {english:?}");
    }
    let mut found = Vec::new();
    for mut args in runs {
        args.extend(["--lang".to_owned(), "ja".to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = teichaku(&args);
        assert!(!output.is_empty(), "teichaku {}", args.join(" "));
        for (word, line) in english(&output, &allowed.words) {
            found.push(format!("teichaku {}: `{word}` in {line:?}", args.join(" ")));
        }
    }
    assert!(found.is_empty(), "English in Japanese output:\n{}", found.join("\n"));
}

#[test]
fn the_rule_finds_an_english_word_and_lets_ids_numbers_and_uuids_pass() {
    let allowed: BTreeSet<String> = ["sme-five-step", "AI"].iter().map(|w| (*w).to_owned()).collect();
    let text =
        "プレイブック：sme-five-step（第4版）AI 2026-11-01 24.6% 0d2c5c9e-8f3a-4b1e-9a6f-2b7c1d0e4f5a\n役割：executive";
    assert_eq!(english(text, &allowed), vec![("executive", "役割：executive")]);
}
