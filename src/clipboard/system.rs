//! The system clipboard (arboard), and the keeper process that makes a copy outlive swlog on
//! X11 and Wayland.

use std::io::{self, BufRead as _, Read as _, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Clipboard, ClipboardError, Copied, Method};
use crate::text::{sanitize, sanitize_multiline};

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

#[cfg(test)]
mod tests {
    use super::*;

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
