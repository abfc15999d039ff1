//! The raw JSON view: the body as received, pretty-printed and coloured, scrollable.
//!
//! Strings are written with JSON escapes (`\u001b`), so nothing in them reaches the terminal
//! as a control sequence.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use serde_json::Value;

use super::theme::{JsonPart, Theme};
use crate::app::{App, Focus, Tab};
use crate::text::sanitize;

/// Draws the raw view.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (whose, body) = app
        .raw_json()
        .unwrap_or_else(|| (String::new(), Value::Null));
    let back = if app.investigation().tab == Tab::Events {
        " v: back to events "
    } else {
        " v: back to fields "
    };
    let title = format!(" Raw JSON · {whose} ");
    let mut block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title.clone()).style(theme.title()));
    // Whose JSON it is matters more than the key back, which the status bar names too.
    if title.chars().count() + back.chars().count() + 4 <= usize::from(area.width) {
        block = block.title(Line::from(back).style(theme.dim()).right_aligned());
    }
    let block = block.border_style(theme.border(app.focus() == Focus::Detail));
    let scroll = u16::try_from(app.raw_scroll()).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines(&body, theme))
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

/// The pretty-printed, coloured lines of `v`.
pub fn lines(v: &Value, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    write_value(v, 0, theme, &mut current, &mut out);
    out.push(Line::from(current));
    out
}

fn quoted(s: &str) -> String {
    // serde_json escapes control characters; sanitize catches the bidi controls it keeps.
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    sanitize(&json).into_owned()
}

fn write_value(
    v: &Value,
    depth: usize,
    theme: &Theme,
    current: &mut Vec<Span<'static>>,
    out: &mut Vec<Line<'static>>,
) {
    let punct = theme.json(JsonPart::Punct);
    match v {
        Value::Object(map) if !map.is_empty() => {
            current.push(Span::styled("{", punct));
            let n = map.len();
            for (i, (k, val)) in map.iter().enumerate() {
                out.push(Line::from(std::mem::take(current)));
                current.push(Span::raw("  ".repeat(depth + 1)));
                current.push(Span::styled(quoted(k), theme.json(JsonPart::Key)));
                current.push(Span::styled(": ", punct));
                write_value(val, depth + 1, theme, current, out);
                if i + 1 < n {
                    current.push(Span::styled(",", punct));
                }
            }
            out.push(Line::from(std::mem::take(current)));
            current.push(Span::raw("  ".repeat(depth)));
            current.push(Span::styled("}", punct));
        }
        Value::Array(items) if !items.is_empty() => {
            current.push(Span::styled("[", punct));
            let n = items.len();
            for (i, item) in items.iter().enumerate() {
                out.push(Line::from(std::mem::take(current)));
                current.push(Span::raw("  ".repeat(depth + 1)));
                write_value(item, depth + 1, theme, current, out);
                if i + 1 < n {
                    current.push(Span::styled(",", punct));
                }
            }
            out.push(Line::from(std::mem::take(current)));
            current.push(Span::raw("  ".repeat(depth)));
            current.push(Span::styled("]", punct));
        }
        Value::Object(_) => current.push(Span::styled("{}", punct)),
        Value::Array(_) => current.push(Span::styled("[]", punct)),
        Value::String(s) => current.push(Span::styled(quoted(s), theme.json(JsonPart::String))),
        Value::Number(n) => current.push(Span::styled(n.to_string(), theme.json(JsonPart::Number))),
        Value::Bool(b) => current.push(Span::styled(b.to_string(), theme.json(JsonPart::Literal))),
        Value::Null => current.push(Span::styled("null", theme.json(JsonPart::Literal))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Value) -> Vec<String> {
        lines(v, &Theme::new(false))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn pretty_prints_like_serde() {
        let v = json!({"a": 1, "b": [true, null, "x"], "c": {}, "d": {"e": []}});
        assert_eq!(
            text(&v).join("\n"),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }

    #[test]
    fn control_characters_stay_escaped() {
        let v = json!({"from\u{1b}": "\u{1b}[2J\u{9b}\u{202e}"});
        let lines = text(&v);
        assert!(
            lines
                .iter()
                .all(|l| !l.chars().any(|c| c.is_control() || c == '\u{202e}')),
            "{lines:?}"
        );
        assert!(lines[1].contains("\\u001b[2J"), "{lines:?}");
    }
}
