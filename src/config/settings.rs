//! The settings put together ([`Settings`]), where each value came from ([`Origin`]), and what
//! the command line says ([`Overrides`]).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::defaults;
use crate::api::endpoint::Endpoint;
use crate::secret::Secret;

/// Where a value came from, for `swlog config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An environment variable.
    Env(&'static str),
    /// A key of the config file's profile.
    File(&'static str),
    /// A command-line flag.
    Flag(&'static str),
    /// The built-in demo.
    Demo,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(v) => write!(f, "from ${v}"),
            Origin::File(k) => write!(f, "from `{k}` in the config file"),
            Origin::Flag(k) => write!(f, "from {k}"),
            Origin::Demo => f.write_str("demo"),
        }
    }
}

/// What the command line says about configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--profile`.
    pub profile: Option<String>,
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--base-url`.
    pub base_url: Option<String>,
    /// `--timeout` in seconds.
    pub timeout_secs: Option<u64>,
}

/// Everything needed to make requests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The profile in effect.
    pub profile: String,
    /// Where requests go.
    pub endpoint: Endpoint,
    /// Where the space or base URL came from.
    pub endpoint_origin: Origin,
    /// The project ID.
    pub project_id: String,
    /// Where the project ID came from.
    pub project_origin: Origin,
    /// The API token.
    pub token: Secret,
    /// Where the token came from.
    pub token_origin: Origin,
    /// Time allowed for a whole request.
    pub timeout: Duration,
    /// Time between refreshes of a call in progress; zero turns live refresh off.
    pub live_refresh: Duration,
    /// How long past its start and duration a non-final call is still refreshed.
    pub live_max_age: Duration,
    /// How long a whole call's events may take in all (`events_within_secs`).
    pub events_within: Duration,
    /// How many unpinned lookups the history keeps.
    pub history_limit: usize,
    /// Whether response bodies are cached beside the history.
    pub cache: bool,
    /// The local index of log rows.
    pub index: super::IndexSettings,
    /// Where copies go.
    pub clipboard: crate::clipboard::ClipboardChoice,
    /// Where the inspector saves recordings, when the config names a place.
    pub download_dir: Option<std::path::PathBuf>,
    /// Things worth telling the user, e.g. an inline token in a world-readable file.
    pub warnings: Vec<String>,
}

impl Settings {
    /// Where the inspector saves recordings: `download_dir`, else the platform's download
    /// directory (on Linux `XDG_DOWNLOAD_DIR`, else `~/Downloads`), else the current one.
    pub fn download_dir(&self) -> std::path::PathBuf {
        let platform = || {
            let dirs = directories::UserDirs::new()?;
            Some(
                dirs.download_dir()
                    .map_or_else(|| dirs.home_dir().join("Downloads"), Into::into),
            )
        };
        self.download_dir
            .clone()
            .or_else(platform)
            .unwrap_or_else(|| std::path::PathBuf::from("."))
    }

    /// The settings of the demo's profile `name` (`demo` or `staging`) on `base`, the running
    /// demo server's endpoint; `None` for a name the demo does not have.
    pub fn demo_profile(base: &Endpoint, name: &str) -> Option<Self> {
        let (name, space, project, token) = crate::demo::DemoServer::profiles()
            .into_iter()
            .find(|p| p.0 == name)?;
        Some(Self {
            profile: name.to_owned(),
            endpoint: base.clone().labelled(space),
            project_id: project.to_owned(),
            token: Secret::new(token),
            ..Self::demo_defaults(base.clone())
        })
    }

    fn demo_defaults(endpoint: Endpoint) -> Self {
        Self {
            profile: "demo".to_owned(),
            endpoint,
            endpoint_origin: Origin::Demo,
            project_id: crate::demo::PROJECT_ID.to_owned(),
            project_origin: Origin::Demo,
            token: Secret::new(crate::demo::TOKEN),
            token_origin: Origin::Demo,
            timeout: defaults::TIMEOUT,
            live_refresh: defaults::LIVE_REFRESH,
            live_max_age: defaults::LIVE_MAX_AGE,
            events_within: super::limits::DEFAULT_EVENTS_WITHIN,
            history_limit: defaults::HISTORY_LIMIT,
            cache: defaults::CACHE,
            index: defaults::INDEX,
            clipboard: crate::clipboard::ClipboardChoice::default(),
            download_dir: None,
            warnings: Vec::new(),
        }
    }

    /// The settings that talk to a running demo server.
    pub fn demo(server: &crate::demo::DemoServer) -> Self {
        let (project_id, token) = server.credentials();
        Self {
            project_id,
            token,
            ..Self::demo_defaults(server.endpoint())
        }
    }
}
