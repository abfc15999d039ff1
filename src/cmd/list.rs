//! `swlog list [QUERY]... [flags]`: parse the search (nothing is sent if it cannot be
//! understood), scan the window, print the matched rows as a table, JSON, NDJSON or CSV.
//! Listed rows are not lookups: nothing is put in the history.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};

use super::cli::Global;
use super::exit::{self, Failure};
use super::list_calls::progress_line;
use super::signal::interrupted;
use super::{Error, Exit};
use crate::api::list::ListError;
use crate::api::list::PageSizeMemory;
use crate::export::fields::{Body, LOG_FIELDS, Record, pick};
use crate::export::ndjson;
use crate::export::rows::{Rows, Shape};
use crate::list::row::{self, Row};
use crate::list::scan::{Limits, Stop};
use crate::list::table;
use crate::present::format::{Clock, counted};
use crate::query::{Query, QueryError, Term, View, terms};
use crate::search::{Answer, Options, Search, Update};

/// Exit codes of `swlog list`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the scan finished (also when nothing matched: stderr says so)
  2  usage or configuration error (a search word it cannot understand: nothing is sent)
  4  authentication or authorisation refused
  5  network, server or paging fault (the rows found before it are still printed)
  130  interrupted by Ctrl-C, 143 by SIGTERM (the rows found before it are still printed)";

const QUERY_HELP: &str = "\
Search words (all must match):
  +1 415 555 0123, (415) 555-0123, 4155550123   a number in from or to (digits in a row)
  from:NUMBER  to:NUMBER                        the number on one side only
  since:2h  until:30m  on:2026-11-24            the window (m h d w; a date is local midnight;
                                                RFC 3339 works); without a start, the last 24 h
  yesterday  monday  on:friday 12:00..18:00     a day as tickets write it, or a span of it
  since:\"2026-12-05 12:00\"  since:12:00         a local time (a bare time is today's)
  status:failed,busy  type:sip,pstn  dir:inbound  min:30s  parent:ID  deleted:yes
  any other word                                part of from or to, any case
With --calls (a call matches when any of its legs matches the words above):
  'charge:>0'  'charge:<0.05'  charge:0.01..0.5  the call's total in dollars (quote > and <)
  max:30s  min:2m                               the call's duration at most / at least
  'legs:>2'  outcome:failed,busy,no-answer      its legs; how it ended (completed, busy,
                                                no-answer, failed, canceled, in-progress)
Examples:
  swlog list since:1d \"(415) 555-0123\"
  swlog list yesterday 12:00..18:00 status:failed,busy
  swlog list --since 2h status:failed --format csv > failed.csv
  swlog list --calls max:30s 'charge:>0'              (dropped but billed)";

/// `swlog list`.
#[derive(Debug, Args)]
#[command(after_help = format!("{QUERY_HELP}\n\n{EXIT_CODES}"))]
pub struct ListArgs {
    /// Search words: numbers, key:value filters, parts of from/to (see below).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Start of the window: 30m, 2h, 3d, 1w, today, yesterday, monday, a date (local
    /// midnight), a local time ("2026-12-05 12:00", 12:00) or RFC 3339.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// End of the window (exclusive), as --since.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// One local day, e.g. 2026-11-24.
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A number (or part of a URI) in `from`.
    #[arg(long, value_name = "NUMBER")]
    pub from: Option<String>,
    /// A number (or part of a URI) in `to`.
    #[arg(long, value_name = "NUMBER")]
    pub to: Option<String>,
    /// A number in `from` or `to`.
    #[arg(long, value_name = "NUMBER")]
    pub number: Option<String>,
    /// Statuses, comma-separated (e.g. failed,busy).
    #[arg(long, value_name = "LIST")]
    pub status: Option<String>,
    /// Types, comma-separated: sip, pstn, webrtc, laml, video, dialogflow, fabric or wire names.
    #[arg(long = "type", value_name = "LIST")]
    pub kind: Option<String>,
    /// inbound or outbound.
    #[arg(long, value_name = "DIR")]
    pub direction: Option<String>,
    /// The shortest duration, e.g. 30s or 2m.
    #[arg(long, value_name = "DURATION")]
    pub min_duration: Option<String>,
    /// Only legs whose parent is this log ID.
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// Include deleted logs.
    #[arg(long)]
    pub include_deleted: bool,
    /// Matched rows printed at most.
    #[arg(long, default_value_t = 500, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub limit: u64,
    /// Rows scanned at most.
    #[arg(long, default_value_t = 100_000, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub max_scan: u64,
    /// Ignore the local index for this search: read the whole window from the server, and
    /// index it afresh.
    #[arg(long, conflicts_with = "offline")]
    pub fresh: bool,
    /// Answer from the local index alone, without the network (stderr says what part of the
    /// window it does not cover).
    #[arg(long)]
    pub offline: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// The columns.
    #[command(flatten)]
    pub columns: super::cli::ColumnArgs,
    /// One row a call (its legs grouped under the root leg, with the call's total, billed time
    /// and outcome) instead of one row a leg; takes the call words charge:, max:, legs:,
    /// outcome:.
    #[arg(long)]
    pub calls: bool,
    /// No progress and no demo note on stderr (warnings and errors are still said).
    #[arg(long, short)]
    pub quiet: bool,
    /// The table's values whole on a terminal too (by default they are fitted to its width;
    /// into a pipe or a file they are always whole).
    #[arg(long)]
    pub wide: bool,
}

/// How a table is shown: in colour or not, fitted to a terminal's width or whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Look {
    /// Colour the status and the header.
    pub color: bool,
    /// The terminal's width to fit, or `None` for whole values.
    pub width: Option<usize>,
}

/// Output formats of `swlog list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns: created (local time), type, from, to, status, duration, charge, ID.
    Table,
    /// As table; with --fields, aligned columns of those fields as sent.
    Text,
    /// One JSON array of the rows as received.
    Json,
    /// One row a line, as received.
    Ndjson,
    /// RFC 4180 CSV with a header; formulas guarded.
    Csv,
}

impl ListArgs {
    /// The search: the words, then each flag as the word it stands for.
    pub fn query(&self, clock: &Clock) -> Result<Query, QueryError> {
        let mut all = terms(&self.query.join(" "));
        let flags = [
            ("since", &self.since),
            ("until", &self.until),
            ("on", &self.on),
            ("from", &self.from),
            ("to", &self.to),
            ("number", &self.number),
            ("status", &self.status),
            ("type", &self.kind),
            ("dir", &self.direction),
            ("min", &self.min_duration),
            ("parent", &self.parent),
        ];
        for (key, value) in flags {
            if let Some(v) = value {
                all.push(Term::keyed(key, v));
            }
        }
        if self.include_deleted {
            all.push(Term::keyed("deleted", "yes"));
        }
        Query::from_terms(all, clock)
    }

    fn limits(&self) -> Limits {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            limit: size(self.limit),
            max_scan: size(self.max_scan),
        }
    }
}

/// Runs `swlog list` on the process's stdout and stderr; returns the exit code.
pub async fn command(
    global: &Global,
    args: &ListArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let clock = Clock::system();
    let terminal = std::io::stdout().is_terminal();
    let look = Look {
        color: terminal && crate::ui::theme::color_allowed(&|k| std::env::var(k).ok()),
        width: (terminal && !args.wide)
            .then(crossterm::terminal::size)
            .and_then(Result::ok)
            .map(|(w, _)| usize::from(w)),
    };
    let progress = std::io::stderr().is_terminal() && !args.quiet;
    Ok(run(global, args, &clock, look, progress, out, err).await?)
}

/// `swlog list` on any writers.
pub async fn run(
    global: &Global,
    args: &ListArgs,
    clock: &Clock,
    look: Look,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let fields = match args.calls {
        true => crate::calls::export::pick_fields(&args.columns.fields),
        false => pick(&args.columns.fields, &LOG_FIELDS),
    };
    let fields = match fields {
        Ok(f) => f,
        Err(e) => {
            writeln!(err, "swlog: {e}")?;
            return Ok(Exit::Usage);
        }
    };
    let view = if args.calls { View::Calls } else { View::Legs };
    let query = match args
        .query(clock)
        .and_then(|q| q.check_view(view).map(|()| q))
    {
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
    let search = Search {
        client: &session.client,
        index: &session.index,
        options: Options {
            fresh: args.fresh,
            offline: args.offline,
            streams: session.settings.index.streams,
            now: None,
        },
        memory: PageSizeMemory::default(),
    };
    let columns = Columns {
        fields,
        picked: !args.columns.fields.is_empty(),
        header: !args.columns.no_header,
        crlf: args.columns.crlf,
    };
    let on_update = |u: Update<'_>| {
        if progress {
            // Progress is best effort: a failed write to stderr must not stop the scan.
            let line = progress_line(u.progress, clock, args.calls);
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        }
    };
    if args.calls {
        let found = search
            .calls(query, args.limits(), on_update, interrupted())
            .await;
        if progress {
            write!(err, "\r\x1b[2K")?;
        }
        return super::list_calls::print(&found, args, &columns, clock, look, out, err);
    }
    // Ctrl-C or SIGTERM ends the scan, not the process: what was found is still printed.
    let answer = search
        .run(query, args.limits(), on_update, interrupted())
        .await;
    if progress {
        write!(err, "\r\x1b[2K")?;
    }
    print(&answer.rows, args.format, &columns, clock, look, out)?;
    out.flush()?;
    tell_source(&answer, args, clock, err)?;
    report(&answer, args, clock, err)
}

/// The index's notices, then the window searched and where the answer came from.
pub(super) fn tell_source(
    answer: &Answer,
    args: &ListArgs,
    clock: &Clock,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    for notice in &answer.notices {
        writeln!(err, "swlog: {}", crate::text::sanitize(notice))?;
    }
    if !args.quiet || args.offline || answer.source.uncovered > chrono::TimeDelta::zero() {
        writeln!(
            err,
            "swlog: {} · {}",
            answer.source.window_words(clock),
            answer.source.origin_words(clock)
        )?;
    }
    Ok(())
}

/// The columns `--fields` and `--no-header` ask for.
pub(super) struct Columns {
    pub(super) fields: Vec<&'static str>,
    /// Whether `--fields` was given (else CSV has every field and the rest print whole rows).
    pub(super) picked: bool,
    pub(super) header: bool,
    pub(super) crlf: bool,
}

fn print(
    rows: &[Row],
    format: ListFormat,
    columns: &Columns,
    clock: &Clock,
    look: Look,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let shape = match format {
        ListFormat::Table | ListFormat::Text => Shape::Text,
        ListFormat::Json => Shape::Json,
        ListFormat::Ndjson => Shape::Ndjson,
        ListFormat::Csv => Shape::Csv,
    };
    if columns.picked || format == ListFormat::Csv {
        let mut table = Rows::new(
            shape,
            columns.fields.clone(),
            columns.header,
            columns.crlf,
            out,
        )?;
        for r in rows {
            table.row(&Listed::new(r))?;
        }
        return table.finish();
    }
    match format {
        ListFormat::Table | ListFormat::Text if rows.is_empty() => Ok(()),
        ListFormat::Table | ListFormat::Text => {
            out.write_all(table::render(rows, clock, look.color, look.width).as_bytes())
        }
        ListFormat::Json => {
            let mut array = ndjson::JsonArray::new(out)?;
            for r in rows {
                array.push(&r.raw)?;
            }
            array.finish()
        }
        ListFormat::Ndjson | ListFormat::Csv => {
            rows.iter().try_for_each(|r| ndjson::line(out, &r.raw))
        }
    }
}

/// A listed row's fields: text from the row's cells, JSON from its body (parsed only when a
/// JSON shape asks, once per row).
struct Listed<'a> {
    row: &'a Row,
    body: std::cell::OnceCell<serde_json::Map<String, serde_json::Value>>,
}

impl<'a> Listed<'a> {
    fn new(row: &'a Row) -> Self {
        Self {
            row,
            body: std::cell::OnceCell::new(),
        }
    }

    fn body(&self) -> &serde_json::Map<String, serde_json::Value> {
        self.body
            .get_or_init(|| serde_json::from_str(&self.row.raw).unwrap_or_default())
    }
}

impl Record for Listed<'_> {
    fn json(&self, field: &str) -> serde_json::Value {
        Body(self.body()).json(field)
    }

    fn text(&self, field: &str) -> std::borrow::Cow<'_, str> {
        // The kept cells cost nothing; the others come from the body, read once a row.
        match self.row.kept_cell(field) {
            Some(kept) => std::borrow::Cow::Borrowed(kept),
            None if row::COLUMNS.contains(&field) => {
                std::borrow::Cow::Owned(row::cell(self.body(), field))
            }
            None => std::borrow::Cow::Borrowed(""),
        }
    }
}

/// Says on stderr how many rows were skipped (not JSON objects), and gives how far back the
/// scan got in words (`, back to 2026-11-25 13:02:11 +01:00`) for the stop message.
pub(super) fn skipped_and_back_to(
    p: &crate::list::scan::Progress,
    clock: &Clock,
    err: &mut dyn Write,
) -> std::io::Result<String> {
    if p.skipped > 0 {
        writeln!(
            err,
            "swlog: {} skipped: not JSON objects",
            counted(p.skipped, "row", "rows")
        )?;
    }
    let back_to = p
        .oldest
        .map(|t| format!(", back to {}", clock.local(t)))
        .unwrap_or_default();
    Ok(back_to)
}

/// Says on stderr why the scan stopped and returns the exit code.
fn report(
    scan: &Answer,
    args: &ListArgs,
    clock: &Clock,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let p = &scan.progress;
    let back_to = skipped_and_back_to(p, clock, err)?;
    match &scan.end {
        Ok(Stop::Limit) => writeln!(
            err,
            "swlog: limit reached (the newest {} of {} printed, {} scanned{back_to}): narrow the window or raise --limit",
            scan.rows.len(),
            counted(p.matched, "match", "matches"),
            counted(p.scanned, "log", "logs")
        )?,
        Ok(Stop::ScanCap) => writeln!(
            err,
            "swlog: scan cap reached ({} scanned{back_to}, {} matched): narrow the window or raise --max-scan (now {})",
            counted(p.scanned, "log", "logs"),
            p.matched,
            args.max_scan
        )?,
        Ok(Stop::LastPage | Stop::PastWindow) => {}
        Err(e @ ListError::Interrupted { .. }) => {
            writeln!(
                err,
                "swlog: {e} after {} ({} scanned, {} matched{}){back_to}",
                counted(p.pages, "page", "pages"),
                counted(p.scanned, "log", "logs"),
                p.matched,
                if p.matched > 0 { ", printed above" } else { "" }
            )?;
            return Ok(exit::of(Failure::Scan(e)));
        }
        Err(e) => {
            writeln!(
                err,
                "swlog: the scan stopped after {} ({} matched, printed above): {e}",
                counted(p.scanned, "log", "logs"),
                p.matched
            )?;
            return Ok(exit::of(Failure::Scan(e)));
        }
    }
    if p.matched == 0 {
        writeln!(
            err,
            "swlog: no logs matched ({} scanned{back_to})",
            p.scanned
        )?;
    }
    Ok(Exit::Ok)
}
