//! The inspector's Calls view one call a row, against a wiremock server on 127.0.0.1 whose
//! calls have several legs: `g` between calls and legs, → unfolding a call's legs, Enter on a
//! leg, `t`, Space and `s` copying one ticket bundle for two calls, `w` writing the copy to a
//! file, a call word refused by leg, and the view's snapshots.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use common::harness::{Harness, now};

const LIST: &str = "/api/voice/logs";

fn id(n: u32) -> String {
    format!("{n:08x}-0000-4000-8000-{n:012x}")
}

/// A leg `mins` minutes (and `secs` seconds) before the harness's now.
fn leg(n: u32, parent: u32, mins: i64, secs: i64, extra: Value) -> Value {
    let mut v = json!({
        "id": id(n),
        "parent_id": if parent == 0 { Value::Null } else { json!(id(parent)) },
        "type": "relay_pstn_call", "from": "+12065553434", "to": "+13105550000",
        "status": "completed", "direction": "outbound", "duration_ms": 20_000, "charge": 0.004,
        "created_at": (now() - chrono::Duration::minutes(mins) + chrono::Duration::seconds(secs))
            .to_rfc3339(),
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut v, extra) {
        o.extend(e);
    }
    v
}

/// Three calls: a LaML call from the number that dialled a PSTN leg that bridged a SIP leg
/// which failed (dropped but billed); a two-leg call to the number; a call of another number.
fn legs() -> Vec<Value> {
    vec![
        leg(
            1,
            0,
            10,
            0,
            json!({"type": "laml_call", "from": "+14155550123", "to": "+12065553434",
                "duration_ms": 12_000, "billing_ms": 60_000, "charge": 0.0095}),
        ),
        leg(2, 1, 10, 1, json!({})),
        leg(
            3,
            2,
            10,
            2,
            json!({"type": "relay_sip_call", "to": "sip:alice@pbx.example.com",
                "status": "failed", "duration_ms": 0, "charge": 0.0}),
        ),
        leg(
            4,
            0,
            40,
            0,
            json!({"from": "+18005550199", "to": "+14155550123", "duration_ms": 95_000,
                "billing_ms": 96_000, "charge": 0.02}),
        ),
        leg(
            5,
            4,
            40,
            1,
            json!({"type": "relay_sip_call", "charge": 0.001}),
        ),
        leg(
            6,
            0,
            70,
            0,
            json!({"from": "+17025550100", "to": "+17025550101", "charge": 0.5}),
        ),
    ]
}

fn page(rows: &[Value]) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"links": {"self": "x"}, "data": rows}))
}

/// A server whose day holds [`legs`] newest first; other days are empty.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    let mut rows = legs();
    rows.reverse();
    Mock::given(method("GET"))
        .and(path(LIST))
        .and(query_param(
            "created_on",
            now().format("%Y-%m-%d").to_string(),
        ))
        .respond_with(page(&rows))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST))
        .respond_with(page(&[]))
        .with_priority(10)
        .mount(&server)
        .await;
    // Each leg by its ID, as opening it and its whole call read it.
    for leg in legs() {
        Mock::given(method("GET"))
            .and(path(format!("{LIST}/{}", leg["id"].as_str().unwrap())))
            .respond_with(ResponseTemplate::new(200).set_body_json(leg))
            .mount(&server)
            .await;
    }
    server
}

fn search(h: &Harness, text: &str) {
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.type_text(text);
    h.press(KeyCode::Enter);
}

/// The session against `server`: its space is the server's host and port, its project
/// `test-project`, and `w` writes into `dir`.
async fn start(server: &MockServer, dir: &std::path::Path, width: u16, height: u16) -> Harness {
    let mut session = Harness::session_against(&server.uri()).await;
    session.settings.endpoint =
        swlog::api::Endpoint::from_base_url(&server.uri()).expect("loopback URL");
    session.settings.project_id = "test-project".to_owned();
    session.settings.download_dir = Some(dir.to_path_buf());
    Harness::start_session(session, width, height, false, None)
}

/// Searches the number and moves into the table.
async fn searched(h: &Harness) -> String {
    search(h, "4155550123");
    h.wait_for("the calls", |s| s.contains("2 calls (5 legs)"))
        .await;
    h.press(KeyCode::Esc);
    h.wait_for("the table focused", |s| s.contains("Space mark"))
        .await
}

/// The line of `screen` holding `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text:?} in\n{screen}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_by_default_g_shows_the_legs_and_back() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let h = start(&server, dir.path(), 140, 40).await;
    let screen = searched(&h).await;
    assert!(screen.contains("· by call"), "{screen}");
    let dropped = line_with(&screen, &id(1)[..8]);
    assert!(
        dropped.contains(" ▸ 3 ") && dropped.contains("failed on SIP call #3"),
        "a row per call with its leg count and outcome: {dropped}"
    );
    assert!(dropped.contains("$0.0135"), "the call's total: {dropped}");
    assert!(
        !screen.contains(&id(6)[..8]),
        "a call of another number is not shown: {screen}"
    );
    let asked = server.received_requests().await.unwrap().len();
    h.press(KeyCode::Char('g'));
    let legs = h.wait_for("the legs", |s| s.contains("· by leg")).await;
    assert!(legs.contains("┌ Calls · legs"), "{legs}");
    assert!(
        legs.contains(&id(1)[..8]) && legs.contains(&id(4)[..8]),
        "the legs that matched: {legs}"
    );
    assert!(
        !legs.contains(&id(3)[..8]),
        "a leg that did not match is not a row: {legs}"
    );
    h.press(KeyCode::Char('g'));
    h.wait_for("the calls again", |s| s.contains("· by call"))
        .await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        asked,
        "switching sends nothing"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_unfolds_the_legs_enter_opens_a_leg_and_t_opens_the_tree() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let h = start(&server, dir.path(), 140, 40).await;
    searched(&h).await;
    h.press(KeyCode::Right);
    let open = h
        .wait_for("the legs unfolded", |s| s.contains(" ▾ 3 "))
        .await;
    let sip = line_with(&open, &id(3)[..8]);
    assert!(
        sip.contains("    · SIP call") && sip.contains("failed"),
        "the SIP leg indented by its depth, not matched: {sip}"
    );
    assert!(
        line_with(&open, "• LaML call").contains(&id(1)[..8]),
        "the root matched the number: {open}"
    );
    // Down three lines: the SIP leg; Enter opens it.
    for _ in 0..3 {
        h.press(KeyCode::Down);
    }
    h.press(KeyCode::Enter);
    h.shown(&id(3)).await;
    h.press(KeyCode::Char('['));
    h.wait_for("the calls again", |s| s.contains(" ▾ 3 ")).await;
    h.press(KeyCode::Left);
    let folded = h.wait_for("folded", |s| s.contains(" ▸ 3 ")).await;
    assert!(!folded.contains(&id(3)[..8]), "{folded}");
    h.press(KeyCode::Char('t'));
    let root = format!("Call {}", id(1));
    h.wait_for("the whole call's tree, from its root", |s| {
        s.contains("┌ Whole call") && s.contains(&root)
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn space_marks_two_calls_s_copies_one_bundle_and_w_writes_it_to_a_file() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let h = start(&server, dir.path(), 140, 40).await;
    searched(&h).await;
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Down);
    h.press(KeyCode::Char(' '));
    h.wait_for("two marked", |s| s.contains("2 marked")).await;
    h.press(KeyCode::Char('s'));
    h.wait_for("the copy said", |s| s.contains("w writes it to a file"))
        .await;
    h.press(KeyCode::Char('w'));
    let said = h
        .wait_for("the file written", |s| s.contains("Wrote the last copy to"))
        .await;
    let (_, clipboard) = h.quit_with_clipboard().await;
    let copies = clipboard.copies();
    let text = copies.last().expect("a copy");
    let host = server.uri().trim_start_matches("http://").to_owned();
    let when = |mins: i64| {
        let t = now() - chrono::Duration::minutes(mins);
        // The harness's clock is in UTC: the time is said once, with its zone.
        t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    };
    assert!(
        text.starts_with("Call 1 of 2: +14155550123 → +12065553434\n"),
        "{text}"
    );
    assert!(
        text.contains("Call 2 of 2: +18005550199 → +14155550123"),
        "{text}"
    );
    assert!(
        text.contains(&format!("Created:    {}", when(10))),
        "{text}"
    );
    assert!(
        text.contains(&format!("Created:    {}", when(40))),
        "{text}"
    );
    assert_eq!(
        text.matches(&format!("Space:      {host}\n")).count(),
        2,
        "the space with its port: {text}"
    );
    assert_eq!(
        text.matches("Project:    test-project\n").count(),
        2,
        "{text}"
    );
    assert!(!text.contains("PTtest"), "never the token: {text}");
    assert!(text.contains("Outcome:    failed on SIP call #3"), "{text}");
    assert!(text.contains("Total:      $0.0135"), "{text}");
    assert!(
        text.contains("(actual 12.000s)") || text.contains("(actual 12s)"),
        "{text}"
    );
    for n in 1..=5 {
        assert!(text.contains(&id(n)), "every ID whole ({n}): {text}");
    }
    assert!(!text.contains(&id(6)), "{text}");
    // The file holds the same text, under a name that says what it is.
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("swlog-ticket-{}T", now().format("%Y-%m-%d")))
            && name.ends_with(".txt"),
        "{name}"
    );
    assert!(said.contains(&name), "the path said: {said}");
    assert_eq!(&std::fs::read_to_string(&files[0]).unwrap(), text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_word_is_refused_by_leg_and_nothing_is_sent() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let h = start(&server, dir.path(), 140, 40).await;
    searched(&h).await;
    let asked = server.received_requests().await.unwrap().len();
    // (`parent:` names a log ID, and text holding one ID is a lookup: the calls view's refusal
    // of it is the query's own test.)
    h.press(KeyCode::Char('g'));
    h.wait_for("the legs", |s| s.contains("· by leg")).await;
    h.press(KeyCode::Char('i'));
    search(&h, "4155550123 charge:>0");
    h.wait_for("a call word refused in legs", |s| {
        s.contains("a word about whole calls: use it in the calls view")
    })
    .await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        asked,
        "nothing sent"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_view_snapshots_folded_and_one_call_unfolded_with_a_marked_call() {
    for (width, height) in [(80, 24), (140, 40)] {
        let server = server().await;
        let dir = tempfile::tempdir().unwrap();
        let h = start(&server, dir.path(), width, height).await;
        let folded = searched(&h).await;
        let folded = folded.replace(&server.uri().replace("http://", ""), "127.0.0.1:PORT");
        insta::assert_snapshot!(format!("calls_folded_{width}x{height}"), folded);
        h.press(KeyCode::Right);
        h.press(KeyCode::Down);
        h.press(KeyCode::Down);
        h.press(KeyCode::Down);
        h.press(KeyCode::Down);
        h.press(KeyCode::Char(' '));
        let unfolded = h
            .wait_for("unfolded and marked", |s| s.contains("1 marked"))
            .await;
        let unfolded = unfolded.replace(&server.uri().replace("http://", ""), "127.0.0.1:PORT");
        insta::assert_snapshot!(format!("calls_unfolded_{width}x{height}"), unfolded);
        h.quit().await;
    }
}
