//! The body cache: what is cached and when it is written, confirmed, trusted or refused.

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
    assert!(!dir.path().join("cache").exists());
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
    assert!(
        files_under(dir.path())
            .iter()
            .all(|p| !p.starts_with(dir.path().join("cache"))),
        "{:?}",
        files_under(dir.path())
    );
}

#[test]
fn a_fifo_or_a_link_in_the_cache_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 0, "+1"), None));
    ok(h.record(record_of(2, 0, "+2"), None));
    let cache = dir.path().join(cache::CACHE);
    std::fs::create_dir_all(&cache).unwrap();
    let fifo = cache.join(format!("{}.json", id(1)));
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let elsewhere = dir.path().join("elsewhere.json");
    std::fs::write(
        &elsewhere,
        r#"{"fetched_at":"2026-01-02T03:04:05Z","body":"{}"}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(&elsewhere, cache.join(format!("{}.json", id(2)))).unwrap();
    // Before, reading the FIFO blocked here for ever.
    assert_eq!(h.cached_body(id(1)), None);
    assert_eq!(h.cached_body(id(2)), None);
}

#[test]
fn a_cache_dir_that_is_a_symlink_is_never_written_or_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let theirs = project.path().join(format!("{}.json", id(9)));
    std::fs::write(&theirs, "the user's file").unwrap();
    std::os::unix::fs::symlink(project.path(), dir.path().join(cache::CACHE)).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::CacheOff(why)] if why.contains("symbolic link")),
        "{warnings:?}"
    );
    ok(h.record(record_of(1, 0, "+1"), Some(("{}", t(0)))));
    ok(h.clear(false));
    assert!(theirs.exists(), "the user's file was removed");
    let names: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_cache_dir_owned_by_another_user_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(cache::CACHE);
    std::fs::create_dir(&cache).unwrap();
    let theirs = cache.join(format!("{}.json", id(9)));
    std::fs::write(&theirs, "{}").unwrap();
    // Only root can give a directory away; tests run as root on CI.
    if std::os::unix::fs::chown(&cache, Some(65534), Some(65534)).is_err() {
        return;
    }
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::CacheOff(why)] if why.contains("belongs to another user")),
        "{warnings:?}"
    );
    ok(h.record(record_of(1, 0, "+1"), Some(("{}", t(0)))));
    assert!(
        theirs.exists(),
        "an orphan in another user's directory was removed"
    );
    assert!(!cache.join(format!("{}.json", id(1))).exists());
}

/// The inode of `id`'s cached body: the same inode means the file was not written again.
#[cfg(unix)]
fn cache_inode(dir: &Path, n: u128) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(cache::cache_path(dir, &id(n).to_string()))
        .unwrap()
        .ino()
}

/// The modification time of `id`'s cached body.
fn cache_mtime(dir: &Path, n: u128) -> std::time::SystemTime {
    std::fs::metadata(cache::cache_path(dir, &id(n).to_string()))
        .unwrap()
        .modified()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_body_the_entry_vouches_for_is_not_written_again_and_counts_as_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\",\"status\":\"completed\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let (inode, written) = (cache_inode(dir.path(), 1), cache_mtime(dir.path(), 1));
    assert_eq!(written, std::time::SystemTime::from(t(1)));
    // The same body fetched again: the entry's digest says the cache holds it, so the file is
    // left as it is (not written, not touched), and the body counts as confirmed at t(9).
    ok(h.record(record_of(1, 9, "+1"), Some((body, t(9)))));
    assert_eq!(cache_inode(dir.path(), 1), inode, "not rewritten");
    assert_eq!(cache_mtime(dir.path(), 1), written, "not touched");
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(9)))
    );
    // A lookup recorded after one that ended later (two lookups of one batch, in the order
    // given): the entry's lookup is the one on record, and so is its time; still nothing is
    // written.
    ok(h.record(record_of(1, 5, "+1"), Some((body, t(5)))));
    assert_eq!(cache_inode(dir.path(), 1), inode);
    assert_eq!(cache_mtime(dir.path(), 1), written);
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(5)))
    );
    // A changed body is written, with its own time.
    let changed = "{\"id\":\"x\",\"status\":\"failed\"}";
    ok(h.record(record_of(1, 12, "+1"), Some((changed, t(12)))));
    assert_ne!(cache_inode(dir.path(), 1), inode);
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((changed.to_owned(), t(12)))
    );
    // A cached body the entry does not vouch for (another swlog wrote it since) keeps its own
    // time.
    let other = CachedFile {
        fetched_at: t(10),
        body: "{\"id\":\"x\",\"status\":\"busy\"}".to_owned(),
    };
    cache::write_cached(dir.path(), &id(1).to_string(), &other, None).unwrap();
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((other.body.clone(), t(10)))
    );
}

#[cfg(unix)]
#[test]
fn the_cache_confirms_a_body_it_holds_by_reading_it_when_no_entry_vouches_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let name = id(1).to_string();
    let body = |at: i64| CachedFile {
        fetched_at: t(at),
        body: "{\"id\":\"x\"}".to_owned(),
    };
    cache::write_cached(dir.path(), &name, &body(1), None).unwrap();
    let inode = cache_inode(dir.path(), 1);
    cache::write_cached(dir.path(), &name, &body(9), None).unwrap();
    assert_eq!(cache_inode(dir.path(), 1), inode, "not rewritten");
    assert_eq!(
        cache_mtime(dir.path(), 1),
        std::time::SystemTime::from(t(9))
    );
    // Never back.
    cache::write_cached(dir.path(), &name, &body(5), None).unwrap();
    assert_eq!(
        cache::read_cached(dir.path(), &name).map(|c| c.fetched_at),
        Some(t(9))
    );
}

#[test]
fn a_cached_body_is_as_old_as_its_fetch_whatever_the_file_time_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    // Written with its fetch time, not the time of the write (which is now, years later).
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some(("{}".to_owned(), t(1)))
    );
    // A modification time in the future (a clock that was wrong) is not believed.
    let path = cache::cache_path(dir.path(), &id(1).to_string());
    let future = std::time::SystemTime::now() + Duration::from_secs(86_400);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(future)
        .unwrap();
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some(("{}".to_owned(), t(1)))
    );
}

#[cfg(unix)]
#[test]
fn a_cached_body_linked_from_elsewhere_or_dated_in_the_future_is_written_over() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempfile::tempdir().unwrap();
    let name = id(1).to_string();
    let body = |at: DateTime<Utc>| CachedFile {
        fetched_at: at,
        body: "{\"id\":\"x\"}".to_owned(),
    };
    cache::write_cached(dir.path(), &name, &body(t(1)), None).unwrap();
    let path = cache::cache_path(dir.path(), &name);
    // A hard link to a file outside the cache: confirming the body in place would move that
    // file's time; the cache file is replaced instead and the outside file left as it was.
    let outside = dir.path().join("outside.json");
    std::fs::rename(&path, &outside).unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(&outside)
        .unwrap()
        .set_modified(old)
        .unwrap();
    std::fs::hard_link(&outside, &path).unwrap();
    cache::write_cached(dir.path(), &name, &body(t(2)), None).unwrap();
    let meta = std::fs::metadata(&outside).unwrap();
    assert_eq!(
        meta.modified().unwrap(),
        old,
        "the outside file's time is left alone"
    );
    assert_eq!(meta.nlink(), 1, "the cache holds a file of its own again");
    assert_eq!(
        cache::read_cached(dir.path(), &name).map(|c| c.fetched_at),
        Some(t(2))
    );
    // A fetch time in the future inside the file (a clock that was wrong) does not stay for
    // good: the next fetch of the same body writes its own time.
    let future = Utc::now() + chrono::Duration::days(1000);
    let bytes = serde_json::json!({"fetched_at": future, "body": "{\"id\":\"x\"}"}).to_string();
    std::fs::write(&path, bytes).unwrap();
    cache::write_cached(dir.path(), &name, &body(t(3)), None).unwrap();
    assert_eq!(
        cache::read_cached(dir.path(), &name).map(|c| c.fetched_at),
        Some(t(3))
    );
}

#[test]
fn a_cached_body_dated_in_the_future_is_as_old_as_the_lookup_that_vouches_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    let body = "{\"id\":\"x\"}";
    ok(h.record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let future = Utc::now() + chrono::Duration::days(1000);
    let bytes = serde_json::json!({"fetched_at": future, "body": body}).to_string();
    std::fs::write(cache::cache_path(dir.path(), &id(1).to_string()), bytes).unwrap();
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(1)))
    );
}

#[test]
fn a_body_digest_of_another_type_reads_as_none_and_keeps_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut entry = serde_json::to_value(record_of(1, 1, "+1")).unwrap();
    entry["body_digest"] = serde_json::json!(12345);
    let file = serde_json::json!({"version": 2, "entries": [entry]});
    std::fs::write(dir.path().join(files::FILE), file.to_string()).unwrap();
    let h = open(dir.path());
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(h.get(id(1)).unwrap().body_digest, None);
}

#[test]
fn a_cached_body_gone_or_changed_since_its_entry_vouched_for_it_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let body = "{\"id\":\"x\",\"status\":\"completed\"}";
    ok(open(dir.path()).record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let path = cache::cache_path(dir.path(), &id(1).to_string());
    let batch = |at: i64| {
        let mut h = open_batched(dir.path());
        for _ in 0..3 {
            ok(h.record(record_of(1, at, "+1"), Some((body, t(at)))));
        }
        ok(h.flush());
    };
    // Gone: a crash before the write reached the disk, a clear in another terminal.
    std::fs::remove_file(&path).unwrap();
    batch(2);
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(2)))
    );
    // Changed by someone else since (its time is later than the lookup that vouched for it).
    std::fs::write(
        &path,
        "{\"fetched_at\":\"2026-01-02T03:04:05Z\",\"body\":\"edited\"}",
    )
    .unwrap();
    batch(3);
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(3)))
    );
}
