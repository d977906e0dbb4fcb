//! Shared pieces of the teichaku benchmarks: the synthetic data set and how teichaku loads it.

pub mod rollout_set;
pub mod scale;
pub mod subjects;
pub mod synthetic;

use teichaku::metrics::{EventStore, EventStoreBuilder};
use teichaku::model::{
    DeploymentPattern, FORMAT_VERSION, Member, MemberId, Observations, Organisation, Role, Snapshot, Unit, UnitId,
    UtcOffset, ValidSnapshot,
};

/// The local date of a day number of the synthetic set (days since 1970-01-01).
pub fn date(day: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_num_days_from_ce_opt(day + 719_163).unwrap_or_default()
}

/// The synthetic events in a teichaku event store (member `i` of the data set is member `i`).
pub fn store(data: &synthetic::Dataset) -> EventStore {
    let members = u32::try_from(data.members.len()).unwrap_or(u32::MAX);
    let mut builder = EventStoreBuilder::with_members(Default::default(), members, UtcOffset::UTC);
    for e in &data.events {
        // Synthetic events belong to the data set's members, so none is refused.
        if builder.push_local(e.member, date(e.day), u32::from(e.minute_of_day) * 60_000, e.minutes_centi).is_err() {
            return EventStore::default();
        }
    }
    builder.finish().unwrap_or_default()
}

/// The synthetic organisation as a validated snapshot following `sme-five-step`: one unit per
/// synthetic unit, members in the same order, present throughout, no observations but usage.
pub fn snapshot(data: &synthetic::Dataset) -> Option<ValidSnapshot> {
    let units: Vec<Unit> =
        (0..data.units).map(|u| Unit::new(UnitId::from_u128(u128::from(u) + 1), format!("Unit {u}"))).collect();
    let members = data
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let role = if i % 1000 == 0 {
                Role::Executive
            } else if i % 50 == 1 {
                Role::Ambassador
            } else {
                Role::Staff
            };
            Member::new(
                MemberId::from_u128(1_000_000 + i as u128),
                UnitId::from_u128(u128::from(m.unit) + 1),
                date(data.first_day - 365),
            )
            .with_role(role)
        })
        .collect();
    let mut organisation = Organisation::new("Synthetic", UtcOffset::UTC, date(data.first_day))
        .with_deployment_pattern(DeploymentPattern::Hybrid);
    organisation.units = units;
    organisation.members = members;
    let catalog = teichaku::Catalog::builtin();
    let id = teichaku::model::PlaybookId::new("sme-five-step").ok()?;
    let playbook = teichaku::model::PlaybookCatalog::playbook(&catalog, &id)?.clone();
    let _ = FORMAT_VERSION;
    teichaku::model::validate(Snapshot { organisation, playbook, observations: Observations::default() }).ok()
}

/// A plain sequential pass over the event columns the weekly job reads (member, day, minutes),
/// summing them: the memory-bandwidth floor the job is measured against.
pub fn sequential_scan(store: &EventStore) -> u64 {
    store.column_checksum()
}
