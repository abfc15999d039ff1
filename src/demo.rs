//! The demo: a real HTTP server on 127.0.0.1 serving the voice-log, events and list endpoints from the
//! records in `assets/demo/` (events in `assets/demo/events/`), and the Compatibility API's
//! records and recording of its LaML calls (`compat`), with Basic auth checked.
//! `--demo` points the ordinary client at it, and the tests use the same server, so the demo
//! exercises exactly the code users run.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub mod arrivals;
#[cfg(any(test, feature = "test-support"))]
pub mod busy;
pub mod compat;
mod data;
pub mod list;
pub mod multi;

pub use data::{EVENTS, PROJECT_ID, RECORDS, SHOWCASE, TOKEN, id_of, ids, staging};

use crate::api::endpoint::Endpoint;
use crate::secret::Secret;

/// How the demo server behaves; tests shorten the delay.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// How long [`ids::SLOW`] takes to answer.
    pub slow: Duration,
    /// How long the call [`ids::LIVE`] stays in progress after it is first looked up.
    pub live_for: Duration,
    /// When the call [`ids::LIVE`] started. `None` keeps the record's own `created_at` (tests,
    /// whose clock is fixed near it); a real demo starts it minutes ago, or a call from the
    /// demo data's day would be too old to be refreshed live.
    pub live_started: Option<chrono::DateTime<chrono::Utc>>,
    /// How many logs the list endpoint generates besides the records (the cost measurements
    /// use 100,000).
    pub list_logs: usize,
    /// A new call arrives this often while the server runs (`--demo`: every four seconds);
    /// `None` (tests) keeps the list as it started.
    pub arrivals: Option<Duration>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            slow: Duration::from_secs(3),
            live_for: Duration::from_secs(20),
            live_started: None,
            list_logs: list::GENERATED,
            arrivals: None,
        }
    }
}

struct Shared {
    /// The demo project's records by ID, their LaML `url`s on this server's own origin.
    records: HashMap<String, String>,
    /// The staging profile's records, and the header that opens them.
    staging: (HashMap<String, &'static str>, String),
    events: HashMap<&'static str, &'static str>,
    authorization: String,
    options: DemoOptions,
    /// When [`ids::LIVE`] was first looked up: its call "ends" `live_for` later.
    live_since: std::sync::Mutex<Option<std::time::Instant>>,
    /// The list's logs, so that a listed log can be opened too.
    logs: Arc<list::Logs>,
    /// The calls arriving while it runs.
    arrivals: Option<arrivals::Arrivals>,
}

/// A running demo server. It stops when dropped.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    stop: CancellationToken,
}

impl DemoServer {
    /// Starts the server on a random loopback port.
    pub async fn start(options: DemoOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let by_id = |records: &[(&str, &'static str)]| -> HashMap<String, &'static str> {
            records
                .iter()
                .filter_map(|(_, body)| {
                    let v: serde_json::Value = serde_json::from_str(body).ok()?;
                    Some((v.get("id")?.as_str()?.to_owned(), *body))
                })
                .collect()
        };
        // A real space's LaML logs point their `url` at the space itself: the demo's point at
        // the demo server, so that their Compatibility record is read from the log's `url`.
        let own: Vec<(&str, String)> = RECORDS
            .iter()
            .map(|(name, body)| (*name, on_origin(body, &format!("http://{addr}"))))
            .collect();
        let records: HashMap<String, String> = own
            .iter()
            .filter_map(|(_, body)| {
                let v: serde_json::Value = serde_json::from_str(body).ok()?;
                Some((v.get("id")?.as_str()?.to_owned(), body.clone()))
            })
            .collect();
        let staging_credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            staging::PROJECT_ID,
            staging::TOKEN
        ));
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT_ID}:{TOKEN}"));
        let bodies: Vec<&str> = own.iter().map(|(_, b)| b.as_str()).collect();
        let logs = Arc::new(list::Logs::new(
            chrono::Utc::now(),
            &bodies,
            options.list_logs,
        ));
        // Staging lists its own few records, none of the generated ones.
        let staging_bodies: Vec<&str> = staging::RECORDS.iter().map(|(_, b)| *b).collect();
        let staging_logs = Arc::new(list::Logs::new(chrono::Utc::now(), &staging_bodies, 0));
        let arrivals = options.arrivals.map(|every| arrivals::Arrivals {
            started: chrono::Utc::now(),
            every: chrono::TimeDelta::from_std(every).unwrap_or(chrono::TimeDelta::seconds(4)),
        });
        let shared = Arc::new(Shared {
            records,
            staging: (
                by_id(staging::RECORDS),
                format!("Basic {staging_credentials}"),
            ),
            events: EVENTS.iter().copied().collect(),
            authorization: format!("Basic {credentials}"),
            options,
            live_since: std::sync::Mutex::new(None),
            logs: Arc::clone(&logs),
            arrivals,
        });
        let app = Router::new()
            .route(crate::api::paths::VOICE_LOG_ROUTE, get(voice_log))
            .route(
                crate::api::paths::VOICE_LOG_EVENTS_ROUTE,
                get(voice_log_events),
            )
            .route(crate::api::paths::compat::CALL_ROUTE, get(compat::call))
            .route(
                crate::api::paths::compat::CALL_RECORDINGS_ROUTE,
                get(compat::call_recordings),
            )
            .route(
                crate::api::paths::compat::RECORDING_ROUTE,
                get(compat::audio),
            )
            .with_state(Arc::clone(&shared))
            .merge(list::router(
                vec![
                    (shared.authorization.clone(), logs),
                    (shared.staging.1.clone(), staging_logs),
                ],
                format!("http://{addr}"),
                arrivals,
            ));
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(stopped.cancelled_owned())
                .await;
            if let Err(e) = served {
                tracing::warn!(error = %e, "demo server stopped");
            }
        });
        Ok(Self { addr, stop })
    }

    /// The server's base URL, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The endpoint of the server.
    pub fn endpoint(&self) -> Endpoint {
        // A loopback http URL always validates.
        Endpoint::from_base_url(&self.base_url())
            .unwrap_or_else(|e| unreachable!("demo base URL refused: {e}"))
            .labelled("demo")
    }

    /// The demo credentials.
    pub fn credentials(&self) -> (String, Secret) {
        (PROJECT_ID.to_owned(), Secret::new(TOKEN))
    }

    /// The demo's profiles: name, space, project ID and token; the first is the default.
    pub fn profiles() -> [(&'static str, &'static str, &'static str, &'static str); 2] {
        [
            ("demo", "demo", PROJECT_ID, TOKEN),
            (
                staging::PROFILE,
                staging::SPACE,
                staging::PROJECT_ID,
                staging::TOKEN,
            ),
        ]
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// The origin the demo records' LaML `url`s are written with, as a real space's would be.
pub const RECORDED_ORIGIN: &str = "https://acme.signalwire.com";

/// `body` with each LaML `url` on [`RECORDED_ORIGIN`] moved to `origin`: a real space's logs
/// point at the space that serves them.
fn on_origin(body: &str, origin: &str) -> String {
    let root = crate::api::paths::compat::ROOT;
    body.replace(
        &format!("\"{RECORDED_ORIGIN}{root}"),
        &format!("\"{origin}{root}"),
    )
}

/// The live demo call as of now: in progress, then completed once `live_for` has passed since
/// the first lookup, with its duration and charge filled in, as the real API updates a row.
fn live_call(shared: &Shared, body: &str) -> String {
    let now = std::time::Instant::now();
    let since = *shared
        .live_since
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_or_insert(now);
    let in_progress = now.duration_since(since) < shared.options.live_for;
    if in_progress && shared.options.live_started.is_none() {
        // Still in progress: the record exactly as stored.
        return body.to_owned();
    }
    let Ok(serde_json::Value::Object(mut record)) = serde_json::from_str::<serde_json::Value>(body)
    else {
        return body.to_owned();
    };
    if let Some(started) = shared.options.live_started {
        let at = started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        record.insert("created_at".to_owned(), serde_json::json!(at));
    }
    if in_progress {
        return serde_json::Value::Object(record).to_string();
    }
    let ms = u64::try_from(shared.options.live_for.as_millis()).unwrap_or(u64::MAX);
    let billed = ms.div_ceil(60_000).max(1) * 60_000;
    let charge = 0.0085 * (billed / 60_000) as f64;
    for (k, v) in [
        ("status", serde_json::json!("completed")),
        ("duration", serde_json::json!(ms / 1000)),
        ("duration_ms", serde_json::json!(ms)),
        ("billing_ms", serde_json::json!(billed)),
        ("charge", serde_json::json!(charge)),
        (
            "charge_details",
            serde_json::json!([{"description": "Inbound Voice Minutes", "charge": charge}]),
        ),
    ] {
        record.insert(k.to_owned(), v);
    }
    serde_json::Value::Object(record).to_string()
}

fn json(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The answer for a request the demo refuses or fails on purpose, whatever the path under the
/// log: wrong credentials, and the error IDs. The slow ID is slowed here too.
async fn refusal(shared: &Shared, id: &str, headers: &HeaderMap) -> Option<Response> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let authorized =
        given == Some(shared.authorization.as_str()) || given == Some(shared.staging.1.as_str());
    if !authorized {
        return Some(json(
            StatusCode::UNAUTHORIZED,
            r#"{"error":"Unauthorized"}"#,
        ));
    }
    match id {
        ids::UNPROCESSABLE => Some(json(
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"errors":[{"type":"validation_error","code":"invalid_parameter","message":"Parameter value is invalid","attribute":"id","url":"https://developer.signalwire.com/rest/overview/error-codes#invalid_parameter"},{"type":"authorization_error","code":"missing_scope","message":"The token is missing the Voice scope","attribute":null,"url":"https://developer.signalwire.com/rest/overview/error-codes#missing_scope"}]}"#,
        )),
        ids::SERVER_ERROR => Some(json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":"Internal Server Error"}"#,
        )),
        ids::SLOW => {
            tokio::time::sleep(shared.options.slow).await;
            None
        }
        _ => None,
    }
}

/// The staging records when the request carries the staging credentials.
fn staging_records<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
) -> Option<&'a HashMap<String, &'static str>> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    (given == Some(shared.staging.1.as_str())).then_some(&shared.staging.0)
}

fn not_found() -> Response {
    json(StatusCode::NOT_FOUND, r#"{"error":"Not Found"}"#)
}

async fn voice_log(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = id.to_ascii_lowercase();
    if let Some(refused) = refusal(&shared, &id, &headers).await {
        return refused;
    }
    if let Some(records) = staging_records(&shared, &headers) {
        return match records.get(&id) {
            Some(body) => json(StatusCode::OK, *body),
            None => not_found(),
        };
    }
    match shared.records.get(&id) {
        Some(body) if id == ids::LIVE => json(StatusCode::OK, live_call(&shared, body)),
        Some(body) => json(StatusCode::OK, body.clone()),
        None => match shared.logs.get(&id) {
            Some(body) => json(StatusCode::OK, body.to_owned()),
            None => match shared.arrivals.and_then(|a| a.get(&id, chrono::Utc::now())) {
                Some(body) => json(StatusCode::OK, body),
                None => not_found(),
            },
        },
    }
}

async fn voice_log_events(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = id.to_ascii_lowercase();
    if let Some(refused) = refusal(&shared, &id, &headers).await {
        return refused;
    }
    if let Some(records) = staging_records(&shared, &headers) {
        return if records.contains_key(&id) {
            json(StatusCode::OK, r#"{"data":[]}"#)
        } else {
            not_found()
        };
    }
    if !shared.records.contains_key(&id) {
        let arrived = || {
            shared
                .arrivals
                .and_then(|a| a.get(&id, chrono::Utc::now()))
                .is_some()
        };
        if shared.logs.get(&id).is_some() || arrived() {
            return json(StatusCode::OK, r#"{"data":[]}"#);
        }
        return not_found();
    }
    match shared.events.get(id.as_str()) {
        Some(body) => json(StatusCode::OK, *body),
        None => json(StatusCode::OK, r#"{"data":[]}"#),
    }
}
