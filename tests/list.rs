//! The list engine against real servers on 127.0.0.1: paging by `links.next`, the page-size
//! fallback, next links to another origin or in a loop, retries on a middle page, the stop
//! rules (window, limit, scan cap), the window sent to the server, and every filter and number
//! spelling against the demo server.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use swlog::api::error::ErrorClass;
use swlog::api::list::{ListError, PageSizeMemory};
use swlog::api::{ApiError, Client, ClientOptions, Endpoint};
use swlog::cmd::exit::{Failure, of};
use swlog::demo::{DemoOptions, DemoServer};
use swlog::list::scan::{self, Limits, Scan, Scanner, Stop};
use swlog::present::format::Clock;
use swlog::query::Query;
use swlog::secret::Secret;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap()
}

fn clock() -> Clock {
    Clock::fixed(now())
}

fn query(text: &str) -> Query {
    Query::parse(text, &clock()).unwrap()
}

/// A row created `secs` seconds before [`now`].
fn row(n: u32, secs: i64, from: &str) -> Value {
    json!({
        "id": common::id(n), "type": "relay_pstn_call", "from": from, "to": "+12065553434",
        "status": "completed", "direction": "inbound", "duration_ms": 9000, "charge": 0.01,
        "created_at": (now() - chrono::Duration::seconds(secs)).to_rfc3339(),
    })
}

fn page(rows: &[Value], next: Option<String>) -> ResponseTemplate {
    let mut links = json!({"self": "x", "first": "x"});
    if let Some(n) = next {
        links["next"] = Value::String(n);
    }
    ResponseTemplate::new(200).set_body_json(json!({"links": links, "data": rows}))
}

/// Mounts the first page (no token) and pages `p2`, `p3`… each answering `rows[i]`, linked in
/// order; the last has no `next`.
async fn mount_pages(server: &MockServer, pages: &[Vec<Value>]) {
    for (i, rows) in pages.iter().enumerate() {
        let next =
            (i + 1 < pages.len()).then(|| format!("{}{LIST}?page_token=p{}", server.uri(), i + 2));
        let mock = Mock::given(method("GET")).and(path(LIST));
        let mock = if i == 0 {
            mock.and(query_param_is_missing("page_token"))
        } else {
            mock.and(query_param("page_token", format!("p{}", i + 1)))
        };
        mock.respond_with(page(rows, next))
            .expect(1)
            .mount(server)
            .await;
    }
}

/// Mounts a first page that links to a second one which must never be asked for.
async fn mount_first_page_only(server: &MockServer, rows: Vec<Value>) {
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(
            &rows,
            Some(format!("{}{LIST}?page_token=p2", server.uri())),
        ))
        .expect(1)
        .mount(server)
        .await;
}

async fn scan_with(client: &Client, q: Query, limits: Limits, memory: PageSizeMemory) -> Scan {
    scan::run(client, Scanner::new(q, limits), memory, |_| {}).await
}

async fn scan(base: &str, text: &str) -> Scan {
    scan_with(
        &client_at(base),
        query(text),
        Limits::default(),
        PageSizeMemory::default(),
    )
    .await
}

fn ids(scan: &Scan) -> Vec<String> {
    scan.rows
        .iter()
        .map(|r| r.cell("id").into_owned())
        .collect()
}

#[tokio::test]
async fn pages_are_followed_by_their_next_links_until_there_is_none() {
    let server = MockServer::start().await;
    mount_pages(
        &server,
        &[
            vec![row(1, 10, "+1")],
            vec![row(2, 20, "+1")],
            vec![row(3, 30, "+1")],
        ],
    )
    .await;
    let s = scan(&server.uri(), "").await;
    assert_eq!(s.end, Ok(Stop::LastPage));
    assert_eq!(ids(&s), [common::id(1), common::id(2), common::id(3)]);
    assert_eq!(s.progress.pages, 3);
    let first = &server.received_requests().await.unwrap()[0];
    assert!(
        first.url.query().unwrap().contains("page_size=500"),
        "the limit is smaller than 1000: {}",
        first.url
    );
}

#[tokio::test]
async fn a_filtered_scan_asks_for_the_largest_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_size", "1000"))
        .respond_with(page(&[row(1, 10, "+14155550123")], None))
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "4155550123").await;
    assert_eq!(s.rows.len(), 1);
}

#[tokio::test]
async fn a_422_naming_page_size_falls_back_to_200_then_50_and_is_remembered() {
    let server = MockServer::start().await;
    let refused = ResponseTemplate::new(422).set_body_json(json!({"errors": [{
        "type": "validation_error", "code": "invalid_parameter",
        "message": "Parameter value is invalid", "attribute": "page_size"}]}));
    for size in ["1000", "200"] {
        Mock::given(method("GET"))
            .and(path(LIST))
            .and(query_param("page_size", size))
            .respond_with(refused.clone())
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_size", "50"))
        .respond_with(page(&[row(1, 10, "+14155550123")], None))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_at(&server.uri());
    let memory = PageSizeMemory::default();
    let s = scan_with(
        &client,
        query("4155550123"),
        Limits::default(),
        memory.clone(),
    )
    .await;
    assert_eq!((s.end, s.rows.len()), (Ok(Stop::LastPage), 1));
    assert_eq!(memory.ceiling(), Some(50));
    // The second scan of the session asks for 50 straight away (1000 and 200 expect one each).
    let s = scan_with(&client, query("4155550123"), Limits::default(), memory).await;
    assert_eq!(s.rows.len(), 1);
}

#[tokio::test]
async fn a_422_about_another_parameter_is_not_retried_with_a_smaller_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(
            ResponseTemplate::new(422)
                .set_body_json(json!({"errors": [{"attribute": "created_after"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "x").await;
    assert!(
        matches!(s.end, Err(ListError::Api(ApiError::Unprocessable { .. }))),
        "{:?}",
        s.end
    );
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_nothing_reaches_it() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(page(&[], None))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let foreign = format!("{}{LIST}?page_token=p2", elsewhere.uri());
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(&[row(1, 10, "+1")], Some(foreign)))
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    let port = elsewhere.address().port();
    match &s.end {
        Err(e @ ListError::ForeignNext { origin, .. }) => {
            assert_eq!(origin, &format!("http://127.0.0.1:{port}"));
            assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");
            assert_eq!(of(Failure::Scan(e)).code(), 5);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ids(&s), [common::id(1)], "rows found before are kept");
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_next_link_with_another_scheme_is_refused() {
    let server = MockServer::start().await;
    let https = format!(
        "https://127.0.0.1:{}{LIST}?page_token=p2",
        server.address().port()
    );
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(&[row(1, 10, "+1")], Some(https)))
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    assert!(
        matches!(s.end, Err(ListError::ForeignNext { .. })),
        "{:?}",
        s.end
    );
}

#[tokio::test]
async fn a_next_link_loop_is_an_error_with_the_rows_kept() {
    let server = MockServer::start().await;
    let p2 = format!("{}{LIST}?page_token=p2", server.uri());
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&[row(1, 10, "+1")], Some(p2.clone())))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p2"))
        .respond_with(page(&[row(2, 20, "+1")], Some(p2)))
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    assert!(
        matches!(&s.end, Err(e @ ListError::Loop { .. }) if of(Failure::Scan(e)).code() == 5),
        "{:?}",
        s.end
    );
    assert_eq!(ids(&s), [common::id(1), common::id(2)]);
}

#[tokio::test]
async fn a_503_on_a_middle_page_is_retried_and_the_scan_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p2"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_pages(
        &server,
        &[
            vec![row(1, 10, "+1")],
            vec![row(2, 20, "+1")],
            vec![row(3, 30, "+1")],
        ],
    )
    .await;
    let s = scan(&server.uri(), "").await;
    assert_eq!(s.end, Ok(Stop::LastPage));
    assert_eq!(s.rows.len(), 3);
}

#[tokio::test]
async fn a_page_that_keeps_failing_ends_the_scan_with_the_rows_so_far() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p2"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(
            &[row(1, 10, "+1")],
            Some(format!("{}{LIST}?page_token=p2", server.uri())),
        ))
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    assert!(
        matches!(
            s.end,
            Err(ListError::Api(ApiError::Server {
                status: 502,
                attempts: 3,
                ..
            }))
        ),
        "{:?}",
        s.end
    );
    assert_eq!(ids(&s), [common::id(1)]);
}

#[tokio::test]
async fn refused_credentials_are_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized"})))
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    let Err(ListError::Api(e)) = &s.end else {
        panic!("{:?}", s.end)
    };
    assert_eq!(e.class(), ErrorClass::Auth);
    assert_eq!(of(Failure::Scan(s.end.as_ref().unwrap_err())).code(), 4);
}

#[tokio::test]
async fn a_whole_page_older_than_the_window_stops_the_scan_but_one_old_row_does_not() {
    // since:1h. Page 1 holds an out-of-order old row (no stop); page 2 is all old (stop);
    // page 3 is never read.
    let server = MockServer::start().await;
    let p = |n: u32| Some(format!("{}{LIST}?page_token=p{n}", server.uri()));
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(
            &[row(1, 60, "+1"), row(2, 7200, "+1"), row(3, 120, "+1")],
            p(2),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p2"))
        .respond_with(page(&[row(4, 7300, "+1"), row(5, 7400, "+1")], p(3)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p3"))
        .respond_with(page(&[row(6, 30, "+1")], None))
        .expect(0)
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "since:1h").await;
    assert_eq!(s.end, Ok(Stop::PastWindow));
    assert_eq!(ids(&s), [common::id(1), common::id(3)]);
}

#[tokio::test]
async fn the_window_edges_are_exact_to_the_second() {
    let server = MockServer::start().await;
    // Window: [now-2h, now-1h): the start is in, the end is out; one second either side of each.
    let rows = [
        row(1, 3599, "+1"),
        row(2, 3600, "+1"),
        row(3, 3601, "+1"),
        row(4, 7199, "+1"),
        row(5, 7200, "+1"),
        row(6, 7201, "+1"),
    ];
    mount_pages(&server, &[rows.to_vec()]).await;
    let s = scan(&server.uri(), "since:2h until:1h").await;
    assert_eq!(ids(&s), [common::id(3), common::id(4), common::id(5)]);
}

#[tokio::test]
async fn the_window_is_sent_as_utc_dates_widened_by_a_day() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("created_after", "2026-11-23"))
        .and(query_param("created_before", "2026-11-26"))
        .and(query_param("include_deleted", "true"))
        .respond_with(page(&[], None))
        .expect(1)
        .mount(&server)
        .await;
    let s = scan(
        &server.uri(),
        "since:2026-11-24T10:00:00Z until:2026-11-25T10:00:00Z deleted:yes",
    )
    .await;
    assert_eq!(s.end, Ok(Stop::LastPage));
}

#[tokio::test]
async fn the_limit_stops_early_and_the_next_page_is_not_fetched() {
    let server = MockServer::start().await;
    let rows: Vec<Value> = (1..=5).map(|n| row(n, i64::from(n), "+1")).collect();
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(
            &rows,
            Some(format!("{}{LIST}?page_token=p2", server.uri())),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page_token", "p2"))
        .respond_with(page(&[], None))
        .expect(0)
        .mount(&server)
        .await;
    let limits = Limits {
        limit: 3,
        max_scan: 100,
    };
    let s = scan_with(
        &client_at(&server.uri()),
        query("2065553434"),
        limits,
        PageSizeMemory::default(),
    )
    .await;
    assert_eq!(s.end, Ok(Stop::Limit));
    assert_eq!(s.rows.len(), 3);
}

#[tokio::test]
async fn the_scan_cap_stops_mid_page() {
    let server = MockServer::start().await;
    let rows: Vec<Value> = (1..=5).map(|n| row(n, i64::from(n), "+1")).collect();
    mount_pages(&server, &[rows]).await;
    let limits = Limits {
        limit: 100,
        max_scan: 3,
    };
    let s = scan_with(
        &client_at(&server.uri()),
        query("zzz"),
        limits,
        PageSizeMemory::default(),
    )
    .await;
    assert_eq!(s.end, Ok(Stop::ScanCap));
    assert_eq!(s.progress.scanned, 3);
}

/// The cap reached on the very last row of the last page is not a cap: nothing was left unread,
/// so the scan must not tell the user to raise `--max-scan`.
#[tokio::test]
async fn a_cap_met_exactly_by_the_last_page_is_the_end_of_the_list() {
    let server = MockServer::start().await;
    let first: Vec<Value> = (1..=3).map(|n| row(n, i64::from(n), "+1")).collect();
    let second: Vec<Value> = (4..=5).map(|n| row(n, i64::from(n), "+1")).collect();
    mount_pages(&server, &[first, second]).await;
    let limits = Limits {
        limit: 100,
        max_scan: 5,
    };
    let s = scan_with(
        &client_at(&server.uri()),
        query("zzz"),
        limits,
        PageSizeMemory::default(),
    )
    .await;
    assert_eq!(s.end, Ok(Stop::LastPage));
    assert_eq!(s.progress.scanned, 5);
    // The same list with the cap at the end of the first page is capped: a page follows.
    let server = MockServer::start().await;
    let first: Vec<Value> = (1..=3).map(|n| row(n, i64::from(n), "+1")).collect();
    mount_first_page_only(&server, first).await;
    let limits = Limits {
        limit: 100,
        max_scan: 3,
    };
    let s = scan_with(
        &client_at(&server.uri()),
        query("zzz"),
        limits,
        PageSizeMemory::default(),
    )
    .await;
    assert_eq!(
        s.end,
        Ok(Stop::ScanCap),
        "a cap met at the end of a page with more to come"
    );
}

#[tokio::test]
async fn odd_rows_are_kept_or_skipped_never_fatal() {
    let server = MockServer::start().await;
    let rows = vec![
        json!({"id": "x", "type": "relay_future_call", "from": "+14155550123", "created_at": now().to_rfc3339(), "audio_in_mos": 4.2}),
        json!(42),
        json!({"id": "4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91", "discarded_at": "2026-11-20T08:00:00Z", "created_at": now().to_rfc3339()}),
    ];
    mount_pages(&server, &[rows]).await;
    let s = scan(&server.uri(), "").await;
    assert_eq!(s.progress.skipped, 1);
    assert_eq!(
        s.rows.len(),
        1,
        "the deleted row is dropped without deleted:yes"
    );
    assert_eq!(&*s.rows[0].kind, "relay_future_call");
    assert!(
        s.rows[0].raw.contains("\"audio_in_mos\":4.2"),
        "extra fields kept in the raw JSON"
    );
}

#[tokio::test]
async fn a_page_without_data_is_a_paging_fault() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"links": {}})))
        .mount(&server)
        .await;
    let s = scan(&server.uri(), "").await;
    assert!(
        matches!(s.end, Err(ListError::NotAPage { .. })),
        "{:?}",
        s.end
    );
}

// ---- against the demo server ----

async fn demo() -> (DemoServer, Client) {
    let server = DemoServer::start(DemoOptions::default())
        .await
        .expect("demo server");
    let (project, token) = server.credentials();
    let client =
        Client::new(server.endpoint(), &project, token, ClientOptions::default()).expect("client");
    (server, client)
}

async fn demo_scan(client: &Client, text: &str) -> Scan {
    let q = Query::parse(text, &Clock::system()).unwrap();
    let limits = Limits {
        limit: 10_000,
        max_scan: 100_000,
    };
    scan_with(client, q, limits, PageSizeMemory::default()).await
}

#[tokio::test]
async fn every_number_spelling_finds_the_same_demo_calls() {
    let (_server, client) = demo().await;
    let mut found: Option<BTreeSet<String>> = None;
    for spelling in [
        "+1 415 555 0123",
        "(415) 555-0123",
        "415.555.0123",
        "4155550123",
        "+14155550123",
        "1-415-555-0123",
    ] {
        let s = demo_scan(&client, spelling).await;
        assert_eq!(s.end, Ok(Stop::LastPage), "{spelling}");
        let set: BTreeSet<String> = ids(&s).into_iter().collect();
        assert!(set.len() > 20, "{spelling}: {}", set.len());
        for r in &s.rows {
            assert!(
                r.cell("from").contains("4155550123") || r.cell("to").contains("4155550123"),
                "{spelling}: {r:?}"
            );
        }
        let sides: String = s.rows.iter().map(|r| r.cell("to")).collect();
        assert!(sides.contains("sip:+14155550123@") && sides.contains("whatsapp:+14155550123"));
        if let Some(f) = &found {
            assert_eq!(f, &set, "{spelling}");
        }
        found = Some(set);
    }
    let near_miss = demo_scan(&client, "+14155550124").await;
    assert!(
        near_miss
            .rows
            .iter()
            .all(|r| !r.cell("from").contains("4155550123"))
    );
}

#[tokio::test]
async fn every_filter_against_the_demo() {
    let (_server, client) = demo().await;
    type Holds = fn(&swlog::list::Row) -> bool;
    let cases: [(&str, Holds); 8] = [
        ("from:4155550123", |r| r.cell("from").contains("4155550123")),
        ("to:4155550123", |r| r.cell("to").contains("4155550123")),
        ("status:failed,busy", |r| {
            ["failed", "busy"].contains(&&*r.cell("status"))
        }),
        ("type:sip", |r| {
            ["relay_sip_call", "video_room_sip_leg"].contains(&&*r.cell("type"))
        }),
        ("dir:inbound", |r| r.cell("direction") == "inbound"),
        ("min:5m", |r| r.duration_ms.is_some_and(|d| d >= 300_000)),
        ("parent:3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11", |r| {
            r.cell("parent_id") == "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"
        }),
        ("pbx.EXAMPLE.com", |r| {
            r.cell("from").contains("pbx.example.com") || r.cell("to").contains("pbx.example.com")
        }),
    ];
    let all = demo_scan(&client, "").await.rows.len();
    for (text, holds) in cases {
        let s = demo_scan(&client, text).await;
        assert!(
            !s.rows.is_empty() && s.rows.len() < all,
            "{text}: {} of {all}",
            s.rows.len()
        );
        assert!(s.rows.iter().all(holds), "{text}");
    }
    let deleted = demo_scan(&client, "deleted:yes").await;
    assert_eq!(
        deleted.rows.len(),
        all + 1,
        "the deleted demo log comes with deleted:yes"
    );
    let recent = demo_scan(&client, "since:1d").await;
    assert!(
        !recent.rows.is_empty() && recent.rows.len() < all / 3,
        "{}",
        recent.rows.len()
    );
    let day_ago = Utc::now() - chrono::Duration::days(1) - chrono::Duration::minutes(1);
    assert!(
        recent
            .rows
            .iter()
            .all(|r| r.created_at.is_some_and(|t| t >= day_ago))
    );
}
