//! The Compatibility API's records of a LaML call and its recordings
//! (`/api/laml/2010-04-01/Accounts/{project}/Calls/{sid}` and `…/Recordings`), parsed as
//! tolerantly as the voice log: every field optional, a value of another type read where it can
//! be (`"486"` or `486`), unknown fields kept in `raw`. Times are RFC 2822. The call quality
//! fields some Relay voice logs carry themselves (`audio_in_mos`, `audio_rtt_avg`, …) read the
//! same way, through [`Quality::from_object`].

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::model::{as_float, as_int, as_string, as_uuid};

/// The audio quality measures of one leg; each is `None` where the source has no value.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Quality {
    /// Mean opinion score of the received audio, 1.0 (bad) to 5.0 (excellent).
    pub mos: Option<f64>,
    /// Average audio round-trip time, milliseconds.
    pub rtt_ms: Option<i64>,
    /// Average jitter of the audio sent, milliseconds.
    pub jitter_ms: Option<i64>,
    /// Audio packets lost.
    pub lost_packets: Option<i64>,
}

impl Quality {
    /// The quality fields of a Compatibility call or of a voice log that carries them; fields
    /// out of any plausible range (a negative time, a MOS outside 1–5) are left out as invalid.
    pub fn from_object(o: &Map<String, Value>) -> Self {
        let int = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| o.get(*k).and_then(as_int))
                .filter(|v| *v >= 0)
        };
        Self {
            mos: ["audio_in_mos", "mos"]
                .iter()
                .find_map(|k| o.get(*k).and_then(as_float))
                .filter(|m| (1.0..=5.0).contains(m)),
            rtt_ms: int(&["audio_rtt_avg", "audio_rtt"]),
            jitter_ms: int(&[
                "audio_out_jitter_avg",
                "audio_in_jitter_avg",
                "audio_jitter_avg",
            ]),
            lost_packets: int(&["audio_out_lost", "audio_in_lost", "audio_lost"]),
        }
    }

    /// Whether any measure is there.
    pub fn is_empty(&self) -> bool {
        self.mos.is_none()
            && self.rtt_ms.is_none()
            && self.jitter_ms.is_none()
            && self.lost_packets.is_none()
    }
}

/// A LaML call as the Compatibility API describes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CompatCall {
    /// The call's sid: the voice log's ID.
    pub sid: Option<Uuid>,
    /// `queued`, `ringing`, `in-progress`, `canceled`, `completed`, `busy`, `failed`,
    /// `no-answer`, or something newer.
    pub status: Option<String>,
    /// The final SIP response code, as sent (`"486"`).
    pub sip_result_code: Option<String>,
    /// `human` or `machine` when answering-machine detection ran.
    pub answered_by: Option<String>,
    /// Seconds the call lasted.
    pub duration_s: Option<i64>,
    /// When it began.
    pub start_time: Option<DateTime<Utc>>,
    /// When it ended.
    pub end_time: Option<DateTime<Utc>>,
    /// Its price (the API's sign, often negative for a cost).
    pub price: Option<f64>,
    /// The price's currency.
    pub price_unit: Option<String>,
    /// The audio quality.
    pub quality: Quality,
    /// The whole object as received.
    pub raw: Map<String, Value>,
}

impl CompatCall {
    /// The record from a JSON object. Never fails: what cannot be read is `None`.
    pub fn from_object(raw: Map<String, Value>) -> Self {
        let text = |k: &str| raw.get(k).and_then(as_string).filter(|s| !s.is_empty());
        Self {
            sid: raw.get("sid").and_then(as_uuid),
            status: text("status"),
            sip_result_code: text("sip_result_code"),
            answered_by: text("answered_by"),
            duration_s: raw.get("duration").and_then(as_int).filter(|d| *d >= 0),
            start_time: raw.get("start_time").and_then(rfc2822),
            end_time: raw.get("end_time").and_then(rfc2822),
            price: raw.get("price").and_then(as_float),
            price_unit: text("price_unit"),
            quality: Quality::from_object(&raw),
            raw,
        }
    }

    /// The SIP result code as a number, when it is one.
    pub fn sip_code(&self) -> Option<u16> {
        self.sip_result_code.as_deref()?.trim().parse().ok()
    }
}

/// One recording of a call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recording {
    /// Its sid (what its audio is fetched by).
    pub sid: String,
    /// The call it belongs to.
    pub call_sid: Option<Uuid>,
    /// Seconds of audio.
    pub duration_s: Option<i64>,
    /// `completed`, `in-progress`, `failed`, …
    pub status: Option<String>,
    /// Its price, a decimal the API sends in a string.
    pub price: Option<f64>,
    /// The price's currency.
    pub price_unit: Option<String>,
    /// When it was made.
    pub created: Option<DateTime<Utc>>,
    /// `1` or `2`.
    pub channels: Option<String>,
    /// What made it (`RecordVerb`, `DialVerb`, …).
    pub source: Option<String>,
    /// The whole object as received.
    pub raw: Map<String, Value>,
}

impl Recording {
    /// The recording from a JSON object; `None` without a usable sid (nothing could fetch it).
    pub fn from_object(raw: Map<String, Value>) -> Option<Self> {
        let text = |k: &str| raw.get(k).and_then(as_string).filter(|s| !s.is_empty());
        let sid = text("sid")?;
        // A sid goes into a URL path: only what a sid can hold.
        if !sid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            || sid.len() > 64
        {
            return None;
        }
        Some(Self {
            call_sid: raw.get("call_sid").and_then(as_uuid),
            duration_s: raw.get("duration").and_then(as_int).filter(|d| *d >= 0),
            status: text("status"),
            price: raw.get("price").and_then(as_float),
            price_unit: text("price_unit"),
            created: raw.get("date_created").and_then(rfc2822),
            channels: text("channels"),
            source: text("source"),
            sid,
            raw,
        })
    }
}

/// One page of a call's recordings: the recordings whose sid is usable, how many were not,
/// and the next page's path.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordingsPage {
    /// The recordings.
    pub recordings: Vec<Recording>,
    /// Items left out: not an object, or no usable sid.
    pub skipped: usize,
    /// `next_page_uri`, when there is a next page.
    pub next: Option<String>,
}

impl RecordingsPage {
    /// The page from its JSON object; `None` when it has no `recordings` array.
    pub fn from_object(mut raw: Map<String, Value>) -> Option<Self> {
        let Some(Value::Array(items)) = raw.remove("recordings") else {
            return None;
        };
        let mut page = Self {
            next: raw
                .get("next_page_uri")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            ..Self::default()
        };
        for item in items {
            match item {
                Value::Object(o) => match Recording::from_object(o) {
                    Some(r) => page.recordings.push(r),
                    None => page.skipped += 1,
                },
                _ => page.skipped += 1,
            }
        }
        Some(page)
    }
}

/// An RFC 2822 time (`Fri, 21 Sep 2018 10:00:00 +0000`), or RFC 3339 for a server that sends
/// that instead.
fn rfc2822(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?.trim();
    DateTime::parse_from_rfc2822(s)
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(o) => o,
            _ => panic!("an object"),
        }
    }

    #[test]
    fn a_documented_call_reads_every_field() {
        let call = CompatCall::from_object(object(json!({
            "sid": "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11",
            "status": "completed",
            "sip_result_code": "200",
            "answered_by": "machine",
            "duration": 12,
            "start_time": "Fri, 21 Sep 2018 10:00:00 +0000",
            "end_time": "Fri, 21 Sep 2018 10:00:12 +0000",
            "price": -0.0085,
            "price_unit": "USD",
            "audio_in_mos": 2.1,
            "audio_rtt_avg": 120,
            "audio_out_jitter_avg": 45,
            "audio_out_lost": 210,
            "something_new": true
        })));
        assert_eq!(call.status.as_deref(), Some("completed"));
        assert_eq!(call.sip_code(), Some(200));
        assert_eq!(call.answered_by.as_deref(), Some("machine"));
        assert_eq!(call.duration_s, Some(12));
        assert_eq!(
            call.end_time
                .zip(call.start_time)
                .map(|(e, s)| (e - s).num_seconds()),
            Some(12)
        );
        assert_eq!(
            call.quality,
            Quality {
                mos: Some(2.1),
                rtt_ms: Some(120),
                jitter_ms: Some(45),
                lost_packets: Some(210)
            }
        );
        assert_eq!(call.raw.get("something_new"), Some(&json!(true)));
    }

    #[test]
    fn every_field_may_be_missing_null_or_of_another_type() {
        let call = CompatCall::from_object(object(json!({
            "sid": 7, "status": null, "sip_result_code": 486, "duration": "9",
            "start_time": "yesterday", "audio_in_mos": "4.4", "audio_rtt_avg": -3,
            "audio_out_lost": [1]
        })));
        assert_eq!(call.sid, None);
        assert_eq!(call.status, None);
        assert_eq!(call.sip_code(), Some(486), "a number is read as the code");
        assert_eq!(call.duration_s, Some(9));
        assert_eq!(call.start_time, None);
        assert_eq!(call.quality.mos, Some(4.4));
        assert_eq!(call.quality.rtt_ms, None, "a negative time is invalid data");
        assert_eq!(call.quality.lost_packets, None);
        assert!(CompatCall::from_object(Map::new()).quality.is_empty());
    }

    #[test]
    fn a_mos_outside_one_to_five_is_not_a_mos() {
        for bad in [0.0, 5.5, -1.0] {
            let q = Quality::from_object(&object(json!({ "audio_in_mos": bad })));
            assert_eq!(q.mos, None, "{bad}");
        }
    }

    #[test]
    fn a_recordings_page_keeps_usable_sids_and_counts_the_rest() {
        let page = RecordingsPage::from_object(object(json!({
            "recordings": [
                {"sid": "RE-1", "duration": "31", "price": "-0.0025", "status": "completed",
                 "date_created": "Fri, 21 Sep 2018 10:00:00 +0000", "channels": "1"},
                {"sid": "../../etc/passwd"},
                {"duration": 3},
                "not an object"
            ],
            "next_page_uri": "/api/laml/2010-04-01/Accounts/p/Calls/c/Recordings?PageToken=PA1"
        })))
        .expect("a page");
        assert_eq!(page.recordings.len(), 1);
        assert_eq!(page.skipped, 3);
        let r = &page.recordings[0];
        assert_eq!(
            (r.sid.as_str(), r.duration_s, r.price),
            ("RE-1", Some(31), Some(-0.0025))
        );
        assert!(r.created.is_some());
        assert!(page.next.is_some());
        assert_eq!(RecordingsPage::from_object(Map::new()), None);
    }
}
