//! Where `swlog get` records its lookups: the history, opened on a blocking thread while the
//! first lookups are on their way (a large history takes milliseconds to read, which the batch
//! no longer waits for), then saved in batches.

use std::io::Write;

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
    /// Starts opening the history with `open` on a blocking thread; its saves are batched, at
    /// most every `every`.
    pub fn start(
        open: impl FnOnce() -> (History, Vec<Warning>) + Send + 'static,
        every: std::time::Duration,
    ) -> Self {
        Self::Pending(tokio::task::spawn_blocking(move || {
            let (mut history, warnings) = open();
            history.batch_saves(every);
            (history, warnings)
        }))
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

    /// Saves every lookup waiting, whatever happened to the output (a closed pipe, a full
    /// disk) before.
    pub async fn flush(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        match self.ready(err).await? {
            Some(history) => warn(history.flush(), err),
            None => Ok(()),
        }
    }
}

/// Where `swlog get` records its lookups, so that they show in the inspector's sidebar.
#[derive(Debug)]
pub struct Recorder<'a> {
    /// The history.
    pub history: &'a mut Opening,
    /// The profile in effect.
    pub profile: &'a str,
    /// The space looked in.
    pub space: &'a str,
}

impl Recorder<'_> {
    /// Records one lookup's result.
    pub async fn record(
        &mut self,
        id: Uuid,
        result: &Result<Fetched, ApiError>,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let Some(history) = self.history.ready(err).await? else {
            return Ok(());
        };
        let warnings = match result {
            Ok(f) => history.record_fetched(id, self.profile, self.space, f),
            Err(e) => history.record_error(id, chrono::Utc::now(), self.profile, self.space, e),
        };
        warn(warnings, err)
    }

    /// Saves the lookups waiting, when the batch's interval has passed.
    pub async fn save_due(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        match self.history.ready(err).await? {
            Some(history) => warn(history.save_due(), err),
            None => Ok(()),
        }
    }

    /// Saves every lookup waiting.
    pub async fn flush(&mut self, err: &mut dyn Write) -> std::io::Result<()> {
        self.history.flush(err).await
    }
}

/// Says each of the history's warnings on `err`.
fn warn(warnings: Vec<Warning>, err: &mut dyn Write) -> std::io::Result<()> {
    for w in warnings {
        writeln!(err, "swlog: {}", sanitize(&w.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::Options;

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
        let mut opening = Opening::start(
            || {
                (
                    History::in_memory(Options::default()),
                    vec![Warning::NotSaved("the disk is full".to_owned())],
                )
            },
            std::time::Duration::from_millis(100),
        );
        assert!(opening.ready(&mut Broken).await.is_err());
        let mut said = Vec::new();
        let history = opening
            .ready(&mut said)
            .await
            .expect("no error the second time");
        assert!(history.is_some(), "the opened history is kept");
        assert!(said.is_empty(), "the warnings are said once");
    }
}
