//! The walks' timelines as Markdown: `docs/walks.md`.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::invariants::Invariant;
use crate::walk::{PATTERNS, Walk, pattern_name};

/// One milestone of a walk: the first day a phase's gate passed or a wave started, with the
/// organisation's weekly-active and habit rates on that day.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub struct Milestone {
    /// Days since launch.
    pub day: u64,
    /// Weekly-active rate then.
    pub weekly_active: Option<f64>,
    /// Habit rate then.
    pub habit: Option<f64>,
}

impl Walk {
    /// The first step on which the rollout had passed each phase (its current phase lay beyond
    /// it, or every gate passed), in phase order.
    pub fn phases_passed(&self) -> Vec<Option<Milestone>> {
        let position = |s: &crate::walk::Step| {
            s.current_phase.as_ref().map_or(self.phases.len(), |p| self.phases.iter().position(|x| x == p).unwrap_or(0))
        };
        (0..self.phases.len()).map(|i| self.first(|s| position(s) > i)).collect()
    }

    /// The first step on which each wave after the pilot may start, in wave order.
    pub fn waves_started(&self) -> Vec<Option<Milestone>> {
        let waves = self.steps.first().map_or(0, |s| s.waves_started.len());
        (1..waves).map(|w| self.first(|s| s.waves_started.get(w).copied().unwrap_or(false))).collect()
    }

    /// The first step on which the rollout had reached the unit where enthusiasts started on
    /// their own (by its wave, or ahead of it, bottom-up); `None` in a shape without one.
    pub fn enthusiasts_reached(&self) -> Option<Milestone> {
        self.first(|s| s.enthusiasts_reached)
    }

    fn first(&self, pred: impl Fn(&crate::walk::Step) -> bool) -> Option<Milestone> {
        self.steps.iter().find(|s| pred(s)).map(|s| Milestone {
            day: s.day,
            weekly_active: s.weekly_active,
            habit: s.habit,
        })
    }
}

fn percent(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

fn cell(m: &Option<Milestone>) -> String {
    match m {
        Some(m) => format!("day {} · {} / {}", m.day, percent(m.weekly_active), percent(m.habit)),
        None => "never".into(),
    }
}

/// Renders `docs/walks.md` from the walks: the page's fixed introduction, then per playbook and
/// pattern a table of milestones (rows) by shape and k (columns), then the count of violations
/// per walk family and invariant.
///
/// ```
/// use teichaku_walk::{Shape, WalkSpec, markdown, run};
/// let spec = WalkSpec::new("three-phase-cycle", teichaku::model::DeploymentPattern::Hybrid, Shape::OneUnit, 10);
/// let walk = run(&spec, &teichaku::Catalog::builtin())?;
/// let page = markdown(&[walk]);
/// assert!(page.contains("## `three-phase-cycle`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn markdown(walks: &[Walk]) -> String {
    let mut out = String::from(INTRO);
    let mut playbooks: Vec<&str> = walks.iter().map(|w| w.spec.playbook.as_str()).collect();
    playbooks.dedup();
    for pb in playbooks {
        let _ = writeln!(out, "\n## `{pb}`\n");
        for pattern in PATTERNS {
            let these: Vec<&Walk> =
                walks.iter().filter(|w| w.spec.playbook == pb && w.spec.pattern == pattern).collect();
            let Some(first) = these.first() else { continue };
            let _ = writeln!(out, "### `{}`\n", pattern_name(pattern));
            let _ = write!(out, "| milestone |");
            for w in &these {
                let _ = write!(out, " {} k={} |", w.spec.shape.as_str(), w.spec.k);
            }
            let _ = write!(out, "\n|---|");
            for _ in &these {
                let _ = write!(out, "---|");
            }
            out.push('\n');
            let passed: Vec<Vec<Option<Milestone>>> = these.iter().map(|w| w.phases_passed()).collect();
            for (i, phase) in first.phases.iter().enumerate() {
                let _ = write!(out, "| phase {} `{}` passed |", i + 1, phase);
                for p in &passed {
                    let _ = write!(out, " {} |", cell(p.get(i).unwrap_or(&None)));
                }
                out.push('\n');
            }
            let started: Vec<Vec<Option<Milestone>>> = these.iter().map(|w| w.waves_started()).collect();
            let most = started.iter().map(Vec::len).max().unwrap_or(0);
            for wave in 0..most {
                let _ = write!(out, "| wave {} started |", wave + 1);
                for s in &started {
                    let text = match s.get(wave) {
                        Some(m) => cell(m),
                        None => "".into(),
                    };
                    let _ = write!(out, " {text} |");
                }
                out.push('\n');
            }
            if these.iter().any(|w| w.spec.shape.enthusiasts().is_some()) {
                let _ = write!(out, "| enthusiasts' unit reached |");
                for w in &these {
                    let text = match (w.spec.shape.enthusiasts(), w.enthusiasts_reached()) {
                        (None, _) => String::new(),
                        (Some(_), m) => cell(&m),
                    };
                    let _ = write!(out, " {text} |");
                }
                out.push('\n');
            }
            let _ = write!(out, "| day 364 |");
            for w in &these {
                let end =
                    w.steps.last().map(|s| Milestone { day: s.day, weekly_active: s.weekly_active, habit: s.habit });
                let phase = w
                    .steps
                    .last()
                    .and_then(|s| s.current_phase.as_ref())
                    .map_or("all passed".to_owned(), |p| format!("in `{p}`"));
                let _ = write!(
                    out,
                    " {phase} · {} / {} |",
                    percent(end.as_ref().and_then(|m| m.weekly_active)),
                    percent(end.as_ref().and_then(|m| m.habit))
                );
            }
            out.push('\n');
            let mut counts: BTreeMap<Invariant, usize> = BTreeMap::new();
            for w in &these {
                let mut seen: Vec<Invariant> = w.violations.iter().map(|v| v.invariant).collect();
                seen.sort();
                seen.dedup();
                for i in seen {
                    *counts.entry(i).or_default() += 1;
                }
            }
            if counts.is_empty() {
                let _ = writeln!(out, "\nEvery invariant holds in these {} walks.\n", these.len());
            } else {
                let list: Vec<String> = counts.iter().map(|(i, n)| format!("`{i}` ({n})")).collect();
                let _ = writeln!(out, "\nInvariants broken (walks of {}): {}.\n", these.len(), list.join(", "));
            }
        }
    }
    out
}

const INTRO: &str = include_str!("intro.md");
