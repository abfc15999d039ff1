//! The settings' resolution, source by source; `env_of` and `with_file` serve `choices`'s
//! tests too.

use std::collections::HashMap;
use std::time::Duration;

use super::*;

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
        e.starts_with(
            "no space set: set $SIGNALWIRE_SPACE too: the environment sets $SIGNALWIRE_API_TOKEN"
        ),
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

#[test]
fn a_file_profile_called_env_is_named_as_never_used_and_not_offered() {
    let (_d, o) = with_file(
        "[profiles.default]\nspace = \"alpha\"\nproject_id = \"p\"\ntoken_command = \"echo PTa\"\n\n[profiles.env]\nspace = \"shadowed\"\nproject_id = \"p\"\ntoken_command = \"echo PTs\"\n",
    );
    let s = resolve(&o, &env_of(&[])).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        s.warnings
            .iter()
            .any(|w| w.contains("[profiles.env]") && w.contains("never used")),
        "{:?}",
        s.warnings
    );
    let names: Vec<String> = choices(&o, &env_of(&[]), &s)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["default"], "the shadowed profile is not offered");
}

#[test]
fn blank_credential_variables_are_named() {
    let env = env_of(&[("SIGNALWIRE_SPACE", "  "), ("SIGNALWIRE_API_TOKEN", "PT")]);
    assert_eq!(blank_environment_credentials(&env), ["SIGNALWIRE_SPACE"]);
}
