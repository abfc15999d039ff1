//! The demo: a real HTTP server on 127.0.0.1 serving the voice-log, events and list endpoints from the
//! records in `assets/demo/` (events in `assets/demo/events/`), with Basic auth checked.
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

#[cfg(any(test, feature = "test-support"))]
pub mod busy;
pub mod list;

use crate::api::endpoint::Endpoint;
use crate::secret::Secret;

/// The demo project ID.
pub const PROJECT_ID: &str = "5ca1ab1e-0000-4000-8000-00000000d3e0";
/// The demo token. It only opens the demo server.
pub const TOKEN: &str = "PTdemo-not-a-real-token";

/// The demo's second profile, `staging`: other credentials on the same server, with records of
/// its own, so that working across spaces can be tried without an account.
pub mod staging {
    /// The profile's name.
    pub const PROFILE: &str = "staging";
    /// What the space is called in the demo.
    pub const SPACE: &str = "demo-staging";
    /// Its project ID.
    pub const PROJECT_ID: &str = "5ca1ab1e-0000-4000-8000-0000057a9e00";
    /// Its token. It only opens the demo server's staging records.
    pub const TOKEN: &str = "PTstaging-not-a-real-token";
    /// Its logs worth a look, for the welcome screen: `P` switches back to `demo`.
    pub const SHOWCASE: &[(&str, &str)] = &[
        ("5a6e0001-57a9-4e00-8a00-5a9e00000001", "staging PSTN call"),
        (
            "5a6e0002-57a9-4e00-8a00-5a9e00000002",
            "staging SIP call, no answer",
        ),
        (super::ids::CHAIN_ROOT, "demo's chain: not found here"),
    ];
    /// Its records.
    pub const RECORDS: &[(&str, &str)] = &[
        (
            "staging-completed",
            include_str!("../assets/demo/staging/staging-completed.json"),
        ),
        (
            "staging-no-answer",
            include_str!("../assets/demo/staging/staging-no-answer.json"),
        ),
    ];
}

/// Demo IDs that answer with an error or a delay instead of a record.
pub mod ids {
    /// The root of a three-leg chain (LaML call → Relay PSTN → Relay SIP).
    pub const CHAIN_ROOT: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    /// The middle of the chain.
    pub const CHAIN_CHILD: &str = "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21";
    /// The last leg of the chain.
    pub const CHAIN_GRANDCHILD: &str = "c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31";
    /// A sibling of the chain's middle leg under the root: the Dial's other number, no answer.
    pub const CALL_SIBLING: &str = "e4b6d8f0-1a3c-4e5a-9b7d-0c2e4a6b8d41";
    /// A second child of the middle leg: a SIP leg to a backup PBX that failed (an error event).
    pub const CALL_FAILED_SIP: &str = "f6d8b0a2-5c7e-4f9a-8d1b-3e5f7a9c1b51";
    /// Answers 404.
    pub const NOT_FOUND: &str = "00000000-0000-4000-8000-000000000404";
    /// Answers 422 with two error items.
    pub const UNPROCESSABLE: &str = "00000000-0000-4000-8000-000000000422";
    /// Answers 500 every time.
    pub const SERVER_ERROR: &str = "00000000-0000-4000-8000-000000000500";
    /// Answers after three seconds.
    pub const SLOW: &str = "00000000-0000-4000-8000-000000003000";
    /// A call in progress that completes 20 seconds after it is first looked up.
    pub const LIVE: &str = "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1";
}

/// The demo records, embedded in the binary.
pub const RECORDS: &[(&str, &str)] = &[
    (
        "call-root-laml",
        include_str!("../assets/demo/call-root-laml.json"),
    ),
    (
        "call-child-pstn",
        include_str!("../assets/demo/call-child-pstn.json"),
    ),
    (
        "call-grandchild-sip",
        include_str!("../assets/demo/call-grandchild-sip.json"),
    ),
    (
        "call-sibling-pstn",
        include_str!("../assets/demo/call-sibling-pstn.json"),
    ),
    (
        "call-grandchild-sip-failed",
        include_str!("../assets/demo/call-grandchild-sip-failed.json"),
    ),
    (
        "webrtc-no-answer",
        include_str!("../assets/demo/webrtc-no-answer.json"),
    ),
    (
        "failed-busy",
        include_str!("../assets/demo/failed-busy.json"),
    ),
    (
        "video-pstn-joined",
        include_str!("../assets/demo/video-pstn-joined.json"),
    ),
    (
        "video-sip-ended",
        include_str!("../assets/demo/video-sip-ended.json"),
    ),
    ("dialogflow", include_str!("../assets/demo/dialogflow.json")),
    (
        "fabric-device",
        include_str!("../assets/demo/fabric-device.json"),
    ),
    ("discarded", include_str!("../assets/demo/discarded.json")),
    (
        "unknown-type",
        include_str!("../assets/demo/unknown-type.json"),
    ),
    (
        "whatsapp-mismatch",
        include_str!("../assets/demo/whatsapp-mismatch.json"),
    ),
    (
        "live-in-progress",
        include_str!("../assets/demo/live-in-progress.json"),
    ),
    ("slow", include_str!("../assets/demo/slow.json")),
];

/// The demo legs' events by log ID, embedded in the binary. A demo log not listed here has none
/// (`{"data":[]}`).
pub const EVENTS: &[(&str, &str)] = &[
    (
        "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11",
        include_str!("../assets/demo/events/3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11.json"),
    ),
    (
        "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21",
        include_str!("../assets/demo/events/7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21.json"),
    ),
    (
        "c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31",
        include_str!("../assets/demo/events/c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31.json"),
    ),
    (
        ids::CALL_SIBLING,
        include_str!("../assets/demo/events/e4b6d8f0-1a3c-4e5a-9b7d-0c2e4a6b8d41.json"),
    ),
    (
        ids::CALL_FAILED_SIP,
        include_str!("../assets/demo/events/f6d8b0a2-5c7e-4f9a-8d1b-3e5f7a9c1b51.json"),
    ),
    (
        "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1",
        include_str!("../assets/demo/events/a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1.json"),
    ),
    (
        "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1",
        include_str!("../assets/demo/events/0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1.json"),
    ),
    (
        "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
        include_str!("../assets/demo/events/1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41.json"),
    ),
    (
        "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1",
        include_str!("../assets/demo/events/d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1.json"),
    ),
];

/// The ID of a demo record by its file name (without `.json`).
pub fn id_of(name: &str) -> Option<String> {
    let (_, body) = RECORDS.iter().find(|(n, _)| *n == name)?;
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("id")?.as_str().map(str::to_owned)
}

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
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            slow: Duration::from_secs(3),
            live_for: Duration::from_secs(20),
            live_started: None,
            list_logs: list::GENERATED,
        }
    }
}

struct Shared {
    records: HashMap<String, &'static str>,
    /// The staging profile's records, and the header that opens them.
    staging: (HashMap<String, &'static str>, String),
    events: HashMap<&'static str, &'static str>,
    authorization: String,
    options: DemoOptions,
    /// When [`ids::LIVE`] was first looked up: its call "ends" `live_for` later.
    live_since: std::sync::Mutex<Option<std::time::Instant>>,
    /// The list's logs, so that a listed log can be opened too.
    logs: Arc<list::Logs>,
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
        let records = by_id(RECORDS);
        let staging_credentials = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            staging::PROJECT_ID,
            staging::TOKEN
        ));
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT_ID}:{TOKEN}"));
        let bodies: Vec<&str> = RECORDS.iter().map(|(_, b)| *b).collect();
        let logs = Arc::new(list::Logs::new(
            chrono::Utc::now(),
            &bodies,
            options.list_logs,
        ));
        // Staging lists its own few records, none of the generated ones.
        let staging_bodies: Vec<&str> = staging::RECORDS.iter().map(|(_, b)| *b).collect();
        let staging_logs = Arc::new(list::Logs::new(chrono::Utc::now(), &staging_bodies, 0));
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
        });
        let app = Router::new()
            .route("/api/voice/logs/{id}", get(voice_log))
            .route("/api/voice/logs/{id}/events", get(voice_log_events))
            .with_state(Arc::clone(&shared))
            .merge(list::router(
                vec![
                    (shared.authorization.clone(), logs),
                    (shared.staging.1.clone(), staging_logs),
                ],
                format!("http://{addr}"),
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
        Some(body) => json(StatusCode::OK, *body),
        None => match shared.logs.get(&id) {
            Some(body) => json(StatusCode::OK, body.to_owned()),
            None => not_found(),
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
        if shared.logs.get(&id).is_some() {
            return json(StatusCode::OK, r#"{"data":[]}"#);
        }
        return not_found();
    }
    match shared.events.get(id.as_str()) {
        Some(body) => json(StatusCode::OK, *body),
        None => json(StatusCode::OK, r#"{"data":[]}"#),
    }
}

/// Demo logs worth a look, with what each shows, for the welcome screen and the README. Each
/// line fits the welcome pane at 120 columns (an ID and 37 characters).
pub const SHOWCASE: &[(&str, &str)] = &[
    (ids::CHAIN_GRANDCHILD, "SIP leg, 3rd of a chain"),
    (ids::CHAIN_CHILD, "PSTN leg, the chain's middle leg"),
    (ids::CHAIN_ROOT, "LaML call, the chain's first leg"),
    (
        "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1",
        "WhatsApp: charges do not add up",
    ),
    ("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1", "busy LaML call"),
    (
        "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
        "WebRTC call, no answer",
    ),
    (
        "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51",
        "video room PSTN leg",
    ),
    ("2c4e6a8c-0e2a-4c4e-9a6c-8e0a2c4e6a61", "video room SIP leg"),
    ("6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71", "Dialogflow call"),
    (
        "8e0a2c4e-6a8c-4e0a-9c4e-6a8c0e2a4c81",
        "Fabric device leg, null status",
    ),
    ("4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91", "deleted log"),
    (
        "5b7d9f1b-3d5f-4b7d-9f1b-3d5f7b9d1fa1",
        "unknown future type",
    ),
    ("d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1", "call in progress"),
    (ids::NOT_FOUND, "404 not found"),
    (ids::UNPROCESSABLE, "422 with two error items"),
    (ids::SERVER_ERROR, "500 server error"),
    (ids::SLOW, "answers after 3 s"),
];
