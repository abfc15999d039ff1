use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;

use super::journal;
use super::ops::normalize;
use super::store::FaultPoint;
use super::*;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).single().unwrap() + chrono::Duration::seconds(secs)
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 | n)
}

fn record_of(n: u128, at: i64, from: &str) -> Entry {
    Entry::new(
        id(n),
        t(at),
        "default",
        "acme",
        Lookup::Record(Summary {
            wire_type: Some(serde_json::json!("relay_pstn_call")),
            deleted: false,
            kind: None,
            status: Some("completed".into()),
            from: Some(from.into()),
            to: Some("+18005550100".into()),
            charge: Some(0.0125),
            parent_id: None,
        }),
    )
}

fn error_of(n: u128, at: i64) -> Entry {
    Entry::new(
        id(n),
        t(at),
        "work",
        "beta",
        Lookup::Error("not found".into()),
    )
}

fn open(dir: &Path) -> History {
    let (h, warnings) = History::open(dir, Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

/// The history in `dir` opened for a batch that saves only when flushed.
fn open_batched(dir: &Path) -> History {
    let (h, warnings) = History::open_batched(dir, Options::default(), Duration::from_secs(3600));
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

fn open_with(dir: &Path, options: Options) -> History {
    let (h, warnings) = History::open(dir, options);
    assert!(warnings.is_empty(), "{warnings:?}");
    h
}

fn ok(warnings: Vec<Warning>) {
    assert!(warnings.is_empty(), "{warnings:?}");
}

fn ids(h: &History) -> Vec<Uuid> {
    h.entries().iter().map(|e| e.id).collect()
}

fn file(dir: &Path) -> PathBuf {
    dir.join("history.json")
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for item in std::fs::read_dir(&d).unwrap().flatten() {
            let p = item.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".swlog-tmp-")
        })
        .collect()
}

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
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file(dir.path())).unwrap()).unwrap();
    assert_eq!(on_disk["version"], store::VERSION);
    // The type as sent, not its label.
    assert_eq!(
        on_disk["entries"][0]["lookup"]["record"]["type"],
        "relay_pstn_call"
    );
    assert_eq!(on_disk["entries"].as_array().unwrap().len(), 2);
    assert_eq!(on_disk["entries"][0]["lookup"]["record"]["charge"], 0.0125);
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
    assert!(!dir.path().join(format!("cache/{}.json", id(4))).exists());
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
fn a_damaged_file_is_moved_aside_with_its_bytes_and_reported() {
    for garbage in [
        &b"{\"version\":1,\"entries\":[{\"id\":"[..],
        b"",
        b"\0\0\0\0",
        b"[1,2,3]",
        b"{\"entries\":[]}",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file(dir.path()), garbage).unwrap();
        let (mut h, warnings) = History::open(dir.path(), Options::default());
        let [Warning::Damaged { moved_to, kept, .. }] = warnings.as_slice() else {
            panic!("{warnings:?}")
        };
        assert_eq!(*kept, 0);
        assert!(
            moved_to
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("history.json.corrupt-"),
            "{moved_to:?}"
        );
        assert_eq!(std::fs::read(moved_to).unwrap(), garbage);
        assert!(h.entries().is_empty());
        assert!(warnings[0].to_string().contains("moved aside"));
        // Later saves start a fresh file and leave the damaged one alone.
        ok(h.record(record_of(1, 1, "+1"), None));
        assert_eq!(std::fs::read(moved_to).unwrap(), garbage);
        assert_eq!(open(dir.path()).entries().len(), 1);
    }
}

#[test]
fn readable_entries_of_a_damaged_file_are_kept_and_a_second_damage_gets_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_value(record_of(1, 1, "+1")).unwrap();
    let text = serde_json::json!({"version":1,"entries":[good, {"id":"nope"}]}).to_string();
    std::fs::write(file(dir.path()), &text).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    let [Warning::Damaged { moved_to, kept, .. }] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert_eq!(*kept, 1);
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), text);
    assert_eq!(ids(&h), [id(1)]);
    // The salvaged entry was written back at once.
    assert_eq!(ids(&open(dir.path())), [id(1)]);
    std::fs::write(file(dir.path()), "oops").unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    let [
        Warning::Damaged {
            moved_to: second, ..
        },
    ] = warnings.as_slice()
    else {
        panic!("{warnings:?}")
    };
    assert_ne!(second, moved_to);
    assert_eq!(std::fs::read_to_string(second).unwrap(), "oops");
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), text);
}

#[test]
fn a_file_from_a_newer_swlog_is_never_written_over() {
    let dir = tempfile::tempdir().unwrap();
    let newer = r#"{"version":4,"entries":[],"shiny":true}"#;
    std::fs::write(file(dir.path()), newer).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(why.contains("newer swlog (format 4"), "{why}");
    // Working in memory, without repeating the warning on every change.
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(h.cached_body(id(1)).unwrap().0, "{}");
    assert!(h.not_saved().is_some());
    assert_eq!(std::fs::read_to_string(file(dir.path())).unwrap(), newer);
}

#[test]
fn a_failure_between_write_and_rename_leaves_the_old_file_and_is_retried() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    let before = std::fs::read(file(dir.path())).unwrap();
    h.set_fault(Some(Arc::new(|point, _: &Path| match point {
        FaultPoint::BeforeRename => Err(io::Error::other("simulated crash before rename")),
        FaultPoint::BeforeWrite => Ok(()),
    })));
    let warnings = h.record(record_of(2, 2, "+2"), None);
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(why.contains("simulated crash"), "{why}");
    assert_eq!(std::fs::read(file(dir.path())).unwrap(), before);
    assert!(
        temp_files(dir.path()).is_empty(),
        "{:?}",
        temp_files(dir.path())
    );
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
        FaultPoint::BeforeRename => Ok(()),
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
    assert!(!file(dir.path()).exists());
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
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(ids(&h), [id(1)]);
    h.set_fault(Some(Arc::new(|_, _: &Path| {
        Err(io::Error::from_raw_os_error(30))
    })));
    let warnings = h.record(record_of(2, 2, "+2"), None);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(matches!(&warnings[0], Warning::NotSaved(_)));
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(ids(&open(&data)), [id(1)]);
}

#[cfg(unix)]
#[test]
fn a_history_that_cannot_be_locked_is_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("swlog");
    let mut h = open(&data);
    ok(h.record(record_of(1, 1, "+1"), None));
    drop(h);
    let before = std::fs::read(file(&data)).unwrap();
    // A lock file that no one can open, root included: a link into a regular file.
    std::fs::write(dir.path().join("blocker"), "x").unwrap();
    std::fs::remove_file(data.join("history.lock")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("blocker/lock"), data.join("history.lock")).unwrap();
    let (mut h, warnings) = History::open(&data, Options::default());
    let [Warning::NotSaved(why)] = warnings.as_slice() else {
        panic!("{warnings:?}")
    };
    assert!(why.starts_with("cannot lock the history"), "{why}");
    assert_eq!(ids(&h), [id(1)]);
    ok(h.record(record_of(2, 2, "+2"), None));
    assert_eq!(ids(&h), [id(2), id(1)]);
    assert_eq!(std::fs::read(file(&data)).unwrap(), before);
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
    assert_eq!(mode(&data.join("cache")), 0o700);
    assert_eq!(mode(&file(&data)), 0o600);
    assert_eq!(mode(&data.join("history.lock")), 0o600);
    assert_eq!(mode(&data.join(format!("cache/{}.json", id(1)))), 0o600);
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
    ok(h.clear());
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
    assert!(!dir.path().join(format!("cache/{}.json", id(1))).exists());
    assert_eq!(ids(&open(dir.path())), [id(2)]);
    assert!(h.delete(id(9)).0.is_none());
    ok(h.restore(removed));
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(1), id(2)]);
    assert!(again.entries()[0].pinned);
    assert_eq!(again.entries()[0].note.as_deref(), Some("keep"));
    assert_eq!(again.cached_body(id(1)).unwrap().0, "{\"one\":1}");
}

/// A save skips reading the file back only while it is the file this swlog last wrote; a change
/// by anyone else, a rename or an edit in place, is always read first.
#[test]
fn a_save_reads_the_file_again_whenever_someone_else_changed_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = open(dir.path());
    ok(a.record(record_of(1, 1, "+1"), None));
    // Another swlog saves (a new file, renamed into place).
    let mut b = open(dir.path());
    ok(b.record(record_of(2, 2, "+2"), None));
    ok(a.record(record_of(3, 3, "+3"), None));
    assert_eq!(ids(&a), [id(3), id(2), id(1)]);
    // Someone edits the file in place: same inode, another size and mtime.
    let text = std::fs::read_to_string(file(dir.path())).unwrap();
    let edited = text
        .replacen("+3", "+4", 1)
        .replacen(&id(3).to_string(), &id(4).to_string(), 1);
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(file(dir.path()))
        .and_then(|mut f| std::io::Write::write_all(&mut f, edited.as_bytes()))
        .unwrap();
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
    // b's write re-read the file, so b already has a's lookup.
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
fn stale_temp_files_are_removed_at_open_and_orphan_bodies_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), Some(("{}", t(1)))));
    drop(h);
    std::fs::write(dir.path().join(".swlog-tmp-abc"), "half").unwrap();
    std::fs::write(dir.path().join("cache/.swlog-tmp-def"), "half").unwrap();
    std::fs::write(dir.path().join(format!("cache/{}.json", id(7))), "{}").unwrap();
    // A batch's open leaves them (it need not list the cache); the next open removes them.
    drop(open_batched(dir.path()));
    assert_eq!(temp_files(dir.path()).len(), 2);
    assert!(dir.path().join(format!("cache/{}.json", id(7))).exists());
    let h = open(dir.path());
    assert!(temp_files(dir.path()).is_empty());
    assert!(!dir.path().join(format!("cache/{}.json", id(7))).exists());
    assert!(h.cached_body(id(1)).is_some());
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

#[test]
fn threads_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let per_thread = 15u128;
    let threads: Vec<_> = (0..4u128)
        .map(|tag| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut h = open(&dir);
                for i in 0..per_thread {
                    let n = tag << 32 | i;
                    ok(h.record(record_of(n, 0, "+1"), Some(("{}", t(0)))));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let h = open(dir.path());
    assert_eq!(h.entries().len(), 4 * per_thread as usize);
    assert_eq!(
        files_under(&dir.path().join("cache")).len(),
        4 * per_thread as usize
    );
}

const CHILD_DIR: &str = "SWLOG_TEST_HISTORY_DIR";
const CHILD_TAG: &str = "SWLOG_TEST_HISTORY_TAG";
const CHILD_COUNT: &str = "SWLOG_TEST_HISTORY_COUNT";

/// Runs this test binary again as a separate process that records lookups.
fn spawn_writer(dir: &Path, tag: u128, count: u128) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "history::tests::child_writer",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_TAG, tag.to_string())
        .env(CHILD_COUNT, count.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The child side of the multi-process tests: does nothing unless spawned by them. Records
/// `COUNT` lookups tagged `TAG` (forever when `COUNT` is 0), each with a body.
#[test]
#[ignore = "run by the multi-process tests as a separate process"]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let tag: u128 = std::env::var(CHILD_TAG).unwrap().parse().unwrap();
    let count: u128 = std::env::var(CHILD_COUNT).unwrap().parse().unwrap();
    let mut h = open_with(
        Path::new(&dir),
        Options {
            cap: 100_000,
            cache: true,
        },
    );
    let mut i = 0;
    while count == 0 || i < count {
        let n = tag << 32 | i;
        let body = format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(2000));
        ok(h.record(record_of(n, 0, "+1"), Some((&body, Utc::now()))));
        i += 1;
    }
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let count = 25u128;
    let children = [
        spawn_writer(dir.path(), 1, count),
        spawn_writer(dir.path(), 2, count),
    ];
    let mut h = open_with(
        dir.path(),
        Options {
            cap: 100_000,
            cache: true,
        },
    );
    for i in 0..count {
        ok(h.record(record_of(3 << 32 | i, 0, "+1"), None));
    }
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ok(h.reload());
    let all = ids(&h);
    assert_eq!(all.len(), 3 * count as usize);
    for tag in 1..=3u128 {
        for i in 0..count {
            assert!(all.contains(&id(tag << 32 | i)), "lost {tag}/{i}");
        }
    }
}

#[test]
fn a_process_killed_at_any_moment_leaves_a_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    for (round, delay_ms) in [7u64, 23, 41, 66].into_iter().enumerate() {
        let mut child = spawn_writer(dir.path(), round as u128 + 1, 0);
        let started = Instant::now();
        while !file(dir.path()).exists() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        // The next swlog finds a whole file: no damage reported, every body readable.
        let h = open_with(
            dir.path(),
            Options {
                cap: 100_000,
                cache: true,
            },
        );
        assert!(!h.entries().is_empty());
        for e in h.entries() {
            let (body, _) = h.cached_body(e.id).unwrap_or_default();
            if !body.is_empty() {
                serde_json::from_str::<serde_json::Value>(&body).unwrap();
            }
        }
        assert!(temp_files(dir.path()).is_empty());
    }
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
    assert!(files.len() >= 3, "{files:?}");
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
fn a_fifo_or_a_link_in_the_cache_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 0, "+1"), None));
    ok(h.record(record_of(2, 0, "+2"), None));
    let cache = dir.path().join(store::CACHE);
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
    std::os::unix::fs::symlink(project.path(), dir.path().join(store::CACHE)).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::CacheOff(why)] if why.contains("symbolic link")),
        "{warnings:?}"
    );
    ok(h.record(record_of(1, 0, "+1"), Some(("{}", t(0)))));
    ok(h.clear());
    assert!(theirs.exists(), "the user's file was removed");
    let names: Vec<_> = std::fs::read_dir(project.path())
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
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
    assert!(!dir.path().join(format!("cache/{}.json", id(3))).exists());
}

#[test]
fn a_history_over_the_read_limit_is_left_alone_and_prune_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = file(dir.path());
    // Sparse: 200 MB on paper, nothing on disk.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap();
    drop(f);
    let started = Instant::now();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::NotSaved(why)] if why.contains("is over 16 MiB") && why.contains("swlog history prune")),
        "{warnings:?}"
    );
    let _ = h.record(record_of(1, 1, "+1"), None);
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 200 * 1024 * 1024);
    // Reading it would take seconds; refusing it takes a stat.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_cache_dir_owned_by_another_user_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(store::CACHE);
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
/// A history written by swlog 0.1 (format 1, type labels) still loads: labels that map back
/// become the type as sent, one that does not is kept and shown as written, and the next save
/// writes format 2.
#[test]
fn a_format_1_history_loads_and_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |n: u128, kind: &str| {
        serde_json::json!({"id": id(n), "at": "2026-01-02T03:04:05Z", "profile": "default",
            "space": "acme", "lookup": {"record": {"kind": kind, "status": "completed"}}})
    };
    let v1 = serde_json::json!({"version": 1, "entries": [
        entry(1, "Relay PSTN call"), entry(2, "Unknown type `ai_agent_call`"),
        entry(3, "Deleted log"), entry(4, "A label from a future swlog"),
    ]});
    std::fs::write(file(dir.path()), v1.to_string()).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    let titles: Vec<String> = h.entries().iter().map(Entry::title).collect();
    assert_eq!(
        titles,
        [
            "Relay PSTN call",
            "Unknown type `ai_agent_call`",
            "Deleted log",
            "A label from a future swlog"
        ]
    );
    ok(h.record(record_of(5, 5, "+1"), None));
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(file(dir.path())).unwrap()).unwrap();
    assert_eq!(on_disk["version"], store::VERSION);
    let types: Vec<&serde_json::Value> = on_disk["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["lookup"]["record"]["type"])
        .collect();
    assert!(
        types.contains(&&serde_json::json!("ai_agent_call")),
        "{types:?}"
    );
    assert!(
        types.contains(&&serde_json::json!("relay_pstn_call")),
        "{types:?}"
    );
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
            .is_some_and(|p| p.ends_with(super::store::CACHE));
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

/// The inode of `id`'s cached body: the same inode means the file was not written again.
#[cfg(unix)]
fn cache_inode(dir: &Path, n: u128) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(store::cache_path(dir, &id(n).to_string()))
        .unwrap()
        .ino()
}

/// The modification time of `id`'s cached body.
fn cache_mtime(dir: &Path, n: u128) -> std::time::SystemTime {
    std::fs::metadata(store::cache_path(dir, &id(n).to_string()))
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
    store::write_cached(dir.path(), &id(1).to_string(), &other, None).unwrap();
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
    store::write_cached(dir.path(), &name, &body(1), None).unwrap();
    let inode = cache_inode(dir.path(), 1);
    store::write_cached(dir.path(), &name, &body(9), None).unwrap();
    assert_eq!(cache_inode(dir.path(), 1), inode, "not rewritten");
    assert_eq!(
        cache_mtime(dir.path(), 1),
        std::time::SystemTime::from(t(9))
    );
    // Never back.
    store::write_cached(dir.path(), &name, &body(5), None).unwrap();
    assert_eq!(
        store::read_cached(dir.path(), &name).map(|c| c.fetched_at),
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
    let path = store::cache_path(dir.path(), &id(1).to_string());
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

// ---- applying many changes at once --------------------------------------------------------------

mod applying {
    use proptest::prelude::*;

    use super::*;
    use crate::history::ops::{Op, apply, apply_all, cap_for, normalize, upsert_normalized};

    /// An entry with a small ID (so that IDs repeat), a time, a pin and maybe a note.
    fn entry() -> impl Strategy<Value = Entry> {
        (
            0u128..12,
            0i64..6,
            any::<bool>(),
            proptest::option::of("[a-c]"),
            "[xy]",
        )
            .prop_map(|(n, at, pinned, note, from)| {
                let mut e = record_of(n, at, &from);
                e.pinned = pinned;
                e.note = note;
                e
            })
    }

    /// A change as a batch or the sidebar makes them; upserts most often.
    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => entry().prop_map(|mut e| {
                // A lookup is never pinned or noted itself: it keeps what the entry had.
                e.pinned = false;
                e.note = None;
                Op::Upsert(e)
            }),
            1 => (0u128..12, any::<bool>()).prop_map(|(n, p)| Op::Pin(id(n), p)),
            1 => (0u128..12).prop_map(|n| Op::Delete(id(n))),
            1 => (0u128..12, proptest::option::of("[d-f]")).prop_map(|(n, note)| Op::Note(id(n), note)),
            1 => entry().prop_map(Op::Restore),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever the file held (even one ID twice) and whatever changes wait, applying
        /// them together is applying them one by one.
        #[test]
        fn changes_applied_together_are_changes_applied_one_by_one(
            entries in proptest::collection::vec(entry(), 0..16),
            ops in proptest::collection::vec(op(), 0..24),
        ) {
            let mut one_by_one = entries.clone();
            for op in &ops {
                apply(&mut one_by_one, op);
            }
            let mut together = entries;
            apply_all(&mut together, &ops);
            prop_assert_eq!(together, one_by_one);
        }

        /// A lookup moved into entries in display order leaves them as applying it and
        /// sorting the whole list would, evictions included.
        #[test]
        fn a_lookup_moved_into_order_is_a_lookup_applied_and_sorted(
            entries in proptest::collection::vec(entry(), 0..16),
            new in entry(),
            limit in 1usize..10,
        ) {
            let mut new = new;
            new.pinned = false;
            new.note = None;
            let mut start = entries;
            normalize(&mut start, usize::MAX);
            let op = Op::Upsert(new.clone());
            let cap = cap_for(&start, std::slice::from_ref(&op), limit);
            let mut sorted = start.clone();
            apply(&mut sorted, &op);
            normalize(&mut sorted, cap);
            let mut moved = start;
            upsert_normalized(&mut moved, &new, cap);
            prop_assert_eq!(moved, sorted);
        }

        /// A batch keeps only the last of its lookups of an ID among the lookups queued after
        /// its last other change: applied, the changes kept are the changes made.
        #[test]
        fn a_lookup_superseding_an_earlier_one_changes_nothing_applied(
            entries in proptest::collection::vec(entry(), 0..16),
            ops in proptest::collection::vec(op(), 0..40),
        ) {
            let mut kept = Vec::new();
            for op in ops.iter().cloned() {
                crate::history::batch::queue(&mut kept, op);
            }
            let mut all = entries.clone();
            apply_all(&mut all, &ops);
            let mut superseded = entries;
            apply_all(&mut superseded, &kept);
            prop_assert_eq!(superseded, all);
        }

        /// A save's journal line, written and read back, turns the entries before the save
        /// into exactly the entries after it, evictions and entries that moved included.
        #[test]
        fn a_journal_line_replayed_is_the_save_it_records(
            entries in proptest::collection::vec(entry(), 0..16),
            ops in proptest::collection::vec(op(), 0..24),
            limit in 1usize..12,
        ) {
            let mut before = entries;
            normalize(&mut before, usize::MAX);
            let mut after = before.clone();
            let cap = cap_for(&after, &ops, limit);
            apply_all(&mut after, &ops);
            normalize(&mut after, cap);
            let line = crate::history::journal::diff(
                &crate::history::journal::places(&before),
                &after,
                &crate::history::sync::touched(&ops),
            );
            let bytes = serde_json::to_vec(&line).expect("serialised");
            let read: crate::history::journal::Change =
                serde_json::from_slice(&bytes).expect("read back");
            let mut replayed = before;
            crate::history::journal::replay(&mut replayed, read).expect("fits");
            prop_assert_eq!(replayed, after);
        }
    }
}

#[test]
fn ids_that_differ_only_at_the_end_spread_over_the_buckets() {
    use std::hash::BuildHasher as _;
    // A test system's IDs: …-000000000000, …-000000000001, … The hash tables of the history
    // index by the low bits of the hash; FxHash left all of these with the same low bits.
    let hasher = filter::FastHash::default();
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
    store::write_cached(dir.path(), &name, &body(t(1)), None).unwrap();
    let path = store::cache_path(dir.path(), &name);
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
    store::write_cached(dir.path(), &name, &body(t(2)), None).unwrap();
    let meta = std::fs::metadata(&outside).unwrap();
    assert_eq!(
        meta.modified().unwrap(),
        old,
        "the outside file's time is left alone"
    );
    assert_eq!(meta.nlink(), 1, "the cache holds a file of its own again");
    assert_eq!(
        store::read_cached(dir.path(), &name).map(|c| c.fetched_at),
        Some(t(2))
    );
    // A fetch time in the future inside the file (a clock that was wrong) does not stay for
    // good: the next fetch of the same body writes its own time.
    let future = Utc::now() + chrono::Duration::days(1000);
    let bytes = serde_json::json!({"fetched_at": future, "body": "{\"id\":\"x\"}"}).to_string();
    std::fs::write(&path, bytes).unwrap();
    store::write_cached(dir.path(), &name, &body(t(3)), None).unwrap();
    assert_eq!(
        store::read_cached(dir.path(), &name).map(|c| c.fetched_at),
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
    std::fs::write(store::cache_path(dir.path(), &id(1).to_string()), bytes).unwrap();
    assert_eq!(
        open(dir.path()).cached_body(id(1)),
        Some((body.to_owned(), t(1)))
    );
}

// ---- the journal ---------------------------------------------------------------------------------

/// A history in `dir` whose `history.json` holds ID 1, then a batch that looked up 2, 3 and 1
/// again and saved by appending to the journal.
fn journaled(dir: &Path) -> History {
    let mut h = open(dir);
    ok(h.record(record_of(1, 1, "+1"), None));
    h.batch_saves(Duration::from_secs(3600));
    for (n, at) in [(2, 2), (3, 3), (1, 4)] {
        ok(h.record(record_of(n, at, "+1"), None));
    }
    ok(h.flush());
    h
}

fn journal_path(dir: &Path) -> PathBuf {
    dir.join(journal::JOURNAL)
}

#[test]
fn a_batch_appends_its_save_to_the_journal_and_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    let before = std::fs::read(dir.path().join(store::FILE)).unwrap();
    h.batch_saves(Duration::from_secs(3600));
    for (n, at) in [(2, 2), (3, 3), (1, 4)] {
        ok(h.record(record_of(n, at, "+1"), None));
    }
    ok(h.flush());
    assert_eq!(
        std::fs::read(dir.path().join(store::FILE)).unwrap(),
        before,
        "history.json is not rewritten by a batch"
    );
    let journal = std::fs::read_to_string(journal_path(dir.path())).unwrap();
    assert_eq!(
        journal.lines().count(),
        2,
        "a first line and one change: {journal}"
    );
    // Another swlog reads the file and the journal on top: the batch's lookups, in order.
    let again = open(dir.path());
    assert_eq!(ids(&again), [id(1), id(3), id(2)]);
    assert_eq!(again.entries(), h.entries());
}

#[test]
fn a_line_torn_by_a_crash_is_dropped_and_the_next_save_stands_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let whole = std::fs::read(&path).unwrap();
    // swlog stopped in the middle of appending the batch's line.
    std::fs::write(&path, &whole[..whole.len() - 40]).unwrap();
    let mut h = open(dir.path());
    assert_eq!(
        ids(&h),
        [id(1)],
        "the save that did not finish is not there"
    );
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(4, 5, "+1"), None));
    ok(h.flush());
    assert_eq!(ids(&open(dir.path())), [id(4), id(1)]);
}

#[test]
fn a_damaged_journal_is_moved_aside_and_what_it_said_before_the_damage_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"set\": not json}\n");
    std::fs::write(&path, &bytes).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    match warnings.as_slice() {
        [
            Warning::Damaged {
                moved_to,
                detail,
                kept,
            },
        ] => {
            assert!(detail.contains("line 3 of its journal"), "{detail}");
            assert_eq!(*kept, 3);
            assert_eq!(
                std::fs::read(moved_to).unwrap(),
                bytes,
                "kept byte for byte"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ids(&h), [id(1), id(3), id(2)]);
    assert!(!path.exists(), "folded into history.json");
    assert_eq!(ids(&open(dir.path())), [id(1), id(3), id(2)]);
}

#[test]
fn a_journal_left_behind_by_a_crash_after_its_file_was_rewritten_is_not_applied_again() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let left = std::fs::read(&path).unwrap();
    // A save that rewrites the file (a delete, not a batch) folds the journal in and removes
    // it; swlog stopped before the removal.
    let mut h = open(dir.path());
    let _ = h.delete(id(3));
    assert!(!path.exists());
    std::fs::write(&path, left).unwrap();
    assert_eq!(
        ids(&open(dir.path())),
        [id(1), id(2)],
        "the deleted entry does not come back"
    );
}

#[test]
fn opening_folds_a_journal_grown_long_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 1, "+1"), None));
    let mut at = 1;
    while std::fs::metadata(journal_path(dir.path())).map_or(0, |m| m.len()) < 9 * 1024 {
        h.batch_saves(Duration::from_secs(3600));
        for n in 1..=6 {
            at += 1;
            ok(h.record(record_of(n, at, "+1"), None));
        }
        ok(h.flush());
    }
    let expected = h.entries().to_vec();
    let again = open(dir.path());
    assert!(!journal_path(dir.path()).exists(), "folded at the open");
    assert_eq!(again.entries(), expected);
    assert_eq!(open(dir.path()).entries(), expected);
}

#[test]
fn a_journal_from_a_newer_swlog_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let newer = "{\"journal\":99,\"base\":{\"dev\":0,\"ino\":0,\"len\":0,\"mtime\":[0,0]}}\n";
    std::fs::write(&path, newer).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::NotSaved(why)] if why.contains("newer swlog")),
        "{warnings:?}"
    );
    assert_eq!(ids(&h), [id(1)], "history.json is shown all the same");
    let _ = h.record(record_of(5, 9, "+1"), None);
    assert_eq!(ids(&h), [id(5), id(1)]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), newer);
    // Whatever else a later format's first line holds.
    let other = "{\"journal\":2,\"base\":\"opaque\"}\n{\"ops\":[]}\n";
    std::fs::write(&path, other).unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::NotSaved(why)] if why.contains("journal format 2")),
        "{warnings:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), other);
}

/// Where the journal of `dir` was moved aside to, if it was.
fn moved_journals(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("history.journal.corrupt-"))
        })
        .collect()
}

#[test]
fn a_journal_of_a_format_no_swlog_wrote_is_moved_aside_with_a_warning_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let bytes = std::fs::read_to_string(&path).unwrap();
    let older = bytes.replacen("\"journal\":1", "\"journal\":0", 1);
    assert_ne!(older, bytes);
    std::fs::write(&path, &older).unwrap();
    // The reader does not apply what the appender would not extend: it says so and keeps the
    // bytes, whichever of them opens the history first.
    let (mut h, warnings) = History::open_batched(
        dir.path().to_path_buf(),
        Options::default(),
        Duration::from_secs(3600),
    );
    match warnings.as_slice() {
        [
            Warning::Damaged {
                moved_to, detail, ..
            },
        ] => {
            assert!(detail.contains("format 0"), "{detail}");
            assert_eq!(std::fs::read_to_string(moved_to).unwrap(), older);
        }
        other => panic!("{other:?}"),
    }
    ok(h.record(record_of(4, 5, "+1"), None));
    ok(h.flush());
    assert_eq!(moved_journals(dir.path()).len(), 1, "kept, not removed");
    assert_eq!(ids(&open(dir.path())), [id(4), id(1)]);
}

#[test]
fn a_journal_whose_first_line_is_padded_past_4_kib_is_extended_not_restarted() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let bytes = std::fs::read_to_string(&path).unwrap();
    let (first, rest) = bytes.split_once('\n').unwrap();
    let padded = format!(
        "{}{}}}\n{rest}",
        &first[..first.len() - 1],
        " ".repeat(5000)
    );
    std::fs::write(&path, &padded).unwrap();
    assert_eq!(ids(&open(dir.path())), [id(1), id(3), id(2)]);
    let mut h = open(dir.path());
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(4, 5, "+1"), None));
    ok(h.flush());
    assert_eq!(
        ids(&open(dir.path())),
        [id(4), id(1), id(3), id(2)],
        "the lookups the journal held are still there"
    );
    assert!(moved_journals(dir.path()).is_empty());
}

#[test]
fn a_journal_changed_by_hand_after_it_was_read_is_moved_aside_by_the_save_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let mut h = open(dir.path());
    h.batch_saves(Duration::from_secs(3600));
    // Between the batch's open and its save, something replaces the journal's header.
    let foreign = "{\"journal\":0,\"base\":\"x\"}\n{\"set\":[],\"removed\":[]}\n";
    std::fs::write(&path, foreign).unwrap();
    ok(h.record(record_of(4, 5, "+1"), None));
    let warnings = h.flush();
    assert!(
        matches!(warnings.as_slice(), [Warning::Damaged { detail, .. }] if detail.contains("format 0")),
        "{warnings:?}"
    );
    assert_eq!(ids(&open(dir.path())), [id(4), id(1)]);
    let moved = moved_journals(dir.path());
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(std::fs::read_to_string(&moved[0]).unwrap(), foreign);
}

#[test]
fn a_journal_line_that_does_not_fit_is_damage_and_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let entry = serde_json::to_value(record_of(1, 9, "+1")).unwrap();
    let line = serde_json::json!({"set": [[99, entry]], "removed": [id(2)]});
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(format!("{line}\n").as_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::Damaged { detail, kept: 3, .. }] if detail.contains("does not fit")),
        "{warnings:?}"
    );
    assert_eq!(ids(&h), [id(1), id(3), id(2)], "the lines before it, whole");
}

#[test]
fn a_body_digest_of_another_type_reads_as_none_and_keeps_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut entry = serde_json::to_value(record_of(1, 1, "+1")).unwrap();
    entry["body_digest"] = serde_json::json!(12345);
    let file = serde_json::json!({"version": 2, "entries": [entry]});
    std::fs::write(dir.path().join(store::FILE), file.to_string()).unwrap();
    let h = open(dir.path());
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(h.get(id(1)).unwrap().body_digest, None);
}

#[test]
fn a_cached_body_gone_or_changed_since_its_entry_vouched_for_it_is_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let body = "{\"id\":\"x\",\"status\":\"completed\"}";
    ok(open(dir.path()).record(record_of(1, 1, "+1"), Some((body, t(1)))));
    let path = store::cache_path(dir.path(), &id(1).to_string());
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

#[cfg(unix)]
#[test]
fn a_journal_that_is_a_symbolic_link_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let elsewhere = dir.path().join("elsewhere");
    std::fs::write(&elsewhere, "not swlog's").unwrap();
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::NotSaved(why)] if why.contains("symbolic link")),
        "{warnings:?}"
    );
    h.batch_saves(Duration::from_secs(3600));
    let _ = h.record(record_of(5, 9, "+1"), None);
    let _ = h.flush();
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "not swlog's");
    assert!(h.get(id(5)).is_some(), "kept in memory");
}

#[test]
fn a_history_put_out_of_order_by_hand_is_put_back_in_order_before_a_journal_extends_it() {
    let dir = tempfile::tempdir().unwrap();
    let (older, newer) = (record_of(1, 1, "+1"), record_of(2, 2, "+1"));
    let file = serde_json::json!({"version": 2, "entries": [older, newer]});
    std::fs::write(dir.path().join(store::FILE), file.to_string()).unwrap();
    let mut h = open(dir.path());
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(store::FILE)).unwrap()).unwrap();
    let order: Vec<&str> = on_disk["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [id(2).to_string(), id(1).to_string()],
        "rewritten in order"
    );
    h.batch_saves(Duration::from_secs(3600));
    ok(h.record(record_of(3, 3, "+1"), None));
    ok(h.flush());
    assert!(journal_path(dir.path()).exists());
    assert_eq!(ids(&open(dir.path())), [id(3), id(2), id(1)]);
}

#[test]
fn a_touched_or_copied_history_file_keeps_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let expected = journaled(dir.path()).entries().to_vec();
    let file = dir.path().join(store::FILE);
    // A `touch`: a new modification time.
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_eq!(open(dir.path()).entries(), expected);
    // A copy put back in its place (a backup restored, a sync tool): a new inode.
    let copy = dir.path().join("copy.json");
    std::fs::copy(&file, &copy).unwrap();
    std::fs::rename(&copy, &file).unwrap();
    assert_eq!(open(dir.path()).entries(), expected);
}

#[test]
fn a_history_file_from_before_tags_is_written_whole_by_a_batch_then_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let file = serde_json::json!({"version": 2, "entries": [record_of(1, 1, "+1")]});
    std::fs::write(dir.path().join(store::FILE), file.to_string()).unwrap();
    let batch = |n: u128, at: i64| {
        let mut h = open_batched(dir.path());
        ok(h.record(record_of(n, at, "+1"), None));
        ok(h.flush());
    };
    batch(2, 2);
    assert!(!journal_path(dir.path()).exists(), "no tag to name yet");
    batch(3, 3);
    assert!(journal_path(dir.path()).exists());
    assert_eq!(ids(&open(dir.path())), [id(3), id(2), id(1)]);
}
