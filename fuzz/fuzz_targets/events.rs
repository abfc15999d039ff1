//! Arbitrary bytes as the body of `GET /api/voice/logs/{id}/events`: classified by
//! `decode_object`, typed by `Events::from_object`, then shown as `swlog get --events` prints the
//! timeline and as the inspector's Events tab draws it (80x24 and 200x50, collapsed and with the
//! first event expanded). Nothing may panic, and nothing drawn or printed may hold a control
//! character.

#![no_main]

use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use reqwest::StatusCode;
use swlog::api::client::decode_object;
use swlog::api::events::Events;
use swlog::api::{Fetched, FetchedEvents, VoiceLog};
use swlog::app::{App, Context, Effect, Message, Tab};
use swlog::history::{History, Options as HistoryOptions};
use swlog::present::events::timeline;
use swlog::present::format::Clock;

/// The leg whose events these are: a demo record, so that the Events tab has a record to hang on.
const LEG: &str = include_str!("../../assets/demo/call-root-laml.json");
const ID: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .expect("a valid date")
}

fn no_controls(what: &str, text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character in {what}: {text:?}"
    );
}

fn key(code: KeyCode) -> Message {
    Message::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn draw(app: &App, width: u16, height: u16) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| swlog::ui::draw(app, f))
        .expect("drawing on a TestBackend");
    for cell in terminal.backend().buffer().content() {
        no_controls("a cell", cell.symbol());
    }
}

fn show(fetched: &FetchedEvents, width: u16, height: u16) {
    let context = Context {
        space: "fuzz".into(),
        project: "fuzz".into(),
        profile: "fuzz".into(),
    };
    let history = History::in_memory(HistoryOptions::default());
    let mut app = App::new(context, Size::new(width, height), true, history);
    app.set_fixed_now(Some(now()));
    let Some(Effect::Fetch { id, generation, .. }) = app.open_input(ID).into_iter().next() else {
        panic!("no fetch for a valid ID");
    };
    let Ok(serde_json::Value::Object(raw)) = serde_json::from_str(LEG) else {
        panic!("the demo record is an object");
    };
    let leg = Fetched {
        log: VoiceLog::from_object(raw),
        body: LEG.to_owned(),
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    };
    app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(Ok(leg)),
    });
    // Out of the input, then the Events tab, as a user presses Esc and `e`.
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('e')));
    assert_eq!(app.investigation().tab, Tab::Events, "on the Events tab");
    app.update(Message::EventsFetched {
        id,
        result: Box::new(Ok(fetched.clone())),
    });
    draw(&app, width, height);
    // The first event opened, with its details.
    app.update(key(KeyCode::Enter));
    draw(&app, width, height);
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = decode_object(StatusCode::OK, false, data) else {
        return;
    };
    let fetched = FetchedEvents {
        events: Events::from_object(raw),
        body: String::from_utf8_lossy(data).into_owned(),
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    };
    let t = timeline(&fetched.events, &Clock::fixed(now()));
    no_controls("the timeline's text", &t.text("  "));
    for (line, _) in t.lines("  ") {
        no_controls("a timeline line", &line);
    }
    show(&fetched, 80, 24);
    show(&fetched, 200, 50);
});
