//! The history as queries: what the filter searches is kept beside each row, so that a filter
//! (the sidebar's words, `swlog history`'s) is one SELECT in display order, read a row at a
//! time, instead of a read of every entry into memory.
//!
//! The columns are written here, in Rust, at every change to what they hold: `search` is the
//! text [`filter::lay_out`] makes of the entry (its fields in lower case, each after a line
//! end of its own), `profile_lc`, `space_lc` and `status_lc` the whole values in lower case.
//! SQLite's own `lower()` knows ASCII only; Rust's is Unicode's, as the filter in memory is.
//! A word is then `instr(search, form) > 0`, with `^` and `$` the line ends around a field,
//! exactly as the filter in memory searches its text (a property test holds the two to it).

use rusqlite::{Connection, ToSql, params};

use super::deferred::Deferred;
use super::filter::{self, Query};
use super::ops::Op;
use super::rows::{COLUMNS, ORDER, entry};
use super::{Entry, History, Options, Warning};

/// The search columns of an entry, in the order [`COLUMNS_SET`] names them.
pub(super) struct Searched {
    pub(super) search: String,
    pub(super) profile: String,
    pub(super) space: String,
    pub(super) status: Option<String>,
}

/// The search columns of `e`.
pub(super) fn searched(e: &Entry) -> Searched {
    let lower = |s: &str| s.to_lowercase();
    Searched {
        search: filter::search_text(e),
        profile: lower(&e.profile),
        space: lower(&e.space),
        status: e.summary().and_then(|s| s.status.as_deref()).map(lower),
    }
}

/// The search columns, as an UPDATE sets them from `?2` on (`?1` is the ID).
const COLUMNS_SET: &str = "search = ?2, profile_lc = ?3, space_lc = ?4, status_lc = ?5";

/// Sets the search columns of `id`'s row from what the row holds now.
fn reindex(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    let row = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM history WHERE id = ?1"))?
        .query_row([id], entry);
    let e = match row {
        Ok(Some(e)) => e,
        // Gone, or a row this build cannot read: nothing to search.
        Ok(None) | Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(()),
        Err(e) => return Err(e),
    };
    let s = searched(&e);
    conn.prepare_cached(&format!("UPDATE history SET {COLUMNS_SET} WHERE id = ?1"))?
        .execute(params![id, s.search, s.profile, s.space, s.status])?;
    Ok(())
}

/// After `op` was applied in SQL: the search columns of a row it changed in place. A row it
/// wrote whole ([`super::rows::insert`]) has them already.
pub(super) fn after(conn: &Connection, op: &Op) -> rusqlite::Result<()> {
    match op {
        Op::Update(id, _) | Op::Note(id, _) => reindex(conn, &id.to_string()),
        Op::Restore(e) => reindex(conn, &e.id.to_string()),
        // A failed lookup marks a found record (no field the filter searches) or is written
        // whole.
        Op::Upsert(_)
        | Op::Failed(_)
        | Op::RefreshFailed(..)
        | Op::Pin(..)
        | Op::Delete(_)
        | Op::Clear
        | Op::ClearUnpinned
        | Op::Prune => Ok(()),
    }
}

/// Fills the search columns of the rows that have none: every row of a file an older swlog
/// wrote (the migration that added them cannot lay out text the Rust way), and rows salvaged
/// from one. One transaction; costs one look at an index when there is nothing to fill.
pub(super) fn fill(conn: &mut Connection) -> rusqlite::Result<()> {
    // Nothing to fill, the common case: no write lock taken to find that out.
    let none: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM history WHERE search IS NULL)",
        [],
        |r| r.get(0),
    )?;
    if none {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM history WHERE search IS NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in &ids {
        reindex(&tx, id)?;
    }
    tx.commit()
}

/// A filter as a WHERE clause over `history`, with its parameters: the words of `query` (see
/// [`filter`]) and, with `profile`, that profile exactly (`swlog history --profile`).
pub(super) fn clause(query: &Query, profile: Option<&str>) -> (String, Vec<String>) {
    let mut sql = vec!["search IS NOT NULL".to_owned()];
    let mut args: Vec<String> = Vec::new();
    let mark = |args: &mut Vec<String>, value: &str| {
        args.push(value.to_owned());
        format!("?{}", args.len())
    };
    if let Some(p) = profile {
        let m = mark(&mut args, p);
        sql.push(format!("profile = {m}"));
    }
    for (column, names) in [
        ("profile_lc", query.profiles()),
        ("space_lc", query.spaces()),
        ("status_lc", query.statuses()),
    ] {
        if !names.is_empty() {
            let marks: Vec<String> = names.iter().map(|n| mark(&mut args, n)).collect();
            sql.push(format!("{column} IN ({})", marks.join(", ")));
        }
    }
    for (forms, negated) in query.words() {
        let found: Vec<String> = (forms.iter())
            .map(|f| format!("instr(search, {}) > 0", mark(&mut args, f)))
            .collect();
        let found = found.join(" OR ");
        sql.push(match negated {
            true => format!("NOT ({found})"),
            false => format!("({found})"),
        });
    }
    (sql.join(" AND "), args)
}

/// The parameters of a statement, as rusqlite takes them.
pub(super) fn as_params(args: &[String]) -> Vec<&dyn ToSql> {
    args.iter().map(|a| a as &dyn ToSql).collect()
}

/// The rows this build can read: those of a family it knows (as [`entry`] reads them).
fn readable() -> String {
    let known: Vec<String> = (crate::api::Family::ALL.into_iter())
        .map(|f| format!("'{}'", f.label()))
        .collect();
    format!("family IN ({})", known.join(", "))
}

/// How many entries a history holds, how many of them are pinned, and how many have a note,
/// among the pinned and among the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every entry.
    pub total: usize,
    /// The pinned ones.
    pub pinned: usize,
    /// The pinned ones with a note.
    pub noted_pinned: usize,
    /// The others with a note.
    pub noted_unpinned: usize,
}

/// A database error where the filter's callers speak `io`.
fn io(e: rusqlite::Error) -> std::io::Error {
    std::io::Error::other(e)
}

impl History {
    /// Opens the history in `dir` as [`History::open`] does, to be read through queries
    /// ([`History::each_matching`] and the rest) without reading its entries: only when the
    /// database cannot be queried (a directory that cannot be written, rows it could not fill
    /// the search columns of) are they all read, for the filter in memory.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open_to_query(
        dir: impl Into<std::path::PathBuf>,
        options: Options,
    ) -> (Self, Vec<Warning>) {
        let (mut history, mut warnings) = Self::opened(dir.into(), options, Some(0));
        if history.is_partial() && history.queryable().is_none() {
            history.refresh(&mut warnings);
        }
        (history, warnings)
    }

    /// The connection to query, when the database holds what this history shows: every row
    /// searchable, nothing waiting to be written or on its way to a save, and nobody else's
    /// write since the entries were read (or none read but a first page, which the database
    /// then is the whole of).
    fn queryable(&self) -> Option<&Connection> {
        let settled = self.pending.is_empty()
            && self.not_saved.is_none()
            && self.batch.is_none()
            && self.deferred.as_ref().is_none_or(Deferred::settled);
        let db = self.db.as_ref().filter(|_| settled)?;
        (self.partial.is_some() || !db.changed()).then(|| db.searchable())?
    }

    /// Whether the filter's queries go to the database.
    #[cfg(test)]
    pub(super) fn queries(&self) -> bool {
        self.queryable().is_some()
    }

    /// Calls `each` with every entry matching `query` (the words the sidebar's filter takes,
    /// see [`filter`]) and, with `profile`, made with exactly that profile, in display order;
    /// stops at the first error `each` returns. Read from the database a row at a time when it
    /// holds what this history shows, else from memory.
    pub fn each_matching(
        &self,
        query: &str,
        profile: Option<&str>,
        mut each: impl FnMut(&Entry) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let q = Query::parse(query);
        let Some(conn) = self.queryable() else {
            for e in self
                .filter(query)
                .into_iter()
                .filter_map(|i| self.entries.get(i))
            {
                if profile.is_none_or(|p| e.profile == p) {
                    each(e)?;
                }
            }
            return Ok(());
        };
        let (clause, args) = clause(&q, profile);
        let sql = format!("SELECT {COLUMNS} FROM history WHERE {clause} {ORDER}");
        let mut stmt = conn.prepare(&sql).map_err(io)?;
        let mut rows = stmt.query(&*as_params(&args)).map_err(io)?;
        while let Some(row) = rows.next().map_err(io)? {
            // A row this build cannot read (a family it does not know) is not shown.
            if let Some(e) = entry(row).map_err(io)? {
                each(&e)?;
            }
        }
        Ok(())
    }

    /// The profiles of the entries [`History::each_matching`] would give, each once, sorted.
    pub fn profiles_matching(&self, query: &str, profile: Option<&str>) -> Vec<String> {
        let q = Query::parse(query);
        let from_sql = self.queryable().and_then(|conn| {
            let (clause, args) = clause(&q, profile);
            let sql = format!(
                "SELECT DISTINCT profile FROM history WHERE {clause} AND {}
                 ORDER BY profile",
                readable()
            );
            let mut stmt = conn.prepare(&sql).ok()?;
            let rows = stmt.query_map(&*as_params(&args), |r| r.get(0)).ok()?;
            rows.collect::<rusqlite::Result<Vec<String>>>().ok()
        });
        from_sql.unwrap_or_else(|| {
            let mut names: Vec<String> = Vec::new();
            let _ = self.each_matching(query, profile, |e| {
                names.push(e.profile.clone());
                Ok(())
            });
            names.sort_unstable();
            names.dedup();
            names
        })
    }

    /// How many entries match `query`: counted by the database when it can be queried. For the
    /// tests and the benches that hold the query to the filter in memory: the sidebar counts in
    /// memory, which measured faster.
    #[cfg(any(test, feature = "test-support"))]
    pub fn count_matching(&self, query: &str) -> usize {
        let q = Query::parse(query);
        let from_sql = self.queryable().and_then(|conn| {
            let (clause, args) = clause(&q, None);
            let sql = format!(
                "SELECT count(*) FROM history WHERE {clause} AND {}",
                readable()
            );
            let n: i64 = conn
                .query_row(&sql, &*as_params(&args), |r| r.get(0))
                .ok()?;
            usize::try_from(n).ok()
        });
        from_sql.unwrap_or_else(|| self.filter(query).len())
    }

    /// How many entries there are, pinned and noted ([`Tally`]): counted by the database when
    /// it can be queried.
    pub fn tally(&self) -> Tally {
        let from_sql = self.queryable().and_then(|conn| {
            let sql = format!(
                "SELECT count(*), coalesce(sum(pinned != 0), 0),
                   coalesce(sum(note IS NOT NULL AND pinned != 0), 0),
                   coalesce(sum(note IS NOT NULL AND pinned = 0), 0)
                 FROM history WHERE {}",
                readable()
            );
            let n = |i| -> rusqlite::Result<usize> { Ok(usize::try_from(i).unwrap_or(0)) };
            conn.query_row(&sql, [], |r| {
                Ok(Tally {
                    total: n(r.get::<_, i64>(0)?)?,
                    pinned: n(r.get::<_, i64>(1)?)?,
                    noted_pinned: n(r.get::<_, i64>(2)?)?,
                    noted_unpinned: n(r.get::<_, i64>(3)?)?,
                })
            })
            .ok()
        });
        from_sql.unwrap_or_else(|| {
            let mut t = Tally {
                total: self.entries.len(),
                ..Tally::default()
            };
            for e in &self.entries {
                t.pinned += usize::from(e.pinned);
                t.noted_pinned += usize::from(e.pinned && e.note.is_some());
                t.noted_unpinned += usize::from(!e.pinned && e.note.is_some());
            }
            t
        })
    }

    /// The entries matching `query` from the `offset`th, at most `limit` of them, in display
    /// order: a screen's worth read without reading the rest. For the tests and the benches
    /// that measured the query as the sidebar's filter (it was slower than the one in memory).
    #[cfg(any(test, feature = "test-support"))]
    pub fn page_matching(&self, query: &str, offset: usize, limit: usize) -> Vec<Entry> {
        let q = Query::parse(query);
        let from_sql = self.queryable().and_then(|conn| {
            let (clause, args) = clause(&q, None);
            let sql = format!(
                "SELECT {COLUMNS} FROM history WHERE {clause} AND {} {ORDER}
                 LIMIT {limit} OFFSET {offset}",
                readable()
            );
            let mut stmt = conn.prepare(&sql).ok()?;
            let rows = stmt.query_map(&*as_params(&args), entry).ok()?;
            rows.collect::<rusqlite::Result<Vec<Option<Entry>>>>().ok()
        });
        match from_sql {
            Some(rows) => rows.into_iter().flatten().collect(),
            None => (self.filter(query).into_iter())
                .skip(offset)
                .take(limit)
                .filter_map(|i| self.entries.get(i).cloned())
                .collect(),
        }
    }
}
