//! Calls that keep arriving while the demo server runs, so that `swlog --demo tail` and the
//! inspector's `f` have something to show: one every [`Arrivals::every`], each in progress (or
//! ringing) for a while, then completed, or failed, busy or unanswered, with its duration and
//! charge filled in, as the real API updates a row. Each is a pure function of the time.

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

impl Arrivals {
    fn id(k: u64) -> String {
        uuid_of(mix(k ^ 0xa771_7a15), mix(k.wrapping_add(0x5eed)))
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

    /// The calls arrived by `now`, newest first, each with its time and body.
    pub fn rows(&self, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, String)> {
        let n = self.arrived(now);
        (n.saturating_sub(MAX_LISTED)..n)
            .rev()
            .filter_map(|k| {
                let v = self.call(k, now)?;
                let at = self.started + self.every * i32::try_from(k + 1).ok()?;
                Some((at, v.to_string()))
            })
            .collect()
    }

    /// One arrived call's body by ID, as of `now`.
    pub fn get(&self, id: &str, now: DateTime<Utc>) -> Option<String> {
        let n = self.arrived(now);
        (n.saturating_sub(MAX_LISTED)..n)
            .find(|k| u64::try_from(*k).is_ok_and(|k| Self::id(k) == id))
            .and_then(|k| self.call(k, now))
            .map(|v| v.to_string())
    }
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
        assert_eq!(rows.len(), 150);
        assert!(rows.windows(2).all(|w| w[0].0 > w[1].0), "newest first");
        let oldest = &rows[rows.len() - 1].1;
        assert!(!oldest.contains("in-progress") && !oldest.contains("ringing"));
        assert!(rows.iter().any(|r| r.1.contains("\"failed\"")));
        let v: Value = serde_json::from_str(&rows[10].1).unwrap();
        let id = v["id"].as_str().unwrap();
        assert_eq!(a.get(id, later).as_deref(), Some(rows[10].1.as_str()));
    }
}
