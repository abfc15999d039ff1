//! What the index costs on disk: a busy space's three days (2,000 legs an hour, 144,000 rows),
//! read page by page from the busy server with swlog's own list client, must fit the issue's
//! budget of 120 MB. Slow in a debug build, so run on demand:
//! `cargo test --test index_size -- --ignored --nocapture`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::Utc;
use futures::StreamExt as _;
use swlog::api::list::ListRequest;
use swlog::api::{Client, ClientOptions};
use swlog::demo::busy::{BusyOptions, BusyServer};
use swlog::index::{Index, Origin, Scope};

#[tokio::test]
#[ignore = "reads 144,000 rows: slow in a debug build"]
async fn three_busy_days_fit_in_120_mb() {
    let server = BusyServer::start(BusyOptions::default()).await.unwrap();
    let (project, token) = server.credentials();
    let options = ClientOptions {
        timeout: Duration::from_secs(30),
        ..ClientOptions::default()
    };
    let client = Client::new(server.endpoint(), &project, token, options).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(&dir.path().join("index.db")).unwrap();
    let scope = Scope::new(Origin::parse(&server.base_url()).unwrap(), project);
    let started = Instant::now();
    let mut pages = std::pin::pin!(client.list(ListRequest::default()));
    let mut writing = Duration::ZERO;
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        let t = Instant::now();
        index.record_rows(&scope, &page.rows, Utc::now()).unwrap();
        writing += t.elapsed();
    }
    drop(index);
    let index = Index::open(&dir.path().join("index.db")).unwrap();
    let stats = index.stats().unwrap();
    assert_eq!(stats.rows, server.rows() as u64);
    let mb = stats.bytes_on_disk as f64 / 1e6;
    let per_100k = mb * 100_000.0 / stats.rows as f64;
    println!(
        "{} rows: {mb:.1} MB on disk ({per_100k:.1} MB per 100,000 rows); {:.1} s in all, {:.1} s writing",
        stats.rows,
        started.elapsed().as_secs_f64(),
        writing.as_secs_f64()
    );
    assert!(mb * 144_000.0 / stats.rows as f64 <= 120.0, "{mb:.1} MB");
}
