//! The search language shared by `swlog list` and the inspector's input: a time window, phone
//! numbers in any common spelling, and `key:value` filters, parsed into a [`Query`] that says
//! whether a voice log matches. Pure: the clock is passed in.

mod matching;
pub use matching::{duration_ms, has_digit_run};
mod spelling;
mod time;

use chrono::{DateTime, Utc};
use thiserror::Error;
use uuid::Uuid;

use crate::api::LogType;
use crate::clock::Clock;
use crate::text::{sanitize, truncate_chars};

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

/// The keys of `key:value` words; a word with another prefix (`sip:…`, `whatsapp:…`) is text.
const KEYS: &[&str] = &[
    "since",
    "until",
    "on",
    "from",
    "to",
    "number",
    "status",
    "type",
    "dir",
    "direction",
    "min",
    "parent",
    "deleted",
];

/// The short type names and the wire types each stands for.
const SHORT_TYPES: &[(&str, &[&str])] = &[
    ("sip", &["relay_sip_call", "video_room_sip_leg"]),
    ("pstn", &["relay_pstn_call", "video_room_pstn_leg"]),
    ("webrtc", &["relay_webrtc_call"]),
    ("laml", &["laml_call"]),
    ("video", &["video_room_pstn_leg", "video_room_sip_leg"]),
    ("dialogflow", &["dialogflow_call"]),
    ("fabric", &["fabric_subscriber_device_leg"]),
];

const TIME_HELP: &str = "a time like 30m, 2h, 3d, 1w, 12:00 (today), a day like 2026-11-24, \
     today, yesterday or monday (local midnight), a local time like \"2026-11-24 12:00\" or RFC 3339";

/// The statuses a voice log can have (the contract's `Voice.VoiceLogStatus`, and `cancelled`
/// as some engines spell it): a `status:` word outside them could never match.
const STATUSES: &[&str] = &[
    "queued",
    "initiated",
    "ringing",
    "in-progress",
    "busy",
    "failed",
    "no-answer",
    "canceled",
    "cancelled",
    "completed",
    "ended",
    "answered",
    "created",
    "ending",
    "joined",
];

/// What to say of a status that can never match: the nearest known one, or all of them.
fn status_help(status: &str) -> String {
    let near = STATUSES
        .iter()
        .map(|s| (strsim::osa_distance(status, s), *s))
        .filter(|(d, s)| *d <= 2 && *d < s.len())
        .min_by_key(|(d, _)| *d);
    match near {
        Some((_, s)) => format!(
            "did you mean status:{s}? (statuses: {})",
            STATUSES.join(", ")
        ),
        None => format!("a status a voice log can have: {}", STATUSES.join(", ")),
    }
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

/// One `key:value` or bare word of a query, before it is understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The key, lower-cased, if the word had a known one.
    pub key: Option<String>,
    /// The value.
    pub value: String,
    /// Whether it came from a command-line flag, for naming it as typed in an error.
    pub flag: bool,
}

impl Term {
    /// A term from a command-line flag (`--from VALUE` is `Term::keyed("from", VALUE)`).
    pub fn keyed(key: &str, value: &str) -> Self {
        Self {
            key: Some(key.to_owned()),
            value: value.to_owned(),
            flag: true,
        }
    }

    /// The term as the user wrote it: `since:2h`, or `--since 2h` for a flag.
    fn shown(&self) -> String {
        match (&self.key, self.flag) {
            (Some(k), true) => format!("--{k} {}", self.value),
            (Some(k), false) => format!("{k}:{}", self.value),
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
            },
            _ => Term {
                key: None,
                value: w,
                flag: false,
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
fn joined(terms: Vec<Term>, clock: &Clock) -> Vec<Term> {
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
                Some(key) => q.keyed(key, &term.value, clock)?,
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

    fn keyed(&mut self, key: &str, value: &str, clock: &Clock) -> Result<(), QueryError> {
        let shown = format!("{key}:{value}");
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

/// The wire types a `type:` value stands for: a short form, a known wire name, or a newer wire
/// name this version does not know (lower-case letters, digits and `_`, with at least one `_`).
fn wire_types(value: &str) -> Option<Vec<String>> {
    if let Some((_, wires)) = SHORT_TYPES.iter().find(|(short, _)| *short == value) {
        return Some(wires.iter().map(|w| (*w).to_owned()).collect());
    }
    let wire_like = value.contains('_')
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (LogType::from_wire(value).is_some() || wire_like).then(|| vec![value.to_owned()])
}

fn type_help() -> String {
    let shorts: Vec<&str> = SHORT_TYPES.iter().map(|(s, _)| *s).collect();
    let wires: Vec<&str> = LogType::ALL.iter().map(|t| t.wire()).collect();
    format!(
        "{}, or a wire name: {}",
        shorts.join(", "),
        wires.join(", ")
    )
}

#[cfg(test)]
mod tests;
