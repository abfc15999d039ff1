//! What a search reads from and writes to the index: the coverage and rows of a window
//! before anything is fetched; the pages, spans and facts learnt after; and the rows read
//! again because they could still change.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;
use uuid::Uuid;

use super::plan::{Job, TimeFilter};
use super::streams::Sieve;
use super::{RATE_FACT, Search, TIME_FILTER_FACT};
use crate::api::VoiceLog;
use crate::index::{Coverage, RowFilter, Scope, StoredRow, Window};
use crate::list::Row;
use crate::query::Query;

/// What the index said about the window before anything was fetched.
pub(super) struct Known {
    pub coverage: Coverage,
    pub rows: Vec<StoredRow>,
    pub reread: HashSet<String>,
    pub filter: TimeFilter,
    pub rows_per_day: Option<f64>,
}

/// Coverage, the covered rows, the rows to read again and what is known of the server.
pub(super) async fn read_known(
    search: &Search<'_>,
    scope: &Scope,
    filter_key: &'static str,
    window: Window,
    query: &Query,
    now: DateTime<Utc>,
) -> Option<Known> {
    let scope = scope.clone();
    let narrow = row_filter(query);
    search
        .index
        .run(move |ix| {
            let coverage = ix.coverage(&scope, filter_key, window)?;
            let mut rows = Vec::new();
            for c in &coverage.covered {
                rows.extend(ix.rows_in(&scope, c.window, &narrow)?);
            }
            let reread = ix
                .needs_reread(&scope, Some(window), now)?
                .into_iter()
                .map(|r| r.id)
                .collect();
            let filter = ix
                .fact(&scope, TIME_FILTER_FACT)?
                .map_or(TimeFilter::Unknown, |(v, _)| TimeFilter::parse(&v));
            let rows_per_day = ix
                .fact(&scope, RATE_FACT)?
                .and_then(|(v, _)| v.parse::<f64>().ok())
                .filter(|r| r.is_finite() && *r >= 0.0);
            Ok(Known {
                coverage,
                rows,
                reread,
                filter,
                rows_per_day,
            })
        })
        .await
}

/// The narrowing the index can apply in SQL: never narrower than the query (which is applied
/// to every row after).
fn row_filter(query: &Query) -> RowFilter {
    RowFilter {
        number: query
            .numbers
            .first()
            .map(|n| n.digits.clone())
            .filter(|d| !d.is_empty()),
        parent_id: query.parent.map(|p| p.hyphenated().to_string()),
        ..RowFilter::default()
    }
}

/// The stored rows that match, as rows.
pub(super) fn matching(rows: Vec<StoredRow>, query: &Query) -> Vec<Row> {
    rows.into_iter()
        .map(|r| VoiceLog::from_object(r.raw))
        .filter(|log| query.matches(log))
        .map(|log| Row::of(&log))
        .collect()
}

pub(super) async fn record(
    search: &Search<'_>,
    scope: &Scope,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    at: DateTime<Utc>,
) {
    if rows.is_empty() {
        return;
    }
    let scope = scope.clone();
    search
        .index
        .run(move |ix| ix.record_rows(&scope, &rows, at))
        .await;
}

/// Records what each stream read completely; after a fresh read of a plain list, forgets the
/// rows it no longer saw (deleted on the server); a `created_on` stream that sent another
/// day's rows teaches that dates are not UTC days.
pub(super) async fn cover(
    search: &Search<'_>,
    scope: &Scope,
    filter_key: &'static str,
    jobs: &[Job],
    sieve: &Sieve<'_>,
    now: DateTime<Utc>,
) {
    let spans: Vec<(Window, bool, usize)> = jobs
        .iter()
        .zip(&sieve.jobs)
        .filter_map(|(j, s)| {
            let w = s.covered(j)?;
            let (from, to) = (w.from.timestamp_millis(), w.to.timestamp_millis());
            let read = s.times.iter().filter(|t| (from..to).contains(*t)).count();
            Some((w, s.complete, read))
        })
        .collect();
    let foreign = sieve.jobs.iter().any(|s| s.foreign);
    // The space's rate, from the longest stretch read completely (an hour at least).
    let rate = jobs
        .iter()
        .zip(&sieve.jobs)
        .filter(|(j, s)| {
            s.complete && !s.foreign && j.window.to - j.window.from >= TimeDelta::hours(1)
        })
        .max_by_key(|(j, _)| j.window.to - j.window.from)
        .map(|(j, s)| {
            let secs = (j.window.to - j.window.from).num_seconds().max(1) as f64;
            s.rows as f64 * 86_400.0 / secs
        });
    let forget = search.options.fresh && filter_key.is_empty();
    let seen: Vec<String> = if forget {
        sieve.seen.iter().cloned().collect()
    } else {
        Vec::new()
    };
    let scope = scope.clone();
    search
        .index
        .run(move |ix| {
            for (w, complete, read) in &spans {
                // Rows pruned or cleared meanwhile (another swlog): not vouched for.
                if !ix.record_span_held(&scope, filter_key, *w, now, *read)? {
                    tracing::debug!(?w, read, "rows went while the scan ran: not covered");
                    continue;
                }
                if forget && *complete {
                    ix.forget_unseen(&scope, *w, &seen)?;
                }
            }
            if foreign {
                ix.set_fact(
                    &scope,
                    TIME_FILTER_FACT,
                    TimeFilter::WideDates.as_str(),
                    now,
                )?;
            }
            if let Some(rate) = rate {
                ix.set_fact(&scope, RATE_FACT, &format!("{rate:.1}"), now)?;
            }
            Ok(())
        })
        .await;
}

pub(super) async fn remember(search: &Search<'_>, scope: &Scope, learnt: TimeFilter) {
    let scope = scope.clone();
    search
        .index
        .run(move |ix| ix.set_fact(&scope, TIME_FILTER_FACT, learnt.as_str(), Utc::now()))
        .await;
}

/// Fetches `ids` again one by one (a few at once), records them, and gives each one's new
/// row when it still matches (`None`: it no longer does). A failed fetch keeps the stored copy.
pub(super) async fn reread(
    search: &Search<'_>,
    scope: Option<&Scope>,
    ids: &[String],
    query: &Query,
) -> Vec<(String, Option<Row>)> {
    let fetched: Vec<(String, VoiceLog)> = futures::stream::iter(ids.iter().cloned())
        .map(|id| async move {
            let uuid = Uuid::try_parse(&id).ok()?;
            let got = search.client.fetch_log(uuid).await.ok()?;
            Some((id, got.log))
        })
        .buffer_unordered(4)
        .filter_map(|x| async move { x })
        .collect()
        .await;
    if let Some(scope) = scope {
        let raws = fetched.iter().map(|(_, log)| log.raw.clone()).collect();
        record(search, scope, raws, Utc::now()).await;
    }
    fetched
        .into_iter()
        .map(|(id, log)| {
            let row = query.matches(&log).then(|| Row::of(&log));
            (id, row)
        })
        .collect()
}
