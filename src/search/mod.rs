//! The search: a query's window answered from the local index where a scan has read it
//! completely, and from the list API where none has. The parts not covered are read as list
//! streams side by side ([`plan`]: one per date, or pieces of the hole when the server honours
//! full timestamps, learnt once per space by a probe); every page is recorded as it comes, and
//! the rows that may still change are fetched again before they are shown.
//!
//! [`Search::run`] is what the CLI's `list`, the whole call and the inspector call; the index
//! is optional ([`IndexHandle::off`]) and any failure of it becomes a notice while the answer
//! still comes from the network.

mod answer;
mod calls;
mod family;
mod handle;
mod known;
pub mod plan;
mod probe;
mod streams;
mod words;

use chrono::{DateTime, TimeDelta, Utc};

pub use answer::{Answer, Source};
pub use calls::{CallsAnswer, MAX_PARENTS, PARENTS_WITHIN, leg_matches};
pub use handle::IndexHandle;
pub use plan::TimeFilter;

use crate::api::Client;
use crate::api::list::{ListError, PageSizeMemory};
use crate::index::{Origin, Scope, Window};
use crate::list::scan::{Limits, Progress};
use crate::query::Query;

/// The window searched when the query names no start: the last 24 hours.
pub const DEFAULT_WINDOW: TimeDelta = TimeDelta::hours(24);
/// List streams read at once unless the settings say otherwise.
pub const DEFAULT_STREAMS: usize = 4;
/// The most rows fetched again one by one; more than this and their stretch of time is read
/// again as a list instead (a page holds a thousand).
pub const MAX_SINGLE_REREADS: usize = 20;
/// Rows to read again this close before the newest stretch (read in any case) are read with it,
/// as part of its list pages, rather than one by one.
pub const NEAR_HEAD: TimeDelta = TimeDelta::hours(1);
/// The name under which the index remembers the space's rate, rows a day, last measured.
pub const RATE_FACT: &str = "rows_per_day";
/// The name under which the index remembers how the server narrows by time.
pub const TIME_FILTER_FACT: &str = "time_filter";

/// How a search may use the index and the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Ignore what the index holds for this question, read the whole window again, and cover
    /// it afresh (`--fresh`, `r`).
    pub fresh: bool,
    /// Answer from the index alone (`--offline`).
    pub offline: bool,
    /// List streams read at once.
    pub streams: usize,
    /// The instant the search is as of (the default window ends there); `None` is the system
    /// clock's now. The inspector passes its own clock's, which tests pin.
    pub now: Option<DateTime<Utc>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            fresh: false,
            offline: false,
            streams: DEFAULT_STREAMS,
            now: None,
        }
    }
}

/// A search over one space: its client, the index and how to use them.
#[derive(Debug, Clone)]
pub struct Search<'a> {
    /// The space's client.
    pub client: &'a Client,
    /// The index (possibly off).
    pub index: &'a IndexHandle,
    /// How to use them.
    pub options: Options,
    /// The page size the server accepted, shared with the session.
    pub memory: PageSizeMemory,
}

/// What a search reports while it runs.
#[derive(Debug, Clone, Copy)]
pub struct Update<'a> {
    /// Pages, rows scanned and matched so far (from the network and the index).
    pub progress: &'a Progress,
    /// Where the answer is coming from.
    pub source: &'a Source,
    /// The rows matched since the last update, in the order found (the answer puts every row
    /// in order at the end).
    pub rows: &'a [crate::list::Row],
}

/// The window a query searches as of `now`: its own, or the last [`DEFAULT_WINDOW`] when it
/// names no start (`true` then); never past `now`, where no log can be yet.
pub fn window_of(query: &Query, now: DateTime<Utc>) -> (Window, bool) {
    let to = query.until.map_or(now, |u| u.min(now));
    match query.since {
        Some(since) => (Window::new(since, to.max(since)), false),
        None => {
            let from = now.checked_sub_signed(DEFAULT_WINDOW).unwrap_or(now);
            (Window::new(from, to.max(from)), true)
        }
    }
}

/// The index's key for the client's space: its origin and project, voice logs.
pub fn scope_of(client: &Client) -> Option<Scope> {
    let origin = Origin::parse(client.endpoint().base())?;
    Some(Scope::new(origin, client.project_id()))
}

impl Search<'_> {
    /// Answers `query` within `limits`: the rows that match, newest first, with where they came
    /// from. `on_update` sees the progress after each page; `interrupt` resolving (to a
    /// signal's name) ends the search with what was found.
    pub async fn run(
        &self,
        query: Query,
        limits: Limits,
        on_update: impl FnMut(Update<'_>),
        interrupt: impl std::future::Future<Output = &'static str>,
    ) -> Answer {
        let now = self.options.now.unwrap_or_else(Utc::now);
        answer::run(self, query, limits, now, on_update, interrupt).await
    }
}

/// Records logs read one by one (a lookup, a leg of a call) in the index, in one write, so
/// that the index holds every row swlog has read. Nothing is said here: a failure is one of
/// the index's notices.
pub async fn remember(
    index: &IndexHandle,
    client: &Client,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
) {
    record_lookups(index, client, rows, false).await;
}

/// [`remember`] for a command that ends once it has written (`swlog get`): a log created
/// before the index's age cap is left out, as only the next command would read it, and it
/// would first prune it. (The inspector keeps every log it read: it may read it again.)
pub async fn remember_for_later(
    index: &IndexHandle,
    client: &Client,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
) {
    record_lookups(index, client, rows, true).await;
}

async fn record_lookups(
    index: &IndexHandle,
    client: &Client,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    capped: bool,
) {
    let Some(scope) = scope_of(client).filter(|_| index.is_on() && !rows.is_empty()) else {
        return;
    };
    let now = Utc::now();
    let since = index.keeps_since(now).filter(|_| capped);
    index
        .run(move |ix| ix.record_lookups(&scope, &rows, now, since))
        .await;
}

/// Whether a fault means the server could not be reached at all (then the index answers).
pub fn is_unreachable(e: &ListError) -> bool {
    use crate::api::ApiError as E;
    matches!(
        e,
        ListError::Api(
            E::Timeout { .. }
                | E::Refused { .. }
                | E::Dns { .. }
                | E::Tls { .. }
                | E::Network { .. }
        )
    )
}

#[cfg(test)]
mod tests;
