//! The charge breakdown as the detail pane lays it out: one line per charge with its share as
//! a bar, the total under the amounts, then a warning when the lines do not add up.

use unicode_width::UnicodeWidthStr;

use super::{Line, Role, wrap};
use crate::present::Charges;
use crate::text::truncate_chars;

/// The breakdown's lines at `width`.
pub fn lines(c: &Charges, width: usize) -> Vec<Line> {
    let mut out = Vec::with_capacity(c.lines.len() + 2);
    if c.lines.is_empty() {
        let (text, role) = if c.is_free {
            ("  no charge".to_owned(), Role::Dim)
        } else {
            (format!("  {} (no breakdown given)", c.total), Role::Title)
        };
        out.push(Line::styled(text, role));
        return out;
    }
    let amount_w = c
        .lines
        .iter()
        .map(|l| l.shown.width())
        .chain([c.total.width()])
        .max()
        .unwrap_or(0);
    let longest = c
        .lines
        .iter()
        .map(|l| l.description.width())
        .chain(["Total".width()])
        .max()
        .unwrap_or(0);
    // "  desc  amount  100%  bar": the bar takes what is left, up to 20 cells.
    let rest = width.saturating_sub(2 + 2 + amount_w + 6);
    let bar_w = if rest >= 24 { (rest / 3).min(20) } else { 0 };
    // Amounts sit next to the descriptions, not at the far edge of a wide pane.
    let desc_w = rest
        .saturating_sub(bar_w + usize::from(bar_w > 0))
        .min(longest)
        .max(4);
    for l in &c.lines {
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
    out.push(Line::styled(
        format!("  {:<desc_w$}  {:>amount_w$}", "Total", c.total),
        Role::Title,
    ));
    if let Some(m) = &c.mismatch {
        out.extend(
            wrap(&format!("⚠ {m}"), width)
                .into_iter()
                .map(|l| Line::styled(l, Role::Warn)),
        );
    }
    out
}
