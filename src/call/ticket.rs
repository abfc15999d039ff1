//! The whole call's ticket bundle, what `s` copies in the Call view: when and where (the root's
//! created time with its zone, the space, the project), the tree with IDs, statuses, durations
//! and charges, the total, and every warning and error with its leg. Plain text.

use super::Call;
use super::lines::{leg_rows, notes, orphan_lines, rows_text, timeline_lines, total_lines};
use crate::clock::Clock;
use crate::present::Tone;
use crate::present::place::Place;

/// The ticket bundle of `call`, found in `place`. Every string is sanitised.
pub fn bundle(call: &Call, clock: &Clock, place: &Place) -> String {
    let mut lines = vec![(format!("Call {}", call.tree.root), Tone::Normal)];
    let created = call
        .tree
        .legs
        .iter()
        .find(|l| l.id == call.tree.root)
        .and_then(|l| l.log.created_at.get())
        .map_or_else(|| "— (not known)".to_owned(), |t| clock.local_and_utc(t));
    let mut heads = vec![("Created".to_owned(), created)];
    heads.extend(place.rows());
    for (label, value) in heads {
        lines.push((
            format!("  {:<9} {value}", format!("{label}:")),
            Tone::Normal,
        ));
    }
    lines.extend(rows_text(&leg_rows(&call.tree.legs, 1), None, "  "));
    lines.extend(orphan_lines(&call.tree, "  "));
    lines.extend(notes(call, clock, "  "));
    lines.extend(total_lines(&call.total(), &call.tree, "  "));
    if call.timeline.is_some() {
        lines.push(("  Warnings and errors".to_owned(), Tone::Normal));
        lines.extend(timeline_lines(call, true, "    "));
    }
    let mut s: String = lines
        .into_iter()
        .map(|(l, _)| l.trim_end().to_owned() + "\n")
        .collect();
    if !call.is_complete() {
        s.push_str("  (incomplete: see the notes above)\n");
    }
    s
}
