//! Rows: recorded as received (the later read of a row replaces the earlier), read back by
//! window and filter, and the ones that may still change named for a re-read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as Sql;
use rusqlite::{OptionalExtension as _, TransactionBehavior, params, params_from_iter};
use serde_json::{Map, Value};

use super::coverage::{Window, time};
use super::error::{IndexError, Result};
use super::scope::{Scope, scrubbed};
use super::{Index, scope_id, shape};
use crate::api::VoiceLog;
use crate::api::model::Kind;
use crate::query::duration_ms;

/// Whether a status word is final: the call is over and the row's status will not change.
/// Live words (`queued`, `initiated`, `ringing`, `in-progress`, RELAY's `created`, `answered`,
/// `ending`), no status and words swlog does not know are not final: a row is re-read until it
/// says it is over. `joined` is the video-room legs' word for a leg that took place.
pub fn is_final(status: Option<&str>) -> bool {
    status.is_some_and(|s| {
        matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "completed"
                | "ended"
                | "failed"
                | "busy"
                | "no-answer"
                | "canceled"
                | "cancelled"
                | "joined"
        )
    })
}

/// What [`Index::record_rows`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    /// Rows written (new or replacing an earlier read).
    pub stored: usize,
    /// Rows without an ID, which cannot be kept.
    pub skipped: usize,
}

/// A row as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    /// The log ID.
    pub id: String,
    /// `created_at`, when it was present and readable.
    pub created_at: Option<DateTime<Utc>>,
    /// When swlog read it.
    pub read_at: DateTime<Utc>,
    /// The row as received (any password in a URL removed).
    pub raw: Map<String, Value>,
}

/// A narrowing of [`Index::rows_in`], applied in SQL. Each condition given must hold; the
/// caller's own search is still applied to the rows after (this only saves reading them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// Digits that must occur as a run in the digits of `from` or `to`.
    pub number: Option<String>,
    /// Accepted statuses (any case); empty accepts any.
    pub statuses: Vec<String>,
    /// Accepted wire types; empty accepts any.
    pub types: Vec<String>,
    /// `inbound`, or `outbound` (every `outbound-*` too), or an exact direction.
    pub direction: Option<String>,
    /// The parent leg's ID.
    pub parent_id: Option<String>,
    /// The most rows returned (newest first).
    pub limit: Option<usize>,
}

/// Why a row is to be fetched again before it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Its status was not final when read.
    Live,
    /// It was final but read soon after its end; its charges may have settled since.
    Settling,
}

/// A row to fetch again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reread {
    /// The log ID.
    pub id: String,
    /// Why.
    pub why: Why,
}

/// A row's columns, taken from the parsed log.
struct Columns {
    id: String,
    created_at: Option<i64>,
    kind: Option<String>,
    status: Option<String>,
    direction: Option<String>,
    from: Option<String>,
    to: Option<String>,
    duration_ms: Option<i64>,
    charge: Option<f64>,
    parent_id: Option<String>,
    fin: bool,
    /// A deleted row: final, and with no charge left to settle.
    discarded: bool,
}

fn digits(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.chars().filter(char::is_ascii_digit).collect())
}

fn columns(row: &Map<String, Value>) -> Option<Columns> {
    let log = VoiceLog::from_object(row.clone());
    let id = match log.id.value() {
        Some(u) => u.hyphenated().to_string(),
        None => row
            .get("id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())?
            .to_owned(),
    };
    let text = |f: &crate::api::model::Field<String>| f.value().cloned();
    let status = text(&log.status);
    Some(Columns {
        id,
        created_at: log.created_at.get().map(|t| t.timestamp_millis()),
        kind: row.get("type").and_then(Value::as_str).map(str::to_owned),
        fin: matches!(log.kind, Kind::Discarded) || is_final(status.as_deref()),
        discarded: matches!(log.kind, Kind::Discarded),
        status,
        direction: text(&log.direction),
        from: text(&log.from),
        to: text(&log.to),
        duration_ms: duration_ms(&log),
        charge: log.charge.get(),
        parent_id: log.parent_uuid().map(|u| u.hyphenated().to_string()),
    })
}

impl Index {
    /// Records rows read at `read_at` (a list page or a single lookup), in one transaction: a
    /// row already held is replaced, so the latest read wins. A row without a readable
    /// `created_at` is kept but lies in no window, so no coverage ever vouches for it.
    pub fn record_rows(
        &mut self,
        scope: &Scope,
        rows: &[Map<String, Value>],
        read_at: DateTime<Utc>,
    ) -> Result<Recorded> {
        self.record(scope, rows, read_at, None)
    }

    /// [`Index::record_rows`] for logs looked up by ID (`swlog get`, the inspector), which no
    /// window vouches for: a log created before `since` (the age cap's cutoff) is left out, as
    /// the next open would prune it. Writing it only for that cost the next command a
    /// checkpoint's fsyncs, at every lookup of an older call.
    pub fn record_lookups(
        &mut self,
        scope: &Scope,
        rows: &[Map<String, Value>],
        read_at: DateTime<Utc>,
        since: Option<DateTime<Utc>>,
    ) -> Result<Recorded> {
        self.record(scope, rows, read_at, since.map(|t| t.timestamp_millis()))
    }

    fn record(
        &mut self,
        scope: &Scope,
        rows: &[Map<String, Value>],
        read_at: DateTime<Utc>,
        since_ms: Option<i64>,
    ) -> Result<Recorded> {
        let read_ms = read_at.timestamp_millis();
        let settle_ms = self.settle.num_milliseconds();
        // Immediate: the write lock is taken (waiting out another writer) before anything is
        // read, so the transaction never has to upgrade and fail with "locked".
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sid = scope_id(&tx, scope, true)?.ok_or(IndexError::Busy)?;
        let mut done = Recorded::default();
        let mut fresh = HashMap::new();
        {
            let mut insert = tx.prepare(
                "INSERT INTO rows (scope, id, created_at, type, status, direction, from_addr,
                    to_addr, from_digits, to_digits, duration_ms, charge, parent_id, final,
                    settle_at, read_at, shape, vals)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18)
                 ON CONFLICT (scope, id) DO UPDATE SET
                    created_at = excluded.created_at, type = excluded.type,
                    status = excluded.status, direction = excluded.direction,
                    from_addr = excluded.from_addr, to_addr = excluded.to_addr,
                    from_digits = excluded.from_digits, to_digits = excluded.to_digits,
                    duration_ms = excluded.duration_ms, charge = excluded.charge,
                    parent_id = excluded.parent_id, final = excluded.final,
                    -- A final row read again is the settle re-read (or later): never flag twice.
                    settle_at = CASE WHEN rows.final = 1 THEN NULL ELSE excluded.settle_at END,
                    read_at = excluded.read_at, shape = excluded.shape, vals = excluded.vals",
            )?;
            for row in rows {
                let Some(c) = columns(row) else {
                    done.skipped += 1;
                    continue;
                };
                if since_ms.is_some_and(|since| c.created_at.is_some_and(|t| t < since)) {
                    // Not kept; a copy read before, of a newer date then, is stale now.
                    tx.prepare_cached("DELETE FROM rows WHERE scope = ?1 AND id = ?2")?
                        .execute(params![sid, c.id])?;
                    continue;
                }
                let end = c.created_at.map(|t| t + c.duration_ms.unwrap_or(0).max(0));
                let settle_at = end
                    .filter(|end| c.fin && !c.discarded && read_ms < end.saturating_add(settle_ms))
                    .map(|end| end.saturating_add(settle_ms));
                let clean = scrubbed(row);
                let backing: shape::Backing = [
                    Some(c.id.clone()),
                    c.from.clone(),
                    c.to.clone(),
                    c.kind.clone(),
                    c.status.clone(),
                    c.direction.clone(),
                    c.parent_id.clone(),
                ];
                let (keys, vals) = shape::split(&clean, &backing);
                let shape = self.shapes.id(&tx, &keys, &mut fresh)?;
                insert.execute(params![
                    sid,
                    c.id,
                    c.created_at,
                    c.kind,
                    c.status,
                    c.direction,
                    c.from,
                    c.to,
                    digits(&c.from),
                    digits(&c.to),
                    c.duration_ms,
                    c.charge,
                    c.parent_id,
                    c.fin,
                    settle_at,
                    read_ms,
                    shape,
                    vals,
                ])?;
                done.stored += 1;
            }
        }
        tx.commit()?;
        self.shapes.keep(fresh);
        Ok(done)
    }

    /// One row by ID, when held.
    pub fn row(&self, scope: &Scope, id: &str) -> Result<Option<StoredRow>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(None);
        };
        let id = id.trim().to_ascii_lowercase();
        let row = self
            .conn
            .query_row(
                "SELECT r.id, r.created_at, r.read_at, s.keys, r.vals, r.from_addr, r.to_addr,
                    r.type, r.status, r.direction, r.parent_id
                 FROM rows r JOIN shapes s ON s.id = r.shape WHERE r.scope = ?1 AND r.id = ?2",
                params![sid, id],
                read_row,
            )
            .optional()?;
        row.map(parse).transpose()
    }

    /// The rows of `window` that pass `filter`, newest first. Only covered parts of the window
    /// are complete: see [`Index::coverage`].
    pub fn rows_in(
        &self,
        scope: &Scope,
        window: Window,
        filter: &RowFilter,
    ) -> Result<Vec<StoredRow>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(Vec::new());
        };
        let (from, to) = window.millis();
        let mut sql = String::from(
            "SELECT id, created_at, read_at, (SELECT keys FROM shapes WHERE id = shape), vals,
                from_addr, to_addr, type, status, direction, parent_id
             FROM rows WHERE scope = ? AND created_at >= ? AND created_at < ?",
        );
        let mut args: Vec<Sql> = vec![sid.into(), from.into(), to.into()];
        if let Some(n) = &filter.number {
            sql.push_str(" AND (instr(from_digits, ?) > 0 OR instr(to_digits, ?) > 0)");
            args.extend([Sql::from(n.clone()), Sql::from(n.clone())]);
        }
        let mut any_of = |column: &str, values: &[String], lower: bool| {
            if values.is_empty() {
                return;
            }
            let marks = vec!["?"; values.len()].join(", ");
            let col = if lower {
                format!("lower({column})")
            } else {
                column.to_owned()
            };
            sql.push_str(&format!(" AND {col} IN ({marks})"));
            args.extend(values.iter().map(|v| {
                Sql::from(if lower {
                    v.to_ascii_lowercase()
                } else {
                    v.clone()
                })
            }));
        };
        any_of("status", &filter.statuses, true);
        any_of("type", &filter.types, false);
        if let Some(d) = &filter.direction {
            let d = d.to_ascii_lowercase();
            if d == "outbound" {
                sql.push_str(" AND lower(direction) LIKE 'outbound%'");
            } else {
                sql.push_str(" AND lower(direction) = ?");
                args.push(d.into());
            }
        }
        if let Some(p) = &filter.parent_id {
            sql.push_str(" AND parent_id = ?");
            args.push(p.trim().to_ascii_lowercase().into());
        }
        sql.push_str(" ORDER BY created_at DESC, id");
        if let Some(limit) = filter.limit {
            sql.push_str(" LIMIT ?");
            args.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let found = stmt
            .query_map(params_from_iter(args), read_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        found.into_iter().map(parse).collect()
    }

    /// The rows to fetch again before showing them, as of `now`: every row not final when
    /// read, and each final row read soon after its end once its settle time has passed.
    /// With a window, only rows created in it.
    pub fn needs_reread(
        &self,
        scope: &Scope,
        window: Option<Window>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reread>> {
        let Some(sid) = scope_id(&self.conn, scope, false)? else {
            return Ok(Vec::new());
        };
        let (from, to) = window.map(|w| w.millis()).unzip();
        let mut stmt = self.conn.prepare(
            "SELECT id, final FROM rows
             WHERE scope = ?1 AND (?2 IS NULL OR (created_at >= ?2 AND created_at < ?3))
               AND (final = 0 OR settle_at <= ?4)
             ORDER BY created_at DESC, id",
        )?;
        let found = stmt
            .query_map(params![sid, from, to, now.timestamp_millis()], |r| {
                Ok(Reread {
                    id: r.get(0)?,
                    why: if r.get::<_, bool>(1)? {
                        Why::Settling
                    } else {
                        Why::Live
                    },
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(found)
    }
}

pub(super) type RawRow = (
    String,
    Option<i64>,
    i64,
    Option<String>,
    String,
    shape::Backing,
);

/// A row as selected: ID, times, shape, values, then the columns of [`shape::BACKED`] after
/// the ID.
pub(super) fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    let id: String = r.get(0)?;
    let backing = [
        Some(id.clone()),
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
    ];
    Ok((id, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, backing))
}

pub(super) fn parse((id, created_at, read_at, keys, vals, backing): RawRow) -> Result<StoredRow> {
    let keys = keys.ok_or_else(|| IndexError::Corrupt(format!("row {id} has no shape")))?;
    let raw = shape::join(&id, &keys, &vals, &backing)?;
    Ok(StoredRow {
        id,
        created_at: created_at.map(time),
        read_at: time(read_at),
        raw,
    })
}
