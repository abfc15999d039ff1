//! A matched row as the list keeps it: its JSON as received and the few fields every output
//! needs, so that a scan of 100,000 logs holds only what it will print.
//!
//! Size matters here: a scan where every row matches keeps 100,000 of these. The row holds its
//! JSON once, plus the four strings a table shows on every frame (from, to, status, ID); the
//! other [`COLUMNS`] are read back from the JSON when asked for (CSV reads them once a row).

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::api::VoiceLog;
use crate::api::model::Outcome;

/// The CSV header, and the fields [`Row::cell`] knows, in this order.
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
    pub kind: Box<str>,
    /// The duration in milliseconds (`duration_ms`, or `duration` in seconds).
    pub duration_ms: Option<i64>,
    /// The charge in dollars.
    pub charge: Option<f64>,
    /// How the status reads, for colour.
    pub outcome: Outcome,
    /// The parent leg's ID, when it names one: what groups legs into calls.
    pub parent: Option<uuid::Uuid>,
    /// `from`, `to`, `status` and `id` as sent, which every table shows, end to end in one
    /// allocation; [`Row::ends`] says where each ends.
    shown: Box<str>,
    /// Where each of the [`SHOWN`] cells ends in `shown`.
    ends: [u32; 4],
}

/// Where each of [`Row::shown`]'s cells is in [`COLUMNS`].
const SHOWN: [&str; 4] = ["from", "to", "status", "id"];

impl Row {
    /// The kept form of `log`.
    pub fn of(log: &VoiceLog) -> Self {
        let mut shown = String::new();
        let mut ends = [0; 4];
        for (end, key) in ends.iter_mut().zip(SHOWN) {
            shown.push_str(&cell(&log.raw, key));
            // A page body is capped far below 4 GiB, so a row's cells always fit.
            *end = u32::try_from(shown.len()).unwrap_or(u32::MAX);
        }
        Self {
            // Serialising a map of JSON values cannot fail.
            raw: serde_json::to_string(&log.raw)
                .unwrap_or_default()
                .into_boxed_str(),
            created_at: log.created_at.get(),
            kind: log.kind.short_label().into_boxed_str(),
            duration_ms: crate::query::duration_ms(log),
            charge: log.charge.get(),
            outcome: log.outcome(),
            parent: log.parent_uuid(),
            shown: shown.into_boxed_str(),
            ends,
        }
    }

    /// The field `name` of [`COLUMNS`] as sent (empty when absent, null or not a column):
    /// strings as they are, any other value as its JSON.
    pub fn cell(&self, name: &str) -> Cow<'_, str> {
        if let Some(kept) = self.kept_cell(name) {
            return Cow::Borrowed(kept);
        }
        if !COLUMNS.contains(&name) {
            return Cow::Borrowed("");
        }
        Cow::Owned(cell(&self.object(), name))
    }

    /// The row's ID, when it is one.
    pub fn id(&self) -> Option<uuid::Uuid> {
        self.kept_cell("id")
            .and_then(|id| uuid::Uuid::try_parse(id.trim()).ok())
    }

    /// The cell `name` when the row keeps it (from, to, status, ID): no JSON is read.
    pub fn kept_cell(&self, name: &str) -> Option<&str> {
        let i = SHOWN.iter().position(|c| *c == name)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        let span = usize::try_from(start).unwrap_or(0)..usize::try_from(self.ends[i]).unwrap_or(0);
        Some(self.shown.get(span).unwrap_or(""))
    }

    /// Every field of [`COLUMNS`], in order, reading the JSON once.
    pub fn cells(&self) -> [String; 11] {
        let object = self.object();
        COLUMNS.map(|k| cell(&object, k))
    }

    /// The kept JSON read back. It was written from a map, so it reads as one; the empty map
    /// stands in should that ever not hold.
    fn object(&self) -> Map<String, Value> {
        serde_json::from_str(&self.raw).unwrap_or_default()
    }
}

/// The field `key` of a log's JSON as a cell: strings as they are, null or absent as empty,
/// any other value as its JSON.
pub fn cell(raw: &Map<String, Value>, key: &str) -> String {
    match raw.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(json: Value) -> Row {
        let Value::Object(raw) = json else {
            panic!("an object")
        };
        Row::of(&VoiceLog::from_object(raw))
    }

    #[test]
    fn every_column_reads_as_sent_whether_kept_or_read_back() {
        let r = row(serde_json::json!({
            "id": "6f1c2a90-0000-4000-8000-000000000001", "from": "+14155550123",
            "to": "sip:a@b", "status": "completed", "direction": "inbound",
            "type": "relay_sip_call", "created_at": "2026-11-25T10:00:00Z",
            "duration_ms": 1500, "billing_ms": 6000, "charge": 0.0085, "parent_id": null,
        }));
        assert_eq!(r.cell("from"), "+14155550123");
        assert_eq!(r.cell("id"), "6f1c2a90-0000-4000-8000-000000000001");
        assert_eq!(r.cell("direction"), "inbound");
        assert_eq!(r.cell("charge"), "0.0085");
        assert_eq!(r.cell("parent_id"), "");
        assert_eq!(r.cell("no such column"), "");
        let all = r.cells();
        for (i, name) in COLUMNS.iter().enumerate() {
            assert_eq!(all[i], r.cell(name), "{name}");
        }
    }

    #[test]
    fn a_kept_row_is_smaller_than_its_eleven_cells_were() {
        // 11 owned strings were 264 bytes before any text; the whole row is now well under that.
        assert!(
            std::mem::size_of::<Row>() < 160,
            "{}",
            std::mem::size_of::<Row>()
        );
    }
}
