//! Where the sidebar's entries go: the rows between the filter line and the note editor, two
//! lines an entry, scrolled so that the selected entry shows.

/// Lines each entry takes.
pub const ENTRY_HEIGHT: usize = 2;

/// The first entry shown, so that the selected one is on screen.
pub fn first_visible(selected: usize, rows_height: usize) -> usize {
    let capacity = (rows_height / ENTRY_HEIGHT).max(1);
    (selected + 1).saturating_sub(capacity)
}

/// The sidebar's frame around its rows, in lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    /// Lines above the rows (the filter line).
    pub header: usize,
    /// Lines below the rows (the note editor).
    pub footer: usize,
}

impl Frame {
    /// How many lines the rows get in a pane whose inside is `height` lines.
    pub fn rows_height(self, height: u16) -> usize {
        usize::from(height).saturating_sub(self.header + self.footer)
    }

    /// The entry at `line` lines below the top of the pane's inside, if any, of `len` entries
    /// with `selected` selected.
    pub fn entry_at(self, height: u16, line: usize, selected: usize, len: usize) -> Option<usize> {
        let line = line.checked_sub(self.header)?;
        let rows = self.rows_height(height);
        if line >= rows {
            return None;
        }
        let index = first_visible(selected, rows) + line / ENTRY_HEIGHT;
        (index < len).then_some(index)
    }
}
