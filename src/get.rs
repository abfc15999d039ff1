//! `swlog get`: fetch logs concurrently over one client and print them in input order.

use std::io::{BufRead, Write};

use crossterm::style::Stylize;
use futures::StreamExt;
use uuid::Uuid;

use crate::api::error::ErrorClass;
use crate::api::{ApiError, Client, Fetched, extract_id};
use crate::cli::{Format, exit};
use crate::present::format::Clock;
use crate::present::{Presented, Tone, present};
use crate::text::{json_for_terminal, sanitize};

/// How `swlog get` prints.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Text or JSON.
    pub format: Format,
    /// Whether to colour text output.
    pub color: bool,
    /// Whether the data comes from the demo server.
    pub demo: bool,
}

/// Where `swlog get` records its lookups, so that they show in the inspector's sidebar.
#[derive(Debug)]
pub struct Recorder<'a> {
    /// The history.
    pub history: &'a mut crate::history::History,
    /// The profile in effect.
    pub profile: &'a str,
    /// The space looked in.
    pub space: &'a str,
}

impl Recorder<'_> {
    fn record(
        &mut self,
        id: Uuid,
        result: &Result<Fetched, ApiError>,
        err: &mut dyn Write,
    ) -> std::io::Result<()> {
        let warnings = match result {
            Ok(f) => self.history.record_fetched(id, self.profile, self.space, f),
            Err(e) => {
                self.history
                    .record_error(id, chrono::Utc::now(), self.profile, self.space, e)
            }
        };
        for w in warnings {
            writeln!(err, "swlog: {w}")?;
        }
        Ok(())
    }
}

/// Reads the IDs: each argument, with `-` standing for the lines of `stdin`.
pub fn collect_inputs(args: &[String], stdin: &mut dyn BufRead) -> std::io::Result<Vec<String>> {
    let mut inputs = Vec::new();
    let mut read_stdin = false;
    for arg in args {
        if arg == "-" {
            if !read_stdin {
                read_stdin = true;
                for line in stdin.lines() {
                    let line = line?;
                    if !line.trim().is_empty() {
                        inputs.push(line);
                    }
                }
            }
        } else {
            inputs.push(arg.clone());
        }
    }
    Ok(inputs)
}

/// Parses every input as an ID; any bad one is a usage error and nothing is fetched.
pub fn parse_inputs(inputs: &[String]) -> Result<Vec<Uuid>, Vec<String>> {
    let mut ids = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for (n, input) in inputs.iter().enumerate() {
        match extract_id(input) {
            Ok(id) => ids.push(id),
            Err(e) if inputs.len() == 1 => errors.push(e.to_string()),
            Err(e) => errors.push(format!("ID #{}: {e}", n + 1)),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// Fetches `ids` with at most `concurrency` in flight, prints each result in input order, and
/// returns the exit code.
pub async fn run(
    client: &Client,
    ids: &[Uuid],
    concurrency: usize,
    output: Output,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut recorder: Option<Recorder<'_>>,
) -> std::io::Result<u8> {
    let clock = Clock::system();
    let mut results = futures::stream::iter(ids.iter().copied())
        .map(|id| async move { (id, client.fetch_log(id).await) })
        .buffered(concurrency.max(1));
    let mut found = 0usize;
    let mut failures: Vec<ErrorClass> = Vec::new();
    let mut json_items: Vec<serde_json::Value> = Vec::new();
    let mut first_text = true;
    if output.demo {
        writeln!(
            err,
            "swlog: demo data from the built-in demo server at {}",
            client.endpoint().base()
        )?;
    }
    while let Some((id, result)) = results.next().await {
        if let Some(r) = recorder.as_mut() {
            r.record(id, &result, err)?;
        }
        match result {
            Ok(fetched) => {
                found += 1;
                match output.format {
                    Format::Json => {
                        json_items.push(serde_json::Value::Object(fetched.log.raw.clone()))
                    }
                    Format::Text => {
                        if !first_text {
                            writeln!(out)?;
                        }
                        first_text = false;
                        out.write_all(render_text(&fetched, &clock, output).as_bytes())?;
                        out.flush()?;
                    }
                }
            }
            Err(e) => {
                failures.push(e.class());
                writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
            }
        }
    }
    if output.format == Format::Json && found > 0 {
        let value = if ids.len() == 1 && json_items.len() == 1 {
            json_items.remove(0)
        } else {
            serde_json::Value::Array(json_items)
        };
        let pretty = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
        writeln!(out, "{}", json_for_terminal(&pretty))?;
    }
    Ok(exit_code(found, &failures))
}

/// The exit code for `found` successes and these failures.
pub fn exit_code(found: usize, failures: &[ErrorClass]) -> u8 {
    if failures.is_empty() {
        exit::OK
    } else if found > 0 {
        exit::PARTIAL
    } else if failures.contains(&ErrorClass::Auth) {
        exit::AUTH
    } else if failures.iter().all(|c| *c == ErrorClass::NotFound) {
        exit::NOT_FOUND
    } else {
        exit::REMOTE
    }
}

/// The exit code for one error.
pub fn exit_code_of(e: &ApiError) -> u8 {
    exit_code(0, &[e.class()])
}

fn paint(s: &str, tone: Tone, color: bool) -> String {
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
        s.push_str(&format!("  {:<width$}  {}\n", "Charge", c.total));
        if c.lines.is_empty() {
            let what = if c.is_free {
                "no charge"
            } else {
                "no breakdown given"
            };
            s.push_str(&format!(
                "  {:<width$}    {}\n",
                "",
                paint(what, Tone::Empty, color)
            ));
        }
        let dw = c
            .lines
            .iter()
            .map(|l| l.description.chars().count())
            .max()
            .unwrap_or(0);
        let aw = c
            .lines
            .iter()
            .map(|l| l.shown.chars().count())
            .max()
            .unwrap_or(0);
        for l in &c.lines {
            let bar = "█".repeat((l.share * 20.0).round() as usize);
            s.push_str(&format!(
                "  {:<width$}    {:<dw$}  {:>aw$}  {:>3.0}%  {bar}\n",
                "",
                l.description,
                l.shown,
                l.share * 100.0
            ));
        }
        if let Some(m) = &c.mismatch {
            s.push_str(&format!(
                "  {:<width$}    {}\n",
                "",
                paint(&format!("⚠ {m}"), Tone::Warn, color)
            ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_ids_are_read_once_and_blank_lines_skipped() {
        let mut stdin = std::io::Cursor::new("a\n\n  \nb\n");
        let args = vec![
            "x".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "y".to_owned(),
        ];
        assert_eq!(
            collect_inputs(&args, &mut stdin).unwrap(),
            ["x", "a", "b", "y"]
        );
    }

    #[test]
    fn bad_ids_are_all_reported_by_position() {
        let inputs = vec![
            "b7182dc2-00f3-40e4-a5ce-20f164b329df".to_owned(),
            "nope".to_owned(),
            String::new(),
        ];
        let errors = parse_inputs(&inputs).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("ID #2: no log ID in \"nope\""),
            "{}",
            errors[0]
        );
        assert_eq!(errors[1], "ID #3: no log ID given");
    }

    #[test]
    fn exit_codes() {
        use ErrorClass::*;
        assert_eq!(exit_code(3, &[]), exit::OK);
        assert_eq!(exit_code(1, &[NotFound]), exit::PARTIAL);
        assert_eq!(exit_code(0, &[NotFound, NotFound]), exit::NOT_FOUND);
        assert_eq!(exit_code(0, &[NotFound, Auth]), exit::AUTH);
        assert_eq!(exit_code(0, &[NotFound, Remote]), exit::REMOTE);
    }
}
