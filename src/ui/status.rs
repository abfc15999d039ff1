//! The status bar: the newest notice or the lookup in flight, and the keys of the focused pane
//! (rendered from the binding table, so they are true for the current focus).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::bindings::{self, KeyContext};
use crate::app::{Action, App, Level, View};
use crate::text::truncate_chars;
use crate::view::SPINNER;

/// Draws the status bar's two lines.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    // A live refresh runs quietly: the record stays, and the LIVE mark says it is watched.
    let top = if let Some(f) = app.in_flight().filter(|f| !f.background) {
        let frame_glyph = SPINNER[app.spinner() % SPINNER.len()];
        Line::from(vec![
            Span::styled(format!("{frame_glyph} "), theme.warn()),
            Span::raw(format!(
                "Fetching {} … {:.1}s",
                f.id,
                f.started.elapsed().as_secs_f32()
            )),
        ])
    } else if let Some(notice) = app.notices().newest() {
        let style = match notice.level {
            Level::Error => theme.error(),
            Level::Warn => theme.warn(),
            Level::Info => theme.good(),
        };
        let more = more(app);
        // Room beside the "+N more" and the profile and space at the right end.
        let room = width
            .saturating_sub(more.chars().count())
            .saturating_sub(place(app, width).chars().count());
        Line::from(vec![
            Span::styled(truncate_chars(&notice.text, room).into_owned(), style),
            Span::styled(more, theme.dim()),
        ])
    } else if *app.view() == View::Welcome {
        // The welcome pane names the space and project, and the profile besides.
        Line::default()
    } else {
        Line::styled(format!("project {}", app.context().project), theme.dim())
    };
    let top = with_place(app, theme, top, width);
    let mut spans = Vec::new();
    let mut used = 0;
    let context = app.key_context();
    let scanning = app.calls().is_some_and(|c| c.running());
    let hints = bindings::hints_now(context, scanning)
        .filter_map(|(actions, what)| Some((bindings::hint_keys(context, actions)?, *what)));
    for (key, what) in hints {
        let item = format!("{key} {what}  ");
        used += item.chars().count();
        if used > width {
            break;
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {what}  "), theme.dim()));
    }
    frame.render_widget(Paragraph::new(vec![top, Line::from(spans)]), area);
}

/// `line` with the profile and space in effect at its right end, always: the notice gives
/// way (truncated) rather than the place lookups go.
fn with_place<'a>(app: &App, theme: &Theme, line: Line<'a>, width: usize) -> Line<'a> {
    let place = place(app, width);
    let room = width.saturating_sub(place.chars().count());
    let mut spans = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let left = room.saturating_sub(used);
        let count = span.content.chars().count();
        if count > left {
            // Cut once: a second cut would add a second ellipsis.
            if left > 0 {
                spans.push(Span::styled(
                    truncate_chars(&span.content, left).into_owned(),
                    span.style,
                ));
                used = room;
            }
            break;
        }
        used += count;
        spans.push(span);
    }
    spans.push(Span::raw(" ".repeat(room.saturating_sub(used))));
    spans.push(Span::styled(place, theme.dim()));
    Line::from(spans)
}

/// The profile and space in effect, as the status bar's right end shows them at `width`.
fn place(app: &App, width: usize) -> String {
    let place = if width >= 100 {
        format!(
            " profile {} · space {}",
            app.context().profile,
            app.context().place
        )
    } else {
        format!(" {} · {}", app.context().profile, app.context().place)
    };
    truncate_chars(&place, width / 2).into_owned()
}

/// "  +2 more (m)" when more notices than the newest are kept, naming the key that lists them
/// here; empty otherwise.
fn more(app: &App) -> String {
    let others = app.notices().len().saturating_sub(1);
    if others == 0 {
        return String::new();
    }
    let context = app.key_context();
    match bindings::hint_keys(context, &[Action::Notices]) {
        Some(key) if context != KeyContext::Notices => format!("  +{others} more ({key})"),
        _ => format!("  +{others} more"),
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Size;

    use crate::app::{App, Context, Focus, Notice, Scope};

    fn screen(app: &App) -> String {
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| crate::ui::draw(app, f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                out.push_str(buffer[(x, y)].symbol());
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn the_newest_notice_shows_with_how_many_more_and_the_key_that_lists_them_here() {
        let ctx = Context {
            space: "acme".into(),
            place: "acme".into(),
            project: "4c1e0f7a…".into(),
            profile: "default".into(),
        };
        let history = crate::history::History::in_memory(crate::history::Options::default());
        let mut app = App::new(ctx, Size::new(100, 30), false, history);
        app.notify(Notice::warn(Scope::Session, "History file was damaged"));
        app.notify(Notice::info(
            Scope::Session,
            "Copies go through the terminal",
        ));
        let s = screen(&app);
        assert!(
            s.contains("Copies go through the terminal  +1 more (F2)"),
            "{s}"
        );
        // In a pane, `m` lists them too and is the key the hint names.
        app.set_focus(Focus::Detail);
        let s = screen(&app);
        assert!(s.contains("+1 more (m)"), "{s}");
        app.set_overlay(crate::app::Overlay::Notices { selected: 0 });
        let s = screen(&app);
        assert!(s.contains("! History file was damaged"), "{s}");
        assert!(s.contains("d dismiss"), "{s}");
    }
}
