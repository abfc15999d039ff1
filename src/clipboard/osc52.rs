//! OSC 52: copying through the terminal's escape sequence.

use std::io::Write;

use crossterm::clipboard::CopyToClipboard;

use super::{Clipboard, ClipboardError, Copied, Method};
use crate::text::sanitize_multiline;

/// OSC 52: the terminal puts the text on the clipboard of the machine it runs on, which is
/// what makes copying work over SSH. Whether it does is up to the terminal (many ask, some
/// refuse), so nothing confirms it.
pub struct Osc52<W> {
    out: W,
}

impl<W: Write + Send> Osc52<W> {
    /// Copies by writing to `out`, the terminal.
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// The writer back, for tests.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Clipboard for Osc52<W> {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        let text = sanitize_multiline(text);
        crossterm::execute!(
            self.out,
            CopyToClipboard::to_clipboard_from(text.as_bytes())
        )?;
        Ok(Copied {
            method: Method::Osc52,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_bytes_are_exactly_what_terminals_expect() {
        let mut osc = Osc52::new(Vec::new());
        let copied = osc.copy("+12065551212").unwrap();
        assert_eq!(copied.method, Method::Osc52);
        // ESC ] 52 ; c ; base64 ST, with ST = ESC \ (crossterm's terminator).
        assert_eq!(osc.into_inner(), b"\x1b]52;c;KzEyMDY1NTUxMjEy\x1b\\");
    }

    #[test]
    fn osc52_carries_multiline_text_sanitised() {
        let mut osc = Osc52::new(Vec::new());
        osc.copy("{\n\t\"from\": \"\u{1b}[2J\"\r\n}").unwrap();
        let bytes = osc.into_inner();
        let text = std::str::from_utf8(&bytes).unwrap();
        let payload = text
            .strip_prefix("\x1b]52;c;")
            .and_then(|t| t.strip_suffix("\x1b\\"))
            .unwrap();
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "{\n\t\"from\": \"\\u{1b}[2J\"\n}"
        );
    }
}
