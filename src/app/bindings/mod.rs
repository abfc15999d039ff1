//! The one table of key bindings: which key does what in which context, in words. Keys
//! resolve to actions through it, and the help overlay and the status-bar hints are rendered
//! from it, so what the screen says a key does is what it does.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

pub mod help;
mod hints;
mod table;

pub use hints::{Hint, hint_keys, hints, hints_now, key_hints};
pub use table::BINDINGS;

use KeyContext as X;

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

#[cfg(test)]
mod tests {
    use super::*;
    use tui_input::InputRequest;

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
    fn esc_stop_is_hinted_only_while_a_scan_runs() {
        let stops = |scanning| {
            hints_now(X::Calls, scanning).any(|(actions, _)| actions.contains(&Action::StopScan))
        };
        assert!(stops(true));
        assert!(!stops(false), "after the scan, Esc stops nothing");
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
