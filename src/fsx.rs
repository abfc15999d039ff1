//! Opening files that may turn out to be anything: where swlog expects a small regular file,
//! a FIFO would block the open or the read for ever, a device (`/dev/urandom`) would be read
//! until memory runs out, and a huge file would cost seconds and hundreds of megabytes.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _};
use std::path::Path;

/// Whether a symbolic link at the path itself is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow it (a config file kept in a dotfiles repository is a link).
    Follow,
    /// Refuse it (a file inside swlog's own cache).
    Refuse,
}

/// Opens `path` for reading only if it is a regular file. The open itself never blocks:
/// `O_NONBLOCK` makes opening a FIFO return at once, and the type is checked on the opened
/// descriptor, so nothing can be swapped in between the check and the read.
pub fn open_regular(path: &Path, links: Links) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut flags = rustix::fs::OFlags::NONBLOCK;
        if links == Links::Refuse {
            flags |= rustix::fs::OFlags::NOFOLLOW;
        }
        options.custom_flags(flags.bits() as i32);
    }
    let file = options.open(path).map_err(|e| {
        // ELOOP is how O_NOFOLLOW says "a symbolic link".
        if links == Links::Refuse
            && e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
        {
            io::Error::new(io::ErrorKind::InvalidInput, "it is a symbolic link")
        } else {
            e
        }
    })?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(kind)),
        ));
    }
    Ok(file)
}

/// Reads a regular file of at most `cap` bytes whole; anything else is an error saying what.
pub fn read_regular(path: &Path, links: Links, cap: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path, links)?;
    let meta = file.metadata()?;
    read_capped(&file, &meta, cap)
}

/// Reads an opened file (whose metadata is `meta`) of at most `cap` bytes whole.
pub fn read_capped(file: &File, meta: &std::fs::Metadata, cap: u64) -> io::Result<Vec<u8>> {
    // Said before reading: a file of 200 MB would cost seconds just to be refused.
    if meta.len() > cap {
        return Err(too_large(cap));
    }
    let mut bytes = Vec::new();
    // One byte past the cap tells a file of exactly `cap` bytes from a longer one.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// The error for a file over `cap` bytes.
pub fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("it is larger than {cap} bytes"),
    )
}

/// Whether an error from this module says the file is over its cap.
pub fn is_too_large(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::FileTooLarge
}

/// Whether an error from this module is about what the path is (not regular, too large), as
/// against the usual failures of reading.
pub fn is_wrong_kind(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::InvalidInput | io::ErrorKind::FileTooLarge
    )
}

/// A file type in words, e.g. "a FIFO".
pub fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

/// What identifies the file at `path` (not through a link): its device and inode, so that a
/// file replaced at the same path is told apart. `None` when there is none (or off Unix).
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::symlink_metadata(path)
            .ok()
            .map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether the process's effective user owns what `meta` describes (always true off Unix).
pub fn owned_by_me(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        meta.uid() == rustix::process::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Writes `text` to a new file `stem.ext` in `dir`, or `stem-2.ext`, `stem-3.ext`… when the
/// name is taken: never over a file already there. The text is written to a temporary file
/// beside it first and renamed only when whole, so a full disk leaves no half a file.
pub fn write_new(dir: &Path, stem: &str, ext: &str, text: &str) -> io::Result<std::path::PathBuf> {
    use std::io::Write as _;
    let mut file = tempfile::Builder::new()
        .prefix(".swlog-")
        .suffix(".part")
        .tempfile_in(dir)?;
    file.write_all(text.as_bytes())?;
    file.as_file().sync_all()?;
    for n in 1..=999u32 {
        let name = match n {
            1 => format!("{stem}.{ext}"),
            n => format!("{stem}-{n}.{ext}"),
        };
        let path = dir.join(name);
        match file.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => file = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{stem}.{ext} and 998 more names are taken"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_new_never_overwrites_and_takes_the_next_name() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_new(dir.path(), "swlog-ticket-x", "txt", "one").unwrap();
        let second = write_new(dir.path(), "swlog-ticket-x", "txt", "two").unwrap();
        assert_eq!(first, dir.path().join("swlog-ticket-x.txt"));
        assert_eq!(second, dir.path().join("swlog-ticket-x-2.txt"));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "two");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "no temporary file left behind");
    }

    fn mkfifo(path: &Path) {
        let ok = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo");
    }

    #[test]
    fn a_fifo_a_device_and_a_large_file_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        mkfifo(&fifo);
        let e = read_regular(&fifo, Links::Follow, 100).unwrap_err();
        assert_eq!(e.to_string(), "it is a FIFO, not a regular file");
        let e = read_regular(Path::new("/dev/zero"), Links::Follow, 100).unwrap_err();
        assert_eq!(
            e.to_string(),
            "it is a character device, not a regular file"
        );
        let big = dir.path().join("big");
        std::fs::write(&big, [b'x'; 101]).unwrap();
        let e = read_regular(&big, Links::Follow, 100).unwrap_err();
        assert_eq!(e.to_string(), "it is larger than 100 bytes");
        std::fs::write(&big, [b'x'; 100]).unwrap();
        assert_eq!(read_regular(&big, Links::Follow, 100).unwrap().len(), 100);
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&big, &link).unwrap();
        assert!(read_regular(&link, Links::Follow, 100).is_ok());
        let e = read_regular(&link, Links::Refuse, 100).unwrap_err();
        assert_eq!(e.to_string(), "it is a symbolic link");
    }
}
