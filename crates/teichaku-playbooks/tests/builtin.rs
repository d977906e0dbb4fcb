//! Every built-in playbook parses, validates and is complete enough to drive a rollout.

use teichaku_model::{ActivityScope, PlaybookCatalog, PlaybookId, Role, parse_playbook, validate_playbook};
use teichaku_playbooks::{BUILTIN_SOURCES, Catalog};

#[test]
fn every_builtin_parses_and_validates() {
    for (name, json) in BUILTIN_SOURCES {
        let playbook = parse_playbook(json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(playbook.id.as_str(), name, "file name and id agree");
        if let Err(errors) = validate_playbook(&playbook) {
            panic!("{name}:\n{errors}");
        }
    }
}

#[test]
fn every_builtin_is_titled_in_both_languages_and_owned() {
    for playbook in Catalog::builtin().iter() {
        let id = &playbook.id;
        assert!(!playbook.title.en.is_empty() && !playbook.title.ja.is_empty(), "{id}: title");
        assert!(playbook.phases.len() >= 3, "{id}: at least three phases");
        for phase in &playbook.phases {
            assert!(!phase.title.en.is_empty() && !phase.title.ja.is_empty(), "{id}/{}: title", phase.id);
            assert!(!phase.gate.criteria.is_empty(), "{id}/{}: a gate with criteria", phase.id);
            assert!(
                playbook.activities.iter().any(|a| a.phase == phase.id),
                "{id}/{}: the phase has activities",
                phase.id
            );
        }
        for a in &playbook.activities {
            assert!(!a.title.en.is_empty() && !a.title.ja.is_empty(), "{id}/{}: title", a.id);
            assert!(!a.summary.en.is_empty() && !a.summary.ja.is_empty(), "{id}/{}: summary", a.id);
        }
        for i in &playbook.interventions {
            assert!(!i.title.en.is_empty() && !i.title.ja.is_empty(), "{id}/{}: title", i.id);
        }
        assert!(playbook.activities.iter().any(|a| a.owner == Role::Executive), "{id}: executives have work");
        assert!(playbook.activities.iter().any(|a| a.scope == ActivityScope::PerUnit), "{id}: spreads unit by unit");
        assert!(playbook.activities.iter().any(|a| a.recurrence.is_some()), "{id}: something recurs");
        assert!(playbook.interventions.len() >= 8, "{id}: the standard interventions");
    }
}

#[test]
fn a_caller_can_override_a_builtin() {
    let mut catalog = Catalog::builtin();
    let id = PlaybookId::new("sme-five-step").unwrap_or_else(|e| panic!("{e}"));
    let mut mine = catalog.playbook(&id).cloned().unwrap_or_else(|| panic!("built in"));
    mine.revision = 99;
    let old = catalog.insert(mine);
    assert_eq!(old.map(|p| p.revision), Some(5));
    assert_eq!(catalog.playbook(&id).map(|p| p.revision), Some(99));
}
