//! Batched saves for a command that records many lookups (`swlog get` of a column of IDs): the
//! changes are applied in memory at once and written together at most every interval, and at
//! [`History::flush`], through the same locked, atomic, fsynced save as a single change. One
//! save per lookup made 200 lookups cost up to twice as much as the same run without history.

use std::time::{Duration, Instant};

use super::History;
use super::Warning;
use super::ops::Op;

/// When the last batched save was made, and how often one may be.
#[derive(Debug, Clone, Copy)]
pub(super) struct Batch {
    every: Duration,
    last: Instant,
}

impl History {
    /// Writes changes at most every `every` (the rest wait in memory until then, or until
    /// [`History::flush`]), so that a crash loses at most that long of lookups. A history
    /// without a directory, or whose saves are deferred to another thread, is left as it is.
    pub fn batch_saves(&mut self, every: Duration) {
        if self.dir.is_some() && self.deferred.is_none() {
            self.batch = Some(Batch {
                every,
                last: Instant::now(),
            });
        }
    }

    /// Writes every change still waiting; call it when the batch ends.
    #[must_use = "the warnings should be shown to the user"]
    pub fn flush(&mut self) -> Vec<Warning> {
        self.finish_bodies();
        if self.pending.is_empty() && self.unsaved_bodies.is_empty() {
            return Vec::new();
        }
        self.sync(None, false)
    }

    /// Keeps `body` as `id`'s cached body: in a batch it is written at once on the batch's
    /// writer thread; otherwise, or when no thread can be had, at the next save.
    pub(super) fn keep_body(&mut self, id: uuid::Uuid, body: super::cache::CachedFile) {
        let batched = self.batch.is_some() && self.deferred.is_none() && self.not_saved.is_none();
        let body = match (&self.dir, batched) {
            (Some(dir), true) => {
                if self.body_writer.is_none() {
                    self.body_writer =
                        super::bodies::BodyWriter::start(dir.clone(), self.fault.clone());
                }
                match &mut self.body_writer {
                    Some(writer) => match writer.send(id, body) {
                        None => {
                            // A body queued for the writer replaces any older one waiting.
                            self.unsaved_bodies.remove(&id);
                            return;
                        }
                        Some(back) => back,
                    },
                    None => body,
                }
            }
            _ => body,
        };
        self.unsaved_bodies.insert(id, body);
    }

    /// Waits for the batch's writer thread; bodies it could not write wait for the save that
    /// follows, which tries them again and says why should it fail too.
    fn finish_bodies(&mut self) {
        if let Some(writer) = self.body_writer.take() {
            for (id, body) in writer.finish() {
                self.unsaved_bodies.entry(id).or_insert(body);
            }
        }
    }

    /// Writes the changes waiting once the interval has passed since the last save: a batch
    /// whose lookups come slowly calls it between them, so that none waits longer.
    #[must_use = "the warnings should be shown to the user"]
    pub fn save_due(&mut self) -> Vec<Warning> {
        match &self.batch {
            Some(b) if b.last.elapsed() >= b.every => self.flush(),
            _ => Vec::new(),
        }
    }

    /// Keeps `op` for the next save when one was made less than the interval ago; returns
    /// `op` back when it should be saved now.
    pub(super) fn hold(&mut self, op: Option<Op>) -> Option<Option<Op>> {
        let Some(batch) = &mut self.batch else {
            return Some(op);
        };
        let Some(op) = op else {
            batch.last = Instant::now();
            return Some(None);
        };
        if batch.last.elapsed() >= batch.every {
            batch.last = Instant::now();
            return Some(Some(op));
        }
        // The entries in memory are about to hold changes the file does not: keep what the
        // file holds (the first time), so that the save reads it back only if it changed.
        if let Some(stamp) = self.on_disk.take() {
            self.batch_base = Some((stamp, self.entries.clone()));
        }
        self.apply_in_memory(&op);
        match op {
            Op::Clear => self.pending = vec![Op::Clear],
            op => queue(&mut self.pending, op),
        }
        None
    }
}

/// How far back among the changes waiting a lookup looks for an earlier lookup of its ID.
const SUPERSEDE_WITHIN: usize = 64;

/// Queues `op` behind `pending`. A lookup supersedes an earlier one of the same ID when only
/// lookups came between them (and it is among the last few): applied together they leave the
/// same entries either way ([`super::ops::apply_all`]), and a batch of 200 lookups of a dozen
/// IDs keeps a dozen changes for its save instead of 200.
pub(super) fn queue(pending: &mut Vec<Op>, op: Op) {
    if let Op::Upsert(new) = &op {
        let earlier = pending
            .iter()
            .rev()
            .take(SUPERSEDE_WITHIN)
            .take_while(|o| matches!(o, Op::Upsert(_)))
            .position(|o| matches!(o, Op::Upsert(e) if e.id == new.id));
        if let Some(back) = earlier {
            pending.remove(pending.len() - 1 - back);
        }
    }
    pending.push(op);
}
