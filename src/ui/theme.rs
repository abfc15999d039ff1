//! Colours and emphasis. With NO_COLOR everything stays legible through bold, reverse and
//! underline instead.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span};

use crate::api::model::Outcome;
use crate::present::Tone;
use crate::view::Role;

/// The styles of one run.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
    ascii: bool,
}

/// Whether the environment lets swlog use colour: not with `NO_COLOR` set, nor on a terminal
/// that says it can do nothing (`TERM=dumb`).
pub fn color_allowed(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("NO_COLOR").is_none_or(|v| v.is_empty()) && !ascii_only(env)
}

/// Whether the terminal asks for plain ASCII (`TERM=dumb`): no box-drawing characters.
pub fn ascii_only(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("TERM").is_some_and(|t| t.trim() == "dumb")
}

/// Pane borders of `+`, `-` and `|`, which any terminal can show.
const ASCII_BORDER: symbols::border::Set = symbols::border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Theme {
    /// Colour on or off.
    pub fn new(color: bool) -> Self {
        Self {
            color,
            ascii: false,
        }
    }

    /// Borders in ASCII when `ascii`.
    pub fn with_ascii(self, ascii: bool) -> Self {
        Self { ascii, ..self }
    }

    /// The characters pane borders are drawn with.
    pub fn borders(self) -> symbols::border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            symbols::border::PLAIN
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// A pane's border, brighter when focused.
    pub fn border(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().fg(Color::Cyan),
            (true, false) => Style::new().add_modifier(Modifier::BOLD),
            (false, true) => Style::new().fg(Color::DarkGray),
            (false, false) => Style::new(),
        }
    }

    /// A selected row.
    pub fn selected(self, focused: bool) -> Style {
        match (focused, self.color) {
            (true, true) => Style::new().bg(Color::Blue).fg(Color::White),
            (false, true) => Style::new().bg(Color::DarkGray).fg(Color::White),
            (true, false) => Style::new().add_modifier(Modifier::REVERSED),
            (false, false) => Style::new().add_modifier(Modifier::UNDERLINED),
        }
    }

    /// A field label.
    pub fn label(self) -> Style {
        self.fg(Color::Gray).add_modifier(if self.color {
            Modifier::empty()
        } else {
            Modifier::DIM
        })
    }

    /// A title.
    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A section heading.
    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Secondary text.
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// A key in the hints.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// An error.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A warning.
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(if self.color {
            Modifier::empty()
        } else {
            Modifier::BOLD
        })
    }

    /// Something good.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// An outcome's status word.
    pub fn outcome(self, o: Outcome) -> Style {
        match o {
            Outcome::Good => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            Outcome::Bad => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Outcome::Live => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Outcome::Unknown => Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// A value's tone.
    pub fn tone(self, t: Tone) -> Style {
        match t {
            Tone::Normal => Style::new(),
            Tone::Empty => self.dim(),
            Tone::Odd | Tone::Warn => self.warn(),
            Tone::Good => self.outcome(Outcome::Good),
            Tone::Bad => self.outcome(Outcome::Bad),
            Tone::Live => self.outcome(Outcome::Live),
            Tone::Link => self.fg(Color::Cyan).add_modifier(Modifier::UNDERLINED),
        }
    }

    /// A value that just changed in a live refresh.
    pub fn changed(self) -> Style {
        if self.color {
            Style::new().bg(Color::Yellow).fg(Color::Black)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    /// The bar of a charge line.
    pub fn bar(self) -> Style {
        self.fg(Color::Magenta)
    }

    /// How a piece of a pane's text looks.
    pub fn role(self, role: Role) -> Style {
        match role {
            Role::Plain => Style::new(),
            Role::Title => self.title(),
            Role::Heading => self.heading(),
            Role::Label => self.label(),
            Role::Dim => self.dim(),
            Role::Warn => self.warn(),
            Role::Error => self.error(),
            Role::Good => self.good(),
            Role::Changed => self.changed(),
            Role::Bar => self.bar(),
            Role::Tone(t) => self.tone(t),
            Role::Outcome(o) => self.outcome(o),
        }
    }

    /// A pane's line, styled. A line of one run is styled as a whole, as drawing always has.
    pub fn line(self, line: &crate::view::Line) -> Line<'static> {
        if let [one] = line.spans.as_slice() {
            return Line::styled(one.text.clone(), self.role(one.role));
        }
        Line::from(
            line.spans
                .iter()
                .map(|s| Span::styled(s.text.clone(), self.role(s.role)))
                .collect::<Vec<_>>(),
        )
    }

    /// JSON keys, strings, numbers and literals in the raw view.
    pub fn json(self, part: JsonPart) -> Style {
        match part {
            JsonPart::Key => self.fg(Color::Cyan),
            JsonPart::String => self.fg(Color::Green),
            JsonPart::Number => self.fg(Color::Magenta),
            JsonPart::Literal => self.fg(Color::Yellow),
            JsonPart::Punct => self.dim(),
        }
    }
}

/// Redraws in the line's foreground any text of `line` that would be drawn in its own
/// background colour. A highlight sets the line's background, but a span keeps its own
/// foreground over the line's: dim grey text on the unfocused grey selection vanished.
pub fn keep_legible(line: &mut Line<'_>) {
    let Some(bg) = line.style.bg else {
        return;
    };
    if line.style.fg == Some(bg) {
        line.style.fg = Some(Color::Reset);
    }
    let line_fg = line.style.fg;
    for span in &mut line.spans {
        let span_bg = span.style.bg.unwrap_or(bg);
        if span.style.fg == Some(span_bg) {
            span.style.fg = line_fg.filter(|fg| *fg != span_bg).or(Some(Color::Reset));
        }
    }
}

/// The parts of JSON the raw view colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonPart {
    /// An object key.
    Key,
    /// A string value.
    String,
    /// A number.
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// Brackets, braces, commas, colons.
    Punct,
}
