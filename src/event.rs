//! The one message type the inspector's loop runs on: terminal input, fetch results, timer
//! ticks and signals all arrive as a [`Message`].

use uuid::Uuid;

use crate::api::{ApiError, Fetched};

/// Everything that can change the inspector's state.
#[derive(Debug)]
pub enum Message {
    /// A key, paste, mouse or resize event from the terminal.
    Term(crossterm::event::Event),
    /// A lookup finished.
    Fetched {
        /// The lookup's generation: a result from an older lookup is ignored.
        generation: u64,
        /// The ID that was looked up.
        id: Uuid,
        /// What came back.
        result: Box<Result<Fetched, ApiError>>,
    },
    /// The spinner's timer, only while a lookup is in flight.
    Tick,
    /// Time to stop: SIGTERM, SIGHUP, or the terminal's input closed.
    Quit(&'static str),
    /// A copy finished: what the status bar should say, and whether it failed.
    Copied(Result<String, String>),
}

/// What the loop must do for the state after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Start a lookup, cancelling the one in flight.
    Fetch {
        /// The ID to fetch.
        id: Uuid,
        /// Its generation.
        generation: u64,
    },
    /// Cancel the lookup in flight.
    Cancel,
    /// Put text on the clipboard.
    Copy {
        /// What is copied, in words (for the status bar).
        what: String,
        /// The text.
        text: String,
    },
    /// Leave the inspector.
    Quit,
}
