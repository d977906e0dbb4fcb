//! `evaluate_into`: the same answers as `evaluate`, in a reused result whose buffers stay put.

use serde_json::json;
use teichaku_rules::{Evaluation, EvaluationError, FactValue, Facts, evaluate, evaluate_into};

use crate::{compiled, num, yes};

fn facts(pairs: &[(&str, FactValue)]) -> Facts {
    crate::v1().facts(pairs.iter().map(|(n, v)| (*n, v.clone()))).unwrap()
}

#[test]
fn answers_like_evaluate_row_after_row() {
    let rubric = crate::v1();
    let rows = [
        facts(&[("usage_days_28", num(16.0)), ("incidents", num(1.0))]),
        facts(&[("usage_days_28", num(4.0))]),
        facts(&[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(0.0)),
            ("success_cases_shared", num(0.0)),
            ("usage_days_28", num(16.0)),
            ("incidents", num(2.0)),
        ]),
        facts(&[("usage_days_28", num(8.0)), ("goal_sheet_ai_entry", yes(false))]),
    ];
    let mut out = Evaluation::buffer_for(&rubric);
    for row in &rows {
        evaluate_into(&rubric, row, &mut out).unwrap();
        assert_eq!(out, evaluate(&rubric, row).unwrap());
    }
}

#[test]
fn buffers_are_reused_once_filled() {
    let rubric = crate::v1();
    let full = facts(&[
        ("goal_sheet_ai_entry", yes(true)),
        ("proposals_implemented", num(0.0)),
        ("success_cases_shared", num(0.0)),
        ("usage_days_28", num(16.0)),
        ("incidents", num(2.0)),
    ]);
    let mut out = Evaluation::buffer_for(&rubric);
    evaluate_into(&rubric, &full, &mut out).unwrap();
    assert_eq!(out.caps_applied.len(), 2);
    let before = (
        out.criteria.as_ptr(),
        out.caps_applied.as_ptr(),
        out.missing.as_ptr(),
        out.band.as_ptr(),
        out.rubric_id.as_str().as_ptr(),
        out.criteria[0].criterion.as_str().as_ptr(),
    );
    for days in [1.0, 9.0, 16.0] {
        evaluate_into(&rubric, &facts(&[("usage_days_28", num(days))]), &mut out).unwrap();
        evaluate_into(&rubric, &full, &mut out).unwrap();
    }
    let after = (
        out.criteria.as_ptr(),
        out.caps_applied.as_ptr(),
        out.missing.as_ptr(),
        out.band.as_ptr(),
        out.rubric_id.as_str().as_ptr(),
        out.criteria[0].criterion.as_str().as_ptr(),
    );
    assert_eq!(before, after, "no buffer or id was reallocated");
}

#[test]
fn an_error_leaves_the_result_as_it_was() {
    let rubric = crate::v1();
    let mut out = Evaluation::buffer_for(&rubric);
    evaluate_into(&rubric, &facts(&[("usage_days_28", num(8.0))]), &mut out).unwrap();
    let kept = out.clone();
    let wrong = facts(&[("usage_days_28", yes(true))]);
    assert!(matches!(evaluate_into(&rubric, &wrong, &mut out), Err(EvaluationError::WrongValueKind { .. })));
    assert_eq!(evaluate_into(&rubric, &facts(&[]), &mut out), Err(EvaluationError::NothingToScore));
    assert_eq!(out, kept);
}

#[test]
fn a_buffer_moves_between_rubrics() {
    let other = compiled(json!({
        "facts": [{ "name": "grade", "kind": { "enumeration": ["g1", "g2"] } }, { "name": "x", "kind": "number" }],
        "criteria": [
            { "id": "a", "title": { "en": "A", "ja": "A" }, "fact": "x", "weight": 1, "scoring": { "linear": { "from": 0, "to": 4 } } }
        ],
        "caps": [{ "id": "g1", "max_score": 10, "when": { "one_of": { "fact": "grade", "values": ["g1"] } } }]
    }));
    let builtin = crate::v1();
    let mut out = Evaluation::buffer_for(&builtin);
    evaluate_into(&builtin, &facts(&[("usage_days_28", num(8.0)), ("incidents", num(1.0))]), &mut out).unwrap();
    let row = other.facts([("grade", FactValue::Enumeration("g1".into())), ("x", num(3.0))]).unwrap();
    evaluate_into(&other, &row, &mut out).unwrap();
    assert_eq!(out, evaluate(&other, &row).unwrap());
    assert_eq!((out.total, out.uncapped_total, out.criteria.len()), (10.0, 75.0, 1));
    evaluate_into(&builtin, &facts(&[("usage_days_28", num(8.0))]), &mut out).unwrap();
    assert_eq!(out, evaluate(&builtin, &facts(&[("usage_days_28", num(8.0))])).unwrap());
}

#[test]
fn the_buffer_is_not_a_score() {
    let rubric = crate::v1();
    let buffer = Evaluation::buffer_for(&rubric);
    assert_eq!((buffer.total, buffer.band.as_str(), buffer.weight_counted), (0.0, "D", 0.0));
    assert!(buffer.caps_applied.is_empty() && buffer.missing.is_empty());
    assert!(buffer.criteria.iter().all(|c| !c.counted && c.fact_value.is_none()));
}
