//! `swlog recordings ID`: a LaML call's recordings (sid, duration, status, price, created), and
//! with `--download DIR` each saved streamed to disk, never over an existing file; `-o -` is the
//! one way audio reaches standard output.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;

use clap::Args;

use super::cli::Global;
use super::exit::{self, Failure};
use super::{Error, Exit};
use crate::api::audio::AudioFormat;
use crate::api::compat::Recording;
use crate::api::{ApiError, Client, extract_id};
use crate::download::{self, SaveError};
use crate::session::Session;
use crate::text::sanitize;
use crate::why::{lines, load};

/// Exit codes of `swlog recordings`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  the recordings were listed (and saved; a file already there is skipped, not overwritten)
  1  some recordings could not be saved (each on stderr)
  2  usage error (a bad ID, -o - to a terminal, -o with several recordings and no --sid)
  3  the log or its recordings were not found
  4  authentication or authorisation refused
  5  network, server or timeout error";

/// `swlog recordings`.
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct RecordingsArgs {
    /// A LaML call's log ID (a pasted ticket line or Dashboard URL works too).
    #[arg(value_name = "ID")]
    pub id: String,
    /// Save each recording into this directory as SID.wav (SID.mp3 with --mp3), streamed; a
    /// file already there is never overwritten.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub download: Option<PathBuf>,
    /// Write one recording's audio here: a new file, or `-` for standard output (never a
    /// terminal). With several recordings, pick one with --sid.
    #[arg(short = 'o', long, value_name = "FILE|-")]
    pub output: Option<PathBuf>,
    /// Only the recording with this sid.
    #[arg(long, value_name = "SID")]
    pub sid: Option<String>,
    /// MP3 instead of WAV.
    #[arg(long)]
    pub mp3: bool,
}

/// Runs `swlog recordings`.
pub async fn command(
    global: &Global,
    args: &RecordingsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let id = extract_id(&args.id).map_err(|e| Error::Usage(e.to_string()))?;
    check_output(args, std::io::stdout().is_terminal())?;
    let session = Session::open(global.demo, &global.overrides()).await?;
    super::settings_warnings(&session.settings.warnings, err)?;
    if global.demo {
        super::demo_note(&session.client, err)?;
    }
    let progress = std::io::stderr().is_terminal();
    run(&session.client, id, args, progress, out, err).await
}

fn lookup_exit(e: &ApiError) -> Exit {
    exit::of(Failure::Lookup(e.class()))
}

/// `swlog recordings` on any writers; a progress bar on stderr when `progress`.
pub async fn run(
    client: &Client,
    id: uuid::Uuid,
    args: &RecordingsArgs,
    progress: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit, Error> {
    let log = match client.fetch_log(id).await {
        Ok(f) => f.log,
        Err(e) => {
            writeln!(err, "swlog: {id}: {}", sanitize(&e.to_string()))?;
            return Ok(lookup_exit(&e));
        }
    };
    if !load::is_laml(&log) {
        writeln!(
            err,
            "swlog: {id} is a {}: the Compatibility API keeps recordings of LaML calls only, so nothing was asked",
            sanitize(&log.kind.short_label())
        )?;
        return Ok(Exit::Ok);
    }
    let got = match client.fetch_recordings(id).await {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "swlog: {id}: recordings: {}", sanitize(&e.to_string()))?;
            return Ok(lookup_exit(&e));
        }
    };
    if let Some(why) = &got.stopped {
        writeln!(err, "swlog: {id}: {}", sanitize(why))?;
    }
    let mut recordings: Vec<&Recording> = got.recordings.iter().collect();
    if let Some(sid) = &args.sid {
        recordings.retain(|r| r.sid.eq_ignore_ascii_case(sid.trim()));
        if recordings.is_empty() {
            writeln!(err, "swlog: {id} has no recording {}", sanitize(sid))?;
            return Ok(Exit::NotFound);
        }
    }
    let format = if args.mp3 {
        AudioFormat::Mp3
    } else {
        AudioFormat::Wav
    };
    if let Some(output) = &args.output {
        let [rec] = recordings.as_slice() else {
            return Err(Error::Usage(format!(
                "-o takes one recording and {id} has {}: pick one with --sid",
                recordings.len()
            )));
        };
        return Ok(one(client, rec, format, output, out, err).await?);
    }
    if recordings.is_empty() {
        writeln!(err, "swlog: {id} has no recordings")?;
    }
    for r in &recordings {
        writeln!(out, "{}", lines::recording(r))?;
    }
    out.flush()?;
    let Some(dir) = &args.download else {
        return Ok(Exit::Ok);
    };
    let mut failed = false;
    for rec in recordings {
        let bar = progress.then(|| bar(rec));
        let mut tick = |done: u64, total: Option<u64>| {
            if let Some(b) = &bar {
                if let Some(t) = total {
                    b.set_length(t);
                }
                b.set_position(done);
            }
        };
        let saved = download::save(client, rec, format, dir, &mut tick).await;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        match saved {
            Ok(s) => writeln!(err, "swlog: saved {} ({} bytes)", s.path.display(), s.bytes)?,
            Err(e @ SaveError::Exists(_)) => writeln!(err, "swlog: {}", sanitize(&e.to_string()))?,
            Err(e) => {
                writeln!(err, "swlog: {}", sanitize(&e.to_string()))?;
                failed = true;
            }
        }
    }
    Ok(if failed { Exit::Partial } else { Exit::Ok })
}

/// `-o FILE` or `-o -`: one recording's audio.
async fn one(
    client: &Client,
    rec: &Recording,
    format: AudioFormat,
    output: &std::path::Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Exit> {
    let result = if output == std::path::Path::new("-") {
        download::stream(client, rec, format, out).await.map(|_| ())
    } else {
        // A named file: saved the same way, under that name.
        let dir = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let name = output.file_name().map(PathBuf::from);
        match name {
            Some(name) => download::save_as(client, rec, format, &dir.join(name), &mut |_, _| {})
                .await
                .map(|s| {
                    let _ = writeln!(err, "swlog: saved {} ({} bytes)", s.path.display(), s.bytes);
                }),
            None => Err(SaveError::Exists(output.to_path_buf())),
        }
    };
    match result {
        Ok(()) => Ok(Exit::Ok),
        Err(SaveError::Api { error, .. }) => {
            writeln!(
                err,
                "swlog: recording {}: {}",
                sanitize(&rec.sid),
                sanitize(&error.to_string())
            )?;
            Ok(lookup_exit(&error))
        }
        Err(e @ SaveError::NoAudio { .. }) => {
            writeln!(err, "swlog: {}", sanitize(&e.to_string()))?;
            Ok(Exit::NotFound)
        }
        Err(e) => {
            writeln!(err, "swlog: {}", sanitize(&e.to_string()))?;
            Ok(Exit::Partial)
        }
    }
}

fn bar(rec: &Recording) -> indicatif::ProgressBar {
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    ) {
        bar.set_style(style);
    }
    bar.set_message(sanitize(&rec.sid).into_owned());
    bar
}

/// Refuses `-o -` when standard output is a terminal: audio there is noise and escapes.
fn check_output(args: &RecordingsArgs, stdout_is_terminal: bool) -> Result<(), Error> {
    if args.output.as_deref() == Some(std::path::Path::new("-")) && stdout_is_terminal {
        return Err(Error::Usage(
            "-o - writes audio to standard output, which is a terminal: pipe it (`| aplay`) or give -o FILE".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(output: Option<&str>) -> RecordingsArgs {
        RecordingsArgs {
            id: String::new(),
            download: None,
            output: output.map(PathBuf::from),
            sid: None,
            mp3: false,
        }
    }

    #[test]
    fn audio_never_goes_to_a_terminal() {
        assert!(matches!(
            check_output(&args(Some("-")), true),
            Err(Error::Usage(_))
        ));
        assert!(
            check_output(&args(Some("-")), false).is_ok(),
            "a pipe is fine"
        );
        assert!(check_output(&args(Some("x.wav")), true).is_ok());
        assert!(check_output(&args(None), true).is_ok(), "a list is text");
    }
}
