//! The Calls view one call a row: each call's cells (its leg count with the fold and the mark,
//! created, from, to, duration, billed, total, outcome, ID), an unfolded call's legs below it in
//! the same columns (indented by depth, the legs that matched marked `•`), and which columns
//! fit a width (when, the leg count, how it ended and who first; then duration and total; the
//! ID short when tight; billed last). No drawing: `ui` only colours what it is given.

use unicode_width::UnicodeWidthStr;

use crate::calls::{Call, CallLeg, table::billing_ms};
use crate::list::Row;
use crate::list::fit::{Column, cut_cell, pad};
use crate::present::format::{Clock, duration_ms, money};
use crate::text::sanitize;

/// How a cell is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// As it is.
    Plain,
    /// Quieter: times and IDs.
    Dim,
    /// In its row's outcome's colour.
    Outcome,
}

/// The column titles, in display order.
pub const HEADER: [&str; 9] = [
    "LEGS", "CREATED", "FROM", "TO", "DURATION", "BILLED", "TOTAL", "OUTCOME", "ID",
];

/// Where each column is in [`HEADER`].
pub const LEGS: usize = 0;
/// Created.
pub const CREATED: usize = 1;
const FROM: usize = 2;
const TO: usize = 3;
/// Duration.
pub const DURATION: usize = 4;
const BILLED: usize = 5;
/// Total.
pub const TOTAL: usize = 6;
const OUTCOME: usize = 7;
const ID: usize = 8;

/// The columns kept first when the width is tight (after the sorted one).
const KEEP_ORDER: [usize; 9] = [
    LEGS, CREATED, OUTCOME, FROM, TO, DURATION, TOTAL, ID, BILLED,
];

/// A call's row: `marked` and `unfolded` show in its LEGS cell (`✓▸ 3`).
pub fn call_cells(
    call: &Call,
    rows: &[Row],
    clock: &Clock,
    marked: bool,
    unfolded: bool,
) -> [String; 9] {
    let c = crate::calls::table::cells(call, rows, clock);
    let root = &rows[call.root()];
    let created = root.created_at.map_or_else(
        || c[0].clone(),
        |t| super::calls::short_local(t, clock, true),
    );
    let fold = if unfolded { '▾' } else { '▸' };
    let mark = if marked { '✓' } else { ' ' };
    [
        format!("{mark}{fold}{:>2}", call.legs.len()),
        created,
        c[1].clone(),
        c[2].clone(),
        c[4].clone(),
        c[5].clone(),
        c[6].clone(),
        c[7].clone(),
        c[8].clone(),
    ]
}

/// A leg's row under its call: its type indented by depth (`•` when it matched the search),
/// from, to, duration, billed, charge, status and ID.
pub fn leg_cells(leg: &CallLeg, rows: &[Row]) -> [String; 9] {
    let row = &rows[leg.row];
    let text = |s: &str| sanitize(s).into_owned();
    let mark = if leg.matched { '•' } else { '·' };
    [
        String::new(),
        format!("{}{mark} {}", "  ".repeat(leg.depth), text(&row.kind)),
        text(&row.cell("from")),
        text(&row.cell("to")),
        row.duration_ms.map(duration_ms).unwrap_or_default(),
        billing_ms(row).map(duration_ms).unwrap_or_default(),
        row.charge
            .filter(|c| c.is_finite())
            .map(money)
            .unwrap_or_default(),
        text(&row.cell("status")),
        text(&row.cell("id")),
    ]
}

/// The shown columns and their widths, in display order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fitted {
    /// Each shown column (an index into [`HEADER`]) with its width.
    pub shown: Vec<(usize, usize)>,
    /// The spaces between two columns.
    pub gap: usize,
}

impl Fitted {
    /// The widest cell of each column (titles included, with room for the sort's mark).
    pub fn natural<'a>(rows: impl IntoIterator<Item = &'a [String; 9]>) -> [usize; 9] {
        let mut widths = HEADER.map(|h| h.width() + 1);
        widths[LEGS] = HEADER[LEGS].width();
        for cells in rows {
            for (w, c) in widths.iter_mut().zip(cells) {
                *w = (*w).max(c.width());
            }
        }
        widths
    }

    /// Fits the columns into `width`: kept in order (`sorted` first) while their narrowest
    /// fits, then widened (the short ones, outcome, from and to, the ID only whole); two
    /// spaces apart, or one when that keeps another column.
    pub fn fit(width: usize, natural: &[usize; 9], sorted: usize) -> Self {
        let order: Vec<usize> = std::iter::once(sorted)
            .chain(KEEP_ORDER.into_iter().filter(|c| *c != sorted))
            .collect();
        let roomy = fit_with_gap(width, natural, 2, &order);
        let tight = fit_with_gap(width, natural, 1, &order);
        if tight.shown.len() > roomy.shown.len() {
            tight
        } else {
            roomy
        }
    }

    /// A row's cells cut and padded to the shown widths; `leg` rows keep their type whole in
    /// the created column (it is not a date).
    pub fn cut(&self, cells: &[String; 9], leg: bool) -> Vec<(Look, String)> {
        self.shown
            .iter()
            .map(|&(i, w)| {
                let look = match i {
                    OUTCOME => Look::Outcome,
                    CREATED if !leg => Look::Dim,
                    ID => Look::Dim,
                    _ => Look::Plain,
                };
                let as_column = match i {
                    CREATED if !leg => Column::Created,
                    FROM => Column::From,
                    TO => Column::To,
                    ID => Column::Id,
                    DURATION | BILLED | TOTAL => Column::Duration,
                    _ => Column::Status,
                };
                (look, cut_cell(as_column, &cells[i], w))
            })
            .collect()
    }

    /// The header's cells, the sorted column marked ▼.
    pub fn header(&self, sorted: usize) -> Vec<(Look, String)> {
        self.shown
            .iter()
            .map(|&(i, w)| {
                let title = if i == sorted {
                    format!("{}▼", HEADER[i])
                } else {
                    HEADER[i].to_owned()
                };
                let right = matches!(i, DURATION | BILLED | TOTAL);
                (Look::Plain, pad(&title, w, right))
            })
            .collect()
    }
}

fn min_width(i: usize, natural: usize) -> usize {
    match i {
        CREATED => 11,
        FROM | TO => 12,
        OUTCOME => 9,
        ID => crate::list::fit::SHORT_ID,
        _ => natural,
    }
    .min(natural)
}

fn fit_with_gap(width: usize, natural: &[usize; 9], gap: usize, order: &[usize]) -> Fitted {
    let mut kept: Vec<(usize, usize)> = Vec::new();
    let mut used = 0;
    for &c in order {
        let min = min_width(c, natural[c]);
        let need = min + if kept.is_empty() { 0 } else { gap };
        if used + need > width {
            if kept.is_empty() {
                kept.push((c, width));
                used = width;
            }
            break;
        }
        kept.push((c, min));
        used += need;
    }
    let mut widen = |kept: &mut Vec<(usize, usize)>, which: &dyn Fn(usize) -> bool| {
        for (c, w) in kept.iter_mut().filter(|(c, _)| which(*c)) {
            let more = natural[*c]
                .saturating_sub(*w)
                .min(width.saturating_sub(used));
            *w += more;
            used += more;
        }
    };
    // Numbers and when whole (a leg's type is in the created column), then how it ended, then
    // who.
    widen(&mut kept, &|c| !matches!(c, FROM | TO | ID | OUTCOME));
    widen(&mut kept, &|c| c == OUTCOME);
    loop {
        let mut grew = false;
        for (c, w) in kept.iter_mut() {
            if matches!(*c, FROM | TO) && *w < natural[*c] && used < width {
                *w += 1;
                used += 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    // The ID is whole or short: a cut ID names nothing.
    if let Some((_, w)) = kept.iter_mut().find(|(c, _)| *c == ID) {
        let more = natural[ID].saturating_sub(*w);
        if more > 0 && used + more <= width {
            *w += more;
        }
    }
    kept.sort_by_key(|(c, _)| *c);
    Fitted { shown: kept, gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tight_widths_keep_the_leg_count_when_and_how_it_ended_first_and_the_id_short() {
        let natural = [4, 14, 12, 12, 10, 7, 7, 21, 36];
        let shown = |w| {
            Fitted::fit(w, &natural, CREATED)
                .shown
                .iter()
                .map(|(c, w)| (HEADER[*c], *w))
                .collect::<Vec<_>>()
        };
        let narrow = shown(55);
        assert_eq!(
            narrow.iter().map(|(h, _)| *h).collect::<Vec<_>>(),
            ["LEGS", "CREATED", "FROM", "TO", "OUTCOME"]
        );
        let middle = shown(85);
        assert!(middle.contains(&("ID", 8)), "{middle:?}");
        assert!(!middle.iter().any(|(h, _)| *h == "BILLED"), "{middle:?}");
        let wide = shown(160);
        assert!(wide.contains(&("ID", 36)) && wide.len() == 9, "{wide:?}");
    }
}
