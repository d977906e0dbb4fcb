//! Unit tests of the operations over JSON values, without Python.

use serde_json::json;
use teichaku::rules::FactValue;

use super::{FactInput, Input, RubricSource, SubjectInput, compile_rubric, evaluate, evaluate_batch, load};
use crate::problems::Kind;

fn builtin() -> RubricSource {
    RubricSource::Builtin("ai-use-in-appraisal".to_owned())
}

fn number(name: &str, x: f64) -> (String, FactInput) {
    (name.to_owned(), FactInput::Value(FactValue::Number(x)))
}

fn full_marks() -> Vec<(String, FactInput)> {
    vec![
        ("goal_sheet_ai_entry".to_owned(), FactInput::Value(FactValue::Boolean(true))),
        number("proposals_implemented", 3.0),
        number("success_cases_shared", 2.0),
        number("usage_days_28", 20.0),
        number("incidents", 0.0),
    ]
}

#[test]
fn the_builtin_rubric_scores_full_marks() -> Result<(), Box<dyn std::error::Error>> {
    let rubric = compile_rubric(&builtin()).map_err(|f| f.message)?;
    let evaluation = evaluate(&rubric, &full_marks()).map_err(|f| f.message)?;
    assert_eq!((evaluation.total, evaluation.band.as_str()), (100.0, "S"));
    Ok(())
}

#[test]
fn every_unknown_fact_is_named() -> Result<(), Box<dyn std::error::Error>> {
    let rubric = compile_rubric(&builtin()).map_err(|f| f.message)?;
    let mut facts = full_marks();
    facts.push(number("usage_days", 3.0));
    facts.push(("bonus".to_owned(), FactInput::Unsupported("list".to_owned())));
    let Err(failure) = evaluate(&rubric, &facts) else { panic!("unknown facts were accepted") };
    assert_eq!(failure.kind, Kind::Evaluation);
    let named: Vec<_> = failure.problems.iter().map(|p| (p["error"].clone(), p["fact"].clone())).collect();
    assert_eq!(named, [(json!("unknown_fact"), json!("usage_days")), (json!("unknown_fact"), json!("bonus"))]);
    Ok(())
}

fn subject(id: &str, facts: Vec<(String, FactInput)>) -> SubjectInput {
    SubjectInput { id: id.to_owned(), group: Some("sales".to_owned()), roles: vec!["staff".to_owned()], facts }
}

#[test]
fn a_batch_fails_a_subject_alone_for_a_wrong_value() -> Result<(), Box<dyn std::error::Error>> {
    let rubric = compile_rubric(&builtin()).map_err(|f| f.message)?;
    let mut wrong = full_marks();
    wrong[0].1 = FactInput::Value(FactValue::Number(1.0));
    let report =
        evaluate_batch(&rubric, &[subject("e-1", full_marks()), subject("e-2", wrong)]).map_err(|f| f.message)?;
    assert_eq!((report.evaluated, report.failed), (1, 1));
    let value = serde_json::to_value(&report.results[1])?;
    let error = &value["outcome"]["error"];
    assert_eq!(
        (error["kind"].as_str(), error["fact"].as_str()),
        (Some("wrong_value_kind"), Some("goal_sheet_ai_entry"))
    );
    Ok(())
}

#[test]
fn a_batch_names_each_subject_of_the_wrong_shape() -> Result<(), Box<dyn std::error::Error>> {
    let rubric = compile_rubric(&builtin()).map_err(|f| f.message)?;
    let mut unknown = full_marks();
    unknown.push(number("usage_days", 3.0));
    let mut bad_role = subject("e-3", full_marks());
    bad_role.roles = vec!["wizard".to_owned()];
    let subjects = [subject("e-1", full_marks()), subject("e-2", unknown), bad_role];
    let Err(failure) = evaluate_batch(&rubric, &subjects) else { panic!("a batch of the wrong shape was evaluated") };
    let named: Vec<_> =
        failure.problems.iter().map(|p| (p["subject"].clone(), p["id"].clone(), p["error"].clone())).collect();
    assert_eq!(
        named,
        [(json!(1), json!("e-2"), json!("unknown_fact")), (json!(2), json!("e-3"), json!("unknown_role"))]
    );
    Ok(())
}

#[test]
fn an_unknown_builtin_rubric_is_a_rubric_error() {
    let Err(failure) = compile_rubric(&RubricSource::Builtin("no-such".to_owned())) else {
        panic!("an unknown rubric compiled")
    };
    assert_eq!((failure.kind, failure.problems[0]["error"].as_str()), (Kind::Rubric, Some("unknown_builtin")));
}

#[test]
fn a_document_problem_read_from_a_dict_has_its_path() -> Result<(), Box<dyn std::error::Error>> {
    let mut document = serde_json::to_value(teichaku::demo::document())?;
    document["organisation"]["units"][1]["colour"] = json!("blue");
    let Err(failure) = load(&Input::Value(document)) else { panic!("an unknown field was accepted") };
    assert_eq!(failure.kind, Kind::Document);
    assert_eq!(failure.problems[0]["path"], "organisation.units[1].colour");
    assert!(failure.message.starts_with("organisation.units[1].colour: unknown field `colour`"), "{}", failure.message);
    Ok(())
}
