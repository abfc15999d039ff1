//! The demo: a real HTTP server on 127.0.0.1 serving the voice-log endpoint from the records in
//! `assets/demo/`, with Basic auth checked. `--demo` points the ordinary client at it, and the
//! tests use the same server, so the demo exercises exactly the code users run.

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

use crate::api::endpoint::Endpoint;
use crate::secret::Secret;

/// The demo project ID.
pub const PROJECT_ID: &str = "5ca1ab1e-0000-4000-8000-00000000d3e0";
/// The demo token. It only opens the demo server.
pub const TOKEN: &str = "PTdemo-not-a-real-token";

/// Demo IDs that answer with an error or a delay instead of a record.
pub mod ids {
    /// The root of a three-leg chain (LaML call → Relay PSTN → Relay SIP).
    pub const CHAIN_ROOT: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    /// The middle of the chain.
    pub const CHAIN_CHILD: &str = "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21";
    /// The last leg of the chain.
    pub const CHAIN_GRANDCHILD: &str = "c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31";
    /// Answers 404.
    pub const NOT_FOUND: &str = "00000000-0000-4000-8000-000000000404";
    /// Answers 422 with two error items.
    pub const UNPROCESSABLE: &str = "00000000-0000-4000-8000-000000000422";
    /// Answers 500 every time.
    pub const SERVER_ERROR: &str = "00000000-0000-4000-8000-000000000500";
    /// Answers after three seconds.
    pub const SLOW: &str = "00000000-0000-4000-8000-000000003000";
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
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            slow: Duration::from_secs(3),
        }
    }
}

struct Shared {
    records: HashMap<String, &'static str>,
    authorization: String,
    options: DemoOptions,
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
        let records = RECORDS
            .iter()
            .filter_map(|(_, body)| {
                let v: serde_json::Value = serde_json::from_str(body).ok()?;
                Some((v.get("id")?.as_str()?.to_owned(), *body))
            })
            .collect();
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT_ID}:{TOKEN}"));
        let shared = Arc::new(Shared {
            records,
            authorization: format!("Basic {credentials}"),
            options,
        });
        let app = Router::new()
            .route("/api/voice/logs/{id}", get(voice_log))
            .with_state(shared);
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
    }

    /// The demo credentials.
    pub fn credentials(&self) -> (String, Secret) {
        (PROJECT_ID.to_owned(), Secret::new(TOKEN))
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn json(status: StatusCode, body: impl Into<String>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn voice_log(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(shared.authorization.as_str());
    if !authorized {
        return json(StatusCode::UNAUTHORIZED, r#"{"error":"Unauthorized"}"#);
    }
    let id = id.to_ascii_lowercase();
    match id.as_str() {
        ids::UNPROCESSABLE => json(
            StatusCode::UNPROCESSABLE_ENTITY,
            r#"{"errors":[{"type":"validation_error","code":"invalid_parameter","message":"Parameter value is invalid","attribute":"id","url":"https://developer.signalwire.com/rest/overview/error-codes#invalid_parameter"},{"type":"authorization_error","code":"missing_scope","message":"The token is missing the Voice scope","attribute":null,"url":"https://developer.signalwire.com/rest/overview/error-codes#missing_scope"}]}"#,
        ),
        ids::SERVER_ERROR => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"error":"Internal Server Error"}"#,
        ),
        _ => {
            if id == ids::SLOW {
                tokio::time::sleep(shared.options.slow).await;
            }
            match shared.records.get(&id) {
                Some(body) => json(StatusCode::OK, *body),
                None => json(StatusCode::NOT_FOUND, r#"{"error":"Not Found"}"#),
            }
        }
    }
}
