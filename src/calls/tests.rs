use super::*;
use crate::api::VoiceLog;
use crate::query::OutcomeWord;
use crate::testkit::log;
use serde_json::{Value, json};

fn id(n: u128) -> String {
    Uuid::from_u128(n).to_string()
}

/// A leg `n` (parent `p`, 0 for none) created `minute` minutes into the hour.
fn leg(n: u128, p: u128, minute: u32, extra: Value) -> Row {
    let mut v = json!({
        "id": id(n),
        "parent_id": if p == 0 { Value::Null } else { json!(id(p)) },
        "created_at": format!("2026-12-05T14:{minute:02}:00Z"),
        "status": "completed",
        "type": "relay_pstn_call",
        "charge": 0.01,
        "duration_ms": 60_000,
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut v, extra) {
        o.extend(e);
    }
    Row::of(&log(v))
}

fn ids(call: &Call, rows: &[Row]) -> Vec<Uuid> {
    call.legs.iter().filter_map(|l| rows[l.row].id()).collect()
}

#[test]
fn legs_group_under_their_root_in_tree_order_whatever_order_they_arrive() {
    // Newest first, as the list pages them: a grandchild before its parent.
    let rows = vec![
        leg(4, 2, 5, json!({})),
        leg(3, 1, 4, json!({})),
        leg(2, 1, 2, json!({})),
        leg(10, 0, 1, json!({})),
        leg(1, 0, 0, json!({"type": "laml_call"})),
    ];
    let g = group(&rows, |_| true);
    assert_eq!(g.calls.len(), 2);
    assert!(g.missing.is_empty());
    // Newest root first.
    assert_eq!(ids(&g.calls[0], &rows), [Uuid::from_u128(10)]);
    let call = &g.calls[1];
    assert_eq!(
        ids(call, &rows),
        [1, 2, 4, 3].map(Uuid::from_u128),
        "root, its oldest child and that child's child, then the next child"
    );
    assert_eq!(
        call.legs.iter().map(|l| l.depth).collect::<Vec<_>>(),
        [0, 1, 2, 1]
    );
    assert!(call.rooted);
    assert!((call.charge - 0.04).abs() < 1e-9);
    assert_eq!(call.unpriced, 0);
}

#[test]
fn a_parent_not_among_the_rows_is_missing_and_its_child_leads_an_unrooted_call() {
    let rows = vec![leg(2, 99, 1, json!({})), leg(3, 2, 2, json!({}))];
    let g = group(&rows, |_| false);
    assert_eq!(g.missing, [Uuid::from_u128(99)]);
    assert_eq!(g.calls.len(), 1);
    assert!(!g.calls[0].rooted);
    assert!(!g.calls[0].matched());
}

#[test]
fn a_loop_of_parents_is_one_call_and_every_leg_is_in_exactly_one_call() {
    let rows = vec![
        leg(1, 2, 0, json!({})),
        leg(2, 1, 1, json!({})),
        leg(3, 3, 2, json!({})),
        Row::of(&log(json!({"status": "completed"}))),
    ];
    let g = group(&rows, |_| true);
    let mut seen: Vec<usize> = g
        .calls
        .iter()
        .flat_map(|c| c.legs.iter().map(|l| l.row))
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, [0, 1, 2, 3]);
    let looped = g.calls.iter().find(|c| c.legs.len() == 2).unwrap();
    assert!(!looped.rooted);
}

#[test]
fn a_missing_charge_is_counted_as_unpriced_not_as_zero() {
    let rows = vec![
        leg(1, 0, 0, json!({})),
        leg(2, 1, 1, json!({"charge": null})),
        leg(3, 1, 2, json!({"charge": "free"})),
    ];
    let call = &group(&rows, |_| true).calls[0];
    assert!((call.charge - 0.01).abs() < 1e-9);
    assert_eq!(call.unpriced, 2);
}

fn outcome_of(statuses: &[(&str, &str)]) -> Outcome {
    let rows: Vec<Row> = statuses
        .iter()
        .enumerate()
        .map(|(i, (status, kind))| {
            let n = i as u128 + 1;
            leg(
                n,
                if i == 0 { 0 } else { n - 1 },
                i as u32,
                json!({"status": status, "type": kind}),
            )
        })
        .collect();
    group(&rows, |_| true).calls[0].outcome.clone()
}

#[test]
fn the_outcome_says_how_the_call_ended_and_on_which_leg() {
    let words = |s: &[(&str, &str)]| outcome_of(s).words();
    assert_eq!(
        words(&[("completed", "laml_call"), ("completed", "relay_pstn_call")]),
        "completed"
    );
    assert_eq!(words(&[("busy", "laml_call")]), "busy");
    assert_eq!(words(&[("no-answer", "laml_call")]), "no answer");
    assert_eq!(
        words(&[("canceled", "laml_call")]),
        "canceled before answer"
    );
    assert_eq!(
        words(&[
            ("completed", "laml_call"),
            ("completed", "relay_pstn_call"),
            ("failed", "relay_sip_call")
        ]),
        "failed on SIP call #3"
    );
    assert_eq!(
        words(&[
            ("completed", "laml_call"),
            ("in-progress", "relay_pstn_call")
        ]),
        "still in progress"
    );
    assert_eq!(words(&[("failed", "laml_call")]), "failed");
    assert_eq!(
        words(&[("weird\u{1b}", "laml_call")]),
        "status weird\\u{1b}"
    );
    assert_eq!(
        outcome_of(&[("failed", "laml_call")]).word,
        Some(OutcomeWord::Failed)
    );
    // A leg that lost a simultaneous dial is canceled: not a failure of the call.
    assert_eq!(
        words(&[("completed", "laml_call"), ("canceled", "relay_pstn_call")]),
        "completed"
    );
}

fn query(text: &str) -> Query {
    let clock = crate::clock::Clock::fixed("2026-12-06T12:00:00Z".parse().unwrap());
    Query::parse(text, &clock).unwrap()
}

#[test]
fn call_words_filter_on_the_total_the_duration_the_legs_and_the_outcome() {
    // A dropped call that was billed: 8 s, charged.
    let dropped = vec![
        leg(1, 0, 0, json!({"duration_ms": 8_000, "type": "laml_call"})),
        leg(2, 1, 1, json!({"duration_ms": 7_000})),
    ];
    let call = &group(&dropped, |_| true).calls[0];
    assert!(call.keeps(&query("charge:>0 max:30s"), &dropped));
    assert!(!call.keeps(&query("max:5s"), &dropped));
    assert!(!call.keeps(&query("min:30s"), &dropped));
    assert!(call.keeps(&query("legs:2"), &dropped));
    assert!(!call.keeps(&query("legs:>2"), &dropped));
    assert!(call.keeps(&query("charge:0.01..0.05"), &dropped));
    assert!(!call.keeps(&query("charge:<0.01"), &dropped));
    assert!(call.keeps(&query("outcome:completed"), &dropped));
    assert!(!call.keeps(&query("outcome:failed"), &dropped));
    // An unpriced leg: the total is a lower bound.
    let unpriced = vec![
        leg(1, 0, 0, json!({})),
        leg(2, 1, 1, json!({"charge": null})),
    ];
    let call = &group(&unpriced, |_| true).calls[0];
    assert!(call.keeps(&query("charge:>0"), &unpriced));
    assert!(!call.keeps(&query("charge:<1"), &unpriced));
}

#[test]
fn grouping_reads_no_json_and_handles_rows_without_ids() {
    let rows = vec![Row::of(&VoiceLog::from_object(serde_json::Map::new()))];
    let g = group(&rows, |_| false);
    assert_eq!(g.calls.len(), 1);
    assert_eq!(g.calls[0].outcome.words(), "no status");
}

#[test]
fn a_total_is_compared_as_it_is_printed() {
    let rows = vec![
        leg(1, 0, 0, json!({"charge": 0.1})),
        leg(2, 1, 1, json!({"charge": 0.2})),
    ];
    let call = &group(&rows, |_| true).calls[0];
    for words in ["charge:0.3", "charge:<=0.3", "charge:0.3..0.3"] {
        assert!(call.keeps(&query(words), &rows), "{words}");
    }
    assert!(!call.keeps(&query("charge:>0.3"), &rows));
    let huge = vec![
        leg(1, 0, 0, json!({"charge": 1e308})),
        leg(2, 1, 1, json!({"charge": 1e308})),
    ];
    let call = &group(&huge, |_| true).calls[0];
    assert!(
        rounded(call.charge).is_nan(),
        "too large to print is not a number"
    );
    assert!(!call.keeps(&query("charge:>0"), &huge));
}

#[test]
fn at_80_columns_the_calls_table_keeps_a_short_id() {
    let rows = vec![
        leg(
            1,
            0,
            0,
            json!({"from": "sip:+14155550123@acme.sip.signalwire.com"}),
        ),
        leg(
            2,
            1,
            1,
            json!({"status": "failed", "type": "relay_sip_call"}),
        ),
    ];
    let grouping = group(&rows, |_| true);
    let calls: Vec<&Call> = grouping.calls.iter().collect();
    let clock = crate::clock::Clock::fixed("2026-12-06T12:00:00Z".parse().unwrap());
    let text = table::render(&calls, &rows, &clock, false, Some(80));
    let line = text.lines().nth(1).unwrap();
    assert!(line.contains("00000000"), "{text}");
    assert!(line.contains("failed"), "{text}");
    for l in text.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(l) <= 80, "{l}");
    }
}
