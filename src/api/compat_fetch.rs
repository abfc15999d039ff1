//! The Compatibility API over the client: a LaML call's record, its recordings and a
//! recording's audio, streamed. Credentials go only to the configured origin: a log's `url` is
//! read when it is on that origin and under `/api/laml/`, otherwise the documented route is,
//! and a URL on another origin is never requested (a notice says so).

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Url;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;
use uuid::Uuid;

use super::answer::is_retried;
use super::client::Client;
use super::compat::{CompatCall, Recording, RecordingsPage};
use super::error::ApiError;
use super::list::{origin_of, same_origin, visit_key};
use super::paths::compat as paths;
use crate::text::{sanitize, truncate_chars};

/// The most pages of one call's recordings read.
pub const MAX_RECORDING_PAGES: usize = 20;

/// The longest a whole recording download may take: the client's own limit is for JSON.
pub const AUDIO_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

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

/// A recording's audio format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioFormat {
    /// WAV, what the API gives by default.
    Wav,
    /// MP3.
    Mp3,
}

impl AudioFormat {
    /// The file extension, without its dot.
    pub fn ext(self) -> &'static str {
        match self {
            AudioFormat::Wav => "wav",
            AudioFormat::Mp3 => "mp3",
        }
    }
}

/// A recording's audio as it arrives: read it chunk by chunk, never whole.
#[derive(Debug)]
pub struct Audio {
    response: reqwest::Response,
    host: String,
    idle: Duration,
    received: u64,
    /// The length the server announced, when it did.
    pub length: Option<u64>,
}

impl Audio {
    /// The next piece of the audio; `None` once it is whole. A connection that ends short of
    /// the announced length, or breaks, is [`ApiError::Cut`]; no data for the client's timeout
    /// is [`ApiError::Timeout`].
    pub async fn chunk(&mut self) -> Result<Option<impl AsRef<[u8]> + use<>>, ApiError> {
        let next = tokio::time::timeout(self.idle, self.response.chunk()).await;
        let cut = |received| ApiError::Cut {
            received,
            expected: self.length,
        };
        match next {
            Err(_) => Err(ApiError::Timeout {
                host: self.host.clone(),
                after: self.idle,
            }),
            Ok(Err(e)) if e.is_timeout() => Err(ApiError::Timeout {
                host: self.host.clone(),
                after: self.idle,
            }),
            Ok(Err(_)) => Err(cut(self.received)),
            Ok(Ok(None)) if self.length.is_some_and(|n| n != self.received) => {
                Err(cut(self.received))
            }
            Ok(Ok(None)) => Ok(None),
            Ok(Ok(Some(bytes))) => {
                self.received += bytes.len() as u64;
                Ok(Some(bytes))
            }
        }
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }
}

/// A string from the server, fit for a message.
fn shown(s: &str) -> String {
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
            notice: Some(format!(
                "{why}; read from the documented route on {} instead",
                self.endpoint().space()
            )),
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
                "the log's url points to {}, not {}: not requested, so the credentials stay with the configured space",
                shown(&origin_of(&at)),
                shown(&origin_of(&ours))
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

    /// Where recording `rec`'s audio is fetched from: its `uri` when that is on this origin
    /// and under `/api/laml/` (`.json` replaced by the format's extension), the documented
    /// route when it has none or one elsewhere on this origin. A `uri` on another origin is
    /// refused, in words: nothing is asked there.
    pub fn recording_url(&self, rec: &Recording, format: AudioFormat) -> Result<Url, String> {
        let route = || {
            let path = format!(
                "{}.{}",
                paths::recording(self.project_id_for_path(), &rec.sid),
                format.ext()
            );
            Ok(self.endpoint().url(&path))
        };
        let Some(uri) = rec
            .raw
            .get("uri")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            return route();
        };
        let ours = self.endpoint().url("/");
        let Ok(mut at) = ours.join(uri) else {
            return route();
        };
        if !same_origin(&at, &ours) {
            return Err(format!(
                "recording {}: its uri points to {}, not {}: not fetched, so the credentials stay with the configured space",
                rec.sid,
                shown(&origin_of(&at)),
                shown(&origin_of(&ours))
            ));
        }
        let root = self.endpoint().url(paths::ROOT);
        if !at.path().starts_with(root.path()) || at.query().is_some() {
            return route();
        }
        at.set_fragment(None);
        let path = at.path().to_owned();
        let stem = [".json", ".wav", ".mp3"]
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(&path);
        at.set_path(&format!("{stem}.{}", format.ext()));
        Ok(at)
    }

    /// Starts receiving the audio at `url` (from [`Client::recording_url`], so on this
    /// origin). Connection failures and 5xx before any byte are retried as lookups are; a
    /// success that is a web page or JSON is not audio and is refused.
    pub async fn open_audio(&self, url: Url) -> Result<Audio, ApiError> {
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= self.options.max_attempts;
            let sent = self
                .http
                .get(url.clone())
                .header(reqwest::header::ACCEPT, "audio/*")
                .basic_auth(self.project_id(), Some(self.token.expose()))
                .timeout(AUDIO_TIMEOUT)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    let err = self.transport_error(&e, &host, attempt);
                    if !last && matches!(err, ApiError::Refused { .. } | ApiError::Network { .. }) {
                        tokio::time::sleep(self.options.backoff).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            let status = response.status();
            if is_retried(status) && !last {
                tokio::time::sleep(self.options.backoff).await;
                continue;
            }
            let kind = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase();
            let is_html = kind.contains("text/html");
            if status.is_success() && !is_html && !kind.contains("json") {
                return Ok(Audio {
                    length: response.content_length(),
                    response,
                    host,
                    idle: self.options.timeout,
                    received: 0,
                });
            }
            if status.is_redirection() {
                return Err(ApiError::Redirect {
                    status: status.as_u16(),
                    location: super::answer::redirect_target(&url, response.headers()),
                });
            }
            // An error's body, or a success that is not audio: a little of it is enough.
            let mut response = response;
            let mut bytes = Vec::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > 64 * 1024 {
                    break;
                }
            }
            if status.is_success() {
                return Err(ApiError::Status {
                    status: status.as_u16(),
                    detail: format!(
                        "not audio ({}): {}",
                        shown(&kind),
                        crate::text::excerpt(&bytes)
                    ),
                });
            }
            return Err(self.interpret(status, bytes, attempt));
        }
    }

    /// The project ID as a path segment (the Compatibility API's `AccountSid`).
    fn project_id_for_path(&self) -> String {
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
    fn a_recording_uri_on_another_origin_is_refused_and_ours_get_the_format() {
        let c = client("http://127.0.0.1:9");
        let rec = |uri: Option<&str>| {
            let mut raw = serde_json::Map::new();
            raw.insert("sid".into(), "RE1".into());
            if let Some(u) = uri {
                raw.insert("uri".into(), u.into());
            }
            Recording::from_object(raw).unwrap()
        };
        let route = format!("{}.wav", paths::recording(PROJECT, "RE1"));
        assert_eq!(
            c.recording_url(&rec(None), AudioFormat::Wav)
                .unwrap()
                .path(),
            route
        );
        let ours = format!("/api/laml/2010-04-01/Accounts/{PROJECT}/Recordings/RE1.json");
        assert_eq!(
            c.recording_url(&rec(Some(&ours)), AudioFormat::Mp3)
                .unwrap()
                .path(),
            ours.replace(".json", ".mp3")
        );
        let e = c
            .recording_url(&rec(Some("https://evil.example/x.wav")), AudioFormat::Wav)
            .unwrap_err();
        assert!(
            e.contains("evil.example") && e.contains("not fetched"),
            "{e}"
        );
        assert_eq!(
            c.recording_url(&rec(Some("/elsewhere")), AudioFormat::Wav)
                .unwrap()
                .path(),
            route
        );
    }

    #[test]
    fn a_project_id_cannot_change_the_path() {
        assert_eq!(url_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(url_segment(PROJECT), PROJECT);
    }
}
