//! The charge table as the detail pane lays it out: one line per charge with its share as a
//! bar, the total under the amounts, then a warning when the lines do not add up. The rows are
//! [`Charges::table`]'s, the ones `swlog get` and the ticket summary show.

use unicode_width::UnicodeWidthStr;

use super::{Line, Role, wrap};
use crate::present::Charges;
use crate::present::charges::TableRow;
use crate::text::truncate_chars;

/// The table's lines at `width`: every charge line (the pane scrolls, and only what is on
/// screen is drawn).
pub fn lines(c: &Charges, width: usize) -> Vec<Line> {
    let table = c.table(None);
    let w = Charges::widths(&table, UnicodeWidthStr::width);
    let amount_w = w.amount.max(c.total.width());
    let longest = w.description.max("Total".width());
    // "  desc  amount  100%  bar": the bar takes what is left, up to 20 cells.
    let rest = width.saturating_sub(2 + 2 + amount_w + 6);
    let bar_w = if rest >= 24 { (rest / 3).min(20) } else { 0 };
    // Amounts sit next to the descriptions, not at the far edge of a wide pane.
    let desc_w = rest
        .saturating_sub(bar_w + usize::from(bar_w > 0))
        .min(longest)
        .max(4);
    let total_line = Line::styled(
        format!("  {:<desc_w$}  {:>amount_w$}", "Total", c.total),
        Role::Title,
    );
    let mut out = Vec::with_capacity(table.len() + 1);
    // The total sits under the amounts, after the lines; without lines it is said with why.
    let mut total = None;
    for row in &table {
        match row {
            TableRow::Total(_) => total = Some(total_line.clone()),
            TableRow::Free => {
                total = None;
                out.push(Line::styled("  no charge", Role::Dim));
            }
            TableRow::NoBreakdown => {
                total = None;
                out.push(Line::styled(
                    format!("  {} (no breakdown given)", c.total),
                    Role::Title,
                ));
            }
            TableRow::Line(l) => {
                let desc = truncate_chars(&l.description, desc_w);
                let mut spans = vec![
                    (format!("  {desc:<desc_w$}  "), Role::Plain),
                    (format!("{:>amount_w$}", l.shown), Role::Plain),
                    (format!(" {:>4.0}%", l.share * 100.0), Role::Dim),
                ];
                if bar_w > 0 {
                    let filled = ((l.share * bar_w as f64).round() as usize).min(bar_w);
                    spans.push((" ".to_owned(), Role::Plain));
                    spans.push(("█".repeat(filled), Role::Bar));
                    spans.push(("░".repeat(bar_w - filled), Role::Dim));
                }
                out.push(Line::of(spans));
            }
            TableRow::More(more) => out.push(Line::styled(format!("  {}", more.text()), Role::Dim)),
            TableRow::Mismatch(m) => {
                out.extend(total.take());
                out.extend(
                    wrap(&format!("⚠ {m}"), width)
                        .into_iter()
                        .map(|l| Line::styled(l, Role::Warn)),
                );
            }
        }
    }
    out.extend(total);
    out
}
