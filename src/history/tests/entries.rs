//! The entries and what changes them: lookups, the cap, pins and notes, the filter, delete and
//! restore, refreshes, and the inspector's deferred saves.

use super::*;

#[test]
fn round_trip_keeps_every_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 0, "+12065551212"), None));
    ok(h.record(error_of(2, 1), None));
    ok(h.pin(id(1)));
    ok(h.set_note(id(2), Some("customer says \"dropped\"".into())));
    let before = h.entries().to_vec();
    let again = open(dir.path());
    assert_eq!(again.entries(), before.as_slice());
    assert_eq!(again.entries()[0].id, id(1));
    assert!(again.entries()[0].pinned);
    assert_eq!(again.entries()[1].lookup, Lookup::Error("not found".into()));
    assert_eq!(
        again.entries()[1].note.as_deref(),
        Some("customer says \"dropped\"")
    );
    // The type as sent, not its label; the charge as a number.
    assert_eq!(
        sql::<String>(
            dir.path(),
            &format!("SELECT type FROM history WHERE id = '{}'", id(1))
        ),
        "relay_pstn_call"
    );
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM history"), 2);
    assert_eq!(
        sql::<f64>(
            dir.path(),
            &format!("SELECT charge FROM history WHERE id = '{}'", id(1))
        ),
        0.0125
    );
}

#[test]
fn a_repeat_lookup_moves_to_the_top_once_and_keeps_pin_and_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for n in 1..=3 {
        ok(h.record(record_of(n, n as i64, "+1"), None));
    }
    assert_eq!(ids(&h), [id(3), id(2), id(1)]);
    ok(h.set_note(id(1), Some("first".into())));
    ok(h.record(error_of(1, 10), None));
    assert_eq!(ids(&h), [id(1), id(3), id(2)]);
    let top = &h.entries()[0];
    assert_eq!(top.lookup, Lookup::Error("not found".into()));
    assert_eq!(top.note.as_deref(), Some("first"));
    assert_eq!((top.profile.as_str(), top.space.as_str()), ("work", "beta"));
    // Pinned entries sort first; unpinning puts an entry back by its time.
    ok(h.pin(id(2)));
    assert_eq!(ids(&h), [id(2), id(1), id(3)]);
    ok(h.record(record_of(1, 11, "+1"), None));
    assert!(h.entries()[0].pinned && h.entries()[0].id == id(2));
    assert!(h.get(id(1)).unwrap().note.is_some());
    ok(h.unpin(id(2)));
    assert_eq!(ids(&h), [id(1), id(3), id(2)]);
    assert_eq!(open(dir.path()).entries(), h.entries());
}

#[test]
fn the_cap_evicts_the_oldest_unpinned_and_never_a_pinned_entry() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: 3,
        cache: true,
    };
    let mut h = open_with(dir.path(), options.clone());
    ok(h.record(record_of(1, 1, "+1"), Some(("{\"n\":1}", t(1)))));
    ok(h.record(record_of(2, 2, "+1"), Some(("{\"n\":2}", t(2)))));
    ok(h.pin(id(1)));
    ok(h.pin(id(2)));
    for n in 3..=6 {
        ok(h.record(record_of(n, n as i64, "+1"), Some(("{}", t(n as i64)))));
    }
    assert_eq!(ids(&h), [id(2), id(1), id(6), id(5), id(4)]);
    ok(h.record(record_of(8, 8, "+1"), None));
    assert_eq!(ids(&h), [id(2), id(1), id(8), id(6), id(5)]);
    // Evicted entries take their cached bodies with them.
    assert!(h.cached_body(id(4)).is_none());
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"), 4);
    assert!(h.cached_body(id(5)).is_some());
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{\"n\":1}");
    // The cap counts unpinned entries: pinning never pushes out recent lookups.
    ok(h.pin(id(6)));
    ok(h.record(record_of(7, 7, "+1"), None));
    assert_eq!(ids(&h), [id(6), id(2), id(1), id(8), id(7), id(5)]);
    ok(h.pin(id(7)));
    assert_eq!(ids(&h), [id(7), id(6), id(2), id(1), id(8), id(5)]);
    assert_eq!(open_with(dir.path(), options).entries(), h.entries());
}

#[test]
fn notes_and_the_fuzzy_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+12065551212"), None));
    ok(h.record(error_of(2, 2), None));
    let mut sip = record_of(3, 3, "sip:alice@example.com");
    if let Lookup::Record(s) = &mut sip.lookup {
        s.wire_type = Some(serde_json::json!("relay_sip_call"));
        s.status = Some("failed".into());
    }
    ok(h.record(sip, None));
    ok(h.set_note(id(1), Some("Ticket 4411: echo on the line".into())));
    assert_eq!(
        h.entries()[2].note(),
        Some("Ticket 4411: echo on the line".into())
    );
    let at = |i: usize| h.entries()[i].id;
    let found = |q: &str| h.filter(q).into_iter().map(at).collect::<Vec<_>>();
    assert_eq!(h.filter(""), [0, 1, 2]);
    assert_eq!(h.filter("   "), [0, 1, 2]);
    assert_eq!(found("echo"), [id(1)]);
    assert_eq!(found("4411"), [id(1)]);
    assert_eq!(found("2065551212"), [id(1)]);
    // Numbers as the search reads them: any spelling, the digits in a row (the punctuation
    // of "(206) 555-1212" found nothing fuzzily), never one digit off.
    assert_eq!(found("(206) 555-1212"), [id(1)]);
    assert_eq!(found("+1 206.555.1212"), [id(1)]);
    assert_eq!(found("(206) 555-1213"), Vec::<Uuid>::new());
    assert_eq!(found("(206) 555-1212 pstn"), [id(1)]);
    // Each word matches within one field: "alice" does not hide in "c*al*l … l*i*n*e".
    assert_eq!(found("alice"), [id(3)]);
    assert_eq!(found("'alice"), [id(3)]);
    assert_eq!(found("!alice"), [id(2), id(1)]);
    assert_eq!(found("sip fail"), [id(3)]);
    assert_eq!(found("not found"), [id(2)]);
    assert_eq!(found("'zzz"), Vec::<Uuid>::new());
    // A piece of an ID: the last digits are what people read off a screen.
    let id3 = id(3).to_string();
    assert_eq!(found(&id3[24..]), [id(3)]);
    assert_eq!(found(&id3), [id(3)]);
    assert_eq!(
        found(&id3.to_uppercase()),
        [id(3)],
        "IDs match in either case"
    );
    // Only as a substring: "1003" is a subsequence of every ID here, and of none as a run.
    assert_eq!(found("1003"), Vec::<Uuid>::new());
    // A blank note removes the note.
    ok(h.set_note(id(1), Some("  ".into())));
    assert_eq!(h.get(id(1)).unwrap().note, None);
    assert!(h.filter("echo").is_empty());
}

#[test]
fn display_helpers_sanitise_server_strings() {
    let mut e = record_of(1, 1, "\u{1b}[2J+1");
    if let Lookup::Record(s) = &mut e.lookup {
        s.status = Some("done\u{7}".into());
        s.wire_type = Some(serde_json::json!("x\u{9b}"));
    }
    e.note = Some("note\u{1b}]52;c;aGk=\u{7}".into());
    let shown = [e.line(), e.note().unwrap(), e.title(), e.origin()];
    for s in &shown {
        assert!(!s.chars().any(char::is_control), "{s:?}");
    }
    assert_eq!(
        e.line(),
        "Unknown type `x\\u{9b}` · done\\u{7} · \\u{1b}[2J+1 → +18005550100"
    );
    assert_eq!(error_of(2, 1).line(), "Lookup failed: not found");
    // Stored as received.
    assert_eq!(e.summary().unwrap().from.as_deref(), Some("\u{1b}[2J+1"));
}

#[test]
fn delete_returns_what_restore_puts_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), Some(("{\"one\":1}", t(1)))));
    ok(h.record(record_of(2, 2, "+2"), None));
    ok(h.pin(id(1)));
    ok(h.set_note(id(1), Some("keep".into())));
    let (removed, warnings) = h.delete(id(1));
    ok(warnings);
    let removed = removed.unwrap();
    assert_eq!(removed.entry.note.as_deref(), Some("keep"));
    assert_eq!(ids(&h), [id(2)]);
    assert_eq!(h.cached_body(id(1)), None);
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"), 0);
    assert_eq!(ids(&open(dir.path())), [id(2)]);
    assert!(h.delete(id(9)).0.is_none());
    ok(h.restore(removed));
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(1), id(2)]);
    assert!(again.entries()[0].pinned);
    assert_eq!(again.entries()[0].note.as_deref(), Some("keep"));
    assert_eq!(again.cached_body(id(1)).unwrap().0, "{\"one\":1}");
}

#[test]
fn an_in_memory_history_works_without_a_dir() {
    let mut h = History::in_memory(Options::default());
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    ok(h.record(record_of(2, 2, "+2"), None));
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
    assert!(h.dir().is_none() && h.not_saved().is_none());
    let (removed, _) = h.delete(id(1));
    ok(h.restore(removed.unwrap()));
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
}

#[test]
fn the_default_dir_is_the_platform_data_dir() {
    let dir = History::default_dir().unwrap();
    assert!(dir.ends_with("swlog"), "{dir:?}");
}

/// A timing check for the filter, not an assertion: run with
/// `cargo test --release filter_speed -- --ignored --nocapture`.
#[test]
#[ignore = "a timing check, run by hand in release"]
fn filter_speed() {
    let mut h = History::in_memory(Options {
        cap: 10_000,
        cache: false,
    });
    let mut entries: Vec<Entry> = (0..10_000u128)
        .map(|n| {
            let mut e = record_of(n, n as i64, &format!("+1206555{:04}", n % 10_000));
            if n % 7 == 0 {
                e.note = Some(format!("ticket {n} customer reports one-way audio"));
            }
            e
        })
        .collect();
    normalize(&mut entries, 10_000);
    let started = Instant::now();
    h.set_entries(entries);
    println!("index of 10,000 entries built in {:?}", started.elapsed());
    for q in ["5551234", "audio", "completed", "relay pstn 0100", "zzzz"] {
        let started = Instant::now();
        let hits = h.filter(q).len();
        println!("{q:>16}: {hits:>5} hits in {:?}", started.elapsed());
    }
}

/// The inspector's history: changes show at once, reach the disk only through a save run
/// elsewhere, and a delete then undo brings the cached body back without the inspector reading
/// a file.
#[test]
fn deferred_changes_are_written_by_the_saver_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    assert!(
        h.record(record_of(1, 0, "+1"), Some(("{\"id\":1}", t(0))))
            .is_empty()
    );
    h.defer_saves();
    let mut saver = Saver::default();
    let on_disk = || open(dir.path()).entries().len();

    assert!(
        h.record(record_of(2, 1, "+2"), Some(("{\"id\":2}", t(1))))
            .is_empty()
    );
    assert_eq!(h.entries().len(), 2, "shown at once");
    assert_eq!(on_disk(), 1, "not written by the change itself");
    let first = h.take_save().expect("a save");
    assert!(h.take_save().is_none(), "nothing more to save");

    let (removed, warnings) = h.delete(id(1));
    assert!(warnings.is_empty());
    let second = h.take_save().expect("a save");
    // The first save's answer comes back while the delete is still on its way.
    let saved = saver.run(first);
    h.saved(saved);
    assert_eq!(h.entries().len(), 1, "the delete still applies on top");
    h.saved(saver.run(second));
    assert_eq!(on_disk(), 1);
    assert!(
        h.cached_body(id(1)).is_none(),
        "the body went with the entry"
    );

    assert!(h.restore(removed.expect("removed")).is_empty());
    let third = h.take_save().expect("a save");
    h.saved(saver.run(third));
    assert_eq!(on_disk(), 2);
    assert_eq!(
        h.cached_body(id(1)).map(|(b, _)| b).as_deref(),
        Some("{\"id\":1}"),
        "the undo brought the cached body back"
    );
}

#[test]
fn a_run_with_a_smaller_limit_evicts_no_more_than_it_adds_and_prune_trims() {
    let dir = tempfile::tempdir().unwrap();
    let big = Options {
        cap: 5,
        cache: true,
    };
    let mut h = open_with(dir.path(), big);
    for n in 1..=5 {
        ok(h.record(record_of(n, n as i64, "+1"), Some(("{}", t(n as i64)))));
    }
    let small = Options {
        cap: 2,
        cache: true,
    };
    let mut h = open_with(dir.path(), small.clone());
    assert_eq!(h.entries().len(), 5, "opening must not trim");
    ok(h.record(record_of(6, 6, "+1"), None));
    // One added, one evicted: the oldest.
    assert_eq!(ids(&h), [id(6), id(5), id(4), id(3), id(2)]);
    assert!(h.cached_body(id(1)).is_none());
    let (n, warnings) = h.prune();
    ok(warnings);
    assert_eq!(n, 3);
    assert_eq!(ids(&h), [id(6), id(5)]);
    assert_eq!(open_with(dir.path(), small).entries(), h.entries());
    assert_eq!(
        sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"),
        1,
        "id(5)'s alone"
    );
}

#[test]
fn an_update_keeps_the_entry_in_its_place_with_its_time_pin_and_note() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, _) = History::open(dir.path(), Options::default());
    let _ = h.record(record_of(1, 0, "+1"), None);
    let _ = h.record(record_of(2, 10, "+2"), None);
    let _ = h.set_note(id(1), Some("ticket".into()));
    let refreshed = record_of(1, 20, "+9").lookup;
    let _ = h.update(id(1), refreshed.clone(), Some(("{}", t(20))));
    let _ = h.update(id(3), refreshed.clone(), None);
    let (again, _) = History::open(dir.path(), Options::default());
    for h in [&h, &again] {
        let ids: Vec<Uuid> = h.entries().iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            [id(2), id(1)],
            "in place, and no entry made for an unknown ID"
        );
        let e = h.get(id(1)).unwrap();
        assert_eq!((e.at, e.note.as_deref()), (t(0), Some("ticket")));
        assert_eq!(e.lookup, refreshed);
    }
}

#[test]
fn the_filter_takes_profile_and_space_words() {
    let mut h = History::in_memory(Options::default());
    let mut staging = record_of(1, 10, "+14155550111");
    staging.profile = "Staging".into();
    staging.space = "acme-staging".into();
    ok(h.record(staging, None));
    ok(h.record(record_of(2, 20, "+14155550111"), None));
    let matched =
        |q: &str| -> Vec<Uuid> { h.filter(q).into_iter().map(|i| h.entries()[i].id).collect() };
    assert_eq!(
        matched("profile:staging"),
        vec![id(1)],
        "whole name, any case"
    );
    assert_eq!(matched("space:acme"), vec![id(2)]);
    assert_eq!(
        matched("profile:default 0111"),
        vec![id(2)],
        "with fuzzy words"
    );
    assert_eq!(matched("profile:stag"), Vec::<Uuid>::new(), "not a prefix");
    assert_eq!(
        matched("profile:"),
        Vec::<Uuid>::new(),
        "an empty name is a word"
    );
}

#[test]
fn a_failed_refresh_marks_a_found_record_and_the_next_success_clears_it() {
    let mut h = History::in_memory(Options::default());
    ok(h.record(record_of(1, 10, "+1"), None));
    ok(h.record(error_of(2, 20), None));
    ok(h.refresh_failed(id(1), "not found", t(30)));
    ok(h.refresh_failed(id(2), "not found", t(30)));
    let get = |h: &History, n| h.get(id(n)).cloned().expect("entry");
    let marked = get(&h, 1);
    assert!(marked.summary().is_some(), "the record is kept");
    assert_eq!(
        marked.refresh_note(t(150)).as_deref(),
        Some("last refresh failed: not found · 2m ago")
    );
    assert_eq!(
        get(&h, 2).refresh_failed,
        None,
        "a lookup never found is not marked"
    );
    let lookup = get(&h, 1).lookup;
    ok(h.update(id(1), lookup, None));
    assert_eq!(get(&h, 1).refresh_failed, None);
}

#[test]
fn a_failed_lookup_never_replaces_a_found_record() {
    let mut h = History::in_memory(Options::default());
    ok(h.record(record_of(1, 10, "+1"), None));
    let err = ApiError::NotFound {
        target: crate::api::error::Target::default(),
    };
    ok(h.record_error(id(1), t(20), "default", "acme", &err));
    let entry = h.get(id(1)).cloned().expect("entry");
    assert!(entry.summary().is_some(), "{entry:?}");
    assert_eq!(
        entry.refresh_failed.map(|f| f.what),
        Some("not found".to_owned())
    );
    // Not found in another space says nothing about this record.
    ok(h.record_error(id(1), t(30), "staging", "acme-staging", &err));
    let entry = h.get(id(1)).cloned().expect("entry");
    assert_eq!((entry.profile.as_str(), entry.at), ("default", t(10)));
}

#[test]
fn ids_that_differ_only_at_the_end_spread_over_the_buckets() {
    use std::hash::BuildHasher as _;
    // A test system's IDs: …-000000000000, …-000000000001, … The hash tables of the history
    // index by the low bits of the hash; FxHash left all of these with the same low bits.
    let hasher = ops::FastHash::default();
    let buckets: std::collections::HashSet<u64> = (0..10_000u128)
        .map(|n| {
            hasher.hash_one(Uuid::from_u128(
                0x1000_0000_0000_4000_8000_0000_0000_0000 | n,
            )) & 0xffff
        })
        .collect();
    // Random hashes would fill some 9,300 of the 65,536 buckets; FxHash filled 1.
    assert!(buckets.len() > 8_000, "{} buckets", buckets.len());
}
