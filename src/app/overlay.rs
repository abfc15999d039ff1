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
    /// Closes the overlay when it is the one `is` picks out.
    pub(super) fn close_overlay(&mut self, is: impl Fn(Overlay) -> bool) {
        if is(self.overlay) {
            self.overlay = Overlay::None;
        }
    }
}
