//! Japanese text round-trips unchanged: full- and half-width katakana, combining marks (が as
//! か + U+3099), emoji with ZWJ sequences, skin tones, flags and variation selectors, an
//! ideographic variation selector and the ideographic space. The engine never normalises text:
//! names and titles come back byte for byte in the parsed document, the snapshot, the document
//! serialised again and the assessment. The fixture is `tests/data/japanese.json`, which is
//! `small.json` with these names (the command-line and Python tests read it too).

use serde_json::{Value, json};
use teichaku::model::{AssessmentDocument, parse_document};

use crate::support::{SMALL, catalog};

const JAPANESE: &str = include_str!("../data/japanese.json");

/// Every text of the fixture that carries Japanese, by JSON pointer.
const TEXTS: &[&str] = &[
    "/organisation/name",
    "/organisation/units/0/name",
    "/organisation/units/1/name",
    "/organisation/units/2/name",
    "/organisation/members/0/name",
    "/organisation/members/1/name",
    "/organisation/members/2/name",
    "/organisation/waves/0/name",
    "/playbook/inline/title/ja",
    "/playbook/inline/summary/ja",
    "/playbook/inline/phases/0/title/ja",
    "/playbook/inline/phases/1/title/ja",
    "/playbook/inline/phases/0/gate/criteria/0/title/ja",
    "/playbook/inline/phases/0/gate/criteria/1/title/ja",
    "/playbook/inline/phases/1/gate/criteria/0/title/ja",
    "/playbook/inline/activities/0/title/ja",
    "/playbook/inline/activities/1/title/ja",
    "/playbook/inline/activities/2/title/ja",
    "/playbook/inline/activities/3/title/ja",
    "/playbook/inline/interventions/0/title/ja",
    "/observations/success_cases/0/problem",
    "/observations/success_cases/0/how",
];

fn fixture() -> Value {
    serde_json::from_str(JAPANESE).unwrap()
}

fn text_at<'a>(doc: &'a Value, pointer: &str) -> &'a str {
    doc.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no text at {pointer}"))
}

#[test]
fn the_fixture_holds_every_kind_of_tricky_text() {
    let all: String = TEXTS.iter().map(|p| text_at(&fixture(), p).to_owned()).collect();
    for (what, needle) in [
        ("full-width katakana", "テイチャク"),
        ("half-width katakana with a half-width voiced mark", "ｱｵｷﾞ"),
        ("か + combining voiced mark U+3099", "か\u{3099}"),
        ("カ + combining voiced mark U+3099", "カ\u{3099}"),
        ("ハ + combining semi-voiced mark U+309A", "ハ\u{309a}"),
        ("a ZWJ sequence", "👩\u{200d}💻"),
        ("a family ZWJ sequence", "👨\u{200d}👩\u{200d}👧\u{200d}👦"),
        ("emoji presentation selector VS16", "❤\u{fe0f}"),
        ("text presentation selector VS15", "☺\u{fe0e}"),
        ("a skin tone modifier", "👍🏽"),
        ("a flag", "🇯🇵"),
        ("an ideographic variation selector", "葛\u{e0100}"),
        ("an ideographic space", "\u{3000}"),
        ("full-width digits and signs", "＃１"),
    ] {
        assert!(all.contains(needle), "the fixture lacks {what}");
    }
    // Nothing was normalised on the way into the fixture: the precomposed が is absent where the
    // decomposed one was written.
    assert!(!text_at(&fixture(), "/organisation/units/1/name").contains('ガ'));
}

#[test]
fn japanese_text_survives_parsing_validation_and_serialisation() {
    let input = fixture();
    let snapshot = teichaku::load(JAPANESE, catalog()).unwrap();
    let org = snapshot.organisation();
    assert_eq!(org.name.as_bytes(), text_at(&input, "/organisation/name").as_bytes());
    for (i, unit) in org.units.iter().enumerate() {
        assert_eq!(unit.name.as_bytes(), text_at(&input, &format!("/organisation/units/{i}/name")).as_bytes());
    }
    for i in 0..3 {
        let name = org.members[i].name.as_deref().unwrap();
        assert_eq!(name.as_bytes(), text_at(&input, &format!("/organisation/members/{i}/name")).as_bytes());
    }
    let pb = snapshot.playbook();
    assert_eq!(pb.title.ja, text_at(&input, "/playbook/inline/title/ja"));
    for (i, a) in pb.activities.iter().enumerate() {
        assert_eq!(
            a.title.ja.as_bytes(),
            text_at(&input, &format!("/playbook/inline/activities/{i}/title/ja")).as_bytes()
        );
    }

    // Parse and serialise again: every text comes back with the same bytes, and serialising
    // once more changes nothing.
    let document = parse_document(JAPANESE).unwrap();
    let written = serde_json::to_string(&document).unwrap();
    let reread: Value = serde_json::from_str(&written).unwrap();
    for pointer in TEXTS {
        assert_eq!(text_at(&reread, pointer).as_bytes(), text_at(&input, pointer).as_bytes(), "{pointer}");
        // Written as UTF-8, not as \u escapes.
        assert!(written.contains(text_at(&input, pointer)), "{pointer} is escaped in the output");
    }
    let again: AssessmentDocument = serde_json::from_str(&written).unwrap();
    assert_eq!(again, document);
    assert_eq!(serde_json::to_string(&again).unwrap(), written);
}

#[test]
fn escaped_japanese_reads_as_the_same_text() {
    // The same names written as \u escapes (the surrogate pairs for astral characters) load to
    // the same bytes as when written raw.
    let mut doc = fixture();
    let raw = serde_json::to_string(&doc).unwrap();
    let escaped: String = raw
        .chars()
        .flat_map(|c| {
            if c.is_ascii() {
                vec![c.to_string()]
            } else {
                c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("\\u{u:04x}")).collect()
            }
        })
        .collect();
    assert!(escaped.is_ascii());
    let from_raw = teichaku::load(&raw, catalog()).unwrap();
    let from_escaped = teichaku::load(&escaped, catalog()).unwrap();
    assert_eq!(from_escaped.organisation(), from_raw.organisation());
    assert_eq!(from_escaped.playbook(), from_raw.playbook());
    assert_eq!(from_escaped.observations(), from_raw.observations());
    doc["organisation"]["name"] = json!("\u{1f469}\u{200d}\u{1f4bb}");
    assert_eq!(teichaku::load(&doc.to_string(), catalog()).unwrap().organisation().name, "👩‍💻");
}

#[test]
fn japanese_titles_reach_the_assessment_unchanged() {
    let input = fixture();
    let snapshot = teichaku::load(JAPANESE, catalog()).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let assessment = teichaku::assess(&snapshot, as_of).unwrap();
    assert!(!assessment.actions.actions.is_empty());
    // Each action's Japanese title is its source's title, byte for byte.
    let source = |code: &str| -> String {
        let (kind, id) = code.split_once(':').unwrap();
        let pb = &input["playbook"]["inline"];
        let found = match kind {
            "activity" => pb["activities"].as_array().unwrap().iter().find(|a| a["id"] == id),
            "intervention" => pb["interventions"].as_array().unwrap().iter().find(|a| a["id"] == id),
            "barrier" => pb["phases"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["gate"]["criteria"].as_array().unwrap())
                .find(|c| c["id"] == id),
            other => panic!("unknown action kind {other}"),
        };
        found.unwrap_or_else(|| panic!("no source for {code}"))["title"]["ja"].as_str().unwrap().to_owned()
    };
    // Appointments (`appoint:ROLE`) and missed targets (`target:KPI-by-N`) are titled by the
    // engine, not the playbook.
    for action in
        assessment.actions.actions.iter().filter(|a| !a.code.starts_with("appoint:") && !a.code.starts_with("target:"))
    {
        assert_eq!(action.title.ja.as_bytes(), source(&action.code).as_bytes(), "{}", action.code);
    }
    // The serialised assessment writes them as UTF-8, unescaped, and is the same on every run.
    let json = serde_json::to_string(&assessment).unwrap();
    for action in &assessment.actions.actions {
        assert!(json.contains(&action.title.ja), "{} is escaped", action.code);
    }
    assert_eq!(serde_json::to_string(&teichaku::assess(&snapshot, as_of).unwrap()).unwrap(), json);

    // Japanese names change nothing but the names: the figures equal those of small.json.
    let plain = teichaku::assess(&teichaku::load(SMALL, catalog()).unwrap(), as_of).unwrap();
    assert_eq!(assessment.kpis, plain.kpis);
    assert_eq!(assessment.plan, plain.plan);
    assert_eq!(
        assessment.actions.actions.iter().map(|a| (&a.code, a.urgency)).collect::<Vec<_>>(),
        plain.actions.actions.iter().map(|a| (&a.code, a.urgency)).collect::<Vec<_>>()
    );
}

#[test]
fn japanese_band_names_and_enumeration_values_round_trip_through_evaluation() {
    use teichaku::rules::{FactValue, compile, evaluate, parse_rubric};
    let mut rubric: Value = serde_json::from_str(teichaku::rules::AI_USE_IN_APPRAISAL_JSON).unwrap();
    let bands = ["秀 ✨", "優（ﾕｳ）", "良か\u{3099}", "可👍🏽", "不可"];
    for (band, name) in rubric["bands"].as_array_mut().unwrap().iter_mut().zip(bands) {
        band["name"] = json!(name);
    }
    rubric["caps"][0]["max_band"] = json!(bands[2]);
    rubric["caps"][1]["max_band"] = json!(bands[3]);
    let grades = ["一般職", "ﾏﾈｰｼﾞｬｰ", "か\u{3099}ちょう👩\u{200d}💼"];
    rubric["facts"].as_array_mut().unwrap().push(json!({ "name": "grade", "kind": { "enumeration": grades } }));
    rubric["caps"].as_array_mut().unwrap().push(json!({
        "id": "grade", "when": { "one_of": { "fact": "grade", "values": [grades[2]] } }, "max_band": bands[1]
    }));
    let compiled = compile(parse_rubric(&rubric.to_string()).unwrap()).unwrap();
    assert_eq!(compiled.rubric().bands.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), bands);

    let facts = compiled
        .facts([
            ("goal_sheet_ai_entry", FactValue::Boolean(true)),
            ("proposals_implemented", FactValue::Number(3.0)),
            ("success_cases_shared", FactValue::Number(2.0)),
            ("usage_days_28", FactValue::Number(16.0)),
            ("incidents", FactValue::Number(1.0)),
            ("grade", FactValue::Enumeration(grades[2].to_owned())),
        ])
        .unwrap();
    let e = evaluate(&compiled, &facts).unwrap();
    // The incident caps the band at the third band, whose name has a combining mark.
    assert_eq!(e.band.as_bytes(), bands[2].as_bytes());
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains(bands[2]));
    assert_eq!(e.caps_applied.iter().map(|c| c.cap.as_str()).collect::<Vec<_>>(), ["incident", "grade"]);
    let back: teichaku::rules::Evaluation = serde_json::from_str(&json).unwrap();
    assert_eq!(back, e);
    // The grade with a precomposed が is not the declared value with か + U+3099.
    let precomposed = "がちょう👩\u{200d}💼";
    let facts = compiled.facts([("grade", FactValue::Enumeration(precomposed.to_owned()))]).unwrap();
    assert_eq!(
        evaluate(&compiled, &facts),
        Err(teichaku::rules::EvaluationError::UnknownValue {
            fact: teichaku::rules::FactName::new("grade").unwrap(),
            value: precomposed.to_owned()
        })
    );
}
