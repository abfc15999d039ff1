//! The HTTP client: one reqwest client per process, retries with backoff, a capped body, and
//! every failure turned into an [`ApiError`].

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use super::answer::decode_object;
use super::answer::{check_id, is_retried, redirect_target, retry_after};

mod retry;
use super::endpoint::Endpoint;
use super::error::{ApiError, ErrorItem, Target};
use super::events::Events;
use super::family::LogRef;
use super::model::VoiceLog;
use super::transport::{error_chain, has_rustls_error, source_io_kinds};
use crate::secret::Secret;
use crate::text::{excerpt, sanitize};

/// Time allowed for a whole request when neither the command line nor the config says
/// otherwise (the config's `timeout_secs` default is this).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Tunables of the client; the defaults are what users get.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub timeout: Duration,
    /// The largest body accepted, in bytes.
    pub max_body: usize,
    /// How many requests at most for one lookup.
    pub max_attempts: u32,
    /// The first backoff delay; each retry doubles it.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub retry_after_cap: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: DEFAULT_TIMEOUT,
            max_body: 2 * 1024 * 1024,
            max_attempts: 3,
            backoff: Duration::from_millis(250),
            retry_after_cap: Duration::from_secs(30),
        }
    }
}

/// A fetched log with what came with it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The typed record.
    pub log: VoiceLog,
    /// The body as received.
    pub body: String,
    /// When the response arrived.
    pub fetched_at: DateTime<Utc>,
    /// How long the lookup took, retries included.
    pub elapsed: Duration,
    /// How many requests it took.
    pub attempts: u32,
}

/// A leg's fetched events with what came with them.
#[derive(Debug, Clone)]
pub struct FetchedEvents {
    /// The events, in time order.
    pub events: Events,
    /// The body as received.
    pub body: String,
    /// When the response arrived.
    pub fetched_at: DateTime<Utc>,
    /// How long the lookup took, retries included.
    pub elapsed: Duration,
    /// How many requests it took.
    pub attempts: u32,
}

/// A JSON object as fetched, before it is typed.
struct Got {
    raw: Map<String, Value>,
    body: String,
    fetched_at: DateTime<Utc>,
    elapsed: Duration,
    attempts: u32,
}

/// The voice-log API client. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    endpoint: Endpoint,
    project_id: String,
    pub(super) token: Secret,
    pub(super) options: ClientOptions,
    /// The proxy https requests go through, for naming it when it fails.
    proxy: Option<String>,
}

/// Makes ring the process's TLS crypto provider; reqwest is built without one.
fn install_crypto_provider() {
    // `Err` means a provider is already installed, which is the goal.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Client {
    /// Builds the client. Nothing is sent until a lookup.
    pub fn new(
        endpoint: Endpoint,
        project_id: &str,
        token: Secret,
        options: ClientOptions,
    ) -> Result<Self, ApiError> {
        install_crypto_provider();
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("swlog/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            // The API never redirects; following one would send the Referer (the log ID) to
            // wherever it points, and blame its answer on the space.
            .redirect(reqwest::redirect::Policy::none());
        let base = endpoint.url("/");
        let mut proxy = None;
        if base.scheme() == "http" {
            // Plain http is allowed only to loopback because it is unencrypted; through a proxy
            // the Basic credentials would cross the proxy (and maybe the network) in clear.
            builder = builder.no_proxy();
            // Plain http is accepted only on loopback (the demo, tests, a local proxy), where no
            // certificate is ever checked. Building the platform verifier reads and parses every
            // root in /etc/ssl/certs (some 150 files) at each start; with no roots at all it
            // reads none, and a redirect to https fails as a TLS error rather than going on.
            builder = builder.tls_certs_only(std::iter::empty());
        } else {
            let host = base.host_str().unwrap_or_default();
            proxy = super::proxy::https_proxy_for(host, &|k| std::env::var(k).ok());
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Setup(sanitize(&e.to_string()).into_owned()))?;
        Ok(Self {
            http,
            endpoint,
            project_id: project_id.trim().to_owned(),
            token,
            options,
            proxy,
        })
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The project ID requests are made for.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The space and shortened project, for messages.
    pub fn target(&self) -> Target {
        Target {
            space: self.endpoint.space().to_owned(),
            project: short_project(&self.project_id),
        }
    }

    /// Fetches one voice log.
    pub async fn fetch_log(&self, id: Uuid) -> Result<Fetched, ApiError> {
        self.fetch(LogRef::voice(id)).await
    }

    /// Fetches one log of any family.
    pub async fn fetch(&self, log_ref: LogRef) -> Result<Fetched, ApiError> {
        let id = log_ref.id;
        let got = self.fetch_object(id, "log", &log_ref.path()).await?;
        let log = VoiceLog::from_object(got.raw);
        check_id(id, &log)?;
        Ok(Fetched {
            log,
            body: got.body,
            fetched_at: got.fetched_at,
            elapsed: got.elapsed,
            attempts: got.attempts,
        })
    }

    /// Fetches one leg's events. A 404 is [`ApiError::NotFound`]: no events are recorded for it
    /// (or the log does not exist).
    pub async fn fetch_events(&self, id: Uuid) -> Result<FetchedEvents, ApiError> {
        self.fetch_events_of(LogRef::voice(id)).await
    }

    /// Fetches one log's events, of any family. A family without events answers as a log
    /// with none recorded: [`ApiError::NotFound`].
    pub async fn fetch_events_of(&self, log: LogRef) -> Result<FetchedEvents, ApiError> {
        let id = log.id;
        let Some(path) = log.events_path() else {
            return Err(ApiError::NotFound {
                target: self.target(),
            });
        };
        let got = self.fetch_object(id, "events", &path).await?;
        Ok(FetchedEvents {
            events: Events::from_object(got.raw),
            body: got.body,
            fetched_at: got.fetched_at,
            elapsed: got.elapsed,
            attempts: got.attempts,
        })
    }

    /// GETs `path` (the `what` of log `id`) as a JSON object, timed and logged.
    async fn fetch_object(&self, id: Uuid, what: &str, path: &str) -> Result<Got, ApiError> {
        let started = Instant::now();
        let (raw, body, attempts) = self
            .get_object(path)
            .await
            .inspect_err(|e| tracing::debug!(%id, what, error = %e, "lookup failed"))?;
        tracing::debug!(%id, what, attempts, elapsed_ms = started.elapsed().as_millis(), bytes = body.len(), "lookup done");
        Ok(Got {
            raw,
            body,
            fetched_at: Utc::now(),
            elapsed: started.elapsed(),
            attempts,
        })
    }

    /// GETs `path` and returns the body as a JSON object, retrying what is worth retrying.
    async fn get_object(&self, path: &str) -> Result<(Map<String, Value>, String, u32), ApiError> {
        self.get_object_at(self.endpoint.url(path), self.options.max_body)
            .await
    }

    /// GETs `url` (already checked to be on the endpoint's origin) as a JSON object of at most
    /// `max_body` bytes, retrying what is worth retrying. List pages use it with their own cap.
    pub(super) async fn get_object_at(
        &self,
        url: reqwest::Url,
        max_body: usize,
    ) -> Result<(Map<String, Value>, String, u32), ApiError> {
        let decode = |status, is_html, bytes: &[u8]| {
            let raw = decode_object(status, is_html, bytes)?;
            Ok((raw, String::from_utf8_lossy(bytes).into_owned()))
        };
        let ((raw, body), attempts) = self.get_at(url, max_body, decode).await?;
        Ok((raw, body, attempts))
    }

    /// GETs `url` as [`Client::get_object_at`] does, its success body read by `decode` (a list
    /// page is taken apart without building every value of a hostile body first).
    pub(super) async fn get_at<T>(
        &self,
        url: reqwest::Url,
        max_body: usize,
        decode: impl Fn(StatusCode, bool, &[u8]) -> Result<T, ApiError>,
    ) -> Result<(T, u32), ApiError> {
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.options.max_attempts;
            let sent = self
                .http
                .get(url.clone())
                .basic_auth(&self.project_id, Some(self.token.expose()))
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    let err = self.transport_error(&e, &host, attempt);
                    let retried = matches!(
                        err,
                        ApiError::Refused { .. }
                            | ApiError::Network { .. }
                            | ApiError::Proxy { .. }
                    );
                    if !last && retried {
                        tracing::debug!(attempt, error = %err, "retrying after a connection error");
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            let status = response.status();
            if is_retried(status) && !last {
                let wait = retry_after(response.headers()).map_or_else(
                    || self.backoff(attempt),
                    |d| d.min(self.options.retry_after_cap),
                );
                tracing::debug!(attempt, %status, ?wait, "retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            let is_html = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("text/html"));
            if status.is_redirection() {
                return Err(ApiError::Redirect {
                    status: status.as_u16(),
                    location: redirect_target(&url, response.headers()),
                });
            }
            let asked = retry::asked_wait(status, response.headers(), self.options.retry_after_cap);
            let bytes = self.read_body(response, &host, attempt, max_body).await?;
            if status.is_success() {
                return Ok((decode(status, is_html, &bytes)?, attempt));
            }
            return Err(retry::with_wait(
                self.interpret(status, bytes, attempt),
                asked,
            ));
        }
    }

    /// Reads the body, refusing more than `max_body` bytes without holding them.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        host: &str,
        attempt: u32,
        limit: usize,
    ) -> Result<Vec<u8>, ApiError> {
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(ApiError::TooLarge { limit });
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Err(ApiError::TooLarge { limit });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) if e.is_timeout() => {
                    return Err(ApiError::Timeout {
                        host: host.to_owned(),
                        after: self.options.timeout,
                    });
                }
                // A connection that drops mid-body leaves a partial document.
                Err(_) if !body.is_empty() => {
                    return Err(ApiError::Truncated {
                        excerpt: excerpt(&body),
                    });
                }
                Err(e) => return Err(self.transport_error(&e, host, attempt)),
            }
        }
    }

    /// The error a status that is not a success stands for.
    pub(super) fn interpret(&self, status: StatusCode, bytes: Vec<u8>, attempts: u32) -> ApiError {
        let json: Option<Value> = serde_json::from_slice(&bytes).ok();
        let detail = || {
            json.as_ref()
                .and_then(|v| v.get("error"))
                .and_then(Value::as_str)
                .map(|s| sanitize(s).into_owned())
                .unwrap_or_else(|| {
                    if bytes.is_empty() {
                        "(empty body)".to_owned()
                    } else {
                        excerpt(&bytes)
                    }
                })
        };
        match status.as_u16() {
            400 => ApiError::BadRequest { detail: detail() },
            401 => ApiError::Unauthorized {
                target: self.target(),
            },
            403 => ApiError::Forbidden {
                target: self.target(),
            },
            404 => ApiError::NotFound {
                target: self.target(),
            },
            422 => ApiError::Unprocessable {
                items: json.as_ref().map(ErrorItem::parse_all).unwrap_or_default(),
                target: self.target(),
            },
            429 => ApiError::rate_limited(attempts),
            s @ 500..=599 => ApiError::Server {
                status: s,
                attempts,
                detail: detail(),
            },
            s => ApiError::Status {
                status: s,
                detail: detail(),
            },
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.options
            .backoff
            .saturating_mul(1 << attempt.saturating_sub(1).min(8))
    }

    pub(super) fn transport_error(
        &self,
        e: &reqwest::Error,
        host: &str,
        attempts: u32,
    ) -> ApiError {
        let host = host.to_owned();
        if e.is_timeout() {
            return ApiError::Timeout {
                host,
                after: self.options.timeout,
            };
        }
        let chain = error_chain(e);
        if let Some(proxy) = &self.proxy
            && !has_rustls_error(e)
        {
            // Every connection goes to the proxy: a refusal or an unknown name is the proxy's,
            // and a failed tunnel is what the proxy said about the host.
            return ApiError::Proxy {
                proxy: proxy.clone(),
                host,
                detail: sanitize(&chain).into_owned(),
            };
        }
        let lower = chain.to_ascii_lowercase();
        let refused = source_io_kinds(e).contains(&std::io::ErrorKind::ConnectionRefused);
        if refused {
            ApiError::Refused { host, attempts }
        } else if lower.contains("dns error")
            || lower.contains("failed to lookup address")
            // A host that cannot be a DNS name (a label over 63 bytes): it never will resolve.
            || lower.contains("invalid dns name")
        {
            ApiError::Dns { host }
        } else if has_rustls_error(e) || lower.contains("certificate") || lower.contains("tls") {
            ApiError::Tls {
                host,
                detail: sanitize(&chain).into_owned(),
            }
        } else {
            ApiError::Network {
                host,
                attempts,
                detail: sanitize(&chain).into_owned(),
            }
        }
    }
}

/// The project ID shortened for messages: enough to recognise, not to copy.
pub fn short_project(project: &str) -> String {
    let shown: String = project.chars().take(8).collect();
    let shown = sanitize(&shown).into_owned();
    if project.chars().count() > 8 {
        format!("{shown}…")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_are_shortened() {
        assert_eq!(
            short_project("4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"),
            "4c1e0f7a…"
        );
        assert_eq!(short_project("demo"), "demo");
    }
}
