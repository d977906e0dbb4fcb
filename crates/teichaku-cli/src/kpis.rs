//! `teichaku kpis`: the document, its event files and the command line's own, into a KPI report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use teichaku::metrics::{Figure, KpiOptions, KpiReport, Rate, Scope, ScopeKpis, StreamOptions, kpis_with_store};
use teichaku::model::{Lang, Role, ValidSnapshot};
use teichaku::{Catalog, LoadError, LoadOptions, Loaded, UsageReport};

use crate::events::{Files, bad_lines_text, skipped_text};
use crate::render::{clean, clean_lines, provenance_line, t};
use crate::{Failure, Format, input, json};

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
    let report = kpis_with_store(&snapshot, &store, as_of, &options).map_err(|e| Failure::input(e.to_string()))?;
    if req.format == Format::Json {
        *out = json(&Output {
            engine_version: teichaku::ENGINE_VERSION,
            document_version: teichaku::model::FORMAT_VERSION,
            report: &report,
            event_files: &streamed,
        })?;
    } else {
        render(&snapshot, &report, &streamed, lang, out);
        if req.as_of.is_none() {
            crate::mark_today(out, as_of, lang);
        }
    }
    Ok(0)
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
        Failure::input(format!("unknown scope `{s}`: expected `organisation`, a role, a unit id or a unit code"))
    })
}

pub(crate) fn pct(f: &Figure<Rate>) -> String {
    match f {
        Figure::Value(r) => format!("{:.1}%", r.rate * 100.0),
        Figure::Undefined => "n/a".to_owned(),
        Figure::NotMeasurable => "n/m".to_owned(),
        _ => "–".to_owned(),
    }
}

pub(crate) fn scope_name(snapshot: &ValidSnapshot, scope: &Scope, lang: Lang) -> String {
    match scope {
        Scope::Organisation => t(lang, "Organisation", "全社").to_owned(),
        Scope::Unit(u) => snapshot.unit(*u).map_or_else(|| u.to_string(), |u| clean(&u.name).into_owned()),
        Scope::Role(r) => format!("{}: {}", t(lang, "role", "役割"), r.as_str()),
        _ => String::new(),
    }
}

fn render(snapshot: &ValidSnapshot, report: &KpiReport, streamed: &UsageReport, lang: Lang, out: &mut String) {
    let org = snapshot.organisation();
    let _ = writeln!(
        out,
        "{} — {} {} ({} {} rev {})",
        clean(&org.name),
        t(lang, "KPIs as of", "KPI 基準日"),
        report.as_of,
        t(lang, "playbook", "プレイブック"),
        report.playbook,
        report.playbook_revision
    );
    match &report.events {
        Some(e) => {
            let _ = writeln!(
                out,
                "{}: {} {}, {} {}, {} {}, {} {}",
                t(lang, "Events", "利用イベント"),
                e.counted,
                t(lang, "counted", "件を集計"),
                e.after_as_of,
                t(lang, "after as-of", "件は基準日後"),
                e.outside_membership,
                t(lang, "outside membership", "件は在籍期間外"),
                e.duplicates_dropped,
                t(lang, "duplicates dropped", "件の重複を除外"),
            );
        }
        // The organisation is under the minimum group size: its event counts are its figures.
        None => {
            let _ = writeln!(out, "{}: {}", t(lang, "Events", "利用イベント"), t(lang, "withheld", "非表示"));
        }
    }
    for line in
        skipped_text(streamed, SKIPPED_SHOWN, t(lang, "Malformed event lines skipped", "読めなかった行（除外）"))
    {
        let _ = writeln!(out, "{}", clean(&line));
    }
    let _ = writeln!(out);
    scope_header(lang, out);
    for s in &report.scopes {
        let _ = writeln!(out, "{}", scope_line(snapshot, s, lang));
    }
    if let Some(org) = report.scopes.first() {
        if let (Figure::Value(f), Figure::Value(score)) = (&org.figures, &org.score) {
            let _ = writeln!(
                out,
                "\n{} ({}):",
                t(lang, "Score explained", "スコアの内訳"),
                scope_name(snapshot, &org.scope, lang)
            );
            for c in &score.components {
                let value = match (c.value, c.withheld) {
                    (Some(v), _) => format!("{v:.3}"),
                    (None, true) => t(lang, "withheld", "非表示").to_owned(),
                    (None, false) if c.not_measurable => t(lang, "not measurable", "測定不可").to_owned(),
                    // A "days since" KPI without a value: the event never happened.
                    (None, false) if c.kpi.is_days_since() => t(lang, "never", "なし").to_owned(),
                    (None, false) => "n/a".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "  {:<26} {:>9} / {:<6} {} {:>5.1} × {:.2} = {:>5.2}",
                    format!("{:?}", c.component),
                    value,
                    c.target,
                    t(lang, "weight", "重み"),
                    c.weight,
                    c.achievement,
                    c.points
                );
            }
            for a in &score.absolute_conditions {
                // A condition on a withheld figure is neither shown to hold nor to fail.
                let mark = match (a.holds, a.withheld) {
                    (true, _) => "✓".to_owned(),
                    (false, true) => format!("– ({})", t(lang, "withheld", "非表示")),
                    (false, false) => "✗".to_owned(),
                };
                let _ = writeln!(out, "  {mark} {}", clean(a.title.get(lang)));
            }
            if let Some(cap) = score.cap {
                let _ = writeln!(
                    out,
                    "  {} {cap} ({} {:.1})",
                    t(lang, "capped at", "上限"),
                    t(lang, "uncapped", "上限前"),
                    score.uncapped
                );
            }
            if score.failing {
                let _ = writeln!(
                    out,
                    "  {}",
                    t(
                        lang,
                        "FAILING: weekly-active under 20% three months after launch",
                        "要注意: 導入3か月後も週次利用率が20%未満"
                    )
                );
            }
            let _ = writeln!(
                out,
                "\n{}: {} {} / {} {} / {} {} / {} {} / {} {}",
                t(lang, "Segments", "利用区分"),
                f.segments.habitual,
                t(lang, "habitual", "習慣"),
                f.segments.regular,
                t(lang, "regular", "定期"),
                f.segments.occasional,
                t(lang, "occasional", "時々"),
                f.segments.lapsed,
                t(lang, "lapsed", "離脱"),
                f.segments.never,
                t(lang, "never", "未利用"),
            );
            let _ = writeln!(
                out,
                "{}: {:.1} h ({} {:.0} min, {} {:.0} min, {} {})",
                t(lang, "Time saved", "削減時間"),
                f.time_saved.hours,
                t(lang, "measured", "実測"),
                f.time_saved.measured_minutes,
                t(lang, "estimated", "推計"),
                f.time_saved.estimated_minutes,
                f.time_saved.unmeasured_events,
                t(lang, "events unmeasured", "件は未計測")
            );
            let _ = writeln!(out, "\n{}:", t(lang, "Weekly-active by ISO week", "ISO週ごとの週次利用率"));
            for w in f.weekly.iter().rev() {
                let _ = writeln!(out, "  {}  {:>7}  {:>7}", w.week_start, pct(&w.weekly_active), pct(&w.habit));
            }
        }
    }
    provenance_line(out, lang, teichaku::model::FORMAT_VERSION, &report.playbook, report.playbook_revision);
}

pub(crate) fn scope_line(snapshot: &ValidSnapshot, s: &ScopeKpis, lang: Lang) -> String {
    let name: String = scope_name(snapshot, &s.scope, lang).chars().take(28).collect();
    match (&s.figures, &s.score) {
        (Figure::Value(f), Figure::Value(score)) => format!(
            "{:<28} {:>6} {:>8} {:>8} {:>8} {:>6.1}  {:?}{}",
            name,
            s.headcount,
            pct(&f.weekly_active),
            pct(&f.habit),
            pct(&f.returning),
            score.score,
            score.level,
            if score.failing { " !" } else { "" }
        ),
        _ => format!(
            "{:<28} {:>6} {}",
            name,
            s.headcount,
            t(
                lang,
                "(suppressed: fewer members than the minimum group size)",
                "（人数が最小グループ未満のため非表示）"
            )
        ),
    }
}

/// Reads and validates the document, then builds the event store from its usage events, the
/// files it names (in its folder) and `events`, streamed row by row: the library's
/// [`teichaku::load_with`], the one loading path.
pub(crate) fn load_with_events(
    file: &Path,
    usage: &crate::events::UsageFiles,
    outcomes: Option<&Path>,
    skip_bad_lines: bool,
    catalog: &Catalog,
) -> Result<Loaded, Failure> {
    let text = input::read(file)?;
    // An outcomes file is read whole and checked row by row before the document is validated.
    let outcomes = match outcomes {
        Some(path) => teichaku::read_outcomes_csv(&input::read(path)?)
            .map_err(|e| Failure::input(format!("{}: {}", path.display(), clean(&e.to_string()))))?,
        None => Vec::new(),
    };
    let names = |paths: &[PathBuf]| -> Result<Vec<String>, Failure> {
        paths
            .iter()
            .map(|path| {
                path.to_str()
                    .map(str::to_owned)
                    .ok_or_else(|| Failure::input(format!("{}: not a UTF-8 file name", path.display())))
            })
            .collect()
    };
    let stream = StreamOptions { threads: crate::events::threads(), ..StreamOptions::default() };
    let options = LoadOptions {
        skip_bad_lines,
        extra_files: names(&usage.events)?,
        extra_day_files: names(&usage.days)?,
        extra_period_files: names(&usage.periods)?,
        stream,
        outcomes,
        ..LoadOptions::default()
    };
    // The text is given away, so it is freed once parsed.
    teichaku::load_with(text, catalog, &Files { base: input::folder_of(file) }, &options)
        .map_err(|e| load_failure(file, &e))
}

/// The message of a document that cannot be loaded: malformed event lines one per line.
pub(crate) fn load_failure(file: &Path, e: &LoadError) -> Failure {
    match e {
        LoadError::Document(e) => Failure::input(format!("{}: {}", file.display(), clean(&e.to_string()))),
        LoadError::BadLines { count, lines } => {
            let mut message = bad_lines_text(lines, *count);
            message.push(format!("{count} malformed lines; fix them or pass --skip-bad-lines"));
            Failure::input(clean_lines(&message.join("\n")))
        }
        other => Failure::input(clean_lines(&other.to_string())),
    }
}

/// The header of the table of scopes that [`scope_line`] fills.
pub(crate) fn scope_header(lang: Lang, out: &mut String) {
    let _ = writeln!(
        out,
        "{:<28} {:>6} {:>8} {:>8} {:>8} {:>6}  {}",
        t(lang, "Scope", "範囲"),
        t(lang, "people", "人数"),
        t(lang, "weekly", "週次"),
        t(lang, "habit", "習慣"),
        t(lang, "return", "継続"),
        t(lang, "score", "スコア"),
        t(lang, "level", "段階")
    );
}
