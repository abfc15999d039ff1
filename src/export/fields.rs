//! `--fields a,b,c`: which columns a command prints, in which order, checked against the names
//! the command knows. A name it does not know is a usage error that lists the valid ones.

use std::borrow::Cow;

use serde_json::Value;

use crate::text::{sanitize, truncate_chars};

/// The fields of a voice log, as `swlog list --format csv` has always written them (a listed
/// row's columns); `get` and `list` share them.
pub const LOG_FIELDS: [&str; 11] = crate::list::row::COLUMNS;

/// The fields of a history entry: when and where the lookup was made, then what it found.
pub const HISTORY_FIELDS: [&str; 13] = [
    "at",
    "id",
    "profile",
    "space",
    "type",
    "status",
    "from",
    "to",
    "charge",
    "parent_id",
    "error",
    "pinned",
    "note",
];

/// A `--fields` list that names a field the command does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: the fields are {}", unknown_words(.unknown), .valid.join(","))]
pub struct FieldError {
    /// The names not known, as given.
    pub unknown: Vec<String>,
    /// The names the command knows, in its order.
    pub valid: Vec<&'static str>,
}

fn unknown_words(unknown: &[String]) -> String {
    let shown: Vec<String> = unknown
        .iter()
        .map(|u| {
            if u.is_empty() {
                "an empty name".to_owned()
            } else {
                format!("`{}`", sanitize(&truncate_chars(u, 40)))
            }
        })
        .collect();
    match shown.as_slice() {
        [one] => format!("--fields: unknown field {one}"),
        many => format!("--fields: unknown fields {}", many.join(", ")),
    }
}

/// The fields `asked` names, in the order asked, checked against `valid`; all of `valid` when
/// none were asked. Names are matched exactly; repeats are kept (a user may want a column twice).
pub fn pick(asked: &[String], valid: &[&'static str]) -> Result<Vec<&'static str>, FieldError> {
    if asked.is_empty() {
        return Ok(valid.to_vec());
    }
    let mut picked = Vec::with_capacity(asked.len());
    let mut unknown = Vec::new();
    for name in asked {
        match valid.iter().find(|v| **v == name.trim()) {
            Some(v) => picked.push(*v),
            None => unknown.push(name.clone()),
        }
    }
    if unknown.is_empty() {
        Ok(picked)
    } else {
        Err(FieldError {
            unknown,
            valid: valid.to_vec(),
        })
    }
}

/// A record whose fields can be printed by name.
pub trait Record {
    /// The field as JSON (`null` when absent), for NDJSON and JSON.
    fn json(&self, field: &str) -> Value;

    /// The field as text, for CSV and text columns: a string as sent, `null` or absent as
    /// empty, any other value as its JSON. Not yet sanitised: every writer does that.
    fn text(&self, field: &str) -> Cow<'_, str> {
        Cow::Owned(value_text(&self.json(field)))
    }
}

/// A JSON value as a cell's text: a string as it is, `null` as empty, anything else as JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A voice log's body as a record.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a>(pub &'a serde_json::Map<String, Value>);

impl Record for Body<'_> {
    fn json(&self, field: &str) -> Value {
        self.0.get(field).cloned().unwrap_or(Value::Null)
    }

    fn text(&self, field: &str) -> Cow<'_, str> {
        match self.0.get(field) {
            None | Some(Value::Null) => Cow::Borrowed(""),
            Some(Value::String(s)) => Cow::Borrowed(s),
            Some(other) => Cow::Owned(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn fields_keep_the_order_asked_and_default_to_all() {
        assert_eq!(
            pick(&asked(&["to", "id", "to"]), &LOG_FIELDS).unwrap(),
            ["to", "id", "to"]
        );
        assert_eq!(pick(&[], &LOG_FIELDS).unwrap(), LOG_FIELDS);
    }

    #[test]
    fn unknown_fields_are_all_named_with_the_valid_ones() {
        let e = pick(&asked(&["id", "colour", "\u{1b}[2J", ""]), &LOG_FIELDS).unwrap_err();
        let said = e.to_string();
        assert!(
            said.starts_with(
                "--fields: unknown fields `colour`, `\\u{1b}[2J`, an empty name: the fields are created_at,id,"
            ),
            "{said}"
        );
        assert!(!said.contains('\u{1b}'));
        let one = pick(&asked(&["ID"]), &HISTORY_FIELDS).unwrap_err();
        assert_eq!(
            one.to_string(),
            "--fields: unknown field `ID`: the fields are at,id,profile,space,type,status,from,to,charge,parent_id,error,pinned,note"
        );
    }

    #[test]
    fn a_body_gives_strings_as_sent_and_other_values_as_json() {
        let raw: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"id":"x","charge":0.5,"parent_id":null,"n":{"a":1}}"#)
                .unwrap();
        let b = Body(&raw);
        assert_eq!(b.text("id"), "x");
        assert_eq!(b.text("charge"), "0.5");
        assert_eq!(b.text("parent_id"), "");
        assert_eq!(b.text("missing"), "");
        assert_eq!(b.text("n"), r#"{"a":1}"#);
        assert_eq!(b.json("missing"), Value::Null);
    }
}
