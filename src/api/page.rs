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

/// Decodes a list page's success body straight into its parts: rows that are objects are
/// kept, anything else in `data` is counted and dropped as it is read, so a hostile page (16 MiB
/// of `[1,1,1,…]`) costs its bytes, not a value per element. The errors are
/// [`super::answer::decode_object`]'s for a body that is not a JSON object, and
/// [`ListError::NotAPage`] for an object without a `data` array.
pub fn decode_page(
    status: reqwest::StatusCode,
    is_html: bool,
    bytes: &[u8],
) -> Result<Result<PageBody, ListError>, super::ApiError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    super::answer::not_json_at_all(status, is_html, bytes)?;
    match serde_json::from_slice::<wire::Page>(bytes) {
        Ok(page) => Ok(page.into_body(bytes)),
        // Not an object, or not JSON: the same words as any other answer. Checked without
        // building the values (a top-level array of millions of numbers costs nothing here).
        Err(_) => match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => Err(super::answer::not_an_object(status, is_html, bytes)),
            Err(_) => super::answer::decode_object(status, is_html, bytes).map(split_page),
        },
    }
}

mod wire {
    //! The page as serde reads it, without a value for what is thrown away.

    use std::fmt;

    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    use super::{ListError, PageBody, shown};
    use crate::text::excerpt;

    /// The parts of a page body that matter.
    pub(super) struct Page {
        data: Option<(Vec<Map<String, Value>>, usize)>,
        links: Option<Value>,
    }

    impl Page {
        pub(super) fn into_body(self, bytes: &[u8]) -> Result<PageBody, ListError> {
            let (next, bad_next) = match self.links.as_ref().and_then(|l| l.get("next")) {
                None | Some(Value::Null) => (None, None),
                Some(Value::String(s)) if s.is_empty() => (None, None),
                Some(Value::String(s)) => (Some(s.clone()), None),
                Some(other) => (None, Some(shown(&other.to_string()))),
            };
            let Some((rows, skipped)) = self.data else {
                return Err(ListError::NotAPage {
                    excerpt: excerpt(bytes),
                });
            };
            Ok(PageBody {
                rows,
                skipped,
                next,
                bad_next,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Page {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(PageVisitor)
        }
    }

    struct PageVisitor;

    impl<'de> Visitor<'de> for PageVisitor {
        type Value = Page;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page, A::Error> {
            let mut page = Page {
                data: None,
                links: None,
            };
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                match key.as_ref() {
                    "data" => page.data = map.next_value::<Data>()?.0,
                    "links" => page.links = Some(map.next_value::<Value>()?),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(page)
        }
    }

    /// `data`: the object rows and how many others there were; `None` when not an array.
    struct Data(Option<(Vec<Map<String, Value>>, usize)>);

    impl<'de> serde::Deserialize<'de> for Data {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(DataVisitor)
        }
    }

    struct DataVisitor;

    /// Anything but an array is "no data"; an array's elements are read one by one.
    macro_rules! not_an_array {
        ($($name:ident: $t:ty),*) => {$(
            fn $name<E: de::Error>(self, _: $t) -> Result<Data, E> {
                Ok(Data(None))
            }
        )*};
    }

    impl<'de> Visitor<'de> for DataVisitor {
        type Value = Data;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any value")
        }

        not_an_array!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
            visit_str: &str);

        fn visit_unit<E: de::Error>(self) -> Result<Data, E> {
            Ok(Data(None))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Data(None))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Data, A::Error> {
            let mut rows = Vec::new();
            let mut skipped = 0;
            while let Some(Row(row)) = seq.next_element::<Row>()? {
                match row {
                    Some(r) => rows.push(r),
                    None => skipped += 1,
                }
            }
            Ok(Data(Some((rows, skipped))))
        }
    }

    /// One element of `data`: an object, or `None` for anything else (read, not kept).
    struct Row(Option<Map<String, Value>>);

    impl<'de> serde::Deserialize<'de> for Row {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(RowVisitor)
        }
    }

    struct RowVisitor;

    macro_rules! not_an_object {
        ($($name:ident: $t:ty),*) => {$(
            fn $name<E: de::Error>(self, _: $t) -> Result<Row, E> {
                Ok(Row(None))
            }
        )*};
    }

    impl<'de> Visitor<'de> for RowVisitor {
        type Value = Row;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any value")
        }

        not_an_object!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
            visit_str: &str);

        fn visit_unit<E: de::Error>(self) -> Result<Row, E> {
            Ok(Row(None))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Row, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Row(None))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Row, A::Error> {
            let object =
                Map::<String, Value>::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(Row(Some(object)))
        }
    }

    use serde::Deserialize as _;
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    #[test]
    fn the_lean_decoder_says_what_decoding_everything_says() {
        let bodies: &[&[u8]] = &[
            br#"{"links":{"next":"/x?p=2"},"data":[{"id":"a"},1,"s",null,[1],{"id":"b"}]}"#,
            br#"{"data":[]}"#,
            br#"{"data":{"id":"a"}}"#,
            br#"{"links":{"next":5},"data":[]}"#,
            br#"{"links":{"next":""},"data":[true]}"#,
            br#"{"nodata":1}"#,
            b"\xef\xbb\xbf{\"data\":[{\"id\":\"bom\"}]}",
            br#"[1,2,3]"#,
            br#""a string""#,
            b"42",
            b"null",
            b"true",
            br#"{"data":[{"id":"a"},"#,
            b"<html>proxy</html>",
            b"",
            b"   ",
            br#"{"data":[1,2] junk"#,
            br#"{"data":[{"id":"dup"}],"data":[{"id":"last"}]}"#,
        ];
        for body in bodies {
            for html in [false, true] {
                let lean = decode_page(StatusCode::OK, html, body);
                let whole =
                    crate::api::answer::decode_object(StatusCode::OK, html, body).map(split_page);
                let show = |r: &Result<Result<PageBody, ListError>, crate::api::ApiError>| {
                    match r {
                        Ok(Ok(p)) => format!("{p:?}"),
                        // The lean decoder's excerpt is the body as sent; taking `data` out
                        // first showed what was left of it.
                        Ok(Err(ListError::NotAPage { .. })) => "not a page".to_owned(),
                        Ok(Err(e)) => format!("list: {e}"),
                        Err(e) => format!("api: {e}"),
                    }
                };
                assert_eq!(
                    show(&lean),
                    show(&whole),
                    "{} (html: {html})",
                    String::from_utf8_lossy(body)
                );
            }
        }
    }
}
