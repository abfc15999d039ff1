//! Mouse: a click focuses the pane under it and selects the row there; the wheel scrolls the
//! pane under it. Hit-testing uses the same layout as drawing.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::msg::Effect;
use super::{App, Focus, SidebarMode, sidebar_keys};
use crate::view::layout;

impl App {
    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> (Vec<Effect>, bool) {
        let areas = layout::areas(self.size, self.sidebar_visible());
        let at = Position::new(m.column, m.row);
        if self.overlay.picker().is_some() && matches!(m.kind, MouseEventKind::Down(_)) {
            // A click beside the question is a no: the profile stays.
            self.overlay = super::Overlay::None;
            return (vec![], true);
        }
        if matches!(
            m.kind,
            MouseEventKind::Down(_) | MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
        ) && matches!(self.sidebar.mode, SidebarMode::Confirm(_))
        {
            // The question was about the selected row: moving away from it is a no.
            self.sidebar.mode = SidebarMode::Browse;
        }
        match m.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if areas.input.contains(at) {
                    self.focus = Focus::Input;
                } else if areas.sidebar.is_some_and(|r| r.contains(at)) {
                    self.focus = Focus::Sidebar;
                    let (top, height) = areas
                        .sidebar
                        .map_or((0, 0), |r| (r.y + 1, r.height.saturating_sub(2)));
                    let line = usize::from(m.row.saturating_sub(top));
                    let index = self.sidebar.frame().entry_at(
                        height,
                        line,
                        self.sidebar.selected,
                        self.sidebar.len(),
                    );
                    if let Some(index) = index {
                        self.sidebar.selected = index;
                        return (self.open_selected_lookup(), true);
                    }
                } else if areas.detail.contains(at) && self.view == super::View::Calls {
                    self.focus = Focus::Detail;
                    self.click_calls(usize::from(m.row.saturating_sub(areas.detail.y + 1)));
                } else if areas.detail.contains(at) && matches!(self.view, super::View::Call(_)) {
                    self.focus = Focus::Detail;
                    self.click_in_tree(usize::from(m.row.saturating_sub(areas.detail.y + 1)));
                } else if areas.detail.contains(at) {
                    self.focus = Focus::Detail;
                    let line =
                        self.detail_scroll + usize::from(m.row.saturating_sub(areas.detail.y + 1));
                    let width = super::inner_width(areas.detail.width);
                    let row = self.detail_at(width).get().row_at_line(line);
                    if let Some(row) = row {
                        self.detail_selected = row;
                    }
                }
                (vec![], true)
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let down = m.kind == MouseEventKind::ScrollDown;
                if areas.sidebar.is_some_and(|r| r.contains(at)) {
                    return (
                        sidebar_keys::move_selection(self, if down { 1 } else { -1 }),
                        true,
                    );
                } else if areas.detail.contains(at) && self.view == super::View::Calls {
                    self.move_calls(if down { 3 } else { -3 });
                } else if areas.detail.contains(at) && matches!(self.view, super::View::Call(_)) {
                    self.scroll_tree(if down { 3 } else { -3 });
                } else if areas.detail.contains(at) {
                    self.scroll_detail(if down { 3 } else { -3 });
                }
                (vec![], true)
            }
            _ => (vec![], false),
        }
    }
}
