//! Unit tests of the problem forms: kinds, messages and the names of the records at fault.

use serde_json::json;
use teichaku::model::{MemberId, Record, UnitId, ValidationError, ValidationErrors};
use teichaku::rules::{CriterionId, Location, RubricError, RubricErrors};

use super::{Failure, Kind, variant_name};

#[test]
fn variant_names_are_snake_case() {
    assert_eq!(variant_name(&RubricError::NoBands), "no_bands");
    assert_eq!(variant_name(&Some(1)), "some");
    assert_eq!(variant_name(&"text"), "error");
}

#[test]
fn a_validation_problem_names_its_record() {
    let errors = ValidationErrors::from(vec![ValidationError::UnknownUnit {
        record: Record::Member { index: 3, id: MemberId::from_u128(7), key: None, name: None },
        unit: UnitId::from_u128(9),
    }]);
    let failure = Failure::validation(&errors);
    assert_eq!(failure.kind, Kind::Validation);
    assert_eq!(failure.problems.len(), 1);
    let problem = &failure.problems[0];
    assert_eq!(problem["error"], "unknown_unit");
    assert_eq!(
        problem["record"],
        json!({ "record": "member", "index": 3, "id": "00000000-0000-0000-0000-000000000007" })
    );
    assert_eq!(problem["message"], failure.message.as_str());
    assert!(problem["message_ja"].as_str().is_some_and(|m| m.starts_with("4件目のメンバー")), "{problem}");
}

#[test]
fn a_rubric_problem_names_its_place() -> Result<(), Box<dyn std::error::Error>> {
    let at = Location::Criterion { index: 0, id: CriterionId::new("usage")? };
    let errors = RubricErrors::from(vec![RubricError::BadWeight { at, weight: 0.0 }, RubricError::NoBands]);
    let failure = Failure::rubric(&errors);
    assert_eq!(failure.kind, Kind::Rubric);
    assert_eq!(failure.problems[0]["error"], "bad_weight");
    assert_eq!(failure.problems[0]["at"], json!({ "list": "criterion", "index": 0, "id": "usage" }));
    assert_eq!(
        failure.problems[1],
        json!({ "error": "no_bands", "message": "the rubric has no bands", "message_ja": "ルーブリックに評価段階がありません" })
    );
    assert_eq!(
        failure.problems[0]["message_ja"],
        "1番目の評価基準 `usage`の重み 0が正しくありません（0 より大きく 1000000 以下）"
    );
    assert_eq!(
        failure.message_ja(),
        "1番目の評価基準 `usage`の重み 0が正しくありません（0 より大きく 1000000 以下）\nルーブリックに評価段階がありません"
    );
    Ok(())
}

#[test]
fn tags_reach_every_problem() {
    let failure = Failure::rubric(&RubricErrors::from(vec![RubricError::NoBands, RubricError::NoCriteria]));
    let tagged = failure.tag("subject", json!(4));
    assert!(tagged.problems.iter().all(|p| p["subject"] == 4));
}
