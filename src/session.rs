//! A session's connection: the settings in effect, the one HTTP client, and the demo server
//! when `--demo` asked for it.

use thiserror::Error;

use crate::api::{ApiError, Client};
use crate::config::{self, ConfigError, Settings};
use crate::demo::{DemoOptions, DemoServer};
use crate::history::{History, Options as HistoryOptions, Warning as HistoryWarning};
use crate::spaces::{Resolver, Spaces};

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

/// What lookups need.
#[derive(Debug)]
pub struct Session {
    /// The client; clones share its connections.
    pub client: Client,
    /// The settings in effect.
    pub settings: Settings,
    /// The demo server, kept running for the session's life.
    pub demo: Option<DemoServer>,
    /// The local index of log rows searches use (off with `index = false`).
    pub index: crate::search::IndexHandle,
    /// The demo's index lives here for the session only (its server's port changes every run).
    _demo_index: Option<std::sync::Arc<tempfile::TempDir>>,
}

impl Session {
    /// Opens a session: the built-in demo server and its records when `demo`, else the settings
    /// `overrides` (the command line's) and the environment resolve to.
    pub async fn open(demo: bool, overrides: &config::Overrides) -> Result<Self, SessionError> {
        let (settings, demo) = if demo {
            let options = DemoOptions {
                live_started: Some(chrono::Utc::now() - chrono::Duration::minutes(2)),
                arrivals: Some(std::time::Duration::from_secs(4)),
                ..DemoOptions::default()
            };
            let server = DemoServer::start(options)
                .await
                .map_err(SessionError::Demo)?;
            // `--demo --profile staging` starts in the demo's second space.
            let settings = match &overrides.profile {
                Some(name) => {
                    Settings::demo_profile(&server.endpoint(), name).ok_or_else(|| {
                        ConfigError::UnknownProfile {
                            name: name.clone(),
                            path: "the demo".to_owned(),
                            available: DemoServer::profiles()
                                .iter()
                                .map(|p| p.0.to_owned())
                                .collect(),
                        }
                    })?
                }
                None => Settings::demo(&server),
            };
            (settings, Some(server))
        } else {
            (
                config::resolve(overrides, &|k| std::env::var(k).ok())?,
                None,
            )
        };
        let client = crate::spaces::client_for(&settings)?;
        Ok(Self::from_parts(client, settings, demo))
    }

    /// A session of these parts, with the index its settings ask for (a temporary one with the
    /// demo).
    pub fn from_parts(client: Client, settings: Settings, demo: Option<DemoServer>) -> Self {
        let (index, demo_index) = index_for(&settings, demo.is_some());
        Self {
            client,
            settings,
            demo,
            index,
            _demo_index: demo_index,
        }
    }

    /// Opens the history this session records to: the platform data dir (the demo keeps its
    /// own, beside it, so trying the demo never mixes with real lookups). Never fails; the
    /// warnings say what went wrong.
    pub fn history(&self, no_cache: bool) -> (History, Vec<HistoryWarning>) {
        self.history_opener(no_cache, None)()
    }

    /// [`Session::history`] for the inspector: only the first page of entries is read here
    /// ([`History::open_first`]); the inspector's save thread reads the rest.
    pub fn history_first(&self, no_cache: bool) -> (History, Vec<HistoryWarning>) {
        let options = HistoryOptions {
            cap: self.settings.history_limit,
            cache: self.settings.cache && !no_cache,
        };
        match History::dir_for(self.demo.is_some()) {
            Some(dir) => History::open_first(dir, options, crate::history::FIRST_PAGE),
            None => self.history(no_cache),
        }
    }

    /// What [`Session::history`] does, to be run later or on another thread (`swlog get` opens
    /// the history while its first lookups are on their way); with `batch`, for a batch of
    /// lookups saved at most that often ([`History::open_batched`]).
    pub fn history_opener(
        &self,
        no_cache: bool,
        batch: Option<std::time::Duration>,
    ) -> impl FnOnce() -> (History, Vec<HistoryWarning>) + Send + 'static {
        let options = HistoryOptions {
            cap: self.settings.history_limit,
            cache: self.settings.cache && !no_cache,
        };
        let demo = self.demo.is_some();
        move || match (History::dir_for(demo), batch) {
            (Some(dir), Some(every)) => History::open_batched(dir, options, every),
            (Some(dir), None) => History::open(dir, options),
            (None, _) => (
                History::in_memory(options),
                vec![HistoryWarning::NotSaved(
                    "this platform has no data directory".to_owned(),
                )],
            ),
        }
    }

    /// The profiles this session may switch to, with the start-up profile's client: the
    /// config file's profiles (and the environment's credentials), or the demo's two.
    pub fn spaces(&self, overrides: &config::Overrides) -> Spaces {
        let spaces = self.profiles(overrides);
        spaces.use_index(self.index.clone(), self.settings.index.streams);
        spaces
    }

    fn profiles(&self, overrides: &config::Overrides) -> Spaces {
        if let Some(server) = &self.demo {
            let base = server.endpoint();
            let choices = DemoServer::profiles()
                .into_iter()
                .map(|(name, space, project, _)| config::Choice {
                    name: name.to_owned(),
                    space: Some(space.to_owned()),
                    place: Some(space.to_owned()),
                    project: Some(project.to_owned()),
                    source: "demo server",
                })
                .collect();
            let resolver: Resolver = Box::new(move |name: &str| {
                Settings::demo_profile(&base, name).ok_or_else(|| ConfigError::UnknownProfile {
                    name: name.to_owned(),
                    path: "the demo".to_owned(),
                    available: vec![],
                })
            });
            return Spaces::new(
                &self.settings.profile,
                self.client.clone(),
                choices,
                resolver,
            );
        }
        let env = |k: &str| std::env::var(k).ok();
        let choices = config::choices(overrides, &env, &self.settings);
        let overrides = overrides.clone();
        let resolver: Resolver = Box::new(move |name: &str| {
            config::resolve_choice(&overrides, name, &|k: &str| std::env::var(k).ok())
        });
        Spaces::new(
            &self.settings.profile,
            self.client.clone(),
            choices,
            resolver,
        )
    }
}

/// The index a session uses: the platform data dir's `index.db` pruned to the settings' caps,
/// a temporary one for the demo, or none when turned off or there is no data dir.
fn index_for(
    settings: &Settings,
    demo: bool,
) -> (
    crate::search::IndexHandle,
    Option<std::sync::Arc<tempfile::TempDir>>,
) {
    use crate::search::IndexHandle;
    if !settings.index.enabled {
        return (IndexHandle::off(), None);
    }
    if demo {
        return match tempfile::Builder::new()
            .prefix("swlog-demo-index")
            .tempdir()
        {
            Ok(dir) => (
                IndexHandle::at(dir.path().join("index.db")),
                Some(std::sync::Arc::new(dir)),
            ),
            Err(_) => (IndexHandle::off(), None),
        };
    }
    let caps = crate::index::Caps {
        max_bytes: settings.index.max_mb.saturating_mul(1_000_000),
        max_age: chrono::TimeDelta::days(
            i64::try_from(settings.index.max_age_days).unwrap_or(i64::MAX / 86_400_000),
        ),
    };
    match crate::index::Index::default_path() {
        Some(path) => (IndexHandle::capped(path, caps), None),
        None => (IndexHandle::off(), None),
    }
}
