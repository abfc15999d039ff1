//! The busy-space test server against swlog's own list client: a one-day window paged
//! completely, newest first, with the requests it took counted; the page-size cap; and the
//! date and timestamp filters as the settings say.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone as _, Utc};
use futures::StreamExt as _;
use serde_json::Value;
use swlog::api::list::ListRequest;
use swlog::api::{Client, ClientOptions};
use swlog::demo::busy::{BusyOptions, BusyServer, PROJECT_ID, TOKEN};
use swlog::secret::Secret;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 15, 30, 0).unwrap()
}

fn options() -> BusyOptions {
    BusyOptions {
        rows_per_hour: 600,
        days: 2,
        now: Some(now()),
        ..BusyOptions::default()
    }
}

fn client(server: &BusyServer) -> Client {
    let (project, token) = server.credentials();
    let options = ClientOptions {
        timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    };
    Client::new(server.endpoint(), &project, token, options).unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn created(row: &serde_json::Map<String, Value>) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(row["created_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Pages through `request`, returning every row and the number of pages.
async fn scan(
    client: &Client,
    request: ListRequest,
) -> (Vec<serde_json::Map<String, Value>>, usize) {
    let pages: Vec<_> = client.list(request).collect().await;
    let count = pages.len();
    let rows = pages.into_iter().flat_map(|p| p.unwrap().rows).collect();
    (rows, count)
}

#[tokio::test]
async fn a_one_day_window_pages_completely_newest_first_and_the_requests_are_counted() {
    let server = BusyServer::start(options()).await.unwrap();
    let client = client(&server);
    let request = ListRequest {
        created_after: Some(day().into()),
        created_before: Some(day().into()),
        ..ListRequest::default()
    };
    let (rows, pages) = scan(&client, request).await;
    let start = day().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let expected = server.rows_between(start, start + TimeDelta::days(1));
    assert!(
        (12_000..17_000).contains(&expected),
        "about 600 an hour: {expected}"
    );
    assert_eq!(rows.len(), expected, "every row of the day, once");
    let ids: HashSet<_> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), rows.len(), "no row twice");
    let times: Vec<_> = rows.iter().map(created).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(times.iter().all(|t| t.date_naive() == day()));
    assert_eq!(pages, expected.div_ceil(1_000));
    let counts = server.counts();
    assert_eq!(
        (counts.list, counts.item, counts.events, counts.rows),
        (pages as u64, 0, 0, expected as u64)
    );

    // Children name a root that exists, and a single lookup is counted apart.
    let child = rows.iter().find(|r| r["parent_id"].is_string()).unwrap();
    let parent = child["parent_id"].as_str().unwrap();
    let got = client.fetch_log(parent.parse().unwrap()).await.unwrap();
    assert_eq!(got.log.raw["type"], "laml_call");
    assert_eq!(server.counts().item, 1);
    let events = client.fetch_events(parent.parse().unwrap()).await.unwrap();
    assert!(events.events.is_empty());
    assert_eq!(server.counts().events, 1);
    server.reset_counts();
    assert_eq!(server.counts(), Default::default());
}

#[tokio::test]
async fn a_page_size_over_the_cap_is_refused_and_the_client_steps_down() {
    let server = BusyServer::start(BusyOptions {
        page_size_cap: 200,
        ..options()
    })
    .await
    .unwrap();
    let client = client(&server);
    let request = ListRequest {
        created_after: Some(day().into()),
        created_before: Some(day().into()),
        ..ListRequest::default()
    };
    let (rows, pages) = scan(&client, request).await;
    assert_eq!(pages, rows.len().div_ceil(200));
    assert_eq!(
        server.counts().list,
        pages as u64 + 1,
        "one refused request first"
    );
}

/// One raw list request, as a benchmark script or a probe for timestamp support would send it.
async fn raw(server: &BusyServer, query: &str) -> (u16, Value) {
    // swlog's client installs the TLS provider reqwest needs to be built at all.
    let _ = client(server);
    let url = format!("{}/api/voice/logs?{query}", server.base_url());
    let response = reqwest::Client::new()
        .get(url)
        .basic_auth(PROJECT_ID, Some(Secret::new(TOKEN).expose()))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

fn times(page: &Value) -> Vec<DateTime<Utc>> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| created(r.as_object().unwrap()))
        .collect()
}

#[tokio::test]
async fn created_on_is_one_day_and_timestamps_narrow_only_when_honoured() {
    let hour_ago = (now() - TimeDelta::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let after = format!(
        "created_after={}&page_size=1000",
        hour_ago.replace('+', "%2B")
    );

    let dates = BusyServer::start(options()).await.unwrap();
    let (status, page) = raw(&dates, "created_on=2026-12-02&page_size=1000").await;
    assert_eq!(status, 200);
    assert!(times(&page).iter().all(|t| t.date_naive() == day()));
    assert!(page["links"]["next"].is_string());
    let (_, page) = raw(&dates, &after).await;
    let oldest = *times(&page).last().unwrap();
    assert!(
        oldest < now() - TimeDelta::hours(1),
        "read as its date: {oldest}"
    );
    assert_eq!(page["data"].as_array().unwrap().len(), 1_000);

    let exact = BusyServer::start(BusyOptions {
        honour_timestamps: true,
        ..options()
    })
    .await
    .unwrap();
    let (_, page) = raw(&exact, &after).await;
    let got = times(&page);
    assert!(got.iter().all(|t| *t >= now() - TimeDelta::hours(1)));
    assert_eq!(
        got.len(),
        exact.rows_between(now() - TimeDelta::hours(1), now())
    );
    assert!(page["links"].get("next").is_none(), "an hour is one page");

    let (status, _) = raw(&exact, "created_after=soon").await;
    assert_eq!(status, 422);
    let text = reqwest::get(format!("{}/busy/requests", exact.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let requests: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(requests["list"], 2);
    assert_eq!(requests["honours_timestamps"], true);
}
