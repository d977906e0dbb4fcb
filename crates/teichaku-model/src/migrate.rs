//! Upgrading a document of an older format version to the current one: a chain of small, pure
//! steps over `serde_json::Value`, each from one version to the next.
//!
//! The loader ([`crate::parse_document`], [`crate::parse_playbook`]) reads a document of the
//! current version straight into its types. A document of an older version is read into a
//! `Value` instead, passed through [`upgrade`] with the step list of its kind ([`ASSESSMENT`] or
//! [`PLAYBOOK`]), and the result read into the types. With [`FORMAT_VERSION`] 1 both lists are
//! empty: there is nothing older to upgrade yet.
//!
//! Adding format version N + 1 (docs/format.md, "Versions"):
//! 1. raise [`FORMAT_VERSION`] to N + 1 and change the types;
//! 2. append to each list a [`Step`] with `from: N` whose function rewrites a version-N `Value`
//!    into the version-N + 1 shape (a step of [`ASSESSMENT`] upgrades an inline playbook with the
//!    [`PLAYBOOK`] chain itself when the playbook's shape changed);
//! 3. keep every frozen fixture under `tests/golden/v1/` (and later `vN/`) loading unchanged.

use serde_json::Value;

use crate::FORMAT_VERSION;
use crate::document::DocumentError;

/// One upgrade: a document of format version `from` rewritten in place into the shape of
/// version `from + 1`. The chain sets the new `version` itself after the step.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step {
    /// The version the step reads.
    pub(crate) from: u32,
    /// The rewrite; an `Err` names what the old document lacks for the upgrade.
    pub(crate) upgrade: fn(&mut Value) -> Result<(), String>,
}

/// The upgrade steps of the assessment document, oldest first: `ASSESSMENT[i].from == i + 1`.
pub(crate) const ASSESSMENT: &[Step] = &[];

/// The upgrade steps of the playbook document, oldest first: `PLAYBOOK[i].from == i + 1`.
pub(crate) const PLAYBOOK: &[Step] = &[];

/// Upgrades `doc`, of format version `found`, to version `target` through `steps`, one step per
/// version, setting the top-level `version` after each step.
///
/// # Errors
///
/// [`DocumentError::UnsupportedVersion`] when `found` is 0 or above `target`, or when `steps`
/// has no step from some version in between (the list is not a contiguous chain); a
/// [`DocumentError::Syntax`] at line 0 naming the step when a step fails or the document is not
/// an object.
pub(crate) fn upgrade(mut doc: Value, found: u32, target: u32, steps: &[Step]) -> Result<Value, DocumentError> {
    if found == 0 || found > target {
        return Err(DocumentError::UnsupportedVersion { found: u64::from(found), supported: target });
    }
    for version in found..target {
        let step = steps
            .iter()
            .find(|s| s.from == version)
            .ok_or(DocumentError::UnsupportedVersion { found: u64::from(found), supported: target })?;
        (step.upgrade)(&mut doc).map_err(|message| failed(version, &message))?;
        let object = doc.as_object_mut().ok_or_else(|| failed(version, "the document is not an object"))?;
        object.insert("version".to_owned(), Value::from(version + 1));
    }
    Ok(doc)
}

/// Upgrades an assessment document with the current chain; see [`upgrade`].
pub(crate) fn upgrade_assessment(doc: Value, found: u32) -> Result<Value, DocumentError> {
    upgrade(doc, found, FORMAT_VERSION, ASSESSMENT)
}

/// Upgrades a playbook document with the current chain; see [`upgrade`].
pub(crate) fn upgrade_playbook(doc: Value, found: u32) -> Result<Value, DocumentError> {
    upgrade(doc, found, FORMAT_VERSION, PLAYBOOK)
}

fn failed(from: u32, message: &str) -> DocumentError {
    DocumentError::Syntax {
        line: 0,
        column: 0,
        message: format!("cannot upgrade the document from version {from} to {}: {message}", from + 1),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A made-up v1 → v2 step, for the chain's sake only: renames `name` to `title`.
    fn rename_name_to_title(doc: &mut Value) -> Result<(), String> {
        let object = doc.as_object_mut().ok_or("not an object")?;
        let name = object.remove("name").ok_or("no `name`")?;
        object.insert("title".to_owned(), name);
        Ok(())
    }

    /// A made-up v2 → v3 step: wraps `title` into `{ "en": title }`.
    fn localise_title(doc: &mut Value) -> Result<(), String> {
        let title = doc.get_mut("title").ok_or("no `title`")?;
        *title = json!({ "en": title.take() });
        Ok(())
    }

    const SYNTHETIC: &[Step] =
        &[Step { from: 1, upgrade: rename_name_to_title }, Step { from: 2, upgrade: localise_title }];

    #[test]
    fn the_real_chains_are_contiguous_and_end_at_the_current_version() {
        for steps in [ASSESSMENT, PLAYBOOK] {
            assert_eq!(steps.len(), FORMAT_VERSION as usize - 1);
            for (i, step) in steps.iter().enumerate() {
                assert_eq!(step.from as usize, i + 1);
            }
        }
    }

    #[test]
    fn a_current_document_passes_through_unchanged() {
        let doc = json!({ "version": FORMAT_VERSION, "anything": [1, 2] });
        assert_eq!(upgrade_assessment(doc.clone(), FORMAT_VERSION).unwrap(), doc);
        assert_eq!(upgrade_playbook(doc.clone(), FORMAT_VERSION).unwrap(), doc);
    }

    #[test]
    fn each_step_runs_once_in_order_and_sets_the_version() {
        let v1 = json!({ "version": 1, "name": "Kick-off", "other": true });
        assert_eq!(
            upgrade(v1.clone(), 1, 2, SYNTHETIC).unwrap(),
            json!({ "version": 2, "title": "Kick-off", "other": true })
        );
        assert_eq!(
            upgrade(v1, 1, 3, SYNTHETIC).unwrap(),
            json!({ "version": 3, "title": { "en": "Kick-off" }, "other": true })
        );
        // A version-2 document starts from the second step.
        let v2 = json!({ "version": 2, "title": "Kick-off" });
        assert_eq!(upgrade(v2, 2, 3, SYNTHETIC).unwrap(), json!({ "version": 3, "title": { "en": "Kick-off" } }));
    }

    #[test]
    fn a_gap_in_the_chain_or_a_version_out_of_range_is_unsupported() {
        let v1 = json!({ "version": 1, "name": "x" });
        let only_second = &SYNTHETIC[1..];
        assert_eq!(
            upgrade(v1.clone(), 1, 3, only_second),
            Err(DocumentError::UnsupportedVersion { found: 1, supported: 3 })
        );
        assert_eq!(
            upgrade(v1.clone(), 0, 3, SYNTHETIC),
            Err(DocumentError::UnsupportedVersion { found: 0, supported: 3 })
        );
        assert_eq!(upgrade(v1, 4, 3, SYNTHETIC), Err(DocumentError::UnsupportedVersion { found: 4, supported: 3 }));
    }

    #[test]
    fn a_failing_step_names_the_versions_and_the_reason() {
        let no_name = json!({ "version": 1 });
        assert_eq!(
            upgrade(no_name, 1, 3, SYNTHETIC),
            Err(DocumentError::Syntax {
                line: 0,
                column: 0,
                message: "cannot upgrade the document from version 1 to 2: no `name`".to_owned(),
            })
        );
    }

    #[test]
    fn the_loader_reads_through_the_same_chain() {
        // What the loader does with an older document: the chain, then the types; here with
        // the synthetic steps and a type of the made-up version 3's shape.
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct V3 {
            version: u32,
            title: Title,
            other: bool,
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct Title {
            en: String,
        }
        let text = r#"{ "version": 1, "name": "Kick-off", "other": true }"#;
        let read: V3 = crate::document::read_upgraded(text, true, |doc| upgrade(doc, 1, 3, SYNTHETIC)).unwrap();
        assert_eq!(read, V3 { version: 3, title: Title { en: "Kick-off".to_owned() }, other: true });
        // Without the upgrade, the old shape does not read as the new one.
        let direct: Result<V3, _> = crate::document::read_upgraded(text, false, |doc| upgrade(doc, 1, 3, SYNTHETIC));
        assert!(
            matches!(direct, Err(DocumentError::Syntax { message, .. }) if message.starts_with("unknown field `name`"))
        );
    }
}
