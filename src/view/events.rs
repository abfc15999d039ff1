//! The Events view's lines: the leg's timeline, one event a line (offset, time, level, name,
//! details folded), the selected event's details unfolded below it when opened.

use unicode_width::UnicodeWidthStr;

use super::{Line, Role};
use crate::present::Tone;
use crate::present::events::{NO_EVENTS, Severity, Timeline};
use crate::text::truncate_chars;

/// What the view has to show.
#[derive(Debug, Clone, Copy)]
pub enum Shown<'a> {
    /// The events are loading; the spinner's frame.
    Loading(&'static str),
    /// They could not be loaded: why, and the key that tries again where one does.
    Failed(&'a str, Option<&'a str>),
    /// The timeline.
    Loaded(&'a Timeline),
}

/// The view laid out at one width.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Every line.
    pub lines: Vec<Line>,
    /// Each event's first and last line.
    pub rows: Vec<(usize, usize)>,
}

impl Layout {
    /// The first line to show in a pane `height` lines high so that the selected event is on
    /// screen, its unfolded details too where they fit.
    pub fn scroll(&self, selected: usize, height: usize) -> usize {
        let height = height.max(1);
        match self.rows.get(selected) {
            Some((first, last)) if *last >= height => (last + 1 - height).min(*first),
            _ => 0,
        }
    }
}

fn severity_role(s: Severity) -> Role {
    match s {
        Severity::Error => Role::Tone(Tone::Bad),
        Severity::Warn => Role::Warn,
        Severity::Debug | Severity::Other => Role::Dim,
        Severity::Info => Role::Good,
    }
}

/// Lays out `shown` at `width`, with event `expanded` unfolded.
pub fn layout(shown: Shown<'_>, width: usize, expanded: Option<usize>) -> Layout {
    let mut out = Layout::default();
    let lines = &mut out.lines;
    match shown {
        Shown::Loading(spinner) => {
            lines.push(Line::styled(
                format!("{spinner} Loading the events…"),
                Role::Dim,
            ));
        }
        Shown::Failed(error, retry) => {
            lines.push(Line::styled("✗ Could not load the events", Role::Error));
            for l in textwrap::wrap(error, width.max(1)) {
                lines.push(Line::styled(l.into_owned(), Role::Plain));
            }
            if let Some(key) = retry {
                lines.push(Line::styled(
                    format!("Press {key} to try again."),
                    Role::Dim,
                ));
            }
        }
        Shown::Loaded(t) => {
            if t.rows.is_empty() {
                lines.push(Line::styled(NO_EVENTS, Role::Dim));
            }
            for note in &t.notes {
                lines.push(Line::styled(format!("⚠ {note}"), Role::Warn));
            }
            let offset_w = t.rows.iter().map(|r| r.offset.width()).max().unwrap_or(0);
            let name_w = t
                .rows
                .iter()
                .map(|r| r.name.width())
                .max()
                .unwrap_or(0)
                .min(28);
            for (i, r) in t.rows.iter().enumerate() {
                let first = lines.len();
                // The time of day only; the date is in the unfolded view.
                let clock = r.time.split(' ').nth(1).unwrap_or(&r.time).to_owned();
                let head = format!("{:>offset_w$}  {clock:<8}  ", r.offset);
                let level = format!("{:<5}  ", truncate_chars(&r.level, 5));
                let name = format!("{:<name_w$}  ", truncate_chars(&r.name, name_w));
                let used = head.width() + level.width() + name.width();
                let summary = truncate_chars(&r.summary(), width.saturating_sub(used)).into_owned();
                lines.push(Line::of([
                    (head, Role::Dim),
                    (level, severity_role(r.severity)),
                    (name, Role::Title),
                    (summary, Role::Dim),
                ]));
                if expanded == Some(i) {
                    lines.push(Line::styled(format!("    {}", r.time), Role::Dim));
                    let body = r.text();
                    for l in body.lines().skip(1) {
                        lines.push(Line::styled(format!("    {l}"), Role::Plain));
                    }
                }
                out.rows.push((first, lines.len() - 1));
            }
        }
    }
    out
}
