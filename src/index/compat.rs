//! What the Compatibility API said of a LaML call, kept beside the rows: its record and its
//! recordings as received (any password in a URL removed), per scope and call sid, with when
//! they were read. Whether a kept answer may still change is the caller's to judge.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, TransactionBehavior, params};
use serde_json::{Map, Value};

use super::coverage::time;
use super::error::{IndexError, Result};
use super::scope::{Scope, scrubbed};
use super::{Index, scope_id};

/// A Compatibility answer as the index keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptCompat {
    /// The call's record, as received.
    pub record: Map<String, Value>,
    /// Its recordings' objects, as received.
    pub recordings: Vec<Map<String, Value>>,
    /// When they were read.
    pub fetched_at: DateTime<Utc>,
}

impl Index {
    /// The answer kept for call `sid` in `scope`, if any. One that no longer parses is none.
    pub fn compat(&self, scope: &Scope, sid: &str) -> Result<Option<KeptCompat>> {
        let Some(sc) = scope_id(&self.conn, scope, false)? else {
            return Ok(None);
        };
        let found: Option<(i64, String, String)> = self
            .conn
            .query_row(
                "SELECT fetched_at, record, recordings FROM compat WHERE scope = ?1 AND id = ?2",
                params![sc, sid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((at, record, recordings)) = found else {
            return Ok(None);
        };
        let Ok(Value::Object(record)) = serde_json::from_str(&record) else {
            return Ok(None);
        };
        let Ok(Value::Array(items)) = serde_json::from_str(&recordings) else {
            return Ok(None);
        };
        let recordings = items
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect();
        Ok(Some(KeptCompat {
            record,
            recordings,
            fetched_at: time(at),
        }))
    }

    /// Keeps `kept` as the answer for call `sid` in `scope`, replacing an earlier one.
    pub fn record_compat(&mut self, scope: &Scope, sid: &str, kept: &KeptCompat) -> Result<()> {
        let record = Value::Object(scrubbed(&kept.record).into_owned()).to_string();
        let recordings = Value::Array(
            kept.recordings
                .iter()
                .map(|r| Value::Object(scrubbed(r).into_owned()))
                .collect(),
        )
        .to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sc = scope_id(&tx, scope, true)?.ok_or(IndexError::Busy)?;
        tx.execute(
            "INSERT INTO compat (scope, id, fetched_at, record, recordings)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (scope, id) DO UPDATE SET fetched_at = excluded.fetched_at,
                record = excluded.record, recordings = excluded.recordings",
            params![
                sc,
                sid,
                kept.fetched_at.timestamp_millis(),
                record,
                recordings
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::index::Origin;

    fn scope(origin: &str) -> Scope {
        Scope::new(Origin::parse(origin).unwrap(), "p")
    }

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(o) => o,
            _ => Map::new(),
        }
    }

    #[test]
    fn an_answer_is_kept_per_scope_and_sid_and_replaced_by_a_later_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.db");
        let mut index = Index::open(&path).unwrap();
        let at = Utc::now();
        let kept = KeptCompat {
            record: object(json!({"sid": "a", "status": "completed"})),
            recordings: vec![object(json!({"sid": "RE1"}))],
            fetched_at: at,
        };
        let ours = scope("https://acme.signalwire.com");
        index.record_compat(&ours, "a", &kept).unwrap();
        // Another process reads it from the file.
        let again = Index::open(&path).unwrap();
        let got = again.compat(&ours, "a").unwrap().unwrap();
        assert_eq!(got.record, kept.record);
        assert_eq!(got.recordings, kept.recordings);
        assert_eq!(got.fetched_at.timestamp_millis(), at.timestamp_millis());
        assert_eq!(again.compat(&ours, "b").unwrap(), None);
        let theirs = scope("https://other.signalwire.com");
        assert_eq!(again.compat(&theirs, "a").unwrap(), None, "another space's");
        let later = KeptCompat {
            record: object(json!({"sid": "a", "status": "busy"})),
            recordings: vec![],
            ..kept
        };
        index.record_compat(&ours, "a", &later).unwrap();
        let got = index.compat(&ours, "a").unwrap().unwrap();
        assert_eq!(got.record, later.record);
        assert_eq!(got.recordings, later.recordings);
    }

    /// A password in a URL of the record or a recording never reaches the file.
    #[test]
    fn a_password_in_a_url_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.db");
        let mut index = Index::open(&path).unwrap();
        let kept = KeptCompat {
            record: object(json!({"uri": "https://user:hunter2@acme.signalwire.com/x"})),
            recordings: vec![object(json!({"uri": "https://u:hunter2@h/y"}))],
            fetched_at: Utc::now(),
        };
        let ours = scope("https://acme.signalwire.com");
        index.record_compat(&ours, "a", &kept).unwrap();
        drop(index);
        let bytes = std::fs::read(&path).unwrap_or_default();
        let wal = std::fs::read(crate::index::file::sibling(&path, "-wal")).unwrap_or_default();
        for b in [bytes, wal] {
            assert!(!b.windows(7).any(|w| w == b"hunter2"));
        }
    }
}
