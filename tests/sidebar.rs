//! The history sidebar and the clipboard keys, through the real loop on a `TestBackend`
//! against the demo server.

mod common;

use common::harness::Harness;
use crossterm::event::KeyCode;
use swlog::demo::ids;

const WHATSAPP: &str = "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1eb1";
const BUSY: &str = "a9c1e3f5-7b9d-4f1a-8c3e-5f7a9b1d3fc1";

/// Looks up three demo records and moves to the sidebar (input → sidebar with Tab).
async fn three_lookups(h: &Harness) {
    h.look_up(ids::CHAIN_ROOT).await;
    h.look_up(WHATSAPP).await;
    h.look_up(ids::CHAIN_CHILD).await;
    // A lookup leaves the focus on the record; the sidebar is the pane before it.
    h.press(KeyCode::BackTab);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_narrows_the_sidebar_and_esc_clears_it() {
    let h = Harness::start(120, 40).await;
    three_lookups(&h).await;
    h.wait_for("three lookups", |s| s.contains("Lookups (3)"))
        .await;
    h.press(KeyCode::Char('/'));
    h.type_text("whatsap");
    let screen = h
        .wait_for("the filtered list", |s| s.contains("Lookups (1 of 3)"))
        .await;
    assert!(screen.contains("+14155550123 → wh"), "{screen}");
    let sidebar: String = screen
        .lines()
        .map(|l| l.chars().take(36).collect::<String>() + "\n")
        .collect();
    assert!(
        !sidebar.contains("+12065551212 →"),
        "the root call is filtered out\n{screen}"
    );
    insta::assert_snapshot!("sidebar_filtered_120x40", screen);
    // Enter keeps the filter and opens nothing by itself; Enter again opens the entry.
    h.press(KeyCode::Enter);
    h.press(KeyCode::Enter);
    h.shown(WHATSAPP).await;
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Tab);
    h.press(KeyCode::Esc);
    h.wait_for("the whole list again", |s| s.contains("Lookups (3)"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pin_delete_undo_and_note() {
    let h = Harness::start(120, 40).await;
    three_lookups(&h).await;
    // The list is child, whatsapp, root: select the root and pin it to the top.
    h.press(KeyCode::Char('G'));
    h.press(KeyCode::Char('p'));
    let screen = h.wait_for("the pin", |s| s.contains('★')).await;
    let first = screen
        .lines()
        .find(|l| l.contains('●'))
        .unwrap_or_default()
        .to_owned();
    assert!(
        first.contains("LaML call") && first.contains('★'),
        "the pinned entry is first: {first}\n{screen}"
    );
    // Delete it (a pinned entry asks first), then undo.
    h.press(KeyCode::Char('d'));
    h.wait_for("the question", |s| s.contains("Pinned: delete?"))
        .await;
    h.press(KeyCode::Char('y'));
    let screen = h
        .wait_for("the delete", |s| s.contains("Lookups (2)"))
        .await;
    assert!(screen.contains("u to undo"), "{screen}");
    h.press(KeyCode::Char('u'));
    h.wait_for("the undo", |s| s.contains("Lookups (3)") && s.contains('★'))
        .await;
    // A note, shown in the row and searchable.
    h.press(KeyCode::Char('n'));
    h.type_text("ticket #4521");
    h.press(KeyCode::Enter);
    let screen = h
        .wait_for("the note", |s| s.contains("✎ ticket #4521"))
        .await;
    insta::assert_snapshot!("sidebar_pinned_note_120x40", screen);
    h.press(KeyCode::Char('/'));
    h.type_text("ticket");
    h.wait_for("the note found by the filter", |s| {
        s.contains("Lookups (1 of 3)") && s.contains("✎ ticket #4521")
    })
    .await;
    let app = h.quit().await;
    let entry = app.sidebar().history.entries().first().cloned().unwrap();
    assert!(entry.pinned);
    assert_eq!(entry.note.as_deref(), Some("ticket #4521"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_keys_put_the_right_text_on_the_clipboard() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_CHILD).await;
    h.wait_for("the chain", |s| s.contains("LaML call → this leg"))
        .await;
    h.press(KeyCode::Esc);
    // Rows: the parent leg, From, To.
    h.press(KeyCode::Down);
    h.press(KeyCode::Down);
    h.press(KeyCode::Char('y'));
    h.wait_for("the copy message", |s| {
        s.contains("Copied `To` to the system clipboard")
    })
    .await;
    h.press(KeyCode::Char('c'));
    h.wait_for("the ID copy message", |s| s.contains("Copied the log ID"))
        .await;
    h.press(KeyCode::Char('s'));
    h.wait_for("the summary copy message", |s| {
        s.contains("Copied a ticket summary")
    })
    .await;
    h.press(KeyCode::Char('Y'));
    h.wait_for("the JSON copy message", |s| {
        s.contains("Copied the record as JSON")
    })
    .await;
    let (_, clipboard) = h.quit_with_clipboard().await;
    let copies = clipboard.copies();
    assert_eq!(copies.len(), 4, "{copies:?}");
    assert_eq!(copies[0], "+14155550123");
    assert_eq!(copies[1], ids::CHAIN_CHILD);
    assert!(
        copies[2].contains("Relay PSTN call") && copies[2].contains(ids::CHAIN_CHILD),
        "{}",
        copies[2]
    );
    // The ticket names the space and the whole project, never the token.
    let project = format!("\nProject:     {}\n", swlog::demo::PROJECT_ID);
    assert!(
        copies[2].contains("\nSpace:       127.0.0.1:")
            && copies[2].contains(" (demo)\n")
            && copies[2].contains(&project)
            && copies[2].contains("\nCreated:     2026-11-25 ")
            && !copies[2].contains(swlog::demo::TOKEN),
        "{}",
        copies[2]
    );
    let json: serde_json::Value = serde_json::from_str(&copies[3]).unwrap();
    assert_eq!(json["parent_id"], ids::CHAIN_ROOT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lookups_survive_a_restart_and_revisits_show_the_cached_copy_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let h = Harness::start_in(dir.path(), 120, 40).await;
    h.look_up(ids::SLOW).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.quit().await;

    // Tomorrow: the lookups are there, and opening one shows it before the network answers.
    let h = Harness::start_in(dir.path(), 120, 40).await;
    let screen = h
        .wait_for("yesterday's lookups", |s| s.contains("Lookups (2)"))
        .await;
    assert!(screen.contains("LaML call"), "{screen}");
    h.press(KeyCode::Tab);
    h.press(KeyCode::Down); // the slow one, looked up first, is second
    h.press(KeyCode::Enter);
    let screen = h
        .wait_for("the cached copy", |s| {
            s.contains("cached · fetched") && s.contains("refreshing")
        })
        .await;
    assert!(screen.contains(&format!("┌ {} ", ids::SLOW)), "{screen}");
    let screen = h
        .wait_for("the refresh", |s| !s.contains("cached · fetched"))
        .await;
    assert!(screen.contains("● completed"), "{screen}");
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_made_elsewhere_shows_up_in_the_sidebar() {
    let data = tempfile::tempdir().unwrap();
    // Where `swlog --demo` keeps its history under XDG_DATA_HOME.
    let dir = data.path().join("swlog").join("demo");
    let h = Harness::start_in(&dir, 120, 40).await;
    h.look_up(ids::CHAIN_ROOT).await;
    // Another swlog (`swlog get` in another terminal) records a lookup in the same history.
    let ran = common::Swlog::bare()
        .env("XDG_DATA_HOME", data.path().to_str().unwrap())
        .args(["--demo", "get", ids::CHAIN_CHILD])
        .run()
        .await;
    assert_eq!(ran.code, 0, "{ran:?}");
    assert!(h.screen().contains("Lookups (1)"));
    // Looking at the sidebar (the pane before the record) picks it up.
    h.press(KeyCode::BackTab);
    let screen = h
        .wait_for("the other lookup", |s| s.contains("Lookups (2)"))
        .await;
    assert!(screen.contains("PSTN call"), "{screen}");
    h.quit().await;
}

/// The sidebar's column of a screen: the first `width` characters of each line.
fn sidebar_column(screen: &str, width: usize) -> String {
    screen
        .lines()
        .map(|l| l.chars().take(width).collect::<String>() + "\n")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_lookup_says_its_status_in_words_without_colour() {
    // Harness::start draws without colour, as NO_COLOR=1 does.
    let h = Harness::start(120, 40).await;
    h.look_up(ids::NOT_FOUND).await;
    h.look_up(ids::SERVER_ERROR).await;
    h.look_up(BUSY).await;
    h.look_up(ids::CHAIN_ROOT).await;
    let screen = h
        .wait_for("four lookups", |s| s.contains("Lookups (4)"))
        .await;
    let sidebar = sidebar_column(&screen, 38);
    for words in [
        "completed · +12065551212",
        "busy · ",
        "✗ not found",
        "✗ HTTP 500",
    ] {
        assert!(sidebar.contains(words), "`{words}` missing\n{sidebar}");
    }
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsing_the_sidebar_does_not_fill_the_back_history() {
    let h = Harness::start(120, 40).await;
    three_lookups(&h).await;
    h.wait_for("two steps back", |s| s.contains("◀ 2 · 0 ▶"))
        .await;
    // Passing over two rows previews them; only the opened log (the child) goes back.
    h.press(KeyCode::Char('j'));
    h.shown(WHATSAPP).await;
    h.press(KeyCode::Char('j'));
    let screen = h.shown(ids::CHAIN_ROOT).await;
    assert!(screen.contains("◀ 3 · 0 ▶"), "{screen}");
    h.press(KeyCode::Char('['));
    let screen = h.shown(ids::CHAIN_CHILD).await;
    assert!(screen.contains("◀ 2 · 0 ▶"), "{screen}");
    // The help says what the counter counts.
    h.press(KeyCode::Char('?'));
    // The mouse and the title come last in the help: a page or two down.
    h.press(KeyCode::PageDown);
    h.press(KeyCode::PageDown);
    h.wait_for("the counter explained", |s| {
        s.contains("◀ 2 · 0 ▶    opened logs back · ahead")
    })
    .await;
    h.quit().await;
}
