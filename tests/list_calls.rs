//! `swlog list --calls` against wiremock on 127.0.0.1, with calls whose legs are known: each
//! call once with all its legs and the right total, the call words, CSV that parses back, the
//! words of the other view refused before anything is sent, and a root outside the window
//! fetched by ID.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use chrono::{Duration, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{Swlog, assert_no_raw_controls, id};

const LIST: &str = "/api/voice/logs";

/// A leg `n` under `parent` (0: a root), created `minutes` ago.
fn leg(n: u32, parent: u32, minutes: i64, fields: Value) -> Value {
    let mut v = json!({
        "id": id(n),
        "parent_id": if parent == 0 { Value::Null } else { json!(id(parent)) },
        "created_at": (Utc::now() - Duration::minutes(minutes)).to_rfc3339(),
        "type": "relay_pstn_call",
        "direction": "outbound",
        "status": "completed",
        "from": "+12065550100",
        "to": "+13105550111",
    });
    v.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    v
}

/// The space: a dropped call that was billed (A), a call whose third leg failed (B), an
/// unanswered call (C), and a call whose root is three hours old (D).
fn legs() -> Vec<Value> {
    vec![
        // A: 8 s, charged, billed a minute.
        leg(
            1,
            0,
            30,
            json!({"type": "laml_call", "from": "+14155550123", "duration_ms": 8000,
            "billing_ms": 60000, "charge": 0.0085}),
        ),
        leg(2, 1, 30, json!({"duration_ms": 7000, "charge": 0.0085})),
        // B: 40 s; its SIP leg failed.
        leg(
            11,
            0,
            60,
            json!({"type": "laml_call", "duration_ms": 40000, "billing_ms": 60000,
            "charge": 0.02}),
        ),
        leg(12, 11, 60, json!({"duration_ms": 35000, "charge": 0.01})),
        leg(
            13,
            12,
            59,
            json!({"type": "relay_sip_call", "status": "failed", "duration_ms": 0,
            "charge": 0}),
        ),
        // C: nobody answered.
        leg(
            21,
            0,
            90,
            json!({"from": "+14155550123", "status": "no-answer", "duration_ms": 0,
            "charge": 0}),
        ),
        // D: a long call; its child is recent.
        leg(
            32,
            31,
            100,
            json!({"from": "+14155550199", "duration_ms": 600000, "charge": 0.1}),
        ),
    ]
}

fn root_d() -> Value {
    leg(
        31,
        0,
        180,
        json!({"type": "laml_call", "duration_ms": 5_400_000,
        "billing_ms": 5_400_000, "charge": 0.9}),
    )
}

async fn space() -> MockServer {
    space_listing_d(true).await
}

/// The space; `listed`: whether D's root is in the list's pages (else only by ID).
async fn space_listing_d(listed: bool) -> MockServer {
    let server = MockServer::start().await;
    let mut rows = legs();
    if listed {
        rows.push(root_d());
    }
    // Newest first, as the list pages them.
    rows.sort_by(|a, b| b["created_at"].as_str().cmp(&a["created_at"].as_str()));
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"links": {"self": "x", "first": "x"}, "data": rows})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/{}", id(31))))
        .respond_with(ResponseTemplate::new(200).set_body_json(root_d()))
        .mount(&server)
        .await;
    server
}

async fn calls(server: &MockServer, words: &[&str]) -> (Vec<Value>, String) {
    let ran = Swlog::at(&server.uri())
        .args(["list", "--calls", "--format", "json"])
        .args(words)
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let v: Value = serde_json::from_str(&ran.stdout).expect(&ran.stdout);
    (v.as_array().unwrap().clone(), ran.stderr)
}

fn leg_ids(call: &Value) -> Vec<String> {
    call["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_call_comes_once_with_all_its_legs_its_total_and_how_it_ended() {
    let server = space().await;
    let (calls, _) = calls(&server, &[]).await;
    let ids: Vec<&str> = calls.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [id(1), id(11), id(21), id(31)],
        "newest call first, once each"
    );
    let a = &calls[0];
    assert_eq!(leg_ids(a), [id(1), id(2)]);
    assert_eq!(a["total_charge"], json!(0.017));
    assert_eq!(a["duration_ms"], json!(8000));
    assert_eq!(a["billing_ms"], json!(60000));
    assert_eq!(a["outcome"], "completed");
    let b = &calls[1];
    assert_eq!(leg_ids(b), [id(11), id(12), id(13)]);
    assert_eq!(b["total_charge"], json!(0.03));
    assert_eq!(b["outcome"], "failed on SIP call #3");
    assert_eq!(b["legs"][2]["parent_id"], json!(id(12)));
    assert_eq!(calls[2]["outcome"], "no answer");
    assert_eq!(leg_ids(&calls[3]), [id(31), id(32)]);
    assert_eq!(calls[3]["total_charge"], json!(1.0));
}

#[tokio::test]
async fn charge_and_max_find_exactly_the_short_charged_calls() {
    let server = space().await;
    let (calls, _) = calls(&server, &["charge:>0", "max:30s"]).await;
    let ids: Vec<&str> = calls.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(1)], "A is the one dropped call that was billed");
    let (calls, _) = calls_of(&server, &["legs:>2"]).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["id"], json!(id(11)));
    let (calls, _) = calls_of(&server, &["outcome:failed"]).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["id"], json!(id(11)));
    let (calls, stderr) = calls_of(&server, &["outcome:busy"]).await;
    assert!(calls.is_empty());
    assert!(stderr.contains("no calls matched"), "{stderr}");
}

async fn calls_of(server: &MockServer, words: &[&str]) -> (Vec<Value>, String) {
    calls(server, words).await
}

#[tokio::test]
async fn a_call_matches_when_a_leg_does_and_its_matching_legs_are_marked() {
    let server = space().await;
    let (calls, _) = calls(&server, &["(415) 555-0123"]).await;
    let ids: Vec<&str> = calls.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(1), id(21)]);
    let matched: Vec<&Value> = calls[0]["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["matched"])
        .collect();
    assert_eq!(matched, [&json!(true), &json!(false)]);
    // A child's status finds its call, the whole call.
    let (calls, _) = calls_of(&server, &["status:failed"]).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(leg_ids(&calls[0]).len(), 3);
}

#[tokio::test]
async fn a_root_before_the_window_is_fetched_by_id_and_said() {
    // Not in the pages read (nor then in the index): only the server has it.
    let server = space_listing_d(false).await;
    let (calls, stderr) = calls(&server, &["since:2h", "4155550199"]).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["id"], json!(id(31)), "the root, fetched: {stderr}");
    assert_eq!(leg_ids(&calls[0]), [id(31), id(32)]);
    assert!(
        stderr.contains("1 call began before the window"),
        "{stderr}"
    );
    let fetched = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == format!("{LIST}/{}", id(31)))
        .count();
    assert_eq!(fetched, 1);
}

#[tokio::test]
async fn csv_parses_back_one_line_a_call() {
    let server = space().await;
    let ran = Swlog::at(&server.uri())
        .args(["list", "--calls", "--format", "csv"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let mut reader = csv::Reader::from_reader(ran.stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "created_at",
            "id",
            "from",
            "to",
            "legs",
            "duration_ms",
            "billing_ms",
            "total_charge",
            "outcome"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 4);
    assert_eq!(&records[1][1], id(11));
    assert_eq!(&records[1][4], "3");
    assert_eq!(&records[1][7], "0.03");
    assert_eq!(&records[1][8], "failed on SIP call #3");
    // The table says the same, one line a call after the header.
    let ran = Swlog::at(&server.uri())
        .args(["list", "--calls"])
        .run()
        .await;
    assert_eq!(ran.stdout.lines().count(), 5, "{}", ran.stdout);
    assert!(
        ran.stdout
            .lines()
            .nth(2)
            .unwrap()
            .contains("failed on SIP call #3")
    );
    assert_no_raw_controls("table", &ran.stdout);
}

#[tokio::test]
async fn words_of_the_other_view_and_bad_values_are_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let cases: [(&[&str], &str); 9] = [
        (&["list", "--calls", "charge:>abc"], "a total in dollars"),
        (&["list", "--calls", "charge:1..0"], "a total in dollars"),
        (&["list", "--calls", "legs:0"], "a number of legs"),
        (&["list", "--calls", "legs:<1"], "a number of legs"),
        (&["list", "--calls", "charge:"], "quote it"),
        (&["list", "--calls", "legs:many"], "a number of legs"),
        (&["list", "--calls", "outcome:dropped"], "how a call ended"),
        (&["list", "charge:>0"], "use it in the calls view"),
        (
            &[
                "list",
                "--calls",
                "parent:00000000-0000-4000-8000-000000000001",
            ],
            "use it in the legs view",
        ),
    ];
    for (args, said) in cases {
        let ran = Swlog::at(&server.uri()).args(args).run().await;
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(ran.stderr.contains(said), "{args:?}: {}", ran.stderr);
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing is sent"
    );
}

/// A call (41 → 42) whose child is `child_status`, by ID; the list has it when `listed` (else
/// the list's pages have nothing the index does not hold already).
async fn mount_call(server: &MockServer, child_status: &str, listed: bool) -> (Value, Value) {
    let root = leg(41, 0, 20, json!({"from": "+14155550177", "charge": 0.01}));
    let child = leg(42, 41, 19, json!({"status": child_status, "charge": 0.02}));
    let data = if listed {
        json!([child.clone(), root.clone()])
    } else {
        json!([])
    };
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"links": {"self": "x", "first": "x"}, "data": data})),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{LIST}/{}", id(42))))
        .respond_with(ResponseTemplate::new(200).set_body_json(child.clone()))
        .mount(server)
        .await;
    (root, child)
}

#[tokio::test]
async fn a_leg_of_a_matched_call_still_going_when_indexed_is_read_again_before_it_is_shown() {
    let server = MockServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let ask = |extra: &[&str]| {
        Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", data_dir)
            .args(["list", "--calls", "--format", "json", "4155550177"])
            .args(extra.to_vec())
    };
    mount_call(&server, "in-progress", true).await;
    let ran = ask(&[]).run().await;
    let first: Value = serde_json::from_str(&ran.stdout).expect(&ran.stderr);
    assert_eq!(first[0]["outcome"], "still in progress");
    // The call ends; the index still holds the child as it was, and the newest pages do not
    // reach it: only a read of the leg itself can tell.
    server.reset().await;
    mount_call(&server, "completed", false).await;
    let ran = ask(&["--offline"]).run().await;
    let offline: Value = serde_json::from_str(&ran.stdout).expect(&ran.stderr);
    assert_eq!(
        offline[0]["outcome"], "still in progress",
        "the stored copy"
    );
    let ran = ask(&[]).run().await;
    let second: Value = serde_json::from_str(&ran.stdout).expect(&ran.stderr);
    assert_eq!(second[0]["outcome"], "completed", "{}", ran.stderr);
    assert_eq!(leg_ids(&second[0]), [id(41), id(42)]);
    let read_again = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == format!("{LIST}/{}", id(42)))
        .count();
    assert_eq!(read_again, 1);
}
