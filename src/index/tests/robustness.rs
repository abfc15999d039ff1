//! What the index survives: other kinds of file in its place, damaged files, a full disk,
//! a newer schema, and two writers at once.

use std::path::Path;

use super::super::{IndexError, RowFilter, SCHEMA_VERSION};
use super::*;

fn refused(path: &Path, what: &str) {
    match Index::open(path) {
        Err(IndexError::NotAFile { what: w, .. }) => assert_eq!(w, what),
        other => panic!("expected a refusal of {what}, got {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_a_fifo_or_a_directory_in_its_place_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere.db");
    std::fs::write(&target, b"not touched").unwrap();
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    refused(&link, "a symbolic link");
    // A dangling link too: SQLite must not create the file at its target.
    let dangling = dir.path().join("dangling.db");
    std::os::unix::fs::symlink(dir.path().join("nowhere.db"), &dangling).unwrap();
    refused(&dangling, "a symbolic link");
    assert!(!dir.path().join("nowhere.db").exists());

    let fifo = dir.path().join("fifo.db");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    refused(&fifo, "a FIFO");
    let sub = dir.path().join("dir.db");
    std::fs::create_dir(&sub).unwrap();
    refused(&sub, "a directory");

    assert_eq!(std::fs::read(&target).unwrap(), b"not touched");
    let e = Index::open(&link).unwrap_err().to_string();
    assert!(
        e.contains("is a symbolic link, not a regular file: not used"),
        "{e}"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 5, "nothing moved aside or created: {names:?}");
}

#[test]
fn the_path_s_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/index.db");
    let index = Index::open(&path).unwrap();
    assert_eq!(index.path(), path);
    assert!(path.is_file());
}

fn moved_aside(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("index.db.corrupt-"))
        .collect()
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_and_replaced_with_one_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let junk =
        b"this was never an SQLite database, but it is long enough to have a header. ".repeat(4);
    std::fs::write(&path, &junk).unwrap();
    let mut index = Index::open(&path).unwrap();
    let notice = index.take_recovered().expect("told once");
    assert!(notice.to_string().contains("moved aside to"), "{notice}");
    assert_eq!(index.take_recovered(), None, "only once");
    let aside = moved_aside(dir.path());
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read(dir.path().join(&aside[0])).unwrap(),
        junk,
        "bytes intact"
    );
    let stamp = aside[0].trim_start_matches("index.db.corrupt-");
    assert!(stamp.len() == 16 && stamp.ends_with('Z'), "{stamp}");
    index.record_rows(&scope(), &[row(1, 0)], at(1)).unwrap();
    assert_eq!(index.stats().unwrap().rows, 1, "the new index works");
    // A short file, shorter than a header, is damaged too.
    drop(index);
    std::fs::write(&path, b"SQLite format 3").unwrap();
    assert!(Index::open(&path).unwrap().take_recovered().is_some());
}

#[test]
fn a_truncated_database_is_moved_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let mut index = open_in(&dir);
    let rows: Vec<_> = (0..500).map(|n| row(n, i64::from(n))).collect();
    index.record_rows(&scope(), &rows, at(600)).unwrap();
    drop(index); // the last connection folds the WAL into the file and removes it
    assert!(!dir.path().join("index.db-wal").exists());
    let len = std::fs::metadata(&path).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let mut index = Index::open(&path).unwrap();
    let notice = index.take_recovered().expect("told");
    assert!(notice.reason.contains("truncated"), "{notice}");
    assert_eq!(index.stats().unwrap().rows, 0);
    assert_eq!(moved_aside(dir.path()).len(), 1);
}

#[test]
fn damage_found_while_in_use_is_an_error_and_recover_starts_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let mut index = open_in(&dir);
    let rows: Vec<_> = (0..300).map(|n| row(n, i64::from(n))).collect();
    index.record_rows(&scope(), &rows, at(600)).unwrap();
    drop(index);
    // Scribble over the pages after the first: the header stays valid, the b-trees do not.
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0x5a;
    }
    std::fs::write(&path, &bytes).unwrap();
    let result = Index::open(&path).and_then(|index| {
        index
            .rows_in(&scope(), window(0, 600), &RowFilter::default())
            .map(|_| index)
    });
    let index = match result {
        // Damage found at open: already moved aside.
        Ok(mut index) => {
            assert!(index.take_recovered().is_some());
            index
        }
        Err(e) => {
            assert!(e.is_corrupt(), "{e:?}");
            // The caller's answer to it: open, then recover.
            let index = Index::open(&path);
            match index {
                Ok(index) => index.recover().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
    };
    assert_eq!(index.stats().unwrap().rows, 0);
    assert_eq!(moved_aside(dir.path()).len(), 1);
}

#[test]
fn a_full_disk_is_an_error_the_caller_can_show_and_loses_only_that_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    index.record_rows(&s, &[row(0, 0)], at(1)).unwrap();
    // The database's page limit gives exactly SQLite's "database or disk is full" path.
    let pages: i64 = index
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    index
        .conn
        .pragma_update(None, "max_page_count", pages + 2)
        .unwrap();
    let pad = "x".repeat(4_000);
    let big: Vec<_> = (1..200)
        .map(|n| {
            let mut r = row(n, i64::from(n));
            r.insert("pad".into(), json!(pad));
            r
        })
        .collect();
    let e = index.record_rows(&s, &big, at(2)).unwrap_err();
    assert!(matches!(e, IndexError::Full), "{e:?}");
    assert_eq!(
        e.to_string(),
        "the index could not be updated: the disk is full"
    );
    assert_eq!(
        index.stats().unwrap().rows,
        1,
        "the failed page left nothing half-written"
    );
    index
        .conn
        .pragma_update(None, "max_page_count", 1_000_000)
        .unwrap();
    index.record_rows(&s, &big, at(2)).unwrap();
    assert_eq!(index.stats().unwrap().rows, 200);
}

#[test]
fn a_file_from_a_newer_swlog_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let index = open_in(&dir);
    index
        .conn
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(index);
    match Index::open(&path) {
        Err(IndexError::NewerSchema { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
        other => panic!("{other:?}"),
    }
    assert!(moved_aside(dir.path()).is_empty());
}

#[test]
fn two_connections_writing_and_reading_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    drop(Index::open(&path).unwrap());
    let writers: Vec<_> = (0..2u32)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut index = Index::open(&path).unwrap();
                let s = Scope::new(scope().origin, format!("p{w}"));
                for page in 0..40u32 {
                    let rows: Vec<_> = (0..50)
                        .map(|n| row(w * 100_000 + page * 50 + n, i64::from(page)))
                        .collect();
                    index.record_rows(&s, &rows, at(100)).unwrap();
                    index
                        .record_span(
                            &s,
                            "",
                            window(i64::from(page), i64::from(page) + 1),
                            at(100),
                        )
                        .unwrap();
                    let seen = index
                        .rows_in(&s, window(0, 1_000), &RowFilter::default())
                        .unwrap();
                    assert_eq!(seen.len() as u32, (page + 1) * 50);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let index = Index::open(&path).unwrap();
    let st = index.stats().unwrap();
    assert_eq!(
        (st.rows, st.spans),
        (4_000, 2),
        "each writer's 40 spans merged into one"
    );
}

#[test]
fn another_program_s_database_in_its_place_is_moved_aside_not_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE rows (x TEXT); INSERT INTO rows VALUES ('theirs');")
            .unwrap();
    }
    let mut index = Index::open(&path).unwrap();
    let recovered = index.take_recovered().expect("said once");
    assert!(
        recovered.to_string().contains("not swlog's index"),
        "{recovered}"
    );
    let theirs = rusqlite::Connection::open(&recovered.moved_to).unwrap();
    let kept: String = theirs
        .query_row("SELECT x FROM rows", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, "theirs", "their data kept as it was");
    assert_eq!(index.stats().unwrap().rows, 0);
}

/// The POSIX locks this process holds on the file at `path`, as /proc/locks lists them.
#[cfg(target_os = "linux")]
fn locks_held_on(path: &Path) -> usize {
    use std::os::unix::fs::MetadataExt as _;
    let inode = std::fs::metadata(path).unwrap().ino();
    let pid = std::process::id().to_string();
    std::fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.get(4) == Some(&pid.as_str())
                && f.get(5).and_then(|d| d.rsplit(':').next()) == Some(&inode.to_string())
        })
        .count()
}

/// Opening the file a second time (the inspector's save thread, a batch's writer) must not
/// drop the first connection's lock: on Linux closing any handle to a file drops every POSIX
/// lock the process holds on it, and another program's SQLite, seeing the file unlocked,
/// deleted the WAL under a running inspector and its history went with it.
#[cfg(target_os = "linux")]
#[test]
fn a_second_connection_leaves_the_first_ones_lock_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let (first, _) = crate::index::file::open(&path).unwrap();
    let held = locks_held_on(&path);
    assert!(
        held > 0,
        "an open connection in WAL mode holds a lock on the file"
    );
    for _ in 0..3 {
        let (second, _) = crate::index::file::open(&path).unwrap();
        drop(second);
        assert_eq!(
            locks_held_on(&path),
            held,
            "the first connection's lock is still held"
        );
    }
    drop(first);
}

/// Processes that open a new file at the same moment all get it: switching a new file to WAL
/// needs it to itself, and SQLite answers "database is locked" at once there rather than
/// calling the busy handler (one open in some hundred of four at once failed so).
#[test]
fn a_new_file_opened_by_several_at_once_opens_for_each() {
    for _ in 0..40 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.db");
        let start = std::sync::Arc::new(std::sync::Barrier::new(6));
        let opens: Vec<_> = (0..6)
            .map(|n| {
                let (path, start) = (path.clone(), std::sync::Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    // Staggered, and writing once open: a later open meets an earlier one's
                    // migration or write in progress.
                    std::thread::sleep(std::time::Duration::from_micros(300 * n));
                    let rows: Vec<_> = (0..50).map(|r| row(r, 0)).collect();
                    Index::open(&path).and_then(|mut ix| ix.record_rows(&scope(), &rows, at(1)))
                })
            })
            .collect();
        for open in opens {
            let opened = open.join().unwrap();
            assert!(opened.is_ok(), "{opened:?}");
        }
    }
}

/// The file started afresh after damage is as private as a first one (it holds the history's
/// notes and the cached bodies), not the umask's mode SQLite would give it.
#[cfg(unix)]
#[test]
fn a_file_started_afresh_after_damage_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.db");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let index = Index::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    let mut fresh = index.recover().unwrap();
    assert!(fresh.take_recovered().is_some());
    fresh.record_rows(&scope(), &[row(1, 0)], at(1)).unwrap();
    assert_eq!(mode(&path), 0o600, "started afresh");
    let wal = dir.path().join("index.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
}
