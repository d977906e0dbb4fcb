//! `teichaku assess` and the demo's report: phase and readiness, the retention score and its
//! components, the top next actions with owners, due dates and reasons, and the KPIs by unit.

use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::ValueEnum;
use serde::Serialize;
use teichaku::model::{Lang, ValidSnapshot};
use teichaku::{Assessment, Catalog, UsageReport};

use teichaku_report::Message as _;

use crate::Failure;
use crate::events::skipped_text;
use crate::kpis::{SKIPPED_SHOWN, load_with_events};
use crate::render::{clean, t};

/// The arguments of `teichaku assess`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The assessment document, or `-` for standard input.
    file: PathBuf,
    /// The last day that counts, such as 2026-11-01; today in the organisation's offset when
    /// left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Usage files besides the document's: events, member-day or member-period records.
    #[command(flatten)]
    usage: crate::events::UsageFiles,
    /// A CSV file of outcome KPI records (columns outcome, unit, from, date, value,
    /// measured_in, baseline), validated with the document's own.
    #[arg(long = "outcomes", value_name = "FILE")]
    outcomes: Option<PathBuf>,
    /// Assess even when some event lines are malformed (they are reported).
    #[arg(long)]
    skip_bad_lines: bool,
    /// How many next actions the text and HTML reports list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    top: usize,
    /// Output format: a text report, a self-contained HTML report with charts, the whole
    /// assessment as JSON, the rollout graph as Mermaid or DOT, or its schedule as a Mermaid
    /// Gantt chart.
    #[arg(long, value_enum, default_value_t = AssessFormat::Text)]
    format: AssessFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AssessFormat {
    Text,
    Html,
    Json,
    Mermaid,
    Dot,
    Gantt,
}

pub(crate) fn run(
    req: &Request,
    catalog: &Catalog,
    lang: Lang,
    stdout: &crate::output::Stdout,
    out: &mut String,
) -> Result<u8, Failure> {
    let loaded = load_with_events(&req.file, &req.usage, req.outcomes.as_deref(), req.skip_bad_lines, catalog)?;
    let options = teichaku::AssessOptions::default();
    let as_of = req.as_of.unwrap_or_else(|| crate::today(loaded.snapshot.organisation().utc_offset));
    let assessment = teichaku::assess_with_store(&loaded.snapshot, &loaded.store, as_of, &options)
        .map_err(|e| Failure::input(e.message(crate::lang())))?;
    // Usage event files read are reported: how many events each gave and every line skipped.
    let usage = (!loaded.usage.files.is_empty()).then_some(&loaded.usage);
    // The report names units and roles as they were on `as_of`, as the assessment counts them.
    let on_day = loaded.snapshot.on(as_of);
    let code = emit(&on_day, &assessment, usage, req.format, req.top, lang, stdout, out);
    drop(on_day);
    if req.as_of.is_none() && req.format == AssessFormat::Text {
        crate::mark_today(out, as_of, lang);
    }
    // The process ends once the report is written: the assessment and the document (millions
    // of allocations at 100,000 units) go back to the system with it, not one by one.
    std::mem::forget(assessment);
    std::mem::forget(loaded);
    code
}

/// An assessment with what its usage event files gave, as `assess --format json` prints it
/// when files were read.
#[derive(Serialize)]
struct WithFiles<'a> {
    #[serde(flatten)]
    assessment: &'a Assessment,
    event_files: &'a UsageReport,
}

#[expect(clippy::too_many_arguments, reason = "the report's inputs, its options, and the two places it goes")]
pub(crate) fn emit(
    snapshot: &ValidSnapshot,
    a: &Assessment,
    usage: Option<&UsageReport>,
    format: AssessFormat,
    top: usize,
    lang: Lang,
    stdout: &crate::output::Stdout,
    out: &mut String,
) -> Result<u8, Failure> {
    // The JSON report goes to standard output as it is serialised, not built whole first.
    let written = |e: std::io::Error| Failure {
        message: format!("cannot write the output: {e}"),
        code: crate::output::CANNOT_WRITE,
    };
    match (format, usage) {
        (AssessFormat::Json, None) => stdout.write_json(a).map_err(written)?,
        (AssessFormat::Json, Some(files)) => {
            stdout.write_json(&WithFiles { assessment: a, event_files: files }).map_err(written)?
        }
        (AssessFormat::Mermaid, _) => *out = teichaku::rollout::plan_mermaid(snapshot, &a.plan, lang),
        (AssessFormat::Dot, _) => *out = teichaku::rollout::plan_dot(snapshot, &a.plan, lang),
        (AssessFormat::Gantt, _) => *out = teichaku_report::gantt_mermaid(snapshot, &a.plan, lang),
        (AssessFormat::Html, _) => *out = teichaku_report::html(snapshot, a, lang, top),
        (AssessFormat::Text, _) => {
            *out = teichaku_report::assessment_text(snapshot, a, top, lang);
            if let Some(files) = usage {
                skipped(files, lang, out);
            }
        }
    }
    Ok(0)
}

/// The skipped event lines at the end of the text report: how many, and which.
fn skipped(files: &UsageReport, lang: Lang, out: &mut String) {
    let lines = skipped_text(files, SKIPPED_SHOWN, t(lang, "Malformed event lines skipped", "読めなかった行（除外）"));
    if !lines.is_empty() {
        out.push('\n');
    }
    for line in lines {
        let _ = writeln!(out, "{}", clean(&line));
    }
}
