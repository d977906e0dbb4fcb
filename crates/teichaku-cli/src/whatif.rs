//! `teichaku whatif`: the assessment again with activities completed on `as_of` and what changed
//! ([`teichaku::simulate`]), and the single ready action that would unblock the most work and
//! people ([`teichaku::best_single_action`]).

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use teichaku::model::{Completion, Lang, Observations};
use teichaku::{Catalog, Changes, Unblocking};

use teichaku_report::Message as _;

use crate::kpis::load_with_events;
use crate::{Failure, Format, json};

/// The arguments of `teichaku whatif`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The assessment document, or `-` for standard input.
    file: PathBuf,
    /// The last day that counts, such as 2026-11-01; today in the organisation's offset when
    /// left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// An activity to take as completed on the as-of day: `ACTIVITY` (an organisation-wide
    /// activity, or each ready or overdue instance of a per-unit one) or `ACTIVITY@UNIT` (a unit
    /// id, code or name); may be given several times.
    #[arg(long = "complete", value_name = "ACTIVITY")]
    complete: Vec<String>,
    /// Usage files besides the document's: events, member-day or member-period records.
    #[command(flatten)]
    usage: crate::events::UsageFiles,
    /// Compute even when some event lines are malformed (they are counted as `assess` counts them).
    #[arg(long)]
    skip_bad_lines: bool,
    /// How many single actions the text output ranks (JSON lists them all).
    #[arg(long, default_value_t = 5, value_name = "N")]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// What `teichaku whatif --format json` prints.
#[derive(Serialize)]
struct Output<'a> {
    engine_version: &'static str,
    as_of: NaiveDate,
    /// The completions taken as done, one per instance.
    completed: &'a [Completion],
    /// What differs once they are done; absent without `--complete`.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a Changes>,
    /// Every candidate single action of the assessment as it is, best first.
    best_single_actions: &'a [Unblocking],
}

pub(crate) fn run(req: &Request, catalog: &Catalog, lang: Lang, out: &mut String) -> Result<u8, Failure> {
    let loaded = load_with_events(&req.file, &req.usage, None, req.skip_bad_lines, catalog)?;
    let as_of = req.as_of.unwrap_or_else(|| crate::today(loaded.snapshot.organisation().utc_offset));
    // The organisation on `as_of`: units and roles after the dated changes up to it.
    let snapshot = &*loaded.snapshot.on(as_of);
    let options = teichaku::AssessOptions::default();
    let before = teichaku::assess_with_store(snapshot, &loaded.store, as_of, &options)
        .map_err(|e| Failure::input(e.message(crate::lang())))?;
    let mut completed = Vec::new();
    for text in &req.complete {
        let named = teichaku::completions_named(snapshot, &before, text)
            .map_err(|e| Failure::input(format!("--complete {text}: {}", e.message(crate::lang()))))?;
        completed.extend(named);
    }
    let changes = if completed.is_empty() {
        None
    } else {
        let mut extra = Observations::new();
        extra.completions = completed.clone();
        // The document's events and the streamed ones count as in `assess`, before and after.
        let what_if = teichaku::simulate_with_store(snapshot, &loaded.store, as_of, extra, &options)
            .map_err(|e| Failure::input(e.message(crate::lang())))?;
        Some(what_if.changes)
    };
    let best = teichaku::best_single_action(snapshot, &before).map_err(|e| Failure::input(e.message(crate::lang())))?;
    match req.format {
        Format::Json => {
            *out = json(&Output {
                engine_version: teichaku::ENGINE_VERSION,
                as_of,
                completed: &completed,
                changes: changes.as_ref(),
                best_single_actions: &best,
            })?;
        }
        Format::Text => {
            *out = teichaku_report::whatif_text(snapshot, &before, &completed, changes.as_ref(), &best, req.top, lang);
            if req.as_of.is_none() {
                crate::mark_today(out, as_of, lang);
            }
        }
    }
    Ok(0)
}
