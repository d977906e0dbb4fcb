//! A first summary of a validated snapshot: headcount and weekly use by unit, the weekly trend,
//! and progress through the playbook's phases.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use teichaku_metrics::{Disclosure, Scope};

/// Weeks in the overview's trend.
const WEEKS: u64 = 13;
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
    /// How many records of each kind were observed; `None` when the organisation's figures are
    /// withheld (its headcount is under the minimum group size): how many events, survey answers
    /// or proposals its members made are figures of that small group.
    pub observed: Option<ObservedCounts>,
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

    /// The figure of a scope the privacy rule withholds, whatever its size (see
    /// [`teichaku_metrics::Disclosure`]): only the headcount is shown.
    fn withheld(headcount: usize) -> Self {
        Self { headcount, active: None, rate: None, suppressed: true }
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
    // The organisation on `as_of`: units, roles and literacy after the dated changes up to it.
    let snapshot = &*snapshot.on(as_of);
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let min_group = pb.metrics.min_group_size;
    // The same privacy rule as the KPI report, so neither report can be subtracted from the other.
    let disclosure = Disclosure::new(snapshot, as_of, min_group);
    // One pass over the events: bit `k` of a member's mask is set when they used AI, while a
    // member, in the 7 days ending `as_of − 7k` (the thirteen windows do not overlap).
    let mut active = vec![0u16; org.members.len()];
    for (i, event) in snapshot.observations().usage.iter().enumerate() {
        let Some(day) = snapshot.usage_local_time(i).map(|t| t.date()) else { continue };
        let back = (as_of - day).num_days();
        let Some(m) = snapshot.member_position(event.member) else { continue };
        let present = org.members.get(m).is_some_and(|member| member.is_present_on(day));
        if (0..7 * WEEKS as i64).contains(&back) && present {
            if let Some(mask) = active.get_mut(m) {
                *mask |= 1 << (back / 7);
            }
        }
    }
    let week_of = |k: u64, end: NaiveDate| {
        let present = org.members.iter().enumerate().filter(|(_, m)| m.is_present_on(end));
        let (mut headcount, mut users) = (0, 0);
        for (m, _) in present {
            headcount += 1;
            users += usize::from(active.get(m).is_some_and(|mask| mask >> k & 1 == 1));
        }
        ActiveFigure::new(users, headcount, min_group)
    };
    let position: BTreeMap<UnitId, usize> = org.units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let (mut own_present, mut own_active) = (vec![0u64; org.units.len()], vec![0u64; org.units.len()]);
    for (m, member) in org.members.iter().enumerate().filter(|(_, m)| m.is_present_on(as_of)) {
        if let Some(&u) = position.get(&member.unit) {
            if let Some(n) = own_present.get_mut(u) {
                *n += 1;
            }
            if let Some(n) = own_active.get_mut(u) {
                *n += u64::from(active.get(m).is_some_and(|mask| mask & 1 == 1));
            }
        }
    }
    let (present, users) = (disclosure.subtree_sums(own_present), disclosure.subtree_sums(own_active));
    let wave_of: BTreeMap<UnitId, usize> =
        org.waves.iter().enumerate().rev().flat_map(|(w, wave)| wave.units.iter().map(move |&u| (u, w))).collect();
    let units = org
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let headcount = present.get(i).copied().unwrap_or(0) as usize;
            let users = users.get(i).copied().unwrap_or(0) as usize;
            let shown = disclosure.shows(&Scope::Unit(u.id));
            UnitOverview {
                unit: u.id,
                name: u.name.clone(),
                wave: wave_of.get(&u.id).copied(),
                weekly_active: if shown {
                    ActiveFigure::new(users, headcount, min_group)
                } else {
                    ActiveFigure::withheld(headcount)
                },
            }
        })
        .collect();
    let weeks = (0..WEEKS)
        .rev()
        .filter_map(|k| Some((k, as_of.checked_sub_days(Days::new(7 * k))?)))
        .map(|(k, ending)| WeekPoint { ending, weekly_active: week_of(k, ending) })
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
    let observed = disclosure.shows(&Scope::Organisation).then(|| ObservedCounts {
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
    });
    OverviewReport {
        engine_version: crate::ENGINE_VERSION.to_owned(),
        document_version: teichaku_model::FORMAT_VERSION,
        playbook: pb.id.clone(),
        playbook_revision: pb.revision,
        organisation: org.name.clone(),
        as_of,
        days_since_launch: (as_of - org.launch_date).num_days(),
        total: week_of(0, as_of),
        units,
        weeks,
        phases,
        observed,
    }
}
