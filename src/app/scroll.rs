//! Scrolling the detail pane and its raw JSON view, and keeping the selected row on screen.

use super::App;
use crate::view::layout;

impl App {
    /// Lines of the detail pane's inside at the terminal's size.
    pub(super) fn detail_height(&self) -> usize {
        usize::from(
            layout::areas(self.size, self.sidebar_visible())
                .detail
                .height
                .saturating_sub(2),
        )
    }

    /// Scrolls the detail pane (or the raw view) by `delta` lines.
    pub(super) fn scroll_detail(&mut self, delta: isize) {
        let height = self.detail_height();
        let total = if self.raw {
            self.raw_json()
                .map_or(0, |(_, body)| crate::view::json_line_count(&body))
        } else {
            self.detail().get().line_count()
        };
        let max = total.saturating_sub(height);
        let scroll = if self.raw {
            &mut self.raw_scroll
        } else {
            &mut self.detail_scroll
        };
        *scroll = scroll.saturating_add_signed(delta).min(max);
    }

    /// Scrolls so that the selected row is on screen.
    pub(super) fn keep_selection_visible(&mut self) {
        let height = self.detail_height().max(1);
        let rows = self.detail().get().row_count();
        self.detail_selected = self.detail_selected.min(rows.saturating_sub(1));
        let span = self.detail().get().row_lines(self.detail_selected);
        if let Some((first, last)) = span {
            if first < self.detail_scroll {
                self.detail_scroll = first;
            } else if last >= self.detail_scroll + height {
                self.detail_scroll = (last + 1).saturating_sub(height);
            }
        }
    }
}
