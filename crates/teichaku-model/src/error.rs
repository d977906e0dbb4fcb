//! Validation errors: each names the record it is about, by position and id.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::{
    ActivityId, ActivityScope, ConditionId, ConsultationId, CriterionId, IncidentId, InterventionId, Limit, MemberId,
    OutcomeId, PhaseId, PlaybookId, ProposalId, Role, RuleReviewId, SuccessCaseId, SurveyId, TaskCategory, ToolId,
    UnitId,
};

/// A member or unit named in a message by its position in its list (from 0, as [`Record`]
/// counts), its own key and its name.
///
/// ```
/// use teichaku_model::KeyHolder;
/// let h = KeyHolder { index: 3, key: Some("E004".into()), name: None };
/// assert_eq!(h.to_string(), "#3 `E004`");
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct KeyHolder {
    /// The position in its list, from 0.
    pub index: usize,
    /// Its key (for a member without one, its e-mail address).
    pub key: Option<String>,
    /// Its name, if it has one.
    pub name: Option<String>,
}

impl fmt::Display for KeyHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.index)?;
        if let Some(key) = &self.key {
            write!(f, " `{key}`")?;
        }
        if let Some(name) = &self.name {
            write!(f, " ({name})")?;
        }
        Ok(())
    }
}

/// A record of a document, by its position in its list (from 0) and its id where it has one; a
/// member or unit also by its own key or code and its name, which a message shows in place of a
/// uuid derived from the key.
///
/// ```
/// use teichaku_model::{MemberId, Record};
/// let r = Record::Member { index: 3, id: MemberId::from_u128(7), key: None, name: None };
/// assert_eq!(r.to_string(), "member #3 `00000000-0000-0000-0000-000000000007`");
/// let r = Record::Member { index: 3, id: MemberId::from_key("E004"), key: Some("E004".into()), name: Some("佐藤".into()) };
/// assert_eq!(r.to_string(), "member #3 `E004` (佐藤)");
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
#[non_exhaustive]
#[allow(missing_docs, reason = "the variants' fields are the record's position and id, named alike throughout")]
pub enum Record {
    /// The document as a whole.
    Document,
    /// The organisation itself.
    Organisation,
    /// `organisation.units[index]`, with its code and name.
    Unit {
        index: usize,
        id: UnitId,
        /// The unit's own code, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        code: Option<String>,
        /// The unit's name.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// `organisation.members[index]`, with its key (or e-mail address) and name.
    Member {
        index: usize,
        id: MemberId,
        /// The member's own key, else e-mail address, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        key: Option<String>,
        /// The member's name, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// `organisation.waves[index]`.
    Wave { index: usize },
    /// `organisation.task_baselines[index]`.
    TaskBaseline { index: usize, task: TaskCategory },
    /// `organisation.hourly_rate`.
    HourlyRate,
    /// The playbook itself.
    Playbook { id: PlaybookId },
    /// `playbook.phases[index]`.
    Phase { index: usize, id: PhaseId },
    /// `playbook.phases[phase].gate.criteria[index]`.
    Criterion { phase: PhaseId, index: usize, id: CriterionId },
    /// `playbook.activities[index]`.
    Activity { index: usize, id: ActivityId },
    /// `playbook.kpi_targets[index]`.
    KpiTarget { index: usize },
    /// `playbook.interventions[index]`.
    Intervention { index: usize, id: InterventionId },
    /// `playbook.scoring.components[index]`.
    ScoreComponent { index: usize },
    /// `playbook.scoring.absolute_conditions[index]`.
    AbsoluteCondition { index: usize, id: ConditionId },
    /// `playbook.scoring`.
    ScoringModel,
    /// `playbook.metrics`.
    MetricSettings,
    /// `playbook.urgency`.
    Urgency,
    /// `playbook.task_baselines[index]`.
    PlaybookTaskBaseline { index: usize, task: TaskCategory },
    /// The observations as a whole.
    Observations,
    /// `observations.completions[index]`.
    Completion { index: usize, activity: ActivityId },
    /// `observations.usage[index]`.
    UsageEvent { index: usize, member: MemberId },
    /// `observations.trainings[index]`.
    Training { index: usize, member: MemberId },
    /// `observations.surveys[index]`.
    Survey { index: usize, id: SurveyId },
    /// `observations.proposals[index]`.
    Proposal { index: usize, id: ProposalId },
    /// `observations.consultations[index]`.
    Consultation { index: usize, id: ConsultationId },
    /// `observations.incidents[index]`.
    Incident { index: usize, id: IncidentId },
    /// `observations.rule_reviews[index]`.
    RuleReview { index: usize, id: RuleReviewId },
    /// `observations.success_cases[index]`.
    SuccessCase { index: usize, id: SuccessCaseId },
    /// `playbook.outcomes[index]`.
    OutcomeKpi { index: usize, id: OutcomeId },
    /// `playbook.outcome_targets[index]`.
    OutcomeTarget { index: usize, outcome: OutcomeId },
    /// `organisation.outcomes[index]`: an outcome KPI of the organisation's own.
    OrganisationOutcomeKpi { index: usize, id: OutcomeId },
    /// `organisation.kpi_targets[index]`: a KPI target of the organisation's own.
    OrganisationKpiTarget { index: usize },
    /// `organisation.outcome_targets[index]`: an outcome target of the organisation's own.
    OrganisationOutcomeTarget { index: usize, outcome: OutcomeId },
    /// `observations.outcomes[index]`: the outcome record at position `index` (from 0).
    Outcome { index: usize, outcome: OutcomeId },
    /// Row `row` (from 1, the header not counted) of the outcomes file the caller passed beside
    /// the document.
    OutcomeRow { row: u64, outcome: OutcomeId },
    /// `organisation.changes[number - 1]`: the change numbered `number` from 1, of `member`,
    /// with the member's key (or e-mail address) and name where they have one.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Record};
    /// let r = Record::Change { number: 2, member: MemberId::from_key("E007"), key: Some("E007".into()), name: Some("伊藤 修".into()) };
    /// assert_eq!(r.to_string(), "change #2 of member `E007` (伊藤 修)");
    /// ```
    Change { number: usize, member: MemberId, key: Option<String>, name: Option<String> },
    /// `organisation.tools[index]`.
    ///
    /// ```
    /// use teichaku_model::{Record, ToolId};
    /// let r = Record::Tool { index: 0, tool: ToolId::new("meeting-notes-ai")? };
    /// assert_eq!(r.to_string(), "new tool #0 `meeting-notes-ai`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Tool { index: usize, tool: ToolId },
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Record::Document => write!(f, "the document"),
            Record::Organisation => write!(f, "the organisation"),
            Record::Unit { index, id, code, name } => {
                match code {
                    Some(code) => write!(f, "unit #{index} `{code}`")?,
                    None => write!(f, "unit #{index} `{id}`")?,
                }
                name.as_ref().map_or(Ok(()), |name| write!(f, " ({name})"))
            }
            Record::Member { index, id, key, name } => {
                match key {
                    Some(key) => write!(f, "member #{index} `{key}`")?,
                    None => write!(f, "member #{index} `{id}`")?,
                }
                name.as_ref().map_or(Ok(()), |name| write!(f, " ({name})"))
            }
            Record::Wave { index } => write!(f, "wave #{index}"),
            Record::TaskBaseline { index, task } => write!(f, "task baseline #{index} `{task}`"),
            Record::HourlyRate => write!(f, "the hourly rate"),
            Record::Playbook { id } => write!(f, "playbook `{id}`"),
            Record::Phase { index, id } => write!(f, "phase #{index} `{id}`"),
            Record::Criterion { phase, index, id } => write!(f, "criterion #{index} `{id}` of phase `{phase}`"),
            Record::Activity { index, id } => write!(f, "activity #{index} `{id}`"),
            Record::KpiTarget { index } => write!(f, "KPI target #{index}"),
            Record::Intervention { index, id } => write!(f, "intervention #{index} `{id}`"),
            Record::ScoreComponent { index } => write!(f, "score component #{index}"),
            Record::AbsoluteCondition { index, id } => write!(f, "absolute condition #{index} `{id}`"),
            Record::ScoringModel => write!(f, "the scoring model"),
            Record::MetricSettings => write!(f, "the metric settings"),
            Record::Urgency => write!(f, "the urgency coefficients"),
            Record::PlaybookTaskBaseline { index, task } => write!(f, "playbook task baseline #{index} `{task}`"),
            Record::Observations => write!(f, "the observations"),
            Record::Completion { index, activity } => write!(f, "completion #{index} of `{activity}`"),
            Record::UsageEvent { index, member } => write!(f, "usage event #{index} of member `{member}`"),
            Record::Training { index, member } => write!(f, "training #{index} of member `{member}`"),
            Record::Survey { index, id } => write!(f, "survey response #{index} `{id}`"),
            Record::Proposal { index, id } => write!(f, "proposal #{index} `{id}`"),
            Record::Consultation { index, id } => write!(f, "consultation #{index} `{id}`"),
            Record::Incident { index, id } => write!(f, "incident #{index} `{id}`"),
            Record::RuleReview { index, id } => write!(f, "rule review #{index} `{id}`"),
            Record::SuccessCase { index, id } => write!(f, "success case #{index} `{id}`"),
            Record::OutcomeKpi { index, id } => write!(f, "outcome KPI #{index} `{id}`"),
            Record::OutcomeTarget { index, outcome } => write!(f, "outcome target #{index} of `{outcome}`"),
            Record::OrganisationOutcomeKpi { index, id } => write!(f, "the organisation's outcome KPI #{index} `{id}`"),
            Record::OrganisationKpiTarget { index } => write!(f, "the organisation's KPI target #{index}"),
            Record::OrganisationOutcomeTarget { index, outcome } => {
                write!(f, "the organisation's outcome target #{index} of `{outcome}`")
            }
            Record::Outcome { index, outcome } => write!(f, "outcome record #{index} of `{outcome}`"),
            Record::OutcomeRow { row, outcome } => write!(f, "outcomes file row {row} (`{outcome}`)"),
            Record::Change { number, member, key, name } => {
                match key {
                    Some(key) => write!(f, "change #{number} of member `{key}`")?,
                    None => write!(f, "change #{number} of member `{member}`")?,
                }
                match name {
                    Some(name) => write!(f, " ({name})"),
                    None => Ok(()),
                }
            }
            Record::Tool { index, tool } => write!(f, "new tool #{index} `{tool}`"),
        }
    }
}

/// What is wrong with a number.
///
/// ```
/// use teichaku_model::NumberProblem;
/// assert_eq!(NumberProblem::Negative.to_string(), "is negative");
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NumberProblem {
    /// NaN or infinite.
    NotFinite,
    /// Below zero.
    Negative,
    /// Zero or below where only positive values make sense.
    NotPositive,
    /// Outside `[min, max]`.
    OutOfRange {
        /// The smallest value allowed.
        min: f64,
        /// The largest value allowed.
        max: f64,
    },
}

impl fmt::Display for NumberProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberProblem::NotFinite => write!(f, "is not a finite number"),
            NumberProblem::Negative => write!(f, "is negative"),
            NumberProblem::NotPositive => write!(f, "must be greater than zero"),
            NumberProblem::OutOfRange { min, max } => write!(f, "lies outside {min} to {max}"),
        }
    }
}

/// One problem found by [`crate::validate`].
///
/// ```
/// use teichaku_model::{MemberId, Record, UnitId, ValidationError};
/// let e = ValidationError::UnknownUnit {
///     record: Record::Member { index: 0, id: MemberId::from_u128(1), key: None, name: None },
///     unit: UnitId::from_u128(9),
/// };
/// assert_eq!(
///     e.to_string(),
///     "member #0 `00000000-0000-0000-0000-000000000001` names unknown unit `00000000-0000-0000-0000-000000000009`",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValidationError {
    /// The document names a playbook the catalog does not have.
    #[error("the document follows unknown playbook `{id}`")]
    UnknownPlaybook {
        /// The id asked for.
        id: PlaybookId,
    },
    /// A document of a version this build cannot read.
    #[error("{record} has format version {found}; this build reads versions 1 to {supported}")]
    UnsupportedVersion {
        /// The document.
        record: Record,
        /// The version found.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// Two records of one list share an id.
    #[error("{record} repeats the id of record #{first_index}")]
    DuplicateId {
        /// The later record.
        record: Record,
        /// The position of the first record with that id.
        first_index: usize,
    },
    /// Two members share a key or e-mail address (compared as keys are: an e-mail address
    /// without regard to ASCII case), so a reference by it could name either.
    ///
    /// ```
    /// use teichaku_model::{KeyHolder, ValidationError};
    /// let e = ValidationError::DuplicateKey {
    ///     key: "E001".into(),
    ///     first: KeyHolder { index: 0, key: Some("E001".into()), name: Some("佐藤 花子".into()) },
    ///     second: KeyHolder { index: 4, key: Some("E001".into()), name: Some("鈴木 一郎".into()) },
    /// };
    /// assert_eq!(e.to_string(), "member #4 `E001` (鈴木 一郎) repeats the key `E001` of member #0 `E001` (佐藤 花子)");
    /// ```
    #[error("member {second} repeats the key `{key}` of member {first}")]
    DuplicateKey {
        /// The key, as compared (an e-mail address in ASCII lower case).
        key: String,
        /// The first member holding it.
        first: KeyHolder,
        /// The later member holding it.
        second: KeyHolder,
    },
    /// Two units share a code.
    ///
    /// ```
    /// use teichaku_model::{KeyHolder, ValidationError};
    /// let e = ValidationError::DuplicateUnitCode {
    ///     code: "S".into(),
    ///     first: KeyHolder { index: 0, key: Some("S".into()), name: Some("Sales".into()) },
    ///     second: KeyHolder { index: 2, key: Some("S".into()), name: Some("Support".into()) },
    /// };
    /// assert_eq!(e.to_string(), "unit #2 `S` (Support) repeats the code `S` of unit #0 `S` (Sales)");
    /// ```
    #[error("unit {second} repeats the code `{code}` of unit {first}")]
    DuplicateUnitCode {
        /// The code.
        code: String,
        /// The first unit holding it.
        first: KeyHolder,
        /// The later unit holding it.
        second: KeyHolder,
    },
    /// A reference to a unit that does not exist.
    #[error("{record} names unknown unit `{unit}`")]
    UnknownUnit {
        /// The record holding the reference.
        record: Record,
        /// The unit named.
        unit: UnitId,
    },
    /// A reference to a member who does not exist.
    #[error("{record} names unknown member `{member}`")]
    UnknownMember {
        /// The record holding the reference.
        record: Record,
        /// The member named.
        member: MemberId,
    },
    /// A reference to an outcome KPI the playbook does not declare.
    #[error("{record} names unknown outcome KPI `{outcome}`")]
    UnknownOutcome {
        /// The record holding the reference.
        record: Record,
        /// The outcome named.
        outcome: OutcomeId,
    },
    /// An outcome record in another unit than the one its outcome KPI is declared in.
    #[error("{record} is measured in `{found}`, but outcome KPI `{outcome}` is declared in `{declared}`")]
    OutcomeUnitMismatch {
        /// The outcome record.
        record: Record,
        /// The outcome KPI.
        outcome: OutcomeId,
        /// The declared unit.
        declared: String,
        /// The unit the record gives.
        found: String,
    },
    /// An outcome KPI of the organisation's own with the id of one the playbook declares: which
    /// declaration would hold is not guessed.
    #[error("{record} declares outcome KPI `{outcome}`, which the playbook declares already")]
    OutcomeDeclaredTwice {
        /// The organisation's outcome KPI.
        record: Record,
        /// Its id.
        outcome: OutcomeId,
    },
    /// A target of the organisation's own that names the same KPI or outcome, direction, due day,
    /// anchor and scope as another target (the playbook's, or one of its own listed before):
    /// which threshold would hold is not guessed.
    #[error("{record} repeats {other}: the same measure, direction, due day, anchor and scope")]
    TargetDeclaredTwice {
        /// The organisation's target.
        record: Record,
        /// The target it repeats.
        other: Record,
    },
    /// A reference to an activity the playbook does not have.
    #[error("{record} names unknown activity `{activity}`")]
    UnknownActivity {
        /// The record holding the reference.
        record: Record,
        /// The activity named.
        activity: ActivityId,
    },
    /// An `activity_recent` check or condition naming a per-unit activity: how recent it is
    /// would differ unit by unit, so only an organisation-wide activity can be asked to be recent.
    #[error("{record}: `activity_recent` needs an organisation-wide activity, but `{activity}` is per unit")]
    RecentPerUnit {
        /// The criterion, intervention or condition holding the reference.
        record: Record,
        /// The activity named.
        activity: ActivityId,
    },
    /// A reference to a phase the playbook does not have.
    #[error("{record} names unknown phase `{phase}`")]
    UnknownPhase {
        /// The record holding the reference.
        record: Record,
        /// The phase named.
        phase: PhaseId,
    },
    /// Units whose parents form a loop.
    #[error("units form a parent cycle: {}", list(.units))]
    UnitCycle {
        /// Every unit on the cycle, sorted.
        units: Vec<UnitId>,
    },
    /// Activities whose dependencies (timing anchors included) form a loop.
    #[error("activities form a dependency cycle: {}", list(.activities))]
    DependencyCycle {
        /// Every activity on the cycle, sorted.
        activities: Vec<ActivityId>,
    },
    /// An activity waits for an activity of a later phase.
    #[error("{record} in phase `{phase}` depends on `{dependency}` of the later phase `{dependency_phase}`")]
    DependsOnLaterPhase {
        /// The activity.
        record: Record,
        /// Its phase.
        phase: PhaseId,
        /// The activity it waits for.
        dependency: ActivityId,
        /// That activity's phase.
        dependency_phase: PhaseId,
    },
    /// The same member listed twice, in different units.
    #[error(
        "member `{member}` is placed twice: in unit `{first_unit}` (#{first_index}) and in unit `{second_unit}` (#{second_index})"
    )]
    MemberPlacedTwice {
        /// The member.
        member: MemberId,
        /// The first listing's position.
        first_index: usize,
        /// The first listing's unit.
        first_unit: UnitId,
        /// The second listing's position.
        second_index: usize,
        /// The second listing's unit.
        second_unit: UnitId,
    },
    /// The same unit in two rollout waves.
    #[error("unit `{unit}` is in wave #{first_wave} and again in wave #{second_wave}")]
    UnitInTwoWaves {
        /// The unit.
        unit: UnitId,
        /// The first wave.
        first_wave: usize,
        /// The second wave.
        second_wave: usize,
    },
    /// A date earlier than the date it must follow (left before joined, resolved before opened, ...).
    #[error("{record} has {field} {date}, before its {earlier_field} {earlier}")]
    DatesOutOfOrder {
        /// The record.
        record: Record,
        /// The later field, such as `left`.
        field: &'static str,
        /// Its value.
        date: NaiveDate,
        /// The field it must not precede, such as `joined`.
        earlier_field: &'static str,
        /// Its value.
        earlier: NaiveDate,
    },
    /// A number that makes no sense where it stands.
    #[error("{record}: `{field}` = {value} {problem}")]
    InvalidNumber {
        /// The record.
        record: Record,
        /// The field.
        field: &'static str,
        /// The value found.
        value: f64,
        /// What is wrong with it.
        problem: NumberProblem,
    },
    /// A survey answer outside its scale.
    #[error("{record}: `{field}` = {value} lies outside the scale {min} to {max}")]
    SurveyAnswerOutOfRange {
        /// The survey response.
        record: Record,
        /// The question.
        field: &'static str,
        /// The answer found.
        value: u8,
        /// The lowest answer.
        min: u8,
        /// The highest answer.
        max: u8,
    },
    /// A timestamp that cannot be read.
    #[error("{record}: unreadable timestamp {text:?}: expected RFC 3339 such as 2026-04-01T09:30:00+09:00")]
    UnreadableTimestamp {
        /// The record.
        record: Record,
        /// The text found (at most 64 characters of it).
        text: String,
    },
    /// A completion that names a unit for an organisation-wide activity, or none for a per-unit one.
    #[error("{record}: activity `{activity}` is {} but the completion {}", scope_word(*.scope), if *.scope == ActivityScope::PerUnit { "names no unit" } else { "names a unit" })]
    CompletionScope {
        /// The completion.
        record: Record,
        /// The activity.
        activity: ActivityId,
        /// The activity's scope.
        scope: ActivityScope,
    },
    /// A condition nested deeper than [`crate::MAX_CONDITION_DEPTH`].
    #[error("{record}: condition nests {depth} deep, deeper than the limit of {limit}")]
    ConditionTooDeep {
        /// The record holding the condition.
        record: Record,
        /// The depth found.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// The scoring model uses the retention score to compute the retention score.
    #[error("{record} uses the retention score, which it helps compute")]
    CircularScore {
        /// The component or absolute condition.
        record: Record,
    },
    /// A list longer than its [`Limits`](crate::Limits) allow; reported before any other check,
    /// which is skipped.
    #[error("{record} has {found} {what}, more than the limit of {limit}")]
    LimitExceeded {
        /// The record holding the list: the organisation, the playbook, a phase or the
        /// observations.
        record: Record,
        /// Which limit.
        what: Limit,
        /// The limit.
        limit: usize,
        /// How many were found.
        found: usize,
    },
    /// A dated change to a member's facts before the member joined, or on or after the day
    /// they left.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Record, ValidationError};
    /// let e = ValidationError::ChangeOutsideTenure {
    ///     record: Record::Change { number: 1, member: MemberId::from_key("E001"), key: Some("E001".into()), name: None },
    ///     on: "2026-03-01".parse()?,
    ///     joined: "2026-04-01".parse()?,
    ///     left: None,
    /// };
    /// assert_eq!(e.to_string(), "change #1 of member `E001` takes effect on 2026-03-01, before the member joined on 2026-04-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("{record} takes effect on {on}, {}", tenure(*.on, *.joined, *.left))]
    ChangeOutsideTenure {
        /// The change.
        record: Record,
        /// The day it takes effect.
        on: NaiveDate,
        /// The day the member joined.
        joined: NaiveDate,
        /// The first day the member no longer counts, if they left.
        left: Option<NaiveDate>,
    },
    /// A dated change removing a role the member does not hold on the day before it, or adding
    /// one they already hold.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Record, Role, ValidationError};
    /// let e = ValidationError::RoleChange {
    ///     record: Record::Change { number: 3, member: MemberId::from_key("E001"), key: Some("E001".into()), name: None },
    ///     role: Role::Ambassador,
    ///     on: "2026-10-01".parse()?,
    ///     held: false,
    /// };
    /// assert_eq!(e.to_string(), "change #3 of member `E001` removes role `ambassador`, which the member does not hold before 2026-10-01");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error(
        "{record} {} role `{}`, which the member {} before {on}",
        if *.held { "adds" } else { "removes" },
        .role.as_str(),
        if *.held { "already holds" } else { "does not hold" }
    )]
    RoleChange {
        /// The change.
        record: Record,
        /// The role added or removed.
        role: Role,
        /// The day the change takes effect.
        on: NaiveDate,
        /// Whether the member holds the role before `on`: `true` for an addition of a role
        /// already held, `false` for a removal of a role not held.
        held: bool,
    },
    /// Two changes of one fact of one member taking effect on the same day (or one change adding
    /// and removing the same role): which holds that day would depend on their order.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Record, ValidationError};
    /// let e = ValidationError::ConflictingChanges {
    ///     record: Record::Change { number: 4, member: MemberId::from_key("E001"), key: Some("E001".into()), name: None },
    ///     fact: "unit".into(),
    ///     on: "2026-10-01".parse()?,
    ///     first: 2,
    /// };
    /// assert_eq!(
    ///     e.to_string(),
    ///     "change #4 of member `E001` changes `unit` on 2026-10-01, as change #2 does: put both in one change or on different days",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[error("{record} changes `{fact}` on {on}, as change #{first} does: put both in one change or on different days")]
    ConflictingChanges {
        /// The later change.
        record: Record,
        /// The fact both change: `unit`, `literacy`, `age_band` or `role <name>`.
        fact: String,
        /// The day.
        on: NaiveDate,
        /// The number (from 1) of the earlier change of the fact that day.
        first: usize,
    },
    /// A playbook without phases.
    #[error("{record} is empty: {what}")]
    Empty {
        /// The record.
        record: Record,
        /// What is missing.
        what: &'static str,
    },
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(" -> ")
}

fn tenure(on: NaiveDate, joined: NaiveDate, left: Option<NaiveDate>) -> String {
    match left {
        Some(left) if on >= left => format!("on or after the day the member left ({left})"),
        _ => format!("before the member joined on {joined}"),
    }
}

fn scope_word(scope: ActivityScope) -> &'static str {
    match scope {
        ActivityScope::Organisation => "organisation-wide",
        ActivityScope::PerUnit => "per unit",
    }
}

/// Every problem [`crate::validate`] found, in the order of the document.
///
/// ```
/// use teichaku_model::{PlaybookId, ValidationError, ValidationErrors};
/// let errs = ValidationErrors::from(vec![ValidationError::UnknownPlaybook { id: PlaybookId::new("x")? }]);
/// assert_eq!(errs.len(), 1);
/// assert_eq!(errs.to_string(), "the document follows unknown playbook `x`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none (never, for a value returned by `validate`).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// The problems, owned.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }
}

impl From<Vec<ValidationError>> for ValidationErrors {
    fn from(errors: Vec<ValidationError>) -> Self {
        Self(errors)
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
