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

impl Index {
    /// Every fact recorded for `scope`, by name.
    pub fn facts(&self, scope: &Scope) -> Result<Vec<(String, String, DateTime<Utc>)>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare("SELECT name, value, as_of FROM facts WHERE scope = ?1 ORDER BY name")?;
        let found = stmt
            .query_map([sid], |r| {
                Ok((r.get(0)?, r.get(1)?, time(r.get::<_, i64>(2)?)))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(found)
    }

    /// Every covered span of `scope`, with the server-side filter it was read with, oldest
    /// first.
    pub fn spans(&self, scope: &Scope) -> Result<Vec<(String, super::Covered)>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare(
            "SELECT filter, from_ms, to_ms, as_of FROM spans WHERE scope = ?1
             ORDER BY from_ms, filter",
        )?;
        let found = stmt
            .query_map([sid], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    super::Covered {
                        window: super::Window::new(
                            time(r.get::<_, i64>(1)?),
                            time(r.get::<_, i64>(2)?),
                        ),
                        as_of: time(r.get::<_, i64>(3)?),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(found)
    }
}
