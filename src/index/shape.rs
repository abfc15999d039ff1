//! A row's JSON kept without repeating its keys: the list of keys (a row's "shape") is stored
//! once in its own table, and each row keeps only its values, in order. Every row of a space
//! has one of a handful of shapes, so this saves about a third of the space of the raw text
//! while giving back exactly the object received: same keys, same order, same values.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension as _};
use serde_json::{Map, Value};

use super::error::{IndexError, Result};

/// The shapes known to this connection: keys (as stored) to ID. Shapes are never deleted, so
/// an ID learned once stays valid, whatever other processes do.
#[derive(Debug, Default)]
pub(super) struct Shapes(HashMap<String, i64>);

/// A row split into its keys (a JSON array, as stored) and its values (a JSON array).
pub(super) fn split(row: &Map<String, Value>) -> (String, String) {
    let keys: Vec<&String> = row.keys().collect();
    let values: Vec<&Value> = row.values().collect();
    // Serialising strings and values cannot fail.
    let keys = serde_json::to_string(&keys).unwrap_or_default();
    let values = serde_json::to_string(&values).unwrap_or_default();
    (keys, values)
}

/// The object back from its shape's keys and its values.
pub(super) fn join(id: &str, keys: &str, values: &str) -> Result<Map<String, Value>> {
    let damaged = || IndexError::Corrupt(format!("row {id} cannot be read back"));
    let keys: Vec<String> = serde_json::from_str(keys).map_err(|_| damaged())?;
    let values: Vec<Value> = serde_json::from_str(values).map_err(|_| damaged())?;
    if keys.len() != values.len() {
        return Err(damaged());
    }
    Ok(keys.into_iter().zip(values).collect())
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

    #[test]
    fn a_row_comes_back_exactly_with_its_keys_in_order() {
        let text = r#"{"z":1,"id":"x","a":[1,{"b":null}],"n":1e999,"f":0.10}"#;
        let Value::Object(row) = serde_json::from_str(text).unwrap() else {
            unreachable!()
        };
        let (keys, values) = split(&row);
        assert_eq!(keys, r#"["z","id","a","n","f"]"#);
        let back = join("x", &keys, &values).unwrap();
        assert_eq!(
            Value::Object(back).to_string(),
            Value::Object(row).to_string()
        );
        assert!(join("x", &keys, "[1]").unwrap_err().is_corrupt());
    }
}
