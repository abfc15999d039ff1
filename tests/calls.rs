//! The inspector's Calls view against real servers on 127.0.0.1 (the demo server, wiremock):
//! search → table → open → back with the selection kept, a superseded scan, Esc stopping a
//! scan, a failure mid-scan, narrowing, sorting, the input's hint, and the view's snapshots.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::harness::{Harness, now};

const LIST: &str = "/api/voice/logs";

/// Call `n`'s log ID: the first 8 characters differ from call to call, as real IDs' do, so the
/// short IDs a tight table shows tell the rows apart.
fn id(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

/// Call `n`'s short ID, as a tight table shows it.
fn short(n: u32) -> String {
    id(n)[..8].to_owned()
}

/// A call `mins` minutes before the harness's now.
fn call(n: u32, mins: i64, from: &str, status: &str, duration_ms: i64, charge: f64) -> Value {
    json!({
        "id": id(n), "type": "relay_pstn_call", "from": from, "to": "+12065553434",
        "status": status, "direction": "inbound", "duration_ms": duration_ms, "charge": charge,
        "created_at": (now() - chrono::Duration::minutes(mins)).to_rfc3339(),
    })
}

fn page(rows: &[Value], next: Option<String>) -> ResponseTemplate {
    let mut links = json!({"self": "x"});
    if let Some(n) = next {
        links["next"] = Value::String(n);
    }
    ResponseTemplate::new(200).set_body_json(json!({"links": links, "data": rows}))
}

/// Page one of the test's day (no token) links to page two, answered by `second`; the
/// search's other date (its default window is the last 24 hours) has no rows.
async fn two_pages(server: &MockServer, first: &[Value], second: ResponseTemplate) {
    let next = format!("{}{LIST}?page_token=p2", server.uri());
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .and(query_param(
            "created_on",
            now().format("%Y-%m-%d").to_string(),
        ))
        .respond_with(page(first, Some(next)))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&[], None))
        .with_priority(10)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param("page_token", "p2"))
        .respond_with(second)
        .mount(server)
        .await;
}

fn search(h: &Harness, text: &str) {
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text(text);
    h.press(KeyCode::Enter);
}

/// The short IDs on screen below the input, top to bottom.
fn ids_on(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(3)
        .filter_map(|l| {
            l.split(|c: char| c.is_whitespace() || c == '│')
                .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_hexdigit()))
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_table_open_and_back_with_the_selection_kept() {
    let h = Harness::start(120, 40).await;
    search(&h, "4155550123");
    let screen = h
        .wait_for("the scan to finish", |s| {
            s.contains("calls") && s.contains("· done")
        })
        .await;
    assert!(screen.contains("┌ Calls"), "{screen}");
    let ids = ids_on(&screen);
    assert!(ids.len() >= 3, "{screen}");
    // Esc leaves the input for the table; two rows down is the third call; → unfolds its
    // legs, and Enter on its first leg opens it.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Right);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let record = h
        .wait_for("the third call", |s| s.contains(&format!("┌ {}", ids[2])))
        .await;
    // The record's title holds the whole ID.
    let full = record
        .split(|c: char| c.is_whitespace() || c == '┌')
        .find(|w| w.starts_with(&ids[2]) && uuid::Uuid::try_parse(w).is_ok())
        .expect("the whole ID in the title")
        .to_owned();
    let record = h.shown(&full).await;
    assert!(
        record.contains("Lookups (1)"),
        "opening a row is a lookup: {record}"
    );
    h.press(KeyCode::Char('['));
    h.wait_for("the list again", |s| s.contains("┌ Calls"))
        .await;
    // ← on the leg folds its call and selects it.
    h.press(KeyCode::Left);
    let back = h.wait_for("the call folded", |s| !s.contains("▾")).await;
    assert_eq!(ids_on(&back), ids, "the same rows, no new search");
    h.press(KeyCode::Char('c'));
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('Y'));
    // `L` reopens the list from a record too.
    h.press(KeyCode::Char(']'));
    h.shown(&full).await;
    h.press(KeyCode::Char('L'));
    h.wait_for("the list again", |s| s.contains("┌ Calls"))
        .await;
    h.press(KeyCode::Char('q'));
    let (app, clipboard) = h.exited_with_clipboard().await;
    let copies = clipboard.copies();
    assert_eq!(
        copies.first(),
        Some(&full),
        "back kept the selection on the opened call, and copies the whole ID"
    );
    assert_eq!(copies.len(), 3, "{copies:?}");
    assert!(
        copies[1].ends_with(&full),
        "the row as text ends with its ID: {copies:?}"
    );
    let json: serde_json::Value = serde_json::from_str(&copies[2]).expect("the row as JSON");
    assert_eq!(json["id"], full.as_str());
    assert_eq!(
        app.sidebar().history.entries().len(),
        1,
        "the search is not in the history, the opened call is"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_search_supersedes_the_running_one() {
    let server = MockServer::start().await;
    let first = [call(1, 10, "+15550002000", "completed", 1000, 0.01)];
    // The first search's calls come on the slow second page.
    let late = page(
        &[call(2, 20, "+15550001000", "completed", 1000, 0.01)],
        None,
    )
    .set_delay(Duration::from_millis(1500));
    two_pages(&server, &first, late).await;
    let h = Harness::start_against(&server.uri(), 120, 30).await;
    // Windows within one date: one list stream each.
    search(&h, "5550001 since:2h");
    h.wait_for("the first page", |s| s.contains("1 page ·"))
        .await;
    search(&h, "5550002 since:2h");
    let screen = h
        .wait_for("the second search to finish", |s| {
            s.contains("search: number 5550002") && s.contains("· done")
        })
        .await;
    assert!(screen.contains(&short(1)), "{screen}");
    // The first search's slow page has had time to arrive (both asked for it).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let screen = h.screen();
    assert!(
        !screen.contains(&short(2)),
        "a superseded search's rows never mix in: {screen}"
    );
    assert!(screen.contains("1 call (1 leg)"), "{screen}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_the_scan_and_keeps_the_rows() {
    let server = MockServer::start().await;
    let first = [call(1, 10, "+14155550123", "completed", 1000, 0.01)];
    let slow = page(
        &[call(2, 20, "+14155550123", "completed", 1000, 0.01)],
        None,
    )
    .set_delay(Duration::from_secs(3));
    two_pages(&server, &first, slow).await;
    let h = Harness::start_against(&server.uri(), 120, 30).await;
    // A window within one date: one list stream.
    search(&h, "4155550123 since:2h");
    h.wait_for("the first page", |s| s.contains("1 page ·"))
        .await;
    h.press(KeyCode::Esc); // out of the input
    h.press(KeyCode::Esc); // stops the scan
    let screen = h
        .wait_for("the scan to stop", |s| s.contains("· stopped"))
        .await;
    assert!(
        screen.contains("1 page · 1 log scanned · 1 match"),
        "{screen}"
    );
    assert!(screen.contains(&short(1)), "rows kept: {screen}");
    tokio::time::sleep(Duration::from_millis(3300)).await;
    assert!(
        !h.screen().contains(&short(2)),
        "a stopped scan adds nothing"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_mid_scan_is_shown_with_the_rows_found() {
    let server = MockServer::start().await;
    let first = [call(
        1,
        10,
        "+14155550123\u{1b}[2J",
        "completed",
        1000,
        0.01,
    )];
    let refused =
        ResponseTemplate::new(401).set_body_json(json!({"errors": [{"detail": "Unauthorized"}]}));
    two_pages(&server, &first, refused).await;
    let h = Harness::start_against(&server.uri(), 120, 30).await;
    search(&h, "4155550123");
    let screen = h
        .wait_for("the failure", |s| s.contains("· stopped:"))
        .await;
    assert!(screen.contains(&short(1)), "rows kept: {screen}");
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    h.quit().await;

    // An empty result says so, with the search described.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(&[call(1, 10, "+1999", "completed", 1, 0.0)], None))
        .mount(&server)
        .await;
    let h = Harness::start_against(&server.uri(), 120, 30).await;
    search(&h, "4155550123");
    h.wait_for("no calls", |s| {
        s.contains("no calls match number 4155550123")
    })
    .await;
    h.quit().await;
}

async fn three_calls() -> (MockServer, Harness) {
    three_calls_at(120, 30).await
}

async fn three_calls_at(width: u16, height: u16) -> (MockServer, Harness) {
    let server = MockServer::start().await;
    let rows = [
        call(1, 10, "+14155550123", "completed", 5_000, 0.50),
        call(2, 20, "+14155550123", "busy", 90_000, 0.02),
        call(3, 30, "sip:+14155550123@example.com", "failed", 1_000, 1.25),
    ];
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param(
            "created_on",
            now().format("%Y-%m-%d").to_string(),
        ))
        .respond_with(page(&rows, None))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(&[], None))
        .with_priority(10)
        .mount(&server)
        .await;
    let h = Harness::start_against(&server.uri(), width, height).await;
    search(&h, "4155550123");
    h.wait_for("the scan", |s| s.contains("· done")).await;
    h.press(KeyCode::Down);
    (server, h)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sorting_by_time_duration_and_charge_and_r_searches_again() {
    let (server, h) = three_calls().await;
    assert_eq!(ids_on(&h.screen()), [short(1), short(2), short(3)]);
    h.press(KeyCode::Char('o'));
    let s = h
        .wait_for("by duration", |s| s.contains("longest first"))
        .await;
    assert!(s.contains("DURATION▼"), "{s}");
    assert_eq!(ids_on(&s), [short(2), short(1), short(3)]);
    h.press(KeyCode::Char('o'));
    let s = h
        .wait_for("by charge", |s| s.contains("costliest first"))
        .await;
    assert_eq!(ids_on(&s), [short(3), short(1), short(2)]);
    // `r` runs the same search again.
    h.press(KeyCode::Char('r'));
    for _ in 0..200 {
        if server.received_requests().await.unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    h.wait_for("the search again", |s| s.contains("· done"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_narrows_the_loaded_rows_without_a_request() {
    let (server, h) = three_calls().await;
    let asked = server.received_requests().await.unwrap().len();
    h.press(KeyCode::Char('/'));
    h.type_text("BUSY");
    let s = h.wait_for("narrowed", |s| s.contains("(1 of 3)")).await;
    assert_eq!(ids_on(&s), [short(2)]);
    h.press(KeyCode::Enter);
    h.press(KeyCode::Esc);
    let s = h.wait_for("cleared", |s| !s.contains("of 3)")).await;
    assert_eq!(ids_on(&s).len(), 3);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        asked,
        "narrowing sends nothing"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hint_says_what_enter_will_do() {
    let h = Harness::start(120, 30).await;
    h.type_text("b7182dc2-00f3-40e4-a5ce-20f164b329df");
    h.wait_for("an ID", |s| s.contains("✓ valid ID")).await;
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text("4155550123 status:failed since:2h");
    h.wait_for("a search, its window as typed", |s| {
        s.contains("search: number 4155550123 · status failed · since 2h")
    })
    .await;
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text("since:banana");
    h.wait_for("a parse error", |s| {
        s.contains("✗ cannot understand \"since:banana\"")
    })
    .await;
    h.press(KeyCode::Enter);
    let s = h
        .wait_for("the error said", |s| s.contains("in the search"))
        .await;
    assert!(!s.contains("┌ Calls"), "nothing sent: {s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hint_names_a_misspelt_key_as_it_is_typed() {
    let h = Harness::start(120, 30).await;
    h.type_text("stauts:failed");
    h.wait_for("the misspelt key named", |s| {
        s.contains("✗ cannot understand \"stauts:failed\" in the search: did you mean status:?")
    })
    .await;
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text("sip:agent1@pbx");
    let s = h
        .wait_for("a SIP address is a search", |s| {
            s.contains("search: \"sip:agent1@pbx\"")
        })
        .await;
    assert!(!s.contains("cannot understand"), "{s}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_view_snapshots() {
    for (width, height) in [(80, 24), (120, 40)] {
        let server = MockServer::start().await;
        let rows = [
            call(1, 10, "+14155550123", "completed", 65_000, 0.0123),
            call(2, 75, "+18005550199", "busy", 0, 0.0),
            call(
                3,
                200,
                "sip:+14155550123@pbx.example.com",
                "failed",
                1_200,
                0.004,
            ),
            call(4, 1500, "whatsapp:+14155550123", "no-answer", 30_000, 0.25),
        ];
        Mock::given(method("GET"))
            .and(path(LIST))
            .respond_with(page(&rows, None))
            .mount(&server)
            .await;
        let h = Harness::start_against(&server.uri(), width, height).await;
        search(&h, "4155550123");
        h.wait_for("the scan", |s| s.contains("· done")).await;
        h.press(KeyCode::Esc);
        h.press(KeyCode::Down);
        let screen = h
            .wait_for("the table focused", |s| s.contains("Space mark"))
            .await;
        insta::assert_snapshot!(format!("calls_{width}x{height}"), screen);
        h.quit().await;
    }
}

/// The list of calls takes the sidebar's room, but Tab still reaches the sidebar (shown while
/// it has focus), and `[` from a first search goes back to the start screen (it once said
/// "Nothing to go back to", and Tab only went between the input and the list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tab_reaches_the_sidebar_from_the_calls_and_back_goes_to_the_start() {
    let (_server, h) = three_calls_at(80, 24).await;
    let screen = h.screen();
    assert!(!screen.contains("┌ Lookups"), "{screen}");
    // From the table: Tab to the input, Tab to the sidebar.
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    let screen = h
        .wait_for("the sidebar beside the list", |s| {
            s.contains("┌ Lookups") && s.contains("┌ Calls")
        })
        .await;
    insta::assert_snapshot!("calls_sidebar_focused_80x24", screen);
    // Shift-Tab back to the input: the list has its room again.
    h.send(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    h.wait_for("the list alone", |s| {
        !s.contains("┌ Lookups") && s.contains("┌ Calls")
    })
    .await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('['));
    h.wait_for("the start screen", |s| {
        s.contains("Paste a log ID") && !s.contains("┌ Calls")
    })
    .await;
    h.press(KeyCode::Char(']'));
    h.wait_for("the list again", |s| s.contains("┌ Calls"))
        .await;
    h.quit().await;
}
