//! Outcome KPIs in gates and conditions, and the review packs: what each review activity
//! reports, assembled for its period and scope.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use teichaku_metrics::{Figure, KpiReport, Scope, ScopeKpis, outcome_figure};
use teichaku_model::{ActivityId, Comparison, Kpi, OutcomeId, OutcomeMeasure, OutcomeRecord, Role, ValidSnapshot};

use crate::{Observed, RolloutPlan, Status};

/// The review packs of a rollout: one for every activity that reports measures (its `reports`
/// KPIs and `reports_outcomes`), in playbook order, and which is due next.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewPacks {
    /// The packs, in the playbook's activity order.
    pub packs: Vec<ReviewPack>,
    /// The position in `packs` of the next review due: the open one due (or able to finish)
    /// first, ties by playbook order; `None` when every review is done.
    pub next_due: Option<usize>,
}

/// What one review reports, assembled for its period in the organisation: each measure's value
/// at the end of the period, its value at the start (for the next review due), what is missing
/// and who must supply it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewPack {
    /// The review activity.
    pub activity: ActivityId,
    /// The role that owns the review.
    pub owner: Role,
    /// Where the review stands (its organisation instance, or its first open unit instance).
    pub status: Status,
    /// The day it is due, when its timing sets one, or else the earliest day it can finish.
    pub due: Option<NaiveDate>,
    /// The period reviewed: from the review's previous completion (or the launch) to `as_of`.
    pub period: Period,
    /// The day the comparison figures are taken on (the start of the period), when they were
    /// computed (for the next review due).
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
    /// Its value at the end of the period: a number, undefined (missing) or withheld.
    pub value: Figure<f64>,
    /// Its value to compare with: the KPI at the start of the period, or the outcome record's
    /// baseline (else the latest record before the period); `None` when not computed.
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

/// The review packs on `as_of`: for every activity that reports measures, its measures in the
/// organisation over the period from its previous completion (or the launch) to `as_of`.
///
/// `compare` computes the KPIs on another day; it is called once, for the next review due, with
/// the first day of its period, and its organisation figures become that pack's comparison
/// (return `None` to skip it). An outcome's value is its latest organisation-wide record dated in
/// the period; its comparison the record's baseline, else the latest record before the period.
/// A measure of a withheld organisation is withheld, never missing.
///
/// ```
/// # fn inputs() -> (teichaku_model::ValidSnapshot, teichaku_metrics::KpiReport, teichaku_rollout::RolloutPlan) { unimplemented!() }
/// # if false {
/// let (snapshot, kpis, plan) = inputs();
/// let packs = teichaku_rollout::review_packs(&snapshot, &kpis, &plan, |_| None);
/// if let Some(next) = packs.next_due.and_then(|i| packs.packs.get(i)) {
///     println!("{}: {} measures missing", next.activity, next.missing);
/// }
/// # }
/// ```
pub fn review_packs(
    snapshot: &ValidSnapshot,
    kpis: &KpiReport,
    plan: &RolloutPlan,
    mut compare: impl FnMut(NaiveDate) -> Option<KpiReport>,
) -> ReviewPacks {
    let as_of = kpis.as_of;
    let snapshot = &*snapshot.on(as_of);
    let org = kpis.scopes.iter().find(|s| s.scope == Scope::Organisation);
    let launch = snapshot.organisation().launch_date;
    let mut packs: Vec<ReviewPack> = snapshot
        .playbook()
        .activities
        .iter()
        .filter(|a| !a.reports.is_empty() || !a.reports_outcomes.is_empty())
        .map(|a| {
            let instances: Vec<_> = plan.instances.iter().filter(|i| i.key.activity == a.id).collect();
            let open = instances.iter().find(|i| i.status != Status::Done);
            let shown = open.or(instances.first());
            let last_done = snapshot
                .observations()
                .completions
                .iter()
                .filter(|c| c.activity == a.id && c.date <= as_of)
                .map(|c| c.date)
                .max();
            let from = last_done.map_or(launch, |d| d + chrono::Days::new(1)).min(as_of);
            let period = Period { from, to: as_of };
            let kpi_measures = a.reports.iter().map(|&kpi| {
                let value = org.map_or(Figure::Undefined, |s| s.kpi(kpi));
                let (source, role) = Source::of(kpi);
                measure(Measure::Kpi { kpi }, value, None, source, role)
            });
            let outcome_measures = a.reports_outcomes.iter().map(|outcome| {
                let shown = org.is_some_and(|s| !matches!(s.figures, Figure::Suppressed));
                let records = &snapshot.observations().outcomes;
                let latest = records_in(records, outcome, period);
                let (value, comparison) = if !shown {
                    (Figure::Suppressed, Some(Figure::Suppressed))
                } else {
                    let before = |to: NaiveDate| {
                        teichaku_model::latest_outcome(records, outcome, None, to).filter(|r| r.date < period.from)
                    };
                    let value = latest.map_or(Figure::Undefined, |r| Figure::Value(r.value));
                    let comparison = latest
                        .and_then(|r| r.baseline)
                        .or_else(|| period.from.pred_opt().and_then(before).map(|r| r.value))
                        .map_or(Figure::Undefined, Figure::Value);
                    (value, Some(comparison))
                };
                let role = snapshot.outcome(outcome).map_or(Role::PromotionLead, |o| o.supplied_by);
                measure(Measure::Outcome { outcome: outcome.clone() }, value, comparison, Source::OutcomeRecords, role)
            });
            let measures: Vec<PackMeasure> = kpi_measures.chain(outcome_measures).collect();
            ReviewPack {
                activity: a.id.clone(),
                owner: a.owner,
                status: shown.map_or(Status::Blocked, |i| i.status),
                due: shown.map(|i| i.due.unwrap_or(i.earliest_finish)),
                period,
                compared_with: None,
                missing: measures.iter().filter(|m| m.missing).count() as u32,
                measures,
            }
        })
        .collect();
    let next_due = packs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status != Status::Done)
        .min_by_key(|(i, p)| (p.due, *i))
        .map(|(i, _)| i);
    if let Some(pack) = next_due.and_then(|i| packs.get_mut(i)) {
        if let Some(then) = compare(pack.period.from) {
            let org_then = then.scopes.iter().find(|s| s.scope == Scope::Organisation);
            for m in &mut pack.measures {
                if let Measure::Kpi { kpi } = m.measure {
                    m.comparison = Some(org_then.map_or(Figure::Undefined, |s| s.kpi(kpi)));
                }
            }
            pack.compared_with = Some(pack.period.from);
        }
    }
    ReviewPacks { packs, next_due }
}

/// The latest organisation-wide record of `outcome` dated in `period`.
fn records_in<'a>(records: &'a [OutcomeRecord], outcome: &OutcomeId, period: Period) -> Option<&'a OutcomeRecord> {
    teichaku_model::latest_outcome(records, outcome, None, period.to).filter(|r| r.date >= period.from)
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
