//! Every variant of every error the module renders has a Japanese message: the variants are
//! listed from the source of the crates that declare them, so a new one fails here until it is
//! given its words.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::BTreeSet;

use teichaku::metrics::{EventError, KpiError, LineError, PartialError, StoreError, StreamError};
use teichaku::model::{
    ActivityId, ActivityScope, ConditionId, ConsultationId, CriterionId, DocumentError, IncidentId, InterventionId,
    KeyHolder, Lang, Limit, MemberId, NumberProblem, OutcomeId, PhaseId, PlaybookId, ProposalId, Record, RuleReviewId,
    SuccessCaseId, SurveyId, TaskCategory, UnitId, ValidationError,
};
use teichaku::rules::BatchPartialError;
use teichaku::{LoadError, OutcomeFileError, UsageBadLine};
use teichaku_import::{BadRow, ImportError, VendorError, VendorLineError};

use super::{Message, limit_ja};

const MODEL_ERRORS: &str = include_str!("../../../teichaku-model/src/error.rs");
const MODEL_LIMITS: &str = include_str!("../../../teichaku-model/src/limits.rs");
const MODEL_DOCUMENT: &str = include_str!("../../../teichaku-model/src/document.rs");
const METRICS_STREAM: &str = include_str!("../../../teichaku-metrics/src/stream.rs");
const METRICS_STORE: &str = include_str!("../../../teichaku-metrics/src/store.rs");
const METRICS_KPIS: &str = include_str!("../../../teichaku-metrics/src/kpis.rs");
const METRICS_PARTIAL: &str = include_str!("../../../teichaku-metrics/src/partial.rs");
const RULES_PARTIAL: &str = include_str!("../../../teichaku-rules/src/partial.rs");
const LOAD: &str = include_str!("../../../teichaku/src/load.rs");
const OUTCOMES: &str = include_str!("../../../teichaku/src/outcomes.rs");
const IMPORT: &str = include_str!("../../../teichaku-import/src/lib.rs");
const VENDOR: &str = include_str!("../../../teichaku-import/src/vendor.rs");

/// The variant names of `pub enum NAME` in `source`: the lines indented by four spaces that
/// start with a capital letter, up to the enum's closing brace.
fn declared(source: &str, name: &str) -> BTreeSet<String> {
    let start = source.find(&format!("pub enum {name} {{")).unwrap();
    let body = &source[start..];
    let end = body.find("\n}").unwrap();
    body[..end]
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| l.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap().to_owned())
        .collect()
}

/// The variant name of a value, from its `Debug`.
fn variant<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}").split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap().to_owned()
}

/// Every value's Japanese message differs from its English one and holds Japanese; every
/// declared variant is among the values.
fn check_all<T: Message + std::fmt::Debug + std::fmt::Display>(values: &[T], declared: &BTreeSet<String>) {
    let covered: BTreeSet<String> = values.iter().map(variant).collect();
    assert_eq!(&covered, declared, "every variant has a case here and words in messages.rs");
    for v in values {
        let ja = v.message(Lang::Ja);
        assert_eq!(v.message(Lang::En), v.to_string());
        assert_ne!(ja, v.to_string(), "{v:?} falls back to English");
        assert!(
            ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{ja}"
        );
    }
}

fn records() -> Vec<Record> {
    let phase = PhaseId::new("p").unwrap();
    vec![
        Record::Document,
        Record::Organisation,
        Record::Unit {
            index: 0,
            id: UnitId::from_u128(1),
            code: Some("本社/営業部".into()),
            name: Some("営業部".into()),
        },
        Record::Member { index: 0, id: MemberId::from_u128(1), key: None, name: None },
        Record::Wave { index: 0 },
        Record::TaskBaseline { index: 0, task: TaskCategory::new("mail").unwrap() },
        Record::HourlyRate,
        Record::Playbook { id: PlaybookId::new("x").unwrap() },
        Record::Phase { index: 0, id: phase.clone() },
        Record::Criterion { phase, index: 0, id: CriterionId::new("c").unwrap() },
        Record::Activity { index: 0, id: ActivityId::new("a").unwrap() },
        Record::KpiTarget { index: 0 },
        Record::Intervention { index: 0, id: InterventionId::new("i").unwrap() },
        Record::ScoreComponent { index: 0 },
        Record::AbsoluteCondition { index: 0, id: ConditionId::new("c").unwrap() },
        Record::ScoringModel,
        Record::MetricSettings,
        Record::Urgency,
        Record::PlaybookTaskBaseline { index: 0, task: TaskCategory::new("mail").unwrap() },
        Record::Observations,
        Record::Completion { index: 0, activity: ActivityId::new("a").unwrap() },
        Record::UsageEvent { index: 0, member: MemberId::from_u128(1) },
        Record::Training { index: 0, member: MemberId::from_u128(1) },
        Record::Survey { index: 0, id: SurveyId::from_u128(1) },
        Record::Proposal { index: 0, id: ProposalId::from_u128(1) },
        Record::Consultation { index: 0, id: ConsultationId::from_u128(1) },
        Record::Incident { index: 0, id: IncidentId::from_u128(1) },
        Record::RuleReview { index: 0, id: RuleReviewId::from_u128(1) },
        Record::SuccessCase { index: 0, id: SuccessCaseId::from_u128(1) },
        Record::OutcomeKpi { index: 0, id: OutcomeId::new("o").unwrap() },
        Record::Outcome { index: 0, outcome: OutcomeId::new("o").unwrap() },
        Record::OutcomeRow { row: 1, outcome: OutcomeId::new("o").unwrap() },
        Record::OutcomeTarget { index: 0, outcome: OutcomeId::new("o").unwrap() },
        Record::OrganisationOutcomeKpi { index: 0, id: OutcomeId::new("o").unwrap() },
        Record::OrganisationKpiTarget { index: 0 },
        Record::OrganisationOutcomeTarget { index: 0, outcome: OutcomeId::new("o").unwrap() },
        change(),
        Record::Tool { index: 0, tool: teichaku::model::ToolId::new("meeting-notes-ai").unwrap() },
    ]
}

/// A dated change of a member's facts, as the validation errors of changes name it.
fn change() -> Record {
    Record::Change {
        number: 1,
        member: MemberId::from_key("E001"),
        key: Some("E001".into()),
        name: Some("佐藤 花子".into()),
    }
}

#[test]
fn every_record_has_japanese_words_counted_from_one() {
    let records = records();
    check_all(&records, &declared(MODEL_ERRORS, "Record"));
    for r in &records {
        assert!(!r.message(Lang::Ja).contains("0件目") && !r.message(Lang::Ja).contains("0番目"), "{r:?}");
    }
}

#[test]
fn every_validation_error_has_japanese_words() {
    let member = Record::Member {
        index: 2,
        id: MemberId::from_key("E003"),
        key: Some("E003".into()),
        name: Some("鈴木".into()),
    };
    let holder = |i| KeyHolder { index: i, key: Some("E001".into()), name: Some("佐藤".into()) };
    let a = ActivityId::new("a").unwrap();
    let p = PhaseId::new("p").unwrap();
    let values = vec![
        ValidationError::UnknownPlaybook { id: PlaybookId::new("x").unwrap() },
        ValidationError::UnsupportedVersion { record: Record::Document, found: 9, supported: 3 },
        ValidationError::DuplicateId { record: member.clone(), first_index: 0 },
        ValidationError::DuplicateKey { key: "E001".into(), first: holder(0), second: holder(3) },
        ValidationError::DuplicateUnitCode { code: "S".into(), first: holder(0), second: holder(1) },
        ValidationError::UnknownUnit { record: member.clone(), unit: UnitId::from_u128(9) },
        ValidationError::UnknownMember { record: member.clone(), member: MemberId::from_u128(9) },
        ValidationError::UnknownOutcome { record: member.clone(), outcome: OutcomeId::new("o").unwrap() },
        ValidationError::OutcomeDeclaredTwice { record: member.clone(), outcome: OutcomeId::new("o").unwrap() },
        ValidationError::TargetDeclaredTwice {
            record: Record::OrganisationKpiTarget { index: 0 },
            other: Record::KpiTarget { index: 2 },
        },
        ValidationError::OutcomeUnitMismatch {
            record: member.clone(),
            outcome: OutcomeId::new("o").unwrap(),
            declared: "yen".into(),
            found: "hours".into(),
        },
        ValidationError::UnknownActivity { record: member.clone(), activity: a.clone() },
        ValidationError::RecentPerUnit { record: member.clone(), activity: a.clone() },
        ValidationError::UnknownPhase { record: member.clone(), phase: p.clone() },
        ValidationError::UnitCycle { units: vec![UnitId::from_u128(1), UnitId::from_u128(2)] },
        ValidationError::DependencyCycle { activities: vec![a.clone()] },
        ValidationError::DependsOnLaterPhase {
            record: member.clone(),
            phase: p.clone(),
            dependency: a.clone(),
            dependency_phase: p,
        },
        ValidationError::MemberPlacedTwice {
            member: MemberId::from_u128(1),
            first_index: 0,
            first_unit: UnitId::from_u128(1),
            second_index: 1,
            second_unit: UnitId::from_u128(2),
        },
        ValidationError::UnitInTwoWaves { unit: UnitId::from_u128(1), first_wave: 0, second_wave: 1 },
        ValidationError::DatesOutOfOrder {
            record: member.clone(),
            field: "left",
            date: "2026-01-01".parse().unwrap(),
            earlier_field: "joined",
            earlier: "2026-02-01".parse().unwrap(),
        },
        ValidationError::InvalidNumber {
            record: member.clone(),
            field: "x",
            value: -1.0,
            problem: NumberProblem::Negative,
        },
        ValidationError::SurveyAnswerOutOfRange { record: member.clone(), field: "q", value: 9, min: 1, max: 5 },
        ValidationError::UnreadableTimestamp { record: member.clone(), text: "yesterday".into() },
        ValidationError::CompletionScope { record: member.clone(), activity: a, scope: ActivityScope::PerUnit },
        ValidationError::ConditionTooDeep { record: member.clone(), depth: 40, limit: 32 },
        ValidationError::CircularScore { record: member.clone() },
        ValidationError::LimitExceeded { record: Record::Organisation, what: Limit::Units, limit: 2, found: 3 },
        ValidationError::Empty { record: member, what: "a playbook needs at least one phase" },
        ValidationError::ChangeOutsideTenure {
            record: change(),
            on: "2026-03-01".parse().unwrap(),
            joined: "2026-04-01".parse().unwrap(),
            left: None,
        },
        ValidationError::RoleChange {
            record: change(),
            role: teichaku::model::Role::Ambassador,
            on: "2026-10-01".parse().unwrap(),
            held: false,
        },
        ValidationError::ConflictingChanges {
            record: change(),
            fact: "unit".into(),
            on: "2026-10-01".parse().unwrap(),
            first: 2,
        },
    ];
    check_all(&values, &declared(MODEL_ERRORS, "ValidationError"));
    // Positions are counted from 1: the member at index 2 is the third.
    assert_eq!(
        values[5].message(Lang::Ja),
        "3件目のメンバー `E003`（鈴木）が存在しない部署 `00000000-0000-0000-0000-000000000009`を指しています"
    );
    assert_eq!(records()[2].message(Lang::Ja), "1件目の部署 `本社/営業部`（営業部）");
    assert_eq!(
        values[3].message(Lang::Ja),
        "メンバー 4件目 `E001`（佐藤）のキー `E001`がメンバー 1件目 `E001`（佐藤）と重複しています"
    );
}

#[test]
fn every_number_problem_and_limit_has_japanese_words() {
    let problems = [
        NumberProblem::NotFinite,
        NumberProblem::Negative,
        NumberProblem::NotPositive,
        NumberProblem::OutOfRange { min: 0.0, max: 1.0 },
    ];
    check_all(&problems, &declared(MODEL_ERRORS, "NumberProblem"));
    let limits = declared(MODEL_LIMITS, "Limit");
    for name in &limits {
        let limit = LIMITS.iter().find(|l| &variant(*l) == name).unwrap_or_else(|| panic!("{name} has a case"));
        assert!(limit_ja(*limit).is_some(), "{name}");
    }
}

const LIMITS: [Limit; 35] = [
    Limit::DocumentBytes,
    Limit::StringBytes,
    Limit::Nesting,
    Limit::Units,
    Limit::Members,
    Limit::Waves,
    Limit::TaskBaselines,
    Limit::Phases,
    Limit::GateCriteria,
    Limit::Activities,
    Limit::ActivityInstances,
    Limit::Interventions,
    Limit::KpiTargets,
    Limit::ScoreComponents,
    Limit::AbsoluteConditions,
    Limit::UsageEvents,
    Limit::Completions,
    Limit::Trainings,
    Limit::Surveys,
    Limit::Proposals,
    Limit::Consultations,
    Limit::Incidents,
    Limit::RuleReviews,
    Limit::SuccessCases,
    Limit::UsageFiles,
    Limit::RubricFacts,
    Limit::RubricCriteria,
    Limit::RubricBands,
    Limit::RubricCaps,
    Limit::EnumerationValues,
    Limit::ScoringSteps,
    Limit::OutcomeKpis,
    Limit::Outcomes,
    Limit::Changes,
    Limit::Tools,
];

#[test]
fn every_document_error_has_japanese_words() {
    let values = [
        DocumentError::Syntax { line: 3, column: 7, message: "unknown field `colour`, expected `name`".into() },
        DocumentError::MissingVersion,
        DocumentError::UnsupportedVersion { found: 99, supported: 3 },
        DocumentError::LimitExceeded { what: Limit::DocumentBytes, limit: 10, found: 11 },
    ];
    check_all(&values, &declared(MODEL_DOCUMENT, "DocumentError"));
    assert_eq!(values[0].message(Lang::Ja), "3行目 7列目: 未知の項目 `colour`があります（書ける項目: `name`）");
}

#[test]
fn every_event_line_error_has_japanese_words() {
    let events = [
        EventError::UnknownMember(MemberId::from_u128(1)),
        EventError::MemberOutOfRange { member: 9, members: 3 },
        EventError::UnreadableTimestamp("yesterday".into()),
        EventError::BadMinutes { field: "minutes", value: -1.0 },
        EventError::ZeroCount,
        EventError::BadPeriod { start: "2026-08-09".parse().unwrap(), end: "2026-08-03".parse().unwrap() },
        EventError::ActiveDays { active_days: 8, days: 7 },
        EventError::CountBelowActiveDays { count: 2, active_days: 3 },
        EventError::UnknownDaysWithUses,
    ];
    check_all(&events, &declared(METRICS_STORE, "EventError"));
    let lines = [
        LineError::UnterminatedQuote,
        LineError::FieldCount { expected: 3, found: 2 },
        LineError::Json("expected value".into()),
        LineError::NotUtf8,
        LineError::TooLong { limit: 10 },
        LineError::MissingMember,
        LineError::Member("too long".into()),
        LineError::UnknownMemberKey { text: "E9".into() },
        LineError::MissingTimestamp,
        LineError::NotANumber { column: "minutes", text: "ten".into() },
        LineError::Slug { column: "task", problem: "is empty".into() },
        LineError::Event(EventError::UnreadableTimestamp("x".into())),
        LineError::MissingField { column: "date" },
        LineError::BadDate { column: "date", problem: "not a day".into() },
        LineError::NotACount { column: "count", text: "2.5".into() },
        LineError::Record { member: "E001".into(), error: EventError::ZeroCount },
    ];
    check_all(&lines, &declared(METRICS_STREAM, "LineError"));
    let streams = [
        StreamError::UnreadableHeader("x".into()),
        StreamError::MissingColumns,
        StreamError::UnknownColumn { column: "colour".into() },
        StreamError::RepeatedColumn { column: "at".into() },
        StreamError::Read { line: 3, problem: "gone".into() },
        StreamError::RecordColumns { problem: "no column `date`".into(), expected: "member, date".into() },
        StreamError::BatchColumns { problem: "no column `at`".into(), expected: "member, at".into() },
        StreamError::ColumnType { column: "at".into(), found: "Boolean".into(), expected: "timestamps or text" },
    ];
    check_all(&streams, &declared(METRICS_STREAM, "StreamError"));
    let stores = [
        StoreError::Event { index: 0, error: EventError::UnreadableTimestamp("x".into()) },
        StoreError::DaySpan { first: "2000-01-01".parse().unwrap(), last: "2030-01-01".parse().unwrap() },
        StoreError::TooManyKinds { kinds: 70_000 },
        StoreError::DayConflict { member: "E001".into(), date: "2026-08-03".parse().unwrap(), task: None, tool: None },
        StoreError::PeriodOverlap {
            member: "E001".into(),
            first: ("2026-08-01".parse().unwrap(), "2026-08-31".parse().unwrap()),
            second: ("2026-08-03".parse().unwrap(), "2026-08-09".parse().unwrap()),
        },
        StoreError::MixedGranularity {
            member: "E001".into(),
            date: "2026-08-04".parse().unwrap(),
            period: ("2026-08-01".parse().unwrap(), "2026-08-31".parse().unwrap()),
        },
    ];
    check_all(&stores, &declared(METRICS_STORE, "StoreError"));
    let kpis = [
        KpiError::Store(StoreError::TooManyKinds { kinds: 70_000 }),
        KpiError::UnknownUnit(UnitId::from_u128(1)),
        KpiError::Partial(PartialError::UnknownMember(MemberId::from_u128(1))),
    ];
    check_all(&kpis, &declared(METRICS_KPIS, "KpiError"));
    let partials = [
        PartialError::TooLong { bytes: 2, limit: 1 },
        PartialError::Json("expected value".into()),
        PartialError::Format("x".into()),
        PartialError::Version { found: 2, supported: 1 },
        PartialError::Invalid { member: None, field: "kinds", problem: "not sorted".into() },
        PartialError::Mismatch { what: "as_of", left: "2026-05-10".into(), right: "2026-05-11".into() },
        PartialError::Overflow { field: "stored" },
        PartialError::UnknownMember(MemberId::from_u128(1)),
    ];
    check_all(&partials, &declared(METRICS_PARTIAL, "PartialError"));
    let batches = [
        BatchPartialError::TooLong { bytes: 2, limit: 1 },
        BatchPartialError::Json("expected value".into()),
        BatchPartialError::Format("x".into()),
        BatchPartialError::Version { found: 2, supported: 1 },
        BatchPartialError::Invalid { subject: "e-1".into(), problem: "listed twice".into() },
        BatchPartialError::RubricMismatch { left: "a@1#h".into(), right: "b@1#h".into() },
        BatchPartialError::SubjectInTwoShards { subject: "e-1".into() },
    ];
    check_all(&batches, &declared(RULES_PARTIAL, "BatchPartialError"));
}

#[test]
fn every_load_outcome_and_import_error_has_japanese_words() {
    let line = UsageBadLine::new("a.csv", 4, LineError::MissingMember);
    let loads = [
        LoadError::Document(DocumentError::MissingVersion),
        LoadError::Invalid(vec![ValidationError::UnknownPlaybook { id: PlaybookId::new("x").unwrap() }].into()),
        LoadError::UsageFilesNeedASource { files: vec!["a.csv".into()] },
        LoadError::UsageFileUnreadable { file: "a.csv".into(), problem: "gone".into() },
        LoadError::UsageFile { file: "a.csv".into(), error: StreamError::MissingColumns },
        LoadError::BadLines { count: 2, lines: vec![line] },
        LoadError::Store(StoreError::TooManyKinds { kinds: 70_000 }),
    ];
    check_all(&loads, &declared(LOAD, "LoadError"));
    assert_eq!(
        loads[5].message(Lang::Ja),
        "利用イベントの行のうち 2 行が読めません（最初は a.csv:4: `member`が空です）"
    );
    let outcomes = [
        OutcomeFileError::Header { problem: "no column `outcome`".into() },
        OutcomeFileError::Row { row: 2, problem: "`value`: not a number".into() },
        OutcomeFileError::TooManyRows { limit: 10 },
    ];
    check_all(&outcomes, &declared(OUTCOMES, "OutcomeFileError"));
    let row =
        BadRow { line: 3, key: Some("E2".into()), name: None, problems: vec!["no joined date (入社日)".into()] };
    let imports = [
        ImportError::TooLarge { found: 1 << 30 },
        ImportError::Encoding { expected: "UTF-8 or Shift-JIS (CP932)".into() },
        ImportError::Xlsx("zip".into()),
        ImportError::XlsxNotBuilt,
        ImportError::Csv { line: 2, problem: "x".into() },
        ImportError::Empty,
        ImportError::MissingColumns { missing: vec!["key (社員番号) or email (メール)".into()] },
        ImportError::RepeatedColumn { column: "key", first: "社員番号".into(), second: "社員コード".into() },
        ImportError::BadRows { count: 1, rows: vec![row] },
        ImportError::Document(DocumentError::MissingVersion),
    ];
    check_all(&imports, &declared(IMPORT, "ImportError"));
    assert_eq!(imports[6].message(Lang::Ja), "1行目: 見出しに「社員番号」または「メール」の列がありません");
    assert_eq!(imports[8].message(Lang::Ja), "メンバー一覧の 1 行を読めません:\n  3行目（`E2`）: 入社日がありません");
}

#[test]
fn member_list_row_problems_read_in_japanese() {
    // The problems `import_members` writes, each as the import makes it.
    let csv = "社員番号,氏名,部署,入社日,退職日\nE001,佐藤,営業,2020-04-01,\nE002,鈴木,,2020-13-01,\nE001,高橋,営業,2021-04-01,2020-01-01\n";
    let Err(e) = teichaku_import::import_members(
        csv.as_bytes(),
        &teichaku_import::ImportOptions::new("2026-04-01".parse().unwrap()),
    ) else {
        panic!("rows 3 and 4 are bad")
    };
    assert_eq!(
        e.message(Lang::Ja),
        "メンバー一覧の 2 行を読めません:\n  3行目（`E002` 鈴木）: 部署が空です、入社日: `2020-13-01`は日付ではありません（2026-04-01、2026/4/1、2026年4月1日）\n  4行目（`E001` 高橋）: キー `E001`が2行目と重複しています、退職日が入社日より前です"
    );
}

#[test]
fn every_what_if_error_has_japanese_words() {
    const SIMULATE: &str = include_str!("../../../teichaku/src/simulate.rs");
    const COMPLETE: &str = include_str!("../../../teichaku/src/complete.rs");
    let simulate = [
        teichaku::SimulateError::InvalidObservations {
            problems: teichaku::model::ValidationErrors::from(vec![ValidationError::UnknownPlaybook {
                id: PlaybookId::new("x").unwrap(),
            }]),
        },
        teichaku::SimulateError::UsageFiles { files: vec!["u.csv".into()] },
        teichaku::SimulateError::UsageEvent { index: 0, error: EventError::UnreadableTimestamp("x".into()) },
        teichaku::SimulateError::Kpi(KpiError::UnknownUnit(UnitId::from_u128(1))),
        teichaku::SimulateError::UsageWithStore { events: 2 },
    ];
    check_all(&simulate, &declared(SIMULATE, "SimulateError"));
    let names = [
        teichaku::CompletionNameError::UnknownActivity { activity: "x".into(), known: vec!["kick-off".into()] },
        teichaku::CompletionNameError::UnknownUnit { unit: "営業".into() },
        teichaku::CompletionNameError::OrganisationWide { activity: "kick-off".into() },
        teichaku::CompletionNameError::NothingReady { activity: "training".into() },
    ];
    check_all(&names, &declared(COMPLETE, "CompletionNameError"));
}

#[test]
fn every_vendor_error_has_japanese_words() {
    let lines = [
        VendorLineError::NotUtf8,
        VendorLineError::Unreadable { problem: "expected value at line 1 column 1".into() },
        VendorLineError::MissingField { field: "user_login" },
        VendorLineError::BadDate { field: "day", text: "10/01/2025".into() },
        VendorLineError::BadValue {
            field: "user_initiated_interaction_count",
            text: "-1".into(),
            expected: "a whole number",
        },
        VendorLineError::AfterRefresh {
            field: "Last activity date".into(),
            date: "2025-10-02".parse().unwrap(),
            refreshed: "2025-10-01".parse().unwrap(),
        },
    ];
    check_all(&lines, &declared(VENDOR, "VendorLineError"));
    let whole = [
        VendorError::UnknownVendor { name: "chatgpt".into() },
        VendorError::TooLarge { bytes: 1 << 31, limit: 1 << 30 },
        VendorError::UnreadableHeader { problem: "x".into() },
        VendorError::MissingColumn { column: "User Principal Name".into() },
        VendorError::Logins { line: 2, problem: "x".into() },
    ];
    check_all(&whole, &declared(VENDOR, "VendorError"));
    // Every value a row can be expected to be has its Japanese words.
    for expected in ["a text", "a day", "a whole number", "true or false", "a day such as 2025-10-01"] {
        let e = VendorLineError::BadValue { field: "f", text: "x".into(), expected };
        assert!(!e.message(Lang::Ja).contains(expected), "{expected}");
    }
}
