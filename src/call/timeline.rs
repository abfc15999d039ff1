//! The merged timeline of a call: every leg's events, fetched at most [`CONCURRENCY`] at a time,
//! each labelled with its leg, in time order. A leg whose events fail is named; the rest stay.

use std::time::Duration;

use futures::StreamExt;
use uuid::Uuid;

use super::tree::Tree;
use crate::api::events::{Event, Level};
use crate::api::{ApiError, Client};

/// How many legs' events are fetched at once.
pub const CONCURRENCY: usize = 8;

/// One event with the leg it happened on.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The leg's position in [`Tree::legs`] (its ordinal is one more).
    pub leg: usize,
    /// The leg's ID.
    pub log_id: Uuid,
    /// The event.
    pub event: Event,
}

impl Entry {
    /// Whether the event is a warning or an error.
    pub fn is_notable(&self) -> bool {
        matches!(self.event.level.value(), Some(Level::Warn | Level::Error))
    }
}

/// Every leg's events in one list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// The events by time; events at the same instant keep their legs' tree order, and each
    /// leg's own order; events without a readable time come last.
    pub entries: Vec<Entry>,
    /// The legs whose events could not be fetched (position in the tree, ID, why).
    pub failed: Vec<(usize, Uuid, ApiError)>,
}

/// Merges each leg's events (in tree order) into one timeline. A 404 means the leg recorded no
/// events: not a failure.
pub fn merge(per_leg: Vec<(usize, Uuid, Result<Vec<Event>, ApiError>)>) -> Timeline {
    let mut t = Timeline::default();
    for (leg, log_id, result) in per_leg {
        match result {
            Ok(events) => {
                t.entries
                    .extend(events.into_iter().map(|event| Entry { leg, log_id, event }))
            }
            Err(ApiError::NotFound { .. }) => {}
            Err(e) => t.failed.push((leg, log_id, e)),
        }
    }
    // A stable sort: what the server sent at one instant keeps its order.
    t.entries.sort_by_key(|e| {
        let at = e.event.event_at.get();
        (at.is_none(), at)
    });
    t
}

/// How long a call's events may take in all when nothing says otherwise.
pub const WITHIN: Duration = Duration::from_secs(30);

/// Fetches the events of every leg of `tree` and merges them, within [`WITHIN`].
pub async fn fetch(client: &Client, tree: &Tree) -> Timeline {
    fetch_within(client, tree, WITHIN).await
}

/// Fetches the events of every leg of `tree` and merges them; what has not come `within` that
/// long in all is not waited for: those legs are named as failed (a timeout), the rest stay.
/// Legs whose events all hang cost `within`, not each request's own timeout one after another.
pub async fn fetch_within(client: &Client, tree: &Tree, within: Duration) -> Timeline {
    // Owned items: a stream of borrowed legs makes the future not `Send` for every lifetime,
    // which `tokio::spawn` needs.
    let legs: Vec<(usize, Uuid)> = tree.legs.iter().map(|l| l.id).enumerate().collect();
    let deadline = tokio::time::Instant::now() + within;
    let mut pending = std::pin::pin!(
        futures::stream::iter(legs.clone())
            .map(|(i, id)| async move {
                let events = client.fetch_events(id).await.map(|f| f.events.items);
                (i, id, events)
            })
            .buffer_unordered(CONCURRENCY)
    );
    let mut per_leg = Vec::with_capacity(legs.len());
    while let Ok(Some(done)) = tokio::time::timeout_at(deadline, pending.next()).await {
        per_leg.push(done);
    }
    let host = client.endpoint().space().to_owned();
    for (i, id) in legs {
        if !per_leg.iter().any(|(j, _, _)| *j == i) {
            per_leg.push((
                i,
                id,
                Err(ApiError::Timeout {
                    host: host.clone(),
                    after: within,
                }),
            ));
        }
    }
    // Tree order, which `merge` keeps for events at one instant.
    per_leg.sort_by_key(|(i, _, _)| *i);
    merge(per_leg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(at: &str, name: &str, level: &str) -> Event {
        Event::from_value(json!({"event_at": at, "name": name, "level": level}), 0)
    }

    fn names(t: &Timeline) -> Vec<String> {
        t.entries
            .iter()
            .map(|e| e.event.name.value().cloned().unwrap_or_default())
            .collect()
    }

    #[test]
    fn events_merge_by_time_and_equal_times_keep_tree_order() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let t = merge(vec![
            (
                0,
                a,
                Ok(vec![
                    event("2026-11-25T14:00:05Z", "a-late", "info"),
                    event("2026-11-25T14:00:01Z", "a-same-1", "info"),
                    event("2026-11-25T14:00:01Z", "a-same-2", "warn"),
                ]),
            ),
            (
                1,
                b,
                Ok(vec![
                    event("nope", "b-undated", "info"),
                    event("2026-11-25T14:00:01Z", "b-same", "error"),
                    event("2026-11-25T14:00:00Z", "b-first", "info"),
                ]),
            ),
        ]);
        assert_eq!(
            names(&t),
            [
                "b-first",
                "a-same-1",
                "a-same-2",
                "b-same",
                "a-late",
                "b-undated"
            ]
        );
        let notable: Vec<bool> = t.entries.iter().map(Entry::is_notable).collect();
        assert_eq!(notable, [false, false, true, true, false, false]);
        assert_eq!(t.entries[0].log_id, b);
    }

    #[test]
    fn a_failed_leg_is_named_and_a_404_is_no_events() {
        let ok = Uuid::from_u128(1);
        let bad = Uuid::from_u128(2);
        let none = Uuid::from_u128(3);
        let t = merge(vec![
            (0, ok, Ok(vec![event("2026-11-25T14:00:00Z", "x", "info")])),
            (1, bad, Err(ApiError::rate_limited(3))),
            (
                2,
                none,
                Err(ApiError::NotFound {
                    target: Default::default(),
                }),
            ),
        ]);
        assert_eq!(names(&t), ["x"]);
        assert_eq!(t.failed.len(), 1);
        assert_eq!((t.failed[0].0, t.failed[0].1), (1, bad));
    }
}
