//! One search from start to end: what the index covers, the streams for the rest, the rows to
//! read again, and the answer put together newest first.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};

use super::known;
use super::plan::{self, TimeFilter};
use super::streams::{self, Event, JobState, Sieve};
use super::{MAX_SINGLE_REREADS, NEAR_HEAD, Search, Update, scope_of, window_of};
use crate::api::list::ListError;
use crate::index::Window;
use crate::list::Row;
use crate::list::scan::{Limits, Progress, Stop, request_for};
use crate::query::Query;

/// Where an answer came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The window searched.
    pub window: Window,
    /// Whether it is the default window (the query named no start).
    pub defaulted: bool,
    /// Whether the index took part.
    pub indexed: bool,
    /// Matched rows answered from the index.
    pub from_index: usize,
    /// List pages fetched.
    pub pages: usize,
    /// Rows fetched again one by one because they could still change.
    pub rereads: usize,
    /// How old the index's part of the answer is (when the covering scans ran).
    pub as_of: Option<DateTime<Utc>>,
    /// How much of the window neither the index nor the network answered for.
    pub uncovered: TimeDelta,
    /// Answered without the network (`--offline`, or the server could not be reached).
    pub offline: bool,
}

/// A search's answer.
#[derive(Debug)]
pub struct Answer {
    /// The matched rows, newest first, at most the limit.
    pub rows: Vec<Row>,
    /// How far it got (network and index together).
    pub progress: Progress,
    /// Why it stopped: a [`Stop`], or the fault that ended it (the rows before it are kept).
    pub end: Result<Stop, ListError>,
    /// Where the rows came from.
    pub source: Source,
    /// Things to tell the user once: the index could not be used or updated, and why.
    pub notices: Vec<String>,
}

pub(super) async fn run(
    search: &Search<'_>,
    mut query: Query,
    limits: Limits,
    now: DateTime<Utc>,
    mut on_update: impl FnMut(Update<'_>),
    interrupt: impl std::future::Future<Output = &'static str>,
) -> Answer {
    let (window, defaulted) = window_of(&query, now);
    if defaulted {
        query.since = Some(window.from);
    }
    let filter_key = if query.include_deleted {
        "include_deleted"
    } else {
        ""
    };
    let scope = scope_of(search.client).filter(|_| search.index.is_on());
    let known = match &scope {
        Some(scope) => known::read_known(search, scope, filter_key, window, &query, now).await,
        None => None,
    };
    let mut source = Source {
        window,
        defaulted,
        indexed: known.is_some(),
        from_index: 0,
        pages: 0,
        rereads: 0,
        as_of: None,
        uncovered: TimeDelta::zero(),
        offline: search.options.offline,
    };
    let mut progress = Progress::default();

    // What the index holds and still matches.
    let rate = known.as_ref().and_then(|k| k.rows_per_day);
    let (mut holes, mut covered_rows, to_reread, time_filter) = match known {
        Some(k) if !search.options.fresh => {
            source.as_of = k.coverage.as_of();
            let rows = known::matching(k.rows, &query);
            (k.coverage.holes, rows, k.reread, k.filter)
        }
        Some(k) => (vec![window], Vec::new(), HashSet::new(), k.filter),
        None => (
            vec![window],
            Vec::new(),
            HashSet::new(),
            TimeFilter::Unknown,
        ),
    };
    let stale: Vec<(String, Option<DateTime<Utc>>)> = covered_rows
        .iter()
        .filter(|r| to_reread.contains(&id_of(r)))
        .map(|r| (id_of(r), r.created_at))
        .collect();
    let mut singles = Vec::new();
    let head = holes
        .last()
        .filter(|h| h.to >= window.to - TimeDelta::seconds(1))
        .map(|h| h.from);
    let oldest_stale = stale.iter().filter_map(|s| s.1).min();
    let near_head = matches!((head, oldest_stale), (Some(h), Some(o)) if o >= h - NEAR_HEAD);
    if search.options.offline {
        // Nothing can be read again: the stored copies are the answer.
    } else if stale.len() > MAX_SINGLE_REREADS || near_head {
        // Many rows may still change, or they are next to the newest rows, read anyway: read
        // their stretch again as a list (one page holds a thousand).
        // The stored copies stay until the fresh ones come: if the server cannot be reached,
        // they are still the answer.
        let from = oldest_stale.unwrap_or(window.from).max(window.from);
        holes = merge_hole(&holes, Window::new(from, window.to));
    } else {
        singles = stale.into_iter().map(|s| s.0).collect();
    }
    holes = needed(holes, &covered_rows, limits.limit);
    source.from_index = covered_rows.len();
    progress.matched = covered_rows.len();
    on_update(Update {
        progress: &progress,
        source: &source,
        rows: &covered_rows,
    });

    if search.options.offline {
        source.uncovered = holes.iter().map(|h| h.to - h.from).sum();
        return finish(
            search,
            covered_rows,
            Vec::new(),
            progress,
            Ok(Stop::LastPage),
            source,
            limits,
        );
    }

    let mut base = request_for(&query, limits, search.memory.clone());
    // Whole pages: a date's stream starts at the date's newest row, however few rows are
    // wanted, and what a page holds beyond the limit covers its stretch for the next question.
    base.want = None;
    let jobs = plan::jobs(&holes, time_filter, search.options.streams, now, rate);
    let mut sieve = Sieve {
        query: &query,
        max_scan: limits.max_scan,
        progress,
        matched: Vec::new(),
        seen: HashSet::new(),
        jobs: vec![JobState::default(); jobs.len()],
        plan: &jobs,
    };
    let (mut tasks, mut rx) = streams::start(search.client, &jobs, &base, search.options.streams);
    let mut interrupt = std::pin::pin!(interrupt);
    let mut end: Result<Option<Stop>, ListError> = Ok(None);
    let mut shown = 0;
    loop {
        let event = tokio::select! {
            biased;
            signal = &mut interrupt => {
                end = Err(ListError::Interrupted { signal });
                break;
            }
            event = rx.recv() => event,
        };
        match event {
            None => break,
            Some(Event::Done { job, end: e }) => {
                let state = &mut sieve.jobs[job];
                state.ended = true;
                match e {
                    Ok(exhausted) => {
                        state.complete = true;
                        state.exhausted = exhausted;
                    }
                    Err(e) => {
                        if end.is_ok() {
                            end = Err(e);
                        }
                    }
                }
            }
            Some(Event::Page { job, page, at }) => {
                let (keep, cap) = sieve.feed(job, page);
                source.pages += 1;
                if let Some(scope) = &scope {
                    known::record(search, scope, keep, at).await;
                }
                on_update(Update {
                    progress: &combined(&sieve.progress, covered_rows.len()),
                    source: &source,
                    rows: sieve.matched.get(shown..).unwrap_or_default(),
                });
                shown = sieve.matched.len();
                if let Some(cap) = cap {
                    end = Ok(Some(cap));
                    break;
                }
                if enough(&sieve, &covered_rows, limits.limit) {
                    end = Ok(Some(Stop::Limit));
                    break;
                }
            }
        }
    }
    tasks.abort_all();
    // Pages already read ahead are not wasted: they go to the index, not to the answer.
    if let Some(scope) = &scope {
        let mut ahead = Vec::new();
        while let Ok(event) = rx.try_recv() {
            if let Event::Page { page, .. } = event {
                ahead.extend(page.rows);
            }
        }
        known::record(search, scope, ahead, Utc::now()).await;
    }
    drop(rx);

    if let Some(scope) = &scope {
        known::cover(search, scope, filter_key, &jobs, &sieve, now).await;
    }
    let fetched_ids: HashSet<String> = sieve.seen.clone();
    let mut fetched = std::mem::take(&mut sieve.matched);
    let mut progress = sieve.progress;
    covered_rows.retain(|r| !fetched_ids.contains(&id_of(r)));
    let done: Vec<Window> = jobs
        .iter()
        .zip(&sieve.jobs)
        .filter_map(|(j, s)| s.covered(j))
        .collect();
    if end.is_err() {
        // What the streams read is counted within the window only (a date's stream reads on
        // past it).
        let inside =
            |w: &Window| (w.to.min(window.to) - w.from.max(window.from)).max(TimeDelta::zero());
        source.uncovered = (holes.iter().map(inside).sum::<TimeDelta>()
            - done.iter().map(inside).sum::<TimeDelta>())
        .max(TimeDelta::zero());
    }
    if matches!(end, Ok(Some(Stop::ScanCap)))
        && let Some(since) = sieve
            .known_since()
            .filter(|t| *t < DateTime::<Utc>::MAX_UTC)
    {
        // Streams side by side stop at different places: the answer is the newest stretch
        // read whole, so that it runs back without a gap.
        fetched.retain(|r| r.created_at.is_none_or(|t| t >= since));
        covered_rows.retain(|r| r.created_at.is_none_or(|t| t >= since));
        progress.oldest = Some(since);
    }
    let unreachable = matches!(&end, Err(e) if super::is_unreachable(e));
    source.offline = unreachable && source.pages == 0;

    if end.is_ok() && !singles.is_empty() {
        let again = known::reread(search, scope.as_ref(), &singles, &query).await;
        source.rereads = again.len();
        covered_rows.retain(|r| !again.iter().any(|(id, _)| *id == id_of(r)));
        fetched.extend(again.into_iter().filter_map(|(_, row)| row));
    }
    if time_filter == TimeFilter::Unknown
        && let Some(scope) = &scope
        && let Some(stretch) = jobs
            .iter()
            .zip(&sieve.jobs)
            .filter(|(j, _)| j.on.is_some())
            .find_map(|(j, s)| s.covered(j))
        && let Some(learnt) =
            super::probe::run(search.client, search.index, scope, stretch, &base).await
    {
        known::remember(search, scope, learnt).await;
    }
    progress.matched = covered_rows.len() + fetched.len();
    let end = end.map(|s| s.unwrap_or(Stop::LastPage));
    finish(search, covered_rows, fetched, progress, end, source, limits)
}

fn id_of(row: &Row) -> String {
    row.cell("id").trim().to_ascii_lowercase()
}

/// The holes whose rows could still be among the newest `limit` matches: a hole older than
/// `limit` matched rows already known is not read.
fn needed(holes: Vec<Window>, covered: &[Row], limit: usize) -> Vec<Window> {
    holes
        .into_iter()
        .filter(|h| {
            covered
                .iter()
                .filter(|r| r.created_at.is_some_and(|t| t >= h.to))
                .count()
                < limit
        })
        .collect()
}

/// `holes` with `extra` added, overlapping holes merged, oldest first.
fn merge_hole(holes: &[Window], extra: Window) -> Vec<Window> {
    let mut all: Vec<Window> = holes.to_vec();
    all.push(extra);
    all.sort_by_key(|w| w.from);
    let mut out: Vec<Window> = Vec::new();
    for w in all {
        match out.last_mut() {
            Some(last) if w.from <= last.to => last.to = last.to.max(w.to),
            _ => out.push(w),
        }
    }
    out
}

fn combined(p: &Progress, indexed: usize) -> Progress {
    Progress {
        matched: p.matched + indexed,
        ..*p
    }
}

/// Whether the newest `limit` matches are known: enough matches newer than what every stream
/// still reading may yet send.
fn enough(sieve: &Sieve<'_>, covered: &[Row], limit: usize) -> bool {
    if sieve.progress.matched + covered.len() < limit {
        return false;
    }
    let Some(since) = sieve.known_since() else {
        return false;
    };
    let newer = |t: Option<DateTime<Utc>>| t.is_none_or(|t| t > since);
    // A stored row read again is one row, not two.
    let known = sieve.matched.iter().filter(|r| newer(r.created_at)).count()
        + covered
            .iter()
            .filter(|r| newer(r.created_at) && !sieve.seen.contains(&id_of(r)))
            .count();
    known >= limit
}

/// The answer: both parts together, newest first, cut to the limit.
fn finish(
    search: &Search<'_>,
    covered: Vec<Row>,
    fetched: Vec<Row>,
    progress: Progress,
    end: Result<Stop, ListError>,
    source: Source,
    limits: Limits,
) -> Answer {
    let mut by_id: HashMap<String, Row> = HashMap::new();
    let mut anonymous = Vec::new();
    for row in covered.into_iter().chain(fetched) {
        let id = id_of(&row);
        if id.is_empty() {
            anonymous.push(row);
        } else {
            by_id.insert(id, row);
        }
    }
    let mut rows: Vec<Row> = by_id.into_values().chain(anonymous).collect();
    rows.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| id_of(a).cmp(&id_of(b)))
    });
    let mut end = end;
    if rows.len() > limits.limit {
        rows.truncate(limits.limit);
        if matches!(end, Ok(Stop::LastPage | Stop::PastWindow)) {
            end = Ok(Stop::Limit);
        }
    }
    Answer {
        rows,
        progress,
        end,
        source,
        notices: search.index.take_notices(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_stretch_to_read_again_joins_the_holes_it_touches() {
        let w = |a: &str, b: &str| Window::new(at(a), at(b));
        let holes = [
            w("2026-12-05T01:00:00Z", "2026-12-05T02:00:00Z"),
            w("2026-12-05T10:00:00Z", "2026-12-05T11:00:00Z"),
        ];
        let merged = merge_hole(&holes, w("2026-12-05T09:00:00Z", "2026-12-05T10:30:00Z"));
        assert_eq!(
            merged,
            [
                w("2026-12-05T01:00:00Z", "2026-12-05T02:00:00Z"),
                w("2026-12-05T09:00:00Z", "2026-12-05T11:00:00Z"),
            ]
        );
    }
}
