//! The JSON form of a log with its events and chain (`--format json --events --chain`).

use serde_json::{Map, Value, json};

use super::Output;
use crate::api::{ApiError, Fetched, FetchedEvents};
use crate::chain::{Chain, Link};

/// `{"log": body, "events": data, "chain": links}` with the parts that were asked for. The
/// events are the body's `data` as received; none recorded (404) is `[]`; a failed lookup is
/// `null` with `events_error` beside it.
pub(super) fn json_with_extras(
    fetched: &Fetched,
    events: &Option<Result<FetchedEvents, ApiError>>,
    chain: &Option<Chain>,
    output: Output,
) -> Value {
    let mut item = Map::new();
    item.insert("log".into(), Value::Object(fetched.log.raw.clone()));
    if output.events {
        match events {
            Some(Ok(e)) => {
                item.insert("events".into(), e.events.data());
            }
            Some(Err(ApiError::NotFound { .. })) => {
                item.insert("events".into(), json!([]));
            }
            Some(Err(e)) => {
                item.insert("events".into(), Value::Null);
                item.insert("events_error".into(), error_json(e));
            }
            None => {}
        }
    }
    if output.chain
        && let Some(chain) = chain
    {
        item.insert("chain".into(), chain_json(chain));
    }
    Value::Object(item)
}

fn error_json(e: &ApiError) -> Value {
    json!({"error": e.short(), "message": e.to_string()})
}

/// The chain's links, first leg first, each with a `link` saying what it is.
fn chain_json(chain: &Chain) -> Value {
    let links = chain.links.iter().map(|link| match link {
        Link::Leg { id, log } => {
            let raw = |k: &str| log.raw.get(k).cloned().unwrap_or(Value::Null);
            json!({
                "link": "leg",
                "id": id.map(|u| u.to_string()),
                "type": raw("type"),
                "status": raw("status"),
                "from": raw("from"),
                "to": raw("to"),
                "parent_id": raw("parent_id"),
            })
        }
        Link::Missing { id, why } => {
            json!({"link": "missing", "id": id.to_string(), "error": why.short(), "message": why.to_string()})
        }
        Link::Cycle { id } => json!({"link": "cycle", "id": id.to_string()}),
        Link::Truncated { next, after } => {
            json!({"link": "truncated", "next": next.to_string(), "after": after})
        }
        Link::InvalidParent(s) => json!({"link": "invalid_parent", "parent_id": s}),
    });
    Value::Array(links.collect())
}
