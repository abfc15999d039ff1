//! Calls, not legs: the legs of a search grouped under their root leg, each call with its leg
//! count, its total charge and how it ended. Pure and fast (100,000 legs group in well under
//! 200 ms): it works on the list's kept [`Row`]s by index, reading no JSON.
//!
//! A call is a root leg (one without a parent, or whose parent is not among the rows) and every
//! leg below it, depth first, children oldest first. The legs a root's parent would bring are
//! found by the store layer (`search::calls`), which fetches missing parents and groups again.

pub mod export;
pub mod outcome;
pub mod table;
pub mod ticket;

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::list::row::Row;
use crate::query::Query;
pub use outcome::Outcome;

/// One leg of a call: where its row is, how deep it sits, and whether it matched the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLeg {
    /// Its index in the rows grouped.
    pub row: usize,
    /// 0 for the root, 1 for its children, and so on.
    pub depth: usize,
    /// Whether the leg matched the search's leg words.
    pub matched: bool,
}

/// One call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Its legs, the root first, each followed by its descendants (children oldest first).
    pub legs: Vec<CallLeg>,
    /// Whether the root has no parent: `false` when its parent could not be found (or the legs
    /// name each other as parents), so the call may have more legs above.
    pub rooted: bool,
    /// The sum of the charges that could be read, in dollars.
    pub charge: f64,
    /// How many legs have no readable charge (named, never counted as zero).
    pub unpriced: usize,
    /// How it ended.
    pub outcome: Outcome,
}

impl Call {
    /// The root's row index.
    pub fn root(&self) -> usize {
        self.legs.first().map_or(0, |l| l.row)
    }

    /// Whether any leg matched the search's leg words.
    pub fn matched(&self) -> bool {
        self.legs.iter().any(|l| l.matched)
    }

    /// The call's duration: its root's.
    pub fn duration_ms(&self, rows: &[Row]) -> Option<i64> {
        rows.get(self.root()).and_then(|r| r.duration_ms)
    }

    /// Whether the call meets the search's call words (`min:` is the call's duration here);
    /// the leg words are [`Call::matched`]. A total with an unpriced leg is a lower bound: it
    /// can show a call costs more than something, never that it costs less.
    pub fn keeps(&self, query: &Query, rows: &[Row]) -> bool {
        let words = &query.calls;
        let duration = self.duration_ms(rows);
        if let Some(min) = query.min_duration_ms
            && duration.is_none_or(|d| d < min)
        {
            return false;
        }
        if let Some(max) = words.max_duration_ms
            && duration.is_none_or(|d| d > max)
        {
            return false;
        }
        // Compared as printed: 0.1 + 0.2 is $0.30, and `charge:0.3` finds it.
        let total = rounded(self.charge);
        for c in &words.charge {
            let lower_bound = matches!(c.cmp, crate::query::Cmp::Gt | crate::query::Cmp::Ge);
            if !c.holds(total) || (self.unpriced > 0 && !lower_bound) {
                return false;
            }
        }
        let legs = u64::try_from(self.legs.len()).unwrap_or(u64::MAX);
        if !words.legs.iter().all(|c| c.holds(legs)) {
            return false;
        }
        words.outcomes.is_empty()
            || self
                .outcome
                .word
                .is_some_and(|w| words.outcomes.contains(&w))
    }
}

/// A total as it is printed and compared: to a millionth of a dollar (sums of binary
/// fractions are not exact). A total too large to print is not a number.
pub fn rounded(charge: f64) -> f64 {
    let r = (charge * 1e6).round() / 1e6;
    if r.is_finite() { r } else { f64::NAN }
}

/// The rows grouped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grouping {
    /// The calls, newest root first (a root without a time last).
    pub calls: Vec<Call>,
    /// Parents named by a leg but not among the rows: fetching them may join calls.
    pub missing: Vec<Uuid>,
}

/// Groups `rows` into calls; `matched(i)` says whether row `i` matched the leg words. Every row
/// is in exactly one call, whatever the parents say (a loop of parents becomes one call, not
/// rooted). A row without a readable ID is a call of its own.
pub fn group(rows: &[Row], matched: impl Fn(usize) -> bool) -> Grouping {
    let n = rows.len();
    let mut ids: HashMap<Uuid, usize> = HashMap::with_capacity(n);
    for (i, row) in rows.iter().enumerate() {
        if let Some(id) = row.id() {
            ids.entry(id).or_insert(i);
        }
    }
    // Each leg's parent among the rows; a parent not among them is missing.
    let mut missing = Vec::new();
    let mut seen_missing = HashSet::new();
    let parent: Vec<Option<usize>> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let p = row.parent?;
            match ids.get(&p) {
                Some(&at) if at != i => Some(at),
                Some(_) => None,
                None => {
                    if seen_missing.insert(p) {
                        missing.push(p);
                    }
                    None
                }
            }
        })
        .collect();
    let children = Children::of(&parent, rows);
    let mut visited = vec![false; n];
    let mut calls = Vec::new();
    let roots = (0..n).filter(|&i| parent[i].is_none());
    for root in roots {
        calls.push(walk(root, rows, &children, &mut visited, &matched));
    }
    // What no root reached: legs whose parents form a loop.
    for i in 0..n {
        if !visited[i] {
            let mut call = walk(i, rows, &children, &mut visited, &matched);
            call.rooted = false;
            calls.push(call);
        }
    }
    calls.sort_by(|a, b| rows[b.root()].created_at.cmp(&rows[a.root()].created_at));
    Grouping { calls, missing }
}

/// Each leg's children, oldest first, in one flat array (100,000 small vectors would cost more
/// than the grouping itself).
struct Children {
    start: Vec<usize>,
    list: Vec<usize>,
}

impl Children {
    fn of(parent: &[Option<usize>], rows: &[Row]) -> Self {
        let n = parent.len();
        let mut start = vec![0usize; n + 1];
        for p in parent.iter().flatten() {
            start[p + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut list = vec![0usize; start[n]];
        for (child, p) in parent.iter().enumerate() {
            if let Some(p) = *p {
                list[fill[p]] = child;
                fill[p] += 1;
            }
        }
        for i in 0..n {
            let kids = &mut list[start[i]..start[i + 1]];
            if kids.len() > 1 {
                kids.sort_by_key(|&c| (rows[c].created_at, c));
            }
        }
        Self { start, list }
    }

    fn of_leg(&self, i: usize) -> &[usize] {
        &self.list[self.start[i]..self.start[i + 1]]
    }
}

/// The call below `root`, depth first; marks its legs visited.
fn walk(
    root: usize,
    rows: &[Row],
    children: &Children,
    visited: &mut [bool],
    matched: &impl Fn(usize) -> bool,
) -> Call {
    let mut legs = Vec::new();
    let mut stack = vec![(root, 0usize)];
    while let Some((leg, depth)) = stack.pop() {
        if std::mem::replace(&mut visited[leg], true) {
            continue;
        }
        legs.push(CallLeg {
            row: leg,
            depth,
            matched: matched(leg),
        });
        // Pushed newest first so that the oldest child is walked first.
        for &c in children.of_leg(leg).iter().rev() {
            if !visited[c] {
                stack.push((c, depth + 1));
            }
        }
    }
    let mut charge = 0.0;
    let mut unpriced = 0;
    for l in &legs {
        match rows[l.row].charge.filter(|c| c.is_finite()) {
            Some(c) => charge += c,
            None => unpriced += 1,
        }
    }
    let outcome = Outcome::of(&legs, rows);
    Call {
        rooted: rows[root].parent.is_none(),
        legs,
        charge,
        unpriced,
        outcome,
    }
}

#[cfg(test)]
mod tests;
