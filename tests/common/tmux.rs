//! A private tmux server for the tests that run the real binary in a real terminal, and the
//! process lookups they share. Included by path (`#[path = "common/tmux.rs"] mod tmux;`), so
//! that a terminal test does not compile the HTTP helpers of `common`.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server on its own socket, killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A private tmux server, or `None` when tmux is missing and the test is skipped (under
    /// CI=true a missing tmux fails instead).
    pub fn new(tag: &str) -> Option<Self> {
        swlog::testkit::require("tmux").then(|| Self {
            socket: format!("swlog-test-{tag}-{}", std::process::id()),
        })
    }

    /// Runs a tmux command on this server; its standard output.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (Tmux::new checked it is installed)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts `script` under `sh -c` in a 100x30 pane named `t`.
    pub fn start(&self, script: &str) {
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

    /// The pane's text.
    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    /// The pane's text with its colours as escape sequences.
    pub fn styled(&self) -> String {
        self.run(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    /// Waits up to 15 s for the screen to satisfy `pred`; the screen then.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
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
pub fn pid_of(bin: &str, marker: &str) -> Option<u32> {
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
