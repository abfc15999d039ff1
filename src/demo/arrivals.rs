//! Calls that keep arriving while the demo server runs, so that `swlog --demo tail` and the
//! inspector's `f` have something to show: one every [`Arrivals::every`], each in progress (or
//! ringing) for a while, then completed, or failed, busy or unanswered, with its duration and
//! charge filled in, as the real API updates a row. Every fifth is a LaML call that dials a PSTN
//! leg (a second later) that bridges a SIP leg once answered (a second after that), each leg
//! naming its parent and going on as long as the call. Each is a pure function of the time.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use super::list::uuid_of;

/// The most arrivals listed: the newest, about two hours at one every four seconds.
const MAX_LISTED: i64 = 2_000;

/// The calls arriving on a demo server that started at `started`.
#[derive(Debug, Clone, Copy)]
pub struct Arrivals {
    /// When the server started: the first call arrives one interval later.
    pub started: DateTime<Utc>,
    /// Time between two calls.
    pub every: TimeDelta,
}

/// splitmix64, as the generated logs use.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Every this many arrivals, one is a call of three legs.
const MULTI_EVERY: i64 = 5;

impl Arrivals {
    fn id(k: u64) -> String {
        uuid_of(mix(k ^ 0xa771_7a15), mix(k.wrapping_add(0x5eed)))
    }

    /// Leg `leg` (1: PSTN, 2: SIP) of call `k`.
    fn leg_id(k: u64, leg: u64) -> String {
        uuid_of(
            mix(k ^ 0x1e65_0000 ^ (leg << 40)),
            mix(k.wrapping_add(leg << 32)),
        )
    }

    /// Call `k`'s legs as of `now`, the first leg first: one, or for every fifth call the LaML
    /// leg and the legs it dialled that have begun.
    fn legs(&self, k: i64, now: DateTime<Utc>) -> Vec<Value> {
        let Some(root) = self.call(k, now) else {
            return Vec::new();
        };
        if k % MULTI_EVERY != 2 {
            return vec![root];
        }
        let mut root = root;
        let at = self.started + self.every * i32::try_from(k + 1).unwrap_or(0);
        let Ok(n) = u64::try_from(k) else {
            return vec![root];
        };
        root["type"] = json!("laml_call");
        root["source"] = json!("laml");
        root["direction"] = json!("inbound");
        root["to"] = json!("+18005550100");
        let status = root["status"].as_str().unwrap_or_default().to_owned();
        let answered = matches!(status.as_str(), "in-progress" | "completed");
        set_charge(&mut root, "Inbound Voice Minutes", 0.0085);
        let mut out = vec![root.clone()];
        let kids: [(u64, &str, &str, &str, f64, &str); 2] = [
            (
                1,
                "relay_pstn_call",
                "+18005550100",
                "+12065550142",
                0.01,
                "Outbound Voice Minutes",
            ),
            (
                2,
                "relay_sip_call",
                "sip:+12065550142@acme.sip.signalwire.com",
                "sip:frontdesk@pbx.example.com;transport=tls",
                0.004,
                "SIP Voice Minutes",
            ),
        ];
        for (leg, kind, from, to, rate, what) in kids {
            let begun = at + TimeDelta::seconds(i64::try_from(leg).unwrap_or(1));
            // The SIP leg is bridged only once the PSTN leg answered.
            if begun > now || (leg == 2 && !answered) {
                break;
            }
            let parent = if leg == 1 {
                Self::id(n)
            } else {
                Self::leg_id(n, 1)
            };
            let ms = (root["duration_ms"].as_i64().unwrap_or(0)
                - 1000 * i64::try_from(leg).unwrap_or(1))
            .max(0);
            let mut v = root.clone();
            for (key, value) in [
                ("id", json!(Self::leg_id(n, leg))),
                ("type", json!(kind)),
                ("source", json!("realtime_api")),
                ("direction", json!("outbound-dial")),
                ("from", json!(from)),
                ("to", json!(to)),
                (
                    "created_at",
                    json!(begun.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                ),
                ("parent_id", json!(parent)),
                ("duration", json!(ms / 1000)),
                ("duration_ms", json!(ms)),
            ] {
                v[key] = value;
            }
            if status == "completed" {
                v["billing_ms"] = json!((ms.max(1) + 59_999) / 60_000 * 60_000);
            }
            set_charge(&mut v, what, rate);
            out.push(v);
        }
        out
    }

    /// Call `k` as of `now` (`None` before it arrives).
    fn call(&self, k: i64, now: DateTime<Utc>) -> Option<Value> {
        let at = self.started + self.every * i32::try_from(k + 1).ok()?;
        if at > now {
            return None;
        }
        let r = mix(u64::try_from(k).ok()?);
        const ENDS: [&str; 6] = [
            "completed",
            "completed",
            "failed",
            "completed",
            "busy",
            "no-answer",
        ];
        let end = ENDS[(r % 6) as usize];
        let answered = end == "completed";
        // An answered call talks for two to five intervals; the others ring for one.
        let lasts = if answered {
            self.every * i32::try_from(2 + (r >> 8) % 4).unwrap_or(2)
        } else {
            self.every
        };
        let over = now - at >= lasts;
        let (status, ms) = match (over, answered) {
            (false, true) => ("in-progress", (now - at).num_milliseconds()),
            (false, false) => ("ringing", 0),
            (true, _) => (
                end,
                if answered {
                    lasts.num_milliseconds()
                } else {
                    0
                },
            ),
        };
        let billed = if over && answered {
            (ms + 59_999) / 60_000 * 60_000
        } else {
            0
        };
        let charge = (billed / 60_000) as f64 * 0.0085;
        let other = format!("+1{:03}555{:04}", 200 + (r >> 24) % 700, (r >> 40) % 10_000);
        let (from, to) = if r.is_multiple_of(3) {
            (super::list::EXAMPLE_NUMBER.to_owned(), other)
        } else {
            (other, "+12065553434".to_owned())
        };
        Some(json!({
            "id": Self::id(u64::try_from(k).ok()?),
            "from": from,
            "to": to,
            "source": "realtime_api",
            "charge": charge,
            "charge_details": [],
            "created_at": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "type": "relay_pstn_call",
            "url": null,
            "direction": if r.is_multiple_of(2) { "inbound" } else { "outbound-api" },
            "status": status,
            "duration": ms / 1000,
            "duration_ms": ms,
            "billing_ms": if over && answered { json!(billed) } else { Value::Null },
            "parent_id": null,
        }))
    }

    /// How many calls have arrived by `now`.
    fn arrived(&self, now: DateTime<Utc>) -> i64 {
        let ms = self.every.num_milliseconds().max(1);
        ((now - self.started).num_milliseconds() / ms).max(0)
    }

    /// The legs of the calls arrived by `now`, newest first, each with its time and body.
    pub fn rows(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, String)> {
        let n = self.arrived(now);
        let mut rows: Vec<(DateTime<Utc>, String)> = (n.saturating_sub(MAX_LISTED)..n)
            .rev()
            .flat_map(|k| self.legs(k, now))
            .filter_map(|v| Some((created(&v)?, v.to_string())))
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.0));
        rows
    }

    /// One arrived leg's body by ID, as of `now`.
    pub fn get(&self, id: &str, now: DateTime<Utc>) -> Option<String> {
        let n = self.arrived(now);
        (n.saturating_sub(MAX_LISTED)..n)
            .filter_map(|k| u64::try_from(k).ok().map(|u| (k, u)))
            .find(|(k, u)| {
                Self::id(*u) == id
                    || (k % MULTI_EVERY == 2
                        && (Self::leg_id(*u, 1) == id || Self::leg_id(*u, 2) == id))
            })
            .and_then(|(k, _)| self.legs(k, now).into_iter().find(|v| v["id"] == id))
            .map(|v| v.to_string())
    }
}

/// Sets a leg's charge from its billed minutes at `rate`, with the one line that makes it.
fn set_charge(v: &mut Value, what: &str, rate: f64) {
    let minutes = v["billing_ms"].as_i64().unwrap_or(0) / 60_000;
    let charge = (minutes as f64 * rate * 10_000.0).round() / 10_000.0;
    v["charge"] = json!(charge);
    v["charge_details"] = if charge > 0.0 {
        json!([{"description": what, "charge": charge}])
    } else {
        json!([])
    };
}

fn created(v: &Value) -> Option<DateTime<Utc>> {
    v["created_at"].as_str()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_arrive_in_progress_and_end_some_of_them_failing() {
        let started = Utc::now();
        let a = Arrivals {
            started,
            every: TimeDelta::seconds(4),
        };
        assert!(a.rows(started).is_empty());
        let first = a.rows(started + TimeDelta::seconds(5));
        assert_eq!(first.len(), 1);
        assert!(first[0].1.contains("in-progress") || first[0].1.contains("ringing"));
        let later = started + TimeDelta::minutes(10);
        let rows = a.rows(later);
        let roots = rows
            .iter()
            .filter(|r| r.1.contains("\"parent_id\":null"))
            .count();
        assert_eq!(roots, 150, "one call every four seconds");
        assert!(rows.windows(2).all(|w| w[0].0 > w[1].0), "newest first");
        let oldest = &rows[rows.len() - 1].1;
        assert!(!oldest.contains("in-progress") && !oldest.contains("ringing"));
        assert!(rows.iter().any(|r| r.1.contains("\"failed\"")));
        let v: Value = serde_json::from_str(&rows[10].1).unwrap();
        let id = v["id"].as_str().unwrap();
        assert_eq!(a.get(id, later).as_deref(), Some(rows[10].1.as_str()));
    }

    #[test]
    fn every_fifth_call_has_three_legs_going_on_then_ending_together() {
        let started = Utc::now();
        let a = Arrivals {
            started,
            every: TimeDelta::seconds(4),
        };
        // Somewhere in the first forty calls one is answered: look while it goes on.
        let going = (0..40).filter(|k| k % MULTI_EVERY == 2).find_map(|k| {
            let now = started + TimeDelta::seconds(4 * (k + 1) + 3);
            let l = a.legs(k, now);
            (l.len() == 3).then_some((k, now, l))
        });
        let (k, now, going) = going.unwrap();
        assert!(
            going.iter().all(|l| l["status"] == "in-progress"),
            "{going:?}"
        );
        assert_eq!(going[0]["type"], "laml_call");
        assert_eq!(going[1]["parent_id"], going[0]["id"]);
        assert_eq!(going[2]["parent_id"], going[1]["id"]);
        for l in &going {
            let id = l["id"].as_str().unwrap();
            assert_eq!(a.get(id, now).as_deref(), Some(l.to_string().as_str()));
        }
        let later = now + TimeDelta::minutes(1);
        let ended = a.legs(k, later);
        assert!(
            ended.iter().all(|l| l["status"] == "completed"),
            "{ended:?}"
        );
        for l in &ended {
            let lines: f64 = l["charge_details"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["charge"].as_f64().unwrap())
                .sum();
            assert!(l["charge"].as_f64().unwrap() > 0.0, "{l}");
            assert!((lines - l["charge"].as_f64().unwrap()).abs() < 1e-9, "{l}");
        }
    }
}
