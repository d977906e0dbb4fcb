//! Accessors of the reports: the parts a reader asks for first, without searching lists by hand.

use teichaku_metrics::{Figure, Scope, ScopeKpis, ScoreReport};
use teichaku_model::{PhaseId, UnitId};
use teichaku_rollout::{Action, Barrier};

use crate::{Assessment, OverviewReport, UnitOverview};

impl Assessment {
    /// The organisation's KPIs and retention score.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// assert_eq!(a.organisation().map(|o| o.headcount), Some(a.kpis.scopes[0].headcount));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn organisation(&self) -> Option<&ScopeKpis> {
        self.kpis.organisation()
    }

    /// The KPIs and retention score of `scope`: the organisation, a unit with the units below
    /// it, or a role.
    ///
    /// ```
    /// use teichaku::metrics::Scope;
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// let sales = snapshot.organisation().units[0].id;
    /// assert_eq!(a.scope(&Scope::Unit(sales)).map(|s| &s.scope), Some(&Scope::Unit(sales)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scope(&self, scope: &Scope) -> Option<&ScopeKpis> {
        self.kpis.scope(scope)
    }

    /// The organisation's retention score, when it is shown (not suppressed for a group under
    /// the minimum size, not undefined).
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// let score = a.score().ok_or("the demo's score is shown")?;
    /// assert!((0.0..=100.0).contains(&score.score));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score(&self) -> Option<&ScoreReport> {
        match &self.organisation()?.score {
            Figure::Value(score) => Some(score),
            _ => None,
        }
    }

    /// The current phase; `None` once every gate has passed.
    pub fn current_phase(&self) -> Option<&PhaseId> {
        self.readiness.current_phase.as_ref()
    }

    /// The barrier point: the unmet gate criterion to fix first.
    pub fn barrier(&self) -> Option<&Barrier> {
        self.readiness.barrier.as_ref()
    }

    /// The next actions, most urgent first.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
    /// for action in a.actions().iter().take(3) {
    ///     println!("{} — {:?}, due {:?}", action.title.en, action.owner, action.due);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn actions(&self) -> &[Action] {
        &self.actions.actions
    }
}

impl OverviewReport {
    /// The overview of `unit`, when the organisation has it.
    ///
    /// ```
    /// let snapshot = teichaku::demo::snapshot();
    /// let report = teichaku::overview(&snapshot, teichaku::demo::AS_OF);
    /// let sales = snapshot.organisation().units[0].id;
    /// assert_eq!(report.unit(sales).map(|u| u.unit), Some(sales));
    /// ```
    pub fn unit(&self, unit: UnitId) -> Option<&UnitOverview> {
        self.units.iter().find(|u| u.unit == unit)
    }
}
