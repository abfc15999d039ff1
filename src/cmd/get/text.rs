//! `swlog get`'s text: each log as the inspector shows it, as plain aligned lines, with its
//! chain and events when asked for; coloured only on a terminal.

use crossterm::style::Stylize;

use super::Output;
use crate::api::{ApiError, Fetched, FetchedEvents};
use crate::chain::Chain;
use crate::present::charges::{TEXT_LINES, TableRow};
use crate::present::format::Clock;
use crate::present::{Charges, Presented, Tone, present};
use crate::text::sanitize;

/// The "Chain" section of the text output.
pub(crate) fn render_chain(chain: &Chain, color: bool) -> String {
    let mut s = "  Chain (first leg first)\n".to_owned();
    for (line, tone) in crate::present::chain::lines(chain, "    ") {
        s.push_str(&paint(&line, tone, color));
        s.push('\n');
    }
    s
}

/// The "Events" section of the text output.
pub(crate) fn render_events(
    events: &Result<FetchedEvents, ApiError>,
    clock: &Clock,
    color: bool,
) -> String {
    use crate::present::events::{NO_EVENTS, timeline};
    let mut s = "  Events\n".to_owned();
    let lines = match events {
        Ok(e) => timeline(&e.events, clock).lines("    "),
        Err(ApiError::NotFound { .. }) => vec![(format!("    {NO_EVENTS}"), Tone::Empty)],
        Err(e) => vec![(
            format!(
                "    Could not fetch the events: {}",
                sanitize(&e.to_string())
            ),
            Tone::Bad,
        )],
    };
    for (line, tone) in lines {
        s.push_str(&paint(&line, tone, color));
        s.push('\n');
    }
    s
}

/// `s` in its tone's terminal colour, or as it is without colour.
pub(crate) fn paint(s: &str, tone: Tone, color: bool) -> String {
    if !color {
        return s.to_owned();
    }
    match tone {
        Tone::Good => s.green().to_string(),
        Tone::Bad => s.red().to_string(),
        Tone::Live | Tone::Warn => s.yellow().to_string(),
        Tone::Empty | Tone::Odd => s.dark_grey().to_string(),
        Tone::Link => s.cyan().to_string(),
        Tone::Normal => s.to_owned(),
    }
}

/// The text form of one log: what the inspector shows, as plain aligned lines.
pub fn render_text(fetched: &Fetched, clock: &Clock, output: Output) -> String {
    let p = present(&fetched.log, clock);
    render_presented(&p, output)
}

/// The text form of a presented log.
pub fn render_presented(p: &Presented, output: Output) -> String {
    let color = output.color;
    let mut s = String::new();
    let title = if color {
        p.header.title.clone().bold().to_string()
    } else {
        p.header.title.clone()
    };
    s.push_str(&title);
    if let Some((status, outcome)) = &p.header.status {
        s.push_str("  ");
        s.push_str(&paint(status, (*outcome).into(), color));
    }
    if output.demo {
        s.push_str("  (demo data)");
    }
    s.push('\n');
    let mut rows: Vec<(String, String, Tone)> = Vec::new();
    if let Some(d) = &p.header.direction {
        rows.push(("Direction".into(), d.clone(), Tone::Normal));
    }
    if let Some(src) = &p.header.source {
        rows.push(("Source".into(), src.clone(), Tone::Normal));
    }
    rows.extend(
        p.rows
            .iter()
            .map(|r| (r.label.clone(), r.value.clone(), r.tone)),
    );
    let width = rows
        .iter()
        .map(|(l, _, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    for (label, value, tone) in &rows {
        s.push_str(&format!(
            "  {label:<width$}  {}\n",
            paint(value, *tone, color)
        ));
    }
    for note in &p.notes {
        s.push_str(&format!("  {}\n", paint(note, Tone::Warn, color)));
    }
    if let Some(c) = &p.charges {
        // A huge breakdown lists its first lines and counts the rest, so that the work (and
        // the output) stays bounded.
        let table = c.table(Some(TEXT_LINES));
        let w = Charges::widths(&table, |t| t.chars().count());
        let (dw, aw) = (w.description, w.amount);
        let note = |text: &str, tone| format!("  {:<width$}    {}\n", "", paint(text, tone, color));
        for row in &table {
            match row {
                TableRow::Total(total) => {
                    s.push_str(&format!("  {:<width$}  {total}\n", "Charge"));
                }
                TableRow::Free => s.push_str(&note("no charge", Tone::Empty)),
                TableRow::NoBreakdown => s.push_str(&note("no breakdown given", Tone::Empty)),
                TableRow::Line(l) => {
                    let bar = "█".repeat((l.share * 20.0).round() as usize);
                    s.push_str(&format!(
                        "  {:<width$}    {:<dw$}  {:>aw$}  {:>3.0}%  {bar}\n",
                        "",
                        l.description,
                        l.shown,
                        l.share * 100.0
                    ));
                }
                TableRow::More(more) => s.push_str(&note(&more.text(), Tone::Empty)),
                TableRow::Mismatch(m) => s.push_str(&note(&format!("⚠ {m}"), Tone::Warn)),
            }
        }
    }
    if !p.extras.is_empty() {
        s.push_str(if p.rows.is_empty() {
            "  Fields\n"
        } else {
            "  Extra fields\n"
        });
        let ew = p
            .extras
            .iter()
            .map(|r| r.label.chars().count())
            .max()
            .unwrap_or(0);
        for r in &p.extras {
            s.push_str(&format!(
                "    {:<ew$}  {}\n",
                r.label,
                paint(&r.value, r.tone, color)
            ));
        }
    }
    s
}
