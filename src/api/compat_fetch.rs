//! The Compatibility API over the client: a LaML call's record and its recordings' pages
//! (their audio is in `audio.rs`). Credentials go only to the configured origin: a log's `url` is
//! read when it is on that origin and under `/api/laml/`, otherwise the documented route is,
//! and a URL on another origin is never requested (a notice says so).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use reqwest::Url;
use uuid::Uuid;

use super::client::Client;
use super::compat::{CompatCall, Recording, RecordingsPage};
use super::error::ApiError;
use super::list::{origin_of, same_origin, visit_key};
use super::paths::compat as paths;
use crate::text::{sanitize, truncate_chars};

/// The most pages of one call's recordings read.
pub const MAX_RECORDING_PAGES: usize = 20;

/// A LaML call's Compatibility record as fetched.
#[derive(Debug, Clone)]
pub struct FetchedCompat {
    /// The typed record.
    pub call: CompatCall,
    /// The body as received.
    pub body: String,
    /// When it arrived.
    pub fetched_at: DateTime<Utc>,
    /// Why the log's `url` was not what was read, when it was given and not used.
    pub notice: Option<String>,
}

/// Where a Compatibility record is read from, and why not from the log's `url` when so.
#[derive(Debug, Clone, PartialEq)]
pub struct CompatTarget {
    /// The URL asked.
    pub url: Url,
    /// Why the log's `url` was not used, in words.
    pub notice: Option<String>,
}

/// One call's recordings, as far as they could be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recordings {
    /// The recordings with a usable sid.
    pub recordings: Vec<Recording>,
    /// Items left out (not an object, no usable sid).
    pub skipped: usize,
    /// Why paging stopped before the last page, in words.
    pub stopped: Option<String>,
}

/// A string from the server, fit for a message.
pub(super) fn shown(s: &str) -> String {
    truncate_chars(&sanitize(s), 120).into_owned()
}

impl Client {
    /// Where the Compatibility record of LaML call `sid` is read from: its log's `url` when that
    /// is on this client's origin and under `/api/laml/`, else the documented route, with a
    /// notice saying why the `url` was not used.
    pub fn compat_target(&self, sid: Uuid, url: Option<&str>) -> CompatTarget {
        let route = self
            .endpoint()
            .url(&paths::call(self.project_id_for_path(), sid));
        let fallback = |why: String| CompatTarget {
            url: route.clone(),
            notice: Some(format!("{why}; read from the documented route instead")),
        };
        let Some(given) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return CompatTarget {
                url: route.clone(),
                notice: None,
            };
        };
        let ours = self.endpoint().url("/");
        let root = self.endpoint().url(paths::ROOT);
        let Ok(mut at) = ours.join(given) else {
            return fallback(format!("the log's url is not a URL (\"{}\")", shown(given)));
        };
        at.set_fragment(None);
        if !same_origin(&at, &ours) {
            return fallback(format!(
                "the log's url points to {}, another origin than the space's: not requested, so the credentials stay with the space",
                shown(&origin_of(&at)),
            ));
        }
        if !at.path().starts_with(root.path()) || at.query().is_some() {
            return fallback(format!(
                "the log's url ({}) is not a Compatibility API path: not requested",
                shown(at.path())
            ));
        }
        CompatTarget {
            url: at,
            notice: None,
        }
    }

    /// Fetches the Compatibility record of LaML call `sid` (`url` is its log's `url`). A record
    /// of another call is refused ([`ApiError::WrongId`]).
    pub async fn fetch_compat(
        &self,
        sid: Uuid,
        url: Option<&str>,
    ) -> Result<FetchedCompat, ApiError> {
        let target = self.compat_target(sid, url);
        let (raw, body, _) = self
            .get_object_at(target.url, self.options.max_body)
            .await
            .inspect_err(|e| tracing::debug!(%sid, error = %e, "compatibility record failed"))?;
        let call = CompatCall::from_object(raw);
        if let Some(got) = call.sid
            && got != sid
        {
            return Err(ApiError::WrongId {
                asked: sid.to_string(),
                got: got.to_string(),
            });
        }
        Ok(FetchedCompat {
            call,
            body,
            fetched_at: Utc::now(),
            notice: target.notice,
        })
    }

    /// Fetches every recording of LaML call `call_sid`, following `next_page_uri` on this
    /// origin only, never twice to one page and at most [`MAX_RECORDING_PAGES`] pages. A
    /// failure on the first page is the error; on a later one, the recordings so far come with
    /// why it stopped.
    pub async fn fetch_recordings(&self, call_sid: Uuid) -> Result<Recordings, ApiError> {
        let root = self.endpoint().url(paths::ROOT);
        let mut url = self.endpoint().url(&paths::call_recordings(
            self.project_id_for_path(),
            call_sid,
        ));
        let mut visited = HashSet::new();
        let mut out = Recordings::default();
        for page in 1..=MAX_RECORDING_PAGES {
            visited.insert(visit_key(&url));
            let raw = match self.get_object_at(url.clone(), self.options.max_body).await {
                Ok((raw, ..)) => raw,
                Err(e) if page == 1 => return Err(e),
                Err(e) => {
                    out.stopped = Some(format!("page {page} of the recordings: {e}"));
                    return Ok(out);
                }
            };
            let Some(got) = RecordingsPage::from_object(raw) else {
                out.stopped = Some(format!(
                    "page {page} of the recordings has no `recordings` array"
                ));
                return Ok(out);
            };
            out.recordings.extend(got.recordings);
            out.skipped += got.skipped;
            let Some(next) = got.next else {
                return Ok(out);
            };
            let mut next_url = match url.join(&next) {
                Ok(u) => u,
                Err(_) => {
                    out.stopped = Some(format!(
                        "the next page's link is not a URL: \"{}\"",
                        shown(&next)
                    ));
                    return Ok(out);
                }
            };
            next_url.set_fragment(None);
            if !same_origin(&next_url, &url) || !next_url.path().starts_with(root.path()) {
                out.stopped = Some(format!(
                    "the next page's link points to {}: not followed, so the credentials stay with the configured space",
                    shown(&format!("{}{}", origin_of(&next_url), next_url.path()))
                ));
                return Ok(out);
            }
            if visited.contains(&visit_key(&next_url)) {
                out.stopped = Some("the next page's link loops back to a page already read".into());
                return Ok(out);
            }
            url = next_url;
        }
        out.stopped = Some(format!(
            "stopped after {MAX_RECORDING_PAGES} pages of recordings"
        ));
        Ok(out)
    }

    /// The project ID as a path segment (the Compatibility API's `AccountSid`).
    pub(super) fn project_id_for_path(&self) -> String {
        url_segment(self.project_id())
    }
}

/// `s` made safe as one path segment: a project ID is a UUID, but a configured one is not
/// checked as one, and `/`, `?` or `#` in it must not change which path is asked.
fn url_segment(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' | '~' => c.to_string(),
            c => {
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf)
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ClientOptions, Endpoint};
    use crate::secret::Secret;

    const SID: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";
    const PROJECT: &str = "5ca1ab1e-0000-4000-8000-00000000d3e0";

    fn client(base: &str) -> Client {
        Client::new(
            Endpoint::from_base_url(base).unwrap(),
            PROJECT,
            Secret::new("t"),
            ClientOptions::default(),
        )
        .unwrap()
    }

    fn sid() -> Uuid {
        Uuid::parse_str(SID).unwrap()
    }

    #[test]
    fn a_url_on_our_origin_under_the_laml_path_is_read_as_given() {
        let c = client("http://127.0.0.1:9");
        let url =
            format!("http://127.0.0.1:9/api/laml/2010-04-01/Accounts/{PROJECT}/Calls/{SID}.json");
        let t = c.compat_target(sid(), Some(&url));
        assert_eq!(t.url.as_str(), url);
        assert_eq!(t.notice, None);
        let relative = format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Calls/{SID}");
        assert_eq!(c.compat_target(sid(), Some(&relative)).url.path(), relative);
    }

    #[test]
    fn no_url_is_the_documented_route_without_a_notice() {
        let c = client("http://127.0.0.1:9");
        for url in [None, Some(""), Some("  ")] {
            let t = c.compat_target(sid(), url);
            assert_eq!(t.url.path(), paths::call(PROJECT, SID), "{url:?}");
            assert_eq!(t.notice, None);
        }
    }

    #[test]
    fn a_url_elsewhere_is_never_the_target_and_a_notice_says_why() {
        let c = client("http://127.0.0.1:9");
        for (url, says) in [
            (
                format!(
                    "https://acme.signalwire.com/api/laml/2010-04-01/Accounts/{PROJECT}/Calls/{SID}"
                ),
                "points to https://acme.signalwire.com:443",
            ),
            (
                format!("http://127.0.0.1:10/api/laml/2010-04-01/Accounts/{PROJECT}/Calls/{SID}"),
                "points to http://127.0.0.1:10",
            ),
            (
                format!("http://user:pw@127.0.0.1:9/api/laml/x/Calls/{SID}"),
                "points to",
            ),
            (
                "/api/voice/logs/x".to_owned(),
                "not a Compatibility API path",
            ),
            (
                "/api/laml/../voice/logs/x".to_owned(),
                "not a Compatibility API path",
            ),
            (
                "/api/laml/%2e%2e/voice/logs/x".to_owned(),
                "not a Compatibility API path",
            ),
            (
                "/api/laml/x?redirect=1".to_owned(),
                "not a Compatibility API path",
            ),
            ("http://[::1".to_owned(), "not a URL"),
        ] {
            let t = c.compat_target(sid(), Some(&url));
            assert_eq!(t.url.path(), paths::call(PROJECT, SID), "{url}");
            assert_eq!(t.url.host_str(), Some("127.0.0.1"), "{url}");
            let notice = t.notice.unwrap_or_default();
            assert!(notice.contains(says), "{url}: {notice}");
            assert!(notice.contains("documented route"), "{notice}");
        }
    }

    #[test]
    fn a_project_id_cannot_change_the_path() {
        assert_eq!(url_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(url_segment(PROJECT), PROJECT);
    }
}
