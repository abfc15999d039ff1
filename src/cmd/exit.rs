//! The process's exit codes: the one table every command returns from and `--help` prints, and
//! the one mapping ([`of`]) from whatever a command failed on to its code. The layers below
//! return their own errors and never name an exit code.

use super::Error;
use crate::api::error::ErrorClass;
use crate::api::list::ListError;
use crate::config::ConfigError;
use crate::session::SessionError;

/// How a run of swlog ended, as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every ID was found.
    Ok,
    /// Some lookups failed and others succeeded.
    Partial,
    /// Usage or configuration error.
    Usage,
    /// Not found.
    NotFound,
    /// Authentication or authorisation refused.
    Auth,
    /// Network, server or timeout error.
    Remote,
    /// The output could not be written, or the terminal failed.
    Output,
    /// The API refused the request as invalid (HTTP 400, or a 422 without a scope item).
    Refused,
    /// Interrupted by Ctrl-C (SIGINT), what was found printed: 128 + 2.
    Interrupted,
    /// Ended by SIGTERM, what was found printed: 128 + 15.
    Terminated,
}

/// Every exit code with its meaning, as `--help` shows it.
const TABLE: [(Exit, &str); 10] = [
    (Exit::Ok, "every ID was found"),
    (
        Exit::Partial,
        "some lookups failed and others succeeded (each failure on stderr): an ID, or the\n     \
         events or a parent leg of a log that was found",
    ),
    (
        Exit::Usage,
        "usage or configuration error (bad ID, bad space, missing credentials)",
    ),
    (Exit::NotFound, "not found"),
    (Exit::Auth, "authentication or authorisation refused"),
    (
        Exit::Remote,
        "network, server (HTTP 5xx, an unexpected status or body) or timeout error: may pass\n     \
         if tried again",
    ),
    (
        Exit::Output,
        "the output could not be written (a full disk) or the terminal failed",
    ),
    (
        Exit::Refused,
        "the API refused the request (HTTP 400, or a 422 without a scope item; its reasons\n     \
         on stderr): asking again will not help",
    ),
    (
        Exit::Interrupted,
        "interrupted by Ctrl-C during a scan (what was found is printed) or a tail",
    ),
    (
        Exit::Terminated,
        "ended by SIGTERM during a scan (what was found is printed) or a tail",
    ),
];

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Partial => 1,
            Exit::Usage => 2,
            Exit::NotFound => 3,
            Exit::Auth => 4,
            Exit::Remote => 5,
            Exit::Output => 6,
            Exit::Refused => 7,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        }
    }

    /// The "Exit codes:" section of `--help`, made from the table.
    pub fn help() -> String {
        let mut s = "Exit codes:".to_owned();
        for (exit, meaning) in TABLE {
            s.push_str(&format!("\n  {}  {meaning}", exit.code()));
        }
        s
    }

    /// Every code with its meaning on one line, for the manual page.
    pub fn table() -> impl Iterator<Item = (u8, String)> {
        TABLE.iter().map(|(exit, meaning)| {
            let words: Vec<&str> = meaning.split_whitespace().collect();
            (exit.code(), words.join(" "))
        })
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

/// What a command can end on, borrowed: the input of [`of`].
#[derive(Debug, Clone, Copy)]
pub enum Failure<'a> {
    /// The command stopped with this error.
    Command(&'a Error),
    /// The session could not start (said on stderr by the command itself).
    Session(&'a SessionError),
    /// The settings could not be resolved (said by the command itself).
    Config(&'a ConfigError),
    /// A scan of the log list stopped on this fault (the rows found before it were printed).
    Scan(&'a ListError),
    /// One lookup (a log, its events or a parent leg) failed with this class of error.
    Lookup(ErrorClass),
}

/// The exit code of a failure: the one place errors become exit codes.
pub fn of(failure: Failure<'_>) -> Exit {
    match failure {
        Failure::Command(Error::Session(e)) | Failure::Session(e) => match e {
            SessionError::Config(e) => of(Failure::Config(e)),
            SessionError::Demo(_) | SessionError::Client(_) => Exit::Remote,
        },
        Failure::Config(_) => Exit::Usage,
        Failure::Command(Error::Usage(_)) => Exit::Usage,
        Failure::Command(Error::Output(_) | Error::Terminal(_) | Error::Runtime(_)) => Exit::Output,
        Failure::Command(Error::History(..) | Error::Index(..)) => Exit::Remote,
        // A page the API refused stops the whole scan: its own code for refused credentials or
        // requests, and 5 for everything else (a missing page is a server fault, not "not found").
        Failure::Scan(ListError::Api(e)) => match e.class() {
            ErrorClass::Auth => Exit::Auth,
            ErrorClass::Refused => Exit::Refused,
            ErrorClass::NotFound | ErrorClass::Remote => Exit::Remote,
        },
        Failure::Scan(ListError::Interrupted { signal }) if *signal == "SIGTERM" => {
            Exit::Terminated
        }
        Failure::Scan(ListError::Interrupted { .. }) => Exit::Interrupted,
        Failure::Scan(_) => Exit::Remote,
        Failure::Lookup(class) => match class {
            ErrorClass::NotFound => Exit::NotFound,
            ErrorClass::Auth => Exit::Auth,
            ErrorClass::Remote => Exit::Remote,
            ErrorClass::Refused => Exit::Refused,
        },
    }
}

/// The code for `found` logs found and these failed lookups (of IDs, events or parents): 0
/// without failures, 1 when some were found; else, of the failures' own codes, refused
/// credentials first, then "not found" when every one is, then a network or server error, then
/// a refused request.
pub fn of_lookups(found: usize, failures: &[ErrorClass]) -> Exit {
    let codes: Vec<Exit> = failures.iter().map(|c| of(Failure::Lookup(*c))).collect();
    if codes.is_empty() {
        Exit::Ok
    } else if found > 0 {
        Exit::Partial
    } else if codes.contains(&Exit::Auth) {
        Exit::Auth
    } else if codes.iter().all(|c| *c == Exit::NotFound) {
        Exit::NotFound
    } else if codes.contains(&Exit::Remote) {
        Exit::Remote
    } else {
        Exit::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_decide_the_code() {
        use ErrorClass::*;
        assert_eq!(of_lookups(3, &[]), Exit::Ok);
        assert_eq!(of_lookups(1, &[NotFound]), Exit::Partial);
        assert_eq!(of_lookups(0, &[NotFound, NotFound]), Exit::NotFound);
        assert_eq!(of_lookups(0, &[NotFound, Auth]), Exit::Auth);
        assert_eq!(of_lookups(0, &[NotFound, Remote]), Exit::Remote);
        assert_eq!(of_lookups(0, &[Refused, Remote]), Exit::Remote);
        assert_eq!(of_lookups(0, &[NotFound, Refused]), Exit::Refused);
    }

    #[test]
    fn errors_below_the_commands_decide_the_code() {
        let config = SessionError::Config(ConfigError::Missing {
            what: "space",
            how: String::new(),
        });
        assert_eq!(of(Failure::Session(&config)), Exit::Usage);
        let demo = SessionError::Demo(std::io::Error::other("no port"));
        assert_eq!(of(Failure::Command(&Error::Session(demo))), Exit::Remote);
        let looped = ListError::Loop { url: "x".into() };
        assert_eq!(of(Failure::Scan(&looped)), Exit::Remote);
        assert_eq!(of(Failure::Lookup(ErrorClass::Refused)), Exit::Refused);
        let output = Error::Output(std::io::Error::other("full"));
        assert_eq!(of(Failure::Command(&output)), Exit::Output);
    }

    #[test]
    fn the_help_lists_every_code_once_in_order() {
        let help = Exit::help();
        let codes: Vec<u8> = help
            .lines()
            .filter_map(|l| l.trim_start().split_once("  "))
            .filter_map(|(n, _)| n.parse().ok())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 130, 143]);
        assert!(
            help.starts_with("Exit codes:\n  0  every ID was found\n"),
            "{help}"
        );
    }
}
