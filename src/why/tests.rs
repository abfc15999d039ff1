use serde_json::{Value, json};

use super::*;

fn log(v: Value) -> VoiceLog {
    match v {
        Value::Object(o) => VoiceLog::from_object(o),
        _ => panic!("an object"),
    }
}

fn laml(id: &str, status: &str, duration_ms: i64, billing_ms: i64) -> VoiceLog {
    log(json!({
        "id": id, "type": "laml_call", "status": status, "from": "+14155550123",
        "to": "+12065551212", "duration_ms": duration_ms, "billing_ms": billing_ms,
        "charge": 0.0085, "created_at": "2026-12-05T14:00:00Z", "parent_id": null,
        "url": format!("/api/laml/2010-04-01/Accounts/p/Calls/{id}")
    }))
}

fn compat(v: Value) -> Compat {
    match v {
        Value::Object(o) => Compat::Found(Box::new(CompatCall::from_object(o))),
        _ => panic!("an object"),
    }
}

fn input(log: &VoiceLog, ordinal: usize, compat: Compat) -> LegInput<'_> {
    LegInput {
        log,
        ordinal,
        compat,
        events: None,
        recordings: vec![],
    }
}

const ROOT: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

#[test]
fn a_machine_with_poor_audio_billed_for_a_minute_reads_as_the_issue_says() {
    let root = laml(ROOT, "completed", 12_000, 60_000);
    let why = explain(&[input(
        &root,
        1,
        compat(json!({
            "sid": ROOT, "status": "completed", "sip_result_code": "200",
            "answered_by": "machine", "audio_in_mos": 2.1, "audio_out_jitter_avg": 45,
            "audio_out_lost": 210, "audio_rtt_avg": 80
        })),
    )]);
    assert_eq!(
        why.verdict,
        "Answered by a machine on LaML call #1; 12 s of bad audio (MOS 2.1, jitter 45 ms, \
         210 packets lost) on LaML call #1; billed 1 min for 12 s."
    );
    let leg = &why.legs[0];
    assert_eq!(leg.sip_result_code.as_deref(), Some("200"));
    assert_eq!(leg.sip_meaning.as_deref(), Some("the call was answered"));
    assert_eq!(leg.quality_source, QualitySource::Compat);
}

#[test]
fn a_busy_call_names_its_sip_code_and_meaning() {
    let mut root = laml(ROOT, "busy", 0, 0);
    root.charge = crate::api::model::Field::Value(0.0);
    let why = explain(&[input(
        &root,
        1,
        compat(json!({"sid": ROOT, "status": "busy", "sip_result_code": "486"})),
    )]);
    assert_eq!(
        why.verdict,
        "LaML call #1 ended with SIP 486 Busy Here (the callee was busy); nothing billed."
    );
    assert_eq!(
        why.legs[0].quality_source,
        QualitySource::None("its Compatibility record has no quality data".to_owned())
    );
}

#[test]
fn a_leg_of_another_type_has_no_quality_said_in_words_and_a_status_clause() {
    let root = laml(ROOT, "completed", 30_000, 60_000);
    let sip = log(json!({
        "id": "f6d8b0a2-5c7e-4f9a-8d1b-3e5f7a9c1b51", "type": "relay_sip_call",
        "status": "failed", "parent_id": ROOT, "duration_ms": 0
    }));
    let mut legs = vec![
        input(
            &root,
            1,
            compat(json!({"sid": ROOT, "sip_result_code": "200", "answered_by": "human"})),
        ),
        input(&sip, 2, Compat::NotLaml),
    ];
    legs[1].events = Some((0, 1));
    let why = explain(&legs);
    assert_eq!(
        why.verdict,
        "SIP call #2 failed; 1 error event on SIP call #2; billed 1 min for 30 s."
    );
    assert_eq!(
        why.legs[1].quality_source,
        QualitySource::None("SignalWire gives no quality data for SIP legs".to_owned())
    );
}

#[test]
fn quality_fields_on_a_relay_log_itself_are_used() {
    let pstn = log(json!({
        "id": ROOT, "type": "relay_pstn_call", "status": "completed", "duration_ms": 95_000,
        "billing_ms": 120_000, "audio_in_mos": 4.4, "audio_rtt_avg": 420
    }));
    let why = explain(&[input(&pstn, 1, Compat::NotLaml)]);
    assert_eq!(why.legs[0].quality_source, QualitySource::VoiceLog);
    assert_eq!(
        why.verdict,
        "1 min 35 s of troubled audio (round trip 420 ms) on PSTN call #1; billed 2 min for \
         1 min 35 s."
    );
}

#[test]
fn a_404_is_a_note_and_never_hides_the_leg() {
    let root = laml(ROOT, "completed", 45_000, 60_000);
    let why = explain(&[input(&root, 1, Compat::NotFound)]);
    assert_eq!(
        why.legs[0].note.as_deref(),
        Some("no Compatibility record for this call")
    );
    assert_eq!(why.legs[0].status.as_deref(), Some("completed"));
    assert_eq!(why.verdict, "Billed 1 min for 45 s.");
}

#[test]
fn a_clean_call_says_nothing_went_wrong() {
    let root = laml(ROOT, "completed", 60_000, 60_000);
    let why = explain(&[input(
        &root,
        1,
        compat(
            json!({"sid": ROOT, "sip_result_code": "200", "answered_by": "human",
                      "audio_in_mos": 4.4, "audio_out_lost": 0}),
        ),
    )]);
    assert_eq!(
        why.verdict,
        "Nothing went wrong that SignalWire reports, answered by a human on LaML call #1, no \
         audio problems measured."
    );
}

#[test]
fn strings_from_the_server_reach_the_words_sanitised() {
    let root = laml(ROOT, "completed", 1_000, 1_000);
    let why = explain(&[input(
        &root,
        1,
        compat(json!({"sid": ROOT, "answered_by": "machine\u{1b}]0;x\u{7}",
                      "sip_result_code": "4\u{1b}[2J86"})),
    )]);
    let leg = &why.legs[0];
    for text in [
        leg.answered_by.as_deref().unwrap_or(""),
        leg.sip_result_code.as_deref().unwrap_or(""),
        why.verdict.as_str(),
    ] {
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}

#[test]
fn spoken_durations_round_to_the_second() {
    for (ms, said) in [
        (0, "0 s"),
        (12_400, "12 s"),
        (59_600, "1 min"),
        (125_000, "2 min 5 s"),
        (3_725_000, "1 h 2 min"),
    ] {
        assert_eq!(spoken(ms), said, "{ms}");
    }
}

#[test]
fn negative_billing_or_duration_says_nothing_about_billing() {
    let mut root = laml(ROOT, "completed", -2_147_483_648, 60_000);
    assert_eq!(billing_clause(&root), None);
    root = laml(ROOT, "completed", 1_000, -1);
    assert_eq!(billing_clause(&root), None);
}
