//! Issue 10 in a real terminal: the real binary in a tmux pane on a private socket. A failing
//! diagnostics log never writes on the screen and never keeps swlog alive once its terminal is
//! gone; `TERM=dumb` gets no colour and no box-drawing characters.

#![cfg(target_os = "linux")]
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

#[path = "common/tmux.rs"]
mod tmux;

use tmux::{Tmux, pid_of};

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
    let Some(tmux) = Tmux::new("logfull") else {
        return;
    };
    tmux.start(&script);
    tmux.wait_for("the inspector", |s| s.contains("Log ID"));
    // Logging happens on every lookup: make one.
    tmux.run(&["send-keys", "-t", "t", "Enter"]);
    let screen = tmux.wait_for("the record", |s| s.contains("Charges"));
    // The writes that failed on the way (the lookup logs at debug level) left no trace here.
    std::thread::sleep(Duration::from_millis(300));
    let screen = format!("{screen}{}", tmux.screen());
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
    let Some(tmux) = Tmux::new("dumb") else {
        return;
    };
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
    let styled = tmux.styled();
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
