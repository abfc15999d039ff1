//! A voice log turned into what a person reads: a header, the rows this variant has, the charge
//! breakdown, extra fields and notes. Shared by the TUI's detail pane and `swlog get`'s text
//! output, so both say the same thing. Every string here is already sanitised.

pub mod chain;
pub mod charges;
pub mod events;
pub mod family;
pub mod format;
pub mod place;
mod rows;

use serde_json::Value;
use uuid::Uuid;

use crate::api::model::{Field, Key, Kind, Outcome, VoiceLog};
use crate::clock::Clock;
use crate::text::sanitize;
use charges::charges;
pub use charges::{ChargeRow, Charges, More};
use rows::{
    billing_row, duration_row, extra_row, id_row, odd, parent_row, string_row, text_of, time_row,
    url_row,
};

/// How a value should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Ordinary text.
    Normal,
    /// No value (`—`).
    Empty,
    /// A value of an unexpected type, shown as sent.
    Odd,
    /// A good outcome.
    Good,
    /// A bad outcome.
    Bad,
    /// A call still in progress.
    Live,
    /// Something to look at.
    Warn,
    /// A link to another log.
    Link,
}

impl From<Outcome> for Tone {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Good => Tone::Good,
            Outcome::Bad => Tone::Bad,
            Outcome::Live => Tone::Live,
            Outcome::Unknown => Tone::Normal,
        }
    }
}

/// What a row is: how the live-change highlight, the ticket summary and the tests find a row,
/// never by its label's words.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowKey {
    /// The status, when the header cannot show it.
    Status,
    /// Origin.
    From,
    /// Destination.
    To,
    /// When the log was created.
    Created,
    /// When it was deleted.
    Deleted,
    /// How long the call took.
    Duration,
    /// How long was billed.
    Billed,
    /// The recording or resource URL.
    Url,
    /// The parent leg.
    Parent,
    /// The log ID.
    Id,
    /// A field the contract does not name, by its key as sent.
    Extra(String),
    /// The charge total and breakdown.
    Charges,
    /// A leg of the chain above this one, by its place from the first leg.
    ChainParent(usize),
    /// A known child leg.
    ChainChild(Uuid),
    /// One of the demo logs on the welcome page.
    Demo(usize),
    /// A row of the outcome and quality block, by its place.
    Quality(usize),
    /// A recording of the leg, by its place in the leg's recordings.
    Recording(usize),
}

impl RowKey {
    /// The label the contract's rows are shown with.
    pub fn label(&self) -> &str {
        match self {
            RowKey::Status => "Status",
            RowKey::From => "From",
            RowKey::To => "To",
            RowKey::Created => "Created",
            RowKey::Deleted => "Deleted",
            RowKey::Duration => "Duration",
            RowKey::Billed => "Billed",
            RowKey::Url => "URL",
            RowKey::Parent => "Parent leg",
            RowKey::Id => "ID",
            RowKey::Extra(name) => name,
            RowKey::Charges => "Charges",
            RowKey::ChainParent(_) => "↑ parent",
            RowKey::ChainChild(_) => "↓ child",
            RowKey::Demo(_) => "Demo log",
            RowKey::Quality(_) => "Quality",
            RowKey::Recording(_) => "Recording",
        }
    }
}

/// One labelled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What the row is.
    pub key: RowKey,
    /// The label, e.g. "From".
    pub label: String,
    /// The value in words.
    pub value: String,
    /// How it should look.
    pub tone: Tone,
    /// The value to copy, when it differs from what is shown (e.g. the raw number).
    pub copy: Option<String>,
    /// Another log this row points to (the parent leg).
    pub link: Option<Uuid>,
}

impl Row {
    /// A row of `key`, labelled as the key says.
    pub fn new(key: RowKey, value: impl Into<String>, tone: Tone) -> Self {
        Self {
            label: sanitize(key.label()).into_owned(),
            key,
            value: value.into(),
            tone,
            copy: None,
            link: None,
        }
    }

    /// The text a copy of this row should put on the clipboard.
    pub fn copy_text(&self) -> &str {
        self.copy.as_deref().unwrap_or(&self.value)
    }
}

/// The header: what kind of leg and how it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The type in words.
    pub title: String,
    /// The status word and its outcome.
    pub status: Option<(String, Outcome)>,
    /// Direction, when the variant has one.
    pub direction: Option<String>,
    /// Source, when known.
    pub source: Option<String>,
}

/// A log ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Presented {
    /// The header.
    pub header: Header,
    /// The variant's fields, in reading order.
    pub rows: Vec<Row>,
    /// The charge breakdown, for variants that are billed.
    pub charges: Option<Charges>,
    /// Fields the contract does not name for this variant.
    pub extras: Vec<Row>,
    /// Things to tell the reader about the record itself.
    pub notes: Vec<String>,
}

/// Presents `log` as of `clock`.
pub fn present(log: &VoiceLog, clock: &Clock) -> Presented {
    let kind = &log.kind;
    let header = Header {
        // An unknown `type` is the server's string, so the title is untrusted too.
        title: sanitize(&kind.label()).into_owned(),
        status: match (&kind, &log.status) {
            (Kind::Discarded, _) => Some(("deleted".to_owned(), Outcome::Unknown)),
            (_, Field::Value(s)) => Some((sanitize(s).into_owned(), Outcome::of(s))),
            _ => None,
        },
        direction: kind
            .has(Key::Direction)
            .then(|| text_of(&log.direction))
            .flatten(),
        source: text_of(&log.source),
    };
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    match kind {
        Kind::Call(_) => {
            if kind.has(Key::Status) && !matches!(log.status, Field::Value(_)) {
                rows.push(Row::new(RowKey::Status, "—", Tone::Empty));
            }
            rows.push(string_row(RowKey::From, &log.from));
            rows.push(string_row(RowKey::To, &log.to));
            rows.push(time_row(RowKey::Created, &log.created_at, clock));
            if kind.has(Key::DurationMs) || kind.has(Key::Duration) {
                rows.push(duration_row(log));
            }
            if kind.has(Key::BillingMs) {
                rows.push(billing_row(log));
            }
            rows.push(url_row(&log.url));
            if kind.has(Key::ParentId) {
                rows.push(parent_row(log));
            }
            rows.push(id_row(log));
        }
        Kind::Discarded => {
            notes.push("This log was deleted: only its ID and dates are kept.".to_owned());
            rows.push(time_row(RowKey::Deleted, &log.discarded_at, clock));
            rows.push(time_row(RowKey::Created, &log.created_at, clock));
            rows.push(id_row(log));
        }
        Kind::Unknown(_) => {
            let what = match kind {
                Kind::Unknown(Some(Value::String(t))) => format!("the type `{}`", sanitize(t)),
                Kind::Unknown(Some(v)) => format!("a `type` of {}", odd(v)),
                _ => "a log without a `type`".to_owned(),
            };
            notes.push(format!(
                "swlog does not know {what} yet: every field is shown as sent."
            ));
        }
    }
    let charges = matches!(kind, Kind::Call(_)).then(|| charges(log));
    let extras = log.extras.iter().map(|(k, v)| extra_row(k, v)).collect();
    Presented {
        header,
        rows,
        charges,
        extras,
        notes,
    }
}

#[cfg(test)]
mod tests;
