//! A hostile list page costs its bytes, not a value per element: 16 MiB of `[1,1,1,…]` in
//! `data` (eight million numbers) once took 907 MB to read.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Duration;

use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_millions_of_numbers_is_skipped_in_constant_memory() {
    let server = MockServer::start().await;
    let count = 8_000_000;
    let mut body = format!(
        r#"{{"links":{{"next":"{}/api/voice/logs?page_token=p2"}},"data":["#,
        server.uri()
    );
    body.push_str(&"1,".repeat(count - 1));
    body.push_str("1]}");
    assert!(body.len() < 16 * 1024 * 1024);
    // The second page waits: the peak of the first is read meanwhile.
    Mock::given(method("GET"))
        .and(path("/api/voice/logs"))
        .and(query_param("page_token", "p2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": []}))
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/voice/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let (mut cmd, _home) = common::Swlog::at(&server.uri())
        .args([
            "list",
            "--since",
            "1h",
            "-q",
            "--max-scan",
            "100000000",
            "--timeout",
            "60",
        ])
        .into_std();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while server.received_requests().await.unwrap().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the second page was never asked for"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        peak_kb < 150 * 1024,
        "peak RSS {} MB reading the page (it was 907 MB)",
        peak_kb / 1024
    );
}
