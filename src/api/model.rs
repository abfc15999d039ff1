//! The typed voice-log record, parsed tolerantly from whatever the server sent.
//!
//! The server is not trusted to be exact: a missing field, `null` where the contract has a value,
//! a float where an integer was expected, a `url` of any JSON type, an unparseable date or an
//! unknown `type` all still give a record that can be shown. Each known field is a [`Field`] that
//! says which of those happened; fields the contract does not name for the variant are kept in
//! [`VoiceLog::extras`]; the whole object is kept in [`VoiceLog::raw`].

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

pub use super::kind::{Family, Key, Kind, LogType};

/// One known field as the server sent it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Field<T> {
    /// The key was absent.
    #[default]
    Missing,
    /// The key was `null`.
    Null,
    /// A value of the expected type (or one that could be read as it).
    Value(T),
    /// A value of another type, kept as sent so that it can still be shown.
    Invalid(Value),
}

impl<T> Field<T> {
    /// The value, when there is one of the expected type.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: Copy> Field<T> {
    /// The value by copy, when there is one of the expected type.
    pub fn get(&self) -> Option<T> {
        self.value().copied()
    }
}

/// One line of `charge_details`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChargeLine {
    /// What was charged, e.g. "Outbound Voice Minutes".
    pub description: Field<String>,
    /// The amount in dollars.
    pub charge: Field<f64>,
}

/// A voice log, typed where the contract allows and raw where it does not.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceLog {
    /// Which kind of record this is.
    pub kind: Kind,
    /// The log ID (the Dashboard's "Voice Segment ID").
    pub id: Field<Uuid>,
    /// Origin number or URI.
    pub from: Field<String>,
    /// Destination number or URI.
    pub to: Field<String>,
    /// `laml`, `realtime_api`, `dialogflow`, or something newer.
    pub source: Field<String>,
    /// `inbound`, `outbound`, `outbound-api`, `outbound-dial`, ...
    pub direction: Field<String>,
    /// The call status; its vocabulary depends on the engine.
    pub status: Field<String>,
    /// When the log was created.
    pub created_at: Field<DateTime<Utc>>,
    /// When the log was deleted (discarded logs only).
    pub discarded_at: Field<DateTime<Utc>>,
    /// Duration in whole seconds.
    pub duration: Field<i64>,
    /// Duration in milliseconds.
    pub duration_ms: Field<i64>,
    /// Billable duration in milliseconds (older documentation: seconds).
    pub billing_ms: Field<i64>,
    /// The total charge in dollars.
    pub charge: Field<f64>,
    /// The charge breakdown.
    pub charge_details: Field<Vec<ChargeLine>>,
    /// The resource URL of a LaML call; any JSON type is accepted.
    pub url: Field<Value>,
    /// The parent leg's log ID.
    pub parent_id: Field<String>,
    /// Fields the contract does not name for this kind, in the order the server sent them.
    pub extras: Vec<(String, Value)>,
    /// The whole object as received.
    pub raw: Map<String, Value>,
}

impl VoiceLog {
    /// Builds the typed record from a JSON object. Never fails: what cannot be typed is kept.
    pub fn from_object(raw: Map<String, Value>) -> Self {
        let kind = match raw.get("type") {
            Some(Value::String(s)) => match LogType::from_wire(s) {
                Some(t) => Kind::Call(t),
                None => Kind::Unknown(Some(Value::String(s.clone()))),
            },
            None if raw.contains_key("discarded_at") => Kind::Discarded,
            None => Kind::Unknown(None),
            Some(other) => Kind::Unknown(Some(other.clone())),
        };
        let known = kind.keys();
        let extras = raw
            .iter()
            .filter(|(k, _)| {
                let named = k.as_str() == "type" && matches!(kind, Kind::Call(_))
                    || known.iter().any(|key| key.wire() == k.as_str());
                !named
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let get = |key: Key| raw.get(key.wire());
        Self {
            id: field(get(Key::Id), as_uuid),
            from: field(get(Key::From), as_string),
            to: field(get(Key::To), as_string),
            source: field(get(Key::Source), as_string),
            direction: field(get(Key::Direction), as_string),
            status: field(get(Key::Status), as_string),
            created_at: field(get(Key::CreatedAt), as_time),
            discarded_at: field(get(Key::DiscardedAt), as_time),
            // A negative time or charge is not a value the API means: invalid data, shown as
            // sent and never computed with (`-2147483648` ms is not "-596h").
            duration: field(get(Key::Duration), non_negative(as_int)),
            duration_ms: field(get(Key::DurationMs), non_negative(as_int)),
            billing_ms: field(get(Key::BillingMs), non_negative(as_int)),
            charge: field(get(Key::Charge), non_negative(as_float)),
            charge_details: field(get(Key::ChargeDetails), as_charge_lines),
            url: field(get(Key::Url), |v| Some(v.clone())),
            parent_id: field(get(Key::ParentId), as_string),
            kind,
            extras,
            raw,
        }
    }

    /// The parent leg's ID, when it is a valid UUID.
    pub fn parent_uuid(&self) -> Option<Uuid> {
        self.parent_id
            .value()
            .and_then(|s| Uuid::try_parse(s.trim()).ok())
    }

    /// The sum of the charge breakdown's amounts (lines without a number count as zero).
    pub fn charge_details_sum(&self) -> Option<f64> {
        let lines = self.charge_details.value()?;
        Some(lines.iter().filter_map(|l| l.charge.get()).sum())
    }

    /// How far the breakdown's sum is from `charge`, when both are known and they disagree by
    /// more than a hundredth of a cent.
    pub fn charge_mismatch(&self) -> Option<f64> {
        let lines = self.charge_details.value()?;
        if lines.is_empty() {
            return None;
        }
        let total = self.charge.get()?;
        let diff = self.charge_details_sum()? - total;
        (diff.abs() > 0.000_05).then_some(diff)
    }

    /// The outcome class of the status, for colour.
    pub fn outcome(&self) -> Outcome {
        self.status
            .value()
            .map_or(Outcome::Unknown, |s| Outcome::of(s))
    }
}

/// How a status word reads to a support engineer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// completed, answered, ended, joined.
    Good,
    /// failed, busy, no-answer, canceled.
    Bad,
    /// queued, initiated, ringing, in-progress, created, ending: the call is still going.
    Live,
    /// No status, or a word swlog does not know.
    Unknown,
}

impl Outcome {
    /// Classifies a status word.
    pub fn of(status: &str) -> Self {
        match status {
            "completed" | "answered" | "ended" | "joined" => Outcome::Good,
            "failed" | "busy" | "no-answer" | "canceled" | "cancelled" => Outcome::Bad,
            "queued" | "initiated" | "ringing" | "in-progress" | "created" | "ending" => {
                Outcome::Live
            }
            _ => Outcome::Unknown,
        }
    }
}

pub(crate) fn field<T>(v: Option<&Value>, read: impl FnOnce(&Value) -> Option<T>) -> Field<T> {
    match v {
        None => Field::Missing,
        Some(Value::Null) => Field::Null,
        Some(v) => read(v).map_or_else(|| Field::Invalid(v.clone()), Field::Value),
    }
}

/// `read`, refusing a negative result (which then makes the field invalid).
fn non_negative<T: PartialOrd + Default>(
    read: impl Fn(&Value) -> Option<T>,
) -> impl Fn(&Value) -> Option<T> {
    move |v| read(v).filter(|x| *x >= T::default())
}

pub(crate) fn as_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn as_uuid(v: &Value) -> Option<Uuid> {
    v.as_str().and_then(|s| Uuid::try_parse(s.trim()).ok())
}

pub(crate) fn as_float(v: &Value) -> Option<f64> {
    let f = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }?;
    f.is_finite().then_some(f)
}

/// Integers arrive as integers, as floats (`9.0`, `9638.4`) or as numeric strings.
pub(crate) fn as_int(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = as_float(v)?.round();
    // The bounds keep the cast exact; a value out of i64's range is left Invalid.
    (-9.0e18..=9.0e18).contains(&f).then_some(f as i64)
}

pub(crate) fn as_time(v: &Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Seen in older payloads: a space instead of `T`, and no zone (UTC).
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .map(|n| n.and_utc())
}

fn as_charge_lines(v: &Value) -> Option<Vec<ChargeLine>> {
    let items = v.as_array()?;
    Some(
        items
            .iter()
            .map(|item| match item {
                Value::Object(o) => ChargeLine {
                    description: field(o.get("description"), as_string),
                    charge: field(o.get("charge"), as_float),
                },
                other => ChargeLine {
                    description: Field::Invalid(other.clone()),
                    charge: Field::Missing,
                },
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> VoiceLog {
        match v {
            Value::Object(o) => VoiceLog::from_object(o),
            _ => panic!("test body must be an object"),
        }
    }

    #[test]
    fn documented_example_parses_fully() {
        let log = parse(
            json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","from":"+12065551212","to":"+12065553434","source":"realtime_api","charge":0.01,"charge_details":[],"created_at":"2024-05-06T12:20:00Z","type":"relay_sip_call","url":null,"direction":"inbound","status":"completed","duration":9,"duration_ms":9638,"billing_ms":60000,"parent_id":null}),
        );
        assert_eq!(log.kind, Kind::Call(LogType::RelaySipCall));
        assert_eq!(log.from.value().map(String::as_str), Some("+12065551212"));
        assert_eq!(log.duration_ms.get(), Some(9638));
        assert_eq!(log.billing_ms.get(), Some(60000));
        assert_eq!(log.url, Field::Null);
        assert_eq!(log.parent_id, Field::Null);
        assert!(log.extras.is_empty());
        assert_eq!(log.outcome(), Outcome::Good);
    }

    #[test]
    fn every_known_type_maps_to_its_family() {
        for t in LogType::ALL {
            assert_eq!(LogType::from_wire(t.wire()), Some(t));
        }
        assert_eq!(LogType::VideoRoomSipLeg.family(), Family::VideoRoom);
        assert_eq!(LogType::DialogflowCall.family(), Family::Dialogflow);
        assert_eq!(LogType::FabricSubscriberDeviceLeg.family(), Family::Fabric);
        assert_eq!(LogType::LamlCall.family(), Family::Relay);
    }

    #[test]
    fn discarded_log_has_no_type() {
        let log = parse(
            json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","discarded_at":"2024-05-07T00:00:00Z","created_at":"2024-05-06T12:20:00Z"}),
        );
        assert_eq!(log.kind, Kind::Discarded);
        assert!(log.discarded_at.value().is_some());
        assert!(log.extras.is_empty());
    }

    #[test]
    fn unknown_type_keeps_every_field_as_extra() {
        let log = parse(
            json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","type":"ai_agent_call","from":"+1","agent":"x"}),
        );
        assert_eq!(log.kind, Kind::Unknown(Some(json!("ai_agent_call"))));
        let keys: Vec<_> = log.extras.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["id", "type", "from", "agent"]);
        // Common fields are still read, for summaries.
        assert_eq!(log.from.value().map(String::as_str), Some("+1"));
    }

    #[test]
    fn fields_outside_the_variant_are_extras() {
        // Video room legs have no parent_id or billing_ms in the contract.
        let log = parse(
            json!({"type":"video_room_pstn_leg","parent_id":"p","billing_ms":5,"audio_in_mos":4.2}),
        );
        let keys: Vec<_> = log.extras.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["parent_id", "billing_ms", "audio_in_mos"]);
        assert!(!log.kind.has(Key::ParentId));
        assert!(log.kind.has(Key::DurationMs));
    }

    #[test]
    fn wrong_types_are_tolerated_and_kept() {
        let log = parse(json!({
            "type":"relay_pstn_call",
            "duration": 9.0, "duration_ms": "11521", "billing_ms": 5209.6,
            "charge": "0.0125", "url": {"href": "x"}, "from": 15551234567_i64,
            "to": ["not", "a", "string"], "created_at": "+275760-09-13T00:00:00Z",
            "status": null
        }));
        assert_eq!(log.duration.get(), Some(9));
        assert_eq!(log.duration_ms.get(), Some(11521));
        assert_eq!(log.billing_ms.get(), Some(5210));
        assert_eq!(log.charge.get(), Some(0.0125));
        assert_eq!(log.url, Field::Value(json!({"href": "x"})));
        assert_eq!(log.from.value().map(String::as_str), Some("15551234567"));
        assert_eq!(log.to, Field::Invalid(json!(["not", "a", "string"])));
        assert_eq!(
            log.created_at,
            Field::Invalid(json!("+275760-09-13T00:00:00Z"))
        );
        assert_eq!(log.status, Field::Null);
        assert_eq!(log.id, Field::Missing);
        assert_eq!(log.outcome(), Outcome::Unknown);
    }

    #[test]
    fn negative_times_and_charges_are_invalid_data() {
        let log = parse(json!({"type":"relay_pstn_call","duration": -2147483648i64,
            "duration_ms": -2147483648i64, "billing_ms": -2147483648i64, "charge": -0.5}));
        assert_eq!(log.duration, Field::Invalid(json!(-2147483648i64)));
        assert_eq!(log.duration_ms, Field::Invalid(json!(-2147483648i64)));
        assert_eq!(log.billing_ms, Field::Invalid(json!(-2147483648i64)));
        assert_eq!(log.charge, Field::Invalid(json!(-0.5)));
        let zero = parse(json!({"type":"relay_pstn_call","duration_ms": 0, "charge": 0.0}));
        assert_eq!(
            (zero.duration_ms.get(), zero.charge.get()),
            (Some(0), Some(0.0))
        );
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let log = parse(json!({"type":"relay_pstn_call","duration_ms": 1e300, "charge": 1e308}));
        assert_eq!(log.duration_ms, Field::Invalid(json!(1e300)));
        assert_eq!(log.charge.get(), Some(1e308));
    }

    #[test]
    fn charge_mismatch_is_the_signed_difference() {
        let log = parse(json!({"type":"laml_call","charge":0.05,"charge_details":[
            {"description":"Inbound Voice Minutes","charge":0.02},
            {"description":"Text to Speech","charge":0.01}]}));
        let diff = log.charge_mismatch().unwrap_or_default();
        assert!((diff + 0.02).abs() < 1e-9, "{diff}");

        let ok = parse(json!({"type":"laml_call","charge":0.03,"charge_details":[
            {"description":"a","charge":0.02},{"description":"b","charge":0.01}]}));
        assert_eq!(ok.charge_mismatch(), None);

        let empty = parse(json!({"type":"laml_call","charge":0.03,"charge_details":[]}));
        assert_eq!(empty.charge_mismatch(), None);
    }

    #[test]
    fn charge_lines_of_odd_shapes_are_kept() {
        let log = parse(json!({"type":"laml_call","charge_details":[7, {"charge":"0.5"}]}));
        let lines = log.charge_details.value().cloned().unwrap_or_default();
        assert_eq!(lines[0].description, Field::Invalid(json!(7)));
        assert_eq!(lines[1].description, Field::Missing);
        assert_eq!(lines[1].charge.get(), Some(0.5));
    }

    #[test]
    fn statuses_are_classified() {
        assert_eq!(Outcome::of("no-answer"), Outcome::Bad);
        assert_eq!(Outcome::of("joined"), Outcome::Good);
        assert_eq!(Outcome::of("ringing"), Outcome::Live);
        assert_eq!(Outcome::of("teleported"), Outcome::Unknown);
    }

    #[test]
    fn naive_dates_are_read_as_utc() {
        let log = parse(json!({"type":"laml_call","created_at":"2024-05-06 12:20:00"}));
        assert_eq!(
            log.created_at.value().map(|t| t.to_rfc3339()),
            Some("2024-05-06T12:20:00+00:00".to_owned())
        );
    }
}
