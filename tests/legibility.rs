//! No text is ever drawn in its own background colour: every screen, pane focused or not,
//! with colour and with NO_COLOR, through the real loop on a `TestBackend`.

mod common;

use common::harness::Harness;
use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use swlog::demo::ids;

/// The cells whose glyph is drawn in the colour of its own background, as "x,y 'c'".
fn invisible_cells(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    let mut out = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buffer.cell((x, y)) else {
                continue;
            };
            if cell.symbol().trim().is_empty() {
                continue;
            }
            let (fg, bg) = (cell.fg, cell.bg);
            if fg == bg && fg != Color::Reset {
                out.push(format!("{x},{y} {:?} on {bg:?}", cell.symbol()));
            }
        }
    }
    out
}

/// The cells that carry any colour, as "x,y 'c'": with NO_COLOR there must be none.
fn coloured_cells(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    let mut out = Vec::new();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buffer.cell((x, y))
                && (cell.fg != Color::Reset || cell.bg != Color::Reset)
            {
                out.push(format!("{x},{y} {:?}", cell.symbol()));
            }
        }
    }
    out
}

/// Whether some row is marked selected without colour (reversed or underlined).
fn has_marked_row(buffer: &Buffer) -> bool {
    buffer.content().iter().any(|c| {
        c.modifier
            .intersects(Modifier::REVERSED | Modifier::UNDERLINED)
    })
}

/// Walks the screens a user sees, checking each: the welcome, a record with the input, the
/// sidebar and the detail focused in turn, the events, the raw JSON, the help and the notices.
async fn walk(h: &Harness, color: bool) {
    let check = |name: &str| {
        let buffer = h.buffer();
        let screen = common::harness::buffer_text(&buffer);
        let bad = invisible_cells(&buffer);
        assert!(
            bad.is_empty(),
            "{name} (colour {color}): text in its own background colour at {bad:?}\n{screen}"
        );
        if !color {
            let coloured = coloured_cells(&buffer);
            assert!(
                coloured.is_empty(),
                "{name}: colour under NO_COLOR at {coloured:?}\n{screen}"
            );
        }
    };
    h.wait_for("the welcome", |s| s.contains("Log ID")).await;
    check("welcome");
    h.look_up(ids::NOT_FOUND).await;
    check("a failed lookup");
    h.look_up(ids::CHAIN_CHILD).await;
    h.look_up(ids::CHAIN_ROOT).await;
    check("a record, the record focused");
    // The sidebar focused, then the detail: the sidebar's selected row is drawn unfocused.
    h.press(KeyCode::BackTab);
    h.wait_for("the sidebar focused", |s| s.contains("open"))
        .await;
    check("sidebar focused");
    h.press(KeyCode::Char('j'));
    h.shown(ids::CHAIN_CHILD).await;
    check("sidebar focused, a second row");
    h.press(KeyCode::Char('/'));
    h.type_text("laml");
    h.wait_for("the filter", |s| s.contains("/ laml")).await;
    check("sidebar filter");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('p'));
    h.press(KeyCode::Char('d'));
    h.wait_for("the delete question", |s| s.contains(": delete?"))
        .await;
    check("sidebar delete question");
    h.press(KeyCode::Char('n'));
    h.press(KeyCode::Char('n'));
    h.wait_for("the note editor", |s| s.contains("Note (Enter saves"))
        .await;
    check("sidebar note editor");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Tab);
    h.wait_for("the detail focused", |s| s.contains("Enter open  e events"))
        .await;
    check("detail focused, sidebar selection unfocused");
    if !color {
        assert!(
            has_marked_row(&h.buffer()),
            "the selection shows without colour"
        );
    }
    h.press(KeyCode::Char('j'));
    h.press(KeyCode::Char('j'));
    check("detail, a row selected");
    h.press(KeyCode::Char('e'));
    h.wait_for("the events", |s| s.contains("unfold")).await;
    check("events");
    h.press(KeyCode::Char('e'));
    h.press(KeyCode::Char('v'));
    h.wait_for("the raw JSON", |s| s.contains("\"id\"")).await;
    check("raw JSON");
    h.press(KeyCode::Char('v'));
    h.press(KeyCode::Char('?'));
    h.wait_for("the help", |s| {
        s.contains("any key closes") || s.contains("Esc closes")
    })
    .await;
    check("help");
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('m'));
    h.wait_for("the notices", |s| s.contains("close")).await;
    check("notices");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_text_is_drawn_in_its_own_background_colour() {
    let h = Harness::start_colored(120, 40).await;
    walk(&h, true).await;
    h.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_colour_nothing_is_coloured_and_every_selection_still_shows() {
    let h = Harness::start(120, 40).await;
    walk(&h, false).await;
    h.quit().await;
}
