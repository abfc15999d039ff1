//! The list as an aligned table for a terminal or a pager: created (local time), type, from,
//! to, status, duration, charge, ID. Every server string is sanitised; colour is optional.

use crossterm::style::Stylize;
use unicode_width::UnicodeWidthStr;

use super::row::Row;
use crate::api::model::Outcome;
use crate::present::format::{Clock, duration_ms, money};
use crate::text::{sanitize, truncate_chars};

/// The column titles.
pub const HEADER: [&str; 8] = [
    "CREATED", "TYPE", "FROM", "TO", "STATUS", "DURATION", "CHARGE", "ID",
];

/// The widest a free-text cell (from, to, type, status) is shown, in characters.
const MAX_CELL: usize = 40;

/// One row's cells, sanitised, in [`HEADER`] order.
pub fn cells(row: &Row, clock: &Clock) -> [String; 8] {
    let text = |s: &str| truncate_chars(&sanitize(s), MAX_CELL).into_owned();
    let created = match row.created_at {
        Some(t) => clock.local(t),
        None => text(&row.cell("created_at")),
    };
    [
        created,
        text(&row.kind),
        text(&row.cell("from")),
        text(&row.cell("to")),
        text(&row.cell("status")),
        row.duration_ms.map(duration_ms).unwrap_or_default(),
        row.charge.map(money).unwrap_or_default(),
        text(&row.cell("id")),
    ]
}

/// The table as text, one line per row after the header, columns padded to line up.
pub fn render(rows: &[Row], clock: &Clock, color: bool) -> String {
    let body: Vec<[String; 8]> = rows.iter().map(|r| cells(r, clock)).collect();
    let mut widths = HEADER.map(UnicodeWidthStr::width);
    for cells in &body {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.width());
        }
    }
    let mut out = String::new();
    let header = HEADER.map(str::to_owned);
    line(&mut out, &header, &widths, |i, s| {
        if color && i < HEADER.len() {
            s.bold().to_string()
        } else {
            s
        }
    });
    for (row, cells) in rows.iter().zip(&body) {
        line(&mut out, cells, &widths, |i, s| {
            if !color || i != 4 {
                return s;
            }
            match row.outcome {
                Outcome::Good => s.green().to_string(),
                Outcome::Bad => s.red().to_string(),
                Outcome::Live => s.yellow().to_string(),
                Outcome::Unknown => s,
            }
        });
    }
    out
}

/// Appends one line; `paint` colours a padded cell (padding is measured before colour).
fn line(
    out: &mut String,
    cells: &[String; 8],
    widths: &[usize; 8],
    paint: impl Fn(usize, String) -> String,
) {
    let last = cells.len() - 1;
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        // Numbers line up on the right; text on the left. The last column is not padded.
        let padded = match i {
            _ if i == last => cell.clone(),
            5 | 6 => format!("{}{cell}", " ".repeat(w - cell.width())),
            _ => format!("{cell}{}", " ".repeat(w - cell.width())),
        };
        out.push_str(&paint(i, padded));
        if i != last {
            out.push_str("  ");
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VoiceLog;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    fn row(v: serde_json::Value) -> Row {
        let serde_json::Value::Object(m) = v else {
            panic!()
        };
        Row::of(&VoiceLog::from_object(m))
    }

    #[test]
    fn columns_line_up_and_hostile_strings_are_escaped() {
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap());
        let rows = [
            row(
                json!({"id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay_pstn_call", "from": "+14155550123", "to": "\u{1b}[2Jevil\u{9b}", "status": "failed", "created_at": "2026-11-25T14:00:00Z", "duration_ms": 9638, "charge": 0.01}),
            ),
            row(json!({"type": "x_new", "from": "界界", "created_at": "bad"})),
        ];
        let text = render(&rows, &clock, false);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{9b}'),
            "{text}"
        );
        assert!(text.contains("\\u{1b}[2Jevil\\u{9b}"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let width_before = |l: &str, at: &str| l.find(at).map(|i| l[..i].width());
        assert_eq!(
            width_before(lines[1], "PSTN call"),
            width_before(lines[0], "TYPE")
        );
        assert_eq!(
            width_before(lines[2], "x_new"),
            width_before(lines[0], "TYPE")
        );
        assert_eq!(
            width_before(lines[2], "界界"),
            width_before(lines[0], "FROM")
        );
        assert!(lines[1].contains("2026-11-25 14:00:00 +00:00"), "{text}");
        assert!(
            lines[1].contains("9.638s") && lines[1].contains("$0.01"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("bad "),
            "an unreadable date is shown as sent: {text}"
        );
        let colored = render(&rows, &clock, true);
        let red = "x".red().to_string();
        let red = &red[..red.find('x').unwrap()];
        assert!(
            colored.contains(&format!("{red}failed")),
            "failed is red: {colored:?}"
        );
    }
}
