//! Writing: each change applied in memory at once and written as one transaction (or handed
//! to the batch's thread or the inspector's save thread), the entries read back after; a
//! damaged database replaced by a fresh one holding what could be read of it.

use uuid::Uuid;

use std::sync::OnceLock;

use super::db::{self, Body};
use super::ops::{self, Op};
use super::{Entry, History, Lookup, Warning};
use crate::index::IndexError;

impl History {
    /// Reads the entries back from the database. A file found damaged is moved aside and a
    /// fresh one started with what could be read of the history.
    pub(super) fn refresh(&mut self, warnings: &mut Vec<Warning>) {
        let Some(db) = &mut self.db else {
            return;
        };
        match db.load() {
            Ok(entries) => {
                self.partial = None;
                self.set_entries(entries);
            }
            Err(e) if e.is_corrupt() => self.recover(&e, warnings),
            Err(e) => self.failed(db::said(&e), warnings),
        }
    }

    /// Moves a damaged database aside and starts a fresh one, keeping what can be read.
    fn recover(&mut self, e: &IndexError, warnings: &mut Vec<Warning>) {
        let Some(db) = self.db.take() else {
            return;
        };
        match db.recover(e.to_string()) {
            Ok((db, r)) => {
                warnings.push(Warning::Damaged {
                    moved_to: r.moved_to,
                    detail: r.reason,
                    kept: r.history_kept,
                });
                self.db = Some(db);
                self.refresh(warnings);
            }
            // From now on in memory.
            Err(e) => self.failed(db::said(&e), warnings),
        }
    }

    /// Makes one change: in memory at once, then written (here, on the batch's thread, or
    /// handed to the inspector's save thread).
    pub(super) fn change(&mut self, op: Op, body: Option<(Uuid, Body)>) -> Vec<Warning> {
        if let Some(d) = &mut self.deferred {
            d.outbox.push(op.clone());
            self.bodies.extend(body);
            self.apply_in_memory(&op);
            return Vec::new();
        }
        if let Some(batch) = &mut self.batch {
            if batch.blind {
                return batch.send(op, body);
            }
            let warnings = batch.send(op.clone(), body);
            self.apply_in_memory(&op);
            return warnings;
        }
        if self.db.is_none() {
            self.bodies.extend(body);
            self.apply_in_memory(&op);
            return Vec::new();
        }
        self.pending.push(op.clone());
        self.bodies.extend(body);
        self.save(Some(&op))
    }

    /// Writes the changes and bodies waiting, then reads the entries back; when that fails,
    /// `op` (just made) is applied in memory and everything stays waiting.
    pub(super) fn save(&mut self, op: Option<&Op>) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let bodies: Vec<(Uuid, Body)> = self.bodies.iter().map(|(i, b)| (*i, b.clone())).collect();
        // A second time after a damaged file was replaced by a fresh one.
        for _ in 0..2 {
            let Some(db) = &mut self.db else {
                break;
            };
            // When this is the only change and nobody else wrote since the entries were read,
            // applying it in memory leaves what reading them back would (a property test holds
            // the two to it), without reading 100,000 entries again.
            let alone = op.is_some() && self.pending.len() == 1 && !db.changed();
            let cap = self.options.cap;
            let written =
                (db.write(&self.pending, &bodies, cap, self.fault.as_ref())).and_then(|w| {
                    match alone && !db.changed() {
                        true => Ok((w, None)),
                        false => db.load().map(|e| (w, Some(e))),
                    }
                });
            match written {
                Ok((w, entries)) => {
                    self.pending.clear();
                    self.bodies.clear();
                    self.not_saved = None;
                    match (entries, op) {
                        (Some(entries), _) => self.set_entries(entries),
                        (None, Some(op)) => self.apply_in_memory(op),
                        (None, None) => {}
                    }
                    self.evicted = w.evicted;
                    return warnings;
                }
                Err(e) if e.is_corrupt() => self.recover(&e, &mut warnings),
                Err(e) => {
                    self.failed(db::said(&e), &mut warnings);
                    break;
                }
            }
        }
        if let Some(op) = op {
            self.apply_in_memory(op);
        }
        warnings
    }

    /// Notes that the history is not being saved, warning once per streak of failures.
    pub(super) fn failed(&mut self, why: String, warnings: &mut Vec<Warning>) {
        if self.not_saved.is_none() {
            warnings.push(Warning::NotSaved(why.clone()));
        }
        self.not_saved = Some(why);
    }

    /// Applies `op` to the entries in memory, as the database would.
    pub(super) fn apply_in_memory(&mut self, op: &Op) {
        let mut entries = std::mem::take(&mut self.entries);
        let before = entries.len();
        let cap = ops::cap_for(&entries, std::slice::from_ref(op), self.options.cap);
        // The one entry a change is about: the filter's text moves it (or drops it) instead
        // of being laid out again.
        let one = ops::one_entry(op);
        let from = one.and_then(|id| entries.iter().position(|e| e.id == id));
        // A failed lookup over a record found earlier only marks it, in place.
        let marks = |new: &Entry| {
            (entries.iter()).any(|e| e.id == new.id && matches!(e.lookup, Lookup::Record(_)))
        };
        match op {
            // The entries in memory are in order already: a lookup only moves one.
            Op::Upsert(new) => ops::upsert_normalized(&mut entries, new, cap),
            Op::Failed(new) if !marks(new) => ops::upsert_normalized(&mut entries, new, cap),
            Op::Failed(_) => ops::apply(&mut entries, op),
            op => {
                ops::apply(&mut entries, op);
                ops::normalize(&mut entries, cap);
            }
        }
        let text = match (one, self.text.take()) {
            (Some(id), Some(mut t)) => {
                let to = entries.iter().position(|e| e.id == id);
                t.moved(from, to.map(|i| (i, &entries[i])), entries.len());
                Some(t)
            }
            _ => None,
        };
        if matches!(op, Op::Prune) {
            self.evicted = before.saturating_sub(entries.len());
        }
        self.bodies
            .retain(|id, _| entries.iter().any(|e| e.id == *id));
        self.set_entries(entries);
        if let Some(t) = text {
            let _ = self.text.set(t);
        }
    }

    pub(super) fn set_entries(&mut self, entries: Vec<Entry>) {
        self.text = OnceLock::new();
        self.entries = entries;
    }

    /// Makes writes fail at a chosen point, for tests.
    #[cfg(test)]
    pub(super) fn set_fault(&mut self, fault: Option<db::Fault>) {
        self.fault = fault;
    }
}
