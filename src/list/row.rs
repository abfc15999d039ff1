//! A matched row as the list keeps it: its JSON as received and the few fields every output
//! needs, so that a scan of 100,000 logs holds only what it will print.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::api::VoiceLog;
use crate::api::model::Outcome;

/// The CSV header, and the fields [`Row::cells`] holds in this order.
pub const COLUMNS: [&str; 11] = [
    "created_at",
    "id",
    "type",
    "direction",
    "status",
    "from",
    "to",
    "duration_ms",
    "billing_ms",
    "charge",
    "parent_id",
];

/// One matched log. Its strings are as the server sent them: every writer sanitises.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The log as received, compact JSON (key order kept); boxed so that no spare capacity is
    /// kept for each of up to 100,000 rows.
    pub raw: Box<str>,
    /// `created_at`, when readable.
    pub created_at: Option<DateTime<Utc>>,
    /// The type in a few words (known or not).
    pub kind: String,
    /// The duration in milliseconds (`duration_ms`, or `duration` in seconds).
    pub duration_ms: Option<i64>,
    /// The charge in dollars.
    pub charge: Option<f64>,
    /// How the status reads, for colour.
    pub outcome: Outcome,
    /// The [`COLUMNS`] fields as sent: strings as they are, `null` or absent as empty, any other
    /// value as its JSON.
    pub cells: [String; 11],
}

impl Row {
    /// The kept form of `log`.
    pub fn of(log: &VoiceLog) -> Self {
        Self {
            // Serialising a map of JSON values cannot fail.
            raw: serde_json::to_string(&log.raw)
                .unwrap_or_default()
                .into_boxed_str(),
            created_at: log.created_at.get(),
            kind: log.kind.short_label(),
            duration_ms: crate::query::duration_ms(log),
            charge: log.charge.get(),
            outcome: log.outcome(),
            cells: COLUMNS.map(|k| cell(&log.raw, k)),
        }
    }

    /// The field `name` of [`COLUMNS`] as sent.
    pub fn cell(&self, name: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .map_or("", |i| self.cells[i].as_str())
    }
}

fn cell(raw: &Map<String, Value>, key: &str) -> String {
    match raw.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
