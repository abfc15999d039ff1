//! The local index: every voice-log row swlog has read, kept in one SQLite file so that the
//! second question about the same hours is answered from disk.
//!
//! The list API narrows only by date and pages newest first, one round trip a page. The index
//! keeps each row as received (per [`Scope`]: origin, project and log family), with the columns a search
//! needs, and which spans of `created_at` a scan has read completely ([`Coverage`]), so that a
//! caller fetches only the holes and the rows that may still change ([`Index::needs_reread`]).
//!
//! The file (the platform data dir's `index.db` by default, see [`Index::default_path`]) is in
//! WAL mode with a busy timeout, so two swlogs can search and index at once; every write is one
//! transaction, so a killed process loses at most the page it was writing. Something other than
//! a regular file in its place is refused ([`IndexError::NotAFile`]); a damaged file is moved
//! aside and replaced ([`Index::take_recovered`]); a full disk is an error, never a panic.
//! Every failure is an [`IndexError`] the caller turns into one notice before going on over the
//! network. The token never reaches the index: scopes are built from scheme, host and port only.
//!
//! An [`Index`] is one SQLite connection and blocks while it reads or writes: it is `Send`,
//! not `Sync`, so an async caller keeps it on one blocking thread (or opens one per task); each
//! process or thread that opens the file gets its own connection, and they coordinate through
//! SQLite's locks.
//!
//! ```no_run
//! # fn main() -> Result<(), swlog::index::IndexError> {
//! use chrono::{Duration, Utc};
//! use swlog::index::{Index, Origin, Scope, Window};
//! let mut index = Index::open(&Index::default_path().unwrap_or_default())?;
//! let scope = Scope::new(Origin::parse("https://acme.signalwire.com").unwrap(), "project-id");
//! let now = Utc::now();
//! let window = Window::new(now - Duration::hours(2), now);
//! let coverage = index.coverage(&scope, "", window)?;
//! for hole in &coverage.holes {
//!     // fetch the hole's pages, then:
//!     // index.record_rows(&scope, &page.rows, Utc::now())?;
//!     index.record_span(&scope, "", *hole, now)?;
//! }
//! let rows = index.rows_in(&scope, window, &Default::default())?;
//! # let _ = rows; Ok(()) }
//! ```

mod calls;
mod compat;
mod coverage;
mod error;
mod facts;
pub(crate) mod file;
mod prefix;
mod rows;
mod salvage;
mod schema;
mod scope;
mod shape;
mod spans;
#[cfg(test)]
mod tests;
mod upkeep;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension as _, params};

pub use compat::KeptCompat;
pub use coverage::{Coverage, Covered, Span, Window};
pub use error::{IndexError, Result};
pub use file::Recovered;
pub use rows::{Recorded, Reread, RowFilter, StoredRow, Why, is_final};
pub use schema::VERSION as SCHEMA_VERSION;
pub use scope::{Origin, Scope, VOICE};
pub use upkeep::{Caps, Pruned, ScopeStats, Stats};

/// The pure coverage arithmetic, for callers that plan fetches without a database.
pub mod spans_math {
    pub use super::coverage::{absorb, insert, split};
}

/// How long after a call ends its charges may still change: a final row read sooner than this
/// after its end is read once more after it.
pub const DEFAULT_SETTLE: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// The index, open on one file.
#[derive(Debug)]
pub struct Index {
    conn: Connection,
    path: PathBuf,
    recovered: Option<Recovered>,
    settle: chrono::TimeDelta,
    shapes: shape::Shapes,
}

impl Index {
    /// `index.db` in the platform data dir, when there is one.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "swlog").map(|d| d.data_dir().join("index.db"))
    }

    /// Opens the index at `path`, creating it (and its directory) when absent. A damaged file
    /// is moved aside and a fresh one started: [`Index::take_recovered`] says so once.
    pub fn open(path: &Path) -> Result<Self> {
        let (conn, recovered) = file::open(path)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            recovered,
            settle: DEFAULT_SETTLE,
            shapes: shape::Shapes::default(),
        })
    }

    /// The index on a connection already opened by [`file::open`] on `path` (the history's, the
    /// same file): one connection a process instead of two.
    pub(crate) fn adopt(conn: Connection, path: PathBuf) -> Self {
        Self {
            conn,
            path,
            recovered: None,
            settle: DEFAULT_SETTLE,
            shapes: shape::Shapes::default(),
        }
    }

    /// The same index with another settle time (see [`DEFAULT_SETTLE`]).
    pub fn with_settle(mut self, settle: chrono::TimeDelta) -> Self {
        self.settle = settle;
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The notice that the file was damaged and replaced, the first time it is asked for.
    pub fn take_recovered(&mut self) -> Option<Recovered> {
        self.recovered.take()
    }

    /// After an operation failed with [`IndexError::Corrupt`]: moves the damaged file aside and
    /// opens a fresh one in its place, saying so through [`Index::take_recovered`].
    pub fn recover(self) -> Result<Self> {
        let Self {
            conn, path, settle, ..
        } = self;
        // Closing first: the file must not be written after it is moved.
        drop(conn);
        let moved = file::move_aside(&path, "damaged while in use".to_owned())?;
        let (conn, recovered) = file::fresh(&path, moved)?;
        Ok(Self {
            conn,
            path,
            recovered: Some(recovered),
            settle,
            shapes: shape::Shapes::default(),
        })
    }
}

#[cfg(test)]
impl Index {
    /// The connection, for tests that tell one connection from another.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Lets the database grow by `pages` more pages only, as a full disk would.
    pub(crate) fn fill_disk_after(&mut self, pages: i64) {
        let now: i64 = self
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap_or(0);
        let _ = self.conn.pragma_update(None, "max_page_count", now + pages);
    }
}

/// The stored ID of `scope`, created when `create` is set.
fn scope_id(conn: &Connection, scope: &Scope, create: bool) -> Result<Option<i64>> {
    let origin = scope.origin.as_str();
    let find = || {
        conn.query_row(
            "SELECT id FROM scopes WHERE origin = ?1 AND project = ?2 AND family = ?3",
            params![origin, scope.project, scope.family],
            |r| r.get(0),
        )
        .optional()
    };
    let found = find()?;
    if found.is_some() || !create {
        return Ok(found);
    }
    conn.execute(
        "INSERT OR IGNORE INTO scopes (origin, project, family) VALUES (?1, ?2, ?3)",
        params![origin, scope.project, scope.family],
    )?;
    Ok(find()?)
}
