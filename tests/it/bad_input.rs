//! The bad-input catalogue: one malformed input per row, each with the exact typed error it must
//! give. Nothing here may panic, hang or allocate without bound.

use chrono::NaiveDate;
use serde_json::{Value, json};
use teichaku::LoadError;
use teichaku::metrics::{EventError, KpiError, StoreError};
use teichaku::model::{
    ActivityId, DocumentError, Limit, Limits, MAX_CONDITION_DEPTH, PhaseId, PlaybookId, Record, ValidationError,
    parse_document, parse_playbook_with_limits, validate_document_with_limits, validate_playbook,
};
use teichaku::rules::{Location, RubricError, compile, compile_with_limits, parse_rubric, parse_rubric_with_limits};

use crate::support::{SMALL, catalog, member, small, unit};

/// What a row must give.
#[derive(Debug)]
enum Expect {
    /// `DocumentError::Syntax` whose message starts with this.
    Syntax(&'static str),
    /// Exactly this `DocumentError`.
    Document(DocumentError),
    /// Exactly these validation errors, in this order.
    Invalid(Vec<ValidationError>),
    /// A valid snapshot: the input is odd but sound.
    Valid,
}

/// `small.json` changed by `f`, as text.
fn edited(f: impl FnOnce(&mut Value)) -> String {
    let mut doc = small();
    f(&mut doc);
    doc.to_string()
}

fn ptr<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}"))
}

fn activity(s: &str) -> ActivityId {
    ActivityId::new(s).unwrap()
}

fn phase(s: &str) -> PhaseId {
    PhaseId::new(s).unwrap()
}

fn small_playbook() -> Record {
    Record::Playbook { id: PlaybookId::new("small").unwrap() }
}

/// A condition `levels` deep: `not` around `not` ... around a leaf.
fn deep_condition(levels: usize) -> Value {
    let mut c = json!({ "kind": "compare", "kpi": "weekly_active_rate", "op": "lt", "value": 0.2 });
    for _ in 1..levels {
        c = json!({ "kind": "not", "condition": c });
    }
    c
}

fn catalogue() -> Vec<(&'static str, String, Expect)> {
    use Expect::{Document, Invalid, Syntax, Valid};
    let limits = Limits::DEFAULT;
    vec![
        // Syntax and encoding.
        ("empty input", String::new(), Syntax("EOF while parsing a value")),
        ("only whitespace", " \n\t ".into(), Syntax("EOF while parsing a value")),
        ("null", "null".into(), Syntax("invalid type: null")),
        ("a number at the top", "1".into(), Syntax("invalid type: integer `1`")),
        ("a string at the top", r#""version""#.into(), Syntax("invalid type: string")),
        ("an array at the top", "[]".into(), Syntax("invalid length 0")),
        ("truncated", SMALL[..SMALL.len() / 2].into(), Syntax("EOF while parsing")),
        ("trailing garbage", format!("{SMALL}x"), Syntax("trailing characters")),
        ("two documents", format!("{SMALL}{SMALL}"), Syntax("trailing characters")),
        ("a UTF-8 byte-order mark", format!("\u{feff}{SMALL}"), Syntax("expected value")),
        (
            "a lone surrogate escape",
            SMALL.replacen(r#""name": "Aoki""#, r#""name": "\ud800""#, 1),
            Syntax("unexpected end of hex escape"),
        ),
        (
            "a 10 MB string",
            edited(|d| *ptr(d, "/organisation/name") = json!("x".repeat(10_000_000))),
            Document(DocumentError::LimitExceeded {
                what: Limit::StringBytes,
                limit: limits.max_string_bytes,
                found: 10_000_000,
            }),
        ),
        (
            "a duplicate key",
            SMALL.replacen(r#""version": 1,"#, r#""version": 1, "version": 1,"#, 1),
            Syntax("duplicate field `version`"),
        ),
        ("an unknown top-level field", edited(|d| d["extra"] = json!(1)), Syntax("unknown field `extra`")),
        (
            "an unknown field in a member",
            edited(|d| d["organisation"]["members"][0]["email"] = json!("a@example.com")),
            Syntax("unknown field `email`"),
        ),
        (
            "a field of the wrong type",
            edited(|d| d["organisation"]["units"] = json!({})),
            Syntax("invalid type: map, expected a sequence"),
        ),
        (
            "nesting past the limit",
            format!(r#"{{"version": 1, "x": {}{}}}"#, "[".repeat(200), "]".repeat(200)),
            Document(DocumentError::LimitExceeded { what: Limit::Nesting, limit: 127, found: 201 }),
        ),
        // Versions.
        (
            "no version",
            edited(|d| drop(d.as_object_mut().unwrap().remove("version"))),
            Document(DocumentError::MissingVersion),
        ),
        ("a version as a string", edited(|d| d["version"] = json!("1")), Document(DocumentError::MissingVersion)),
        ("a fractional version", edited(|d| d["version"] = json!(1.5)), Document(DocumentError::MissingVersion)),
        (
            "an unknown version",
            edited(|d| d["version"] = json!(2)),
            Document(DocumentError::UnsupportedVersion { found: 2, supported: 1 }),
        ),
        (
            "version 0",
            edited(|d| d["version"] = json!(0)),
            Document(DocumentError::UnsupportedVersion { found: 0, supported: 1 }),
        ),
        (
            "version -0 (a float to serde_json)",
            SMALL.replacen(r#""version": 1,"#, r#""version": -0,"#, 1),
            Document(DocumentError::MissingVersion),
        ),
        (
            "version 2^64",
            SMALL.replacen(r#""version": 1,"#, r#""version": 18446744073709551616,"#, 1),
            Document(DocumentError::MissingVersion),
        ),
        (
            "version 2^32",
            edited(|d| d["version"] = json!(1_u64 << 32)),
            Document(DocumentError::UnsupportedVersion { found: 1 << 32, supported: 1 }),
        ),
        // Numbers.
        ("1e400 minutes", SMALL.replacen(r#""minutes": 5,"#, r#""minutes": 1e400,"#, 1), Syntax("number out of range")),
        (
            "a NaN-like string for minutes",
            edited(|d| d["observations"]["usage"][0]["minutes"] = json!("NaN")),
            Syntax(r#"invalid type: string "NaN", expected f64"#),
        ),
        (
            "Infinity written bare",
            SMALL.replacen(r#""minutes": 5,"#, r#""minutes": Infinity,"#, 1),
            Syntax("expected value"),
        ),
        (
            "a float where an integer belongs",
            edited(|d| d["playbook"]["inline"]["revision"] = json!(3.5)),
            Syntax("invalid type: floating point `3.5`, expected u32"),
        ),
        (
            "2^64 where a u32 belongs",
            SMALL.replacen(r#""revision": 3,"#, r#""revision": 18446744073709551616,"#, 1),
            Syntax("invalid type: floating point `1.8446744073709552e+19`, expected u32"),
        ),
        (
            "a negative count",
            edited(|d| d["playbook"]["inline"]["activities"][0]["duration_days"] = json!(-1)),
            Syntax("invalid value: integer `-1`, expected u32"),
        ),
        ("-0 minutes", SMALL.replacen(r#""minutes": 5,"#, r#""minutes": -0,"#, 1), Valid),
        (
            "negative minutes",
            edited(|d| d["observations"]["usage"][0]["minutes"] = json!(-1)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                field: "minutes",
                value: -1.0,
                problem: teichaku::model::NumberProblem::Negative,
            }]),
        ),
        // Time.
        (
            "a date that does not exist",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("2026-02-30")),
            Syntax("input is out of range"),
        ),
        (
            "a date in another format",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("30/04/2026")),
            Syntax("input contains invalid characters"),
        ),
        ("a leap day", edited(|d| d["organisation"]["members"][0]["joined"] = json!("2028-02-29")), Valid),
        ("year 1", edited(|d| d["organisation"]["members"][0]["joined"] = json!("0001-01-01")), Valid),
        ("year 9999", edited(|d| d["organisation"]["members"][0]["left"] = json!("9999-12-31")), Valid),
        (
            "an unreadable timestamp",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("yesterday")),
            Invalid(vec![ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                text: "yesterday".into(),
            }]),
        ),
        (
            "left before joined",
            edited(|d| d["organisation"]["members"][0]["left"] = json!("2000-01-01")),
            Invalid(vec![ValidationError::DatesOutOfOrder {
                record: Record::Member { index: 0, id: member(0x101) },
                field: "left",
                date: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap(),
                earlier_field: "joined",
                earlier: NaiveDate::from_ymd_opt(2001, 4, 1).unwrap(),
            }]),
        ),
        // References.
        (
            "a duplicate unit id",
            edited(|d| {
                let copy = d["organisation"]["units"][2].clone();
                d["organisation"]["units"].as_array_mut().unwrap().push(copy);
            }),
            Invalid(vec![ValidationError::DuplicateId {
                record: Record::Unit { index: 3, id: unit(3) },
                first_index: 2,
            }]),
        ),
        (
            "a dangling unit reference",
            edited(|d| d["organisation"]["members"][0]["unit"] = json!("00000000-0000-0000-0000-000000000009")),
            Invalid(vec![ValidationError::UnknownUnit {
                record: Record::Member { index: 0, id: member(0x101) },
                unit: unit(9),
            }]),
        ),
        (
            "an id that is not a uuid",
            edited(|d| d["organisation"]["members"][0]["id"] = json!("aoki")),
            Syntax("UUID parsing failed: invalid character"),
        ),
        (
            "a full-width slug",
            edited(|d| d["playbook"]["inline"]["phases"][0]["id"] = json!("ｐｒｅｐａｒｅ")),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        (
            "an unknown built-in playbook",
            edited(|d| d["playbook"] = json!({ "builtin": "nowhere" })),
            Invalid(vec![ValidationError::UnknownPlaybook { id: PlaybookId::new("nowhere").unwrap() }]),
        ),
        // Graphs.
        (
            "an activity depending on itself",
            edited(|d| d["playbook"]["inline"]["activities"][0]["depends_on"] = json!(["declare-aim"])),
            Invalid(vec![ValidationError::DependencyCycle { activities: vec![activity("declare-aim")] }]),
        ),
        (
            "a two-activity cycle",
            edited(|d| d["playbook"]["inline"]["activities"][0]["depends_on"] = json!(["training"])),
            Invalid(vec![ValidationError::DependencyCycle {
                activities: vec![activity("declare-aim"), activity("training")],
            }]),
        ),
        (
            "a dependency on a later phase",
            edited(|d| d["playbook"]["inline"]["activities"][1]["depends_on"] = json!(["weekly-meeting"])),
            Invalid(vec![ValidationError::DependsOnLaterPhase {
                record: Record::Activity { index: 1, id: activity("training") },
                phase: phase("prepare"),
                dependency: activity("weekly-meeting"),
                dependency_phase: phase("spread"),
            }]),
        ),
        (
            "a condition past the depth limit",
            edited(|d| {
                d["playbook"]["inline"]["interventions"][0]["when"] = deep_condition(MAX_CONDITION_DEPTH + 1);
            }),
            Invalid(vec![ValidationError::ConditionTooDeep {
                record: Record::Intervention {
                    index: 0,
                    id: teichaku::model::InterventionId::new("executive-silent").unwrap(),
                },
                depth: MAX_CONDITION_DEPTH + 1,
                limit: MAX_CONDITION_DEPTH,
            }]),
        ),
        (
            "a condition at the depth limit",
            edited(|d| d["playbook"]["inline"]["interventions"][0]["when"] = deep_condition(MAX_CONDITION_DEPTH)),
            Valid,
        ),
        // Counts past the default limits, built programmatically.
        (
            "100,001 units",
            edited(|d| {
                let units = d["organisation"]["units"].as_array_mut().unwrap();
                units.extend((0..99_998_u128).map(|i| json!({ "id": unit(0x10_0000 + i), "name": "u" })));
            }),
            Invalid(vec![ValidationError::LimitExceeded {
                record: Record::Organisation,
                what: Limit::Units,
                limit: 100_000,
                found: 100_001,
            }]),
        ),
        (
            "activity instances past the limit",
            edited(|d| {
                // 100,000 units and 101 per-unit activities: 10,100,000 instances plus 2.
                let units = d["organisation"]["units"].as_array_mut().unwrap();
                units.extend((0..99_997_u128).map(|i| json!({ "id": unit(0x10_0000 + i), "name": "u" })));
                let activities = d["playbook"]["inline"]["activities"].as_array_mut().unwrap();
                let template = activities[1].clone();
                activities.extend((0..99).map(|i| {
                    let mut a = template.clone();
                    a["id"] = json!(format!("extra-{i}"));
                    a
                }));
            }),
            Invalid(vec![ValidationError::LimitExceeded {
                record: small_playbook(),
                what: Limit::ActivityInstances,
                limit: 10_000_000,
                found: 10_100_002,
            }]),
        ),
    ]
}

#[test]
fn every_bad_document_gets_its_typed_error() {
    let mut failures = Vec::new();
    for (name, text, expected) in catalogue() {
        let found = teichaku::load(&text, catalog());
        let ok = match (&expected, &found) {
            (Expect::Syntax(prefix), Err(LoadError::Document(DocumentError::Syntax { message, .. }))) => {
                message.starts_with(prefix)
            }
            (Expect::Document(e), Err(LoadError::Document(found))) => e == found,
            (Expect::Invalid(e), Err(LoadError::Invalid(found))) => e.as_slice() == found.iter().as_slice(),
            (Expect::Valid, Ok(_)) => true,
            _ => false,
        };
        if !ok {
            failures
                .push(format!("{name}:\n  expected {expected:?}\n  found    {:?}", found.map(|_| "a valid snapshot")));
        }
    }
    assert!(failures.is_empty(), "{} rows failed:\n{}", failures.len(), failures.join("\n"));
}

/// Limits tightened by the caller: each count is checked before anything else, and names the
/// record holding the list.
#[test]
fn tightened_limits_name_the_list_and_the_record() {
    let doc = parse_document(SMALL).unwrap();
    let tight = Limits {
        max_members: 7,
        max_usage_events: 3,
        max_observations: 1,
        max_gate_criteria: 1,
        max_activities: 3,
        ..Limits::DEFAULT
    };
    let errors = validate_document_with_limits(doc, catalog(), &tight).unwrap_err().into_vec();
    let limit = |record: Record, what: Limit, limit: usize, found: usize| ValidationError::LimitExceeded {
        record,
        what,
        limit,
        found,
    };
    assert_eq!(
        errors,
        [
            limit(Record::Organisation, Limit::Members, 7, 8),
            limit(Record::Phase { index: 0, id: phase("prepare") }, Limit::GateCriteria, 1, 2),
            limit(small_playbook(), Limit::Activities, 3, 4),
            limit(Record::Observations, Limit::UsageEvents, 3, 4),
            limit(Record::Observations, Limit::Completions, 1, 2),
            limit(Record::Observations, Limit::Surveys, 1, 2),
        ]
    );
    assert_eq!(errors[0].to_string(), "the organisation has 8 members, more than the limit of 7",);
}

#[test]
fn a_document_past_the_size_limit_is_refused_before_parsing() {
    let tight = Limits { max_document_bytes: 1000, ..Limits::DEFAULT };
    assert_eq!(
        teichaku::model::parse_document_with_limits(SMALL, &tight),
        Err(DocumentError::LimitExceeded { what: Limit::DocumentBytes, limit: 1000, found: SMALL.len() })
    );
}

#[test]
fn bad_playbook_documents() {
    let pb = small()["playbook"]["inline"].to_string();
    let limits = Limits::DEFAULT;
    assert!(matches!(
        parse_playbook_with_limits("", &limits),
        Err(DocumentError::Syntax { ref message, .. }) if message.starts_with("EOF while parsing")
    ));
    assert_eq!(
        parse_playbook_with_limits(&pb.replacen(r#""version":1"#, r#""version":7"#, 1), &limits),
        Err(DocumentError::UnsupportedVersion { found: 7, supported: 1 })
    );
    let mut no_phases: Value = serde_json::from_str(&pb).unwrap();
    no_phases["phases"] = json!([]);
    no_phases["activities"] = json!([]);
    no_phases["kpi_targets"] = json!([]);
    no_phases["interventions"] = json!([]);
    let playbook = parse_playbook_with_limits(&no_phases.to_string(), &limits).unwrap();
    assert_eq!(
        validate_playbook(&playbook).unwrap_err().into_vec(),
        [ValidationError::Empty { record: small_playbook(), what: "a playbook needs at least one phase" }]
    );
    let mut many: Value = serde_json::from_str(&pb).unwrap();
    let template = many["activities"][0].clone();
    let activities = many["activities"].as_array_mut().unwrap();
    activities.extend((0..9_997).map(|i| {
        let mut a = template.clone();
        a["id"] = json!(format!("extra-{i}"));
        a
    }));
    let playbook = parse_playbook_with_limits(&many.to_string(), &limits).unwrap();
    assert_eq!(
        validate_playbook(&playbook).unwrap_err().into_vec(),
        [ValidationError::LimitExceeded {
            record: small_playbook(),
            what: Limit::Activities,
            limit: 10_000,
            found: 10_001
        }]
    );
}

#[test]
fn bad_rubric_documents() {
    let builtin = teichaku::rules::AI_USE_IN_APPRAISAL_JSON;
    let limits = Limits::DEFAULT;
    assert!(parse_rubric("").is_err());
    assert!(matches!(
        parse_rubric_with_limits(&format!("{}{}", "[".repeat(128), "]".repeat(128)), &limits),
        Err(DocumentError::LimitExceeded { what: Limit::Nesting, limit: 127, found: 128 })
    ));
    assert!(matches!(
        parse_rubric_with_limits(&builtin.replacen('{', r#"{ "extra": 1, "#, 1), &limits),
        Err(DocumentError::Syntax { ref message, .. }) if message.starts_with("unknown field `extra`")
    ));

    let rubric: Value = serde_json::from_str(builtin).unwrap();
    let compiled = |v: &Value| compile(parse_rubric(&v.to_string()).unwrap()).map_err(|e| e.into_vec());

    let mut many = rubric.clone();
    let template = many["criteria"][0].clone();
    many["criteria"].as_array_mut().unwrap().extend((0..1_000).map(|i| {
        let mut c = template.clone();
        c["id"] = json!(format!("extra-{i}"));
        c
    }));
    let found = many["criteria"].as_array().unwrap().len();
    assert_eq!(
        compiled(&many).unwrap_err(),
        [RubricError::LimitExceeded { at: None, what: Limit::RubricCriteria, limit: 1_000, found }]
    );

    let mut values = rubric.clone();
    values["facts"] = json!([{ "name": "grade", "kind": { "enumeration": (0..1_001).map(|i| format!("g{i}")).collect::<Vec<_>>() } }]);
    values["criteria"] = json!([]);
    values["caps"] = json!([]);
    let errors = compiled(&values).unwrap_err();
    assert_eq!(
        errors[0],
        RubricError::LimitExceeded {
            at: Some(Location::Fact { index: 0, name: teichaku::rules::FactName::new("grade").unwrap() }),
            what: Limit::EnumerationValues,
            limit: 1_000,
            found: 1_001,
        }
    );

    let tight = Limits { max_rubric_bands: 2, max_rubric_caps: 0, ..Limits::DEFAULT };
    let errors = compile_with_limits(parse_rubric(builtin).unwrap(), &tight).unwrap_err().into_vec();
    let bands = rubric["bands"].as_array().unwrap().len();
    let caps = rubric["caps"].as_array().unwrap().len();
    assert_eq!(
        errors,
        [
            RubricError::LimitExceeded { at: None, what: Limit::RubricBands, limit: 2, found: bands },
            RubricError::LimitExceeded { at: None, what: Limit::RubricCaps, limit: 0, found: caps },
        ]
    );
    assert_eq!(errors[0].to_string(), format!("the rubric has {bands} bands, more than the limit of 2"));
}

/// A number the document accepts but the event store cannot hold is a typed error from `assess`,
/// naming the event.
#[test]
fn huge_minutes_are_a_store_error() {
    let text = edited(|d| d["observations"]["usage"][2]["minutes"] = json!(1e308));
    let snapshot = teichaku::load(&text, catalog()).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    assert_eq!(
        teichaku::assess(&snapshot, as_of).unwrap_err(),
        KpiError::Store(StoreError::Event {
            index: 2,
            error: EventError::BadMinutes { field: "minutes", value: 1e308 }
        })
    );
}
