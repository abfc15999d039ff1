//! The legs a search in calls needs beyond the ones it matched: the other legs of the matched
//! calls the index holds (read again when they may have changed), and the parents neither the
//! window nor the index holds, fetched by ID within one deadline, stopping at the first fault
//! that would fail every other fetch too.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt as _;
use uuid::Uuid;

use super::{Search, scope_of};
use crate::api::ApiError;
use crate::api::error::ErrorClass;
use crate::index::Scope;
use crate::list::Row;
use crate::query::Query;

/// Parents fetched at once.
const AT_ONCE: usize = 4;
/// How long the parents of one answer are fetched for, in all.
pub const PARENTS_WITHIN: Duration = Duration::from_secs(30);
/// How far up and down the index's copy of a call is followed (it is local: no request).
const INDEX_HOPS: usize = 500;

/// The parents fetched for an answer.
#[derive(Debug, Default)]
pub struct Parents {
    /// The rows found.
    pub rows: Vec<Row>,
    /// The fault that stopped the fetching (the first one; a 404 is not a fault).
    pub fault: Option<ApiError>,
    /// Whether the deadline ended the fetching.
    pub late: bool,
}

impl Search<'_> {
    /// The other legs of the calls of `matched` that the index holds, fresh: `None` when more
    /// than a few of them were still going when read (then every leg of the window is read).
    pub(super) async fn families(
        &self,
        scope: Scope,
        matched: &[Row],
        legs: &Query,
    ) -> Option<Vec<Row>> {
        let have: HashSet<Uuid> = matched.iter().filter_map(Row::id).collect();
        let seeds: Vec<String> = have.iter().map(Uuid::to_string).collect();
        let held = self
            .index
            .run({
                let scope = scope.clone();
                move |ix| ix.families(&scope, &seeds, INDEX_HOPS)
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
            .filter(|r| {
                r.outcome == crate::api::model::Outcome::Live && !super::calls::leg_matches(legs, r)
            })
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

    /// The logs `ids` from the index (unless the search is fresh), else the server (unless it
    /// is offline), within `until`; those found neither way are left out. Fetching stops at
    /// the first fault that is not a 404: credentials refused or a server out of reach would
    /// fail every other fetch too.
    pub(super) async fn parents(&self, ids: Vec<Uuid>, until: tokio::time::Instant) -> Parents {
        let scope = scope_of(self.client).filter(|_| self.index.is_on() && !self.options.fresh);
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
        let mut out = Parents::default();
        let mut have: HashSet<Uuid> = HashSet::new();
        for (id, raw) in held {
            have.insert(id);
            out.rows
                .push(Row::of(&crate::api::VoiceLog::from_object(raw)));
        }
        if self.options.offline {
            return out;
        }
        let client = self.client;
        let mut fetches = futures::stream::iter(ids.into_iter().filter(|id| !have.contains(id)))
            .map(|id| async move { client.fetch_log(id).await.map(|f| f.log) })
            .buffer_unordered(AT_ONCE);
        let mut fetched = Vec::new();
        loop {
            match tokio::time::timeout_at(until, fetches.next()).await {
                Err(_) => {
                    out.late = true;
                    break;
                }
                Ok(None) => break,
                Ok(Some(Ok(log))) => fetched.push(log),
                Ok(Some(Err(e))) if e.class() == ErrorClass::NotFound => {}
                Ok(Some(Err(e))) => {
                    out.fault = Some(e);
                    break;
                }
            }
        }
        super::remember(
            self.index,
            client,
            fetched.iter().map(|l| l.raw.clone()).collect(),
        )
        .await;
        out.rows.extend(fetched.iter().map(Row::of));
        out
    }
}
