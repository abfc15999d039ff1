//! The history's journal: `history.journal`, beside `history.json`, where a batch of lookups
//! appends what its save changed instead of rewriting the whole file. One appended line and
//! one `fdatasync` of a file that exists already cost a fraction of a new file's write, fsync,
//! rename and the directory's fsync, and nothing near rewriting a 1,000-entry history for a
//! dozen lookups.
//!
//! The first line names the `history.json` the journal extends, by the random tag each rewrite
//! of `history.json` puts in it; each further line is one save's change to the entries. A reader
//! applies the lines to the file it read, in order, only while the journal's first line names
//! that file's tag: a journal left behind by a crash between a rewrite and the journal's
//! removal names an older tag and is ignored, never applied twice, while a `touch` or a copy of
//! the file (a backup restored) keeps its tag and its journal. A line torn by a crash (no newline at its end) is the save that did not finish and is
//! dropped; a whole line that cannot be read is damage: the journal is moved aside, as a damaged
//! `history.json` is. Every write happens under the history lock.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead as _, Read as _, Write as _};
use std::path::Path;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Entry, filter};
use crate::fsx::{self, Links};

/// The journal's file name inside the data directory.
pub(super) const JOURNAL: &str = "history.journal";
/// The journal's format; a journal of a later format is left alone, as `history.json` is.
const VERSION: u64 = 1;
/// The smallest journal that a save folds into `history.json` instead of appending to it (a
/// batch of 12 lookups appends some 4 KB); a larger `history.json` allows a journal of half its
/// size. Opening the history folds a journal half that large already, on the thread that opens
/// it while the lookups go out, so that a batch's own save at its end seldom has to.
const FOLD_AT_LEAST: u64 = 16 * 1024;

/// The length past which a journal extending a `history.json` of `snapshot` bytes is folded.
fn fold_at(snapshot: u64) -> u64 {
    FOLD_AT_LEAST.max(snapshot / 2)
}

/// Whether opening the history should fold a journal of `journal` bytes into a `history.json`
/// of `snapshot` bytes now: it is over half the length at which a save would have to.
pub(super) fn worth_folding(journal: u64, snapshot: u64) -> bool {
    journal > fold_at(snapshot) / 2
}

/// The journal's first line.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    journal: u64,
    /// The tag of the `history.json` it extends.
    base: String,
}

/// The journal's first line as far as any format has it: its format first, so that a journal
/// of a later format is recognised whatever else its first line holds.
#[derive(Debug, Deserialize)]
struct Format {
    journal: u64,
}

/// One save's change, as read back.
#[derive(Debug, Deserialize)]
pub(super) struct Change {
    /// The entries that changed or are new, each with its place in the list after the change,
    /// in increasing order of place.
    set: Vec<(usize, Entry)>,
    /// The IDs no longer in the list.
    removed: Vec<Uuid>,
}

/// One save's change, as written.
#[derive(Debug, Serialize)]
pub(super) struct ChangeOut<'a> {
    set: Vec<(usize, &'a Entry)>,
    removed: Vec<Uuid>,
}

/// Where each entry of a list is, by ID: what [`diff`] needs of the list before a change.
pub(super) type Places = HashMap<Uuid, usize, filter::FastHash>;

/// The places of `entries`.
pub(super) fn places(entries: &[Entry]) -> Places {
    entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect()
}

/// What turned the list whose [`places`] are `before` into `after` (both in display order, one
/// entry per ID), as a line that [`replay`] turns that list back into exactly `after`. Only the
/// entries of the IDs in `touched` (those the save's changes named) can have changed; the others
/// keep their order, as a stable sort leaves them, and are left out.
pub(super) fn diff<'a>(
    before: &Places,
    after: &'a [Entry],
    touched: &HashSet<Uuid, filter::FastHash>,
) -> ChangeOut<'a> {
    let set = after
        .iter()
        .enumerate()
        .filter(|(_, e)| touched.contains(&e.id) || !before.contains_key(&e.id))
        .collect();
    let kept: HashSet<Uuid, filter::FastHash> = after.iter().map(|e| e.id).collect();
    let removed = before
        .keys()
        .filter(|id| !kept.contains(id))
        .copied()
        .collect();
    ChangeOut { set, removed }
}

/// Applies one change to `entries`; an error says why it does not fit them (the line is then
/// damaged), and leaves them as they were.
pub(super) fn replay(entries: &mut Vec<Entry>, change: Change) -> Result<(), String> {
    let gone: HashSet<Uuid, filter::FastHash> = change
        .removed
        .iter()
        .copied()
        .chain(change.set.iter().map(|(_, e)| e.id))
        .collect();
    // Checked before anything moves: each place must fall within the list as it grows.
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

/// What reading the journal found.
#[derive(Debug)]
pub(super) enum Replayed {
    /// Every whole line was applied (or there is no journal for this `history.json`).
    Whole,
    /// A line could not be applied: the lines before it were.
    Damaged(String),
    /// The journal is of a later format, or not a regular file: it must not be touched.
    Blocked(String),
}

/// Applies the journal of `dir` to `entries`, which were read from the `history.json` tagged
/// `tag` (none for a file from before tags). Reads at most `cap` bytes.
pub(super) fn read(dir: &Path, tag: Option<&str>, entries: &mut Vec<Entry>, cap: u64) -> Replayed {
    let path = dir.join(JOURNAL);
    let bytes = match fsx::read_regular(&path, Links::Refuse, cap) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Replayed::Whole,
        Err(e) if fsx::is_too_large(&e) => {
            return Replayed::Damaged(format!("its journal is too large ({e})"));
        }
        Err(e) if fsx::is_wrong_kind(&e) => {
            return Replayed::Blocked(format!("{} cannot be used: {e}", path.display()));
        }
        Err(e) => return Replayed::Damaged(format!("its journal cannot be read ({e})")),
    };
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let Some(first) = lines.next() else {
        return Replayed::Whole;
    };
    let header = match check_header(first) {
        Head::Ours(h) => h,
        Head::Torn => return Replayed::Whole,
        Head::Newer(journal) => {
            return Replayed::Blocked(format!(
                "{} was written by a newer swlog (journal format {journal}; this one reads {VERSION})",
                path.display()
            ));
        }
        Head::Foreign(why) => return Replayed::Damaged(why),
    };
    // Another `history.json` than the one read: swlog stopped between folding the journal
    // into a rewrite and removing it, or the file was put back from a copy, or rewritten by a
    // swlog from before tags (which never read journals). It is not applied, and not dropped:
    // kept aside, with the usual warning.
    match tag {
        Some(tag) if tag == header.base => {}
        Some(_) => {
            return Replayed::Damaged(
                "its journal extends another history.json than this one (swlog stopped while \
                 folding it in, or the file was put back from a copy); it was not applied"
                    .to_owned(),
            );
        }
        None => {
            return Replayed::Damaged(
                "its journal extends a history.json that was rewritten since without a tag (by \
                 a swlog from before journals?); it was not applied"
                    .to_owned(),
            );
        }
    }
    for (n, line) in lines.enumerate() {
        if !line.ends_with(b"\n") {
            break;
        }
        let change = match serde_json::from_slice::<Change>(line) {
            Ok(c) => c,
            Err(e) => {
                return Replayed::Damaged(format!(
                    "line {} of its journal is unreadable ({e})",
                    n + 2
                ));
            }
        };
        if let Err(why) = replay(entries, change) {
            return Replayed::Damaged(format!("line {} of its journal does not fit: {why}", n + 2));
        }
    }
    Replayed::Whole
}

/// Appends `change` to the journal of the `history.json` in `dir`, tagged `tag`, durably
/// (`fdatasync`). `Ok(false)` says the journal should be folded into `history.json` instead: it
/// has grown past half its size. Call with the lock held.
pub(super) fn append(dir: &Path, tag: &str, change: &ChangeOut<'_>) -> io::Result<bool> {
    let snapshot = fs::metadata(dir.join(super::files::FILE))?.len();
    let mut line = serde_json::to_vec(change).map_err(io::Error::other)?;
    line.push(b'\n');
    let path = dir.join(JOURNAL);
    let file = match open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return start(dir, tag, &line),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    if len > fold_at(snapshot) {
        return Ok(false);
    }
    // What the reader applied, the appender extends; what the reader left out as another
    // file's or never begun, it begins again. Anything else the reader would not have applied
    // either (a format it does not know, a header it cannot read) is not the appender's to
    // drop: the save is written whole instead, and the journal moved aside ([`remove`]).
    match check_header(&first_line(&file, len)?) {
        Head::Ours(header) if header.base == tag => {}
        Head::Ours(_) | Head::Torn => {
            fs::remove_file(&path)?;
            return start(dir, tag, &line);
        }
        Head::Newer(_) | Head::Foreign(_) => return Ok(false),
    }
    // A last line torn by a crash (a save that never finished) is cut off first, so that this
    // one starts a line of its own.
    if !ends_with_newline(&file, len)? {
        drop_torn_tail(&file)?;
    }
    (&file).write_all(&line)?;
    file.sync_data()?;
    Ok(true)
}

/// Cuts the file after its last newline. Appends go to the new end (`O_APPEND`).
fn drop_torn_tail(mut file: &File) -> io::Result<()> {
    use std::io::{Seek as _, SeekFrom};
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut bytes)?;
    let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    file.set_len(whole as u64)
}

/// Starts a journal of the `history.json` tagged `tag` with its first change: created, written
/// and synced, then the directory synced so that the new file's name survives a crash too.
fn start(dir: &Path, tag: &str, line: &[u8]) -> io::Result<bool> {
    let mut bytes = serde_json::to_vec(&Header {
        journal: VERSION,
        base: tag.to_owned(),
    })
    .map_err(io::Error::other)?;
    bytes.push(b'\n');
    bytes.extend_from_slice(line);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(dir.join(JOURNAL))?;
    file.write_all(&bytes)?;
    file.sync_data()?;
    super::files::sync_dir(dir)?;
    Ok(true)
}

/// Opens the journal to read its start and append, refusing anything but a regular file.
fn open(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a regular file",
                path.display(),
                fsx::describe(kind)
            ),
        ));
    }
    Ok(file)
}

/// The journal's first line, up to and with its newline, from a file of `len` bytes: read
/// whole, as [`read`] reads it, however long.
fn first_line(file: &File, len: u64) -> io::Result<Vec<u8>> {
    use std::io::{Seek as _, SeekFrom};
    let mut first = Vec::new();
    let mut reader = file;
    reader.seek(SeekFrom::Start(0))?;
    io::BufReader::new(reader.take(len)).read_until(b'\n', &mut first)?;
    Ok(first)
}

/// The longest first line without a newline that can be a header cut short: a header is some
/// 40 bytes (`{"journal":1,"base":"<16 hex digits>"}`).
const MAX_TORN_HEADER: usize = 64;

/// What a journal's first line says, as both the reader and the appender take it.
#[derive(Debug)]
enum Head {
    /// A header of this format: the journal extends the `history.json` it names.
    Ours(Header),
    /// Cut short before its newline: the journal was being started when swlog stopped, and
    /// holds nothing.
    Torn,
    /// A later format: left alone.
    Newer(u64),
    /// Not a header this swlog wrote (an unknown older format, or not one at all): damage.
    Foreign(String),
}

/// Reads a journal's first line (with its newline, if it has one).
fn check_header(first: &[u8]) -> Head {
    if !first.ends_with(b"\n") {
        // A start cut short holds a prefix of the header alone (`start` writes the header's
        // newline before anything else can follow it): short, printable. Anything else with no
        // line end (lines joined, CR line ends, a block of NULs) is damage, kept aside.
        let header_prefix =
            first.len() <= MAX_TORN_HEADER && first.iter().all(|b| (b' '..=b'~').contains(b));
        return if header_prefix {
            Head::Torn
        } else {
            Head::Foreign("its journal has no whole first line".to_owned())
        };
    }
    // Only an object is a header: serde would also read `[1, "tag"]` as one.
    if !matches!(
        serde_json::from_slice::<serde_json::Value>(first),
        Ok(serde_json::Value::Object(_))
    ) {
        return Head::Foreign("its journal does not start with a header".to_owned());
    }
    match serde_json::from_slice::<Format>(first) {
        Ok(Format { journal }) if journal > VERSION => return Head::Newer(journal),
        Ok(Format { journal }) if journal < VERSION => {
            return Head::Foreign(format!(
                "its journal is of format {journal}, which no swlog wrote (this one writes \
                 {VERSION})"
            ));
        }
        _ => {}
    }
    match serde_json::from_slice::<Header>(first) {
        Ok(h) => Head::Ours(h),
        Err(e) => Head::Foreign(format!("its journal does not start right ({e})")),
    }
}

/// Whether the file of `len` bytes ends with a newline.
fn ends_with_newline(file: &File, len: u64) -> io::Result<bool> {
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8];
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt as _;
        file.read_exact_at(&mut last, len - 1)?;
    }
    #[cfg(not(unix))]
    {
        use std::io::{Seek as _, SeekFrom};
        let mut f = file;
        f.seek(SeekFrom::Start(len - 1))?;
        f.read_exact(&mut last)?;
    }
    Ok(last[0] == b'\n')
}

/// Removes the journal, once `history.json` holds everything it said. A journal that cannot be
/// removed names an older `history.json` from now on and is ignored. One whose header this
/// swlog would not have applied (put there since it was read) is moved aside, never removed.
pub(super) fn remove(dir: &Path) {
    let path = dir.join(JOURNAL);
    let ours = open(&path)
        .and_then(|file| {
            let len = file.metadata()?.len();
            first_line(&file, len)
        })
        .map(|first| matches!(check_header(&first), Head::Ours(_) | Head::Torn));
    match ours {
        Ok(false) => {
            let _ = super::files::move_aside(dir, JOURNAL);
        }
        _ => {
            let _ = fs::remove_file(path);
        }
    }
}

/// The journal's length and inode, for the history's stamp.
pub(super) fn stamp(dir: &Path) -> Option<(u64, u64, (i64, i64))> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let m = fs::symlink_metadata(dir.join(JOURNAL)).ok()?;
        Some((m.ino(), m.len(), (m.mtime(), m.mtime_nsec())))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}
