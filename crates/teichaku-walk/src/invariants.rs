//! The invariants every walk asserts on every step, and the violations they report.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use teichaku::Assessment;
use teichaku::Unblocking;
use teichaku::metrics::Figure;
use teichaku::model::{
    ActivityScope, Anchor, Check, Comparison, DeploymentPattern, Kpi, MemberId, Playbook, Role, UnitId, ValidSnapshot,
};
use teichaku::rollout::{Action, ActionScope, InstanceKey, InstancePlan, Reason, Status};

use crate::model::{Effect, Outcome};
use crate::shape::LAUNCH;
use crate::walk::ActionLine;

/// An invariant a walk asserts; its name is `family.check`.
///
/// ```
/// use teichaku_walk::Invariant;
/// assert_eq!(Invariant::WindowsProposed.as_str(), "windows.proposed");
/// assert_eq!(Invariant::ALL.len(), 20);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum Invariant {
    /// While the rollout is not finished, something progresses (an instance done for the first
    /// time, an appointment, a wave start, a gate passed) at least every 14 days; days spent
    /// finished, or with the barrier activity waiting for its window to open, are not a stall.
    /// Once the rollout has finished, a fall back under the last gate's bar must recover within
    /// 28 days.
    NoStall,
    /// By the last day every wave has started and every unit has done something.
    StagedSpreadEveryUnit,
    /// Waves start one after another (after the pilot for `top_down`, each after the one before
    /// for `hybrid` and `bottom_up`), never with the one before.
    StagedSpreadOrder,
    /// A wave starts only when every unit of the wave it follows (the one before; the pilot,
    /// `top_down`) has passed the first phase's gate in its own scope.
    StagedSpreadGate,
    /// No activity is proposed in a unit the rollout has not reached (its wave not started, and
    /// not gone ahead of it).
    StagedSpreadAhead,
    /// Bottom-up, units where use already rises go first: once every pilot unit has passed the
    /// first gate, the unit where enthusiasts started on their own is reached; a unit goes ahead
    /// of its wave only bottom-up, only after that, and only where its weekly-active rate is at
    /// least `RISING_WEEKLY_ACTIVE` (50 %) or work of the playbook was done in it.
    StagedSpreadBottomUp,
    /// No activity is proposed before its window opens.
    WindowsProposed,
    /// No instance is scheduled as ready or overdue before its window opens.
    WindowsReady,
    /// No instance counts as done when it was done before its window opened.
    WindowsDone,
    /// What-if ranks no instance whose window has not opened.
    WindowsWhatIf,
    /// Every gate passes only when the playbook's habit bar and the three absolute conditions hold.
    HonestGatesBar,
    /// Every gate passes only after the method's minimum time.
    HonestGatesMinimumTime,
    /// Every gate passes only when every wave has started.
    HonestGatesWaves,
    /// The barrier point is among the top 3 actions (for a role criterion, an activity appointing
    /// the role counts).
    RankingBarrier,
    /// An overdue due-dated activity, or a recurring review or check past its cadence, is in the
    /// top 5 within 7 days of becoming overdue: of its due day, or of the first step it could
    /// start when its prerequisites (themselves ranked as overdue work) were done later.
    RankingOverdue,
    /// A per-unit intervention fires only in a unit whose wave has started.
    RankingReach,
    /// An action's owner role is held in its scope, or its appointment is proposed too.
    RankingRoles,
    /// A KPI target of the organisation missed on its due day or since (one with a due day) is
    /// proposed within 7 days of falling due: its warning (`target:KPI-…`) or the work that moves
    /// its KPI, with the reason `target_missed`, among the top 10.
    RankingTarget,
    /// The next cycle: a member who joined after launch, in the audience of one of the playbook's
    /// trainings, has a training record within 35 days of joining.
    NextCycleTrained,
    /// The next cycle for a new tool: a present member who gets the tool and was trained on a
    /// track before it came has a record of that track from the tool's day on within 42 days.
    NextCycleNewTool,
}

impl Invariant {
    /// Every invariant, in order.
    pub const ALL: [Invariant; 20] = [
        Invariant::NoStall,
        Invariant::StagedSpreadEveryUnit,
        Invariant::StagedSpreadOrder,
        Invariant::StagedSpreadGate,
        Invariant::StagedSpreadAhead,
        Invariant::StagedSpreadBottomUp,
        Invariant::WindowsProposed,
        Invariant::WindowsReady,
        Invariant::WindowsDone,
        Invariant::WindowsWhatIf,
        Invariant::HonestGatesBar,
        Invariant::HonestGatesMinimumTime,
        Invariant::HonestGatesWaves,
        Invariant::RankingBarrier,
        Invariant::RankingOverdue,
        Invariant::RankingReach,
        Invariant::RankingRoles,
        Invariant::RankingTarget,
        Invariant::NextCycleTrained,
        Invariant::NextCycleNewTool,
    ];

    /// The invariant's name, such as `windows.proposed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Invariant::NoStall => "no-stall",
            Invariant::StagedSpreadEveryUnit => "staged-spread.every-unit",
            Invariant::StagedSpreadOrder => "staged-spread.order",
            Invariant::StagedSpreadGate => "staged-spread.gate",
            Invariant::StagedSpreadAhead => "staged-spread.ahead",
            Invariant::StagedSpreadBottomUp => "staged-spread.bottom-up",
            Invariant::WindowsProposed => "windows.proposed",
            Invariant::WindowsReady => "windows.ready",
            Invariant::WindowsDone => "windows.done",
            Invariant::WindowsWhatIf => "windows.what-if",
            Invariant::HonestGatesBar => "honest-gates.bar",
            Invariant::HonestGatesMinimumTime => "honest-gates.minimum-time",
            Invariant::HonestGatesWaves => "honest-gates.waves",
            Invariant::RankingBarrier => "ranking.barrier",
            Invariant::RankingOverdue => "ranking.overdue",
            Invariant::RankingReach => "ranking.reach",
            Invariant::RankingRoles => "ranking.roles",
            Invariant::RankingTarget => "ranking.target",
            Invariant::NextCycleTrained => "next-cycle.trained",
            Invariant::NextCycleNewTool => "next-cycle.new-tool",
        }
    }
}

impl std::fmt::Display for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invariant broken on one step of one walk.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct Violation {
    /// The walk's name.
    pub walk: String,
    /// Days since launch.
    pub day: u64,
    /// The invariant.
    pub invariant: Invariant,
    /// What was seen.
    pub detail: String,
    /// The top 10 actions of that step, with their urgency.
    pub actions: Vec<ActionLine>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} day {} ({}): {}", self.walk, self.day, self.invariant, self.detail)?;
        for a in &self.actions {
            writeln!(f, "    {a}")?;
        }
        Ok(())
    }
}

/// When an instance's window opens.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Window {
    /// It has no timing: always open.
    Always,
    /// It opens on this day, and is due on the second when its timing sets a due date.
    Opens(NaiveDate, Option<NaiveDate>),
    /// Its anchor is not done: not open yet.
    AnchorOpen,
}

impl Window {
    fn open_on(self, day: NaiveDate) -> bool {
        match self {
            Window::Always => true,
            Window::Opens(d, _) => d <= day,
            Window::AnchorOpen => false,
        }
    }

    fn describe(self) -> String {
        match self {
            Window::Always => "always open".into(),
            Window::Opens(d, _) => format!("opens on day {}", days(d)),
            Window::AnchorOpen => "opens after its anchor, not done yet".into(),
        }
    }
}

fn days(d: NaiveDate) -> i64 {
    (d - LAUNCH).num_days()
}

/// Checks one walk's steps as they come, remembering what the invariants need across steps.
pub(crate) struct Checker {
    walk: String,
    playbook: Playbook,
    pattern: DeploymentPattern,
    /// The unit where enthusiasts started on their own.
    enthusiasts: Option<UnitId>,
    habit_bar: f64,
    /// Days after launch before which the last gate cannot honestly pass, and the activity that
    /// sets it.
    minimum: (u64, String),
    last_progress: u64,
    /// Whether the rollout has finished on some step (every gate passed, every wave started).
    finished_once: bool,
    /// Missed targets (KPI, due day) seen proposed, and those reported unproposed.
    targets_seen: BTreeSet<(teichaku::model::Kpi, NaiveDate)>,
    targets_reported: BTreeSet<(teichaku::model::Kpi, NaiveDate)>,
    prev_done: BTreeSet<InstanceKey>,
    prev_passed: Vec<bool>,
    wave_started: Vec<Option<u64>>,
    overdue_seen: BTreeSet<InstanceKey>,
    /// The first step each instance could start on (prerequisites done, wave open).
    startable_since: BTreeMap<InstanceKey, NaiveDate>,
    /// Recurrences (instance, due day) seen in the top 5 while late, and those reported.
    recurrence_seen: BTreeSet<(InstanceKey, NaiveDate)>,
    recurrence_reported: BTreeSet<(InstanceKey, NaiveDate)>,
    reported: BTreeSet<(Invariant, InstanceKey)>,
    /// New members reported untrained.
    untrained_reported: BTreeSet<MemberId>,
    /// Members reported not trained again after a new tool, with the tool's position and the track.
    retrain_reported: BTreeSet<(MemberId, usize, teichaku::model::TrainingTrack)>,
    last: Option<LastStep>,
}

/// Days a new member may wait for a training meant for them.
const NEW_MEMBER_DAYS: i64 = 35;

/// Days the members may wait for the trainings held again for a new tool.
const NEW_TOOL_DAYS: i64 = 42;

/// What the end of a walk is judged on: the last step's day and top actions, which waves had
/// started, and the units that had done nothing.
type LastStep = (u64, Vec<ActionLine>, Vec<bool>, Vec<UnitId>);

impl Checker {
    pub(crate) fn new(
        walk: &str,
        playbook: &Playbook,
        pattern: DeploymentPattern,
        enthusiasts: Option<UnitId>,
    ) -> Self {
        Self {
            walk: walk.to_owned(),
            playbook: playbook.clone(),
            pattern,
            enthusiasts,
            habit_bar: habit_bar(playbook),
            minimum: minimum_days(playbook),
            last_progress: 0,
            finished_once: false,
            targets_seen: BTreeSet::new(),
            targets_reported: BTreeSet::new(),
            prev_done: BTreeSet::new(),
            prev_passed: Vec::new(),
            wave_started: Vec::new(),
            overdue_seen: BTreeSet::new(),
            startable_since: BTreeMap::new(),
            recurrence_seen: BTreeSet::new(),
            recurrence_reported: BTreeSet::new(),
            reported: BTreeSet::new(),
            untrained_reported: BTreeSet::new(),
            retrain_reported: BTreeSet::new(),
            last: None,
        }
    }

    /// Every violation on the step of `day`; `last_done` is what the walk did after the step
    /// before, `top` the step's top 10 actions.
    pub(crate) fn check(
        &mut self,
        day: u64,
        snapshot: &ValidSnapshot,
        a: &Assessment,
        what_if: &[Unblocking],
        last_done: &[Outcome],
        top: &[ActionLine],
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut flag = |invariant: Invariant, detail: String| {
            out.push(Violation { walk: self.walk.clone(), day, invariant, detail, actions: top.to_vec() });
        };
        let as_of = a.as_of;
        let pb = &self.playbook;
        let index: BTreeMap<(&str, Option<UnitId>), &InstancePlan> =
            a.plan.instances.iter().map(|i| ((i.key.activity.as_str(), i.key.unit), i)).collect();
        let window = |key: &InstanceKey| window_of(pb, &index, &a.plan.instances, key);
        let waves = &a.readiness.waves;
        let wave_of: BTreeMap<UnitId, usize> =
            waves.iter().flat_map(|w| w.units.iter().map(move |&u| (u, w.wave))).collect();
        let started = |u: UnitId| a.readiness.reaches(wave_of.get(&u).copied(), Some(u));
        let label = |scope: ActionScope| match scope {
            ActionScope::Unit(u) => snapshot.unit(u).map_or_else(|| u.to_string(), |x| x.name.clone()),
            _ => "organisation".into(),
        };

        // No stall.
        let done: BTreeSet<InstanceKey> =
            a.plan.instances.iter().filter(|i| i.done.is_some()).map(|i| i.key.clone()).collect();
        let passed: Vec<bool> = a.readiness.phases.iter().map(|g| g.passed).collect();
        let newly_passed =
            passed.iter().enumerate().any(|(i, &p)| p && !self.prev_passed.get(i).copied().unwrap_or(false));
        self.wave_started.resize(waves.len(), None);
        let mut newly_started = Vec::new();
        for w in waves {
            if w.may_start && self.wave_started.get(w.wave).copied().flatten().is_none() {
                newly_started.push(w.wave);
                if let Some(slot) = self.wave_started.get_mut(w.wave) {
                    *slot = Some(day);
                }
            }
        }
        let progressed = done.difference(&self.prev_done).next().is_some()
            || newly_passed
            || !newly_started.is_empty()
            || last_done.iter().any(|o| o.appointed > 0);
        let all_started = waves.iter().all(|w| w.may_start);
        let finished = a.readiness.current_phase.is_none() && all_started;
        // A finished rollout waits for nothing; one whose barrier activity waits for its window
        // (the three-month check before day 90, say) waits for the method, not for the advice.
        let barrier_activity = a.readiness.barrier.as_ref().and_then(|b| {
            let phase = pb.phases.iter().find(|p| p.id == b.phase)?;
            match &phase.gate.criteria.iter().find(|c| c.id == b.criterion)?.check {
                Check::ActivityDone { activity } | Check::ActivityRecent { activity, .. } => Some(activity),
                _ => None,
            }
        });
        let window_wait = barrier_activity.is_some_and(|x| {
            a.plan.instances.iter().any(|i| &i.key.activity == x && i.opens.is_some_and(|d| d > as_of))
        });
        if progressed || day == 0 || finished || window_wait {
            self.last_progress = day;
        }
        // Before the rollout first finishes, something progresses every 14 days. Once it has, a
        // fall back under the last gate's bar (a small organisation's weekly swing in habit, say)
        // is answered by the barrier's work in the top 3 (`ranking.barrier`) and must recover
        // within 28 days, four weekly assessments.
        self.finished_once |= finished;
        let allowed = if self.finished_once { 28 } else { 14 };
        if !finished && day - self.last_progress > allowed {
            let waiting: Vec<usize> = waves.iter().filter(|w| !w.may_start).map(|w| w.wave).collect();
            flag(
                Invariant::NoStall,
                format!(
                    "nothing progressed since day {} (current phase {}, waves not started {:?})",
                    self.last_progress,
                    a.readiness.current_phase.as_ref().map_or("none", |p| p.as_str()),
                    waiting
                ),
            );
        }

        // Staged spread.
        for &w in newly_started.iter().filter(|&&w| w > 0) {
            let before = if self.pattern == DeploymentPattern::TopDown { 0 } else { w - 1 };
            let earlier = self.wave_started.get(before).copied().flatten().is_some_and(|d| d < day);
            if !earlier {
                flag(
                    Invariant::StagedSpreadOrder,
                    format!(
                        "wave {w} started on the same step as wave {before} or before it ({})",
                        pattern_word(self.pattern)
                    ),
                );
            }
            let prev_units = waves.get(before).map(|x| x.units.clone()).unwrap_or_default();
            let first = pb.phases.first().map(|p| &p.id);
            let short: Vec<String> = a
                .readiness
                .units
                .iter()
                .filter(|u| prev_units.contains(&u.unit) && u.phase.as_ref() == first)
                .map(|u| label(ActionScope::Unit(u.unit)))
                .collect();
            if !short.is_empty() {
                flag(
                    Invariant::StagedSpreadGate,
                    format!(
                        "wave {w} started while {} of wave {} had not passed the first gate",
                        short.join(", "),
                        w - 1
                    ),
                );
            }
        }
        // Bottom-up: who goes ahead of their wave, derived from the units' own gates, KPIs and
        // completions rather than read from the engine.
        let first_phase = pb.phases.first().map(|p| &p.id);
        let pilot_units = waves.first().map_or(&[][..], |w| w.units.as_slice());
        let pilot_passed = a
            .readiness
            .units
            .iter()
            .filter(|u| pilot_units.contains(&u.unit))
            .all(|u| u.phase.is_none() || u.phase.as_ref() != first_phase);
        let weekly_active = |u: UnitId| {
            a.kpis
                .scopes
                .iter()
                .find(|s| s.scope == teichaku::metrics::Scope::Unit(u))
                .and_then(|s| s.value(teichaku::model::Kpi::WeeklyActiveRate))
        };
        let worked =
            |u: UnitId| snapshot.observations().completions.iter().any(|c| c.unit == Some(u) && c.date <= as_of);
        for u in a.readiness.ahead() {
            let why = if self.pattern != DeploymentPattern::BottomUp {
                Some(format!("the pattern is {}", pattern_word(self.pattern)))
            } else if !pilot_passed {
                Some("the pilot has not passed the first gate".to_owned())
            } else if !(weekly_active(u).is_some_and(|v| v >= teichaku::rollout::RISING_WEEKLY_ACTIVE) || worked(u)) {
                Some(format!("its weekly-active rate is {:?} and nothing was done there", weekly_active(u)))
            } else {
                None
            };
            if let Some(why) = why {
                flag(
                    Invariant::StagedSpreadBottomUp,
                    format!("{} went ahead of its wave while {why}", label(ActionScope::Unit(u))),
                );
            }
        }
        if let Some(u) = self.enthusiasts.filter(|&u| {
            self.pattern == DeploymentPattern::BottomUp
                && pilot_passed
                && !started(u)
                && weekly_active(u).is_some_and(|v| v >= teichaku::rollout::RISING_WEEKLY_ACTIVE)
        }) {
            flag(
                Invariant::StagedSpreadBottomUp,
                format!(
                    "{} waits for its wave although the pilot passed the first gate and use rises there ({:?})",
                    label(ActionScope::Unit(u)),
                    weekly_active(u)
                ),
            );
        }
        for x in a.actions.actions.iter().filter(|x| x.code.starts_with("activity:")) {
            for u in places(x).into_iter().flatten().filter(|&u| !started(u)) {
                flag(
                    Invariant::StagedSpreadAhead,
                    format!("`{}` proposed in {} before its wave started", x.code, label(ActionScope::Unit(u))),
                );
            }
        }

        // Windows.
        for x in &a.actions.actions {
            let Some(id) = x.code.strip_prefix("activity:") else { continue };
            for unit in places(x) {
                let Some(i) = index.get(&(id, unit)).copied() else { continue };
                if i.done.is_some() {
                    continue;
                }
                let w = window(&i.key);
                if !w.open_on(as_of) {
                    flag(
                        Invariant::WindowsProposed,
                        format!("`{}` proposed in {}; its window {}", x.code, scope_label(i, &label), w.describe()),
                    );
                }
            }
        }
        for i in &a.plan.instances {
            let w = window(&i.key);
            if i.done.is_none() && matches!(i.status, Status::Ready | Status::Overdue) && !w.open_on(as_of) {
                flag(
                    Invariant::WindowsReady,
                    format!(
                        "`{}` in {} scheduled as {:?}; its window {}",
                        i.key.activity,
                        scope_label(i, &label),
                        i.status,
                        w.describe()
                    ),
                );
            }
            if let Some(d) = i.done
                && !w.open_on(d)
                && self.reported.insert((Invariant::WindowsDone, i.key.clone()))
            {
                flag(
                    Invariant::WindowsDone,
                    format!(
                        "`{}` in {} counted done on day {}; its window {}",
                        i.key.activity,
                        scope_label(i, &label),
                        days(d),
                        w.describe()
                    ),
                );
            }
        }
        for u in what_if {
            for key in &u.instances {
                let w = window(key);
                if !w.open_on(as_of) {
                    flag(
                        Invariant::WindowsWhatIf,
                        format!("what-if ranks `{}` ({:?}); its window {}", u.code, key.unit, w.describe()),
                    );
                }
            }
        }

        // Honest gates.
        if a.readiness.current_phase.is_none() {
            let org = a.kpis.scopes.first();
            let habit = org.and_then(|s| s.value(Kpi::HabitRate));
            let absolute: Vec<String> = match org.map(|s| &s.score) {
                Some(Figure::Value(score)) => {
                    score.absolute_conditions.iter().filter(|c| !c.holds).map(|c| c.id.to_string()).collect()
                }
                _ => vec!["(score not shown)".into()],
            };
            if habit.is_none_or(|h| h < self.habit_bar) || !absolute.is_empty() {
                flag(
                    Invariant::HonestGatesBar,
                    format!(
                        "every gate passed at habit {} (bar {}), absolute conditions missing: [{}]",
                        percent(habit),
                        percent(Some(self.habit_bar)),
                        absolute.join(", ")
                    ),
                );
            }
            if day < self.minimum.0 {
                flag(
                    Invariant::HonestGatesMinimumTime,
                    format!("every gate passed on day {day}, before day {} (`{}`)", self.minimum.0, self.minimum.1),
                );
            }
            if !all_started {
                let waiting: Vec<usize> = waves.iter().filter(|w| !w.may_start).map(|w| w.wave).collect();
                flag(Invariant::HonestGatesWaves, format!("every gate passed while waves {waiting:?} had not started"));
            }
        }

        // Ranking.
        if let Some(b) = &a.readiness.barrier {
            // A role barrier is also met by proposing the appointment of that role.
            let barrier_role = pb
                .phase(&b.phase)
                .and_then(|p| p.gate.criteria.iter().find(|c| c.id == b.criterion))
                .and_then(|c| match &c.check {
                    Check::RolePresent { role, .. } => Some(*role),
                    _ => None,
                });
            let appoints_role = |x: &Action| {
                let id = x.code.strip_prefix("activity:");
                barrier_role.is_some()
                    && (appointed_role(x) == barrier_role
                        || id.and_then(|id| pb.activities.iter().find(|p| p.id.as_str() == id)).map(Effect::of)
                            == barrier_role.map(Effect::Appoint))
            };
            let in_top3 = a
                .actions
                .actions
                .iter()
                .take(3)
                .any(|x| x.reasons.iter().any(|r| matches!(r, Reason::BarrierPoint { .. })) || appoints_role(x));
            if !in_top3 {
                let rank = a
                    .actions
                    .actions
                    .iter()
                    .position(|x| x.reasons.iter().any(|r| matches!(r, Reason::BarrierPoint { .. })))
                    .map_or("not proposed".to_owned(), |r| format!("ranked {}", r + 1));
                flag(Invariant::RankingBarrier, format!("barrier `{}` in `{}` {rank}", b.criterion, b.phase));
            }
        }
        // The top 5 by code and the place each applies in (each unit of a grouped action).
        let top5: BTreeSet<(&str, ActionScope)> = a
            .actions
            .actions
            .iter()
            .take(5)
            .flat_map(|x| {
                places(x).into_iter().map(|u| (x.code.as_str(), u.map_or(ActionScope::Organisation, ActionScope::Unit)))
            })
            .collect();
        let rank_of = |code: &str, unit: Option<UnitId>| {
            a.actions
                .actions
                .iter()
                .position(|x| x.code == code && x.covers(unit))
                .map_or("not proposed".to_owned(), |r| format!("ranked {}", r + 1))
        };
        for i in &a.plan.instances {
            if i.done.is_some() || !i.waiting_on.is_empty() || i.wave_blocked || !i.key.unit.is_none_or(started) {
                continue;
            }
            let since = *self.startable_since.entry(i.key.clone()).or_insert(as_of);
            let Window::Opens(open, Some(due)) = window(&i.key) else { continue };
            if open > as_of || due >= as_of {
                continue;
            }
            // Late since its due day, or since it could start when its prerequisites came later.
            let late = (as_of - due.max(since)).num_days();
            let code = format!("activity:{}", i.key.activity);
            let scope = i.key.unit.map_or(ActionScope::Organisation, ActionScope::Unit);
            if late <= 7 && top5.contains(&(code.as_str(), scope)) {
                self.overdue_seen.insert(i.key.clone());
            }
            if late >= 7
                && !self.overdue_seen.contains(&i.key)
                && self.reported.insert((Invariant::RankingOverdue, i.key.clone()))
            {
                let rank = rank_of(&code, i.key.unit);
                flag(
                    Invariant::RankingOverdue,
                    format!(
                        "`{}` in {} overdue since day {} ({late} days), {rank}",
                        i.key.activity,
                        scope_label(i, &label),
                        days(due)
                    ),
                );
            }
        }
        // Recurring reviews and checks (ids naming one) of a monthly or slower cadence: due one
        // cadence after their last completion (the slower cadence where the playbook has one, so a
        // switch to it is never counted late). A weekly or fortnightly review is a routine, whose
        // missed round the next one makes up (docs/rollout.md), not time-critical work.
        let mut last_completion: BTreeMap<(&str, Option<UnitId>), NaiveDate> = BTreeMap::new();
        for c in snapshot.observations().completions.iter().filter(|c| c.date <= as_of) {
            let slot = last_completion.entry((c.activity.as_str(), c.unit)).or_insert(c.date);
            *slot = (*slot).max(c.date);
        }
        for i in &a.plan.instances {
            let id = i.key.activity.as_str();
            let Some(r) = pb.activity(&i.key.activity).and_then(|x| x.recurrence) else { continue };
            if !(id.contains("review") || id.contains("check")) || r.every_days < 30 {
                continue;
            }
            if !i.waiting_on.is_empty() || i.wave_blocked || !i.key.unit.is_none_or(started) {
                continue;
            }
            let Some(&last) = last_completion.get(&(i.key.activity.as_str(), i.key.unit)) else { continue };
            let every = r.every_days.max(r.once_retained_every_days.unwrap_or(0)).max(1);
            let Some(due) = last.checked_add_days(Days::new(u64::from(every))) else { continue };
            if due >= as_of {
                continue;
            }
            let late = (as_of - due).num_days();
            let code = format!("activity:{}", i.key.activity);
            let scope = i.key.unit.map_or(ActionScope::Organisation, ActionScope::Unit);
            if late <= 7 && top5.contains(&(code.as_str(), scope)) {
                self.recurrence_seen.insert((i.key.clone(), due));
            }
            if late >= 7
                && !self.recurrence_seen.contains(&(i.key.clone(), due))
                && self.recurrence_reported.insert((i.key.clone(), due))
            {
                let rank = rank_of(&code, i.key.unit);
                flag(
                    Invariant::RankingOverdue,
                    format!(
                        "recurring `{}` in {} last done on day {}, due again on day {} ({late} days late), {rank}",
                        i.key.activity,
                        scope_label(i, &label),
                        days(last),
                        days(due)
                    ),
                );
            }
        }
        for x in &a.actions.actions {
            let Some(id) = x.code.strip_prefix("intervention:") else { continue };
            let per_unit = pb.interventions.iter().any(|iv| iv.id.as_str() == id && iv.scope == ActivityScope::PerUnit);
            for u in places(x).into_iter().flatten().filter(|&u| per_unit && !started(u)) {
                flag(
                    Invariant::RankingReach,
                    format!("`{}` fired in {} before its wave started", x.code, label(ActionScope::Unit(u))),
                );
            }
        }
        let holds = |role: Role, scope: ActionScope| {
            let org_level = matches!(role, Role::Executive | Role::PromotionLead);
            snapshot.organisation().members.iter().any(|m| {
                m.is_present_on(as_of)
                    && m.has_role(role)
                    && match scope {
                        ActionScope::Unit(u) if !org_level => m.unit == u,
                        _ => true,
                    }
            })
        };
        let appoints: BTreeSet<Role> = a
            .actions
            .actions
            .iter()
            .flat_map(|x| {
                // An action proposed because a role is missing (the appointing activity's open
                // prerequisite, say) is the way to the appointment, and names it.
                let missing = x.reasons.iter().filter_map(|r| match r {
                    Reason::RoleMissing { role, .. } => Some(*role),
                    _ => None,
                });
                missing.chain(appointing(pb, x))
            })
            .collect();
        for x in &a.actions.actions {
            for scope in places(x).into_iter().map(|u| u.map_or(ActionScope::Organisation, ActionScope::Unit)) {
                if !holds(x.owner, scope) && !appoints.contains(&x.owner) {
                    flag(
                        Invariant::RankingRoles,
                        format!(
                            "`{}` in {} names the {} role, which nobody there holds, and no appointment is proposed",
                            x.code,
                            label(scope),
                            x.owner.as_str()
                        ),
                    );
                }
            }
        }

        self.prev_done = done;
        self.prev_passed = passed;
        let units_idle: Vec<UnitId> = a
            .readiness
            .units
            .iter()
            .map(|u| u.unit)
            .filter(|&u| {
                !snapshot.observations().completions.iter().any(|c| c.unit == Some(u))
                    && !last_done
                        .iter()
                        .any(|o| o.completed && (o.scope == ActionScope::Unit(u) || o.units.contains(&u)))
            })
            .collect();
        self.last = Some((day, top.to_vec(), waves.iter().map(|w| w.may_start).collect(), units_idle));
        // Missed targets: each organisation target with a due day, missed, is proposed among the
        // top 10 at an assessment within 7 days of its due day (once a target).
        for t in a.kpis.targets.iter().filter(|t| {
            t.state == teichaku::metrics::TargetState::Missed
                && t.scope == teichaku::metrics::Scope::Organisation
                && (t.by_day.is_some() || t.after.is_some())
        }) {
            let Some(due) = t.due else { continue };
            let key = (t.kpi, due);
            let proposed = a.actions.actions.iter().take(10).any(|x| {
                x.code.starts_with(&format!("target:{}", t.kpi.name()))
                    || x.reasons.iter().any(|r| matches!(r, Reason::TargetMissed { kpi, .. } if *kpi == t.kpi))
            });
            if proposed {
                self.targets_seen.insert(key);
            } else if (as_of - due).num_days() >= 7
                && !self.targets_seen.contains(&key)
                && self.targets_reported.insert(key)
            {
                flag(
                    Invariant::RankingTarget,
                    format!("target {} missed since day {} is not among the top 10", t.kpi.name(), days(due)),
                );
            }
        }
        // The next cycle: a member who joined after launch, in the audience of one of the
        // playbook's trainings (`trains`; everyone, without an audience), is trained within 35
        // days of joining.
        for m in snapshot.organisation().members.iter().filter(|m| m.joined > LAUNCH) {
            let waited = (as_of - m.joined).num_days();
            if waited <= NEW_MEMBER_DAYS || self.untrained_reported.contains(&m.id) {
                continue;
            }
            let fits = |x: &teichaku::model::Audience| {
                (x.roles.is_empty() || x.roles.iter().any(|r| m.has_role(*r)))
                    && (x.age_bands.is_empty() || m.age_band.is_some_and(|b| x.age_bands.contains(&b)))
                    && (x.literacy.is_empty() || m.literacy.is_some_and(|l| x.literacy.contains(&l)))
            };
            let trainings: Vec<&str> = pb
                .activities
                .iter()
                .filter(|x| x.trains.is_some() && x.audience.as_ref().is_none_or(fits))
                .map(|x| x.id.as_str())
                .collect();
            if trainings.is_empty() {
                continue;
            }
            let trained = snapshot.observations().trainings.iter().any(|t| t.member == m.id && t.date <= as_of);
            if !trained {
                self.untrained_reported.insert(m.id);
                flag(
                    Invariant::NextCycleTrained,
                    format!(
                        "member {} joined on day {} and is untrained after {waited} days (trainings for them: {})",
                        m.id,
                        days(m.joined),
                        trainings.join(", ")
                    ),
                );
            }
        }
        // The next cycle for a new tool: whoever was trained on a track before the tool came, is
        // present and gets the tool, has a record of that track from the tool's day on within 42
        // days of it.
        let trainings = &snapshot.observations().trainings;
        for (position, tool) in snapshot.organisation().tools.iter().enumerate() {
            if (as_of - tool.available_from).num_days() <= NEW_TOOL_DAYS {
                continue;
            }
            let covered: Option<BTreeSet<UnitId>> =
                (!tool.units.is_empty()).then(|| tool.units.iter().flat_map(|&u| snapshot.units_under(u)).collect());
            let before: BTreeSet<(MemberId, teichaku::model::TrainingTrack)> =
                trainings.iter().filter(|t| t.date < tool.available_from).map(|t| (t.member, t.track)).collect();
            let since: BTreeSet<(MemberId, teichaku::model::TrainingTrack)> = trainings
                .iter()
                .filter(|t| t.date >= tool.available_from && t.date <= as_of)
                .map(|t| (t.member, t.track))
                .collect();
            for &(member, track) in before.difference(&since) {
                let Some(m) = snapshot.member(member) else { continue };
                let present = m.left.is_none_or(|left| left > as_of);
                let gets_it = covered.as_ref().is_none_or(|c| c.contains(&m.unit));
                if present && gets_it && self.retrain_reported.insert((member, position, track)) {
                    flag(
                        Invariant::NextCycleNewTool,
                        format!(
                            "member {member} was trained ({track:?}) before the new tool `{}` of day {} and not since, {} days on",
                            tool.tool,
                            days(tool.available_from),
                            (as_of - tool.available_from).num_days()
                        ),
                    );
                }
            }
        }
        out
    }

    /// The violations only the whole walk shows: waves or units never reached.
    pub(crate) fn finish(&mut self) -> Vec<Violation> {
        let Some((day, top, started, idle)) = self.last.take() else { return Vec::new() };
        let waiting: Vec<usize> = started.iter().enumerate().filter(|(_, s)| !**s).map(|(w, _)| w).collect();
        if waiting.is_empty() && idle.is_empty() {
            return Vec::new();
        }
        vec![Violation {
            walk: self.walk.clone(),
            day,
            invariant: Invariant::StagedSpreadEveryUnit,
            detail: format!(
                "by the last day waves {waiting:?} had not started and {} units had done nothing",
                idle.len()
            ),
            actions: top,
        }]
    }
}

fn scope_label(i: &InstancePlan, label: &impl Fn(ActionScope) -> String) -> String {
    label(i.key.unit.map_or(ActionScope::Organisation, ActionScope::Unit))
}

fn pattern_word(p: DeploymentPattern) -> &'static str {
    crate::walk::pattern_name(p)
}

fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0} %", v * 100.0))
}

/// The window of `key`: derived from the playbook's timing and the plan's completions, not from
/// the engine's status (see the crate docs).
fn window_of(
    pb: &Playbook,
    index: &BTreeMap<(&str, Option<UnitId>), &InstancePlan>,
    instances: &[InstancePlan],
    key: &InstanceKey,
) -> Window {
    let Some(activity) = pb.activity(&key.activity) else { return Window::Always };
    let Some(timing) = &activity.timing else { return Window::Always };
    let anchor_done = match &timing.after {
        Anchor::Launch => Some(LAUNCH),
        Anchor::Activity(anchor) => {
            let per_unit = pb.activity(anchor).is_some_and(|x| x.scope == ActivityScope::PerUnit);
            match (per_unit, key.unit) {
                (true, Some(u)) => index.get(&(anchor.as_str(), Some(u))).and_then(|i| i.done),
                (false, _) => index.get(&(anchor.as_str(), None)).and_then(|i| i.done),
                // A per-unit anchor of an organisation-wide activity: done in every pilot unit.
                (true, None) => {
                    let pilot: Vec<&InstancePlan> =
                        instances.iter().filter(|i| &i.key.activity == anchor && i.wave == Some(0)).collect();
                    if pilot.iter().all(|i| i.done.is_some()) {
                        pilot.iter().filter_map(|i| i.done).max()
                    } else {
                        None
                    }
                }
            }
        }
        _ => None,
    };
    let Some(anchor) = anchor_done else { return Window::AnchorOpen };
    let open = anchor.checked_add_days(Days::new(u64::from(timing.not_before_days))).unwrap_or(anchor);
    let due = timing.due_within_days.and_then(|d| anchor.checked_add_days(Days::new(u64::from(d))));
    Window::Opens(open, due)
}

/// Whether an instance that can start (prerequisites done, wave gate open) has a window not yet
/// open on the assessment's date: only then can what-if rank one before its window.
pub(crate) fn closed_window_startable(pb: &Playbook, a: &Assessment) -> bool {
    let index: BTreeMap<(&str, Option<UnitId>), &InstancePlan> =
        a.plan.instances.iter().map(|i| ((i.key.activity.as_str(), i.key.unit), i)).collect();
    a.plan
        .instances
        .iter()
        .filter(|i| i.can_start() && pb.activity(&i.key.activity).is_some_and(|x| x.timing.is_some()))
        .any(|i| !window_of(pb, &index, &a.plan.instances, &i.key).open_on(a.as_of))
}

/// The playbook's habit bar: the highest habit rate any of its gates or KPI targets asks for.
pub(crate) fn habit_bar(pb: &Playbook) -> f64 {
    let gates = pb.phases.iter().flat_map(|p| &p.gate.criteria).filter_map(|c| match &c.check {
        Check::Kpi { kpi: Kpi::HabitRate, op: Comparison::AtLeast, threshold, .. } => Some(*threshold),
        _ => None,
    });
    let targets =
        pb.kpi_targets.iter().filter(|t| t.kpi == Kpi::HabitRate && t.op == Comparison::AtLeast).map(|t| t.value);
    gates.chain(targets).fold(0.0, f64::max)
}

/// The method's minimum time: the latest day, counted from launch, on which an activity a gate
/// asks for can first start, following every timing's `not_before_days` along the anchors and
/// dependencies (durations left out); with the activity that sets it.
pub(crate) fn minimum_days(pb: &Playbook) -> (u64, String) {
    let mut earliest: BTreeMap<&str, u64> = pb.activities.iter().map(|a| (a.id.as_str(), 0)).collect();
    // A fixed point over the dependency graph (validated acyclic): at most one pass per activity.
    for _ in 0..=pb.activities.len() {
        let mut changed = false;
        for a in &pb.activities {
            let mut start =
                a.prerequisites().iter().filter_map(|p| earliest.get(p.as_str()).copied()).max().unwrap_or(0);
            if let Some(t) = &a.timing {
                let anchor = match &t.after {
                    Anchor::Activity(x) => earliest.get(x.as_str()).copied().unwrap_or(0),
                    _ => 0,
                };
                start = start.max(anchor + u64::from(t.not_before_days));
            }
            if let Some(slot) = earliest.get_mut(a.id.as_str())
                && *slot < start
            {
                *slot = start;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    pb.phases
        .iter()
        .flat_map(|p| &p.gate.criteria)
        .filter_map(|c| match &c.check {
            Check::ActivityDone { activity } => {
                Some((earliest.get(activity.as_str()).copied().unwrap_or(0), activity.to_string()))
            }
            _ => None,
        })
        .max()
        .unwrap_or((0, String::new()))
}

/// The role an action appoints: an `appoint:ROLE`, an activity that appoints (by the walk's
/// model), or the barrier of a role criterion.
fn appointing(pb: &Playbook, x: &Action) -> Option<Role> {
    if let Some(role) = appointed_role(x) {
        return Some(role);
    }
    if let Some(id) = x.code.strip_prefix("activity:") {
        match pb.activities.iter().find(|p| p.id.as_str() == id).map(Effect::of) {
            Some(Effect::Appoint(r)) => return Some(r),
            _ => return None,
        }
    }
    let id = x.code.strip_prefix("barrier:")?;
    pb.phases.iter().flat_map(|p| &p.gate.criteria).find(|c| c.id.as_str() == id).and_then(|c| match &c.check {
        Check::RolePresent { role, .. } => Some(*role),
        _ => None,
    })
}

/// The role an `appoint:ROLE` action asks the organisation to give a member.
pub(crate) fn appointed_role(action: &Action) -> Option<Role> {
    let name = action.code.strip_prefix("appoint:")?;
    Role::ALL.into_iter().find(|r| r.as_str() == name)
}

/// Where `action` applies: each unit of a grouped action, or its scope (`None` for the organisation).
fn places(action: &Action) -> Vec<Option<UnitId>> {
    match action.scope {
        _ if !action.units.is_empty() => action.units.iter().copied().map(Some).collect(),
        ActionScope::Unit(u) => vec![Some(u)],
        _ => vec![None],
    }
}
