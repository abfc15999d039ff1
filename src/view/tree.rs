//! The Call view's lines: the tree (two lines a leg, so that the full ID fits 80 columns), the
//! orphans and notes, the total and its breakdown, and the merged timeline when it is open. The
//! state builds them; drawing styles the roles and highlights the selected leg.

use uuid::Uuid;

use super::{Line, Role};
use crate::call::Call;
use crate::call::lines::{self as words, LegRow};
use crate::present::Tone;
use crate::present::format::Clock;

/// The lines before the first leg (the title and a blank).
const HEAD: usize = 2;

/// The first line of leg `i` of the tree.
pub fn leg_line(_call: &Call, i: usize) -> usize {
    HEAD + 2 * i
}

/// The Call view's lines, with where each event of the open timeline is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Built {
    /// Every line.
    pub lines: Vec<Line>,
    /// Each event's first and last line (more than one when unfolded), when the timeline is
    /// open.
    pub events: Vec<(usize, usize)>,
}

/// How the merged timeline under the tree is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimelineShown {
    /// Whether it is open.
    pub open: bool,
    /// The event unfolded: its whole line, details in full, wrapped.
    pub unfolded: Option<usize>,
}

/// The Call view of `call` in `width` columns; `came_from` is marked, `timeline` says whether
/// the merged timeline is open and which event is unfolded; `why` (the call explained so far)
/// gives each leg's verdict clauses.
pub fn build(
    call: &Call,
    came_from: Option<Uuid>,
    timeline: TimelineShown,
    clock: &Clock,
    width: usize,
    why: Option<&crate::why::CallWhy>,
) -> Built {
    let legs = call.tree.legs.len();
    let count = format!("  {legs} {}", if legs == 1 { "leg" } else { "legs" });
    let mut root = call.tree.root.to_string();
    // The count says what the view holds: the ID gives way to it (its first 8 characters
    // are what the legs' lines are told apart by).
    if "Call ".len() + root.len() + count.chars().count() > width {
        root.truncate(8);
        root.push('…');
    }
    let mut out = vec![
        Line::of([(format!("Call {root}"), Role::Title), (count, Role::Dim)]),
        Line::blank(),
    ];
    let rows = words::leg_rows(&call.tree.legs, 1);
    for (i, row) in rows.iter().enumerate() {
        let has_children = call
            .tree
            .legs
            .get(i + 1)
            .is_some_and(|next| next.depth > call.tree.legs[i].depth);
        out.extend(leg_lines(row, has_children, came_from == Some(row.id)));
    }
    let tone_lines = |lines: Vec<(String, Tone)>, out: &mut Vec<Line>| {
        out.extend(
            lines
                .into_iter()
                .map(|(l, t)| Line::styled(l, Role::Tone(t))),
        );
    };
    tone_lines(words::orphan_lines(&call.tree, ""), &mut out);
    let notes = words::notes(call, clock, "");
    if !notes.is_empty() {
        out.push(Line::blank());
        tone_lines(notes, &mut out);
    }
    out.push(Line::blank());
    let mut total = words::total_lines(&call.total(), &call.tree, "");
    if let Some((first, _)) = total.first_mut() {
        out.push(Line::styled(std::mem::take(first), Role::Heading));
    }
    tone_lines(total.into_iter().skip(1).collect(), &mut out);
    out.push(Line::blank());
    // Under the total, so that the tree and what it cost keep their place on a small screen.
    if let Some(why) = why {
        out.extend(why_lines(why, width));
        out.push(Line::blank());
    }
    let (events, notable) = call.timeline.as_ref().map_or((0, 0), |t| {
        (
            t.entries.len(),
            t.entries.iter().filter(|e| e.is_notable()).count(),
        )
    });
    let mut rows = Vec::new();
    if timeline.open {
        out.push(Line::styled("Timeline (all legs) · e: hide", Role::Heading));
        let pane = words::pane_timeline(call);
        let mut next = pane.events.iter().enumerate().peekable();
        for (i, (text, tone)) in pane.lines.into_iter().enumerate() {
            let Some((n, event)) = next.next_if(|(_, e)| e.line == i) else {
                out.push(Line::styled(text, Role::Tone(tone)));
                continue;
            };
            let first = out.len();
            if timeline.unfolded == Some(n) {
                // The whole line, its details in full, wrapped under its head.
                let options = textwrap::Options::new(width.max(8)).subsequent_indent("    ");
                for part in textwrap::wrap(&event.full, options) {
                    out.push(Line::styled(part.into_owned(), Role::Tone(tone)));
                }
            } else {
                out.push(Line::styled(text, Role::Tone(tone)));
            }
            rows.push((first, out.len() - 1));
        }
    } else {
        out.push(Line::styled(
            format!(
                "e: merged timeline · {} · {notable} warn/error",
                crate::present::format::counted(events, "event", "events")
            ),
            Role::Dim,
        ));
    }
    Built {
        lines: out,
        events: rows,
    }
}

/// Each leg's verdict clauses, one a line (each names its leg), or the quiet verdict.
fn why_lines(why: &crate::why::CallWhy, width: usize) -> Vec<Line> {
    let asking = why
        .legs
        .iter()
        .filter(|l| l.quality_source == crate::why::QualitySource::None("loading".into()))
        .count();
    let head = if asking > 0 {
        format!("Why · asking the Compatibility API about {asking} LaML leg(s)…")
    } else {
        "Why".to_owned()
    };
    let mut out = vec![Line::styled(head, Role::Heading)];
    let clauses: Vec<&String> = why.legs.iter().flat_map(|l| &l.clauses).collect();
    if clauses.is_empty() {
        out.push(Line::styled(
            format!("  {}", why.verdict),
            Role::Tone(Tone::Good),
        ));
    }
    for c in clauses {
        // Wrapped: a clause that names its numbers is longer than a narrow pane.
        let wrapped = textwrap::wrap(c, width.saturating_sub(4).max(20));
        for (i, part) in wrapped.iter().enumerate() {
            let lead = if i == 0 { "  • " } else { "    " };
            out.push(Line::styled(
                format!("{lead}{part}"),
                Role::Tone(Tone::Warn),
            ));
        }
    }
    out
}

/// A leg in two lines: the tree, type, status, duration and charge; then its full ID and
/// `from → to` under it.
fn leg_lines(row: &LegRow, has_children: bool, came_from: bool) -> [Line; 2] {
    let mut first = vec![
        (row.prefix.clone(), Role::Dim),
        (row.label.clone(), Role::Label),
    ];
    // Next to the label, not at the end: a narrow pane cuts the end of the line off.
    if came_from {
        first.push((" ◀ you came from here".to_owned(), Role::Warn));
    }
    first.extend([
        ("  ".to_owned(), Role::Plain),
        (row.status.clone(), Role::Tone(row.tone)),
        (format!("  {}  {}", row.duration, row.charge), Role::Plain),
    ]);
    let mut under = match row.prefix.as_str() {
        "" => String::new(),
        p => {
            let keep = p.chars().count().saturating_sub(3);
            let above: String = p.chars().take(keep).collect();
            let own = if p.ends_with("├─ ") {
                "│  "
            } else {
                "   "
            };
            format!("{above}{own}")
        }
    };
    under.push_str(if has_children { "│ " } else { "  " });
    [
        Line::of(first),
        Line::of([
            (under, Role::Dim),
            (row.id.to_string(), Role::Plain),
            ("  ".to_owned(), Role::Plain),
            (row.route.clone(), Role::Dim),
        ]),
    ]
}

/// What the view says while the call loads or after it failed.
pub fn waiting(asked: Uuid, spinner: Option<&str>, failed: Option<&str>) -> Vec<Line> {
    let mut out = vec![
        Line::styled(format!("Call of {asked}"), Role::Title),
        Line::blank(),
    ];
    match (spinner, failed) {
        (_, Some(why)) => {
            out.push(Line::styled(
                format!("Could not load the call: {why}"),
                Role::Error,
            ));
            out.push(Line::styled(
                "[ goes back; t tries again from the leg",
                Role::Dim,
            ));
        }
        (Some(s), None) => out.push(Line::styled(
            format!("{s} Finding every leg: the parents, then one scan of the call's window…"),
            Role::Dim,
        )),
        (None, None) => {}
    }
    out
}
