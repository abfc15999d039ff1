//! Whose rows these are: an origin (scheme, host, port) and a project. Built from those parts
//! only, so that no user name, password, path or query string (where a token could hide) is
//! ever written to the index.

use std::fmt;

use reqwest::Url;

/// `scheme://host:port`, with the scheme's default port written out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(String);

impl Origin {
    /// The origin of `url`: its scheme, host and port, nothing else. `None` for a URL without a
    /// host (`data:`, `file:`).
    pub fn of(url: &Url) -> Option<Self> {
        let host = url.host_str().filter(|h| !h.is_empty())?;
        let port = url.port_or_known_default()?;
        let host = host.to_ascii_lowercase();
        Some(Self(format!("{}://{host}:{port}", url.scheme())))
    }

    /// The origin of a URL given as text (an endpoint's base URL).
    pub fn parse(url: &str) -> Option<Self> {
        Url::parse(url).ok().as_ref().and_then(Self::of)
    }

    /// As stored, e.g. `https://acme.signalwire.com:443`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An origin as read back from the index (already in stored form).
    pub(super) fn stored(s: String) -> Self {
        Self(s)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The log family of the voice-log endpoints, the only one indexed so far.
pub const VOICE: &str = "voice";

/// One space's project and log family as the index keys them: another origin's, project's or
/// family's rows never answer for this one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// Where the rows came from.
    pub origin: Origin,
    /// The project ID (not a secret; the token never reaches the index).
    pub project: String,
    /// The log family whose list endpoint the rows came from, e.g. [`VOICE`].
    pub family: String,
}

impl Scope {
    /// The voice logs of `project` on `origin`.
    pub fn new(origin: Origin, project: impl Into<String>) -> Self {
        Self {
            origin,
            project: project.into(),
            family: VOICE.to_owned(),
        }
    }

    /// The same origin and project, another log family.
    pub fn with_family(mut self, family: impl Into<String>) -> Self {
        self.family = family.into();
        self
    }
}

/// `row` with the user name and password taken out of every URL in it (see [`scrub`]),
/// copied only when there is one.
pub(super) fn scrubbed(
    row: &serde_json::Map<String, serde_json::Value>,
) -> std::borrow::Cow<'_, serde_json::Map<String, serde_json::Value>> {
    if !has_userinfo(row.values()) {
        return std::borrow::Cow::Borrowed(row);
    }
    let mut copy = serde_json::Value::Object(row.clone());
    if !scrub(&mut copy) {
        return std::borrow::Cow::Borrowed(row);
    }
    match copy {
        serde_json::Value::Object(m) => std::borrow::Cow::Owned(m),
        _ => std::borrow::Cow::Borrowed(row),
    }
}

/// Whether any string among `values` (at any depth) may be a URL with userinfo.
fn has_userinfo<'a>(values: impl Iterator<Item = &'a serde_json::Value>) -> bool {
    use serde_json::Value;
    values.into_iter().any(|v| match v {
        Value::String(s) => s.contains("://") && s.contains('@'),
        Value::Array(items) => has_userinfo(items.iter()),
        Value::Object(map) => has_userinfo(map.values()),
        _ => false,
    })
}

/// Strips the user name and password from every URL-looking string in a row, in place: rows
/// carry none today, but a server that put `https://user:secret@host/...` in a field must not
/// have the secret written to disk. Returns whether anything changed.
pub(super) fn scrub(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) if s.contains("://") && s.contains('@') => {
            let Ok(mut url) = Url::parse(s) else {
                return false;
            };
            if url.password().is_none() && url.username().is_empty() {
                return false;
            }
            // Both are infallible for URLs with a host, which any URL with userinfo has.
            let _ = url.set_password(None);
            let _ = url.set_username("");
            *s = url.to_string();
            true
        }
        Value::Array(items) => items.iter_mut().fold(false, |c, v| scrub(v) | c),
        Value::Object(map) => map.values_mut().fold(false, |c, v| scrub(v) | c),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_origin_keeps_scheme_host_and_port_only() {
        let o = Origin::parse("https://user:secret@Acme.signalwire.com/api/voice/logs?token=x#f")
            .unwrap();
        assert_eq!(o.as_str(), "https://acme.signalwire.com:443");
        let local = Origin::parse("http://127.0.0.1:40123").unwrap();
        assert_eq!(local.as_str(), "http://127.0.0.1:40123");
        assert_ne!(
            o,
            Origin::parse("https://acme.signalwire.com:8443").unwrap()
        );
        assert_eq!(Origin::parse("data:text/plain,hi"), None);
    }

    #[test]
    fn userinfo_in_row_strings_is_scrubbed_and_other_strings_kept() {
        let mut row = json!({
            "url": "https://AC1:tok3n@api.example.com/rec.wav",
            "to": "sip:alice@pbx.example.com",
            "nested": [{"u": "http://bob@h.example/x"}],
        });
        assert!(scrub(&mut row));
        let text = row.to_string();
        assert!(!text.contains("tok3n") && !text.contains("AC1") && !text.contains("bob@"));
        assert_eq!(
            row["to"], "sip:alice@pbx.example.com",
            "a SIP URI has no //"
        );
        assert!(!scrub(&mut json!({"url": "https://api.example.com/x"})));
    }
}
