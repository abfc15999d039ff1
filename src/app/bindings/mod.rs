//! The one table of key bindings: which key does what in which context, in words. Keys
//! resolve to actions through it, and the help overlay and the status-bar hints are rendered
//! from it, so what the screen says a key does is what it does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

use super::Action;

/// Where a binding applies. A screen state is a stack of contexts ([`stack`]): the first
/// binding of a key in the stack wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyContext {
    /// Everywhere, even while typing.
    Always,
    /// Every pane (not while typing a filter or note, not in an overlay).
    Anywhere,
    /// The ID input.
    Input,
    /// The ID input while it is empty: keys that would type the first character of nothing
    /// useful (`?`) act instead.
    EmptyInput,
    /// Every pane but the input.
    Panes,
    /// The sidebar, moving through the rows.
    Sidebar,
    /// The sidebar, typing the filter.
    Filter,
    /// The sidebar, typing a note.
    Note,
    /// The sidebar, asking whether to delete a pinned or noted entry.
    Confirm,
    /// The detail pane's fields.
    Fields,
    /// The list of calls a search found.
    Calls,
    /// The list of calls, typing a narrowing.
    CallsNarrow,
    /// The detail pane's raw JSON.
    Raw,
    /// The detail pane's events timeline.
    Events,
    /// The whole call (the Call view).
    Call,
    /// The help overlay.
    Help,
    /// The list of notices.
    Notices,
    /// The profile picker.
    Picker,
}

impl KeyContext {
    /// The context's heading in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            KeyContext::Always | KeyContext::Anywhere => "Anywhere",
            KeyContext::Input | KeyContext::EmptyInput => "ID input",
            KeyContext::Panes => "Sidebar and detail",
            KeyContext::Sidebar => "Sidebar",
            KeyContext::Filter => "Sidebar filter",
            KeyContext::Note => "Sidebar note",
            KeyContext::Confirm => "Delete?",
            KeyContext::Fields => "Detail",
            KeyContext::Calls => "Calls",
            KeyContext::CallsNarrow => "Calls narrowing",
            KeyContext::Raw => "Raw JSON",
            KeyContext::Events => "Events timeline",
            KeyContext::Call => "Whole call",
            KeyContext::Help => "Help",
            KeyContext::Notices => "Notices",
            KeyContext::Picker => "Profiles",
        }
    }

    /// Where unbound keys go: into the text being typed, or (help) closing it.
    fn fallback(self, key: KeyEvent) -> Option<Action> {
        match self {
            KeyContext::Input
            | KeyContext::EmptyInput
            | KeyContext::Filter
            | KeyContext::Note
            | KeyContext::CallsNarrow => {
                tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
                    .map(Action::Edit)
            }
            KeyContext::Help => Some(Action::CloseHelp),
            _ => None,
        }
    }
}

/// A key with the modifiers that matter (Ctrl, Alt; Shift is in the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl and Alt.
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    const fn ctrl(code: KeyCode) -> Self {
        Self {
            code,
            mods: KeyModifiers::CONTROL,
        }
    }

    const fn alt(code: KeyCode) -> Self {
        Self {
            code,
            mods: KeyModifiers::ALT,
        }
    }

    /// Whether `event` is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mods = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        event.code == self.code && mods == self.mods
    }

    /// The key as the help writes it.
    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Delete => "Del".to_owned(),
            KeyCode::F(n) => format!("F{n}"),
            other => other.to_string(),
        };
        let mut label = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        label + &name
    }
}

/// One binding: in `context`, `keys` do `action`, described by `words`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    /// Where it applies.
    pub context: KeyContext,
    /// The keys, the one hints show first.
    pub keys: &'static [Key],
    /// What they do.
    pub action: Action,
    /// What they do, in the help's words.
    pub words: &'static str,
}

impl Binding {
    /// The keys that reach this binding over `top`: a key an earlier context binds otherwise
    /// is not listed, so help and hints never name a key that does something else there.
    pub fn live_keys(&'static self, top: KeyContext) -> impl Iterator<Item = Key> {
        self.keys.iter().copied().filter(move |k| {
            let event = KeyEvent::new(k.code, k.mods);
            in_effect(top)
                .find(|b| b.keys.iter().any(|k| k.matches(&event)))
                .is_some_and(|b| b == self)
        })
    }

    /// The keys that reach this binding over `top`, as the help writes them; empty when none.
    pub fn label(&'static self, top: KeyContext) -> String {
        let labels: Vec<String> = self.live_keys(top).map(|k| k.label()).collect();
        labels.join(", ")
    }
}

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
    b(X::Calls, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first call"),
    b(X::Calls, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last call"),
    b(X::Calls, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "page down"),
    b(X::Calls, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Calls, &[Key::plain(C::Enter)], Action::Open, "open the call"),
    b(X::Calls, &[Key::ch('o')], Action::CycleSort, "sort: time, length, cost"),
    b(X::Calls, &[Key::ch('/')], Action::Narrow, "narrow the loaded calls"),
    b(X::Calls, &[Key::plain(C::Esc)], Action::StopScan, "stop the scan, clear /"),
    b(X::CallsNarrow, &[Key::plain(C::Enter), Key::plain(C::Down), Key::plain(C::Up)], Action::NarrowDone, "keep the narrowing"),
    b(X::CallsNarrow, &[Key::plain(C::Esc)], Action::ClearNarrow, "clear the narrowing"),
    b(X::Fields, &[Key::ch('t')], Action::OpenCall, "the whole call"),
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
    b(X::Call, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next leg"),
    b(X::Call, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous leg"),
    b(X::Call, &[Key::plain(C::Home), Key::ch('g')], Action::Top, "first leg"),
    b(X::Call, &[Key::plain(C::End), Key::ch('G')], Action::Bottom, "last leg"),
    b(X::Call, &[Key::plain(C::PageDown), Key::ch(' ')], Action::PageDown, "page down (the timeline)"),
    b(X::Call, &[Key::plain(C::PageUp)], Action::PageUp, "page up"),
    b(X::Call, &[Key::plain(C::Enter)], Action::Open, "open the leg"),
    // Every pane but the input.
    b(X::Panes, &[Key::ch('[')], Action::Back, "back"),
    b(X::Panes, &[Key::ch(']')], Action::Forward, "forward"),
    b(X::Panes, &[Key::ch('r')], Action::Refresh, "fetch again"),
    b(X::Panes, &[Key::ch('e')], Action::ToggleEvents, "events timeline"),
    b(X::Panes, &[Key::ch('v')], Action::ToggleRaw, "raw JSON"),
    b(X::Panes, &[Key::ch('l')], Action::ToggleLive, "live refresh on/off"),
    b(X::Panes, &[Key::ch('y')], Action::CopyValue, "copy value / event"),
    b(X::Panes, &[Key::ch('c')], Action::CopyId, "copy the log ID"),
    b(X::Panes, &[Key::ch('Y')], Action::CopyJson, "copy record as JSON"),
    b(X::Panes, &[Key::ch('s')], Action::CopySummary, "copy summary / timeline"),
    b(X::Panes, &[Key::ch('i'), Key::ch('/')], Action::FocusInput, "go to the input"),
    b(X::Panes, &[Key::ch('m')], Action::Notices, "all notices"),
    b(X::Panes, &[Key::ch('L')], Action::ReopenCalls, "the last list of calls"),
    b(X::Panes, &[Key::ch('P')], Action::Profiles, "switch profile"),
    b(X::Panes, &[Key::ch('?')], Action::Help, "this help"),
    b(X::Panes, &[Key::ch('q')], Action::Quit, "quit"),
    // The overlays.
    b(X::Help, &[Key::plain(C::Esc)], Action::CloseHelp, "close (any key does)"),
    b(X::Notices, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next notice"),
    b(X::Notices, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous notice"),
    b(X::Notices, &[Key::ch('d'), Key::plain(C::Delete)], Action::Dismiss, "dismiss"),
    b(X::Notices, &[Key::ch('D')], Action::DismissAll, "dismiss all"),
    b(X::Notices, &[Key::plain(C::Esc), Key::ch('m'), Key::ch('q')], Action::CloseNotices, "close"),
    b(X::Picker, &[Key::plain(C::Down), Key::ch('j')], Action::Down, "next profile"),
    b(X::Picker, &[Key::plain(C::Up), Key::ch('k')], Action::Up, "previous profile"),
    b(X::Picker, &[Key::plain(C::Enter)], Action::ChooseProfile, "use it for new lookups"),
    b(X::Picker, &[Key::plain(C::Esc), Key::ch('P'), Key::ch('q')], Action::ClosePicker, "close"),
];

/// The contexts in effect over `top`, first match first.
pub fn stack(top: KeyContext) -> &'static [KeyContext] {
    match top {
        X::Input => &[X::Input, X::Anywhere, X::Always],
        X::EmptyInput => &[X::EmptyInput, X::Input, X::Anywhere, X::Always],
        X::Sidebar => &[X::Sidebar, X::Panes, X::Anywhere, X::Always],
        X::Fields => &[X::Fields, X::Panes, X::Anywhere, X::Always],
        X::Calls => &[X::Calls, X::Panes, X::Anywhere, X::Always],
        X::CallsNarrow => &[X::CallsNarrow, X::Always],
        X::Raw => &[X::Raw, X::Panes, X::Anywhere, X::Always],
        X::Events => &[X::Events, X::Panes, X::Anywhere, X::Always],
        X::Call => &[X::Call, X::Panes, X::Anywhere, X::Always],
        // Typing and overlays take every key but Ctrl-C.
        X::Filter => &[X::Filter, X::Always],
        X::Note => &[X::Note, X::Always],
        X::Confirm => &[X::Confirm, X::Always],
        X::Help => &[X::Help, X::Always],
        X::Notices => &[X::Notices, X::Always],
        X::Picker => &[X::Picker, X::Always],
        X::Always => &[X::Always],
        X::Anywhere => &[X::Anywhere, X::Always],
        X::Panes => &[X::Panes, X::Anywhere, X::Always],
    }
}

/// The bindings in effect over `top`, first match first.
pub fn in_effect(top: KeyContext) -> impl Iterator<Item = &'static Binding> {
    stack(top)
        .iter()
        .flat_map(|c| BINDINGS.iter().filter(move |b| b.context == *c))
}

/// What `key` does over `top`.
pub fn resolve(top: KeyContext, key: &KeyEvent) -> Option<Action> {
    in_effect(top)
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action)
        .or_else(|| top.fallback(*key))
}

/// The first binding of `action` over `top` that a key reaches: the key a hint names.
pub fn binding_for(top: KeyContext, action: Action) -> Option<&'static Binding> {
    in_effect(top).find(|b| b.action == action && b.live_keys(top).next().is_some())
}

/// A status-bar hint: these actions, in these words.
type Hint = (&'static [Action], &'static str);

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
        X::Fields => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Open], "open link"),
            (&[A::Back, A::Forward], "back/fwd"),
            (&[A::Refresh], "refetch"),
            (&[A::ToggleEvents], "events"),
            (&[A::OpenCall], "whole call"),
            (&[A::ToggleRaw], "raw"),
            (&[A::CopyValue], "copy"),
            (&[A::Profiles], "profile"),
            HELP_QUIT[0],
            HELP_QUIT[1],
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
            (&[A::Open], "open leg"),
            (&[A::ToggleEvents], "timeline"),
            (&[A::CopySummary], "copy bundle"),
            (&[A::Back, A::Forward], "back/fwd"),
            HELP_QUIT[0],
            HELP_QUIT[1],
        ],
        X::Help => &[(&[A::CloseHelp], "close help")],
        X::Notices => &[
            (&[A::Up, A::Down], "select"),
            (&[A::Dismiss], "dismiss"),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every context a screen can be in.
    pub(crate) const SCREENS: [KeyContext; 15] = [
        X::Picker,
        X::Calls,
        X::CallsNarrow,
        X::Confirm,
        X::Input,
        X::EmptyInput,
        X::Sidebar,
        X::Filter,
        X::Note,
        X::Fields,
        X::Raw,
        X::Events,
        X::Call,
        X::Help,
        X::Notices,
    ];

    #[test]
    fn every_hint_names_a_key_that_does_it_there() {
        for top in SCREENS {
            for (actions, what) in hints(top) {
                assert!(
                    hint_keys(top, actions).is_some(),
                    "{top:?}: hint `{what}` names an action no key does there"
                );
                for action in *actions {
                    let key = binding_for(top, *action)
                        .and_then(|b| b.live_keys(top).next())
                        .unwrap_or_else(|| panic!("{top:?}: {action:?} unbound"));
                    let event = KeyEvent::new(key.code, key.mods);
                    assert_eq!(resolve(top, &event), Some(*action), "{top:?}: {what}");
                }
            }
        }
    }

    #[test]
    fn every_binding_is_reached_by_a_key() {
        for top in SCREENS {
            for b in in_effect(top) {
                assert!(
                    b.live_keys(top).next().is_some(),
                    "{top:?}: `{}` is shadowed by other bindings",
                    b.words
                );
            }
        }
    }

    #[test]
    fn the_events_view_says_what_enter_does_there() {
        let keys = |top, action| hint_keys(top, &[action]);
        assert_eq!(keys(X::Events, Action::Open), None, "no link to open");
        assert_eq!(keys(X::Events, Action::Unfold).as_deref(), Some("Enter"));
        assert_eq!(keys(X::Fields, Action::Open).as_deref(), Some("Enter"));
        let pgdn = KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE);
        assert_eq!(resolve(X::Events, &pgdn), Some(Action::PageDown));
    }

    #[test]
    fn keys_resolve_by_context() {
        let ev = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(resolve(X::Sidebar, &ev('/')), Some(Action::Filter));
        assert_eq!(resolve(X::Fields, &ev('/')), Some(Action::FocusInput));
        assert_eq!(
            resolve(X::Input, &ev('q')),
            Some(Action::Edit(InputRequest::InsertChar('q')))
        );
        assert_eq!(
            resolve(X::EmptyInput, &ev('q')),
            Some(Action::Edit(InputRequest::InsertChar('q')))
        );
        assert_eq!(resolve(X::EmptyInput, &ev('?')), Some(Action::Help));
        assert_eq!(
            resolve(X::Input, &ev('?')),
            Some(Action::Edit(InputRequest::InsertChar('?')))
        );
        assert_eq!(resolve(X::Help, &ev('x')), Some(Action::CloseHelp));
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for top in SCREENS {
            assert_eq!(resolve(top, &ctrl_c), Some(Action::Quit), "{top:?}");
        }
        assert_eq!(
            hint_keys(
                X::Raw,
                &[Action::Up, Action::Down, Action::PageUp, Action::PageDown]
            )
            .as_deref(),
            Some("↑↓ PgUp/PgDn")
        );
        assert_eq!(
            hint_keys(X::Fields, &[Action::Back, Action::Forward]).as_deref(),
            Some("[ ]")
        );
    }
}
