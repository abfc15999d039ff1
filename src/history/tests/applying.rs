//! Applying many changes at once: properties of `apply`, `apply_all` and `normalize`.

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
