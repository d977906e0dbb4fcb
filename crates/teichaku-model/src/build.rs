//! Constructors and builders of the input types, for callers that build an organisation and its
//! observations in code rather than read a document.
//!
//! Each input type has `new` taking its required fields, every optional field left out (`None`,
//! empty, or the format's default), and `with_*` methods (or a verb such as
//! [`Unit::under`]) that set one more. A field the format adds later gets a default here, so code
//! written this way keeps compiling when it does. The types are `#[non_exhaustive]`, so outside
//! this crate they cannot be built with struct literals; their fields stay public to read and set.
//!
//! ```
//! use teichaku_model::{
//!     Completion, DeploymentPattern, Member, MemberId, Observations, Organisation, Role, Snapshot, Unit, UnitId,
//!     UtcOffset, ActivityId, UsageEvent,
//! };
//! let launch = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).ok_or("not a day")?;
//! let sales = UnitId::from_key("S");
//! let org = Organisation::new("Example Ltd", UtcOffset::from_minutes(9 * 60)?, launch)
//!     .with_unit(Unit::new(sales, "Sales"))
//!     .with_member(Member::new(MemberId::from_key("E001"), sales, launch).with_role(Role::Executive));
//! let seen = Observations::new()
//!     .with_completion(Completion::new(ActivityId::new("kick-off")?, launch))
//!     .with_usage(UsageEvent::new(MemberId::from_key("E001"), "2026-04-02T09:30:00+09:00").with_minutes(6.0));
//! assert_eq!(org.deployment_pattern, DeploymentPattern::Hybrid);
//! assert_eq!(seen.usage.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::{
    Activity, ActivityId, ActivityScope, Adkar, AgeBand, Anchor, AssessmentDocument, Audience, Check, Completion,
    Condition, Consultation, ConsultationId, CriterionId, DeploymentPattern, FORMAT_VERSION, Gate, GateCriterion,
    HourlyRate, IncidentId, Intervention, InterventionId, KpiTarget, LiteracyTier, Localized, Member, MemberId,
    MemberKeys, NonUserReason, Observations, Organisation, OrganisationKeys, OutcomeId, OutcomeKpi, OutcomeRecord,
    OutcomeTarget, Phase, PhaseId, Playbook, PlaybookId, PlaybookSource, Proposal, ProposalId, Recurrence, Role,
    RuleIncident, RuleReview, RuleReviewId, Severity, Snapshot, SuccessCase, SuccessCaseId, SurveyId, SurveyResponse,
    TaskBaseline, TaskCategory, Timestamp, Timing, ToolId, TrainingRecord, TrainingTrack, Unit, UnitCoverage, UnitId,
    UnitKeys, UsageEvent, UtcOffset, ValidSnapshot, ValidationErrors, Wave,
};

impl Organisation {
    /// An organisation with no units, members or waves yet, rolled out as
    /// [`DeploymentPattern::Hybrid`] (an executive mandate plus a pilot unit).
    ///
    /// ```
    /// use teichaku_model::{Organisation, UtcOffset};
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, "2026-04-01".parse()?);
    /// assert!(org.units.is_empty() && org.members.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(name: impl Into<String>, utc_offset: UtcOffset, launch_date: NaiveDate) -> Self {
        Self {
            name: name.into(),
            utc_offset,
            launch_date,
            deployment_pattern: DeploymentPattern::Hybrid,
            units: Vec::new(),
            members: Vec::new(),
            waves: Vec::new(),
            task_baselines: Vec::new(),
            hourly_rate: None,
            changes: Vec::new(),
            tools: Vec::new(),
            outcomes: Vec::new(),
            kpi_targets: Vec::new(),
            outcome_targets: Vec::new(),
            keys: OrganisationKeys::default(),
        }
    }

    /// With `pattern` as how the rollout is driven.
    #[must_use]
    pub fn with_deployment_pattern(mut self, pattern: DeploymentPattern) -> Self {
        self.deployment_pattern = pattern;
        self
    }

    /// With one more unit.
    #[must_use]
    pub fn with_unit(mut self, unit: Unit) -> Self {
        self.units.push(unit);
        self
    }

    /// With one more member.
    #[must_use]
    pub fn with_member(mut self, member: Member) -> Self {
        self.members.push(member);
        self
    }

    /// With one more member, known to the organisation by `key` (an employee number) and,
    /// if given, an e-mail address: usage files and reports may then name them so.
    ///
    /// ```
    /// use teichaku_model::{Member, MemberId, Organisation, UnitId, UtcOffset};
    /// let day = "2026-04-01".parse()?;
    /// let id = MemberId::from_key("E001");
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, day)
    ///     .with_keyed_member(Member::new(id, UnitId::from_u128(1), day), "E001", Some("sato@example.jp"));
    /// assert_eq!(org.keys.label(id), Some("E001"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_keyed_member(mut self, member: Member, key: impl Into<String>, email: Option<&str>) -> Self {
        self.keys.members.push(MemberKeys {
            member: member.id,
            key: Some(key.into()),
            email: email.map(str::to_owned),
        });
        self.members.push(member);
        self
    }

    /// With one more unit, known to the organisation by `code` (a department code or path).
    #[must_use]
    pub fn with_coded_unit(mut self, unit: Unit, code: impl Into<String>) -> Self {
        self.keys.units.push(UnitKeys { unit: unit.id, code: code.into() });
        self.units.push(unit);
        self
    }

    /// With one more dated change to a member's facts, after those given before.
    ///
    /// ```
    /// use teichaku_model::{Member, MemberChange, MemberId, Organisation, Role, UnitId, UtcOffset};
    /// let day = "2026-04-01".parse()?;
    /// let id = MemberId::from_key("E001");
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, day)
    ///     .with_member(Member::new(id, UnitId::from_u128(1), day))
    ///     .with_change(MemberChange::new(id, "2026-10-01".parse()?).with_added_role(Role::Ambassador));
    /// assert_eq!(org.changes.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_change(mut self, change: crate::MemberChange) -> Self {
        self.changes.push(change);
        self
    }

    /// With one more new AI tool made available after launch, after those given before.
    ///
    /// ```
    /// use teichaku_model::{NewTool, Organisation, ToolId, UtcOffset};
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, "2026-04-01".parse()?)
    ///     .with_tool(NewTool::new(ToolId::new("meeting-notes-ai")?, "2026-10-01".parse()?));
    /// assert_eq!(org.tools.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_tool(mut self, tool: crate::NewTool) -> Self {
        self.tools.push(tool);
        self
    }

    /// With one more wave of the rollout plan, after those given before.
    #[must_use]
    pub fn with_wave(mut self, wave: Wave) -> Self {
        self.waves.push(wave);
        self
    }

    /// With the minutes `task` took before AI.
    #[must_use]
    pub fn with_task_baseline(mut self, task: TaskCategory, minutes: f64) -> Self {
        self.task_baselines.push(TaskBaseline { task, minutes });
        self
    }

    /// With the cost of one hour of staff time.
    #[must_use]
    pub fn with_hourly_rate(mut self, rate: HourlyRate) -> Self {
        self.hourly_rate = Some(rate);
        self
    }

    /// With an outcome KPI of the organisation's own, beside the playbook's.
    ///
    /// ```
    /// use teichaku_model::{Direction, Localized, Organisation, OutcomeId, OutcomeKpi, Role, UtcOffset};
    /// let o = OutcomeKpi {
    ///     id: OutcomeId::new("claims-handled")?, title: Localized::new("Claims handled", "処理件数"),
    ///     summary: Localized::default(), measured_in: "claims".into(),
    ///     direction: Direction::HigherIsBetter, supplied_by: Role::Manager,
    /// };
    /// let org = Organisation::new("X", UtcOffset::from_minutes(540)?, "2026-04-01".parse()?).with_outcome(o);
    /// assert_eq!(org.outcomes.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_outcome(mut self, outcome: OutcomeKpi) -> Self {
        self.outcomes.push(outcome);
        self
    }

    /// With a KPI target of the organisation's own, judged beside the playbook's.
    ///
    /// ```
    /// use teichaku_model::{KpiTarget, Organisation, UtcOffset};
    /// let t: KpiTarget = serde_json::from_str(r#"{ "kpi": "habit_rate", "op": "at_least", "value": 0.3, "by_day": 60 }"#)?;
    /// let org = Organisation::new("X", UtcOffset::from_minutes(540)?, "2026-04-01".parse()?).with_kpi_target(t);
    /// assert_eq!(org.kpi_targets.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_kpi_target(mut self, target: KpiTarget) -> Self {
        self.kpi_targets.push(target);
        self
    }

    /// With an outcome target of the organisation's own, judged beside the playbook's.
    ///
    /// ```
    /// use teichaku_model::{Organisation, OutcomeTarget, UtcOffset};
    /// let t: OutcomeTarget = serde_json::from_str(r#"{ "outcome": "ai-cost", "op": "at_most", "value": 500000, "by_day": 90 }"#)?;
    /// let org = Organisation::new("X", UtcOffset::from_minutes(540)?, "2026-04-01".parse()?).with_outcome_target(t);
    /// assert_eq!(org.outcome_targets.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_outcome_target(mut self, target: OutcomeTarget) -> Self {
        self.outcome_targets.push(target);
        self
    }
}

impl Unit {
    /// A root unit.
    ///
    /// ```
    /// use teichaku_model::{Unit, UnitId};
    /// let team = Unit::new(UnitId::from_key("S1"), "Inside sales").under(UnitId::from_key("S"));
    /// assert_eq!(team.parent, Some(UnitId::from_key("S")));
    /// ```
    pub fn new(id: UnitId, name: impl Into<String>) -> Self {
        Self { id, name: name.into(), parent: None }
    }

    /// The unit placed under `parent`.
    #[must_use]
    pub fn under(mut self, parent: UnitId) -> Self {
        self.parent = Some(parent);
        self
    }
}

impl Wave {
    /// A wave of `units`, unnamed.
    ///
    /// ```
    /// use teichaku_model::{UnitId, Wave};
    /// let pilot = Wave::new([UnitId::from_key("S")]).named("pilot");
    /// assert_eq!(pilot.name.as_deref(), Some("pilot"));
    /// ```
    pub fn new(units: impl IntoIterator<Item = UnitId>) -> Self {
        Self { name: None, units: units.into_iter().collect() }
    }

    /// The wave with a name, such as `pilot`.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl Member {
    /// A member of `unit` from `joined` on, with no role, name, generation or literacy.
    ///
    /// ```
    /// use teichaku_model::{LiteracyTier, Member, MemberId, Role, UnitId};
    /// let m = Member::new(MemberId::from_key("E007"), UnitId::from_key("S"), "2020-04-01".parse()?)
    ///     .named("Ito")
    ///     .with_role(Role::Staff)
    ///     .with_role(Role::Ambassador)
    ///     .with_literacy(LiteracyTier::Beginner);
    /// assert!(m.has_role(Role::Ambassador));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: MemberId, unit: UnitId, joined: NaiveDate) -> Self {
        Self { id, name: None, unit, roles: BTreeSet::new(), age_band: None, literacy: None, joined, left: None }
    }

    /// With a display name.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// With one more role.
    #[must_use]
    pub fn with_role(mut self, role: Role) -> Self {
        self.roles.insert(role);
        self
    }

    /// With the member's generation.
    #[must_use]
    pub fn with_age_band(mut self, band: AgeBand) -> Self {
        self.age_band = Some(band);
        self
    }

    /// With the member's AI literacy.
    #[must_use]
    pub fn with_literacy(mut self, tier: LiteracyTier) -> Self {
        self.literacy = Some(tier);
        self
    }

    /// Having left on `day`, the first day they no longer count.
    #[must_use]
    pub fn left_on(mut self, day: NaiveDate) -> Self {
        self.left = Some(day);
        self
    }
}

impl Observations {
    /// Nothing observed yet.
    ///
    /// ```
    /// use teichaku_model::{Completion, Observations, ActivityId};
    /// let o = Observations::new().with_completion(Completion::new(ActivityId::new("kick-off")?, "2026-04-01".parse()?));
    /// assert_eq!(o.completions.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// With one more completion.
    #[must_use]
    pub fn with_completion(mut self, completion: Completion) -> Self {
        self.completions.push(completion);
        self
    }

    /// With one more usage event.
    #[must_use]
    pub fn with_usage(mut self, event: UsageEvent) -> Self {
        self.usage.push(event);
        self
    }

    /// With one more file of usage events, named relative to the document.
    #[must_use]
    pub fn with_usage_file(mut self, name: impl Into<String>) -> Self {
        self.usage_files.push(name.into());
        self
    }

    /// With one more file of member-day usage records, named relative to the document.
    ///
    /// ```
    /// let o = teichaku_model::Observations::default().with_usage_day_file("days.csv");
    /// assert_eq!(o.usage_day_files, ["days.csv"]);
    /// ```
    #[must_use]
    pub fn with_usage_day_file(mut self, name: impl Into<String>) -> Self {
        self.usage_day_files.push(name.into());
        self
    }

    /// With one more file of member-period usage records, named relative to the document.
    ///
    /// ```
    /// let o = teichaku_model::Observations::default().with_usage_period_file("months.csv");
    /// assert_eq!(o.usage_period_files, ["months.csv"]);
    /// ```
    #[must_use]
    pub fn with_usage_period_file(mut self, name: impl Into<String>) -> Self {
        self.usage_period_files.push(name.into());
        self
    }

    /// With one more training record.
    #[must_use]
    pub fn with_training(mut self, training: TrainingRecord) -> Self {
        self.trainings.push(training);
        self
    }

    /// With one more survey answer.
    #[must_use]
    pub fn with_survey(mut self, survey: SurveyResponse) -> Self {
        self.surveys.push(survey);
        self
    }

    /// With one more improvement proposal.
    #[must_use]
    pub fn with_proposal(mut self, proposal: Proposal) -> Self {
        self.proposals.push(proposal);
        self
    }

    /// With one more consultation.
    #[must_use]
    pub fn with_consultation(mut self, consultation: Consultation) -> Self {
        self.consultations.push(consultation);
        self
    }

    /// With one more breach of the usage rules.
    #[must_use]
    pub fn with_incident(mut self, incident: RuleIncident) -> Self {
        self.incidents.push(incident);
        self
    }

    /// With one more review of the usage rules.
    #[must_use]
    pub fn with_rule_review(mut self, review: RuleReview) -> Self {
        self.rule_reviews.push(review);
        self
    }

    /// With one more success case.
    #[must_use]
    pub fn with_success_case(mut self, case: SuccessCase) -> Self {
        self.success_cases.push(case);
        self
    }

    /// With one more measurement of an outcome KPI.
    #[must_use]
    pub fn with_outcome(mut self, record: OutcomeRecord) -> Self {
        self.outcomes.push(record);
        self
    }

    /// Moves every record of `other` after those of the same kind here, leaving `other` empty.
    ///
    /// ```
    /// use teichaku_model::{ActivityId, Completion, Observations};
    /// let day = "2026-04-01".parse()?;
    /// let mut seen = Observations::new().with_completion(Completion::new(ActivityId::new("kick-off")?, day));
    /// let mut more = Observations::new().with_completion(Completion::new(ActivityId::new("training")?, day));
    /// seen.append(&mut more);
    /// assert_eq!(seen.completions.len(), 2);
    /// assert!(more.completions.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn append(&mut self, other: &mut Observations) {
        // Destructured in full so that a kind of record added later cannot be forgotten here.
        let Observations {
            completions,
            usage,
            usage_files,
            usage_day_files,
            usage_period_files,
            trainings,
            surveys,
            proposals,
            consultations,
            incidents,
            rule_reviews,
            success_cases,
            outcomes,
        } = other;
        self.completions.append(completions);
        self.usage.append(usage);
        self.usage_files.append(usage_files);
        self.usage_day_files.append(usage_day_files);
        self.usage_period_files.append(usage_period_files);
        self.trainings.append(trainings);
        self.surveys.append(surveys);
        self.proposals.append(proposals);
        self.consultations.append(consultations);
        self.incidents.append(incidents);
        self.rule_reviews.append(rule_reviews);
        self.success_cases.append(success_cases);
        self.outcomes.append(outcomes);
    }

    /// A copy of everything observed but the usage: no usage events and no usage files named.
    ///
    /// ```
    /// use teichaku_model::{MemberId, Observations, UsageEvent};
    /// let seen = Observations::new()
    ///     .with_usage(UsageEvent::new(MemberId::from_key("E001"), "2026-04-02T09:30:00+09:00"))
    ///     .with_usage_file("usage.csv");
    /// assert_eq!(seen.without_usage(), Observations::new());
    /// ```
    pub fn without_usage(&self) -> Observations {
        let Observations {
            completions,
            usage: _,
            usage_files: _,
            usage_day_files: _,
            usage_period_files: _,
            trainings,
            surveys,
            proposals,
            consultations,
            incidents,
            rule_reviews,
            success_cases,
            outcomes,
        } = self;
        Observations {
            completions: completions.clone(),
            usage: Vec::new(),
            usage_files: Vec::new(),
            usage_day_files: Vec::new(),
            usage_period_files: Vec::new(),
            trainings: trainings.clone(),
            surveys: surveys.clone(),
            proposals: proposals.clone(),
            consultations: consultations.clone(),
            incidents: incidents.clone(),
            rule_reviews: rule_reviews.clone(),
            success_cases: success_cases.clone(),
            outcomes: outcomes.clone(),
        }
    }
}

impl Completion {
    /// `activity` finished on `date`, organisation-wide and by nobody recorded.
    ///
    /// ```
    /// use teichaku_model::{ActivityId, Completion, MemberId, UnitId};
    /// let c = Completion::new(ActivityId::new("pilot-start")?, "2026-05-01".parse()?)
    ///     .in_unit(UnitId::from_key("S"))
    ///     .by(MemberId::from_key("E001"));
    /// assert_eq!(c.unit, Some(UnitId::from_key("S")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(activity: ActivityId, date: NaiveDate) -> Self {
        Self { activity, unit: None, date, by: None }
    }

    /// Done in `unit` (a per-unit activity); `None` keeps it organisation-wide.
    #[must_use]
    pub fn in_unit(mut self, unit: impl Into<Option<UnitId>>) -> Self {
        self.unit = unit.into();
        self
    }

    /// Done by `member`.
    #[must_use]
    pub fn by(mut self, member: MemberId) -> Self {
        self.by = Some(member);
        self
    }
}

impl UsageEvent {
    /// One use by `member` at `at` (RFC 3339 text, a local date-time in the organisation's
    /// offset, or a `DateTime<FixedOffset>`), of no recorded length, task, tool or time saved.
    ///
    /// ```
    /// use teichaku_model::{MemberId, TaskCategory, UsageEvent};
    /// let e = UsageEvent::new(MemberId::from_key("E001"), "2026-04-02T09:30:00+09:00")
    ///     .with_minutes(6.0)
    ///     .with_task(TaskCategory::new("email")?)
    ///     .with_saved_minutes(10.0);
    /// assert_eq!(e.saved_minutes, Some(10.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(member: MemberId, at: impl Into<Timestamp>) -> Self {
        Self { member, at: at.into(), minutes: 0.0, task: None, tool: None, saved_minutes: None }
    }

    /// With the minutes spent with the tool.
    #[must_use]
    pub fn with_minutes(mut self, minutes: f64) -> Self {
        self.minutes = minutes;
        self
    }

    /// With the kind of task.
    #[must_use]
    pub fn with_task(mut self, task: TaskCategory) -> Self {
        self.task = Some(task);
        self
    }

    /// With the tool used.
    #[must_use]
    pub fn with_tool(mut self, tool: ToolId) -> Self {
        self.tool = Some(tool);
        self
    }

    /// With the minutes saved.
    #[must_use]
    pub fn with_saved_minutes(mut self, minutes: f64) -> Self {
        self.saved_minutes = Some(minutes);
        self
    }
}

impl TrainingRecord {
    /// `member` completed a session of `track` on `date`, not tied to an activity.
    pub fn new(member: MemberId, date: NaiveDate, track: TrainingTrack) -> Self {
        Self { member, date, track, activity: None }
    }

    /// Held as part of `activity`.
    #[must_use]
    pub fn for_activity(mut self, activity: ActivityId) -> Self {
        self.activity = Some(activity);
        self
    }
}

impl SurveyResponse {
    /// An anonymous answer on `date` with no question answered yet.
    ///
    /// ```
    /// use teichaku_model::{MemberId, SurveyId, SurveyResponse};
    /// let s = SurveyResponse::new(SurveyId::from_u128(1), "2026-05-01".parse()?).by(MemberId::from_key("E001")).with_satisfaction(4);
    /// assert_eq!(s.satisfaction, Some(4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: SurveyId, date: NaiveDate) -> Self {
        Self {
            id,
            date,
            member: None,
            unit: None,
            satisfaction: None,
            quality: None,
            uses_ai: None,
            non_user_reason: None,
            adkar: None,
        }
    }

    /// Answered by `member`.
    #[must_use]
    pub fn by(mut self, member: MemberId) -> Self {
        self.member = Some(member);
        self
    }

    /// Answered in `unit`.
    #[must_use]
    pub fn in_unit(mut self, unit: UnitId) -> Self {
        self.unit = Some(unit);
        self
    }

    /// With the satisfaction answer, 1 to 5.
    #[must_use]
    pub fn with_satisfaction(mut self, answer: u8) -> Self {
        self.satisfaction = Some(answer);
        self
    }

    /// With the output-quality answer, 1 to 5.
    #[must_use]
    pub fn with_quality(mut self, answer: u8) -> Self {
        self.quality = Some(answer);
        self
    }

    /// With whether the member uses AI.
    #[must_use]
    pub fn with_uses_ai(mut self, uses: bool) -> Self {
        self.uses_ai = Some(uses);
        self
    }

    /// With why the member does not use AI.
    #[must_use]
    pub fn with_non_user_reason(mut self, reason: NonUserReason) -> Self {
        self.non_user_reason = Some(reason);
        self
    }

    /// With the ADKAR answers.
    #[must_use]
    pub fn with_adkar(mut self, adkar: Adkar) -> Self {
        self.adkar = Some(adkar);
        self
    }
}

impl Proposal {
    /// A proposal by `member` submitted on `submitted`, untitled and not implemented.
    pub fn new(id: ProposalId, member: MemberId, submitted: NaiveDate) -> Self {
        Self { id, member, title: None, submitted, implemented: None }
    }

    /// With a title.
    #[must_use]
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Implemented on `day`.
    #[must_use]
    pub fn implemented_on(mut self, day: NaiveDate) -> Self {
        self.implemented = Some(day);
        self
    }
}

impl Consultation {
    /// A question `member` asked on `opened`, not yet answered or resolved.
    pub fn new(id: ConsultationId, member: MemberId, opened: NaiveDate) -> Self {
        Self { id, member, answered_by: None, opened, resolved: None }
    }

    /// Answered by `member`.
    #[must_use]
    pub fn answered_by(mut self, member: MemberId) -> Self {
        self.answered_by = Some(member);
        self
    }

    /// Resolved on `day`.
    #[must_use]
    pub fn resolved_on(mut self, day: NaiveDate) -> Self {
        self.resolved = Some(day);
        self
    }
}

impl RuleIncident {
    /// A breach of `severity` on `date`, of no member or unit recorded.
    pub fn new(id: IncidentId, date: NaiveDate, severity: Severity) -> Self {
        Self { id, date, member: None, unit: None, severity, summary: None }
    }

    /// By `member`.
    #[must_use]
    pub fn by(mut self, member: MemberId) -> Self {
        self.member = Some(member);
        self
    }

    /// In `unit`.
    #[must_use]
    pub fn in_unit(mut self, unit: UnitId) -> Self {
        self.unit = Some(unit);
        self
    }

    /// With a summary.
    #[must_use]
    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }
}

impl RuleReview {
    /// A review of the usage rules on `date`.
    pub fn new(id: RuleReviewId, date: NaiveDate) -> Self {
        Self { id, date, by: None, changes: None }
    }

    /// Led by `member`.
    #[must_use]
    pub fn by(mut self, member: MemberId) -> Self {
        self.by = Some(member);
        self
    }

    /// With what changed.
    #[must_use]
    pub fn with_changes(mut self, changes: impl Into<String>) -> Self {
        self.changes = Some(changes.into());
        self
    }
}

impl SuccessCase {
    /// A success case `member` shared on `date`, its four parts not yet written.
    ///
    /// ```
    /// use teichaku_model::{MemberId, SuccessCase, SuccessCaseId};
    /// let case = SuccessCase::new(SuccessCaseId::from_u128(1), MemberId::from_key("E001"), "2026-06-01".parse()?)
    ///     .with_parts("minutes took an hour", "drafted by AI", "15 minutes", "template 3");
    /// assert!(case.is_complete());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: SuccessCaseId, member: MemberId, date: NaiveDate) -> Self {
        Self { id, member, date, problem: None, measure: None, effect: None, how: None }
    }

    /// With its four parts: the problem, what was done, the effect and how to reproduce it.
    #[must_use]
    pub fn with_parts(
        mut self,
        problem: impl Into<String>,
        measure: impl Into<String>,
        effect: impl Into<String>,
        how: impl Into<String>,
    ) -> Self {
        self.problem = Some(problem.into());
        self.measure = Some(measure.into());
        self.effect = Some(effect.into());
        self.how = Some(how.into());
        self
    }
}

impl Snapshot {
    /// An organisation, the playbook it follows and what was observed: the one way to assess an
    /// organisation built in code. Validate it with [`Snapshot::validate`] (or read a document
    /// with `teichaku::load`).
    ///
    /// ```
    /// use teichaku_model::{Member, MemberId, Observations, Organisation, Snapshot, Unit, UnitId, UtcOffset};
    /// // The facade's `Catalog::builtin().get("sme-five-step")` holds this one.
    /// let playbook = teichaku_model::parse_playbook(include_str!("../../teichaku-playbooks/data/sme-five-step.json"))?;
    /// let day = "2026-04-01".parse()?;
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, day)
    ///     .with_unit(Unit::new(UnitId::from_key("S"), "Sales"))
    ///     .with_member(Member::new(MemberId::from_key("E001"), UnitId::from_key("S"), day));
    /// let valid = Snapshot::new(org, playbook, Observations::new()).validate()?;
    /// assert_eq!(valid.organisation().members.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(organisation: Organisation, playbook: Playbook, observations: Observations) -> Self {
        Self { organisation, playbook, observations }
    }

    /// Validates the snapshot: [`crate::validate`].
    ///
    /// # Errors
    ///
    /// Every problem found, each naming its record.
    pub fn validate(self) -> Result<ValidSnapshot, ValidationErrors> {
        crate::validate(self)
    }
}

impl AssessmentDocument {
    /// A document of this build's [`FORMAT_VERSION`] following the built-in (or registered)
    /// playbook `playbook`, with nothing observed yet.
    ///
    /// ```
    /// use teichaku_model::{AssessmentDocument, Organisation, PlaybookId, UtcOffset};
    /// let org = Organisation::new("Example Ltd", UtcOffset::UTC, "2026-04-01".parse()?);
    /// let doc = AssessmentDocument::new(org, PlaybookId::new("sme-five-step")?);
    /// assert!(serde_json::to_string(&doc)?.contains(r#""builtin":"sme-five-step""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(organisation: Organisation, playbook: PlaybookId) -> Self {
        Self {
            version: FORMAT_VERSION,
            organisation,
            playbook: PlaybookSource::Builtin(playbook),
            observations: Observations::default(),
        }
    }

    /// A document with its playbook written inline.
    #[must_use]
    pub fn with_inline_playbook(organisation: Organisation, playbook: Playbook) -> Self {
        Self {
            version: FORMAT_VERSION,
            organisation,
            playbook: PlaybookSource::Inline(Box::new(playbook)),
            observations: Observations::default(),
        }
    }

    /// The document with `observations`.
    #[must_use]
    pub fn with_observations(mut self, observations: Observations) -> Self {
        self.observations = observations;
        self
    }
}

impl OutcomeRecord {
    /// `value` of `outcome` on `date`, for the whole organisation, with no period, unit of
    /// measure or baseline.
    ///
    /// ```
    /// use teichaku_model::{OutcomeId, OutcomeRecord};
    /// let r = OutcomeRecord::new(OutcomeId::new("new-orders")?, "2026-06-30".parse()?, 42.0)
    ///     .over_period_from("2026-06-01".parse()?)
    ///     .measured_in("orders")
    ///     .with_baseline(35.0);
    /// assert_eq!(r.change_from_baseline(), Some(0.2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(outcome: OutcomeId, date: NaiveDate, value: f64) -> Self {
        Self { outcome, unit: None, from: None, date, value, measured_in: None, baseline: None }
    }

    /// About `unit` rather than the whole organisation.
    #[must_use]
    pub fn in_unit(mut self, unit: UnitId) -> Self {
        self.unit = Some(unit);
        self
    }

    /// A value over the period from `from` to the record's date.
    #[must_use]
    pub fn over_period_from(mut self, from: NaiveDate) -> Self {
        self.from = Some(from);
        self
    }

    /// With the unit the value is in, such as `orders`.
    #[must_use]
    pub fn measured_in(mut self, unit: impl Into<String>) -> Self {
        self.measured_in = Some(unit.into());
        self
    }

    /// With the value before the rollout, in the same unit.
    #[must_use]
    pub fn with_baseline(mut self, baseline: f64) -> Self {
        self.baseline = Some(baseline);
        self
    }
}

impl Phase {
    /// A phase left when `gate` holds, with no summary.
    ///
    /// ```
    /// use teichaku_model::{Gate, Localized, Phase, PhaseId};
    /// let p = Phase::new(PhaseId::new("trial")?, Localized::new("Trial", "試行"), Gate::default())
    ///     .with_summary(Localized::new("Try it in one unit", "一部署で試す"));
    /// assert!(p.gate.criteria.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: PhaseId, title: Localized, gate: Gate) -> Self {
        Self { id, title, summary: Localized::default(), gate }
    }

    /// With what the phase achieves.
    #[must_use]
    pub fn with_summary(mut self, summary: Localized) -> Self {
        self.summary = summary;
        self
    }
}

impl Gate {
    /// A gate of `criteria`, passing at the format's default readiness (0.8).
    ///
    /// ```
    /// use teichaku_model::{ActivityId, Check, CriterionId, Gate, GateCriterion, Localized};
    /// let held = GateCriterion::new(
    ///     CriterionId::new("kick-off-held")?,
    ///     Localized::new("Kick-off held", "キックオフ実施"),
    ///     1.0,
    ///     Check::ActivityDone { activity: ActivityId::new("kick-off")? },
    /// )
    /// .mandatory();
    /// let gate = Gate::new([held]).passing_at(1.0);
    /// assert!(gate.criteria[0].mandatory && gate.pass_at == 1.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(criteria: impl IntoIterator<Item = GateCriterion>) -> Self {
        Self { criteria: criteria.into_iter().collect(), ..Self::default() }
    }

    /// Passing once the readiness reaches `pass_at` (and every mandatory criterion holds).
    #[must_use]
    pub fn passing_at(mut self, pass_at: f64) -> Self {
        self.pass_at = pass_at;
        self
    }
}

impl GateCriterion {
    /// A criterion of `weight` checking `check`, not mandatory, asking of the default units.
    pub fn new(id: CriterionId, title: Localized, weight: f64, check: Check) -> Self {
        Self { id, title, weight, mandatory: false, check, units: None }
    }

    /// Mandatory: the phase is not left without it, whatever the readiness.
    #[must_use]
    pub fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    /// At organisation scope, asking of `units` rather than the default.
    #[must_use]
    pub fn over_units(mut self, units: UnitCoverage) -> Self {
        self.units = Some(units);
        self
    }
}

impl Activity {
    /// An organisation-wide activity of `phase` owned by `owner` and taking `duration_days`, with
    /// no summary, dependency, timing, recurrence or audience.
    ///
    /// ```
    /// use teichaku_model::{Activity, ActivityId, ActivityScope, Anchor, Localized, PhaseId, Role, Timing};
    /// let training = ActivityId::new("training")?;
    /// let a = Activity::new(
    ///     ActivityId::new("practice-task")?,
    ///     PhaseId::new("education")?,
    ///     Localized::new("Practice task", "実務課題"),
    ///     Role::Manager,
    ///     5,
    /// )
    /// .with_scope(ActivityScope::PerUnit)
    /// .with_timing(Timing::after(Anchor::Activity(training.clone())).due_within(7));
    /// assert_eq!(a.prerequisites().into_iter().collect::<Vec<_>>(), [&training]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: ActivityId, phase: PhaseId, title: Localized, owner: Role, duration_days: u32) -> Self {
        Self {
            id,
            phase,
            title,
            summary: Localized::default(),
            owner,
            scope: ActivityScope::Organisation,
            depends_on: Vec::new(),
            timing: None,
            recurrence: None,
            duration_days,
            audience: None,
            reports: Vec::new(),
            reports_outcomes: Vec::new(),
            appoints: None,
            trains: None,
        }
    }

    /// With how to do it well.
    #[must_use]
    pub fn with_summary(mut self, summary: Localized) -> Self {
        self.summary = summary;
        self
    }

    /// Done once for the organisation or once in every unit.
    #[must_use]
    pub fn with_scope(mut self, scope: ActivityScope) -> Self {
        self.scope = scope;
        self
    }

    /// Waiting for `activity` to be done first.
    #[must_use]
    pub fn depending_on(mut self, activity: ActivityId) -> Self {
        self.depends_on.push(activity);
        self
    }

    /// With a window relative to launch or to another activity's completion.
    #[must_use]
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = Some(timing);
        self
    }

    /// Repeating as `recurrence` says once first done.
    #[must_use]
    pub fn with_recurrence(mut self, recurrence: Recurrence) -> Self {
        self.recurrence = Some(recurrence);
        self
    }

    /// For `audience` rather than everyone.
    #[must_use]
    pub fn with_audience(mut self, audience: Audience) -> Self {
        self.audience = Some(audience);
        self
    }
}

impl Timing {
    /// From `anchor` on, with no wait and no due date.
    ///
    /// ```
    /// use teichaku_model::{Anchor, Timing};
    /// let t = Timing::after(Anchor::Launch).not_before(85).due_within(95);
    /// assert_eq!((t.not_before_days, t.due_within_days), (85, Some(95)));
    /// ```
    pub fn after(anchor: Anchor) -> Self {
        Self { after: anchor, not_before_days: 0, due_within_days: None }
    }

    /// Not to start before `days` after the anchor.
    #[must_use]
    pub fn not_before(mut self, days: u32) -> Self {
        self.not_before_days = days;
        self
    }

    /// Overdue once `days` after the anchor have passed.
    #[must_use]
    pub fn due_within(mut self, days: u32) -> Self {
        self.due_within_days = Some(days);
        self
    }
}

impl Recurrence {
    /// Every `days` days, retained or not.
    ///
    /// ```
    /// use teichaku_model::Recurrence;
    /// let weekly_then_monthly = Recurrence::every(7).once_retained_every(30);
    /// assert_eq!(weekly_then_monthly.once_retained_every_days, Some(30));
    /// ```
    pub fn every(days: u32) -> Self {
        Self { every_days: days, once_retained_every_days: None }
    }

    /// Every `days` days once the retention score reaches "retained".
    #[must_use]
    pub fn once_retained_every(mut self, days: u32) -> Self {
        self.once_retained_every_days = Some(days);
        self
    }
}

impl Audience {
    /// Everyone; narrow it with the `with_*` methods.
    ///
    /// ```
    /// use teichaku_model::{AgeBand, Audience, LiteracyTier};
    /// let basics = Audience::everyone().with_age_band(AgeBand::Age60Plus).with_literacy(LiteracyTier::Beginner);
    /// assert!(basics.roles.is_empty());
    /// ```
    pub fn everyone() -> Self {
        Self::default()
    }

    /// Also for members holding `role`.
    #[must_use]
    pub fn with_role(mut self, role: Role) -> Self {
        self.roles.insert(role);
        self
    }

    /// Also for members of generation `band`.
    #[must_use]
    pub fn with_age_band(mut self, band: AgeBand) -> Self {
        self.age_bands.insert(band);
        self
    }

    /// Also for members of literacy `tier`.
    #[must_use]
    pub fn with_literacy(mut self, tier: LiteracyTier) -> Self {
        self.literacy.insert(tier);
        self
    }
}

impl Intervention {
    /// A rule owned by `owner` proposing its action for the organisation when `when` holds, of
    /// `severity` (0 to 1), with no summary, activity or due date.
    ///
    /// ```
    /// use teichaku_model::{ActivityScope, Condition, Intervention, InterventionId, Localized, Role};
    /// let when: Condition = serde_json::from_str(r#"{ "kind": "role_count", "role": "ambassador", "op": "lt", "value": 1 }"#)?;
    /// let i = Intervention::new(
    ///     InterventionId::new("appoint-ambassadors")?,
    ///     Localized::new("Appoint an ambassador", "アンバサダーを任命する"),
    ///     when,
    ///     Role::Manager,
    ///     0.6,
    /// )
    /// .with_scope(ActivityScope::PerUnit)
    /// .due_within(14);
    /// assert_eq!(i.due_within_days, Some(14));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: InterventionId, title: Localized, when: Condition, owner: Role, severity: f64) -> Self {
        Self {
            id,
            title,
            summary: Localized::default(),
            scope: ActivityScope::Organisation,
            when,
            owner,
            activity: None,
            severity,
            due_within_days: None,
        }
    }

    /// With why and how to act.
    #[must_use]
    pub fn with_summary(mut self, summary: Localized) -> Self {
        self.summary = summary;
        self
    }

    /// Evaluated for the organisation or in every unit.
    #[must_use]
    pub fn with_scope(mut self, scope: ActivityScope) -> Self {
        self.scope = scope;
        self
    }

    /// (Re)running `activity`.
    #[must_use]
    pub fn running(mut self, activity: ActivityId) -> Self {
        self.activity = Some(activity);
        self
    }

    /// Due `days` after it fires.
    #[must_use]
    pub fn due_within(mut self, days: u32) -> Self {
        self.due_within_days = Some(days);
        self
    }
}

impl crate::NewTool {
    /// `tool`, made available to everyone from `available_from`.
    ///
    /// ```
    /// use teichaku_model::{NewTool, ToolId, UnitId};
    /// let tool = NewTool::new(ToolId::new("meeting-notes-ai")?, "2026-10-01".parse()?).for_units([UnitId::from_key("S")]);
    /// assert_eq!(tool.units, [UnitId::from_key("S")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(tool: crate::ToolId, available_from: NaiveDate) -> Self {
        Self { tool, available_from, units: Vec::new() }
    }

    /// Made available only to the members of `units` and of the units under them.
    #[must_use]
    pub fn for_units(mut self, units: impl IntoIterator<Item = UnitId>) -> Self {
        self.units = units.into_iter().collect();
        self
    }
}
