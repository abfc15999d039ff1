//! Rendering a response body as the user would see it, for the property tests and the fuzz
//! regressions: bytes → `decode_object` → `VoiceLog` → a full frame on `TestBackend` and the text
//! of `swlog get`.

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use reqwest::StatusCode;
use serde_json::{Map, Value};
use swlog::api::client::decode_object;
use swlog::api::events::Events;
use swlog::api::{ApiError, Fetched, FetchedEvents, VoiceLog};
use swlog::app::{App, Context, Tab};
use swlog::app::{Effect, Message};
use swlog::cmd::cli::Format;
use swlog::cmd::get::{Output, render_text};
use swlog::history::{History, Options as HistoryOptions};
use swlog::present::events::timeline;
use swlog::present::format::Clock;

use super::harness::now;

/// The ID a record is looked up as; its own `id` field may be anything.
pub const LOOKED_UP: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

/// A 200 response with `body`, as the client types it.
pub fn fetched_from_bytes(body: &[u8]) -> Result<Fetched, ApiError> {
    let raw = decode_object(StatusCode::OK, false, body)?;
    Ok(fetched_from_object(
        raw,
        String::from_utf8_lossy(body).into_owned(),
    ))
}

/// A fetched record made of `raw`, with `body` as the text received.
pub fn fetched_from_object(raw: Map<String, Value>, body: String) -> Fetched {
    Fetched {
        log: VoiceLog::from_object(raw),
        body,
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    }
}

/// The inspector at `width`x`height` after looking up [`LOOKED_UP`] and getting `fetched`,
/// through the same `open_input` and `update` the loop calls; `raw` turns on the JSON view.
pub fn app_showing(fetched: &Fetched, width: u16, height: u16, raw: bool) -> App {
    let context = Context {
        space: "test".into(),
        place: "test".into(),
        project: "test".into(),
        profile: "test".into(),
    };
    let history = History::in_memory(HistoryOptions::default());
    let mut app = App::new(context, Size::new(width, height), true, history);
    app.set_fixed_now(Some(now()));
    let Some(Effect::Fetch { id, generation, .. }) = app.open_input(LOOKED_UP).into_iter().next()
    else {
        panic!("no fetch for a valid ID");
    };
    app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(Ok(fetched.clone())),
    });
    assert!(app.shown_record().is_some(), "the record is shown");
    app.set_raw(raw);
    app
}

/// One full frame of the inspector showing `fetched`.
pub fn draw(fetched: &Fetched, width: u16, height: u16, raw: bool) -> Buffer {
    let app = app_showing(fetched, width, height, raw);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| swlog::ui::draw(&app, f))
        .expect("draw on TestBackend");
    terminal.backend().buffer().clone()
}

/// A character a terminal could act on: a control character (C0 with ESC and BEL, DEL, C1 with
/// CSI) or a bidi control, which reorders what the reader sees.
pub fn is_terminal_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The cells of `buffer` holding a terminal control character, with positions.
pub fn control_cells(buffer: &Buffer) -> Vec<(u16, u16, String)> {
    let area = buffer.area;
    let mut bad = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buffer.cell((x, y))
                && cell.symbol().chars().any(is_terminal_control)
            {
                bad.push((x, y, cell.symbol().escape_debug().to_string()));
            }
        }
    }
    bad
}

/// `swlog get`'s text for `fetched`, without colour.
pub fn get_text(fetched: &Fetched) -> String {
    let output = Output {
        format: Format::Text,
        color: false,
        demo: false,
        events: false,
        chain: false,
    };
    render_text(fetched, &Clock::fixed(now()), output)
}

/// Draws `fetched` every way the user can see it (two sizes, the detail and the raw JSON view,
/// and `swlog get`'s text) and fails if any of it holds a control character.
pub fn assert_renders_clean(fetched: &Fetched) {
    for (w, h, raw) in [
        (80, 24, false),
        (200, 50, false),
        (80, 24, true),
        (20, 6, false),
    ] {
        let buffer = draw(fetched, w, h, raw);
        let bad = control_cells(&buffer);
        assert!(
            bad.is_empty(),
            "control characters at {w}x{h} (raw {raw}): {bad:?}"
        );
    }
    super::assert_no_raw_controls("swlog get's text", &get_text(fetched));
}

/// A 200 answer to `/api/voice/logs/{id}/events` with `body`, as the client types it.
pub fn events_from_bytes(body: &[u8]) -> Result<FetchedEvents, ApiError> {
    let raw = decode_object(StatusCode::OK, false, body)?;
    Ok(FetchedEvents {
        events: Events::from_object(raw),
        body: String::from_utf8_lossy(body).into_owned(),
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    })
}

fn key(code: KeyCode) -> Message {
    Message::Term(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Shows `events` on the Events tab of a demo leg (Esc, then `e`, as a user does) at every size
/// and with the first event expanded, and as `swlog get --events` prints the timeline; fails if
/// any of it holds a control character.
pub fn assert_events_render_clean(events: &FetchedEvents) {
    let leg = swlog::demo::RECORDS
        .iter()
        .find(|(name, _)| *name == "call-root-laml")
        .map(|(_, body)| *body)
        .expect("the demo root call");
    let leg = fetched_from_bytes(leg.as_bytes()).expect("the demo record parses");
    for (w, h) in [(80, 24), (200, 50), (20, 6)] {
        let mut app = app_showing(&leg, w, h, false);
        app.update(key(KeyCode::Esc));
        app.update(key(KeyCode::Char('e')));
        assert_eq!(app.investigation().tab, Tab::Events, "on the Events tab");
        let id = swlog::api::LogRef::voice(uuid::Uuid::parse_str(LOOKED_UP).expect("uuid"));
        app.update(Message::EventsFetched {
            id,
            result: Box::new(Ok(events.clone())),
        });
        for expanded in [false, true] {
            if expanded {
                app.update(key(KeyCode::Enter));
            }
            let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
            terminal
                .draw(|f| swlog::ui::draw(&app, f))
                .expect("draw on TestBackend");
            let bad = control_cells(terminal.backend().buffer());
            assert!(bad.is_empty(), "control characters at {w}x{h}: {bad:?}");
        }
    }
    let text = timeline(&events.events, &Clock::fixed(now())).text("  ");
    super::assert_no_raw_controls("the timeline's text", &text);
}
