//! The journal: what a batch appends, and every way it can be torn, damaged, stale or foreign.

use super::*;

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
    let before = std::fs::read(dir.path().join(files::FILE)).unwrap();
    h.batch_saves(Duration::from_secs(3600));
    for (n, at) in [(2, 2), (3, 3), (1, 4)] {
        ok(h.record(record_of(n, at, "+1"), None));
    }
    ok(h.flush());
    assert_eq!(
        std::fs::read(dir.path().join(files::FILE)).unwrap(),
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
    std::fs::write(&path, &left).unwrap();
    let (h, warnings) = History::open(dir.path(), Options::default());
    assert_eq!(
        ids(&h),
        [id(1), id(2)],
        "the deleted entry does not come back"
    );
    match warnings.as_slice() {
        [
            Warning::Damaged {
                moved_to, detail, ..
            },
        ] => {
            assert!(detail.contains("extends another history.json"), "{detail}");
            assert_eq!(std::fs::read(moved_to).unwrap(), left, "kept, not dropped");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_journal_with_no_line_end_is_damage_kept_aside_not_a_start_cut_short() {
    for mangle in [
        (|b: &[u8]| {
            b.iter()
                .map(|c| if *c == b'\n' { b'\r' } else { *c })
                .collect::<Vec<u8>>()
        }) as fn(&[u8]) -> Vec<u8>,
        |b: &[u8]| vec![0u8; b.len()],
    ] {
        let dir = tempfile::tempdir().unwrap();
        drop(journaled(dir.path()));
        let path = journal_path(dir.path());
        let bytes = mangle(&std::fs::read(&path).unwrap());
        std::fs::write(&path, &bytes).unwrap();
        let mut h = batch_with_journal_moved_aside(dir.path(), "no whole first line", &bytes);
        ok(h.record(record_of(6, 9, "+1"), None));
        ok(h.flush());
        assert_eq!(moved_journals(dir.path()).len(), 1);
    }
    // A start cut short (a prefix of the header) still holds nothing and says nothing.
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    std::fs::write(journal_path(dir.path()), b"{\"journal\":1,\"ba").unwrap();
    assert_eq!(ids(&open(dir.path())), [id(1)]);
}

#[test]
fn a_journal_beside_a_history_json_without_a_tag_is_kept_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let file = dir.path().join(crate::history::files::FILE);
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("tag");
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::Damaged { detail, .. }] if detail.contains("without a tag")),
        "{warnings:?}"
    );
    assert_eq!(
        moved_journals(dir.path()).len(),
        1,
        "the lookups it holds are kept"
    );
}

#[test]
fn a_header_written_as_an_array_is_not_a_header() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let path = journal_path(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let header: serde_json::Value = serde_json::from_str(first).unwrap();
    let array = format!("[0,{}]\n{rest}", header["base"]);
    std::fs::write(&path, &array).unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    assert!(
        matches!(warnings.as_slice(), [Warning::Damaged { detail, .. }] if detail.contains("does not start with a header")),
        "{warnings:?}"
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

/// The history of `dir` opened for a batch, which must say once that its journal was damaged
/// (`why`) and moved aside holding exactly `bytes`.
fn batch_with_journal_moved_aside(dir: &Path, why: &str, bytes: &[u8]) -> History {
    let (h, warnings) = History::open_batched(
        dir.to_path_buf(),
        Options::default(),
        Duration::from_secs(3600),
    );
    match warnings.as_slice() {
        [
            Warning::Damaged {
                moved_to, detail, ..
            },
        ] => {
            assert!(detail.contains(why), "{detail}");
            assert_eq!(std::fs::read(moved_to).unwrap(), bytes);
        }
        other => panic!("{other:?}"),
    }
    h
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
    let mut h = batch_with_journal_moved_aside(dir.path(), "format 0", older.as_bytes());
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
    std::fs::write(dir.path().join(files::FILE), file.to_string()).unwrap();
    let mut h = open(dir.path());
    let on_disk: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(files::FILE)).unwrap()).unwrap();
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
    let file = dir.path().join(files::FILE);
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
    std::fs::write(dir.path().join(files::FILE), file.to_string()).unwrap();
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

#[test]
fn a_damaged_history_file_says_its_journal_is_kept_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(journaled(dir.path()));
    let file = dir.path().join(crate::history::files::FILE);
    std::fs::write(&file, b"{\"version\": 1, \"entries\": [tru").unwrap();
    let (_, warnings) = History::open(dir.path(), Options::default());
    match warnings.as_slice() {
        [Warning::Damaged { detail, .. }] => {
            let journals = moved_journals(dir.path());
            assert_eq!(journals.len(), 1);
            assert!(
                detail.contains("its journal, which extends it, is kept beside it as")
                    && detail.contains(&journals[0].display().to_string()),
                "{detail}"
            );
        }
        other => panic!("{other:?}"),
    }
}
