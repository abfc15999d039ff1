//! The list as an aligned table for a terminal or a pager: created (local time), type, from,
//! to, status, duration, charge, ID. Every server string is sanitised; colour is optional; on a
//! terminal the table is fitted to its width (see [`super::fit`]), elsewhere values are whole.

use crossterm::style::Stylize;

use super::fit::{Column, Columns};
use super::row::Row;
use crate::api::model::Outcome;
use crate::present::format::{Clock, duration_ms, money};
use crate::text::sanitize;

/// The column titles.
pub const HEADER: [&str; 8] = [
    "CREATED", "TYPE", "FROM", "TO", "STATUS", "DURATION", "CHARGE", "ID",
];

/// One row's cells, sanitised and whole, in [`HEADER`] order.
pub fn cells(row: &Row, clock: &Clock) -> [String; 8] {
    let text = |s: &str| sanitize(s).into_owned();
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

/// The table as text, one line per row after the header, columns padded to line up; fitted to
/// `width` columns when given (what a ticket needs kept first, each cut marked), else whole.
pub fn render(rows: &[Row], clock: &Clock, color: bool, width: Option<usize>) -> String {
    let body: Vec<[String; 8]> = rows.iter().map(|r| cells(r, clock)).collect();
    let natural = Columns::natural(body.iter().cloned());
    let columns = match width {
        Some(w) => Columns::fit(w, &natural, Column::Created),
        None => Columns::whole(&natural),
    };
    let mut out = String::new();
    let header: Vec<(Column, String)> = columns.header(None);
    line(&mut out, &header, columns.gap, |_, s| {
        if color { s.bold().to_string() } else { s }
    });
    for (row, cells) in rows.iter().zip(&body) {
        line(&mut out, &columns.cut(cells), columns.gap, |c, s| {
            if !color || c != Column::Status {
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

/// Appends one line of padded cells; `paint` colours a cell (padding is measured before
/// colour). The last cell's padding is dropped.
fn line(
    out: &mut String,
    cells: &[(Column, String)],
    gap: usize,
    paint: impl Fn(Column, String) -> String,
) {
    let last = cells.len().saturating_sub(1);
    for (i, (column, cell)) in cells.iter().enumerate() {
        let cell = if i == last && !column.right_aligned() {
            cell.trim_end().to_owned()
        } else {
            cell.clone()
        };
        out.push_str(&paint(*column, cell));
        if i != last {
            out.push_str(&" ".repeat(gap));
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
    use unicode_width::UnicodeWidthStr;

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
        let text = render(&rows, &clock, false, None);
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
        let colored = render(&rows, &clock, true, None);
        let red = "x".red().to_string();
        let red = &red[..red.find('x').unwrap()];
        assert!(
            colored.contains(&format!("{red}failed")),
            "failed is red: {colored:?}"
        );
    }

    #[test]
    fn on_a_terminal_the_table_fits_its_width_and_elsewhere_values_are_whole() {
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap());
        let from = "sip:+14155550123@acme.sip.signalwire.com";
        let id = "b7182dc2-00f3-40e4-a5ce-20f164b329df";
        let rows = [row(
            json!({"id": id, "type": "relay_sip_call", "from": from, "to": "whatsapp:+12065553434", "status": "no-answer", "created_at": "2026-11-25T14:00:00Z", "duration_ms": 65000, "charge": 0.0123}),
        )];
        let fitted = render(&rows, &clock, false, Some(80));
        for l in fitted.lines() {
            assert!(l.width() <= 80, "{}: {l}", l.width());
        }
        let line = fitted.lines().nth(1).unwrap();
        for kept in [
            "no-answer",
            "1m 05.000s",
            "$0.0123",
            "b7182dc2",
            "4155550123",
        ] {
            assert!(line.contains(kept), "{kept}: {fitted}");
        }
        assert!(!line.contains(id), "a short ID when tight: {fitted}");
        let whole = render(&rows, &clock, false, None);
        assert!(whole.contains(id) && whole.contains(from), "{whole}");
        // Wide enough, the ID is whole again.
        assert!(render(&rows, &clock, false, Some(400)).contains(id));
    }
}
