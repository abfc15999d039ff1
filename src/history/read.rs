//! Reading: the first page of a long history at open (the rest read off the inspector's update
//! path), how many entries there are, the filter, and cached bodies.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::db::{self, Body};
use super::{History, Options, Warning, filter};

/// How many entries the inspector reads when it opens: a tall screen's worth and a margin. Its
/// save thread reads the rest and hands them over ([`super::Saved`]), so that opening a history
/// of 100,000 lookups costs what opening one of 200 does.
pub const FIRST_PAGE: usize = 200;

/// What was read of a history opened at its first page.
#[derive(Debug, Clone, Copy)]
pub(super) struct Partial {
    /// How many entries were read.
    read: usize,
    /// How many the database held then.
    total: usize,
}

impl History {
    /// Opens the history in `dir` as [`History::open`] does, reading only its first `first`
    /// entries and how many there are. The rest is read by the first save of a history whose
    /// saves are deferred ([`History::defer_saves`]), on the thread that runs it.
    #[must_use = "the warnings should be shown to the user"]
    pub fn open_first(
        dir: impl Into<std::path::PathBuf>,
        options: Options,
        first: usize,
    ) -> (Self, Vec<Warning>) {
        Self::opened(dir.into(), options, Some(first))
    }

    /// Reads the first `n` entries and the count, or everything when the file needs recovery.
    pub(super) fn read_first(&mut self, n: usize, warnings: &mut Vec<Warning>) {
        let Some(db) = &mut self.db else {
            return;
        };
        match db.load_first(n) {
            Ok((entries, total)) => {
                let read = entries.len();
                self.set_entries(entries);
                self.partial = (total > read).then_some(Partial { read, total });
            }
            // Recovery reads what it can of everything anyway.
            Err(_) => self.refresh(warnings),
        }
    }

    /// Whether only the first page of the entries has been read so far.
    pub fn is_partial(&self) -> bool {
        self.partial.is_some()
    }

    /// How many entries the history holds: [`History::entries`]'s length, or while only the
    /// first page is read, the count the database gave, with the changes made since.
    pub fn len(&self) -> usize {
        match self.partial {
            Some(p) => (p.total + self.entries.len()).saturating_sub(p.read),
            None => self.entries.len(),
        }
    }

    /// Whether the history holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indices into [`History::entries`] of the entries matching `query`, in display
    /// order; every index for an empty query. See [`filter`] for the words it takes.
    ///
    /// Searched in memory, not in the database, though the database could answer the same
    /// ([`History::each_matching`] does, for `swlog history`): the sidebar needs every match at
    /// each key (its rows and its "N of M"), and at 100,000 entries one query costs 29–94 ms
    /// (a scan of every row, SQLite's `instr` at some 20 ms however narrow the rows are kept),
    /// a screen and the count 18–58 ms, where this search of one text takes 0.5–4.8 ms (the
    /// criterion `filter` group). The inspector holds the entries anyway, for its rows.
    pub fn filter(&self, query: &str) -> Vec<usize> {
        let query = filter::Query::parse(query);
        if query.is_empty() {
            return (0..self.entries.len()).collect();
        }
        let text = self.text.get_or_init(|| filter::Text::new(&self.entries));
        text.filter(&query, &self.entries)
    }

    /// The last response body cached for `id`, with the time it was fetched or last confirmed
    /// unchanged (a time in the future, from a clock that was wrong, is not believed).
    pub fn cached_body(&self, id: Uuid) -> Option<(String, DateTime<Utc>)> {
        if !self.options.cache {
            return None;
        }
        let (body, digest) = match self.bodies.get(&id) {
            Some(b) => (b.clone(), db::digest(&b.body)),
            None => self.db.as_ref()?.body(id)?,
        };
        let written = Some(body.fetched_at).filter(|t| *t <= Utc::now());
        let confirmed = (self.get(id))
            .filter(|e| e.body_digest.as_deref() == Some(&*digest))
            .map(|e| e.at);
        let at = match (written, confirmed) {
            (Some(w), Some(c)) => w.max(c),
            (w, c) => w.or(c).unwrap_or(body.fetched_at),
        };
        Some((body.body, at))
    }

    pub(super) fn body(&self, id: Uuid) -> Option<Body> {
        match self.bodies.get(&id) {
            Some(b) => Some(b.clone()),
            None => self.db.as_ref()?.body(id).map(|(b, _)| b),
        }
    }
}

/// The entries of the database in `dir` read without writing anything (not even its WAL's
/// index), for a directory that cannot be written: `None` when there is none to read.
pub(super) fn peek(dir: &std::path::Path) -> Option<Vec<super::Entry>> {
    let path = dir.join(db::FILE);
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let escaped: String = (path.to_str()?.chars())
        .map(|c| match c {
            '%' => "%25".to_owned(),
            '?' => "%3f".to_owned(),
            '#' => "%23".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
        | rusqlite::OpenFlags::SQLITE_OPEN_URI
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
        | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
    let conn =
        rusqlite::Connection::open_with_flags(format!("file:{escaped}?immutable=1"), flags).ok()?;
    super::rows::load(&conn).ok()
}
