//! The Calls view's table at a width: which of the CLI table's columns fit and how wide each
//! is, a row's cells cut to those widths, the progress line and the reason a scan stopped, in
//! words. No drawing: the state builds these and `ui` only colours them.

use std::cmp::Reverse;

use chrono::{DateTime, Local, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::list::table;
use crate::list::{Row, Stop};
use crate::present::format::Clock;

/// A column of the table, in the CLI table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// When the call was created, local time.
    Created,
    /// The type in a few words.
    Type,
    /// The caller.
    From,
    /// The callee.
    To,
    /// The status.
    Status,
    /// How long it lasted.
    Duration,
    /// What it cost.
    Charge,
    /// The log ID.
    Id,
}

/// The columns in the order shown.
pub const COLUMNS: [Column; 8] = [
    Column::Created,
    Column::Type,
    Column::From,
    Column::To,
    Column::Status,
    Column::Duration,
    Column::Charge,
    Column::Id,
];

/// The columns kept first when the pane is narrow: the ID is the last thing to lose, then when
/// and who; the type goes first, then the charge.
const KEEP_ORDER: [Column; 8] = [
    Column::Id,
    Column::Created,
    Column::From,
    Column::To,
    Column::Status,
    Column::Duration,
    Column::Charge,
    Column::Type,
];

/// `MM-DD HH:MM:SS` and, when narrow, `MM-DD HH:MM`.
const CREATED_FULL: usize = 14;
const CREATED_SHORT: usize = 11;
const ID_WIDTH: usize = 36;

impl Column {
    fn index(self) -> usize {
        COLUMNS.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The header title.
    pub fn title(self) -> &'static str {
        table::HEADER[self.index()]
    }

    /// Whether the column lines up on the right (numbers).
    pub fn right_aligned(self) -> bool {
        matches!(self, Column::Duration | Column::Charge)
    }

    /// The narrowest the column is shown before it is dropped.
    fn min_width(self, natural: usize) -> usize {
        let floor = match self {
            Column::Created => CREATED_SHORT,
            // A whole number: `+14155550123`.
            Column::From | Column::To => 12,
            // `completed`, `PSTN call`.
            Column::Status | Column::Type => 9,
            Column::Duration | Column::Charge | Column::Id => natural,
        };
        floor.min(natural)
    }
}

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

fn short_local(t: DateTime<Utc>, clock: &Clock, seconds: bool) -> String {
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

/// The columns shown and their widths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Columns {
    /// Each shown column with its width, in display order.
    pub shown: Vec<(Column, usize)>,
    /// The spaces between two columns.
    pub gap: usize,
}

/// The space between two columns, when there is room.
pub const GAP: usize = 2;

impl Columns {
    /// Fits the columns into `width`, given each column's widest cell (`natural`, in
    /// [`COLUMNS`] order, header included). Columns are kept in [`KEEP_ORDER`] while their
    /// narrowest fits; the room left widens them in the same order. Columns stand two spaces
    /// apart, or one when that keeps another column.
    /// `sorted`, the column the rows are sorted by, is kept right after the ID.
    pub fn fit(width: usize, natural: &[usize; 8], sorted: Column) -> Self {
        let first = [Column::Id, sorted];
        let order: Vec<Column> = first
            .into_iter()
            .chain(KEEP_ORDER.into_iter().filter(|c| !first.contains(c)))
            .collect();
        let roomy = Self::fit_with_gap(width, natural, GAP, &order);
        let tight = Self::fit_with_gap(width, natural, 1, &order);
        if tight.shown.len() > roomy.shown.len() {
            tight
        } else {
            roomy
        }
    }

    fn fit_with_gap(width: usize, natural: &[usize; 8], gap: usize, order: &[Column]) -> Self {
        let nat = |c: Column| natural[c.index()];
        let mut kept: Vec<(Column, usize)> = Vec::new();
        let mut used = 0;
        for &c in order {
            let min = c.min_width(nat(c));
            let need = min + if kept.is_empty() { 0 } else { gap };
            if used + need <= width {
                kept.push((c, min));
                used += need;
            } else {
                if kept.is_empty() {
                    // Not even the ID fits whole: show what does.
                    kept.push((c, width));
                    used = width;
                }
                // Strictly in order: a less wanted column never takes a more wanted one's place.
                break;
            }
        }
        for (c, w) in &mut kept {
            let more = nat(*c).saturating_sub(*w).min(width.saturating_sub(used));
            *w += more;
            used += more;
        }
        kept.sort_by_key(|(c, _)| c.index());
        Self { shown: kept, gap }
    }

    /// The widest cell of each column over `rows` (and the titles).
    pub fn natural(rows: impl IntoIterator<Item = [String; 8]>) -> [usize; 8] {
        // A title has room for the sort's mark.
        let mut widths = table::HEADER.map(|h| h.width() + 1);
        widths[Column::Id.index()] = ID_WIDTH;
        for cells in rows {
            for (w, c) in widths.iter_mut().zip(&cells) {
                *w = (*w).max(c.width());
            }
        }
        widths[Column::Created.index()] = widths[Column::Created.index()].min(CREATED_FULL);
        widths
    }

    /// A row's cells cut and padded to the shown widths, each with its column.
    pub fn cut(&self, cells: &[String; 8]) -> Vec<(Column, String)> {
        self.shown
            .iter()
            .map(|(c, w)| {
                let text = &cells[c.index()];
                // A date that does not fit loses its seconds before anything is cut.
                let text = if *c == Column::Created && text.width() > *w && text.len() == 14 {
                    &text[..CREATED_SHORT]
                } else {
                    text.as_str()
                };
                (*c, pad(text, *w, c.right_aligned()))
            })
            .collect()
    }

    /// The header's cells, the sorted column marked with ▼.
    pub fn header(&self, sort: Sort) -> Vec<(Column, String)> {
        let titles: [String; 8] = COLUMNS.map(|c| {
            if c == sort.column() {
                format!("{}▼", c.title())
            } else {
                c.title().to_owned()
            }
        });
        self.cut(&titles)
    }
}

/// `text` cut to `width` columns (an ellipsis marks the cut) and padded to it.
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let mut out = String::new();
    let mut used = 0;
    if text.width() > width {
        for ch in text.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(ch);
            used += w;
        }
        if width > 0 {
            out.push('…');
            used += 1;
        }
    } else {
        out.push_str(text);
        used = text.width();
    }
    let fill = " ".repeat(width.saturating_sub(used));
    if right { fill + &out } else { out + &fill }
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
    fn narrow_panes_drop_the_charge_and_type_first_and_keep_the_id_whole() {
        let cells = cells(&sample(), &clock());
        let natural = Columns::natural([cells.clone()]);
        let wide = Columns::fit(200, &natural, Column::Created);
        assert_eq!(wide.shown.len(), 8);
        for width in [48, 60, 76, 80, 116] {
            let cols = Columns::fit(width, &natural, Column::Created);
            let total: usize = cols.shown.iter().map(|(_, w)| w).sum::<usize>()
                + cols.gap * (cols.shown.len() - 1);
            assert!(total <= width, "{width}: {cols:?}");
            assert!(
                cols.shown.contains(&(Column::Id, 36)),
                "{width}: the ID whole"
            );
        }
        let by_duration: Vec<Column> = Columns::fit(76, &natural, Column::Duration)
            .shown
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(
            by_duration,
            [Column::Created, Column::From, Column::Duration, Column::Id],
            "the sorted column is kept"
        );
        let at_76: Vec<Column> = Columns::fit(76, &natural, Column::Created)
            .shown
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(
            at_76,
            [Column::Created, Column::From, Column::To, Column::Id]
        );
        let tiny = Columns::fit(20, &natural, Column::Created);
        assert_eq!(tiny.shown, vec![(Column::Id, 20)], "cut, never more");
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
        assert_eq!(cut[1].1, "sip:ali…");
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
        assert_eq!(p.summary(), "3 pages · 2,847 logs scanned · 12 match");
        assert_eq!(stop_words(Stop::PastWindow), "done");
        assert!(narrows_to(&sample(), "alice"));
        assert!(narrows_to(&sample(), "pstn"));
        assert!(!narrows_to(&sample(), "bob"));
    }
}
