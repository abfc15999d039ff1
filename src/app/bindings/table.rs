//! Every binding, in the help's order: the one table the keys, the help and the hints read.

use crossterm::event::KeyCode;
use tui_input::InputRequest;

use super::{Binding, Key, KeyContext};
use crate::app::Action;

const fn b(
    context: KeyContext,
    keys: &'static [Key],
    action: Action,
    words: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        words,
    }
}

use KeyCode as C;
use KeyContext as X;

/// Every binding, in the help's order.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    b(X::Always, &[Key::ctrl(C::Char('c'))], Action::Quit, "quit"),
    b(X::Anywhere, &[Key::plain(C::Tab)], Action::NextPane, "next pane"),
    b(X::Anywhere, &[Key::plain(C::BackTab)], Action::PrevPane, "previous pane"),
    b(X::Anywhere, &[Key::alt(C::Left)], Action::Back, "back"),
    b(X::Anywhere, &[Key::alt(C::Right)], Action::Forward, "forward"),
    b(X::Anywhere, &[Key::plain(C::F(1))], Action::Help, "this help"),
    b(X::Anywhere, &[Key::plain(C::F(2))], Action::Notices, "all notices"),
    // The ID input.
    b(X::Input, &[Key::plain(C::Enter)], Action::Submit, "look up or search"),
    b(X::Input, &[Key::plain(C::Esc), Key::plain(C::Down)], Action::LeaveInput, "leave the input"),
    b(X::Input, &[Key::ctrl(C::Left)], Action::Edit(InputRequest::GoToPrevWord), "word left"),
    b(X::Input, &[Key::ctrl(C::Right)], Action::Edit(InputRequest::GoToNextWord), "word right"),
    b(X::Input, &[Key::ctrl(C::Char('w'))], Action::Edit(InputRequest::DeletePrevWord), "delete a word"),
    b(X::Input, &[Key::ctrl(C::Char('u'))], Action::Edit(InputRequest::DeleteLine), "delete the line"),
    // No log ID starts with `?`: in an empty input it asks for help instead of typing.
    b(X::EmptyInput, &[Key::ch('?')], Action::Help, "this help (input empty)"),
    // The sidebar.
    b(X::Sidebar, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next lookup"),
    b(X::Sidebar, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous lookup"),
    b(X::Sidebar, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first lookup"),
    b(X::Sidebar, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last lookup"),
    b(X::Sidebar, &[Key::plain(C::Enter)], Action::Open, "open the lookup"),
    b(X::Sidebar, &[Key::ch('/')], Action::Filter, "filter"),
    b(X::Sidebar, &[Key::plain(C::Esc)], Action::ClearFilter, "clear the filter"),
    b(X::Sidebar, &[Key::ch('p')], Action::Pin, "pin, unpin"),
    b(X::Sidebar, &[Key::ch('d'), Key::plain(C::Delete)], Action::Delete, "delete"),
    b(X::Sidebar, &[Key::ch('u')], Action::Undo, "undo the delete"),
    b(X::Sidebar, &[Key::ch('n')], Action::Note, "note (a ticket #)"),
    b(X::Filter, &[Key::plain(C::Enter), Key::plain(C::Down), Key::plain(C::Up)], Action::FilterDone, "keep the filter"),
    b(X::Filter, &[Key::plain(C::Esc)], Action::ClearFilter, "clear the filter"),
    b(X::Note, &[Key::plain(C::Enter)], Action::SaveNote, "save the note"),
    b(X::Note, &[Key::plain(C::Esc)], Action::CancelNote, "leave it unchanged"),
    b(X::Confirm, &[Key::ch('y')], Action::ConfirmDelete, "delete it"),
    b(X::Confirm, &[Key::ch('n'), Key::plain(C::Esc)], Action::KeepEntry, "keep it"),
    // The detail pane's fields.
    b(X::Fields, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next row"),
    b(X::Fields, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous row"),
    b(X::Fields, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first row"),
    b(X::Fields, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last row"),
    b(X::Fields, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "page down"),
    b(X::Fields, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Fields, &[Key::plain(C::Enter)], Action::Open, "open the link"),
    // The list of calls a search found.
    b(X::Calls, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next call"),
    b(X::Calls, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous call"),
    b(X::Calls, &[Key::plain(C::Home)], Action::Top, "first call"),
    b(X::Calls, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last call"),
    b(X::Calls, &[Key::plain(C::PageDown)], Action::PageDown, "page down"),
    b(X::Calls, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Calls, &[Key::plain(C::Enter)], Action::Open, "open a leg, unfold a call"),
    b(X::Calls, &[Key::plain(C::Right)], Action::Unfold, "unfold the call's legs"),
    b(X::Calls, &[Key::plain(C::Left)], Action::Fold, "fold them"),
    b(X::Calls, &[Key::ch(' ')], Action::Mark, "mark the call (s copies)"),
    b(X::Calls, &[Key::ch('g')], Action::SwitchView, "calls or legs"),
    b(X::Calls, &[Key::ch('o')], Action::CycleSort, "sort: time, length, cost"),
    b(X::Calls, &[Key::ch('/')], Action::Narrow, "narrow the loaded calls"),
    b(X::Calls, &[Key::ch('t')], Action::OpenCall, "the call's tree"),
    b(X::Calls, &[Key::plain(C::Esc)], Action::StopScan, "stop the scan, clear /"),
    b(X::Calls, &[Key::ch('f')], Action::Follow, "follow new calls live"),
    b(X::CallsNarrow, &[Key::plain(C::Enter), Key::plain(C::Down), Key::plain(C::Up)], Action::NarrowDone, "keep the narrowing"),
    b(X::CallsNarrow, &[Key::plain(C::Esc)], Action::ClearNarrow, "clear the narrowing"),
    b(X::Fields, &[Key::ch('t')], Action::OpenCall, "the whole call"),
    b(X::Fields, &[Key::ch('D')], Action::SaveRecording, "download the recording"),
    // The raw JSON.
    b(X::Raw, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "scroll down"),
    b(X::Raw, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "scroll up"),
    b(X::Raw, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Raw, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "page down"),
    b(X::Raw, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "top"),
    b(X::Raw, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "bottom"),
    b(X::Raw, &[Key::plain(C::Esc)], Action::ShowFields, "back to the fields"),
    b(X::Raw, &[Key::ch('t')], Action::OpenCall, "the whole call"),
    // The events timeline.
    b(X::Events, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next event"),
    b(X::Events, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous event"),
    b(X::Events, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first event"),
    b(X::Events, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last event"),
    b(X::Events, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "a page of events down"),
    b(X::Events, &[Key::plain(C::PageUp)], Action::PageUp, "a page of events up"),
    b(X::Events, &[Key::plain(C::Enter), Key::plain(C::Right)], Action::Unfold, "unfold, fold"),
    b(X::Events, &[Key::plain(C::Left)], Action::Fold, "fold"),
    b(X::Events, &[Key::plain(C::Esc)], Action::ShowFields, "back to the fields"),
    b(X::Events, &[Key::ch('t')], Action::OpenCall, "the whole call"),
    // The whole call.
    b(X::Call, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next leg, then event"),
    b(X::Call, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous leg or event"),
    b(X::Call, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first leg"),
    b(X::Call, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last leg or event"),
    b(X::Call, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "page down (the timeline)"),
    b(X::Call, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Call, &[Key::plain(C::Enter)], Action::Open, "open leg, unfold event"),
    b(X::Call, &[Key::plain(C::Right)], Action::Unfold, "unfold, fold the event"),
    b(X::Call, &[Key::plain(C::Left)], Action::Fold, "fold the event"),
    // Every pane but the input.
    b(X::Panes, &[Key::ch('[')], Action::Back, "back"),
    b(X::Panes, &[Key::ch(']')], Action::Forward, "forward"),
    b(X::Panes, &[Key::ch('r')], Action::Refresh, "fetch again"),
    b(X::Panes, &[Key::ch('e')], Action::ToggleEvents, "events timeline"),
    b(X::Panes, &[Key::ch('v')], Action::ToggleRaw, "raw JSON"),
    b(X::Panes, &[Key::ch('l')], Action::ToggleLive, "live refresh on/off"),
    b(X::Panes, &[Key::ch('z')], Action::ToggleSidebar, "zoom: sidebar off/on"),
    b(X::Panes, &[Key::ch('y')], Action::CopyValue, "copy value / event"),
    b(X::Panes, &[Key::ch('c')], Action::CopyId, "copy the log ID"),
    b(X::Panes, &[Key::ch('Y')], Action::CopyJson, "copy record as JSON"),
    b(X::Panes, &[Key::ch('s')], Action::CopySummary, "copy summary / timeline"),
    b(X::Panes, &[Key::ch('w')], Action::WriteCopy, "write the last copy to a file"),
    b(X::Panes, &[Key::ch('i'), Key::ch('/')], Action::FocusInput, "go to the input"),
    b(X::Panes, &[Key::ch('m')], Action::Notices, "all notices"),
    b(X::Panes, &[Key::ch('L')], Action::ReopenCalls, "the last list of calls"),
    b(X::Panes, &[Key::ch('P')], Action::Profiles, "switch profile"),
    b(X::Panes, &[Key::ch('?')], Action::Help, "this help"),
    b(X::Panes, &[Key::ch('q')], Action::Quit, "quit"),
    // The overlays.
    b(X::Help, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "scroll down"),
    b(X::Help, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "scroll up"),
    b(X::Help, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "a page down"),
    b(X::Help, &[Key::plain(C::PageUp)], Action::PageUp, "a page up"),
    b(X::Help, &[Key::plain(C::Esc)], Action::CloseHelp, "close (any other key does)"),
    b(X::Notices, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next notice"),
    b(X::Notices, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous notice"),
    b(X::Notices, &[Key::ch('d'), Key::plain(C::Delete)], Action::Dismiss, "dismiss"),
    b(X::Notices, &[Key::ch('D')], Action::DismissAll, "dismiss all"),
    b(X::Notices, &[Key::ch('w')], Action::WriteCopy, "write the last copy to a file"),
    b(X::Notices, &[Key::plain(C::Esc), Key::ch('m'), Key::ch('q')], Action::CloseNotices, "close"),
    b(X::Picker, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next profile"),
    b(X::Picker, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous profile"),
    b(X::Picker, &[Key::plain(C::Enter)], Action::ChooseProfile, "use it for new lookups"),
    b(X::Picker, &[Key::plain(C::Esc), Key::ch('P'), Key::ch('q')], Action::ClosePicker, "close"),
];
