//! A voice log turned into what a person reads: a header, the rows this variant has, the charge
//! breakdown, extra fields and notes. Shared by the TUI's detail pane and `swlog get`'s text
//! output, so both say the same thing. Every string here is already sanitised.

pub mod chain;
pub mod charges;
pub mod events;
pub mod format;

use serde_json::Value;
use uuid::Uuid;

use crate::api::model::{Field, Key, Kind, Outcome, VoiceLog};
use crate::clock::Clock;
use crate::text::sanitize;
use charges::charges;
pub use charges::{ChargeRow, Charges, More};
use format::duration_ms;

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

fn text_of(f: &Field<String>) -> Option<String> {
    f.value().map(|s| sanitize(s).into_owned())
}

/// The value of an unexpected JSON type, compact. serde_json escapes control characters in
/// strings, and the result is sanitised besides, for keys.
pub(crate) fn odd(v: &Value) -> String {
    sanitize(&v.to_string()).into_owned()
}

pub(crate) fn absent<T>(key: RowKey, f: &Field<T>) -> Option<Row> {
    match f {
        Field::Missing => Some(Row::new(key, "— (not sent)", Tone::Empty)),
        Field::Null => Some(Row::new(key, "—", Tone::Empty)),
        Field::Invalid(v) => Some(Row::new(
            key,
            format!("{} (unexpected type)", odd(v)),
            Tone::Odd,
        )),
        Field::Value(_) => None,
    }
}

fn string_row(key: RowKey, f: &Field<String>) -> Row {
    absent(key.clone(), f)
        .unwrap_or_else(|| Row::new(key, text_of(f).unwrap_or_default(), Tone::Normal))
}

fn time_row(key: RowKey, f: &Field<chrono::DateTime<chrono::Utc>>, clock: &Clock) -> Row {
    match f {
        Field::Value(t) => {
            let mut row = Row::new(
                key,
                format!("{} · {}", clock.local_and_utc(*t), clock.age(*t)),
                Tone::Normal,
            );
            row.copy = Some(t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
            row
        }
        Field::Invalid(Value::String(s)) => Row::new(
            key,
            format!("{} (not a date swlog can read)", sanitize(s)),
            Tone::Odd,
        ),
        other => absent(key.clone(), other).unwrap_or_else(|| Row::new(key, "—", Tone::Empty)),
    }
}

fn duration_row(log: &VoiceLog) -> Row {
    match (&log.duration_ms, &log.duration) {
        (Field::Value(ms), _) => {
            let mut row = Row::new(RowKey::Duration, duration_ms(*ms), Tone::Normal);
            row.copy = Some(ms.to_string());
            row
        }
        (_, Field::Value(s)) => {
            let mut row = Row::new(
                RowKey::Duration,
                duration_ms(s.saturating_mul(1000)),
                Tone::Normal,
            );
            row.copy = Some((s.saturating_mul(1000)).to_string());
            row
        }
        (ms, s) if log.kind.has(Key::DurationMs) => absent(RowKey::Duration, ms)
            .or_else(|| absent(RowKey::Duration, s))
            .unwrap_or_else(|| Row::new(RowKey::Duration, "—", Tone::Empty)),
        (_, s) => absent(RowKey::Duration, s)
            .unwrap_or_else(|| Row::new(RowKey::Duration, "—", Tone::Empty)),
    }
}

fn billing_row(log: &VoiceLog) -> Row {
    let Field::Value(billed) = log.billing_ms else {
        return absent(RowKey::Billed, &log.billing_ms)
            .unwrap_or_else(|| Row::new(RowKey::Billed, "—", Tone::Empty));
    };
    let actual = log.duration_ms.get();
    let mut value = duration_ms(billed);
    let mut tone = Tone::Normal;
    match actual {
        // Older documentation gave billing in seconds: 60 for a minute.
        Some(a) if billed > 0 && billed < 1000 && a >= 1000 => {
            value.push_str(&format!(
                " (as ms; if seconds, {})",
                duration_ms(billed.saturating_mul(1000))
            ));
            tone = Tone::Warn;
        }
        // Both numbers are the server's: their difference can leave i64 (a billing of 2^62 ms
        // against a duration of -2^63), so it saturates rather than overflows.
        Some(a) if billed > a => value.push_str(&format!(
            " · {} more than actual (rounded up)",
            duration_ms(billed.saturating_sub(a))
        )),
        Some(a) if billed < a => value.push_str(&format!(
            " · {} less than actual",
            duration_ms(a.saturating_sub(billed))
        )),
        Some(_) => value.push_str(" · same as actual"),
        None => {}
    }
    let mut row = Row::new(RowKey::Billed, value, tone);
    row.copy = Some(billed.to_string());
    row
}

fn url_row(f: &Field<Value>) -> Row {
    match f {
        Field::Value(Value::String(s)) => {
            Row::new(RowKey::Url, sanitize(s).into_owned(), Tone::Normal)
        }
        Field::Value(other) => Row::new(RowKey::Url, odd(other), Tone::Odd),
        other => {
            absent(RowKey::Url, other).unwrap_or_else(|| Row::new(RowKey::Url, "—", Tone::Empty))
        }
    }
}

fn parent_row(log: &VoiceLog) -> Row {
    match (&log.parent_id, log.parent_uuid()) {
        (_, Some(id)) => {
            let mut row = Row::new(RowKey::Parent, id.to_string(), Tone::Link);
            row.link = Some(id);
            row
        }
        (Field::Value(s), None) => Row::new(
            RowKey::Parent,
            format!("{} (not a valid ID)", sanitize(s)),
            Tone::Odd,
        ),
        (other, None) => match absent(RowKey::Parent, other) {
            Some(row) if matches!(other, Field::Null) => {
                Row::new(RowKey::Parent, "— (this is the first leg)", row.tone)
            }
            Some(row) => row,
            None => Row::new(RowKey::Parent, "—", Tone::Empty),
        },
    }
}

fn id_row(log: &VoiceLog) -> Row {
    match &log.id {
        Field::Value(id) => Row::new(RowKey::Id, id.to_string(), Tone::Normal),
        other => {
            absent(RowKey::Id, other).unwrap_or_else(|| Row::new(RowKey::Id, "—", Tone::Empty))
        }
    }
}

fn extra_row(key: &str, v: &Value) -> Row {
    let (value, tone) = match v {
        Value::String(s) => (sanitize(s).into_owned(), Tone::Normal),
        Value::Null => ("—".to_owned(), Tone::Empty),
        other => (odd(other), Tone::Normal),
    };
    Row::new(RowKey::Extra(key.to_owned()), value, tone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn show(v: Value) -> Presented {
        let Value::Object(o) = v else {
            panic!("object")
        };
        let now = chrono::Utc
            .with_ymd_and_hms(2024, 5, 6, 15, 20, 0)
            .single()
            .unwrap();
        present(&VoiceLog::from_object(o), &Clock::fixed(now))
    }

    fn labels(p: &Presented) -> Vec<&str> {
        p.rows.iter().map(|r| r.label.as_str()).collect()
    }

    #[test]
    fn relay_call_has_every_relay_row() {
        let p = show(
            json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","type":"relay_pstn_call","from":"+1","to":"+2","status":"completed","direction":"outbound","created_at":"2024-05-06T12:20:00Z","duration_ms":9638,"billing_ms":60000,"charge":0.01,"charge_details":[],"url":null,"parent_id":"4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"}),
        );
        assert_eq!(
            labels(&p),
            [
                "From",
                "To",
                "Created",
                "Duration",
                "Billed",
                "URL",
                "Parent leg",
                "ID"
            ]
        );
        assert_eq!(p.header.title, "Relay PSTN call");
        assert_eq!(p.header.status, Some(("completed".into(), Outcome::Good)));
        assert_eq!(p.rows[2].value, "2024-05-06 12:20:00 UTC · 3h ago");
        assert_eq!(p.rows[3].value, "9.638s");
        assert_eq!(
            p.rows[4].value,
            "1m 00.000s · 50.362s more than actual (rounded up)"
        );
        assert_eq!(
            p.rows[6].link.map(|u| u.to_string()).as_deref(),
            Some("4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a")
        );
        assert!(
            p.charges
                .as_ref()
                .is_some_and(|c| c.lines.is_empty() && c.total == "$0.01")
        );
    }

    #[test]
    fn each_family_shows_only_its_fields() {
        let dialogflow = show(json!({"type":"dialogflow_call","duration":5}));
        assert_eq!(
            labels(&dialogflow),
            ["Status", "From", "To", "Created", "Duration", "URL", "ID"]
        );
        assert_eq!(dialogflow.rows[4].value, "5.000s");
        assert_eq!(dialogflow.header.direction, None);
        let fabric = show(
            json!({"type":"fabric_subscriber_device_leg","status":null,"direction":"inbound"}),
        );
        assert_eq!(
            labels(&fabric),
            ["Status", "From", "To", "Created", "URL", "ID"]
        );
        assert_eq!(fabric.header.direction.as_deref(), Some("inbound"));
        let video = show(json!({"type":"video_room_sip_leg","status":"joined"}));
        assert_eq!(
            labels(&video),
            ["From", "To", "Created", "Duration", "URL", "ID"]
        );
    }

    #[test]
    fn discarded_and_unknown_get_notes() {
        let d = show(
            json!({"id":"b7182dc2-00f3-40e4-a5ce-20f164b329df","discarded_at":"2024-05-06T13:20:00Z","created_at":"2024-05-06T12:20:00Z"}),
        );
        assert_eq!(labels(&d), ["Deleted", "Created", "ID"]);
        assert!(d.notes[0].contains("deleted"));
        assert!(d.charges.is_none());
        let u = show(json!({"type":"ai_agent_call","id":"x","minutes":3}));
        assert!(u.rows.is_empty());
        assert_eq!(u.extras.len(), 3);
        assert!(u.notes[0].contains("does not know"));
    }

    #[test]
    fn an_unknown_type_is_escaped_in_the_title() {
        for t in [json!("x\u{1b}]52;c;eA==\u{7}"), json!(["\u{9b}2J"])] {
            let title = show(json!({ "type": t })).header.title;
            assert!(!title.chars().any(char::is_control), "{title:?}");
            assert!(title.contains("\\u{"), "{title:?}");
        }
    }

    #[test]
    fn breakdown_shares_and_mismatch() {
        let p = show(json!({"type":"laml_call","charge":0.04,"charge_details":[
            {"description":"Inbound Voice Minutes","charge":0.03},{"description":"Text to Speech","charge":0.005}]}));
        let c = p.charges.unwrap();
        assert!((c.lines[0].share - 0.75).abs() < 1e-9);
        assert_eq!(c.lines[1].shown, "$0.005");
        assert_eq!(
            c.mismatch.as_deref(),
            Some("The lines add up to $0.035, less than the charge of $0.04 (-$0.005).")
        );
    }

    #[test]
    fn billing_that_looks_like_seconds_is_flagged() {
        let p = show(json!({"type":"relay_sip_call","duration_ms":9638,"billing_ms":60}));
        let billed = p.rows.iter().find(|r| r.key == RowKey::Billed).unwrap();
        assert_eq!(billed.tone, Tone::Warn);
        assert!(
            billed.value.contains("if seconds, 1m 00.000s"),
            "{}",
            billed.value
        );
    }

    /// Found by fuzzing: a billing and a duration at the ends of i64 overflowed the difference.
    #[test]
    fn billing_and_duration_at_the_ends_of_i64_do_not_overflow() {
        for (billed, actual) in [
            (i64::MAX, i64::MIN),
            (i64::MIN, i64::MAX),
            (1 << 62, -(1 << 62) - 5),
        ] {
            let p = show(json!({"type":"relay_sip_call","billing_ms":billed,"duration_ms":actual}));
            let row = p.rows.iter().find(|r| r.key == RowKey::Billed).unwrap();
            assert!(row.value.contains("than actual"), "{}", row.value);
        }
    }

    #[test]
    fn hostile_strings_are_escaped_everywhere() {
        let p = show(
            json!({"type":"relay_pstn_call","from":"\u{1b}[2J","status":"\u{1b}]52;c;x\u{7}","x\u{1b}":"\u{9b}",
            "charge_details":[{"description":"\u{7}bell","charge":0.1}]}),
        );
        let mut all: Vec<String> = vec![p.header.title.clone()];
        all.extend(p.header.status.iter().map(|s| s.0.clone()));
        all.extend(
            p.rows
                .iter()
                .chain(&p.extras)
                .flat_map(|r| [r.label.clone(), r.value.clone()]),
        );
        all.extend(
            p.charges
                .iter()
                .flat_map(|c| c.lines.iter().map(|l| l.description.clone())),
        );
        assert!(all.iter().any(|s| s.contains("\\u{1b}[2J")), "{all:?}");
        assert!(
            all.iter().all(|s| !s.chars().any(char::is_control)),
            "{all:?}"
        );
    }
}
