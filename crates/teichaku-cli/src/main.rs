//! The `teichaku` command line: reads documents, validates them, draws playbooks and prints
//! reports, in JSON for programs and text (English or Japanese) for people.
//!
//! This is the only teichaku crate that touches files, standard input or the terminal.

#![forbid(unsafe_code)]

mod assess;
mod evaluate;
mod events;
mod help_ja;
mod init;
mod input;
mod kpis;
mod output;
mod partials;
mod render;
mod schema;
mod vendors;
mod whatif;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use teichaku::model::{Lang, PlaybookCatalog, PlaybookId};
use teichaku::{Catalog, demo};
use teichaku_report::Message;

/// Make generative-AI use take root: playbooks, validation and reports.
#[derive(Parser, Debug)]
#[command(name = "teichaku", version, about, long_about = None)]
struct Cli {
    /// Language of text output and of messages (also `TEICHAKU_LANG`).
    #[arg(long, global = true, value_enum, default_value_t = LangArg::En, env = "TEICHAKU_LANG")]
    lang: LangArg,
    /// A playbook document to add to the built-in ones (replacing a built-in one of the same id);
    /// may be given several times.
    #[arg(long = "with-playbook", global = true, value_name = "FILE")]
    with_playbook: Vec<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the playbooks.
    Playbooks {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one playbook: phases, activities, gates and interventions.
    Show {
        /// The playbook's id, such as `sme-five-step`.
        playbook: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Draw a playbook's activity graph.
    Graph {
        /// The playbook's id.
        playbook: String,
        /// Graph language.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Check an assessment or playbook document; exit 1 with every problem, one per line.
    Validate {
        /// The document, or `-` for standard input.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Compute the KPIs and retention score of every scope (or one) on a date.
    Kpis(kpis::Request),
    /// Assess an organisation on a date: phase and readiness, score, schedule, next actions.
    Assess(assess::Request),
    /// Score a facts file (CSV or JSON lines) against a rubric, row by row; exit 0 when every row
    /// is good, 1 when some rows are bad, 2 when the input is unusable.
    Evaluate(evaluate::Request),
    /// What completing activities today would change, and the single ready action that would
    /// unblock the most work and people.
    Whatif(whatif::Request),
    /// Write an assessment document from the organisation's HR member list (CSV or XLSX).
    Init(init::Request),
    /// Print the JSON Schema of a document kind, or of all of them.
    Schema {
        /// Which document.
        #[arg(value_enum)]
        document: Option<schema::DocumentKind>,
    },
    /// Assess the built-in demo organisation, or print its input document.
    Demo {
        /// Print the demo's input document as JSON instead.
        #[arg(long)]
        document: bool,
        /// Output format of the summary.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LangArg {
    En,
    Ja,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::Ja => Lang::Ja,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ShowFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

/// A failure that ends the command: what to print and the exit code.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

/// The language of messages, set once from `--lang` (or `TEICHAKU_LANG`) before any work.
static LANG: OnceLock<Lang> = OnceLock::new();

/// The language of messages: what `--lang` chose, English before it is read.
pub(crate) fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// `en` or `ja`, by the language of messages.
pub(crate) fn say(en: &'static str, ja: &'static str) -> &'static str {
    match lang() {
        Lang::Ja => ja,
        _ => en,
    }
}

/// The command line as clap reads it; under `--lang ja` (or `TEICHAKU_LANG=ja`) with help, usage
/// and clap's own errors in Japanese (see [`help_ja`]).
fn parse() -> Cli {
    #[expect(clippy::disallowed_methods, reason = "the command line reads its arguments and language")]
    let (args, env): (Vec<OsString>, _) = (std::env::args_os().collect(), std::env::var_os("TEICHAKU_LANG"));
    if !help_ja::wants_japanese(&args, env.as_deref()) {
        return Cli::parse_from(args);
    }
    let command = help_ja::japanese(Cli::command());
    let parsed = command.try_get_matches_from(help_ja::help_subcommand_as_flag(args));
    match parsed.and_then(|matches| Cli::from_arg_matches(&matches)) {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            clap::error::ErrorKind::DisplayHelp
            | clap::error::ErrorKind::DisplayVersion
            | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
            _ => {
                let _ = write!(std::io::stderr().lock(), "{}", help_ja::error_text(&e));
                std::process::exit(e.exit_code())
            }
        },
    }
}

fn main() -> ExitCode {
    let cli = parse();
    let _ = LANG.set(Lang::from(cli.lang));
    // A closed standard output is found before any work, for every command: the standard
    // library's own handle would take writes to it as done and lose them.
    let stdout = match output::Stdout::open() {
        Ok(stdout) => stdout,
        Err(e) => return output::cannot_write(&e),
    };
    let mut out = String::new();
    let code = match run(cli, &stdout, &mut out) {
        Ok(code) => code,
        Err(failure) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{}", render::clean_lines(failure.message.trim_end()));
            failure.code
        }
    };
    if let Err(e) = stdout.write_all(out.as_bytes()) {
        return output::cannot_write(&e);
    }
    ExitCode::from(code)
}

fn run(cli: Cli, stdout: &output::Stdout, out: &mut String) -> Result<u8, Failure> {
    let lang = Lang::from(cli.lang);
    let mut catalog = Catalog::builtin();
    for path in &cli.with_playbook {
        let text = input::read(path)?;
        let playbook = teichaku::model::parse_playbook(&text)
            .map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message(lang))))?;
        teichaku::model::validate_playbook(&playbook)
            .map_err(|e| Failure::input(prefix_lines(&path.display().to_string(), &e.message(lang))))?;
        catalog.insert(playbook);
    }
    match cli.command {
        Command::Playbooks { format } => match format {
            Format::Json => *out = json(&render::playbook_list(&catalog))?,
            Format::Text => render::playbooks_text(&catalog, lang, out),
        },
        Command::Show { playbook, format } => {
            let playbook = find(&catalog, &playbook)?;
            match format {
                ShowFormat::Json => *out = json(playbook)?,
                ShowFormat::Markdown => *out = teichaku_report::playbook_markdown(playbook, lang),
                ShowFormat::Text => render::show_text(playbook, lang, out),
            }
        }
        Command::Graph { playbook, format } => {
            let playbook = find(&catalog, &playbook)?;
            *out = match format {
                GraphFormat::Mermaid => teichaku::rollout::playbook_mermaid(playbook, lang),
                GraphFormat::Dot => teichaku::rollout::playbook_dot(playbook, lang),
            };
        }
        Command::Validate { file, format } => {
            let text = input::read(&file)?;
            let report = input::validate(text, &input::folder_of(&file), &catalog);
            match (format, lang) {
                (Format::Json, _) => *out = json(&report)?,
                (Format::Text, Lang::Ja) => input::validation_text_ja(&report, out),
                (Format::Text, _) => render::validation_text(&report, lang, out),
            }
            return Ok(if report.valid { 0 } else { 1 });
        }
        Command::Kpis(request) => return kpis::run(&request, &catalog, lang, out),
        Command::Assess(request) => return assess::run(&request, &catalog, lang, stdout, out),
        Command::Evaluate(request) => return evaluate::run(&request, lang),
        Command::Whatif(request) => return whatif::run(&request, &catalog, lang, out),
        Command::Init(request) => return init::run(&request, &catalog, lang, out),
        Command::Schema { document } => *out = json(&schema::schemas(document))?,
        Command::Demo { document, format } => {
            if document {
                *out = json(&demo::document())?;
            } else {
                let snapshot = demo::snapshot();
                let assessment =
                    teichaku::assess(&snapshot, demo::AS_OF).map_err(|e| Failure::input(input::assess_failure(&e)))?;
                let format =
                    if format == Format::Json { assess::AssessFormat::Json } else { assess::AssessFormat::Text };
                return assess::emit(&snapshot, &assessment, None, format, 10, lang, stdout, out);
            }
        }
    }
    Ok(0)
}

/// Today's date in `offset`: the default of `--as-of`. The only place teichaku reads the clock;
/// the engine is given the day.
pub(crate) fn today(offset: teichaku::model::UtcOffset) -> chrono::NaiveDate {
    #[expect(clippy::disallowed_methods, reason = "the command line's `--as-of` defaults to today")]
    let now = std::time::SystemTime::now();
    let seconds = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let utc = chrono::DateTime::from_timestamp(i64::try_from(seconds).unwrap_or(0), 0).unwrap_or_default();
    utc.with_timezone(&offset.to_fixed_offset()).date_naive()
}

/// The first line of a text report with `(today)` after the day it is as of, when the day was
/// not given: the reader is told the date was chosen for them.
pub(crate) fn mark_today(out: &mut String, as_of: chrono::NaiveDate, lang: Lang) {
    let day = as_of.to_string();
    let first_line_end = out.find('\n').unwrap_or(out.len());
    let note = match lang {
        Lang::Ja => "（本日）",
        _ => " (today)",
    };
    match out.get(..first_line_end).and_then(|line| line.find(&day)) {
        Some(at) => out.insert_str(at + day.len(), note),
        None => out.insert_str(0, &format!("{day}{note}\n")),
    }
}

fn find<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a teichaku::model::Playbook, Failure> {
    let known = || catalog.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ");
    PlaybookId::new(id).ok().and_then(|id| catalog.playbook(&id)).ok_or_else(|| {
        Failure::input(match lang() {
            Lang::Ja => {
                let known: Vec<String> = catalog.iter().map(|p| format!("`{}`", p.id)).collect();
                format!("プレイブック `{id}`はありません（あるのは {}）", known.join("、"))
            }
            _ => format!("unknown playbook `{id}`: known playbooks are {}", known()),
        })
    })
}

pub(crate) fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| Failure {
            message: match lang() {
                Lang::Ja => "JSON を書き出せません".to_owned(),
                _ => format!("cannot write JSON: {e}"),
            },
            code: 3,
        })
}

fn prefix_lines(prefix: &str, text: &str) -> String {
    text.lines().map(|l| format!("{prefix}: {l}")).collect::<Vec<_>>().join("\n")
}
