//! The sidebar's filter (and, at its end, the lookups a short ID names), built on nucleo's matcher (helix's), so that typing a few digits of a
//! number, the start of an ID or a word of a note narrows 10,000 entries within a keystroke.
//!
//! Each word of the query must match within one field (type, status, from, to, note, error or
//! ID), not across two: "alice" should not match "c*al*l … l*i*n*e". Words match the text fields
//! fuzzily, but an ID only as a substring: a few hex digits are a subsequence of nearly every
//! random UUID, so fuzzy matching IDs listed almost every entry for any ID-like word, and scoring
//! all 10,000 of them took most of a query's time (15 ms of 16 for eight hex digits). The texts
//! are interned, so a type or status shared by thousands of entries is scored once per query.

use std::collections::HashMap;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use super::{Entry, Lookup};

/// The fields of every entry, interned, prepared once per change of the entries.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// Each distinct field text once.
    texts: Vec<Utf32String>,
    /// Per entry, in list order, the indices into `texts` of its fields other than the ID.
    fields: Vec<Vec<u32>>,
    /// Per entry, in list order, its ID (hyphenated, lower case).
    ids: Vec<Utf32String>,
}

impl Index {
    /// Prepares the fields of `entries`, in the same order.
    pub(super) fn new(entries: &[Entry]) -> Self {
        let mut texts = Texts::default();
        let mut ids = Vec::with_capacity(entries.len());
        let fields = entries
            .iter()
            .map(|e| {
                let mut f = Vec::with_capacity(5);
                match &e.lookup {
                    Lookup::Record(s) => {
                        f.push(texts.intern(s.filter_text()));
                        f.extend(s.status.as_deref().map(|t| texts.intern(t)));
                        f.extend(s.from.as_deref().map(|t| texts.intern(t)));
                        f.extend(s.to.as_deref().map(|t| texts.intern(t)));
                    }
                    Lookup::Error(err) => f.push(texts.intern(err)),
                }
                f.extend(e.note.as_deref().map(|t| texts.intern(t)));
                let mut buf = uuid::Uuid::encode_buffer();
                ids.push(Utf32String::from(
                    &*e.id.hyphenated().encode_lower(&mut buf),
                ));
                f
            })
            .collect();
        Self {
            texts: texts.all,
            fields,
            ids,
        }
    }

    /// Indices of the matching entries, best first (ties keep list order); all for a blank
    /// query. The query uses fzf's syntax: `'exact`, `^prefix`, `suffix$`, `!not`.
    pub(super) fn filter(&self, query: &str) -> Vec<usize> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        if pattern.atoms.is_empty() {
            return (0..self.fields.len()).collect();
        }
        let id_atoms: Vec<Atom> = pattern.atoms.iter().map(id_atom).collect();
        let mut matcher = Matcher::new(Config::DEFAULT);
        // Per word, the score of each text, computed when first needed.
        let mut memo: Vec<Vec<Option<Option<u16>>>> =
            vec![vec![None; self.texts.len()]; pattern.atoms.len()];
        let mut hits: Vec<(u32, usize)> = Vec::new();
        'entries: for (i, fields) in self.fields.iter().enumerate() {
            let mut total = 0u32;
            for (a, atom) in pattern.atoms.iter().enumerate() {
                let id_score = id_atoms[a].score(self.ids[i].slice(..), &mut matcher);
                let mut score = |t: u32| {
                    let slot = &mut memo[a][t as usize];
                    *slot.get_or_insert_with(|| {
                        atom.score(self.texts[t as usize].slice(..), &mut matcher)
                    })
                };
                if atom.negative {
                    // A negative word scores `None` where it matches: no field may match it.
                    if id_score.is_none() || !fields.iter().all(|&t| score(t).is_some()) {
                        continue 'entries;
                    }
                } else {
                    match fields
                        .iter()
                        .filter_map(|&t| score(t))
                        .chain(id_score)
                        .max()
                    {
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

/// The `profile:NAME` and `space:NAME` words of a query: where an entry was made, matched
/// whole and without regard to case.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Place {
    profiles: Vec<String>,
    spaces: Vec<String>,
}

impl Place {
    /// The place words of `query`, and the rest of it for the fuzzy filter.
    pub(crate) fn split(query: &str) -> (Self, String) {
        let mut place = Self::default();
        let mut rest = Vec::new();
        for word in query.split_whitespace() {
            let lower = word.to_lowercase();
            if let Some(name) = lower.strip_prefix("profile:").filter(|n| !n.is_empty()) {
                place.profiles.push(name.to_owned());
            } else if let Some(name) = lower.strip_prefix("space:").filter(|n| !n.is_empty()) {
                place.spaces.push(name.to_owned());
            } else {
                rest.push(word);
            }
        }
        (place, rest.join(" "))
    }

    /// Whether the query named no place.
    pub(crate) fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.spaces.is_empty()
    }

    /// Whether `entry` was made in a profile and a space the query names (any of each).
    pub(crate) fn matches(&self, entry: &Entry) -> bool {
        let any = |names: &[String], value: &str| {
            names.is_empty() || names.iter().any(|n| n == &value.to_lowercase())
        };
        any(&self.profiles, &entry.profile) && any(&self.spaces, &entry.space)
    }
}

/// The number words of a query, matched as the search matches numbers: adjacent words made of
/// digits and `+ ( ) - .` join into one number (`(415) 555-0123`), whose digits must appear in
/// a row among the digits of the entry's from, to or note (`+1 415-555-0123` holds them), or in
/// its ID as typed. The fuzzy filter found nothing for `(415) 555-0123`: no field holds `(415)`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Numbers(Vec<Number>);

/// One number of a query: its digits, and its words as typed (a piece of an ID is typed with
/// its hyphens).
#[derive(Debug, Default, PartialEq, Eq)]
struct Number {
    digits: String,
    typed: String,
}

impl Numbers {
    /// The numbers of `query`, and the rest of it for the fuzzy filter.
    pub(crate) fn split(query: &str) -> (Self, String) {
        let mut numbers: Vec<Number> = Vec::new();
        let mut rest = Vec::new();
        let mut joining = false;
        for word in query.split_whitespace() {
            if crate::query::is_number_like(word) {
                if !joining {
                    numbers.push(Number::default());
                }
                if let Some(n) = numbers.last_mut() {
                    n.digits.extend(word.chars().filter(char::is_ascii_digit));
                    if !n.typed.is_empty() {
                        n.typed.push(' ');
                    }
                    n.typed.push_str(&word.to_lowercase());
                }
                joining = true;
            } else {
                rest.push(word);
                joining = false;
            }
        }
        (Self(numbers), rest.join(" "))
    }

    /// Whether the query named no number.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `entry` holds every number of the query.
    pub(crate) fn matches(&self, entry: &Entry) -> bool {
        let (from, to) = match &entry.lookup {
            Lookup::Record(s) => (s.from.as_deref(), s.to.as_deref()),
            Lookup::Error(_) => (None, None),
        };
        let id = entry.id.to_string();
        self.0.iter().all(|n| {
            [from, to, entry.note.as_deref()]
                .into_iter()
                .flatten()
                .any(|field| crate::query::has_digit_run(field, &n.digits))
                || id.contains(n.typed.as_str())
        })
    }
}

/// The word `atom` as it applies to an ID: a fuzzy word becomes a substring, and case never
/// matters (IDs are stored in lower case, and are pasted in either).
fn id_atom(atom: &Atom) -> Atom {
    let kind = match atom.kind {
        AtomKind::Fuzzy => AtomKind::Substring,
        other => other,
    };
    let needle: String = atom.needle_text().chars().collect();
    let mut id = Atom::new(
        &needle,
        CaseMatching::Ignore,
        Normalization::Never,
        kind,
        false,
    );
    id.negative = atom.negative;
    id
}

/// Distinct texts, each stored once.
#[derive(Default)]
struct Texts<'a> {
    all: Vec<Utf32String>,
    seen: HashMap<&'a str, u32, FastHash>,
}

impl<'a> Texts<'a> {
    /// The index of `s`, adding it when new.
    fn intern(&mut self, s: &'a str) -> u32 {
        if let Some(&i) = self.seen.get(s) {
            return i;
        }
        // Beyond u32::MAX texts is far beyond any cap; saturate rather than wrap.
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        self.all.push(Utf32String::from(s));
        self.seen.insert(s, i);
        i
    }
}

/// The hash of the history's own strings and IDs: foldhash, seeded per process, in its quality
/// variant (one more multiply than hashbrown's default `fast`). FxHash's last multiply left IDs
/// that differ only in their last bytes (`…-000000000001`, `…-000000000002`: a test system's
/// IDs) in one bucket, and a 10,000-entry history of them took seconds to save; `fast` spread
/// them well for most seeds but, one run in twelve, over as few as 4,600 of 65,536 buckets.
pub(super) type FastHash = foldhash::quality::RandomState;
/// Short IDs are looked for among the lookups, pinned first, then most recent first.
impl crate::api::KnownIds for super::History {
    fn starting_with(&self, short: &str, max: usize) -> Vec<uuid::Uuid> {
        let mut buf = uuid::Uuid::encode_buffer();
        self.entries
            .iter()
            .filter(|e| e.id.hyphenated().encode_lower(&mut buf).starts_with(short))
            .map(|e| e.id)
            .take(max)
            .collect()
    }
}
