//! Reading the files older swlogs kept the history in, for the one-time import: `history.json`
//! (formats 1 to 3), its journal (`history.journal`: a header naming the file's tag, then one
//! line per save, each the entries it set with their places and the IDs it removed) and
//! `cache/<id>.json`. A damaged file or journal is moved aside as `<name>.corrupt-<time>`, and
//! everything in it that can be read is still imported.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::Entry;
use super::db::Body;
use crate::fsx::{self, Links};

/// The old history file.
pub(super) const FILE: &str = "history.json";
/// Its journal.
pub(super) const JOURNAL: &str = "history.journal";
/// Its lock file.
pub(super) const LOCK: &str = "history.lock";
/// The directory of cached bodies.
pub(super) const CACHE: &str = "cache";
/// The newest format of `history.json` any swlog wrote.
const NEWEST: u64 = 3;
/// The journal's only format.
const JOURNAL_FORMAT: u64 = 1;
/// The largest old file read: `swlog history prune` once read up to this much.
const MAX_BYTES: u64 = 1024 * 1024 * 1024;
/// The largest cached body read back: a body is at most 2 MiB, JSON escaping at most sextuples it.
const MAX_BODY_BYTES: u64 = 13 * 1024 * 1024;

/// What reading the old files found.
#[derive(Debug, Default)]
pub(super) struct Old {
    /// The entries in the file's order (display order), journal applied.
    pub(super) entries: Vec<Entry>,
    /// What was damaged and where it was moved, with how much was lost to it.
    pub(super) damaged: Vec<(PathBuf, String)>,
    /// Why the old file must be left as it is (a newer swlog's, not a regular file).
    pub(super) blocked: Option<String>,
}

/// Reads `dir`'s old history and journal; `None` when there is none.
pub(super) fn read(dir: &Path) -> Option<Old> {
    let path = dir.join(FILE);
    let bytes = match fsx::read_regular(&path, Links::Follow, MAX_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) if (fsx::is_wrong_kind(&e) && !path.is_dir()) || fsx::is_too_large(&e) => {
            let why = format!("{} was not imported: {e}", path.display());
            return Some(blocked(why));
        }
        Err(e) => return Some(damaged(dir, Vec::new(), format!("cannot read it: {e}"))),
    };
    let mut old = Old::default();
    let tag = match parse(&bytes) {
        Parsed::Whole(entries, tag) => {
            old.entries = entries;
            tag
        }
        Parsed::Newer(v) => {
            return Some(blocked(format!(
                "{} was written by a newer swlog (format {v}; this one reads {NEWEST}): not \
                 imported, left as it is",
                path.display()
            )));
        }
        Parsed::Damaged(entries, detail) => return Some(damaged(dir, entries, detail)),
    };
    if let Err(detail) = journal(dir, tag.as_deref(), &mut old.entries) {
        match aside(dir, JOURNAL) {
            Ok(to) => old.damaged.push((to, detail)),
            Err(e) => old.blocked = Some(format!("its journal is damaged ({detail}): {e}")),
        }
    }
    Some(old)
}

fn blocked(why: String) -> Old {
    Old {
        blocked: Some(why),
        ..Old::default()
    }
}

/// A damaged `history.json` moved aside with its journal (which extends it and no other), and
/// the entries that could still be read.
fn damaged(dir: &Path, entries: Vec<Entry>, detail: String) -> Old {
    let mut old = Old {
        entries,
        ..Old::default()
    };
    match aside(dir, FILE) {
        Ok(to) => old.damaged.push((to, detail)),
        Err(e) => old.blocked = Some(format!("{FILE} is damaged ({detail}): {e}")),
    }
    if dir.join(JOURNAL).symlink_metadata().is_ok()
        && let Ok(to) = aside(dir, JOURNAL)
    {
        let why = "it extends a damaged history.json and was not applied".to_owned();
        old.damaged.push((to, why));
    }
    old
}

/// What parsing `history.json` found.
enum Parsed {
    Whole(Vec<Entry>, Option<String>),
    Newer(u64),
    Damaged(Vec<Entry>, String),
}

/// Parses `history.json`, salvaging every entry that can be read.
fn parse(bytes: &[u8]) -> Parsed {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) if bytes.iter().all(u8::is_ascii_whitespace) => {
            return Parsed::Damaged(Vec::new(), format!("it is empty ({e})"));
        }
        Err(e) => {
            let entries = entries_before_the_damage(bytes);
            let detail = format!(
                "it is not valid JSON ({e}); {} read before the damage",
                crate::present::format::counted(entries.len(), "entry", "entries")
            );
            return Parsed::Damaged(entries, detail);
        }
    };
    let Value::Object(mut top) = value else {
        return Parsed::Damaged(Vec::new(), "it is not a JSON object".to_owned());
    };
    match top.get("version").and_then(Value::as_u64) {
        Some(v) if (1..=NEWEST).contains(&v) => {}
        Some(v) if v > NEWEST => return Parsed::Newer(v),
        _ => return Parsed::Damaged(Vec::new(), "it has no known format version".to_owned()),
    }
    let tag = top.get("tag").and_then(Value::as_str).map(str::to_owned);
    let Some(Value::Array(items)) = top.remove("entries") else {
        return Parsed::Damaged(Vec::new(), "it has no entry list".to_owned());
    };
    let total = items.len();
    let mut entries = Vec::with_capacity(total);
    let mut first_error = None;
    for item in items {
        match serde_json::from_value::<Entry>(item) {
            Ok(e) => entries.push(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        None => Parsed::Whole(entries, tag),
        Some(e) => {
            let bad = total - entries.len();
            let detail = format!("{bad} of {total} entries are unreadable ({e})");
            Parsed::Damaged(entries, detail)
        }
    }
}

/// The entries of a file that is not valid JSON, read one by one from the start of its entry
/// list up to the first that cannot be: a file cut short (a full disk, a copy that stopped)
/// keeps every entry written whole before the cut.
fn entries_before_the_damage(bytes: &[u8]) -> Vec<Entry> {
    let mut entries = Vec::new();
    let Some(key) = memchr::memmem::find(bytes, b"\"entries\"") else {
        return entries;
    };
    let rest = &bytes[key + b"\"entries\"".len()..];
    let skip = |at: usize, what: &[u8]| {
        (rest.get(at..).unwrap_or_default().iter())
            .position(|b| !b.is_ascii_whitespace() && !what.contains(b))
            .map(|n| at + n)
    };
    let mut at = match skip(0, b":") {
        Some(at) if rest[at] == b'[' => at + 1,
        _ => return entries,
    };
    while let Some(next) = skip(at, b",") {
        if rest[next] == b']' {
            break;
        }
        let mut one = serde_json::Deserializer::from_slice(&rest[next..]).into_iter::<Entry>();
        match one.next() {
            Some(Ok(e)) => entries.push(e),
            _ => break,
        }
        at = next + one.byte_offset();
    }
    entries
}

/// The journal's first line.
#[derive(Deserialize)]
struct Header {
    journal: u64,
    base: String,
}

/// One save's change: the entries it set, each with its place after the change, and the IDs
/// it removed.
#[derive(Deserialize)]
struct Change {
    set: Vec<(usize, Entry)>,
    removed: Vec<Uuid>,
}

/// Applies the journal of the `history.json` tagged `tag` to `entries`. A journal naming
/// another file is not applied; a last line cut short by a crash is the save that never
/// finished. An error says why the journal is damaged (the lines before it are applied).
fn journal(dir: &Path, tag: Option<&str>, entries: &mut Vec<Entry>) -> Result<(), String> {
    let bytes = match fsx::read_regular(&dir.join(JOURNAL), Links::Refuse, MAX_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("its journal cannot be read ({e})")),
    };
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let Some(first) = lines.next() else {
        return Ok(());
    };
    if !first.ends_with(b"\n") {
        // A journal being started when swlog stopped holds a prefix of its header alone.
        let torn = first.len() <= 64 && first.iter().all(|b| (b' '..=b'~').contains(b));
        return if torn {
            Ok(())
        } else {
            Err("its journal has no whole first line".to_owned())
        };
    }
    let header = match serde_json::from_slice::<Value>(first) {
        Ok(Value::Object(_)) => serde_json::from_slice::<Header>(first)
            .map_err(|e| format!("its journal does not start right ({e})"))?,
        _ => return Err("its journal does not start with a header".to_owned()),
    };
    if header.journal != JOURNAL_FORMAT {
        return Err(format!(
            "its journal is of format {}, which this swlog does not read",
            header.journal
        ));
    }
    if tag != Some(header.base.as_str()) {
        return Err("its journal extends another history.json than this one; not applied".into());
    }
    for (n, line) in lines.enumerate() {
        if !line.ends_with(b"\n") {
            break;
        }
        let change: Change = serde_json::from_slice(line)
            .map_err(|e| format!("line {} of its journal is unreadable ({e})", n + 2))?;
        replay(entries, change)
            .map_err(|why| format!("line {} of its journal does not fit: {why}", n + 2))?;
    }
    Ok(())
}

/// Applies one journal line; an error leaves `entries` as they were.
fn replay(entries: &mut Vec<Entry>, change: Change) -> Result<(), String> {
    let gone: HashSet<Uuid> = (change.removed.iter().copied())
        .chain(change.set.iter().map(|(_, e)| e.id))
        .collect();
    let kept = entries.iter().filter(|e| !gone.contains(&e.id)).count();
    for (len, (at, _)) in (kept..).zip(&change.set) {
        if *at > len {
            return Err(format!("it puts an entry at place {at} of a list of {len}"));
        }
    }
    entries.retain(|e| !gone.contains(&e.id));
    for (at, entry) in change.set {
        entries.insert(at, entry);
    }
    Ok(())
}

/// A cached body as `cache/<id>.json` held it.
#[derive(Deserialize)]
struct CachedFile {
    fetched_at: DateTime<Utc>,
    body: String,
}

/// The cached body of `id`, when its file is a regular file of this user's that can be read.
/// Its time is the later of the one inside and the file's modification time (a later lookup
/// that fetched the same body moved it), a time in the future not believed.
pub(super) fn body(dir: &Path, id: Uuid) -> Option<Body> {
    let cache = dir.join(CACHE);
    let meta = std::fs::symlink_metadata(&cache).ok()?;
    if !meta.is_dir() || !fsx::owned_by_me(&meta) {
        return None;
    }
    let file = fsx::open_regular(&cache.join(format!("{id}.json")), Links::Refuse).ok()?;
    let meta = file.metadata().ok()?;
    let bytes = fsx::read_capped(&file, &meta, MAX_BODY_BYTES).ok()?;
    let cached: CachedFile = serde_json::from_slice(&bytes).ok()?;
    let mut fetched_at = cached.fetched_at;
    if let Ok(modified) = meta.modified().map(DateTime::<Utc>::from)
        && modified > fetched_at
        && modified <= Utc::now()
    {
        fetched_at = modified;
    }
    Some(Body {
        fetched_at,
        body: cached.body,
    })
}

/// Renames `dir/name` to `<name>.corrupt-<UTC time>`, never over an existing file.
fn aside(dir: &Path, name: &str) -> io::Result<PathBuf> {
    renamed(
        dir,
        name,
        &format!("corrupt-{}", Utc::now().format("%Y%m%dT%H%M%SZ")),
    )
}

/// Renames `dir/name` to `<name>.<suffix>` (with `-1`, `-2`… when that is taken).
pub(super) fn renamed(dir: &Path, name: &str, suffix: &str) -> io::Result<PathBuf> {
    let base = format!("{name}.{suffix}");
    let mut target = dir.join(&base);
    let mut n = 1;
    while target.symlink_metadata().is_ok() {
        target = dir.join(format!("{base}-{n}"));
        n += 1;
    }
    std::fs::rename(dir.join(name), &target)?;
    Ok(target)
}
