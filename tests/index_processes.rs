//! The index shared by processes: two swlogs writing and reading one file at once, and a swlog
//! killed (SIGKILL) in the middle of writing. The second process is this test binary run again
//! with a role in its environment (see [`helper_process_entry_point`]).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone as _, Utc};
use serde_json::{Map, Value, json};
use swlog::index::{Index, Origin, RowFilter, Scope, Window};

const ROLE: &str = "SWLOG_INDEX_TEST_ROLE";
const PATH: &str = "SWLOG_INDEX_TEST_PATH";
const ROWS_PER_PAGE: u32 = 100;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
}

fn scope(project: &str) -> Scope {
    Scope::new(Origin::parse("http://127.0.0.1:9").unwrap(), project)
}

/// Page `page`'s window: one minute of its own.
fn page_window(page: u32) -> Window {
    let from = t0() + TimeDelta::minutes(i64::from(page));
    Window::new(from, from + TimeDelta::minutes(1))
}

fn page_rows(page: u32) -> Vec<Map<String, Value>> {
    (0..ROWS_PER_PAGE)
        .map(|n| {
            let i = page * ROWS_PER_PAGE + n;
            let at = page_window(page).from + TimeDelta::milliseconds(i64::from(n) * 100);
            let v = json!({
                "id": format!("00000000-0000-4000-8000-{i:012}"),
                "type": "relay_pstn_call", "status": "completed",
                "from": "+14155550123", "to": "+12065553434",
                "created_at": at.to_rfc3339(), "duration_ms": 1000, "charge": 0.0085,
            });
            match v {
                Value::Object(m) => m,
                _ => unreachable!(),
            }
        })
        .collect()
}

/// Writes page `page` (its rows, then its span) as one scan would.
fn write_page(index: &mut Index, s: &Scope, page: u32) {
    let w = page_window(page);
    index.record_rows(s, &page_rows(page), w.to).unwrap();
    index.record_span(s, "", w, w.to).unwrap();
}

fn spawn(role: &str, path: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "helper_process_entry_point",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, role)
        .env(PATH, path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Does nothing when run as a test; in a process spawned by the tests below, plays its role:
/// `pages` writes 30 pages and exits, `forever` writes pages until it is killed (or a minute
/// has passed), printing `committed N` after each page is committed.
#[test]
fn helper_process_entry_point() {
    let Some(role) = std::env::var_os(ROLE) else {
        return;
    };
    let path = PathBuf::from(std::env::var_os(PATH).unwrap());
    let mut index = Index::open(&path).unwrap();
    let s = scope("child");
    let started = Instant::now();
    let pages = if role == "pages" { 30 } else { 100_000 };
    let mut out = std::io::stdout();
    for page in 0..pages {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        write_page(&mut index, &s, page);
        writeln!(out, "committed {page}").unwrap();
        out.flush().unwrap();
    }
}

fn rows_of(index: &Index, s: &Scope, page: u32) -> usize {
    index
        .rows_in(s, page_window(page), &RowFilter::default())
        .unwrap()
        .len()
}

#[test]
fn two_processes_writing_and_reading_one_index_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let mut child = spawn("pages", &path);
    let mut index = Index::open(&path).unwrap();
    let mine = scope("parent");
    for page in 0..30 {
        write_page(&mut index, &mine, page);
        assert_eq!(rows_of(&index, &mine, page), ROWS_PER_PAGE as usize);
        let c = index.coverage(&mine, "", Window::new(t0(), page_window(page).to));
        assert!(c.unwrap().is_complete());
    }
    assert!(child.wait().unwrap().success(), "the other process failed");
    let theirs = scope("child");
    for page in 0..30 {
        assert_eq!(
            rows_of(&index, &theirs, page),
            ROWS_PER_PAGE as usize,
            "page {page}"
        );
    }
    let stats = index.stats().unwrap();
    assert_eq!((stats.rows, stats.spans), (6_000, 2));
}

#[cfg(unix)]
#[test]
fn a_process_killed_mid_write_loses_at_most_the_page_it_was_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let mut child = spawn("forever", &path);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = None;
    for line in lines.by_ref() {
        // The test harness prints its own lines around ours.
        let line = line.unwrap();
        let Some(page) = line.strip_prefix("committed ") else {
            continue;
        };
        let page: u32 = page.parse().unwrap();
        committed = Some(page);
        if page >= 20 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no destructor, no checkpoint, mid-transaction most likely
    child.wait().unwrap();
    let committed = committed.expect("the writer committed pages");
    let mut index = Index::open(&path).unwrap();
    assert_eq!(index.take_recovered(), None, "the file is not damaged");
    let s = scope("child");
    for page in 0..=committed {
        assert_eq!(
            rows_of(&index, &s, page),
            ROWS_PER_PAGE as usize,
            "committed page {page}"
        );
    }
    // Pages after it were committed but not yet reported, or cut off: each is whole or absent,
    // and none follows an absent one.
    let mut page = committed + 1;
    while rows_of(&index, &s, page) == ROWS_PER_PAGE as usize {
        page += 1;
    }
    for later in page..page + 3 {
        assert_eq!(
            rows_of(&index, &s, later),
            0,
            "page {later} after a missing one"
        );
    }
    let c = index.coverage(&s, "", Window::new(t0(), page_window(committed).to));
    assert!(c.unwrap().is_complete());
    // And it still takes writes.
    write_page(&mut index, &scope("after"), 0);
}
