//! Search answers in calls: every leg of the window (a little wider, so that a call's first and
//! last legs are in it), the parents the legs name but the window does not hold (from the index,
//! else the server, at most [`chain::MAX_HOPS`] up), grouped into calls and kept when a leg
//! matches the leg words and the call meets the call words.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use uuid::Uuid;

use super::{Answer, Search, Update, scope_of, window_of};
use crate::calls::{self, Call};
use crate::chain;
use crate::index::Scope;
use crate::list::Row;
use crate::list::scan::Limits;
use crate::query::Query;

/// The most parents fetched for one answer: past it, a call is shown from its topmost leg
/// found (and said to be so).
pub const MAX_PARENTS: usize = 200;
/// Parents fetched at once.
const AT_ONCE: usize = 4;

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
}

impl Search<'_> {
    /// Answers `query` in calls: `limits.limit` calls at most, `limits.max_scan` legs read at
    /// most. `on_update` sees the legs' search as it goes.
    pub async fn calls(
        &self,
        query: Query,
        limits: Limits,
        on_update: impl FnMut(Update<'_>),
        interrupt: impl std::future::Future<Output = &'static str>,
    ) -> CallsAnswer {
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
        let wide_again = wide.clone();
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
        let narrow = match scope {
            Some(scope) if !legs.is_window_only() => Some(scope),
            _ => None,
        };
        let asked = match narrow {
            Some(_) => Query {
                since: wide.since,
                until: wide.until,
                ..legs.clone()
            },
            None => wide,
        };
        let mut answer = self.run(asked, every_leg, on_update, interrupt).await;
        answer.source.window = window;
        answer.source.defaulted = defaulted;
        let mut rows = std::mem::take(&mut answer.rows);
        if let Some(scope) = narrow {
            match self.families(scope, &rows, &legs).await {
                Some(family) => rows.extend(family),
                // Too many of them may have changed since they were read: every leg of the
                // window, read again where it must be.
                None => {
                    let mut all = self
                        .run(wide_again, every_leg, |_| {}, std::future::pending())
                        .await;
                    answer.progress = all.progress;
                    answer.end = all.end;
                    answer.notices.append(&mut all.notices);
                    rows = all.rows;
                }
            }
        }
        let mut matched: Vec<bool> = rows.iter().map(|r| leg_matches(&legs, r)).collect();
        let mut parents = 0;
        let mut grouping = calls::group(&rows, |i| matched[i]);
        let mut asked: HashSet<Uuid> = HashSet::new();
        for _ in 0..chain::MAX_HOPS {
            let wanted: Vec<Uuid> = grouping
                .missing
                .iter()
                .copied()
                .filter(|p| asked.insert(*p))
                .take(MAX_PARENTS.saturating_sub(parents))
                .collect();
            if wanted.is_empty() {
                break;
            }
            parents += wanted.len();
            let found = self.parents(wanted).await;
            if found.is_empty() {
                break;
            }
            for row in found {
                matched.push(leg_matches(&legs, &row));
                rows.push(row);
            }
            grouping = calls::group(&rows, |i| matched[i]);
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
        }
    }

    /// The other legs of the calls of `matched` that the index holds, fresh: `None` when more
    /// than a few of them were still going when read (then every leg of the window is read).
    async fn families(&self, scope: Scope, matched: &[Row], legs: &Query) -> Option<Vec<Row>> {
        let have: HashSet<Uuid> = matched.iter().filter_map(Row::id).collect();
        let seeds: Vec<String> = have.iter().map(Uuid::to_string).collect();
        let held = self
            .index
            .run({
                let scope = scope.clone();
                move |ix| ix.families(&scope, &seeds, chain::MAX_HOPS)
            })
            .await?;
        let mut family: Vec<Row> = held
            .into_iter()
            .map(|r| Row::of(&crate::api::VoiceLog::from_object(r.raw)))
            .filter(|r| r.id().is_some_and(|id| !have.contains(&id)))
            .collect();
        // A leg that did not match was not read again by the search: one still going when it
        // was stored is read again now, if there are few.
        let live: Vec<String> = family
            .iter()
            .filter(|r| r.outcome == crate::api::model::Outcome::Live && !leg_matches(legs, r))
            .filter_map(|r| r.id().map(|id| id.to_string()))
            .collect();
        if live.len() > super::MAX_SINGLE_REREADS {
            return None;
        }
        if !live.is_empty() && !self.options.offline {
            let fresh = super::known::reread(self, Some(&scope), &live, &Query::default()).await;
            for (id, row) in fresh {
                if let (Some(row), Some(at)) = (
                    row,
                    family
                        .iter()
                        .position(|r| r.id().is_some_and(|u| u.to_string() == id)),
                ) {
                    family[at] = row;
                }
            }
        }
        Some(family)
    }

    /// The logs `ids` from the index, else the server; those found neither way are left out.
    async fn parents(&self, ids: Vec<Uuid>) -> Vec<Row> {
        let scope = scope_of(self.client).filter(|_| self.index.is_on());
        let held = match scope {
            Some(scope) => {
                let wanted = ids.clone();
                self.index
                    .run(move |ix| {
                        let mut held = Vec::new();
                        for id in wanted {
                            if let Some(row) = ix.row(&scope, &id.to_string())? {
                                held.push((id, row.raw));
                            }
                        }
                        Ok(held)
                    })
                    .await
                    .unwrap_or_default()
            }
            None => Vec::new(),
        };
        let mut rows: Vec<Row> = Vec::new();
        let mut have: HashSet<Uuid> = HashSet::new();
        for (id, raw) in held {
            have.insert(id);
            rows.push(Row::of(&crate::api::VoiceLog::from_object(raw)));
        }
        let client = self.client;
        let fetched: Vec<_> =
            futures::stream::iter(ids.into_iter().filter(|id| !have.contains(id)))
                .map(|id| async move { client.fetch_log(id).await.ok().map(|f| f.log) })
                .buffer_unordered(AT_ONCE)
                .filter_map(|log| async move { log })
                .collect()
                .await;
        super::remember(
            self.index,
            client,
            fetched.iter().map(|l| l.raw.clone()).collect(),
        )
        .await;
        rows.extend(fetched.iter().map(Row::of));
        rows
    }
}

/// Whether a leg matches the leg words ([`Query::leg_part`]); its JSON is read only when a word needs more than the
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
