//! The lookup history: every lookup, with its last response body, kept in the same SQLite file
//! as the index (`index.db` in the data directory), so that it survives crashes, full disks,
//! damaged files and two swlogs running at once the way the index does.
//!
//! Every change is an operation (upsert, pin, note, delete, restore, clear, prune) written as
//! one small transaction, after which the entries are read back: a change made by another swlog
//! in the meantime is kept, not overwritten. When the disk cannot be written, operations stay
//! queued in memory and are written with the next change that succeeds. A batch of lookups
//! writes on a thread of its own ([`History::open_batched`]), the inspector on its save thread
//! ([`Saver`]): never inside a lookup's task. Files older swlogs kept (`history.json`, its
//! journal, `cache/`) are imported once ([`import`]).
//!
//! Strings from the server are stored as received; the display helpers on [`Entry`] sanitise.

mod batch;
mod db;
mod deferred;
mod entry;
#[cfg(test)]
mod family_tests;
mod filter;
mod import;
mod legacy;
mod ops;
mod query;
mod read;
mod rows;
mod summary;
#[cfg(test)]
mod tests;
mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::{ApiError, Fetched};
use db::{Body, Db, Fault};
pub use deferred::{Save, Saved, Saver};
pub use entry::{Entry, Lookup, RefreshFailed};
use ops::Op;
pub use query::Tally;
pub use read::FIRST_PAGE;
pub use summary::Summary;

/// The default number of unpinned entries kept (the config's default `history_limit`).
pub const DEFAULT_CAP: usize = crate::config::defaults::HISTORY_LIMIT;

/// Something the user should be told about the history, e.g. in the status bar.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Warning {
    /// A file was damaged; it was moved aside and what could be read was kept.
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
    /// An older swlog's history was imported into the database, once.
    #[error(
        "History imported from an older swlog: {lookups} lookups, {bodies} cached bodies{}",
        kept_as.first().map(|p| format!("; old files kept as {}", p.display())).unwrap_or_default()
    )]
    Imported {
        /// The database they went into.
        into: PathBuf,
        /// How many lookups.
        lookups: usize,
        /// How many cached bodies.
        bodies: usize,
        /// The old files, renamed.
        kept_as: Vec<PathBuf>,
    },
    /// An older swlog's history file was left as it is.
    #[error("Older history not imported: {0}")]
    NotImported(String),
    /// Changes stay in memory only until a save succeeds.
    #[error("History is not being saved: {0}")]
    NotSaved(String),
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
    body: Option<Body>,
}

/// The history: entries in display order, and the database behind them.
pub struct History {
    /// The data directory; `None` keeps everything in memory.
    dir: Option<PathBuf>,
    options: Options,
    /// The database; `None` in memory, or when it could not be opened.
    db: Option<Db>,
    /// The entries in display order: what is in the database, with `pending` applied.
    entries: Vec<Entry>,
    /// The filter's text of `entries`, built at the first query after a change.
    text: OnceLock<filter::Text>,
    /// Set when only the first page was read ([`History::open_first`]).
    partial: Option<read::Partial>,
    /// Changes not yet written.
    pending: Vec<Op>,
    /// Bodies not yet written.
    bodies: HashMap<Uuid, Body>,
    /// Why the last write failed, if it did.
    not_saved: Option<String>,
    /// How many entries the last write evicted.
    evicted: usize,
    fault: Option<Fault>,
    /// Set in the inspector: changes are saved by the loop, not here.
    deferred: Option<deferred::Deferred>,
    /// Set by a batch of lookups: changes are written on the batch's own thread.
    batch: Option<batch::Writer>,
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

    /// Opens the history in `dir`, creating it when missing, and imports an older swlog's
    /// files found there. Never fails: a damaged file is moved aside (what can be read of it
    /// kept) and a directory that cannot be written keeps the history in memory; the warnings
    /// say so.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open(dir: impl Into<PathBuf>, options: Options) -> (Self, Vec<Warning>) {
        Self::opened(dir.into(), options, None)
    }

    /// [`History::open`], reading all the entries or, with `first`, only that many.
    fn opened(dir: PathBuf, options: Options, first: Option<usize>) -> (Self, Vec<Warning>) {
        let mut history = Self::new(Some(dir.clone()), options);
        let mut warnings = Vec::new();
        match open_db(&dir, &mut warnings) {
            Ok(db) => {
                history.db = Some(db);
                match first {
                    Some(n) => history.read_first(n, &mut warnings),
                    None => history.refresh(&mut warnings),
                }
            }
            Err(why) => {
                // A read-only directory may still hold a history worth showing.
                history.entries = read::peek(&dir).unwrap_or_default();
                history.failed(why, &mut warnings);
            }
        }
        (history, warnings)
    }

    /// Opens the history in `dir` for a batch of lookups without reading its entries (a
    /// batch needs none: whatever a change depends on is decided where it is written), and
    /// writes each change on a thread of the batch's own, beside the lookups, as they come.
    /// So a history of 100,000 lookups costs a batch what an empty one does. [`History::entries`]
    /// stays empty and no cached body is read. `every` is kept for callers that still pass an
    /// interval; writes no longer wait for one.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open_batched(
        dir: impl Into<PathBuf>,
        options: Options,
        _every: std::time::Duration,
    ) -> (Self, Vec<Warning>) {
        let dir = dir.into();
        let mut history = Self::new(Some(dir.clone()), options);
        let mut warnings = Vec::new();
        match open_db(&dir, &mut warnings) {
            Ok(db) => {
                history.start_batch(db, true);
                if let Some(why) = history.not_saved.clone() {
                    warnings.push(Warning::NotSaved(why));
                }
            }
            Err(why) => history.failed(why, &mut warnings),
        }
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
            db: None,
            entries: Vec::new(),
            text: OnceLock::new(),
            partial: None,
            pending: Vec::new(),
            bodies: HashMap::new(),
            not_saved: None,
            evicted: 0,
            fault: None,
            deferred: None,
            batch: None,
        }
    }

    /// The data directory, when there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The entries in display order: pinned first, then most recent first (only the first
    /// page of them after [`History::open_first`], until the rest is read).
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
        let entry = Entry::new(
            id,
            at,
            profile,
            space,
            Lookup::Error(error.short().to_owned()),
        );
        // Decided where it is written, against what is there then: a batch reads no entry.
        self.change(Op::Failed(entry), None)
    }

    /// Records a lookup: the entry moves to the top (keeping its pin and note) and `body`, the
    /// raw response with the time it arrived, becomes its cached body. A body the entry holds
    /// already (by its digest) is not written again: it counts as confirmed at this lookup.
    #[must_use = "the warnings should be shown to the user"]
    pub fn record(
        &mut self,
        mut entry: Entry,
        body: Option<(&str, DateTime<Utc>)>,
    ) -> Vec<Warning> {
        let mut keep = None;
        if let (true, Some((body, fetched_at))) = (self.options.cache, body) {
            let digest = db::digest(body);
            // Held when the entry vouches for this body and the database still has it (a
            // body removed since, by hand or by a failed write, is written again).
            let held = self
                .get(entry.id)
                .is_some_and(|e| e.body_digest.as_deref() == Some(&*digest))
                && match (self.bodies.get(&entry.id), &self.db) {
                    (Some(b), _) => db::digest(&b.body) == digest,
                    (None, Some(db)) => db.body_digest(entry.id).as_deref() == Some(&*digest),
                    (None, None) => false,
                };
            if !held {
                keep = Some(Body {
                    fetched_at,
                    body: body.to_owned(),
                });
            }
            entry.body_digest = Some(digest);
        }
        let id = entry.id;
        self.change(Op::Upsert(entry), keep.map(|b| (id, b)))
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
        let keep = match (self.options.cache, body) {
            (true, Some((body, fetched_at))) => Some((
                id,
                Body {
                    fetched_at,
                    body: body.to_owned(),
                },
            )),
            _ => None,
        };
        self.change(Op::Update(id, lookup), keep)
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
        self.change(Op::RefreshFailed(id, failed), None)
    }

    /// Pins `id`: it sorts first and is never evicted.
    #[must_use = "the warnings should be shown to the user"]
    pub fn pin(&mut self, id: Uuid) -> Vec<Warning> {
        self.change(Op::Pin(id, true), None)
    }

    /// Unpins `id`.
    #[must_use = "the warnings should be shown to the user"]
    pub fn unpin(&mut self, id: Uuid) -> Vec<Warning> {
        self.change(Op::Pin(id, false), None)
    }

    /// Sets the note of `id`; `None` or a blank note removes it.
    #[must_use = "the warnings should be shown to the user"]
    pub fn set_note(&mut self, id: Uuid, note: Option<String>) -> Vec<Warning> {
        let note = note.filter(|n| !n.trim().is_empty());
        self.change(Op::Note(id, note), None)
    }

    /// Removes `id` and its cached body; returns them for [`History::restore`].
    #[must_use = "the removed entry is needed for undo, and the warnings should be shown"]
    pub fn delete(&mut self, id: Uuid) -> (Option<Removed>, Vec<Warning>) {
        let Some(entry) = self.get(id).cloned() else {
            return (None, Vec::new());
        };
        let body = self.body(id);
        self.bodies.remove(&id);
        let warnings = self.change(Op::Delete(id), None);
        (Some(Removed { entry, body }), warnings)
    }

    /// Puts back an entry removed by [`History::delete`], with its pin, note and cached body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn restore(&mut self, removed: Removed) -> Vec<Warning> {
        let id = removed.entry.id;
        let body = removed.body.filter(|_| self.options.cache).map(|b| (id, b));
        self.change(Op::Restore(removed.entry), body)
    }

    /// Trims the history to the limit of this run's options, the oldest unpinned entries first:
    /// an ordinary change evicts no more than it adds, so that a run with a smaller limit never
    /// shrinks the history another config keeps. Returns how many entries went.
    #[must_use = "the warnings should be shown to the user"]
    pub fn prune(&mut self) -> (usize, Vec<Warning>) {
        self.evicted = 0;
        let warnings = self.change(Op::Prune, None);
        (std::mem::take(&mut self.evicted), warnings)
    }

    /// Removes every entry and every cached body, or with `keep_pinned` every entry but the
    /// pinned ones and the bodies of those removed.
    #[must_use = "the warnings should be shown to the user"]
    pub fn clear(&mut self, keep_pinned: bool) -> Vec<Warning> {
        let pinned: Vec<Uuid> = (self.entries.iter())
            .filter(|e| e.pinned && keep_pinned)
            .map(|e| e.id)
            .collect();
        self.bodies.retain(|id, _| pinned.contains(id));
        let op = if keep_pinned {
            Op::ClearUnpinned
        } else {
            Op::Clear
        };
        self.change(op, None)
    }

    /// Picks up changes made by other swlogs (and retries writing anything still unsaved).
    #[must_use = "the warnings should be shown to the user"]
    pub fn reload(&mut self) -> Vec<Warning> {
        if let Some(d) = &mut self.deferred {
            d.reload = true;
            return Vec::new();
        }
        if let Some(batch) = &mut self.batch {
            return batch.warnings();
        }
        if !self.pending.is_empty() || !self.bodies.is_empty() {
            return self.save(None);
        }
        let mut warnings = Vec::new();
        if self.db.as_ref().is_some_and(Db::changed) {
            self.refresh(&mut warnings);
        }
        warnings
    }
}

/// Opens the database in `dir` and imports an older swlog's files found there; `warnings` gets
/// what opening found (a damaged file moved aside, an import).
fn open_db(dir: &Path, warnings: &mut Vec<Warning>) -> Result<Db, String> {
    let (mut db, recovered) = Db::open(dir)?;
    if let Some(r) = recovered {
        warnings.push(Warning::Damaged {
            moved_to: r.moved_to,
            detail: r.reason,
            kept: r.history_kept,
        });
    }
    warnings.extend(import::import(&mut db, dir));
    Ok(db)
}
