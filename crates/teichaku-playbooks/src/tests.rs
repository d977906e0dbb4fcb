//! The embedded playbooks, checked where they are embedded.

use teichaku_model::parse_playbook;

use crate::{BUILTIN_SOURCES, Catalog};

#[test]
fn every_embedded_playbook_parses_under_its_name() {
    for (name, json) in BUILTIN_SOURCES {
        let playbook = parse_playbook(json).unwrap_or_else(|e| panic!("built-in playbook `{name}` is broken: {e}"));
        assert_eq!(playbook.id.as_str(), name);
    }
    assert_eq!(Catalog::builtin().len(), BUILTIN_SOURCES.len());
}
