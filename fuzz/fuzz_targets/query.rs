//! The query language as a user can type it: arbitrary bytes split into the inspector's text
//! (`Query::parse`) and into `swlog list`'s flags (`Term::keyed` for each known key, as clap
//! hands them over). Nothing may panic; a refused word's error, and an accepted query's
//! description, hold no control character; an accepted window never ends before it starts, never
//! starts in the future, and matching a log against it never panics. The calls view's words
//! (`charge:`, `max:`, `legs:`, `outcome:`) are checked against both views.

#![no_main]

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use swlog::api::VoiceLog;
use swlog::present::format::Clock;
use swlog::query::{Query, Term, View};

/// The flags `swlog list` turns into keyed terms.
const FLAGS: &[&str] = &[
    "since", "until", "on", "from", "to", "number", "status", "type", "dir", "min", "parent",
    "deleted", "charge", "max", "legs", "outcome",
];

fn no_controls(what: &str, text: &str) {
    assert!(
        !text.chars().any(char::is_control),
        "a control character in {what}: {text:?}"
    );
}

fn check(query: Result<Query, swlog::query::QueryError>, clock: &Clock, log: &VoiceLog) {
    match query {
        Ok(q) => {
            no_controls("the description", &q.describe(clock));
            if let (Some(s), Some(u)) = (q.since, q.until) {
                assert!(s < u, "a window that ends before it starts: {s} .. {u}");
            }
            if let Some(s) = q.since {
                assert!(s <= clock.now, "a window that starts in the future: {s}");
            }
            let _ = q.matches(log);
            // The calls view's words: refused on the other view in words, never a panic; the
            // part a leg is matched by carries no call word.
            for view in [View::Calls, View::Legs] {
                if let Err(e) = q.check_view(view) {
                    no_controls("the view's error", &e.to_string());
                }
            }
            let legs = q.leg_part();
            assert!(legs.calls.is_empty() && legs.min_duration_ms.is_none());
            for c in &q.calls.charge {
                assert!(c.value.is_finite() && c.value >= 0.0, "a charge compared: {c:?}");
            }
        }
        Err(e) => no_controls("the error", &e.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .expect("a valid date");
    let clock = Clock::fixed(now);
    let Ok(serde_json::Value::Object(raw)) = serde_json::from_str(
        r#"{"id":"3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11","type":"laml_call","from":"+14155550123","to":"sip:agent@acme.sip.signalwire.com","status":"completed","direction":"outbound-api","created_at":"2026-11-25T16:00:00Z","duration_ms":31000}"#,
    ) else {
        panic!("the sample log is an object");
    };
    let log = VoiceLog::from_object(raw);
    // As typed into the inspector.
    check(Query::parse(&text, &clock), &clock, &log);
    // As flags: the first byte picks a key for each `\u{1f}`-separated value.
    let terms: Vec<Term> = text
        .split('\u{1f}')
        .enumerate()
        .map(|(i, value)| {
            let key = FLAGS[(i + data.first().copied().unwrap_or(0) as usize) % FLAGS.len()];
            Term::keyed(key, value)
        })
        .collect();
    check(Query::from_terms(terms, &clock), &clock, &log);
});
