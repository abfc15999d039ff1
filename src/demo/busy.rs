//! A busy space on loopback, for tests and benchmarks: the list and single-log endpoints of a
//! SignalWire space that logs thousands of calls an hour, with the latency of a real one.
//!
//! Rows are generated from a seed ([`BusyOptions::seed`]) at [`BusyOptions::rows_per_hour`] over
//! [`BusyOptions::days`]. The list pages newest first, follows the real API's paging (absolute
//! links, `links.next` with an opaque `page_token`, none on the last page) and narrows only by
//! `created_on`, `created_after` and `created_before`. Dates are read inclusively in UTC, as the
//! demo reads them. Whether full timestamps narrow further is undocumented for the real API, so
//! it is a setting here ([`BusyOptions::honour_timestamps`]): when set, `created_after=T` keeps
//! rows at or after `T` and `created_before=T` rows before `T`; when not, a timestamp is read as
//! its date. Every request served is counted ([`BusyServer::counts`], or `GET /busy/requests`
//! without credentials), so a benchmark can print how many requests a question cost.

mod space;

use super::list::invalid;
use crate::api::paths;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::json;
use crate::api::endpoint::Endpoint;
use crate::secret::Secret;
use space::Space;

/// The busy space's project ID.
pub const PROJECT_ID: &str = "b05e0000-0000-4000-8000-00000000b05e";
/// Its token. It opens only this test server.
pub const TOKEN: &str = "PTbusy-not-a-real-token";

/// How the busy space behaves.
#[derive(Debug, Clone)]
pub struct BusyOptions {
    /// Legs logged an hour (each call is one to three legs).
    pub rows_per_hour: u32,
    /// Days of history before [`BusyOptions::now`].
    pub days: u32,
    /// Extra time each list page takes (on top of [`BusyOptions::request_latency`]).
    pub page_latency: Duration,
    /// Time every API request takes, list or single log.
    pub request_latency: Duration,
    /// The largest `page_size` accepted; a larger one is a 422 naming `page_size`, as a space
    /// with a live maximum of 200 answers.
    pub page_size_cap: usize,
    /// The generator's seed: the same seed and `now` give the same rows.
    pub seed: u64,
    /// Whether full timestamps in `created_after`/`created_before` narrow to the instant.
    pub honour_timestamps: bool,
    /// The newest instant of the space (default: when the server starts).
    pub now: Option<DateTime<Utc>>,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

impl Default for BusyOptions {
    /// 2,000 legs an hour over three days, no latency, the documented page-size maximum.
    fn default() -> Self {
        Self {
            rows_per_hour: 2_000,
            days: 3,
            page_latency: Duration::ZERO,
            request_latency: Duration::ZERO,
            page_size_cap: 1_000,
            seed: 1,
            honour_timestamps: false,
            now: None,
            port: 0,
        }
    }
}

/// Requests served so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// List pages served (`GET /api/voice/logs`), refusals included.
    pub list: u64,
    /// Single logs served (`GET /api/voice/logs/{id}`), refusals included.
    pub item: u64,
    /// Event timelines served (`GET /api/voice/logs/{id}/events`, always empty here).
    pub events: u64,
    /// Rows sent in list pages.
    pub rows: u64,
}

#[derive(Debug, Default)]
struct Counters {
    list: AtomicU64,
    item: AtomicU64,
    events: AtomicU64,
    rows: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        for n in [&self.list, &self.item, &self.events, &self.rows] {
            n.store(0, Ordering::Relaxed);
        }
    }

    fn read(&self) -> Counts {
        Counts {
            list: self.list.load(Ordering::Relaxed),
            item: self.item.load(Ordering::Relaxed),
            events: self.events.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
        }
    }
}

struct Shared {
    space: Space,
    options: BusyOptions,
    authorization: String,
    base: String,
    counters: Counters,
}

/// A running busy space. It stops when dropped.
pub struct BusyServer {
    addr: SocketAddr,
    stop: CancellationToken,
    shared: Arc<Shared>,
    now: DateTime<Utc>,
}

impl std::fmt::Debug for BusyServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusyServer")
            .field("addr", &self.addr)
            .field("rows", &self.shared.space.legs.len())
            .finish_non_exhaustive()
    }
}

impl BusyServer {
    /// Generates the space and starts serving it on 127.0.0.1.
    pub async fn start(options: BusyOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
        let addr = listener.local_addr()?;
        let now = options.now.unwrap_or_else(Utc::now);
        let (seed, rate, days) = (options.seed, options.rows_per_hour, options.days);
        // Generating a few hundred thousand rows takes a while: not on the runtime's threads.
        let space = tokio::task::spawn_blocking(move || Space::generate(seed, now, rate, days))
            .await
            .map_err(std::io::Error::other)?;
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT_ID}:{TOKEN}"));
        let shared = Arc::new(Shared {
            space,
            options,
            authorization: format!("Basic {credentials}"),
            base: format!("http://{addr}"),
            counters: Counters::default(),
        });
        let app = Router::new()
            .route(paths::VOICE_LOGS, get(list))
            .route(paths::VOICE_LOG_ROUTE, get(item))
            .route(paths::VOICE_LOG_EVENTS_ROUTE, get(events))
            .route("/busy/requests", get(requests))
            .with_state(Arc::clone(&shared));
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(stopped.cancelled_owned())
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "busy server stopped");
            }
        });
        Ok(Self {
            addr,
            stop,
            shared,
            now,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// The server's endpoint, for a client.
    pub fn endpoint(&self) -> Endpoint {
        // A loopback http URL always validates.
        Endpoint::from_base_url(&self.base_url())
            .unwrap_or_else(|e| unreachable!("busy base URL refused: {e}"))
            .labelled("busy")
    }

    /// The project ID and token that open it.
    pub fn credentials(&self) -> (String, Secret) {
        (PROJECT_ID.to_owned(), Secret::new(TOKEN))
    }

    /// The newest instant of the space.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// How many rows the space holds.
    pub fn rows(&self) -> usize {
        self.shared.space.legs.len()
    }

    /// How many rows were created in `[from, to)`, to check a scan against.
    pub fn rows_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> usize {
        let r = self
            .shared
            .space
            .range(Some(from.timestamp_millis()), Some(to.timestamp_millis()));
        r.len()
    }

    /// The requests served so far.
    pub fn counts(&self) -> Counts {
        self.shared.counters.read()
    }

    /// Starts counting from zero again.
    pub fn reset_counts(&self) {
        self.shared.counters.reset();
    }
}

impl Drop for BusyServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// `GET /busy/requests`: the counts and the settings, for a benchmark script.
/// `?reset=true` zeroes the counts after reading them.
async fn requests(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Response {
    let counts = shared.counters.read();
    let o = &shared.options;
    let body = json!({
        "list": counts.list, "item": counts.item, "events": counts.events, "rows_sent": counts.rows,
        "rows": shared.space.legs.len(),
        "rows_per_hour": o.rows_per_hour, "days": o.days,
        "page_ms": o.page_latency.as_millis() as u64,
        "request_ms": o.request_latency.as_millis() as u64,
        "page_size_cap": o.page_size_cap,
        "honours_timestamps": o.honour_timestamps,
    });
    if raw.is_some_and(|q| q.split('&').any(|p| p == "reset=true")) {
        for n in [
            &shared.counters.list,
            &shared.counters.item,
            &shared.counters.rows,
        ] {
            n.store(0, Ordering::Relaxed);
        }
    }
    json(StatusCode::OK, body.to_string())
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(shared.authorization.as_str())
}

fn unauthorized() -> Response {
    json(StatusCode::UNAUTHORIZED, r#"{"error":"Unauthorized"}"#)
}

async fn item(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    shared.counters.item.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(shared.options.request_latency).await;
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    match shared.space.get(&id.to_ascii_lowercase()) {
        Some(body) => json(StatusCode::OK, body.to_owned()),
        None => json(StatusCode::NOT_FOUND, r#"{"error":"Not Found"}"#),
    }
}

/// A known leg's (empty) event timeline: the busy space generates no events, but a whole-call
/// view asks for them and must not see a 404.
async fn events(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    shared.counters.events.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(shared.options.request_latency).await;
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    match shared.space.get(&id.to_ascii_lowercase()) {
        Some(_) => json(StatusCode::OK, r#"{"data":[]}"#),
        None => json(StatusCode::NOT_FOUND, r#"{"error":"Not Found"}"#),
    }
}

/// `PA`, the offset and a check, so that a client must treat it as opaque.
fn token(offset: usize) -> String {
    let o = offset as u64;
    let check = o.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40;
    format!("PA{:016x}{check:06x}", o ^ 0xb05e)
}

fn offset_of(token: &str) -> Option<usize> {
    let hex = token.strip_prefix("PA")?;
    let o = u64::from_str_radix(hex.get(..16)?, 16).ok()? ^ 0xb05e;
    let check = u64::from_str_radix(hex.get(16..)?, 16).ok()?;
    (check == o.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40).then(|| usize::try_from(o).ok())?
}

/// A `created_*` value as `[start, end)` in Unix ms: a date is its whole UTC day; a timestamp
/// is its instant when timestamps are honoured, else its date. `None` when unreadable.
fn bound(value: &str, honour: bool) -> Option<(i64, i64)> {
    let day = |d: NaiveDate| {
        let start = d.and_hms_opt(0, 0, 0)?.and_utc();
        Some((
            start.timestamp_millis(),
            (start + TimeDelta::days(1)).timestamp_millis(),
        ))
    };
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return day(d);
    }
    let t = DateTime::parse_from_rfc3339(value)
        .ok()?
        .with_timezone(&Utc);
    if honour {
        Some((t.timestamp_millis(), t.timestamp_millis()))
    } else {
        day(t.date_naive())
    }
}

async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    shared.counters.list.fetch_add(1, Ordering::Relaxed);
    let o = &shared.options;
    tokio::time::sleep(o.request_latency + o.page_latency).await;
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let params: HashMap<String, String> =
        reqwest::Url::parse(&format!("http://busy/?{}", raw.unwrap_or_default()))
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
    let page_size = match params.get("page_size").map(|s| s.parse::<usize>()) {
        None => 50.min(o.page_size_cap),
        Some(Ok(n)) if (1..=o.page_size_cap.min(1_000)).contains(&n) => n,
        Some(_) => return invalid("page_size"),
    };
    // Each filter narrows `[from, to)`; dates are inclusive: after a date is from its start,
    // before a date is up to its end.
    let (mut from, mut to) = (None::<i64>, None::<i64>);
    for key in ["created_after", "created_before", "created_on"] {
        let Some(v) = params.get(key) else { continue };
        let Some((start, end)) = bound(v, o.honour_timestamps) else {
            return invalid(key);
        };
        let (lo, hi) = match key {
            "created_after" => (Some(start), None),
            "created_before" => (None, Some(end)),
            _ => (Some(start), Some(end)),
        };
        from = from.max(lo);
        to = match (to, hi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let range = shared.space.range(from, to);
    let offset = match params.get("page_token") {
        None => range.start,
        Some(t) => match offset_of(t) {
            Some(at) if range.contains(&at) => at,
            _ => return invalid("page_token"),
        },
    };
    let end = (offset + page_size).min(range.end);
    let rows = &shared.space.legs[offset..end];
    shared
        .counters
        .rows
        .fetch_add(rows.len() as u64, Ordering::Relaxed);
    let number = (offset - range.start) / page_size;
    let mut query: Vec<(&String, &String)> = params
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page_token" | "page_number"))
        .collect();
    query.sort();
    let link = |page: Option<(usize, usize)>| {
        let mut url = reqwest::Url::parse(&format!("{}{}", shared.base, paths::VOICE_LOGS))
            .unwrap_or_else(|e| unreachable!("busy base URL: {e}"));
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &query {
                q.append_pair(k, v);
            }
            if let Some((n, at)) = page {
                q.append_pair("page_number", &n.to_string());
                q.append_pair("page_token", &token(at));
            }
        }
        Value::String(url.to_string())
    };
    let mut links = serde_json::Map::new();
    let this = (offset > range.start).then_some((number, offset));
    links.insert("self".into(), link(this));
    links.insert("first".into(), link(None));
    if end < range.end {
        links.insert("next".into(), link(Some((number + 1, end))));
    }
    let mut body =
        String::with_capacity(rows.iter().map(|r| r.body.len() + 1).sum::<usize>() + 512);
    body.push_str("{\"links\":");
    body.push_str(&Value::Object(links).to_string());
    body.push_str(",\"data\":[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&r.body);
    }
    body.push_str("]}");
    json(StatusCode::OK, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_forgeries_are_refused() {
        for o in [0, 1, 999, 143_999] {
            assert_eq!(offset_of(&token(o)), Some(o));
        }
        assert_eq!(offset_of("PA0000000000000001000000"), None);
        assert_eq!(offset_of("PA"), None);
    }

    #[test]
    fn dates_are_whole_days_and_timestamps_depend_on_the_setting() {
        let day = bound("2026-12-01", false).unwrap();
        assert_eq!(day.1 - day.0, 86_400_000);
        let t = "2026-12-01T13:30:00Z";
        assert_eq!(bound(t, false), Some(day), "read as its date");
        let exact = bound(t, true).unwrap();
        assert_eq!(exact.0, exact.1);
        assert_eq!(exact.0 - day.0, 13 * 3_600_000 + 30 * 60_000);
        assert_eq!(bound("yesterday", true), None);
    }
}
