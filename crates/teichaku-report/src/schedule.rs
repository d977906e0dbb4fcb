//! The rollout's schedule as rows of a Gantt chart: one row per activity and wave (an
//! organisation-wide activity is one row), in phase order, spanning its instances' earliest
//! starts to their earliest finishes, with one status for the row.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use teichaku::model::{ActivityId, Lang, ValidSnapshot};
use teichaku::rollout::{InstancePlan, RolloutPlan, Status};

use crate::words::t;

/// Where a row of the schedule stands, as the charts colour it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum BarStatus {
    /// Every instance is done.
    Done,
    /// Some instance is past its due date.
    Overdue,
    /// Some instance can start now.
    Ready,
    /// Nothing can start yet only because a window has not opened.
    NotYetOpen,
    /// Waiting for a prerequisite or a wave's gate.
    Blocked,
}

impl BarStatus {
    /// Every status, in the order legends list them.
    pub(crate) const ALL: [BarStatus; 5] =
        [BarStatus::Done, BarStatus::Ready, BarStatus::Blocked, BarStatus::NotYetOpen, BarStatus::Overdue];

    /// The status of one instance.
    pub(crate) fn of(i: &InstancePlan) -> Self {
        match i.status {
            Status::Done => BarStatus::Done,
            Status::Overdue => BarStatus::Overdue,
            Status::Ready => BarStatus::Ready,
            _ if i.opens.is_some() && i.waiting_on.is_empty() && !i.wave_blocked => BarStatus::NotYetOpen,
            _ => BarStatus::Blocked,
        }
    }

    /// Its class name, in CSS and SVG.
    pub(crate) fn class(self) -> &'static str {
        match self {
            BarStatus::Done => "done",
            BarStatus::Overdue => "overdue",
            BarStatus::Ready => "ready",
            BarStatus::NotYetOpen => "not-open",
            BarStatus::Blocked => "blocked",
        }
    }

    /// Its name.
    pub(crate) fn word(self, lang: Lang) -> &'static str {
        match self {
            BarStatus::Done => t(lang, "done", "完了"),
            BarStatus::Overdue => t(lang, "overdue", "期限超過"),
            BarStatus::Ready => t(lang, "ready", "着手可能"),
            BarStatus::NotYetOpen => t(lang, "not yet open", "開始時期前"),
            BarStatus::Blocked => t(lang, "blocked", "待ち"),
        }
    }
}

/// One row of the Gantt chart.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Row<'a> {
    /// The activity's phase, by position in the playbook.
    pub(crate) phase: usize,
    /// The activity.
    pub(crate) activity: &'a ActivityId,
    /// Its title.
    pub(crate) title: &'a str,
    /// The wave of its units, for a per-unit activity.
    pub(crate) wave: Option<usize>,
    /// The earliest start of its instances.
    pub(crate) start: NaiveDate,
    /// The latest earliest finish of its instances (the day itself included).
    pub(crate) finish: NaiveDate,
    /// The row's status: done when every instance is, else the first of overdue, ready, not yet
    /// open and blocked that some instance has.
    pub(crate) status: BarStatus,
    /// Instances done.
    pub(crate) done: usize,
    /// Instances.
    pub(crate) total: usize,
}

/// The rows of `plan`, in phase order, then in the order their first instance comes in the plan.
pub(crate) fn rows<'a>(snapshot: &'a ValidSnapshot, plan: &'a RolloutPlan, lang: Lang) -> Vec<Row<'a>> {
    let pb = snapshot.playbook();
    let mut index: BTreeMap<(&ActivityId, Option<usize>), usize> = BTreeMap::new();
    let mut out: Vec<Row<'a>> = Vec::new();
    for i in &plan.instances {
        let wave = if i.key.unit.is_some() { i.wave } else { None };
        let status = BarStatus::of(i);
        let done = usize::from(status == BarStatus::Done);
        match index.get(&(&i.key.activity, wave)).and_then(|&r| out.get_mut(r)) {
            Some(row) => {
                row.start = row.start.min(i.earliest_start);
                row.finish = row.finish.max(i.earliest_finish);
                row.done += done;
                row.total += 1;
                if row.status == BarStatus::Done || (status != BarStatus::Done && status < row.status) {
                    row.status = status;
                }
            }
            None => {
                let phase = pb.phases.iter().position(|p| p.id == i.phase).unwrap_or(pb.phases.len());
                let title = snapshot.activity(&i.key.activity).map_or(i.key.activity.as_str(), |a| a.title.get(lang));
                index.insert((&i.key.activity, wave), out.len());
                out.push(Row {
                    phase,
                    activity: &i.key.activity,
                    title,
                    wave,
                    start: i.earliest_start,
                    finish: i.earliest_finish,
                    status,
                    done,
                    total: 1,
                });
            }
        }
    }
    // A stable sort keeps the plan's order within a phase.
    out.sort_by_key(|r| r.phase);
    out
}
