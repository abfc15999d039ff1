//! The status bar's hints: which actions each context offers there, with the keys that do them
//! written as the table binds them.

use super::{KeyContext, binding_for};
use crate::app::Action;

use KeyContext as X;

/// A status-bar hint: these actions, in these words.
pub type Hint = (&'static [Action], &'static str);

/// The status-bar hints of `top` that apply now, in order: `stop` only while a scan runs
/// (Esc then only clears a narrowing, which says so itself).
pub fn hints_now(top: KeyContext, scanning: bool) -> impl Iterator<Item = &'static Hint> {
    hints(top)
        .iter()
        .filter(move |(actions, _)| scanning || !actions.contains(&Action::StopScan))
}

/// The status-bar hints of `top`, in order. Each is shown only if its actions are bound.
pub fn hints(top: KeyContext) -> &'static [Hint] {
    use Action as A;
    const HELP_QUIT: [Hint; 2] = [(&[A::Help], "help"), (&[A::Quit], "quit")];
    match top {
        X::Input | X::EmptyInput => &[
            (&[A::Submit], "look up"),
            (&[A::LeaveInput], "leave input"),
            (&[A::NextPane], "next pane"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::Sidebar => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Open], "open"),
            (&[A::Filter], "filter"),
            (&[A::Pin], "pin"),
            (&[A::Delete], "delete"),
            (&[A::Note], "note"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::Filter => &[
            (&[A::FilterDone], "keep filter"),
            (&[A::ClearFilter], "clear filter"),
        ],
        X::Note => &[(&[A::SaveNote], "save note"), (&[A::CancelNote], "cancel")],
        X::Confirm => &[(&[A::ConfirmDelete], "delete"), (&[A::KeepEntry], "keep")],
        X::Raw => &[
            (&[A::Up, A::Down, A::PageUp, A::PageDown], "scroll"),
            (&[A::ToggleRaw], "close raw"),
            (&[A::Back, A::Forward], "back/fwd"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        // What fits 80 columns first: the copy keys (value, ID, JSON, ticket) and help.
        X::Fields => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Open], "open"),
            (&[A::ToggleEvents], "events"),
            (&[A::OpenCall], "whole call"),
            (
                &[A::CopyValue, A::CopyId, A::CopyJson, A::CopySummary],
                "copy",
            ),
            HELP_QUIT[0],
            HELP_QUIT[1],
            (&[A::Back, A::Forward], "back/fwd"),
            (&[A::Refresh], "refetch"),
            (&[A::ToggleRaw], "raw"),
            (&[A::Profiles], "profile"),
        ],
        X::Events => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Unfold], "unfold"),
            (&[A::Back, A::Forward], "back/fwd"),
            (&[A::Refresh], "refetch"),
            (&[A::ToggleEvents], "fields"),
            (&[A::CopyValue], "copy"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::Calls => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Open], "open"),
            (&[A::Unfold, A::Fold], "legs"),
            (&[A::Mark], "mark"),
            (&[A::CopySummary], "copy"),
            (&[A::SwitchView], "calls/legs"),
            (&[A::OpenCall], "tree"),
            (&[A::StopScan], "stop"),
            (&[A::CycleSort], "sort"),
            (&[A::Narrow], "narrow"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::CallsNarrow => &[
            (&[A::NarrowDone], "keep narrowing"),
            (&[A::ClearNarrow], "clear"),
        ],
        X::Call => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Open], "open/unfold"),
            (&[A::ToggleEvents], "timeline"),
            (&[A::CopySummary], "copy bundle"),
            (&[A::Back, A::Forward], "back/fwd"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::Help => &[
            (&[A::Up, A::Down, A::PageDown], "scroll"),
            (&[A::CloseHelp], "close help"),
        ],
        X::Notices => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Dismiss], "dismiss"),
            (&[A::WriteCopy], "write the copy"),
            (&[A::CloseNotices], "close"),
        ],
        X::Picker => &[
            (&[A::Up, A::Down], "select"),
            (&[A::ChooseProfile], "use"),
            (&[A::ClosePicker], "close"),
        ],
        X::Always | X::Anywhere | X::Panes => &[],
    }
}

/// The keys of a hint over `top` ("↑↓", "[ ]", "PgUp/PgDn"), or `None` when an action of it
/// is not bound there.
pub fn hint_keys(top: KeyContext, actions: &[Action]) -> Option<String> {
    let mut out = String::new();
    let mut last: Option<String> = None;
    for action in actions {
        let label = binding_for(top, *action)?.live_keys(top).next()?.label();
        if let Some(prev) = &last {
            let arrows = |s: &str| s.chars().all(|c| "↑↓←→".contains(c));
            if !(arrows(prev) && arrows(&label)) {
                out.push(if prev.chars().count() > 1 && label.chars().count() > 1 {
                    '/'
                } else {
                    ' '
                });
            }
        }
        out.push_str(&label);
        last = Some(label);
    }
    Some(out)
}

/// `actions` with the keys that do them over `context`, in `words`, e.g. "? help · q quit";
/// an action no key does there is left out, so the text is true wherever it is shown.
pub fn key_hints(context: KeyContext, actions: &[(Action, &str)]) -> String {
    let hints: Vec<String> = actions
        .iter()
        .filter_map(|(action, words)| Some(format!("{} {words}", hint_keys(context, &[*action])?)))
        .collect();
    hints.join(" · ")
}
