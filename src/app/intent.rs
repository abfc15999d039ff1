//! What Enter in the input would do with its text, for the input's live hint: look up an ID
//! (whole, or short and naming one lookup), search, or say why neither.

use super::App;
use crate::query::Query;

/// What Enter in the input would do with the text there, for the input's hint.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Nothing typed.
    Empty,
    /// Look up this log (the text is exactly its ID).
    Id,
    /// Look up the one ID found in the text.
    IdFound,
    /// Several IDs: nothing happens until one is kept.
    Ambiguous(usize),
    /// Not a whole ID, nor a short one naming one lookup: why.
    BadId(String),
    /// Search: the search in words.
    Search(String),
    /// A search it cannot understand: why, and nothing is sent.
    BadSearch(String),
}

impl App {
    /// What Enter in the input would do now.
    pub fn input_intent(&self) -> Intent {
        use crate::api::IdError;
        match self.input_id() {
            Ok(id) if id.to_string() == self.input.value() => Intent::Id,
            Ok(_) => Intent::IdFound,
            Err(IdError::Empty) => Intent::Empty,
            Err(IdError::Ambiguous { count, .. }) => Intent::Ambiguous(count),
            Err(
                e @ (IdError::Incomplete(..)
                | IdError::ShortAmbiguous { .. }
                | IdError::ShortUnknown(_)),
            ) => Intent::BadId(e.to_string()),
            Err(IdError::NotFound(_)) => match Query::parse(self.input.value(), &self.clock()) {
                Ok(q) => Intent::Search(q.describe(&self.clock())),
                Err(e) => Intent::BadSearch(e.to_string()),
            },
        }
    }
}
