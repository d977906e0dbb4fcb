//! Standard output that reports every failure to write: a closed standard output (`>&-`), a
//! full disk (`>/dev/full`), a pipe whose reader has gone. Each ends the command with exit code
//! 3 and a message on standard error, never a silent exit 0.
//!
//! A Rust program started with descriptor 1 closed finds `/dev/null` there: the standard library
//! opens it, read-write, in place of each closed standard descriptor before `main`. On Linux
//! that is told apart from a caller's own `>/dev/null` (write-only) by the descriptor's access
//! mode in `/proc/self/fdinfo/1`; elsewhere a closed standard output writes nowhere unnoticed.

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
        if closed_before_start() {
            return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "standard output is closed"));
        }
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            // A duplicate of descriptor 1: closed, it cannot be duplicated (EBADF), which the
            // standard library's `Stdout` would otherwise take for success on every write.
            let fd = std::io::stdout()
                .as_fd()
                .try_clone_to_owned()
                .map_err(|e| std::io::Error::new(e.kind(), format!("standard output is closed ({e})")))?;
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

impl Stdout {
    /// Writes `value` as pretty JSON and a line break as it is serialised, through a buffer: the
    /// same bytes as [`crate::json`], without holding the whole text (1.9 GB for an assessment at
    /// the instance limit) in memory.
    ///
    /// # Errors
    ///
    /// Any error writing; serialising itself does not fail for the engine's types.
    pub(crate) fn write_json<T: serde::Serialize + ?Sized>(&self, value: &T) -> std::io::Result<()> {
        #[cfg(unix)]
        let sink = &self.file;
        #[cfg(not(unix))]
        let sink = std::io::stdout().lock();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, sink);
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        out.flush()
    }
}

/// Whether descriptor 1 was closed when the program started: it is then the `/dev/null` the
/// standard library opened read-write in its place.
#[cfg(target_os = "linux")]
fn closed_before_start() -> bool {
    let null = std::fs::read_link("/proc/self/fd/1").is_ok_and(|target| target == std::path::Path::new("/dev/null"));
    #[expect(clippy::disallowed_methods, reason = "the command line reads how its own output was opened")]
    let info = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
    let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).map(str::trim);
    // O_ACCMODE is 3 and O_RDWR 2; the flags are written in octal.
    let read_write = flags.and_then(|f| u32::from_str_radix(f, 8).ok()).is_some_and(|f| f & 3 == 2);
    null && read_write
}

#[cfg(not(target_os = "linux"))]
fn closed_before_start() -> bool {
    false
}

/// Says on standard error that the output cannot be written, and ends with [`CANNOT_WRITE`].
pub(crate) fn cannot_write(e: &std::io::Error) -> ExitCode {
    let mut stderr = std::io::stderr().lock();
    match crate::lang() {
        teichaku::model::Lang::Ja => {
            let why = match e.kind() {
                std::io::ErrorKind::BrokenPipe => "出力先が閉じています",
                std::io::ErrorKind::StorageFull => "書き込み先に空きがありません",
                _ => "書き込みに失敗しました",
            };
            let _ = writeln!(stderr, "出力を書き込めません: {why}");
        }
        _ => {
            let _ = writeln!(stderr, "cannot write the output: {e}");
        }
    }
    ExitCode::from(CANNOT_WRITE)
}
