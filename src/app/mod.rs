//! The inspector's state and the one place it changes: [`App::update`] takes a [`Message`] and
//! returns the [`Effect`]s the loop must carry out. Drawing reads the state and never changes it.

mod access;
mod action;
pub mod bindings;
mod calls;
mod calls_keys;
mod calls_table;
mod copy;
mod detail;
mod follow;
mod grouped;
mod intent;
mod investigate;
mod keys;
pub mod live;
mod lookup;
mod mouse;
pub mod msg;
mod nav;
pub mod notices;
mod overlay;
mod paste;
mod quality;
mod scroll;
mod sidebar;
mod sidebar_keys;
mod spaces;
mod ticks;
mod tree;
mod tree_timeline;
mod views;
mod written;

use std::collections::HashMap;
use std::time::Instant;

use crate::api::LogRef;
use chrono::{DateTime, Utc};
use crossterm::event::Event;
use ratatui::layout::Size;
use tui_input::Input;

use crate::api::{ApiError, Fetched, IdError, extract_id};
use crate::history::History;
use crate::present::family::present_log;
use crate::present::format::Clock;
use crate::present::{Presented, RowKey};
use crate::view::layout;

pub use action::Action;
pub use calls::{Calls, ScanState, Table as CallsTable};
pub use intent::Intent;
pub use investigate::{ChainState, EventsState, Investigation, Tab};
pub use keys::DetailView;
pub use live::{Live, is_live_status};
pub use msg::{Effect, Message, ScanAnswer};
pub use nav::{Nav, Place};
pub use notices::{Level, Notice, Notices, Scope};
pub use overlay::Overlay;
pub use sidebar::{Mode as SidebarMode, Sidebar};
pub use spaces::{Origin, Picker};
pub use tree::TreeState;
pub use views::{DetailRef, EventsRef, Views, inner_width};

/// The most characters the ID input holds: a log ID or a search, not a document.
pub const MAX_INPUT: usize = 4096;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The ID input.
    Input,
    /// The lookups sidebar.
    Sidebar,
    /// The detail pane.
    Detail,
}

/// Why the detail pane shows an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The input held no single log ID; nothing was sent.
    BadId(IdError),
    /// The lookup failed.
    Api(ApiError),
    /// The lookup's profile cannot be asked (gone from the config, or another space now):
    /// why, in words.
    Unreachable(String),
}

/// What the detail pane shows.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    /// Nothing looked up yet.
    Welcome,
    /// A lookup of an ID not seen before is in flight.
    Loading(LogRef),
    /// A fetched record, kept in the session's records ([`App::record`]).
    Record(LogRef),
    /// The list of calls the last search found, kept in [`App::calls`].
    Calls,
    /// The whole call of a leg (by the root's ID once loaded, the leg's until then).
    Call(LogRef),
    /// A failed lookup.
    Failed {
        /// The ID, when the input held one.
        id: Option<LogRef>,
        /// What went wrong.
        failure: Failure,
    },
}

/// A lookup in flight.
#[derive(Debug, Clone, Copy)]
pub struct InFlight {
    /// The ID.
    pub id: LogRef,
    /// When it started, for the status bar's elapsed time.
    pub started: Instant,
    /// A live refresh of the record on screen: a failure keeps the record shown.
    pub background: bool,
    /// A fetch of the record on screen again (live refresh, `r`): its entry in the history
    /// is updated in place, and only if something changed.
    pub refresh: bool,
    /// Asked for with `r`: the status bar says it is refreshing, then what it found.
    pub by_hand: bool,
}

/// Where lookups go, for the header and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The space (or `demo`), as history entries record it.
    pub space: String,
    /// Where lookups go, as shown: the space, or a base URL's host with its port when that is
    /// not the scheme's default (`127.0.0.1:8080`).
    pub place: String,
    /// The project ID, shortened.
    pub project: String,
    /// The profile in effect.
    pub profile: String,
}

/// The inspector's whole state.
#[derive(Debug)]
pub struct App {
    /// Which pane has the keyboard.
    focus: Focus,
    /// The ID input's text and cursor.
    input: Input,
    /// What the detail pane shows.
    view: View,
    /// Records fetched this session, by ID.
    records: HashMap<LogRef, Fetched>,
    /// The lookup history and its filter and selection.
    sidebar: Sidebar,
    /// Records shown from the cache, with when they were fetched, until a refresh replaces them.
    cached_at: HashMap<LogRef, DateTime<Utc>>,
    /// Events and chains of this session's legs, and the Events view's state.
    investigation: Investigation,
    /// The selected row of the detail pane.
    detail_selected: usize,
    /// The first line shown in the detail pane.
    detail_scroll: usize,
    /// Whether the detail pane shows raw JSON.
    raw: bool,
    /// The first line shown in the raw JSON view.
    raw_scroll: usize,
    /// What is open over the panes: help, the notices, the profile picker.
    overlay: Overlay,
    /// What the status bar tells the user, newest last.
    notices: Notices,
    /// The lookup in flight.
    in_flight: Option<InFlight>,
    /// Back and forward through visited logs.
    nav: Nav,
    /// The last search and its rows, kept for the session.
    calls: Option<Calls>,
    /// The Calls view followed live (`f`), while it is the one shown.
    follow: Option<follow::Following>,
    /// The last text copied, with what it is in words: shown with the notices, `w` writes it.
    last_copy: Option<(String, String)>,
    /// The terminal's size.
    size: Size,
    /// Where lookups go.
    context: Context,
    /// Whether to use colour (off with NO_COLOR).
    color: bool,
    /// Whether borders are drawn in ASCII (TERM=dumb).
    ascii: bool,
    /// The spinner's frame.
    spinner: usize,
    /// A fixed "now" for tests and snapshots; `None` reads the clock.
    fixed_now: Option<DateTime<Utc>>,
    /// The live-refresh schedule of the shown record.
    live: Live,
    /// Rows whose value changed in the last refresh, highlighted until the instant.
    changed: Option<(Vec<RowKey>, Instant)>,
    /// The profiles the session may switch to (`P`), the start-up one first.
    profiles: Vec<crate::config::Choice>,
    /// The start-up profile's space and project, as tickets name them.
    place: crate::present::place::Place,
    /// The first line of the help overlay on screen.
    help_scroll: usize,
    /// Whether `z` hid the sidebar, for a wide view of the detail.
    sidebar_hidden: bool,
    /// The local index, where short IDs are looked for after the history.
    index: crate::search::IndexHandle,
    /// Where each of this session's records was fetched (parents inherit their leg's).
    origins: HashMap<LogRef, Origin>,
    /// Records whose profile cannot be asked, with why.
    unreachable: HashMap<LogRef, String>,
    /// Where the lookup in flight goes.
    fetching: Option<Origin>,
    /// The whole calls loaded and the Call view's selection.
    tree: TreeState,
    /// What the detail pane and the Events view show, laid out.
    views: Views,
    /// Bumped whenever a record is added or replaced, so that the views know to rebuild.
    records_version: u64,
    /// Bumped whenever a leg's events change.
    events_version: u64,
    /// What the Compatibility API said of this session's LaML legs.
    answers: quality::Answers,
    generation: u64,
}

impl App {
    /// A fresh inspector with the input focused.
    pub fn new(context: Context, size: Size, color: bool, history: History) -> Self {
        let sidebar = Sidebar::new(history);
        let profiles = vec![crate::config::Choice {
            name: context.profile.clone(),
            space: Some(context.space.clone()),
            place: Some(context.place.clone()),
            project: None,
            source: "start-up",
        }];
        Self {
            profiles,
            help_scroll: 0,
            sidebar_hidden: false,
            index: crate::search::IndexHandle::off(),
            origins: HashMap::new(),
            unreachable: HashMap::new(),
            fetching: None,
            focus: Focus::Input,
            input: Input::default(),
            view: View::Welcome,
            records: HashMap::new(),
            sidebar,
            cached_at: HashMap::new(),
            investigation: Investigation::default(),
            detail_selected: 0,
            detail_scroll: 0,
            raw: false,
            raw_scroll: 0,
            overlay: Overlay::None,
            notices: Notices::default(),
            in_flight: None,
            nav: Nav::default(),
            calls: None,
            follow: None,
            last_copy: None,
            size,
            context,
            color,
            ascii: false,
            spinner: 0,
            fixed_now: None,
            live: Live::new(crate::config::defaults::LIVE_REFRESH),
            place: crate::present::place::Place::default(),
            changed: None,
            tree: TreeState::default(),
            views: Views::default(),
            records_version: 0,
            events_version: 0,
            answers: quality::Answers::default(),
            generation: 0,
        }
    }

    /// The clock the presenter uses.
    pub fn clock(&self) -> Clock {
        self.fixed_now.map_or_else(Clock::system, Clock::fixed)
    }

    /// The record shown, if any.
    pub fn shown_record(&self) -> Option<&Fetched> {
        match &self.view {
            View::Record(id) => self.records.get(id),
            _ => None,
        }
    }

    /// The shown record, presented.
    pub fn presented(&self) -> Option<Presented> {
        let View::Record(id) = self.view else {
            return None;
        };
        let f = self.records.get(&id)?;
        Some(present_log(id.family, &f.log, &self.clock()))
    }

    /// Whether the sidebar is visible at this size.
    pub fn sidebar_visible(&self) -> bool {
        // The list of calls is wide: below 160 columns it takes the sidebar's room, which
        // comes back while it has focus (Tab).
        !self.sidebar_hidden
            && layout::sidebar_visible(self.size)
            && (self.view != View::Calls
                || self.size.width >= layout::CALLS_SIDEBAR_MIN_WIDTH
                || self.focus == Focus::Sidebar)
    }

    /// The log the input names (a bare ID is a voice log's), checked: a whole ID, or a short
    /// one (its first 8 characters) that starts one ID among the history's lookups and the
    /// index's rows.
    pub fn input_id(&self) -> Result<LogRef, IdError> {
        let text = self.input.value();
        match extract_id(text) {
            Err(IdError::NotFound(e)) => match crate::api::short_id(text) {
                Some(short) => {
                    match crate::api::resolve_short(&short, &[&self.sidebar.history, &self.index])?
                    {
                        Some(id) => Ok(LogRef::voice(id)),
                        None => Err(IdError::NotFound(e)),
                    }
                }
                None => Err(IdError::NotFound(e)),
            },
            found => found.map(LogRef::voice),
        }
    }

    /// Applies one message; returns what the loop must do. Returns whether anything changed in
    /// `changed`, so the loop redraws only then.
    pub fn update(&mut self, msg: Message) -> (Vec<Effect>, bool) {
        let (mut effects, changed) = self.apply(msg);
        let more = self.follow_up();
        let changed = changed || !more.is_empty();
        effects.extend(more);
        // Changes to the history were made in memory; the loop writes them.
        effects.extend(self.take_save());
        (effects, changed)
    }

    /// The history's changes (or its first reading of what it has not read yet) for the loop
    /// to save, when there are any.
    pub fn take_save(&mut self) -> Option<Effect> {
        (self.sidebar.history.take_save()).map(|save| Effect::SaveHistory(Box::new(save)))
    }

    fn apply(&mut self, msg: Message) -> (Vec<Effect>, bool) {
        match msg {
            Message::Term(Event::Key(key)) => keys::on_key(self, key),
            Message::Action(action) => keys::act(self, action),
            Message::Term(Event::FocusGained) => {
                // Back from another window: pick up lookups made elsewhere meanwhile.
                let warnings = self.sidebar.reload();
                self.warn(warnings);
                (vec![], true)
            }
            Message::EventsFetched { id, result } => {
                self.on_events(id, *result);
                (vec![], true)
            }
            Message::CallLoaded { id, result } => {
                self.on_call(id, *result);
                (vec![], true)
            }
            Message::CompatAnswered { id, answer } => {
                self.on_compat(id, *answer);
                (vec![], true)
            }
            Message::RecordingProgress { sid, done, total } => {
                self.on_recording_progress(&sid, done, total);
                (vec![], true)
            }
            Message::RecordingSaved { result, .. } => {
                self.on_recording_saved(result);
                (vec![], true)
            }
            Message::ChainResolved { id, chain } => {
                self.on_chain(id, *chain);
                (vec![], true)
            }
            Message::Term(Event::Paste(text)) => {
                self.on_paste(&text);
                (vec![], true)
            }
            Message::Term(Event::Mouse(m)) => self.on_mouse(m),
            Message::Term(Event::Resize(w, h)) => {
                self.size = Size::new(w, h);
                if self.focus == Focus::Sidebar && !self.sidebar_visible() {
                    // A pane that is not drawn takes no keys, nor answers a question it asked.
                    self.focus = Focus::Detail;
                    if matches!(self.sidebar.mode, SidebarMode::Confirm(_)) {
                        self.sidebar.mode = SidebarMode::Browse;
                    }
                }
                self.keep_selection_visible();
                self.move_calls(0);
                (vec![], true)
            }
            Message::Term(_) => (vec![], false),
            Message::Tick => self.on_tick(Instant::now()),
            Message::Fetched {
                generation,
                id,
                result,
            } => {
                if generation != self.generation {
                    // A late answer to a lookup that a newer one replaced: never shown.
                    return (vec![], false);
                }
                self.on_fetched(id, *result);
                (vec![], true)
            }
            msg @ (Message::ScanPage { .. } | Message::ScanEnded { .. }) => {
                self.on_scan(msg);
                (vec![], true)
            }
            Message::Followed {
                generation,
                every,
                result,
            } => (vec![], self.on_followed(generation, every, result)),
            Message::Quit(_) => (vec![Effect::Quit], false),
            Message::HistorySaved(mut saved) => {
                let warnings = std::mem::take(&mut saved.warnings);
                self.sidebar.history.saved(*saved);
                self.sidebar.refresh();
                self.warn(warnings);
                (vec![], true)
            }
            Message::Copied(Ok(text)) => {
                let text = format!("{text} · m shows it, w writes it to a file");
                self.notify(Notice::info(Scope::Session, text).in_slot("copy"));
                (vec![], true)
            }
            Message::Written(result) => {
                self.on_written(result);
                (vec![], true)
            }
            Message::Copied(Err(text)) => {
                self.notify(Notice::error(Scope::Action, text).in_slot("copy"));
                (vec![], true)
            }
        }
    }

    /// Puts `text` in the input and looks it up, as if typed and entered (`swlog ID`).
    pub fn open_input(&mut self, text: &str) -> Vec<Effect> {
        self.input = Input::new(text.trim().to_owned());
        self.submit()
    }
}

#[cfg(test)]
mod tests;
