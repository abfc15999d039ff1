//! A clipboard that records, for tests. Built only for the crate's own tests and with the
//! `test-support` feature (which the integration tests enable through a dev-dependency of the
//! crate on itself): it is not part of the public API.

use std::sync::{Arc, Mutex, PoisonError};

use super::{Clipboard, ClipboardError, Copied, Method};
use crate::text::sanitize_multiline;

/// A test double that records what would have been copied (sanitised, as a real clipboard
/// would receive it). Clones share one record, so a test keeps a clone while the inspector
/// owns the other.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    copies: Vec<String>,
    method: Method,
    fail: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            copies: Vec::new(),
            method: Method::System,
            fail: None,
        }
    }
}

impl Recording {
    /// A recorder that reports copies to the system clipboard.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Every copy so far, oldest first.
    pub fn copies(&self) -> Vec<String> {
        self.with(|s| s.copies.clone())
    }

    /// Reports later copies as made by `method`.
    pub fn set_method(&self, method: Method) {
        self.with(|s| s.method = method);
    }

    /// Makes every later copy fail with `why` (or succeed again with `None`).
    pub fn fail_with(&self, why: Option<String>) {
        self.with(|s| s.fail = why);
    }
}

impl Clipboard for Recording {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        self.with(|s| {
            if let Some(why) = &s.fail {
                return Err(ClipboardError::System(why.clone()));
            }
            s.copies.push(sanitize_multiline(text).into_owned());
            Ok(Copied { method: s.method })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recording_double_keeps_sanitised_copies() {
        let mut rec = Recording::new();
        let seen = rec.clone();
        rec.copy("a\u{1b}[31m\nb").unwrap();
        rec.set_method(Method::Tmux);
        assert_eq!(rec.copy("c").unwrap().method, Method::Tmux);
        assert_eq!(seen.copies(), ["a\\u{1b}[31m\nb", "c"]);
        rec.fail_with(Some("nope".into()));
        assert!(rec.copy("d").is_err());
    }
}
