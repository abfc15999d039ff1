//! The one-time import of the files older swlogs kept: on the first open of the database beside
//! them, `history.json` with its journal applied and the cached bodies of its entries go in
//! in one transaction; then the old files are renamed `*.imported` (kept, never read again) and
//! the import is said once.

use std::path::Path;

use rusqlite::TransactionBehavior;

use super::Warning;
use super::db::{self, Db};
use super::legacy::{self, CACHE, FILE, JOURNAL, LOCK};
use super::ops::normalize;

/// Imports `dir`'s old history into `db`, when there is one; says what happened.
pub(super) fn import(db: &mut Db, dir: &Path) -> Vec<Warning> {
    if dir.join(FILE).symlink_metadata().is_err() {
        return Vec::new();
    }
    match run(db, dir) {
        Ok(warnings) => warnings,
        Err(e) => vec![Warning::NotImported(format!(
            "{} could not be imported ({e}); it is left as it is and tried again next time",
            dir.join(FILE).display()
        ))],
    }
}

fn run(db: &mut Db, dir: &Path) -> rusqlite::Result<Vec<Warning>> {
    // Immediate: of two swlogs opening at once, the second waits here and then finds the file
    // imported and renamed.
    let tx = db
        .conn()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(old) = legacy::read(dir) else {
        return Ok(Vec::new());
    };
    let mut warnings = Vec::new();
    let kept = old.entries.len();
    for (moved_to, detail) in old.damaged {
        warnings.push(Warning::Damaged {
            moved_to,
            detail,
            kept,
        });
    }
    if let Some(why) = old.blocked {
        warnings.push(Warning::NotImported(why));
        if old.entries.is_empty() {
            return Ok(warnings);
        }
    }
    let mut entries = old.entries;
    // One entry per ID, in display order, as the old file was read.
    normalize(&mut entries, usize::MAX);
    let mut imported = 0;
    let mut bodies = 0;
    // Last first: the first of entries made in the same instant gets the largest rowid and
    // lists first, as it did. An ID already in the database keeps its newer row.
    for e in entries.iter().rev() {
        imported += tx
            .prepare("SELECT NOT EXISTS (SELECT 1 FROM history WHERE id = ?1)")?
            .query_row([e.id.to_string()], |r| r.get::<_, bool>(0))?
            .then(|| super::rows::insert(&tx, e, None))
            .transpose()?
            .map_or(0, |()| 1);
        if let Some(body) = legacy::body(dir, e.id) {
            bodies += tx
                .prepare(
                    "INSERT OR IGNORE INTO bodies (id, fetched_at, digest, body)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(rusqlite::params![
                    e.id.to_string(),
                    db::nanos(body.fetched_at),
                    db::digest(&body.body),
                    body.body
                ])?;
        }
    }
    tx.commit()?;
    let mut renamed = Vec::new();
    for name in [FILE, JOURNAL, CACHE] {
        if dir.join(name).symlink_metadata().is_ok() {
            match legacy::renamed(dir, name, "imported") {
                Ok(to) => renamed.push(to),
                Err(e) => warnings.push(Warning::NotImported(format!(
                    "{} was imported but could not be renamed ({e})",
                    dir.join(name).display()
                ))),
            }
        }
    }
    let _ = std::fs::remove_file(dir.join(LOCK));
    if imported == 0 && renamed.is_empty() {
        // A damaged file with nothing readable: its warning says all there is.
        return Ok(warnings);
    }
    warnings.push(Warning::Imported {
        into: db.path().to_path_buf(),
        lookups: imported,
        bodies,
        kept_as: renamed,
    });
    Ok(warnings)
}
