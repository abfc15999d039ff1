//! `swlog get --watch`: each record that is not final is fetched again at the inspector's
//! live-refresh interval (backing off on failures, the same schedule), each change is printed as
//! it happens, and the command ends when every record is final. A record already final ends at
//! once; one not final past the live bound (`live_max_age_hours`) is stale and not watched.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::print::Columns;
use super::{Exit, Output, Recorder};
use crate::api::error::ErrorClass;
use crate::api::{ApiError, Client, Fetched, VoiceLog};
use crate::app::is_live_status;
use crate::app::live::{Live, span_words, stale_for};
use crate::cmd::cli::Format;
use crate::cmd::demo_note;
use crate::export::fields::Body;
use crate::export::ndjson;
use crate::export::rows::{Rows, object};
use crate::present::format::{Clock, counted, duration_ms, money};
use crate::text::sanitize;

/// Refreshes of one record that may fail in a row before it is given up on.
const MAX_FAILURES: u32 = 5;

/// How often a wait looks whether standard output's reader went away.
const CLOSED_POLL: Duration = Duration::from_millis(250);

/// How lookups at most run at once, as `get`'s default.
const CONCURRENCY: usize = 8;

/// The live-refresh bounds, from the settings the inspector uses.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Time between refreshes (`live_refresh_secs`).
    pub interval: Duration,
    /// How long past its start and duration a call not final is still refreshed.
    pub max_age: Duration,
}

/// One watched record.
struct Watched {
    id: Uuid,
    /// The body last printed.
    last: Option<Map<String, Value>>,
    live: Live,
    done: bool,
}

/// What the watch has found so far, for the exit code.
#[derive(Default)]
struct Tally {
    found: usize,
    failures: Vec<ErrorClass>,
    stale: usize,
}

/// Watches `ids` until every record is final; returns the exit code.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    client: &Client,
    ids: &[Uuid],
    bounds: Bounds,
    output: Output,
    columns: &Columns,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut recorder: Option<&mut Recorder<'_>>,
) -> io::Result<Exit> {
    if bounds.interval.is_zero() {
        writeln!(
            err,
            "swlog: --watch refreshes at live_refresh_secs, which the config sets to 0 (off)"
        )?;
        return Ok(Exit::Usage);
    }
    if output.demo {
        demo_note(client, err)?;
    }
    let mut unique: Vec<Uuid> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    let mut watched: Vec<Watched> = unique
        .iter()
        .map(|id| {
            let mut live = Live::new(bounds.interval);
            live.max_age = bounds.max_age;
            Watched {
                id: *id,
                last: None,
                live,
                done: false,
            }
        })
        .collect();
    let mut changes = Changes::new(output, columns, out)?;
    let mut tally = Tally::default();
    let mut first = true;
    loop {
        let now = Instant::now();
        let due: Vec<usize> = (0..watched.len())
            .filter(|i| !watched[*i].done && (first || watched[*i].live.due(now)))
            .collect();
        if due.is_empty() {
            let next = watched
                .iter()
                .filter(|w| !w.done)
                .filter_map(|w| w.live.next)
                .min();
            match next {
                Some(at) => {
                    // A reader that went away (`| head -1`) is noticed while waiting, not at
                    // the next change, which may be hours off for a record that never changes.
                    while Instant::now() < at {
                        if crate::cmd::stdout_closed() {
                            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
                        }
                        let step = at
                            .saturating_duration_since(Instant::now())
                            .min(CLOSED_POLL);
                        tokio::time::sleep(step).await;
                    }
                    continue;
                }
                None => break,
            }
        }
        let results: Vec<(usize, Result<Fetched, ApiError>)> =
            futures::stream::iter(due.into_iter().map(|i| (i, watched[i].id)))
                .map(|(i, id)| async move { (i, client.fetch_log(id).await) })
                .buffered(CONCURRENCY)
                .collect()
                .await;
        for (i, result) in results {
            let w = &mut watched[i];
            if let Some(r) = recorder.as_mut() {
                let changed = match &result {
                    Ok(f) => w.last.as_ref() != Some(&f.log.raw),
                    Err(_) => first,
                };
                if changed {
                    r.record(w.id, &result, err).await?;
                }
            }
            step(w, result, first, bounds, &mut changes, &mut tally, err)?;
        }
        // A watch's changes come seconds apart: each round's reach the disk before the wait.
        if let Some(r) = recorder.as_mut() {
            r.flush(err).await?;
        }
        let waiting = watched.iter().filter(|w| !w.done).count();
        if first && waiting > 0 {
            // Nothing may change for a long while: say that it is waiting, and for what.
            writeln!(
                err,
                "swlog: waiting for {} to be final (checked every {}s; Ctrl-C stops)",
                counted(waiting, "call", "calls"),
                bounds.interval.as_secs().max(1)
            )?;
        }
        first = false;
    }
    changes.finish()?;
    let exit = crate::cmd::exit::of_lookups(tally.found, &tally.failures);
    Ok(if exit == Exit::Ok && tally.stale > 0 {
        Exit::Partial
    } else {
        exit
    })
}

/// Takes in one lookup of a watched record: prints it when it changed, and decides whether the
/// record is done.
fn step(
    w: &mut Watched,
    result: Result<Fetched, ApiError>,
    first: bool,
    bounds: Bounds,
    changes: &mut Changes<'_>,
    tally: &mut Tally,
    err: &mut dyn Write,
) -> io::Result<()> {
    let now = Instant::now();
    let id = w.id;
    match result {
        Ok(fetched) => {
            if first {
                tally.found += 1;
            }
            if w.last.as_ref() != Some(&fetched.log.raw) {
                changes.change(&fetched)?;
                w.last = Some(fetched.log.raw.clone());
            }
            let log = &fetched.log;
            if !log.status.value().is_some_and(|s| is_live_status(s)) {
                w.done = true;
            } else if let Some(age) = stale(log, chrono::Utc::now(), bounds.max_age) {
                w.done = true;
                tally.stale += 1;
                writeln!(
                    err,
                    "swlog: {id}: not final after {}: stale, not watched (live_max_age_hours)",
                    span_words(age)
                )?;
            } else {
                w.live.after_success(true, now);
            }
        }
        Err(e) if first => {
            w.done = true;
            tally.failures.push(e.class());
            writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
        }
        Err(e) => {
            let class = e.class();
            let wait = w.live.after_failure(now);
            let give_up = class != ErrorClass::Remote || w.live.failures >= MAX_FAILURES;
            if give_up {
                w.done = true;
                tally.failures.push(class);
                writeln!(
                    err,
                    "swlog: {id}: refresh failed, no longer watched: {}",
                    sanitize(&e.to_string())
                )?;
            } else {
                writeln!(
                    err,
                    "swlog: {id}: refresh failed, trying again in {}s: {}",
                    wait.as_secs(),
                    sanitize(&e.to_string())
                )?;
            }
        }
    }
    Ok(())
}

/// How long a record not final has gone on past the live bound, as the inspector reckons it.
fn stale(
    log: &VoiceLog,
    now: chrono::DateTime<chrono::Utc>,
    max_age: Duration,
) -> Option<chrono::Duration> {
    let so_far = log
        .duration_ms
        .value()
        .map(|ms| Duration::from_millis(u64::try_from(*ms).unwrap_or(0)))
        .or_else(|| {
            log.duration
                .value()
                .map(|s| Duration::from_secs(u64::try_from(*s).unwrap_or(0)))
        })
        .unwrap_or_default();
    stale_for(log.created_at.value().copied(), so_far, now, max_age)
}

/// Where changes go: a text line each, an NDJSON object each, or a CSV row each.
enum Changes<'a> {
    Line {
        out: &'a mut dyn Write,
        fields: Option<Vec<&'static str>>,
    },
    Ndjson {
        out: &'a mut dyn Write,
        fields: Option<Vec<&'static str>>,
    },
    Rows(Rows<'a>),
}

impl<'a> Changes<'a> {
    fn new(output: Output, columns: &Columns, out: &'a mut dyn Write) -> io::Result<Self> {
        let fields = columns.fields.clone();
        Ok(match output.format {
            Format::Text => Changes::Line { out, fields },
            Format::Ndjson => Changes::Ndjson { out, fields },
            Format::Csv | Format::Json => Changes::Rows(Rows::new(
                output.format.shape(),
                fields.unwrap_or_else(|| crate::export::fields::LOG_FIELDS.to_vec()),
                columns.header,
                columns.crlf,
                out,
            )?),
        })
    }

    fn change(&mut self, fetched: &Fetched) -> io::Result<()> {
        let raw = &fetched.log.raw;
        match self {
            Changes::Line { out, fields } => {
                let clock = Clock::system();
                let at = clock.local(fetched.fetched_at);
                let line = match fields {
                    Some(fields) => {
                        let body = Body(raw);
                        let cells: Vec<String> = fields
                            .iter()
                            .map(|f| {
                                sanitize(&crate::export::fields::Record::text(&body, f))
                                    .into_owned()
                            })
                            .collect();
                        format!("{at}  {}", cells.join("  "))
                    }
                    None => change_line(&at, fetched.fetched_at, &fetched.log),
                };
                writeln!(out, "{line}")?;
                out.flush()
            }
            Changes::Ndjson { out, fields } => {
                let row = match fields {
                    Some(fields) => object(fields, &Body(raw)),
                    None => Value::Object(raw.clone()).to_string(),
                };
                ndjson::line(*out, &row)?;
                out.flush()
            }
            Changes::Rows(rows) => rows.row(&Body(raw)),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Changes::Line { out, .. } | Changes::Ndjson { out, .. } => out.flush(),
            Changes::Rows(rows) => rows.finish(),
        }
    }
}

/// `2026-11-26 03:40:01 +00:00  ID  in-progress  +14155550123     → +12065553434       1m 02s so far`:
/// what a change looks like in text (sanitised; parts the record lacks are left out), in columns
/// that line up from one change to the next for the usual values (a longer one pushes the rest
/// along). A call still going says how long it has been going, from its start to `at_time`.
fn change_line(at: &str, at_time: chrono::DateTime<chrono::Utc>, log: &VoiceLog) -> String {
    let text = |v: Option<&String>| v.map(|s| sanitize(s).into_owned());
    let id = log
        .raw
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| "?".to_owned(), |s| sanitize(s).into_owned());
    let status = text(log.status.value()).unwrap_or_else(|| "(no status)".to_owned());
    let mut line = format!("{at}  {id:<36}  {status:<11}");
    let (from, to) = (text(log.from.value()), text(log.to.value()));
    if from.is_some() || to.is_some() {
        let side = |s: Option<String>| s.unwrap_or_else(|| "—".to_owned());
        line.push_str(&format!("  {:<16} → {:<16}", side(from), side(to)));
    }
    let live = log.status.value().is_some_and(|s| is_live_status(s));
    let going = live
        .then(|| log.created_at.value().copied())
        .flatten()
        .map(|start| (at_time - start).num_seconds().max(0))
        .map(|secs| format!("{} so far", elapsed_words(secs)));
    let ms = log
        .duration_ms
        .value()
        .copied()
        .or_else(|| log.duration.value().map(|s| s.saturating_mul(1000)));
    if let Some(d) = going.or_else(|| ms.map(duration_ms)) {
        line.push_str(&format!("  {d:>13}"));
    }
    if let Some(c) = log.charge.value() {
        line.push_str(&format!("  {}", money(*c)));
    }
    line.trim_end().to_owned()
}

/// Whole seconds in words: `45s`, `1m 05s`, `2h 03m`.
fn elapsed_words(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{}h {:02}m", s / 3600, s / 60 % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn log(v: Value) -> VoiceLog {
        let Value::Object(m) = v else {
            panic!("an object")
        };
        VoiceLog::from_object(m)
    }

    #[test]
    fn changes_line_up_and_a_call_still_going_says_for_how_long() {
        let start = chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 3, 40, 0)
            .unwrap();
        let id = "d1c2b3a4-9586-4778-8695-a4b3c2d1e0d1";
        let going = log(
            serde_json::json!({"id": id, "status": "ringing", "from": "+14155550123",
            "to": "+1206555", "created_at": "2026-11-26T03:40:00Z", "charge": 0.0}),
        );
        let done = log(
            serde_json::json!({"id": id, "status": "completed", "from": "+14155550123",
            "to": "+12065553434", "created_at": "2026-11-26T03:40:00Z", "duration_ms": 65340, "charge": 0.0085}),
        );
        let a = change_line("03:40:05", start + chrono::Duration::seconds(65), &going);
        let b = change_line("03:41:20", start + chrono::Duration::seconds(80), &done);
        assert!(a.contains("1m 05s so far"), "{a}");
        assert!(!b.contains("so far"), "{b}");
        for at in ["→", "$0"] {
            assert_eq!(a.find(at), b.find(at), "{at} lines up:\n{a}\n{b}");
        }
        let end = |l: &str, w: &str| l.find(w).map(|i| i + w.len());
        assert_eq!(
            end(&a, "so far"),
            end(&b, "1m 05.340s"),
            "durations end together:\n{a}\n{b}"
        );
        assert_eq!(elapsed_words(7265), "2h 01m");
    }
}
