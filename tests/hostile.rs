//! What a hostile server, an odd machine or a careless config can do to swlog (issue 10), each
//! against the real binary or the real client and a server on 127.0.0.1 that the test starts.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tokio::net::TcpListener;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Swlog, closed_port, id, log_path, record};

/// A "proxy" on 127.0.0.1 that only counts the connections made to it.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, seen)
}

/// Mounts `response` for log `n`.
async fn answer(server: &MockServer, n: u32, response: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(log_path(&id(n))))
        .respond_with(response)
        .mount(server)
        .await;
}

/// A server that fails the test if any request reaches it.
async fn untouchable() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// The history file of a data directory, as JSON.
fn history_in(data: &Path) -> Value {
    let text = std::fs::read_to_string(data.join("swlog/history.json")).expect("history.json");
    serde_json::from_str(&text).expect("JSON")
}

#[tokio::test]
async fn a_plain_http_request_never_goes_through_a_proxy() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
    )
    .await;
    let (proxy, seen) = counting_proxy().await;
    let ran = Swlog::at(&server.uri())
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env("ALL_PROXY", &proxy)
        .env("all_proxy", &proxy)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the proxy was sent the request"
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn a_failing_https_proxy_is_named_in_the_error() {
    let proxy_port = closed_port();
    let target = format!("https://127.0.0.1:{}", closed_port());
    let ran = Swlog::at(&target)
        .env(
            "HTTPS_PROXY",
            &format!("http://user:pw@127.0.0.1:{proxy_port}"),
        )
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "through the proxy http://127.0.0.1:{proxy_port} (from $HTTPS_PROXY)"
        )),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("pw@"), "{}", ran.stderr);
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_its_host_and_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = untouchable().await;
    let to = format!("{}/api/voice/logs/{}", elsewhere.uri(), id(1));
    answer(
        &server,
        1,
        ResponseTemplate::new(302).insert_header("Location", to.as_str()),
    )
    .await;
    let ran = Swlog::at(&server.uri()).get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let host = elsewhere.uri().trim_start_matches("http://").to_owned();
    assert!(
        ran.stderr.contains(&format!(
            "redirected (HTTP 302) to {host}: the API does not redirect"
        )),
        "{}",
        ran.stderr
    );
    // `untouchable` checks on drop that nothing reached it.
}

#[tokio::test]
async fn an_answer_for_another_id_is_an_error_and_nothing_is_cached() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(2))),
    )
    .await;
    let data = tempfile::tempdir().expect("temp dir");
    let ran = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", &data.path().to_string_lossy())
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    let said = format!("The server answered with log {} for {}", id(2), id(1));
    assert!(ran.stderr.contains(&said), "{}", ran.stderr);
    assert!(
        !data
            .path()
            .join(format!("swlog/cache/{}.json", id(1)))
            .exists()
    );
    let history = history_in(data.path());
    let entries = history["entries"].as_array().expect("entries");
    assert!(
        entries.iter().all(|e| e["lookup"].get("record").is_none()),
        "recorded as found: {history}"
    );
}
