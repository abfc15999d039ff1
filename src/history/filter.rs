//! The sidebar's fuzzy filter, built on nucleo's matcher (helix's), so that typing a few digits
//! of a number, part of an ID or a word of a note narrows 10,000 entries within a keystroke.
//!
//! Each word of the query must match within one field (type, status, from, to, note, error or
//! ID), not across two: "alice" should not match "c*al*l … l*i*n*e". The texts are interned, so a
//! type or status shared by thousands of entries is scored once per query; that, and nucleo's
//! prefilter rejecting a UUID or a number for any word with a letter they lack, is what keeps a
//! query over 10,000 entries within a few milliseconds.

use std::collections::HashMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use super::{Entry, Lookup};

/// The fields of every entry, interned, prepared once per change of the entries.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Each distinct field text once.
    texts: Vec<Utf32String>,
    /// Per entry, in list order, the indices into `texts` of its fields.
    fields: Vec<Vec<u32>>,
}

impl Index {
    /// Prepares the fields of `entries`, in the same order.
    pub(super) fn new(entries: &[Entry]) -> Self {
        let mut texts = Texts::default();
        let fields = entries
            .iter()
            .map(|e| {
                let mut f = Vec::with_capacity(6);
                match &e.lookup {
                    Lookup::Record(s) => {
                        f.push(texts.intern(&s.kind));
                        f.extend(s.status.as_deref().map(|t| texts.intern(t)));
                        f.extend(s.from.as_deref().map(|t| texts.intern(t)));
                        f.extend(s.to.as_deref().map(|t| texts.intern(t)));
                    }
                    Lookup::Error(err) => f.push(texts.intern(err)),
                }
                f.extend(e.note.as_deref().map(|t| texts.intern(t)));
                // IDs are unique: interning them would only cost.
                f.push(texts.push(&e.id.to_string()));
                f
            })
            .collect();
        Self {
            texts: texts.all,
            fields,
        }
    }

    /// Indices of the matching entries, best first (ties keep list order); all for a blank
    /// query. The query uses fzf's syntax: `'exact`, `^prefix`, `suffix$`, `!not`.
    pub(super) fn filter(&self, query: &str) -> Vec<usize> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        if pattern.atoms.is_empty() {
            return (0..self.fields.len()).collect();
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        // Per word, the score of each text, computed when first needed.
        let mut memo: Vec<Vec<Option<Option<u16>>>> =
            vec![vec![None; self.texts.len()]; pattern.atoms.len()];
        let mut hits: Vec<(u32, usize)> = Vec::new();
        'entries: for (i, fields) in self.fields.iter().enumerate() {
            let mut total = 0u32;
            for (a, atom) in pattern.atoms.iter().enumerate() {
                let mut score = |t: u32| {
                    let slot = &mut memo[a][t as usize];
                    *slot.get_or_insert_with(|| {
                        atom.score(self.texts[t as usize].slice(..), &mut matcher)
                    })
                };
                if atom.negative {
                    // A negative word scores `None` where it matches: no field may match it.
                    if !fields.iter().all(|&t| score(t).is_some()) {
                        continue 'entries;
                    }
                } else {
                    match fields.iter().filter_map(|&t| score(t)).max() {
                        Some(best) => total += u32::from(best),
                        None => continue 'entries,
                    }
                }
            }
            hits.push((total, i));
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, i)| i).collect()
    }
}

/// Distinct texts, each stored once.
#[derive(Default)]
struct Texts<'a> {
    all: Vec<Utf32String>,
    seen: HashMap<&'a str, u32>,
}

impl<'a> Texts<'a> {
    /// The index of `s`, adding it when new.
    fn intern(&mut self, s: &'a str) -> u32 {
        if let Some(&i) = self.seen.get(s) {
            return i;
        }
        let i = self.push(s);
        self.seen.insert(s, i);
        i
    }

    /// Adds `s` without looking for it.
    fn push(&mut self, s: &str) -> u32 {
        // Beyond u32::MAX texts is far beyond any cap; saturate rather than wrap.
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        self.all.push(Utf32String::from(s));
        i
    }
}
