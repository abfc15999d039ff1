//! The loop's messages: everything that can change the inspector's state arrives as a
//! [`Message`] (terminal input, fetch results, timer ticks, signals), and [`App::update`] answers
//! with the [`Effect`]s the loop must carry out.
//!
//! [`App::update`]: super::App::update

use crate::api::LogRef;

use crate::api::model::VoiceLog;
use crate::api::{ApiError, Fetched, FetchedEvents};
use crate::chain::Chain;

/// Everything that can change the inspector's state.
#[derive(Debug)]
pub enum Message {
    /// A key, paste, mouse or resize event from the terminal.
    Term(crossterm::event::Event),
    /// An action, as a key bound to it would ask for (tests drive the state with these).
    Action(super::Action),
    /// A lookup finished.
    Fetched {
        /// The lookup's generation: a result from an older lookup is ignored.
        generation: u64,
        /// The ID that was looked up.
        id: LogRef,
        /// What came back.
        result: Box<Result<Fetched, ApiError>>,
    },
    /// A leg's events arrived (or could not be had).
    EventsFetched {
        /// The leg.
        id: LogRef,
        /// What came back.
        result: Box<Result<FetchedEvents, ApiError>>,
    },
    /// A leg's chain of parents was followed.
    ChainResolved {
        /// The leg.
        id: LogRef,
        /// Its chain, first leg first.
        chain: Box<Chain>,
    },
    /// The whole call a leg belongs to was loaded (or could not be).
    CallLoaded {
        /// The leg it was loaded for.
        id: LogRef,
        /// The call.
        result: Box<Result<crate::call::Call, crate::call::CallError>>,
    },
    /// What the Compatibility API said of a LaML leg (its record and recordings).
    CompatAnswered {
        /// The leg.
        id: LogRef,
        /// The answer.
        answer: Box<crate::why::load::Answer>,
    },
    /// A recording being saved has this many bytes on disk (of `total`, when announced).
    RecordingProgress {
        /// The recording's sid.
        sid: String,
        /// Bytes so far.
        done: u64,
        /// Bytes announced.
        total: Option<u64>,
    },
    /// A recording was saved (where, in words) or not (why).
    RecordingSaved {
        /// The recording's sid.
        sid: String,
        /// Where it is, or why not.
        result: Result<String, String>,
    },
    /// The spinner's timer, only while a lookup is in flight.
    Tick,
    /// Time to stop: SIGTERM, SIGHUP, or the terminal's input closed.
    Quit(&'static str),
    /// A copy finished: what the status bar should say, and whether it failed.
    Copied(Result<String, String>),
    /// The last copy was written to a file: where, or why not.
    Written(Result<std::path::PathBuf, String>),
    /// A history save finished: what is on disk now.
    HistorySaved(Box<crate::history::Saved>),
    /// A page of a search was read: the rows on it that matched, and how far the scan is.
    ScanPage {
        /// The search's generation: a page of a superseded search is ignored.
        generation: u64,
        /// The rows of this page that matched.
        rows: Vec<crate::list::Row>,
        /// How far the scan has got.
        progress: crate::list::Progress,
    },
    /// A search ended: why, and its answer (which replaces the rows sent page by page).
    ScanEnded {
        /// The search's generation.
        generation: u64,
        /// Why it stopped, or the fault that stopped it.
        end: Result<crate::list::Stop, crate::api::list::ListError>,
        /// The whole answer, in order, with where it came from; `None` when there is none
        /// (the profile could not be used): the rows already sent stay.
        answer: Option<Box<ScanAnswer>>,
    },
    /// A followed Calls view's poll found something (or its interval changed), or the follow
    /// ended on a failure asking again cannot mend.
    Followed {
        /// The Calls view's generation: a late poll of a replaced search is ignored.
        generation: u64,
        /// The interval in effect.
        every: std::time::Duration,
        /// What the poll found, or why the follow ended.
        result: Result<Vec<crate::tail::Event>, crate::api::list::ListError>,
    },
}

/// A search's answer as the Calls view takes it at the end.
#[derive(Debug)]
pub struct ScanAnswer {
    /// The matched rows, newest first, at most the limit.
    pub rows: Vec<crate::list::Row>,
    /// Where they came from: the index, the network, or both.
    pub source: crate::search::Source,
    /// The index's notices (not usable, not updated), each to be said once.
    pub notices: Vec<String>,
    /// The calls found, when the search ran in calls, and how many matched in all; their
    /// legs index into `rows` (every leg read, and the parents fetched).
    pub calls: Option<(Vec<crate::calls::Call>, usize)>,
}

/// What the loop must do for the state after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a lookup, cancelling the one in flight.
    Fetch {
        /// The ID to fetch.
        id: LogRef,
        /// Its generation.
        generation: u64,
        /// The profile whose client fetches it: where the lookup was made.
        profile: String,
    },
    /// Cancel the lookup in flight.
    Cancel,
    /// Fetch a leg's events.
    FetchEvents {
        /// The leg.
        id: LogRef,
        /// The profile the leg was opened with.
        profile: String,
    },
    /// Follow a leg's `parent_id`s upwards.
    ResolveChain {
        /// The leg.
        id: LogRef,
        /// The leg's record, where the walk starts.
        log: Box<VoiceLog>,
        /// The profile the leg was opened with: its parents are in the same space.
        profile: String,
    },
    /// Load the whole call leg `id` belongs to: its root, one scan, every leg's events.
    LoadCall {
        /// The leg.
        id: LogRef,
        /// The profile the leg was opened with: the whole call is read from its space.
        profile: String,
    },
    /// Ask the Compatibility API about a LaML leg: its record and recordings.
    AskCompat {
        /// The leg.
        id: LogRef,
        /// Its record (the `url` to read, and its type).
        log: Box<VoiceLog>,
        /// The profile the leg was opened with.
        profile: String,
        /// Whether answers are kept on disk (and a kept one may be shown).
        keep: bool,
    },
    /// Save a recording's audio into a directory.
    SaveRecording {
        /// The leg it belongs to.
        id: LogRef,
        /// The recording.
        recording: Box<crate::api::compat::Recording>,
        /// Where.
        dir: std::path::PathBuf,
        /// The profile the leg was opened with: its space has the audio.
        profile: String,
    },
    /// Put text on the clipboard.
    Copy {
        /// What is copied, in words (for the status bar).
        what: String,
        /// The text.
        text: String,
    },
    /// Start a search, cancelling the one running.
    Scan {
        /// Its generation, sent back with each page.
        generation: u64,
        /// The profile whose space is searched.
        profile: String,
        /// What to look for.
        query: Box<crate::query::Query>,
        /// How far it may go.
        limits: crate::list::Limits,
        /// Ignore the index for this search (`r`): read the window again and re-cover it.
        fresh: bool,
        /// The app's clock's now: the default window ends there.
        now: chrono::DateTime<chrono::Utc>,
        /// One call a row (the legs grouped, the call words allowed) or one leg a row.
        view: crate::query::View,
    },
    /// Stop the running search.
    StopScan,
    /// Write text to a new file in `dir` (another name when one is taken; never overwritten).
    Write {
        /// The directory.
        dir: std::path::PathBuf,
        /// The file's name without its extension, like `swlog-ticket-2026-12-06T1403`.
        stem: String,
        /// `txt` or `json`.
        ext: &'static str,
        /// What to write.
        text: String,
    },
    /// Follow the Calls view live, stopping any follow before.
    Follow {
        /// The Calls view's generation, sent back with each poll.
        generation: u64,
        /// The profile whose space is followed.
        profile: String,
        /// The search, with its filters.
        query: Box<crate::query::Query>,
        /// Rows created from here on count as new (those already shown are updated in place).
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// A call not final this long after it was created is given up on
        /// (`live_max_age_hours`).
        max_age: std::time::Duration,
    },
    /// Stop following.
    StopFollow,
    /// Write history changes (off the update path, in order).
    SaveHistory(Box<crate::history::Save>),
    /// Leave the inspector.
    Quit,
}
