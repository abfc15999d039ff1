//! The diagnostics log: written through tracing to a file, never to the terminal the UI draws
//! on, and never with the token (which lives in a `Secret` whose `Debug` is redacted).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing_subscriber::EnvFilter;

/// The default log file: the platform state dir (or cache dir) + `swlog.log`.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "swlog")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("swlog.log"))
}

/// How many writes to the log failed (a full disk, `/dev/full`).
static FAILURES: AtomicU64 = AtomicU64::new(0);

/// Called once, at the first failed write, so that a waiting loop wakes to say so.
static ON_FIRST_FAILURE: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>> =
    std::sync::OnceLock::new();

/// Registers what to call at the first failed write (only the first registration counts).
pub fn on_first_failure(f: impl Fn() + Send + Sync + 'static) {
    let _ = ON_FIRST_FAILURE.set(Box::new(f));
}

/// Counts a failed write, waking whoever asked at the first.
fn failed() {
    if FAILURES.fetch_add(1, Ordering::Relaxed) == 0
        && let Some(f) = ON_FIRST_FAILURE.get()
    {
        f();
    }
}

/// How many writes to the diagnostics log have failed so far in this process.
pub fn write_failures() -> u64 {
    FAILURES.load(Ordering::Relaxed)
}

/// The log file, with every failure counted and swallowed: tracing-subscriber prints a failed
/// write's error on stderr, which is the screen the inspector draws on.
struct Swallowing<W>(W);

impl<W: Write> Write for Swallowing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.write_all(buf).is_err() {
            failed();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.0.flush().is_err() {
            failed();
        }
        Ok(())
    }
}

/// Opens the log for appending: a regular file, or a character device such as `/dev/null` or
/// `/dev/stderr`. A FIFO is refused: opening one for writing blocks until a reader comes, and
/// writing to one blocks when nobody reads.
fn open_log(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options
        .open(path)
        .map_err(|e| match std::fs::metadata(path) {
            // Opening a FIFO that nobody reads fails (ENXIO) with words that do not say so.
            Ok(m) if !m.is_file() => std::io::Error::other(format!(
                "{} is {}, not a regular file",
                path.display(),
                crate::fsx::describe(m.file_type())
            )),
            _ => std::io::Error::new(e.kind(), format!("{}: {e}", path.display())),
        })?;
    let kind = file.metadata()?.file_type();
    #[cfg(unix)]
    let usable = kind.is_file() || std::os::unix::fs::FileTypeExt::is_char_device(&kind);
    #[cfg(not(unix))]
    let usable = kind.is_file();
    if !usable {
        return Err(std::io::Error::other(format!(
            "{} is {}, not a regular file",
            path.display(),
            crate::fsx::describe(kind)
        )));
    }
    #[cfg(unix)]
    {
        // Non-blocking was for the open only: a terminal as the log must not drop lines.
        let flags = rustix::fs::fcntl_getfl(&file)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK)?;
    }
    Ok(file)
}

/// Starts logging when `--log-file` is given or `SWLOG_LOG` is set; otherwise does nothing.
pub fn init(log_file: Option<&Path>) -> std::io::Result<()> {
    let level = std::env::var("SWLOG_LOG").ok().filter(|s| !s.is_empty());
    if log_file.is_none() && level.is_none() {
        return Ok(());
    }
    let path = match log_file {
        Some(p) => p.to_path_buf(),
        None => default_path()
            .ok_or_else(|| std::io::Error::other("no state directory on this platform"))?,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = open_log(&path)?;
    let filter = EnvFilter::try_new(format!("warn,swlog={}", level.as_deref().unwrap_or("info")))
        .unwrap_or_else(|_| EnvFilter::new("warn,swlog=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(Swallowing(file)))
        .init();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_log_write_is_counted_swallowed_and_announced_once() {
        let calls = std::sync::Arc::new(AtomicU64::new(0));
        let seen = calls.clone();
        on_first_failure(move || {
            seen.fetch_add(1, Ordering::Relaxed);
        });
        let before = write_failures();
        let full = open_log(Path::new("/dev/full")).unwrap();
        let mut log = Swallowing(full);
        assert_eq!(log.write(b"a line\n").unwrap(), 7);
        assert_eq!(log.write(b"another\n").unwrap(), 8);
        assert!(log.flush().is_ok());
        assert!(write_failures() >= before + 2);
        assert_eq!(calls.load(Ordering::Relaxed), 1, "announced once");
    }
}
