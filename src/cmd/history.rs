//! `swlog history`: the lookup history printed for scripts, or cleared. Needs no credentials.

use std::io::{IsTerminal as _, Write};

use clap::{Args, Subcommand};

use super::cli::{ColumnArgs, Format, Global};
use super::{Error, Exit};
use crate::config::{self, defaults};
use crate::export::fields::{HISTORY_FIELDS, Record, pick};
use crate::export::ndjson;
use crate::export::rows::Rows;
use crate::history::{Entry, History, Lookup, Options};
use crate::present::format::counted;
use crate::text::sanitize;
use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The most filter words `swlog history` takes: each is a term of one SQL expression, whose
/// depth SQLite caps at 1,000 (a paste of 1,100 words failed as "cannot write output").
const MAX_WORDS: usize = 100;

/// `swlog history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// What to do; without one, the history is printed, pinned first, then most recent first.
    #[command(subcommand)]
    pub action: Option<HistoryAction>,

    /// Only the lookups these words find, as the inspector's sidebar filter takes them: each
    /// word within one field (type, status, from, to, note, error or ID), a number's digits
    /// however it was written, `profile:NAME`, `space:NAME`, `status:WORD`, and fzf's `^start`,
    /// `end$` and `!not`. A word that names an action goes after `--`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Output format.
    #[arg(long, default_value = "text", value_parser = formats())]
    pub format: Format,

    /// The columns.
    #[command(flatten)]
    pub columns: ColumnArgs,
}

/// `--format`'s values, in the history's words (`get`'s speak of bodies and IDs).
fn formats() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::ValueEnum as _;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new([
        PossibleValue::new("text").help("One lookup a line, most recent first: when, the ID, what was found (type, status, from → to, charge) or the error, the note, the space"),
        PossibleValue::new("json").help("One JSON array of the entries, as the history keeps them"),
        PossibleValue::new("ndjson").help("One entry a line as a JSON object (with --fields: those fields)"),
        PossibleValue::new("csv").help("RFC 4180 CSV of the entries' fields, with a header; formulas guarded"),
    ])
    .map(|s| Format::from_str(&s, true).unwrap_or(Format::Text))
}

/// `swlog history` actions.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Delete the lookups and their cached bodies; pinned ones stay unless --all. Asks first on
    /// a terminal; elsewhere it needs --yes.
    Clear {
        /// Do not ask.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Pinned lookups too.
        #[arg(long)]
        all: bool,
    },
    /// Keep only the newest `history_limit` unpinned lookups (and every pinned one).
    Prune,
}

/// Opens the history `swlog` would use, without credentials: only the config file's history
/// settings matter here.
fn open(global: &Global, reading: bool) -> (History, Vec<String>) {
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
        // Printing reads through queries, a row at a time, and clearing only counts; pruning
        // says how many entries it kept, of every entry read.
        Some(dir) if reading => History::open_to_query(dir, options),
        Some(dir) => History::open(dir, options),
        None => (History::in_memory(options), vec![]),
    };
    (history, warnings.iter().map(ToString::to_string).collect())
}

/// The widest profile column shown: longer names are cut.
const PROFILE_WIDTH: usize = 16;

/// The width of the profile column for entries of these profiles, in terminal cells (`日本語`
/// is six).
fn profile_width<'a>(profiles: impl Iterator<Item = &'a str>) -> usize {
    profiles
        .map(|p| sanitize(p).width())
        .max()
        .unwrap_or(0)
        .min(PROFILE_WIDTH)
}

/// `s` cut to at most `width` cells (the cut marked with `…`) and padded to exactly `width`.
fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    if s.width() <= width {
        out.push_str(s);
    } else {
        let mut used = 0;
        for c in s.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
    }
    let pad = width.saturating_sub(out.width());
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// One entry as a line of text, its profile in a column `width` cells wide.
pub fn line(entry: &Entry, width: usize) -> String {
    let profile = fit(&sanitize(&entry.profile), width);
    let mut s = format!(
        "{}  {profile}  {}  {}",
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

/// Prints the entries matching `query` (and `--profile`) in the format and columns asked for,
/// a row at a time as they are read; returns how many.
fn print(
    history: &History,
    query: &str,
    profile: Option<&str>,
    args: &HistoryArgs,
    out: &mut dyn Write,
) -> Result<usize, Error> {
    let asked = &args.columns.fields;
    let fields = pick(asked, &HISTORY_FIELDS).map_err(|e| Error::Usage(e.to_string()))?;
    let mut n = 0;
    if !asked.is_empty() || args.format == Format::Csv {
        let mut rows = Rows::new(
            args.format.shape(),
            fields,
            !args.columns.no_header,
            args.columns.crlf,
            out,
        )?;
        history.each_matching(query, profile, |e| {
            n += 1;
            rows.row(&Fields(e))
        })?;
        rows.finish()?;
        return Ok(n);
    }
    // The entries as recorded, without the digest of their cached body (the cache's business).
    let recorded = |e: &Entry| Entry {
        body_digest: None,
        ..e.clone()
    };
    match args.format {
        Format::Json => {
            use serde::ser::{SerializeSeq as _, Serializer as _};
            // One array, as `serde_json::to_string_pretty` of them all would print it, written
            // an element at a time.
            let mut json = std::io::BufWriter::new(crate::text::JsonForTerminal::new(&mut *out));
            let mut ser = serde_json::Serializer::pretty(&mut json);
            // `io::Error::from` gives back the writer's own error: a closed pipe stays one.
            let mut seq = ser.serialize_seq(None).map_err(std::io::Error::from)?;
            history.each_matching(query, profile, |e| {
                n += 1;
                seq.serialize_element(&recorded(e))
                    .map_err(std::io::Error::from)
            })?;
            seq.end().map_err(std::io::Error::from)?;
            json.flush()?;
            drop(json);
            writeln!(out)?;
        }
        Format::Ndjson => history.each_matching(query, profile, |e| {
            n += 1;
            let json = serde_json::to_string(&recorded(e)).map_err(std::io::Error::other)?;
            ndjson::line(out, &json)
        })?,
        Format::Text | Format::Csv => {
            let profiles = history.profiles_matching(query, profile);
            let width = profile_width(profiles.iter().map(String::as_str));
            history.each_matching(query, profile, |e| {
                n += 1;
                writeln!(out, "{}", line(e, width))
            })?;
        }
    }
    Ok(n)
}

/// A history entry's [`HISTORY_FIELDS`] by name.
struct Fields<'a>(&'a Entry);

impl Record for Fields<'_> {
    fn json(&self, field: &str) -> Value {
        let e = self.0;
        let summary = e.summary();
        let text = |v: Option<&String>| v.map_or(Value::Null, |s| Value::String(s.clone()));
        match field {
            "at" => Value::String(e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            "id" => Value::String(e.id.to_string()),
            "profile" => Value::String(e.profile.clone()),
            "space" => Value::String(e.space.clone()),
            "type" => summary
                .and_then(|s| {
                    s.wire_type
                        .clone()
                        .or_else(|| s.kind.clone().map(Value::String))
                })
                .unwrap_or(Value::Null),
            "status" => text(summary.and_then(|s| s.status.as_ref())),
            "from" => text(summary.and_then(|s| s.from.as_ref())),
            "to" => text(summary.and_then(|s| s.to.as_ref())),
            "charge" => summary
                .and_then(|s| s.charge)
                .map_or(Value::Null, Value::from),
            "parent_id" => text(summary.and_then(|s| s.parent_id.as_ref())),
            "error" => match &e.lookup {
                Lookup::Error(why) => Value::String(why.clone()),
                Lookup::Record(_) => Value::Null,
            },
            "pinned" => Value::Bool(e.pinned),
            "note" => text(e.note.as_ref()),
            _ => Value::Null,
        }
    }
}

/// `swlog history clear`: says what it would delete, asks on a terminal (or needs `--yes`),
/// keeps pinned lookups unless `all`, and fails when nothing could be saved.
fn clear(history: &mut History, yes: bool, all: bool, err: &mut dyn Write) -> Result<Exit, Error> {
    // Counted by the database: the entries themselves are not read.
    let tally = history.tally();
    let pinned = tally.pinned;
    let noted = tally.noted_unpinned + if all { tally.noted_pinned } else { 0 };
    let going = if all {
        tally.total
    } else {
        tally.total.saturating_sub(pinned)
    };
    let what = format!(
        "{going} {}{}{}",
        plural(going, "lookup"),
        match (all, pinned) {
            (_, 0) => String::new(),
            (true, p) => format!(", {p} pinned among them"),
            (false, p) => format!(" ({p} pinned kept: --all clears them too)"),
        },
        if noted > 0 {
            format!(", {noted} with notes")
        } else {
            String::new()
        }
    );
    if going == 0 {
        writeln!(
            err,
            "swlog: nothing to clear{}",
            if pinned > 0 {
                format!(" ({pinned} pinned kept: --all clears them too)")
            } else {
                String::new()
            }
        )?;
        return Ok(Exit::Ok);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Usage(format!(
                "swlog history clear would delete {what}: give --yes to clear without asking"
            )));
        }
        write!(err, "Clear {what} and their cached bodies? [y/N] ")?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(err, "swlog: nothing cleared")?;
            return Ok(Exit::Ok);
        }
    }
    let warnings = history.clear(!all);
    if let Some(w) = warnings.first() {
        return Err(Error::History("clear", w.to_string()));
    }
    // A history that is not being saved (a journal of a newer swlog, a symlink) was cleared in
    // memory only: saying "cleared" would be untrue.
    if let Some(why) = history.not_saved() {
        return Err(Error::History("clear", why.to_owned()));
    }
    writeln!(err, "swlog: cleared {what} and their cached bodies")?;
    Ok(Exit::Ok)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// Runs `swlog history`.
pub fn command(
    global: &Global,
    args: &HistoryArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let words = args.query.iter().flat_map(|q| q.split_whitespace()).count();
    if words > MAX_WORDS {
        return Err(Error::Usage(format!(
            "{words} filter words: at most {MAX_WORDS} (the lookups a ticket names take a few)"
        )));
    }
    let reading = !matches!(args.action, Some(HistoryAction::Prune));
    let (mut history, warnings) = open(global, reading);
    for w in warnings {
        writeln!(err, "swlog: {}", sanitize(&w))?;
    }
    match args.action {
        Some(HistoryAction::Clear { yes, all }) => {
            return clear(&mut history, yes, all, err);
        }
        Some(HistoryAction::Prune) => {
            let (n, warnings) = history.prune();
            if let Some(w) = warnings.first() {
                return Err(Error::History("prune", w.to_string()));
            }
            if let Some(why) = history.not_saved() {
                return Err(Error::History("prune", why.to_owned()));
            }
            writeln!(
                err,
                "swlog: pruned {}; {} kept",
                counted(n, "lookup", "lookups"),
                crate::present::format::thousands(history.entries().len())
            )?;
        }
        None => {
            let query = args.query.join(" ");
            let profile = global.profile.as_deref();
            let shown = print(&history, &query, profile, args, out)?;
            match profile {
                Some(profile) if shown == 0 && query.trim().is_empty() => {
                    writeln!(err, "swlog: {}", no_lookups_with(profile, &history))?;
                }
                _ if shown == 0 && !query.trim().is_empty() && !history.is_empty() => writeln!(
                    err,
                    "swlog: no lookups match {} ({} in the history)",
                    sanitize(&query),
                    counted(history.len(), "lookup", "lookups")
                )?,
                _ => {}
            }
        }
    }
    if args.action.is_none() {
        where_else(global, &history, err)?;
    }
    Ok(Exit::Ok)
}

/// Why `--profile NAME` printed nothing, and which profiles the history does hold.
fn no_lookups_with(profile: &str, history: &History) -> String {
    let profiles = history.profiles_matching("", None);
    let held = if profiles.is_empty() {
        "the history is empty".to_owned()
    } else {
        format!("profiles in the history: {}", profiles.join(", "))
    };
    sanitize(&format!("no lookups made with profile {profile} ({held})")).into_owned()
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
    } else if history.is_empty() {
        // Only an existing demo history is opened: opening creates the directory.
        let demo = History::dir_for(true).filter(|d| d.exists()).map(|d| {
            History::open_to_query(
                d,
                Options {
                    cap: usize::MAX,
                    cache: false,
                },
            )
            .0
        });
        match demo.map(|h| h.len()) {
            Some(n) if n > 0 => writeln!(
                err,
                "swlog: no lookups; the demo's {} kept apart: swlog --demo history",
                counted(n, "lookup is", "lookups are")
            )?,
            _ => writeln!(err, "swlog: no lookups yet (kept in {})", shown(history))?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_column_pads_by_display_width() {
        let at = chrono::Utc::now();
        let entry = |n: u128, profile: &str| {
            Entry::new(
                uuid::Uuid::from_u128(n),
                at,
                profile,
                "space",
                Lookup::Error("not found".to_owned()),
            )
        };
        let entries = [entry(1, "日本語"), entry(2, "demo")];
        let width = profile_width(entries.iter().map(|e| e.profile.as_str()));
        assert_eq!(width, 6, "three wide characters are six cells");
        let lines: Vec<String> = entries.iter().map(|e| line(e, width)).collect();
        let id_at = |l: &str, e: &Entry| l[..l.find(&e.id.to_string()).expect("id")].width();
        assert_eq!(
            id_at(&lines[0], &entries[0]),
            id_at(&lines[1], &entries[1]),
            "the IDs line up: {lines:?}"
        );
    }

    #[test]
    fn a_long_wide_profile_is_cut_within_its_cells() {
        assert_eq!(fit("日本語日本語日本語", 8), "日本語… ");
        assert_eq!(fit("日本語日本語日本語", 8).width(), 8);
        assert_eq!(fit("demo", 6), "demo  ");
    }
}
