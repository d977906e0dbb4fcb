//! The figures scopes take from records (survey answers, proposals, consultations, incidents,
//! success cases) are sums gathered once and carried up the unit tree. Here they are checked
//! against a search of every record for every scope, as `docs/metrics.md` defines them: on
//! nested units whose members join, leave, move and change roles, with records naming a member,
//! only a unit, or neither, at every minimum group size; and the figures of some units alone
//! (`scope_kpis_with_store`, as review packs ask for them) equal the whole report's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Value, json};
use teichaku::metrics::{EventStore, Figure, KpiOptions, Scope, ScopeFigures, kpis_with_store, scope_kpis_with_store};
use teichaku::model::{AdkarElement, NonUserReason, UnitId, ValidSnapshot};

use crate::scope_kpis::{date, document, organisations, uuid};
use crate::support::load;

/// Who a record names: a member (by index, the first being the document's executive), a unit
/// alone (by index), or neither.
#[derive(Clone, Debug)]
pub(crate) enum Names {
    Member(usize),
    Unit(usize),
    Neither,
}

pub(crate) fn names() -> impl Strategy<Value = Names> {
    prop_oneof![
        6 => (0usize..41).prop_map(Names::Member),
        2 => (0usize..9).prop_map(Names::Unit),
        1 => Just(Names::Neither),
    ]
}

/// A record: its kind (0 survey, 1 proposal, 2 consultation, 3 incident, 4 success case), who it
/// names, its day, a second day after it (implemented, resolved), and a few small values.
pub(crate) type RecordSpec = (u8, Names, u32, Option<u32>, [u8; 5]);

/// The document of `scope_kpis::document` with `records` added (a record that must name a
/// member names the executive when it names none).
pub(crate) fn with_records(mut doc: Value, records: &[RecordSpec]) -> Value {
    let members = doc["organisation"]["members"].as_array().unwrap().len();
    let units = doc["organisation"]["units"].as_array().unwrap().len();
    let member = |k: usize| uuid(0x100 + (k % members) as u128);
    let unit = |i: usize| uuid(0x10 + (i % units) as u128);
    let obs = &mut doc["observations"];
    for (n, (kind, who, day, later, v)) in records.iter().enumerate() {
        let id = uuid(0x10000 + n as u128);
        let on = date(*day);
        let after = later.map(|l| date(day + l));
        let must_name = match who {
            Names::Member(k) => member(*k),
            _ => member(0),
        };
        match kind % 5 {
            0 => {
                let mut s = json!({ "id": id, "date": on });
                match who {
                    Names::Member(k) => s["member"] = json!(member(*k)),
                    Names::Unit(u) => s["unit"] = json!(unit(*u)),
                    Names::Neither => {}
                }
                if v[0] % 3 > 0 {
                    s["satisfaction"] = json!(1 + v[0] % 5);
                }
                if v[1] % 3 > 0 {
                    s["quality"] = json!(1 + v[1] % 5);
                }
                match v[2] % 4 {
                    0 => s["uses_ai"] = json!(true),
                    1 => s["uses_ai"] = json!(false),
                    _ => {}
                }
                if v[2] % 4 != 0 && v[3] % 2 == 0 {
                    s["non_user_reason"] = json!(["anxious", "skeptical", "uninterested"][usize::from(v[3] / 2 % 3)]);
                }
                if v[4] % 2 == 0 {
                    let score = |i: u8| 1 + (v[4] / 2 + i * 3) % 5;
                    s["adkar"] = json!({ "awareness": score(0), "desire": score(1), "knowledge": score(2),
                                         "ability": score(3), "reinforcement": score(4) });
                }
                obs["surveys"].as_array_mut().unwrap().push(s);
            }
            1 => {
                let mut p = json!({ "id": id, "member": must_name, "submitted": on });
                if let Some(d) = after {
                    p["implemented"] = json!(d);
                }
                obs["proposals"].as_array_mut().unwrap().push(p);
            }
            2 => {
                let mut c = json!({ "id": id, "member": must_name, "opened": on });
                if let Some(d) = after {
                    c["resolved"] = json!(d);
                }
                obs["consultations"].as_array_mut().unwrap().push(c);
            }
            3 => {
                let severity = ["low", "medium", "high"][usize::from(v[0] % 3)];
                let mut i = json!({ "id": id, "date": on, "severity": severity });
                match who {
                    Names::Member(k) => i["member"] = json!(member(*k)),
                    Names::Unit(u) => i["unit"] = json!(unit(*u)),
                    Names::Neither => {}
                }
                obs["incidents"].as_array_mut().unwrap().push(i);
            }
            _ => {
                let mut c = json!({ "id": id, "member": must_name, "date": on });
                for (field, k) in [("problem", 0), ("measure", 1), ("effect", 2), ("how", 3)] {
                    if v[k] % 4 > 0 {
                        c[field] = json!("text");
                    }
                }
                obs["success_cases"].as_array_mut().unwrap().push(c);
            }
        }
    }
    doc
}

/// Whether unit `u` is `top` or under it, on the organisation of `snapshot`.
fn under(snapshot: &ValidSnapshot, u: UnitId, top: UnitId) -> bool {
    let mut at = Some(u);
    // Validation ruled out cycles: at most one step a unit.
    for _ in 0..=snapshot.organisation().units.len() {
        match at {
            Some(x) if x == top => return true,
            Some(x) => at = snapshot.unit(x).and_then(|unit| unit.parent),
            None => return false,
        }
    }
    false
}

/// The record figures of `scope` on `as_of`, by searching every record: `snapshot` is the
/// organisation of `as_of` (after its dated changes).
fn searched(snapshot: &ValidSnapshot, scope: &Scope, as_of: NaiveDate, min: u32) -> String {
    let obs = snapshot.observations();
    let unit_in = |u: UnitId| match scope {
        Scope::Organisation => snapshot.unit(u).is_some(),
        Scope::Unit(top) => snapshot.unit(u).is_some() && under(snapshot, u, *top),
        _ => false,
    };
    let member_in = |id| {
        snapshot.member(id).is_some_and(|m| match scope {
            Scope::Organisation => true,
            Scope::Unit(_) => unit_in(m.unit),
            Scope::Role(r) => m.has_role(*r),
            _ => false,
        })
    };
    let present = |id| snapshot.member(id).is_some_and(|m| m.is_present_on(as_of));
    let belongs = |member: Option<_>, unit: Option<UnitId>| match (member, unit) {
        (Some(m), _) => member_in(m),
        (None, Some(u)) => unit_in(u),
        (None, None) => matches!(scope, Scope::Organisation),
    };
    let window = as_of - chrono::Days::new(27);
    let group = |value: Option<f64>, n: u64| match n {
        0 => "undefined".to_owned(),
        n if n < u64::from(min) => "withheld".to_owned(),
        _ => value.map_or("undefined".to_owned(), |v| format!("{v}")),
    };
    // Surveys: each present member's latest answer (by date, then id) in the window, and every
    // anonymous one in it.
    let mut latest: BTreeMap<_, &teichaku::model::SurveyResponse> = BTreeMap::new();
    let mut answers = Vec::new();
    for s in obs.surveys.iter().filter(|s| s.date >= window && s.date <= as_of) {
        match s.member {
            Some(m)
                if member_in(m)
                    && present(m)
                    && latest.get(&m).is_none_or(|old| (old.date, old.id) < (s.date, s.id)) =>
            {
                latest.insert(m, s);
            }
            Some(_) => {}
            None if belongs(None, s.unit) => answers.push(s),
            None => {}
        }
    }
    answers.extend(latest.values().copied());
    let mean = |values: Vec<u8>| {
        let n = values.len() as u64;
        group((n > 0).then(|| values.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64), n)
    };
    let non_users: Vec<_> =
        answers.iter().filter(|s| s.uses_ai == Some(false) || s.non_user_reason.is_some()).collect();
    let reasons = [NonUserReason::Anxious, NonUserReason::Skeptical, NonUserReason::Uninterested]
        .map(|r| non_users.iter().filter(|s| s.non_user_reason == Some(r)).count() as f64 / non_users.len() as f64);
    let reasons = match non_users.len() as u64 {
        0 => "undefined".to_owned(),
        n if n < u64::from(min) => "withheld".to_owned(),
        _ => format!("{reasons:?}"),
    };
    let mut adkar: BTreeMap<_, &teichaku::model::SurveyResponse> = BTreeMap::new();
    for s in obs.surveys.iter().filter(|s| s.date <= as_of && s.adkar.is_some()) {
        if let Some(m) = s.member.filter(|&m| member_in(m) && present(m)) {
            if adkar.get(&m).is_none_or(|old| (old.date, old.id) < (s.date, s.id)) {
                adkar.insert(m, s);
            }
        }
    }
    let mut barriers = [0u64; 6];
    for s in adkar.values() {
        let i = match s.adkar.and_then(|a| a.barrier()) {
            Some(AdkarElement::Awareness) => 0,
            Some(AdkarElement::Desire) => 1,
            Some(AdkarElement::Knowledge) => 2,
            Some(AdkarElement::Ability) => 3,
            Some(_) => 4,
            None => 5,
        };
        barriers[i] += 1;
    }
    let barriers = match adkar.len() as u64 {
        0 => "undefined".to_owned(),
        n if n < u64::from(min) => "withheld".to_owned(),
        _ => format!("{barriers:?}"),
    };
    let proposals: Vec<_> = obs.proposals.iter().filter(|p| member_in(p.member) && p.submitted <= as_of).collect();
    let implemented = proposals.iter().filter(|p| p.implemented.is_some_and(|d| d <= as_of)).count();
    let opened: Vec<_> = obs.consultations.iter().filter(|c| member_in(c.member) && c.opened <= as_of).collect();
    let mut days: Vec<i64> =
        opened.iter().filter_map(|c| c.resolved.filter(|&r| r <= as_of).map(|r| (r - c.opened).num_days())).collect();
    days.sort_unstable();
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    let incidents: Vec<_> = obs.incidents.iter().filter(|i| belongs(i.member, i.unit) && i.date <= as_of).collect();
    let cases: Vec<_> = obs.success_cases.iter().filter(|c| member_in(c.member) && c.date <= as_of).collect();
    format!(
        "respondents {} satisfaction {} quality {} non-users {} reasons {} barriers {} | proposals {} implemented {} | \
         consultations {} resolved {} median {:?} | incidents {} recent {} | cases {} complete {} last {:?}",
        answers.len(),
        mean(answers.iter().filter_map(|s| s.satisfaction).collect()),
        mean(answers.iter().filter_map(|s| s.quality).collect()),
        non_users.len(),
        reasons,
        barriers,
        proposals.len(),
        implemented,
        opened.len(),
        days.len(),
        median,
        incidents.len(),
        incidents.iter().filter(|i| i.date >= window).count(),
        cases.len(),
        cases.iter().filter(|c| c.is_complete()).count(),
        cases.iter().map(|c| (as_of - c.date).num_days()).min(),
    )
}

/// The same figures as the report gives them.
fn reported(f: &ScopeFigures) -> String {
    let show = |figure: &Figure<f64>| match figure {
        Figure::Value(v) => format!("{v}"),
        Figure::Suppressed => "withheld".to_owned(),
        _ => "undefined".to_owned(),
    };
    let s = &f.surveys;
    let reasons = match &s.non_user_reasons {
        Figure::Value(r) => format!(
            "{:?}",
            [NonUserReason::Anxious, NonUserReason::Skeptical, NonUserReason::Uninterested].map(|k| r[&k])
        ),
        Figure::Suppressed => "withheld".to_owned(),
        _ => "undefined".to_owned(),
    };
    let barriers = match &s.adkar_barriers {
        Figure::Value(b) => {
            format!("{:?}", ["awareness", "desire", "knowledge", "ability", "reinforcement", "none"].map(|k| b[k]))
        }
        Figure::Suppressed => "withheld".to_owned(),
        _ => "undefined".to_owned(),
    };
    let median = match f.consultations.median_days_to_resolve {
        Figure::Value(v) => Some(v),
        _ => None,
    };
    format!(
        "respondents {} satisfaction {} quality {} non-users {} reasons {} barriers {} | proposals {} implemented {} | \
         consultations {} resolved {} median {:?} | incidents {} recent {} | cases {} complete {} last {:?}",
        s.respondents,
        show(&s.satisfaction_mean),
        show(&s.quality_mean),
        s.non_users,
        reasons,
        barriers,
        f.proposals.submitted,
        f.proposals.implemented,
        f.consultations.opened,
        f.consultations.resolved,
        median,
        f.incidents.total,
        f.incidents.last_28_days,
        f.success_cases.shared,
        f.success_cases.complete,
        f.success_cases.days_since_last,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn each_scope_counts_the_records_a_search_of_every_record_finds(
        (parents, members, changes) in organisations(4),
        records in proptest::collection::vec(
            (0u8..5, names(), 0u32..200, proptest::option::of(0u32..40), any::<[u8; 5]>()), 0..80),
        asked in proptest::collection::vec(0usize..9, 1..4),
        min_group in 1u32..4,
        as_of in 70u32..200,
    ) {
        let doc = with_records(document(&parents, &members, &changes), &records);
        let snapshot = load(&doc).unwrap();
        let store = EventStore::from_snapshot(&snapshot).unwrap();
        let as_of: NaiveDate = date(as_of).parse().unwrap();
        let mut options = KpiOptions::default();
        options.min_group_size = Some(min_group);
        let whole = kpis_with_store(&snapshot, &store, as_of, &options).unwrap().scopes;
        let on = snapshot.on(as_of);
        for s in &whole {
            if let Figure::Value(f) = &s.figures {
                prop_assert_eq!(reported(f), searched(&on, &s.scope, as_of, min_group), "{:?}", s.scope);
            }
        }
        // Some units alone read only their own members' records, and give the same figures.
        let units = &snapshot.organisation().units;
        let mut scopes: Vec<Scope> = asked.iter().map(|&u| Scope::Unit(units[u % units.len()].id)).collect();
        scopes.dedup();
        let expected: Vec<_> = scopes.iter().map(|a| whole.iter().find(|s| &s.scope == a).unwrap().clone()).collect();
        options.scopes = scopes;
        let alone = scope_kpis_with_store(&snapshot, &store, as_of, &options).unwrap();
        prop_assert_eq!(alone, expected);
    }
}
