//! The status bar: the last message or the lookup in flight, and the focused pane's keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::{App, Focus, Level};
use crate::text::truncate_chars;
use crate::view::SPINNER;

/// The key hints of the focused pane.
fn hints(app: &App) -> &'static [(&'static str, &'static str)] {
    match (app.focus, app.raw) {
        (Focus::Input, _) => &[
            ("Enter", "look up"),
            ("Esc", "leave input"),
            ("Tab", "next pane"),
            ("F1", "help"),
            ("Ctrl-C", "quit"),
        ],
        (Focus::Sidebar, _) => &[
            ("↑↓", "select"),
            ("Enter", "open"),
            ("/", "filter"),
            ("p", "pin"),
            ("d", "delete"),
            ("n", "note"),
            ("?", "help"),
            ("q", "quit"),
        ],
        (Focus::Detail, true) => &[
            ("↑↓ PgUp/PgDn", "scroll"),
            ("v", "fields"),
            ("[ ]", "back/fwd"),
            ("?", "help"),
            ("q", "quit"),
        ],
        (Focus::Detail, false) => &[
            ("↑↓", "select"),
            ("Enter", "open link"),
            ("[ ]", "back/fwd"),
            ("r", "refetch"),
            ("e", "events"),
            ("v", "raw"),
            ("y", "copy"),
            ("?", "help"),
            ("q", "quit"),
        ],
    }
}

/// Draws the status bar's two lines.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    // A live refresh runs quietly: the record stays, and the LIVE mark says it is watched.
    let top = if let Some(f) = app.in_flight.as_ref().filter(|f| !f.background) {
        let frame_glyph = SPINNER[app.spinner % SPINNER.len()];
        Line::from(vec![
            Span::styled(format!("{frame_glyph} "), theme.warn()),
            Span::raw(format!(
                "Fetching {} … {:.1}s",
                f.id,
                f.started.elapsed().as_secs_f32()
            )),
        ])
    } else if let Some((text, level)) = &app.message {
        let style = match level {
            Level::Error => theme.error(),
            Level::Info => theme.good(),
        };
        Line::styled(truncate_chars(text, width).into_owned(), style)
    } else {
        Line::styled(
            format!(
                "space {} · project {}",
                app.context.space, app.context.project
            ),
            theme.dim(),
        )
    };
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in hints(app) {
        let item = format!("{key} {what}  ");
        used += item.chars().count();
        if used > width {
            break;
        }
        spans.push(Span::styled(*key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(vec![top, Line::from(spans)]), area);
}
