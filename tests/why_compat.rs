//! A LaML leg's Compatibility record and recordings over real loopback servers (wiremock):
//! read from the log's `url` when it is ours, from the documented route otherwise, never from
//! another origin, never for other leg types, and every failure in words that leave the log.

#![allow(clippy::expect_used)]

mod common;

use serde_json::{Value, json};
use swlog::api::VoiceLog;
use swlog::api::paths::compat;
use swlog::why::Compat;
use swlog::why::load::ask;
use wiremock::matchers::{any, basic_auth, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{PROJECT, TOKEN, client_at, id};

fn log(v: Value) -> VoiceLog {
    match v {
        Value::Object(o) => VoiceLog::from_object(o),
        _ => panic!("an object"),
    }
}

fn laml(n: u32, url: Value) -> VoiceLog {
    log(
        json!({"id": id(n), "type": "laml_call", "status": "completed", "url": url,
               "duration_ms": 12_000, "billing_ms": 60_000, "charge": 0.01}),
    )
}

fn record(n: u32) -> Value {
    json!({"sid": id(n), "status": "completed", "sip_result_code": "200",
           "answered_by": "machine", "audio_in_mos": 2.1, "audio_out_jitter_avg": 45,
           "audio_out_lost": 210, "audio_rtt_avg": 80})
}

fn ok(v: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(v.to_string(), "application/json")
}

async fn no_recordings(server: &MockServer, n: u32) {
    Mock::given(method("GET"))
        .and(path(compat::call_recordings(PROJECT, id(n))))
        .respond_with(ok(json!({"recordings": [], "next_page_uri": null})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_url_on_our_origin_under_the_laml_path_is_read_with_our_credentials() {
    let server = MockServer::start().await;
    let at = format!("{}.json", compat::call(PROJECT, id(1)));
    Mock::given(method("GET"))
        .and(path(at.clone()))
        .and(basic_auth(PROJECT, TOKEN))
        .respond_with(ok(record(1)))
        .expect(1)
        .mount(&server)
        .await;
    no_recordings(&server, 1).await;
    let client = client_at(&server.uri());
    let answer = ask(&client, &laml(1, json!(format!("{}{at}", server.uri())))).await;
    let Compat::Found(call) = &answer.compat else {
        panic!("{:?}", answer.compat)
    };
    assert_eq!(call.sip_code(), Some(200));
    assert_eq!(call.answered_by.as_deref(), Some("machine"));
    assert_eq!(answer.notice, None);
    assert!(answer.failures.is_empty());
}

#[tokio::test]
async fn a_url_on_another_origin_is_never_requested_and_a_notice_says_why() {
    let ours = MockServer::start().await;
    let theirs = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(record(2)))
        .expect(0)
        .mount(&theirs)
        .await;
    Mock::given(method("GET"))
        .and(path(compat::call(PROJECT, id(2))))
        .respond_with(ok(record(2)))
        .expect(1)
        .mount(&ours)
        .await;
    no_recordings(&ours, 2).await;
    let client = client_at(&ours.uri());
    let foreign = format!("{}{}", theirs.uri(), compat::call(PROJECT, id(2)));
    let answer = ask(&client, &laml(2, json!(foreign))).await;
    assert!(
        matches!(answer.compat, Compat::Found(_)),
        "{:?}",
        answer.compat
    );
    let notice = answer.notice.expect("a notice");
    assert!(
        notice.contains("not requested") && notice.contains("documented route"),
        "{notice}"
    );
    assert!(
        theirs
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn other_leg_types_are_never_asked() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_at(&server.uri());
    for kind in [
        "relay_pstn_call",
        "relay_sip_call",
        "relay_webrtc_call",
        "something_new",
    ] {
        let relay = log(json!({"id": id(3), "type": kind, "status": "completed",
                               "url": format!("{}{}", server.uri(), compat::call(PROJECT, id(3)))}));
        let answer = ask(&client, &relay).await;
        assert_eq!(answer.compat, Compat::NotLaml, "{kind}");
    }
}

#[tokio::test]
async fn a_404_is_no_compatibility_record_and_the_explanation_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(compat::call(PROJECT, id(4))))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"code":20404,"message":"not found"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    no_recordings(&server, 4).await;
    let client = client_at(&server.uri());
    let leg = laml(4, Value::Null);
    let answer = ask(&client, &leg).await;
    assert_eq!(answer.compat, Compat::NotFound);
    assert!(
        answer.failures.is_empty(),
        "a missing record is not a failure"
    );
    let why = swlog::why::explain(&[swlog::why::LegInput {
        log: &leg,
        ordinal: 1,
        compat: answer.compat,
        events: None,
        recordings: vec![],
    }]);
    assert_eq!(
        why.legs[0].note.as_deref(),
        Some("no Compatibility record for this call")
    );
    assert_eq!(
        why.legs[0].status.as_deref(),
        Some("completed"),
        "the log is still there"
    );
}

#[tokio::test]
async fn a_refused_token_is_in_words_with_the_voice_scope_hint() {
    for status in [401, 403] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(r#"{"error":"no"}"#, "application/json"),
            )
            .mount(&server)
            .await;
        let client = client_at(&server.uri());
        let answer = ask(&client, &laml(5, Value::Null)).await;
        let Compat::Failed(words) = &answer.compat else {
            panic!("{:?}", answer.compat)
        };
        assert!(words.contains("Voice scope"), "{words}");
        assert!(!words.contains(TOKEN));
        assert!(!answer.failures.is_empty());
    }
}

#[tokio::test]
async fn another_calls_record_is_not_used() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(compat::call(PROJECT, id(6))))
        .respond_with(ok(record(7)))
        .mount(&server)
        .await;
    no_recordings(&server, 6).await;
    let answer = ask(&client_at(&server.uri()), &laml(6, Value::Null)).await;
    assert!(
        matches!(answer.compat, Compat::Failed(ref w) if w.contains("answered with")),
        "{:?}",
        answer.compat
    );
}

#[tokio::test]
async fn recordings_pages_are_followed_on_our_origin_only() {
    let ours = MockServer::start().await;
    let theirs = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"recordings": []})))
        .expect(0)
        .mount(&theirs)
        .await;
    let first = compat::call_recordings(PROJECT, id(8));
    Mock::given(method("GET"))
        .and(path(first.clone()))
        .respond_with(ok(json!({
            "recordings": [{"sid": "RE1", "duration": "3", "status": "completed"}],
            "next_page_uri": format!("{}{}?PageToken=PA1", theirs.uri(), first)
        })))
        .mount(&ours)
        .await;
    let got = client_at(&ours.uri())
        .fetch_recordings(id(8).parse().expect("uuid"))
        .await
        .expect("the first page");
    assert_eq!(got.recordings.len(), 1);
    let why = got.stopped.expect("stopped");
    assert!(why.contains("not followed"), "{why}");
    assert!(
        theirs
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn the_demo_answers_a_machine_a_busy_call_a_clean_call_and_a_playable_recording() {
    use swlog::demo::ids;
    let server = common::demo_server().await;
    let client = common::demo_client(&server, None);
    let fetched = |id: &'static str| {
        let client = client.clone();
        async move {
            client
                .fetch_log(id.parse().expect("uuid"))
                .await
                .expect("log")
                .log
        }
    };
    let root = ask(&client, &fetched(ids::CHAIN_ROOT).await).await;
    let Compat::Found(call) = &root.compat else {
        panic!("{:?}", root.compat)
    };
    assert_eq!(call.answered_by.as_deref(), Some("machine"));
    assert!(swlog::why::quality::is_flagged(&call.quality));
    assert_eq!(root.recordings.len(), 1);
    assert_eq!(
        root.notice, None,
        "the demo records' url is on the demo's own origin, read as given"
    );
    let busy = ask(
        &client,
        &fetched("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1").await,
    )
    .await;
    assert!(matches!(&busy.compat, Compat::Found(c) if c.sip_code() == Some(486)));
    let clean = ask(&client, &fetched(ids::SLOW).await).await;
    assert!(matches!(&clean.compat, Compat::Found(c) if c.answered_by.as_deref() == Some("human")));
    assert_eq!(
        clean.notice, None,
        "a null url is the documented route, quietly"
    );
    let relay = ask(&client, &fetched(ids::CHAIN_CHILD).await).await;
    assert_eq!(relay.compat, Compat::NotLaml);
}
