//! The sidebar's actions: moving, opening, filtering, pinning, deleting with undo, and notes.

use tui_input::Input;

use super::bindings::{self, KeyContext};
use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{Action, App, SidebarMode};

/// Applies a sidebar action: moving through the rows, or acting on the selection, the filter
/// or the note being typed.
pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    // Said for a few seconds, past the next key (a delete's "u to undo" must outlive a `j`);
    // each confirmation replaces the last.
    let done = |app: &mut App, text: String| {
        app.notify(Notice::info(Scope::Session, text).in_slot("sidebar"));
    };
    match action {
        Action::Down => return move_selection(app, 1),
        Action::Up => return move_selection(app, -1),
        Action::Top => return move_selection(app, isize::MIN / 2),
        Action::Bottom => return move_selection(app, isize::MAX / 2),
        Action::Open => return app.open_selected_lookup(),
        Action::Filter => app.sidebar.mode = SidebarMode::Filter,
        // Enter or ↓ keeps the filter and goes back to moving through the rows.
        Action::FilterDone => app.sidebar.mode = SidebarMode::Browse,
        Action::ClearFilter => {
            app.sidebar.mode = SidebarMode::Browse;
            if !app.sidebar.query.value().is_empty() {
                app.sidebar.query = Input::default();
                app.sidebar.refresh();
            }
        }
        Action::Pin => {
            if let Some((pinned, warnings)) = app.sidebar.toggle_pin() {
                done(app, if pinned { "Pinned" } else { "Unpinned" }.to_owned());
                app.warn(warnings);
            }
        }
        Action::Delete => match app.sidebar.selected_entry() {
            // A pin or a note is work the user put in: ask before it goes.
            Some(entry) if entry.pinned || entry.note.is_some() => {
                app.sidebar.mode = SidebarMode::Confirm(entry.id);
            }
            Some(entry) => {
                let id = entry.id;
                delete(app, id);
            }
            None => {}
        },
        Action::ConfirmDelete => {
            if let SidebarMode::Confirm(id) = std::mem::take(&mut app.sidebar.mode) {
                delete(app, id);
            }
        }
        Action::KeepEntry => {
            app.sidebar.mode = SidebarMode::Browse;
            done(app, "Kept".to_owned());
        }
        Action::Undo => match app.sidebar.undo_delete() {
            Some((id, warnings)) => {
                done(app, format!("Restored {id}"));
                app.warn(warnings);
            }
            None => app.notify(Notice::info(Scope::Action, "Nothing to undo")),
        },
        Action::Note => {
            if let Some(entry) = app.sidebar.selected_entry() {
                let note = entry.note.clone().unwrap_or_default();
                app.sidebar.mode = SidebarMode::Note(entry.id, Input::new(note));
            }
        }
        Action::SaveNote => {
            if let SidebarMode::Note(id, input) = std::mem::take(&mut app.sidebar.mode) {
                let warnings = app.sidebar.set_note(id, input.value());
                let saved = if input.value().trim().is_empty() {
                    "Note removed"
                } else {
                    "Note saved"
                };
                done(app, saved.to_owned());
                app.warn(warnings);
            }
        }
        Action::CancelNote => {
            app.sidebar.mode = SidebarMode::Browse;
            done(app, "Note not changed".to_owned());
        }
        _ => {}
    }
    vec![]
}

/// Deletes `id` from the history and says how to undo it. The ID is shortened and the undo
/// key comes early, so that the hint survives a narrow status bar.
fn delete(app: &mut App, id: uuid::Uuid) {
    if let Some((id, warnings)) = app.sidebar.delete(id) {
        let short: String = id.to_string().chars().take(8).collect();
        let undo = bindings::hint_keys(KeyContext::Sidebar, &[Action::Undo])
            .map(|key| format!(" · {key} to undo"))
            .unwrap_or_default();
        let text = format!("Deleted {short}…{undo}");
        app.notify(Notice::info(Scope::Session, text).in_slot("sidebar"));
        app.warn(warnings);
    }
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
