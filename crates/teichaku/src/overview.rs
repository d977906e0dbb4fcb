//! A first summary of a validated snapshot: headcount and weekly use by unit, the weekly trend,
//! and progress through the playbook's phases.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_metrics::{Scope, active_members, headcount};
use teichaku_model::{ActivityId, PhaseId, PlaybookId, UnitId, ValidSnapshot};

/// A summary of where an organisation stands on `as_of`.
///
/// ```
/// let snapshot = teichaku::demo::snapshot();
/// let report = teichaku::overview(&snapshot, teichaku::demo::AS_OF);
/// assert_eq!(report.units.len(), 5);
/// assert_eq!(report.weeks.len(), 13);
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OverviewReport {
    /// The version of teichaku that computed the report.
    pub engine_version: String,
    /// The document format version.
    pub document_version: u32,
    /// The playbook followed.
    pub playbook: PlaybookId,
    /// Its revision.
    pub playbook_revision: u32,
    /// The organisation's name.
    pub organisation: String,
    /// The last day that counts.
    pub as_of: NaiveDate,
    /// Days from launch to `as_of`.
    pub days_since_launch: i64,
    /// The whole organisation's figures.
    pub total: ActiveFigure,
    /// Each unit's figures (with the units below it), in document order.
    pub units: Vec<UnitOverview>,
    /// The organisation's weekly-active figure for each of the last 13 seven-day windows, oldest first.
    pub weeks: Vec<WeekPoint>,
    /// How many of each phase's activities are done.
    pub phases: Vec<PhaseProgress>,
    /// How many records of each kind were observed.
    pub observed: ObservedCounts,
}

/// Members with a usage day in the trailing 7 days, against headcount.
///
/// ```
/// use teichaku::ActiveFigure;
/// let f = ActiveFigure::new(3, 4, 5);
/// assert_eq!(f.rate, None, "four members are fewer than the minimum group size");
/// assert!(f.suppressed);
/// ```
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActiveFigure {
    /// Members present on the last day.
    pub headcount: usize,
    /// Of those, members with a usage day in the window; `None` when suppressed.
    pub active: Option<usize>,
    /// `active ÷ headcount`; `None` when suppressed or the headcount is zero.
    pub rate: Option<f64>,
    /// Whether the group is smaller than the minimum group size, so figures are withheld.
    pub suppressed: bool,
}

impl ActiveFigure {
    /// The figure for `active` of `headcount` members, withheld under `min_group_size`.
    pub fn new(active: usize, headcount: usize, min_group_size: u32) -> Self {
        let suppressed = headcount < min_group_size as usize;
        Self {
            headcount,
            active: (!suppressed).then_some(active),
            rate: (!suppressed && headcount > 0).then(|| active as f64 / headcount as f64),
            suppressed,
        }
    }
}

/// One unit's line of the overview.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnitOverview {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Its rollout wave (0 is the pilot), `None` when it is in no wave.
    pub wave: Option<usize>,
    /// Its weekly-active figure.
    pub weekly_active: ActiveFigure,
}

/// One seven-day window of the weekly trend.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WeekPoint {
    /// The window's last day.
    pub ending: NaiveDate,
    /// The weekly-active figure over it.
    pub weekly_active: ActiveFigure,
}

/// Progress through one phase.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PhaseProgress {
    /// The phase.
    pub phase: PhaseId,
    /// Its activities.
    pub activities: usize,
    /// Those done by `as_of`: organisation-wide ones once, per-unit ones in at least one unit.
    pub done: Vec<ActivityId>,
}

/// How many records of each kind were observed up to `as_of`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
#[allow(missing_docs, reason = "each field counts the observations of the same name")]
pub struct ObservedCounts {
    pub usage_events: usize,
    pub completions: usize,
    pub trainings: usize,
    pub surveys: usize,
    pub proposals: usize,
    pub consultations: usize,
    pub incidents: usize,
    pub rule_reviews: usize,
    pub success_cases: usize,
}

/// Summarises `snapshot` on `as_of`.
///
/// ```
/// let report = teichaku::overview(&teichaku::demo::snapshot(), teichaku::demo::AS_OF);
/// assert_eq!(report.days_since_launch, 90);
/// ```
pub fn overview(snapshot: &ValidSnapshot, as_of: NaiveDate) -> OverviewReport {
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let min_group = pb.metrics.min_group_size;
    let week_of = |scope: &Scope, end: NaiveDate| {
        let start = end.checked_sub_days(Days::new(6)).unwrap_or(end);
        ActiveFigure::new(active_members(snapshot, scope, start, end), headcount(snapshot, scope, end), min_group)
    };
    let units = org
        .units
        .iter()
        .map(|u| UnitOverview {
            unit: u.id,
            name: u.name.clone(),
            wave: org.waves.iter().position(|w| w.units.contains(&u.id)),
            weekly_active: week_of(&Scope::Unit(u.id), as_of),
        })
        .collect();
    let weeks = (0..13u64)
        .rev()
        .filter_map(|k| as_of.checked_sub_days(Days::new(7 * k)))
        .map(|ending| WeekPoint { ending, weekly_active: week_of(&Scope::Organisation, ending) })
        .collect();
    let obs = snapshot.observations();
    let done: BTreeSet<&ActivityId> = obs.completions.iter().filter(|c| c.date <= as_of).map(|c| &c.activity).collect();
    let phases = pb
        .phases
        .iter()
        .map(|phase| {
            let activities: Vec<_> = pb.activities.iter().filter(|a| a.phase == phase.id).collect();
            PhaseProgress {
                phase: phase.id.clone(),
                activities: activities.len(),
                done: activities.iter().filter(|a| done.contains(&a.id)).map(|a| a.id.clone()).collect(),
            }
        })
        .collect();
    let upto = |d: NaiveDate| d <= as_of;
    let observed = ObservedCounts {
        usage_events: (0..obs.usage.len())
            .filter(|&i| snapshot.usage_local_time(i).is_some_and(|t| upto(t.date())))
            .count(),
        completions: obs.completions.iter().filter(|c| upto(c.date)).count(),
        trainings: obs.trainings.iter().filter(|t| upto(t.date)).count(),
        surveys: obs.surveys.iter().filter(|s| upto(s.date)).count(),
        proposals: obs.proposals.iter().filter(|p| upto(p.submitted)).count(),
        consultations: obs.consultations.iter().filter(|c| upto(c.opened)).count(),
        incidents: obs.incidents.iter().filter(|i| upto(i.date)).count(),
        rule_reviews: obs.rule_reviews.iter().filter(|r| upto(r.date)).count(),
        success_cases: obs.success_cases.iter().filter(|s| upto(s.date)).count(),
    };
    OverviewReport {
        engine_version: crate::ENGINE_VERSION.to_owned(),
        document_version: teichaku_model::FORMAT_VERSION,
        playbook: pb.id.clone(),
        playbook_revision: pb.revision,
        organisation: org.name.clone(),
        as_of,
        days_since_launch: (as_of - org.launch_date).num_days(),
        total: week_of(&Scope::Organisation, as_of),
        units,
        weeks,
        phases,
        observed,
    }
}
