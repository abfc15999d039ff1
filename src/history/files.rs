//! The history directory's shared file plumbing: the name of `history.json`, atomic writes,
//! syncing a directory, moving a damaged file aside, and the test hook that fails a write.
//! [`super::store`] (`history.json`), [`super::cache`] and [`super::journal`] build on it; it
//! knows none of them.

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;

/// The history file's name inside the data directory.
pub(super) const FILE: &str = "history.json";
/// Prefix of temporary files; anything with it is a write that never finished.
pub(super) const TMP_PREFIX: &str = ".swlog-tmp-";

/// Where a write may be made to fail in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultPoint {
    /// Before the temp file is written: a full disk.
    BeforeWrite,
    /// After the temp file is written and synced, before the rename: a crash at the worst time.
    BeforeRename,
}

/// A test hook that can fail a write at a [`FaultPoint`].
pub(crate) type Fault = Arc<dyn Fn(FaultPoint, &Path) -> io::Result<()> + Send + Sync>;

/// Creates the data directory (mode 0700) and its cache directory when missing.
pub(super) fn ensure_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Renames `dir/name` (`history.json` or its journal) to `<name>.corrupt-<UTC time>`, never
/// over an existing file.
pub(super) fn move_aside(dir: &Path, name: &str) -> io::Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let base = format!("{name}.corrupt-{stamp}");
    let mut target = dir.join(&base);
    let mut n = 1;
    // Only swlog (holding the lock) makes these names, so checking first is not racy.
    while target.symlink_metadata().is_ok() {
        target = dir.join(format!("{base}-{n}"));
        n += 1;
    }
    fs::rename(dir.join(name), &target)?;
    sync_dir(dir)?;
    Ok(target)
}

/// Whether a write must survive a crash of the machine, or only of swlog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Durability {
    /// fsync the file before the rename and the directory after: the history itself.
    Synced,
    /// Rename only. A crash of swlog still leaves the old file or the new one; a crash of the
    /// machine may lose the new one, or leave it empty, which reads as no file. For the cache,
    /// where a lost body is fetched again: its two fsyncs were half the time of each lookup
    /// that `swlog get` records (200 IDs: 417 ms, most of it fsync).
    Unsynced,
}

/// Replaces `dir/name` with `bytes` so that a crash at any moment leaves the old file or the new
/// one, never a torn one: temp file in the same directory (mode 0600), fsync, rename, fsync the
/// directory (the fsyncs only when `durability` asks for them). `modified`, when given, becomes
/// the file's modification time.
pub(super) fn write_atomic(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    durability: Durability,
    fault: Option<&Fault>,
    modified: Option<std::time::SystemTime>,
) -> io::Result<()> {
    let target = dir.join(name);
    if let Some(f) = fault {
        f(FaultPoint::BeforeWrite, &target)?;
    }
    // tempfile creates the file with mode 0600 and removes it if we return early.
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Some(time) = modified {
        tmp.as_file()
            .set_times(fs::FileTimes::new().set_modified(time))?;
    }
    if durability == Durability::Synced {
        tmp.as_file().sync_all()?;
    }
    if let Some(f) = fault {
        f(FaultPoint::BeforeRename, &target)?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    match durability {
        Durability::Synced => sync_dir(dir),
        Durability::Unsynced => Ok(()),
    }
}

/// Makes a rename in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Directories cannot be opened as files elsewhere; the rename is as durable as it gets.
        let _ = dir;
        Ok(())
    }
}
