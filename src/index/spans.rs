//! Coverage in the database: recording a span merges it with the spans of the same key it
//! overlaps or touches, a window is answered with its covered parts and its holes, and a fresh
//! scan of a window can drop the rows it no longer saw.

use chrono::{DateTime, Utc};
use rusqlite::{TransactionBehavior, params};

use super::coverage::{Coverage, Span, Window, absorb, split};
use super::error::{IndexError, Result};
use super::scope::Scope;
use super::{Index, scope_id};

impl Index {
    /// Records that a scan read every row of `window` (of `scope`, asked with the server-side
    /// `filter`, e.g. `""` for the plain list or `"include_deleted"`), as of `as_of`. Rows are
    /// to be recorded first ([`Index::record_rows`]). An empty window records nothing.
    pub fn record_span(
        &mut self,
        scope: &Scope,
        filter: &str,
        window: Window,
        as_of: DateTime<Utc>,
    ) -> Result<()> {
        self.record_span_held(scope, filter, window, as_of, 0)
            .map(|_| ())
    }

    /// [`Index::record_span`], only if the index still holds at least `read` rows of the
    /// window, checked in the same transaction: rows pruned or cleared by another swlog while
    /// the scan ran must not be vouched for. `false` when it was not recorded.
    pub fn record_span_held(
        &mut self,
        scope: &Scope,
        filter: &str,
        window: Window,
        as_of: DateTime<Utc>,
        read: usize,
    ) -> Result<bool> {
        let (from, to) = window.millis();
        if from >= to {
            return Ok(true);
        }
        let new = Span {
            from,
            to,
            as_of: as_of.timestamp_millis(),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sid = scope_id(&tx, scope, true)?.ok_or(IndexError::Busy)?;
        if read > 0 {
            let held: i64 = tx.query_row(
                "SELECT count(*) FROM rows WHERE scope = ?1 AND created_at >= ?2 AND created_at < ?3",
                params![sid, from, to],
                |r| r.get(0),
            )?;
            if usize::try_from(held).unwrap_or(0) < read {
                return Ok(false);
            }
        }
        let touching: Vec<(i64, Span)> = {
            let mut stmt = tx.prepare(
                "SELECT rowid, from_ms, to_ms, as_of FROM spans
                 WHERE scope = ?1 AND filter = ?2 AND from_ms <= ?4 AND to_ms >= ?3",
            )?;
            stmt.query_map(params![sid, filter, from, to], |r| {
                Ok((
                    r.get(0)?,
                    Span {
                        from: r.get(1)?,
                        to: r.get(2)?,
                        as_of: r.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<_>>()?
        };
        let spans: Vec<Span> = touching.iter().map(|(_, s)| *s).collect();
        let merged = absorb(new, &spans);
        for (rowid, _) in &touching {
            tx.execute("DELETE FROM spans WHERE rowid = ?1", [rowid])?;
        }
        tx.execute(
            "INSERT INTO spans (scope, filter, from_ms, to_ms, as_of) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![sid, filter, merged.from, merged.to, merged.as_of],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// `window` as the index knows it for `scope` and `filter`: the covered parts and the holes
    /// still to fetch.
    pub fn coverage(&self, scope: &Scope, filter: &str, window: Window) -> Result<Coverage> {
        let (from, to) = window.millis();
        if from >= to {
            return Ok(Coverage::default());
        }
        let spans = match scope_id(&self.conn, scope, false)? {
            None => Vec::new(),
            Some(sid) => {
                let mut stmt = self.conn.prepare(
                    "SELECT from_ms, to_ms, as_of FROM spans
                     WHERE scope = ?1 AND filter = ?2 AND from_ms < ?4 AND to_ms > ?3
                     ORDER BY from_ms",
                )?;
                stmt.query_map(params![sid, filter, from, to], |r| {
                    Ok(Span {
                        from: r.get(0)?,
                        to: r.get(1)?,
                        as_of: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?
            }
        };
        let (covered, holes) = split(&spans, from, to);
        Ok(Coverage::from_split(covered, holes))
    }
}

impl Index {
    /// After a scan read every row of `window` afresh (`seen`: the IDs it read): removes the
    /// rows of `window` held from earlier reads that the scan did not see, i.e. logs deleted
    /// on the server since. Returns how many went. Only for a complete scan of a plain list
    /// (no `include_deleted`): a partial one would remove rows that are still there.
    pub fn forget_unseen(
        &mut self,
        scope: &Scope,
        window: Window,
        seen: &[String],
    ) -> Result<usize> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(0);
        };
        let (from, to) = window.millis();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY); DELETE FROM seen;",
        )?;
        {
            let mut insert = tx.prepare("INSERT OR IGNORE INTO seen (id) VALUES (?1)")?;
            for id in seen {
                insert.execute([id.trim().to_ascii_lowercase()])?;
            }
        }
        let gone = tx.execute(
            "DELETE FROM rows WHERE scope = ?1 AND created_at >= ?2 AND created_at < ?3
               AND id NOT IN (SELECT id FROM seen)",
            params![sid, from, to],
        )?;
        tx.execute_batch("DELETE FROM seen;")?;
        tx.commit()?;
        Ok(gone)
    }
}
