//! The Call view's state: the whole calls loaded this session (by every leg's ID, so that a
//! second `t` on any leg of a call costs no scan), the one loading, the selected leg, whether
//! the merged timeline is open (its events selected and unfolded in `tree_timeline.rs`), and the
//! live refresh of a call with a leg still going. `t` opens it from a leg; Enter opens a leg as
//! a normal lookup; back returns to the tree.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::api::LogRef;

use super::live::{Live, is_live_status, stale_for};
use super::msg::Effect;
use super::nav::Place;
use super::notices::{Notice, Scope};
use super::{App, View};
use crate::call::{Call, CallError};

/// The whole calls of this session and the Call view's selection.
#[derive(Debug)]
pub struct TreeState {
    /// Loaded calls by each of their legs (and the leg each was asked for).
    calls: HashMap<LogRef, Arc<Call>>,
    /// The leg whose call is loading, and since when.
    pub loading: Option<(LogRef, Instant)>,
    /// Calls that could not be loaded, by the leg asked about, in words.
    pub failed: HashMap<LogRef, String>,
    /// The selected leg (its position in the tree).
    pub selected: usize,
    /// The first line shown.
    pub scroll: usize,
    /// Whether the merged timeline is shown under the tree.
    pub timeline: bool,
    /// The event of the open timeline selected instead of a leg.
    pub event: Option<usize>,
    /// The event of the open timeline unfolded.
    pub unfolded: Option<usize>,
    /// The first line shown before `e` opened the timeline, shown again when it closes.
    before_timeline: usize,
    /// The leg `t` was pressed on, marked in the tree.
    pub came_from: Option<LogRef>,
    /// The live refresh of a call with a leg still going.
    pub live: Live,
    /// Bumped when a call is loaded, so that views know to rebuild.
    pub version: u64,
}

impl Default for TreeState {
    fn default() -> Self {
        Self {
            calls: HashMap::new(),
            loading: None,
            failed: HashMap::new(),
            selected: 0,
            scroll: 0,
            timeline: false,
            event: None,
            unfolded: None,
            before_timeline: 0,
            came_from: None,
            live: Live::new(crate::config::defaults::LIVE_REFRESH),
            version: 0,
        }
    }
}

impl TreeState {
    /// The call leg `id` belongs to, when loaded.
    pub fn call_of(&self, id: LogRef) -> Option<&Arc<Call>> {
        self.calls.get(&id)
    }

    /// Keeps `call`, asked for by `asked`, under each of its legs (of `asked`'s family).
    fn keep(&mut self, asked: LogRef, call: Arc<Call>) {
        self.calls
            .insert(asked.sibling(call.asked), Arc::clone(&call));
        for leg in &call.tree.legs {
            self.calls.insert(asked.sibling(leg.id), Arc::clone(&call));
        }
        self.version += 1;
    }
}

/// Whether a leg of `call` is still going and not past the bound a live leg has.
pub fn is_live(call: &Call, now: chrono::DateTime<chrono::Utc>, max_age: Duration) -> bool {
    call.tree.legs.iter().any(|l| {
        let log = &l.log;
        let going = log.status.value().is_some_and(|s| is_live_status(s));
        let so_far = crate::query::duration_ms(log)
            .and_then(|ms| u64::try_from(ms).ok())
            .map_or(Duration::ZERO, Duration::from_millis);
        going && stale_for(log.created_at.get(), so_far, now, max_age).is_none()
    })
}

impl App {
    /// The call shown in the Call view, when loaded.
    pub fn shown_call(&self) -> Option<&Arc<Call>> {
        match self.view {
            View::Call(id) => self.tree.call_of(id),
            _ => None,
        }
    }

    /// The root leg of the call shown in the Call view, when loaded.
    fn shown_call_root(&self) -> Option<LogRef> {
        let View::Call(id) = self.view else {
            return None;
        };
        self.tree.call_of(id).map(|c| id.sibling(c.tree.root))
    }

    /// The leg selected in the Call view.
    fn selected_leg(&self) -> Option<LogRef> {
        let View::Call(id) = self.view else {
            return None;
        };
        let call = self.tree.call_of(id)?;
        call.tree
            .legs
            .get(self.tree.selected)
            .map(|l| id.sibling(l.id))
    }

    /// `t`: opens the whole call of the leg on screen, loading it unless it is known.
    pub(super) fn open_call(&mut self) -> Vec<Effect> {
        let leg = match &self.view {
            View::Record(id) if id.family.has_whole_call() => Some(*id),
            View::Call(_) => return vec![],
            // A row of the list of calls: its call, read from where the list was.
            View::Calls => self.calls.as_ref().and_then(|calls| {
                let id = uuid::Uuid::try_parse(&calls.selected_row()?.cell("id")).ok()?;
                let id = LogRef::voice(id);
                if let Some(origin) = calls.origin.clone() {
                    self.origins.entry(id).or_insert(origin);
                }
                Some(id)
            }),
            _ => None,
        };
        let Some(leg) = leg else {
            self.notify(Notice::info(
                Scope::Action,
                "Open a leg first: t shows its whole call",
            ));
            return vec![];
        };
        let mut effects = self.cancel_in_flight();
        self.live.stop();
        self.tree.came_from = Some(leg);
        self.tree.timeline = false;
        self.tree.event = None;
        self.tree.unfolded = None;
        self.tree.scroll = 0;
        let known = self.tree.call_of(leg).map(|call| {
            let selected = call.tree.index_of(leg.id).unwrap_or(0);
            (selected, leg.sibling(call.tree.root))
        });
        let at = match known {
            Some((selected, root)) => {
                self.tree.selected = selected;
                root
            }
            None => {
                self.tree.selected = 0;
                effects.extend(self.load_call(leg));
                leg
            }
        };
        self.nav.visit(Place::Call(at));
        self.view = View::Call(at);
        self.schedule_call_refresh(Instant::now());
        effects
    }

    /// Shows the Call view of `id` again (back, forward), loading it if it is not known.
    pub(super) fn revisit_call(&mut self, id: LogRef) -> Vec<Effect> {
        let mut effects = self.cancel_in_flight();
        self.live.stop();
        // The view is named by the root once the call is known.
        self.view = View::Call(
            self.tree
                .call_of(id)
                .map_or(id, |c| id.sibling(c.tree.root)),
        );
        if self.tree.call_of(id).is_none() && self.tree.loading.is_none() {
            effects.extend(self.load_call(id));
        }
        self.schedule_call_refresh(Instant::now());
        effects
    }

    fn load_call(&mut self, id: LogRef) -> Vec<Effect> {
        self.tree.failed.remove(&id);
        self.tree.loading = Some((id, Instant::now()));
        let profile = self.origin_for(id).profile;
        vec![Effect::LoadCall { id, profile }]
    }

    /// A call arrived: kept for the session, shown if its view is on screen.
    pub(super) fn on_call(&mut self, id: LogRef, result: Result<Call, CallError>) {
        if self.tree.loading.is_some_and(|(l, _)| l == id) {
            self.tree.loading = None;
        }
        let now = Instant::now();
        match result {
            Ok(call) => {
                let call = Arc::new(call);
                // Every leg was read from the asked leg's space: opening one fetches it there.
                let origin = self.origin_for(id);
                for leg in &call.tree.legs {
                    self.origins
                        .entry(id.sibling(leg.id))
                        .or_insert_with(|| origin.clone());
                }
                let shown = matches!(self.view, View::Call(v)
                    if (v.family == id.family && call.tree.leg(v.id).is_some()) || v == id);
                let selected_id = self
                    .shown_call()
                    .and_then(|c| c.tree.legs.get(self.tree.selected))
                    .map(|l| l.id)
                    .or(self.tree.came_from.map(|c| c.id));
                self.tree.keep(id, Arc::clone(&call));
                if shown {
                    self.view = View::Call(id.sibling(call.tree.root));
                    // The selection stays on its leg across a refresh.
                    self.tree.selected =
                        selected_id.and_then(|s| call.tree.index_of(s)).unwrap_or(0);
                    if !call.is_complete() {
                        self.notify(
                            Notice::warn(
                                Scope::Lookup,
                                "The call is incomplete: see the notes under the tree",
                            )
                            .in_slot("call"),
                        );
                    }
                }
                self.tree.live.after_success(false, now);
                self.schedule_call_refresh(now);
            }
            Err(CallError::Leg(e)) => {
                let words = crate::text::sanitize(&e.to_string()).into_owned();
                if self.tree.call_of(id).is_some() {
                    // A refresh failed: the call on screen stays, and is tried again later.
                    self.tree.live.after_failure(now);
                } else {
                    self.tree.failed.insert(id, words.clone());
                }
                self.notify(
                    Notice::error(Scope::Lookup, format!("Could not load the call: {words}"))
                        .in_slot("call"),
                );
            }
        }
    }

    /// Schedules the next refresh of the shown call while a leg of it is live, on the single
    /// leg's settings (interval, on/off, age bound).
    fn schedule_call_refresh(&mut self, now: Instant) {
        self.tree.live.interval = self.live.interval;
        self.tree.live.enabled = self.live.enabled;
        self.tree.live.max_age = self.live.max_age;
        let live = self
            .shown_call()
            .is_some_and(|c| is_live(c, self.clock().now, self.tree.live.max_age));
        if !live {
            self.tree.live.next = None;
        } else if self.tree.live.next.is_none() {
            self.tree.live.after_success(true, now);
        }
    }

    /// Starts a due refresh of the shown call; what to do.
    pub(super) fn call_tick(&mut self, now: Instant) -> Vec<Effect> {
        if self.tree.loading.is_some() || !self.tree.live.due(now) {
            return vec![];
        }
        let Some(root) = self.shown_call_root() else {
            self.tree.live.stop();
            return vec![];
        };
        self.tree.live.next = None;
        self.load_call(root)
    }

    /// Enter on a leg of the tree: opens it as a normal lookup (back returns to the tree).
    pub(super) fn open_selected_leg(&mut self) -> Vec<Effect> {
        let Some(id) = self.selected_leg() else {
            return vec![];
        };
        self.tree.live.stop();
        self.input = tui_input::Input::new(id.to_string());
        self.investigation.tab = super::Tab::Fields;
        self.raw = false;
        self.visit(id)
    }

    /// Moves the selection in the tree.
    pub(super) fn move_in_tree(&mut self, action: super::Action) {
        use super::Action as A;
        if self.move_in_call_timeline(action) {
            return;
        }
        let last = self
            .shown_call()
            .map_or(0, |c| c.tree.legs.len().saturating_sub(1));
        let height = self.call_height();
        let lines = self.call_view_lines().0.len();
        let t = &mut self.tree;
        match action {
            // A page moves the view, not the selection: the timeline under the tree is read by
            // paging.
            A::PageDown => {
                t.scroll = (t.scroll + height.saturating_sub(1)).min(lines.saturating_sub(height));
                return;
            }
            A::PageUp => {
                t.scroll = t.scroll.saturating_sub(height.saturating_sub(1));
                return;
            }
            A::Down => t.selected = (t.selected + 1).min(last),
            A::Up => t.selected = t.selected.saturating_sub(1),
            A::Top => t.selected = 0,
            A::Bottom => t.selected = last,
            _ => {}
        }
        self.keep_leg_visible();
    }

    /// `e` in the Call view: opens the merged timeline with its heading at the top (it opens
    /// below the tree, out of sight on a small screen), or closes it and scrolls back.
    pub(super) fn toggle_call_timeline(&mut self) {
        let height = self.call_height();
        if self.tree.timeline {
            self.tree.timeline = false;
            self.tree.event = None;
            self.tree.unfolded = None;
            let max = self.call_view_lines().0.len().saturating_sub(height);
            self.tree.scroll = self.tree.before_timeline.min(max);
            return;
        }
        // The closed view ends with the line the heading takes the place of.
        let heading = self.call_view_lines().0.len().saturating_sub(1);
        self.tree.before_timeline = self.tree.scroll;
        self.tree.timeline = true;
        let max = self.call_view_lines().0.len().saturating_sub(height);
        self.tree.scroll = heading.min(max);
    }

    /// Lines inside the detail pane.
    fn call_height(&self) -> usize {
        usize::from(
            crate::view::layout::areas(self.size, self.sidebar_visible())
                .detail
                .height
                .saturating_sub(2),
        )
        .max(1)
    }

    /// Scrolls so that the selected leg's (or event's) lines are on screen.
    pub(super) fn keep_leg_visible(&mut self) {
        let height = self.call_height();
        let Some((first, last)) = self.call_view_lines().1 else {
            return;
        };
        let t = &mut self.tree;
        if first < t.scroll {
            t.scroll = first;
        } else if last + 1 > t.scroll + height {
            t.scroll = (last + 1).saturating_sub(height).min(first);
        }
    }

    /// `s` in the Call view: the ticket bundle.
    pub(super) fn call_bundle(&self) -> Option<String> {
        let View::Call(id) = self.view else {
            return None;
        };
        self.shown_call()
            .map(|c| crate::call::ticket::bundle(c, &self.clock(), &self.place_for(id)))
    }
}

impl App {
    /// The Call view's lines and the first and last line of the selected leg or event.
    pub fn call_view_lines(&self) -> (Vec<crate::view::Line>, Option<(usize, usize)>) {
        let View::Call(id) = self.view else {
            return (Vec::new(), None);
        };
        match self.tree.call_of(id) {
            Some(call) => {
                let why = self.shown_call_why();
                let shown = crate::view::tree::TimelineShown {
                    open: self.tree.timeline,
                    unfolded: self.tree.unfolded,
                };
                let built = crate::view::tree::build(
                    call,
                    self.tree.came_from.map(|c| c.id),
                    shown,
                    &self.clock(),
                    self.detail_width(),
                    why.as_ref(),
                );
                let mut lines = built.lines;
                let leg = crate::view::tree::leg_line(call, self.tree.selected);
                let mut selected = match self.tree.event {
                    Some(i) if self.tree.timeline => built.events.get(i).copied(),
                    _ => Some((leg, leg + 1)),
                };
                if self.tree.loading.is_some() {
                    let s = crate::view::SPINNER[self.spinner % crate::view::SPINNER.len()];
                    lines.insert(
                        1,
                        crate::view::Line::styled(
                            format!("{s} refreshing…"),
                            crate::view::Role::Dim,
                        ),
                    );
                    selected = selected.map(|(a, b)| (a + 1, b + 1));
                }
                (lines, selected)
            }
            None => {
                let spinner = self
                    .tree
                    .loading
                    .map(|_| crate::view::SPINNER[self.spinner % crate::view::SPINNER.len()]);
                let failed = self.tree.failed.get(&id).map(String::as_str);
                (crate::view::tree::waiting(id.id, spinner, failed), None)
            }
        }
    }
}

impl App {
    /// `r` in the Call view: loads the call again (one more scan).
    pub(super) fn reload_call(&mut self) -> Vec<Effect> {
        match self.shown_call_root() {
            Some(root) if self.tree.loading.is_none() => self.load_call(root),
            _ => vec![],
        }
    }
}

impl App {
    /// The mouse wheel over the Call view.
    pub(super) fn scroll_tree(&mut self, delta: isize) {
        let max = self
            .call_view_lines()
            .0
            .len()
            .saturating_sub(self.call_height());
        self.tree.scroll = self.tree.scroll.saturating_add_signed(delta).min(max);
    }

    /// A click `row` lines below the Call view's top: selects the leg drawn there.
    pub(super) fn click_in_tree(&mut self, row: usize) {
        let line = self.tree.scroll + row;
        let Some(call) = self.shown_call() else {
            return;
        };
        let first = crate::view::tree::leg_line(call, 0);
        let legs = call.tree.legs.len();
        if line >= first && (line - first) / 2 < legs {
            self.tree.selected = (line - first) / 2;
            self.tree.event = None;
        }
    }
}
