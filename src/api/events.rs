//! A leg's event timeline (`GET /api/voice/logs/{id}/events`), parsed tolerantly.
//!
//! Like [`super::model`], parsing never fails. No list of event names or schema for `details` is
//! published, so every field is a [`Field`] that says what arrived: a level may be `warn` or the
//! older `warning`, or a word this version does not know ([`Level::Other`]); `details` of any
//! JSON type is kept as sent; fields the documentation does not name are kept in
//! [`Event::extras`]; an item of `data` that is not an object is kept too.
//!
//! The body's shape is tolerated the same way: a body without `data`, or with a `data` that is
//! not an array, gives an empty list and says so in [`Events::shape`], so that the front end can
//! tell "nothing recorded" from "an answer swlog cannot read" and show the raw body. A 404 is not
//! a body: the client reports it as `ApiError::NotFound`.
//!
//! Events are put in time order: every event whose `event_at` can be read is sorted by it,
//! stably, so events at the same instant keep the server's order. An event whose `event_at`
//! cannot be read keeps its position in the server's order, since there is no better place to
//! put it.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::model::{Field, as_string, as_time, as_uuid, field};

/// How serious an event is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Level {
    /// `info`.
    Info,
    /// `warn`, or `warning` as older documentation spells it.
    Warn,
    /// `error`.
    Error,
    /// `debug`.
    Debug,
    /// A level this version does not know, as sent.
    Other(String),
}

impl Level {
    /// Reads a level word, ignoring case and surrounding whitespace.
    pub fn from_wire(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "info" => Level::Info,
            "warn" | "warning" => Level::Warn,
            "error" => Level::Error,
            "debug" => Level::Debug,
            _ => Level::Other(s.to_owned()),
        }
    }

    /// The level's word: the documented spelling for a known level, the server's for another.
    pub fn word(&self) -> &str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Debug => "debug",
            Level::Other(s) => s,
        }
    }
}

/// One event of a leg.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// When it happened.
    pub event_at: Field<DateTime<Utc>>,
    /// How serious it is.
    pub level: Field<Level>,
    /// What happened, e.g. `calling_call_initiated`.
    pub name: Field<String>,
    /// Free-form details; usually an object, but anything sent is kept.
    pub details: Field<Value>,
    /// The project the event belongs to.
    pub project_id: Field<String>,
    /// The log (leg) the event belongs to.
    pub log_id: Field<Uuid>,
    /// Fields the documentation does not name, in the order the server sent them.
    pub extras: Vec<(String, Value)>,
    /// The item as received; not an object when the server sent something else.
    pub raw: Value,
    /// The item's position in the server's `data` array.
    pub position: usize,
}

/// The event fields the documentation names.
const KNOWN: [&str; 6] = [
    "event_at",
    "level",
    "name",
    "details",
    "project_id",
    "log_id",
];

impl Event {
    /// Builds an event from one item of `data`. Never fails: what cannot be typed is kept.
    pub fn from_value(raw: Value, position: usize) -> Self {
        let Value::Object(o) = &raw else {
            return Self {
                event_at: Field::Missing,
                level: Field::Missing,
                name: Field::Missing,
                details: Field::Missing,
                project_id: Field::Missing,
                log_id: Field::Missing,
                extras: Vec::new(),
                raw,
                position,
            };
        };
        let extras = o
            .iter()
            .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self {
            event_at: field(o.get("event_at"), as_time),
            level: field(o.get("level"), |v| v.as_str().map(Level::from_wire)),
            name: field(o.get("name"), as_string),
            details: field(o.get("details"), |v| Some(v.clone())),
            project_id: field(o.get("project_id"), as_string),
            log_id: field(o.get("log_id"), as_uuid),
            extras,
            raw,
            position,
        }
    }

    /// Whether the item was a JSON object, as every event should be.
    pub fn is_object(&self) -> bool {
        self.raw.is_object()
    }

    /// The details when they are an object, as documented.
    pub fn details_object(&self) -> Option<&Map<String, Value>> {
        self.details.value().and_then(Value::as_object)
    }
}

/// What was wrong with the shape of an events body, when something was.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `{"data": [...]}`, as documented.
    Expected,
    /// The body had no `data` key.
    NoData,
    /// `data` was not an array; its value as sent.
    DataNotArray(Value),
}

/// A leg's events, in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    /// The events, sorted as the module documentation describes.
    pub items: Vec<Event>,
    /// Whether the body had the documented shape.
    pub shape: Shape,
    /// Top-level fields besides `data` (e.g. paging links, should they appear).
    pub extras: Vec<(String, Value)>,
}

impl Events {
    /// Builds the list from the body's object. Never fails: see the module documentation.
    pub fn from_object(mut body: Map<String, Value>) -> Self {
        let data = body.remove("data");
        let extras = body.into_iter().collect();
        let (items, shape) = match data {
            Some(Value::Array(items)) => (
                items
                    .into_iter()
                    .enumerate()
                    .map(|(n, v)| Event::from_value(v, n))
                    .collect(),
                Shape::Expected,
            ),
            None => (Vec::new(), Shape::NoData),
            Some(other) => (Vec::new(), Shape::DataNotArray(other)),
        };
        Self {
            items: in_time_order(items),
            shape,
            extras,
        }
    }

    /// Whether there are no events.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The earliest readable `event_at`, from which offsets are counted.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        self.items.iter().filter_map(|e| e.event_at.get()).min()
    }

    /// The body's `data` as sent: the items in the server's order, the value that was not an
    /// array, or null when there was none.
    pub fn data(&self) -> Value {
        match &self.shape {
            Shape::Expected => {
                let mut items: Vec<&Event> = self.items.iter().collect();
                items.sort_by_key(|e| e.position);
                Value::Array(items.into_iter().map(|e| e.raw.clone()).collect())
            }
            Shape::NoData => Value::Null,
            Shape::DataNotArray(v) => v.clone(),
        }
    }
}

/// Sorts the events with a readable time among the slots they occupy, leaving the others where
/// the server put them.
fn in_time_order(items: Vec<Event>) -> Vec<Event> {
    let slots: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event_at.get().is_some())
        .map(|(n, _)| n)
        .collect();
    let mut timed: Vec<Event> = Vec::with_capacity(slots.len());
    let mut out: Vec<Option<Event>> = Vec::with_capacity(items.len());
    for e in items {
        if e.event_at.get().is_some() {
            timed.push(e);
            out.push(None);
        } else {
            out.push(Some(e));
        }
    }
    // A stable sort: events at the same instant keep the server's order.
    timed.sort_by_key(|e| e.event_at.get());
    for (slot, e) in slots.into_iter().zip(timed) {
        out[slot] = Some(e);
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Events {
        match v {
            Value::Object(o) => Events::from_object(o),
            _ => panic!("test body must be an object"),
        }
    }

    fn names(e: &Events) -> Vec<String> {
        e.items
            .iter()
            .map(|e| e.name.value().cloned().unwrap_or_else(|| "?".into()))
            .collect()
    }

    #[test]
    fn documented_shape_parses_fully() {
        let e = parse(json!({"data":[{
            "event_at":"2026-11-25T14:02:11.204Z","level":"info","name":"calling_call_initiated",
            "details":{"direction":"inbound"},"project_id":"5ca1ab1e-0000-4000-8000-00000000d3e0",
            "log_id":"3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"}]}));
        assert_eq!(e.shape, Shape::Expected);
        let ev = &e.items[0];
        assert_eq!(ev.level, Field::Value(Level::Info));
        assert_eq!(
            ev.name.value().map(String::as_str),
            Some("calling_call_initiated")
        );
        assert_eq!(
            ev.event_at.get().map(|t| t.to_rfc3339()),
            Some("2026-11-25T14:02:11.204+00:00".to_owned())
        );
        assert_eq!(
            ev.details_object().and_then(|d| d.get("direction")),
            Some(&json!("inbound"))
        );
        assert!(ev.log_id.value().is_some());
        assert!(ev.extras.is_empty() && e.extras.is_empty());
    }

    #[test]
    fn levels_old_spelling_and_unknown() {
        assert_eq!(Level::from_wire("warning"), Level::Warn);
        assert_eq!(Level::from_wire(" WARN "), Level::Warn);
        assert_eq!(Level::from_wire("Error"), Level::Error);
        assert_eq!(Level::from_wire("debug"), Level::Debug);
        assert_eq!(
            Level::from_wire("critical"),
            Level::Other("critical".into())
        );
        assert_eq!(Level::Other("critical".into()).word(), "critical");
        assert_eq!(Level::Warn.word(), "warn");
        let e = parse(json!({"data":[{"level":7},{"level":null},{}]}));
        assert_eq!(e.items[0].level, Field::Invalid(json!(7)));
        assert_eq!(e.items[1].level, Field::Null);
        assert_eq!(e.items[2].level, Field::Missing);
    }

    #[test]
    fn odd_details_and_unknown_fields_are_kept() {
        let e = parse(json!({"data":[
            {"name":"a","details":"hung up"},
            {"name":"b"},
            {"name":"c","details":[1,2],"node_id":"n1","level":"info"},
            {"name":"d","details":null}
        ]}));
        assert_eq!(e.items[0].details, Field::Value(json!("hung up")));
        assert_eq!(e.items[0].details_object(), None);
        assert_eq!(e.items[1].details, Field::Missing);
        assert_eq!(e.items[2].details, Field::Value(json!([1, 2])));
        assert_eq!(e.items[2].extras, vec![("node_id".into(), json!("n1"))]);
        assert_eq!(e.items[3].details, Field::Null);
    }

    #[test]
    fn items_that_are_not_objects_are_kept() {
        let e = parse(json!({"data":[3,"x",{"name":"ok"}]}));
        assert_eq!(e.items.len(), 3);
        assert!(!e.items[0].is_object());
        assert_eq!(e.items[1].raw, json!("x"));
        assert_eq!(e.items[0].name, Field::Missing);
        assert!(e.items[2].is_object());
    }

    #[test]
    fn odd_bodies_give_an_empty_list_and_say_why() {
        let none = parse(json!({"links":{"self":"x"}}));
        assert!(none.is_empty());
        assert_eq!(none.shape, Shape::NoData);
        assert_eq!(none.extras, vec![("links".into(), json!({"self":"x"}))]);
        let odd = parse(json!({"data":{"items":[]}}));
        assert!(odd.is_empty());
        assert_eq!(odd.shape, Shape::DataNotArray(json!({"items":[]})));
        assert_eq!(odd.data(), json!({"items":[]}));
        assert_eq!(none.data(), Value::Null);
        let null = parse(json!({"data":null}));
        assert_eq!(null.shape, Shape::DataNotArray(Value::Null));
        let empty = parse(json!({"data":[]}));
        assert!(empty.is_empty());
        assert_eq!(empty.shape, Shape::Expected);
    }

    #[test]
    fn events_are_sorted_by_time_ties_and_unreadable_keep_server_order() {
        let e = parse(json!({"data":[
            {"name":"late","event_at":"2026-11-25T14:00:03Z"},
            {"name":"undated","event_at":"yesterday"},
            {"name":"tie1","event_at":"2026-11-25T14:00:02Z"},
            {"name":"early","event_at":"2026-11-25T14:00:01.500Z"},
            {"name":"tie2","event_at":"2026-11-25 14:00:02"},
            {"name":"no time"}
        ]}));
        assert_eq!(
            names(&e),
            ["early", "undated", "tie1", "tie2", "late", "no time"]
        );
        assert_eq!(
            e.start().map(|t| t.to_rfc3339()),
            Some("2026-11-25T14:00:01.500+00:00".into())
        );
        assert_eq!(e.items[1].event_at, Field::Invalid(json!("yesterday")));
        let Value::Array(sent) = e.data() else {
            panic!("data is an array")
        };
        let server: Vec<Value> = sent.into_iter().map(|v| v["name"].clone()).collect();
        assert_eq!(
            server,
            [
                json!("late"),
                json!("undated"),
                json!("tie1"),
                json!("early"),
                json!("tie2"),
                json!("no time")
            ]
        );
    }

    #[test]
    fn no_readable_time_means_no_start() {
        let e = parse(json!({"data":[{"name":"a"},{"name":"b","event_at":5}]}));
        assert_eq!(e.start(), None);
        assert_eq!(names(&e), ["a", "b"]);
    }
}
