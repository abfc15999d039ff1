//! A session's connection: the settings in effect, the one HTTP client, and the demo server
//! when `--demo` asked for it.

use thiserror::Error;

use crate::api::{ApiError, Client, ClientOptions};
use crate::cli::Global;
use crate::cmd::Exit;
use crate::config::{self, ConfigError, Settings};
use crate::demo::{DemoOptions, DemoServer};
use crate::history::{History, Options as HistoryOptions, Warning as HistoryWarning};

/// Why a session could not start.
#[derive(Debug, Error)]
pub enum SessionError {
    /// The configuration is incomplete or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The demo server could not start.
    #[error("cannot start the demo server: {0}")]
    Demo(std::io::Error),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ApiError),
}

impl SessionError {
    /// The process exit code for this error.
    pub fn exit(&self) -> Exit {
        match self {
            SessionError::Config(_) => Exit::Usage,
            SessionError::Demo(_) | SessionError::Client(_) => Exit::Remote,
        }
    }
}

/// What lookups need.
#[derive(Debug)]
pub struct Session {
    /// The client; clones share its connections.
    pub client: Client,
    /// The settings in effect.
    pub settings: Settings,
    /// The demo server, kept running for the session's life.
    pub demo: Option<DemoServer>,
}

impl Session {
    /// Opens a session from the command line's options and the environment.
    pub async fn open(global: &Global) -> Result<Self, SessionError> {
        let (settings, demo) = if global.demo {
            let options = DemoOptions {
                live_started: Some(chrono::Utc::now() - chrono::Duration::minutes(2)),
                ..DemoOptions::default()
            };
            let server = DemoServer::start(options)
                .await
                .map_err(SessionError::Demo)?;
            (Settings::demo(&server), Some(server))
        } else {
            (
                config::resolve(&global.overrides(), &|k| std::env::var(k).ok())?,
                None,
            )
        };
        let client = Self::client_for(&settings)?;
        Ok(Self {
            client,
            settings,
            demo,
        })
    }

    /// Opens the history this session records to: the platform data dir (the demo keeps its
    /// own, beside it, so trying the demo never mixes with real lookups). Never fails; the
    /// warnings say what went wrong.
    pub fn history(&self, no_cache: bool) -> (History, Vec<HistoryWarning>) {
        let options = HistoryOptions {
            cap: self.settings.history_limit,
            cache: self.settings.cache && !no_cache,
        };
        match History::dir_for(self.demo.is_some()) {
            Some(dir) => History::open(dir, options),
            None => (
                History::in_memory(options),
                vec![HistoryWarning::NotSaved(
                    "this platform has no data directory".to_owned(),
                )],
            ),
        }
    }

    /// The client for `settings`.
    pub fn client_for(settings: &Settings) -> Result<Client, ApiError> {
        let options = ClientOptions {
            timeout: settings.timeout,
            ..ClientOptions::default()
        };
        Client::new(
            settings.endpoint.clone(),
            &settings.project_id,
            settings.token.clone(),
            options,
        )
    }
}
