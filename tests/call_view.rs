//! The inspector's Call view end to end: the real loop on a `TestBackend` against the demo
//! server. `t` on a leg opens its whole call (the leg marked), Enter opens a leg as a normal
//! lookup (its breadcrumb then shows the call's shape), `[` returns to the tree with the
//! selection kept, `e` opens the merged timeline, and `s` copies the ticket bundle.

mod common;

use common::harness::Harness;
use crossterm::event::KeyCode;
use swlog::app::View;
use swlog::demo::ids;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t_opens_the_whole_call_enter_opens_a_leg_back_returns_and_s_copies_the_bundle() {
    let h = Harness::start(120, 40).await;
    h.look_up(ids::CHAIN_GRANDCHILD).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('t'));
    let screen = h
        .wait_for("the whole call", |s| {
            // The LaML leg's Compatibility answer comes after the call: its clauses too.
            s.contains("Call 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11")
                && s.contains("Total $0.058")
                && s.contains("• answered by a machine")
        })
        .await;
    insta::assert_snapshot!("call_view_120x40", screen);
    for id in [
        ids::CHAIN_ROOT,
        ids::CHAIN_CHILD,
        ids::CALL_FAILED_SIP,
        ids::CHAIN_GRANDCHILD,
        ids::CALL_SIBLING,
    ] {
        assert!(screen.contains(id), "{id} is in the tree\n{screen}");
    }
    let marked = screen
        .lines()
        .find(|l| l.contains("◀ you came from here"))
        .unwrap_or_default();
    assert!(
        marked.contains("SIP call #4"),
        "the leg t was pressed on\n{screen}"
    );
    // Up to the failed SIP leg, and open it.
    h.press(KeyCode::Char('k'));
    h.press(KeyCode::Enter);
    let screen = h.shown(ids::CALL_FAILED_SIP).await;
    let crumb = "Call        LaML call #1 → PSTN call #2 → this leg · +2 legs · t: the whole call";
    assert!(
        screen.contains(crumb),
        "the breadcrumb shows the call\n{screen}"
    );
    // Back to the tree, the selection where it was.
    h.press(KeyCode::Char('['));
    h.wait_for("the tree again", |s| {
        s.contains("Whole call") && s.contains("Total $0.058")
    })
    .await;
    h.press(KeyCode::Char('e'));
    h.wait_for("the merged timeline", |s| {
        // In the pane each event names what happened first, then its leg by the tree's number.
        s.contains("Timeline (all legs)") && s.contains("calling_call_ringing · #2")
    })
    .await;
    h.press(KeyCode::Char('s'));
    h.wait_for("the bundle copied", |s| s.contains("ticket bundle"))
        .await;
    let (app, clipboard) = h.quit_with_clipboard().await;
    assert_eq!(
        *app.view(),
        View::Call(swlog::api::LogRef::voice(ids::CHAIN_ROOT.parse().unwrap()))
    );
    assert_eq!(
        app.tree().selected,
        2,
        "the failed SIP leg is still selected"
    );
    let copies = clipboard.copies();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(
        !copies[0].contains(swlog::demo::TOKEN),
        "the project is named, never the token"
    );
    insta::assert_snapshot!("call_ticket_bundle", without_port(&copies[0]));
}

/// The demo server's port, which changes from run to run, as `PORT`.
fn without_port(text: &str) -> String {
    let Some((head, tail)) = text.split_once("127.0.0.1:") else {
        return text.to_owned();
    };
    let tail = tail.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{head}127.0.0.1:PORT{tail}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t_without_a_leg_on_screen_says_what_to_do() {
    let h = Harness::start(80, 24).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('t'));
    h.wait_for("the hint", |s| s.contains("Open a leg first"))
        .await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_with_a_leg_in_progress_refreshes_until_it_ends() {
    let h = Harness::start_live(
        120,
        40,
        std::time::Duration::from_millis(700),
        std::time::Duration::from_millis(200),
    )
    .await;
    h.look_up(ids::LIVE).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('t'));
    h.wait_for("the live call's tree", |s| {
        s.contains("Whole call") && s.contains("in-progress")
    })
    .await;
    h.wait_for("the tree refreshed to the end of the call", |s| {
        s.lines()
            .any(|l| l.contains("LaML call #1") && l.contains("  completed  "))
    })
    .await;
    let app = h.quit().await;
    assert_eq!(
        app.tree().live.next,
        None,
        "a finished call is not refreshed again"
    );
}

/// At 80x24 the merged timeline opens below the fold: `e` scrolls its heading to the top (the
/// screen once did not change), and `e` again closes it and scrolls back. The title keeps its
/// leg count, the call's ID cut to 8 characters (the count was cut off).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e_scrolls_to_the_timeline_at_80x24_and_the_title_keeps_its_leg_count() {
    let h = Harness::start(80, 24).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('t'));
    let screen = h
        .wait_for("the whole call", |s| s.contains("Total $0.058"))
        .await;
    assert!(screen.contains("│ Call 3f2b9e1c…  5 legs "), "{screen}");
    h.press(KeyCode::Char('e'));
    let screen = h
        .wait_for("the timeline's heading on top", |s| {
            s.lines()
                .nth(4)
                .is_some_and(|l| l.contains("Timeline (all legs) · e: hide"))
        })
        .await;
    assert!(!screen.contains("Call 3f2b9e1c…"), "{screen}");
    h.press(KeyCode::Char('e'));
    h.wait_for("the tree again", |s| {
        s.lines()
            .nth(4)
            .is_some_and(|l| l.contains("Call 3f2b9e1c…  5 legs"))
    })
    .await;
    h.quit().await;
}

/// `t` on a row of the list of calls did nothing: it opens that row's whole call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t_on_a_row_of_the_list_of_calls_opens_its_whole_call() {
    let h = Harness::start(120, 40).await;
    // The chain's first leg is the newest LaML call from this number that day.
    h.type_text("on:2026-11-25 2065551212 type:laml");
    h.press(KeyCode::Enter);
    h.wait_for("the list", |s| s.contains("· done")).await;
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('t'));
    h.wait_for("the row's whole call", |s| {
        s.contains("Call 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11") && s.contains("Total $0.058")
    })
    .await;
    h.quit().await;
}

/// The merged timeline's offsets past a minute (`+1m 44.824s`) pushed their row's level and
/// name out of line; and a row cut at the pane's edge ends in `…`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_keeps_its_columns_past_a_minute_and_cut_rows_say_so() {
    let h = Harness::start(120, 60).await;
    h.look_up(ids::CHAIN_ROOT).await;
    h.press(KeyCode::Char('t'));
    h.wait_for("the whole call", |s| s.contains("Total $0.058"))
        .await;
    // `y` copies the selected leg's row whole, whatever the pane cut.
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Char('e'));
    for _ in 0..3 {
        h.press(KeyCode::PageDown);
    }
    let screen = h
        .wait_for("the end of the timeline", |s| s.contains("+2m 05.748s"))
        .await;
    let level_at = |offset: &str| {
        let line = screen
            .lines()
            .find(|l| l.contains(offset))
            .unwrap_or_else(|| panic!("{offset}: {screen}"));
        line.find(" info ")
    };
    assert!(level_at("+2m 05.748s").is_some());
    assert_eq!(level_at("+2m 05.748s"), level_at("+21.246s"), "{screen}");
    let pane_rows: Vec<&str> = screen.lines().filter(|l| l.contains(" · #")).collect();
    assert!(
        pane_rows
            .iter()
            .filter(|l| !l.trim_end_matches('│').trim_end().ends_with('}'))
            .all(|l| l.trim_end_matches('│').trim_end().ends_with('…')),
        "every cut row ends in …: {screen}"
    );
    let (_, clipboard) = h.quit_with_clipboard().await;
    let copies = clipboard.copies();
    assert!(
        copies.first().is_some_and(|c| c.starts_with("LaML call #1")
            && c.contains(ids::CHAIN_ROOT)
            && c.ends_with("+12065551212 → +18005550100")),
        "{copies:?}"
    );
}

/// The merged timeline's rows are selectable like the legs above them: ↓ past the last leg
/// selects the events; Enter unfolds the selected one (its whole line, details in full,
/// wrapped), ← folds it; `y` copies its line whole and `c` its leg's ID, however the pane cut
/// the row. At 80x24 and 120x40.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_events_are_selected_unfolded_and_copied_whole() {
    const DIALING_END: &str = r#""timeout":30,"call_id":"7a1c3e5f-2b4d-4f6a-8c0e-1d3f5a7b9c21"}"#;
    for (width, height) in [(80u16, 24u16), (120, 40)] {
        let h = Harness::start(width, height).await;
        h.look_up(ids::CHAIN_ROOT).await;
        h.press(KeyCode::Char('t'));
        h.wait_for("the whole call explained", |s| {
            s.contains("Total $0.058") && !s.contains("asking the Compatibility API")
        })
        .await;
        h.press(KeyCode::Char('e'));
        h.wait_for("the timeline", |s| s.contains("Timeline (all legs)"))
            .await;
        // Four legs down to the last, then the events: the seventh is the Dial, whose details
        // no pane this narrow holds.
        for _ in 0..11 {
            h.press(KeyCode::Char('j'));
        }
        let folded = h
            .wait_for("the Dial selected, cut", |s| {
                s.lines().any(|l| {
                    l.contains("laml_dialing · #1")
                        && l.trim_end_matches('│').trim_end().ends_with('…')
                })
            })
            .await;
        assert!(!folded.contains(DIALING_END), "{folded}");
        h.press(KeyCode::Enter);
        let unfolded = h
            .wait_for("the Dial unfolded", |s| {
                s.replace(['│', ' ', '\n'], "")
                    .contains(&DIALING_END.replace(' ', ""))
            })
            .await;
        insta::assert_snapshot!(format!("call_timeline_unfolded_{width}x{height}"), unfolded);
        h.press(KeyCode::Char('y'));
        h.press(KeyCode::Char('c'));
        h.press(KeyCode::Left);
        h.wait_for("the Dial folded again", |s| {
            *s == folded || !s.contains("\"timeout\":30,")
        })
        .await;
        let (app, clipboard) = h.quit_with_clipboard().await;
        assert_eq!(app.tree().event, Some(6));
        assert_eq!(app.tree().unfolded, None);
        let copies = clipboard.copies();
        assert_eq!(copies.len(), 2, "{copies:?}");
        assert!(
            copies[0].contains("laml_dialing · #1") && copies[0].ends_with(DIALING_END),
            "the event's line whole: {copies:?}"
        );
        assert_eq!(copies[1], ids::CHAIN_ROOT, "its leg's ID");
    }
}
