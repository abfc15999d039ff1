//! A busy space's logs, generated deterministically from a seed: calls at the configured rate,
//! each a LaML root leg with PSTN or SIP children linked by `parent_id`, with realistic
//! statuses, durations, charges and numbers; the last minutes' calls still live.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::super::list::EXAMPLE_NUMBER;

/// One leg: its `created_at` (Unix ms) and its JSON body.
#[derive(Debug)]
pub(super) struct Leg {
    pub(super) at: i64,
    id: Box<str>,
    pub(super) body: Box<str>,
}

/// Every leg, newest first, and where each ID is.
#[derive(Debug)]
pub(super) struct Space {
    pub(super) legs: Vec<Leg>,
    by_id: HashMap<String, usize>,
}

/// splitmix64: deterministic, tiny, good enough to scatter test data.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A stream of random numbers from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = mix(self.0);
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn uuid(r: &mut Rng) -> String {
    let (a, b) = (r.next(), r.next());
    crate::demo::list::uuid_of(a, b)
}

/// One of a small pool of customer numbers (so that searches for one find several calls); the
/// example number among them.
fn customer(r: &mut Rng) -> String {
    match r.below(400) {
        0 => EXAMPLE_NUMBER.to_owned(),
        n => format!("+1{:03}555{:04}", 201 + n % 700, mix(n) % 10_000),
    }
}

fn stamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// What one leg is.
struct Shape<'a> {
    kind: &'a str,
    from: String,
    to: String,
    direction: &'a str,
    parent: Option<&'a str>,
}

/// A leg's body, given its shape, start and status.
fn leg(r: &mut Rng, id: &str, shape: &Shape<'_>, at: i64, now: i64) -> String {
    let age_s = (now - at) / 1000;
    // The last minutes' calls are still going, as on a live space.
    let status = match (age_s, r.below(20)) {
        (..=20, _) => "ringing",
        (..=40, 0..=1) => "queued",
        (..=300, _) => "in-progress",
        (_, 0..=1) => "no-answer",
        (_, 2) => "busy",
        (_, 3) => "failed",
        _ => "completed",
    };
    let answered = status == "completed";
    let ms = if answered {
        4_000 + r.below(900_000)
    } else {
        0
    };
    let billed = ms.div_ceil(60_000) * 60_000;
    let rate = if shape.kind == "relay_sip_call" {
        0.004
    } else {
        0.0085
    };
    let charge = (billed / 60_000) as f64 * rate;
    let lines = if answered {
        let what = if shape.direction == "inbound" {
            "Inbound Voice Minutes"
        } else {
            "Outbound Voice Minutes"
        };
        format!(r#"[{{"description":"{what}","charge":{charge}}}]"#)
    } else {
        "[]".to_owned()
    };
    let source = if shape.kind == "laml_call" {
        "laml"
    } else {
        "realtime_api"
    };
    let billing = if answered {
        billed.to_string()
    } else {
        "null".to_owned()
    };
    let parent = shape
        .parent
        .map_or_else(|| "null".to_owned(), |p| format!("\"{p}\""));
    // Written out rather than built with `json!`: a few hundred thousand rows start in seconds
    // even in a debug build. Every string here is ours and needs no escaping.
    format!(
        r#"{{"id":"{id}","from":"{from}","to":"{to}","source":"{source}","charge":{charge},"charge_details":{lines},"created_at":"{at}","type":"{kind}","url":null,"direction":"{direction}","status":"{status}","duration":{secs},"duration_ms":{ms},"billing_ms":{billing},"parent_id":{parent}}}"#,
        from = shape.from,
        to = shape.to,
        at = stamp(at),
        kind = shape.kind,
        direction = shape.direction,
        secs = ms / 1000,
    )
}

impl Space {
    /// `rows_per_hour` legs an hour over the `days` before `now`, from `seed`.
    pub(super) fn generate(seed: u64, now: DateTime<Utc>, rows_per_hour: u32, days: u32) -> Self {
        let mut r = Rng(seed);
        let now_ms = now.timestamp_millis();
        let start = now_ms - i64::from(days) * 86_400_000;
        // A call has two legs on average (1, 2 or 3): calls come at half the row rate.
        let gap_ms = (2 * 3_600_000 / u64::from(rows_per_hour.max(1))).max(1);
        let mut legs = Vec::new();
        let mut t = now_ms - i64::try_from(r.below(gap_ms)).unwrap_or(0);
        while t > start {
            let root_id = uuid(&mut r);
            let caller = customer(&mut r);
            let line = format!("+1415555{:04}", 100 + r.below(50));
            let root = Shape {
                kind: "laml_call",
                from: caller.clone(),
                to: line.clone(),
                direction: "inbound",
                parent: None,
            };
            let body = leg(&mut r, &root_id, &root, t, now_ms);
            legs.push(Leg {
                at: t,
                id: root_id.as_str().into(),
                body: body.into(),
            });
            let children = [0, 1, 1, 2][usize::try_from(r.below(4)).unwrap_or(0)];
            for c in 0..children {
                let at = t + 500 + i64::try_from(r.below(4_000)).unwrap_or(0) + c * 1_000;
                if at >= now_ms {
                    continue;
                }
                let agent = r.below(60);
                let shape = if r.below(3) == 0 {
                    Shape {
                        kind: "relay_sip_call",
                        from: format!("sip:{line}@voice.example.signalwire.com"),
                        to: format!("sip:agent{agent}@pbx.example.com"),
                        direction: "outbound-dial",
                        parent: Some(&root_id),
                    }
                } else {
                    Shape {
                        kind: "relay_pstn_call",
                        from: line.clone(),
                        to: format!("+1206555{:04}", agent * 37 % 10_000),
                        direction: "outbound-dial",
                        parent: Some(&root_id),
                    }
                };
                let id = uuid(&mut r);
                let body = leg(&mut r, &id, &shape, at, now_ms);
                legs.push(Leg {
                    at,
                    id: id.into(),
                    body: body.into(),
                });
            }
            // Exponential-ish spacing: busy minutes and quiet ones, the mean as configured.
            let u = (r.below(1_000_000) as f64 + 1.0) / 1_000_001.0;
            let step = (-(u.ln()) * gap_ms as f64).max(1.0);
            t -= step as i64;
        }
        legs.sort_by_key(|l| std::cmp::Reverse(l.at));
        let by_id = legs
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.to_string(), i))
            .collect();
        Self { legs, by_id }
    }

    /// A leg's body by ID.
    pub(super) fn get(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(|i| &*self.legs[*i].body)
    }

    /// The index range of legs with `from <= at < to` (bounds in Unix ms), newest first.
    pub(super) fn range(&self, from: Option<i64>, to: Option<i64>) -> std::ops::Range<usize> {
        // Newest first: legs at or after `to` come before the range, legs before `from` after.
        let start = to.map_or(0, |to| self.legs.partition_point(|l| l.at >= to));
        let end = from.map_or(self.legs.len(), |from| {
            self.legs.partition_point(|l| l.at >= from)
        });
        start..end.max(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn generation_is_deterministic_newest_first_at_the_rate_and_linked() {
        let now = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap();
        let a = Space::generate(7, now, 500, 1);
        let b = Space::generate(7, now, 500, 1);
        assert_eq!(a.legs.len(), b.legs.len());
        assert!(a.legs.iter().zip(&b.legs).all(|(x, y)| x.body == y.body));
        assert_ne!(Space::generate(8, now, 500, 1).legs[0].body, a.legs[0].body);
        let n = a.legs.len();
        assert!(
            (10_000..14_000).contains(&n),
            "about 12,000 legs a day: {n}"
        );
        assert!(a.legs.windows(2).all(|w| w[0].at >= w[1].at));
        let children: Vec<Value> = a
            .legs
            .iter()
            .map(|l| serde_json::from_str(&l.body).unwrap())
            .filter(|v: &Value| v["parent_id"].is_string())
            .collect();
        assert!(children.len() > n / 3);
        assert!(
            children
                .iter()
                .take(50)
                .all(|c| a.get(c["parent_id"].as_str().unwrap()).is_some())
        );
        let live = a
            .legs
            .iter()
            .filter(|l| l.body.contains("\"in-progress\""))
            .count();
        assert!(live > 0, "the last minutes are live");
        let r = a.range(Some(a.legs[9].at), Some(a.legs[2].at));
        assert!(r.start <= 3 && r.end >= 9);
    }
}
