//! A harness that runs the real inspector on a `TestBackend` against the demo server, with
//! scripted terminal input, and lets a test read the screen while the loop runs. It starts the
//! inspector through `swlog::cmd::inspect::Startup`, the builder `swlog` itself uses, so the
//! settings, history and start-up messages reach the app the way they do for a user.

// Test helpers: a failed set-up step should stop the test loudly.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeZone;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use swlog::api::Client;
use swlog::app::App;
use swlog::clipboard::Recording;
use swlog::cmd::inspect::Startup;
use swlog::config::Settings;
use swlog::demo::{DemoOptions, DemoServer};
use swlog::history::{History, Options as HistoryOptions, Warning as HistoryWarning};
use swlog::inspector::channel;
use swlog::secret::Secret;
use swlog::session::Session;
use tokio::task::JoinHandle;

/// A `TestBackend` that the test and the loop share.
#[derive(Clone)]
pub struct SharedBackend(pub Arc<Mutex<TestBackend>>);

impl SharedBackend {
    fn with<T>(&self, f: impl FnOnce(&mut TestBackend) -> T) -> T {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

impl Backend for SharedBackend {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.with(|b| {
            // The test resizes the backend from its own thread, so the loop can be flushing a
            // frame of the old size when the backend shrinks (as a user may resize mid-frame).
            // A terminal drops what falls beyond its edge; TestBackend panics, so drop it here.
            let size = b.size()?;
            b.draw(content.filter(|(x, y, _)| *x < size.width && *y < size.height))
        })
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.with(|b| b.hide_cursor())
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.with(|b| b.show_cursor())
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.with(|b| b.get_cursor_position())
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        let p = position.into();
        self.with(|b| b.set_cursor_position(p))
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.with(|b| b.clear())
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.with(|b| b.clear_region(clear_type))
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.with(|b| b.size())
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.with(|b| b.window_size())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.with(|b| b.flush())
    }
}

/// "Now" in every test: a few hours after the demo calls.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 25, 17, 0, 0)
        .single()
        .expect("valid date")
}

/// A running inspector, started through the same [`Startup`] builder as `swlog` itself.
pub struct Harness {
    pub backend: SharedBackend,
    keys: UnboundedSender<std::io::Result<Event>>,
    task: JoinHandle<App>,
    clipboard: Recording,
}

/// A session on the demo server, as `swlog --demo` opens it, with a quick client and, when
/// given, another token.
pub fn demo_session(server: DemoServer, token: Option<&str>) -> Session {
    let mut settings = Settings::demo(&server);
    if let Some(token) = token {
        settings.token = Secret::new(token);
    }
    let client = Client::new(
        settings.endpoint.clone(),
        &settings.project_id,
        settings.token.clone(),
        super::fast(),
    )
    .expect("client");
    Session::from_parts(client, settings, Some(server))
}

impl Harness {
    /// Starts the loop at `width`x`height` against a fresh demo server.
    pub async fn start(width: u16, height: u16) -> Self {
        Self::start_with(
            width,
            height,
            DemoOptions {
                slow: Duration::from_millis(600),
                ..DemoOptions::default()
            },
            None,
        )
        .await
    }

    /// Starts the loop with demo options and, optionally, another token.
    pub async fn start_with(
        width: u16,
        height: u16,
        demo: DemoOptions,
        token: Option<&str>,
    ) -> Self {
        let server = DemoServer::start(demo).await.expect("demo server");
        Self::start_session(demo_session(server, token), width, height, false, None)
    }

    /// Starts the loop against a fresh demo server, with colour on.
    pub async fn start_colored(width: u16, height: u16) -> Self {
        let server = DemoServer::start(DemoOptions::default())
            .await
            .expect("demo server");
        Self::start_session(demo_session(server, None), width, height, true, None)
    }

    /// Starts the loop against another server at `base_url` (e.g. wiremock), with fake
    /// credentials and the demo's settings otherwise.
    pub async fn start_against(base_url: &str, width: u16, height: u16) -> Self {
        let session = Self::session_against(base_url).await;
        Self::start_session(session, width, height, false, None)
    }

    /// The session [`Self::start_against`] runs: the demo's settings (space `demo`), the client
    /// pointed at `base_url` with fake credentials and the project `test-project`.
    pub async fn session_against(base_url: &str) -> Session {
        let server = DemoServer::start(DemoOptions::default())
            .await
            .expect("demo server");
        let mut session = demo_session(server, None);
        let endpoint = swlog::api::Endpoint::from_base_url(base_url).expect("loopback URL");
        session.client = Client::new(
            endpoint,
            "test-project",
            Secret::new("PTtest"),
            super::fast(),
        )
        .expect("client");
        session
    }

    /// Starts the loop against a demo server whose live call ends after `live_for`, refreshing
    /// live records every `every` (the config file's `live_refresh_secs`).
    pub async fn start_live(width: u16, height: u16, live_for: Duration, every: Duration) -> Self {
        let server = DemoServer::start(DemoOptions {
            live_for,
            ..DemoOptions::default()
        })
        .await
        .expect("demo server");
        let mut session = demo_session(server, None);
        session.settings.live_refresh = every;
        Self::start_session(session, width, height, false, None)
    }

    /// Starts the loop against a fresh demo server (slow answers take 400 ms), recording to the
    /// history in `dir`, as a second run of swlog on the same machine would; what opening that
    /// history warns about reaches the inspector as it does at start-up.
    pub async fn start_in(dir: &std::path::Path, width: u16, height: u16) -> Self {
        let options = DemoOptions {
            slow: Duration::from_millis(400),
            ..DemoOptions::default()
        };
        let server = DemoServer::start(options).await.expect("demo server");
        let history = History::open(dir, HistoryOptions::default());
        Self::start_session(
            demo_session(server, None),
            width,
            height,
            false,
            Some(history),
        )
    }

    /// Starts the loop on `session` through [`Startup`], with a recording clipboard, the
    /// given history (default: an empty one in memory) and a fixed "now".
    pub fn start_session(
        session: Session,
        width: u16,
        height: u16,
        color: bool,
        history: Option<(History, Vec<HistoryWarning>)>,
    ) -> Self {
        Self::start_full(session, None, width, height, color, history)
    }

    /// [`Self::start_session`] with these profiles (default: the session's alone), colour off.
    pub fn start_spaces(
        session: Session,
        spaces: Option<swlog::spaces::Spaces>,
        width: u16,
        height: u16,
        history: Option<(History, Vec<HistoryWarning>)>,
    ) -> Self {
        Self::start_full(session, spaces, width, height, false, history)
    }

    fn start_full(
        session: Session,
        spaces: Option<swlog::spaces::Spaces>,
        width: u16,
        height: u16,
        color: bool,
        history: Option<(History, Vec<HistoryWarning>)>,
    ) -> Self {
        let (history, warnings) =
            history.unwrap_or_else(|| (History::in_memory(HistoryOptions::default()), vec![]));
        let clipboard = Recording::new();
        let mut builder = Startup::builder(session);
        if let Some(spaces) = spaces {
            builder = builder.spaces(spaces);
        }
        let mut startup = builder
            .size(Size::new(width, height))
            .color(color)
            .history(history, warnings)
            .clipboard(Box::new(clipboard.clone()))
            .build();
        startup.app.set_fixed_now(Some(now()));
        let backend = SharedBackend(Arc::new(Mutex::new(TestBackend::new(width, height))));
        let mut terminal = Terminal::new(backend.clone()).expect("terminal");
        let (keys, input) = unbounded();
        let task = tokio::spawn(async move {
            startup
                .run(&mut terminal, input, channel())
                .await
                .expect("loop");
            startup.app
        });
        Self {
            backend,
            keys,
            task,
            clipboard,
        }
    }

    /// Sends one terminal event.
    pub fn send(&self, event: Event) {
        self.keys
            .unbounded_send(Ok(event))
            .expect("loop is running");
    }

    /// Presses a key.
    pub fn press(&self, code: KeyCode) {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Types text key by key.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    /// Resizes the terminal, as a terminal emulator would.
    pub fn resize(&self, width: u16, height: u16) {
        self.backend.with(|b| b.resize(width, height));
        self.send(Event::Resize(width, height));
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.backend.with(|b| buffer_text(b.buffer()))
    }

    /// The screen's buffer.
    pub fn buffer(&self) -> Buffer {
        self.backend.with(|b| b.buffer().clone())
    }

    /// Waits until the screen satisfies `pred`, and returns it; panics after 10 s.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
    }

    /// Waits until the detail pane shows `id` (a record or its error) and no lookup is in
    /// flight.
    pub async fn shown(&self, id: &str) -> String {
        let title = format!("┌ {id} ");
        self.wait_for(&format!("{id} to be shown"), |s| {
            s.contains(&title)
                && !s.contains("Fetching")
                && !s.contains("Looking up")
                && !s.contains("following the parent legs")
                && !s.contains("quality: loading…")
        })
        .await
    }

    /// Pastes `text` into the input, presses Enter, and waits for the answer: the record or
    /// error of the ID in it, or the "Not a log ID" error.
    pub async fn look_up(&self, text: &str) -> String {
        // Into an empty input, as a user clears it (Ctrl-U) before pasting a ticket line. A
        // lookup leaves the focus on the record: an empty paste takes it to the input first.
        self.send(Event::Paste(String::new()));
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char('u'),
            KeyModifiers::CONTROL,
        )));
        self.send(Event::Paste(text.to_owned()));
        self.press(KeyCode::Enter);
        match swlog::api::extract_id(text) {
            Ok(id) => self.shown(&id.to_string()).await,
            Err(_) => {
                self.wait_for("the bad-ID error", |s| s.contains("✗ Not a log ID"))
                    .await
            }
        }
    }

    /// Waits for the loop to end by itself (after a `q` the test sent).
    pub async fn exited(self) -> App {
        self.exited_with_clipboard().await.0
    }

    /// Waits for the loop to end by itself; the final state and what was copied.
    pub async fn exited_with_clipboard(self) -> (App, Recording) {
        let app = tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("loop ends")
            .expect("loop task");
        (app, self.clipboard)
    }

    /// Quits with Ctrl-C (which works in any pane) and returns the final state.
    pub async fn quit(self) -> App {
        self.quit_with_clipboard().await.0
    }

    /// Quits with Ctrl-C; the final state and what was copied.
    pub async fn quit_with_clipboard(self) -> (App, Recording) {
        self.send(Event::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )));
        self.exited_with_clipboard().await
    }
}

/// A buffer as plain text.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in area.left()..area.right() {
            if let Some(cell) = buffer.cell((x, y)) {
                line.push_str(cell.symbol());
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    without_port(&out)
}

/// `text` with each loopback port written as `#`s of its width: the demo's logs carry their
/// server's own origin in `url`, and its port changes every run.
pub fn without_port(text: &str) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(HOST) {
        let (before, after) = rest.split_at(at + HOST.len());
        out.push_str(before);
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.extend(std::iter::repeat_n('#', digits));
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}
