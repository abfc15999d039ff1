//! The list of notices: every notice kept, newest first, to read and dismiss; below them the
//! last text copied, as it was put on the clipboard (`w` writes it to a file).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use crate::app::{App, Level};

/// Draws the list centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let mut lines = Vec::new();
    // Newest first, as the status bar shows the newest.
    for (index, notice) in app.notices().iter().enumerate().rev() {
        let (glyph, style) = match notice.level {
            Level::Error => ("✗", theme.error()),
            Level::Warn => ("!", theme.warn()),
            Level::Info => ("·", theme.good()),
        };
        let style = if Some(index) == app.overlay().notices() {
            style.patch(theme.selected(true))
        } else {
            style
        };
        // Broken at the box's width, so that a long path is read whole and the box's height
        // is known.
        let text: Vec<char> = format!("{glyph} {}", notice.text).chars().collect();
        for chunk in text.chunks(inner) {
            lines.push(Line::styled(chunk.iter().collect::<String>(), style));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("No notices.", theme.dim()));
    }
    if let Some((what, text)) = app.last_copy() {
        lines.push(Line::raw(""));
        let heading = format!("Last copy, {what} (w writes it to a file):");
        lines.push(Line::styled(
            crate::text::truncate_chars(&crate::text::sanitize(&heading), inner).into_owned(),
            theme.title(),
        ));
        // Each line as copied, cut at the box's edge; what is sent to a terminal is made safe.
        for line in text.lines() {
            let safe = crate::text::sanitize(line);
            lines.push(Line::raw(
                crate::text::truncate_chars(&safe, inner).into_owned(),
            ));
        }
    }
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(2));
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Line::from(" Notices ").style(theme.title()))
        .border_style(theme.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
