//! The bad-input catalogue: one malformed input per row, each with the exact typed error it must
//! give. Nothing here may panic, hang or allocate without bound.

use chrono::NaiveDate;
use serde_json::{Value, json};
use teichaku::LoadError;
use teichaku::metrics::{KpiError, StoreError};
use teichaku::model::{
    ActivityId, DocumentError, Limit, Limits, MAX_CONDITION_DEPTH, NumberProblem, PhaseId, PlaybookId, Record, Role,
    ValidationError, parse_document, parse_playbook_with_limits, validate_document_with_limits, validate_playbook,
};
use teichaku::rules::{
    EvaluationError, FactValue, Location, RubricError, compile, compile_with_limits, evaluate, parse_rubric,
    parse_rubric_with_limits,
};

use crate::support::{SMALL, catalog, member, small, unit};
use teichaku::model::OutcomeId;

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
    /// Exactly this `LoadError`, neither a document nor a validation error.
    Refused(LoadError),
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

fn criterion(s: &str) -> teichaku::model::CriterionId {
    teichaku::model::CriterionId::new(s).unwrap()
}

fn intervention(s: &str) -> teichaku::model::InterventionId {
    teichaku::model::InterventionId::new(s).unwrap()
}

/// Change number `number` (from 1) of member `n`, with the member's name.
fn change(number: usize, n: u128, name: Option<&str>) -> Record {
    Record::Change { number, member: member(n), key: None, name: name.map(str::to_owned) }
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
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
    use Expect::{Document, Invalid, Refused, Syntax, Valid};
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
        ("a UTF-8 byte-order mark", format!("\u{feff}{SMALL}"), Valid),
        (
            "a lone surrogate escape",
            SMALL.replacen(r#""name": "Aoki""#, r#""name": "\ud800""#, 1),
            Syntax("unexpected end of hex escape"),
        ),
        (
            "a lone low surrogate escape",
            SMALL.replacen(r#""name": "Aoki""#, r#""name": "\udc00""#, 1),
            Syntax("lone leading surrogate in hex escape"),
        ),
        (
            "a high surrogate escape followed by a letter",
            SMALL.replacen(r#""name": "Aoki""#, r#""name": "\ud800\u0041""#, 1),
            Syntax("lone leading surrogate in hex escape"),
        ),
        // A surrogate pair written as escapes is one character (U+1F469): valid.
        ("a surrogate pair escape", SMALL.replacen(r#""name": "Aoki""#, r#""name": "\ud83d\udc69""#, 1), Valid),
        // The string limit counts the bytes between the quotes, escapes as written.
        (
            "a string exactly at the string limit",
            edited(|d| *ptr(d, "/organisation/name") = json!("x".repeat(limits.max_string_bytes))),
            Valid,
        ),
        (
            "a string one byte past the string limit",
            edited(|d| *ptr(d, "/organisation/name") = json!("x".repeat(limits.max_string_bytes + 1))),
            Document(DocumentError::LimitExceeded {
                what: Limit::StringBytes,
                limit: limits.max_string_bytes,
                found: limits.max_string_bytes + 1,
            }),
        ),
        // Bytes, not characters: 21,846 kana of 3 bytes each are 65,538 bytes.
        (
            "a Japanese string past the string limit in bytes",
            edited(|d| *ptr(d, "/organisation/name") = json!("あ".repeat(21_846))),
            Document(DocumentError::LimitExceeded {
                what: Limit::StringBytes,
                limit: limits.max_string_bytes,
                found: 65_538,
            }),
        ),
        (
            "a 10 MB key",
            format!(r#"{{"{}": 1, "version": 1}}"#, "k".repeat(10_000_000)),
            Document(DocumentError::LimitExceeded {
                what: Limit::StringBytes,
                limit: limits.max_string_bytes,
                found: 10_000_000,
            }),
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
        (
            "a duplicate key in a member",
            SMALL.replacen(r#""name": "Aoki","#, r#""name": "Aoki", "name": "Aoki","#, 1),
            Syntax("duplicate field `name`"),
        ),
        (
            "a duplicate key with different values",
            SMALL.replacen(r#""minutes": 5,"#, r#""minutes": 5, "minutes": 6,"#, 1),
            Syntax("duplicate field `minutes`"),
        ),
        ("an unknown top-level field", edited(|d| d["extra"] = json!(1)), Syntax("unknown field `extra`")),
        (
            "an unknown field in a member",
            edited(|d| d["organisation"]["members"][0]["colour"] = json!("blue")),
            Syntax("unknown field `colour`"),
        ),
        (
            "an unknown field in a usage event",
            edited(|d| d["observations"]["usage"][0]["colour"] = json!("blue")),
            Syntax("unknown field `colour`"),
        ),
        (
            "an unknown field in an inline playbook activity",
            edited(|d| d["playbook"]["inline"]["activities"][0]["notes"] = json!("")),
            Syntax("unknown field `notes`"),
        ),
        // Field names are matched byte for byte: a full-width name is an unknown field.
        (
            "a field name in full-width letters",
            SMALL.replacen(r#""name": "Aoki","#, r#""ｎａｍｅ": "Aoki","#, 1),
            Syntax("unknown field `ｎａｍｅ`"),
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
        // 127 levels (the document object and 126 arrays) pass the pre-scan and reach serde.
        (
            "nesting exactly at the limit",
            format!(r#"{{"version": 1, "x": {}{}}}"#, "[".repeat(126), "]".repeat(126)),
            Syntax("unknown field `x`"),
        ),
        (
            "nesting one past the limit",
            format!(r#"{{"version": 1, "x": {}{}}}"#, "[".repeat(127), "]".repeat(127)),
            Document(DocumentError::LimitExceeded { what: Limit::Nesting, limit: 127, found: 128 }),
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
            "-1e400 minutes",
            SMALL.replacen(r#""minutes": 5,"#, r#""minutes": -1e400,"#, 1),
            Syntax("number out of range"),
        ),
        // An underflow is not an error: 1e-400 reads as 0, like every JSON reader rounds it.
        ("1e-400 minutes", SMALL.replacen(r#""minutes": 5,"#, r#""minutes": 1e-400,"#, 1), Valid),
        // serde_json reads -0 as the float -0.0, so an integer field refuses it like any float.
        (
            "-0 where an integer belongs",
            SMALL.replacen(r#""revision": 3,"#, r#""revision": -0,"#, 1),
            Syntax("invalid type: floating point `-0.0`, expected u32"),
        ),
        // Integers are strict: 1.0 and 1e2 are floats in JSON and are refused where a count belongs.
        (
            "1.0 where an integer belongs",
            SMALL.replacen(r#""revision": 3,"#, r#""revision": 3.0,"#, 1),
            Syntax("invalid type: floating point `3.0`, expected u32"),
        ),
        (
            "1e2 where an integer belongs",
            SMALL.replacen(r#""revision": 3,"#, r#""revision": 1e2,"#, 1),
            Syntax("invalid type: floating point `100.0`, expected u32"),
        ),
        (
            "2^32 where a u32 belongs",
            edited(|d| d["playbook"]["inline"]["revision"] = json!(1_u64 << 32)),
            Syntax("invalid value: integer `4294967296`, expected u32"),
        ),
        (
            "a number written as a string where an integer belongs",
            edited(|d| d["playbook"]["inline"]["revision"] = json!("3")),
            Syntax(r#"invalid type: string "3", expected u32"#),
        ),
        // Zero total weight: every gate criterion's weight must be positive, so a gate whose
        // weights add up to 0 is refused criterion by criterion.
        (
            "a gate whose criteria all weigh 0",
            edited(|d| {
                d["playbook"]["inline"]["phases"][0]["gate"]["criteria"][0]["weight"] = json!(0);
                d["playbook"]["inline"]["phases"][0]["gate"]["criteria"][1]["weight"] = json!(0);
            }),
            Invalid(vec![
                ValidationError::InvalidNumber {
                    record: Record::Criterion { phase: phase("prepare"), index: 0, id: criterion("declared") },
                    field: "weight",
                    value: 0.0,
                    problem: NumberProblem::NotPositive,
                },
                ValidationError::InvalidNumber {
                    record: Record::Criterion { phase: phase("prepare"), index: 1, id: criterion("weekly-40") },
                    field: "weight",
                    value: 0.0,
                    problem: NumberProblem::NotPositive,
                },
            ]),
        ),
        (
            "a negative gate weight",
            edited(|d| d["playbook"]["inline"]["phases"][1]["gate"]["criteria"][0]["weight"] = json!(-1)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Criterion { phase: phase("spread"), index: 0, id: criterion("ambassadors") },
                field: "weight",
                value: -1.0,
                problem: NumberProblem::NotPositive,
            }]),
        ),
        // Achievement above 100% or below 0: a gate's pass mark is a share in [0, 1].
        (
            "a gate passing at 150%",
            edited(|d| d["playbook"]["inline"]["phases"][0]["gate"]["pass_at"] = json!(1.5)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Phase { index: 0, id: phase("prepare") },
                field: "gate.pass_at",
                value: 1.5,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 1.0 },
            }]),
        ),
        (
            "a gate passing at -10%",
            edited(|d| d["playbook"]["inline"]["phases"][0]["gate"]["pass_at"] = json!(-0.1)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Phase { index: 0, id: phase("prepare") },
                field: "gate.pass_at",
                value: -0.1,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 1.0 },
            }]),
        ),
        (
            "a gate passing at exactly 100%",
            edited(|d| d["playbook"]["inline"]["phases"][0]["gate"]["pass_at"] = json!(1)),
            Valid,
        ),
        (
            "an intervention severity above 1",
            edited(|d| d["playbook"]["inline"]["interventions"][0]["severity"] = json!(1.01)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Intervention { index: 0, id: intervention("executive-silent") },
                field: "severity",
                value: 1.01,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 1.0 },
            }]),
        ),
        (
            "negative minutes",
            edited(|d| d["observations"]["usage"][0]["minutes"] = json!(-1)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                field: "minutes",
                value: -1.0,
                problem: NumberProblem::Negative,
            }]),
        ),
        // Time.
        (
            "a date that does not exist",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("2026-02-30")),
            Syntax(
                "\"2026-02-30\" is not a day: there is no such date; expected YYYY-MM-DD (at `organisation.members[0].joined`)",
            ),
        ),
        (
            "a date in another format",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("30/04/2026")),
            Syntax(
                "\"30/04/2026\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999 (at `organisation.members[0].joined`)",
            ),
        ),
        ("a leap day", edited(|d| d["organisation"]["members"][0]["joined"] = json!("2028-02-29")), Valid),
        ("year 1", edited(|d| d["organisation"]["members"][0]["joined"] = json!("0001-01-01")), Valid),
        ("year 9999", edited(|d| d["organisation"]["members"][0]["left"] = json!("9999-12-31")), Valid),
        (
            "29 February in a year that is not a leap year",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("2026-02-29")),
            Syntax(
                "\"2026-02-29\" is not a day: there is no such date; expected YYYY-MM-DD (at `organisation.members[0].joined`)",
            ),
        ),
        (
            "29 February 2100 (a century, not a leap year)",
            edited(|d| d["organisation"]["members"][0]["left"] = json!("2100-02-29")),
            Syntax(
                "\"2100-02-29\" is not a day: there is no such date; expected YYYY-MM-DD (at `organisation.members[0].left`)",
            ),
        ),
        (
            "29 February 2000 (a 400th year, a leap year)",
            edited(|d| d["organisation"]["members"][0]["joined"] = json!("2000-02-29")),
            Valid,
        ),
        (
            "year 10000",
            edited(|d| d["organisation"]["members"][0]["left"] = json!("10000-01-01")),
            Syntax(
                "\"10000-01-01\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999 (at `organisation.members[0].left`)",
            ),
        ),
        ("a launch on a leap day", edited(|d| d["organisation"]["launch_date"] = json!("2028-02-29")), Valid),
        // Usage event timestamps: RFC 3339 with any offset it allows, or a local date-time read in
        // the organisation's offset (`+09:00` here); anything else is an unreadable timestamp,
        // reported with its event.
        (
            "a timestamp at +14:00",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00+14:00")),
            Valid,
        ),
        (
            "a timestamp at -12:00",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00-12:00")),
            Valid,
        ),
        (
            "a timestamp with fractional seconds",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00.123456789+09:00")),
            Valid,
        ),
        (
            "a local timestamp with fractional seconds",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00.5")),
            Valid,
        ),
        ("a leap second", edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-06-30T23:59:60Z")), Valid),
        (
            "a timestamp on a leap day",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2028-02-29T12:00:00")),
            Valid,
        ),
        (
            "a timestamp on 29 February of a common year",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-02-29T12:00:00+09:00")),
            Invalid(vec![ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                text: "2026-02-29T12:00:00+09:00".into(),
            }]),
        ),
        (
            "a timestamp whose offset has no colon",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00+0900")),
            Invalid(vec![ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                text: "2026-04-13T09:00:00+0900".into(),
            }]),
        ),
        (
            "a timestamp with a named zone",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13T09:00:00 JST")),
            Invalid(vec![ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                text: "2026-04-13T09:00:00 JST".into(),
            }]),
        ),
        (
            "a date without a time",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("2026-04-13")),
            Invalid(vec![ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                text: "2026-04-13".into(),
            }]),
        ),
        (
            "a timestamp in year 1",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("0001-01-01T00:00:00Z")),
            Valid,
        ),
        (
            "a timestamp in year 9999 at its last second",
            edited(|d| d["observations"]["usage"][0]["at"] = json!("9999-12-31T23:59:59-14:00")),
            Valid,
        ),
        (
            "an organisation offset past 14 hours",
            edited(|d| d["organisation"]["utc_offset"] = json!("+15:00")),
            Syntax("a UTC offset lies within ±14:00"),
        ),
        (
            "an organisation offset without a sign",
            edited(|d| d["organisation"]["utc_offset"] = json!("09:00")),
            Syntax("expected a UTC offset such as `+09:00`"),
        ),
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
                record: Record::Member { index: 0, id: member(0x101), key: None, name: Some("Aoki".into()) },
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
                record: Record::Unit { index: 3, id: unit(3), code: None, name: Some("Support".into()) },
                first_index: 2,
            }]),
        ),
        (
            "a dangling unit reference",
            edited(|d| d["organisation"]["members"][0]["unit"] = json!("00000000-0000-0000-0000-000000000009")),
            Invalid(vec![ValidationError::UnknownUnit {
                record: Record::Member { index: 0, id: member(0x101), key: None, name: Some("Aoki".into()) },
                unit: unit(9),
            }]),
        ),
        (
            "a duplicate member id in the same unit",
            edited(|d| {
                let copy = d["organisation"]["members"][7].clone();
                d["organisation"]["members"].as_array_mut().unwrap().push(copy);
            }),
            Invalid(vec![ValidationError::DuplicateId {
                record: Record::Member { index: 8, id: member(0x108), key: None, name: None },
                first_index: 7,
            }]),
        ),
        (
            "a member placed in two units",
            edited(|d| {
                let mut copy = d["organisation"]["members"][7].clone();
                copy["unit"] = json!(unit(2));
                d["organisation"]["members"].as_array_mut().unwrap().push(copy);
            }),
            Invalid(vec![ValidationError::MemberPlacedTwice {
                member: member(0x108),
                first_index: 7,
                first_unit: unit(3),
                second_index: 8,
                second_unit: unit(2),
            }]),
        ),
        // Uuids are compared as 128-bit values, whatever their written form (upper case, no
        // hyphens, braces, `urn:uuid:`): the same uuid in another form is the same id, so a
        // second member written that way is a duplicate, never a second person.
        (
            "a duplicate member id in upper case without hyphens",
            edited(|d| {
                let mut copy = d["organisation"]["members"][0].clone();
                copy["id"] = json!("00000000000000000000000000000101".to_uppercase());
                d["organisation"]["members"].as_array_mut().unwrap().push(copy);
            }),
            Invalid(vec![ValidationError::DuplicateId {
                record: Record::Member { index: 8, id: member(0x101), key: None, name: Some("Aoki".into()) },
                first_index: 0,
            }]),
        ),
        (
            "a reference written as a urn",
            edited(|d| {
                d["organisation"]["members"][1]["unit"] = json!("urn:uuid:00000000-0000-0000-0000-000000000001")
            }),
            Valid,
        ),
        (
            "a duplicate activity id",
            edited(|d| d["playbook"]["inline"]["activities"][3]["id"] = json!("practice-task")),
            Invalid(vec![ValidationError::DuplicateId {
                record: Record::Activity { index: 3, id: activity("practice-task") },
                first_index: 2,
            }]),
        ),
        (
            "a duplicate phase id",
            edited(|d| d["playbook"]["inline"]["phases"][1]["id"] = json!("prepare")),
            // The second phase is gone under its new name, so the activities in `spread` name
            // an unknown phase.
            Invalid(vec![
                ValidationError::DuplicateId {
                    record: Record::Phase { index: 1, id: phase("prepare") },
                    first_index: 0,
                },
                ValidationError::UnknownPhase {
                    record: Record::Activity { index: 2, id: activity("practice-task") },
                    phase: phase("spread"),
                },
                ValidationError::UnknownPhase {
                    record: Record::Activity { index: 3, id: activity("weekly-meeting") },
                    phase: phase("spread"),
                },
            ]),
        ),
        (
            "a duplicate survey id",
            edited(|d| d["observations"]["surveys"][1]["id"] = json!("00000000-0000-0000-0000-000000000201")),
            Invalid(vec![ValidationError::DuplicateId {
                record: Record::Survey { index: 1, id: teichaku::model::SurveyId::from_u128(0x201) },
                first_index: 0,
            }]),
        ),
        (
            "a usage event of an unknown member",
            edited(|d| d["observations"]["usage"][3]["member"] = json!(member(0x999))),
            Invalid(vec![ValidationError::UnknownMember {
                record: Record::UsageEvent { index: 3, member: member(0x999) },
                member: member(0x999),
            }]),
        ),
        (
            "a completion of an unknown activity",
            edited(|d| d["observations"]["completions"][0]["activity"] = json!("nowhere")),
            Invalid(vec![ValidationError::UnknownActivity {
                record: Record::Completion { index: 0, activity: activity("nowhere") },
                activity: activity("nowhere"),
            }]),
        ),
        (
            "a dependency on an unknown activity",
            edited(|d| d["playbook"]["inline"]["activities"][1]["depends_on"] = json!(["nowhere"])),
            Invalid(vec![ValidationError::UnknownActivity {
                record: Record::Activity { index: 1, id: activity("training") },
                activity: activity("nowhere"),
            }]),
        ),
        (
            "an activity in an unknown phase",
            edited(|d| d["playbook"]["inline"]["activities"][0]["phase"] = json!("later")),
            Invalid(vec![ValidationError::UnknownPhase {
                record: Record::Activity { index: 0, id: activity("declare-aim") },
                phase: phase("later"),
            }]),
        ),
        (
            "an id that is not a uuid",
            edited(|d| d["organisation"]["members"][0]["id"] = json!("aoki")),
            Syntax("`id` of member #1 `Aoki`: `aoki` is not a uuid: put the member's own key in `key`"),
        ),
        (
            "a full-width slug",
            edited(|d| d["playbook"]["inline"]["phases"][0]["id"] = json!("ｐｒｅｐａｒｅ")),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        // Ids are never Unicode: uuids and ASCII slugs. An id that differs from another only by
        // width or normalisation cannot be written, so it can neither merge with nor shadow the
        // ASCII one; it is a syntax error naming the character rules.
        (
            "a dependency on a full-width slug",
            edited(|d| d["playbook"]["inline"]["activities"][1]["depends_on"] = json!(["ｄｅｃｌａｒｅ-ａｉｍ"])),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        (
            "a slug with a combining mark",
            edited(|d| d["playbook"]["inline"]["activities"][0]["id"] = json!("de\u{301}clare-aim")),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        (
            "a slug in Japanese",
            edited(|d| d["playbook"]["inline"]["phases"][0]["id"] = json!("準備")),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        (
            "a slug in upper case",
            edited(|d| d["playbook"]["inline"]["phases"][0]["id"] = json!("Prepare")),
            Syntax("a slug holds only a-z, 0-9"),
        ),
        (
            "a uuid in full-width digits",
            edited(|d| d["organisation"]["members"][0]["id"] = json!("００000000-0000-0000-0000-000000000101")),
            Syntax(
                "`id` of member #1 `Aoki`: `００000000-0000-0000-0000-000000000101` is not a uuid: put the member's own key in `key`",
            ),
        ),
        // Names are labels, not ids: two units whose names differ only by normalisation (が
        // precomposed and か + U+3099) or width (ｶﾞ) are two units, each keeping its name.
        (
            "unit names that differ only by normalisation or width",
            edited(|d| {
                d["organisation"]["units"][1]["name"] = json!("営業ガ");
                d["organisation"]["units"][2]["name"] = json!("営業カ\u{3099}");
                d["organisation"]["units"][0]["name"] = json!("営業ｶﾞ");
            }),
            Valid,
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
            "a 1,000-activity cycle",
            edited(|d| {
                let activities = d["playbook"]["inline"]["activities"].as_array_mut().unwrap();
                activities.extend((0..1_000).map(|i| {
                    json!({ "id": format!("c-{i:04}"), "phase": "prepare", "title": { "en": "c", "ja": "c" },
                            "owner": "promotion_lead", "scope": "organisation", "duration_days": 1,
                            "depends_on": [format!("c-{:04}", (i + 1) % 1_000)] })
                }));
            }),
            Invalid(vec![ValidationError::DependencyCycle {
                activities: (0..1_000).map(|i| activity(&format!("c-{i:04}"))).collect(),
            }]),
        ),
        (
            "a three-activity cycle beside a sound graph",
            edited(|d| {
                let activities = d["playbook"]["inline"]["activities"].as_array_mut().unwrap();
                activities.extend(["x", "y", "z"].iter().zip(["z", "x", "y"]).map(|(id, dep)| {
                    json!({ "id": id, "phase": "prepare", "title": { "en": id, "ja": id },
                            "owner": "promotion_lead", "scope": "organisation", "duration_days": 1, "depends_on": [dep] })
                }));
            }),
            Invalid(vec![ValidationError::DependencyCycle {
                activities: vec![activity("x"), activity("y"), activity("z")],
            }]),
        ),
        // A diamond (declare-aim before training and the weekly meeting, both before the review)
        // joins two paths: not a cycle.
        (
            "a diamond",
            edited(|d| {
                let activities = d["playbook"]["inline"]["activities"].as_array_mut().unwrap();
                activities.push(
                    json!({ "id": "review", "phase": "spread", "title": { "en": "Review", "ja": "振り返り" },
                    "owner": "promotion_lead", "scope": "organisation", "duration_days": 1,
                    "depends_on": ["training", "weekly-meeting"] }),
                );
            }),
            Valid,
        ),
        (
            "a timing after an activity of a later phase",
            edited(|d| {
                d["playbook"]["inline"]["activities"][1]["timing"] =
                    json!({ "after": { "activity": "weekly-meeting" }, "due_within_days": 7 });
            }),
            Invalid(vec![ValidationError::DependsOnLaterPhase {
                record: Record::Activity { index: 1, id: activity("training") },
                phase: phase("prepare"),
                dependency: activity("weekly-meeting"),
                dependency_phase: phase("spread"),
            }]),
        ),
        (
            "a unit that is its own parent",
            edited(|d| d["organisation"]["units"][0]["parent"] = json!(unit(1))),
            Invalid(vec![ValidationError::UnitCycle { units: vec![unit(1)] }]),
        ),
        (
            "two units each the other's parent",
            edited(|d| d["organisation"]["units"][0]["parent"] = json!(unit(3))),
            Invalid(vec![ValidationError::UnitCycle { units: vec![unit(1), unit(3)] }]),
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
                limit: 2_000_000,
                found: 10_100_002,
            }]),
        ),
        // Loading and reading (docs/reliability.md, "Trust: loading and readers").
        (
            "a launch date that does not exist",
            edited(|d| d["organisation"]["launch_date"] = json!("2026-02-30")),
            Syntax(
                "\"2026-02-30\" is not a day: there is no such date; expected YYYY-MM-DD (at `organisation.launch_date`)",
            ),
        ),
        (
            "a launch date in year 10000",
            edited(|d| d["organisation"]["launch_date"] = json!("10000-01-01")),
            Syntax(
                "\"10000-01-01\" is not a date: expected YYYY-MM-DD, a year from 0001 to 9999 (at `organisation.launch_date`)",
            ),
        ),
        (
            "a gate weight of 1e308",
            edited(|d| *ptr(d, "/playbook/inline/phases/0/gate/criteria/0/weight") = json!(1e308)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Criterion { phase: phase("prepare"), index: 0, id: criterion("declared") },
                field: "weight",
                value: 1e308,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 1e6 },
            }]),
        ),
        (
            "a KPI threshold of -1e300",
            edited(|d| *ptr(d, "/playbook/inline/phases/0/gate/criteria/1/check/threshold") = json!(-1e300)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Criterion { phase: phase("prepare"), index: 1, id: criterion("weekly-40") },
                field: "threshold",
                value: -1e300,
                problem: NumberProblem::OutOfRange { min: -1e12, max: 1e12 },
            }]),
        ),
        (
            "an hourly rate of 1e308",
            edited(|d| d["organisation"]["hourly_rate"]["amount"] = json!(1e308)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::HourlyRate,
                field: "amount",
                value: 1e308,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 1e9 },
            }]),
        ),
        (
            "a task baseline of a million minutes",
            edited(|d| d["organisation"]["task_baselines"][0]["minutes"] = json!(1e6)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::TaskBaseline { index: 0, task: teichaku::model::TaskCategory::new("minutes").unwrap() },
                field: "minutes",
                value: 1e6,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 43_200.0 },
            }]),
        ),
        (
            "a usage event of 43,201 minutes",
            edited(|d| d["observations"]["usage"][0]["minutes"] = json!(43_201)),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 0, member: member(0x104) },
                field: "minutes",
                value: 43_201.0,
                problem: NumberProblem::OutOfRange { min: 0.0, max: 43_200.0 },
            }]),
        ),
        (
            "usage files named, and no source to read them",
            edited(|d| d["observations"]["usage_files"] = json!(["events.csv"])),
            Refused(LoadError::UsageFilesNeedASource { files: vec!["events.csv".into()] }),
        ),
        (
            "activity instances two past the limit that fits the memory budget",
            edited(|d| {
                // 100,000 units and 20 per-unit activities: 2,000,000 instances plus 2.
                let units = d["organisation"]["units"].as_array_mut().unwrap();
                units.extend((0..99_997_u128).map(|i| json!({ "id": unit(0x10_0000 + i), "name": "u" })));
                let activities = d["playbook"]["inline"]["activities"].as_array_mut().unwrap();
                let template = activities[1].clone();
                activities.extend((0..18).map(|i| {
                    let mut a = template.clone();
                    a["id"] = json!(format!("extra-{i}"));
                    a
                }));
            }),
            Invalid(vec![ValidationError::LimitExceeded {
                record: small_playbook(),
                what: Limit::ActivityInstances,
                limit: 2_000_000,
                found: 2_000_002,
            }]),
        ),
        (
            // Accepted: the graph exports draw each name as one label (tests/it/trust_edges.rs).
            "names written as Mermaid and DOT syntax",
            edited(|d| {
                let name = json!("x\"] --> y[\"z\"];\n%%{init: {}}%% <b>#quot; &amp; \\N\r");
                d["organisation"]["units"][1]["name"] = name.clone();
                d["playbook"]["inline"]["phases"][0]["title"]["en"] = name.clone();
                d["playbook"]["inline"]["activities"][1]["title"]["en"] = name;
            }),
            Valid,
        ),
        (
            "an outcome record of an undeclared outcome KPI",
            edited(|d| {
                d["observations"]["outcomes"] = json!([{ "outcome": "revenue", "date": "2026-04-30", "value": 1 }]);
            }),
            Invalid(vec![ValidationError::UnknownOutcome {
                record: Record::Outcome { index: 0, outcome: OutcomeId::new("revenue").unwrap() },
                outcome: OutcomeId::new("revenue").unwrap(),
            }]),
        ),
        (
            "an outcome value past the magnitude limit",
            edited(|d| {
                d["playbook"]["inline"]["outcomes"] = json!([{ "id": "revenue", "title": { "en": "", "ja": "" },
                    "measured_in": "JPY", "direction": "higher_is_better" }]);
                d["observations"]["outcomes"] = json!([{ "outcome": "revenue", "date": "2026-04-30", "value": 1e13 }]);
            }),
            Invalid(vec![ValidationError::InvalidNumber {
                record: Record::Outcome { index: 0, outcome: OutcomeId::new("revenue").unwrap() },
                field: "value",
                value: 1e13,
                problem: teichaku::model::NumberProblem::OutOfRange { min: -1e12, max: 1e12 },
            }]),
        ),
        (
            "an outcome record with an unknown field",
            edited(|d| {
                d["observations"]["outcomes"] =
                    json!([{ "outcome": "revenue", "date": "2026-04-30", "value": 1, "currency": "JPY" }]);
            }),
            Syntax("unknown field `currency`"),
        ),
        // Dated changes to members' facts (`organisation.changes`), numbered from 1 and naming the
        // member by key and name.
        (
            "a change naming an unknown member",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x999), "on": "2026-06-01", "literacy": "advanced" }])
            }),
            Invalid(vec![ValidationError::UnknownMember { record: change(1, 0x999, None), member: member(0x999) }]),
        ),
        (
            "a transfer to an unknown unit",
            edited(|d| {
                d["organisation"]["changes"] = json!([{ "member": member(0x101), "on": "2026-06-01", "unit": unit(9) }])
            }),
            Invalid(vec![ValidationError::UnknownUnit { record: change(1, 0x101, Some("Aoki")), unit: unit(9) }]),
        ),
        (
            "a change that changes nothing",
            edited(|d| d["organisation"]["changes"] = json!([{ "member": member(0x103), "on": "2026-06-01" }])),
            Invalid(vec![ValidationError::Empty {
                record: change(1, 0x103, None),
                what: "a change needs `unit`, `add_roles`, `remove_roles`, `literacy` or `age_band`",
            }]),
        ),
        (
            "a change before the member joined",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x105), "on": "2026-05-06", "literacy": "advanced" }])
            }),
            Invalid(vec![ValidationError::ChangeOutsideTenure {
                record: change(1, 0x105, None),
                on: day("2026-05-06"),
                joined: day("2026-05-07"),
                left: None,
            }]),
        ),
        (
            "a change on the day the member joined",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x105), "on": "2026-05-07", "literacy": "advanced" }])
            }),
            Valid,
        ),
        (
            "a change on the day the member left",
            edited(|d| {
                d["organisation"]["changes"] = json!([{ "member": member(0x107), "on": "2026-06-01", "unit": unit(2) }])
            }),
            Invalid(vec![ValidationError::ChangeOutsideTenure {
                record: change(1, 0x107, None),
                on: day("2026-06-01"),
                joined: day("2005-04-01"),
                left: Some(day("2026-06-01")),
            }]),
        ),
        (
            "removing a role the member does not hold",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x103), "on": "2026-06-01", "remove_roles": ["ambassador"] }])
            }),
            Invalid(vec![ValidationError::RoleChange {
                record: change(1, 0x103, None),
                role: Role::Ambassador,
                on: day("2026-06-01"),
                held: false,
            }]),
        ),
        (
            "adding a role the member already holds",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x104), "on": "2026-06-01", "add_roles": ["ambassador"] }])
            }),
            Invalid(vec![ValidationError::RoleChange {
                record: change(1, 0x104, None),
                role: Role::Ambassador,
                on: day("2026-06-01"),
                held: true,
            }]),
        ),
        // Changes apply in date order, not document order: the removal listed second but dated
        // before the appointment finds the role not yet held.
        (
            "removing a role before the day it is given",
            edited(|d| {
                d["organisation"]["changes"] = json!([
                    { "member": member(0x103), "on": "2026-07-01", "add_roles": ["ambassador"] },
                    { "member": member(0x103), "on": "2026-06-01", "remove_roles": ["ambassador"] }
                ])
            }),
            Invalid(vec![ValidationError::RoleChange {
                record: change(2, 0x103, None),
                role: Role::Ambassador,
                on: day("2026-06-01"),
                held: false,
            }]),
        ),
        (
            "an appointment and a later removal",
            edited(|d| {
                d["organisation"]["changes"] = json!([
                    { "member": member(0x103), "on": "2026-07-01", "remove_roles": ["ambassador"] },
                    { "member": member(0x103), "on": "2026-06-01", "add_roles": ["ambassador"] }
                ])
            }),
            Valid,
        ),
        (
            "two transfers of one member on one day",
            edited(|d| {
                d["organisation"]["changes"] = json!([
                    { "member": member(0x103), "on": "2026-06-01", "unit": unit(3) },
                    { "member": member(0x103), "on": "2026-06-01", "unit": unit(1), "literacy": "advanced" }
                ])
            }),
            Invalid(vec![ValidationError::ConflictingChanges {
                record: change(2, 0x103, None),
                fact: "unit".into(),
                on: day("2026-06-01"),
                first: 1,
            }]),
        ),
        (
            "one change adding and removing the same role",
            edited(
                |d| d["organisation"]["changes"] = json!([{ "member": member(0x104), "on": "2026-06-01", "add_roles": ["manager"], "remove_roles": ["manager"] }]),
            ),
            Invalid(vec![ValidationError::ConflictingChanges {
                record: change(1, 0x104, None),
                fact: "role manager".into(),
                on: day("2026-06-01"),
                first: 1,
            }]),
        ),
        (
            "a transfer and an appointment of one member on one day, in two changes",
            edited(|d| {
                d["organisation"]["changes"] = json!([
                    { "member": member(0x103), "on": "2026-06-01", "unit": unit(3) },
                    { "member": member(0x103), "on": "2026-06-01", "add_roles": ["ambassador"] }
                ])
            }),
            Valid,
        ),
        (
            "an unknown role in a change",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x103), "on": "2026-06-01", "add_roles": ["janitor"] }])
            }),
            Syntax("unknown variant `janitor`"),
        ),
        (
            "an unknown literacy in a change",
            edited(|d| {
                d["organisation"]["changes"] =
                    json!([{ "member": member(0x103), "on": "2026-06-01", "literacy": "expert" }])
            }),
            Syntax("unknown variant `expert`"),
        ),
        (
            "an unknown field in a change",
            edited(|d| {
                d["organisation"]["changes"] = json!([{ "member": member(0x103), "on": "2026-06-01", "role": "staff" }])
            }),
            Syntax("unknown field `role`"),
        ),
        (
            "a change without a date",
            edited(|d| d["organisation"]["changes"] = json!([{ "member": member(0x103), "unit": unit(3) }])),
            Syntax("missing field `on`"),
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
            (Expect::Refused(e), Err(found)) => e == found,
            _ => false,
        };
        if !ok {
            failures
                .push(format!("{name}:\n  expected {expected:?}\n  found    {:?}", found.map(|_| "a valid snapshot")));
        }
    }
    assert!(failures.is_empty(), "{} rows failed:\n{}", failures.len(), failures.join("\n"));
}

/// A duplicate activity id is reported against the first activity holding it (`first_index`),
/// and every other check reads that first activity, as the playbook checks do: a completion of
/// the per-unit `training` is not checked against the organisation-wide duplicate (which would
/// add a spurious `CompletionScope` error; the observation checks once kept the last holder).
#[test]
fn a_duplicate_activity_id_resolves_to_the_first_activity_everywhere() {
    let text = edited(|d| d["playbook"]["inline"]["activities"][3]["id"] = json!("training"));
    let Err(LoadError::Invalid(errors)) = teichaku::load(&text, catalog()) else { panic!("expected errors") };
    assert_eq!(
        errors.into_vec(),
        [ValidationError::DuplicateId {
            record: Record::Activity { index: 3, id: activity("training") },
            first_index: 1
        }]
    );
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
fn changes_past_their_limit_are_refused_before_they_are_checked() {
    let mut doc = small();
    // Two changes, the second of an unknown member: past the limit, only the limit is reported.
    doc["organisation"]["changes"] = json!([
        { "member": member(0x103), "on": "2026-06-01", "unit": unit(3) },
        { "member": member(0x999), "on": "2026-06-01", "unit": unit(3) }
    ]);
    let doc = parse_document(&doc.to_string()).unwrap();
    let tight = Limits { max_changes: 1, ..Limits::DEFAULT };
    let errors = validate_document_with_limits(doc, catalog(), &tight).unwrap_err().into_vec();
    assert_eq!(
        errors,
        [ValidationError::LimitExceeded { record: Record::Organisation, what: Limit::Changes, limit: 1, found: 2 }]
    );
    assert_eq!(errors[0].to_string(), "the organisation has 2 changes to members' facts, more than the limit of 1");
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

/// Minutes the event store cannot hold are refused by validation already, naming the event, as
/// `assess` would refuse them (`validate` checks what `assess` checks).
#[test]
fn huge_minutes_are_a_store_error() {
    let text = edited(|d| d["observations"]["usage"][2]["minutes"] = json!(1e308));
    let Err(LoadError::Invalid(errors)) = teichaku::load(&text, catalog()) else { panic!("1e308 minutes load") };
    assert_eq!(
        errors.into_vec(),
        [ValidationError::InvalidNumber {
            record: Record::UsageEvent { index: 2, member: member(0x101) },
            field: "minutes",
            value: 1e308,
            problem: NumberProblem::OutOfRange { min: 0.0, max: teichaku::metrics::MAX_EVENT_MINUTES },
        }]
    );
}

/// A rubric of one number fact `x` scored linearly from 0 to 4 (so totals are exact binary
/// fractions: 25 points a unit), bands A 75, B 50, C 25, D 0, changed by `f`.
fn quarter_rubric(f: impl FnOnce(&mut Value)) -> Value {
    let mut r: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_1_JSON).unwrap();
    r["facts"] = json!([{ "name": "x", "kind": "number" }]);
    r["bands"] = json!([
        { "name": "A", "min_score": 75 }, { "name": "B", "min_score": 50 },
        { "name": "C", "min_score": 25 }, { "name": "D", "min_score": 0 }
    ]);
    r["criteria"] = json!([{ "id": "x", "title": { "en": "x", "ja": "x" }, "fact": "x", "weight": 1,
                             "scoring": { "linear": { "from": 0, "to": 4 } } }]);
    r["caps"] = json!([]);
    f(&mut r);
    r
}

fn compile_value(v: &Value) -> Result<teichaku::rules::CompiledRubric, Vec<RubricError>> {
    compile(parse_rubric(&v.to_string()).unwrap()).map_err(|e| e.into_vec())
}

fn criterion_at(index: usize, id: &str) -> Location {
    Location::Criterion { index, id: teichaku::rules::CriterionId::new(id).unwrap() }
}

/// Numbers in rubrics: weights must be positive (so a zero total weight cannot be written),
/// achievements are declared within [0, 1], and facts beyond a scoring's ends are clipped to it.
#[test]
fn rubric_numbers_out_of_range() {
    let builtin: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_JSON).unwrap();
    let ids: Vec<String> =
        builtin["criteria"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();

    // Zero total weight: every criterion of weight 0 is refused, each by name.
    let mut zero = builtin.clone();
    for c in zero["criteria"].as_array_mut().unwrap() {
        c["weight"] = json!(0);
    }
    assert_eq!(
        compile_value(&zero).unwrap_err(),
        ids.iter()
            .enumerate()
            .map(|(i, id)| RubricError::BadWeight { at: criterion_at(i, id), weight: 0.0 })
            .collect::<Vec<_>>()
    );
    let negative = quarter_rubric(|r| r["criteria"][0]["weight"] = json!(-1));
    assert_eq!(
        compile_value(&negative).unwrap_err(),
        [RubricError::BadWeight { at: criterion_at(0, "x"), weight: -1.0 }]
    );

    // Achievements above 100% or below 0 in a scoring.
    for (scoring, field, value) in [
        (json!({ "steps": [{ "at_least": 1, "score": 1.5 }] }), "steps.score", 1.5),
        (json!({ "steps": [{ "at_least": 1, "score": -0.1 }] }), "steps.score", -0.1),
        (json!({ "boolean": { "when_true": 1.01 } }), "boolean.when_true", 1.01),
        (json!({ "boolean": { "when_true": -1 } }), "boolean.when_true", -1.0),
    ] {
        let bad = quarter_rubric(|r| {
            if scoring.get("boolean").is_some() {
                r["facts"][0]["kind"] = json!("boolean");
            }
            r["criteria"][0]["scoring"] = scoring.clone();
        });
        assert_eq!(
            compile_value(&bad).unwrap_err(),
            [RubricError::BadNumber { at: criterion_at(0, "x"), field, value }],
            "{scoring}"
        );
    }
    // Band bounds and cap scores past 100 or below 0.
    let band = quarter_rubric(|r| r["bands"][0]["min_score"] = json!(100.5));
    assert_eq!(
        compile_value(&band).unwrap_err(),
        [RubricError::BandOutOfRange { at: Location::Band { index: 0, name: "A".into() }, min_score: 100.5 }]
    );
    let cap = quarter_rubric(|r| {
        r["caps"] =
            json!([{ "id": "c", "when": { "compare": { "fact": "x", "op": "gt", "value": 0 } }, "max_score": -1 }]);
    });
    assert_eq!(
        compile_value(&cap).unwrap_err(),
        [RubricError::BadNumber {
            at: Location::Cap { index: 0, id: teichaku::rules::CapId::new("c").unwrap() },
            field: "max_score",
            value: -1.0
        }]
    );

    // A fact past a scoring's ends is clipped: the achievement stays within [0, 1].
    let rubric = compile_value(&quarter_rubric(|_| {})).unwrap();
    for (x, achievement, band) in [(1e9, 1.0, "A"), (4.000_001, 1.0, "A"), (-0.5, 0.0, "D"), (-1e300, 0.0, "D")] {
        let facts = rubric.facts([("x", FactValue::Number(x))]).unwrap();
        let e = evaluate(&rubric, &facts).unwrap();
        assert_eq!(
            (e.criteria[0].achievement, e.total, e.band.as_str()),
            (achievement, 100.0 * achievement, band),
            "{x}"
        );
    }
    // A non-finite fact is refused, never clipped.
    for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let facts = rubric.facts([("x", FactValue::Number(x))]).unwrap();
        assert_eq!(
            evaluate(&rubric, &facts),
            Err(EvaluationError::NonFiniteValue { fact: teichaku::rules::FactName::new("x").unwrap() })
        );
    }
    // Nothing counted (every fact missing under `renormalise`): no total, not a division by zero.
    assert_eq!(evaluate(&rubric, &rubric.empty_facts()), Err(EvaluationError::NothingToScore));
}

/// A total exactly on a band's lower bound gets that band; the smallest step below gets the band
/// under it. A cap to a band lowers the total to the highest total inside it.
#[test]
fn a_total_on_a_band_edge_gets_that_band() {
    let rubric = compile_value(&quarter_rubric(|_| {})).unwrap();
    for (x, total, band) in [(4.0, 100.0, "A"), (3.0, 75.0, "A"), (2.0, 50.0, "B"), (1.0, 25.0, "C"), (0.0, 0.0, "D")] {
        let e = evaluate(&rubric, &rubric.facts([("x", FactValue::Number(x))]).unwrap()).unwrap();
        assert_eq!((e.total, e.band.as_str()), (total, band), "x = {x}");
    }
    let below = |edge: f64| f64::from_bits(edge.to_bits() - 1);
    for (edge, band) in [(75.0, "B"), (50.0, "C"), (25.0, "D")] {
        assert_eq!(rubric.band_of(below(edge)), band);
        assert_eq!(rubric.band_of(edge), rubric.rubric().bands.iter().find(|b| b.min_score == edge).unwrap().name);
    }

    // The built-in rubric: 20 + 25 + 0 + 40 × 12/16 = 75 points of 100, exactly A's bound.
    let builtin = teichaku::rules::ai_use_in_appraisal();
    let facts = builtin
        .facts([
            ("goal_sheet_ai_entry", FactValue::Boolean(true)),
            ("proposals_implemented", FactValue::Number(3.0)),
            ("success_cases_shared", FactValue::Number(0.0)),
            ("usage_days_28", FactValue::Number(12.0)),
            ("incidents", FactValue::Number(0.0)),
        ])
        .unwrap();
    let e = evaluate(&builtin, &facts).unwrap();
    assert_eq!((e.total, e.band.as_str()), (75.0, "A"));

    // Capped at band C: the highest total in C is just below B's 50.
    let capped = compile_value(&quarter_rubric(|r| {
        r["caps"] =
            json!([{ "id": "c", "when": { "compare": { "fact": "x", "op": "ge", "value": 0 } }, "max_band": "C" }]);
    }))
    .unwrap();
    let e = evaluate(&capped, &capped.facts([("x", FactValue::Number(4.0))]).unwrap()).unwrap();
    assert_eq!((e.uncapped_total, e.total, e.band.as_str()), (100.0, below(50.0), "C"));
}

/// Band names and enumeration values are free text, compared byte for byte: no Unicode
/// normalisation, no width folding. Texts that differ only by normalisation (が as U+304C or as
/// か + U+3099) or width (ｶﾞ, Ｂ) are distinct names; a reference that matches none is a typed
/// error naming the text as written, never a silent match with a look-alike.
#[test]
fn rubric_names_are_compared_byte_for_byte() {
    const NFC: &str = "ガ";
    const NFD: &str = "カ\u{3099}";
    const HALF: &str = "ｶﾞ";
    assert_ne!(NFC, NFD);

    // Two bands whose names differ only by normalisation are two bands; each keeps its bytes.
    let rubric = compile_value(&quarter_rubric(|r| {
        r["bands"] = json!([{ "name": NFC, "min_score": 50 }, { "name": NFD, "min_score": 0 }]);
    }))
    .unwrap();
    let band = |x: f64| evaluate(&rubric, &rubric.facts([("x", FactValue::Number(x))]).unwrap()).unwrap().band;
    assert_eq!((band(4.0).as_bytes(), band(0.0).as_bytes()), (NFC.as_bytes(), NFD.as_bytes()));

    // The same name twice, byte for byte, is a duplicate.
    let twice = quarter_rubric(|r| {
        r["bands"] = json!([{ "name": NFC, "min_score": 50 }, { "name": NFC, "min_score": 0 }]);
    });
    assert_eq!(
        compile_value(&twice).unwrap_err(),
        [RubricError::DuplicateBand { at: Location::Band { index: 1, name: NFC.into() } }]
    );

    // A cap naming a band in full-width letters does not reach the ASCII band.
    let cap = Location::Cap { index: 0, id: teichaku::rules::CapId::new("c").unwrap() };
    let wide = quarter_rubric(|r| {
        r["caps"] =
            json!([{ "id": "c", "when": { "compare": { "fact": "x", "op": "gt", "value": 0 } }, "max_band": "Ｂ" }]);
    });
    assert_eq!(compile_value(&wide).unwrap_err(), [RubricError::UnknownBand { at: cap.clone(), band: "Ｂ".into() }]);

    // Enumeration values: NFC and NFD are two declared values, not a duplicate.
    let enumerated = |values: Value, one_of: Value| {
        quarter_rubric(|r| {
            r["facts"] =
                json!([{ "name": "x", "kind": "number" }, { "name": "grade", "kind": { "enumeration": values } }]);
            r["caps"] =
                json!([{ "id": "c", "when": { "one_of": { "fact": "grade", "values": one_of } }, "max_band": "C" }]);
        })
    };
    let rubric = compile_value(&enumerated(json!([NFC, NFD]), json!([NFC]))).unwrap();
    let grade = teichaku::rules::FactName::new("grade").unwrap();
    let capped = |value: &str| {
        let facts =
            rubric.facts([("x", FactValue::Number(4.0)), ("grade", FactValue::Enumeration(value.to_owned()))]).unwrap();
        evaluate(&rubric, &facts).map(|e| e.caps_applied.len())
    };
    assert_eq!(capped(NFC), Ok(1), "the cap names the precomposed value");
    assert_eq!(capped(NFD), Ok(0), "the decomposed value is another value");
    assert_eq!(capped(HALF), Err(EvaluationError::UnknownValue { fact: grade.clone(), value: HALF.into() }));
    assert_eq!(capped("Ｇ"), Err(EvaluationError::UnknownValue { fact: grade.clone(), value: "Ｇ".into() }));

    // A `one_of` naming a half-width look-alike of a declared value is an undeclared value.
    assert_eq!(
        compile_value(&enumerated(json!([NFC]), json!([HALF]))).unwrap_err(),
        [RubricError::UnknownValue { at: cap.clone(), fact: grade.clone(), value: HALF.into() }]
    );
    // The same value twice, byte for byte, is refused.
    assert_eq!(
        compile_value(&enumerated(json!([NFD, NFD]), json!([NFD]))).unwrap_err(),
        [RubricError::BadEnumeration { at: Location::Fact { index: 1, name: grade } }]
    );
}

/// `as_of` before, on and after everything in the document, at the ends of the calendar:
/// an assessment, never a panic.
#[test]
fn assess_on_any_day() {
    let snapshot = teichaku::load(SMALL, catalog()).unwrap();
    for as_of in [
        (1, 1, 1),      // before everything
        (2000, 1, 1),   // before launch and every member's joining but one
        (2026, 3, 31),  // the day before launch
        (2026, 4, 1),   // launch
        (2028, 2, 29),  // a leap day after all data
        (2100, 3, 1),   // after a non-leap 28 February
        (9999, 12, 31), // the last day a document can write
    ] {
        let day = NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap();
        let a = teichaku::assess(&snapshot, day).unwrap_or_else(|e| panic!("{day}: {e}"));
        assert_eq!(a.as_of, day);
        serde_json::to_string(&a).unwrap();
    }
}

/// Usage events far apart in time load (each timestamp is readable) and then exceed the event
/// store's day span: a typed error from `assess`, naming the first and last local days.
#[test]
fn events_in_year_1_and_9999_are_a_day_span_error() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    for (at, first, last) in [
        ("0001-01-01T00:00:00Z", day(1, 1, 1), day(2026, 4, 15)),
        ("9999-12-31T00:00:00+09:00", day(2026, 4, 14), day(9999, 12, 31)),
        // Local days are in the organisation's +09:00: the last second of 9999 at -14:00 is
        // already 10000-01-01 in Tokyo.
        ("9999-12-31T23:59:59-14:00", day(2026, 4, 14), day(10_000, 1, 1)),
    ] {
        let text = edited(|d| d["observations"]["usage"][0]["at"] = json!(at));
        let snapshot = teichaku::load(&text, catalog()).unwrap();
        assert_eq!(
            teichaku::assess(&snapshot, day(2026, 6, 30)).unwrap_err(),
            KpiError::Store(StoreError::DaySpan { first, last }),
            "{at}"
        );
    }
}

/// Bad evaluation input found by the trust audit (docs/reliability.md, "Trust: evaluation and
/// appraisal audit"), one row each, with the typed error it must give. The facts files' bad
/// lines (over-long, open quote, repeated key or subject, control characters) are rows of
/// `crates/teichaku-cli/tests/trust_evaluate.rs`.
#[test]
fn evaluation_trust_rows() {
    use teichaku::rules::{BuiltinError, FactName, ai_use_in_appraisal, builtin};
    let rubric = ai_use_in_appraisal();
    let name = |n: &str| FactName::new(n).unwrap();
    let full = |changes: &[(&str, Option<FactValue>)]| {
        let mut pairs: Vec<(&str, FactValue)> = vec![
            ("goal_sheet_ai_entry", FactValue::Boolean(true)),
            ("proposals_implemented", FactValue::Number(3.0)),
            ("success_cases_shared", FactValue::Number(2.0)),
            ("usage_days_28", FactValue::Number(20.0)),
            ("incidents", FactValue::Number(0.0)),
        ];
        for (fact, value) in changes {
            pairs.retain(|(n, _)| n != fact);
            if let Some(value) = value {
                pairs.push((fact, value.clone()));
            }
        }
        evaluate(&rubric, &rubric.facts(pairs).unwrap())
    };
    let rows: Vec<(&str, Result<teichaku::rules::Evaluation, EvaluationError>, EvaluationError)> = vec![
        (
            "200 usage days of 28",
            full(&[("usage_days_28", Some(FactValue::Number(200.0)))]),
            EvaluationError::OutOfRange { fact: name("usage_days_28"), value: 200.0, min: 0.0, max: 28.0 },
        ),
        (
            "-5 incidents",
            full(&[("incidents", Some(FactValue::Number(-5.0)))]),
            EvaluationError::OutOfRange { fact: name("incidents"), value: -5.0, min: 0.0, max: 1000.0 },
        ),
        (
            "usage days missing",
            full(&[("usage_days_28", None)]),
            EvaluationError::RequiredFactsMissing { facts: vec![name("usage_days_28")] },
        ),
        (
            "incidents missing",
            full(&[("incidents", None)]),
            EvaluationError::RequiredFactsMissing { facts: vec![name("incidents")] },
        ),
    ];
    for (what, got, expected) in rows {
        assert_eq!(got, Err(expected), "{what}");
    }
    assert_eq!(
        rubric.facts([("incidents", FactValue::Number(0.0)), ("incidents", FactValue::Number(1.0))]),
        Err(EvaluationError::DuplicateFact { fact: "incidents".into() }),
        "a fact given twice"
    );

    // Rubrics: weights and bounds whose arithmetic would overflow, ranges that are not ranges,
    // texts past the document limits, a built-in revision that does not exist.
    let criterion = criterion_at(0, "x");
    let weight = quarter_rubric(|r| r["criteria"][0]["weight"] = json!(1e308));
    assert_eq!(compile_value(&weight).unwrap_err(), [RubricError::BadWeight { at: criterion.clone(), weight: 1e308 }]);
    let bounds = quarter_rubric(|r| r["criteria"][0]["scoring"] = json!({ "linear": { "from": 0, "to": 1e13 } }));
    assert_eq!(
        compile_value(&bounds).unwrap_err(),
        [RubricError::BadNumber { at: criterion, field: "linear.to", value: 1e13 }]
    );
    let range = quarter_rubric(|r| r["facts"][0]["range"] = json!({ "min": 1, "max": 0 }));
    assert_eq!(
        compile_value(&range).unwrap_err(),
        [RubricError::BadRange { at: Location::Fact { index: 0, name: name("x") }, min: 1.0, max: 0.0 }]
    );
    let title = quarter_rubric(|r| r["title"]["en"] = json!("x".repeat(100_000)));
    assert!(matches!(
        parse_rubric_with_limits(&title.to_string(), &Limits::DEFAULT),
        Err(DocumentError::LimitExceeded { what: Limit::StringBytes, .. })
    ));
    assert!(matches!(builtin("ai-use-in-appraisal@0"), Err(BuiltinError::UnknownRevision { revision: 0, .. })));
}
