//! Accessors of the KPI report: a scope's figures without searching the list by hand.

use teichaku_model::UnitId;

use crate::{KpiReport, Scope, ScopeKpis};

impl KpiReport {
    /// The figures of `scope`, when the report has it (a report may be asked for some scopes
    /// only).
    ///
    /// ```
    /// use teichaku_metrics::{KpiOptions, Scope, kpis};
    /// # use teichaku_model::{Member, MemberId, Observations, Organisation, Snapshot, Unit, UnitId, UtcOffset};
    /// # let day = "2026-04-01".parse()?;
    /// # let playbook = teichaku_model::parse_playbook(include_str!("../../teichaku-playbooks/data/sme-five-step.json"))?;
    /// let sales = UnitId::from_key("S");
    /// let mut org = Organisation::new("Example Ltd", UtcOffset::UTC, day).with_unit(Unit::new(sales, "Sales"));
    /// for n in 0..6 {
    ///     org = org.with_member(Member::new(MemberId::from_key(&format!("E{n}")), sales, day));
    /// }
    /// let snapshot = Snapshot::new(org, playbook, Observations::new()).validate()?;
    /// let report = kpis(&snapshot, "2026-05-01".parse()?, &KpiOptions::default())?;
    /// assert_eq!(report.scope(&Scope::Unit(sales)).map(|s| s.headcount), Some(6));
    /// assert_eq!(report.unit(sales), report.scope(&Scope::Unit(sales)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scope(&self, scope: &Scope) -> Option<&ScopeKpis> {
        self.scopes.iter().find(|s| &s.scope == scope)
    }

    /// The organisation's figures.
    ///
    /// ```
    /// use teichaku_metrics::{KpiOptions, kpis};
    /// # use teichaku_model::{Member, MemberId, Observations, Organisation, Snapshot, Unit, UnitId, UtcOffset};
    /// # let day = "2026-04-01".parse()?;
    /// # let playbook = teichaku_model::parse_playbook(include_str!("../../teichaku-playbooks/data/sme-five-step.json"))?;
    /// let sales = UnitId::from_key("S");
    /// let mut org = Organisation::new("Example Ltd", UtcOffset::UTC, day).with_unit(Unit::new(sales, "Sales"));
    /// for n in 0..6 {
    ///     org = org.with_member(Member::new(MemberId::from_key(&format!("E{n}")), sales, day));
    /// }
    /// let snapshot = Snapshot::new(org, playbook, Observations::new()).validate()?;
    /// let report = kpis(&snapshot, "2026-05-01".parse()?, &KpiOptions::default())?;
    /// assert_eq!(report.organisation().map(|o| o.headcount), Some(6));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn organisation(&self) -> Option<&ScopeKpis> {
        self.scope(&Scope::Organisation)
    }

    /// The figures of `unit` with the units below it.
    pub fn unit(&self, unit: UnitId) -> Option<&ScopeKpis> {
        self.scope(&Scope::Unit(unit))
    }
}
