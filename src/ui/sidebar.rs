//! The sidebar: this session's lookups, most recent first, two lines each.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::{App, Focus};
use crate::present::format::age_between;
use crate::text::truncate_chars;

/// Lines each entry takes.
pub const ENTRY_HEIGHT: usize = 2;

/// The first entry shown, so that the selected one is on screen in `height` lines.
pub fn first_visible(selected: usize, height: u16) -> usize {
    let capacity = (usize::from(height) / ENTRY_HEIGHT).max(1);
    (selected + 1).saturating_sub(capacity)
}

/// The entry at `line` lines below the top of the pane's inside, if any.
pub fn entry_at(app: &App, height: u16, line: usize) -> Option<usize> {
    let index = first_visible(app.sidebar_selected, height) + line / ENTRY_HEIGHT;
    (index < app.lookups.len()).then_some(index)
}

/// Draws the sidebar.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Sidebar;
    let block = Block::bordered()
        .padding(Padding::horizontal(1))
        .title(Line::from(format!(" Lookups ({}) ", app.lookups.len())).style(theme.title()))
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let now = app.clock().now;
    let mut lines: Vec<Line> = Vec::new();
    if app.lookups.is_empty() {
        lines.push(Line::styled("No lookups yet.", theme.dim()));
        lines.push(Line::styled("They are listed here.", theme.dim()));
    }
    let first = first_visible(app.sidebar_selected, inner.height);
    for (i, lookup) in app.lookups.iter().enumerate().skip(first) {
        let age = age_between(lookup.at, now);
        let (glyph, glyph_style) = match (&lookup.status, lookup.failed) {
            (_, true) => ("✗", theme.error()),
            (Some((_, o)), false) => ("●", theme.outcome(*o)),
            (None, false) => ("○", theme.dim()),
        };
        let label_width = width.saturating_sub(age.width() + 3);
        let label = truncate_chars(&lookup.label, label_width).into_owned();
        let pad = width.saturating_sub(label.width() + age.width() + 2);
        let mut top = Line::from(vec![
            Span::styled(glyph, glyph_style),
            Span::raw(" "),
            Span::styled(
                label,
                if lookup.failed {
                    theme.error()
                } else {
                    theme.title()
                },
            ),
            Span::raw(" ".repeat(pad)),
            Span::styled(age, theme.dim()),
        ]);
        let detail = match (&lookup.parties, &lookup.status) {
            (Some(p), _) => p.clone(),
            (None, _) => lookup.id.to_string(),
        };
        let mut bottom = Line::styled(
            format!("  {}", truncate_chars(&detail, width.saturating_sub(2))),
            theme.dim(),
        );
        if i == app.sidebar_selected {
            let style = theme.selected(focused);
            top = top.style(style);
            bottom = bottom.style(style);
            // Fill the whole row, not just the text.
            let fill = width.saturating_sub(bottom.width());
            bottom.push_span(Span::raw(" ".repeat(fill)));
        }
        lines.push(top);
        lines.push(bottom);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
