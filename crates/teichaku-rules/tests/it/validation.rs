//! Rubric validation: one test per kind of problem, each naming where it sits.

use serde_json::{Value, json};
use teichaku_rules::{Location, RubricError, ValueKind, compile};

use crate::rubric;

fn base() -> Value {
    json!({
        "facts": [
            { "name": "x", "kind": "number" }, { "name": "b", "kind": "boolean" },
            { "name": "g", "kind": { "enumeration": ["g1", "g2"] } }
        ],
        "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "x", "weight": 1,
                       "scoring": { "linear": { "from": 0, "to": 10 } } }]
    })
}

fn with(changes: Value) -> Value {
    let mut doc = base();
    if let (Some(d), Value::Object(c)) = (doc.as_object_mut(), changes) {
        d.extend(c);
    }
    doc
}

fn errors(fields: Value) -> Vec<RubricError> {
    compile(rubric(fields)).err().map(|e| e.into_vec()).unwrap_or_default()
}

fn messages(fields: Value) -> Vec<String> {
    errors(fields).iter().map(ToString::to_string).collect()
}

fn criterion(scoring: Value) -> Value {
    json!({ "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "x", "weight": 1, "scoring": scoring }] })
}

fn cap(cap: Value) -> Value {
    with(json!({ "caps": [cap] }))
}

#[test]
fn the_base_is_valid() {
    assert!(errors(base()).is_empty());
}

#[test]
fn version_and_dates() {
    assert_eq!(errors(with(json!({ "version": 2 }))), [RubricError::UnsupportedVersion { found: 2 }]);
    assert_eq!(
        messages(with(json!({ "effective_until": "2026-03-31" }))),
        ["the rubric ends on 2026-03-31 before it starts on 2026-04-01"]
    );
}

#[test]
fn facts() {
    let dup = with(json!({ "facts": [{ "name": "x", "kind": "number" }, { "name": "x", "kind": "boolean" }] }));
    assert_eq!(messages(dup), ["fact #1 `x` repeats a fact name declared before"]);
    let empty =
        with(json!({ "facts": [{ "name": "x", "kind": "number" }, { "name": "g", "kind": { "enumeration": [] } }] }));
    assert_eq!(messages(empty), ["fact #1 `g` needs distinct enumeration values"]);
    let twice = with(
        json!({ "facts": [{ "name": "x", "kind": "number" }, { "name": "g", "kind": { "enumeration": ["a", "a"] } }] }),
    );
    assert_eq!(messages(twice), ["fact #1 `g` needs distinct enumeration values"]);
}

#[test]
fn bands() {
    assert_eq!(errors(with(json!({ "bands": [] }))), [RubricError::NoBands]);
    let unsorted = with(
        json!({ "bands": [{ "name": "A", "min_score": 50 }, { "name": "B", "min_score": 60 }, { "name": "C", "min_score": 0 }] }),
    );
    assert_eq!(
        messages(unsorted),
        ["band #1 `B` starts at 60, not below the band before it: bands go highest first without overlap"]
    );
    let overlapping = with(
        json!({ "bands": [{ "name": "A", "min_score": 50 }, { "name": "B", "min_score": 50 }, { "name": "C", "min_score": 0 }] }),
    );
    assert!(matches!(
        errors(overlapping).as_slice(),
        [RubricError::BandsUnsorted { at: Location::Band { index: 1, .. }, .. }]
    ));
    let dup = with(json!({ "bands": [{ "name": "A", "min_score": 50 }, { "name": "A", "min_score": 0 }] }));
    assert_eq!(messages(dup), ["band #1 `A` repeats a band name used before"]);
    let range = with(json!({ "bands": [{ "name": "A", "min_score": 150 }, { "name": "B", "min_score": 10 }] }));
    assert_eq!(
        messages(range),
        [
            "band #0 `A` starts at 150: bands start within [0, 100] and the last starts at 0",
            "band #1 `B` starts at 10: bands start within [0, 100] and the last starts at 0"
        ]
    );
}

#[test]
fn criteria() {
    assert_eq!(errors(with(json!({ "criteria": [] }))), [RubricError::NoCriteria]);
    let c = json!({ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "x", "weight": 1, "scoring": { "linear": { "from": 0, "to": 1 } } });
    assert_eq!(
        messages(with(json!({ "criteria": [c.clone(), c] }))),
        ["criterion #1 `c` repeats a criterion id used before"]
    );
    let unknown =
        with(json!({ "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "nope", "weight": 1,
        "scoring": { "linear": { "from": 0, "to": 1 } } }] }));
    assert_eq!(messages(unknown), ["criterion #0 `c` reads unknown fact `nope`"]);
    let kind = with(json!({ "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "b", "weight": 1,
        "scoring": { "steps": [{ "at_least": 1, "score": 1 }] } }] }));
    assert!(matches!(
        errors(kind).as_slice(),
        [RubricError::WrongFactKind { expected: ValueKind::Number, found: ValueKind::Boolean, .. }]
    ));
    let boolean_on_number =
        with(json!({ "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "x", "weight": 1,
        "scoring": { "boolean": { "when_true": 1 } } }] }));
    assert_eq!(
        messages(boolean_on_number),
        ["criterion #0 `c` reads fact `x` as a boolean, but it is declared a number"]
    );
}

#[test]
fn weights() {
    for weight in [0.0, -1.0, f64::INFINITY, f64::NAN] {
        let mut r = rubric(base());
        r.criteria[0].weight = weight;
        let errors = compile(r).err().map(|e| e.into_vec()).unwrap_or_default();
        assert!(
            matches!(errors.as_slice(), [RubricError::BadWeight { at: Location::Criterion { index: 0, .. }, .. }]),
            "{weight}"
        );
    }
}

#[test]
fn scorings() {
    let flat = with(criterion(json!({ "linear": { "from": 3, "to": 3 } })));
    assert_eq!(messages(flat), ["criterion #0 `c` scores linearly from 3 to the same value"]);
    let unsorted =
        with(criterion(json!({ "steps": [{ "at_least": 2, "score": 0.5 }, { "at_least": 2, "score": 1 }] })));
    assert_eq!(messages(unsorted), ["criterion #0 `c` has steps that are empty or not strictly ascending (at step 1)"]);
    let empty = with(criterion(json!({ "steps": [] })));
    assert!(matches!(errors(empty).as_slice(), [RubricError::StepsUnsorted { step: 0, .. }]));
    let score = with(criterion(json!({ "steps": [{ "at_least": 1, "score": 1.5 }] })));
    assert_eq!(messages(score), ["criterion #0 `c` has steps.score = 1.5, outside its range"]);
    let mut r = rubric(base());
    r.criteria[0].scoring = teichaku_rules::Scoring::Boolean { when_true: -0.5 };
    r.criteria[0].fact = teichaku_rules::FactName::new("b").unwrap_or_else(|e| panic!("{e}"));
    let errors = compile(r).err().map(|e| e.into_vec()).unwrap_or_default();
    assert!(matches!(errors.as_slice(), [RubricError::BadNumber { field: "boolean.when_true", .. }]));
}

#[test]
fn caps() {
    let unknown = cap(json!({ "id": "k", "max_band": "Z", "when": { "is": { "fact": "b", "value": true } } }));
    assert_eq!(messages(unknown), ["cap #0 `k` caps at unknown band `Z`"]);
    let nothing = cap(json!({ "id": "k", "when": { "is": { "fact": "b", "value": true } } }));
    assert_eq!(messages(nothing), ["cap #0 `k` limits nothing: give `max_band`, `max_score` or both"]);
    let score = cap(json!({ "id": "k", "max_score": 120, "when": { "is": { "fact": "b", "value": true } } }));
    assert_eq!(messages(score), ["cap #0 `k` has max_score = 120, outside its range"]);
    let k = json!({ "id": "k", "max_score": 10, "when": { "all": [] } });
    assert_eq!(messages(with(json!({ "caps": [k.clone(), k] }))), ["cap #1 `k` repeats a cap id used before"]);
}

#[test]
fn conditions() {
    let unknown = cap(
        json!({ "id": "k", "max_score": 10, "when": { "not": { "compare": { "fact": "y", "op": "lt", "value": 1 } } } }),
    );
    assert_eq!(messages(unknown), ["cap #0 `k` reads unknown fact `y`"]);
    let kind =
        cap(json!({ "id": "k", "max_score": 10, "when": { "any": [{ "is": { "fact": "x", "value": true } }] } }));
    assert_eq!(messages(kind), ["cap #0 `k` reads fact `x` as a boolean, but it is declared a number"]);
    let enumeration =
        cap(json!({ "id": "k", "max_score": 10, "when": { "one_of": { "fact": "b", "values": ["g1"] } } }));
    assert!(matches!(
        errors(enumeration).as_slice(),
        [RubricError::WrongFactKind { expected: ValueKind::Enumeration, .. }]
    ));
    let value =
        cap(json!({ "id": "k", "max_score": 10, "when": { "one_of": { "fact": "g", "values": ["g1", "g3"] } } }));
    assert_eq!(messages(value), ["cap #0 `k` tests fact `g` for undeclared value \"g3\""]);
}

fn nested(depth: usize) -> Value {
    let mut c = json!({ "is": { "fact": "b", "value": true } });
    for _ in 1..depth {
        c = json!({ "not": c });
    }
    c
}

#[test]
fn nesting_depth() {
    assert!(errors(cap(json!({ "id": "k", "max_score": 10, "when": nested(16) }))).is_empty());
    assert_eq!(
        messages(cap(json!({ "id": "k", "max_score": 10, "when": nested(17) }))),
        ["cap #0 `k` nests its condition deeper than 16 levels"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let r = with(json!({
        "version": 9,
        "bands": [],
        "criteria": [{ "id": "c", "title": { "en": "C", "ja": "C" }, "fact": "nope", "weight": 0,
                       "scoring": { "linear": { "from": 1, "to": 1 } } }],
        "caps": [{ "id": "k", "when": { "is": { "fact": "x", "value": true } } }]
    }));
    let kinds: Vec<_> =
        errors(r).iter().map(|e| format!("{e:?}").split([' ', '{']).next().unwrap_or("").to_owned()).collect();
    assert_eq!(
        kinds,
        ["UnsupportedVersion", "NoBands", "BadWeight", "FlatLinear", "UnknownFact", "CapWithoutLimit", "WrongFactKind"]
    );
}

#[test]
fn unknown_fields_and_bad_slugs_are_refused_when_reading() {
    let read =
        |fields: Value| serde_json::from_value::<teichaku_rules::Rubric>(fields).map(|_| ()).map_err(|e| e.to_string());
    let mut doc = serde_json::to_value(rubric(base())).unwrap();
    assert_eq!(read(doc.clone()), Ok(()));
    doc["colour"] = json!("red");
    assert!(read(doc.clone()).unwrap_err().contains("unknown field `colour`"));
    let mut doc = serde_json::to_value(rubric(base())).unwrap();
    doc["criteria"][0]["scoring"] = json!({ "linear": { "from": 0, "to": 1, "by": 2 } });
    assert!(read(doc).unwrap_err().contains("unknown field `by`"));
    let mut doc = serde_json::to_value(rubric(base())).unwrap();
    doc["caps"] =
        json!([{ "id": "k", "max_score": 1, "when": { "is": { "fact": "b", "value": true, "strict": true } } }]);
    assert!(read(doc).unwrap_err().contains("unknown field `strict`"));
    let mut doc = serde_json::to_value(rubric(base())).unwrap();
    doc["id"] = json!("Not A Slug");
    assert!(read(doc).is_err());
}
