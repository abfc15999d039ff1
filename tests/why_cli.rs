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
