//! Whether the server's list narrows to the instant when given full timestamps: asked once per
//! space, over a stretch the index already holds completely, and judged by comparing the rows
//! that come back with the rows known to be there.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt as _;

use super::handle::IndexHandle;
use super::plan::TimeFilter;
use crate::api::ApiError;
use crate::api::Client;
use crate::api::list::{Bound, ListError, ListRequest};
use crate::index::{RowFilter, Scope, Window};

/// Rows of the covered stretch looked at to choose the probe's window.
const SAMPLE: usize = 300;

/// The probe's window within the known rows, and what a server that honours it must send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Probe {
    /// `[from, to)`, whole seconds.
    pub window: Window,
    /// IDs known to lie in it.
    pub expected: HashSet<String>,
}

/// A probe over `rows` (ID and `created_at`, any order), when they can tell the answers apart:
/// some known row must lie outside the window but on the same UTC date as its edge, so that a
/// server reading the bounds as dates would send it.
pub(super) fn choose(rows: &[(String, DateTime<Utc>)]) -> Option<Probe> {
    let second = |t: &DateTime<Utc>| DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(*t);
    let mut seconds: Vec<DateTime<Utc>> = rows.iter().map(|(_, t)| second(t)).collect();
    seconds.sort_unstable_by(|a, b| b.cmp(a));
    seconds.dedup();
    if seconds.len() < 4 {
        return None;
    }
    let (newest, hi) = (seconds[0], seconds[1]);
    let (oldest, lo) = (seconds[seconds.len() - 1], seconds[seconds.len() - 2]);
    let one = TimeDelta::seconds(1);
    let above = newest > hi + one && newest.date_naive() == hi.date_naive();
    let below = oldest < lo - one && oldest.date_naive() == lo.date_naive();
    if !(above || below) {
        return None;
    }
    let window = Window::new(lo, hi + one);
    let expected = rows
        .iter()
        .filter(|(_, t)| *t >= window.from && *t < window.to)
        .map(|(id, _)| id.clone())
        .collect();
    Some(Probe { window, expected })
}

/// The verdict on the rows sent for `probe` (`last`: no page followed).
pub(super) fn judge(
    probe: &Probe,
    sent: &[(String, Option<DateTime<Utc>>)],
    last: bool,
) -> TimeFilter {
    let slack = TimeDelta::seconds(1);
    let ids: HashSet<&str> = sent.iter().map(|(id, _)| id.as_str()).collect();
    let all_came = probe.expected.iter().all(|id| ids.contains(id.as_str()));
    let narrowed = sent.iter().all(|(_, t)| {
        t.is_some_and(|t| t >= probe.window.from - slack && t < probe.window.to + slack)
    });
    if last && all_came && narrowed {
        TimeFilter::Timestamps
    } else {
        TimeFilter::Dates
    }
}

/// Asks the probe over `covered` (a stretch the index holds completely); `None` when the rows
/// cannot tell, the index is unavailable or the network failed (asked again next time).
pub(super) async fn run(
    client: &Client,
    index: &IndexHandle,
    scope: &Scope,
    covered: Window,
    base: &ListRequest,
) -> Option<TimeFilter> {
    let scope = scope.clone();
    let rows = index
        .run(move |ix| {
            let filter = RowFilter {
                limit: Some(SAMPLE),
                ..RowFilter::default()
            };
            ix.rows_in(&scope, covered, &filter)
        })
        .await?;
    let known: Vec<(String, DateTime<Utc>)> = rows
        .into_iter()
        .filter_map(|r| Some((r.id, r.created_at?)))
        .collect();
    let probe = choose(&known)?;
    let request = ListRequest {
        created_after: Some(Bound::Time(probe.window.from)),
        created_before: Some(Bound::Time(probe.window.to)),
        created_on: None,
        want: None,
        max_pages: Some(1),
        ..base.clone()
    };
    let mut pages = std::pin::pin!(client.list(request));
    match pages.next().await? {
        Ok(page) => {
            let sent: Vec<_> = page
                .rows
                .iter()
                .map(|r| {
                    let id = r.get("id").and_then(|v| v.as_str()).unwrap_or("");
                    (id.trim().to_ascii_lowercase(), super::streams::created(r))
                })
                .collect();
            Some(judge(&probe, &sent, page.last))
        }
        // The server refused the timestamps themselves: dates it is.
        Err(ListError::Api(ApiError::Unprocessable { .. } | ApiError::BadRequest { .. })) => {
            Some(TimeFilter::Dates)
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn rows() -> Vec<(String, DateTime<Utc>)> {
        [
            ("a", "2026-12-05T10:00:00Z"),
            ("b", "2026-12-05T10:00:05Z"),
            ("c", "2026-12-05T10:00:07.250Z"),
            ("d", "2026-12-05T10:00:09Z"),
            ("e", "2026-12-05T10:00:20Z"),
        ]
        .iter()
        .map(|(id, t)| (id.to_string(), at(t)))
        .collect()
    }

    #[test]
    fn the_window_leaves_known_rows_outside_it_on_the_same_date() {
        let p = choose(&rows()).unwrap();
        assert_eq!(
            p.window,
            Window::new(at("2026-12-05T10:00:05Z"), at("2026-12-05T10:00:10Z"))
        );
        let mut expected: Vec<_> = p.expected.iter().cloned().collect();
        expected.sort();
        assert_eq!(expected, ["b", "c", "d"]);
        assert_eq!(choose(&rows()[..3]), None, "too few instants to tell");
    }

    #[test]
    fn rows_that_cannot_tell_dates_from_instants_choose_no_probe() {
        // The rows outside the window are on other dates: a server reading dates would not
        // send them either.
        let spread: Vec<_> = [
            ("a", "2026-12-03T23:59:59Z"),
            ("b", "2026-12-04T10:00:00Z"),
            ("c", "2026-12-04T10:00:00.5Z"),
            ("d", "2026-12-04T10:00:01Z"),
            ("e", "2026-12-05T00:00:00Z"),
        ]
        .iter()
        .map(|(id, t)| (id.to_string(), at(t)))
        .collect();
        assert_eq!(choose(&spread), None);
    }

    #[test]
    fn only_an_answer_with_every_known_row_and_nothing_outside_is_honoured() {
        let p = choose(&rows()).unwrap();
        let sent = |ids: &[(&str, &str)]| -> Vec<(String, Option<DateTime<Utc>>)> {
            ids.iter()
                .map(|(id, t)| (id.to_string(), Some(at(t))))
                .collect()
        };
        let exact = sent(&[
            ("d", "2026-12-05T10:00:09Z"),
            ("c", "2026-12-05T10:00:07.250Z"),
            ("b", "2026-12-05T10:00:05Z"),
        ]);
        assert_eq!(judge(&p, &exact, true), TimeFilter::Timestamps);
        assert_eq!(
            judge(&p, &exact, false),
            TimeFilter::Dates,
            "more pages: not narrowed"
        );
        let whole_day = sent(&[
            ("e", "2026-12-05T10:00:20Z"),
            ("d", "2026-12-05T10:00:09Z"),
            ("c", "2026-12-05T10:00:07.250Z"),
            ("b", "2026-12-05T10:00:05Z"),
            ("a", "2026-12-05T10:00:00Z"),
        ]);
        assert_eq!(judge(&p, &whole_day, true), TimeFilter::Dates);
        let missing = sent(&[("d", "2026-12-05T10:00:09Z")]);
        assert_eq!(
            judge(&p, &missing, true),
            TimeFilter::Dates,
            "rows left out"
        );
    }
}
