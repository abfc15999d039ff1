//! What actions do in the Calls view: move through the rows, unfold a call's legs, open a leg as
//! a lookup, mark calls, switch between calls and legs, sort, narrow, stop the scan, copy a row
//! or a ticket bundle of the marked calls.

use tui_input::Input;

use super::grouped::Item;
use super::msg::Effect;
use super::notices::{Notice, Scope};
use super::{Action, App, Focus};
use crate::query::View as Shown;

/// Applies `action` to the Calls view.
pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let height = app.calls_height();
    if action == Action::ReopenCalls {
        return reopen(app);
    }
    if action == Action::StopScan && app.following().is_some() {
        return app.stop_follow();
    }
    if action == Action::SwitchView {
        return switch_view(app);
    }
    let Some(calls) = app.calls.as_mut() else {
        return vec![];
    };
    let last = calls.len().saturating_sub(1);
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
        Action::Open if matches!(calls.selected_item(), Some(Item::Call(_))) => {
            let open = calls
                .selected_call()
                .zip(calls.grouped.as_ref())
                .is_some_and(|(c, g)| g.unfolded.contains(&c.root()));
            calls.fold(!open);
            let at = calls.selected;
            calls.select(at, height);
        }
        Action::Open => return open(app),
        Action::Unfold | Action::Fold => {
            calls.fold(action == Action::Unfold);
            let at = calls.selected;
            calls.select(at, height);
        }
        Action::Mark if calls.toggle_mark().is_none() => {
            app.notify(Notice::info(
                Scope::Action,
                "Marks are for calls: g shows one call a row",
            ));
        }
        _ => {}
    }
    vec![]
}

/// `g`: one call a row, or one leg a row. The legs are those of the calls found, so switching
/// sends nothing; a search made in legs is made again in calls (`parent:` is refused there).
fn switch_view(app: &mut App) -> Vec<Effect> {
    let height = app.calls_height();
    let Some(calls) = app.calls.as_mut() else {
        return vec![];
    };
    if calls.running() {
        app.notify(Notice::info(
            Scope::Action,
            "The search is still running: g switches once it has ended (Esc stops it)",
        ));
        return vec![];
    }
    let row = calls.selected_index();
    match (calls.shown, calls.grouped.is_some()) {
        (Shown::Calls, _) => {
            calls.shown = Shown::Legs;
            calls.reorder();
            if let Some(at) = row.and_then(|r| calls.order.iter().position(|i| *i == r)) {
                calls.selected = at;
            }
        }
        (Shown::Legs, true) => {
            calls.shown = Shown::Calls;
            calls.reorder();
            if let (Some(row), Some(g)) = (row, calls.grouped.as_ref()) {
                let exact = g.lines.iter().position(|i| g.row_of(*i) == Some(row));
                let call = || {
                    g.lines.iter().position(|i| {
                        matches!(i, Item::Call(c) if g.calls[*c].legs.iter().any(|l| l.row == row))
                    })
                };
                if let Some(at) = exact.or_else(call) {
                    calls.selected = at;
                }
            }
        }
        (Shown::Legs, false) => {
            let text = calls.text.clone();
            return match crate::query::Query::parse(&text, &app.clock()) {
                Ok(query) => app.search_in(&text, query, false, Shown::Calls),
                Err(_) => app.open_search(&text),
            };
        }
    }
    let at = calls.selected;
    calls.select(at, height);
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
        Action::CopySummary if calls.by_call() => {
            let chosen = calls.bundle_calls();
            if chosen.is_empty() {
                return None;
            }
            let origin = calls.origin.clone().unwrap_or_else(|| app.session_origin());
            let place = app.place_of(&origin);
            let text = crate::calls::ticket::bundle(&chosen, &calls.rows, &place, &clock);
            let what = match chosen.len() {
                1 => "the call's ticket bundle".to_owned(),
                n => format!("a ticket bundle of {n} calls"),
            };
            Some(copy(&what, text))
        }
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
