//! Arbitrary bytes as a 200 response body: classified by `decode_object`, typed by
//! `VoiceLog::from_object`, then drawn as the inspector and `swlog get` would show it. Nothing may
//! panic, and nothing drawn or printed may hold a control character.

#![no_main]

use std::time::Duration;

use chrono::TimeZone;
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use reqwest::StatusCode;
use swlog::api::client::decode_object;
use swlog::api::{Fetched, VoiceLog};
use swlog::app::{App, Context, Effect, Message};
use swlog::cmd::cli::Format;
use swlog::cmd::get::{Output, render_text};
use swlog::history::{History, Options as HistoryOptions};
use swlog::present::format::Clock;

/// The ID the fuzzed record is looked up as (its own `id` may be anything).
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

fn draw(fetched: &Fetched, width: u16, height: u16, raw: bool) {
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
    app.update(Message::Fetched {
        generation,
        id,
        result: Box::new(Ok(fetched.clone())),
    });
    app.set_raw(raw);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|f| swlog::ui::draw(&app, f))
        .expect("drawing on a TestBackend");
    for cell in terminal.backend().buffer().content() {
        no_controls("a cell", cell.symbol());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = decode_object(StatusCode::OK, false, data) else {
        return;
    };
    let fetched = Fetched {
        log: VoiceLog::from_object(raw),
        body: String::from_utf8_lossy(data).into_owned(),
        fetched_at: now(),
        elapsed: Duration::from_millis(80),
        attempts: 1,
    };
    let output = Output {
        format: Format::Text,
        color: false,
        demo: false,
        events: false,
        chain: false,
    };
    no_controls(
        "swlog get's text",
        &render_text(&fetched, &Clock::fixed(now()), output),
    );
    draw(&fetched, 80, 24, false);
    draw(&fetched, 200, 50, false);
    draw(&fetched, 80, 24, true);
});
