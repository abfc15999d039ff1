//! `swlog get`: fetch logs concurrently over one client and print them in input order, with each
//! leg's events and chain of legs when asked.

use std::io::{BufRead, IsTerminal as _, Write};

use clap::Args;
use futures::StreamExt;
use uuid::Uuid;

use super::cli::{ColumnArgs, Format, Global};
use super::{Error, Exit};
use crate::api::error::ErrorClass;
use crate::api::{
    ApiError, Client, Fetched, FetchedEvents, IdError, KnownIds, extract_id, resolve_short,
    short_id,
};
use crate::chain::{self, Chain, Link};
use crate::export::fields::{LOG_FIELDS, pick};
use crate::session::Session;
use crate::text::sanitize;

mod json;
mod print;
mod record;
mod text;
mod watch;
pub use print::Columns;
use print::Printer;
use record::Opening;
pub use record::Recorder;
pub(crate) use text::paint;
use text::{render_chain, render_events};
pub use text::{render_presented, render_text};

/// `swlog get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// Log IDs; `-` reads IDs from standard input, one a line.
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Also print each leg's event timeline (JSON: `{"log", "events"}`).
    #[arg(long)]
    pub events: bool,

    /// Also follow parent_id up to the first leg, at most 10 parents, and print the chain
    /// (JSON: `{"log", "chain"}`).
    #[arg(long)]
    pub chain: bool,

    /// How many lookups run at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Do not record these lookups in the history.
    #[arg(long)]
    pub no_history: bool,

    /// Fetch each record that is not final again at the live-refresh interval, print each
    /// change, and exit when all are final (text, ndjson or csv).
    #[arg(long)]
    pub watch: bool,

    /// The columns.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// How `swlog get` prints.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Text or JSON.
    pub format: Format,
    /// Whether to colour text output.
    pub color: bool,
    /// Whether the data comes from the demo server.
    pub demo: bool,
    /// Whether to fetch and print each leg's events.
    pub events: bool,
    /// Whether to follow and print each leg's chain of parents.
    pub chain: bool,
}

/// Runs `swlog get`: reads the IDs, opens the session and the history, and prints each log.
pub async fn command(
    global: &Global,
    args: &GetArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let inputs = collect_inputs(&args.ids, &mut std::io::stdin().lock())
        .map_err(|e| Error::Usage(format!("cannot read IDs from standard input: {e}")))?;
    // A short ID is looked for in the history and the index, which need the session; anything
    // else wrong is said before the session is opened.
    let short = inputs
        .iter()
        .any(|i| extract_id(&i.text).is_err() && short_id(&i.text).is_some());
    if !short && let Err(errors) = parse_inputs(&inputs, &[]) {
        return Err(Error::Usage(errors.join("\n")));
    }
    let columns = columns_for(args)?;
    // A batch writes its lookups as it goes: its way out needs no checkpoint's fsyncs.
    crate::index::file::leave_wal_on_close();
    let session = Session::open(global.demo, &global.overrides()).await?;
    let known = short.then(|| session.history(global.no_cache).0);
    // Short IDs are looked for among the history's lookups, then the index's rows.
    let mut sources: Vec<&dyn KnownIds> = known.iter().map(|h| h as &dyn KnownIds).collect();
    if short {
        sources.push(&session.index);
    }
    let ids = match parse_inputs(&inputs, &sources) {
        Ok(ids) if ids.is_empty() => {
            return Err(Error::Usage(
                "no IDs given (standard input was empty)".to_owned(),
            ));
        }
        Ok(ids) => ids,
        Err(errors) => return Err(Error::Usage(errors.join("\n"))),
    };
    super::settings_warnings(&session.settings.warnings, err)?;
    // Opened on a thread of its own while the first lookups go out.
    let mut history = (!args.no_history)
        .then(|| Opening::start(session.history_opener(global.no_cache, Some(SAVE_EVERY))));
    let mut recorder = history.as_mut().map(|h| {
        Recorder::new(
            h,
            &session.settings.profile,
            session.settings.endpoint.space(),
        )
    });
    let color = std::io::stdout().is_terminal()
        && crate::ui::theme::color_allowed(&|k| std::env::var(k).ok());
    let output = Output {
        format: args.format,
        color,
        demo: global.demo,
        events: args.events,
        chain: args.chain,
    };
    let concurrency = usize::from(args.concurrency);
    let mut read = Vec::new();
    let ran = if args.watch {
        let bounds = watch::Bounds {
            interval: session.settings.live_refresh,
            max_age: session.settings.live_max_age,
        };
        watch::run(
            &session.client,
            &ids,
            bounds,
            output,
            &columns,
            out,
            err,
            recorder.as_mut(),
        )
        .await
    } else {
        run(
            &session.client,
            &ids,
            concurrency,
            output,
            &columns,
            out,
            err,
            recorder.as_mut(),
            &mut read,
        )
        .await
    };
    // Whatever happened to the output (a closed pipe, a full disk), the lookups made are saved.
    if let Some(r) = recorder.as_mut() {
        r.flush(err).await?;
    }
    drop(recorder);
    // The logs read go to the index too, in one write, on the history's connection (the file
    // opened once, beside the first lookups, not again on the way out): a later search finds
    // them there.
    if !read.is_empty()
        && let Some(index) = history.as_mut().and_then(Opening::take_index)
    {
        session.index.adopt(index);
    }
    crate::search::remember_for_later(&session.index, &session.client, std::mem::take(&mut read))
        .await;
    for notice in session.index.take_notices() {
        writeln!(err, "swlog: {}", sanitize(&notice))?;
    }
    Ok(ran?)
}

/// How often a batch of lookups saves the history at most: a crash loses at most this long
/// of lookups, and 200 lookups cost a few saves instead of 200.
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// The columns `--format`, `--fields` and `--no-header` ask for, checked before anything is
/// sent: an unknown field or a combination that cannot be printed is a usage error.
fn columns_for(args: &GetArgs) -> Result<Columns, Error> {
    let asked = &args.columns.fields;
    let fields = pick(asked, &LOG_FIELDS).map_err(|e| Error::Usage(e.to_string()))?;
    let extras = args.events || args.chain;
    if extras && (args.format == Format::Csv || !asked.is_empty()) {
        return Err(Error::Usage(
            "--events and --chain print whole logs (text, json or ndjson): not with csv or --fields"
                .to_owned(),
        ));
    }
    if args.watch && (extras || args.format == Format::Json) {
        return Err(Error::Usage(
            "--watch prints each change as it happens: text, ndjson or csv, without --events or --chain"
                .to_owned(),
        ));
    }
    let rows = !asked.is_empty() || args.format == Format::Csv;
    Ok(Columns {
        fields: rows.then_some(fields),
        header: !args.columns.no_header,
        crlf: args.columns.crlf,
    })
}

/// Everything looked up for one ID.
struct Lookup {
    log: Result<Fetched, ApiError>,
    /// The events, when asked for.
    events: Option<Result<FetchedEvents, ApiError>>,
    /// The chain, when asked for and the log was found.
    chain: Option<Chain>,
}

/// Fetches the log and, when asked, its events and chain. The events do not depend on the log,
/// so they are fetched beside it; the chain starts from the log's `parent_id`.
async fn look_up(client: &Client, id: Uuid, output: Output) -> Lookup {
    let log_and_chain = async {
        let log = client.fetch_log(id).await;
        let chain = match &log {
            Ok(fetched) if output.chain => Some(
                chain::resolve(
                    &fetched.log,
                    |parent| async move { client.fetch_log(parent).await.map(|f| f.log) },
                    chain::MAX_HOPS,
                )
                .await,
            ),
            _ => None,
        };
        (log, chain)
    };
    let events = async {
        if output.events {
            Some(client.fetch_events(id).await)
        } else {
            None
        }
    };
    let ((log, chain), events) = futures::join!(log_and_chain, events);
    Lookup { log, events, chain }
}

/// One ID as given, and where: a bad one is reported by its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The text given.
    pub text: String,
    /// Where it was given.
    pub place: Place,
}

/// Where an ID was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The nth ID on the command line, from 1.
    Argument(usize),
    /// Line n of standard input, from 1, blank lines counted.
    Line(usize),
}

/// Reads the IDs: each argument, with `-` standing for the lines of `stdin`.
pub fn collect_inputs(args: &[String], stdin: &mut dyn BufRead) -> std::io::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    let mut read_stdin = false;
    let mut argument = 0;
    for arg in args {
        if arg == "-" {
            if !read_stdin {
                read_stdin = true;
                for (n, line) in stdin.lines().enumerate() {
                    let line = line?;
                    if !line.trim().is_empty() {
                        inputs.push(Input {
                            text: line,
                            place: Place::Line(n + 1),
                        });
                    }
                }
            }
        } else {
            argument += 1;
            inputs.push(Input {
                text: arg.clone(),
                place: Place::Argument(argument),
            });
        }
    }
    Ok(inputs)
}

/// Parses every input as an ID, a short one looked for in `known`; any bad one is a usage error
/// and nothing is fetched.
pub fn parse_inputs(inputs: &[Input], known: &[&dyn KnownIds]) -> Result<Vec<Uuid>, Vec<String>> {
    let mut ids = Vec::with_capacity(inputs.len());
    let mut errors = Vec::new();
    for input in inputs {
        match (parse_one(&input.text, known), input.place) {
            (Ok(id), _) => ids.push(id),
            (Err(e), Place::Argument(_)) if inputs.len() == 1 => errors.push(e.to_string()),
            (Err(e), Place::Argument(n)) => errors.push(format!("ID #{n}: {e}")),
            (Err(e), Place::Line(n)) => errors.push(format!("line {n}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(errors)
    }
}

/// One input as an ID: whole, or short (its first 8 characters) and starting one ID `known`.
fn parse_one(text: &str, known: &[&dyn KnownIds]) -> Result<Uuid, IdError> {
    match extract_id(text) {
        Err(IdError::NotFound(e)) => match short_id(text) {
            Some(short) => resolve_short(&short, known)?.ok_or(IdError::ShortUnknown(short)),
            None => Err(IdError::NotFound(e)),
        },
        found => found,
    }
}

/// Fetches `ids` with at most `concurrency` in flight, prints each result in input order, and
/// returns the exit code.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    client: &Client,
    ids: &[Uuid],
    concurrency: usize,
    output: Output,
    columns: &Columns,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut recorder: Option<&mut Recorder<'_>>,
    read: &mut Vec<serde_json::Map<String, serde_json::Value>>,
) -> std::io::Result<Exit> {
    let mut results = futures::stream::iter(ids.iter().copied())
        .map(|id| async move { (id, look_up(client, id, output).await) })
        .buffered(concurrency.max(1));
    let mut found = 0usize;
    let mut failures: Vec<ErrorClass> = Vec::new();
    if output.demo {
        super::demo_note(client, err)?;
    }
    let mut printer = Printer::new(output, columns, out)?;
    // Lookups that come slowly still reach the disk within the batch's interval. One timer for
    // the whole batch: a timeout around each lookup cost a timer and a wake-up per lookup.
    let mut saves = tokio::time::interval_at(tokio::time::Instant::now() + SAVE_EVERY, SAVE_EVERY);
    saves.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let next = tokio::select! {
            biased;
            next = results.next() => next,
            _ = saves.tick(), if recorder.is_some() => {
                if let Some(r) = recorder.as_mut() {
                    r.save_due(err).await?;
                }
                continue;
            }
        };
        let Some((id, lookup)) = next else { break };
        let Lookup { log, events, chain } = lookup;
        if let Some(r) = recorder.as_mut() {
            r.record(id, &log, err).await?;
        }
        match log {
            Ok(fetched) => {
                found += 1;
                read.push(fetched.log.raw.clone());
                for problem in problems(&events, &chain) {
                    failures.push(problem.class);
                    writeln!(err, "swlog: {id}: {}", problem.message)?;
                }
                printer.log(&fetched, &events, &chain)?;
            }
            Err(e) => {
                failures.push(e.class());
                writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
            }
        }
    }
    printer.finish(ids.len() == 1)?;
    if failures.contains(&ErrorClass::NotFound) {
        writeln!(
            err,
            "swlog: a log not found here may be in another space or project: --profile NAME asks another (swlog config shows the one in effect)"
        )?;
    }
    Ok(super::exit::of_lookups(found, &failures))
}

/// A failed part of a found log's lookup: its events, or a parent in its chain.
struct Problem {
    class: ErrorClass,
    message: String,
}

/// What went wrong fetching a found log's events and parents. No events (404) and a parent
/// that does not exist (404) are findings, shown in the output, not failures.
fn problems(
    events: &Option<Result<FetchedEvents, ApiError>>,
    chain: &Option<Chain>,
) -> Vec<Problem> {
    let mut found = Vec::new();
    if let Some(Err(e)) = events
        && !matches!(e, ApiError::NotFound { .. })
    {
        found.push(Problem {
            class: e.class(),
            message: format!("events: {}", sanitize(&e.to_string())),
        });
    }
    for link in chain.iter().flat_map(|c| &c.links) {
        if let Link::Missing { id, why } = link
            && !matches!(why, ApiError::NotFound { .. })
        {
            found.push(Problem {
                class: why.class(),
                message: format!("chain: parent {id}: {}", sanitize(&why.to_string())),
            });
        }
    }
    found
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
        let inputs = collect_inputs(&args, &mut stdin).unwrap();
        let texts: Vec<_> = inputs.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["x", "a", "b", "y"]);
        let places: Vec<_> = inputs.iter().map(|i| i.place).collect();
        use Place::{Argument, Line};
        assert_eq!(places, [Argument(1), Line(1), Line(4), Argument(2)]);
    }

    #[test]
    fn a_bad_line_of_stdin_is_reported_by_its_line_number() {
        let mut stdin = std::io::Cursor::new("b7182dc2-00f3-40e4-a5ce-20f164b329df\n\nnope\n");
        let inputs = collect_inputs(&["-".to_owned()], &mut stdin).unwrap();
        let errors = parse_inputs(&inputs, &[]).unwrap_err();
        assert!(
            errors[0].starts_with("line 3: no log ID in \"nope\""),
            "{errors:?}"
        );
    }

    #[test]
    fn bad_ids_are_all_reported_by_position() {
        let inputs: Vec<Input> = ["b7182dc2-00f3-40e4-a5ce-20f164b329df", "nope", ""]
            .into_iter()
            .enumerate()
            .map(|(n, text)| Input {
                text: text.to_owned(),
                place: Place::Argument(n + 1),
            })
            .collect();
        let errors = parse_inputs(&inputs, &[]).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            errors[0].starts_with("ID #2: no log ID in \"nope\""),
            "{}",
            errors[0]
        );
        assert_eq!(errors[1], "ID #3: no log ID given");
    }
}
