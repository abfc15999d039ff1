//! Which clipboard to use: the user's choice and the environment decide, and the system
//! clipboard falls back to OSC 52 when it cannot be opened.

use std::io::Write;

use super::{Clipboard, ClipboardChoice, ClipboardError, Method, Osc52, SystemClipboard, Tmux};

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
    use std::io;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::clipboard::Recording;

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
}
