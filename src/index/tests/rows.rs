//! Rows: replaced by a later read, read back by window and filter, re-read when not final.

use super::super::{RowFilter, Why, is_final};
use super::*;

#[test]
fn a_later_read_of_the_same_row_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let mut live = row(1, 0);
    live.insert("status".into(), json!("in-progress"));
    live.insert("charge".into(), json!(0));
    index.record_rows(&s, &[live], at(1)).unwrap();
    let mut done = row(1, 0);
    done.insert("charge".into(), json!(0.02));
    index.record_rows(&s, &[done.clone()], at(30)).unwrap();
    let got = index
        .row(&s, "00000000-0000-4000-8000-000000000001")
        .unwrap()
        .unwrap();
    assert_eq!(got.raw, done, "the final row wins");
    assert_eq!(got.read_at, at(30));
    assert_eq!(index.stats().unwrap().rows, 1);
}

#[test]
fn rows_in_a_window_are_newest_first_and_filtered() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let mut rows: Vec<_> = (0..10).map(|n| row(n, i64::from(n) * 10)).collect();
    rows[3].insert("to".into(), json!("+1 (206) 555-3434"));
    rows[4].insert("status".into(), json!("Busy"));
    rows[5].insert("direction".into(), json!("inbound"));
    let root = rows[0]["id"].clone();
    rows[6].insert("parent_id".into(), root);
    rows[7].insert("type".into(), json!("laml_call"));
    let got = index.record_rows(&s, &rows, at(200)).unwrap();
    assert_eq!(got.stored, 10);
    let ids = |f: &RowFilter, w: Window| -> Vec<String> {
        index
            .rows_in(&s, w, f)
            .unwrap()
            .into_iter()
            .map(|r| r.id[33..].to_owned())
            .collect()
    };
    let all = RowFilter::default();
    assert_eq!(
        ids(&all, window(20, 50)),
        ["004", "003", "002"],
        "[from, to), newest first"
    );
    let by = |f: RowFilter| ids(&f, window(0, 100));
    assert_eq!(
        by(RowFilter {
            number: Some("2065553434".into()),
            ..all.clone()
        }),
        ["003"]
    );
    assert_eq!(
        by(RowFilter {
            statuses: vec!["busy".into()],
            ..all.clone()
        }),
        ["004"]
    );
    assert_eq!(
        by(RowFilter {
            direction: Some("inbound".into()),
            ..all.clone()
        }),
        ["005"]
    );
    assert_eq!(
        by(RowFilter {
            direction: Some("outbound".into()),
            limit: Some(2),
            ..all.clone()
        }),
        ["009", "008"]
    );
    let parent = rows[0]["id"].as_str().unwrap().to_uppercase();
    assert_eq!(
        by(RowFilter {
            parent_id: Some(parent),
            ..all.clone()
        }),
        ["006"]
    );
    assert_eq!(
        by(RowFilter {
            types: vec!["laml_call".into()],
            ..all.clone()
        }),
        ["007"]
    );
    // Another project's, origin's or family's rows never answer for this one.
    for other in [
        Scope::new(s.origin.clone(), "p2"),
        Scope::new(
            Origin::parse("https://acme.signalwire.com:8443").unwrap(),
            "p1",
        ),
        s.clone().with_family("fax"),
    ] {
        assert!(
            index
                .rows_in(&other, window(0, 100), &all)
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn a_row_without_a_readable_created_at_is_kept_but_in_no_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let mut missing = row(1, 0);
    missing.remove("created_at");
    let mut garbled = row(2, 0);
    garbled.insert("created_at".into(), json!("yesterday-ish"));
    let mut no_id = row(3, 0);
    no_id.remove("id");
    let got = index
        .record_rows(&s, &[missing, garbled, no_id], at(5))
        .unwrap();
    assert_eq!((got.stored, got.skipped), (2, 1));
    assert!(
        index
            .row(&s, "00000000-0000-4000-8000-000000000002")
            .unwrap()
            .is_some()
    );
    index
        .record_span(&s, "", window(-10_000, 10_000), at(5))
        .unwrap();
    let seen = index
        .rows_in(&s, window(-10_000, 10_000), &RowFilter::default())
        .unwrap();
    assert!(seen.is_empty(), "{seen:?}");
}

#[test]
fn final_statuses_are_told_from_live_ones() {
    for s in [
        "completed",
        "ended",
        "failed",
        "busy",
        "no-answer",
        "canceled",
        "Completed",
    ] {
        assert!(is_final(Some(s)), "{s}");
    }
    for s in [
        "queued",
        "initiated",
        "ringing",
        "in-progress",
        "created",
        "answered",
        "ending",
    ] {
        assert!(!is_final(Some(s)), "{s}");
    }
    assert!(!is_final(None));
    assert!(!is_final(Some("teleported")), "an unknown word is re-read");
}

#[test]
fn live_rows_are_reread_and_a_fresh_final_row_once_after_it_settles() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let mut ringing = row(1, 0);
    ringing.insert("status".into(), json!("ringing"));
    // Ended at minute 1 (one minute long), read at minute 2: within the 10-minute settle time.
    let fresh = row(2, 0);
    // Ended at minute 1, read an hour later: settled, never re-read.
    let old = row(3, 0);
    let mut deleted = Map::new();
    deleted.insert("id".into(), json!("00000000-0000-4000-8000-000000000004"));
    deleted.insert("created_at".into(), json!(at(0).to_rfc3339()));
    deleted.insert("discarded_at".into(), json!(at(3).to_rfc3339()));
    index
        .record_rows(&s, &[ringing, fresh.clone(), deleted], at(2))
        .unwrap();
    index.record_rows(&s, &[old], at(60)).unwrap();
    let why = |index: &Index, now| -> Vec<(String, Why)> {
        index
            .needs_reread(&s, Some(window(-5, 5)), now)
            .unwrap()
            .into_iter()
            .map(|r| (r.id[33..].to_owned(), r.why))
            .collect()
    };
    assert_eq!(
        why(&index, at(3)),
        [("001".to_owned(), Why::Live)],
        "not settled yet"
    );
    assert_eq!(
        why(&index, at(11)),
        [
            ("001".to_owned(), Why::Live),
            ("002".to_owned(), Why::Settling)
        ]
    );
    // The settle re-read: flagged once, so reading it again clears it for good.
    index.record_rows(&s, &[fresh], at(12)).unwrap();
    assert_eq!(why(&index, at(60)), [("001".to_owned(), Why::Live)]);
    assert_eq!(
        index
            .needs_reread(&s, Some(window(10, 20)), at(60))
            .unwrap(),
        vec![]
    );
}

#[test]
fn no_password_or_token_reaches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let origin =
        Origin::parse("https://proj:PTs3cr3t@acme.signalwire.com/api?token=PTs3cr3t").unwrap();
    let s = Scope::new(origin, "p1");
    let mut r = row(1, 0);
    r.insert(
        "url".into(),
        json!("https://proj:PTs3cr3t@acme.signalwire.com/rec.wav"),
    );
    index.record_rows(&s, &[r], at(1)).unwrap();
    index.record_span(&s, "", window(0, 1), at(1)).unwrap();
    drop(index);
    for name in ["index.db", "index.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.path().join(name)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("PTs3cr3t"), "{name} holds the token");
        assert!(text.contains("https://acme.signalwire.com:443") || name.ends_with("wal"));
    }
}

#[test]
fn a_fresh_scan_forgets_rows_of_its_window_that_it_no_longer_saw() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let rows: Vec<_> = (0..6).map(|n| row(n, i64::from(n) * 10)).collect();
    index.record_rows(&s, &rows, at(100)).unwrap();
    // A rescan of [0, 30) sees rows 0 and 2 (row 1 was deleted on the server).
    let seen: Vec<String> = [0, 2]
        .iter()
        .map(|&n| rows[n]["id"].as_str().unwrap().to_uppercase())
        .collect();
    assert_eq!(index.forget_unseen(&s, window(0, 30), &seen).unwrap(), 1);
    let left: Vec<_> = index
        .rows_in(&s, window(0, 100), &RowFilter::default())
        .unwrap()
        .into_iter()
        .map(|r| r.id[33..].to_owned())
        .collect();
    assert_eq!(
        left,
        ["005", "004", "003", "002", "000"],
        "outside the window untouched"
    );
}

#[test]
fn the_families_of_some_legs_are_their_parents_and_every_leg_below_the_topmost() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let id = |n: u32| format!("00000000-0000-4000-8000-{n:012}");
    let child = |n: u32, parent: u32, minutes: i64| {
        let mut r = row(n, minutes);
        r.insert("parent_id".into(), json!(id(parent).to_uppercase()));
        r
    };
    // Call 1: 1 → 2 → 3, 1 → 4. Call 10: 10 → 11. A loop: 20 ⇄ 21. Leg 30's parent is not held.
    let rows = [
        row(1, 0),
        child(2, 1, 1),
        child(3, 2, 2),
        child(4, 1, 3),
        row(10, 5),
        child(11, 10, 6),
        child(20, 21, 7),
        child(21, 20, 8),
        child(30, 99, 9),
    ];
    index.record_rows(&s, &rows, at(20)).unwrap();
    let ids_of = |found: Vec<super::super::StoredRow>| {
        let mut ids: Vec<String> = found.into_iter().map(|r| r.id).collect();
        ids.sort();
        ids
    };
    let from_grandchild = ids_of(index.families(&s, &[id(3)], 10).unwrap());
    assert_eq!(from_grandchild, [id(1), id(2), id(3), id(4)]);
    let two = ids_of(index.families(&s, &[id(4), id(11)], 10).unwrap());
    assert_eq!(two, [id(1), id(2), id(3), id(4), id(10), id(11)]);
    let looped = ids_of(index.families(&s, &[id(20)], 10).unwrap());
    assert_eq!(looped, [id(20), id(21)], "a loop ends, each leg once");
    let orphan = ids_of(index.families(&s, &[id(30)], 10).unwrap());
    assert_eq!(orphan, [id(30)]);
    // One hop up only: the grandchild's parent, then everything below it.
    let near = ids_of(index.families(&s, &[id(3)], 1).unwrap());
    assert_eq!(near, [id(2), id(3)]);
    let other = Scope::new(Origin::parse("https://other.signalwire.com").unwrap(), "p1");
    assert!(index.families(&other, &[id(3)], 10).unwrap().is_empty());
}

#[test]
fn a_lookup_created_before_the_age_cap_is_not_written_for_the_next_prune() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let mut undated = row(3, 0);
    undated.remove("created_at");
    let rows = [row(1, 10), row(2, 100), undated];
    // Created at minute 10, 100 and never; kept since minute 50.
    index
        .record_lookups(&s, &rows, at(200), Some(at(50)))
        .unwrap();
    let held = |index: &Index, n: u32| {
        index
            .row(&s, &format!("00000000-0000-4000-8000-{n:012}"))
            .unwrap()
            .is_some()
    };
    assert!(
        !held(&index, 1),
        "older than the cap: the next open would prune it"
    );
    assert!(held(&index, 2));
    assert!(
        held(&index, 3),
        "undated: kept by its read time, as prune keeps it"
    );
    // Without a cap, every row is written.
    index.record_lookups(&s, &rows, at(200), None).unwrap();
    assert!(held(&index, 1));
    // Read again with a date before the cap: the copy held, now stale, goes.
    index
        .record_lookups(&s, &rows[..1], at(300), Some(at(50)))
        .unwrap();
    assert!(
        !held(&index, 1),
        "the server's latest copy is older than the cap"
    );
}
