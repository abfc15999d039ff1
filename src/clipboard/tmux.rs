//! tmux's paste buffer.

use std::io::Write;
use std::process::{Command, Stdio};

use super::{Clipboard, ClipboardError, Copied, Method};
use crate::text::{sanitize, sanitize_multiline};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
