//! Calls as an aligned table: created (local time), from, to, legs, duration, billed, total,
//! outcome, ID. On a terminal it is fitted to the width (when, how it ended and who first, the
//! ID short when tight, each cut marked with `…`); elsewhere values are whole.

use crossterm::style::Stylize;
use unicode_width::UnicodeWidthStr;

use super::Call;
use crate::api::model::Outcome as Tone;
use crate::list::fit::{GAP, SHORT_ID, address, pad, short_date};
use crate::list::row::Row;
use crate::present::format::{Clock, duration_ms, money};
use crate::text::sanitize;

/// The column titles.
pub const HEADER: [&str; 9] = [
    "CREATED", "FROM", "TO", "LEGS", "DURATION", "BILLED", "TOTAL", "OUTCOME", "ID",
];

const CREATED: usize = 0;
const FROM: usize = 1;
const TO: usize = 2;
const OUTCOME: usize = 7;
const ID: usize = 8;

/// The columns kept first when the width is tight: when, how it ended and who, then how long
/// and what it cost (as the legs table), then the ID short; the billed time and the leg count
/// last.
const KEEP_ORDER: [usize; 9] = [CREATED, OUTCOME, FROM, TO, 4, 6, ID, 5, 3];

/// One call's cells, sanitised and whole, in [`HEADER`] order.
pub fn cells(call: &Call, rows: &[Row], clock: &Clock) -> [String; 9] {
    let root = &rows[call.root()];
    let text = |s: &str| sanitize(s).into_owned();
    let billed = billing_ms(root).map(duration_ms).unwrap_or_default();
    let total = match call.unpriced {
        _ if super::rounded(call.charge).is_nan() => "too large".to_owned(),
        0 => money(call.charge),
        _ => format!("{} + ?", money(call.charge)),
    };
    [
        root.created_at
            .map_or_else(|| text(&root.cell("created_at")), |t| clock.local(t)),
        text(&root.cell("from")),
        text(&root.cell("to")),
        call.legs.len().to_string(),
        root.duration_ms.map(duration_ms).unwrap_or_default(),
        billed,
        total,
        call.outcome.words(),
        text(&root.cell("id")),
    ]
}

/// The root's billed time.
pub fn billing_ms(root: &Row) -> Option<i64> {
    root.cell("billing_ms").trim().parse().ok()
}

/// The table as text, fitted to `width` when given.
pub fn render(
    calls: &[&Call],
    rows: &[Row],
    clock: &Clock,
    color: bool,
    width: Option<usize>,
) -> String {
    let body: Vec<[String; 9]> = calls.iter().map(|c| cells(c, rows, clock)).collect();
    let mut natural = HEADER.map(UnicodeWidthStr::width);
    for cells in &body {
        for (w, c) in natural.iter_mut().zip(cells) {
            *w = (*w).max(c.width());
        }
    }
    let (widths, gap) = match width {
        Some(w) => fit(w, &natural),
        None => (natural.map(Some), GAP),
    };
    let mut out = String::new();
    let header = HEADER.map(str::to_owned);
    line(&mut out, &header, &widths, gap, |_, s| {
        if color { s.bold().to_string() } else { s }
    });
    for (call, cells) in calls.iter().zip(&body) {
        line(&mut out, cells, &widths, gap, |i, s| {
            if !color || i != OUTCOME {
                return s;
            }
            match call.outcome.tone() {
                Tone::Good => s.green().to_string(),
                Tone::Bad => s.red().to_string(),
                Tone::Live => s.yellow().to_string(),
                Tone::Unknown => s,
            }
        });
    }
    out
}

/// Each column's width, or `None` when it is left out, and the gap between columns: columns
/// are kept in [`KEEP_ORDER`] while their narrowest fits (one space apart when that keeps one
/// more), the room left widens from and to, then the ID (whole or short).
fn fit(width: usize, natural: &[usize; 9]) -> ([Option<usize>; 9], usize) {
    let roomy = fit_with_gap(width, natural, GAP);
    let tight = fit_with_gap(width, natural, 1);
    let count = |w: &[Option<usize>; 9]| w.iter().flatten().count();
    if count(&tight) > count(&roomy) {
        (tight, 1)
    } else {
        (roomy, GAP)
    }
}

fn fit_with_gap(width: usize, natural: &[usize; 9], gap: usize) -> [Option<usize>; 9] {
    let min = |i: usize| {
        match i {
            CREATED => 11,
            FROM | TO => 12,
            OUTCOME => 9,
            ID => SHORT_ID,
            _ => natural[i],
        }
        .min(natural[i])
    };
    let mut widths = [None; 9];
    let mut used = 0;
    for i in KEEP_ORDER {
        let need = min(i) + if used == 0 { 0 } else { gap };
        if used + need > width {
            break;
        }
        widths[i] = Some(min(i));
        used += need;
    }
    for i in [CREATED, OUTCOME, FROM, TO, ID] {
        if let Some(w) = widths[i].as_mut() {
            let more = natural[i] - *w;
            // The ID is whole or short: a cut ID names nothing.
            if i == ID && used + more > width {
                continue;
            }
            let more = more.min(width - used);
            *w += more;
            used += more;
        }
    }
    widths
}

fn line(
    out: &mut String,
    cells: &[String; 9],
    widths: &[Option<usize>; 9],
    gap: usize,
    paint: impl Fn(usize, String) -> String,
) {
    let shown: Vec<(usize, usize)> = widths
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, w)))
        .collect();
    let last = shown.len().saturating_sub(1);
    for (n, &(i, w)) in shown.iter().enumerate() {
        let right = matches!(i, 3..=6);
        let text = &cells[i];
        let cell = if text.width() <= w {
            pad(text, w, right)
        } else {
            match i {
                CREATED => pad(&short_date(text, w), w, false),
                FROM | TO => pad(&address(text, w), w, false),
                ID if w >= SHORT_ID && text.is_ascii() => pad(&text[..SHORT_ID], w, false),
                _ => pad(text, w, right),
            }
        };
        let cell = if n == last && !right {
            cell.trim_end().to_owned()
        } else {
            cell
        };
        out.push_str(&paint(i, cell));
        if n != last {
            out.push_str(&" ".repeat(gap));
        }
    }
    out.push('\n');
}
