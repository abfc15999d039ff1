//! `swlog history clear` as a user runs it: the real binary on a history made with the
//! library, asked from a pipe (refused without `--yes`), with `--yes` (pinned lookups stay),
//! with `--all`, and on a terminal (tmux), where it asks and a "no" keeps everything.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::Utc;
use swlog::history::{Entry, History, Lookup, Options};

use common::{Swlog, uuid};

/// Four lookups in the history under `home`: 1 pinned with a note, 2 with a note, 3 and 4.
fn seed(home: &Path) {
    let dir = home.join("data/swlog");
    let (mut h, warnings) = History::open(&dir, Options::default());
    assert!(warnings.is_empty(), "{warnings:?}");
    for n in 1..=4 {
        let entry = Entry::new(
            uuid(n),
            Utc::now(),
            "env",
            "acme",
            Lookup::Error("x".into()),
        );
        assert!(h.record(entry, None).is_empty());
    }
    assert!(h.pin(uuid(1)).is_empty());
    assert!(h.set_note(uuid(1), Some("ticket 1".into())).is_empty());
    assert!(h.set_note(uuid(2), Some("ticket 2".into())).is_empty());
}

fn kept(home: &Path) -> Vec<uuid::Uuid> {
    let (h, _) = History::open(home.join("data/swlog"), Options::default());
    h.entries().iter().map(|e| e.id).collect()
}

fn run(args: &[&str], stdin: &str) -> (std::process::Output, tempfile::TempDir) {
    let (mut cmd, home) = Swlog::bare().args(["history"]).args(args).into_std();
    seed(home.path());
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    (child.wait_with_output().unwrap(), home)
}

#[test]
fn without_a_terminal_clear_needs_yes_and_a_piped_answer_changes_nothing() {
    for answer in ["n\n", "y\n", ""] {
        let (out, home) = run(&["clear"], answer);
        assert_eq!(out.status.code(), Some(2), "{answer:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("would delete 3 lookups (1 pinned kept: --all clears them too), 1 with notes: give --yes"),
            "{stderr}"
        );
        assert_eq!(kept(home.path()).len(), 4, "nothing deleted");
    }
}

#[test]
fn yes_keeps_pinned_lookups_and_all_clears_them_too() {
    let (out, home) = run(&["clear", "--yes"], "");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(kept(home.path()), [uuid(1)], "the pinned lookup stays");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("swlog: cleared 3 lookups (1 pinned kept"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (out, home) = run(&["clear", "--yes", "--all"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(kept(home.path()).is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cleared 4 lookups, 1 pinned among them, 2 with notes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_history_that_cannot_be_saved_is_not_reported_cleared() {
    let (mut cmd, home) = Swlog::bare().args(["history", "clear", "--yes"]).into_std();
    seed(home.path());
    // A database of a newer swlog: saving is blocked, and clear must say so.
    let conn = rusqlite::Connection::open(home.path().join("data/swlog/index.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let out = cmd.output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot clear the history"), "{stderr}");
    assert!(!stderr.contains("cleared"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn on_a_terminal_it_asks_and_only_yes_clears() {
    #[path = "common/tmux.rs"]
    mod tmux;
    for (answer, left) in [("n", 4), ("y", 1)] {
        let Some(tmux) = tmux::Tmux::new(&format!("clear{answer}")) else {
            return;
        };
        let home = tempfile::tempdir().unwrap();
        seed(home.path());
        let d = home.path().display();
        let bin = env!("CARGO_BIN_EXE_swlog");
        tmux.start(&format!(
            "env HOME={d} XDG_DATA_HOME={d}/data XDG_CONFIG_HOME={d}/config {bin} history clear; echo EXITED $?; sleep 30"
        ));
        tmux.wait_for("the question", |s| {
            s.contains("Clear 3 lookups (1 pinned kept: --all clears them too), 1 with notes and their cached bodies? [y/N]")
        });
        tmux.run(&["send-keys", "-t", "t", answer, "Enter"]);
        let screen = tmux.wait_for("the end", |s| s.contains("EXITED"));
        assert!(screen.contains("EXITED 0"), "{screen}");
        assert_eq!(kept(home.path()).len(), left, "{answer}: {screen}");
    }
}
