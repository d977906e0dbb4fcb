//! The measured effect of the rollout: for each wave, a difference-in-differences of the
//! weekly-active and habit rates of its units against the units the rollout has not reached
//! yet, over ISO weeks relative to the wave's start; and the same for each per-unit
//! intervention carried out, its units against those where it was not. `docs/metrics.md` gives
//! the method, its assumptions and a worked example.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_model::{ActivityId, ActivityScope, HabitRule, InterventionId, UnitId, ValidSnapshot};

use crate::aggregate::{AggregateSpec, UsageAggregate};
use crate::calendar::{date_of, day_number, week_start};
use crate::coarse;
use crate::store::EventStore;

/// Weeks before a wave's start compared with the weeks after it, at most.
pub const PRE_WEEKS: usize = 4;
/// Weeks from a wave's start (its first week included) counted as treated, at most.
pub const POST_WEEKS: usize = 8;
/// Units each side needs for an estimate (a spread needs two).
pub const MIN_UNITS_PER_SIDE: usize = 2;
/// ISO weeks of usage the estimate reads, ending with the week of `as_of`.
pub const EFFECT_SERIES_WEEKS: usize = 26;

/// One unit's weekly figures, the input of [`estimate_effects`]: the weeks are the panel's,
/// oldest first.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PanelUnit {
    /// The unit.
    pub unit: UnitId,
    /// Its wave, by position in the organisation's waves.
    pub wave: usize,
    /// The week (an index into the panel's weeks) the rollout reached the unit, if it has.
    pub start_week: Option<usize>,
    /// Members present on `as_of`: the unit's size, for the minimum group size.
    pub members: u64,
    /// Per week: members present on the week's last day.
    pub headcount: Vec<u64>,
    /// Per week: of them, members with a usage day in the week.
    pub active: Vec<u64>,
    /// Per week: of them, members with at least the habit's days of use in the week.
    pub habitual: Vec<u64>,
    /// Per week: members present on the week's last day whose use in the week the data do not
    /// settle (a period record or unknown days reaching past the week): left out of
    /// `headcount`, `active` and `habitual` that week, never guessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_measurable: Vec<u64>,
}

impl PanelUnit {
    /// A unit with its weekly series.
    pub fn new(unit: UnitId, wave: usize, start_week: Option<usize>, members: u64) -> Self {
        Self {
            unit,
            wave,
            start_week,
            members,
            headcount: Vec::new(),
            active: Vec::new(),
            habitual: Vec::new(),
            not_measurable: Vec::new(),
        }
    }

    /// Adds a week's figures.
    pub fn with_week(mut self, headcount: u64, active: u64, habitual: u64) -> Self {
        self.headcount.push(headcount);
        self.active.push(active);
        self.habitual.push(habitual);
        self
    }
}

/// The effect of each wave of the rollout.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EffectReport {
    /// The Monday of each week of the panel, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// One entry per wave, in wave order.
    pub waves: Vec<WaveEffect>,
    /// One entry per per-unit intervention of the playbook whose activity was done in some
    /// rollout unit by `as_of`, by intervention id (left out of the JSON when there is none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interventions: Vec<InterventionEffect>,
}

/// One intervention's measured effect: the rollout units where its activity was done (from the
/// week of its first completion there) against the rollout units where it was not, estimated as
/// a wave's is ([`estimate_effects`], the intervention's units as one wave starting with the
/// first of them, the others as the wave after it, never reached).
///
/// ```
/// use teichaku_metrics::InterventionEffect;
/// let e: InterventionEffect = serde_json::from_str(r#"{
///   "intervention": "low-use", "activity": "office-hours", "start": "2026-06-15",
///   "pre_weeks": 4, "post_weeks": 3, "treated": { "units": 2, "members": 20 },
///   "control": { "units": 2, "members": 20 }, "units_left_out": 0,
///   "weekly_active": { "kind": "not_enough_data", "short_of": "control_units" },
///   "habit": { "kind": "not_enough_data", "short_of": "control_units" }
/// }"#)?;
/// assert_eq!(e.treated.units, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterventionEffect {
    /// The intervention.
    pub intervention: InterventionId,
    /// The activity that carries it out.
    pub activity: ActivityId,
    /// The Monday of the week it was first done in a rollout unit.
    pub start: Option<NaiveDate>,
    /// Weeks before the start compared.
    pub pre_weeks: u32,
    /// Weeks from the start compared.
    pub post_weeks: u32,
    /// The units where it was done.
    pub treated: Side,
    /// The units where it was not, as controls.
    pub control: Side,
    /// Units left out (under the minimum group size, or with no member in some week compared).
    pub units_left_out: u32,
    /// The effect on the weekly-active rate.
    pub weekly_active: Estimate,
    /// The effect on the habit rate.
    pub habit: Estimate,
}

/// One wave's measured effect.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaveEffect {
    /// The wave, by position in the organisation's waves.
    pub wave: usize,
    /// The Monday of the wave's first week: the week its first unit was reached.
    pub start: Option<NaiveDate>,
    /// Weeks before the start compared.
    pub pre_weeks: u32,
    /// Weeks from the start compared (ending before any control unit was reached).
    pub post_weeks: u32,
    /// The wave's units counted.
    pub treated: Side,
    /// The units not yet reached counted as controls (those of later waves).
    pub control: Side,
    /// Units left out because they are smaller than the minimum group size (or have no
    /// member in some week compared).
    pub units_left_out: u32,
    /// Member-weeks of the units counted, in the weeks compared, left out because the data do
    /// not settle the member's use that week ([`PanelUnit::not_measurable`]): a period record
    /// that straddles the wave's start or spans several weeks is not attributed to a week.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub member_weeks_not_measurable: u64,
    /// The effect on the weekly-active rate (a fraction: 0.1 is ten points).
    pub weekly_active: Estimate,
    /// The effect on the habit rate.
    pub habit: Estimate,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The units and members on one side of a comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Side {
    /// Units.
    pub units: u32,
    /// Their members present on `as_of`.
    pub members: u64,
}

/// An estimated effect, or why there is none.
#[derive(Clone, Copy, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Estimate {
    /// The difference-in-differences and its 95% interval.
    Estimated {
        /// The estimate: the treated units' mean change minus the controls' mean change.
        effect: f64,
        /// The lower end of the 95% interval.
        low: f64,
        /// The upper end of the 95% interval.
        high: f64,
        /// The standard error (units as clusters, Welch).
        std_error: f64,
        /// The Welch–Satterthwaite degrees of freedom the interval uses (rounded down).
        df: u32,
    },
    /// Too little to estimate from.
    NotEnoughData {
        /// What is short.
        short_of: ShortOf,
    },
}

/// What an effect estimate is short of.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShortOf {
    /// The wave has not started by `as_of`.
    NotStarted,
    /// No week before the start lies in the series.
    PreWeeks,
    /// No week after the start before a later wave started.
    PostWeeks,
    /// Fewer than [`MIN_UNITS_PER_SIDE`] treated units.
    TreatedUnits,
    /// Fewer than [`MIN_UNITS_PER_SIDE`] control units (the last wave has none left).
    ControlUnits,
}

impl Estimate {
    /// The estimate, when there is one.
    pub fn effect(&self) -> Option<f64> {
        match self {
            Estimate::Estimated { effect, .. } => Some(*effect),
            _ => None,
        }
    }

    /// Whether the interval holds `x`.
    pub fn covers(&self, x: f64) -> bool {
        matches!(self, Estimate::Estimated { low, high, .. } if *low <= x && x <= *high)
    }
}

/// The effect of each wave, from a panel of unit-weeks (`weeks` Mondays, oldest first; every
/// unit's series as long): for wave `g` starting in week `s` (its earliest unit start), each
/// unit's mean rate over the post weeks `s ..= e` minus its mean rate over the pre weeks
/// `s - PRE_WEEKS .. s`, averaged over the wave's units, minus the same averaged over the units
/// of later waves. `e` is the last week before any later-wave unit was reached, at most
/// [`POST_WEEKS`] weeks from `s`, and not past the panel: the controls are not yet treated in
/// every week compared. Units under `min_group` members are left out of both sides, so no figure
/// of a group under the minimum group size enters an estimate, and each side counted holds at
/// least [`MIN_UNITS_PER_SIDE`] times that many members.
///
/// The interval is `effect ± t(0.975, df) · se`, with `se² = var_T/n_T + var_C/n_C` over the
/// units' differences (each unit one cluster) and Welch–Satterthwaite `df`, rounded down.
///
/// ```
/// use teichaku_metrics::{estimate_effects, Estimate, PanelUnit};
/// use teichaku_model::UnitId;
/// let weeks: Vec<chrono::NaiveDate> = (0..6).map(|w| chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + chrono::Days::new(7 * w)).collect();
/// // Wave 0 starts in week 3 and lifts weekly use from 2 to 6 of 10; wave 1 stays at 2.
/// let unit = |n: u128, wave: usize, start: Option<usize>, lift: [u64; 2]| {
///     (0..6).fold(PanelUnit::new(UnitId::from_u128(n), wave, start, 10), |u, w| {
///         u.with_week(10, if w >= 3 { 2 + lift[0] } else { 2 + lift[1] }, 0)
///     })
/// };
/// let units = [unit(1, 0, Some(3), [4, 0]), unit(2, 0, Some(3), [4, 1]), unit(3, 1, None, [0, 0]), unit(4, 1, None, [1, 1])];
/// let report = estimate_effects(&weeks, &units, 5);
/// let e = report.waves[0].weekly_active;
/// assert!((e.effect().unwrap() - 0.35).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn estimate_effects(weeks: &[NaiveDate], units: &[PanelUnit], min_group: u32) -> EffectReport {
    let series = weeks.len();
    let waves = units.iter().map(|u| u.wave + 1).max().unwrap_or(0);
    let min_group = u64::from(min_group);
    let wave_effects = (0..waves)
        .map(|g| {
            let start = units.iter().filter(|u| u.wave == g).filter_map(|u| u.start_week).min();
            let empty = |short_of| WaveEffect {
                wave: g,
                start: start.and_then(|s| weeks.get(s).copied()),
                pre_weeks: 0,
                post_weeks: 0,
                treated: Side::default(),
                control: Side::default(),
                units_left_out: 0,
                member_weeks_not_measurable: 0,
                weekly_active: Estimate::NotEnoughData { short_of },
                habit: Estimate::NotEnoughData { short_of },
            };
            let Some(s) = start.filter(|&s| s < series) else { return empty(ShortOf::NotStarted) };
            let pre = s.min(PRE_WEEKS);
            // The last week compared: before any later wave's unit was reached.
            let next_start = units.iter().filter(|u| u.wave > g).filter_map(|u| u.start_week).min();
            let end = [s + POST_WEEKS, series, next_start.unwrap_or(usize::MAX)].into_iter().min().unwrap_or(s);
            let post = end.saturating_sub(s);
            let mut effect = empty(ShortOf::PreWeeks);
            effect.pre_weeks = pre as u32;
            effect.post_weeks = post as u32;
            if pre == 0 {
                return effect;
            }
            if post == 0 {
                effect.weekly_active = Estimate::NotEnoughData { short_of: ShortOf::PostWeeks };
                effect.habit = effect.weekly_active;
                return effect;
            }
            let (pre_weeks, post_weeks) = (s - pre..s, s..end);
            let mut treated = Vec::new();
            let mut control = Vec::new();
            for u in units.iter().filter(|u| u.wave >= g) {
                let usable = u.members >= min_group
                    && u.headcount.len() == series
                    && u.headcount.get(s - pre..end).is_some_and(|h| h.iter().all(|&n| n > 0));
                if !usable {
                    effect.units_left_out += 1;
                    continue;
                }
                let change = |counts: &[u64]| {
                    let rate = |w: usize| match (counts.get(w), u.headcount.get(w)) {
                        (Some(&c), Some(&n)) if n > 0 => c as f64 / n as f64,
                        _ => 0.0,
                    };
                    let mean = |r: std::ops::Range<usize>| {
                        let n = r.len() as f64;
                        r.map(rate).sum::<f64>() / n
                    };
                    mean(post_weeks.clone()) - mean(pre_weeks.clone())
                };
                effect.member_weeks_not_measurable +=
                    (s - pre..end).filter_map(|w| u.not_measurable.get(w)).sum::<u64>();
                let d = (change(&u.active), change(&u.habitual), u.members);
                if u.wave == g { treated.push(d) } else { control.push(d) }
            }
            let side = |v: &[(f64, f64, u64)]| Side { units: v.len() as u32, members: v.iter().map(|x| x.2).sum() };
            effect.treated = side(&treated);
            effect.control = side(&control);
            let estimate = |pick: fn(&(f64, f64, u64)) -> f64| {
                if treated.len() < MIN_UNITS_PER_SIDE {
                    return Estimate::NotEnoughData { short_of: ShortOf::TreatedUnits };
                }
                if control.len() < MIN_UNITS_PER_SIDE {
                    return Estimate::NotEnoughData { short_of: ShortOf::ControlUnits };
                }
                let t: Vec<f64> = treated.iter().map(pick).collect();
                let c: Vec<f64> = control.iter().map(pick).collect();
                difference(&t, &c)
            };
            effect.weekly_active = estimate(|d| d.0);
            effect.habit = estimate(|d| d.1);
            effect
        })
        .collect();
    EffectReport { weeks: weeks.to_vec(), waves: wave_effects, interventions: Vec::new() }
}

/// The effect of each wave of the snapshot's rollout on `as_of`, from the usage in `store`:
/// the panel of [`EFFECT_SERIES_WEEKS`] ISO weeks ending with the week of `as_of` (a unit's
/// members are those of the unit and the units below it), estimated by [`estimate_effects`].
///
/// A unit is reached in the week of its first completion of a per-unit activity on or before
/// `as_of`; a week's habit is at least the habit rule's days in the week (for `k` days in an
/// `n`-day window, `⌈7k/n⌉` capped at 7; for a weeks rule, 4 days). A member whose period
/// records or unknown days leave "any day of use in the week?" or "at least the habit's days?"
/// open is left out of that week ([`PanelUnit::not_measurable`]); one they settle (a weekly
/// period inside the week, a period active every day) counts.
///
/// ```
/// # fn valid() -> teichaku_model::ValidSnapshot { unimplemented!() }
/// # if false {
/// let snapshot = valid();
/// let store = teichaku_metrics::EventStore::from_snapshot(&snapshot)?;
/// let report = teichaku_metrics::rollout_effects(&snapshot, &store, "2026-11-01".parse()?);
/// println!("{} waves", report.waves.len());
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rollout_effects(snapshot: &ValidSnapshot, store: &EventStore, as_of: NaiveDate) -> EffectReport {
    let snapshot = &*snapshot.on(as_of);
    let pb = snapshot.playbook();
    let panel = unit_panel(snapshot, store, as_of);
    let min_group = pb.metrics.min_group_size;
    let mut report = estimate_effects(&panel.weeks, &panel.units, min_group);
    // Each per-unit intervention carried out somewhere: its units as one wave, the others after.
    let week_of = |d: NaiveDate| ((week_start(day_number(d)) - panel.first_week).max(0) / 7) as usize;
    for i in pb.interventions.iter().filter(|i| i.scope == ActivityScope::PerUnit) {
        let Some(activity) = &i.activity else { continue };
        let mut first: BTreeMap<usize, NaiveDate> = BTreeMap::new();
        for c in snapshot.observations().completions.iter().filter(|c| &c.activity == activity && c.date <= as_of) {
            if let Some(&p) = c.unit.and_then(|u| panel.panel_of.get(&u)) {
                first.entry(p).and_modify(|d| *d = (*d).min(c.date)).or_insert(c.date);
            }
        }
        if first.is_empty() {
            continue;
        }
        let units: Vec<PanelUnit> = panel
            .units
            .iter()
            .enumerate()
            .map(|(p, u)| {
                let mut u = u.clone();
                let done = first.get(&p).copied();
                u.wave = usize::from(done.is_none());
                u.start_week = done.map(week_of);
                u
            })
            .collect();
        let Some(w) = estimate_effects(&panel.weeks, &units, min_group).waves.into_iter().next() else { continue };
        report.interventions.push(InterventionEffect {
            intervention: i.id.clone(),
            activity: activity.clone(),
            start: w.start,
            pre_weeks: w.pre_weeks,
            post_weeks: w.post_weeks,
            treated: w.treated,
            control: w.control,
            units_left_out: w.units_left_out,
            weekly_active: w.weekly_active,
            habit: w.habit,
        });
    }
    // By id: the order the playbook lists its interventions in changes nothing.
    report.interventions.sort_by(|a, b| a.intervention.cmp(&b.intervention));
    report
}

/// The panel of the rollout's units over [`EFFECT_SERIES_WEEKS`] ISO weeks ending with the week
/// of `as_of`, each unit starting in the week the rollout reached it.
struct Panel {
    weeks: Vec<NaiveDate>,
    /// The day number of the first week's Monday.
    first_week: i32,
    units: Vec<PanelUnit>,
    /// Which panel unit each unit of the organisation counts in.
    panel_of: BTreeMap<UnitId, usize>,
}

/// Which panel each unit counts in, by unit position: the smallest of those `opens` gives it and
/// the units above it (`parent` of a position), as panels are numbered in wave order and the
/// first wave's unit above a unit takes it; settled from the top down, each unit walked once.
fn first_panels(parent: impl Fn(usize) -> Option<usize>, opens: &[Option<usize>]) -> Vec<Option<usize>> {
    crate::scope::from_the_top(opens.len(), parent, |u, above: Option<Option<usize>>| {
        match (opens.get(u).copied().flatten(), above.flatten()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    })
}

fn unit_panel(snapshot: &ValidSnapshot, store: &EventStore, as_of: NaiveDate) -> Panel {
    let org = snapshot.organisation();
    let pb = snapshot.playbook();
    let series = EFFECT_SERIES_WEEKS;
    let this_week = week_start(day_number(as_of));
    let first_week = this_week - 7 * (series as i32 - 1);
    let weeks: Vec<NaiveDate> = (0..series as i32).filter_map(|w| date_of(first_week + 7 * w)).collect();
    let spec = AggregateSpec::new(snapshot, store, as_of, series as u32);
    let agg = UsageAggregate::compute(store, &spec, 0..store.len());
    let habit_days = match pb.metrics.habit {
        HabitRule::DaysInWindow { days, window } => (days * 7).div_ceil(window.max(1)).clamp(1, 7),
        _ => 4,
    };
    let per_unit: BTreeSet<_> =
        pb.activities.iter().filter(|a| a.scope == ActivityScope::PerUnit).map(|a| &a.id).collect();
    let as_of_day = day_number(as_of);
    // Each unit's first completion of a per-unit activity, in one pass over the completions.
    let mut reached: BTreeMap<UnitId, NaiveDate> = BTreeMap::new();
    for c in &snapshot.observations().completions {
        if let Some(unit) = c.unit.filter(|_| c.date <= as_of && per_unit.contains(&c.activity)) {
            reached.entry(unit).and_modify(|d| *d = (*d).min(c.date)).or_insert(c.date);
        }
    }
    // Each rollout unit's panel, and which panel each unit of the organisation counts in: the
    // first opened (in wave order) by it or a unit above it.
    let mut units = Vec::new();
    // By unit position: the panel the unit opens (its first, should a unit be listed twice).
    let mut opens: Vec<Option<usize>> = vec![None; org.units.len()];
    for (g, wave) in org.waves.iter().enumerate() {
        for &unit in &wave.units {
            let start = reached.get(&unit).map(|&d| ((week_start(day_number(d)) - first_week).max(0) / 7) as usize);
            if let Some(slot) = snapshot.unit_position(unit).and_then(|u| opens.get_mut(u)) {
                slot.get_or_insert(units.len());
            }
            let mut panel = PanelUnit::new(unit, g, start, 0);
            panel.headcount = vec![0; series];
            panel.active = vec![0; series];
            panel.habitual = vec![0; series];
            panel.not_measurable = vec![0; series];
            units.push(panel);
        }
    }
    let panel_of: BTreeMap<UnitId, usize> = org
        .units
        .iter()
        .zip(first_panels(|u| snapshot.parent_position(u), &opens))
        .filter_map(|(unit, panel)| Some((unit.id, panel?)))
        .collect();
    let last_days: Vec<(i32, i32, Option<NaiveDate>)> = (0..series as i32)
        .map(|w| {
            let monday = first_week + 7 * w;
            let last = (monday + 6).min(as_of_day);
            (monday, last, date_of(last))
        })
        .collect();
    for (i, member) in org.members.iter().enumerate() {
        let Some(panel) = panel_of.get(&member.unit).and_then(|&p| units.get_mut(p)) else { continue };
        panel.members += u64::from(member.is_present_on(as_of));
        for (w, &(monday, last, last_day)) in last_days.iter().enumerate() {
            if !last_day.is_some_and(|d| member.is_present_on(d)) {
                continue;
            }
            let days = agg.days_in(i, as_of_day - last, last - monday + 1);
            // Period records and unknown days give bounds on the week's usage days; a week they
            // leave open is not attributed either way.
            let (lo, hi) = match agg.periods.get(i).map(Vec::as_slice) {
                Some(periods) if !periods.is_empty() => coarse::bounds(periods, monday, last),
                _ => (0, 0),
            };
            let bounds = (days + lo, days + hi);
            let (Some(used), Some(habitual)) = (coarse::any(bounds), coarse::at_least(bounds, habit_days)) else {
                if let Some(n) = panel.not_measurable.get_mut(w) {
                    *n += 1;
                }
                continue;
            };
            if let (Some(h), Some(a), Some(k)) =
                (panel.headcount.get_mut(w), panel.active.get_mut(w), panel.habitual.get_mut(w))
            {
                *h += 1;
                *a += u64::from(used);
                *k += u64::from(habitual);
            }
        }
    }
    Panel { weeks, first_week, units, panel_of }
}

/// The difference of the means of `t` and `c`, with a Welch interval.
fn difference(t: &[f64], c: &[f64]) -> Estimate {
    let (mt, vt) = mean_var(t);
    let (mc, vc) = mean_var(c);
    let (nt, nc) = (t.len() as f64, c.len() as f64);
    let (at, ac) = (vt / nt, vc / nc);
    let se2 = at + ac;
    let se = se2.sqrt();
    let denominator = at * at / (nt - 1.0) + ac * ac / (nc - 1.0);
    // With no spread on either side the degrees of freedom are the pooled count.
    let df = if denominator > 0.0 { se2 * se2 / denominator } else { nt + nc - 2.0 };
    let df = df.floor().clamp(1.0, f64::from(u32::MAX)) as u32;
    let effect = mt - mc;
    let half = t_975(df) * se;
    Estimate::Estimated { effect, low: effect - half, high: effect + half, std_error: se, df }
}

/// The mean and the sample variance (n - 1) of `x`, which has at least two values.
fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var)
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom: a table to 30, then the
/// Cornish–Fisher expansion around the normal quantile (within 0.001 beyond 30).
fn t_975(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    match TABLE.get(df.saturating_sub(1) as usize) {
        Some(&t) => t,
        None => {
            let z: f64 = 1.959_964;
            let n = f64::from(df);
            z + (z.powi(3) + z) / (4.0 * n) + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panel of each unit by walking up from it to the root, taking the smallest opened.
    fn walked(parent: &[Option<usize>], opens: &[Option<usize>]) -> Vec<Option<usize>> {
        (0..opens.len())
            .map(|start| {
                let (mut at, mut best) = (Some(start), None);
                while let Some(u) = at {
                    best = match (best, opens[u]) {
                        (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                        (a, b) => a.or(b),
                    };
                    at = parent[u];
                }
                best
            })
            .collect()
    }

    #[test]
    fn each_unit_counts_in_the_first_panel_opened_by_it_or_above_it_as_a_walk_up_finds() {
        // Trees listed in a shuffled order (a parent may come after its children), a chain of 2,000
        // among them, some units opening panels in any order of depth.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for case in 0..300 {
            let n = if case == 0 { 2000 } else { 1 + next(60) };
            // Parents by a random order: unit `order[i]` hangs under one of `order[..i]`, or is a root.
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                order.swap(i, next(i + 1));
            }
            let mut parent = vec![None; n];
            for i in 1..n {
                if case == 0 || next(5) > 0 {
                    parent[order[i]] = Some(order[if case == 0 { i - 1 } else { next(i) }]);
                }
            }
            let mut opens = vec![None; n];
            let mut panel = 0;
            for _ in 0..next(n + 1) {
                let u = next(n);
                if opens[u].is_none() {
                    opens[u] = Some(panel);
                    panel += 1;
                }
            }
            let fast = first_panels(|u| parent[u], &opens);
            assert_eq!(fast, walked(&parent, &opens), "case {case}: parents {parent:?}, opens {opens:?}");
        }
        // A unit opening an earlier panel than the unit above it keeps its own; one opening a later
        // panel counts in the one above.
        let parent = [None, Some(0), Some(1)];
        assert_eq!(first_panels(|u| parent[u], &[Some(1), Some(0), Some(2)]), [Some(1), Some(0), Some(0)]);
    }

    #[test]
    fn t_quantiles_follow_the_table_and_approach_the_normal() {
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(30), 2.042);
        assert!((t_975(31) - 2.040).abs() < 0.001, "{}", t_975(31));
        assert!((t_975(120) - 1.980).abs() < 0.001, "{}", t_975(120));
        assert!((t_975(u32::MAX) - 1.96).abs() < 0.001);
    }

    #[test]
    fn a_known_difference_has_a_welch_interval() {
        // Treated changes 0.3, 0.5; controls 0.0, 0.2: effect 0.3, each variance 0.02.
        let Estimate::Estimated { effect, std_error, df, low, high } = difference(&[0.3, 0.5], &[0.0, 0.2]) else {
            panic!("an estimate")
        };
        assert!((effect - 0.3).abs() < 1e-12);
        assert!((std_error - 0.02f64.sqrt()).abs() < 1e-12);
        assert_eq!(df, 2);
        assert!((high - low - 2.0 * 4.303 * std_error).abs() < 1e-12);
    }
}
