//! The index as a search holds it: opened on first use, used from blocking threads (an
//! [`Index`] is one SQLite connection), a damaged file recovered, and every failure turned into
//! one notice while the search goes on over the network.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::index::{Caps, Index, IndexError};

/// A shared, lazily opened index; clones share it. [`IndexHandle::off`] is one that is never
/// used (`index = false`, or no data dir).
#[derive(Debug, Clone)]
pub struct IndexHandle {
    slot: Arc<Mutex<Slot>>,
    notices: Arc<Mutex<Notices>>,
    /// How long a row is kept (the caps' age), when capped.
    max_age: Option<chrono::TimeDelta>,
}

#[derive(Debug)]
enum Slot {
    /// Not opened yet: its path, and the caps to prune it to once opened.
    Closed(PathBuf, Option<Caps>),
    /// A connection handed over ([`IndexHandle::adopt`]), to be pruned to the caps and used
    /// as an opened one when first used.
    Adopted(Box<Index>, Option<Caps>),
    Open(Box<Index>),
    Off,
}

#[derive(Debug, Default)]
struct Notices {
    said: HashSet<String>,
    pending: Vec<String>,
}

impl IndexHandle {
    /// The index at `path`, opened when first used.
    pub fn at(path: PathBuf) -> Self {
        Self::with(Slot::Closed(path, None))
    }

    /// The index at `path`, pruned to `caps` (oldest rows first) when first opened.
    pub fn capped(path: PathBuf, caps: Caps) -> Self {
        Self {
            max_age: Some(caps.max_age),
            ..Self::with(Slot::Closed(path, Some(caps)))
        }
    }

    /// An index already open.
    pub fn open(index: Index) -> Self {
        Self::with(Slot::Open(Box::new(index)))
    }

    /// No index: every search goes to the network.
    pub fn off() -> Self {
        Self::with(Slot::Off)
    }

    fn with(slot: Slot) -> Self {
        Self {
            slot: Arc::new(Mutex::new(slot)),
            notices: Arc::default(),
            max_age: None,
        }
    }

    /// The oldest a row may be created and still be kept, as of `now` (`None`: no age cap).
    pub fn keeps_since(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        self.max_age.and_then(|age| now.checked_sub_signed(age))
    }

    /// Whether the index may be used (it is on and has not been refused).
    pub fn is_on(&self) -> bool {
        !matches!(*lock(&self.slot), Slot::Off)
    }

    /// The notices not yet taken (each said once per handle), e.g. that the index is a symlink
    /// and was not used, or that the disk is full.
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut lock(&self.notices).pending)
    }

    /// Runs `f` on the index on a blocking thread. `None` when the index is off, could not be
    /// opened, or `f` failed: the reason is a notice. A damaged file is moved aside, replaced,
    /// and `f` is not retried (its answer would be empty).
    pub async fn run<T, F>(&self, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Index) -> Result<T, IndexError> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.run_blocking(f))
            .await
            .ok()
            .flatten()
    }

    /// [`IndexHandle::run`] on the calling thread.
    pub fn run_blocking<T>(
        &self,
        f: impl FnOnce(&mut Index) -> Result<T, IndexError>,
    ) -> Option<T> {
        let mut slot = lock(&self.slot);
        *slot = match std::mem::replace(&mut *slot, Slot::Off) {
            Slot::Closed(path, caps) => self.opened(Index::open(&path), caps),
            Slot::Adopted(index, caps) => self.opened(Ok(*index), caps),
            open_or_off => open_or_off,
        };
        let Slot::Open(index) = &mut *slot else {
            return None;
        };
        if let Some(recovered) = index.take_recovered() {
            self.say(recovered.to_string());
        }
        match f(index) {
            Ok(t) => Some(t),
            Err(e) if e.is_corrupt() => {
                let Slot::Open(index) = std::mem::replace(&mut *slot, Slot::Off) else {
                    return None;
                };
                match index.recover() {
                    Ok(mut fresh) => {
                        if let Some(r) = fresh.take_recovered() {
                            self.say(r.to_string());
                        }
                        *slot = Slot::Open(Box::new(fresh));
                    }
                    Err(e) => self.say(format!("{e}; searching over the network")),
                }
                None
            }
            Err(e) => {
                self.say(e.to_string());
                None
            }
        }
    }

    /// Uses `index`, a connection already open on this handle's file (the one a batch's
    /// history wrote on), instead of opening another when first used (it is pruned to the
    /// caps then, on the blocking thread that uses it). Nothing changes when the handle is
    /// already open, off, or on another file.
    pub fn adopt(&self, index: Index) {
        let mut slot = lock(&self.slot);
        if let Slot::Closed(path, caps) = &*slot
            && path == index.path()
        {
            *slot = Slot::Adopted(Box::new(index), *caps);
        }
    }

    /// The slot for an index just opened (pruned to `caps`), or off with a notice. Damage the
    /// prune finds (in a connection handed over, which was opened before it) is recovered from
    /// before the index is used, as opening would have.
    fn opened(&self, index: Result<Index, IndexError>, caps: Option<Caps>) -> Slot {
        match index {
            Ok(mut index) => {
                if let Some(caps) = caps
                    && let Err(e) = index.prune(caps, chrono::Utc::now())
                {
                    if !e.is_corrupt() {
                        self.say(format!("the index could not be pruned: {e}"));
                    } else {
                        match index.recover() {
                            Ok(fresh) => index = fresh,
                            Err(e) => {
                                self.say(format!("{e}; searching over the network"));
                                return Slot::Off;
                            }
                        }
                    }
                }
                Slot::Open(Box::new(index))
            }
            Err(e) => {
                self.say(format!("{e}; searching over the network"));
                Slot::Off
            }
        }
    }

    fn say(&self, notice: String) {
        let mut n = lock(&self.notices);
        if n.said.insert(notice.clone()) {
            tracing::warn!(%notice, "index");
            n.pending.push(notice);
        }
    }
}

/// The lock, even if a thread panicked while holding it (the index itself stays consistent:
/// every write is a transaction).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Short IDs are looked for among the rows the index holds too, by an indexed prefix query on
/// the calling thread (one short read; nothing when the index is off or cannot be read).
impl crate::api::KnownIds for IndexHandle {
    fn starting_with(&self, short: &str, max: usize) -> Vec<uuid::Uuid> {
        if !self.is_on() {
            return Vec::new();
        }
        let short = short.to_owned();
        self.run_blocking(move |ix| ix.ids_starting_with(&short, max))
            .unwrap_or_default()
            .iter()
            .filter_map(|id| uuid::Uuid::try_parse(id).ok())
            .collect()
    }
}
