//! Stats, prune (age and size, oldest first, coverage cut with the rows) and clear.

use super::super::{Caps, RowFilter};
use super::*;

#[test]
fn stats_count_rows_spans_and_bytes_per_origin_and_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let a = scope();
    let b = Scope::new(Origin::parse("http://127.0.0.1:4000").unwrap(), "p9");
    index
        .record_rows(&a, &[row(1, 0), row(2, 30)], at(40))
        .unwrap();
    index.record_rows(&b, &[row(3, -60)], at(40)).unwrap();
    index.record_span(&a, "", window(0, 40), at(40)).unwrap();
    let st = index.stats().unwrap();
    assert_eq!((st.rows, st.spans, st.scopes.len()), (3, 1, 2));
    assert_eq!(st.oldest_row, Some(at(-60)));
    let first = &st.scopes[0];
    assert_eq!(first.origin.as_str(), "http://127.0.0.1:4000");
    assert_eq!(
        (first.project.as_str(), first.family.as_str(), first.rows),
        ("p9", "voice", 1)
    );
    assert_eq!(first.spans, 0);
    let second = &st.scopes[1];
    assert_eq!((second.oldest, second.newest), (Some(at(0)), Some(at(30))));
    assert!(st.bytes_on_disk > 0);
}

#[test]
fn pruning_by_age_removes_old_rows_and_their_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let rows: Vec<_> = (0..10).map(|n| row(n, i64::from(n) * 60)).collect();
    index.record_rows(&s, &rows, at(600)).unwrap();
    index.record_span(&s, "", window(0, 600), at(600)).unwrap();
    let caps = Caps {
        max_age: TimeDelta::minutes(300),
        ..Caps::default()
    };
    let pruned = index.prune(caps, at(600)).unwrap();
    assert_eq!(
        pruned.rows, 5,
        "rows from minute 0 to 240 are older than 300 minutes"
    );
    let c = index.coverage(&s, "", window(0, 600)).unwrap();
    assert_eq!(
        c.holes,
        vec![window(0, 300)],
        "no coverage without its rows"
    );
    assert_eq!(index.prune_older_than(at(420)).unwrap().rows, 2);
    assert_eq!(index.stats().unwrap().oldest_row, Some(at(420)));
}

#[test]
fn pruning_by_size_removes_the_oldest_rows_until_it_fits() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    let pad = "x".repeat(2_000);
    let rows: Vec<_> = (0..2_000u32)
        .map(|n| {
            let mut r = row(n, i64::from(n));
            r.insert("pad".into(), json!(pad));
            r
        })
        .collect();
    index.record_rows(&s, &rows, at(3_000)).unwrap();
    let before = index.stats().unwrap();
    let cap = 1_500_000;
    let pruned = index
        .prune(
            Caps {
                max_bytes: cap,
                ..Caps::default()
            },
            at(3_000),
        )
        .unwrap();
    assert!(
        pruned.bytes_before > cap && pruned.bytes_after <= cap,
        "{pruned:?}"
    );
    let after = index.stats().unwrap();
    assert!(after.rows < before.rows && after.rows > 0);
    // The oldest went: what is left is the newest, without a gap.
    let left = index
        .rows_in(&s, window(0, 3_000), &RowFilter::default())
        .unwrap();
    assert_eq!(left.first().and_then(|r| r.created_at), Some(at(1_999)));
    assert_eq!(left.len() as u64, after.rows);
    assert_eq!(
        left.last().and_then(|r| r.created_at),
        Some(at(2_000 - left.len() as i64))
    );
    assert!(
        after.bytes_on_disk < before.bytes_on_disk,
        "space given back to the disk"
    );
}

#[test]
fn clear_empties_the_index_and_keeps_it_usable() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    index.record_rows(&s, &[row(1, 0)], at(1)).unwrap();
    index.record_span(&s, "", window(0, 1), at(1)).unwrap();
    index.clear().unwrap();
    let st = index.stats().unwrap();
    assert_eq!((st.rows, st.spans, st.scopes.len()), (0, 0, 0));
    index.record_rows(&s, &[row(2, 0)], at(1)).unwrap();
    assert_eq!(index.stats().unwrap().rows, 1);
}
