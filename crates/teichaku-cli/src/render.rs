//! Text output for people, in English or Japanese.

use std::fmt::Write as _;

use serde::Serialize;
use teichaku::Catalog;
use teichaku::model::{Lang, Playbook};

use crate::input::ValidationReport;

/// One line of `teichaku playbooks --format json`.
#[derive(Serialize)]
pub(crate) struct PlaybookSummary<'a> {
    id: &'a str,
    revision: u32,
    title: &'a teichaku::model::Localized,
    phases: usize,
    activities: usize,
    interventions: usize,
}

pub(crate) fn playbook_list(catalog: &Catalog) -> Vec<PlaybookSummary<'_>> {
    catalog
        .iter()
        .map(|p| PlaybookSummary {
            id: p.id.as_str(),
            revision: p.revision,
            title: &p.title,
            phases: p.phases.len(),
            activities: p.activities.len(),
            interventions: p.interventions.len(),
        })
        .collect()
}

/// `text` safe to print on one line of a text report ([`teichaku_report::clean`]). JSON output
/// carries the exact text.
pub(crate) fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    teichaku_report::clean(text)
}

/// [`clean`] for a text of several lines: each line is cleaned, the line breaks between them kept.
pub(crate) fn clean_lines(text: &str) -> String {
    teichaku_report::clean_lines(text)
}

/// The English or the Japanese text, by `lang`.
pub(crate) fn t(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        _ => en,
    }
}

/// `teichaku playbooks` as text ([`teichaku_report::playbooks_text`]).
pub(crate) fn playbooks_text(catalog: &Catalog, lang: Lang, out: &mut String) {
    out.push_str(&teichaku_report::playbooks_text(catalog, lang));
}

/// `teichaku show` as text ([`teichaku_report::playbook_text`]).
pub(crate) fn show_text(p: &Playbook, lang: Lang, out: &mut String) {
    out.push_str(&teichaku_report::playbook_text(p, lang));
}

pub(crate) fn validation_text(report: &ValidationReport, lang: Lang, out: &mut String) {
    if report.valid {
        let _ = writeln!(
            out,
            "{}",
            match (report.document, lang) {
                ("playbook", Lang::Ja) => "有効なプレイブック文書です",
                ("playbook", _) => "valid playbook document",
                (_, Lang::Ja) => "有効なアセスメント文書です",
                _ => "valid assessment document",
            }
        );
        return;
    }
    if let Some(e) = &report.unreadable {
        let _ = writeln!(out, "{}", clean(e));
    }
    for problem in &report.problems {
        let _ = writeln!(out, "{}", clean(&problem.to_string()));
    }
    for problem in &report.usage_problems {
        let _ = writeln!(out, "{}", clean(problem));
    }
}
