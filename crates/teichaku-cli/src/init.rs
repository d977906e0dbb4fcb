//! `teichaku init`: an assessment document from the organisation's HR member list (CSV or
//! XLSX), naming members by employee number and units by department path.

use std::io::Read;
use std::path::PathBuf;

use chrono::NaiveDate;
use teichaku::model::{DeploymentPattern, PlaybookCatalog, PlaybookId, UtcOffset};
use teichaku::{Catalog, LoadOptions};
use teichaku_import::{Encoding, ImportError, ImportOptions, RoleTable, SourceFormat, import_members};

use crate::Failure;

/// The arguments of `teichaku init`.
#[derive(clap::Args, Debug)]
pub(crate) struct Request {
    /// The member list: a CSV (UTF-8, UTF-8 with BOM or Shift-JIS) or XLSX file, or `-` for
    /// standard input.
    #[arg(long = "members", value_name = "FILE")]
    members: PathBuf,
    /// The built-in playbook the organisation follows.
    #[arg(long, default_value = "sme-five-step", value_name = "ID")]
    playbook: String,
    /// The CSV's encoding; detected when left out (UTF-8 if the bytes are UTF-8, else Shift-JIS).
    #[arg(long, value_name = "ENCODING", value_parser = ["utf-8", "shift_jis"])]
    encoding: Option<String>,
    /// A CSV of positions and roles (`役職,ロール` then `主任,manager`), searched before the
    /// default table.
    #[arg(long, value_name = "FILE")]
    roles: Option<PathBuf>,
    /// Where to write the document; standard output when left out.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The organisation's name.
    #[arg(long, default_value = "Organisation")]
    name: String,
    /// The organisation's offset from UTC, in which days are counted.
    #[arg(long = "utc-offset", default_value = "+09:00", value_name = "OFFSET")]
    utc_offset: String,
    /// The day the AI tools became available; today (in the offset) when left out.
    #[arg(long = "launch-date", value_name = "DATE")]
    launch_date: Option<NaiveDate>,
    /// The day ages are reckoned on from a birth year; today (in the offset) when left out.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<NaiveDate>,
}

pub(crate) fn run(req: &Request, catalog: &Catalog, out: &mut String) -> Result<u8, Failure> {
    let offset: UtcOffset = serde_json::from_value(serde_json::Value::String(req.utc_offset.clone()))
        .map_err(|e| Failure::input(format!("--utc-offset: {e}")))?;
    let today = crate::today(offset);
    let playbook = PlaybookId::new(&req.playbook)
        .ok()
        .filter(|id| catalog.playbook(id).is_some())
        .ok_or_else(|| Failure::input(format!("unknown playbook `{}`", req.playbook)))?;
    let name = req.members.display().to_string();
    let data = read_bytes(&req.members)?;
    let mut options = ImportOptions::new(req.as_of.unwrap_or(today));
    options.playbook = playbook;
    options.name.clone_from(&req.name);
    options.utc_offset = offset;
    options.launch_date = req.launch_date.unwrap_or(today);
    options.deployment_pattern = DeploymentPattern::Hybrid;
    options.encoding = req.encoding.as_deref().map(|e| e.parse::<Encoding>()).transpose().map_err(Failure::input)?;
    options.format = SourceFormat::from_file_name(&name);
    if let Some(path) = &req.roles {
        let text = crate::input::read(path)?;
        options.roles = RoleTable::with_csv(&text).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    }
    let imported = import_members(&data, &options).map_err(|e| match e {
        ImportError::BadRows { .. } => Failure::input(format!("{name}: {e}")),
        other => Failure::input(format!("{name}: {other}")),
    })?;
    let text = imported.json.clone();
    // The document written is one `assess` reads: checked here, not left to the next command.
    teichaku::load_with(text.as_str(), catalog, &std::collections::BTreeMap::new(), &LoadOptions::default())
        .map_err(|e| Failure { message: format!("{name}: the document made is not valid: {e}"), code: 3 })?;
    for column in &imported.ignored_columns {
        eprint_note(&format!("{name}: column `{column}` is not read"));
    }
    match &req.out {
        None => *out = text,
        Some(path) => {
            #[expect(clippy::disallowed_methods, reason = "the command line writes the document it was asked for")]
            let written = std::fs::write(path, text.as_bytes());
            written.map_err(|e| Failure { message: format!("{}: cannot write: {e}", path.display()), code: 3 })?;
        }
    }
    Ok(0)
}

/// A note on standard error that does not stop the command.
fn eprint_note(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "note: {}", crate::render::clean(text));
}

/// The bytes of `path`, or of standard input for `-`, up to the import's limit.
fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    let limit = teichaku_import::MAX_INPUT_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        #[expect(clippy::disallowed_methods, reason = "the command line reads the member list from standard input")]
        let stdin = std::io::stdin();
        stdin.lock().take(limit).read_to_end(&mut bytes)
    } else {
        #[expect(clippy::disallowed_methods, reason = "the command line reads the member list it is given")]
        let file = std::fs::File::open(path);
        file.and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    result.map_err(|e| Failure::input(format!("{}: cannot read: {e}", path.display())))?;
    Ok(bytes)
}
