//! The whole call through the real client against real loopback servers: the demo server for
//! the ordinary five-leg call (from its root, a leaf and the middle), wiremock for the shapes a
//! live space rarely shows (a grandchild on an earlier page than its parent, an orphan, a loop,
//! a 404, the 500-leg cap, a missing charge, a leg whose events fail, a failed scan), and the
//! `swlog call` binary's text, JSON and exit codes.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use serde_json::{Value, json};
use swlog::api::list::PageSizeMemory;
use swlog::call::{self, Call, CallError};
use swlog::demo::ids;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    Swlog, assert_no_raw_controls, client_at, demo_client, demo_server, id, record, uuid,
};

const LIST: &str = "/api/voice/logs";

/// Leg `n` of a wiremock call: created `second` seconds after the root, under `parent`.
fn leg(n: u32, parent: Option<u32>, second: u32) -> Value {
    let mut r = record(&id(n));
    r["parent_id"] = parent.map_or(Value::Null, |p| json!(id(p)));
    r["created_at"] = json!(format!("2024-05-06T12:20:{second:02}Z"));
    r
}

/// Serves each of `legs` at its own path, their events (none), and `pages` as the list's pages,
/// each linking to the next.
async fn serve(server: &MockServer, legs: &[Value], pages: &[Value]) {
    for l in legs {
        let id = l["id"].as_str().unwrap();
        Mock::given(method("GET"))
            .and(path(format!("{LIST}/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(l))
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            r"^/api/voice/logs/[^/]+/events$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .mount(server)
        .await;
    for (i, rows) in pages.iter().enumerate() {
        let mut links = json!({"self": "x", "first": "x"});
        if i + 1 < pages.len() {
            links["next"] = json!(format!("{}{LIST}?page_token=p{}", server.uri(), i + 1));
        }
        let body = json!({"links": links, "data": rows});
        let mut mock = Mock::given(method("GET")).and(path(LIST));
        mock = if i == 0 {
            mock.and(wiremock::matchers::query_param_is_missing("page_token"))
        } else {
            mock.and(wiremock::matchers::query_param(
                "page_token",
                format!("p{i}"),
            ))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

async fn load(server: &MockServer, n: u32, events: bool) -> Result<Call, CallError> {
    call::load(
        &client_at(&server.uri()),
        uuid(n),
        PageSizeMemory::default(),
        events,
    )
    .await
}

/// The tree in short: `N@depth`, depth first.
fn shape(legs: &[call::Leg]) -> Vec<String> {
    legs.iter()
        .map(|l| {
            let n = l.id.to_string()[24..].trim_start_matches('0').to_owned();
            format!("{n}@{}", l.depth)
        })
        .collect()
}

#[tokio::test]
async fn the_demo_call_is_the_same_tree_from_its_root_a_leaf_and_the_middle() {
    let server = demo_server().await;
    let client = demo_client(&server, None);
    let mut trees = Vec::new();
    for start in [ids::CHAIN_ROOT, ids::CHAIN_GRANDCHILD, ids::CHAIN_CHILD] {
        let call = call::load(
            &client,
            start.parse().unwrap(),
            PageSizeMemory::default(),
            true,
        )
        .await
        .expect("the call");
        assert!(call.is_complete(), "{start}");
        assert_eq!(call.asked.to_string(), start);
        let ids: Vec<String> = call.tree.legs.iter().map(|l| l.id.to_string()).collect();
        let depths: Vec<usize> = call.tree.legs.iter().map(|l| l.depth).collect();
        trees.push((ids, depths));
    }
    let (ids_, depths) = &trees[0];
    assert_eq!(
        ids_,
        &[
            ids::CHAIN_ROOT,
            ids::CHAIN_CHILD,
            ids::CALL_FAILED_SIP,
            ids::CHAIN_GRANDCHILD,
            ids::CALL_SIBLING
        ]
    );
    assert_eq!(depths, &[0, 1, 2, 2, 1]);
    assert!(trees.iter().all(|t| t == &trees[0]), "{trees:?}");
}

#[tokio::test]
async fn a_grandchild_on_an_earlier_page_than_its_parent_is_attached() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    // Newest first: the grandchild (3) comes a page before its parent (2).
    serve(
        &server,
        std::slice::from_ref(&root),
        &[
            json!([leg(3, Some(2), 9)]),
            json!([leg(2, Some(1), 5), root]),
        ],
    )
    .await;
    let call = load(&server, 1, false).await.unwrap();
    assert_eq!(shape(&call.tree.legs), ["1@0", "2@1", "3@2"]);
    assert_eq!(call.scan.as_ref().unwrap().progress.pages, 2);
    assert!(call.is_complete());
}

#[tokio::test]
async fn a_leg_whose_parent_is_nowhere_is_an_orphan_and_another_call_is_left_out() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let rows = json!([
        leg(2, Some(1), 1),
        leg(7, Some(77), 2),
        leg(5, None, 3),
        leg(6, Some(5), 4)
    ]);
    serve(&server, &[root], &[rows]).await;
    let call = load(&server, 1, false).await.unwrap();
    assert_eq!(shape(&call.tree.legs), ["1@0", "2@1"]);
    assert_eq!(shape(&call.tree.orphans), ["7@0"]);
    let json = swlog::cmd::call::to_json(&call);
    assert_eq!(json["orphans"][0]["id"], id(7));
    assert_eq!(json["orphans"][0]["parent_id"], id(77));
}

#[tokio::test]
async fn a_loop_of_parents_ends_at_the_highest_leg_before_it() {
    let server = MockServer::start().await;
    // 1 → 2 → 1: the walk up stops at 2; the tree below 2 holds 1 once.
    let one = leg(1, Some(2), 5);
    let two = leg(2, Some(1), 0);
    serve(&server, &[one.clone(), two.clone()], &[json!([one, two])]).await;
    let call = load(&server, 1, false).await.unwrap();
    assert_eq!(call.tree.root, uuid(2));
    assert_eq!(shape(&call.tree.legs), ["2@0", "1@1"]);
    let notes = call::lines::notes(&call, &swlog::present::format::Clock::system(), "");
    assert!(
        notes.iter().any(|(l, _)| l.contains("loop back")),
        "{notes:?}"
    );
}

#[tokio::test]
async fn a_404_leg_is_not_found_and_a_404_parent_makes_the_tree_partial() {
    let server = MockServer::start().await;
    let child = leg(2, Some(1), 5);
    serve(&server, std::slice::from_ref(&child), &[json!([child])]).await;
    let e = load(&server, 9, false).await.unwrap_err();
    assert!(
        matches!(e, CallError::Leg(swlog::api::ApiError::NotFound { .. })),
        "{e:?}"
    );
    let call = load(&server, 2, false).await.unwrap();
    assert_eq!(call.tree.root, uuid(2), "the highest leg found is the root");
    assert!(!call.is_complete());
    let ran = Swlog::at(&server.uri()).args(["call", &id(9)]).run().await;
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    assert!(ran.stderr.contains("Not found"), "{}", ran.stderr);
    let ran = Swlog::at(&server.uri()).args(["call", &id(2)]).run().await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!("parent {}", id(1))),
        "{}",
        ran.stderr
    );
}

#[tokio::test]
async fn the_tree_stops_at_500_legs_and_says_so() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let rows: Vec<Value> = (2..=600).map(|n| leg(n, Some(1), 1 + n % 50)).collect();
    serve(&server, &[root], &[Value::Array(rows)]).await;
    let call = load(&server, 1, false).await.unwrap();
    assert_eq!(call.tree.legs.len(), 500);
    assert_eq!(call.tree.left_out, 100);
    assert!(!call.is_complete());
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events", "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["legs"].as_array().unwrap().len(), 500);
    assert_eq!(v["complete"], false);
    assert!(
        ran.stderr.contains("stops at 500 legs (100 left out)"),
        "{}",
        ran.stderr
    );
}

#[tokio::test]
async fn a_leg_without_a_charge_is_named_in_the_total_not_counted_as_zero() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let mut free = leg(2, Some(1), 1);
    free.as_object_mut().unwrap().remove("charge");
    serve(&server, &[root], &[json!([free])]).await;
    let call = load(&server, 1, false).await.unwrap();
    let total = call.total();
    assert!((total.charge - 0.01).abs() < 1e-9);
    assert_eq!(total.unpriced, [(uuid(2), "missing")]);
    assert!(
        (total.lines[0].1 - 0.02).abs() < 1e-9,
        "the breakdown still sums both"
    );
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains(&format!(
            "Not counted: PSTN call #2 {}: its charge is missing",
            id(2)
        )),
        "{}",
        ran.stdout
    );
}

#[tokio::test]
async fn events_merge_across_legs_and_a_failing_leg_is_named() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let events = |n: u32, items: Value| {
        Mock::given(method("GET"))
            .and(path(format!("{LIST}/{}/events", id(n))))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": items})))
    };
    events(
        1,
        json!([
            {"event_at": "2024-05-06T12:20:01Z", "level": "info", "name": "root-a"},
            {"event_at": "2024-05-06T12:20:03Z", "level": "info", "name": "root-b"}
        ]),
    )
    .mount(&server)
    .await;
    events(
        2,
        json!([
            {"event_at": "2024-05-06T12:20:03Z", "level": "warn", "name": "child-same-time"},
            {"event_at": "2024-05-06T12:20:02Z", "level": "error", "name": "child-first"}
        ]),
    )
    .mount(&server)
    .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/{}/events", id(3))))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": "Internal Server Error"})),
        )
        .mount(&server)
        .await;
    serve(
        &server,
        &[root],
        &[json!([leg(2, Some(1), 1), leg(3, Some(1), 2)])],
    )
    .await;
    let call = load(&server, 1, true).await.unwrap();
    let t = call.timeline.as_ref().unwrap();
    let names: Vec<&str> = t
        .entries
        .iter()
        .map(|e| e.event.name.value().unwrap().as_str())
        .collect();
    assert_eq!(
        names,
        ["root-a", "child-first", "root-b", "child-same-time"]
    );
    assert_eq!(t.failed.len(), 1);
    assert_eq!(t.failed[0].1, uuid(3));
    assert!(!call.is_complete());
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!("{}: events:", id(3))),
        "{}",
        ran.stderr
    );
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["events"][1]["log_id"], id(2));
    assert_eq!(v["events"][1]["level"], "error");
    assert_eq!(v["complete"], false);
}

#[tokio::test]
async fn a_scan_that_fails_at_once_exits_5_and_one_that_fails_later_exits_1() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    serve(&server, std::slice::from_ref(&root), &[]).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": "Internal Server Error"})),
        )
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 5, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("scan of the call's window"),
        "{}",
        ran.stderr
    );

    let server = MockServer::start().await;
    serve(&server, &[root], &[json!([leg(2, Some(1), 1)])]).await;
    // The first page links to a second that fails.
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(wiremock::matchers::query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "links": {"next": format!("{}{LIST}?page_token=broken", server.uri())},
            "data": [leg(2, Some(1), 1)]})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("page_token", "broken"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stdout.contains(&id(2)),
        "the legs found are printed\n{}",
        ran.stdout
    );
}

#[tokio::test]
async fn hostile_strings_never_reach_the_output_raw() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let mut bad = leg(2, Some(1), 1);
    bad["from"] = json!("\u{1b}]52;c;ZXZpbA==\u{7}+1415");
    bad["status"] = json!("\u{9b}31mfailed\u{202e}");
    bad["charge_details"] = json!([{"description": "\u{1b}[2JMinutes", "charge": 0.01}]);
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/{}/events", id(2))))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"event_at": "2024-05-06T12:20:01Z", "level": "warn\u{1b}[1m", "name": "x\u{7}y",
             "details": {"k": "\u{9b}2J"}}]})))
        .mount(&server)
        .await;
    serve(&server, &[root], &[json!([bad])]).await;
    for format in ["text", "json"] {
        let ran = Swlog::at(&server.uri())
            .args(["call", &id(1), "--format", format])
            .run()
            .await;
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_no_raw_controls(format, &ran.stdout);
        assert_no_raw_controls("stderr", &ran.stderr);
    }
}

#[tokio::test]
async fn swlog_call_on_the_demo_prints_the_tree_total_and_timeline() {
    let ran = Swlog::bare()
        .args(["--demo", "call", ids::CHAIN_GRANDCHILD])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    insta::assert_snapshot!("call_demo_text", ran.stdout);
    let ran = Swlog::bare()
        .args([
            "--demo",
            "call",
            ids::CHAIN_CHILD,
            "--format",
            "json",
            "--no-events",
        ])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    insta::assert_snapshot!("call_demo_json", common::harness::without_port(&ran.stdout));
    let ran = Swlog::bare()
        .args(["--demo", "call", "not-an-id"])
        .run()
        .await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

#[tokio::test]
async fn a_call_whose_legs_have_no_date_is_shown_without_a_scan() {
    let server = MockServer::start().await;
    let mut root = leg(1, None, 0);
    root.as_object_mut().unwrap().remove("created_at");
    serve(&server, std::slice::from_ref(&root), &[]).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(0)
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--format", "json", "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains("was not scanned"), "{}", ran.stderr);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["legs"][0]["id"], id(1));
    assert_eq!(v["complete"], false);
}

#[tokio::test]
async fn no_events_is_null_in_json_and_legs_without_events_are_an_empty_list() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    // `serve` answers each leg's events with an empty list: the legs had none.
    serve(&server, &[root], &[json!([leg(2, Some(1), 1)])]).await;
    let json_of = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let uri = server.uri();
        async move {
            let ran = Swlog::at(&uri).args(args).run().await;
            assert_eq!(ran.code, 0, "{}", ran.stderr);
            serde_json::from_str::<Value>(&ran.stdout).unwrap()
        }
    };
    let skipped = json_of(&["call", &id(1), "--format", "json", "--no-events"]).await;
    assert_eq!(skipped["events"], Value::Null, "not asked for");
    let none = json_of(&["call", &id(1), "--format", "json"]).await;
    assert_eq!(none["events"], json!([]), "asked for, and there were none");
}

#[tokio::test]
async fn a_leg_whose_charge_lines_do_not_add_up_is_named_under_the_total() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let mut odd = leg(2, Some(1), 1);
    odd["charge"] = json!(0.05);
    odd["charge_details"] = json!([
        {"description": "Outbound Voice Minutes", "charge": 0.01},
        {"description": "Text to Speech", "charge": 0.01}
    ]);
    serve(&server, &[root], &[json!([odd])]).await;
    let said = format!(
        "Lines do not add up: PSTN call #2 {}: they add up to $0.02, less than its charge of $0.05 (-$0.03)",
        id(2)
    );
    let call = load(&server, 1, false).await.unwrap();
    let total = call.total();
    assert_eq!(total.mismatched.len(), 1, "only leg 2: the root adds up");
    assert_eq!(total.mismatched[0].leg, uuid(2));
    let bundle = call::ticket::bundle(
        &call,
        &swlog::present::format::Clock::system(),
        &swlog::present::place::Place::default(),
    );
    assert!(bundle.contains(&said), "the s bundle: {bundle}");
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains(&said), "{}", ran.stdout);
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events", "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let v: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(v["notes"], json!([said]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_stopped_by_an_off_origin_next_link_exits_1_never_0() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    serve(&server, std::slice::from_ref(&root), &[]).await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "links": {"next": "https://elsewhere.example/api/voice/logs?page_token=p2"},
            "data": [leg(2, Some(1), 1), root.clone()]})))
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri())
        .args(["call", &id(1), "--no-events"])
        .run()
        .await;
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(&id(2)),
        "what was found is printed\n{}",
        ran.stdout
    );
    assert!(ran.stderr.contains("another origin"), "{}", ran.stderr);
}

/// Every leg's events hang: the call gives them `events_within_secs` in all, prints the tree
/// first, then names each leg whose events did not come, and exits 1 (it waited ~21 minutes,
/// printing nothing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_that_hang_cost_one_deadline_and_the_tree_is_printed_first() {
    let server = MockServer::start().await;
    let root = leg(1, None, 0);
    let child = leg(2, Some(1), 1);
    for l in [&root, &child] {
        let id = l["id"].as_str().unwrap();
        Mock::given(method("GET"))
            .and(path(format!("{LIST}/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(l))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(wiremock::matchers::path_regex(
            r"^/api/voice/logs/[^/]+/events$",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": []}))
                .set_delay(std::time::Duration::from_secs(120)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [child, root]})))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "events_within_secs = 2\ntimeout_secs = 600\n").unwrap();
    let started = std::time::Instant::now();
    let ran = Swlog::at(&server.uri())
        .env("SWLOG_CONFIG", config.to_str().unwrap())
        .args(["call", &id(1)])
        .run()
        .await;
    let took = started.elapsed();
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        took < std::time::Duration::from_secs(30),
        "{took:?}: one deadline of 2 s"
    );
    let tree = ran.stdout.find(&id(2)).expect("the tree lists the child");
    let timeline = ran
        .stdout
        .find("Timeline (all legs)")
        .expect("the timeline section");
    assert!(tree < timeline, "the tree comes first\n{}", ran.stdout);
    for n in [1, 2] {
        assert!(
            ran.stderr
                .contains(&format!("{}: events: Timed out after 2s", id(n))),
            "{}",
            ran.stderr
        );
    }
}
