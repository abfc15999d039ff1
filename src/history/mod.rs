//! The lookup history: every lookup, kept on disk so that it survives crashes, full disks,
//! damaged files and two swlogs running at once.
//!
//! The history lives in one directory (the platform data dir, see [`History::default_dir`]):
//! `history.json` (versioned, mode 0600), `history.lock`, and `cache/<id>.json` with each
//! entry's last response body. Every change is an operation (upsert, pin, note, delete, restore,
//! clear) applied under an exclusive lock to what is on disk *now*, then written atomically, so
//! a change made by another swlog in the meantime is kept rather than overwritten. When the disk cannot be written, operations
//! stay queued in memory and are replayed onto the file at the next successful save.
//!
//! Strings from the server are stored as received; the display helpers on [`Entry`] sanitise.

mod filter;
mod store;
mod summary;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{ApiError, Fetched};
use crate::text::sanitize;
use store::{CachedFile, Fault, Read};
pub use summary::Summary;

/// The default number of unpinned entries kept.
pub const DEFAULT_CAP: usize = 1_000;

/// How a lookup ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// The record was found.
    Record(Summary),
    /// The lookup failed; a short kind such as "not found" ([`ApiError::short`]).
    Error(String),
}

/// One row of the history: the last lookup of one log ID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The log ID.
    pub id: Uuid,
    /// When the lookup was made.
    #[serde(
        serialize_with = "store::write_time",
        deserialize_with = "store::read_time"
    )]
    pub at: DateTime<Utc>,
    /// The profile it was made with.
    pub profile: String,
    /// The space it was made in.
    pub space: String,
    /// What it found.
    pub lookup: Lookup,
    /// Whether the user pinned it (pinned entries sort first and are never evicted).
    #[serde(default)]
    pub pinned: bool,
    /// The user's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entry {
    /// A new, unpinned entry without a note.
    pub fn new(
        id: Uuid,
        at: DateTime<Utc>,
        profile: impl Into<String>,
        space: impl Into<String>,
        lookup: Lookup,
    ) -> Self {
        Self {
            id,
            at,
            profile: profile.into(),
            space: space.into(),
            lookup,
            pinned: false,
            note: None,
        }
    }

    /// The record's summary, when the lookup found one.
    pub fn summary(&self) -> Option<&Summary> {
        match &self.lookup {
            Lookup::Record(s) => Some(s),
            Lookup::Error(_) => None,
        }
    }

    /// The title to show (sanitised): the type, or what went wrong.
    pub fn title(&self) -> String {
        match &self.lookup {
            Lookup::Record(s) => sanitize(&s.label()).into_owned(),
            Lookup::Error(e) => format!("Lookup failed: {}", sanitize(e)),
        }
    }

    /// The status word (sanitised).
    pub fn status(&self) -> Option<String> {
        let s = self.summary()?.status.as_deref()?;
        Some(sanitize(s).into_owned())
    }

    /// `from → to` (sanitised), when either is known.
    pub fn parties(&self) -> Option<String> {
        let s = self.summary()?;
        if s.from.is_none() && s.to.is_none() {
            return None;
        }
        let side = |v: &Option<String>| v.as_deref().map_or("—".into(), sanitize).into_owned();
        Some(format!("{} → {}", side(&s.from), side(&s.to)))
    }

    /// The note (sanitised).
    pub fn note(&self) -> Option<String> {
        self.note.as_deref().map(|n| sanitize(n).into_owned())
    }

    /// Profile and space (sanitised), e.g. `default · acme`.
    pub fn origin(&self) -> String {
        format!("{} · {}", sanitize(&self.profile), sanitize(&self.space))
    }

    /// One line for a list (sanitised): title, status and parties, e.g.
    /// `Relay PSTN call · completed · +1555… → +1555…`.
    pub fn line(&self) -> String {
        let mut parts = vec![self.title()];
        parts.extend(self.status());
        parts.extend(self.parties());
        parts.join(" · ")
    }
}

/// Something the user should be told about the history, e.g. in the status bar.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Warning {
    /// The history file was damaged; it was moved aside and what could be read was kept.
    #[error(
        "History file was damaged ({detail}): moved aside to {}, {kept} entries kept",
        moved_to.display()
    )]
    Damaged {
        /// Where the damaged file now is, bytes intact.
        moved_to: PathBuf,
        /// What was wrong.
        detail: String,
        /// How many entries could still be read.
        kept: usize,
    },
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
            cache: true,
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

/// A change to the history, replayed onto whatever is on disk when it is saved.
#[derive(Debug, Clone)]
enum Op {
    /// Add or refresh a lookup, keeping an existing pin and note.
    Upsert(Entry),
    /// Pin or unpin.
    Pin(Uuid, bool),
    /// Set or remove the note.
    Note(Uuid, Option<String>),
    /// Remove an entry.
    Delete(Uuid),
    /// Put a removed entry back.
    Restore(Entry),
    /// Remove everything.
    Clear,
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
    fault: Option<Fault>,
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
            fault: None,
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

    /// Records a failed lookup. A body cached by an earlier lookup is kept.
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
        self.record(entry, None)
    }

    /// Records a lookup: the entry moves to the top (keeping its pin and note) and `body`, the
    /// raw response with the time it arrived, becomes its cached body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn record(&mut self, entry: Entry, body: Option<(&str, DateTime<Utc>)>) -> Vec<Warning> {
        if let (true, Some((body, fetched_at))) = (self.options.cache, body) {
            let cached = CachedFile {
                fetched_at,
                body: body.to_owned(),
            };
            self.unsaved_bodies.insert(entry.id, cached);
        }
        self.sync(Some(Op::Upsert(entry)), false)
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
        let body = self.body(id);
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

    /// Removes every entry and every cached body.
    #[must_use = "the warnings should be shown to the user"]
    pub fn clear(&mut self) -> Vec<Warning> {
        self.unsaved_bodies.clear();
        self.sync(Some(Op::Clear), false)
    }

    /// Picks up changes made by other swlogs (and retries saving anything still unsaved).
    #[must_use = "the warnings should be shown to the user"]
    pub fn reload(&mut self) -> Vec<Warning> {
        self.sync(None, false)
    }

    /// The last response body cached for `id`, with the time it was fetched.
    pub fn cached_body(&self, id: Uuid) -> Option<(String, DateTime<Utc>)> {
        if !self.options.cache {
            return None;
        }
        self.body(id).map(|c| (c.body, c.fetched_at))
    }

    /// The indices into [`History::entries`] of the entries matching `query`, best match first;
    /// every index in order for an empty query. Fuzzy over numbers, type, status, error and note,
    /// and a substring of the ID, with fzf's syntax (`'exact`, `^prefix`, `suffix$`, `!not`).
    pub fn filter(&self, query: &str) -> Vec<usize> {
        if query.trim().is_empty() {
            return (0..self.entries.len()).collect();
        }
        self.index
            .get_or_init(|| filter::Index::new(&self.entries))
            .filter(query)
    }

    fn body(&self, id: Uuid) -> Option<CachedFile> {
        if let Some(c) = self.unsaved_bodies.get(&id) {
            return Some(c.clone());
        }
        store::read_cached(self.dir.as_deref()?, &id.to_string())
    }

    /// Applies `op` (if any) and everything still pending onto the file as it is now, writes the
    /// result, and refreshes the in-memory entries from it. When that fails, the change is
    /// applied in memory and stays pending for the next save.
    fn sync(&mut self, op: Option<Op>, opening: bool) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let Some(dir) = self.dir.clone() else {
            if let Some(op) = op {
                self.apply_in_memory(&op);
            }
            return warnings;
        };
        match &op {
            Some(Op::Clear) => self.pending = vec![Op::Clear],
            Some(op) => self.pending.push(op.clone()),
            None => {}
        }
        match self.save(&dir, opening, &mut warnings) {
            Ok(entries) => {
                self.not_saved = None;
                self.set_entries(entries);
            }
            Err(failure) => {
                if self.not_saved.is_none() {
                    warnings.push(Warning::NotSaved(failure.reason.clone()));
                }
                self.not_saved = Some(failure.reason);
                match (failure.merged, op) {
                    (Some(merged), _) => self.set_entries(merged),
                    (None, Some(op)) => self.apply_in_memory(&op),
                    (None, None) => {}
                }
            }
        }
        warnings
    }

    fn apply_in_memory(&mut self, op: &Op) {
        let mut entries = std::mem::take(&mut self.entries);
        apply(&mut entries, op);
        normalize(&mut entries, self.options.cap);
        self.set_entries(entries);
    }

    /// The locked read-apply-write, cache included; returns the entries now on disk.
    fn save(
        &mut self,
        dir: &Path,
        opening: bool,
        warnings: &mut Vec<Warning>,
    ) -> Result<Vec<Entry>, Failure> {
        let early = |reason: String| Failure {
            reason,
            merged: None,
        };
        store::ensure_dir(dir)
            .map_err(|e| early(format!("cannot create {}: {e}", dir.display())))?;
        let _lock = store::lock(dir).map_err(|e| Failure {
            reason: format!("cannot lock the history: {e}"),
            // A read-only directory may still hold a history worth showing.
            merged: store::read_untouched(dir).map(|mut entries| {
                for op in &self.pending {
                    apply(&mut entries, op);
                }
                normalize(&mut entries, self.options.cap);
                entries
            }),
        })?;
        if opening {
            store::remove_stale_temps(dir);
        }
        // Unchanged since this swlog last read or wrote it (no other swlog has saved since):
        // what is on disk is `self.entries`, so reading 10,000 entries back is skipped.
        let known = self.on_disk.take();
        let unchanged = known.is_some() && known == store::stamp(dir) && self.not_saved.is_none();
        let read = if unchanged {
            Read::Entries(std::mem::take(&mut self.entries))
        } else {
            store::read(dir)
        };
        let (mut entries, repaired) = match read {
            Read::Entries(e) => (e, false),
            Read::Salvaged {
                entries,
                moved_to,
                detail,
            } => {
                warnings.push(Warning::Damaged {
                    moved_to,
                    detail,
                    kept: entries.len(),
                });
                (entries, true)
            }
            Read::Blocked(reason) => return Err(early(reason)),
        };
        let mut gone: Vec<Uuid> = Vec::new();
        for op in &self.pending {
            match op {
                Op::Delete(id) => gone.push(*id),
                Op::Clear => gone.extend(entries.iter().map(|e| e.id)),
                _ => {}
            }
            apply(&mut entries, op);
        }
        gone.extend(normalize(&mut entries, self.options.cap));
        let changed = !self.pending.is_empty() || repaired;
        if changed && let Err(e) = store::write(dir, &entries, self.fault.as_ref()) {
            return Err(Failure {
                reason: format!("cannot write {}: {e}", dir.join(store::FILE).display()),
                merged: Some(entries),
            });
        }
        let cleared = self.pending.iter().any(|op| matches!(op, Op::Clear));
        self.pending.clear();
        if cleared && let Err(e) = store::clear_cache(dir) {
            warnings.push(Warning::NotSaved(format!(
                "could not delete the cached responses in {}: {e}",
                dir.join(store::CACHE).display()
            )));
        }
        if !gone.is_empty() {
            let kept = ids_of(&entries);
            for id in gone {
                if !kept.contains(&id) {
                    store::remove_cached(dir, &id.to_string());
                }
            }
        }
        self.save_bodies(dir, &entries, warnings);
        if opening {
            remove_orphan_bodies(dir, &entries);
        }
        self.on_disk = store::stamp(dir);
        Ok(entries)
    }

    /// Writes the bodies waiting in memory to the cache; those that fail stay in memory.
    fn save_bodies(&mut self, dir: &Path, entries: &[Entry], warnings: &mut Vec<Warning>) {
        if self.unsaved_bodies.is_empty() {
            return;
        }
        let kept = ids_of(entries);
        self.unsaved_bodies.retain(|id, _| kept.contains(id));
        let mut failed = None;
        let fault = self.fault.as_ref();
        self.unsaved_bodies.retain(|id, body| {
            match store::write_cached(dir, &id.to_string(), body, fault) {
                Ok(()) => false,
                Err(e) => {
                    failed = Some(e);
                    true
                }
            }
        });
        if let Some(e) = failed {
            warnings.push(Warning::NotSaved(format!(
                "could not cache the response in {}: {e}",
                dir.join(store::CACHE).display()
            )));
        }
    }

    fn set_entries(&mut self, entries: Vec<Entry>) {
        if (self.dir.is_none() || self.not_saved.is_some()) && !self.unsaved_bodies.is_empty() {
            // Bodies only in memory go with their entries.
            let kept = ids_of(&entries);
            self.unsaved_bodies.retain(|id, _| kept.contains(id));
        }
        self.index = OnceLock::new();
        self.entries = entries;
    }

    /// Makes writes fail at a chosen point, for tests.
    #[cfg(test)]
    fn set_fault(&mut self, fault: Option<Fault>) {
        self.fault = fault;
    }
}

/// A save that did not happen.
struct Failure {
    /// Why, in words.
    reason: String,
    /// The file as read with every pending change applied, when the file could be read.
    merged: Option<Vec<Entry>>,
}

/// Removes cached bodies whose entry is gone (evicted by a swlog that was killed before it
/// removed the body, for instance). Call with the lock held.
fn remove_orphan_bodies(dir: &Path, entries: &[Entry]) {
    let kept = ids_of(entries);
    for name in store::cached_names(dir) {
        let known = Uuid::try_parse(&name).is_ok_and(|id| kept.contains(&id));
        if !known {
            store::remove_cached(dir, &name);
        }
    }
}

/// The IDs of `entries`, for membership tests that would be quadratic over a list.
fn ids_of(entries: &[Entry]) -> HashSet<Uuid, filter::FastHash> {
    entries.iter().map(|e| e.id).collect()
}

/// Applies one operation to a list of entries (in any order; [`normalize`] sorts).
fn apply(entries: &mut Vec<Entry>, op: &Op) {
    let find = |entries: &[Entry], id: Uuid| entries.iter().position(|e| e.id == id);
    match op {
        // The newest lookup goes in front, so that lookups made within the same instant (a
        // clock's resolution, or a test's fixed clock) still list the latest first.
        Op::Upsert(new) => match find(entries, new.id) {
            Some(i) => {
                let old = entries.remove(i);
                let merged = Entry {
                    pinned: old.pinned,
                    note: old.note,
                    ..new.clone()
                };
                entries.insert(0, merged);
            }
            None => entries.insert(0, new.clone()),
        },
        Op::Pin(id, pinned) => {
            if let Some(i) = find(entries, *id) {
                entries[i].pinned = *pinned;
            }
        }
        Op::Note(id, note) => {
            if let Some(i) = find(entries, *id) {
                entries[i].note.clone_from(note);
            }
        }
        Op::Delete(id) => entries.retain(|e| e.id != *id),
        Op::Restore(old) => match find(entries, old.id) {
            // Looked up again since: keep the newer lookup, bring back the pin and note.
            Some(i) => {
                let e = &mut entries[i];
                e.pinned |= old.pinned;
                if e.note.is_none() {
                    e.note.clone_from(&old.note);
                }
            }
            None => entries.push(old.clone()),
        },
        Op::Clear => entries.clear(),
    }
}

/// Puts entries in display order (pinned first, then most recent first), keeps one per ID, and
/// keeps only the `cap` most recent unpinned entries. Returns the IDs evicted.
fn normalize(entries: &mut Vec<Entry>, cap: usize) -> Vec<Uuid> {
    // Stable: equal times keep the order they came in.
    entries.sort_by(|a, b| b.pinned.cmp(&a.pinned).then(b.at.cmp(&a.at)));
    let mut seen = HashSet::with_capacity_and_hasher(entries.len(), filter::FastHash);
    entries.retain(|e| seen.insert(e.id));
    // Pinned entries come first, so the unpinned ones beyond the cap are the tail.
    let pinned = entries.iter().take_while(|e| e.pinned).count();
    let keep = pinned.saturating_add(cap).min(entries.len());
    entries.drain(keep..).map(|e| e.id).collect()
}
