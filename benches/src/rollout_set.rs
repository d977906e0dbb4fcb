//! The rollout benchmark set: the bar of `assess` at scale.
//!
//! 100,000 members in 500 units with 10 million usage events (the synthetic generator), a playbook
//! instantiated to 20,026 activity instances, ten waves, and the observations of an organisation
//! three months after launch, part of the way through its rollout:
//!
//! - the playbook is `sme-five-step` with every per-unit activity repeated four times in a chain
//!   (`daily-ai-task`, then `daily-ai-task-r1` after it, and so on, each replica depending on the
//!   replicas of its own dependencies): 26 organisation-wide activities and 40 per unit, so
//!   26 + 40 × 500 = 20,026 instances;
//! - the waves: a pilot of 5 units, then nine waves of 55;
//! - completions: every organisation-wide activity of the first two phases, the per-unit
//!   activities of the first phase in the first three waves, and those of the second phase in the
//!   pilot;
//! - roles: an executive in every 1,000 members, an ambassador in every 50, a promotion lead and
//!   a manager in every unit; trainings for two members in five.

use std::collections::{BTreeMap, BTreeSet};

use teichaku::model::{
    ActivityId, ActivityScope, Completion, DeploymentPattern, Member, MemberId, Observations, Organisation, Playbook,
    Role, Snapshot, TrainingRecord, TrainingTrack, Unit, UnitId, UtcOffset, ValidSnapshot, Wave,
};

use crate::{date, synthetic};

/// Members of the rollout set.
pub const MEMBERS: u32 = 100_000;
/// Units of the rollout set.
pub const UNITS: u16 = 500;
/// How many times each per-unit activity appears in the rollout playbook.
pub const REPLICAS: usize = 4;
/// Units in the pilot wave.
pub const PILOT_UNITS: usize = 5;
/// Units in each later wave.
pub const WAVE_UNITS: usize = 55;

/// The synthetic data of the rollout set: the standard seed, weeks and events over 500 units.
pub fn data() -> synthetic::Dataset {
    synthetic::generate(synthetic::STANDARD_SEED, MEMBERS, UNITS, synthetic::STANDARD_WEEKS, synthetic::STANDARD_EVENTS)
}

/// `playbook` with every per-unit activity repeated `replicas` times in a chain (see the module
/// documentation). The replicas keep their phase, owner, timing and recurrence.
pub fn replicate_per_unit(playbook: &Playbook, replicas: usize) -> Playbook {
    let per_unit: BTreeSet<ActivityId> =
        playbook.activities.iter().filter(|a| a.scope == ActivityScope::PerUnit).map(|a| a.id.clone()).collect();
    let replica_id = |id: &ActivityId, k: usize| -> ActivityId {
        if k == 0 { id.clone() } else { ActivityId::new(&format!("{id}-r{k}")).unwrap_or_else(|_| id.clone()) }
    };
    let mut out = playbook.clone();
    out.activities.clear();
    for activity in &playbook.activities {
        out.activities.push(activity.clone());
        if activity.scope != ActivityScope::PerUnit {
            continue;
        }
        for k in 1..replicas {
            let mut copy = activity.clone();
            copy.id = replica_id(&activity.id, k);
            copy.depends_on = activity
                .depends_on
                .iter()
                .map(|d| if per_unit.contains(d) { replica_id(d, k) } else { d.clone() })
                .chain(std::iter::once(replica_id(&activity.id, k - 1)))
                .collect();
            out.activities.push(copy);
        }
    }
    out
}

/// The rollout set as a validated snapshot, or `None` if it does not validate (a bug in the set).
pub fn snapshot(data: &synthetic::Dataset) -> Option<ValidSnapshot> {
    let unit_id = |u: u32| UnitId::from_u128(u128::from(u) + 1);
    let units: Vec<Unit> = (0..data.units).map(|u| Unit::new(unit_id(u), format!("Unit {u}"))).collect();
    let mut first_in_unit: BTreeMap<u32, usize> = BTreeMap::new();
    for (i, m) in data.members.iter().enumerate() {
        first_in_unit.entry(u32::from(m.unit)).or_insert(i);
    }
    let leads: BTreeSet<usize> = first_in_unit.values().copied().collect();
    let members: Vec<Member> = data
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut roles = BTreeSet::new();
            if i % 1000 == 0 {
                roles.insert(Role::Executive);
            }
            if i % 50 == 1 {
                roles.insert(Role::Ambassador);
            }
            if leads.contains(&i) {
                roles.insert(Role::Manager);
            }
            if i == 1 {
                roles.insert(Role::PromotionLead);
            }
            if roles.is_empty() {
                roles.insert(Role::Staff);
            }
            let mut member = Member::new(
                MemberId::from_u128(1_000_000 + i as u128),
                unit_id(u32::from(m.unit)),
                date(data.first_day - 365),
            );
            member.roles = roles;
            member
        })
        .collect();
    let unit_ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    let mut waves = vec![Wave::new(unit_ids[..PILOT_UNITS.min(unit_ids.len())].iter().copied()).named("pilot")];
    waves.extend(
        unit_ids
            .get(PILOT_UNITS..)
            .unwrap_or_default()
            .chunks(WAVE_UNITS)
            .enumerate()
            .map(|(k, chunk)| Wave::new(chunk.iter().copied()).named(format!("wave {}", k + 1))),
    );

    let catalog = teichaku::Catalog::builtin();
    let id = teichaku::model::PlaybookId::new("sme-five-step").ok()?;
    let playbook = replicate_per_unit(teichaku::model::PlaybookCatalog::playbook(&catalog, &id)?, REPLICAS);
    let mut observations = Observations::new();
    observations.completions = completions(&playbook, &waves, data.first_day);
    observations.trainings = members
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 5 < 2)
        .map(|(i, m)| TrainingRecord::new(m.id, date(data.first_day + 40 + (i % 30) as i32), TrainingTrack::Basics))
        .collect();
    let mut organisation = Organisation::new("Synthetic rollout", UtcOffset::UTC, date(data.first_day))
        .with_deployment_pattern(DeploymentPattern::Hybrid);
    organisation.units = units;
    organisation.members = members;
    organisation.waves = waves;
    teichaku::model::validate(Snapshot { organisation, playbook, observations }).ok()
}

/// Completions three months in: organisation-wide activities of the first two phases, per-unit
/// activities of the first phase in the first three waves and of the second in the pilot, dated
/// two days apart in playbook order from launch.
fn completions(playbook: &Playbook, waves: &[Wave], launch: i32) -> Vec<Completion> {
    let phase_of = |a: &teichaku::model::Activity| playbook.phases.iter().position(|p| p.id == a.phase);
    let mut out = Vec::new();
    for (k, activity) in playbook.activities.iter().enumerate() {
        let day = date(launch + 2 * (k as i32 % 40));
        match (activity.scope, phase_of(activity)) {
            (ActivityScope::Organisation, Some(0 | 1)) => {
                out.push(Completion::new(activity.id.clone(), day));
            }
            (ActivityScope::PerUnit, Some(phase @ (0 | 1))) => {
                let done_waves = if phase == 0 { 3 } else { 1 };
                for unit in waves.iter().take(done_waves).flat_map(|w| &w.units) {
                    out.push(Completion::new(activity.id.clone(), day).in_unit(*unit));
                }
            }
            _ => {}
        }
    }
    out
}
