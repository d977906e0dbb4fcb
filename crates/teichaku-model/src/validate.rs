//! Validation: from a document to a [`ValidSnapshot`], or every problem found.

use std::cell::LazyCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use petgraph::graph::DiGraph;

use crate::error::{KeyHolder, NumberProblem, Record, ValidationError, ValidationErrors};
use crate::{
    ActivityId, ActivityScope, AssessmentDocument, Check, Comparison, Condition, FORMAT_VERSION, HabitRule, KeysIndex,
    KpiTarget, Limit, Limits, MAX_CONDITION_DEPTH, MAX_EVENT_MINUTES, MAX_HOURLY_RATE, MAX_MAGNITUDE,
    MAX_URGENCY_COEFFICIENT, MAX_WEIGHT, MemberChange, MemberId, Observations, Organisation, OutcomeId, OutcomeTarget,
    Playbook, PlaybookCatalog, PlaybookSource, TaskBaseline, UnitId, ValidSnapshot, normalise_key,
};

/// An organisation, the playbook it follows and what was observed, before validation.
///
/// ```
/// use teichaku_model::{Snapshot, validate};
/// # fn get() -> Snapshot { unimplemented!() }
/// # if false {
/// let snapshot: Snapshot = get();
/// let valid = validate(snapshot)?;
/// # }
/// # Ok::<(), teichaku_model::ValidationErrors>(())
/// ```
#[derive(Clone, PartialEq, Debug)]
pub struct Snapshot {
    /// The organisation.
    pub organisation: Organisation,
    /// The playbook it follows.
    pub playbook: Playbook,
    /// What was observed.
    pub observations: Observations,
}

/// Resolves the document's playbook in `catalog` and validates the result.
///
/// # Errors
///
/// Every problem found, as [`validate`] reports them, plus an unknown playbook or document
/// version.
///
/// ```
/// use teichaku_model::{parse_document, validate_document, Playbook, PlaybookCatalog, PlaybookId, ValidationError};
/// struct Empty;
/// impl PlaybookCatalog for Empty {
///     fn playbook(&self, _: &PlaybookId) -> Option<&Playbook> { None }
/// }
/// let doc = parse_document(r#"{ "version": 1,
///   "organisation": { "name": "X", "utc_offset": "Z", "launch_date": "2026-04-01",
///                     "deployment_pattern": "hybrid", "units": [], "members": [] },
///   "playbook": { "builtin": "nowhere" } }"#)?;
/// let errors = validate_document(doc, &Empty).unwrap_err();
/// assert!(matches!(errors.iter().next(), Some(ValidationError::UnknownPlaybook { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_document(
    document: AssessmentDocument,
    catalog: &dyn PlaybookCatalog,
) -> Result<ValidSnapshot, ValidationErrors> {
    validate_document_with_limits(document, catalog, &Limits::DEFAULT)
}

/// Resolves the document's playbook in `catalog` and validates the result within `limits`.
///
/// # Errors
///
/// As [`validate_document`], and [`ValidationError::LimitExceeded`] for every list past `limits`.
pub fn validate_document_with_limits(
    document: AssessmentDocument,
    catalog: &dyn PlaybookCatalog,
    limits: &Limits,
) -> Result<ValidSnapshot, ValidationErrors> {
    if document.version == 0 || document.version > FORMAT_VERSION {
        return Err(vec![ValidationError::UnsupportedVersion {
            record: Record::Document,
            found: document.version,
            supported: FORMAT_VERSION,
        }]
        .into());
    }
    let playbook = match document.playbook {
        PlaybookSource::Inline(playbook) => *playbook,
        PlaybookSource::Builtin(id) => match catalog.playbook(&id) {
            Some(playbook) => playbook.clone(),
            None => return Err(vec![ValidationError::UnknownPlaybook { id }].into()),
        },
    };
    validate_with_limits(
        Snapshot { organisation: document.organisation, playbook, observations: document.observations },
        limits,
    )
}

/// Checks a snapshot: every id unique, every reference resolved, no cycle, every number sensible.
///
/// # Errors
///
/// Every problem found, each naming its record, in the order of the document.
///
/// ```
/// use teichaku_model::{validate, Snapshot, ValidationError};
/// # fn broken() -> Snapshot { unimplemented!() }
/// # if false {
/// match validate(broken()) {
///     Ok(valid) => println!("{} members", valid.organisation().members.len()),
///     Err(errors) => errors.iter().for_each(|e| eprintln!("{e}")),
/// }
/// # }
/// ```
pub fn validate(snapshot: Snapshot) -> Result<ValidSnapshot, ValidationErrors> {
    validate_with_limits(snapshot, &Limits::DEFAULT)
}

/// Checks a snapshot as [`validate`] does, first making sure no list is longer than `limits`
/// allow.
///
/// # Errors
///
/// [`ValidationError::LimitExceeded`] for every list past `limits`, and nothing else: the other
/// checks are skipped, as they would take time in proportion to the oversized lists. Otherwise
/// every problem [`validate`] finds.
///
/// ```
/// use teichaku_model::{Limit, Limits, Record, Snapshot, ValidationError, validate_with_limits};
/// # fn get() -> Snapshot { unimplemented!() }
/// # if false {
/// let snapshot: Snapshot = get(); // with 3 units
/// let errors = validate_with_limits(snapshot, &Limits { max_units: 2, ..Limits::DEFAULT }).unwrap_err();
/// assert_eq!(
///     errors.iter().next(),
///     Some(&ValidationError::LimitExceeded { record: Record::Organisation, what: Limit::Units, limit: 2, found: 3 }),
/// );
/// # }
/// ```
pub fn validate_with_limits(snapshot: Snapshot, limits: &Limits) -> Result<ValidSnapshot, ValidationErrors> {
    let mut errors = Vec::new();
    check_organisation_limits(&snapshot.organisation, limits, &mut errors);
    check_playbook_limits(&snapshot.playbook, snapshot.organisation.units.len(), limits, &mut errors);
    check_observation_limits(&snapshot.observations, limits, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut snapshot = snapshot;
    resolve_keys(&mut snapshot);
    check_keys(&snapshot.organisation, &mut errors);
    check_organisation(&snapshot.organisation, &mut errors);
    check_changes(&snapshot.organisation, &mut errors);
    check_tools(&snapshot.organisation, &mut errors);
    check_playbook_into(&snapshot.playbook, &mut errors);
    check_organisation_measures(&snapshot, &mut errors);
    check_observations(&snapshot, &mut errors);
    if errors.is_empty() { ValidSnapshot::build(snapshot).map_err(Into::into) } else { Err(errors.into()) }
}

/// Checks a playbook on its own, as `teichaku validate` does for a playbook document.
///
/// # Errors
///
/// Every problem found in the playbook.
///
/// ```
/// let playbook = teichaku_model::parse_playbook(r#"{
///   "version": 1, "id": "empty", "revision": 1,
///   "title": { "en": "", "ja": "" }, "summary": { "en": "", "ja": "" },
///   "phases": [], "activities": [] }"#)?;
/// assert!(teichaku_model::validate_playbook(&playbook).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn validate_playbook(playbook: &Playbook) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    // One unit: a playbook on its own instantiates each per-unit activity once.
    check_playbook_limits(playbook, 1, &Limits::DEFAULT, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    check_playbook_into(playbook, &mut errors);
    if errors.is_empty() { Ok(()) } else { Err(errors.into()) }
}

// ---------------------------------------------------------------------------------------------
// Limits

fn over_limit(errors: &mut Vec<ValidationError>, record: &Record, what: Limit, limit: usize, found: usize) {
    if found > limit {
        errors.push(ValidationError::LimitExceeded { record: record.clone(), what, limit, found });
    }
}

fn check_organisation_limits(org: &Organisation, limits: &Limits, errors: &mut Vec<ValidationError>) {
    let record = Record::Organisation;
    over_limit(errors, &record, Limit::Units, limits.max_units, org.units.len());
    over_limit(errors, &record, Limit::Members, limits.max_members, org.members.len());
    over_limit(errors, &record, Limit::Waves, limits.max_waves, org.waves.len());
    over_limit(errors, &record, Limit::TaskBaselines, limits.max_task_baselines, org.task_baselines.len());
    over_limit(errors, &record, Limit::Changes, limits.max_changes, org.changes.len());
    over_limit(errors, &record, Limit::Tools, limits.max_tools, org.tools.len());
    over_limit(errors, &record, Limit::KpiTargets, limits.max_kpi_targets, org.kpi_targets.len());
    over_limit(errors, &record, Limit::KpiTargets, limits.max_kpi_targets, org.outcome_targets.len());
    over_limit(errors, &record, Limit::OutcomeKpis, limits.max_kpi_targets, org.outcomes.len());
}

fn check_playbook_limits(pb: &Playbook, units: usize, limits: &Limits, errors: &mut Vec<ValidationError>) {
    let record = Record::Playbook { id: pb.id.clone() };
    over_limit(errors, &record, Limit::Phases, limits.max_phases, pb.phases.len());
    for (index, phase) in pb.phases.iter().enumerate() {
        let phase_record = Record::Phase { index, id: phase.id.clone() };
        over_limit(errors, &phase_record, Limit::GateCriteria, limits.max_gate_criteria, phase.gate.criteria.len());
    }
    over_limit(errors, &record, Limit::Activities, limits.max_activities, pb.activities.len());
    let per_unit = pb.activities.iter().filter(|a| a.scope == ActivityScope::PerUnit).count();
    let instances = per_unit.saturating_mul(units).saturating_add(pb.activities.len() - per_unit);
    over_limit(errors, &record, Limit::ActivityInstances, limits.max_activity_instances, instances);
    over_limit(errors, &record, Limit::Interventions, limits.max_interventions, pb.interventions.len());
    over_limit(errors, &record, Limit::KpiTargets, limits.max_kpi_targets, pb.kpi_targets.len());
    over_limit(errors, &record, Limit::OutcomeKpis, limits.max_kpi_targets, pb.outcomes.len());
    over_limit(errors, &record, Limit::KpiTargets, limits.max_kpi_targets, pb.outcome_targets.len());
    over_limit(errors, &record, Limit::ScoreComponents, limits.max_score_components, pb.scoring.components.len());
    let absolute = pb.scoring.absolute_conditions.len();
    over_limit(errors, &record, Limit::AbsoluteConditions, limits.max_absolute_conditions, absolute);
    over_limit(errors, &record, Limit::TaskBaselines, limits.max_task_baselines, pb.task_baselines.len());
}

fn check_observation_limits(obs: &Observations, limits: &Limits, errors: &mut Vec<ValidationError>) {
    let record = Record::Observations;
    over_limit(errors, &record, Limit::UsageEvents, limits.max_usage_events, obs.usage.len());
    over_limit(
        errors,
        &record,
        Limit::UsageFiles,
        limits.max_usage_files,
        obs.usage_files.len() + obs.usage_day_files.len() + obs.usage_period_files.len(),
    );
    for (what, found) in [
        (Limit::Completions, obs.completions.len()),
        (Limit::Trainings, obs.trainings.len()),
        (Limit::Surveys, obs.surveys.len()),
        (Limit::Proposals, obs.proposals.len()),
        (Limit::Consultations, obs.consultations.len()),
        (Limit::Incidents, obs.incidents.len()),
        (Limit::RuleReviews, obs.rule_reviews.len()),
        (Limit::SuccessCases, obs.success_cases.len()),
        (Limit::Outcomes, obs.outcomes.len()),
    ] {
        over_limit(errors, &record, what, limits.max_observations, found);
    }
}

// ---------------------------------------------------------------------------------------------
// Keys

/// Rewrites every reference that names a member or unit by one of its own keys (and so arrived
/// as the id derived from that key) to the record's id: a member whose id is a uuid may be named
/// by its employee number, one keyed by employee number by its e-mail address.
fn resolve_keys(snapshot: &mut Snapshot) {
    let keys = &snapshot.organisation.keys;
    if keys.is_empty() {
        return;
    }
    let members = keys.member_aliases();
    let units = keys.unit_aliases();
    let m = |id: &mut MemberId| {
        if let Some(real) = members.get(id) {
            *id = *real;
        }
    };
    let u = |id: &mut UnitId| {
        if let Some(real) = units.get(id) {
            *id = *real;
        }
    };
    let org = &mut snapshot.organisation;
    org.units.iter_mut().filter_map(|x| x.parent.as_mut()).for_each(u);
    org.members.iter_mut().for_each(|x| u(&mut x.unit));
    org.waves.iter_mut().flat_map(|w| w.units.iter_mut()).for_each(u);
    for c in &mut org.changes {
        m(&mut c.member);
        c.unit.iter_mut().for_each(u);
    }
    org.tools.iter_mut().flat_map(|t| t.units.iter_mut()).for_each(u);
    let obs = &mut snapshot.observations;
    for c in &mut obs.completions {
        c.unit.iter_mut().for_each(u);
        c.by.iter_mut().for_each(m);
    }
    obs.usage.iter_mut().for_each(|e| m(&mut e.member));
    obs.trainings.iter_mut().for_each(|t| m(&mut t.member));
    for s in &mut obs.surveys {
        s.member.iter_mut().for_each(m);
        s.unit.iter_mut().for_each(u);
    }
    obs.proposals.iter_mut().for_each(|p| m(&mut p.member));
    for c in &mut obs.consultations {
        m(&mut c.member);
        c.answered_by.iter_mut().for_each(m);
    }
    for i in &mut obs.incidents {
        i.member.iter_mut().for_each(m);
        i.unit.iter_mut().for_each(u);
    }
    obs.rule_reviews.iter_mut().filter_map(|r| r.by.as_mut()).for_each(m);
    obs.success_cases.iter_mut().for_each(|c| m(&mut c.member));
    obs.outcomes.iter_mut().filter_map(|o| o.unit.as_mut()).for_each(u);
}

/// No two members share a key or e-mail address (as compared: an e-mail address without regard
/// to ASCII case), no two units a code, and every key names a record of the organisation.
fn check_keys(org: &Organisation, errors: &mut Vec<ValidationError>) {
    // Which member each keys entry belongs to: the n-th entry of an id to the n-th member with
    // that id (the first when there are more entries than members), found by walking the
    // members and the entries each sorted by id, rather than by a search an entry.
    let mut positions: Vec<(MemberId, usize)> = org.members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    positions.sort_unstable();
    let mut entries: Vec<(MemberId, usize)> = org.keys.members.iter().enumerate().map(|(j, k)| (k.member, j)).collect();
    entries.sort_unstable();
    let mut holder: Vec<Option<usize>> = vec![None; entries.len()];
    let mut at = 0;
    let mut nth = 0;
    for (i, &(id, j)) in entries.iter().enumerate() {
        nth = if i > 0 && entries.get(i - 1).is_some_and(|&(before, _)| before == id) { nth + 1 } else { 0 };
        while positions.get(at).is_some_and(|&(held, _)| held < id) {
            at += 1;
        }
        let held = positions.get(at..).unwrap_or_default();
        let held = held.get(..held.partition_point(|&(h, _)| h == id)).unwrap_or_default();
        if let (Some(&(_, first)), Some(slot)) = (held.first(), holder.get_mut(j)) {
            *slot = Some(held.get(nth).map_or(first, |&(_, p)| p));
        }
    }
    let keys = LazyCell::new(|| org.keys.index());
    let label = |index: usize| {
        let member = org.members.get(index);
        KeyHolder {
            index,
            key: member.and_then(|m| keys.label(m.id)).map(str::to_owned),
            name: member.and_then(|m| m.name.clone()),
        }
    };
    // Members are matched to their keys in order, so two members with one derived id (the same
    // key twice) are both found.
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for (k, index) in org.keys.members.iter().zip(holder) {
        let Some(index) = index else {
            errors.push(ValidationError::UnknownMember { record: Record::Organisation, member: k.member });
            continue;
        };
        let texts: BTreeSet<String> = k.key.iter().chain(&k.email).map(|t| normalise_key(t).into_owned()).collect();
        for text in texts {
            match taken.get(&text) {
                Some(&other) if other != index => errors.push(ValidationError::DuplicateKey {
                    key: text.clone(),
                    first: label(other),
                    second: label(index),
                }),
                Some(_) => {}
                None => {
                    taken.insert(text, index);
                }
            }
        }
    }
    let unit_index: BTreeMap<UnitId, usize> = org.units.iter().enumerate().rev().map(|(i, u)| (u.id, i)).collect();
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for k in &org.keys.units {
        let Some(&index) = unit_index.get(&k.unit) else {
            errors.push(ValidationError::UnknownUnit { record: Record::Organisation, unit: k.unit });
            continue;
        };
        let unit = |i: usize| KeyHolder {
            index: i,
            key: Some(k.code.clone()),
            name: org.units.get(i).map(|u| u.name.clone()),
        };
        match codes.get(k.code.as_str()) {
            // The same unit twice (one code, so one derived id): a repeated id, reported as such.
            Some(&first) if first == index => {}
            Some(&first) => errors.push(ValidationError::DuplicateUnitCode {
                code: k.code.clone(),
                first: unit(first),
                second: unit(index),
            }),
            None => {
                codes.insert(&k.code, index);
            }
        }
    }
}

/// `organisation.members[index]` as a problem names it: by its key (or e-mail address), when it
/// has one, and its name.
fn member_record(keys: &KeysIndex<'_>, index: usize, member: &crate::Member) -> Record {
    let key = keys.label(member.id).map(str::to_owned);
    Record::Member { index, id: member.id, key, name: member.name.clone() }
}

/// `organisation.units[index]` as a problem names it: by its code, when it has one, and its name.
fn unit_record(org: &Organisation, keys: &KeysIndex<'_>, index: usize, id: UnitId) -> Record {
    let code = keys.unit_code(id).map(str::to_owned);
    Record::Unit { index, id, code, name: org.units.get(index).map(|u| u.name.clone()) }
}

/// Whether `id` of the member at `index` is the id derived from its own key, repeated because
/// the key is: [`check_keys`] reports it as a repeated key, by key and name.
fn repeats_derived_id(keys: &KeysIndex<'_>, id: MemberId) -> bool {
    keys.label(id).is_some_and(|key| MemberId::from_key(key) == id)
}

// ---------------------------------------------------------------------------------------------
// Organisation

fn check_organisation(org: &Organisation, errors: &mut Vec<ValidationError>) {
    // The keys by id, made at the first problem that names a record by its key: each look-up in
    // the keys' own lists reads them through, which for a problem a member would take time in
    // the square of the members.
    let keys = LazyCell::new(|| org.keys.index());
    let units = first_positions(org.units.iter().map(|u| u.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: unit_record(org, &keys, index, *id), first_index });
    });
    for (index, unit) in org.units.iter().enumerate() {
        if let Some(parent) = unit.parent {
            if !units.contains_key(&parent) {
                errors.push(ValidationError::UnknownUnit {
                    record: unit_record(org, &keys, index, unit.id),
                    unit: parent,
                });
            }
        }
    }
    for cycle in cycles(
        org.units.len(),
        org.units.iter().enumerate().filter_map(|(child, u)| Some((*units.get(&u.parent?)?, child))),
    ) {
        let mut ids: Vec<UnitId> = cycle.into_iter().filter_map(|i| org.units.get(i)).map(|u| u.id).collect();
        ids.sort();
        errors.push(ValidationError::UnitCycle { units: ids });
    }

    let mut seen: BTreeMap<MemberId, usize> = BTreeMap::new();
    for (index, member) in org.members.iter().enumerate() {
        // Made only for a problem: finding a member's key takes a search.
        let record = || member_record(&keys, index, member);
        if let Some(&first_index) = seen.get(&member.id).filter(|_| !repeats_derived_id(&keys, member.id)) {
            // `first_index` is a position in this same list, so the member is always found.
            let first_unit = org.members.get(first_index).map_or(member.unit, |m| m.unit);
            errors.push(if first_unit == member.unit {
                ValidationError::DuplicateId { record: record(), first_index }
            } else {
                ValidationError::MemberPlacedTwice {
                    member: member.id,
                    first_index,
                    first_unit,
                    second_index: index,
                    second_unit: member.unit,
                }
            });
        } else {
            seen.insert(member.id, index);
        }
        if !units.contains_key(&member.unit) {
            errors.push(ValidationError::UnknownUnit { record: record(), unit: member.unit });
        }
        if let Some(left) = member.left.filter(|&left| left < member.joined) {
            dates_in_order(errors, &record(), ("joined", member.joined), ("left", left));
        }
    }

    let mut waved: BTreeMap<UnitId, usize> = BTreeMap::new();
    for (wave_index, wave) in org.waves.iter().enumerate() {
        for &unit in &wave.units {
            if !units.contains_key(&unit) {
                errors.push(ValidationError::UnknownUnit { record: Record::Wave { index: wave_index }, unit });
            } else if let Some(&first_wave) = waved.get(&unit) {
                errors.push(ValidationError::UnitInTwoWaves { unit, first_wave, second_wave: wave_index });
            } else {
                waved.insert(unit, wave_index);
            }
        }
    }

    check_baselines(&org.task_baselines, errors, |index, task| Record::TaskBaseline { index, task });
    if let Some(rate) = &org.hourly_rate {
        at_most(errors, &Record::HourlyRate, "amount", rate.amount, MAX_HOURLY_RATE);
    }
}

/// Every new tool is named once, comes on or after the launch, and names known units.
fn check_tools(org: &Organisation, errors: &mut Vec<ValidationError>) {
    if org.tools.is_empty() {
        return;
    }
    let units: BTreeSet<UnitId> = org.units.iter().map(|u| u.id).collect();
    // The position of the first tool of each name.
    let mut first: BTreeMap<&crate::ToolId, usize> = BTreeMap::new();
    for (index, t) in org.tools.iter().enumerate() {
        let record = Record::Tool { index, tool: t.tool.clone() };
        if let Some(&first_index) = first.get(&t.tool) {
            errors.push(ValidationError::DuplicateId { record: record.clone(), first_index });
        } else {
            first.insert(&t.tool, index);
        }
        if t.available_from < org.launch_date {
            errors.push(ValidationError::DatesOutOfOrder {
                record: record.clone(),
                field: "available_from",
                date: t.available_from,
                earlier_field: "launch_date",
                earlier: org.launch_date,
            });
        }
        for &unit in t.units.iter().filter(|u| !units.contains(u)) {
            errors.push(ValidationError::UnknownUnit { record: record.clone(), unit });
        }
    }
}

/// Every dated change names a known member and unit, changes something, takes effect while the
/// member belongs to the organisation, removes only roles held and adds only roles not held the
/// day before, and changes no fact that another change of the member changes the same day.
fn check_changes(org: &Organisation, errors: &mut Vec<ValidationError>) {
    if org.changes.is_empty() {
        return;
    }
    let members: BTreeMap<MemberId, usize> = org.members.iter().enumerate().rev().map(|(i, m)| (m.id, i)).collect();
    let units: BTreeSet<UnitId> = org.units.iter().map(|u| u.id).collect();
    let keys: BTreeMap<MemberId, &str> = org
        .keys
        .members
        .iter()
        .rev()
        .filter_map(|k| Some((k.member, k.key.as_deref().or(k.email.as_deref())?)))
        .collect();
    let record = |index: usize, c: &MemberChange| Record::Change {
        number: index + 1,
        member: c.member,
        key: keys.get(&c.member).map(|k| (*k).to_owned()),
        name: members.get(&c.member).and_then(|&i| org.members.get(i)).and_then(|m| m.name.clone()),
    };
    // The changes of each known member in date order, document order within a day.
    let mut timeline: Vec<(usize, NaiveDate, usize)> = Vec::with_capacity(org.changes.len());
    for (index, c) in org.changes.iter().enumerate() {
        let Some(&position) = members.get(&c.member) else {
            errors.push(ValidationError::UnknownMember { record: record(index, c), member: c.member });
            continue;
        };
        if let Some(unit) = c.unit.filter(|u| !units.contains(u)) {
            errors.push(ValidationError::UnknownUnit { record: record(index, c), unit });
        }
        if c.is_empty() {
            errors.push(ValidationError::Empty {
                record: record(index, c),
                what: "a change needs `unit`, `add_roles`, `remove_roles`, `literacy` or `age_band`",
            });
        }
        timeline.push((position, c.on, index));
    }
    timeline.sort_unstable();
    let mut current: Option<(usize, crate::Member)> = None;
    // The facts changed on the day being walked, with the change that changed each first.
    let mut today: BTreeMap<String, usize> = BTreeMap::new();
    let mut day = None;
    for (position, on, index) in timeline {
        let (Some(c), Some(base)) = (org.changes.get(index), org.members.get(position)) else { continue };
        let member = match &mut current {
            Some((p, member)) if *p == position => member,
            _ => {
                today.clear();
                day = None;
                &mut current.insert((position, base.clone())).1
            }
        };
        if day != Some(on) {
            today.clear();
            day = Some(on);
        }
        if on < member.joined || member.left.is_some_and(|left| on >= left) {
            errors.push(ValidationError::ChangeOutsideTenure {
                record: record(index, c),
                on,
                joined: member.joined,
                left: member.left,
            });
        }
        let mut facts: Vec<String> = Vec::new();
        facts.extend(c.unit.map(|_| "unit".to_owned()));
        facts.extend(c.literacy.map(|_| "literacy".to_owned()));
        facts.extend(c.age_band.map(|_| "age_band".to_owned()));
        facts.extend(c.add_roles.iter().chain(&c.remove_roles).map(|r| format!("role {}", r.as_str())));
        for fact in facts {
            match today.get(&fact) {
                Some(&first) => errors.push(ValidationError::ConflictingChanges {
                    record: record(index, c),
                    fact,
                    on,
                    first: first + 1,
                }),
                None => {
                    today.insert(fact, index);
                }
            }
        }
        for &role in &c.remove_roles {
            if !member.roles.contains(&role) && !c.add_roles.contains(&role) {
                errors.push(ValidationError::RoleChange { record: record(index, c), role, on, held: false });
            }
        }
        for &role in &c.add_roles {
            if member.roles.contains(&role) && !c.remove_roles.contains(&role) {
                errors.push(ValidationError::RoleChange { record: record(index, c), role, on, held: true });
            }
        }
        c.apply_to(member);
    }
}

fn check_baselines(
    baselines: &[TaskBaseline],
    errors: &mut Vec<ValidationError>,
    record: impl Fn(usize, crate::TaskCategory) -> Record,
) {
    let _ = first_positions(baselines.iter().map(|b| b.task.clone()), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: record(index, id.clone()), first_index });
    });
    for (index, b) in baselines.iter().enumerate() {
        at_most(errors, &record(index, b.task.clone()), "minutes", b.minutes, MAX_EVENT_MINUTES);
    }
}

// ---------------------------------------------------------------------------------------------
// Playbook

fn check_playbook_into(pb: &Playbook, errors: &mut Vec<ValidationError>) {
    let pb_record = Record::Playbook { id: pb.id.clone() };
    if pb.version == 0 || pb.version > FORMAT_VERSION {
        errors.push(ValidationError::UnsupportedVersion {
            record: pb_record.clone(),
            found: pb.version,
            supported: FORMAT_VERSION,
        });
    }
    if let Some(c) = &pb.cycle {
        if c.max_months < c.min_months || c.min_months == 0 {
            errors.push(ValidationError::InvalidNumber {
                record: pb_record.clone(),
                field: "cycle.max_months",
                value: f64::from(c.max_months),
                problem: NumberProblem::OutOfRange { min: f64::from(c.min_months.max(1)), max: f64::from(u32::MAX) },
            });
        }
    }
    if pb.phases.is_empty() {
        errors.push(ValidationError::Empty { record: pb_record.clone(), what: "a playbook needs at least one phase" });
    }

    let phases = first_positions(pb.phases.iter().map(|p| p.id.clone()), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Phase { index, id: id.clone() }, first_index });
    });
    let activities = first_positions(pb.activities.iter().map(|a| a.id.clone()), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Activity { index, id: id.clone() }, first_index });
    });

    for (index, phase) in pb.phases.iter().enumerate() {
        in_range(errors, &Record::Phase { index, id: phase.id.clone() }, "gate.pass_at", phase.gate.pass_at, 0.0, 1.0);
        let _ = first_positions(phase.gate.criteria.iter().map(|c| c.id.clone()), |index, id, first_index| {
            errors.push(ValidationError::DuplicateId {
                record: Record::Criterion { phase: phase.id.clone(), index, id: id.clone() },
                first_index,
            });
        });
        for (index, c) in phase.gate.criteria.iter().enumerate() {
            let record = Record::Criterion { phase: phase.id.clone(), index, id: c.id.clone() };
            weight(errors, &record, "weight", c.weight);
            match &c.check {
                Check::ActivityDone { activity } => {
                    if !activities.contains_key(activity) {
                        errors.push(ValidationError::UnknownActivity { record, activity: activity.clone() });
                    }
                }
                Check::ActivityRecent { activity, within_days } => {
                    recent(errors, &record, activity, *within_days, pb, &activities);
                }
                Check::Kpi { threshold, .. } => magnitude(errors, &record, "threshold", *threshold),
                Check::RolePresent { .. } => {}
                Check::Outcome { outcome, threshold, .. } => {
                    magnitude(errors, &record, "threshold", *threshold);
                    if pb.outcome(outcome).is_none() {
                        errors.push(ValidationError::UnknownOutcome { record, outcome: outcome.clone() });
                    }
                }
            }
        }
    }

    let _ = first_positions(pb.outcomes.iter().map(|o| o.id.clone()), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::OutcomeKpi { index, id: id.clone() }, first_index });
    });

    for (index, a) in pb.activities.iter().enumerate() {
        let record = Record::Activity { index, id: a.id.clone() };
        for outcome in a.reports_outcomes.iter().filter(|o| pb.outcome(o).is_none()) {
            errors.push(ValidationError::UnknownOutcome { record: record.clone(), outcome: outcome.clone() });
        }
        if !phases.contains_key(&a.phase) {
            errors.push(ValidationError::UnknownPhase { record: record.clone(), phase: a.phase.clone() });
        }
        for dep in a.prerequisites() {
            match activities.get(dep).and_then(|&d| pb.activities.get(d)) {
                None => errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: dep.clone() }),
                Some(dependency) => {
                    let dep_phase = &dependency.phase;
                    if let (Some(mine), Some(theirs)) = (phases.get(&a.phase), phases.get(dep_phase)) {
                        if theirs > mine {
                            errors.push(ValidationError::DependsOnLaterPhase {
                                record: record.clone(),
                                phase: a.phase.clone(),
                                dependency: dep.clone(),
                                dependency_phase: dep_phase.clone(),
                            });
                        }
                    }
                }
            }
        }
        if let Some(r) = &a.recurrence {
            positive(errors, &record, "recurrence.every_days", f64::from(r.every_days));
            if let Some(days) = r.once_retained_every_days {
                positive(errors, &record, "recurrence.once_retained_every_days", f64::from(days));
            }
        }
        if let Some(t) = &a.timing {
            if let Some(due) = t.due_within_days {
                if due < t.not_before_days {
                    errors.push(ValidationError::InvalidNumber {
                        record: record.clone(),
                        field: "timing.due_within_days",
                        value: f64::from(due),
                        problem: NumberProblem::OutOfRange {
                            min: f64::from(t.not_before_days),
                            max: f64::from(u32::MAX),
                        },
                    });
                }
            }
        }
    }
    let edges = pb.activities.iter().enumerate().flat_map(|(i, a)| {
        a.prerequisites().into_iter().filter_map(|dep| activities.get(dep).map(|&d| (d, i))).collect::<Vec<_>>()
    });
    for cycle in cycles(pb.activities.len(), edges) {
        let mut ids: Vec<_> = cycle.into_iter().filter_map(|i| pb.activities.get(i)).map(|a| a.id.clone()).collect();
        ids.sort();
        errors.push(ValidationError::DependencyCycle { activities: ids });
    }

    for (index, t) in pb.kpi_targets.iter().enumerate() {
        magnitude(errors, &Record::KpiTarget { index }, "value", t.value);
        if let Some(activity) = t.after.as_ref().filter(|a| !activities.contains_key(*a)) {
            errors.push(ValidationError::UnknownActivity {
                record: Record::KpiTarget { index },
                activity: activity.clone(),
            });
        }
    }
    for (index, t) in pb.outcome_targets.iter().enumerate() {
        let record = Record::OutcomeTarget { index, outcome: t.outcome.clone() };
        magnitude(errors, &record, "value", t.value);
        if let Some(activity) = t.after.as_ref().filter(|a| !activities.contains_key(*a)) {
            errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: activity.clone() });
        }
        if pb.outcome(&t.outcome).is_none() {
            errors.push(ValidationError::UnknownOutcome { record, outcome: t.outcome.clone() });
        }
    }

    let _ = first_positions(pb.interventions.iter().map(|i| i.id.clone()), |index, id, first_index| {
        errors
            .push(ValidationError::DuplicateId { record: Record::Intervention { index, id: id.clone() }, first_index });
    });
    for (index, i) in pb.interventions.iter().enumerate() {
        let record = Record::Intervention { index, id: i.id.clone() };
        check_condition(&i.when, &record, pb, &activities, errors);
        in_range(errors, &record, "severity", i.severity, 0.0, 1.0);
        if let Some(activity) = &i.activity {
            if !activities.contains_key(activity) {
                errors.push(ValidationError::UnknownActivity { record, activity: activity.clone() });
            }
        }
    }

    let m = &pb.metrics;
    match m.habit {
        HabitRule::DaysInWindow { days, window } => {
            in_range(errors, &Record::MetricSettings, "habit.window", f64::from(window), 1.0, 366.0);
            in_range(errors, &Record::MetricSettings, "habit.days", f64::from(days), 1.0, f64::from(window.max(1)));
        }
        HabitRule::WeeksInWindow { weeks, window } => {
            in_range(errors, &Record::MetricSettings, "habit.window", f64::from(window), 1.0, 53.0);
            in_range(errors, &Record::MetricSettings, "habit.weeks", f64::from(weeks), 1.0, f64::from(window.max(1)));
        }
    }
    positive(errors, &Record::MetricSettings, "min_group_size", f64::from(m.min_group_size));
    positive(errors, &Record::MetricSettings, "lapsed_after_days", f64::from(m.lapsed_after_days));

    let s = &pb.scoring;
    let uses_score = |c: &Condition| {
        let mut found = false;
        c.walk(&mut |n| found |= matches!(n, Condition::Compare { kpi: crate::Kpi::RetentionScore, .. }));
        found
    };
    for (index, c) in s.components.iter().enumerate() {
        let record = Record::ScoreComponent { index };
        if c.kpi == crate::Kpi::RetentionScore {
            errors.push(ValidationError::CircularScore { record: record.clone() });
        }
        weight(errors, &record, "weight", c.weight);
        match c.op {
            crate::Comparison::AtLeast => positive(errors, &record, "target", c.target),
            crate::Comparison::AtMost => non_negative(errors, &record, "target", c.target),
        }
        if c.target.is_finite() && c.target > MAX_MAGNITUDE {
            in_range(errors, &record, "target", c.target, 0.0, MAX_MAGNITUDE);
        }
    }
    let _ = first_positions(s.absolute_conditions.iter().map(|c| c.id.clone()), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId {
            record: Record::AbsoluteCondition { index, id: id.clone() },
            first_index,
        });
    });
    for (index, c) in s.absolute_conditions.iter().enumerate() {
        let record = Record::AbsoluteCondition { index, id: c.id.clone() };
        if uses_score(&c.when) {
            errors.push(ValidationError::CircularScore { record: record.clone() });
        }
        check_condition(&c.when, &record, pb, &activities, errors);
    }
    in_range(errors, &Record::ScoringModel, "cap_without_absolute", s.cap_without_absolute, 0.0, 100.0);
    in_range(errors, &Record::ScoringModel, "failing.below", s.failing.below, 0.0, 1.0);

    let u = &pb.urgency;
    for (field, value) in [
        ("overdue_per_day", u.overdue_per_day),
        ("blocking_per_instance", u.blocking_per_instance),
        ("gate_weight", u.gate_weight),
        ("kpi_severity", u.kpi_severity),
        ("phase_distance", u.phase_distance),
        ("barrier_point", u.barrier_point),
        ("overdue_base", u.overdue_base),
        ("wave_unblocking", u.wave_unblocking),
        ("barrier_work", u.barrier_work),
        ("recurrence_due", u.recurrence_due),
        ("target_missed", u.target_missed),
        ("late_round", u.late_round),
        ("catch_up", u.catch_up),
        ("lapsing", u.lapsing),
    ] {
        at_most(errors, &Record::Urgency, field, value, MAX_URGENCY_COEFFICIENT);
    }

    check_baselines(&pb.task_baselines, errors, |index, task| Record::PlaybookTaskBaseline { index, task });
}

fn check_condition(
    condition: &Condition,
    record: &Record,
    pb: &Playbook,
    activities: &BTreeMap<crate::ActivityId, usize>,
    errors: &mut Vec<ValidationError>,
) {
    let depth = condition.depth();
    if depth > MAX_CONDITION_DEPTH {
        errors.push(ValidationError::ConditionTooDeep { record: record.clone(), depth, limit: MAX_CONDITION_DEPTH });
        return;
    }
    condition.walk(&mut |c| match c {
        Condition::Compare { value, .. } | Condition::RoleCount { value, .. } => {
            magnitude(errors, record, "value", *value)
        }
        Condition::ActivityDone { activity } if !activities.contains_key(activity) => {
            errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: activity.clone() });
        }
        Condition::ActivityRecent { activity, within_days } => {
            recent(errors, record, activity, *within_days, pb, activities);
        }
        Condition::Outcome { outcome, value, .. } => {
            magnitude(errors, record, "value", *value);
            if pb.outcome(outcome).is_none() {
                errors.push(ValidationError::UnknownOutcome { record: record.clone(), outcome: outcome.clone() });
            }
        }
        _ => {}
    });
}

/// An `activity_recent` check or condition: a known, organisation-wide activity, at least a day.
fn recent(
    errors: &mut Vec<ValidationError>,
    record: &Record,
    activity: &crate::ActivityId,
    within_days: u32,
    pb: &Playbook,
    activities: &BTreeMap<crate::ActivityId, usize>,
) {
    match activities.get(activity).and_then(|&i| pb.activities.get(i)) {
        None => errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: activity.clone() }),
        Some(a) if a.scope == ActivityScope::PerUnit => {
            errors.push(ValidationError::RecentPerUnit { record: record.clone(), activity: activity.clone() })
        }
        Some(_) => {}
    }
    if within_days == 0 {
        in_range(errors, record, "within_days", 0.0, 1.0, f64::from(u32::MAX));
    }
}

// ---------------------------------------------------------------------------------------------
// Observations

/// The organisation's own outcome KPIs and targets: each checked as the playbook's are, an
/// outcome id the playbook declares too refused (`OutcomeDeclaredTwice`), and a target repeating
/// another's measure, direction, due day, anchor and scope refused (`TargetDeclaredTwice`).
fn check_organisation_measures(snapshot: &Snapshot, errors: &mut Vec<ValidationError>) {
    let org = &snapshot.organisation;
    let pb = &snapshot.playbook;
    let activities: BTreeSet<&ActivityId> = pb.activities.iter().map(|a| &a.id).collect();
    let _ = first_positions(org.outcomes.iter().map(|o| o.id.clone()), |index, id, first_index| {
        let record = Record::OrganisationOutcomeKpi { index, id: id.clone() };
        errors.push(ValidationError::DuplicateId { record, first_index });
    });
    for (index, o) in org.outcomes.iter().enumerate() {
        if pb.outcome(&o.id).is_some() {
            let record = Record::OrganisationOutcomeKpi { index, id: o.id.clone() };
            errors.push(ValidationError::OutcomeDeclaredTwice { record, outcome: o.id.clone() });
        }
    }
    let declared = |id: &OutcomeId| pb.outcome(id).is_some() || org.outcomes.iter().any(|o| &o.id == id);
    let mut seen: BTreeMap<TargetKey, Record> = BTreeMap::new();
    for (index, t) in pb.kpi_targets.iter().enumerate() {
        seen.entry(TargetKey::of_kpi(t)).or_insert(Record::KpiTarget { index });
    }
    for (index, t) in pb.outcome_targets.iter().enumerate() {
        seen.entry(TargetKey::of_outcome(t)).or_insert(Record::OutcomeTarget { index, outcome: t.outcome.clone() });
    }
    let mut check = |errors: &mut Vec<ValidationError>, record: Record, key: TargetKey, value: f64| {
        magnitude(errors, &record, "value", value);
        if let Some(activity) = key.after.as_ref().filter(|a| !activities.contains(a)) {
            errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: activity.clone() });
        }
        match seen.get(&key) {
            Some(other) => errors.push(ValidationError::TargetDeclaredTwice { record, other: other.clone() }),
            None => {
                seen.insert(key, record);
            }
        }
    };
    for (index, t) in org.kpi_targets.iter().enumerate() {
        check(errors, Record::OrganisationKpiTarget { index }, TargetKey::of_kpi(t), t.value);
    }
    for (index, t) in org.outcome_targets.iter().enumerate() {
        let record = Record::OrganisationOutcomeTarget { index, outcome: t.outcome.clone() };
        if !declared(&t.outcome) {
            errors.push(ValidationError::UnknownOutcome { record: record.clone(), outcome: t.outcome.clone() });
        }
        check(errors, record, TargetKey::of_outcome(t), t.value);
    }
}

/// What makes two targets the same: what they measure (a KPI by its name, an outcome by its id
/// and measure), their direction, due day, anchor and scope.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct TargetKey {
    measure: String,
    at_most: bool,
    by_day: Option<u32>,
    after: Option<ActivityId>,
    scope: ActivityScope,
}

impl TargetKey {
    fn of_kpi(t: &KpiTarget) -> Self {
        let (at_most, by_day, after, scope) = (t.op == Comparison::AtMost, t.by_day, t.after.clone(), t.scope);
        TargetKey { measure: t.kpi.name().to_owned(), at_most, by_day, after, scope }
    }

    fn of_outcome(t: &OutcomeTarget) -> Self {
        let measure = if t.measure.is_value() { "" } else { "/change_from_baseline" };
        let (at_most, by_day, after, scope) = (t.op == Comparison::AtMost, t.by_day, t.after.clone(), t.scope);
        TargetKey { measure: format!("{}{measure}", t.outcome), at_most, by_day, after, scope }
    }
}

fn check_observations(snapshot: &Snapshot, errors: &mut Vec<ValidationError>) {
    let org = &snapshot.organisation;
    let pb = &snapshot.playbook;
    let obs = &snapshot.observations;
    let units: BTreeSet<UnitId> = org.units.iter().map(|u| u.id).collect();
    let members: BTreeSet<MemberId> = org.members.iter().map(|m| m.id).collect();
    // A repeated activity id is reported on its own (`DuplicateId`); observations resolve to the
    // first activity with the id, as the playbook checks do.
    let mut activities: BTreeMap<_, _> = BTreeMap::new();
    for a in &pb.activities {
        activities.entry(&a.id).or_insert(a);
    }

    let member_known = |errors: &mut Vec<ValidationError>, record: &Record, member: MemberId| {
        if !members.contains(&member) {
            errors.push(ValidationError::UnknownMember { record: record.clone(), member });
        }
    };
    let unit_known = |errors: &mut Vec<ValidationError>, record: &Record, unit: UnitId| {
        if !units.contains(&unit) {
            errors.push(ValidationError::UnknownUnit { record: record.clone(), unit });
        }
    };

    for (index, c) in obs.completions.iter().enumerate() {
        let record = Record::Completion { index, activity: c.activity.clone() };
        match activities.get(&c.activity) {
            None => {
                errors.push(ValidationError::UnknownActivity { record: record.clone(), activity: c.activity.clone() })
            }
            Some(a) => {
                if (a.scope == ActivityScope::PerUnit) != c.unit.is_some() {
                    errors.push(ValidationError::CompletionScope {
                        record: record.clone(),
                        activity: c.activity.clone(),
                        scope: a.scope,
                    });
                }
            }
        }
        if let Some(unit) = c.unit {
            unit_known(errors, &record, unit);
        }
        if let Some(by) = c.by {
            member_known(errors, &record, by);
        }
    }

    for (index, e) in obs.usage.iter().enumerate() {
        let record = Record::UsageEvent { index, member: e.member };
        member_known(errors, &record, e.member);
        if e.at.resolve(org.utc_offset).is_err() {
            errors.push(ValidationError::UnreadableTimestamp {
                record: record.clone(),
                text: e.at.as_str().chars().take(64).collect(),
            });
        }
        at_most(errors, &record, "minutes", e.minutes, MAX_EVENT_MINUTES);
        if let Some(saved) = e.saved_minutes {
            at_most(errors, &record, "saved_minutes", saved, MAX_EVENT_MINUTES);
        }
    }

    for (index, t) in obs.trainings.iter().enumerate() {
        let record = Record::Training { index, member: t.member };
        member_known(errors, &record, t.member);
        if let Some(activity) = &t.activity {
            if !activities.contains_key(activity) {
                errors.push(ValidationError::UnknownActivity { record, activity: activity.clone() });
            }
        }
    }

    let _ = first_positions(obs.surveys.iter().map(|s| s.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Survey { index, id: *id }, first_index });
    });
    for (index, s) in obs.surveys.iter().enumerate() {
        let record = Record::Survey { index, id: s.id };
        if let Some(member) = s.member {
            member_known(errors, &record, member);
        }
        if let Some(unit) = s.unit {
            unit_known(errors, &record, unit);
        }
        let mut answers = vec![("satisfaction", s.satisfaction), ("quality", s.quality)];
        if let Some(a) = &s.adkar {
            answers.extend([
                ("adkar.awareness", Some(a.awareness)),
                ("adkar.desire", Some(a.desire)),
                ("adkar.knowledge", Some(a.knowledge)),
                ("adkar.ability", Some(a.ability)),
                ("adkar.reinforcement", Some(a.reinforcement)),
            ]);
        }
        for (field, value) in answers {
            if let Some(value) = value.filter(|v| !(1..=5).contains(v)) {
                errors.push(ValidationError::SurveyAnswerOutOfRange {
                    record: record.clone(),
                    field,
                    value,
                    min: 1,
                    max: 5,
                });
            }
        }
    }

    let _ = first_positions(obs.proposals.iter().map(|p| p.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Proposal { index, id: *id }, first_index });
    });
    for (index, p) in obs.proposals.iter().enumerate() {
        let record = Record::Proposal { index, id: p.id };
        member_known(errors, &record, p.member);
        if let Some(implemented) = p.implemented {
            dates_in_order(errors, &record, ("submitted", p.submitted), ("implemented", implemented));
        }
    }

    let _ = first_positions(obs.consultations.iter().map(|c| c.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Consultation { index, id: *id }, first_index });
    });
    for (index, c) in obs.consultations.iter().enumerate() {
        let record = Record::Consultation { index, id: c.id };
        member_known(errors, &record, c.member);
        if let Some(by) = c.answered_by {
            member_known(errors, &record, by);
        }
        if let Some(resolved) = c.resolved {
            dates_in_order(errors, &record, ("opened", c.opened), ("resolved", resolved));
        }
    }

    let _ = first_positions(obs.incidents.iter().map(|i| i.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::Incident { index, id: *id }, first_index });
    });
    for (index, i) in obs.incidents.iter().enumerate() {
        let record = Record::Incident { index, id: i.id };
        if let Some(member) = i.member {
            member_known(errors, &record, member);
        }
        if let Some(unit) = i.unit {
            unit_known(errors, &record, unit);
        }
    }

    let _ = first_positions(obs.rule_reviews.iter().map(|r| r.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::RuleReview { index, id: *id }, first_index });
    });
    for (index, r) in obs.rule_reviews.iter().enumerate() {
        if let Some(by) = r.by {
            member_known(errors, &Record::RuleReview { index, id: r.id }, by);
        }
    }

    let _ = first_positions(obs.success_cases.iter().map(|s| s.id), |index, id, first_index| {
        errors.push(ValidationError::DuplicateId { record: Record::SuccessCase { index, id: *id }, first_index });
    });
    for (index, s) in obs.success_cases.iter().enumerate() {
        member_known(errors, &Record::SuccessCase { index, id: s.id }, s.member);
    }

    for (index, o) in obs.outcomes.iter().enumerate() {
        let record = Record::Outcome { index, outcome: o.outcome.clone() };
        let declared = pb.outcome(&o.outcome).or_else(|| org.outcomes.iter().find(|d| d.id == o.outcome));
        match declared {
            None => errors.push(ValidationError::UnknownOutcome { record: record.clone(), outcome: o.outcome.clone() }),
            Some(declared) => {
                if let Some(found) = o.measured_in.as_ref().filter(|m| **m != declared.measured_in) {
                    errors.push(ValidationError::OutcomeUnitMismatch {
                        record: record.clone(),
                        outcome: o.outcome.clone(),
                        declared: declared.measured_in.clone(),
                        found: found.clone(),
                    });
                }
            }
        }
        if let Some(unit) = o.unit {
            unit_known(errors, &record, unit);
        }
        if let Some(from) = o.from.filter(|from| *from > o.date) {
            errors.push(ValidationError::DatesOutOfOrder {
                record: record.clone(),
                field: "date",
                date: o.date,
                earlier_field: "from",
                earlier: from,
            });
        }
        magnitude(errors, &record, "value", o.value);
        if let Some(baseline) = o.baseline {
            magnitude(errors, &record, "baseline", baseline);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// Maps each id to the position of its first record, calling `duplicate(index, id, first_index)` for
/// every later record that repeats one.
fn first_positions<K: Ord>(
    ids: impl Iterator<Item = K>,
    mut duplicate: impl FnMut(usize, &K, usize),
) -> BTreeMap<K, usize> {
    let mut first = BTreeMap::new();
    for (index, id) in ids.enumerate() {
        match first.entry(id) {
            std::collections::btree_map::Entry::Occupied(e) => duplicate(index, e.key(), *e.get()),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(index);
            }
        }
    }
    first
}

/// The node sets of every cycle among `n` nodes joined by `edges`: strongly connected components
/// of two or more nodes, and nodes with an edge to themselves; ordered by their smallest node.
///
/// Kosaraju's algorithm, whose depth-first searches keep their own stacks: a chain as long as
/// the limits allow (100,000 units, 10,000 activities) is searched from any thread, where the
/// recursive Tarjan search overflowed a small stack.
pub(crate) fn cycles(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut graph = DiGraph::<(), ()>::with_capacity(n, 0);
    let nodes: Vec<_> = (0..n).map(|_| graph.add_node(())).collect();
    let mut self_loops = BTreeSet::new();
    for (from, to) in edges {
        if from == to {
            self_loops.insert(from);
        }
        if let (Some(&a), Some(&b)) = (nodes.get(from), nodes.get(to)) {
            graph.add_edge(a, b, ());
        }
    }
    let mut found: Vec<Vec<usize>> = petgraph::algo::kosaraju_scc(&graph)
        .into_iter()
        .map(|scc| {
            let mut scc: Vec<usize> = scc.into_iter().map(|i| i.index()).collect();
            scc.sort_unstable();
            scc
        })
        .filter(|scc| scc.len() > 1 || scc.first().is_some_and(|i| self_loops.contains(i)))
        .collect();
    found.sort();
    found
}

fn dates_in_order(
    errors: &mut Vec<ValidationError>,
    record: &Record,
    earlier: (&'static str, NaiveDate),
    later: (&'static str, NaiveDate),
) {
    if later.1 < earlier.1 {
        errors.push(ValidationError::DatesOutOfOrder {
            record: record.clone(),
            field: later.0,
            date: later.1,
            earlier_field: earlier.0,
            earlier: earlier.1,
        });
    }
}

fn number_problem(
    errors: &mut Vec<ValidationError>,
    record: &Record,
    field: &'static str,
    value: f64,
    problem: Option<NumberProblem>,
) {
    if let Some(problem) = problem {
        errors.push(ValidationError::InvalidNumber { record: record.clone(), field, value, problem });
    }
}

/// A threshold, target or compared value: finite and within ±[`MAX_MAGNITUDE`].
fn magnitude(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64) {
    in_range(errors, record, field, value, -MAX_MAGNITUDE, MAX_MAGNITUDE);
}

/// From 0 to `max`: a negative value is [`NumberProblem::Negative`], a larger one out of range.
fn at_most(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64, max: f64) {
    non_negative(errors, record, field, value);
    if value.is_finite() && value > max {
        in_range(errors, record, field, value, 0.0, max);
    }
}

/// A weight: above 0 and at most [`MAX_WEIGHT`].
fn weight(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64) {
    positive(errors, record, field, value);
    if value.is_finite() && value > MAX_WEIGHT {
        in_range(errors, record, field, value, 0.0, MAX_WEIGHT);
    }
}

fn non_negative(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64) {
    let problem = if !value.is_finite() {
        Some(NumberProblem::NotFinite)
    } else if value < 0.0 {
        Some(NumberProblem::Negative)
    } else {
        None
    };
    number_problem(errors, record, field, value, problem);
}

fn positive(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64) {
    let problem = if !value.is_finite() {
        Some(NumberProblem::NotFinite)
    } else if value <= 0.0 {
        Some(NumberProblem::NotPositive)
    } else {
        None
    };
    number_problem(errors, record, field, value, problem);
}

fn in_range(errors: &mut Vec<ValidationError>, record: &Record, field: &'static str, value: f64, min: f64, max: f64) {
    let problem = if !value.is_finite() {
        Some(NumberProblem::NotFinite)
    } else if !(min..=max).contains(&value) {
        Some(NumberProblem::OutOfRange { min, max })
    } else {
        None
    };
    number_problem(errors, record, field, value, problem);
}
