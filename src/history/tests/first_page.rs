//! A long history opened at its first page: only that page is read at open, the count comes
//! from the database, and the inspector's first save brings the rest.

use super::*;

/// A history of `n` lookups in `dir`, the one made at `pinned` pinned.
fn filled(dir: &Path, n: u128, pinned: u128) {
    let mut h = open_batched(dir);
    for k in 0..n {
        ok(h.record(
            record_of(k, i64::try_from(k).unwrap(), "+12065550100"),
            None,
        ));
    }
    ok(h.pin(id(pinned)));
    ok(h.flush());
}

#[test]
fn opening_at_the_first_page_reads_that_page_in_display_order_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    filled(dir.path(), 50, 3);
    let (h, warnings) = History::open_first(dir.path(), Options::default(), 10);
    ok(warnings);
    assert!(h.is_partial());
    assert_eq!(h.entries().len(), 10, "only the first page is read");
    assert_eq!(h.len(), 50, "the count is the database's");
    let whole = open(dir.path());
    assert_eq!(
        ids(&h),
        ids(&whole)[..10],
        "the same first rows, pinned first"
    );
    assert_eq!(h.entries()[0].id, id(3));
}

#[test]
fn a_short_history_opened_at_its_first_page_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    filled(dir.path(), 5, 0);
    let (h, warnings) = History::open_first(dir.path(), Options::default(), 10);
    ok(warnings);
    assert!(!h.is_partial());
    assert_eq!((h.entries().len(), h.len()), (5, 5));
}

#[test]
fn the_first_save_of_a_partly_read_history_brings_the_rest_with_the_changes_made_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    filled(dir.path(), 50, 3);
    let (mut h, warnings) = History::open_first(dir.path(), Options::default(), 10);
    ok(warnings);
    h.defer_saves();
    // Asked for before any change: the inspector sends it at start.
    let first = h.take_save().expect("a save that reads the rest");
    ok(h.record(record_of(100, 1_000, "+14155550123"), None));
    assert_eq!(h.len(), 51, "the count follows the changes made meanwhile");
    let mut saver = Saver::default();
    let saved = saver.run(first);
    h.saved(saved);
    assert!(!h.is_partial());
    assert_eq!(
        h.entries().len(),
        51,
        "all of them, and the lookup not yet saved"
    );
    assert_eq!(h.len(), 51);
    assert_eq!(h.entries()[1].id, id(100), "after the pinned one");
    assert_eq!(
        h.filter("4155550123").len(),
        1,
        "the filter sees the rest too"
    );
    assert_eq!(h.filter("2065550100").len(), 50);
    let second = h.take_save().expect("the lookup's save");
    h.saved(saver.run(second));
    assert_eq!(ids(&h), ids(&open(dir.path())));
}
