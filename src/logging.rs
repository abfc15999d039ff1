//! The diagnostics log: written through tracing to a file, never to the terminal the UI draws
//! on, and never with the token (which lives in a `Secret` whose `Debug` is redacted).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The default log file: the platform state dir (or cache dir) + `swlog.log`.
pub fn default_path() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "swlog")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("swlog.log"))
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
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    let filter = EnvFilter::try_new(format!("warn,swlog={}", level.as_deref().unwrap_or("info")))
        .unwrap_or_else(|_| EnvFilter::new("warn,swlog=info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .init();
    Ok(())
}
