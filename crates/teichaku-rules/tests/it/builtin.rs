//! The built-in rubric `ai-use-in-appraisal`: it loads, round-trips and scores as designed.

use teichaku_rules::{
    AI_USE_IN_APPRAISAL_1_JSON, AI_USE_IN_APPRAISAL_JSON, BuiltinError, Rubric, ai_use_in_appraisal, builtin,
    parse_rubric,
};

use crate::{eval, num, yes};

#[test]
fn loads_with_titles_in_both_languages() {
    let compiled = ai_use_in_appraisal();
    let rubric = compiled.rubric();
    assert_eq!((rubric.id.as_str(), rubric.revision), ("ai-use-in-appraisal", 2));
    assert!(!rubric.title.en.is_empty() && !rubric.title.ja.is_empty());
    for c in &rubric.criteria {
        assert!(!c.title.en.is_empty() && !c.title.ja.is_empty(), "{}", c.id);
    }
    let bands: Vec<_> = rubric.bands.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(bands, ["S", "A", "B", "C", "D"]);
    // Round trip: what is written reads back the same.
    let written = serde_json::to_string(rubric).unwrap_or_default();
    let read: Rubric = parse_rubric(&written).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&read, rubric);
    assert_eq!(parse_rubric(AI_USE_IN_APPRAISAL_JSON).ok().as_ref(), Some(rubric));
}

#[test]
fn every_revision_is_addressable_and_an_unknown_one_is_a_typed_error() {
    let latest = builtin("ai-use-in-appraisal").unwrap();
    assert_eq!(latest.rubric().revision, 2);
    assert_eq!(latest.content_hash(), ai_use_in_appraisal().content_hash());
    assert_eq!(builtin("ai-use-in-appraisal@2").unwrap().content_hash(), latest.content_hash());
    let first = builtin("ai-use-in-appraisal@1").unwrap();
    assert_eq!(first.rubric(), &parse_rubric(AI_USE_IN_APPRAISAL_1_JSON).unwrap());
    assert_eq!(first.rubric().revision, 1);
    // Revisions 1 and 2 differ only in their facts, their missing-fact policy and the revision.
    let mut same = first.rubric().clone();
    same.revision = 2;
    same.facts = latest.rubric().facts.clone();
    same.missing = latest.rubric().missing;
    assert_eq!(&same, latest.rubric());
    assert_eq!(
        builtin("ai-use-in-appraisal@0").unwrap_err(),
        BuiltinError::UnknownRevision { id: "ai-use-in-appraisal".into(), revision: 0, known: vec![1, 2] }
    );
    assert_eq!(
        builtin("ai-use-in-appraisal@latest").unwrap_err(),
        BuiltinError::BadSpec { spec: "ai-use-in-appraisal@latest".into() }
    );
    assert!(matches!(builtin("nope@1").unwrap_err(), BuiltinError::UnknownRubric { id, .. } if id == "nope"));
}

#[test]
fn full_marks() {
    let r = ai_use_in_appraisal();
    let e = eval(
        &r,
        &[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(3.0)),
            ("success_cases_shared", num(2.0)),
            ("usage_days_28", num(16.0)),
            ("incidents", num(0.0)),
        ],
    );
    assert_eq!((e.total, e.band.as_str()), (100.0, "S"));
}

#[test]
fn an_incident_caps_at_b() {
    let r = ai_use_in_appraisal();
    // 20 + 0.85 × 25 + 0.7 × 15 + 40 = 91.75 of 100 → S, capped to the top of B.
    let e = eval(
        &r,
        &[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(2.0)),
            ("success_cases_shared", num(1.0)),
            ("usage_days_28", num(16.0)),
            ("incidents", num(1.0)),
        ],
    );
    assert_eq!(e.uncapped_total, 91.75);
    assert_eq!(e.band, "B");
    assert!(e.total < 75.0 && e.total > 74.9);
    assert_eq!(e.caps_applied.iter().map(|c| c.cap.as_str()).collect::<Vec<_>>(), ["incident"]);
}

#[test]
fn usage_without_outcome_stays_at_c() {
    let r = ai_use_in_appraisal();
    // Goal sheet and daily use alone: 20 + 40 = 60 → B, but with no proposal and no case, C.
    let e = eval(
        &r,
        &[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(0.0)),
            ("success_cases_shared", num(0.0)),
            ("usage_days_28", num(28.0)),
            ("incidents", num(0.0)),
        ],
    );
    assert_eq!((e.uncapped_total, e.band.as_str()), (60.0, "C"));
    assert_eq!(e.caps_applied.iter().map(|c| c.cap.as_str()).collect::<Vec<_>>(), ["usage-without-outcome"]);
    // One implemented proposal lifts the cap: 20 + 0.6 × 25 + 40 = 75 → A.
    let e = eval(
        &r,
        &[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(1.0)),
            ("success_cases_shared", num(0.0)),
            ("usage_days_28", num(16.0)),
            ("incidents", num(0.0)),
        ],
    );
    assert_eq!((e.total, e.band.as_str()), (75.0, "A"));
    assert!(e.caps_applied.is_empty());
}

#[test]
fn evaluation_json_is_a_contract() {
    let r = crate::v1();
    let e = eval(
        &r,
        &[
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(2.0)),
            ("usage_days_28", num(8.0)),
            ("incidents", num(1.0)),
        ],
    );
    // Renormalised over 20 + 25 + 40 = 85: (20 + 21.25 + 20) ÷ 85 = 0.7205882… → B, under the cap.
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"rubric_id":"ai-use-in-appraisal","rubric_revision":1,"#,
            r#""rubric_hash":"HASH","engine_version":"VERSION","#,
            r#""total":72.05882352941177,"shown_total":72.06,"#,
            r#""uncapped_total":72.05882352941177,"band":"B","criteria":["#,
            r#"{"criterion":"goal-sheet-ai-entry","fact":"goal_sheet_ai_entry","fact_value":true,"achievement":1.0,"weight":20.0,"points":20.0,"counted":true},"#,
            r#"{"criterion":"proposals-implemented","fact":"proposals_implemented","fact_value":2.0,"achievement":0.85,"weight":25.0,"points":21.25,"counted":true},"#,
            r#"{"criterion":"success-cases-shared","fact":"success_cases_shared","fact_value":null,"achievement":0.0,"weight":15.0,"points":0.0,"counted":false},"#,
            r#"{"criterion":"usage-days","fact":"usage_days_28","fact_value":8.0,"achievement":0.5,"weight":40.0,"points":20.0,"counted":true}],"#,
            r#""weight_counted":85.0,"caps_applied":[{"cap":"incident","limit":74.99999999999999}],"#,
            r#""missing":[{"fact":"success_cases_shared","treatment":"left_out"}],"#,
            r#""facts_read":[{"fact":"goal_sheet_ai_entry","value":true},{"fact":"proposals_implemented","value":2.0},"#,
            r#"{"fact":"success_cases_shared","value":null},{"fact":"usage_days_28","value":8.0},"#,
            r#"{"fact":"incidents","value":1.0}]}"#
        )
        .replace("HASH", r.content_hash())
        .replace("VERSION", env!("CARGO_PKG_VERSION"))
    );
    let back: teichaku_rules::Evaluation = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
}

#[test]
fn the_rubric_has_a_json_schema() {
    let schema = serde_json::to_value(schemars::schema_for!(Rubric)).unwrap();
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    assert!(schema["properties"]["criteria"].is_object());
}
