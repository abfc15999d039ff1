//! A history entry as a row of the `history` table, and back.

use rusqlite::{Connection, Row, params};
use serde_json::Value;
use uuid::Uuid;

use super::db::{nanos, time};
use super::{Entry, Lookup, RefreshFailed, Summary};
use crate::api::Family;

pub(super) const COLUMNS: &str = "id, family, at, profile, space, error, type, type_json, deleted, kind, \
    status, from_addr, to_addr, charge, parent_id, pinned, note, refresh_what, refresh_at, digest";

/// The display order: pinned first, then the most recent, the later of two lookups made in
/// the same instant first (the `history_order` index, read backwards).
pub(super) const ORDER: &str = "ORDER BY pinned DESC, at DESC, rowid DESC";

/// Every entry in display order.
pub(super) fn load(conn: &Connection) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM history {ORDER}"))?;
    read(stmt.query([])?)
}

/// The first `limit` entries in display order.
pub(super) fn load_first(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM history {ORDER} LIMIT ?1"))?;
    read(stmt.query([i64::try_from(limit).unwrap_or(i64::MAX)])?)
}

fn read(mut rows: rusqlite::Rows<'_>) -> rusqlite::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    while let Some(row) = rows.next()? {
        // A row this build cannot read (a family it does not know) is left in the table.
        if let Some(e) = entry(row)? {
            entries.push(e);
        }
    }
    Ok(entries)
}

/// An entry from a row of [`COLUMNS`].
pub(super) fn entry(r: &Row<'_>) -> rusqlite::Result<Option<Entry>> {
    let id: String = r.get(0)?;
    let family: String = r.get(1)?;
    let (Ok(id), Some(family)) = (
        Uuid::try_parse(&id),
        Family::ALL.into_iter().find(|f| f.label() == family),
    ) else {
        return Ok(None);
    };
    let lookup = match r.get::<_, Option<String>>(5)? {
        Some(error) => Lookup::Error(error),
        None => {
            let wire_type = match (
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ) {
                (Some(s), _) => Some(Value::String(s)),
                (None, Some(json)) => serde_json::from_str(&json).ok(),
                (None, None) => None,
            };
            Lookup::Record(Summary {
                wire_type,
                deleted: r.get(8)?,
                kind: r.get(9)?,
                status: r.get(10)?,
                from: r.get(11)?,
                to: r.get(12)?,
                charge: r.get(13)?,
                parent_id: r.get(14)?,
            })
        }
    };
    let refresh_failed = match (r.get::<_, Option<String>>(17)?, r.get(18)?) {
        (Some(what), Some(at)) => Some(RefreshFailed { what, at: time(at) }),
        _ => None,
    };
    Ok(Some(Entry {
        id,
        family,
        at: time(r.get(2)?),
        profile: r.get(3)?,
        space: r.get(4)?,
        lookup,
        pinned: r.get(15)?,
        note: r.get(16)?,
        refresh_failed,
        body_digest: r.get(19)?,
    }))
}

/// The columns of an entry's lookup, in [`COLUMNS`] order from `error` to `parent_id`.
pub(super) type LookupColumns<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
    bool,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<f64>,
    Option<&'a str>,
);

pub(super) fn lookup_columns(lookup: &Lookup) -> LookupColumns<'_> {
    match lookup {
        Lookup::Error(e) => (
            Some(e),
            None,
            None,
            false,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        Lookup::Record(s) => {
            let (text, json) = match &s.wire_type {
                Some(Value::String(t)) => (Some(t.as_str()), None),
                Some(v) => (None, Some(v.to_string())),
                None => (None, None),
            };
            (
                None,
                text,
                json,
                s.deleted,
                s.kind.as_deref(),
                s.status.as_deref(),
                s.from.as_deref(),
                s.to.as_deref(),
                s.charge,
                s.parent_id.as_deref(),
            )
        }
    }
}

/// Writes `e` whole as `id`'s row (a new rowid: it lists first among equal times), or as
/// `rowid`.
pub(super) fn insert(tx: &Connection, e: &Entry, rowid: Option<i64>) -> rusqlite::Result<()> {
    let sql = format!(
        "INSERT INTO history (rowid, {COLUMNS}, search, profile_lc, space_lc, status_lc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
          ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)"
    );
    write(tx, &sql, e, rowid).map(drop)
}

/// Writes `e` over `id`'s row when there is one, keeping its pin and note (`e`'s note should
/// be the row's: the search text is laid out from `e`), as the newest rowid
/// (it lists first among equal times, as a removal and insert would have it, in one statement
/// that fires no counting trigger). Whether there was one.
pub(super) fn replace(tx: &Connection, e: &Entry) -> rusqlite::Result<bool> {
    // ?1 (the rowid), ?17 and ?18 (the pin and note) are not used.
    const SQL: &str = "UPDATE history SET rowid = (SELECT max(rowid) + 1 FROM history),
        family = ?3, at = ?4, profile = ?5, space = ?6, error = ?7, type = ?8, type_json = ?9,
        deleted = ?10, kind = ?11, status = ?12, from_addr = ?13, to_addr = ?14, charge = ?15,
        parent_id = ?16, refresh_what = ?19, refresh_at = ?20, digest = ?21, search = ?22,
        profile_lc = ?23, space_lc = ?24, status_lc = ?25
        WHERE id = ?2";
    write(tx, SQL, e, None).map(|n| n > 0)
}

/// Runs `sql` with `e`'s columns as ?2 to ?25 (in [`COLUMNS`] order, then the search columns)
/// and `rowid` as ?1.
fn write(tx: &Connection, sql: &str, e: &Entry, rowid: Option<i64>) -> rusqlite::Result<usize> {
    let l = lookup_columns(&e.lookup);
    let (what, at) = match &e.refresh_failed {
        Some(f) => (Some(f.what.as_str()), Some(nanos(f.at))),
        None => (None, None),
    };
    let s = super::query::searched(e);
    tx.prepare_cached(sql)?.execute(params![
        rowid,
        e.id.to_string(),
        e.family.label(),
        nanos(e.at),
        e.profile,
        e.space,
        l.0,
        l.1,
        l.2,
        l.3,
        l.4,
        l.5,
        l.6,
        l.7,
        l.8,
        l.9,
        e.pinned,
        e.note,
        what,
        at,
        e.body_digest,
        s.search,
        s.profile,
        s.space,
        s.status,
    ])
}
