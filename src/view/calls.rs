//! The Calls view's table at a width: which of the CLI table's columns fit and how wide each
//! is, a row's cells cut to those widths, the progress line and the reason a scan stopped, in
//! words. No drawing: the state builds these and `ui` only colours them.

use std::cmp::Reverse;

use chrono::{DateTime, Local, Utc};

pub use crate::list::fit::{Column, Columns, GAP, pad};
use crate::list::table;
use crate::list::{Row, Stop};
use crate::present::format::Clock;

/// How the rows are ordered; each is biggest (newest) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By creation time, newest first.
    #[default]
    Time,
    /// By duration, longest first.
    Duration,
    /// By charge, costliest first.
    Charge,
}

impl Sort {
    /// The next order in the cycle.
    pub fn next(self) -> Self {
        match self {
            Sort::Time => Sort::Duration,
            Sort::Duration => Sort::Charge,
            Sort::Charge => Sort::Time,
        }
    }

    /// The order in words, for the header.
    pub fn words(self) -> &'static str {
        match self {
            Sort::Time => "newest first",
            Sort::Duration => "longest first",
            Sort::Charge => "costliest first",
        }
    }

    /// The column it sorts by.
    pub fn column(self) -> Column {
        match self {
            Sort::Time => Column::Created,
            Sort::Duration => Column::Duration,
            Sort::Charge => Column::Charge,
        }
    }

    /// Orders `order` (indices into `rows`) in place; rows without the value go last, and
    /// equal rows keep the order the server sent them in.
    pub fn apply(self, rows: &[Row], order: &mut [usize]) {
        match self {
            Sort::Time => order.sort_by_key(|i| Reverse(rows[*i].created_at)),
            Sort::Duration => order.sort_by_key(|i| Reverse(rows[*i].duration_ms)),
            Sort::Charge => order.sort_by(|a, b| {
                let key = |i: &usize| rows[*i].charge.filter(|c| c.is_finite());
                key(b)
                    .partial_cmp(&key(a))
                    .unwrap_or(std::cmp::Ordering::Equal)
            }),
        }
    }
}

/// Whether `row` holds `needle` (lower-cased) in from, to, ID, status or type, any case.
pub fn narrows_to(row: &Row, needle: &str) -> bool {
    needle.is_empty()
        || [
            row.cell("from"),
            row.cell("to"),
            row.cell("id"),
            row.cell("status"),
            std::borrow::Cow::Borrowed(&*row.kind),
        ]
        .iter()
        .any(|s| s.to_lowercase().contains(needle))
}

/// A row's text in each column, sanitised, not yet cut to a width.
pub fn cells(row: &Row, clock: &Clock) -> [String; 8] {
    let mut cells = table::cells(row, clock);
    if let Some(t) = row.created_at {
        cells[0] = short_local(t, clock, true);
    }
    cells
}

/// `12-06 14:03:05` (or without seconds) in the user's zone.
pub fn short_local(t: DateTime<Utc>, clock: &Clock, seconds: bool) -> String {
    let format = if seconds {
        "%m-%d %H:%M:%S"
    } else {
        "%m-%d %H:%M"
    };
    match clock.zone {
        Some(z) => t.with_timezone(&z).format(format).to_string(),
        None => t.with_timezone(&Local).format(format).to_string(),
    }
}

/// Why a scan stopped, in words.
pub fn stop_words(stop: Stop) -> &'static str {
    match stop {
        Stop::LastPage | Stop::PastWindow => "done",
        Stop::Limit => "limit reached: narrow the window or raise the limit",
        Stop::ScanCap => "scan cap reached",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VoiceLog;
    use crate::list::Progress;
    use chrono::TimeZone;
    use serde_json::json;

    fn row(v: serde_json::Value) -> Row {
        let serde_json::Value::Object(m) = v else {
            panic!("an object")
        };
        Row::of(&VoiceLog::from_object(m))
    }

    fn sample() -> Row {
        row(json!({
            "id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay_pstn_call",
            "from": "+14155550123", "to": "sip:alice@example.com\u{1b}[2J", "status": "completed",
            "created_at": "2026-11-25T14:00:05Z", "duration_ms": 61000, "charge": 0.0123
        }))
    }

    fn clock() -> Clock {
        Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 25, 17, 0, 0).unwrap())
    }

    #[test]
    fn cells_are_sanitised_and_cut_to_their_width() {
        let cells = cells(&sample(), &clock());
        assert_eq!(cells[0], "11-25 14:00:05");
        assert!(cells[3].contains("\\u{1b}[2J"), "{}", cells[3]);
        let cols = Columns {
            shown: vec![(Column::Created, 11), (Column::To, 8), (Column::Charge, 9)],
            gap: GAP,
        };
        let cut = cols.cut(&cells);
        assert_eq!(cut[0].1, "11-25 14:00");
        assert_eq!(cut[1].1, "…alice… ", "the user part of an address");
        assert_eq!(cut[2].1, "  $0.0123", "numbers line up on the right");
        assert_eq!(
            pad("界界界", 4, false),
            "界… ",
            "wide characters count double"
        );
    }

    #[test]
    fn sorting_puts_rows_without_a_value_last() {
        let rows = vec![
            row(
                json!({"id": "a", "created_at": "2026-11-25T10:00:00Z", "duration_ms": 5, "charge": 0.5}),
            ),
            row(json!({"id": "b", "created_at": "2026-11-25T12:00:00Z"})),
            row(
                json!({"id": "c", "created_at": "2026-11-25T11:00:00Z", "duration_ms": 9, "charge": 0.1}),
            ),
        ];
        let sorted = |s: Sort| {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            s.apply(&rows, &mut order);
            order
        };
        assert_eq!(sorted(Sort::Time), [1, 2, 0]);
        assert_eq!(sorted(Sort::Duration), [2, 0, 1]);
        assert_eq!(sorted(Sort::Charge), [0, 2, 1]);
        assert_eq!(Sort::Charge.next(), Sort::Time);
    }

    #[test]
    fn progress_and_stops_in_words() {
        let p = Progress {
            pages: 3,
            scanned: 2847,
            matched: 12,
            ..Progress::default()
        };
        assert_eq!(p.summary(), "3 pages · 2,847 logs scanned · 12 matches");
        let one = Progress {
            pages: 1,
            scanned: 1,
            matched: 1,
            ..Progress::default()
        };
        assert_eq!(one.summary(), "1 page · 1 log scanned · 1 match");
        assert_eq!(stop_words(Stop::PastWindow), "done");
        assert!(narrows_to(&sample(), "alice"));
        assert!(narrows_to(&sample(), "pstn"));
        assert!(!narrows_to(&sample(), "bob"));
    }
}
