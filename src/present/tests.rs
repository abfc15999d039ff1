use super::*;
use chrono::TimeZone;
use serde_json::json;

fn show(v: Value) -> Presented {
    let Value::Object(o) = v else {
        panic!("object")
    };
    let now = chrono::Utc
        .with_ymd_and_hms(2024, 5, 6, 15, 20, 0)
        .single()
        .unwrap();
    present(&VoiceLog::from_object(o), &Clock::fixed(now))
}

fn labels(p: &Presented) -> Vec<&str> {
    p.rows.iter().map(|r| r.label.as_str()).collect()
}

#[test]
fn relay_call_has_every_relay_row() {
    let p = show(
        json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","type":"relay_pstn_call","from":"+1","to":"+2","status":"completed","direction":"outbound","created_at":"2024-05-06T12:20:00Z","duration_ms":9638,"billing_ms":60000,"charge":0.01,"charge_details":[],"url":null,"parent_id":"4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"}),
    );
    assert_eq!(
        labels(&p),
        [
            "From",
            "To",
            "Created",
            "Duration",
            "Billed",
            "URL",
            "Parent leg",
            "ID"
        ]
    );
    assert_eq!(p.header.title, "Relay PSTN call");
    assert_eq!(p.header.status, Some(("completed".into(), Outcome::Good)));
    assert_eq!(p.rows[2].value, "2024-05-06 12:20:00 UTC · 3h ago");
    assert_eq!(p.rows[3].value, "9.638s");
    assert_eq!(
        p.rows[4].value,
        "1m 00.000s · 50.362s more than actual (rounded up)"
    );
    assert_eq!(
        p.rows[6].link.map(|u| u.to_string()).as_deref(),
        Some("4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a")
    );
    assert!(
        p.charges
            .as_ref()
            .is_some_and(|c| c.lines.is_empty() && c.total == "$0.01")
    );
}

#[test]
fn each_family_shows_only_its_fields() {
    let dialogflow = show(json!({"type":"dialogflow_call","duration":5}));
    assert_eq!(
        labels(&dialogflow),
        ["Status", "From", "To", "Created", "Duration", "URL", "ID"]
    );
    assert_eq!(dialogflow.rows[4].value, "5.000s");
    assert_eq!(dialogflow.header.direction, None);
    let fabric =
        show(json!({"type":"fabric_subscriber_device_leg","status":null,"direction":"inbound"}));
    assert_eq!(
        labels(&fabric),
        ["Status", "From", "To", "Created", "URL", "ID"]
    );
    assert_eq!(fabric.header.direction.as_deref(), Some("inbound"));
    let video = show(json!({"type":"video_room_sip_leg","status":"joined"}));
    assert_eq!(
        labels(&video),
        ["From", "To", "Created", "Duration", "URL", "ID"]
    );
}

#[test]
fn discarded_and_unknown_get_notes() {
    let d = show(
        json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","discarded_at":"2024-05-06T13:20:00Z","created_at":"2024-05-06T12:20:00Z"}),
    );
    assert_eq!(labels(&d), ["Deleted", "Created", "ID"]);
    assert!(d.notes[0].contains("deleted"));
    assert!(d.charges.is_none());
    let u = show(json!({"type":"ai_agent_call","id":"x","minutes":3}));
    assert!(u.rows.is_empty());
    assert_eq!(u.extras.len(), 3);
    assert!(u.notes[0].contains("does not know"));
}

#[test]
fn an_unknown_type_is_escaped_in_the_title() {
    for t in [json!("x\u{1b}]52;c;eA==\u{7}"), json!(["\u{9b}2J"])] {
        let title = show(json!({ "type": t })).header.title;
        assert!(!title.chars().any(char::is_control), "{title:?}");
        assert!(title.contains("\\u{"), "{title:?}");
    }
}

#[test]
fn breakdown_shares_and_mismatch() {
    let p = show(json!({"type":"laml_call","charge":0.04,"charge_details":[
        {"description":"Inbound Voice Minutes","charge":0.03},{"description":"Text to Speech","charge":0.005}]}));
    let c = p.charges.unwrap();
    assert!((c.lines[0].share - 0.75).abs() < 1e-9);
    assert_eq!(c.lines[1].shown, "$0.005");
    assert_eq!(
        c.mismatch.as_deref(),
        Some("The lines add up to $0.035, less than the charge of $0.04 (-$0.005).")
    );
}

#[test]
fn billing_that_looks_like_seconds_is_flagged() {
    let p = show(json!({"type":"relay_sip_call","duration_ms":9638,"billing_ms":60}));
    let billed = p.rows.iter().find(|r| r.key == RowKey::Billed).unwrap();
    assert_eq!(billed.tone, Tone::Warn);
    assert!(
        billed.value.contains("if seconds, 1m 00.000s"),
        "{}",
        billed.value
    );
}

/// Found by fuzzing: a billing and a duration at the ends of i64 overflowed the difference.
/// A negative one is invalid data now: no difference is computed with it at all.
#[test]
fn billing_and_duration_at_the_ends_of_i64_do_not_overflow() {
    for (billed, actual) in [(i64::MAX, 0), (0, i64::MAX), (i64::MAX, 1)] {
        let p = show(json!({"type":"relay_sip_call","billing_ms":billed,"duration_ms":actual}));
        let row = p.rows.iter().find(|r| r.key == RowKey::Billed).unwrap();
        assert!(row.value.contains("than actual"), "{}", row.value);
    }
    for (billed, actual) in [
        (i64::MAX, i64::MIN),
        (i64::MIN, i64::MAX),
        (1 << 62, -(1 << 62) - 5),
    ] {
        let p = show(json!({"type":"relay_sip_call","billing_ms":billed,"duration_ms":actual}));
        let row = p.rows.iter().find(|r| r.key == RowKey::Billed).unwrap();
        assert!(!row.value.contains("than actual"), "{}", row.value);
    }
}

#[test]
fn hostile_strings_are_escaped_everywhere() {
    let p = show(
        json!({"type":"relay_pstn_call","from":"\u{1b}[2J","status":"\u{1b}]52;c;x\u{7}","x\u{1b}":"\u{9b}",
        "charge_details":[{"description":"\u{7}bell","charge":0.1}]}),
    );
    let mut all: Vec<String> = vec![p.header.title.clone()];
    all.extend(p.header.status.iter().map(|s| s.0.clone()));
    all.extend(
        p.rows
            .iter()
            .chain(&p.extras)
            .flat_map(|r| [r.label.clone(), r.value.clone()]),
    );
    all.extend(
        p.charges
            .iter()
            .flat_map(|c| c.lines.iter().map(|l| l.description.clone())),
    );
    assert!(all.iter().any(|s| s.contains("\\u{1b}[2J")), "{all:?}");
    assert!(
        all.iter().all(|s| !s.chars().any(char::is_control)),
        "{all:?}"
    );
}
