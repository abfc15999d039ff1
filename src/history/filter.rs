//! The sidebar's fuzzy filter, built on nucleo's matcher (helix's), so that typing a few digits
//! of a number, part of an ID or a word of a note narrows 10,000 entries within a keystroke.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use super::{Entry, Lookup};

/// The text each entry is matched against, prepared once per change of the entries.
#[derive(Debug, Default)]
pub(super) struct Index {
    haystacks: Vec<Utf32String>,
}

impl Index {
    /// Prepares the haystacks of `entries`, in the same order.
    pub(super) fn new(entries: &[Entry]) -> Self {
        Self {
            haystacks: entries.iter().map(|e| haystack(e).into()).collect(),
        }
    }

    /// Indices of the matching entries, best first (ties keep list order); all for a blank
    /// query.
    pub(super) fn filter(&self, query: &str) -> Vec<usize> {
        if query.trim().is_empty() {
            return (0..self.haystacks.len()).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut hits: Vec<(u32, usize)> = self
            .haystacks
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((pattern.score(h.slice(..), &mut matcher)?, i)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, i)| i).collect()
    }
}

/// Everything a user may type to find an entry, space-separated.
fn haystack(e: &Entry) -> String {
    let mut parts: Vec<&str> = Vec::with_capacity(7);
    match &e.lookup {
        Lookup::Record(s) => {
            parts.push(&s.kind);
            parts.extend(s.status.as_deref());
            parts.extend(s.from.as_deref());
            parts.extend(s.to.as_deref());
        }
        Lookup::Error(err) => parts.push(err),
    }
    parts.extend(e.note.as_deref());
    let id = e.id.to_string();
    let mut s = parts.join(" ");
    s.push(' ');
    s.push_str(&id);
    s
}
