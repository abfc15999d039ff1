//! The terminal is left exactly as it was: on `q`, on SIGTERM and on SIGHUP (a dropped SSH
//! session). The real binary runs in a real terminal (a tmux pane); `stty -a` before and after
//! must match, and the alternate screen must be gone.

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod tmux;

use tmux::{Tmux, pid_of};

fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    std::fs::read_to_string(path).unwrap()
}

fn check_restored(how: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let script = format!(
        "cd {d}; stty -a > before; env -u TMUX HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state {bin} --demo --log-file {d}/swlog.log; echo $? > code; stty -a > after; echo DONE; sleep 60"
    );
    let Some(tmux) = Tmux::new(how) else {
        return;
    };
    tmux.start(&script);
    tmux.wait_for("the inspector", |s| s.contains("Log ID"));
    // Start a slow lookup, so that the exit happens with a fetch in flight.
    tmux.run(&[
        "send-keys",
        "-t",
        "t",
        "00000000-0000-4000-8000-000000003000",
        "Enter",
    ]);
    tmux.wait_for("the fetch", |s| s.contains("Fetching"));
    match how {
        "q" => {
            tmux.run(&["send-keys", "-t", "t", "Escape"]);
            std::thread::sleep(Duration::from_millis(100));
            tmux.run(&["send-keys", "-t", "t", "q"]);
        }
        signal => {
            let pid = pid_of(bin, &d.to_string()).expect("the swlog process");
            let status = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(pid.to_string())
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
    let code = wait_for_file(&dir.path().join("code"));
    let screen = tmux.wait_for("the shell again", |s| s.contains("DONE"));
    let before = std::fs::read_to_string(dir.path().join("before")).unwrap();
    let after = wait_for_file(&dir.path().join("after"));
    assert_eq!(before, after, "{how}: stty settings differ after exit");
    assert!(
        !screen.contains("Log ID"),
        "{how}: the alternate screen is gone\n{screen}"
    );
    assert_eq!(code.trim(), "0", "{how}: exit code");
}

#[test]
fn q_leaves_the_terminal_as_it_was() {
    check_restored("q");
}

#[test]
fn sigterm_leaves_the_terminal_as_it_was() {
    check_restored("TERM");
}

#[test]
fn sighup_leaves_the_terminal_as_it_was() {
    check_restored("HUP");
}

/// The terminal itself vanishing (the pty closes, as when an SSH connection drops) ends swlog
/// promptly instead of leaving it spinning on a dead terminal.
#[test]
fn a_vanished_terminal_ends_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let script = format!(
        "cd {d}; env -u TMUX HOME={d} XDG_DATA_HOME={d}/data {bin} --demo --log-file {d}/swlog.log"
    );
    let Some(tmux) = Tmux::new("vanish") else {
        return;
    };
    tmux.start(&script);
    tmux.wait_for("the inspector", |s| s.contains("Log ID"));
    let pid = pid_of(bin, &d.to_string()).expect("the swlog process");
    tmux.run(&["kill-server"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Gone, or a zombie waiting for its parent: either way it has exited.
        if state.is_empty() || state.split_whitespace().nth(2) == Some("Z") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "swlog still running after its terminal vanished: {state}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What `swlog ID` says at start-up stays on screen through the first lookup: a damaged history
/// is moved aside and the warning is still shown once the record is in (it used to be
/// overwritten by the clipboard note, then cleared by the fetch). The real binary, the real
/// start-up path.
#[test]
fn a_damaged_history_is_still_reported_after_the_first_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let history = dir.path().join("data/swlog/demo");
    std::fs::create_dir_all(&history).unwrap();
    std::fs::write(
        history.join("history.json"),
        b"{\"version\": 1, \"entries\": [tru",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let id = swlog::demo::ids::CHAIN_ROOT;
    let script = format!(
        "cd {d}; env -u TMUX -u DISPLAY -u WAYLAND_DISPLAY HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state {bin} --demo --log-file {d}/swlog.log {id}; sleep 60"
    );
    let Some(tmux) = Tmux::new("damaged") else {
        return;
    };
    tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "160",
        "-y",
        "40",
        "-s",
        "t",
        "sh",
        "-c",
        &script,
    ]);
    let screen = tmux.wait_for("the record", |s| {
        s.contains(&format!("┌ {id} ")) && s.contains("LaML call") && !s.contains("Fetching")
    });
    assert!(
        screen.contains("History file was damaged"),
        "the warning is on screen after the lookup\n{screen}"
    );
    let moved = std::fs::read_dir(&history)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("corrupt"));
    assert!(moved, "the damaged file was moved aside");
    tmux.run(&["send-keys", "-t", "t", "q"]);
}

/// A long paste into a terminal without bracketed paste arrives as keys, more than the 1,024
/// bytes crossterm reads at a time: all of it is read without another key (it stopped after the
/// first 1,024 until the next key). The last keys, Ctrl-U and `DONE`, show it got to the end.
#[test]
fn a_long_unbracketed_paste_is_read_to_the_end_without_another_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let bin = env!("CARGO_BIN_EXE_swlog");
    let script = format!(
        "cd {d}; env -u TMUX -u DISPLAY -u WAYLAND_DISPLAY HOME={d} XDG_CONFIG_HOME={d}/config XDG_DATA_HOME={d}/data XDG_STATE_HOME={d}/state {bin} --demo --config {d}/none.toml"
    );
    let Some(tmux) = Tmux::new("longpaste") else {
        return;
    };
    tmux.start(&script);
    tmux.wait_for("the inspector", |s| s.contains("Log ID"));
    let text = dir.path().join("paste.txt");
    std::fs::write(&text, format!("{}\u{15}DONE", "a".repeat(2_000))).unwrap();
    tmux.run(&["load-buffer", &text.to_string_lossy()]);
    // Without -p: no bracketed-paste markers, each character is a key.
    tmux.run(&["paste-buffer", "-t", "t"]);
    tmux.wait_for("the whole paste", |s| s.contains("│ DONE "));
    tmux.run(&["send-keys", "-t", "t", "C-c"]);
}
