use chrono::{Duration, FixedOffset, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::api::VoiceLog;
use crate::testkit::log;

fn clock() -> Clock {
    Clock {
        now: Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap(),
        zone: FixedOffset::east_opt(0),
    }
}

fn q(text: &str) -> Query {
    Query::parse(text, &clock()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn call(from: &str, to: &str) -> VoiceLog {
    log(json!({
        "id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay_pstn_call",
        "from": from, "to": to, "status": "failed", "direction": "outbound-api",
        "created_at": "2026-11-25T14:00:00Z", "duration_ms": 31000,
        "parent_id": "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"
    }))
}

#[test]
fn every_common_spelling_of_a_number_is_one_number() {
    for text in [
        "+1 415 555 0123",
        "(415) 555-0123",
        "415.555.0123",
        "4155550123",
        "+14155550123",
        "415 555 0123",
    ] {
        let query = q(text);
        assert_eq!(query.numbers.len(), 1, "{text}");
        assert!(query.words.is_empty(), "{text}");
        assert!(query.numbers[0].digits.ends_with("4155550123"), "{text}");
    }
}

#[test]
fn a_number_matches_as_a_digit_run_of_from_or_to() {
    let query = q("(415) 555-0123");
    for (from, to) in [
        ("+14155550123", "+12065553434"),
        ("+12065553434", "sip:+14155550123@pbx.example.com"),
        ("+12065553434", "whatsapp:+14155550123"),
    ] {
        assert!(query.matches(&call(from, to)), "{from} {to}");
    }
    assert!(!query.matches(&call("+14155550124", "+12065553434")));
    assert!(
        !query.matches(&call("+1415555", "0123")),
        "digits are not joined across sides"
    );
}

#[test]
fn from_and_to_restrict_the_side() {
    let c = call("+14155550123", "+12065553434");
    assert!(q("from:+1 415 555 0123").matches(&c));
    assert!(!q("to:+1 415 555 0123").matches(&c));
    assert!(q("to:2065553434").matches(&c));
    let query = q("from:+1 415 555 0123");
    assert_eq!(query.numbers[0].side, Side::From);
    assert_eq!(query.numbers[0].digits, "14155550123");
}

#[test]
fn other_words_are_substrings_of_from_or_to_in_any_case() {
    let c = call("sip:Alice@PBX.example.com", "+12065553434");
    assert!(q("alice").matches(&c));
    assert!(q("pbx.EXAMPLE").matches(&c));
    assert!(q("sip:alice@pbx.example.com").matches(&c));
    assert!(!q("bob").matches(&c));
    assert!(q("from:alice").matches(&c));
    assert!(!q("to:alice").matches(&c));
}

#[test]
fn status_type_direction_duration_and_parent() {
    let c = call("+14155550123", "+12065553434");
    assert!(q("status:busy,FAILED").matches(&c));
    assert!(!q("status:completed").matches(&c));
    assert!(q("type:pstn").matches(&c));
    assert!(q("type:relay_pstn_call").matches(&c));
    assert!(!q("type:sip,webrtc").matches(&c));
    assert!(q("dir:outbound").matches(&c), "outbound takes outbound-api");
    assert!(!q("dir:inbound").matches(&c));
    assert!(q("min:30s").matches(&c));
    assert!(!q("min:32s").matches(&c));
    assert!(q("parent:3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11").matches(&c));
    assert!(!q("parent:00000000-0000-4000-8000-000000000404").matches(&c));
}

#[test]
fn unknown_types_can_be_asked_for_by_wire_name() {
    let c = log(
        json!({"type": "relay_ai_call", "from": "+1", "to": "+2", "created_at": "2026-11-25T14:00:00Z"}),
    );
    assert!(q("type:relay_ai_call").matches(&c));
    assert!(!q("type:sip").matches(&c));
}

#[test]
fn deleted_rows_only_with_deleted_yes() {
    let d = log(
        json!({"id": "4a6c8e0a-2c4e-4a6c-8e0a-2c4e6a8c0e91", "discarded_at": "2026-11-25T14:00:00Z", "created_at": "2026-11-25T13:00:00Z"}),
    );
    assert!(!q("").matches(&d));
    assert!(q("deleted:yes").matches(&d));
}

#[test]
fn the_window_is_inclusive_at_its_start_and_exclusive_at_its_end() {
    let query = q("since:2026-11-25T13:00:00Z until:2026-11-25T14:00:00Z");
    let at = |t: &str| log(json!({"type": "laml_call", "created_at": t}));
    assert!(query.matches(&at("2026-11-25T13:00:00Z")));
    assert!(query.matches(&at("2026-11-25T13:59:59Z")));
    assert!(!query.matches(&at("2026-11-25T12:59:59Z")));
    assert!(!query.matches(&at("2026-11-25T14:00:00Z")));
    assert!(
        !query.matches(&log(json!({"type": "laml_call"}))),
        "no created_at: outside"
    );
}

#[test]
fn since_on_and_relative_times() {
    let c = clock();
    assert_eq!(q("since:2h").since, Some(c.now - Duration::hours(2)));
    let on = q("on:2026-11-24");
    assert_eq!(
        on.since,
        Some(Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap())
    );
    assert_eq!(
        on.until,
        Some(Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap())
    );
}

#[test]
fn flags_and_words_are_the_same_terms() {
    let by_flag = Query::from_terms(
        vec![
            Term::keyed("from", "+1 415 555 0123"),
            Term::keyed("status", "failed"),
        ],
        &clock(),
    )
    .unwrap();
    assert_eq!(by_flag, q("from:+1 415 555 0123 status:failed"));
}

#[test]
fn words_it_cannot_understand_are_named_with_what_is_accepted() {
    for (text, word, expected) in [
        ("since:someday", "since:someday", "30m, 2h"),
        ("until:2h since:1h", "until", "after its start"),
        ("on:tomorrow", "on:tomorrow", "a day like 2026-11-24"),
        ("type:carrier", "type:carrier", "sip, pstn"),
        ("dir:sideways", "dir:sideways", "inbound, outbound"),
        ("min:long", "min:long", "30s"),
        ("parent:abc", "parent:abc", "UUID"),
        ("deleted:maybe", "deleted:maybe", "yes or no"),
        ("status:", "status:", "failed,busy"),
        ("number:alice", "number:alice", "phone number"),
    ] {
        let e = Query::parse(text, &clock()).unwrap_err();
        assert_eq!(e.word, word, "{text}");
        assert!(e.expected.contains(expected), "{text}: {e}");
        assert!(e.to_string().contains(word), "{e}");
    }
}

#[test]
fn a_misspelt_key_is_an_error_that_names_the_key_meant() {
    for (text, word, meant) in [
        ("stauts:failed", "stauts:failed", "did you mean status:?"),
        ("sice:2d", "sice:2d", "did you mean since:?"),
        (
            "+14155550123 Untill:1h",
            "Untill:1h",
            "did you mean until:?",
        ),
        ("prent:abc", "prent:abc", "did you mean parent:?"),
    ] {
        let e = Query::parse(text, &clock()).unwrap_err();
        assert_eq!(e.word, word, "{text}");
        assert_eq!(e.expected, meant, "{text}");
        assert_eq!(
            e.to_string(),
            format!("cannot understand \"{word}\" in the search: {meant}")
        );
    }
}

#[test]
fn uri_schemes_stay_words_searched_as_substrings() {
    for text in [
        "sip:agent1@pbx",
        "sips:agent1@pbx",
        "whatsapp:+14155550123",
        "tel:+14155550123",
        "https://example.com",
        "12:30",
    ] {
        let parsed = q(text);
        assert_eq!(parsed.words.len(), 1, "{text}: {parsed:?}");
        assert_eq!(parsed.words[0].lower, text.to_lowercase());
    }
}

#[test]
fn a_window_end_given_twice_is_an_error_naming_both() {
    let e = Query::parse("since:2h since:1d", &clock()).unwrap_err();
    assert_eq!(e.word, "since:1d");
    assert!(
        e.expected.contains("since:2h") && e.expected.contains("since:1d"),
        "{e}"
    );
    let e = Query::from_terms(
        vec![terms("since:1d").remove(0), Term::keyed("since", "2h")],
        &clock(),
    )
    .unwrap_err();
    assert!(
        e.expected.contains("since:1d") && e.expected.contains("--since 2h"),
        "{e}"
    );
    for text in ["until:1h until:2h", "on:2026-11-24 on:2026-11-23"] {
        assert!(Query::parse(text, &clock()).is_err(), "{text}");
    }
    // Different ends still combine: on's day with a start moved.
    assert!(Query::parse("on:2026-11-24 since:1w", &clock()).is_ok());
    assert!(Query::parse("since:1d until:2h", &clock()).is_ok());
}

#[test]
fn hostile_words_are_sanitised_in_errors() {
    let e = Query::parse("since:\u{1b}[2J", &clock()).unwrap_err();
    assert!(!e.to_string().contains('\u{1b}'), "{e}");
    assert!(e.to_string().contains("\\u{1b}"), "{e}");
}

#[test]
fn describe_says_what_will_be_searched() {
    let s = q("(415) 555-0123 since:2h").describe(&clock());
    assert_eq!(s, "number 4155550123 · since 2h");
    assert_eq!(q("").describe(&clock()), "every log");
    assert_eq!(q("on:2026-11-24").describe(&clock()), "on 2026-11-24");
    assert_eq!(
        q("since:1d until:2h").describe(&clock()),
        "since 1d · until 2h"
    );
    let moved = q("on:2026-11-24 since:1w").describe(&clock());
    assert!(
        moved.starts_with("since 1w · until 2026-11-25 00:00"),
        "since after on moves the start; on's end stays, said as a time: {moved}"
    );
}

#[test]
fn digit_runs() {
    assert!(matching::has_digit_run(
        "sip:+1 (415) 555-0123@x",
        "4155550123"
    ));
    assert!(!matching::has_digit_run("+14155550124", "4155550123"));
    assert!(matching::has_digit_run("", ""));
    assert!(!matching::has_digit_run("", "1"));
}

#[test]
fn a_status_no_log_can_have_is_refused_with_the_nearest_one() {
    let e = Query::parse("status:faild", &clock()).unwrap_err();
    assert!(e.expected.starts_with("did you mean status:failed?"), "{e}");
    let e = Query::parse("status:dropped", &clock()).unwrap_err();
    assert!(
        e.expected
            .starts_with("a status a voice log can have: queued, initiated"),
        "{e}"
    );
    let e = Query::parse("--status", &clock()).map(|_| ());
    assert!(e.is_ok(), "a bare word is text");
    let flag = Query::from_terms(vec![Term::keyed("status", "completed,nope")], &clock());
    assert_eq!(flag.unwrap_err().word, "--status completed,nope");
    let e = Query::parse("STATUS:nope", &clock()).unwrap_err();
    assert_eq!(e.word, "STATUS:nope", "the key as typed");
    assert_eq!(
        q("status:No-Answer,cancelled").statuses,
        ["no-answer", "cancelled"]
    );
}

#[test]
fn full_width_digits_are_digits() {
    let query = q("\u{ff14}\u{ff11}\u{ff15} 555 0123");
    assert_eq!(query.numbers[0].digits, "4155550123");
    let flag = Query::from_terms(vec![Term::keyed("from", "\u{ff0b}14155550123")], &clock());
    assert_eq!(
        flag.map(|q| q.numbers[0].digits.clone()).ok().as_deref(),
        Some("14155550123")
    );
}

#[test]
fn a_start_in_the_future_and_impossible_years_are_refused() {
    for text in [
        "since:2026-11-26",
        "since:2026-11-25T16:00:00Z",
        "on:2026-12-01",
        "since:+10000-01-01",
        "since:-0001-01-01",
        "until:+10000-01-01",
        "since:1999-12-31",
    ] {
        assert!(Query::parse(text, &clock()).is_err(), "{text}");
    }
    // An end in the future is fine: the window is open at that end.
    assert!(Query::parse("since:1h until:2026-11-26", &clock()).is_ok());
}

#[test]
fn days_and_times_as_tickets_write_them() {
    let at = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap();
    // A bare day word is that day.
    let query = q("yesterday 4155550123");
    assert_eq!(
        (query.since, query.until),
        (Some(at(24, 0, 0)), Some(at(25, 0, 0)))
    );
    assert!(query.words.is_empty());
    // A span of a day.
    let query = q("on:yesterday 12:00..18:00");
    assert_eq!(
        (query.since, query.until),
        (Some(at(24, 12, 0)), Some(at(24, 18, 0)))
    );
    assert_eq!(query.typed.on.as_deref(), Some("yesterday 12:00..18:00"));
    let query = q("09:00..14:30");
    assert_eq!(
        (query.since, query.until),
        (Some(at(25, 9, 0)), Some(at(25, 14, 30)))
    );
    assert!(Query::parse("since:2h 12:00..18:00", &clock()).is_err());
    // A local date-time without a zone, quoted in the input or joined from the shell's words.
    for text in [
        "since:\"2026-11-24 12:00\"",
        "since:2026-11-24 12:00",
        "since:2026-11-24T12:00",
        "since:yesterday 12:00",
    ] {
        assert_eq!(q(text).since, Some(at(24, 12, 0)), "{text}");
    }
    assert_eq!(q("since:12:00").since, Some(at(25, 12, 0)));
    assert_eq!(q("since:monday").since, Some(at(23, 0, 0)));
}
