//! Copying text, locally and over SSH: the system clipboard (arboard), OSC 52 through the
//! terminal, or tmux's paste buffer, behind one small trait so that the UI and its tests do not
//! care which.
//!
//! Everything copied is sanitised first ([`sanitize_multiline`]): a record's strings are data,
//! and an escape sequence in a `from` field must not reach the terminal that pastes it. swlog
//! only ever writes the clipboard; it never asks the terminal for its contents.
//!
//! On X11 and Wayland a clipboard's contents belong to the program that set them and vanish
//! when it exits. swlog keeps one system clipboard handle for its whole run, so copies are
//! pasteable while it runs; [`Clipboard::keep_after_exit`] hands the last copy to a small
//! background process of swlog's own (see [`KEEPER_ARG`]) so that it outlives swlog.

mod choice;
mod osc52;
#[cfg(any(test, feature = "test-support"))]
mod recording;
mod system;
mod tmux;

use std::io;
use std::path::Path;

use serde::Deserialize;

use crate::text::sanitize;

pub use choice::{Opened, decide, open};
pub use osc52::Osc52;
#[cfg(any(test, feature = "test-support"))]
pub use recording::Recording;
pub use system::{KEEPER_ARG, SystemClipboard, run_keeper};
pub use tmux::Tmux;

/// Which clipboard the user asked for (`clipboard = "..."` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardChoice {
    /// tmux inside tmux, OSC 52 over SSH or without a display, else the system clipboard.
    #[default]
    Auto,
    /// The system clipboard, falling back to OSC 52 when it cannot be opened.
    System,
    /// OSC 52 through the terminal.
    Osc52,
    /// tmux's paste buffer (`tmux load-buffer -w -`).
    Tmux,
}

/// How a copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The system clipboard.
    System,
    /// An OSC 52 escape sequence written to the terminal.
    Osc52,
    /// tmux's paste buffer (and, with tmux's `set-clipboard`, the outer terminal's clipboard).
    Tmux,
}

impl Method {
    /// The method in words, e.g. "the system clipboard".
    pub fn label(self) -> &'static str {
        match self {
            Method::System => "the system clipboard",
            Method::Osc52 => "OSC 52",
            Method::Tmux => "tmux's buffer",
        }
    }
}

/// A copy that was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// How.
    pub method: Method,
}

impl Copied {
    /// The status-bar message for copying `what` (e.g. "`to`"), saying what the user can
    /// expect: OSC 52 cannot know whether the terminal took it.
    pub fn message(&self, what: &str) -> String {
        let what = sanitize(what);
        match self.method {
            Method::System => format!("Copied {what} to the system clipboard"),
            Method::Osc52 => format!("Sent {what} via OSC 52 — your terminal must allow it"),
            Method::Tmux => format!("Sent {what} to tmux's buffer"),
        }
    }
}

/// Why a copy failed.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// arboard could not open or set the system clipboard.
    #[error("System clipboard unavailable: {0}")]
    System(String),
    /// The OSC 52 sequence could not be written to the terminal.
    #[error("Could not write to the terminal: {0}")]
    Terminal(#[from] io::Error),
    /// tmux could not be run.
    #[error("Could not run tmux: {0}")]
    TmuxMissing(String),
    /// tmux refused the buffer.
    #[error("tmux refused the buffer: {0}")]
    Tmux(String),
    /// The background keeper did not take the clipboard over.
    #[error("Could not keep the clipboard after exit: {0}")]
    Keeper(String),
}

/// Somewhere text can be copied to.
pub trait Clipboard: Send {
    /// Copies `text`, sanitised, keeping its line breaks.
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError>;

    /// Makes the last copy outlive swlog where that needs work (the system clipboard on X11 and
    /// Wayland; see [`SystemClipboard`]'s implementation). Call once, just before exiting, with
    /// `exe` = `std::env::current_exe()`. Does nothing for the other backends.
    fn keep_after_exit(&mut self, exe: &Path) -> Result<(), ClipboardError> {
        let _ = exe;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_reads_from_config() {
        #[derive(Deserialize)]
        struct Config {
            clipboard: ClipboardChoice,
        }
        let read = |s: &str| toml::from_str::<Config>(s).map(|c| c.clipboard);
        assert_eq!(read("clipboard = \"auto\"").unwrap(), ClipboardChoice::Auto);
        assert_eq!(
            read("clipboard = \"system\"").unwrap(),
            ClipboardChoice::System
        );
        assert_eq!(
            read("clipboard = \"osc52\"").unwrap(),
            ClipboardChoice::Osc52
        );
        assert_eq!(read("clipboard = \"tmux\"").unwrap(), ClipboardChoice::Tmux);
        assert!(read("clipboard = \"xclip\"").is_err());
        assert_eq!(ClipboardChoice::default(), ClipboardChoice::Auto);
    }

    #[test]
    fn messages_say_how_it_was_copied() {
        let m = |method| Copied { method }.message("`to`");
        assert_eq!(m(Method::System), "Copied `to` to the system clipboard");
        assert_eq!(
            m(Method::Osc52),
            "Sent `to` via OSC 52 — your terminal must allow it"
        );
        assert_eq!(m(Method::Tmux), "Sent `to` to tmux's buffer");
        assert_eq!(Method::Tmux.label(), "tmux's buffer");
    }
}
