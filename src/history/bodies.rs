//! A batch's cached bodies, written on a thread of their own while the batch goes on: a batch
//! of lookups spent as long writing a dozen bodies at its end as fetching all of them. Bodies
//! are a cache (renamed into place, not fsynced), so writing them early and out of the save's
//! lock changes nothing a crash could notice; `history.json` is still saved as before.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use uuid::Uuid;

use super::cache::{self, CachedFile};
use super::files::Fault;

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
