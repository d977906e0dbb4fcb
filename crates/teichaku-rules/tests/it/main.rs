//! Integration tests of teichaku-rules: one binary, a module per concern.
//!
//! Rubrics are written as JSON through [`rubric`], which fills in the fields a test does not care
//! about (version, id, revision, title, dates and the bands S 90 / A 75 / B 60 / C 40 / D 0).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

mod batch;
mod builtin;
mod calibration;
mod golden;
mod partial;
mod properties;
mod reuse;
mod rollup;
mod validation;

use serde_json::{Value, json};
use teichaku_rules::{CompiledRubric, Evaluation, FactValue, Rubric, Subject, compile, evaluate};

/// A rubric from `fields` laid over the defaults.
pub(crate) fn rubric(fields: Value) -> Rubric {
    let mut doc = json!({
        "version": 1, "id": "test", "revision": 3,
        "title": { "en": "Test", "ja": "テスト" },
        "effective_from": "2026-04-01",
        "facts": [],
        "bands": [
            { "name": "S", "min_score": 90 }, { "name": "A", "min_score": 75 },
            { "name": "B", "min_score": 60 }, { "name": "C", "min_score": 40 },
            { "name": "D", "min_score": 0 }
        ],
        "criteria": []
    });
    if let (Some(doc), Value::Object(fields)) = (doc.as_object_mut(), fields) {
        doc.extend(fields);
    }
    match serde_json::from_value(doc) {
        Ok(rubric) => rubric,
        Err(e) => panic!("test rubric does not parse: {e}"),
    }
}

/// [`rubric`], compiled.
pub(crate) fn compiled(fields: Value) -> CompiledRubric {
    match compile(rubric(fields)) {
        Ok(c) => c,
        Err(e) => panic!("test rubric is invalid: {e}"),
    }
}

/// Evaluates named facts, panicking on an error.
pub(crate) fn eval(rubric: &CompiledRubric, facts: &[(&str, FactValue)]) -> Evaluation {
    let facts = match rubric.facts(facts.iter().map(|(n, v)| (*n, v.clone()))) {
        Ok(f) => f,
        Err(e) => panic!("bad test facts: {e}"),
    };
    match evaluate(rubric, &facts) {
        Ok(e) => e,
        Err(e) => panic!("evaluation failed: {e}"),
    }
}

pub(crate) fn num(x: f64) -> FactValue {
    FactValue::Number(x)
}

pub(crate) fn yes(b: bool) -> FactValue {
    FactValue::Boolean(b)
}

/// A subject of the built-in rubric with only `usage_days_28` known: its total is
/// `100 × min(days, 16) ÷ 16` (the other criteria are left out and no cap can apply).
pub(crate) fn user(id: &str, group: Option<&str>, days: f64) -> Subject {
    let rubric = crate::v1();
    let facts = rubric.facts([("usage_days_28", num(days))]).expect("a declared fact");
    let subject = Subject::new(id, facts);
    match group {
        Some(group) => subject.in_group(group),
        None => subject,
    }
}

/// Revision 1 of the built-in rubric, which renormalises missing facts: the subject of the tests
/// that need facts left out.
pub(crate) fn v1() -> CompiledRubric {
    teichaku_rules::builtin("ai-use-in-appraisal@1").unwrap()
}
