//! Copying text, locally and over SSH: the system clipboard (arboard), OSC 52 through the
//! terminal, or tmux's paste buffer, behind one small trait so that the UI and its tests do not
//! care which.
//!
//! Everything copied is sanitised first ([`sanitize_multiline`]): a record's strings are data,
//! and an escape sequence in a `from` field must not reach the terminal that pastes it. swlog
//! only ever writes the clipboard; it never asks the terminal for its contents.
//!
//! On X11 and Wayland a clipboard's contents belong to the program that set them and vanish
//! when it exits. swlog keeps one system clipboard handle for its whole run, so copies are
//! pasteable while it runs; [`Clipboard::keep_after_exit`] hands the last copy to a small
//! background process of swlog's own (see [`KEEPER_ARG`]) so that it outlives swlog.

use std::io::{self, BufRead as _, Read as _, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crossterm::clipboard::CopyToClipboard;
use serde::Deserialize;

use crate::text::{sanitize, sanitize_multiline};

/// Which clipboard the user asked for (`clipboard = "..."` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClipboardChoice {
    /// tmux inside tmux, OSC 52 over SSH or without a display, else the system clipboard.
    #[default]
    Auto,
    /// The system clipboard, falling back to OSC 52 when it cannot be opened.
    System,
    /// OSC 52 through the terminal.
    Osc52,
    /// tmux's paste buffer (`tmux load-buffer -w -`).
    Tmux,
}

/// How a copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The system clipboard.
    System,
    /// An OSC 52 escape sequence written to the terminal.
    Osc52,
    /// tmux's paste buffer (and, with tmux's `set-clipboard`, the outer terminal's clipboard).
    Tmux,
}

impl Method {
    /// The method in words, e.g. "the system clipboard".
    pub fn label(self) -> &'static str {
        match self {
            Method::System => "the system clipboard",
            Method::Osc52 => "OSC 52",
            Method::Tmux => "tmux's buffer",
        }
    }
}

/// A copy that was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    /// How.
    pub method: Method,
}

impl Copied {
    /// The status-bar message for copying `what` (e.g. "`to`"), saying what the user can
    /// expect: OSC 52 cannot know whether the terminal took it.
    pub fn message(&self, what: &str) -> String {
        let what = sanitize(what);
        match self.method {
            Method::System => format!("Copied {what} to the system clipboard"),
            Method::Osc52 => format!("Sent {what} via OSC 52 — your terminal must allow it"),
            Method::Tmux => format!("Sent {what} to tmux's buffer"),
        }
    }
}

/// Why a copy failed.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    /// arboard could not open or set the system clipboard.
    #[error("System clipboard unavailable: {0}")]
    System(String),
    /// The OSC 52 sequence could not be written to the terminal.
    #[error("Could not write to the terminal: {0}")]
    Terminal(#[from] io::Error),
    /// tmux could not be run.
    #[error("Could not run tmux: {0}")]
    TmuxMissing(String),
    /// tmux refused the buffer.
    #[error("tmux refused the buffer: {0}")]
    Tmux(String),
    /// The background keeper did not take the clipboard over.
    #[error("Could not keep the clipboard after exit: {0}")]
    Keeper(String),
}

/// Somewhere text can be copied to.
pub trait Clipboard: Send {
    /// Copies `text`, sanitised, keeping its line breaks.
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError>;

    /// Makes the last copy outlive swlog where that needs work (the system clipboard on X11 and
    /// Wayland; see [`SystemClipboard`]'s implementation). Call once, just before exiting, with
    /// `exe` = `std::env::current_exe()`. Does nothing for the other backends.
    fn keep_after_exit(&mut self, exe: &Path) -> Result<(), ClipboardError> {
        let _ = exe;
        Ok(())
    }
}

/// The system clipboard through arboard: one handle for the life of the app, because on X11 and
/// Wayland the copied text is served by the handle's owner and is gone when it is dropped.
pub struct SystemClipboard {
    inner: arboard::Clipboard,
    last: Option<String>,
}

impl std::fmt::Debug for SystemClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SystemClipboard").finish_non_exhaustive()
    }
}

impl SystemClipboard {
    /// Opens the system clipboard.
    pub fn open() -> Result<Self, ClipboardError> {
        let inner = arboard::Clipboard::new().map_err(system_error)?;
        Ok(Self { inner, last: None })
    }
}

impl Clipboard for SystemClipboard {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        let text = sanitize_multiline(text).into_owned();
        self.inner.set_text(text.as_str()).map_err(system_error)?;
        self.last = Some(text);
        Ok(Copied {
            method: Method::System,
        })
    }

    /// Makes the last text swlog copied outlive swlog, on X11 and Wayland; call it just before
    /// exiting, with `exe` = `std::env::current_exe()`.
    ///
    /// When swlog still owns the clipboard (nothing else was copied since), this starts `exe`
    /// with [`KEEPER_ARG`] in its own process group, hands it the text on stdin, and waits up to
    /// a second for it to say it holds the clipboard. The keeper serves pastes until something
    /// else is copied, then exits. Elsewhere (macOS, Windows) the system keeps the text and this
    /// does nothing. Without it, on X11 the text survives only if a clipboard manager takes it
    /// when the handle is dropped; on Wayland it is gone.
    fn keep_after_exit(&mut self, exe: &Path) -> Result<(), ClipboardError> {
        if !cfg!(all(unix, not(target_os = "macos"))) {
            return Ok(());
        }
        let Some(last) = self.last.as_deref() else {
            return Ok(());
        };
        // Something copied elsewhere since must not be overwritten with swlog's older text.
        if self.inner.get_text().ok().as_deref() != Some(last) {
            return Ok(());
        }
        hand_off(exe, last, Duration::from_secs(1))
    }
}

fn system_error(e: arboard::Error) -> ClipboardError {
    ClipboardError::System(sanitize(&e.to_string()).into_owned())
}

/// The argument that makes swlog run as the clipboard keeper: `main` must check for it first
/// and then call [`run_keeper`] and exit with its code.
pub const KEEPER_ARG: &str = "__swlog-clipboard-keeper";

/// The line the keeper prints once it holds the clipboard.
const KEEPER_READY: &str = "holding";

/// The most text the keeper accepts.
const KEEPER_MAX: u64 = 16 * 1024 * 1024;

/// Runs the clipboard keeper: reads the text from stdin, takes the clipboard, says so on
/// stdout, and serves pastes until something else is copied. Returns the
/// exit code.
pub fn run_keeper() -> u8 {
    let mut text = String::new();
    if io::stdin()
        .take(KEEPER_MAX)
        .read_to_string(&mut text)
        .is_err()
    {
        return 1;
    }
    let Ok(mut clipboard) = arboard::Clipboard::new() else {
        return 1;
    };
    if clipboard.set_text(text.as_str()).is_err() {
        return 1;
    }
    {
        let mut out = io::stdout().lock();
        // The parent may have given up waiting; the keeper serves the text either way.
        let _ = writeln!(out, "{KEEPER_READY}").and_then(|()| out.flush());
    }
    serve_until_replaced(&mut clipboard, text);
    0
}

#[cfg(all(unix, not(target_os = "macos")))]
fn serve_until_replaced(clipboard: &mut arboard::Clipboard, text: String) {
    use arboard::SetExtLinux as _;
    // Blocks until another program owns the clipboard.
    let _ = clipboard.set().wait().text(text);
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn serve_until_replaced(_clipboard: &mut arboard::Clipboard, _text: String) {}

/// Starts the keeper `exe` with `text` on stdin and waits up to `wait` for it to hold the
/// clipboard.
fn hand_off(exe: &Path, text: &str, wait: Duration) -> Result<(), ClipboardError> {
    let mut command = Command::new(exe);
    command
        .arg(KEEPER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .current_dir("/");
    #[cfg(unix)]
    {
        // Its own process group: the terminal's Ctrl-C and hangup must not reach it.
        use std::os::unix::process::CommandExt as _;
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| ClipboardError::Keeper(format!("cannot start {}: {e}", exe.display())))?;
    let written = child
        .stdin
        .take()
        .map(|mut stdin| stdin.write_all(text.as_bytes()));
    if let Some(Err(e)) = written {
        return Err(ClipboardError::Keeper(format!(
            "cannot hand it the text: {e}"
        )));
    }
    let Some(stdout) = child.stdout.take() else {
        return Err(ClipboardError::Keeper("no pipe to the keeper".to_owned()));
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = io::BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let answer = rx.recv_timeout(wait);
    // Reap the keeper if it has already exited, so that it does not linger as a zombie while
    // swlog finishes; a running keeper is left to run.
    let _ = child.try_wait();
    match answer {
        Ok(line) if line.trim() == KEEPER_READY => Ok(()),
        Ok(_) => Err(ClipboardError::Keeper(
            "the keeper could not take the clipboard".to_owned(),
        )),
        Err(_) => Err(ClipboardError::Keeper(
            "the keeper did not answer within a second".to_owned(),
        )),
    }
}

/// OSC 52: the terminal puts the text on the clipboard of the machine it runs on, which is
/// what makes copying work over SSH. Whether it does is up to the terminal (many ask, some
/// refuse), so nothing confirms it.
pub struct Osc52<W> {
    out: W,
}

impl<W: Write + Send> Osc52<W> {
    /// Copies by writing to `out`, the terminal.
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// The writer back, for tests.
    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Clipboard for Osc52<W> {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        let text = sanitize_multiline(text);
        crossterm::execute!(
            self.out,
            CopyToClipboard::to_clipboard_from(text.as_bytes())
        )?;
        Ok(Copied {
            method: Method::Osc52,
        })
    }
}

/// tmux's paste buffer, set with `tmux load-buffer -w -` (as helix does): `-w` also forwards
/// it to the outer terminal's clipboard when tmux's `set-clipboard` allows.
#[derive(Debug, Clone, Default)]
pub struct Tmux {
    socket: Option<String>,
}

impl Tmux {
    /// The tmux server this terminal runs in (found through `$TMUX`).
    pub fn new() -> Self {
        Self::default()
    }

    /// The tmux server on the socket named `name` (`tmux -L name`), for tests.
    pub fn with_socket(name: impl Into<String>) -> Self {
        Self {
            socket: Some(name.into()),
        }
    }
}

impl Clipboard for Tmux {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        let text = sanitize_multiline(text);
        let mut command = Command::new("tmux");
        if let Some(socket) = &self.socket {
            command.args(["-L", socket]);
        }
        let mut child = command
            .args(["load-buffer", "-w", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| ClipboardError::TmuxMissing(e.to_string()))?;
        let written = child
            .stdin
            .take()
            .map(|mut stdin| stdin.write_all(text.as_bytes()));
        let output = child
            .wait_with_output()
            .map_err(|e| ClipboardError::Tmux(e.to_string()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(ClipboardError::Tmux(sanitize(stderr.trim()).into_owned()));
        }
        if let Some(Err(e)) = written {
            return Err(ClipboardError::Tmux(e.to_string()));
        }
        Ok(Copied {
            method: Method::Tmux,
        })
    }
}

/// A test double that records what would have been copied (sanitised, as a real clipboard
/// would receive it).
#[derive(Debug, Clone)]
pub struct Recording {
    /// Every copy, oldest first.
    pub copies: Vec<String>,
    /// The method it reports.
    pub method: Method,
    /// When set, every copy fails with this message.
    pub fail: Option<String>,
}

impl Recording {
    /// A recorder that reports copies to the system clipboard.
    pub fn new() -> Self {
        Self {
            copies: Vec::new(),
            method: Method::System,
            fail: None,
        }
    }
}

impl Default for Recording {
    fn default() -> Self {
        Self::new()
    }
}

impl Clipboard for Recording {
    fn copy(&mut self, text: &str) -> Result<Copied, ClipboardError> {
        if let Some(why) = &self.fail {
            return Err(ClipboardError::System(why.clone()));
        }
        self.copies.push(sanitize_multiline(text).into_owned());
        Ok(Copied {
            method: self.method,
        })
    }
}

/// Whether this platform's system clipboard needs a display server (X11 or Wayland).
const NEEDS_DISPLAY: bool = cfg!(all(unix, not(target_os = "macos")));

/// The method `choice` comes to in this environment, before the system clipboard is tried.
pub fn decide(choice: ClipboardChoice, env: &dyn Fn(&str) -> Option<String>) -> Method {
    decide_for(choice, env, NEEDS_DISPLAY)
}

fn decide_for(
    choice: ClipboardChoice,
    env: &dyn Fn(&str) -> Option<String>,
    needs_display: bool,
) -> Method {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    match choice {
        ClipboardChoice::System => Method::System,
        ClipboardChoice::Osc52 => Method::Osc52,
        ClipboardChoice::Tmux => Method::Tmux,
        ClipboardChoice::Auto if set("TMUX") => Method::Tmux,
        ClipboardChoice::Auto if set("SSH_TTY") || set("SSH_CONNECTION") => Method::Osc52,
        ClipboardChoice::Auto if needs_display && !set("DISPLAY") && !set("WAYLAND_DISPLAY") => {
            Method::Osc52
        }
        ClipboardChoice::Auto => Method::System,
    }
}

/// An opened clipboard.
pub struct Opened {
    /// Where copies go.
    pub clipboard: Box<dyn Clipboard>,
    /// How they are made.
    pub method: Method,
    /// Why the method differs from the one asked for, for the status bar.
    pub note: Option<String>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("method", &self.method)
            .field("note", &self.note)
            .finish_non_exhaustive()
    }
}

/// Opens the clipboard `choice` comes to; OSC 52 is written to `terminal`. Falls back to OSC 52
/// when the system clipboard cannot be opened.
///
/// Keep the result for the life of the app: the system clipboard's contents live in it.
pub fn open(
    choice: ClipboardChoice,
    env: &dyn Fn(&str) -> Option<String>,
    terminal: Box<dyn Write + Send>,
) -> Opened {
    open_with(choice, env, terminal, NEEDS_DISPLAY, || {
        SystemClipboard::open().map(|c| Box::new(c) as Box<dyn Clipboard>)
    })
}

fn open_with(
    choice: ClipboardChoice,
    env: &dyn Fn(&str) -> Option<String>,
    terminal: Box<dyn Write + Send>,
    needs_display: bool,
    system: impl FnOnce() -> Result<Box<dyn Clipboard>, ClipboardError>,
) -> Opened {
    let osc52 = |terminal, note| Opened {
        clipboard: Box::new(Osc52::new(terminal)),
        method: Method::Osc52,
        note,
    };
    match decide_for(choice, env, needs_display) {
        Method::Tmux => Opened {
            clipboard: Box::new(Tmux::new()),
            method: Method::Tmux,
            note: None,
        },
        Method::Osc52 => osc52(terminal, None),
        Method::System => match system() {
            Ok(clipboard) => Opened {
                clipboard,
                method: Method::System,
                note: None,
            },
            Err(e) => osc52(terminal, Some(format!("{e}; copying via OSC 52 instead"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A `Write` whose bytes the test can read after handing it away.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn osc52_bytes_are_exactly_what_terminals_expect() {
        let mut osc = Osc52::new(Vec::new());
        let copied = osc.copy("+12065551212").unwrap();
        assert_eq!(copied.method, Method::Osc52);
        // ESC ] 52 ; c ; base64 ST, with ST = ESC \ (crossterm's terminator).
        assert_eq!(osc.into_inner(), b"\x1b]52;c;KzEyMDY1NTUxMjEy\x1b\\");
    }

    #[test]
    fn osc52_carries_multiline_text_sanitised() {
        let mut osc = Osc52::new(Vec::new());
        osc.copy("{\n\t\"from\": \"\u{1b}[2J\"\r\n}").unwrap();
        let bytes = osc.into_inner();
        let text = std::str::from_utf8(&bytes).unwrap();
        let payload = text
            .strip_prefix("\x1b]52;c;")
            .and_then(|t| t.strip_suffix("\x1b\\"))
            .unwrap();
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "{\n\t\"from\": \"\\u{1b}[2J\"\n}"
        );
    }

    #[test]
    fn auto_picks_by_environment() {
        use ClipboardChoice::Auto;
        type Vars = &'static [(&'static str, &'static str)];
        let cases: &[(Vars, bool, Method)] = &[
            (&[("DISPLAY", ":0")], true, Method::System),
            (&[("WAYLAND_DISPLAY", "wayland-0")], true, Method::System),
            (&[], true, Method::Osc52),
            (&[("DISPLAY", "")], true, Method::Osc52),
            // macOS and Windows need no display server.
            (&[], false, Method::System),
            (
                &[("DISPLAY", ":0"), ("SSH_TTY", "/dev/pts/3")],
                true,
                Method::Osc52,
            ),
            (
                &[("SSH_CONNECTION", "10.0.0.2 5122 10.0.0.1 22")],
                false,
                Method::Osc52,
            ),
            (
                &[
                    ("TMUX", "/tmp/tmux-0/default,1,0"),
                    ("SSH_TTY", "/dev/pts/3"),
                ],
                true,
                Method::Tmux,
            ),
            (
                &[("TMUX", "/tmp/tmux-0/default,1,0"), ("DISPLAY", ":0")],
                true,
                Method::Tmux,
            ),
        ];
        for (vars, needs_display, want) in cases {
            assert_eq!(
                decide_for(Auto, &env_of(vars), *needs_display),
                *want,
                "{vars:?} needs_display={needs_display}"
            );
        }
    }

    #[test]
    fn an_explicit_choice_wins_over_the_environment() {
        let env = env_of(&[("TMUX", "x"), ("SSH_TTY", "y")]);
        assert_eq!(
            decide_for(ClipboardChoice::System, &env, true),
            Method::System
        );
        assert_eq!(
            decide_for(ClipboardChoice::Osc52, &env, true),
            Method::Osc52
        );
        let none = env_of(&[]);
        assert_eq!(decide_for(ClipboardChoice::Tmux, &none, true), Method::Tmux);
    }

    #[test]
    fn the_choice_reads_from_config() {
        #[derive(Deserialize)]
        struct Config {
            clipboard: ClipboardChoice,
        }
        let read = |s: &str| toml::from_str::<Config>(s).map(|c| c.clipboard);
        assert_eq!(read("clipboard = \"auto\"").unwrap(), ClipboardChoice::Auto);
        assert_eq!(
            read("clipboard = \"system\"").unwrap(),
            ClipboardChoice::System
        );
        assert_eq!(
            read("clipboard = \"osc52\"").unwrap(),
            ClipboardChoice::Osc52
        );
        assert_eq!(read("clipboard = \"tmux\"").unwrap(), ClipboardChoice::Tmux);
        assert!(read("clipboard = \"xclip\"").is_err());
        assert_eq!(ClipboardChoice::default(), ClipboardChoice::Auto);
    }

    #[test]
    fn a_system_clipboard_that_cannot_open_falls_back_to_osc52() {
        let terminal = Shared::default();
        let env = env_of(&[("DISPLAY", ":0")]);
        let mut opened = open_with(
            ClipboardChoice::Auto,
            &env,
            Box::new(terminal.clone()),
            true,
            || Err(ClipboardError::System("no X server".into())),
        );
        assert_eq!(opened.method, Method::Osc52);
        assert_eq!(
            opened.note.as_deref(),
            Some("System clipboard unavailable: no X server; copying via OSC 52 instead")
        );
        opened.clipboard.copy("hi").unwrap();
        assert_eq!(*terminal.0.lock().unwrap(), b"\x1b]52;c;aGk=\x1b\\");
    }

    #[test]
    fn an_opened_system_clipboard_is_used() {
        let env = env_of(&[("WAYLAND_DISPLAY", "wayland-0")]);
        let mut opened = open_with(
            ClipboardChoice::Auto,
            &env,
            Box::new(Shared::default()),
            true,
            || Ok(Box::new(Recording::new())),
        );
        assert_eq!(opened.method, Method::System);
        assert!(opened.note.is_none());
        assert_eq!(opened.clipboard.copy("x").unwrap().method, Method::System);
        let ssh = env_of(&[("SSH_TTY", "/dev/pts/1")]);
        let opened = open_with(
            ClipboardChoice::Auto,
            &ssh,
            Box::new(Shared::default()),
            true,
            || panic!("the system clipboard must not be opened over SSH"),
        );
        assert_eq!(opened.method, Method::Osc52);
    }

    #[test]
    fn the_recording_double_keeps_sanitised_copies() {
        let mut rec = Recording::new();
        rec.copy("a\u{1b}[31m\nb").unwrap();
        rec.method = Method::Tmux;
        assert_eq!(rec.copy("c").unwrap().method, Method::Tmux);
        assert_eq!(rec.copies, ["a\\u{1b}[31m\nb", "c"]);
        rec.fail = Some("nope".into());
        assert!(rec.copy("d").is_err());
    }

    #[test]
    fn messages_say_how_it_was_copied() {
        let m = |method| Copied { method }.message("`to`");
        assert_eq!(m(Method::System), "Copied `to` to the system clipboard");
        assert_eq!(
            m(Method::Osc52),
            "Sent `to` via OSC 52 — your terminal must allow it"
        );
        assert_eq!(m(Method::Tmux), "Sent `to` to tmux's buffer");
        assert_eq!(Method::Tmux.label(), "tmux's buffer");
    }

    /// A private tmux server, killed when dropped.
    struct TmuxServer(String);

    impl TmuxServer {
        fn start() -> Self {
            let name = format!("swlog-test-{}", std::process::id());
            let started = Command::new("tmux")
                .args([
                    "-L",
                    &name,
                    "-f",
                    "/dev/null",
                    "new-session",
                    "-d",
                    "-s",
                    "t",
                ])
                .env_remove("TMUX")
                .output()
                .unwrap_or_else(|e| {
                    panic!("tmux is needed for this test (apt-get install tmux): {e}")
                });
            assert!(
                started.status.success(),
                "could not start tmux: {}",
                String::from_utf8_lossy(&started.stderr)
            );
            Self(name)
        }

        fn buffer(&self) -> String {
            let out = Command::new("tmux")
                .args(["-L", &self.0, "show-buffer"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        }
    }

    impl Drop for TmuxServer {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["-L", &self.0, "kill-server"])
                .output();
        }
    }

    #[test]
    fn tmux_gets_the_text_in_its_buffer() {
        if !crate::testkit::require("tmux") {
            return;
        }
        let server = TmuxServer::start();
        let mut tmux = Tmux::with_socket(&server.0);
        let copied = tmux
            .copy("{\n\t\"to\": \"+1\u{1b}]52;c;eA==\u{7}\"\n}")
            .unwrap();
        assert_eq!(copied.method, Method::Tmux);
        assert_eq!(
            server.buffer(),
            "{\n\t\"to\": \"+1\\u{1b}]52;c;eA==\\u{7}\"\n}"
        );
        tmux.copy("second").unwrap();
        assert_eq!(server.buffer(), "second");
    }

    #[test]
    fn tmux_without_a_server_is_an_error() {
        let mut tmux = Tmux::with_socket(format!("swlog-test-none-{}", std::process::id()));
        let err = tmux.copy("x").unwrap_err();
        assert!(matches!(err, ClipboardError::Tmux(_)), "{err:?}");
        assert!(
            err.to_string().starts_with("tmux refused the buffer"),
            "{err}"
        );
    }

    #[cfg(unix)]
    fn script(dir: &Path, body: &str) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = dir.join("fake-swlog");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// [`hand_off`], retried while another test thread's fork briefly holds the fresh script
    /// open for writing (ETXTBSY), a known race of exec-ing a file just written.
    #[cfg(unix)]
    fn hand_off_retrying(exe: &Path, text: &str, wait: Duration) -> Result<(), ClipboardError> {
        for _ in 0..20 {
            match hand_off(exe, text, wait) {
                Err(ClipboardError::Keeper(e)) if e.contains("Text file busy") => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
        hand_off(exe, text, wait)
    }

    #[cfg(unix)]
    #[test]
    fn the_keeper_gets_the_text_and_its_answer_is_awaited() {
        let dir = tempfile::tempdir().unwrap();
        let got = dir.path().join("got");
        let args = dir.path().join("args");
        let exe = script(
            dir.path(),
            &format!(
                "echo \"$@\" > '{}'; cat > '{}'; echo {KEEPER_READY}; sleep 0.2",
                args.display(),
                got.display()
            ),
        );
        hand_off_retrying(&exe, "line 1\nline 2", Duration::from_secs(10)).unwrap();
        assert_eq!(std::fs::read_to_string(&got).unwrap(), "line 1\nline 2");
        assert_eq!(std::fs::read_to_string(&args).unwrap().trim(), KEEPER_ARG);
    }

    #[cfg(unix)]
    #[test]
    fn a_keeper_that_fails_or_hangs_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let failing = script(dir.path(), "cat > /dev/null; exit 1");
        let err = hand_off_retrying(&failing, "x", Duration::from_secs(10)).unwrap_err();
        assert!(err.to_string().contains("could not take"), "{err}");
        let silent = dir.path().join("silent");
        std::fs::create_dir(&silent).unwrap();
        let hanging = script(&silent, "cat > /dev/null; sleep 1");
        let err = hand_off_retrying(&hanging, "x", Duration::from_millis(200)).unwrap_err();
        assert!(err.to_string().contains("did not answer"), "{err}");
        let missing = hand_off(&dir.path().join("nope"), "x", Duration::from_millis(200));
        assert!(missing.unwrap_err().to_string().contains("cannot start"));
    }
}
