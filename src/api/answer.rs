//! Reading the server's answer: what a success body is, whether a status is retried, when to
//! retry, where a redirect points, and whether the record is the one asked for.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::error::ApiError;
use super::model::{Field, VoiceLog};
use crate::text::{excerpt, sanitize};

/// Classifies a success body: a JSON object, or the precise reason it is not one.
pub fn decode_object(
    status: StatusCode,
    is_html: bool,
    bytes: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    // A UTF-8 byte-order mark is no part of JSON (RFC 8259 lets a parser ignore it), and
    // serde_json refuses it.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    not_json_at_all(status, is_html, bytes)?;
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::NotObject {
            kind: json_kind(&other),
            excerpt: excerpt(bytes),
        }),
        Err(e) if e.is_eof() => Err(ApiError::Truncated {
            excerpt: excerpt(bytes),
        }),
        Err(e) => Err(ApiError::NotJson {
            detail: sanitize(&e.to_string()).into_owned(),
            excerpt: excerpt(bytes),
        }),
    }
}

/// The error for a body that is valid JSON but not an object, told from its first byte (the
/// body is not decoded into values: a list page's array of millions of numbers costs nothing).
pub(super) fn not_an_object(status: StatusCode, is_html: bool, bytes: &[u8]) -> ApiError {
    if let Err(e) = not_json_at_all(status, is_html, bytes) {
        return e;
    }
    let kind = match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    };
    ApiError::NotObject {
        kind,
        excerpt: excerpt(bytes),
    }
}

/// An empty body or an HTML page is not read as JSON at all (the byte-order mark already
/// taken off), as [`decode_object`] says.
pub(super) fn not_json_at_all(
    status: StatusCode,
    is_html: bool,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ApiError::Empty {
            status: status.as_u16(),
        });
    }
    if is_html || trimmed.starts_with('<') {
        return Err(ApiError::Html {
            status: status.as_u16(),
            excerpt: excerpt(bytes),
        });
    }
    Ok(())
}

/// Refuses the record of another log: shown or cached as `asked`, it would mislead.
pub(super) fn check_id(asked: Uuid, log: &VoiceLog) -> Result<(), ApiError> {
    let got = match &log.id {
        Field::Value(got) if *got == asked => return Ok(()),
        Field::Value(got) => got.to_string(),
        Field::Invalid(v) => excerpt(v.to_string().as_bytes()),
        // A record without its ID is still the one asked for, as far as anyone can tell.
        Field::Missing | Field::Null => return Ok(()),
    };
    Err(ApiError::WrongId {
        asked: asked.to_string(),
        got,
    })
}

/// The host a redirect points to, for the error: the request is not made.
pub(super) fn redirect_target(url: &reqwest::Url, headers: &HeaderMap) -> String {
    let Some(location) = headers.get(LOCATION) else {
        return "nowhere (no Location header)".to_owned();
    };
    let location = String::from_utf8_lossy(location.as_bytes());
    match url.join(&location) {
        Ok(to) => {
            let host = to.host_str().unwrap_or("a URL without a host");
            let shown = match to.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            };
            sanitize(&shown).into_owned()
        }
        Err(_) => format!("an unreadable Location \"{}\"", sanitize(&location)),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn is_retried(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(v).ok()?;
    (when.with_timezone(&Utc) - Utc::now()).to_std().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_classified() {
        let ok = StatusCode::OK;
        assert!(decode_object(ok, false, br#"{"id":1}"#).is_ok());
        assert!(matches!(
            decode_object(ok, false, b"  \n"),
            Err(ApiError::Empty { status: 200 })
        ));
        assert!(matches!(
            decode_object(ok, false, b"<!doctype html><p>Login"),
            Err(ApiError::Html { .. })
        ));
        assert!(matches!(
            decode_object(ok, true, b"hello"),
            Err(ApiError::Html { .. })
        ));
        assert!(matches!(
            decode_object(ok, false, br#"{"id":"abc","#),
            Err(ApiError::Truncated { .. })
        ));
        assert!(matches!(
            decode_object(ok, false, b"[1,2]"),
            Err(ApiError::NotObject {
                kind: "an array",
                ..
            })
        ));
        assert!(matches!(
            decode_object(ok, false, b"null"),
            Err(ApiError::NotObject { kind: "null", .. })
        ));
        assert!(matches!(
            decode_object(ok, false, b"hello"),
            Err(ApiError::NotJson { .. })
        ));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_an_out_of_range_number_is_one_invalid_field() {
        let ok = StatusCode::OK;
        let body = b"\xef\xbb\xbf{\"id\":\"x\",\"duration_ms\":1e999,\"charge\":0.5,\"type\":\"laml_call\"}";
        let raw = decode_object(ok, false, body).unwrap();
        let log = VoiceLog::from_object(raw);
        assert!(
            matches!(log.duration_ms, Field::Invalid(_)),
            "{:?}",
            log.duration_ms
        );
        assert_eq!(log.charge.get(), Some(0.5));
        assert!(decode_object(ok, false, b"\xef\xbb\xbf").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let body = format!(r#"{{"x":{deep}}}"#);
        assert!(matches!(
            decode_object(StatusCode::OK, false, body.as_bytes()),
            Err(ApiError::NotJson { .. })
        ));
    }

    #[test]
    fn retry_after_in_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, reqwest::header::HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            RETRY_AFTER,
            reqwest::header::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), None, "a date in the past gives no wait");
        h.insert(
            RETRY_AFTER,
            reqwest::header::HeaderValue::from_static("soon"),
        );
        assert_eq!(retry_after(&h), None);
    }
}
