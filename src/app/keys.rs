//! Keys to actions, and what each action does where. Which key is which action is in
//! [`super::bindings`]; this file only applies actions to the pane they were meant for.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::bindings::{self, KeyContext};
use super::msg::Effect;
#[cfg(test)]
use super::msg::Message;
use super::notices::{Notice, Scope};
use super::{Action, App, Focus, Overlay, Tab, calls_keys, copy, sidebar_keys};
use crate::api::LogRef;

/// Which view the detail pane draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailView {
    /// The fields (or the welcome, the loading or the error).
    Fields,
    /// The raw JSON of the shown record.
    Raw,
    /// The events timeline of the shown record.
    Events,
    /// The list of calls a search found.
    Calls,
    /// The whole call of a leg.
    Call,
}

impl App {
    /// What the detail pane draws: keys go to the view that is on screen.
    pub fn detail_view(&self) -> DetailView {
        if self.view == super::View::Calls {
            DetailView::Calls
        } else if matches!(self.view, super::View::Call(_)) {
            DetailView::Call
        } else if self.shown_record().is_none() {
            DetailView::Fields
        } else if self.raw {
            DetailView::Raw
        } else if self.investigation.tab == Tab::Events {
            DetailView::Events
        } else {
            DetailView::Fields
        }
    }

    /// The context of the focused pane, under any overlay. A pane that is not drawn gets no
    /// keys: a hidden sidebar's keys go to the detail pane.
    pub fn pane_context(&self) -> KeyContext {
        match self.focus {
            Focus::Input if self.input.value().is_empty() => KeyContext::EmptyInput,
            Focus::Input => KeyContext::Input,
            Focus::Sidebar if self.sidebar_visible() => match self.sidebar.mode {
                super::SidebarMode::Browse => KeyContext::Sidebar,
                super::SidebarMode::Filter => KeyContext::Filter,
                super::SidebarMode::Note(..) => KeyContext::Note,
                super::SidebarMode::Confirm(_) => KeyContext::Confirm,
            },
            Focus::Sidebar | Focus::Detail => match self.detail_view() {
                DetailView::Fields => KeyContext::Fields,
                DetailView::Raw => KeyContext::Raw,
                DetailView::Events => KeyContext::Events,
                DetailView::Calls if self.calls.as_ref().is_some_and(|c| c.narrowing) => {
                    KeyContext::CallsNarrow
                }
                DetailView::Calls => KeyContext::Calls,
                DetailView::Call => KeyContext::Call,
            },
        }
    }

    /// The context keys resolve in now: an open overlay, else the focused pane's.
    pub fn key_context(&self) -> KeyContext {
        match self.overlay {
            Overlay::Help => KeyContext::Help,
            Overlay::Notices { .. } => KeyContext::Notices,
            Overlay::Picker(_) => KeyContext::Picker,
            Overlay::None => self.pane_context(),
        }
    }
}

/// Handles one key press: resolves it to an action in the current context and applies it.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> (Vec<Effect>, bool) {
    if key.kind == KeyEventKind::Release {
        return (vec![], false);
    }
    match bindings::resolve(app.key_context(), &key) {
        Some(action) => act(app, action),
        None => (vec![], false),
    }
}

/// Applies one action in the current context; what the loop must do, and whether anything
/// may have changed on screen.
pub(super) fn act(app: &mut App, action: Action) -> (Vec<Effect>, bool) {
    // A notice about the previous action is out of date once the next one starts.
    app.notices.end_scope(Scope::Action);
    let context = app.key_context();
    let effects = match action {
        Action::Quit => return (vec![Effect::Quit], false),
        Action::Help => {
            app.overlay = Overlay::Help;
            app.help_scroll = 0;
            vec![]
        }
        Action::CloseHelp => {
            app.close_overlay(Overlay::is_help);
            vec![]
        }
        Action::Notices => {
            let selected = app.notices.len().saturating_sub(1);
            app.overlay = Overlay::Notices { selected };
            vec![]
        }
        Action::CloseNotices => {
            app.close_overlay(|o| o.notices().is_some());
            vec![]
        }
        Action::Dismiss => {
            if let Overlay::Notices { selected } = &mut app.overlay {
                app.notices.dismiss(*selected);
                *selected = (*selected).min(app.notices.len().saturating_sub(1));
            }
            vec![]
        }
        Action::DismissAll => {
            app.notices.clear();
            app.close_overlay(|o| o.notices().is_some());
            vec![]
        }
        Action::NextPane => {
            cycle_focus(app, true);
            vec![]
        }
        Action::PrevPane => {
            cycle_focus(app, false);
            vec![]
        }
        Action::Back => go_back(app),
        Action::Forward => go_forward(app),
        Action::FocusInput => {
            app.focus = Focus::Input;
            vec![]
        }
        // The same search again, from now, read from the server rather than the index.
        Action::Refresh if context == KeyContext::Calls => app.search_again(),
        Action::OpenCall => app.open_call(),
        Action::SaveRecording => app.save_recording(),
        Action::ToggleEvents if context == KeyContext::Call => {
            app.toggle_call_timeline();
            vec![]
        }
        Action::Refresh if context == KeyContext::Call => app.reload_call(),
        Action::Refresh if app.investigation.tab == Tab::Events => {
            // Drop the events: the follow-up fetches them again.
            if let Some(id) = app.nav.current() {
                app.investigation.events.remove(&id);
            }
            vec![]
        }
        Action::Refresh => match app.nav.current() {
            Some(id) => app.refetch(id),
            None => vec![],
        },
        Action::ToggleEvents => {
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
        Action::ToggleRaw => {
            app.raw = !app.raw;
            vec![]
        }
        Action::ToggleSidebar => {
            app.sidebar_hidden = !app.sidebar_hidden;
            if app.sidebar_hidden && app.focus == Focus::Sidebar {
                app.focus = Focus::Detail;
            }
            vec![]
        }
        Action::ToggleLive => {
            app.toggle_live();
            vec![]
        }
        Action::CopyValue | Action::CopyId | Action::CopyJson | Action::CopySummary => {
            let effect = copy::on_action(app, action);
            if let Some(e) = &effect {
                app.remember_copy(e);
            }
            effect.into_iter().collect()
        }
        Action::WriteCopy => app.write_copy(),
        Action::Submit => app.submit(),
        Action::Profiles => {
            app.open_picker();
            vec![]
        }
        Action::ChooseProfile => {
            app.choose_profile();
            vec![]
        }
        Action::ClosePicker => {
            app.close_overlay(|o| o.picker().is_some());
            vec![]
        }
        Action::LeaveInput => {
            app.focus = Focus::Detail;
            vec![]
        }
        Action::Edit(request) if context == KeyContext::CallsNarrow => {
            return (vec![], calls_keys::edit(app, request));
        }
        Action::Edit(request) => return (vec![], edit(app, request)),
        Action::CycleSort
        | Action::Narrow
        | Action::NarrowDone
        | Action::ClearNarrow
        | Action::StopScan
        | Action::Follow
        | Action::SwitchView
        | Action::Mark
        | Action::ReopenCalls => calls_keys::on_action(app, action),
        Action::Filter
        | Action::FilterDone
        | Action::ClearFilter
        | Action::Pin
        | Action::Delete
        | Action::Undo
        | Action::ConfirmDelete
        | Action::KeepEntry
        | Action::Note
        | Action::SaveNote
        | Action::CancelNote => sidebar_keys::on_action(app, action),
        Action::Down
        | Action::Up
        | Action::Top
        | Action::Bottom
        | Action::PageDown
        | Action::PageUp
        | Action::Open
        | Action::Unfold
        | Action::Fold
        | Action::ShowFields => match context {
            KeyContext::Help => {
                app.scroll_help(action);
                vec![]
            }
            KeyContext::Sidebar => sidebar_keys::on_action(app, action),
            KeyContext::Calls => calls_keys::on_action(app, action),
            KeyContext::Picker => {
                app.move_picker(match action {
                    Action::Down => 1,
                    Action::Up => -1,
                    _ => 0,
                });
                vec![]
            }
            KeyContext::Notices => {
                on_notices_action(app, action);
                vec![]
            }
            KeyContext::Events => {
                on_events_action(app, action);
                vec![]
            }
            KeyContext::Raw => {
                on_raw_action(app, action);
                vec![]
            }
            KeyContext::Call if action == Action::Open && app.tree.event.is_none() => {
                app.open_selected_leg()
            }
            KeyContext::Call => {
                app.move_in_tree(action);
                vec![]
            }
            _ => on_fields_action(app, action),
        },
    };
    (effects, true)
}

/// Types into the text that has the keys: the input, the filter or a note.
fn edit(app: &mut App, request: tui_input::InputRequest) -> bool {
    match (&mut app.sidebar.mode, app.focus) {
        (super::SidebarMode::Note(_, input), Focus::Sidebar) => input.handle(request).is_some(),
        (super::SidebarMode::Filter, Focus::Sidebar) => {
            if app.sidebar.query.handle(request).is_some() {
                app.sidebar.selected = 0;
                app.sidebar.refresh();
                app.sidebar.selected = 0;
            }
            true
        }
        _ => {
            let changed = app.input.handle(request).is_some();
            if changed && app.input.value().trim().is_empty() {
                app.notices.end_slot(super::lookup::INPUT_SLOT);
            }
            changed
        }
    }
}

/// The detail pane's height in lines less its frame and one line of overlap: a page.
fn page(app: &App) -> isize {
    isize::try_from(
        crate::view::layout::areas(app.size, app.sidebar_visible())
            .detail
            .height
            .saturating_sub(3),
    )
    .unwrap_or(1)
    .max(1)
}

fn on_notices_action(app: &mut App, action: Action) {
    let last = app.notices.len().saturating_sub(1);
    let Overlay::Notices { selected } = &mut app.overlay else {
        return;
    };
    match action {
        Action::Down => *selected = (*selected + 1).min(last),
        Action::Up => *selected = selected.saturating_sub(1),
        _ => {}
    }
}

/// The Events view: move through the events, unfold one, go back.
fn on_events_action(app: &mut App, action: Action) {
    let last = app.event_count().saturating_sub(1);
    let page = page(app).unsigned_abs();
    let inv = &mut app.investigation;
    match action {
        Action::Down => inv.event_selected = (inv.event_selected + 1).min(last),
        Action::Up => inv.event_selected = inv.event_selected.saturating_sub(1),
        Action::Top => inv.event_selected = 0,
        Action::Bottom => inv.event_selected = last,
        // An event takes at least a line: a page of lines is at most a page of events.
        Action::PageDown => inv.event_selected = (inv.event_selected + page).min(last),
        Action::PageUp => inv.event_selected = inv.event_selected.saturating_sub(page),
        Action::Unfold | Action::Fold => {
            let open = inv.event_expanded == Some(inv.event_selected);
            inv.event_expanded = (!open && action == Action::Unfold).then_some(inv.event_selected);
        }
        Action::ShowFields => inv.tab = Tab::Fields,
        _ => {}
    }
}

fn on_raw_action(app: &mut App, action: Action) {
    let page = page(app);
    match action {
        Action::Down => app.scroll_detail(1),
        Action::Up => app.scroll_detail(-1),
        Action::PageDown => app.scroll_detail(page),
        Action::PageUp => app.scroll_detail(-page),
        Action::Top => app.raw_scroll = 0,
        Action::Bottom => app.scroll_detail(isize::MAX / 2),
        Action::ShowFields => app.raw = false,
        _ => {}
    }
}

fn on_fields_action(app: &mut App, action: Action) -> Vec<Effect> {
    let page = page(app);
    let rows = app.detail().get().row_count();
    let last = rows.saturating_sub(1);
    match action {
        Action::Down => app.detail_selected = (app.detail_selected + 1).min(last),
        Action::Up => {
            if app.detail_selected == 0 {
                app.focus = Focus::Input;
            }
            app.detail_selected = app.detail_selected.saturating_sub(1);
        }
        Action::Top => app.detail_selected = 0,
        Action::Bottom => app.detail_selected = last,
        Action::PageDown => {
            app.scroll_detail(page);
            let first = app.detail().get().first_row_from(app.detail_scroll);
            app.detail_selected = first.unwrap_or(last);
            return vec![];
        }
        Action::PageUp => {
            app.scroll_detail(-page);
            let first = app.detail().get().first_row_from(app.detail_scroll);
            app.detail_selected = first.unwrap_or(0);
            return vec![];
        }
        Action::Open => return follow_link(app),
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
            // A linked leg is of the family of the leg that links to it, in its space.
            let current = app.nav.current();
            let id = current.map_or(LogRef::voice(id), |c| c.sibling(id));
            if let Some(current) = current
                && !app.origins.contains_key(&id)
            {
                let origin = app.origin_for(current);
                app.origins.insert(id, origin);
            }
            app.input = tui_input::Input::new(id.to_string());
            app.visit(id)
        }
        None => vec![],
    }
}

fn go_back(app: &mut App) -> Vec<Effect> {
    match app.nav.back() {
        Some(place) => app.revisit_place(place),
        None => {
            app.notify(Notice::info(Scope::Action, "Nothing to go back to"));
            vec![]
        }
    }
}

fn go_forward(app: &mut App) -> Vec<Effect> {
    match app.nav.forward() {
        Some(place) => app.revisit_place(place),
        None => {
            app.notify(Notice::info(Scope::Action, "Nothing to go forward to"));
            vec![]
        }
    }
}

fn cycle_focus(app: &mut App, forward: bool) {
    // Whether the sidebar can be shown, not whether it is: the list of calls hides it until
    // it has focus.
    let order: &[Focus] = if crate::view::layout::sidebar_visible(app.size) && !app.sidebar_hidden {
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
pub fn key(code: crossterm::event::KeyCode) -> Message {
    Message::Term(crossterm::event::Event::Key(KeyEvent::new(
        code,
        crossterm::event::KeyModifiers::NONE,
    )))
}
