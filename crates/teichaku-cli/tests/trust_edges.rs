//! The privacy rule through the command line's text and JSON: no output of `kpis` or `assess`
//! (text, JSON, Mermaid, DOT) moves when a member of a withheld group changes what they do,
//! except through the figures of groups at or above the minimum.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use assert_cmd::Command;
use proptest::prelude::*;
use serde_json::{Value, json};

const SMALL: &str = include_str!("../../../tests/data/small.json");
const AS_OF: &str = "2026-04-20";

fn uuid(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

/// small.json's playbook over units of `sizes` members (all at the top), launched 2026-01-05,
/// without waves; member `i` used AI on the days `days[i]` (back from 2026-04-20) and the first
/// member, who holds no role, may have answered a survey as a non-user. The second member is an
/// executive and promotion lead, the others staff.
fn doc(sizes: &[usize], days: &[Vec<u8>], answer: Option<&str>) -> Value {
    let mut doc: Value = serde_json::from_str(SMALL).unwrap();
    let org = &mut doc["organisation"];
    org["launch_date"] = json!("2026-01-05");
    org["waves"] = json!([]);
    org["units"] =
        sizes.iter().enumerate().map(|(u, _)| json!({ "id": uuid(1 + u as u128), "name": format!("U{u}") })).collect();
    let (mut members, mut usage) = (Vec::new(), Vec::new());
    let mut i = 0usize;
    for (u, &size) in sizes.iter().enumerate() {
        for _ in 0..size {
            let id = uuid(0x100 + i as u128);
            let roles = match i {
                0 => json!([]),
                1 => json!(["executive", "promotion_lead"]),
                _ => json!(["staff"]),
            };
            members.push(json!({ "id": id, "unit": uuid(1 + u as u128), "roles": roles, "joined": "2020-04-01" }));
            let as_of: chrono::NaiveDate = AS_OF.parse().unwrap();
            for &back in days.get(i).map(Vec::as_slice).unwrap_or_default() {
                let day = as_of - chrono::Days::new(u64::from(back));
                usage.push(json!({ "member": id, "at": format!("{day}T10:00:00+09:00"), "minutes": 5 + back % 7 }));
            }
            i += 1;
        }
    }
    org["members"] = json!(members);
    for list in doc["observations"].as_object_mut().unwrap().values_mut() {
        *list = json!([]);
    }
    doc["observations"]["usage"] = json!(usage);
    if let Some(reason) = answer {
        doc["observations"]["surveys"] = json!([{ "id": uuid(0x900), "date": "2026-04-15", "member": uuid(0x100),
                                                 "uses_ai": false, "non_user_reason": reason }]);
    }
    doc
}

/// `doc` written to `doc.json` in a new folder, and the file's path.
#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn written(doc: &Value) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    (dir, file)
}

/// What the command line prints for `doc`: `kpis` as text and as JSON (with cohorts from five
/// weeks earlier), `assess` as text, JSON, Mermaid and DOT, in English and Japanese text.
fn outputs(doc: &Value) -> Vec<String> {
    let (_dir, file) = written(doc);
    let file = file.to_str().unwrap();
    let runs: [&[&str]; 8] = [
        &["kpis", file, "--as-of", AS_OF],
        &["kpis", file, "--as-of", AS_OF, "--lang", "ja"],
        &["kpis", file, "--as-of", AS_OF, "--format", "json", "--compare-with", "2026-03-16"],
        &["assess", file, "--as-of", AS_OF],
        &["assess", file, "--as-of", AS_OF, "--lang", "ja"],
        &["assess", file, "--as-of", AS_OF, "--format", "json"],
        &["assess", file, "--as-of", AS_OF, "--format", "mermaid"],
        &["assess", file, "--as-of", AS_OF, "--format", "dot"],
    ];
    runs.iter()
        .map(|args| {
            let out =
                Command::cargo_bin("teichaku").unwrap().args(*args).assert().success().get_output().stdout.clone();
            String::from_utf8(out).unwrap()
        })
        .collect()
}

/// The lines of a text report that belong to a unit or a role: their rows in the scope table.
fn unit_and_role_rows(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            (l.starts_with('U') && l.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
                || l.starts_with("role")
                || l.starts_with("役割")
        })
        .collect()
}

fn days() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::btree_set(0u8..=60, 0..8).prop_map(|s| s.into_iter().collect())
}

fn answer() -> impl Strategy<Value = Option<&'static str>> {
    prop::option::of(prop::sample::select(vec!["anxious", "skeptical", "uninterested"]))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// An organisation under the minimum group size: whatever one member does, every output of
    /// `kpis` and `assess`, text (English and Japanese), JSON, Mermaid and DOT, is byte for byte
    /// the same, and the event counts are withheld in text and JSON alike.
    #[test]
    fn nothing_printed_moves_in_an_organisation_under_the_minimum(
        sizes in prop::sample::select(vec![vec![1], vec![2], vec![4], vec![1, 3], vec![2, 2]]),
        others in prop::collection::vec(days(), 4),
        theirs in (days(), days()),
        answers in (answer(), answer()),
    ) {
        let mut a = others.clone();
        a[0] = theirs.0;
        let mut b = others;
        b[0] = theirs.1;
        let one = outputs(&doc(&sizes, &a, answers.0));
        let two = outputs(&doc(&sizes, &b, answers.1));
        for (x, y) in one.iter().zip(&two) {
            prop_assert_eq!(x, y);
        }
        prop_assert!(one[0].lines().nth(1).unwrap() == "Events: withheld", "{}", one[0]);
        prop_assert!(one[1].lines().nth(1).unwrap() == "利用イベント：非表示", "{}", one[1]);
        let kpis: Value = serde_json::from_str(&one[2]).unwrap();
        prop_assert_eq!(&kpis["events"], &Value::Null);
    }

    /// A shown organisation with one unit under the minimum: a member of that unit who holds no
    /// role changes what they do, and every unit's and role's row of the text reports of `kpis`
    /// and `assess` stays the same (the organisation's row and what it decides may move).
    #[test]
    fn no_unit_or_role_row_moves_with_a_member_of_a_withheld_unit(
        small in 1usize..=4,
        others in prop::collection::vec(days(), 18),
        theirs in (days(), days()),
        answers in (answer(), answer()),
    ) {
        let mut a = others.clone();
        a[0] = theirs.0;
        let mut b = others;
        b[0] = theirs.1;
        let sizes = [small, 6, 7];
        let one = outputs(&doc(&sizes, &a, answers.0));
        let two = outputs(&doc(&sizes, &b, answers.1));
        for i in [0, 1, 3, 4] {
            let rows = unit_and_role_rows(&one[i]);
            prop_assert!(rows.len() >= 3, "{}", one[i]);
            prop_assert_eq!(rows, unit_and_role_rows(&two[i]));
        }
    }
}

/// `validate` refuses the usage events written in the document that `assess` refuses: minutes
/// past 43,200, a span past 65,535 days, more than 65,535 kinds of task and tool. Each exits 1
/// from both commands, both naming the problem.
#[test]
fn validate_refuses_the_inline_events_assess_refuses() {
    let event = |at: &str, minutes: u32, task: Option<String>| {
        let mut e = json!({ "member": uuid(0x100), "at": at, "minutes": minutes });
        if let Some(task) = task {
            e["task"] = json!(task);
        }
        e
    };
    let far = vec![event("2026-04-02T09:00:00Z", 5, None), event("2300-01-01T09:00:00Z", 5, None)];
    let long = vec![event("2026-04-02T09:00:00Z", 50_000, None)];
    let kinds = (0..=65_535).map(|k| event("2026-04-02T09:00:00Z", 1, Some(format!("k{k}")))).collect();
    for (what, word, usage) in
        [("a span", "span", far), ("minutes", "minutes", long), ("kinds", "task-and-tool", kinds)]
    {
        let mut d = doc(&[5], &[], None);
        d["observations"]["usage"] = Value::Array(usage);
        let (_dir, file) = written(&d);
        let file = file.to_str().unwrap();
        let validate = Command::cargo_bin("teichaku").unwrap().args(["validate", file]).assert().code(1);
        let assess = Command::cargo_bin("teichaku").unwrap().args(["assess", file, "--as-of", AS_OF]).assert().code(1);
        let said = |out: &std::process::Output| {
            String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
        };
        let (v, a) = (said(validate.get_output()), said(assess.get_output()));
        assert!(v.contains(word), "{what}: validate says {v:?}");
        assert!(a.contains(word), "{what}: assess says {a:?}");
    }
}
