//! Keys in the sidebar: moving, opening, filtering, pinning, deleting with undo, and notes.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{App, Level, SidebarMode};
use crate::event::Effect;

/// Keys while the filter or a note is being typed.
pub(super) fn on_typing_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match std::mem::take(&mut app.sidebar.mode) {
        SidebarMode::Filter => match key.code {
            // Enter or ↓ keeps the filter and goes back to moving through the rows.
            KeyCode::Enter | KeyCode::Down | KeyCode::Up => {}
            KeyCode::Esc => {
                app.sidebar.query = Input::default();
                app.sidebar.refresh();
            }
            _ => {
                app.sidebar.mode = SidebarMode::Filter;
                if app
                    .sidebar
                    .query
                    .handle_event(&crossterm::event::Event::Key(key))
                    .is_some()
                {
                    app.sidebar.selected = 0;
                    app.sidebar.refresh();
                    app.sidebar.selected = 0;
                }
            }
        },
        SidebarMode::Note(id, mut input) => match key.code {
            KeyCode::Enter => {
                let warnings = app.sidebar.set_note(id, input.value());
                app.message = Some((
                    if input.value().trim().is_empty() {
                        "Note removed"
                    } else {
                        "Note saved"
                    }
                    .to_owned(),
                    Level::Info,
                ));
                app.warn(warnings);
            }
            KeyCode::Esc => app.message = Some(("Note not changed".to_owned(), Level::Info)),
            _ => {
                input.handle_event(&crossterm::event::Event::Key(key));
                app.sidebar.mode = SidebarMode::Note(id, input);
            }
        },
        SidebarMode::Browse => {}
    }
    vec![]
}

/// Keys while moving through the rows.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => return move_selection(app, 1),
        KeyCode::Char('k') | KeyCode::Up => return move_selection(app, -1),
        KeyCode::Char('g') | KeyCode::Home => return move_selection(app, isize::MIN / 2),
        KeyCode::Char('G') | KeyCode::End => return move_selection(app, isize::MAX / 2),
        KeyCode::Enter => return app.open_selected_lookup(),
        KeyCode::Esc if !app.sidebar.query.value().is_empty() => {
            app.sidebar.query = Input::default();
            app.sidebar.refresh();
        }
        KeyCode::Char('p') => {
            if let Some((pinned, warnings)) = app.sidebar.toggle_pin() {
                app.message = Some((
                    if pinned { "Pinned" } else { "Unpinned" }.to_owned(),
                    Level::Info,
                ));
                app.warn(warnings);
            }
        }
        KeyCode::Char('d') | KeyCode::Delete => {
            if let Some((id, warnings)) = app.sidebar.delete_selected() {
                app.message = Some((
                    format!("Deleted {id} from the history · u to undo"),
                    Level::Info,
                ));
                app.warn(warnings);
            }
        }
        KeyCode::Char('u') => match app.sidebar.undo_delete() {
            Some((id, warnings)) => {
                app.message = Some((format!("Restored {id}"), Level::Info));
                app.warn(warnings);
            }
            None => app.message = Some(("Nothing to undo".to_owned(), Level::Info)),
        },
        KeyCode::Char('n') => {
            if let Some(entry) = app.sidebar.selected_entry() {
                let note = entry.note.clone().unwrap_or_default();
                app.sidebar.mode = SidebarMode::Note(entry.id, Input::new(note));
            }
        }
        _ => {}
    }
    vec![]
}

/// Moves the selection by `delta` rows and previews that lookup when it is known.
pub(super) fn move_selection(app: &mut App, delta: isize) -> Vec<Effect> {
    if app.sidebar.is_empty() {
        return vec![];
    }
    let last = app.sidebar.len() - 1;
    app.sidebar.selected = app.sidebar.selected.saturating_add_signed(delta).min(last);
    app.preview_selected()
}
