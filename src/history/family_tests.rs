//! Families in the history: every file and journal written before entries named their family
//! imports as voice logs, and what is written now reads back as written.

use std::path::Path;

use chrono::TimeZone;
use serde_json::{Value, json};

use super::*;
use crate::api::{Family, LogRef};

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x2000_0000_0000_4000_8000_0000_0000_0000 | n)
}

/// Opens `dir`, saying nothing but an import.
fn open(dir: &Path) -> History {
    let (h, warnings) = History::open(dir, Options::default());
    assert!(
        warnings
            .iter()
            .all(|w| matches!(w, Warning::Imported { .. })),
        "{warnings:?}"
    );
    h
}

fn on_disk(dir: &Path) -> String {
    let conn = rusqlite::Connection::open(dir.join("index.db")).unwrap();
    conn.query_row("SELECT family FROM history", [], |r| r.get(0))
        .unwrap()
}

/// An entry as format 2 wrote it: the type as sent, no family.
fn format_2_entry(n: u128) -> Value {
    json!({"id": id(n), "at": "2026-01-02T03:04:05Z", "profile": "default", "space": "acme",
        "lookup": {"record": {"type": "relay_pstn_call", "status": "completed"}}})
}

fn assert_all_voice(h: &History, ids: &[Uuid]) {
    let logs: Vec<LogRef> = h.entries().iter().map(Entry::log).collect();
    let wanted: Vec<LogRef> = ids.iter().map(|i| LogRef::voice(*i)).collect();
    assert_eq!(logs, wanted);
    assert!(h.entries().iter().all(|e| e.family == Family::Voice));
}

#[test]
fn a_format_1_file_reads_as_voice_logs() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |n: u128| {
        json!({"id": id(n), "at": format!("2026-01-02T03:04:0{n}Z"), "profile": "default",
            "space": "acme", "lookup": {"record": {"kind": "Relay PSTN call"}}})
    };
    let v1 = json!({"version": 1, "entries": [entry(2), entry(1)]});
    std::fs::write(dir.path().join(super::legacy::FILE), v1.to_string()).unwrap();
    assert_all_voice(&open(dir.path()), &[id(2), id(1)]);
}

#[test]
fn a_format_2_file_reads_as_voice_logs() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = json!({"version": 2, "tag": "t2", "entries": [format_2_entry(1)]});
    std::fs::write(dir.path().join(super::legacy::FILE), v2.to_string()).unwrap();
    assert_all_voice(&open(dir.path()), &[id(1)]);
}

#[test]
fn a_journal_written_before_families_applies_as_voice_logs() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = json!({"version": 2, "tag": "before-families", "entries": [format_2_entry(1)]});
    std::fs::write(dir.path().join(super::legacy::FILE), v2.to_string()).unwrap();
    let mut newer = format_2_entry(2);
    newer["at"] = json!("2026-01-02T03:05:00Z");
    let journal = format!(
        "{}\n{}\n",
        json!({"journal": 1, "base": "before-families"}),
        json!({"set": [[0, newer]], "removed": []})
    );
    std::fs::write(dir.path().join(super::legacy::JOURNAL), journal).unwrap();
    assert_all_voice(&open(dir.path()), &[id(2), id(1)]);
}

#[test]
fn the_format_written_now_reads_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().unwrap();
    let entry = Entry::new(
        id(1),
        at,
        "default",
        "acme",
        Lookup::Error("not found".into()),
    )
    .in_family(Family::Voice);
    assert!(h.record(entry, None).is_empty());
    assert_eq!(on_disk(dir.path()), "voice");
    let again = open(dir.path());
    assert_eq!(again.entries(), h.entries());
    assert_all_voice(&again, &[id(1)]);
}

#[test]
fn a_file_of_this_format_naming_its_family_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut entry = format_2_entry(1);
    entry["family"] = json!("voice");
    let file = json!({"version": 3, "tag": "t", "entries": [entry]});
    std::fs::write(dir.path().join(super::legacy::FILE), file.to_string()).unwrap();
    assert_all_voice(&open(dir.path()), &[id(1)]);
}
