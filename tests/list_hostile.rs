//! The list scan against servers that misbehave on purpose, on 127.0.0.1 (issue 27's second
//! round of attacks): empty pages for ever, a `next` link that differs only by its fragment, a
//! `next` link with a user and password in it, a `next` that is not a string, the same row on
//! two pages, and rows too large to keep. Each ends the scan (or leaves the row out) and says
//! why, with the rows found so far kept.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use swlog::api::list::{ListError, MAX_EMPTY_PAGES, PageSizeMemory};
use swlog::api::{Client, ClientOptions, Endpoint};
use swlog::list::scan::{self, Limits, Scan, Scanner};
use swlog::query::Query;
use swlog::secret::Secret;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use common::{PROJECT, TOKEN};

const LIST: &str = "/api/voice/logs";

fn client_at(base_url: &str) -> Client {
    let options = ClientOptions {
        timeout: Duration::from_secs(5),
        backoff: Duration::from_millis(10),
        ..ClientOptions::default()
    };
    let endpoint = Endpoint::from_base_url(base_url).expect("loopback base URL");
    Client::new(endpoint, PROJECT, Secret::new(TOKEN), options).expect("client")
}

fn row(n: u32) -> Value {
    json!({
        "id": common::id(n), "type": "relay_pstn_call", "from": "+14155550123",
        "to": "+12065553434", "status": "completed", "created_at": "2026-11-25T14:00:00Z",
    })
}

async fn scan_all(server: &MockServer, limits: Limits) -> Scan {
    let client = client_at(&server.uri());
    scan::run(
        &client,
        Scanner::new(Query::default(), limits),
        PageSizeMemory::default(),
        |_| {},
    )
    .await
}

/// Answers every request with `body(n)`, `n` counting the requests from 1.
struct Counting<F>(Arc<AtomicUsize>, F);

impl<F: Fn(usize, &str) -> Value + Send + Sync> Respond for Counting<F> {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json((self.1)(n, ""))
    }
}

async fn mount<F>(server: &MockServer, body: F) -> Arc<AtomicUsize>
where
    F: Fn(usize, &str) -> Value + Send + Sync + 'static,
{
    let count = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(Counting(count.clone(), body))
        .mount(server)
        .await;
    count
}

#[tokio::test]
async fn empty_pages_for_ever_end_after_a_few_in_a_row() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let count = mount(&server, move |n, _| {
        // One row on the first page, then nothing, each with a new next link.
        let data = if n == 1 { vec![row(1)] } else { vec![] };
        json!({"links": {"next": format!("{uri}{LIST}?page_token=p{}", n + 1)}, "data": data})
    })
    .await;
    let s = scan_all(&server, Limits::default()).await;
    assert!(
        matches!(s.end, Err(ListError::EmptyPages { pages }) if pages == MAX_EMPTY_PAGES),
        "{:?}",
        s.end
    );
    assert_eq!(count.load(Ordering::SeqCst), 1 + MAX_EMPTY_PAGES);
    assert_eq!(s.rows.len(), 1, "the rows found so far are kept");
    assert!(
        s.end
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("empty pages in a row")
    );
}

#[tokio::test]
async fn pages_that_never_end_stop_at_what_the_scan_cap_can_need() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let count = mount(&server, move |n, _| {
        // One new row a page, for ever: never empty, never past the window.
        json!({"links": {"next": format!("{uri}{LIST}?page_token=p{}", n + 1)},
               "data": [row(u32::try_from(n).unwrap())]})
    })
    .await;
    let limits = Limits {
        limit: 10_000,
        max_scan: 100,
    };
    let s = scan_all(&server, limits).await;
    // 100 rows at the smallest page size (50) is 2 pages, and one more.
    assert!(
        matches!(s.end, Err(ListError::TooManyPages { pages: 3 })),
        "{:?}",
        s.end
    );
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_next_link_that_changes_only_its_fragment_is_a_loop() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let count = mount(&server, move |n, _| {
        json!({"links": {"next": format!("{uri}{LIST}?page_token=p2#frag{n}")},
               "data": [row(1), row(2), row(3)]})
    })
    .await;
    let s = scan_all(&server, Limits::default()).await;
    assert!(matches!(s.end, Err(ListError::Loop { .. })), "{:?}", s.end);
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "the first page and p2, once"
    );
    assert_eq!(s.rows.len(), 3, "one row per ID, though three came twice");
    assert_eq!(s.progress.repeated, 3);
}

#[tokio::test]
async fn a_next_link_with_a_user_and_password_is_another_origin_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let with_user = server.uri().replace("http://", "http://user:pass@");
    let count = mount(&server, move |_, _| {
        json!({"links": {"next": format!("{with_user}{LIST}?page_token=p2")}, "data": [row(1)]})
    })
    .await;
    let s = scan_all(&server, Limits::default()).await;
    assert!(
        matches!(s.end, Err(ListError::ForeignNext { .. })),
        "{:?}",
        s.end
    );
    assert_eq!(count.load(Ordering::SeqCst), 1, "nothing sent to the link");
    for r in server.received_requests().await.unwrap() {
        assert_eq!(r.headers.get_all("authorization").iter().count(), 1);
    }
}

#[tokio::test]
async fn a_next_link_that_is_not_a_string_is_a_malformed_answer() {
    for next in [
        json!(2),
        json!({"href": "/api/voice/logs?page_token=p2"}),
        json!(true),
    ] {
        let server = MockServer::start().await;
        let sent = next.clone();
        mount(
            &server,
            move |_, _| json!({"links": {"next": sent}, "data": [row(1)]}),
        )
        .await;
        let s = scan_all(&server, Limits::default()).await;
        assert!(
            matches!(s.end, Err(ListError::BadNext { .. })),
            "{next}: {:?}",
            s.end
        );
        assert_eq!(s.rows.len(), 1, "{next}: the page's rows are kept");
    }
}

#[tokio::test]
async fn a_row_over_1_mib_is_left_out_and_counted() {
    let server = MockServer::start().await;
    mount(&server, |_, _| {
        let mut big = row(2);
        big["from"] = Value::String("4".repeat(2 * 1024 * 1024));
        json!({"data": [row(1), big, row(3)]})
    })
    .await;
    let s = scan_all(&server, Limits::default()).await;
    assert!(s.end.is_ok(), "{:?}", s.end);
    assert_eq!(s.rows.len(), 2);
    assert_eq!(s.progress.too_large, 1);
    assert!(
        s.progress.summary().contains("1 over 1 MiB left out"),
        "{}",
        s.progress.summary()
    );
}
