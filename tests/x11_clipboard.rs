//! The system clipboard on a real X server: the inspector copies a log's ID, `xclip` reads it
//! back while swlog runs, and again after swlog has exited (the keeper process holds it). Xvfb
//! is the X server, started by the test on a display it picks itself; tmux is the terminal.
//! Under CI=true a missing Xvfb, xclip or tmux fails the test (`.ci/run` installs them).

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod tmux;

use tmux::Tmux;

/// An Xvfb server on a display of its own choosing, killed when dropped.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        // -displayfd 1: the server picks a free display and writes its number on stdout once it
        // accepts connections.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
                "640x480x24",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("Xvfb says its display");
        let number: u32 = line.trim().parse().expect("a display number");
        Self {
            child,
            display: format!(":{number}"),
        }
    }

    /// The CLIPBOARD selection as `xclip` reads it, or `None` when nobody holds it.
    fn clipboard(&self) -> Option<String> {
        let out = Command::new("xclip")
            .args(["-o", "-selection", "clipboard"])
            .env("DISPLAY", &self.display)
            .output()
            .expect("xclip runs");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Waits up to 10 s for the clipboard to hold `want`.
    fn wait_for_clipboard(&self, want: &str, when: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.clipboard();
            if got.as_deref() == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{when}: the clipboard holds {got:?}, not {want:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_copy_reaches_the_x11_clipboard_and_outlives_swlog() {
    if !swlog::testkit::require("Xvfb") || !swlog::testkit::require("xclip") {
        return;
    }
    let Some(tmux) = Tmux::new("x11") else {
        return;
    };
    let x = Xvfb::start();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    std::fs::write(dir.path().join("config.toml"), "clipboard = \"system\"\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let id = swlog::demo::ids::CHAIN_ROOT;
    let script = format!(
        "cd {d}; env -u TMUX -u WAYLAND_DISPLAY DISPLAY={display} HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state {bin} --demo --config {d}/config.toml --log-file {d}/swlog.log {id}; echo EXITED $?; sleep 60",
        display = x.display
    );
    tmux.start(&script);
    tmux.wait_for("the record", |s| {
        s.contains("LaML call") && !s.contains("Fetching")
    });
    // `c` copies the log ID of the record shown.
    tmux.run(&["send-keys", "-t", "t", "Escape"]);
    std::thread::sleep(Duration::from_millis(100));
    tmux.run(&["send-keys", "-t", "t", "c"]);
    tmux.wait_for("the copy's note", |s| s.contains("Copied"));
    x.wait_for_clipboard(id, "while swlog runs");

    tmux.run(&["send-keys", "-t", "t", "q"]);
    let screen = tmux.wait_for("swlog's exit", |s| s.contains("EXITED"));
    assert!(screen.contains("EXITED 0"), "{screen}");
    // swlog is gone; the keeper it left holds the text.
    x.wait_for_clipboard(id, "after swlog exited");

    // Copying something else releases the keeper, which then exits by itself.
    let mut other = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .env("DISPLAY", &x.display)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    other
        .stdin
        .take()
        .unwrap()
        .write_all(b"something else")
        .unwrap();
    assert!(other.wait().unwrap().success());
    x.wait_for_clipboard("something else", "after another program copied");
}
