//! The help overlay: every key binding, in two columns so that it fits 80x24.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;

type Group = (&'static str, &'static [(&'static str, &'static str)]);

/// The left column's groups.
pub const LEFT: &[Group] = &[
    (
        "Anywhere",
        &[
            ("Tab, Shift-Tab", "next, previous pane"),
            ("Alt-←, Alt-→", "back, forward"),
            ("F1, ?", "this help"),
            ("Ctrl-C", "quit"),
        ],
    ),
    (
        "ID input",
        &[
            ("Enter", "look up the ID"),
            ("Esc, ↓", "leave the input"),
            ("Ctrl-←, Ctrl-→", "move by word"),
            ("Ctrl-W, Ctrl-U", "delete word, line"),
        ],
    ),
    (
        "Sidebar",
        &[
            ("/", "filter (Esc clears)"),
            ("p", "pin, unpin"),
            ("d, u", "delete, undo"),
            ("n", "note (a ticket #)"),
        ],
    ),
];

/// The right column's groups.
pub const RIGHT: &[Group] = &[
    (
        "Detail and sidebar",
        &[
            ("↑↓, j k, g G", "select a row"),
            ("PgUp, PgDn", "scroll a page"),
            ("Enter", "open link or lookup"),
            ("[, ]", "back, forward"),
            ("r", "fetch again"),
            ("e", "events timeline"),
            ("v", "raw JSON"),
            ("l", "live refresh on/off"),
            ("i", "go to the input"),
            ("q", "quit"),
        ],
    ),
    (
        "Mouse",
        &[("click", "focus, select a row"), ("wheel", "scroll")],
    ),
    (
        "Copy",
        &[
            ("y", "value / event"),
            ("c", "log ID"),
            ("Y", "record as JSON"),
            ("s", "summary / timeline"),
        ],
    ),
];

const KEY_WIDTH: usize = 14;

fn column(groups: &[Group], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (group, bindings)) in groups.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(*group, theme.heading()));
        for (key, what) in *bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("{key:<KEY_WIDTH$}  "), theme.key()),
                Span::raw(*what),
            ]));
        }
    }
    lines
}

/// Draws the overlay centred in `area`.
pub fn draw(theme: &Theme, frame: &mut Frame, area: Rect) {
    let (left, right) = (column(LEFT, theme), column(RIGHT, theme));
    let rows = left.len().max(right.len());
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let [popup] = Layout::horizontal([Constraint::Length(78)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_set(theme.borders())
        .title(Line::from(" Keys ").style(theme.title()))
        .title_bottom(
            Line::from(" any key closes this help ")
                .style(theme.dim())
                .centered(),
        )
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [l, r] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
        .spacing(2)
        .areas(inner);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
}
