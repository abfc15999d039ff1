//! One list page's body taken apart: its rows and its `links.next`, unchecked (the pager in
//! [`super::list`] checks where the link points).

use serde_json::{Map, Value};

use super::list::ListError;
use crate::text::{excerpt, sanitize, truncate_chars};

fn shown(s: &str) -> String {
    truncate_chars(&sanitize(s), 200).into_owned()
}

/// A page body taken apart.
#[derive(Debug, Clone, PartialEq)]
pub struct PageBody {
    /// The rows that are JSON objects.
    pub rows: Vec<Map<String, Value>>,
    /// Rows that were not objects.
    pub skipped: usize,
    /// `links.next`, unchecked.
    pub next: Option<String>,
    /// A `links.next` that is there but not a string (a number, an object, `true`), shown:
    /// a malformed answer, not the last page.
    pub bad_next: Option<String>,
}

/// Takes a decoded page body apart: `data` must be an array; any `links.next` string is kept
/// for the caller to check.
pub fn split_page(mut raw: Map<String, Value>) -> Result<PageBody, ListError> {
    let (next, bad_next) = match raw.get("links").and_then(|l| l.get("next")) {
        None | Some(Value::Null) => (None, None),
        Some(Value::String(s)) if s.is_empty() => (None, None),
        Some(Value::String(s)) => (Some(s.clone()), None),
        Some(other) => (None, Some(shown(&other.to_string()))),
    };
    let Some(Value::Array(data)) = raw.remove("data") else {
        let body = Value::Object(raw).to_string();
        return Err(ListError::NotAPage {
            excerpt: excerpt(body.as_bytes()),
        });
    };
    let total = data.len();
    let rows: Vec<Map<String, Value>> = data
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect();
    Ok(PageBody {
        skipped: total - rows.len(),
        rows,
        next,
        bad_next,
    })
}
