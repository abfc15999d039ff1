//! A leg's events end to end: `Client::fetch_events` against wiremock on 127.0.0.1 (auth, order,
//! the error handling it shares with logs, odd bodies), the demo server's events endpoint (its
//! records, an empty list, 404, credentials), the timeline text as a reviewed snapshot, and
//! `swlog get --events --chain` through the binary, in text and JSON, escape sequences included.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use chrono::TimeZone;
use serde_json::{Value, json};
use swlog::api::events::{Level, Shape};
use swlog::api::model::Field;
use swlog::api::{ApiError, FetchedEvents};
use swlog::demo::{self, ids};
use swlog::present::events::timeline;
use swlog::present::format::Clock;
use uuid::Uuid;
use wiremock::matchers::{basic_auth, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    PROJECT, Swlog, TOKEN, assert_no_raw_controls, client_at, demo_client, demo_server, id,
    log_path, record,
};

fn events_path(id: &str) -> String {
    format!("{}/events", log_path(id))
}

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).expect("uuid")
}

async fn events_at(
    server: &MockServer,
    response: ResponseTemplate,
) -> Result<FetchedEvents, ApiError> {
    Mock::given(method("GET"))
        .and(path(events_path(&id(1))))
        .respond_with(response)
        .mount(server)
        .await;
    client_at(&server.uri()).fetch_events(uuid(&id(1))).await
}

fn names(f: &FetchedEvents) -> Vec<String> {
    f.events
        .items
        .iter()
        .map(|e| e.name.value().cloned().unwrap_or_default())
        .collect()
}

// ---- the client ----------------------------------------------------------------------------

#[tokio::test]
async fn events_are_fetched_with_basic_auth_and_put_in_time_order() {
    let server = MockServer::start().await;
    let body = json!({"data": [
        {"event_at": "2024-05-06T12:20:09.500Z", "level": "info", "name": "calling_call_ended", "details": {"sip_code": 200}},
        {"event_at": "2024-05-06T12:20:00Z", "level": "info", "name": "calling_call_initiated", "details": {}},
        {"event_at": "2024-05-06T12:20:01.250Z", "level": "warning", "name": "media_warning", "details": {"mos": 3.0}}
    ]})
    .to_string();
    Mock::given(method("GET"))
        .and(path(events_path(&id(1))))
        .and(basic_auth(PROJECT, TOKEN))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let f = client_at(&server.uri())
        .fetch_events(uuid(&id(1)))
        .await
        .expect("events");
    assert_eq!(
        names(&f),
        [
            "calling_call_initiated",
            "media_warning",
            "calling_call_ended"
        ]
    );
    assert_eq!(f.events.items[1].level, Field::Value(Level::Warn));
    assert_eq!(f.body, body);
    assert_eq!(f.attempts, 1);
}

#[tokio::test]
async fn no_events_is_not_found() {
    let server = MockServer::start().await;
    let e = events_at(
        &server,
        ResponseTemplate::new(404).set_body_raw(r#"{"error":"Not Found"}"#, "application/json"),
    )
    .await
    .expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn events_share_the_log_lookups_retries_and_body_checks() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(events_path(&id(1))))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(events_path(&id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let f = client_at(&server.uri())
        .fetch_events(uuid(&id(1)))
        .await
        .expect("retried");
    assert_eq!(f.attempts, 2);
    assert!(f.events.is_empty());
    assert_eq!(f.events.shape, Shape::Expected);

    let html = MockServer::start().await;
    let e = events_at(
        &html,
        ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"),
    )
    .await
    .expect_err("HTML");
    assert!(matches!(e, ApiError::Html { .. }), "{e:?}");

    let array = MockServer::start().await;
    let e = events_at(&array, ResponseTemplate::new(200).set_body_json(json!([])))
        .await
        .expect_err("not an object");
    assert!(
        matches!(
            e,
            ApiError::NotObject {
                kind: "an array",
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn an_odd_events_body_is_read_not_refused() {
    let server = MockServer::start().await;
    let f = events_at(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"data": {"items": [1]}, "links": {}})),
    )
    .await
    .expect("an object is read");
    assert!(f.events.is_empty());
    assert_eq!(f.events.shape, Shape::DataNotArray(json!({"items": [1]})));
    assert_eq!(f.events.extras.len(), 1);
}

// ---- the demo server -----------------------------------------------------------------------

#[tokio::test]
async fn every_demo_events_file_is_served_as_is_and_belongs_to_its_leg() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let mut levels = Vec::new();
    let (mut odd_details, mut extras) = (0, 0);
    for (log_id, body) in demo::EVENTS {
        assert!(
            demo::RECORDS
                .iter()
                .any(|(name, _)| demo::id_of(name).as_deref() == Some(*log_id)),
            "{log_id} is not a demo record"
        );
        let f = client.fetch_events(uuid(log_id)).await.expect(log_id);
        assert_eq!(f.body, *body, "{log_id}");
        assert!(!f.events.is_empty(), "{log_id}");
        for e in &f.events.items {
            assert_eq!(e.log_id.get(), Some(uuid(log_id)), "{log_id}");
            assert_eq!(
                e.project_id.value().map(String::as_str),
                Some(demo::PROJECT_ID)
            );
            assert!(e.event_at.get().is_some() && e.name.value().is_some());
            levels.push(e.raw["level"].clone());
            odd_details += usize::from(e.details_object().is_none());
            extras += e.extras.len();
        }
    }
    for level in ["info", "warning", "error", "debug"] {
        assert!(
            levels.contains(&json!(level)),
            "no {level} event in the demo"
        );
    }
    assert_eq!(
        odd_details, 1,
        "one event has details that are not an object"
    );
    assert_eq!(extras, 1, "one event has an unknown field");
    for leg in [ids::CHAIN_ROOT, ids::CHAIN_CHILD, ids::CHAIN_GRANDCHILD] {
        assert!(demo::EVENTS.iter().any(|(id, _)| *id == leg), "{leg}");
    }
}

#[tokio::test]
async fn the_demo_events_endpoint_answers_empty_404_and_checks_credentials() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let dialogflow = demo::id_of("dialogflow").expect("demo id");
    let f = client
        .fetch_events(uuid(&dialogflow))
        .await
        .expect("a demo log without events");
    assert_eq!(f.body, r#"{"data":[]}"#);
    assert!(f.events.is_empty());

    let e = client
        .fetch_events(uuid(ids::NOT_FOUND))
        .await
        .expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    let e = client
        .fetch_events(uuid(&id(77)))
        .await
        .expect_err("unknown log");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    let e = client
        .fetch_events(uuid(ids::SERVER_ERROR))
        .await
        .expect_err("500");
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");

    let e = demo_client(&server, Some("PTwrong-token"))
        .fetch_events(uuid(ids::CHAIN_ROOT))
        .await
        .expect_err("wrong token");
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
}

#[tokio::test]
async fn demo_timelines_snapshot() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let clock = Clock::fixed(
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 15, 0, 0)
            .single()
            .expect("a date"),
    );
    for (name, log_id) in [
        ("chain-root", ids::CHAIN_ROOT),
        ("failed-busy", "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1"),
        (
            "whatsapp-newest-first",
            "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1",
        ),
        (
            "webrtc-string-details",
            "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
        ),
    ] {
        let f = client.fetch_events(uuid(log_id)).await.expect(name);
        let t = timeline(&f.events, &clock);
        let mut text = t.text("");
        text.push_str("\n--- the last event as text ---\n");
        text.push_str(&t.rows.last().map(|r| r.text()).unwrap_or_default());
        insta::assert_snapshot!(format!("timeline_{name}"), text);
    }
}

// ---- swlog get --events --chain ------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events_and_chain_text_from_the_demo() {
    let ran = Swlog::bare()
        .secret(demo::TOKEN)
        .args([
            "--demo",
            "get",
            "--events",
            "--chain",
            ids::CHAIN_GRANDCHILD,
        ])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let out = &ran.stdout;
    assert!(
        out.contains(&format!(
            "  Chain (first leg first)
    LaML call  completed  {}  +12065551212 → +18005550100
    PSTN call  completed  {}  +18005550100 → +14155550123
    SIP call   ended      {}  sip:+14155550123@acme.sip.signalwire.com → sip:support-desk@pbx.example.com;transport=tls  (this leg)
  Events
",
            ids::CHAIN_ROOT,
            ids::CHAIN_CHILD,
            ids::CHAIN_GRANDCHILD
        )),
        "{out}"
    );
    let events: Vec<&str> = out
        .split("  Events\n")
        .nth(1)
        .expect("an Events section")
        .lines()
        .collect();
    assert_eq!(events.len(), 5, "{out}");
    assert!(
        events[0].starts_with("       +00.000s  ") && events[0].contains("calling_call_initiated"),
        "{out}"
    );
    assert!(
        events[2].ends_with(r#"{"sip_code":180} · node_id="us-west-2b.relay-07""#),
        "{out}"
    );
    assert!(events[4].starts_with("    +1m 25.007s  "), "{out}");
    // The Events section comes after the record and the chain.
    assert!(out.find("  ID  ").unwrap_or(usize::MAX) < out.find("  Chain").unwrap_or(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events_and_chain_json_from_the_demo() {
    let ran = Swlog::bare()
        .secret(demo::TOKEN)
        .args([
            "--demo",
            "get",
            "--format",
            "json",
            "--events",
            "--chain",
            ids::CHAIN_CHILD,
            "1e3a5c7e-9b2d-4f6a-8e0c-2a4c6e8a0b41",
            "6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71",
        ])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    let items = printed.as_array().expect("several IDs make an array");
    assert_eq!(items.len(), 3);
    let child = &items[0];
    let keys: Vec<&String> = child.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["log", "events", "chain"]);
    assert_eq!(child["log"]["id"], ids::CHAIN_CHILD);
    let (_, body) = demo::EVENTS
        .iter()
        .find(|(id, _)| *id == ids::CHAIN_CHILD)
        .expect("child events");
    let served: Value = serde_json::from_str(body).expect("asset");
    assert_eq!(child["events"], served["data"], "events as received");
    assert_eq!(
        child["chain"],
        json!([
            {"link": "leg", "id": ids::CHAIN_ROOT, "type": "laml_call", "status": "completed",
             "from": "+12065551212", "to": "+18005550100", "parent_id": null},
            {"link": "leg", "id": ids::CHAIN_CHILD, "type": "relay_pstn_call", "status": "completed",
             "from": "+18005550100", "to": "+14155550123", "parent_id": ids::CHAIN_ROOT}
        ])
    );
    assert_eq!(
        items[1]["events"][2]["details"],
        "no answer after 30 seconds"
    );
    assert_eq!(items[2]["events"], json!([]), "a log without events");
    assert_eq!(items[2]["chain"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_without_the_flags_prints_the_plain_body() {
    let ran = Swlog::bare()
        .secret(demo::TOKEN)
        .args(["--demo", "get", "--format", "json", ids::CHAIN_CHILD])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed["id"], ids::CHAIN_CHILD);
    assert!(printed.get("log").is_none());
}

/// Mounts the sample record for log `n` and `events` as its events answer.
async fn log_with_events(server: &MockServer, n: u32, events: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(log_path(&id(n))))
        .respond_with(ResponseTemplate::new(200).set_body_json(record(&id(n))))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(events_path(&id(n))))
        .respond_with(events)
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events_404_is_no_events_and_a_failure_is_exit_1() {
    let server = MockServer::start().await;
    log_with_events(
        &server,
        1,
        ResponseTemplate::new(404).set_body_raw(r#"{"error":"Not Found"}"#, "application/json"),
    )
    .await;
    log_with_events(
        &server,
        2,
        ResponseTemplate::new(500)
            .set_body_raw(r#"{"error":"Internal Server Error"}"#, "application/json"),
    )
    .await;
    let ran = Swlog::at(&server.uri())
        .get(&["--events", &id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout
            .ends_with("  Events\n    No events recorded for this leg.\n"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stderr, "");

    let ran = Swlog::at(&server.uri())
        .get(&["--events", &id(2)])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(
        ran.stdout.ends_with(
            "  Events\n    Could not fetch the events: Server error (HTTP 500) after 3 tries: Internal Server Error\n"
        ),
        "{}",
        ran.stdout
    );
    assert_eq!(
        ran.stderr,
        format!(
            "swlog: {}: events: Server error (HTTP 500) after 3 tries: Internal Server Error\n",
            id(2)
        )
    );

    let ran = Swlog::at(&server.uri())
        .get(&["--events", "--format", "json", &id(2)])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{ran:?}");
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed["events"], Value::Null);
    assert_eq!(printed["events_error"]["error"], "server error");
}

/// Events whose every server-chosen string tries to drive the terminal.
fn hostile_events() -> Value {
    json!({"data": [
        {"event_at": "2024-05-06T12:20:00Z", "level": "\u{1b}[5merror", "name": "call\u{1b}]52;c;ZXZpbA==\u{7}",
         "details": {"cause\u{9b}2J": "\u{1b}[2Jbusy\u{7f}\u{202e}", "n": ["\u{85}"]}, "x\u{1b}[1m": "\u{9b}6n"},
        {"event_at": "2024-05-06T12:20:01Z\u{1b}[2J", "level": "info", "name": "\u{9b}31m", "details": "\u{1b}]0;title\u{7}"},
        "\u{1b}[31m"
    ]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_in_events_never_reach_the_terminal() {
    let server = MockServer::start().await;
    log_with_events(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(hostile_events()),
    )
    .await;
    let ran = Swlog::at(&server.uri())
        .get(&["--events", &id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_no_raw_controls("stdout", &ran.stdout);
    for visible in [
        "call\\u{1b}]52;c;ZXZpbA==\\u{7}",
        "\\u{1b}[5merror",
        r#""cause\u009b2J":"\u001b[2Jbusy\u007f\u202e""#,
        "x\\u{1b}[1m=\"\\u009b6n\"",
        "\\u{9b}31m",
        "(not an event object)",
    ] {
        assert!(
            ran.stdout.contains(visible),
            "{visible} not shown in:\n{}",
            ran.stdout
        );
    }

    let ran = Swlog::at(&server.uri())
        .get(&["--events", "--format", "json", &id(1)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert_no_raw_controls("stdout", &ran.stdout);
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(
        printed["events"],
        hostile_events()["data"],
        "escaping changed the data"
    );
}
