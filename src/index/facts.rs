//! What was learnt about a scope's server and is worth remembering between runs: one short
//! value per name, with when it was learnt (e.g. whether the list honours full timestamps).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension as _, params};

use super::coverage::time;
use super::error::{IndexError, Result};
use super::scope::Scope;
use super::{Index, scope_id};

impl Index {
    /// The value last recorded under `name` for `scope`, and when.
    pub fn fact(&self, scope: &Scope, name: &str) -> Result<Option<(String, DateTime<Utc>)>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(None);
        };
        let found = self
            .conn
            .query_row(
                "SELECT value, as_of FROM facts WHERE scope = ?1 AND name = ?2",
                params![sid, name],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()?;
        Ok(found.map(|(v, t)| (v, time(t))))
    }

    /// Records `value` under `name` for `scope`, replacing what was there.
    pub fn set_fact(
        &mut self,
        scope: &Scope,
        name: &str,
        value: &str,
        as_of: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let sid = scope_id(&tx, scope, true)?.ok_or(IndexError::Busy)?;
        tx.execute(
            "INSERT INTO facts (scope, name, value, as_of) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value, as_of = excluded.as_of",
            params![sid, name, value, as_of.timestamp_millis()],
        )?;
        tx.commit()?;
        Ok(())
    }
}
