//! Where `swlog get` records its lookups: the history, opened on a blocking thread while the
//! first lookups are on their way (a large history takes milliseconds to read, which the batch
//! does not wait for: lookups that finish first are kept until it is open), then saved in
//! batches.

use std::io::Write;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::api::{ApiError, Fetched};
use crate::history::{History, Warning};
use crate::text::sanitize;

/// The history of one `swlog get`: being opened, open, or not to be had.
#[derive(Debug)]
pub enum Opening {
    /// Being opened on a blocking thread.
    Pending(JoinHandle<(History, Vec<Warning>)>),
    /// Open (boxed: a history is some hundreds of bytes, a handle one pointer).
    Open(Box<History>),
    /// The thread opening it failed (it panicked, or the runtime is shutting down): this run's
    /// lookups are not recorded, as said when that was found.
    Gone,
}

impl Opening {
    /// Starts opening the history with `open` on a blocking thread.
    pub fn start(open: impl FnOnce() -> (History, Vec<Warning>) + Send + 'static) -> Self {
        Self::Pending(tokio::task::spawn_blocking(open))
    }

    /// Whether the history is still being opened.
    fn opening(&self) -> bool {
        matches!(self, Self::Pending(handle) if !handle.is_finished())
    }

    /// The history, once open: the first call waits for the thread and says on `err` what
    /// opening it found (a damaged file moved aside, a directory that cannot be written).
    pub async fn ready(&mut self, err: &mut dyn Write) -> std::io::Result<Option<&mut History>> {
        if let Self::Pending(handle) = self {
            // The history is kept before anything is said: a failed write to `err` must not
            // lose it, nor leave a finished handle to be polled again.
            let (opened, said) = match handle.await {
                Ok((history, warnings)) => (Self::Open(Box::new(history)), Ok(warnings)),
                Err(e) => (Self::Gone, Err(e)),
            };
            *self = opened;
            match said {
                Ok(warnings) => warn(warnings, err)?,
                Err(e) => writeln!(
                    err,
                    "swlog: the history could not be opened ({e}): these lookups are not recorded"
                )?,
            }
        }
        Ok(match self {
            Self::Open(history) => Some(&mut **history),
            Self::Pending(_) | Self::Gone => None,
        })
    }

    /// The history's connection, once the batch is over and [`Opening::flush`]ed, for the
    /// index to write the batch's logs on (see [`History::take_index`]).
    pub fn take_index(&mut self) -> Option<crate::index::Index> {
        match self {
            Self::Open(history) => history.take_index(),
            Self::Pending(_) | Self::Gone => None,
        }
    }

    /// Saves every lookup waiting, whatever happened to the output (a closed pipe, a full
    /// disk) before.
    pub async fn flush(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        match self.ready(err).await? {
            Some(history) => warn(history.flush(), err),
            None => Ok(()),
        }
    }
}

/// A lookup made while the history was being opened, with when it ended.
type Early = (Uuid, Result<Fetched, ApiError>, DateTime<Utc>);

/// Where `swlog get` records its lookups, so that they show in the inspector's sidebar.
#[derive(Debug)]
pub struct Recorder<'a> {
    /// The history.
    history: &'a mut Opening,
    /// The profile in effect.
    profile: &'a str,
    /// The space looked in.
    space: &'a str,
    /// Lookups that ended before the history was open, in order.
    early: Vec<Early>,
}

impl<'a> Recorder<'a> {
    /// Records into `history` the lookups made with `profile` in `space`.
    pub fn new(history: &'a mut Opening, profile: &'a str, space: &'a str) -> Self {
        Self {
            history,
            profile,
            space,
            early: Vec::new(),
        }
    }

    /// Records one lookup's result; while the history is still being opened it is kept until
    /// then, so that the lookups behind it are not held up.
    pub async fn record(
        &mut self,
        id: Uuid,
        result: &Result<Fetched, ApiError>,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        if self.history.opening() {
            self.early.push((id, result.clone(), Utc::now()));
            return Ok(());
        }
        self.catch_up(err).await?;
        self.record_one(id, result, Utc::now(), err)
    }

    /// Saves the lookups waiting, when the batch's interval has passed.
    pub async fn save_due(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        if self.history.opening() {
            return Ok(());
        }
        self.catch_up(err).await?;
        match self.history.ready(err).await? {
            Some(history) => warn(history.save_due(), err),
            None => Ok(()),
        }
    }

    /// Saves every lookup, waiting for the history to be open if need be.
    pub async fn flush(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        self.catch_up(err).await?;
        self.history.flush(err).await
    }

    /// Waits for the history to be open (at once, unless the batch is over before it is), and
    /// records the lookups that ended before.
    async fn catch_up(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        // Before the first is taken: a warning that cannot be said must not lose the others.
        self.history.ready(err).await?;
        for (id, result, at) in std::mem::take(&mut self.early) {
            self.record_one(id, &result, at, err)?;
        }
        Ok(())
    }

    /// Records one lookup into the open history (nothing when it could not be opened).
    fn record_one(
        &mut self,
        id: Uuid,
        result: &Result<Fetched, ApiError>,
        at: DateTime<Utc>,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let history = match self.history {
            Opening::Open(history) => history,
            Opening::Pending(_) | Opening::Gone => return Ok(()),
        };
        let warnings = match result {
            Ok(f) => history.record_fetched(id, self.profile, self.space, f),
            Err(e) => history.record_error(id, at, self.profile, self.space, e),
        };
        warn(warnings, err)
    }
}

/// Says each of the history's warnings on `err`, each cause once a run: a batch whose saves
/// keep meeting a lock held elsewhere said "History is not being saved" up to 157 times.
fn warn(warnings: Vec<Warning>, err: &mut dyn Write) -> std::io::Result<()> {
    for w in warnings {
        let text = sanitize(&w.to_string()).into_owned();
        if first_time(&text) {
            writeln!(err, "swlog: {text}")?;
        }
    }
    Ok(())
}

/// Whether a warning of this cause has not been said yet in this run. The cause is the text
/// without its digits, so that the same failure with another count or time is the same cause.
fn first_time(text: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SAID: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let cause: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    SAID.get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .map_or(true, |mut said| said.insert(cause))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Options;

    #[test]
    fn a_cause_is_said_once_a_run_whatever_its_numbers() {
        let mut err = Vec::new();
        for n in 0..157 {
            let w = Warning::NotSaved(format!(
                "the lock is held by another swlog ({n} ms) [test 1]"
            ));
            warn(vec![w], &mut err).expect("a Vec");
        }
        let w = Warning::NotSaved("the disk is full [test 1]".to_owned());
        warn(vec![w], &mut err).expect("a Vec");
        let said = String::from_utf8_lossy(&err);
        assert_eq!(said.lines().count(), 2, "{said}");
    }

    /// A writer that always fails, as a closed stderr would.
    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_warning_that_cannot_be_said_loses_neither_the_history_nor_the_next_call() {
        let mut opening = Opening::start(|| {
            (
                History::in_memory(Options::default()),
                vec![Warning::NotSaved("the disk is full".to_owned())],
            )
        });
        assert!(opening.ready(&mut Broken).await.is_err());
        let mut said = Vec::new();
        let history = opening
            .ready(&mut said)
            .await
            .expect("no error the second time");
        assert!(history.is_some(), "the opened history is kept");
        assert!(said.is_empty(), "the warnings are said once");
    }

    #[tokio::test]
    async fn lookups_that_end_before_the_history_is_open_wait_for_it_in_order() {
        let (open_now, opened) = std::sync::mpsc::channel::<()>();
        let mut opening = Opening::start(move || {
            // Opened only when the test says so: a large history, a slow disk.
            opened.recv().expect("the test's signal");
            (History::in_memory(Options::default()), Vec::new())
        });
        let mut recorder = Recorder::new(&mut opening, "default", "acme");
        let not_found = |n: u128| {
            (
                Uuid::from_u128(n),
                Err(ApiError::NotFound {
                    target: crate::api::error::Target::default(),
                }),
            )
        };
        let mut said = Vec::new();
        for n in [1, 2, 3] {
            let (id, result) = not_found(n);
            // Returns at once: the history is still being opened (a wait would never end).
            let record = recorder.record(id, &result, &mut said);
            tokio::time::timeout(std::time::Duration::from_secs(5), record)
                .await
                .expect("a lookup is not held up by the opening")
                .expect("record");
        }
        assert_eq!(recorder.early.len(), 3, "kept until the history is open");
        recorder
            .save_due(&mut said)
            .await
            .expect("no wait for a save either");
        open_now.send(()).expect("the opener waits");
        recorder.flush(&mut said).await.expect("flush");
        assert!(recorder.early.is_empty());
        let Opening::Open(history) = &opening else {
            panic!("the history is open after the flush");
        };
        let ids: Vec<u128> = history.entries().iter().map(|e| e.id.as_u128()).collect();
        assert_eq!(ids, [3, 2, 1], "recorded in the order the lookups ended");
        assert!(said.is_empty(), "{}", String::from_utf8_lossy(&said));
    }

    #[tokio::test]
    async fn a_lookup_that_ends_after_the_history_opened_is_recorded() {
        let mut opening = Opening::start(|| (History::in_memory(Options::default()), Vec::new()));
        // Opened, and not yet waited for.
        while opening.opening() {
            tokio::task::yield_now().await;
        }
        let mut recorder = Recorder::new(&mut opening, "default", "acme");
        let id = Uuid::from_u128(7);
        let result = Err(ApiError::NotFound {
            target: crate::api::error::Target::default(),
        });
        let mut said = Vec::new();
        recorder
            .record(id, &result, &mut said)
            .await
            .expect("record");
        let Opening::Open(history) = &opening else {
            panic!("the history is open");
        };
        assert!(history.get(id).is_some(), "recorded at once");
    }
}
