//! The command line, parsed by clap: the top level, the options every command takes, the
//! subcommands and the arguments several of them share. Each subcommand's own arguments live
//! beside it in `cmd/`.

use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use super::Exit;
use super::call::CallArgs;
use super::completions::CompletionsArgs;
use super::get::GetArgs;
use super::history::HistoryArgs;
use super::list::ListArgs;
use super::recordings::RecordingsArgs;
use super::why::WhyArgs;
use crate::config::{Overrides, defaults};

/// The environment variables, as `--help` and `swlog man` list them.
pub(crate) const ENVIRONMENT: &str = "\
Environment:
  SIGNALWIRE_SPACE (or SIGNALWIRE_SPACE_URL)     the space: acme, acme.signalwire.com or https://acme.signalwire.com
  SIGNALWIRE_PROJECT_ID                          the project ID
  SIGNALWIRE_API_TOKEN (or SIGNALWIRE_TOKEN)     the API token (needs the Voice scope)
  SWLOG_BASE_URL                                 replaces the space's URL (https, or http on loopback)
  SWLOG_CONFIG                                   another config file
  SWLOG_LOG                                      log level for the diagnostics log (e.g. debug)
  NO_COLOR                                       no colour";

/// How the environment's credentials and the config file's profiles combine, as `--help` and
/// `swlog man` say it.
pub(crate) const CREDENTIALS: &str = "\
The first four are one set of credentials, used whole when no --profile is named (the profile
`env`); a profile named with --profile takes none of them.";

/// swlog: look up a SignalWire voice log by its ID and see what happened on the call.
#[derive(Debug, Parser)]
#[command(name = "swlog", version, about, after_help = format!("{ENVIRONMENT}\n{CREDENTIALS}\n\n{}", Exit::help()))]
pub struct Cli {
    /// Open the inspector on this log ID (a pasted ticket line or Dashboard URL works too).
    pub id: Option<String>,

    /// What to do; without a command, the interactive inspector starts.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
}

impl Cli {
    /// Parses the process's arguments; wrong ones end the process with clap's usage error
    /// (exit code 2).
    pub fn parse_args() -> Self {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let cli = match Self::try_parse_from(&args) {
            Ok(cli) => cli,
            Err(e) if !e.use_stderr() => e.exit(),
            // clap quotes the offending argument as given, and on a terminal an escape sequence
            // in it would act: the same parse of the arguments made visible gives the same
            // error, quoting them safely.
            Err(e) => {
                // `swlog export csv` fails on `csv`, but `export` is the mistake.
                if let Some(unknown) = first_word(&args).as_deref().and_then(unknown_command) {
                    unknown.exit();
                }
                let visible = args
                    .iter()
                    .map(|a| crate::text::sanitize(&a.to_string_lossy()).into_owned());
                Self::try_parse_from(visible).err().unwrap_or(e).exit()
            }
        };
        if let Err(e) = cli.check() {
            e.exit();
        }
        cli
    }

    /// Refuses what clap lets through: a log ID before a command, which would be ignored, and
    /// a first word that is neither a command nor holds a log ID (a mistyped command).
    pub fn check(&self) -> Result<(), clap::Error> {
        if let Some(unknown) = self.id.as_deref().and_then(unknown_command) {
            return Err(unknown);
        }
        match (&self.id, &self.command) {
            (Some(id), Some(_)) => Err(Self::command().error(
                ErrorKind::ArgumentConflict,
                format!(
                    "`{}` comes before the command and would be ignored: put log IDs after it (`swlog get ID`)",
                    crate::text::sanitize(id)
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// The first argument that is neither an option nor an option's value: the log ID or command.
fn first_word(args: &[std::ffi::OsString]) -> Option<String> {
    let cmd = Cli::command();
    let takes_value = |long: &str| {
        cmd.get_arguments()
            .any(|a| a.get_long() == Some(long) && a.get_action().takes_values())
    };
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            return words.next().map(|w| w.into_owned());
        } else if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') && takes_value(long) {
                words.next();
            }
        } else if !(word.starts_with('-') && word.len() > 1) {
            return Some(word.into_owned());
        }
    }
    None
}

/// The usage error for a first word that is not a command and holds no log ID, with the
/// command clap finds nearest to it; `None` when the word is a command or holds an ID.
fn unknown_command(word: &str) -> Option<clap::Error> {
    let cmd = Cli::command();
    if word == "help" || cmd.find_subcommand(word).is_some() {
        return None;
    }
    if !crate::api::id::find_uuids(word).is_empty() {
        return None;
    }
    // A command with only the subcommands makes clap's own suggestion for a mistyped one.
    let commands = clap::Command::new("swlog").subcommands(cmd.get_subcommands().cloned());
    let nearest = match commands
        .try_get_matches_from(["swlog", word])
        .err()
        .and_then(|e| {
            e.get(clap::error::ContextKind::SuggestedSubcommand)
                .cloned()
        }) {
        // clap orders its suggestions by confidence, the best last.
        Some(clap::error::ContextValue::Strings(s)) => s.last().cloned(),
        _ => None,
    };
    let shown = crate::text::sanitize(&crate::text::truncate_chars(word, 60)).into_owned();
    let hint = match nearest {
        Some(nearest) => format!("did you mean `{nearest}`?"),
        None => {
            let names: Vec<_> = cmd.get_subcommands().map(|c| c.get_name()).collect();
            format!(
                "the commands are {}; a log ID opens the inspector (`swlog ID`)",
                names.join(", ")
            )
        }
    };
    Some(cmd.clone().error(
        ErrorKind::InvalidSubcommand,
        format!("unknown command `{shown}`: {hint}"),
    ))
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Use the built-in demo server and records instead of a SignalWire space.
    #[arg(long, global = true)]
    pub demo: bool,

    /// The profile of config.toml to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// The config file (default: the platform config dir's swlog/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Send requests here instead of the space's URL (https, or http on a loopback host).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Seconds allowed for a whole request.
    #[arg(
        long,
        global = true,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(1..=600),
        help = format!("Seconds allowed for a whole request (default {})", defaults::TIMEOUT.as_secs()),
    )]
    pub timeout: Option<u64>,

    /// Write a diagnostics log here (default with SWLOG_LOG set: the platform state dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Neither read nor write cached response bodies (the history is still kept).
    #[arg(long, global = true)]
    pub no_cache: bool,
}

impl Global {
    /// The configuration overrides these options make.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            profile: self.profile.clone(),
            config: self.config.clone(),
            base_url: self.base_url.clone(),
            timeout_secs: self.timeout,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch logs and print them, for scripts and tickets.
    #[command(after_help = format!("{ENVIRONMENT}\n{CREDENTIALS}\n\n{}", Exit::help()))]
    Get(GetArgs),
    /// Show where the config file is and which settings are in effect (token redacted).
    Config,
    /// Print the lookup history for scripts, or clear or prune it.
    History(HistoryArgs),
    /// What the local index of log rows holds; prune or clear it.
    Index(super::index::IndexArgs),
    /// Find logs without their ID: a time window, a number, a status... (see `list --help`).
    List(Box<ListArgs>),
    /// Watch calls as they happen: each new log once, and again when it ends (`tail --help`).
    Tail(super::tail::TailArgs),
    /// The whole call a leg belongs to: every leg as a tree, the total, one timeline.
    Call(CallArgs),
    /// Why a call went wrong: the SIP result, who answered, the audio quality, a verdict.
    Why(WhyArgs),
    /// A LaML call's recordings: list them, or save them (--download DIR, -o FILE, -o -).
    Recordings(RecordingsArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell (see the README).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: `swlog man | man -l -`.
    Man,
}

/// `--fields` and `--no-header`: the columns of CSV, NDJSON and text, shared by get, history
/// and list.
#[derive(Debug, Clone, Default, Args)]
pub struct ColumnArgs {
    /// Print only these fields, in this order (comma-separated; an unknown name lists the valid
    /// ones). CSV, NDJSON, JSON and text all take it.
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// CSV and text columns without their header line.
    #[arg(long)]
    pub no_header: bool,

    /// CSV lines end in CRLF, as RFC 4180 writes them (the default is LF, which `cut` and
    /// every CSV reader take).
    #[arg(long)]
    pub crlf: bool,
}

/// Output formats of `swlog get` and `swlog history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned fields and the charge breakdown, as the inspector shows them (with --fields:
    /// aligned columns).
    Text,
    /// Each body as received, pretty-printed; several IDs make one JSON array. With --events or
    /// --chain each is `{"log": body, "events": [...], "chain": [...]}`.
    Json,
    /// One JSON object a line, as received (with --fields: those fields).
    Ndjson,
    /// RFC 4180 CSV with a header; formulas guarded.
    Csv,
}

impl Format {
    /// The shape rows of fields (`--fields`, CSV) take in this format.
    pub fn shape(self) -> crate::export::rows::Shape {
        use crate::export::rows::Shape;
        match self {
            Format::Text => Shape::Text,
            Format::Json => Shape::Json,
            Format::Ndjson => Shape::Ndjson,
            Format::Csv => Shape::Csv,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "3f2b9e1c-8d4a-4c6e-9b1a-2f5e7d9c0a11";

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// `history --format`'s help was `get`'s, about bodies and IDs.
    #[test]
    fn history_format_speaks_of_the_history() {
        let mut cmd = Cli::command();
        let history = cmd
            .find_subcommand_mut("history")
            .expect("the history command");
        let help = history.render_long_help().to_string();
        assert!(
            help.contains("One lookup a line, most recent first"),
            "{help}"
        );
        assert!(!help.contains("Each body as received"), "{help}");
        let cli = parse(&["swlog", "history", "--format", "ndjson"]);
        let Some(Command::History(args)) = cli.command else {
            panic!("history")
        };
        assert_eq!(args.format, Format::Ndjson);
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        for args in [
            ["swlog", "--demo", "get", ID],
            ["swlog", "get", "--demo", ID],
            ["swlog", "get", ID, "--demo"],
        ] {
            let cli = parse(&args);
            assert!(matches!(cli.command, Some(Command::Get(_))), "{args:?}");
            assert!(cli.global.demo && cli.id.is_none(), "{args:?}");
        }
        let cli = parse(&["swlog", "--base-url", "http://127.0.0.1:9", "get", ID]);
        assert!(matches!(cli.command, Some(Command::Get(_))));
        assert_eq!(cli.global.base_url.as_deref(), Some("http://127.0.0.1:9"));
        let cli = parse(&["swlog", "--profile", "staging", "config"]);
        assert!(matches!(cli.command, Some(Command::Config)));
        assert!(cli.id.is_none());
    }

    #[test]
    fn a_bare_id_opens_the_inspector() {
        let cli = parse(&["swlog", "--demo", ID]);
        assert_eq!(cli.id.as_deref(), Some(ID));
        assert!(cli.command.is_none() && cli.check().is_ok());
    }

    #[test]
    fn the_first_word_skips_options_and_their_values() {
        let words = |args: &[&str]| first_word(&args.iter().map(Into::into).collect::<Vec<_>>());
        assert_eq!(
            words(&["swlog", "--profile", "p", "--demo", "lsit"]).as_deref(),
            Some("lsit")
        );
        assert_eq!(words(&["swlog", "--timeout=5", "x"]).as_deref(), Some("x"));
        assert_eq!(words(&["swlog", "--", "-x"]).as_deref(), Some("-x"));
        assert_eq!(words(&["swlog", "--demo"]), None);
    }

    #[test]
    fn an_id_before_a_command_is_refused() {
        let cli = parse(&["swlog", ID, "get", "x"]);
        let e = cli.check().map(|_| ()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
        assert!(e.to_string().contains("would be ignored"), "{e}");
    }
}
