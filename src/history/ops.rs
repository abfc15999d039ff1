//! The changes made to the history, and how they apply to a list of entries read from disk:
//! one entry per ID, display order, and the limit on unpinned entries.

use std::cmp::Ordering;
use std::collections::HashSet;

use uuid::Uuid;

use super::{Entry, Lookup};

/// A change to the history, replayed onto whatever is on disk when it is saved.
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// Add or refresh a lookup, keeping an existing pin and note.
    Upsert(Entry),
    /// A refreshed record's new result for an entry, which keeps its place (and time).
    Update(Uuid, Lookup),
    /// A refresh of a found record failed: the record stays, marked.
    RefreshFailed(Uuid, super::RefreshFailed),
    /// A lookup failed (the entry holds its error): decided where it is applied, against what
    /// is there then, so that a batch needs no entry read first. A record found earlier is
    /// never replaced by the failure: in the same profile and space it is marked as having
    /// failed to refresh, elsewhere left alone; any other entry is upserted.
    Failed(Entry),
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
    /// Remove every entry but the pinned ones.
    ClearUnpinned,
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
        Op::Upsert(new) => {
            let old = find(entries, new.id).map(|i| entries.remove(i));
            entries.insert(0, upserted(new, old));
        }
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
        Op::Failed(new) => match find(entries, new.id) {
            Some(i) if matches!(entries[i].lookup, Lookup::Record(_)) => {
                if let Some(failed) = refresh_failure(&entries[i], new) {
                    entries[i].refresh_failed = Some(failed);
                }
            }
            _ => apply(entries, &Op::Upsert(new.clone())),
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
        Op::ClearUnpinned => entries.retain(|e| e.pinned),
        // Trimming is normalize's, with the cap `cap_for` gives a prune.
        Op::Prune => {}
    }
}

/// The ID of the one entry `op` changes, moves or removes (besides evictions from the end of
/// the list); `None` for a change to many.
pub(super) fn one_entry(op: &Op) -> Option<Uuid> {
    match op {
        Op::Upsert(e) | Op::Failed(e) => Some(e.id),
        Op::Update(id, _)
        | Op::RefreshFailed(id, _)
        | Op::Pin(id, _)
        | Op::Note(id, _)
        | Op::Delete(id) => Some(*id),
        Op::Restore(_) | Op::Clear | Op::ClearUnpinned | Op::Prune => None,
    }
}

/// What a failed lookup (`new`, holding its error) marks on the record `found` earlier: a
/// refresh failure when both were made in the same profile and space, else nothing.
pub(super) fn refresh_failure(found: &Entry, new: &Entry) -> Option<super::RefreshFailed> {
    let what = match &new.lookup {
        Lookup::Error(what) => what.clone(),
        Lookup::Record(_) => return None,
    };
    (found.profile == new.profile && found.space == new.space)
        .then_some(super::RefreshFailed { what, at: new.at })
}

/// A lookup's new entry, with the pin and note of the entry it replaces, if any.
fn upserted(new: &Entry, old: Option<Entry>) -> Entry {
    match old {
        Some(old) => Entry {
            pinned: old.pinned,
            note: old.note,
            ..new.clone()
        },
        None => new.clone(),
    }
}

/// Display order: pinned first, then the most recent first.
fn display_order(a: &Entry, b: &Entry) -> Ordering {
    b.pinned.cmp(&a.pinned).then(b.at.cmp(&a.at))
}

/// Upserts `new` into `entries`, which are in display order with one entry per ID, keeping
/// them so, as [`apply`] then [`normalize`] would, without sorting or hashing the whole list:
/// a batch does this at each lookup.
pub(super) fn upsert_normalized(entries: &mut Vec<Entry>, new: &Entry, cap: usize) {
    let old = entries.iter().position(|e| e.id == new.id);
    let merged = upserted(new, old.map(|i| entries[i].clone()));
    // In front of every entry it does not sort after, as `apply` puts it first and the sort
    // is stable: where it goes in the list without its old entry.
    let before = entries.partition_point(|e| display_order(e, &merged) == Ordering::Less);
    match old {
        // Moved in place: only the entries between its two places shift, where a remove and
        // an insert moved the whole list twice, some 10 MB a lookup in a history of 20,000.
        Some(i) => {
            let at = if i < before { before - 1 } else { before };
            entries[i] = merged;
            if at < i {
                entries[at..=i].rotate_right(1);
            } else {
                entries[i..=at].rotate_left(1);
            }
        }
        None => entries.insert(before, merged),
    }
    let pinned = entries.partition_point(|e| e.pinned);
    entries.truncate(pinned.saturating_add(cap));
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
    entries.sort_by(display_order);
    let mut seen = HashSet::with_capacity_and_hasher(entries.len(), FastHash::default());
    entries.retain(|e| seen.insert(e.id));
    // Pinned entries come first, so the unpinned ones beyond the cap are the tail.
    let pinned = entries.iter().take_while(|e| e.pinned).count();
    let keep = pinned.saturating_add(cap).min(entries.len());
    entries.drain(keep..).map(|e| e.id).collect()
}

/// The hash of the history's sets of IDs: foldhash, seeded per process, in its quality variant.
/// FxHash's last multiply left IDs that differ only in their last bytes (`…-000000000001`,
/// `…-000000000002`: a test system's IDs) in one bucket.
pub(super) type FastHash = foldhash::quality::RandomState;
