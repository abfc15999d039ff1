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
    // 3: the lookup history (one row per log ID) and each lookup's last response body, which
    // before lived in history.json, its journal and one file per body.
    "CREATE TABLE history (
        id TEXT PRIMARY KEY,
        family TEXT NOT NULL,
        -- When the lookup was made, Unix ns. Of two lookups made within the same instant the
        -- later (the larger rowid) lists first.
        at INTEGER NOT NULL,
        profile TEXT NOT NULL,
        space TEXT NOT NULL,
        -- A failed lookup's short error; NULL when it found a record.
        error TEXT,
        -- The record's `type` as sent: a string, or (`type_json`) any other JSON value.
        type TEXT,
        type_json TEXT,
        deleted INTEGER NOT NULL DEFAULT 0,
        -- A label of an old history file that maps back to no type, shown as written.
        kind TEXT,
        status TEXT,
        from_addr TEXT,
        to_addr TEXT,
        charge REAL,
        parent_id TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        refresh_what TEXT,
        refresh_at INTEGER,
        -- A digest of the body this lookup found, when it was cached.
        digest TEXT
    );
    -- Display order, read backwards: pinned first, then the most recent.
    CREATE INDEX history_order ON history (pinned, at);
    CREATE TABLE bodies (
        id TEXT PRIMARY KEY,
        -- When the body was fetched or last confirmed unchanged, Unix ns.
        fetched_at INTEGER NOT NULL,
        digest TEXT NOT NULL,
        body TEXT NOT NULL
    );",
    // 4: what the Compatibility API said of a LaML call (its record and its recordings), kept
    // like a log's body so that a revisit needs no request once the call can no longer change.
    "CREATE TABLE compat (
        scope INTEGER NOT NULL REFERENCES scopes(id),
        -- The call's sid: its voice log's ID.
        id TEXT NOT NULL,
        -- When it was read, Unix ms.
        fetched_at INTEGER NOT NULL,
        -- The record as received (any password in a URL removed), a JSON object.
        record TEXT NOT NULL,
        -- The recordings' objects as received, a JSON array.
        recordings TEXT NOT NULL,
        PRIMARY KEY (scope, id)
    );",
    // 5: how many unpinned lookups the history holds, kept by triggers, so that a write knows
    // whether it is over the limit without counting 100,000 rows at each transaction.
    "CREATE TABLE history_count (unpinned INTEGER NOT NULL);
    INSERT INTO history_count SELECT count(*) FROM history WHERE pinned = 0;
    CREATE TRIGGER history_count_insert AFTER INSERT ON history WHEN new.pinned = 0
    BEGIN UPDATE history_count SET unpinned = unpinned + 1; END;
    CREATE TRIGGER history_count_delete AFTER DELETE ON history WHEN old.pinned = 0
    BEGIN UPDATE history_count SET unpinned = unpinned - 1; END;
    CREATE TRIGGER history_count_pin AFTER UPDATE OF pinned ON history
    WHEN (old.pinned = 0) != (new.pinned = 0)
    BEGIN UPDATE history_count SET unpinned = unpinned + iif(new.pinned = 0, 1, -1); END;",
    // 6: what the history's filter searches, beside each entry, so that a filter is a query:
    // the entry's fields in lower case, one a line (see history/filter.rs), and its profile,
    // space and status in lower case. Written by the history in Rust (its lower case is
    // Unicode's), which fills the rows that have none when it opens the file.
    "ALTER TABLE history ADD COLUMN search TEXT;
    ALTER TABLE history ADD COLUMN profile_lc TEXT;
    ALTER TABLE history ADD COLUMN space_lc TEXT;
    ALTER TABLE history ADD COLUMN status_lc TEXT;
    CREATE INDEX history_unsearched ON history (id) WHERE search IS NULL;",
];

/// The tables whose rows are the user's own and cannot be read again from a server: when a
/// damaged file is moved aside, what can still be read of them is copied into the new one.
pub(crate) const KEPT_TABLES: &[&str] = &["history", "bodies"];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema up to [`VERSION`].
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    // Up to date, the common case: no write lock taken to find that out.
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found == VERSION {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file left at `version` by an older swlog, with a row of its own when it has scopes.
    fn file_at(path: &Path, version: usize) {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        for step in &MIGRATIONS[..version] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", version as i64)
            .unwrap();
        if version >= 1 {
            conn.execute(
                "INSERT INTO scopes (origin, project, family) VALUES ('https://a', 'p', 'voice')",
                [],
            )
            .unwrap();
        }
    }

    /// Every earlier version, the empty file included, opens at this one with what it held,
    /// and the history works in it.
    #[test]
    fn every_earlier_version_migrates_to_this_one_keeping_its_rows() {
        for version in 0..MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("index.db");
            file_at(&path, version);
            let (conn, recovered) = crate::index::file::open(&path).unwrap();
            assert_eq!(recovered, None, "from {version}");
            let now: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(now, VERSION, "from {version}");
            let scopes: i64 = conn
                .query_row("SELECT count(*) FROM scopes", [], |r| r.get(0))
                .unwrap();
            assert_eq!(scopes, i64::from(version >= 1), "from {version}");
            drop(conn);
            let options = crate::history::Options::default();
            let (mut history, warnings) = crate::history::History::open(dir.path(), options);
            assert!(warnings.is_empty(), "from {version}: {warnings:?}");
            let id = uuid::Uuid::from_u128(7);
            let at = chrono::Utc::now();
            let lookup = crate::history::Lookup::Error("not found".into());
            let entry = crate::history::Entry::new(id, at, "default", "acme", lookup);
            assert!(history.record(entry, None).is_empty());
            assert_eq!(history.entries().len(), 1, "from {version}");
        }
    }

    /// A history written before the filter's columns existed (the version before this one)
    /// has them filled when it is opened: the entry's fields in lower case, one a line, and
    /// its profile, space and status in lower case (Unicode's, not ASCII's), so that the
    /// filter finds it as before.
    #[test]
    fn a_history_of_the_previous_version_gets_its_filter_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.db");
        file_at(&path, MIGRATIONS.len() - 1);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO history (id, family, at, profile, space, type, status, from_addr,
               to_addr, note)
             VALUES ('00000000-0000-4000-8000-0000000000a1', 'voice', 1, 'ÄRGER', 'Acme',
               'relay_pstn_call', 'Completed', '+1 (206) 555-0100', 'sip:Bob@x', 'Ticket 42');
             INSERT INTO history (id, family, at, profile, space, error)
             VALUES ('00000000-0000-4000-8000-0000000000a2', 'voice', 2, 'default', 'acme',
               'not found');",
        )
        .unwrap();
        drop(conn);
        let (history, warnings) =
            crate::history::History::open_to_query(dir.path(), crate::history::Options::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        let conn = Connection::open(&path).unwrap();
        let row = |id: &str| -> (String, String, String, Option<String>) {
            conn.query_row(
                "SELECT search, profile_lc, space_lc, status_lc FROM history WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        };
        assert_eq!(
            row("00000000-0000-4000-8000-0000000000a1"),
            (
                "\nrelay pstn call\ncompleted\n+1 (206) 555-0100\nsip:bob@x\n12065550100\n\
                 ticket 42\n00000000-0000-4000-8000-0000000000a1\n"
                    .to_owned(),
                "ärger".to_owned(),
                "acme".to_owned(),
                Some("completed".to_owned())
            )
        );
        assert_eq!(
            row("00000000-0000-4000-8000-0000000000a2"),
            (
                "\nnot found\n00000000-0000-4000-8000-0000000000a2\n".to_owned(),
                "default".to_owned(),
                "acme".to_owned(),
                None
            )
        );
        // Found through the query, as the filter in memory finds it.
        let mut found = Vec::new();
        history
            .each_matching("profile:ärger 2065550100 ^ticket", None, |e| {
                found.push(e.id);
                Ok(())
            })
            .unwrap();
        let a1 = uuid::Uuid::parse_str("00000000-0000-4000-8000-0000000000a1").unwrap();
        assert_eq!(found, [a1]);
    }
}
