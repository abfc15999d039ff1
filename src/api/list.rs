//! `GET /api/voice/logs` as a stream of pages: follows `links.next` only, never to another
//! origin and never twice to one URL, and steps the page size down when the server refuses it.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use futures::Stream;
use reqwest::Url;
use serde_json::{Map, Value};
use thiserror::Error;

use super::client::Client;
use super::error::ApiError;
pub use super::page::{PageBody, decode_page, split_page};
use crate::text::{sanitize, truncate_chars};

/// The page sizes tried in turn: the documented maximum, the reported live maximum, the default.
pub const PAGE_SIZES: [u32; 3] = [1000, 200, 50];

/// The largest list page accepted: 1,000 rows of a few KB each, with room to spare.
pub const MAX_PAGE_BODY: usize = 16 * 1024 * 1024;

/// The page size the server accepted, remembered for the session so that a refused size is
/// not tried again. Clones share the memory.
#[derive(Debug, Clone, Default)]
pub struct PageSizeMemory(Arc<AtomicU32>);

impl PageSizeMemory {
    /// The largest size still worth asking for, if one was refused.
    pub fn ceiling(&self) -> Option<u32> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            n => Some(n),
        }
    }

    fn lower_to(&self, size: u32) {
        self.0.store(size, Ordering::Relaxed);
    }
}

/// A bound of the list's window as sent: a date (documented), or a full UTC instant (sent only
/// to a server seen to honour it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `2026-12-05`.
    Date(NaiveDate),
    /// `2026-12-05T12:00:00Z`.
    Time(DateTime<Utc>),
}

impl From<NaiveDate> for Bound {
    fn from(d: NaiveDate) -> Self {
        Bound::Date(d)
    }
}

impl Bound {
    /// The value as a query parameter.
    pub fn param(&self) -> String {
        match self {
            Bound::Date(d) => d.format("%Y-%m-%d").to_string(),
            Bound::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// What to ask the list endpoint for.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    /// The family whose logs are listed.
    pub family: super::Family,
    /// `created_after`.
    pub created_after: Option<Bound>,
    /// `created_before`.
    pub created_before: Option<Bound>,
    /// `created_on`, a UTC date.
    pub created_on: Option<NaiveDate>,
    /// `include_deleted=true`.
    pub include_deleted: bool,
    /// The most rows wanted in all (a page need not be larger).
    pub want: Option<usize>,
    /// The page size that worked before.
    pub memory: PageSizeMemory,
    /// The most pages to read (none: unbounded, for a caller that bounds the stream itself).
    pub max_pages: Option<usize>,
}

impl ListRequest {
    fn page_size(&self) -> u32 {
        let ceiling = self.memory.ceiling().unwrap_or(PAGE_SIZES[0]);
        let want = self.want.map_or(PAGE_SIZES[0], |w| {
            u32::try_from(w.max(1)).unwrap_or(u32::MAX)
        });
        ceiling.min(want).min(PAGE_SIZES[0])
    }
}

/// One page of rows.
#[derive(Debug, Clone)]
pub struct Page {
    /// The rows that are JSON objects, in the order sent.
    pub rows: Vec<Map<String, Value>>,
    /// Rows that were not objects, skipped.
    pub skipped: usize,
    /// Requests this page took, retries included.
    pub attempts: u32,
    /// The page size asked for on the first page (later pages follow the server's links).
    pub page_size: u32,
    /// The server gave no `next` link: no page follows.
    pub last: bool,
}

/// Why paging stopped early. Rows already yielded stay valid.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ListError {
    /// The request failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A `next` link to another scheme, host or port: no request was made to it.
    #[error(
        "the server's next-page link points to another origin ({origin}): not followed, so the credentials stay with {ours}"
    )]
    ForeignNext {
        /// The link's `host:port`, sanitised.
        origin: String,
        /// Ours, for the message.
        ours: String,
    },
    /// The list itself answered 404: no log ID was asked for, so the space, project or base
    /// URL is what is wrong.
    #[error(
        "the log list was not found in space {space} (project {project}): check the space, the project and the base URL's path"
    )]
    NoList {
        /// The space, sanitised.
        space: String,
        /// The project, shortened.
        project: String,
    },
    /// A `next` link that was already visited.
    #[error("the server's next-page link loops back to a page already read: {url}")]
    Loop {
        /// The link, sanitised and shortened.
        url: String,
    },
    /// A `next` link that is not a URL.
    #[error("the server's next-page link is not a URL: {link}")]
    BadNext {
        /// The link, sanitised and shortened.
        link: String,
    },
    /// A success body without a `data` array.
    #[error("a list page without a `data` array: {excerpt}")]
    NotAPage {
        /// The start of the body.
        excerpt: String,
    },
    /// Pages with no rows, each with a `next` link, several in a row.
    #[error(
        "the server sent {pages} empty pages in a row, each with a next-page link: stopped there"
    )]
    EmptyPages {
        /// How many in a row.
        pages: usize,
    },
    /// The user interrupted the scan (Ctrl-C, SIGTERM): the rows found so far are kept.
    #[error("interrupted by {signal}")]
    Interrupted {
        /// `SIGINT` or `SIGTERM`.
        signal: &'static str,
    },
    /// More pages than a scan of its size can need.
    #[error(
        "stopped after {pages} pages, more than a scan can need (the server's pages are too small, or never end)"
    )]
    TooManyPages {
        /// Pages read.
        pages: usize,
    },
}

/// Empty pages in a row (each with a `next` link) after which the pager stops.
pub const MAX_EMPTY_PAGES: usize = 3;

/// `https://host:port` of a URL, with the scheme's default port filled in; a URL without a
/// host (`javascript:…`, `data:…`) is its scheme, so the message never shows an empty `()`.
pub(super) fn origin_of(url: &Url) -> String {
    let scheme = url.scheme();
    let Some(host) = url.host_str() else {
        return format!("{scheme}:");
    };
    match url.port_or_known_default() {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// Whether `b` is on `a`'s origin: scheme, host and port, and no user or password in either
/// (a link with userinfo would carry credentials of its own: it is another origin).
pub(super) fn same_origin(a: &Url, b: &Url) -> bool {
    let bare = |u: &Url| u.username().is_empty() && u.password().is_none();
    bare(a)
        && bare(b)
        && a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A page's URL as the loop check compares it: no fragment, the query's pairs sorted, so that
/// the same page reached by a reordered or decorated link is seen again.
pub(super) fn visit_key(url: &Url) -> String {
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    let mut key = url.clone();
    key.set_fragment(None);
    key.set_query(None);
    if !pairs.is_empty() {
        key.query_pairs_mut().extend_pairs(pairs);
    }
    key.into()
}

fn shown(s: &str) -> String {
    truncate_chars(&sanitize(s), 200).into_owned()
}

/// Where the pager is.
struct Pager<'a> {
    client: &'a Client,
    request: ListRequest,
    /// The first page's URL without `page_size`, to retry with a smaller one.
    first: Url,
    next: Option<Url>,
    visited: HashSet<String>,
    page_size: u32,
    /// Whether a page has arrived (the page size is only stepped down on the first).
    started: bool,
    /// A bad `next` link, yielded after the page that carried it so that its rows count.
    failed: Option<ListError>,
    /// Pages read.
    pages: usize,
    /// Pages without rows read in a row.
    empty_in_a_row: usize,
}

impl Client {
    /// Pages through `GET /api/voice/logs` as `request` asks, newest first. The stream ends
    /// after the last page or after the first error, which it yields.
    pub fn list(&self, request: ListRequest) -> impl Stream<Item = Result<Page, ListError>> + '_ {
        let mut first = self.endpoint().url(request.family.list_path());
        {
            let mut q = first.query_pairs_mut();
            if request.include_deleted {
                q.append_pair("include_deleted", "true");
            }
            if let Some(b) = request.created_after {
                q.append_pair("created_after", &b.param());
            }
            if let Some(b) = request.created_before {
                q.append_pair("created_before", &b.param());
            }
            if let Some(d) = request.created_on {
                q.append_pair("created_on", &d.format("%Y-%m-%d").to_string());
            }
        }
        let page_size = request.page_size();
        let pager = Pager {
            client: self,
            request,
            next: Some(with_page_size(&first, page_size)),
            first,
            visited: HashSet::new(),
            page_size,
            started: false,
            failed: None,
            pages: 0,
            empty_in_a_row: 0,
        };
        futures::stream::unfold(pager, |mut pager| async move {
            if let Some(e) = pager.failed.take() {
                return Some((Err(e), pager));
            }
            let url = pager.next.take()?;
            let item = pager.fetch(url).await;
            Some((item, pager))
        })
    }
}

fn with_page_size(url: &Url, size: u32) -> Url {
    let mut u = url.clone();
    u.query_pairs_mut()
        .append_pair("page_size", &size.to_string());
    u
}

impl Pager<'_> {
    /// Fetches `url` (stepping the page size down on a 422 about it) and sets up the next one.
    async fn fetch(&mut self, mut url: Url) -> Result<Page, ListError> {
        let (raw, attempts) = loop {
            self.visited.insert(visit_key(&url));
            match self
                .client
                .get_at(url.clone(), MAX_PAGE_BODY, decode_page)
                .await
            {
                Ok((raw, attempts)) => break (raw, attempts),
                Err(e) if !self.started && refuses_page_size(&e) => {
                    let Some(smaller) = PAGE_SIZES.into_iter().find(|s| *s < self.page_size) else {
                        return Err(e.into());
                    };
                    tracing::debug!(from = self.page_size, to = smaller, "page size refused");
                    self.page_size = smaller;
                    self.request.memory.lower_to(smaller);
                    url = with_page_size(&self.first, smaller);
                }
                Err(ApiError::NotFound { target }) => {
                    return Err(ListError::NoList {
                        space: shown(&target.space),
                        project: target.project,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.started = true;
        self.read(raw, attempts)
    }

    /// Checks where a page's `links.next` points and sets up the next page.
    fn read(
        &mut self,
        body: Result<PageBody, ListError>,
        attempts: u32,
    ) -> Result<Page, ListError> {
        let body = body?;
        self.pages += 1;
        let empty = body.rows.is_empty() && body.skipped == 0;
        self.empty_in_a_row = if empty { self.empty_in_a_row + 1 } else { 0 };
        let page = Page {
            skipped: body.skipped,
            rows: body.rows,
            attempts,
            page_size: self.page_size,
            last: body.next.is_none(),
        };
        if let Some(link) = body.bad_next {
            self.failed = Some(ListError::BadNext { link });
        } else if let Some(next) = body.next {
            // Bounds whatever the server sends: pages with nothing in them forever, or more
            // pages than the scan can need.
            if self.empty_in_a_row >= MAX_EMPTY_PAGES {
                self.failed = Some(ListError::EmptyPages {
                    pages: self.empty_in_a_row,
                });
            } else if self.request.max_pages.is_some_and(|max| self.pages >= max) {
                self.failed = Some(ListError::TooManyPages { pages: self.pages });
            } else {
                match self.check_next(&next) {
                    Ok(url) => self.next = Some(url),
                    Err(e) => self.failed = Some(e),
                }
            }
        }
        Ok(page)
    }

    /// The next page's URL, if it is on our origin and not yet visited.
    fn check_next(&self, next: &str) -> Result<Url, ListError> {
        // A relative link is read against the first page's URL, as a browser would.
        let mut url = self
            .first
            .join(next)
            .map_err(|_| ListError::BadNext { link: shown(next) })?;
        // A fragment never reaches the server: the same page whatever it says.
        url.set_fragment(None);
        if !same_origin(&url, &self.first) {
            return Err(ListError::ForeignNext {
                origin: shown(&origin_of(&url)),
                ours: shown(&origin_of(&self.first)),
            });
        }
        if self.visited.contains(&visit_key(&url)) {
            return Err(ListError::Loop {
                url: shown(url.as_str()),
            });
        }
        Ok(url)
    }
}

/// Whether a 422 names `page_size`.
fn refuses_page_size(e: &ApiError) -> bool {
    match e {
        ApiError::Unprocessable { items, .. } => items.iter().any(|i| {
            [&i.attribute, &i.message]
                .into_iter()
                .flatten()
                .any(|s| s.contains("page_size"))
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::{ErrorItem, Target};

    #[test]
    fn page_size_follows_the_limit_and_the_memory() {
        let mut r = ListRequest::default();
        assert_eq!(r.page_size(), 1000);
        r.want = Some(20);
        assert_eq!(r.page_size(), 20);
        r.want = Some(0);
        assert_eq!(r.page_size(), 1);
        r.want = None;
        r.memory.lower_to(200);
        assert_eq!(r.page_size(), 200);
        assert_eq!(r.clone().memory.ceiling(), Some(200), "clones share it");
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let a = Url::parse("https://acme.signalwire.com/api/voice/logs").unwrap();
        let same = Url::parse("https://acme.signalwire.com:443/api/voice/logs?x=1").unwrap();
        assert!(same_origin(&a, &same));
        for other in [
            "http://acme.signalwire.com/api",
            "https://evil.example/api",
            "https://acme.signalwire.com:8443/api",
        ] {
            assert!(!same_origin(&a, &Url::parse(other).unwrap()), "{other}");
        }
        assert_eq!(origin_of(&a), "https://acme.signalwire.com:443");
        assert_eq!(
            origin_of(&Url::parse("javascript:alert(1)").unwrap()),
            "javascript:"
        );
        let with_user = Url::parse("https://user:pass@acme.signalwire.com/api").unwrap();
        assert!(!same_origin(&a, &with_user), "userinfo is another origin");
    }

    #[test]
    fn the_loop_check_sees_a_page_through_its_fragment_and_query_order() {
        let a = Url::parse("https://h/api/voice/logs?page_token=PA1&page_size=1000").unwrap();
        for same in [
            "https://h/api/voice/logs?page_token=PA1&page_size=1000#x1",
            "https://h/api/voice/logs?page_size=1000&page_token=PA1#y",
        ] {
            assert_eq!(
                visit_key(&a),
                visit_key(&Url::parse(same).unwrap()),
                "{same}"
            );
        }
        let other = Url::parse("https://h/api/voice/logs?page_token=PA2&page_size=1000").unwrap();
        assert_ne!(visit_key(&a), visit_key(&other));
    }

    #[test]
    fn a_next_link_that_is_not_a_string_is_malformed_not_the_last_page() {
        for next in [
            serde_json::json!(7),
            serde_json::json!({"href": "x"}),
            serde_json::json!(true),
        ] {
            let page = serde_json::json!({"links": {"next": next}, "data": [{"id": "a"}]});
            let serde_json::Value::Object(raw) = page else {
                unreachable!()
            };
            let body = split_page(raw).unwrap();
            assert_eq!(body.next, None);
            assert!(body.bad_next.is_some(), "{next}");
            assert_eq!(body.rows.len(), 1, "its rows still count");
        }
    }

    #[test]
    fn only_a_422_about_page_size_steps_down() {
        let item = |attribute: &str| ErrorItem {
            attribute: Some(attribute.to_owned()),
            ..ErrorItem::default()
        };
        let e = |items| ApiError::Unprocessable {
            items,
            target: Target::default(),
        };
        assert!(refuses_page_size(&e(vec![item("page_size")])));
        assert!(!refuses_page_size(&e(vec![item("created_after")])));
        assert!(!refuses_page_size(&ApiError::rate_limited(3)));
    }
}
