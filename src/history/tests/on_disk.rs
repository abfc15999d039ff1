//! `history.json` on disk: damaged, newer, unwritable, locked or read-only files, what is
//! written and with which mode, and reading the file again when someone else changed it.

use super::*;

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
