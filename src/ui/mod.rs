//! Drawing: a pure function of the [`App`](crate::app::App) state, one file per pane.

pub mod calls;
pub mod detail;
pub mod events;
pub mod help;
pub mod input;
pub mod json;
pub mod notices;
pub mod picker;
pub mod sidebar;
pub mod status;
pub mod theme;
pub mod tree;

/// Where each pane goes (below both the state and drawing, in [`crate::view`]).
pub use crate::view::layout;

use ratatui::Frame;

use crate::app::{App, DetailView, Overlay};

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let areas = layout::areas(frame.area().as_size(), app.sidebar_visible());
    let theme = theme::Theme::new(app.color()).with_ascii(app.ascii());
    input::draw(app, &theme, frame, areas.input);
    if let Some(sidebar) = areas.sidebar {
        sidebar::draw(app, &theme, frame, sidebar);
    }
    // The same choice decides which keys the detail pane takes.
    match app.detail_view() {
        DetailView::Raw => json::draw(app, &theme, frame, areas.detail),
        DetailView::Events => events::draw(app, &theme, frame, areas.detail),
        DetailView::Fields => detail::draw(app, &theme, frame, areas.detail),
        DetailView::Calls => calls::draw(app, &theme, frame, areas.detail),
        DetailView::Call => tree::draw(app, &theme, frame, areas.detail),
    }
    status::draw(app, &theme, frame, areas.status);
    match app.overlay() {
        Overlay::Help => help::draw(app, &theme, frame, frame.area()),
        Overlay::Notices { .. } => notices::draw(app, &theme, frame, frame.area()),
        Overlay::Picker(_) => picker::draw(app, &theme, frame, frame.area()),
        Overlay::None => {}
    }
}
