//! `swlog index`: what the local index holds (spaces, rows, covered stretches, size, what was
//! learnt of each server), and pruning or clearing it. Needs no credentials: only the config
//! file's index settings matter here.

use std::io::Write;

use clap::{Args, Subcommand, ValueEnum};

use super::cli::Global;
use super::{Error, Exit};
use crate::config::{self, IndexSettings, defaults};
use crate::index::{Caps, Index, Stats};
use crate::present::format::{Clock, thousands};
use crate::query::Query;
use crate::search::{RATE_FACT, TIME_FILTER_FACT};
use crate::text::sanitize;

/// `swlog index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// What to do; without one, what the index holds is printed.
    #[command(subcommand)]
    pub action: Option<IndexAction>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = IndexFormat::Text)]
    pub format: IndexFormat,
}

/// `swlog index` actions.
#[derive(Debug, Subcommand)]
pub enum IndexAction {
    /// Remove the rows older than AGE (30d, 12h, 2w, a date) and the coverage of their time.
    Prune {
        /// The age past which rows go, e.g. 30d.
        #[arg(long, value_name = "AGE")]
        older_than: String,
    },
    /// Remove everything: rows, coverage, what was learnt of each server. The next searches
    /// read from the servers again (nothing else is lost: the history is kept apart).
    Clear,
}

/// Output formats of `swlog index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndexFormat {
    /// Lines for a person.
    Text,
    /// One JSON object.
    Json,
}

/// The index settings of the config file (no credentials needed).
fn settings(global: &Global) -> IndexSettings {
    let overrides = global.overrides();
    let env = |k: &str| std::env::var(k).ok();
    let file =
        config::config_path(&overrides, &env).and_then(|p| config::load_file(&p).ok().flatten());
    let f = file.as_ref();
    let d = defaults::INDEX;
    IndexSettings {
        enabled: f.and_then(|f| f.index).unwrap_or(d.enabled),
        max_mb: f.and_then(|f| f.index_max_mb).unwrap_or(d.max_mb),
        max_age_days: f
            .and_then(|f| f.index_max_age_days)
            .unwrap_or(d.max_age_days),
        streams: d.streams,
    }
}

/// Runs `swlog index`.
pub fn command(
    global: &Global,
    args: &IndexArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    if global.demo {
        writeln!(
            err,
            "swlog: the demo keeps its index for the session only: there is none to show"
        )?;
        return Ok(Exit::Ok);
    }
    let settings = settings(global);
    let Some(path) = Index::default_path() else {
        return Err(Error::Index(
            "open",
            "this platform has no data directory".into(),
        ));
    };
    if !settings.enabled && args.action.is_none() {
        writeln!(
            err,
            "swlog: the index is off (index = false in the config file)"
        )?;
    }
    if args.action.is_none() && !path.exists() {
        writeln!(
            err,
            "swlog: no index yet at {}: the first search makes it",
            sanitize(&path.display().to_string())
        )?;
        return Ok(Exit::Ok);
    }
    let mut index = Index::open(&path).map_err(|e| Error::Index("open", e.to_string()))?;
    if let Some(r) = index.take_recovered() {
        writeln!(err, "swlog: {}", sanitize(&r.to_string()))?;
    }
    let clock = Clock::system();
    match &args.action {
        None => show(&index, &settings, args.format, &clock, out),
        Some(IndexAction::Prune { older_than }) => {
            let query = Query::parse(&format!("since:{older_than}"), &clock)
                .ok()
                .and_then(|q| q.since)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "--older-than {}: give an age such as 30d, 12h or 2w, or a date",
                        sanitize(older_than)
                    ))
                })?;
            let pruned = index
                .prune_older_than(query)
                .map_err(|e| Error::Index("prune", e.to_string()))?;
            writeln!(
                err,
                "swlog: removed {} {} older than {}",
                thousands(usize::try_from(pruned.rows).unwrap_or(usize::MAX)),
                if pruned.rows == 1 { "row" } else { "rows" },
                clock.local(query)
            )?;
            Ok(Exit::Ok)
        }
        Some(IndexAction::Clear) => {
            index
                .clear()
                .map_err(|e| Error::Index("clear", e.to_string()))?;
            writeln!(
                err,
                "swlog: the index is empty; the next searches read from the servers"
            )?;
            Ok(Exit::Ok)
        }
    }
}

fn show(
    index: &Index,
    settings: &IndexSettings,
    format: IndexFormat,
    clock: &Clock,
    out: &mut dyn Write,
) -> Result<Exit, Error> {
    let stats = index
        .stats()
        .map_err(|e| Error::Index("read", e.to_string()))?;
    let caps = Caps {
        max_bytes: settings.max_mb.saturating_mul(1_000_000),
        max_age: chrono::TimeDelta::days(i64::try_from(settings.max_age_days).unwrap_or(30)),
    };
    match format {
        IndexFormat::Json => {
            let json = super::index_json::summary(index, &stats, caps)
                .map_err(|e| Error::Index("read", e.to_string()))?;
            let text = serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")?;
        }
        IndexFormat::Text => text(index, &stats, caps, clock, out)?,
    }
    Ok(Exit::Ok)
}

fn text(
    index: &Index,
    stats: &Stats,
    caps: Caps,
    clock: &Clock,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let read = |e: crate::index::IndexError| Error::Index("read", e.to_string());
    let minutes = |t| {
        let full = clock.local(t);
        full.get(..16).unwrap_or(&full).to_owned()
    };
    writeln!(
        out,
        "index    {} ({} on disk; caps {} and {} days)",
        sanitize(&stats.path.display().to_string()),
        megabytes(stats.bytes_on_disk),
        megabytes(caps.max_bytes),
        caps.max_age.num_days()
    )?;
    writeln!(
        out,
        "rows     {}{}",
        thousands(usize::try_from(stats.rows).unwrap_or(usize::MAX)),
        stats
            .oldest_row
            .map(|t| format!(", the oldest from {}", minutes(t)))
            .unwrap_or_default()
    )?;
    for scope in &stats.scopes {
        let key = crate::index::Scope::new(scope.origin.clone(), scope.project.clone())
            .with_family(scope.family.clone());
        writeln!(out)?;
        writeln!(
            out,
            "space    {} · project {} · {} logs",
            sanitize(scope.origin.as_str()),
            sanitize(&crate::api::client::short_project(&scope.project)),
            sanitize(&scope.family)
        )?;
        writeln!(
            out,
            "  rows     {}{}",
            thousands(usize::try_from(scope.rows).unwrap_or(usize::MAX)),
            match (scope.oldest, scope.newest) {
                (Some(o), Some(n)) => format!(", {} → {}", minutes(o), minutes(n)),
                _ => String::new(),
            }
        )?;
        for (filter, covered) in index.spans(&key).map_err(read)? {
            writeln!(
                out,
                "  covered  {} → {} (read {}){}",
                minutes(covered.window.from),
                minutes(covered.window.to),
                minutes(covered.as_of),
                if filter.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", sanitize(&filter))
                }
            )?;
        }
        for (name, value, as_of) in index.facts(&key).map_err(read)? {
            let said = match name.as_str() {
                TIME_FILTER_FACT => format!("the list narrows by {}", sanitize(&value)),
                RATE_FACT => format!(
                    "about {} rows a day",
                    value.parse::<f64>().map_or_else(
                        |_| sanitize(&value).into_owned(),
                        |r| thousands(r.max(0.0).round() as usize)
                    )
                ),
                _ => format!("{}: {}", sanitize(&name), sanitize(&value)),
            };
            writeln!(out, "  learnt   {said} (as of {})", minutes(as_of))?;
        }
    }
    Ok(())
}

/// `43.1 MB`.
pub fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
