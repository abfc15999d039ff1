//! Where lookups go when a session works across spaces: the profiles it may use, and a client
//! per profile, made the first time a lookup needs it (its credentials resolved as at
//! start-up, `token_command` included). The loop asks for a profile's client by name; the
//! state never sees a client or a token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::api::{ApiError, Client, ClientOptions};
use crate::config::{Choice, ConfigError, Settings};
use crate::search::IndexHandle;

/// The client for `settings`: its endpoint, project, token and timeout.
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

/// Resolves a profile's settings by name; may run a `token_command`, so it runs off the loop.
pub type Resolver = Box<dyn Fn(&str) -> Result<Settings, ConfigError> + Send + Sync>;

/// The session's profiles and their clients. Clones share the clients.
#[derive(Clone)]
pub struct Spaces {
    inner: Arc<Inner>,
}

struct Inner {
    startup: String,
    choices: Vec<Choice>,
    resolver: Resolver,
    clients: Mutex<HashMap<String, Client>>,
    /// The index every profile's searches use (each keyed by its space), and the list streams
    /// read at once; none until [`Spaces::use_index`].
    index: std::sync::OnceLock<(IndexHandle, usize)>,
}

impl std::fmt::Debug for Spaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: a client holds a token.
        f.debug_struct("Spaces")
            .field("startup", &self.inner.startup)
            .field("choices", &self.inner.choices)
            .finish_non_exhaustive()
    }
}

impl Spaces {
    /// The start-up profile with its client, the other `choices`, and how to resolve them.
    pub fn new(startup: &str, client: Client, choices: Vec<Choice>, resolver: Resolver) -> Self {
        let mut clients = HashMap::new();
        clients.insert(startup.to_owned(), client);
        Self {
            inner: Arc::new(Inner {
                startup: startup.to_owned(),
                choices,
                resolver,
                clients: Mutex::new(clients),
                index: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Searches in every profile use `index`, reading `streams` list streams at once. Set once;
    /// later calls change nothing.
    pub fn use_index(&self, index: IndexHandle, streams: usize) {
        let _ = self.inner.index.set((index, streams));
    }

    /// The index searches use (off when none was given) and the streams they read at once.
    pub fn index(&self) -> (IndexHandle, usize) {
        self.inner
            .index
            .get()
            .cloned()
            .unwrap_or_else(|| (IndexHandle::off(), crate::search::DEFAULT_STREAMS))
    }

    /// Only the start-up profile, `profile` in `space` with `client`: any other is refused.
    pub fn single(profile: &str, space: &str, client: Client) -> Self {
        let choice = Choice {
            name: profile.to_owned(),
            space: Some(space.to_owned()),
            place: Some(client.endpoint().place()),
            project: None,
            source: "start-up",
        };
        let name = profile.to_owned();
        let resolver: Resolver = Box::new(move |asked: &str| {
            Err(ConfigError::UnknownProfile {
                name: asked.to_owned(),
                path: "this session".to_owned(),
                available: vec![name.clone()],
            })
        });
        Self::new(profile, client, vec![choice], resolver)
    }

    /// The profiles to choose from, the start-up one first.
    pub fn choices(&self) -> &[Choice] {
        &self.inner.choices
    }

    /// The client of `profile`, made now if this is its first use. The resolver runs on a
    /// blocking thread: a `token_command` may take seconds.
    pub async fn client(&self, profile: &str) -> Result<Client, ApiError> {
        if let Some(client) = self.cached(profile) {
            return Ok(client);
        }
        let inner = Arc::clone(&self.inner);
        let name = profile.to_owned();
        let settings = tokio::task::spawn_blocking(move || (inner.resolver)(&name))
            .await
            .map_err(|e| ApiError::Setup(format!("profile {profile}: {e}")))?
            .map_err(|e| {
                ApiError::Setup(format!(
                    "profile {}: {}",
                    crate::text::sanitize(profile),
                    crate::text::sanitize(&e.to_string())
                ))
            })?;
        let client = client_for(&settings)?;
        self.inner
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(profile.to_owned())
            .or_insert_with(|| client.clone());
        tracing::info!(profile = %crate::text::sanitize(profile), space = %settings.endpoint.space(), "client made for profile");
        Ok(client)
    }

    fn cached(&self, profile: &str) -> Option<Client> {
        self.inner
            .clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(profile)
            .cloned()
    }
}
