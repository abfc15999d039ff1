//! A lookup's life in the state: the input submitted, a log visited or revisited, the fetch
//! started (a cached copy shown meanwhile) and superseded, its answer shown or its failure
//! explained, the rows a refresh changed highlighted.

use std::time::Instant;

use crate::api::LogRef;
use tui_input::Input;

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{App, Failure, InFlight, View};
use crate::api::{ApiError, Fetched, IdError};
use crate::history::Warning;
use crate::present::{Presented, RowKey};

/// Where an error about the input's text (a bad ID, a search it cannot understand) is kept: it
/// goes when the input is cleared, as it no longer applies.
pub(super) const INPUT_SLOT: &str = "input";

impl App {
    /// Looks up what the input holds: one log ID opens that log; anything else is a search.
    pub(super) fn submit(&mut self) -> Vec<Effect> {
        match self.input_id() {
            Ok(id) => {
                self.input = Input::new(id.to_string());
                // A new lookup opens on the fields, whatever view the last record was left
                // in; following links and back/forward keep the view, to compare legs.
                self.investigation.tab = super::Tab::Fields;
                self.raw = false;
                // A typed or pasted ID is a new lookup: where the profile that found it before
                // cannot be asked, it goes to the session's (what the failure page advises).
                let mut origin = self.origin_for(id);
                if self.unreachable_reason(&origin).is_some() {
                    origin = self.session_origin();
                }
                self.nav.visit(id);
                // The next key acts on the record (`t`, `e`, `c`), not on the input's text;
                // `i` or `/` goes back to it.
                self.focus = super::Focus::Detail;
                self.fetch_from(id, origin)
            }
            Err(IdError::NotFound(_)) => {
                let text = self.input.value().to_owned();
                self.open_search(&text)
            }
            Err(e) => {
                self.notices.end_scope(Scope::Lookup);
                self.notify(
                    Notice::error(Scope::Lookup, format!("Not a log ID: {e}")).in_slot(INPUT_SLOT),
                );
                self.view = View::Failed {
                    id: None,
                    failure: Failure::BadId(e),
                };
                self.cancel_in_flight()
            }
        }
    }

    /// Searches for `text`; a search it cannot understand is said, and nothing is sent.
    pub(super) fn open_search(&mut self, text: &str) -> Vec<Effect> {
        match crate::query::Query::parse(text, &self.clock()) {
            Ok(query) => self.search(text, query),
            Err(e) => {
                self.notices.end_scope(Scope::Lookup);
                self.notify(Notice::error(Scope::Lookup, e.to_string()).in_slot(INPUT_SLOT));
                vec![]
            }
        }
    }

    /// Goes back or forward to `place`: a log (from this session's records when known), or the
    /// list of calls as it was left.
    pub(super) fn revisit_place(&mut self, place: super::Place) -> Vec<Effect> {
        match place {
            super::Place::Record(id) => self.revisit(id),
            super::Place::Calls => self.show_calls(),
            super::Place::Call(id) => self.revisit_call(id),
            super::Place::Welcome => {
                let cancel = self.cancel_in_flight();
                self.live.stop();
                self.input = Input::default();
                self.view = View::Welcome;
                self.reset_detail();
                cancel
            }
        }
    }

    /// Goes to `id` as a new page of the browsing history and fetches it.
    pub fn visit(&mut self, id: LogRef) -> Vec<Effect> {
        self.nav.visit(id);
        self.fetch(id)
    }

    /// Shows `id` from this session's records if it is known, else fetches it (back/forward).
    pub(super) fn revisit(&mut self, id: LogRef) -> Vec<Effect> {
        self.input = Input::new(id.to_string());
        if self.records.contains_key(&id) {
            let cancel = self.cancel_in_flight();
            self.show_record(id);
            cancel
        } else {
            self.fetch(id)
        }
    }

    /// Starts a lookup of `id`, superseding any in flight. A known record stays on screen
    /// while it refreshes.
    pub(super) fn fetch(&mut self, id: LogRef) -> Vec<Effect> {
        let origin = self.origin_for(id);
        self.fetch_from(id, origin)
    }

    /// [`fetch`](Self::fetch) asking `origin`.
    fn fetch_from(&mut self, id: LogRef, origin: super::Origin) -> Vec<Effect> {
        self.generation += 1;
        self.live.stop();
        self.notices.end_scope(Scope::Lookup);
        // A cached copy shows at once, marked as such, while the refresh runs quietly.
        if !self.records.contains_key(&id) {
            self.load_cached(id);
        }
        // Revisits go where the lookup was made; a place that cannot be asked is not.
        if let Some(reason) = self.unreachable_reason(&origin) {
            return self.show_unreachable(id, &origin, reason);
        }
        self.unreachable.remove(&id);
        self.fetching = Some(origin.clone());
        if self.records.contains_key(&id) {
            if self.view != View::Record(id) {
                self.show_record(id);
            }
        } else {
            self.view = View::Loading(id);
            self.reset_detail();
        }
        self.in_flight = Some(InFlight {
            id,
            started: Instant::now(),
            background: self.cached_at.contains_key(&id),
            refresh: false,
            by_hand: false,
        });
        vec![Effect::Fetch {
            id,
            generation: self.generation,
            profile: origin.profile,
        }]
    }

    /// Fetches the shown record again (`r`): a refresh, not a new lookup.
    pub(super) fn refetch(&mut self, id: LogRef) -> Vec<Effect> {
        let effects = self.fetch(id);
        let shown = self.view == View::Record(id);
        if let Some(f) = self.in_flight.as_mut() {
            f.refresh = shown;
            f.by_hand = shown;
        }
        if shown {
            // Replaced by what the refresh found, in the same slot.
            self.notify(
                Notice::info(Scope::Lookup, format!("Refreshing {}…", short_id(id)))
                    .in_slot("refresh"),
            );
        }
        effects
    }

    pub(super) fn cancel_in_flight(&mut self) -> Vec<Effect> {
        if self.in_flight.take().is_some() {
            // Bumping the generation makes any answer still on its way stale.
            self.generation += 1;
            vec![Effect::Cancel]
        } else {
            vec![]
        }
    }

    pub(super) fn show_record(&mut self, id: LogRef) {
        self.view = View::Record(id);
        self.changed = None;
        self.reset_detail();
        let live = self.shown_is_live();
        self.live.after_success(live, Instant::now());
    }

    pub(super) fn reset_detail(&mut self) {
        self.detail_selected = 0;
        self.detail_scroll = 0;
        self.raw_scroll = 0;
    }

    pub(super) fn on_fetched(&mut self, id: LogRef, result: Result<Fetched, ApiError>) {
        let (background, refresh, by_hand) =
            self.in_flight.take().map_or((false, false, false), |f| {
                (f.background, f.refresh, f.by_hand)
            });
        let origin = self
            .fetching
            .take()
            .unwrap_or_else(|| self.session_origin());
        let at = self.clock().now;
        if let Err(error) = &result
            && (background || self.records.contains_key(&id))
        {
            // A good record is never erased by a failed refresh: its entry is marked.
            let warnings = self.sidebar.refresh_failed(id, error, at);
            self.warn(warnings);
            self.records_version += 1;
        }
        if !background
            && let Err(error) = &result
            && self.records.contains_key(&id)
        {
            let age = self.clock().age(self.records[&id].fetched_at);
            let text = format!("Refresh failed ({error}); showing the copy fetched {age}");
            self.notify(Notice::error(Scope::Lookup, text).in_slot("refresh"));
            if self.view != View::Record(id) {
                self.show_record(id);
            }
            return;
        }
        if !background
            && let Err(error) = &result
            && self
                .sidebar
                .history
                .get(id.id)
                .is_some_and(|e| e.summary().is_some())
        {
            // Found before, but no copy is at hand: the failure shows, the entry keeps its
            // record (marked above).
            let warnings = self.sidebar.refresh_failed(id, error, at);
            self.warn(warnings);
            self.notify(Notice::error(Scope::Lookup, error.to_string()));
            self.view = View::Failed {
                id: Some(id),
                failure: Failure::Api(error.clone()),
            };
            self.reset_detail();
            return;
        }
        if background && let Err(error) = &result {
            // A failed refresh keeps the record on screen: the cached copy, or the live call,
            // which is tried again later.
            let text = if let Some(at) = self.cached_at.get(&id) {
                let age = self.clock().age(*at);
                format!("Refresh failed ({error}); showing the copy fetched {age}")
            } else {
                let wait = self.live.after_failure(Instant::now());
                format!(
                    "Live refresh failed ({error}); next try in {}s",
                    wait.as_secs()
                )
            };
            self.notify(Notice::error(Scope::Lookup, text).in_slot("refresh"));
            return;
        }
        let warnings = match &result {
            // A refresh that found what was shown leaves the history alone; one that found a
            // change updates the entry where it is.
            Ok(fetched) if refresh => {
                let same = self
                    .records
                    .get(&id)
                    .is_some_and(|old| old.body == fetched.body);
                let marked = self
                    .sidebar
                    .history
                    .get(id.id)
                    .is_some_and(|e| e.refresh_failed.is_some());
                if same && !marked {
                    vec![]
                } else {
                    self.sidebar.update(id, fetched, at)
                }
            }
            _ => self.sidebar.record(id, &result, at, &origin),
        };
        self.warn(warnings);
        match result {
            Ok(fetched) => {
                self.cached_at.remove(&id);
                self.origins.insert(id, origin);
                let refreshed = self.view == View::Record(id);
                let before = self.presented();
                self.records.insert(id, fetched);
                self.records_version += 1;
                if refreshed {
                    if by_hand {
                        // What this refresh found, not what an earlier one did.
                        self.changed = None;
                    }
                    self.highlight_changes(before);
                    if by_hand {
                        self.say_refreshed(id);
                    }
                    let live = self.shown_is_live();
                    self.live.after_success(live, Instant::now());
                } else {
                    self.show_record(id);
                }
                self.keep_selection_visible();
            }
            Err(error) => {
                let notice = Notice::error(Scope::Lookup, error.to_string());
                // A failed refresh replaces its "Refreshing…".
                self.notify(if by_hand {
                    notice.in_slot("refresh")
                } else {
                    notice
                });
                self.view = View::Failed {
                    id: Some(id),
                    failure: Failure::Api(error),
                };
                self.reset_detail();
            }
        }
    }

    /// Tells the user something: the one way anything reaches the status bar. Notices stay
    /// until they expire (info), are dismissed, or their scope ends.
    pub fn notify(&mut self, notice: Notice) {
        self.notices.push(notice, Instant::now());
    }

    /// Tells the user what went wrong with the history; it matters for the whole session.
    pub fn warn(&mut self, warnings: Vec<Warning>) {
        for w in warnings {
            self.notify(Notice::warn(Scope::Session, w.to_string()));
        }
    }

    /// Says what a refresh asked for with `r` found: the changed rows, or no change.
    fn say_refreshed(&mut self, id: LogRef) {
        let changed = self.changed.as_ref().map_or(0, |(keys, _)| keys.len());
        let what = match changed {
            0 => "no change".to_owned(),
            1 => "1 field changed".to_owned(),
            n => format!("{n} fields changed"),
        };
        self.notify(
            Notice::info(
                Scope::Lookup,
                format!("Refreshed {}…: {what}", short_id(id)),
            )
            .in_slot("refresh"),
        );
    }

    /// Marks the rows whose value differs from `before`, for a couple of seconds.
    pub(super) fn highlight_changes(&mut self, before: Option<Presented>) {
        let (Some(before), Some(after)) = (before, self.presented()) else {
            return;
        };
        let mut keys: Vec<RowKey> = after
            .rows
            .iter()
            .chain(&after.extras)
            .filter(|r| {
                !before
                    .rows
                    .iter()
                    .chain(&before.extras)
                    .any(|b| b.key == r.key && b.value == r.value)
            })
            .map(|r| r.key.clone())
            .collect();
        if before.header.status != after.header.status {
            keys.push(RowKey::Status);
        }
        if after.charges.as_ref().map(|c| &c.total) != before.charges.as_ref().map(|c| &c.total) {
            keys.push(RowKey::Charges);
        }
        if !keys.is_empty() {
            self.changed = Some((keys, Instant::now() + std::time::Duration::from_secs(3)));
        }
    }

    /// Opens the selected sidebar lookup: at once from this session's records, else fetched.
    pub(super) fn open_selected_lookup(&mut self) -> Vec<Effect> {
        let Some(id) = self.sidebar.selected_entry().map(|e| e.log()) else {
            return vec![];
        };
        self.input = Input::new(id.to_string());
        self.visit(id)
    }

    /// Shows the selected lookup without a request, when it is known here or cached: moving
    /// through the sidebar previews records instead of firing a request per key.
    pub(super) fn preview_selected(&mut self) -> Vec<Effect> {
        let Some(id) = self.sidebar.selected_entry().map(|e| e.log()) else {
            return vec![];
        };
        if self.view == View::Record(id)
            || !(self.records.contains_key(&id) || self.load_cached(id))
        {
            return vec![];
        }
        self.nav.preview(id);
        self.input = Input::new(id.to_string());
        let cancel = self.cancel_in_flight();
        self.show_record(id);
        cancel
    }

    /// Loads `id`'s cached body into the records; whether there was one that parses.
    pub(super) fn load_cached(&mut self, id: LogRef) -> bool {
        let Some((body, at)) = self.sidebar.history.cached_body(id.id) else {
            return false;
        };
        let Ok(raw) =
            crate::api::client::decode_object(reqwest::StatusCode::OK, false, body.as_bytes())
        else {
            return false;
        };
        let log = crate::api::model::VoiceLog::from_object(raw);
        self.records.insert(
            id,
            Fetched {
                log,
                body,
                fetched_at: at,
                elapsed: std::time::Duration::ZERO,
                attempts: 0,
            },
        );
        self.records_version += 1;
        self.cached_at.insert(id, at);
        true
    }
}

/// The first block of an ID, enough to tell which record a notice is about.
fn short_id(id: LogRef) -> String {
    id.id.simple().to_string().chars().take(8).collect()
}
