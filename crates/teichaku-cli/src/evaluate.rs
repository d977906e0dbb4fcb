//! `teichaku evaluate`: scores a facts file (CSV or JSON lines) against a rubric, row by row.
//!
//! The file is streamed: a line is read (at most [`MAX_FACTS_LINE_BYTES`] of it held), evaluated
//! into one reused result and written before the next is read, so memory does not grow with the
//! file. Every line after the CSV header is one row: a record never spans lines (a quote left
//! open at the end of a line makes that line a bad row, and the next line is read as the next
//! row), so the summary's lines always add up: evaluated + not applicable + with errors + blank.
//! A bad row is reported (on standard error with its line number, and as an error row in the
//! output) and the rest are still evaluated.
//!
//! Exit status: 0 when every row was evaluated or out of the rubric's scope; 1 when some rows
//! were bad; 2 when the input is unusable (the rubric, the file, or the CSV header); 3 when the
//! output cannot be written (standard output closed or failing). Standard error failing to take
//! a note changes nothing: every note is also a row of the output.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use teichaku::model::{Lang, Limits, Role};
use teichaku::rules::{
    BatchPartial, BatchReport, CalibrationReport, CalibrationTarget, CompiledRubric, DEFAULT_MIN_GROUP_SIZE,
    Evaluation, EvaluationError, FactKind, FactValue, Facts, GroupFigures, GroupRollup, MAX_BATCH_PARTIAL_BYTES,
    Outcome, RollupReport, Treatment, calibrate, evaluate_into, rollup, rollup_partial,
};
use teichaku_report::Message;

use crate::Failure;

/// Exit status when some rows were bad.
const SOME_ROWS_BAD: u8 = 1;
/// Exit status when the input cannot be used at all.
const UNUSABLE: u8 = 2;
/// Exit status when the output cannot be written.
const CANNOT_WRITE: u8 = 3;
/// The prefix naming a built-in rubric instead of a file.
const BUILTIN: &str = "builtin:";
/// The longest line of a facts file (a CSV record or a JSON line), in bytes, without its line
/// end: a longer line is read through without being held and reported as a bad row.
pub(crate) const MAX_FACTS_LINE_BYTES: usize = 64 * 1024;

/// The arguments of `teichaku evaluate`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The rubric: a JSON file, or `builtin:ai-use-in-appraisal` for the built-in one (its latest
    /// revision; `builtin:ai-use-in-appraisal@1` for revision 1).
    #[arg(long, value_name = "FILE|builtin:ID[@REVISION]")]
    rubric: String,
    /// The facts: a CSV or JSON-lines file, or `-` for standard input. Exit status: 0 all rows
    /// good, 1 some rows bad, 2 unusable input, 3 output not writable.
    #[arg(long, value_name = "FILE", required_unless_present = "partials")]
    facts: Option<PathBuf>,
    /// The facts' format; by default taken from the extension (`.csv`, or `.jsonl`/`.ndjson`).
    #[arg(long = "facts-format", value_enum, value_name = "FORMAT")]
    facts_format: Option<FactsFormat>,
    /// Output format: one line per row.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
    /// After the rows, roll the results up per `group`, withholding the figures of groups with
    /// fewer evaluated people than --min-group-size. A row repeating the subject of an earlier
    /// row is then a bad row, counted once. Keeps each row's subject, total, band and caps in
    /// memory; not with --format csv.
    #[arg(long)]
    rollup: bool,
    /// The smallest group whose figures --rollup shows.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MIN_GROUP_SIZE)]
    min_group_size: usize,
    /// After the rows, show who would change band under the target band distribution in FILE
    /// (`{ "shares": { "S": 0.1, "A": 0.2, ... } }`). Keeps each row's total, band and caps in
    /// memory; not with --format csv.
    #[arg(long, value_name = "FILE")]
    calibrate: Option<PathBuf>,
    /// After the rows, write this shard's batch partial (each subject's total and band, or why
    /// not evaluated) to FILE, for a later run's --partials to roll up with the other shards'.
    /// Keep it as private as the facts; not with --format csv.
    #[arg(long = "partial-out", value_name = "FILE")]
    partial_out: Option<PathBuf>,
    /// Instead of a facts file, roll up these batch partials (written by --partial-out over
    /// shards of the population) as one batch, and print the roll-up only; may be given several
    /// times.
    #[arg(long = "partials", value_name = "FILE", num_args = 1.., conflicts_with_all = ["facts", "calibrate", "partial_out"])]
    partials: Vec<PathBuf>,
}

/// The format of a facts file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FactsFormat {
    /// A header row, then one row per subject.
    Csv,
    /// One JSON object per line.
    #[value(alias = "ndjson")]
    Jsonl,
}

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One line per row, for people.
    Text,
    /// One JSON object per row (JSON lines), with the whole explanation.
    #[value(alias = "jsonl")]
    Json,
    /// A header, then one CSV record per row.
    Csv,
}

/// Runs `teichaku evaluate`, writing to standard output and standard error as it goes; the text
/// output and every message in `lang` (JSON and CSV keep English messages, for programs).
pub(crate) fn run(request: &Request, lang: Lang) -> Result<u8, Failure> {
    let rubric = load_rubric(&request.rubric)?;
    let target = match &request.calibrate {
        Some(path) => Some(load_target(path, &rubric)?),
        None => None,
    };
    let keep = request.rollup || target.is_some() || request.partial_out.is_some() || !request.partials.is_empty();
    if keep && request.format == OutputFormat::Csv {
        return Err(unusable(say(
            "--rollup, --calibrate and partials need --format text or json",
            "--rollup、--calibrate と部分集計には --format text か json が必要です",
        )));
    }
    let Some(facts) = &request.facts else {
        return merge_partials(request, &rubric, lang);
    };
    let format = match request.facts_format {
        Some(format) => format,
        None => format_of(facts)?,
    };
    let input = open(facts)?;
    let stdout = std::io::stdout().lock();
    let mut run = Run {
        rubric: &rubric,
        evaluation: Evaluation::buffer_for(&rubric),
        output: Output::new(request.format, &rubric, BufWriter::new(stdout), lang)?,
        counts: Counts::default(),
        kept: keep.then(|| BatchReport::empty(&rubric)),
        seen: BTreeMap::new(),
        lang,
    };
    match format {
        FactsFormat::Csv => read_csv(input, &mut run)?,
        FactsFormat::Jsonl => read_jsonl(input, &mut run)?,
    }
    if let Some(batch) = &run.kept {
        if request.rollup {
            let report = rollup(&rubric, batch, request.min_group_size).map_err(|e| unusable(e.message(lang)))?;
            run.output.rollup(&report)?;
        }
        if let Some(target) = &target {
            let report = calibrate(&rubric, batch, target).map_err(|e| unusable(e.message(lang)))?;
            run.output.calibration(&report)?;
        }
        if let Some(path) = &request.partial_out {
            let partial = BatchPartial::of(&rubric, batch).map_err(|e| unusable(e.message(lang)))?;
            if let Some(text) = crate::partials::write(path, &partial.to_json()).map_err(|e| unusable(e.message))? {
                // `-`: the partial is the output, after the rows.
                run.output.raw(&text)?;
            }
        }
    }
    run.output.finish()?;
    let c = &run.counts;
    note(&match lang {
        Lang::Ja => format!(
            "{} 行: 評価 {}、対象外 {}、エラー {}、空行 {}",
            c.lines, c.evaluated, c.not_applicable, c.errors, c.blank
        ),
        _ => format!(
            "{} lines: {} evaluated, {} not applicable, {} with errors, {} blank",
            c.lines, c.evaluated, c.not_applicable, c.errors, c.blank
        ),
    });
    Ok(if c.errors > 0 { SOME_ROWS_BAD } else { 0 })
}

/// `teichaku evaluate --partials`: the batch partials merged, rolled up as one batch, printed
/// as the roll-up of a run over every shard's rows would print it.
fn merge_partials(request: &Request, rubric: &CompiledRubric, lang: Lang) -> Result<u8, Failure> {
    let mut whole: Option<BatchPartial> = None;
    for path in &request.partials {
        let text = crate::partials::read(path, MAX_BATCH_PARTIAL_BYTES).map_err(|e| unusable(e.message))?;
        let partial = BatchPartial::from_json(&text)
            .map_err(|e| unusable(crate::partials::failure(path, &e.message(lang)).message))?;
        match &mut whole {
            Some(whole) => {
                whole
                    .merge(&partial)
                    .map_err(|e| unusable(crate::partials::failure(path, &e.message(lang)).message))?;
            }
            None => whole = Some(partial),
        }
    }
    // INVARIANT: clap requires --partials to hold a file when --facts is absent.
    let Some(whole) = whole else { return Err(unusable(say("no partials", "部分集計がありません"))) };
    let report = rollup_partial(rubric, &whole, request.min_group_size).map_err(|e| unusable(e.message(lang)))?;
    let stdout = std::io::stdout().lock();
    let mut output = Output::new(request.format, rubric, BufWriter::new(stdout), lang)?;
    output.rollup(&report)?;
    output.finish()?;
    Ok(0)
}

/// One row read from the facts file.
#[derive(Default)]
struct Row {
    subject: String,
    group: Option<String>,
    roles: Vec<Role>,
}

/// What happened to one row.
enum RowOutcome<'a> {
    Evaluated(&'a Evaluation),
    NotApplicable,
    /// A bad row: `message` in English (JSON and CSV), `shown` in the text output's language.
    Error {
        message: String,
        shown: String,
        error: Option<RowError>,
    },
}

/// Why a row is bad, said in either language.
enum Problem {
    /// A problem of its own kind, also written as the `error` of a JSON result.
    Read(ReadError),
    /// The facts could not be evaluated.
    Evaluation(EvaluationError),
    /// A CSV line with another number of fields than the header.
    FieldCount { found: usize, expected: usize },
    /// No subject.
    NoSubject,
    /// The line, or a column of it, is not UTF-8.
    NotUtf8 { column: Option<String> },
    /// A role name that is not a role.
    UnknownRole { name: String },
    /// A number fact's cell that is not a number.
    NotANumber { fact: String, cell: String },
    /// A boolean fact's cell that is neither `true` nor `false`.
    NotABoolean { fact: String, cell: String },
    /// A JSON line that is not a row (the parser's message).
    Json(String),
    /// A JSON line naming a fact the rubric does not declare.
    UnknownFact { fact: String, rubric: String },
}

impl Problem {
    fn text(&self, lang: Lang) -> String {
        let ja = matches!(lang, Lang::Ja);
        match self {
            Problem::Read(e) if ja => e.ja(),
            Problem::Read(e) => e.to_string(),
            Problem::Evaluation(e) => e.message(lang),
            Problem::FieldCount { found, expected } if ja => {
                format!("値が {found} 個ありますが、見出しの列は {expected} 個です")
            }
            Problem::FieldCount { found, expected } => format!("{found} fields where the header has {expected}"),
            Problem::NoSubject if ja => "`subject`（対象者）が空です".to_owned(),
            Problem::NoSubject => "no subject".to_owned(),
            Problem::NotUtf8 { column: Some(c) } if ja => format!("`{c}`: UTF-8 ではありません"),
            Problem::NotUtf8 { column: Some(c) } => format!("`{c}`: not UTF-8"),
            Problem::NotUtf8 { column: None } if ja => "UTF-8 ではありません".to_owned(),
            Problem::NotUtf8 { column: None } => "not UTF-8".to_owned(),
            Problem::UnknownRole { name } => {
                let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                if ja {
                    let known: Vec<String> = known.iter().map(|r| format!("`{r}`")).collect();
                    format!("`{name}`は役割ではありません（役割は {}）", known.join("、"))
                } else {
                    format!("unknown role `{name}`: roles are {}", known.join(", "))
                }
            }
            Problem::NotANumber { fact, cell } if ja => format!("`{fact}`: {cell:?}は数ではありません"),
            Problem::NotANumber { fact, cell } => format!("`{fact}`: {cell:?} is not a number"),
            Problem::NotABoolean { fact, cell } if ja => {
                format!("`{fact}`: {cell:?} は `true`でも `false`でもありません")
            }
            Problem::NotABoolean { fact, cell } => format!("`{fact}`: {cell:?} is not `true` or `false`"),
            Problem::Json(message) if ja => teichaku_report::json_problem(message, Lang::Ja),
            Problem::Json(message) => message.clone(),
            Problem::UnknownFact { fact, rubric } if ja => {
                format!("ルーブリック `{rubric}`にファクト `{fact}`はありません")
            }
            Problem::UnknownFact { fact, rubric } => {
                format!("unknown fact `{fact}`: rubric `{rubric}` does not declare it")
            }
        }
    }

    /// The `error` of a JSON result, for the problems that have a kind.
    fn row_error(self) -> Option<RowError> {
        match self {
            Problem::Read(e) => Some(RowError::Read(e)),
            Problem::Evaluation(e) => Some(RowError::Evaluation(e)),
            _ => None,
        }
    }
}

/// Why a row is bad, when it has a kind of its own: written as the `error` of a JSON result,
/// tagged by `kind`.
#[derive(Serialize, Debug)]
#[serde(untagged)]
enum RowError {
    /// The facts could not be evaluated.
    Evaluation(EvaluationError),
    /// The line could not be read as a row.
    Read(ReadError),
}

/// Why a line could not be read as a row.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ReadError {
    /// The line is longer than [`MAX_FACTS_LINE_BYTES`]; it was read through, not held.
    TooLong { limit: usize },
    /// A CSV field's quote is still open at the end of its line: a record never spans lines, so
    /// the bad row consumed `lines`, always 1, and the next line is read as the next row.
    UnterminatedQuote { lines: u64 },
    /// A JSON line gives a key of its `facts` twice.
    DuplicateKey { key: String },
    /// With --rollup or --calibrate, the row repeats the subject of an earlier row.
    RepeatedSubject { first_line: u64 },
}

impl ReadError {
    /// The Japanese of the `Display`.
    fn ja(&self) -> String {
        match self {
            ReadError::TooLong { limit } => {
                format!("上限の {limit} バイトより長い行です（読まずに飛ばしました）")
            }
            ReadError::UnterminatedQuote { lines } => {
                format!("行の終わりで引用符が閉じていません（1件は1行で終わります。{lines} 行を消費）")
            }
            ReadError::DuplicateKey { key } => format!("ファクト `{key}`が2回あります"),
            ReadError::RepeatedSubject { first_line } => {
                format!("{first_line}行目と同じ対象者です（1人は1回だけ数えます）")
            }
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLong { limit } => {
                write!(f, "longer than the limit of {limit} bytes: the line was skipped, not read")
            }
            ReadError::UnterminatedQuote { lines } => write!(
                f,
                "a quote is still open at the end of the line: a record ends with its line ({lines} line consumed)"
            ),
            ReadError::DuplicateKey { key } => write!(f, "fact `{key}` is given twice"),
            ReadError::RepeatedSubject { first_line } => {
                write!(f, "repeats the subject of line {first_line}: each person is counted once")
            }
        }
    }
}

/// The state of one run: the rubric, the reused result, the output and the counts.
struct Run<'r, W: Write> {
    rubric: &'r CompiledRubric,
    evaluation: Evaluation,
    output: Output<W>,
    counts: Counts,
    /// What --rollup and --calibrate need of every row read, when asked for.
    kept: Option<BatchReport>,
    /// With `kept`, the line of each subject's first row and its position in `kept`.
    seen: BTreeMap<String, (u64, usize)>,
    /// The language of the text output and the notes.
    lang: Lang,
}

#[derive(Default)]
struct Counts {
    /// Lines read after the CSV header: the sum of the four others.
    lines: u64,
    evaluated: u64,
    not_applicable: u64,
    errors: u64,
    blank: u64,
}

impl<W: Write> Run<'_, W> {
    /// Evaluates a row read without error and writes its result.
    /// Scores a row that was read, or reports why it could not be, naming its subject when known.
    fn row(&mut self, line: u64, read: Result<(), Problem>, row: &Row, facts: &Facts) -> Result<(), Failure> {
        match read {
            Ok(()) => self.evaluate(line, row, facts),
            Err(problem) => {
                let known = (!row.subject.is_empty()).then_some(row);
                self.error(line, known, problem)
            }
        }
    }

    fn evaluate(&mut self, line: u64, row: &Row, facts: &Facts) -> Result<(), Failure> {
        if self.kept.is_some() {
            if let Some(&(first_line, first_index)) = self.seen.get(&row.subject) {
                self.keep(row, || Outcome::DuplicateSubject { first_index });
                let error = ReadError::RepeatedSubject { first_line };
                return self.error(line, Some(row), Problem::Read(error));
            }
            let index = self.kept.as_ref().map_or(0, |batch| batch.results.len());
            self.seen.insert(row.subject.clone(), (line, index));
        }
        if !self.rubric.applies_to(&row.roles) {
            self.counts.not_applicable += 1;
            self.keep(row, || Outcome::NotApplicable { roles: row.roles.clone() });
            return self.output.write(line, Some(row), &RowOutcome::NotApplicable);
        }
        match evaluate_into(self.rubric, facts, &mut self.evaluation) {
            Ok(()) => {
                self.counts.evaluated += 1;
                let evaluation = &self.evaluation;
                if let Some(batch) = &mut self.kept {
                    // Roll-ups and calibration read the total, band and caps only.
                    let mut slim = evaluation.clone();
                    slim.criteria = Vec::new();
                    slim.missing = Vec::new();
                    let outcome = Outcome::Evaluated { evaluation: Box::new(slim) };
                    batch.record(row.subject.clone(), row.group.clone(), outcome);
                }
                self.output.write(line, Some(row), &RowOutcome::Evaluated(&self.evaluation))
            }
            Err(error) => {
                self.keep(row, || Outcome::Failed { error: error.clone() });
                self.error(line, Some(row), Problem::Evaluation(error))
            }
        }
    }

    /// Keeps a row's outcome for --rollup and --calibrate, when asked for.
    fn keep(&mut self, row: &Row, outcome: impl FnOnce() -> Outcome) {
        if let Some(batch) = &mut self.kept {
            batch.record(row.subject.clone(), row.group.clone(), outcome());
        }
    }

    /// Reports a bad row on standard error and in the output, naming its subject when the row
    /// is given.
    fn error(&mut self, line: u64, row: Option<&Row>, problem: Problem) -> Result<(), Failure> {
        self.counts.errors += 1;
        let said = |lang: Lang| {
            let text = problem.text(lang);
            match (row, lang) {
                (Some(row), Lang::Ja) => format!("対象者 `{}`: {text}", row.subject),
                (Some(row), _) => format!("subject `{}`: {text}", row.subject),
                (None, _) => text,
            }
        };
        let (message, shown) = (said(Lang::En), said(self.lang));
        match self.lang {
            Lang::Ja => note(&format!("{line}行目: {shown}")),
            _ => note(&format!("line {line}: {message}")),
        }
        let error = problem.row_error();
        self.output.write(line, row, &RowOutcome::Error { message, shown, error })
    }
}

/// Where a CSV column goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Column {
    Subject,
    Group,
    Roles,
    Fact(usize),
}

/// One line of a facts file, read with [`read_line`].
enum Line {
    /// The input has ended.
    End,
    /// A line, without its `\n`, in the buffer.
    Read,
    /// A line longer than [`MAX_FACTS_LINE_BYTES`], read through to its end but not held.
    TooLong,
}

/// Reads the next line into `buffer` (cleared first), holding at most [`MAX_FACTS_LINE_BYTES`]
/// of it: a longer line is consumed to its end and dropped, so memory stays bounded whatever
/// the input.
fn read_line(input: &mut dyn BufRead, buffer: &mut Vec<u8>) -> std::io::Result<Line> {
    buffer.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => Line::End,
                (true, true) => Line::TooLong,
                (true, false) => Line::Read,
            });
        }
        any = true;
        let (chunk, used, ended) = match available.iter().position(|&b| b == b'\n') {
            Some(at) => (available.get(..at).unwrap_or_default(), at + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long {
            if buffer.len() + chunk.len() > MAX_FACTS_LINE_BYTES {
                too_long = true;
                buffer.clear();
                buffer.shrink_to(MAX_FACTS_LINE_BYTES);
            } else {
                buffer.extend_from_slice(chunk);
            }
        }
        input.consume(used);
        if ended {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}

/// Splits one line into CSV fields with `csv-core`, trimmed of ASCII blanks; a record ends with
/// its line.
struct CsvLine {
    reader: csv_core::Reader,
    /// The fields' bytes, one after the other.
    fields: Vec<u8>,
    /// Where each field ends in `fields`.
    ends: Vec<usize>,
    /// How many fields the last line had.
    count: usize,
}

impl CsvLine {
    fn new() -> Self {
        let reader = csv_core::ReaderBuilder::new().terminator(csv_core::Terminator::Any(b'\n')).build();
        Self { reader, fields: Vec::new(), ends: Vec::new(), count: 0 }
    }

    /// Splits `line` (without its `\n`); [`ReadError::UnterminatedQuote`] when a quote is open at
    /// its end.
    fn split(&mut self, line: &[u8]) -> Result<(), ReadError> {
        self.reader.reset();
        // The fields take at most the line's bytes and the line end (inside an open quote);
        // there are at most as many fields as bytes, plus one.
        self.fields.resize(line.len() + 1, 0);
        self.ends.resize(line.len() + 2, 0);
        let (mut out, mut count) = (0, 0);
        for input in [line, b"\n"] {
            let (result, _, written, ended) = self.reader.read_record(
                input,
                self.fields.get_mut(out..).unwrap_or_default(),
                self.ends.get_mut(count..).unwrap_or_default(),
            );
            out += written;
            count += ended;
            match result {
                csv_core::ReadRecordResult::Record => {
                    self.count = count;
                    return Ok(());
                }
                csv_core::ReadRecordResult::InputEmpty => {}
                // Not with buffers this size; an open quote is the only way not to end here.
                _ => break,
            }
        }
        Err(ReadError::UnterminatedQuote { lines: 1 })
    }

    /// The fields of the last line split, trimmed of ASCII blanks (a `\r` before the line end
    /// included).
    fn fields(&self) -> impl Iterator<Item = &[u8]> + Clone + '_ {
        let ends = self.ends.get(..self.count).unwrap_or_default();
        ends.iter().scan(0, |start, &end| {
            let field = self.fields.get(*start..end).unwrap_or_default();
            *start = end;
            Some(field.trim_ascii())
        })
    }
}

fn read_csv<W: Write>(mut input: Box<dyn BufRead>, run: &mut Run<'_, W>) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    let mut csv = CsvLine::new();
    let read = read_line(&mut input, &mut bytes).map_err(|e| cannot_read_line(1, &e))?;
    let ja = matches!(run.lang, Lang::Ja);
    match read {
        Line::End => {
            return Err(unusable(say(
                "cannot read the CSV header: the file is empty",
                "CSV の見出しを読めません: ファイルが空です",
            )));
        }
        Line::TooLong => {
            return Err(unusable(if ja {
                format!("CSV の見出しを読めません: 上限の {MAX_FACTS_LINE_BYTES} バイトより長い行です")
            } else {
                format!("cannot read the CSV header: longer than the limit of {MAX_FACTS_LINE_BYTES} bytes")
            }));
        }
        Line::Read => {}
    }
    let header = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    csv.split(header).map_err(|e| {
        unusable(if ja {
            format!("CSV の見出しを読めません: {}", e.ja())
        } else {
            format!("cannot read the CSV header: {e}")
        })
    })?;
    let columns = csv_columns(csv.fields(), run.rubric)?;
    let mut row = Row::default();
    let mut facts = run.rubric.empty_facts();
    for line in 2.. {
        let read = read_line(&mut input, &mut bytes).map_err(|e| cannot_read_line(line, &e))?;
        match read {
            Line::End => return Ok(()),
            Line::TooLong => too_long(run, line)?,
            Line::Read if bytes.trim_ascii().is_empty() => {
                run.counts.lines += 1;
                run.counts.blank += 1;
            }
            Line::Read => {
                run.counts.lines += 1;
                if let Err(error) = csv.split(&bytes) {
                    run.error(line, None, Problem::Read(error))?;
                } else if csv.count != columns.len() {
                    run.error(line, None, Problem::FieldCount { found: csv.count, expected: columns.len() })?;
                } else {
                    let read = csv_row(&columns, csv.fields(), run.rubric, &mut row, &mut facts);
                    run.row(line, read, &row, &facts)?;
                }
            }
        }
    }
    Ok(())
}

/// Maps the header's columns; an unknown or repeated column, or no `subject`, is unusable input.
fn csv_columns<'a>(header: impl Iterator<Item = &'a [u8]>, rubric: &CompiledRubric) -> Result<Vec<Column>, Failure> {
    let table = rubric.fact_table();
    let mut columns = Vec::new();
    for (index, name) in header.enumerate() {
        let name = std::str::from_utf8(name).map_err(|_| {
            unusable(match crate::lang() {
                Lang::Ja => format!("CSV の見出し: {}番目の列が UTF-8 ではありません", index + 1),
                _ => format!("CSV header: column #{} is not UTF-8", index + 1),
            })
        })?;
        let column = match name {
            "subject" => Column::Subject,
            "group" => Column::Group,
            "roles" => Column::Roles,
            fact => Column::Fact(table.index(fact).ok_or_else(|| {
                let known = (0..table.len()).filter_map(|i| table.name(i)).map(|n| format!("`{n}`"));
                unusable(match crate::lang() {
                    Lang::Ja => format!(
                        "CSV の見出し: 未知の列 `{}`があります（列は `subject`、`group`、`roles`とルーブリック `{}`のファクト: {}）",
                        printable(fact),
                        rubric.rubric().id,
                        known.collect::<Vec<_>>().join("、")
                    ),
                    _ => format!(
                        "CSV header: unknown column `{}`: columns are `subject`, `group`, `roles` and the facts of rubric `{}`: {}",
                        printable(fact),
                        rubric.rubric().id,
                        known.collect::<Vec<_>>().join(", ")
                    ),
                })
            })?),
        };
        if columns.contains(&column) {
            return Err(unusable(match crate::lang() {
                Lang::Ja => format!("CSV の見出し: 列 `{}`が2回あります", printable(name)),
                _ => format!("CSV header: column `{}` appears twice", printable(name)),
            }));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Subject) {
        return Err(unusable(say("CSV header: no `subject` column", "CSV の見出し: 列 `subject`がありません")));
    }
    Ok(columns)
}

/// Reads one CSV record into `row` and `facts`, reusing their buffers.
fn csv_row<'a>(
    columns: &[Column],
    record: impl Iterator<Item = &'a [u8]> + Clone,
    rubric: &CompiledRubric,
    row: &mut Row,
    facts: &mut Facts,
) -> Result<(), Problem> {
    row.subject.clear();
    row.group = None;
    row.roles.clear();
    for index in 0..facts.len() {
        facts.clear(index);
    }
    // The subject first, so errors in other columns can name it.
    for (column, cell) in columns.iter().zip(record.clone()) {
        if *column == Column::Subject {
            row.subject.push_str(utf8(cell, "subject")?);
        }
    }
    if row.subject.is_empty() {
        return Err(Problem::NoSubject);
    }
    for (column, cell) in columns.iter().zip(record) {
        match *column {
            Column::Subject => {}
            Column::Group => {
                let group = utf8(cell, "group")?;
                row.group = (!group.is_empty()).then(|| group.to_owned());
            }
            Column::Roles => {
                for name in utf8(cell, "roles")?.split(';').map(str::trim).filter(|n| !n.is_empty()) {
                    row.roles.push(parse_role(name)?);
                }
            }
            Column::Fact(index) => {
                let table = rubric.fact_table();
                let (Some(name), Some(kind)) = (table.name(index), table.kind(index)) else { continue };
                if let Some(value) = parse_cell(name.as_str(), kind, utf8(cell, name.as_str())?)? {
                    facts.set(index, value);
                }
            }
        }
    }
    Ok(())
}

fn utf8<'a>(cell: &'a [u8], column: &str) -> Result<&'a str, Problem> {
    std::str::from_utf8(cell).map_err(|_| Problem::NotUtf8 { column: Some(column.to_owned()) })
}

fn parse_role(name: &str) -> Result<Role, Problem> {
    Role::ALL.into_iter().find(|r| r.as_str() == name).ok_or_else(|| Problem::UnknownRole { name: name.to_owned() })
}

/// A CSV cell of fact `fact` as a value of `kind`; `None` for an empty cell (a missing fact).
fn parse_cell(fact: &str, kind: &FactKind, cell: &str) -> Result<Option<FactValue>, Problem> {
    if cell.is_empty() {
        return Ok(None);
    }
    match kind {
        FactKind::Number => cell
            .parse()
            .map(|x| Some(FactValue::Number(x)))
            .map_err(|_| Problem::NotANumber { fact: fact.to_owned(), cell: cell.to_owned() }),
        FactKind::Boolean => match cell {
            "true" => Ok(Some(FactValue::Boolean(true))),
            "false" => Ok(Some(FactValue::Boolean(false))),
            _ => Err(Problem::NotABoolean { fact: fact.to_owned(), cell: cell.to_owned() }),
        },
        // Whether the value is declared is checked by evaluation.
        _ => Ok(Some(FactValue::Enumeration(cell.to_owned()))),
    }
}

/// One line of a JSON-lines facts file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRow {
    subject: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    facts: FactPairs,
}

/// The `facts` object of a JSON line, every key kept in order, a repeated one included, so that
/// a repeat is refused rather than the last value silently winning.
#[derive(Default)]
struct FactPairs(Vec<(String, Option<FactValue>)>);

impl<'de> Deserialize<'de> for FactPairs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = FactPairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of fact names to values")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FactPairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(FactPairs(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// Counts an over-long line and reports it as a bad row naming its line: the same in both formats.
fn too_long<W: Write>(run: &mut Run<'_, W>, line: u64) -> Result<(), Failure> {
    run.counts.lines += 1;
    run.error(line, None, Problem::Read(ReadError::TooLong { limit: MAX_FACTS_LINE_BYTES }))?;
    Ok(())
}

fn read_jsonl<W: Write>(mut input: Box<dyn BufRead>, run: &mut Run<'_, W>) -> Result<(), Failure> {
    let mut bytes = Vec::new();
    let mut facts = run.rubric.empty_facts();
    let mut row = Row::default();
    for line in 1.. {
        let read = read_line(&mut input, &mut bytes).map_err(|e| cannot_read_line(line, &e))?;
        match read {
            Line::End => return Ok(()),
            Line::TooLong => {
                too_long(run, line)?;
                continue;
            }
            Line::Read => run.counts.lines += 1,
        }
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) if line == 1 => text.trim_start_matches('\u{feff}'),
            Ok(text) => text,
            Err(_) => {
                run.error(line, None, Problem::NotUtf8 { column: None })?;
                continue;
            }
        };
        if text.trim().is_empty() {
            run.counts.blank += 1;
            continue;
        }
        match json_row(text, run.rubric, &mut row, &mut facts) {
            Err(JsonRowError::Read(error)) => {
                let known = (!row.subject.is_empty()).then_some(&row);
                run.error(line, known, Problem::Read(error))?;
            }
            Err(JsonRowError::Other(problem)) => run.row(line, Err(problem), &row, &facts)?,
            Ok(()) => run.row(line, Ok(()), &row, &facts)?,
        }
    }
    Ok(())
}

/// Why a JSON line could not be read.
enum JsonRowError {
    /// A problem of its own kind.
    Read(ReadError),
    /// Any other.
    Other(Problem),
}

/// Reads one JSON line into `row` and `facts`.
fn json_row(text: &str, rubric: &CompiledRubric, row: &mut Row, facts: &mut Facts) -> Result<(), JsonRowError> {
    row.subject.clear();
    row.group = None;
    row.roles.clear();
    for index in 0..facts.len() {
        facts.clear(index);
    }
    let parsed: JsonRow = serde_json::from_str(text).map_err(|e| JsonRowError::Other(Problem::Json(e.to_string())))?;
    row.subject = parsed.subject;
    row.group = parsed.group;
    row.roles = parsed.roles;
    if row.subject.is_empty() {
        return Err(JsonRowError::Other(Problem::NoSubject));
    }
    let mut names = std::collections::BTreeSet::new();
    if let Some((name, _)) = parsed.facts.0.iter().find(|(name, _)| !names.insert(name.as_str())) {
        return Err(JsonRowError::Read(ReadError::DuplicateKey { key: name.clone() }));
    }
    for (name, value) in parsed.facts.0 {
        let index = rubric.fact_table().index(&name).ok_or_else(|| {
            JsonRowError::Other(Problem::UnknownFact { fact: name.clone(), rubric: rubric.rubric().id.to_string() })
        })?;
        if let Some(value) = value {
            facts.set(index, value);
        }
    }
    Ok(())
}

/// Where results go, in the chosen format.
enum Output<W: Write> {
    Text {
        out: W,
        /// The first line, naming the rubric and the engine, until it is written (before the
        /// first row, or at the end when there is none; never when the input is unusable).
        heading: Option<String>,
        /// The language of the text.
        lang: Lang,
    },
    Json {
        out: W,
        provenance: Provenance,
    },
    Csv {
        writer: Box<csv::Writer<W>>,
        provenance: Provenance,
        /// A reused buffer for numbers and lists.
        buffer: String,
        /// How many criterion columns the header has.
        criteria: usize,
    },
}

/// What produced a result, written on every JSON line and CSV record so that a row stored on
/// its own can still be audited: the engine, the rubric document's format version, the rubric.
#[derive(Serialize)]
struct Provenance {
    engine_version: &'static str,
    document_version: u32,
    rubric_id: String,
    rubric_revision: u32,
    rubric_hash: String,
}

impl Provenance {
    fn of(rubric: &CompiledRubric) -> Self {
        let source = rubric.rubric();
        Self {
            engine_version: teichaku::ENGINE_VERSION,
            document_version: source.version,
            rubric_id: source.id.to_string(),
            rubric_revision: source.revision,
            rubric_hash: rubric.content_hash().to_owned(),
        }
    }
}

/// One JSON output line.
#[derive(Serialize)]
struct JsonLine<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    #[serde(flatten)]
    provenance: &'a Provenance,
    #[serde(flatten)]
    result: JsonResult<'a>,
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum JsonResult<'a> {
    Evaluated {
        evaluation: &'a Evaluation,
    },
    NotApplicable {
        roles: &'a [Role],
    },
    Error {
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a RowError>,
    },
}

impl<W: Write> Output<W> {
    fn new(format: OutputFormat, rubric: &CompiledRubric, out: W, lang: Lang) -> Result<Self, Failure> {
        Ok(match format {
            OutputFormat::Text => {
                // Where every line below comes from: the rubric, its content hash, the engine.
                let p = Provenance::of(rubric);
                let heading = match lang {
                    Lang::Ja => format!(
                        "ルーブリック `{}` 改訂 {} `{}`（文書バージョン {}、teichaku {}）",
                        p.rubric_id, p.rubric_revision, p.rubric_hash, p.document_version, p.engine_version
                    ),
                    _ => format!(
                        "rubric {} revision {} {} (document version {}, teichaku {})",
                        p.rubric_id, p.rubric_revision, p.rubric_hash, p.document_version, p.engine_version
                    ),
                };
                Output::Text { out, heading: Some(heading), lang }
            }
            OutputFormat::Json => Output::Json { out, provenance: Provenance::of(rubric) },
            OutputFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                let fixed = [
                    "line",
                    "subject",
                    "group",
                    "status",
                    "rubric",
                    "revision",
                    "rubric_hash",
                    "document_version",
                    "engine_version",
                    "total",
                    "shown_total",
                    "uncapped_total",
                    "band",
                ];
                let criteria = rubric.rubric().criteria.iter().map(|c| format!("points:{}", c.id));
                let header: Vec<String> = fixed
                    .iter()
                    .map(|s| (*s).to_owned())
                    .chain(["weight_counted".to_owned()])
                    .chain(criteria)
                    .chain(["caps_applied", "missing", "error"].map(str::to_owned))
                    .collect();
                writer.write_record(&header).map_err(write_failure)?;
                Output::Csv {
                    writer: Box::new(writer),
                    provenance: Provenance::of(rubric),
                    buffer: String::new(),
                    criteria: rubric.rubric().criteria.len(),
                }
            }
        })
    }

    fn write(&mut self, line: u64, row: Option<&Row>, outcome: &RowOutcome<'_>) -> Result<(), Failure> {
        let subject = row.map(|r| r.subject.as_str());
        let group = row.and_then(|r| r.group.as_deref());
        match self {
            Output::Text { out, heading, lang } => {
                if let Some(heading) = heading.take() {
                    write_line(out, &heading)?;
                }
                let ja = matches!(lang, Lang::Ja);
                let mut text = if ja { format!("{line}行目") } else { format!("line {line}") };
                if let Some(subject) = subject {
                    let _ = write!(text, " {subject}");
                }
                if let Some(group) = group {
                    let _ = write!(text, " [{group}]");
                }
                text.push_str(": ");
                match outcome {
                    RowOutcome::Evaluated(e) => text_evaluation(&mut text, e, *lang),
                    RowOutcome::NotApplicable if ja => {
                        text.push_str("対象外（ルーブリックが適用される役割がありません）")
                    }
                    RowOutcome::NotApplicable => text.push_str("not applicable (no role the rubric applies to)"),
                    RowOutcome::Error { shown, .. } if ja => {
                        let _ = write!(text, "エラー: {shown}");
                    }
                    RowOutcome::Error { shown, .. } => {
                        let _ = write!(text, "error: {shown}");
                    }
                }
                write_line(out, &text)
            }
            Output::Json { out, provenance } => {
                let result = match outcome {
                    RowOutcome::Evaluated(evaluation) => JsonResult::Evaluated { evaluation },
                    RowOutcome::NotApplicable => {
                        JsonResult::NotApplicable { roles: row.map_or(&[][..], |r| r.roles.as_slice()) }
                    }
                    RowOutcome::Error { message, error, .. } => JsonResult::Error { message, error: error.as_ref() },
                };
                serde_json::to_writer(&mut *out, &JsonLine { line, subject, group, provenance, result })
                    .map_err(json_failure)?;
                out.write_all(b"\n").map_err(write_failure)
            }
            Output::Csv { writer, provenance, buffer, criteria } => {
                let w = &mut **writer;
                let mut field = |text: &str| w.write_field(text).map_err(write_failure);
                buffer.clear();
                let _ = write!(buffer, "{line}");
                field(buffer)?;
                field(subject.unwrap_or(""))?;
                field(group.unwrap_or(""))?;
                let status = match outcome {
                    RowOutcome::Evaluated(_) => "evaluated",
                    RowOutcome::NotApplicable => "not_applicable",
                    RowOutcome::Error { .. } => "error",
                };
                field(status)?;
                // Where the row comes from, on every row.
                field(&provenance.rubric_id)?;
                buffer.clear();
                let _ = write!(buffer, "{}", provenance.rubric_revision);
                field(buffer)?;
                field(&provenance.rubric_hash)?;
                buffer.clear();
                let _ = write!(buffer, "{}", provenance.document_version);
                field(buffer)?;
                field(provenance.engine_version)?;
                match outcome {
                    RowOutcome::Evaluated(e) => {
                        for number in [e.total, e.shown_total, e.uncapped_total] {
                            buffer.clear();
                            let _ = write!(buffer, "{number}");
                            field(buffer)?;
                        }
                        field(&e.band)?;
                        buffer.clear();
                        let _ = write!(buffer, "{}", e.weight_counted);
                        field(buffer)?;
                        for c in &e.criteria {
                            buffer.clear();
                            if c.counted {
                                let _ = write!(buffer, "{}", c.points);
                            }
                            field(buffer)?;
                        }
                        buffer.clear();
                        join(buffer, e.caps_applied.iter().map(|c| c.cap.as_str()));
                        field(buffer)?;
                        buffer.clear();
                        join(buffer, e.missing.iter().map(|m| m.fact.as_str()));
                        field(buffer)?;
                        field("")?;
                    }
                    RowOutcome::NotApplicable | RowOutcome::Error { .. } => {
                        let message = match outcome {
                            RowOutcome::Error { message, .. } => message.as_str(),
                            _ => "",
                        };
                        // The evaluation's columns, empty: total to weight_counted, the
                        // criteria, caps_applied and missing.
                        let empty = 5 + *criteria + 2;
                        for _ in 0..empty {
                            field("")?;
                        }
                        field(message)?;
                    }
                }
                w.write_record(std::iter::empty::<&[u8]>()).map_err(write_failure)
            }
        }
    }

    /// Writes the roll-up after the rows: a JSON line `{"rollup": …}`, or a text section.
    fn rollup(&mut self, report: &RollupReport) -> Result<(), Failure> {
        match self {
            Output::Json { out, provenance } => json_line(out, provenance, "rollup", report),
            Output::Text { out, heading, lang } => {
                if let Some(heading) = heading.take() {
                    write_line(out, &heading)?;
                }
                let mut text = match lang {
                    Lang::Ja => format!(
                        "グループ別の集計（評価された人が {} 人未満のグループは数値を非表示）:\n",
                        report.min_group_size
                    ),
                    _ => format!("roll-up by group (figures withheld under {} evaluated):\n", report.min_group_size),
                };
                for group in report.groups.iter().chain([&report.overall]) {
                    text_group(&mut text, group, std::ptr::eq(group, &report.overall), *lang);
                }
                write_lines(out, &text)
            }
            Output::Csv { .. } => Ok(()),
        }
    }

    /// Writes `text` as it is (a partial asked for on standard output).
    fn raw(&mut self, text: &str) -> Result<(), Failure> {
        match self {
            Output::Json { out, .. } | Output::Text { out, .. } => {
                out.write_all(text.as_bytes()).map_err(write_failure)
            }
            Output::Csv { .. } => Ok(()),
        }
    }

    /// Writes the calibration after the rows: a JSON line `{"calibration": …}`, or a text section.
    fn calibration(&mut self, report: &CalibrationReport) -> Result<(), Failure> {
        match self {
            Output::Json { out, provenance } => json_line(out, provenance, "calibration", report),
            Output::Text { out, heading, lang } => {
                if let Some(heading) = heading.take() {
                    write_line(out, &heading)?;
                }
                let mut text = String::new();
                if matches!(lang, Lang::Ja) {
                    calibration_ja(&mut text, report);
                } else {
                    calibration_en(&mut text, report);
                }
                write_lines(out, &text)
            }
            Output::Csv { .. } => Ok(()),
        }
    }

    fn finish(self) -> Result<(), Failure> {
        match self {
            Output::Text { mut out, heading, .. } => {
                if let Some(heading) = heading {
                    write_line(&mut out, &heading)?;
                }
                out.flush().map_err(write_failure)
            }
            Output::Json { mut out, .. } => out.flush().map_err(write_failure),
            Output::Csv { mut writer, .. } => writer.flush().map_err(write_failure),
        }
    }
}

/// Writes `{"<key>": value, "document_version": …, "engine_version": …}` and a newline (the
/// report names its rubric itself).
fn json_line<W: Write, T: Serialize>(
    out: &mut W,
    provenance: &Provenance,
    key: &str,
    value: &T,
) -> Result<(), Failure> {
    let mut line = serde_json::Map::new();
    line.insert(key.to_owned(), serde_json::to_value(value).map_err(write_failure)?);
    line.insert("document_version".to_owned(), provenance.document_version.into());
    line.insert("engine_version".to_owned(), provenance.engine_version.into());
    serde_json::to_writer(&mut *out, &line).map_err(json_failure)?;
    out.write_all(b"\n").map_err(write_failure)
}

fn calibration_en(text: &mut String, report: &CalibrationReport) {
    let _ = writeln!(
        text,
        "calibration: {} ranked, {} would move, {} keep their band",
        report.ranked,
        report.moves.len(),
        report.unchanged
    );
    for cut in &report.cuts {
        let ranks = cut.ranks.map_or("none".to_owned(), |r| format!("ranks {}-{}", r.first, r.last));
        let _ = writeln!(text, "  band {}: {} now, {} under the target ({ranks})", cut.band, cut.current, cut.target);
    }
    for m in &report.moves {
        let _ = write!(text, "  {} rank {}: {} -> {}", m.subject, m.rank, m.from, m.to);
        if !m.above_caps.is_empty() {
            text.push_str(" (above cap ");
            join(text, m.above_caps.iter().map(|c| c.as_str()));
            text.push(')');
        }
        text.push('\n');
    }
}

fn calibration_ja(text: &mut String, report: &CalibrationReport) {
    let _ = writeln!(
        text,
        "調整: {} 人を順位付け、{} 人の段階が変わり、{} 人は変わりません",
        report.ranked,
        report.moves.len(),
        report.unchanged
    );
    for cut in &report.cuts {
        let ranks = cut.ranks.map_or("なし".to_owned(), |r| format!("{}〜{}位", r.first, r.last));
        let _ = writeln!(text, "  段階 {}: 現在 {} 人、目標では {} 人（{ranks}）", cut.band, cut.current, cut.target);
    }
    for m in &report.moves {
        let _ = write!(text, "  {} {}位: {} → {}", m.subject, m.rank, m.from, m.to);
        if !m.above_caps.is_empty() {
            text.push_str("（上限ルール ");
            join(text, m.above_caps.iter().map(|c| c.as_str()));
            text.push_str(" を超える）");
        }
        text.push('\n');
    }
}

fn text_group(text: &mut String, group: &GroupRollup, overall: bool, lang: Lang) {
    let ja = matches!(lang, Lang::Ja);
    let name = match (&group.group, overall, ja) {
        (_, true, true) => "（全員）",
        (_, true, false) => "(everyone)",
        (Some(name), false, _) => name.as_str(),
        (None, false, true) => "（グループなし）",
        (None, false, false) => "(no group)",
    };
    if ja {
        let _ = write!(text, "  {name}: {}人中 {}人を評価", group.subjects, group.evaluated);
    } else {
        let _ = write!(text, "  {name}: {} of {} evaluated", group.evaluated, group.subjects);
    }
    match &group.figures {
        GroupFigures::Shown { mean, median, bands } => {
            if ja {
                let _ = write!(text, ": 平均 {mean:.2}、中央値 {median:.2}");
                for b in bands {
                    let _ = write!(text, "、{} {}人", b.band, b.count);
                }
            } else {
                let _ = write!(text, ": mean {mean:.2}, median {median:.2};");
                for b in bands {
                    let _ = write!(text, " {} {}", b.band, b.count);
                }
            }
        }
        GroupFigures::Suppressed if ja => text.push_str(": 非表示"),
        GroupFigures::Suppressed => text.push_str(": withheld"),
        _ => {}
    }
    text.push('\n');
}

fn text_evaluation(text: &mut String, e: &Evaluation, lang: Lang) {
    let ja = matches!(lang, Lang::Ja);
    let _ = write!(text, "{} {:.2}", e.band, e.shown_total);
    if !e.caps_applied.is_empty() {
        text.push_str(if ja { "、上限ルール: " } else { "; caps: " });
        for (i, cap) in e.caps_applied.iter().enumerate() {
            if i > 0 {
                text.push_str(if ja { "、" } else { ", " });
            }
            text.push_str(cap.cap.as_str());
        }
        if ja {
            let _ = write!(text, "（上限なしなら {:.2}）", e.uncapped_total);
        } else {
            let _ = write!(text, " (uncapped {:.2})", e.uncapped_total);
        }
    }
    if !e.missing.is_empty() {
        text.push_str(if ja { "、欠けたファクト: " } else { "; missing: " });
        for (i, m) in e.missing.iter().enumerate() {
            if i > 0 {
                text.push_str(if ja { "、" } else { ", " });
            }
            let treatment = match (m.treatment, ja) {
                (Treatment::ReadAsZero, true) => "0 として計算",
                (_, true) => "計算から除外",
                (Treatment::ReadAsZero, false) => "read as zero",
                (_, false) => "left out",
            };
            if ja {
                let _ = write!(text, "{}（{treatment}）", m.fact);
            } else {
                let _ = write!(text, "{} ({treatment})", m.fact);
            }
        }
    }
}

/// `text` with every control character (a line end, an escape sequence, …) and every Unicode
/// line separator or bidirectional override written as a Rust escape (`\n`, `\u{1b}`), so text
/// from the input cannot forge a line or restyle the terminal.
fn printable(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes one line of text output, its characters made [`printable`], and a line end.
fn write_line(out: &mut impl Write, text: &str) -> Result<(), Failure> {
    let mut line = printable(text).into_owned();
    line.push('\n');
    out.write_all(line.as_bytes()).map_err(write_failure)
}

/// Writes lines of text output (each ending in `\n`), each made [`printable`].
fn write_lines(out: &mut impl Write, text: &str) -> Result<(), Failure> {
    text.lines().try_for_each(|line| write_line(out, line))
}

fn join<'a>(buffer: &mut String, items: impl Iterator<Item = &'a str>) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            buffer.push(';');
        }
        buffer.push_str(item);
    }
}

fn load_rubric(spec: &str) -> Result<CompiledRubric, Failure> {
    if let Some(name) = spec.strip_prefix(BUILTIN) {
        return teichaku::rules::builtin(name).map_err(|e| unusable(e.message(crate::lang())));
    }
    let path = Path::new(spec);
    // The document limits apply to a rubric file as to any document: its size, each text's
    // length, the nesting, then the rubric's list lengths.
    let text = crate::input::read(path).map_err(|f| unusable(f.message))?;
    let limits = Limits::DEFAULT;
    let lang = crate::lang();
    let rubric = teichaku::rules::parse_rubric_with_limits(&text, &limits)
        .map_err(|e| unusable(format!("{spec}: {}", e.message(lang))))?;
    teichaku::rules::compile_with_limits(rubric, &limits).map_err(|errors| {
        unusable(errors.iter().map(|e| format!("{spec}: {}", e.message(lang))).collect::<Vec<_>>().join("\n"))
    })
}

fn load_target(path: &Path, rubric: &CompiledRubric) -> Result<CalibrationTarget, Failure> {
    let text = crate::input::read(path).map_err(|f| unusable(f.message))?;
    let target: CalibrationTarget = serde_json::from_str(&text).map_err(|e| {
        unusable(match crate::lang() {
            Lang::Ja => format!("{}: {}", path.display(), teichaku_report::json_problem(&e.to_string(), Lang::Ja)),
            _ => format!("{}: {e}", path.display()),
        })
    })?;
    // Check the target against the rubric before reading any row.
    calibrate(rubric, &BatchReport::empty(rubric), &target)
        .map_err(|e| unusable(format!("{}: {}", path.display(), e.message(crate::lang()))))?;
    Ok(target)
}

fn format_of(path: &Path) -> Result<FactsFormat, Failure> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => Ok(FactsFormat::Csv),
        Some("jsonl" | "ndjson") => Ok(FactsFormat::Jsonl),
        _ => Err(unusable(match crate::lang() {
            Lang::Ja => format!(
                "{}: 名前からファクトの形式がわかりません。`.csv` か `.jsonl` のファイルにするか、--facts-format を付けてください",
                path.display()
            ),
            _ => format!(
                "{}: cannot tell the facts' format from the name: use a .csv or .jsonl file, or --facts-format",
                path.display()
            ),
        })),
    }
}

fn open(path: &Path) -> Result<Box<dyn BufRead>, Failure> {
    if path.as_os_str() == "-" {
        #[expect(clippy::disallowed_methods, reason = "the command line reads facts from standard input")]
        let stdin = std::io::stdin();
        return Ok(Box::new(stdin.lock()));
    }
    #[expect(clippy::disallowed_methods, reason = "the command line reads the facts file it is given")]
    let file = std::fs::File::open(path);
    let file = file.map_err(|e| unusable(format!("{}: {}", path.display(), crate::input::cannot_read(&e))))?;
    Ok(Box::new(BufReader::new(file)))
}

fn unusable(message: impl Into<String>) -> Failure {
    Failure { message: message.into(), code: UNUSABLE }
}

fn write_failure(e: impl std::fmt::Display) -> Failure {
    let message = match crate::lang() {
        Lang::Ja => "出力を書き込めません".to_owned(),
        _ => format!("cannot write the output: {e}"),
    };
    Failure { message, code: CANNOT_WRITE }
}

fn json_failure(e: serde_json::Error) -> Failure {
    let message = match crate::lang() {
        Lang::Ja => "JSON を書き出せません".to_owned(),
        _ => format!("cannot write JSON: {e}"),
    };
    Failure { message, code: CANNOT_WRITE }
}

/// A line that cannot be read: the input is unusable from there.
fn cannot_read_line(line: u64, e: &std::io::Error) -> Failure {
    unusable(match crate::lang() {
        Lang::Ja => format!("{line}行目: {}", crate::input::cannot_read(e)),
        _ => format!("line {line}: cannot read: {e}"),
    })
}

fn say(en: &'static str, ja: &'static str) -> &'static str {
    crate::say(en, ja)
}

/// A line on standard error, as rows are read, its characters made [`printable`]. A standard
/// error that cannot be written is no reason to stop (nor to panic): every note is also in the
/// output.
fn note(message: &str) {
    let mut line = printable(message).into_owned();
    line.push('\n');
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
