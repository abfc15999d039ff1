//! `swlog history` as a query, as a user runs it: the real binary on a history of 5,000
//! lookups, its formats printed as they were when every entry was read into memory (each
//! checked against the entries in display order, laid out by the same functions), and its
//! filter words finding what the sidebar's filter finds over the same entries in memory.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::{TimeZone, Utc};
use swlog::history::{Entry, History, Lookup, Options, Summary};
use unicode_width::UnicodeWidthStr as _;

use common::Swlog;

const ENTRIES: usize = 5_000;

/// Lookup `n`: three profiles (one written in capitals and outside ASCII, for `profile:`),
/// two spaces, three statuses, every eleventh a failed lookup, every seventh a note, every
/// 97th pinned, numbers written several ways.
fn entry(n: usize) -> Entry {
    let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).single().unwrap()
        + chrono::Duration::seconds(n as i64);
    let lookup = if n.is_multiple_of(11) {
        Lookup::Error("not found".into())
    } else {
        Lookup::Record(Summary {
            wire_type: Some(serde_json::json!(if n.is_multiple_of(3) {
                "relay_pstn_call"
            } else {
                "relay_sip_call"
            })),
            deleted: false,
            kind: None,
            status: Some(["completed", "busy", "Failed"][n % 3].into()),
            from: Some(match n % 4 {
                0 => format!("+1 (206) 555-{:04}", n % 10_000),
                1 => format!("+1206555{:04}", n % 10_000),
                2 => format!("sip:alice{n}@example.com"),
                _ => "Anonymous".into(),
            }),
            to: Some("+18005550100".into()),
            charge: Some(0.0125),
            parent_id: None,
        })
    };
    let profile = ["default", "ÄRGER", "staging"][n % 3];
    let space = ["acme", "beta"][n % 2];
    let mut e = Entry::new(
        uuid::Uuid::from_u128(n as u128 + 1),
        at,
        profile,
        space,
        lookup,
    );
    if n.is_multiple_of(7) {
        e.note = Some(format!("Ticket {n}: one-way audio"));
    }
    e.pinned = n.is_multiple_of(97);
    e
}

/// Writes the history of `home` as an older swlog's file, which the first open imports whole.
fn seed(home: &Path) {
    let dir = home.join("data/swlog");
    std::fs::create_dir_all(&dir).unwrap();
    let entries: Vec<Entry> = (0..ENTRIES).map(entry).collect();
    let file = serde_json::json!({ "version": 2, "entries": entries });
    std::fs::write(dir.join("history.json"), serde_json::to_vec(&file).unwrap()).unwrap();
    let options = Options {
        cap: usize::MAX,
        cache: false,
    };
    let (h, _) = History::open(&dir, options);
    assert_eq!(h.entries().len(), ENTRIES);
}

/// The same entries in a history held in memory: what the sidebar's filter searches.
fn in_memory() -> History {
    let mut h = History::in_memory(Options {
        cap: usize::MAX,
        cache: false,
    });
    for n in 0..ENTRIES {
        assert!(h.record(entry(n), None).is_empty());
    }
    h
}

/// What `swlog history` printed before it was a query: the entries matching, in display
/// order, one line each in a profile column as wide as the widest profile among them.
fn expected_text(h: &History, query: &str, profile: Option<&str>) -> String {
    let shown: Vec<&Entry> = (h.filter(query).into_iter())
        .map(|i| &h.entries()[i])
        .filter(|e| profile.is_none_or(|p| e.profile == p))
        .collect();
    let width = (shown.iter())
        .map(|e| e.profile.width())
        .max()
        .unwrap_or(0)
        .min(16);
    shown
        .iter()
        .map(|e| swlog::cmd::history::line(e, width) + "\n")
        .collect()
}

fn run(home: &Path, args: &[&str]) -> (String, String) {
    let (mut cmd, _home) = Swlog::bare().into_std();
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .arg("history")
        .args(args);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {:?}", out);
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn swlog_history_of_5000_lookups_prints_and_filters_as_before() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path());
    let memory = in_memory();

    // Every entry, in display order: pinned first, then the most recent.
    let (text, _) = run(home.path(), &[]);
    assert_eq!(text.lines().count(), ENTRIES);
    assert!(text == expected_text(&memory, "", None), "{text:.300}");
    assert!(
        text.lines().next().unwrap().contains("[pinned]"),
        "pinned first"
    );

    // JSON: one pretty array of the entries as recorded, exactly as it was printed whole.
    let (json, _) = run(home.path(), &["--format", "json"]);
    let want: Vec<Entry> = memory.entries().to_vec();
    assert!(
        json == serde_json::to_string_pretty(&want).unwrap() + "\n",
        "{json:.300}"
    );
    let (ndjson, _) = run(home.path(), &["--format", "ndjson", "busy"]);
    let busy: Vec<String> = (memory.filter("busy").into_iter())
        .map(|i| serde_json::to_string(&memory.entries()[i]).unwrap() + "\n")
        .collect();
    assert!(ndjson == busy.concat(), "{ndjson:.300}");
    let (csv, _) = run(
        home.path(),
        &["--format", "csv", "--fields", "id", "^relay"],
    );
    let ids: Vec<String> = (memory.filter("^relay").into_iter())
        .map(|i| memory.entries()[i].id.to_string() + "\n")
        .collect();
    assert!(csv == format!("id\n{}", ids.concat()), "{csv:.300}");

    // The sidebar's filter words find the same entries in the same order.
    for query in [
        "busy",
        "2065550042",
        "(206) 555-0042",
        "profile:ärger",
        "profile:ÄRGER space:beta",
        "status:failed",
        "ticket !audio",
        "ticket audio",
        "^anonymous$",
        "0100$",
        "!relay",
        "'alice12",
        "nothing-matches-this",
    ] {
        let args: Vec<&str> = query.split(' ').collect();
        let (text, stderr) = run(home.path(), &args);
        let want = expected_text(&memory, query, None);
        assert!(text == want, "{query}: {text:.300} against {want:.300}");
        assert_eq!(
            want.is_empty(),
            stderr.contains("no lookups match"),
            "{query}: {stderr}"
        );
    }

    // With `--profile`, as before: only that profile's, and a profile with none says which
    // profiles there are.
    let (text, _) = run(home.path(), &["--profile", "staging", "busy"]);
    assert!(
        text == expected_text(&memory, "busy", Some("staging")),
        "{text:.300}"
    );
    let (text, stderr) = run(home.path(), &["--profile", "nobody"]);
    assert_eq!(text, "");
    assert!(
        stderr.contains(
            "no lookups made with profile nobody (profiles in the history: default, staging, ÄRGER)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_query_word_that_names_an_action_goes_after_two_dashes() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path());
    let (text, stderr) = run(home.path(), &["--", "prune"]);
    assert_eq!(text, "");
    assert!(stderr.contains("no lookups match prune"), "{stderr}");
    // Nothing was pruned.
    let (text, _) = run(home.path(), &[]);
    assert_eq!(text.lines().count(), ENTRIES);
}

/// Printed a row at a time, every format still ends quietly on a closed pipe (`| head`).
#[test]
fn each_format_ends_quietly_on_a_closed_pipe() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path());
    for format in ["json", "ndjson", "text", "csv"] {
        let (mut cmd, _home) = Swlog::bare().into_std();
        cmd.env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .args(["history", "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // Closed before a byte is read: the output (megabytes) cannot fit in the pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("rror"), "{format}: {stderr}");
    }
}

/// A paste of a thousand words is a usage error (exit 2) naming the limit, never a query that
/// fails as "cannot write output" with SQL in its message; a hundred words still filter.
#[test]
fn too_many_filter_words_are_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path());
    let many = vec!["a"; 1100].join(" ");
    let (mut cmd, _home) = Swlog::bare().into_std();
    cmd.env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .args(["history", "--", &many]);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("1100 filter words: at most 100"),
        "{stderr}"
    );
    assert!(!stderr.contains("SELECT"), "{stderr}");
    let hundred = vec!["!zzzz"; 100].join(" ");
    let (text, _) = run(home.path(), &["--", &hundred]);
    assert_eq!(text.lines().count(), ENTRIES);
}
