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
    /// The start of an ID, cut short (a copy that missed a character).
    #[error("\"{0}\" is not a complete ID: {1} of its 36 characters")]
    Incomplete(String, usize),
    /// A short ID that starts no known ID.
    #[error("no log in the history or the index starts with {0}: give the whole ID")]
    ShortUnknown(String),
    /// A short ID (an ID's first 8 characters) that starts more than one known ID.
    #[error("{short} starts {} IDs in the history and the index: {}; paste the whole one", .candidates.len(), list(.candidates))]
    ShortAmbiguous {
        /// The short ID.
        short: String,
        /// The IDs it starts, at most [`MAX_CANDIDATES`] of them.
        candidates: Vec<Uuid>,
    },
}

/// How many of the IDs an ambiguous short ID starts are named.
pub const MAX_CANDIDATES: usize = 5;

fn list(ids: &[Uuid]) -> String {
    ids.iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
        [] if is_cut_id(trimmed) => Err(IdError::Incomplete(shown(trimmed), trimmed.len())),
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

/// Whether `s` is the start of a hyphenated ID cut short: past its first hyphen (a short ID
/// alone is [`short_id`]'s), and one word.
fn is_cut_id(s: &str) -> bool {
    let b = s.as_bytes();
    (SHORT_ID + 2..UUID_LEN).contains(&b.len()) && is_uuid_prefix(b)
}

fn is_uuid_prefix(w: &[u8]) -> bool {
    w.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    })
}

/// A short ID: a log ID's first 8 characters, as swlog prints them where room is tight.
const SHORT_ID: usize = 8;

/// The short ID `input` is, lower-cased: 8 hex digits and nothing else.
pub fn short_id(input: &str) -> Option<String> {
    let t = input.trim();
    (t.len() == SHORT_ID && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| t.to_ascii_lowercase())
}

/// Somewhere short IDs are looked for: the history's lookups, and the local index's rows.
pub trait KnownIds {
    /// The known IDs whose text starts with `short` (lower-case hex), at most `max` of them.
    fn starting_with(&self, short: &str, max: usize) -> Vec<Uuid>;
}

/// The one known ID `short` (see [`short_id`]) starts, asking each of `sources`: `Ok(None)` when
/// none does (the text is then something else: a search), an error listing them when several do.
pub fn resolve_short(short: &str, sources: &[&dyn KnownIds]) -> Result<Option<Uuid>, IdError> {
    let mut found: Vec<Uuid> = Vec::new();
    for source in sources {
        for id in source.starting_with(short, MAX_CANDIDATES + 1) {
            if !found.contains(&id) {
                found.push(id);
            }
        }
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => {
            found.truncate(MAX_CANDIDATES);
            Err(IdError::ShortAmbiguous {
                short: short.to_owned(),
                candidates: found,
            })
        }
    }
}

fn is_hyphenated_uuid(w: &[u8]) -> bool {
    w.len() == UUID_LEN && is_uuid_prefix(w)
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
        assert_eq!(
            extract_id("b7182dc2-00f3-40e4-a5ce-20f164b329d"),
            Err(IdError::Incomplete(
                "b7182dc2-00f3-40e4-a5ce-20f164b329d".into(),
                35
            )),
            "one short is not a complete ID"
        );
        assert!(
            extract_id("b7182dc2-00f3-40e4-a5ce-20f164b329d")
                .unwrap_err()
                .to_string()
                .contains("is not a complete ID"),
        );
        for input in [
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

    struct Known(Vec<&'static str>);

    impl KnownIds for Known {
        fn starting_with(&self, short: &str, max: usize) -> Vec<Uuid> {
            self.0
                .iter()
                .filter(|id| id.starts_with(short))
                .take(max)
                .filter_map(|id| Uuid::try_parse(id).ok())
                .collect()
        }
    }

    #[test]
    fn a_short_id_names_the_one_known_id_it_starts() {
        assert_eq!(short_id(" B7182DC2 ").as_deref(), Some("b7182dc2"));
        assert_eq!(short_id("b7182dc"), None);
        assert_eq!(short_id("b7182dcz"), None);
        let history = Known(vec![ID, "4c1e0f7a-1b2c-4d3e-8f9a-0b1c2d3e4f5a"]);
        let index = Known(vec![ID, "4c1e0f7a-0000-4d3e-8f9a-0b1c2d3e4f5a"]);
        assert_eq!(
            resolve_short("b7182dc2", &[&history, &index]),
            Ok(Some(Uuid::try_parse(ID).unwrap())),
            "the same ID from two sources is one"
        );
        assert_eq!(resolve_short("00000000", &[&history]), Ok(None));
        let Err(e) = resolve_short("4c1e0f7a", &[&history, &index]) else {
            panic!("ambiguous")
        };
        let text = e.to_string();
        assert!(
            text.starts_with("4c1e0f7a starts 2 IDs in the history and the index: 4c1e0f7a-1b2c")
                && text.contains("4c1e0f7a-0000-4d3e"),
            "{text}"
        );
    }
}
