//! One test per kind of validation problem: each names its record exactly.

use serde_json::json;
use teichaku::LoadError;
use teichaku::model::{
    ActivityId, ActivityScope, DocumentError, NumberProblem, PhaseId, PlaybookId, Record, SurveyId, ValidationError,
};

use crate::support::{errors, get, load, member, push, set, small, unit};

fn activity(s: &str) -> ActivityId {
    ActivityId::new(s).unwrap()
}

#[test]
fn the_small_document_is_valid() {
    let snapshot = load(&small()).unwrap();
    assert_eq!(snapshot.organisation().members.len(), 8);
    assert_eq!(snapshot.units_under(unit(1)), vec![unit(1), unit(2), unit(3)]);
    let order: Vec<&str> = snapshot.activities_in_order().map(|a| a.id.as_str()).collect();
    assert_eq!(order, ["declare-aim", "training", "practice-task", "weekly-meeting"]);
    // `2026-04-14T00:30:00Z` is 09:30 in Tokyo; a timestamp without offset is read in Tokyo time.
    assert_eq!(snapshot.usage_local_time(1).unwrap().to_string(), "2026-04-14 09:30:00");
    assert_eq!(snapshot.usage_local_time(2).unwrap().to_string(), "2026-04-14 23:59:59");
}

#[test]
fn duplicate_unit_id() {
    let mut doc = small();
    let copy = get(&doc, "/organisation/units/1");
    push(&mut doc, "/organisation/units", copy);
    assert_eq!(
        errors(&doc),
        [ValidationError::DuplicateId {
            record: Record::Unit { index: 3, id: unit(2), code: None, name: Some("Sales".into()) },
            first_index: 1
        }]
    );
}

#[test]
fn duplicate_survey_id() {
    let mut doc = small();
    set(&mut doc, "/observations/surveys/1/id", json!("00000000-0000-0000-0000-000000000201"));
    assert_eq!(
        errors(&doc),
        [ValidationError::DuplicateId {
            record: Record::Survey { index: 1, id: SurveyId::from_u128(0x201) },
            first_index: 0
        }]
    );
}

#[test]
fn member_in_unknown_unit() {
    let mut doc = small();
    set(&mut doc, "/organisation/members/4/unit", json!("00000000-0000-0000-0000-000000000009"));
    let found = errors(&doc);
    assert_eq!(
        found,
        [ValidationError::UnknownUnit {
            record: Record::Member { index: 4, id: member(0x105), key: None, name: None },
            unit: unit(9)
        }]
    );
    assert_eq!(
        found[0].to_string(),
        "member #4 `00000000-0000-0000-0000-000000000105` names unknown unit `00000000-0000-0000-0000-000000000009`"
    );
}

#[test]
fn usage_of_unknown_member() {
    let mut doc = small();
    set(&mut doc, "/observations/usage/0/member", json!("00000000-0000-0000-0000-000000000999"));
    assert_eq!(
        errors(&doc),
        [ValidationError::UnknownMember {
            record: Record::UsageEvent { index: 0, member: member(0x999) },
            member: member(0x999)
        }]
    );
}

#[test]
fn completion_of_unknown_activity() {
    let mut doc = small();
    set(&mut doc, "/observations/completions/0/activity", json!("no-such-thing"));
    assert_eq!(
        errors(&doc),
        [ValidationError::UnknownActivity {
            record: Record::Completion { index: 0, activity: activity("no-such-thing") },
            activity: activity("no-such-thing")
        }]
    );
}

#[test]
fn completion_in_the_wrong_scope() {
    let mut doc = small();
    set(&mut doc, "/observations/completions/0/unit", json!("00000000-0000-0000-0000-000000000002"));
    assert_eq!(
        errors(&doc),
        [ValidationError::CompletionScope {
            record: Record::Completion { index: 0, activity: activity("declare-aim") },
            activity: activity("declare-aim"),
            scope: ActivityScope::Organisation
        }]
    );
}

#[test]
fn cycle_in_the_unit_tree() {
    let mut doc = small();
    set(&mut doc, "/organisation/units/0/parent", json!("00000000-0000-0000-0000-000000000003"));
    assert_eq!(errors(&doc), [ValidationError::UnitCycle { units: vec![unit(1), unit(3)] }]);
}

#[test]
fn dependency_cycle_names_every_activity_on_it() {
    let mut doc = small();
    push(
        &mut doc,
        "/playbook/inline/activities",
        json!({ "id": "review", "phase": "prepare", "title": { "en": "Review", "ja": "振り返り" },
                "owner": "manager", "scope": "organisation", "duration_days": 1, "depends_on": ["training"] }),
    );
    set(&mut doc, "/playbook/inline/activities/0/depends_on", json!(["review"]));
    assert_eq!(
        errors(&doc),
        [ValidationError::DependencyCycle {
            activities: vec![activity("declare-aim"), activity("review"), activity("training")]
        }]
    );
}

#[test]
fn a_timing_anchor_on_itself_is_a_cycle() {
    let mut doc = small();
    set(
        &mut doc,
        "/playbook/inline/activities/1/timing",
        json!({ "after": { "activity": "training" }, "due_within_days": 7 }),
    );
    assert_eq!(errors(&doc), [ValidationError::DependencyCycle { activities: vec![activity("training")] }]);
}

#[test]
fn dependency_on_a_later_phase() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/activities/1/depends_on", json!(["weekly-meeting"]));
    assert_eq!(
        errors(&doc),
        [ValidationError::DependsOnLaterPhase {
            record: Record::Activity { index: 1, id: activity("training") },
            phase: PhaseId::new("prepare").unwrap(),
            dependency: activity("weekly-meeting"),
            dependency_phase: PhaseId::new("spread").unwrap(),
        }]
    );
}

#[test]
fn member_placed_twice() {
    let mut doc = small();
    let mut copy = get(&doc, "/organisation/members/3");
    copy["unit"] = json!("00000000-0000-0000-0000-000000000003");
    push(&mut doc, "/organisation/members", copy);
    assert_eq!(
        errors(&doc),
        [ValidationError::MemberPlacedTwice {
            member: member(0x104),
            first_index: 3,
            first_unit: unit(2),
            second_index: 8,
            second_unit: unit(3)
        }]
    );
}

#[test]
fn unit_in_two_waves() {
    let mut doc = small();
    push(&mut doc, "/organisation/waves/1/units", json!("00000000-0000-0000-0000-000000000002"));
    assert_eq!(errors(&doc), [ValidationError::UnitInTwoWaves { unit: unit(2), first_wave: 0, second_wave: 1 }]);
}

#[test]
fn left_before_joined() {
    let mut doc = small();
    set(&mut doc, "/organisation/members/6/left", json!("2004-01-01"));
    assert_eq!(
        errors(&doc),
        [ValidationError::DatesOutOfOrder {
            record: Record::Member { index: 6, id: member(0x107), key: None, name: None },
            field: "left",
            date: "2004-01-01".parse().unwrap(),
            earlier_field: "joined",
            earlier: "2005-04-01".parse().unwrap(),
        }]
    );
}

#[test]
fn resolved_before_opened() {
    let mut doc = small();
    set(&mut doc, "/observations/consultations/0/resolved", json!("2026-05-01"));
    let found = errors(&doc);
    assert!(matches!(
        &found[..],
        [ValidationError::DatesOutOfOrder { field: "resolved", earlier_field: "opened", .. }]
    ));
}

#[test]
fn negative_minutes() {
    let mut doc = small();
    set(&mut doc, "/observations/usage/1/minutes", json!(-3));
    assert_eq!(
        errors(&doc),
        [ValidationError::InvalidNumber {
            record: Record::UsageEvent { index: 1, member: member(0x104) },
            field: "minutes",
            value: -3.0,
            problem: NumberProblem::Negative
        }]
    );
}

#[test]
fn non_finite_weight_from_the_rust_api() {
    let doc = teichaku::model::parse_document(crate::support::SMALL).unwrap();
    let teichaku::model::PlaybookSource::Inline(mut playbook) = doc.playbook else { panic!("inline") };
    playbook.phases[0].gate.criteria[1].weight = f64::NAN;
    let errors = teichaku::model::validate(teichaku::model::Snapshot {
        organisation: doc.organisation,
        playbook: *playbook,
        observations: doc.observations,
    })
    .unwrap_err()
    .into_vec();
    assert_eq!(errors.len(), 1);
    assert!(matches!(
        &errors[0],
        ValidationError::InvalidNumber {
            record: Record::Criterion { index: 1, .. },
            field: "weight",
            problem: NumberProblem::NotFinite,
            ..
        }
    ));
}

#[test]
fn zero_weight() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/phases/0/gate/criteria/0/weight", json!(0));
    assert!(matches!(
        &errors(&doc)[..],
        [ValidationError::InvalidNumber { field: "weight", problem: NumberProblem::NotPositive, .. }]
    ));
}

#[test]
fn survey_answer_out_of_range() {
    let mut doc = small();
    set(&mut doc, "/observations/surveys/1/satisfaction", json!(6));
    set(&mut doc, "/observations/surveys/0/adkar/ability", json!(0));
    assert_eq!(
        errors(&doc),
        [
            ValidationError::SurveyAnswerOutOfRange {
                record: Record::Survey { index: 0, id: SurveyId::from_u128(0x201) },
                field: "adkar.ability",
                value: 0,
                min: 1,
                max: 5
            },
            ValidationError::SurveyAnswerOutOfRange {
                record: Record::Survey { index: 1, id: SurveyId::from_u128(0x202) },
                field: "satisfaction",
                value: 6,
                min: 1,
                max: 5
            },
        ]
    );
}

#[test]
fn unreadable_timestamp() {
    let mut doc = small();
    set(&mut doc, "/observations/usage/2/at", json!("2026-13-01T00:00:00"));
    assert_eq!(
        errors(&doc),
        [ValidationError::UnreadableTimestamp {
            record: Record::UsageEvent { index: 2, member: member(0x101) },
            text: "2026-13-01T00:00:00".into()
        }]
    );
}

#[test]
fn unknown_version() {
    let mut doc = small();
    set(&mut doc, "/version", json!(2));
    assert!(matches!(
        load(&doc),
        Err(LoadError::Document(DocumentError::UnsupportedVersion { found: 2, supported: 1 }))
    ));
    set(&mut doc, "/version", json!("one"));
    assert!(matches!(load(&doc), Err(LoadError::Document(DocumentError::MissingVersion))));
}

#[test]
fn unknown_playbook_version() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/version", json!(7));
    assert!(matches!(
        &errors(&doc)[..],
        [ValidationError::UnsupportedVersion { record: Record::Playbook { .. }, found: 7, supported: 1 }]
    ));
}

#[test]
fn unknown_fields_are_rejected_not_ignored() {
    for pointer in
        ["/organisation", "/organisation/members/0", "/playbook/inline/activities/0", "/observations/usage/0"]
    {
        let mut doc = small();
        doc.pointer_mut(pointer).unwrap().as_object_mut().unwrap().insert("colour".into(), json!("blue"));
        match load(&doc) {
            Err(LoadError::Document(DocumentError::Syntax { message, .. })) => {
                assert!(message.contains("unknown field `colour`"), "{pointer}: {message}");
            }
            other => panic!("{pointer}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn unknown_builtin_playbook() {
    let mut doc = small();
    set(&mut doc, "/playbook", json!({ "builtin": "no-such-method" }));
    set(&mut doc, "/observations/completions", json!([]));
    assert_eq!(errors(&doc), [ValidationError::UnknownPlaybook { id: PlaybookId::new("no-such-method").unwrap() }]);
}

#[test]
fn condition_nested_past_the_limit() {
    let mut doc = small();
    let mut condition = json!({ "kind": "compare", "kpi": "habit_rate", "op": "lt", "value": 0.1 });
    for _ in 0..20 {
        condition = json!({ "kind": "not", "condition": condition });
    }
    set(&mut doc, "/playbook/inline/interventions/0/when", condition);
    assert!(matches!(&errors(&doc)[..], [ValidationError::ConditionTooDeep { depth: 21, limit: 16, .. }]));
}

#[test]
fn three_problems_are_reported_together() {
    let mut doc = small();
    set(&mut doc, "/organisation/members/4/unit", json!("00000000-0000-0000-0000-000000000009"));
    set(&mut doc, "/observations/usage/1/minutes", json!(-1));
    set(&mut doc, "/observations/usage/3/at", json!("tomorrow"));
    let found = errors(&doc);
    assert_eq!(
        found,
        [
            ValidationError::UnknownUnit {
                record: Record::Member { index: 4, id: member(0x105), key: None, name: None },
                unit: unit(9)
            },
            ValidationError::InvalidNumber {
                record: Record::UsageEvent { index: 1, member: member(0x104) },
                field: "minutes",
                value: -1.0,
                problem: NumberProblem::Negative
            },
            ValidationError::UnreadableTimestamp {
                record: Record::UsageEvent { index: 3, member: member(0x103) },
                text: "tomorrow".into()
            },
        ]
    );
}

#[test]
fn a_cycle_that_ends_before_it_starts() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/cycle", json!({ "min_months": 6, "max_months": 3 }));
    assert!(matches!(
        &errors(&doc)[..],
        [ValidationError::InvalidNumber { record: Record::Playbook { .. }, field: "cycle.max_months", value: 3.0, .. }]
    ));
}

#[test]
fn a_gate_passing_outside_zero_to_one() {
    let mut doc = small();
    set(&mut doc, "/playbook/inline/phases/1/gate/pass_at", json!(1.5));
    assert!(matches!(
        &errors(&doc)[..],
        [ValidationError::InvalidNumber {
            record: Record::Phase { index: 1, .. },
            field: "gate.pass_at",
            value: 1.5,
            ..
        }]
    ));
}

#[test]
fn a_new_tool_comes_on_or_after_the_launch_to_known_units_and_is_named_once() {
    let tool = |name: &str, day: &str, units: serde_json::Value| json!({ "tool": name, "available_from": day, "units": units });
    let mut doc = small();
    set(
        &mut doc,
        "/organisation/tools",
        json!([
            tool("meeting-notes-ai", "2026-03-31", json!([])),
            tool("search-ai", "2026-06-01", json!(["00000000-0000-0000-0000-0000000000ff"])),
            tool("meeting-notes-ai", "2026-07-01", json!(["00000000-0000-0000-0000-000000000002"])),
        ]),
    );
    let record = |index: usize, name: &str| Record::Tool { index, tool: teichaku::model::ToolId::new(name).unwrap() };
    assert_eq!(
        errors(&doc),
        [
            ValidationError::DatesOutOfOrder {
                record: record(0, "meeting-notes-ai"),
                field: "available_from",
                date: "2026-03-31".parse().unwrap(),
                earlier_field: "launch_date",
                earlier: "2026-04-01".parse().unwrap(),
            },
            ValidationError::UnknownUnit { record: record(1, "search-ai"), unit: unit(0xff) },
            ValidationError::DuplicateId { record: record(2, "meeting-notes-ai"), first_index: 0 },
        ]
    );
    // On the launch day, to a unit named by its id: valid.
    set(&mut doc, "/organisation/tools", json!([tool("meeting-notes-ai", "2026-04-01", json!([unit(2).to_string()]))]));
    assert!(load(&doc).is_ok());
}
