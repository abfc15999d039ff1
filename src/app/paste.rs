//! Pasting into the input: a pasted log ID replaces what is there; other text is inserted on
//! one line, cut to what the input holds.

use tui_input::Input;

use super::notices::{Notice, Scope};
use super::{App, Focus, MAX_INPUT};
use crate::api::id::find_uuids;

impl App {
    pub(super) fn on_paste(&mut self, text: &str) {
        self.focus = Focus::Input;
        let ids = find_uuids(text);
        if let [one] = ids.as_slice() {
            self.input = Input::new(one.to_string());
            return;
        }
        // No single ID: insert the text as typed, on one line, without control characters, in
        // one edit (one character at a time cost time growing with the square of the length).
        let value = self.input.value();
        let at = value
            .char_indices()
            .nth(self.input.cursor())
            .map_or(value.len(), |(i, _)| i);
        let (before, after) = value.split_at(at);
        let kept = before.chars().count() + after.chars().count();
        let room = MAX_INPUT.saturating_sub(kept);
        let clean = paste_words(text);
        let pasted: String = clean.iter().take(room).collect();
        let cursor = before.chars().count() + pasted.chars().count();
        let new = format!("{before}{pasted}{after}");
        self.input = Input::new(new).with_cursor(cursor);
        if clean.len() > room {
            self.notify(Notice::warn(
                Scope::Action,
                format!(
                    "The paste was cut to the input's {MAX_INPUT} characters: it holds one log ID or a search"
                ),
            ));
        }
    }
}

/// A paste's characters on one line: line breaks and tabs become one space between words
/// (a run of them, one space), other control characters are dropped.
fn paste_words(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            gap = true;
        } else if !c.is_control() {
            if std::mem::take(&mut gap) && out.last().is_some_and(|l| *l != ' ') && c != ' ' {
                out.push(' ');
            }
            out.push(c);
        }
    }
    out
}
