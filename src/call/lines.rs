//! A call in words: the tree with box-drawing indentation, the total and its breakdown, notes on
//! what is missing, and the merged timeline, as lines with their tone. `swlog call`, the
//! inspector's Call view and the ticket bundle all read these. Every string is sanitised here.

use unicode_width::UnicodeWidthStr;
use uuid::Uuid;

use super::tree::{Leg, Tree};
use super::{Call, Total};
use crate::api::model::{Field, Kind};
use crate::api::{ApiError, VoiceLog};
use crate::chain::Link;
use crate::clock::Clock;
use crate::list::Stop;
use crate::present::Tone;
use crate::present::format::{counted, duration_ms, money, money_delta};
use crate::text::{sanitize, truncate_chars};

pub use super::timeline_text::{
    PaneEvent, PaneTimeline, pane_timeline, timeline_lines, timeline_lines_for_pane,
};

/// One leg of the tree, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct LegRow {
    /// The box-drawing indentation (`│  ├─ `), empty for the root.
    pub prefix: String,
    /// `PSTN call #2`.
    pub label: String,
    /// The status word, or `—`.
    pub status: String,
    /// How the status reads.
    pub tone: Tone,
    /// `from → to`.
    pub route: String,
    /// The duration, or `—`.
    pub duration: String,
    /// The charge, or what is wrong with it.
    pub charge: String,
    /// The leg's ID.
    pub id: Uuid,
}

/// A leg's label: its type and its ordinal in the tree (`SIP call #3`).
pub fn label(log: &VoiceLog, ordinal: usize) -> String {
    format!("{} #{ordinal}", sanitize(&log.kind.short_label()))
}

/// The rows of `legs` (depth first, as a [`Tree`] holds them), with `first` the ordinal of the
/// first.
pub fn leg_rows(legs: &[Leg], first: usize) -> Vec<LegRow> {
    let mut open: Vec<bool> = Vec::new();
    legs.iter()
        .enumerate()
        .map(|(i, leg)| {
            let d = leg.depth;
            open.truncate(d);
            let mut prefix: String = open
                .iter()
                .skip(1)
                .map(|o| if *o { "│  " } else { "   " })
                .collect();
            let later = has_later_sibling(legs, i);
            if d > 0 {
                prefix.push_str(if later { "├─ " } else { "└─ " });
            }
            // A level below a leg that is not at `open.len()` cannot happen in a depth-first
            // list, but a hand-made one must not make this index out of range.
            open.resize(d, false);
            open.push(later);
            row(leg, prefix, first + i)
        })
        .collect()
}

fn has_later_sibling(legs: &[Leg], i: usize) -> bool {
    let d = legs[i].depth;
    legs[i + 1..]
        .iter()
        .take_while(|l| l.depth >= d)
        .any(|l| l.depth == d)
}

fn row(leg: &Leg, prefix: String, ordinal: usize) -> LegRow {
    let log = &leg.log;
    let (status, tone) = match (&log.kind, &log.status) {
        (Kind::Discarded, _) => ("deleted".to_owned(), Tone::Odd),
        (_, Field::Value(s)) => (sanitize(s).into_owned(), log.outcome().into()),
        (_, Field::Invalid(v)) => (sanitize(&v.to_string()).into_owned(), Tone::Odd),
        _ => ("—".to_owned(), Tone::Empty),
    };
    let end = |f: &Field<String>| match f {
        Field::Value(s) => truncate_chars(&sanitize(s), 60).into_owned(),
        Field::Invalid(v) => truncate_chars(&sanitize(&v.to_string()), 60).into_owned(),
        Field::Missing | Field::Null => "—".to_owned(),
    };
    let charge = match &log.charge {
        Field::Value(c) if c.is_finite() => money(*c),
        Field::Missing => "no charge".to_owned(),
        Field::Null => "charge null".to_owned(),
        _ => "charge ?".to_owned(),
    };
    LegRow {
        prefix,
        label: label(log, ordinal),
        status,
        tone,
        route: format!("{} → {}", end(&log.from), end(&log.to)),
        duration: crate::query::duration_ms(log).map_or_else(|| "—".to_owned(), duration_ms),
        charge,
        id: leg.id,
    }
}

pub(super) fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

pub(super) fn pad_left(s: &str, width: usize) -> String {
    let w = s.width();
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

/// The tree as aligned lines: tree and label, status, duration, charge, the full ID, and
/// `from → to`; the leg `mark` says `← this leg`.
pub fn rows_text(rows: &[LegRow], mark: Option<Uuid>, indent: &str) -> Vec<(String, Tone)> {
    let width = |f: fn(&LegRow) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let lw = width(|r| r.prefix.width() + r.label.width());
    let sw = width(|r| r.status.width());
    let dw = width(|r| r.duration.width());
    let cw = width(|r| r.charge.width());
    rows.iter()
        .map(|r| {
            let mut line = format!(
                "{indent}{}  {}  {}  {}  {}  {}",
                pad(&format!("{}{}", r.prefix, r.label), lw),
                pad(&r.status, sw),
                pad_left(&r.duration, dw),
                pad_left(&r.charge, cw),
                r.id,
                r.route
            );
            if mark == Some(r.id) {
                line.push_str("  ← this leg");
            }
            (line, r.tone)
        })
        .collect()
}

/// The total, its breakdown and the legs it could not count.
pub fn total_lines(total: &Total, tree: &Tree, indent: &str) -> Vec<(String, Tone)> {
    let legs = tree.legs.len();
    let mut out = vec![(
        format!(
            "{indent}Total {}  ({legs} {})",
            money(total.charge),
            if legs == 1 { "leg" } else { "legs" }
        ),
        Tone::Normal,
    )];
    let dw = total
        .lines
        .iter()
        .map(|(d, _)| sanitize(d).width())
        .max()
        .unwrap_or(0);
    for (description, amount) in &total.lines {
        out.push((
            format!(
                "{indent}  {}  {}",
                pad(&sanitize(description), dw),
                money(*amount)
            ),
            Tone::Normal,
        ));
    }
    out.extend(
        total_notes(total, tree)
            .into_iter()
            .map(|note| (format!("{indent}  {note}"), Tone::Warn)),
    );
    out
}

/// What the total cannot vouch for, a sentence a leg: a charge not counted, and charge lines
/// that do not add up to the leg's charge (as the detail pane says it of one log).
pub fn total_notes(total: &Total, tree: &Tree) -> Vec<String> {
    let name = |id: Uuid| {
        tree.index_of(id)
            .map(|i| label(&tree.legs[i].log, i + 1))
            .unwrap_or_default()
    };
    let unpriced = total
        .unpriced
        .iter()
        .map(|(id, why)| format!("Not counted: {} {id}: its charge is {why}", name(*id)));
    let mismatched = total.mismatched.iter().map(|m| {
        let d = m.lines - m.charge;
        format!(
            "Lines do not add up: {} {}: they add up to {}, {} than its charge of {} ({})",
            name(m.leg),
            m.leg,
            money(m.lines),
            if d > 0.0 { "more" } else { "less" },
            money(m.charge),
            money_delta(d)
        )
    });
    unpriced.chain(mismatched).collect()
}

/// What cut the call short or needs a word: the walk up, the scan, the cap, the orphans.
pub fn notes(call: &Call, clock: &Clock, indent: &str) -> Vec<(String, Tone)> {
    let mut out = Vec::new();
    let mut say = |s: String, tone: Tone| out.push((format!("{indent}{s}"), tone));
    match call.chain.links.first() {
        Some(Link::Missing {
            id,
            why: ApiError::NotFound { .. },
        }) => say(
            format!("The parent {id} of the top leg is not found: the call may start above it."),
            Tone::Warn,
        ),
        Some(Link::Missing { id, why }) => say(
            format!(
                "The parent {id} of the top leg could not be fetched: {}",
                sanitize(&why.to_string())
            ),
            Tone::Bad,
        ),
        Some(Link::Cycle { id }) => say(
            format!(
                "The parents loop back to {id}: the tree starts at the highest leg before the loop."
            ),
            Tone::Warn,
        ),
        Some(Link::Truncated { next, after }) => say(
            format!("The walk up stopped after {after} parents; the next is {next}."),
            Tone::Warn,
        ),
        Some(Link::InvalidParent(s)) => say(
            format!(
                "The top leg's parent_id \"{}\" is not a valid ID.",
                sanitize(s)
            ),
            Tone::Odd,
        ),
        _ => {}
    }
    match &call.scan {
        None => say(
            "No leg says when it was created, so the window was not scanned: only the legs up from this one are shown.".to_owned(),
            Tone::Warn,
        ),
        Some(scan) => {
            let (since, until) = scan.window;
            let p = &scan.progress;
            let scanned = format!(
                "{} in {} from {} to {}",
                counted(p.scanned, "log", "logs"),
                counted(p.pages, "page", "pages"),
                clock.local(since),
                clock.local(until)
            );
            match &scan.end {
                Ok(Stop::ScanCap) => say(
                    format!("The scan stopped at its cap ({scanned}): legs may be missing."),
                    Tone::Warn,
                ),
                Ok(_) => {}
                Err(e) => say(
                    format!(
                        "The scan stopped early after {scanned}: {}; legs may be missing.",
                        sanitize(&e.to_string())
                    ),
                    Tone::Bad,
                ),
            }
        }
    }
    if call.tree.capped() {
        say(
            format!(
                "The tree stops at {}: {} more {} left out.",
                counted(call.tree.legs.len(), "leg", "legs"),
                call.tree.left_out,
                if call.tree.left_out == 1 {
                    "was"
                } else {
                    "were"
                }
            ),
            Tone::Warn,
        );
    }
    out
}

/// The orphans: legs of the window whose parent was not found.
pub fn orphan_lines(tree: &Tree, indent: &str) -> Vec<(String, Tone)> {
    if tree.orphans.is_empty() {
        return Vec::new();
    }
    let mut out = vec![(
        format!(
            "{indent}Orphans ({}): legs in the window whose parent was not found",
            tree.orphans.len()
        ),
        Tone::Warn,
    )];
    let rows = leg_rows(&tree.orphans, tree.legs.len() + 1);
    out.extend(rows_text(&rows, None, &format!("{indent}  ")));
    out
}

/// The whole call as `swlog call` prints it.
pub fn text(call: &Call, clock: &Clock) -> Vec<(String, Tone)> {
    let mut out = vec![(
        format!("Call {} (asked about {})", call.tree.root, call.asked),
        Tone::Normal,
    )];
    out.extend(rows_text(
        &leg_rows(&call.tree.legs, 1),
        Some(call.asked),
        "  ",
    ));
    out.extend(orphan_lines(&call.tree, "  "));
    out.extend(notes(call, clock, "  "));
    out.push((String::new(), Tone::Normal));
    out.extend(total_lines(&call.total(), &call.tree, "  "));
    out.extend(timeline_section(call));
    out
}

/// The timeline under the tree, when the call's events were asked for: `swlog call` prints it
/// after the tree, once the events are in.
pub fn timeline_section(call: &Call) -> Vec<(String, Tone)> {
    let mut out = Vec::new();
    if call.timeline.is_some() {
        out.push((String::new(), Tone::Normal));
        out.push(("  Timeline (all legs)".to_owned(), Tone::Normal));
        out.extend(timeline_lines(call, false, "    "));
    }
    out
}
