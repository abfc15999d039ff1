//! What the copy keys put on the clipboard: `y` the selected value, `c` the log ID, `Y` the
//! whole record as JSON, `s` a plain-text summary for a ticket. The loop does the copying.

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{Action, App, Focus};

/// The copy effect for a copy `action`, if there is something to copy here.
pub(super) fn on_action(app: &mut App, action: Action) -> Option<Effect> {
    if app.focus == Focus::Input {
        return None;
    }
    if app.detail_view() == super::DetailView::Calls && app.focus == Focus::Detail {
        let effect = super::calls_keys::copy(app, action);
        if effect.is_none() {
            app.notify(Notice::info(Scope::Action, "Nothing to copy here"));
        }
        return effect;
    }
    let copy = |what: &str, text: String| Effect::Copy {
        what: what.to_owned(),
        text,
    };
    let sidebar_id = (app.focus == Focus::Sidebar)
        .then(|| app.sidebar.selected_entry().map(|e| e.id))
        .flatten();
    let shown = app.shown_record();
    let shown_id = match app.view {
        super::View::Record(id) => Some(id),
        _ => None,
    };
    let events_tab = app.detail_view() == super::DetailView::Events && app.focus == Focus::Detail;
    let call_view = app.detail_view() == super::DetailView::Call && app.focus == Focus::Detail;
    let event = call_view.then(|| app.selected_call_event()).flatten();
    let selected_leg = app
        .shown_call()
        .and_then(|c| c.tree.legs.get(app.tree.selected))
        .map(|l| l.id);
    let effect = match action {
        Action::CopySummary if call_view => app
            .call_bundle()
            .map(|t| copy("the call's ticket bundle", t)),
        // A selected event of the timeline: its line whole (details in full), its leg's ID.
        Action::CopyValue if call_view && event.is_some() => {
            event.map(|(line, _)| copy("the event", line))
        }
        Action::CopyId if call_view && event.is_some() => {
            event.map(|(_, id)| copy("the log ID", id.to_string()))
        }
        Action::CopyId if call_view => selected_leg.map(|id| copy("the log ID", id.to_string())),
        // The selected leg's row whole, however the pane cut it: from and to in full.
        Action::CopyValue if call_view => app.shown_call().and_then(|c| {
            let at = app.tree.selected;
            let rows =
                crate::call::lines::leg_rows(std::slice::from_ref(c.tree.legs.get(at)?), at + 1);
            let (line, _) = crate::call::lines::rows_text(&rows, None, "")
                .into_iter()
                .next()?;
            let line = line
                .trim_start_matches(['│', '├', '└', '─', ' '])
                .to_owned();
            Some(copy("the leg's row", line))
        }),
        Action::CopyId | Action::CopyValue if sidebar_id.is_some() => {
            sidebar_id.map(|id| copy("the log ID", id.to_string()))
        }
        Action::CopyId => app
            .nav
            .current()
            .map(|id| copy("the log ID", id.to_string())),
        Action::CopyValue if events_tab => event_text(app).map(|t| copy("the event", t)),
        Action::CopySummary if events_tab => {
            app.timeline().map(|t| copy("the timeline", t.text("")))
        }
        Action::CopyValue => app
            .detail()
            .get()
            .copy(app.detail_selected)
            .map(|(what, text)| copy(&what, text)),
        Action::CopyJson => shown.map(|f| {
            let json = serde_json::to_string_pretty(&serde_json::Value::Object(f.log.raw.clone()))
                .unwrap_or_else(|_| f.body.clone());
            copy("the record as JSON", json)
        }),
        Action::CopySummary => shown.zip(shown_id).map(|(f, id)| {
            copy(
                "a ticket summary",
                crate::summary::ticket(&f.log, &app.clock(), &app.place_for(id)),
            )
        }),
        _ => None,
    };
    if effect.is_none() {
        app.notify(Notice::info(Scope::Action, "Nothing to copy here"));
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
