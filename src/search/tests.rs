//! The search in process, against servers on 127.0.0.1: a full disk, a row without a time, a
//! row that changed on the server after it was indexed.

use chrono::{TimeDelta, Utc};
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::api::ClientOptions;
use crate::demo::busy::{BusyOptions, BusyServer};
use crate::index::Index;
use crate::list::scan::Limits;
use crate::secret::Secret;

fn all() -> Limits {
    Limits {
        limit: 100_000,
        max_scan: 100_000,
    }
}

fn options(streams: usize) -> Options {
    Options {
        streams,
        ..Options::default()
    }
}

fn hours(h: i64) -> Query {
    Query {
        since: Some(Utc::now() - TimeDelta::hours(h)),
        ..Query::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_still_gives_the_answer_and_says_the_index_was_not_updated() {
    let server = BusyServer::start(BusyOptions {
        rows_per_hour: 600,
        days: 1,
        ..BusyOptions::default()
    })
    .await
    .unwrap();
    let (project, token) = server.credentials();
    let client = Client::new(server.endpoint(), &project, token, ClientOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(&dir.path().join("index.db")).unwrap();
    index.fill_disk_after(3);
    let handle = IndexHandle::open(index);
    let search = Search {
        client: &client,
        index: &handle,
        options: options(4),
        memory: PageSizeMemory::default(),
    };
    let answer = search
        .run(hours(3), all(), |_| {}, std::future::pending())
        .await;
    assert!(answer.end.is_ok(), "{:?}", answer.end);
    let expected = server.rows_between(server.now() - TimeDelta::hours(3), server.now());
    assert!(
        answer.rows.len().abs_diff(expected) <= 2,
        "{} of {expected}",
        answer.rows.len()
    );
    assert_eq!(
        answer.notices,
        ["the index could not be updated: the disk is full"],
        "said once, however many pages failed"
    );
}

fn client_of(server: &MockServer) -> Client {
    let endpoint = crate::api::endpoint::Endpoint::from_base_url(&server.uri()).unwrap();
    Client::new(endpoint, "p", Secret::new("t"), ClientOptions::default()).unwrap()
}

fn page(rows: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"links": {}, "data": rows}))
}

#[tokio::test]
async fn a_row_without_a_time_is_shown_but_never_vouched_for() {
    let server = MockServer::start().await;
    let id = crate::testkit::uuid(7).to_string();
    Mock::given(method("GET"))
        .and(path(crate::api::Family::Voice.list_path()))
        .respond_with(page(json!([
            {"id": id, "from": "+14155550123", "status": "completed"},
            {"id": crate::testkit::uuid(8).to_string(), "from": "+14155550123",
             "status": "completed", "created_at": (Utc::now() - TimeDelta::minutes(5)).to_rfc3339()},
        ])))
        .mount(&server)
        .await;
    let client = client_of(&server);
    let dir = tempfile::tempdir().unwrap();
    let handle = IndexHandle::at(dir.path().join("index.db"));
    let search = Search {
        client: &client,
        index: &handle,
        options: options(1),
        memory: PageSizeMemory::default(),
    };
    let first = search
        .run(hours(1), all(), |_| {}, std::future::pending())
        .await;
    assert_eq!(first.rows.len(), 2, "the undated row is shown");
    let offline = Search {
        options: Options {
            offline: true,
            ..options(1)
        },
        ..search.clone()
    };
    let again = offline
        .run(hours(1), all(), |_| {}, std::future::pending())
        .await;
    assert_eq!(
        again.rows.len(),
        1,
        "the index vouches only for the dated row"
    );
    assert_ne!(again.rows[0].cell("id"), id);
}

#[tokio::test]
async fn a_row_still_live_when_indexed_is_read_again_and_the_final_one_wins() {
    let server = MockServer::start().await;
    let id = crate::testkit::uuid(9).to_string();
    let at = (Utc::now() - TimeDelta::hours(3)).to_rfc3339();
    let live = json!({"id": id, "from": "+14155550123", "status": "in-progress", "created_at": at});
    let done = json!({"id": id, "from": "+14155550123", "status": "completed", "created_at": at,
                      "charge": 0.25});
    Mock::given(method("GET"))
        .and(path(crate::api::Family::Voice.list_path()))
        .respond_with(page(json!([live])))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(crate::api::Family::Voice.list_path()))
        .respond_with(page(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(format!("{id}$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(done))
        .mount(&server)
        .await;
    let client = client_of(&server);
    let dir = tempfile::tempdir().unwrap();
    let handle = IndexHandle::at(dir.path().join("index.db"));
    let search = Search {
        client: &client,
        index: &handle,
        options: options(1),
        memory: PageSizeMemory::default(),
    };
    let first = search
        .run(hours(4), all(), |_| {}, std::future::pending())
        .await;
    assert_eq!(first.rows[0].cell("status"), "in-progress");
    let second = search
        .run(hours(4), all(), |_| {}, std::future::pending())
        .await;
    assert_eq!(second.rows.len(), 1);
    assert_eq!(
        second.rows[0].cell("status"),
        "completed",
        "read again: the final row"
    );
    assert_eq!(second.source.rereads, 1);
    let third = Search {
        options: Options {
            offline: true,
            ..options(1)
        },
        ..search.clone()
    }
    .run(hours(4), all(), |_| {}, std::future::pending())
    .await;
    assert_eq!(third.rows[0].cell("status"), "completed", "and kept");
}

/// Whether `handle` runs on the connection `marked` made a temporary table on.
fn on_marked_connection(handle: &IndexHandle) -> bool {
    handle
        .run_blocking(|ix| {
            Ok(ix.connection().query_row(
                "SELECT count(*) FROM temp.sqlite_master WHERE name = 'adopted'",
                [],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .expect("the index opens")
        == 1
}

fn marked(path: &std::path::Path) -> Index {
    let index = Index::open(path).unwrap();
    index
        .connection()
        .execute_batch("CREATE TEMP TABLE adopted(x)")
        .unwrap();
    index
}

#[test]
fn an_adopted_connection_on_the_handles_file_is_used_instead_of_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let handle = IndexHandle::at(path.clone());
    handle.adopt(marked(&path));
    assert!(on_marked_connection(&handle));
}

#[test]
fn a_connection_on_another_file_or_after_the_open_is_not_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let (mine, other) = (dir.path().join("index.db"), dir.path().join("other.db"));
    let handle = IndexHandle::at(mine.clone());
    handle.adopt(marked(&other));
    assert!(!on_marked_connection(&handle), "another file is not used");
    assert_eq!(
        handle.run_blocking(|ix| Ok(ix.path().to_path_buf())),
        Some(mine.clone())
    );
    // Already open: the open connection stays.
    handle.adopt(marked(&mine));
    assert!(!on_marked_connection(&handle));
    let off = IndexHandle::off();
    off.adopt(marked(&mine));
    assert!(!off.is_on(), "an index turned off stays off");
}

/// Logs created `days_ago`, with IDs from `from`.
fn old_rows(from: u32, n: u32, days_ago: i64) -> Vec<serde_json::Map<String, serde_json::Value>> {
    (from..from + n)
        .map(|i| {
            let v = json!({
                "id": format!("00000000-0000-4000-8000-{i:012}"),
                "type": "relay_pstn_call", "status": "completed", "from": "+14155550123",
                "to": "+12065553434", "direction": "outbound-api", "charge": 0.01,
                "created_at": (Utc::now() - TimeDelta::days(days_ago)).to_rfc3339(),
                "notes": "x".repeat(300),
            });
            v.as_object().cloned().unwrap()
        })
        .collect()
}

/// Damage the prune of a handed-over connection finds (the file was damaged after that
/// connection opened it) is recovered from before the write, which then goes to the fresh file.
#[test]
fn damage_found_when_an_adopted_connection_is_pruned_is_recovered_before_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let scope = crate::index::Scope::new(
        crate::index::Origin::parse("https://acme.signalwire.com").unwrap(),
        "p1",
    );
    let mut first = Index::open(&path).unwrap();
    first
        .record_rows(&scope, &old_rows(0, 2000, 40), Utc::now())
        .unwrap();
    drop(first);
    // A connection opened on the file, then the rows' pages damaged behind it.
    let handed = Index::open(&path).unwrap();
    let len = std::fs::metadata(&path).unwrap().len();
    let mut bytes = std::fs::read(&path).unwrap();
    let from = usize::try_from(len / 2).unwrap();
    for (i, b) in bytes[from..].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let caps = crate::index::Caps {
        max_bytes: 500_000_000,
        max_age: TimeDelta::days(30),
    };
    let handle = IndexHandle::capped(path.clone(), caps);
    handle.adopt(handed);
    let fresh = old_rows(5000, 3, 1);
    let recorded = handle.run_blocking(move |ix| ix.record_rows(&scope, &fresh, Utc::now()));
    assert_eq!(
        recorded.map(|r| r.stored),
        Some(3),
        "{:?}",
        handle.take_notices()
    );
    let notices = handle.take_notices().join("\n");
    assert!(notices.contains("moved aside"), "{notices}");
    assert_eq!(Index::open(&path).unwrap().stats().unwrap().rows, 3);
}
