//! The sidebar: the lookup history, pinned first then most recent, two lines each; the filter
//! above it and the note being edited below it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::api::model::Outcome;
use crate::app::{App, Focus, SidebarMode};
use crate::history::{Entry, Lookup};
use crate::present::format::age_between;
use crate::text::{sanitize, truncate_chars};

use crate::view::sidebar::{ENTRY_HEIGHT, first_visible};

/// The short type label of an entry, for the narrow sidebar.
fn label(entry: &Entry) -> String {
    match &entry.lookup {
        Lookup::Record(s) => sanitize(&s.short_label()).into_owned(),
        Lookup::Error(e) => sanitize(e).into_owned(),
    }
}

/// Draws the sidebar.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus() == Focus::Sidebar;
    let sidebar = app.sidebar();
    let total = sidebar.history.len();
    // Unfiltered, every entry is listed, read yet or not (a long history's first page is
    // shown while the rest is read).
    let shown = match sidebar.query.value().is_empty() {
        true => total,
        false => sidebar.len(),
    };
    let title = if shown == total {
        format!(" Lookups ({total}) ")
    } else {
        format!(" Lookups ({} of {total}) ", sidebar.len())
    };
    let mut block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .border_style(theme.border(focused));
    if sidebar.history.not_saved().is_some() {
        block = block.title_bottom(Line::from(" not saved ").style(theme.error()));
    }
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let now = app.clock().now;
    let mut lines: Vec<Line> = Vec::new();
    let filtering = matches!(sidebar.mode, SidebarMode::Filter);
    if app.sidebar().frame().header > 0 {
        let query = sanitize(sidebar.query.value()).into_owned();
        let style = if filtering { theme.key() } else { theme.dim() };
        lines.push(Line::from(vec![
            Span::styled("/ ", style),
            Span::raw(truncate_chars(&query, width.saturating_sub(2)).into_owned()),
        ]));
    }
    if sidebar.is_empty() {
        let text = if total == 0 {
            "No lookups yet."
        } else {
            "Nothing matches."
        };
        lines.push(Line::styled(text, theme.dim()));
    }
    let rows = app.sidebar().frame().rows_height(inner.height);
    let first = first_visible(sidebar.selected, rows);
    let capacity = (rows / ENTRY_HEIGHT).max(1);
    for (i, entry) in sidebar.rows().enumerate().skip(first).take(capacity) {
        let foreign = (entry.profile != app.context().profile
            || entry.space != app.context().space)
            .then(|| short_profile(entry));
        let (mut top, mut bottom) = entry_lines(entry, now, width, theme, foreign);
        if i == sidebar.selected {
            let style = theme.selected(focused);
            for line in [&mut top, &mut bottom] {
                super::detail::highlight(line, width, style);
            }
        }
        lines.push(top);
        lines.push(bottom);
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
    if filtering && inner.height > 0 {
        let x = inner.x + 2 + u16::try_from(sidebar.query.visual_cursor()).unwrap_or(0);
        frame.set_cursor_position(Position::new(
            x.min(inner.right().saturating_sub(1)),
            inner.y,
        ));
    }
    if let SidebarMode::Note(_, input) = &sidebar.mode
        && inner.height >= 2
    {
        let y = inner.bottom() - 2;
        let editor = vec![
            Line::styled("Note (Enter saves, Esc cancels)", theme.key()),
            Line::raw(sanitize(input.value()).into_owned()),
        ];
        let area = Rect::new(inner.x, y, inner.width, 2);
        frame.render_widget(Paragraph::new(editor).style(Style::new()), area);
        let x = inner.x + u16::try_from(input.visual_cursor()).unwrap_or(0);
        frame.set_cursor_position(Position::new(x.min(inner.right().saturating_sub(1)), y + 1));
    }
    if let SidebarMode::Confirm(id) = &sidebar.mode
        && inner.height >= 2
    {
        let what = match sidebar.history.get(*id) {
            Some(e) if e.pinned && e.note.is_some() => "Pinned, noted",
            Some(e) if e.pinned => "Pinned",
            _ => "Noted",
        };
        let context = crate::app::bindings::KeyContext::Confirm;
        let keys = crate::app::bindings::key_hints(
            context,
            &[
                (crate::app::Action::ConfirmDelete, "delete"),
                (crate::app::Action::KeepEntry, "keep"),
            ],
        );
        let prompt = vec![
            Line::styled(format!("{what}: delete?"), theme.warn()),
            Line::styled(keys, theme.key()),
        ];
        let area = Rect::new(inner.x, inner.bottom() - 2, inner.width, 2);
        frame.render_widget(Paragraph::new(prompt).style(Style::new()), area);
    }
}

/// The profile an entry was made with, short enough for the sidebar (sanitised).
fn short_profile(entry: &Entry) -> String {
    let name = sanitize(&entry.profile);
    let name = if name.is_empty() {
        sanitize(&entry.space)
    } else {
        name
    };
    format!("@{} ", truncate_chars(&name, 9))
}

/// An entry's two lines: status mark, label, the profile it was made with when that is not the
/// session's, pin and age; then a failed refresh, the note and parties.
fn entry_lines(
    entry: &Entry,
    now: chrono::DateTime<chrono::Utc>,
    width: usize,
    theme: &Theme,
    foreign: Option<String>,
) -> (Line<'static>, Line<'static>) {
    let age = age_between(entry.at, now);
    let failed = matches!(entry.lookup, Lookup::Error(_));
    let (glyph, glyph_style) = match (entry.status(), failed) {
        (_, true) => ("✗", theme.error()),
        (Some(s), false) => ("●", theme.outcome(Outcome::of(&s))),
        (None, false) => ("○", theme.dim()),
    };
    let pin = if entry.pinned { "★ " } else { "" };
    let origin = foreign.unwrap_or_default();
    let label_width = width.saturating_sub(age.width() + pin.width() + origin.width() + 3);
    let label = truncate_chars(&label(entry), label_width).into_owned();
    let pad = width.saturating_sub(label.width() + age.width() + pin.width() + origin.width() + 2);
    let top = Line::from(vec![
        Span::styled(glyph, glyph_style),
        Span::raw(" "),
        Span::styled(label, if failed { theme.error() } else { theme.title() }),
        Span::raw(" ".repeat(pad)),
        Span::styled(origin, theme.key()),
        Span::styled(pin, theme.warn()),
        Span::styled(age, theme.dim()),
    ]);
    // The status in words, so that it reads without colour; a failed lookup's label already
    // says what failed, and its ID follows.
    let status = match (entry.status(), failed) {
        (_, true) => None,
        (Some(s), false) => Some(s),
        (None, false) => Some("no status".to_owned()),
    };
    let parties = entry.parties().unwrap_or_else(|| entry.id.to_string());
    let mut spans = vec![Span::raw("  ")];
    let mut room = width.saturating_sub(2);
    let mut push = |spans: &mut Vec<Span<'static>>, text: String, style| {
        let text = truncate_chars(&text, room).into_owned();
        room = room.saturating_sub(text.width());
        spans.push(Span::styled(text, style));
    };
    if let Some(failed) = entry.refresh_note(now) {
        push(&mut spans, format!("⚠ {failed} "), theme.warn());
    }
    if let Some(note) = entry.note() {
        push(&mut spans, format!("✎ {note} "), theme.warn());
    }
    if let Some(status) = status {
        push(&mut spans, status, glyph_style);
        push(&mut spans, " · ".to_owned(), theme.dim());
    }
    push(&mut spans, parties, theme.dim());
    let bottom = Line::from(spans);
    (top, bottom)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use ratatui::layout::Size;

    use crate::app::{App, Context};
    use crate::history::{Entry, History, Lookup, Options};

    /// The sidebar's title as drawn.
    fn title(app: &App) -> String {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        terminal.draw(|f| crate::ui::draw(app, f)).unwrap();
        let text: String = (terminal.backend().buffer().content().iter())
            .map(|c| c.symbol())
            .collect();
        let at = text.find("Lookups (").expect("the sidebar's title");
        text[at..].split(')').next().unwrap_or_default().to_owned() + ")"
    }

    #[test]
    fn a_history_read_at_its_first_page_is_counted_whole_in_the_title() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut history, _) = History::open(dir.path(), Options::default());
            for n in 0..30u128 {
                let at = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
                    + chrono::Duration::seconds(n as i64);
                let id = uuid::Uuid::from_u128(0x1000_0000_0000_4000_8000_0000_0000_0000 | n);
                let lookup = Lookup::Error("not found".into());
                assert!(
                    history
                        .record(Entry::new(id, at, "default", "acme", lookup), None)
                        .is_empty()
                );
            }
        }
        let (history, warnings) = History::open_first(dir.path(), Options::default(), 5);
        assert!(warnings.is_empty(), "{warnings:?}");
        let context = Context {
            space: "acme".into(),
            place: "acme".into(),
            project: "4c1e0f7a…".into(),
            profile: "default".into(),
        };
        let app = App::new(context, Size::new(120, 40), false, history);
        assert_eq!(app.sidebar().len(), 5, "the first page only");
        assert_eq!(title(&app), "Lookups (30)");
    }
}
