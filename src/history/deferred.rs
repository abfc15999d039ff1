//! Saves off the inspector's update path. The inspector's history applies each change in memory
//! at once and hands the change out as a [`Save`]; the loop runs saves in order on one thread
//! against a disk-side history ([`Saver`]), and answers with what is now in the database
//! ([`Saved`]), which the in-memory history takes in with the changes still on their way
//! replayed on top.

use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;

use uuid::Uuid;

use super::db::Body;
use super::ops::{Op, apply, cap_for, normalize};
use super::{Entry, History, Options, Warning};

/// The bookkeeping of a history whose saves are deferred.
#[derive(Debug, Default)]
pub(super) struct Deferred {
    /// Changes made since the last [`History::take_save`].
    pub(super) outbox: Vec<Op>,
    /// Whether the database should be read again (another swlog may have written).
    pub(super) reload: bool,
    /// The number of the last save handed out.
    seq: u64,
    /// Saves handed out and not answered yet, with their changes.
    unconfirmed: VecDeque<(u64, Vec<Op>)>,
}

/// Changes to write, in order, and bodies to cache.
#[derive(Debug, Clone)]
pub struct Save {
    seq: u64,
    dir: PathBuf,
    options: Options,
    ops: Vec<Op>,
    bodies: Vec<(Uuid, Body)>,
}

impl PartialEq for Save {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq && self.dir == other.dir
    }
}

/// What a save left in the database.
#[derive(Debug)]
pub struct Saved {
    seq: u64,
    entries: Vec<Entry>,
    /// The filter's text of `entries`, laid out on the save's thread.
    text: Option<super::filter::Text>,
    not_saved: Option<String>,
    /// The bodies this save was given, and those of them still not written.
    sent: HashSet<Uuid>,
    unsaved: HashSet<Uuid>,
    /// What the user should be told.
    pub warnings: Vec<Warning>,
}

/// The disk side: runs saves in order on a connection of its own.
#[derive(Debug, Default)]
pub struct Saver {
    disk: Option<History>,
}

impl Saver {
    /// Writes `save`'s changes, one transaction (database I/O: call it off the inspector's
    /// update path).
    pub fn run(&mut self, save: Save) -> Saved {
        let mut warnings = Vec::new();
        let disk = self.disk.get_or_insert_with(|| {
            let (disk, said) = History::open(save.dir.clone(), save.options.clone());
            // The inspector's own open said these already; only a failure is news.
            warnings.extend(
                said.into_iter()
                    .filter(|w| matches!(w, Warning::NotSaved(_))),
            );
            disk
        });
        let sent: HashSet<Uuid> = save.bodies.iter().map(|(id, _)| *id).collect();
        disk.bodies.extend(save.bodies);
        if save.ops.is_empty() {
            warnings.extend(disk.reload());
        }
        if !save.ops.is_empty() || !disk.bodies.is_empty() {
            disk.pending.extend(save.ops.iter().cloned());
            warnings.extend(disk.save(None));
            // Not written: they wait with the changes before them for the next save, and
            // show meanwhile.
            if disk.not_saved.is_some() {
                for op in &save.ops {
                    disk.apply_in_memory(op);
                }
            }
        }
        let entries = disk.entries.clone();
        Saved {
            seq: save.seq,
            text: Some(super::filter::Text::new(&entries)),
            entries,
            not_saved: disk.not_saved.clone(),
            unsaved: (sent.iter())
                .filter(|id| disk.bodies.contains_key(id))
                .copied()
                .collect(),
            sent,
            warnings,
        }
    }
}

impl Deferred {
    /// Whether every change made in memory has been written and answered, and nothing asks
    /// for the database to be read again: what the database holds is what memory shows.
    pub(super) fn settled(&self) -> bool {
        self.outbox.is_empty() && self.unconfirmed.is_empty() && !self.reload
    }
}

impl History {
    /// Keeps changes in memory and hands them out through [`History::take_save`] instead of
    /// writing them: the inspector's update does no writing. A history without a directory has
    /// nothing to save and is left as it is.
    pub fn defer_saves(&mut self) {
        if self.dir.is_some() {
            self.deferred = Some(Deferred {
                // Only the first page was read: the first save reads the rest.
                reload: self.partial.is_some(),
                ..Deferred::default()
            });
        }
    }

    /// Whether saves are deferred.
    pub fn saves_deferred(&self) -> bool {
        self.deferred.is_some()
    }

    /// The changes made since the last call, to be run by a [`Saver`]; `None` when there are
    /// none.
    pub fn take_save(&mut self) -> Option<Save> {
        let dir = self.dir.clone()?;
        let d = self.deferred.as_mut()?;
        if d.outbox.is_empty() && !d.reload {
            return None;
        }
        d.seq += 1;
        d.reload = false;
        let ops = std::mem::take(&mut d.outbox);
        d.unconfirmed.push_back((d.seq, ops.clone()));
        // The bodies stay here too, for revisits, until the save says they are written.
        let bodies = (self.bodies.iter())
            .map(|(id, body)| (*id, body.clone()))
            .collect();
        Some(Save {
            seq: d.seq,
            dir,
            options: self.options.clone(),
            ops,
            bodies,
        })
    }

    /// Takes in what a save left in the database, with the changes still on their way
    /// replayed on top.
    pub fn saved(&mut self, saved: Saved) {
        let Some(d) = self.deferred.as_mut() else {
            return;
        };
        d.unconfirmed.retain(|(seq, _)| *seq > saved.seq);
        let mut entries = saved.entries;
        let replayed: Vec<Op> = (d.unconfirmed.iter())
            .flat_map(|(_, ops)| ops)
            .chain(&d.outbox)
            .cloned()
            .collect();
        self.not_saved = saved.not_saved;
        self.bodies
            .retain(|id, _| !saved.sent.contains(id) || saved.unsaved.contains(id));
        self.partial = None;
        if replayed.is_empty() {
            // As read, in order: nothing to sort, and the filter's text built beside them.
            self.set_entries(entries);
            if let Some(text) = saved.text {
                let _ = self.text.set(text);
            }
            return;
        }
        // As a write would: evict no more than these changes add (only a prune trims).
        let cap = cap_for(&entries, &replayed, self.options.cap);
        for op in &replayed {
            apply(&mut entries, op);
        }
        normalize(&mut entries, cap);
        self.set_entries(entries);
    }
}
