//! JSON Schemas of the documents teichaku reads.

use std::collections::BTreeMap;

use clap::ValueEnum;
use teichaku::model::{AssessmentDocument, Playbook};

/// A kind of document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub(crate) enum DocumentKind {
    /// The input of an assessment.
    Assessment,
    /// A playbook.
    Playbook,
    /// An evaluation rubric.
    Rubric,
}

/// The schema of one document kind, or of each keyed by name.
pub(crate) fn schemas(kind: Option<DocumentKind>) -> serde_json::Value {
    let one = |k: DocumentKind| {
        match k {
            DocumentKind::Assessment => serde_json::to_value(schemars::schema_for!(AssessmentDocument)),
            DocumentKind::Playbook => serde_json::to_value(schemars::schema_for!(Playbook)),
            DocumentKind::Rubric => serde_json::to_value(schemars::schema_for!(teichaku::rules::Rubric)),
        }
        .unwrap_or(serde_json::Value::Null)
    };
    let mut value = match kind {
        Some(k) => one(k),
        None => {
            let all: BTreeMap<&str, serde_json::Value> = [
                ("assessment", one(DocumentKind::Assessment)),
                ("playbook", one(DocumentKind::Playbook)),
                ("rubric", one(DocumentKind::Rubric)),
            ]
            .into();
            serde_json::to_value(all).unwrap_or(serde_json::Value::Null)
        }
    };
    strip_examples(&mut value);
    value
}

/// Keeps each description to its prose: the Rust examples in the doc comments mean nothing to a
/// schema reader.
fn strip_examples(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) if key == "description" => {
                        if let Some(at) = s.find("```") {
                            s.truncate(at);
                        }
                        let trimmed = s.trim_end().to_owned();
                        *s = trimmed;
                    }
                    other => strip_examples(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_examples),
        _ => {}
    }
}
