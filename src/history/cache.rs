//! The body cache: `cache/<id>.json`, each entry's last response body, beside `history.json`.
//! Written atomically but without fsync (a lost body is fetched again), and read back only as a
//! regular file of this user's.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::files::{Durability, Fault, ensure_dir, write_atomic};
use crate::fsx::{self, Links};

/// The cache directory's name.
pub(super) const CACHE: &str = "cache";

/// The largest cached body read back: a body is at most 2 MiB, and JSON escaping can at most
/// sextuple it (`\u001b` for each control byte).
const MAX_CACHED_BYTES: u64 = 13 * 1024 * 1024;

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

impl super::History {
    /// The last response body cached for `id`, with the time it was fetched.
    pub fn cached_body(&self, id: uuid::Uuid) -> Option<(String, DateTime<Utc>)> {
        if !self.options.cache {
            return None;
        }
        let cached = self.body(id)?;
        // The entry's lookup found this very body: it was confirmed then, if that is later. A
        // time in the future (a clock that was wrong) is not believed.
        let written = Some(cached.fetched_at).filter(|t| *t <= Utc::now());
        let confirmed = self
            .get(id)
            .filter(|e| e.body_digest.as_deref() == Some(&*digest(&cached.body)))
            .map(|e| e.at);
        let at = match (written, confirmed) {
            (Some(w), Some(c)) => w.max(c),
            (w, c) => w.or(c).unwrap_or(cached.fetched_at),
        };
        Some((cached.body, at))
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
