//! Trust in evaluation and appraisal: no silent loss, no figure of a group below the minimum
//! size, no overflow, no display trap, and a result that can be audited years later (the
//! rubric's content hash and the engine's version in every result). Each test is the regression
//! test of one item of docs/reliability.md's section "Trust: evaluation and appraisal audit".

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::rules::{
    BatchReport, BuiltinError, CompiledRubric, EvaluationError, FactName, FactValue, GroupFigures, Location,
    MAX_WEIGHT, Outcome, ReportError, RubricError, ai_use_in_appraisal, builtin, compile, evaluate, evaluate_batch,
    parse_rubric, rollup,
};

fn num(x: f64) -> FactValue {
    FactValue::Number(x)
}

fn yes(b: bool) -> FactValue {
    FactValue::Boolean(b)
}

fn fact(name: &str) -> FactName {
    FactName::new(name).unwrap()
}

fn v1() -> CompiledRubric {
    builtin("ai-use-in-appraisal@1").unwrap()
}

/// Full marks on the built-in rubric but for `incidents`, 1: 91.75 before the incident cap.
const CAPPED: [(&str, f64); 4] =
    [("proposals_implemented", 2.0), ("success_cases_shared", 1.0), ("usage_days_28", 16.0), ("incidents", 1.0)];

fn capped_facts(rubric: &CompiledRubric, leave_out: &str) -> teichaku::rules::Facts {
    let mut pairs = vec![("goal_sheet_ai_entry", yes(true))];
    pairs.extend(CAPPED.iter().filter(|(n, _)| *n != leave_out).map(|(n, x)| (*n, num(*x))));
    rubric.facts(pairs).unwrap()
}

/// A rubric of one number criterion per weight, each scored linearly from 0 to 1.
fn weighted(weights: &[f64]) -> Value {
    let facts: Vec<Value> = (0..weights.len()).map(|i| json!({ "name": format!("f{i}"), "kind": "number" })).collect();
    let criteria: Vec<Value> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            json!({ "id": format!("c{i}"), "title": { "en": "c", "ja": "c" }, "fact": format!("f{i}"),
                    "weight": w, "scoring": { "linear": { "from": 0, "to": 1 } } })
        })
        .collect();
    let mut r: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_1_JSON).unwrap();
    r["facts"] = json!(facts);
    r["criteria"] = json!(criteria);
    r["caps"] = json!([]);
    r
}

fn compile_value(v: &Value) -> Result<CompiledRubric, Vec<RubricError>> {
    compile(parse_rubric(&v.to_string()).unwrap()).map_err(|e| e.into_vec())
}

/// Item 4: a fact given twice for one subject is refused, naming it, instead of the last value
/// silently winning (band S or B by key order).
#[test]
fn a_fact_given_twice_is_refused_naming_it() {
    let rubric = ai_use_in_appraisal();
    let twice = rubric.facts([("incidents", num(0.0)), ("incidents", num(1.0))]);
    assert_eq!(twice, Err(EvaluationError::DuplicateFact { fact: "incidents".into() }));
}

/// Item 5: a roll-up counts each person once, whatever a hand-built batch records: two people
/// recorded five times do not reach a minimum group size of 5.
#[test]
fn repeated_subjects_count_once_in_a_rollup() {
    let rubric = v1();
    let mut batch = BatchReport::empty(&rubric);
    for (i, days) in [16.0, 8.0, 16.0, 8.0, 16.0].into_iter().enumerate() {
        let facts = rubric.facts([("usage_days_28", num(days))]).unwrap();
        let evaluation = Box::new(evaluate(&rubric, &facts).unwrap());
        let who = if i % 2 == 0 { "alice" } else { "bob" };
        batch.record(who.into(), Some("sales".into()), Outcome::Evaluated { evaluation });
    }
    let report = rollup(&rubric, &batch, 5).unwrap();
    let sales = &report.groups[0];
    assert_eq!((sales.subjects, sales.evaluated, sales.duplicates), (5, 2, 3));
    assert_eq!(sales.figures, GroupFigures::Suppressed);
    assert_eq!(report.overall.figures, GroupFigures::Suppressed);
    // Calibration ranks each person once too.
    let target = serde_json::from_value(json!({ "shares": { "S": 0.2, "A": 0.2, "B": 0.2, "C": 0.2, "D": 0.2 } }));
    let calibration = teichaku::rules::calibrate(&rubric, &batch, &target.unwrap()).unwrap();
    assert_eq!(calibration.ranked, 2);
    assert_eq!(calibration.not_ranked, ["alice", "bob", "alice"]);
}

/// Item 6: weights and bounds whose arithmetic overflows are refused when the rubric is
/// compiled; within the bounds a perfect subject gets the top band, however large the weights.
#[test]
fn weights_and_bounds_that_would_overflow_are_refused() {
    let rubric = compile_value(&weighted(&[1e308, 1e308])).unwrap_err();
    let at =
        |i: usize| Location::Criterion { index: i, id: teichaku::rules::CriterionId::new(&format!("c{i}")).unwrap() };
    assert_eq!(
        rubric,
        [RubricError::BadWeight { at: at(0), weight: 1e308 }, RubricError::BadWeight { at: at(1), weight: 1e308 }]
    );
    let mut wide = weighted(&[1.0]);
    wide["criteria"][0]["scoring"] = json!({ "linear": { "from": -1e308, "to": 1e308 } });
    assert_eq!(
        compile_value(&wide).unwrap_err(),
        [RubricError::BadNumber { at: at(0), field: "linear.from", value: -1e308 }]
    );
    // The largest weights allowed, on every criterion a rubric may have: finite, and full marks
    // are 100, band S.
    let rubric = compile_value(&weighted(&vec![MAX_WEIGHT; 1000])).unwrap();
    let facts = rubric
        .facts(
            (0..1000)
                .map(|i| (format!("f{i}"), num(1.0)))
                .collect::<Vec<_>>()
                .iter()
                .map(|(n, v)| (n.as_str(), v.clone())),
        )
        .unwrap();
    let e = evaluate(&rubric, &facts).unwrap();
    assert_eq!((e.total, e.band.as_str()), (100.0, "S"));
}

/// Item 7: the built-in rubric's revision 2 requires the facts its caps read and its criteria,
/// and bounds them; revision 1 is still there, and every fact read is echoed.
#[test]
fn the_built_in_rubric_requires_its_facts_and_bounds_them() {
    let rubric = ai_use_in_appraisal();
    assert_eq!(rubric.rubric().revision, 2);
    // Without usage days, revision 1 renormalised the rest to 100, band S; revision 2 refuses.
    let full = |r: &CompiledRubric, leave_out: &str| {
        let pairs = [
            ("goal_sheet_ai_entry", yes(true)),
            ("proposals_implemented", num(3.0)),
            ("success_cases_shared", num(2.0)),
            ("usage_days_28", num(20.0)),
            ("incidents", num(0.0)),
        ];
        r.facts(pairs.into_iter().filter(|(n, _)| *n != leave_out)).unwrap()
    };
    let old = evaluate(&v1(), &full(&v1(), "usage_days_28")).unwrap();
    assert_eq!((old.total, old.band.as_str()), (100.0, "S"));
    assert_eq!(
        evaluate(&rubric, &full(&rubric, "usage_days_28")),
        Err(EvaluationError::RequiredFactsMissing { facts: vec![fact("usage_days_28")] })
    );
    // Without `incidents`, revision 1 could not apply the incident cap (S instead of B).
    let old = evaluate(&v1(), &capped_facts(&v1(), "incidents")).unwrap();
    assert_eq!((old.total, old.band.as_str()), (91.75, "S"));
    assert_eq!(evaluate(&v1(), &capped_facts(&v1(), "")).unwrap().band, "B");
    assert_eq!(
        evaluate(&rubric, &capped_facts(&rubric, "incidents")),
        Err(EvaluationError::RequiredFactsMissing { facts: vec![fact("incidents")] })
    );
    // Out of range: 200 usage days of 28, −5 incidents.
    for (name, x, min, max) in [("usage_days_28", 200.0, 0.0, 28.0), ("incidents", -5.0, 0.0, 1000.0)] {
        let mut facts = full(&rubric, name);
        facts.set(rubric.fact_table().index(name).unwrap(), num(x));
        assert_eq!(
            evaluate(&rubric, &facts),
            Err(EvaluationError::OutOfRange { fact: fact(name), value: x, min, max })
        );
    }
    // Every fact read, the caps' `incidents` included, is echoed with its value.
    let e = evaluate(&rubric, &capped_facts(&rubric, "")).unwrap();
    let echoed: Vec<(&str, Option<&FactValue>)> =
        e.facts_read.iter().map(|f| (f.fact.as_str(), f.value.as_ref())).collect();
    assert_eq!(
        echoed,
        [
            ("goal_sheet_ai_entry", Some(&yes(true))),
            ("proposals_implemented", Some(&num(2.0))),
            ("success_cases_shared", Some(&num(1.0))),
            ("usage_days_28", Some(&num(16.0))),
            ("incidents", Some(&num(1.0))),
        ]
    );
    // A range on a boolean fact, or upside down, is a rubric error.
    let mut bad: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_JSON).unwrap();
    bad["facts"][0]["range"] = json!({ "min": 0, "max": 1 });
    bad["facts"][3]["range"] = json!({ "min": 28, "max": 0 });
    let errors = compile_value(&bad).unwrap_err();
    assert!(matches!(&errors[..], [RubricError::BadRange { .. }, RubricError::BadRange { min: 28.0, max: 0.0, .. }]));
}

/// Item 8: every result carries the rubric's content hash and the engine's version; an edited
/// rubric with the same id and revision is told apart, and a roll-up refuses a batch evaluated
/// with it. Built-in rubrics are addressable by revision.
#[test]
fn results_carry_the_rubric_hash_and_the_engine_version() {
    let rubric = v1();
    let facts = rubric.facts([("usage_days_28", num(8.0))]).unwrap();
    let e = evaluate(&rubric, &facts).unwrap();
    assert_eq!(e.rubric_hash, rubric.content_hash());
    assert_eq!(e.engine_version, teichaku::ENGINE_VERSION);
    // The file that shipped as revision 1 hashes the same: the hash is of the content, not the
    // layout.
    let shipped = std::str::from_utf8(include_bytes!("../golden/v1/rubric-ai-use-in-appraisal.json")).unwrap();
    assert_eq!(compile(parse_rubric(shipped).unwrap()).unwrap().content_hash(), rubric.content_hash());
    let pretty = serde_json::to_string_pretty(rubric.rubric()).unwrap();
    assert_eq!(compile(parse_rubric(&pretty).unwrap()).unwrap().content_hash(), rubric.content_hash());

    let mut edited = rubric.rubric().clone();
    edited.bands[1].min_score = 74.0; // same id, same revision
    let edited = compile(edited).unwrap();
    assert_ne!(edited.content_hash(), rubric.content_hash());
    let batch = evaluate_batch(&edited, &[teichaku::rules::Subject::new("e-1", facts)]);
    assert_eq!(batch.rubric_hash, edited.content_hash());
    assert_eq!(batch.engine_version, teichaku::ENGINE_VERSION);
    assert_eq!(
        rollup(&rubric, &batch, 5).unwrap_err(),
        ReportError::RubricContentMismatch {
            expected: rubric.content_hash().to_owned(),
            found: edited.content_hash().to_owned()
        }
    );
    assert!(matches!(builtin("ai-use-in-appraisal@3"), Err(BuiltinError::UnknownRevision { revision: 3, .. })));
}

/// Item 9: a capped total just below a band's bound shows below it (74.99, never 75.00).
#[test]
fn a_capped_total_shows_inside_its_band() {
    let rubric = ai_use_in_appraisal();
    let e = evaluate(&rubric, &capped_facts(&rubric, "")).unwrap();
    assert_eq!(e.band, "B");
    assert!(e.total < 75.0 && (e.total * 100.0).round() / 100.0 == 75.0, "the trap: rounding gives 75.00");
    assert_eq!(e.shown_total, 74.99);
}

proptest! {
    /// Item 9, for any total: the shown total is in the total's band and within one display step
    /// (0.01) of it.
    #[test]
    fn a_shown_total_is_always_in_its_band(total in 0.0..=100.0f64, bound in 0.01..99.99f64) {
        let mut r: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_1_JSON).unwrap();
        r["bands"] = json!([{ "name": "hi", "min_score": bound }, { "name": "lo", "min_score": 0 }]);
        r["caps"] = json!([]);
        let rubric = compile_value(&r).unwrap();
        for t in [total, bound, f64::from_bits(bound.to_bits() - 1)] {
            let shown = rubric.shown_total(t);
            prop_assert_eq!(rubric.band_of(shown), rubric.band_of(t), "{} shown as {}", t, shown);
            prop_assert!((shown - t).abs() <= 0.01 + 1e-9, "{} shown as {}", t, shown);
        }
    }
}
