//! `swlog get` as a user runs it: the real binary against wiremock on 127.0.0.1, with a clean
//! environment. Exit codes, batch order and concurrency, stdin, JSON output, ID/space/base-URL
//! validation before any request, and escape sequences from the server kept off the terminal.
//! Every run also checks that the token never reaches stdout or stderr.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use common::{
    PROJECT, Ran, Swlog, TOKEN, answer, assert_no_raw_controls, authorizations, basic, closed_port,
    id, log_path, record,
};

/// Mounts the sample record for log `n`, expected once.
async fn found(server: &MockServer, n: u32) {
    answer(
        server,
        n,
        ResponseTemplate::new(200).set_body_json(record(&id(n))),
        1,
    )
    .await;
}

/// Mounts an error answer for log `n`, expected once.
async fn fails(server: &MockServer, n: u32, status: u16, body: &str) {
    answer(
        server,
        n,
        ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json"),
        1,
    )
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

/// Runs `swlog --base-url SERVER get ARGS...` with the fake credentials.
async fn get(server: &MockServer, args: &[&str]) -> Ran {
    Swlog::at(&server.uri()).get(args).run().await
}

/// Serves the log `id(n)`, created `age` ago.
async fn mount_created_ago(server: &MockServer, n: u32, age: chrono::TimeDelta) {
    let mut log = record(&id(n));
    log["created_at"] = json!((chrono::Utc::now() - age).to_rfc3339());
    Mock::given(method("GET"))
        .and(path(log_path(&id(n))))
        .respond_with(ResponseTemplate::new(200).set_body_json(log))
        .mount(server)
        .await;
}

/// `swlog history`'s IDs, one a line.
const HISTORY_IDS: [&str; 6] = [
    "history",
    "--format",
    "csv",
    "--no-header",
    "--fields",
    "id",
];

/// The byte offset of each needle in `haystack`, failing when one is missing.
fn positions(haystack: &str, needles: &[String]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            haystack
                .find(n.as_str())
                .unwrap_or_else(|| panic!("{n} not in:\n{haystack}"))
        })
        .collect()
}

// ---- exit codes ----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_0_when_every_id_is_found() {
    let server = MockServer::start().await;
    found(&server, 1).await;
    let ran = get(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout.starts_with("Relay PSTN call  completed\n"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("\n  From        +12065551212\n"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains(&id(1)), "{}", ran.stdout);
    assert_eq!(ran.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_1_when_some_ids_fail_the_rest_still_printed() {
    let server = MockServer::start().await;
    found(&server, 1).await;
    fails(&server, 2, 404, r#"{"error":"Not Found"}"#).await;
    found(&server, 3).await;
    let ran = get(&server, &[&id(1), &id(2), &id(3)]).await;
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(
        ran.stdout.contains(&id(1)) && ran.stdout.contains(&id(3)),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains(&id(2)), "{}", ran.stdout);
    assert_eq!(
        ran.stderr,
        format!(
            "swlog: {}: Not found in space 127.0.0.1 (project a1b2c3d4…): check the ID, space and project\n\
             swlog: a log not found here may be in another space or project: --profile NAME asks another (swlog config shows the one in effect)\n",
            id(2)
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_2_for_an_invalid_id_and_no_request_is_made() {
    let server = untouchable().await;
    let ran = get(&server, &["not-an-id"]).await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stdout.is_empty());
    assert!(
        ran.stderr
            .starts_with("swlog: no log ID in \"not-an-id\": expected a UUID"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_2_when_any_id_of_a_batch_is_invalid_and_nothing_is_fetched() {
    let server = untouchable().await;
    let ran = get(
        &server,
        &[&id(1), "b7182dc2-00f3-40e4-a5ce-20f164b329d", &id(3), "  "],
    )
    .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stdout.is_empty());
    assert!(
        ran.stderr
            .contains("ID #2: \"b7182dc2-00f3-40e4-a5ce-20f164b329d\" is not a complete ID"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("ID #4: no log ID given"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_3_when_not_found() {
    let server = MockServer::start().await;
    fails(&server, 1, 404, r#"{"error":"Not Found"}"#).await;
    fails(&server, 2, 404, r#"{"error":"Not Found"}"#).await;
    let ran = get(&server, &[&id(1), &id(2)]).await;
    assert_eq!(ran.code, 3, "{ran:?}");
    assert!(ran.stdout.is_empty());
    // One line each, and once the command line's way to ask another space (not the
    // inspector's `P`).
    assert_eq!(ran.stderr.lines().count(), 3, "{}", ran.stderr);
    assert!(
        ran.stderr.ends_with(
            "swlog: a log not found here may be in another space or project: --profile NAME asks another (swlog config shows the one in effect)\n"
        ),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains(" P "), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_4_when_the_token_is_refused_naming_space_and_project() {
    let server = MockServer::start().await;
    fails(&server, 1, 401, r#"{"error":"Unauthorized"}"#).await;
    let ran = get(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 4, "{ran:?}");
    assert!(ran.stdout.is_empty());
    assert!(
        ran.stderr.contains("Token refused (HTTP 401)"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("in space 127.0.0.1 for project a1b2c3d4…"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_4_when_access_is_denied() {
    let server = MockServer::start().await;
    fails(&server, 1, 403, r#"{"error":"Forbidden"}"#).await;
    let ran = get(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 4, "{ran:?}");
    assert!(
        ran.stderr.contains("Access denied (HTTP 403)"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_4_wins_over_not_found_when_nothing_is_found() {
    let server = MockServer::start().await;
    fails(&server, 1, 404, r#"{"error":"Not Found"}"#).await;
    fails(&server, 2, 401, r#"{"error":"Unauthorized"}"#).await;
    let ran = get(&server, &[&id(1), &id(2)]).await;
    assert_eq!(ran.code, 4, "{ran:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_5_on_a_server_side_failure() {
    let server = MockServer::start().await;
    fails(&server, 1, 400, r#"{"error":"Bad Request"}"#).await;
    fails(&server, 2, 418, r#"{"error":"I'm a teapot"}"#).await;
    let ran = get(&server, &[&id(1), &id(2)]).await;
    assert_eq!(ran.code, 5, "{ran:?}");
    assert!(ran.stdout.is_empty());
    assert!(
        ran.stderr.contains(&format!(
            "swlog: {}: Bad request (HTTP 400): Bad Request",
            id(1)
        )),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains(&format!(
            "swlog: {}: Unexpected HTTP 418: I'm a teapot",
            id(2)
        )),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_7_when_the_api_refuses_the_request() {
    let server = MockServer::start().await;
    fails(&server, 1, 400, r#"{"error":"Bad Request"}"#).await;
    let invalid = json!({"errors": [{"type": "validation_error", "code": "invalid_parameter",
        "message": "Parameter value is invalid", "attribute": "id"}]});
    fails(&server, 2, 422, &invalid.to_string()).await;
    for (n, words) in [
        (1, "Bad request (HTTP 400): Bad Request"),
        (2, "Request refused (HTTP 422): invalid_parameter"),
    ] {
        let ran = get(&server, &[&id(n)]).await;
        assert_eq!(ran.code, 7, "{ran:?}");
        assert!(ran.stderr.contains(words), "{}", ran.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_help_lists_the_environment_and_every_exit_code() {
    let ran = Swlog::bare().get(&["--help"]).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    for name in [
        "SIGNALWIRE_SPACE",
        "SIGNALWIRE_PROJECT_ID",
        "SIGNALWIRE_API_TOKEN",
        "NO_COLOR",
    ] {
        assert!(ran.stdout.contains(name), "{name} in:\n{}", ran.stdout);
    }
    assert!(
        ran.stdout.contains("\n  7  the API refused the request"),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_5_when_the_connection_is_refused() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let ran = Swlog::at(&base).get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 5, "{ran:?}");
    assert!(
        ran.stderr
            .contains("Connection refused by 127.0.0.1 after 3 tries"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_shows_every_item_on_stderr() {
    let server = MockServer::start().await;
    let body = json!({"errors": [
        {"type": "validation_error", "code": "invalid_parameter",
         "message": "Parameter value is invalid", "attribute": "id"},
        {"type": "authorization_error", "code": "missing_scope",
         "message": "The token is missing the Voice scope", "attribute": null}
    ]});
    fails(&server, 1, 422, &body.to_string()).await;
    let ran = get(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 4, "a scope item is an auth failure: {ran:?}");
    assert!(
        ran.stderr.contains(
            "Request refused (HTTP 422): invalid_parameter: Parameter value is invalid (attribute `id`); missing_scope: The token is missing the Voice scope (the token needs the Voice scope)"
        ),
        "{}",
        ran.stderr
    );
}

// ---- batches -------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_batch_prints_in_input_order() {
    let server = MockServer::start().await;
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    // Earlier IDs answer later: in completion order the output would be reversed.
    let delays = [(1, 600), (2, 300), (3, 0)];
    for (n, ms) in delays {
        let arrived = Arc::clone(&arrived);
        let body = record(&id(n));
        Mock::given(method("GET"))
            .and(path(log_path(&id(n))))
            .respond_with(move |req: &Request| {
                arrived
                    .lock()
                    .expect("lock")
                    .insert(req.url.path().to_owned(), Instant::now());
                ResponseTemplate::new(200)
                    .set_body_json(&body)
                    .set_delay(Duration::from_millis(ms))
            })
            .expect(1)
            .mount(&server)
            .await;
    }
    let ids = [id(1), id(2), id(3)];
    let ran = get(&server, &["--concurrency", "3", &ids[0], &ids[1], &ids[2]]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let at = positions(&ran.stdout, &ids);
    assert!(
        at[0] < at[1] && at[1] < at[2],
        "out of order:\n{}",
        ran.stdout
    );

    // The lookups really overlapped: the last request arrived before the first answer left.
    let arrived = arrived.lock().expect("lock");
    let first = arrived[&log_path(&id(1))];
    let last = arrived[&log_path(&id(3))];
    assert!(
        last.duration_since(first) < Duration::from_millis(600),
        "requests were not concurrent: {:?}",
        last.duration_since(first)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dash_reads_ids_from_stdin_in_order() {
    let server = MockServer::start().await;
    for n in 1..=4 {
        found(&server, n).await;
    }
    let stdin = format!(
        "{}\n\n  Voice Segment ID: {} (from the ticket)\n",
        id(2),
        id(3)
    );
    let ran = Swlog::at(&server.uri())
        .get(&[&id(1), "-", &id(4)])
        .stdin(&stdin)
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let at = positions(&ran.stdout, &[id(1), id(2), id(3), id(4)]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{}", ran.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_line_of_stdin_is_reported_by_its_line_number() {
    let server = untouchable().await;
    let stdin = format!("{}\n\nticket 4711 \u{1b}[2J\n", id(1));
    let ran = Swlog::at(&server.uri())
        .get(&["-"])
        .stdin(&stdin)
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .contains("line 3: no log ID in \"ticket 4711 \\u{1b}[2J\""),
        "{}",
        ran.stderr
    );
    assert_no_raw_controls("stderr", &ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_stdin_is_a_usage_error() {
    let server = untouchable().await;
    let ran = Swlog::at(&server.uri())
        .get(&["-"])
        .stdin("\n  \n")
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("no IDs given"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_with_one_id_prints_the_object() {
    let server = MockServer::start().await;
    found(&server, 1).await;
    let ran = get(&server, &["--format", "json", &id(1)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed, record(&id(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_with_several_ids_prints_one_array_in_input_order() {
    let server = MockServer::start().await;
    found(&server, 2).await;
    found(&server, 1).await;
    let ran = get(&server, &["--format", "json", &id(2), &id(1)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is one JSON value");
    assert_eq!(printed, json!([record(&id(2)), record(&id(1))]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_with_a_failure_prints_the_rest_as_an_array() {
    let server = MockServer::start().await;
    found(&server, 1).await;
    fails(&server, 2, 404, r#"{"error":"Not Found"}"#).await;
    let ran = get(&server, &["--format", "json", &id(1), &id(2)]).await;
    assert_eq!(ran.code, 1, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed, json!([record(&id(1))]));
    assert!(ran.stderr.contains(&id(2)), "{}", ran.stderr);
}

// ---- where requests go ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_space_is_refused_before_any_request() {
    let ran = Swlog::bare()
        .env("SIGNALWIRE_SPACE", "evil.example/x?")
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stdout.is_empty());
    assert_eq!(
        ran.stderr,
        "swlog: space \"evil.example/x?\" is not a SignalWire space: give its name (`acme`), `acme.signalwire.com` or `https://acme.signalwire.com`\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_space_with_escape_sequences_is_refused_and_shown_escaped() {
    let ran = Swlog::bare()
        .env("SIGNALWIRE_SPACE", "acme\u{1b}]52;c;eA==\u{7}")
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("acme\\u{1b}]52;c;eA==\\u{7}"),
        "{}",
        ran.stderr
    );
    assert_no_raw_controls("stderr", &ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_host_is_refused() {
    let ran = Swlog::at("http://example.com").get(&[&id(1)]).run().await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .contains("base URL \"http://example.com\" must use https"),
        "{}",
        ran.stderr
    );
    let ran = Swlog::bare()
        .env("SWLOG_BASE_URL", "http://example.com")
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("must use https"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_url_with_credentials_in_it_is_refused() {
    let server = untouchable().await;
    let address = server.address();
    let ran = Swlog::at(&format!("http://user:pass@{address}"))
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("no user, query or fragment"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_on_loopback_is_accepted_by_flag_and_by_environment() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(record(&id(1))),
        2,
    )
    .await;
    let by_flag = get(&server, &[&id(1)]).await;
    assert_eq!(by_flag.code, 0, "{by_flag:?}");
    let by_env = Swlog::bare()
        .env("SWLOG_BASE_URL", &server.uri())
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .env("SIGNALWIRE_API_TOKEN", TOKEN)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(by_env.code, 0, "{by_env:?}");
    assert_eq!(by_flag.stdout, by_env.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_are_a_usage_error_saying_what_to_set() {
    let server = untouchable().await;
    let ran = Swlog::bare()
        .args(["--base-url", &server.uri()])
        .env("SIGNALWIRE_PROJECT_ID", PROJECT)
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .starts_with("swlog: no API token set: set $SIGNALWIRE_API_TOKEN"),
        "{}",
        ran.stderr
    );
}

// ---- escape sequences from the server ------------------------------------------------------

/// A record whose every server-chosen string tries to drive the terminal: CSI colour and
/// clear-screen, BEL, the C1 CSI 0x9b, OSC 0 (title) and OSC 52 (clipboard) sequences, a bidi
/// override.
fn hostile_record(n: u32) -> Value {
    json!({
        "id": id(n),
        "type": "relay_pstn_call",
        "from": "\u{1b}[31m+15551234567\u{1b}[0m",
        "to": "+1555\u{7}\u{9b}2J",
        "source": "realtime_api\u{1b}]0;pwned\u{7}",
        "direction": "outbound\u{202e}",
        "status": "\u{1b}]52;c;cm0gLXJmIH4=\u{7}completed",
        "created_at": "2024-05-06T12:20:00Z\u{1b}[2J",
        "charge": 0.01,
        "charge_details": [{"description": "Minutes\u{1b}[5m", "charge": 0.01}],
        "url": "https://x\u{9b}6n",
        "duration_ms": 9638,
        "billing_ms": 60000,
        "parent_id": "\u{1b}]52;c;eA==\u{1b}\\",
        "note\u{1b}[1m": "\u{1b}]52;c;ZXZpbA==\u{7}",
        "\u{9b}31mkey": {"deep": ["\u{1b}[2J", "\u{9b}2J"]},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_in_a_record_never_reach_the_terminal() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(hostile_record(1)),
        1,
    )
    .await;
    let ran = get(&server, &[&id(1)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_no_raw_controls("stdout", &ran.stdout);
    assert_no_raw_controls("stderr", &ran.stderr);
    // Shown, made visible: not dropped.
    for visible in [
        "\\u{1b}[31m+15551234567\\u{1b}[0m",
        "+1555\\u{7}\\u{9b}2J",
        "\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}completed",
        "note\\u{1b}[1m",
        "\\u{1b}]52;c;ZXZpbA==\\u{7}",
        "\\u{9b}31mkey",
        "Minutes\\u{1b}[5m",
        "realtime_api\\u{1b}]0;pwned\\u{7}",
    ] {
        assert!(
            ran.stdout.contains(visible),
            "{visible} not shown in:\n{}",
            ran.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_in_an_unknown_type_never_reach_the_terminal() {
    let server = MockServer::start().await;
    let mut string_type = record(&id(1));
    string_type["type"] = json!("ai_call\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}2J");
    let mut other_type = record(&id(2));
    other_type["type"] = json!({"kind": "\u{9b}2J\u{7f}"});
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(string_type),
        1,
    )
    .await;
    answer(
        &server,
        2,
        ResponseTemplate::new(200).set_body_json(other_type),
        1,
    )
    .await;
    let ran = get(&server, &[&id(1), &id(2)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_no_raw_controls("stdout", &ran.stdout);
    assert!(
        ran.stdout
            .starts_with("Unknown type `ai_call\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{9b}2J`"),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_in_error_bodies_never_reach_the_terminal() {
    let server = MockServer::start().await;
    fails(
        &server,
        1,
        400,
        r#"{"error":"\u001b[31mred\u0007 alert\u009b2J"}"#,
    )
    .await;
    fails(
        &server,
        2,
        422,
        r#"{"errors":[{"code":"bad\u001b[1m","message":"\u001b]52;c;ZXZpbA==\u0007","attribute":"\u009b6n"}]}"#,
    )
    .await;
    fails(&server, 3, 418, "plain \u{1b}[2J text \u{9b}6n").await;
    answer(
        &server,
        4,
        ResponseTemplate::new(200)
            .set_body_raw("<html>\u{1b}]0;title\u{7}login</html>", "text/html"),
        1,
    )
    .await;
    let ran = get(&server, &[&id(1), &id(2), &id(3), &id(4)]).await;
    assert_eq!(ran.code, 5, "{ran:?}");
    assert_no_raw_controls("stderr", &ran.stderr);
    assert_no_raw_controls("stdout", &ran.stdout);
    for visible in [
        "Bad request (HTTP 400): \\u{1b}[31mred\\u{7} alert\\u{9b}2J",
        "bad\\u{1b}[1m: \\u{1b}]52;c;ZXZpbA==\\u{7} (attribute `\\u{9b}6n`)",
        "Unexpected HTTP 418: plain \\u{1b}[2J text \\u{9b}6n",
        "<html>\\u{1b}]0;title\\u{7}login</html>",
    ] {
        assert!(
            ran.stderr.contains(visible),
            "{visible} not shown in:\n{}",
            ran.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_keeps_escape_sequences_off_the_terminal_and_decodes_the_same() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(hostile_record(1)),
        1,
    )
    .await;
    let ran = get(&server, &["--format", "json", &id(1)]).await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_no_raw_controls("stdout", &ran.stdout);
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed, hostile_record(1), "escaping changed the data");
}

/// A record with 100,000 charge lines: the text output lists the first lines, then counts and
/// sums the rest, so that its size (and the work to make it) stays bounded; the total is still
/// the record's, and the lines' sum is still checked against it over every line.
#[test]
fn the_text_of_a_100k_line_breakdown_is_bounded_and_counts_the_rest() {
    let details: Vec<Value> = (0..100_000)
        .map(|n| json!({"description": format!("Conference minute {n}"), "charge": 0.0001}))
        .collect();
    let body = json!({
        "id": id(1).to_string(), "type": "relay_pstn_call", "status": "completed",
        "charge": 10.5, "charge_details": details,
    });
    let fetched =
        common::frame::fetched_from_bytes(body.to_string().as_bytes()).expect("the record parses");
    let text = common::frame::get_text(&fetched);
    assert!(text.len() < 64 * 1024, "{} bytes of text", text.len());
    assert!(text.contains("Conference minute 0 "), "{text}");
    assert!(text.contains("Conference minute 199 "), "{text}");
    assert!(!text.contains("Conference minute 200 "), "{text}");
    assert!(text.contains("… and 99,800 more, $9.98"), "{text}");
    assert!(text.contains("  Charge      $10.50\n"), "{text}");
    // The sum over all 100,000 lines ($10.00) disagrees with the charge: still said.
    assert!(text.contains("The lines add up to $10.00"), "{text}");
}

// ---- credentials stay with their source ------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_named_on_the_command_line_never_sends_the_environments_token() {
    let bravo = MockServer::start().await;
    // Answers whatever credentials come: the test reads which were sent.
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(record(&id(1))))
        .mount(&bravo)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.bravo]\nbase_url = \"{}\"\nproject_id = \"{PROJECT}\"\ntoken_command = \"echo PTbravo\"\n",
            bravo.uri()
        ),
    )
    .expect("write config");
    let ran = Swlog::bare()
        .secret("PTenv-secret")
        .secret("PTbravo")
        .env("SWLOG_CONFIG", &config.display().to_string())
        .env("SIGNALWIRE_API_TOKEN", "PTenv-secret")
        .env("SIGNALWIRE_PROJECT_ID", "p-env")
        .args(["--profile", "bravo"])
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(authorizations(&bravo).await, [basic(PROJECT, "PTbravo")]);

    // Without a profile named, the environment's token never meets the file's server either:
    // its credentials are used whole, and here they have no space.
    let ran = Swlog::bare()
        .secret("PTenv-secret")
        .secret("PTbravo")
        .env("SWLOG_CONFIG", &config.display().to_string())
        .env("SIGNALWIRE_API_TOKEN", "PTenv-secret")
        .get(&[&id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("set $SIGNALWIRE_SPACE too"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        authorizations(&bravo).await.len(),
        1,
        "nothing more was sent"
    );

    // `swlog config` says the environment's credentials are not used, and where each value
    // came from.
    let ran = Swlog::bare()
        .secret("PTenv-secret")
        .secret("PTbravo")
        .env("SWLOG_CONFIG", &config.display().to_string())
        .env("SIGNALWIRE_API_TOKEN", "PTenv-secret")
        .args(["--profile", "bravo", "config"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout
            .contains("environment  $SIGNALWIRE_API_TOKEN set, not used")
            && ran
                .stdout
                .contains("from `token_command` in the config file"),
        "{}",
        ran.stdout
    );
}

/// The 8-character IDs swlog prints are taken back by `swlog get` when one lookup of the history
/// starts with them; one that starts several lists them, one that starts none says so (exit 2,
/// nothing sent), and an ID one character short is "not a complete ID".
#[tokio::test]
async fn a_short_id_names_the_lookup_of_the_history_it_starts() {
    let data = tempfile::tempdir().expect("temp dir");
    let demo = |args: &[&str]| {
        Swlog::bare()
            .env("XDG_DATA_HOME", data.path().to_str().expect("utf-8"))
            .args(["--demo"])
            .get(args)
    };
    let root = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    let not_found = "00000000-0000-4000-8000-000000000404";
    let refused = "00000000-0000-4000-8000-000000000422";
    let ran = demo(&["--format", "json", root, not_found, refused])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{ran:?}");
    let ran = demo(&["--format", "json", "3F2B9E1C"]).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains(root), "{ran:?}");
    let ran = demo(&["00000000"]).run().await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .contains("00000000 starts 2 IDs in the history and the index")
            && ran.stderr.contains(not_found)
            && ran.stderr.contains(refused),
        "{ran:?}"
    );
    let ran = demo(&["deadbeef"]).run().await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr
            .contains("no log in the history or the index starts with deadbeef"),
        "{ran:?}"
    );
    let ran = demo(&[&root[..35]]).run().await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(ran.stderr.contains("is not a complete ID"), "{ran:?}");
}

/// A short ID names a log the index holds though it was never looked up (read with
/// `--no-history`, or by a search); one that starts several lists them all.
#[tokio::test]
async fn a_short_id_names_a_log_of_the_index_too() {
    let server = MockServer::start().await;
    for n in [1, 2] {
        // Of an hour ago: the index keeps 30 days.
        mount_created_ago(&server, n, chrono::TimeDelta::hours(1)).await;
    }
    let data = tempfile::tempdir().expect("temp dir");
    let get = |args: &[&str]| {
        Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", data.path().to_str().expect("utf-8"))
            .get(args)
    };
    let ran = get(&["--no-history", &id(1)]).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    // id(1) and id(2) both start 00000000; only id(1) is in the index yet.
    let ran = get(&["--format", "json", "00000000"]).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(ran.stdout.contains(&id(1)), "{ran:?}");
    let ran = get(&["--no-history", &id(2)]).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let ran = get(&["00000000"]).run().await;
    assert_eq!(ran.code, 2, "{ran:?}");
    assert!(
        ran.stderr.contains("00000000 starts 2 IDs")
            && ran.stderr.contains(&id(1))
            && ran.stderr.contains(&id(2)),
        "{ran:?}"
    );
}

/// A batch's way out makes no checkpoint (its fsyncs cost more than the batch's history
/// writes): its lookups stay in the WAL, where the next swlog reads them, and a command that
/// does checkpoint when it closes folds them into the file.
#[tokio::test]
async fn a_batch_leaves_its_lookups_in_the_wal_for_the_next_swlog_to_read() {
    let data = tempfile::tempdir().expect("temp dir");
    let demo = || {
        Swlog::bare()
            .env("XDG_DATA_HOME", data.path().to_str().expect("utf-8"))
            .args(["--demo"])
    };
    let root = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    let not_found = "00000000-0000-4000-8000-000000000404";
    let ran = demo()
        .get(&["--format", "json", root, not_found])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{ran:?}");
    let wal = data.path().join("swlog/demo/index.db-wal");
    let len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(len > 0, "the batch's commits are left in the WAL");
    let ran = demo().args(HISTORY_IDS).run().await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_eq!(ran.stdout.lines().collect::<Vec<_>>(), [not_found, root]);
    assert!(
        !wal.exists(),
        "folded into the file when `swlog history` closed"
    );
}

/// A batch's logs go to the index (written on the history's own connection, which the batch
/// hands over when it ends), but not one created before the index's age cap: the next command
/// would only prune it, at the cost of a checkpoint.
#[tokio::test]
async fn a_batch_indexes_its_logs_but_not_one_older_than_the_index_keeps() {
    let server = MockServer::start().await;
    for (n, age) in [
        (1, chrono::TimeDelta::hours(1)),
        (2, chrono::TimeDelta::days(40)),
    ] {
        mount_created_ago(&server, n, age).await;
    }
    let data = tempfile::tempdir().expect("temp dir");
    let swlog =
        || Swlog::at(&server.uri()).env("XDG_DATA_HOME", data.path().to_str().expect("utf-8"));
    let ran = swlog()
        .get(&["--format", "json", &id(1), &id(2)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let shown = swlog().args(["index", "--format", "json"]).run().await;
    assert_eq!(shown.code, 0, "{shown:?}");
    let json: serde_json::Value = serde_json::from_str(&shown.stdout).expect("json");
    assert_eq!(json["rows"], 1, "only the log of an hour ago: {json}");
    assert_eq!(json["max_age_days"], 30);
    let history = swlog().args(HISTORY_IDS).run().await;
    // In the order they ended, which concurrency leaves open.
    let mut ids: Vec<_> = history.stdout.lines().collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [id(1), id(2)],
        "both lookups are in the history: {history:?}"
    );
}
