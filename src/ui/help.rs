//! The help overlay: the key bindings in effect in the focused pane, rendered from the binding
//! table, in two columns so that it fits 80x24.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::theme::Theme;
use crate::app::App;
use crate::app::bindings::{self, KeyContext};

/// A group of the overlay: a heading and its (keys, words) rows.
pub type Group = (&'static str, Vec<(String, &'static str)>);

/// What the mouse does, and what the title's back/forward counter means: no key table holds
/// them. The counter counts opened logs only (Enter, a lookup, a link), not sidebar previews.
const MOUSE: &[(&str, &str)] = &[
    ("click", "focus, select a row"),
    ("wheel", "scroll"),
    ("◀ 2 · 0 ▶", "opened logs back · ahead"),
];

const KEY_WIDTH: usize = 11;

/// The groups the help shows over `context`: what works anywhere, then the pane's own keys,
/// then the mouse.
pub fn groups(context: KeyContext) -> Vec<Group> {
    let stack = bindings::stack(context);
    let anywhere = [KeyContext::Always, KeyContext::Anywhere];
    let order = anywhere
        .iter()
        .filter(|c| stack.contains(c))
        .chain(stack.iter().filter(|c| !anywhere.contains(c)));
    let mut groups: Vec<Group> = Vec::new();
    for c in order {
        let rows = bindings::BINDINGS
            .iter()
            .filter(|b| b.context == *c)
            .map(|b| (b.label(context), b.words))
            .filter(|(keys, _)| !keys.is_empty());
        match groups.last_mut() {
            Some((title, group)) if *title == c.title() => group.extend(rows),
            _ => groups.push((c.title(), rows.collect())),
        }
    }
    let mouse = MOUSE.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect();
    groups.push(("Mouse and title", mouse));
    groups
}

fn height(groups: &[Group]) -> usize {
    groups.iter().map(|(_, rows)| rows.len() + 1).sum::<usize>() + groups.len().saturating_sub(1)
}

fn column(groups: &[Group], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (group, bindings)) in groups.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(*group, theme.heading()));
        for (key, what) in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("{key:<KEY_WIDTH$}  "), theme.key()),
                Span::raw(*what),
            ]));
        }
    }
    lines
}

/// Draws the overlay for the focused pane, centred in `area`.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let groups = groups(app.pane_context());
    // The split that makes the taller column shortest.
    let split = (0..=groups.len())
        .min_by_key(|k| height(&groups[..*k]).max(height(&groups[*k..])))
        .unwrap_or(0);
    let (left, right) = (
        column(&groups[..split], theme),
        column(&groups[split..], theme),
    );
    let rows = left.len().max(right.len());
    let height = u16::try_from(rows + 2).unwrap_or(u16::MAX);
    let popup = area.centered(Constraint::Length(78), Constraint::Length(height));
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

#[cfg(test)]
mod tests {
    use super::*;

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
