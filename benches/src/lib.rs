//! Shared pieces of the teichaku benchmarks: the synthetic data set and how teichaku loads it.

pub mod rollout_set;
pub mod scale;
pub mod subjects;
pub mod synthetic;

use teichaku::metrics::{EventStore, EventStoreBuilder};
use teichaku::model::{
    DeploymentPattern, FORMAT_VERSION, Member, MemberChange, MemberId, Observations, Organisation, Role, Snapshot,
    Unit, UnitId, UtcOffset, ValidSnapshot,
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

/// A validated organisation of `n` units of one member each (following `sme-five-step`, no
/// observations) with `n + n / 10` dated changes: member `i` is transferred to unit `i + 1` on
/// day `i % 365` after 2026-01-01, and every tenth member is appointed ambassador on day
/// `(i * 7) % 365`. `None` when it does not validate.
pub fn dated_snapshot(n: usize) -> Option<ValidSnapshot> {
    // 2026-01-01 as a day number since 1970-01-01.
    const START: i32 = 20_454;
    let unit = |i: usize| UnitId::from_u128(1 + (i % n.max(1)) as u128);
    let units: Vec<Unit> = (0..n).map(|i| Unit::new(unit(i), format!("U{i}"))).collect();
    let member = |i: usize| MemberId::from_u128(1_000_000 + i as u128);
    let members: Vec<Member> =
        (0..n).map(|i| Member::new(member(i), unit(i), date(START - 365 * 3)).with_role(Role::Staff)).collect();
    let mut changes = Vec::with_capacity(n + n / 10);
    for i in 0..n {
        changes.push(MemberChange::new(member(i), date(START + (i % 365) as i32)).with_unit(unit(i + 1)));
        if i % 10 == 0 {
            changes.push(
                MemberChange::new(member(i), date(START + ((i * 7) % 365) as i32)).with_added_role(Role::Ambassador),
            );
        }
    }
    let mut organisation =
        Organisation::new("Dated", UtcOffset::UTC, date(START)).with_deployment_pattern(DeploymentPattern::Hybrid);
    organisation.units = units;
    organisation.members = members;
    organisation.changes = changes;
    let catalog = teichaku::Catalog::builtin();
    let id = teichaku::model::PlaybookId::new("sme-five-step").ok()?;
    let playbook = teichaku::model::PlaybookCatalog::playbook(&catalog, &id)?.clone();
    teichaku::model::validate(Snapshot { organisation, playbook, observations: Observations::default() }).ok()
}

/// A plain sequential pass over the event columns the weekly job reads (member, day, minutes),
/// summing them: the memory-bandwidth floor the job is measured against.
pub fn sequential_scan(store: &EventStore) -> u64 {
    store.column_checksum()
}
