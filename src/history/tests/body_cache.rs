//! The cached bodies: what is cached and when it is written, confirmed or trusted.

use super::*;

#[test]
fn cache_round_trip_error_keeps_the_body_and_clear_removes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\",\n \"from\":\"+1\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    ok(h.record(record_of(2, 2, "+2"), Some(("{}", t(2)))));
    assert_eq!(h.cached_body(id(1)), Some((body.to_owned(), t(1))));
    // A later failed lookup keeps the last good body, with its own time.
    ok(h.record(error_of(1, 5), None));
    let again = open(dir.path());
    assert_eq!(again.cached_body(id(1)), Some((body.to_owned(), t(1))));
    assert_eq!(again.cached_body(id(3)), None);
    ok(h.clear(false));
    assert!(h.entries().is_empty());
    assert_eq!(h.cached_body(id(1)), None);
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"), 0);
    assert!(open(dir.path()).entries().is_empty());
    // And clearing is seen by another swlog on its next change.
    ok(h.record(record_of(3, 3, "+3"), Some(("{}", t(3)))));
    assert_eq!(ids(&open(dir.path())), [id(3)]);
}

#[test]
fn caching_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: DEFAULT_CAP,
        cache: false,
    };
    let mut h = open_with(dir.path(), options);
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    assert_eq!(h.cached_body(id(1)), None);
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"), 0);
}

/// The time stored with `n`'s body.
fn stored_time(dir: &Path, n: u128) -> i64 {
    sql(
        dir,
        &format!("SELECT fetched_at FROM bodies WHERE id = '{}'", id(n)),
    )
}

#[test]
fn a_body_the_entry_vouches_for_is_not_written_again_and_counts_as_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\",\"status\":\"completed\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let written = stored_time(dir.path(), 1);
    // The same body fetched again: the entry's digest says the database holds it, so it is
    // not written, and counts as confirmed at t(9).
    ok(h.record(record_of(1, 9, "+1"), Some((body, t(9)))));
    assert_eq!(stored_time(dir.path(), 1), written, "not written");
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(9)))
    );
    // A lookup recorded after one that ended later (two lookups of one batch, in the order
    // given): the entry's lookup is the one on record, and so is its time.
    ok(h.record(record_of(1, 5, "+1"), Some((body, t(5)))));
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(5)))
    );
    // A changed body is written, with its own time.
    let changed = "{\"id\":\"x\",\"status\":\"failed\"}";
    ok(h.record(record_of(1, 12, "+1"), Some((changed, t(12)))));
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((changed.to_owned(), t(12)))
    );
}

#[test]
fn the_same_body_written_again_only_moves_its_time_forward() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    // A refresh in place writes the body whatever the entry says: the same body moves on.
    ok(h.update(id(1), record_of(1, 9, "+1").lookup, Some((body, t(9)))));
    assert_eq!(
        stored_time(dir.path(), 1),
        t(9).timestamp_nanos_opt().unwrap()
    );
    // Never back.
    ok(h.update(id(1), record_of(1, 5, "+1").lookup, Some((body, t(5)))));
    assert_eq!(
        stored_time(dir.path(), 1),
        t(9).timestamp_nanos_opt().unwrap()
    );
}

#[test]
fn a_cached_body_dated_in_the_future_is_as_old_as_the_lookup_that_vouches_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let future = (Utc::now() + chrono::Duration::days(1000))
        .timestamp_nanos_opt()
        .unwrap();
    let conn = rusqlite::Connection::open(file(dir.path())).unwrap();
    conn.execute("UPDATE bodies SET fetched_at = ?1", [future])
        .unwrap();
    drop(conn);
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(1)))
    );
    // And the next fetch of the same body writes its own time over it.
    ok(h.update(id(1), record_of(1, 3, "+1").lookup, Some((body, t(3)))));
    assert_eq!(
        stored_time(dir.path(), 1),
        t(3).timestamp_nanos_opt().unwrap()
    );
}

#[test]
fn a_cached_body_gone_since_its_entry_vouched_for_it_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let body = "{\"id\":\"x\",\"status\":\"completed\"}";
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let conn = rusqlite::Connection::open(file(dir.path())).unwrap();
    conn.execute("DELETE FROM bodies", []).unwrap();
    drop(conn);
    ok(h.record(record_of(1, 2, "+1"), Some((body, t(2)))));
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(2)))
    );
}
