//! What is kept of a damaged file: the index's rows can be read again from the server, but the
//! history and the cached bodies ([`KEPT_TABLES`]) are the user's own. When a damaged file is
//! moved aside, every row of those tables that can still be read is copied into the new one:
//! the table read from its start until the damage, then from its end back to the damage.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, params_from_iter};

use super::schema::KEPT_TABLES;

/// Copies what can be read of the kept tables of the damaged file at `damaged` into `into`, in
/// one transaction; returns how many history rows were kept. Never fails: a file that cannot be
/// opened at all keeps nothing.
pub(super) fn salvage(into: &mut Connection, damaged: &Path) -> usize {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_NOFOLLOW;
    // Reading the file makes its derived files: they are removed after, unless they were
    // there already (a WAL moved aside with the file holds its last writes).
    let derived: Vec<_> = ["-wal", "-shm"]
        .into_iter()
        .map(|s| super::file::sibling(damaged, s))
        .filter(|p| p.symlink_metadata().is_err())
        .collect();
    let Ok(old) = Connection::open_with_flags(damaged, flags) else {
        return 0;
    };
    let Ok(tx) = into.transaction() else {
        return 0;
    };
    let mut history = 0;
    for table in KEPT_TABLES {
        let kept = copy(&old, &tx, table);
        if *table == "history" {
            history = kept;
        }
    }
    let committed = tx.commit();
    drop(old);
    for path in derived {
        let _ = std::fs::remove_file(path);
    }
    match committed {
        Ok(()) => history,
        Err(e) => {
            tracing::warn!(error = %e, "could not keep the history of a damaged file");
            0
        }
    }
}

/// The columns of `table` in `conn` (none when it cannot be read or is not there).
fn columns(conn: &Connection, table: &str) -> Vec<String> {
    let Ok(mut stmt) = conn.prepare(&format!("PRAGMA table_info({table})")) else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, String>(1))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

/// Copies the readable rows of `table` from `old` into `new`; returns how many went in.
fn copy(old: &Connection, new: &Connection, table: &str) -> usize {
    let theirs = columns(old, table);
    let cols: Vec<String> = columns(new, table)
        .into_iter()
        .filter(|c| theirs.contains(c))
        .collect();
    if !cols.contains(&"id".to_owned()) {
        return 0;
    }
    // The rowid too: it orders lookups made within the same instant.
    let list = format!("rowid, {}", cols.join(", "));
    let marks = vec!["?"; cols.len() + 1].join(", ");
    let insert = format!("INSERT OR IGNORE INTO {table} ({list}) VALUES ({marks})");
    let mut seen = HashSet::new();
    let mut kept = 0;
    for order in ["ASC", "DESC"] {
        let select = format!("SELECT {list} FROM {table} ORDER BY rowid {order}");
        let Ok(mut stmt) = old.prepare(&select) else {
            continue;
        };
        let Ok(mut rows) = stmt.query([]) else {
            continue;
        };
        // Up to the first row that cannot be read: past it the b-tree cannot be trusted.
        while let Ok(Some(row)) = rows.next() {
            let values: Result<Vec<Value>, _> = (0..=cols.len()).map(|i| row.get(i)).collect();
            let Ok(values) = values else { break };
            let key = format!("{:?}", values.get(1));
            if seen.insert(key)
                && new
                    .execute(&insert, params_from_iter(values))
                    .is_ok_and(|n| n > 0)
            {
                kept += 1;
            }
        }
    }
    kept
}
