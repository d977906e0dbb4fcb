//! `scope_kpis_with_store`: the figures of some units, reading only the usage of their members and
//! of the executives, are the figures the whole report gives those units, on organisations of
//! nested units whose members join, leave, move and change roles, at every minimum group size.

use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{EventStore, Figure, KpiOptions, Scope, kpis_with_store, scope_kpis_with_store};
use teichaku::model::{HabitRule, Kpi};

use crate::support::{load, small};

pub(crate) fn uuid(n: u128) -> String {
    format!("00000000-0000-0000-0000-{n:012x}")
}

pub(crate) fn date(day: u32) -> String {
    (chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day))).to_string()
}

/// A member: unit, role (0 staff, 1 manager, 2 executive, 3 ambassador), the day joined and the
/// days after it they left, and the days (from 2026-03-01) they used AI.
pub(crate) type MemberSpec = (usize, u8, u32, Option<u32>, Vec<u8>);

/// A dated change: member, day (within the member's tenure, modulo its length), and what (even:
/// moved to unit `value`; odd: given the executive role, or relieved of it).
pub(crate) type ChangeSpec = (usize, u32, u8, usize);

pub(crate) fn document(parents: &[usize], members: &[MemberSpec], changes: &[ChangeSpec]) -> Value {
    let mut doc = small();
    let unit = |i: usize| uuid(0x10 + i as u128);
    let n_units = parents.len() + 1;
    let mut units = vec![json!({ "id": unit(0), "name": "Head" })];
    for (i, &p) in parents.iter().enumerate() {
        units.push(json!({ "id": unit(i + 1), "name": format!("Unit {}", i + 1), "parent": unit(p % (i + 1)) }));
    }
    let roles = ["staff", "manager", "executive", "ambassador"];
    let mut list = vec![
        json!({ "id": uuid(0x100), "unit": unit(0), "roles": ["executive", "promotion_lead"], "joined": "2020-04-01" }),
    ];
    let mut usage = Vec::new();
    for (k, (u, role, joined, left, days)) in members.iter().enumerate() {
        let id = uuid(0x101 + k as u128);
        let mut m = json!({ "id": id, "unit": unit(u % n_units), "roles": [roles[usize::from(*role) % 4]], "joined": date(*joined) });
        if let Some(after) = left {
            m["left"] = json!(date(joined + 1 + after));
        }
        list.push(m);
        for &d in days {
            usage.push(
                json!({ "member": id, "at": format!("{}T10:00:00+09:00", date(59 + u32::from(d))), "minutes": 5 }),
            );
        }
    }
    // Each change inside its member's tenure, one a member a day, in date order, the executive
    // role given to a member without it and taken from one who holds it.
    let mut held: Vec<bool> = members.iter().map(|m| m.1 % 4 == 2).collect();
    let mut placed: Vec<(u32, usize, u8, usize)> = Vec::new();
    for &(m, day, what, value) in changes {
        let Some((joined, left)) = members.get(m % members.len().max(1)).map(|x| (x.2, x.3)) else { continue };
        let end = left.map_or(400, |after| joined + 1 + after);
        if end <= joined + 1 {
            continue;
        }
        placed.push((joined + 1 + day % (end - joined - 1), m % members.len(), what, value));
    }
    placed.sort_unstable();
    placed.dedup_by_key(|c| (c.0, c.1));
    let mut dated = Vec::new();
    for (day, m, what, value) in placed {
        let mut c = json!({ "member": uuid(0x101 + m as u128), "on": date(day) });
        if what % 2 == 0 {
            c["unit"] = json!(unit(value % n_units));
        } else if held[m] {
            held[m] = false;
            c["remove_roles"] = json!(["executive"]);
        } else {
            held[m] = true;
            c["add_roles"] = json!(["executive"]);
        }
        dated.push(c);
    }
    doc["organisation"]["units"] = json!(units);
    doc["organisation"]["members"] = json!(list);
    doc["organisation"]["waves"] = json!([]);
    doc["organisation"]["changes"] = json!(dated);
    for list in doc["observations"].as_object_mut().unwrap().values_mut() {
        *list = json!([]);
    }
    doc["observations"]["usage"] = json!(usage);
    doc
}

/// Organisations as [`document`] takes them: up to 8 nested units, 4 to 39 members with fewer
/// than `uses` days of use each, and up to 7 dated changes.
pub(crate) fn organisations(uses: usize) -> impl Strategy<Value = (Vec<usize>, Vec<MemberSpec>, Vec<ChangeSpec>)> {
    let member = (
        0usize..9,
        0u8..4,
        0u32..150,
        proptest::option::weighted(0.2, 0u32..120),
        proptest::collection::vec(0u8..120, 0..uses),
    );
    (
        proptest::collection::vec(0usize..8, 1..8),
        proptest::collection::vec(member, 4..40),
        proptest::collection::vec((0usize..40, 0u32..400, 0u8..2, 0usize..9), 0..8),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_figures_of_some_units_are_those_of_the_whole_report(
        (parents, members, changes) in organisations(12),
        asked in proptest::collection::vec(0usize..9, 1..4),
        min_group in 1u32..6,
        as_of in 70u32..190,
        compare in proptest::option::of(0u32..60),
        habit in proptest::option::of((any::<bool>(), 1u32..5, 4u32..30)),
    ) {
        let doc = document(&parents, &members, &changes);
        // A change that removes a role the member does not hold is refused: such a draw is skipped.
        let snapshot = load(&doc).unwrap();
        let store = EventStore::from_snapshot(&snapshot).unwrap();
        let units = &snapshot.organisation().units;
        let mut scopes: Vec<Scope> = asked.iter().map(|&u| Scope::Unit(units[u % units.len()].id)).collect();
        scopes.dedup();
        let as_of: chrono::NaiveDate = date(as_of).parse().unwrap();
        let mut options = KpiOptions::default();
        options.scopes = scopes;
        options.min_group_size = Some(min_group);
        options.compare_with = compare.map(|c| as_of - chrono::Days::new(u64::from(c) + 1));
        // The playbook's habit rule, or one in days or in weeks.
        options.habit = habit.map(|(in_weeks, k, window)| {
            if in_weeks {
                HabitRule::WeeksInWindow { weeks: k, window: window / 4 + k }
            } else {
                HabitRule::DaysInWindow { days: k, window: window + k }
            }
        });
        let whole = kpis_with_store(&snapshot, &store, as_of, &options).unwrap().scopes;
        let alone = scope_kpis_with_store(&snapshot, &store, as_of, &options).unwrap();
        prop_assert_eq!(&alone, &whole);
        // Without the weekly series (as review packs ask), every KPI value and what is shown stay.
        options.series_weeks = 0;
        let lean = scope_kpis_with_store(&snapshot, &store, as_of, &options).unwrap();
        prop_assert_eq!(lean.len(), whole.len());
        for (l, w) in lean.iter().zip(&whole) {
            prop_assert_eq!(&l.scope, &w.scope);
            prop_assert_eq!(l.headcount, w.headcount);
            prop_assert_eq!(matches!(l.figures, Figure::Suppressed), matches!(w.figures, Figure::Suppressed));
            for kpi in Kpi::ALL {
                prop_assert_eq!(l.kpi(kpi), w.kpi(kpi), "{:?}", kpi);
            }
        }
    }
}

#[test]
fn the_organisation_or_a_role_reads_every_member_and_an_unknown_unit_is_refused() {
    let snapshot = crate::support::load(&small()).unwrap();
    let store = EventStore::from_snapshot(&snapshot).unwrap();
    let as_of = "2026-06-01".parse().unwrap();
    for scopes in [
        vec![Scope::Organisation],
        vec![Scope::Role(teichaku::model::Role::Staff)],
        vec![Scope::Unit(crate::support::unit(2)), Scope::Organisation],
    ] {
        let mut options = KpiOptions::default();
        options.scopes = scopes;
        assert_eq!(
            scope_kpis_with_store(&snapshot, &store, as_of, &options).unwrap(),
            kpis_with_store(&snapshot, &store, as_of, &options).unwrap().scopes
        );
    }
    let mut options = KpiOptions::default();
    options.scopes = vec![Scope::Unit(crate::support::unit(99))];
    assert_eq!(
        scope_kpis_with_store(&snapshot, &store, as_of, &options),
        Err(teichaku::metrics::KpiError::UnknownUnit(crate::support::unit(99)))
    );
}
