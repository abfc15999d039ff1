//! The state's cache of what the detail pane and the Events view show: the detail document and
//! its layout at the pane's width, rebuilt only when what they say changes (the view, the
//! record, its chain, its known children, the live-change highlight, the width, the minute
//! for ages); the selected row's unfolding, redone only when the selection moves; the events
//! timeline, rebuilt only when the events change. Every reader (keys, mouse, copy, drawing)
//! goes through here, so they agree on where each row is, and a key press costs a lookup, not
//! a rebuild.

use std::cell::{Ref, RefCell};

use crate::api::LogRef;

use super::{App, ChainState, EventsState, View, detail};
use crate::present::events::{Timeline, timeline};
use crate::present::{Header, RowKey};
use crate::view::detail::{Detail, Doc, Layout, Unfolded};
use crate::view::{SPINNER, events};

/// What the detail document depends on, but the title line and the selection.
#[derive(Debug, Clone, PartialEq)]
struct DocKey {
    view: View,
    current: Option<LogRef>,
    records: u64,
    history: usize,
    chain: Option<(bool, usize)>,
    changed: Vec<RowKey>,
    minute: i64,
    width: usize,
    /// The welcome screen's hints name the keys of the focused pane.
    keys: Option<super::bindings::KeyContext>,
    /// Whole calls loaded (the breadcrumb shows the call's shape).
    calls: u64,
    /// Answers of the Compatibility API (the outcome and quality block).
    compat: u64,
}

/// What the record's title line depends on.
#[derive(Debug, Clone, PartialEq)]
struct TitleKey {
    status_changed: bool,
    cached: Option<String>,
    refreshing: bool,
    live: Option<(bool, u64)>,
    stale: Option<String>,
}

#[derive(Debug, Default)]
struct DetailCache {
    key: Option<DocKey>,
    header: Option<Header>,
    title: Option<TitleKey>,
    doc: Doc,
    layout: Layout,
    open: Option<(usize, Option<Unfolded>)>,
}

#[derive(Debug, Default)]
struct EventsCache {
    key: Option<(Option<LogRef>, u64, i64)>,
    timeline: Option<Timeline>,
    layout_key: Option<(usize, Option<usize>, usize, Option<String>)>,
    layout: events::Layout,
}

/// The caches; interior so that drawing, which reads the state, can bring them up to date.
#[derive(Debug, Default)]
pub struct Views {
    detail: RefCell<DetailCache>,
    events: RefCell<EventsCache>,
}

/// The detail pane as laid out now: hold it only while reading, never across an update.
#[derive(Debug)]
pub struct DetailRef<'a>(Ref<'a, DetailCache>);

impl DetailRef<'_> {
    /// The laid-out document with the selected row unfolded.
    pub fn get(&self) -> Detail<'_> {
        Detail {
            doc: &self.0.doc,
            layout: &self.0.layout,
            open: self.0.open.as_ref().and_then(|(_, o)| o.as_ref()),
        }
    }
}

/// The Events view as laid out now: hold it only while reading, never across an update.
#[derive(Debug)]
pub struct EventsRef<'a>(Ref<'a, EventsCache>);

impl EventsRef<'_> {
    /// The lines and each event's span.
    pub fn get(&self) -> &events::Layout {
        &self.0.layout
    }
}

/// The inside width of a pane `pane_width` wide: borders and a column of padding each side.
pub fn inner_width(pane_width: u16) -> usize {
    usize::from(pane_width.saturating_sub(4))
}

impl App {
    /// The detail pane's inside width at the terminal's size.
    pub(super) fn detail_width(&self) -> usize {
        inner_width(
            crate::view::layout::areas(self.size, self.sidebar_visible())
                .detail
                .width,
        )
    }

    /// The live-change highlight's rows, while it lasts.
    pub(super) fn changed_keys(&self) -> &[RowKey] {
        self.changed
            .as_ref()
            .map_or(&[], |(keys, _)| keys.as_slice())
    }

    /// The detail pane at the terminal's size.
    pub fn detail(&self) -> DetailRef<'_> {
        self.detail_at(self.detail_width())
    }

    /// The detail pane `width` columns wide inside, brought up to date.
    pub fn detail_at(&self, width: usize) -> DetailRef<'_> {
        {
            let mut cache = self.views.detail.borrow_mut();
            self.refresh_detail(&mut cache, width);
        }
        DetailRef(self.views.detail.borrow())
    }

    fn doc_key(&self, width: usize) -> DocKey {
        let current = self.nav.current();
        let chain = current
            .and_then(|id| self.investigation.chains.get(&id))
            .map(|c| match c {
                ChainState::Loading => (false, 0),
                ChainState::Resolved(c) => (true, c.legs().count()),
            });
        DocKey {
            view: self.view.clone(),
            current,
            records: self.records_version,
            history: self.sidebar.history.len(),
            chain,
            changed: self.changed_keys().to_vec(),
            minute: self.clock().now.timestamp() / 60,
            width,
            keys: (self.view == View::Welcome).then(|| self.pane_context()),
            calls: self.tree.version,
            compat: self.answers.version,
        }
    }

    fn title_key(&self) -> TitleKey {
        let current = self.nav.current();
        TitleKey {
            status_changed: self.changed_keys().contains(&RowKey::Status),
            cached: current
                .and_then(|id| self.cached_at.get(&id))
                .map(|at| self.clock().age(*at)),
            refreshing: self.in_flight.is_some_and(|f| Some(f.id) == current),
            live: self
                .shown_is_live()
                .then_some((self.live.enabled, self.live.interval.as_secs())),
            stale: self.stale_note(),
        }
    }

    fn refresh_detail(&self, cache: &mut DetailCache, width: usize) {
        let key = self.doc_key(width);
        if cache.key.as_ref() != Some(&key) {
            let presented = match self.view {
                View::Record(_) => self.presented(),
                _ => None,
            };
            cache.doc = detail::build(self, presented.as_ref(), width);
            cache.layout = cache.doc.layout(width);
            cache.header = presented.map(|p| p.header);
            cache.title = None;
            cache.open = None;
            cache.key = Some(key);
        }
        if let Some(header) = &cache.header {
            let title = self.title_key();
            if cache.title.as_ref() != Some(&title) {
                let line = detail::title(self, header);
                if let Some(first) = cache.layout.lines.first_mut() {
                    *first = line.clone();
                }
                if let Some(crate::view::detail::Block::Line(first)) = cache.doc.blocks.first_mut()
                {
                    *first = line;
                }
                cache.title = Some(title);
            }
        }
        let selected = self.detail_selected;
        if cache.open.as_ref().map(|(s, _)| *s) != Some(selected) {
            let open = Detail::unfold(&cache.doc, &cache.layout, selected);
            cache.open = Some((selected, open));
        }
    }

    /// The shown leg's timeline, when its events are loaded.
    pub fn timeline(&self) -> Option<Ref<'_, Timeline>> {
        {
            let mut cache = self.views.events.borrow_mut();
            self.refresh_timeline(&mut cache);
        }
        Ref::filter_map(self.views.events.borrow(), |c| c.timeline.as_ref()).ok()
    }

    fn refresh_timeline(&self, cache: &mut EventsCache) {
        let current = match self.view {
            View::Record(id) => Some(id),
            _ => None,
        };
        let key = (
            current,
            self.events_version,
            self.clock().now.timestamp() / 60,
        );
        if cache.key != Some(key) {
            cache.timeline = match self.shown_events() {
                Some(EventsState::Loaded(events)) => Some(timeline(events, &self.clock())),
                _ => None,
            };
            cache.layout_key = None;
            cache.key = Some(key);
        }
    }

    /// How many events can be selected.
    pub fn event_count(&self) -> usize {
        self.timeline().map_or(0, |t| t.rows.len())
    }

    /// The Events view `width` columns wide inside, brought up to date.
    pub fn events_at(&self, width: usize) -> EventsRef<'_> {
        {
            let mut cache = self.views.events.borrow_mut();
            self.refresh_timeline(&mut cache);
            let loading = !matches!(
                self.shown_events(),
                Some(EventsState::Loaded(_) | EventsState::Failed(_))
            );
            let spinner = if loading {
                self.spinner % SPINNER.len()
            } else {
                0
            };
            // The key that retries, where one does: in the input `r` types instead.
            let retry = super::bindings::hint_keys(self.key_context(), &[super::Action::Refresh]);
            let key = (width, self.investigation.event_expanded, spinner, retry);
            if cache.layout_key.as_ref() != Some(&key) {
                let error;
                let shown = match (self.shown_events(), &cache.timeline) {
                    (Some(EventsState::Failed(e)), _) => {
                        error = e.to_string();
                        events::Shown::Failed(&error, key.3.as_deref())
                    }
                    (Some(EventsState::Loaded(_)), Some(t)) => events::Shown::Loaded(t),
                    _ => events::Shown::Loading(SPINNER[spinner]),
                };
                cache.layout = events::layout(shown, width, self.investigation.event_expanded);
                cache.layout_key = Some(key);
            }
        }
        EventsRef(self.views.events.borrow())
    }
}
