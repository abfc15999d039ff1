//! `swlog [ID]`: the interactive inspector. [`Startup`] is everything the inspector starts
//! with; the command and the integration tests build it through the same [`StartupBuilder`],
//! so the tests run the start-up path users run.

use std::io::{IsTerminal as _, Write};

use crossterm::event::Event;
use futures::Stream;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::layout::Size;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::cli::Global;
use super::{Error, Exit};
use crate::api::client::short_project;
use crate::app::{App, Context, Live, Notice, Scope};
use crate::app::{Effect, Message};
use crate::clipboard::{self, Clipboard};
use crate::history::{History, Warning as HistoryWarning};
use crate::inspector::{channel, forward_signals, run_loop};
use crate::session::Session;
use crate::spaces::Spaces;
use crate::term_input::TermEvents;
use crate::text::sanitize;
use crate::tui::TerminalGuard;

/// Runs the interactive inspector, opening `id` first when given.
pub async fn command(
    global: &Global,
    id: Option<String>,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "the inspector needs a terminal; for scripts use `swlog get ID`".to_owned(),
        ));
    }
    let session = Session::open(global.demo, &global.overrides()).await?;
    let spaces = session.spaces(&global.overrides());
    let mut startup = Startup::builder(session)
        .spaces(spaces)
        .no_cache(global.no_cache)
        .open(id)
        .build();
    let setup = |e: std::io::Error| Error::Usage(format!("cannot set up the terminal: {e}"));
    let guard = TerminalGuard::enter().map_err(setup)?;
    // On an error the guard restores the terminal before the error is reported.
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(setup)?;
    let (tx, rx) = channel();
    forward_signals(tx.clone());
    let input = TermEvents::start().map_err(setup)?;
    let result = startup.run(&mut terminal, input, (tx, rx)).await;
    drop(guard);
    // On X11/Wayland the clipboard empties when its owner exits: hand the text to a keeper.
    if let Ok(exe) = std::env::current_exe()
        && let Err(e) = startup.clipboard.keep_after_exit(&exe)
    {
        writeln!(err, "swlog: the copied text may not outlive swlog: {e}")?;
    }
    result.map_err(Error::Terminal)?;
    Ok(Exit::Ok)
}

/// Everything the inspector starts with.
pub struct Startup {
    /// The state, with the settings' context, live refresh and start-up messages applied.
    pub app: App,
    /// Where copies go; keep it to the end (the system clipboard's contents live in it).
    pub clipboard: Box<dyn Clipboard>,
    /// The settings, the client and the demo server, kept for the run.
    pub session: Session,
    /// The profiles lookups may go to, and their clients.
    pub spaces: Spaces,
    /// What to do first (the lookup of the ID given on the command line).
    pub initial: Vec<Effect>,
}

impl std::fmt::Debug for Startup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Startup")
            .field("session", &self.session)
            .field("initial", &self.initial)
            .finish_non_exhaustive()
    }
}

impl Startup {
    /// Starts building from an open session; what is not set is taken from the settings, the
    /// platform and the real terminal.
    pub fn builder(session: Session) -> StartupBuilder {
        StartupBuilder {
            session,
            size: None,
            color: None,
            no_cache: false,
            history: None,
            clipboard: None,
            id: None,
            spaces: None,
        }
    }

    /// Runs the inspector's loop on `terminal` with `input` until the user quits.
    pub async fn run<B, S>(
        &mut self,
        terminal: &mut Terminal<B>,
        input: S,
        channel: (UnboundedSender<Message>, UnboundedReceiver<Message>),
    ) -> Result<(), B::Error>
    where
        B: Backend,
        S: Stream<Item = std::io::Result<Event>> + Unpin,
    {
        let initial = std::mem::take(&mut self.initial);
        run_loop(
            terminal,
            &mut self.app,
            input,
            &self.spaces,
            self.clipboard.as_mut(),
            channel,
            initial,
        )
        .await
    }
}

/// Builds a [`Startup`]; see [`Startup::builder`].
pub struct StartupBuilder {
    session: Session,
    size: Option<Size>,
    color: Option<bool>,
    no_cache: bool,
    history: Option<(History, Vec<HistoryWarning>)>,
    clipboard: Option<Box<dyn Clipboard>>,
    id: Option<String>,
    spaces: Option<Spaces>,
}

impl std::fmt::Debug for StartupBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartupBuilder")
            .field("session", &self.session)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl StartupBuilder {
    /// The terminal's size (default: the real terminal's, or 80x24).
    pub fn size(mut self, size: Size) -> Self {
        self.size = Some(size);
        self
    }

    /// Whether to colour (default: unless `NO_COLOR` is set).
    pub fn color(mut self, color: bool) -> Self {
        self.color = Some(color);
        self
    }

    /// `--no-cache`: neither read nor write cached bodies.
    pub fn no_cache(mut self, no_cache: bool) -> Self {
        self.no_cache = no_cache;
        self
    }

    /// This history and the warnings its opening gave (default: the session's history).
    pub fn history(mut self, history: History, warnings: Vec<HistoryWarning>) -> Self {
        self.history = Some((history, warnings));
        self
    }

    /// This clipboard (default: the one the settings choose, OSC 52 written to stdout).
    pub fn clipboard(mut self, clipboard: Box<dyn Clipboard>) -> Self {
        self.clipboard = Some(clipboard);
        self
    }

    /// These profiles (default: the session's start-up profile alone).
    pub fn spaces(mut self, spaces: Spaces) -> Self {
        self.spaces = Some(spaces);
        self
    }

    /// Looks up the log in `text` (an ID, a ticket line, a URL) first.
    pub fn open(mut self, text: Option<String>) -> Self {
        self.id = text;
        self
    }

    /// The start-up value: the state with its context, history and messages, and the clipboard.
    pub fn build(self) -> Startup {
        let settings = &self.session.settings;
        let context = Context {
            space: sanitize(settings.endpoint.space()).into_owned(),
            project: short_project(&settings.project_id),
            profile: sanitize(&settings.profile).into_owned(),
        };
        let size = self.size.unwrap_or_else(|| {
            crossterm::terminal::size().map_or(Size::new(80, 24), |(w, h)| Size::new(w, h))
        });
        let env = |k: &str| std::env::var(k).ok();
        let color = self
            .color
            .unwrap_or_else(|| crate::ui::theme::color_allowed(&env));
        let (history, history_warnings) = self
            .history
            .unwrap_or_else(|| self.session.history(self.no_cache));
        let mut app = App::new(context, size, color, history);
        let spaces = self.spaces.unwrap_or_else(|| {
            let single = Spaces::single(
                &settings.profile,
                settings.endpoint.space(),
                self.session.client.clone(),
            );
            single.use_index(self.session.index.clone(), settings.index.streams);
            single
        });
        // Names as entries record them: sanitised, like the context's.
        app.set_profiles(
            spaces
                .choices()
                .iter()
                .map(|c| crate::config::Choice {
                    name: sanitize(&c.name).into_owned(),
                    space: c.space.as_deref().map(|s| sanitize(s).into_owned()),
                    ..c.clone()
                })
                .collect(),
        );
        app.set_place(crate::present::place::Place::of(
            &settings.endpoint,
            &settings.project_id,
        ));
        let mut live = Live::new(settings.live_refresh);
        live.max_age = settings.live_max_age;
        app.set_live(live);
        app.set_download_dir(settings.download_dir());
        app.set_compat_cache(settings.cache && !self.no_cache);
        let index = spaces.index().0;
        if let (true, Ok(runtime)) = (index.is_on(), tokio::runtime::Handle::try_current()) {
            // Opened (and pruned) off the loop's thread now, so that the first short ID typed
            // does not wait for it.
            let warm = index.clone();
            runtime.spawn_blocking(move || warm.run_blocking(|_| Ok(())));
        }
        app.set_index(index);
        app.set_ascii(crate::ui::theme::ascii_only(&env));
        let clipboard = match self.clipboard {
            Some(clipboard) => clipboard,
            None => {
                let opened = clipboard::open(settings.clipboard, &env, Box::new(std::io::stdout()));
                if let Some(note) = opened.note {
                    app.notify(Notice::info(Scope::Session, note));
                }
                opened.clipboard
            }
        };
        // After the clipboard's note: the warnings, newer, are what the status bar shows on top.
        for w in &settings.warnings {
            app.notify(Notice::warn(Scope::Session, w.clone()));
        }
        app.warn(history_warnings);
        let initial = match self.id {
            Some(text) => app.open_input(&text),
            None => vec![],
        };
        Startup {
            app,
            clipboard,
            spaces,
            session: self.session,
            initial,
        }
    }
}
