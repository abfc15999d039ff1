//! What the screen says keys do is what they do, for the focus the user is in, and keys go
//! only to panes that are drawn: through the real loop on a `TestBackend`.

mod common;

use common::harness::Harness;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_hints_only_what_its_keys_do_and_question_mark_helps_in_an_empty_input() {
    let h = Harness::start(120, 40).await;
    let screen = h.wait_for("the welcome", |s| s.contains("Log ID")).await;
    // Focus starts in the input, where `q` is typed: quitting is Ctrl-C there.
    assert!(
        screen.contains("Enter look up · Tab next pane · ? help · Ctrl-C quit"),
        "{screen}"
    );
    assert!(!screen.contains("q quit"), "{screen}");
    h.press(KeyCode::Char('?'));
    h.wait_for("the help", |s| s.contains("any key closes"))
        .await;
    let screen = h.screen();
    assert!(screen.contains("this help (input empty)"), "{screen}");
    h.press(KeyCode::Esc);
    h.wait_for("the help closed", |s| !s.contains("any key closes"))
        .await;
    // With text in the input, `?` and `q` are typed, and the hints say F1 for help.
    h.type_text("q?");
    let screen = h
        .wait_for("q? typed", |s| {
            s.lines().nth(1).is_some_and(|l| l.contains("│ q?"))
        })
        .await;
    assert!(!screen.contains("any key closes"), "{screen}");
    assert!(screen.contains("F1 help"), "{screen}");
    // In the detail pane `?` and `q` act, and the welcome says so (and no Enter to look up).
    h.send(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    h.press(KeyCode::Esc);
    let screen = h
        .wait_for("the detail focused", |s| {
            s.contains("Tab next pane · ? help · q quit")
        })
        .await;
    assert!(!screen.contains("Enter look up"), "{screen}");
    h.press(KeyCode::Char('q'));
    h.exited().await;
}
