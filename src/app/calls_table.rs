//! The Calls view laid out at a width: the title (the search, which view, the order, the
//! narrowing), the status (how far the scan got, or where the answer came from and how many),
//! the header and the rows, one leg a row or one call a row with unfolded calls' legs below.

use super::calls::{Calls, ScanState, Table};
use super::grouped::Item;
use crate::list::Stop;
use crate::present::format::Clock;
use crate::query::View as Shown;
use crate::view::calls::{self, Columns, Sort};
use crate::view::grouped::{self, Fitted, Look};
use crate::view::{Line, Role};

impl Calls {
    fn status(&self, clock: &crate::present::format::Clock) -> Line {
        let progress = match &self.source {
            // The answer is in: how many, and from where.
            Some(source) if !self.running() => format!(
                "{} · {}",
                source.origin_words(clock),
                self.calls_count().unwrap_or_else(|| {
                    crate::present::format::counted(self.rows.len(), "match", "matches")
                }),
            ),
            _ => self.progress.summary(),
        };
        match &self.state {
            ScanState::Running => Line::of([
                (progress, Role::Plain),
                (" · Esc stops".to_owned(), Role::Dim),
            ]),
            ScanState::Ended(stop) => {
                let role = match stop {
                    Stop::Limit | Stop::ScanCap => Role::Warn,
                    Stop::LastPage | Stop::PastWindow => Role::Good,
                };
                Line::of([
                    (progress, Role::Plain),
                    (format!(" · {}", calls::stop_words(*stop)), role),
                ])
            }
            ScanState::Stopped => Line::of([
                (progress, Role::Plain),
                (" · stopped".to_owned(), Role::Warn),
            ]),
            ScanState::Failed(e) => Line::of([
                (progress, Role::Plain),
                (
                    format!(" · stopped: {}", crate::text::sanitize(&e.to_string())),
                    Role::Error,
                ),
            ]),
        }
    }

    /// The view `width` columns wide with `height` rows of table.
    pub fn table(&self, clock: &crate::present::format::Clock, width: usize) -> Table {
        let all: Vec<[String; 8]> = if self.by_call() {
            Vec::new()
        } else {
            self.order
                .iter()
                .map(|i| calls::cells(&self.rows[*i], clock))
                .collect()
        };
        let natural = Columns::natural(all.iter().cloned());
        let columns = Columns::fit(width, &natural, self.sort.column());
        let mut title = vec![
            ("search: ".to_owned(), Role::Dim),
            (self.described.clone(), Role::Title),
            self.shown_words(),
            (format!(" · {}", self.sort.words()), Role::Dim),
        ];
        if let Some(source) = self.source.as_ref().filter(|s| s.defaulted) {
            let hours = (source.window.to - source.window.from).num_hours();
            title.push((format!(" · last {hours} h"), Role::Dim));
        }
        if let Some(origin) = &self.origin {
            // Which space was searched: a search runs in the profile in effect when it started.
            title.push((
                format!(
                    " · space {} (profile {})",
                    crate::text::sanitize(&origin.space),
                    crate::text::sanitize(&origin.profile)
                ),
                Role::Dim,
            ));
        }
        if self.narrowing || !self.narrow.value().is_empty() {
            let shown = crate::text::sanitize(self.narrow.value()).into_owned();
            title.push((format!(" · /{shown}"), Role::Warn));
            title.push((
                match &self.grouped {
                    Some(g) if self.by_call() => format!(
                        " ({} of {})",
                        g.lines
                            .iter()
                            .filter(|i| matches!(i, Item::Call(_)))
                            .count(),
                        g.calls.len()
                    ),
                    Some(g) => format!(" ({} of {})", self.order.len(), g.matched_legs().len()),
                    None => format!(" ({} of {})", self.order.len(), self.rows.len()),
                },
                Role::Dim,
            ));
        }
        let empty = if !self.order.is_empty() {
            None
        } else if !self.rows.is_empty() {
            Some("no loaded call holds that text (Esc clears the narrowing)".to_owned())
        } else if self.running() {
            Some("searching…".to_owned())
        } else {
            Some(format!("no calls match {}", self.described))
        };
        let rows = all
            .iter()
            .zip(&self.order)
            .skip(self.scroll)
            .map(|(cells, i)| (self.rows[*i].outcome, leg_looks(columns.cut(cells))))
            .collect();
        let table = Table {
            title: Line::of(title),
            status: self.status(clock),
            gap: columns.gap,
            header: leg_looks(columns.header(Some(self.sort.column()))),
            rows,
            selected: self.selected.checked_sub(self.scroll),
            empty,
        };
        if self.by_call() && !self.running() {
            self.calls_table(clock, width, table)
        } else {
            table
        }
    }

    /// The calls laid out `width` columns wide: the title, the status, the header and every
    /// line (the caller keeps those on screen).
    pub(super) fn calls_table(&self, clock: &Clock, width: usize, mut table: Table) -> Table {
        let Some(g) = self.grouped.as_ref() else {
            return table;
        };
        let cells: Vec<([String; 9], bool)> = g
            .lines
            .iter()
            .map(|item| match *item {
                Item::Call(c) => {
                    let call = &g.calls[c];
                    let root = call.root();
                    let (marked, open) = (g.marked.contains(&root), g.unfolded.contains(&root));
                    (
                        grouped::call_cells(call, &self.rows, clock, marked, open),
                        false,
                    )
                }
                Item::Leg(c, l) => (grouped::leg_cells(&g.calls[c].legs[l], &self.rows), true),
            })
            .collect();
        let natural = Fitted::natural(cells.iter().map(|(c, _)| c));
        let sorted = match self.sort {
            Sort::Time => grouped::CREATED,
            Sort::Duration => grouped::DURATION,
            Sort::Charge => grouped::TOTAL,
        };
        let fitted = Fitted::fit(width, &natural, sorted);
        table.gap = fitted.gap;
        table.header = fitted.header(sorted);
        table.rows = g
            .lines
            .iter()
            .zip(&cells)
            .skip(self.scroll)
            .map(|(item, (cells, leg))| {
                let tone = match *item {
                    Item::Call(c) => g.calls[c].outcome.tone(),
                    Item::Leg(c, l) => self.rows[g.calls[c].legs[l].row].outcome,
                };
                (tone, fitted.cut(cells, *leg))
            })
            .collect();
        table.empty = None;
        if g.lines.is_empty() && !g.calls.is_empty() {
            table.empty = Some("no loaded call holds that text (Esc clears the narrowing)".into());
        } else if g.calls.is_empty() {
            table.empty = Some(format!("no calls match {}", self.described));
        }
        table
    }

    /// `12 calls (31 legs) · 2 marked`, for the status line.
    pub(super) fn calls_count(&self) -> Option<String> {
        let g = self.grouped.as_ref()?;
        let legs: usize = g.calls.iter().map(|c| c.legs.len()).sum();
        let mut s = if self.by_call() {
            format!(
                "{} ({})",
                crate::present::format::counted(g.calls.len(), "call", "calls"),
                crate::present::format::counted(legs, "leg", "legs"),
            )
        } else {
            format!(
                "{} of {}",
                crate::present::format::counted(self.order.len(), "leg", "legs"),
                crate::present::format::counted(g.calls.len(), "call", "calls"),
            )
        };
        if g.matched > g.calls.len() {
            s.push_str(&format!(" of {} matched", g.matched));
        }
        if !g.marked.is_empty() && self.by_call() {
            s.push_str(&format!(" · {} marked", g.marked.len()));
        }
        Some(s)
    }

    /// Which view is shown and what `g` switches to, for the title.
    pub(super) fn shown_words(&self) -> (String, Role) {
        match self.shown {
            Shown::Calls => (" · by call".to_owned(), Role::Dim),
            Shown::Legs => (" · by leg".to_owned(), Role::Dim),
        }
    }
}

/// The legs view's cells' looks: the status in its outcome's colour, times and IDs quieter.
pub(super) fn leg_looks(cells: Vec<(crate::view::calls::Column, String)>) -> Vec<(Look, String)> {
    use crate::view::calls::Column;
    cells
        .into_iter()
        .map(|(c, s)| {
            let look = match c {
                Column::Status => Look::Outcome,
                Column::Id | Column::Created => Look::Dim,
                _ => Look::Plain,
            };
            (look, s)
        })
        .collect()
}
