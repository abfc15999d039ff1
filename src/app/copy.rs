//! What the copy keys put on the clipboard: `y` the selected value, `c` the log ID, `Y` the
//! whole record as JSON, `s` a plain-text summary for a ticket. The loop does the copying.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Focus, Level};
use crate::event::Effect;

/// The copy effect for `key`, if it is a copy key here.
pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Option<Effect> {
    if !matches!(key.code, KeyCode::Char('y' | 'c' | 'Y' | 's')) || app.focus == Focus::Input {
        return None;
    }
    let copy = |what: &str, text: String| Effect::Copy {
        what: what.to_owned(),
        text,
    };
    let sidebar_id = (app.focus == Focus::Sidebar)
        .then(|| app.sidebar.selected_entry().map(|e| e.id))
        .flatten();
    let shown = app.shown_record();
    let events_tab = app.investigation.tab == super::Tab::Events && app.focus == Focus::Detail;
    let effect = match key.code {
        KeyCode::Char('c') | KeyCode::Char('y') if sidebar_id.is_some() => {
            sidebar_id.map(|id| copy("the log ID", id.to_string()))
        }
        KeyCode::Char('c') => app
            .nav
            .current()
            .map(|id| copy("the log ID", id.to_string())),
        KeyCode::Char('y') if events_tab => event_text(app).map(|t| copy("the event", t)),
        KeyCode::Char('s') if events_tab => {
            app.timeline().map(|t| copy("the timeline", t.text("")))
        }
        KeyCode::Char('y') => app
            .detail()
            .get()
            .copy(app.detail_selected)
            .map(|(what, text)| copy(&what, text)),
        KeyCode::Char('Y') => shown.map(|f| {
            let json = serde_json::to_string_pretty(&serde_json::Value::Object(f.log.raw.clone()))
                .unwrap_or_else(|_| f.body.clone());
            copy("the record as JSON", json)
        }),
        KeyCode::Char('s') => shown.map(|f| {
            copy(
                "a ticket summary",
                crate::summary::ticket(&f.log, &app.clock()),
            )
        }),
        _ => None,
    };
    if effect.is_none() {
        app.message = Some(("Nothing to copy here".to_owned(), Level::Info));
    }
    effect
}

/// The selected event as text: heading, details and unknown fields.
fn event_text(app: &App) -> Option<String> {
    let timeline = app.timeline()?;
    timeline
        .rows
        .get(app.investigation.event_selected)
        .map(|r| r.text())
}
