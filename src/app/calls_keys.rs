//! What actions do in the Calls view: move through the rows, open one as a lookup, sort, narrow,
//! stop the scan, copy a row.

use tui_input::Input;

use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{Action, App, Focus};

/// Applies `action` to the Calls view.
pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let height = app.calls_height();
    if action == Action::ReopenCalls {
        return reopen(app);
    }
    if action == Action::StopScan && app.following().is_some() {
        return app.stop_follow();
    }
    let Some(calls) = app.calls.as_mut() else {
        return vec![];
    };
    let last = calls.order.len().saturating_sub(1);
    let at = calls.selected;
    match action {
        Action::Down => calls.select(at + 1, height),
        Action::Up if at == 0 => app.focus = Focus::Input,
        Action::Up => calls.select(at - 1, height),
        Action::Top => calls.select(0, height),
        Action::Bottom => calls.select(last, height),
        Action::PageDown => calls.select(at + height, height),
        Action::PageUp => calls.select(at.saturating_sub(height), height),
        Action::CycleSort => {
            calls.sort = calls.sort.next();
            calls.reorder();
            let at = calls.selected;
            calls.select(at, height);
        }
        Action::Follow => return app.toggle_follow(),
        Action::Narrow => calls.narrowing = true,
        Action::NarrowDone => calls.narrowing = false,
        Action::StopScan if calls.running() => return app.stop_search(),
        Action::StopScan | Action::ClearNarrow => {
            calls.narrowing = false;
            calls.narrow = Input::default();
            calls.reorder();
            let at = calls.selected;
            calls.select(at, height);
        }
        Action::Open => return open(app),
        _ => {}
    }
    vec![]
}

/// Types into the narrowing; the rows shown follow each key.
pub(super) fn edit(app: &mut App, request: tui_input::InputRequest) -> bool {
    let height = app.calls_height();
    let Some(calls) = app.calls.as_mut() else {
        return false;
    };
    if calls.narrow.handle(request).is_some() {
        calls.reorder();
        calls.select(0, height);
    }
    true
}

/// Enter: the selected call as a normal lookup (recorded in the history, cached). The list stays
/// one step back.
fn open(app: &mut App) -> Vec<Effect> {
    let id = app
        .calls
        .as_ref()
        .and_then(|c| c.selected_row())
        .and_then(|r| uuid::Uuid::try_parse(&r.cell("id")).ok())
        .map(crate::api::LogRef::voice);
    match id {
        Some(id) => {
            // A row is fetched from where it was found, not from a profile picked since.
            if let Some(origin) = app.calls.as_ref().and_then(|c| c.origin.clone()) {
                app.origins.entry(id).or_insert(origin);
            }
            app.input = Input::new(id.to_string());
            app.investigation.tab = super::Tab::Fields;
            app.raw = false;
            app.visit(id)
        }
        None => {
            app.notify(Notice::info(
                Scope::Action,
                "This row has no log ID to open",
            ));
            vec![]
        }
    }
}

fn reopen(app: &mut App) -> Vec<Effect> {
    if app.calls.is_none() {
        app.notify(Notice::info(
            Scope::Action,
            "No list yet: type a search in the input (a number, since:2h, status:failed)",
        ));
        return vec![];
    }
    app.focus = Focus::Detail;
    app.show_calls()
}

/// The copy keys on the selected row: `c` its ID, `y` the row as text, `Y` its JSON, `s` the
/// rows shown as a table. The clipboard sanitises what it is given.
pub(super) fn copy(app: &App, action: Action) -> Option<Effect> {
    let calls = app.calls.as_ref()?;
    let copy = |what: &str, text: String| Effect::Copy {
        what: what.to_owned(),
        text,
    };
    let clock = app.clock();
    match action {
        Action::CopySummary => {
            let rows: Vec<_> = calls.order.iter().map(|i| calls.rows[*i].clone()).collect();
            (!rows.is_empty()).then(|| {
                copy(
                    "the calls shown",
                    crate::list::table::render(&rows, &clock, false, None),
                )
            })
        }
        _ => {
            let row = calls.selected_row()?;
            match action {
                Action::CopyId => Some(copy("the log ID", row.cell("id").into_owned())),
                Action::CopyValue => {
                    let cells = crate::list::table::cells(row, &clock);
                    Some(copy("the row", cells.join("  ").trim_end().to_owned()))
                }
                Action::CopyJson => {
                    let json = serde_json::from_str::<serde_json::Value>(&row.raw)
                        .and_then(|v| serde_json::to_string_pretty(&v))
                        .unwrap_or_else(|_| row.raw.to_string());
                    Some(copy("the row as JSON", json))
                }
                _ => None,
            }
        }
    }
}
