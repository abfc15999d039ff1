//! The HTTP client against real servers on 127.0.0.1 (wiremock, or a raw socket server for
//! what wiremock cannot send): every error status, retries and their limits, timeouts, refused
//! connections, and every kind of broken body.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use serde_json::json;
use swlog::api::error::{ErrorClass, ErrorItem};
use swlog::api::model::Kind;
use swlog::api::{ApiError, ClientOptions, Fetched, LogType};
use uuid::Uuid;
use wiremock::matchers::{basic_auth, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::{
    PROJECT, Raw, TOKEN, answer, client_with, closed_port, fast, id, log_path, raw_server, record,
};

async fn fetch(base_url: &str, n: u32, options: ClientOptions) -> Result<Fetched, ApiError> {
    let uuid = Uuid::parse_str(&id(n)).expect("uuid");
    client_with(base_url, options).fetch_log(uuid).await
}

fn json_body(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// Checks what every error message must do: name no token, carry no raw control character.
fn message_of(e: &ApiError) -> String {
    let s = e.to_string();
    assert!(!s.contains(TOKEN), "token in message: {s}");
    common::assert_no_raw_controls("the error message", &s);
    s
}

#[tokio::test]
async fn a_record_is_fetched_with_basic_auth_and_typed() {
    let server = MockServer::start().await;
    let body = record(&id(1)).to_string();
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .and(basic_auth(PROJECT, TOKEN))
        .and(header("accept", "application/json"))
        .respond_with(json_body(200, &body))
        .expect(1)
        .mount(&server)
        .await;
    let fetched = fetch(&server.uri(), 1, fast()).await.expect("fetched");
    assert_eq!(fetched.log.kind, Kind::Call(LogType::RelayPstnCall));
    assert_eq!(fetched.log.id.get().map(|u| u.to_string()), Some(id(1)));
    assert_eq!(fetched.body, body);
    assert_eq!(fetched.attempts, 1);
}

#[tokio::test]
async fn status_400_shows_the_servers_words_and_is_not_retried() {
    let server = MockServer::start().await;
    answer(&server, 1, json_body(400, r#"{"error":"Bad Request"}"#), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("400");
    assert_eq!(
        e,
        ApiError::BadRequest {
            detail: "Bad Request".into()
        }
    );
    assert_eq!(message_of(&e), "Bad request (HTTP 400): Bad Request");
    assert_eq!(e.class(), ErrorClass::Refused);
}

#[tokio::test]
async fn status_401_names_space_and_project_but_never_the_token() {
    let server = MockServer::start().await;
    answer(&server, 1, json_body(401, r#"{"error":"Unauthorized"}"#), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("401");
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    let s = message_of(&e);
    assert!(s.contains("HTTP 401"), "{s}");
    assert!(s.contains("in space 127.0.0.1"), "{s}");
    assert!(s.contains("for project a1b2c3d4…"), "{s}");
    assert!(!s.contains(PROJECT), "the whole project ID is shown: {s}");
    assert!(!format!("{e:?}").contains(TOKEN));
    assert_eq!(e.class(), ErrorClass::Auth);
}

#[tokio::test]
async fn status_403_is_an_auth_error_naming_the_scope() {
    let server = MockServer::start().await;
    answer(&server, 1, json_body(403, r#"{"error":"Forbidden"}"#), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("403");
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    let s = message_of(&e);
    assert!(s.contains("HTTP 403") && s.contains("Voice scope"), "{s}");
    assert!(s.contains("127.0.0.1") && s.contains("a1b2c3d4…"), "{s}");
    assert_eq!(e.class(), ErrorClass::Auth);
}

#[tokio::test]
async fn status_404_is_not_found_and_is_not_retried() {
    let server = MockServer::start().await;
    answer(&server, 1, json_body(404, r#"{"error":"Not Found"}"#), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    assert_eq!(
        message_of(&e),
        "Not found in space 127.0.0.1 (project a1b2c3d4…): check the ID, space and project"
    );
    assert_eq!(e.class(), ErrorClass::NotFound);
}

#[tokio::test]
async fn status_422_shows_every_item_and_is_not_retried() {
    let server = MockServer::start().await;
    let body = json!({"errors": [
        {"type": "validation_error", "code": "invalid_parameter",
         "message": "Parameter value is invalid", "attribute": "id", "url": "https://x"},
        {"type": "validation_error", "code": "too_old",
         "message": "Log is past \u{1b}[31mretention", "attribute": "created_at"},
        {"code": "other", "message": "No attribute here"}
    ]});
    answer(&server, 1, json_body(422, &body.to_string()), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("422");
    let ApiError::Unprocessable { items, .. } = &e else {
        panic!("expected Unprocessable, got {e:?}");
    };
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0],
        ErrorItem {
            kind: Some("validation_error".into()),
            code: Some("invalid_parameter".into()),
            message: Some("Parameter value is invalid".into()),
            attribute: Some("id".into()),
            url: Some("https://x".into()),
        }
    );
    let s = message_of(&e);
    assert!(
        s.contains("invalid_parameter: Parameter value is invalid (attribute `id`)"),
        "{s}"
    );
    assert!(
        s.contains("too_old: Log is past \\u{1b}[31mretention (attribute `created_at`)"),
        "{s}"
    );
    assert!(s.contains("other: No attribute here"), "{s}");
    assert_eq!(
        e.class(),
        ErrorClass::Refused,
        "no item is about scope: the request, not the token"
    );
}

#[tokio::test]
async fn status_500_is_retried_up_to_three_attempts() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        json_body(500, r#"{"error":"Internal Server Error"}"#),
        3,
    )
    .await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("500");
    assert_eq!(
        e,
        ApiError::Server {
            status: 500,
            attempts: 3,
            detail: "Internal Server Error".into()
        }
    );
    let s = message_of(&e);
    assert!(s.contains("after 3 tries"), "{s}");
    assert_eq!(e.class(), ErrorClass::Remote);
}

#[tokio::test]
async fn an_odd_status_is_reported_with_its_number_and_not_retried() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(418).set_body_string("I'm a teapot"),
        1,
    )
    .await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("418");
    assert_eq!(
        e,
        ApiError::Status {
            status: 418,
            detail: "I'm a teapot".into()
        }
    );
    assert_eq!(message_of(&e), "Unexpected HTTP 418: I'm a teapot");
}

#[tokio::test]
async fn status_503_is_retried_then_the_record_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, 1, json_body(200, &record(&id(1)).to_string()), 1).await;
    let fetched = fetch(&server.uri(), 1, fast()).await.expect("fetched");
    assert_eq!(fetched.attempts, 2);
    assert_eq!(fetched.log.kind, Kind::Call(LogType::RelayPstnCall));
}

#[tokio::test]
async fn status_429_waits_for_retry_after_then_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(log_path(&id(1))))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, 1, json_body(200, &record(&id(1)).to_string()), 1).await;
    let started = Instant::now();
    // The backoff is 10 ms: only Retry-After can make the wait near a second.
    let fetched = fetch(&server.uri(), 1, fast()).await.expect("fetched");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "Retry-After: 1 was not honoured: {waited:?}"
    );
    assert_eq!(fetched.attempts, 2);
}

#[tokio::test]
async fn status_429_on_every_try_gives_up_after_three() {
    let server = MockServer::start().await;
    answer(&server, 1, ResponseTemplate::new(429), 3).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("429");
    assert_eq!(e, ApiError::rate_limited(3));
    assert!(message_of(&e).contains("after 3 tries"));
}

#[tokio::test]
async fn a_slow_server_times_out_without_a_retry() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        json_body(200, &record(&id(1)).to_string()).set_delay(Duration::from_secs(2)),
        1,
    )
    .await;
    let options = ClientOptions {
        timeout: Duration::from_millis(200),
        ..fast()
    };
    let started = Instant::now();
    let e = fetch(&server.uri(), 1, options).await.expect_err("timeout");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(&e, ApiError::Timeout { host, after } if host == "127.0.0.1" && *after == Duration::from_millis(200)),
        "{e:?}"
    );
    assert_eq!(message_of(&e), "Timed out after 0.2s waiting for 127.0.0.1");
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let e = fetch(&base, 1, fast()).await.expect_err("refused");
    assert_eq!(
        e,
        ApiError::Refused {
            host: "127.0.0.1".into(),
            attempts: 3
        }
    );
    assert_eq!(
        message_of(&e),
        "Connection refused by 127.0.0.1 after 3 tries"
    );
    assert_eq!(e.class(), ErrorClass::Remote);
}

fn small_body_limit() -> ClientOptions {
    ClientOptions {
        max_body: 64 * 1024,
        ..fast()
    }
}

#[tokio::test]
async fn a_body_over_the_limit_with_content_length_is_refused() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"id":"{}","pad":"{}"}}"#, id(1), "x".repeat(64 * 1024));
    answer(&server, 1, json_body(200, &big), 1).await;
    let e = fetch(&server.uri(), 1, small_body_limit())
        .await
        .expect_err("too large");
    assert_eq!(e, ApiError::TooLarge { limit: 64 * 1024 });
    assert_eq!(
        message_of(&e),
        "Response body larger than 65536 bytes: refused"
    );
}

#[tokio::test]
async fn a_body_at_the_limit_is_accepted() {
    let server = MockServer::start().await;
    let head = format!(r#"{{"id":"{}","pad":""#, id(1));
    let pad = 64 * 1024 - head.len() - 2;
    let exact = format!("{head}{}\"}}", "x".repeat(pad));
    assert_eq!(exact.len(), 64 * 1024);
    answer(&server, 1, json_body(200, &exact), 1).await;
    let fetched = fetch(&server.uri(), 1, small_body_limit())
        .await
        .expect("a body of exactly max_body bytes");
    assert_eq!(fetched.body.len(), 64 * 1024);
}

#[tokio::test]
async fn a_huge_content_length_is_refused_before_the_body_arrives() {
    // The server announces 10 MB and sends nothing more: only the header can refuse it, and a
    // client that waited for the body would time out instead.
    let base = raw_server(Raw::Hang(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"
            .to_vec(),
    ))
    .await;
    let options = ClientOptions {
        timeout: Duration::from_secs(3),
        ..small_body_limit()
    };
    let e = fetch(&base, 1, options).await.expect_err("too large");
    assert_eq!(e, ApiError::TooLarge { limit: 64 * 1024 });
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_off_at_the_limit() {
    let base = raw_server(Raw::EndlessChunks {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk: 8 * 1024,
    })
    .await;
    let e = fetch(&base, 1, small_body_limit())
        .await
        .expect_err("too large");
    assert_eq!(e, ApiError::TooLarge { limit: 64 * 1024 });
}

#[tokio::test]
async fn an_html_page_with_status_200_is_named_as_such() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_raw(
            "<!doctype html>\n<title>Wi-Fi login\u{1b}]0;x\u{7}</title><p>Accept the terms",
            "text/html",
        ),
        1,
    )
    .await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("html");
    assert!(matches!(e, ApiError::Html { status: 200, .. }), "{e:?}");
    let s = message_of(&e);
    assert!(s.contains("HTML page instead of JSON"), "{s}");
    assert!(
        s.contains("<!doctype html> <title>Wi-Fi login\\u{1b}]0;x"),
        "{s}"
    );
}

#[tokio::test]
async fn an_html_page_without_an_html_content_type_is_still_html() {
    let server = MockServer::start().await;
    answer(
        &server,
        1,
        json_body(200, "  <html><body>Proxy error</body></html>"),
        1,
    )
    .await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("html");
    assert!(matches!(e, ApiError::Html { status: 200, .. }), "{e:?}");
}

#[tokio::test]
async fn an_empty_body_is_named_as_such() {
    let server = MockServer::start().await;
    answer(&server, 1, ResponseTemplate::new(200), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("empty");
    assert_eq!(e, ApiError::Empty { status: 200 });
    assert_eq!(message_of(&e), "Empty response body (HTTP 200)");
}

#[tokio::test]
async fn an_empty_error_body_is_said_to_be_empty() {
    let server = MockServer::start().await;
    answer(&server, 1, ResponseTemplate::new(418), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("418");
    assert_eq!(message_of(&e), "Unexpected HTTP 418: (empty body)");
}

#[tokio::test]
async fn truncated_json_is_named_as_such() {
    let server = MockServer::start().await;
    let body = record(&id(1)).to_string();
    answer(&server, 1, json_body(200, &body[..body.len() / 2]), 1).await;
    let e = fetch(&server.uri(), 1, fast())
        .await
        .expect_err("truncated");
    assert!(matches!(e, ApiError::Truncated { .. }), "{e:?}");
    assert!(message_of(&e).starts_with("Truncated JSON response: {\"id\":"));
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_truncated() {
    let base = raw_server(Raw::Close(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"id\":\"00000000-"
            .to_vec(),
    ))
    .await;
    let e = fetch(&base, 1, fast()).await.expect_err("truncated");
    assert!(matches!(e, ApiError::Truncated { .. }), "{e:?}");
}

#[tokio::test]
async fn json_that_is_not_an_object_says_what_it_is() {
    let server = MockServer::start().await;
    for (n, body, kind) in [
        (1, "[1,2,3]", "an array"),
        (2, "\"3f2b9e1c\"", "a string"),
        (3, "null", "null"),
        (4, "42", "a number"),
    ] {
        answer(&server, n, json_body(200, body), 1).await;
        let e = fetch(&server.uri(), n, fast())
            .await
            .expect_err("not object");
        assert!(
            matches!(&e, ApiError::NotObject { kind: k, .. } if *k == kind),
            "{body}: {e:?}"
        );
        assert!(message_of(&e).starts_with(&format!("Expected a JSON object, got {kind}")));
    }
}

#[tokio::test]
async fn text_that_is_not_json_is_named_as_such() {
    let server = MockServer::start().await;
    answer(&server, 1, json_body(200, "OK\u{1b}[2J"), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("not json");
    assert!(matches!(e, ApiError::NotJson { .. }), "{e:?}");
    assert!(message_of(&e).contains("OK\\u{1b}[2J"));
}

#[tokio::test]
async fn a_200_deep_body_is_an_error_not_a_crash() {
    let server = MockServer::start().await;
    let deep = format!(
        r#"{{"id":"{}","nested":{}{}}}"#,
        id(1),
        r#"{"a":"#.repeat(200),
        "}".repeat(200)
    );
    answer(&server, 1, json_body(200, &deep), 1).await;
    let e = fetch(&server.uri(), 1, fast()).await.expect_err("too deep");
    assert!(matches!(e, ApiError::NotJson { .. }), "{e:?}");
    assert!(message_of(&e).contains("recursion limit"));
}
