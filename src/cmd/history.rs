//! `swlog history`: the lookup history printed for scripts, or cleared. Needs no credentials.

use std::io::Write;

use super::{Error, Exit};
use crate::cli::{Format, Global, HistoryAction, HistoryArgs};
use crate::config::{self, defaults};
use crate::history::{Entry, History, Options};
use crate::text::sanitize;

/// Opens the history `swlog` would use, without credentials: only the config file's history
/// settings matter here.
fn open(global: &Global) -> (History, Vec<String>) {
    let overrides = global.overrides();
    let env = |k: &str| std::env::var(k).ok();
    let file =
        config::config_path(&overrides, &env).and_then(|p| config::load_file(&p).ok().flatten());
    let options = Options {
        cap: file
            .as_ref()
            .and_then(|f| f.history_limit)
            .unwrap_or(defaults::HISTORY_LIMIT),
        cache: file
            .as_ref()
            .and_then(|f| f.cache)
            .unwrap_or(defaults::CACHE)
            && !global.no_cache,
    };
    let (history, warnings) = match History::dir_for(global.demo) {
        Some(dir) => History::open(dir, options),
        None => (History::in_memory(options), vec![]),
    };
    (history, warnings.iter().map(ToString::to_string).collect())
}

/// The widest profile column shown: longer names are cut.
const PROFILE_WIDTH: usize = 16;

/// The width of the profile column for `entries`.
fn profile_width<'a>(entries: impl Iterator<Item = &'a Entry>) -> usize {
    entries
        .map(|e| sanitize(&e.profile).chars().count())
        .max()
        .unwrap_or(0)
        .min(PROFILE_WIDTH)
}

/// One entry as a line of text, its profile in a column `width` wide.
pub fn line(entry: &Entry, width: usize) -> String {
    let profile = crate::text::truncate_chars(&sanitize(&entry.profile), width).into_owned();
    let mut s = format!(
        "{}  {profile:<width$}  {}  {}",
        entry.at.format("%Y-%m-%d %H:%M:%S UTC"),
        entry.id,
        entry.line()
    );
    if entry.pinned {
        s.push_str("  [pinned]");
    }
    if let Some(note) = entry.note() {
        s.push_str(&format!("  note: {note}"));
    }
    s.push_str(&format!("  (space {})", sanitize(&entry.space)));
    s
}

/// Runs `swlog history`.
pub fn command(
    global: &Global,
    args: &HistoryArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let (mut history, warnings) = open(global);
    for w in warnings {
        writeln!(err, "swlog: {}", sanitize(&w))?;
    }
    match args.action {
        Some(HistoryAction::Clear) => {
            let n = history.entries().len();
            let warnings = history.clear();
            if let Some(w) = warnings.first() {
                return Err(Error::History("clear", w.to_string()));
            }
            writeln!(err, "swlog: cleared {n} lookups and their cached bodies")?;
        }
        Some(HistoryAction::Prune) => {
            let (n, warnings) = history.prune();
            if let Some(w) = warnings.first() {
                return Err(Error::History("prune", w.to_string()));
            }
            writeln!(
                err,
                "swlog: pruned {n} lookups; {} kept",
                history.entries().len()
            )?;
        }
        None => match args.format {
            Format::Json => {
                let entries: Vec<&Entry> = shown(&history, global).collect();
                let json = serde_json::to_string_pretty(&entries).map_err(std::io::Error::other)?;
                // Entries hold server strings; JSON escapes C0 controls, and this the rest.
                writeln!(out, "{}", crate::text::json_for_terminal(&json))?;
            }
            Format::Text => {
                let width = profile_width(shown(&history, global));
                for entry in shown(&history, global) {
                    writeln!(out, "{}", line(entry, width))?;
                }
            }
        },
    }
    if args.action.is_none() {
        where_else(global, &history, err)?;
    }
    Ok(Exit::Ok)
}

/// The entries to print: with `--profile NAME`, only those made with that profile.
fn shown<'a>(history: &'a History, global: &'a Global) -> impl Iterator<Item = &'a Entry> {
    history
        .entries()
        .iter()
        .filter(move |e| global.profile.as_ref().is_none_or(|p| e.profile == *p))
}

/// Says on `err` where the demo's lookups are, which a demo user would otherwise miss: the
/// demo's history is kept apart from the real one.
fn where_else(global: &Global, history: &History, err: &mut dyn Write) -> Result<(), Error> {
    let shown = |h: &History| {
        h.dir().map_or_else(
            || "memory".to_owned(),
            |d| sanitize(&d.display().to_string()).into_owned(),
        )
    };
    if global.demo {
        writeln!(
            err,
            "swlog: the demo's lookups, kept apart from real ones in {}",
            shown(history)
        )?;
    } else if history.entries().is_empty() {
        // Only an existing demo history is opened: opening creates the directory.
        let demo = History::dir_for(true).filter(|d| d.exists()).map(|d| {
            History::open(
                d,
                Options {
                    cap: usize::MAX,
                    cache: false,
                },
            )
            .0
        });
        match demo.map(|h| h.entries().len()) {
            Some(n) if n > 0 => writeln!(
                err,
                "swlog: no lookups; the demo's {n} lookups are kept apart: swlog --demo history"
            )?,
            _ => writeln!(err, "swlog: no lookups yet (kept in {})", shown(history))?,
        }
    }
    Ok(())
}
