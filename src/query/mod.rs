//! The search language shared by `swlog list` and the inspector's input: a time window, phone
//! numbers in any common spelling, and `key:value` filters, parsed into a [`Query`] that says
//! whether a voice log matches. Pure: the clock is passed in.

mod calls;
pub use calls::{CallWords, Cmp, Compare, OUTCOME_WORDS, OutcomeWord, View};
mod matching;
pub use matching::{duration_ms, has_digit_run};
mod spelling;
mod terms;
pub use terms::{Term, terms};
mod time;
mod vocabulary;

use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::clock::Clock;
use crate::text::{sanitize, truncate_chars};
use terms::joined;
use vocabulary::{KEYS, STATUSES, TIME_HELP, status_help, type_help, wire_types};

/// Which side of a call a number or word must be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// `from` or `to`.
    Either,
    /// `from` only.
    From,
    /// `to` only.
    To,
}

/// A phone number's digits, matched as a contiguous run of the digits of `from`/`to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The digits typed, without punctuation.
    pub digits: String,
    /// Where to look.
    pub side: Side,
}

/// A word matched as a case-insensitive substring of `from`/`to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word, lower-cased.
    pub lower: String,
    /// Where to look.
    pub side: Side,
}

/// A parsed search. Every condition given must hold for a log to match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// The window's start (inclusive).
    pub since: Option<DateTime<Utc>>,
    /// The window's end (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Numbers, each on its side.
    pub numbers: Vec<Number>,
    /// Other words, each on its side.
    pub words: Vec<Word>,
    /// Accepted statuses, lower-cased; empty accepts any.
    pub statuses: Vec<String>,
    /// Accepted wire types; empty accepts any.
    pub types: Vec<String>,
    /// `inbound` or `outbound` (which also takes `outbound-api`, `outbound-dial`).
    pub direction: Option<String>,
    /// The shortest duration accepted, in milliseconds.
    pub min_duration_ms: Option<i64>,
    /// The parent leg's ID.
    pub parent: Option<Uuid>,
    /// Whether deleted logs are asked for and kept.
    pub include_deleted: bool,
    /// The words about whole calls (`charge:`, `max:`, `legs:`, `outcome:`).
    pub calls: CallWords,
    /// The window as typed, for [`Query::describe`]: `since 2h` reads better than the instant
    /// it was when parsed.
    pub typed: TypedWindow,
}

/// The window's ends as the user wrote them, where that reads better than an instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypedWindow {
    /// A relative start (`2h`).
    pub since: Option<String>,
    /// A relative end (`30m`).
    pub until: Option<String>,
    /// The day both ends came from (`2026-11-24`), until `since:` or `until:` moves one.
    pub on: Option<String>,
}

/// A word the query language does not understand. Nothing is sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot understand \"{word}\" in the search: {expected}")]
pub struct QueryError {
    /// The word, sanitised and shortened.
    pub word: String,
    /// What would be accepted there.
    pub expected: String,
}

/// Refuses an instant whose year no log can have (`+10000-01-01`, `-0001-01-01`).
fn check_year(t: DateTime<Utc>, shown: &str) -> Result<(), QueryError> {
    use chrono::Datelike as _;
    if (2000..=9999).contains(&t.year()) {
        Ok(())
    } else {
        Err(error(shown, "a time between the years 2000 and 9999"))
    }
}

/// The statuses a `status:` word (and `--status`) takes, for completions and help.
pub fn status_words() -> &'static [&'static str] {
    STATUSES
}

/// The short type names a `type:` word (and `--type`) takes, for completions and help.
pub fn type_words() -> Vec<&'static str> {
    vocabulary::SHORT_TYPES.iter().map(|(w, _)| *w).collect()
}

/// Whether `s` looks like (part of) a phone number: digits and `+ ( ) - .` and spaces only,
/// with at least one digit.
pub fn is_number_like(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b" +()-.".contains(&b))
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn error(word: &str, expected: impl Into<String>) -> QueryError {
    QueryError {
        word: truncate_chars(&sanitize(word), 60).into_owned(),
        expected: expected.into(),
    }
}

impl Query {
    /// Parses free text (the inspector's input, or `swlog list`'s words joined).
    pub fn parse(text: &str, clock: &Clock) -> Result<Self, QueryError> {
        Self::from_terms(terms(text), clock)
    }

    /// Understands `terms` in order. Adjacent number-looking words join into one number, so
    /// `+1 415 555 0123` is one number, and so is `from:+1 415 555 0123`.
    pub fn from_terms(terms: Vec<Term>, clock: &Clock) -> Result<Self, QueryError> {
        let mut q = Query::default();
        // The number being joined, if the last term was number-looking.
        let mut open: Option<Number> = None;
        // Each window end as first given: a second one is refused rather than silently winning.
        let mut ends: Vec<(String, String)> = Vec::new();
        // A span of the day (`12:00..18:00`), applied to the `on:` day (or today) at the end.
        let mut span = None;
        for mut term in joined(terms, clock) {
            // A bare day word is the day it names: `yesterday` is `on:yesterday`.
            if term.key.is_none() && time::is_day_word(&term.value) {
                term.key = Some("on".to_owned());
            }
            if term.key.is_none()
                && let Some(range) = time::time_range(&term.value)
            {
                if span.is_some() {
                    return Err(error(&term.value, "one span of the day, like 12:00..18:00"));
                }
                span = Some((range, term.value.clone()));
                continue;
            }
            if let Some(end @ ("since" | "until" | "on")) = term.key.as_deref() {
                let shown = term.shown();
                if let Some((_, first)) = ends.iter().find(|(e, _)| *e == end) {
                    return Err(error(
                        &shown,
                        format!(
                            "{end} is given twice ({} and {}): keep one",
                            sanitize(first),
                            sanitize(&shown)
                        ),
                    ));
                }
                ends.push((end.to_owned(), shown));
            }
            let bare_number = term.key.is_none() && is_number_like(&term.value);
            if bare_number && let Some(n) = open.as_mut() {
                n.digits.push_str(&digits(&term.value));
                continue;
            }
            if let Some(n) = open.take() {
                q.numbers.push(n);
            }
            match term.key.as_deref() {
                None if bare_number => open = Some(number(&term.value, Side::Either)),
                None => {
                    if let Some(key) = spelling::misspelt_key(&term.value, KEYS) {
                        return Err(error(&term.value, format!("did you mean {key}:?")));
                    }
                    q.words.push(word(&term.value, Side::Either));
                }
                Some(k @ ("from" | "to" | "number")) => {
                    let side = match k {
                        "from" => Side::From,
                        "to" => Side::To,
                        _ => Side::Either,
                    };
                    if is_number_like(&term.value) {
                        open = Some(number(&term.value, side));
                    } else if term.value.trim().is_empty() || k == "number" {
                        return Err(error(
                            &format!("{k}:{}", term.value),
                            "a phone number like +14155550123 or (415) 555-0123",
                        ));
                    } else {
                        q.words.push(word(&term.value, side));
                    }
                }
                Some(key) => q.keyed(key, &term.value, &term.shown(), clock)?,
            }
        }
        if let Some(n) = open.take() {
            q.numbers.push(n);
        }
        if let Some(((start, end), shown)) = span {
            q.day_span(start, end, &shown, &ends, clock)?;
        }
        if let (Some(s), Some(u)) = (q.since, q.until)
            && s >= u
        {
            return Err(error(
                "until",
                "a window whose end (until) comes after its start (since)",
            ));
        }
        Ok(q)
    }

    /// Understands one keyed term; `shown` is the term as typed, for its error.
    fn keyed(
        &mut self,
        key: &str,
        value: &str,
        shown: &str,
        clock: &Clock,
    ) -> Result<(), QueryError> {
        let shown = shown.to_owned();
        match key {
            "since" | "until" => {
                let t = time::instant(value, clock).ok_or_else(|| error(&shown, TIME_HELP))?;
                check_year(t, &shown)?;
                if key == "since" && t > clock.now {
                    return Err(error(
                        &shown,
                        format!(
                            "a start that is not in the future (it is {}): nothing is logged yet",
                            clock.local(t)
                        ),
                    ));
                }
                let typed = time::is_relative(value).then(|| value.to_owned());
                if key == "since" {
                    self.since = Some(t);
                    self.typed.since = typed;
                } else {
                    self.until = Some(t);
                    self.typed.until = typed;
                }
                self.typed.on = None;
            }
            "on" => {
                let (start, end) = time::day(value, clock).ok_or_else(|| {
                    error(&shown, "a day like 2026-11-24, today, yesterday or monday")
                })?;
                check_year(start, &shown)?;
                if start > clock.now {
                    return Err(error(&shown, "a day that is not in the future"));
                }
                self.since = Some(start);
                self.until = Some(end);
                self.typed = TypedWindow {
                    on: Some(value.to_owned()),
                    ..TypedWindow::default()
                };
            }
            "status" => {
                let list = list(value);
                if list.is_empty() {
                    return Err(error(&shown, "statuses like failed,busy,completed"));
                }
                for status in &list {
                    if !STATUSES.contains(&status.as_str()) {
                        return Err(error(&shown, status_help(status)));
                    }
                }
                self.statuses.extend(list);
            }
            "type" => {
                let list = list(value);
                if list.is_empty() {
                    return Err(error(&shown, type_help()));
                }
                for t in list {
                    self.types
                        .extend(wire_types(&t).ok_or_else(|| error(&shown, type_help()))?);
                }
            }
            "dir" | "direction" => {
                let d = match value.to_ascii_lowercase().as_str() {
                    "in" | "inbound" => "inbound",
                    "out" | "outbound" => "outbound",
                    "outbound-api" => "outbound-api",
                    "outbound-dial" => "outbound-dial",
                    _ => {
                        return Err(error(
                            &shown,
                            "inbound, outbound, outbound-api or outbound-dial",
                        ));
                    }
                };
                self.direction = Some(d.to_owned());
            }
            "min" => {
                self.min_duration_ms = Some(
                    time::duration_ms(value)
                        .ok_or_else(|| error(&shown, "a duration like 30s, 2m or 1h"))?,
                );
            }
            "parent" => {
                self.parent = Some(
                    crate::api::extract_id(value)
                        .map_err(|_| error(&shown, "a log ID (a UUID)"))?,
                );
            }
            "deleted" => {
                self.include_deleted = match value.to_ascii_lowercase().as_str() {
                    "yes" | "true" | "y" | "1" => true,
                    "no" | "false" | "n" | "0" => false,
                    _ => return Err(error(&shown, "yes or no")),
                };
            }
            k if calls::is_call_key(k) => self.call_word(k, value, &shown)?,
            _ => return Err(error(&shown, format!("one of {}", KEYS.join(", ")))),
        }
        Ok(())
    }

    /// Narrows the window to `start..end` of the `on:` day, or of today without one.
    fn day_span(
        &mut self,
        start: chrono::NaiveTime,
        end: chrono::NaiveTime,
        shown: &str,
        ends: &[(String, String)],
        clock: &Clock,
    ) -> Result<(), QueryError> {
        if ends.iter().any(|(e, _)| e == "since" || e == "until") {
            return Err(error(
                shown,
                "either since:/until: or a span of the day with on: (on:yesterday 12:00..18:00)",
            ));
        }
        let day = match self.typed.on.as_deref() {
            Some(on) => time::date(on, clock),
            None => Some(time::today(clock)),
        }
        .ok_or_else(|| error(shown, "a day for the span"))?;
        let (Some(from), Some(to)) = (time::at(day, start, clock), time::at(day, end, clock))
        else {
            return Err(error(shown, "times that exist on that day"));
        };
        if from > clock.now {
            return Err(error(shown, "a span that has begun"));
        }
        self.since = Some(from);
        self.until = Some(to);
        let on = self.typed.on.take().unwrap_or_else(|| "today".to_owned());
        self.typed = TypedWindow {
            on: Some(format!("{on} {shown}")),
            ..TypedWindow::default()
        };
        Ok(())
    }

    /// Whether nothing narrows the search but the window: every log in it matches.
    pub fn is_window_only(&self) -> bool {
        self.numbers.is_empty()
            && self.words.is_empty()
            && self.statuses.is_empty()
            && self.types.is_empty()
            && self.direction.is_none()
            && self.min_duration_ms.is_none()
            && self.parent.is_none()
    }

    /// The query in a few words, for a hint or a progress line: `number 4155550123 · since 2h`.
    pub fn describe(&self, clock: &Clock) -> String {
        let mut parts = Vec::new();
        for n in &self.numbers {
            parts.push(format!("{}number {}", side_word(n.side), n.digits));
        }
        for w in &self.words {
            parts.push(format!("{}\"{}\"", side_word(w.side), sanitize(&w.lower)));
        }
        if !self.statuses.is_empty() {
            parts.push(format!("status {}", sanitize(&self.statuses.join(","))));
        }
        if !self.types.is_empty() {
            parts.push(format!("type {}", self.types.join(",")));
        }
        if let Some(d) = &self.direction {
            parts.push(d.clone());
        }
        if let Some(ms) = self.min_duration_ms {
            parts.push(format!("≥ {}s", ms / 1000));
        }
        if let Some(p) = self.parent {
            parts.push(format!("parent {p}"));
        }
        if self.include_deleted {
            parts.push("with deleted".to_owned());
        }
        parts.extend(self.describe_calls());
        if let Some(day) = &self.typed.on {
            parts.push(format!("on {}", sanitize(day)));
        } else {
            let end = |word: &str, typed: &Option<String>, t: Option<DateTime<Utc>>| match typed {
                Some(v) => Some(format!("{word} {}", sanitize(v))),
                None => t.map(|t| format!("{word} {}", clock.local(t))),
            };
            parts.extend(end("since", &self.typed.since, self.since));
            parts.extend(end("until", &self.typed.until, self.until));
        }
        if parts.is_empty() {
            "every log".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Either => "",
        Side::From => "from ",
        Side::To => "to ",
    }
}

fn number(value: &str, side: Side) -> Number {
    Number {
        digits: digits(value),
        side,
    }
}

fn word(value: &str, side: Side) -> Word {
    Word {
        lower: value.to_lowercase(),
        side,
    }
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
