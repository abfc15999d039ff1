//! A row's JSON kept without repeating what other rows or its own columns already hold: the
//! list of its keys (its "shape") is stored once in its own table, string values that equal
//! their column (ID, numbers, type, status, direction, parent) are read back from the column,
//! and the row keeps only its other values, in order. Every row of a space has one of a handful
//! of shapes, so this halves the space of the raw text while giving back exactly the object
//! received: same keys, same order, same values.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension as _};
use serde_json::{Map, Value};

use super::error::{IndexError, Result};

/// The keys whose string value may come from a column, in the order of [`Backing`].
pub(super) const BACKED: [&str; 7] = [
    "id",
    "from",
    "to",
    "type",
    "status",
    "direction",
    "parent_id",
];

/// The row's column values for the keys of [`BACKED`], in order.
pub(super) type Backing = [Option<String>; 7];

/// The shapes known to this connection: keys (as stored) to ID. Shapes are never deleted, so
/// an ID learned once stays valid, whatever other processes do.
#[derive(Debug, Default)]
pub(super) struct Shapes(HashMap<String, i64>);

fn column<'a>(key: &str, backing: &'a Backing) -> Option<&'a str> {
    let i = BACKED.iter().position(|b| *b == key)?;
    backing[i].as_deref()
}

/// A row split into its shape (a JSON array of its keys, a key read from its column written as
/// `["key"]`) and its other values (a JSON array).
pub(super) fn split(row: &Map<String, Value>, backing: &Backing) -> (String, String) {
    let mut keys = Vec::with_capacity(row.len());
    let mut values = Vec::with_capacity(row.len());
    for (k, v) in row {
        let backed = column(k, backing).is_some_and(|c| v.as_str() == Some(c));
        if backed {
            keys.push(Value::Array(vec![Value::String(k.clone())]));
        } else {
            keys.push(Value::String(k.clone()));
            values.push(v);
        }
    }
    // Serialising JSON values cannot fail.
    let keys = serde_json::to_string(&keys).unwrap_or_default();
    let values = serde_json::to_string(&values).unwrap_or_default();
    (keys, values)
}

/// The object back from its shape, its other values and its columns.
pub(super) fn join(
    id: &str,
    keys: &str,
    values: &str,
    backing: &Backing,
) -> Result<Map<String, Value>> {
    let damaged = || IndexError::Corrupt(format!("row {id} cannot be read back"));
    let keys: Vec<Value> = serde_json::from_str(keys).map_err(|_| damaged())?;
    let values: Vec<Value> = serde_json::from_str(values).map_err(|_| damaged())?;
    let mut values = values.into_iter();
    let mut row = Map::with_capacity(keys.len());
    for key in keys {
        let (k, v) = match key {
            Value::String(k) => {
                let v = values.next().ok_or_else(damaged)?;
                (k, v)
            }
            Value::Array(mut one) => match one.pop() {
                Some(Value::String(k)) if one.is_empty() => {
                    let v = column(&k, backing).ok_or_else(damaged)?;
                    let v = Value::String(v.to_owned());
                    (k, v)
                }
                _ => return Err(damaged()),
            },
            _ => return Err(damaged()),
        };
        row.insert(k, v);
    }
    if values.next().is_some() {
        return Err(damaged());
    }
    Ok(row)
}

impl Shapes {
    /// The ID of `keys`, stored if new. Inside a transaction: an ID it creates is only
    /// remembered once [`Shapes::keep`] is told the transaction committed.
    pub(super) fn id(
        &self,
        conn: &Connection,
        keys: &str,
        fresh: &mut HashMap<String, i64>,
    ) -> Result<i64> {
        if let Some(id) = self.0.get(keys).or_else(|| fresh.get(keys)) {
            return Ok(*id);
        }
        let find = || {
            conn.query_row("SELECT id FROM shapes WHERE keys = ?1", [keys], |r| {
                r.get(0)
            })
            .optional()
        };
        let id = match find()? {
            Some(id) => id,
            None => {
                conn.execute("INSERT INTO shapes (keys) VALUES (?1)", [keys])?;
                conn.last_insert_rowid()
            }
        };
        fresh.insert(keys.to_owned(), id);
        Ok(id)
    }

    /// Remembers the IDs a committed transaction used.
    pub(super) fn keep(&mut self, fresh: HashMap<String, i64>) {
        self.0.extend(fresh);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Map<String, Value> {
        match serde_json::from_str(text) {
            Ok(Value::Object(m)) => m,
            _ => unreachable!("{text}"),
        }
    }

    #[test]
    fn a_row_comes_back_exactly_with_its_keys_in_order() {
        let text =
            r#"{"z":1,"id":"x","a":[1,{"b":null}],"n":1e999,"f":0.10,"status":"busy","to":7}"#;
        let row = object(text);
        let mut backing = Backing::default();
        backing[0] = Some("x".into());
        backing[4] = Some("busy".into());
        // The column says "7" for a number 7: not the same value, so it stays in the row.
        backing[2] = Some("7".into());
        let (keys, values) = split(&row, &backing);
        assert_eq!(keys, r#"["z",["id"],"a","n","f",["status"],"to"]"#);
        let parsed: Value = serde_json::from_str(&values).unwrap();
        let expected: Value = serde_json::from_str(r#"[1,[1,{"b":null}],1e999,0.10,7]"#).unwrap();
        assert_eq!(parsed, expected);
        let back = join("x", &keys, &values, &backing).unwrap();
        assert_eq!(
            Value::Object(back).to_string(),
            Value::Object(row).to_string()
        );
    }

    #[test]
    fn a_value_that_differs_from_its_column_is_kept_in_the_row() {
        // The ID column is the normalised UUID; the row sent it in capitals.
        let row = object(r#"{"id":"ABC","parent_id":null}"#);
        let mut backing = Backing::default();
        backing[0] = Some("abc".into());
        let (keys, values) = split(&row, &backing);
        assert_eq!(
            (keys.as_str(), values.as_str()),
            (r#"["id","parent_id"]"#, r#"["ABC",null]"#)
        );
        assert_eq!(join("abc", &keys, &values, &backing).unwrap(), row);
    }

    #[test]
    fn a_damaged_shape_or_row_is_an_error_not_a_guess() {
        let backing = Backing::default();
        for (keys, values) in [
            (r#"["a","b"]"#, "[1]"),
            (r#"["a"]"#, "[1,2]"),
            (r#"[["id"]]"#, "[]"),
            (r#"[["a","b"]]"#, "[]"),
            ("[1]", "[1]"),
        ] {
            assert!(
                join("x", keys, values, &backing).unwrap_err().is_corrupt(),
                "{keys} {values}"
            );
        }
    }
}
