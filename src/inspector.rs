//! The inspector's event loop: terminal input, fetch results, ticks and signals merged into
//! one stream of [`Message`]s; state changes only in [`App::update`]; a redraw only when
//! something changed. Generic over the backend and the input stream, so tests run the real
//! loop on ratatui's `TestBackend` with scripted input.

use std::time::Duration;

use crossterm::event::Event;
use std::task::Poll;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::Instant as TokioInstant;
use tokio_util::sync::CancellationToken;

use crate::api::Client;
use crate::app::{App, Notice, Scope};
use crate::clipboard::Clipboard;
use crate::event::{Effect, Message};
use crate::history::{Save, Saver};
use crate::ui;

/// The channel that carries fetch results and signals into the loop.
pub fn channel() -> (UnboundedSender<Message>, UnboundedReceiver<Message>) {
    unbounded_channel()
}

/// Runs the loop until the user quits, a signal arrives or the input closes.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut input: S,
    client: &Client,
    clipboard: &mut dyn Clipboard,
    (tx, mut rx): (UnboundedSender<Message>, UnboundedReceiver<Message>),
    initial: Vec<Effect>,
) -> Result<(), B::Error>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut in_flight: Option<CancellationToken> = None;
    let saves = SaveThread::start(tx.clone());
    let mut log_failures_told = false;
    let wake = tx.clone();
    // A failure after the last draw would otherwise wait for the next key to be told.
    crate::logging::on_first_failure(move || {
        let _ = wake.send(Message::Tick);
    });
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if perform(initial, client, clipboard, &tx, &saves, &mut in_flight) {
        return Ok(());
    }
    terminal.draw(|f| ui::draw(app, f))?;
    loop {
        let deadline = app.next_deadline().map(tokio::time::Instant::from_std);
        let first = tokio::select! {
            // Results and signals first: a burst of keys must not starve a Quit.
            biased;
            Some(m) = rx.recv() => m,
            event = input.next() => match event {
                Some(Ok(e)) => Message::Term(e),
                // The terminal went away (a dropped SSH session): leave cleanly.
                Some(Err(_)) | None => Message::Quit("terminal input closed"),
            },
            _ = ticker.tick(), if app.wants_ticks() => Message::Tick,
            // A live refresh or the end of a highlight; with neither, the loop sleeps on input.
            () = sleep_until(deadline), if deadline.is_some() => Message::Tick,
        };
        // Drain whatever else is ready, then draw once.
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        // Polled with this task's own waker: crossterm's EventStream remembers the waker of
        // a pending poll, so `now_or_never`'s no-op waker would leave the loop deaf to keys.
        while let Poll::Ready(ready) =
            std::future::poll_fn(|cx| Poll::Ready(input.poll_next_unpin(cx))).await
        {
            match ready {
                Some(Ok(event)) => batch.push(Message::Term(event)),
                // A closed or failing terminal keeps failing: stop reading, and leave.
                Some(Err(_)) | None => {
                    batch.push(Message::Quit("terminal input closed"));
                    break;
                }
            }
        }
        let mut dirty = false;
        for msg in batch {
            let (effects, changed) = app.update(msg);
            dirty |= changed;
            if perform(effects, client, clipboard, &tx, &saves, &mut in_flight) {
                if let Some(t) = in_flight.take() {
                    t.cancel();
                }
                return Ok(());
            }
        }
        // Said once: the log keeps failing quietly after that.
        if !log_failures_told && crate::logging::write_failures() > 0 {
            log_failures_told = true;
            app.notify(Notice::error(
                Scope::Session,
                "The diagnostics log cannot be written (disk full?): logging goes on silently",
            ));
            dirty = true;
        }
        if dirty {
            terminal.draw(|f| ui::draw(app, f))?;
        }
    }
}

/// Carries out effects; true when it is time to quit.
fn perform(
    effects: Vec<Effect>,
    client: &Client,
    clipboard: &mut dyn Clipboard,
    tx: &UnboundedSender<Message>,
    saves: &SaveThread,
    in_flight: &mut Option<CancellationToken>,
) -> bool {
    for effect in effects {
        match effect {
            Effect::Quit => return true,
            Effect::SaveHistory(save) => saves.send(*save),
            Effect::FetchEvents { id } => {
                let (client, tx) = (client.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = client.fetch_events(id).await;
                    let _ = tx.send(Message::EventsFetched {
                        id,
                        result: Box::new(result),
                    });
                });
            }
            Effect::ResolveChain { id, log } => {
                // The leg is already on screen; its parents are followed beside it.
                let (client, tx) = (client.clone(), tx.clone());
                tokio::spawn(async move {
                    let fetch = |parent| {
                        let client = client.clone();
                        async move { client.fetch_log(parent).await.map(|f| f.log) }
                    };
                    let chain = crate::chain::resolve(&log, fetch, crate::chain::MAX_HOPS).await;
                    let _ = tx.send(Message::ChainResolved {
                        id,
                        chain: Box::new(chain),
                    });
                });
            }
            Effect::LoadCall { id } => {
                let (client, tx) = (client.clone(), tx.clone());
                tokio::spawn(async move {
                    let memory = crate::api::list::PageSizeMemory::default();
                    let result = crate::call::load(&client, id, memory, true).await;
                    let _ = tx.send(Message::CallLoaded {
                        id,
                        result: Box::new(result),
                    });
                });
            }
            Effect::Copy { what, text } => {
                let result = clipboard
                    .copy(&text)
                    .map(|copied| copied.message(&what))
                    .map_err(|e| format!("Could not copy {what}: {e}"));
                // The receiver lives as long as the loop that is running this.
                let _ = tx.send(Message::Copied(result));
            }
            Effect::Cancel => {
                if let Some(t) = in_flight.take() {
                    t.cancel();
                }
            }
            Effect::Fetch { id, generation } => {
                if let Some(t) = in_flight.take() {
                    t.cancel();
                }
                let token = CancellationToken::new();
                *in_flight = Some(token.clone());
                let (client, tx) = (client.clone(), tx.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        // Dropping the request future closes its connection.
                        () = token.cancelled() => {}
                        result = client.fetch_log(id) => {
                            // The loop may be gone (quitting); then nobody needs the answer.
                            let _ = tx.send(Message::Fetched { generation, id, result: Box::new(result) });
                        }
                    }
                });
            }
        }
    }
    false
}

/// The thread that writes the history, one save after another, so that saves land on disk in
/// the order they were made. Dropping it waits for the saves already sent: quitting loses
/// nothing.
struct SaveThread {
    saves: Option<std::sync::mpsc::Sender<Save>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SaveThread {
    fn start(tx: UnboundedSender<Message>) -> Self {
        let (saves, rx) = std::sync::mpsc::channel::<Save>();
        let thread = std::thread::Builder::new()
            .name("swlog-history".into())
            .spawn(move || {
                let mut saver = Saver::default();
                for save in rx {
                    let saved = saver.run(save);
                    // The loop may be gone (quitting); the save is on disk all the same.
                    let _ = tx.send(Message::HistorySaved(Box::new(saved)));
                }
            });
        match thread {
            Ok(thread) => Self {
                saves: Some(saves),
                thread: Some(thread),
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot start the history thread; changes stay in memory");
                Self {
                    saves: None,
                    thread: None,
                }
            }
        }
    }

    fn send(&self, save: Save) {
        if let Some(saves) = &self.saves
            && saves.send(save).is_ok()
        {
            return;
        }
        tracing::warn!("the history thread is gone; a change was not saved");
    }
}

impl Drop for SaveThread {
    fn drop(&mut self) {
        self.saves.take();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::warn!("the history thread panicked");
        }
    }
}

/// Sleeps until `deadline`; never completes without one (the `select!` guard skips it then).
async fn sleep_until(deadline: Option<TokioInstant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Sends `Quit` into the loop on SIGTERM, SIGHUP and SIGINT.
#[cfg(unix)]
pub(crate) fn forward_signals(tx: UnboundedSender<Message>) {
    use tokio::signal::unix::{SignalKind, signal};
    for (kind, name) in [
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::hangup(), "SIGHUP"),
        (SignalKind::interrupt(), "SIGINT"),
    ] {
        match signal(kind) {
            Ok(mut s) => {
                let tx = tx.clone();
                tokio::spawn(async move {
                    if s.recv().await.is_some() {
                        tracing::info!(signal = name, "quitting on signal");
                        let _ = tx.send(Message::Quit(name));
                    }
                });
            }
            Err(e) => tracing::warn!(signal = name, error = %e, "cannot listen for signal"),
        }
    }
}

/// Signals are Unix's; elsewhere the terminal's own keys quit.
#[cfg(not(unix))]
pub(crate) fn forward_signals(_tx: UnboundedSender<Message>) {}
