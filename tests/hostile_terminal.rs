//! Issue 10 in a real terminal: the real binary in a tmux pane on a private socket. A failing
//! diagnostics log never writes on the screen and never keeps swlog alive once its terminal is
//! gone; `TERM=dumb` gets no colour and no box-drawing characters.

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(tag: &str) -> Self {
        Self {
            socket: format!("swlog-hostile-{tag}-{}", std::process::id()),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux must be installed (CI installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `script` under `sh -c` in a 100x30 pane.
    fn start(&self, script: &str) {
        self.run(&[
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-s",
            "t",
            "sh",
            "-c",
            script,
        ]);
    }

    /// The pane's text, with its colours as escape sequences when `escapes`.
    fn screen(&self, escapes: bool) -> String {
        if escapes {
            self.run(&["capture-pane", "-p", "-e", "-t", "t"])
        } else {
            self.run(&["capture-pane", "-p", "-t", "t"])
        }
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen(false);
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// The PID of the swlog process (its argv[0] is the binary) whose arguments hold `marker`.
fn pid_of(bin: &str, marker: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        (args.first().is_some_and(|a| a == bin) && args.iter().any(|a| a.contains(marker)))
            .then_some(pid)
    })
}

/// Waits until process `pid` has exited (gone, or a zombie), failing after `within`.
fn assert_exits(pid: u32, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if state.is_empty() || state.split_whitespace().nth(2) == Some("Z") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "swlog still running after its terminal vanished: {state}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_failing_log_file_never_writes_on_the_screen_nor_outlives_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let script = format!(
        "cd {d}; env -u TMUX HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config SWLOG_LOG=debug {bin} --demo --log-file /dev/full --config {d}/none.toml 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"
    );
    let tmux = Tmux::new("logfull");
    tmux.start(&script);
    tmux.wait_for("the inspector", |s| s.contains("Log ID"));
    // Logging happens on every lookup: make one.
    tmux.run(&["send-keys", "-t", "t", "Enter"]);
    let screen = tmux.wait_for("the record", |s| s.contains("Charges"));
    // The writes that failed on the way (the lookup logs at debug level) left no trace here.
    std::thread::sleep(Duration::from_millis(300));
    let screen = format!("{screen}{}", tmux.screen(false));
    assert!(!screen.contains("tracing"), "{screen}");
    assert!(!screen.contains("Unable to write"), "{screen}");
    let pid = pid_of(bin, &d.to_string()).expect("the swlog process");
    tmux.run(&["kill-server"]);
    assert_exits(pid, Duration::from_secs(5));
}

#[test]
fn term_dumb_gets_no_colour_and_ascii_borders() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let script = format!(
        "cd {d}; env -u TMUX -u NO_COLOR TERM=dumb HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config {bin} --demo --config {d}/none.toml 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11"
    );
    let tmux = Tmux::new("dumb");
    tmux.start(&script);
    let screen = tmux.wait_for("the record", |s| s.contains("Charges"));
    let boxes: Vec<char> = screen
        .chars()
        .filter(|c| ('\u{2500}'..='\u{257f}').contains(c))
        .collect();
    assert!(
        boxes.is_empty(),
        "box-drawing characters {boxes:?}:\n{screen}"
    );
    assert!(screen.contains("+ Log ID ---"), "{screen}");
    let styled = tmux.screen(true);
    // Any foreground or background colour: SGR 30-37, 38;…, 40-47, 48;…, 90-97, 100-107.
    let coloured = styled.split("\u{1b}[").skip(1).any(|seq| {
        let params = seq.split('m').next().unwrap_or_default();
        params.split(';').any(|p| {
            matches!(
                p.parse::<u32>(),
                Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)
            )
        })
    });
    assert!(!coloured, "colour on a dumb terminal:\n{styled:?}");
}
