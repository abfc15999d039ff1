//! The diagnostics log: written to a file when asked for, never with the token.

mod common;

use common::{PROJECT, Swlog, TOKEN, log_path, record};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn flaky_server(id: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(id)))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(log_path(id)))
        .respond_with(ResponseTemplate::new(200).set_body_json(record(id)))
        .mount(&server)
        .await;
    server
}

fn assert_clean(log: &str) {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{PROJECT}:{TOKEN}"));
    assert!(!log.contains(TOKEN), "the token is in the log:\n{log}");
    assert!(
        !log.contains(&basic),
        "the Basic credentials are in the log:\n{log}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_file_records_retries_and_lookups_without_the_token() {
    let id = common::id(11);
    let server = flaky_server(&id).await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("swlog.log");
    let ran = Swlog::at(&server.uri())
        .env("SWLOG_LOG", "debug")
        .args(["--log-file", log.to_str().unwrap()])
        .get(&[&id])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("retrying"), "{text}");
    assert!(text.contains("lookup done"), "{text}");
    assert_clean(&text);
    assert!(
        !ran.stderr.contains("lookup done"),
        "the log never goes to the terminal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swlog_log_alone_writes_to_the_state_dir() {
    let id = common::id(12);
    let server = flaky_server(&id).await;
    let state = tempfile::tempdir().unwrap();
    let ran = Swlog::at(&server.uri())
        .env("SWLOG_LOG", "debug")
        .env("XDG_STATE_HOME", state.path().to_str().unwrap())
        .get(&[&id])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let text = std::fs::read_to_string(state.path().join("swlog").join("swlog.log")).unwrap();
    assert!(text.contains("lookup done"), "{text}");
    assert_clean(&text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_unless_asked() {
    let id = common::id(13);
    let server = flaky_server(&id).await;
    let state = tempfile::tempdir().unwrap();
    let ran = Swlog::at(&server.uri())
        .env("XDG_STATE_HOME", state.path().to_str().unwrap())
        .get(&[&id])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(!state.path().join("swlog").exists());
}
