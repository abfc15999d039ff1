//! The words the search language knows: its keys, the short type names, the statuses a log
//! can have, and what to say when a value is none of them.

use crate::api::LogType;

/// The keys of `key:value` words; a word with another prefix (`sip:…`, `whatsapp:…`) is text.
pub(super) const KEYS: &[&str] = &[
    "since",
    "until",
    "on",
    "from",
    "to",
    "number",
    "status",
    "type",
    "dir",
    "direction",
    "min",
    "parent",
    "deleted",
    "charge",
    "max",
    "legs",
    "outcome",
];

/// The short type names and the wire types each stands for.
pub(super) const SHORT_TYPES: &[(&str, &[&str])] = &[
    ("sip", &["relay_sip_call", "video_room_sip_leg"]),
    ("pstn", &["relay_pstn_call", "video_room_pstn_leg"]),
    ("webrtc", &["relay_webrtc_call"]),
    ("laml", &["laml_call"]),
    ("video", &["video_room_pstn_leg", "video_room_sip_leg"]),
    ("dialogflow", &["dialogflow_call"]),
    ("fabric", &["fabric_subscriber_device_leg"]),
];

pub(super) const TIME_HELP: &str = "a time like 30m, 2h, 3d, 1w, 12:00 (today), a day like 2026-11-24, \
     today, yesterday or monday (local midnight), a local time like \"2026-11-24 12:00\" or RFC 3339";

/// The statuses a voice log can have (the contract's `Voice.VoiceLogStatus`, and `cancelled`
/// as some engines spell it): a `status:` word outside them could never match.
pub(super) const STATUSES: &[&str] = &[
    "queued",
    "initiated",
    "ringing",
    "in-progress",
    "busy",
    "failed",
    "no-answer",
    "canceled",
    "cancelled",
    "completed",
    "ended",
    "answered",
    "created",
    "ending",
    "joined",
];

/// What to say of a status that can never match: the nearest known one, or all of them.
pub(super) fn status_help(status: &str) -> String {
    match super::spelling::nearest(status, STATUSES) {
        Some(s) => format!(
            "did you mean status:{s}? (statuses: {})",
            STATUSES.join(", ")
        ),
        None => format!("a status a voice log can have: {}", STATUSES.join(", ")),
    }
}

/// The wire types a `type:` value stands for: a short form, a known wire name, or a newer wire
/// name this version does not know (lower-case letters, digits and `_`, with at least one `_`).
pub(super) fn wire_types(value: &str) -> Option<Vec<String>> {
    if let Some((_, wires)) = SHORT_TYPES.iter().find(|(short, _)| *short == value) {
        return Some(wires.iter().map(|w| (*w).to_owned()).collect());
    }
    let wire_like = value.contains('_')
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (LogType::from_wire(value).is_some() || wire_like).then(|| vec![value.to_owned()])
}

pub(super) fn type_help() -> String {
    let shorts: Vec<&str> = SHORT_TYPES.iter().map(|(s, _)| *s).collect();
    let wires: Vec<&str> = LogType::ALL.iter().map(|t| t.wire()).collect();
    format!(
        "{}, or a wire name: {}",
        shorts.join(", "),
        wires.join(", ")
    )
}
