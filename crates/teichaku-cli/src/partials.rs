//! Reading and writing the partials that `kpis` and `evaluate` compute over one shard of their
//! input and merge over all of them (`docs/scale.md`).

use std::io::Read;
use std::path::Path;

use crate::{Failure, say};

/// Reads a partial's text, at most `limit` bytes (one more is read, so the reader can tell it
/// is too long).
pub(crate) fn read(path: &Path, limit: usize) -> Result<String, Failure> {
    #[expect(clippy::disallowed_methods, reason = "the command line reads the partials it is given")]
    let file = std::fs::File::open(path);
    let mut bytes = Vec::new();
    let read = file.and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(Failure::input(format!("{}: {} ({e})", path.display(), say("cannot read", "読めません"))));
    }
    String::from_utf8(bytes).map_err(|_| {
        Failure::input(format!("{}: {}", path.display(), say("not UTF-8 text", "UTF-8 のテキストではありません")))
    })
}

/// Writes a partial's text to `path`, or returns it for standard output when `path` is `-`.
pub(crate) fn write(path: &Path, text: &str) -> Result<Option<String>, Failure> {
    if path.as_os_str() == "-" {
        return Ok(Some(format!("{text}\n")));
    }
    #[expect(clippy::disallowed_methods, reason = "the command line writes the partial it was asked for")]
    let written = std::fs::write(path, format!("{text}\n"));
    written
        .map_err(|e| Failure::input(format!("{}: {} ({e})", path.display(), say("cannot write", "書き込めません"))))?;
    Ok(None)
}

/// A partial that cannot be used, named by its file.
pub(crate) fn failure(path: &Path, message: &str) -> Failure {
    Failure::input(format!("{}: {message}", path.display()))
}
