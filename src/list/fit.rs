//! Fitting the list's table to a width, for the Calls view and for `swlog list` on a terminal:
//! which columns are kept (what a ticket is about first: when, status, who, how long, what it
//! cost; then a short ID; the type last), how wide each is, and each cell cut with a `…` that
//! says so. A number keeps its significant end when cut, never just its `sip:` prefix.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::table::HEADER;

/// A column of the table, in the table's order.
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

/// The columns kept first when the width is tight: when, the outcome and who, then how long
/// and what it cost, then the ID (short), and the type last.
const KEEP_ORDER: [Column; 8] = [
    Column::Created,
    Column::Status,
    Column::From,
    Column::To,
    Column::Duration,
    Column::Charge,
    Column::Id,
    Column::Type,
];

/// `MM-DD HH:MM:SS` and, when narrow, `MM-DD HH:MM`; the table's own dates are longer.
const CREATED_SHORT: usize = 11;
/// A log ID whole.
pub const ID_WIDTH: usize = 36;
/// A log ID's first 8 characters: what swlog prints when space is tight, and what the inspector
/// and `swlog get` accept back.
pub const SHORT_ID: usize = 8;

impl Column {
    /// Where the column is in [`COLUMNS`].
    pub fn index(self) -> usize {
        COLUMNS.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// The header title.
    pub fn title(self) -> &'static str {
        HEADER[self.index()]
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
            Column::Id => SHORT_ID,
            Column::Duration | Column::Charge => natural,
        };
        floor.min(natural)
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
    /// Every column at its natural width: nothing is cut.
    pub fn whole(natural: &[usize; 8]) -> Self {
        Self {
            shown: COLUMNS.iter().map(|c| (*c, natural[c.index()])).collect(),
            gap: GAP,
        }
    }

    /// Fits the columns into `width`, given each column's widest cell (`natural`, in
    /// [`COLUMNS`] order, header included). Columns are kept in [`KEEP_ORDER`] while their
    /// narrowest fits, `sorted` (the column the rows are sorted by) first; the room left widens
    /// them in the same order, the ID last and only whole. Columns stand two spaces apart, or
    /// one when that keeps another column.
    pub fn fit(width: usize, natural: &[usize; 8], sorted: Column) -> Self {
        let order: Vec<Column> = std::iter::once(sorted)
            .chain(KEEP_ORDER.into_iter().filter(|c| *c != sorted))
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
                    // Not even the first column fits: show what does.
                    kept.push((c, width));
                    used = width;
                }
                // Strictly in order: a less wanted column never takes a more wanted one's place.
                break;
            }
        }
        // The room left: the short columns first, then from and to share it evenly, then the
        // type, and the ID last.
        let widen =
            |kept: &mut Vec<(Column, usize)>, used: &mut usize, which: fn(Column) -> bool| {
                for (c, w) in kept.iter_mut().filter(|(c, _)| which(*c)) {
                    let more = nat(*c).saturating_sub(*w).min(width.saturating_sub(*used));
                    *w += more;
                    *used += more;
                }
            };
        let short = |c: Column| !matches!(c, Column::From | Column::To | Column::Type | Column::Id);
        widen(&mut kept, &mut used, short);
        while used < width {
            let mut grew = false;
            for (c, w) in kept.iter_mut() {
                if matches!(c, Column::From | Column::To) && *w < nat(*c) && used < width {
                    *w += 1;
                    used += 1;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        widen(&mut kept, &mut used, |c| c == Column::Type);
        // The ID is whole or short: a cut ID names nothing.
        if let Some((_, w)) = kept.iter_mut().find(|(c, _)| *c == Column::Id) {
            let more = nat(Column::Id).saturating_sub(*w);
            if more > 0 && used + more <= width {
                *w += more;
            }
        }
        kept.sort_by_key(|(c, _)| c.index());
        Self { shown: kept, gap }
    }

    /// The widest cell of each column over `rows` (and the titles, with room for a mark).
    pub fn natural(rows: impl IntoIterator<Item = [String; 8]>) -> [usize; 8] {
        let mut widths = HEADER.map(|h| h.width() + 1);
        for cells in rows {
            for (w, c) in widths.iter_mut().zip(&cells) {
                *w = (*w).max(c.width());
            }
        }
        widths
    }

    /// The total width of the shown columns and their gaps.
    pub fn total(&self) -> usize {
        self.shown.iter().map(|(_, w)| w).sum::<usize>()
            + self.gap * self.shown.len().saturating_sub(1)
    }

    /// A row's cells cut and padded to the shown widths, each with its column.
    pub fn cut(&self, cells: &[String; 8]) -> Vec<(Column, String)> {
        self.shown
            .iter()
            .map(|(c, w)| (*c, cut_cell(*c, &cells[c.index()], *w)))
            .collect()
    }

    /// The header's cells, `marked` (the sorted column) with ▼.
    pub fn header(&self, marked: Option<Column>) -> Vec<(Column, String)> {
        let titles: [String; 8] = COLUMNS.map(|c| {
            if Some(c) == marked {
                format!("{}▼", c.title())
            } else {
                c.title().to_owned()
            }
        });
        self.shown
            .iter()
            .map(|(c, w)| (*c, pad(&titles[c.index()], *w, c.right_aligned())))
            .collect()
    }
}

/// One cell cut to `width` and padded: a date loses its seconds (and its year, its zone) before
/// anything is cut, a number keeps its significant end, an ID is shortened to its first 8
/// characters, anything else ends in `…`.
pub fn cut_cell(column: Column, text: &str, width: usize) -> String {
    if text.width() <= width {
        return pad(text, width, column.right_aligned());
    }
    let shown = match column {
        Column::Created => short_date(text, width),
        Column::From | Column::To => address(text, width),
        Column::Id if width >= SHORT_ID && text.is_ascii() => text[..SHORT_ID].to_owned(),
        _ => return pad(text, width, column.right_aligned()),
    };
    pad(&shown, width, column.right_aligned())
}

/// `2026-11-25 14:00:05 +00:00` or `11-25 14:00:05` as `11-25 14:00` when that is all there is
/// room for.
pub fn short_date(text: &str, width: usize) -> String {
    let bytes = text.as_bytes();
    let long = text.len() >= 19 && bytes.get(4) == Some(&b'-') && bytes.get(10) == Some(&b' ');
    let md = if long { text.get(5..) } else { Some(text) };
    match md {
        Some(md) if md.len() >= 14 && width >= 14 => md[..14].to_owned(),
        Some(md) if md.len() >= CREATED_SHORT && md.is_ascii() => md[..CREATED_SHORT].to_owned(),
        _ => text.to_owned(),
    }
}

/// An address cut to `width`, keeping what tells numbers apart: `sip:+14155550123@acme.sip.x`
/// becomes `…+14155550123…`, then `…4155550123…`; `whatsapp:+14155550123` becomes
/// `…+14155550123`. A `…` stands where something was left out.
pub fn address(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    // The user part: after a `scheme:`, before an `@host`.
    let start = text
        .find(':')
        .filter(|i| text[..*i].chars().all(|c| c.is_ascii_alphabetic()) && *i > 0)
        .map_or(0, |i| i + 1);
    let end = text[start..].find('@').map_or(text.len(), |i| start + i);
    let core = &text[start..end];
    let before = start > 0;
    let after = end < text.len();
    let marks = usize::from(before) + usize::from(after);
    if core.is_empty() || width <= marks {
        return text.to_owned();
    }
    if !before && !after {
        // Nothing to drop but the start: keep the end, where numbers differ.
        return keep_end(core, width);
    }
    let mut out = if core.width() + marks > width {
        // Cut from the left too: the end of a number is what tells it apart.
        keep_end(core, width - usize::from(after))
    } else if before {
        format!("…{core}")
    } else {
        core.to_owned()
    };
    if after {
        out.push('…');
    }
    out
}

/// `…` and the end of `text`, `width` columns in all.
fn keep_end(text: &str, width: usize) -> String {
    let mut tail: Vec<char> = Vec::new();
    let mut used = 1;
    for ch in text.chars().rev() {
        let w = ch.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        tail.push(ch);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(tail.into_iter().rev());
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn natural() -> [usize; 8] {
        // created, type, from, to, status, duration, charge, id
        let cells = [
            "11-25 14:00:05".to_owned(),
            "PSTN call".to_owned(),
            "sip:+14155550123@acme.sip.signalwire.com".to_owned(),
            "whatsapp:+12065553434".to_owned(),
            "no-answer".to_owned(),
            "1m 05.000s".to_owned(),
            "$0.0123".to_owned(),
            "b7182dc2-00f3-40e4-a5ce-20f164b329df".to_owned(),
        ];
        Columns::natural([cells])
    }

    fn kept(cols: &Columns) -> Vec<Column> {
        cols.shown.iter().map(|c| c.0).collect()
    }

    #[test]
    fn status_duration_and_charge_come_before_the_id_which_is_short_when_tight() {
        use Column::*;
        let at_76 = Columns::fit(76, &natural(), Created);
        assert_eq!(
            kept(&at_76),
            [Created, From, To, Status, Duration, Charge, Id],
            "{at_76:?}"
        );
        assert!(at_76.shown.contains(&(Id, SHORT_ID)), "{at_76:?}");
        assert!(at_76.total() <= 76);
        // At 116 (a 120-column terminal) from and to get the room before the ID is whole.
        let at_116 = Columns::fit(116, &natural(), Created);
        assert!(at_116.shown.contains(&(To, 21)), "{at_116:?}");
        assert!(
            at_116.shown.iter().any(|(c, w)| *c == From && *w >= 14),
            "from and to share the room: {at_116:?}"
        );
        assert!(at_116.shown.contains(&(Id, SHORT_ID)), "{at_116:?}");
        assert!(at_116.total() <= 116);
        let wide = Columns::fit(200, &natural(), Created);
        assert_eq!(wide.shown.len(), 8);
        assert!(wide.shown.contains(&(Id, ID_WIDTH)), "whole when it fits");
        for width in 0..220 {
            let cols = Columns::fit(width, &natural(), Charge);
            assert!(cols.total() <= width.max(1), "{width}: {cols:?}");
            let id = cols.shown.iter().find(|c| c.0 == Id);
            assert!(
                id.is_none_or(|(_, w)| *w == SHORT_ID || *w == ID_WIDTH || cols.shown.len() == 1),
                "{width}: an ID is short or whole: {cols:?}"
            );
        }
        let by_charge = Columns::fit(40, &natural(), Charge);
        assert!(
            kept(&by_charge).contains(&Charge),
            "the sorted column first"
        );
    }

    #[test]
    fn numbers_keep_their_significant_end_and_every_cut_says_so() {
        let sip = "sip:+14155550123@acme.sip.signalwire.com";
        assert_eq!(address(sip, 14), "…+14155550123…");
        assert_eq!(address(sip, 12), "…4155550123…");
        assert_eq!(address("whatsapp:+14155550123", 12), "…14155550123");
        assert_eq!(address("whatsapp:+14155550123", 13), "…+14155550123");
        assert_eq!(address("+14155550123", 8), "…5550123");
        assert_eq!(address("+14155550123", 12), "+14155550123");
        assert_eq!(
            cut_cell(Column::Id, "b7182dc2-00f3-40e4-a5ce-20f164b329df", 8),
            "b7182dc2"
        );
        assert_eq!(cut_cell(Column::Type, "Relay SIP call", 9), "Relay SI…");
        assert_eq!(
            cut_cell(Column::Created, "2026-11-25 14:00:05 +00:00", 11),
            "11-25 14:00"
        );
        assert_eq!(
            pad("界界界", 4, false),
            "界… ",
            "wide characters count double"
        );
    }
}
