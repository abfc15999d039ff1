//! The database on disk: damaged, newer, unwritable or read-only, something else in its place,
//! what is written and with which mode, and reading again what someone else changed.

use super::*;

/// What `dir` holds besides the database, its WAL and shared memory.
fn moved_aside(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().contains("index.db.corrupt-"))
        .filter(|p| !p.to_string_lossy().ends_with("-wal"))
        .collect()
}

#[test]
fn a_damaged_database_is_moved_aside_and_every_lookup_that_can_be_read_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open_with(
        dir.path(),
        Options {
            cap: 10_000,
            cache: true,
        },
    );
    let pad = "x".repeat(3000);
    for n in 0..400u128 {
        let body = format!("{{\"n\":{n},\"pad\":\"{pad}\"}}");
        ok(h.record(record_of(n, n as i64, "+1"), Some((&body, t(n as i64)))));
    }
    drop(h);
    // Scribble over pages in the middle of the file: its header and both ends stay readable.
    let path = file(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let third = bytes.len() / 3;
    for b in &mut bytes[third..2 * third] {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    let [Warning::Damaged { moved_to, kept, .. }] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert_eq!(moved_aside(dir.path()), std::slice::from_ref(moved_to));
    assert_eq!(std::fs::read(moved_to).unwrap(), bytes, "bytes intact");
    assert!(*kept > 0, "the history is salvaged, not lost: {warnings:?}");
    assert_eq!(h.entries().len(), *kept);
    assert!(warnings[0].to_string().contains("moved aside"));
    // The new file works.
    ok(h.record(record_of(9999, 9999, "+1"), None));
    assert_eq!(open(dir.path()).entries().len(), kept + 1);
}

#[test]
fn a_file_that_is_no_database_is_moved_aside_with_its_bytes_and_reported() {
    for garbage in [&b"\0\0\0\0"[..], b"SQLite format 3", &[b'x'; 4096]] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file(dir.path()), garbage).unwrap();
        let (mut h, warnings) = History::open(dir.path(), Options::default());
        let [Warning::Damaged { moved_to, kept, .. }] = warnings.as_slice() else {
            panic!("{warnings:?}")
        };
        assert_eq!(*kept, 0);
        assert_eq!(std::fs::read(moved_to).unwrap(), garbage);
        ok(h.record(record_of(1, 1, "+1"), None));
        assert_eq!(open(dir.path()).entries().len(), 1);
    }
}

#[test]
fn a_file_from_a_newer_swlog_is_never_written_over() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let conn = rusqlite::Connection::open(file(dir.path())).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let before = std::fs::read(file(dir.path())).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(
        why.contains("schema version 99, newer than this swlog's"),
        "{why}"
    );
    // Working in memory, without repeating the warning on every change.
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
    assert!(h.not_saved().is_some());
    assert_eq!(std::fs::read(file(dir.path())).unwrap(), before);
}

#[test]
fn a_failure_before_the_commit_leaves_the_old_data_and_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    h.set_fault(Some(Arc::new(|point, _: &Path| match point {
        FaultPoint::BeforeCommit => Err(io::Error::other("simulated crash before commit")),
        FaultPoint::BeforeWrite => Ok(()),
    })));
    let warnings = h.record(record_of(2, 2, "+2"), None);
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(why.contains("simulated crash"), "{why}");
    assert_eq!(ids(&open(dir.path())), [id(1)], "rolled back whole");
    // Still working in memory, and warned once per failure streak.
    ok(h.pin(id(2)));
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(ids(&open(dir.path())), [id(1)]);
    // Once writes work again, every change made meanwhile is saved.
    h.set_fault(None);
    ok(h.reload());
    assert!(h.not_saved().is_none());
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(2), id(1)]);
    assert!(again.entries()[0].pinned);
}

#[test]
fn a_full_disk_keeps_the_history_and_bodies_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    h.set_fault(Some(Arc::new(|point, _: &Path| match point {
        FaultPoint::BeforeWrite => Err(io::Error::from_raw_os_error(28)),
        FaultPoint::BeforeCommit => Ok(()),
    })));
    let warnings = h.record(record_of(1, 1, "+1"), Some(("{\"a\":1}", t(1))));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .to_string()
            .starts_with("History is not being saved: cannot write"),
        "{}",
        warnings[0]
    );
    assert_eq!(h.cached_body(id(1)), Some(("{\"a\":1}".to_owned(), t(1))));
    h.set_fault(None);
    ok(h.record(record_of(2, 2, "+2"), None));
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(2), id(1)]);
    assert_eq!(
        again.cached_body(id(1)),
        Some(("{\"a\":1}".to_owned(), t(1)))
    );
}

#[test]
fn a_database_that_is_really_full_says_so_and_loses_nothing_already_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    // SQLite's own "database or disk is full", through its page limit on this connection.
    let pages: i64 = (h.db.as_ref().unwrap())
        .conn_ref()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    (h.db.as_ref().unwrap())
        .conn_ref()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let big = "x".repeat(64 * 1024);
    let warnings = h.record(record_of(2, 2, "+2"), Some((&big, t(2))));
    assert!(
        matches!(&warnings[..], [Warning::NotSaved(why)] if why == "the disk is full"),
        "{warnings:?}"
    );
    assert_eq!(ids(&h), [id(2), id(1)], "shown in memory");
    assert_eq!(ids(&open(dir.path())), [id(1)]);
}

#[test]
fn an_unusable_data_dir_keeps_working_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    // A directory under a regular file can be made by no one, root included.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let (mut h, warnings) = History::open(blocker.join("swlog"), Options::default());
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(why.starts_with("cannot create"), "{why}");
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    ok(h.record(record_of(2, 2, "+2"), None));
    ok(h.set_note(id(1), Some("kept in memory".into())));
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
    assert_eq!(h.filter("memory"), [1]);
    assert_eq!(h.dir(), Some(blocker.join("swlog").as_path()));
}

#[cfg(unix)]
#[test]
fn a_read_only_dir_keeps_working_in_memory() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("swlog");
    let mut h = open(&data);
    ok(h.record(record_of(1, 1, "+1"), None));
    drop(h);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o500)).unwrap();
    // Root ignores permission bits, so the write is also made to fail the way EROFS would.
    let (mut h, warnings) = History::open(&data, Options::default());
    assert!(warnings.len() <= 1, "{warnings:?}");
    assert_eq!(ids(&h), [id(1)], "the history is shown");
    h.set_fault(Some(Arc::new(|_, _: &Path| {
        Err(io::Error::from_raw_os_error(30))
    })));
    let warnings = h.record(record_of(2, 2, "+2"), None);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(h.not_saved().is_some());
    assert!(warnings.len() <= 1, "{warnings:?}");
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(ids(&open(&data)), [id(1)]);
}

#[cfg(unix)]
#[test]
fn a_symlink_or_fifo_where_the_database_should_be_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.db");
    std::fs::write(&target, b"not touched").unwrap();
    let link = dir.path().join("link");
    std::fs::create_dir(&link).unwrap();
    std::os::unix::fs::symlink(&target, file(&link)).unwrap();
    let fifo = dir.path().join("fifo");
    std::fs::create_dir(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(file(&fifo)).status().unwrap();
    assert!(made.success());
    for (data, what) in [(&link, "a symbolic link"), (&fifo, "a FIFO")] {
        let (mut h, warnings) = History::open(data, Options::default());
        assert!(
            matches!(&warnings[..], [Warning::NotSaved(why)] if why.contains(what)),
            "{warnings:?}"
        );
        ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
        assert_eq!(ids(&h), [id(1)], "working in memory");
        assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
    }
    assert_eq!(std::fs::read(&target).unwrap(), b"not touched");
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("swlog");
    let mut h = open(&data);
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&file(&data)), 0o600);
    let wal = data.join("index.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}

/// A change made by anyone else is read back with the next change or reload: another swlog's
/// lookups, an edit made with `sqlite3`.
#[test]
fn a_save_reads_the_file_again_whenever_someone_else_changed_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path());
    ok(a.record(record_of(1, 1, "+1"), None));
    let mut b = open(dir.path());
    ok(b.record(record_of(2, 2, "+2"), None));
    ok(a.record(record_of(3, 3, "+3"), None));
    assert_eq!(ids(&a), [id(3), id(2), id(1)]);
    let conn = rusqlite::Connection::open(file(dir.path())).unwrap();
    conn.execute(
        "UPDATE history SET id = ?1 WHERE id = ?2",
        [id(4).to_string(), id(3).to_string()],
    )
    .unwrap();
    drop(conn);
    ok(a.record(record_of(5, 5, "+5"), None));
    assert_eq!(ids(&a), [id(5), id(4), id(2), id(1)]);
    assert_eq!(ids(&open(dir.path())), [id(5), id(4), id(2), id(1)]);
}

#[test]
fn reload_picks_up_another_instances_lookups_and_keeps_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path());
    let mut b = open(dir.path());
    ok(a.record(record_of(1, 1, "+1"), None));
    ok(b.record(record_of(2, 2, "+2"), None));
    // b's write read the database back, so b already has a's lookup.
    assert_eq!(ids(&b), [id(2), id(1)]);
    assert_eq!(ids(&a), [id(1)]);
    ok(a.reload());
    assert_eq!(ids(&a), [id(2), id(1)]);
    // A pin in one and a note in the other both survive.
    ok(a.pin(id(1)));
    ok(b.set_note(id(1), Some("from b".into())));
    let e = open(dir.path()).get(id(1)).cloned().unwrap();
    assert!(e.pinned);
    assert_eq!(e.note.as_deref(), Some("from b"));
}

#[test]
fn the_token_is_never_written() {
    use crate::api::{Client, ClientOptions};
    use crate::demo::{DemoOptions, DemoServer, TOKEN, ids};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let server = DemoServer::start(DemoOptions::default()).await.unwrap();
        let (project, token) = server.credentials();
        let client =
            Client::new(server.endpoint(), &project, token, ClientOptions::default()).unwrap();
        let mut h = open(dir.path());
        let found = Uuid::parse_str(ids::CHAIN_ROOT).unwrap();
        let fetched = client.fetch_log(found).await.unwrap();
        ok(h.record_fetched(found, "demo", "127.0.0.1", &fetched));
        let missing = Uuid::parse_str(ids::NOT_FOUND).unwrap();
        let err = client.fetch_log(missing).await.unwrap_err();
        ok(h.record_error(missing, Utc::now(), "demo", "127.0.0.1", &err));
        assert_eq!(h.entries().len(), 2);
        assert!(h.cached_body(found).is_some());
    });
    let files = files_under(dir.path());
    assert!(!files.is_empty(), "{files:?}");
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{TOKEN}", crate::demo::PROJECT_ID),
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(TOKEN), "token in {path:?}");
        assert!(!text.contains(&basic), "credentials in {path:?}");
    }
}
