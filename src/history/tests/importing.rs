//! The one-time import of what older swlogs kept: `history.json` in each of its formats, its
//! journal, its cached bodies; damaged files moved aside with everything readable kept.

use serde_json::{Value, json};

use super::*;

fn entry_json(n: u128, at: i64) -> Value {
    serde_json::to_value(record_of(n, at, "+1")).unwrap()
}

fn write_old(dir: &Path, v: &Value) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(old_file(dir), v.to_string()).unwrap();
}

/// Opens `dir`, expecting the import to be said and nothing else.
fn imported(dir: &Path) -> History {
    let (h, warnings) = History::open(dir, Options::default());
    assert!(
        matches!(&warnings[..], [Warning::Imported { .. }]),
        "{warnings:?}"
    );
    h
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("index.db"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_format_3_history_with_its_journal_and_bodies_is_imported_once_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_old(
        d,
        &json!({"version": 3, "tag": "t1", "entries": [entry_json(2, 2), entry_json(1, 1)]}),
    );
    // The journal: a lookup of 3 in front, 2 removed, and a last line cut short by a crash.
    let journal = format!(
        "{}\n{}\n{}",
        json!({"journal": 1, "base": "t1"}),
        json!({"set": [[0, entry_json(3, 3)]], "removed": [id(2)]}),
        "{\"set\": [[0, "
    );
    std::fs::write(d.join("history.journal"), journal).unwrap();
    std::fs::write(d.join("history.lock"), "").unwrap();
    std::fs::create_dir(d.join("cache")).unwrap();
    let cached = json!({"fetched_at": "2026-01-02T03:04:06Z", "body": "{\"n\":1}"});
    let body_file = d.join(format!("cache/{}.json", id(1)));
    std::fs::write(&body_file, cached.to_string()).unwrap();
    // Older swlogs set a body's file time to when it was last confirmed: a later lookup.
    std::fs::File::options()
        .write(true)
        .open(&body_file)
        .unwrap()
        .set_modified(t(7).into())
        .unwrap();
    let (h, warnings) = History::open(d, Options::default());
    let [
        Warning::Imported {
            lookups,
            bodies,
            kept_as,
            ..
        },
    ] = warnings.as_slice()
    else {
        panic!("{warnings:?}")
    };
    assert_eq!((*lookups, *bodies), (2, 1));
    assert_eq!(kept_as.len(), 3);
    assert!(
        warnings[0]
            .to_string()
            .contains("2 lookups, 1 cached bodies"),
        "{}",
        warnings[0]
    );
    assert_eq!(ids(&h), [id(3), id(1)]);
    assert_eq!(h.cached_body(id(1)), Some(("{\"n\":1}".to_owned(), t(7))));
    assert_eq!(
        names(d),
        [
            "cache.imported",
            "history.journal.imported",
            "history.json.imported"
        ]
    );
    // Said once: the next open finds nothing to import.
    let again = open(d);
    assert_eq!(ids(&again), [id(3), id(1)]);
}

/// A history written by swlog 0.1 (format 1, type labels): labels that map back become the
/// type as sent, one that does not is kept and shown as written.
#[test]
fn a_format_1_history_loads_and_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |n: u128, kind: &str| {
        json!({"id": id(n), "at": "2026-01-02T03:04:05Z", "profile": "default",
            "space": "acme", "lookup": {"record": {"kind": kind, "status": "completed"}}})
    };
    write_old(
        dir.path(),
        &json!({"version": 1, "entries": [
            entry(1, "Relay PSTN call"), entry(2, "Unknown type `ai_agent_call`"),
            entry(3, "Deleted log"), entry(4, "A label from a future swlog"),
        ]}),
    );
    let h = imported(dir.path());
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
    let ty = |n| {
        sql::<Option<String>>(
            dir.path(),
            &format!("SELECT type FROM history WHERE id = '{}'", id(n)),
        )
    };
    assert_eq!(ty(1).as_deref(), Some("relay_pstn_call"));
    assert_eq!(ty(2).as_deref(), Some("ai_agent_call"));
    assert_eq!(open(dir.path()).entries(), h.entries());
}

#[test]
fn a_format_2_history_without_a_tag_is_imported_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    // Two lookups in the same instant: the file's order is kept.
    write_old(
        dir.path(),
        &json!({"version": 2, "entries": [entry_json(2, 1), entry_json(1, 1)]}),
    );
    assert_eq!(ids(&imported(dir.path())), [id(2), id(1)]);
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
        std::fs::write(old_file(dir.path()), garbage).unwrap();
        let (mut h, warnings) = History::open(dir.path(), Options::default());
        let Some(Warning::Damaged { moved_to, kept, .. }) = warnings.first() else {
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
        ok(h.record(record_of(1, 1, "+1"), None));
        assert_eq!(std::fs::read(moved_to).unwrap(), garbage);
        assert_eq!(open(dir.path()).entries().len(), 1);
    }
}

#[test]
fn readable_entries_of_a_damaged_file_are_kept_and_a_second_damage_gets_a_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = json!({"version": 1, "entries": [entry_json(1, 1), {"id": "nope"}]}).to_string();
    std::fs::write(old_file(dir.path()), &text).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    let Some(Warning::Damaged { moved_to, kept, .. }) = warnings.first() else {
        panic!("{warnings:?}")
    };
    assert_eq!(*kept, 1);
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), text);
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(ids(&open(dir.path())), [id(1)], "imported");
    std::fs::write(old_file(dir.path()), "oops").unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    let Some(Warning::Damaged {
        moved_to: second, ..
    }) = warnings.first()
    else {
        panic!("{warnings:?}")
    };
    assert_ne!(second, moved_to);
    assert_eq!(std::fs::read_to_string(second).unwrap(), "oops");
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), text);
}

#[test]
fn a_damaged_journal_is_moved_aside_and_what_it_said_before_the_damage_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    write_old(
        dir.path(),
        &json!({"version": 3, "tag": "t", "entries": [entry_json(1, 1)]}),
    );
    let journal = format!(
        "{}\n{}\nnot json\n{}\n",
        json!({"journal": 1, "base": "t"}),
        json!({"set": [[0, entry_json(2, 2)]], "removed": []}),
        json!({"set": [[0, entry_json(3, 3)]], "removed": []}),
    );
    std::fs::write(dir.path().join("history.journal"), &journal).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    let [
        Warning::Damaged {
            moved_to, detail, ..
        },
        Warning::Imported { .. },
    ] = warnings.as_slice()
    else {
        panic!("{warnings:?}")
    };
    assert!(
        detail.contains("line 3 of its journal is unreadable"),
        "{detail}"
    );
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), journal);
    assert_eq!(ids(&h), [id(2), id(1)]);
}

#[test]
fn a_journal_left_behind_by_a_crash_after_its_file_was_rewritten_is_not_applied_again() {
    let dir = tempfile::tempdir().unwrap();
    write_old(
        dir.path(),
        &json!({"version": 3, "tag": "new", "entries": [entry_json(1, 1)]}),
    );
    let journal = format!(
        "{}\n{}\n",
        json!({"journal": 1, "base": "old"}),
        json!({"set": [[0, entry_json(2, 2)]], "removed": []}),
    );
    std::fs::write(dir.path().join("history.journal"), &journal).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::Damaged { detail, .. }, Warning::Imported { .. }]
            if detail.contains("another history.json")),
        "{warnings:?}"
    );
    assert_eq!(ids(&h), [id(1)]);
}

#[test]
fn a_history_from_a_newer_swlog_is_left_as_it_is_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let newer = r#"{"version":4,"entries":[],"shiny":true}"#;
    std::fs::write(old_file(dir.path()), newer).unwrap();
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::NotImported(why)] if why.contains("newer swlog (format 4")),
        "{warnings:?}"
    );
    ok(h.record(record_of(1, 1, "+1"), None));
    assert_eq!(
        ids(&open_quietly(dir.path())),
        [id(1)],
        "the history itself works"
    );
    assert_eq!(
        std::fs::read_to_string(old_file(dir.path())).unwrap(),
        newer
    );
}

fn open_quietly(dir: &Path) -> History {
    History::open(dir, Options::default()).0
}

#[test]
fn an_old_history_too_large_to_import_is_left_alone_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = old_file(dir.path());
    // Sparse: 2 GB on paper, nothing on disk.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(f);
    let (mut h, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(&warnings[..], [Warning::NotImported(why)] if why.contains("larger than")),
        "{warnings:?}"
    );
    ok(h.record(record_of(1, 1, "+1"), None));
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        2 * 1024 * 1024 * 1024
    );
}

#[test]
fn a_fifo_or_a_link_in_the_cache_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    write_old(
        dir.path(),
        &json!({"version": 3, "entries": [entry_json(2, 2), entry_json(1, 1)]}),
    );
    let cache = dir.path().join("cache");
    std::fs::create_dir(&cache).unwrap();
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
    // Reading the FIFO would block here for ever.
    let h = imported(dir.path());
    assert_eq!(h.cached_body(id(1)), None);
    assert_eq!(h.cached_body(id(2)), None);
}

#[cfg(unix)]
#[test]
fn a_cache_dir_that_is_a_symlink_is_never_read_or_emptied() {
    let dir = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let theirs = project.path().join(format!("{}.json", id(1)));
    let cached = json!({"fetched_at": "2026-01-02T03:04:05Z", "body": "{}"});
    std::fs::write(&theirs, cached.to_string()).unwrap();
    std::os::unix::fs::symlink(project.path(), dir.path().join("cache")).unwrap();
    write_old(
        dir.path(),
        &json!({"version": 3, "entries": [entry_json(1, 1)]}),
    );
    let mut h = imported(dir.path());
    assert_eq!(h.cached_body(id(1)), None, "not read through the link");
    ok(h.clear(false));
    assert!(theirs.exists(), "the user's file is kept");
}

#[test]
fn a_body_digest_of_another_type_reads_as_none_and_keeps_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut entry = entry_json(1, 1);
    entry["body_digest"] = json!(12345);
    write_old(dir.path(), &json!({"version": 2, "entries": [entry]}));
    let h = imported(dir.path());
    assert_eq!(ids(&h), [id(1)]);
    assert_eq!(h.get(id(1)).unwrap().body_digest, None);
}

#[test]
fn a_lookup_already_in_the_database_keeps_its_newer_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir.path());
    ok(h.record(record_of(1, 50, "+newer"), None));
    drop(h);
    write_old(
        dir.path(),
        &json!({"version": 3, "entries": [entry_json(1, 1), entry_json(2, 2)]}),
    );
    let h = imported(dir.path());
    assert_eq!(ids(&h), [id(1), id(2)]);
    assert_eq!(h.get(id(1)).unwrap().at, t(50));
}

#[test]
fn two_swlogs_opening_at_once_import_once() {
    let dir = tempfile::tempdir().unwrap();
    let entries: Vec<Value> = (1..=200).rev().map(|n| entry_json(n, n as i64)).collect();
    write_old(dir.path(), &json!({"version": 3, "entries": entries}));
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || History::open(&dir, Options::default()))
        })
        .collect();
    let mut said = 0;
    for open in opens {
        let (h, warnings) = open.join().unwrap();
        said += warnings
            .iter()
            .filter(|w| matches!(w, Warning::Imported { .. }))
            .count();
        assert_eq!(h.entries().len(), 200, "{warnings:?}");
    }
    assert_eq!(said, 1, "imported and said once");
}

/// Journals no swlog would apply: of a format none wrote, a header that is an array, no line
/// end at all, beside a file without a tag, or beside a damaged file. Each is moved aside with
/// the usual warning, never dropped, and the file's own entries are imported.
#[test]
fn journals_no_swlog_would_apply_are_moved_aside_never_dropped() {
    let line = json!({"set": [[0, entry_json(2, 2)]], "removed": []}).to_string();
    let cases: [(Value, String, &str); 5] = [
        (
            json!({"version": 3, "tag": "t", "entries": [entry_json(1, 1)]}),
            format!("{}\n{line}\n", json!({"journal": 0, "base": "t"})),
            "format 0",
        ),
        (
            json!({"version": 3, "tag": "t", "entries": [entry_json(1, 1)]}),
            format!("[0,\"t\"]\n{line}\n"),
            "does not start with a header",
        ),
        (
            json!({"version": 3, "tag": "t", "entries": [entry_json(1, 1)]}),
            "\0".repeat(200),
            "no whole first line",
        ),
        (
            json!({"version": 2, "entries": [entry_json(1, 1)]}),
            format!("{}\n{line}\n", json!({"journal": 1, "base": "t"})),
            "another history.json",
        ),
        (
            json!({"version": 3, "tag": "t", "entries": [entry_json(1, 1), {"id": "nope"}]}),
            format!("{}\n{line}\n", json!({"journal": 1, "base": "t"})),
            "extends a damaged history.json",
        ),
    ];
    for (file, journal, why) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_old(dir.path(), &file);
        std::fs::write(dir.path().join("history.journal"), &journal).unwrap();
        let (h, warnings) = History::open(dir.path(), Options::default());
        assert_eq!(ids(&h), [id(1)], "{why}: {warnings:?}");
        let aside: Vec<&PathBuf> = (warnings.iter())
            .filter_map(|w| match w {
                Warning::Damaged {
                    moved_to, detail, ..
                } if detail.contains(why) => Some(moved_to),
                _ => None,
            })
            .filter(|p| p.to_string_lossy().contains("history.journal.corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1, "{why}: {warnings:?}");
        assert_eq!(std::fs::read_to_string(aside[0]).unwrap(), journal, "{why}");
    }
}

#[test]
fn a_file_cut_short_keeps_every_entry_written_whole_before_the_cut() {
    let entries: Vec<Value> = (0..50).map(|n| entry_json(n, n as i64)).collect();
    let old = json!({"version": 3, "tag": "t", "entries": entries});
    for text in [old.to_string(), serde_json::to_string_pretty(&old).unwrap()] {
        // Cut inside the 21st entry: twenty are whole before it.
        let twenty_first = text.match_indices("\"id\"").nth(20).unwrap().0;
        let cut = &text[..twenty_first + 10];
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(old_file(dir.path()), cut).unwrap();
        let (h, warnings) = History::open(dir.path(), Options::default());
        let Some(Warning::Damaged {
            moved_to,
            kept,
            detail,
        }) = warnings.first()
        else {
            panic!("{warnings:?}")
        };
        assert_eq!(*kept, 20, "{detail}");
        assert!(
            detail.contains("20 entries read before the damage"),
            "{detail}"
        );
        assert_eq!(
            std::fs::read_to_string(moved_to).unwrap(),
            cut,
            "bytes intact"
        );
        let want: Vec<Uuid> = (0..20).rev().map(id).collect();
        assert_eq!(ids(&h), want);
        assert_eq!(ids(&open(dir.path())), want, "imported");
    }
}
