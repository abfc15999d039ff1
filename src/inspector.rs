//! The inspector's event loop: terminal input, fetch results, ticks and signals merged into
//! one stream of [`Message`]s; state changes only in [`App::update`]; a redraw only when
//! something changed. Generic over the backend and the input stream, so tests run the real
//! loop on ratatui's `TestBackend` with scripted input.

mod follow;
mod scan;
mod why;

use std::time::Duration;

use crossterm::event::Event;
use std::task::Poll;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::Instant as TokioInstant;
use tokio_util::sync::CancellationToken;

use crate::api::list::PageSizeMemory;
use crate::app::{App, Notice, Scope};
use crate::app::{Effect, Message};
use crate::clipboard::Clipboard;
use crate::history::{Save, Saver};
use crate::search::{Options, Search};
use crate::spaces::Spaces;
use crate::ui;

/// The most messages handled between two draws.
const MAX_BATCH: usize = 512;

/// The channel that carries fetch results and signals into the loop.
pub fn channel() -> (UnboundedSender<Message>, UnboundedReceiver<Message>) {
    unbounded_channel()
}

/// Runs the loop until the user quits, a signal arrives or the input closes.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut input: S,
    spaces: &Spaces,
    clipboard: &mut dyn Clipboard,
    (tx, mut rx): (UnboundedSender<Message>, UnboundedReceiver<Message>),
    initial: Vec<Effect>,
) -> Result<(), B::Error>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut in_flight: Option<CancellationToken> = None;
    let mut tasks = Tasks::default();
    let saves = SaveThread::start(tx.clone());
    let mut log_failures_told = false;
    let wake = tx.clone();
    // A failure after the last draw would otherwise wait for the next key to be told.
    crate::logging::on_first_failure(move || {
        let _ = wake.send(Message::Tick);
    });
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    if perform(
        initial,
        spaces,
        clipboard,
        &tx,
        &saves,
        &mut in_flight,
        &mut tasks,
    ) {
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
        // Drain whatever else is ready, then draw once; a burst (a long unbracketed paste is a
        // key per character) is drawn every `MAX_BATCH` events, and the next batch is taken at
        // once since the input is still ready.
        let mut batch = vec![first];
        while let Ok(m) = rx.try_recv() {
            batch.push(m);
        }
        // Polled with this task's own waker: a stream remembers the waker of a pending poll,
        // so `now_or_never`'s no-op waker would leave the loop deaf to keys.
        while batch.len() < MAX_BATCH
            && let Poll::Ready(ready) =
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
            if perform(
                effects,
                spaces,
                clipboard,
                &tx,
                &saves,
                &mut in_flight,
                &mut tasks,
            ) {
                if let Some(t) = in_flight.take() {
                    t.cancel();
                }
                tasks.stop_scan();
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

/// Background work besides the lookup in flight: the running search, and the page size the
/// list endpoint accepted (kept for the session, so a refused size is not asked for again).
#[derive(Default)]
struct Tasks {
    scan: Option<CancellationToken>,
    /// Ends the running search with what it found (Esc), where cancelling drops it.
    interrupt: Option<CancellationToken>,
    follow: Option<CancellationToken>,
    page_size: PageSizeMemory,
}

impl Tasks {
    fn stop_follow(&mut self) {
        if let Some(t) = self.follow.take() {
            t.cancel();
        }
    }

    /// Esc: the running search ends with what it found, and says so.
    fn interrupt_scan(&mut self) {
        if let Some(t) = self.interrupt.take() {
            t.cancel();
        }
    }

    fn stop_scan(&mut self) {
        if let Some(t) = self.scan.take() {
            t.cancel();
        }
    }

    /// Runs a search on its own task; its pages come back as messages stamped `generation`.
    fn scan(&mut self, spaces: &Spaces, tx: &UnboundedSender<Message>, effect: Effect) {
        let Effect::Scan {
            generation,
            profile,
            query,
            limits,
            fresh,
            now,
            view,
        } = effect
        else {
            return;
        };
        self.stop_scan();
        // A new search replaces the Calls view a follow was feeding.
        self.stop_follow();
        let token = CancellationToken::new();
        self.scan = Some(token.clone());
        let interrupt = CancellationToken::new();
        self.interrupt = Some(interrupt.clone());
        let (spaces, tx, memory) = (spaces.clone(), tx.clone(), self.page_size.clone());
        tokio::spawn(async move {
            tokio::select! {
                // Dropping the stream closes its connection; the generation makes any page
                // already sent stale.
                () = token.cancelled() => {}
                () = async {
                    match spaces.client(&profile).await {
                        Ok(client) => {
                            let (index, streams) = spaces.index();
                            let search = Search {
                                client: &client,
                                index: &index,
                                options: Options { fresh, offline: false, streams, now: Some(now) },
                                memory,
                            };
                            let scan = (generation, view);
                            let stop = async move {
                                interrupt.cancelled().await;
                                "Esc"
                            };
                            scan::pages(&search, *query, limits, scan, stop, &tx).await;
                        }
                        Err(e) => {
                            let _ = tx.send(Message::ScanEnded {
                                generation,
                                end: Err(e.into()),
                                answer: None,
                            });
                        }
                    }
                } => {}
            }
        });
    }
}

/// Carries out effects; true when it is time to quit.
fn perform(
    effects: Vec<Effect>,
    spaces: &Spaces,
    clipboard: &mut dyn Clipboard,
    tx: &UnboundedSender<Message>,
    saves: &SaveThread,
    in_flight: &mut Option<CancellationToken>,
    tasks: &mut Tasks,
) -> bool {
    for effect in effects {
        match effect {
            Effect::Quit => return true,
            scan @ Effect::Scan { .. } => tasks.scan(spaces, tx, scan),
            Effect::StopScan => tasks.interrupt_scan(),
            follow @ Effect::Follow { .. } => {
                tasks.stop_follow();
                tasks.follow = follow::start(spaces, tx, follow);
            }
            Effect::StopFollow => tasks.stop_follow(),
            Effect::SaveHistory(save) => saves.send(*save),
            Effect::FetchEvents { id, profile } => {
                let (spaces, tx) = (spaces.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = match spaces.client(&profile).await {
                        Ok(client) => client.fetch_events_of(id).await,
                        Err(e) => Err(e),
                    };
                    let _ = tx.send(Message::EventsFetched {
                        id,
                        result: Box::new(result),
                    });
                });
            }
            Effect::ResolveChain { id, log, profile } => {
                // The leg is already on screen; its parents are followed beside it, in the
                // space the leg came from.
                let (spaces, tx) = (spaces.clone(), tx.clone());
                tokio::spawn(async move {
                    let client = spaces.client(&profile).await;
                    // A parent is of its leg's family.
                    let fetch = |parent| {
                        let client = client.clone();
                        async move { client?.fetch(id.sibling(parent)).await.map(|f| f.log) }
                    };
                    let chain = crate::chain::resolve(&log, fetch, crate::chain::MAX_HOPS).await;
                    let _ = tx.send(Message::ChainResolved {
                        id,
                        chain: Box::new(chain),
                    });
                });
            }
            Effect::AskCompat {
                id,
                log,
                profile,
                keep,
            } => {
                why::ask_compat(spaces.clone(), tx.clone(), id, *log, profile, keep);
            }
            Effect::SaveRecording {
                recording,
                dir,
                profile,
                ..
            } => why::save_recording(spaces.clone(), tx.clone(), *recording, dir, profile),
            Effect::LoadCall { id, profile } => {
                let (spaces, tx, memory) = (spaces.clone(), tx.clone(), tasks.page_size.clone());
                tokio::spawn(async move {
                    let result = match spaces.client(&profile).await {
                        Ok(client) => crate::call::load(&client, id.id, memory, true).await,
                        Err(e) => Err(e.into()),
                    };
                    let _ = tx.send(Message::CallLoaded {
                        id,
                        result: Box::new(result),
                    });
                });
            }
            Effect::Write {
                dir,
                stem,
                ext,
                text,
            } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::fsx::write_new(&dir, &stem, ext, &text)
                        .map_err(|e| format!("{}: {e}", dir.display()));
                    let _ = tx.send(Message::Written(result));
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
            Effect::Fetch {
                id,
                generation,
                profile,
            } => {
                if let Some(t) = in_flight.take() {
                    t.cancel();
                }
                let token = CancellationToken::new();
                *in_flight = Some(token.clone());
                let (spaces, tx) = (spaces.clone(), tx.clone());
                tokio::spawn(async move {
                    let fetch = async {
                        let client = spaces.client(&profile).await?;
                        let fetched = client.fetch(id).await;
                        // A voice log read is a row of the index too.
                        if let Ok(f) = &fetched
                            && id.family == crate::api::Family::Voice
                        {
                            let (index, _) = spaces.index();
                            crate::search::remember(&index, &client, vec![f.log.raw.clone()]).await;
                        }
                        fetched
                    };
                    tokio::select! {
                        // Dropping the request future closes its connection.
                        () = token.cancelled() => {}
                        result = fetch => {
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
