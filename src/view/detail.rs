//! The detail document: what the detail pane says, as blocks and selectable rows, built by the
//! state when the record, the chain, the children or the view change; its [`Layout`] at one
//! width, every row folded; and a [`Detail`], that layout with the selected row unfolded on
//! top, which is what selection, scrolling, mouse clicks, copying and drawing all read.

use unicode_width::UnicodeWidthStr;
use uuid::Uuid;

use super::{Line, Role, wrap};
use crate::present::{Charges, RowKey, Tone};
use crate::text::truncate_chars;

/// Width of the label column.
pub const LABEL_WIDTH: usize = 11;

/// Lines a long value takes before it is cut, unless its row is selected.
pub const FOLDED_LINES: usize = 2;

/// A row the user can select, copy and (when it links) open.
#[derive(Debug, Clone, PartialEq)]
pub struct Selectable {
    /// What the row is.
    pub key: RowKey,
    /// The label.
    pub label: String,
    /// The value in words.
    pub value: String,
    /// How the value looks.
    pub tone: Tone,
    /// The label column's width.
    pub label_width: usize,
    /// Whether the last live refresh changed the value.
    pub fresh: bool,
    /// The log Enter opens.
    pub link: Option<Uuid>,
    /// What `y` copies: a name for it and the text.
    pub copy: Option<(String, String)>,
    /// Drawn as this one line instead of label and value (the welcome's demo logs).
    pub line: Option<Line>,
}

/// One part of the document, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// One line as it is (cut, not wrapped, when too wide).
    Line(Line),
    /// Text wrapped to the width.
    Para(String, Role),
    /// A label, then text wrapped beside it (the chain's breadcrumb).
    Labelled(String, String, Role),
    /// A bullet point, wrapped under its text.
    Bullet(String),
    /// The selectable row with this index.
    Row(usize),
    /// The charge breakdown.
    Charges(Charges),
}

/// What the detail pane says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    /// The blocks, top to bottom.
    pub blocks: Vec<Block>,
    /// The selectable rows, in order.
    pub rows: Vec<Selectable>,
}

impl Doc {
    /// Adds a line.
    pub fn line(&mut self, line: Line) {
        self.blocks.push(Block::Line(line));
    }

    /// Adds a blank line.
    pub fn blank(&mut self) {
        self.blocks.push(Block::Line(Line::blank()));
    }

    /// Adds text wrapped to the width.
    pub fn para(&mut self, text: impl Into<String>, role: Role) {
        self.blocks.push(Block::Para(text.into(), role));
    }

    /// Adds a selectable row.
    pub fn row(&mut self, row: Selectable) {
        self.blocks.push(Block::Row(self.rows.len()));
        self.rows.push(row);
    }

    /// The document laid out `width` columns wide, every row folded.
    pub fn layout(&self, width: usize) -> Layout {
        let mut out = Layout {
            width,
            lines: Vec::new(),
            rows: Vec::with_capacity(self.rows.len()),
        };
        for block in &self.blocks {
            match block {
                Block::Line(l) => out.lines.push(l.clone()),
                Block::Para(text, role) => {
                    out.lines.extend(
                        wrap(text, width)
                            .into_iter()
                            .map(|l| Line::styled(l, *role)),
                    );
                }
                Block::Labelled(label, text, role) => {
                    let head = format!("{label:<LABEL_WIDTH$} ");
                    for (i, l) in wrap(text, width.saturating_sub(LABEL_WIDTH + 1))
                        .into_iter()
                        .enumerate()
                    {
                        let head = if i == 0 {
                            head.clone()
                        } else {
                            " ".repeat(LABEL_WIDTH + 1)
                        };
                        out.lines.push(Line::of([(head, Role::Label), (l, *role)]));
                    }
                }
                Block::Bullet(text) => {
                    for (i, l) in wrap(text, width.saturating_sub(2)).into_iter().enumerate() {
                        let mark = if i == 0 { "• " } else { "  " };
                        out.lines
                            .push(Line::styled(format!("{mark}{l}"), Role::Plain));
                    }
                }
                Block::Row(i) => {
                    let first = out.lines.len();
                    if let Some(row) = self.rows.get(*i) {
                        out.lines.extend(row_lines(row, width, false));
                    }
                    out.rows
                        .push((first, out.lines.len().saturating_sub(1).max(first)));
                }
                Block::Charges(c) => out.lines.extend(super::charges::lines(c, width)),
            }
        }
        out
    }
}

/// A row's lines: the label, then the value wrapped beside it; a long value is cut to
/// [`FOLDED_LINES`] unless `expanded`.
pub fn row_lines(row: &Selectable, width: usize, expanded: bool) -> Vec<Line> {
    if let Some(line) = &row.line {
        return vec![line.clone()];
    }
    let label_w = row.label_width;
    let value_w = width.saturating_sub(label_w + 1).max(8);
    let label = truncate_chars(&row.label, label_w).into_owned();
    let mut chunks = wrap(&row.value, value_w);
    if !expanded && chunks.len() > FOLDED_LINES {
        chunks.truncate(FOLDED_LINES);
        if let Some(last) = chunks.last_mut() {
            *last = format!(
                "{}…",
                truncate_chars(last, value_w.saturating_sub(1)).trim_end_matches('…')
            );
        }
    }
    let role = if row.fresh {
        Role::Changed
    } else {
        Role::Tone(row.tone)
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let head = if i == 0 {
                format!("{label:<label_w$} ")
            } else {
                " ".repeat(label_w + 1)
            };
            Line::of([(head, Role::Label), (chunk, role)])
        })
        .collect()
}

/// The width of the label column for `labels`: the widest, at least [`LABEL_WIDTH`], at most
/// half the pane.
pub fn label_width<'a>(labels: impl Iterator<Item = &'a str>, width: usize) -> usize {
    labels
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        // Not `clamp`: a pane under 22 columns makes the cap smaller than the floor, and
        // `clamp` panics then. The floor wins, as it does for the contract's own rows.
        .min(width / 2)
        .max(LABEL_WIDTH)
}

/// A document laid out at one width, every row folded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// The width it was laid out for.
    pub width: usize,
    /// Every line.
    pub lines: Vec<Line>,
    /// Each selectable row's first and last line.
    pub rows: Vec<(usize, usize)>,
}

/// The selected row's lines, unfolded.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfolded {
    /// Which row.
    pub row: usize,
    /// Its lines, replacing its folded ones.
    pub lines: Vec<Line>,
}

/// A laid-out document with the selected row unfolded: the one source of where each row is.
#[derive(Debug, Clone, Copy)]
pub struct Detail<'a> {
    /// The document.
    pub doc: &'a Doc,
    /// Its layout, folded.
    pub layout: &'a Layout,
    /// The selected row, unfolded, when that changes its lines.
    pub open: Option<&'a Unfolded>,
}

impl<'a> Detail<'a> {
    /// The unfolding of `selected` in `layout`, when it has more lines than its folded form.
    pub fn unfold(doc: &Doc, layout: &Layout, selected: usize) -> Option<Unfolded> {
        let row = doc.rows.get(selected)?;
        let (first, last) = *layout.rows.get(selected)?;
        let lines = row_lines(row, layout.width, true);
        (lines.len() != last + 1 - first).then_some(Unfolded {
            row: selected,
            lines,
        })
    }

    /// How many lines the open row adds (its unfolded lines less its folded ones).
    fn extra(&self) -> (usize, usize, usize) {
        match self
            .open
            .and_then(|o| Some((o, self.layout.rows.get(o.row)?)))
        {
            Some((o, (first, last))) => (o.row, *first, last + 1 - first),
            None => (usize::MAX, usize::MAX, 0),
        }
    }

    /// How many lines the pane's content takes.
    pub fn line_count(&self) -> usize {
        let (_, _, folded) = self.extra();
        let open = self.open.map_or(0, |o| o.lines.len());
        self.layout.lines.len() + open - folded
    }

    /// How many rows can be selected.
    pub fn row_count(&self) -> usize {
        self.layout.rows.len()
    }

    /// The first and last line of row `i`.
    pub fn row_lines(&self, i: usize) -> Option<(usize, usize)> {
        let (first, last) = *self.layout.rows.get(i)?;
        let Some(open) = self.open else {
            return Some((first, last));
        };
        let (row, _, folded) = self.extra();
        let grown = open.lines.len();
        Some(match i.cmp(&row) {
            std::cmp::Ordering::Less => (first, last),
            std::cmp::Ordering::Equal => (first, first + grown.max(1) - 1),
            std::cmp::Ordering::Greater => (first + grown - folded, last + grown - folded),
        })
    }

    /// The row drawn on `line`, if any.
    pub fn row_at_line(&self, line: usize) -> Option<usize> {
        let n = self.row_count();
        // Rows are in order and do not overlap: the first whose last line is at or past `line`.
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.row_lines(mid) {
                Some((_, last)) if last < line => lo = mid + 1,
                _ => hi = mid,
            }
        }
        self.row_lines(lo)
            .filter(|(first, last)| (*first..=*last).contains(&line))
            .map(|_| lo)
    }

    /// The first row starting at or below `line`.
    pub fn first_row_from(&self, line: usize) -> Option<usize> {
        let n = self.row_count();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.row_lines(mid) {
                Some((first, _)) if first < line => lo = mid + 1,
                _ => hi = mid,
            }
        }
        (lo < n).then_some(lo)
    }

    /// Line `n`.
    pub fn line(&self, n: usize) -> Option<&'a Line> {
        let Some(open) = self.open else {
            return self.layout.lines.get(n);
        };
        let (_, first, folded) = self.extra();
        if n < first {
            self.layout.lines.get(n)
        } else if n < first + open.lines.len() {
            open.lines.get(n - first)
        } else {
            self.layout.lines.get(n - open.lines.len() + folded)
        }
    }

    /// Up to `count` lines from line `from`: what a pane scrolled there shows.
    pub fn window(&self, from: usize, count: usize) -> Vec<&'a Line> {
        (from..from.saturating_add(count))
            .map_while(|n| self.line(n))
            .collect()
    }

    /// The log row `i` opens on Enter.
    pub fn link(&self, i: usize) -> Option<Uuid> {
        self.doc.rows.get(i)?.link
    }

    /// What row `i` is.
    pub fn key(&self, i: usize) -> Option<&crate::present::RowKey> {
        self.doc.rows.get(i).map(|r| &r.key)
    }

    /// What `y` copies for row `i`: a name for it and the text.
    pub fn copy(&self, i: usize) -> Option<(String, String)> {
        self.doc.rows.get(i)?.copy.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: &str) -> Selectable {
        Selectable {
            key: RowKey::Url,
            label: "URL".into(),
            value: value.into(),
            tone: Tone::Normal,
            label_width: LABEL_WIDTH,
            fresh: false,
            link: None,
            copy: None,
            line: None,
        }
    }

    fn doc() -> Doc {
        let mut d = Doc::default();
        d.para("A heading", Role::Title);
        d.row(row("short"));
        d.row(row(&"long words ".repeat(30)));
        d.blank();
        d.row(row("last"));
        d
    }

    /// The unfolded view answers every question exactly as a layout built with that row
    /// expanded would: lines, spans, hit-testing.
    #[test]
    fn unfolding_on_top_agrees_with_a_full_layout() {
        let d = doc();
        let width = 40;
        let layout = d.layout(width);
        for selected in 0..d.rows.len() {
            let open = Detail::unfold(&d, &layout, selected);
            let view = Detail {
                doc: &d,
                layout: &layout,
                open: open.as_ref(),
            };
            // The reference: every block laid out again, the selected row expanded.
            let mut lines: Vec<Line> = Vec::new();
            let mut spans = Vec::new();
            for b in &d.blocks {
                match b {
                    Block::Row(i) => {
                        let first = lines.len();
                        lines.extend(row_lines(&d.rows[*i], width, *i == selected));
                        spans.push((first, lines.len() - 1));
                    }
                    other => {
                        let one = Doc {
                            blocks: vec![other.clone()],
                            rows: vec![],
                        };
                        lines.extend(one.layout(width).lines);
                    }
                }
            }
            assert_eq!(view.line_count(), lines.len(), "selected {selected}");
            let shown: Vec<Line> = view.window(0, 1000).into_iter().cloned().collect();
            assert_eq!(shown, lines, "selected {selected}");
            for (i, span) in spans.iter().enumerate() {
                assert_eq!(
                    view.row_lines(i),
                    Some(*span),
                    "row {i}, selected {selected}"
                );
            }
            for (n, _) in lines.iter().enumerate() {
                let want = spans.iter().position(|(a, b)| (*a..=*b).contains(&n));
                assert_eq!(view.row_at_line(n), want, "line {n}, selected {selected}");
                let from = spans.iter().position(|(a, _)| *a >= n);
                assert_eq!(view.first_row_from(n), from, "line {n}");
            }
        }
    }
}
