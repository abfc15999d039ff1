//! The detail pane: the record's header, the rows its variant has, the charge breakdown and
//! extra fields; or a lookup's error in words, or the welcome text.
//!
//! The pane's lines are built by [`build`], which also says which lines each selectable row
//! takes, so that selection, scrolling and mouse clicks agree with what is drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use crate::api::ApiError;
use crate::app::{App, Failure, Focus, View};
use uuid::Uuid;

use crate::app::ChainState;
use crate::present::chain as present_chain;
use crate::present::{Presented, Row, Tone};

/// Width of the label column.
const LABEL_WIDTH: usize = 11;

/// Lines a long value takes before it is cut, unless its row is selected.
const FOLDED_LINES: usize = 2;

/// The pane's content at one width.
#[derive(Debug, Default)]
pub struct Built {
    /// Every line, top to bottom.
    pub lines: Vec<Line<'static>>,
    /// For each selectable row, its first and last line.
    pub rows: Vec<(usize, usize)>,
    /// For each selectable row, the log it opens on Enter.
    pub links: Vec<Option<Uuid>>,
    /// For each selectable row, what `y` copies: a name for it and the text.
    pub copies: Vec<Option<(String, String)>>,
}

/// The inside width of a pane `pane_width` wide: borders and a column of padding each side.
fn inner(pane_width: u16) -> usize {
    usize::from(pane_width.saturating_sub(4))
}

fn built(app: &App) -> Built {
    let width = super::layout::areas(app.size, app.sidebar_visible())
        .detail
        .width;
    build(app, inner(width), &Theme::new(false))
}

/// How many rows can be selected.
pub fn selectable_count(app: &App) -> usize {
    built(app).rows.len()
}

/// What `y` copies for selectable row `row`: a name for it and the text.
pub fn copy_of(app: &App, row: usize) -> Option<(String, String)> {
    built(app).copies.get(row).cloned().flatten()
}

/// The log that selectable row `row` opens on Enter, if any.
pub fn link_of(app: &App, row: usize) -> Option<Uuid> {
    built(app).links.get(row).copied().flatten()
}

/// The first and last line of selectable row `row`.
pub fn row_lines(app: &App, pane_width: u16, row: usize) -> Option<(usize, usize)> {
    build(app, inner(pane_width), &Theme::new(false))
        .rows
        .get(row)
        .copied()
}

/// The selectable row drawn on `line`, if any.
pub fn row_at_line(app: &App, pane_width: u16, line: usize) -> Option<usize> {
    build(app, inner(pane_width), &Theme::new(false))
        .rows
        .iter()
        .position(|(a, b)| (*a..=*b).contains(&line))
}

/// The first selectable row at or below `line`.
pub fn first_row_from(app: &App, line: usize) -> Option<usize> {
    built(app).rows.iter().position(|(a, _)| *a >= line)
}

/// How many lines the pane's content takes.
pub fn line_count(app: &App, pane_width: u16) -> usize {
    build(app, inner(pane_width), &Theme::new(false))
        .lines
        .len()
}

/// Draws the pane.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let focused = app.focus == Focus::Detail;
    let title = match (&app.view, app.nav.depth()) {
        (View::Record(id) | View::Loading(id), _) | (View::Failed { id: Some(id), .. }, _) => {
            format!(" {id} ")
        }
        _ => " swlog ".to_owned(),
    };
    let (back, forward) = app.nav.depth();
    let nav = match (back, forward) {
        (0, 0) => String::new(),
        (b, f) => format!(" ◀ {b} · {f} ▶ "),
    };
    let block = Block::bordered()
        .border_set(theme.borders())
        .padding(Padding::horizontal(1))
        .title(Line::from(title).style(theme.title()))
        .title(Line::from(nav).style(theme.dim()).right_aligned())
        .border_style(theme.border(focused));
    let inner_area = block.inner(area);
    let mut built = build(app, usize::from(inner_area.width), theme);
    if focused && let Some((first, last)) = built.rows.get(app.detail_selected).copied() {
        for line in built.lines.iter_mut().take(last + 1).skip(first) {
            highlight(line, usize::from(inner_area.width), theme.selected(true));
        }
    }
    let scroll = u16::try_from(app.detail_scroll).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(built.lines).scroll((scroll, 0)).block(block),
        area,
    );
}

/// Styles a whole row of `width` cells, not just its text (the selected row of a pane).
pub(super) fn highlight(line: &mut Line<'static>, width: usize, style: Style) {
    let fill = width.saturating_sub(line.width());
    line.push_span(Span::raw(" ".repeat(fill)));
    *line = std::mem::take(line).patch_style(style);
    super::theme::keep_legible(line);
}

/// Builds the pane's lines for an inside width of `width`.
pub fn build(app: &App, width: usize, theme: &Theme) -> Built {
    let mut b = Built::default();
    match &app.view {
        View::Welcome => welcome(app, width, theme, &mut b),
        View::Loading(id) => {
            b.lines
                .push(Line::styled(format!("Looking up {id}…"), theme.dim()));
        }
        View::Record(_) => {
            if let Some(p) = app.presented() {
                record(app, &p, width, theme, &mut b);
            }
        }
        View::Failed { id, failure } => failed(app, id.is_some(), failure, width, theme, &mut b),
    }
    b
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    // No hyphen splitting: dates and IDs break at spaces, or else anywhere.
    let options = textwrap::Options::new(width)
        .break_words(true)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let lines: Vec<String> = textwrap::wrap(text, options)
        .into_iter()
        .map(|c| c.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

fn paragraph(text: &str, width: usize, style: Style, b: &mut Built) {
    for l in wrap(text, width) {
        b.lines.push(Line::styled(l, style));
    }
}

fn welcome(app: &App, width: usize, theme: &Theme, b: &mut Built) {
    paragraph(
        "Paste a log ID (the Dashboard's Voice Segment ID, or a ticket line or URL holding one) and press Enter.",
        width,
        Style::new(),
        b,
    );
    b.lines.push(Line::raw(""));
    let c = &app.context;
    paragraph(
        &format!(
            "Space {} · project {} · profile {}",
            c.space, c.project, c.profile
        ),
        width,
        theme.dim(),
        b,
    );
    b.lines.push(Line::raw(""));
    if c.profile == "demo" {
        b.lines
            .push(Line::styled("Demo logs to try", theme.heading()));
        for (id, what) in crate::demo::SHOWCASE {
            b.rows.push((b.lines.len(), b.lines.len()));
            b.links.push(Uuid::try_parse(id).ok());
            b.copies
                .push(Some(("the log ID".to_owned(), (*id).to_owned())));
            b.lines.push(Line::from(vec![
                Span::styled(format!("{id} "), theme.tone(crate::present::Tone::Link)),
                Span::styled(*what, theme.dim()),
            ]));
        }
        paragraph(
            "Select one with ↓ and press Enter, or paste it.",
            width,
            theme.dim(),
            b,
        );
        b.lines.push(Line::raw(""));
    }
    use crate::app::Action as A;
    let hints = [
        (A::Submit, "look up"),
        (A::NextPane, "next pane"),
        (A::Help, "help"),
        (A::Quit, "quit"),
    ];
    paragraph(
        &super::status::key_hints(app.pane_context(), &hints),
        width,
        theme.dim(),
        b,
    );
}

fn record(app: &App, p: &Presented, width: usize, theme: &Theme, b: &mut Built) {
    let selected = app.detail_selected;
    let changed: &[String] = app
        .changed
        .as_ref()
        .map_or(&[], |(labels, _)| labels.as_slice());
    let mut title = vec![Span::styled(p.header.title.clone(), theme.title())];
    if let Some((status, outcome)) = &p.header.status {
        title.push(Span::raw("  "));
        let style = if changed.iter().any(|c| c == "Status") {
            theme.changed()
        } else {
            theme.outcome(*outcome)
        };
        title.push(Span::styled(format!("● {status}"), style));
    }
    if let Some(id) = app.nav.current()
        && let Some(at) = app.cached_at.get(&id)
    {
        let refreshing = app.in_flight.is_some_and(|f| f.id == id);
        let text = format!(
            "cached · fetched {}{}",
            app.clock().age(*at),
            if refreshing { " · refreshing…" } else { "" }
        );
        title.push(Span::raw("  "));
        title.push(Span::styled(text, theme.warn()));
    }
    if app.shown_is_live() {
        title.push(Span::raw("  "));
        if app.live.enabled && !app.live.interval.is_zero() {
            let every = app.live.interval.as_secs().max(1);
            title.push(Span::styled(
                format!("◉ LIVE · every {every}s · l: stop"),
                theme.warn(),
            ));
        } else {
            title.push(Span::styled("live refresh off · l: start", theme.dim()));
        }
    } else if let Some(note) = app.stale_note() {
        title.push(Span::raw("  "));
        title.push(Span::styled(note, theme.warn()));
    }
    b.lines.push(Line::from(title));
    let sub: Vec<&str> = [p.header.direction.as_deref(), p.header.source.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !sub.is_empty() {
        b.lines.push(Line::styled(sub.join(" · "), theme.dim()));
    }
    for note in &p.notes {
        paragraph(&format!("⚠ {note}"), width, theme.warn(), b);
    }
    b.lines.push(Line::raw(""));
    chain(app, width, theme, b);
    for row in &p.rows {
        let expanded = b.rows.len() == selected;
        let fresh = changed.contains(&row.label);
        field(row, LABEL_WIDTH, width, (expanded, fresh), theme, b);
    }
    if let Some(c) = &p.charges {
        b.lines.push(Line::raw(""));
        let fresh = changed.iter().any(|c| c == "Charges");
        b.lines.push(Line::styled(
            "Charges",
            if fresh {
                theme.changed()
            } else {
                theme.heading()
            },
        ));
        charges(c, width, theme, b);
    }
    if !p.extras.is_empty() {
        b.lines.push(Line::raw(""));
        let head = if p.rows.is_empty() {
            "Fields (as sent)"
        } else {
            "Extra fields (not in the API contract)"
        };
        b.lines.push(Line::styled(head, theme.heading()));
        let label_w = p
            .extras
            .iter()
            .map(|r| r.label.width())
            .max()
            .unwrap_or(0)
            // Not `clamp`: a pane under 22 columns makes the cap smaller than the floor, and
            // `clamp` panics then. The floor wins, as it does for the contract's own rows.
            .min(width / 2)
            .max(LABEL_WIDTH);
        for row in &p.extras {
            let expanded = b.rows.len() == selected;
            let fresh = changed.contains(&row.label);
            field(row, label_w, width, (expanded, fresh), theme, b);
        }
    }
}

/// The chain of legs: a breadcrumb from the first leg to this one, then a selectable row for
/// each other leg (parents above, known children below), which Enter opens.
fn chain(app: &App, width: usize, theme: &Theme, b: &mut Built) {
    let Some(id) = app.nav.current() else {
        return;
    };
    let children = app.known_children(id);
    let state = app.investigation.chains.get(&id);
    if state.is_none() && children.is_empty() {
        return;
    }
    let selected = app.detail_selected;
    let mut legs: Vec<Row> = Vec::new();
    let crumbs = match state {
        Some(ChainState::Loading) => "following the parent legs…".to_owned(),
        Some(ChainState::Resolved(c)) => {
            let rows = present_chain::rows(c);
            let mut crumbs: Vec<String> = Vec::new();
            for r in rows {
                if r.this_leg {
                    crumbs.push("this leg".to_owned());
                    continue;
                }
                crumbs.push(if r.tone == Tone::Normal {
                    r.label.clone()
                } else {
                    format!("⚠ {}", r.label)
                });
                let status = r
                    .status
                    .as_ref()
                    .map(|(s, _)| format!(" · {s}"))
                    .unwrap_or_default();
                let id_text = r.id.map(|i| format!(" · {i}")).unwrap_or_default();
                legs.push(Row {
                    label: "↑ parent".to_owned(),
                    // Problems (a missing parent, a loop) say what is wrong; legs say what they are.
                    value: if r.tone == Tone::Normal {
                        format!("{}{status}{id_text}", r.label)
                    } else {
                        format!("{}{id_text} · {}", r.label, r.detail)
                    },
                    tone: if r.tone == Tone::Normal {
                        Tone::Link
                    } else {
                        r.tone
                    },
                    copy: r.id.map(|i| i.to_string()),
                    link: r.id.filter(|_| r.tone == Tone::Normal),
                });
            }
            crumbs.join(" → ")
        }
        None => "this is the first leg".to_owned(),
    };
    let crumbs = if children.is_empty() {
        crumbs
    } else {
        format!(
            "{crumbs} → {} known child leg{}",
            children.len(),
            if children.len() == 1 { "" } else { "s" }
        )
    };
    for child in &children {
        let what = app
            .records
            .get(child)
            .map(|f| f.log.kind.short_label())
            .or_else(|| app.sidebar.history.get(*child).map(|e| e.title()))
            .unwrap_or_else(|| "leg".to_owned());
        legs.push(Row {
            label: "↓ child".to_owned(),
            value: format!("{} · {child}", crate::text::sanitize(&what)),
            tone: Tone::Link,
            copy: Some(child.to_string()),
            link: Some(*child),
        });
    }
    let label = format!("{:<LABEL_WIDTH$} ", "Chain");
    for (i, l) in wrap(&crumbs, width.saturating_sub(LABEL_WIDTH + 1))
        .into_iter()
        .enumerate()
    {
        let head = if i == 0 {
            label.clone()
        } else {
            " ".repeat(LABEL_WIDTH + 1)
        };
        b.lines.push(Line::from(vec![
            Span::styled(head, theme.label()),
            Span::styled(l, theme.dim()),
        ]));
    }
    for row in &legs {
        let expanded = b.rows.len() == selected;
        field(row, LABEL_WIDTH, width, (expanded, false), theme, b);
    }
    b.lines.push(Line::raw(""));
}

/// The breakdown: one line per charge with its share as a bar, then the total under the
/// amounts, then a warning when the lines do not add up.
fn charges(c: &crate::present::Charges, width: usize, theme: &Theme, b: &mut Built) {
    if c.lines.is_empty() {
        let text = if c.is_free {
            "  no charge".to_owned()
        } else {
            format!("  {} (no breakdown given)", c.total)
        };
        b.lines.push(Line::styled(
            text,
            if c.is_free {
                theme.dim()
            } else {
                theme.title()
            },
        ));
        return;
    }
    let amount_w = c
        .lines
        .iter()
        .map(|l| l.shown.width())
        .chain([c.total.width()])
        .max()
        .unwrap_or(0);
    let longest = c
        .lines
        .iter()
        .map(|l| l.description.width())
        .chain(["Total".width()])
        .max()
        .unwrap_or(0);
    // "  desc  amount  100%  bar": the bar takes what is left, up to 20 cells.
    let rest = width.saturating_sub(2 + 2 + amount_w + 6);
    let bar_w = if rest >= 24 { (rest / 3).min(20) } else { 0 };
    // Amounts sit next to the descriptions, not at the far edge of a wide pane.
    let desc_w = rest
        .saturating_sub(bar_w + usize::from(bar_w > 0))
        .min(longest)
        .max(4);
    for l in &c.lines {
        let desc = crate::text::truncate_chars(&l.description, desc_w).into_owned();
        let mut spans = vec![
            Span::raw(format!("  {desc:<desc_w$}  ")),
            Span::raw(format!("{:>amount_w$}", l.shown)),
            Span::styled(format!(" {:>4.0}%", l.share * 100.0), theme.dim()),
        ];
        if bar_w > 0 {
            let filled = ((l.share * bar_w as f64).round() as usize).min(bar_w);
            spans.push(Span::raw(" "));
            spans.push(Span::styled("█".repeat(filled), theme.bar()));
            spans.push(Span::styled("░".repeat(bar_w - filled), theme.dim()));
        }
        b.lines.push(Line::from(spans));
    }
    b.lines.push(Line::styled(
        format!("  {:<desc_w$}  {:>amount_w$}", "Total", c.total),
        theme.title(),
    ));
    if let Some(m) = &c.mismatch {
        paragraph(&format!("⚠ {m}"), width, theme.warn(), b);
    }
}

/// One selectable row: the label, then the value wrapped beside it; a long value is folded to
/// [`FOLDED_LINES`] lines unless the row is selected; a value the last live refresh changed is
/// highlighted.
fn field(
    row: &Row,
    label_w: usize,
    width: usize,
    (expanded, fresh): (bool, bool),
    theme: &Theme,
    b: &mut Built,
) {
    let first = b.lines.len();
    let value_w = width.saturating_sub(label_w + 1).max(8);
    let label = crate::text::truncate_chars(&row.label, label_w).into_owned();
    let mut chunks = wrap(&row.value, value_w);
    if !expanded && chunks.len() > FOLDED_LINES {
        chunks.truncate(FOLDED_LINES);
        if let Some(last) = chunks.last_mut() {
            *last = format!(
                "{}…",
                crate::text::truncate_chars(last, value_w.saturating_sub(1)).trim_end_matches('…')
            );
        }
    }
    for (i, chunk) in chunks.into_iter().enumerate() {
        let label_part = if i == 0 {
            format!("{label:<label_w$} ")
        } else {
            " ".repeat(label_w + 1)
        };
        b.lines.push(Line::from(vec![
            Span::styled(label_part, theme.label()),
            Span::styled(
                chunk,
                if fresh {
                    theme.changed()
                } else {
                    theme.tone(row.tone)
                },
            ),
        ]));
    }
    b.rows.push((first, b.lines.len() - 1));
    b.links.push(row.link);
    b.copies.push(Some((
        format!("`{}`", row.label.trim()),
        row.copy_text().to_owned(),
    )));
}

fn failed(app: &App, has_id: bool, failure: &Failure, width: usize, theme: &Theme, b: &mut Built) {
    let (title, message, hints) = match failure {
        Failure::BadId(e) => (
            "Not a log ID".to_owned(),
            e.to_string(),
            vec!["Paste the Voice Segment ID from the Dashboard or the ticket: 36 characters like 3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11. A URL or ticket line holding exactly one ID works too.".to_owned()],
        ),
        // The items are listed one by one below.
        Failure::Api(e @ ApiError::Unprocessable { target, .. }) => (
            capitalise(e.short()),
            format!("The server refused the request (HTTP 422) in space {} for project {}:", target.space, target.project),
            hints_for(app, e),
        ),
        Failure::Api(e) => (capitalise(e.short()), e.to_string(), hints_for(app, e)),
    };
    b.lines
        .push(Line::styled(format!("✗ {title}"), theme.error()));
    b.lines.push(Line::raw(""));
    paragraph(&message, width, Style::new(), b);
    if let Failure::Api(ApiError::Unprocessable { items, .. }) = failure {
        b.lines.push(Line::raw(""));
        for item in items {
            let attr = item
                .attribute
                .as_deref()
                .map(|a| format!(" · attribute {a}"))
                .unwrap_or_default();
            let head = format!("• {}{attr}", item.code.as_deref().unwrap_or("error"));
            paragraph(&head, width, theme.warn(), b);
            paragraph(
                &format!("  {}", item.message.as_deref().unwrap_or("(no message)")),
                width,
                Style::new(),
                b,
            );
        }
    }
    b.lines.push(Line::raw(""));
    b.lines.push(Line::styled("What to try", theme.heading()));
    for h in hints {
        for (i, l) in wrap(&h, width.saturating_sub(2)).into_iter().enumerate() {
            b.lines.push(Line::raw(if i == 0 {
                format!("• {l}")
            } else {
                format!("  {l}")
            }));
        }
    }
    if has_id {
        b.lines.push(Line::raw("• Press r to try again."));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn hints_for(app: &App, e: &ApiError) -> Vec<String> {
    let space = &app.context.space;
    match e {
        ApiError::NotFound { .. } => vec![
            "Check that the whole ID was copied.".to_owned(),
            format!("The log may belong to another space or project than {space}: try swlog --profile NAME."),
        ],
        ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => vec![
            "Check the project ID and token in effect: swlog config shows them (token redacted).".to_owned(),
            "The token needs the Voice scope: Dashboard → API → your token → scopes.".to_owned(),
        ],
        ApiError::Unprocessable { .. } => vec!["If an item names a scope, give the token the Voice scope.".to_owned()],
        ApiError::RateLimited { .. } => vec!["Wait a moment: the API limits how fast a project may ask.".to_owned()],
        ApiError::Server { .. } | ApiError::Status { .. } => vec!["SignalWire had a problem answering; it is usually brief.".to_owned()],
        ApiError::Timeout { .. } | ApiError::Refused { .. } | ApiError::Network { .. } => {
            vec!["Check your network, VPN or proxy.".to_owned(), "A slow network may need a longer --timeout.".to_owned()]
        }
        ApiError::Dns { .. } => vec![format!("Check the space name ({space}) and your DNS or VPN.")],
        ApiError::Tls { .. } => vec!["A proxy that intercepts TLS, or a wrong --base-url, causes this.".to_owned()],
        ApiError::Html { .. } | ApiError::Empty { .. } | ApiError::Truncated { .. } | ApiError::NotJson { .. } | ApiError::NotObject { .. } => vec![
            "Something other than the SignalWire API answered: a proxy, a captive portal or a wrong --base-url.".to_owned(),
        ],
        ApiError::TooLarge { limit } => vec![format!("The answer was over {} — not a voice log.", human_bytes(*limit))],
        ApiError::Proxy { .. } => vec!["Check the proxy settings ($HTTPS_PROXY, $ALL_PROXY, $NO_PROXY).".to_owned()],
        ApiError::Redirect { .. } | ApiError::WrongId { .. } => vec![
            "Something other than the SignalWire API answered: a proxy or a wrong --base-url.".to_owned(),
        ],
        ApiError::BadRequest { .. } | ApiError::Setup(_) => vec![],
    }
}

fn human_bytes(n: usize) -> String {
    if n >= 1024 * 1024 {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}
