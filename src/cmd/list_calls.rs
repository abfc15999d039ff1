//! `swlog list --calls`: the search's answer one call a row, as a table, JSON (each call with
//! its legs), NDJSON or CSV, and on stderr what a reader of the totals must know.

use std::io::Write;

use super::Exit;
use super::exit::{self, Failure};
use super::list::{Columns, ListArgs, ListFormat, Look, skipped_and_back_to, tell_source};
use crate::api::list::ListError;
use crate::calls::export::Listed;
use crate::calls::table;
use crate::export::ndjson;
use crate::export::rows::{Rows, Shape};
use crate::list::scan::Progress;
use crate::list::scan::Stop;
use crate::present::format::{Clock, counted};
use crate::search::{CallsAnswer, MAX_PARENTS, PARENTS_WITHIN};

/// `3 pages · 2,847 logs scanned · 12 matches · back to 2026-11-25 13:02:11 +01:00`; for
/// calls, the legs read (every leg of the window is read: the calls are known at the end).
pub(super) fn progress_line(p: &Progress, clock: &Clock, calls: bool) -> String {
    let mut s = if calls {
        format!(
            "{} · {} read",
            counted(p.pages, "page", "pages"),
            counted(p.scanned, "leg", "legs")
        )
    } else {
        p.summary()
    };
    if let Some(t) = p.oldest {
        s.push_str(&format!(" · back to {}", clock.local(t)));
    }
    s
}

/// Prints the calls found and says how the search went; returns the exit code.
pub(super) fn print(
    found: &CallsAnswer,
    args: &ListArgs,
    columns: &Columns,
    clock: &Clock,
    look: Look,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let rows = &found.answer.rows;
    let shape = match args.format {
        ListFormat::Table | ListFormat::Text => Shape::Text,
        ListFormat::Json => Shape::Json,
        ListFormat::Ndjson => Shape::Ndjson,
        ListFormat::Csv => Shape::Csv,
    };
    if columns.picked || args.format == ListFormat::Csv {
        let mut table = Rows::new(
            shape,
            columns.fields.clone(),
            columns.header,
            columns.crlf,
            out,
        )?;
        for call in &found.calls {
            table.row(&Listed::new(call, rows))?;
        }
        table.finish()?;
    } else {
        match args.format {
            ListFormat::Table | ListFormat::Text if found.calls.is_empty() => {}
            ListFormat::Table | ListFormat::Text => {
                let calls: Vec<_> = found.calls.iter().collect();
                let text = table::render(&calls, rows, clock, look.color, look.width);
                out.write_all(text.as_bytes())?;
            }
            ListFormat::Json => {
                let mut array = ndjson::JsonArray::new(out)?;
                for call in &found.calls {
                    array.push(&Listed::new(call, rows).object().to_string())?;
                }
                array.finish()?;
            }
            ListFormat::Ndjson | ListFormat::Csv => {
                for call in &found.calls {
                    ndjson::line(out, &Listed::new(call, rows).object().to_string())?;
                }
            }
        }
    }
    out.flush()?;
    tell_source(&found.answer, args, clock, err)?;
    tell_calls(found, err)?;
    let exit = report(found, args, clock, err)?;
    match &found.parent_fault {
        Some(e) if exit == Exit::Ok => Ok(exit::of(Failure::Lookup(e.class()))),
        _ => Ok(exit),
    }
}

/// What the calls' reader must know: the limit, calls whose first legs or root may be missing,
/// totals that leave a leg out, and a call search that found nothing.
fn tell_calls(found: &CallsAnswer, err: &mut dyn Write) -> std::io::Result<()> {
    let shown = found.calls.len();
    if found.matched > shown {
        writeln!(
            err,
            "swlog: limit reached (the newest {shown} of {} printed): narrow the window or raise --limit",
            counted(found.matched, "call", "calls")
        )?;
    }
    if found.began_before > 0 {
        writeln!(
            err,
            "swlog: {} began before the window read: legs of theirs from before it may be missing (swlog call ID shows a whole call)",
            counted(found.began_before, "call", "calls")
        )?;
    }
    if found.unrooted > 0 {
        let why = if found.parents >= MAX_PARENTS {
            format!(" ({MAX_PARENTS} parents fetched at most)")
        } else {
            String::new()
        };
        writeln!(
            err,
            "swlog: the first leg of {} could not be found{why}: each is shown from its topmost leg found",
            counted(found.unrooted, "call", "calls")
        )?;
    }
    if let Some(e) = &found.parent_fault {
        writeln!(
            err,
            "swlog: fetching the calls' first legs stopped after {}: {}",
            counted(found.parents, "request", "requests"),
            crate::text::sanitize(&e.to_string())
        )?;
    } else if found.parents_late {
        writeln!(
            err,
            "swlog: fetching the calls' first legs took more than {} s: stopped",
            PARENTS_WITHIN.as_secs()
        )?;
    }
    let unpriced = found.calls.iter().filter(|c| c.unpriced > 0).count();
    if unpriced > 0 {
        writeln!(
            err,
            "swlog: {} a leg without a readable charge: a total marked + ? counts only the legs priced",
            if unpriced == 1 {
                "1 call has".to_owned()
            } else {
                format!("{unpriced} calls have")
            }
        )?;
    }
    if found.matched == 0 {
        writeln!(
            err,
            "swlog: no calls matched ({} scanned)",
            counted(found.answer.progress.scanned, "leg", "legs")
        )?;
    }
    Ok(())
}

/// Says on stderr why the legs' scan stopped, in legs read and calls printed, and returns the
/// exit code.
fn report(
    found: &CallsAnswer,
    args: &ListArgs,
    clock: &Clock,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let p = &found.answer.progress;
    let back_to = skipped_and_back_to(p, clock, err)?;
    let read = counted(p.scanned, "leg", "legs");
    let printed = match found.calls.len() {
        0 => String::new(),
        n => format!(", {} printed above", counted(n, "call", "calls")),
    };
    match &found.answer.end {
        Ok(Stop::LastPage | Stop::PastWindow) => Ok(Exit::Ok),
        // Every leg of the window is asked for: a limit is the scan's cap.
        Ok(Stop::Limit | Stop::ScanCap) => {
            writeln!(
                err,
                "swlog: scan cap reached ({read} read{back_to}): calls before it are missing; narrow the window or raise --max-scan (now {})",
                crate::present::format::thousands(
                    usize::try_from(args.max_scan).unwrap_or(usize::MAX)
                )
            )?;
            Ok(Exit::Ok)
        }
        Err(e @ ListError::Interrupted { .. }) => {
            writeln!(
                err,
                "swlog: {e} after {} ({read} read{printed}){back_to}",
                counted(p.pages, "page", "pages")
            )?;
            Ok(exit::of(Failure::Scan(e)))
        }
        Err(e) => {
            writeln!(
                err,
                "swlog: the scan stopped after {read} read{printed}: {e}"
            )?;
            Ok(exit::of(Failure::Scan(e)))
        }
    }
}
