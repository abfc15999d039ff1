//! What can go wrong with the index, as values the caller turns into one notice and then goes on
//! over the network: nothing here is fatal to a search.

use std::path::PathBuf;

use rusqlite::ErrorCode;
use thiserror::Error;

/// Why the index could not be opened, read or written.
#[derive(Debug, Error)]
pub enum IndexError {
    /// Something other than a regular file is where the index should be; it is left alone.
    #[error("the index at {} is {what}, not a regular file: not used", path.display())]
    NotAFile {
        /// The index path.
        path: PathBuf,
        /// What is there, e.g. "a symbolic link", "a FIFO", "a directory".
        what: &'static str,
    },
    /// The file was written by a newer swlog whose schema this one does not know.
    #[error("the index at {} has schema version {found}, newer than this swlog's {known}: not used", path.display())]
    NewerSchema {
        /// The index path.
        path: PathBuf,
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The disk (or the database's page limit) is full: the index was not updated.
    #[error("the index could not be updated: the disk is full")]
    Full,
    /// The database is damaged; [`crate::index::Index::recover`] moves it aside.
    #[error("the index is damaged: {0}")]
    Corrupt(String),
    /// Another process held the index longer than the busy timeout.
    #[error("the index is busy in another swlog: not updated this time")]
    Busy,
    /// A file-system error outside SQLite (creating the directory, moving a damaged file).
    #[error("the index at {}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Any other SQLite error (an I/O error while writing among them).
    #[error("the index: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for IndexError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => IndexError::Full,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                IndexError::Corrupt(e.to_string())
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => IndexError::Busy,
            _ => IndexError::Sqlite(e),
        }
    }
}

impl IndexError {
    /// Whether the error means the file is damaged (and moving it aside would help).
    pub fn is_corrupt(&self) -> bool {
        matches!(self, IndexError::Corrupt(_))
    }
}

/// The index's result type.
pub type Result<T, E = IndexError> = std::result::Result<T, E>;
