//! The whole call: from any leg, its root (walking parents as the chain does), every descendant
//! found by one scan of the list over the call's window, the total charge, and the legs' merged
//! timeline. The pure parts ([`tree`], [`total`], [`timeline::merge`]) know nothing of HTTP;
//! [`load`] drives them over the client. The inspector keeps what was loaded for the session
//! (`app::TreeState`); the command loads one call per run.

pub mod lines;
pub mod ticket;
pub mod timeline;
pub mod timeline_text;
pub mod total;
pub mod tree;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::api::list::{ListError, PageSizeMemory};
use crate::api::model::Outcome;
use crate::api::{ApiError, Client, VoiceLog};
use crate::chain::{self, Chain, Link};
use crate::list::scan::{self, Limits, Progress, Scanner, Stop};
use crate::query::Query;

pub use timeline::Timeline;
pub use total::Total;
pub use tree::{Leg, MAX_LEGS, Tree};

/// How long before the root's creation the window starts (clocks and row times disagree).
pub const BEFORE: Duration = Duration::minutes(2);
/// How long after the root's end the window goes on (late legs, slow row updates).
pub const AFTER: Duration = Duration::minutes(10);
/// The length assumed for a root whose duration is unknown or still growing.
pub const UNKNOWN_LENGTH: Duration = Duration::hours(4);
/// The longest a root's own duration stretches the window.
pub const MAX_LENGTH: Duration = Duration::hours(24);
/// The most rows one call's scan reads.
pub const MAX_SCAN: usize = 100_000;

/// How the scan of the call's window went.
#[derive(Debug, Clone)]
pub struct ScanReport {
    /// The window scanned: `[since, until)`.
    pub window: (DateTime<Utc>, DateTime<Utc>),
    /// How far it got.
    pub progress: Progress,
    /// Why it stopped.
    pub end: Result<Stop, ListError>,
}

/// A whole call as loaded.
#[derive(Debug, Clone)]
pub struct Call {
    /// The leg the user asked about.
    pub asked: Uuid,
    /// The walk up from it.
    pub chain: Chain,
    /// The legs.
    pub tree: Tree,
    /// The scan, or `None` when no leg of the chain says when it was created.
    pub scan: Option<ScanReport>,
    /// The merged timeline, when asked for.
    pub timeline: Option<Timeline>,
}

impl Call {
    /// The total of the tree's legs.
    pub fn total(&self) -> Total {
        total::total(&self.tree.legs)
    }

    /// Whether nothing cut the tree short: the walk up reached a leg without a parent (or a
    /// loop), the scan read every page of the window, no cap was reached, and every leg's events
    /// came (when asked for).
    pub fn is_complete(&self) -> bool {
        let walked = self
            .chain
            .links
            .first()
            .is_some_and(|l| matches!(l, Link::Leg { .. } | Link::Cycle { .. }));
        let scanned = matches!(
            self.scan.as_ref().map(|s| &s.end),
            Some(Ok(Stop::LastPage | Stop::PastWindow))
        );
        let events = self.timeline.as_ref().is_none_or(|t| t.failed.is_empty());
        walked && scanned && events && !self.tree.capped()
    }

    /// Whether a leg of the call is still in progress, so that it is worth loading again.
    pub fn is_live(&self) -> bool {
        self.tree.is_live()
    }
}

/// The window a call's legs were created in: from 2 minutes before the root to 10 minutes
/// after its end (4 hours after its start when its length is unknown or it is still going).
pub fn window(root: &VoiceLog) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = root.created_at.get()?;
    let length = match crate::query::duration_ms(root) {
        // A day at most: a hostile duration must not turn one call into a scan of years.
        Some(ms) if ms >= 0 && root.outcome() != Outcome::Live => {
            Duration::milliseconds(ms.min(MAX_LENGTH.num_milliseconds()))
        }
        _ => UNKNOWN_LENGTH,
    };
    let since = start.checked_sub_signed(BEFORE)?;
    let until = start.checked_add_signed(length + AFTER)?;
    Some((since, until))
}

/// Why a call could not be loaded at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// The leg asked about could not be fetched.
    #[error(transparent)]
    Leg(#[from] ApiError),
}

/// Loads the call `id` belongs to: the leg, its root, one scan of the window, and (when
/// `events`) every leg's events. `memory` carries the page size the server accepted.
pub async fn load(
    client: &Client,
    id: Uuid,
    memory: PageSizeMemory,
    events: bool,
) -> Result<Call, CallError> {
    load_within(client, id, memory, events.then_some(timeline::WITHIN)).await
}

/// [`load`], the legs' events fetched (when `events` is given) within that long in all.
pub async fn load_within(
    client: &Client,
    id: Uuid,
    memory: PageSizeMemory,
    events: Option<std::time::Duration>,
) -> Result<Call, CallError> {
    let find = |query, limits| async move {
        scan::run(client, Scanner::new(query, limits), memory, |_| {}).await
    };
    load_with(client, id, events, find).await
}

/// [`load_within`], the legs in the call's window found by `find` (given the window as a
/// query and the limits): a plain scan of the list, or a search that reads what the local
/// index does not hold.
pub async fn load_with<F, Fut>(
    client: &Client,
    id: Uuid,
    events: Option<std::time::Duration>,
    find: F,
) -> Result<Call, CallError>
where
    F: FnOnce(Query, Limits) -> Fut,
    Fut: std::future::Future<Output = scan::Scan>,
{
    let start = client.fetch_log(id).await?.log;
    let chain = chain::resolve(
        &start,
        |p| async move { client.fetch_log(p).await.map(|f| f.log) },
        chain::MAX_HOPS,
    )
    .await;
    let chain_legs: Vec<Leg> = chain
        .legs()
        .map(|(leg_id, log)| Leg {
            id: leg_id.or_else(|| log.id.get()).unwrap_or(id),
            parent: log.parent_uuid(),
            depth: 0,
            log: log.clone(),
        })
        .collect();
    // The chain always holds the leg asked about, so there is a topmost leg.
    let root = chain_legs.first().cloned().unwrap_or_else(|| Leg {
        id,
        parent: start.parent_uuid(),
        depth: 0,
        log: start.clone(),
    });
    let anchor = chain_legs.iter().find_map(|l| window(&l.log));
    let mut known: HashSet<Uuid> = chain_legs.iter().map(|l| l.id).collect();
    // The fetched legs come first, so that their copies (fresher than the list's) are kept.
    let mut rows: Vec<Leg> = chain_legs.into_iter().skip(1).collect();
    let mut report = None;
    if let Some((since, until)) = anchor {
        let query = Query {
            since: Some(since),
            until: Some(until),
            ..Query::default()
        };
        let limits = Limits {
            limit: MAX_SCAN,
            max_scan: MAX_SCAN,
        };
        let scan = find(query, limits).await;
        for row in &scan.rows {
            if let Ok(id) = Uuid::try_parse(row.cell("id").trim()) {
                known.insert(id);
            }
            // Only a leg with a parent can be part of a tree below a root.
            if row.cell("parent_id").trim().is_empty() {
                continue;
            }
            if let Ok(raw) = serde_json::from_str(&row.raw)
                && let Some(leg) = Leg::of(VoiceLog::from_object(raw))
            {
                rows.push(leg);
            }
        }
        report = Some(ScanReport {
            window: (since, until),
            progress: scan.progress,
            end: scan.end,
        });
    }
    // The leg asked about and the legs above it stay in the tree whatever the cap.
    let keep: HashSet<Uuid> = chain
        .links
        .iter()
        .filter_map(|l| match l {
            Link::Leg { log, .. } => log.id.get(),
            _ => None,
        })
        .chain([id])
        .collect();
    let tree = tree::build_keeping(root, rows, &known, MAX_LEGS, &keep);
    let timeline = match events {
        Some(within) => Some(timeline::fetch_within(client, &tree, within).await),
        None => None,
    };
    Ok(Call {
        asked: id,
        chain,
        tree,
        scan: report,
        timeline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::log;
    use serde_json::json;

    #[test]
    fn the_window_runs_from_before_the_root_to_after_its_end() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let done = log(
            json!({"created_at": "2026-11-25T14:00:00Z", "duration_ms": 60_000,
            "status": "completed"}),
        );
        assert_eq!(
            window(&done),
            Some((at("2026-11-25T13:58:00Z"), at("2026-11-25T14:11:00Z")))
        );
        let live = log(
            json!({"created_at": "2026-11-25T14:00:00Z", "duration_ms": 60_000,
            "status": "in-progress"}),
        );
        assert_eq!(window(&live).unwrap().1, at("2026-11-25T18:10:00Z"));
        let unknown = log(json!({"created_at": "2026-11-25T14:00:00Z"}));
        assert_eq!(window(&unknown).unwrap().1, at("2026-11-25T18:10:00Z"));
        assert_eq!(window(&log(json!({}))), None);
        let huge = log(
            json!({"created_at": "2026-11-25T14:00:00Z", "duration_ms": i64::MAX,
            "status": "completed"}),
        );
        assert_eq!(window(&huge).unwrap().1, at("2026-11-26T14:10:00Z"));
        let edge = log(json!({"created_at": "+262142-12-31T23:59:59Z"}));
        assert_eq!(window(&edge), None, "no panic at the end of time");
    }
}
