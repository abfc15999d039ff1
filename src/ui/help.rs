//! The help overlay: every pane's keys (the focused pane's first), the search words and the
//! mouse, from the binding table ([`crate::app::bindings::help`]), in two columns 78 wide that
//! scroll together when they are taller than the screen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use crate::app::App;
use crate::app::bindings::help::{Group, groups, split};

/// The widest key column; a search word's example may take more.
const KEY_WIDTH: usize = 11;

fn column(groups: &[Group], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (group, bindings)) in groups.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(*group, theme.heading()));
        let width = bindings
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(KEY_WIDTH, 19);
        for (key, what) in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("{key:<width$}  "), theme.key()),
                Span::raw(*what),
            ]));
        }
    }
    lines
}

/// Draws the overlay for the focused pane, centred in `area`, scrolled as the state says.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups = groups(app.pane_context());
    let (at, _) = split(&groups);
    let (left, right) = (column(&groups[..at], theme), column(&groups[at..], theme));
    let rows = left.len().max(right.len());
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let popup = area.centered(Constraint::Length(78), Constraint::Length(height));
    frame.render_widget(Clear, popup);
    let (_, visible) = app.help_lines();
    let closing = if rows > visible {
        " ↑↓ PgDn scroll · Esc closes "
    } else {
        " any key closes this help "
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .title(Line::from(" Keys ").style(theme.title()))
        .title_bottom(Line::from(closing).style(theme.dim()).centered())
        .border_style(theme.border(true));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [l, r] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
        .spacing(2)
        .areas(inner);
    let scroll = (u16::try_from(app.help_scroll()).unwrap_or(u16::MAX), 0);
    frame.render_widget(Paragraph::new(left).scroll(scroll), l);
    frame.render_widget(Paragraph::new(right).scroll(scroll), r);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::bindings::{self, KeyContext};

    #[test]
    fn every_binding_of_a_context_appears_in_its_help() {
        use KeyContext as X;
        for top in [
            X::Input,
            X::EmptyInput,
            X::Sidebar,
            X::Confirm,
            X::Filter,
            X::Note,
            X::Fields,
            X::Raw,
            X::Events,
        ] {
            let rows: Vec<(String, &str)> = groups(top).into_iter().flat_map(|g| g.1).collect();
            for b in bindings::in_effect(top) {
                let keys: Vec<String> = b.live_keys(top).map(|k| k.label()).collect();
                assert!(
                    rows.iter()
                        .any(|(label, words)| *words == b.words && *label == keys.join(", ")),
                    "{top:?}: `{}` ({}) is missing from the help",
                    b.words,
                    keys.join(", ")
                );
            }
        }
    }

    #[test]
    fn the_help_lists_only_keys_that_work_there() {
        // The detail pane's help lists page keys; the events view has them too now.
        let events: Vec<_> = groups(KeyContext::Events)
            .into_iter()
            .flat_map(|g| g.1)
            .collect();
        assert!(events.iter().any(|(k, _)| k.starts_with("PgDn")));
        // In the sidebar `/` filters: the help does not say it goes to the input there.
        let sidebar: Vec<_> = groups(KeyContext::Sidebar)
            .into_iter()
            .flat_map(|g| g.1)
            .collect();
        assert!(sidebar.contains(&("i".to_owned(), "go to the input")));
        assert!(sidebar.contains(&("/".to_owned(), "filter")));
    }
}
