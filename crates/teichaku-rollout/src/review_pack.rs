//! Outcome KPIs in gates and conditions, and the review packs: what each review activity
//! reports, assembled for its period and scope.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{Figure, KpiReport, Scope, ScopeKpis, outcome_figure};
use teichaku_model::{ActivityId, Comparison, Kpi, OutcomeId, OutcomeMeasure, Role, ValidSnapshot};

use crate::{Observed, RolloutPlan, Status};

/// The review packs of a rollout: one for every instance of an activity that reports measures
/// (its `reports` KPIs and `reports_outcomes`): the organisation's, or each unit's for a per-unit
/// review, in playbook order (then the plan's unit order), and which is due next.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewPacks {
    /// The packs, in the playbook's activity order.
    pub packs: Vec<ReviewPack>,
    /// The position in `packs` of the next review due: the open one due (or able to finish)
    /// first, ties by playbook order; `None` when every review is done.
    pub next_due: Option<usize>,
}

/// What one review reports, assembled for its own scope and period: each measure's value on the
/// review's own day (the end of the period) in its scope, its value at the start of the period,
/// what is missing and who must supply it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewPack {
    /// The review activity.
    pub activity: ActivityId,
    /// Where it is held: the organisation, or the unit of a per-unit review's instance.
    pub scope: Scope,
    /// The role that owns the review.
    pub owner: Role,
    /// Where the review stands in its scope.
    pub status: Status,
    /// The day it is due, when its timing sets one, or else the earliest day it can finish.
    pub due: Option<NaiveDate>,
    /// The period reviewed: from the day after the review's previous completion in its scope (or
    /// the launch) to the review's own day: the day it was done, else the day it is due, at the
    /// latest `as_of`.
    pub period: Period,
    /// The day the comparison figures are taken on (the start of the period), when they were
    /// computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<NaiveDate>,
    /// Each measure, KPIs first in the order the activity lists them, then outcomes.
    pub measures: Vec<PackMeasure>,
    /// How many measures have no value to show.
    pub missing: u32,
}

/// A period, both days included.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

/// One measure of a review pack.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PackMeasure {
    /// The measure.
    pub measure: Measure,
    /// Its value in the review's scope on the review's own day (the end of the period): a
    /// number, undefined (missing) or withheld.
    pub value: Figure<f64>,
    /// Its value to compare with: the KPI in the scope on the first day of the period, or the
    /// outcome record's baseline (else the latest record before the period); `None` when not
    /// computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Figure<f64>>,
    /// Where its figures come from.
    pub source: Source,
    /// Whether it has no value (undefined, not withheld): someone must supply the data.
    pub missing: bool,
    /// Who supplies the data, when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplied_by: Option<Role>,
}

/// A measure a review reports.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Measure {
    /// An adoption KPI the engine computes.
    Kpi {
        /// The KPI.
        kpi: Kpi,
    },
    /// An outcome KPI the organisation records.
    Outcome {
        /// The outcome.
        outcome: OutcomeId,
    },
}

/// Where a measure's figures come from, and so what to supply when it is missing.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Source {
    /// Usage events exported from the AI tools (time saved: with saved minutes or task baselines).
    UsageLog,
    /// Survey answers.
    Survey,
    /// Improvement proposals.
    Proposals,
    /// Consultations.
    Consultations,
    /// Rule incidents and rule reviews.
    Rules,
    /// Success cases shared.
    SuccessCases,
    /// Training records.
    Trainings,
    /// The organisation and the rollout itself (launch date, score).
    Rollout,
    /// Outcome records (the document's or an outcomes file).
    OutcomeRecords,
}

impl Source {
    /// Where `kpi`'s figures come from, and the role that supplies them.
    pub fn of(kpi: Kpi) -> (Source, Role) {
        match kpi {
            Kpi::SatisfactionMean
            | Kpi::QualityMean
            | Kpi::NonUserShareAnxious
            | Kpi::NonUserShareSkeptical
            | Kpi::NonUserShareUninterested => (Source::Survey, Role::PromotionLead),
            Kpi::ProposalsSubmitted | Kpi::ProposalsImplemented | Kpi::ImplementationRate => {
                (Source::Proposals, Role::Manager)
            }
            Kpi::ConsultationsOpened | Kpi::ConsultationsUnresolved | Kpi::MedianDaysToResolve => {
                (Source::Consultations, Role::Ambassador)
            }
            Kpi::IncidentsLast28Days | Kpi::DaysSinceRuleReview => (Source::Rules, Role::PromotionLead),
            Kpi::SuccessCasesShared | Kpi::SuccessCasesComplete | Kpi::DaysSinceSuccessCase => {
                (Source::SuccessCases, Role::Ambassador)
            }
            Kpi::TrainedShare | Kpi::UntrainedSeniorBeginners => (Source::Trainings, Role::PromotionLead),
            Kpi::DaysSinceLaunch | Kpi::RetentionScore => (Source::Rollout, Role::PromotionLead),
            _ => (Source::UsageLog, Role::PromotionLead),
        }
    }
}

/// The review packs on `as_of`: for every activity that reports measures, one pack per instance
/// of the plan (the organisation's, or each unit's for a per-unit review), each assembled for the
/// review's own scope and period.
///
/// A review's own day `D` is the day it was done (its latest completion in its scope on or
/// before `as_of`, when its instance is done), else the day it is due (else the earliest day it
/// can finish), at the latest `as_of`. The period runs from the day after its completion before
/// `D` in the scope (the launch, before the first) to `D`. Each KPI's value is the scope's figure
/// on `D` and its comparison the scope's figure on the first day of the period; both are withheld
/// where the scope is under the minimum group size on that day. An outcome's value is the
/// scope's latest own record dated in the period (the organisation's, or the unit's), and its
/// comparison that record's baseline, else the latest record before the period; withheld where
/// the scope's figures are on `D`. A withheld measure is never missing.
///
/// `compute` gives the figures of some scopes on a day other than `as_of` (`kpis` is reused for
/// `as_of`; `teichaku_metrics::scope_kpis_with_store` computes them): it is called at most once
/// per distinct day, with every scope asked for on it (return `None` to leave those figures out:
/// the values are then undefined and the comparison not computed).
///
/// ```
/// # fn inputs() -> (teichaku_model::ValidSnapshot, teichaku_metrics::KpiReport, teichaku_rollout::RolloutPlan) { unimplemented!() }
/// # if false {
/// let (snapshot, kpis, plan) = inputs();
/// let packs = teichaku_rollout::review_packs(&snapshot, &kpis, &plan, |_, _| None);
/// if let Some(next) = packs.next_due.and_then(|i| packs.packs.get(i)) {
///     println!("{} in {:?}: {} measures missing", next.activity, next.scope, next.missing);
/// }
/// # }
/// ```
pub fn review_packs(
    snapshot: &ValidSnapshot,
    kpis: &KpiReport,
    plan: &RolloutPlan,
    mut compute: impl FnMut(NaiveDate, &[Scope]) -> Option<Vec<ScopeKpis>>,
) -> ReviewPacks {
    let as_of = kpis.as_of;
    let snapshot = &*snapshot.on(as_of);
    let launch = snapshot.organisation().launch_date;
    // Each review's instances, its scope and its own period, first; the figures they need after,
    // one computation per distinct day.
    struct Held<'a> {
        activity: &'a teichaku_model::Activity,
        scope: Scope,
        status: Status,
        due: Option<NaiveDate>,
        period: Period,
    }
    let mut held: Vec<Held<'_>> = Vec::new();
    for a in snapshot.playbook().activities.iter().filter(|a| !a.reports.is_empty() || !a.reports_outcomes.is_empty()) {
        let instances: Vec<_> = plan.instances.iter().filter(|i| i.key.activity == a.id).collect();
        let per_unit = a.scope == teichaku_model::ActivityScope::PerUnit;
        let shown: Vec<Option<&crate::InstancePlan>> = if per_unit && !instances.is_empty() {
            instances.iter().map(|i| Some(*i)).collect()
        } else {
            vec![instances.iter().find(|i| i.status != Status::Done).or(instances.first()).copied()]
        };
        for instance in shown {
            let unit = instance.and_then(|i| i.key.unit).filter(|_| per_unit);
            // The unit's own completions up to `as_of`, or the organisation's (in any unit or
            // none), in order: one look-up in the snapshot's index, not a pass over every
            // completion (a per-unit review has one instance a unit).
            let days = match unit {
                Some(u) => snapshot.completion_days(&a.id, Some(u)),
                None => snapshot.all_completion_days(&a.id),
            };
            let done = days.get(..days.partition_point(|&d| d <= as_of)).unwrap_or_default();
            let status = instance.map_or(Status::Blocked, |i| i.status);
            let due = instance.map(|i| i.due.unwrap_or(i.earliest_finish));
            let to = match done.last() {
                Some(&last) if status == Status::Done => last,
                _ => due.map_or(as_of, |d| d.min(as_of)),
            };
            let previous = done.iter().rev().find(|&&d| d < to).copied();
            let from = previous.map_or(launch, |d| d + chrono::Days::new(1)).min(to);
            let scope = unit.map_or(Scope::Organisation, Scope::Unit);
            held.push(Held { activity: a, scope, status, due, period: Period { from, to } });
        }
    }
    // The figures of every (day, scope) asked for: `kpis` on `as_of`, one computation a day else.
    let mut asked: BTreeMap<NaiveDate, BTreeSet<Scope>> = BTreeMap::new();
    for h in &held {
        for d in [h.period.to, h.period.from] {
            if d != as_of {
                asked.entry(d).or_default().insert(h.scope.clone());
            }
        }
    }
    let computed: BTreeMap<NaiveDate, Option<Vec<ScopeKpis>>> = asked
        .into_iter()
        .map(|(d, scopes)| {
            let scopes: Vec<Scope> = scopes.into_iter().collect();
            (d, compute(d, &scopes))
        })
        .collect();
    // Each report's scopes by scope (the first of a scope, as a search would find), so a pack
    // finds its figures in one look-up rather than a pass over every scope of the organisation.
    fn by_scope(scopes: &[ScopeKpis]) -> BTreeMap<Scope, &ScopeKpis> {
        let mut index = BTreeMap::new();
        for s in scopes {
            index.entry(s.scope.clone()).or_insert(s);
        }
        index
    }
    let now_index = by_scope(&kpis.scopes);
    let then_index: BTreeMap<NaiveDate, BTreeMap<Scope, &ScopeKpis>> =
        computed.iter().filter_map(|(d, r)| Some((*d, by_scope(r.as_deref()?)))).collect();
    let figures = |d: NaiveDate, scope: &Scope| -> Option<&ScopeKpis> {
        let index = if d == as_of { Some(&now_index) } else { then_index.get(&d) };
        index.and_then(|i| i.get(scope)).copied()
    };
    let mut packs: Vec<ReviewPack> = held
        .into_iter()
        .map(|h| {
            let (period, a) = (h.period, h.activity);
            let now = figures(period.to, &h.scope);
            let then = figures(period.from, &h.scope);
            let kpi_measures = a.reports.iter().map(|&kpi| {
                let value = now.map_or(Figure::Undefined, |s| s.kpi(kpi));
                let comparison = then.map(|s| s.kpi(kpi));
                let (source, role) = Source::of(kpi);
                measure(Measure::Kpi { kpi }, value, comparison, source, role)
            });
            let unit = match h.scope {
                Scope::Unit(u) => Some(u),
                _ => None,
            };
            let shown = now.is_some_and(|s| !matches!(s.figures, Figure::Suppressed));
            let outcome_measures = a.reports_outcomes.iter().map(|outcome| {
                let (value, comparison) = if !shown {
                    (Figure::Suppressed, Some(Figure::Suppressed))
                } else {
                    let latest = snapshot.latest_outcome(outcome, unit, period.to).filter(|r| r.date >= period.from);
                    let before =
                        period.from.pred_opt().and_then(|d| snapshot.latest_outcome(outcome, unit, d)).map(|r| r.value);
                    let value = latest.map_or(Figure::Undefined, |r| Figure::Value(r.value));
                    let comparison =
                        latest.and_then(|r| r.baseline).or(before).map_or(Figure::Undefined, Figure::Value);
                    (value, Some(comparison))
                };
                let role = snapshot.outcome(outcome).map_or(Role::PromotionLead, |o| o.supplied_by);
                measure(Measure::Outcome { outcome: outcome.clone() }, value, comparison, Source::OutcomeRecords, role)
            });
            let measures: Vec<PackMeasure> = kpi_measures.chain(outcome_measures).collect();
            ReviewPack {
                activity: a.id.clone(),
                scope: h.scope,
                owner: a.owner,
                status: h.status,
                due: h.due,
                period,
                compared_with: then.is_some().then_some(period.from),
                missing: measures.iter().filter(|m| m.missing).count() as u32,
                measures,
            }
        })
        .collect();
    packs.shrink_to_fit();
    let next_due = packs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status != Status::Done)
        .min_by_key(|(i, p)| (p.due, *i))
        .map(|(i, _)| i);
    ReviewPacks { packs, next_due }
}

fn measure(
    measure: Measure,
    value: Figure<f64>,
    comparison: Option<Figure<f64>>,
    source: Source,
    role: Role,
) -> PackMeasure {
    let missing = value == Figure::Undefined;
    PackMeasure { measure, value, comparison, source, missing, supplied_by: missing.then_some(role) }
}

/// The outcome's figure in the scope of `figures` (undefined without them): withheld where the
/// scope's figures are.
fn figure_in(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> Figure<f64> {
    match figures {
        Some(s) => {
            let shown = !matches!(s.figures, Figure::Suppressed);
            outcome_figure(snapshot, &s.scope, shown, outcome, measure, as_of)
        }
        None => Figure::Undefined,
    }
}

/// The outcome's value in the scope of `figures`, when there is one and it is shown.
pub(crate) fn outcome_value(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> Option<f64> {
    figure_in(snapshot, figures, outcome, measure, as_of).value().copied()
}

/// A gate's outcome criterion: met or not (never partial credit), and what it observed.
pub(crate) fn outcome_check(
    snapshot: &ValidSnapshot,
    figures: Option<&ScopeKpis>,
    outcome: &OutcomeId,
    op: Comparison,
    threshold: f64,
    measure: OutcomeMeasure,
    as_of: NaiveDate,
) -> (bool, f64, Observed) {
    let figure = figure_in(snapshot, figures, outcome, measure, as_of);
    let withheld = figure == Figure::Suppressed;
    let value = figure.value().copied();
    let met = value.is_some_and(|v| op.holds(v, threshold));
    let observed = Observed::Outcome { outcome: outcome.clone(), measure, value, withheld, op, threshold };
    (met, if met { 1.0 } else { 0.0 }, observed)
}
