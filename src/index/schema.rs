//! The index's schema, as migrations in code: `PRAGMA user_version` says how many have run, and
//! each runs once, in its own transaction, in order. A file from a newer swlog is refused rather
//! than changed.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::error::{IndexError, Result};

/// Each migration, in order; the schema version is how many have run. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[&str] = &[
    // 1: rows per scope with the columns the search needs, row shapes, and coverage spans.
    "CREATE TABLE scopes (
        id INTEGER PRIMARY KEY,
        origin TEXT NOT NULL,
        project TEXT NOT NULL,
        -- Which log family's endpoint the rows came from (`voice`, and later others).
        family TEXT NOT NULL,
        UNIQUE (origin, project, family)
    );
    -- A row's keys, stored once for all rows that have them (see shape.rs).
    CREATE TABLE shapes (
        id INTEGER PRIMARY KEY,
        keys TEXT NOT NULL UNIQUE
    );
    CREATE TABLE rows (
        scope INTEGER NOT NULL REFERENCES scopes(id),
        id TEXT NOT NULL,
        -- Unix ms; NULL when missing or unreadable, which keeps the row out of every window.
        created_at INTEGER,
        type TEXT,
        status TEXT,
        direction TEXT,
        from_addr TEXT,
        to_addr TEXT,
        from_digits TEXT,
        to_digits TEXT,
        duration_ms INTEGER,
        charge REAL,
        parent_id TEXT,
        -- 1 when the status can no longer change.
        final INTEGER NOT NULL,
        -- When set, the row is to be read once more at or after this instant (Unix ms).
        settle_at INTEGER,
        read_at INTEGER NOT NULL,
        -- The row as received: its shape (keys in order), and the values not read back from
        -- the columns above (see shape.rs).
        shape INTEGER NOT NULL REFERENCES shapes(id),
        vals TEXT NOT NULL,
        UNIQUE (scope, id)
    );
    CREATE INDEX rows_by_time ON rows (scope, created_at);
    CREATE INDEX rows_by_parent ON rows (scope, parent_id) WHERE parent_id IS NOT NULL;
    CREATE INDEX rows_to_reread ON rows (scope, created_at) WHERE final = 0 OR settle_at IS NOT NULL;
    CREATE TABLE spans (
        scope INTEGER NOT NULL REFERENCES scopes(id),
        filter TEXT NOT NULL,
        from_ms INTEGER NOT NULL,
        to_ms INTEGER NOT NULL,
        as_of INTEGER NOT NULL
    );
    CREATE INDEX spans_by_key ON spans (scope, filter, from_ms);",
    // 2: what was learnt about a scope's server, e.g. whether its list honours full timestamps.
    "CREATE TABLE facts (
        scope INTEGER NOT NULL REFERENCES scopes(id),
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        as_of INTEGER NOT NULL,
        PRIMARY KEY (scope, name)
    );",
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to [`VERSION`].
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    loop {
        // Immediate: two processes opening a new file at once must not both run migration 1.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > VERSION {
            return Err(IndexError::NewerSchema {
                path: path.to_path_buf(),
                found,
                known: VERSION,
            });
        }
        if found == 0 {
            // A database at our path with tables but no version of ours is another program's:
            // moved aside like a damaged file, never written into.
            let tables: i64 = tx.query_row(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(IndexError::Corrupt(
                    "a database that is not swlog's index".to_owned(),
                ));
            }
        }
        let Some(step) = usize::try_from(found).ok().and_then(|i| MIGRATIONS.get(i)) else {
            return Ok(());
        };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}
