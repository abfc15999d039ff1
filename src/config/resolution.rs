//! Which source wins for each setting: [`resolve`].

use std::time::Duration;

use super::source::{FileSource, Layer, from_command_line, from_environment};
use super::{ConfigError, ENV_PROFILE, Overrides, Profile, Settings, defaults, limits, vars};
use crate::api::endpoint::Endpoint;

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
    limits::check_durations(file.config.as_ref(), overrides)?;
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
    if file
        .config
        .as_ref()
        .is_some_and(|c| c.profiles.contains_key(ENV_PROFILE))
    {
        warnings.push(format!(
            "[profiles.{ENV_PROFILE}] in {} is never used: `{ENV_PROFILE}` names the environment's \
             credentials (--profile {ENV_PROFILE}, and in the P picker); rename that profile",
            file.shown_path
        ));
    }

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
        events_within: tunables
            .and_then(|f| f.events_within_secs)
            .map_or(limits::DEFAULT_EVENTS_WITHIN, Duration::from_secs),
        history_limit: tunables
            .and_then(|f| f.history_limit)
            .unwrap_or(defaults::HISTORY_LIMIT),
        cache: tunables.and_then(|f| f.cache).unwrap_or(defaults::CACHE),
        index: super::IndexSettings {
            enabled: tunables
                .and_then(|f| f.index)
                .unwrap_or(defaults::INDEX.enabled),
            max_mb: tunables
                .and_then(|f| f.index_max_mb)
                .unwrap_or(defaults::INDEX.max_mb),
            max_age_days: tunables
                .and_then(|f| f.index_max_age_days)
                .unwrap_or(defaults::INDEX.max_age_days),
            streams: tunables
                .and_then(|f| f.index_streams)
                .map_or(defaults::INDEX.streams, |n| {
                    usize::try_from(n).unwrap_or(defaults::INDEX.streams)
                }),
        },
        clipboard: tunables.and_then(|f| f.clipboard).unwrap_or_default(),
        download_dir: tunables.and_then(|f| f.download_dir.clone()),
        warnings,
    })
}

/// The environment variables that set credentials (`$SIGNALWIRE_API_TOKEN`, …), for saying
/// that a profile named on the command line leaves them unused.
pub fn environment_credentials(env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    from_environment(env).credential_names()
}

/// The credential variables that are set but blank, and so ignored, for `swlog config` to say.
pub fn blank_environment_credentials(env: &dyn Fn(&str) -> Option<String>) -> Vec<&'static str> {
    [
        &vars::BASE_URL[..],
        &vars::SPACE,
        &vars::PROJECT,
        &vars::TOKEN,
    ]
    .into_iter()
    .flatten()
    .copied()
    .filter(|name| env(name).is_some_and(|v| v.trim().is_empty()))
    .collect()
}
