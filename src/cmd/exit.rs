//! The process's exit codes: the one table every command returns from and `--help` prints.

use crate::api::error::ErrorClass;

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
}

/// Every exit code with its meaning, as `--help` shows it.
const TABLE: [(Exit, &str); 8] = [
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

    /// The code for `found` logs found and these failures (of IDs, events or parents).
    pub fn of_lookups(found: usize, failures: &[ErrorClass]) -> Self {
        if failures.is_empty() {
            Exit::Ok
        } else if found > 0 {
            Exit::Partial
        } else if failures.contains(&ErrorClass::Auth) {
            Exit::Auth
        } else if failures.iter().all(|c| *c == ErrorClass::NotFound) {
            Exit::NotFound
        } else if failures.contains(&ErrorClass::Remote) {
            Exit::Remote
        } else {
            Exit::Refused
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        Self::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_decide_the_code() {
        use ErrorClass::*;
        assert_eq!(Exit::of_lookups(3, &[]), Exit::Ok);
        assert_eq!(Exit::of_lookups(1, &[NotFound]), Exit::Partial);
        assert_eq!(Exit::of_lookups(0, &[NotFound, NotFound]), Exit::NotFound);
        assert_eq!(Exit::of_lookups(0, &[NotFound, Auth]), Exit::Auth);
        assert_eq!(Exit::of_lookups(0, &[NotFound, Remote]), Exit::Remote);
        assert_eq!(Exit::of_lookups(0, &[Refused, Remote]), Exit::Remote);
        assert_eq!(Exit::of_lookups(0, &[NotFound, Refused]), Exit::Refused);
    }

    #[test]
    fn the_help_lists_every_code_once_in_order() {
        let help = Exit::help();
        let codes: Vec<u8> = help
            .lines()
            .filter_map(|l| l.trim_start().split_once("  "))
            .filter_map(|(n, _)| n.parse().ok())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7]);
        assert!(
            help.starts_with("Exit codes:\n  0  every ID was found\n"),
            "{help}"
        );
    }
}
