//! The demo's calls of several legs, besides the chain in `assets/demo/`: every day of the list,
//! at the same times of day (UTC), a LaML call that dialled a PSTN leg that bridged a SIP leg and
//! was dropped after eight seconds but billed a minute on every leg; a LaML call whose PSTN leg
//! failed; and one that went well for three minutes. Each leg's ID comes from its day, its call
//! and its place in the call, so the same ID is the same leg in every run and on every day it is
//! listed (a lookup made yesterday still matches), and each names its parent in `parent_id`.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::{Value, json};

use super::list::{EXAMPLE_NUMBER, uuid_of};

/// One leg of a call's shape.
struct Leg {
    kind: &'static str,
    direction: &'static str,
    from: &'static str,
    to: &'static str,
    status: &'static str,
    /// Created this long after the first leg.
    after_ms: i64,
    duration_ms: i64,
    billing_ms: Option<i64>,
    /// The charge's lines; the charge is their sum.
    lines: &'static [(&'static str, f64)],
    /// Its parent's place in the call.
    parent: Option<usize>,
}

/// A call's shape: its time of day (UTC) and its legs, the first leg first.
struct Shape {
    at: (u32, u32, u32),
    legs: &'static [Leg],
}

const PBX: &str = "sip:frontdesk@pbx.example.com;transport=tls";
const SIP_FROM: &str = "sip:+12065550142@acme.sip.signalwire.com";

/// The demo's multi-leg calls, in the order [`DROPPED_BUT_BILLED`], [`SECOND_LEG_FAILED`],
/// [`COMPLETED`].
const SHAPES: [Shape; 3] = [
    // Dropped after 8 s, billed a whole minute on each of its three legs.
    Shape {
        at: (14, 7, 31),
        legs: &[
            Leg {
                kind: "laml_call",
                direction: "inbound",
                from: EXAMPLE_NUMBER,
                to: "+18005550100",
                status: "completed",
                after_ms: 0,
                duration_ms: 8_240,
                billing_ms: Some(60_000),
                lines: &[("Inbound Voice Minutes", 0.0085)],
                parent: None,
            },
            Leg {
                kind: "relay_pstn_call",
                direction: "outbound-dial",
                from: "+18005550100",
                to: "+12065550142",
                status: "completed",
                after_ms: 1_310,
                duration_ms: 6_480,
                billing_ms: Some(60_000),
                lines: &[("Outbound Voice Minutes", 0.01)],
                parent: Some(0),
            },
            Leg {
                kind: "relay_sip_call",
                direction: "outbound-dial",
                from: SIP_FROM,
                to: PBX,
                status: "completed",
                after_ms: 2_020,
                duration_ms: 5_610,
                billing_ms: Some(60_000),
                lines: &[("SIP Voice Minutes", 0.004)],
                parent: Some(1),
            },
        ],
    },
    // The caller heard a message; the PSTN leg it dialled failed.
    Shape {
        at: (15, 22, 4),
        legs: &[
            Leg {
                kind: "laml_call",
                direction: "inbound",
                from: EXAMPLE_NUMBER,
                to: "+18005550100",
                status: "completed",
                after_ms: 0,
                duration_ms: 14_905,
                billing_ms: Some(60_000),
                lines: &[
                    ("Inbound Voice Minutes", 0.0085),
                    ("Text to Speech", 0.0032),
                ],
                parent: None,
            },
            Leg {
                kind: "relay_pstn_call",
                direction: "outbound-dial",
                from: "+18005550100",
                to: "+12065550177",
                status: "failed",
                after_ms: 1_120,
                duration_ms: 0,
                billing_ms: None,
                lines: &[],
                parent: Some(0),
            },
        ],
    },
    // Three legs, three minutes and a bit, billed four.
    Shape {
        at: (16, 41, 50),
        legs: &[
            Leg {
                kind: "laml_call",
                direction: "inbound",
                from: "+13125550199",
                to: "+18005550100",
                status: "completed",
                after_ms: 0,
                duration_ms: 192_410,
                billing_ms: Some(240_000),
                lines: &[("Inbound Voice Minutes", 0.034)],
                parent: None,
            },
            Leg {
                kind: "relay_pstn_call",
                direction: "outbound-dial",
                from: "+18005550100",
                to: "+12065550142",
                status: "completed",
                after_ms: 1_450,
                duration_ms: 188_330,
                billing_ms: Some(240_000),
                lines: &[("Outbound Voice Minutes", 0.04)],
                parent: Some(0),
            },
            Leg {
                kind: "relay_sip_call",
                direction: "outbound-dial",
                from: SIP_FROM,
                to: PBX,
                status: "completed",
                after_ms: 2_210,
                duration_ms: 185_960,
                billing_ms: Some(240_000),
                lines: &[("SIP Voice Minutes", 0.016)],
                parent: Some(1),
            },
        ],
    },
];

/// Which call of a day: dropped after 8 s and billed a minute on every leg.
pub const DROPPED_BUT_BILLED: usize = 0;
/// Which call of a day: its second leg (PSTN) failed.
pub const SECOND_LEG_FAILED: usize = 1;
/// Which call of a day: three legs, completed.
pub const COMPLETED: usize = 2;

/// The ID of leg `leg` of call `call` on `day`.
pub fn id(day: NaiveDate, call: usize, leg: usize) -> String {
    let d = u64::try_from(day.to_epoch_days()).unwrap_or(0);
    let seed = (d << 8) | ((call as u64) << 4) | leg as u64;
    uuid_of(mix(seed ^ 0x6d75_6c74_6c65_6773), mix(seed ^ 0x0ca1_1ed0))
}

/// splitmix64, as the generated logs use.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The legs of call `call` on `day` (the first leg first), whether or not it has happened yet.
pub fn legs_of(day: NaiveDate, call: usize) -> Vec<Value> {
    let Some(shape) = SHAPES.get(call) else {
        return Vec::new();
    };
    let (h, m, s) = shape.at;
    let Some(start) = NaiveTime::from_hms_opt(h, m, s).map(|t| day.and_time(t).and_utc()) else {
        return Vec::new();
    };
    shape
        .legs
        .iter()
        .enumerate()
        .map(|(n, leg)| {
            let at = start + Duration::milliseconds(leg.after_ms);
            let charge: f64 = leg.lines.iter().map(|(_, c)| c).sum();
            let details: Vec<Value> = leg
                .lines
                .iter()
                .map(|(d, c)| json!({"description": d, "charge": c}))
                .collect();
            json!({
                "id": id(day, call, n),
                "from": leg.from,
                "to": leg.to,
                "source": if leg.kind == "laml_call" { "laml" } else { "realtime_api" },
                "charge": (charge * 10_000.0).round() / 10_000.0,
                "charge_details": details,
                "created_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "type": leg.kind,
                "url": null,
                "direction": leg.direction,
                "status": leg.status,
                "duration": leg.duration_ms / 1000,
                "duration_ms": leg.duration_ms,
                "billing_ms": leg.billing_ms,
                "parent_id": leg.parent.map(|p| id(day, call, p)),
            })
        })
        .collect()
}

/// Every leg of the calls that ended in the seven days before `now`.
pub fn legs(now: DateTime<Utc>) -> Vec<Value> {
    let from = now - Duration::days(7);
    let mut out = Vec::new();
    let mut day = from.date_naive();
    while day <= now.date_naive() {
        for call in 0..SHAPES.len() {
            let legs = legs_of(day, call);
            let ended = |v: &Value| {
                let at = v["created_at"]
                    .as_str()
                    .and_then(|s| s.parse::<DateTime<Utc>>().ok());
                let ms = v["duration_ms"].as_i64().unwrap_or(0);
                at.map(|t| (t, t + Duration::milliseconds(ms)))
            };
            let whole = legs
                .iter()
                .filter_map(ended)
                .all(|(start, end)| start > from && end <= now);
            if whole {
                out.extend(legs);
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn each_leg_names_its_parent_and_its_charge_is_its_lines() {
        for call in 0..SHAPES.len() {
            let legs = legs_of(day("2026-12-05"), call);
            assert_eq!(legs[0]["parent_id"], Value::Null);
            for leg in &legs[1..] {
                let parent = leg["parent_id"].as_str().unwrap();
                assert!(legs.iter().any(|l| l["id"] == parent), "{leg}");
            }
            for leg in &legs {
                let lines: f64 = leg["charge_details"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["charge"].as_f64().unwrap())
                    .sum();
                let charge = leg["charge"].as_f64().unwrap();
                assert!((lines - charge).abs() < 1e-9, "{leg}");
            }
        }
        let dropped = legs_of(day("2026-12-05"), DROPPED_BUT_BILLED);
        assert!(dropped[0]["duration_ms"].as_i64().unwrap() <= 30_000);
        assert!(dropped.iter().all(|l| l["charge"].as_f64().unwrap() > 0.0));
        assert_eq!(dropped[0]["billing_ms"], 60_000);
        let failed = legs_of(day("2026-12-05"), SECOND_LEG_FAILED);
        assert_eq!(failed[1]["status"], "failed");
    }

    #[test]
    fn a_leg_keeps_its_id_and_time_from_day_to_day_and_only_ended_calls_are_listed() {
        let now = "2026-12-06T15:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let today = legs(now);
        let tomorrow = legs(now + Duration::days(1));
        let yesterday = id(day("2026-12-05"), DROPPED_BUT_BILLED, 0);
        for rows in [&today, &tomorrow] {
            let found: Vec<&Value> = rows.iter().filter(|v| v["id"] == yesterday).collect();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0]["created_at"], "2026-12-05T14:07:31.000Z");
        }
        // At 15:00 the day's 14:07 call has ended and is listed; its 16:41 call has not.
        assert!(
            today
                .iter()
                .any(|v| v["id"] == id(day("2026-12-06"), DROPPED_BUT_BILLED, 2))
        );
        assert!(
            !today
                .iter()
                .any(|v| v["id"] == id(day("2026-12-06"), COMPLETED, 0))
        );
        assert!(
            !today
                .iter()
                .any(|v| v["id"] == id(day("2026-11-29"), DROPPED_BUT_BILLED, 0))
        );
        assert_ne!(id(day("2026-12-05"), 0, 0), id(day("2026-12-06"), 0, 0));
    }
}
