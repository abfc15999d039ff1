//! The demo's `GET /api/voice/logs`: several hundred generated logs over the seven days before
//! the server started, plus the demo records, newest first, paged as the real API pages
//! (opaque `page_token`, absolute links, no `next` on the last page, `page_size` 1..1000 or a
//! 422 naming it, the `created_*` date filters).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};

use super::json;

/// How many logs the demo generates by default.
pub const GENERATED: usize = 600;

/// The number the README searches for; it appears as `from`, `to`, in SIP URIs and WhatsApp.
pub const EXAMPLE_NUMBER: &str = "+14155550123";

/// The list's rows, newest first, each with its time and body.
#[derive(Debug)]
pub struct Logs {
    rows: Vec<(Option<DateTime<Utc>>, bool, String)>,
    by_id: HashMap<String, usize>,
}

impl Logs {
    /// `count` generated logs (relative to `now`) merged with the demo `records`.
    pub fn new(now: DateTime<Utc>, records: &[&str], count: usize) -> Self {
        // The calls of several legs come with the generated logs (staging has neither).
        let multi = if count == 0 {
            Vec::new()
        } else {
            super::multi::legs(now)
        };
        let mut rows: Vec<(Option<DateTime<Utc>>, bool, String)> = generate(now, count)
            .into_iter()
            .chain(multi)
            .map(|v| (created(&v), false, v.to_string()))
            .collect();
        for body in records {
            let Ok(v) = serde_json::from_str::<Value>(body) else {
                continue;
            };
            let deleted = v.get("discarded_at").is_some();
            rows.push((created(&v), deleted, v.to_string()));
        }
        // Newest first; rows without a date last, as a server would have to put them somewhere.
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        let by_id = rows
            .iter()
            .enumerate()
            .filter_map(|(i, (_, _, body))| {
                let v: Value = serde_json::from_str(body).ok()?;
                Some((v.get("id")?.as_str()?.to_owned(), i))
            })
            .collect();
        Self { rows, by_id }
    }

    /// A generated log's body by ID, for the single-log endpoint.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(|i| self.rows[*i].2.as_str())
    }
}

fn created(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.get("created_at")?.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// splitmix64: deterministic, tiny, and good enough to scatter demo data.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn uuid(seed: u64) -> String {
    uuid_of(mix(seed), mix(seed ^ 0xdead_beef))
}

/// A version-4-shaped UUID made of the bits `a` and `b`, for generated demo rows.
pub(super) fn uuid_of(a: u64, b: u64) -> String {
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// `count` generated logs, newest first, spread over the seven days before `now`. Each sits in
/// a slot of a grid fixed in time (not counted back from `now`), and its ID, time and contents
/// come from its slot: the same ID has the same row in every run and on every day it is listed,
/// so a lookup made yesterday still matches its row today.
fn generate(now: DateTime<Utc>, count: usize) -> Vec<Value> {
    const TYPES: [&str; 5] = [
        "relay_pstn_call",
        "laml_call",
        "relay_sip_call",
        "relay_webrtc_call",
        "relay_pstn_call",
    ];
    const STATUSES: [&str; 6] = [
        "completed",
        "completed",
        "failed",
        "busy",
        "no-answer",
        "completed",
    ];
    let span: u64 = 7 * 24 * 3600 - 60;
    // Zero means none: staging lists only its own records.
    if count == 0 {
        return Vec::new();
    }
    let count = count as u64;
    // One slot more than rows: the newest slot may have only begun.
    let step = (span / (count + 1)).max(1);
    let newest = u64::try_from(now.timestamp()).unwrap_or(0) / step;
    (0..count)
        .map(|n| {
            let i = newest.saturating_sub(n);
            let r = mix(i);
            // A slot's row is in the slot before its start, jittered under one step: rows stay
            // newest first and never after `now`.
            let secs = (i * step).saturating_sub(30 + r % step);
            let at =
                DateTime::<Utc>::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).unwrap_or(now);
            let kind = TYPES[(r >> 8) as usize % TYPES.len()];
            let status = STATUSES[(r >> 16) as usize % STATUSES.len()];
            let other = format!("+1{:03}555{:04}", 200 + (r >> 24) % 700, (r >> 40) % 10_000);
            let (from, to) = match (i % 25, kind) {
                (0, _) => (EXAMPLE_NUMBER.to_owned(), other),
                (5, _) => (other, format!("sip:{EXAMPLE_NUMBER}@pbx.example.com")),
                (10, _) => (other, format!("whatsapp:{EXAMPLE_NUMBER}")),
                (15, _) => (other, EXAMPLE_NUMBER.to_owned()),
                // A near miss: one digit off, never found by a search for the example.
                (20, _) => ("+14155550124".to_owned(), other),
                (_, "relay_sip_call") => (
                    format!("sip:agent{}@pbx.example.com", r % 40),
                    format!("sip:{other}@carrier.example.net"),
                ),
                (_, "relay_webrtc_call") => (format!("agent-{}", r % 40), other),
                _ if r.is_multiple_of(2) => (other, "+12065553434".to_owned()),
                _ => ("+12065553434".to_owned(), other),
            };
            let answered = status == "completed";
            let ms = if answered { 5_000 + r % 600_000 } else { 0 };
            let billed = ms.div_ceil(60_000) * 60_000;
            let charge = (billed / 60_000) as f64 * 0.0085;
            let direction = if r.is_multiple_of(3) {
                "inbound"
            } else {
                "outbound-api"
            };
            json!({
                "id": uuid(i),
                "from": from,
                "to": to,
                "source": if kind == "laml_call" { "laml" } else { "realtime_api" },
                "charge": charge,
                "charge_details": [],
                "created_at": at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                "type": kind,
                "url": null,
                "direction": direction,
                "status": status,
                "duration": ms / 1000,
                "duration_ms": ms,
                "billing_ms": if answered { json!(billed) } else { Value::Null },
                "parent_id": null,
            })
        })
        .collect()
}

#[derive(Clone)]
struct ListState {
    /// Each space's `Authorization` header and its logs: a project lists only its own.
    spaces: Arc<Vec<(String, Arc<Logs>)>>,
    base: String,
    /// The calls arriving while the server runs, listed in the first space.
    arrivals: Option<super::arrivals::Arrivals>,
}

/// The list route, with its own state: `spaces` pairs each accepted `Authorization` header
/// with the logs it lists; the first space also lists `arrivals`, newest of all.
pub fn router(
    spaces: Vec<(String, Arc<Logs>)>,
    base: String,
    arrivals: Option<super::arrivals::Arrivals>,
) -> Router {
    Router::new()
        .route(crate::api::paths::VOICE_LOGS, get(list))
        .with_state(ListState {
            spaces: Arc::new(spaces),
            base,
            arrivals,
        })
}

/// A 422 naming `attribute`, as the API words it.
pub(super) fn invalid(attribute: &str) -> Response {
    let body = json!({"errors": [{
        "type": "validation_error",
        "code": "invalid_parameter",
        "message": "Parameter value is invalid",
        "attribute": attribute,
        "url": "https://developer.signalwire.com/rest/overview/error-codes#invalid_parameter"
    }]});
    json(StatusCode::UNPROCESSABLE_ENTITY, body.to_string())
}

/// `PA` and the offset, scrambled so that clients treat it as opaque, as they must.
fn token(offset: usize) -> String {
    let o = offset as u64;
    format!("PA{:016x}{:08x}", o ^ 0x5ca1_ab1e, mix(o) & 0xffff_ffff)
}

fn offset_of(token: &str) -> Option<usize> {
    let hex = token.strip_prefix("PA")?;
    let o = u64::from_str_radix(hex.get(..16)?, 16).ok()? ^ 0x5ca1_ab1e;
    let check = u64::from_str_radix(hex.get(16..)?, 16).ok()?;
    (check == mix(o) & 0xffff_ffff).then(|| usize::try_from(o).ok())?
}

async fn list(
    State(state): State<ListState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params: HashMap<String, String> =
        reqwest::Url::parse(&format!("http://demo/?{}", raw.unwrap_or_default()))
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some((space, logs)) = state
        .spaces
        .iter()
        .enumerate()
        .find(|(_, (authorization, _))| Some(authorization.as_str()) == given)
        .map(|(i, (_, logs))| (i, Arc::clone(logs)))
    else {
        return json(StatusCode::UNAUTHORIZED, r#"{"error":"Unauthorized"}"#);
    };
    let page_size = match params.get("page_size").map(|s| s.parse::<usize>()) {
        None => 50,
        Some(Ok(n @ 1..=1000)) => n,
        Some(_) => return invalid("page_size"),
    };
    // The error is the name of the parameter at fault.
    let date = |k: &'static str| -> Result<Option<DateTime<Utc>>, &'static str> {
        match params.get(k) {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| Some(t.and_utc()))
                .ok_or(k),
        }
    };
    let (after, before, on) = match (
        date("created_after"),
        date("created_before"),
        date("created_on"),
    ) {
        (Ok(a), Ok(b), Ok(o)) => (a, b, o),
        (Err(k), _, _) | (_, Err(k), _) | (_, _, Err(k)) => return invalid(k),
    };
    let deleted = params.get("include_deleted").is_some_and(|v| v == "true");
    let day = Duration::days(1);
    // The demo reads the dates inclusively, in UTC: one of the readings a client must allow for.
    let keep = |t: &Option<DateTime<Utc>>| match t {
        Some(t) => {
            after.is_none_or(|a| *t >= a)
                && before.is_none_or(|b| *t < b + day)
                && on.is_none_or(|o| *t >= o && *t < o + day)
        }
        None => after.is_none() && before.is_none() && on.is_none(),
    };
    let offset = match params.get("page_token") {
        None => 0,
        Some(t) => match offset_of(t) {
            Some(o) => o,
            None => return invalid("page_token"),
        },
    };
    let arrived = match state.arrivals.filter(|_| space == 0) {
        Some(a) => a.rows(Utc::now()),
        None => Vec::new(),
    };
    let matching: Vec<&str> = arrived
        .iter()
        .filter(|(t, _)| keep(&Some(*t)))
        .map(|(_, body)| body.as_str())
        .chain(
            logs.rows
                .iter()
                .filter(|(t, d, _)| (deleted || !d) && keep(t))
                .map(|(_, _, body)| body.as_str()),
        )
        .collect();
    let page: Vec<&str> = matching
        .iter()
        .skip(offset)
        .take(page_size)
        .copied()
        .collect();
    let number = offset / page_size;
    let mut query: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page_token" | "page_number"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    query.sort();
    let link = |extra: Option<(usize, usize)>| {
        let mut url =
            reqwest::Url::parse(&format!("{}{}", state.base, crate::api::paths::VOICE_LOGS))
                .unwrap_or_else(|e| unreachable!("demo base URL: {e}"));
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &query {
                q.append_pair(k, v);
            }
            if let Some((n, o)) = extra {
                q.append_pair("page_number", &n.to_string());
                q.append_pair("page_token", &token(o));
            }
        }
        Value::String(url.to_string())
    };
    let mut links = serde_json::Map::new();
    links.insert(
        "self".into(),
        link((offset > 0).then_some((number, offset))),
    );
    links.insert("first".into(), link(None));
    let next = offset + page_size;
    if next < matching.len() {
        links.insert("next".into(), link(Some((number + 1, next))));
    }
    if offset > 0 {
        let prev = offset.saturating_sub(page_size);
        links.insert(
            "prev".into(),
            link((prev > 0).then_some((number.saturating_sub(1), prev))),
        );
    }
    let body = format!(
        "{{\"links\":{},\"data\":[{}]}}",
        Value::Object(links),
        page.join(",")
    );
    json(StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_forgeries_are_refused() {
        for o in [0, 1, 50, 999, 123_456] {
            assert_eq!(offset_of(&token(o)), Some(o));
        }
        assert_eq!(offset_of("PA0000000000000001deadbeef"), None);
        assert_eq!(offset_of("nope"), None);
        assert_eq!(offset_of("PA界"), None);
    }

    /// Demo calls' times moved between runs (they were counted back from the start): a row
    /// opened in one run had another time, or was another call, in the next.
    #[test]
    fn a_generated_log_keeps_its_id_and_time_from_run_to_run_and_day_to_day() {
        let now = Utc::now();
        let rows = |at: DateTime<Utc>| -> HashMap<String, Value> {
            generate(at, GENERATED)
                .into_iter()
                .map(|v| (v["id"].as_str().unwrap_or_default().to_owned(), v))
                .collect()
        };
        let today = rows(now);
        for later in [Duration::minutes(7), Duration::hours(5), Duration::days(1)] {
            let then = rows(now + later);
            let same: Vec<&String> = today.keys().filter(|id| then.contains_key(*id)).collect();
            assert!(
                same.len() > GENERATED / 2,
                "{later}: {} rows kept",
                same.len()
            );
            for id in same {
                assert_eq!(today[id], then[id], "{later}: {id} is the same call");
            }
        }
    }

    #[test]
    fn generated_logs_are_deterministic_and_newest_first() {
        let now = Utc::now();
        let a = generate(now, GENERATED);
        assert_eq!(a, generate(now, GENERATED));
        assert_eq!(a.len(), GENERATED);
        let times: Vec<_> = a.iter().map(|v| created(v).unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]));
        assert!(now - times[times.len() - 1] <= Duration::days(7));
        assert!(times[0] <= now, "none in the future");
        let spelled = |s: &str| a.iter().filter(|v| v.to_string().contains(s)).count();
        assert!(spelled("sip:+14155550123@") > 0 && spelled("whatsapp:+14155550123") > 0);
    }
}
