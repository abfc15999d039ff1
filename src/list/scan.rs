//! The scan: pages in, matched rows out, and the reason it stopped. [`Scanner`] is the pure
//! part (no I/O), fed one page at a time, so that the CLI, the inspector, the bench and the fuzz
//! target all filter the same way; [`run`] drives it over [`Client::list`].

use chrono::{DateTime, Days, Utc};
use futures::StreamExt;
use serde_json::{Map, Value};

use super::row::Row;
use crate::api::list::{ListError, ListRequest, PAGE_SIZES, Page, PageSizeMemory};
use crate::api::{Client, VoiceLog};
use crate::query::Query;

/// How far a scan may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Matched rows kept at most.
    pub limit: usize,
    /// Rows scanned at most.
    pub max_scan: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            limit: 500,
            max_scan: 100_000,
        }
    }
}

/// Why a scan ended without a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The server had no more pages.
    LastPage,
    /// A whole page was older than the window's start.
    PastWindow,
    /// `limit` rows matched.
    Limit,
    /// `max_scan` rows were scanned.
    ScanCap,
}

/// How far a scan has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Pages read.
    pub pages: usize,
    /// Rows looked at.
    pub scanned: usize,
    /// Rows that matched.
    pub matched: usize,
    /// The oldest `created_at` seen.
    pub oldest: Option<DateTime<Utc>>,
    /// Rows that were not JSON objects, skipped.
    pub skipped: usize,
    /// Rows left out because they held more than [`MAX_ROW_BYTES`] of JSON.
    pub too_large: usize,
    /// Rows seen before (the same ID on two pages), read once.
    pub repeated: usize,
}

/// The most JSON one row may hold (about 1 MiB); a larger one is left out and counted, so that
/// a scan's memory stays bounded whatever the server sends.
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

impl Progress {
    /// `3 pages · 2,847 logs scanned · 12 matches`: the same words on the CLI's stderr and in
    /// the inspector's Calls view.
    pub fn summary(&self) -> String {
        use crate::present::format::counted;
        use crate::present::format::thousands;
        let mut out = format!(
            "{} · {} scanned · {}",
            counted(self.pages, "page", "pages"),
            counted(self.scanned, "log", "logs"),
            counted(self.matched, "match", "matches"),
        );
        if self.too_large > 0 {
            out.push_str(&format!(
                " · {} over 1 MiB left out",
                thousands(self.too_large)
            ));
        }
        out
    }
}

/// Filters pages as they come, keeping only what matched.
#[derive(Debug, Clone)]
pub struct Scanner {
    query: Query,
    limits: Limits,
    /// The matched rows, in the order the server sent them.
    pub rows: Vec<Row>,
    /// How far it has got.
    pub progress: Progress,
    /// A row was left unread because the scan cap was reached before it.
    left_unread: bool,
    /// The IDs read so far: a row the server sends twice is read once.
    seen: std::collections::HashSet<String>,
}

impl Scanner {
    /// A scanner for `query` within `limits`.
    pub fn new(query: Query, limits: Limits) -> Self {
        Self {
            query,
            limits,
            rows: Vec::new(),
            progress: Progress::default(),
            left_unread: false,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The query being run.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Filters one page's rows; `Some` when the scan should stop here.
    pub fn feed(&mut self, rows: Vec<Map<String, Value>>, skipped: usize) -> Option<Stop> {
        self.progress.pages += 1;
        self.progress.skipped += skipped;
        let since = self.query.since;
        // Rows come newest first, but that is observed, not promised: only a page whose every
        // row is dated before the window ends the scan.
        let mut all_older = since.is_some() && !rows.is_empty();
        for raw in rows {
            if self.progress.scanned >= self.limits.max_scan {
                self.left_unread = true;
                return Some(Stop::ScanCap);
            }
            self.progress.scanned += 1;
            if json_size(&raw) > MAX_ROW_BYTES {
                self.progress.too_large += 1;
                continue;
            }
            if let Some(Value::String(id)) = raw.get("id")
                && !self.seen.insert(id.clone())
            {
                self.progress.repeated += 1;
                continue;
            }
            let log = VoiceLog::from_object(raw);
            let created = log.created_at.get();
            if let Some(t) = created {
                self.progress.oldest = Some(self.progress.oldest.map_or(t, |o| o.min(t)));
            }
            all_older &= matches!((created, since), (Some(t), Some(s)) if t < s);
            if self.query.matches(&log) {
                self.rows.push(Row::of(&log));
                self.progress.matched += 1;
                if self.progress.matched >= self.limits.limit {
                    return Some(Stop::Limit);
                }
            }
        }
        if all_older {
            Some(Stop::PastWindow)
        } else if self.progress.scanned >= self.limits.max_scan {
            Some(Stop::ScanCap)
        } else {
            None
        }
    }
}

impl Scanner {
    /// Filters a page as [`Scanner::feed`] does, knowing whether another page follows: a scan
    /// that reaches its cap on the last row of the last page has read everything, and says so.
    pub fn feed_page(&mut self, page: Page) -> Option<Stop> {
        let stop = self.feed(page.rows, page.skipped);
        match stop {
            Some(Stop::ScanCap) if page.last && !self.left_unread => Some(Stop::LastPage),
            other => other,
        }
    }
}

/// About how many bytes `raw` takes as JSON (strings, keys and numbers counted, punctuation
/// roughly), without writing it out.
pub(crate) fn json_size(raw: &Map<String, Value>) -> usize {
    fn size(v: &Value) -> usize {
        match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(n) => n.as_str().len(),
            Value::String(s) => s.len() + 2,
            Value::Array(a) => a.iter().map(size).sum::<usize>() + a.len() + 2,
            Value::Object(o) => o.iter().map(|(k, v)| k.len() + 4 + size(v)).sum::<usize>() + 2,
        }
    }
    raw.iter()
        .map(|(k, v)| k.len() + 4 + size(v))
        .sum::<usize>()
        + 2
}

/// How a scan ended.
#[derive(Debug)]
pub struct Scan {
    /// The matched rows.
    pub rows: Vec<Row>,
    /// How far it got.
    pub progress: Progress,
    /// Why it stopped: a [`Stop`], or the fault that ended it (the rows before it are kept).
    pub end: Result<Stop, ListError>,
}

/// The request for `query`: its window as UTC dates widened by a day each side, because the
/// server's inclusivity and time zone are not documented; the exact window is applied here.
pub fn request_for(query: &Query, limits: Limits, memory: PageSizeMemory) -> ListRequest {
    let day = Days::new(1);
    ListRequest {
        family: crate::api::Family::Voice,
        created_after: query
            .since
            .and_then(|s| s.date_naive().checked_sub_days(day))
            .map(Into::into),
        created_before: query
            .until
            .and_then(|u| u.date_naive().checked_add_days(day))
            .map(Into::into),
        created_on: None,
        include_deleted: query.include_deleted,
        // Without filters every row in the window matches: a page need not exceed the limit.
        want: query.is_window_only().then_some(limits.limit),
        memory,
        // Enough pages for the scan cap even at the smallest page size (and one more for the
        // page that ends it), so that a server whose pages never end cannot keep it going.
        max_pages: Some(
            limits
                .max_scan
                .div_ceil(*PAGE_SIZES.last().unwrap_or(&50) as usize)
                + 1,
        ),
    }
}

/// Runs `scanner` over the list, calling `on_page` after each page: it sees how far the scan
/// got, and may take the rows matched so far (the inspector sends them on page by page; the
/// [`Scan`] then holds only those left).
pub async fn run(
    client: &Client,
    scanner: Scanner,
    memory: PageSizeMemory,
    on_page: impl FnMut(&mut Scanner),
) -> Scan {
    run_until(client, scanner, memory, on_page, std::future::pending()).await
}

/// [`run`], ended early when `interrupt` resolves (to the signal's name): the scan then ends
/// with [`ListError::Interrupted`] and the rows matched so far.
pub async fn run_until(
    client: &Client,
    mut scanner: Scanner,
    memory: PageSizeMemory,
    mut on_page: impl FnMut(&mut Scanner),
    interrupt: impl std::future::Future<Output = &'static str>,
) -> Scan {
    let request = request_for(&scanner.query, scanner.limits, memory);
    let mut pages = std::pin::pin!(client.list(request));
    let mut interrupt = std::pin::pin!(interrupt);
    let end = loop {
        let next = tokio::select! {
            biased;
            signal = &mut interrupt => break Err(ListError::Interrupted { signal }),
            next = pages.next() => next,
        };
        match next {
            None => break Ok(Stop::LastPage),
            Some(Err(e)) => break Err(e),
            Some(Ok(page)) => {
                let stop = scanner.feed_page(page);
                on_page(&mut scanner);
                if let Some(stop) = stop {
                    break Ok(stop);
                }
            }
        }
    };
    Scan {
        rows: scanner.rows,
        progress: scanner.progress,
        end,
    }
}
