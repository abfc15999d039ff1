//! The subcommands, one module each. Each returns how it ended ([`Exit`]) or an [`Error`], whose
//! exit code [`exit::of`] gives; [`report`] is the one place that tells the user about an error
//! and turns a closed output into a quiet ending.

pub mod call;
pub mod cli;
pub mod completions;
pub mod config;
pub mod exit;
pub mod get;
pub mod history;
pub mod index;
pub mod index_json;
pub mod inspect;
pub mod list;
mod list_calls;
pub mod man;
pub mod recordings;
mod signal;
pub mod tail;
pub mod why;

use std::io::{self, Write};

use thiserror::Error;

use crate::session::SessionError;
use crate::text::sanitize;
use cli::{Cli, Command};

pub use exit::Exit;

/// Why a command stopped.
#[derive(Debug, Error)]
pub enum Error {
    /// The session (settings, demo server, client) could not start.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The command line or its input is wrong; each line is one problem.
    #[error("{0}")]
    Usage(String),
    /// The output could not be written: a closed pipe (not worth a word) or a full disk.
    #[error("cannot write output: {0}")]
    Output(#[from] io::Error),
    /// The terminal failed while the inspector ran.
    #[error("terminal error: {0}")]
    Terminal(io::Error),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(io::Error),
    /// The history could not be cleared or pruned (the action, then why).
    #[error("cannot {0} the history: {1}")]
    History(&'static str, String),
    /// The index could not be read, pruned or cleared (the action, then why).
    #[error("cannot {0} the index: {1}")]
    Index(&'static str, String),
}

impl Error {
    /// Whether the reader of the output went away (`swlog get … | head`).
    fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Runs the command `cli` names, writing its output to `out` and its diagnostics to `err`.
pub async fn dispatch(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<Exit, Error> {
    let exit = match cli.command {
        Some(Command::Get(args)) => get::command(&cli.global, &args, out, err).await?,
        Some(Command::Call(args)) => call::command(&cli.global, &args, out, err).await?,
        Some(Command::Why(args)) => why::command(&cli.global, &args, out, err).await?,
        Some(Command::Recordings(args)) => {
            recordings::command(&cli.global, &args, out, err).await?
        }
        Some(Command::Config) => config::command(&cli.global, out)?,
        Some(Command::History(args)) => history::command(&cli.global, &args, out, err)?,
        Some(Command::Index(args)) => index::command(&cli.global, &args, out, err)?,
        Some(Command::List(args)) => list::command(&cli.global, &args, out, err).await?,
        Some(Command::Tail(args)) => tail::command(&cli.global, &args, out, err).await?,
        Some(Command::Completions(args)) => completions::command(&args, &cli.global, out)?,
        Some(Command::Man) => man::command(out)?,
        None => inspect::command(&cli.global, cli.id, err).await?,
    };
    // Line-buffered output keeps its last bytes until now: a full disk must show here.
    out.flush()?;
    Ok(exit)
}

/// Whether standard output is a pipe whose reader has gone: writing to it would fail. A
/// terminal or a file never is.
pub(crate) fn stdout_closed() -> bool {
    #[cfg(unix)]
    {
        use rustix::event::{PollFd, PollFlags, poll};
        let stdout = std::io::stdout();
        let mut fds = [PollFd::new(&stdout, PollFlags::OUT)];
        let zero = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        poll(&mut fds, Some(&zero)).is_ok()
            && fds[0]
                .revents()
                .intersects(PollFlags::ERR | PollFlags::HUP | PollFlags::NVAL)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Says on `err` what the settings warned about (made legible: they quote the config file).
pub(crate) fn settings_warnings(warnings: &[String], err: &mut dyn Write) -> io::Result<()> {
    for w in warnings {
        writeln!(err, "swlog: warning: {}", sanitize(w))?;
    }
    Ok(())
}

/// Says on `err` that the data is the demo's, and where its server is.
pub(crate) fn demo_note(client: &crate::api::Client, err: &mut dyn Write) -> io::Result<()> {
    writeln!(
        err,
        "swlog: demo data from the built-in demo server at {}",
        client.endpoint().base()
    )
}

/// Tells the user about an error, once, on `err`, and gives the code to exit with. A closed
/// output ends quietly with the usual code.
pub fn report(result: Result<Exit, Error>, err: &mut dyn Write) -> Exit {
    match result {
        Ok(exit) => exit,
        Err(e) if e.is_closed_pipe() => Exit::Ok,
        Err(e) => {
            // Errors quote what the user gave (a profile, a path): escapes are made visible.
            for line in e.to_string().lines() {
                let _ = writeln!(err, "swlog: {}", sanitize(line));
            }
            exit::of(exit::Failure::Command(&e))
        }
    }
}

/// Standard error for diagnostics. A diagnostic that cannot be written is dropped: there is
/// nowhere left to say so, and it must not stop the output the user asked for.
#[derive(Debug)]
pub struct Diagnostics<W>(pub W);

impl<W: Write> Write for Diagnostics<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = self.0.write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

/// Opens the session a command runs in. When it cannot, says why on `err` and gives the exit
/// code; else says what the settings warn of and, unless `quiet`, that the demo's data is shown.
pub(crate) async fn session_for(
    global: &cli::Global,
    quiet: bool,
    err: &mut dyn Write,
) -> io::Result<Result<crate::session::Session, Exit>> {
    let session = match crate::session::Session::open(global.demo, &global.overrides()).await {
        Ok(s) => s,
        Err(e) => {
            // As `report` says any command's error: each line prefixed, escapes made visible.
            for line in e.to_string().lines() {
                writeln!(err, "swlog: {}", sanitize(line))?;
            }
            return Ok(Err(exit::of(exit::Failure::Session(&e))));
        }
    };
    settings_warnings(&session.settings.warnings, err)?;
    if global.demo && !quiet {
        demo_note(&session.client, err)?;
    }
    Ok(Ok(session))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(result: Result<Exit, Error>) -> (Exit, String) {
        let mut err = Vec::new();
        let exit = report(result, &mut err);
        (exit, String::from_utf8(err).unwrap())
    }

    #[test]
    fn a_closed_pipe_ends_quietly_and_a_full_disk_does_not() {
        let closed = io::Error::from(io::ErrorKind::BrokenPipe);
        assert_eq!(reported(Err(closed.into())), (Exit::Ok, String::new()));
        let full = io::Error::other("No space left on device");
        let (exit, said) = reported(Err(full.into()));
        assert_eq!(exit, Exit::Output);
        assert_eq!(
            said,
            "swlog: cannot write output: No space left on device\n"
        );
    }

    #[test]
    fn each_line_of_an_error_is_reported_escaped() {
        let e = Error::Usage("ID #1: bad \u{1b}]0;x\u{7}\nID #2: worse".to_owned());
        let (exit, said) = reported(Err(e));
        assert_eq!(exit, Exit::Usage);
        assert_eq!(
            said,
            "swlog: ID #1: bad \\u{1b}]0;x\\u{7}\nswlog: ID #2: worse\n"
        );
        assert_eq!(reported(Ok(Exit::Partial)), (Exit::Partial, String::new()));
    }

    /// A writer whose every write fails, as stderr on a full disk.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::other("full"))
        }
    }

    #[test]
    fn diagnostics_that_cannot_be_written_are_dropped() {
        let mut err = Diagnostics(Full);
        assert!(writeln!(err, "swlog: warning").is_ok());
        assert!(err.flush().is_ok());
        assert_eq!(reported(Ok(Exit::Ok)).0, Exit::Ok);
        let exit = report(Err(Error::Usage("x".into())), &mut Diagnostics(Full));
        assert_eq!(exit, Exit::Usage);
    }
}
