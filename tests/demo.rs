//! The built-in demo server as a real loopback server: every record variant parses through the
//! ordinary client, its error IDs give the typed errors, wrong credentials are refused, and
//! `swlog get --demo` prints from it.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::time::Duration;

use serde_json::Value;
use swlog::api::error::ErrorClass;
use swlog::api::model::{Field, Kind};
use swlog::api::{ApiError, Client, ClientOptions, Fetched, LogType};
use swlog::demo::{self, DemoOptions, DemoServer, ids};
use swlog::secret::Secret;
use uuid::Uuid;

use common::{Swlog, demo_client, demo_server, fast};

fn client(server: &DemoServer, project: &str, token: &str) -> Client {
    Client::new(server.endpoint(), project, Secret::new(token), fast()).expect("client")
}

async fn fetch(client: &Client, id: &str) -> Result<Fetched, ApiError> {
    client.fetch_log(Uuid::parse_str(id).expect("uuid")).await
}

async fn fetch_named(client: &Client, name: &str) -> Fetched {
    let id = demo::id_of(name).unwrap_or_else(|| panic!("no demo record {name}"));
    fetch(client, &id)
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[tokio::test]
async fn every_variant_parses_through_the_client() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    for (name, kind) in [
        ("call-root-laml", LogType::LamlCall),
        ("call-child-pstn", LogType::RelayPstnCall),
        ("call-grandchild-sip", LogType::RelaySipCall),
        ("webrtc-no-answer", LogType::RelayWebrtcCall),
        ("video-pstn-joined", LogType::VideoRoomPstnLeg),
        ("video-sip-ended", LogType::VideoRoomSipLeg),
        ("dialogflow", LogType::DialogflowCall),
        ("fabric-device", LogType::FabricSubscriberDeviceLeg),
    ] {
        let f = fetch_named(&client, name).await;
        assert_eq!(f.log.kind, Kind::Call(kind), "{name}");
        assert!(f.log.extras.is_empty(), "{name}: {:?}", f.log.extras);
        assert!(f.log.id.value().is_some(), "{name}");
        assert!(f.log.created_at.value().is_some(), "{name}");
    }

    let fabric = fetch_named(&client, "fabric-device").await;
    assert_eq!(fabric.log.status, Field::Null, "fabric status is null");

    let discarded = fetch_named(&client, "discarded").await;
    assert_eq!(discarded.log.kind, Kind::Discarded);
    assert!(discarded.log.discarded_at.value().is_some());
    assert!(!discarded.log.raw.contains_key("type"));

    let unknown = fetch_named(&client, "unknown-type").await;
    assert_eq!(
        unknown.log.kind,
        Kind::Unknown(Some(Value::String("ai_agent_call".into())))
    );
    let keys: Vec<&str> = unknown.log.extras.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        keys.contains(&"agent_id") && keys.contains(&"tokens_used"),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"type"),
        "an unknown type is itself shown: {keys:?}"
    );
}

#[tokio::test]
async fn every_demo_record_arrives_as_served() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    // A LaML log's `url` points at the server that serves it, as a real space's does.
    let root = swlog::api::paths::compat::ROOT;
    let recorded = format!("\"{}{root}", demo::RECORDED_ORIGIN);
    let own = format!("\"{}{root}", server.base_url());
    for (name, body) in demo::RECORDS {
        let f = fetch_named(&client, name).await;
        let body = body.replace(&recorded, &own);
        assert_eq!(f.body, body, "{name}");
        let expected: serde_json::Map<String, Value> =
            serde_json::from_str(&body).expect("asset is a JSON object");
        assert_eq!(f.log.raw, expected, "{name}");
    }
    let root_log = fetch(&client, ids::CHAIN_ROOT).await.expect("root");
    let url = root_log
        .log
        .url
        .value()
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert!(
        url.starts_with(&format!("{}{root}", server.base_url())),
        "{url}"
    );
    let chain = fetch(&client, ids::CHAIN_GRANDCHILD).await.expect("leg");
    assert_eq!(
        chain.log.parent_uuid().map(|u| u.to_string()).as_deref(),
        Some(ids::CHAIN_CHILD)
    );
    let whatsapp = fetch_named(&client, "whatsapp-mismatch").await;
    assert!(whatsapp.log.charge_mismatch().is_some());
    assert!(
        whatsapp.log.extras.iter().any(|(k, _)| k == "audio_in_mos"),
        "quality fields are kept"
    );
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized() {
    let server = demo_server().await;
    let root = ids::CHAIN_ROOT;
    for (project, token) in [
        (demo::PROJECT_ID, "PTwrong-token"),
        ("6c0ffee0-0000-4000-8000-000000000000", demo::TOKEN),
        (demo::PROJECT_ID, &demo::TOKEN[..demo::TOKEN.len() - 1]),
    ] {
        let e = fetch(&client(&server, project, token), root)
            .await
            .expect_err("refused");
        assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
        assert_eq!(e.class(), ErrorClass::Auth);
        assert!(!e.to_string().contains(token));
    }
    // The same request with the right credentials succeeds, so it was the credentials.
    assert!(fetch(&demo_client(&server, None), root).await.is_ok());
}

#[tokio::test]
async fn the_demo_error_ids_give_typed_errors() {
    let server = demo_server().await;
    let client = demo_client(&server, None);

    let e = fetch(&client, ids::NOT_FOUND).await.expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");

    let e = fetch(&client, ids::UNPROCESSABLE).await.expect_err("422");
    let ApiError::Unprocessable { items, .. } = &e else {
        panic!("expected 422, got {e:?}");
    };
    assert_eq!(items.len(), 2);
    let s = e.to_string();
    assert!(
        s.contains("invalid_parameter: Parameter value is invalid (attribute `id`)"),
        "{s}"
    );
    assert!(
        s.contains("missing_scope: The token is missing the Voice scope"),
        "{s}"
    );
    assert_eq!(
        e.class(),
        ErrorClass::Auth,
        "a scope item makes it an auth error"
    );

    let e = fetch(&client, ids::SERVER_ERROR).await.expect_err("500");
    assert!(
        matches!(
            e,
            ApiError::Server {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_slow_id_is_slow() {
    let slow = DemoServer::start(DemoOptions {
        slow: Duration::from_secs(2),
        ..DemoOptions::default()
    })
    .await
    .expect("demo server");
    let (project, token) = slow.credentials();
    let impatient = Client::new(
        slow.endpoint(),
        &project,
        token,
        ClientOptions {
            timeout: Duration::from_millis(200),
            ..fast()
        },
    )
    .expect("client");
    let e = fetch(&impatient, ids::SLOW).await.expect_err("timeout");
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    // With a short delay the same ID answers.
    let quick = demo_server().await;
    assert!(fetch(&demo_client(&quick, None), ids::SLOW).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swlog_get_demo_prints_demo_data() {
    let ran = Swlog::bare()
        .secret(demo::TOKEN)
        .args(["--demo", "get", ids::CHAIN_ROOT])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout
            .starts_with("Compatibility (LaML) call  completed  (demo data)"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains(ids::CHAIN_ROOT), "{}", ran.stdout);
    assert!(
        ran.stderr
            .contains("demo data from the built-in demo server"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swlog_get_against_the_demo_server_checks_credentials() {
    let server = demo_server().await;
    let base = server.base_url();
    let ok = Swlog::bare()
        .secret(demo::TOKEN)
        .env("SIGNALWIRE_PROJECT_ID", demo::PROJECT_ID)
        .env("SIGNALWIRE_API_TOKEN", demo::TOKEN)
        .args(["get", "--base-url", &base, ids::CHAIN_CHILD])
        .run()
        .await;
    assert_eq!(ok.code, 0, "{ok:?}");
    assert!(
        ok.stdout.starts_with("Relay PSTN call  completed"),
        "{}",
        ok.stdout
    );

    let refused = Swlog::bare()
        .secret("PTnot-the-demo-token")
        .env("SIGNALWIRE_PROJECT_ID", demo::PROJECT_ID)
        .env("SIGNALWIRE_API_TOKEN", "PTnot-the-demo-token")
        .args(["get", "--base-url", &base, ids::CHAIN_CHILD])
        .run()
        .await;
    assert_eq!(refused.code, 4, "{refused:?}");
    assert!(refused.stdout.is_empty());
    assert!(
        refused.stderr.contains("Token refused (HTTP 401)"),
        "{}",
        refused.stderr
    );
}

/// The demo's calls of several legs: yesterday's are in the list with their parents named, each
/// leg opens by ID (record and events), and `swlog --demo call` shows the tree with its total.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_lists_calls_of_several_legs_and_each_leg_opens() {
    use futures::StreamExt as _;
    use swlog::demo::multi::{self, COMPLETED, DROPPED_BUT_BILLED, SECOND_LEG_FAILED};
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(1)).date_naive();
    let request = swlog::api::list::ListRequest {
        created_on: Some(yesterday),
        ..Default::default()
    };
    let mut listed: Vec<serde_json::Map<String, Value>> = Vec::new();
    let mut pages = std::pin::pin!(client.list(request));
    while let Some(page) = pages.next().await {
        listed.extend(page.expect("a page").rows);
    }
    for (call, legs) in [
        (DROPPED_BUT_BILLED, 3),
        (SECOND_LEG_FAILED, 2),
        (COMPLETED, 3),
    ] {
        for n in 0..legs {
            let id = multi::id(yesterday, call, n);
            let row = listed
                .iter()
                .find(|r| r["id"] == id.as_str())
                .unwrap_or_else(|| panic!("call {call} leg {n} is listed"));
            let parent = (n > 0).then(|| multi::id(yesterday, call, n - 1));
            assert_eq!(row["parent_id"], serde_json::json!(parent), "{row:?}");
            let f = fetch(&client, &id).await.expect("the leg by ID");
            assert_eq!(Value::Object(f.log.raw), Value::Object(row.clone()));
            let events = client
                .fetch_events(Uuid::parse_str(&id).expect("uuid"))
                .await;
            assert!(events.is_ok(), "{id}: {events:?}");
        }
    }
    let root = multi::id(yesterday, DROPPED_BUT_BILLED, 0);
    let ran = Swlog::bare()
        .secret(demo::TOKEN)
        .args(["--demo", "call", &root, "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    for n in 0..3 {
        let id = multi::id(yesterday, DROPPED_BUT_BILLED, n);
        assert!(ran.stdout.contains(&id), "leg {n}:\n{}", ran.stdout);
    }
    assert!(ran.stdout.contains("SIP call #3"), "{}", ran.stdout);
    assert!(
        ran.stdout.contains("Total $0.0225  (3 legs)"),
        "{}",
        ran.stdout
    );
}
