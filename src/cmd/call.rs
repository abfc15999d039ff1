//! `swlog call ID`: the whole call a leg belongs to — every leg as a tree, the total with its
//! breakdown, and the legs' merged timeline — as text or JSON.

use std::io::{IsTerminal as _, Write};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::cli::Global;
use super::exit::{self, Failure};
use super::get::paint;
use super::{Error, Exit};
use crate::api::extract_id;
use crate::api::list::PageSizeMemory;
use crate::call::{self, Call, CallError, Leg};
use crate::chain::Link;
use crate::list::scan::{Scan, Stop};
use crate::present::format::Clock;
use crate::present::format::counted;
use crate::search::{Options, Search};
use crate::text::{json_for_terminal, sanitize};

/// Exit codes of `swlog call`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the whole call was found
  1  the tree or its timeline is partial: a page of the scan, a parent or a leg's events
     failed, or the scan stopped at its cap (each on stderr; what was found is printed)
  2  usage or configuration error
  3  the given ID was not found
  4  authentication or authorisation refused
  5  the scan of the call's window failed (network, server or paging fault), or the leg
     could not be fetched";

/// `swlog call`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct CallArgs {
    /// Any leg's log ID (a pasted ticket line or Dashboard URL works too).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Do not fetch the legs' events: no timeline, and in JSON `"events": null` (not `[]`,
    /// which is legs that had no events).
    #[arg(long)]
    pub no_events: bool,
    /// Ignore the local index: read the call's whole window from the server (and index it
    /// afresh).
    #[arg(long)]
    pub fresh: bool,
}

/// Output formats of `swlog call`: a tree is not a table, so no CSV or NDJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The tree, the total with its breakdown and the merged timeline.
    Text,
    /// One object: root, legs (each body as received), orphans, total, charges, events (null
    /// with --no-events).
    Json,
}

/// Runs `swlog call` on the process's stdout and stderr.
pub async fn command(
    global: &Global,
    args: &CallArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let id = extract_id(&args.id).map_err(|e| Error::Usage(e.to_string()))?;
    let session = match super::session_for(global, false, err).await? {
        Ok(s) => s,
        Err(exit) => return Ok(exit),
    };
    let color = std::io::stdout().is_terminal()
        && crate::ui::theme::color_allowed(&|k| std::env::var(k).ok());
    let clock = Clock::system();
    let within = session.settings.events_within;
    let search = Search {
        client: &session.client,
        index: &session.index,
        options: Options {
            fresh: args.fresh,
            offline: false,
            streams: session.settings.index.streams,
            now: None,
        },
        memory: PageSizeMemory::default(),
    };
    Ok(run(&search, id, args, within, &clock, color, out, err).await?)
}

/// `swlog call` for `id` on any writers; the legs' events may take `within` in all. As text,
/// the tree is printed first and the timeline once the events are in (or the time is up).
#[allow(clippy::too_many_arguments)]
pub async fn run(
    search: &Search<'_>,
    id: uuid::Uuid,
    args: &CallArgs,
    within: std::time::Duration,
    clock: &Clock,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let tree_first = args.format == Format::Text && !args.no_events;
    let events = (!args.no_events && !tree_first).then_some(within);
    let client = search.client;
    let notices = std::cell::RefCell::new(Vec::new());
    let notices = &notices;
    let find = |query, limits| async move {
        let answer = search
            .run(query, limits, |_| {}, std::future::pending())
            .await;
        notices.borrow_mut().extend(answer.notices);
        Scan {
            rows: answer.rows,
            progress: answer.progress,
            end: answer.end,
        }
    };
    let loaded = call::load_with(client, id, events, find).await;
    for notice in notices.take() {
        writeln!(err, "swlog: {}", sanitize(&notice))?;
    }
    if let Ok(call) = &loaded {
        // The legs walked up one by one are rows of the index too.
        let read = call.chain.legs().map(|(_, log)| log.raw.clone()).collect();
        crate::search::remember(search.index, client, read).await;
    }
    for notice in search.index.take_notices() {
        writeln!(err, "swlog: {}", sanitize(&notice))?;
    }
    let mut call = match loaded {
        Ok(call) => call,
        Err(CallError::Leg(e)) => {
            writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
            return Ok(exit::of(Failure::Lookup(e.class())));
        }
    };
    match args.format {
        Format::Text => {
            for (line, tone) in call::lines::text(&call, clock) {
                writeln!(out, "{}", paint(&line, tone, color))?;
            }
            if tree_first {
                out.flush()?;
                call.timeline =
                    Some(call::timeline::fetch_within(client, &call.tree, within).await);
                for (line, tone) in call::lines::timeline_section(&call) {
                    writeln!(out, "{}", paint(&line, tone, color))?;
                }
            }
        }
        Format::Json => {
            let pretty =
                serde_json::to_string_pretty(&to_json(&call)).map_err(std::io::Error::other)?;
            writeln!(out, "{}", json_for_terminal(&pretty))?;
        }
    }
    out.flush()?;
    report(&call, err)
}

/// Names each failure on stderr and gives the exit code: 5 when the scan failed before any
/// page (its own code for refused credentials or requests), 1 when something else is missing.
pub(super) fn report(call: &Call, err: &mut dyn Write) -> std::io::Result<Exit> {
    let mut partial = false;
    if let Some(Link::Missing { id, why }) = call.chain.links.first() {
        writeln!(err, "swlog: parent {id}: {}", sanitize(&why.to_string()))?;
        partial = true;
    }
    if call.scan.is_none() {
        writeln!(
            err,
            "swlog: no leg of the chain says when it was created: the call's window was not scanned (only the legs up from this one are shown)"
        )?;
    }
    if let Some(scan) = &call.scan
        && let Err(e) = &scan.end
    {
        writeln!(
            err,
            "swlog: the scan of the call's window stopped after {}: {}",
            counted(scan.progress.scanned, "log", "logs"),
            sanitize(&e.to_string())
        )?;
        if scan.progress.pages == 0 {
            return Ok(exit::of(Failure::Scan(e)));
        }
        partial = true;
    }
    // A scan stopped at its cap read only part of the window: legs may be missing, and the
    // exit code says so as the README does (1), never 0.
    if let Some(scan) = &call.scan
        && matches!(scan.end, Ok(Stop::ScanCap | Stop::Limit))
    {
        writeln!(
            err,
            "swlog: the scan of the call's window stopped at its cap after {}: legs may be missing",
            counted(scan.progress.scanned, "log", "logs")
        )?;
        partial = true;
    }
    if let Some(t) = &call.timeline {
        for (_, id, why) in &t.failed {
            writeln!(err, "swlog: {id}: events: {}", sanitize(&why.to_string()))?;
            partial = true;
        }
    }
    if call.tree.capped() {
        writeln!(
            err,
            "swlog: the tree stops at {} ({} left out)",
            counted(call.tree.legs.len(), "leg", "legs"),
            call.tree.left_out
        )?;
    }
    Ok(if partial { Exit::Partial } else { Exit::Ok })
}

/// A sum of dollars without the float noise of adding (`0.058000000000000003`).
fn dollars(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

fn leg_json(leg: &Leg) -> Value {
    json!({
        "id": leg.id.to_string(),
        "parent_id": leg.parent.map(|p| p.to_string()),
        "depth": leg.depth,
        "log": Value::Object(leg.log.raw.clone()),
    })
}

/// The JSON form: the legs with their bodies as received, the total and breakdown, the merged
/// events, and whether the tree is complete.
pub fn to_json(call: &Call) -> Value {
    let total = call.total();
    // Not asked for (`--no-events`) is null, told apart from legs that had no events (`[]`).
    let events: Option<Vec<Value>> = call.timeline.as_ref().map(|t| {
        t.entries
            .iter()
            .map(|e| {
                let raw = |k: &str| e.event.raw.get(k).cloned().unwrap_or(Value::Null);
                json!({
                    "log_id": e.log_id.to_string(),
                    "event_at": raw("event_at"),
                    "level": raw("level"),
                    "name": raw("name"),
                    "details": raw("details"),
                })
            })
            .collect()
    });
    json!({
        "root": call.tree.root.to_string(),
        "legs": call.tree.legs.iter().map(leg_json).collect::<Vec<_>>(),
        "orphans": call.tree.orphans.iter().map(leg_json).collect::<Vec<_>>(),
        "total_charge": dollars(total.charge),
        "charges": total
            .lines
            .iter()
            .map(|(d, c)| json!({"description": d, "charge": dollars(*c)}))
            .collect::<Vec<_>>(),
        "events": events,
        "complete": call.is_complete(),
        // The total's caveats, as the text says them: legs not counted, lines that do not add up.
        "notes": call::lines::total_notes(&total, &call.tree),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{ScanReport, tree::Tree};
    use crate::chain::{Chain, Link};
    use crate::list::scan::Progress;

    fn call_whose_scan_ended(end: Stop) -> Call {
        let now = chrono::Utc::now();
        Call {
            asked: uuid::Uuid::nil(),
            chain: Chain {
                links: vec![Link::Cycle {
                    id: uuid::Uuid::nil(),
                }],
            },
            tree: Tree::default(),
            scan: Some(ScanReport {
                window: (now, now),
                progress: Progress {
                    pages: 100,
                    scanned: 100_000,
                    ..Progress::default()
                },
                end: Ok(end),
            }),
            timeline: None,
        }
    }

    #[test]
    fn a_scan_stopped_at_its_cap_is_a_partial_call_never_exit_0() {
        let mut err = Vec::new();
        let exit = report(&call_whose_scan_ended(Stop::ScanCap), &mut err).expect("a Vec");
        assert_eq!(exit, Exit::Partial);
        assert!(
            String::from_utf8_lossy(&err).contains("stopped at its cap after 100,000 logs"),
            "{}",
            String::from_utf8_lossy(&err)
        );
        let mut err = Vec::new();
        let exit = report(&call_whose_scan_ended(Stop::PastWindow), &mut err).expect("a Vec");
        assert_eq!(
            exit,
            Exit::Ok,
            "a scan that read its whole window is complete"
        );
    }
}
