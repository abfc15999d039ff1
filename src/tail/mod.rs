//! Watching a space as calls happen: each poll reads only the newest page(s) of today's UTC
//! date (and yesterday's, just after midnight or while a call from it is still going), stops at
//! rows already seen, and says what is new, what changed and what was given up on. Every row
//! read is recorded in the index. `swlog tail` prints the events; the inspector's `f` folds them
//! into a Calls view.
//!
//! Politeness is built in: polls come every [`Options::live_every`] while a watched call is not
//! final and every [`Options::idle_every`] when all are; every request takes a token from a
//! bucket refilled at one a second; a failed poll waits (doubling, or the server's
//! `Retry-After`) and the tail resumes by itself. Only a failure that asking again cannot mend
//! (refused credentials, a missing list) ends it.

mod pace;
mod reread;

pub use pace::is_lasting;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::api::list::{ListError, ListRequest, PageSizeMemory};
use crate::api::model::Outcome;
use crate::api::{ApiError, Client, VoiceLog};
use crate::list::Row;
use crate::query::Query;
use crate::search::{IndexHandle, remember};

/// The poll interval while a watched call is not final.
pub const LIVE_EVERY: Duration = Duration::from_secs(2);
/// The poll interval when every watched call is final.
pub const IDLE_EVERY: Duration = Duration::from_secs(5);
/// The average time between two requests, whatever the interval: one a second.
pub const REQUEST_EVERY: Duration = Duration::from_secs(1);
/// Pages of one date a poll reads at most before it stops looking further back.
pub const MAX_PAGES: usize = 3;
/// How far before the horizon rows are still remembered.
const FORGET_MARGIN: TimeDelta = TimeDelta::minutes(10);
/// Rows remembered as seen at most; the oldest final ones are forgotten first.
const MAX_SEEN: usize = 20_000;

/// How the tail polls.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Interval while a watched call is not final.
    pub live_every: Duration,
    /// Interval when every watched call is final.
    pub idle_every: Duration,
    /// Average time between requests (the bucket's refill).
    pub request_every: Duration,
    /// The first wait after a failed poll; each failure in a row doubles it.
    pub backoff: Duration,
    /// The longest wait after failures.
    pub max_backoff: Duration,
    /// Rows created at or after this are shown at the first poll (`--since 10m`); without it,
    /// what exists when the tail starts is never shown.
    pub since: Option<DateTime<Utc>>,
    /// A call not final this long after it was created is given up on.
    pub max_age: Duration,
    /// Pages of one date read at most per poll.
    pub max_pages: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            live_every: LIVE_EVERY,
            idle_every: IDLE_EVERY,
            request_every: REQUEST_EVERY,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            since: None,
            max_age: crate::config::defaults::LIVE_MAX_AGE,
            max_pages: MAX_PAGES,
        }
    }
}

impl Options {
    /// Both intervals set to `every` (`--interval`).
    pub fn every(mut self, every: Duration) -> Self {
        self.live_every = every;
        self.idle_every = every;
        self
    }
}

/// What a poll found, in the order to show it (oldest first).
#[derive(Debug, Clone)]
pub enum Event {
    /// A row that matches, seen for the first time (or matching for the first time).
    New(Row),
    /// A shown row that changed: its status, duration or charge.
    Changed {
        /// The row now.
        row: Row,
        /// The row as last shown.
        was: Row,
    },
    /// A shown row still not final after [`Options::max_age`]: no longer watched.
    Dropped {
        /// The row as last read.
        row: Row,
        /// How old it is.
        age: TimeDelta,
    },
    /// A poll failed; the next one comes after `wait`.
    Failed {
        /// Why.
        error: ListError,
        /// The wait before trying again.
        wait: Duration,
        /// Failed polls in a row.
        failures: u32,
    },
    /// A poll succeeded after `failures` failed ones.
    Resumed {
        /// Failed polls before it.
        failures: u32,
    },
}

/// What changed between two versions of a row, as field names: `status`, `duration`, `charge`.
pub fn changes(was: &Row, now: &Row) -> Vec<&'static str> {
    let mut out = Vec::new();
    if was.cell("status") != now.cell("status") {
        out.push("status");
    }
    if was.duration_ms != now.duration_ms {
        out.push("duration");
    }
    if was.charge != now.charge {
        out.push("charge");
    }
    out
}

/// Whether a change is worth a line: the status changed, or a final row's duration or charge
/// did (a call in progress counts its seconds on every poll; that is not news).
fn worth_saying(was: &Row, now: &Row) -> bool {
    let what = changes(was, now);
    what.contains(&"status") || (is_final(now) && !what.is_empty())
}

/// Whether a row's call is over (its status is not one of a call still going).
pub fn is_final(row: &Row) -> bool {
    row.outcome != Outcome::Live
}

/// One row as the tail remembers it.
#[derive(Debug)]
struct Seen {
    /// The version last read.
    row: Row,
    /// There when the tail started (and before `since`): never shown.
    old: bool,
    /// Shown (matched at least once).
    shown: bool,
    /// Given up on, not final after the maximum age.
    dropped: bool,
    /// The poll that last read it.
    read_in: u64,
}

impl Seen {
    /// Still worth reading again: it may yet be shown or change.
    fn watched(&self) -> bool {
        !self.old && !self.dropped && !is_final(&self.row)
    }
}

/// A running tail over one space.
#[derive(Debug)]
pub struct Tail {
    client: Client,
    index: IndexHandle,
    query: Query,
    options: Options,
    memory: PageSizeMemory,
    seen: HashMap<Box<str>, Seen>,
    /// The newest `created_at` read (never past the clock).
    newest: Option<DateTime<Utc>>,
    /// No poll has succeeded yet: what it reads is the baseline.
    first: bool,
    failures: u32,
    bucket: pace::Bucket,
    next_poll: Instant,
    requests: u64,
    /// Polls made so far.
    polls: u64,
}

impl Tail {
    /// A tail of `query` over `client`'s space; the first poll is due at once. The client makes
    /// one request a try: the tail does its own waiting, and says so.
    pub fn new(client: &Client, index: IndexHandle, query: Query, options: Options) -> Self {
        Self {
            client: client.with_attempts(1),
            index,
            query,
            options,
            memory: PageSizeMemory::default(),
            seen: HashMap::new(),
            newest: None,
            first: true,
            failures: 0,
            bucket: pace::Bucket::new(options.request_every, 2),
            next_poll: Instant::now(),
            requests: 0,
            polls: 0,
        }
    }

    /// The interval in effect: live while a watched call is not final, idle otherwise.
    pub fn interval(&self) -> Duration {
        if self.seen.values().any(Seen::watched) {
            self.options.live_every
        } else {
            self.options.idle_every
        }
    }

    /// Requests made so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Failed polls in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Waits for the next poll, makes it, and says what it found. `Err` only for a failure
    /// that asking again will not mend (the credentials, the list's address): the tail ends.
    pub async fn next(&mut self) -> Result<Vec<Event>, ListError> {
        tokio::time::sleep_until(self.next_poll).await;
        let started = Instant::now();
        let now = Utc::now();
        let floor = self.floor(now);
        self.polls += 1;
        let (mut rows, end) = self.read(now).await;
        if end.is_ok() {
            self.reread(&mut rows).await;
        }
        let mut events = self.take_in(&rows, floor, now);
        let kept: Vec<Map<String, Value>> = rows;
        remember(&self.index, &self.client, kept).await;
        match end {
            Ok(()) => {
                if self.failures > 0 {
                    events.insert(
                        0,
                        Event::Resumed {
                            failures: self.failures,
                        },
                    );
                }
                self.failures = 0;
                self.first = false;
                self.next_poll = started + self.interval();
            }
            Err(error) if is_lasting(&error) => return Err(error),
            Err(error) => {
                self.failures += 1;
                let asked = match &error {
                    ListError::Api(ApiError::RateLimited {
                        retry_after_secs, ..
                    }) => retry_after_secs.map(Duration::from_secs),
                    _ => None,
                };
                let wait = pace::backoff(
                    self.failures,
                    self.options.backoff,
                    self.options.max_backoff,
                    asked,
                );
                self.next_poll = Instant::now() + wait;
                events.push(Event::Failed {
                    error,
                    wait,
                    failures: self.failures,
                });
            }
        }
        Ok(events)
    }

    /// The oldest row a poll must reach: the newest row of the last poll, or the oldest call
    /// still watched if that is older. `None` at the first poll without `since` (one page).
    fn horizon(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let watched = self
            .seen
            .values()
            .filter(|s| s.watched())
            .filter_map(|s| s.row.created_at)
            .min();
        let base = if self.first {
            self.options.since
        } else {
            self.newest
        };
        [base, watched]
            .into_iter()
            .flatten()
            .min()
            .map(|t| t.min(now))
    }

    /// Rows older than this that the tail does not remember were forgotten as known: a page
    /// that reaches back past the horizon reads them again, and they are not new.
    fn floor(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.first {
            return None;
        }
        self.horizon(now).map(|h| h - FORGET_MARGIN)
    }

    /// Reads the pages this poll needs; the rows read, and whether it ended cleanly.
    async fn read(
        &mut self,
        now: DateTime<Utc>,
    ) -> (Vec<Map<String, Value>>, Result<(), ListError>) {
        let horizon = self.horizon(now);
        let mut rows = Vec::new();
        for date in pace::dates(horizon, now, 3) {
            let request = ListRequest {
                created_on: Some(date),
                memory: self.memory.clone(),
                ..ListRequest::default()
            };
            let mut pages = std::pin::pin!(self.client.list(request));
            let mut read = 0;
            loop {
                self.bucket.take().await;
                let Some(page) = pages.next().await else {
                    break;
                };
                self.requests += u64::from(page.as_ref().map_or(1, |p| p.attempts.max(1)));
                let page = match page {
                    Ok(p) => p,
                    Err(e) => return (rows, Err(e)),
                };
                read += 1;
                let oldest = page.rows.iter().filter_map(created).min();
                let last = page.last;
                rows.extend(page.rows);
                // Rows come newest first: once a page reaches past the horizon (or there is no
                // horizon: the first look needs only the newest page), older ones are known.
                let reached = match (horizon, oldest) {
                    (None, _) => true,
                    (Some(h), Some(o)) => o < h,
                    (Some(_), None) => false,
                };
                if last || reached || read >= self.options.max_pages {
                    break;
                }
            }
        }
        (rows, Ok(()))
    }

    /// Folds the rows read into what the tail knows, and says what happened.
    fn take_in(
        &mut self,
        raws: &[Map<String, Value>],
        floor: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        let baseline = self.first;
        // Oldest first, so that what is printed reads in order.
        let mut logs: Vec<VoiceLog> = raws
            .iter()
            .map(|r| VoiceLog::from_object(r.clone()))
            .collect();
        logs.sort_by_key(|l| l.created_at.get());
        for log in &logs {
            let row = Row::of(log);
            let id: Box<str> = row.cell("id").into();
            if id.is_empty() {
                continue;
            }
            if let Some(t) = row.created_at {
                let t = t.min(now);
                self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
            }
            let matches = self.query.matches(log);
            let forgotten = floor.is_some_and(|f| row.created_at.is_some_and(|t| t < f));
            if let Some(seen) = self.seen.get_mut(&id) {
                seen.read_in = self.polls;
            }
            match self.seen.get_mut(&id) {
                None if forgotten => {}
                None => {
                    let old = baseline
                        && self
                            .options
                            .since
                            .is_none_or(|s| row.created_at.is_none_or(|t| t < s));
                    let shown = !old && matches;
                    if shown {
                        events.push(Event::New(row.clone()));
                    }
                    let seen = Seen {
                        row,
                        old,
                        shown,
                        dropped: false,
                        read_in: self.polls,
                    };
                    self.seen.insert(id, seen);
                }
                Some(seen) if seen.old || seen.dropped => seen.row = row,
                Some(seen) if seen.shown => {
                    if worth_saying(&seen.row, &row) {
                        events.push(Event::Changed {
                            row: row.clone(),
                            was: seen.row.clone(),
                        });
                    }
                    seen.row = row;
                }
                Some(seen) => {
                    if matches {
                        seen.shown = true;
                        events.push(Event::New(row.clone()));
                    }
                    seen.row = row;
                }
            }
        }
        // A first look that found nothing still marks where the tail began: the next poll
        // reads back to it, not one page only (a busy space fills a page in moments).
        if baseline && self.newest.is_none() {
            self.newest = Some(now);
        }
        self.drop_stale(now, &mut events);
        self.forget(now);
        events
    }

    /// Gives up on calls not final after the maximum age.
    fn drop_stale(&mut self, now: DateTime<Utc>, events: &mut Vec<Event>) {
        let max = TimeDelta::from_std(self.options.max_age).unwrap_or(TimeDelta::MAX);
        let mut stale: Vec<&mut Seen> = self
            .seen
            .values_mut()
            .filter(|s| s.watched())
            .filter(|s| s.row.created_at.is_some_and(|t| now - t > max))
            .collect();
        stale.sort_by_key(|s| s.row.created_at);
        for seen in stale {
            seen.dropped = true;
            if seen.shown {
                let age = seen.row.created_at.map_or(max, |t| now - t);
                events.push(Event::Dropped {
                    row: seen.row.clone(),
                    age,
                });
            }
        }
    }

    /// Forgets rows no poll will reach again, so that a long tail holds only what it needs.
    fn forget(&mut self, now: DateTime<Utc>) {
        let Some(horizon) = self.horizon(now) else {
            return;
        };
        self.seen.retain(|_, s| {
            s.watched()
                || s.row
                    .created_at
                    .is_none_or(|t| t >= horizon - FORGET_MARGIN)
        });
        if self.seen.len() > MAX_SEEN {
            let mut times: Vec<Option<DateTime<Utc>>> =
                self.seen.values().map(|s| s.row.created_at).collect();
            times.sort_unstable();
            let cut = times[self.seen.len() - MAX_SEEN];
            self.seen
                .retain(|_, s| s.watched() || s.row.created_at >= cut);
        }
    }
}

fn created(raw: &Map<String, Value>) -> Option<DateTime<Utc>> {
    let s = raw.get("created_at")?.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
