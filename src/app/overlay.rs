//! What is drawn over the panes: help, the list of notices, or the profile picker. One at a
//! time; while one is open it takes every key but Ctrl-C.

use super::App;
use super::spaces::Picker;

/// The overlay open over the panes, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    /// None: keys go to the focused pane.
    #[default]
    None,
    /// The help overlay.
    Help,
    /// The list of notices.
    Notices {
        /// The selected notice.
        selected: usize,
    },
    /// The profile picker.
    Picker(Picker),
}

impl Overlay {
    /// Whether the help overlay is open.
    pub fn is_help(self) -> bool {
        self == Overlay::Help
    }

    /// The selected notice, when the list of notices is open.
    pub fn notices(self) -> Option<usize> {
        match self {
            Overlay::Notices { selected } => Some(selected),
            _ => None,
        }
    }

    /// The picker, when it is open.
    pub fn picker(self) -> Option<Picker> {
        match self {
            Overlay::Picker(p) => Some(p),
            _ => None,
        }
    }
}

impl App {
    /// The lines the help overlay has, and how many of them fit on screen at once.
    pub fn help_lines(&self) -> (usize, usize) {
        let groups = super::bindings::help::groups(self.pane_context());
        let (_, rows) = super::bindings::help::split(&groups);
        // The overlay's frame takes two lines.
        (rows, usize::from(self.size.height).saturating_sub(2).max(1))
    }

    /// Scrolls the help overlay a line or a page, never past its end.
    pub(super) fn scroll_help(&mut self, action: super::Action) {
        use super::Action as A;
        let (rows, visible) = self.help_lines();
        let last = rows.saturating_sub(visible);
        self.help_scroll = match action {
            A::Down => self.help_scroll + 1,
            A::Up => self.help_scroll.saturating_sub(1),
            A::PageDown => self.help_scroll + visible,
            A::PageUp => self.help_scroll.saturating_sub(visible),
            _ => self.help_scroll,
        }
        .min(last);
    }

    /// Closes the overlay when it is the one `is` picks out.
    pub(super) fn close_overlay(&mut self, is: impl Fn(Overlay) -> bool) {
        if is(self.overlay) {
            self.overlay = Overlay::None;
        }
    }
}
