//! The merged timeline in words: each event with its offset, level, leg and details, as lines
//! for `swlog call` and the ticket bundle, and for the Call view's pane with where each event
//! is and its details in full (a row cut by the pane can be unfolded or copied whole).

use unicode_width::UnicodeWidthStr;

use super::Call;
use super::lines::{label, pad, pad_left};
use super::timeline::Entry;
use crate::api::model::Field;
use crate::present::Tone;
use crate::present::format::offset_ms;
use crate::text::{json_for_terminal, sanitize, truncate_chars};

/// The most characters of an event's details a timeline line holds; the rest is unfolded.
const DETAILS: usize = 160;

/// The merged timeline: each event with its offset, level, leg and details; `notable_only`
/// keeps warnings and errors. Legs whose events failed are named first.
pub fn timeline_lines(call: &Call, notable_only: bool, indent: &str) -> Vec<(String, Tone)> {
    lines_of(timeline_in(call, notable_only, indent, Layout::Aligned))
}

/// The merged timeline for a pane: each event's name before its leg, so that a narrow pane
/// cuts the leg's label and the details, not what happened.
pub fn timeline_lines_for_pane(call: &Call) -> Vec<(String, Tone)> {
    pane_timeline(call).lines
}

/// The merged timeline for a pane, with where each event is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaneTimeline {
    /// Every line, as [`timeline_lines_for_pane`].
    pub lines: Vec<(String, Tone)>,
    /// Each event, in order.
    pub events: Vec<PaneEvent>,
}

/// One event of a pane's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneEvent {
    /// Its line among [`PaneTimeline::lines`].
    pub line: usize,
    /// Its line with its details in full (what `y` copies).
    pub full: String,
    /// Its details in full, on one line; empty without any.
    pub details: String,
}

/// [`timeline_lines_for_pane`] with where each event is and its details in full.
pub fn pane_timeline(call: &Call) -> PaneTimeline {
    let mut out = PaneTimeline::default();
    for (i, row) in timeline_in(call, false, "", Layout::NameFirst)
        .into_iter()
        .enumerate()
    {
        if let Some((full, details)) = row.full {
            out.events.push(PaneEvent {
                line: i,
                full,
                details,
            });
        }
        out.lines.push((row.text, row.tone));
    }
    out
}

/// How a timeline line is laid out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Time, level, leg, name, details: columns for a wide page or a ticket.
    Aligned,
    /// Time, level, name, leg, details.
    NameFirst,
}

/// A line of the timeline; an event's with its line and details in full.
struct Row {
    text: String,
    tone: Tone,
    full: Option<(String, String)>,
}

fn lines_of(rows: Vec<Row>) -> Vec<(String, Tone)> {
    rows.into_iter().map(|r| (r.text, r.tone)).collect()
}

fn note(text: String, tone: Tone) -> Row {
    Row {
        text,
        tone,
        full: None,
    }
}

fn timeline_in(call: &Call, notable_only: bool, indent: &str, layout: Layout) -> Vec<Row> {
    let Some(t) = &call.timeline else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, id, why) in &t.failed {
        let name = call
            .tree
            .legs
            .get(*i)
            .map(|l| label(&l.log, i + 1))
            .unwrap_or_default();
        out.push(note(
            format!(
                "{indent}Events of {name} {id} could not be fetched: {}",
                sanitize(&why.to_string())
            ),
            Tone::Bad,
        ));
    }
    let start = t.entries.iter().find_map(|e| e.event.event_at.get());
    let shown: Vec<&Entry> = t
        .entries
        .iter()
        .filter(|e| !notable_only || e.is_notable())
        .collect();
    if shown.is_empty() && t.failed.is_empty() {
        let what = if notable_only {
            "No warnings or errors."
        } else {
            "No events recorded."
        };
        out.push(note(format!("{indent}{what}"), Tone::Empty));
        return out;
    }
    let labels: Vec<String> = shown
        .iter()
        .map(|e| {
            let name = call
                .tree
                .legs
                .get(e.leg)
                .map(|l| label(&l.log, e.leg + 1))
                .unwrap_or_default();
            let short: String = e.log_id.to_string().chars().take(8).collect();
            format!("{name} {short}")
        })
        .collect();
    let lw = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    // Offsets past a minute (`+1m 05.000s`) are wider: all are padded to the widest, so that
    // the columns after them stay in line.
    let offsets: Vec<String> = shown
        .iter()
        .map(|e| {
            e.event.event_at.get().zip(start).map_or_else(
                || "—".to_owned(),
                |(t, s)| offset_ms((t - s).num_milliseconds()),
            )
        })
        .collect();
    let ow = offsets.iter().map(|o| o.width()).max().unwrap_or(0);
    for ((e, leg), offset) in shown.iter().zip(&labels).zip(&offsets) {
        let ev = &e.event;
        let level = match &ev.level {
            Field::Value(l) => sanitize(l.word()).into_owned(),
            Field::Invalid(v) => one_line(v),
            _ => "—".to_owned(),
        };
        let name = match &ev.name {
            Field::Value(s) => sanitize(s).into_owned(),
            Field::Invalid(v) => one_line(v),
            _ => "—".to_owned(),
        };
        let details = match ev.details.value() {
            None => String::new(),
            Some(serde_json::Value::Object(o)) if o.is_empty() => String::new(),
            Some(v) => one_line(v),
        };
        let tone = match ev.level.value() {
            Some(crate::api::Level::Error) => Tone::Bad,
            Some(crate::api::Level::Warn) => Tone::Warn,
            _ => Tone::Normal,
        };
        let head = match layout {
            Layout::Aligned => format!(
                "{indent}{}  {}  {}  {name}",
                pad_left(offset, ow.max(11)),
                pad(&level, 5),
                pad(leg, lw)
            ),
            // The tree above numbers the legs: `#2` finds it there, in a few columns.
            Layout::NameFirst => format!(
                "{indent}{} {} {name} · #{}",
                pad_left(offset, ow),
                pad(&level, 5),
                e.leg + 1
            ),
        };
        let line = |details: &str| format!("{head}  {details}").trim_end().to_owned();
        out.push(Row {
            text: line(&truncate_chars(&details, DETAILS)),
            tone,
            full: Some((line(&details), details.clone())),
        });
    }
    out
}

fn one_line(v: &serde_json::Value) -> String {
    json_for_terminal(&v.to_string()).into_owned()
}
