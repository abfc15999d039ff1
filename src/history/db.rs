//! The history's tables in the shared database (`index.db`, beside the index's own): one row
//! per log ID in `history`, each lookup's last body in `bodies`. Every change is one small
//! transaction, so a crash loses at most the change being written, and two swlogs at once are
//! SQLite's business (WAL, a busy timeout), not ours.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension as _, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::Entry;
use super::ops::Op;
use super::rows::{COLUMNS, entry, insert, load, load_first, lookup_columns};
use crate::index::{IndexError, Recovered};

/// The shared database's name inside the data directory.
pub(super) const FILE: &str = "index.db";

/// A cached response body, with when it was fetched (or last confirmed unchanged).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Body {
    pub(super) fetched_at: DateTime<Utc>,
    pub(super) body: String,
}

/// Where a write may be made to fail in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaultPoint {
    /// Before the transaction begins: a full disk, a read-only directory.
    BeforeWrite,
    /// With every change made, before the commit: a crash at the worst time.
    BeforeCommit,
}

/// A test hook that can fail a write at a [`FaultPoint`].
pub(crate) type Fault =
    std::sync::Arc<dyn Fn(FaultPoint, &Path) -> std::io::Result<()> + Send + Sync>;

/// One connection to the shared database.
pub(super) struct Db {
    conn: Connection,
    path: PathBuf,
    /// `PRAGMA data_version` when the entries were last read: another connection's commit
    /// changes it.
    seen: Option<i64>,
    /// Whether every row has its search columns (see [`super::query`]), so that the filter
    /// can be a query.
    searched: bool,
    /// The file opened (device and inode), to tell whether it is still the one at `path`.
    file: Option<(u64, u64)>,
}

/// What a write did.
#[derive(Debug, Default)]
pub(super) struct Written {
    /// Unpinned entries evicted over the limit (by a prune or an ordinary change).
    pub(super) evicted: usize,
}

impl Db {
    /// Opens the database in `dir` (creating both), through the index's opening: the same
    /// refusals, recovery and migrations.
    pub(super) fn open(dir: &Path) -> Result<(Self, Option<Recovered>), String> {
        let path = dir.join(FILE);
        ensure_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let (mut conn, recovered) = crate::index::file::open(&path).map_err(|e| said(&e))?;
        let db = Self {
            searched: super::query::fill(&mut conn).is_ok(),
            file: crate::fsx::identity(&path),
            conn,
            path,
            seen: None,
        };
        Ok((db, recovered))
    }

    /// The connection, for the import.
    pub(super) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Makes the connection give up at once on a file locked by another process.
    pub(super) fn fail_fast_when_busy(&mut self) {
        let _ = self.conn.busy_timeout(std::time::Duration::ZERO);
    }

    /// The file's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The connection as the index's, for the index to write on when the history is done;
    /// `None` when the file at `path` is no longer the one it opened (moved aside or deleted
    /// meanwhile: what it wrote would go to the old file).
    pub(super) fn into_index(self) -> Option<crate::index::Index> {
        (crate::fsx::identity(&self.path) == self.file)
            .then(|| crate::index::Index::adopt(self.conn, self.path))
    }

    /// The connection to run the filter's queries on, when every row can be searched.
    pub(super) fn searchable(&self) -> Option<&Connection> {
        self.searched.then_some(&self.conn)
    }

    /// Whether another connection committed since the entries were last read.
    pub(super) fn changed(&self) -> bool {
        self.seen.is_none() || self.data_version().ok() != self.seen
    }

    fn data_version(&self) -> rusqlite::Result<i64> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))
    }

    /// Every entry, in display order.
    pub(super) fn load(&mut self) -> Result<Vec<Entry>, IndexError> {
        // Read in one transaction, so that the version seen is the one read.
        let tx = self.conn.transaction()?;
        let seen: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let entries = load(&tx)?;
        tx.commit()?;
        self.seen = Some(seen);
        Ok(entries)
    }

    /// The first `limit` entries in display order, and how many rows the history holds: what
    /// the inspector shows first, read without reading the rest.
    pub(super) fn load_first(&mut self, limit: usize) -> Result<(Vec<Entry>, usize), IndexError> {
        let tx = self.conn.transaction()?;
        let seen: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let entries = load_first(&tx, limit)?;
        let total: i64 = tx.query_row("SELECT count(*) FROM history", [], |r| r.get(0))?;
        tx.commit()?;
        self.seen = Some(seen);
        Ok((entries, usize::try_from(total).unwrap_or(0)))
    }

    /// Applies `ops` and stores `bodies` in one transaction; unpinned entries over the limit
    /// are evicted with their bodies (an ordinary change evicts no more than it adds: only a
    /// prune trims to `limit`).
    pub(super) fn write(
        &mut self,
        ops: &[Op],
        bodies: &[(Uuid, Body)],
        limit: usize,
        fault: Option<&Fault>,
    ) -> Result<Written, IndexError> {
        let hook = |point| match fault {
            Some(f) => f(point, &self.path).map_err(|source| IndexError::Io {
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        };
        hook(FaultPoint::BeforeWrite)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let written = write(&tx, ops, bodies, limit)?;
        hook(FaultPoint::BeforeCommit)?;
        tx.commit()?;
        Ok(written)
    }

    /// After an operation found the file damaged: moves it aside and starts a fresh one with
    /// what could be read of the history (see [`crate::index::file::recover`]).
    pub(super) fn recover(self, reason: String) -> Result<(Self, Recovered), IndexError> {
        let Self { conn, path, .. } = self;
        // Closed first: the file must not be written after it is moved.
        drop(conn);
        let (mut conn, recovered) = crate::index::file::recover(&path, reason)?;
        let db = Self {
            searched: super::query::fill(&mut conn).is_ok(),
            file: crate::fsx::identity(&path),
            conn,
            path,
            seen: None,
        };
        Ok((db, recovered))
    }

    /// The digest of `id`'s cached body: one look at an index, not a read of the body.
    pub(super) fn body_digest(&self, id: Uuid) -> Option<String> {
        self.conn
            .query_row(
                "SELECT digest FROM bodies WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten()
    }

    /// The cached body of `id`.
    pub(super) fn body(&self, id: Uuid) -> Option<(Body, String)> {
        self.conn
            .query_row(
                "SELECT fetched_at, body, digest FROM bodies WHERE id = ?1",
                [id.to_string()],
                |r| {
                    let body = Body {
                        fetched_at: time(r.get(0)?),
                        body: r.get(1)?,
                    };
                    Ok((body, r.get(2)?))
                },
            )
            .optional()
            .ok()
            .flatten()
    }
}

/// An error in the history's words.
pub(super) fn said(e: &IndexError) -> String {
    match e {
        IndexError::Full => "the disk is full".to_owned(),
        IndexError::Io { path, source } => format!("cannot write {}: {source}", path.display()),
        e => e.to_string(),
    }
}

/// Creates the data directory (mode 0700) when missing.
pub(super) fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A time as stored: Unix nanoseconds (a time beyond 1677–2262 is kept at the nearest end).
pub(super) fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(if t.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

pub(super) fn time(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

/// Applies `ops`, evicts over the limit and stores `bodies`, inside `tx`.
fn write(
    tx: &Transaction<'_>,
    ops: &[Op],
    bodies: &[(Uuid, Body)],
    limit: usize,
) -> rusqlite::Result<Written> {
    let unpinned = |tx: &Transaction<'_>| -> rusqlite::Result<usize> {
        // Kept by triggers: counting the rows read the whole index at each transaction.
        tx.prepare_cached("SELECT unpinned FROM history_count")?
            .query_row([], |r| r.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
    };
    let before = unpinned(tx)?;
    let skip = superseded(ops);
    for (op, skip) in ops.iter().zip(skip) {
        if !skip {
            apply(tx, op)?;
            super::query::after(tx, op)?;
        }
    }
    let cap = if ops.iter().any(|op| matches!(op, Op::Prune)) {
        limit
    } else {
        limit.max(before)
    };
    let mut written = Written::default();
    let over = unpinned(tx)?.saturating_sub(cap);
    if over > 0 {
        let mut stmt = tx.prepare(
            "SELECT id FROM history WHERE pinned = 0 ORDER BY at ASC, rowid ASC LIMIT ?1",
        )?;
        let gone: Vec<String> = stmt
            .query_map([over as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &gone {
            forget(tx, id)?;
        }
        written.evicted = gone.len();
    }
    for (id, body) in bodies {
        put_body(tx, *id, body)?;
    }
    Ok(written)
}

/// Which of `ops` a later lookup of the same ID makes moot: a lookup replaces the row whole
/// (keeping only its pin and note, which nothing in between changed), so of a batch that looks
/// the same ID up 17 times, one insert is written.
fn superseded(ops: &[Op]) -> Vec<bool> {
    let mut skip = vec![false; ops.len()];
    // The IDs looked up again further on, with nothing touching them in between.
    let mut later = std::collections::HashSet::new();
    for (i, op) in ops.iter().enumerate().rev() {
        match op {
            Op::Upsert(e) => skip[i] = !later.insert(e.id),
            op => match super::ops::one_entry(op) {
                Some(id) => {
                    later.remove(&id);
                }
                None => later.clear(),
            },
        }
    }
    skip
}

/// Removes an entry and its body.
fn forget(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM history WHERE id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM bodies WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Stores `id`'s body, when its entry is still there. The same body again (by digest) only
/// moves its time forward: it was confirmed at that fetch (and is not written again: a batch
/// hands over every body it fetches, having read none to compare).
fn put_body(tx: &Transaction<'_>, id: Uuid, body: &Body) -> rusqlite::Result<()> {
    let (id, at, digest, now) = (
        id.to_string(),
        nanos(body.fetched_at),
        digest(&body.body),
        nanos(Utc::now()),
    );
    let confirmed = tx
        .prepare_cached(
            "UPDATE bodies SET fetched_at = CASE WHEN fetched_at <= ?3
               THEN max(fetched_at, ?2) ELSE ?2 END
             WHERE id = ?1 AND digest = ?4",
        )?
        .execute(params![id, at, now, digest])?;
    if confirmed > 0 {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO bodies (id, fetched_at, digest, body)
         SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM history WHERE id = ?1)
         ON CONFLICT (id) DO UPDATE SET fetched_at = excluded.fetched_at,
           body = excluded.body, digest = excluded.digest",
    )?
    .execute(params![id, at, digest, body.body])?;
    Ok(())
}

/// The row of `id` as an entry.
fn get(tx: &Transaction<'_>, id: Uuid) -> rusqlite::Result<Option<Entry>> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM history WHERE id = ?1"))?
        .query_row([id.to_string()], entry)
        .optional()
        .map(Option::flatten)
}

/// Applies one change in SQL, as [`super::ops::apply`] does in memory.
fn apply(tx: &Transaction<'_>, op: &Op) -> rusqlite::Result<()> {
    let exec = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> rusqlite::Result<()> {
        tx.prepare_cached(sql)?.execute(p).map(drop)
    };
    match op {
        // In place when the row is there, keeping its pin and note (read first: the note is
        // part of the text the filter searches).
        Op::Upsert(new) => {
            let note: Option<Option<String>> = tx
                .prepare_cached("SELECT note FROM history WHERE id = ?1")?
                .query_row([new.id.to_string()], |r| r.get(0))
                .optional()?;
            match note {
                Some(note) => super::rows::replace(
                    tx,
                    &Entry {
                        note,
                        ..new.clone()
                    },
                )
                .map(drop),
                None => insert(tx, new, None),
            }
        }
        Op::Failed(new) => match get(tx, new.id)? {
            Some(found) if found.summary().is_some() => {
                match super::ops::refresh_failure(&found, new) {
                    Some(f) => apply(tx, &Op::RefreshFailed(new.id, f)),
                    None => Ok(()),
                }
            }
            _ => apply(tx, &Op::Upsert(new.clone())),
        },
        Op::Update(id, lookup) => {
            let l = lookup_columns(lookup);
            exec(
                "UPDATE history SET error = ?2, type = ?3, type_json = ?4, deleted = ?5,
                 kind = ?6, status = ?7, from_addr = ?8, to_addr = ?9, charge = ?10,
                 parent_id = ?11, refresh_what = NULL, refresh_at = NULL WHERE id = ?1",
                &[
                    &id.to_string(),
                    &l.0,
                    &l.1,
                    &l.2,
                    &l.3,
                    &l.4,
                    &l.5,
                    &l.6,
                    &l.7,
                    &l.8,
                    &l.9,
                ],
            )
        }
        Op::RefreshFailed(id, f) => exec(
            "UPDATE history SET refresh_what = ?2, refresh_at = ?3 WHERE id = ?1
             AND error IS NULL",
            &[&id.to_string(), &f.what, &nanos(f.at)],
        ),
        Op::Pin(id, pinned) => exec(
            "UPDATE history SET pinned = ?2 WHERE id = ?1",
            &[&id.to_string(), pinned],
        ),
        Op::Note(id, note) => exec(
            "UPDATE history SET note = ?2 WHERE id = ?1",
            &[&id.to_string(), note],
        ),
        Op::Delete(id) => forget(tx, &id.to_string()),
        // Looked up again since: the newer lookup stays, with the pin and note back.
        Op::Restore(old) => match get(tx, old.id)? {
            Some(_) => exec(
                "UPDATE history SET pinned = pinned OR ?2, note = coalesce(note, ?3)
                 WHERE id = ?1",
                &[&old.id.to_string(), &old.pinned, &old.note],
            ),
            None => {
                // Behind every entry of the same time, as the list in memory puts it.
                let first: i64 =
                    tx.query_row("SELECT coalesce(min(rowid), 1) FROM history", [], |r| {
                        r.get(0)
                    })?;
                insert(tx, old, Some(first - 1))
            }
        },
        Op::Clear => {
            exec("DELETE FROM history", &[])?;
            exec("DELETE FROM bodies", &[])
        }
        Op::ClearUnpinned => {
            exec("DELETE FROM history WHERE pinned = 0", &[])?;
            exec(
                "DELETE FROM bodies WHERE id NOT IN (SELECT id FROM history)",
                &[],
            )
        }
        Op::Prune => Ok(()),
    }
}

/// A digest of a response body, kept with the body and in the entry that found it, so that
/// the same body fetched again is known unchanged. Deterministic (foldhash with a fixed seed),
/// not cryptographic: two bodies of one call agreeing by chance on 64 bits is not a concern.
pub(super) fn digest(body: &str) -> String {
    use std::hash::BuildHasher as _;
    const SEED: u64 = 0x5377_6c6f_6721_0001;
    format!(
        "{:016x}",
        foldhash::quality::FixedState::with_seed(SEED).hash_one(body)
    )
}

#[cfg(test)]
impl Db {
    /// The connection, for tests that set its limits.
    pub(super) fn conn_ref(&self) -> &Connection {
        &self.conn
    }
}
