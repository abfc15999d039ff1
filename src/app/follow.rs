//! Following a Calls view live (`f`): the search's window must be open-ended (no `until:`);
//! the tail engine polls its space with the same filters, new rows join at the top marked new,
//! changed rows are updated in place, the selection stays on its row, and the status line says
//! `following · every 2 s · 3 new`. `f` again or Esc stops.

use std::collections::HashSet;
use std::time::Duration;

use super::App;
use super::calls::{Calls, Table};
use super::msg::Effect;
use super::notices::{Notice, Scope};
use crate::api::list::ListError;
use crate::list::Row;
use crate::query::Query;
use crate::tail::Event;
use crate::view::{Line, Role};

/// A Calls view being followed.
#[derive(Debug, Clone, Default)]
pub struct Following {
    /// The generation of the Calls view followed: a new search ends the follow.
    pub generation: u64,
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

impl App {
    /// The follow of the Calls view shown, if it is followed.
    pub fn following(&self) -> Option<&Following> {
        let generation = self.calls.as_ref()?.generation;
        self.follow.as_ref().filter(|f| f.generation == generation)
    }

    /// The Calls view as laid out, with the follow's status and its new rows marked `●`.
    pub(super) fn follow_table(&self, calls: &Calls, mut table: Table) -> Table {
        let Some(follow) = self.following() else {
            return table;
        };
        table.status = follow.status();
        if let Some(g) = calls.grouped.as_ref().filter(|_| calls.by_call()) {
            // A call with a leg that arrived while following is marked `●` before its leg
            // count (where a mark goes); the new leg joined it, so its count and total say so.
            let shown = g.lines.iter().skip(calls.scroll);
            for ((_, cells), item) in table.rows.iter_mut().zip(shown) {
                if let super::grouped::Item::Call(c) = item
                    && g.calls[*c]
                        .legs
                        .iter()
                        .any(|l| follow.is_new(&calls.rows[l.row]))
                    && let Some((_, first)) = cells.first_mut()
                    && first.starts_with(' ')
                {
                    first.replace_range(..1, "●");
                }
            }
            return table;
        }
        let shown = calls.order.iter().skip(calls.scroll);
        for ((_, cells), i) in table.rows.iter_mut().zip(shown) {
            if let Some((_, first)) = cells.first_mut()
                && follow.is_new(&calls.rows[*i])
            {
                // Marked within the column's width: the cell gives up its last characters.
                let width = first.chars().count();
                let marked = format!("● {first}");
                *first = crate::text::truncate_chars(&marked, width.max(3)).into_owned();
            }
        }
        table
    }

    /// `f`: follows the Calls view, or stops following it.
    pub(super) fn toggle_follow(&mut self) -> Vec<Effect> {
        let Some(calls) = self.calls.as_ref() else {
            return vec![];
        };
        if self.following().is_some() {
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
        // One call a row: every new leg is read, and joins its call when its parent is shown.
        let query = if calls.grouped.is_some() {
            Query {
                since: query.since,
                include_deleted: query.include_deleted,
                ..Query::default()
            }
        } else {
            query
        };
        let since = newest.or(query.since);
        let (generation, profile) = (
            calls.generation,
            calls
                .origin
                .as_ref()
                .map_or_else(|| self.session_origin().profile, |o| o.profile.clone()),
        );
        if let Some(calls) = self.calls.as_mut()
            && let Some(g) = calls.grouped.as_mut()
        {
            g.follow_from.get_or_insert(calls.rows.len());
        }
        self.follow = Some(Following {
            generation,
            ..Following::default()
        });
        vec![Effect::Follow {
            generation,
            profile,
            query: Box::new(query),
            since,
            max_age: self.live.max_age,
        }]
    }

    /// Stops following; the rows stay.
    pub(super) fn stop_follow(&mut self) -> Vec<Effect> {
        self.follow = None;
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
        if self.following().is_none_or(|f| f.generation != generation) {
            return false;
        }
        let (Some(calls), Some(follow)) = (self.calls.as_mut(), self.follow.as_mut()) else {
            return false;
        };
        let events = match result {
            Ok(events) => events,
            Err(e) => {
                self.follow = None;
                let text = format!("Following stopped: {e}");
                self.notify(Notice::error(Scope::Lookup, text));
                return true;
            }
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
        if calls.grouped.is_some() {
            let clock = self.clock();
            if let Some(calls) = self.calls.as_mut() {
                super::grouped::regroup(calls, &clock);
            }
        }
        let Some(calls) = self.calls.as_mut() else {
            return true;
        };
        calls.reorder();
        let at = calls.selected;
        calls.select(at, height);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VoiceLog;
    use crate::list::Stop;
    use chrono::TimeZone;

    fn row(n: u32, mins: i64, status: &str) -> Row {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
            .unwrap()
            - chrono::TimeDelta::minutes(mins);
        let serde_json::Value::Object(m) = serde_json::json!({
            "id": crate::testkit::uuid(n).to_string(), "created_at": at.to_rfc3339(),
            "from": "+14155550123", "status": status,
        }) else {
            unreachable!()
        };
        Row::of(&VoiceLog::from_object(m))
    }

    fn app() -> App {
        let ctx = super::super::Context {
            space: "acme".into(),
            place: "acme".into(),
            project: "p".into(),
            profile: "default".into(),
        };
        let history = crate::history::History::in_memory(crate::history::Options::default());
        let mut app = App::new(ctx, ratatui::layout::Size::new(120, 40), false, history);
        app.fixed_now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
            .single();
        app
    }

    #[test]
    fn new_rows_join_at_the_top_marked_changed_ones_in_place_and_the_selection_stays() {
        let mut app = app();
        let query = Query::parse("since:10m", &app.clock()).unwrap();
        app.search("since:10m", query);
        let calls = app.calls.as_mut().unwrap();
        calls.rows = vec![row(1, 5, "completed"), row(2, 2, "in-progress")];
        calls.state = super::super::calls::ScanState::Ended(Stop::LastPage);
        calls.reorder();
        calls.select(1, 10);
        let generation = calls.generation;
        app.live.max_age = Duration::from_secs(24 * 3600);
        let effects = app.toggle_follow();
        assert!(
            matches!(&effects[..], [Effect::Follow { since: Some(_), max_age, .. }]
                if *max_age == Duration::from_secs(24 * 3600)),
            "the session's live_max_age_hours: {effects:?}"
        );
        let events = vec![
            Event::New(row(3, 0, "ringing")),
            Event::Changed {
                row: row(2, 2, "completed"),
                was: row(2, 2, "in-progress"),
            },
        ];
        assert!(app.on_followed(generation, Duration::from_secs(2), Ok(events)));
        let calls = app.calls.as_ref().unwrap();
        let ids: Vec<String> = calls
            .order
            .iter()
            .map(|i| calls.rows[*i].cell("id").into_owned())
            .collect();
        let id = |n| crate::testkit::uuid(n).to_string();
        assert_eq!(
            ids,
            [id(3), id(2), id(1)],
            "newest first, the new one on top"
        );
        assert_eq!(
            calls.selected_row().map(|r| r.cell("id").into_owned()),
            Some(id(1)),
            "the selection stays on its row"
        );
        assert_eq!(calls.rows.len(), 3, "the changed row is updated in place");
        assert_eq!(calls.rows[1].cell("status"), "completed");
        let follow = app.following().unwrap();
        assert!(follow.is_new(&calls.rows[2]) && !follow.is_new(&calls.rows[1]));
        let status: String = follow
            .status()
            .spans
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert!(
            status.starts_with("following · every 2 s · 1 new"),
            "{status}"
        );
        assert_eq!(app.toggle_follow(), [Effect::StopFollow]);
        assert!(
            !app.on_followed(generation, Duration::from_secs(2), Ok(vec![])),
            "late"
        );
    }

    #[test]
    fn a_search_with_an_end_cannot_be_followed() {
        let mut app = app();
        let query = Query::parse("since:1h until:30m", &app.clock()).unwrap();
        app.search("since:1h until:30m", query);
        app.calls.as_mut().unwrap().state = super::super::calls::ScanState::Ended(Stop::LastPage);
        assert!(app.toggle_follow().is_empty());
        assert!(app.following().is_none());
    }
}
