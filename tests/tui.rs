//! The inspector end to end: the real loop on a `TestBackend`, scripted keys, the demo server.

mod common;

use std::time::Duration;

use common::harness::{Harness, buffer_text};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use swlog::demo::{DemoOptions, RECORDS, SHOWCASE, ids};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn id_of(name: &str) -> String {
    swlog::demo::id_of(name).unwrap_or_else(|| panic!("no demo record {name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_demo_record_renders_at_both_sizes() {
    for (width, height) in SIZES {
        let h = Harness::start(width, height).await;
        for (name, _) in RECORDS {
            let id = id_of(name);
            let screen = h.look_up(&id).await;
            assert!(screen.contains(&id), "{name}: the ID is shown\n{screen}");
            insta::assert_snapshot!(format!("record_{name}_{width}x{height}"), screen);
        }
        h.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_renders_at_both_sizes() {
    for (width, height) in SIZES {
        let h = Harness::start(width, height).await;
        for (name, id) in [
            ("not_found", ids::NOT_FOUND),
            ("unprocessable", ids::UNPROCESSABLE),
            ("server_error", ids::SERVER_ERROR),
        ] {
            let screen = h.look_up(id).await;
            assert!(screen.contains('✗'), "{name}: an error is shown\n{screen}");
            insta::assert_snapshot!(format!("error_{name}_{width}x{height}"), screen);
        }
        let screen = h.look_up("ticket 4521: b7182dc2-00f3-40e4-a5ce-20f164b329df or c5e7a9b1-3d5f-4a7c-9e1b-5f7a9c1e3d31?").await;
        insta::assert_snapshot!(format!("error_bad_id_{width}x{height}"), screen);
        h.quit().await;

        let h = Harness::start_with(width, height, DemoOptions::default(), Some("PTwrong")).await;
        let screen = h.look_up(ids::CHAIN_ROOT).await;
        assert!(!screen.contains("PTwrong"), "the token is never shown");
        insta::assert_snapshot!(format!("error_unauthorized_{width}x{height}"), screen);
        h.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welcome_and_help_screens() {
    for (width, height) in SIZES {
        let h = Harness::start(width, height).await;
        let screen = h
            .wait_for("the welcome", |s| s.contains("Demo logs to try"))
            .await;
        insta::assert_snapshot!(format!("welcome_{width}x{height}"), screen);
        h.press(KeyCode::F(1));
        let screen = h
            .wait_for("the help", |s| {
                s.contains("any key closes this help") || s.contains("Esc closes")
            })
            .await;
        insta::assert_snapshot!(format!("help_{width}x{height}"), screen);
        h.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parent_then_back_then_forward() {
    let h = Harness::start(120, 40).await;
    let screen = h.look_up(ids::CHAIN_GRANDCHILD).await;
    assert!(
        screen.contains("LaML call → PSTN call → this leg"),
        "the chain breadcrumb\n{screen}"
    );
    h.press(KeyCode::Esc);
    // The chain lists the parents first leg first: the LaML root, then the PSTN parent.
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h.shown(ids::CHAIN_CHILD).await;
    assert!(screen.contains("Relay PSTN call"), "{screen}");
    h.press(KeyCode::Char('['));
    let screen = h.shown(ids::CHAIN_GRANDCHILD).await;
    assert!(
        screen.contains("Relay SIP call"),
        "back shows the child again\n{screen}"
    );
    h.send(Event::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::ALT)));
    h.shown(ids::CHAIN_CHILD).await;
    let app = h.quit().await;
    assert_eq!(app.nav().depth(), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_lookup_superseded_by_a_new_one_is_never_shown() {
    let h = Harness::start_with(
        120,
        40,
        DemoOptions {
            slow: Duration::from_millis(400),
            ..DemoOptions::default()
        },
        None,
    )
    .await;
    h.send(Event::Paste(ids::SLOW.to_owned()));
    h.press(KeyCode::Enter);
    h.wait_for("the slow lookup to start", |s| s.contains("Fetching"))
        .await;
    h.look_up(ids::CHAIN_ROOT).await;
    // Well past the slow answer's time.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let screen = h.screen();
    assert!(
        screen.contains(&format!("┌ {} ", ids::CHAIN_ROOT)),
        "the newer lookup stays\n{screen}"
    );
    assert!(
        !screen.contains(ids::SLOW),
        "the superseded lookup never shows\n{screen}"
    );
    let app = h.quit().await;
    assert_eq!(
        app.sidebar().len(),
        1,
        "the cancelled lookup is not recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resizing_to_tiny_sizes_does_not_panic() {
    let h = Harness::start(80, 24).await;
    h.look_up(ids::CHAIN_ROOT).await;
    for (w, h_) in [
        (1, 1),
        (20, 5),
        (0, 0),
        (79, 24),
        (3, 40),
        (200, 2),
        (80, 24),
    ] {
        h.resize(w, h_);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('v'));
    h.resize(20, 5);
    h.press(KeyCode::F(1));
    h.resize(1, 1);
    tokio::time::sleep(Duration::from_millis(50)).await;
    h.resize(80, 24);
    let screen = h.wait_for("a full redraw", |s| s.contains("Keys")).await;
    assert!(screen.lines().count() == 24);
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrow_terminals_hide_the_sidebar() {
    let h = Harness::start(79, 24).await;
    let screen = h.look_up(ids::CHAIN_ROOT).await;
    assert!(!screen.contains("Lookups"), "{screen}");
    h.resize(80, 24);
    let screen = h
        .wait_for("the sidebar", |s| s.contains("Lookups (1)"))
        .await;
    assert!(screen.contains("Compatibility (LaML) call"));
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_json_view_toggles_and_scrolls() {
    let h = Harness::start(100, 30).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('v'));
    let screen = h.wait_for("the raw view", |s| s.contains("Raw JSON")).await;
    assert!(screen.contains("\"charge_details\": ["), "{screen}");
    insta::assert_snapshot!("raw_json_100x30", screen);
    h.press(KeyCode::Char('G'));
    let screen = h
        .wait_for("the end of the body", |s| s.contains("\"parent_id\": null"))
        .await;
    assert!(
        !screen.contains("\"from\""),
        "scrolled past the top\n{screen}"
    );
    h.press(KeyCode::Char('v'));
    h.wait_for("the fields again", |s| s.contains("Parent leg"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn welcome_demo_ids_open_with_enter() {
    let h = Harness::start(120, 40).await;
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    let screen = h.shown(SHOWCASE[0].0).await;
    assert!(screen.contains("Relay SIP call"), "{screen}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_server_string_puts_a_control_character_on_screen() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let hostile = serde_json::json!({
        "id": "b7182dc2-00f3-40e4-a5ce-20f164b329df", "type": "relay_pstn_call",
        "from": "\u{1b}]52;c;cHduZWQ=\u{7}", "to": "\u{1b}[2J\u{1b}[H+1555", "status": "\u{9b}31mcompleted",
        "direction": "in\u{8}\u{8}out", "source": "\u{202e}lmal", "charge": 0.01,
        "charge_details": [{"description": "\u{1b}[5mblink", "charge": 0.01}],
        "created_at": "2026-11-25T14:00:00Z", "url": "\u{7}", "parent_id": "\u{1b}P",
        "extra\u{1b}key": "\u{0}\u{1f}\u{7f}", "nested": {"x": "\u{1b}c"}
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&hostile))
        .mount(&server)
        .await;
    for raw in [false, true] {
        let h = common::harness::Harness::start_against(&server.uri(), 120, 40).await;
        h.look_up("b7182dc2-00f3-40e4-a5ce-20f164b329df").await;
        if raw {
            h.press(KeyCode::Esc);
            h.press(KeyCode::Char('v'));
            h.wait_for("the raw view", |s| s.contains("Raw JSON")).await;
        }
        let buffer = h.buffer();
        for cell in buffer.content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "control character {:?} on screen:\n{}",
                cell.symbol(),
                buffer_text(&buffer)
            );
        }
        assert!(
            buffer_text(&buffer).contains("\\u{1b}") || buffer_text(&buffer).contains("\\u001b")
        );
        h.quit().await;
    }
}

fn mouse(kind: crossterm::event::MouseEventKind, column: u16, row: u16) -> Event {
    Event::Mouse(crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_sidebar_entry_opens_it_and_the_wheel_scrolls() {
    use crossterm::event::{MouseButton, MouseEventKind};
    let h = Harness::start(80, 24).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.look_up(ids::CHAIN_CHILD).await;
    // The sidebar lists the child (rows 4-5), then the root (rows 6-7).
    h.send(mouse(MouseEventKind::Down(MouseButton::Left), 5, 6));
    let screen = h.shown(ids::CHAIN_ROOT).await;
    assert!(screen.contains("LaML call"), "{screen}");
    assert!(
        !screen.contains("Inbound Voice Minutes"),
        "the breakdown starts below the fold\n{screen}"
    );
    for _ in 0..3 {
        h.send(mouse(MouseEventKind::ScrollDown, 50, 10));
    }
    let screen = h
        .wait_for("the breakdown", |s| s.contains("Call Recording"))
        .await;
    assert!(
        !screen.contains("inbound · laml"),
        "the header scrolled away\n{screen}"
    );
    // A click in the input focuses it: typing goes there.
    h.send(mouse(MouseEventKind::Down(MouseButton::Left), 40, 1));
    h.press(KeyCode::End);
    h.type_text("x");
    h.wait_for("the typed character", |s| {
        s.contains(&format!("{}x", ids::CHAIN_ROOT))
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colour_only_when_asked_for() {
    use ratatui::style::Color;
    for colored in [false, true] {
        let h = if colored {
            Harness::start_colored(100, 30).await
        } else {
            Harness::start(100, 30).await
        };
        let screen = h.look_up(ids::CHAIN_ROOT).await;
        let buffer = h.buffer();
        let coloured_cells = buffer
            .content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count();
        if colored {
            let y = screen
                .lines()
                .position(|l| l.contains("● completed"))
                .unwrap();
            let x = screen
                .lines()
                .nth(y)
                .unwrap()
                .chars()
                .position(|c| c == '●')
                .unwrap();
            let cell = buffer
                .cell((u16::try_from(x).unwrap(), u16::try_from(y).unwrap()))
                .unwrap();
            assert_eq!(cell.fg, Color::Green, "a completed call is green");
        } else {
            assert_eq!(coloured_cells, 0, "NO_COLOR: not one coloured cell");
        }
        h.quit().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_move_focus_between_panes() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('i'));
    h.type_text("zz");
    h.wait_for("typing in the input after i", |s| {
        s.contains(&format!("{}zz", ids::CHAIN_ROOT))
    })
    .await;
    h.press(KeyCode::Tab);
    // In the sidebar, q quits.
    h.press(KeyCode::Char('q'));
    let app = h.exited().await;
    assert_eq!(app.focus(), swlog::app::Focus::Sidebar);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_call_refreshes_in_place_until_it_is_final() {
    let h = Harness::start_live(
        120,
        40,
        Duration::from_millis(500),
        Duration::from_millis(100),
    )
    .await;
    let screen = h.look_up(ids::LIVE).await;
    assert!(
        screen.contains("● in-progress") && screen.contains("◉ LIVE"),
        "{screen}"
    );
    // Move the selection: a refresh must not lose it.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    let screen = h
        .wait_for("the call to complete", |s| s.contains("● completed"))
        .await;
    assert!(
        !screen.contains("◉ LIVE"),
        "refreshing stops once the status is final\n{screen}"
    );
    assert!(
        screen.contains("Inbound Voice Minutes"),
        "the new charge shows\n{screen}"
    );
    let app = h.quit().await;
    assert_eq!(
        app.detail_selected(),
        2,
        "the selection survived the refresh"
    );
    assert_eq!(app.live().next, None);
    assert_eq!(app.nav().depth(), (0, 0), "a refresh is not a visit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l_turns_live_refresh_off() {
    let h = Harness::start_live(
        120,
        40,
        Duration::from_millis(300),
        Duration::from_millis(100),
    )
    .await;
    h.look_up(ids::LIVE).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('l'));
    h.wait_for("the live mark to go", |s| s.contains("live refresh off"))
        .await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    let screen = h.screen();
    assert!(
        screen.contains("● in-progress"),
        "no refresh happened while off\n{screen}"
    );
    h.press(KeyCode::Char('l'));
    h.wait_for("the refresh to resume and the call to complete", |s| {
        s.contains("● completed")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_timeline_opens_with_e_and_unfolds_details() {
    let h = Harness::start(120, 40).await;
    h.look_up("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1").await; // the busy call
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('e'));
    let screen = h
        .wait_for("the timeline", |s| {
            s.contains("· Events") && s.contains("+00.000s")
        })
        .await;
    assert!(
        screen.contains("error"),
        "the busy call has an error event\n{screen}"
    );
    insta::assert_snapshot!("events_busy_120x40", screen);
    // Unfold the last event: its details as pretty JSON.
    h.press(KeyCode::Char('G'));
    h.press(KeyCode::Enter);
    h.wait_for("the unfolded details", |s| s.contains("\"sip_code\": 486"))
        .await;
    h.press(KeyCode::Char('s'));
    h.wait_for("the timeline copied", |s| s.contains("Copied the timeline"))
        .await;
    // A leg without events says so.
    h.press(KeyCode::Char('e'));
    h.look_up(ids::NOT_FOUND).await;
    h.look_up("6d8f0b2d-4f6b-4d8f-8b0d-2f4b6d8f0b71").await; // Dialogflow: no events
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('e'));
    h.wait_for("no events", |s| {
        s.contains("No events recorded for this leg")
    })
    .await;
    let (_, clipboard) = h.quit_with_clipboard().await;
    assert!(
        clipboard.copies()[0].contains("+00.000s"),
        "{:?}",
        clipboard.copies()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_root_lists_known_children_which_open_with_enter() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_GRANDCHILD).await;
    let screen = h.look_up(ids::CHAIN_ROOT).await;
    assert!(
        screen.contains("this is the first leg → 1 known child leg"),
        "{screen}"
    );
    h.press(KeyCode::Esc);
    h.press(KeyCode::Enter);
    let screen = h.shown(ids::CHAIN_CHILD).await;
    assert!(
        screen.contains("LaML call → this leg → 1 known child leg"),
        "{screen}"
    );
    h.quit().await;
}

/// The help lists the keys of the pane that has the focus, from the same table the keys are
/// resolved with, and fits 80x24 in every pane.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_shows_the_keys_of_the_focused_pane() {
    let h = Harness::start(80, 24).await;
    h.look_up("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1").await; // the busy call
    h.press(KeyCode::Esc);
    h.press(KeyCode::F(1));
    let screen = h
        .wait_for("the detail help", |s| s.contains("Esc closes"))
        .await;
    // The focused pane's keys first; every pane's follow, further down.
    assert!(first_help_group(&screen).starts_with("Detail"), "{screen}");
    assert!(screen.contains("open the link"), "{screen}");
    insta::assert_snapshot!("help_detail_80x24", screen);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('e'));
    h.wait_for("the timeline", |s| s.contains("+00.000s")).await;
    h.press(KeyCode::Char('?'));
    let screen = h
        .wait_for("the events help", |s| s.contains("unfold, fold"))
        .await;
    assert!(
        first_help_group(&screen).starts_with("Events timeline"),
        "{screen}"
    );
    assert!(screen.contains("PgDn, Space"), "{screen}");
    insta::assert_snapshot!("help_events_80x24", screen);
    h.press(KeyCode::Esc);
    h.press(KeyCode::BackTab);
    h.press(KeyCode::Char('?'));
    let screen = h
        .wait_for("the sidebar help", |s| s.contains("undo the delete"))
        .await;
    insta::assert_snapshot!("help_sidebar_80x24", screen);
    h.quit().await;
}

/// The first heading of the help overlay: the line below its top border, inside it.
fn first_help_group(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.contains("┌ Keys"))
        .nth(1)
        .unwrap_or_default()
        .trim_matches(|c: char| c == '│' || c == '└' || c == '┌' || c.is_whitespace())
        .to_owned()
}

/// The screen's line that holds `label`, or an empty string.
fn line_with<'s>(screen: &'s str, label: &str) -> &'s str {
    screen.lines().find(|l| l.contains(label)).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_says_the_time_once_when_the_zone_is_utc() {
    // The harness's clock is in UTC, as a user's with TZ=UTC is.
    let h = Harness::start(120, 40).await;
    let screen = h.look_up(ids::CHAIN_ROOT).await;
    let created = line_with(&screen, "Created");
    assert!(
        created.contains("2026-11-25 14:02:11 UTC") && !created.contains("+00:00"),
        "one time, in UTC\n{screen}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_parent_leg_is_named_once_when_the_chain_shows_it() {
    let h = Harness::start(120, 40).await;
    let screen = h.look_up(ids::CHAIN_GRANDCHILD).await;
    let screen = if screen.contains("↑ parent") {
        screen
    } else {
        h.wait_for("the chain", |s| s.contains("↑ parent")).await
    };
    assert_eq!(
        screen.matches(ids::CHAIN_CHILD).count(),
        1,
        "the parent's ID is said once, on its chain row\n{screen}"
    );
    assert!(!screen.contains("Parent leg"), "{screen}");
    // That row is the link: Enter on it opens the parent (rows: LaML root, then PSTN parent).
    h.press(KeyCode::Esc);
    h.press(KeyCode::Down);
    h.press(KeyCode::Enter);
    h.shown(ids::CHAIN_CHILD).await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_names_the_space_once() {
    let h = Harness::start(120, 40).await;
    let screen = h
        .wait_for("the welcome", |s| s.contains("Demo logs to try"))
        .await;
    assert_eq!(
        screen
            .to_lowercase()
            .matches("space demo · project")
            .count(),
        1,
        "{screen}"
    );
    // Once a record is shown, the status bar says which profile and space lookups go to.
    let screen = h.look_up(ids::CHAIN_ROOT).await;
    assert!(screen.contains("profile demo · space demo"), "{screen}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_json_says_whose_body_and_shows_the_events_in_the_events_view() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('v'));
    let log_title = format!("Raw JSON · log {}", ids::CHAIN_ROOT);
    let screen = h
        .wait_for("the log's raw JSON", |s| s.contains("\"id\""))
        .await;
    assert!(screen.contains(&log_title), "{screen}");
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('e'));
    h.wait_for("the timeline", |s| s.contains("+00.000s")).await;
    h.press(KeyCode::Char('v'));
    let events_title = format!("Raw JSON · events of {}", ids::CHAIN_ROOT);
    let screen = h
        .wait_for("the events' raw JSON", |s| s.contains(&events_title))
        .await;
    assert!(
        screen.contains("\"data\": [") && screen.contains("\"calling_call_initiated\""),
        "the events' body\n{screen}"
    );
    assert!(
        !screen.contains("\"charge_details\""),
        "not the log's\n{screen}"
    );
    h.press(KeyCode::Char('v'));
    h.wait_for("the timeline again", |s| s.contains("+00.000s"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_says_that_it_refreshes_and_what_it_found() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('r'));
    let screen = h
        .wait_for("the refresh's result", |s| {
            s.contains("Refreshed 3f2b9e1c…: no change")
        })
        .await;
    assert!(
        !screen.contains("Refreshing"),
        "the result replaces the notice\n{screen}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_lookup_opens_on_the_fields_and_the_title_says_so() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('e'));
    h.wait_for("the timeline", |s| s.contains("· Events")).await;
    h.press(KeyCode::Char('i'));
    let screen = h.look_up(ids::CHAIN_CHILD).await;
    let title = format!("┌ {} · Fields ", ids::CHAIN_CHILD);
    assert!(
        screen.contains(&title) && !screen.contains("· Events"),
        "the new lookup shows its fields\n{screen}"
    );
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_lists_the_whole_chain_and_every_hint_whole_at_120_columns() {
    let h = Harness::start(120, 40).await;
    let screen = h
        .wait_for("the welcome", |s| s.contains("Demo logs to try"))
        .await;
    for id in [ids::CHAIN_ROOT, ids::CHAIN_CHILD, ids::CHAIN_GRANDCHILD] {
        assert!(screen.contains(id), "{id} is listed\n{screen}");
    }
    for (id, what) in SHOWCASE {
        assert!(
            screen.contains(&format!("{id} {what}")),
            "{id}'s hint is whole\n{screen}"
        );
    }
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_wraps_at_a_slash_not_inside_an_id() {
    let h = Harness::start(120, 40).await;
    let screen = h.look_up(ids::CHAIN_ROOT).await;
    // The row is folded to two lines; the break between them falls at a `/`.
    assert!(
        screen.contains("/5ca1ab1e-0000-4000-8000-00000000d3e0/Calls"),
        "the account ID in the URL is whole\n{screen}"
    );
    h.quit().await;
}
