//! The history's files: the directory, the lock, atomic writes, and reading a file that may be
//! damaged or from a newer swlog. Knows bytes and paths; what the entries mean is `mod.rs`'s job.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Entry;
pub(super) use super::journal::places;
use super::journal::{self, Replayed};
use crate::fsx::{self, Links};

/// The history file's name inside the data directory.
pub(super) const FILE: &str = "history.json";
/// The lock file's name. A separate file because `history.json` is replaced by rename, and a
/// lock on a replaced file protects nothing.
const LOCK: &str = "history.lock";
/// The cache directory's name.
pub(super) const CACHE: &str = "cache";
/// The format this swlog writes and fully understands: 3 gave entries a family.
pub(super) const VERSION: u64 = 3;

/// The oldest format this swlog reads: format 1 kept a type's label where 2 keeps the `type`
/// as sent ([`super::summary`] migrates it).
const OLDEST: u64 = 1;
/// Prefix of temporary files; anything with it is a write that never finished.
const TMP_PREFIX: &str = ".swlog-tmp-";
/// How long to wait for another swlog to finish writing before giving up on this save.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// The largest cached body read back: a body is at most 2 MiB, and JSON escaping can at most
/// sextuple it (`\u001b` for each control byte).
const MAX_CACHED_BYTES: u64 = 13 * 1024 * 1024;
/// The largest `history.json` a run reads: some 60,000 entries, ten times the most a default
/// limit keeps. A larger one is left alone until `swlog history prune` trims it.
pub(super) const MAX_HISTORY_BYTES: u64 = 16 * 1024 * 1024;
/// The largest `history.json` that `swlog history prune` reads.
pub(super) const MAX_PRUNED_BYTES: u64 = 1024 * 1024 * 1024;

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

/// The file as written: versioned so that a later swlog can migrate it.
#[derive(Serialize)]
struct FileOut<'a> {
    version: u64,
    /// New at each rewrite: what a journal names to say which file it extends.
    tag: &'a str,
    entries: &'a [Entry],
}

/// A cached response body as stored in `cache/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CachedFile {
    pub(super) fetched_at: DateTime<Utc>,
    pub(super) body: String,
}

/// A digest of a response body, which a lookup's entry keeps so that the same body fetched again
/// need not be read back from the cache to be known unchanged. Deterministic (foldhash with a
/// fixed seed: several times faster than SipHash over a kilobyte, once per lookup), not
/// cryptographic: a digest made by another build that differs only costs reading the cached
/// body once more, and two bodies of one call agreeing by chance on 64 bits is not a concern.
pub(super) fn digest(body: &str) -> String {
    use std::hash::BuildHasher as _;
    const SEED: u64 = 0x5377_6c6f_6721_0001;
    format!(
        "{:016x}",
        foldhash::quality::FixedState::with_seed(SEED).hash_one(body)
    )
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
            if dir.join(journal::JOURNAL).symlink_metadata().is_ok() {
                // Kept beside it, not applied: it extends the damaged file.
                let _ = move_aside(dir, journal::JOURNAL);
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

/// Whether the cache directory is swlog's own: absent (made when needed), or a real directory
/// (not a symbolic link) owned by this user. Anything else would have swlog write and remove
/// `*.json` files somewhere that is not its cache.
pub(super) fn check_cache_dir(dir: &Path) -> Result<(), String> {
    let cache = dir.join(CACHE);
    let meta = match fs::symlink_metadata(&cache) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{} cannot be checked: {e}", cache.display())),
    };
    let kind = meta.file_type();
    if !kind.is_dir() {
        return Err(format!(
            "{} is {}, not a directory of its own",
            cache.display(),
            fsx::describe(kind)
        ));
    }
    if !fsx::owned_by_me(&meta) {
        return Err(format!("{} belongs to another user", cache.display()));
    }
    Ok(())
}

/// The cache file of `name` (a log ID).
pub(super) fn cache_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(CACHE).join(format!("{name}.json"))
}

/// Writes a cached body atomically, without fsync: it is a cache. A body the cache holds
/// already is not written again: its file's modification time moves to `fetched_at` instead,
/// which is how a cached body says when it was last confirmed (each write sets it too). Running
/// the same batch of lookups again rewrote every body unchanged, and those writes were most of
/// what the history cost the batch.
pub(super) fn write_cached(
    dir: &Path,
    name: &str,
    cached: &CachedFile,
    fault: Option<&Fault>,
) -> io::Result<()> {
    if confirm_cached(&cache_path(dir, name), cached) {
        return Ok(());
    }
    let cache = dir.join(CACHE);
    ensure_dir(&cache)?;
    let bytes = serde_json::to_vec(cached).map_err(io::Error::other)?;
    write_atomic(
        &cache,
        &format!("{name}.json"),
        &bytes,
        Durability::Unsynced,
        fault,
        Some(cached.fetched_at.into()),
    )
}

/// Whether `path` holds `cached`'s body already, as the same bytes; if so its time is moved
/// forward to `cached.fetched_at` (never back: a lookup that started earlier may finish later).
/// Anything that cannot be read or touched is simply written again.
fn confirm_cached(path: &Path, cached: &CachedFile) -> bool {
    let Some((held, file, meta)) = open_cached(path) else {
        return false;
    };
    // A file linked from elsewhere is replaced, not touched (its other names keep their
    // time), and a time in the future (a clock that was wrong) is written over.
    if held.body != cached.body || linked_elsewhere(&meta) || held.fetched_at > Utc::now() {
        return false;
    }
    held.fetched_at >= cached.fetched_at
        || file
            .set_times(fs::FileTimes::new().set_modified(cached.fetched_at.into()))
            .is_ok()
}

/// Whether `name`'s cached body is a regular file last modified no later than `at` (each write
/// and confirmation sets its time to a fetch time): one `stat`, not a read.
pub(super) fn cached_unchanged_since(dir: &Path, name: &str, at: DateTime<Utc>) -> bool {
    fs::symlink_metadata(cache_path(dir, name))
        .ok()
        .filter(fs::Metadata::is_file)
        .and_then(|m| m.modified().ok())
        .is_some_and(|modified| DateTime::<Utc>::from(modified) <= at)
}

/// Whether the file has other names (hard links) than its place in the cache.
fn linked_elsewhere(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.nlink() > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Reads a cached body; `None` when there is none or it cannot be read.
pub(super) fn read_cached(dir: &Path, name: &str) -> Option<CachedFile> {
    open_cached(&cache_path(dir, name)).map(|(cached, ..)| cached)
}

/// Reads a cached body with its file, which stays open, and the file's metadata. Its time is
/// the later of the one it was written with and the file's modification time (when a later
/// lookup confirmed the same body); a modification time in the future is not believed.
fn open_cached(path: &Path) -> Option<(CachedFile, File, fs::Metadata)> {
    let file = fsx::open_regular(path, Links::Refuse).ok()?;
    let meta = file.metadata().ok()?;
    let bytes = fsx::read_capped(&file, &meta, MAX_CACHED_BYTES).ok()?;
    let mut cached: CachedFile = serde_json::from_slice(&bytes).ok()?;
    if let Ok(modified) = meta.modified() {
        let modified = DateTime::<Utc>::from(modified);
        if modified > cached.fetched_at && modified <= Utc::now() {
            cached.fetched_at = modified;
        }
    }
    Some((cached, file, meta))
}

/// Removes a cached body, if any.
pub(super) fn remove_cached(dir: &Path, name: &str) {
    let _ = fs::remove_file(cache_path(dir, name));
}

/// The names (log IDs) of every cached body.
pub(super) fn cached_names(dir: &Path) -> Vec<String> {
    let Ok(list) = fs::read_dir(dir.join(CACHE)) else {
        return Vec::new();
    };
    list.flatten()
        .filter_map(|item| {
            let name = item.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect()
}

/// Removes every cached body.
pub(super) fn clear_cache(dir: &Path) -> io::Result<()> {
    let cache = dir.join(CACHE);
    while_refilled(|| match fs::remove_dir_all(&cache) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    })
}

/// How often a removal is tried again when the directory filled up meanwhile.
const REFILLED_TRIES: usize = 20;

/// Runs `remove` until it does not fail because the directory was not empty: a batch of
/// lookups in another swlog writes its cached bodies outside the lock (they are a cache), so a
/// clear can find a body appear while it empties the directory. Gives up after
/// [`REFILLED_TRIES`] tries with the last error.
fn while_refilled(mut remove: impl FnMut() -> io::Result<()>) -> io::Result<()> {
    let mut tries = 1;
    loop {
        match remove() {
            Err(e) if e.kind() == io::ErrorKind::DirectoryNotEmpty && tries < REFILLED_TRIES => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
            done => return done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A removal that finds the directory not empty `refills` times, then succeeds.
    fn refilled(
        refills: usize,
    ) -> (
        impl FnMut() -> io::Result<()>,
        std::rc::Rc<std::cell::Cell<usize>>,
    ) {
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        let counted = calls.clone();
        let remove = move || {
            counted.set(counted.get() + 1);
            if counted.get() <= refills {
                Err(io::ErrorKind::DirectoryNotEmpty.into())
            } else {
                Ok(())
            }
        };
        (remove, calls)
    }

    #[test]
    fn a_directory_refilled_while_it_is_removed_is_removed_again() {
        let (remove, calls) = refilled(3);
        assert!(while_refilled(remove).is_ok());
        assert_eq!(calls.get(), 4);
    }

    #[test]
    fn a_directory_that_keeps_filling_up_is_given_up_on_with_its_error() {
        let (remove, calls) = refilled(usize::MAX);
        let e = while_refilled(remove).expect_err("given up");
        assert_eq!(e.kind(), io::ErrorKind::DirectoryNotEmpty);
        assert_eq!(calls.get(), REFILLED_TRIES);
    }
}
