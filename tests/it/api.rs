//! The Rust API a newcomer picks up: the constructors build what a document reads, `Catalog::get`
//! finds what the trait's lookup finds, the report accessors agree with the lists they search,
//! `simulate_with_store` agrees with `simulate`, and `completions_named` resolves names as the
//! command line takes them.

use proptest::prelude::*;
use serde_json::json;
use teichaku::metrics::{EventStore, Scope};
use teichaku::model::{
    ActivityId, AgeBand, AssessmentDocument, Completion, LiteracyTier, Member, MemberId, Observations, Organisation,
    PlaybookCatalog, PlaybookId, Role, Snapshot, Unit, UnitId, UsageEvent, UtcOffset, Wave, validate_document,
};
use teichaku::{CompletionNameError, SimulateError, completions_named, simulate, simulate_with_store, snapshot_events};

use crate::support::{catalog, load, small};

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// small.json's organisation and observations, rebuilt with the constructors.
fn small_in_code() -> AssessmentDocument {
    let u = UnitId::from_u128;
    let m = MemberId::from_u128;
    let org = Organisation::new("Small Example K.K.", UtcOffset::from_minutes(9 * 60).unwrap(), day("2026-04-01"));
    let doc = small();
    // The document's own organisation, read, is the reference; the code must give the same.
    let read: Organisation = serde_json::from_value(doc["organisation"].clone()).unwrap();
    let mut built = org.with_deployment_pattern(read.deployment_pattern);
    for unit in &read.units {
        let mut made = Unit::new(unit.id, unit.name.clone());
        if let Some(parent) = unit.parent {
            made = made.under(parent);
        }
        built = built.with_unit(made);
    }
    for member in &read.members {
        let mut made = Member::new(member.id, member.unit, member.joined);
        for &role in &member.roles {
            made = made.with_role(role);
        }
        if let Some(name) = &member.name {
            made = made.named(name.clone());
        }
        if let Some(band) = member.age_band {
            made = made.with_age_band(band);
        }
        if let Some(tier) = member.literacy {
            made = made.with_literacy(tier);
        }
        if let Some(left) = member.left {
            made = made.left_on(left);
        }
        built = built.with_member(made);
    }
    for wave in &read.waves {
        let mut made = Wave::new(wave.units.iter().copied());
        if let Some(name) = &wave.name {
            made = made.named(name.clone());
        }
        built = built.with_wave(made);
    }
    for b in &read.task_baselines {
        built = built.with_task_baseline(b.task.clone(), b.minutes);
    }
    if let Some(rate) = &read.hourly_rate {
        built = built.with_hourly_rate(rate.clone());
    }
    assert_eq!(built, read);
    // The spot checks that the loop above cannot hide: the roles and dates of three members.
    assert!(
        built.members.iter().any(|x| x.id == m(0x102) && x.has_role(Role::PromotionLead) && x.has_role(Role::Staff))
    );
    assert!(built.members.iter().any(|x| x.id == m(0x101)
        && x.age_band == Some(AgeBand::Age60Plus)
        && x.literacy == Some(LiteracyTier::Beginner)));
    assert!(built.members.iter().any(|x| x.id == m(0x107) && x.left == Some(day("2026-06-01"))));
    assert_eq!(built.waves[0].units, [u(2)]);
    let playbook = serde_json::from_value(doc["playbook"]["inline"].clone()).unwrap();
    let observations: Observations = serde_json::from_value(doc["observations"].clone()).unwrap();
    AssessmentDocument::with_inline_playbook(built, playbook).with_observations(observations)
}

#[test]
fn the_constructors_build_what_the_document_reads() {
    let built = small_in_code();
    let read: AssessmentDocument = serde_json::from_value(small()).unwrap();
    assert_eq!(built, read);
    let from_code = validate_document(built, catalog()).unwrap();
    assert_eq!(from_code, load(&small()).unwrap());
    // The one way from code, `Snapshot::new(..).validate()`, gives the same snapshot.
    let via_snapshot =
        Snapshot::new(from_code.organisation().clone(), from_code.playbook().clone(), from_code.observations().clone())
            .validate()
            .unwrap();
    assert_eq!(via_snapshot, from_code);
}

#[test]
fn observation_builders_match_their_json() {
    let e = UsageEvent::new(MemberId::from_u128(0x104), "2026-04-15 10:00:00").with_minutes(7.5);
    let read: UsageEvent = serde_json::from_value(json!({
        "member": "00000000-0000-0000-0000-000000000104", "at": "2026-04-15 10:00:00", "minutes": 7.5
    }))
    .unwrap();
    assert_eq!(e, read);
    let c = Completion::new(ActivityId::new("training").unwrap(), day("2026-04-10")).in_unit(UnitId::from_u128(2));
    let read: Completion = serde_json::from_value(json!({
        "activity": "training", "unit": "00000000-0000-0000-0000-000000000002", "date": "2026-04-10"
    }))
    .unwrap();
    assert_eq!(c, read);
    assert_eq!(c.clone().in_unit(None).unit, None);
    let o = Observations::new().with_completion(c.clone()).with_usage(e.clone());
    assert_eq!((o.completions, o.usage), (vec![c], vec![e]));
}

#[test]
fn catalog_get_finds_what_the_trait_finds() {
    let catalog = teichaku::Catalog::builtin();
    for playbook in catalog.iter() {
        let id = playbook.id.as_str();
        assert_eq!(catalog.get(id), catalog.playbook(&PlaybookId::new(id).unwrap()));
        assert_eq!(catalog.get(id).map(|p| &p.id), Some(&playbook.id));
    }
    assert_eq!(catalog.get("no-such-playbook"), None);
    assert_eq!(catalog.get(""), None);
    assert_eq!(catalog.get("Upper Case"), None);
}

#[test]
fn the_accessors_agree_with_the_lists() {
    let snapshot = teichaku::demo::snapshot();
    let a = teichaku::assess(&snapshot, teichaku::demo::AS_OF).unwrap();
    assert_eq!(a.organisation().map(|s| &s.scope), Some(&Scope::Organisation));
    for s in &a.kpis.scopes {
        assert_eq!(a.scope(&s.scope), Some(s));
    }
    for unit in &snapshot.organisation().units {
        assert_eq!(a.kpis.unit(unit.id), a.scope(&Scope::Unit(unit.id)));
    }
    assert_eq!(a.scope(&Scope::Unit(UnitId::from_u128(999_999))), None);
    assert_eq!(a.score().map(|s| s.score), a.kpis.scopes[0].score.value().map(|s| s.score));
    assert_eq!(a.current_phase(), a.readiness.current_phase.as_ref());
    assert_eq!(a.barrier(), a.readiness.barrier.as_ref());
    assert_eq!(a.actions(), a.actions.actions.as_slice());
    let overview = teichaku::overview(&snapshot, teichaku::demo::AS_OF);
    for u in &overview.units {
        assert_eq!(overview.unit(u.unit), Some(u));
    }
    assert_eq!(overview.unit(UnitId::from_u128(999_999)), None);
}

#[test]
fn simulate_with_store_refuses_usage_and_agrees_with_simulate() {
    let snapshot = load(&small()).unwrap();
    let store = EventStore::from_snapshot(&snapshot).unwrap();
    let as_of = day("2026-05-20");
    let extra = Observations::new().with_completion(
        Completion::new(ActivityId::new("practice-task").unwrap(), as_of).in_unit(UnitId::from_u128(2)),
    );
    let events = snapshot_events(&snapshot).unwrap();
    let by_store = simulate_with_store(&snapshot, &store, as_of, extra.clone(), &Default::default()).unwrap();
    assert_eq!(by_store, simulate(&snapshot, &events, as_of, extra, &Default::default()).unwrap());
    assert!(!by_store.changes.is_empty());
    let usage = Observations::new().with_usage(UsageEvent::new(MemberId::from_u128(0x104), "2026-05-20 10:00:00"));
    let refused = simulate_with_store(&snapshot, &store, as_of, usage, &Default::default()).unwrap_err();
    assert_eq!(refused, SimulateError::UsageWithStore { events: 1 });
    assert_eq!(
        refused.to_string(),
        "1 extra usage events cannot be added to a finished event store; pass them to `simulate` instead"
    );
}

#[test]
fn completions_are_named_as_the_command_line_names_them() {
    let snapshot = load(&small()).unwrap();
    let a = teichaku::assess(&snapshot, day("2026-05-20")).unwrap();
    let named = |name: &str| completions_named(&snapshot, &a, name);
    let training = ActivityId::new("training").unwrap();
    let support = UnitId::from_u128(3);
    let expected = vec![Completion::new(training, day("2026-05-20")).in_unit(support)];
    // Training is done in Sales: by name alone it is Support's, the one ready; by id, code or name too.
    assert_eq!(named("training").unwrap(), expected);
    assert_eq!(named(&format!("training@{support}")).unwrap(), expected);
    assert_eq!(named("training@Support").unwrap(), expected);
    assert!(matches!(named("training@Nowhere"), Err(CompletionNameError::UnknownUnit { unit }) if unit == "Nowhere"));
    assert!(matches!(named("declare-aim@Sales"), Err(CompletionNameError::OrganisationWide { .. })));
    let Err(CompletionNameError::UnknownActivity { known, .. }) = named("nope") else { panic!("nope is no activity") };
    assert_eq!(known, ["declare-aim", "training", "practice-task", "weekly-meeting"]);
    // On 04-05 nothing has trained, so no practice task is ready anywhere.
    let early = teichaku::assess(&snapshot, day("2026-04-05")).unwrap();
    assert!(matches!(
        completions_named(&snapshot, &early, "practice-task"),
        Err(CompletionNameError::NothingReady { activity }) if activity == "practice-task"
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever order members are added in, `with_member` keeps it, and a member built with
    /// `new` and roles holds exactly those roles.
    #[test]
    fn members_keep_their_order_and_roles(roles in proptest::collection::vec(0usize..5, 0..8)) {
        let all = [Role::Executive, Role::PromotionLead, Role::Ambassador, Role::Manager, Role::Staff];
        let mut org = Organisation::new("P", UtcOffset::UTC, day("2026-04-01"));
        for (n, &r) in roles.iter().enumerate() {
            let role = all[r];
            org = org.with_member(Member::new(MemberId::from_u128(n as u128), UnitId::from_u128(1), day("2026-04-01")).with_role(role));
        }
        prop_assert_eq!(org.members.len(), roles.len());
        for (n, (member, &r)) in org.members.iter().zip(&roles).enumerate() {
            prop_assert_eq!(member.id, MemberId::from_u128(n as u128));
            prop_assert_eq!(member.roles.iter().copied().collect::<Vec<_>>(), vec![all[r]]);
        }
    }
}
