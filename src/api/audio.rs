//! A recording's audio over the client: where it is fetched from (its `uri` on this origin, or
//! the documented route; never another origin) and the audio itself as a stream, read chunk by
//! chunk so that a recording of any size costs the same memory.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use super::answer::is_retried;
use super::client::Client;
use super::compat::Recording;
use super::compat_fetch::shown;
use super::error::ApiError;
use super::list::{origin_of, same_origin};
use super::paths::compat as paths;

/// The longest a whole recording download may take: the client's own limit is for JSON.
pub const AUDIO_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

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

impl Client {
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
                        "not audio but {} ({}): {}",
                        if is_html {
                            "a web page: a proxy, captive portal or wrong base URL?"
                        } else {
                            "a document"
                        },
                        shown(&kind),
                        crate::text::excerpt(&bytes)
                    ),
                });
            }
            return Err(self.interpret(status, bytes, attempt));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ClientOptions, Endpoint};
    use crate::secret::Secret;

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
}
