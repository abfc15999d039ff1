//! What each key does in each pane. The help overlay and the README list the same bindings.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::{App, Focus, Level, Tab, copy, sidebar_keys};
use crate::event::Effect;
#[cfg(test)]
use crate::event::Message;

/// Handles one key press.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> (Vec<Effect>, bool) {
    if key.kind == KeyEventKind::Release {
        return (vec![], false);
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return (vec![Effect::Quit], false);
    }
    if app.help {
        // Any key closes the help; it does nothing else.
        app.help = false;
        return (vec![], true);
    }
    if app.focus == Focus::Sidebar && app.sidebar.is_typing() {
        return (sidebar_keys::on_typing_key(app, key), true);
    }
    match key.code {
        KeyCode::F(1) => {
            app.help = true;
            return (vec![], true);
        }
        KeyCode::Tab => {
            cycle_focus(app, true);
            return (vec![], true);
        }
        KeyCode::BackTab => {
            cycle_focus(app, false);
            return (vec![], true);
        }
        KeyCode::Left if alt => return (go_back(app), true),
        KeyCode::Right if alt => return (go_forward(app), true),
        _ => {}
    }
    if app.focus == Focus::Input {
        return on_input_key(app, key);
    }
    if let Some(effect) = copy::on_key(app, key) {
        return (vec![effect], true);
    }
    let effects = match key.code {
        KeyCode::Char('q') => return (vec![Effect::Quit], false),
        KeyCode::Char('/') if app.focus == Focus::Sidebar => {
            app.sidebar.mode = super::SidebarMode::Filter;
            vec![]
        }
        KeyCode::Char('?') => {
            app.help = true;
            vec![]
        }
        KeyCode::Char('i' | '/') => {
            app.focus = Focus::Input;
            vec![]
        }
        KeyCode::Char('r') if app.investigation.tab == Tab::Events => {
            // Drop the events: the follow-up fetches them again.
            if let Some(id) = app.nav.current() {
                app.investigation.events.remove(&id);
            }
            vec![]
        }
        KeyCode::Char('r') => match app.nav.current() {
            Some(id) => app.fetch(id),
            None => vec![],
        },
        KeyCode::Char('e') => {
            let inv = &mut app.investigation;
            inv.tab = if inv.tab == Tab::Events {
                Tab::Fields
            } else {
                Tab::Events
            };
            inv.event_selected = 0;
            inv.event_expanded = None;
            app.raw = false;
            app.focus = Focus::Detail;
            vec![]
        }
        KeyCode::Char('v') => {
            app.raw = !app.raw;
            vec![]
        }
        KeyCode::Char('l') => {
            app.toggle_live();
            vec![]
        }
        KeyCode::Char('[') => go_back(app),
        KeyCode::Char(']') => go_forward(app),
        _ if app.focus == Focus::Sidebar => sidebar_keys::on_key(app, key),
        _ => on_detail_key(app, key),
    };
    (effects, true)
}

fn on_input_key(app: &mut App, key: KeyEvent) -> (Vec<Effect>, bool) {
    match key.code {
        KeyCode::Enter => (app.submit(), true),
        KeyCode::Esc => {
            app.focus = Focus::Detail;
            (vec![], true)
        }
        KeyCode::Down => {
            app.focus = Focus::Detail;
            (vec![], true)
        }
        _ => {
            let changed = app
                .input
                .handle_event(&crossterm::event::Event::Key(key))
                .is_some();
            (vec![], changed)
        }
    }
}

/// Keys in the Events view: move through the events, unfold one, go back.
fn on_events_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let last = app.event_count().saturating_sub(1);
    let inv = &mut app.investigation;
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            inv.event_selected = (inv.event_selected + 1).min(last)
        }
        KeyCode::Char('k') | KeyCode::Up => {
            inv.event_selected = inv.event_selected.saturating_sub(1)
        }
        KeyCode::Char('g') | KeyCode::Home => inv.event_selected = 0,
        KeyCode::Char('G') | KeyCode::End => inv.event_selected = last,
        KeyCode::Enter | KeyCode::Right | KeyCode::Left => {
            let open = inv.event_expanded == Some(inv.event_selected);
            inv.event_expanded = (!open && key.code != KeyCode::Left).then_some(inv.event_selected);
        }
        KeyCode::Esc => inv.tab = Tab::Fields,
        _ => {}
    }
    vec![]
}

fn on_detail_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if app.investigation.tab == Tab::Events && app.shown_record().is_some() {
        return on_events_key(app, key);
    }
    let page = isize::try_from(
        crate::view::layout::areas(app.size, app.sidebar_visible())
            .detail
            .height
            .saturating_sub(3),
    )
    .unwrap_or(1)
    .max(1);
    if app.raw {
        match key.code {
            KeyCode::Char('j') | KeyCode::Down => app.scroll_detail(1),
            KeyCode::Char('k') | KeyCode::Up => app.scroll_detail(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => app.scroll_detail(page),
            KeyCode::PageUp => app.scroll_detail(-page),
            KeyCode::Char('g') | KeyCode::Home => app.raw_scroll = 0,
            KeyCode::Char('G') | KeyCode::End => app.scroll_detail(isize::MAX / 2),
            KeyCode::Esc => app.raw = false,
            _ => {}
        }
        return vec![];
    }
    let rows = app.detail().get().row_count();
    let last = rows.saturating_sub(1);
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            app.detail_selected = (app.detail_selected + 1).min(last)
        }
        KeyCode::Char('k') | KeyCode::Up => {
            if app.detail_selected == 0 {
                app.focus = Focus::Input;
            }
            app.detail_selected = app.detail_selected.saturating_sub(1);
        }
        KeyCode::Char('g') | KeyCode::Home => app.detail_selected = 0,
        KeyCode::Char('G') | KeyCode::End => app.detail_selected = last,
        KeyCode::PageDown | KeyCode::Char(' ') => {
            app.scroll_detail(page);
            let first = app.detail().get().first_row_from(app.detail_scroll);
            app.detail_selected = first.unwrap_or(last);
            return vec![];
        }
        KeyCode::PageUp => {
            app.scroll_detail(-page);
            let first = app.detail().get().first_row_from(app.detail_scroll);
            app.detail_selected = first.unwrap_or(0);
            return vec![];
        }
        KeyCode::Enter => return follow_link(app),
        _ => {}
    }
    app.keep_selection_visible();
    vec![]
}

/// Enter on a row that links to another log (the parent leg) opens it.
fn follow_link(app: &mut App) -> Vec<Effect> {
    let link = app.detail().get().link(app.detail_selected);
    match link {
        Some(id) => {
            app.input = tui_input::Input::new(id.to_string());
            app.visit(id)
        }
        None => vec![],
    }
}

fn go_back(app: &mut App) -> Vec<Effect> {
    match app.nav.back() {
        Some(id) => app.revisit(id),
        None => {
            app.message = Some(("Nothing to go back to".to_owned(), Level::Info));
            vec![]
        }
    }
}

fn go_forward(app: &mut App) -> Vec<Effect> {
    match app.nav.forward() {
        Some(id) => app.revisit(id),
        None => {
            app.message = Some(("Nothing to go forward to".to_owned(), Level::Info));
            vec![]
        }
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    let order: &[Focus] = if app.sidebar_visible() {
        &[Focus::Input, Focus::Sidebar, Focus::Detail]
    } else {
        &[Focus::Input, Focus::Detail]
    };
    let at = order.iter().position(|f| *f == app.focus).unwrap_or(0);
    let next = if forward {
        (at + 1) % order.len()
    } else {
        (at + order.len() - 1) % order.len()
    };
    app.focus = order[next];
    if app.focus == Focus::Sidebar {
        // Lookups made from another terminal show up when the sidebar is looked at.
        let warnings = app.sidebar.reload();
        app.warn(warnings);
    }
}

#[cfg(test)]
/// A key event message, for tests.
pub fn key(code: KeyCode) -> Message {
    Message::Term(crossterm::event::Event::Key(KeyEvent::new(
        code,
        KeyModifiers::NONE,
    )))
}
