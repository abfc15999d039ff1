//! The history's tests, by concern; the helpers they share are here.

mod applying;
mod batches;
mod body_cache;
mod concurrency;
mod entries;
mod first_page;
mod importing;
mod on_disk;
mod querying;

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;

use super::db::FaultPoint;
use super::ops::normalize;
use super::*;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().unwrap() + chrono::Duration::seconds(secs)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn record_of(n: u128, at: i64, from: &str) -> Entry {
    Entry::new(
        id(n),
        t(at),
        "default",
        "acme",
        Lookup::Record(Summary {
            wire_type: Some(serde_json::json!("relay_pstn_call")),
            deleted: false,
            kind: None,
            status: Some("completed".into()),
            from: Some(from.into()),
            to: Some("+18005550100".into()),
            charge: Some(0.0125),
            parent_id: None,
        }),
    )
}

fn error_of(n: u128, at: i64) -> Entry {
    Entry::new(
        id(n),
        t(at),
        "work",
        "beta",
        Lookup::Error("not found".into()),
    )
}

fn open(dir: &Path) -> History {
    let (h, warnings) = History::open(dir, Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

/// The history in `dir` opened for a batch that saves only when flushed.
fn open_batched(dir: &Path) -> History {
    let (h, warnings) = History::open_batched(dir, Options::default(), Duration::from_secs(3600));
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

fn open_with(dir: &Path, options: Options) -> History {
    let (h, warnings) = History::open(dir, options);
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

fn ok(warnings: Vec<Warning>) {
    assert!(warnings.is_empty(), "{warnings:?}");
}

fn ids(h: &History) -> Vec<Uuid> {
    h.entries().iter().map(|e| e.id).collect()
}

/// The database the history shares with the index.
fn file(dir: &Path) -> PathBuf {
    dir.join("index.db")
}

/// The old history file, as an older swlog left it.
fn old_file(dir: &Path) -> PathBuf {
    dir.join("history.json")
}

/// A query on the database in `dir`, read on a connection of its own.
fn sql<T: rusqlite::types::FromSql>(dir: &Path, query: &str) -> T {
    let conn = rusqlite::Connection::open(file(dir)).unwrap();
    conn.query_row(query, [], |r| r.get(0)).unwrap()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for item in std::fs::read_dir(&d).unwrap().flatten() {
            let p = item.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
