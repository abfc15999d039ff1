//! Watched calls the newest pages no longer reach. On a busy space a call still going is pushed
//! past the pages a poll reads ([`super::MAX_PAGES`]) by the calls that arrive after it; without
//! reading it again its end would never be seen. Each poll reads a few of them by ID (one
//! request each, from the same bucket as the pages, so the average stays at one a second), the
//! least recently read first, so that every one of them comes round.

use std::collections::HashSet;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::Tail;
use crate::api::ApiError;

/// Watched calls read again by ID at most, per poll.
pub const MAX_REREADS: usize = 2;

impl Tail {
    /// Reads again by ID the watched calls that `rows` (this poll's pages) did not reach, at
    /// most [`MAX_REREADS`], the least recently read first; the rows read are added to `rows`.
    /// A failure ends the re-reading for this poll and is not the poll's: the pages were read,
    /// and the next poll tries again. A call the server no longer has is no longer watched.
    pub(super) async fn reread(&mut self, rows: &mut Vec<Map<String, Value>>) {
        let read: HashSet<&str> = rows
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_str))
            .collect();
        let mut missed: Vec<(u64, Box<str>)> = self
            .seen
            .iter()
            .filter(|(id, s)| s.watched() && !read.contains(id.as_ref()))
            .map(|(id, s)| (s.read_in, id.clone()))
            .collect();
        missed.sort();
        for (_, id) in missed.into_iter().take(MAX_REREADS) {
            let Ok(uuid) = Uuid::parse_str(&id) else {
                continue;
            };
            self.bucket.take().await;
            let fetched = self.client.fetch_log(uuid).await;
            self.requests += u64::from(fetched.as_ref().map_or(1, |f| f.attempts.max(1)));
            match fetched {
                Ok(f) => rows.push(f.log.raw),
                Err(ApiError::NotFound { .. }) => {
                    tracing::debug!(%id, "a watched call is gone: no longer watched");
                    if let Some(seen) = self.seen.get_mut(&id) {
                        seen.dropped = true;
                    }
                }
                Err(e) => {
                    tracing::debug!(%id, error = %e, "reading a watched call again failed");
                    break;
                }
            }
        }
    }
}
