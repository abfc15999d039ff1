//! A leg's events turned into a timeline a person reads: one row per event with its offset from
//! the first, local time, level, name and details on one line (and pretty, for expanding), plus
//! plain-text renderings for copying and for `swlog get --events`. Every string here is already
//! sanitised.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::Tone;
use super::format::offset_ms;
use crate::api::events::{Event, Events, Level, Shape};
use crate::api::model::Field;
use crate::clock::Clock;
use crate::text::{json_for_terminal, sanitize, truncate_chars};

/// What to say when a leg has no events (the endpoint's 404, or an empty list).
pub const NO_EVENTS: &str = "No events recorded for this leg.";

/// How serious an event is, for colour: error red, warn yellow, info plain, debug dim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// `error`.
    Error,
    /// `warn` or `warning`.
    Warn,
    /// `info`.
    Info,
    /// `debug`.
    Debug,
    /// No level, or one swlog does not know.
    Other,
}

impl From<Severity> for Tone {
    fn from(s: Severity) -> Self {
        match s {
            Severity::Error => Tone::Bad,
            Severity::Warn => Tone::Warn,
            Severity::Info | Severity::Other => Tone::Normal,
            Severity::Debug => Tone::Empty,
        }
    }
}

/// One event, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// The offset from the first event, e.g. `+12.340s`; `—` when the time is unreadable.
    pub offset: String,
    /// The offset in milliseconds, when the time is readable.
    pub offset_ms: Option<i64>,
    /// The time in the user's zone, or what was sent when it is not a readable date.
    pub time: String,
    /// The level, for colour.
    pub severity: Severity,
    /// The level in words (`warning` is shown as `warn`).
    pub level: String,
    /// The event's name.
    pub name: String,
    /// The details on one line, as compact JSON; empty when there are none.
    pub details: String,
    /// The details as indented JSON, for expanding; empty when there are none.
    pub details_pretty: String,
    /// Fields the documentation does not name: key and compact JSON value.
    pub extras: Vec<(String, String)>,
}

impl EventRow {
    /// The details and any unknown fields on one line.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.details.is_empty() {
            parts.push(self.details.clone());
        }
        parts.extend(self.extras.iter().map(|(k, v)| format!("{k}={v}")));
        parts.join(" · ")
    }

    /// One event as text: its heading line, then the details pretty-printed and any unknown
    /// fields, for copying.
    pub fn text(&self) -> String {
        let mut s = format!(
            "{}  {}  {}  {}\n",
            self.offset, self.time, self.level, self.name
        );
        if self.details_pretty.is_empty() {
            s.push_str("(no details)\n");
        } else {
            s.push_str(&self.details_pretty);
            s.push('\n');
        }
        for (k, v) in &self.extras {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s
    }
}

/// A leg's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// One row per event, in time order.
    pub rows: Vec<EventRow>,
    /// Things to tell the reader about the answer itself (an odd shape, unknown fields).
    pub notes: Vec<String>,
}

impl Timeline {
    /// Whether there is no event to show.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The timeline as aligned plain text, one event a line, each line starting with `indent`.
    pub fn text(&self, indent: &str) -> String {
        self.lines(indent)
            .into_iter()
            .map(|(line, _)| line + "\n")
            .collect()
    }

    /// The lines of [`Timeline::text`] (without newlines), each with how it should look.
    pub fn lines(&self, indent: &str) -> Vec<(String, Tone)> {
        let mut lines: Vec<(String, Tone)> = self
            .notes
            .iter()
            .map(|note| (format!("{indent}{note}"), Tone::Warn))
            .collect();
        if self.rows.is_empty() {
            lines.push((format!("{indent}{NO_EVENTS}"), Tone::Empty));
            return lines;
        }
        let width =
            |f: fn(&EventRow) -> &str| self.rows.iter().map(|r| f(r).width()).max().unwrap_or(0);
        let (ow, tw) = (width(|r| &r.offset), width(|r| &r.time));
        let (lw, nw) = (width(|r| &r.level), width(|r| &r.name));
        for r in &self.rows {
            let line = format!(
                "{indent}{}  {}  {}  {}  {}",
                pad_left(&r.offset, ow),
                pad_right(&r.time, tw),
                pad_right(&r.level, lw),
                pad_right(&r.name, nw),
                r.summary()
            );
            lines.push((line.trim_end().to_owned(), r.severity.into()));
        }
        lines
    }
}

fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(s.width())))
}

/// Presents `events` as of `clock`: offsets count from the earliest readable `event_at`.
pub fn timeline(events: &Events, clock: &Clock) -> Timeline {
    let start = events.start();
    let rows = events.items.iter().map(|e| row(e, start, clock)).collect();
    let mut notes = Vec::new();
    match &events.shape {
        Shape::Expected => {}
        Shape::NoData => {
            notes.push("The answer had no `data` list: no events can be shown.".to_owned())
        }
        Shape::DataNotArray(v) => notes.push(format!(
            "The answer's `data` is not a list ({}): no events can be shown.",
            truncate_chars(&one_line(v), 60)
        )),
    }
    if !events.extras.is_empty() {
        let keys: Vec<String> = events
            .extras
            .iter()
            .map(|(k, _)| format!("`{}`", sanitize(k)))
            .collect();
        notes.push(format!(
            "The answer had fields swlog does not know: {}.",
            keys.join(", ")
        ));
    }
    Timeline { rows, notes }
}

fn row(e: &Event, start: Option<chrono::DateTime<chrono::Utc>>, clock: &Clock) -> EventRow {
    let ms = e
        .event_at
        .get()
        .zip(start)
        .map(|(t, s)| (t - s).num_milliseconds());
    let time = match &e.event_at {
        Field::Value(t) => clock.local(*t),
        Field::Invalid(Value::String(s)) => format!("{} (not a date)", sanitize(s)),
        Field::Invalid(v) => format!("{} (not a date)", one_line(v)),
        Field::Missing | Field::Null => "—".to_owned(),
    };
    let (severity, level) = match &e.level {
        Field::Value(l) => (
            match l {
                Level::Error => Severity::Error,
                Level::Warn => Severity::Warn,
                Level::Info => Severity::Info,
                Level::Debug => Severity::Debug,
                Level::Other(_) => Severity::Other,
            },
            sanitize(l.word()).into_owned(),
        ),
        Field::Invalid(v) => (Severity::Other, one_line(v)),
        Field::Missing | Field::Null => (Severity::Other, "—".to_owned()),
    };
    let name = match &e.name {
        _ if !e.is_object() => "(not an event object)".to_owned(),
        Field::Value(s) => sanitize(s).into_owned(),
        Field::Invalid(v) => one_line(v),
        Field::Missing | Field::Null => "—".to_owned(),
    };
    // An item that is not an object has no fields: the item itself is what there is to show.
    let details = if e.is_object() {
        e.details.value()
    } else {
        Some(&e.raw)
    };
    let (details, details_pretty) = match details {
        None => (String::new(), String::new()),
        Some(Value::Object(o)) if o.is_empty() => (String::new(), String::new()),
        Some(v) => (one_line(v), pretty(v)),
    };
    EventRow {
        offset: ms.map_or_else(|| "—".to_owned(), offset_ms),
        offset_ms: ms,
        time,
        severity,
        level,
        name,
        details,
        details_pretty,
        extras: e
            .extras
            .iter()
            .map(|(k, v)| (sanitize(k).into_owned(), one_line(v)))
            .collect(),
    }
}

/// Compact JSON with nothing a terminal would act on. serde_json escapes C0 controls; what it
/// writes raw (DEL, C1, bidi controls) is escaped by `json_for_terminal`, and the result still
/// decodes to the same value.
fn one_line(v: &Value) -> String {
    json_for_terminal(&v.to_string()).into_owned()
}

/// Indented JSON, made safe the same way as [`one_line`]; its newlines are the indentation's.
fn pretty(v: &Value) -> String {
    match serde_json::to_string_pretty(v) {
        Ok(s) => json_for_terminal(&s).into_owned(),
        // Serialising a Value cannot fail; the compact form is a safe fallback all the same.
        Err(_) => one_line(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn clock() -> Clock {
        Clock::fixed(
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 15, 0, 0)
                .single()
                .unwrap(),
        )
    }

    fn show(v: Value) -> Timeline {
        let Value::Object(o) = v else {
            panic!("object")
        };
        timeline(&Events::from_object(o), &clock())
    }

    #[test]
    fn rows_have_offsets_levels_and_one_line_details() {
        let t = show(json!({"data":[
            {"event_at":"2026-11-25T14:03:16.204Z","level":"info","name":"calling_call_ended","details":{"hangup_cause":"normal_clearing","sip_code":200}},
            {"event_at":"2026-11-25T14:02:11.204Z","level":"info","name":"calling_call_initiated","details":{}},
            {"event_at":"2026-11-25T14:02:23.544Z","level":"warning","name":"media_quality_degraded","details":{"mos":3.1}},
            {"event_at":"2026-11-25T14:02:23.600Z","level":"error","name":"x","details":"busy","node_id":"n1"},
            {"event_at":"2026-11-25T14:02:23.700Z","level":"debug","name":"y"},
            {"event_at":"2026-11-25T14:02:23.800Z","level":"trace","name":"z"}
        ]}));
        let offsets: Vec<&str> = t.rows.iter().map(|r| r.offset.as_str()).collect();
        assert_eq!(
            offsets,
            [
                "+00.000s",
                "+12.340s",
                "+12.396s",
                "+12.496s",
                "+12.596s",
                "+1m 05.000s"
            ]
        );
        let sev: Vec<Severity> = t.rows.iter().map(|r| r.severity).collect();
        use Severity::*;
        assert_eq!(sev, [Info, Warn, Error, Debug, Other, Info]);
        assert_eq!(t.rows[1].level, "warn");
        assert_eq!(t.rows[4].level, "trace");
        assert_eq!(t.rows[0].time, "2026-11-25 14:02:11 +00:00");
        assert_eq!(t.rows[0].details, "", "an empty object is no details");
        assert_eq!(
            t.rows[5].details,
            r#"{"hangup_cause":"normal_clearing","sip_code":200}"#
        );
        assert_eq!(
            t.rows[5].details_pretty,
            "{\n  \"hangup_cause\": \"normal_clearing\",\n  \"sip_code\": 200\n}"
        );
        assert_eq!(t.rows[2].details, r#""busy""#);
        assert_eq!(t.rows[2].summary(), r#""busy" · node_id="n1""#);
        assert_eq!(Tone::from(Severity::Error), Tone::Bad);
        assert_eq!(Tone::from(Severity::Debug), Tone::Empty);
        assert!(t.notes.is_empty());
    }

    #[test]
    fn odd_items_and_bodies_are_shown_not_dropped() {
        let t = show(json!({"data":[
            7,
            {"name":{"n":1},"level":3,"event_at":"soon"},
            {}
        ], "links": {}}));
        assert_eq!(t.rows[0].name, "(not an event object)");
        assert_eq!(t.rows[0].details, "7");
        assert_eq!(t.rows[1].name, r#"{"n":1}"#);
        assert_eq!(t.rows[1].level, "3");
        assert_eq!(t.rows[1].time, "soon (not a date)");
        assert_eq!(t.rows[1].offset, "—");
        assert_eq!(t.rows[2].name, "—");
        assert_eq!(t.rows[2].level, "—");
        assert_eq!(
            t.notes,
            ["The answer had fields swlog does not know: `links`."]
        );
        let none = show(json!({"data":"nope"}));
        assert!(none.is_empty());
        assert_eq!(
            none.text("  "),
            "  The answer's `data` is not a list (\"nope\"): no events can be shown.\n  No events recorded for this leg.\n"
        );
    }

    #[test]
    fn an_empty_timeline_says_so() {
        assert_eq!(
            show(json!({"data":[]})).text(""),
            "No events recorded for this leg.\n"
        );
    }

    #[test]
    fn one_event_as_text() {
        let t = show(json!({"data":[
            {"event_at":"2026-11-25T14:02:11Z","level":"error","name":"calling_call_failed","details":{"cause":"busy","sip_code":486},"node_id":"n1"},
            {"event_at":"2026-11-25T14:02:12Z","level":"info","name":"calling_call_ended"}
        ]}));
        assert_eq!(
            t.rows[0].text(),
            "+00.000s  2026-11-25 14:02:11 +00:00  error  calling_call_failed\n{\n  \"cause\": \"busy\",\n  \"sip_code\": 486\n}\nnode_id: \"n1\"\n"
        );
        assert_eq!(
            t.rows[1].text(),
            "+01.000s  2026-11-25 14:02:12 +00:00  info  calling_call_ended\n(no details)\n"
        );
    }

    #[test]
    fn hostile_strings_are_escaped_everywhere() {
        let t = show(json!({"data":[
            {"event_at":"2026-11-25T14:02:11Z\u{1b}[2J","level":"\u{9b}31m","name":"call\u{1b}]52;c;eA==\u{7}",
             "details":{"k\u{9b}":"a\u{1b}b\u{7f}c\u{202e}d","n":["\u{85}"]},"x\u{1b}":"\u{9b}2J"},
            "\u{1b}[31m"
        ], "\u{9b}k": 1}));
        let mut all: Vec<String> = t.notes.clone();
        for r in &t.rows {
            all.extend([
                r.offset.clone(),
                r.time.clone(),
                r.level.clone(),
                r.name.clone(),
                r.details.clone(),
                r.summary(),
                r.text(),
            ]);
            all.extend(r.extras.iter().flat_map(|(k, v)| [k.clone(), v.clone()]));
        }
        all.push(t.text("  "));
        for s in &all {
            assert!(
                !s.chars()
                    .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}')),
                "{s:?}"
            );
        }
        assert_eq!(t.rows[0].name, "call\\u{1b}]52;c;eA==\\u{7}");
        let back: Value = serde_json::from_str(&t.rows[0].details).unwrap();
        assert_eq!(
            back,
            json!({"k\u{9b}":"a\u{1b}b\u{7f}c\u{202e}d","n":["\u{85}"]}),
            "escaping does not change the value"
        );
    }
}
