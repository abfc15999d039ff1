//! The inspector's start-up as `swlog` runs it: the harness builds it through
//! `swlog::cmd::inspect::Startup`, so the settings and what opening the history found reach the
//! screen the way they reach a user's.

// clippy.toml allows `expect` inside #[test] functions only; the helpers here and in `common`
// are test code too, where a failed setup should stop the test with its reason.
#![allow(clippy::expect_used)]

mod common;

use swlog::demo::{DemoOptions, DemoServer};

use common::harness::{Harness, demo_session};

#[tokio::test]
async fn a_damaged_history_is_reported_when_the_inspector_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("history.json"), "{ not json").expect("damage");
    let h = Harness::start_in(dir.path(), 160, 40).await;
    h.wait_for("the history warning", |s| {
        s.contains("History file was damaged")
    })
    .await;
    h.quit().await;
}

#[tokio::test]
async fn escape_sequences_in_the_profile_name_reach_the_screen_escaped() {
    let server = DemoServer::start(DemoOptions::default())
        .await
        .expect("demo server");
    let mut session = demo_session(server, None);
    session.settings.profile = "x\u{1b}]0;PWN\u{7}".to_owned();
    let h = Harness::start_session(session, 120, 40, false, None);
    let screen = h
        .wait_for("the welcome", |s| {
            s.contains("profile x\\u{1b}]0;PWN\\u{7}")
        })
        .await;
    assert!(!screen.contains('\u{1b}'), "{}", screen.escape_debug());
    h.quit().await;
}
