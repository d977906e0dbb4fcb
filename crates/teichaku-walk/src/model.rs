//! What doing an action produces (the action mapping) and how usage responds (the usage model).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use teichaku::metrics::{EventStoreBuilder, StoreError};
use teichaku::model::{
    Activity, ActivityScope, AgeBand, Check, Completion, Consultation, ConsultationId, LiteracyTier, NonUserReason,
    Observations, Organisation, Playbook, Proposal, ProposalId, Role, RuleReview, RuleReviewId, SuccessCase,
    SuccessCaseId, SurveyId, SurveyResponse, TrainingRecord, TrainingTrack, UnitId,
};
use teichaku::rollout::{Action, ActionScope, Observed, ReadinessReport, RolloutPlan};

use crate::shape::{Cast, unit_id};

/// What completing an activity produces besides its completion, read from the activity's id,
/// owner and audience by the first rule that matches (see the crate docs for the table).
///
/// ```
/// use teichaku_walk::Effect;
/// use teichaku::model::Role;
/// let catalog = teichaku::Catalog::builtin();
/// let sme = catalog.iter().find(|p| p.id.as_str() == "sme-five-step").ok_or("built in")?;
/// let effect_of = |id: &str| sme.activities.iter().find(|a| a.id.as_str() == id).map(Effect::of);
/// assert_eq!(effect_of("appoint-promotion-lead"), Some(Effect::Appoint(Role::PromotionLead)));
/// assert_eq!(effect_of("training-60-plus"), Some(Effect::Training));
/// assert_eq!(effect_of("kick-off"), Some(Effect::Nothing));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum Effect {
    /// Gives the role to a suitable member: a unit's ambassador-to-be, or the promotion lead.
    Appoint(Role),
    /// A pulse survey: an answer from every present member in scope.
    Survey,
    /// Opens the channel for improvement proposals: each reached unit submits one every 14 days.
    ProposalChannel,
    /// Implements every open proposal.
    ProposalReview,
    /// A rule review (publishing or reviewing the rules or guideline).
    RuleReview,
    /// A practice or daily-use task in the scope.
    Practice,
    /// A success case shared, with its four fields.
    SuccessCase,
    /// Training for the audience in scope.
    Training,
    /// Templates, patterns, a manual or a knowledge base in the scope.
    Templates,
    /// A place to ask: consultations are opened and answered the next day.
    PlaceToAsk,
    /// The executives use AI where staff can see it.
    ExecutiveUse,
    /// No observable effect besides the completion.
    Nothing,
}

impl Effect {
    /// The effect of completing `activity`.
    pub fn of(activity: &Activity) -> Effect {
        let id = activity.id.as_str();
        let has = |words: &[&str]| words.iter().any(|w| id.contains(w));
        if has(&["appoint", "name-unit"]) {
            return Effect::Appoint(if has(&["promotion-lead"]) { Role::PromotionLead } else { Role::Ambassador });
        }
        if activity.trains.is_some() {
            Effect::Training
        } else if has(&["survey"]) {
            Effect::Survey
        } else if has(&["proposal-channel", "improvement-log"]) {
            Effect::ProposalChannel
        } else if has(&["proposal-review", "pdca-review"]) {
            Effect::ProposalReview
        } else if has(&["rule", "guideline"]) && !has(&["keeping", "violation"]) {
            Effect::RuleReview
        } else if has(&["practice", "daily", "challenge", "embed", "routine", "trial"]) {
            Effect::Practice
        } else if has(&["success", "case", "win", "sharing-session"]) {
            Effect::SuccessCase
        } else if has(&["training", "session", "lab"]) {
            Effect::Training
        } else if has(&["template", "patterns", "manual", "knowledge-base", "prompt", "vocabulary"]) {
            Effect::Templates
        } else if has(&["desk", "office-hours", "consultation"]) {
            Effect::PlaceToAsk
        } else if activity.owner == Role::Executive && has(&["use", "ai-hour", "ai-in-exec", "sponsorship"]) {
            Effect::ExecutiveUse
        } else {
            Effect::Nothing
        }
    }

    /// The effect's name in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Effect::Appoint(Role::PromotionLead) => "appoint promotion lead",
            Effect::Appoint(Role::Ambassador) => "appoint ambassador",
            Effect::Appoint(_) => "appoint",
            Effect::Survey => "survey",
            Effect::ProposalChannel => "proposal channel",
            Effect::ProposalReview => "proposals implemented",
            Effect::RuleReview => "rule review",
            Effect::Practice => "practice",
            Effect::SuccessCase => "success case",
            Effect::Training => "training",
            Effect::Templates => "templates",
            Effect::PlaceToAsk => "place to ask",
            Effect::ExecutiveUse => "executive use",
            Effect::Nothing => "no effect",
        }
    }
}

/// Whether `action` is a signal to read rather than a task to do: a missed KPI target, or a KPI
/// barrier point proposed bare (no work of the playbook moves it now). The walk reads them and
/// does the top k tasks.
pub(crate) fn is_signal(playbook: &Playbook, action: &Action) -> bool {
    if action.code.starts_with("target:") {
        return true;
    }
    action.code.strip_prefix("barrier:").is_some_and(|id| {
        !playbook
            .phases
            .iter()
            .flat_map(|p| &p.gate.criteria)
            .any(|c| c.id.as_str() == id && matches!(c.check, Check::RolePresent { .. }))
    })
}

/// What the walk did with one proposed action.
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub struct Outcome {
    /// The action's code.
    pub code: String,
    /// Where it applied.
    pub scope: ActionScope,
    /// The units of a grouped action, each of which it applied in; empty otherwise.
    pub units: Vec<UnitId>,
    /// Whether a completion was recorded.
    pub completed: bool,
    /// What it produced besides the completion; [`Effect::Nothing`] when it was done without
    /// observable effect.
    pub effect: Effect,
    /// Members given a role.
    pub appointed: usize,
}

/// The least propensity of the members of the unit where enthusiasts started on their own
/// ([`Shape::enthusiasts`](crate::Shape::enthusiasts)), reached by the rollout or not: about 83 %
/// of them use AI in a week.
///
/// ```
/// assert_eq!(teichaku_walk::ENTHUSIAST_PROPENSITY, 0.3);
/// ```
pub const ENTHUSIAST_PROPENSITY: f64 = 0.3;

/// The organisation as the walk changes it, what was observed, and the state of the usage model.
pub(crate) struct World {
    pub(crate) organisation: Organisation,
    pub(crate) observations: Observations,
    pub(crate) events: EventStoreBuilder,
    cast: Cast,
    seed: u64,
    /// Each member's unit, by position.
    member_unit: Vec<usize>,
    /// Each unit's wave, by unit position.
    wave_of: Vec<usize>,
    /// Whether the rollout had reached each unit (by position) by the latest assessment.
    pub(crate) reached: Vec<bool>,
    /// The unit (by position) where enthusiasts started on their own.
    enthusiasts: Option<usize>,
    trained: Vec<bool>,
    last_used: Vec<Option<NaiveDate>>,
    practice: BTreeSet<Option<usize>>,
    templates: BTreeSet<Option<usize>>,
    place_to_ask: bool,
    proposals_open: bool,
    last_case: BTreeMap<Option<usize>, NaiveDate>,
    last_executive_use: Option<NaiveDate>,
    next_id: u128,
}

impl World {
    pub(crate) fn new(
        organisation: Organisation,
        cast: Cast,
        wave_sizes: &[usize],
        enthusiasts: Option<usize>,
        seed: u64,
    ) -> Self {
        let n = organisation.members.len();
        let members = organisation.members.iter().enumerate().map(|(i, m)| (m.id, i as u32)).collect();
        let events = EventStoreBuilder::with_members(members, n as u32, organisation.utc_offset);
        let wave_of: Vec<usize> =
            wave_sizes.iter().enumerate().flat_map(|(w, &count)| std::iter::repeat_n(w, count)).collect();
        let reached = wave_of.iter().map(|&w| w == 0).collect();
        let member_unit = organisation
            .members
            .iter()
            .map(|m| organisation.units.iter().position(|u| u.id == m.unit).unwrap_or(0))
            .collect();
        Self {
            member_unit,
            organisation,
            observations: Observations::default(),
            events,
            cast,
            seed,
            wave_of,
            reached,
            enthusiasts: enthusiasts.and_then(|n| n.checked_sub(1)),
            trained: vec![false; n],
            last_used: vec![None; n],
            practice: BTreeSet::new(),
            templates: BTreeSet::new(),
            place_to_ask: false,
            proposals_open: false,
            last_case: BTreeMap::new(),
            last_executive_use: None,
            next_id: 1,
        }
    }

    fn id(&mut self) -> u128 {
        self.next_id += 1;
        0x9999_0000_0000 + self.next_id
    }

    #[cfg(test)]
    pub(crate) fn apply_effect_for_test(&mut self, activity: &Activity, unit: usize) {
        let day = crate::shape::LAUNCH;
        self.apply(Effect::of(activity), activity, Some(unit_id(unit)), day);
    }

    #[cfg(test)]
    pub(crate) fn propensity_on(&self, i: usize, day: NaiveDate) -> f64 {
        self.propensity(i, &self.today(day))
    }

    fn unit_position(&self, unit: UnitId) -> Option<usize> {
        self.organisation.units.iter().position(|u| u.id == unit)
    }

    fn unit_reached(&self, u: usize) -> bool {
        self.reached.get(u).copied().unwrap_or(false)
    }

    /// Each unit's wave, by unit position.
    pub(crate) fn wave_of(&self) -> &[usize] {
        &self.wave_of
    }

    fn has_role_in(&self, u: usize, role: Role) -> bool {
        let id = unit_id(u + 1);
        self.organisation.members.iter().any(|m| m.unit == id && m.has_role(role))
    }

    /// What the usage model reads of the whole organisation on `day`, looked up once a day.
    fn today(&self, day: NaiveDate) -> Today {
        let executive_active = self
            .organisation
            .members
            .iter()
            .zip(&self.last_used)
            .any(|(m, &last)| m.has_role(Role::Executive) && within(last, day, 7));
        let mut ambassador = vec![false; self.organisation.units.len()];
        for (m, &u) in self.organisation.members.iter().zip(&self.member_unit) {
            if m.has_role(Role::Ambassador)
                && let Some(slot) = ambassador.get_mut(u)
            {
                *slot = true;
            }
        }
        Today { day, executive_active, ambassador }
    }

    /// The usage model: the chance that member `i` uses AI on a working day (see the crate docs).
    fn propensity(&self, i: usize, today: &Today) -> f64 {
        let day = today.day;
        let Some(m) = self.organisation.members.get(i) else { return 0.0 };
        if m.has_role(Role::Executive) {
            return if within(self.last_executive_use, day, 14) { 0.9 } else { 0.25 };
        }
        let u = self.member_unit.get(i).copied().unwrap_or(0);
        let champion = m.has_role(Role::Ambassador) || m.has_role(Role::PromotionLead);
        // Enthusiasts use AI at least this often, reached or not.
        let floor = if self.enthusiasts == Some(u) { ENTHUSIAST_PROPENSITY } else { 0.0 };
        if !self.unit_reached(u) && !champion {
            return floor.max(if m.literacy == Some(LiteracyTier::Advanced) { 0.04 } else { 0.01 });
        }
        let here = [None, Some(u)];
        let mut p: f64 = 0.1;
        if self.trained.get(i).copied().unwrap_or(false) {
            p += 0.2;
        } else if m.age_band == Some(AgeBand::Age60Plus) {
            p -= 0.05;
        }
        if here.iter().any(|s| self.practice.contains(s)) {
            p += 0.15;
        }
        if here.iter().any(|s| self.templates.contains(s)) {
            p += 0.08;
        }
        if today.ambassador.get(u).copied().unwrap_or(false) {
            p += 0.08;
        }
        if here.iter().any(|s| within(self.last_case.get(s).copied(), day, 28)) {
            p += 0.08;
        }
        if today.executive_active {
            p += 0.04;
        }
        match m.literacy {
            Some(LiteracyTier::Beginner) => p -= 0.05,
            Some(LiteracyTier::Advanced) => p += 0.05,
            _ => {}
        }
        if champion {
            p += 0.2;
        }
        p.max(floor).clamp(0.0, 0.9)
    }

    /// One day of use: every present member uses AI on a working day with their propensity
    /// (one event of 10 minutes at a drawn time); mid-week, each reached unit with a place to ask
    /// opens a consultation answered the next day, and every other week submits a proposal when the
    /// channel is open.
    pub(crate) fn live(&mut self, day: NaiveDate, day_number: u64) -> Result<(), StoreError> {
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Ok(());
        }
        let today = self.today(day);
        for i in 0..self.organisation.members.len() {
            // Nobody uses AI at work before joining.
            if self.organisation.members.get(i).is_some_and(|m| m.joined > day) {
                continue;
            }
            let p = self.propensity(i, &today);
            let draw = splitmix(self.seed ^ ((i as u64) << 32) ^ day_number);
            if unit_fraction(draw) < p {
                let millis = (9 * 60 + (draw % 480) as u32) * 60_000;
                self.events
                    .push_local(i as u32, day, millis, 1000)
                    .map_err(|error| StoreError::Event { index: 0, error })?;
                if let Some(slot) = self.last_used.get_mut(i) {
                    *slot = Some(day);
                }
            }
        }
        if day_number % 7 == 3 {
            let reached: Vec<usize> = (0..self.organisation.units.len()).filter(|&u| self.unit_reached(u)).collect();
            for u in reached {
                let members = self.cast.unit_members.get(u).cloned().unwrap_or_default();
                let Some(&asker) = members.get(2 + (day_number / 7) as usize % members.len().saturating_sub(2).max(1))
                else {
                    continue;
                };
                let Some(member) = self.organisation.members.get(asker).map(|m| m.id) else { continue };
                if self.place_to_ask || self.has_role_in(u, Role::Ambassador) {
                    let id = self.id();
                    let mut consultation = Consultation::new(ConsultationId::from_u128(id), member, day);
                    consultation.resolved = day.checked_add_days(Days::new(1));
                    self.observations.consultations.push(consultation);
                }
                if self.proposals_open && (day_number / 7) % 2 == 0 {
                    let id = self.id();
                    self.observations.proposals.push(Proposal::new(ProposalId::from_u128(id), member, day));
                }
            }
        }
        Ok(())
    }

    /// Does `action` on `day`: see the crate docs for the mapping.
    pub(crate) fn perform(
        &mut self,
        playbook: &Playbook,
        readiness: &ReadinessReport,
        plan: &RolloutPlan,
        action: &Action,
        day: NaiveDate,
    ) -> Outcome {
        let mut outcome = Outcome {
            code: action.code.clone(),
            scope: action.scope,
            units: action.units.clone(),
            completed: false,
            effect: Effect::Nothing,
            appointed: 0,
        };
        let unit = match action.scope {
            ActionScope::Unit(u) => Some(u),
            _ => None,
        };
        // Where the action is done: its unit, each unit of a grouped action, or the organisation.
        let places: Vec<Option<UnitId>> =
            if action.units.is_empty() { vec![unit] } else { action.units.iter().copied().map(Some).collect() };
        if let Some(id) = action.code.strip_prefix("activity:") {
            let Some(activity) = playbook.activities.iter().find(|a| a.id.as_str() == id) else { return outcome };
            for &at in &places {
                if (activity.scope == ActivityScope::PerUnit) != at.is_some() {
                    continue;
                }
                self.observations.completions.push(Completion::new(activity.id.clone(), day).in_unit(at));
                outcome.completed = true;
                outcome.effect = Effect::of(activity);
                outcome.appointed += self.apply(outcome.effect, activity, at, day);
            }
        } else if let Some(id) = action.code.strip_prefix("intervention:") {
            let activity = playbook
                .interventions
                .iter()
                .find(|iv| iv.id.as_str() == id)
                .and_then(|iv| iv.activity.as_ref())
                .and_then(|a| playbook.activities.iter().find(|x| &x.id == a));
            if let Some(activity) = activity {
                for &place in &places {
                    // The intervention runs its activity: a completion where that instance may be
                    // done now (open and able to start, or done before: run again), its effect in
                    // any case.
                    let at = if activity.scope == ActivityScope::PerUnit { place } else { None };
                    let completes = (activity.scope == ActivityScope::Organisation || at.is_some())
                        && plan.instances.iter().any(|i| {
                            i.key.activity == activity.id && i.key.unit == at && (i.can_start() || i.done.is_some())
                        })
                        && !self
                            .observations
                            .completions
                            .iter()
                            .rev()
                            .take_while(|c| c.date == day)
                            .any(|c| c.activity == activity.id && c.unit == at);
                    if completes {
                        self.observations.completions.push(Completion::new(activity.id.clone(), day).in_unit(at));
                        outcome.completed = true;
                    }
                    outcome.effect = Effect::of(activity);
                    outcome.appointed += self.apply(outcome.effect, activity, place, day);
                }
            }
        } else if let Some(role) = crate::invariants::appointed_role(action) {
            // The organisation gives a member the role, in each unit the action lists.
            outcome.effect = Effect::Appoint(role);
            let units: Vec<UnitId> =
                if action.units.is_empty() { unit.into_iter().collect() } else { action.units.clone() };
            outcome.appointed = if units.is_empty() {
                self.appoint(role, None)
            } else {
                units.into_iter().map(|u| self.appoint(role, Some(u))).sum()
            };
        } else if let Some(id) = action.code.strip_prefix("barrier:") {
            // A role criterion: appoint the role in the units lacking it.
            let lacking =
                readiness.phases.iter().flat_map(|g| &g.criteria).find(|c| c.criterion.as_str() == id).and_then(|c| {
                    match &c.observed {
                        Observed::Role { role, lacking, .. } => Some((*role, lacking.clone())),
                        _ => None,
                    }
                });
            let role =
                playbook.phases.iter().flat_map(|p| &p.gate.criteria).find(|c| c.id.as_str() == id).and_then(|c| {
                    match &c.check {
                        Check::RolePresent { role, .. } => Some(*role),
                        _ => None,
                    }
                });
            if let Some(role) = role {
                outcome.effect = Effect::Appoint(role);
                let units = lacking.map(|(_, l)| l).unwrap_or_default();
                outcome.appointed = if units.is_empty() {
                    self.appoint(role, None)
                } else {
                    units.into_iter().map(|u| self.appoint(role, Some(u))).sum()
                };
            }
        }
        outcome
    }

    /// Applies `effect` of `activity` in `unit` (or the organisation) on `day`; returns how many
    /// members were given a role.
    fn apply(&mut self, effect: Effect, activity: &Activity, unit: Option<UnitId>, day: NaiveDate) -> usize {
        let u = unit.and_then(|id| self.unit_position(id));
        let in_scope: Vec<usize> = self
            .organisation
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.joined <= day)
            .filter(|(_, m)| match u {
                Some(u) => Some(m.unit) == Some(unit_id(u + 1)),
                None => {
                    let mu = self.unit_position(m.unit).unwrap_or(0);
                    self.unit_reached(mu) || m.has_role(Role::Executive) || m.has_role(Role::PromotionLead)
                }
            })
            .map(|(i, _)| i)
            .collect();
        match effect {
            Effect::Appoint(role) => return self.appoint(role, unit),
            Effect::Survey => {
                for i in in_scope {
                    let Some(member) = self.organisation.members.get(i).map(|m| m.id) else { continue };
                    let week_ago = day.checked_sub_days(Days::new(6)).unwrap_or(day);
                    let uses = self.last_used.get(i).copied().flatten().is_some_and(|d| d >= week_ago);
                    let reason = match i % 3 {
                        0 => NonUserReason::Anxious,
                        1 => NonUserReason::Skeptical,
                        _ => NonUserReason::Uninterested,
                    };
                    let id = self.id();
                    let mut survey = SurveyResponse::new(SurveyId::from_u128(id), day).by(member).with_uses_ai(uses);
                    survey.satisfaction = uses.then_some(4);
                    survey.quality = uses.then_some(4);
                    survey.non_user_reason = (!uses).then_some(reason);
                    self.observations.surveys.push(survey);
                }
            }
            Effect::ProposalChannel => self.proposals_open = true,
            Effect::ProposalReview => {
                for p in
                    self.observations.proposals.iter_mut().filter(|p| p.implemented.is_none() && p.submitted <= day)
                {
                    p.implemented = Some(day);
                }
            }
            Effect::RuleReview => {
                let id = self.id();
                self.observations.rule_reviews.push(RuleReview::new(RuleReviewId::from_u128(id), day));
            }
            Effect::Practice => {
                self.practice.insert(u);
            }
            Effect::Templates => {
                self.templates.insert(u);
            }
            Effect::SuccessCase => {
                let by = match u {
                    Some(u) => self.cast.ambassadors_to_be.get(u).copied(),
                    None => Some(self.cast.lead),
                };
                if let Some(member) = by.and_then(|i| self.organisation.members.get(i)).map(|m| m.id) {
                    let id = self.id();
                    self.observations.success_cases.push(
                        SuccessCase::new(SuccessCaseId::from_u128(id), member, day).with_parts(
                            "A recurring report took hours",
                            "A prompt template over the export",
                            "Down to minutes",
                            "The template in the manual",
                        ),
                    );
                }
                self.last_case.insert(u, day);
            }
            Effect::Training => {
                let track = track(activity);
                for i in in_scope {
                    let Some(m) = self.organisation.members.get(i) else { continue };
                    let fits = match &activity.audience {
                        Some(a) => {
                            (a.roles.is_empty() || a.roles.iter().any(|r| m.has_role(*r)))
                                && (a.age_bands.is_empty() || m.age_band.is_some_and(|b| a.age_bands.contains(&b)))
                                && (a.literacy.is_empty() || m.literacy.is_some_and(|l| a.literacy.contains(&l)))
                        }
                        None => true,
                    };
                    if fits {
                        let member = m.id;
                        self.observations
                            .trainings
                            .push(TrainingRecord::new(member, day, track).for_activity(activity.id.clone()));
                        if let Some(t) = self.trained.get_mut(i) {
                            *t = true;
                        }
                    }
                }
            }
            Effect::PlaceToAsk => self.place_to_ask = true,
            Effect::ExecutiveUse => self.last_executive_use = Some(day),
            Effect::Nothing => {}
        }
        0
    }

    /// Gives `role` to the suitable member: the promotion lead-to-be, or the ambassador-to-be of
    /// `unit` (of every reached unit lacking one, for the organisation); returns how many were
    /// given it.
    fn appoint(&mut self, role: Role, unit: Option<UnitId>) -> usize {
        let positions: Vec<usize> = match (role, unit.and_then(|u| self.unit_position(u))) {
            (Role::Ambassador | Role::Manager | Role::Staff, Some(u)) => {
                self.cast.ambassadors_to_be.get(u).copied().into_iter().collect()
            }
            (Role::Ambassador | Role::Manager | Role::Staff, None) => (0..self.organisation.units.len())
                .filter(|&u| self.unit_reached(u))
                .filter_map(|u| self.cast.ambassadors_to_be.get(u).copied())
                .collect(),
            _ => vec![self.cast.lead],
        };
        let mut given = 0;
        for i in positions {
            if let Some(m) = self.organisation.members.get_mut(i) {
                given += usize::from(m.roles.insert(role));
            }
        }
        given
    }
}

/// What the usage model reads of the whole organisation on one day.
struct Today {
    day: NaiveDate,
    /// Whether an executive used AI in the trailing 7 days.
    executive_active: bool,
    /// Whether each unit has an ambassador.
    ambassador: Vec<bool>,
}

/// Whether `last` lies in the `days` days ending on `day`.
fn within(last: Option<NaiveDate>, day: NaiveDate, days: u64) -> bool {
    last.is_some_and(|l| l <= day && day <= l.checked_add_days(Days::new(days - 1)).unwrap_or(l))
}

/// The training track of a training activity: the one it `trains`, else read from its id and audience.
fn track(activity: &Activity) -> TrainingTrack {
    if let Some(track) = activity.trains {
        return track;
    }
    let id = activity.id.as_str();
    let audience = activity.audience.clone().unwrap_or_default();
    if id.contains("security") {
        TrainingTrack::Rules
    } else if audience.roles.contains(&Role::Manager) {
        TrainingTrack::Manager
    } else if audience.age_bands.contains(&AgeBand::Age60Plus) || id.contains("basics") || id.contains("senior") {
        TrainingTrack::Basics
    } else if audience.literacy.len() == 1 && audience.literacy.contains(&LiteracyTier::Advanced) {
        TrainingTrack::Advanced
    } else {
        TrainingTrack::Practice
    }
}

/// SplitMix64's output function over `x`: the walk's only source of variation, a pure function
/// of the walk's name, the member and the day.
pub(crate) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A number in `[0, 1)` from a draw.
fn unit_fraction(draw: u64) -> f64 {
    (draw >> 11) as f64 / (1u64 << 53) as f64
}

/// A seed from a name (FNV-1a, then SplitMix64).
pub(crate) fn seed_of(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    splitmix(h)
}
