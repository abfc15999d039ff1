//! Reading a log ID out of whatever the user pasted.
//!
//! Users paste IDs from tickets, e-mails and Dashboard URLs, so surrounding whitespace, quotes,
//! `<>` and text around the ID are tolerated as long as exactly one UUID can be found in it.

use thiserror::Error;
use uuid::Uuid;

use crate::text::{sanitize, truncate_chars};

/// Why no single log ID could be read from the input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    /// Nothing but whitespace.
    #[error("no log ID given")]
    Empty,
    /// Text with no UUID in it.
    #[error("no log ID in \"{0}\": expected a UUID like 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11")]
    NotFound(String),
    /// More than one distinct UUID.
    #[error("{count} different IDs in \"{input}\": paste just one")]
    Ambiguous {
        /// How many distinct UUIDs were found.
        count: usize,
        /// The input, shortened and sanitised.
        input: String,
    },
}

const UUID_LEN: usize = 36;

/// Extracts the one log ID in `input`.
pub fn extract_id(input: &str) -> Result<Uuid, IdError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(IdError::Empty);
    }
    let found = find_uuids(trimmed);
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(IdError::NotFound(shown(trimmed))),
        many => Err(IdError::Ambiguous {
            count: many.len(),
            input: shown(trimmed),
        }),
    }
}

/// Every distinct hyphenated UUID in `s` that stands on its own (not inside a longer run of
/// hex digits), in order of first appearance.
pub fn find_uuids(s: &str) -> Vec<Uuid> {
    let bytes = s.as_bytes();
    let mut found: Vec<Uuid> = Vec::new();
    let mut i = 0;
    while i + UUID_LEN <= bytes.len() {
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_hexdigit();
        let after_ok = bytes
            .get(i + UUID_LEN)
            .is_none_or(|b| !b.is_ascii_hexdigit() && *b != b'-');
        let window = &bytes[i..i + UUID_LEN];
        if before_ok && after_ok && is_hyphenated_uuid(window) {
            // The window is ASCII, so this slice is on char boundaries.
            if let Some(u) = s.get(i..i + UUID_LEN).and_then(|w| Uuid::try_parse(w).ok()) {
                if !found.contains(&u) {
                    found.push(u);
                }
                i += UUID_LEN;
                continue;
            }
        }
        i += 1;
    }
    found
}

fn is_hyphenated_uuid(w: &[u8]) -> bool {
    w.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    })
}

fn shown(s: &str) -> String {
    sanitize(&truncate_chars(s, 60)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "b7182dc2-00f3-40e4-a5ce-20f164b329df";

    fn ok(input: &str) -> String {
        extract_id(input)
            .map(|u| u.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn plain_and_decorated_ids() {
        for input in [
            ID.to_owned(),
            format!("  {ID}\n"),
            format!("\"{ID}\""),
            format!("'{ID}'"),
            format!("<{ID}>"),
            format!("{{{ID}}}"),
            ID.to_uppercase(),
            format!("Voice Segment ID: {ID} (call dropped at 10:02)"),
            format!("https://acme.signalwire.com/logs/voices/{ID}?tab=events"),
            format!("{ID} and again {ID}"),
        ] {
            assert_eq!(ok(&input), ID, "input {input:?}");
        }
    }

    #[test]
    fn empty_input() {
        assert_eq!(extract_id("  \t"), Err(IdError::Empty));
    }

    #[test]
    fn malformed_ids_are_refused() {
        for input in [
            "b7182dc2-00f3-40e4-a5ce-20f164b329d",   // one short
            "b7182dc2-00f3-40e4-a5ce-20f164b329dff", // one long
            "b7182dc2-00f3-40e4-a5ce-20f164b329dg",  // not hex
            "b7182dc200f340e4a5ce20f164b329df",      // no hyphens
            "hello",
        ] {
            assert!(
                matches!(extract_id(input), Err(IdError::NotFound(_))),
                "{input}"
            );
        }
    }

    #[test]
    fn two_different_ids_are_ambiguous() {
        let input = format!("{ID} 4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a");
        assert!(matches!(
            extract_id(&input),
            Err(IdError::Ambiguous { count: 2, .. })
        ));
    }

    #[test]
    fn error_text_is_sanitised() {
        let e = extract_id("\u{1b}]0;pwned\u{7}").map(|_| ()).unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'));
    }

    #[test]
    fn non_ascii_around_an_id_is_fine() {
        assert_eq!(ok(&format!("→ «{ID}» ✓")), ID);
    }
}
