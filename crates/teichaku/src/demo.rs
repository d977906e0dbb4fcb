//! The built-in demo organisation: about 120 members in five units, thirteen weeks of usage
//! generated deterministically, and a few activities done.
//!
//! The numbers come from a fixed-seed generator, so every build produces the same document.
//! Sales is the pilot unit and uses AI most; General affairs and Development join in the second
//! wave; Support and Management form the third, and Support has no ambassador yet.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use teichaku_model::{
    Adkar, AgeBand, AssessmentDocument, Completion, Consultation, ConsultationId, DeploymentPattern, FORMAT_VERSION,
    HourlyRate, IncidentId, LiteracyTier, Member, MemberId, NonUserReason, Observations, Organisation, PlaybookSource,
    Proposal, ProposalId, Role, RuleIncident, RuleReview, RuleReviewId, Severity, SuccessCase, SuccessCaseId, SurveyId,
    SurveyResponse, Timestamp, TrainingRecord, TrainingTrack, Unit, UnitId, UsageEvent, UtcOffset, Wave,
};

/// The day the demo organisation launched its AI tools (a Monday).
pub const LAUNCH: NaiveDate = date(2026, 8, 3);

/// The date the demo is assessed at: the last day of its thirteenth week.
pub const AS_OF: NaiveDate = date(2026, 11, 1);

/// The playbook the demo organisation follows.
pub const PLAYBOOK: &str = "sme-five-step";

/// A literal date, for the constants above: evaluated only in `const` items, so a date that does
/// not exist stops the build rather than a caller.
#[expect(clippy::panic, reason = "const-evaluated only: a bad literal date is a compile error, never a run-time panic")]
const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("INVARIANT: a literal calendar date"),
    }
}

/// The demo's input document.
///
/// ```
/// let doc = teichaku::demo::document();
/// assert_eq!(doc.organisation.units.len(), 5);
/// assert!((110..=130).contains(&doc.organisation.members.len()));
/// assert_eq!(doc, teichaku::demo::document(), "deterministic");
/// ```
pub fn document() -> AssessmentDocument {
    let mut rng = SplitMix64(0x7e1c_4a2b_2026_0803);
    let organisation = organisation(&mut rng);
    let observations = observations(&organisation, &mut rng);
    AssessmentDocument {
        version: FORMAT_VERSION,
        organisation,
        playbook: PlaybookSource::Builtin(slug(PLAYBOOK)),
        observations,
    }
}

/// The units: (number, English name, headcount, wave, has an ambassador, base propensity to use AI).
const UNITS: [(u128, &str, usize, usize, bool, f64); 5] = [
    (1, "Sales", 32, 0, true, 0.62),
    (2, "General affairs", 22, 1, true, 0.42),
    (3, "Development", 28, 1, true, 0.55),
    (4, "Customer support", 26, 2, false, 0.22),
    (5, "Management", 12, 2, true, 0.35),
];

fn unit_id(n: u128) -> UnitId {
    UnitId::from_u128(0x0001_0000 + n)
}

fn organisation(rng: &mut SplitMix64) -> Organisation {
    let units = UNITS.iter().map(|&(n, name, ..)| Unit::new(unit_id(n), name)).collect();
    let mut members = Vec::new();
    let mut next = 1u128;
    for &(n, _, size, _, has_ambassador, _) in &UNITS {
        for k in 0..size {
            let mut roles = BTreeSet::new();
            match (n, k) {
                (5, 0..=2) => roles.insert(Role::Executive),
                (5, 3) => roles.insert(Role::PromotionLead),
                (_, 0) => roles.insert(Role::Manager),
                (_, 1) if has_ambassador => roles.insert(Role::Ambassador),
                _ => roles.insert(Role::Staff),
            };
            if roles.contains(&Role::Ambassador) || roles.contains(&Role::PromotionLead) {
                roles.insert(Role::Staff);
            }
            let age_band = match rng.below(10) {
                0..=3 => AgeBand::Age20s30s,
                4..=7 => AgeBand::Age40s50s,
                _ => AgeBand::Age60Plus,
            };
            let literacy = match (age_band, rng.below(10)) {
                (AgeBand::Age60Plus, 0..=6) | (_, 0..=3) => LiteracyTier::Beginner,
                (_, 4..=7) => LiteracyTier::Intermediate,
                _ => LiteracyTier::Advanced,
            };
            // A few join after launch and two leave, so headcount moves as in a real company.
            let joined = match rng.below(40) {
                0 => LAUNCH + Days::new(14 + rng.below(50)),
                // 1 April exists in every year, so the fallback is never taken.
                _ => NaiveDate::from_ymd_opt(2010 + rng.below(16) as i32, 4, 1).unwrap_or(LAUNCH),
            };
            let left = (next % 57 == 0).then(|| LAUNCH + Days::new(40 + rng.below(30)));
            let mut member = Member::new(MemberId::from_u128(0x0002_0000 + next), unit_id(n), joined)
                .with_age_band(age_band)
                .with_literacy(literacy);
            member.roles = roles;
            member.left = left;
            members.push(member);
            next += 1;
        }
    }
    let waves = ["pilot", "second", "third"]
        .into_iter()
        .enumerate()
        .map(|(w, name)| Wave::new(UNITS.iter().filter(|u| u.3 == w).map(|u| unit_id(u.0))).named(name))
        .collect();
    let mut org =
        Organisation::new("Demo Manufacturing Co.", UtcOffset::from_minutes(9 * 60).unwrap_or(UtcOffset::UTC), LAUNCH)
            .with_deployment_pattern(DeploymentPattern::Hybrid)
            .with_hourly_rate(HourlyRate { amount: 3500.0, currency: "JPY".into() });
    org.units = units;
    org.members = members;
    org.waves = waves;
    for (task, minutes) in [("email", 20.0), ("minutes", 60.0), ("summary", 30.0), ("translation", 40.0)] {
        org = org.with_task_baseline(slug(task), minutes);
    }
    org
}

/// How a member takes to AI over the thirteen weeks.
#[derive(Clone, Copy)]
enum Persona {
    Habitual,
    Regular,
    Occasional,
    Lapsing,
    Never,
}

fn persona(rng: &mut SplitMix64, propensity: f64, roles: &BTreeSet<Role>) -> Persona {
    if roles.contains(&Role::Ambassador) || roles.contains(&Role::PromotionLead) {
        return Persona::Habitual;
    }
    let x = rng.unit();
    if x < propensity * 0.45 {
        Persona::Habitual
    } else if x < propensity * 0.9 {
        Persona::Regular
    } else if x < propensity * 1.2 {
        Persona::Occasional
    } else if x < propensity * 1.5 {
        Persona::Lapsing
    } else {
        Persona::Never
    }
}

const TASKS: [&str; 7] = ["email", "minutes", "summary", "translation", "ideas", "code", "research"];

fn observations(org: &Organisation, rng: &mut SplitMix64) -> Observations {
    let mut usage = Vec::new();
    let weeks = 13u64;
    let mut personas = Vec::new();
    for m in &org.members {
        let Some(&(_, _, _, wave, _, propensity)) = UNITS.iter().find(|u| unit_id(u.0) == m.unit) else { continue };
        let mut p = persona(rng, propensity, &m.roles);
        if m.id == MemberId::from_u128(0x0002_0000 + 83) {
            p = Persona::Habitual; // The chief executive uses AI every day, where everyone can see.
        }
        personas.push((m, p, wave));
    }
    for &(m, p, wave) in &personas {
        // Each wave starts three weeks after the one before.
        let start_week = 3 * wave as u64;
        for day in 0..weeks * 7 {
            let d = LAUNCH + Days::new(day);
            let week = day / 7;
            if week < start_week || !m.is_present_on(d) || matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                continue;
            }
            let chance = match p {
                Persona::Habitual => 0.85,
                Persona::Regular => 0.4,
                Persona::Occasional => 0.12,
                Persona::Lapsing if week < start_week + 3 => 0.5,
                Persona::Lapsing => 0.0,
                Persona::Never => 0.0,
            };
            if rng.unit() >= chance {
                continue;
            }
            for _ in 0..1 + rng.below(3) {
                let minute_of_day = 8 * 60 + 30 + rng.below(10 * 60 + 30);
                let task = TASKS.get(rng.below(TASKS.len() as u64) as usize);
                let minutes = 2.0 + rng.below(19) as f64;
                let saved = (rng.below(3) == 0).then(|| 5.0 + rng.below(26) as f64);
                let at = format!("{d}T{:02}:{:02}:00+09:00", minute_of_day / 60, minute_of_day % 60);
                let mut event = UsageEvent::new(m.id, Timestamp::from(at))
                    .with_minutes(minutes)
                    .with_tool(slug(if rng.below(4) == 0 { "copilot" } else { "chatgpt" }));
                event.task = task.map(|&t| slug(t));
                event.saved_minutes = saved;
                usage.push(event);
            }
        }
    }

    let member = |n: u128| MemberId::from_u128(0x0002_0000 + n);
    let lead = member(84);
    let day = |n: u64| LAUNCH + Days::new(n);

    let mut trainings = Vec::new();
    for &(m, _, wave) in &personas {
        if wave < 2 && m.joined < day(20) {
            let track = match m.age_band {
                Some(AgeBand::Age60Plus) => TrainingTrack::Basics,
                _ => TrainingTrack::Practice,
            };
            trainings.push(TrainingRecord::new(m.id, day(10 + 21 * wave as u64), track));
        }
    }

    let mut surveys = Vec::new();
    for (k, &(m, p, _)) in personas.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        let uses = !matches!(p, Persona::Never | Persona::Lapsing);
        let reason = (!uses).then(|| match rng.below(3) {
            0 => NonUserReason::Anxious,
            1 => NonUserReason::Skeptical,
            _ => NonUserReason::Uninterested,
        });
        let score = |rng: &mut SplitMix64, base: u64| (base + rng.below(3)).min(5) as u8;
        let adkar = Adkar {
            awareness: score(rng, 3),
            desire: score(rng, if uses { 3 } else { 1 }),
            knowledge: score(rng, if uses { 3 } else { 1 }),
            ability: score(rng, if uses { 2 } else { 1 }),
            reinforcement: score(rng, 1),
        };
        let mut survey = SurveyResponse::new(SurveyId::from_u128(0x0003_0000 + k as u128), day(56))
            .by(m.id)
            .with_uses_ai(uses)
            .with_adkar(adkar);
        // Satisfaction is drawn before quality, as the demo has always drawn them.
        survey.satisfaction = uses.then(|| score(rng, 3));
        survey.quality = uses.then(|| score(rng, 2));
        survey.non_user_reason = reason;
        surveys.push(survey);
    }

    let proposals = (0..10u64)
        .map(|k| {
            let mut proposal = Proposal::new(
                ProposalId::from_u128(0x0004_0000 + u128::from(k)),
                member(1 + u128::from(k) * 3),
                day(20 + k * 6),
            );
            proposal.implemented = (k % 5 < 2).then(|| day(30 + k * 6));
            proposal
        })
        .collect();
    let consultations = (0..25u64)
        .map(|k| {
            let mut consultation = Consultation::new(
                ConsultationId::from_u128(0x0005_0000 + u128::from(k)),
                member(5 + u128::from(k) * 4),
                day(3 + k * 3),
            )
            .answered_by(lead);
            consultation.resolved = (k < 23).then(|| day(3 + k * 3 + k % 4));
            consultation
        })
        .collect();
    let incident = RuleIncident::new(IncidentId::from_u128(0x0006_0001), day(33), Severity::Low)
        .by(member(60))
        .with_summary("A customer name pasted into a prompt; caught by the ambassador.");
    let rule_review = RuleReview::new(RuleReviewId::from_u128(0x0007_0001), day(2))
        .by(lead)
        .with_changes("First version of the usage guideline.");
    let success_cases = (0..6u64)
        .map(|k| {
            let full = k < 4;
            let mut case = SuccessCase::new(
                SuccessCaseId::from_u128(0x0008_0000 + u128::from(k)),
                member(2 + u128::from(k) * 5),
                day(14 + k * 11),
            );
            case.problem = Some("Weekly customer report took two hours".into());
            case.measure = Some("Summary prompt over the CRM export".into());
            case.effect = full.then(|| "Down to 30 minutes".into());
            case.how = full.then(|| "Template S-02 in the manual".into());
            case
        })
        .collect();

    let mut seen = Observations::new().with_incident(incident).with_rule_review(rule_review);
    seen.completions = completions(org);
    seen.usage = usage;
    seen.trainings = trainings;
    seen.surveys = surveys;
    seen.proposals = proposals;
    seen.consultations = consultations;
    seen.success_cases = success_cases;
    seen
}

/// The activities the demo organisation has done: the first phase of `sme-five-step` in full,
/// part of the second and third, with the pilot unit ahead of the others.
fn completions(org: &Organisation) -> Vec<Completion> {
    let lead = org.members.iter().find(|m| m.has_role(Role::PromotionLead)).map(|m| m.id);
    let pilot = unit_id(1);
    DEMO_COMPLETIONS
        .iter()
        .map(|&(activity, per_unit, days)| {
            let date = LAUNCH.checked_add_signed(chrono::TimeDelta::days(days)).unwrap_or(LAUNCH);
            let mut done = Completion::new(slug(activity), date).in_unit(per_unit.then_some(pilot));
            done.by = lead;
            done
        })
        .collect()
}

/// (activity, done in the pilot unit rather than organisation-wide, days after launch).
const DEMO_COMPLETIONS: [(&str, bool, i64); 27] = [
    ("choose-deployment-pattern", false, -20),
    ("executive-state-aim", false, -14),
    ("appoint-promotion-lead", false, -12),
    ("executive-secure-budget", false, -10),
    ("map-work-and-pick-tasks", false, -5),
    ("draft-trial-rules", false, -2),
    ("announce-rollout", false, 1),
    ("kick-off", false, 3),
    ("executive-visible-use", false, 7),
    ("daily-ai-task", true, 8),
    ("set-up-consultation-desk", false, 10),
    ("regular-meeting", false, 10),
    ("executive-visible-use", false, 14),
    ("regular-meeting", false, 17),
    ("name-unit-ai-contact", true, 20),
    ("executive-visible-use", false, 21),
    ("regular-meeting", false, 24),
    ("collect-success-case", true, 25),
    ("run-poc", false, 31),
    ("regular-meeting", false, 31),
    ("poc-review", false, 38),
    ("collect-success-case", true, 39),
    ("publish-success-cases", false, 42),
    ("publish-usage-rules", false, 45),
    ("training-20s-30s", true, 50),
    ("training-40s-50s", true, 52),
    ("publish-success-cases", false, 56),
];

/// One of the demo's literal slugs; every test that builds the demo parses them all.
#[expect(clippy::panic, reason = "literal slugs of this module's tables: a typo fails every demo test, never a caller")]
fn slug<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap_or_else(|e| panic!("INVARIANT: `{s}` is a literal slug: {e:?}"))
}

/// SplitMix64: a small, fast generator with a fixed seed, so the demo is the same everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The demo document, validated against the built-in playbooks.
///
/// # Panics
///
/// Never for a released build: the test suite validates the demo.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// assert_eq!(snapshot.playbook().id.as_str(), teichaku::demo::PLAYBOOK);
/// ```
#[expect(clippy::panic, reason = "documented: no `Result` to return, and the demo is generated and tested here")]
pub fn snapshot() -> teichaku_model::ValidSnapshot {
    // INVARIANT: the demo is generated by this crate and validated by its tests.
    teichaku_model::validate_document(document(), &crate::Catalog::builtin())
        .unwrap_or_else(|e| panic!("the built-in demo is invalid:\n{e}"))
}
