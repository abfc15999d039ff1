//! What the rest of the program reads of the inspector's state, and the few settings the start
//! up (and tests) put in before the loop runs. The state changes only in [`App::update`].

use chrono::{DateTime, Utc};
use ratatui::layout::Size;
use tui_input::Input;

use super::{
    App, Calls, Context, Focus, InFlight, Investigation, Live, Nav, Notices, Overlay, Sidebar,
    TreeState, View,
};
use crate::api::{Fetched, LogRef};
use crate::present::RowKey;

impl App {
    /// Which pane has the keyboard.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The ID input's text and cursor.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// What the detail pane shows.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// A record fetched this session.
    pub fn record(&self, log: LogRef) -> Option<&Fetched> {
        self.records.get(&log)
    }

    /// The lookup history and its filter and selection.
    pub fn sidebar(&self) -> &Sidebar {
        &self.sidebar
    }

    /// Events and chains of this session's legs, and the Events view's state.
    pub fn investigation(&self) -> &Investigation {
        &self.investigation
    }

    /// The selected row of the detail pane.
    pub fn detail_selected(&self) -> usize {
        self.detail_selected
    }

    /// The first line shown in the detail pane.
    pub fn detail_scroll(&self) -> usize {
        self.detail_scroll
    }

    /// Whether the detail pane shows raw JSON.
    pub fn raw(&self) -> bool {
        self.raw
    }

    /// The first line shown in the raw JSON view.
    pub fn raw_scroll(&self) -> usize {
        self.raw_scroll
    }

    /// The first line of the help overlay on screen.
    pub fn help_scroll(&self) -> usize {
        self.help_scroll
    }

    /// The overlay open over the panes.
    pub fn overlay(&self) -> Overlay {
        self.overlay
    }

    /// What the status bar tells the user, newest last.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// The lookup in flight.
    pub fn in_flight(&self) -> Option<InFlight> {
        self.in_flight
    }

    /// Back and forward through visited logs.
    pub fn nav(&self) -> &Nav {
        &self.nav
    }

    /// The last search and its rows.
    pub fn calls(&self) -> Option<&Calls> {
        self.calls.as_ref()
    }

    /// The terminal's size.
    pub fn size(&self) -> Size {
        self.size
    }

    /// Where lookups go.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Whether to use colour (off with NO_COLOR).
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether borders are drawn in ASCII (TERM=dumb).
    pub fn ascii(&self) -> bool {
        self.ascii
    }

    /// The spinner's frame.
    pub fn spinner(&self) -> usize {
        self.spinner
    }

    /// The fixed "now" of tests and snapshots, if any.
    pub fn fixed_now(&self) -> Option<DateTime<Utc>> {
        self.fixed_now
    }

    /// The live-refresh schedule of the shown record.
    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Rows whose value changed in the last refresh, while they are highlighted.
    pub fn changed(&self) -> Option<&[RowKey]> {
        self.changed.as_ref().map(|(keys, _)| keys.as_slice())
    }

    /// The profiles the session may switch to, the start-up one first.
    pub fn profiles(&self) -> &[crate::config::Choice] {
        &self.profiles
    }

    /// The whole calls loaded and the Call view's selection.
    pub fn tree(&self) -> &TreeState {
        &self.tree
    }

    /// Sets the profiles the session may switch to (`P`), the start-up one first.
    pub fn set_profiles(&mut self, profiles: Vec<crate::config::Choice>) {
        self.profiles = profiles;
    }

    /// Sets the start-up profile's space and project, as tickets name them.
    pub fn set_place(&mut self, place: crate::present::place::Place) {
        self.place = place;
    }

    /// Sets how the shown record is refreshed while its call goes on.
    pub fn set_live(&mut self, live: Live) {
        self.live = live;
    }

    /// Looks short IDs up among `index`'s rows too, after the history's lookups.
    pub fn set_index(&mut self, index: crate::search::IndexHandle) {
        self.index = index;
    }

    /// Draws borders in ASCII (TERM=dumb).
    pub fn set_ascii(&mut self, ascii: bool) {
        self.ascii = ascii;
    }

    /// Fixes "now", for tests and snapshots; `None` reads the clock.
    pub fn set_fixed_now(&mut self, now: Option<DateTime<Utc>>) {
        self.fixed_now = now;
    }

    /// Gives `focus` the keyboard, as Tab or a click would (for tests and benchmarks that set
    /// a scene).
    pub fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
    }

    /// Shows raw JSON in the detail pane, or not, as `v` would (for tests that set a scene).
    pub fn set_raw(&mut self, raw: bool) {
        self.raw = raw;
    }

    /// Opens an overlay, as its key would (for tests that set a scene).
    pub fn set_overlay(&mut self, overlay: Overlay) {
        self.overlay = overlay;
    }
}
