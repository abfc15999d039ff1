//! Following a Calls view live (`f`): the search's window must be open-ended (no `until:`);
//! the tail engine polls its space with the same filters, new rows join at the top marked new,
//! changed rows are updated in place, the selection stays on its row, and the status line says
//! `following · every 2 s · 3 new`. `f` again or Esc stops.

use std::collections::HashSet;
use std::time::Duration;

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{App, Calls};
use crate::api::list::ListError;
use crate::list::Row;
use crate::query::Query;
use crate::tail::Event;
use crate::view::{Line, Role};

/// A Calls view being followed.
#[derive(Debug, Clone, Default)]
pub struct Following {
    /// The interval in effect, as the engine last said.
    pub every: Duration,
    /// The IDs of the rows that arrived while following.
    pub new: HashSet<Box<str>>,
    /// The last poll failed: why, in words, and the wait.
    pub waiting: Option<String>,
}

impl Following {
    /// Whether `row` arrived while following.
    pub fn is_new(&self, row: &Row) -> bool {
        self.new.contains(row.cell("id").as_ref())
    }

    /// `following · every 2 s · 3 new · f or Esc stops`.
    pub fn status(&self) -> Line {
        let every = if self.every.is_zero() {
            String::new()
        } else if self.every.subsec_millis() == 0 {
            format!(" · every {} s", self.every.as_secs())
        } else {
            format!(" · every {:.1} s", self.every.as_secs_f64())
        };
        let mut spans = vec![
            ("following".to_owned(), Role::Good),
            (every, Role::Plain),
            (format!(" · {} new", self.new.len()), Role::Plain),
        ];
        if let Some(w) = &self.waiting {
            spans.push((format!(" · {w}"), Role::Warn));
        }
        spans.push((" · f or Esc stops".to_owned(), Role::Dim));
        Line::of(spans)
    }
}

/// A row's cells with the first marked when the row arrived while following.
pub(super) fn marked(calls: &Calls, row: &Row, mut cells: [String; 8]) -> [String; 8] {
    if calls.follow.as_ref().is_some_and(|f| f.is_new(row)) {
        cells[0] = format!("● {}", cells[0]);
    }
    cells
}

impl App {
    /// `f`: follows the Calls view, or stops following it.
    pub(super) fn toggle_follow(&mut self) -> Vec<Effect> {
        let Some(calls) = self.calls.as_ref() else {
            return vec![];
        };
        if calls.follow.is_some() {
            return self.stop_follow();
        }
        if calls.running() {
            self.notify(Notice::info(
                Scope::Action,
                "The search is still running: follow it once it has ended",
            ));
            return vec![];
        }
        let query = match Query::parse(&calls.text, &self.clock()) {
            Ok(q) if q.until.is_none() => q,
            _ => {
                self.notify(Notice::info(
                    Scope::Action,
                    "Only a search without an end (since:10m, no until:) can be followed",
                ));
                return vec![];
            }
        };
        let newest = calls.rows.iter().filter_map(|r| r.created_at).max();
        let since = newest.or(query.since);
        let (generation, profile) = (
            calls.generation,
            calls
                .origin
                .as_ref()
                .map_or_else(|| self.session_origin().profile, |o| o.profile.clone()),
        );
        if let Some(calls) = self.calls.as_mut() {
            calls.follow = Some(Following::default());
        }
        vec![Effect::Follow {
            generation,
            profile,
            query: Box::new(query),
            since,
        }]
    }

    /// Stops following; the rows stay.
    pub(super) fn stop_follow(&mut self) -> Vec<Effect> {
        if let Some(calls) = self.calls.as_mut() {
            calls.follow = None;
        }
        vec![Effect::StopFollow]
    }

    /// A followed poll came back: folds its rows in. True when there is something to redraw.
    pub(super) fn on_followed(
        &mut self,
        generation: u64,
        every: Duration,
        result: Result<Vec<Event>, ListError>,
    ) -> bool {
        let height = self.calls_height();
        let Some(calls) = self
            .calls
            .as_mut()
            .filter(|c| c.generation == generation && c.follow.is_some())
        else {
            return false;
        };
        let events = match result {
            Ok(events) => events,
            Err(e) => {
                calls.follow = None;
                let text = format!("Following stopped: {e}");
                self.notify(Notice::error(Scope::Lookup, text));
                return true;
            }
        };
        let Some(follow) = calls.follow.as_mut() else {
            return false;
        };
        follow.every = every;
        for event in events {
            match event {
                Event::New(row) | Event::Changed { row, .. } => {
                    follow.waiting = None;
                    let id = row.cell("id").into_owned();
                    match calls.rows.iter().position(|r| r.cell("id") == id) {
                        // Rows keep their places in `rows`, so the selection stays on its row.
                        Some(at) => calls.rows[at] = row,
                        None => {
                            follow.new.insert(id.into_boxed_str());
                            calls.rows.push(row);
                        }
                    }
                }
                Event::Failed { error, wait, .. } => {
                    let error = crate::text::sanitize(&error.to_string()).into_owned();
                    follow.waiting = Some(format!("retrying in {} s: {error}", wait.as_secs()));
                }
                Event::Resumed { .. } => follow.waiting = None,
                Event::Dropped { .. } => {}
            }
        }
        calls.progress.matched = calls.rows.len();
        calls.reorder();
        let at = calls.selected;
        calls.select(at, height);
        true
    }
}
