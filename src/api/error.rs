//! What can go wrong fetching a log, typed so that each front end can put it in its own words.

use std::time::Duration;

use serde_json::Value;
use thiserror::Error;

use crate::text::sanitize;

/// One item of a 422 response's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorItem {
    /// The category, e.g. `validation_error`.
    pub kind: Option<String>,
    /// The code, e.g. `invalid_parameter`.
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The parameter at fault, if any.
    pub attribute: Option<String>,
    /// A link to documentation.
    pub url: Option<String>,
}

impl ErrorItem {
    /// Reads the items of a 422 body, tolerating any shape.
    pub fn parse_all(body: &Value) -> Vec<ErrorItem> {
        let text = |v: &Value, k: &str| match v.get(k) {
            Some(Value::String(s)) => Some(sanitize(s).into_owned()),
            Some(Value::Null) | None => None,
            Some(other) => Some(sanitize(&other.to_string()).into_owned()),
        };
        body.get("errors")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|v| ErrorItem {
                        kind: text(v, "type"),
                        code: text(v, "code"),
                        message: text(v, "message"),
                        attribute: text(v, "attribute"),
                        url: text(v, "url"),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the item is about the token's scope.
    pub fn is_scope(&self) -> bool {
        [&self.code, &self.message, &self.attribute]
            .into_iter()
            .flatten()
            .any(|s| s.to_ascii_lowercase().contains("scope"))
    }
}

impl std::fmt::Display for ErrorItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = self.code.as_deref().unwrap_or("error");
        let message = self.message.as_deref().unwrap_or("(no message)");
        write!(f, "{code}: {message}")?;
        if let Some(a) = &self.attribute {
            write!(f, " (attribute `{a}`)")?;
        }
        Ok(())
    }
}

/// Which space and project a request was made for, to put in error messages. Never the token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    /// The space name or base URL host.
    pub space: String,
    /// The project ID, shortened for display.
    pub project: String,
}

/// Why a log could not be fetched. Every string in it is already sanitised.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ApiError {
    /// HTTP 400.
    #[error("Bad request (HTTP 400): {detail}")]
    BadRequest {
        /// The server's words.
        detail: String,
    },
    /// HTTP 401.
    #[error(
        "Token refused (HTTP 401) in space {} for project {}: check the project ID and token, and that the token has the Voice scope",
        target.space, target.project
    )]
    Unauthorized {
        /// Where the request went.
        target: Target,
    },
    /// HTTP 403.
    #[error(
        "Access denied (HTTP 403) in space {} for project {}: the token needs the Voice scope",
        target.space, target.project
    )]
    Forbidden {
        /// Where the request went.
        target: Target,
    },
    /// HTTP 404.
    #[error("Not found in space {} (project {}): check the ID, space and project", target.space, target.project)]
    NotFound {
        /// Where the request went.
        target: Target,
    },
    /// HTTP 422, with every item the server gave.
    #[error("Request refused (HTTP 422): {}", join_items(items))]
    Unprocessable {
        /// The `errors[]` items.
        items: Vec<ErrorItem>,
        /// Where the request went.
        target: Target,
    },
    /// HTTP 429 on every try.
    #[error("Rate limited (HTTP 429) after {attempts} tries: wait a moment and retry")]
    RateLimited {
        /// How many requests were made.
        attempts: u32,
        /// The wait the last answer's `Retry-After` asked for, in whole seconds (capped).
        retry_after_secs: Option<u64>,
    },
    /// A 5xx status (after retries where it is retried).
    #[error("Server error (HTTP {status}) after {attempts} {}: {detail}", tries(*attempts))]
    Server {
        /// The status code.
        status: u16,
        /// How many requests were made.
        attempts: u32,
        /// The server's words.
        detail: String,
    },
    /// Any other unexpected status.
    #[error("Unexpected HTTP {status}: {detail}")]
    Status {
        /// The status code.
        status: u16,
        /// An excerpt of the body.
        detail: String,
    },
    /// No answer within the time limit.
    #[error("Timed out after {}s waiting for {host}", after.as_secs_f32())]
    Timeout {
        /// The host.
        host: String,
        /// The limit that ran out.
        after: Duration,
    },
    /// The host refused the connection.
    #[error("Connection refused by {host} after {attempts} {}", tries(*attempts))]
    Refused {
        /// The host.
        host: String,
        /// How many connections were tried.
        attempts: u32,
    },
    /// The host name did not resolve.
    #[error("Could not resolve {host}: check the space name and your network")]
    Dns {
        /// The host.
        host: String,
    },
    /// The TLS handshake failed.
    #[error("TLS failure talking to {host}: {detail}")]
    Tls {
        /// The host.
        host: String,
        /// What failed.
        detail: String,
    },
    /// Another network failure.
    #[error("Network error talking to {host} after {attempts} {}: {detail}", tries(*attempts))]
    Network {
        /// The host.
        host: String,
        /// How many requests were made.
        attempts: u32,
        /// What failed.
        detail: String,
    },
    /// The body was over the size limit.
    #[error("Response body larger than {limit} bytes: refused")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An HTML page instead of JSON: a proxy, captive portal or wrong base URL.
    #[error(
        "Got an HTML page instead of JSON (HTTP {status}; a proxy, captive portal or wrong base URL?): {excerpt}"
    )]
    Html {
        /// The status code.
        status: u16,
        /// The start of the page.
        excerpt: String,
    },
    /// An empty body where a record was expected.
    #[error("Empty response body (HTTP {status})")]
    Empty {
        /// The status code.
        status: u16,
    },
    /// JSON that stops part-way.
    #[error("Truncated JSON response: {excerpt}")]
    Truncated {
        /// The start of the body.
        excerpt: String,
    },
    /// A body that is not JSON (or is nested too deeply to read).
    #[error("Response is not valid JSON ({detail}): {excerpt}")]
    NotJson {
        /// The parser's words.
        detail: String,
        /// The start of the body.
        excerpt: String,
    },
    /// JSON that is not an object.
    #[error("Expected a JSON object, got {kind}: {excerpt}")]
    NotObject {
        /// What it was instead.
        kind: &'static str,
        /// The start of the body.
        excerpt: String,
    },
    /// The proxy in the way failed: it refused, could not be found, or would not reach the host.
    #[error("Could not reach {host} through the proxy {proxy}: {detail}")]
    Proxy {
        /// The proxy, without credentials, and the variable that set it.
        proxy: String,
        /// The host the request was for.
        host: String,
        /// What failed.
        detail: String,
    },
    /// A 3xx answer: the API never redirects, so it is not followed.
    #[error(
        "The server redirected (HTTP {status}) to {location}: the API does not redirect, so it was not followed; check the base URL"
    )]
    Redirect {
        /// The status code.
        status: u16,
        /// The host the Location header names (or why there is none).
        location: String,
    },
    /// The body is the record of another log than the one asked for.
    #[error("The server answered with log {got} for {asked}: the answer was not used")]
    WrongId {
        /// The ID asked for.
        asked: String,
        /// The ID in the answer (sanitised).
        got: String,
    },
    /// The connection ended before a streamed body (a recording's audio) was whole.
    #[error("The connection ended after {received} bytes{}: the download is incomplete", of_expected(*expected))]
    Cut {
        /// Bytes received.
        received: u64,
        /// Bytes announced (`Content-Length`), when they were.
        expected: Option<u64>,
    },
    /// The HTTP client could not be set up.
    #[error("Could not set up the HTTP client: {0}")]
    Setup(String),
}

fn of_expected(expected: Option<u64>) -> String {
    expected.map_or(String::new(), |n| format!(" of {n}"))
}

/// The broad class of an error, which decides `swlog get`'s exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The log does not exist here.
    NotFound,
    /// The credentials were refused.
    Auth,
    /// Network, server, timeout or a broken response.
    Remote,
    /// The API refused the request as invalid (400, or 422 without a scope item): asking
    /// again will not help.
    Refused,
}

impl ApiError {
    /// A 429 after `attempts` tries, no `Retry-After` read.
    pub fn rate_limited(attempts: u32) -> Self {
        ApiError::RateLimited {
            attempts,
            retry_after_secs: None,
        }
    }

    /// The broad class of this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::NotFound { .. } => ErrorClass::NotFound,
            ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => ErrorClass::Auth,
            ApiError::Unprocessable { items, .. } if items.iter().any(ErrorItem::is_scope) => {
                ErrorClass::Auth
            }
            ApiError::BadRequest { .. } | ApiError::Unprocessable { .. } => ErrorClass::Refused,
            _ => ErrorClass::Remote,
        }
    }

    /// A short name for the kind of error, for history rows and JSON output.
    pub fn short(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad request",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::Forbidden { .. } => "forbidden",
            ApiError::NotFound { .. } => "not found",
            ApiError::Unprocessable { .. } => "refused (422)",
            ApiError::RateLimited { .. } => "rate limited",
            ApiError::Server { .. } => "server error",
            ApiError::Status { .. } => "unexpected status",
            ApiError::Timeout { .. } => "timeout",
            ApiError::Refused { .. } => "connection refused",
            ApiError::Dns { .. } => "DNS failure",
            ApiError::Tls { .. } => "TLS failure",
            ApiError::Network { .. } => "network error",
            ApiError::TooLarge { .. } => "response too large",
            ApiError::Html { .. } => "HTML response",
            ApiError::Empty { .. } => "empty response",
            ApiError::Truncated { .. } => "truncated response",
            ApiError::NotJson { .. } => "not JSON",
            ApiError::NotObject { .. } => "not an object",
            ApiError::Proxy { .. } => "proxy failure",
            ApiError::Redirect { .. } => "redirected",
            ApiError::WrongId { .. } => "another log's answer",
            ApiError::Cut { .. } => "connection cut",
            ApiError::Setup(_) => "client setup",
        }
    }
}

fn tries(n: u32) -> &'static str {
    if n == 1 { "try" } else { "tries" }
}

fn join_items(items: &[ErrorItem]) -> String {
    if items.is_empty() {
        return "no details given".to_owned();
    }
    let scope = if items.iter().any(ErrorItem::is_scope) {
        " (the token needs the Voice scope)"
    } else {
        ""
    };
    let list: Vec<String> = items.iter().map(ToString::to_string).collect();
    format!("{}{scope}", list.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_of_a_422_are_all_shown() {
        let body = json!({"errors":[
            {"type":"validation_error","code":"invalid_parameter","message":"Parameter value is invalid","attribute":"page_size","url":"https://x"},
            {"code":"missing_scope","message":"Token lacks \u{1b}[1mvoice scope","attribute":null}
        ]});
        let items = ErrorItem::parse_all(&body);
        let e = ApiError::Unprocessable {
            items,
            target: Target::default(),
        };
        let s = e.to_string();
        assert!(
            s.contains("invalid_parameter: Parameter value is invalid (attribute `page_size`)"),
            "{s}"
        );
        assert!(
            s.contains("missing_scope: Token lacks \\u{1b}[1mvoice scope"),
            "{s}"
        );
        assert!(s.contains("needs the Voice scope"));
        assert_eq!(e.class(), ErrorClass::Auth);
    }

    #[test]
    fn odd_422_bodies_give_no_items() {
        assert!(ErrorItem::parse_all(&json!({"errors": "nope"})).is_empty());
        assert!(ErrorItem::parse_all(&json!([1, 2])).is_empty());
    }

    #[test]
    fn not_found_names_space_and_project() {
        let t = Target {
            space: "acme".into(),
            project: "4c1e0f7a…".into(),
        };
        let e = ApiError::NotFound { target: t };
        assert_eq!(
            e.to_string(),
            "Not found in space acme (project 4c1e0f7a…): check the ID, space and project"
        );
        assert_eq!(e.class(), ErrorClass::NotFound);
    }
}
