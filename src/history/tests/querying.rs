//! The filter as a query: the database finds what the filter in memory finds, in the same
//! order, after every kind of change; `swlog history`'s open reads no entry; a change not yet
//! written is filtered from memory.

use proptest::prelude::*;

use super::*;

/// The IDs `each_matching` gives for `query`.
fn queried(h: &History, query: &str) -> Vec<Uuid> {
    let mut found = Vec::new();
    h.each_matching(query, None, |e| {
        found.push(e.id);
        Ok(())
    })
    .unwrap();
    found
}

/// The IDs the filter in memory gives for `query`.
fn filtered(h: &History, query: &str) -> Vec<Uuid> {
    h.filter(query)
        .into_iter()
        .map(|i| h.entries()[i].id)
        .collect()
}

/// Strings for the fields: cases, digits written as phone numbers, non-ASCII letters whose
/// lower case is not ASCII's, and pieces of line ends and markers.
const VALUES: &[&str] = &[
    "Alice",
    "ÄRGER",
    "bob",
    "+1 (206) 555-0100",
    "2065550100",
    "sip:alice@example.com",
    "Busy",
    "completed",
    "Ticket 42: one-way",
    "ǅemo",
    "line\nbreak",
    "^caret$",
    "İstanbul",
];

/// Words of a query: plain, numbers, fzf's markers, names.
const WORDS: &[&str] = &[
    "al",
    "alice",
    "ärger",
    "ÄR",
    "206",
    "(206)",
    "555-0100",
    "^bob",
    "bob$",
    "^bob$",
    "!busy",
    "'comp",
    "profile:default",
    "profile:ärger",
    "space:beta",
    "status:busy",
    "status:",
    "^",
    "$",
    "!",
    "relay",
    "0100$",
    "^+1",
    "42",
    "zz",
    "ǆemo",
    "i̇stanbul",
    "line",
    "^break",
    "^caret$",
    "!ticket",
    "call",
    "^relay",
    "^alice$",
];

fn value() -> impl Strategy<Value = String> {
    prop::sample::select(VALUES).prop_map(str::to_owned)
}

fn lookup() -> impl Strategy<Value = Lookup> {
    prop_oneof![
        value().prop_map(Lookup::Error),
        (
            prop::option::of(value()),
            prop::option::of(value()),
            prop::option::of(value()),
            prop::sample::select(&["relay_pstn_call", "relay_sip_call", "a-kind"][..]),
        )
            .prop_map(|(status, from, to, kind)| Lookup::Record(Summary {
                wire_type: Some(serde_json::json!(kind)),
                deleted: false,
                kind: None,
                status,
                from,
                to,
                charge: None,
                parent_id: None,
            })),
    ]
}

/// A change made after the lookups: what may change what the filter searches.
#[derive(Debug, Clone)]
enum Change {
    Note(usize, Option<String>),
    Update(usize, Lookup),
    Pin(usize),
    DeleteAndRestore(usize),
    Again(usize, i64),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (0..8usize, prop::option::of(value())).prop_map(|(i, n)| Change::Note(i, n)),
        (0..8usize, lookup()).prop_map(|(i, l)| Change::Update(i, l)),
        (0..8usize).prop_map(Change::Pin),
        (0..8usize).prop_map(Change::DeleteAndRestore),
        (0..8usize, 0..20i64).prop_map(|(i, at)| Change::Again(i, at)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_query_finds_what_the_filter_in_memory_finds(
        lookups in prop::collection::vec(
            (lookup(), 0..3usize, 0..2usize, prop::option::of(value()), 0..20i64), 1..8),
        changes in prop::collection::vec(change(), 0..6),
        queries in prop::collection::vec(prop::collection::vec(prop::sample::select(WORDS), 0..4), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut h = open(dir.path());
        for (n, (lookup, profile, space, note, at)) in lookups.iter().enumerate() {
            let profile = ["default", "ÄRGER", "Work"][*profile];
            let space = ["acme", "Beta"][*space];
            // Times apart: of two entries of the same time the database lists the later
            // written first, and memory, after a pin moves one of them, may not (a tie the
            // filter has no part in).
            let at = n as i64 * 100 + at;
            let mut e = Entry::new(id(n as u128), t(at), profile, space, lookup.clone());
            e.note.clone_from(note);
            ok(h.record(e, None));
        }
        let n = lookups.len();
        for (k, c) in changes.iter().enumerate() {
            match c.clone() {
                Change::Note(i, note) => ok(h.set_note(id((i % n) as u128), note)),
                Change::Update(i, l) => ok(h.update(id((i % n) as u128), l, None)),
                Change::Pin(i) => ok(h.pin(id((i % n) as u128))),
                Change::DeleteAndRestore(i) => {
                    let (removed, warnings) = h.delete(id((i % n) as u128));
                    ok(warnings);
                    if let Some(r) = removed {
                        ok(h.restore(r));
                    }
                }
                Change::Again(i, at) => {
                    let e = h.get(id((i % n) as u128)).cloned().unwrap();
                    let at = 10_000 + k as i64 * 100 + at;
                    ok(h.record(Entry { at: t(at), ..e }, None));
                }
            }
        }
        prop_assert!(h.queries(), "the database is queried");
        for words in &queries {
            let query = words.join(" ");
            prop_assert_eq!(queried(&h, &query), filtered(&h, &query), "{}", query);
            prop_assert_eq!(h.count_matching(&query), h.filter(&query).len(), "{}", query);
        }
        // And a history read afresh, as `swlog history` opens it.
        let (again, _) = History::open_to_query(dir.path(), Options::default());
        prop_assert!(again.queries());
        for words in &queries {
            let query = words.join(" ");
            prop_assert_eq!(queried(&again, &query), filtered(&h, &query), "{}", query);
        }
    }
}

#[test]
fn opened_to_query_the_history_reads_no_entry_and_pages_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for n in 0..30 {
        ok(h.record(record_of(n, n as i64, &format!("+1206555{n:04}")), None));
    }
    ok(h.pin(id(3)));
    let (q, warnings) = History::open_to_query(dir.path(), Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(q.entries().is_empty(), "nothing read");
    assert_eq!(q.len(), 30);
    assert_eq!(queried(&q, ""), ids(&h), "every entry, in display order");
    assert_eq!(queried(&q, "5550012"), [id(12)]);
    let page: Vec<Uuid> = q.page_matching("", 10, 5).iter().map(|e| e.id).collect();
    assert_eq!(page, ids(&h)[10..15]);
    assert_eq!(q.count_matching("relay"), 30);
    assert_eq!(q.profiles_matching("", None), ["default"]);
    ok(h.set_note(id(3), Some("pinned".into())));
    ok(h.set_note(id(4), Some("not".into())));
    ok(h.set_note(id(5), Some("not".into())));
    let want = Tally {
        total: 30,
        pinned: 1,
        noted_pinned: 1,
        noted_unpinned: 2,
    };
    assert_eq!(h.tally(), want, "counted in memory");
    let (q, _) = History::open_to_query(dir.path(), Options::default());
    assert_eq!(q.tally(), want, "counted by the database");
}

#[test]
fn a_change_not_yet_written_is_filtered_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    ok(h.record(record_of(2, 2, "+2"), None));
    assert!(h.queries());
    h.set_fault(Some(Arc::new(|point, _: &Path| match point {
        FaultPoint::BeforeWrite => Err(io::Error::from_raw_os_error(28)),
        FaultPoint::BeforeCommit => Ok(()),
    })));
    assert_eq!(h.set_note(id(1), Some("Escalated".into())).len(), 1);
    assert!(!h.queries(), "the database no longer holds what is shown");
    assert_eq!(queried(&h, "escalated"), [id(1)]);
    assert_eq!(h.count_matching("escalated"), 1);
    // Written once the disk has room again: the database finds it too.
    h.set_fault(None);
    ok(h.reload());
    assert!(h.queries());
    assert_eq!(queried(&h, "escalated"), [id(1)]);
}

#[test]
fn a_history_held_in_memory_filters_there() {
    let mut h = History::in_memory(Options::default());
    ok(h.record(record_of(1, 1, "+1 (206) 555-0100"), None));
    assert!(!h.queries());
    assert_eq!(queried(&h, "2065550100"), [id(1)]);
    assert_eq!(h.page_matching("", 0, 10).len(), 1);
}

#[test]
fn filter_words_holding_sql_are_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for (n, note) in [(1, "50%_off"), (2, "it's done"), (3, "plain")] {
        ok(h.record(record_of(n, n as i64, "+1"), None));
        ok(h.set_note(id(n), Some(note.into())));
    }
    assert!(h.queries());
    for (query, want) in [
        ("%", vec![id(1)]),
        ("_", vec![id(1)]),
        ("%_o", vec![id(1)]),
        ("it's", vec![id(2)]),
        ("' OR 1=1 --", vec![]),
        ("\") OR 1=1 --", vec![]),
        ("!%", vec![id(3), id(2)]),
        ("profile:' OR ''='", vec![]),
    ] {
        assert_eq!(queried(&h, query), want, "{query}");
        assert_eq!(filtered(&h, query), want, "{query}");
    }
}

#[test]
fn a_final_sigma_is_found_however_the_word_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    for (n, note) in [(1, "ΟΔΟΣ"), (2, "οδος"), (3, "plain")] {
        ok(h.record(record_of(n, n as i64, "+1"), None));
        ok(h.set_note(id(n), Some(note.into())));
    }
    assert!(h.queries());
    for query in ["ΟΔΟΣ", "οδος", "οδοσ", "Οδος$"] {
        assert_eq!(queried(&h, query), [id(2), id(1)], "{query}");
        assert_eq!(filtered(&h, query), [id(2), id(1)], "{query}");
    }
}

/// A lookup of an entry already there keeps its note, and the note stays found: the text the
/// query searches is laid out with the note the row keeps, not the new lookup's (none).
#[test]
fn a_note_is_still_found_after_its_entry_is_looked_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    ok(h.set_note(id(1), Some("Ticket4242".into())));
    let mut batch = open_batched(dir.path());
    ok(batch.record(record_of(1, 2, "+1"), None));
    ok(batch.flush());
    let (again, warnings) = History::open_to_query(dir.path(), Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(queried(&again, "ticket4242"), [id(1)]);
    assert_eq!(again.count_matching("ticket4242"), 1);
}
