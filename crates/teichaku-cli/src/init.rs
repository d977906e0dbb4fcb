//! `teichaku init`: an assessment document from the organisation's HR member list (CSV or
//! XLSX), naming members by employee number and units by department path.

use std::io::Read;
use std::path::PathBuf;

use chrono::NaiveDate;
use teichaku::model::{DeploymentPattern, Lang, PlaybookCatalog, PlaybookId, UtcOffset};
use teichaku::{Catalog, LoadOptions};
use teichaku_import::{Encoding, ImportOptions, RoleTable, SourceFormat, import_members};
use teichaku_report::Message;

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

pub(crate) fn run(req: &Request, catalog: &Catalog, lang: Lang, out: &mut String) -> Result<u8, Failure> {
    let ja = matches!(lang, Lang::Ja);
    let offset: UtcOffset = serde_json::from_value(serde_json::Value::String(req.utc_offset.clone())).map_err(|e| {
        Failure::input(if ja {
            format!("--utc-offset: `{}`は時差ではありません（+09:00 のように書いてください）", req.utc_offset)
        } else {
            format!("--utc-offset: {e}")
        })
    })?;
    let today = crate::today(offset);
    let playbook =
        PlaybookId::new(&req.playbook).ok().filter(|id| catalog.playbook(id).is_some()).ok_or_else(|| {
            Failure::input(if ja {
                format!("プレイブック `{}`はありません", req.playbook)
            } else {
                format!("unknown playbook `{}`", req.playbook)
            })
        })?;
    let name = req.members.display().to_string();
    let data = read_bytes(&req.members)?;
    let mut options = ImportOptions::new(req.as_of.unwrap_or(today));
    options.playbook = playbook;
    options.name.clone_from(&req.name);
    options.utc_offset = offset;
    options.launch_date = req.launch_date.unwrap_or(today);
    options.deployment_pattern = DeploymentPattern::Hybrid;
    options.encoding = req.encoding.as_deref().map(|e| e.parse::<Encoding>()).transpose().map_err(|e| {
        Failure::input(if ja { "--encoding: 読めない文字コードの名前です".to_owned() } else { e })
    })?;
    options.format = SourceFormat::from_file_name(&name);
    if let Some(path) = &req.roles {
        let text = crate::input::read(path)?;
        options.roles = RoleTable::with_csv(&text)
            .map_err(|e| Failure::input(format!("{}: {}", path.display(), e.message(lang))))?;
    }
    let imported =
        import_members(&data, &options).map_err(|e| Failure::input(format!("{name}: {}", e.message(lang))))?;
    let text = imported.json.clone();
    // The document written is one `assess` reads: checked here, not left to the next command.
    teichaku::load_with(text.as_str(), catalog, &std::collections::BTreeMap::new(), &LoadOptions::default()).map_err(
        |e| Failure {
            message: if ja {
                format!("{name}: 作った文書が有効ではありません: {}", e.message(lang))
            } else {
                format!("{name}: the document made is not valid: {e}")
            },
            code: 3,
        },
    )?;
    for column in &imported.ignored_columns {
        if ja {
            eprint_note(lang, &format!("{name}: 列 `{column}`は読みません"));
        } else {
            eprint_note(lang, &format!("{name}: column `{column}` is not read"));
        }
    }
    match &req.out {
        None => *out = text,
        Some(path) => {
            #[expect(clippy::disallowed_methods, reason = "the command line writes the document it was asked for")]
            let written = std::fs::write(path, text.as_bytes());
            written.map_err(|e| Failure {
                message: if ja {
                    format!("{}: 書き込めません", path.display())
                } else {
                    format!("{}: cannot write: {e}", path.display())
                },
                code: 3,
            })?;
        }
    }
    Ok(0)
}

/// A note on standard error that does not stop the command.
fn eprint_note(lang: Lang, text: &str) {
    use std::io::Write as _;
    let label = if matches!(lang, Lang::Ja) { "注意" } else { "note" };
    let _ = writeln!(std::io::stderr().lock(), "{label}: {}", crate::render::clean(text));
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
    result.map_err(|e| Failure::input(format!("{}: {}", path.display(), crate::input::cannot_read(&e))))?;
    Ok(bytes)
}
