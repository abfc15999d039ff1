//! The chain of legs a log belongs to: its parent, the parent's parent and so on up to the first
//! leg, found by following `parent_id`. The lookup is a function passed in, so the same walk
//! serves `swlog get --chain` and the inspector (which runs it beside showing the leg), and
//! knows nothing of either. The walk is bounded, stops at a loop, and keeps every failure as a
//! typed link instead of giving up on the whole chain.

use std::collections::HashSet;
use std::future::Future;

use uuid::Uuid;

use crate::api::ApiError;
use crate::api::model::{Field, VoiceLog};

/// How many parents are fetched at most before the walk stops.
pub const MAX_HOPS: usize = 10;

/// One link of a chain.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// A leg that was found (or the leg the walk started from).
    Leg {
        /// The ID it was looked up by (the starting leg's own `id`, which may be missing).
        id: Option<Uuid>,
        /// The record.
        log: Box<VoiceLog>,
    },
    /// A parent that could not be fetched; `why` is `ApiError::NotFound` when it does not exist.
    Missing {
        /// The parent's ID.
        id: Uuid,
        /// Why it could not be fetched.
        why: ApiError,
    },
    /// A `parent_id` that leads back to a leg already in the chain.
    Cycle {
        /// The repeated ID.
        id: Uuid,
    },
    /// The walk stopped after `after` parents while there were more.
    Truncated {
        /// The next parent, not fetched.
        next: Uuid,
        /// How many parents were fetched.
        after: usize,
    },
    /// A `parent_id` that is not a UUID, as sent (non-string values as compact JSON).
    InvalidParent(String),
}

/// A log's chain of legs, first leg first; the leg the walk started from is the last link.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    /// The links, root first.
    pub links: Vec<Link>,
}

impl Chain {
    /// Whether the walk reached a leg without a parent (no missing, looping, cut-off or invalid
    /// link).
    pub fn is_complete(&self) -> bool {
        matches!(self.links.first(), Some(Link::Leg { .. }))
    }

    /// The legs that were found, root first, each with the ID it was looked up by.
    pub fn legs(&self) -> impl Iterator<Item = (Option<Uuid>, &VoiceLog)> {
        self.links.iter().filter_map(|l| match l {
            Link::Leg { id, log } => Some((*id, log.as_ref())),
            _ => None,
        })
    }
}

/// What a log says about its parent.
enum Parent {
    None,
    Id(Uuid),
    Invalid(String),
}

fn parent_of(log: &VoiceLog) -> Parent {
    match &log.parent_id {
        // Some payloads send an empty string for "no parent".
        Field::Value(s) if s.trim().is_empty() => Parent::None,
        Field::Value(s) => {
            Uuid::try_parse(s.trim()).map_or_else(|_| Parent::Invalid(s.clone()), Parent::Id)
        }
        Field::Invalid(v) => Parent::Invalid(v.to_string()),
        Field::Missing | Field::Null => Parent::None,
    }
}

/// Follows `parent_id` up from `start`, fetching each parent with `fetch`, at most `max_hops`
/// of them, one at a time (each parent's ID is only known from its child).
pub async fn resolve<F, Fut>(start: &VoiceLog, mut fetch: F, max_hops: usize) -> Chain
where
    F: FnMut(Uuid) -> Fut,
    Fut: Future<Output = Result<VoiceLog, ApiError>>,
{
    let start_id = start.id.get();
    let mut seen: HashSet<Uuid> = start_id.into_iter().collect();
    let mut links = vec![leg(start_id, start.clone())];
    let mut hops = 0;
    while let Some(Link::Leg { log, .. }) = links.last() {
        let next = match parent_of(log) {
            Parent::None => break,
            Parent::Invalid(s) => {
                links.push(Link::InvalidParent(s));
                break;
            }
            Parent::Id(id) => id,
        };
        if seen.contains(&next) {
            links.push(Link::Cycle { id: next });
            break;
        }
        if hops >= max_hops {
            links.push(Link::Truncated { next, after: hops });
            break;
        }
        hops += 1;
        match fetch(next).await {
            Ok(parent) => {
                seen.insert(next);
                links.push(leg(Some(next), parent));
            }
            Err(why) => links.push(Link::Missing { id: next, why }),
        }
    }
    links.reverse();
    Chain { links }
}

fn leg(id: Option<Uuid>, log: VoiceLog) -> Link {
    Link::Leg {
        id,
        log: Box::new(log),
    }
}

/// The legs among `candidates` (known locally: history, cache) whose parent is `id`, oldest
/// first, each once.
pub fn known_children<'a>(
    id: Uuid,
    candidates: impl IntoIterator<Item = (&'a Uuid, &'a VoiceLog)>,
) -> Vec<Uuid> {
    let mut found: Vec<(Option<chrono::DateTime<chrono::Utc>>, Uuid)> = candidates
        .into_iter()
        .filter(|(child, log)| **child != id && log.parent_uuid() == Some(id))
        .map(|(child, log)| (log.created_at.get(), *child))
        .collect();
    // Undated legs last; the ID breaks ties so that the order never depends on a map's.
    found.sort_by_key(|(at, child)| (at.is_none(), *at, *child));
    found.dedup_by_key(|(_, child)| *child);
    found.into_iter().map(|(_, child)| child).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{log, uuid};
    use serde_json::json;

    #[test]
    fn known_children_are_the_legs_pointing_here_oldest_first() {
        let parent = uuid(1);
        let logs = [
            (
                uuid(4),
                log(json!({"parent_id": parent.to_string(), "created_at": "2026-11-25T14:00:09Z"})),
            ),
            (
                uuid(2),
                log(json!({"parent_id": parent.to_string(), "created_at": "2026-11-25T14:00:01Z"})),
            ),
            (uuid(3), log(json!({"parent_id": uuid(9).to_string()}))),
            (
                uuid(5),
                log(json!({"parent_id": format!(" {} ", parent.to_string().to_uppercase())})),
            ),
            (uuid(1), log(json!({"parent_id": parent.to_string()}))),
            (uuid(6), log(json!({"parent_id": "nope"}))),
        ];
        let map: std::collections::HashMap<Uuid, VoiceLog> = logs.iter().cloned().collect();
        assert_eq!(known_children(parent, &map), [uuid(2), uuid(4), uuid(5)]);
        let twice = logs.iter().chain(&logs).map(|(k, v)| (k, v));
        assert_eq!(known_children(parent, twice), [uuid(2), uuid(4), uuid(5)]);
        assert!(known_children(uuid(7), &map).is_empty());
    }

    #[test]
    fn parent_ids_are_read_tolerantly() {
        assert!(matches!(parent_of(&log(json!({}))), Parent::None));
        assert!(matches!(
            parent_of(&log(json!({"parent_id": null}))),
            Parent::None
        ));
        assert!(matches!(
            parent_of(&log(json!({"parent_id": "  "}))),
            Parent::None
        ));
        assert!(
            matches!(parent_of(&log(json!({"parent_id": "x"}))), Parent::Invalid(s) if s == "x")
        );
        assert!(
            matches!(parent_of(&log(json!({"parent_id": [1]}))), Parent::Invalid(s) if s == "[1]")
        );
        assert!(
            matches!(parent_of(&log(json!({"parent_id": uuid(3).to_string()}))), Parent::Id(u) if u == uuid(3))
        );
    }
}
