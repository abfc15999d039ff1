//! Where each pane goes. Used by drawing, by the state (page sizes, the detail pane's width)
//! and by mouse hit-testing, so all three agree.

use ratatui::layout::{Constraint, Layout, Rect, Size};

/// The panes' rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The ID input.
    pub input: Rect,
    /// The sidebar, when the terminal is wide enough.
    pub sidebar: Option<Rect>,
    /// The detail pane.
    pub detail: Rect,
    /// The status bar.
    pub status: Rect,
}

/// The narrowest terminal that shows the sidebar.
pub const SIDEBAR_MIN_WIDTH: u16 = 80;

/// The narrowest terminal that shows the sidebar beside the list of calls: narrower, the list
/// takes the sidebar's room (at 120 columns the sidebar would cost it the type, status,
/// duration and charge columns) except while the sidebar has focus.
pub const CALLS_SIDEBAR_MIN_WIDTH: u16 = 160;

/// Whether a terminal of `size` shows the sidebar.
pub fn sidebar_visible(size: Size) -> bool {
    size.width >= SIDEBAR_MIN_WIDTH
}

/// Lays out a terminal of `size`. Any size works, down to 1x1.
pub fn areas(size: Size, with_sidebar: bool) -> Areas {
    let area = Rect::new(0, 0, size.width, size.height);
    let [input, middle, status] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(0),
        Constraint::Length(2),
    ])
    .areas(area);
    if with_sidebar {
        let width = (size.width * 3 / 10).clamp(28, 44);
        let [sidebar, detail] =
            Layout::horizontal([Constraint::Length(width), Constraint::Min(0)]).areas(middle);
        Areas {
            input,
            sidebar: Some(sidebar),
            detail,
            status,
        }
    } else {
        Areas {
            input,
            sidebar: None,
            detail: middle,
            status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_sizes_lay_out_without_panicking() {
        for (w, h) in [(0, 0), (1, 1), (20, 5), (79, 24), (80, 24), (300, 100)] {
            let size = Size::new(w, h);
            let a = areas(size, sidebar_visible(size));
            assert!(
                a.detail.right() <= w.max(1) && a.status.bottom() <= h.max(1),
                "{w}x{h}: {a:?}"
            );
        }
    }

    #[test]
    fn sidebar_only_from_80_columns() {
        assert!(!sidebar_visible(Size::new(79, 24)));
        assert!(sidebar_visible(Size::new(80, 24)));
        let a = areas(Size::new(80, 24), true);
        assert_eq!(a.sidebar.map(|r| r.width), Some(28));
        assert_eq!(a.detail.width, 52);
        assert_eq!(a.input.height, 3);
        assert_eq!(a.status.height, 2);
    }
}
