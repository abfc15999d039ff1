//! Coverage arithmetic (pure) and coverage in the database.

use proptest::prelude::*;

use super::super::coverage::{Span, absorb, insert, split};
use super::*;

fn span(from: i64, to: i64, as_of: i64) -> Span {
    Span { from, to, as_of }
}

#[test]
fn overlapping_and_adjacent_spans_merge_and_distant_ones_do_not() {
    let s = insert(&[], span(10, 20, 1));
    let s = insert(&s, span(30, 40, 1));
    assert_eq!(s.len(), 2);
    let s = insert(&s, span(20, 25, 1));
    assert_eq!(s, vec![span(10, 25, 1), span(30, 40, 1)], "adjacent joins");
    let s = insert(&s, span(24, 31, 1));
    assert_eq!(s, vec![span(10, 40, 1)], "a bridge joins all three");
    assert_eq!(
        insert(&s, span(50, 50, 1)),
        s,
        "an empty span changes nothing"
    );
}

#[test]
fn a_merged_span_is_as_old_as_its_oldest_part_not_read_again() {
    // The new scan (as of 9) wholly re-reads [12, 18): its older as_of is superseded.
    assert_eq!(absorb(span(10, 20, 9), &[span(12, 18, 2)]), span(10, 20, 9));
    // [0, 15) sticks out of the new scan: what it saw at 2 is still part of the union.
    assert_eq!(absorb(span(10, 20, 9), &[span(0, 15, 2)]), span(0, 20, 2));
}

#[test]
fn a_window_splits_into_covered_parts_and_holes() {
    let spans = [span(10, 20, 1), span(30, 40, 2)];
    let (covered, holes) = split(&spans, 0, 50);
    assert_eq!(covered, vec![span(10, 20, 1), span(30, 40, 2)]);
    assert_eq!(holes, vec![(0, 10), (20, 30), (40, 50)]);
    let (covered, holes) = split(&spans, 15, 35);
    assert_eq!(covered, vec![span(15, 20, 1), span(30, 35, 2)]);
    assert_eq!(holes, vec![(20, 30)]);
    let (covered, holes) = split(&spans, 12, 18);
    assert_eq!((covered, holes), (vec![span(12, 18, 1)], vec![]));
    let (covered, holes) = split(&[], 0, 5);
    assert_eq!((covered, holes), (vec![], vec![(0, 5)]));
    // An empty window inside a span is neither covered nor a hole (found by the property below).
    assert_eq!(split(&[span(73, 94, 0)], 74, 74), (vec![], vec![]));
}

fn spans_strategy() -> impl Strategy<Value = Vec<(i64, i64, i64)>> {
    prop::collection::vec((0i64..100, 0i64..30, 0i64..10), 0..12)
}

proptest! {
    /// After any sequence of inserts the spans are sorted, disjoint and not touching, and cover
    /// exactly the instants the inserted spans covered.
    #[test]
    fn inserting_keeps_the_invariant_and_the_union(input in spans_strategy()) {
        let mut spans = Vec::new();
        for (from, len, as_of) in &input {
            spans = insert(&spans, span(*from, from + len, *as_of));
        }
        for w in spans.windows(2) {
            prop_assert!(w[0].to < w[1].from, "{:?}", spans);
        }
        for s in &spans {
            prop_assert!(s.from < s.to);
        }
        for t in -1..135 {
            let inside = input.iter().any(|(f, l, _)| *f <= t && t < f + l);
            let covered = spans.iter().any(|s| s.from <= t && t < s.to);
            prop_assert_eq!(inside, covered, "instant {}", t);
        }
    }

    /// A window's covered parts and holes partition it, in order, and the holes are exactly the
    /// instants no span covers.
    #[test]
    fn covered_parts_and_holes_partition_the_window(
        input in spans_strategy(), from in 0i64..120, len in 0i64..60,
    ) {
        let mut spans = Vec::new();
        for (f, l, as_of) in &input {
            spans = insert(&spans, span(*f, f + l, *as_of));
        }
        let to = from + len;
        let (covered, holes) = split(&spans, from, to);
        let mut pieces: Vec<(i64, i64)> = covered.iter().map(|s| (s.from, s.to)).collect();
        pieces.extend(holes.iter().copied());
        pieces.sort();
        let mut at = from;
        for (f, t) in &pieces {
            prop_assert_eq!(*f, at);
            prop_assert!(f < t);
            at = *t;
        }
        prop_assert_eq!(at, if len == 0 { from } else { to });
        for (f, t) in &holes {
            for i in *f..*t {
                prop_assert!(!spans.iter().any(|s| s.from <= i && i < s.to));
            }
        }
    }
}

#[test]
fn recorded_spans_merge_in_the_file_and_answer_holes() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let s = scope();
    index.record_span(&s, "", window(0, 60), at(61)).unwrap();
    index
        .record_span(&s, "", window(120, 180), at(181))
        .unwrap();
    index.record_span(&s, "", window(60, 90), at(200)).unwrap();
    let c = index.coverage(&s, "", window(-30, 200)).unwrap();
    let covered: Vec<_> = c.covered.iter().map(|c| c.window).collect();
    assert_eq!(covered, vec![window(0, 90), window(120, 180)]);
    assert_eq!(
        c.holes,
        vec![window(-30, 0), window(90, 120), window(180, 200)]
    );
    assert_eq!(c.covered[0].as_of, at(61), "the older part's as_of");
    assert!(!c.is_complete());
    assert!(
        index
            .coverage(&s, "", window(10, 80))
            .unwrap()
            .is_complete()
    );
    // Another filter key or another project knows nothing of these spans.
    assert!(
        !index
            .coverage(&s, "include_deleted", window(10, 80))
            .unwrap()
            .is_complete()
    );
    let other = Scope::new(s.origin.clone(), "p2");
    assert_eq!(
        index.coverage(&other, "", window(10, 80)).unwrap().holes,
        vec![window(10, 80)]
    );
    // Reopened, the spans are still there: one merged row each.
    drop(index);
    let index = open_in(&dir);
    assert_eq!(index.stats().unwrap().spans, 2);
}

#[test]
fn a_fact_is_kept_per_scope_and_replaced_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let other = Scope::new(Origin::parse("https://other.example").unwrap(), "p");
    assert_eq!(index.fact(&scope(), "time_filter").unwrap(), None);
    index
        .set_fact(&scope(), "time_filter", "dates", at(0))
        .unwrap();
    index
        .set_fact(&scope(), "time_filter", "timestamps", at(5))
        .unwrap();
    assert_eq!(
        index.fact(&scope(), "time_filter").unwrap(),
        Some(("timestamps".to_owned(), at(5)))
    );
    assert_eq!(
        index.fact(&other, "time_filter").unwrap(),
        None,
        "another space knows nothing"
    );
    index.clear().unwrap();
    assert_eq!(
        index.fact(&scope(), "time_filter").unwrap(),
        None,
        "clear forgets facts"
    );
}

#[test]
fn a_stretch_whose_rows_went_meanwhile_is_not_vouched_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut index = open_in(&dir);
    let rows: Vec<_> = (0..10).map(|n| row(n, i64::from(n))).collect();
    index.record_rows(&scope(), &rows, at(20)).unwrap();
    // Another swlog clears the index while the scan that read these rows is still going.
    index.clear().unwrap();
    assert!(
        !index
            .record_span_held(&scope(), "", window(0, 10), at(21), 10)
            .unwrap()
    );
    assert!(
        index
            .coverage(&scope(), "", window(0, 10))
            .unwrap()
            .covered
            .is_empty()
    );
    index.record_rows(&scope(), &rows, at(22)).unwrap();
    assert!(
        index
            .record_span_held(&scope(), "", window(0, 10), at(23), 10)
            .unwrap()
    );
    assert!(
        index
            .coverage(&scope(), "", window(0, 10))
            .unwrap()
            .is_complete()
    );
}
