//! Facts for evaluation rubrics, derived from what the engine observed, and merged with facts
//! from an HR system into one row per member.
//!
//! [`engine_facts`] derives, for every member present on `as_of`, the facts listed in
//! [`ENGINE_FACTS`] (usage days, streaks, habit segment, proposals, success cases, incidents,
//! trainings, consultations answered); [`merge_facts`] lays an HR system's facts (a goal-sheet
//! entry, a manager's rating, …) beside them as [`Subject`]s for
//! [`evaluate_batch`](crate::rules::evaluate_batch). Both are pure: `as_of` and the appraisal
//! period are parameters.
//!
//! ```
//! use std::collections::BTreeMap;
//! use teichaku::facts::{engine_facts, merge_facts, HrFacts};
//! use teichaku::rules::{ai_use_in_appraisal, evaluate_batch, FactValue};
//!
//! let snapshot = teichaku::demo::snapshot();
//! let engine = engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
//! let first = engine.members[0].member;
//! let hr = [HrFacts::new(first, [("goal_sheet_ai_entry", FactValue::Boolean(true))])];
//! let rubric = ai_use_in_appraisal();
//! let merged = merge_facts(&rubric, &engine, &hr)?;
//! let batch = evaluate_batch(&rubric, &merged.subjects);
//! assert_eq!(batch.results.len(), engine.members.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{KpiError, KpiOptions, Scope, Segment};
use teichaku_model::{MemberId, Role, TrainingTrack, UnitId, ValidSnapshot};
use teichaku_rules::{CompiledRubric, FactValue, Facts, Subject};

/// The name of every engine fact, in the order of [`MemberFacts::values`].
///
/// | name | kind | meaning |
/// |---|---|---|
/// | `usage_days_7` | number | days with AI use in the 7 days ending on `as_of` |
/// | `usage_days_28` | number | days with AI use in the 28 days ending on `as_of` |
/// | `current_streak` | number | the current streak of working days with use, on `as_of` |
/// | `longest_streak` | number | the longest streak of working days with use in the metrics horizon |
/// | `habit_segment` | enumeration | `habitual`, `regular`, `occasional`, `lapsed` or `never` on `as_of` |
/// | `proposals_submitted` | number | improvement proposals the member submitted in the period |
/// | `proposals_implemented` | number | the member's proposals put into practice in the period |
/// | `success_cases_shared` | number | success cases the member shared in the period |
/// | `incidents` | number | rule incidents naming the member in the period |
/// | `trainings_completed` | number | training sessions the member completed in the period |
/// | `rules_training_completed` | boolean | whether one of them was on the usage rules |
/// | `consultations_answered` | number | consultations the member answered that were resolved in the period |
///
/// The usage facts are the metrics' per-member figures (`teichaku_metrics::MemberKpis`); the
/// period is the one given to [`engine_facts`], both ends included.
///
/// ```
/// assert!(teichaku::facts::ENGINE_FACTS.contains(&"usage_days_28"));
/// ```
pub const ENGINE_FACTS: [&str; 12] = [
    "usage_days_7",
    "usage_days_28",
    "current_streak",
    "longest_streak",
    "habit_segment",
    "proposals_submitted",
    "proposals_implemented",
    "success_cases_shared",
    "incidents",
    "trainings_completed",
    "rules_training_completed",
    "consultations_answered",
];

/// The values of the engine fact `habit_segment`, as a rubric declares them:
/// `{ "name": "habit_segment", "kind": { "enumeration": [...] } }`.
///
/// ```
/// assert_eq!(teichaku::facts::HABIT_SEGMENTS[0], "habitual");
/// ```
pub const HABIT_SEGMENTS: [&str; 5] = ["habitual", "regular", "occasional", "lapsed", "never"];

/// The result of [`engine_facts`]: one row per member present on `as_of`, by member id.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let facts = teichaku::facts::engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
/// assert!(facts.members.windows(2).all(|w| w[0].member < w[1].member));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EngineFacts {
    /// The first day of the appraisal period.
    pub from: NaiveDate,
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// One row per member present on `as_of`, ordered by member id.
    pub members: Vec<MemberFacts>,
}

/// One member's engine facts (see [`ENGINE_FACTS`] for their definitions).
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let facts = teichaku::facts::engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
/// let row = &facts.members[0];
/// assert!(row.usage_days_7 <= row.usage_days_28 && row.usage_days_28 <= 28);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberFacts {
    /// The member.
    pub member: MemberId,
    /// The member's unit: the group of roll-ups.
    pub unit: UnitId,
    /// The member's roles, in role order.
    pub roles: Vec<Role>,
    /// `usage_days_7`.
    pub usage_days_7: u32,
    /// `usage_days_28`.
    pub usage_days_28: u32,
    /// `current_streak`.
    pub current_streak: u32,
    /// `longest_streak`.
    pub longest_streak: u32,
    /// `habit_segment`.
    pub habit_segment: Segment,
    /// `proposals_submitted`.
    pub proposals_submitted: u32,
    /// `proposals_implemented`.
    pub proposals_implemented: u32,
    /// `success_cases_shared`.
    pub success_cases_shared: u32,
    /// `incidents`.
    pub incidents: u32,
    /// `trainings_completed`.
    pub trainings_completed: u32,
    /// `rules_training_completed`.
    pub rules_training_completed: bool,
    /// `consultations_answered`.
    pub consultations_answered: u32,
}

impl MemberFacts {
    /// The facts by name, in the order of [`ENGINE_FACTS`], as rubric values.
    ///
    /// ```
    /// use teichaku::rules::FactValue;
    /// let snapshot = teichaku::demo::snapshot();
    /// let facts = teichaku::facts::engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
    /// let values = facts.members[0].values();
    /// assert_eq!(values[1].0, "usage_days_28");
    /// assert!(matches!(values[4].1, FactValue::Enumeration(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn values(&self) -> [(&'static str, FactValue); 12] {
        let n = |x: u32| FactValue::Number(f64::from(x));
        let [a, b, c, d, e, f, g, h, i, j, k, l] = ENGINE_FACTS;
        [
            (a, n(self.usage_days_7)),
            (b, n(self.usage_days_28)),
            (c, n(self.current_streak)),
            (d, n(self.longest_streak)),
            (e, FactValue::Enumeration(segment_name(self.habit_segment))),
            (f, n(self.proposals_submitted)),
            (g, n(self.proposals_implemented)),
            (h, n(self.success_cases_shared)),
            (i, n(self.incidents)),
            (j, n(self.trainings_completed)),
            (k, FactValue::Boolean(self.rules_training_completed)),
            (l, n(self.consultations_answered)),
        ]
    }
}

/// Facts about one member from an HR system, by fact name.
///
/// ```
/// use teichaku::facts::HrFacts;
/// use teichaku::model::MemberId;
/// use teichaku::rules::FactValue;
/// let hr = HrFacts::new(MemberId::from_u128(7), [("goal_sheet_ai_entry", FactValue::Boolean(true))]);
/// assert_eq!(hr.facts.len(), 1);
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HrFacts {
    /// The member.
    pub member: MemberId,
    /// The facts, by name.
    pub facts: BTreeMap<String, FactValue>,
}

impl HrFacts {
    /// A member's HR facts from name-value pairs; a later pair with the same name wins.
    pub fn new<'a>(member: MemberId, facts: impl IntoIterator<Item = (&'a str, FactValue)>) -> Self {
        Self { member, facts: facts.into_iter().map(|(name, value)| (name.to_owned(), value)).collect() }
    }
}

/// The result of [`merge_facts`]: one subject per member, ready for
/// [`evaluate_batch`](crate::rules::evaluate_batch), and the HR rows that named no member.
///
/// ```
/// use teichaku::facts::{engine_facts, merge_facts, HrFacts};
/// use teichaku::model::MemberId;
/// let snapshot = teichaku::demo::snapshot();
/// let engine = engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
/// let stranger = HrFacts::new(MemberId::from_u128(999_999), []);
/// let merged = merge_facts(&teichaku::rules::ai_use_in_appraisal(), &engine, &[stranger])?;
/// assert_eq!(merged.unknown_members, [MemberId::from_u128(999_999)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MergedFacts {
    /// One subject per member of the engine facts, in their order: id the member id, group the
    /// unit id, the member's roles, and a facts row for the rubric.
    pub subjects: Vec<Subject>,
    /// Members named by HR facts but absent from the engine facts (unknown, or not present on
    /// `as_of`), ordered by id; their facts are not evaluated.
    pub unknown_members: Vec<MemberId>,
}

/// Why facts could not be derived or merged.
///
/// ```
/// use teichaku::facts::FactsError;
/// use teichaku::model::MemberId;
/// let e = FactsError::Conflict { member: MemberId::from_u128(7), fact: "incidents".into() };
/// assert!(e.to_string().contains("both the engine and the HR system"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FactsError {
    /// The usage figures could not be computed.
    #[error(transparent)]
    Kpis(#[from] KpiError),
    /// The appraisal period starts after `as_of`.
    #[error("the appraisal period starts on {from}, after its last day {as_of}")]
    EmptyPeriod {
        /// The first day.
        from: NaiveDate,
        /// The last day.
        as_of: NaiveDate,
    },
    /// A fact is supplied both by the engine and by the HR system.
    #[error("fact `{fact}` of member `{member}` is supplied by both the engine and the HR system")]
    Conflict {
        /// The member.
        member: MemberId,
        /// The fact.
        fact: String,
    },
    /// Two HR rows of one member both give a fact.
    #[error("fact `{fact}` of member `{member}` is given twice by the HR system")]
    DuplicateHrFact {
        /// The member.
        member: MemberId,
        /// The fact.
        fact: String,
    },
    /// An HR fact is not declared by the rubric.
    #[error("fact `{fact}` of member `{member}` is not declared by the rubric")]
    UnknownFact {
        /// The member.
        member: MemberId,
        /// The fact.
        fact: String,
    },
}

/// Derives the engine facts of every member present on `as_of`.
///
/// The usage facts (`usage_days_7`, `usage_days_28`, streaks, `habit_segment`) are the metrics'
/// per-member figures on `as_of`, under the playbook's habit rule; the counted facts cover the
/// appraisal period from `from` to `as_of`, both included. See [`ENGINE_FACTS`].
///
/// # Errors
///
/// [`FactsError::EmptyPeriod`] when `from` is after `as_of`; [`FactsError::Kpis`] when the usage
/// events cannot be aggregated.
///
/// # Example
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let facts = teichaku::facts::engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
/// assert!(facts.members.iter().any(|m| m.proposals_implemented > 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn engine_facts(snapshot: &ValidSnapshot, from: NaiveDate, as_of: NaiveDate) -> Result<EngineFacts, FactsError> {
    if from > as_of {
        return Err(FactsError::EmptyPeriod { from, as_of });
    }
    let snapshot = &*snapshot.on(as_of);
    let mut options = KpiOptions::default();
    options.per_member = true;
    options.scopes = vec![Scope::Organisation];
    let report = teichaku_metrics::kpis(snapshot, as_of, &options)?;
    let usage: BTreeMap<MemberId, _> =
        report.members.unwrap_or_default().into_iter().map(|kpis| (kpis.member, kpis)).collect();
    let counts = Counts::of(snapshot, from, as_of);

    let mut members: Vec<MemberFacts> = snapshot
        .organisation()
        .members
        .iter()
        .filter(|m| m.is_present_on(as_of))
        .map(|m| {
            let kpis = usage.get(&m.id);
            let count = |map: &BTreeMap<MemberId, u32>| map.get(&m.id).copied().unwrap_or(0);
            MemberFacts {
                member: m.id,
                unit: m.unit,
                roles: m.roles.iter().copied().collect(),
                usage_days_7: kpis.map_or(0, |k| k.days_7),
                usage_days_28: kpis.map_or(0, |k| k.days_28),
                current_streak: kpis.map_or(0, |k| k.current_streak),
                longest_streak: kpis.map_or(0, |k| k.longest_streak),
                habit_segment: kpis.map_or(Segment::Never, |k| k.segment),
                proposals_submitted: count(&counts.proposals_submitted),
                proposals_implemented: count(&counts.proposals_implemented),
                success_cases_shared: count(&counts.success_cases),
                incidents: count(&counts.incidents),
                trainings_completed: count(&counts.trainings),
                rules_training_completed: counts.rules_trained.contains(&m.id),
                consultations_answered: count(&counts.consultations_answered),
            }
        })
        .collect();
    members.sort_by_key(|m| m.member);
    Ok(EngineFacts { from, as_of, members })
}

/// Merges engine facts with HR facts into one subject per member for `rubric`.
///
/// Each subject holds the engine facts the rubric declares (the others are not needed) and the
/// member's HR facts; facts the rubric declares but nobody supplied are missing, for the
/// rubric's missing-fact policy. HR rows naming a member absent from the engine facts are
/// listed in [`MergedFacts::unknown_members`], not dropped silently.
///
/// # Errors
///
/// In HR-row order, the first of: [`FactsError::Conflict`] when an HR fact has the name of an
/// engine fact; [`FactsError::UnknownFact`] when the rubric does not declare an HR fact;
/// [`FactsError::DuplicateHrFact`] when two rows of one member give the same fact.
///
/// # Example
///
/// ```
/// use teichaku::facts::{engine_facts, merge_facts, FactsError, HrFacts};
/// use teichaku::rules::FactValue;
/// let snapshot = teichaku::demo::snapshot();
/// let engine = engine_facts(&snapshot, "2026-04-01".parse()?, teichaku::demo::AS_OF)?;
/// let member = engine.members[0].member;
/// let hr = [HrFacts::new(member, [("incidents", FactValue::Number(0.0))])];
/// let err = merge_facts(&teichaku::rules::ai_use_in_appraisal(), &engine, &hr).unwrap_err();
/// assert_eq!(err, FactsError::Conflict { member, fact: "incidents".into() });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_facts(rubric: &CompiledRubric, engine: &EngineFacts, hr: &[HrFacts]) -> Result<MergedFacts, FactsError> {
    let table = rubric.fact_table();
    let mut by_member: BTreeMap<MemberId, BTreeMap<&str, &FactValue>> = BTreeMap::new();
    for row in hr {
        let given = by_member.entry(row.member).or_default();
        for (name, value) in &row.facts {
            let error = |fact: &str| (row.member, fact.to_owned());
            if ENGINE_FACTS.contains(&name.as_str()) {
                let (member, fact) = error(name);
                return Err(FactsError::Conflict { member, fact });
            }
            if table.index(name).is_none() {
                let (member, fact) = error(name);
                return Err(FactsError::UnknownFact { member, fact });
            }
            if given.insert(name, value).is_some() {
                let (member, fact) = error(name);
                return Err(FactsError::DuplicateHrFact { member, fact });
            }
        }
    }
    let known: BTreeSet<MemberId> = engine.members.iter().map(|m| m.member).collect();
    let unknown_members = by_member.keys().copied().filter(|id| !known.contains(id)).collect();

    let subjects = engine
        .members
        .iter()
        .map(|member| {
            let mut facts = rubric.empty_facts();
            for (name, value) in member.values() {
                set_declared(rubric, &mut facts, name, value);
            }
            for (name, value) in by_member.get(&member.member).into_iter().flatten() {
                set_declared(rubric, &mut facts, name, (*value).clone());
            }
            Subject::new(member.member.to_string(), facts)
                .in_group(member.unit.to_string())
                .with_roles(member.roles.iter().copied())
        })
        .collect();
    Ok(MergedFacts { subjects, unknown_members })
}

/// The name of a segment as serialised, as in [`HABIT_SEGMENTS`]; empty (an undeclared value,
/// which evaluation reports) should a segment ever not serialise as a name.
fn segment_name(segment: Segment) -> String {
    match serde_json::to_value(segment) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Sets `name` in `facts` when the rubric declares it.
fn set_declared(rubric: &CompiledRubric, facts: &mut Facts, name: &str, value: FactValue) {
    if let Some(index) = rubric.fact_table().index(name) {
        facts.set(index, value);
    }
}

/// The counted facts of every member over a period, from the observations.
#[derive(Default)]
struct Counts {
    proposals_submitted: BTreeMap<MemberId, u32>,
    proposals_implemented: BTreeMap<MemberId, u32>,
    success_cases: BTreeMap<MemberId, u32>,
    incidents: BTreeMap<MemberId, u32>,
    trainings: BTreeMap<MemberId, u32>,
    rules_trained: BTreeSet<MemberId>,
    consultations_answered: BTreeMap<MemberId, u32>,
}

impl Counts {
    fn of(snapshot: &ValidSnapshot, from: NaiveDate, as_of: NaiveDate) -> Self {
        let within = |day: NaiveDate| (from..=as_of).contains(&day);
        let bump = |map: &mut BTreeMap<MemberId, u32>, member: MemberId| {
            let count = map.entry(member).or_insert(0);
            *count = count.saturating_add(1);
        };
        let observations = snapshot.observations();
        let mut counts = Counts::default();
        for p in &observations.proposals {
            if within(p.submitted) {
                bump(&mut counts.proposals_submitted, p.member);
            }
            if p.implemented.is_some_and(within) {
                bump(&mut counts.proposals_implemented, p.member);
            }
        }
        for case in observations.success_cases.iter().filter(|c| within(c.date)) {
            bump(&mut counts.success_cases, case.member);
        }
        for incident in observations.incidents.iter().filter(|i| within(i.date)) {
            if let Some(member) = incident.member {
                bump(&mut counts.incidents, member);
            }
        }
        for training in observations.trainings.iter().filter(|t| within(t.date)) {
            bump(&mut counts.trainings, training.member);
            if training.track == TrainingTrack::Rules {
                counts.rules_trained.insert(training.member);
            }
        }
        for consultation in &observations.consultations {
            if let (Some(by), true) = (consultation.answered_by, consultation.resolved.is_some_and(within)) {
                bump(&mut counts.consultations_answered, by);
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly by design")]

    use serde_json::json;
    use teichaku_rules::{FactValue, compile, parse_rubric};

    use super::*;

    fn id(n: u32) -> String {
        format!("00000000-0000-0000-0000-{n:012}")
    }

    fn member(n: u32) -> MemberId {
        id(n).parse().unwrap()
    }

    /// Three members of one unit (103 left before `as_of`) and observations either side of the
    /// period 2026-04-01 to 2026-06-30.
    fn snapshot() -> ValidSnapshot {
        let at = |day: &str| json!({ "member": id(101), "at": format!("{day}T10:00:00+09:00"), "minutes": 5 });
        let doc = json!({
            "version": 1,
            "organisation": {
                "name": "Facts K.K.", "utc_offset": "+09:00", "launch_date": "2026-03-01",
                "deployment_pattern": "hybrid",
                "units": [{ "id": id(1), "name": "Sales" }],
                "members": [
                    { "id": id(101), "unit": id(1), "roles": ["staff", "ambassador"], "joined": "2020-04-01" },
                    { "id": id(102), "unit": id(1), "roles": ["manager"], "joined": "2020-04-01" },
                    { "id": id(103), "unit": id(1), "roles": ["staff"], "joined": "2020-04-01", "left": "2026-06-01" }
                ],
                "waves": [{ "units": [id(1)] }]
            },
            "playbook": { "builtin": "sme-five-step" },
            "observations": {
                "usage": [at("2026-06-30"), at("2026-06-29"), at("2026-06-20"), at("2026-05-21")],
                "proposals": [
                    { "id": id(301), "member": id(101), "submitted": "2026-03-20", "implemented": "2026-04-10" },
                    { "id": id(302), "member": id(101), "submitted": "2026-05-01" },
                    { "id": id(303), "member": id(101), "submitted": "2026-06-01", "implemented": "2026-07-05" }
                ],
                "success_cases": [
                    { "id": id(701), "member": id(101), "date": "2026-05-05" },
                    { "id": id(702), "member": id(101), "date": "2026-07-01" }
                ],
                "incidents": [
                    { "id": id(501), "date": "2026-04-02", "member": id(102), "severity": "low" },
                    { "id": id(502), "date": "2026-04-03", "severity": "high" },
                    { "id": id(503), "date": "2026-03-31", "member": id(101), "severity": "low" }
                ],
                "trainings": [
                    { "member": id(102), "date": "2026-04-15", "track": "rules" },
                    { "member": id(102), "date": "2026-04-01", "track": "basics" },
                    { "member": id(101), "date": "2026-03-01", "track": "practice" }
                ],
                "consultations": [
                    { "id": id(401), "member": id(102), "answered_by": id(101), "opened": "2026-05-01", "resolved": "2026-05-02" },
                    { "id": id(402), "member": id(102), "answered_by": id(101), "opened": "2026-06-01" }
                ]
            }
        });
        crate::load(&doc.to_string(), &crate::Catalog::builtin()).unwrap()
    }

    fn facts() -> EngineFacts {
        engine_facts(&snapshot(), "2026-04-01".parse().unwrap(), "2026-06-30".parse().unwrap()).unwrap()
    }

    #[test]
    fn counts_by_hand() {
        let facts = facts();
        let ids: Vec<MemberId> = facts.members.iter().map(|m| m.member).collect();
        assert_eq!(ids, [member(101), member(102)], "103 left before as_of");
        let [a, b] = &facts.members[..] else { panic!("two members") };
        // Use on 30 and 29 June (7 days), 20 June (28 days); 21 May is older.
        assert_eq!((a.usage_days_7, a.usage_days_28), (2, 3));
        assert_eq!(a.habit_segment, Segment::Regular);
        assert!(a.current_streak >= 1 && a.longest_streak >= a.current_streak);
        // 302 and 303 submitted in the period; 301 implemented in it, 303 after.
        assert_eq!((a.proposals_submitted, a.proposals_implemented), (2, 1));
        assert_eq!((a.success_cases_shared, a.incidents, a.trainings_completed), (1, 0, 0));
        assert!(!a.rules_training_completed);
        assert_eq!(a.consultations_answered, 1);
        assert_eq!(a.roles, [Role::Ambassador, Role::Staff]);

        assert_eq!((b.usage_days_28, b.current_streak, b.habit_segment), (0, 0, Segment::Never));
        assert_eq!((b.incidents, b.trainings_completed, b.rules_training_completed), (1, 2, true));
        assert_eq!((b.proposals_submitted, b.consultations_answered), (0, 0));
    }

    #[test]
    fn usage_facts_are_the_metrics_figures() {
        let snapshot = snapshot();
        let as_of = "2026-06-30".parse().unwrap();
        let mut options = KpiOptions::default();
        options.per_member = true;
        let kpis = teichaku_metrics::kpis(&snapshot, as_of, &options).unwrap().members.unwrap();
        let facts = engine_facts(&snapshot, "2026-04-01".parse().unwrap(), as_of).unwrap();
        for row in &facts.members {
            let k = kpis.iter().find(|k| k.member == row.member).unwrap();
            assert_eq!(
                (row.usage_days_7, row.usage_days_28, row.current_streak, row.longest_streak, row.habit_segment),
                (k.days_7, k.days_28, k.current_streak, k.longest_streak, k.segment)
            );
        }
    }

    #[test]
    fn values_follow_the_names_and_segments_serialise_as_declared() {
        let row = &facts().members[0];
        let names: Vec<&str> = row.values().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ENGINE_FACTS);
        assert_eq!(row.values()[4].1, FactValue::Enumeration("regular".into()));
        for segment in [Segment::Habitual, Segment::Regular, Segment::Occasional, Segment::Lapsed, Segment::Never] {
            assert!(HABIT_SEGMENTS.contains(&segment_name(segment).as_str()));
        }
    }

    #[test]
    fn an_empty_period_is_an_error() {
        let err = engine_facts(&snapshot(), "2026-07-01".parse().unwrap(), "2026-06-30".parse().unwrap());
        assert!(matches!(err, Err(FactsError::EmptyPeriod { .. })));
    }

    fn rubric() -> CompiledRubric {
        compile(
            parse_rubric(
                &json!({
                    "version": 1, "id": "merge", "revision": 1, "title": { "en": "M", "ja": "M" },
                    "effective_from": "2026-04-01",
                    "facts": [
                        { "name": "rating", "kind": { "enumeration": ["good", "poor"] } },
                        { "name": "usage_days_28", "kind": "number" },
                        { "name": "goal_sheet_ai_entry", "kind": "boolean" },
                        { "name": "habit_segment", "kind": { "enumeration": HABIT_SEGMENTS } }
                    ],
                    "bands": [{ "name": "A", "min_score": 50 }, { "name": "B", "min_score": 0 }],
                    "criteria": [{ "id": "u", "title": { "en": "U", "ja": "U" }, "fact": "usage_days_28", "weight": 1,
                                   "scoring": { "linear": { "from": 0, "to": 4 } } }],
                    "caps": [{ "id": "poor", "max_band": "B", "when": { "one_of": { "fact": "rating", "values": ["poor"] } } }]
                })
                .to_string(),
            )
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn merging_lays_hr_facts_beside_engine_facts() {
        let rubric = rubric();
        let hr = [
            HrFacts::new(member(101), [("rating", FactValue::Enumeration("poor".into()))]),
            HrFacts::new(member(101), [("goal_sheet_ai_entry", FactValue::Boolean(true))]),
            HrFacts::new(member(103), [("rating", FactValue::Enumeration("good".into()))]),
            HrFacts::new(member(999), []),
        ];
        let merged = merge_facts(&rubric, &facts(), &hr).unwrap();
        assert_eq!(merged.unknown_members, [member(103), member(999)]);
        let [a, b] = &merged.subjects[..] else { panic!("two subjects") };
        assert_eq!((a.id.as_str(), a.group.as_deref()), (id(101).as_str(), Some(id(1).as_str())));
        assert_eq!(a.roles, [Role::Ambassador, Role::Staff]);
        assert_eq!(
            a.facts.values(),
            [
                Some(FactValue::Enumeration("poor".into())),
                Some(FactValue::Number(3.0)),
                Some(FactValue::Boolean(true)),
                Some(FactValue::Enumeration("regular".into())),
            ]
        );
        assert_eq!(b.facts.values()[0], None, "no HR row: missing");
        let batch = teichaku_rules::evaluate_batch(&rubric, &merged.subjects);
        // 3 of 4 days is 75, capped into B by the poor rating.
        assert_eq!(batch.results[0].evaluation().map(|e| e.band.as_str()), Some("B"));
    }

    #[test]
    fn merging_names_the_member_and_fact_at_fault() {
        let rubric = rubric();
        let engine = facts();
        let clash = [HrFacts::new(member(102), [("usage_days_28", FactValue::Number(1.0))])];
        assert_eq!(
            merge_facts(&rubric, &engine, &clash).unwrap_err().to_string(),
            format!("fact `usage_days_28` of member `{}` is supplied by both the engine and the HR system", id(102))
        );
        let unknown = [HrFacts::new(member(102), [("shoe_size", FactValue::Number(27.0))])];
        assert_eq!(
            merge_facts(&rubric, &engine, &unknown).unwrap_err(),
            FactsError::UnknownFact { member: member(102), fact: "shoe_size".into() }
        );
        let twice = [
            HrFacts::new(member(102), [("rating", FactValue::Enumeration("good".into()))]),
            HrFacts::new(member(102), [("rating", FactValue::Enumeration("poor".into()))]),
        ];
        assert_eq!(
            merge_facts(&rubric, &engine, &twice).unwrap_err(),
            FactsError::DuplicateHrFact { member: member(102), fact: "rating".into() }
        );
    }
}
