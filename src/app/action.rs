//! What a key asks for, apart from which key it was: keys resolve to an [`Action`] through the
//! binding table, and [`App::update`](super::App::update) applies actions, so that state can be
//! driven and tested without terminal events.

use tui_input::InputRequest;

/// One thing the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the inspector.
    Quit,
    /// Open the help overlay.
    Help,
    /// Close the help overlay.
    CloseHelp,
    /// Open the list of notices.
    Notices,
    /// Close the list of notices.
    CloseNotices,
    /// Dismiss the selected notice.
    Dismiss,
    /// Dismiss every notice.
    DismissAll,
    /// Focus the next pane.
    NextPane,
    /// Focus the previous pane.
    PrevPane,
    /// Back through visited logs.
    Back,
    /// Forward through visited logs.
    Forward,
    /// Focus the ID input.
    FocusInput,
    /// Fetch the shown record (or, in the Events view, its events) again.
    Refresh,
    /// Switch between the fields and the events timeline.
    ToggleEvents,
    /// Switch between the fields and the raw JSON.
    ToggleRaw,
    /// Turn live refresh on or off.
    ToggleLive,
    /// Hide or show the sidebar, to give the detail pane the room.
    ToggleSidebar,
    /// Copy the selected value (event, sidebar ID).
    CopyValue,
    /// Copy the log ID.
    CopyId,
    /// Copy the record as JSON.
    CopyJson,
    /// Open the whole call of the leg on screen (the Call view).
    OpenCall,
    /// Copy a ticket summary (or the timeline).
    CopySummary,
    /// Select the next row (or scroll down a line).
    Down,
    /// Select the previous row (or scroll up a line).
    Up,
    /// Select the first row.
    Top,
    /// Select the last row.
    Bottom,
    /// Scroll down a page.
    PageDown,
    /// Scroll up a page.
    PageUp,
    /// Open the selected link or lookup.
    Open,
    /// Unfold the selected event, or fold it when it is open.
    Unfold,
    /// Fold the selected event.
    Fold,
    /// Back to the fields view (from raw JSON or the events).
    ShowFields,
    /// Look up what the input holds.
    Submit,
    /// Leave the ID input for the detail pane.
    LeaveInput,
    /// Edit the text being typed (the input, the filter or a note).
    Edit(InputRequest),
    /// Start typing a filter over the sidebar.
    Filter,
    /// Keep the filter and go back to the rows.
    FilterDone,
    /// Clear the sidebar's filter.
    ClearFilter,
    /// Pin or unpin the selected lookup.
    Pin,
    /// Delete the selected lookup from the history.
    Delete,
    /// Bring back the last deleted lookup.
    Undo,
    /// Delete the lookup the confirmation asks about.
    ConfirmDelete,
    /// Keep the lookup the confirmation asks about.
    KeepEntry,
    /// Edit the selected lookup's note.
    Note,
    /// Save the note being typed.
    SaveNote,
    /// Leave the note unchanged.
    CancelNote,
    /// Sort the calls by the next order (time, duration, charge).
    CycleSort,
    /// Start typing a narrowing of the loaded calls.
    Narrow,
    /// Keep the narrowing and go back to the rows.
    NarrowDone,
    /// Clear the narrowing.
    ClearNarrow,
    /// Stop the running search (or, when none runs, clear the narrowing).
    StopScan,
    /// Show the last list of calls again.
    ReopenCalls,
    /// Follow the Calls view live (`f`), or stop following it.
    Follow,
    /// Open the profile picker.
    Profiles,
    /// Make the selected profile the session's.
    ChooseProfile,
    /// Close the profile picker unchanged.
    ClosePicker,
    /// Save the selected recording into the download directory.
    SaveRecording,
    /// Calls: one call a row, or one leg a row.
    SwitchView,
    /// Calls: marks the selected call for a ticket bundle, or unmarks it.
    Mark,
    /// Writes the last copy to a file.
    WriteCopy,
}
