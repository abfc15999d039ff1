//! Credentials and settings: the environment, then `config.toml`, then defaults.
//!
//! The environment overrides the file. The token may be inline in the file (warned about when
//! the file is readable by others) or come from a `token_command`; either way it is held in a
//! [`Secret`] from the moment it is read.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::api::endpoint::{Endpoint, EndpointError};
use crate::secret::Secret;
use crate::text::{excerpt, sanitize};

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
    /// The settings that talk to a running demo server.
    pub fn demo(server: &crate::demo::DemoServer) -> Self {
        let (project_id, token) = server.credentials();
        Self {
            profile: "demo".to_owned(),
            endpoint: server.endpoint(),
            endpoint_origin: Origin::Demo,
            project_id,
            project_origin: Origin::Demo,
            token,
            token_origin: Origin::Demo,
            timeout: Duration::from_secs(20),
            live_refresh: Duration::from_secs(5),
            live_max_age: crate::app::live::DEFAULT_MAX_AGE,
            history_limit: crate::history::DEFAULT_CAP,
            cache: true,
            clipboard: crate::clipboard::ClipboardChoice::default(),
            warnings: Vec::new(),
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
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| bad(sanitize(e.message()).into_owned()))
}

/// Puts the settings together from the environment, the file and the command line.
pub fn resolve(
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let path = config_path(overrides, env);
    let file = match &path {
        Some(p) => load_file(p)?,
        None => None,
    };
    let shown_path = path
        .as_ref()
        .map_or_else(|| "config.toml".to_owned(), |p| p.display().to_string());
    let profile_name = overrides
        .profile
        .clone()
        .unwrap_or_else(|| "default".to_owned());
    let profile = match (&file, &overrides.profile) {
        (Some(f), _) => match f.profiles.get(&profile_name) {
            Some(p) => p.clone(),
            None if overrides.profile.is_none() => Profile::default(),
            None => {
                return Err(ConfigError::UnknownProfile {
                    name: profile_name,
                    path: shown_path,
                    available: f.profiles.keys().cloned().collect(),
                });
            }
        },
        (None, Some(name)) => {
            return Err(ConfigError::UnknownProfile {
                name: name.clone(),
                path: shown_path,
                available: vec![],
            });
        }
        (None, None) => Profile::default(),
    };
    let first_env = |names: &[&'static str]| {
        names.iter().find_map(|n| {
            env(n)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, Origin::Env(n)))
        })
    };
    let how = |var: &str, key: &str| {
        format!("set ${var}, or `{key}` under [profiles.{profile_name}] in {shown_path}")
    };
    let mut warnings = Vec::new();

    let (endpoint, endpoint_origin) = if let Some(url) = &overrides.base_url {
        (Endpoint::from_base_url(url)?, Origin::Flag("--base-url"))
    } else if let Some((url, origin)) = first_env(&vars::BASE_URL) {
        (Endpoint::from_base_url(&url)?, origin)
    } else if let Some(url) = &profile.base_url {
        (Endpoint::from_base_url(url)?, Origin::File("base_url"))
    } else if let Some((space, origin)) = first_env(&vars::SPACE) {
        (Endpoint::from_space(&space)?, origin)
    } else if let Some(space) = &profile.space {
        (Endpoint::from_space(space)?, Origin::File("space"))
    } else {
        return Err(ConfigError::Missing {
            what: "space",
            how: how(vars::SPACE[0], "space"),
        });
    };

    let (project_id, project_origin) = first_env(&vars::PROJECT)
        .or_else(|| {
            profile
                .project_id
                .clone()
                .map(|p| (p, Origin::File("project_id")))
        })
        .map(|(p, o)| (p.trim().to_owned(), o))
        .ok_or_else(|| ConfigError::Missing {
            what: "project ID",
            how: how(vars::PROJECT[0], "project_id"),
        })?;

    if profile.token.is_some() && profile.token_command.is_some() {
        return Err(ConfigError::TwoTokens(profile_name));
    }
    let (token, token_origin) = if let Some((t, origin)) = first_env(&vars::TOKEN) {
        (Secret::new(t), origin)
    } else if let Some(t) = &profile.token {
        if let Some(p) = &path
            && let Some(w) = permissive_warning(p)
        {
            warnings.push(w);
        }
        (Secret::new(t.clone()), Origin::File("token"))
    } else if let Some(cmd) = &profile.token_command {
        (run_token_command(cmd)?, Origin::File("token_command"))
    } else {
        return Err(ConfigError::Missing {
            what: "API token",
            how: format!(
                "set ${}, or `token_command` (or `token`) under [profiles.{profile_name}] in {shown_path}",
                vars::TOKEN[0]
            ),
        });
    };
    if token.is_empty() {
        return Err(ConfigError::Missing {
            what: "API token",
            how: format!("the token {token_origin} is empty"),
        });
    }

    let timeout_secs = overrides
        .timeout_secs
        .or(file.as_ref().and_then(|f| f.timeout_secs))
        .unwrap_or(20)
        .max(1);
    Ok(Settings {
        profile: profile_name,
        endpoint,
        endpoint_origin,
        project_id,
        project_origin,
        token,
        token_origin,
        timeout: Duration::from_secs(timeout_secs),
        live_refresh: Duration::from_secs(
            file.as_ref().and_then(|f| f.live_refresh_secs).unwrap_or(5),
        ),
        live_max_age: file
            .as_ref()
            .and_then(|f| f.live_max_age_hours)
            .map_or(crate::app::live::DEFAULT_MAX_AGE, |h| {
                Duration::from_secs(h * 3600)
            }),
        history_limit: file
            .as_ref()
            .and_then(|f| f.history_limit)
            .unwrap_or(crate::history::DEFAULT_CAP),
        cache: file.as_ref().and_then(|f| f.cache).unwrap_or(true),
        clipboard: file.as_ref().and_then(|f| f.clipboard).unwrap_or_default(),
        warnings,
    })
}

/// Runs `token_command` through the shell and takes its trimmed output as the token.
fn run_token_command(command: &str) -> Result<Secret, ConfigError> {
    let fail = |detail: String| ConfigError::TokenCommand {
        command: sanitize(command).into_owned(),
        detail,
    };
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        return Err(fail(format!("{}: {}", out.status, excerpt(&out.stderr))));
    }
    let token =
        String::from_utf8(out.stdout).map_err(|_| fail("its output is not UTF-8".to_owned()))?;
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

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn with_file(text: &str) -> (tempfile::TempDir, Overrides) {
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
            e.contains("$SIGNALWIRE_API_TOKEN") && e.contains("token_command"),
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
        o.profile = Some("staging".into());
        let s = resolve(&o, &env_of(&[("SIGNALWIRE_PROJECT_ID", "p-env")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.endpoint.space(), s.project_id.as_str()),
            ("acme-staging", "p-env")
        );
        assert_eq!(s.project_origin, Origin::Env("SIGNALWIRE_PROJECT_ID"));
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
