//! The profiles a session can send lookups with: the one it started with, each profile of the
//! config file, and the environment's credentials when they are set. Listed without running
//! any `token_command`; each is resolved on its own, when first needed.

use super::source::from_environment;
use super::{ConfigError, Overrides, Settings, config_path, load_file, resolve};
use crate::api::endpoint::Endpoint;
use crate::text::sanitize;

/// The name the environment's credentials go by among the profiles.
pub const ENV_PROFILE: &str = "env";

/// One profile the session may switch to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The profile's name (or [`ENV_PROFILE`]), as history entries record it.
    pub name: String,
    /// The space its lookups go to, when it names a valid one.
    pub space: Option<String>,
    /// Where its lookups go, as shown: the space, or a base URL's host with a port that is not
    /// its scheme's default (`127.0.0.1:8080`); `None` with no valid space.
    pub place: Option<String>,
    /// Its project ID, when it names one (not a secret: it is in every URL).
    pub project: Option<String>,
    /// Where it comes from, in a few words ("config file", "environment", "demo").
    pub source: &'static str,
}

/// The profiles of this session: the start-up one first (with the space it really uses), then
/// the config file's others, then the environment's credentials when they are set and the
/// session did not start with them.
pub fn choices(
    overrides: &Overrides,
    env: &dyn Fn(&str) -> Option<String>,
    startup: &Settings,
) -> Vec<Choice> {
    let mut out = vec![Choice {
        name: startup.profile.clone(),
        space: Some(startup.endpoint.space().to_owned()),
        place: Some(startup.endpoint.place()),
        project: Some(startup.project_id.clone()),
        source: "start-up",
    }];
    let file = config_path(overrides, env).and_then(|p| load_file(&p).ok().flatten());
    for (name, profile) in file.iter().flat_map(|f| &f.profiles) {
        // A file profile called `env` is shadowed by the environment's credentials, which
        // that name picks (resolve warns about it): listing it would name what it never picks.
        if *name == startup.profile || name == ENV_PROFILE {
            continue;
        }
        let space = match (&profile.base_url, &profile.space) {
            (Some(url), _) => Endpoint::from_base_url(url).ok(),
            (None, Some(space)) => Endpoint::from_space(space).ok(),
            (None, None) => None,
        };
        out.push(Choice {
            name: sanitize(name).into_owned(),
            place: space.as_ref().map(Endpoint::place),
            space: space.map(|e| e.space().to_owned()),
            project: profile.project_id.clone(),
            source: "config file",
        });
    }
    let vars = from_environment(env);
    let env_space = vars
        .base_url
        .and_then(|(u, _)| Endpoint::from_base_url(&u).ok())
        .or_else(|| vars.space.and_then(|(s, _)| Endpoint::from_space(&s).ok()));
    if let Some(space) = env_space
        && vars.token.is_some()
        && !out.iter().any(|c| c.name == ENV_PROFILE)
    {
        out.push(Choice {
            name: ENV_PROFILE.to_owned(),
            space: Some(space.space().to_owned()),
            place: Some(space.place()),
            project: vars.project_id.map(|(p, _)| p),
            source: "environment",
        });
    }
    out
}

/// The settings of the profile `name` alone: its table in the config file (the environment's
/// credentials and `--base-url` are the start-up profile's, not this one's), or for
/// [`ENV_PROFILE`] the environment's credentials alone. A `token_command` runs now.
pub fn resolve_choice(
    overrides: &Overrides,
    name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let overrides = Overrides {
        base_url: None,
        profile: Some(name.to_owned()),
        ..overrides.clone()
    };
    // A profile named is its own credentials alone; `env` is the environment's alone.
    resolve(&overrides, env)
}

#[cfg(test)]
mod tests {
    use super::super::tests::env_of;
    use super::*;

    const FILE: &str = "[profiles.default]\nspace = \"acme\"\nproject_id = \"p-a\"\ntoken = \"PTa\"\n\n[profiles.staging]\nspace = \"acme-staging\"\nproject_id = \"p-s\"\ntoken_command = \"echo PTstaging\"\n";

    fn with_file() -> (tempfile::TempDir, Overrides) {
        super::super::tests::with_file(FILE)
    }

    #[test]
    fn another_profile_is_its_table_alone_not_the_environment() {
        let (_d, o) = with_file();
        let env = env_of(&[
            ("SIGNALWIRE_SPACE", "elsewhere"),
            ("SIGNALWIRE_API_TOKEN", "PTenv"),
        ]);
        let s = resolve_choice(&o, "staging", &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (s.profile.as_str(), s.endpoint.space(), s.token.expose()),
            ("staging", "acme-staging", "PTstaging")
        );
        let e = resolve_choice(&o, "gone", &env).map(|_| ()).unwrap_err();
        assert!(matches!(e, ConfigError::UnknownProfile { .. }), "{e}");
    }

    #[test]
    fn the_environment_is_one_more_choice_when_it_has_credentials() {
        let (_d, o) = with_file();
        let env = env_of(&[
            ("SIGNALWIRE_SPACE", "elsewhere"),
            ("SIGNALWIRE_PROJECT_ID", "p-env"),
            ("SIGNALWIRE_API_TOKEN", "PTenv"),
        ]);
        let startup = resolve_choice(&o, "default", &env).unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<(String, Option<String>)> = choices(&o, &env, &startup)
            .into_iter()
            .map(|c| (c.name, c.space))
            .collect();
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            names,
            vec![
                ("default".to_owned(), some("acme")),
                ("staging".to_owned(), some("acme-staging")),
                ("env".to_owned(), some("elsewhere")),
            ]
        );
        let s = resolve_choice(&o, ENV_PROFILE, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (
                s.profile.as_str(),
                s.endpoint.space(),
                s.project_id.as_str()
            ),
            ("env", "elsewhere", "p-env")
        );
        // Without a token the environment is no choice.
        let env = env_of(&[("SIGNALWIRE_SPACE", "elsewhere")]);
        assert_eq!(choices(&o, &env, &startup).len(), 2);
    }

    #[test]
    fn a_profile_on_a_base_url_is_shown_with_its_port_and_recorded_by_its_host() {
        let (_d, o) = super::super::tests::with_file(
            "[profiles.default]\nspace = \"acme\"\nproject_id = \"p-a\"\ntoken = \"PTa\"\n\n[profiles.local]\nbase_url = \"http://127.0.0.1:8080\"\nproject_id = \"p-l\"\ntoken = \"PTl\"\n",
        );
        let env = env_of(&[]);
        let startup = resolve_choice(&o, "default", &env).unwrap_or_else(|e| panic!("{e}"));
        let local = choices(&o, &env, &startup)
            .into_iter()
            .find(|c| c.name == "local")
            .map(|c| (c.space, c.place));
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(local, Some((some("127.0.0.1"), some("127.0.0.1:8080"))));
    }
}
