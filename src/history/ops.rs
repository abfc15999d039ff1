//! The changes made to the history, and how they apply to a list of entries read from disk:
//! one entry per ID, display order, and the limit on unpinned entries.

use std::collections::HashSet;

use uuid::Uuid;

use super::{Entry, Lookup, filter};

/// A change to the history, replayed onto whatever is on disk when it is saved.
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// Add or refresh a lookup, keeping an existing pin and note.
    Upsert(Entry),
    /// A refreshed record's new result for an entry, which keeps its place (and time).
    Update(Uuid, Lookup),
    /// A refresh of a found record failed: the record stays, marked.
    RefreshFailed(Uuid, super::RefreshFailed),
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
    /// Trim the unpinned entries to the limit (which a plain save never does below what is
    /// already there).
    Prune,
}

/// Applies one operation to a list of entries (in any order; [`normalize`] sorts).
pub(super) fn apply(entries: &mut Vec<Entry>, op: &Op) {
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
        Op::Update(id, lookup) => {
            if let Some(i) = find(entries, *id) {
                entries[i].lookup = lookup.clone();
                entries[i].refresh_failed = None;
            }
        }
        // Only a found record is marked: an entry that never found one shows its error.
        Op::RefreshFailed(id, failed) => {
            if let Some(i) = find(entries, *id)
                && matches!(entries[i].lookup, Lookup::Record(_))
            {
                entries[i].refresh_failed = Some(failed.clone());
            }
        }
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
        // Trimming is normalize's, with the cap `cap_for` gives a prune.
        Op::Prune => {}
    }
}

/// The number of unpinned entries a save keeps: the limit, or when the history already holds
/// more (kept by a config with a larger limit) that many, so that a run evicts no more entries
/// than it adds. Only a prune trims to the limit.
pub(super) fn cap_for(entries: &[Entry], ops: &[Op], limit: usize) -> usize {
    if ops.iter().any(|op| matches!(op, Op::Prune)) {
        return limit;
    }
    let unpinned = entries.iter().filter(|e| !e.pinned).count();
    limit.max(unpinned)
}

/// Puts entries in display order (pinned first, then most recent first), keeps one per ID, and
/// keeps only the `cap` most recent unpinned entries. Returns the IDs evicted.
pub(super) fn normalize(entries: &mut Vec<Entry>, cap: usize) -> Vec<Uuid> {
    // Stable: equal times keep the order they came in.
    entries.sort_by(|a, b| b.pinned.cmp(&a.pinned).then(b.at.cmp(&a.at)));
    let mut seen = HashSet::with_capacity_and_hasher(entries.len(), filter::FastHash);
    entries.retain(|e| seen.insert(e.id));
    // Pinned entries come first, so the unpinned ones beyond the cap are the tail.
    let pinned = entries.iter().take_while(|e| e.pinned).count();
    let keep = pinned.saturating_add(cap).min(entries.len());
    entries.drain(keep..).map(|e| e.id).collect()
}
