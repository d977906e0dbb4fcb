//! Observations: what happened in the organisation, as exported by its tools.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    ActivityId, ConsultationId, IncidentId, MemberId, OutcomeRecord, ProposalId, RuleReviewId, SuccessCaseId, SurveyId,
    TaskCategory, Timestamp, ToolId, UnitId,
};

/// Everything observed up to the moment of export; records after `as_of` are ignored by each
/// computation, not rejected, so one export can be assessed at several dates.
///
/// ```
/// use teichaku_model::Observations;
/// let o: Observations = serde_json::from_str("{}")?;
/// assert!(o.usage.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Observations {
    /// Activities completed.
    #[serde(default)]
    pub completions: Vec<Completion>,
    /// Uses of an AI tool.
    #[serde(default)]
    pub usage: Vec<UsageEvent>,
    /// Files of further usage events (CSV or JSON Lines, by extension), relative to the
    /// document; the command line streams them, the engine reads no files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_files: Vec<String>,
    /// Files of member-day usage records ([`DayRecord`], CSV or JSON Lines by extension),
    /// relative to the document: one row per member and day, as most tools export.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_day_files: Vec<String>,
    /// Files of member-period usage records ([`PeriodRecord`], CSV or JSON Lines by extension),
    /// relative to the document: one row per member and period (a week, a month).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_period_files: Vec<String>,
    /// Training sessions members completed.
    #[serde(default)]
    pub trainings: Vec<TrainingRecord>,
    /// Survey answers.
    #[serde(default)]
    pub surveys: Vec<SurveyResponse>,
    /// Improvement proposals.
    #[serde(default)]
    pub proposals: Vec<Proposal>,
    /// Questions asked to the desk or an ambassador.
    #[serde(default)]
    pub consultations: Vec<Consultation>,
    /// Breaches of the usage rules.
    #[serde(default)]
    pub incidents: Vec<RuleIncident>,
    /// Reviews of the usage rules.
    #[serde(default)]
    pub rule_reviews: Vec<RuleReview>,
    /// Success cases shared.
    #[serde(default)]
    pub success_cases: Vec<SuccessCase>,
    /// Values of the playbook's outcome KPIs (business measures such as cost or new orders).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<OutcomeRecord>,
}

/// An activity completed, once for the organisation or in one unit.
///
/// A recurring activity is completed many times: each occurrence is its own record.
///
/// ```
/// use teichaku_model::{ActivityId, Completion};
/// let c = Completion::new(ActivityId::new("kick-off")?, "2026-04-01".parse()?);
/// assert!(c.unit.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Completion {
    /// The activity.
    pub activity: ActivityId,
    /// The unit it was done in: required for a per-unit activity, absent for an organisation-wide one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// The day it was finished.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Who did it, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<MemberId>,
}

/// One use of an AI tool by a member.
///
/// ```
/// use teichaku_model::{MemberId, UsageEvent};
/// let e: UsageEvent = serde_json::from_str(r#"{
///   "member": "00000000-0000-0000-0000-000000000007",
///   "at": "2026-04-01T09:30:00+09:00", "minutes": 6, "task": "email", "saved_minutes": 10
/// }"#)?;
/// assert_eq!(e.member, MemberId::from_u128(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UsageEvent {
    /// Who used it.
    pub member: MemberId,
    /// When.
    pub at: Timestamp,
    /// Minutes spent with the tool; finite and not negative.
    #[serde(default)]
    pub minutes: f64,
    /// The kind of task, if the tool records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskCategory>,
    /// The tool used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<ToolId>,
    /// Minutes saved, when measured or self-reported; finite and not negative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_minutes: Option<f64>,
}

/// How finely a usage source records use: the three granularities the engine reads.
///
/// ```
/// use teichaku_model::Granularity;
/// assert_eq!("day".parse::<Granularity>(), Ok(Granularity::Day));
/// assert_eq!(Granularity::Period.to_string(), "period");
/// assert!("month".parse::<Granularity>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Granularity {
    /// One row per use ([`UsageEvent`]).
    Event,
    /// One row per member and day ([`DayRecord`]).
    Day,
    /// One row per member and period of days ([`PeriodRecord`]).
    Period,
}

impl Granularity {
    /// Every granularity, finest first.
    pub const ALL: [Self; 3] = [Self::Event, Self::Day, Self::Period];

    /// Its name in files and on the command line: `event`, `day` or `period`.
    ///
    /// ```
    /// assert_eq!(teichaku_model::Granularity::Event.as_str(), "event");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Day => "day",
            Self::Period => "period",
        }
    }
}

impl std::fmt::Display for Granularity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Granularity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == text.trim())
            .ok_or_else(|| format!("unknown granularity `{}`: expected event, day or period", text.trim()))
    }
}

/// A member's use of AI on one local day, as tools export it (one row per member and day, or per
/// member, day, task and tool).
///
/// `count` is the number of uses that day (at least 1: a row says the member used AI that day);
/// without it, the day counts as a usage day and the figures that need the number of uses
/// (intensity) are not measurable. Without `minutes`, the figures that need minutes are not
/// measurable. Two rows for the same member, day, task and tool that differ are a conflict and
/// are refused; exact duplicates are dropped and counted.
///
/// ```
/// use teichaku_model::{DayRecord, MemberId};
/// let r: DayRecord = serde_json::from_str(r#"{
///   "member": "00000000-0000-0000-0000-000000000007", "date": "2026-08-03", "count": 12, "minutes": 40, "tool": "copilot"
/// }"#)?;
/// assert_eq!(r.member, MemberId::from_u128(7));
/// assert_eq!(r.count, Some(12));
/// let r = DayRecord::new(MemberId::from_u128(7), "2026-08-04".parse()?).with_count(3);
/// assert_eq!(r.minutes, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DayRecord {
    /// Who used it: a member's uuid, key or e-mail address.
    pub member: MemberId,
    /// The local day (in the organisation's offset).
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Uses that day, at least 1; unknown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Minutes spent that day; finite and not negative; unknown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
    /// The kind of task, if the tool records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskCategory>,
    /// The tool used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<ToolId>,
    /// Minutes saved that day, when measured or self-reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_minutes: Option<f64>,
}

impl DayRecord {
    /// A record of `member` using AI on `date`, with nothing else known.
    pub fn new(member: MemberId, date: NaiveDate) -> Self {
        Self { member, date, count: None, minutes: None, task: None, tool: None, saved_minutes: None }
    }

    /// With the number of uses that day.
    #[must_use]
    pub fn with_count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// With the minutes spent that day.
    #[must_use]
    pub fn with_minutes(mut self, minutes: f64) -> Self {
        self.minutes = Some(minutes);
        self
    }

    /// With the task.
    #[must_use]
    pub fn with_task(mut self, task: TaskCategory) -> Self {
        self.task = Some(task);
        self
    }

    /// With the tool.
    #[must_use]
    pub fn with_tool(mut self, tool: ToolId) -> Self {
        self.tool = Some(tool);
        self
    }

    /// With the minutes saved that day.
    #[must_use]
    pub fn with_saved_minutes(mut self, minutes: f64) -> Self {
        self.saved_minutes = Some(minutes);
        self
    }
}

/// A member's use of AI over a period of days, start and end inclusive, as reports per week or
/// per month give it: how many of its days had use, and optionally how many uses and minutes.
///
/// Which days had use is not known, so only the figures the period decides are computed: a
/// week made of whole periods, or one the active days settle (a period with no active day, or
/// more active days than it has days outside the week). The others are not measurable.
///
/// ```
/// use teichaku_model::{MemberId, PeriodRecord};
/// let r: PeriodRecord = serde_json::from_str(r#"{
///   "member": "E001", "start": "2026-08-03", "end": "2026-08-09", "active_days": 4, "count": 30
/// }"#)?;
/// assert_eq!(r.member, MemberId::from_key("E001"));
/// assert_eq!(r.active_days, Some(4));
/// let r = PeriodRecord::new(MemberId::from_u128(7), "2026-08-01".parse()?, "2026-08-31".parse()?, 12);
/// assert_eq!(r.minutes, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PeriodRecord {
    /// Who used it: a member's uuid, key or e-mail address.
    pub member: MemberId,
    /// The first day of the period.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub start: NaiveDate,
    /// The last day of the period (inclusive).
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub end: NaiveDate,
    /// Days of the period with use: at most its length; `None` (written `"unknown"`) when the
    /// source does not know on how many of its days the member used AI, which makes its days
    /// unknown days: every figure whose window holds one is not measurable for the member.
    #[serde(with = "active_days")]
    #[schemars(with = "ActiveDaysForm")]
    pub active_days: Option<u32>,
    /// Uses in the period, at least `active_days`; unknown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Minutes in the period; unknown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

impl PeriodRecord {
    /// A record of `member` using AI on `active_days` of the days `start..=end`.
    pub fn new(member: MemberId, start: NaiveDate, end: NaiveDate, active_days: u32) -> Self {
        Self { member, start, end, active_days: Some(active_days), count: None, minutes: None }
    }

    /// A record that `member`'s use of AI on the days `start..=end` is not known: the days
    /// other records of the member give (a day record, an event, a period with active days)
    /// are known, the others are unknown days.
    ///
    /// ```
    /// use teichaku_model::{MemberId, PeriodRecord};
    /// let r = PeriodRecord::unknown(MemberId::from_key("E001"), "2026-07-01".parse()?, "2026-08-07".parse()?);
    /// assert_eq!(r.active_days, None);
    /// assert_eq!(serde_json::to_value(&r)?["active_days"], "unknown");
    /// let back: PeriodRecord = serde_json::from_str(&serde_json::to_string(&r)?)?;
    /// assert_eq!(back, r);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unknown(member: MemberId, start: NaiveDate, end: NaiveDate) -> Self {
        Self { member, start, end, active_days: None, count: None, minutes: None }
    }

    /// With the number of uses in the period.
    #[must_use]
    pub fn with_count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// With the minutes in the period.
    #[must_use]
    pub fn with_minutes(mut self, minutes: f64) -> Self {
        self.minutes = Some(minutes);
        self
    }
}

/// `active_days` as the format writes it: a whole number, or `"unknown"`.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "describes the JSON form of `PeriodRecord::active_days` for the schema only")]
enum ActiveDaysForm {
    /// Days of the period with use.
    Days(u32),
    /// The days' use is not known.
    Unknown(UnknownWord),
}

/// The word `"unknown"`.
#[derive(schemars::JsonSchema)]
#[expect(dead_code, reason = "describes the JSON form of `PeriodRecord::active_days` for the schema only")]
enum UnknownWord {
    /// Not known.
    #[serde(rename = "unknown")]
    Unknown,
}

/// `PeriodRecord::active_days` in JSON: a whole number, or the word `"unknown"` for `None`; the
/// field is required either way.
mod active_days {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(n) => s.serialize_u32(*n),
            None => s.serialize_str("unknown"),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Days(u32),
            Word(String),
        }
        match Form::deserialize(d) {
            Ok(Form::Days(n)) => Ok(Some(n)),
            Ok(Form::Word(w)) if w == "unknown" => Ok(None),
            _ => Err(serde::de::Error::custom("`active_days` is a whole number of days, or \"unknown\"")),
        }
    }
}

/// A training session a member completed.
///
/// ```
/// use teichaku_model::{MemberId, TrainingRecord, TrainingTrack};
/// let t = TrainingRecord::new(MemberId::from_u128(1), "2026-04-10".parse()?, TrainingTrack::Basics);
/// assert_eq!(t.track, TrainingTrack::Basics);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TrainingRecord {
    /// Who took it.
    pub member: MemberId,
    /// The day it was completed.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Which track.
    pub track: TrainingTrack,
    /// The playbook activity the session belonged to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<ActivityId>,
}

/// A training track, tailored by literacy, generation or role.
///
/// ```
/// use teichaku_model::TrainingTrack;
/// assert_eq!(serde_json::to_string(&TrainingTrack::Manager)?, "\"manager\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrainingTrack {
    /// Basics first: what AI is, the rules, first prompts.
    Basics,
    /// Hands-on practice on real tasks.
    Practice,
    /// Advanced, task-specific flows.
    Advanced,
    /// For managers: leading, reviewing and appraising AI use.
    Manager,
    /// The usage rules and security.
    Rules,
}

/// One survey answer.
///
/// ```
/// use teichaku_model::SurveyResponse;
/// let s: SurveyResponse = serde_json::from_str(r#"{
///   "id": "00000000-0000-0000-0000-000000000001", "date": "2026-05-01",
///   "member": "00000000-0000-0000-0000-000000000007",
///   "uses_ai": false, "non_user_reason": "anxious",
///   "adkar": { "awareness": 4, "desire": 2, "knowledge": 3, "ability": 2, "reinforcement": 1 }
/// }"#)?;
/// assert_eq!(s.adkar.map(|a| a.desire), Some(2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SurveyResponse {
    /// The answer's id.
    pub id: SurveyId,
    /// The day it was given.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Who answered; `None` for an anonymous survey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
    /// The unit of an anonymous answer (a named member's unit is known already).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// Satisfaction with AI in their work, 1 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    /// How good AI-assisted output is, 1 to 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
    /// Whether they use AI in their work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses_ai: Option<bool>,
    /// Why not, for a non-user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_user_reason: Option<NonUserReason>,
    /// Where they stand on each element of ADKAR.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adkar: Option<Adkar>,
}

/// Why a member does not use AI; each calls for a different approach.
///
/// ```
/// use teichaku_model::NonUserReason;
/// assert_eq!(serde_json::from_str::<NonUserReason>("\"skeptical\"")?, NonUserReason::Skeptical);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NonUserReason {
    /// Fears leaks, mistakes or blame: needs a clear guideline and a no-blame promise.
    Anxious,
    /// Doubts the benefit: needs success cases from people like them.
    Skeptical,
    /// Sees no reason to change: needs one small task done with their ambassador.
    Uninterested,
}

/// ADKAR answers, each 1 (not at all) to 5 (fully): awareness, desire, knowledge, ability,
/// reinforcement.
///
/// ```
/// use teichaku_model::{Adkar, AdkarElement};
/// let a = Adkar { awareness: 5, desire: 4, knowledge: 3, ability: 2, reinforcement: 1 };
/// assert_eq!(a.barrier(), Some(AdkarElement::Knowledge));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adkar {
    /// Knows why the change is needed.
    pub awareness: u8,
    /// Wants to take part.
    pub desire: u8,
    /// Knows how.
    pub knowledge: u8,
    /// Can do it in their work.
    pub ability: u8,
    /// Keeps doing it.
    pub reinforcement: u8,
}

impl Adkar {
    /// The answers in ADKAR order.
    pub fn answers(&self) -> [(AdkarElement, u8); 5] {
        [
            (AdkarElement::Awareness, self.awareness),
            (AdkarElement::Desire, self.desire),
            (AdkarElement::Knowledge, self.knowledge),
            (AdkarElement::Ability, self.ability),
            (AdkarElement::Reinforcement, self.reinforcement),
        ]
    }

    /// The person's barrier point: the first element scored 3 or lower, if any.
    pub fn barrier(&self) -> Option<AdkarElement> {
        self.answers().into_iter().find(|&(_, v)| v <= 3).map(|(e, _)| e)
    }
}

/// An element of ADKAR.
///
/// ```
/// use teichaku_model::AdkarElement;
/// assert!(AdkarElement::Awareness < AdkarElement::Reinforcement);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AdkarElement {
    /// Awareness of the need.
    Awareness,
    /// Desire to take part.
    Desire,
    /// Knowledge of how.
    Knowledge,
    /// Ability to do it.
    Ability,
    /// Reinforcement that keeps it going.
    Reinforcement,
}

/// An improvement proposal that came out of using AI.
///
/// ```
/// use teichaku_model::{MemberId, Proposal, ProposalId};
/// let p = Proposal::new(ProposalId::from_u128(1), MemberId::from_u128(7), "2026-05-01".parse()?)
///     .implemented_on("2026-05-20".parse()?);
/// assert!(p.implemented.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Proposal {
    /// The proposal's id.
    pub id: ProposalId,
    /// Who proposed it.
    pub member: MemberId,
    /// A short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The day it was submitted.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub submitted: NaiveDate,
    /// The day it was put into practice, if it was; not before `submitted`.
    #[serde(
        default,
        deserialize_with = "crate::time::day::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub implemented: Option<NaiveDate>,
}

/// A question asked to the consultation desk or an ambassador.
///
/// ```
/// use teichaku_model::{Consultation, ConsultationId, MemberId};
/// let c = Consultation::new(ConsultationId::from_u128(1), MemberId::from_u128(7), "2026-05-01".parse()?);
/// assert!(c.resolved.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Consultation {
    /// The consultation's id.
    pub id: ConsultationId,
    /// Who asked.
    pub member: MemberId,
    /// Who answered, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<MemberId>,
    /// The day it was asked.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub opened: NaiveDate,
    /// The day it was resolved, if it was; not before `opened`.
    #[serde(
        default,
        deserialize_with = "crate::time::day::deserialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolved: Option<NaiveDate>,
}

/// A breach of the usage rules, such as confidential data pasted into a public tool.
///
/// ```
/// use teichaku_model::{IncidentId, RuleIncident, Severity};
/// let i = RuleIncident::new(IncidentId::from_u128(1), "2026-05-01".parse()?, Severity::Low);
/// assert_eq!(i.severity, Severity::Low);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleIncident {
    /// The incident's id.
    pub id: IncidentId,
    /// The day it happened.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Who was involved, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberId>,
    /// The unit it happened in, if no member is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitId>,
    /// How serious it was.
    pub severity: Severity,
    /// What happened, to share as a lesson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// How serious a rule incident was.
///
/// ```
/// use teichaku_model::Severity;
/// assert!(Severity::Low < Severity::High);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// A near miss or a minor slip.
    Low,
    /// A breach with limited effect.
    Medium,
    /// Confidential or personal data exposed, or harm done.
    High,
}

/// A review of the usage rules.
///
/// ```
/// use teichaku_model::{RuleReview, RuleReviewId};
/// let r = RuleReview::new(RuleReviewId::from_u128(1), "2026-06-30".parse()?);
/// assert!(r.changes.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RuleReview {
    /// The review's id.
    pub id: RuleReviewId,
    /// The day it was held.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// Who led it, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<MemberId>,
    /// What changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<String>,
}

/// A success case shared with colleagues, ideally with all four fields filled.
///
/// ```
/// use teichaku_model::{MemberId, SuccessCase, SuccessCaseId};
/// let s = SuccessCase::new(SuccessCaseId::from_u128(1), MemberId::from_u128(7), "2026-05-01".parse()?)
///     .with_parts("Minutes took an hour", "Transcript summary", "15 minutes", "Template #3");
/// assert!(s.is_complete());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SuccessCase {
    /// The case's id.
    pub id: SuccessCaseId,
    /// Who shared it.
    pub member: MemberId,
    /// The day it was shared.
    #[serde(deserialize_with = "crate::time::day::deserialize")]
    pub date: NaiveDate,
    /// The problem before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// What was done with AI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// The effect, ideally in numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// How, so others can repeat it (the prompt, the steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
}

impl SuccessCase {
    /// Whether all four fields are filled with something other than blanks.
    pub fn is_complete(&self) -> bool {
        [&self.problem, &self.measure, &self.effect, &self.how]
            .into_iter()
            .all(|f| f.as_deref().is_some_and(|s| !s.trim().is_empty()))
    }
}
