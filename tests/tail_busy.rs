//! The tail on a space so busy that a call still going is pushed past the pages a poll reads
//! (three) by the calls that arrive after it: its end must still be seen. And the inspector's
//! `f` gives up on a call that never ends after the configured `live_max_age_hours`, as
//! `swlog tail` does. Both against servers of ours on 127.0.0.1.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use swlog::query::Query;
use swlog::search::IndexHandle;
use swlog::tail::{Event, Options, Tail, is_final};
use tokio_util::sync::CancellationToken;

use common::client_at;

/// Rows a page holds at most, whatever is asked: three pages are fifteen rows.
const PAGE: usize = 5;

/// A busy space: a call every `every` from the start, each over at once, and one watched call
/// (`id(1)`) that arrives at `watched_at` and goes on until `ends_at`.
struct Busy {
    started: DateTime<Utc>,
    every: TimeDelta,
    watched_at: TimeDelta,
    ends_at: TimeDelta,
    /// At `ends_at` the watched call is gone (a 404 by ID) instead of over.
    vanishes: bool,
    lists: AtomicU64,
    gets: AtomicU64,
    base: std::sync::OnceLock<String>,
}

fn id(n: u32) -> String {
    format!("{n:08}-0000-4000-8000-{n:012}")
}

fn row(n: u32, at: DateTime<Utc>, status: &str) -> Value {
    json!({
        "id": id(n), "created_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "type": "relay_pstn_call", "from": "+14155550123", "to": "+12065553434",
        "direction": "inbound", "status": status,
        "duration_ms": if status == "completed" { 1000 } else { 0 },
        "charge": 0.0, "parent_id": null,
    })
}

impl Busy {
    /// Every row there is at `now`, newest first.
    fn rows(&self, now: DateTime<Utc>) -> Vec<Value> {
        let mut rows = Vec::new();
        let arrived = (now - self.started).num_milliseconds() / self.every.num_milliseconds();
        for k in (0..arrived).rev() {
            let at = self.started + self.every * i32::try_from(k + 1).unwrap();
            rows.push((at, row(100 + u32::try_from(k).unwrap(), at, "completed")));
        }
        let at = self.started + self.watched_at;
        let gone = self.vanishes && now - self.started >= self.ends_at;
        if now >= at && !gone {
            rows.push((at, self.watched(now)));
        }
        rows.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        rows.into_iter().map(|(_, r)| r).collect()
    }

    fn watched(&self, now: DateTime<Utc>) -> Value {
        let over = now - self.started >= self.ends_at;
        let status = if over { "completed" } else { "in-progress" };
        row(1, self.started + self.watched_at, status)
    }
}

/// A JSON answer.
fn json_of(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The page's cursor (`page_token`): rows created before this many milliseconds since the
/// epoch.
fn cursor(query: Option<&str>) -> Option<i64> {
    query?
        .split('&')
        .find_map(|kv| kv.strip_prefix("page_token="))
        .and_then(|v| v.parse().ok())
}

async fn list(State(busy): State<Arc<Busy>>, RawQuery(query): RawQuery) -> Response {
    busy.lists.fetch_add(1, Ordering::Relaxed);
    let before = cursor(query.as_deref());
    let rows: Vec<Value> = busy
        .rows(Utc::now())
        .into_iter()
        .filter(|r| before.is_none_or(|b| millis(r) < b))
        .take(PAGE)
        .collect();
    let mut links = json!({});
    if rows.len() == PAGE {
        let last = millis(rows.last().unwrap());
        let base = busy.base.get().unwrap();
        links["next"] = json!(format!(
            "{base}{}?page_token={last}&page_size={PAGE}",
            swlog::api::paths::VOICE_LOGS
        ));
    }
    json_of(StatusCode::OK, &json!({"links": links, "data": rows}))
}

fn millis(r: &Value) -> i64 {
    DateTime::parse_from_rfc3339(r["created_at"].as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

async fn one(State(busy): State<Arc<Busy>>, Path(wanted): Path<String>) -> Response {
    busy.gets.fetch_add(1, Ordering::Relaxed);
    let now = Utc::now();
    match busy.rows(now).into_iter().find(|r| r["id"] == wanted) {
        Some(r) => json_of(StatusCode::OK, &r),
        None => json_of(StatusCode::NOT_FOUND, &json!({"error": "Not Found"})),
    }
}

async fn serve(busy: Arc<Busy>) -> (SocketAddr, CancellationToken) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    busy.base.set(format!("http://{addr}")).unwrap();
    let app = Router::new()
        .route(swlog::api::paths::VOICE_LOGS, get(list))
        .route(swlog::api::paths::VOICE_LOG_ROUTE, get(one))
        .with_state(busy);
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(stopped.cancelled_owned())
            .await;
    });
    (addr, stop)
}

/// Options scaled down ten times: polls every 100 ms, ten requests a second at most.
fn quick() -> Options {
    Options {
        request_every: Duration::from_millis(100),
        backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(400),
        ..Options::default()
    }
    .every(Duration::from_millis(100))
}

#[tokio::test]
async fn a_call_pushed_past_the_pages_read_is_read_again_and_its_end_is_seen() {
    // Fifty calls a second: fifteen rows (three pages) are 300 ms; the watched call ends
    // 1.5 s after it arrived, when more than fifty calls have arrived after it.
    let busy = Arc::new(Busy {
        started: Utc::now(),
        every: TimeDelta::milliseconds(20),
        watched_at: TimeDelta::milliseconds(150),
        ends_at: TimeDelta::milliseconds(1650),
        vanishes: false,
        lists: AtomicU64::default(),
        gets: AtomicU64::default(),
        base: std::sync::OnceLock::new(),
    });
    let (addr, _stop) = serve(Arc::clone(&busy)).await;
    let clock = swlog::present::format::Clock::system();
    let query = Query::parse("", &clock).unwrap();
    let mut tail = Tail::new(
        &client_at(&format!("http://{addr}")),
        IndexHandle::off(),
        query,
        quick(),
    );
    let begun = tokio::time::Instant::now();
    let end = begun + Duration::from_secs(3);
    let mut events = Vec::new();
    while let Ok(Ok(got)) = tokio::time::timeout_at(end, tail.next()).await {
        events.extend(got);
    }
    let watched = id(1);
    let is_watched = |r: &swlog::list::Row| r.cell("id") == watched;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::New(r) if is_watched(r) && !is_final(r))),
        "the watched call was seen going: {} events",
        events.len()
    );
    let ended: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Changed { row, .. } if is_watched(row) && is_final(row)))
        .collect();
    assert_eq!(ended.len(), 1, "its end is said once");
    let gets = busy.gets.load(Ordering::Relaxed);
    assert!(gets >= 1, "it was read again by its ID");
    // Ten requests a second at most, as scaled: 3 s × 10 plus the bucket's burst of two.
    let requests = busy.lists.load(Ordering::Relaxed) + gets;
    assert_eq!(requests, tail.requests());
    let allowed = begun.elapsed().as_millis() / 100 + 2;
    assert!(
        u128::from(requests) <= allowed,
        "{requests} requests, {allowed} allowed"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Failed { .. })),
        "{events:?}"
    );
}

/// A watched call the server no longer has (404 by its ID) is no longer watched: the tail does
/// not ask for it again and again, and goes back to the idle interval.
#[tokio::test]
async fn a_watched_call_the_server_no_longer_has_is_no_longer_watched() {
    let busy = Arc::new(Busy {
        started: Utc::now(),
        every: TimeDelta::milliseconds(20),
        watched_at: TimeDelta::milliseconds(150),
        ends_at: TimeDelta::milliseconds(1000),
        vanishes: true,
        lists: AtomicU64::default(),
        gets: AtomicU64::default(),
        base: std::sync::OnceLock::new(),
    });
    let (addr, _stop) = serve(Arc::clone(&busy)).await;
    let clock = swlog::present::format::Clock::system();
    let options = Options {
        idle_every: Duration::from_millis(300),
        ..quick()
    };
    let mut tail = Tail::new(
        &client_at(&format!("http://{addr}")),
        IndexHandle::off(),
        Query::parse("", &clock).unwrap(),
        options,
    );
    let end = tokio::time::Instant::now() + Duration::from_millis(2500);
    let mut events = Vec::new();
    let mut gets_when_gone = None;
    while let Ok(Ok(got)) = tokio::time::timeout_at(end, tail.next()).await {
        events.extend(got);
        if Utc::now() - busy.started > TimeDelta::milliseconds(1600) {
            gets_when_gone.get_or_insert(busy.gets.load(Ordering::Relaxed));
        }
    }
    let watched = id(1);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::New(r) if r.cell("id") == watched)),
        "it was watched"
    );
    assert!(
        !events.iter().any(|e| matches!(e, Event::Failed { .. })),
        "a 404 for one call is not a failed poll: {events:?}"
    );
    let before = gets_when_gone.unwrap();
    assert_eq!(
        busy.gets.load(Ordering::Relaxed),
        before,
        "not asked for again once gone"
    );
    assert_eq!(
        tail.interval(),
        Duration::from_millis(300),
        "nothing watched"
    );
}

/// A space with one call, two hours old and still going.
async fn stuck(State(started): State<DateTime<Utc>>) -> Response {
    let at = started - TimeDelta::hours(2);
    json_of(
        StatusCode::OK,
        &json!({"links": {}, "data": [row(7, at, "in-progress")]}),
    )
}

/// The inspector follows with the session's `live_max_age_hours`: at one hour, a call two hours
/// old and still going is given up on at the first poll, so nothing is left going and the
/// follow polls at the idle interval (5 s); with the default six hours it would be watched
/// (every 2 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_follows_with_the_configured_live_max_age() {
    use crossterm::event::{Event as Term, KeyCode, KeyEvent, KeyModifiers};
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route(swlog::api::paths::VOICE_LOGS, get(stuck))
        .with_state(Utc::now());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let server = swlog::demo::DemoServer::start(swlog::demo::DemoOptions::default())
        .await
        .unwrap();
    let mut session = common::harness::demo_session(server, None);
    session.client = client_at(&format!("http://{addr}"));
    session.settings.live_max_age = Duration::from_secs(3600);
    let h = common::harness::Harness::start_session(session, 120, 40, false, None);
    h.send(Term::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text("since:3h");
    h.press(KeyCode::Enter);
    h.wait_for("the search to end", |s| s.contains("· done"))
        .await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('f'));
    // The interval shows once the first poll has set it (before, the status has none).
    let screen = h
        .wait_for("the first poll", |s| s.contains("following · every"))
        .await;
    assert!(
        screen.contains("following · every 5 s"),
        "the two-hour-old call is given up on at one hour:\n{screen}"
    );
}
