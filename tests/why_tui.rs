//! Why it went wrong, in the inspector, through the real loop on a `TestBackend` against the
//! demo server: a LaML record's outcome and quality block loaded after the record, flagged
//! words said in words (so NO_COLOR loses nothing) and in colour, the whole call's clauses, and
//! `w` saving the selected recording into the download directory.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::harness::{Harness, buffer_text, demo_session};
use crossterm::event::KeyCode;
use ratatui::style::Color;
use swlog::demo::{DemoOptions, DemoServer, ids};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const BUSY: &str = "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1";

/// Scrolls the detail pane down until `what` is on screen.
async fn scroll_to(h: &Harness, what: &str) -> String {
    for _ in 0..40 {
        if h.screen().contains(what) {
            break;
        }
        h.press(KeyCode::Char('j'));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    h.wait_for(what, |s| s.contains(what)).await
}

/// The detail pane, which a lookup focuses.
async fn focus_detail(h: &Harness) {
    h.wait_for("the detail focused", |s| s.contains("t whole call"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quality_block_shows_under_the_fields_with_and_without_colour() {
    for color in [false, true] {
        for (width, height) in SIZES {
            let h = if color {
                Harness::start_colored(width, height).await
            } else {
                Harness::start(width, height).await
            };
            h.look_up(ids::CHAIN_ROOT).await;
            focus_detail(&h).await;
            let screen = scroll_to(&h, "210 packets lost").await;
            for words in [
                "Outcome and quality",
                "MOS 3.3 (poor)",
                "jitter 45 ms (high)",
            ] {
                assert!(screen.contains(words), "{words}\n{screen}");
            }
            let buffer = h.buffer();
            let coloured = buffer
                .content()
                .iter()
                .any(|c| c.fg == Color::Red || c.fg == Color::LightRed);
            assert_eq!(
                coloured, color,
                "flagged words in colour only with colour\n{screen}"
            );
            let name = if color { "color" } else { "no_color" };
            insta::assert_snapshot!(format!("why_record_{name}_{width}x{height}"), screen);
            h.quit().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_call_shows_its_sip_result_and_a_pstn_leg_shows_no_block() {
    let h = Harness::start(120, 40).await;
    // How long the block takes after the record, reported (not asserted: no timed assertions).
    let started = std::time::Instant::now();
    h.send(crossterm::event::Event::Paste(BUSY.to_owned()));
    h.press(KeyCode::Enter);
    h.wait_for("the record", |s| s.contains("Compatibility (LaML) call"))
        .await;
    let record = started.elapsed();
    h.wait_for("the block", |s| s.contains("486 Busy Here"))
        .await;
    eprintln!(
        "record on screen after {record:?}, its quality block {:?} later",
        started.elapsed() - record
    );
    let screen = h.look_up(BUSY).await;
    assert!(
        screen.contains("486 Busy Here: the callee was busy"),
        "{screen}"
    );
    let screen = h.look_up(ids::CHAIN_CHILD).await;
    assert!(
        !screen.contains("Outcome and quality"),
        "not asked for a PSTN leg\n{screen}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_call_names_each_legs_clause() {
    for color in [false, true] {
        for (width, height) in SIZES {
            let h = if color {
                Harness::start_colored(width, height).await
            } else {
                Harness::start(width, height).await
            };
            h.look_up(ids::CHAIN_ROOT).await;
            h.press(KeyCode::Esc);
            h.press(KeyCode::Char('t'));
            h.wait_for("the call", |s| s.contains("5 legs")).await;
            // The clauses are under the tree and its total: page down to them.
            for _ in 0..4 {
                if h.screen().contains("• answered by a machine") {
                    break;
                }
                h.press(KeyCode::PageDown);
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            }
            let screen = h
                .wait_for("the call's clauses", |s| {
                    s.contains("answered by a machine on LaML call #1") && !s.contains("asking the")
                })
                .await;
            let name = if color { "color" } else { "no_color" };
            insta::assert_snapshot!(format!("why_call_{name}_{width}x{height}"), screen);
            h.quit().await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn w_saves_the_selected_recording_into_the_download_dir() {
    let dir = tempfile::tempdir().unwrap();
    let server = DemoServer::start(DemoOptions::default()).await.unwrap();
    let mut session = demo_session(server, None);
    session.settings.download_dir = Some(dir.path().to_path_buf());
    let h = Harness::start_session(session, 120, 40, false, None);
    h.look_up(ids::CHAIN_ROOT).await;
    focus_detail(&h).await;
    scroll_to(&h, "D save the selected recording").await;
    // Select the recording's row: the last row of the block.
    h.press(KeyCode::Char('G'));
    for _ in 0..12 {
        h.press(KeyCode::Char('k'));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let buffer = h.buffer();
        let selected = buffer_text(&buffer);
        if selected.contains("recordings  7e3c") {
            break;
        }
    }
    h.press(KeyCode::Char('D'));
    let screen = h.wait_for("saved", |s| s.contains("Saved ")).await;
    let saved = dir
        .path()
        .join(format!("{}.wav", swlog::demo::compat::RECORDING));
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        swlog::demo::compat::wav(),
        "{screen}"
    );
    // Again: the file is there, and is not overwritten.
    std::fs::write(&saved, b"kept").unwrap();
    h.press(KeyCode::Char('D'));
    h.wait_for("skipped", |s| s.contains("not overwritten"))
        .await;
    assert_eq!(std::fs::read(&saved).unwrap(), b"kept");
    h.quit().await;
}

/// A LaML call's Compatibility record, once the call is over and settled, is kept on disk: a
/// second inspector session on the same index shows it without asking the Compatibility API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settled_record_kept_on_disk_shows_in_a_new_session_without_a_request() {
    use serde_json::json;
    use swlog::api::paths::compat;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let log = json!({"id": common::id(1), "type": "laml_call", "status": "completed",
                     "duration_ms": 30_000, "url": null, "parent_id": null});
    let ended = (chrono::Utc::now() - chrono::TimeDelta::days(1)).to_rfc2822();
    let record = json!({"sid": common::id(1), "status": "completed", "sip_result_code": "200",
                        "answered_by": "human", "end_time": ended});
    let recordings = json!({"recordings": []});
    for (at, body) in [
        (common::log_path(&common::id(1)), log),
        (compat::call(common::PROJECT, common::id(1)), record),
        (
            compat::call_recordings(common::PROJECT, common::id(1)),
            recordings,
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"),
            )
            .mount(&server)
            .await;
    }
    let asked = || async {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path().starts_with(compat::ROOT))
            .count()
    };
    let dir = tempfile::tempdir().unwrap();
    for round in 0..2 {
        let demo = DemoServer::start(DemoOptions::default()).await.unwrap();
        let mut session = demo_session(demo, None);
        session.client = common::client_at(&server.uri());
        session.index = swlog::search::IndexHandle::at(dir.path().join("index.db"));
        let h = Harness::start_session(session, 120, 40, false, None);
        h.look_up(&common::id(1)).await;
        let screen = h.wait_for("who answered", |s| s.contains("a human")).await;
        assert!(screen.contains("200 OK"), "{screen}");
        assert_eq!(
            asked().await,
            2,
            "round {round}: the record and its recordings, once"
        );
        h.quit().await;
    }
}
