use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::KeyCode;
use ratatui::layout::Size;
use uuid::Uuid;

use super::keys::key;
use super::*;
use crate::api::model::VoiceLog;
use crossterm::event::Event;

const CHILD: &str = "7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21";
const PARENT: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

fn app() -> App {
    let ctx = Context {
        space: "acme".into(),
        place: "acme".into(),
        project: "4c1e0f7a…".into(),
        profile: "default".into(),
    };
    let history = crate::history::History::in_memory(crate::history::Options::default());
    let mut app = App::new(ctx, Size::new(120, 40), false, history);
    app.fixed_now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single();
    app
}

fn fetched(name: &str) -> Fetched {
    let body = crate::demo::RECORDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .unwrap();
    let serde_json::Value::Object(raw) = serde_json::from_str(body).unwrap() else {
        panic!()
    };
    Fetched {
        log: VoiceLog::from_object(raw),
        body: body.to_owned(),
        fetched_at: chrono::Utc::now(),
        elapsed: Duration::from_millis(5),
        attempts: 1,
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

/// Answers the fetch that `effects` asked for with `result`.
fn answer(app: &mut App, effects: &[Effect], result: Result<Fetched, ApiError>) {
    let Some(Effect::Fetch { id, generation, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::Fetch { .. }))
        .cloned()
    else {
        panic!("no fetch in {effects:?}");
    };
    app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(result),
    });
}

#[test]
fn enter_fetches_the_typed_id_and_shows_it() {
    let mut app = app();
    type_text(&mut app, &format!("ticket #42: {CHILD}"));
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert_eq!(app.input.value(), CHILD, "the input keeps just the ID");
    assert!(matches!(app.view, View::Loading(_)));
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(CHILD).unwrap()))
    );
    assert_eq!(app.sidebar.len(), 1);
    assert_eq!(
        app.sidebar.selected_entry().map(|e| e.title()).as_deref(),
        Some("Relay PSTN call")
    );
}

#[test]
fn two_ids_send_nothing() {
    let mut app = app();
    type_text(
        &mut app,
        "b7182dc2-00f3-40e4-a5ce-20f164b329df 9f2e7c1a-1111-4a5b-8c6d-000000000001",
    );
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(effects.is_empty());
    assert!(matches!(
        app.view,
        View::Failed {
            failure: Failure::BadId(_),
            ..
        }
    ));
}

#[test]
fn text_without_an_id_is_a_search_and_not_a_lookup() {
    let mut app = app();
    type_text(&mut app, "status:failed 4155550123");
    assert!(
        matches!(app.input_intent(), crate::app::Intent::Search(ref s) if s == "number 4155550123 · status failed"),
        "{:?}",
        app.input_intent()
    );
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Scan { generation: 1, .. }]),
        "{effects:?}"
    );
    assert_eq!(app.view, View::Calls);
    assert_eq!(
        app.sidebar.history.entries().len(),
        0,
        "a search is not a lookup"
    );
    // A search it cannot understand is said under the input, and nothing is sent.
    app.update(Message::Action(crate::app::Action::Edit(
        tui_input::InputRequest::DeleteLine,
    )));
    type_text(&mut app, "since:banana");
    assert!(matches!(
        app.input_intent(),
        crate::app::Intent::BadSearch(_)
    ));
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn a_late_answer_to_a_superseded_lookup_is_ignored() {
    let mut app = app();
    type_text(&mut app, PARENT);
    let (slow, _) = app.update(key(KeyCode::Enter));
    // The lookup moved the focus to the record: `i` goes back to the input.
    app.update(key(KeyCode::Char('i')));
    app.input = Input::default();
    type_text(&mut app, CHILD);
    let (fast, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &fast, Ok(fetched("call-child-pstn")));
    answer(&mut app, &slow, Ok(fetched("call-root-laml")));
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(CHILD).unwrap()))
    );
    assert_eq!(
        app.sidebar.len(),
        1,
        "the stale answer is not even recorded"
    );
}

#[test]
fn enter_on_the_parent_leg_fetches_it_and_back_returns() {
    let mut app = app();
    type_text(&mut app, CHILD);
    let (effects, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    app.update(key(KeyCode::Esc));
    assert_eq!(app.focus, Focus::Detail);
    let parent_row = app
        .presented()
        .unwrap()
        .rows
        .iter()
        .position(|r| r.label == "Parent leg")
        .unwrap();
    for _ in 0..parent_row {
        app.update(key(KeyCode::Char('j')));
    }
    assert_eq!(app.detail_selected, parent_row);
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(
        matches!(effects.as_slice(), [Effect::Fetch { id, .. }] if id.to_string() == PARENT),
        "{effects:?}"
    );
    answer(&mut app, &effects, Ok(fetched("call-root-laml")));
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(PARENT).unwrap()))
    );
    let (effects, _) = app.update(key(KeyCode::Char('[')));
    assert!(
        effects.is_empty(),
        "going back to a known record needs no request"
    );
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(CHILD).unwrap()))
    );
    app.update(key(KeyCode::Char(']')));
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(PARENT).unwrap()))
    );
}

#[test]
fn q_quits_only_outside_the_input() {
    let mut app = app();
    let (effects, _) = app.update(key(KeyCode::Char('q')));
    assert!(effects.is_empty());
    assert_eq!(app.input.value(), "q");
    app.update(key(KeyCode::Esc));
    let (effects, _) = app.update(key(KeyCode::Char('q')));
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn a_pasted_ticket_line_puts_just_the_id_in() {
    let mut app = app();
    app.focus = Focus::Detail;
    app.update(Message::Term(Event::Paste(format!(
        "Customer says call {CHILD} dropped\n"
    ))));
    assert_eq!(app.focus, Focus::Input);
    assert_eq!(app.input.value(), CHILD);
    app.input = Input::default();
    app.update(Message::Term(Event::Paste(
        "two\u{1b}[31m\nlines".to_owned(),
    )));
    assert_eq!(
        app.input.value(),
        "two[31m lines",
        "control characters are dropped from a paste, a line break is a space"
    );
    // Lines and tab-separated cells stay apart: one space for each run of breaks and tabs.
    app.input = Input::default();
    app.update(Message::Term(Event::Paste(
        "+1 415 555 0123\nstatus:failed\tsince:2d\r\n\r\n\t".to_owned(),
    )));
    assert_eq!(app.input.value(), "+1 415 555 0123 status:failed since:2d");
}

#[test]
fn a_paste_goes_in_at_the_cursor_and_a_huge_one_is_cut_with_a_notice() {
    let mut app = app();
    app.input = Input::new("since:2h ()".to_owned()).with_cursor(10);
    app.update(Message::Term(Event::Paste("415 555 0123".to_owned())));
    assert_eq!(app.input.value(), "since:2h (415 555 0123)");
    assert_eq!(
        app.input.cursor(),
        22,
        "the cursor ends after the pasted text"
    );
    // A 232 KB paste (a log file dropped into the terminal) once took minutes, a character at a
    // time; it is now one edit, cut to what the input holds.
    app.input = Input::default();
    app.update(Message::Term(Event::Paste("é".repeat(232_000))));
    assert_eq!(app.input.value().chars().count(), crate::app::MAX_INPUT);
    let said: Vec<String> = app.notices.iter().map(|n| n.text.clone()).collect();
    assert!(
        said.iter().any(|t| t.contains("The paste was cut")),
        "{said:?}"
    );
}

#[test]
fn an_error_is_shown_in_words_and_recorded() {
    let mut app = app();
    type_text(&mut app, CHILD);
    let (effects, _) = app.update(key(KeyCode::Enter));
    let target = crate::api::error::Target {
        space: "acme".into(),
        project: "4c1e0f7a…".into(),
    };
    answer(&mut app, &effects, Err(ApiError::NotFound { target }));
    assert!(matches!(
        app.view,
        View::Failed {
            failure: Failure::Api(ApiError::NotFound { .. }),
            ..
        }
    ));
    assert!(app.notices.newest().is_some_and(|n| {
        n.text
            .starts_with("Not found in space acme (project 4c1e0f7a…)")
            && n.level == Level::Error
    }));
    assert!(matches!(
        app.sidebar.selected_entry().map(|e| &e.lookup),
        Some(crate::history::Lookup::Error(_))
    ));
}

#[test]
fn ticks_are_wanted_only_while_fetching() {
    let mut app = app();
    assert!(!app.wants_ticks());
    type_text(&mut app, CHILD);
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(app.wants_ticks());
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert!(!app.wants_ticks());
    let (_, changed) = app.update(Message::Tick);
    assert!(!changed, "an idle tick redraws nothing");
}

#[test]
fn a_live_record_is_refreshed_quietly_and_highlights_changes() {
    let mut app = app();
    let id = "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1";
    type_text(&mut app, id);
    let (effects, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &effects, Ok(fetched("live-in-progress")));
    assert!(app.shown_is_live());
    let due = app.live.next.expect("a live record schedules a refresh");
    assert_eq!(app.next_deadline(), Some(due));
    // The refresh is due: a tick starts a background fetch.
    let (effects, _) = app.on_tick(due);
    assert!(
        matches!(effects.as_slice(), [Effect::Fetch { .. }]),
        "{effects:?}"
    );
    assert!(!app.wants_ticks(), "a background refresh shows no spinner");
    let mut done = fetched("live-in-progress");
    done.log
        .raw
        .insert("status".into(), serde_json::json!("completed"));
    done.log = VoiceLog::from_object(done.log.raw.clone());
    answer(&mut app, &effects, Ok(done));
    assert!(!app.shown_is_live());
    assert_eq!(app.live.next, None, "a final status stops the refresh");
    let (labels, _) = app
        .changed
        .clone()
        .expect("the status change is highlighted");
    assert_eq!(labels, [crate::present::RowKey::Status]);
}

#[test]
fn a_failed_live_refresh_keeps_the_record_and_backs_off() {
    let mut app = app();
    type_text(&mut app, "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1");
    let (effects, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &effects, Ok(fetched("live-in-progress")));
    let due = app.live.next.unwrap();
    let (effects, _) = app.on_tick(due);
    answer(
        &mut app,
        &effects,
        Err(ApiError::Timeout {
            host: "x".into(),
            after: Duration::from_secs(20),
        }),
    );
    assert!(
        matches!(app.view, View::Record(_)),
        "the record stays on screen"
    );
    assert_eq!(app.live.failures, 1);
    assert!(
        app.notices
            .newest()
            .is_some_and(|n| n.text.starts_with("Live refresh failed"))
    );
}

#[test]
fn update_runs_on_actions_without_terminal_events() {
    let mut app = app();
    for c in CHILD.chars() {
        app.update(Message::Action(Action::Edit(
            tui_input::InputRequest::InsertChar(c),
        )));
    }
    let (effects, _) = app.update(Message::Action(Action::Submit));
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert_eq!(
        app.view,
        View::Record(LogRef::voice(Uuid::parse_str(CHILD).unwrap()))
    );
    app.update(Message::Action(Action::LeaveInput));
    app.update(Message::Action(Action::Down));
    assert_eq!(app.detail_selected, 1);
    app.update(Message::Action(Action::ToggleEvents));
    assert_eq!(app.investigation.tab, Tab::Events);
    assert_eq!(app.key_context(), bindings::KeyContext::Events);
    app.update(Message::Action(Action::Help));
    assert!(app.overlay.is_help());
    app.update(Message::Action(Action::CloseHelp));
    let (effects, _) = app.update(Message::Action(Action::Quit));
    assert_eq!(effects, [Effect::Quit]);
}

#[test]
fn a_hidden_sidebar_takes_no_keys() {
    let mut app = app();
    let effects = app.open_input(CHILD);
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    app.focus = Focus::Sidebar;
    app.update(Message::Term(Event::Resize(60, 30)));
    assert_eq!(
        app.focus,
        Focus::Detail,
        "focus leaves a pane that is not drawn"
    );
    // Even with the focus left there, keys go to the pane on screen.
    app.focus = Focus::Sidebar;
    assert_eq!(app.key_context(), bindings::KeyContext::Fields);
    app.update(key(KeyCode::Char('d')));
    assert_eq!(app.sidebar.len(), 1, "nothing was deleted");
}

#[test]
fn a_lookup_keeps_a_warning_and_ends_its_own_errors() {
    let mut app = app();
    app.warn(vec![crate::history::Warning::NotSaved("disk full".into())]);
    app.notify(Notice::info(
        Scope::Session,
        "copies go through the terminal",
    ));
    let effects = app.open_input(CHILD);
    let target = crate::api::error::Target {
        space: "acme".into(),
        project: "4c1e0f7a…".into(),
    };
    answer(&mut app, &effects, Err(ApiError::NotFound { target }));
    assert_eq!(app.notices.len(), 3);
    let effects = app.open_input(PARENT);
    answer(&mut app, &effects, Ok(fetched("call-root-laml")));
    let texts: Vec<_> = app.notices.iter().map(|n| n.text.clone()).collect();
    assert_eq!(
        texts,
        [
            "History is not being saved: disk full",
            "copies go through the terminal"
        ],
        "the lookup's error ended with it; the warning stays"
    );
    // The info expires through the loop's deadline; the warning does not.
    let due = app.next_deadline().expect("an info notice sets a deadline");
    app.on_tick(due);
    let texts: Vec<_> = app.notices.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(texts, ["History is not being saved: disk full"]);
    assert_eq!(app.next_deadline(), None, "nothing left to wake up for");
}

#[test]
fn history_saves_leave_update() {
    let dir = tempfile::tempdir().unwrap();
    let (history, warnings) =
        crate::history::History::open(dir.path(), crate::history::Options::default());
    assert!(warnings.is_empty());
    let ctx = Context {
        space: "acme".into(),
        place: "acme".into(),
        project: "4c1e0f7a…".into(),
        profile: "default".into(),
    };
    let mut app = App::new(ctx, Size::new(120, 40), false, history);
    // What the database holds of the lookup's log, read on a connection of its own.
    let stored = || -> i64 {
        let conn = rusqlite::Connection::open(dir.path().join("index.db")).unwrap();
        conn.query_row("SELECT count(*) FROM history WHERE id = ?1", [CHILD], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let effects = app.open_input(CHILD);
    let Some(Effect::Fetch { id, generation, .. }) = effects.first().cloned() else {
        panic!("{effects:?}")
    };
    let (effects, _) = app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(Ok(fetched("call-child-pstn"))),
    });
    assert_eq!(app.sidebar.len(), 1, "the lookup is listed at once");
    assert_eq!(stored(), 0, "update wrote nothing");
    let save = effects
        .into_iter()
        .find_map(|e| match e {
            Effect::SaveHistory(save) => Some(save),
            _ => None,
        })
        .expect("a save is asked for");
    // What the loop does with it, on its own thread.
    let saved = crate::history::Saver::default().run(*save);
    assert_eq!(stored(), 1, "written by the save");
    app.update(Message::HistorySaved(Box::new(saved)));
    assert_eq!(app.sidebar.len(), 1);
}

#[test]
fn turning_live_refresh_on_for_a_stale_call_says_why_nothing_refreshes() {
    let mut app = app();
    type_text(&mut app, "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51");
    let (effects, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &effects, Ok(fetched("video-pstn-joined")));
    assert_eq!(app.live.next, None, "a day-old `joined` is not refreshed");
    app.update(Message::Action(Action::ToggleLive));
    app.update(Message::Action(Action::ToggleLive));
    assert_eq!(app.live.next, None);
    assert_eq!(
        app.notices.newest().map(|n| n.text.as_str()),
        Some("Live refresh on; this call is not final after 1d 0h — not refreshing")
    );
}

#[test]
fn pages_of_a_stopped_or_superseded_search_are_ignored() {
    let mut app = app();
    type_text(&mut app, "4155550123");
    app.update(key(KeyCode::Enter));
    let row = |id: &str| {
        let serde_json::Value::Object(m) = serde_json::json!({"id": id, "from": "+14155550123"})
        else {
            panic!("an object")
        };
        crate::list::Row::of(&VoiceLog::from_object(m))
    };
    let page = |generation, id: &str| Message::ScanPage {
        generation,
        rows: vec![row(id)],
        progress: crate::list::Progress::default(),
    };
    // A search in calls shows its calls at the end: its pages only say how far it got.
    app.update(page(1, "every leg read"));
    assert!(app.calls.as_ref().unwrap().rows.is_empty());
    // In legs, each page's matches show as they come.
    app.calls.as_mut().unwrap().shown = crate::query::View::Legs;
    app.update(page(1, "first"));
    app.update(Message::Action(Action::LeaveInput));
    let (effects, _) = app.update(key(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::StopScan]);
    app.update(page(1, "late"));
    let calls = app.calls.as_ref().unwrap();
    assert_eq!(calls.rows.len(), 1, "nothing after Esc");
    assert_eq!(calls.state, crate::app::ScanState::Stopped);
    app.update(Message::Action(Action::FocusInput));
    let (effects, _) = app.update(key(KeyCode::Enter));
    let [Effect::Scan { generation, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    app.update(page(1, "stale"));
    app.update(page(*generation, "fresh"));
    let ids: Vec<String> = app
        .calls
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .map(|r| r.cell("id").into_owned())
        .collect();
    assert_eq!(
        ids,
        ["fresh"],
        "a new search starts empty and takes only its own pages"
    );
}

/// A lookup from the input hands the keys to the record: `t` after it once went into the input
/// (`…5c1e3d31t`); `i` and `/` go back to the input.
#[test]
fn after_a_lookup_from_the_input_the_next_key_acts_on_the_record() {
    let mut app = app();
    type_text(&mut app, CHILD);
    let (effects, _) = app.update(key(KeyCode::Enter));
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert_eq!(app.focus, Focus::Detail);
    let (effects, _) = app.update(key(KeyCode::Char('t')));
    assert_eq!(app.input.value(), CHILD, "the input is left as it was");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadCall { .. })),
        "t opens the whole call: {effects:?}"
    );
    for back in ['i', '/'] {
        app.focus = Focus::Detail;
        app.update(key(KeyCode::Char(back)));
        assert_eq!(app.focus, Focus::Input, "{back}");
    }
    // `swlog ID` at start is a lookup from the input too.
    let mut app = self::app();
    let effects = app.open_input(CHILD);
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert_eq!(app.focus, Focus::Detail);
    // A text that is not an ID leaves the focus where it is, to be corrected.
    let mut app = self::app();
    type_text(&mut app, "3f2b9e1c-8d4a");
    app.update(key(KeyCode::Enter));
    assert_eq!(app.focus, Focus::Input);
}

/// The 8-character IDs swlog prints open the lookup they name when one lookup of the history
/// starts with them; an ID one character short is "not a complete ID", not a search.
#[test]
fn a_short_id_opens_the_lookup_it_names_and_a_cut_id_is_not_complete() {
    let mut app = app();
    let effects = app.open_input(CHILD);
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    app.update(key(KeyCode::Char('i')));
    app.input = Input::default();
    type_text(&mut app, &CHILD[..8]);
    assert_eq!(app.input_intent(), Intent::IdFound);
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch { id, .. } if id.id.to_string() == CHILD)),
        "{effects:?}"
    );
    assert_eq!(app.input.value(), CHILD, "the input shows the whole ID");
    // An 8-hex word no lookup starts with is still a search.
    app.input = Input::new("4155abcd".into());
    assert!(matches!(app.input_intent(), Intent::Search(_)));
    // Cut by one character: said, nothing sent.
    app.focus = Focus::Input;
    app.input = Input::new(CHILD[..35].into());
    let Intent::BadId(why) = app.input_intent() else {
        panic!("{:?}", app.input_intent())
    };
    assert!(why.contains("is not a complete ID"), "{why}");
    let (effects, _) = app.update(key(KeyCode::Enter));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch { .. } | Effect::Scan { .. })),
        "{effects:?}"
    );
}

/// A short ID opens a log the index holds though it was never looked up, and one that starts
/// a lookup and an indexed row of different IDs lists both.
#[test]
fn a_short_id_is_looked_for_among_the_indexs_rows_too() {
    use crate::index::{Index, Origin, Scope};
    let dir = tempfile::tempdir().unwrap();
    let mut index = Index::open(&dir.path().join("index.db")).unwrap();
    let scope = Scope::new(Origin::parse("https://acme.signalwire.com").unwrap(), "p");
    let listed = "7a1c3e5f-0000-4000-8000-000000000001";
    let only_listed = "0c0ffee0-0000-4000-8000-000000000002";
    let rows: Vec<_> = [listed, only_listed]
        .iter()
        .map(
            |id| match serde_json::json!({"id": id, "status": "completed"}) {
                serde_json::Value::Object(o) => o,
                _ => serde_json::Map::new(),
            },
        )
        .collect();
    index
        .record_rows(&scope, &rows, chrono::Utc::now())
        .unwrap();
    let mut app = app();
    app.set_index(crate::search::IndexHandle::open(index));
    type_text(&mut app, &only_listed[..8]);
    assert_eq!(app.input_intent(), Intent::IdFound);
    assert_eq!(
        app.input_id().map(|r| r.id.to_string()).as_deref(),
        Ok(only_listed)
    );
    // CHILD is in the history, `listed` in the index: both start 7a1c3e5f.
    let effects = app.open_input(CHILD);
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    app.input = Input::new(CHILD[..8].into());
    let Intent::BadId(why) = app.input_intent() else {
        panic!("{:?}", app.input_intent())
    };
    assert!(why.contains(CHILD) && why.contains(listed), "{why}");
}

/// A search it cannot understand is said in the status bar until the input is cleared: then it
/// no longer applies.
#[test]
fn clearing_the_input_clears_its_error() {
    let mut app = app();
    type_text(&mut app, "since:banana");
    app.update(key(KeyCode::Enter));
    assert!(
        app.notices
            .newest()
            .is_some_and(|n| n.text.contains("since:banana")),
        "the error is said"
    );
    app.update(Message::Term(Event::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ))));
    assert_eq!(app.input.value(), "");
    assert!(app.notices.is_empty(), "{:?}", app.notices.newest());
}

/// The help holds every pane's keys now, more than a screen: it scrolls, never past its end,
/// and any other key still closes it.
#[test]
fn the_help_scrolls_to_its_end_and_any_other_key_closes_it() {
    let mut app = app();
    app.update(Message::Term(Event::Resize(80, 24)));
    app.update(key(KeyCode::F(1)));
    assert!(app.overlay.is_help());
    let (rows, visible) = app.help_lines();
    assert!(rows > visible, "{rows} lines, {visible} on screen");
    for _ in 0..20 {
        app.update(key(KeyCode::PageDown));
    }
    assert_eq!(app.help_scroll, rows - visible);
    app.update(key(KeyCode::Up));
    assert_eq!(app.help_scroll, rows - visible - 1);
    assert!(app.overlay.is_help(), "scrolling keeps it open");
    app.update(key(KeyCode::Char('x')));
    assert!(!app.overlay.is_help());
}

/// `z` (zoom) gives the detail pane the sidebar's room, and gives it back.
#[test]
fn z_hides_and_shows_the_sidebar() {
    let mut app = app();
    let effects = app.open_input(CHILD);
    answer(&mut app, &effects, Ok(fetched("call-child-pstn")));
    assert!(app.sidebar_visible());
    let narrow = app.detail_width();
    app.update(key(KeyCode::Char('z')));
    assert!(!app.sidebar_visible());
    assert!(app.detail_width() > narrow, "the detail takes the room");
    // Tab does not land on a hidden pane.
    for _ in 0..3 {
        app.update(key(KeyCode::Tab));
        assert_ne!(app.focus, Focus::Sidebar);
    }
    app.focus = Focus::Detail;
    app.update(key(KeyCode::Char('z')));
    assert!(app.sidebar_visible());
}

#[test]
fn a_long_history_shows_its_first_page_and_its_count_and_the_first_save_brings_the_rest() {
    use crate::history::{Entry, History, Lookup, Options};
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut history, _) = History::open(dir.path(), Options::default());
        for n in 0..30u128 {
            let at = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
                + chrono::Duration::seconds(n as i64);
            let id = Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 | n);
            let entry = Entry::new(id, at, "default", "acme", Lookup::Error("not found".into()));
            assert!(history.record(entry, None).is_empty());
        }
    }
    let (history, warnings) = History::open_first(dir.path(), Options::default(), 5);
    assert!(warnings.is_empty(), "{warnings:?}");
    let ctx = Context {
        space: "acme".into(),
        place: "acme".into(),
        project: "4c1e0f7a…".into(),
        profile: "default".into(),
    };
    let mut app = App::new(ctx, Size::new(120, 40), false, history);
    assert_eq!(app.sidebar.len(), 5, "the first page only");
    assert_eq!(app.sidebar.history.len(), 30, "counted by the database");
    // The loop sends it before the first message.
    let Some(Effect::SaveHistory(save)) = app.take_save() else {
        panic!("the first save reads the rest")
    };
    let saved = crate::history::Saver::default().run(*save);
    app.update(Message::HistorySaved(Box::new(saved)));
    assert_eq!(app.sidebar.len(), 30);
    assert_eq!(app.sidebar.history.len(), 30);
    assert!(app.take_save().is_none(), "nothing more to read");
}
