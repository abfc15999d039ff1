//! `swlog tail` against a small space of ours on 127.0.0.1 where a call arrives every so often:
//! what is printed (new calls once, again when final, none of the old), how often it asks, how
//! it waits out a 429, a 503 and a server that goes away, a call that never ends, and how it
//! ends (SIGTERM, a closed pipe). The engine's own tests run with short intervals; one run of
//! the binary keeps the real ones for twenty seconds, since only that checks the request rate.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use swlog::cmd::tail::{TailFormat, follow};
use swlog::query::Query;
use swlog::search::IndexHandle;
use swlog::tail::{Event, Options, Tail};
use tokio_util::sync::CancellationToken;

use common::{Swlog, client_at};

/// A failure the space answers with, once, instead of a page.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// 503.
    Unavailable,
}

/// The space's calls: a few from before the tail starts, then one every `every`, each going on
/// for `lasts`, every other one failing. Call 0 never ends when `never_ends`.
struct Space {
    started: DateTime<Utc>,
    every: TimeDelta,
    lasts: TimeDelta,
    never_ends: bool,
    faults: Mutex<VecDeque<Fault>>,
    requests: AtomicU64,
}

/// Call `n`'s ID: its first eight characters (what a text line shows) differ for each call.
fn id(n: u32) -> String {
    format!("{n:08}-0000-4000-8000-{n:012}")
}

/// The IDs of the calls there before the tail starts (1..=3); new calls are 100 and up.
const OLD: [u32; 3] = [1, 2, 3];

impl Space {
    fn new(every: Duration, lasts: Duration) -> Arc<Self> {
        Arc::new(Self {
            started: Utc::now(),
            every: TimeDelta::from_std(every).unwrap(),
            lasts: TimeDelta::from_std(lasts).unwrap(),
            never_ends: false,
            faults: Mutex::default(),
            requests: AtomicU64::default(),
        })
    }

    fn rows(&self, now: DateTime<Utc>) -> Vec<serde_json::Value> {
        let mut rows = Vec::new();
        let arrived = (now - self.started).num_milliseconds() / self.every.num_milliseconds();
        for k in (0..arrived).rev() {
            let at = self.started + self.every * i32::try_from(k + 1).unwrap();
            if at > now {
                continue;
            }
            let over = now - at >= self.lasts && !(self.never_ends && k == 0);
            let status = match (over, k % 2) {
                (false, _) => "in-progress",
                (true, 0) => "failed",
                (true, _) => "completed",
            };
            let ms = if over {
                self.lasts.num_milliseconds()
            } else {
                0
            };
            rows.push(row(100 + u32::try_from(k).unwrap(), at, status, ms));
        }
        for (i, n) in OLD.iter().enumerate() {
            let at = self.started - TimeDelta::seconds(30 * (i as i64 + 1));
            // The first old call ends a second after the tail starts: its end is not printed
            // either.
            let going = i == 0 && now - self.started < TimeDelta::seconds(1);
            let status = if going { "in-progress" } else { "completed" };
            rows.push(row(*n, at, status, 1000));
        }
        rows
    }
}

fn row(n: u32, at: DateTime<Utc>, status: &str, ms: i64) -> serde_json::Value {
    json!({
        "id": id(n),
        "created_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "type": "relay_pstn_call",
        "from": "+14155550123",
        "to": "+12065553434",
        "direction": "inbound",
        "status": status,
        "duration_ms": ms,
        "charge": if ms > 0 { 0.0085 } else { 0.0 },
        "parent_id": null,
    })
}

async fn list(State(space): State<Arc<Space>>) -> Response {
    space.requests.fetch_add(1, Ordering::Relaxed);
    let fault = space.faults.lock().unwrap().pop_front();
    match fault {
        Some(Fault::TooMany) => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "{}").into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        }
        Some(Fault::Unavailable) => {
            return (StatusCode::SERVICE_UNAVAILABLE, "{}").into_response();
        }
        None => {}
    }
    let body = json!({"links": {}, "data": space.rows(Utc::now())});
    let mut r = (StatusCode::OK, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Serves `space` on `port` (0: any) until the token is cancelled.
async fn serve(space: Arc<Space>, port: u16) -> (SocketAddr, CancellationToken) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route(swlog::api::paths::VOICE_LOGS, get(list))
        .with_state(space);
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

fn tail_of(base: &str, query: &str, options: Options) -> Tail {
    let clock = swlog::present::format::Clock::system();
    let query = Query::parse(query, &clock).unwrap();
    Tail::new(&client_at(base), IndexHandle::off(), query, options)
}

/// Every event of `tail` for `span`.
async fn events_for(tail: &mut Tail, span: Duration) -> Vec<Event> {
    let mut all = Vec::new();
    let end = tokio::time::Instant::now() + span;
    while let Ok(Ok(events)) = tokio::time::timeout_at(end, tail.next()).await {
        all.extend(events);
    }
    all
}

/// `(new, final changes)` by ID.
fn by_id(events: &[Event]) -> (HashMap<String, String>, HashMap<String, String>) {
    let (mut new, mut ended) = (HashMap::new(), HashMap::new());
    for e in events {
        match e {
            Event::New(r) => {
                new.insert(r.cell("id").into_owned(), r.cell("status").into_owned());
            }
            Event::Changed { row, .. } if swlog::tail::is_final(row) => {
                ended.insert(row.cell("id").into_owned(), row.cell("status").into_owned());
            }
            _ => {}
        }
    }
    (new, ended)
}

#[tokio::test]
async fn new_calls_appear_once_new_and_once_final_and_none_of_the_old() {
    let space = Space::new(Duration::from_millis(200), Duration::from_millis(300));
    let (addr, _stop) = serve(Arc::clone(&space), 0).await;
    let mut tail = tail_of(&format!("http://{addr}"), "", quick());
    let events = events_for(&mut tail, Duration::from_secs(2)).await;
    let (new, ended) = by_id(&events);
    assert!(new.len() >= 6, "{new:?}");
    for n in OLD {
        assert!(
            !new.contains_key(&id(n)) && !ended.contains_key(&id(n)),
            "old {n}"
        );
    }
    let both = new
        .iter()
        .filter(|(id, s)| *s == "in-progress" && ended.contains_key(*id))
        .count();
    assert!(both >= 3, "new then final: {both}\n{new:?}\n{ended:?}");
    let news = events.iter().filter(|e| matches!(e, Event::New(_))).count();
    assert_eq!(news, new.len(), "each call is new once");
    // Ten requests a second at most, as scaled: at most 2 s × 10 plus the bucket's second.
    let requests = space.requests.load(Ordering::Relaxed);
    assert!(requests <= 22, "{requests} requests in 2 s");
    assert_eq!(requests, tail.requests());
}

#[tokio::test]
async fn a_status_filter_keeps_only_the_calls_it_names() {
    let space = Space::new(Duration::from_millis(200), Duration::from_millis(300));
    let (addr, _stop) = serve(space, 0).await;
    let mut tail = tail_of(&format!("http://{addr}"), "status:failed", quick());
    let events = events_for(&mut tail, Duration::from_secs(2)).await;
    let (new, ended) = by_id(&events);
    assert!(new.len() >= 2, "{new:?}");
    assert!(new.values().all(|s| s == "failed"), "{new:?}");
    assert!(
        ended.is_empty(),
        "a failed call is shown once, when it failed: {ended:?}"
    );
}

#[tokio::test]
async fn a_429_and_a_503_mid_tail_are_waited_out_and_said() {
    let space = Space::new(Duration::from_millis(200), Duration::from_millis(300));
    let (addr, _stop) = serve(Arc::clone(&space), 0).await;
    let tail = tail_of(&format!("http://{addr}"), "", quick());
    let faults = Arc::clone(&space);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut q = faults.faults.lock().unwrap();
        q.push_back(Fault::TooMany);
        q.push_back(Fault::Unavailable);
    });
    let (out, err) = followed(tail, Duration::from_secs(3)).await;
    assert!(
        err.contains("Rate limited (HTTP 429)") && err.contains("trying again in 1 s"),
        "Retry-After honoured and said:\n{err}"
    );
    assert!(err.contains("HTTP 503"), "{err}");
    assert!(err.contains("polling again after 2 failed polls"), "{err}");
    // Calls kept coming after the faults: some arrived after 1.5 s.
    let late = space.started + TimeDelta::milliseconds(1700);
    let late_id = |k: i64| id(100 + u32::try_from(k).unwrap());
    let k = (late - space.started).num_milliseconds() / 200;
    assert!(out.contains(&late_id(k)[..8]), "{out}");
}

/// Runs `swlog tail`'s printing loop over `tail` for `span` (then its reader "goes away").
async fn followed(tail: Tail, span: Duration) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let deadline = Instant::now() + span;
    let closed = move || Instant::now() > deadline;
    let ended = follow(tail, TailFormat::Text, false, &closed, &mut out, &mut err).await;
    assert_eq!(
        ended.map_err(|e| e.kind()).unwrap_err(),
        std::io::ErrorKind::BrokenPipe
    );
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[tokio::test]
async fn a_call_that_never_ends_is_dropped_with_a_line_after_the_maximum_age() {
    let mut space = Space::new(Duration::from_millis(200), Duration::from_millis(300));
    Arc::get_mut(&mut space).unwrap().never_ends = true;
    let (addr, _stop) = serve(space, 0).await;
    let options = Options {
        max_age: Duration::from_secs(1),
        ..quick()
    };
    let (out, err) = followed(
        tail_of(&format!("http://{addr}"), "", options),
        Duration::from_millis(2500),
    )
    .await;
    let first = &id(100)[..8];
    assert!(out.contains(first), "{out}");
    let dropped: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("no longer watched"))
        .collect();
    assert_eq!(dropped.len(), 1, "{err}");
    assert!(
        dropped[0].contains(first) && dropped[0].contains("in-progress"),
        "{err}"
    );
}

#[tokio::test]
async fn a_server_that_goes_away_and_comes_back_is_followed_again() {
    let space = Space::new(Duration::from_millis(200), Duration::from_millis(300));
    let (addr, stop) = serve(Arc::clone(&space), 0).await;
    let mut tail = tail_of(&format!("http://{addr}"), "", quick());
    let before = events_for(&mut tail, Duration::from_millis(800)).await;
    stop.cancel();
    let away = events_for(&mut tail, Duration::from_millis(800)).await;
    let (_addr, _stop) = serve(Arc::clone(&space), addr.port()).await;
    let after = events_for(&mut tail, Duration::from_millis(1500)).await;
    assert!(
        away.iter().any(|e| matches!(e, Event::Failed { .. })),
        "{away:?}"
    );
    assert!(
        after.iter().any(|e| matches!(e, Event::Resumed { .. })),
        "{after:?}"
    );
    let (seen, _) = by_id(&before);
    let (again, _) = by_id(&after);
    assert!(!again.is_empty(), "calls after the server came back");
    assert!(
        again.keys().all(|k| !seen.contains_key(k)),
        "nothing shown twice as new"
    );
}

/// The binary, the real intervals, twenty seconds: a call every 2 s gives at least six new
/// calls, three of them seen new and then final, none of the old, no escape sequences on a
/// pipe, at most one request a second; SIGTERM ends it with 143.
#[tokio::test(flavor = "multi_thread")]
async fn twenty_seconds_of_the_binary_at_the_real_intervals() {
    let space = Space::new(Duration::from_secs(2), Duration::from_secs(3));
    let (addr, _stop) = serve(Arc::clone(&space), 0).await;
    let (mut cmd, _home) = Swlog::at(&format!("http://{addr}"))
        .args(["tail"])
        .into_std();
    cmd.env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    tokio::time::sleep(Duration::from_secs(20)).await;
    let requests = space.requests.load(Ordering::Relaxed);
    let pid = rustix::process::Pid::from_child(&child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(143), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "escapes on a pipe:\n{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let short = |n: u32| id(n)[..8].to_owned();
    let ids: Vec<String> = (100..120).map(short).collect();
    let new: Vec<&String> = ids
        .iter()
        .filter(|i| lines.iter().any(|l| l.ends_with(i.as_str())))
        .collect();
    assert!(new.len() >= 6, "{stdout}");
    let both = ids
        .iter()
        .filter(|i| {
            lines
                .iter()
                .any(|l| l.ends_with(i.as_str()) && l.contains("in-progress"))
                && lines
                    .iter()
                    .any(|l| l.contains(i.as_str()) && l.contains("changed: status"))
        })
        .count();
    assert!(both >= 3, "{stdout}");
    for n in OLD {
        assert!(!stdout.contains(&short(n)), "old call {n}:\n{stdout}");
    }
    eprintln!(
        "20 s: {requests} requests, {} calls new, {both} new then final",
        new.len()
    );
    assert!(requests <= 20, "{requests} requests in 20 s");
}

/// `swlog tail | head -2`: once the reader has its two lines and goes, the tail ends within a
/// second or so, quietly and with 0, even though no new call comes to write.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_pipe_ends_the_tail_quickly_and_quietly() {
    let space = Space::new(Duration::from_secs(60), Duration::from_secs(3));
    let (addr, _stop) = serve(space, 0).await;
    let (mut cmd, _home) = Swlog::at(&format!("http://{addr}"))
        .args(["tail", "--since", "10m"])
        .into_std();
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let waited = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let two: Vec<String> = lines.by_ref().take(2).map(Result::unwrap).collect();
        drop(lines);
        let gone = Instant::now();
        let status = child.wait().unwrap();
        (two, gone.elapsed(), status)
    })
    .await
    .unwrap();
    let (two, took, status) = waited;
    assert_eq!(two.len(), 2, "{two:?}");
    assert_eq!(status.code(), Some(0));
    assert!(took < Duration::from_secs(3), "took {took:?} to notice");
}

/// The inspector's `f` on an open-ended search: a call that arrives after following started
/// is on screen, marked new, within one interval (2 s while calls are going) of its arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_follows_a_search_and_shows_a_call_that_arrived_after() {
    use crossterm::event::{Event as Term, KeyCode, KeyEvent, KeyModifiers};
    let space = Space::new(Duration::from_millis(500), Duration::from_secs(3));
    let (addr, _stop) = serve(Arc::clone(&space), 0).await;
    let h = common::harness::Harness::start_against(&format!("http://{addr}"), 120, 40).await;
    h.send(Term::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text("since:10m");
    h.press(KeyCode::Enter);
    h.wait_for("the search to end", |s| s.contains("· done"))
        .await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('f'));
    h.wait_for("following", |s| s.contains("following · every"))
        .await;
    // The next call to arrive after following started.
    let started = Utc::now();
    let k = (started - space.started).num_milliseconds() / 500 + 1;
    let arrives = space.started + TimeDelta::milliseconds(500 * (k + 1));
    let want = id(100 + u32::try_from(k).unwrap());
    let screen = h
        .wait_for("the call that arrived after", |s| {
            s.lines().any(|l| l.contains(&want[..8]) && l.contains('●'))
        })
        .await;
    let seen = Utc::now();
    assert!(
        seen - arrives <= TimeDelta::milliseconds(2_500),
        "shown {} ms after it arrived:\n{screen}",
        (seen - arrives).num_milliseconds()
    );
    assert!(screen.contains(" new · f or Esc stops"), "{screen}");
    h.press(KeyCode::Char('f'));
    let screen = h
        .wait_for("following to stop", |s| !s.contains("following ·"))
        .await;
    assert!(screen.contains(&want[..8]), "the rows stay: {screen}");
}
