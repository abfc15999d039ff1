//! The list streams of a plan, several at once: each runs on its own task and sends its pages
//! here, where they are filtered, recorded in the index and counted, one page at a time. A
//! stream ends at the server's last page or at a page wholly older than its window.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use serde_json::{Map, Value};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::plan::Job;
use crate::api::list::{ListError, ListRequest, Page};
use crate::api::{Client, VoiceLog};
use crate::index::Window;
use crate::list::Row;
use crate::list::scan::{MAX_ROW_BYTES, Progress, Stop, json_size};
use crate::query::Query;

/// What a stream's task sends.
pub(super) enum Event {
    /// A page of job `job`, read at `at`.
    Page {
        job: usize,
        page: Page,
        at: DateTime<Utc>,
    },
    /// Job `job` ended: `Ok(true)` after the server's last page, `Ok(false)` after a page past
    /// its window, or a fault.
    Done {
        job: usize,
        end: Result<bool, ListError>,
    },
}

/// How one job went.
#[derive(Debug, Clone, Default)]
pub(super) struct JobState {
    /// Pages read.
    pub pages: usize,
    /// Rows read that lie in the job's window.
    pub rows: usize,
    /// The `created_at` of each row this job read and recorded (Unix ms): the index must still
    /// hold as many in a stretch before the stretch is vouched for.
    pub times: Vec<i64>,
    /// Ended without a fault.
    pub complete: bool,
    /// Read to the server's last page.
    pub exhausted: bool,
    /// Ended (either way).
    pub ended: bool,
    /// The oldest `created_at` read.
    pub oldest: Option<DateTime<Utc>>,
    /// A row newer than an earlier page's oldest came: the pages are not newest first.
    pub unordered: bool,
    /// A row the job's bounds should have kept out came (a `created_on` day in another zone).
    pub foreign: bool,
}

impl JobState {
    /// The part of `window` this job has read completely: all of it when it ended cleanly in
    /// order (or at the server's last page), else from just after its oldest row when pages
    /// came newest first.
    pub fn covered(&self, job: &Job) -> Option<Window> {
        let window = job.extent;
        if self.foreign || self.pages == 0 {
            return None;
        }
        if self.complete && (self.exhausted || !self.unordered) {
            return Some(window);
        }
        if self.unordered {
            return None;
        }
        let from = self.oldest? + TimeDelta::milliseconds(1);
        (from < window.to).then(|| Window::new(from.max(window.from), window.to))
    }
}

/// Starts `jobs` on their own tasks, at most `streams` reading at once, newest first.
pub(super) fn start(
    client: &Client,
    jobs: &[Job],
    base: &ListRequest,
    streams: usize,
) -> (JoinSet<()>, mpsc::Receiver<Event>) {
    // A page read ahead per stream at most: a search stopped early wastes few requests.
    let (tx, rx) = mpsc::channel(streams.max(1));
    let permits = Arc::new(Semaphore::new(streams.max(1)));
    let mut set = JoinSet::new();
    for (i, job) in jobs.iter().enumerate() {
        let request = ListRequest {
            created_after: job.after,
            created_before: job.before,
            created_on: job.on,
            ..base.clone()
        };
        let (client, tx, permits, job) = (client.clone(), tx.clone(), permits.clone(), *job);
        set.spawn(async move {
            // Permits are taken in the order the tasks run, newest job first in practice.
            let Ok(_permit) = permits.acquire_owned().await else {
                return;
            };
            let end = read(&client, request, i, job.window.from, &tx).await;
            let _ = tx.send(Event::Done { job: i, end }).await;
        });
    }
    (set, rx)
}

async fn read(
    client: &Client,
    request: ListRequest,
    job: usize,
    from: DateTime<Utc>,
    tx: &mpsc::Sender<Event>,
) -> Result<bool, ListError> {
    let mut pages = std::pin::pin!(client.list(request));
    while let Some(page) = pages.next().await {
        let page = page?;
        // Rows come newest first (observed, not promised): only a page whose every row is
        // dated before the window ends the stream early.
        let past = !page.rows.is_empty()
            && page
                .rows
                .iter()
                .all(|r| created(r).is_some_and(|t| t < from));
        let at = Utc::now();
        if tx.send(Event::Page { job, page, at }).await.is_err() {
            return Ok(false);
        }
        if past {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `log` matches `query` at any time.
fn matches_undated(query: &Query, log: &VoiceLog) -> bool {
    let mut any_time = query.clone();
    any_time.since = None;
    any_time.until = None;
    any_time.matches(log)
}

/// A row's `created_at`, when readable.
pub(super) fn created(raw: &Map<String, Value>) -> Option<DateTime<Utc>> {
    raw.get("created_at")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The pages of every job, filtered: matched rows, the rows to record, and the counts.
pub(super) struct Sieve<'a> {
    pub query: &'a Query,
    pub max_scan: usize,
    pub progress: Progress,
    pub matched: Vec<Row>,
    pub seen: std::collections::HashSet<String>,
    pub jobs: Vec<JobState>,
    pub plan: &'a [Job],
}

impl Sieve<'_> {
    /// Filters one page of job `job`; the rows to record in the index, and `Some(ScanCap)` when
    /// the scan cap was reached in it.
    pub fn feed(&mut self, job: usize, page: Page) -> (Vec<Map<String, Value>>, Option<Stop>) {
        self.progress.pages += 1;
        self.progress.skipped += page.skipped;
        let spec = self.plan.get(job).copied();
        let state = &mut self.jobs[job];
        state.pages += 1;
        let before = state.oldest;
        let mut keep = Vec::with_capacity(page.rows.len());
        for raw in page.rows {
            if self.progress.scanned >= self.max_scan {
                return (keep, Some(Stop::ScanCap));
            }
            self.progress.scanned += 1;
            if json_size(&raw) > MAX_ROW_BYTES {
                self.progress.too_large += 1;
                continue;
            }
            if let Some(Value::String(id)) = raw.get("id")
                && !self.seen.insert(id.trim().to_ascii_lowercase())
            {
                self.progress.repeated += 1;
                continue;
            }
            let log = VoiceLog::from_object(raw.clone());
            if let Some(t) = log.created_at.get() {
                self.progress.oldest = Some(self.progress.oldest.map_or(t, |o| o.min(t)));
                state.oldest = Some(state.oldest.map_or(t, |o| o.min(t)));
                state.unordered |= before.is_some_and(|b| t > b);
                state.foreign |= spec.is_some_and(|j| !j.expects(t));
                state.times.push(t.timestamp_millis());
                if spec.is_some_and(|j| t >= j.window.from && t < j.window.to) {
                    state.rows += 1;
                }
            }
            // A row with no readable time lies in no window and no coverage, but the server
            // sent it for this one: it is shown when the rest of the query matches.
            let undated = log.created_at.get().is_none();
            if self.query.matches(&log) || (undated && matches_undated(self.query, &log)) {
                self.matched.push(Row::of(&log));
                self.progress.matched += 1;
            }
            keep.push(raw);
        }
        let cap = (self.progress.scanned >= self.max_scan).then_some(Stop::ScanCap);
        (keep, cap)
    }

    /// Everything at or after this instant has been read (the covered rows aside): the oldest
    /// row of the first job still reading, after every newer job ended. `None` when all ended.
    pub fn known_since(&self) -> Option<DateTime<Utc>> {
        for (state, job) in self.jobs.iter().zip(self.plan) {
            if state.ended && state.complete {
                continue;
            }
            if state.unordered || state.ended {
                return Some(DateTime::<Utc>::MAX_UTC);
            }
            return Some(state.oldest.unwrap_or(job.window.to));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn job(window: Window) -> Job {
        Job {
            window,
            extent: window,
            after: None,
            before: None,
            on: None,
        }
    }

    #[test]
    fn a_job_covers_its_window_when_complete_and_from_its_oldest_row_when_cut_short() {
        let window = Window::new(at("2026-12-05T00:00:00Z"), at("2026-12-05T12:00:00Z"));
        let mut s = JobState {
            pages: 2,
            complete: true,
            ended: true,
            oldest: Some(at("2026-12-04T23:59:00Z")),
            ..JobState::default()
        };
        assert_eq!(s.covered(&job(window)), Some(window));
        s.complete = false;
        s.oldest = Some(at("2026-12-05T06:00:00Z"));
        assert_eq!(
            s.covered(&job(window)),
            Some(Window::new(
                at("2026-12-05T06:00:00.001Z"),
                at("2026-12-05T12:00:00Z")
            )),
            "the oldest row's own instant may continue on the next page"
        );
        s.unordered = true;
        assert_eq!(
            s.covered(&job(window)),
            None,
            "out of order: nothing is vouched for"
        );
        s.complete = true;
        assert_eq!(
            s.covered(&job(window)),
            None,
            "out of order, stopped early: not read to the end"
        );
        s.exhausted = true;
        assert_eq!(
            s.covered(&job(window)),
            Some(window),
            "read to the last page: every row came"
        );
        let foreign = JobState {
            pages: 1,
            complete: true,
            foreign: true,
            ..JobState::default()
        };
        assert_eq!(foreign.covered(&job(window)), None);
        assert_eq!(
            JobState::default().covered(&job(window)),
            None,
            "no page read"
        );
    }
}
