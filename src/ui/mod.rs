//! Drawing: a pure function of the [`App`](crate::app::App) state, one file per pane.

pub mod detail;
pub mod events;
pub mod help;
pub mod input;
pub mod json;
pub mod sidebar;
pub mod status;
pub mod theme;

/// Where each pane goes (below both the state and drawing, in [`crate::view`]).
pub use crate::view::layout;

use ratatui::Frame;

use crate::app::App;

/// Draws the whole screen.
pub fn draw(app: &App, frame: &mut Frame) {
    let areas = layout::areas(frame.area().as_size(), app.sidebar_visible());
    let theme = theme::Theme::new(app.color);
    input::draw(app, &theme, frame, areas.input);
    if let Some(sidebar) = areas.sidebar {
        sidebar::draw(app, &theme, frame, sidebar);
    }
    if app.raw && app.shown_record().is_some() {
        json::draw(app, &theme, frame, areas.detail);
    } else if app.investigation.tab == crate::app::Tab::Events && app.shown_record().is_some() {
        events::draw(app, &theme, frame, areas.detail);
    } else {
        detail::draw(app, &theme, frame, areas.detail);
    }
    status::draw(app, &theme, frame, areas.status);
    if app.help {
        help::draw(&theme, frame, frame.area());
    }
}
