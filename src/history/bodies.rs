//! Cached bodies as the history hands them out, and a batch's cached bodies, written on a
//! thread of their own while the batch goes on: a batch of lookups spent as long writing a
//! dozen bodies at its end as fetching all of them. Bodies are a cache (renamed into place, not
//! fsynced), so writing them early and out of the save's lock changes nothing a crash could
//! notice; `history.json` is still saved as before.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::History;
use super::cache::{self, CachedFile};
use super::files::Fault;

impl History {
    /// The last response body cached for `id`, with the time it was fetched.
    pub fn cached_body(&self, id: Uuid) -> Option<(String, DateTime<Utc>)> {
        if !self.options.cache {
            return None;
        }
        let cached = self.body(id)?;
        // The entry's lookup found this very body: it was confirmed then, if that is later. A
        // time in the future (a clock that was wrong) is not believed.
        let written = Some(cached.fetched_at).filter(|t| *t <= Utc::now());
        let confirmed = self
            .get(id)
            .filter(|e| e.body_digest.as_deref() == Some(&*cache::digest(&cached.body)))
            .map(|e| e.at);
        let at = match (written, confirmed) {
            (Some(w), Some(c)) => w.max(c),
            (w, c) => w.or(c).unwrap_or(cached.fetched_at),
        };
        Some((cached.body, at))
    }

    /// Whether the cache still holds the body `id`'s entry vouches for, as it was confirmed at
    /// `at`: its file is there and nothing changed it since (a crash, a clear in another
    /// terminal or a failed write leave none; an edit leaves a later time). One look per ID in
    /// a batch.
    pub(super) fn cache_holds(&self, id: Uuid, at: DateTime<Utc>) -> bool {
        let Some(dir) = &self.dir else {
            return true;
        };
        self.vouched.contains(&id) || cache::cached_unchanged_since(dir, &id.to_string(), at)
    }

    /// The cached body of `id`: one not written yet, else the cache's.
    pub(super) fn body(&self, id: Uuid) -> Option<CachedFile> {
        if let Some(c) = self.unsaved_bodies.get(&id) {
            return Some(c.clone());
        }
        if self.cache_refused {
            return None;
        }
        cache::read_cached(self.dir.as_deref()?, &id.to_string())
    }
}

/// The writer thread of one batch, and what it was given.
pub(super) struct BodyWriter {
    tx: Sender<(Uuid, CachedFile)>,
    thread: JoinHandle<Vec<(Uuid, CachedFile)>>,
}

impl std::fmt::Debug for BodyWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyWriter").finish_non_exhaustive()
    }
}

impl BodyWriter {
    /// A writer into `dir`'s cache; `None` when no thread can be started (the caller then
    /// keeps the bodies for the save, as without a batch).
    pub(super) fn start(dir: PathBuf, fault: Option<Fault>) -> Option<Self> {
        let (tx, rx) = channel::<(Uuid, CachedFile)>();
        let thread = std::thread::Builder::new()
            .name("swlog-bodies".into())
            .spawn(move || {
                let mut failed = Vec::new();
                for (id, body) in rx {
                    if cache::write_cached(&dir, &id.to_string(), &body, fault.as_ref()).is_err() {
                        failed.push((id, body));
                    }
                }
                failed
            })
            .ok()?;
        Some(Self { tx, thread })
    }

    /// Queues `body` for `id` (a body the cache holds already, by its entry's digest, is not
    /// sent); gives it back when the thread is gone.
    pub(super) fn send(&mut self, id: Uuid, body: CachedFile) -> Option<CachedFile> {
        self.tx.send((id, body)).err().map(|back| back.0.1)
    }

    /// Waits for every queued body; returns those that could not be written.
    pub(super) fn finish(self) -> Vec<(Uuid, CachedFile)> {
        drop(self.tx);
        self.thread.join().unwrap_or_default()
    }
}
