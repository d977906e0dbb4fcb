//! The walk: a year of days from launch, an assessment every 7 days, the top k actions done.

use chrono::{Days, NaiveDate};
use teichaku::model::{DeploymentPattern, PhaseId, Playbook, Role, Snapshot, ValidationErrors, validate};
use teichaku::rollout::ActionScope;
use teichaku::{AssessOptions, Catalog, SimulateError, assess_with_store, best_single_action};

use crate::invariants::{Checker, Violation};
use crate::model::{Effect, Outcome, World, seed_of};
use crate::shape::{LAUNCH, Shape, organisation};

/// Days walked from launch: day 0 to day 364.
pub const DAYS: u64 = 365;

/// Days between two assessments.
pub const EVERY: u64 = 7;

/// The values of k walked: the top 3 and the top 10 actions done at each assessment.
pub const KS: [usize; 2] = [3, 10];

/// The deployment patterns walked, in order.
pub const PATTERNS: [DeploymentPattern; 3] =
    [DeploymentPattern::TopDown, DeploymentPattern::BottomUp, DeploymentPattern::Hybrid];

/// One walk: a playbook, a deployment pattern, an organisation shape and how many actions are done
/// at each assessment.
///
/// ```
/// use teichaku_walk::{Shape, WalkSpec};
/// let spec = WalkSpec::new("sme-five-step", teichaku::model::DeploymentPattern::Hybrid, Shape::FiveUnits, 3);
/// assert_eq!(spec.name(), "sme-five-step/hybrid/five-units/k3");
/// assert_eq!(WalkSpec::all(&teichaku::Catalog::builtin()).len(), 5 * 3 * 3 * 2);
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub struct WalkSpec {
    /// The playbook followed.
    pub playbook: String,
    /// The deployment pattern recorded in the organisation.
    pub pattern: DeploymentPattern,
    /// The organisation's shape.
    pub shape: Shape,
    /// How many of the top actions are done at each assessment.
    pub k: usize,
}

impl WalkSpec {
    /// A walk of `playbook` (its id) with `pattern`, `shape` and `k`.
    pub fn new(playbook: &str, pattern: DeploymentPattern, shape: Shape, k: usize) -> Self {
        Self { playbook: playbook.to_owned(), pattern, shape, k }
    }

    /// Every walk over the catalog's playbooks: playbook × pattern × shape × k, in that order.
    pub fn all(catalog: &Catalog) -> Vec<WalkSpec> {
        let mut specs = Vec::new();
        for p in catalog.iter() {
            for pattern in PATTERNS {
                for shape in Shape::ALL {
                    for k in KS {
                        specs.push(WalkSpec::new(p.id.as_str(), pattern, shape, k));
                    }
                }
            }
        }
        specs
    }

    /// The walk's name: `playbook/pattern/shape/kK`, such as `sme-five-step/hybrid/five-units/k3`.
    pub fn name(&self) -> String {
        format!("{}/{}/{}/k{}", self.playbook, pattern_name(self.pattern), self.shape.as_str(), self.k)
    }
}

/// A deployment pattern's name as documents spell it.
pub fn pattern_name(pattern: DeploymentPattern) -> &'static str {
    match pattern {
        DeploymentPattern::TopDown => "top_down",
        DeploymentPattern::BottomUp => "bottom_up",
        _ => "hybrid",
    }
}

/// One action of an assessment as the walk shows it.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct ActionLine {
    /// Its rank, from 1.
    pub rank: usize,
    /// Its code.
    pub code: String,
    /// Where it applies: `organisation`, `Unit N`, or the units of a grouped action (the first
    /// four, then how many more).
    pub scope: String,
    /// Its urgency.
    pub urgency: f64,
}

impl std::fmt::Display for ActionLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:>2}. {:>7.1}  {} @ {}", self.rank, self.urgency, self.code, self.scope)
    }
}

/// One assessment of a walk and what was done after it.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct Step {
    /// Days since launch.
    pub day: u64,
    /// The assessment's date.
    pub as_of: NaiveDate,
    /// The current phase (`None` once every gate has passed).
    pub current_phase: Option<PhaseId>,
    /// Whether each phase's gate passes, in order.
    pub phases_passed: Vec<bool>,
    /// Whether each wave may start, the pilot first.
    pub waves_started: Vec<bool>,
    /// Whether the rollout had reached the unit where enthusiasts started on their own
    /// ([`Shape::enthusiasts`](crate::Shape::enthusiasts)); `false` in a shape without one.
    pub enthusiasts_reached: bool,
    /// The organisation's weekly-active rate.
    pub weekly_active: Option<f64>,
    /// The organisation's habit rate.
    pub habit: Option<f64>,
    /// The barrier point's criterion, if any.
    pub barrier: Option<teichaku::model::CriterionId>,
    /// The top 10 actions.
    pub top: Vec<ActionLine>,
    /// What the walk did: the top k actions.
    pub done: Vec<Outcome>,
}

/// A walk's result: every step and every invariant violated.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct Walk {
    /// What was walked.
    pub spec: WalkSpec,
    /// Its name.
    pub name: String,
    /// The phases of the playbook, in order.
    pub phases: Vec<PhaseId>,
    /// Each assessment, in order.
    pub steps: Vec<Step>,
    /// Every violation, in order of day.
    pub violations: Vec<Violation>,
}

/// Why a walk could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WalkError {
    /// The catalog has no playbook of that id.
    #[error("no playbook `{0}` in the catalog")]
    UnknownPlaybook(String),
    /// The walk produced a document that does not validate (a fault of the walk).
    #[error("walk `{walk}` on day {day}: the document does not validate: {errors}")]
    Invalid {
        /// The walk.
        walk: String,
        /// Days since launch.
        day: u64,
        /// What is wrong.
        errors: ValidationErrors,
    },
    /// The engine could not assess the walk.
    #[error("walk `{walk}` on day {day}: {error}")]
    Assess {
        /// The walk.
        walk: String,
        /// Days since launch.
        day: u64,
        /// What went wrong.
        error: SimulateError,
    },
}

/// Walks `spec` over the playbooks of `catalog`: see the crate docs.
///
/// # Errors
///
/// [`WalkError::UnknownPlaybook`] when the catalog lacks the playbook; the other variants are
/// faults of the walk or the engine, named with the walk and the day.
///
/// ```
/// use teichaku_walk::{Shape, WalkSpec, run};
/// let spec = WalkSpec::new("sme-five-step", teichaku::model::DeploymentPattern::Hybrid, Shape::OneUnit, 10);
/// let walk = run(&spec, &teichaku::Catalog::builtin())?;
/// assert_eq!(walk.steps.len(), 53);
/// assert_eq!(walk.steps[0].day, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(spec: &WalkSpec, catalog: &Catalog) -> Result<Walk, WalkError> {
    let name = spec.name();
    let playbook: Playbook = catalog
        .iter()
        .find(|p| p.id.as_str() == spec.playbook)
        .cloned()
        .ok_or_else(|| WalkError::UnknownPlaybook(spec.playbook.clone()))?;
    let lead_later = playbook.activities.iter().any(|a| Effect::of(a) == Effect::Appoint(Role::PromotionLead));
    let (org, cast) = organisation(spec.shape, spec.pattern, lead_later);
    let enthusiasts = spec.shape.enthusiasts();
    let mut world = World::new(org, cast, &spec.shape.waves(), enthusiasts, seed_of(&name));
    let mut checker = Checker::new(&name, &playbook, spec.pattern, enthusiasts.map(crate::shape::unit_id));
    let mut options = AssessOptions::default();
    // The weekly series is not read by readiness or next actions; one week keeps the walk fast.
    options.kpis.series_weeks = 1;
    let mut steps = Vec::new();
    let mut violations = Vec::new();
    let mut last_done: Vec<Outcome> = Vec::new();
    for day in 0..DAYS {
        let date = LAUNCH.checked_add_days(Days::new(day)).unwrap_or(LAUNCH);
        let fail = |error: SimulateError| WalkError::Assess { walk: name.clone(), day, error };
        world.live(date, day).map_err(|e| fail(SimulateError::Kpi(e.into())))?;
        if day % EVERY != 0 {
            continue;
        }
        let snapshot = validate(Snapshot {
            organisation: world.organisation.clone(),
            playbook: playbook.clone(),
            observations: world.observations.clone(),
        })
        .map_err(|errors| WalkError::Invalid { walk: name.clone(), day, errors })?;
        let store = world.events.clone().finish().map_err(|e| fail(SimulateError::Kpi(e.into())))?;
        let a = assess_with_store(&snapshot, &store, date, &options).map_err(|e| fail(e.into()))?;
        // What-if completes startable instances only, so it can rank one before its window only when
        // such an instance is startable: it is asked only then (exact, and most steps skip it).
        let what_if = if crate::invariants::closed_window_startable(&playbook, &a) {
            best_single_action(&snapshot, &a).map_err(fail)?
        } else {
            Vec::new()
        };
        let unit_name = |scope: ActionScope| match scope {
            ActionScope::Unit(u) => snapshot.unit(u).map_or_else(|| u.to_string(), |u| u.name.clone()),
            _ => "organisation".to_owned(),
        };
        let top: Vec<ActionLine> = a
            .actions
            .actions
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, x)| ActionLine {
                rank: i + 1,
                code: x.code.clone(),
                scope: match x.units.as_slice() {
                    [] => unit_name(x.scope),
                    [a, b, c, d, rest @ ..] if !rest.is_empty() => {
                        let named: Vec<String> =
                            [a, b, c, d].iter().map(|&&u| unit_name(ActionScope::Unit(u))).collect();
                        format!("{} and {} more", named.join(", "), rest.len())
                    }
                    units => units.iter().map(|&u| unit_name(ActionScope::Unit(u))).collect::<Vec<_>>().join(", "),
                },
                urgency: x.urgency,
            })
            .collect();
        violations.extend(checker.check(day, &snapshot, &a, &what_if, &last_done, &top));
        let org = a.kpis.scopes.first();
        let value = |k| org.and_then(|s| s.value(k));
        let done: Vec<Outcome> = a
            .actions
            .actions
            .iter()
            .filter(|x| !crate::model::is_signal(&playbook, x))
            .take(spec.k)
            .map(|x| world.perform(&playbook, &a.readiness, &a.plan, x, date))
            .collect();
        world.reached = world
            .wave_of()
            .iter()
            .enumerate()
            .map(|(u, &w)| a.readiness.reaches(Some(w), Some(crate::shape::unit_id(u + 1))))
            .collect();
        steps.push(Step {
            day,
            as_of: date,
            current_phase: a.readiness.current_phase.clone(),
            phases_passed: a.readiness.phases.iter().map(|g| g.passed).collect(),
            waves_started: a.readiness.waves.iter().map(|w| w.may_start).collect(),
            enthusiasts_reached: enthusiasts.is_some_and(|n| world.reached.get(n - 1).copied().unwrap_or(false)),
            weekly_active: value(teichaku::model::Kpi::WeeklyActiveRate),
            habit: value(teichaku::model::Kpi::HabitRate),
            barrier: a.readiness.barrier.as_ref().map(|b| b.criterion.clone()),
            top,
            done: done.clone(),
        });
        last_done = done;
    }
    violations.extend(checker.finish());
    violations.sort_by(|a, b| a.day.cmp(&b.day).then(a.invariant.cmp(&b.invariant)));
    Ok(Walk {
        spec: spec.clone(),
        name,
        phases: playbook.phases.iter().map(|p| p.id.clone()).collect(),
        steps,
        violations,
    })
}

/// Runs every walk of `specs` in order.
///
/// # Errors
///
/// The first [`WalkError`].
pub fn run_all(specs: &[WalkSpec], catalog: &Catalog) -> Result<Vec<Walk>, WalkError> {
    specs.iter().map(|s| run(s, catalog)).collect()
}
