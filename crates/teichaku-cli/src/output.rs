//! Standard output that reports every failure to write: a closed standard output (`>&-`), a
//! full disk (`>/dev/full`), a pipe whose reader has gone. Each ends the command with exit code
//! 3 and a message on standard error, never a silent exit 0.

use std::io::Write;
use std::process::ExitCode;

/// The exit code of a command whose output cannot be written.
pub(crate) const CANNOT_WRITE: u8 = 3;

/// Standard output, opened so that writing to it reports every error.
pub(crate) struct Stdout {
    #[cfg(unix)]
    file: std::fs::File,
}

impl Stdout {
    /// Standard output, or why it cannot be written to.
    ///
    /// # Errors
    ///
    /// When standard output is closed.
    pub(crate) fn open() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            // A duplicate of descriptor 1: closed, it cannot be duplicated (EBADF), which the
            // standard library's `Stdout` would otherwise take for success on every write.
            let fd = std::io::stdout().as_fd().try_clone_to_owned().map_err(|e| {
                std::io::Error::new(e.kind(), format!("standard output is closed ({e})"))
            })?;
            Ok(Self { file: std::fs::File::from(fd) })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Writes `bytes` and flushes them.
    ///
    /// # Errors
    ///
    /// Any error writing.
    pub(crate) fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        #[cfg(unix)]
        let mut out = &self.file;
        #[cfg(not(unix))]
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }
}

/// Says on standard error that the output cannot be written, and ends with [`CANNOT_WRITE`].
pub(crate) fn cannot_write(e: &std::io::Error) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "cannot write the output: {e}");
    ExitCode::from(CANNOT_WRITE)
}
