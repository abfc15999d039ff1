//! The index file: refused when something other than a regular file is in its place, moved
//! aside when damaged, and opened in WAL mode with a busy timeout so that two swlogs can read
//! and write it at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::error::{IndexError, Result};
use super::schema;
use crate::fsx;

/// How long a statement waits for another process's write to finish before giving up. Writes
/// are one page of rows each (milliseconds), so this is only reached by a hung process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A damaged index that was moved aside and replaced by a fresh one: tell the user once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the index was damaged ({reason}): moved aside to {}, a new one was started{}", moved_to.display(), kept(*history_kept))]
pub struct Recovered {
    /// Where the damaged file now is, bytes intact.
    pub moved_to: PathBuf,
    /// What was wrong.
    pub reason: String,
    /// How many lookups of the history could still be read and were copied into the new file.
    pub history_kept: usize,
}

/// How a recovery names the lookups it kept.
fn kept(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (the 1 lookup of the history that could be read was kept)".to_owned(),
        n => format!(" (the {n} lookups of the history that could be read were kept)"),
    }
}

/// A fresh file at `path` after the damaged one was moved aside, with what could be read of
/// the history copied over from it.
pub(super) fn fresh(path: &Path, mut recovered: Recovered) -> Result<(Connection, Recovered)> {
    // Private as a first file is: SQLite would create it with the umask's mode.
    create_private(path)?;
    let mut conn = connect(path)?;
    recovered.history_kept = super::salvage::salvage(&mut conn, &recovered.moved_to);
    Ok((conn, recovered))
}

/// Opens (creating if needed) the index at `path`, moving a damaged file aside first. The
/// history shares the file and opens it through here too.
pub(crate) fn open(path: &Path) -> Result<(Connection, Option<Recovered>)> {
    refuse_other_kinds(path)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| IndexError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    create_private(path)?;
    if let Some(reason) = truncated(path) {
        let (conn, recovered) = fresh(path, move_aside(path, reason)?)?;
        return Ok((conn, Some(recovered)));
    }
    match connect(path) {
        Ok(conn) => Ok((conn, None)),
        Err(e) if e.is_corrupt() => {
            let (conn, recovered) = fresh(path, move_aside(path, e.to_string())?)?;
            Ok((conn, Some(recovered)))
        }
        Err(e) => Err(e),
    }
}

/// Creates the file, when there is none, readable by this user only (the history's notes are
/// the user's own): SQLite would create it with the umask's mode, and its WAL takes the mode of
/// the file.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(IndexError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// After an operation found the file damaged: moves it aside and opens a fresh one in its
/// place, what could be read of the history copied over.
pub(crate) fn recover(path: &Path, reason: String) -> Result<(Connection, Recovered)> {
    fresh(path, move_aside(path, reason)?)
}

/// Anything but a regular file (or nothing) at `path` is left alone and refused.
fn refuse_other_kinds(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(IndexError::NotAFile {
            path: path.to_path_buf(),
            what: fsx::describe(meta.file_type()),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(IndexError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Set by [`leave_wal_on_close`].
static LEAVE_WAL: AtomicBool = AtomicBool::new(false);

/// Makes this process's connections leave the WAL as it is when they close, for a short command
/// that writes as it goes (`swlog get`): the last connection's checkpoint was three fsyncs (some
/// 7–15 ms on a VM's disk) on the way out of every batch, more than its history writes cost.
/// The commits are in the WAL either way; the next swlog to open the file reads them from
/// there, and folds them in as the WAL grows (every 1,000 pages, SQLite's default) or when it
/// closes.
pub(crate) fn leave_wal_on_close() {
    LEAVE_WAL.store(true, Ordering::Relaxed);
}

/// A connection set up for the index: NOFOLLOW (a symbolic link swapped in after the check is
/// still refused), busy timeout, WAL, schema migrated.
pub(super) fn connect(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| {
        // SQLite says only "unable to open"; name what is there when we can.
        match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.file_type().is_file() => IndexError::NotAFile {
                path: path.to_path_buf(),
                what: fsx::describe(meta.file_type()),
            },
            _ => IndexError::from(e),
        }
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    if pages == 0 {
        // Only possible before the first table: lets prune give space back to the disk.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    }
    let mode = switch_to_wal(&conn)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(mode, "the index is not in WAL mode");
    }
    // In WAL mode NORMAL loses no committed transaction to a killed process, only (perhaps) the
    // last ones to a power cut, and saves an fsync per page of rows.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    if LEAVE_WAL.load(Ordering::Relaxed) {
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    }
    schema::migrate(&mut conn, path)?;
    Ok(conn)
}

/// `PRAGMA journal_mode = WAL`, waited for as the busy timeout would. On a new file that other
/// processes open at the same moment, the switch needs the file to itself, and SQLite answers
/// "database is locked" at once there instead of calling the busy handler: one swlog of several
/// started together on a new machine lost its history to it. Once the file is in WAL mode (it
/// stays so), the pragma changes nothing and takes no lock.
fn switch_to_wal(conn: &Connection) -> Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(mode) => return Ok(mode),
            Err(e) => match IndexError::from(e) {
                IndexError::Busy if started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                e => return Err(e),
            },
        }
    }
}

/// Why the file at `path` is damaged, if its header says so: shorter than the header, not an
/// SQLite header, or shorter than the page count it records (checked only without a WAL, which
/// may legitimately hold the missing pages mid-checkpoint).
fn truncated(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let len = meta.len();
    if len == 0 {
        return None;
    }
    let mut header = [0u8; 100];
    let read = read_head(path, &mut header)?;
    if read < header.len() {
        return Some(format!("only {len} bytes, shorter than a database header"));
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Some("not an SQLite database".to_owned());
    }
    let wal = sibling(path, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return None;
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    // The page count is valid only when the change counter matches "version-valid-for".
    let valid = header[24..28] == header[92..96];
    let expected = page_size * pages;
    (valid && len < expected).then(|| format!("truncated: {len} bytes of {expected}"))
}

/// The handles [`read_head`] read through, one per file (device and inode), kept open for the
/// life of the process: on Linux, closing any handle to a file drops every POSIX lock this
/// process holds on it, SQLite's own among them. The header read when a second connection
/// opened (the inspector's save thread, a batch's writer) then left the first one holding no
/// lock, and another program's SQLite, seeing nobody, deleted the WAL under a running inspector.
#[cfg(unix)]
static HEADS: std::sync::Mutex<Vec<((u64, u64), std::fs::File)>> =
    std::sync::Mutex::new(Vec::new());

/// Reads the start of the file at `path` into `buf` (a regular file only, never through a
/// link) without ever closing a handle to it; returns how many bytes were read.
#[cfg(unix)]
fn read_head(path: &Path, buf: &mut [u8]) -> Option<usize> {
    use std::os::unix::fs::{FileExt as _, MetadataExt as _};
    let meta = std::fs::symlink_metadata(path).ok()?;
    let mut heads = HEADS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let at = match heads
        .iter()
        .position(|(k, _)| *k == (meta.dev(), meta.ino()))
    {
        Some(at) => at,
        None => {
            let file = fsx::open_regular(path, fsx::Links::Refuse).ok()?;
            let opened = file.metadata().ok()?;
            heads.push(((opened.dev(), opened.ino()), file));
            heads.len() - 1
        }
    };
    let file = &heads[at].1;
    let mut read = 0;
    while read < buf.len() {
        match file.read_at(&mut buf[read..], read as u64) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return None,
        }
    }
    Some(read)
}

#[cfg(not(unix))]
fn read_head(path: &Path, buf: &mut [u8]) -> Option<usize> {
    use std::io::Read as _;
    let mut file = fsx::open_regular(path, fsx::Links::Refuse).ok()?;
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return None,
        }
    }
    Some(read)
}

/// `path` with `suffix` appended to its file name.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Moves a damaged index (and its WAL) aside as `<name>.corrupt-<UTC time>`; the shared-memory
/// file is derived and removed. Only a regular file is ever moved.
pub(super) fn move_aside(path: &Path, reason: String) -> Result<Recovered> {
    refuse_other_kinds(path)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut target = sibling(path, &format!(".corrupt-{stamp}"));
    let mut n = 1;
    while std::fs::symlink_metadata(&target).is_ok() {
        n += 1;
        target = sibling(path, &format!(".corrupt-{stamp}-{n}"));
    }
    let io = |source| IndexError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::rename(path, &target).map_err(io)?;
    let wal = sibling(path, "-wal");
    if std::fs::symlink_metadata(&wal).is_ok_and(|m| m.file_type().is_file()) {
        std::fs::rename(&wal, sibling(&target, "-wal")).map_err(io)?;
    }
    let shm = sibling(path, "-shm");
    if std::fs::symlink_metadata(&shm).is_ok_and(|m| m.file_type().is_file()) {
        std::fs::remove_file(&shm).map_err(io)?;
    }
    tracing::warn!(moved_to = %target.display(), reason, "damaged index moved aside");
    Ok(Recovered {
        moved_to: target,
        reason,
        history_kept: 0,
    })
}
