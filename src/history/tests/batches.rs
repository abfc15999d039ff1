//! Batches of lookups: each change written on the batch's own thread, beside the lookups, as
//! one small transaction; the caller never waits for the disk but at the end.

use super::*;

/// Counts the transactions begun, and the threads they were begun on.
fn log_writes(
    h: &mut History,
    fail: Arc<std::sync::atomic::AtomicBool>,
) -> Arc<std::sync::Mutex<Vec<String>>> {
    let log: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&log);
    h.set_fault(Some(Arc::new(move |point, _: &Path| {
        if point == FaultPoint::BeforeWrite {
            let thread = std::thread::current().name().unwrap_or("").to_owned();
            seen.lock().unwrap().push(thread);
            if fail.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(io::Error::from_raw_os_error(28));
            }
        }
        Ok(())
    })));
    log
}

#[test]
fn a_batch_writes_off_the_callers_thread_and_its_flush_saves_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let log = log_writes(&mut h, Arc::default());
    h.batch_saves(Duration::from_secs(3600));
    for n in 1..=50 {
        let body = format!("{{\"n\":{n}}}");
        ok(h.record(record_of(n % 5, n as i64, "+1"), Some((&body, t(n as i64)))));
    }
    // In memory at once.
    assert_eq!(ids(&h), [id(0), id(4), id(3), id(2), id(1)]);
    ok(h.flush());
    let writes = log.lock().unwrap().clone();
    assert!(!writes.is_empty());
    assert!(writes.iter().all(|t| t == "swlog-history"), "{writes:?}");
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(0), id(4), id(3), id(2), id(1)]);
    assert_eq!(again.cached_body(id(0)).unwrap().0, "{\"n\":50}");
    let before = log.lock().unwrap().len();
    ok(h.flush());
    assert_eq!(log.lock().unwrap().len(), before, "nothing left to write");
}

#[test]
fn each_lookup_of_a_batch_is_written_without_waiting_for_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_batched(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    // Written by the thread within moments, with no flush and no interval to wait for.
    let started = Instant::now();
    while ids(&open(dir.path())).is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(ids(&open(dir.path())), [id(1)]);
    ok(h.flush());
}

#[test]
fn a_batch_keeps_what_another_swlog_saved_and_evicts_with_its_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        cap: 2,
        cache: true,
    };
    let mut h = open_with(dir.path(), options.clone());
    ok(h.record(record_of(1, 1, "+1"), Some(("{\"old\":1}", t(1)))));
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(2, 2, "+2"), Some(("{}", t(2)))));
    ok(h.flush());
    let mut other = open_with(dir.path(), options.clone());
    ok(other.record(record_of(3, 3, "+3"), Some(("{}", t(3)))));
    ok(h.record(record_of(4, 4, "+4"), Some(("{}", t(4)))));
    ok(h.flush());
    let again = open_with(dir.path(), options);
    assert_eq!(ids(&again), [id(4), id(3)]);
    assert_eq!(
        again.cached_body(id(1)),
        None,
        "the evicted entry's body went too"
    );
    assert_eq!(sql::<i64>(dir.path(), "SELECT count(*) FROM bodies"), 2);
}

#[test]
fn a_write_the_batch_thread_could_not_make_is_said_once_and_made_with_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let _log = log_writes(&mut h, Arc::clone(&fail));
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(1, 1, "+1"), Some(("{\"a\":1}", t(1)))));
    ok(h.record(record_of(2, 2, "+2"), None));
    let warnings = h.flush();
    assert!(
        matches!(&warnings[..], [Warning::NotSaved(why)] if why.contains("os error 28")),
        "{warnings:?}"
    );
    assert!(ids(&open(dir.path())).is_empty());
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    ok(h.record(record_of(3, 3, "+3"), None));
    ok(h.flush());
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(3), id(2), id(1)]);
    assert_eq!(again.cached_body(id(1)).unwrap().0, "{\"a\":1}");
}

#[test]
fn a_slow_batch_has_its_warnings_said_between_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let _log = log_writes(&mut h, Arc::new(std::sync::atomic::AtomicBool::new(true)));
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(1, 1, "+1"), None));
    let started = Instant::now();
    let mut said = Vec::new();
    while said.is_empty() && started.elapsed() < Duration::from_secs(20) {
        said = h.save_due();
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(matches!(&said[..], [Warning::NotSaved(_)]), "{said:?}");
    ok(h.flush());
}

#[test]
fn a_batch_reads_no_entry_and_its_failures_still_never_replace_a_found_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut earlier = open(dir.path());
    for n in 1..=30 {
        ok(earlier.record(record_of(n, n as i64, "+1"), Some(("{\"a\":1}", t(1)))));
    }
    let mut h = open_batched(dir.path());
    assert!(
        h.entries().is_empty(),
        "a batch reads none of the 30 entries"
    );
    let err = ApiError::NotFound {
        target: crate::api::error::Target::default(),
    };
    // Not found now, in the same profile and space: the record stays, marked.
    ok(h.record_error(id(1), t(40), "default", "acme", &err));
    // In another space: says nothing about this record.
    ok(h.record_error(id(2), t(41), "staging", "acme-staging", &err));
    // Never found before: a failed lookup of its own.
    ok(h.record_error(id(99), t(42), "default", "acme", &err));
    // The same body again is confirmed, not replaced; another body replaces it.
    ok(h.record(record_of(3, 50, "+1"), Some(("{\"a\":1}", t(50)))));
    ok(h.record(record_of(4, 51, "+1"), Some(("{\"b\":2}", t(51)))));
    ok(h.flush());
    let again = open(dir.path());
    let one = again.get(id(1)).expect("kept");
    assert!(one.summary().is_some(), "{one:?}");
    assert_eq!(
        one.refresh_failed.as_ref().map(|f| f.what.as_str()),
        Some("not found")
    );
    let two = again.get(id(2)).expect("kept");
    assert!(
        two.summary().is_some() && two.refresh_failed.is_none(),
        "{two:?}"
    );
    assert_eq!((two.profile.as_str(), two.at), ("default", t(2)));
    assert_eq!(again.get(id(99)).map(|e| e.summary().is_none()), Some(true));
    assert_eq!(
        again.cached_body(id(3)).unwrap(),
        ("{\"a\":1}".to_owned(), t(50))
    );
    assert_eq!(again.cached_body(id(4)).unwrap().0, "{\"b\":2}");
    assert_eq!(again.entries().len(), 31);
}

#[test]
fn a_finished_batch_hands_its_connection_over_with_everything_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_batched(dir.path());
    for n in 1..=20 {
        ok(h.record(record_of(n, n as i64, "+1"), None));
    }
    ok(h.flush());
    let index = h.take_index().expect("the writer's connection");
    assert_eq!(index.path(), dir.path().join("index.db"));
    // Still open and usable as the index's, with every lookup committed beside it.
    assert_eq!(ids(&open(dir.path())).len(), 20);
    assert!(index.stats().is_ok());
    assert!(h.take_index().is_none(), "handed over once");
    drop(index);
    assert_eq!(ids(&open(dir.path())).len(), 20);
}

#[test]
fn a_history_without_a_batch_writer_hands_no_connection_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    assert!(h.take_index().is_none());
    let mut memory = History::in_memory(Options::default());
    memory.batch_saves(Duration::from_secs(1));
    assert!(memory.take_index().is_none());
}

#[test]
fn a_batch_whose_file_was_moved_aside_meanwhile_hands_no_connection_over() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_batched(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    ok(h.flush());
    // Another swlog moved the file aside (as it does a damaged one) and started a new one.
    let file = dir.path().join("index.db");
    std::fs::rename(&file, dir.path().join("index.db.aside")).unwrap();
    drop(open(dir.path()));
    assert!(file.exists());
    assert!(
        h.take_index().is_none(),
        "writing on it would put the index's rows in the file moved aside"
    );
}

/// A batch in `dir` whose writes are counted, beside a write lock another connection holds
/// (returned: dropping it ends the lock), with one lookup recorded; and when its first write
/// began (it fails when the busy timeout, 10 s, has passed).
fn batch_beside_a_lock(
    dir: &Path,
) -> (
    History,
    Arc<std::sync::Mutex<Vec<String>>>,
    rusqlite::Connection,
    Instant,
) {
    let mut h = open(dir);
    let log = log_writes(&mut h, Arc::default());
    h.batch_saves(Duration::from_secs(3600));
    let other = rusqlite::Connection::open(dir.join("index.db")).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    ok(h.record(record_of(1, 1, "+1"), None));
    let started = Instant::now();
    while log.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    (h, log, other, Instant::now())
}

/// Beside a write lock another process holds, a write waits out the busy timeout (10 s) and
/// fails; the changes after it wait in memory instead of each gathering waiting 10 s more, and
/// are tried again when the batch ends, which says they were not saved. Slow by nature: two
/// busy timeouts.
#[test]
fn a_batch_beside_a_lock_held_elsewhere_does_not_wait_it_out_at_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, log, other, begun) = batch_beside_a_lock(dir.path());
    // Five more lookups while it waits, then (the first write failed) the batch's end.
    for n in 2..=6 {
        let _ = h.record(record_of(n, n as i64, "+1"), None);
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_secs(12).saturating_sub(begun.elapsed()));
    let said = h.flush();
    assert_eq!(
        log.lock().unwrap().len(),
        2,
        "the first write, and one more when the batch ends"
    );
    assert!(
        said.iter().any(|w| w.to_string().contains("busy")),
        "{said:?}"
    );
    // The lock gone, the changes kept in memory are written with the next one.
    other.execute_batch("ROLLBACK").unwrap();
    ok(h.record(record_of(7, 7, "+1"), None));
    let _ = h.flush();
    assert_eq!(ids(&open(dir.path())).len(), 7);
}

/// A lock held elsewhere that is gone by the batch's end is not said: the first write waited
/// it out in vain, and the retry at the end saves everything. ("History is not being saved"
/// was printed for lookups that were all saved.) Slow by nature: one busy timeout.
#[test]
fn a_lock_gone_by_the_batch_s_end_is_not_said() {
    let dir = tempfile::tempdir().unwrap();
    let (mut h, log, other, begun) = batch_beside_a_lock(dir.path());
    std::thread::sleep(Duration::from_secs(12).saturating_sub(begun.elapsed()));
    assert!(
        h.save_due().is_empty(),
        "not said while it may yet be saved"
    );
    other.execute_batch("ROLLBACK").unwrap();
    ok(h.flush());
    assert_eq!(log.lock().unwrap().len(), 2);
    assert_eq!(ids(&open(dir.path())), [id(1)]);
}
