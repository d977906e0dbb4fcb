//! Batch evaluation: one result per subject, in input order, nothing dropped.

use serde_json::json;
use teichaku_model::Role;
use teichaku_rules::{EvaluationError, Facts, Outcome, Subject, compile, evaluate_batch};

use crate::{num, user, yes};

/// The built-in rubric, for staff only.
fn staff_only() -> teichaku_rules::CompiledRubric {
    let mut rubric = crate::v1().rubric().clone();
    rubric.applies_to = vec![Role::Staff];
    compile(rubric).unwrap()
}

#[test]
fn every_subject_gets_a_result_in_input_order() {
    let rubric = staff_only();
    let wrong = rubric.facts([("goal_sheet_ai_entry", num(1.0))]).unwrap();
    let subjects = [
        user("e-3", Some("sales"), 12.0).with_roles([Role::Staff]),
        user("e-1", Some("sales"), 8.0).with_roles([Role::Executive, Role::Manager]),
        Subject::new("e-2", wrong).with_roles([Role::Staff, Role::Ambassador]),
        user("e-3", None, 4.0).with_roles([Role::Staff]),
        Subject::new("e-4", Facts::default()).in_group("legal").with_roles([Role::Staff]),
        user("e-5", Some("legal"), 16.0).with_roles([Role::Staff]),
    ];
    let report = evaluate_batch(&rubric, &subjects);
    assert_eq!((report.rubric_id.as_str(), report.rubric_revision), ("ai-use-in-appraisal", 1));
    let ids: Vec<&str> = report.results.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(ids, ["e-3", "e-1", "e-2", "e-3", "e-4", "e-5"]);
    assert_eq!((report.evaluated, report.not_applicable, report.failed, report.duplicates), (2, 1, 2, 1));

    // 12 of 16 days → 75.
    assert_eq!(report.results[0].evaluation().map(|e| (e.total, e.band.as_str())), Some((75.0, "A")));
    assert_eq!(report.results[0].group.as_deref(), Some("sales"));
    assert_eq!(report.results[1].outcome, Outcome::NotApplicable { roles: vec![Role::Executive, Role::Manager] });
    assert!(matches!(
        &report.results[2].outcome,
        Outcome::Failed { error: EvaluationError::WrongValueKind { fact, .. } } if fact.as_str() == "goal_sheet_ai_entry"
    ));
    assert_eq!(report.results[3].outcome, Outcome::DuplicateSubject { first_index: 0 });
    assert_eq!(
        report.results[4].outcome,
        Outcome::Failed { error: EvaluationError::FactCountMismatch { expected: 5, found: 0 } }
    );
    assert_eq!(report.results[5].evaluation().map(|e| e.total), Some(100.0));
}

#[test]
fn results_serialise_with_their_status() {
    let rubric = staff_only();
    let subjects = [
        user("e-1", None, 8.0).with_roles([Role::Executive]),
        Subject::new("e-2", rubric.facts([("usage_days_28", yes(true))]).unwrap()).with_roles([Role::Staff]),
    ];
    let report = evaluate_batch(&rubric, &subjects);
    let value = serde_json::to_value(&report.results).unwrap();
    assert_eq!(
        value,
        json!([
            { "subject": "e-1", "outcome": { "status": "not_applicable", "roles": ["executive"] } },
            { "subject": "e-2", "outcome": { "status": "failed", "error": {
                "kind": "wrong_value_kind", "fact": "usage_days_28", "expected": "number", "found": "boolean" } } }
        ])
    );
    // And read back.
    let read: Vec<teichaku_rules::SubjectResult> = serde_json::from_value(value).unwrap();
    assert_eq!(read, report.results);
}

#[test]
fn an_empty_batch_is_an_empty_report() {
    let report = evaluate_batch(&crate::v1(), &[]);
    assert!(report.results.is_empty());
    assert_eq!((report.evaluated, report.not_applicable, report.failed, report.duplicates), (0, 0, 0, 0));
}

#[test]
fn a_subject_reads_from_json() {
    let subject: Subject = serde_json::from_value(json!({
        "id": "e-1", "group": "sales", "roles": ["staff"], "facts": [true, null, null, 12, 0]
    }))
    .unwrap();
    let report = evaluate_batch(&crate::v1(), [&subject]);
    // 20 + 40 × 12/16 = 50 of the 60 counted points.
    assert_eq!(report.results[0].evaluation().map(|e| e.total), Some(100.0 * (50.0 / 60.0)));
    assert!(serde_json::from_value::<Subject>(json!({ "id": "e-1", "facts": [], "team": "x" })).is_err());
}
