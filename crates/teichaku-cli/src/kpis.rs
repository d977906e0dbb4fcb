//! `teichaku kpis`: the document, its event files and the command line's own, into a KPI report.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Serialize;
use teichaku::metrics::{
    KpiOptions, KpiReport, MAX_PARTIAL_BYTES, Scope, UsagePartial, kpis_from_partial, kpis_with_store,
};
use teichaku::model::{Lang, Role, ValidSnapshot};
use teichaku::{Catalog, UsageReport};

use teichaku_report::Message as _;

use crate::events::skipped_text;
use crate::render::t;
use crate::{Failure, Format, json};

pub(crate) use crate::input::load_with_events;

/// The arguments of `teichaku kpis`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The assessment document, or `-` for standard input.
    file: PathBuf,
    /// The last day that counts, such as 2026-11-01; today in the organisation's offset when
    /// left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Only this scope: `organisation`, a unit id or code, or a role such as `manager`.
    #[arg(long)]
    scope: Option<String>,
    /// Usage files besides the document's: events, member-day or member-period records.
    #[command(flatten)]
    usage: crate::events::UsageFiles,
    /// Compute the KPIs even when some event lines are malformed (they are reported).
    #[arg(long)]
    skip_bad_lines: bool,
    /// Override the playbook's minimum group size.
    #[arg(long, value_name = "N")]
    min_group_size: Option<u32>,
    /// ISO weeks in the weekly series.
    #[arg(long, default_value_t = 13, value_name = "N")]
    weeks: u32,
    /// Add per-person figures (off by default, for privacy).
    #[arg(long)]
    per_member: bool,
    /// Add cohort transitions (retained, lapsed, reactivated, newly activated) from this date.
    #[arg(long, value_name = "DATE")]
    compare_with: Option<NaiveDate>,
    /// Threads to aggregate on (default: the machine's cores); the result does not depend on it.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the usage partial of this run's usage files (one shard) to FILE, or `-` for standard
    /// output, instead of the report, for a later run's --partials; the document must hold no
    /// usage of its own. The partial holds each member's usage: keep it as private as the files.
    #[arg(long = "partial-out", value_name = "FILE", conflicts_with = "partials")]
    partial_out: Option<PathBuf>,
    /// Merge these usage partials (written by --partial-out over shards of the usage) with the
    /// usage this run reads, and report on the whole; may be given several times.
    #[arg(long = "partials", value_name = "FILE", num_args = 1..)]
    partials: Vec<PathBuf>,
}

/// How many skipped event lines a text report lists (all are counted; JSON lists up to
/// [`teichaku::MAX_BAD_LINES_KEPT`]).
pub(crate) const SKIPPED_SHOWN: usize = 20;

#[derive(Serialize)]
struct Output<'a> {
    engine_version: &'static str,
    document_version: u32,
    #[serde(flatten)]
    report: &'a KpiReport,
    event_files: &'a UsageReport,
}

pub(crate) fn run(req: &Request, catalog: &Catalog, lang: Lang, out: &mut String) -> Result<u8, Failure> {
    let loaded = load_with_events(&req.file, &req.usage, None, req.skip_bad_lines, catalog)?;
    let (snapshot, store, streamed) = (loaded.snapshot, loaded.store, loaded.usage);
    let mut options = KpiOptions::default();
    options.series_weeks = req.weeks;
    options.min_group_size = req.min_group_size;
    options.per_member = req.per_member;
    options.compare_with = req.compare_with;
    options.threads = req.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    if let Some(scope) = &req.scope {
        options.scopes = vec![parse_scope(scope, &snapshot)?];
    }
    let as_of = req.as_of.unwrap_or_else(|| crate::today(snapshot.organisation().utc_offset));
    if let Some(path) = &req.partial_out {
        own_usage(&snapshot)?;
        let partial = UsagePartial::compute(&snapshot, &store, as_of, req.weeks);
        if let Some(text) = crate::partials::write(path, &partial.to_json())? {
            *out = text;
        }
        return Ok(0);
    }
    let report = if req.partials.is_empty() {
        kpis_with_store(&snapshot, &store, as_of, &options)
    } else {
        // This run's own usage (the document's and the command line's files) is one more shard.
        let mut whole = UsagePartial::compute(&snapshot, &store, as_of, req.weeks);
        for path in &req.partials {
            let text = crate::partials::read(path, MAX_PARTIAL_BYTES)?;
            UsagePartial::from_json(&text)
                .and_then(|p| whole.merge(&p))
                .map_err(|e| crate::partials::failure(path, &e.message(lang)))?;
        }
        kpis_from_partial(&snapshot, &whole, as_of, &options)
    }
    .map_err(|e| Failure::input(e.message(crate::lang())))?;
    // The report names units as they were on `as_of`, as the figures count them.
    let snapshot = snapshot.on(as_of);
    if req.format == Format::Json {
        *out = json(&Output {
            engine_version: teichaku::ENGINE_VERSION,
            document_version: teichaku::model::FORMAT_VERSION,
            report: &report,
            event_files: &streamed,
        })?;
    } else {
        // The event lines skipped go under the event counts.
        let skipped =
            skipped_text(&streamed, SKIPPED_SHOWN, t(lang, "Malformed event lines skipped", "読めなかった行（除外）"));
        *out = teichaku_report::kpis_text(&snapshot, &report, &skipped, lang);
        if req.as_of.is_none() {
            crate::mark_today(out, as_of, lang);
        }
    }
    Ok(0)
}

/// Refuses a document holding usage of its own when writing a shard's partial: every shard would
/// count it again, where the merging run counts it once.
fn own_usage(snapshot: &ValidSnapshot) -> Result<(), Failure> {
    let obs = snapshot.observations();
    let files = obs.usage_files.len() + obs.usage_day_files.len() + obs.usage_period_files.len();
    if obs.usage.is_empty() && files == 0 {
        return Ok(());
    }
    Err(Failure::input(match crate::lang() {
        Lang::Ja => format!(
            "--partial-out: 文書そのものに利用の記録（イベント {} 件、ファイル {files} 個）があります。各シャードが数え直してしまうので、シャードごとの利用ファイルは --events などで渡してください（文書の利用は --partials で合わせる実行が1回だけ数えます）",
            obs.usage.len()
        ),
        _ => format!(
            "--partial-out: the document holds usage of its own ({} events, {files} files), which every shard would count again: give each shard's usage files with --events and the like (the run merging with --partials counts the document's usage once)",
            obs.usage.len()
        ),
    }))
}

fn parse_scope(s: &str, snapshot: &ValidSnapshot) -> Result<Scope, Failure> {
    if s == "organisation" {
        return Ok(Scope::Organisation);
    }
    if let Some(role) = Role::ALL.iter().find(|r| r.as_str() == s) {
        return Ok(Scope::Role(*role));
    }
    // A unit by uuid, or by its own code (such as `本社/営業部`).
    let by_code = snapshot.organisation().keys.units.iter().find(|k| k.code == s).map(|k| k.unit);
    s.parse().ok().or(by_code).map(Scope::Unit).ok_or_else(|| {
        Failure::input(match crate::lang() {
            Lang::Ja => {
                format!("範囲 `{s}`はありません。`organisation`、役割、部署の ID またはコードを指定してください")
            }
            _ => format!("unknown scope `{s}`: expected `organisation`, a role, a unit id or a unit code"),
        })
    })
}
