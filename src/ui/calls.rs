//! The Calls view: the search, the scan's progress, the header and the rows on screen, the
//! selected row highlighted. What each line says is the state's ([`App::calls_table`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::theme::Theme;
use crate::app::{App, Focus};
use crate::view::grouped::Look;

/// Draws the pane.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Detail;
    let (back, forward) = app.nav().depth();
    let nav = match (back, forward) {
        (0, 0) => String::new(),
        (b, f) => format!(" ◀ {b} · {f} ▶ "),
    };
    let title = match app.calls() {
        Some(c) if c.shown == crate::query::View::Legs => " Calls · legs ",
        _ => " Calls ",
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .title(Line::from(nav).style(theme.dim()).right_aligned())
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let Some(table) = app.calls_table() else {
        frame.render_widget(block, area);
        return;
    };
    let gap = " ".repeat(table.gap);
    let mut lines = vec![theme.line(&table.title), theme.line(&table.status)];
    for line in &mut lines {
        super::detail::cut(line, width);
    }
    let header: Vec<Span<'static>> = joined(&table.header, &gap, |_| theme.heading());
    lines.push(Line::from(header));
    if let Some(empty) = &table.empty {
        lines.push(Line::styled(empty.clone(), theme.dim()));
    }
    for (n, (outcome, cells)) in table.rows.iter().enumerate() {
        let selected = table.selected == Some(n);
        let mut line = Line::from(joined(cells, &gap, |c| match c {
            // Dim grey on the selection's colour would be unreadable: the selection is plain.
            _ if selected => ratatui::style::Style::default(),
            Look::Outcome => theme.outcome(*outcome),
            Look::Dim => theme.dim(),
            Look::Plain => ratatui::style::Style::default(),
        }));
        if selected {
            super::detail::highlight(&mut line, width, theme.selected(focused));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Cells as spans with `gap` between them, each styled by its column.
fn joined(
    cells: &[(Look, String)],
    gap: &str,
    style: impl Fn(Look) -> ratatui::style::Style,
) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, (column, text)) in cells.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw(gap.to_owned()));
        }
        spans.push(Span::styled(text.clone(), style(*column)));
    }
    spans
}
