//! Applying changes: the database and the list in memory (the inspector's, and a history that
//! cannot be saved) must agree, change for change.

use proptest::prelude::*;

use super::*;
use crate::history::ops::{Op, apply, cap_for, normalize, upsert_normalized};

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
            // Two IDs never share an instant: which of two lookups made in the same nanosecond
            // lists first is the database's order of writing (the later first), which a list
            // pinned and unpinned in memory need not keep.
            let mut e = record_of(n, at * 100 + n as i64, &from);
            e.pinned = pinned;
            e.note = note;
            e
        })
}

/// A change as a batch or the sidebar makes them; lookups most often.
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
        1 => (0u128..12).prop_map(|n| Op::RefreshFailed(id(n), RefreshFailed {
            what: "not found".into(),
            at: t(9),
        })),
        1 => (0u128..12).prop_map(|n| Op::Update(id(n), Lookup::Error("gone".into()))),
        // A failed lookup, in this profile or another: over a record it marks or leaves it.
        2 => (0u128..12, 0i64..6, any::<bool>()).prop_map(|(n, at, here)| {
            let mut e = record_of(n, at * 100 + n as i64, "+1");
            e.lookup = Lookup::Error("not found".into());
            if !here {
                e.profile = "other".into();
            }
            Op::Failed(e)
        }),
        1 => Just(Op::Prune),
        1 => Just(Op::ClearUnpinned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the changes, each written as its own transaction leaves in the database what
    /// applying it to the list in memory leaves there: same entries, same order, same
    /// evictions.
    #[test]
    fn changes_written_to_the_database_read_back_as_applied_in_memory(
        ops in proptest::collection::vec(op(), 0..30),
        limit in 1usize..8,
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let options = Options { cap: limit, cache: false };
        let (mut disk, warnings) = History::open(dir.path(), options.clone());
        prop_assert!(warnings.is_empty());
        let mut memory = History::in_memory(options);
        for op in &ops {
            prop_assert!(disk.change(op.clone(), None).is_empty());
            let _ = memory.change(op.clone(), None);
            // Read back from the database itself, not from the list the write kept.
            let read = disk.db.as_mut().expect("a database").load().expect("read");
            prop_assert_eq!(read.as_slice(), memory.entries(), "after {:?}", op);
            prop_assert_eq!(disk.entries(), memory.entries(), "after {:?}", op);
            // The count the triggers keep is the count of the rows.
            let kept: i64 = sql(dir.path(), "SELECT unpinned FROM history_count");
            let counted: i64 = sql(dir.path(), "SELECT count(*) FROM history WHERE pinned = 0");
            prop_assert_eq!(kept, counted, "after {:?}", op);
        }
    }

    /// Changes written together, as a batch's writer gathers them into one transaction (a
    /// lookup made moot by a later one of the same ID skipped), leave what applying them all
    /// in memory and then trimming to the limit does.
    #[test]
    fn changes_written_in_one_transaction_leave_what_they_leave_in_memory(
        ops in proptest::collection::vec(op(), 0..30),
        limit in 1usize..8,
    ) {
        let dir = tempfile::tempdir().expect("dir");
        let options = Options { cap: limit, cache: false };
        let (mut disk, warnings) = History::open(dir.path(), options);
        prop_assert!(warnings.is_empty());
        let db = disk.db.as_mut().expect("a database");
        db.write(&ops, &[], limit, None).expect("written");
        let mut memory = Vec::new();
        for op in &ops {
            apply(&mut memory, op);
        }
        normalize(&mut memory, cap_for(&[], &ops, limit));
        prop_assert_eq!(db.load().expect("read"), memory);
        let kept: i64 = sql(dir.path(), "SELECT unpinned FROM history_count");
        let counted: i64 = sql(dir.path(), "SELECT count(*) FROM history WHERE pinned = 0");
        prop_assert_eq!(kept, counted);
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

    /// The filter's text, kept through the changes in memory (a lookup moves its entry's
    /// fields instead of laying them all out again), is the text of the entries they leave.
    #[test]
    fn the_filters_text_kept_through_changes_is_the_text_of_the_entries(
        ops in proptest::collection::vec(op(), 0..30),
        limit in 1usize..8,
    ) {
        let mut memory = History::in_memory(Options { cap: limit, cache: false });
        for op in &ops {
            // Laid out before each change, as a key typed in the filter would.
            let _ = memory.filter("x");
            let _ = memory.change(op.clone(), None);
            if let Some(text) = memory.text.get() {
                let fresh = crate::history::filter::Text::new(memory.entries());
                prop_assert_eq!(text, &fresh, "after {:?}", op);
            }
        }
    }
}
