//! `swlog why` as a user runs it: against the demo (a machine with poor audio, a busy call, a
//! clean call, legs the Compatibility API does not know) and against wiremock for what a live
//! space can do to it (no record, a failing record, a `url` to another origin), with its exit
//! codes.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use serde_json::{Value, json};
use swlog::api::paths::compat;
use swlog::demo::ids;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{PROJECT, Swlog, assert_no_raw_controls, id, log_path};

const BUSY: &str = "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1";

#[tokio::test]
async fn the_demo_root_reads_as_a_machine_with_poor_audio_leg_by_leg() {
    let ran = Swlog::bare()
        .args(["--demo", "why", ids::CHAIN_ROOT])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.starts_with(
            "Why: Answered by a machine on LaML call #1; 2 min 5 s of poor audio (MOS 3.3, \
             jitter 45 ms, 210 packets lost) on LaML call #1;"
        ),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("billed 3 min for 2 min 5 s."));
    assert!(
        ran.stdout
            .contains("SignalWire gives no quality data for PSTN legs")
    );
    assert!(
        !ran.stderr.contains("not requested") && !ran.stderr.contains("documented route"),
        "the demo's LaML url is on the demo's own origin, read as given: {}",
        ran.stderr
    );
    insta::assert_snapshot!("why_demo_root_text", ran.stdout);
}

#[tokio::test]
async fn json_has_the_documented_shape_with_nulls_where_the_api_has_nothing() {
    let ran = Swlog::bare()
        .args(["--demo", "why", BUSY, "--format", "json"])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let v: Value = serde_json::from_str(&ran.stdout).expect("JSON");
    assert_eq!(
        v,
        json!({
            "verdict": "LaML call #1 ended with SIP 486 Busy Here (the callee was busy); 1 error event on LaML call #1.",
            "legs": [{
                "id": BUSY, "type": "laml_call", "sip_result_code": "486",
                "sip_meaning": "the callee was busy", "answered_by": null,
                "quality": {"mos": null, "mos_band": null, "rtt_ms": null, "jitter_ms": null,
                            "lost_packets": null},
                "recordings": []
            }]
        })
    );
    let ran = Swlog::bare()
        .args(["--demo", "why", ids::CHAIN_ROOT, "--format", "json"])
        .run()
        .await;
    let v: Value = serde_json::from_str(&ran.stdout).expect("JSON");
    let root = &v["legs"][0];
    assert_eq!(root["quality"]["mos_band"], "poor");
    assert_eq!(root["recordings"][0]["sid"], swlog::demo::compat::RECORDING);
    assert_eq!(v["legs"][1]["sip_result_code"], Value::Null, "a PSTN leg");
}

#[tokio::test]
async fn a_missing_log_is_exit_3_and_a_bad_id_exit_2() {
    let ran = Swlog::bare()
        .args(["--demo", "why", ids::NOT_FOUND])
        .run()
        .await;
    assert_eq!(ran.code, 3, "{}", ran.stderr);
    let ran = Swlog::bare().args(["--demo", "why", "nope"]).run().await;
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}

/// A LaML log on wiremock without `created_at` (so no scan of the window), whose `url` is `url`.
async fn lone_laml(server: &MockServer, url: Value) {
    let body = json!({"id": id(1), "type": "laml_call", "status": "completed",
                      "duration_ms": 30_000, "billing_ms": 60_000, "charge": 0.01,
                      "url": url, "parent_id": null});
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{}/events", log_path(&id(1)))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"data":[]}"#, "application/json"))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_404_from_the_compatibility_api_still_shows_the_log() {
    let server = MockServer::start().await;
    lone_laml(&server, Value::Null).await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(r#"{"status":404}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri()).args(["why", &id(1)]).run().await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout
            .contains("LaML call #1  00000000-0000-4000-8000-000000000001  completed"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("note         no Compatibility record for this call"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("Billed 1 min for 30 s."),
        "{}",
        ran.stdout
    );
}

#[tokio::test]
async fn a_failing_compatibility_api_is_partial_and_says_why() {
    let server = MockServer::start().await;
    lone_laml(&server, Value::Null).await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(403).set_body_raw(r#"{"error":"Forbidden"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let ran = Swlog::at(&server.uri()).args(["why", &id(1)]).run().await;
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stdout.contains("completed"),
        "the log is shown: {}",
        ran.stdout
    );
    assert!(ran.stderr.contains("Voice scope"), "{}", ran.stderr);
    assert_no_raw_controls("stderr", &ran.stderr);
}

#[tokio::test]
async fn a_url_to_another_origin_is_never_requested() {
    let ours = MockServer::start().await;
    let theirs = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&theirs)
        .await;
    let foreign = format!("{}{}", theirs.uri(), compat::call(PROJECT, id(1)));
    lone_laml(&ours, json!(foreign)).await;
    Mock::given(method("GET"))
        .and(path(compat::call(PROJECT, id(1))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"sid": id(1), "sip_result_code": "200", "answered_by": "human"}).to_string(),
            "application/json",
        ))
        .mount(&ours)
        .await;
    let ran = Swlog::at(&ours.uri()).args(["why", &id(1)]).run().await;
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains("answered by  a human"),
        "{}",
        ran.stdout
    );
    assert!(ran.stderr.contains("not requested"), "{}", ran.stderr);
    assert!(
        theirs
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// How many requests `server` received under the Compatibility API.
async fn compat_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().starts_with(compat::ROOT))
        .count()
}

/// A LaML log whose Compatibility record says `status`, ended a day ago, with one recording.
async fn kept_laml(server: &MockServer, status: &str) {
    lone_laml(server, Value::Null).await;
    let ended = (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc2822();
    Mock::given(method("GET"))
        .and(path(compat::call(PROJECT, id(1))))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                json!({"sid": id(1), "status": status, "sip_result_code": "200",
                   "answered_by": "human", "end_time": ended, "audio_in_mos": "4.4"})
                .to_string(),
                "application/json",
            ),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(compat::call_recordings(PROJECT, id(1))))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(
                json!({"recordings": [{"sid": "RE0001", "duration": "7", "status": "completed"}]})
                    .to_string(),
                "application/json",
            ),
        )
        .mount(server)
        .await;
}

/// The record of a call that is over is kept on disk beside the log's body: `swlog why` a
/// second time (another process) shows the same without asking the Compatibility API.
#[tokio::test]
async fn a_second_why_reads_a_settled_compatibility_record_from_disk() {
    let server = MockServer::start().await;
    kept_laml(&server, "completed").await;
    let data = tempfile::tempdir().unwrap();
    let data_home = data.path().to_str().unwrap();
    let why = || {
        Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", data_home)
            .args(["why", &id(1)])
            .run()
    };
    let first = why().await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(
        compat_requests(&server).await,
        2,
        "the record and its recordings"
    );
    let second = why().await;
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    assert!(
        second.stdout.contains("answered by  a human"),
        "{}",
        second.stdout
    );
    assert!(second.stdout.contains("RE0001"), "{}", second.stdout);
    assert_eq!(
        compat_requests(&server).await,
        2,
        "no request the second time"
    );
    // Without the cache, asked again.
    let third = Swlog::at(&server.uri())
        .env("XDG_DATA_HOME", data_home)
        .args(["--no-cache", "why", &id(1)])
        .run()
        .await;
    assert_eq!(third.stdout, first.stdout);
    assert_eq!(compat_requests(&server).await, 4);
}

/// A call whose record may still change (not final) is asked again every time.
#[tokio::test]
async fn a_live_compatibility_record_is_asked_again() {
    let server = MockServer::start().await;
    kept_laml(&server, "in-progress").await;
    let data = tempfile::tempdir().unwrap();
    let data_home = data.path().to_str().unwrap();
    for round in 1..=2 {
        let ran = Swlog::at(&server.uri())
            .env("XDG_DATA_HOME", data_home)
            .args(["why", &id(1)])
            .run()
            .await;
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert_eq!(compat_requests(&server).await, 2 * round);
    }
}
