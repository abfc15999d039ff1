//! The Calls view one call a row: the calls a search found (its legs grouped under their
//! root), which are unfolded (their legs shown below them) and which are marked for a ticket
//! bundle, and the lines on screen in order. `g` switches to one leg a row and back: the legs
//! are those of the same calls, so switching sends nothing.

use std::collections::HashSet;

use super::calls::Calls;
use crate::calls::Call;
use crate::list::Row;
use crate::present::format::Clock;
use crate::query::View as Shown;
use crate::view::calls::{Sort, narrows_to};

/// A search's answer in calls.
#[derive(Debug, Clone, Default)]
pub struct Grouped {
    /// The calls found, at most the limit, newest first; their legs index into the rows.
    pub calls: Vec<Call>,
    /// How many calls matched in all (before the limit).
    pub matched: usize,
    /// The unfolded calls, by their root's row.
    pub unfolded: HashSet<usize>,
    /// The marked calls, by their root's row.
    pub marked: HashSet<usize>,
    /// The lines shown, in order.
    pub lines: Vec<Item>,
    /// The rows from this index on were brought by a follow.
    pub follow_from: Option<usize>,
}

/// A line of the calls: a call, or one of its legs below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    /// The call at this index of [`Grouped::calls`].
    Call(usize),
    /// The call's leg at this index of its legs.
    Leg(usize, usize),
}

impl Item {
    /// The call the line belongs to.
    pub fn call(self) -> usize {
        match self {
            Item::Call(c) | Item::Leg(c, _) => c,
        }
    }
}

impl Grouped {
    /// The calls found, with nothing folded or marked.
    pub fn new(calls: Vec<Call>, matched: usize) -> Self {
        Self {
            calls,
            matched,
            ..Self::default()
        }
    }

    /// The row a line stands for: a call's root, or the leg.
    pub fn row_of(&self, item: Item) -> Option<usize> {
        let call = self.calls.get(item.call())?;
        match item {
            Item::Call(_) => Some(call.root()),
            Item::Leg(_, l) => call.legs.get(l).map(|l| l.row),
        }
    }

    /// The rows of the legs that matched the search, in no order: the legs view's rows.
    pub fn matched_legs(&self) -> Vec<usize> {
        self.calls
            .iter()
            .flat_map(|c| c.legs.iter().filter(|l| l.matched).map(|l| l.row))
            .collect()
    }

    /// Lays the lines out again: the calls narrowed to `needle` and sorted by `sort`, each
    /// unfolded one followed by its legs. The line that stood for `keep` (a row) is found again.
    fn relayout(&mut self, rows: &[Row], sort: Sort, needle: &str) {
        let mut order: Vec<usize> = (0..self.calls.len())
            .filter(|c| {
                self.calls[*c]
                    .legs
                    .iter()
                    .any(|l| narrows_to(&rows[l.row], needle))
            })
            .collect();
        let key = |c: &usize| {
            let call = &self.calls[*c];
            let root = &rows[call.root()];
            match sort {
                Sort::Time => root.created_at.map(|t| t.timestamp_millis() as f64),
                Sort::Duration => root.duration_ms.map(|d| d as f64),
                Sort::Charge => Some(call.charge),
            }
        };
        // Biggest first; calls without the value last; equal ones as found.
        order.sort_by(|a, b| {
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut lines = Vec::with_capacity(order.len());
        for c in order {
            lines.push(Item::Call(c));
            if self.unfolded.contains(&self.calls[c].root()) {
                lines.extend((0..self.calls[c].legs.len()).map(|l| Item::Leg(c, l)));
            }
        }
        self.lines = lines;
    }
}

impl Calls {
    /// Whether the rows are shown one call a row.
    pub fn by_call(&self) -> bool {
        self.shown == Shown::Calls && self.grouped.is_some()
    }

    /// How many lines the view has.
    pub fn len(&self) -> usize {
        match &self.grouped {
            Some(g) if self.by_call() => g.lines.len(),
            _ => self.order.len(),
        }
    }

    /// Whether the view has no lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The selected line of the calls, when they are shown.
    pub fn selected_item(&self) -> Option<Item> {
        let g = self.grouped.as_ref().filter(|_| self.by_call())?;
        g.lines.get(self.selected).copied()
    }

    /// The selected call, when calls are shown.
    pub fn selected_call(&self) -> Option<&Call> {
        let item = self.selected_item()?;
        self.grouped.as_ref()?.calls.get(item.call())
    }

    /// The row of the selected line: a call's root, a leg, or the row.
    pub(super) fn selected_index(&self) -> Option<usize> {
        match (&self.grouped, self.selected_item()) {
            (Some(g), Some(item)) => g.row_of(item),
            _ if self.by_call() => None,
            _ => self.order.get(self.selected).copied(),
        }
    }

    /// Lays the calls out again, keeping the same line selected (or its call, when folded).
    pub(super) fn relayout_calls(&mut self) {
        let needle = self.narrow.value().to_lowercase();
        let Some(g) = self.grouped.as_mut() else {
            return;
        };
        let keep = g.lines.get(self.selected).copied().and_then(|item| {
            let call = g.calls.get(item.call())?;
            let leg = match item {
                Item::Leg(_, l) => call.legs.get(l).map(|l| l.row),
                Item::Call(_) => None,
            };
            Some((call.root(), leg))
        });
        g.relayout(&self.rows, self.sort, &needle);
        self.selected = keep
            .and_then(|(root, leg)| {
                let at = |want: &dyn Fn(Item) -> bool| g.lines.iter().position(|i| want(*i));
                let is_call = |i: Item| matches!(i, Item::Call(c) if g.calls[c].root() == root);
                leg.and_then(|leg| {
                    at(&|i| {
                        matches!(i, Item::Leg(c, l) if g.calls[c].root() == root
                            && g.calls[c].legs.get(l).is_some_and(|x| x.row == leg))
                    })
                })
                .or_else(|| at(&is_call))
            })
            .unwrap_or(0);
    }

    /// Unfolds (`true`) or folds the selected call; on a leg, folding selects its call.
    pub(super) fn fold(&mut self, unfold: bool) -> bool {
        let Some(item) = self.selected_item() else {
            return false;
        };
        let Some(g) = self.grouped.as_mut() else {
            return false;
        };
        let root = g.calls[item.call()].root();
        let changed = if unfold {
            g.unfolded.insert(root)
        } else {
            g.unfolded.remove(&root)
        };
        if !unfold && let Item::Leg(c, _) = item {
            // The call's line stays where the leg's call was: select it.
            if let Some(at) = g.lines.iter().position(|i| *i == Item::Call(c)) {
                self.selected = at;
            }
        }
        self.relayout_calls();
        changed
    }

    /// Marks the selected call, or unmarks it; `None` when no call is selected.
    pub(super) fn toggle_mark(&mut self) -> Option<bool> {
        let item = self.selected_item()?;
        let g = self.grouped.as_mut()?;
        let root = g.calls[item.call()].root();
        Some(if g.marked.remove(&root) {
            false
        } else {
            g.marked.insert(root)
        })
    }

    /// The calls a bundle is of: the marked ones in the order shown, else the selected one.
    pub fn bundle_calls(&self) -> Vec<&Call> {
        let Some(g) = self.grouped.as_ref().filter(|_| self.by_call()) else {
            return vec![];
        };
        let marked: Vec<&Call> = g
            .lines
            .iter()
            .filter_map(|i| match i {
                Item::Call(c) if g.marked.contains(&g.calls[*c].root()) => Some(&g.calls[*c]),
                _ => None,
            })
            .collect();
        if !marked.is_empty() {
            return marked;
        }
        // Marked calls narrowed out are still marked.
        let mut hidden: Vec<&Call> = g
            .calls
            .iter()
            .filter(|c| g.marked.contains(&c.root()))
            .collect();
        if !hidden.is_empty() {
            hidden.sort_by_key(|c| std::cmp::Reverse(self.rows[c.root()].created_at));
            return hidden;
        }
        self.selected_call().into_iter().collect()
    }
}

/// Groups the rows again after a follow brought legs: a leg whose parent is a shown call joins
/// it (its leg count, total and outcome change in place); a new leg that matches the search
/// is a new call; the folds and marks stay on their calls.
pub(super) fn regroup(calls: &mut Calls, clock: &Clock) {
    let Some(g) = calls.grouped.as_mut() else {
        return;
    };
    let Ok(query) = crate::query::Query::parse(&calls.text, clock) else {
        return;
    };
    let legs = query.leg_part();
    let mut matched = vec![false; calls.rows.len()];
    let mut known = vec![false; calls.rows.len()];
    for call in &g.calls {
        for l in &call.legs {
            if let Some(m) = matched.get_mut(l.row) {
                *m = l.matched;
                known[l.row] = true;
            }
        }
    }
    // Rows of calls not kept stay unmatched; rows the follow brought are matched as the
    // search would match them.
    let from = g.follow_from.unwrap_or(calls.rows.len());
    for (i, row) in calls.rows.iter().enumerate().skip(from) {
        if !known[i] {
            matched[i] = crate::search::leg_matches(&legs, row);
        }
    }
    let grouping = crate::calls::group(&calls.rows, |i| matched[i]);
    g.calls = grouping
        .calls
        .into_iter()
        .filter(|c| c.matched() && c.keeps(&query, &calls.rows))
        .collect();
    g.matched = g.matched.max(g.calls.len());
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::app::App;
    use crate::app::calls::ScanState;
    use crate::list::Stop;
    use crate::query::Query;
    use crate::tail::Event;
    use chrono::TimeZone;

    fn row(n: u32, parent: u32, mins: i64, extra: serde_json::Value) -> Row {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
            .unwrap()
            - chrono::TimeDelta::minutes(mins);
        let mut v = serde_json::json!({
            "id": crate::testkit::uuid(n).to_string(), "created_at": at.to_rfc3339(),
            "parent_id": if parent == 0 { serde_json::Value::Null }
                else { serde_json::json!(crate::testkit::uuid(parent).to_string()) },
            "from": "+14155550123", "to": "+12065553434", "status": "completed",
            "type": "relay_pstn_call", "charge": 0.01, "duration_ms": 60_000,
        });
        if let (serde_json::Value::Object(o), serde_json::Value::Object(e)) = (&mut v, extra) {
            o.extend(e);
        }
        Row::of(&crate::testkit::log(v))
    }

    fn app_with_calls() -> App {
        let ctx = crate::app::Context {
            space: "acme".into(),
            place: "acme".into(),
            project: "p".into(),
            profile: "default".into(),
        };
        let history = crate::history::History::in_memory(crate::history::Options::default());
        let mut app = App::new(ctx, ratatui::layout::Size::new(140, 40), false, history);
        app.fixed_now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
            .single();
        let query = Query::parse("4155550123 since:1h", &app.clock()).unwrap();
        app.search("4155550123 since:1h", query);
        let calls = app.calls.as_mut().unwrap();
        calls.rows = vec![
            row(1, 0, 10, serde_json::json!({})),
            row(
                2,
                1,
                9,
                serde_json::json!({
            "from": "+12065553434", "to": "+13105550000"}),
            ),
        ];
        let grouping = crate::calls::group(&calls.rows, |i| i == 0);
        calls.grouped = Some(Grouped::new(grouping.calls, 1));
        calls.state = ScanState::Ended(Stop::LastPage);
        calls.reorder();
        app
    }

    #[test]
    fn following_by_call_a_new_leg_joins_its_call_and_a_new_matching_leg_is_a_new_call() {
        let mut app = app_with_calls();
        let generation = app.calls.as_ref().unwrap().generation;
        let effects = app.toggle_follow();
        let [crate::app::Effect::Follow { query, .. }] = &effects[..] else {
            panic!("{effects:?}")
        };
        assert!(
            query.is_window_only(),
            "every new leg is read, so that a child of a shown call is seen: {query:?}"
        );
        let events = vec![
            // A third leg of the call, to another number, that failed.
            Event::New(row(
                3,
                2,
                1,
                serde_json::json!({"from": "+12065553434",
                "to": "sip:bob@pbx", "status": "failed", "charge": 0.02}),
            )),
            // A new call from the number.
            Event::New(row(4, 0, 0, serde_json::json!({}))),
            // A new call of another number: not shown.
            Event::New(row(
                5,
                0,
                0,
                serde_json::json!({"from": "+17025550100",
                "to": "+17025550101"}),
            )),
        ];
        assert!(app.on_followed(generation, Duration::from_secs(2), Ok(events)));
        let calls = app.calls.as_ref().unwrap();
        let g = calls.grouped.as_ref().unwrap();
        assert_eq!(g.calls.len(), 2, "{:?}", g.calls);
        let first = g
            .calls
            .iter()
            .find(|c| calls.rows[c.root()].id() == Some(crate::testkit::uuid(1)))
            .expect("the first call");
        assert_eq!(first.legs.len(), 3, "the new leg joined its call");
        assert!(
            (first.charge - 0.04).abs() < 1e-9,
            "its total: {}",
            first.charge
        );
        assert_eq!(first.outcome.words(), "failed on PSTN call #3");
        assert!(
            g.calls
                .iter()
                .any(|c| calls.rows[c.root()].id() == Some(crate::testkit::uuid(4))),
            "a new call from the number is a row"
        );
        assert_eq!(g.lines.len(), 2, "one row a call: {:?}", g.lines);
    }
}
