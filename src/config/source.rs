//! Each source of settings read on its own: the command line, the environment, and the config
//! file with its profile. [`super::resolve`] decides which wins.

use std::path::PathBuf;
use std::time::Duration;

use super::file::permissive_warning;
use super::{ConfigError, FileConfig, Origin, Overrides, Profile, config_path, load_file, vars};
use crate::secret::Secret;
use crate::text::sanitize;

/// What one source says about the connection, each value with where it came from.
#[derive(Debug, Default)]
pub(super) struct Layer {
    pub(super) base_url: Option<(String, Origin)>,
    pub(super) space: Option<(String, Origin)>,
    pub(super) project_id: Option<(String, Origin)>,
    pub(super) token: Option<(Secret, Origin)>,
    pub(super) timeout_secs: Option<u64>,
}

impl Layer {
    /// The variables that set this layer's credentials (the environment's), as `$NAME`.
    pub(super) fn credential_names(&self) -> Vec<String> {
        [
            self.base_url.as_ref().map(|v| &v.1),
            self.space.as_ref().map(|v| &v.1),
            self.project_id.as_ref().map(|v| &v.1),
            self.token.as_ref().map(|v| &v.1),
        ]
        .into_iter()
        .flatten()
        .filter_map(|origin| match origin {
            Origin::Env(name) => Some(format!("${name}")),
            _ => None,
        })
        .collect()
    }

    /// Whether this layer sets any credential: the environment's are then the session's.
    pub(super) fn has_credentials(&self) -> bool {
        !self.credential_names().is_empty()
    }
}

/// What the command line says.
pub(super) fn from_command_line(overrides: &Overrides) -> Layer {
    Layer {
        base_url: overrides
            .base_url
            .clone()
            .map(|u| (u, Origin::Flag("--base-url"))),
        timeout_secs: overrides.timeout_secs,
        ..Layer::default()
    }
}

/// What the environment says: the first non-blank variable of each family.
pub(super) fn from_environment(env: &dyn Fn(&str) -> Option<String>) -> Layer {
    let first = |names: &[&'static str]| {
        names.iter().find_map(|n| {
            env(n)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, Origin::Env(n)))
        })
    };
    Layer {
        base_url: first(&vars::BASE_URL),
        space: first(&vars::SPACE),
        project_id: first(&vars::PROJECT),
        token: first(&vars::TOKEN).map(|(t, o)| (Secret::new(t), o)),
        timeout_secs: None,
    }
}

/// The config file and the profile chosen in it.
#[derive(Debug)]
pub(super) struct FileSource {
    /// The file, when the platform has a config directory or one was named.
    pub(super) path: Option<PathBuf>,
    /// The file as named in messages.
    pub(super) shown_path: String,
    /// Its contents; `None` when there is no file.
    pub(super) config: Option<FileConfig>,
    /// The profile in effect.
    pub(super) profile_name: String,
    /// That profile's table (empty when the file has none of that name and none was asked).
    pub(super) profile: Profile,
}

impl FileSource {
    /// Reads the file and picks the profile; a profile asked for by name must exist.
    pub(super) fn load(
        overrides: &Overrides,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let path = config_path(overrides, env);
        let config = match &path {
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
        let profile = match (&config, &overrides.profile) {
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
        Ok(Self {
            path,
            shown_path,
            config,
            profile_name,
            profile,
        })
    }

    /// The profile's connection settings. The token is read separately ([`Self::token`]),
    /// because reading it may run a command.
    pub(super) fn layer(&self) -> Layer {
        let key = |v: &Option<String>, k| v.clone().map(|v| (v, Origin::File(k)));
        Layer {
            base_url: key(&self.profile.base_url, "base_url"),
            space: key(&self.profile.space, "space"),
            project_id: key(&self.profile.project_id, "project_id"),
            token: None,
            timeout_secs: None,
        }
    }

    /// Exactly where to set `key`, for a missing value.
    pub(super) fn how(&self, var: &str, key: &str) -> String {
        format!(
            "set ${var}, or `{key}` under [profiles.{}] in {}",
            self.profile_name, self.shown_path
        )
    }

    /// Refuses a profile with both `token` and `token_command`, even when the environment
    /// has a token: the file is wrong either way.
    pub(super) fn check_one_token(&self) -> Result<(), ConfigError> {
        if self.profile.token.is_some() && self.profile.token_command.is_some() {
            return Err(ConfigError::TwoTokens(self.profile_name.clone()));
        }
        Ok(())
    }

    /// The profile's token: inline (warned about when others can read the file) or from
    /// `token_command`, which runs only now.
    pub(super) fn token(
        &self,
        warnings: &mut Vec<String>,
    ) -> Result<Option<(Secret, Origin)>, ConfigError> {
        if let Some(t) = &self.profile.token {
            if let Some(p) = &self.path
                && let Some(w) = permissive_warning(p)
            {
                warnings.push(w);
            }
            Ok(Some((Secret::new(t.clone()), Origin::File("token"))))
        } else if let Some(cmd) = &self.profile.token_command {
            let limit = super::limits::token_command_timeout(self.config.as_ref());
            Ok(Some((
                run_token_command(cmd, limit)?,
                Origin::File("token_command"),
            )))
        } else {
            Ok(None)
        }
    }
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
