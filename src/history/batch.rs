//! A batch's writes (`swlog get` of a column of IDs): each change goes to a thread of the
//! batch's own, which writes what has come in as one small transaction while the lookups go on,
//! so a lookup's task never waits for the disk and a kill loses at most the changes not yet
//! handed over. [`History::flush`] waits for everything sent.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::db::{Body, Db, Fault};
use super::ops::Op;
use super::{History, Warning};

/// What the writer thread is sent.
enum Msg {
    Change(Box<(Op, Option<(Uuid, Body)>)>),
    /// Answered once everything sent before is written (or has failed).
    Flush(Sender<()>),
}

/// The writer thread of one batch.
pub(super) struct Writer {
    tx: Option<Sender<Msg>>,
    /// Gives the connection back when it ends.
    thread: Option<JoinHandle<Db>>,
    /// What the thread has to say, taken by the next call that can say it.
    said: Arc<Mutex<Vec<Warning>>>,
    /// Set when the history's entries were never read ([`History::open_batched`]): changes
    /// go to the thread only, not to a list in memory.
    pub(super) blind: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel ends the thread once it has written what it was sent.
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Writer {
    /// Queues a change; returns what the thread has said since.
    pub(super) fn send(&mut self, op: Op, body: Option<(Uuid, Body)>) -> Vec<Warning> {
        if let Some(tx) = &self.tx
            && tx.send(Msg::Change(Box::new((op, body)))).is_err()
        {
            self.tx = None;
            self.push(Warning::NotSaved(
                "the history's writer stopped: the rest of this batch is not recorded".into(),
            ));
        }
        self.warnings()
    }

    /// Ends the thread once it has written what it was sent, and takes its connection back.
    fn finish(&mut self) -> Option<Db> {
        drop(self.tx.take());
        self.thread.take()?.join().ok()
    }

    /// Waits until everything sent is written (or has failed).
    fn flush(&mut self) {
        let (done, wait) = channel();
        if let Some(tx) = &self.tx
            && tx.send(Msg::Flush(done)).is_ok()
        {
            // Out of its gathering wait at once.
            if let Some(thread) = &self.thread {
                thread.thread().unpark();
            }
            let _ = wait.recv();
        }
    }

    /// What the thread has said, taken.
    pub(super) fn warnings(&mut self) -> Vec<Warning> {
        self.said
            .lock()
            .map(|mut said| std::mem::take(&mut *said))
            .unwrap_or_default()
    }

    fn push(&self, w: Warning) {
        if let Ok(mut said) = self.said.lock() {
            said.push(w);
        }
    }
}

/// How long the thread waits for another change to write with those it has, and the most it
/// gathers for one transaction.
const GATHER: Duration = Duration::from_millis(5);
const MAX_GATHERED: usize = 256;

/// `first` and what else comes in within [`GATHER`] of it (at most [`MAX_GATHERED`]; a flush
/// ends the wait, as it unparks the thread). The thread sleeps out the wait rather than
/// waiting on the channel: a receiver blocked on it is woken by every send, which was a
/// context switch for each of a batch's lookups.
fn gather(first: Msg, rx: &Receiver<Msg>) -> Vec<Msg> {
    let deadline = Instant::now() + GATHER;
    let mut msgs = vec![first];
    loop {
        msgs.extend(rx.try_iter().take(MAX_GATHERED.saturating_sub(msgs.len())));
        let flushing = msgs.iter().any(|m| matches!(m, Msg::Flush(_)));
        let left = deadline.saturating_duration_since(Instant::now());
        if flushing || msgs.len() >= MAX_GATHERED || left.is_zero() {
            return msgs;
        }
        std::thread::park_timeout(left);
    }
}

/// After a write found the file locked by another process (having waited out the busy
/// timeout), how long the changes since wait in memory before the next try, unless the batch
/// ends first. Trying at every gathering made a batch of 2,000 lookups beside a lock held for
/// minutes wait 10 s for each of its transactions before it could end.
const AFTER_BUSY: Duration = Duration::from_secs(5);

/// The thread: writes what came in together as one transaction; what fails waits in memory
/// and goes with the next write. Gives its connection back when the channel closes, with a
/// short busy timeout when its last write found the file locked (the index's write on it
/// then fails at once instead of waiting the lock out twice more).
fn run(
    mut db: Db,
    cap: usize,
    fault: Option<Fault>,
    rx: Receiver<Msg>,
    said: Arc<Mutex<Vec<Warning>>>,
) -> Db {
    let mut ops: Vec<Op> = Vec::new();
    let mut bodies: Vec<(Uuid, Body)> = Vec::new();
    let mut failing = false;
    let mut told = false;
    let mut busy_at: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        let mut flushes = Vec::new();
        for msg in gather(first, &rx) {
            match msg {
                Msg::Change(change) => {
                    let (op, body) = *change;
                    ops.push(op);
                    if let Some((id, body)) = body {
                        bodies.retain(|(i, _)| *i != id);
                        bodies.push((id, body));
                    }
                }
                Msg::Flush(done) => flushes.push(done),
            }
        }
        let waiting = busy_at.is_some_and(|t| t.elapsed() < AFTER_BUSY) && flushes.is_empty();
        let written = if ops.is_empty() && bodies.is_empty() || waiting {
            Ok(Default::default())
        } else {
            db.write(&ops, &bodies, cap, fault.as_ref())
        };
        match written {
            Ok(_) if waiting => {}
            Ok(_) => {
                ops.clear();
                bodies.clear();
                (failing, told, busy_at) = (false, false, None);
            }
            Err(e) => {
                // A lock held elsewhere is said once a retry meets it too, or the batch ends
                // with it: a first wait of 10 s often outlasts it, and the retry saves all.
                let busy = matches!(e, crate::index::IndexError::Busy);
                if !told
                    && (!busy || failing || !flushes.is_empty())
                    && let Ok(mut said) = said.lock()
                {
                    said.push(Warning::NotSaved(super::db::said(&e)));
                    told = true;
                }
                failing = true;
                busy_at = busy.then(Instant::now);
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
    if busy_at.is_some() {
        db.fail_fast_when_busy();
    }
    db
}

impl History {
    /// Writes each change on a thread of the batch's own, beside the lookups. A history
    /// without a database, or whose saves are deferred, is left as it is. `_every` is the
    /// interval older batches saved at; writes no longer wait for one.
    pub fn batch_saves(&mut self, _every: Duration) {
        if self.deferred.is_some() || self.batch.is_some() {
            return;
        }
        let Some(dir) = self.dir.clone().filter(|_| self.db.is_some()) else {
            return;
        };
        // The thread has a connection of its own; this one stays for reading bodies.
        if let Ok((db, _)) = Db::open(&dir) {
            self.start_batch(db, false);
        }
    }

    /// Starts the batch's writer thread on `db`; `blind` when the entries were never read.
    pub(super) fn start_batch(&mut self, db: Db, blind: bool) {
        let (tx, rx) = channel();
        let said = Arc::new(Mutex::new(Vec::new()));
        let (cap, fault, theirs) = (self.options.cap, self.fault.clone(), Arc::clone(&said));
        let thread = std::thread::Builder::new()
            .name("swlog-history".into())
            .spawn(move || run(db, cap, fault, rx, theirs));
        match thread {
            Ok(thread) => {
                self.batch = Some(Writer {
                    tx: Some(tx),
                    thread: Some(thread),
                    said,
                    blind,
                });
            }
            Err(e) => self.not_saved = Some(format!("no thread to write it on: {e}")),
        }
    }

    /// Waits until every change is written; call it when the batch ends.
    #[must_use = "the warnings should be shown to the user"]
    pub fn flush(&mut self) -> Vec<Warning> {
        match &mut self.batch {
            Some(batch) => {
                batch.flush();
                batch.warnings()
            }
            None if !self.pending.is_empty() || !self.bodies.is_empty() => self.save(None),
            None => Vec::new(),
        }
    }

    /// Ends the batch's writer, once everything is written ([`History::flush`]), and hands its
    /// connection over for the index to write the batch's logs on: a process then opens the
    /// file once, not twice. `None` when there is no writer or it stopped.
    pub fn take_index(&mut self) -> Option<crate::index::Index> {
        let db = self.batch.take()?.finish()?;
        self.not_saved
            .get_or_insert_with(|| "the batch is over: its writer was closed".to_owned());
        db.into_index()
    }

    /// What the batch's writer has had to say since it was last asked.
    #[must_use = "the warnings should be shown to the user"]
    pub fn save_due(&mut self) -> Vec<Warning> {
        self.batch
            .as_mut()
            .map(Writer::warnings)
            .unwrap_or_default()
    }
}
