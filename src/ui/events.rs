//! The Events view of the detail pane: the leg's timeline, one event a line (offset, time,
//! level, name, details folded); Enter unfolds the selected event's details as pretty JSON.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::bindings;
use crate::app::{Action, App, EventsState, Focus};
use crate::present::Tone;
use crate::present::events::{NO_EVENTS, Severity, Timeline, timeline};
use crate::text::truncate_chars;

/// The shown leg's timeline, when its events are loaded.
pub fn shown_timeline(app: &App) -> Option<Timeline> {
    match app.shown_events()? {
        EventsState::Loaded(events) => Some(timeline(events, &app.clock())),
        _ => None,
    }
}

/// How many events can be selected.
pub fn count(app: &App) -> usize {
    shown_timeline(app).map_or(0, |t| t.rows.len())
}

fn severity_style(theme: &Theme, s: Severity) -> Style {
    match s {
        Severity::Error => theme.tone(Tone::Bad),
        Severity::Warn => theme.warn(),
        Severity::Debug | Severity::Other => theme.dim(),
        Severity::Info => theme.good(),
    }
}

/// The pane's lines, and for each event its first and last line.
fn build(app: &App, width: usize, theme: &Theme) -> (Vec<Line<'static>>, Vec<(usize, usize)>) {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut rows = Vec::new();
    match app.shown_events() {
        None | Some(EventsState::Loading) => lines.push(Line::styled(
            format!(
                "{} Loading the events…",
                super::status::SPINNER[app.spinner % super::status::SPINNER.len()]
            ),
            theme.dim(),
        )),
        Some(EventsState::Failed(e)) => {
            lines.push(Line::styled("✗ Could not load the events", theme.error()));
            for l in textwrap::wrap(&e.to_string(), width.max(1)) {
                lines.push(Line::raw(l.into_owned()));
            }
            if let Some(key) = bindings::hint_keys(app.key_context(), &[Action::Refresh]) {
                lines.push(Line::styled(
                    format!("Press {key} to try again."),
                    theme.dim(),
                ));
            }
        }
        Some(EventsState::Loaded(_)) => {
            let Some(t) = shown_timeline(app) else {
                return (lines, rows);
            };
            if t.rows.is_empty() {
                lines.push(Line::styled(NO_EVENTS, theme.dim()));
            }
            for note in &t.notes {
                lines.push(Line::styled(format!("⚠ {note}"), theme.warn()));
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
                lines.push(Line::from(vec![
                    Span::styled(head, theme.dim()),
                    Span::styled(level, severity_style(theme, r.severity)),
                    Span::styled(name, theme.title()),
                    Span::styled(summary, theme.dim()),
                ]));
                if app.investigation.event_expanded == Some(i) {
                    lines.push(Line::styled(format!("    {}", r.time), theme.dim()));
                    let body = r.text();
                    for l in body.lines().skip(1) {
                        lines.push(Line::raw(format!("    {l}")));
                    }
                }
                rows.push((first, lines.len() - 1));
            }
        }
    }
    (lines, rows)
}

/// The keys the frame names, where they do this: in the input they type instead.
const HINTS: &[(Action, &str)] = &[
    (Action::ToggleEvents, "fields"),
    (Action::Unfold, "unfold"),
    (Action::CopySummary, "copy timeline"),
];

/// Draws the view.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Detail;
    let title = app
        .nav
        .current()
        .map_or_else(|| " Events ".to_owned(), |id| format!(" {id} · Events "));
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .title_bottom(
            Line::from(match super::status::key_hints(app.key_context(), HINTS) {
                hints if hints.is_empty() => String::new(),
                hints => format!(" {hints} "),
            })
            .style(theme.dim())
            .right_aligned(),
        )
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let (mut lines, rows) = build(app, usize::from(inner.width), theme);
    let selected = app.investigation.event_selected;
    let mut scroll = 0;
    if let Some((first, last)) = rows.get(selected).copied() {
        if focused {
            for line in lines.iter_mut().take(last + 1).skip(first) {
                super::detail::highlight(line, usize::from(inner.width), theme.selected(true));
            }
        }
        // Keep the selected event on screen, its unfolded details too where they fit.
        let height = usize::from(inner.height).max(1);
        if last >= height {
            scroll = (last + 1 - height).min(first);
        }
    }
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}
