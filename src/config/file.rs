//! The config file: `config.toml` as written, read from disk with its size capped, and whether
//! its mode lets others read a token in it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ConfigError;
use crate::text::sanitize;

/// One `[profiles.NAME]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The space.
    pub space: Option<String>,
    /// The project ID.
    pub project_id: Option<String>,
    /// The token inline (discouraged: prefer `token_command`).
    pub(super) token: Option<String>,
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
    /// Seconds a whole call's legs' events may take in all (default 30, 1 to 600): what has
    /// not come by then is named, not waited for.
    pub events_within_secs: Option<u64>,
    /// Hours past its start and duration so far that a non-final call is still refreshed
    /// (default 6, 1 to 168): older ones are shown as not final, and not refreshed.
    #[serde(default, deserialize_with = "live_max_age_hours")]
    pub live_max_age_hours: Option<u64>,
    /// How many lookups the history keeps besides pinned ones (default 1,000).
    pub history_limit: Option<usize>,
    /// Whether each lookup's last response body is cached for instant revisits (default true).
    pub cache: Option<bool>,
    /// Whether searches keep and use the local index of log rows (default true).
    pub index: Option<bool>,
    /// The most megabytes the index may use on disk before its oldest rows go (default 500).
    pub index_max_mb: Option<u64>,
    /// The most days a row stays in the index (default 30).
    pub index_max_age_days: Option<u64>,
    /// List streams a search reads at once (default 4, 1 to 16).
    pub index_streams: Option<u64>,
    /// Where copies go: "auto", "system", "osc52" or "tmux" (default auto).
    pub clipboard: Option<crate::clipboard::ClipboardChoice>,
    /// Where the inspector saves recordings (default: the platform's download directory).
    pub download_dir: Option<std::path::PathBuf>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
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

#[cfg(unix)]
pub(super) fn permissive_warning(path: &Path) -> Option<String> {
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
pub(super) fn permissive_warning(_path: &Path) -> Option<String> {
    None
}
