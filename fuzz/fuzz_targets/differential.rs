//! One document, every loading path: the library, the command line and the Python binding must
//! give the same assessment, or fail the same way.
//!
//! The document is built as in `scale_structured` (smaller), perhaps mutated at the JSON level (an
//! unknown field, a field of the wrong type, a missing field, another version, whole numbers
//! written as floats), and its usage events are given inline, in a CSV or JSON Lines file the
//! document names (`observations.usage_files`), or in a file passed as the command line's
//! `--events`, with a malformed line now and then. The text is compact or pretty-printed, with
//! or without a byte-order mark.
//!
//! - The reference: `teichaku::load` of the document with its events inline → `teichaku::assess`.
//! - The library with files: `teichaku::load_with` (an in-memory `UsageSource`) →
//!   `teichaku::assess_with_store`.
//! - The command line: what `teichaku assess FILE --as-of D --format json [--events F]` runs once
//!   its files are read (crates/teichaku-cli: `input::read` drops a byte-order mark,
//!   `kpis::load_with_events` calls `load_with` with the command line's options, `assess::run`
//!   calls `assess_with_store` and `Stdout::write_json` streams pretty JSON and a line break,
//!   the bytes of `serde_json::to_string_pretty` and `\n`, with the files' report when files
//!   were read; `crates/teichaku-cli/tests/trust_rest.rs` checks the real process against the
//!   library byte for byte). Its output must be the reference's, byte for byte.
//! - The Python binding: its Rust side (`crates/teichaku-py/src/calls.rs` and `problems.rs`,
//!   compiled into this target unchanged) on the text, as `assess(text, as_of)` receives a `str`,
//!   and on the `serde_json::Value` of the text, as `assess(dict, as_of)` receives a dict once
//!   `convert::to_json` has converted it; with the in-memory files as its `usage` opener. Its
//!   result, the `serde_json::Value` the binding turns into a dict, must be the reference's.
//!
//! When the reference fails, every path fails with the same kind: the same `LoadError` variant,
//! and in Python the exception the binding raises for it (`DocumentError`, `ValidationError`,
//! `AssessmentError`) with the same problems (kinds and messages; a syntax error read from a dict
//! names its path where one from text names its line).

#![no_main]

mod common;
mod scale;

/// The Python binding's Rust side, its files as they are (they need no interpreter).
#[path = "../../crates/teichaku-py/src"]
#[allow(dead_code, reason = "the binding's other calls and failures are not used here")]
mod binding {
    pub mod calls;
    pub mod problems;
}
// `calls.rs` names `crate::problems`, as in the binding's crate.
use binding::{calls, problems};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde_json::{Value, json};
use teichaku::{Assessment, LoadError, LoadOptions, UsageReport};

use crate::problems::Kind;
use crate::scale::Caps;

/// Tiny documents: the paths differ in how they read the text and the files, not in how the
/// engine scales (that is `scale_structured`'s work), so one execution stays well under a
/// millisecond on average while every path runs.
const CAPS: Caps = Caps { units: 8, common_units: 8, members_per_unit: 3, usage: 32, instances: 32, activities: 10 };

#[derive(Arbitrary, Debug)]
struct Input {
    document: scale::Input,
    events: EventsIn,
    mutation: Option<Mutation>,
    pretty: bool,
    bom: bool,
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum EventsIn {
    Inline,
    /// In a file the document names; `split` of every 4 stay inline.
    Csv {
        split: u8,
    },
    Jsonl {
        split: u8,
    },
    /// In a file given as `--events` (the command line only).
    Extra {
        csv: bool,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Mutation {
    /// An unknown field in a member, a unit or the document.
    UnknownField(u8),
    /// A field of the wrong type.
    WrongType(u8),
    /// A required field left out.
    Missing(u8),
    /// Another format version.
    Version(u8),
    /// Every whole number of the observations written as a float (`5` as `5.0`).
    Floats,
    /// A malformed line in the usage event file (only with a file).
    BadLine(u8),
}

/// The kind of a failure, as each path reports it.
#[derive(Debug, PartialEq)]
struct FailureKind {
    /// The Python exception: document, validation or assessment.
    kind: Kind,
    /// Each problem's kind and message.
    problems: Vec<(String, String)>,
}

fn kind_of(e: &LoadError) -> Kind {
    match e {
        LoadError::Invalid(_) => Kind::Validation,
        LoadError::Store(_) => Kind::Assessment,
        _ => Kind::Document,
    }
}

/// The reference: the document with its events inline, through `load` and `assess`.
fn reference(text: &str, as_of: NaiveDate) -> Result<Assessment, Kind> {
    let snapshot = teichaku::load(text, common::catalog()).map_err(|e| {
        let _ = e.to_string();
        kind_of(&e)
    })?;
    teichaku::assess(&snapshot, as_of).map_err(|e| {
        let _ = e.to_string();
        Kind::Assessment
    })
}

/// `load_with` and `assess_with_store`, with the in-memory files.
fn library_with_files(
    text: &str,
    files: &BTreeMap<String, Vec<u8>>,
    extra: &[String],
    as_of: NaiveDate,
) -> Result<(Assessment, UsageReport), LoadError> {
    let options = LoadOptions { extra_files: extra.to_vec(), ..LoadOptions::default() };
    let loaded = teichaku::load_with(text, common::catalog(), files, &options)?;
    match teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &Default::default()) {
        Ok(a) => Ok((a, loaded.usage)),
        Err(e) => Err(LoadError::Store(match e {
            teichaku::metrics::KpiError::Store(s) => s,
            other => panic!("assess_with_store fails other than on the store: {other}"),
        })),
    }
}

/// An assessment with the files' report, as `assess --format json` prints it when files were
/// read (crates/teichaku-cli/src/assess.rs `WithFiles`).
#[derive(Serialize)]
struct WithFiles<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    event_files: &'a UsageReport,
}

/// `teichaku assess FILE --as-of D --format json [--events F]` once the files are read: the
/// output, or the failure's kind.
fn command_line(
    bytes: &[u8],
    files: &BTreeMap<String, Vec<u8>>,
    extra: &[String],
    as_of: NaiveDate,
) -> Result<String, Kind> {
    // `input::read`: UTF-8, a leading byte-order mark dropped.
    let text = String::from_utf8(bytes.to_vec()).map_err(|_| Kind::Document)?;
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    // `kpis::load_with_events`: the built-in catalogue (`main::run` builds it once a run, as
    // `common::catalog` once a process), the `--events` files as extra files.
    let options = LoadOptions { skip_bad_lines: false, extra_files: extra.to_vec(), ..LoadOptions::default() };
    let loaded = teichaku::load_with(&text, common::catalog(), files, &options).map_err(|e| kind_of(&e))?;
    // `assess::run` and `emit` with `--format json` (`Stdout::write_json`: the same bytes).
    let a = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &teichaku::AssessOptions::default())
        .map_err(|_| Kind::Assessment)?;
    let json = if loaded.usage.files.is_empty() {
        serde_json::to_string_pretty(&a)
    } else {
        serde_json::to_string_pretty(&WithFiles { assessment: &a, event_files: &loaded.usage })
    };
    match json {
        Ok(mut s) => {
            s.push('\n');
            Ok(s)
        }
        Err(e) => panic!("cannot write JSON: {e}"),
    }
}

/// The Python binding's `assess` once its arguments are converted.
fn python(
    input: &calls::Input,
    files: Option<&BTreeMap<String, Vec<u8>>>,
    as_of: NaiveDate,
) -> Result<Value, FailureKind> {
    let usage = files.map(|f| f as &dyn teichaku::UsageSource);
    match calls::assess(input, as_of, usage) {
        // `to_python` converts the `serde_json::Value` of the assessment.
        Ok(a) => match serde_json::to_value(&a) {
            Ok(v) => Ok(v),
            Err(e) => panic!("the result cannot be written as JSON: {e}"),
        },
        Err(f) => Err(FailureKind {
            kind: f.kind,
            problems: f
                .problems
                .iter()
                .map(|p| (p["error"].as_str().unwrap_or("").to_owned(), p["message"].as_str().unwrap_or("").to_owned()))
                .collect(),
        }),
    }
}

/// Each usage event as a CSV row (`member,at,minutes`) or a JSON line.
fn event_file(events: &[Value], csv: bool) -> Vec<u8> {
    let mut out = String::new();
    if csv {
        out.push_str("member,at,minutes\n");
        for e in events {
            let minutes = e.get("minutes").map(Value::to_string).unwrap_or_default();
            out.push_str(&format!(
                "{},{},{}\n",
                e["member"].as_str().unwrap_or(""),
                e["at"].as_str().unwrap_or(""),
                minutes
            ));
        }
    } else {
        for e in events {
            out.push_str(&e.to_string());
            out.push('\n');
        }
    }
    out.into_bytes()
}

fn mutate(doc: &mut Value, m: Mutation) {
    match m {
        Mutation::UnknownField(i) => match i % 3 {
            0 => doc["extra"] = json!(1),
            1 => {
                if let Some(u) = doc["organisation"]["units"].as_array_mut().and_then(|l| l.first_mut()) {
                    u["colour"] = json!("red");
                }
            }
            _ => {
                if let Some(m) = doc["organisation"]["members"].as_array_mut().and_then(|l| l.last_mut()) {
                    m["nickname"] = json!("x");
                }
            }
        },
        Mutation::WrongType(i) => match i % 4 {
            0 => {
                if let Some(m) = doc["organisation"]["members"].as_array_mut().and_then(|l| l.first_mut()) {
                    m["roles"] = json!("staff");
                }
            }
            1 => {
                if let Some(u) = doc["organisation"]["units"].as_array_mut().and_then(|l| l.last_mut()) {
                    u["name"] = json!(5);
                }
            }
            2 => doc["organisation"]["launch_date"] = json!(20250401),
            _ => {
                if let Some(c) = doc["observations"]["completions"].as_array_mut().and_then(|l| l.first_mut()) {
                    c["date"] = json!("yesterday");
                }
            }
        },
        Mutation::Missing(i) => {
            let (object, key) = match i % 3 {
                0 => (&mut doc["organisation"], "launch_date"),
                1 => (doc, "playbook"),
                _ => (&mut doc["organisation"], "units"),
            };
            if let Some(o) = object.as_object_mut() {
                o.remove(key);
            }
        }
        Mutation::Version(v) => doc["version"] = json!(v),
        Mutation::Floats => floats(&mut doc["observations"]),
        Mutation::BadLine(_) => {}
    }
}

/// Every whole number under `v` written as a float.
fn floats(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_u64() {
                *v = json!(x as f64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(floats),
        Value::Object(fields) => fields.values_mut().for_each(floats),
        _ => {}
    }
}

fn serialised(a: &Assessment) -> String {
    match serde_json::to_string(a) {
        Ok(s) => s,
        Err(e) => panic!("the assessment serialises: {e}"),
    }
}

fuzz_target!(|input: Input| {
    let built = scale::build(&input.document, &CAPS);
    let as_of = built.as_of;
    let mut doc = built.document;
    if let Some(m) = input.mutation {
        mutate(&mut doc, m);
    }
    let write = |doc: &Value| {
        let text = if input.pretty { serde_json::to_string_pretty(doc).unwrap_or_default() } else { doc.to_string() };
        if input.bom { format!("\u{feff}{text}") } else { text }
    };
    let inline_text = write(&doc);

    // The events moved to a file, as the variant says.
    let events: Vec<Value> = doc["observations"]["usage"].as_array().cloned().unwrap_or_default();
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut extra: Vec<String> = Vec::new();
    let mut variant = doc.clone();
    let in_file = !matches!(input.events, EventsIn::Inline);
    let bad_line = in_file && matches!(input.mutation, Some(Mutation::BadLine(_)));
    let file_events = |name: &str, csv: bool, moved: &[Value], files: &mut BTreeMap<String, Vec<u8>>| {
        let mut bytes = event_file(moved, csv);
        if let Some(Mutation::BadLine(at)) = input.mutation {
            // A malformed line among the others: a member that is no id.
            let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
            let at = 1 + usize::from(at) % lines.len().max(1);
            let bad: &[u8] = if csv { b"nobody,2025-04-02T09:00:00Z,5\n" } else { b"{\"member\": \"nobody\"}\n" };
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                if i == at.min(lines.len()) {
                    out.extend_from_slice(bad);
                }
                out.extend_from_slice(l);
            }
            if at >= lines.len() {
                out.extend_from_slice(bad);
            }
            bytes = out;
        }
        files.insert(name.to_owned(), bytes);
    };
    match input.events {
        EventsIn::Inline => {}
        EventsIn::Csv { split } | EventsIn::Jsonl { split } => {
            let csv = matches!(input.events, EventsIn::Csv { .. });
            let keep = usize::from(split % 4) * events.len() / 4;
            let (inline, moved) = events.split_at(keep);
            let name = if csv { "usage.csv" } else { "usage.jsonl" };
            file_events(name, csv, moved, &mut files);
            variant["observations"]["usage"] = json!(inline);
            if let Some(o) = variant["observations"].as_object_mut() {
                o.insert("usage_files".into(), json!([name]));
            }
        }
        EventsIn::Extra { csv } => {
            let name = if csv { "extra.csv" } else { "extra.ndjson" };
            file_events(name, csv, &events, &mut files);
            variant["observations"]["usage"] = json!([]);
            extra.push(name.to_owned());
        }
    }
    let variant_text = write(&variant);

    let reference = reference(&inline_text, as_of);
    let expected = reference.as_ref().map(serialised);
    if std::env::var_os("FUZZ_STATS").is_some() {
        let outcome = match &reference {
            Ok(a) => format!("assessed, {} instances", a.plan.instances.len()),
            Err(k) => format!("refused: {k:?}"),
        };
        common::stat(&format!("{:?} {:?} {:?}: {outcome}", scale::sizes(&doc), input.events, input.mutation));
    }

    // The library with files.
    let with_files = library_with_files(&variant_text, &files, &extra, as_of);
    match (&expected, &with_files) {
        (Ok(r), Ok((a, _))) if !bad_line => assert_eq!(r, &serialised(a), "events in a file give another assessment"),
        (Ok(_), Err(LoadError::BadLines { count: 1, .. })) if bad_line => {}
        (Ok(_), Err(e)) => panic!("the document loads inline, not with its events in files: {e}"),
        (Err(k), Err(e)) => assert_eq!(**k, kind_of(e), "another failure with files: {e}"),
        (Err(k), Ok(_)) if !bad_line => panic!("refused inline ({k:?}), accepted with files"),
        (Err(_), Ok(_)) => panic!("a malformed event line was accepted"),
        (Ok(_), Ok(_)) => panic!("a malformed event line was accepted"),
    }

    // The command line, on the variant's bytes.
    let cli = command_line(variant_text.as_bytes(), &files, &extra, as_of);
    match (&with_files, &cli) {
        (Ok((a, usage)), Ok(out)) => {
            let expected = if usage.files.is_empty() {
                serde_json::to_string_pretty(a)
            } else {
                serde_json::to_string_pretty(&WithFiles { assessment: a, event_files: usage })
            }
            .map(|s| s + "\n")
            .unwrap_or_default();
            assert!(&expected == out, "the command line prints another assessment");
            // And the reference's assessment, without the files' report.
            if let (Ok(r), false) = (&reference, bad_line) {
                let printed = serde_json::to_string_pretty(r).map(|s| s + "\n").unwrap_or_default();
                if usage.files.is_empty() {
                    assert!(&printed == out, "the command line differs from the library");
                }
            }
        }
        (Err(e), Err(k)) => assert_eq!(kind_of(e), *k, "the command line fails otherwise: {e}"),
        (Ok(_), Err(k)) => panic!("the command line fails ({k:?}) where the library does not"),
        (Err(e), Ok(_)) => panic!("the command line succeeds where the library fails: {e}"),
    }

    // The Python binding: the variant's text as a str and as a dict; `--events` has no Python
    // form, so that variant is given inline.
    let py_text = if matches!(input.events, EventsIn::Extra { .. }) { &inline_text } else { &variant_text };
    let py_files = (!files.is_empty() && !matches!(input.events, EventsIn::Extra { .. })).then_some(&files);
    let as_text = python(&calls::Input::Text(py_text.clone()), py_files, as_of);
    // A dict is what `json.loads` makes of the text: no byte-order mark.
    let as_dict = serde_json::from_str::<Value>(py_text.trim_start_matches('\u{feff}'))
        .ok()
        .map(|v| python(&calls::Input::Value(v), py_files, as_of));
    let expected_py = match (&with_files, matches!(input.events, EventsIn::Extra { .. })) {
        (_, true) => reference.as_ref().map(|a| serde_json::to_value(a).unwrap_or_default()).map_err(|k| *k),
        (Ok((a, _)), false) => Ok(serde_json::to_value(a).unwrap_or_default()),
        (Err(e), false) => Err(kind_of(e)),
    };
    for (what, got) in [("text", Some(&as_text)), ("dict", as_dict.as_ref())] {
        let Some(got) = got else { continue };
        match (&expected_py, got) {
            (Ok(v), Ok(p)) => assert!(v == p, "Python ({what}) returns another assessment"),
            (Err(k), Err(f)) => {
                assert_eq!(*k, f.kind, "Python ({what}) raises another exception: {f:?}");
                assert!(!f.problems.is_empty(), "Python ({what}) raises without problems");
            }
            (Ok(_), Err(f)) => panic!("Python ({what}) raises {f:?} where the library does not"),
            (Err(k), Ok(_)) => panic!("Python ({what}) succeeds where the library fails ({k:?})"),
        }
    }
    // The same problems from text and from a dict, but for where a syntax error sits.
    if let (Err(t), Some(Err(d))) = (&as_text, &as_dict) {
        let kinds = |f: &FailureKind| f.problems.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        assert_eq!(kinds(t), kinds(d), "Python raises other problems for a dict than for its text");
        if t.kind == Kind::Validation {
            assert_eq!(t.problems, d.problems, "Python's validation problems differ between text and dict");
        }
    }
});
