//! Where requests go: a SignalWire space, or an explicit base URL for proxies and tests.

use std::net::IpAddr;

use reqwest::Url;
use thiserror::Error;

use crate::text::{sanitize, truncate_chars};

/// Why a space or base URL was refused. No request is made with it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EndpointError {
    /// The space is not a plain hostname label.
    #[error(
        "space \"{0}\" is not a SignalWire space: give its name (`acme`), `acme.signalwire.com` or `https://acme.signalwire.com`"
    )]
    BadSpace(String),
    /// The base URL could not be parsed.
    #[error("base URL \"{0}\" is not a URL")]
    BadUrl(String),
    /// The base URL is not https and not on a loopback host.
    #[error(
        "base URL \"{0}\" must use https (plain http is allowed only for 127.0.0.1, ::1 and localhost)"
    )]
    Insecure(String),
    /// The base URL carries a user, query or fragment.
    #[error(
        "base URL \"{0}\" must be a scheme, host, optional port and path: no user, query or fragment"
    )]
    Decorated(String),
}

/// A validated base URL, e.g. `https://acme.signalwire.com`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: Url,
    space: String,
}

impl Endpoint {
    /// A SignalWire space given as `acme`, `acme.signalwire.com` or
    /// `https://acme.signalwire.com` (a trailing `/` is fine).
    pub fn from_space(input: &str) -> Result<Self, EndpointError> {
        let s = input.trim();
        let bad = || EndpointError::BadSpace(shown(input));
        let s = s.strip_prefix("https://").unwrap_or(s);
        let s = s.strip_suffix('/').unwrap_or(s);
        let s = s.to_ascii_lowercase();
        let label = s.strip_suffix(".signalwire.com").unwrap_or(&s);
        if !is_label(label) {
            return Err(bad());
        }
        let base = Url::parse(&format!("https://{label}.signalwire.com")).map_err(|_| bad())?;
        Ok(Self {
            base,
            space: label.to_owned(),
        })
    }

    /// An explicit base URL: https, or http on a loopback host.
    pub fn from_base_url(input: &str) -> Result<Self, EndpointError> {
        let s = input.trim();
        let url = Url::parse(s).map_err(|_| EndpointError::BadUrl(shown(input)))?;
        let host = url
            .host_str()
            .ok_or_else(|| EndpointError::BadUrl(shown(input)))?;
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(EndpointError::Decorated(shown(input)));
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            _ => return Err(EndpointError::Insecure(shown(input))),
        }
        let space = host.to_owned();
        Ok(Self { base: url, space })
    }

    /// The same endpoint, called `label` in messages (the demo server says "demo", not its
    /// loopback address).
    pub fn labelled(mut self, label: &str) -> Self {
        label.clone_into(&mut self.space);
        self
    }

    /// The space's name (`acme`), or the host of an explicit base URL.
    pub fn space(&self) -> &str {
        &self.space
    }

    /// The host requests go to, with its port when it is not the scheme's default:
    /// `acme.signalwire.com`, `127.0.0.1:8080`. What a ticket names as the space.
    pub fn host(&self) -> String {
        let host = self.base.host_str().unwrap_or(&self.space);
        match self.base.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }

    /// The URL of `path` (which starts with `/`) under the base URL.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    /// The base URL as text.
    pub fn base(&self) -> &str {
        self.base.as_str()
    }
}

/// A DNS label: 1–63 letters, digits and inner hyphens.
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn shown(s: &str) -> String {
    sanitize(&truncate_chars(s, 60)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_in_every_accepted_form() {
        for input in [
            "acme",
            "acme.signalwire.com",
            "https://acme.signalwire.com",
            "https://acme.signalwire.com/",
            " ACME ",
        ] {
            let e = Endpoint::from_space(input).map_err(|e| e.to_string());
            assert_eq!(
                e.as_ref().map(Endpoint::base),
                Ok("https://acme.signalwire.com/"),
                "{input}"
            );
            assert_eq!(e.as_ref().map(Endpoint::space), Ok("acme"));
        }
    }

    #[test]
    fn hostile_spaces_are_refused() {
        for input in [
            "",
            "evil.example/x?",
            "a@b",
            "acme corp",
            "http://acme.signalwire.com",
            "acme.evil.com",
            "acme.signalwire.com.evil.com",
            "acme/../x",
            "-acme",
            "acme:8080",
            "a\u{1b}b",
            &"a".repeat(64),
        ] {
            assert!(
                matches!(Endpoint::from_space(input), Err(EndpointError::BadSpace(_))),
                "{input:?}"
            );
        }
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://proxy.example.com",
            "https://proxy.example.com/sw/",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
            "http://localhost:3000",
            "http://127.8.9.10",
        ] {
            assert!(Endpoint::from_base_url(ok).is_ok(), "{ok}");
        }
        assert!(matches!(
            Endpoint::from_base_url("http://example.com"),
            Err(EndpointError::Insecure(_))
        ));
        assert!(matches!(
            Endpoint::from_base_url("http://10.0.0.1"),
            Err(EndpointError::Insecure(_))
        ));
        assert!(matches!(
            Endpoint::from_base_url("ftp://127.0.0.1"),
            Err(EndpointError::Insecure(_))
        ));
        assert!(matches!(
            Endpoint::from_base_url("not a url"),
            Err(EndpointError::BadUrl(_))
        ));
        assert!(matches!(
            Endpoint::from_base_url("https://u:p@example.com"),
            Err(EndpointError::Decorated(_))
        ));
        assert!(matches!(
            Endpoint::from_base_url("https://example.com/?x=1"),
            Err(EndpointError::Decorated(_))
        ));
    }

    #[test]
    fn urls_join_under_the_base_path() {
        let e = Endpoint::from_base_url("https://proxy.example.com/sw/").map_err(|e| e.to_string());
        let url = e.map(|e| e.url("/api/voice/logs/x").to_string());
        assert_eq!(
            url.as_deref(),
            Ok("https://proxy.example.com/sw/api/voice/logs/x")
        );
    }

    #[test]
    fn the_host_has_its_port_only_when_not_the_default() {
        let host = |e: Result<Endpoint, EndpointError>| e.map(|e| e.host());
        assert_eq!(
            host(Endpoint::from_space("acme")),
            Ok("acme.signalwire.com".to_owned())
        );
        assert_eq!(
            host(Endpoint::from_base_url("https://proxy.example.com:443/sw/")),
            Ok("proxy.example.com".to_owned())
        );
        assert_eq!(
            host(Endpoint::from_base_url("http://127.0.0.1:8080").map(|e| e.labelled("demo"))),
            Ok("127.0.0.1:8080".to_owned())
        );
    }
}
