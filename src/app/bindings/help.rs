//! What the help overlay lists, from the binding table: the focused pane's keys first, then
//! what works anywhere, then every other pane's keys, the search words with examples, and the
//! mouse. The state knows how many lines that is, so that it can scroll the overlay.

use super::{BINDINGS, KeyContext, stack};

use KeyContext as X;

/// A group of the overlay: a heading and its (keys, words) rows.
pub type Group = (&'static str, Vec<(String, &'static str)>);

/// What the mouse does, and what the title's back/forward counter means: no key table holds
/// them. The counter counts opened logs only (Enter, a lookup, a link), not sidebar previews.
const MOUSE: &[(&str, &str)] = &[
    ("click", "focus, select a row"),
    ("wheel", "scroll"),
    ("◀ 2 · 0 ▶", "opened logs back · ahead"),
];

/// The panes whose keys the help lists after the focused one's, in this order.
const PANES: [KeyContext; 8] = [
    X::Input,
    X::Sidebar,
    X::Panes,
    X::Fields,
    X::Events,
    X::Call,
    X::Calls,
    X::Raw,
];

/// The search words, typed into the input (or given to `swlog list`), each with an example.
pub const SEARCH_WORDS: &[(&str, &str)] = &[
    ("(415) 555-0123", "a number"),
    ("from:N  to:N", "on one side only"),
    ("since:2h until:30m", "window: m h d w"),
    ("without since:", "the last 24 h"),
    ("on:2026-11-24", "one local day"),
    ("yesterday, monday", "a day, as said"),
    ("since:12:00", "a local time"),
    ("friday 12:00..18:00", "a span of a day"),
    ("status:failed,busy", "any of these"),
    ("type:sip,pstn", "also webrtc laml"),
    ("dir:inbound", "the direction"),
    ("min:30s", "the shortest"),
    ("parent:ID", "legs under a leg"),
    ("deleted:yes", "deleted logs too"),
    ("any other word", "part of from/to"),
    ("charge:>0", "a call's total, in $"),
    ("max:30s", "a call at most"),
    ("legs:>2", "a call's legs"),
    ("outcome:failed", "how a call ended"),
];

/// The groups the help shows over `context` (the focused pane's).
pub fn groups(context: KeyContext) -> Vec<Group> {
    let own = stack(context);
    let anywhere = [X::Always, X::Anywhere];
    let mut shown: Vec<KeyContext> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut add = |c: KeyContext, over: KeyContext, groups: &mut Vec<Group>| {
        if shown.contains(&c) {
            return;
        }
        shown.push(c);
        let rows = BINDINGS
            .iter()
            .filter(|b| b.context == c)
            .map(|b| (b.label(over), b.words))
            .filter(|(keys, _)| !keys.is_empty());
        match groups.last_mut() {
            Some((title, group)) if *title == c.title() => group.extend(rows),
            _ => groups.push((c.title(), rows.collect())),
        }
    };
    // The focused pane first, its keys as they work there.
    for c in own.iter().filter(|c| !anywhere.contains(c)) {
        add(*c, context, &mut groups);
    }
    for c in anywhere.iter().filter(|c| own.contains(c)) {
        add(*c, context, &mut groups);
    }
    // Then every other pane, each with its keys as they work in it.
    for pane in PANES {
        for c in stack(pane).iter().filter(|c| !anywhere.contains(c)) {
            add(*c, pane, &mut groups);
        }
    }
    let words = SEARCH_WORDS
        .iter()
        .map(|(k, w)| ((*k).to_owned(), *w))
        .collect();
    groups.push(("Search words (Enter in the input)", words));
    let mouse = MOUSE.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect();
    groups.push(("Mouse and title", mouse));
    groups.retain(|(_, rows)| !rows.is_empty());
    groups
}

/// The lines a column of `groups` takes: a heading each, their rows, a blank between two.
pub fn height(groups: &[Group]) -> usize {
    groups.iter().map(|(_, rows)| rows.len() + 1).sum::<usize>() + groups.len().saturating_sub(1)
}

/// Where the groups are split into the overlay's two columns (the split that makes the taller
/// column shortest), and that column's height.
pub fn split(groups: &[Group]) -> (usize, usize) {
    (0..=groups.len())
        .map(|k| (k, height(&groups[..k]).max(height(&groups[k..]))))
        .min_by_key(|(_, h)| *h)
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(context: KeyContext) -> Vec<&'static str> {
        groups(context).iter().map(|g| g.0).collect()
    }

    /// `?` from the input listed only the input's keys.
    #[test]
    fn the_focused_panes_keys_come_first_then_every_other_panes_and_the_search_words() {
        let from_input = titles(X::EmptyInput);
        assert_eq!(from_input[0], "ID input");
        for pane in [
            "Sidebar",
            "Detail",
            "Events timeline",
            "Whole call",
            "Calls",
        ] {
            assert!(from_input.contains(&pane), "{pane}: {from_input:?}");
        }
        assert!(from_input.contains(&"Search words (Enter in the input)"));
        let from_calls = titles(X::Calls);
        assert_eq!(from_calls[0], "Calls");
        assert!(from_calls.contains(&"ID input"), "{from_calls:?}");
        let words: Vec<(String, &str)> = groups(X::Sidebar)
            .into_iter()
            .filter(|g| g.0.starts_with("Search words"))
            .flat_map(|g| g.1)
            .collect();
        assert!(words.iter().any(|(k, _)| k.contains("status:failed")));
        // Every example is a search the input takes, and fits its column (37 wide at 80x24).
        let clock = crate::present::format::Clock::fixed(chrono::Utc::now());
        for (example, what) in SEARCH_WORDS {
            assert!(
                example.chars().count() + 2 + what.chars().count() <= 37,
                "{example}"
            );
            // `from:N`, `parent:ID` and "any other word" stand for what the user types.
            if example.contains(['N', 'I'])
                || example.starts_with("any")
                || example.starts_with("without")
            {
                continue;
            }
            for alternative in example.split(", ") {
                let q = crate::query::Query::parse(alternative, &clock);
                assert!(q.is_ok(), "{alternative}: {q:?}");
            }
        }
        // The window searched without a start is named, as the search uses it.
        let hours = crate::search::DEFAULT_WINDOW.num_hours();
        assert!(
            words
                .iter()
                .any(|(k, w)| k.starts_with("without since") && *w == format!("the last {hours} h")),
            "{words:?}"
        );
        // Each group once.
        let mut seen = titles(X::Fields);
        let all = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), all, "{:?}", titles(X::Fields));
    }
}
