//! The ID input pane, with a live mark saying whether the text holds a valid log ID.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::theme::Theme;
use crate::app::bindings;
use crate::app::{Action, App, Focus, Intent};
use crate::text::{sanitize, truncate_chars};

/// Draws the input pane.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Input;
    // The mark sits on the bottom border, between its corners, with a space and a ✗ besides.
    let room = usize::from(area.width.saturating_sub(8));
    let mark = match app.input_intent() {
        Intent::Id => Span::styled(" ✓ valid ID ", theme.good()),
        // Which key looks it up depends on the focus: say one only where it does.
        Intent::IdFound => match bindings::hint_keys(app.key_context(), &[Action::Submit]) {
            Some(key) => Span::styled(format!(" ✓ one ID found: {key} looks it up "), theme.good()),
            None => Span::styled(" ✓ one ID found ", theme.good()),
        },
        Intent::Empty => Span::styled(" paste a Voice Segment ID, or search ", theme.dim()),
        Intent::Ambiguous(count) => {
            Span::styled(format!(" ✗ {count} IDs: keep one "), theme.error())
        }
        Intent::Search(words) => Span::styled(
            format!(" {} ", truncate_chars(&format!("search: {words}"), room)),
            theme.good(),
        ),
        Intent::BadSearch(why) | Intent::BadId(why) => {
            Span::styled(format!(" ✗ {} ", truncate_chars(&why, room)), theme.error())
        }
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(" Log ID ").style(theme.title()))
        .title_bottom(Line::from(mark).right_aligned())
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width.max(1));
    let scroll = app.input().visual_scroll(width.saturating_sub(1));
    // What was typed or pasted is shown as text, never as terminal commands.
    let shown = sanitize(app.input().value()).into_owned();
    let paragraph = Paragraph::new(shown)
        .scroll((0, u16::try_from(scroll).unwrap_or(u16::MAX)))
        .block(block);
    frame.render_widget(paragraph, area);
    if focused && inner.width > 0 && inner.height > 0 {
        let cursor = app.input().visual_cursor().saturating_sub(scroll);
        let x = inner
            .x
            .saturating_add(u16::try_from(cursor).unwrap_or(u16::MAX))
            .min(inner.right().saturating_sub(1));
        frame.set_cursor_position(Position::new(x, inner.y));
    }
}
