//! The chain of legs through the real client against real loopback servers: wiremock for the
//! shapes a live space rarely shows (a loop, a deleted parent, an invalid `parent_id`, a chain
//! deeper than the walk goes, a failing parent), and the demo server for the ordinary
//! three-leg chain and the children known locally.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::collections::HashMap;

use serde_json::{Value, json};
use swlog::api::model::VoiceLog;
use swlog::api::{ApiError, Client};
use swlog::chain::{Chain, Link, MAX_HOPS, known_children, resolve};
use swlog::demo::{self, ids};
use uuid::Uuid;
use wiremock::{MockServer, ResponseTemplate};

use common::{Swlog, answer, client_at, demo_client, demo_server, id, record, uuid};

/// The sample record `n` whose `parent_id` is `parent`.
fn leg(n: u32, parent: Value) -> Value {
    let mut r = record(&id(n));
    r["parent_id"] = parent;
    r
}

async fn serve_leg(server: &MockServer, n: u32, parent: Value, times: u64) {
    answer(
        server,
        n,
        ResponseTemplate::new(200).set_body_json(leg(n, parent)),
        times,
    )
    .await;
}

/// Fetches log `start` and walks its chain, both through `client`.
async fn chain_of(client: &Client, start: Uuid) -> Chain {
    let log = client.fetch_log(start).await.expect("the starting leg").log;
    resolve(
        &log,
        |parent| async move { client.fetch_log(parent).await.map(|f| f.log) },
        MAX_HOPS,
    )
    .await
}

/// The chain in short: `leg N`, `missing N`, `cycle N`, `truncated N after K`, `invalid S`.
fn shape(chain: &Chain) -> Vec<String> {
    let n = |u: &Uuid| u.to_string()[24..].trim_start_matches('0').to_owned();
    chain
        .links
        .iter()
        .map(|l| match l {
            Link::Leg { id, .. } => format!("leg {}", id.as_ref().map_or("?".into(), n)),
            Link::Missing { id, why } => format!("missing {} ({})", n(id), why.short()),
            Link::Cycle { id } => format!("cycle {}", n(id)),
            Link::Truncated { next, after } => format!("truncated {} after {after}", n(next)),
            Link::InvalidParent(s) => format!("invalid {s}"),
        })
        .collect()
}

#[tokio::test]
async fn a_loop_stops_the_walk_where_it_closes() {
    let server = MockServer::start().await;
    // 1 → 3 → 2 → 1: leg 1 is fetched once, as the start, and never again.
    serve_leg(&server, 1, json!(id(3)), 1).await;
    serve_leg(&server, 2, json!(id(1)), 1).await;
    serve_leg(&server, 3, json!(id(2)), 1).await;
    let client = client_at(&server.uri());
    let chain = chain_of(&client, uuid(1)).await;
    assert_eq!(shape(&chain), ["cycle 1", "leg 2", "leg 3", "leg 1"]);
    assert!(!chain.is_complete());
}

#[tokio::test]
async fn a_leg_that_is_its_own_parent_is_a_loop_without_a_fetch() {
    let server = MockServer::start().await;
    serve_leg(&server, 1, json!(id(1)), 1).await;
    let chain = chain_of(&client_at(&server.uri()), uuid(1)).await;
    assert_eq!(shape(&chain), ["cycle 1", "leg 1"]);
}

#[tokio::test]
async fn a_deleted_parent_is_missing_not_found() {
    let server = MockServer::start().await;
    serve_leg(&server, 3, json!(id(2)), 1).await;
    answer(
        &server,
        2,
        ResponseTemplate::new(404).set_body_raw(r#"{"error":"Not Found"}"#, "application/json"),
        1,
    )
    .await;
    let chain = chain_of(&client_at(&server.uri()), uuid(3)).await;
    assert_eq!(shape(&chain), ["missing 2 (not found)", "leg 3"]);
    assert!(matches!(
        &chain.links[0],
        Link::Missing {
            why: ApiError::NotFound { .. },
            ..
        }
    ));
}

#[tokio::test]
async fn an_invalid_parent_id_is_kept_as_sent() {
    let server = MockServer::start().await;
    serve_leg(&server, 2, json!("CA1234-not-a-uuid"), 1).await;
    serve_leg(&server, 3, json!(id(2)), 1).await;
    serve_leg(&server, 4, json!(42), 1).await;
    let client = client_at(&server.uri());
    assert_eq!(
        shape(&chain_of(&client, uuid(3)).await),
        ["invalid CA1234-not-a-uuid", "leg 2", "leg 3"]
    );
    assert_eq!(
        shape(&chain_of(&client, uuid(4)).await),
        ["invalid 42", "leg 4"]
    );
}

#[tokio::test]
async fn a_chain_deeper_than_the_walk_is_cut_after_ten_parents() {
    let server = MockServer::start().await;
    // Twelve legs: 1 is the first, each next one its child. The walk starts at 12 and fetches
    // 11 down to 2; 1 is never asked for.
    serve_leg(&server, 1, Value::Null, 0).await;
    for n in 2..=12 {
        serve_leg(&server, n, json!(id(n - 1)), 1).await;
    }
    let chain = chain_of(&client_at(&server.uri()), uuid(12)).await;
    let mut expected = vec!["truncated 1 after 10".to_owned()];
    expected.extend((2..=12).map(|n| format!("leg {n}")));
    assert_eq!(shape(&chain), expected);
    assert_eq!(chain.legs().count(), 11);
    assert!(!chain.is_complete());
}

#[tokio::test]
async fn a_failing_parent_keeps_its_typed_error() {
    let server = MockServer::start().await;
    serve_leg(&server, 2, json!(id(1)), 1).await;
    answer(
        &server,
        1,
        ResponseTemplate::new(500)
            .set_body_raw(r#"{"error":"Internal Server Error"}"#, "application/json"),
        3,
    )
    .await;
    let chain = chain_of(&client_at(&server.uri()), uuid(2)).await;
    assert!(
        matches!(
            &chain.links[0],
            Link::Missing { id, why: ApiError::Server { status: 500, attempts: 3, .. } } if *id == uuid(1)
        ),
        "{:?}",
        chain.links[0]
    );
}

fn demo_id(s: &str) -> Uuid {
    Uuid::parse_str(s).expect("uuid")
}

#[tokio::test]
async fn the_demo_chain_has_three_legs_first_leg_first() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let chain = chain_of(&client, demo_id(ids::CHAIN_GRANDCHILD)).await;
    assert!(chain.is_complete());
    let legs: Vec<(Option<Uuid>, Option<&str>)> = chain
        .legs()
        .map(|(id, log)| (id, log.kind_wire()))
        .collect();
    assert_eq!(
        legs,
        [
            (Some(demo_id(ids::CHAIN_ROOT)), Some("laml_call")),
            (Some(demo_id(ids::CHAIN_CHILD)), Some("relay_pstn_call")),
            (Some(demo_id(ids::CHAIN_GRANDCHILD)), Some("relay_sip_call")),
        ]
    );
    let root = chain_of(&client, demo_id(ids::CHAIN_ROOT)).await;
    assert_eq!(root.links.len(), 1);
    assert!(root.is_complete());
}

/// The wire `type` of a log, for short assertions.
trait KindWire {
    fn kind_wire(&self) -> Option<&str>;
}

impl KindWire for VoiceLog {
    fn kind_wire(&self) -> Option<&str> {
        self.raw.get("type").and_then(Value::as_str)
    }
}

#[tokio::test]
async fn known_children_of_the_demo_legs() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let mut known: HashMap<Uuid, VoiceLog> = HashMap::new();
    for (name, _) in demo::RECORDS {
        let id = demo_id(&demo::id_of(name).expect("demo id"));
        let log = client.fetch_log(id).await.expect("demo record").log;
        known.insert(id, log);
    }
    assert_eq!(
        known_children(demo_id(ids::CHAIN_ROOT), &known),
        // Created the same second: the ID breaks the tie.
        [demo_id(ids::CHAIN_CHILD), demo_id(ids::CALL_SIBLING)]
    );
    assert_eq!(
        known_children(demo_id(ids::CHAIN_CHILD), &known),
        [
            demo_id(ids::CALL_FAILED_SIP),
            demo_id(ids::CHAIN_GRANDCHILD)
        ]
    );
    assert!(known_children(demo_id(ids::CHAIN_GRANDCHILD), &known).is_empty());
}

// ---- swlog get --chain ---------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_chain_shows_a_missing_parent_and_succeeds() {
    let server = MockServer::start().await;
    serve_leg(&server, 3, json!(id(2)), 1).await;
    answer(
        &server,
        2,
        ResponseTemplate::new(404).set_body_raw(r#"{"error":"Not Found"}"#, "application/json"),
        1,
    )
    .await;
    let ran = Swlog::at(&server.uri())
        .get(&["--chain", &id(3)])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(
        ran.stdout.contains(&format!(
            "  Chain (first leg first)\n    Not found             {}  the parent leg is not in this space (deleted, or in another project)\n    PSTN call  completed  {}  +12065551212 → +12065553434  (this leg)\n",
            id(2),
            id(3)
        )),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stderr, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_chain_with_a_failing_parent_exits_1_and_says_why() {
    let server = MockServer::start().await;
    serve_leg(&server, 2, json!(id(1)), 1).await;
    answer(
        &server,
        1,
        ResponseTemplate::new(503).set_body_raw(r#"{"error":"Unavailable"}"#, "application/json"),
        3,
    )
    .await;
    let ran = Swlog::at(&server.uri())
        .get(&["--chain", "--format", "json", &id(2)])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{ran:?}");
    assert!(
        ran.stderr.starts_with(&format!(
            "swlog: {}: chain: parent {}: Server error (HTTP 503) after 3 tries",
            id(2),
            id(1)
        )),
        "{}",
        ran.stderr
    );
    let printed: Value = serde_json::from_str(&ran.stdout).expect("stdout is JSON");
    assert_eq!(printed["log"], leg(2, json!(id(1))));
    assert_eq!(printed["chain"][0]["link"], "missing");
    assert_eq!(printed["chain"][0]["error"], "server error");
    assert_eq!(printed["chain"][1]["link"], "leg");
    assert_eq!(printed["chain"][1]["id"], id(2));
    assert!(printed.get("events").is_none(), "only what was asked for");
}
