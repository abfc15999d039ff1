//! The lookup history: every lookup, kept on disk so that it survives crashes, full disks,
//! damaged files and two swlogs running at once.
//!
//! The history lives in one directory (the platform data dir, see [`History::default_dir`]):
//! `history.json` (versioned, mode 0600), `history.journal` (what batches of lookups saved
//! since), `history.lock`, and `cache/<id>.json` with each entry's last response body.
//! Every change is an operation (upsert, pin, note, delete, restore, clear, prune) applied under
//! an exclusive lock to what is on disk *now*, then written atomically (or, for a batch of
//! lookups, appended to the journal), so a change made by another swlog in the meantime is kept
//! rather than overwritten. When the disk cannot be written, operations stay queued in memory and
//! are replayed onto the file at the next successful save.
//!
//! Strings from the server are stored as received; the display helpers on [`Entry`] sanitise.

mod batch;
mod bodies;
mod cache;
mod deferred;
mod entry;
#[cfg(test)]
mod family_tests;
mod files;
mod filter;
mod journal;
mod ops;
mod store;
mod summary;
mod sync;
#[cfg(test)]
mod tests;
mod time;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::{ApiError, Fetched};
use cache::CachedFile;
pub use deferred::{Save, Saved, Saver};
pub use entry::{Entry, Lookup, RefreshFailed};
use files::Fault;
use ops::Op;
pub use summary::Summary;

/// The default number of unpinned entries kept (the config's default `history_limit`).
pub const DEFAULT_CAP: usize = crate::config::defaults::HISTORY_LIMIT;

/// Something the user should be told about the history, e.g. in the status bar.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Warning {
    /// The history file was damaged; it was moved aside and what could be read was kept.
    #[error(
        "History file was damaged ({detail}): moved aside to {}, {} kept",
        moved_to.display(),
        crate::present::format::counted(*kept, "entry", "entries")
    )]
    Damaged {
        /// Where the damaged file now is, bytes intact.
        moved_to: PathBuf,
        /// What was wrong.
        detail: String,
        /// How many entries could still be read.
        kept: usize,
    },
    /// The cache directory is not swlog's own (a symbolic link, another user's): it is left
    /// alone and nothing is cached for the rest of the run.
    #[error("Response cache is off for this run: {0}")]
    CacheOff(String),
    /// Changes stay in memory only until a save succeeds.
    #[error("History is not being saved: {0}")]
    NotSaved(String),
    /// A cached response could not be written or removed; the history itself is saved, and
    /// the body is fetched again when next shown.
    #[error("Response not cached: {0}")]
    NotCached(String),
}

/// How the history is kept.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many unpinned entries are kept (the most recent); pinned entries are kept besides.
    pub cap: usize,
    /// Whether each record's last response body is cached for instant revisits.
    pub cache: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cap: DEFAULT_CAP,
            cache: crate::config::defaults::CACHE,
        }
    }
}

/// A removed entry, for undo: hand it back to [`History::restore`].
#[derive(Debug, Clone)]
pub struct Removed {
    /// The entry as it was.
    pub entry: Entry,
    body: Option<CachedFile>,
}

/// The history: entries in display order, and the disk behind them.
pub struct History {
    /// The data directory; `None` keeps everything in memory.
    dir: Option<PathBuf>,
    options: Options,
    /// Changes not yet on disk.
    pending: Vec<Op>,
    /// The entries in display order: what is on disk, with `pending` applied.
    entries: Vec<Entry>,
    /// The filter's index of `entries`, built at the first query after a change: building it
    /// for 10,000 entries costs as much as a third of reading them, and most changes (a lookup
    /// recorded) are never followed by a filter.
    index: OnceLock<filter::Index>,
    /// Bodies that could not be written to the cache.
    unsaved_bodies: HashMap<Uuid, CachedFile>,
    /// Why the last save failed, if it did.
    not_saved: Option<String>,
    /// The stamp of `history.json` when it last held exactly `entries`: while it still has it,
    /// a save need not read the file back.
    on_disk: Option<store::Stamp>,
    /// The largest `history.json` read.
    read_cap: u64,
    /// The tag of `history.json` as last read or written (none before tags), which a journal
    /// names: valid while `on_disk` is.
    tag: Option<String>,
    /// How many entries the last prune removed.
    pruned: Option<usize>,
    /// Why the cache directory was refused, once it was: nothing there is touched again.
    cache_refused: bool,
    fault: Option<Fault>,
    /// Set in the inspector: changes are saved by the loop, not here.
    deferred: Option<deferred::Deferred>,
    /// Set by a batch of lookups: changes are saved together, at most every interval.
    batch: Option<batch::Batch>,
    /// A batch's cached bodies, being written while it goes on.
    body_writer: Option<bodies::BodyWriter>,
    /// In a batch, the IDs whose cached body this run wrote or found in place: a body fetched
    /// again is not looked for again.
    vouched: std::collections::HashSet<Uuid>,
    /// While a batch holds changes in memory: the entries as `history.json` held them, with
    /// its stamp, so that the batch's save need not read the file back when nobody else wrote
    /// it since.
    batch_base: Option<(store::Stamp, Vec<Entry>)>,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("dir", &self.dir)
            .field("entries", &self.entries.len())
            .field("pending", &self.pending.len())
            .field("not_saved", &self.not_saved)
            .finish_non_exhaustive()
    }
}

impl History {
    /// The platform data directory: `$XDG_DATA_HOME/swlog` on Linux.
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "swlog").map(|d| d.data_dir().to_path_buf())
    }

    /// The history directory of a session: the platform data dir, or for the demo its own
    /// `demo/` beside it, so trying the demo never mixes with real lookups.
    pub fn dir_for(demo: bool) -> Option<PathBuf> {
        Self::default_dir().map(|dir| if demo { dir.join("demo") } else { dir })
    }

    /// Opens the history in `dir`, creating it when missing. Never fails: a damaged file is
    /// moved aside and a directory that cannot be written keeps the history in memory; the
    /// warnings say so.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open(dir: impl Into<PathBuf>, options: Options) -> (Self, Vec<Warning>) {
        let mut history = Self::new(Some(dir.into()), options);
        let warnings = history.sync(None, true);
        (history, warnings)
    }

    /// Opens the history in `dir` for a batch of lookups, saved at most every `every`
    /// ([`History::batch_saves`]). The batch leaves the tidying of what a killed swlog left
    /// behind (temp files, bodies of evicted entries) to the next inspector or `swlog history`,
    /// or to its own open when it folds the journal: a column of IDs need not list the cache.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open_batched(
        dir: impl Into<PathBuf>,
        options: Options,
        every: std::time::Duration,
    ) -> (Self, Vec<Warning>) {
        let mut history = Self::new(Some(dir.into()), options);
        history.batch_saves(every);
        let warnings = history.sync(None, true);
        (history, warnings)
    }

    /// A history kept only in memory, for when there is no data directory.
    pub fn in_memory(options: Options) -> Self {
        Self::new(None, options)
    }

    fn new(dir: Option<PathBuf>, options: Options) -> Self {
        Self {
            dir,
            options,
            pending: Vec::new(),
            entries: Vec::new(),
            index: OnceLock::new(),
            unsaved_bodies: HashMap::new(),
            not_saved: None,
            on_disk: None,
            read_cap: store::MAX_HISTORY_BYTES,
            tag: None,
            cache_refused: false,
            pruned: None,
            fault: None,
            deferred: None,
            batch: None,
            body_writer: None,
            vouched: std::collections::HashSet::new(),
            batch_base: None,
        }
    }

    /// The data directory, when there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The entries in display order: pinned first, then most recent first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for `id`.
    pub fn get(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Why changes are not being saved, when they are not.
    pub fn not_saved(&self) -> Option<&str> {
        self.not_saved.as_deref()
    }

    /// Records a lookup that found a record, caching its body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn record_fetched(
        &mut self,
        id: Uuid,
        profile: &str,
        space: &str,
        fetched: &Fetched,
    ) -> Vec<Warning> {
        let entry = Entry::new(
            id,
            fetched.fetched_at,
            profile,
            space,
            Lookup::Record(Summary::of(&fetched.log)),
        );
        self.record(entry, Some((&fetched.body, fetched.fetched_at)))
    }

    /// Records a failed lookup. A body cached by an earlier lookup is kept, and a record an
    /// earlier lookup found is never replaced by the failure: made in the same profile and
    /// space, the entry is marked as having failed to refresh; made elsewhere, it is left alone.
    #[must_use = "the warnings should be shown to the user"]
    pub fn record_error(
        &mut self,
        id: Uuid,
        at: DateTime<Utc>,
        profile: &str,
        space: &str,
        error: &ApiError,
    ) -> Vec<Warning> {
        if let Some(found) = self.get(id).filter(|e| e.summary().is_some()) {
            if found.profile == profile && found.space == space {
                return self.refresh_failed(id, error.short(), at);
            }
            return Vec::new();
        }
        let entry = Entry::new(
            id,
            at,
            profile,
            space,
            Lookup::Error(error.short().to_owned()),
        );
        self.record(entry, None)
    }

    /// Records a lookup: the entry moves to the top (keeping its pin and note) and `body`, the
    /// raw response with the time it arrived, becomes its cached body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn record(
        &mut self,
        mut entry: Entry,
        body: Option<(&str, DateTime<Utc>)>,
    ) -> Vec<Warning> {
        if let (true, Some((body, fetched_at))) = (self.options.cache, body) {
            let digest = cache::digest(body);
            // The body this ID's entry says the cache holds already: nothing to write. It counts
            // as confirmed at this lookup, the entry's time from now on (even when a lookup of
            // the same batch that ended a moment later was recorded before it).
            let held = self
                .get(entry.id)
                .filter(|e| e.body_digest.as_deref() == Some(&*digest))
                .is_some_and(|e| self.cache_holds(entry.id, e.at));
            if self.batch.is_some() {
                self.vouched.insert(entry.id);
            }
            if !held {
                let cached = CachedFile {
                    fetched_at,
                    body: body.to_owned(),
                };
                self.keep_body(entry.id, cached);
            }
            entry.body_digest = Some(digest);
        }
        self.sync(Some(Op::Upsert(entry)), false)
    }

    /// Records what a refresh of `id` found, in place: the entry keeps its place in the list
    /// (a watched call must not jump to the top at each change), its time, pin and note; `body`
    /// becomes its cached body. Nothing happens to an entry no longer in the history.
    #[must_use = "the warnings should be shown to the user"]
    pub fn update(
        &mut self,
        id: Uuid,
        lookup: Lookup,
        body: Option<(&str, DateTime<Utc>)>,
    ) -> Vec<Warning> {
        if self.get(id).is_none() {
            return Vec::new();
        }
        if let (true, Some((body, fetched_at))) = (self.options.cache, body) {
            let cached = CachedFile {
                fetched_at,
                body: body.to_owned(),
            };
            self.keep_body(id, cached);
        }
        self.sync(Some(Op::Update(id, lookup)), false)
    }

    /// Marks the found record of `id` as having failed to refresh (`what`, e.g. "not found"),
    /// keeping the record and its cached body. An entry that never found a record is left as
    /// it is.
    #[must_use = "the warnings should be shown to the user"]
    pub fn refresh_failed(&mut self, id: Uuid, what: &str, at: DateTime<Utc>) -> Vec<Warning> {
        if self.get(id).is_none_or(|e| e.summary().is_none()) {
            return Vec::new();
        }
        let failed = RefreshFailed {
            what: what.to_owned(),
            at,
        };
        self.sync(Some(Op::RefreshFailed(id, failed)), false)
    }

    /// Pins `id`: it sorts first and is never evicted.
    #[must_use = "the warnings should be shown to the user"]
    pub fn pin(&mut self, id: Uuid) -> Vec<Warning> {
        self.sync(Some(Op::Pin(id, true)), false)
    }

    /// Unpins `id`.
    #[must_use = "the warnings should be shown to the user"]
    pub fn unpin(&mut self, id: Uuid) -> Vec<Warning> {
        self.sync(Some(Op::Pin(id, false)), false)
    }

    /// Sets the note of `id`; `None` or a blank note removes it.
    #[must_use = "the warnings should be shown to the user"]
    pub fn set_note(&mut self, id: Uuid, note: Option<String>) -> Vec<Warning> {
        let note = note.filter(|n| !n.trim().is_empty());
        self.sync(Some(Op::Note(id, note)), false)
    }

    /// Removes `id` and its cached body; returns them for [`History::restore`].
    #[must_use = "the removed entry is needed for undo, and the warnings should be shown"]
    pub fn delete(&mut self, id: Uuid) -> (Option<Removed>, Vec<Warning>) {
        let Some(entry) = self.get(id).cloned() else {
            return (None, Vec::new());
        };
        // Deferred, the saver keeps the cached body for the undo: no file is read here.
        let body = if self.deferred.is_some() {
            self.unsaved_bodies.get(&id).cloned()
        } else {
            self.body(id)
        };
        self.unsaved_bodies.remove(&id);
        let warnings = self.sync(Some(Op::Delete(id)), false);
        (Some(Removed { entry, body }), warnings)
    }

    /// Puts back an entry removed by [`History::delete`], with its pin, note and cached body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn restore(&mut self, removed: Removed) -> Vec<Warning> {
        if let (true, Some(body)) = (self.options.cache, removed.body) {
            self.unsaved_bodies.insert(removed.entry.id, body);
        }
        self.sync(Some(Op::Restore(removed.entry)), false)
    }

    /// Trims the history to the limit of this run's options, the oldest unpinned entries first:
    /// an ordinary save evicts no more than it adds, so that a run with a smaller limit never
    /// shrinks the history another config keeps. Reads a history of any size (up to 1 GiB).
    /// Returns how many entries went.
    #[must_use = "the warnings should be shown to the user"]
    pub fn prune(&mut self) -> (usize, Vec<Warning>) {
        self.read_cap = store::MAX_PRUNED_BYTES;
        self.pruned = None;
        let warnings = self.sync(Some(Op::Prune), false);
        (self.pruned.take().unwrap_or(0), warnings)
    }

    /// Removes every entry and every cached body, or with `keep_pinned` every entry but the
    /// pinned ones and the bodies of those removed.
    #[must_use = "the warnings should be shown to the user"]
    pub fn clear(&mut self, keep_pinned: bool) -> Vec<Warning> {
        let kept: Vec<Uuid> = self
            .entries
            .iter()
            .filter(|e| e.pinned && keep_pinned)
            .map(|e| e.id)
            .collect();
        self.unsaved_bodies.retain(|id, _| kept.contains(id));
        self.sync(
            Some(if keep_pinned {
                Op::ClearUnpinned
            } else {
                Op::Clear
            }),
            false,
        )
    }

    /// Picks up changes made by other swlogs (and retries saving anything still unsaved).
    #[must_use = "the warnings should be shown to the user"]
    pub fn reload(&mut self) -> Vec<Warning> {
        self.sync(None, false)
    }

    /// The indices into [`History::entries`] of the entries matching `query`, best match first;
    /// every index in order for an empty query. A number is matched as the search matches it
    /// ([`filter::Numbers`]); other words fuzzily over type, status, error and note, and as a
    /// substring of the ID, with fzf's syntax (`'exact`, `^prefix`, `suffix$`, `!not`).
    /// `profile:NAME` and `space:NAME` keep only the entries made there.
    pub fn filter(&self, query: &str) -> Vec<usize> {
        let (place, rest) = filter::Place::split(query);
        let (numbers, rest) = filter::Numbers::split(&rest);
        let mut hits: Vec<usize> = if rest.trim().is_empty() {
            (0..self.entries.len()).collect()
        } else {
            self.index
                .get_or_init(|| filter::Index::new(&self.entries))
                .filter(&rest)
        };
        if !place.is_empty() {
            hits.retain(|i| self.entries.get(*i).is_some_and(|e| place.matches(e)));
        }
        if !numbers.is_empty() {
            hits.retain(|i| self.entries.get(*i).is_some_and(|e| numbers.matches(e)));
        }
        hits
    }

    /// Whether the cache still holds the body `id`'s entry vouches for, as it was confirmed at
    /// `at`: its file is there and nothing changed it since (a crash, a clear in another
    /// terminal or a failed write leave none; an edit leaves a later time). One look per ID in
    /// a batch.
    fn cache_holds(&self, id: Uuid, at: DateTime<Utc>) -> bool {
        let Some(dir) = &self.dir else {
            return true;
        };
        self.vouched.contains(&id) || cache::cached_unchanged_since(dir, &id.to_string(), at)
    }

    fn body(&self, id: Uuid) -> Option<CachedFile> {
        if let Some(c) = self.unsaved_bodies.get(&id) {
            return Some(c.clone());
        }
        if self.cache_refused {
            return None;
        }
        cache::read_cached(self.dir.as_deref()?, &id.to_string())
    }

    /// Makes writes fail at a chosen point, for tests.
    #[cfg(test)]
    fn set_fault(&mut self, fault: Option<Fault>) {
        self.fault = fault;
    }
}
