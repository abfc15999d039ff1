//! The index's tests, on real SQLite files in temporary directories.

mod coverage;
mod robustness;
mod rows;
mod upkeep;

use chrono::{DateTime, TimeDelta, TimeZone as _, Utc};
use serde_json::{Map, Value, json};

use super::{Index, Origin, Scope, Window};

/// A fixed instant to build rows around.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

fn at(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

fn window(from: i64, to: i64) -> Window {
    Window::new(at(from), at(to))
}

fn scope() -> Scope {
    Scope::new(Origin::parse("https://acme.signalwire.com").unwrap(), "p1")
}

/// A completed call leg created `minutes` after [`t0`], lasting a minute.
fn row(n: u32, minutes: i64) -> Map<String, Value> {
    let v = json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "from": "+14155550123",
        "to": format!("sip:agent{n}@pbx.example.com"),
        "type": "relay_pstn_call",
        "direction": "outbound-api",
        "status": "completed",
        "created_at": at(minutes).to_rfc3339(),
        "duration_ms": 60_000,
        "charge": 0.0085,
        "parent_id": null,
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

fn open_in(dir: &tempfile::TempDir) -> Index {
    Index::open(&dir.path().join("index.db")).unwrap()
}
