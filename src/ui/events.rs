//! The Events view of the detail pane: the leg's timeline, one event a line (offset, time,
//! level, name, details folded); Enter unfolds the selected event's details as pretty JSON.
//! The lines are the state's ([`App::events_at`]); this file styles and draws them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Padding, Paragraph};

use super::theme::Theme;
use crate::app::{Action, App, Focus};

/// The keys the frame names, where they do this: in the input they type instead.
const HINTS: &[(Action, &str)] = &[
    (Action::ToggleEvents, "fields"),
    (Action::Unfold, "unfold"),
    (Action::CopySummary, "copy timeline"),
];

/// Draws the view.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Detail;
    let title = app
        .nav()
        .current()
        .map_or_else(|| " Events ".to_owned(), |id| format!(" {id} · Events "));
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .title_bottom(
            Line::from(
                match crate::app::bindings::key_hints(app.key_context(), HINTS) {
                    hints if hints.is_empty() => String::new(),
                    hints => format!(" {hints} "),
                },
            )
            .style(theme.dim())
            .right_aligned(),
        )
        .border_style(theme.border(focused));
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let view = app.events_at(width);
    let layout = view.get();
    let selected = app.investigation().event_selected;
    let top = layout.scroll(selected, usize::from(inner.height));
    let span = focused
        .then(|| layout.rows.get(selected).copied())
        .flatten();
    let lines = super::detail::styled(
        theme,
        layout
            .lines
            .iter()
            .skip(top)
            .take(usize::from(inner.height)),
        top,
        width,
        span,
        theme.selected(true),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
