//! Saving: each change is applied under the lock to what is on disk now, written atomically,
//! and the cache kept in step with the entries; what cannot be saved stays in memory.

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use uuid::Uuid;

use super::ops::{Op, apply, apply_all, cap_for, in_order, normalize, upsert_normalized};
use super::store::{self, Read};
use super::{Entry, History, Warning, filter};
use super::{cache, files};

impl History {
    /// Applies `op` (if any) and everything still pending onto the file as it is now, writes the
    /// result, and refreshes the in-memory entries from it. When that fails, the change is
    /// applied in memory and stays pending for the next save.
    pub(super) fn sync(&mut self, op: Option<Op>, opening: bool) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if self.deferred.is_some() {
            self.defer(op);
            return warnings;
        }
        let Some(op) = self.hold(op) else {
            return warnings;
        };
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

    /// `entries` read from disk with the changes waiting applied, as a save would leave them.
    fn merged(&self, mut entries: Vec<Entry>) -> Vec<Entry> {
        let cap = cap_for(&entries, &self.pending, self.options.cap);
        apply_all(&mut entries, &self.pending);
        normalize(&mut entries, cap);
        entries
    }

    pub(super) fn apply_in_memory(&mut self, op: &Op) {
        let mut entries = std::mem::take(&mut self.entries);
        let cap = cap_for(&entries, std::slice::from_ref(op), self.options.cap);
        match op {
            // The entries in memory are in order already: a lookup only moves one.
            Op::Upsert(new) => upsert_normalized(&mut entries, new, cap),
            op => {
                apply(&mut entries, op);
                normalize(&mut entries, cap);
            }
        }
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
        files::ensure_dir(dir)
            .map_err(|e| early(format!("cannot create {}: {e}", dir.display())))?;
        let _lock = store::lock(dir).map_err(|e| Failure {
            reason: format!("cannot lock the history: {e}"),
            // A read-only directory may still hold a history worth showing.
            merged: store::read_untouched(dir, self.read_cap).map(|e| self.merged(e)),
        })?;
        let cache_ok = self.check_cache(dir, warnings);
        // Unchanged since this swlog last read or wrote it (no other swlog has saved since):
        // what is on disk is `self.entries`, so reading 10,000 entries back is skipped.
        let known = self.on_disk.take();
        let base = self.batch_base.take();
        let now = store::stamp(dir);
        let unchanged = known.is_some() && known == now && self.not_saved.is_none();
        let read = match base {
            _ if unchanged => Read::Entries(std::mem::take(&mut self.entries)),
            // A batch's changes were held in memory: the file still holds what it held then.
            Some((stamp, entries)) if Some(stamp) == now && self.not_saved.is_none() => {
                Read::Entries(entries)
            }
            _ => {
                let (read, tag) = store::read(dir, self.read_cap);
                self.tag = tag;
                read
            }
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
            // The file is shown, with this swlog's changes, and nothing is written.
            Read::JournalBlocked { reason, entries } => {
                return Err(Failure {
                    reason,
                    merged: Some(self.merged(entries)),
                });
            }
        };
        // Opening folds a journal grown long into the file (the inspector's saves, which
        // rewrite it anyway, and a batch's open, off the lookups' way), and puts a file edited
        // out of order by hand back in order, so that a journal always extends a file in order.
        let ordered = in_order(&entries);
        let fold = opening && (!ordered || store::journal_worth_folding(dir, now));
        // Left behind by a swlog that was killed: removed by any open but a batch's (unless it
        // rewrites the file anyway).
        let tidy = opening && (self.batch.is_none() || fold);
        if tidy {
            store::remove_stale_temps(dir, cache_ok);
        }
        // A batch's save appends its change to the journal instead of rewriting the file; a
        // repair, a fold, a clear or a prune rewrites it. A line says what changed in a list in
        // display order (what swlog writes).
        let journaled = self.batch.is_some()
            && !repaired
            && !fold
            && ordered
            && !self
                .pending
                .iter()
                .any(|op| matches!(op, Op::Clear | Op::ClearUnpinned | Op::Prune));
        let places = journaled.then(|| store::places(&entries));
        let mut gone: Vec<Uuid> = Vec::new();
        let cap = cap_for(&entries, &self.pending, self.options.cap);
        let read = entries.len();
        for op in &self.pending {
            match op {
                Op::Delete(id) => gone.push(*id),
                // A clear is always the first change waiting: it drops what the file holds.
                Op::Clear => gone.extend(entries.iter().map(|e| e.id)),
                Op::ClearUnpinned => {
                    gone.extend(entries.iter().filter(|e| !e.pinned).map(|e| e.id))
                }
                _ => {}
            }
        }
        apply_all(&mut entries, &self.pending);
        let evicted = normalize(&mut entries, cap);
        if self.pending.iter().any(|op| matches!(op, Op::Prune)) {
            self.pruned = Some(read.saturating_sub(entries.len()));
        }
        gone.extend(evicted);
        let changed = !self.pending.is_empty() || repaired || fold;
        let fault = self.fault.as_ref();
        // An append that fails (a full disk, a journal that is not a file) tries the whole
        // write, which says why if it fails too.
        let appended = changed
            && places.is_some_and(|before| {
                let tag = self.tag.as_deref();
                store::append(dir, tag, &before, &entries, &touched(&self.pending), fault)
                    .unwrap_or(false)
            });
        if changed && !appended {
            match store::write(dir, &entries, fault) {
                Ok(tag) => self.tag = Some(tag),
                Err(e) => {
                    return Err(Failure {
                        reason: format!("cannot write {}: {e}", dir.join(files::FILE).display()),
                        merged: Some(entries),
                    });
                }
            }
        }
        let cleared = self.pending.iter().any(|op| matches!(op, Op::Clear));
        self.pending.clear();
        if cleared
            && cache_ok
            && let Err(e) = cache::clear_cache(dir)
        {
            warnings.push(Warning::NotCached(format!(
                "could not delete the cached responses in {}: {e}",
                dir.join(cache::CACHE).display()
            )));
        }
        if !gone.is_empty() && cache_ok {
            let kept = ids_of(&entries);
            for id in gone {
                if !kept.contains(&id) {
                    cache::remove_cached(dir, &id.to_string());
                }
            }
        }
        self.save_bodies(dir, &entries, warnings);
        if tidy && cache_ok {
            remove_orphan_bodies(dir, &entries);
        }
        self.on_disk = store::stamp(dir);
        Ok(entries)
    }

    /// Checks the cache directory before anything is written or removed there; the first time it
    /// is refused the cache goes off for the run, with a warning.
    fn check_cache(&mut self, dir: &Path, warnings: &mut Vec<Warning>) -> bool {
        if self.cache_refused {
            return false;
        }
        match cache::check_cache_dir(dir) {
            Ok(()) => true,
            Err(why) => {
                self.cache_refused = true;
                self.options.cache = false;
                self.unsaved_bodies.clear();
                warnings.push(Warning::CacheOff(why));
                false
            }
        }
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
            match cache::write_cached(dir, &id.to_string(), body, fault) {
                Ok(()) => false,
                Err(e) => {
                    failed = Some((*id, e));
                    true
                }
            }
        });
        if let Some((id, e)) = failed {
            warnings.push(Warning::NotCached(format!(
                "could not cache the response in {}: {e}",
                cache::cache_path(dir, &id.to_string()).display()
            )));
        }
    }

    pub(super) fn set_entries(&mut self, entries: Vec<Entry>) {
        if (self.dir.is_none() || self.not_saved.is_some()) && !self.unsaved_bodies.is_empty() {
            // Bodies only in memory go with their entries.
            let kept = ids_of(&entries);
            self.unsaved_bodies.retain(|id, _| kept.contains(id));
        }
        self.index = OnceLock::new();
        self.entries = entries;
    }
}

/// The IDs that `ops` name: the only entries they can change.
pub(super) fn touched(ops: &[Op]) -> HashSet<Uuid, filter::FastHash> {
    ops.iter()
        .filter_map(|op| match op {
            Op::Upsert(e) | Op::Restore(e) => Some(e.id),
            Op::Update(id, _)
            | Op::RefreshFailed(id, _)
            | Op::Pin(id, _)
            | Op::Note(id, _)
            | Op::Delete(id) => Some(*id),
            Op::Clear | Op::ClearUnpinned | Op::Prune => None,
        })
        .collect()
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
    for name in cache::cached_names(dir) {
        let known = Uuid::try_parse(&name).is_ok_and(|id| kept.contains(&id));
        if !known {
            cache::remove_cached(dir, &name);
        }
    }
}

/// The IDs of `entries`, for membership tests that would be quadratic over a list.
fn ids_of(entries: &[Entry]) -> HashSet<Uuid, filter::FastHash> {
    entries.iter().map(|e| e.id).collect()
}
