//! The detail pane: the record's header, the rows its variant has, the charge breakdown and
//! extra fields; or a lookup's error in words, or the welcome text.
//!
//! What the pane says and where each row goes is the state's ([`App::detail_at`]); this file
//! draws the visible part of it and highlights the selected row.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};

use super::theme::Theme;
use crate::app::{App, Focus, View};

/// Draws the pane.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Detail;
    let title = match (app.view(), app.nav().depth()) {
        // Which view is shown, as the Events and Raw JSON views say theirs.
        (View::Record(id), _) => format!(" {id} · Fields "),
        (View::Loading(id), _) | (View::Failed { id: Some(id), .. }, _) => format!(" {id} "),
        _ => " swlog ".to_owned(),
    };
    let (back, forward) = app.nav().depth();
    let nav = match (back, forward) {
        (0, 0) => String::new(),
        (b, f) => format!(" ◀ {b} · {f} ▶ "),
    };
    // The ID comes first: the view's name gives way when the two titles would overlap.
    let title = match app.view() {
        View::Record(id)
            if title.chars().count() + nav.chars().count() + 2 > usize::from(area.width) =>
        {
            format!(" {id} ")
        }
        _ => title,
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .title(Line::from(nav).style(theme.dim()).right_aligned())
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let detail = app.detail_at(width);
    let detail = detail.get();
    // Only the lines on screen are styled: a record with 45,000 charge lines costs no more to
    // draw than one with three.
    let top = app.detail_scroll();
    let selected = focused
        .then(|| detail.row_lines(app.detail_selected()))
        .flatten();
    let lines = styled(
        theme,
        detail.window(top, usize::from(inner.height)),
        top,
        width,
        selected,
        theme.selected(true),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Styles the lines on screen, `shown`, the first of which is line `top` of the whole; those
/// in `marked` (first..=last, counted in the whole) are highlighted across `width` in `style`.
pub(super) fn styled<'a>(
    theme: &Theme,
    shown: impl IntoIterator<Item = &'a crate::view::Line>,
    top: usize,
    width: usize,
    marked: Option<(usize, usize)>,
    style: Style,
) -> Vec<Line<'static>> {
    shown
        .into_iter()
        .enumerate()
        .map(|(n, l)| {
            let mut line = theme.line(l);
            cut(&mut line, width);
            if marked.is_some_and(|(first, last)| (first..=last).contains(&(top + n))) {
                highlight(&mut line, width, style);
            }
            line
        })
        .collect()
}

/// Cuts `line` to `width` cells, a `…` in the last one saying so: a pane never cuts text
/// without a sign (a number cut to `+1206555` reads as a whole one).
pub(super) fn cut(line: &mut Line<'static>, width: usize) {
    use unicode_width::UnicodeWidthChar;
    if line.width() <= width || width == 0 {
        return;
    }
    let mut used = 0;
    let mut spans: Vec<Span<'static>> = Vec::new();
    for span in std::mem::take(&mut line.spans) {
        let mut kept = String::new();
        let mut full = false;
        for ch in span.content.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w + 1 > width {
                full = true;
                break;
            }
            kept.push(ch);
            used += w;
        }
        if full {
            kept.push('…');
            spans.push(Span::styled(kept, span.style));
            break;
        }
        spans.push(Span::styled(kept, span.style));
    }
    line.spans = spans;
}

/// Styles a whole row of `width` cells, not just its text (the selected row of a pane).
pub(super) fn highlight(line: &mut Line<'static>, width: usize, style: Style) {
    let fill = width.saturating_sub(line.width());
    line.push_span(Span::raw(" ".repeat(fill)));
    *line = std::mem::take(line).patch_style(style);
    super::theme::keep_legible(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_line_ends_in_an_ellipsis_and_keeps_its_styles() {
        let bold = Style::default().add_modifier(ratatui::style::Modifier::BOLD);
        let mut line = Line::from(vec![
            Span::raw("│ 3f2b9e1c  "),
            Span::styled("+12065551212", bold),
        ]);
        cut(&mut line, 16);
        assert_eq!(line.width(), 16);
        assert_eq!(line.to_string(), "│ 3f2b9e1c  +12…");
        assert_eq!(line.spans.last().map(|s| s.style), Some(bold));
        let mut short = Line::from("fits");
        cut(&mut short, 4);
        assert_eq!(short.to_string(), "fits");
    }
}
