//! A call as data: the JSON object `swlog list --calls` prints (the root's fields, its legs,
//! its total and outcome) and the flat fields `--fields` and CSV pick from. Values are as the
//! server sent them; the writers escape what a terminal or a spreadsheet must not see raw.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::Call;
use crate::export::fields::{FieldError, Record, pick, value_text};
use crate::list::row::Row;

/// The fields of a call, in CSV order.
pub const CALL_FIELDS: [&str; 9] = [
    "created_at",
    "id",
    "from",
    "to",
    "legs",
    "duration_ms",
    "billing_ms",
    "total_charge",
    "outcome",
];

/// The fields `--fields` may name: [`CALL_FIELDS`] and `unpriced_legs` (how many legs the total
/// leaves out), which says whether a total is whole.
pub const CALL_FIELD_NAMES: [&str; 10] = [
    "created_at",
    "id",
    "from",
    "to",
    "legs",
    "duration_ms",
    "billing_ms",
    "total_charge",
    "unpriced_legs",
    "outcome",
];

/// The fields `--fields` asks for of a call: [`CALL_FIELDS`] when none.
pub fn pick_fields(asked: &[String]) -> Result<Vec<&'static str>, FieldError> {
    if asked.is_empty() {
        return Ok(CALL_FIELDS.to_vec());
    }
    pick(asked, &CALL_FIELD_NAMES)
}

/// The fields of one leg in a call's `legs` array.
const LEG_FIELDS: [&str; 6] = ["id", "parent_id", "type", "status", "from", "to"];

/// A call with the rows it indexes into: a [`Record`] for `--fields` and CSV, and the JSON
/// object of the whole call.
pub struct Listed<'a> {
    call: &'a Call,
    rows: &'a [Row],
    root: Map<String, Value>,
}

impl<'a> Listed<'a> {
    /// The call's record; reads its root's JSON once.
    pub fn new(call: &'a Call, rows: &'a [Row]) -> Self {
        let root = body(&rows[call.root()]);
        Self { call, rows, root }
    }

    /// The whole call: `{"id", "created_at", "from", "to", "legs": [...], "duration_ms",
    /// "billing_ms", "total_charge", "unpriced_legs", "outcome"}`, `id` being the root's.
    pub fn object(&self) -> Value {
        let legs: Vec<Value> = self
            .call
            .legs
            .iter()
            .map(|leg| {
                let row = &self.rows[leg.row];
                let raw = body(row);
                let mut o = Map::new();
                for f in LEG_FIELDS {
                    o.insert(f.to_owned(), raw.get(f).cloned().unwrap_or(Value::Null));
                }
                o.insert("duration_ms".to_owned(), json!(row.duration_ms));
                o.insert(
                    "charge".to_owned(),
                    raw.get("charge").cloned().unwrap_or(Value::Null),
                );
                o.insert("matched".to_owned(), json!(leg.matched));
                Value::Object(o)
            })
            .collect();
        json!({
            "id": self.json("id"),
            "created_at": self.json("created_at"),
            "from": self.json("from"),
            "to": self.json("to"),
            "legs": legs,
            "duration_ms": self.json("duration_ms"),
            "billing_ms": self.json("billing_ms"),
            "total_charge": self.json("total_charge"),
            "unpriced_legs": self.json("unpriced_legs"),
            "outcome": self.json("outcome"),
        })
    }
}

impl Record for Listed<'_> {
    fn json(&self, field: &str) -> Value {
        match field {
            "legs" => json!(self.call.legs.len()),
            "duration_ms" => json!(self.call.duration_ms(self.rows)),
            "billing_ms" => self
                .root
                .get("billing_ms")
                .filter(|v| v.is_i64() || v.is_u64())
                .cloned()
                .unwrap_or(Value::Null),
            // Sums of binary fractions: rounded to what a charge is ever quoted in.
            "total_charge" => json!(super::rounded(self.call.charge)),
            "outcome" => json!(self.call.outcome.words()),
            "unpriced_legs" => json!(self.call.unpriced),
            f => self.root.get(f).cloned().unwrap_or(Value::Null),
        }
    }

    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Owned(value_text(&self.json(field)))
    }
}

fn body(row: &Row) -> Map<String, Value> {
    serde_json::from_str(&row.raw).unwrap_or_default()
}
