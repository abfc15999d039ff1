//! Live refresh is for calls that can still be live, and a refresh keeps the history's order:
//! through the real loop on a `TestBackend` against the demo server (or wiremock).

mod common;

use std::time::Duration;

use common::harness::Harness;
use crossterm::event::KeyCode;
use swlog::demo::ids;

/// A video leg still `joined` a day after it started (the harness's "now" is 2026-11-25
/// 17:00; it started 2026-11-24 16:00 and says it lasted 28 minutes).
const VIDEO_JOINED: &str = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c51";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_not_final_long_past_any_call_is_not_refreshed() {
    let h = Harness::start_live(120, 40, Duration::from_secs(60), Duration::from_millis(50)).await;
    let screen = h.look_up(VIDEO_JOINED).await;
    assert!(
        screen.contains("● joined  not final after 1d 0h — not refreshing"),
        "{screen}"
    );
    assert!(!screen.contains("◉ LIVE"), "{screen}");
    // A call in progress for two hours is still refreshed.
    let screen = h.look_up(ids::LIVE).await;
    assert!(screen.contains("◉ LIVE"), "{screen}");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('['));
    h.shown(VIDEO_JOINED).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let app = h.quit().await;
    assert_eq!(
        app.live().next,
        None,
        "no refresh is scheduled for the stale call"
    );
    assert!(app.in_flight().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_still_refreshes_a_stale_call_by_hand() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let body: serde_json::Value =
        serde_json::from_str(include_str!("../assets/demo/video-pstn-joined.json")).unwrap();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    let h = Harness::start_against(&server.uri(), 120, 40).await;
    h.look_up(VIDEO_JOINED).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('r'));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while server.received_requests().await.unwrap_or_default().len() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "r sent no request");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let app = h.quit().await;
    assert_eq!(app.sidebar().history.entries().len(), 1);
}

/// Where `text` first shows in the sidebar's column.
fn row_of(screen: &str, text: &str) -> Option<usize> {
    screen
        .lines()
        .position(|l| l.chars().take(40).collect::<String>().contains(text))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_keeps_the_entry_in_its_place_and_an_unchanged_one_leaves_the_history_alone() {
    let h = Harness::start_live(
        120,
        40,
        Duration::from_millis(1500),
        Duration::from_millis(50),
    )
    .await;
    h.look_up(ids::LIVE).await;
    h.look_up(ids::CHAIN_ROOT).await;
    // Back to the live call: it is refreshed every 50 ms while the root stays on top.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('['));
    h.shown(ids::LIVE).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let screen = h.screen();
    let (root, live) = (
        row_of(&screen, "+12065551212"),
        row_of(&screen, "+13035550111"),
    );
    assert!(
        root.is_some() && live.is_some() && root < live,
        "unchanged refreshes moved nothing\n{screen}"
    );
    let screen = h
        .wait_for("the call to complete", |s| {
            s.contains("● completed") && !s.contains("in-progress")
        })
        .await;
    let (root, live) = (
        row_of(&screen, "+12065551212"),
        row_of(&screen, "+13035550111"),
    );
    assert!(
        root < live,
        "the changed entry stayed in its place\n{screen}"
    );
    assert!(
        screen.contains("completed · +13035550111"),
        "the entry says what the refresh found\n{screen}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_live_call_starts_minutes_ago_so_it_is_live_on_any_day() {
    let started = common::harness::now() - chrono::Duration::minutes(2);
    let options = swlog::demo::DemoOptions {
        live_started: Some(started),
        ..swlog::demo::DemoOptions::default()
    };
    let h = Harness::start_with(120, 40, options, None).await;
    let screen = h.look_up(ids::LIVE).await;
    assert!(
        screen.contains("◉ LIVE") && screen.contains("2026-11-25 16:58:00 UTC · 2m ago"),
        "{screen}"
    );
    h.quit().await;
}
