//! The list of notices: every notice kept, newest first, to read and dismiss.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::{App, Level};

/// Draws the list centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    // Newest first, as the status bar shows the newest.
    for (index, notice) in app.notices.iter().enumerate().rev() {
        let (glyph, style) = match notice.level {
            Level::Error => ("✗", theme.error()),
            Level::Warn => ("!", theme.warn()),
            Level::Info => ("·", theme.good()),
        };
        let line = Line::styled(format!("{glyph} {}", notice.text), style);
        lines.push(if index == app.notice_selected {
            line.patch_style(theme.selected(true))
        } else {
            line
        });
    }
    if lines.is_empty() {
        lines.push(Line::styled("No notices.", theme.dim()));
    }
    let width = area.width.saturating_sub(4).min(100);
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(2));
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(Line::from(" Notices ").style(theme.title()))
        .border_style(theme.border(true));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        popup,
    );
}
