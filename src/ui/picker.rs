//! The profile picker (`P`): the session's profiles with their spaces, the one in effect
//! marked; the chosen one takes new lookups.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::app::App;
use crate::app::bindings::{KeyContext, key_hints};
use crate::text::{sanitize, truncate_chars};

/// Draws the picker centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(picker) = app.overlay().picker() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(72);
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let name_width = app
        .profiles()
        .iter()
        .map(|c| sanitize(&c.name).width())
        .max()
        .unwrap_or(0)
        .min(inner / 3);
    let mut lines = Vec::new();
    // A long list scrolls so that the selection shows: the frame, a blank and the keys take 4.
    let capacity = usize::from(area.height.saturating_sub(6)).max(1);
    let first = (picker.selected + 1).saturating_sub(capacity);
    for (i, choice) in app.profiles().iter().enumerate().skip(first).take(capacity) {
        let current = choice.name == app.context().profile;
        let mark = if current { "● " } else { "  " };
        let name = truncate_chars(&sanitize(&choice.name), name_width).into_owned();
        let pad = " ".repeat(name_width.saturating_sub(name.width()) + 2);
        let space = (choice.place.as_deref().or(choice.space.as_deref())).map_or_else(
            || "no valid space".to_owned(),
            |s| format!("space {}", sanitize(s)),
        );
        let rest = format!("{space} · {}", choice.source);
        let rest = truncate_chars(&rest, inner.saturating_sub(name_width + 4)).into_owned();
        let mut line = Line::from(vec![
            Span::styled(mark, theme.good()),
            Span::styled(name, theme.title()),
            Span::raw(pad),
            Span::styled(rest, theme.dim()),
        ]);
        if i == picker.selected {
            super::detail::highlight(&mut line, inner, theme.selected(true));
        }
        lines.push(line);
    }
    lines.push(Line::default());
    let hints = key_hints(
        KeyContext::Picker,
        &[
            (crate::app::Action::ChooseProfile, "use for new lookups"),
            (crate::app::Action::ClosePicker, "close"),
        ],
    );
    lines.push(Line::styled(
        truncate_chars(&hints, inner).into_owned(),
        theme.key(),
    ));
    let height = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(2));
    let popup = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(" Profiles ").style(theme.title()))
        .border_style(theme.border(true));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
