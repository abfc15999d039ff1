//! Credentials and settings: the environment, then `config.toml`, then defaults.
//!
//! The credentials come from one source, whole: the profile named on the command line, else the
//! environment's when it sets any, else the file's `default` profile. The token may be inline in the file (warned about when
//! the file is readable by others) or come from a `token_command`; either way it is held in a
//! [`Secret`](crate::secret::Secret) from the moment it is read.

use std::path::PathBuf;

use thiserror::Error;

mod choices;
mod file;
pub mod limits;
mod resolution;
mod settings;
mod source;
#[cfg(test)]
mod tests;

pub use choices::{Choice, ENV_PROFILE, choices, resolve_choice};
pub use file::{FileConfig, Profile, load_file};
pub use resolution::{blank_environment_credentials, environment_credentials, resolve};
pub use settings::{Origin, Overrides, Settings};

use crate::api::endpoint::EndpointError;

/// Environment variables swlog reads, with their aliases (first wins).
pub mod vars {
    /// The space: `acme`, `acme.signalwire.com` or `https://acme.signalwire.com`.
    pub const SPACE: [&str; 2] = ["SIGNALWIRE_SPACE", "SIGNALWIRE_SPACE_URL"];
    /// The project ID.
    pub const PROJECT: [&str; 1] = ["SIGNALWIRE_PROJECT_ID"];
    /// The API token.
    pub const TOKEN: [&str; 2] = ["SIGNALWIRE_API_TOKEN", "SIGNALWIRE_TOKEN"];
    /// A base URL that replaces the space's (proxies, tests).
    pub const BASE_URL: [&str; 1] = ["SWLOG_BASE_URL"];
    /// Another config file.
    pub const CONFIG: &str = "SWLOG_CONFIG";
}

/// The built-in settings, used where neither the command line, the environment nor the file
/// says otherwise. The only place they are written.
pub mod defaults {
    use std::time::Duration;

    /// Time allowed for a whole request: the api layer's own default.
    pub const TIMEOUT: Duration = crate::api::client::DEFAULT_TIMEOUT;
    /// Time between refreshes of a call in progress.
    pub const LIVE_REFRESH: Duration = Duration::from_secs(5);
    /// How many unpinned lookups the history keeps.
    pub const HISTORY_LIMIT: usize = 1_000;
    /// Whether response bodies are cached beside the history.
    pub const CACHE: bool = true;
    /// How long past its start and duration a call that is not final is still refreshed.
    pub const LIVE_MAX_AGE: Duration = Duration::from_secs(6 * 3600);
    /// The index's settings.
    pub const INDEX: super::IndexSettings = super::IndexSettings {
        enabled: true,
        max_mb: 500,
        max_age_days: 30,
        streams: 4,
    };
}

/// How searches keep and use the local index (`index`, `index_max_mb`, `index_max_age_days`,
/// `index_streams` in the config file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSettings {
    /// Whether the index is kept and used.
    pub enabled: bool,
    /// The most megabytes it may use on disk.
    pub max_mb: u64,
    /// The most days a row stays.
    pub max_age_days: u64,
    /// List streams read at once.
    pub streams: usize,
}

/// Why settings could not be put together.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// A required value is set nowhere.
    #[error("no {what} set: {how}")]
    Missing {
        /// What is missing.
        what: &'static str,
        /// Exactly where to set it.
        how: String,
    },
    /// The file exists but cannot be read or parsed.
    #[error("cannot use config file {path}: {detail}")]
    BadFile {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// `--profile` names a profile the file does not have.
    #[error("no profile `{name}` in {path}{}", if available.is_empty() { String::new() } else { format!(" (profiles: {})", available.join(", ")) })]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The file.
        path: String,
        /// The profiles it has.
        available: Vec<String>,
    },
    /// A profile has both `token` and `token_command`.
    #[error("profile `{0}` sets both `token` and `token_command`: keep one")]
    TwoTokens(String),
    /// The token command failed.
    #[error("token_command `{command}` failed: {detail}")]
    TokenCommand {
        /// The command.
        command: String,
        /// Why.
        detail: String,
    },
    /// A setting outside the range it may take.
    #[error("{key} = {value} is out of range: give {min} to {max} {unit}")]
    OutOfRange {
        /// The key or flag.
        key: &'static str,
        /// What it counts: `seconds`, `lookups`.
        unit: &'static str,
        /// The value given.
        value: u64,
        /// The smallest value allowed.
        min: u64,
        /// The largest value allowed.
        max: u64,
    },
    /// The space or base URL is not acceptable.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

/// The default config file: `$XDG_CONFIG_HOME/swlog/config.toml` on Linux.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "swlog").map(|d| d.config_dir().join("config.toml"))
}

/// The config file in use: `--config`, then `$SWLOG_CONFIG`, then the platform default.
pub fn config_path(overrides: &Overrides, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    overrides
        .config
        .clone()
        .or_else(|| {
            env(vars::CONFIG)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        })
        .or_else(default_config_path)
}
