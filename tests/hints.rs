//! What the screen says keys do is what they do, for the focus the user is in, and keys go
//! only to panes that are drawn: through the real loop on a `TestBackend`.

mod common;

use common::harness::Harness;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use swlog::demo::ids;

/// Whether the help overlay is on screen (it scrolls when taller than the screen).
fn help_open(screen: &str) -> bool {
    screen.contains("any key closes this help") || screen.contains("Esc closes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_screen_hints_only_what_its_keys_do_and_question_mark_helps_in_an_empty_input() {
    let h = Harness::start(120, 40).await;
    let screen = h.wait_for("the welcome", |s| s.contains("Log ID")).await;
    // Focus starts in the input, where `q` is typed: quitting is Ctrl-C there.
    assert!(
        screen.contains("Enter look up or search · Tab next pane · ? help · Ctrl-C quit"),
        "{screen}"
    );
    assert!(!screen.contains("q quit"), "{screen}");
    h.press(KeyCode::Char('?'));
    h.wait_for("the help", help_open).await;
    let screen = h.screen();
    assert!(screen.contains("this help (input empty)"), "{screen}");
    h.press(KeyCode::Esc);
    h.wait_for("the help closed", |s| !help_open(s)).await;
    // With text in the input, `?` and `q` are typed, and the hints say F1 for help.
    h.type_text("q?");
    let screen = h
        .wait_for("q? typed", |s| {
            s.lines().nth(1).is_some_and(|l| l.contains("│ q?"))
        })
        .await;
    assert!(!help_open(&screen), "{screen}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_sidebar_takes_no_keys_and_a_pinned_noted_lookup_goes_only_when_confirmed() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.look_up(ids::CHAIN_CHILD).await;
    // From the record (where a lookup leaves the focus) back to the sidebar.
    h.press(KeyCode::BackTab);
    // Select the root (a preview), pin it and note it.
    h.press(KeyCode::Char('G'));
    h.shown(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Char('p'));
    h.press(KeyCode::Char('n'));
    h.type_text("ticket 7");
    h.press(KeyCode::Enter);
    h.wait_for("the note", |s| s.contains("✎ ticket 7")).await;
    // Too narrow for the sidebar: its keys go nowhere near it.
    h.resize(60, 30);
    h.wait_for("the sidebar hidden", |s| !s.contains("Lookups ("))
        .await;
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Char('d'));
    h.resize(80, 24);
    let screen = h
        .wait_for("the sidebar again", |s| s.contains("Lookups (2)"))
        .await;
    assert!(
        screen.contains(&format!("┌ {} ", ids::CHAIN_ROOT)),
        "j opened nothing: {screen}"
    );
    // Focus left the sidebar when it hid; back to it (Tab: input, then sidebar).
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Char('d'));
    let screen = h
        .wait_for("the question", |s| {
            s.contains("Pinned, noted: delete?") && s.contains("y delete")
        })
        .await;
    assert!(screen.contains("Lookups (2)"), "{screen}");
    h.press(KeyCode::Char('n'));
    h.wait_for("the question gone", |s| !s.contains(": delete?"))
        .await;
    h.press(KeyCode::Char('d'));
    h.wait_for("the question", |s| s.contains(": delete?"))
        .await;
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the delete", |s| s.contains("Lookups (1)"))
        .await;
    let status = screen.lines().rev().nth(1).unwrap_or_default();
    assert!(
        status.starts_with("Deleted 3f2b9e1c… · u to undo"),
        "the undo hint is whole at 80 columns: {status}\n{screen}"
    );
    h.press(KeyCode::Char('u'));
    h.wait_for("the undo", |s| s.contains("Lookups (2)")).await;
    let app = h.quit().await;
    let root = app
        .sidebar()
        .history
        .entries()
        .iter()
        .find(|e| e.id.to_string() == ids::CHAIN_ROOT)
        .cloned()
        .expect("the root is back");
    assert!(root.pinned && root.note.as_deref() == Some("ticket 7"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hints_in_the_frames_name_only_keys_that_work_for_the_focus() {
    let h = Harness::start(120, 40).await;
    // A ticket line holding one ID: Enter looks it up from the input, not from elsewhere.
    h.type_text(&format!("ticket {}", ids::CHAIN_ROOT));
    h.wait_for("the input's mark", |s| {
        s.contains("✓ one ID found: Enter looks it up")
    })
    .await;
    h.press(KeyCode::Esc);
    let screen = h
        .wait_for("the mark without a key", |s| s.contains("✓ one ID found ┘"))
        .await;
    assert!(!screen.contains("looks it up"), "{screen}");
    // The events view's frame names e, Enter and s in the detail pane, and nothing while
    // the input has the keys (where they type).
    h.look_up("a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1").await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('e'));
    h.wait_for("the events' hints", |s| {
        s.contains("e fields · Enter unfold · s copy timeline")
    })
    .await;
    h.press(KeyCode::Char('i'));
    h.wait_for("no hints while typing", |s| {
        s.contains(" · Events") && !s.contains("Enter unfold")
    })
    .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_elsewhere_answers_the_delete_question_with_no() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.look_up(ids::CHAIN_CHILD).await;
    // From the record (where a lookup leaves the focus) back to the sidebar.
    h.press(KeyCode::BackTab);
    h.press(KeyCode::Char('p'));
    h.press(KeyCode::Char('d'));
    h.wait_for("the question", |s| s.contains("Pinned: delete?"))
        .await;
    // The second entry's first line: the sidebar's border is row 3, entries take two rows.
    h.send(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 5,
        row: 6,
        modifiers: KeyModifiers::NONE,
    }));
    h.shown(ids::CHAIN_ROOT).await;
    h.wait_for("the question gone", |s| !s.contains(": delete?"))
        .await;
    h.press(KeyCode::Char('y'));
    let app = h.quit().await;
    assert_eq!(app.sidebar().history.entries().len(), 2, "nothing deleted");
}

/// The detail pane's hints name `t`, the whole call, and the copy keys `y c Y s` (they lacked
/// `c`, `Y` and `s`), with help, at 80 and 120 columns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fields_hints_name_the_whole_call() {
    for width in [80, 120] {
        let h = Harness::start(width, 30).await;
        h.look_up(ids::CHAIN_CHILD).await;
        h.press(KeyCode::Esc);
        let screen = h
            .wait_for("the detail's hints", |s| s.contains("Enter open  e events"))
            .await;
        let hints = screen.lines().last().unwrap_or_default();
        assert!(
            hints.contains("e events  t whole call  y c Y s copy  ? help"),
            "{width}: {hints}"
        );
        if width >= 120 {
            assert!(hints.contains("P profile"), "the profile key: {hints}");
        }
        h.quit().await;
    }
}
