//! Keeping the index in bounds: what it holds ([`Index::stats`]), pruning the oldest rows past
//! an age or size cap, and clearing it. Coverage never outlives its rows: a pruned stretch of
//! time is cut from every span too.

use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

use super::Index;
use super::coverage::time;
use super::error::Result;
use super::file::sibling;
use super::scope::Origin;

/// The caps [`Index::prune`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// The most bytes the database's pages may use.
    pub max_bytes: u64,
    /// The oldest a row may be (by `created_at`, or when it was read if it has none).
    pub max_age: TimeDelta,
}

impl Default for Caps {
    /// 500 MB and 30 days.
    fn default() -> Self {
        Self {
            max_bytes: 500 * 1_000_000,
            max_age: TimeDelta::days(30),
        }
    }
}

/// What one scope holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeStats {
    /// Its origin.
    pub origin: Origin,
    /// Its project.
    pub project: String,
    /// Its log family.
    pub family: String,
    /// Rows held.
    pub rows: u64,
    /// Covered spans (all filters).
    pub spans: u64,
    /// The oldest `created_at` held.
    pub oldest: Option<DateTime<Utc>>,
    /// The newest `created_at` held.
    pub newest: Option<DateTime<Utc>>,
}

/// What the index holds, for `swlog index`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// The file.
    pub path: PathBuf,
    /// Each origin and project held, in order.
    pub scopes: Vec<ScopeStats>,
    /// Rows in all.
    pub rows: u64,
    /// Spans in all.
    pub spans: u64,
    /// The database file and its WAL, in bytes.
    pub bytes_on_disk: u64,
    /// The oldest `created_at` held.
    pub oldest_row: Option<DateTime<Utc>>,
}

/// What a prune removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    /// Rows removed.
    pub rows: u64,
    /// Bytes the pages used before.
    pub bytes_before: u64,
    /// Bytes they use after.
    pub bytes_after: u64,
}

/// The bytes the database's pages hold (free pages not counted).
fn used_bytes(conn: &Connection) -> Result<u64> {
    let (pages, free, size): (i64, i64, i64) = conn.query_row(
        "SELECT (SELECT page_count FROM pragma_page_count()),
                (SELECT freelist_count FROM pragma_freelist_count()),
                (SELECT page_size FROM pragma_page_size())",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(u64::try_from((pages - free).max(0) * size).unwrap_or(0))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The instant rows are sorted by for pruning: `created_at`, or the read time without one.
const AGE: &str = "COALESCE(created_at, read_at)";

impl Index {
    /// What the index holds.
    pub fn stats(&self) -> Result<Stats> {
        let mut stmt = self.conn.prepare(
            "SELECT s.origin, s.project, s.family,
                (SELECT count(*) FROM rows r WHERE r.scope = s.id),
                (SELECT count(*) FROM spans p WHERE p.scope = s.id),
                (SELECT min(created_at) FROM rows r WHERE r.scope = s.id),
                (SELECT max(created_at) FROM rows r WHERE r.scope = s.id)
             FROM scopes s ORDER BY s.origin, s.project, s.family",
        )?;
        let scopes = stmt
            .query_map([], |r| {
                Ok(ScopeStats {
                    origin: Origin::stored(r.get(0)?),
                    project: r.get(1)?,
                    family: r.get(2)?,
                    rows: count(r.get(3)?),
                    spans: count(r.get(4)?),
                    oldest: r.get::<_, Option<i64>>(5)?.map(time),
                    newest: r.get::<_, Option<i64>>(6)?.map(time),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let bytes_on_disk = [self.path.clone(), sibling(&self.path, "-wal")]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        Ok(Stats {
            path: self.path.clone(),
            rows: scopes.iter().map(|s| s.rows).sum(),
            spans: scopes.iter().map(|s| s.spans).sum(),
            oldest_row: scopes.iter().filter_map(|s| s.oldest).min(),
            scopes,
            bytes_on_disk,
        })
    }

    /// Removes rows older than `cutoff` (and the coverage of that stretch), oldest first.
    pub fn prune_older_than(&mut self, cutoff: DateTime<Utc>) -> Result<Pruned> {
        let before = used_bytes(&self.conn)?;
        let rows = self.cut(cutoff.timestamp_millis())?;
        self.give_back()?;
        Ok(Pruned {
            rows,
            bytes_before: before,
            bytes_after: used_bytes(&self.conn)?,
        })
    }

    /// Applies `caps` as of `now`: rows past the age cap go, then the oldest rows until the
    /// pages fit the size cap.
    pub fn prune(&mut self, caps: Caps, now: DateTime<Utc>) -> Result<Pruned> {
        let before = used_bytes(&self.conn)?;
        let mut rows = self.cut((now - caps.max_age).timestamp_millis())?;
        // Each round removes a share of the rows a little larger than the excess; a few rounds
        // absorb the estimate's error (indexes and free pages do not shrink in proportion).
        for _ in 0..8 {
            let used = used_bytes(&self.conn)?;
            if used <= caps.max_bytes {
                break;
            }
            let total: i64 = self
                .conn
                .query_row("SELECT count(*) FROM rows", [], |r| r.get(0))?;
            if total == 0 {
                break;
            }
            let share = 1.0 - caps.max_bytes as f64 / used as f64;
            let k = ((total as f64 * share * 1.1).ceil() as i64).clamp(1, total);
            let cutoff: i64 = self.conn.query_row(
                &format!("SELECT {AGE} AS t FROM rows ORDER BY t LIMIT 1 OFFSET ?1"),
                [k - 1],
                |r| r.get(0),
            )?;
            rows += self.cut(cutoff.saturating_add(1))?;
            self.give_back()?;
        }
        // Only when rows went: folding the WAL back at every open was a checkpoint's fsyncs
        // (some 10–20 ms here) in every command that opened the index, with nothing to give.
        if rows > 0 {
            self.give_back()?;
        }
        Ok(Pruned {
            rows,
            bytes_before: before,
            bytes_after: used_bytes(&self.conn)?,
        })
    }

    /// Removes every row and span, keeping the file (and the row shapes, which other processes
    /// may have in memory and which hold no data of their own).
    pub fn clear(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "DELETE FROM rows; DELETE FROM spans; DELETE FROM facts; DELETE FROM compat;
             DELETE FROM scopes;",
        )?;
        tx.commit()?;
        self.give_back()
    }

    /// Deletes rows older than `cutoff` (Unix ms) and cuts spans to start at it.
    fn cut(&mut self, cutoff: i64) -> Result<u64> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows = tx.execute(&format!("DELETE FROM rows WHERE {AGE} < ?1"), [cutoff])?;
        tx.execute("DELETE FROM spans WHERE to_ms <= ?1", [cutoff])?;
        tx.execute("DELETE FROM compat WHERE fetched_at < ?1", [cutoff])?;
        tx.execute(
            "UPDATE spans SET from_ms = ?1 WHERE from_ms < ?1",
            params![cutoff],
        )?;
        tx.commit()?;
        Ok(u64::try_from(rows).unwrap_or(0))
    }

    /// Returns free pages to the file system and folds the WAL back into the file.
    fn give_back(&mut self) -> Result<()> {
        self.conn.execute_batch("PRAGMA incremental_vacuum;")?;
        // Best effort: another process reading keeps the WAL from being truncated, which only
        // delays giving the space back.
        let _: rusqlite::Result<(i64, i64, i64)> =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                });
        Ok(())
    }
}
