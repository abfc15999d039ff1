//! Batches of lookups: when they save, and their bodies written off the caller's thread.

use super::*;

/// Counts the writes of `history.json` (not of cached bodies).
fn count_history_writes(h: &mut History) -> Arc<std::sync::atomic::AtomicUsize> {
    let n = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&n);
    h.set_fault(Some(Arc::new(move |point, path: &Path| {
        if point == FaultPoint::BeforeWrite && path.ends_with("history.json") {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
    })));
    n
}

#[test]
fn a_batch_writes_once_and_its_flush_saves_everything() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let writes = count_history_writes(&mut h);
    h.batch_saves(Duration::from_secs(3600));
    for n in 1..=50 {
        let body = format!("{{\"n\":{n}}}");
        ok(h.record(record_of(n % 5, n as i64, "+1"), Some((&body, t(n as i64)))));
    }
    // In memory at once, on disk not yet.
    assert_eq!(ids(&h), [id(0), id(4), id(3), id(2), id(1)]);
    assert!(ids(&open(dir.path())).is_empty());
    assert_eq!(writes.load(std::sync::atomic::Ordering::SeqCst), 0);
    ok(h.flush());
    assert_eq!(writes.load(std::sync::atomic::Ordering::SeqCst), 1);
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(0), id(4), id(3), id(2), id(1)]);
    assert_eq!(again.cached_body(id(0)).unwrap().0, "{\"n\":50}");
    ok(h.flush());
    assert_eq!(
        writes.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "nothing left to write"
    );
}

#[test]
fn a_batch_saves_again_once_its_interval_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let writes = count_history_writes(&mut h);
    h.batch_saves(Duration::from_millis(50));
    ok(h.record(record_of(1, 1, "+1"), None));
    std::thread::sleep(Duration::from_millis(60));
    ok(h.record(record_of(2, 2, "+2"), None));
    assert_eq!(writes.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(
        ids(&open(dir.path())),
        [id(2), id(1)],
        "both saved by the second"
    );
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
    let mut other = open_with(dir.path(), options.clone());
    ok(other.record(record_of(3, 3, "+3"), Some(("{}", t(3)))));
    ok(h.flush());
    let again = open_with(dir.path(), options);
    assert_eq!(ids(&again), [id(3), id(2)]);
    assert_eq!(
        again.cached_body(id(1)),
        None,
        "the evicted entry's body went too"
    );
    assert!(
        !dir.path()
            .join("cache")
            .join(format!("{}.json", id(1)))
            .exists()
    );
}

#[test]
fn a_slow_batch_saves_what_waits_once_its_interval_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    h.batch_saves(Duration::from_millis(50));
    ok(h.record(record_of(1, 1, "+1"), None));
    ok(h.save_due());
    assert!(ids(&open(dir.path())).is_empty(), "not due yet");
    std::thread::sleep(Duration::from_millis(60));
    ok(h.save_due());
    assert_eq!(ids(&open(dir.path())), [id(1)]);
}

/// The cache writes of a batch, as (file name, writing thread's name), failing while `fail`.
type BodyLog = Arc<std::sync::Mutex<Vec<(String, String)>>>;

fn log_body_writes(h: &mut History, fail: Arc<std::sync::atomic::AtomicBool>) -> BodyLog {
    let log: BodyLog = Arc::default();
    let seen = Arc::clone(&log);
    h.set_fault(Some(Arc::new(move |point, path: &Path| {
        let in_cache = path
            .parent()
            .is_some_and(|p| p.ends_with(super::cache::CACHE));
        if point == FaultPoint::BeforeWrite && in_cache {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let thread = std::thread::current().name().unwrap_or("").to_owned();
            seen.lock().unwrap().push((name, thread));
            if fail.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(io::Error::other("disk full"));
            }
        }
        Ok(())
    })));
    log
}

#[test]
fn a_batch_writes_each_body_once_off_the_callers_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let log = log_body_writes(&mut h, Arc::clone(&fail));
    h.batch_saves(Duration::from_secs(3600));
    // Three calls, each fetched ten times with the same body: three writes, not thirty.
    for n in 1..=30u32 {
        let body = format!("{{\"call\":{}}}", n % 3);
        ok(h.record(
            record_of(u128::from(n % 3), i64::from(n), "+1"),
            Some((&body, t(i64::from(n)))),
        ));
    }
    ok(h.flush());
    let writes = log.lock().unwrap().clone();
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert!(
        writes.iter().all(|(_, thread)| thread == "swlog-bodies"),
        "{writes:?}"
    );
    let again = open(dir.path());
    for n in 0..3 {
        assert_eq!(
            again.cached_body(id(n)).unwrap().0,
            format!("{{\"call\":{n}}}")
        );
    }
}

#[test]
fn a_body_the_batch_thread_could_not_write_waits_for_the_save_and_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let log = log_body_writes(&mut h, Arc::clone(&fail));
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(1, 1, "+1"), Some(("{\"a\":1}", t(1)))));
    let warnings = h.flush();
    assert_eq!(
        log.lock().unwrap().len(),
        2,
        "tried on the thread, then again by the save"
    );
    assert!(
        warnings.iter().any(|w| matches!(w, Warning::NotCached(_))
            && w.to_string().contains("could not cache")
            && w.to_string().contains(&format!("{}.json", id(1)))),
        "a cache failure names the file and does not say the history is not saved: {warnings:?}"
    );
    assert_eq!(
        h.cached_body(id(1)).unwrap().0,
        "{\"a\":1}",
        "kept in memory"
    );
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    ok(h.flush());
    assert_eq!(open(dir.path()).cached_body(id(1)).unwrap().0, "{\"a\":1}");
}

#[test]
fn a_batch_remembers_what_the_file_held_and_its_save_starts_from_that() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(2, 2, "+2"), None));
    ok(h.record(record_of(3, 3, "+3"), None));
    let (_, base) = h.batch_base.as_ref().expect("the file's entries kept");
    assert_eq!(
        base.iter().map(|e| e.id).collect::<Vec<_>>(),
        [id(1)],
        "what history.json held before the batch"
    );
    ok(h.flush());
    assert!(h.batch_base.is_none());
    assert_eq!(ids(&open(dir.path())), [id(3), id(2), id(1)]);
}
