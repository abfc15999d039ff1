//! `swlog config`: where the config file is and which settings are in effect, token redacted.
//! Every value that came from the user (a path, a profile, a project ID) is sanitised: a
//! config file or an environment variable can hold escape sequences too.

use std::io::Write;

use super::cli::Global;
use super::{Error, Exit};
use crate::config;
use crate::history::History;
use crate::text::sanitize;

/// Runs `swlog config`.
pub fn command(global: &Global, out: &mut dyn Write) -> Result<Exit, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let overrides = global.overrides();
    if global.demo {
        return demo(overrides.profile.as_deref(), out);
    }
    let path = config::config_path(&overrides, &env);
    let shown = |p: &std::path::Path| sanitize(&p.display().to_string()).into_owned();
    match &path {
        Some(p) if p.exists() => writeln!(out, "config file  {}", shown(p))?,
        Some(p) => writeln!(
            out,
            "config file  {} (not found: using the environment only)",
            shown(p)
        )?,
        None => writeln!(out, "config file  (no config directory on this platform)")?,
    }
    let s = match config::resolve(&overrides, &env) {
        Ok(s) => s,
        Err(e) => {
            writeln!(out, "error        {}", sanitize(&e.to_string()))?;
            writeln!(
                out,
                "demo         needs no settings: swlog --demo config, swlog --demo history"
            )?;
            return Ok(super::exit::of(super::exit::Failure::Config(&e)));
        }
    };
    writeln!(out, "profile      {}", sanitize(&s.profile))?;
    for name in config::blank_environment_credentials(&env) {
        writeln!(out, "environment  ${name} is set but blank: ignored")?;
    }
    let unused = config::environment_credentials(&env);
    if s.profile != config::ENV_PROFILE && !unused.is_empty() {
        writeln!(
            out,
            "environment  {} set, not used: a profile named with --profile takes nothing from it \
             (its credentials are the profile `{}`)",
            unused.join(", "),
            config::ENV_PROFILE
        )?;
    }
    writeln!(
        out,
        "space        {} ({})",
        sanitize(s.endpoint.space()),
        s.endpoint_origin
    )?;
    writeln!(out, "base URL     {}", sanitize(s.endpoint.base()))?;
    writeln!(
        out,
        "project      {} ({})",
        sanitize(&s.project_id),
        s.project_origin
    )?;
    writeln!(
        out,
        "token        set, {} characters, redacted ({})",
        s.token.expose().chars().count(),
        s.token_origin
    )?;
    writeln!(out, "timeout      {}s", s.timeout.as_secs())?;
    let dir = History::dir_for(false).map_or_else(
        || "(in memory: no data directory)".to_owned(),
        |d| shown(&d),
    );
    let cache = if s.cache && !global.no_cache {
        "bodies cached"
    } else {
        "no body cache"
    };
    writeln!(
        out,
        "history      {dir} (keeps {} besides pinned, {cache})",
        s.history_limit
    )?;
    let index = if !s.index.enabled {
        "off (index = false)".to_owned()
    } else {
        crate::index::Index::default_path().map_or_else(
            || "off: this platform has no data directory".to_owned(),
            |p| {
                format!(
                    "{} (caps {} MB and {} days; swlog index)",
                    shown(&p),
                    s.index.max_mb,
                    s.index.max_age_days
                )
            },
        )
    };
    writeln!(out, "index        {index}")?;
    let method = crate::clipboard::decide(s.clipboard, &env);
    writeln!(out, "clipboard    {:?} → {}", s.clipboard, method.label())?;
    writeln!(
        out,
        "download_dir {}",
        crate::text::sanitize(&s.download_dir().display().to_string())
    )?;
    let live = if s.live_refresh.is_zero() {
        "off".to_owned()
    } else {
        format!("every {}s", s.live_refresh.as_secs())
    };
    writeln!(out, "live refresh {live}")?;
    writeln!(
        out,
        "demo history {} (kept apart: swlog --demo history)",
        history_dir(true)
    )?;
    for w in &s.warnings {
        writeln!(out, "warning      {}", sanitize(w))?;
    }
    Ok(Exit::Ok)
}

/// Where the history is kept, for the demo or not, made visible.
fn history_dir(demo: bool) -> String {
    History::dir_for(demo).map_or_else(
        || "(in memory: no data directory)".to_owned(),
        |d| sanitize(&d.display().to_string()).into_owned(),
    )
}

/// `swlog --demo config`: the demo reads no settings, so this says what it uses instead: its
/// first profile, or the one `--profile` names (the demo has two).
fn demo(profile: Option<&str>, out: &mut dyn Write) -> Result<Exit, Error> {
    let profiles = crate::demo::DemoServer::profiles();
    let Some((name, space, project, _)) = profiles
        .iter()
        .find(|p| profile.is_none_or(|name| p.0 == name))
    else {
        let e = config::ConfigError::UnknownProfile {
            name: profile.unwrap_or_default().to_owned(),
            path: "the demo".to_owned(),
            available: profiles.iter().map(|p| p.0.to_owned()).collect(),
        };
        writeln!(out, "error        {}", sanitize(&e.to_string()))?;
        return Ok(super::exit::of(super::exit::Failure::Config(&e)));
    };
    writeln!(
        out,
        "profile      {name} (the demo's; no config file or environment is read)"
    )?;
    writeln!(
        out,
        "space        {space}, on the built-in demo server on 127.0.0.1, started with each run"
    )?;
    writeln!(
        out,
        "project      {} (built in)",
        crate::api::client::short_project(project)
    )?;
    writeln!(out, "token        built in, redacted")?;
    writeln!(
        out,
        "profiles     {} (--profile NAME)",
        profiles.iter().map(|p| p.0).collect::<Vec<_>>().join(", ")
    )?;
    writeln!(
        out,
        "history      {} (the demo's own, kept apart from real lookups)",
        history_dir(true)
    )?;
    Ok(Exit::Ok)
}
