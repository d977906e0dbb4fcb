//! Every built-in playbook loads, validates, drives a document, and draws the same graph as before.

use teichaku::Catalog;
use teichaku::model::{Lang, validate_playbook};

#[test]
fn every_builtin_validates() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.len(), 5);
    for playbook in catalog.iter() {
        if let Err(errors) = validate_playbook(playbook) {
            panic!("{}:\n{errors}", playbook.id);
        }
    }
}

#[test]
fn every_builtin_mermaid_graph_is_unchanged() {
    for playbook in Catalog::builtin().iter() {
        let graph = teichaku::rollout::playbook_mermaid(playbook, Lang::En);
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("mermaid-{}", playbook.id), graph);
        });
    }
}

#[test]
fn the_playbook_guide_describes_every_playbook_as_it_is() {
    let guide = include_str!("../../docs/playbooks.md");
    for playbook in Catalog::builtin().iter() {
        let section = teichaku_report::playbook_markdown(playbook, Lang::En);
        assert!(
            guide.contains(&section),
            "docs/playbooks.md is out of date for `{}`: regenerate with `teichaku show {} --format markdown`",
            playbook.id,
            playbook.id
        );
    }
}
