//! Thousands of broken versions of a valid document: validation never panics, and every result is
//! a snapshot or typed errors.

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::LoadError;

use crate::support::{SMALL, small};

/// Values a broken exporter might write anywhere.
fn odd_value(pick: u64) -> Value {
    match pick % 14 {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(1e308),
        3 => json!(-0.0),
        4 => json!(u64::MAX),
        5 => json!(""),
        6 => json!("00000000-0000-0000-0000-000000000999"),
        7 => json!([]),
        8 => json!({}),
        9 => json!(true),
        10 => json!("2026-02-30"),
        11 => json!("ｶﾀｶﾅ🙂\u{0301}"),
        12 => json!(0),
        _ => json!(3.5),
    }
}

/// Every path to a node of `v`, parents before children.
fn paths(v: &Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| paths(c, format!("{here}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| paths(c, format!("{here}/{i}"), out)),
        _ => {}
    }
}

/// Applies one mutation chosen by `op` at the node chosen by `at`.
fn mutate(doc: &mut Value, op: u64, at: u64, pick: u64) {
    let mut all = Vec::new();
    paths(doc, String::new(), &mut all);
    let path = all[(at as usize) % all.len()].clone();
    let (parent, key) = path.rsplit_once('/').unwrap_or(("", ""));
    match op % 4 {
        // Replace the node.
        0 => {
            if let Some(node) = doc.pointer_mut(&path) {
                *node = odd_value(pick);
            }
        }
        // Remove it from its parent.
        1 => match doc.pointer_mut(parent) {
            Some(Value::Object(m)) => {
                m.remove(key);
            }
            Some(Value::Array(a)) => {
                if let Ok(i) = key.parse::<usize>() {
                    if i < a.len() {
                        a.remove(i);
                    }
                }
            }
            _ => {}
        },
        // Repeat it in its parent array (a duplicate record).
        2 => {
            if let Some(Value::Array(a)) = doc.pointer_mut(parent) {
                if let Some(item) = key.parse::<usize>().ok().and_then(|i| a.get(i).cloned()) {
                    a.push(item);
                }
            }
        }
        // Swap it with another node's value.
        _ => {
            let other = all[(pick as usize) % all.len()].clone();
            if !other.starts_with(&path) && !path.starts_with(&other) {
                let a = doc.pointer(&path).cloned();
                let b = doc.pointer(&other).cloned();
                if let (Some(a), Some(b)) = (a, b) {
                    *doc.pointer_mut(&path).unwrap() = b;
                    *doc.pointer_mut(&other).unwrap() = a;
                }
            }
        }
    }
}

fn loads_without_panic(text: &str) {
    match teichaku::load(text, crate::support::catalog()) {
        Ok(snapshot) => {
            // A valid result is usable: the lookups it promises work.
            let _ = snapshot.activities_in_order().count();
            for u in &snapshot.organisation().units {
                assert!(snapshot.units_under(u.id).contains(&u.id));
            }
        }
        Err(LoadError::Invalid(errors)) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(!e.to_string().is_empty());
            }
        }
        Err(LoadError::Document(e)) => assert!(!e.to_string().is_empty()),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_never_panic(ops in prop::collection::vec((any::<u64>(), any::<u64>(), any::<u64>()), 1..6)) {
        let mut doc = small();
        for (op, at, pick) in ops {
            mutate(&mut doc, op, at, pick);
        }
        loads_without_panic(&doc.to_string());
    }

    #[test]
    fn truncated_and_garbled_text_never_panics(cut in 0usize..SMALL.len(), at in 0usize..SMALL.len(), c in any::<char>()) {
        let mut text: String = SMALL.chars().take(cut).collect();
        loads_without_panic(&text);
        text = SMALL.to_owned();
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.insert(at, c);
        loads_without_panic(&text);
    }
}
