//! The history's file: `history.json`, its lock, and reading a file that may be damaged or from
//! a newer swlog. Knows bytes and paths; what the entries mean is `mod.rs`'s job, the shared
//! plumbing (atomic writes, moving aside) is [`super::files`]'s, the body cache
//! [`super::cache`]'s.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Entry;
use super::cache::CACHE;
use super::files::{Durability, FILE, Fault, FaultPoint, TMP_PREFIX, move_aside, write_atomic};
pub(super) use super::journal::places;
use super::journal::{self, Replayed};
use crate::fsx::{self, Links};

/// The lock file's name. A separate file because `history.json` is replaced by rename, and a
/// lock on a replaced file protects nothing.
const LOCK: &str = "history.lock";
/// The format this swlog writes and fully understands.
pub(super) const VERSION: u64 = 2;

/// The oldest format this swlog reads: format 1 kept a type's label where 2 keeps the `type`
/// as sent ([`super::summary`] migrates it).
const OLDEST: u64 = 1;
/// How long to wait for another swlog to finish writing before giving up on this save.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// The largest `history.json` a run reads: some 60,000 entries, ten times the most a default
/// limit keeps. A larger one is left alone until `swlog history prune` trims it.
pub(super) const MAX_HISTORY_BYTES: u64 = 16 * 1024 * 1024;
/// The largest `history.json` that `swlog history prune` reads.
pub(super) const MAX_PRUNED_BYTES: u64 = 1024 * 1024 * 1024;

/// The file as written: versioned so that a later swlog can migrate it.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u64,
    /// New at each rewrite: what a journal names to say which file it extends.
    tag: &'a str,
    entries: &'a [Entry],
}

/// What reading `history.json` found.
#[derive(Debug)]
pub(super) enum Read {
    /// The entries (none when there is no file yet).
    Entries(Vec<Entry>),
    /// The file was damaged and has been moved aside; these entries could still be read, and
    /// must be written back at once or they are lost.
    Salvaged {
        entries: Vec<Entry>,
        moved_to: PathBuf,
        detail: String,
    },
    /// The file must not be written over: it is from a newer swlog, or it is damaged and could
    /// not be moved aside.
    Blocked(String),
    /// `history.json` could be read but its journal must not be touched (a newer swlog's, or
    /// not a regular file): the file's entries, to be shown but not written over.
    JournalBlocked { reason: String, entries: Vec<Entry> },
}

/// An exclusive lock on the history, held until dropped.
pub(super) struct Lock(File);

impl Drop for Lock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first just makes it prompt.
        let _ = self.0.unlock();
    }
}

/// Takes the history lock, waiting up to [`LOCK_WAIT`] for another swlog to finish.
pub(super) fn lock(dir: &Path) -> io::Result<Lock> {
    let path = dir.join(LOCK);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    // A read-only directory can still hold a lock file made earlier; flock works on a read-only
    // descriptor.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // A FIFO in its place must not block the open.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options
        .open(&path)
        .or_else(|_| fsx::open_regular(&path, Links::Follow))?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::other(format!(
            "{} is {}, not a regular file",
            path.display(),
            fsx::describe(kind)
        )));
    }
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Lock(file)),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "another swlog held the history lock for over a second",
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// The file as this swlog writes it, read straight into entries.
#[derive(Deserialize)]
struct FileIn {
    version: u64,
    #[serde(default)]
    tag: Option<String>,
    entries: Vec<Entry>,
}

/// Reads `history.json` under the lock with its journal applied, moving a damaged file aside; a
/// file over `cap` bytes is not read. Also gives the file's tag, which a journal names.
pub(super) fn read(dir: &Path, cap: u64) -> (Read, Option<String>) {
    let mut tag = None;
    let read = read_file(dir, cap, &mut tag);
    let Read::Entries(mut entries) = read else {
        return (read, None);
    };
    let read = match journal::read(dir, tag.as_deref(), &mut entries, cap) {
        Replayed::Whole => Read::Entries(entries),
        Replayed::Blocked(reason) => Read::JournalBlocked { reason, entries },
        Replayed::Damaged(detail) => match move_aside(dir, journal::JOURNAL) {
            Ok(moved_to) => Read::Salvaged {
                entries,
                moved_to,
                detail,
            },
            Err(e) => Read::Blocked(format!(
                "{} is damaged ({detail}) and could not be moved aside ({e})",
                dir.join(journal::JOURNAL).display()
            )),
        },
    };
    (read, tag)
}

/// Reads `history.json` alone; `tag` becomes its tag, when it has one.
fn read_file(dir: &Path, cap: u64, tag: &mut Option<String>) -> Read {
    let path = dir.join(FILE);
    let read = fsx::read_regular(&path, Links::Follow, cap);
    let bytes = match read {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Read::Entries(Vec::new()),
        // A FIFO or device is no history to move aside, and a huge file is one to keep whole
        // and prune on purpose: either way it is left as it is and not written over. (A
        // directory in its place is moved aside like a damaged file.)
        Err(e) if fsx::is_too_large(&e) => {
            return Read::Blocked(format!(
                "{} is over {} MiB, so it is left as it is: `swlog history prune` trims it to history_limit",
                path.display(),
                cap / (1024 * 1024)
            ));
        }
        Err(e) if fsx::is_wrong_kind(&e) && !path.is_dir() => {
            return Read::Blocked(format!("{} cannot be used: {e}", path.display()));
        }
        Err(e) => return damaged(dir, Vec::new(), format!("cannot read it: {e}")),
    };
    // The whole file in one typed pass: the common case, and well over twice as fast as going
    // through `Value` and then each entry (callgrind, 10,000 entries: 89M instructions against
    // 246M). Anything it refuses takes the slow path below, which salvages what it can.
    // Checked as UTF-8 once, so that the parser need not check each string again (another
    // fifth of the time).
    if let Ok(text) = std::str::from_utf8(&bytes)
        && let Ok(file) = serde_json::from_str::<FileIn>(text)
        && (OLDEST..=VERSION).contains(&file.version)
    {
        *tag = file.tag;
        return Read::Entries(file.entries);
    }
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) if bytes.iter().all(u8::is_ascii_whitespace) => {
            return damaged(dir, Vec::new(), format!("it is empty ({e})"));
        }
        Err(e) => return damaged(dir, Vec::new(), format!("it is not valid JSON ({e})")),
    };
    let Value::Object(mut top) = value else {
        return damaged(dir, Vec::new(), "it is not a JSON object".to_owned());
    };
    match top.get("version").and_then(Value::as_u64) {
        Some(v) if (OLDEST..=VERSION).contains(&v) => {}
        Some(v) if v > VERSION => {
            return Read::Blocked(format!(
                "{} was written by a newer swlog (format {v}; this one reads {VERSION})",
                path.display()
            ));
        }
        _ => return damaged(dir, Vec::new(), "it has no known format version".to_owned()),
    }
    *tag = top.get("tag").and_then(Value::as_str).map(str::to_owned);
    let Some(Value::Array(items)) = top.remove("entries") else {
        return damaged(dir, Vec::new(), "it has no entry list".to_owned());
    };
    let total = items.len();
    let mut entries = Vec::with_capacity(total);
    let mut first_error = None;
    for item in items {
        match serde_json::from_value::<Entry>(item) {
            Ok(e) => entries.push(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        None => Read::Entries(entries),
        Some(e) => {
            let bad = total - entries.len();
            damaged(
                dir,
                entries,
                format!("{bad} of {total} entries are unreadable ({e})"),
            )
        }
    }
}

/// Reads `history.json` without the lock and without repairing anything, for a directory where
/// the lock cannot be taken (read-only); `None` unless the file is whole and of this format.
pub(super) fn read_untouched(dir: &Path, cap: u64) -> Option<Vec<Entry>> {
    let bytes = fsx::read_regular(&dir.join(FILE), Links::Follow, cap).ok()?;
    let file: FileIn = serde_json::from_slice(&bytes).ok()?;
    if !(OLDEST..=VERSION).contains(&file.version) {
        return None;
    }
    // What the journal says on top, as far as it can be read (a journal that must not be
    // touched adds nothing): nothing is repaired here.
    let mut entries = file.entries;
    let _ = journal::read(dir, file.tag.as_deref(), &mut entries, cap);
    Some(entries)
}

/// What identifies one version of `history.json` and its journal: every writer replaces the
/// file by rename (a new inode, a new ctime), an edit in place changes its size or mtime, and
/// each save appended to the journal its length. Equal stamps mean the bytes on disk are the
/// ones this swlog last read or wrote, so it need not read them again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    journal: Option<(u64, u64, (i64, i64))>,
}

/// The stamp of `history.json` now; `None` when there is none (no file, or not on Unix, where
/// the file is then always read again).
pub(super) fn stamp(dir: &Path) -> Option<Stamp> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let m = fs::metadata(dir.join(FILE)).ok()?;
        Some(Stamp {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            journal: journal::stamp(dir),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Whether opening the history should fold its journal into `history.json`
/// ([`journal::worth_folding`]), from the lengths in `stamp`, the stamp taken of `dir` under
/// the lock (looked up here only where there are no stamps).
pub(super) fn journal_worth_folding(dir: &Path, stamp: Option<Stamp>) -> bool {
    let lengths = match stamp {
        Some(s) => s.journal.map(|(_, len, _)| (len, s.len)),
        None => fs::symlink_metadata(dir.join(journal::JOURNAL))
            .and_then(|j| Ok((j.len(), fs::metadata(dir.join(FILE))?.len())))
            .ok(),
    };
    lengths.is_some_and(|(journal, snapshot)| journal::worth_folding(journal, snapshot))
}

/// Moves a damaged history file aside so that its bytes are kept, with its journal (which
/// extends that file and no other), then reports it.
fn damaged(dir: &Path, entries: Vec<Entry>, detail: String) -> Read {
    match move_aside(dir, FILE) {
        Ok(moved_to) => {
            let mut detail = detail;
            if dir.join(journal::JOURNAL).symlink_metadata().is_ok() {
                // Kept beside it, not applied: it extends the damaged file. Said, so that the
                // lookups it holds are not thought lost.
                match move_aside(dir, journal::JOURNAL) {
                    Ok(journal) => detail.push_str(&format!(
                        "; its journal, which extends it, is kept beside it as {}",
                        journal.display()
                    )),
                    Err(e) => detail.push_str(&format!("; its journal could not be moved ({e})")),
                }
            }
            Read::Salvaged {
                entries,
                moved_to,
                detail,
            }
        }
        Err(e) => Read::Blocked(format!(
            "{} is damaged ({detail}) and could not be moved aside ({e})",
            dir.join(FILE).display()
        )),
    }
}

/// Writes the entries as `history.json`, atomically, with a new tag, which it returns.
pub(super) fn write(dir: &Path, entries: &[Entry], fault: Option<&Fault>) -> io::Result<String> {
    let tag = new_tag();
    let bytes = serde_json::to_vec(&FileOut {
        version: VERSION,
        tag: &tag,
        entries,
    })
    .map_err(io::Error::other)?;
    write_atomic(dir, FILE, &bytes, Durability::Synced, fault, None)?;
    // `history.json` holds everything its journal said now.
    journal::remove(dir);
    Ok(tag)
}

/// A tag no other rewrite of the file has: the time, the process and a per-process random key.
fn new_tag() -> String {
    use std::hash::{BuildHasher as _, Hash as _, Hasher as _};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    std::time::SystemTime::now().hash(&mut h);
    std::process::id().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Appends a batch's change to the journal of the `history.json` tagged `tag`: the list whose
/// places were `before` became `after`, changing only the entries of `touched`. `Ok(false)` when
/// it should be written whole instead: the file has no tag yet, or the journal has grown
/// ([`journal::append`]).
pub(super) fn append(
    dir: &Path,
    tag: Option<&str>,
    before: &journal::Places,
    after: &[Entry],
    touched: &std::collections::HashSet<uuid::Uuid, super::filter::FastHash>,
    fault: Option<&Fault>,
) -> io::Result<bool> {
    let Some(tag) = tag else {
        return Ok(false);
    };
    if let Some(f) = fault {
        f(FaultPoint::BeforeWrite, &dir.join(journal::JOURNAL))?;
    }
    journal::append(dir, tag, &journal::diff(before, after, touched))
}

/// Removes temp files left by a swlog killed mid-write. Call with the lock held, so that no
/// write is in progress.
pub(super) fn remove_stale_temps(dir: &Path, cache_ok: bool) {
    let dirs = if cache_ok {
        vec![dir.to_path_buf(), dir.join(CACHE)]
    } else {
        vec![dir.to_path_buf()]
    };
    for d in dirs {
        let Ok(list) = fs::read_dir(&d) else { continue };
        for item in list.flatten() {
            if item.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                let _ = fs::remove_file(item.path());
            }
        }
    }
}
