//! Credentials and settings: the environment, then `config.toml`, then defaults.
//!
//! The credentials come from one source, whole: the profile named on the command line, else the
//! environment's when it sets any, else the file's `default` profile. The token may be inline in the file (warned about when
//! the file is readable by others) or come from a `token_command`; either way it is held in a
//! [`Secret`] from the moment it is read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

mod choices;
mod source;

pub use choices::{Choice, ENV_PROFILE, choices, resolve_choice};

use source::{FileSource, Layer, from_command_line, from_environment};

use crate::api::endpoint::{Endpoint, EndpointError};
use crate::secret::Secret;
use crate::text::sanitize;

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

    /// Time allowed for a whole request.
    pub const TIMEOUT: Duration = Duration::from_secs(20);
    /// Time between refreshes of a call in progress.
    pub const LIVE_REFRESH: Duration = Duration::from_secs(5);
    /// How many unpinned lookups the history keeps.
    pub const HISTORY_LIMIT: usize = 1_000;
    /// Whether response bodies are cached beside the history.
    pub const CACHE: bool = true;
    /// How long past its start and duration a call that is not final is still refreshed.
    pub const LIVE_MAX_AGE: Duration = Duration::from_secs(6 * 3600);
}

/// One `[profiles.NAME]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The space.
    pub space: Option<String>,
    /// The project ID.
    pub project_id: Option<String>,
    /// The token inline (discouraged: prefer `token_command`).
    token: Option<String>,
    /// A shell command whose output is the token, e.g. `pass show signalwire/token`.
    pub token_command: Option<String>,
    /// A base URL that replaces the space's.
    pub base_url: Option<String>,
}

/// The whole `config.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Seconds allowed for a whole request (default 20).
    pub timeout_secs: Option<u64>,
    /// Seconds between refreshes of a call still in progress (default 5; 0 turns it off).
    pub live_refresh_secs: Option<u64>,
    /// Seconds a `token_command` may run before it is killed (default 10).
    pub token_command_timeout_secs: Option<u64>,
    /// Hours past its start and duration so far that a non-final call is still refreshed
    /// (default 6, 1 to 168): older ones are shown as not final, and not refreshed.
    #[serde(default, deserialize_with = "live_max_age_hours")]
    pub live_max_age_hours: Option<u64>,
    /// How many lookups the history keeps besides pinned ones (default 1,000).
    pub history_limit: Option<usize>,
    /// Whether each lookup's last response body is cached for instant revisits (default true).
    pub cache: Option<bool>,
    /// Where copies go: "auto", "system", "osc52" or "tmux" (default auto).
    pub clipboard: Option<crate::clipboard::ClipboardChoice>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
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
    /// A duration outside the range it may take.
    #[error("{key} = {value} is out of range: give {min} to {max} seconds")]
    OutOfRange {
        /// The key or flag.
        key: &'static str,
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
    /// How many unpinned lookups the history keeps.
    pub history_limit: usize,
    /// Whether response bodies are cached beside the history.
    pub cache: bool,
    /// Where copies go.
    pub clipboard: crate::clipboard::ClipboardChoice,
    /// Things worth telling the user, e.g. an inline token in a world-readable file.
    pub warnings: Vec<String>,
}

impl Settings {
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
            history_limit: defaults::HISTORY_LIMIT,
            cache: defaults::CACHE,
            clipboard: crate::clipboard::ClipboardChoice::default(),
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

/// The largest config file read: a real one is a few hundred bytes, and `/dev/urandom` is not one.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// The hours `live_max_age_hours` may be: at least one (a call may be slow to report), at
/// most a week (beyond that no call is live).
const LIVE_MAX_AGE_HOURS: std::ops::RangeInclusive<u64> = 1..=168;

fn live_max_age_hours<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let hours = <u64 as Deserialize>::deserialize(d)?;
    if LIVE_MAX_AGE_HOURS.contains(&hours) {
        Ok(Some(hours))
    } else {
        Err(serde::de::Error::custom(format!(
            "live_max_age_hours must be {} to {} (hours), not {hours}",
            LIVE_MAX_AGE_HOURS.start(),
            LIVE_MAX_AGE_HOURS.end()
        )))
    }
}

/// Reads the config file; a missing file is an empty config.
pub fn load_file(path: &Path) -> Result<Option<FileConfig>, ConfigError> {
    let bad = |detail: String| ConfigError::BadFile {
        path: path.display().to_string(),
        detail,
    };
    let bytes = match crate::fsx::read_regular(path, crate::fsx::Links::Follow, MAX_CONFIG_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    let text = String::from_utf8(bytes).map_err(|e| bad(e.to_string()))?;
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| bad(sanitize(e.message()).into_owned()))
}

/// Puts the settings together from the environment, the file and the command line.
///
/// Each source is read on its own ([`from_command_line`], [`from_environment`],
/// [`FileSource`], [`defaults`]); this only decides which source wins for each setting.
///
/// The credentials (where requests go, the project and the token) come from one source, whole:
/// a profile named with `--profile` is its table of the config file alone; with no profile
/// named, the environment's credentials when it sets any (the profile [`ENV_PROFILE`]),
/// otherwise the file's `default` profile. A token is never sent to a space that another
/// source named. Only `--base-url`, typed beside the command, replaces either source's URL.
pub fn resolve(
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let vars = from_environment(env);
    let env_set = vars.credential_names();
    let from_env = match overrides.profile.as_deref() {
        Some(name) => name == ENV_PROFILE,
        None => vars.has_credentials(),
    };
    let file_overrides;
    let overrides = if from_env {
        // The file is still read for its other settings; its `default` table is not used.
        file_overrides = Overrides {
            profile: None,
            ..overrides.clone()
        };
        &file_overrides
    } else {
        overrides
    };
    let mut file = FileSource::load(overrides, env)?;
    let named = overrides.profile.is_some();
    if from_env {
        file.profile = Profile::default();
        ENV_PROFILE.clone_into(&mut file.profile_name);
    }
    crate::limits::check_durations(file.config.as_ref(), overrides)?;
    let (flags, from_file) = (from_command_line(overrides), file.layer());
    let (vars, from_file) = if from_env {
        (vars, Layer::default())
    } else {
        (Layer::default(), from_file)
    };
    // Exactly where to set a value that is missing, in the source that is in use.
    let how = |var: &str, key: &str| {
        if from_env && env_set.is_empty() {
            format!("set ${var}: the profile `{ENV_PROFILE}` is the environment's credentials")
        } else if from_env {
            format!(
                "set ${var} too: the environment sets {}, and its credentials are used whole, \
                 never mixed with a profile's; or name a profile of {} with --profile",
                env_set.join(", "),
                file.shown_path
            )
        } else if named {
            format!(
                "set `{key}` under [profiles.{}] in {} (a profile named with --profile takes \
                 nothing from the environment)",
                file.profile_name, file.shown_path
            )
        } else {
            file.how(var, key)
        }
    };
    let mut warnings = Vec::new();

    // A base URL from anywhere beats a space from anywhere: it is the more specific setting.
    let base_url = flags.base_url.or(vars.base_url).or(from_file.base_url);
    let (endpoint, endpoint_origin) = if let Some((url, origin)) = base_url {
        (Endpoint::from_base_url(&url)?, origin)
    } else if let Some((space, origin)) = vars.space.or(from_file.space) {
        (Endpoint::from_space(&space)?, origin)
    } else {
        return Err(ConfigError::Missing {
            what: "space",
            how: how(vars::SPACE[0], "space"),
        });
    };

    let (project_id, project_origin) = vars
        .project_id
        .or(from_file.project_id)
        .map(|(p, o)| (p.trim().to_owned(), o))
        .ok_or_else(|| ConfigError::Missing {
            what: "project ID",
            how: how(vars::PROJECT[0], "project_id"),
        })?;

    file.check_one_token()?;
    let (token, token_origin) = match vars.token {
        Some(token) => token,
        None if from_env => {
            return Err(ConfigError::Missing {
                what: "API token",
                how: how(vars::TOKEN[0], "token"),
            });
        }
        None => file
            .token(&mut warnings)?
            .ok_or_else(|| ConfigError::Missing {
                what: "API token",
                how: if named {
                    format!(
                        "set `token_command` (or `token`) under [profiles.{}] in {} (a profile \
                         named with --profile takes nothing from the environment)",
                        file.profile_name, file.shown_path
                    )
                } else {
                    format!(
                        "set ${}, or `token_command` (or `token`) under [profiles.{}] in {}",
                        vars::TOKEN[0],
                        file.profile_name,
                        file.shown_path
                    )
                },
            })?,
    };
    if token.is_empty() {
        return Err(ConfigError::Missing {
            what: "API token",
            how: format!("the token {token_origin} is empty"),
        });
    }

    let tunables = file.config.as_ref();
    let timeout_secs = flags
        .timeout_secs
        .or(tunables.and_then(|f| f.timeout_secs))
        .map_or(defaults::TIMEOUT, |s| Duration::from_secs(s.max(1)));
    Ok(Settings {
        profile: file.profile_name,
        endpoint,
        endpoint_origin,
        project_id,
        project_origin,
        token,
        token_origin,
        timeout: timeout_secs,
        live_refresh: tunables
            .and_then(|f| f.live_refresh_secs)
            .map_or(defaults::LIVE_REFRESH, Duration::from_secs),
        live_max_age: tunables
            .and_then(|f| f.live_max_age_hours)
            .map_or(defaults::LIVE_MAX_AGE, |h| Duration::from_secs(h * 3600)),
        history_limit: tunables
            .and_then(|f| f.history_limit)
            .unwrap_or(defaults::HISTORY_LIMIT),
        cache: tunables.and_then(|f| f.cache).unwrap_or(defaults::CACHE),
        clipboard: tunables.and_then(|f| f.clipboard).unwrap_or_default(),
        warnings,
    })
}

/// The environment variables that set credentials (`$SIGNALWIRE_API_TOKEN`, …), for saying
/// that a profile named on the command line leaves them unused.
pub fn environment_credentials(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    from_environment(env).credential_names()
}

/// Runs `token_command` through the shell and takes its trimmed output as the token.
fn run_token_command(command: &str, limit: Duration) -> Result<Secret, ConfigError> {
    use crate::token_command::Failure;
    let fail = |detail: String| ConfigError::TokenCommand {
        command: sanitize(command).into_owned(),
        detail,
    };
    let out = crate::token_command::run(command, limit).map_err(|f| {
        fail(match f {
            Failure::Start(e) | Failure::Failed(e) => e,
            Failure::TimedOut(after) => format!(
                "no answer within {}s, so it was killed (raise token_command_timeout_secs if it needs longer)",
                after.as_secs_f32()
            ),
        })
    })?;
    let token = String::from_utf8(out).map_err(|_| fail("its output is not UTF-8".to_owned()))?;
    Ok(Secret::new(token))
}

#[cfg(unix)]
fn permissive_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds a token and is readable by others (mode {:o}): run `chmod 600 {}` or use token_command",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permissive_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    pub(super) fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    pub(super) fn with_file(text: &str) -> (tempfile::TempDir, Overrides) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write: {e}"));
        (
            dir,
            Overrides {
                config: Some(path),
                ..Overrides::default()
            },
        )
    }

    fn no_file() -> (tempfile::TempDir, Overrides) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("absent.toml");
        (
            dir,
            Overrides {
                config: Some(path),
                ..Overrides::default()
            },
        )
    }

    #[test]
    fn environment_alone_is_enough() {
        let (_d, o) = no_file();
        let env = env_of(&[
            ("SIGNALWIRE_SPACE_URL", "acme.signalwire.com"),
            ("SIGNALWIRE_PROJECT_ID", "p1"),
            ("SIGNALWIRE_TOKEN", "PT1\n"),
        ]);
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.endpoint.space(), "acme");
        assert_eq!(s.token.expose(), "PT1");
        assert_eq!(s.token_origin, Origin::Env("SIGNALWIRE_TOKEN"));
    }

    #[test]
    fn missing_values_say_exactly_what_to_set() {
        let (_d, o) = no_file();
        let e = resolve(&o, &env_of(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "no space set: set $SIGNALWIRE_SPACE, or `space` under [profiles.default] in "
            ),
            "{e}"
        );
        let e = resolve(&o, &env_of(&[("SIGNALWIRE_SPACE", "acme")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.contains("$SIGNALWIRE_PROJECT_ID"), "{e}");
        let e = resolve(
            &o,
            &env_of(&[("SIGNALWIRE_SPACE", "acme"), ("SIGNALWIRE_PROJECT_ID", "p")]),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("set $SIGNALWIRE_API_TOKEN too") && e.contains("--profile"),
            "{e}"
        );
    }

    #[test]
    fn profiles_and_environment_precedence() {
        let (_d, mut o) = with_file(
            "[profiles.default]\nspace = \"acme\"\nproject_id = \"p-default\"\ntoken_command = \"printf 'PTcmd\\n'\"\n\n[profiles.staging]\nspace = \"acme-staging\"\nproject_id = \"p-staging\"\ntoken_command = \"echo PTstaging\"\n",
        );
        let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.endpoint.space(), s.project_id.as_str(), s.token.expose()),
            ("acme", "p-default", "PTcmd")
        );
        // A profile named takes nothing from the environment, not even the project.
        o.profile = Some("staging".into());
        let s = resolve(&o, &env_of(&[("SIGNALWIRE_PROJECT_ID", "p-env")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.endpoint.space(), s.project_id.as_str(), s.token.expose()),
            ("acme-staging", "p-staging", "PTstaging")
        );
        assert_eq!(s.project_origin, Origin::File("project_id"));
        o.profile = Some("prod".into());
        let e = resolve(&o, &env_of(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no profile `prod`") && e.contains("default, staging"),
            "{e}"
        );
    }

    const TWO_SPACES: &str = "[profiles.default]\nspace = \"alpha\"\nproject_id = \"p-alpha\"\ntoken = \"PTalpha\"\n\n[profiles.bravo]\nbase_url = \"http://127.0.0.1:9\"\nproject_id = \"p-bravo\"\ntoken_command = \"echo PTbravo\"\n";

    #[test]
    fn a_profile_named_never_takes_the_environments_token() {
        let (_d, mut o) = with_file(TWO_SPACES);
        o.profile = Some("bravo".into());
        let env = env_of(&[
            ("SIGNALWIRE_API_TOKEN", "PTenv"),
            ("SIGNALWIRE_SPACE", "elsewhere"),
        ]);
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.profile.as_str(), s.endpoint.base(), s.token.expose()),
            ("bravo", "http://127.0.0.1:9/", "PTbravo")
        );
        assert_eq!(s.token_origin, Origin::File("token_command"));
        // A named profile without a token says to set it in that profile, not in the
        // environment, which it would not read.
        let (_d, mut o) = with_file("[profiles.bravo]\nspace = \"b\"\nproject_id = \"p\"\n");
        o.profile = Some("bravo".into());
        let e = resolve(&o, &env).map(|_| ()).unwrap_err().to_string();
        assert!(
            e.contains("[profiles.bravo]") && !e.contains("$SIGNALWIRE_API_TOKEN"),
            "{e}"
        );
    }

    #[test]
    fn with_no_profile_named_the_environments_credentials_are_used_whole_or_not_at_all() {
        let (_d, o) = with_file(TWO_SPACES);
        // The environment's token alone is never sent to the file's space.
        let e = resolve(&o, &env_of(&[("SIGNALWIRE_API_TOKEN", "PTenv")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("no space set: set $SIGNALWIRE_SPACE too: the environment sets $SIGNALWIRE_API_TOKEN"),
            "{e}"
        );
        // Nor the file's token to the environment's space.
        let e = resolve(
            &o,
            &env_of(&[("SIGNALWIRE_SPACE", "evil"), ("SIGNALWIRE_PROJECT_ID", "p")]),
        )
        .map(|_| ())
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("no API token set: set $SIGNALWIRE_API_TOKEN too"),
            "{e}"
        );
        let full = env_of(&[
            ("SIGNALWIRE_SPACE", "env-space"),
            ("SIGNALWIRE_PROJECT_ID", "p-env"),
            ("SIGNALWIRE_API_TOKEN", "PTenv"),
        ]);
        let s = resolve(&o, &full).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.profile.as_str(), s.endpoint.space(), s.token.expose()),
            (ENV_PROFILE, "env-space", "PTenv")
        );
        // Nothing in the environment: the file's default profile, whole.
        let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.profile.as_str(), s.endpoint.space(), s.token.expose()),
            ("default", "alpha", "PTalpha")
        );
    }

    #[test]
    fn a_base_url_from_any_source_beats_a_space_from_the_same_source() {
        let (_d, mut o) = with_file(
            "[profiles.default]\nbase_url = \"http://127.0.0.1:9\"\nproject_id = \"p\"\ntoken = \"PT\"\n",
        );
        let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.endpoint_origin, Origin::File("base_url"));
        let env = env_of(&[
            ("SWLOG_BASE_URL", "http://127.0.0.1:8"),
            ("SIGNALWIRE_SPACE", "acme"),
            ("SIGNALWIRE_PROJECT_ID", "p"),
            ("SIGNALWIRE_API_TOKEN", "PT"),
        ]);
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.endpoint_origin, Origin::Env("SWLOG_BASE_URL"));
        o.base_url = Some("http://127.0.0.1:7".into());
        o.timeout_secs = Some(3);
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.endpoint_origin, Origin::Flag("--base-url"));
        assert_eq!(s.timeout, Duration::from_secs(3));
        assert_eq!(s.live_refresh, defaults::LIVE_REFRESH);
    }

    #[test]
    fn failing_token_command_is_reported_without_output() {
        let (_d, o) = with_file(
            "[profiles.default]\nspace = \"acme\"\nproject_id = \"p\"\ntoken_command = \"echo oops >&2; exit 3\"\n",
        );
        let e = resolve(&o, &env_of(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("token_command `echo oops >&2; exit 3` failed") && e.contains("oops"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn inline_token_in_a_readable_file_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, o) = with_file(
            "[profiles.default]\nspace = \"acme\"\nproject_id = \"p\"\ntoken = \"PTinline\"\n",
        );
        let path = o.config.clone().unwrap_or_default();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .unwrap_or_else(|e| panic!("{e}"));
        let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].contains("chmod 600"));
        assert!(!s.warnings[0].contains("PTinline"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .unwrap_or_else(|e| panic!("{e}"));
        let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn broken_file_is_a_clear_error() {
        let (_d, o) = with_file("[profiles.default\nspace=");
        let e = resolve(&o, &env_of(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("cannot use config file"), "{e}");
        let (_d, o) = with_file("[profiles.default]\nspaec = \"acme\"\n");
        let e = resolve(&o, &env_of(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.contains("spaec"), "{e}");
    }

    #[test]
    fn bad_space_in_environment_is_refused() {
        let (_d, o) = no_file();
        let e = resolve(&o, &env_of(&[("SIGNALWIRE_SPACE", "evil.example/x?")]))
            .map(|_| ())
            .unwrap_err();
        assert!(matches!(
            e,
            ConfigError::Endpoint(EndpointError::BadSpace(_))
        ));
    }

    #[test]
    fn settings_debug_has_no_token() {
        let (_d, o) = no_file();
        let env = env_of(&[
            ("SIGNALWIRE_SPACE", "acme"),
            ("SIGNALWIRE_PROJECT_ID", "p"),
            ("SIGNALWIRE_API_TOKEN", "PTsecret42"),
        ]);
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{s:?}").contains("PTsecret42"));
    }

    #[test]
    fn live_max_age_is_hours_within_a_range() {
        let env = env_of(&[
            ("SIGNALWIRE_SPACE_URL", "acme.signalwire.com"),
            ("SIGNALWIRE_PROJECT_ID", "p1"),
            ("SIGNALWIRE_TOKEN", "PT1"),
        ]);
        let (_d, o) = no_file();
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.live_max_age, Duration::from_secs(6 * 3600));
        let (_d, o) = with_file("live_max_age_hours = 24\n");
        let s = resolve(&o, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.live_max_age, Duration::from_secs(24 * 3600));
        for bad in ["0", "169", "-1", "\"6h\""] {
            let (_d, o) = with_file(&format!("live_max_age_hours = {bad}\n"));
            let e = resolve(&o, &env).map(|_| ()).unwrap_err().to_string();
            assert!(
                e.contains("live_max_age_hours") || e.contains("invalid"),
                "{bad}: {e}"
            );
        }
        let (_d, o) = with_file("live_max_age_hours = 0\n");
        let e = resolve(&o, &env).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("must be 1 to 168 (hours), not 0"), "{e}");
    }
}
