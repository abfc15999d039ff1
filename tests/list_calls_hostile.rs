//! `swlog list --calls` against servers that make grouping hard: parents that fail, hang or
//! refuse the credentials, calls that run past the window, deep calls, many orphans that do not
//! match, `--offline`, and Ctrl-C while parents are fetched. Wiremock on 127.0.0.1.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Swlog, id};

const LIST: &str = "/api/voice/logs";

/// A leg `n` under `parent` (0: a root), created `minutes` ago.
fn leg(n: u32, parent: u32, minutes: i64, fields: Value) -> Value {
    let mut v = json!({
        "id": id(n),
        "parent_id": if parent == 0 { Value::Null } else { json!(id(parent)) },
        "created_at": (Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339(),
        "type": "relay_pstn_call", "status": "completed",
        "from": "+12065550100", "to": "+13105550111",
        "duration_ms": 60_000, "charge": 0.01,
    });
    v.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    v
}

async fn listing(server: &MockServer, rows: Vec<Value>) {
    let mut rows = rows;
    rows.sort_by(|a, b| b["created_at"].as_str().cmp(&a["created_at"].as_str()));
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"links": {"self": "x", "first": "x"}, "data": rows})),
        )
        .mount(server)
        .await;
}

async fn by_id(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().starts_with(&format!("{LIST}/")))
        .count()
}

/// A child in the window whose parent (`id(1)`) only the server has, answering `parent`.
async fn orphan_space(parent: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    listing(
        &server,
        vec![leg(2, 1, 10, json!({"from": "+14155550123"}))],
    )
    .await;
    Mock::given(method("GET"))
        .and(path_regex(format!("^{LIST}/.+")))
        .respond_with(parent)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_parent_that_fails_is_said_with_its_cause_and_the_exit_code_says_so() {
    for (status, code, said) in [(500, 5, "500"), (401, 4, "401")] {
        let server = orphan_space(ResponseTemplate::new(status)).await;
        let ran = Swlog::at(&server.uri())
            .args(["list", "--calls", "4155550123", "--format", "json"])
            .run()
            .await;
        assert_eq!(ran.code, code, "{status}: {}", ran.stderr);
        assert!(
            ran.stderr
                .contains("fetching the calls' first legs stopped")
                && ran.stderr.contains(said),
            "{status}: {}",
            ran.stderr
        );
        let calls: Value = serde_json::from_str(&ran.stdout).unwrap();
        assert_eq!(
            calls[0]["id"],
            json!(id(2)),
            "the call is still shown, from its topmost leg"
        );
    }
}

#[tokio::test]
async fn offline_asks_nothing_of_the_server_even_for_missing_parents() {
    let server = orphan_space(ResponseTemplate::new(404)).await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let ran = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", dir)
        .args(["list", "--calls", "4155550123"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    server.reset().await;
    let ran = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", dir)
        .args([
            "list",
            "--calls",
            "--offline",
            "4155550123",
            "--format",
            "json",
        ])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains(&id(2)), "{}", ran.stdout);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing sent offline"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_parents_are_fetched_prints_the_calls_found_and_exits_130() {
    let server = orphan_space(
        ResponseTemplate::new(200)
            .set_body_json(leg(1, 0, 60, json!({})))
            .set_delay(Duration::from_secs(60)),
    )
    .await;
    let (mut cmd, _home) = Swlog::at(&server.uri())
        .args([
            "list",
            "--calls",
            "4155550123",
            "--format",
            "csv",
            "--timeout",
            "90",
        ])
        .into_std();
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while by_id(&server).await == 0 {
        assert!(std::time::Instant::now() < deadline, "no parent asked for");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "it did not wait for the parent"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&id(2)));
    assert!(stderr.contains("interrupted by SIGINT"), "{stderr}");
}

#[tokio::test]
async fn parents_are_fetched_for_the_calls_that_matched_first() {
    let server = MockServer::start().await;
    // 300 newer orphans that do not match, then the one that does, its parent out of the window.
    let mut rows: Vec<Value> = (1000..1300)
        .map(|n| leg(n, n + 1000, 5, json!({})))
        .collect();
    rows.push(leg(2, 1, 30, json!({"from": "+14155550123"})));
    listing(&server, rows).await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/{}", id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(leg(1, 0, 300, json!({}))))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--calls", "4155550123", "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let calls: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(calls[0]["id"], json!(id(1)), "{}", ran.stderr);
    assert_eq!(
        by_id(&server).await,
        1,
        "only the matched call's parent is asked for"
    );
}

#[tokio::test]
async fn a_deep_call_is_whole_with_or_without_a_leg_word() {
    let server = MockServer::start().await;
    // A chain of 30 legs, all in the window; only the deepest has the number.
    let rows: Vec<Value> = (1..=30)
        .map(|n| {
            let from = if n == 30 {
                "+14155550123"
            } else {
                "+12065550100"
            };
            leg(n, n - 1, 60 - i64::from(n), json!({"from": from}))
        })
        .collect();
    listing(&server, rows).await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    for words in [vec![], vec!["4155550123"], vec!["4155550123"]] {
        let ran = Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", dir)
            .args(["list", "--calls", "--format", "json"])
            .args(&words)
            .run()
            .await;
        let calls: Value = serde_json::from_str(&ran.stdout).expect(&ran.stderr);
        assert_eq!(calls[0]["legs"].as_array().unwrap().len(), 30, "{words:?}");
        assert_eq!(calls[0]["id"], json!(id(1)));
    }
}

#[tokio::test]
async fn a_call_that_goes_on_past_the_window_is_read_to_its_end() {
    let server = MockServer::start().await;
    // Begins 150 minutes ago and lasts two hours; its SIP leg failed 30 minutes ago.
    listing(
        &server,
        vec![
            leg(1, 0, 150, json!({"duration_ms": 7_200_000})),
            leg(
                2,
                1,
                30,
                json!({"type": "relay_sip_call", "status": "failed"}),
            ),
        ],
    )
    .await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    for words in [
        vec!["since:3h", "until:2h"],
        vec!["since:3h", "until:2h", "outcome:failed"],
    ] {
        let ran = Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", dir)
            .args(["list", "--calls", "--format", "json"])
            .args(&words)
            .run()
            .await;
        let calls: Value = serde_json::from_str(&ran.stdout).expect(&ran.stderr);
        assert_eq!(
            calls.as_array().unwrap().len(),
            1,
            "{words:?}: {}",
            ran.stderr
        );
        assert_eq!(calls[0]["legs"].as_array().unwrap().len(), 2, "{words:?}");
        assert_eq!(calls[0]["outcome"], "failed on SIP call #2");
    }
}

#[tokio::test]
async fn a_scan_that_stops_says_so_in_legs_read_and_calls_printed() {
    let server = MockServer::start().await;
    let uri = server.uri();
    // The first page at once (a call of two legs), the next one a server error.
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(wiremock::matchers::query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "links": {"next": format!("{uri}{LIST}?page_token=p2")},
            "data": [leg(2, 1, 5, json!({"charge": null})), leg(1, 0, 6, json!({}))]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(wiremock::matchers::query_param("page_token", "p2"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let ran = Swlog::at(&uri)
        .args(["list", "--calls", "--since", "1h", "--format", "csv"])
        .args(["--fields", "id,legs,total_charge,unpriced_legs"])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("the scan stopped after 2 legs read, 1 call printed above:"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        ran.stdout.lines().nth(1),
        Some(format!("{},2,0.01,1", id(1)).as_str()),
        "a total that leaves a leg out says so: {}",
        ran.stdout
    );
}
