//! Reports for people, drawn from an assessment: the text reports (the assessment, the KPIs,
//! the what-if, the playbooks, a playbook in Markdown), one self-contained HTML page with charts, and the rollout's
//! schedule as a Mermaid Gantt chart; with the words and numbers they are written in
//! ([`words`], [`format`]), in English or Japanese.
//!
//! Everything here is pure: the functions take the structures [`teichaku::assess`] computes and
//! return a `String`; nothing reads a file, a clock or the environment, and the same input gives
//! the same bytes. The charts are small functions writing SVG by hand (no JavaScript, no network,
//! no font or image fetched), with every text from a document escaped.
//!
//! Privacy: a figure the metrics withhold (a group below the minimum group size) is never
//! written, in a table, a chart's coordinates or a tooltip; the page shows the word "withheld"
//! (非表示) in its place.
//!
//! ```
//! use teichaku::model::Lang;
//! let snapshot = teichaku::demo::snapshot();
//! let assessment = teichaku::assess(&snapshot, teichaku::demo::AS_OF)?;
//! let page = teichaku_report::html(&snapshot, &assessment, Lang::En, 10);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"id="chart-gantt""#));
//! let gantt = teichaku_report::gantt_mermaid(&snapshot, &assessment.plan, Lang::En);
//! assert!(gantt.starts_with("---\ntitle:"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::unreachable)]

pub mod format;
mod gantt;
mod html;
mod markdown;
mod messages;
mod schedule;
mod svg;
mod text;
mod whatif;
pub mod words;

pub use gantt::gantt_mermaid;
pub use html::{CHART_IDS, TREND_CHARTS, WAVE_MAP_UNITS, html};
pub use markdown::playbook_markdown;
pub use messages::{Message, json_problem};
pub use text::{assessment_text, clean, clean_lines, kpis_text, playbook_text, playbooks_text, provenance};
pub use whatif::whatif_text;

#[cfg(test)]
mod tests;
