//! Helpers shared by the integration tests: the `swlog` binary run with a clean environment,
//! a checker that the token never reaches its output, a raw HTTP server for responses that
//! wiremock cannot send, and a sample record.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use base64::Engine as _;
use serde_json::{Value, json};
use swlog::api::{Client, ClientOptions, Endpoint};
use swlog::demo::{DemoOptions, DemoServer};
use swlog::secret::Secret;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;
use wiremock::matchers::{basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The fake project ID the tests authenticate with.
pub const PROJECT: &str = "a1b2c3d4-0000-4000-8000-0000000000aa";
/// The fake token. Distinctive, so that a leak anywhere is found by a plain substring search.
pub const TOKEN: &str = "PTtest-SECRET-9f8e7d6c5b4a";

/// A log ID made from a number, e.g. `id(7)` = `00000000-0000-4000-8000-000000000007`.
pub fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// The log ID `id(n)` as a UUID.
pub fn uuid(n: u32) -> Uuid {
    Uuid::parse_str(&id(n)).expect("uuid")
}

/// Client options that keep the suite fast on loopback: short backoff, short limits.
pub fn fast() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        ..ClientOptions::default()
    }
}

/// The real client for a server at `base_url` (wiremock, a raw server), with the fake
/// credentials and `options`.
pub fn client_with(base_url: &str, options: ClientOptions) -> Client {
    let endpoint = Endpoint::from_base_url(base_url).expect("loopback base URL");
    Client::new(endpoint, PROJECT, Secret::new(TOKEN), options).expect("client")
}

/// The real client for a server at `base_url`, with the fake credentials and [`fast`] options.
pub fn client_at(base_url: &str) -> Client {
    client_with(base_url, fast())
}

/// Every Authorization header a server received, in order ("" for a request without one).
pub async fn authorizations(server: &wiremock::MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// The Authorization header of HTTP Basic credentials `project`:`token`.
pub fn basic(project: &str, token: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{project}:{token}"))
    )
}

/// Starts the demo server on loopback, its slow answers taking 50 ms.
pub async fn demo_server() -> DemoServer {
    DemoServer::start(DemoOptions {
        slow: Duration::from_millis(50),
        ..DemoOptions::default()
    })
    .await
    .expect("demo server")
}

/// The real client for the demo server, with its credentials or another `token`.
pub fn demo_client(server: &DemoServer, token: Option<&str>) -> Client {
    let (project, demo_token) = server.credentials();
    let token = token.map_or(demo_token, Secret::new);
    Client::new(server.endpoint(), &project, token, fast()).expect("client")
}

/// Mounts `response` for log `n` on wiremock, for the fake credentials only, expected exactly
/// `times` times.
pub async fn answer(server: &MockServer, n: u32, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(log_path(&id(n))))
        .and(basic_auth(PROJECT, TOKEN))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// The API path of a log.
pub fn log_path(id: &str) -> String {
    format!("/api/voice/logs/{id}")
}

/// A well-formed `relay_pstn_call` record with the given ID.
pub fn record(id: &str) -> Value {
    json!({
        "id": id,
        "from": "+12065551212",
        "to": "+12065553434",
        "source": "realtime_api",
        "charge": 0.01,
        "charge_details": [{"description": "Outbound Voice Minutes", "charge": 0.01}],
        "created_at": "2024-05-06T12:20:00Z",
        "type": "relay_pstn_call",
        "url": null,
        "direction": "outbound",
        "status": "completed",
        "duration": 9,
        "duration_ms": 9638,
        "billing_ms": 60000,
        "parent_id": null
    })
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Ran {
    /// The exit code (`-1` when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The `swlog` binary with an environment that cannot see the user's settings.
pub struct Swlog {
    cmd: std::process::Command,
    stdin: Option<String>,
    secrets: Vec<String>,
    _home: tempfile::TempDir,
}

impl Swlog {
    /// The binary with no SignalWire or swlog settings at all, and `HOME`/`XDG_CONFIG_HOME`
    /// in a fresh temporary directory so no real config file is read.
    pub fn bare() -> Self {
        let home = tempfile::tempdir().expect("temp dir");
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("swlog"));
        for name in [
            "SIGNALWIRE_SPACE",
            "SIGNALWIRE_SPACE_URL",
            "SIGNALWIRE_PROJECT_ID",
            "SIGNALWIRE_API_TOKEN",
            "SIGNALWIRE_TOKEN",
            "SWLOG_BASE_URL",
            "SWLOG_CONFIG",
            "SWLOG_LOG",
        ] {
            cmd.env_remove(name);
        }
        // Anything else of the family that the test runner's environment happens to carry.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            if name.starts_with("SIGNALWIRE_") || name.starts_with("SWLOG_") {
                cmd.env_remove(name.as_ref());
            }
        }
        let config: PathBuf = home.path().join("config");
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", &config)
            .env("XDG_STATE_HOME", home.path().join("state"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("NO_COLOR", "1");
        Self {
            cmd,
            stdin: None,
            secrets: vec![TOKEN.to_owned()],
            _home: home,
        }
    }

    /// The binary with the fake credentials, pointed at `base_url` through `--base-url`.
    pub fn at(base_url: &str) -> Self {
        let mut s = Self::bare();
        s.cmd
            .env("SIGNALWIRE_PROJECT_ID", PROJECT)
            .env("SIGNALWIRE_API_TOKEN", TOKEN)
            .arg("--base-url")
            .arg(base_url);
        s
    }

    /// Sets an environment variable; a value passed as the token must also be marked secret.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// Adds a string that must never appear in the output (another token).
    pub fn secret(mut self, secret: &str) -> Self {
        self.secrets.push(secret.to_owned());
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Adds `get` and its arguments.
    pub fn get(self, args: &[&str]) -> Self {
        self.args(["get"]).args(args)
    }

    /// Feeds standard input.
    pub fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.to_owned());
        self
    }

    /// The command as set up, for a test that wires its output itself (a closed pipe, a full
    /// disk), with the temporary home it must keep until the run is over.
    pub fn into_std(self) -> (std::process::Command, tempfile::TempDir) {
        (self.cmd, self._home)
    }

    /// Runs the binary off the async runtime (so an in-process server keeps serving), and
    /// checks that no secret, raw or as Basic credentials, reached stdout or stderr.
    pub async fn run(self) -> Ran {
        let Swlog {
            cmd,
            stdin,
            secrets,
            _home: home,
        } = self;
        let mut cmd = Command::from_std(cmd);
        cmd.timeout(Duration::from_secs(30));
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let ran = tokio::task::spawn_blocking(move || {
            let out = cmd.output().expect("run swlog");
            Ran {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .await
        .expect("the blocking task");
        for secret in &secrets {
            assert_no_secret(&ran, secret);
        }
        // The config directory lives until the run is over.
        drop(home);
        ran
    }
}

/// Fails when `secret` appears in the run's output, raw or inside Basic credentials for
/// [`PROJECT`].
pub fn assert_no_secret(ran: &Ran, secret: &str) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT}:{secret}"));
    for (name, text) in [("stdout", &ran.stdout), ("stderr", &ran.stderr)] {
        assert!(
            !text.contains(secret),
            "the token appeared on {name}:\n{text}"
        );
        assert!(
            !text.contains(&basic),
            "the Basic credentials appeared on {name}:\n{text}"
        );
    }
}

/// Fails when `text` holds a character a terminal could act on: any control character other
/// than a newline (C0 including ESC and BEL, DEL, C1 including CSI 0x9b), or a bidi control.
pub fn assert_no_raw_controls(name: &str, text: &str) {
    let bad: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(
        bad.is_empty(),
        "raw control characters on {name} at {bad:?}:\n{}",
        text.escape_debug()
    );
}

/// How a raw server answers each connection.
#[derive(Debug, Clone)]
pub enum Raw {
    /// Writes these bytes, then closes the connection.
    Close(Vec<u8>),
    /// Writes these bytes, then keeps the connection open without sending more.
    Hang(Vec<u8>),
    /// Writes this head, then `chunk`-byte chunks of `x` until the client goes away.
    EndlessChunks {
        /// The status line and headers, ending in the blank line.
        head: Vec<u8>,
        /// The size of each chunk.
        chunk: usize,
    },
}

/// A minimal HTTP/1.1 server on 127.0.0.1 for responses wiremock cannot produce (a chunked
/// body that never ends, a length it never sends, a connection that drops mid-body). It reads
/// each request's head and answers as told. Returns its base URL; it runs until the test ends.
pub async fn raw_server(behaviour: Raw) -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let behaviour = behaviour.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                match behaviour {
                    Raw::Close(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        let _ = socket.shutdown().await;
                    }
                    Raw::Hang(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                        // Hold the connection until the client drops it.
                        let _ = socket.read(&mut buf).await;
                    }
                    Raw::EndlessChunks { head, chunk } => {
                        if socket.write_all(&head).await.is_err() {
                            return;
                        }
                        let mut frame = format!("{chunk:x}\r\n").into_bytes();
                        frame.extend(std::iter::repeat_n(b'x', chunk));
                        frame.extend_from_slice(b"\r\n");
                        // Ends when the client closes the connection; bounded for safety.
                        for _ in 0..100_000 {
                            if socket.write_all(&frame).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A port on 127.0.0.1 that nothing listens on: bound, then released.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    port
}

pub mod frame;
pub mod harness;
