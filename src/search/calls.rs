//! Search answers in calls: every leg of the window (a little wider, so that a call's first and
//! last legs are in it), the parents the legs name but the window does not hold (from the index,
//! else the server, at most [`chain::MAX_HOPS`] up), grouped into calls and kept when a leg
//! matches the leg words and the call meets the call words.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures::FutureExt as _;
use uuid::Uuid;

pub use super::family::PARENTS_WITHIN;
use super::{Answer, Search, Update, scope_of, window_of};
use crate::api::list::ListError;
use crate::calls::{self, Call};
use crate::chain;
use crate::list::Row;
use crate::list::scan::Limits;
use crate::query::Query;

/// The most parents fetched for one answer: past it, a call is shown from its topmost leg
/// found (and said to be so).
pub const MAX_PARENTS: usize = 200;

/// A search's answer in calls.
#[derive(Debug)]
pub struct CallsAnswer {
    /// The search of the window's legs; its rows are every leg read, then the parents fetched.
    pub answer: Answer,
    /// The calls kept, newest first, at most the limit.
    pub calls: Vec<Call>,
    /// How many calls matched in all (before the limit).
    pub matched: usize,
    /// Parents fetched by ID (from the index or the server).
    pub parents: usize,
    /// Calls whose root could not be found (a parent missing, or past [`MAX_PARENTS`]).
    pub unrooted: usize,
    /// Calls that began before the window read: legs of theirs before it may be missing.
    pub began_before: usize,
    /// The fault that stopped the fetching of parents.
    pub parent_fault: Option<crate::api::ApiError>,
    /// Whether the parents' deadline ([`PARENTS_WITHIN`]) was reached.
    pub parents_late: bool,
}

impl Search<'_> {
    /// Answers `query` in calls: `limits.limit` calls at most, `limits.max_scan` legs read at
    /// most. `on_update` sees the legs' search as it goes; `interrupt` resolving ends it with
    /// the calls found so far.
    pub async fn calls(
        &self,
        query: Query,
        limits: Limits,
        on_update: impl FnMut(Update<'_>),
        interrupt: impl std::future::Future<Output = &'static str> + Send,
    ) -> CallsAnswer {
        let interrupt = interrupt.boxed().shared();
        let now = self.options.now.unwrap_or_else(Utc::now);
        let (window, defaulted) = window_of(&query, now);
        // A call's legs straddle the window's ends: read a little before and after it.
        let wide = Query {
            since: window.from.checked_sub_signed(crate::call::BEFORE),
            until: query
                .until
                .and_then(|u| u.checked_add_signed(crate::call::AFTER))
                .map(|u| u.min(now)),
            include_deleted: query.include_deleted,
            ..Query::default()
        };
        let read_from = wide.since;
        let read_to = wide.until.unwrap_or(now);
        let every_leg = Limits {
            limit: limits.max_scan,
            max_scan: limits.max_scan,
        };
        let mut legs = query.leg_part();
        if defaulted {
            legs.since = Some(window.from);
        }
        // With leg words and the index, the legs that match are a few: read them (the index
        // narrows them in SQL), then their calls' other legs from the index.
        let scope = scope_of(self.client).filter(|_| self.index.is_on() && !self.options.fresh);
        let mut narrow = match scope {
            Some(scope) if !legs.is_window_only() => Some(scope),
            _ => None,
        };
        let asked = match narrow {
            Some(_) => Query {
                since: wide.since,
                until: wide.until,
                ..legs.clone()
            },
            None => wide.clone(),
        };
        let mut answer = self
            .run(asked, every_leg, on_update, interrupt.clone())
            .await;
        answer.source.window = window;
        answer.source.defaulted = defaulted;
        let mut rows = std::mem::take(&mut answer.rows);
        let seeds = narrow.as_ref().map(|_| rows.clone());
        if let (Some(scope), Some(seeds)) = (narrow.clone(), &seeds) {
            match self.families(scope, seeds, &legs).await {
                Some(family) => merge(&mut rows, family),
                // Too many of them may have changed since they were read: every leg of the
                // window, read again where it must be.
                None => {
                    narrow = None;
                    let all = self.run(wide, every_leg, |_| {}, interrupt.clone()).await;
                    rows = Vec::new();
                    absorb(&mut answer, &mut rows, all);
                }
            }
        }
        let mut matched: Vec<bool> = rows.iter().map(|r| leg_matches(&legs, r)).collect();
        let mut grouping = calls::group(&rows, |i| matched[i]);
        // A matched call may go on past what was read: read on to its end (as the whole call
        // does), once.
        if let Some(reach) = reach(&grouping, &rows, now).filter(|r| *r > read_to)
            && answer.end.is_ok()
        {
            let more = Query {
                since: Some(read_to),
                until: Some(reach),
                include_deleted: query.include_deleted,
                ..Query::default()
            };
            let later = self.run(more, every_leg, |_| {}, interrupt.clone()).await;
            absorb(&mut answer, &mut rows, later);
            if let (Some(scope), Some(seeds)) = (narrow, &seeds)
                && let Some(family) = self.families(scope, seeds, &legs).await
            {
                merge(&mut rows, family);
            }
            // Rows are only ever added at the end: match the new ones alone.
            matched.extend(rows[matched.len()..].iter().map(|r| leg_matches(&legs, r)));
            grouping = calls::group(&rows, |i| matched[i]);
        }
        let deadline = tokio::time::Instant::now() + PARENTS_WITHIN;
        let mut parents = 0;
        let mut fault = None;
        let mut late = false;
        let mut asked: HashSet<Uuid> = HashSet::new();
        for _ in 0..chain::MAX_HOPS {
            // Only the calls that matched are worth their parents.
            let wanted: Vec<Uuid> = grouping
                .calls
                .iter()
                .filter(|c| c.matched() && !c.rooted)
                .filter_map(|c| rows[c.root()].parent)
                .filter(|p| asked.insert(*p))
                .take(MAX_PARENTS.saturating_sub(parents))
                .collect();
            if wanted.is_empty() || answer.end.is_err() {
                break;
            }
            parents += wanted.len();
            let found = tokio::select! {
                found = self.parents(wanted, deadline) => found,
                signal = interrupt.clone() => {
                    answer.end = Err(ListError::Interrupted { signal });
                    break;
                }
            };
            late |= found.late;
            let stop = found.fault.is_some() || found.late || found.rows.is_empty();
            fault = fault.or(found.fault);
            merge(&mut rows, found.rows);
            // Rows are only ever added at the end: match the new ones alone.
            matched.extend(rows[matched.len()..].iter().map(|r| leg_matches(&legs, r)));
            grouping = calls::group(&rows, |i| matched[i]);
            if stop {
                break;
            }
        }
        let kept: Vec<Call> = grouping
            .calls
            .into_iter()
            .filter(|c| c.matched() && c.keeps(&query, &rows))
            .collect();
        let began_before = kept
            .iter()
            .filter(|c| began_before(c, &rows, read_from))
            .count();
        let unrooted = kept.iter().filter(|c| !c.rooted).count();
        let matched_calls = kept.len();
        let calls = kept.into_iter().take(limits.limit).collect();
        answer.rows = rows;
        CallsAnswer {
            answer,
            calls,
            matched: matched_calls,
            parents,
            unrooted,
            began_before,
            parent_fault: fault,
            parents_late: late,
        }
    }
}

/// Adds `more` to `rows`, leaving out any leg already there (the first copy is kept).
fn merge(rows: &mut Vec<Row>, more: Vec<Row>) {
    let have: HashSet<Uuid> = rows.iter().filter_map(Row::id).collect();
    rows.extend(
        more.into_iter()
            .filter(|r| r.id().is_none_or(|id| !have.contains(&id))),
    );
}

/// Takes a further search's rows into `rows` and its progress, end and notices into `answer`
/// (a fault or an interruption of it is the answer's).
fn absorb(answer: &mut Answer, rows: &mut Vec<Row>, mut more: Answer) {
    merge(rows, std::mem::take(&mut more.rows));
    let p = &mut answer.progress;
    p.pages += more.progress.pages;
    p.scanned += more.progress.scanned;
    p.skipped += more.progress.skipped;
    answer.source.pages += more.source.pages;
    if more.end.is_err() {
        answer.end = more.end;
    }
    answer.notices.append(&mut more.notices);
}

/// How far the matched calls may go on: each root's end (its start and duration, 4 hours when
/// still going or unknown, a day at most) and the whole call's margin after it.
fn reach(grouping: &calls::Grouping, rows: &[Row], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    grouping
        .calls
        .iter()
        .filter(|c| c.matched())
        .filter_map(|c| {
            let root = &rows[c.root()];
            let length = match root.duration_ms {
                Some(ms) if ms >= 0 && root.outcome != crate::api::model::Outcome::Live => {
                    chrono::Duration::milliseconds(
                        ms.min(crate::call::MAX_LENGTH.num_milliseconds()),
                    )
                }
                _ => crate::call::UNKNOWN_LENGTH,
            };
            root.created_at?
                .checked_add_signed(length + crate::call::AFTER)
        })
        .max()
        .map(|r| r.min(now))
}

/// Whether a leg matches the leg words; its JSON is read only when a word needs more than the
/// window.
pub fn leg_matches(legs: &Query, row: &Row) -> bool {
    if legs.is_window_only() {
        // The legs' search already left out deleted logs unless they were asked for.
        return row.created_at.is_some_and(|t| legs.in_window(t));
    }
    serde_json::from_str(&row.raw)
        .map(|raw| legs.matches(&crate::api::VoiceLog::from_object(raw)))
        .unwrap_or(false)
}

/// Whether the call's root was created before `from`, where the legs read began.
fn began_before(call: &Call, rows: &[Row], from: Option<DateTime<Utc>>) -> bool {
    match (rows[call.root()].created_at, from) {
        (Some(t), Some(from)) => t < from,
        _ => false,
    }
}
