//! Free text split into [`Term`]s, before any is understood: words, quotes, known keys, and a
//! date joined with the time that follows it.

use super::time;
use super::vocabulary::KEYS;
use crate::clock::Clock;

/// One `key:value` or bare word of a query, before it is understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The key, lower-cased, if the word had a known one.
    pub key: Option<String>,
    /// The value.
    pub value: String,
    /// Whether it came from a command-line flag, for naming it as typed in an error.
    pub flag: bool,
    /// The key as typed (`Status`), when it differs from `key`, for naming it in an error.
    pub typed: Option<String>,
}

impl Term {
    /// A term from a command-line flag (`--from VALUE` is `Term::keyed("from", VALUE)`).
    pub fn keyed(key: &str, value: &str) -> Self {
        Self {
            key: Some(key.to_owned()),
            value: value.to_owned(),
            flag: true,
            typed: None,
        }
    }

    /// The term as the user wrote it: `since:2h`, or `--since 2h` for a flag.
    pub(super) fn shown(&self) -> String {
        match (&self.key, self.flag) {
            (Some(k), true) => format!("--{k} {}", self.value),
            (Some(k), false) => format!("{}:{}", self.typed.as_deref().unwrap_or(k), self.value),
            (None, _) => self.value.clone(),
        }
    }
}

/// Splits free text into terms: whitespace separates words, except inside double quotes
/// (`since:"2026-12-05 12:00"`, whose quotes are dropped), and a known `key:` prefix makes a
/// keyed term.
pub fn terms(text: &str) -> Vec<Term> {
    words(text)
        .into_iter()
        .map(|w| match w.split_once(':') {
            Some((k, v)) if KEYS.contains(&k.to_ascii_lowercase().as_str()) => Term {
                key: Some(k.to_ascii_lowercase()),
                value: v.to_owned(),
                flag: false,
                typed: (k != k.to_ascii_lowercase()).then(|| k.to_owned()),
            },
            _ => Term {
                key: None,
                value: w,
                flag: false,
                typed: None,
            },
        })
        .collect()
}

/// The words of `text`: runs of non-space, where a double-quoted part may hold spaces.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Joins a date given to `since:` or `until:` with a bare time that follows it
/// (`since:2026-12-05 12:00`, as a shell passes `since:"2026-12-05 12:00"`), and makes every
/// value NFKC, so that full-width digits (`４１５`) are digits.
pub(super) fn joined(terms: Vec<Term>, clock: &Clock) -> Vec<Term> {
    let nfkc = icu_normalizer::ComposingNormalizerBorrowed::new_nfkc();
    let mut out: Vec<Term> = Vec::with_capacity(terms.len());
    for mut term in terms {
        term.value = nfkc.normalize(&term.value).into_owned();
        if let Some(last) = out.last_mut()
            && matches!(last.key.as_deref(), Some("since" | "until"))
            && term.key.is_none()
            && time::time_of_day(&term.value).is_some()
            && time::date(&last.value, clock).is_some()
        {
            last.value = format!("{} {}", last.value, term.value);
            continue;
        }
        out.push(term);
    }
    out
}
