//! The demo's Compatibility API: records for its LaML calls (the chain's root answered by a
//! machine with poor audio, the busy call's 486, a clean call), the root's one recording, and
//! that recording's audio as a real WAV made here (a short tone, 16-bit PCM).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::data::{PROJECT_ID, ids};
use super::{Shared, json as json_response, refusal};
use crate::api::paths::compat as paths;

/// The sid of the demo's one recording (of the chain's root).
pub const RECORDING: &str = "7e3c0a1f-5b2d-4c8e-9a6f-1d3b5c7e9f01";
/// The busy LaML call.
const BUSY: &str = "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1";

/// The WAV's sample rate, Hz.
const RATE: u32 = 8000;
/// How long the tone lasts, milliseconds.
const TONE_MS: u32 = 600;

/// A real, playable WAV: a RIFF header and `TONE_MS` of a 440 Hz tone, 16-bit mono PCM,
/// faded in and out so that it does not click.
pub fn wav() -> Vec<u8> {
    let samples = RATE * TONE_MS / 1000;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes()); // the fmt chunk's size
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes()); // bytes a second
    out.extend_from_slice(&2u16.to_le_bytes()); // bytes a frame
    out.extend_from_slice(&16u16.to_le_bytes()); // bits a sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    let fade = f64::from(RATE / 50);
    for i in 0..samples {
        let t = f64::from(i) / f64::from(RATE);
        let edge = f64::from(i.min(samples - 1 - i));
        let gain = (edge / fade).min(1.0);
        let v = (t * 440.0 * std::f64::consts::TAU).sin() * 0.3 * gain;
        // In range by construction: |v| ≤ 0.3.
        #[allow(clippy::cast_possible_truncation)]
        let sample = (v * f64::from(i16::MAX)) as i16;
        out.extend_from_slice(&sample.to_le_bytes());
    }
    out
}

/// The Compatibility record of demo call `sid`, if it has one.
fn record(sid: &str) -> Option<Value> {
    let uri = |s: &str| format!("{}.json", paths::call(PROJECT_ID, s));
    let common = |s: &str| {
        json!({
            "sid": s, "account_sid": PROJECT_ID, "api_version": "2010-04-01",
            "uri": uri(s), "price_unit": "USD",
            "subresource_uris": {"recordings": paths::call_recordings(PROJECT_ID, s)},
        })
    };
    let extra = match sid {
        ids::CHAIN_ROOT => json!({
            "status": "completed", "direction": "inbound", "answered_by": "machine",
            "from": "+12065551212", "to": "+18005550100",
            "start_time": "Wed, 25 Nov 2026 14:02:11 +0000",
            "end_time": "Wed, 25 Nov 2026 14:04:16 +0000",
            "duration": 125, "price": -0.0342, "sip_result_code": "200",
            "audio_in_mos": 3.3, "audio_rtt_avg": 120, "audio_rtt_min": 80, "audio_rtt_max": 410,
            "audio_out_jitter_avg": 45, "audio_out_jitter_min": 3, "audio_out_jitter_max": 160,
            "audio_out_lost": 210,
        }),
        BUSY => json!({
            "status": "busy", "direction": "outbound-api", "answered_by": null,
            "from": "+14155550123", "to": "+447700900123",
            "start_time": "Wed, 25 Nov 2026 08:55:30 +0000",
            "end_time": "Wed, 25 Nov 2026 08:55:34 +0000",
            "duration": 0, "price": null, "sip_result_code": "486",
            "audio_in_mos": null, "audio_rtt_avg": null, "audio_out_jitter_avg": null,
            "audio_out_lost": null,
        }),
        ids::SLOW => json!({
            "status": "completed", "direction": "inbound", "answered_by": "human",
            "from": "+12065551212", "to": "+18005550100",
            "start_time": "Wed, 25 Nov 2026 11:11:11 +0000",
            "end_time": "Wed, 25 Nov 2026 11:11:17 +0000",
            "duration": 6, "price": -0.0009, "sip_result_code": "200",
            "audio_in_mos": 4.4, "audio_rtt_avg": 38, "audio_out_jitter_avg": 4,
            "audio_out_lost": 0,
        }),
        _ => return None,
    };
    let mut body = common(sid);
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    Some(body)
}

/// The demo recording's metadata.
fn recording() -> Value {
    json!({
        "sid": RECORDING, "account_sid": PROJECT_ID, "call_sid": ids::CHAIN_ROOT,
        "conference_sid": null, "channels": "1", "source": "RecordVerb",
        "status": "completed", "duration": "1", "price": "-0.0025", "price_unit": "USD",
        "date_created": "Wed, 25 Nov 2026 14:03:02 +0000",
        "start_time": "Wed, 25 Nov 2026 14:03:01 +0000",
        "end_time": "Wed, 25 Nov 2026 14:03:02 +0000",
        "error_code": null,
        "uri": format!("{}.json", paths::recording(PROJECT_ID, RECORDING)),
    })
}

fn compat_not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        r#"{"code":20404,"message":"The requested resource was not found","more_info":"https://developer.signalwire.com/","status":404}"#,
    )
}

/// Splits `name.ext` into its stem and extension.
fn split_ext(sid: &str) -> (String, Option<String>) {
    match sid.rsplit_once('.') {
        Some((stem, ext)) => (stem.to_ascii_lowercase(), Some(ext.to_ascii_lowercase())),
        None => (sid.to_ascii_lowercase(), None),
    }
}

/// Whether the request is for the demo project's own account (staging's has no LaML calls).
fn ours(account: &str, headers: &HeaderMap, shared: &Shared) -> bool {
    account.eq_ignore_ascii_case(PROJECT_ID) && super::staging_records(shared, headers).is_none()
}

/// `GET …/Calls/{sid}`: a demo LaML call's record.
pub(super) async fn call(
    State(shared): State<Arc<Shared>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (sid, ext) = split_ext(&sid);
    if let Some(refused) = refusal(&shared, &sid, &headers).await {
        return refused;
    }
    if !ours(&account, &headers, &shared) || !matches!(ext.as_deref(), None | Some("json")) {
        return compat_not_found();
    }
    match record(&sid) {
        Some(body) => json_response(StatusCode::OK, body.to_string()),
        None => compat_not_found(),
    }
}

/// `GET …/Calls/{sid}/Recordings`: the root's one recording; none for the others.
pub(super) async fn call_recordings(
    State(shared): State<Arc<Shared>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let sid = sid.to_ascii_lowercase();
    if let Some(refused) = refusal(&shared, &sid, &headers).await {
        return refused;
    }
    if !ours(&account, &headers, &shared) || record(&sid).is_none() {
        return compat_not_found();
    }
    let recordings = if sid == ids::CHAIN_ROOT {
        vec![recording()]
    } else {
        vec![]
    };
    let page = json!({
        "uri": paths::call_recordings(PROJECT_ID, &sid),
        "page": 0, "page_size": 50, "next_page_uri": null, "previous_page_uri": null,
        "recordings": recordings,
    });
    json_response(StatusCode::OK, page.to_string())
}

/// `GET …/Recordings/{sid}[.json|.wav|.mp3]`: the recording's metadata or its WAV (the demo
/// has no MP3: 404, as for a recording the API cannot convert).
pub(super) async fn audio(
    State(shared): State<Arc<Shared>>,
    Path((account, sid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (sid, ext) = split_ext(&sid);
    if let Some(refused) = refusal(&shared, &sid, &headers).await {
        return refused;
    }
    if !ours(&account, &headers, &shared) || sid != RECORDING {
        return compat_not_found();
    }
    match ext.as_deref() {
        Some("json") => json_response(StatusCode::OK, recording().to_string()),
        None | Some("wav") => {
            let mut response = (StatusCode::OK, wav()).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("audio/x-wav"),
            );
            response
        }
        _ => compat_not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wav_is_a_whole_riff_file_of_pcm() {
        let w = wav();
        assert_eq!(&w[0..4], b"RIFF");
        assert_eq!(&w[8..16], b"WAVEfmt ");
        let riff = u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as usize;
        assert_eq!(riff + 8, w.len(), "the RIFF size covers the file");
        let data = u32::from_le_bytes([w[40], w[41], w[42], w[43]]) as usize;
        assert_eq!(&w[36..40], b"data");
        assert_eq!(data + 44, w.len());
        assert_eq!(data, (RATE * TONE_MS / 1000 * 2) as usize);
        assert!(w[44..].iter().any(|b| *b != 0), "not silence");
    }

    #[test]
    fn the_three_records_are_a_machine_a_busy_and_a_clean_call() {
        let read = |sid| {
            crate::api::compat::CompatCall::from_object(match record(sid) {
                Some(Value::Object(o)) => o,
                _ => panic!("{sid}"),
            })
        };
        let root = read(ids::CHAIN_ROOT);
        assert_eq!(root.answered_by.as_deref(), Some("machine"));
        assert!(crate::why::quality::is_flagged(&root.quality));
        assert_eq!(read(BUSY).sip_code(), Some(486));
        let clean = read(ids::SLOW);
        assert_eq!(clean.answered_by.as_deref(), Some("human"));
        assert!(!crate::why::quality::is_flagged(&clean.quality));
    }
}
