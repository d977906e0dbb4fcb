//! Hand-computed evaluations: each scoring kind, each cap, each missing-fact policy.

use serde_json::json;
use teichaku_rules::{EvaluationError, FactValue, Treatment, evaluate};

use crate::{compiled, eval, num, yes};

fn one_number(scoring: serde_json::Value) -> teichaku_rules::CompiledRubric {
    compiled(json!({
        "facts": [{ "name": "x", "kind": "number" }],
        "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "x", "weight": 1, "scoring": scoring }]
    }))
}

#[test]
fn linear_ascending() {
    let r = one_number(json!({ "linear": { "from": 0, "to": 10 } }));
    // 2.5 of 10 → achievement 0.25 → 100 × 0.25 ÷ 1 = 25.
    let e = eval(&r, &[("x", num(2.5))]);
    assert_eq!((e.total, e.band.as_str()), (25.0, "D"));
    assert_eq!(e.criteria[0].achievement, 0.25);
    assert_eq!(e.rubric_id.as_str(), "test");
    assert_eq!(e.rubric_revision, 3);
    // Clipped at both ends.
    assert_eq!(eval(&r, &[("x", num(-3.0))]).total, 0.0);
    assert_eq!(eval(&r, &[("x", num(12.0))]).total, 100.0);
}

#[test]
fn linear_lower_is_better() {
    let r = one_number(json!({ "linear": { "from": 10, "to": 0 } }));
    // (2.5 − 10) ÷ (0 − 10) = 0.75 → 75, band A.
    let e = eval(&r, &[("x", num(2.5))]);
    assert_eq!((e.total, e.band.as_str()), (75.0, "A"));
    assert_eq!(eval(&r, &[("x", num(20.0))]).total, 0.0);
}

#[test]
fn steps() {
    let r = one_number(json!({ "steps": [{ "at_least": 1, "score": 0.5 }, { "at_least": 3, "score": 1 }] }));
    assert_eq!(eval(&r, &[("x", num(0.0))]).total, 0.0); // below the first step
    assert_eq!(eval(&r, &[("x", num(1.0))]).total, 50.0); // exactly on a step
    assert_eq!(eval(&r, &[("x", num(2.9))]).total, 50.0);
    assert_eq!(eval(&r, &[("x", num(3.0))]).total, 100.0);
    assert_eq!(eval(&r, &[("x", num(99.0))]).band, "S");
}

#[test]
fn boolean() {
    let r = compiled(json!({
        "facts": [{ "name": "b", "kind": "boolean" }],
        "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "b", "weight": 2,
                       "scoring": { "boolean": { "when_true": 0.25 } } }]
    }));
    // true → 0.25; false → 1 − 0.25 = 0.75.
    assert_eq!(eval(&r, &[("b", yes(true))]).total, 25.0);
    assert_eq!(eval(&r, &[("b", yes(false))]).total, 75.0);
}

fn mixed(extra: serde_json::Value) -> teichaku_rules::CompiledRubric {
    let mut fields = json!({
        "facts": [
            { "name": "a", "kind": "number" }, { "name": "b", "kind": "boolean" },
            { "name": "incidents", "kind": "number" }, { "name": "grade", "kind": { "enumeration": ["g1", "g2"] } }
        ],
        "criteria": [
            { "id": "ca", "title": { "en": "A", "ja": "A" }, "fact": "a", "weight": 3,
              "scoring": { "linear": { "from": 0, "to": 10 } } },
            { "id": "cb", "title": { "en": "B", "ja": "B" }, "fact": "b", "weight": 1,
              "scoring": { "boolean": { "when_true": 1 } } }
        ]
    });
    if let (Some(f), serde_json::Value::Object(extra)) = (fields.as_object_mut(), extra) {
        f.extend(extra);
    }
    compiled(fields)
}

#[test]
fn weights_combine() {
    let r = mixed(json!({}));
    // a = 5 → 0.5 × 3 = 1.5 points; b true → 1 × 1 = 1 point; 100 × 2.5 ÷ 4 = 62.5 → B.
    let e = eval(&r, &[("a", num(5.0)), ("b", yes(true)), ("incidents", num(0.0))]);
    assert_eq!((e.total, e.uncapped_total, e.band.as_str()), (62.5, 62.5, "B"));
    assert_eq!(e.criteria.iter().map(|c| c.points).collect::<Vec<_>>(), [1.5, 1.0]);
    assert_eq!(e.weight_counted, 4.0);
    assert!(e.caps_applied.is_empty());
    // `grade` is read by nothing, so its absence is not reported.
    assert!(e.missing.is_empty());
}

#[test]
fn cap_max_band() {
    let r = mixed(json!({ "caps": [{ "id": "incident", "max_band": "B",
        "when": { "compare": { "fact": "incidents", "op": "gt", "value": 0 } } }] }));
    // Uncapped 100; the cap lowers it to the top of B, just below A's 75.
    let e = eval(&r, &[("a", num(10.0)), ("b", yes(true)), ("incidents", num(1.0))]);
    assert_eq!(e.uncapped_total, 100.0);
    assert_eq!(e.total, 74.99999999999999);
    assert!(e.total < 75.0);
    assert_eq!(e.band, "B");
    assert_eq!(e.caps_applied.len(), 1);
    assert_eq!((e.caps_applied[0].cap.as_str(), e.caps_applied[0].limit), ("incident", e.total));
    // Below the limit the cap is listed but changes nothing: 100 × 1.5 ÷ 4 = 37.5.
    let e = eval(&r, &[("a", num(5.0)), ("b", yes(false)), ("incidents", num(2.0))]);
    assert_eq!((e.total, e.band.as_str(), e.caps_applied.len()), (37.5, "D", 1));
    // Condition false: no cap.
    let e = eval(&r, &[("a", num(10.0)), ("b", yes(true)), ("incidents", num(0.0))]);
    assert_eq!((e.total, e.band.as_str()), (100.0, "S"));
}

#[test]
fn cap_max_score_and_both() {
    let r = mixed(json!({ "caps": [
        { "id": "score", "max_score": 50, "when": { "is": { "fact": "b", "value": false } } },
        { "id": "both", "max_score": 80, "max_band": "A",
          "when": { "any": [{ "one_of": { "fact": "grade", "values": ["g2"] } },
                            { "not": { "compare": { "fact": "a", "op": "ge", "value": 0 } } }] } }
    ] }));
    // b false: 100 × 3 ÷ 4 = 75, capped to 50 → C.
    let e = eval(
        &r,
        &[("a", num(10.0)), ("b", yes(false)), ("incidents", num(0.0)), ("grade", FactValue::Enumeration("g1".into()))],
    );
    assert_eq!((e.uncapped_total, e.total, e.band.as_str()), (75.0, 50.0, "C"));
    // grade g2: 100, limited by the lower of 80 and the top of A (just below 90) → 80, A.
    let e = eval(
        &r,
        &[("a", num(10.0)), ("b", yes(true)), ("incidents", num(0.0)), ("grade", FactValue::Enumeration("g2".into()))],
    );
    assert_eq!((e.total, e.band.as_str()), (80.0, "A"));
    assert_eq!(e.caps_applied[0].cap.as_str(), "both");
    // Both caps: the lower limit wins.
    let e = eval(
        &r,
        &[("a", num(10.0)), ("b", yes(false)), ("incidents", num(0.0)), ("grade", FactValue::Enumeration("g2".into()))],
    );
    assert_eq!((e.total, e.caps_applied.len()), (50.0, 2));
}

#[test]
fn missing_error_policy() {
    let r = mixed(json!({ "missing": "error",
        "caps": [{ "id": "incident", "max_band": "B", "when": { "compare": { "fact": "incidents", "op": "gt", "value": 0 } } }] }));
    let facts = r.facts([("b", yes(true))]).unwrap_or_default();
    let err = evaluate(&r, &facts).unwrap_err();
    // Every missing fact that is read, in declaration order; `grade` is read by nothing.
    assert_eq!(err.to_string(), "facts missing under the `error` policy: `a`, `incidents`");
}

#[test]
fn missing_zero_policy() {
    let r = mixed(json!({ "missing": "zero",
        "caps": [{ "id": "no-a", "max_score": 10, "when": { "compare": { "fact": "a", "op": "le", "value": 0 } } },
                 { "id": "grade", "max_score": 5, "when": { "not": { "one_of": { "fact": "grade", "values": ["g1"] } } } }] }));
    // a missing reads as 0 → 0 points but its weight 3 counts: 100 × 1 ÷ 4 = 25; the cap reading
    // a as 0 applies (limit 10); grade has no zero, so its cap is unknown and does not apply.
    let e = eval(&r, &[("b", yes(true)), ("incidents", num(0.0))]);
    assert_eq!((e.uncapped_total, e.total, e.band.as_str()), (25.0, 10.0, "D"));
    assert_eq!(e.caps_applied.iter().map(|c| c.cap.as_str()).collect::<Vec<_>>(), ["no-a"]);
    assert!(e.criteria[0].counted);
    assert_eq!(e.criteria[0].fact_value, None);
    let missing: Vec<_> = e.missing.iter().map(|m| (m.fact.as_str(), m.treatment)).collect();
    assert_eq!(missing, [("a", Treatment::ReadAsZero), ("grade", Treatment::LeftOut)]);
}

#[test]
fn missing_renormalise_policy() {
    let r = mixed(json!({
        "caps": [{ "id": "incident", "max_band": "C", "when": { "compare": { "fact": "incidents", "op": "gt", "value": 0 } } }] }));
    // a missing → left out; only b counts: 100 × 1 ÷ 1 = 100. incidents missing → the cap is
    // unknown and does not apply.
    let e = eval(&r, &[("b", yes(true))]);
    assert_eq!((e.total, e.band.as_str(), e.weight_counted), (100.0, "S", 1.0));
    assert!(!e.criteria[0].counted);
    assert_eq!((e.criteria[0].achievement, e.criteria[0].points), (0.0, 0.0));
    assert!(e.caps_applied.is_empty());
    let missing: Vec<_> = e.missing.iter().map(|m| (m.fact.as_str(), m.treatment)).collect();
    assert_eq!(missing, [("a", Treatment::LeftOut), ("incidents", Treatment::LeftOut)]);
    // Nothing left to score.
    let facts = r.facts([]).unwrap_or_default();
    assert_eq!(evaluate(&r, &facts), Err(EvaluationError::NothingToScore));
}

#[test]
fn bad_facts() {
    let r = mixed(json!({}));
    let check = |facts: &[(&str, FactValue)]| {
        let facts = r.facts(facts.iter().map(|(n, v)| (*n, v.clone()))).unwrap_or_default();
        evaluate(&r, &facts).unwrap_err().to_string()
    };
    assert_eq!(check(&[("a", yes(true))]), "fact `a` is declared a number, but the value given is a boolean");
    assert_eq!(check(&[("a", num(f64::NAN))]), "fact `a` has a number that is not finite");
    assert_eq!(check(&[("grade", FactValue::Enumeration("g9".into()))]), "fact `grade` has undeclared value \"g9\"");
    assert!(matches!(r.facts([("zzz", num(1.0))]), Err(EvaluationError::UnknownFact { .. })));
    let short = teichaku_rules::Facts::from_values(vec![None]);
    assert_eq!(evaluate(&r, &short), Err(EvaluationError::FactCountMismatch { expected: 4, found: 1 }));
}

#[test]
fn applies_to_roles() {
    use teichaku_model::Role;
    let everyone = mixed(json!({}));
    assert!(everyone.applies_to(&[]));
    let managers = mixed(json!({ "applies_to": ["manager"] }));
    assert!(managers.applies_to(&[Role::Staff, Role::Manager]));
    assert!(!managers.applies_to(&[Role::Staff]));
}
