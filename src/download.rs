//! Saving a recording's audio: streamed from the client chunk by chunk (the same memory for a
//! second or an hour), into a temporary file beside the target (`.SID.wav.XXXX.part`), fsynced
//! and renamed into place only once whole, and never over an existing file. A download cut
//! short leaves nothing that looks finished: the temporary file is removed (or, if the process
//! is killed, left as a hidden `.part`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::api::audio::AudioFormat;
use crate::api::compat::Recording;
use crate::api::{ApiError, Client};

/// Why a recording was not saved.
#[derive(Debug, Error)]
pub enum SaveError {
    /// A file of that name is there already: it was not touched, and nothing was asked.
    #[error("{} exists: not overwritten, skipped", .0.display())]
    Exists(PathBuf),
    /// The recording's `uri` is on another origin: not fetched.
    #[error("{0}")]
    Refused(String),
    /// The server has no audio of this recording in this format (404).
    #[error("recording {sid}: the server has no {ext} of it (HTTP 404)")]
    NoAudio {
        /// The recording.
        sid: String,
        /// The format asked for.
        ext: &'static str,
    },
    /// The request or the audio failed.
    #[error("recording {sid}: {error}")]
    Api {
        /// The recording.
        sid: String,
        /// What failed.
        error: ApiError,
    },
    /// The file could not be written.
    #[error("cannot write {}: {error}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// What failed.
        error: io::Error,
    },
}

/// A recording saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Where it is.
    pub path: PathBuf,
    /// How many bytes.
    pub bytes: u64,
}

/// The file name of `rec` in `format`: its sid (which holds only letters, digits, `-` and
/// `_`) and the extension.
pub fn file_name(rec: &Recording, format: AudioFormat) -> String {
    format!("{}.{}", rec.sid, format.ext())
}

/// Saves `rec` into `dir` as [`file_name`]: an existing file of that name is left alone
/// ([`SaveError::Exists`], and nothing is asked of the server); `progress` hears the bytes so
/// far and the announced length after each piece.
pub async fn save(
    client: &Client,
    rec: &Recording,
    format: AudioFormat,
    dir: &Path,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Result<Saved, SaveError> {
    save_as(
        client,
        rec,
        format,
        &dir.join(file_name(rec, format)),
        progress,
    )
    .await
}

/// Saves `rec` as `path`, as [`save`] does.
pub async fn save_as(
    client: &Client,
    rec: &Recording,
    format: AudioFormat,
    path: &Path,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Result<Saved, SaveError> {
    let path = path.to_path_buf();
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(SaveError::Exists(path));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(
        || file_name(rec, format),
        |n| n.to_string_lossy().into_owned(),
    );
    let io_err = |error| SaveError::Io {
        path: path.clone(),
        error,
    };
    let url = client
        .recording_url(rec, format)
        .map_err(SaveError::Refused)?;
    let mut audio = client
        .open_audio(url)
        .await
        .map_err(|error| SaveError::Api {
            sid: rec.sid.clone(),
            error,
        })?;
    let mut part = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(&dir)
        .map_err(io_err)?;
    loop {
        match audio.chunk().await {
            Ok(Some(bytes)) => part.write_all(bytes.as_ref()).map_err(io_err)?,
            Ok(None) => break,
            // Dropping `part` removes the temporary file.
            Err(error) => {
                return Err(SaveError::Api {
                    sid: rec.sid.clone(),
                    error,
                });
            }
        }
        progress(audio.received(), audio.length);
    }
    part.as_file().sync_all().map_err(io_err)?;
    // A file made meanwhile under the name is not replaced: the rename refuses it.
    part.persist_noclobber(&path).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            SaveError::Exists(path.clone())
        } else {
            io_err(e.error)
        }
    })?;
    sync_dir(&dir);
    Ok(Saved {
        path,
        bytes: audio.received(),
    })
}

/// Streams `rec`'s audio to `out` (standard output, when `-o -` asked for it).
pub async fn stream(
    client: &Client,
    rec: &Recording,
    format: AudioFormat,
    out: &mut dyn Write,
) -> Result<u64, SaveError> {
    let url = client
        .recording_url(rec, format)
        .map_err(SaveError::Refused)?;
    let api = |error| SaveError::Api {
        sid: rec.sid.clone(),
        error,
    };
    let mut audio = client
        .open_audio(url)
        .await
        .map_err(|error| opening(rec, format, error))?;
    while let Some(bytes) = audio.chunk().await.map_err(api)? {
        out.write_all(bytes.as_ref())
            .map_err(|error| SaveError::Io {
                path: PathBuf::from("standard output"),
                error,
            })?;
    }
    out.flush().map_err(|error| SaveError::Io {
        path: PathBuf::from("standard output"),
        error,
    })?;
    Ok(audio.received())
}

/// Why the audio could not be opened: a 404 is no audio in that format.
fn opening(rec: &Recording, format: AudioFormat, error: ApiError) -> SaveError {
    match error {
        ApiError::NotFound { .. } => SaveError::NoAudio {
            sid: rec.sid.clone(),
            ext: format.ext(),
        },
        error => SaveError::Api {
            sid: rec.sid.clone(),
            error,
        },
    }
}

/// Makes a rename in `dir` durable; where directories cannot be opened (Windows), the rename
/// stands as the platform keeps it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
