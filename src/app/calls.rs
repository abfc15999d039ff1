//! The Calls view's state: the last search, its rows as pages bring them, how far the scan got
//! and why it stopped, the order, the narrowing and the selection; and the search's life (started,
//! fed, stopped, superseded). Rows are kept for the session, so `L` reopens them.

use tui_input::Input;

use super::msg::{Effect, Message};
use super::nav::Place;
use super::notices::Scope;
use super::{App, Focus, View};
use crate::api::list::ListError;
use crate::list::{Limits, Progress, Row, Stop};
use crate::query::Query;
use crate::view::Line;
use crate::view::calls::{self, Sort};
use crate::view::grouped::Look;

/// Where a search is.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanState {
    /// Pages are still coming.
    Running,
    /// It ended by itself.
    Ended(Stop),
    /// Esc stopped it.
    Stopped,
    /// A fault stopped it; the rows before it are kept.
    Failed(ListError),
}

/// The last search and what it found.
#[derive(Debug, Clone)]
pub struct Calls {
    /// The search as typed.
    pub text: String,
    /// The search in words.
    pub described: String,
    /// Stamped on the scan's messages: a page of an older search is ignored.
    pub generation: u64,
    /// The rows found, in the order they came.
    pub rows: Vec<Row>,
    /// How far the scan got.
    pub progress: Progress,
    /// Where the scan is.
    pub state: ScanState,
    /// How the rows are ordered.
    pub sort: Sort,
    /// The narrowing's text.
    pub narrow: Input,
    /// Whether the narrowing is being typed.
    pub narrowing: bool,
    /// The rows shown (indices into `rows`), sorted and narrowed.
    pub order: Vec<usize>,
    /// The selected position in `order`.
    pub selected: usize,
    /// The first position in `order` on screen.
    pub scroll: usize,
    /// Where the search ran: its rows are opened from the same profile and space, whatever
    /// the session's profile is by then.
    pub origin: Option<super::spaces::Origin>,
    /// Where the answer came from (the index, the network), once it is in.
    pub source: Option<crate::search::Source>,
    /// Whether the rows are shown one call a row or one leg a row (`g` switches).
    pub shown: crate::query::View,
    /// The calls, when the search ran in calls: the legs view then shows their legs.
    pub grouped: Option<super::grouped::Grouped>,
}

/// The Calls view laid out at a width: what the pane draws, line by line.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The search, the sort and the narrowing.
    pub title: Line,
    /// How far the scan got and why it stopped.
    pub status: Line,
    /// The spaces between two columns.
    pub gap: usize,
    /// The column titles.
    pub header: Vec<(Look, String)>,
    /// The rows on screen, each with its status's (or its call's) outcome.
    pub rows: Vec<(crate::api::model::Outcome, Vec<(Look, String)>)>,
    /// Which of `rows` is selected.
    pub selected: Option<usize>,
    /// Said instead of rows, when there are none to show.
    pub empty: Option<String>,
}

/// Lines above the rows inside the pane: the title, the status and the header.
const ABOVE_ROWS: usize = 3;

impl Calls {
    fn new(text: &str, described: String, generation: u64, shown: crate::query::View) -> Self {
        Self {
            text: text.to_owned(),
            described,
            generation,
            rows: Vec::new(),
            progress: Progress::default(),
            state: ScanState::Running,
            sort: Sort::default(),
            narrow: Input::default(),
            narrowing: false,
            order: Vec::new(),
            selected: 0,
            scroll: 0,
            origin: None,
            source: None,
            shown,
            grouped: None,
        }
    }

    /// Whether pages are still coming.
    pub fn running(&self) -> bool {
        self.state == ScanState::Running
    }

    /// The selected row: a leg, or a call's root.
    pub fn selected_row(&self) -> Option<&Row> {
        self.selected_index().map(|i| &self.rows[i])
    }

    /// Sorts and narrows the rows again, keeping the same row selected.
    pub fn reorder(&mut self) {
        if self.by_call() {
            self.relayout_calls();
            return;
        }
        let keep = self.order.get(self.selected).copied();
        let needle = self.narrow.value().to_lowercase();
        // The legs of the calls found, or every row of a search in legs.
        let candidates = match &self.grouped {
            Some(g) => g.matched_legs(),
            None => (0..self.rows.len()).collect(),
        };
        let mut order: Vec<usize> = candidates
            .into_iter()
            .filter(|i| calls::narrows_to(&self.rows[*i], &needle))
            .collect();
        self.sort.apply(&self.rows, &mut order);
        self.order = order;
        self.selected = keep
            .and_then(|k| self.order.iter().position(|i| *i == k))
            .unwrap_or(0);
    }

    /// Moves the selection to `to` (clamped) and scrolls it into `height` rows.
    pub fn select(&mut self, to: usize, height: usize) {
        let len = self.len();
        self.selected = to.min(len.saturating_sub(1));
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
        self.scroll = self.scroll.min(len.saturating_sub(height));
    }
}

impl App {
    /// Starts a search for `query`, typed as `text`: the Calls view replaces the pane, and a
    /// running search is superseded (its task cancelled, its late pages ignored).
    pub(super) fn search(&mut self, text: &str, query: Query) -> Vec<Effect> {
        let view = self
            .calls
            .as_ref()
            .map_or(crate::query::View::Calls, |c| c.shown);
        self.search_in(text, query, false, view)
    }

    /// The last search again (`r`), ignoring the index: the window is read again from the
    /// server and covered afresh.
    pub(super) fn search_again(&mut self) -> Vec<Effect> {
        let Some(text) = self.calls.as_ref().map(|c| c.text.clone()) else {
            return vec![];
        };
        match Query::parse(&text, &self.clock()) {
            Ok(query) => {
                let view = self
                    .calls
                    .as_ref()
                    .map_or(crate::query::View::Calls, |c| c.shown);
                self.search_in(&text, query, true, view)
            }
            Err(_) => self.open_search(&text),
        }
    }

    /// Starts a search shown in `view`: a word of the other view is refused, nothing sent.
    pub(super) fn search_in(
        &mut self,
        text: &str,
        query: Query,
        fresh: bool,
        view: crate::query::View,
    ) -> Vec<Effect> {
        if let Err(e) = query.check_view(view) {
            self.notify(super::Notice::error(Scope::Action, e.to_string()).in_slot("input"));
            return vec![];
        }
        let generation = self.calls.as_ref().map_or(0, |c| c.generation) + 1;
        let described = query.describe(&self.clock());
        let origin = self.session_origin();
        let profile = origin.profile.clone();
        let mut calls = Calls::new(text, described, generation, view);
        calls.origin = Some(origin);
        self.calls = Some(calls);
        self.notices.end_scope(Scope::Lookup);
        let mut effects = self.show_calls();
        effects.push(Effect::Scan {
            generation,
            profile,
            query: Box::new(query),
            limits: Limits::default(),
            fresh,
            now: self.clock().now,
            view,
        });
        effects
    }

    /// Shows the last list (a search, `L`, back): no request, the selection as it was.
    pub(super) fn show_calls(&mut self) -> Vec<Effect> {
        let Some(text) = self.calls.as_ref().map(|c| c.text.clone()) else {
            return vec![];
        };
        // The input says what the list is of, as it says which log a record is.
        self.input = Input::new(text);
        let cancel = self.cancel_in_flight();
        self.live.stop();
        self.view = View::Calls;
        if self.nav.place().is_none() {
            // A first search is a page after the start screen, which `[` goes back to.
            self.nav.visit(Place::Welcome);
        }
        self.nav.visit(Place::Calls);
        if self.focus == Focus::Sidebar {
            // The sidebar gives its room to the table.
            self.focus = Focus::Detail;
        }
        cancel
    }

    /// Rows rows of the table fit in the pane at the terminal's size.
    pub(super) fn calls_height(&self) -> usize {
        self.detail_height().saturating_sub(ABOVE_ROWS).max(1)
    }

    /// The Calls view at the terminal's size.
    pub fn calls_table(&self) -> Option<Table> {
        let width = self.detail_width();
        self.calls.as_ref().map(|c| {
            let mut t = c.table(&self.clock(), width);
            t.rows.truncate(self.calls_height());
            self.follow_table(c, t)
        })
    }

    /// A click on line `line` of the pane's inside: selects the row there, if any.
    pub(super) fn click_calls(&mut self, line: usize) {
        let height = self.calls_height();
        if let Some(calls) = self.calls.as_mut()
            && let Some(row) = line.checked_sub(ABOVE_ROWS)
            && calls.scroll + row < calls.len()
        {
            let at = calls.scroll + row;
            calls.select(at, height);
        }
    }

    /// Moves the selection `delta` rows (the wheel).
    pub(super) fn move_calls(&mut self, delta: isize) {
        let height = self.calls_height();
        if let Some(calls) = self.calls.as_mut() {
            let at = calls.selected.saturating_add_signed(delta);
            calls.select(at, height);
        }
    }

    /// A search's page or end arrived.
    pub(super) fn on_scan(&mut self, msg: Message) {
        match msg {
            Message::ScanPage {
                generation,
                rows,
                progress,
            } => self.on_scan_page(generation, rows, progress),
            Message::ScanEnded {
                generation,
                end,
                answer,
            } => {
                self.on_scan_ended(generation, end, answer);
            }
            _ => {}
        }
    }

    /// A page of the search arrived.
    fn on_scan_page(&mut self, generation: u64, rows: Vec<Row>, progress: Progress) {
        let height = self.calls_height();
        let Some(calls) = self.calls.as_mut().filter(|c| c.generation == generation) else {
            return;
        };
        if !calls.running() {
            return;
        }
        calls.progress = progress;
        if calls.shown == crate::query::View::Calls {
            // A search in calls reads every leg; the calls come with the answer.
            calls.progress.matched = 0;
            return;
        }
        calls.rows.extend(rows);
        calls.reorder();
        let selected = calls.selected;
        calls.select(selected, height);
    }

    /// The search ended.
    fn on_scan_ended(
        &mut self,
        generation: u64,
        end: Result<Stop, ListError>,
        answer: Option<Box<super::msg::ScanAnswer>>,
    ) {
        let height = self.calls_height();
        let Some(calls) = self.calls.as_mut().filter(|c| c.generation == generation) else {
            return;
        };
        // Esc ends a search with what it found: that answer is taken, and the view stays
        // stopped (and says how far it got rather than where the answer came from).
        let stopped = calls.state == ScanState::Stopped;
        let unanswered = calls.source.is_none() && calls.grouped.is_none();
        if !(calls.running() || stopped && unanswered) {
            return;
        }
        let mut notices = Vec::new();
        if let Some(answer) = answer {
            // The answer in order replaces the rows as pages brought them.
            let answer = *answer;
            calls.rows = answer.rows;
            calls.progress.matched = calls.rows.len();
            if !stopped {
                calls.source = Some(answer.source);
            }
            if let Some((found, matched)) = answer.calls {
                calls.progress.matched = found.len();
                calls.grouped = Some(super::grouped::Grouped::new(found, matched));
            }
            calls.reorder();
            let selected = calls.selected;
            calls.select(selected, height);
            notices = answer.notices;
        }
        for notice in notices {
            self.notify(super::Notice::warn(
                Scope::Session,
                crate::text::sanitize(&notice).into_owned(),
            ));
        }
        let Some(calls) = self.calls.as_mut() else {
            return;
        };
        if stopped {
            return;
        }
        calls.state = match end {
            Ok(stop) => ScanState::Ended(stop),
            Err(e) => {
                // The view's line may be cut at the pane's width: the notices keep it whole.
                let text = format!("The search stopped: {e}");
                calls.state = ScanState::Failed(e);
                self.notify(super::Notice::error(Scope::Lookup, text));
                return;
            }
        };
    }

    /// Stops the running search, keeping what it found.
    pub(super) fn stop_search(&mut self) -> Vec<Effect> {
        match self.calls.as_mut() {
            Some(calls) if calls.running() => {
                // Pages already on their way are ignored; the search ends with what it found
                // (in calls, grouped), which is taken as its answer.
                calls.state = ScanState::Stopped;
                vec![Effect::StopScan]
            }
            _ => vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VoiceLog;
    use serde_json::json;

    fn row(id: &str, at: &str) -> Row {
        let serde_json::Value::Object(m) =
            json!({"id": id, "created_at": at, "from": "+1", "status": "completed"})
        else {
            panic!("an object")
        };
        Row::of(&VoiceLog::from_object(m))
    }

    #[test]
    fn reordering_keeps_the_selected_row_and_the_narrowing_hides_others() {
        let mut c = Calls::new("x", "x".into(), 1, crate::query::View::Legs);
        c.rows = vec![
            row("aaa", "2026-11-25T10:00:00Z"),
            row("bbb", "2026-11-25T12:00:00Z"),
        ];
        c.reorder();
        assert_eq!(c.order, [1, 0], "newest first");
        c.select(1, 10);
        assert_eq!(
            c.selected_row().map(|r| r.cell("id")).as_deref(),
            Some("aaa")
        );
        c.rows.push(row("ccc", "2026-11-25T13:00:00Z"));
        c.reorder();
        assert_eq!(
            c.selected_row().map(|r| r.cell("id")).as_deref(),
            Some("aaa"),
            "a new page does not move the selection to another call"
        );
        c.narrow = Input::new("BB".into());
        c.reorder();
        assert_eq!(c.order, [1]);
    }
}
