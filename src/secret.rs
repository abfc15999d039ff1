//! The API token, kept out of every `Debug`, `Display`, log line and file swlog writes.

use std::fmt;

/// A secret string. It has no `Display`, and its `Debug` prints `Secret(<redacted>)`, so it
/// cannot reach output by accident; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token. Surrounding whitespace (the newline a `token_command` or a file leaves)
    /// is removed: it is never part of a SignalWire token.
    pub fn new(token: impl Into<String>) -> Self {
        let token = token.into();
        Self(token.trim().to_owned())
    }

    /// The token itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let s = Secret::new("PTabc123supersecret");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    Secret(<redacted>),\n)"
        );
    }

    #[test]
    fn trailing_newline_is_trimmed() {
        assert_eq!(Secret::new("PTabc\n").expose(), "PTabc");
    }
}
