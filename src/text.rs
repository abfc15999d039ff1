//! Making untrusted strings safe to put on a terminal or a clipboard.
//!
//! Strings from the server are data, not terminal commands: an ESC, another C0 or C1 control
//! character, or a bidi override in a `from` field must never reach the terminal raw (see
//! kubectl's CVE-2021-25743). They are shown as `\u{1b}`-style escapes instead.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must be escaped before it reaches a terminal.
///
/// Control characters (C0, DEL, C1), the Unicode bidi controls, which can reorder what a
/// reader sees ("Trojan Source"), and the invisible characters that make two strings look alike
/// (a zero-width space inside a phone number) or break a line where none shows, are escaped.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Arabic letter mark, Mongolian vowel separator.
            '\u{061c}' | '\u{180e}'
            // Zero-width space, non-joiner and joiner, left-to-right and right-to-left marks.
            | '\u{200b}'..='\u{200f}'
            // Line and paragraph separators, and the bidi embeddings and overrides.
            | '\u{2028}'..='\u{202e}'
            // Word joiner, invisible operators, bidi isolates.
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
            // Byte-order mark (zero-width no-break space).
            | '\u{feff}'
        )
}

/// Returns `s` with every control character written as a visible `\u{..}` escape.
///
/// Borrows when there is nothing to escape, which is the common case.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(must_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if must_escape(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Makes serialised JSON safe for a terminal without changing the value it decodes to.
///
/// serde_json escapes C0 controls inside strings but writes DEL, C1 (e.g. CSI, 0x9b) and bidi
/// controls raw. Those are never structural JSON, so each becomes a `\uXXXX` escape, which
/// decodes to the same character.
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    let raw = |c: char| must_escape(c) && u32::from(c) >= 0x7f;
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if raw(c) {
            // Every such character is in the Basic Multilingual Plane: one escape suffices.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer that passes JSON on as [`json_for_terminal`] prints it, a piece at a time, for JSON
/// written as it is made. A character cut between two writes waits for its other bytes.
pub struct JsonForTerminal<'a> {
    out: &'a mut dyn std::io::Write,
    carry: Vec<u8>,
}

impl<'a> JsonForTerminal<'a> {
    /// Writes to `out`.
    pub fn new(out: &'a mut dyn std::io::Write) -> Self {
        Self {
            out,
            carry: Vec::new(),
        }
    }
}

impl std::io::Write for JsonForTerminal<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.carry.extend_from_slice(buf);
        let whole = match std::str::from_utf8(&self.carry) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.carry[..whole]).unwrap_or_default();
        self.out.write_all(json_for_terminal(text).as_bytes())?;
        self.carry.drain(..whole);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Like [`sanitize`], but keeps the line breaks and tabs of multi-line text (pretty JSON, a
/// ticket summary), so that it can be copied or shown as lines. `\r\n` becomes `\n`; a lone
/// `\r`, which would let a line overwrite itself on a terminal, is escaped like the rest.
pub fn sanitize_multiline(s: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t';
    if !s.chars().any(|c| must_escape(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if keep(c) || !must_escape(c) {
            out.push(c);
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Shortens `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate_chars(s: &str, max: usize) -> Cow<'_, str> {
    if s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    let keep: String = s.chars().take(max.saturating_sub(1)).collect();
    Cow::Owned(format!("{keep}…"))
}

/// A short, sanitised, single-line excerpt of a response body for an error message.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    sanitize(&truncate_chars(&collapsed, 80)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            sanitize("+15551234567"),
            Cow::Borrowed("+15551234567")
        ));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(sanitize("bell\u{7}"), "bell\\u{7}");
        assert_eq!(sanitize("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(sanitize("line\nbreak\ttab"), "line\\u{a}break\\u{9}tab");
        assert_eq!(sanitize("del\u{7f}"), "del\\u{7f}");
    }

    #[test]
    fn multiline_keeps_newlines_and_tabs_only() {
        let json = "{\n\t\"from\": \"+1\"\n}";
        assert!(matches!(sanitize_multiline(json), Cow::Borrowed(_)));
        assert_eq!(
            sanitize_multiline("a\u{1b}[2J\r\nb\rc\td\u{7}\u{9b}\u{202e}\n"),
            "a\\u{1b}[2J\nb\\u{d}c\td\\u{7}\\u{9b}\\u{202e}\n"
        );
        let out = sanitize_multiline("x\u{1b}]52;c;aGk=\u{7}\ny");
        assert!(
            out.chars()
                .all(|c| c == '\n' || c == '\t' || !c.is_control())
        );
        assert_eq!(out.lines().count(), 2);
    }

    #[test]
    fn bidi_overrides_become_visible() {
        assert_eq!(sanitize("\u{202e}evil"), "\\u{202e}evil");
    }

    #[test]
    fn invisible_and_line_breaking_characters_become_visible() {
        for c in [
            '\u{061c}', '\u{200b}', '\u{200d}', '\u{feff}', '\u{2028}', '\u{2029}',
        ] {
            let s = format!("+1555{c}0100");
            let shown = sanitize(&s);
            assert_eq!(shown, format!("+1555\\u{{{:x}}}0100", c as u32));
            assert!(!sanitize_multiline(&s).contains(c));
            let json = serde_json::to_string(&s).unwrap();
            let safe = json_for_terminal(&json);
            assert!(!safe.contains(c), "{safe}");
            assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), s);
        }
    }

    #[test]
    fn unicode_text_is_kept() {
        assert_eq!(sanitize("Zoë → 東京"), "Zoë → 東京");
    }

    #[test]
    fn excerpt_is_short_single_line_and_safe() {
        let body = format!(
            "<html>\n<body>\u{1b}]52;c;evil\u{7}{}</body>",
            "x".repeat(500)
        );
        let e = excerpt(body.as_bytes());
        assert!(e.chars().count() <= 100, "{e}");
        assert!(!e.contains('\u{1b}'));
        assert!(e.starts_with("<html> <body>\\u{1b}]52"));
        assert!(e.ends_with('…'));
    }

    #[test]
    fn json_for_terminal_escapes_what_serde_json_leaves_raw() {
        let value = serde_json::json!({"k\u{9b}": "a\u{1b}b\u{7f}c\u{202e}d\u{85}", "n": [1]});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_for_terminal(&pretty);
        assert!(!safe.chars().any(|c| c.is_control() && c != '\n'), "{safe}");
        assert!(safe.contains(r#""k\u009b""#), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        assert!(matches!(
            json_for_terminal("{\n  \"a\": 1\n}"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn truncate_keeps_short_strings() {
        assert_eq!(truncate_chars("abc", 3), "abc");
        assert_eq!(truncate_chars("abcd", 3), "ab…");
    }
}
