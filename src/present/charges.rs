//! The charge breakdown, computed once for every output: the inspector's pane, `swlog get`'s
//! text and the ticket summary show the same lines, and on a huge record the same first
//! [`TEXT_LINES`] of them in the text outputs, with the rest counted and summed.

use crate::api::model::{ChargeLine, Field, VoiceLog};
use crate::text::sanitize;

use super::RowKey;
use super::format::{money, money_delta, thousands};
use super::rows::{absent, odd};

/// How many charge lines the text outputs (`swlog get`, the ticket summary) list before they
/// count the rest: a record with 100,000 lines prints in milliseconds, not seconds.
pub const TEXT_LINES: usize = 200;

/// One line of the charge breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct ChargeRow {
    /// What was charged.
    pub description: String,
    /// The amount, when it is a number.
    pub amount: Option<f64>,
    /// The amount as shown.
    pub shown: String,
    /// Its share of the total, 0.0–1.0.
    pub share: f64,
}

/// The charge breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Charges {
    /// The lines, in the server's order.
    pub lines: Vec<ChargeRow>,
    /// The `charge` field as shown.
    pub total: String,
    /// How far the lines' sum is from `charge`, in words, when they disagree.
    pub mismatch: Option<String>,
    /// Whether nothing was charged (`charge` is 0 or absent).
    pub is_free: bool,
}

/// The lines a list cut at `limit` leaves out, counted and summed.
#[derive(Debug, Clone, PartialEq)]
pub struct More {
    /// How many.
    pub count: usize,
    /// Their sum, as shown.
    pub sum: String,
}

impl More {
    /// `… and 99,800 more, $9.98`.
    pub fn text(&self) -> String {
        format!("… and {} more, {}", thousands(self.count), self.sum)
    }
}

/// One row of the charge table. Every output shows the same rows in this order; they differ
/// only in glyphs, colour and where the total sits.
#[derive(Debug, Clone, PartialEq)]
pub enum TableRow<'a> {
    /// The `charge` field as shown.
    Total(&'a str),
    /// Nothing was charged and no lines were given.
    Free,
    /// A charge was given without lines.
    NoBreakdown,
    /// One line.
    Line(&'a ChargeRow),
    /// The lines a bounded list leaves out.
    More(More),
    /// The lines do not add up to the total: why.
    Mismatch(&'a str),
}

/// The widths of a table's columns, over the rows it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Widths {
    /// The widest description.
    pub description: usize,
    /// The widest amount.
    pub amount: usize,
}

impl Charges {
    /// The table's rows, listing at most `limit` lines (`None`: all of them).
    pub fn table(&self, limit: Option<usize>) -> Vec<TableRow<'_>> {
        let (lines, more) = self.first(limit.unwrap_or(usize::MAX));
        let mut rows = Vec::with_capacity(lines.len() + 3);
        rows.push(TableRow::Total(&self.total));
        match (lines.is_empty(), self.is_free) {
            (true, true) => rows.push(TableRow::Free),
            (true, false) => rows.push(TableRow::NoBreakdown),
            (false, _) => rows.extend(lines.iter().map(TableRow::Line)),
        }
        rows.extend(more.map(TableRow::More));
        rows.extend(self.mismatch.as_deref().map(TableRow::Mismatch));
        rows
    }

    /// The widths of the lines' columns in `rows`, by `width` (the terminal's cells, or
    /// characters).
    pub fn widths(rows: &[TableRow<'_>], width: impl Fn(&str) -> usize) -> Widths {
        let mut w = Widths {
            description: 0,
            amount: 0,
        };
        for row in rows {
            if let TableRow::Line(l) = row {
                w.description = w.description.max(width(&l.description));
                w.amount = w.amount.max(width(&l.shown));
            }
        }
        w
    }

    /// The first `limit` lines, and what the rest add up to when there is a rest.
    pub fn first(&self, limit: usize) -> (&[ChargeRow], Option<More>) {
        if self.lines.len() <= limit {
            return (&self.lines, None);
        }
        let (shown, rest) = self.lines.split_at(limit);
        let sum: f64 = rest.iter().filter_map(|l| l.amount).sum();
        (
            shown,
            Some(More {
                count: rest.len(),
                sum: money(sum),
            }),
        )
    }
}

/// The breakdown of `log`'s charge.
pub(super) fn charges(log: &VoiceLog) -> Charges {
    let lines: &[ChargeLine] = log.charge_details.value().map_or(&[], Vec::as_slice);
    let sum: f64 = log.charge_details_sum().unwrap_or(0.0);
    let denominator = log.charge.get().filter(|t| *t > 0.0).unwrap_or(sum);
    let rows = lines
        .iter()
        .map(|l| {
            let description = match &l.description {
                Field::Value(s) => sanitize(s).into_owned(),
                Field::Invalid(v) => odd(v),
                _ => "(no description)".to_owned(),
            };
            let amount = l.charge.get();
            let shown = match &l.charge {
                Field::Value(a) => money(*a),
                Field::Invalid(v) => odd(v),
                _ => "—".to_owned(),
            };
            let share = match amount {
                Some(a) if denominator > 0.0 => (a / denominator).clamp(0.0, 1.0),
                _ => 0.0,
            };
            ChargeRow {
                description,
                amount,
                shown,
                share,
            }
        })
        .collect();
    let total = match &log.charge {
        Field::Value(t) => money(*t),
        other => absent(RowKey::Charges, other).map_or_else(|| "—".to_owned(), |r| r.value),
    };
    let mismatch = log.charge_mismatch().map(|d| {
        format!(
            "The lines add up to {}, {} than the charge of {} ({}).",
            money(sum),
            if d > 0.0 { "more" } else { "less" },
            total,
            money_delta(d)
        )
    });
    let is_free = log.charge.get().is_none_or(|t| t == 0.0);
    Charges {
        lines: rows,
        total,
        mismatch,
        is_free,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charges(lines: usize, total: &str, is_free: bool) -> Charges {
        let line = ChargeRow {
            description: "Minutes".into(),
            amount: Some(0.01),
            shown: "$0.01".into(),
            share: 0.5,
        };
        Charges {
            lines: vec![line; lines],
            total: total.into(),
            mismatch: None,
            is_free,
        }
    }

    #[test]
    fn the_table_says_the_total_then_the_lines_or_why_there_are_none() {
        let free = charges(0, "$0", true);
        assert_eq!(free.table(None), [TableRow::Total("$0"), TableRow::Free]);
        let bare = charges(0, "$0.04", false);
        assert_eq!(
            bare.table(None),
            [TableRow::Total("$0.04"), TableRow::NoBreakdown]
        );
        let huge = charges(1_000, "$10", false);
        let rows = huge.table(Some(3));
        assert_eq!(rows.len(), 1 + 3 + 1);
        assert!(
            matches!(&rows[4], TableRow::More(m) if m.count == 997 && m.sum == "$9.97"),
            "{rows:?}"
        );
        assert_eq!(huge.table(None).len(), 1 + 1_000);
    }

    #[test]
    fn counts_read_with_separators() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(99_800), "99,800");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
