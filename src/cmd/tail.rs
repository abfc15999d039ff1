//! `swlog tail [QUERY]...`: print each new log matching the search once when it appears and once
//! more when it changes, until interrupted. The polling is the tail engine's ([`crate::tail`]);
//! this is its words: one aligned line a log (or the row as received, `--format ndjson`), the
//! waits and give-ups on stderr, and the ends (Ctrl-C 130, SIGTERM 143, a closed pipe quietly).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{Args, ValueEnum};
use crossterm::style::Stylize;
use unicode_width::UnicodeWidthStr;

use super::cli::Global;
use super::exit::{self, Failure};
use super::{Error, Exit};
use crate::api::list::ListError;
use crate::api::model::Outcome;
use crate::export::ndjson;
use crate::list::Row;
use crate::present::format::{Clock, duration_ms, money};
use crate::query::{Query, QueryError, Term, terms};
use crate::tail::{Event, Options, Tail, changes};
use crate::text::{sanitize, truncate_chars};

/// Exit codes of `swlog tail`.
pub const EXIT_CODES: &str = "\
Exit codes:
  2  usage or configuration error (a search word it cannot understand: nothing is sent)
  4  authentication or authorisation refused (a failure asking again cannot mend)
  130  interrupted by Ctrl-C, 143 by SIGTERM (the usual way to end it)
A closed pipe (swlog tail | head -2) ends it quietly with 0. Network and server faults, 429s
and 5xx are waited out (said on stderr) and the tail resumes by itself.";

const EXAMPLES: &str = "\
Examples:
  swlog tail                                  every new call, as it arrives and as it ends
  swlog tail \"(415) 555-0123\" status:failed   only that number's failed calls
  swlog tail --since 10m --format ndjson      the last ten minutes first, then new ones, as JSON";

/// `swlog tail`.
#[derive(Debug, Args)]
#[command(after_help = format!("{EXAMPLES}\n\n{EXIT_CODES}"))]
pub struct TailArgs {
    /// Search words, as `swlog list` takes them (numbers, status:, type:, dir:, ...); no until:.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Print the logs since this first (10m, 2h, a local time), then the new ones.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Seconds between polls (default: 2 while a shown call is not final, 5 when all are).
    /// Requests stay at one a second on average whatever it says.
    #[arg(long, value_name = "SECONDS", value_parser = interval)]
    pub interval: Option<Duration>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TailFormat::Text)]
    pub format: TailFormat,
    /// No demo note on stderr (waits and errors are still said).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Output formats of `swlog tail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TailFormat {
    /// One aligned line a log: local time, status, type, from -> to, duration, charge, short ID.
    Text,
    /// The row as received, one a line, each time it is printed.
    Ndjson,
}

/// `2`, `0.5`, `2s` or `500ms`: between 0.1 s and an hour.
fn interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let secs = if let Some(ms) = s.strip_suffix("ms") {
        ms.trim().parse::<f64>().map(|m| m / 1000.0)
    } else {
        s.strip_suffix('s').unwrap_or(s).trim().parse::<f64>()
    };
    match secs {
        Ok(x) if (0.1..=3600.0).contains(&x) => Ok(Duration::from_secs_f64(x)),
        _ => Err(format!(
            "`{}` is not an interval: seconds between 0.1 and 3600 (2, 0.5, 2s, 500ms)",
            sanitize(s)
        )),
    }
}

impl TailArgs {
    /// The search: the words, then `--since` as the word it stands for.
    pub fn query(&self, clock: &Clock) -> Result<Query, QueryError> {
        let mut all = terms(&self.query.join(" "));
        if let Some(v) = &self.since {
            all.push(Term::keyed("since", v));
        }
        Query::from_terms(all, clock)
    }
}

/// Runs `swlog tail` on the process's stdout and stderr; returns the exit code.
pub async fn command(
    global: &Global,
    args: &TailArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let color = std::io::stdout().is_terminal()
        && crate::ui::theme::color_allowed(&|k| std::env::var(k).ok());
    Ok(run(global, args, color, &super::stdout_closed, out, err).await?)
}

/// `swlog tail` on any writers; `closed` says whether the reader of `out` went away.
pub async fn run(
    global: &Global,
    args: &TailArgs,
    color: bool,
    closed: &dyn Fn() -> bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let clock = Clock::system();
    let query = match args.query(&clock) {
        Ok(q) if q.until.is_some() => {
            writeln!(
                err,
                "swlog: tail watches from now on: until: has no place in its search (use swlog list)"
            )?;
            return Ok(Exit::Usage);
        }
        Ok(q) => q,
        Err(e) => {
            writeln!(err, "swlog: {e}")?;
            return Ok(Exit::Usage);
        }
    };
    let session = match super::session_for(global, args.quiet, err).await? {
        Ok(s) => s,
        Err(exit) => return Ok(exit),
    };
    let mut options = Options {
        since: query.since,
        max_age: session.settings.live_max_age,
        ..Options::default()
    };
    if let Some(every) = args.interval {
        options = options.every(every);
    }
    follow(
        Tail::new(&session.client, session.index.clone(), query, options),
        args.format,
        color,
        closed,
        out,
        err,
    )
    .await
}

/// How often a wait looks whether standard output's reader went away.
const CLOSED_POLL: Duration = Duration::from_millis(250);

/// Runs `tail` until a signal, a closed output or a lasting failure; prints what it finds.
pub async fn follow(
    mut tail: Tail,
    format: TailFormat,
    color: bool,
    closed: &dyn Fn() -> bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let clock = Clock::system();
    let mut interrupt = std::pin::pin!(super::signal::interrupted());
    let mut ticker = tokio::time::interval(CLOSED_POLL);
    loop {
        let events = tokio::select! {
            // A signal wins over a poll that is ready at the same moment.
            biased;
            signal = &mut interrupt => {
                let e = ListError::Interrupted { signal };
                return Ok(exit::of(Failure::Scan(&e)));
            }
            _ = ticker.tick() => {
                // A reader that went away (`| head -2`) is noticed while waiting, not at the
                // next new call, which may be minutes off.
                if closed() {
                    return Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
                }
                continue;
            }
            events = tail.next() => events,
        };
        let events = match events {
            Ok(events) => events,
            Err(e) => {
                writeln!(err, "swlog: the tail stopped: {}", sanitize(&e.to_string()))?;
                return Ok(exit::of(Failure::Scan(&e)));
            }
        };
        for event in &events {
            print(event, format, color, &clock, out, err)?;
        }
        out.flush()?;
    }
}

fn print(
    event: &Event,
    format: TailFormat,
    color: bool,
    clock: &Clock,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    match event {
        Event::New(row) => match format {
            TailFormat::Text => writeln!(out, "{}", line(row, clock, color)),
            TailFormat::Ndjson => ndjson::line(out, &row.raw),
        },
        Event::Changed { row, was } => match format {
            TailFormat::Text => {
                let what: Vec<String> = changes(was, row)
                    .into_iter()
                    .map(|c| match c {
                        "status" => format!("status was {}", cell(&was.cell("status"))),
                        other => other.to_owned(),
                    })
                    .collect();
                writeln!(
                    out,
                    "{}  · changed: {}",
                    line(row, clock, color),
                    what.join(", ")
                )
            }
            TailFormat::Ndjson => ndjson::line(out, &row.raw),
        },
        Event::Dropped { row, age } => writeln!(
            err,
            "swlog: {} still {} after {}: no longer watched (live_max_age_hours)",
            short_id(row),
            cell(&row.cell("status")),
            age_words(*age)
        ),
        Event::Failed {
            error,
            wait,
            failures,
        } => writeln!(
            err,
            "swlog: a poll failed{}: {}; trying again in {}",
            if *failures == 1 {
                String::new()
            } else {
                format!(" ({failures} in a row)")
            },
            sanitize(&error.to_string()),
            wait_words(*wait)
        ),
        Event::Resumed { failures } => writeln!(
            err,
            "swlog: polling again after {failures} failed {}",
            if *failures == 1 { "poll" } else { "polls" }
        ),
    }
}

/// A server string as one cell: visible escapes, at most 40 characters.
fn cell(s: &str) -> String {
    truncate_chars(&sanitize(s), 40).into_owned()
}

fn short_id(row: &Row) -> String {
    cell(&row.cell("id")).chars().take(8).collect()
}

/// Pads `s` to `width` columns.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// `12:03:04  completed    PSTN call    +14155550123 → +12065553434  42s  $0.0085  d1c2b3a4`:
/// fixed widths, so that the lines of a tail line up.
pub fn line(row: &Row, clock: &Clock, color: bool) -> String {
    let at = row.created_at.map_or_else(
        || " ".repeat(8),
        |t| {
            let local = clock.local(t);
            local.get(11..19).unwrap_or(&local).to_owned()
        },
    );
    let status = pad(&cell(&row.cell("status")), 11);
    let status = match (color, row.outcome) {
        (false, _) | (_, Outcome::Unknown) => status,
        (true, Outcome::Good) => status.green().to_string(),
        (true, Outcome::Bad) => status.red().to_string(),
        (true, Outcome::Live) => status.yellow().to_string(),
    };
    let side = |k: &str| pad(&truncate_chars(&sanitize(&row.cell(k)), 24), 24);
    let duration = row
        .duration_ms
        .filter(|ms| *ms > 0)
        .map(duration_ms)
        .unwrap_or_default();
    format!(
        "{at}  {status}  {}  {} → {}  {}  {}  {}",
        pad(&cell(&row.kind), 11),
        side("from"),
        side("to"),
        pad(&duration, 10),
        pad(&row.charge.map(money).unwrap_or_default(), 8),
        short_id(row)
    )
}

fn age_words(age: chrono::TimeDelta) -> String {
    let m = age.num_minutes();
    if m >= 120 {
        format!("{}h", m / 60)
    } else {
        format!("{m}m")
    }
}

fn wait_words(wait: Duration) -> String {
    if wait < Duration::from_secs(1) {
        format!("{} ms", wait.as_millis())
    } else {
        format!("{} s", wait.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_seconds_within_a_range() {
        assert_eq!(interval("2"), Ok(Duration::from_secs(2)));
        assert_eq!(interval("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(interval("0.5s"), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "nan", "1e9", "2h", "\u{1b}[31m"] {
            let e = interval(bad).unwrap_err();
            assert!(!e.contains('\u{1b}'), "{e}");
        }
    }
}
