//! The sidebar's filter, a small query over the history's fields: each word must be found
//! within one field (type, status, from, to, note, error or ID), not across two — "alice"
//! should not match "c*al*l … l*i*n*e"; a number's digits match however it was written
//! (`4155550123` finds `+1 (415) 555-0123`); `profile:NAME`, `space:NAME` and `status:WORD`
//! keep the entries made there or with that status, whole words, any case. fzf's markers work
//! on a word: `'exact` (the default already), `^prefix`, `suffix$` of a field, `!not`.
//!
//! Every entry's fields are kept, in lower case, in one text, one field a line; a word is found
//! by searching that text once (a SIMD substring search over a few megabytes for 100,000
//! entries), each hit naming its entry by where it falls.

use super::{Entry, Lookup};

/// A parsed query.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Query {
    profiles: Vec<String>,
    spaces: Vec<String>,
    statuses: Vec<String>,
    /// What each word must (or, negated, must not) find in the text: any of its forms.
    words: Vec<(Vec<String>, bool)>,
}

impl Query {
    /// Parses `query`.
    pub(super) fn parse(query: &str) -> Self {
        let mut q = Self::default();
        for word in joined_numbers(query) {
            let word = word.as_str();
            let lower = fold(word);
            let named = |key: &str| {
                lower
                    .strip_prefix(key)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
            };
            if let Some(name) = named("profile:") {
                q.profiles.push(name);
            } else if let Some(name) = named("space:") {
                q.spaces.push(name);
            } else if let Some(name) = named("status:") {
                q.statuses.push(name);
            } else if let Some(needle) = needle(&lower) {
                q.words.push(needle);
            }
        }
        q
    }

    /// Whether the query asks for nothing.
    pub(super) fn is_empty(&self) -> bool {
        self.profiles.is_empty()
            && self.spaces.is_empty()
            && self.statuses.is_empty()
            && self.words.is_empty()
    }

    /// The profiles named (`profile:NAME`), in lower case.
    pub(super) fn profiles(&self) -> &[String] {
        &self.profiles
    }

    /// The spaces named (`space:NAME`), in lower case.
    pub(super) fn spaces(&self) -> &[String] {
        &self.spaces
    }

    /// The statuses named (`status:WORD`), in lower case.
    pub(super) fn statuses(&self) -> &[String] {
        &self.statuses
    }

    /// Each word's forms, any of which the text must hold (or, negated, none of which).
    pub(super) fn words(&self) -> &[(Vec<String>, bool)] {
        &self.words
    }

    /// Whether `entry` was made in a profile, a space and with a status the query names (any
    /// of each).
    fn place_matches(&self, entry: &Entry) -> bool {
        let any = |names: &[String], value: Option<&str>| {
            names.is_empty() || value.is_some_and(|v| names.iter().any(|n| *n == v.to_lowercase()))
        };
        let status = entry.summary().and_then(|s| s.status.as_deref());
        any(&self.profiles, Some(&entry.profile))
            && any(&self.spaces, Some(&entry.space))
            && any(&self.statuses, status)
    }
}

/// The forms of a word the text is searched for, and whether it is negated: `^` and `$` become
/// the line ends around a field; a word written as a number is also searched for as its digits.
fn needle(word: &str) -> Option<(Vec<String>, bool)> {
    let (word, negated) = match word.strip_prefix('!') {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    let word = word.strip_prefix('\'').unwrap_or(word);
    let (word, start) = match word.strip_prefix('^') {
        Some(rest) => (rest, true),
        None => (word, false),
    };
    let (word, end) = match word.strip_suffix('$') {
        Some(rest) if !rest.is_empty() => (rest, true),
        _ => (word, false),
    };
    if word.is_empty() {
        return None;
    }
    let mut forms = vec![word.to_owned()];
    if is_number(word) && digits(word) != word {
        forms.push(digits(word));
    }
    for form in &mut forms {
        if start {
            form.insert(0, '\n');
        }
        if end {
            form.push('\n');
        }
    }
    Some((forms, negated))
}

/// The words of `query`, adjacent words written as numbers joined into one, as the search
/// joins them: `(415) 555-0123` is one number, whose digits are looked for in a row.
fn joined_numbers(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut joining = false;
    for word in query.split_whitespace() {
        let number = is_number(word);
        match words.last_mut() {
            Some(last) if number && joining => last.push_str(word),
            _ => words.push(word.to_owned()),
        }
        joining = number;
    }
    words
}

/// `s` in lower case a character at a time, a final sigma as any other: the text and the
/// words are folded alike, so that `ΟΔΟΣ`, `οδος` and `οδοσ` all find a note written `ΟΔΟΣ`
/// (Unicode's `str::to_lowercase` writes a word's last Σ as ς, the character's own as σ).
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ς' { 'σ' } else { c })
        .collect()
}

/// Whether `word` is written as a phone number: digits, with at most `+ - ( ) .` around them.
fn is_number(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || "+-().".contains(c))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The fields of every entry, in lower case, one a line, with where each entry's lines start.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Text {
    text: Vec<u8>,
    /// Where each entry's fields start in `text`, in list order.
    starts: Vec<usize>,
}

impl Text {
    /// The text of `entries`, in the same order.
    pub(super) fn new(entries: &[Entry]) -> Self {
        let mut text = Vec::with_capacity(entries.len() * 160);
        let mut starts = Vec::with_capacity(entries.len());
        for e in entries {
            starts.push(text.len());
            lay_out(e, &mut text);
        }
        Self { text, starts }
    }

    /// The text after a change to one entry (a lookup, a pin, a note, a delete): its fields
    /// at `from` (when it was listed) taken out, `e`'s put in at `to` (unless it is gone), and
    /// the list cut to `len` entries (the limit evicts from the end), without laying out the
    /// others again: a few moves of bytes where laying out 100,000 entries took some 40–60 ms
    /// at the first key after each change.
    pub(super) fn moved(&mut self, from: Option<usize>, to: Option<(usize, &Entry)>, len: usize) {
        if let Some(i) = from.filter(|&i| i < self.starts.len()) {
            let (a, b) = (self.starts[i], self.end(i));
            self.text.drain(a..b);
            self.starts.remove(i);
            for s in &mut self.starts[i..] {
                *s -= b - a;
            }
        }
        if let Some((to, e)) = to {
            let mut fields = Vec::with_capacity(160);
            lay_out(e, &mut fields);
            let to = to.min(self.starts.len());
            let at = self.starts.get(to).copied().unwrap_or(self.text.len());
            let n = fields.len();
            self.text.splice(at..at, fields);
            self.starts.insert(to, at);
            for s in &mut self.starts[to + 1..] {
                *s += n;
            }
        }
        if let Some(&end) = self.starts.get(len) {
            self.text.truncate(end);
            self.starts.truncate(len);
        }
    }

    /// Where the fields of entry `i` end.
    fn end(&self, i: usize) -> usize {
        self.starts.get(i + 1).copied().unwrap_or(self.text.len())
    }

    /// The indices of the entries matching `query`, in list order.
    pub(super) fn filter(&self, query: &Query, entries: &[Entry]) -> Vec<usize> {
        let mut keep = vec![true; self.starts.len()];
        for (forms, negated) in &query.words {
            let mut found = vec![false; self.starts.len()];
            for form in forms {
                self.find(form, &mut found);
            }
            for (k, f) in keep.iter_mut().zip(found) {
                *k &= f != *negated;
            }
        }
        (0..self.starts.len())
            .filter(|&i| keep[i] && entries.get(i).is_some_and(|e| query.place_matches(e)))
            .collect()
    }

    /// Marks in `found` the entries whose text holds `word`: one search over the whole text,
    /// jumping past an entry once it is found in it.
    fn find(&self, word: &str, found: &mut [bool]) {
        let finder = memchr::memmem::Finder::new(word.as_bytes());
        let bytes = &self.text;
        let mut at = 0;
        // The entry the search is in: hits only move forward, so walking on from the last one
        // costs one step per entry over the whole search, where a binary search per hit cost
        // seventeen scattered reads over 100,000 entries when nearly all of them match.
        let mut i = 0;
        while let Some(hit) = bytes.get(at..).and_then(|rest| finder.find(rest)) {
            let pos = at + hit;
            // The entry whose text holds `pos`: the last one starting at or before it.
            while self.starts.get(i + 1).is_some_and(|&next| next <= pos) {
                i += 1;
            }
            if let Some(f) = found.get_mut(i) {
                *f = true;
            }
            match self.starts.get(i + 1) {
                Some(&next) => at = next,
                None => break,
            }
        }
    }
}

/// The text of one entry's fields as [`Text`] holds it: what the database keeps beside the
/// entry for the filter's queries.
pub(super) fn search_text(e: &Entry) -> String {
    let mut text = Vec::with_capacity(160);
    lay_out(e, &mut text);
    // Lowered from `str`s, with ASCII line ends put in: still UTF-8.
    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Appends the fields of `e`, in lower case, one a line, after a line end of its own.
fn lay_out(e: &Entry, text: &mut Vec<u8>) {
    text.push(b'\n');
    let mut field = |s: &str| {
        // A field's own line ends would let a word span two fields.
        let at = text.len();
        if s.is_ascii() {
            // Most fields: bytes lowered in place, no per-character mapping.
            text.extend_from_slice(s.as_bytes());
            text[at..].make_ascii_lowercase();
        } else {
            let lower = fold(s);
            text.extend_from_slice(lower.as_bytes());
        }
        for b in &mut text[at..] {
            if *b == b'\n' {
                *b = b' ';
            }
        }
        text.push(b'\n');
    };
    match &e.lookup {
        Lookup::Record(s) => {
            field(s.filter_text());
            for v in [&s.status, &s.from, &s.to].into_iter().flatten() {
                field(v);
            }
            for v in [&s.from, &s.to].into_iter().flatten() {
                let d = digits(v);
                if !d.is_empty() {
                    field(&d);
                }
            }
        }
        Lookup::Error(err) => field(err),
    }
    if let Some(note) = &e.note {
        field(note);
    }
    let mut buf = uuid::Uuid::encode_buffer();
    field(e.id.hyphenated().encode_lower(&mut buf));
}

/// Short IDs are looked for among the lookups, pinned first, then most recent first.
impl crate::api::KnownIds for super::History {
    fn starting_with(&self, short: &str, max: usize) -> Vec<uuid::Uuid> {
        let mut buf = uuid::Uuid::encode_buffer();
        self.entries()
            .iter()
            .filter(|e| e.id.hyphenated().encode_lower(&mut buf).starts_with(short))
            .map(|e| e.id)
            .take(max)
            .collect()
    }
}
