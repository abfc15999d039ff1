//! The Call view: the visible part of the lines the state built ([`crate::view::tree`]), with
//! the selected leg's two lines (or the selected event's) highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph};

use super::theme::Theme;
use crate::app::{App, Focus};

/// Draws the Call view in the detail pane's place.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Detail;
    let (lines, selected) = app.call_view_lines();
    let nav = match app.nav().depth() {
        (0, 0) => String::new(),
        (b, f) => format!(" ◀ {b} · {f} ▶ "),
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(" Whole call ").style(theme.title()))
        .title(Line::from(nav).style(theme.dim()).right_aligned())
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let top = app.tree().scroll.min(lines.len().saturating_sub(1));
    // A leg is two lines; an event one, or more when unfolded.
    let shown = super::detail::styled(
        theme,
        lines.iter().skip(top).take(usize::from(inner.height)),
        top,
        width,
        selected,
        theme.selected(focused),
    );
    frame.render_widget(Paragraph::new(shown).block(block), area);
}
