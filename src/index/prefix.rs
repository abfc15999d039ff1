//! Finding the rows whose ID starts with a few characters (the short IDs swlog prints), by a
//! range over the `(scope, id)` index, never a scan of the rows.

use rusqlite::params;

use super::Index;
use super::error::Result;
use super::scope::VOICE;

impl Index {
    /// The IDs of voice-log rows, in any space, that start with `prefix` (lower-case), at most
    /// `max`, in ID order.
    pub fn ids_starting_with(&self, prefix: &str, max: usize) -> Result<Vec<String>> {
        let Some(end) = after(prefix) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare(QUERY)?;
        let limit = i64::try_from(max).unwrap_or(i64::MAX);
        let ids = stmt
            .query_map(params![VOICE, prefix, end, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }
}

/// Each scope's IDs from `prefix` (inclusive) to the first string past every one it starts
/// (exclusive): a range the `UNIQUE (scope, id)` index answers.
const QUERY: &str = "SELECT DISTINCT r.id FROM scopes s JOIN rows r ON r.scope = s.id
     WHERE s.family = ?1 AND r.id >= ?2 AND r.id < ?3
     ORDER BY r.id LIMIT ?4";

/// The least string greater than every string that starts with `prefix`: its last character
/// one up. `None` for an empty prefix or one that is not ASCII (no range to read).
fn after(prefix: &str) -> Option<String> {
    let last = *prefix.as_bytes().last()?;
    if !prefix.is_ascii() || last >= 0x7f {
        return None;
    }
    let mut end = prefix[..prefix.len() - 1].to_owned();
    end.push(char::from(last + 1));
    Some(end)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::index::{Origin, Scope};

    fn row(id: &str) -> Map<String, Value> {
        match json!({"id": id, "status": "completed"}) {
            Value::Object(o) => o,
            _ => Map::new(),
        }
    }

    #[test]
    fn ids_are_found_by_their_start_in_every_space() {
        let dir = tempfile::tempdir().unwrap();
        let mut index = Index::open(&dir.path().join("index.db")).unwrap();
        let acme = Scope::new(Origin::parse("https://acme.signalwire.com").unwrap(), "p");
        let other = Scope::new(Origin::parse("https://other.signalwire.com").unwrap(), "q");
        let now = Utc::now();
        let a = "b7182dc2-0000-4000-8000-000000000001";
        let b = "b7182dc2-0000-4000-8000-000000000002";
        let c = "b7182dcf-0000-4000-8000-000000000003";
        index.record_rows(&acme, &[row(a), row(c)], now).unwrap();
        index.record_rows(&other, &[row(b), row(a)], now).unwrap();
        assert_eq!(index.ids_starting_with("b7182dc2", 5).unwrap(), [a, b]);
        assert_eq!(index.ids_starting_with("b7182dc2", 1).unwrap(), [a]);
        assert_eq!(index.ids_starting_with("b7182dcf", 5).unwrap(), [c]);
        assert!(index.ids_starting_with("00000000", 5).unwrap().is_empty());
        assert!(index.ids_starting_with("", 5).unwrap().is_empty());
    }

    /// The query reads a range of the `(scope, id)` index: no scan of the rows.
    #[test]
    fn the_prefix_query_searches_the_index_and_never_scans_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::open(&dir.path().join("index.db")).unwrap();
        let plan: Vec<String> = index
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {QUERY}"))
            .unwrap()
            .query_map(params![VOICE, "b7182dc2", "b7182dc3", 5], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let rows: Vec<&String> = plan.iter().filter(|d| d.contains(" r ")).collect();
        assert!(!rows.is_empty(), "{plan:?}");
        for step in rows {
            assert!(
                step.starts_with("SEARCH r USING") && step.contains("id>? AND id<?"),
                "{plan:?}"
            );
        }
    }

    #[test]
    fn the_end_of_a_prefix_range_is_its_last_character_one_up() {
        assert_eq!(after("b7182dc2").as_deref(), Some("b7182dc3"));
        assert_eq!(after("b7182dcf").as_deref(), Some("b7182dcg"));
        assert_eq!(after(""), None);
        assert_eq!(after("é"), None);
    }
}
