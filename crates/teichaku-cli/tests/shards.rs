//! Shards in separate processes: the demo's 3,917 usage events split into 4 files, 4 `teichaku
//! kpis --partial-out` processes, one `--partials` run merging them, and the report compared
//! byte for byte with one pass over the whole file; likewise a facts file split into 4 for
//! `teichaku evaluate --partial-out`, rolled up with `--partials`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn teichaku() -> Command {
    Command::cargo_bin("teichaku").unwrap()
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = teichaku().current_dir(dir).args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[expect(clippy::disallowed_methods, reason = "command-line tests give the command files to read")]
fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[expect(clippy::disallowed_methods, reason = "command-line tests read what the command wrote")]
fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The demo document without its usage (`doc.json`) and its usage as JSON Lines: the whole
/// (`events.jsonl`) and in 4 consecutive parts (`part0.jsonl` ...).
fn demo_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value = serde_json::from_str(&run(dir.path(), &["demo", "--document"])).unwrap();
    let usage = doc["observations"]["usage"].take();
    doc["observations"]["usage"] = Value::Array(Vec::new());
    write(dir.path(), "doc.json", &doc.to_string());
    let lines: Vec<String> = usage.as_array().unwrap().iter().map(Value::to_string).collect();
    assert_eq!(lines.len(), 3_917);
    write(dir.path(), "events.jsonl", &(lines.join("\n") + "\n"));
    for (i, part) in lines.chunks(lines.len().div_ceil(4)).enumerate() {
        write(dir.path(), &format!("part{i}.jsonl"), &(part.join("\n") + "\n"));
    }
    dir
}

const KPIS: [&str; 4] = ["kpis", "doc.json", "--as-of", "2026-11-01"];

#[test]
fn four_kpi_shards_in_four_processes_merge_to_one_pass_byte_for_byte() {
    let dir = demo_folder();
    let d = dir.path();
    for i in 0..4 {
        let (part, partial) = (format!("part{i}.jsonl"), format!("p{i}.json"));
        let out = run(d, &[&KPIS[..], &["--events", &part, "--partial-out", &partial]].concat());
        assert_eq!(out, "", "the partial goes to its file, nothing to standard output");
    }
    // The partials are read in another order than they were written: the merge commutes.
    let partials = ["--partials", "p2.json", "p0.json", "p3.json", "p1.json"];
    for format in ["text", "json"] {
        let one_pass = run(d, &[&KPIS[..], &["--events", "events.jsonl", "--format", format]].concat());
        let merged = run(d, &[&KPIS[..], &partials[..], &["--format", format]].concat());
        if format == "text" {
            assert_eq!(merged, one_pass);
        } else {
            // Only the files read differ: `events.jsonl` there, none here (the partials hold
            // the usage).
            let (mut one_pass, mut merged): (Value, Value) =
                (serde_json::from_str(&one_pass).unwrap(), serde_json::from_str(&merged).unwrap());
            assert_eq!(one_pass["event_files"]["events"], 3_917);
            assert_eq!(merged["event_files"]["events"], 0);
            one_pass["event_files"].take();
            merged["event_files"].take();
            assert_eq!(
                serde_json::to_string_pretty(&merged).unwrap(),
                serde_json::to_string_pretty(&one_pass).unwrap()
            );
            assert_eq!(merged["events"]["counted"], one_pass["events"]["counted"]);
        }
    }
    // Writing a partial and merging partials are two runs, never one.
    teichaku()
        .current_dir(d)
        .args([&KPIS[..], &["--partials", "p0.json", "--partial-out", "-"]].concat())
        .assert()
        .code(2);
}

#[test]
fn a_partial_merged_with_the_others_equals_the_whole_partial() {
    let dir = demo_folder();
    let d = dir.path();
    let whole = run(d, &[&KPIS[..], &["--events", "events.jsonl", "--partial-out", "-"]].concat());
    let mut merged: Option<String> = None;
    for i in 0..4 {
        let part = format!("part{i}.jsonl");
        let args: Vec<String> = ["--events".to_owned(), part, "--partial-out".to_owned(), "-".to_owned()].into();
        let text = run(d, &[&KPIS[..], &args.iter().map(String::as_str).collect::<Vec<_>>()[..]].concat());
        write(d, &format!("q{i}.json"), &text);
        merged = Some(text);
    }
    assert!(merged.is_some_and(|m| m.starts_with(r#"{"format":"teichaku-usage-partial","version":1,"#)));
    write(d, "whole.json", &whole);
    // The whole partial alone and the four parts give the same report.
    let from_whole = run(d, &[&KPIS[..], &["--partials", "whole.json", "--format", "json"]].concat());
    let from_parts =
        run(d, &[&KPIS[..], &["--partials", "q0.json", "q1.json", "q2.json", "q3.json", "--format", "json"]].concat());
    assert_eq!(from_parts, from_whole);
}

#[test]
fn a_partial_that_does_not_fit_is_refused_with_its_file_named() {
    let dir = demo_folder();
    let d = dir.path();
    run(d, &[&KPIS[..], &["--events", "part0.jsonl", "--partial-out", "p0.json"]].concat());
    // Another date.
    let out = teichaku()
        .current_dir(d)
        .args(["kpis", "doc.json", "--as-of", "2026-11-02", "--partials", "p0.json"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("p0.json") && err.contains("as_of"), "{err}");
    // Not a partial.
    write(d, "bad.json", "{\"format\":\"teichaku-usage-partial\",\"version\":1,\"as_of\":\"2026-11-01\"}");
    let out = teichaku().current_dir(d).args([&KPIS[..], &["--partials", "bad.json"]].concat()).assert().failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("bad.json: not a usage partial: missing field"), "{err}");
    // A document holding usage of its own cannot be sharded: every shard would count it.
    let out = teichaku().current_dir(d).args(["demo", "--document"]).assert().success();
    write(d, "with_usage.json", &String::from_utf8(out.get_output().stdout.clone()).unwrap());
    let out = teichaku()
        .current_dir(d)
        .args(["kpis", "with_usage.json", "--as-of", "2026-11-01", "--partial-out", "x.json"])
        .assert()
        .failure();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("holds usage of its own (3917 events"), "{err}");
}

/// A facts file of 200 people in 7 teams for the built-in appraisal rubric, revision 1, with
/// some rows repeating a person (the same row again) and some people out of facts.
fn facts() -> Vec<String> {
    let mut rows = Vec::new();
    let mut x: u64 = 12_345;
    for i in 0..200u64 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let days = (x >> 33) % 29;
        let team = (x >> 20) % 7;
        let cell = if i % 37 == 5 { String::new() } else { days.to_string() };
        rows.push(format!("e-{i:03},team-{team},{cell}"));
    }
    for i in [3usize, 50, 120] {
        rows.push(rows[i].clone());
    }
    rows
}

#[test]
fn four_evaluation_shards_in_four_processes_roll_up_to_one_batch_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let header = "subject,group,usage_days_28";
    let rows = facts();
    write(d, "facts.csv", &format!("{header}\n{}\n", rows.join("\n")));
    // Shards by subject, so a person's rows stay together.
    for s in 0..4 {
        let mine: Vec<&String> = rows.iter().filter(|r| r[2..5].parse::<usize>().unwrap() % 4 == s).collect();
        let text: Vec<&str> = mine.iter().map(|r| r.as_str()).collect();
        write(d, &format!("facts{s}.csv"), &format!("{header}\n{}\n", text.join("\n")));
    }
    let rubric = ["evaluate", "--rubric", "builtin:ai-use-in-appraisal@1", "--min-group-size", "5"];
    for format in ["json", "text"] {
        for s in 0..4 {
            let (facts, partial) = (format!("facts{s}.csv"), format!("b{s}.json"));
            // A shard with a repeated row exits 1 (a bad row), as one pass does.
            let _ = teichaku()
                .current_dir(d)
                .args([&rubric[..], &["--facts", &facts, "--partial-out", &partial, "--format", format]].concat())
                .output()
                .unwrap();
        }
        let one = teichaku()
            .current_dir(d)
            .args([&rubric[..], &["--facts", "facts.csv", "--rollup", "--format", format]].concat())
            .output()
            .unwrap();
        assert_eq!(one.status.code(), Some(1), "three rows repeat a person");
        let one = String::from_utf8(one.stdout).unwrap();
        let merged = run(
            d,
            &[&rubric[..], &["--partials", "b3.json", "b1.json", "b0.json", "b2.json", "--format", format]].concat(),
        );
        if format == "json" {
            // The roll-up is the last line of one pass, after one line per row.
            assert_eq!(merged, format!("{}\n", one.lines().last().unwrap()));
            let rollup: Value = serde_json::from_str(&merged).unwrap();
            assert_eq!(rollup["rollup"]["overall"]["subjects"], 203);
            assert_eq!(rollup["rollup"]["overall"]["duplicates"], 3);
        } else {
            // The heading, then the roll-up: one pass's text without its row lines.
            let heading = one.lines().next().unwrap();
            let rollup_at = one.find("roll-up by group").unwrap();
            assert_eq!(merged, format!("{heading}\n{}", &one[rollup_at..]));
        }
    }
    // Lines split across shards put e-003's repeat in another shard: the same row, so the
    // merge still knows it is one person, counted once.
    let (first, second) = rows.split_at(100);
    write(d, "a.csv", &format!("{header}\n{}\n", first.join("\n")));
    write(d, "b.csv", &format!("{header}\n{}\n", second.join("\n")));
    for (facts, partial) in [("a.csv", "a.json"), ("b.csv", "b.json")] {
        let _ = teichaku()
            .current_dir(d)
            .args([&rubric[..], &["--facts", facts, "--partial-out", partial]].concat())
            .output();
    }
    let merged = run(d, &[&rubric[..], &["--partials", "a.json", "b.json", "--format", "json"]].concat());
    let one = run_any(d, &[&rubric[..], &["--facts", "facts.csv", "--rollup", "--format", "json"]].concat());
    assert_eq!(merged, format!("{}\n", one.lines().last().unwrap()));
    // A person whose rows differ across shards cannot be ordered: refused, named.
    write(d, "c.csv", &format!("{header}\ne-003,team-0,1\n"));
    let _ = teichaku()
        .current_dir(d)
        .args([&rubric[..], &["--facts", "c.csv", "--partial-out", "c.json"]].concat())
        .output();
    let out =
        teichaku().current_dir(d).args([&rubric[..], &["--partials", "a.json", "c.json"]].concat()).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("c.json: subject `e-003` is in two shards"), "{err}");
    assert!(read(d, "a.json").starts_with(r#"{"format":"teichaku-batch-partial","version":1,"#));
}

fn run_any(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(teichaku().current_dir(dir).args(args).output().unwrap().stdout).unwrap()
}
